#!/bin/sh
# batch.sh — scan a directory of zone exports and summarise: findings per
# rule, and the worst zones. Needs mxhazard and jq.
#
# Usage: examples/batch.sh DIR [MXHAZARD-SCAN-OPTIONS...]
#   MXHAZARD=path/to/mxhazard   the tool (default: mxhazard on PATH, else build/mxhazard)
#   TOP=N                       how many zones to list (default 10)
# Exit status: that of `mxhazard scan` (0 clean, 1 findings, 2 some input not
# loaded), or 2 when this script cannot run.
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 DIR [mxhazard scan options...]" >&2
    exit 2
fi
dir=$1
shift
MXHAZARD=${MXHAZARD:-$(command -v mxhazard || echo build/mxhazard)}
TOP=${TOP:-10}
command -v jq >/dev/null 2>&1 || { echo "$0: jq is needed" >&2; exit 2; }
out=$(mktemp "${TMPDIR:-/tmp}/mxh-batch.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT INT TERM

"$MXHAZARD" scan --format json --no-progress "$@" "$dir" >"$out"
rc=$?
if [ "$rc" -gt 2 ]; then
    echo "$0: $MXHAZARD failed (status $rc)" >&2
    exit 2
fi

jq -r -s --argjson top "$TOP" '
  def sevn: {"error": 0, "warning": 1, "info": 2}[.severity] // 3;
  (map(select(.rule != "load-error"))) as $f
  | "findings: \($f | length) in \($f | map(.zone) | unique | length) zones, "
    + "\(map(select(.rule == "load-error")) | length) load errors",
    "",
    "per rule:",
    ($f | group_by(.rule) | map({rule: .[0].rule, n: length, sev: (map(sevn) | min)})
        | sort_by(.sev, -.n, .rule)[]
        | "  \(.n | tostring | (" " * (6 - length)) + .)  \(["error  ", "warning", "info   ", "?      "][.sev])  \(.rule)"),
    "",
    "worst zones (errors / warnings / info):",
    ($f | group_by(.zone)
        | map({zone: (.[0].zone // "?"),
               e: map(select(.severity == "error")) | length,
               w: map(select(.severity == "warning")) | length,
               i: map(select(.severity == "info")) | length})
        | sort_by(-.e, -.w, -.i, .zone) | .[:$top][]
        | "  \(.e) / \(.w) / \(.i)  \(.zone)")
' "$out" || exit 2
exit "$rc"

#!/bin/sh
# The command-line tool's black-box tests again, on a build under
# ThreadSanitizer: `scan` loads, joins, scans and prints on several threads
# (cli/load.c, cli/scan.c), and every run of the suite with --jobs > 1, plus
# a larger set here, must be free of data races.
# Usage: sh tests/tsan.sh BUILD_DIR     (from the source root; `make check-tsan`)
set -u
B=${1:-build-tsan}
BIN=$B/mxhazard
[ -x "$BIN" ] || { echo "tsan: $BIN not built" >&2; exit 1; }
TSAN_OPTIONS="${TSAN_OPTIONS:-}${TSAN_OPTIONS:+:}halt_on_error=1:exitcode=86"
export TSAN_OPTIONS

# Some kernels map memory where this compiler's ThreadSanitizer does not
# expect it (high-entropy ASLR): it then dies before main. Try once more
# with address randomisation off for these tests; if that fails too, say
# so loudly (the tests did not run; the rest of `make check` goes on). Any
# other failure to start is a failure.
PRE=""
PROBE="${TMPDIR:-/tmp}/mxh-tsan-probe.$$"
if ! "$BIN" --version >/dev/null 2>"$PROBE"; then
    if ! grep -q 'ThreadSanitizer' "$PROBE"; then
        echo "FAIL: tsan: $BIN --version failed:" >&2
        sed -n '1,5s/^/    /p' "$PROBE" >&2
        rm -f "$PROBE"
        exit 1
    fi
    if command -v setarch >/dev/null 2>&1 &&
        setarch "$(uname -m)" -R "$BIN" --version >/dev/null 2>&1; then
        PRE="setarch $(uname -m) -R"
        echo "tsan: running with address randomisation off (setarch -R)"
    else
        echo "tsan: SKIPPED: a ThreadSanitizer build cannot start on this machine:" >&2
        sed -n '1,3s/^/    /p' "$PROBE" >&2
        rm -f "$PROBE"
        exit 0
    fi
fi
rm -f "$PROBE"

T=$(mktemp -d "${TMPDIR:-/tmp}/mxh-tsan.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
Z=$T/zones
mkdir -p "$Z"

# 1,500 small zones (some origins twice, far apart, so that a later batch's
# copy is shadowed by an earlier batch's), every format, several --jobs:
# guided batches, joins by the loading threads, printing by the workers.
i=0
while [ $i -lt 1500 ]; do
    printf '$ORIGIN t%d.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail.t%d.example.\nmail IN CNAME t%d.example.\n' \
        "$i" "$(((i * 7) % 1500))" "$(((i + 1) % 1500))" >"$Z/t$i.zone"
    i=$((i + 1))
done
for d in 3 700 1499; do
    printf '$ORIGIN t%d.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN MX 10 192.0.2.9\n' "$d" >"$Z/zz-dup$d.zone"
done
printf 'not a zone\x00\x01\n' >"$Z/t-broken.zone"
for f in json sarif text; do
    $PRE "$BIN" scan -f "$f" --no-color --jobs 1 "$Z" >"$T/out1" 2>"$T/err1"
    r1=$?
    if [ $r1 -eq 86 ] || grep -q 'ThreadSanitizer' "$T/err1"; then
        echo "FAIL: tsan: scan -f $f --jobs 1: a data race" >&2
        sed -n '1,30s/^/    /p' "$T/err1" >&2
        fails=$((fails + 1))
    fi
    for j in 2 4; do
        $PRE "$BIN" scan -f "$f" --no-color --progress --jobs $j "$Z" >"$T/outj" 2>"$T/errj"
        rj=$?
        if [ $rj -eq 86 ] || grep -q 'ThreadSanitizer' "$T/errj"; then
            echo "FAIL: tsan: scan -f $f --jobs $j: a data race" >&2
            sed -n '1,30s/^/    /p' "$T/errj" >&2
            fails=$((fails + 1))
        else
            if [ "$f" = text ]; then # the summary line ends with the time taken
                sed '$d' "$T/out1" >"$T/a"
                sed '$d' "$T/outj" >"$T/b"
            else
                cp "$T/out1" "$T/a"
                cp "$T/outj" "$T/b"
            fi
            if [ $rj -ne $r1 ] || [ ! -s "$T/a" ] || ! cmp -s "$T/a" "$T/b"; then
                echo "FAIL: tsan: scan -f $f --jobs $j differs from --jobs 1 (exit $rj vs $r1)" >&2
                fails=$((fails + 1))
            fi
        fi
    done
done
[ $fails -eq 0 ] && echo "tsan: 1,500 zones, 3 formats, --jobs 2 and 4: no data race, output as --jobs 1"

# The whole black-box suite on the same build.
MXH_BUILD=$B $PRE sh tests/cli/run.sh || fails=$((fails + 1))
[ $fails -eq 0 ]

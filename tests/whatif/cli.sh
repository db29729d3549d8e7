#!/bin/sh
# Black-box tests of `mxhazard plan` and `mxhazard diff`.
# Usage: MXH_BUILD=build sh tests/whatif/cli.sh     (from the source root)
# Needs: POSIX sh, jq. Prints "whatif-cli: N passed, M failed"; exit 1 on failure.
set -u

B=${MXH_BUILD:-build}
BIN=$B/mxhazard
W=tests/whatif
if [ ! -x "$BIN" ]; then
    echo "whatif-cli: $BIN not built" >&2
    echo "whatif-cli: 0 passed, 1 failed"
    exit 1
fi
ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}exitcode=86"
export ASAN_OPTIONS
T=$(mktemp -d "${TMPDIR:-/tmp}/mxh-whatif.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

npass=0
nfail=0
ok() { npass=$((npass + 1)); }
bad() {
    nfail=$((nfail + 1))
    echo "FAIL: $*" >&2
    sed -n '1,6s/^/    stderr: /p' "$T/err" >&2
}
run() {
    "$BIN" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}
# expect DESCRIPTION STATUS: the last run exited with STATUS.
status() { if [ "$rc" -eq "$2" ]; then ok; else bad "$1: exit $rc, wanted $2"; fi; }
has() { if grep -F -q -- "$2" "$T/out"; then ok; else bad "$1: no '$2' in the output"; fi; }
has_err() { if grep -F -q -- "$2" "$T/err"; then ok; else bad "$1: no '$2' on stderr"; fi; }

# Seed 000: the web apex is the mail host; moving the site drags the mail.
run plan $W/seed.zone --change 'set example.com. A 11.11.11.11'
status "seed plan" 1
has "seed plan" "example.com.  MOVES BY A NON-MX CHANGE"
has "seed plan" "moves from 10.0.1.100 to 11.11.11.11 because of an A change that did not touch MX"
has "seed plan" "1. add mail.example.com. A 10.0.1.100"
has "seed plan" "2. set example.com. MX 10 mail.example.com."
has "seed plan" "Checked: with steps 1-2 first, mail for example.com. stays at 10.0.1.100."

# The same plan with the safe order: mail stays, the site moves.
run plan $W/seed.zone --changes $W/safe-order.txt
status "safe order" 0
has "safe order" "example.com.  10.0.1.100 -> 11.11.11.11"
has "safe order" "mail for example.com. stays at 10.0.1.100"

# The XServer case: the wildcard is named, the explicit record still advised.
run plan $W/seed-wildcard.zone -c 'set example.com. A 11.11.11.11' --no-rules
status "wildcard" 1
has "wildcard" "The wildcard *.example.com. already gives mail.example.com."
has "wildcard" "1. add mail.example.com. A 10.0.1.100"

# JSON Lines: one object per domain; a finding the change introduces.
run plan $W/seed.zone -c 'set example.com. A 104.16.132.229' -f json
status "json" 1
if jq -e -s 'map(select(.type == "domain"))[0] | .result == "broken" and .after.targets[0].cdn == "cloudflare" and .fix_verified == true' "$T/out" >/dev/null; then ok; else bad "json: domain object"; fi
if jq -e -s 'map(select(.type == "finding" and .rule == "mx-on-cdn" and .change == "introduced")) | length == 1' "$T/out" >/dev/null; then ok; else bad "json: mx-on-cdn introduced"; fi

# Graphviz: both sides, the new address marked.
run plan $W/seed.zone -c 'set example.com. A 104.16.132.229' -f dot --no-rules
status "dot" 1
has "dot" "subgraph cluster_before"
has "dot" "subgraph cluster_after"
has "dot" "(cloudflare)"

# diff of two directories.
run diff $W/diff/old $W/diff/new
status "diff" 1
has "diff" "example.org.  BREAKS"
has "diff" "104.16.132.229 belongs to cloudflare"
has "diff" "example.net.  MOVES BY A NON-MX CHANGE"

# Nothing mail-related changes: exit 0.
run plan $W/seed.zone -c 'add example.com. TXT "hello"' --no-rules
status "no mail change" 0
has "no mail change" "No mail domain's mail changes"

# Usage and change errors: exit 2, with the change's source.
run plan $W/seed.zone -c 'sett example.com. A 1.2.3.4'
status "bad op" 2
has_err "bad op" "--change #1: unknown operation 'sett'"
run plan $W/seed.zone -c 'del nothere.example.com. A'
status "nothing to delete" 2
has_err "nothing to delete" "nothing to delete"
run plan $W/seed.zone
status "no change" 2
run diff $W/diff/old
status "one side" 2
run plan $W/seed.zone -c 'set example.com. A 1.2.3.4' --cdn-ranges $T/none
status "cdn file" 2

echo "whatif-cli: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]

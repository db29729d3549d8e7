#!/bin/sh
# Demo: the mail route of every example domain, then the hazards found.
# Usage: sh tools/demo.sh [BUILD/mxhazard]   (from the source root; `make demo`)
# Exits 0 even though the examples have findings: this is a demo, not a gate.
set -u
BIN=${1:-build/mxhazard}
DIR=examples/zones
if [ ! -x "$BIN" ]; then
    echo "demo: $BIN is not built (run make)" >&2
    exit 1
fi
if [ ! -d "$DIR" ]; then
    echo "demo: $DIR is missing" >&2
    exit 1
fi
set --
if [ -f "$DIR/inventory.txt" ]; then
    set -- --inventory "$DIR/inventory.txt"
fi

echo "=== Mail routes of the example domains ($DIR)"
echo
"$BIN" route --all "$@" "$DIR"
echo
echo "=== Hazards"
echo
"$BIN" scan --no-progress "$@" "$DIR"
rc=$?
echo
case $rc in
0) echo "demo: scan exit status 0 (nothing at or above --fail-on)" ;;
1) echo "demo: scan exit status 1 (findings at or above --fail-on, as the examples intend)" ;;
*) echo "demo: scan exit status $rc (some input could not be loaded; see above)" ;;
esac
echo "demo: try '$BIN explain RULE' for any rule above, or '--format json' / '--format sarif'."
exit 0

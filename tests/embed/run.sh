#!/bin/sh
# Embedding tests: the library as strangers use it.
#   - the shared library exports exactly the MXH_API functions of the header
#   - the header alone compiles (C99 pedantic, C11, C++)
#   - the finding-list API (tests/embed/findinglist.c) and the promises of
#     docs/api.md: NULL frees, copies, status texts, threads (tests/embed/contract.c)
#   - examples/embed.c, panel_precheck.c, custom_rule.lua, batch.sh built and run
#   - `make install PREFIX=tmp`, then embed.c built outside the tree with
#     pkg-config (shared and static) and the installed Lua module loaded
#   - `require "mxhazard"` from the stock lua5.4 (tests/embed/module.lua)
#   - code blocks in docs/api.md, docs/rules.md and README.md marked `<!-- example: PATH -->`
#     are byte for byte the example files
# Usage: MXH_BUILD=build sh tests/embed/run.sh   (from the source root; the build must exist)
#   MXH_SANITIZE="-fsanitize=..."  build the test programs with these flags too (check-asan)
# Prints "embed: N passed, M failed"; exits non-zero on failure.
set -u

B=${MXH_BUILD:-build}
SAN=${MXH_SANITIZE:-}
MAKE=${MAKE:-make}
CC=${CC:-cc}
HERE=tests/embed
WARN="-std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Werror"
OPT="-O2 -g"
[ -n "$SAN" ] && OPT="-O1 -g"
DEPLIBS="$(pkg-config --libs lua5.4 ldns libpsl) -lm -lpthread"
ROOT=$(pwd)

ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}exitcode=86:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS
# lua5.4 itself is not instrumented: the sanitizer runtimes must be loaded first.
LUA_PRELOAD=
if [ -n "$SAN" ]; then
    LUA_PRELOAD="$($CC -print-file-name=libasan.so) $($CC -print-file-name=libubsan.so)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/mxh-embed.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

npass=0
nfail=0
pass() { npass=$((npass + 1)); }
fail() {
    nfail=$((nfail + 1))
    echo "FAIL: embed: $*" >&2
    if [ -s "$T/err" ]; then sed -n '1,12s/^/    stderr: /p' "$T/err" >&2; fi
}
check() {
    d=$1
    shift
    if "$@"; then pass; else fail "$d"; fi
}
# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc; a sanitizer report fails.
run() {
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if grep -q -e 'Sanitizer' -e 'runtime error:' -e 'LeakSanitizer' "$T/err"; then
        fail "sanitizer report from: $*"
        sed -n '1,30p' "$T/err" >&2
    fi
}
rc_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -q -e "$1" "$T/out"; }
err_has() { grep -q -e "$1" "$T/err"; }
# Lines "<name>: N passed, M failed" from a sub-test: add its counts.
add_counts() {
    line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed$" "$T/out" | tail -n 1)
    if [ -z "$line" ]; then
        fail "$1: no result line (status $rc)"
        return
    fi
    p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
    f=$(echo "$line" | sed 's/.* \([0-9]*\) failed/\1/')
    npass=$((npass + p))
    nfail=$((nfail + f))
    if [ "$f" -gt 0 ]; then cat "$T/err" >&2; fi
    if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then fail "$1: exit status $rc"; fi
}

for f in "$B/libmxhazard.a" "$B/libmxhazard.so" "$B/mxhazard" "$B/lua/mxhazard.so"; do
    if [ ! -e "$f" ]; then
        echo "embed: $f not built (make all)" >&2
        echo "embed: 0 passed, 1 failed"
        exit 1
    fi
done

# ------------------------------------------------------------- exported symbols
# Every MXH_API function of the header (its name is the last word before '(' on
# the MXH_API line) and nothing else.
grep -E '^MXH_API ' core/mxhazard.h | sed 's/(.*//; s/.*[ *]//' | sort -u >"$T/api"
nm -D --defined-only "$B/libmxhazard.so" | awk '{print $NF}' | sed 's/@.*//' | sort -u >"$T/exported"
check "the header declares MXH_API functions" test "$(wc -l <"$T/api")" -gt 100
check "every exported symbol starts with mxh_" sh -c '! grep -v "^mxh_" "$1"' _ "$T/exported"
comm -13 "$T/api" "$T/exported" >"$T/extra"
comm -23 "$T/api" "$T/exported" >"$T/missing"
check "no exported symbol outside the header: $(tr '\n' ' ' <"$T/extra")" test ! -s "$T/extra"
check "every MXH_API function is exported: $(tr '\n' ' ' <"$T/missing")" test ! -s "$T/missing"
nm -D --defined-only "$B/lua/mxhazard.so" | awk '{print $NF}' >"$T/luaexp"
check "the Lua module exports only luaopen_mxhazard" sh -c '[ "$(cat "$1")" = luaopen_mxhazard ]' _ "$T/luaexp"
check "the library is built with hidden visibility (no lua_/ldns symbols leak)" \
    sh -c '! grep -q -e "^lua" -e "^ldns" -e "^mxh_lua" "$1"' _ "$T/exported"

# ------------------------------------------------------------- the header alone
printf '#include <mxhazard.h>\nint main(void) { return mxh_version()[0] == 0; }\n' >"$T/hdr.c"
check "header compiles alone, C99 -pedantic" $CC -std=c99 -pedantic -Wall -Wextra -Werror -Icore -fsyntax-only "$T/hdr.c"
check "header compiles alone, C11 with the project's warnings" $CC $WARN -Icore -fsyntax-only "$T/hdr.c"
if command -v c++ >/dev/null 2>&1; then
    cp "$T/hdr.c" "$T/hdr.cc"
    check "header compiles as C++ (extern \"C\")" c++ -std=c++11 -Wall -Wextra -Werror -Icore -fsyntax-only "$T/hdr.cc"
fi
check "MXH_VERSION_STRING is the version macros" sh -c '
    v=$(sed -n "s/^#define MXH_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p" core/mxhazard.h | paste -sd.)
    grep -q "^#define MXH_VERSION_STRING \"$v\"" core/mxhazard.h && grep -q "^Version: $v\$" mxhazard.pc.in'

# ------------------------------------------------------------- finding lists
if $CC $WARN $OPT $SAN -Icore -o "$T/findinglist" $HERE/findinglist.c "$B/libmxhazard.a" $DEPLIBS 2>"$T/err"; then
    pass
    run "$T/findinglist"
    add_counts findinglist
else
    fail "tests/embed/findinglist.c builds warning-free"
fi

# ------------------------------------------------------------- the API's promises
if $CC $WARN $OPT $SAN -Icore -o "$T/contract" $HERE/contract.c "$B/libmxhazard.a" $DEPLIBS 2>"$T/err"; then
    pass
    run "$T/contract"
    add_counts contract
else
    fail "tests/embed/contract.c builds warning-free"
fi

# ------------------------------------------------------------- examples/embed.c
if $CC $WARN $OPT $SAN -Icore -o "$T/embed" examples/embed.c "$B/libmxhazard.a" $DEPLIBS 2>"$T/err"; then
    pass
    run "$T/embed"
    check "embed: exit 0" rc_is 0
    check "embed: the missing final dot is found, with file and line" \
        out_has '^db:example.com:7: error \[mx-relative-name\] example.com.: .*s1.xrea.com.example.com.'
    cp "$T/out" "$T/embed.expected"
else
    fail "examples/embed.c builds warning-free"
fi

# ------------------------------------------------------------- examples/panel_precheck.c
PZ=examples/zones/example.com.zone
if $CC $WARN $OPT $SAN -Icore -o "$T/precheck" examples/panel_precheck.c "$B/libmxhazard.a" $DEPLIBS 2>"$T/err"; then
    pass
    run "$T/precheck" "$PZ" 'set example.com. A 104.16.1.1'
    check "precheck: apex to a CDN is refused (exit 1)" rc_is 1
    check "precheck: says why and where mail would go" sh -c 'grep -q "^REFUSE example.com.: " "$1" && grep -q "mail went to   10.0.1.100" "$1" && grep -q "mail would go  104.16.1.1 (a cloudflare address" "$1"' _ "$T/out"
    check "precheck: gives the safe order, checked" sh -c 'grep -q "add mail.example.com. A 10.0.1.100" "$1" && grep -q "set example.com. MX 10 mail.example.com." "$1" && grep -q "(checked: mail stays)" "$1"' _ "$T/out"
    run "$T/precheck" "$PZ" 'add mail.example.com. A 10.0.1.100' 'set example.com. MX 10 mail.example.com.' 'set example.com. A 104.16.1.1'
    check "precheck: the safe order itself is accepted (exit 0)" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^ACCEPT" "$1"' _ "$T/out"
    run "$T/precheck" "$PZ" 'add www.example.com. A 203.0.113.7'
    check "precheck: a web-only edit is accepted (exit 0)" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^ACCEPT" "$1"' _ "$T/out"
    run "$T/precheck" "$PZ" 'set example.com. MX 10 mx.example.net.'
    check "precheck: a deliberate MX move is accepted with a note" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^note example.com.: " "$1"' _ "$T/out"
    run "$T/precheck" "$PZ" 'del example.com. A'
    check "precheck: deleting the only address breaks mail (exit 1)" sh -c '[ '"$rc"' -eq 1 ] && grep -q "^REFUSE example.com.: " "$1"' _ "$T/out"
    printf '# pending edit of customer 42\nset example.com. A 104.16.1.1\n' >"$T/changes"
    run sh -c '"$1" "$2" - <"$3"' _ "$T/precheck" "$PZ" "$T/changes"
    check "precheck: change lines from standard input" rc_is 1
    run "$T/precheck" "$PZ" 'frob example.com. A 1.2.3.4'
    check "precheck: an unparsable change is status 2 with the reason" sh -c '[ '"$rc"' -eq 2 ] && grep -q "unknown operation" "$1"' _ "$T/err"
    run "$T/precheck" "$PZ" 'del nosuch.example.org. A'
    check "precheck: a change outside the zone is status 2" sh -c '[ '"$rc"' -eq 2 ] && grep -q "nosuch.example.org" "$1"' _ "$T/err"
    run "$T/precheck" $HERE/zones/broken.zone 'add www.broken.example. A 192.0.2.1'
    check "precheck: a zone with rejected lines is not judged (status 2, file:line)" sh -c '[ '"$rc"' -eq 2 ] && grep -q "broken.zone:5" "$1"' _ "$T/err"
    run "$T/precheck" "$PZ"
    check "precheck: usage error is status 2" rc_is 2
    run "$T/precheck" --inventory examples/zones/inventory.txt examples/zones/example.co.jp.zone 'inventory del dc99.svr'
    check "precheck: --inventory and an inventory change" sh -c '[ '"$rc"' -le 1 ]'
else
    fail "examples/panel_precheck.c builds warning-free"
fi

# ------------------------------------------------------------- examples/custom_rule.lua
# Each fixture's first line says what it expects, as in tests/rules/.
for z in examples/custom_rule/*.zone; do
    first=$(head -n 1 "$z")
    run "$B/mxhazard" scan --rules examples/ --only custom_rule --format json "$z"
    got=$(jq -r 'select(.rule == "custom_rule") | .owner' "$T/out" | sort | tr '\n' ' ')
    case $first in
    "; expect: custom_rule "*)
        want=$(echo "${first#; expect: custom_rule }" | tr ' ' '\n' | sort | tr '\n' ' ')
        check "custom_rule fires on $z: want [$want] got [$got]" sh -c '[ "$1" = "$2" ] && [ '"$rc"' -eq 1 ]' _ "$want" "$got"
        ;;
    "; expect-none: custom_rule")
        check "custom_rule quiet on $z: got [$got]" sh -c '[ -z "$1" ] && [ '"$rc"' -eq 0 ]' _ "$got"
        ;;
    *) fail "$z: first line must be '; expect: custom_rule OWNER...' or '; expect-none: custom_rule'" ;;
    esac
done
check "custom_rule: a fires- and a quiet- fixture exist" sh -c 'ls examples/custom_rule/fires-*.zone && ls examples/custom_rule/quiet-*.zone' >/dev/null 2>&1
run "$B/mxhazard" explain custom_rule --rules examples/
check "custom_rule: its example fires it (mxhazard explain)" sh -c '[ '"$rc"' -eq 0 ] && grep -q "=> warning custom_rule shop.example." "$1"' _ "$T/out"
run "$B/mxhazard" scan --rules examples/custom_rule.lua --only custom_rule -f json examples/zones/example.org.zone
check "custom_rule: a zone whose MX is not ours fires (a rule file given directly)" sh -c '[ '"$rc"' -eq 1 ] && jq -e -s "length == 1 and .[0].owner == \"example.org.\"" "$1" >/dev/null' _ "$T/out"

# ------------------------------------------------------------- examples/batch.sh
run env MXHAZARD="$B/mxhazard" sh examples/batch.sh examples/zones --inventory examples/zones/inventory.txt
check "batch: status 1 (findings)" rc_is 1
check "batch: totals line" out_has '^findings: 9 in 7 zones, 0 load errors$'
check "batch: per-rule counts with severity" out_has '^ *1  error    mx-relative-name$'
check "batch: worst zone first" sh -c 'grep -A1 "^worst zones" "$1" | tail -n 1 | grep -q "^  1 / 1 / 0  hogehoge.com.$"' _ "$T/out"
mkdir -p "$T/exports"
cp $HERE/zones/shop.example.zone $HERE/zones/broken.zone "$T/exports/"
run env MXHAZARD="$B/mxhazard" TOP=1 sh examples/batch.sh "$T/exports"
check "batch: a broken export is status 2 and counted" sh -c '[ '"$rc"' -eq 2 ] && grep -q "1 load errors" "$1"' _ "$T/out"
check "batch: TOP limits the zone list" sh -c '[ "$(sed -n "/^worst zones/,\$p" "$1" | wc -l)" -eq 2 ]' _ "$T/out"
run sh examples/batch.sh
check "batch: usage is status 2" rc_is 2

# ------------------------------------------------------------- the Lua module (build tree)
run env LD_PRELOAD="$LUA_PRELOAD" lua5.4 -e "package.cpath=\"$B/lua/?.so;\"..package.cpath" $HERE/module.lua
add_counts lua
run env LD_PRELOAD="$LUA_PRELOAD" lua5.4 -e "package.cpath=\"$B/lua/?.so;\"..package.cpath
    local m = require 'mxhazard'
    local zs = m.zoneset()
    assert(zs:load('examples/zones/hogehoge.com.txt'))
    for _, f in ipairs(m.scan(zs, { only = 'mx-relative-name' })) do print(f.rule, f.owner, f.line) end"
check "lua one-liner: a panel-format zone scanned" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^mx-relative-name	hogehoge.com.	[0-9]" "$1"' _ "$T/out"

# ------------------------------------------------------------- make install, then a stranger's build
P=$T/prefix
# Install exactly what was built and tested above: -o keeps make from rebuilding
# (the tree may be in the middle of someone's edit).
NOREMAKE="-o all -o deps -o $B/libmxhazard.a -o $B/libmxhazard.so -o $B/libmxhazard.so.0 -o $B/mxhazard -o $B/lua/mxhazard.so"
# shellcheck disable=SC2086
run "$MAKE" --no-print-directory -s $NOREMAKE install B="$B" PREFIX="$P"
check "make install PREFIX=tmp succeeds" rc_is 0
for f in include/mxhazard.h lib/libmxhazard.a lib/libmxhazard.so.0 lib/libmxhazard.so \
         lib/pkgconfig/mxhazard.pc lib/lua/5.4/mxhazard.so bin/mxhazard share/man/man1/mxhazard.1; do
    check "installed: $f" test -e "$P/$f"
done
check "installed mxhazard.pc names the prefix" grep -q "^prefix=$P\$" "$P/lib/pkgconfig/mxhazard.pc"
mkdir -p "$T/app"
cp examples/embed.c "$T/app/"
(
    cd "$T/app" || exit 1
    PKG_CONFIG_PATH=$P/lib/pkgconfig
    export PKG_CONFIG_PATH
    flags=$(pkg-config --cflags --libs mxhazard) || exit 1
    # shellcheck disable=SC2086
    $CC $OPT $SAN embed.c $flags -o embed || exit 1
    # static: the archive and pkg-config's private requirements (Requires.private, Libs.private)
    sflags=$(pkg-config --static --libs mxhazard | sed 's/-lmxhazard//') || exit 1
    # shellcheck disable=SC2086
    $CC $OPT $SAN embed.c $(pkg-config --cflags mxhazard) "$P/lib/libmxhazard.a" $sflags -o embed-static || exit 1
) >"$T/out" 2>"$T/err"
rc=$?
check "embed.c builds outside the tree with pkg-config (shared and static)" rc_is 0
if [ "$rc" -eq 0 ]; then
    run env LD_LIBRARY_PATH="$P/lib" "$T/app/embed"
    check "installed embed runs against the installed shared library" sh -c '[ '"$rc"' -eq 0 ] && cmp -s "$1" "$2"' _ "$T/out" "$T/embed.expected"
    run env LD_LIBRARY_PATH="$P/lib" ldd "$T/app/embed"
    check "it uses the installed libmxhazard.so.0" out_has "libmxhazard.so.0 => $P/lib/libmxhazard.so.0"
    run "$T/app/embed-static"
    check "statically linked embed runs the same" sh -c '[ '"$rc"' -eq 0 ] && cmp -s "$1" "$2"' _ "$T/out" "$T/embed.expected"
    run ldd "$T/app/embed-static"
    check "static embed needs no libmxhazard.so" sh -c '! grep -q libmxhazard "$1"' _ "$T/out"
fi
# the installed Lua module finds the installed library by itself (rpath), from anywhere
cp $HERE/zones/shop.example.zone "$T/app/"
run sh -c 'cd "$1" && LD_PRELOAD="$3" lua5.4 -e "package.cpath=\"$2/lib/lua/5.4/?.so;\"..package.cpath
    local m = require \"mxhazard\"
    local zs = m.zoneset()
    assert(zs:load(\"shop.example.zone\"))
    local n = 0
    for _, f in ipairs(m.scan(zs)) do n = n + 1 end
    print(m.version, n)"' _ "$T/app" "$P" "$LUA_PRELOAD"
check "installed Lua module loads from outside the tree and scans" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^[0-9.]*	[1-9]" "$1"' _ "$T/out"

# ------------------------------------------------------------- docs: example blocks are the example files
# A fenced block right after a line `<!-- example: PATH -->` must equal PATH byte for byte.
ndocblocks=0
: >"$T/documented"
for doc in docs/api.md docs/rules.md README.md; do
    [ -f "$doc" ] || continue
    grep -n '^<!-- example: .* -->$' "$doc" >"$T/marks" || true
    while IFS=: read -r ln rest; do
        path=$(echo "$rest" | sed 's/^<!-- example: \(.*\) -->$/\1/')
        awk -v start="$ln" 'NR == start + 1 { if ($0 !~ /^```/) { bad = 1; exit } inb = 1; next }
                            inb && /^```$/ { exit }
                            inb { print }
                            END { if (bad) exit 3 }' "$doc" >"$T/block"
        ok=$?
        ndocblocks=$((ndocblocks + 1))
        if [ "$ok" -ne 0 ]; then
            fail "$doc:$ln: the example marker must be followed by a fenced block"
        elif [ ! -f "$path" ]; then
            fail "$doc:$ln: $path does not exist"
        elif cmp -s "$T/block" "$path"; then
            pass
            echo "$path" >>"$T/documented"
        else
            fail "$doc:$ln: the block differs from $path"
            diff "$path" "$T/block" | sed -n '1,10s/^/    /p' >&2
        fi
    done <"$T/marks"
done
for ex in examples/embed.c examples/panel_precheck.c examples/custom_rule.lua examples/batch.sh; do
    check "$ex is shown in the docs as a marked example" grep -qx "$ex" "$T/documented"
done

echo "embed: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]

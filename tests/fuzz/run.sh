#!/bin/sh
# Build the libFuzzer harnesses and run each for SECONDS (default 60).
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Run from the repository root. Needs clang with libFuzzer.
# Builds into build-fuzz/; new inputs go to build-fuzz/corpus/<target>/
# (seeded from tests/fuzz/corpus/<target>/), crashes to build-fuzz/crash/<target>/.
set -eu
SECS=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-"bind auto panel table inventory changeset cdn scan merge parse"}
FCC=${FUZZ_CC:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
O=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
 -Wno-format-nonliteral -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 $SAN \
 -Icore -Ibindings/lua $($PKG_CONFIG --cflags lua5.4 ldns libpsl)"
LIBS="$($PKG_CONFIG --libs lua5.4 ldns libpsl) -lm -lpthread"

make --no-print-directory build/gen/rules_builtin.c >/dev/null
mkdir -p "$O/obj"
OBJS=""
for src in core/*.c bindings/lua/*.c build/gen/rules_builtin.c; do
    case $src in bindings/lua/lua_module.c) continue ;; esac
    obj="$O/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ core/mxh_internal.h -nt "$obj" ] \
       || [ core/mxhazard.h -nt "$obj" ] || [ data/cdn-ranges.txt -nt "$obj" ]; then
        $FCC $CFLAGS -DMXH_BUILDING -Ibuild -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    fi
    OBJS="$OBJS $obj"
done

for t in $TARGETS; do
    $FCC $CFLAGS -Icore -fsanitize=fuzzer -o "$O/fuzz_$t" "tests/fuzz/fuzz_$t.c" $OBJS $LIBS
done

status=0
for t in $TARGETS; do
    mkdir -p "$O/corpus/$t" "$O/crash/$t"
    echo "== fuzz_$t for ${SECS}s"
    dict=""
    [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
    seeds=""
    [ -d "tests/fuzz/corpus/$t" ] && seeds="tests/fuzz/corpus/$t"
    max=8192
    [ "$t" = scan ] && max=4096
    if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        "$O/fuzz_$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=$max \
        -print_final_stats=1 -artifact_prefix="$O/crash/$t/" $dict "$O/corpus/$t" $seeds \
        2>"$O/fuzz_$t.log"; then
        echo "   FAILED: see $O/fuzz_$t.log and $O/crash/$t/"
        status=1
    fi
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' "$O/fuzz_$t.log" || true
    grep -E 'cov: [0-9]+' "$O/fuzz_$t.log" | tail -n 1 || true
done
exit $status

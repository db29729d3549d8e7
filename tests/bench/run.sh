#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/bench/run.sh BUILD — the mxhazard benchmark (`make bench`).
#
#  1. peers: when root, installs missing peer tools (validns, kzonecheck,
#     nsd-checkzone, named-checkzone, pdnsutil + bind backend, GNU time) and
#     libzscanner's headers; otherwise a missing peer is skipped, with a note;
#  2. data: tests/bench/gen.py writes bench-data/ (only what is missing);
#  3. timers: builds the parse-only timers into BUILD/bench/ (ours, parser
#     and loader, against BUILD/libmxhazard.a; ldns; Knot's zscanner when
#     its headers exist);
#  4. runs tests/bench/bench.py, which times everything and prints the tables
#     and PASS/MISS per target (bench-data/results.md keeps a copy).
#
# Environment: MXH_BENCH_DATA (default: bench-data in the source root), and
# the MXH_BENCH_* knobs described in bench.py. Never fails on a MISS: it is a
# benchmark, not a test. Exit 2 only when it cannot run at all.
# Word splitting of $missing, $CFLAGS_B and pkg-config output is intended.
# shellcheck disable=SC2086,SC2046
set -u
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 2
DATA=${MXH_BENCH_DATA:-$ROOT/bench-data}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

command -v python3 >/dev/null 2>&1 || { echo "bench: python3 is required" >&2; exit 2; }

# ---------------------------------------------------------------- 1. peers
missing=""
command -v validns >/dev/null 2>&1 || missing="$missing validns"
command -v kzonecheck >/dev/null 2>&1 || missing="$missing knot-dnssecutils"
command -v nsd-checkzone >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
command -v nsd-checkzone >/dev/null 2>&1 || missing="$missing nsd"
command -v named-checkzone >/dev/null 2>&1 || missing="$missing bind9-utils"
command -v pdnsutil >/dev/null 2>&1 || missing="$missing pdns-server"
ls /usr/lib/*/pdns/libbindbackend.so >/dev/null 2>&1 || missing="$missing pdns-backend-bind"
[ -x /usr/bin/time ] || missing="$missing time"
# Knot's zone scanner headers: Debian 12 ships them in libknot-dev (there is
# no separate libzscanner-dev); try that name first where it exists.
zs_pkg=""
if ! $PKG_CONFIG --exists libzscanner 2>/dev/null; then
    if apt-cache show libzscanner-dev >/dev/null 2>&1; then zs_pkg=libzscanner-dev
    elif apt-cache show libknot-dev >/dev/null 2>&1; then zs_pkg=libknot-dev; fi
fi
if [ -n "$missing$zs_pkg" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing:$missing $zs_pkg"
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -q && apt-get install -y -q --no-install-recommends $missing $zs_pkg; } \
            >"${TMPDIR:-/tmp}/mxh-bench-apt.log" 2>&1 \
            || echo "bench: apt-get failed (see ${TMPDIR:-/tmp}/mxh-bench-apt.log); going on with what is there"
    else
        echo "bench: missing:$missing $zs_pkg — those peers are skipped."
        echo "bench: to include them: sudo apt-get install -y$missing $zs_pkg"
    fi
    command -v nsd-checkzone >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
fi

# ---------------------------------------------------------------- 2. data
python3 "$HERE/gen.py" "$DATA" || { echo "bench: generating data failed" >&2; exit 2; }

# ---------------------------------------------------------------- 3. timers
TOOLS=$BUILD/bench
mkdir -p "$TOOLS"
CFLAGS_B="-std=c11 -O2 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"
rm -f "$TOOLS/parse_only" "$TOOLS/parse_stream" "$TOOLS/parse_ldns" "$TOOLS/parse_zscanner"
if [ -f "$BUILD/libmxhazard.a" ]; then
    # linked as the CLI is (the library loads libldns itself when it needs it)
    for t in parse_only parse_stream; do
        $CC $CFLAGS_B -Icore "$HERE/$t.c" -o "$TOOLS/$t" "$BUILD/libmxhazard.a" \
            $($PKG_CONFIG --libs lua5.4 libpsl) -lm -lpthread -ldl \
            || echo "bench: $t did not build (library incomplete?) — its row stays empty"
    done
else
    echo "bench: $BUILD/libmxhazard.a not found — our parse rows stay empty"
fi
if $PKG_CONFIG --exists ldns 2>/dev/null; then
    $CC $CFLAGS_B $($PKG_CONFIG --cflags ldns) "$HERE/parse_ldns.c" -o "$TOOLS/parse_ldns" \
        $($PKG_CONFIG --libs ldns) || echo "bench: parse_ldns did not build"
fi
if $PKG_CONFIG --exists libzscanner 2>/dev/null; then
    $CC $CFLAGS_B $($PKG_CONFIG --cflags libzscanner) "$HERE/parse_zscanner.c" \
        -o "$TOOLS/parse_zscanner" $($PKG_CONFIG --libs libzscanner) \
        || echo "bench: parse_zscanner did not build"
else
    echo "bench: libzscanner headers not installed — no zscanner parse timing"
fi

# ---------------------------------------------------------------- 4. time
python3 "$HERE/bench.py" "$BUILD" "$DATA" "$TOOLS"

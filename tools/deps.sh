#!/bin/sh
# Make sure the Debian packages mxhazard builds and tests with are present.
# As root, missing packages are installed (apt-get update, then install);
# otherwise the exact install command is printed and the script fails.
set -u
PKGS="build-essential pkg-config liblua5.4-dev lua5.4 libldns-dev uthash-dev check libpsl-dev publicsuffix jq"
missing=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
have_pc lua5.4 || missing="$missing liblua5.4-dev"
command -v lua5.4 >/dev/null 2>&1 || missing="$missing lua5.4"
have_pc ldns || missing="$missing libldns-dev"
have_pc check || missing="$missing check"
have_pc libpsl || missing="$missing libpsl-dev"
[ -f /usr/include/uthash.h ] || missing="$missing uthash-dev"
[ -f /usr/share/publicsuffix/public_suffix_list.dat ] || missing="$missing publicsuffix"
command -v jq >/dev/null 2>&1 || missing="$missing jq"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 && apt-get install -y -q --no-install-recommends $missing >&2 && exit 0
    echo "deps: apt-get failed" >&2
    exit 1
fi
echo "deps: missing packages:$missing" >&2
echo "deps: install them with:  sudo apt-get update && sudo apt-get install -y$missing" >&2
exit 1

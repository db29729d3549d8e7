#!/bin/sh
# Black-box tests of the mxhazard command-line tool.
# Usage: MXH_BUILD=build sh tests/cli/run.sh     (from the source root)
# Needs: POSIX sh, jq, python3. No network. Prints "cli: N passed, M failed".
set -u

B=${MXH_BUILD:-build}
BIN=$B/mxhazard
HERE=tests/cli
Z=$HERE/zones
R=$HERE/rules
if [ ! -x "$BIN" ]; then
    echo "cli: $BIN not built" >&2
    echo "cli: 0 passed, 1 failed"
    exit 1
fi
# A sanitizer report must not look like "findings" (exit 1).
ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}exitcode=86:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS
unset NO_COLOR
T=$(mktemp -d "${TMPDIR:-/tmp}/mxh-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

npass=0
nfail=0
pass() { npass=$((npass + 1)); }
fail() {
    nfail=$((nfail + 1))
    echo "FAIL: $*" >&2
    if [ -s "$T/err" ]; then sed -n '1,8s/^/    stderr: /p' "$T/err" >&2; fi
}
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
    d=$1
    shift
    if "$@"; then pass; else fail "$d"; fi
}
# run ARGS...: the tool's stdout in $T/out, stderr in $T/err, status in $rc.
run() {
    "$BIN" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
        fail "sanitizer report from: mxhazard $*"
        sed -n '1,30p' "$T/err" >&2
    fi
}
# run_in FILE ARGS...: like run with standard input from FILE.
run_in() {
    f=$1
    shift
    "$BIN" "$@" <"$f" >"$T/out" 2>"$T/err"
    rc=$?
    if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
        fail "sanitizer report from: mxhazard $* < $f"
    fi
}
rc_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -q -e "$1" "$T/out"; }
err_has() { grep -q -e "$1" "$T/err"; }
jq_all() { jq -e -s "$1" "$T/out" >/dev/null 2>&1; }

T0=$(date +%s)
TR="--rules $R"

# ---------------------------------------------------------------- basics
run --version
check "--version exits 0 and names the tool" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^mxhazard [0-9]" "$1"' _ "$T/out"
run --help
check "--help exits 0 and lists the commands" sh -c '[ '"$rc"' -eq 0 ] && grep -q "scan PATH" "$1" && grep -q "explain ID" "$1"' _ "$T/out"
for c in scan route rules explain; do
    run "$c" --help
    rc1=$rc
    cp "$T/out" "$T/help1"
    run help "$c"
    check "$c --help and help $c print the same usage" sh -c '[ '"$rc1"' -eq 0 ] && [ '"$rc"' -eq 0 ] && grep -q "^Usage: mxhazard '"$c"'" "$1" && cmp -s "$1" "$2"' _ "$T/out" "$T/help1"
done
run
check "no command: exit 2 with a hint" sh -c '[ '"$rc"' -eq 2 ] && grep -q "Try .mxhazard --help" "$1"' _ "$T/err"
run frobnicate
check "unknown command: exit 2" rc_is 2
run help frobnicate
check "help for an unknown command: exit 2" rc_is 2
run scan --frobnicate "$Z"
check "unknown option: exit 2, names it, hints" sh -c '[ '"$rc"' -eq 2 ] && grep -q -- "--frobnicate" "$1" && grep -q "mxhazard scan --help" "$1"' _ "$T/err"
run scan --format yaml "$Z"
check "bad --format: exit 2" rc_is 2
run scan --jobs 0 "$Z"
check "--jobs 0: exit 2" rc_is 2
run scan --fail-on sometimes "$Z"
check "bad --fail-on: exit 2" rc_is 2
run scan
check "scan without PATH: exit 2" rc_is 2
run scan --only no-such-rule "$Z/a-good.example.zone"
check "--only with an unknown rule: exit 2 naming it" sh -c '[ '"$rc"' -eq 2 ] && grep -q "no-such-rule" "$1"' _ "$T/err"
run scan $TR --severity clitest-mx-info=fatal "$Z/a-good.example.zone"
check "--severity with a bad level: exit 2" rc_is 2
run scan --origin x.example "$Z/a-good.example.zone" "$Z/b-mxip.example.zone"
check "--origin with two files: exit 2" rc_is 2

# ---------------------------------------------------------------- text
run scan $TR --only clitest-mx-ip --no-color "$Z/a-good.example.zone"
check "clean zone: exit 0 and a summary line" sh -c '[ '"$rc"' -eq 0 ] && tail -n 1 "$1" | grep -q "^1 zone, .* 0 errors, 0 warnings, 0 info; 0 load errors"' _ "$T/out"
run scan $TR --only clitest-mx-ip,clitest-mx-info --no-color "$Z/b-mxip.example.zone"
check "text: error finding gives exit 1" rc_is 1
check "text: grouped under the zone, most severe first" sh -c 'grep -n "" "$1" | head -n 2 | grep -q "^1:b-mxip.example.  " && grep -n "^  error" "$1" | head -n1 | grep -q "^2:"' _ "$T/out"
check "text: location, evidence and fix shown" sh -c 'grep -q "b-mxip.example.zone:7" "$1" && grep -q "| .*MX" "$1" && grep -q "fix: " "$1"' _ "$T/out"
check "text: no colour when stdout is not a terminal" sh -c '! grep -q "$(printf "\033")" "$1"' _ "$T/out"
run scan $TR --only clitest-mx-ip --color always "$Z/b-mxip.example.zone"
check "--color always colours" grep -q "$(printf '\033')\[" "$T/out"
# On a terminal: colour by default, none with NO_COLOR set (https://no-color.org).
tty_scan() {
    python3 - "$BIN" "$@" <<'PYEOF'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdout=s, stderr=subprocess.DEVNULL)
os.close(s)
out = b""
while True:
    try:
        chunk = os.read(m, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
p.wait()
sys.stdout.write("colour" if b"\033[" in out else "plain")
PYEOF
}
c1=$(tty_scan scan $TR --only clitest-mx-ip "$Z/b-mxip.example.zone")
c2=$(NO_COLOR=1 tty_scan scan $TR --only clitest-mx-ip "$Z/b-mxip.example.zone")
check "terminal: coloured, but plain when NO_COLOR is set ($c1, $c2)" [ "$c1" = colour ] && [ "$c2" = plain ]
run scan -q $TR --only clitest-mx-ip "$Z/b-mxip.example.zone"
check "--quiet: findings but no summary" sh -c '[ '"$rc"' -eq 1 ] && grep -q clitest-mx-ip "$1" && ! grep -q "zone,.*records" "$1" && [ ! -s "$2" ]' _ "$T/out" "$T/err"

# ---------------------------------------------------------------- exit codes / --fail-on
run scan $TR --only clitest-mx-info -f json "$Z/a-good.example.zone"
check "info findings only: exit 0 under the default --fail-on warning" rc_is 0
run scan $TR --only clitest-mx-info --fail-on info -f json "$Z/a-good.example.zone"
check "--fail-on info: info findings give exit 1" rc_is 1
run scan $TR --only clitest-mx-ip --fail-on never -f json "$Z/b-mxip.example.zone"
check "--fail-on never: exit 0 despite an error" rc_is 0
run scan $TR --only clitest-mx-ip --fail-on error -f json "$Z/b-mxip.example.zone"
check "--fail-on error: an error gives exit 1" rc_is 1

# ---------------------------------------------------------------- JSON Lines
run scan $TR --only clitest-mx-ip,clitest-mx-info -f json "$Z"
check "json: every line is a JSON object" jq_all 'length > 0 and all(.[]; type == "object")'
check "json: every contract field on every finding" jq_all 'all(.[]; has("rule") and has("severity") and has("zone") and has("owner") and has("message") and has("file") and has("line") and (.evidence | type == "array") and has("fix"))'
check "json: evidence entries carry file, line, text" jq_all '[.[].evidence[]] | length > 0 and all(.[]; (.file | type == "string") and (.line | type == "number") and (.text | type == "string"))'
check "json: owners absolute, lower-case, final dot" jq_all 'all(.[]; .owner | endswith(".") and . == ascii_downcase)'
check "json: the MX-as-address finding with its place" jq_all 'any(.[]; .rule == "clitest-mx-ip" and .severity == "error" and .zone == "b-mxip.example." and .owner == "b-mxip.example." and (.file | endswith("b-mxip.example.zone")) and .line == 7)'
check "json: output in input order, then owner (DNS order), then rule" jq_all '[.[] | select(.zone == "c-multi.example.") | .owner] == ["c-multi.example.", "sales.c-multi.example.", "a.sales.c-multi.example.", "zz.c-multi.example."]'
check "json: zones grouped, in input (file name) order" jq_all '[.[].zone] | reduce .[] as $x ([]; if length > 0 and .[-1] == $x then . else . + [$x] end) == ["a-good.example.", "b-mxip.example.", "c-multi.example.", "crash.example.", "route.example."]'

run scan $TR --only clitest-mx-ip -f json "$Z/a-good.example.zone" "$Z/b-mxip.example.zone" "$Z/crash.example.zone"
cp "$T/out" "$T/ab.json"
run scan $TR --only clitest-mx-ip -f json "$Z/crash.example.zone" "$Z/b-mxip.example.zone" "$Z/a-good.example.zone"
check "json: same findings whatever the argument order" sh -c 'jq -S -c . "$1" | sort > "$1.s"; jq -S -c . "$2" | sort > "$2.s"; cmp -s "$1.s" "$2.s"' _ "$T/ab.json" "$T/out"

run scan $TR --only clitest-mx-info --severity clitest-mx-info=error -f json "$Z/a-good.example.zone"
check "--severity raises a rule's findings" sh -c '[ '"$rc"' -eq 1 ] && jq -e -s "length > 0 and all(.[]; .severity == \"error\")" "$1" >/dev/null' _ "$T/out"
run scan $TR --skip clitest-mx-info,clitest-txt-echo,clitest-crash -f json "$Z/c-multi.example.zone"
check "--skip removes a rule's findings" jq_all 'all(.[]; .rule != "clitest-mx-info")'
run scan $TR --only clitest-crash -f json "$Z/crash.example.zone" "$Z/a-good.example.zone"
check "a rule error counts as an error finding (exit 1)" rc_is 1
check "json: a failing rule is a rule-error naming it" jq_all 'length == 1 and .[0].rule == "rule-error" and .[0].failed_rule == "clitest-crash" and .[0].zone == "crash.example." and (.[0].message | length > 0)'

# Escaping: raw control bytes and invalid UTF-8 reach the writers.
printf '$ORIGIN esc.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\necho1 IN TXT "caf\303\251 \\"q\\" bad\377\376 ctl\033[31m x\\009y"\n' >"$T/esc.example.zone"
run scan $TR --only clitest-txt-echo -f json "$T/esc.example.zone"
check "json: arbitrary bytes are escaped into valid JSON" sh -c 'python3 -c "
import json, sys
data = open(sys.argv[1], \"rb\").read()
text = data.decode(\"utf-8\")          # strict: invalid UTF-8 would raise
lines = [json.loads(l) for l in text.splitlines()]
m = lines[0][\"message\"]
assert \"\\u00e9\" in m and \"\\ufffd\" in m and \"\\x1b\" in m, m
assert lines[0][\"evidence\"][1][\"text\"] == \"text \\x01\\x02\\x7f end\"
assert lines[0][\"fix\"] == \"tab\\there\"
assert b\"\\x1b\" not in data and b\"\\x7f\" not in data
" "$1"' _ "$T/out"
run scan $TR --only clitest-txt-echo --color never "$T/esc.example.zone"
check "text: control bytes are shown escaped, not sent to the terminal" sh -c '! grep -q "$(printf "\033")" "$1" && grep -q "x1b" "$1"' _ "$T/out"

# ---------------------------------------------------------------- SARIF
run scan $TR --only clitest-mx-ip,clitest-crash -f sarif "$Z" "$T/missing.zone"
cp "$T/out" "$T/sarif"
check "sarif: one JSON document" jq -e . "$T/sarif" >/dev/null
check "sarif: log, run and driver fields" jq -e '.["$schema"] and .version == "2.1.0" and (.runs | length == 1) and (.runs[0].tool.driver | (.name == "mxhazard") and (.version | length > 0) and ((.informationUri // "http") | startswith("http")))' "$T/sarif" >/dev/null
check "sarif: rules carry id, name, descriptions, level, properties" jq -e '.runs[0].tool.driver.rules | length >= 4 and all(.[]; (.id | length > 0) and .name and .shortDescription.text and .fullDescription.text and (.defaultConfiguration.level | IN("error", "warning", "note")) and (.properties | type == "object"))' "$T/sarif" >/dev/null
check "sarif: load-error and rule-error are defined rules" jq -e '[.runs[0].tool.driver.rules[].id] | index("load-error") != null and index("rule-error") != null' "$T/sarif" >/dev/null
check "sarif: results point at their rule and place" jq -e '.runs[0] as $r | ($r.results | length >= 3) and all($r.results[]; ($r.tool.driver.rules[.ruleIndex].id == .ruleId) and (.level | IN("error", "warning", "note")) and (.message.text | length > 0) and (.locations[0].physicalLocation.artifactLocation.uri | length > 0))' "$T/sarif" >/dev/null
check "sarif: finding with line and related evidence" jq -e 'any(.runs[0].results[]; .ruleId == "clitest-mx-ip" and .level == "error" and .locations[0].physicalLocation.region.startLine == 7 and (.relatedLocations | length >= 1))' "$T/sarif" >/dev/null
check "sarif: load error and rule error are results" jq -e '[.runs[0].results[].ruleId] | index("load-error") != null and index("rule-error") != null' "$T/sarif" >/dev/null
check "sarif: an unloadable input still exits 2" rc_is 2
{ echo "; a new first line moves every record down"; cat "$Z/b-mxip.example.zone"; } >"$T/b-mxip.example.zone"
run scan $TR --only clitest-mx-ip -f sarif "$Z/b-mxip.example.zone"
cp "$T/out" "$T/fp1"
run scan $TR --only clitest-mx-ip -f sarif "$T/b-mxip.example.zone"
check "sarif: fingerprints survive moved lines" sh -c 'a=$(jq -c "[.runs[0].results[] | [.partialFingerprints, .locations[0].physicalLocation.region.startLine]]" "$1"); b=$(jq -c "[.runs[0].results[] | [.partialFingerprints, .locations[0].physicalLocation.region.startLine - 1]]" "$2"); [ -n "$a" ] && [ "$a" != "[]" ] && [ "$a" = "$b" ]' _ "$T/fp1" "$T/out"
check "sarif: fingerprints differ between results" jq -e '[.runs[0].results[].partialFingerprints["mxhazard/v1"]] | length == (unique | length)' "$T/sarif" >/dev/null

# ---------------------------------------------------------------- stdin
run_in "$HERE/stdin-zone.txt" scan $TR --only clitest-mx-ip -f json --origin stdin.example -
check "stdin with --origin: zone named by --origin" sh -c '[ '"$rc"' -eq 1 ] && jq -e -s "length == 1 and .[0].zone == \"stdin.example.\" and .[0].file == \"<stdin>\" and .[0].line == 6" "$1" >/dev/null' _ "$T/out"
run_in /dev/null scan $TR -f json - -
check "stdin named twice: exit 2" rc_is 2

# ---------------------------------------------------------------- mixed directory
D=$T/mixed
mkdir -p "$D/sub" "$D/.git" "$D/empty.zone"
cp "$Z/b-mxip.example.zone" "$D/"
cp "$Z/a-good.example.zone" "$D/sub/"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000\001\000\000\000' >"$D/binary.zone"
head -c 4000 /dev/urandom >>"$D/binary.zone"
printf '$ORIGIN trunc.example.\n@ 3600 IN SOA ns1 hostmaster (\n    2026010101 3600\n' >"$D/trunc.example.zone"
ln -s "$T/does-not-exist.zone" "$D/dangling.example.zone"
echo "# notes" >"$D/README.md"
echo "x" >"$D/Kexample.+008+12345.key"
echo "[core]" >"$D/.git/config"
printf 'path\tkind\torigin\nzones/a\tpeer\ta.example\nzones/b\treal\tb.example\n' >"$D/index.example.tsv"
run scan $TR --only clitest-mx-ip -f json --verbose "$D"
check "mixed dir: a data file is one load error naming it not a zone" jq_all '[.[] | select(.file | endswith("index.example.tsv"))] | length == 1 and (.[0].message | startswith("not a zone file"))'
check "mixed dir: exit 2 because some inputs could not be loaded" rc_is 2
check "mixed dir: good zones are still scanned" jq_all 'any(.[]; .rule == "clitest-mx-ip" and .zone == "b-mxip.example.")'
check "mixed dir: binary file is a load error" jq_all 'any(.[]; .rule == "load-error" and .severity == "error" and (.file | endswith("binary.zone")))'
check "mixed dir: truncated file is a load error with a line" jq_all 'any(.[]; .rule == "load-error" and (.file | endswith("trunc.example.zone")) and .line >= 1)'
check "mixed dir: unreadable (dangling link) is a load error" jq_all 'any(.[]; .rule == "load-error" and (.file | endswith("dangling.example.zone")))'
check "mixed dir: load errors carry file and line" jq_all 'all(.[] | select(.rule == "load-error"); (.file | type == "string") and (.line | type == "number"))'
check "mixed dir: --verbose names the skipped files" sh -c 'grep -q "skipped .*README.md" "$1" && grep -q "skipped .*\.key" "$1" && grep -q "skipped .*\.git" "$1"' _ "$T/err"
# An enormous file (sparse: no disk used) is refused without being read.
dd if=/dev/null of="$T/huge.example.zone" bs=1 seek=2147483648 2>/dev/null
run scan $TR --only clitest-mx-ip -f json "$T/huge.example.zone" "$Z/b-mxip.example.zone"
check "an enormous file is a load error; the run goes on" sh -c '[ '"$rc"' -eq 2 ] && jq -e -s "any(.[]; .rule == \"load-error\" and (.file | endswith(\"huge.example.zone\"))) and any(.[]; .rule == \"clitest-mx-ip\")" "$1" >/dev/null' _ "$T/out"
rm -f "$T/huge.example.zone"
run scan $TR --only clitest-mx-ip --no-color "$D"
check "mixed dir: summary counts load errors and skipped files" sh -c 'tail -n 1 "$1" | grep -q "[4-9] load errors, .* 3 skipped files"' _ "$T/out"

# ---------------------------------------------------------------- determinism
G=$T/gen
mkdir -p "$G"
i=0
while [ $i -lt 120 ]; do
    {
        echo "\$ORIGIN z$i.example."
        echo "@ 3600 IN SOA ns1 h 1 2 3 4 5"
        echo "@ IN NS ns1"
        echo "ns1 IN A 192.0.2.1"
        echo "@ IN MX 10 192.0.2.$((i % 250))"
        echo "@ IN MX 20 mail.z$(((i + 7) % 120)).example."
        echo "www IN MX 5 mail"
        echo "mail IN A 192.0.2.$((i % 250))"
        [ $((i % 13)) -eq 0 ] && echo "broken IN MX ten mail"
    } >"$G/z$i.example.zone"
    i=$((i + 1))
done
run scan $TR -f json --jobs 1 "$G" "$Z"
cp "$T/out" "$T/j1"
run scan $TR -f json --jobs 4 "$G" "$Z"
check "--jobs 1 and --jobs 4 give byte-identical JSON" sh -c '[ -s "$1" ] && cmp -s "$1" "$2"' _ "$T/j1" "$T/out"
run scan $TR -f sarif --jobs 3 "$G" "$Z"
cp "$T/out" "$T/s3"
run scan $TR -f sarif --jobs 1 "$G" "$Z"
check "--jobs 1 and --jobs 3 give byte-identical SARIF" cmp -s "$T/s3" "$T/out"
run scan $TR --no-color --jobs 4 "$G"
sed '$d' "$T/out" >"$T/t4"
run scan $TR --no-color --jobs 1 "$G"
sed '$d' "$T/out" >"$T/t1"
check "--jobs 1 and --jobs 4 give the same text (but the timing)" cmp -s "$T/t1" "$T/t4"

# ---------------------------------------------------------------- user rules
run rules --format json
cp "$T/out" "$T/rules.json"
FIRST=$(jq -r 'select(.builtin) | .id' "$T/out" | head -n 1)
if [ -n "$FIRST" ]; then
    mkdir -p "$T/override"
    cat >"$T/override/$FIRST.lua" <<EOF
return {
  id = "$FIRST", severity = "info", title = "CLI test override of $FIRST",
  description = [[Replaces the built-in rule for the test.]],
  references = { "tests/cli/run.sh" },
  check = function(zone, report) end,
}
EOF
    run scan --rules "$T/override" "$Z/a-good.example.zone"
    check "--rules overriding a built-in leaves a notice on stderr" sh -c 'grep -q "notice" "$1" && grep -q -- "'"$FIRST"'" "$1"' _ "$T/err"
    run rules --rules "$T/override" --format json
    check "rules: the override replaces the built-in" jq_all 'map(select(.id == "'"$FIRST"'")) | length == 1 and .[0].builtin == false and .[0].title == "CLI test override of '"$FIRST"'"'
else
    fail "no built-in rules listed by 'mxhazard rules --format json'"
fi
mkdir -p "$T/badrules"
printf 'return { id = "clitest-bad", severity = "warning", title = "x", refrences = {}, check = function() end }\n' >"$T/badrules/clitest-bad.lua"
run scan --rules "$T/badrules" "$Z/a-good.example.zone"
check "--rules with an invalid rule: exit 2 naming the file" sh -c '[ '"$rc"' -eq 2 ] && grep -q "clitest-bad" "$1"' _ "$T/err"

# ---------------------------------------------------------------- rules / explain
run rules $TR
check "rules: text lists id, severity and title" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^clitest-mx-ip  *error  *CLI test: MX exchange" "$1" && grep -q "RFC 5321" "$1"' _ "$T/out"
run rules $TR --format json
check "rules: JSON lines with id, severity, title, references" jq_all 'length >= 4 and all(.[]; (.id | length > 0) and (.severity | IN("error", "warning", "info")) and (.title | length > 0) and (.references | type == "array"))'
check "rules: sorted by id" jq_all '[.[].id] == ([.[].id] | sort)'
run explain $TR clitest-mx-ip
check "explain: description, references, example with its finding, fix" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^clitest-mx-ip (error)" "$1" && grep -q "RFC 5321" "$1" && grep -q "192.0.2.25" "$1" && grep -q "=> error clitest-mx-ip" "$1" && grep -q "^Fix:" "$1"' _ "$T/out"
if [ -n "$FIRST" ]; then
    run explain "$FIRST"
    check "explain a built-in rule" sh -c '[ '"$rc"' -eq 0 ] && grep -q "^'"$FIRST"' (" "$1"' _ "$T/out"
fi
nofire=""
for id in $(jq -r 'select(.builtin) | .id' "$T/rules.json"); do
    run explain "$id"
    if [ "$rc" -ne 0 ]; then
        nofire="$nofire $id"
    elif grep -q "^Example zone" "$T/out" && ! grep -q "^    => " "$T/out"; then
        nofire="$nofire $id"
    fi
done
check "explain: every built-in rule's example (if any) triggers it, run live${nofire:+:$nofire}" [ -z "$nofire" ]
run explain no-such-rule
check "explain an unknown rule: exit 2" sh -c '[ '"$rc"' -eq 2 ] && grep -q "no-such-rule" "$1"' _ "$T/err"

# ---------------------------------------------------------------- route
run route route.example "$Z"
check "route text: exit 0, the domain, MX by preference" sh -c '[ '"$rc"' -eq 0 ] && head -n 1 "$1" | grep -q "^route.example." && grep -n "MX 10 mail.route.example." "$1" | grep -q "^2:" && grep -q "MX 50 mail.a-good.example." "$1"' _ "$T/out"
check "route text: CNAME, wildcard, NXDOMAIN and address steps with file:line" sh -c 'grep -q "alias.route.example. CNAME host.route.example.  \[.*route.example.zone:15\]" "$1" && grep -q "wildcard \*.hosts.route.example." "$1" && grep -q "nowhere.route.example.: NXDOMAIN" "$1" && grep -q "mail.route.example. AAAA 2001:db8::10" "$1" && grep -q "mail.a-good.example. A 192.0.2.10  \[.*a-good.example.zone:8\]" "$1"' _ "$T/out"
run route -f json route.example "$Z"
check "route json: domain, kind, exchanges with status and records" sh -c '[ '"$rc"' -eq 0 ] && jq -e ".domain == \"route.example.\" and .kind == \"mx\" and ([.exchanges[].preference] == [10,20,30,40,50]) and .exchanges[0].addresses[0].record.line > 0 and .exchanges[1].via_cname and .exchanges[2].via_wildcard and .exchanges[3].status == \"nxdomain\"" "$1" >/dev/null' _ "$T/out"
run route -f dot route.example "$Z"
check "route dot: a digraph with MX and CNAME edges" sh -c '[ '"$rc"' -eq 0 ] && head -n 1 "$1" | grep -q "^digraph" && grep -q "label=\"MX 10\"" "$1" && grep -q "label=\"CNAME\"" "$1" && tail -n 1 "$1" | grep -q "^}"' _ "$T/out"
run route nodot.route.example "$Z/route.example.zone"
check "route: a target written without the final dot is pointed out" sh -c 'grep -q "s1.xrea.com.route.example." "$1" && grep -q "without a final dot" "$1"' _ "$T/out"
run route --all -f json "$Z/route.example.zone" "$Z/c-multi.example.zone"
check "route --all: every mail domain, apex first, in load order" jq_all '[.[].domain] == ["route.example.", "nodot.route.example.", "c-multi.example.", "zz.c-multi.example.", "sales.c-multi.example.", "a.sales.c-multi.example."]'
run route route.example
check "route without PATH: exit 2" rc_is 2

# ---------------------------------------------------------------- --cdn-ranges
mkdir -p "$T/cdn"
printf '# test ranges\ntestcdn 198.51.100.0/24\n' >"$T/cdn-ranges.txt"
for i in 1 2 3 4 5 6; do
    printf '$ORIGIN cdn%s.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail\nmail IN A 198.51.100.%s\n' "$i" "$i" >"$T/cdn/cdn$i.example.zone"
done
run scan --only mx-on-cdn -f json --jobs 3 "$T/cdn"
check "without --cdn-ranges an unlisted range is not a CDN" sh -c '[ '"$rc"' -eq 0 ] && [ ! -s "$1" ]' _ "$T/out"
run scan --only mx-on-cdn -f json --jobs 3 --cdn-ranges "$T/cdn-ranges.txt" "$T/cdn"
check "--cdn-ranges reaches every thread's engine" sh -c '[ '"$rc"' -eq 1 ] && jq -e -s "length == 6 and all(.[]; .rule == \"mx-on-cdn\" and (.message | contains(\"testcdn\")))" "$1" >/dev/null' _ "$T/out"
run scan --cdn-ranges "$T/no-such-ranges.txt" "$T/cdn"
check "--cdn-ranges with a missing file: exit 2" rc_is 2

# ---------------------------------------------------------------- $INCLUDE confinement
mkdir -p "$T/inc/zones"
printf 'mail IN A 192.0.2.10\n' >"$T/inc/common.inc"
printf '$ORIGIN inc.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail\n$INCLUDE ../common.inc\n' >"$T/inc/zones/inc.example.zone"
run scan $TR --only clitest-mx-info -f json "$T/inc/zones/inc.example.zone"
check "\$INCLUDE outside the zone's directory is refused by default (load error)" sh -c '[ '"$rc"' -eq 2 ] && jq -e -s "any(.[]; .rule == \"load-error\" and .line == 6)" "$1" >/dev/null' _ "$T/out"
run scan $TR --only clitest-mx-info -f json --include-root "$T/inc" "$T/inc/zones/inc.example.zone"
check "--include-root widens \$INCLUDE confinement" sh -c '[ '"$rc"' -eq 0 ] && jq -e -s "length == 1 and .[0].rule == \"clitest-mx-info\"" "$1" >/dev/null' _ "$T/out"
# Files read ahead of the loader (--jobs > 1) and files the loader reads itself
# ($INCLUDE in any case, relative to the file's directory) give the same result.
mkdir -p "$T/ra/sub"
printf 'mail IN A 192.0.2.10\n' >"$T/ra/sub/hosts.inc"
printf '$ORIGIN ra1.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail\n$include hosts.inc\n' >"$T/ra/sub/ra1.example.zone"
printf '$ORIGIN ra2.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail.ra1.example.\n' >"$T/ra/ra2.example.zone"
printf '$ORIGIN ra3.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\n@ IN MX 10 gone\nbad IN A 192.0.2.300\n' >"$T/ra/ra3.example.zone"
run scan -f json --jobs 1 "$T/ra"
cp "$T/out" "$T/ra-j1"
rc1=$rc
run scan -f json --jobs 2 "$T/ra"
check "read-ahead: --jobs 1 and --jobs 2 give byte-identical JSON, exit 2 both" sh -c '[ '"$rc1"' -eq 2 ] && [ '"$rc"' -eq 2 ] && cmp -s "$1" "$2"' _ "$T/ra-j1" "$T/out"
check "read-ahead: lower-case \$include read from the file's directory, a bad line is a load error with its line" jq -e -s 'all(.[]; .rule != "mx-dangling" or .zone == "ra3.example.") and any(.[]; .rule == "load-error" and (.file | endswith("ra3.example.zone")) and .line == 5) and all(.[]; .rule != "load-error" or (.file | endswith("ra3.example.zone")))' "$T/out" >/dev/null

# Loading on several threads: batches of files load into zone sets of their
# own and are joined in input order. Duplicate origins across batches, a zone
# loaded before the zone around it, broken and non-zone files, an $INCLUDE:
# output, warnings and exit status must not depend on --jobs.
mkdir -p "$T/par/inc"
printf 'mail IN A 192.0.2.77\n' >"$T/par/inc/hosts.inc"
i=0
while [ $i -lt 70 ]; do
    n=$(printf '%02d' $i)
    case $((i % 10)) in
    3) printf '$ORIGIN p%02d.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail.other.example.\n' $((i - 3)) ;;
    5) printf 'not a zone\njust words\n' ;;
    7) printf '$ORIGIN p%s.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail\nbad IN A 192.0.2.300\n$INCLUDE inc/hosts.inc\n' "$n" ;;
    *) printf '$ORIGIN p%s.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail\nmail IN A 192.0.2.%d\n' "$n" $((i + 1)) ;;
    esac >"$T/par/f$n.zone"
    i=$((i + 1))
done
# the inner zone first (f01), the zone around it last (f69): its MX lies in f01
printf '$ORIGIN sub.outer.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\nhost IN A 192.0.2.200\n' >"$T/par/f01.zone"
printf '$ORIGIN outer.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 host.sub\nsub IN NS ns1.sub\n' >"$T/par/f69.zone"
for j in 1 2 4; do
    run scan -f json --verbose --jobs $j "$T/par"
    cp "$T/out" "$T/par-j$j.json"
    grep -v -e 'seconds' -e ' s$' -e 'zones/s' "$T/err" >"$T/par-j$j.err"
    echo "$rc" >"$T/par-j$j.rc"
done
check "parallel load: --jobs 1, 2 and 4 give byte-identical JSON and warnings, exit 2" sh -c 'cmp -s "$1/par-j1.json" "$1/par-j2.json" && cmp -s "$1/par-j1.json" "$1/par-j4.json" && cmp -s "$1/par-j1.err" "$1/par-j2.err" && cmp -s "$1/par-j1.err" "$1/par-j4.err" && [ "$(cat "$1/par-j1.rc" "$1/par-j2.rc" "$1/par-j4.rc")" = "$(printf "2\n2\n2")" ]' _ "$T"
check "parallel load: every broken file and duplicate origin is reported, the zone inside is found" sh -c 'jq -e -s "([.[] | select(.rule == \"load-error\")] | length) == 14 and all(.[]; .rule != \"mx-dangling\" or (.zone | startswith(\"outer\") | not))" "$1" >/dev/null && [ "$(grep -c "already loaded" "$2")" -eq 7 ]' _ "$T/par-j2.json" "$T/par-j2.err"
run route outer.example "$T/par"
check "parallel load: the route of the outer zone reaches the inner zone's address" out_has '192.0.2.200'
printf 'web9 192.0.2.99 p00.example p11.example p42.example outer.example\n' >"$T/par-inv.txt"
run scan -f json --jobs 1 --inventory "$T/par-inv.txt" "$T/par"
cp "$T/out" "$T/par-inv1"
run scan -f json --jobs 3 --inventory "$T/par-inv.txt" "$T/par"
check "parallel load with an inventory: same JSON as one thread, the shared-host rule fires" sh -c 'cmp -s "$1" "$2" && jq -e -s "any(.[]; .rule == \"shared-host-local-delivery\")" "$1" >/dev/null' _ "$T/par-inv1" "$T/out"

# ---------------------------------------------------------------- inventory, output errors
# A zone of its own inventory: the shared server still delivers the domain
# locally although its MX moved away (seed 004).
printf '$ORIGIN shared.example.\n@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mx.elsewhere.example.net.\n' >"$T/shared.example.zone"
printf '# server addresses domains\nweb01.host.example 192.0.2.80 shared.example other.example\n' >"$T/inventory.txt"
run scan -f json --inventory "$T/inventory.txt" "$T/shared.example.zone"
cp "$T/out" "$T/inv-with"
run scan -f json "$T/shared.example.zone"
check "--inventory reaches the rules (local delivery found only with it)" sh -c 'jq -e -s "any(.[]; .rule == \"shared-host-local-delivery\" and .owner == \"shared.example.\" and any(.evidence[]; (.file + .text) | contains(\"inventory.txt\")))" "$1" >/dev/null && jq -e -s "all(.[]; .rule != \"shared-host-local-delivery\")" "$2" >/dev/null' _ "$T/inv-with" "$T/out"
# The server in the evidence points at the inventory (file and line of the
# server's line), the finding itself stays at the zone's MX record.
check "inventory evidence: file and line of the server, text names it" jq -e -s 'any(.[]; .rule == "shared-host-local-delivery" and (.file | endswith("shared.example.zone")) and .line == 5 and any(.evidence[]; (.file | endswith("/inventory.txt")) and .line == 2 and (.text | contains("web01.host.example") and contains("192.0.2.80"))))' "$T/inv-with" >/dev/null
run scan -f sarif --only shared-host-local-delivery --inventory "$T/inventory.txt" "$T/shared.example.zone"
check "inventory evidence: a SARIF related location at the inventory line" jq -e '[.runs[0].results[] | .relatedLocations[]? | select(.physicalLocation.artifactLocation.uri | endswith("inventory.txt")) | .physicalLocation.region.startLine] | index(2) != null' "$T/out" >/dev/null
run scan $TR --only clitest-mx-ip -f json --inventory "$T/no-inventory.txt" "$Z/a-good.example.zone"
check "missing --inventory: load error and exit 2" sh -c '[ '"$rc"' -eq 2 ] && jq -e -s "any(.[]; .rule == \"load-error\" and (.file | endswith(\"no-inventory.txt\")))" "$1" >/dev/null' _ "$T/out"
# libldns is loaded only for RR types the library does not parse itself: a
# zone of common types never needs it; one with SSHFP loads it, and says so
# in a load error when it cannot be loaded.
printf '$ORIGIN ldns.example.\n$TTL 300\n@ MX 10 mail\nmail A 192.0.2.1\nmail SSHFP 1 1 0123456789abcdef0123456789abcdef01234567\n' >"$T/sshfp.example.zone"
run scan -f json "$T/sshfp.example.zone"
check "SSHFP (through libldns) loads" sh -c '[ '"$rc"' -eq 0 ] && ! grep -q load-error "$1"' _ "$T/out"
MXH_LDNS_LIBRARY=/nonexistent/libldns.so.0
export MXH_LDNS_LIBRARY
run scan -f json "$Z/a-good.example.zone"
check "common types need no libldns" sh -c '[ '"$rc"' -le 1 ] && ! grep -q load-error "$1"' _ "$T/out"
printf '$ORIGIN ipsec.example.\n$TTL 300\n@ MX 10 mail\nmail A 192.0.2.1\n@ IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==\n' >"$T/ipseckey.example.zone"
run scan -f json "$T/ipseckey.example.zone"
check "a type the library parses itself (IPSECKEY) needs no libldns, by name either" sh -c '[ '"$rc"' -eq 0 ] && ! grep -q load-error "$1"' _ "$T/out"
run scan -f json "$T/sshfp.example.zone"
unset MXH_LDNS_LIBRARY
check "no libldns: an SSHFP line is a load error that says why (exit 2)" sh -c '[ '"$rc"' -eq 2 ] && jq -e -s "any(.[]; .rule == \"load-error\" and .line == 5 and (.message | contains(\"libldns\")))" "$1" >/dev/null' _ "$T/out"

if [ -w /dev/full ]; then
    "$BIN" scan $TR --only clitest-mx-info -f json "$Z" >/dev/full 2>"$T/err"
    rc=$?
    check "a failed write to stdout is reported (exit 2)" sh -c '[ '"$rc"' -eq 2 ] && grep -q "error writing" "$1"' _ "$T/err"
fi

T1=$(date +%s)
echo "cli: $((T1 - T0)) s" >&2
echo "cli: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]

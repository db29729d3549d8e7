#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Time mxhazard next to peer zone checkers on the corpora from gen.py.

Usage: bench.py BUILD DATA TOOLDIR   (normally run by tests/bench/run.sh)

BUILD   holds mxhazard (the CLI); TOOLDIR holds the parse-only timers that
run.sh built (parse_only, parse_ldns, parse_zscanner; any may be missing).
DATA    is bench-data/ with large-1m/, small-10k/, small-100k/.

Every command runs with stdout to /dev/null and stderr to DATA/logs/. Wall
time is measured around fork+exec+wait; peak RSS is ru_maxrss from wait4()
for that one child (and the children it waited for), i.e. what GNU time's
%M prints. Reported times are medians; RSS is the largest run.

Environment: MXH_BENCH_RUNS_LARGE (5), MXH_BENCH_RUNS_BATCH (3),
MXH_BENCH_RUNS_JOBS (31 interleaved rounds of the 10k-zone --jobs comparison),
MXH_BENCH_RUNS_100K (5 rounds of the 100k scan, each paired with a 10k scan),
MXH_BENCH_SAMPLE (500 zones for one-process-per-zone peers),
MXH_BENCH_SKIP_100K=1, MXH_BENCH_SKIP_1M=1, MXH_BENCH_PER_RULE=0 (no
per-rule runs on the 1M zone), MXH_BENCH_QUICK=1 (1 run each, sample 100, no 100k:
for trying the harness, not for numbers).
"""

import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

SLOW_SECONDS = 60.0      # a first run slower than this is not repeated
TIMEOUT = 300.0          # a single command is killed after this long


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


QUICK = os.environ.get("MXH_BENCH_QUICK") == "1"
RUNS_LARGE = 1 if QUICK else env_int("MXH_BENCH_RUNS_LARGE", 5)
RUNS_BATCH = 1 if QUICK else env_int("MXH_BENCH_RUNS_BATCH", 3)
# The --jobs comparison: interleaved rounds of the three 10k-zone scans. A
# run takes a quarter of a second, and on a 2-core machine with anything else
# awake the --jobs 2 runs lose most: the median wants many rounds.
RUNS_JOBS = 1 if QUICK else env_int("MXH_BENCH_RUNS_JOBS", 31)
# The 100k/10k ratio: each 100k run paired with a 10k run in the same round
# (the two medians were taken minutes apart before, and the machine's speed
# moved between them as much as the target's margin).
RUNS_100K = 1 if QUICK else env_int("MXH_BENCH_RUNS_100K", 5)
# The parse timers: interleaved rounds (their ratio is a target).
RUNS_PARSE = 1 if QUICK else max(RUNS_LARGE, 7)
SAMPLE = 100 if QUICK else env_int("MXH_BENCH_SAMPLE", 500)
SKIP_100K = QUICK or os.environ.get("MXH_BENCH_SKIP_100K") == "1"
SKIP_1M = os.environ.get("MXH_BENCH_SKIP_1M") == "1"
PER_RULE = not QUICK and os.environ.get("MXH_BENCH_PER_RULE", "1") != "0"


class Result:
    def __init__(self, label, walls, rss_kb, rcs, runs_wanted, parsed=None, note=""):
        self.label = label
        self.walls = walls
        self.rss_kb = rss_kb
        self.rcs = rcs
        self.runs_wanted = runs_wanted
        self.parsed = parsed or {}
        self.note = note

    @property
    def wall(self):
        return statistics.median(self.walls)

    @property
    def cpu(self):
        return statistics.median(self.cpus)

    @property
    def n(self):
        return len(self.walls)


LOGDIR = None


# GNU time's %M is the command's own peak RSS. wait4()'s ru_maxrss of a
# child forked from this Python process would also count the pages the child
# shared with Python before exec (~20 MiB floor), which hides small peers.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def run_once(cmd, log, cwd=None, stdin=None):
    """Run cmd once; return (wall seconds, peak RSS KiB, exit code, stdout capture path or None)."""
    out = subprocess.DEVNULL
    capture = None
    if isinstance(log, tuple):           # (stderr log, stdout capture file)
        log, capture = log
        out = open(capture, "wb")
    rssfile = log + ".rss"
    full = cmd
    if GNU_TIME:
        full = [GNU_TIME, "-f", "MXHRSS %M %U %S", "-o", rssfile] + list(cmd)
    err = open(log, "wb")
    inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
    t0 = time.perf_counter()
    try:
        # Own process group, so the time limit stops GNU time, xargs and their children alike.
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=inp, cwd=cwd,
                             start_new_session=True)
    except OSError as e:
        err.write(("cannot run: %s\n" % e).encode())
        err.close()
        return None, None, 127, None, None
    timer = threading.Timer(TIMEOUT, kill_group, (p.pid,))
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    for f in (out, err, inp):
        if f != subprocess.DEVNULL:
            f.close()
    rss = ru.ru_maxrss
    cpu = ru.ru_utime + ru.ru_stime
    if GNU_TIME:
        try:
            with open(rssfile) as f:
                text = f.read()
            m = re.search(r"terminated by signal (\d+)", text)
            if m:
                p.returncode = -int(m.group(1))
            m = re.search(r"^MXHRSS (\d+) ([\d.]+) ([\d.]+)", text, re.M)
            if m:
                rss = int(m.group(1))
                cpu = float(m.group(2)) + float(m.group(3))
        except (OSError, ValueError):
            pass
        if p.returncode == 127 and shutil.which(cmd[0]) is None:
            return None, None, 127, None, None
    return wall, rss, p.returncode, capture, cpu


def count_findings(path):
    """Findings per rule id in a JSON Lines output; rule errors per failing rule."""
    counts = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = re.search(r'"rule"\s*:\s*"([^"]*)"', line)
                if not m:
                    continue
                key = m.group(1)
                if key == "rule-error":
                    fm = re.search(r'"failed_rule"\s*:\s*"([^"]*)"', line)
                    key = "rule-error(%s)" % (fm.group(1) if fm else "?")
                counts[key] = counts.get(key, 0) + 1
    except OSError:
        pass
    return counts


def measure(label, cmd, runs, ok_rcs=(0, 1), cwd=None, stdin=None, parse_stdout=False,
            keep_first=False, quiet=False):
    """Run cmd up to `runs` times; a first run over SLOW_SECONDS is not repeated.

    parse_stdout: every run's stdout is read for a parse timer's "tool=…" line.
    keep_first: the first run's stdout is kept in logs/<label>.stdout (the
    findings are counted from it); the other runs write to /dev/null."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", label).lstrip("-_.")
    log = os.path.join(LOGDIR, safe + ".stderr")
    walls, cpus, rsss, rcs, reports = [], [], [], [], []
    for i in range(runs):
        target = log
        if parse_stdout or (keep_first and i == 0):
            target = (log, os.path.join(LOGDIR, safe + ".stdout"))
        wall, rss, rc, cap, cpu = run_once(cmd, target, cwd=cwd, stdin=stdin)
        if wall is None:
            print("  %-34s could not run (see %s)" % (label, log))
            return None
        walls.append(wall)
        cpus.append(cpu)
        rsss.append(rss)
        rcs.append(rc)
        if cap and parse_stdout:
            with open(cap) as f:
                for line in f:
                    if line.startswith("tool="):
                        reports.append(dict(kv.split("=", 1) for kv in line.split()))
        if rc not in ok_rcs or rc < 0:
            break                         # a crash or hard error: don't repeat it
        if i == 0 and wall > SLOW_SECONDS and runs > 1:
            break
    parsed = {}
    if reports:   # the run with the median in-process time; its CPU figure goes with it
        reports.sort(key=lambda d: float(d.get("seconds", 0)))
        parsed = reports[(len(reports) - 1) // 2]
    r = Result(label, walls, max(rsss), rcs, runs, parsed)
    r.reports = reports
    r.cpus = cpus
    r.ok = not [c for c in rcs if c not in ok_rcs]
    if keep_first:
        r.findings = count_findings(os.path.join(LOGDIR, safe + ".stdout"))
    bad = [c for c in rcs if c not in ok_rcs]
    if bad and max(walls) >= TIMEOUT:
        r.note = "killed after the %.0f s time limit" % TIMEOUT
    elif bad:
        r.note = "exit %s, see %s" % (bad[0], os.path.relpath(log))
        with open(log, errors="replace") as f:
            first = f.readline().strip()
        if first:
            r.note += ": " + first[:100]
    elif r.n < runs:
        r.note = "slow: %d run(s) of %d" % (r.n, runs)
    if not quiet:
        show(r)
    return r


def show(r):
    print("  %-34s %8.3f s  cpu %8.3f s  %8.1f MiB  n=%d  rc=%s%s"
          % (r.label, r.wall, r.cpu, r.rss_kb / 1024.0, r.n,
             ",".join(map(str, sorted(set(r.rcs)))), ("  (" + r.note + ")") if r.note else ""),
          flush=True)


def measure_interleaved(specs, runs, parse_stdout=False):
    """Like measure() for several commands, run in rounds (A B C, A B C, …) so that
    a change in the machine's load hits them alike. specs: (label, cmd, keep_first).
    parse_stdout: as in measure(); the report kept is the run with the median
    in-process time over all rounds."""
    results = [None] * len(specs)
    for rnd in range(runs):
        for i, (label, cmd, keep) in enumerate(specs):
            prev = results[i]
            if prev is not None and (not prev.ok or prev.wall > SLOW_SECONDS):
                continue
            r = measure(label, cmd, 1, keep_first=keep and rnd == 0, quiet=True,
                        parse_stdout=parse_stdout)
            if r is None:
                continue
            if prev is None:
                results[i] = r
            else:
                prev.walls += r.walls
                prev.cpus += r.cpus
                prev.rcs += r.rcs
                prev.reports += r.reports
                prev.rss_kb = max(prev.rss_kb, r.rss_kb)
                prev.ok = prev.ok and r.ok
                prev.note = prev.note or r.note
    for r in results:
        if r is not None:
            r.runs_wanted = runs
            if r.reports:
                rep = sorted(r.reports, key=lambda d: float(d.get("seconds", 0)))
                r.parsed = rep[(len(rep) - 1) // 2]
            show(r)
    return results


# --------------------------------------------------------------------------
# Input preparation

CAA_RE = re.compile(r'^(\S+\s+(?:\d+\s+)?(?:IN\s+)?)CAA(\s+)(\d+)\s+(\S+)\s+"([^"]*)"\s*$')


def caa_generic(line):
    """validns 0.8 has no CAA: rewrite it in RFC 3597 §5 generic form (same data)."""
    m = CAA_RE.match(line)
    if not m:
        return line
    tag = m.group(4).encode()
    val = m.group(5).encode()
    wire = bytes([int(m.group(3)) & 0xFF, len(tag)]) + tag + val
    return "%sTYPE257%s\\# %d %s\n" % (m.group(1), m.group(2), len(wire), wire.hex())


def copy_generic(src, dst):
    with open(src) as fi, open(dst + ".tmp", "w") as fo:
        for line in fi:
            fo.write(caa_generic(line) if "CAA" in line else line)
    os.replace(dst + ".tmp", dst)


def read_tsv(path):
    base = os.path.dirname(path)
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append((parts[0], os.path.join(base, parts[1]), int(parts[2])))
    return rows


def read_manifest(setdir):
    man = {}
    with open(os.path.join(setdir, "MANIFEST")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            man[k] = v
    return man


def prepare_sample(setdir, rows, k):
    """Every (len/k)-th zone: argument lists for xargs, plus CAA-generic copies for validns."""
    sdir = os.path.join(setdir, "sample-%d" % k)
    step = max(1, len(rows) // k)
    pick = rows[::step][:k]
    done = os.path.join(sdir, ".done")
    if not os.path.exists(done):
        shutil.rmtree(sdir, ignore_errors=True)
        os.makedirs(os.path.join(sdir, "validns"))
        with open(os.path.join(sdir, "args.txt"), "w") as a, \
                open(os.path.join(sdir, "args-validns.txt"), "w") as v:
            for origin, path, _ in pick:
                a.write("%s %s\n" % (origin, os.path.abspath(path)))
                vpath = os.path.abspath(os.path.join(sdir, "validns", os.path.basename(path)))
                copy_generic(path, vpath)
                v.write("%s %s\n" % (origin, vpath))
        open(done, "w").close()
    return sdir, len(pick), sum(r[2] for r in pick)


def prepare_pdns(setdir, rows):
    """named.conf listing every zone + pdns.conf (launch=bind) for pdnsutil --config-dir."""
    pdir = os.path.abspath(os.path.join(setdir, "pdns"))
    if not os.path.exists(os.path.join(pdir, "pdns.conf")):
        os.makedirs(pdir, exist_ok=True)
        with open(os.path.join(pdir, "named.conf"), "w") as f:
            for origin, path, _ in rows:
                f.write('zone "%s" { type master; file "%s"; };\n' % (origin, os.path.abspath(path)))
        with open(os.path.join(pdir, "pdns.conf"), "w") as f:
            f.write("launch=bind\nbind-config=%s/named.conf\n" % pdir)
    return pdir


# --------------------------------------------------------------------------
# Reporting helpers

REPORT = []


def out(line=""):
    print(line, flush=True)
    REPORT.append(line)


def fmt_rate(n, secs):
    if not secs:
        return "-"
    r = n / secs
    if r >= 1e6:
        return "%.2f M" % (r / 1e6)
    if r >= 1e3:
        return "%.1f k" % (r / 1e3)
    return "%.0f" % r


def mib(kb):
    return "%.0f" % (kb / 1024.0) if kb is not None else "-"


def ratio(a, b):
    if a is None or b is None or not b:
        return "-"
    return ("%.2fx" if a / b >= 0.1 else "%.3fx") % (a / b)


def verdict(ok):
    return "PASS" if ok else "MISS"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def tool_version(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
        text = p.stdout.decode(errors="replace").strip().splitlines()
        return text[0][:70] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def dpkg_version(pkg):
    try:
        p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=20)
        return p.stdout.decode().strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


# --------------------------------------------------------------------------

def main(argv):
    global LOGDIR
    if len(argv) != 4:
        sys.stderr.write("usage: bench.py BUILD DATA TOOLDIR\n")
        return 2
    build, data, tooldir = argv[1:]
    LOGDIR = os.path.join(data, "logs")
    os.makedirs(LOGDIR, exist_ok=True)
    t_start = time.time()

    mxh = os.path.join(build, "mxhazard")
    have_mxh = os.access(mxh, os.X_OK)
    peers = {p: shutil.which(p) for p in
             ("validns", "kzonecheck", "nsd-checkzone", "named-checkzone", "pdnsutil", "xargs")}
    timers = {t: os.path.join(tooldir, t)
              for t in ("parse_only", "parse_stream", "parse_ldns", "parse_zscanner")}
    timers = {t: p for t, p in timers.items() if os.access(p, os.X_OK)}

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    out("# mxhazard benchmark, %s" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    out()
    out("- Machine: %s, %d cores, %s, Python %s" % (cpu, os.cpu_count() or 0, platform.platform(),
                                                   platform.python_version()))
    out("- Peers: validns %s, knot-dnssecutils %s, nsd %s, bind9-utils %s, pdns-server %s"
        % (dpkg_version("validns"), dpkg_version("knot-dnssecutils"), dpkg_version("nsd"),
           dpkg_version("bind9-utils"), dpkg_version("pdns-server")))
    out("- Load average at start: %s (other work on the machine inflates wall times; CPU s is "
        "user+sys)" % loadavg())
    out("- Wall time: median of the runs, fork to exit. Peak RSS: %s, largest run."
        % ("GNU time %M" if GNU_TIME else
           "wait4() ru_maxrss (no /usr/bin/time: includes a ~20 MiB floor from the forking Python)"))
    if QUICK:
        out("QUICK MODE: one run each, small sample, no 100k set. Not for publishing.")
    for name, path in peers.items():
        if path is None:
            out("SKIP: %s is not installed (run as root to have run.sh install it)" % name)
    if not have_mxh:
        out("SKIP: %s is not built yet: our rows are left empty" % mxh)
    for t in ("parse_only", "parse_stream", "parse_ldns", "parse_zscanner"):
        if t not in timers:
            out("SKIP: %s was not built (see run.sh output)" % t)
    out()

    res = {}   # key -> Result

    def scan_cmd(path, jobs=None):
        c = [mxh, "scan", "--format", "json", "--no-progress"]
        if jobs is not None:
            c += ["--jobs", str(jobs)]
        return c + [path]

    # ---------------------------------------------------------------- 1M zone
    large = os.path.join(data, "large-1m")
    lzone = os.path.join(large, "example.com.zone")
    lrec = int(read_manifest(large)["records"])
    lsize = os.path.getsize(lzone)
    vzone = os.path.join(large, "example.com.validns.zone")
    if peers["validns"] and not os.path.exists(vzone):
        copy_generic(lzone, vzone)
    origin = "example.com."
    print("== 1,000,000-record zone (%d runs each, median)" % RUNS_LARGE, flush=True)
    if SKIP_1M:
        print("  (skipped: MXH_BENCH_SKIP_1M=1)")
    if have_mxh and not SKIP_1M:
        res["L.mxh"] = measure("mxhazard scan", scan_cmd(lzone), RUNS_LARGE, keep_first=True)
    if peers["validns"] and not SKIP_1M:
        res["L.validns"] = measure("validns -p all", ["validns", "-p", "all", "-z", origin, vzone],
                                   RUNS_LARGE)
    if peers["kzonecheck"] and not SKIP_1M:
        res["L.kzonecheck"] = measure("kzonecheck", ["kzonecheck", "-o", origin, lzone], RUNS_LARGE)
    if peers["nsd-checkzone"] and not SKIP_1M:
        res["L.nsd"] = measure("nsd-checkzone", ["nsd-checkzone", origin, lzone], RUNS_LARGE)
    if peers["named-checkzone"] and not SKIP_1M:
        res["L.named"] = measure("named-checkzone -i local",
                                 ["named-checkzone", "-i", "local", origin, lzone], RUNS_LARGE)
    rule_ids = []
    if have_mxh and PER_RULE and not SKIP_1M:
        try:
            p = subprocess.run([mxh, "rules"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               timeout=60)
            for line in p.stdout.decode(errors="replace").splitlines():
                if line and not line[0].isspace():
                    rule_ids.append(line.split()[0])
        except (OSError, subprocess.TimeoutExpired):
            pass
        print("== 1M zone, one rule at a time (--only ID, 1 run each)", flush=True)
        for rid in rule_ids:
            c = scan_cmd(lzone)
            c[-1:-1] = ["--only", rid]
            res["R." + rid] = measure("--only " + rid, c, 1, keep_first=True)
    print("== parse only, 1M zone (%d interleaved rounds)" % RUNS_PARSE, flush=True)
    if timers and not SKIP_1M:
        # Interleaved (ours, ldns, zscanner, ours, …): the ratio of two parse
        # times taken minutes apart moved by a third on this shared machine.
        names = list(timers)
        got = measure_interleaved([(t, [timers[t], lzone], False) for t in names],
                                  RUNS_PARSE, parse_stdout=True)
        for t, r in zip(names, got):
            res["P." + t] = r

    # ---------------------------------------------------------------- 10k zones
    s10 = os.path.join(data, "small-10k")
    rows10 = read_tsv(os.path.join(s10, "zones.tsv"))
    rec10 = sum(r[2] for r in rows10)
    z10 = len(rows10)
    zdir10 = os.path.join(s10, "zones")
    print("== %d small zones (%d runs each, median)" % (z10, RUNS_BATCH), flush=True)
    ncpu = os.cpu_count() or 1
    if have_mxh:
        # Cheap runs: RUNS_JOBS rounds, interleaved, so the --jobs comparison sees the same load.
        res["S.mxh"], res["S.mxh1"], res["S.mxh2"] = measure_interleaved(
            [("mxhazard scan (jobs=%d)" % ncpu, scan_cmd(zdir10), True),
             ("mxhazard scan --jobs 1", scan_cmd(zdir10, 1), False),
             ("mxhazard scan --jobs 2", scan_cmd(zdir10, 2), False)], max(RUNS_BATCH, RUNS_JOBS))
    if peers["pdnsutil"]:
        pdir = prepare_pdns(s10, rows10)
        res["S.pdns"] = measure("pdnsutil check-all-zones",
                                ["pdnsutil", "--config-dir=" + pdir, "check-all-zones"], RUNS_BATCH)
    print("== parse only, %d zones" % z10, flush=True)
    if timers:
        # interleaved like the 1M parse: the parser target is judged on these too
        names = list(timers)
        got = measure_interleaved([(t + " (10k)", [timers[t], "-l", os.path.join(s10, "zones.tsv")],
                                    False) for t in names], RUNS_PARSE, parse_stdout=True)
        for t, r in zip(names, got):
            res["SP." + t] = r
    sdir, nsample, srec = prepare_sample(s10, rows10, SAMPLE)
    print("== one process per zone: %d-zone sample of the %d, extrapolated" % (nsample, z10),
          flush=True)
    args = os.path.join(sdir, "args.txt")
    vargs = os.path.join(sdir, "args-validns.txt")
    per_zone = [
        ("validns", "validns -p all", ["xargs", "-L", "1", "validns", "-p", "all", "-z"], vargs),
        ("kzonecheck", "kzonecheck", ["xargs", "-L", "1", "kzonecheck", "-o"], args),
        ("nsd-checkzone", "nsd-checkzone", ["xargs", "-L", "1", "nsd-checkzone"], args),
        ("named-checkzone", "named-checkzone -i local",
         ["xargs", "-L", "1", "named-checkzone", "-i", "local"], args),
    ]
    for tool, label, cmd, argfile in per_zone:
        if peers[tool] and peers["xargs"]:
            # xargs exits 123 when any one invocation reported a problem: fine.
            res["Z." + tool] = measure("%s x%d" % (label, nsample), cmd, RUNS_BATCH,
                                       ok_rcs=(0, 123), stdin=argfile)

    # ---------------------------------------------------------------- 100k zones
    s100 = os.path.join(data, "small-100k")
    z100 = rec100 = 0
    if not SKIP_100K and os.path.exists(os.path.join(s100, "MANIFEST")):
        rows100 = read_tsv(os.path.join(s100, "zones.tsv"))
        z100 = len(rows100)
        rec100 = sum(r[2] for r in rows100)
        print("== %d small zones (%d rounds with a 10k scan each, median; 1 if slow)"
              % (z100, RUNS_100K), flush=True)
        if have_mxh:
            res["H.mxh"], res["H.mxh10"] = measure_interleaved(
                [("mxhazard scan 100k (jobs=%d)" % ncpu, scan_cmd(os.path.join(s100, "zones")),
                  True),
                 ("mxhazard scan 10k, paired", scan_cmd(zdir10), False)], RUNS_100K)
        if "parse_only" in timers:
            res["HP.parse_only"] = measure("parse_only (100k)",
                                           [timers["parse_only"], "-l",
                                            os.path.join(s100, "zones.tsv")], 1, parse_stdout=True)
        if peers["pdnsutil"]:
            pdir = prepare_pdns(s100, rows100)
            res["H.pdns"] = measure("pdnsutil check-all-zones 100k",
                                    ["pdnsutil", "--config-dir=" + pdir, "check-all-zones"], 1)

    # ================================================================ report
    out("## 1,000,000-record zone (%s, %.1f MB), median of %d runs"
        % (os.path.relpath(lzone), lsize / 1e6, RUNS_LARGE))
    out()
    out("| tool | runs | wall s | CPU s | records/s | peak RSS MiB | exit | our time / theirs | our RSS / theirs |")
    out("|---|---|---|---|---|---|---|---|---|")
    ours = res.get("L.mxh")
    for key, name in (("L.mxh", "mxhazard scan --format json (all rules)"),
                      ("L.validns", "validns -p all (CAA as TYPE257)"),
                      ("L.kzonecheck", "kzonecheck"), ("L.nsd", "nsd-checkzone"),
                      ("L.named", "named-checkzone -i local")):
        r = res.get(key)
        if r is None:
            out("| %s | - | %s | | | | | | |"
                % (name, "skipped" if SKIP_1M else "not built" if key == "L.mxh" else "not run"))
            continue
        rel_t = ratio(ours.wall, r.wall) if ours and key != "L.mxh" else ""
        rel_m = ratio(ours.rss_kb, r.rss_kb) if ours and key != "L.mxh" else ""
        out("| %s | %d | %.3f | %.3f | %s | %s | %s | %s | %s |"
            % (name, r.n, r.wall, r.cpu, fmt_rate(lrec, r.wall), mib(r.rss_kb),
               ",".join(map(str, sorted(set(r.rcs)))), rel_t, rel_m))
    out()
    if rule_ids:
        out("### One rule at a time, same zone (`--only ID`, 1 run each; load included)")
        out()
        out("| rule | wall s | CPU s | peak RSS MiB | exit | findings |")
        out("|---|---|---|---|---|---|")
        for rid in rule_ids:
            r = res.get("R." + rid)
            if r is None:
                continue
            f = getattr(r, "findings", {}) or {}
            out("| %s | %.2f | %.2f | %s | %s | %s |"
                % (rid, r.wall, r.cpu, mib(r.rss_kb), ",".join(map(str, sorted(set(r.rcs)))),
                   ", ".join("%s %d" % kv for kv in sorted(f.items())) or "0"))
        out()
    out("### Parse only (no checks), same zone")
    out()
    out("Two of our rows: the parser alone (every record parsed to canonical owner, type, TTL, "
        "RDATA and target, handed to a callback that counts it, nothing stored; what zscanner's "
        "row does) and the loader (the same parse plus the zone model the rules run on: name "
        "index, nodes, records; what ldns's row does).")
    out()
    out("| parser | runs | parse s (in-process) | parse CPU s | records | records/s | peak RSS MiB | our parser / theirs | our loader / theirs |")
    out("|---|---|---|---|---|---|---|---|---|")
    ours_p = res.get("P.parse_stream")
    ours_ps = float(ours_p.parsed["seconds"]) if ours_p and "seconds" in ours_p.parsed else None
    ours_l = res.get("P.parse_only")
    ours_ls = float(ours_l.parsed["seconds"]) if ours_l and "seconds" in ours_l.parsed else None
    for key, name in (("P.parse_stream", "libmxhazard parser (mxh_zoneset_parse_file, nothing stored)"),
                      ("P.parse_only", "libmxhazard loader (mxh_zoneset_load_file, zone model)"),
                      ("P.parse_ldns", "ldns (ldns_zone_new_frm_fp_l, zone in memory)"),
                      ("P.parse_zscanner", "Knot zscanner (zs_parse_all, nothing stored)")):
        r = res.get(key)
        if r is None or "seconds" not in r.parsed:
            out("| %s | - | %s | | | | | | |"
                % (name, "skipped" if SKIP_1M else "not built" if r is None else "failed"))
            continue
        secs = float(r.parsed["seconds"])
        theirs = key in ("P.parse_ldns", "P.parse_zscanner")
        out("| %s | %d | %.3f | %s | %s | %s | %s | %s | %s |"
            % (name, r.n, secs, r.parsed.get("cpu", "-"), r.parsed.get("records", "?"),
               fmt_rate(lrec, secs), mib(r.rss_kb),
               ratio(ours_ps, secs) if theirs else "", ratio(ours_ls, secs) if theirs else ""))
    out()

    out("## %d small hosting zones (%d records), medians (runs: see the column; mxhazard's "
        "three rows ran in interleaved rounds)" % (z10, rec10))
    out()
    out("| tool | runs | wall s (10k) | CPU s | zones/s | records/s | peak RSS MiB | exit | our time / theirs |")
    out("|---|---|---|---|---|---|---|---|---|")
    ours10 = res.get("S.mxh")
    h10 = res.get("H.mxh10") or ours10   # the 10k runs paired with the 100k ones
    for key, name in (("S.mxh", "mxhazard scan (--jobs %d, default)" % ncpu),
                      ("S.mxh1", "mxhazard scan --jobs 1"), ("S.mxh2", "mxhazard scan --jobs 2"),
                      ("S.pdns", "pdnsutil check-all-zones (bind backend)")):
        r = res.get(key)
        if r is None:
            out("| %s | - | %s | | | | | | |" % (name, "not built" if "mxh" in key else "not run"))
            continue
        out("| %s | %d | %.3f | %.3f | %s | %s | %s | %s | %s |"
            % (name, r.n, r.wall, r.cpu, fmt_rate(z10, r.wall), fmt_rate(rec10, r.wall), mib(r.rss_kb),
               ",".join(map(str, sorted(set(r.rcs)))),
               ratio(ours10.wall, r.wall) if ours10 and "mxh" not in key else ""))
    for tool, label, _, _ in per_zone:
        r = res.get("Z." + tool)
        name = "%s, one process per zone*" % label
        if r is None:
            out("| %s | - | not run | | | | | | |" % name)
            continue
        est = r.wall * z10 / nsample
        out("| %s | %d | %.1f* | %.1f* | %s | %s | %s | %s | %s |"
            % (name, r.n, est, r.cpu * z10 / nsample, fmt_rate(nsample, r.wall), fmt_rate(srec, r.wall), mib(r.rss_kb),
               ",".join(map(str, sorted(set(r.rcs)))), ratio(ours10.wall, est) if ours10 else ""))
    out()
    out("\\* timed on a %d-zone sample (every %dth zone), scaled by %d/%d; exit 123 = "
        "xargs saw some zone rejected." % (nsample, max(1, z10 // SAMPLE), z10, nsample))
    out()
    out("Parse only, %d zones:" % z10)
    out()
    out("| parser | parse s | parse CPU s | zones/s | peak RSS MiB |")
    out("|---|---|---|---|---|")
    for key, name in (("SP.parse_stream", "libmxhazard parser (nothing stored)"),
                      ("SP.parse_only", "libmxhazard loader (zone model)"), ("SP.parse_ldns", "ldns"),
                      ("SP.parse_zscanner", "Knot zscanner (nothing stored)")):
        r = res.get(key)
        if r is None or "seconds" not in r.parsed:
            out("| %s | not built | | | |" % name)
            continue
        secs = float(r.parsed["seconds"])
        out("| %s | %.3f | %s | %s | %s |" % (name, secs, r.parsed.get("cpu", "-"),
                                             fmt_rate(z10, secs), mib(r.rss_kb)))
    out()
    if z100:
        out("## %d small hosting zones (%d records)" % (z100, rec100))
        out()
        out("| tool | runs | wall s (100k) | CPU s | zones/s | peak RSS MiB | exit | vs 10k |")
        out("|---|---|---|---|---|---|---|---|")
        r = res.get("H.mxh")
        if r is not None:
            out("| mxhazard scan (--jobs %d) | %d | %.2f | %.2f | %s | %s | %s | %s |"
                % (ncpu, r.n, r.wall, r.cpu, fmt_rate(z100, r.wall), mib(r.rss_kb),
                   ",".join(map(str, sorted(set(r.rcs)))),
                   ratio(r.wall, h10.wall) if h10 else "-"))
        else:
            out("| mxhazard scan | - | not built | | | | | |")
        r = res.get("HP.parse_only")
        sp = res.get("SP.parse_only")
        if r is not None and "seconds" in r.parsed:
            s = float(r.parsed["seconds"])
            s10p = float(sp.parsed["seconds"]) if sp and "seconds" in sp.parsed else None
            out("| parse_only (libmxhazard), in-process | 1 | %.2f | | %s | %s | %s | %s |"
                % (s, fmt_rate(z100, s), mib(r.rss_kb), ",".join(map(str, r.rcs)),
                   ratio(s, s10p)))
        r = res.get("H.pdns")
        sp = res.get("S.pdns")
        if r is not None:
            out("| pdnsutil check-all-zones | 1 | %.2f | %.2f | %s | %s | %s | %s |"
                % (r.wall, r.cpu, fmt_rate(z100, r.wall), mib(r.rss_kb),
                   ",".join(map(str, r.rcs)), ratio(r.wall, sp.wall if sp else None)))
        for tool, label, _, _ in per_zone:
            r = res.get("Z." + tool)
            if r is not None:
                out("| %s, one process per zone* | - | %.0f* | %.0f* | %s | %s | | 10.00x* |"
                    % (label, r.wall * z100 / nsample, r.cpu * z100 / nsample,
                       fmt_rate(nsample, r.wall), mib(r.rss_kb)))
        out()
        out("\\* extrapolated from the %d-zone sample above (its time x %d/%d)."
            % (nsample, z100, nsample))
        out()

    for key, what in (("L.mxh", "the 1M zone"), ("S.mxh", "the %d-zone set" % z10),
                      ("H.mxh", "the %d-zone set" % z100)):
        r = res.get(key)
        if r is not None and getattr(r, "findings", None) is not None:
            out("Findings on %s (first run's output): %s" % (what, ", ".join(
                "%s %d" % kv for kv in sorted(r.findings.items())) or "none"))
    out()

    # ---------------------------------------------------------------- targets
    out("## Targets")
    out()

    def target(text, ok, detail, *used):
        broken = [r for r in used if r is not None and not r.ok]
        if broken:
            out("- MISS %s (%s failed: exit %s, so its time means nothing)"
                % (text, broken[0].label, ",".join(map(str, sorted(set(broken[0].rcs))))))
            return
        if ok is None:
            out("- n/a  %s (%s)" % (text, detail))
        else:
            out("- %s %s (%s)" % (verdict(ok), text, detail))

    v = res.get("L.validns")
    if ours and v:
        target("1M zone, every rule, <= 0.5x validns's time", ours.wall <= 0.5 * v.wall,
               "%.3f s vs %.3f s = %s; CPU %.2f s vs %.2f s"
               % (ours.wall, v.wall, ratio(ours.wall, v.wall), ours.cpu, v.cpu), ours, v)
        target("1M zone peak RSS <= validns's", ours.rss_kb <= v.rss_kb,
               "%s vs %s MiB" % (mib(ours.rss_kb), mib(v.rss_kb)), ours, v)
    else:
        target("1M zone vs validns", None, "skipped" if SKIP_1M else
               "mxhazard not built" if not ours else "validns missing")
    p = res.get("S.pdns")
    if ours10 and p:
        target("10,000 zones <= 0.5x pdnsutil check-all-zones", ours10.wall <= 0.5 * p.wall,
               "%.3f s vs %.3f s = %s; CPU %.2f s vs %.2f s"
               % (ours10.wall, p.wall, ratio(ours10.wall, p.wall), ours10.cpu, p.cpu), ours10, p)
    else:
        target("10,000 zones vs pdnsutil", None,
               "mxhazard not built" if not ours10 else "pdnsutil missing")
    z = res.get("P.parse_zscanner")
    if ours_ps is not None and z and "seconds" in z.parsed:
        zs = float(z.parsed["seconds"])
        target("our parse <= 2x zscanner's (1M zone; both hand records to a callback, "
               "nothing stored)", ours_ps <= 2 * zs,
               "%.3f s vs %.3f s = %s; CPU %s s vs %s s"
               % (ours_ps, zs, ratio(ours_ps, zs), ours_p.parsed.get("cpu", "?"),
                  z.parsed.get("cpu", "?")), ours_p, z)
        if ours_ls is not None:
            out("- (not a target) our loader, parse plus zone model, vs zscanner's parse: "
                "%.3f s vs %.3f s = %s" % (ours_ls, zs, ratio(ours_ls, zs)))
    else:
        target("our parse vs zscanner", None, "skipped" if SKIP_1M else
               "zscanner timer not built (no libzscanner headers)" if not z else
               "parse_stream not built")
    zp, zz = res.get("SP.parse_stream"), res.get("SP.parse_zscanner")
    if zp and zz and "seconds" in zp.parsed and "seconds" in zz.parsed:
        a, b = float(zp.parsed["seconds"]), float(zz.parsed["seconds"])
        target("our parse <= 2x zscanner's (10,000 small zones)", a <= 2 * b,
               "%.3f s vs %.3f s = %s" % (a, b, ratio(a, b)), zp, zz)
    j1, j2 = res.get("S.mxh1"), res.get("S.mxh2")
    if j1 and j2:
        sp = j1.wall / j2.wall
        target("--jobs 2 >= 1.7x --jobs 1 (10k zones)", sp >= 1.7,
               "%.3f s / %.3f s = %.2fx" % (j1.wall, j2.wall, sp), j1, j2)
    else:
        target("--jobs 2 speed-up", None, "mxhazard not built")
    h = res.get("H.mxh")
    if h and h10:
        lin = h.wall / h10.wall
        target("100,000 zones ~ 10x the 10,000-zone time", lin <= 12.0,
               "%.2f s / %.3f s = %.2fx, %d rounds of the two; PASS up to 12x; "
               "CPU %.2f s / %.2f s = %.2fx"
               % (h.wall, h10.wall, lin, h.n, h.cpu, h10.cpu, h.cpu / max(h10.cpu, 1e-9)),
               h, h10)
    else:
        target("100,000 vs 10,000 linearity", None,
               "mxhazard not built" if not ours10 else "100k set skipped")
    out()
    out("Load average at the end: %s" % loadavg())
    out("Benchmark took %.0f s. Logs: %s" % (time.time() - t_start, os.path.relpath(LOGDIR)))
    with open(os.path.join(data, "results.md"), "w") as f:
        f.write("\n".join(REPORT) + "\n")
    print("Report written to %s" % os.path.relpath(os.path.join(data, "results.md")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

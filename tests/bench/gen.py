#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reproducible benchmark corpora for mxhazard.

Usage: gen.py [--sets large,small10k,small100k] [--force] [--verify] OUTDIR

Sets (each in its own directory under OUTDIR, generated only when missing):

  large-1m/    one zone (example.com.) of exactly 1,000,000 records, ~31 MB:
               A, AAAA, CNAME, MX, TXT (SPF, verification tokens, DKIM),
               NS delegations with and without glue, a few wildcards, SRV, CAA.
  small-10k/   10,000 small hosting zones of ~20 records each.
  small-100k/  100,000 small hosting zones; its first 10,000 zones are
               byte-identical to small-10k (the same seed per zone index), so
               the two sets differ only in size.

Every set directory holds zones.tsv (origin TAB path-relative-to-set-dir TAB
record-count, one zone a line) and MANIFEST (generator version, seed, zone
and record counts, SHA-256 over all zone bytes in zones.tsv order). The
pseudo-random source is a self-contained SplitMix64, so the bytes depend on
nothing but this file: the same OUTDIR contents on every machine and run.
--verify regenerates into memory and compares with the MANIFEST digest.

Small zones mirror shared-hosting exports: own mail host, provider mail,
Google Workspace, and about 12 % carrying a hazard from the seeds (MX at the
apex web host, wildcard-only mail host, a missing trailing dot, MX to a
CNAME, SPF not covering the MX, MX written as an IP address).
"""

import hashlib
import os
import shutil
import sys

GEN_VERSION = 1
SEED = 0x6D78_6861_7A61_7264  # "mxhazard"
MASK = (1 << 64) - 1


class Rng:
    """SplitMix64: tiny, fast enough, and defined here (no library drift)."""

    __slots__ = ("s",)

    def __init__(self, seed):
        self.s = seed & MASK

    def u64(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        # n is small (< 2**32): the modulo bias is far below anything a
        # benchmark can notice, and the result is fully determined.
        return self.u64() % n

    def pick(self, seq):
        return seq[self.u64() % len(seq)]

    def chance(self, percent):
        return self.u64() % 1000 < int(percent * 10)

    def hexstr(self, n):
        out = []
        while len(out) * 16 < n:
            out.append("%016x" % self.u64())
        return "".join(out)[:n]


WORDS = (
    "www", "mail", "shop", "api", "app", "web", "cdn", "img", "static", "dev",
    "stg", "test", "vpn", "git", "db", "cache", "lb", "proxy", "auth", "portal",
    "blog", "news", "docs", "wiki", "crm", "erp", "hr", "jp", "us", "eu",
    "tokyo", "osaka", "node", "host", "srv", "edge", "media", "files", "store", "pay",
)
SMALL_WORDS = (
    "sakura", "tanaka", "hikari", "midori", "yamato", "kaze", "umi", "sora",
    "hana", "tsuki", "kobo", "shoten", "cafe", "clinic", "dental", "design",
    "works", "office", "studio", "farm", "garden", "hotel", "ryokan", "salon",
    "school", "juku", "lab", "net", "soft", "print", "photo", "craft",
)
TLDS = ("jp", "co.jp", "ne.jp", "or.jp", "com", "net", "org", "info", "biz")
# Fictitious shared-hosting providers: (domain, mail-host prefix, NS names).
PROVIDERS = (
    ("xsrv-hosting.net", "sv", ("ns1.xsrv-hosting.net.", "ns2.xsrv-hosting.net.")),
    ("coresv.jp", "v", ("ns1.coresv.jp.", "ns2.coresv.jp.")),
    ("lolirental.com", "mail", ("dns1.lolirental.com.", "dns2.lolirental.com.")),
    ("rentalspace.ne.jp", "s", ("ns-a.rentalspace.ne.jp.", "ns-b.rentalspace.ne.jp.")),
    ("valuedns.example.net", "mx", ("ns1.valuedns.example.net.", "ns2.valuedns.example.net.")),
)
GOOGLE_MX = ((1, "aspmx.l.google.com."), (5, "alt1.aspmx.l.google.com."),
             (5, "alt2.aspmx.l.google.com."), (10, "alt3.aspmx.l.google.com."),
             (10, "alt4.aspmx.l.google.com."))


def ip4(rng, net=None):
    if net is None:
        net = rng.pick(("10", "172.16", "192.0.2", "198.51.100", "203.0.113"))
    parts = net.split(".")
    while len(parts) < 4:
        parts.append(str(rng.below(254) + 1))
    return ".".join(parts)


def ip6(rng):
    return "2001:db8:%x::%x" % (rng.below(0x10000), rng.below(0xFFFF) + 1)


# --------------------------------------------------------------------------
# The 1,000,000-record zone

B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(n):
    """Short unique label suffix: 1 -> "1", 36 -> "10", 1000000 -> "lfls"."""
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = B36[r] + s
        if n == 0:
            return s

def large_zone(nrec):
    """Yield text chunks of the large zone; returns nothing. Exactly nrec records."""
    rng = Rng(SEED ^ 0x1000000)
    origin = "example.com."
    out = []
    count = 0

    def rr(line):
        nonlocal count
        out.append(line)
        count += 1

    out.append("; mxhazard benchmark zone: %d records, generator v%d\n" % (nrec, GEN_VERSION))
    out.append("$ORIGIN %s\n$TTL 3600\n" % origin)
    rr("@ IN SOA ns1.example.com. hostmaster.example.com. ( 2024010101 7200 3600 1209600 300 )\n")
    rr("@ 86400 IN NS ns1.example.com.\n")
    rr("@ 86400 IN NS ns2.example.com.\n")
    rr("ns1 86400 IN A 192.0.2.53\n")
    rr("ns2 86400 IN A 198.51.100.53\n")
    rr("@ IN A 203.0.113.10\n")
    rr("@ IN MX 10 mx1.example.com.\n")
    rr("@ IN MX 20 mx2.example.com.\n")
    rr("mx1 IN A 192.0.2.25\n")
    rr("mx2 IN A 198.51.100.25\n")
    rr('@ IN TXT "v=spf1 mx ip4:192.0.2.0/24 include:_spf.mailprovider.example.net -all"\n')
    rr('@ IN CAA 0 issue "letsencrypt.org"\n')
    rr('@ IN CAA 0 iodef "mailto:security@example.com"\n')
    rr('_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"\n')

    hosts = ["mx1", "mx2"]        # names with addresses, for CNAME/MX/SRV targets
    mailhosts = ["mx1", "mx2"]
    serial = 0
    wildcards = 0
    chunk_limit = 20000
    while count < nrec:
        left = nrec - count
        serial += 1
        word = WORDS[rng.below(len(WORDS))]
        name = word + b36(serial)
        k = rng.below(1000)
        if left < 8 or k < 440:                       # plain host
            rr("%s IN A %s\n" % (name, ip4(rng, "10")))
            if len(hosts) < 50000 or rng.chance(5):
                hosts.append(name)
        elif k < 540:                                 # dual-stack host
            rr("%s IN A %s\n" % (name, ip4(rng, "10")))
            rr("%s IN AAAA %s\n" % (name, ip6(rng)))
            hosts.append(name)
        elif k < 580:                                 # IPv6-only host
            rr("%s IN AAAA %s\n" % (name, ip6(rng)))
        elif k < 750:                                 # alias
            if rng.chance(15):
                rr("%s 300 IN CNAME %s.cdn.example.net.\n" % (name, name))
            else:
                rr("%s IN CNAME %s\n" % (name, hosts[rng.below(len(hosts))]))
        elif k < 820:                                 # mail domain: MX + SPF
            if rng.chance(30):
                rr("%s IN MX 10 mx.mailprovider.example.net.\n" % name)
                rr('%s IN TXT "v=spf1 include:_spf.mailprovider.example.net ~all"\n' % name)
            else:
                mh = "smtp" + b36(serial)
                rr("%s IN MX 10 %s\n" % (name, mh))
                rr("%s IN MX 20 %s\n" % (name, mailhosts[rng.below(len(mailhosts))]))
                a = ip4(rng, "172.16")
                rr("%s IN A %s\n" % (mh, a))
                rr('%s IN TXT "v=spf1 ip4:%s mx -all"\n' % (name, a))
                if len(mailhosts) < 1000:
                    mailhosts.append(mh)
        elif k < 880:                                 # TXT: verification token or DKIM
            if rng.chance(5):
                rr('sel%s._domainkey IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GN%s"\n'
                   % (b36(serial), rng.hexstr(48)))
            else:
                rr('%s IN TXT "verification=%s"\n' % (name, rng.hexstr(24)))
        elif k < 920:                                 # delegation
            if rng.chance(60):                        # in-bailiwick: glue needed
                rr("%s 86400 IN NS ns1.%s\n" % (name, name))
                rr("%s 86400 IN NS ns2.%s\n" % (name, name))
                rr("ns1.%s 86400 IN A %s\n" % (name, ip4(rng, "192.0.2")))
                rr("ns2.%s 86400 IN A %s\n" % (name, ip4(rng, "198.51.100")))
                if rng.chance(30):
                    rr("ns1.%s 86400 IN AAAA %s\n" % (name, ip6(rng)))
            else:
                rr("%s 86400 IN NS ns1.dnsprovider.example.net.\n" % name)
                rr("%s 86400 IN NS ns2.dnsprovider.example.net.\n" % name)
        elif k < 980:                                 # SRV
            svc = rng.pick(("_sip._tcp", "_sip._udp", "_xmpp-server._tcp", "_imaps._tcp",
                            "_submission._tcp", "_ldap._tcp"))
            port = {"_sip._tcp": 5060, "_sip._udp": 5060, "_xmpp-server._tcp": 5269,
                    "_imaps._tcp": 993, "_submission._tcp": 587, "_ldap._tcp": 389}[svc]
            rr("%s.%s IN SRV 10 %d %d %s\n"
               % (svc, name, rng.below(100), port, hosts[rng.below(len(hosts))]))
        elif k < 990:                                 # CAA
            rr('%s IN CAA 0 issue "%s"\n'
               % (name, rng.pick(("letsencrypt.org", "digicert.com", "sectigo.com"))))
        elif wildcards < 60:                          # a few wildcards
            wildcards += 1
            rr("*.%s IN A %s\n" % (name, ip4(rng, "203.0.113")))
            rr("*.%s IN MX 10 %s\n" % (name, mailhosts[rng.below(len(mailhosts))]))
        else:
            rr("%s IN A %s\n" % (name, ip4(rng, "10")))
        if len(out) >= chunk_limit:
            yield "".join(out)
            out.clear()
    yield "".join(out)


# --------------------------------------------------------------------------
# Small hosting zones

HAZARDS = ("apex-mx", "wildcard-only", "missing-dot", "mx-cname", "spf-miss", "mx-ip")


def small_zone(index):
    """Return (origin, text, record_count) for small zone number index."""
    rng = Rng(SEED ^ (0x5A11 << 32) ^ (index * 0x9E3779B97F4A7C15))
    w1 = SMALL_WORDS[rng.below(len(SMALL_WORDS))]
    w2 = SMALL_WORDS[rng.below(len(SMALL_WORDS))]
    tld = TLDS[rng.below(len(TLDS))]
    origin = "%s-%s%d.%s." % (w1, w2, index, tld)
    pdom, pmx, pns = PROVIDERS[rng.below(len(PROVIDERS))]
    web = ip4(rng, rng.pick(("192.0.2", "198.51.100", "203.0.113")))
    mailip = ip4(rng, rng.pick(("192.0.2", "198.51.100", "203.0.113")))
    ttl = rng.pick((300, 3600, 3600, 3600, 86400))

    h = rng.below(1000)
    hazard = None
    if h < 120:
        hazard = HAZARDS[h % len(HAZARDS)]
    style = rng.below(100)  # mail style when no hazard decides it

    lines = ["$ORIGIN %s\n" % origin, "$TTL %d\n" % ttl]
    n = 0
    used = set()

    def rr(owner, typ, rdata):
        nonlocal n
        lines.append("%s\tIN\t%s\t%s\n" % (owner, typ, rdata))
        n += 1
        used.add(owner)

    rr("@", "SOA", "%s hostmaster.%s %d 3600 900 604800 300"
       % (pns[0], origin, 2024000000 + rng.below(999999)))
    rr("@", "NS", pns[0])
    rr("@", "NS", pns[1])
    rr("@", "A", web)
    if rng.chance(30):
        rr("@", "AAAA", ip6(rng))

    wildcard = rng.chance(20) or hazard == "wildcard-only"
    mail_a_needed = False
    spf = None
    if hazard == "apex-mx":                   # seeds 000/001: MX is the web apex
        rr("@", "MX", "10 %s" % origin)
        spf = "v=spf1 a mx ~all"
    elif hazard == "wildcard-only":           # mail.D exists only through "*"
        rr("@", "MX", "10 mail.%s" % origin)
        spf = "v=spf1 a mx ~all"
    elif hazard == "missing-dot":             # seed 002: "s1.xrea.com" without the dot
        rr("@", "MX", "10 %s%d.%s" % (pmx, rng.below(300) + 1, pdom))
        spf = "v=spf1 include:_spf.%s ~all" % pdom
    elif hazard == "mx-cname":                # RFC 2181 §10.3: MX names an alias
        rr("@", "MX", "10 mail")
        rr("mail", "CNAME", "%s%d.%s." % (pmx, rng.below(300) + 1, pdom))
        spf = "v=spf1 include:_spf.%s ~all" % pdom
    elif hazard == "spf-miss":                # seed 003: SPF still names the old server
        rr("@", "MX", "10 mail")
        mail_a_needed = True
        old = ip4(rng, "198.18")
        spf = "v=spf1 ip4:%s ~all" % old
    elif hazard == "mx-ip":                   # MX written as an address
        rr("@", "MX", "10 %s" % mailip)
        spf = "v=spf1 ip4:%s ~all" % mailip
    elif style < 45:                          # own mail host
        rr("@", "MX", "10 mail")
        mail_a_needed = True
        spf = rng.pick(("v=spf1 mx ~all", "v=spf1 ip4:%s -all" % mailip, "v=spf1 a mx -all"))
    elif style < 75:                          # provider's mail servers
        rr("@", "MX", "10 %s%d.%s." % (pmx, rng.below(300) + 1, pdom))
        spf = "v=spf1 include:_spf.%s ~all" % pdom
    elif style < 93:                          # Google Workspace
        for pref, host in GOOGLE_MX:
            rr("@", "MX", "%d %s" % (pref, host))
        spf = "v=spf1 include:_spf.google.com ~all"
    elif style < 97:                          # null MX (RFC 7505): no mail
        rr("@", "MX", "0 .")
        spf = "v=spf1 -all"
    # else: no MX at all (implicit MX on the apex address)
    if spf is not None:
        rr("@", "TXT", '"%s"' % spf)
    if mail_a_needed:
        rr("mail", "A", mailip)
        for alias in ("pop", "imap", "smtp"):
            if rng.chance(60):
                rr(alias, "CNAME", "mail")
    www = rng.below(3)
    if www == 0:
        rr("www", "CNAME", "@")
    elif www == 1:
        rr("www", "A", web)
    else:
        rr("www", "CNAME", "%s.cdn.example.net." % origin.split(".")[0])
    if rng.chance(50):
        rr("ftp", "CNAME", "www")
    if rng.chance(40):
        rr("_dmarc", "TXT", '"v=DMARC1; p=%s; rua=mailto:dmarc@%s"'
           % (rng.pick(("none", "quarantine", "reject")), origin[:-1]))
    if rng.chance(35):
        rr("default._domainkey", "TXT", '"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4%s"'
           % rng.hexstr(40))
    if rng.chance(30):
        rr("@", "TXT", '"google-site-verification=%s"' % rng.hexstr(43))
    if rng.chance(10):
        rr("@", "CAA", '0 issue "letsencrypt.org"')
    if rng.chance(8):
        rr("_sip._tcp", "SRV", "10 60 5060 sip.%s." % pdom)
    if wildcard:
        rr("*", "A", web)
    # Fill to a realistic ~20 records with site hosts.
    target = 16 + rng.below(9)
    i = 0
    while n < target:
        i += 1
        name = WORDS[rng.below(len(WORDS))]
        if name in used or name in ("mail", "www"):
            name = "%s%d" % (name, i)
            if name in used:
                continue
        if rng.chance(25):
            rr(name, "CNAME", "www")
        elif rng.chance(15):
            rr(name, "AAAA", ip6(rng))
        else:
            rr(name, "A", ip4(rng, rng.pick(("192.0.2", "198.51.100", "203.0.113"))))
    return origin, "".join(lines), n


# --------------------------------------------------------------------------
# Writing sets

def write_set(outdir, setname, make_fn):
    """Generate one set into OUTDIR/setname atomically (tmp dir, then rename)."""
    final = os.path.join(outdir, setname)
    tmp = final + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    manifest = make_fn(tmp)
    with open(os.path.join(tmp, "MANIFEST"), "w") as f:
        f.write(manifest)
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)


def gen_large(nrec):
    def make(d):
        digest = hashlib.sha256()
        path = os.path.join(d, "example.com.zone")
        with open(path, "w", newline="\n") as f:
            for chunk in large_zone(nrec):
                f.write(chunk)
                digest.update(chunk.encode())
        with open(os.path.join(d, "zones.tsv"), "w") as f:
            f.write("example.com.\texample.com.zone\t%d\n" % nrec)
        return manifest_text(1, nrec, digest.hexdigest())
    return make


def gen_small(nzones):
    def make(d):
        digest = hashlib.sha256()
        zdir = os.path.join(d, "zones")
        os.makedirs(zdir)
        total = 0
        tsv = []
        for i in range(nzones):
            origin, text, n = small_zone(i)
            rel = "zones/%s.zone" % origin[:-1]   # "name.tld.zone", $ORIGIN inside
            with open(os.path.join(d, rel), "w", newline="\n") as f:
                f.write(text)
            digest.update(text.encode())
            total += n
            tsv.append("%s\t%s\t%d\n" % (origin, rel, n))
        with open(os.path.join(d, "zones.tsv"), "w") as f:
            f.writelines(tsv)
        return manifest_text(nzones, total, digest.hexdigest())
    return make


def source_digest():
    """A set is stale when this file changed since it was written."""
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def manifest_text(zones, records, sha):
    return ("generator\t%d\nsource\t%s\nseed\t%#x\nzones\t%d\nrecords\t%d\nsha256\t%s\n"
            % (GEN_VERSION, source_digest(), SEED, zones, records, sha))


SETS = {
    "large": ("large-1m", lambda: gen_large(1000000)),
    "small10k": ("small-10k", lambda: gen_small(10000)),
    "small100k": ("small-100k", lambda: gen_small(100000)),
}


def read_manifest(path):
    try:
        with open(path) as f:
            return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)
    except OSError:
        return None


def verify(outdir, key):
    """Recompute the set's digest from its files (order of zones.tsv)."""
    setdir = os.path.join(outdir, SETS[key][0])
    man = read_manifest(os.path.join(setdir, "MANIFEST"))
    if man is None:
        return False
    digest = hashlib.sha256()
    with open(os.path.join(setdir, "zones.tsv")) as f:
        for line in f:
            rel = line.split("\t")[1]
            with open(os.path.join(setdir, rel), "rb") as z:
                digest.update(z.read())
    return digest.hexdigest() == man.get("sha256")


def main(argv):
    sets = ["large", "small10k", "small100k"]
    force = False
    check = False
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == "--sets":
            sets = next(it, "").split(",")
        elif a.startswith("--sets="):
            sets = a.split("=", 1)[1].split(",")
        elif a == "--force":
            force = True
        elif a == "--verify":
            check = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(a)
    if len(args) != 1 or any(s not in SETS for s in sets):
        sys.stderr.write("usage: gen.py [--sets %s] [--force] [--verify] OUTDIR\n" % ",".join(SETS))
        return 2
    outdir = args[0]
    os.makedirs(outdir, exist_ok=True)
    rc = 0
    for key in sets:
        setname, factory = SETS[key]
        man = read_manifest(os.path.join(outdir, setname, "MANIFEST"))
        fresh = (man is not None and man.get("generator") == str(GEN_VERSION)
                 and man.get("source") == source_digest())
        if fresh and not force:
            if check:
                ok = verify(outdir, key)
                print("gen: %s: %s" % (setname, "digest OK" if ok else "DIGEST MISMATCH"))
                rc |= 0 if ok else 1
            else:
                print("gen: %s: present (%s zones, %s records)" % (setname, man["zones"], man["records"]))
            continue
        print("gen: %s: generating..." % setname, flush=True)
        write_set(outdir, setname, factory())
        man = read_manifest(os.path.join(outdir, setname, "MANIFEST"))
        print("gen: %s: %s zones, %s records, sha256 %s"
              % (setname, man["zones"], man["records"], man["sha256"][:16]))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))

/* SPDX-License-Identifier: MIT */
/*
 * Differential test: our master-file loader against ldns, record by record,
 * over every zone file of ../shared/corpus/ and over generated zones.
 *
 * For each file:
 *  - ldns reads it entry by entry (ldns_rr_new_frm_fp_l, so one bad entry
 *    does not hide the rest), and once more as a whole zone
 *    (ldns_zone_new_frm_fp_l) for its TTL rules;
 *  - we load it; each of our records from that file is written out as text
 *    and parsed by ldns, then compared with ldns's record (ldns_rr_compare
 *    after ldns_rr2canonical: owner, class, type, RDATA in wire form), and
 *    the TTLs are compared;
 *  - every entry ldns rejects must be rejected by us too (an error
 *    diagnostic on its lines), every record ldns reads must be read by us.
 * Each difference must appear in the `expected` table below with a reason,
 * and every row of the table must still happen (so the table stays true).
 * Set MXH_DIFF_VERBOSE=1 to print every difference.
 */
#include <arpa/inet.h>
#include <check.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mxh_internal.h"

#define CORPUS "../shared/corpus"

/*
 * ldns 1.8.3 leaks in its IPSECKEY parser (ldns_str2rdf_ipseckey) when the
 * gateway type is 0 or the key is split; this test feeds it such records on
 * purpose. The library itself parses IPSECKEY without ldns.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:ldns_str2rdf_ipseckey\n";
}

/* ------------------------------------------------------------------------ */
/* Known and accepted differences.                                          */

typedef enum dkind {
    D_LDNS_ONLY = 0,   /* ldns read a record we did not load */
    D_OURS_ONLY,       /* we loaded a record ldns did not read */
    D_REJECT_MISSED,   /* ldns rejected an entry; we gave no error there */
    D_TTL,             /* same record, other TTL */
    D_NKINDS
} dkind;
static const char *const kind_name[] = {"ldns-only", "ours-only", "reject-missed", "ttl"};

typedef struct expected {
    const char *file;  /* path under the corpus */
    dkind kind;
    int count;         /* how many differences of this kind in the file */
    const char *why;
} expected;

#define SOA_MIN_TTL                                                                        \
    "no $TTL and no TTL on the SOA: we take the SOA MINIMUM as the default TTL, as BIND "   \
    "does (RFC 2308 section 4 practice, with a warning); ldns uses its fixed 3600"
#define MUHAHA                                                                             \
    "line 6 '$ORIGIN galaxyplus.org. muhaha.': ldns takes the rest of the line as one "     \
    "name (galaxyplus.org.\\032muhaha.) and puts every later relative owner under it; "  \
    "we reject the line (two names, BIND rejects it too) and keep galaxyplus.org."
#define REL_ORIGIN                                                                         \
    "line 29 '$ORIGIN 1.0.0.0.0.0.0.0.0.0.0.0' is relative: we append the current origin " \
    "as BIND does (RFC 1035 section 5.1: relative names are completed with the origin); "  \
    "ldns appends the root, so its owners leave the zone and ours do not"

#define IPSECKEY                                                                           \
    "lines 110-124, IPSECKEY: RFC 4025 sections 2.4 and 3 allow a record without a key "    \
    "(algorithm 0) and a key split by white space; ldns 1.8.3 refuses both, we read them " \
    "(and validns, whose test zone this is, reads them too)"

static const expected expect_tab[] = {
    {"peers/validns/zones__example.sec", D_OURS_ONLY, 15, IPSECKEY},
    {"peers/validns/zones__example.sec", D_REJECT_MISSED, 15, IPSECKEY},
    {"peers/knot/soa.multiple", D_TTL, 2, SOA_MIN_TTL},
    {"peers/knot/soa.duplicate", D_TTL, 3, SOA_MIN_TTL},
    {"peers/validns/zones__simple-1035", D_TTL, 11, SOA_MIN_TTL},
    {"peers/validns/zones__manyerrors.zone", D_LDNS_ONLY, 59, MUHAHA},
    {"peers/validns/zones__manyerrors.zone", D_OURS_ONLY, 61, MUHAHA},
    {"peers/validns/zones__manyerrors.zone", D_REJECT_MISSED, 2,
     "lines 65-66 'xy IN 300 A ...': class before TTL, which RFC 1035 section 5.1 allows "
     "and BIND reads; ldns 1.8.3 refuses that order, we load both records"},
    {"peers/ldns/08-zonereader.inputzone", D_LDNS_ONLY, 1,
     "line 3882 'A \\# 0': RFC 3597 section 5 wants generic RDATA of a known type to be "
     "valid for that type and A RDATA is 4 octets (RFC 1035 section 3.4.1); we reject it, "
     "ldns accepts an empty A"},
    {"real/ocf__dns/etc__zones__db.0.0.0.0.1.0.8.8.0.4.1.f.7.0.6.2.ip6.arpa", D_LDNS_ONLY, 216,
     REL_ORIGIN},
    {"real/ocf__dns/etc__zones__db.0.0.0.0.1.0.8.8.0.4.1.f.7.0.6.2.ip6.arpa", D_OURS_ONLY, 216,
     REL_ORIGIN},
};

/* ------------------------------------------------------------------------ */

typedef struct lrec {
    ldns_rr *rr;
    int from, line;    /* the entry lies in these lines (ldns's counter) */
    int used;
} lrec;

typedef struct lerr {
    int from, to;      /* the failing entry lies in these lines */
    ldns_status st;
} lerr;

typedef struct ldns_side {
    lrec *r;
    size_t n, cap;
    lerr *e;
    size_t ne, cape;
    ldns_zone *zone;   /* whole-zone read, or NULL if ldns refused the file */
} ldns_side;

static void lside_free(ldns_side *s)
{
    for (size_t i = 0; i < s->n; i++)
        ldns_rr_free(s->r[i].rr);
    free(s->r);
    free(s->e);
    if (s->zone)
        ldns_zone_deep_free(s->zone);
    memset(s, 0, sizeof *s);
}

/* Canonical form for comparing: ldns_rr2canonical (RFC 4034 §6.2), and
 * every other name in the RDATA lower-cased too, as we keep them. */
static void canon_rr(ldns_rr *x)
{
    ldns_rr2canonical(x);
    for (size_t i = 0; i < ldns_rr_rd_count(x); i++)
        if (ldns_rdf_get_type(ldns_rr_rdf(x, i)) == LDNS_RDF_TYPE_DNAME)
            ldns_dname2canonical(ldns_rr_rdf(x, i));
}

/* Both already canonical. */
static int same_rr(const ldns_rr *a, const ldns_rr *b)
{
    return ldns_rr_compare(a, b) == 0;
}

static void ldns_read(const char *path, const char *origin, ldns_side *s)
{
    memset(s, 0, sizeof *s);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    ldns_rdf *orig = origin ? ldns_dname_new_frm_str(origin) : NULL;
    ldns_rdf *prev = orig ? ldns_rdf_clone(orig) : NULL;
    uint32_t ttl = 3600;
    int line = 1, last = 1, includes = 0;
    while (!feof(fp)) {
        ldns_rr *rr = NULL;
        ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &orig, &prev, &line);
        includes += st == LDNS_STATUS_SYNTAX_INCLUDE;
        if (st == LDNS_STATUS_OK) {
            if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 64;
                s->r = realloc(s->r, s->cap * sizeof *s->r);
                ck_assert(s->r != NULL);
            }
            canon_rr(rr);
            s->r[s->n].rr = rr;
            s->r[s->n].from = last;
            s->r[s->n].line = line;
            s->r[s->n].used = 0;
            s->n++;
        } else if (st != LDNS_STATUS_SYNTAX_EMPTY && st != LDNS_STATUS_SYNTAX_TTL &&
                   st != LDNS_STATUS_SYNTAX_ORIGIN && st != LDNS_STATUS_SYNTAX_INCLUDE) {
            if (rr)
                ldns_rr_free(rr);
            if (s->ne == s->cape) {
                s->cape = s->cape ? 2 * s->cape : 16;
                s->e = realloc(s->e, s->cape * sizeof *s->e);
                ck_assert(s->e != NULL);
            }
            s->e[s->ne].from = last;
            s->e[s->ne].to = line;
            s->e[s->ne].st = st;
            s->ne++;
        }
        last = line;
    }
    fclose(fp);
    if (orig)
        ldns_rdf_deep_free(orig);
    if (prev)
        ldns_rdf_deep_free(prev);

    /* The whole-zone read only for files ldns reads without error: on an
     * error ldns_zone_new_frm_fp_l frees its zone but not the records in it. */
    if (s->ne > 0 || includes > 0)
        return;
    fp = fopen(path, "r");
    ck_assert(fp != NULL);
    orig = origin ? ldns_dname_new_frm_str(origin) : NULL;
    line = 1;
    if (ldns_zone_new_frm_fp_l(&s->zone, fp, orig, 3600, LDNS_RR_CLASS_IN, &line) !=
        LDNS_STATUS_OK) {
        s->zone = NULL;
    } else {
        if (ldns_zone_soa(s->zone))
            canon_rr(ldns_zone_soa(s->zone));
        ldns_rr_list *l = ldns_zone_rrs(s->zone);
        for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
            canon_rr(ldns_rr_list_rr(l, i));
    }
    fclose(fp);
    if (orig)
        ldns_rdf_deep_free(orig);
}

/* Our record as an ldns record (NULL if ldns cannot read our text). */
static ldns_rr *ours_as_ldns(const mxh_rr *r)
{
    char buf[70000];
    size_t n = mxh_rr_format(r, buf, sizeof buf);
    if (n >= sizeof buf)
        return NULL;
    ldns_rr *rr = NULL;
    if (ldns_rr_new_frm_str(&rr, buf, 0, NULL, NULL) != LDNS_STATUS_OK) {
        if (rr)
            ldns_rr_free(rr);
        return NULL;
    }
    canon_rr(rr);
    return rr;
}

/* TTL ldns gives record k of the entry-by-entry list, from its whole-zone read. */
static int ldns_zone_ttl(const ldns_side *s, const ldns_rr *rr, size_t hint, uint32_t *ttl)
{
    if (!s->zone)
        return 0;
    ldns_rr *soa = ldns_zone_soa(s->zone);
    if (soa && same_rr(soa, rr)) {
        *ttl = ldns_rr_ttl(soa);
        return 1;
    }
    ldns_rr_list *l = ldns_zone_rrs(s->zone);
    size_t n = ldns_rr_list_rr_count(l);
    /* the whole-zone list is the entry list without the SOA(s): look near hint */
    size_t lo = hint > 8 ? hint - 8 : 0;
    for (size_t i = lo; i < n; i++) {
        if (same_rr(ldns_rr_list_rr(l, i), rr)) {
            *ttl = ldns_rr_ttl(ldns_rr_list_rr(l, i));
            return 1;
        }
    }
    for (size_t i = 0; i < lo && i < n; i++) {
        if (same_rr(ldns_rr_list_rr(l, i), rr)) {
            *ttl = ldns_rr_ttl(ldns_rr_list_rr(l, i));
            return 1;
        }
    }
    return 0;
}

typedef struct diffres {
    int count[D_NKINDS];
    int ours, theirs, matched, outside;
} diffres;

static int verbose(void)
{
    const char *v = getenv("MXH_DIFF_VERBOSE");
    return v && *v && *v != '0';
}

/* Compare one file. origin may be NULL (the file says). */
static void diff_file(const char *path, const char *shown, const char *origin, diffres *res)
{
    memset(res, 0, sizeof *res);
    ldns_side L;
    ldns_read(path, origin, &L);

    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = origin;
    o.format = MXH_FMT_BIND;
    mxh_zone *z = NULL;
    mxh_status st = mxh_zoneset_load_file(zs, path, &o, &z);
    ck_assert_msg(st == MXH_OK || st == MXH_ERR_PARSE || st == MXH_ERR_INCLUDE,
                  "%s: load status %s: %s", shown, mxh_strerror(st), mxh_zoneset_errmsg(zs));
    ck_assert_msg(z != NULL, "%s: no zone", shown);

    /* Records outside the zone: ldns does not know zones, we ignore them
     * with a warning as BIND does. Leave them out, but each must have
     * that warning. */
    ldns_rdf *zorig = ldns_dname_new_frm_str(mxh_zone_origin(z));
    ck_assert(zorig != NULL);
    for (size_t k = 0; k < L.n; k++) {
        ldns_rdf *ow = ldns_rr_owner(L.r[k].rr);
        if (ldns_dname_compare(ow, zorig) == 0 || ldns_dname_is_subdomain(ow, zorig))
            continue;
        L.r[k].used = 1;
        res->outside++;
        int warned = 0;
        for (size_t d = 0; d < mxh_zoneset_diag_count(zs) && !warned; d++) {
            const mxh_diag *dg = mxh_zoneset_diag(zs, d);
            warned = dg->file == z->file && strstr(mxh_diag_message(dg), "out-of-zone") &&
                     (long)mxh_diag_line(dg) >= L.r[k].from &&
                     (long)mxh_diag_line(dg) <= L.r[k].line;
        }
        if (!warned) {
            res->count[D_LDNS_ONLY]++;
            if (verbose())
                printf("DIFF %s:~%d ldns-only (outside the zone, no warning from us)\n", shown,
                       L.r[k].line);
        }
    }
    ldns_rdf_deep_free(zorig);

    /* Our records from this very file, in order. */
    size_t j = 0;
    for (size_t i = 0; i < mxh_zone_record_count(z); i++) {
        const mxh_rr *r = mxh_zone_record(z, i);
        if (r->file != z->file)
            continue;
        res->ours++;
        ldns_rr *mine = ours_as_ldns(r);
        if (!mine) {
            res->count[D_OURS_ONLY]++;
            if (verbose())
                printf("DIFF %s:%lu ours-only (ldns cannot read our text) %s\n", shown,
                       mxh_rr_line(r), mxh_rr_rdata(r));
            continue;
        }
        /* the next unused ldns record that is the same */
        size_t k = j, found = (size_t)-1;
        for (; k < L.n && k < j + 64; k++) {
            if (!L.r[k].used && same_rr(L.r[k].rr, mine)) {
                found = k;
                break;
            }
        }
        if (found == (size_t)-1) {
            res->count[D_OURS_ONLY]++;
            if (verbose()) {
                char b[512];
                mxh_rr_format(r, b, sizeof b);
                printf("DIFF %s:%lu ours-only %s\n", shown, mxh_rr_line(r), b);
            }
        } else {
            L.r[found].used = 1;
            res->matched++;
            if (found == j)
                j++;
            uint32_t lt;
            if (ldns_zone_ttl(&L, L.r[found].rr, found, &lt) && lt != mxh_rr_ttl(r)) {
                res->count[D_TTL]++;
                if (verbose())
                    printf("DIFF %s:%lu ttl ours %lu ldns %lu\n", shown, mxh_rr_line(r),
                           (unsigned long)mxh_rr_ttl(r), (unsigned long)lt);
            }
        }
        ldns_rr_free(mine);
        while (j < L.n && L.r[j].used)
            j++;
    }
    res->theirs = (int)L.n;
    for (size_t k = 0; k < L.n; k++) {
        if (!L.r[k].used) {
            res->count[D_LDNS_ONLY]++;
            if (verbose()) {
                char *t = ldns_rr2str(L.r[k].rr);
                printf("DIFF %s:~%d ldns-only %s", shown, L.r[k].line, t ? t : "?\n");
                free(t);
            }
        }
    }
    /* Every entry ldns rejected: an error of ours on those lines. */
    mxh_fileno fi = z->file;
    for (size_t e = 0; e < L.ne; e++) {
        int ok = 0;
        for (size_t d = 0; d < mxh_zoneset_diag_count(zs) && !ok; d++) {
            const mxh_diag *dg = mxh_zoneset_diag(zs, d);
            if (dg->file == fi && mxh_diag_level_of(dg) == MXH_DIAG_ERROR &&
                (long)mxh_diag_line(dg) >= L.e[e].from - 1 &&
                (long)mxh_diag_line(dg) <= L.e[e].to + 1)
                ok = 1;
        }
        if (!ok) {
            res->count[D_REJECT_MISSED]++;
            if (verbose())
                printf("DIFF %s:%d-%d reject-missed (ldns: %s)\n", shown, L.e[e].from, L.e[e].to,
                       ldns_get_errorstr_by_id(L.e[e].st));
        }
    }
    mxh_zoneset_free(zs);
    lside_free(&L);
}

/* ------------------------------------------------------------------------ */
/* The corpus                                                               */

typedef struct crow {
    char path[512];
    char origin[256];
    int fragment;
} crow;

static int corpus_present(void)
{
    struct stat st;
    return stat(CORPUS "/index.tsv", &st) == 0;
}

static size_t read_index(crow **out)
{
    FILE *fp = fopen(CORPUS "/index.tsv", "r");
    ck_assert(fp != NULL);
    char line[8192];
    size_t n = 0, cap = 0;
    crow *rows = NULL;
    int first = 1;
    while (fgets(line, sizeof line, fp)) {
        if (first) {
            first = 0;
            continue;
        }
        char *f[12] = {0};
        int nf = 0;
        char *p = line;
        while (nf < 12) {
            f[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (nf < 8)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            rows = realloc(rows, cap * sizeof *rows);
            ck_assert(rows != NULL);
        }
        snprintf(rows[n].path, sizeof rows[n].path, "%s", f[0]);
        snprintf(rows[n].origin, sizeof rows[n].origin, "%s", f[6]);
        rows[n].fragment = strcmp(f[7], "yes") == 0;
        n++;
    }
    fclose(fp);
    *out = rows;
    return n;
}

START_TEST(test_corpus_vs_ldns)
{
    if (!corpus_present()) {
        printf("differential: %s not found, corpus comparison skipped\n", CORPUS);
        return;
    }
    crow *rows = NULL;
    size_t n = read_index(&rows);
    ck_assert_uint_gt(n, 200);
    size_t ntab = sizeof expect_tab / sizeof expect_tab[0];
    int *seen = calloc(ntab * D_NKINDS, sizeof *seen);
    int unexplained = 0, files = 0, matched = 0, outside = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].fragment)
            continue;
        char path[1024];
        snprintf(path, sizeof path, CORPUS "/%s", rows[i].path);
        diffres r;
        diff_file(path, rows[i].path, rows[i].origin, &r);
        files++;
        matched += r.matched;
        outside += r.outside;
        for (int k = 0; k < D_NKINDS; k++) {
            if (!r.count[k])
                continue;
            size_t t;
            for (t = 0; t < ntab; t++)
                if (expect_tab[t].file && strcmp(expect_tab[t].file, rows[i].path) == 0 &&
                    expect_tab[t].kind == (dkind)k)
                    break;
            if (t == ntab) {
                unexplained++;
                fflush(stdout);
                printf("differential: %s: %d unexplained %s difference(s)\n", rows[i].path,
                       r.count[k], kind_name[k]);
            } else if (expect_tab[t].count != r.count[k]) {
                unexplained++;
                printf("differential: %s: %d %s difference(s), the table says %d\n",
                       rows[i].path, r.count[k], kind_name[k], expect_tab[t].count);
            } else {
                seen[t]++;
            }
        }
    }
    for (size_t t = 0; t < ntab; t++) {
        if (expect_tab[t].file && !seen[t]) {
            unexplained++;
            printf("differential: table row %s (%s) did not happen\n", expect_tab[t].file,
                   kind_name[expect_tab[t].kind]);
        }
    }
    fflush(stdout);
    printf("differential: %d corpus files, %d records identical to ldns, %d outside their zone\n",
           files, matched, outside);
    free(seen);
    free(rows);
    ck_assert_int_gt(matched, 1000);
    ck_assert_int_eq(unexplained, 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Generated zones: every syntax form both readers accept (ldns 1.8.3 does  */
/* not take class before TTL, so that order is tested in check_loader_bind).*/

static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void gen_name(FILE *f, unsigned i)
{
    switch (rnd(5)) {
    case 0: fprintf(f, "t%u", i); break;
    case 1: fprintf(f, "T%u.Sub", i); break;
    case 2: fprintf(f, "t%u.gen.example.", i); break;
    case 3: fprintf(f, "@"); break;
    default: fprintf(f, "%u.%u.%u.%u", rnd(256), rnd(256), rnd(256), rnd(256)); break;
    }
}

static void gen_string(FILE *f)
{
    static const char pool[] = "abcXYZ019 -=;()@$.\"\\";
    int quoted = rnd(4) != 0;
    unsigned n = 1 + rnd(20);
    if (quoted)
        fputc('"', f);
    for (unsigned k = 0; k < n; k++) {
        char c = pool[rnd(sizeof pool - 1)];
        if (rnd(10) == 0)
            fprintf(f, "\\%03u", rnd(256));
        else if (c == '"' || c == '\\' || (!quoted && (c == ' ' || c == ';' || c == '(' || c == ')')))
            fprintf(f, "\\%c", c);
        else
            fputc(c, f);
    }
    if (quoted)
        fputc('"', f);
}

static void gen_zone(const char *path, unsigned seed, unsigned nrec, int crlf)
{
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    const char *nl = crlf ? "\r\n" : "\n";
    rng_state = 0x9e3779b97f4a7c15ull ^ seed;
    fprintf(f, "; generated zone %u%s$ORIGIN gen.example.%s$TTL 1h30m%s", seed, nl, nl, nl);
    fprintf(f, "@ IN SOA ns1 hostmaster.gen.example. ( 2024010101 ; serial%s", nl);
    fprintf(f, "        2h 30M 2w 300 ) ; timers%s@ NS ns1%s", nl, nl);
    unsigned prev_type = 0;
    for (unsigned i = 0; i < nrec; i++) {
        if (i == nrec / 2)
            fprintf(f, "$ORIGIN sub.gen.example.%s", nl);
        if (i == 3 * nrec / 4)
            fprintf(f, "$ORIGIN gen.example.%s$TTL 600%s", nl, nl);
        unsigned type = rnd(13);
        /* owner: a new name, or blank (the previous owner) for another type */
        if (i > 0 && type != prev_type && rnd(4) == 0)
            fprintf(f, "\t");
        else if (rnd(6) == 0)
            fprintf(f, "*.w%u ", i);
        else
            fprintf(f, rnd(2) ? "h%u " : "h%u.gen.example. ", i);
        switch (rnd(5)) {
        case 0: break;
        case 1: fprintf(f, "%u ", rnd(86400)); break;
        case 2: fprintf(f, "%uh%um ", rnd(24), rnd(60)); break;
        case 3: fprintf(f, "in "); break;
        default: fprintf(f, "%u IN ", rnd(100000)); break;
        }
        int paren = rnd(6) == 0;
        switch (type) {
        case 0:
            fprintf(f, "A %u.%u.%u.%u", rnd(256), rnd(256), rnd(256), rnd(256));
            break;
        case 1: {
            unsigned char a[16];
            char t[64];
            for (int k = 0; k < 16; k++)
                a[k] = (unsigned char)(rnd(3) ? 0 : rnd(256));
            inet_ntop(AF_INET6, a, t, sizeof t);
            fprintf(f, "AAAA %s", t);
            break;
        }
        case 2:
            fprintf(f, "MX %s%u ", paren ? "( " : "", rnd(65536));
            if (paren)
                fprintf(f, "%s ", nl);
            gen_name(f, i);
            if (paren)
                fprintf(f, " )");
            paren = 0;
            break;
        case 3: fprintf(f, "NS "); gen_name(f, i); break;
        case 4: fprintf(f, "CNAME "); gen_name(f, i); break;
        case 5: fprintf(f, "PTR "); gen_name(f, i); break;
        case 6: {
            fprintf(f, "TXT %s", paren ? "( " : "");
            unsigned n = 1 + rnd(3);
            for (unsigned k = 0; k < n; k++) {
                if (k)
                    fprintf(f, paren ? "%s  " : " ", nl);
                gen_string(f);
            }
            if (paren)
                fprintf(f, " )");
            paren = 0;
            break;
        }
        case 7:
            fprintf(f, "SRV %u %u %u ", rnd(65536), rnd(65536), rnd(65536));
            gen_name(f, i);
            break;
        case 8: fprintf(f, "CAA %u issue \"ca%u.example\"", rnd(2) * 128, i); break;
        case 9: fprintf(f, "SPF \"v=spf1 ip4:192.0.2.%u -all\"", rnd(256)); break;
        case 10: {
            unsigned n = rnd(6);
            fprintf(f, "TYPE%u \\# %u", 65280 + rnd(200), n);
            if (n)
                fputc(' ', f);
            for (unsigned k = 0; k < n; k++)
                fprintf(f, "%02x", rnd(256));
            break;
        }
        case 11: fprintf(f, "HINFO \"cpu %u\" os", i); break;
        default:
            fprintf(f, "SSHFP 1 1 ");
            for (int k = 0; k < 20; k++)
                fprintf(f, "%02X", rnd(256));
            break;
        }
        if (paren)
            fprintf(f, " ( %s )", nl); /* an empty continuation */
        if (rnd(3) == 0)
            fprintf(f, " ; note %u", i);
        fputs(nl, f);
        prev_type = type;
    }
    fclose(f);
}

START_TEST(test_generated_vs_ldns)
{
    char path[] = "/tmp/mxh-diff-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    for (unsigned seed = 1; seed <= 4; seed++) {
        gen_zone(path, seed, 1500, seed == 3);
        diffres r;
        diff_file(path, "generated", "gen.example", &r);
        for (int k = 0; k < D_NKINDS; k++)
            ck_assert_msg(r.count[k] == 0, "generated zone %u: %d %s differences "
                          "(MXH_DIFF_VERBOSE=1 shows them)", seed, r.count[k], kind_name[k]);
        ck_assert_int_eq(r.ours, r.theirs);
        ck_assert_int_eq(r.matched, r.ours);
        ck_assert_int_gt(r.matched, 1500);
    }
    if (!getenv("MXH_DIFF_KEEP"))
        unlink(path);
    else
        printf("generated zone kept in %s\n", path);
}
END_TEST

Suite *differential_suite(void);
Suite *differential_suite(void)
{
    Suite *s = suite_create("differential");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_corpus_vs_ldns);
    suite_add_tcase(s, tc);
    TCase *tg = tcase_create("generated");
    tcase_set_timeout(tg, 120);
    tcase_add_test(tg, test_generated_vs_ldns);
    suite_add_tcase(s, tg);
    return s;
}

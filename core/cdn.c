/* SPDX-License-Identifier: MIT */
/*
 * cdn.c — address ranges of CDN/WAF front ends that do not accept mail.
 *
 * The built-in table is data/cdn-ranges.txt, compiled into the library: on
 * ELF targets the assembler includes the file's bytes as they are (.incbin,
 * path relative to the source root where make runs), so the data file stays
 * the one place to edit. Users add files of the same form at run time.
 *
 * A table is two arrays (IPv4, IPv6) of prefixes, in file order; lookup
 * returns the provider of the longest matching prefix (of equal ones, the
 * first listed). Every load also rebuilds an index of each family: the
 * prefixes grouped by length, longest first, each group sorted by network
 * with a repeated network kept once (its first listing). A lookup then tries
 * the lengths present from the longest down, one binary search each: about
 * a hundred compares where a linear scan of the built-in table took
 * thousands of instructions (the MX hints ask once per exchange address).
 * Before that, a bitmap of the first 16 address bits that any prefix covers
 * turns most addresses away at once.
 */
#include "mxh_internal.h"
#include "whatif.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__ELF__) && defined(__GNUC__)
__asm__(".pushsection .rodata\n"
        ".balign 1\n"
        ".globl mxh_cdn_builtin_start\n"
        ".hidden mxh_cdn_builtin_start\n"
        "mxh_cdn_builtin_start:\n"
        ".incbin \"data/cdn-ranges.txt\"\n"
        ".byte 0\n"
        ".popsection\n");
MXH_HIDDEN extern const char mxh_cdn_builtin_start[];
#define BUILTIN_TEXT mxh_cdn_builtin_start
#else
/* Without .incbin the built-in table is empty; users load the data file. */
#define BUILTIN_TEXT "# built-in CDN ranges are not available on this platform\n"
#endif

const char *mxh_cdn_builtin_text(void) { return BUILTIN_TEXT; }

typedef struct cdn_v4 {
    uint32_t net;           /* host order, masked */
    uint8_t len;
    uint16_t prov;          /* index into providers */
} cdn_v4;

typedef struct cdn_v6 {
    uint8_t net[16];        /* masked */
    uint8_t len;
    uint16_t prov;
} cdn_v6;

/* The index of one family: ix[grp[g].from .. grp[g].to) share the length
 * grp[g].len; groups longest first, entries by network. */
typedef struct cdn_group {
    uint32_t from, to;
    uint8_t len;
} cdn_group;

struct mxh_cdn_ranges {
    cdn_v4 *v4;
    size_t n4, cap4;
    cdn_v6 *v6;
    size_t n6, cap6;
    cdn_v4 *ix4;            /* index (see the top): NULL when n4 == 0 */
    cdn_group grp4[33];
    size_t ngrp4;
    cdn_v6 *ix6;
    cdn_group grp6[129];
    size_t ngrp6;
    /* bit i: some prefix of the family overlaps the addresses whose first 16
     * bits are i; most addresses asked about fall outside every range and
     * are settled here */
    uint64_t top4[65536 / 64], top6[65536 / 64];
    char **prov;            /* provider names */
    size_t nprov, capprov;
    size_t nerrors;
    char errmsg[512];
};

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

static int provider_index(mxh_cdn_ranges *r, const char *name, size_t len)
{
    for (size_t i = 0; i < r->nprov; i++)
        if (strlen(r->prov[i]) == len && memcmp(r->prov[i], name, len) == 0)
            return (int)i;
    if (r->nprov >= 65535)
        return -1;
    if (grow((void **)&r->prov, &r->capprov, r->nprov, sizeof *r->prov))
        return -1;
    char *s = malloc(len + 1);
    if (!s)
        return -1;
    memcpy(s, name, len);
    s[len] = '\0';
    r->prov[r->nprov] = s;
    return (int)r->nprov++;
}

static void mask6(uint8_t a[16], unsigned len)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits = len > i * 8 ? len - i * 8 : 0;
        if (bits >= 8)
            continue;
        a[i] &= (uint8_t)(0xff00u >> bits);
    }
}

/* Parse "prefix[/len]" into family 4 or 6; returns 4, 6 or 0. */
static int parse_prefix(const char *s, size_t n, uint8_t addr[16], unsigned *plen)
{
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    int fam = 0;
    unsigned max;
    if (mxh_parse_ipv4(s, alen, addr)) {
        fam = 4;
        max = 32;
    } else if (mxh_parse_ipv6(s, alen, addr)) {
        fam = 6;
        max = 128;
    } else {
        return 0;
    }
    unsigned len = max;
    if (slash) {
        const char *p = slash + 1, *end = s + n;
        if (p == end || end - p > 3)
            return 0;
        len = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return 0;
            len = len * 10 + (unsigned)(*p - '0');
        }
        if (len > max)
            return 0;
    }
    *plen = len;
    return fam;
}

static void range_error(mxh_cdn_ranges *r, const char *name, unsigned long line, const char *why,
                        const char *tok, size_t toklen)
{
    r->nerrors++;
    snprintf(r->errmsg, sizeof r->errmsg, "%.200s:%lu: %s '%.*s'", name, line, why,
             (int)(toklen > 100 ? 100 : toklen), tok);
}

/* Order of the index: longer prefixes first, then by network. Equal ones
 * are sorted by their position in the list (cmp_pos4, cmp_pos6), so the
 * first listed comes first. */
static int cmp_ix4(const void *pa, const void *pb)
{
    const cdn_v4 *a = pa, *b = pb;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    if (a->net != b->net)
        return a->net < b->net ? -1 : 1;
    return 0;
}

static int cmp_ix6(const void *pa, const void *pb)
{
    const cdn_v6 *a = pa, *b = pb;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return memcmp(a->net, b->net, 16);
}

/* qsort is not stable: sort (entry, file position) pairs, then drop all but
 * the first listed of equal prefixes. */
typedef struct { cdn_v4 e; size_t pos; } pos4;
typedef struct { cdn_v6 e; size_t pos; } pos6;

static int cmp_pos4(const void *pa, const void *pb)
{
    const pos4 *a = pa, *b = pb;
    int c = cmp_ix4(&a->e, &b->e);
    return c ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_pos6(const void *pa, const void *pb)
{
    const pos6 *a = pa, *b = pb;
    int c = cmp_ix6(&a->e, &b->e);
    return c ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Mark in top the 16-bit heads of the addresses a prefix of len bits whose
 * first 16 bits are head covers (head is masked already). */
static void mark_top(uint64_t *top, uint32_t head, unsigned len)
{
    uint32_t n = len >= 16 ? 1 : 1u << (16 - len);
    for (uint32_t i = 0; i < n; i++)
        top[(head + i) >> 6] |= 1ull << ((head + i) & 63);
}

static mxh_status build_index(mxh_cdn_ranges *r)
{
    free(r->ix4);
    free(r->ix6);
    r->ix4 = NULL;
    r->ix6 = NULL;
    r->ngrp4 = r->ngrp6 = 0;
    memset(r->top4, 0, sizeof r->top4);
    memset(r->top6, 0, sizeof r->top6);
    for (size_t i = 0; i < r->n4; i++)
        mark_top(r->top4, r->v4[i].net >> 16, r->v4[i].len);
    for (size_t i = 0; i < r->n6; i++)
        mark_top(r->top6, ((uint32_t)r->v6[i].net[0] << 8) | r->v6[i].net[1], r->v6[i].len);
    if (r->n4) {
        pos4 *t = malloc(r->n4 * sizeof *t);
        r->ix4 = malloc(r->n4 * sizeof *r->ix4);
        if (!t || !r->ix4) {
            free(t);
            return MXH_ERR_NOMEM;
        }
        for (size_t i = 0; i < r->n4; i++)
            t[i] = (pos4){ r->v4[i], i };
        qsort(t, r->n4, sizeof *t, cmp_pos4);
        size_t k = 0;
        for (size_t i = 0; i < r->n4; i++) {
            if (k && cmp_ix4(&r->ix4[k - 1], &t[i].e) == 0)
                continue; /* a later listing of the same prefix */
            if (!k || r->ix4[k - 1].len != t[i].e.len) {
                if (r->ngrp4)
                    r->grp4[r->ngrp4 - 1].to = (uint32_t)k;
                r->grp4[r->ngrp4++] = (cdn_group){ (uint32_t)k, (uint32_t)k, t[i].e.len };
            }
            r->ix4[k++] = t[i].e;
        }
        r->grp4[r->ngrp4 - 1].to = (uint32_t)k;
        free(t);
    }
    if (r->n6) {
        pos6 *t = malloc(r->n6 * sizeof *t);
        r->ix6 = malloc(r->n6 * sizeof *r->ix6);
        if (!t || !r->ix6) {
            free(t);
            return MXH_ERR_NOMEM;
        }
        for (size_t i = 0; i < r->n6; i++)
            t[i] = (pos6){ r->v6[i], i };
        qsort(t, r->n6, sizeof *t, cmp_pos6);
        size_t k = 0;
        for (size_t i = 0; i < r->n6; i++) {
            if (k && cmp_ix6(&r->ix6[k - 1], &t[i].e) == 0)
                continue;
            if (!k || r->ix6[k - 1].len != t[i].e.len) {
                if (r->ngrp6)
                    r->grp6[r->ngrp6 - 1].to = (uint32_t)k;
                r->grp6[r->ngrp6++] = (cdn_group){ (uint32_t)k, (uint32_t)k, t[i].e.len };
            }
            r->ix6[k++] = t[i].e;
        }
        r->grp6[r->ngrp6 - 1].to = (uint32_t)k;
        free(t);
    }
    return MXH_OK;
}

static mxh_status load_lines(mxh_cdn_ranges *r, const char *name, const char *buf, size_t len);

static mxh_status load_text(mxh_cdn_ranges *r, const char *name, const char *buf, size_t len)
{
    mxh_status st = load_lines(r, name, buf, len);
    mxh_status ix = build_index(r); /* also after a failure: what was added counts */
    return st == MXH_ERR_NOMEM || ix == MXH_OK ? st : ix;
}

static mxh_status load_lines(mxh_cdn_ranges *r, const char *name, const char *buf, size_t len)
{
    size_t before = r->nerrors;
    unsigned long line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t eol = pos;
        while (eol < len && buf[eol] != '\n')
            eol++;
        line++;
        size_t end = eol;
        const char *hash = memchr(buf + pos, '#', end - pos);
        if (hash)
            end = (size_t)(hash - buf);
        /* up to three tokens: provider, prefix, and anything extra (an error) */
        const char *tok[3];
        size_t tlen[3];
        int nt = 0;
        size_t p = pos;
        while (p < end && nt < 3) {
            while (p < end && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r'))
                p++;
            if (p >= end)
                break;
            size_t q = p;
            while (q < end && buf[q] != ' ' && buf[q] != '\t' && buf[q] != '\r')
                q++;
            tok[nt] = buf + p;
            tlen[nt] = q - p;
            nt++;
            p = q;
        }
        pos = eol + 1;
        if (nt == 0)
            continue;
        if (nt != 2) {
            range_error(r, name, line, nt == 1 ? "expected \"provider prefix\", got" :
                                                 "unexpected text after the prefix:",
                        tok[nt - 1], tlen[nt - 1]);
            continue;
        }
        uint8_t addr[16];
        unsigned plen;
        int fam = parse_prefix(tok[1], tlen[1], addr, &plen);
        if (!fam) {
            range_error(r, name, line, "not an address prefix:", tok[1], tlen[1]);
            continue;
        }
        int pi = provider_index(r, tok[0], tlen[0]);
        if (pi < 0)
            return MXH_ERR_NOMEM;
        if (fam == 4) {
            if (grow((void **)&r->v4, &r->cap4, r->n4, sizeof *r->v4))
                return MXH_ERR_NOMEM;
            uint32_t a = ((uint32_t)addr[0] << 24) | ((uint32_t)addr[1] << 16) |
                         ((uint32_t)addr[2] << 8) | addr[3];
            uint32_t m = plen ? 0xffffffffu << (32 - plen) : 0;
            r->v4[r->n4++] = (cdn_v4){ a & m, (uint8_t)plen, (uint16_t)pi };
        } else {
            if (grow((void **)&r->v6, &r->cap6, r->n6, sizeof *r->v6))
                return MXH_ERR_NOMEM;
            cdn_v6 *e = &r->v6[r->n6++];
            memcpy(e->net, addr, 16);
            mask6(e->net, plen);
            e->len = (uint8_t)plen;
            e->prov = (uint16_t)pi;
        }
    }
    return r->nerrors > before ? MXH_ERR_PARSE : MXH_OK;
}

mxh_status mxh_cdn_ranges_new(mxh_cdn_ranges **out)
{
    if (!out)
        return MXH_ERR_ARG;
    *out = NULL;
    mxh_cdn_ranges *r = calloc(1, sizeof *r);
    if (!r)
        return MXH_ERR_NOMEM;
    const char *t = mxh_cdn_builtin_text();
    mxh_status st = load_text(r, "builtin:data/cdn-ranges.txt", t, strlen(t));
    if (st == MXH_ERR_NOMEM) {
        mxh_cdn_ranges_free(r);
        return st;
    }
    /* A bad built-in line is a packaging mistake; the test suite checks for
     * it, and the good lines still serve. */
    *out = r;
    return MXH_OK;
}

void mxh_cdn_ranges_free(mxh_cdn_ranges *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nprov; i++)
        free(r->prov[i]);
    free(r->prov);
    free(r->v4);
    free(r->v6);
    free(r->ix4);
    free(r->ix6);
    free(r);
}

mxh_status mxh_cdn_ranges_load_buffer(mxh_cdn_ranges *r, const char *name, const char *buf,
                                      size_t len)
{
    if (!r || (!buf && len))
        return MXH_ERR_ARG;
    return load_text(r, name ? name : "<buffer>", buf ? buf : "", len);
}

mxh_status mxh_cdn_ranges_load_file(mxh_cdn_ranges *r, const char *path)
{
    if (!r || !path)
        return MXH_ERR_ARG;
    char *buf = NULL;
    size_t len = 0;
    char err[256];
    if (mxh_read_file(path, &buf, &len, err, sizeof err) != 0) {
        snprintf(r->errmsg, sizeof r->errmsg, "%.450s", err); /* names the file */
        return MXH_ERR_IO;
    }
    mxh_status st = load_text(r, path, buf, len);
    free(buf);
    return st;
}

const char *mxh_cdn_ranges_errmsg(const mxh_cdn_ranges *r) { return r ? r->errmsg : ""; }
size_t mxh_cdn_ranges_count(const mxh_cdn_ranges *r) { return r ? r->n4 + r->n6 : 0; }

const char *mxh_cdn_provider(const mxh_cdn_ranges *r, const char *address)
{
    if (!r || !address)
        return NULL;
    size_t n = strlen(address);
    if (n && address[n - 1] == '.')
        n--; /* "192.0.2.1." as some panels write it */
    uint8_t a[16];
    if (mxh_parse_ipv4(address, n, a)) {
        uint32_t v = ((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) | ((uint32_t)a[2] << 8) | a[3];
        if (!(r->top4[v >> 22] & (1ull << ((v >> 16) & 63))))
            return NULL;
        for (size_t g = 0; g < r->ngrp4; g++) {
            const cdn_group *gr = &r->grp4[g];
            uint32_t m = gr->len ? 0xffffffffu << (32 - gr->len) : 0, want = v & m;
            size_t lo = gr->from, hi = gr->to;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                uint32_t net = r->ix4[mid].net;
                if (net == want)
                    return r->prov[r->ix4[mid].prov];
                if (net < want)
                    lo = mid + 1;
                else
                    hi = mid;
            }
        }
    } else if (mxh_parse_ipv6(address, n, a)) {
        uint32_t head = ((uint32_t)a[0] << 8) | a[1];
        if (!(r->top6[head >> 6] & (1ull << (head & 63))))
            return NULL;
        for (size_t g = 0; g < r->ngrp6; g++) {
            const cdn_group *gr = &r->grp6[g];
            uint8_t want[16];
            memcpy(want, a, 16);
            mask6(want, gr->len);
            size_t lo = gr->from, hi = gr->to;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = memcmp(r->ix6[mid].net, want, 16);
                if (c == 0)
                    return r->prov[r->ix6[mid].prov];
                if (c < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
        }
    }
    return NULL;
}

size_t mxh_cdn_error_count(const mxh_cdn_ranges *r) { return r ? r->nerrors : 0; }

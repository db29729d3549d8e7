/* SPDX-License-Identifier: MIT */
/*
 * Shared-host inventory (seed 004): which shared servers hold which domains.
 * A shared server delivers mail for the domains it holds locally, without
 * looking at their MX; when a domain's real mail service is elsewhere, mail
 * from neighbours on the same server never leaves it.
 *
 * Format, one server a line:
 *
 *   # comment
 *   dc99.svr   192.0.2.10,2001:db8::10   example.co.jp example.com
 *   dc99.svr   192.0.2.11                shop.example.net     (merges)
 *
 * the server name, its addresses (comma-separated; "-" for none), then the
 * domains it holds. A server may appear on several lines: its addresses and
 * domains merge (duplicates dropped), and it keeps the first line's place.
 * '#' starts a comment anywhere. A bad server name rejects the line; a bad
 * address or domain is reported and skipped, the rest of the line is kept.
 *
 * Domain -> servers is a hash (inventories list thousands of domains).
 */
#include "mxh_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mxh_server {
    const char *name;          /* canonical, interned */
    const char **addrs;        /* canonical text (inet_ntop form), arena */
    size_t naddr, capaddr;
    const char **domains;      /* canonical, interned; first-seen order */
    size_t ndom, capdom;
    const char *file;
    unsigned long line;
    UT_hash_handle hh;         /* inv->by_name, key name */
};

typedef struct inv_domain {
    const char *name;          /* canonical, interned */
    const mxh_server **servers;
    size_t n, cap;
    UT_hash_handle hh;         /* inv->by_domain, key name */
} inv_domain;

struct mxh_inventory {
    mxh_server **servers;      /* first-seen order */
    size_t n, cap;
    mxh_server *by_name;
    inv_domain *by_domain;
};

void mxh_inventory_free(struct mxh_inventory *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->n; i++) {
        free(inv->servers[i]->addrs);
        free(inv->servers[i]->domains);
    }
    inv_domain *d, *tmp;
    HASH_ITER(hh, inv->by_domain, d, tmp) {
        HASH_DELETE(hh, inv->by_domain, d);
        free(d->servers);
    }
    HASH_CLEAR(hh, inv->by_name);
    free(inv->servers);
    free(inv);
}

/* p with room for n + 1 elements of elem bytes (realloc'd if needed); NULL on out of memory. */
static void *room(void *p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return p;
    size_t nc = *cap ? *cap * 2 : 4;
    void *np = realloc(p, nc * elem);
    if (np)
        *cap = nc;
    return np;
}

typedef struct ictx {
    mxh_zoneset *zs;
    struct mxh_inventory *inv;
    mxh_fileno file;
    const char *file_name;
    size_t errors;
    bool nomem;
} ictx;

static mxh_server *server_get(ictx *c, const char *canon, unsigned long line)
{
    mxh_server *s;
    size_t len = strlen(canon);
    HASH_FIND(hh, c->inv->by_name, canon, len, s);
    if (s)
        return s;
    const char *name = mxh_zs_intern(c->zs, canon, len);
    if (!name)
        return NULL;
    s = mxh_arena_alloc(&c->zs->arena, sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->name = name;
    s->file = c->file_name;
    s->line = line;
    mxh_server **ns = room(c->inv->servers, &c->inv->cap, c->inv->n, sizeof *ns);
    if (!ns)
        return NULL;
    c->inv->servers = ns;
    c->inv->servers[c->inv->n++] = s;
    HASH_ADD_KEYPTR(hh, c->inv->by_name, s->name, len, s);
    return s;
}

static bool add_address(ictx *c, mxh_server *s, const char *text, size_t n, unsigned long line)
{
    uint8_t a4[4], a6[16];
    char canon[INET6_ADDRSTRLEN];
    if (mxh_parse_ipv4(text, n, a4)) {
        snprintf(canon, sizeof canon, "%u.%u.%u.%u", a4[0], a4[1], a4[2], a4[3]);
    } else if (mxh_parse_ipv6(text, n, a6)) {
        if (!inet_ntop(AF_INET6, a6, canon, sizeof canon))
            return true;
    } else {
        c->errors++;
        mxh_zs_diag(c->zs, MXH_DIAG_ERROR, c->file, line, NULL,
                    "inventory: bad address '%.*s' for server %s (skipped)",
                    (int)(n > 100 ? 100 : n), text, s->name);
        return true;
    }
    for (size_t i = 0; i < s->naddr; i++)
        if (strcmp(s->addrs[i], canon) == 0)
            return true;
    const char *copy = mxh_arena_strndup(&c->zs->arena, canon, strlen(canon));
    const char **na = copy ? room(s->addrs, &s->capaddr, s->naddr, sizeof *na) : NULL;
    if (!na)
        return false;
    s->addrs = na;
    s->addrs[s->naddr++] = copy;
    return true;
}

static bool add_domain(ictx *c, mxh_server *s, const char *text, size_t n, unsigned long line)
{
    char canon[MXH_NAME_BUF];
    uint8_t a4[4], a6[16];
    if (mxh_parse_ipv4(text, n, a4) || mxh_parse_ipv6(text, n, a6)) {
        /* "192.0.2.1, 192.0.2.2": a blank after the comma ended the address field */
        c->errors++;
        mxh_zs_diag(c->zs, MXH_DIAG_ERROR, c->file, line, NULL,
                    "inventory: address '%.*s' among the domains of server %s (skipped; "
                    "write addresses comma-separated without blanks)",
                    (int)(n > 100 ? 100 : n), text, s->name);
        return true;
    }
    int r = mxh_name_canon(text, n, ".", canon, sizeof canon, NULL);
    if (r < 0 || (r == 1 && canon[0] == '.')) {
        c->errors++;
        mxh_zs_diag(c->zs, MXH_DIAG_ERROR, c->file, line, NULL,
                    "inventory: bad domain '%.*s' for server %s (skipped): %s",
                    (int)(n > 200 ? 200 : n), text, s->name,
                    r < 0 ? mxh_name_strerror(r) : "the root is not a domain");
        return true;
    }
    inv_domain *d;
    HASH_FIND(hh, c->inv->by_domain, canon, (size_t)r, d);
    if (!d) {
        const char *name = mxh_zs_intern(c->zs, canon, (size_t)r);
        if (!name)
            return false;
        d = mxh_arena_alloc(&c->zs->arena, sizeof *d);
        if (!d)
            return false;
        memset(d, 0, sizeof *d);
        d->name = name;
        HASH_ADD_KEYPTR(hh, c->inv->by_domain, d->name, (size_t)r, d);
    }
    for (size_t i = 0; i < d->n; i++)
        if (d->servers[i] == s)
            return true; /* already listed for this server */
    const mxh_server **nsv = room(d->servers, &d->cap, d->n, sizeof *nsv);
    if (!nsv)
        return false;
    d->servers = nsv;
    const char **nd = room(s->domains, &s->capdom, s->ndom, sizeof *nd);
    if (!nd)
        return false;
    s->domains = nd;
    d->servers[d->n++] = s;
    s->domains[s->ndom++] = d->name;
    return true;
}

static bool inv_line(ictx *c, const char *s, size_t n, unsigned long line)
{
    mxh_span f[2];
    size_t cnt = 0, i = 0;
    /* server and address fields; the domains are the rest */
    while (cnt < 2 && mxh_next_word(s, n, &i, &f[cnt]))
        cnt++;
    if (cnt == 0)
        return true;
    if (cnt < 2) {
        c->errors++;
        mxh_zs_diag(c->zs, MXH_DIAG_ERROR, c->file, line, NULL,
                    "inventory: expected 'server address[,address...] domain [domain...]'");
        return true;
    }
    char canon[MXH_NAME_BUF];
    int r = mxh_name_canon(f[0].s, f[0].n, ".", canon, sizeof canon, NULL);
    if (r < 0 || (r == 1 && canon[0] == '.')) {
        c->errors++;
        mxh_zs_diag(c->zs, MXH_DIAG_ERROR, c->file, line, NULL,
                    "inventory: bad server name '%.*s': %s (line skipped)",
                    (int)(f[0].n > 200 ? 200 : f[0].n), f[0].s,
                    r < 0 ? mxh_name_strerror(r) : "the root is not a server");
        return true;
    }
    mxh_server *sv = server_get(c, canon, line);
    if (!sv)
        return false;
    if (!(f[1].n == 1 && f[1].s[0] == '-')) {
        const char *a = f[1].s, *end = f[1].s + f[1].n;
        while (a <= end) {
            const char *comma = memchr(a, ',', (size_t)(end - a));
            const char *ae = comma ? comma : end;
            if (ae > a && !add_address(c, sv, a, (size_t)(ae - a), line))
                return false;
            if (ae == a) {
                c->errors++;
                mxh_zs_diag(c->zs, MXH_DIAG_ERROR, c->file, line, NULL,
                            "inventory: empty address in '%.*s' for server %s",
                            (int)(f[1].n > 100 ? 100 : f[1].n), f[1].s, sv->name);
            }
            if (!comma)
                break;
            a = comma + 1;
        }
    }
    mxh_span d;
    while (mxh_next_word(s, n, &i, &d)) {
        if (!add_domain(c, sv, d.s, d.n, line))
            return false;
    }
    return true;
}

mxh_status mxh_zoneset_load_inventory_buffer(mxh_zoneset *zs, const char *name, const char *buf,
                                             size_t len)
{
    if (!zs || !name || (!buf && len))
        return MXH_ERR_ARG;
    ictx c;
    memset(&c, 0, sizeof c);
    c.zs = zs;
    c.file = mxh_zs_file(zs, name);
    c.file_name = mxh_zs_file_name(zs, c.file);
    if (!zs->inventory) {
        zs->inventory = calloc(1, sizeof *zs->inventory);
        if (!zs->inventory) {
            mxh_zs_seterr(zs, "%s: out of memory", name);
            return MXH_ERR_NOMEM;
        }
    }
    c.inv = zs->inventory;
    char first_err[1024] = "";
    size_t pos = mxh_bom_len(buf, len);
    unsigned long line = 0;
    const char *ls;
    size_t ll;
    while (mxh_next_line(buf, len, &pos, &ls, &ll)) {
        line++;
        size_t before = c.errors;
        if (memchr(ls, '\0', ll)) {
            c.errors++;
            mxh_zs_diag(zs, MXH_DIAG_ERROR, c.file, line, NULL, "inventory: NUL byte in line");
        } else {
            const char *hash = memchr(ls, '#', ll);
            if (hash)
                ll = (size_t)(hash - ls);
            if (!inv_line(&c, ls, ll, line)) {
                c.nomem = true;
                break;
            }
        }
        if (c.errors != before && !first_err[0])
            snprintf(first_err, sizeof first_err, "%s", zs->errmsg);
    }
    if (c.nomem) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, c.file, line, NULL, "inventory: out of memory");
        return MXH_ERR_NOMEM;
    }
    if (c.errors) {
        mxh_zs_seterr(zs, "%s", first_err);
        return MXH_ERR_PARSE;
    }
    return MXH_OK;
}

mxh_status mxh_zoneset_load_inventory(mxh_zoneset *zs, const char *path)
{
    if (!zs || !path)
        return MXH_ERR_ARG;
    char *buf;
    size_t len;
    char err[512];
    int rc = mxh_read_file(path, &buf, &len, err, sizeof err);
    if (rc != 0) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, mxh_zs_file(zs, path), 0, NULL, "%s", err);
        return rc == -2 ? MXH_ERR_LIMIT : MXH_ERR_IO;
    }
    mxh_status st = mxh_zoneset_load_inventory_buffer(zs, path, buf, len);
    free(buf);
    return st;
}

size_t mxh_zoneset_server_count(const mxh_zoneset *zs)
{
    return zs && zs->inventory ? zs->inventory->n : 0;
}

const mxh_server *mxh_zoneset_server(const mxh_zoneset *zs, size_t i)
{
    if (!zs || !zs->inventory || i >= zs->inventory->n)
        return NULL;
    return zs->inventory->servers[i];
}

const char *mxh_server_name(const mxh_server *s) { return s->name; }
size_t mxh_server_address_count(const mxh_server *s) { return s->naddr; }
const char *mxh_server_address(const mxh_server *s, size_t i)
{
    return i < s->naddr ? s->addrs[i] : NULL;
}
size_t mxh_server_domain_count(const mxh_server *s) { return s->ndom; }
const char *mxh_server_domain(const mxh_server *s, size_t i)
{
    return i < s->ndom ? s->domains[i] : NULL;
}
const char *mxh_server_file(const mxh_server *s) { return s->file; }
unsigned long mxh_server_line(const mxh_server *s) { return s->line; }

size_t mxh_zoneset_local_servers(const mxh_zoneset *zs, const char *domain,
                                 const mxh_server **out, size_t max)
{
    if (!zs || !zs->inventory || !domain)
        return 0;
    char canon[MXH_NAME_BUF];
    int r = mxh_name_from_user(domain, canon, sizeof canon);
    if (r <= 0)
        return 0;
    inv_domain *d;
    HASH_FIND(hh, zs->inventory->by_domain, canon, (size_t)r, d);
    if (!d)
        return 0;
    for (size_t i = 0; i < d->n && i < max && out; i++)
        out[i] = d->servers[i];
    return d->n;
}

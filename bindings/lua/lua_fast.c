/* SPDX-License-Identifier: MIT */
/*
 * lua_fast.c — `mxh` helpers that answer in one pass over a zone's names
 * what a rule would otherwise learn by walking every name in Lua (a node
 * object per name: on a 1,000,000-name zone that walk, not the question,
 * was the cost):
 *
 *   mxh.children_of(zone, set)        names directly under a name in set
 *   mxh.first_record_below(zone, set) per name in set, the first record of
 *                                     the first name below it
 *   mxh.spf_mx_settled(zone, domain[, route])  the domain's SPF gives every
 *                                     address of its MX hosts "pass" or an
 *                                     unknown result by its leading terms
 *   mxh.mx_one_host(route | zone, domain)  whether the route's exchanges may all
 *                                     be one host (a prefilter)
 *   mxh.wildcard_mx(zone)             the MX records whose owner is a
 *                                     wildcard, in zone:records() order
 *
 * set is a Lua table whose keys are canonical names (its values are not
 * read). Both follow zone:names() order (node creation order).
 */
#include "lua_engine.h"
#include "route_internal.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Registered in lua_mxh.c's function table. */
MXH_HIDDEN int mxh_lua_children_of(lua_State *L);
MXH_HIDDEN int mxh_lua_first_record_below(lua_State *L);
MXH_HIDDEN int mxh_lua_spf_mx_settled(lua_State *L);
MXH_HIDDEN int mxh_lua_mx_one_host(lua_State *L);
MXH_HIDDEN int mxh_lua_wildcard_mx(lua_State *L);

/* A small read-only hash set of the names given as keys of a Lua table. */
typedef struct {
    const char **name;   /* slot -> name (NULL: empty); strings owned by the Lua table */
    size_t *len;
    size_t mask;
    size_t count;
    uint64_t lens[4];    /* bit l: some name has l bytes (l < 256; longer: bit 255) */
} name_set;

static void set_len_mark(name_set *s, size_t l)
{
    l = l < 255 ? l : 255;
    s->lens[l >> 6] |= 1ull << (l & 63);
}

/* Whether some name of s may have n bytes (no false "no"). */
static int set_len_may(const name_set *s, size_t n)
{
    n = n < 255 ? n : 255;
    return (s->lens[n >> 6] >> (n & 63)) & 1;
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static void set_free(name_set *s)
{
    free(s->name);
    free(s->len);
    s->name = NULL;
    s->len = NULL;
}

/* Collect the string keys of the table at idx. Returns 0, or -1 when out of
 * memory. The strings stay alive as long as the table is on the stack. */
static int set_build(lua_State *L, int idx, name_set *s)
{
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING)
            n++;
        lua_pop(L, 1);
    }
    size_t cap = 8;
    while (cap < 2 * n)
        cap *= 2;
    s->name = calloc(cap, sizeof *s->name);
    s->len = calloc(cap, sizeof *s->len);
    s->mask = cap - 1;
    s->count = 0;
    memset(s->lens, 0, sizeof s->lens);
    if (s->name == NULL || s->len == NULL) {
        set_free(s);
        return -1;
    }
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            size_t l;
            const char *k = lua_tolstring(L, -2, &l);
            size_t i = name_hash(k, l) & s->mask;
            while (s->name[i] && !(s->len[i] == l && memcmp(s->name[i], k, l) == 0))
                i = (i + 1) & s->mask;
            if (s->name[i] == NULL) {
                s->name[i] = k;
                s->len[i] = l;
                s->count++;
                set_len_mark(s, l);
            }
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* Slot of name (n bytes) in s, or -1. */
static long set_find(const name_set *s, const char *name, size_t n)
{
    if (!set_len_may(s, n))
        return -1;
    size_t i = name_hash(name, n) & s->mask;
    while (s->name[i]) {
        if (s->len[i] == n && memcmp(s->name[i], name, n) == 0)
            return (long)i;
        i = (i + 1) & s->mask;
    }
    return -1;
}

/* mxh.children_of(zone, set): array of the names of the zone (records or
 * empty non-terminal alike) whose parent is a key of set, in zone:names()
 * order. */
int mxh_lua_children_of(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    luaL_checktype(L, 2, LUA_TTABLE);
    name_set s;
    if (set_build(L, 2, &s) != 0)
        return luaL_error(L, "out of memory");
    lua_newtable(L);
    lua_Integer k = 0;
    /* Most names are one label below the origin: their parent is the origin,
     * whose answer is looked up once. */
    size_t olen = strlen(z->origin);
    int origin_in = s.count > 0 && set_find(&s, z->origin, olen) >= 0;
    for (size_t i = 0; s.count > 0 && i < z->nnodes; i++) {
        const mxh_node *nd = z->node_list[i];
        const char *nm = nd->name;
        /* the parent: after the first dot when the first label holds no
         * escape (mxh_name_parent otherwise, and for the root) */
        const char *p = memchr(nm, '.', nd->name_len);
        if (p != NULL && p != nm && memchr(nm, '\\', (size_t)(p - nm)) == NULL)
            p = p[1] ? p + 1 : p;
        else
            p = mxh_name_parent(nm);
        if (p == NULL)
            continue;
        size_t pl = nd->name_len - (size_t)(p - nm);
        int hit = pl == olen && memcmp(p, z->origin, olen) == 0 ? origin_in
                                                                 : set_find(&s, p, pl) >= 0;
        if (hit) {
            lua_pushlstring(L, nd->name, nd->name_len);
            lua_rawseti(L, -2, ++k);
        }
    }
    set_free(&s);
    return 1;
}

/* mxh.wildcard_mx(zone): array of the zone's MX records whose owner is a
 * wildcard (its first label is exactly "*", RFC 4592 §2.1.1), in
 * zone:records("MX") order: one pass in C instead of a record handle and an
 * owner string per MX record in Lua. */
int mxh_lua_wildcard_mx(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    mxh_mx_iter it;
    mxh_lua_mx_iter(L, mxh_lua_engine(L), z, &it);
    lua_newtable(L);
    lua_Integer k = 0;
    for (const mxh_rr *rr; (rr = mxh_lua_mx_next(&it)) != NULL;) {
        if (rr->node->flags & MXH_NODE_WILDCARD) { /* RFC 4592 §2.1.1: first label "*" */
            mxh_lua_push_record(L, rr);
            lua_rawseti(L, -2, ++k);
        }
    }
    return 1;
}

/* mxh.first_record_below(zone, set): table mapping each key of set to the
 * first record of the first name (in zone:names() order) that has records
 * and lies strictly below it; names without one are absent. Only ancestors
 * strictly below the origin are looked at. */
int mxh_lua_first_record_below(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    luaL_checktype(L, 2, LUA_TTABLE);
    name_set s;
    if (set_build(L, 2, &s) != 0)
        return luaL_error(L, "out of memory");
    unsigned char *done = calloc(s.mask + 1, 1);
    if (done == NULL) {
        set_free(&s);
        return luaL_error(L, "out of memory");
    }
    size_t olen = strlen(z->origin);
    size_t left = s.count;
    lua_newtable(L);
    for (size_t i = 0; left > 0 && i < z->nnodes; i++) {
        const mxh_node *nd = z->node_list[i];
        if (nd->rrs == NULL)
            continue;
        const char *end = nd->name + nd->name_len;
        for (const char *a = mxh_name_parent(nd->name); a && (size_t)(end - a) > olen;
             a = mxh_name_parent(a)) {
            long slot = set_find(&s, a, (size_t)(end - a));
            if (slot >= 0 && !done[slot]) {
                done[slot] = 1;
                left--;
                lua_pushlstring(L, a, (size_t)(end - a));
                mxh_lua_push_record(L, nd->rrs);
                lua_rawset(L, -3);
            }
        }
    }
    free(done);
    set_free(&s);
    return 1;
}


/* ---- SPF: the common "pass" settled without evaluating in Lua ------------ */

/* Parse an address of family fam (4 or 6) from s[0..n) into out. */
static int parse_addr(int fam, const char *s, size_t n, unsigned char out[16])
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return 0;
    /* mxh_parse_ipv4 accepts what inet_pton(AF_INET) does (core/util.c),
     * without the copy; text with a NUL in it still goes the long way (there
     * inet_pton reads up to the NUL) */
    if (fam == 4 && memchr(s, '\0', n) == NULL)
        return mxh_parse_ipv4(s, n, out);
    memcpy(buf, s, n);
    buf[n] = '\0';
    return inet_pton(fam == 4 ? AF_INET : AF_INET6, buf, out) == 1;
}

/* Whether the first plen bits of a and b agree. */
static int prefix_eq(const unsigned char *a, const unsigned char *b, int plen)
{
    int bytes = plen / 8, bits = plen % 8;
    if (bytes > 0 && memcmp(a, b, (size_t)bytes) != 0)
        return 0;
    if (bits == 0)
        return 1;
    unsigned char m = (unsigned char)(0xff00u >> bits);
    return (a[bytes] & m) == (b[bytes] & m);
}

/* Whether an "include:" target's own check_host() can only be unknown: a
 * macro (RFC 7208 §7, not expanded here), or a name outside every loaded zone
 * (its SPF record is data we do not have). */
static int include_unknown(const mxh_zoneset *zs, const char *v, size_t n)
{
    if (n == 0 || memchr(v, '/', n) || memchr(v, '\0', n))
        return 0;
    if (memchr(v, '%', n))
        return 1;
    char raw[MXH_NAME_BUF], canon[MXH_NAME_BUF];
    if (n >= sizeof raw)
        return 0;
    memcpy(raw, v, n);
    raw[n] = '\0';
    if (mxh_name_from_user(raw, canon, sizeof canon) <= 0)
        return 0;
    return mxh_zoneset_find_zone(zs, canon) == NULL;
}

/* The next space-separated term of an SPF record text[0..tl) from *i (RFC
 * 7208 §4.6.1): 0 at the end; else 1 with the term after its qualifier in
 * *t, *n and the qualifier ('+' when none is written) in *q. */
static int next_term(const char *text, size_t tl, size_t *i, const char **t, size_t *n,
                     char *q)
{
    size_t k = *i;
    while (k < tl && text[k] == ' ')
        k++;
    if (k >= tl)
        return 0;
    size_t j = k;
    while (j < tl && text[j] != ' ')
        j++;
    *t = text + k;
    *n = j - k;
    *i = j;
    *q = '+';
    if (*n > 0 && strchr("+-~?", (*t)[0])) {
        *q = (*t)[0];
        (*t)++;
        (*n)--;
    }
    return 1;
}

/* An ip4/ip6 term without its qualifier, t[0..n) (RFC 7208 §5.6:
 * ip4:<network>[/<length>], ip6:<network>[/<length>]): 1 with its family
 * (4 or 6), network and prefix length; 0 for any other term or a malformed
 * one (a length with a leading zero, too long, past the family's bits). */
static int ip_term(const char *t, size_t n, int *fam, unsigned char net[16], int *plen)
{
    int tf = 0;
    if (n > 4 && strncasecmp(t, "ip4:", 4) == 0)
        tf = 4;
    else if (n > 4 && strncasecmp(t, "ip6:", 4) == 0)
        tf = 6;
    if (tf == 0)
        return 0;
    const char *v = t + 4;
    size_t vl = n - 4;
    const char *slash = memchr(v, '/', vl);
    size_t al = slash ? (size_t)(slash - v) : vl;
    if (!parse_addr(tf, v, al, net))
        return 0;
    int bits = tf == 4 ? 32 : 128, len = bits;
    if (slash) {
        size_t k = al + 1;
        /* §5.6: ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT): no leading zero */
        if (k >= vl || vl - k > 3 || (vl - k > 1 && v[k] == '0'))
            return 0;
        len = 0;
        for (; k < vl; k++) {
            if (v[k] < '0' || v[k] > '9')
                return 0;
            len = len * 10 + (v[k] - '0');
        }
        if (len > bits)
            return 0;
    }
    *fam = tf;
    *plen = len;
    return 1;
}

/* A leading ip4/ip6 term of an SPF record. */
typedef struct lp_term {
    unsigned char net[16];
    uint8_t fam, plen;
    char q;
} lp_term;

/* The term from *i on: 1 with an ip4/ip6 term in *e; 0 at anything else
 * (see leading_pass), with the outcome that then decides in *tail. */
static int leading_term(const mxh_zoneset *zs, const char *text, size_t tl, size_t *i,
                        lp_term *e, int *tail)
{
    const char *t;
    size_t n;
    char q;
    int tf, plen;
    *tail = 0;
    if (!next_term(text, tl, i, &t, &n, &q))
        return 0; /* nothing matched: neutral or a redirect (§4.7, §6.1) */
    if (n == 2 && strncasecmp(t, "mx", 2) == 0)
        *tail = q == '+';
    else if (n > 8 && strncasecmp(t, "include:", 8) == 0)
        *tail = include_unknown(zs, t + 8, n - 8);
    else if (ip_term(t, n, &tf, e->net, &plen)) {
        e->fam = (uint8_t)tf;
        e->plen = (uint8_t)plen;
        e->q = q;
        return 1;
    }
    return 0; /* another term, or an ip term not understood here: tail 0 */
}

/* The outcome of text's leading terms for the address (fam, a): 1 when a
 * "+" ip4/ip6 term or "+mx" decides "pass", or an include (any qualifier)
 * comes whose result can only be unknown (then so is the record's, §5.2);
 * 0 when anything else comes first (another mechanism or qualifier, a
 * modifier, a term not understood here, the end of the record): the caller
 * then evaluates the record in full. The address is one of the domain's own
 * MX hosts, so "mx" (RFC 7208 §5.4, the first DNS-querying term: within the
 * limit of §4.6.4) matches it. */
static int leading_pass(const mxh_zoneset *zs, const char *text, size_t tl, int fam,
                        const unsigned char *a)
{
    if (!mxh_lua_is_spf1(text, tl))
        return 0;
    size_t i = 6;
    lp_term e;
    int tail;
    while (leading_term(zs, text, tl, &i, &e, &tail))
        if (e.fam == fam && prefix_eq(a, e.net, e.plen))
            return e.q == '+'; /* §4.6.2: the first match decides */
    return tail;
}

/* leading_pass for many addresses: the record's leading ip4/ip6 terms read
 * once (up to LP_TERMS of them), with the outcome of what ends them (the
 * first other term, or the end), which does not depend on the address. */
#define LP_TERMS 32
typedef struct lp_prep {
    lp_term t[LP_TERMS];
    size_t n;
    int tail;                 /* the outcome after the terms */
} lp_prep;

/* 1 when prepared; 0 when the record has more leading ip terms than fit
 * (then leading_pass is asked per address). */
static int leading_prep(const mxh_zoneset *zs, const char *text, size_t tl, lp_prep *p)
{
    p->n = 0;
    p->tail = 0;
    if (!mxh_lua_is_spf1(text, tl))
        return 1;
    size_t i = 6;
    lp_term e;
    while (leading_term(zs, text, tl, &i, &e, &p->tail)) {
        if (p->n == LP_TERMS)
            return 0;
        p->t[p->n++] = e;
    }
    return 1;
}

/* leading_pass's answer for the address (fam, a) from a prepared record. */
static int leading_eval(const lp_prep *p, int fam, const unsigned char *a)
{
    for (size_t k = 0; k < p->n; k++)
        if (p->t[k].fam == fam && prefix_eq(a, p->t[k].net, p->t[k].plen))
            return p->t[k].q == '+'; /* §4.6.2: the first match decides */
    return p->tail;
}

/* The domain's one SPF text as zone:spf_record() reads it (RFC 7208 §4.5:
 * the TXT record whose strings, joined per §3.3, start with "v=spf1" then a
 * space or the end), asked through zone z without making a lookup object (a
 * large zone has one per mail domain). Returns 1 with the text in *text and
 * *textlen (joined into jb, or for a long record a Lua string left on the
 * stack); 0 when there is no single such record (none, several, or outside
 * the loaded data: the rule then has nothing to evaluate); -1 when the name
 * cannot be asked or the answer is not plain TXT (left to zone:spf_record
 * and its error). */
static int spf_text(lua_State *L, const mxh_zone *z, const char *name, char *jb, size_t jbsz,
                    const char **text, size_t *textlen)
{
    /* the TXT lookup as mxh_lookup_ctx answers it (its answers: the records
     * of the node reached whose type is the one asked), resolved on the
     * stack: nothing to allocate, copy or free */
    if (!name[0] || strnlen(name, MXH_NAME_BUF) >= MXH_NAME_BUF)
        return -1;
    mxh_chain ch;
    mxh_chain_resolve(mxh_lua_engine(L)->zs, z, name, MXH_TYPE_TXT, false, -1, &ch);
    int found = 0;
    if (ch.status == MXH_LK_ANSWER) {
        for (const mxh_rr *rr = ch.node->rrs; rr && found >= 0; rr = rr->next) {
            if (!mxh_qtype_matches(MXH_TYPE_TXT, rr->type))
                continue;
            uint16_t t = mxh_rr_type(rr);
            if (t != MXH_TYPE_TXT && t != MXH_TYPE_SPF) {
                found = -1;
                break;
            }
            const char *rd = mxh_rr_rdata(rr);
            size_t rl = strlen(rd), tl;
            const char *tx;
            /* The joined strings are never longer than the RDATA text: a
             * short record is joined into jb (the first SPF one found stays
             * there; later ones only need their first bytes looked at), a
             * long one as a Lua string left on the stack. */
            int in_lua = rl >= jbsz;
            char tmp[16];
            if (in_lua) {
                mxh_lua_push_txt_strings(L, rd, rl);
                tx = lua_tolstring(L, -1, &tl);
            } else if (found) {
                tl = mxh_lua_join_txt(rd, rl, tmp, sizeof tmp); /* "v=spf1" and one more */
                tx = tmp;
            } else {
                tl = mxh_lua_join_txt(rd, rl, jb, jbsz);
                tx = jb;
            }
            if (!mxh_lua_is_spf1(tx, tl)) {
                if (in_lua)
                    lua_pop(L, 1);
                continue;
            }
            if (found) {
                found = 0; /* two: permerror */
                break;
            }
            found = 1;
            *text = tx; /* in jb, or on the stack */
            *textlen = tl;
        }
        if (found <= 0 && lua_gettop(L) > 3)
            lua_settop(L, 3);
    }
    return found;
}

/* mxh.spf_mx_settled(zone, domain[, route]): true when the domain has no
 * single SPF record, or when every address of every exchange of route (the
 * domain's own MX route; when not given, zone:mail_route(domain) is looked
 * up here without making a handle) that has addresses gets "pass" or an
 * unknown result from that record by its leading terms alone: nothing to
 * report. False means "not settled here" (evaluate in full), never
 * "fails". */
int mxh_lua_spf_mx_settled(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    const mxh_zoneset *zs = mxh_lua_engine(L)->zs;
    size_t dl;
    const char *dom = luaL_checklstring(L, 2, &dl);
    /* route: the domain's own, as zone:mail_route(domain) gives it; when
     * absent it is found here (no handle made) */
    const mxh_route *r = lua_isnoneornil(L, 3) ? NULL : mxh_lua_check(L, 3, MXH_LK_ROUTE)->ptr;
    lua_settop(L, 3);
    char buf[MXH_NAME_BUF];
    if (dl == 0 || strlen(dom) != dl)
        return lua_pushboolean(L, 0), 1;
    if (!mxh_lua_plain_canonical(dom, dl)) {
        if (mxh_name_from_user(dom, buf, sizeof buf) <= 0)
            return lua_pushboolean(L, 0), 1;
        dom = buf;
    }
    char jb[2048];
    const char *text = NULL;
    size_t tl = 0;
    int have = spf_text(L, z, dom, jb, sizeof jb, &text, &tl);
    if (have <= 0)
        return lua_pushboolean(L, have == 0), 1;
    if (r == NULL) /* only now: most domains have no SPF record to settle */
        r = mxh_lua_route_of(L, z, dom);
    int ok = mxh_route_kind_of(r) == MXH_ROUTE_MX;
    size_t nx = mxh_route_exchange_count(r);
    lp_prep prep;
    int prepared = ok && leading_prep(zs, text, tl, &prep);
    for (size_t i = 0; ok && i < nx; i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        if (mxh_exchange_status_of(x) != MXH_EX_ADDRESSES)
            continue;
        size_t na = mxh_exchange_address_count(x);
        for (size_t k = 0; ok && k < na; k++) {
            const char *ad = mxh_exchange_address(x, k);
            unsigned char a[16];
            int fam = strchr(ad, ':') ? 6 : 4;
            ok = parse_addr(fam, ad, strlen(ad), a) &&
                 (prepared ? leading_eval(&prep, fam, a) : leading_pass(zs, text, tl, fam, a));
        }
    }
    lua_pushboolean(L, ok);
    return 1;
}

/* ---- MX: may every exchange be the same host? --------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted copy of x's addresses into a fresh array (*out), or -1. */
static long sorted_addresses(const mxh_exchange *x, const char ***out)
{
    size_t n = mxh_exchange_address_count(x);
    const char **v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] = mxh_exchange_address(x, i);
    qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return (long)n;
}

/* mxh.mx_one_host(route) or mxh.mx_one_host(zone, domain) (the domain's own
 * route): false when the explicit MX route cannot have its
 * backups on the primary's own server (RFC 5321 §5.1): fewer than two
 * exchanges or preferences, an exchange without addresses, or two exchanges
 * whose address sets differ. True means "look closer" (the rule still checks
 * every exchange itself). */
int mxh_lua_mx_one_host(lua_State *L)
{
    const mxh_route *r;
    if (mxh_lua_test(L, 1, MXH_LK_ZONE)) {
        /* (zone, domain): the domain's route as zone:mail_route() gives it,
         * found without making a handle */
        const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
        size_t dl;
        const char *dom = luaL_checklstring(L, 2, &dl);
        char buf[MXH_NAME_BUF];
        if (dl == 0 || strlen(dom) != dl)
            return luaL_argerror(L, 2, "bad domain name");
        if (!mxh_lua_plain_canonical(dom, dl)) {
            if (mxh_name_from_user(dom, buf, sizeof buf) <= 0)
                return luaL_argerror(L, 2, "bad domain name");
            dom = buf;
        }
        r = mxh_lua_route_of(L, z, dom);
    } else {
        r = mxh_lua_check(L, 1, MXH_LK_ROUTE)->ptr;
    }
    size_t nx = mxh_route_exchange_count(r);
    int ok = mxh_route_kind_of(r) == MXH_ROUTE_MX && nx >= 2;
    int prefs = 0;
    for (size_t i = 0; ok && i < nx; i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        ok = mxh_exchange_status_of(x) == MXH_EX_ADDRESSES;
        if (i > 0 && mxh_exchange_preference(x) !=
                     mxh_exchange_preference(mxh_route_exchange(r, 0)))
            prefs = 1;
    }
    ok = ok && prefs;
    /* sets of different sizes differ: settled before anything is sorted */
    for (size_t i = 1; ok && i < nx; i++)
        ok = mxh_exchange_address_count(mxh_route_exchange(r, i)) ==
             mxh_exchange_address_count(mxh_route_exchange(r, 0));
    if (ok && mxh_exchange_address_count(mxh_route_exchange(r, 0)) == 1) {
        /* one address each (the usual case): compare them, no sorting */
        const char *a0 = mxh_exchange_address(mxh_route_exchange(r, 0), 0);
        for (size_t i = 1; ok && i < nx; i++)
            ok = strcmp(mxh_exchange_address(mxh_route_exchange(r, i), 0), a0) == 0;
        lua_pushboolean(L, ok);
        return 1;
    }
    const char **first = NULL;
    long nfirst = ok ? sorted_addresses(mxh_route_exchange(r, 0), &first) : 0;
    if (nfirst < 0)
        return luaL_error(L, "out of memory");
    for (size_t i = 1; ok && i < nx; i++) {
        const char **v = NULL;
        long n = sorted_addresses(mxh_route_exchange(r, i), &v);
        if (n < 0) {
            free(first);
            return luaL_error(L, "out of memory");
        }
        ok = n == nfirst;
        for (long k = 0; ok && k < n; k++)
            ok = strcmp(v[k], first[k]) == 0;
        free(v);
    }
    free(first);
    lua_pushboolean(L, ok);
    return 1;
}

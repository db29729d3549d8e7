/* SPDX-License-Identifier: MIT */
/*
 * Name lookup over a zone set: RFC 1034 §4.3.2 (the authoritative part of
 * the algorithm), RFC 4592 wildcards, RFC 6672 DNAME, CNAME chains that may
 * cross the zones of the set.
 *
 * The resolver (mxh_chain_resolve) writes into a fixed-size chain on the
 * caller's stack; a lookup result is then one allocation holding the steps,
 * the answer pointers and the few names the result must own. Records and
 * interned names are borrowed from the zone set.
 *
 * DNAME: a DNAME at a proper ancestor of the name (inside the same zone,
 * not occluded by a zone cut above it) redirects the name (RFC 6672 §2.3);
 * the redirection is recorded as a cname step whose record is the DNAME. A
 * substituted name longer than 255 octets ends the chain as nxdomain (the
 * YXDOMAIN of RFC 6672 §2.2). DNAME owners that are wildcards are matched
 * only literally.
 */
#include "route_internal.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

bool mxh_qtype_matches(uint16_t qtype, uint16_t t)
{
    if (qtype == MXH_QTYPE_ADDRESS)
        return t == MXH_TYPE_A || t == MXH_TYPE_AAAA;
    if (qtype == MXH_TYPE_ANY)
        return true;
    return qtype == t;
}

static const mxh_rr *node_first(const mxh_node *n, uint16_t type)
{
    for (const mxh_rr *r = n->rrs; r; r = r->next)
        if (r->type == type)
            return r;
    return NULL;
}

static const mxh_rr *node_first_match(const mxh_node *n, uint16_t qtype)
{
    for (const mxh_rr *r = n->rrs; r; r = r->next)
        if (mxh_qtype_matches(qtype, r->type))
            return r;
    return NULL;
}

/* Whether a query of this type follows a CNAME found at the name
 * (RFC 1034 §4.3.2 step 3.a: unless QTYPE matches CNAME; "*" matches all). */
static bool follows_cname(uint16_t qtype)
{
    return qtype != MXH_TYPE_CNAME && qtype != MXH_TYPE_ANY;
}

static bool zone_has_type(const mxh_zone *z, uint16_t t)
{
    return t < 256 && (z->types[t >> 3] & (1u << (t & 7))) != 0;
}

static void push(mxh_chain *ch, mxh_step_kind kind, const char *name, const char *target,
                 const mxh_rr *rr, int32_t xi)
{
    /* The bound in route_internal.h makes this always true; stay safe anyway. */
    if (ch->nsteps >= MXH_CHAIN_STEPS)
        return;
    mxh_step *s = &ch->steps[ch->nsteps++];
    s->name = name;
    s->target = target;
    s->rr = rr;
    s->exchange = xi;
    s->kind = (uint8_t)kind;
    if (kind == MXH_STEP_WILDCARD)
        ch->via_wildcard = true;
    else if (kind == MXH_STEP_CNAME)
        ch->via_cname = true;
}

/* Store s[0..len) plus NUL in ch->names; NULL when the room is used up. */
static const char *store(mxh_chain *ch, const char *s, size_t len)
{
    if (len + 1 > sizeof ch->names - ch->names_used)
        return NULL;
    char *d = ch->names + ch->names_used;
    memcpy(d, s, len);
    d[len] = '\0';
    ch->names_used += len + 1;
    return d;
}

/* Length of suffix p of name (p points into name). */
static size_t suffix_len(const char *name, size_t nlen, const char *p)
{
    return nlen - (size_t)(p - name);
}

/*
 * The zone cut that makes node n (in z) non-authoritative: the NS record at
 * the highest non-apex NS owner at or above n, or NULL. RFC 1034 §4.3.2
 * step 3.b: going down from the apex, the first cut met is a referral. A
 * finished zone has the answer in the node flags; the walk is only needed
 * for those nodes (or for unfinished zones).
 */
static const mxh_rr *cut_for(const mxh_zone *z, const mxh_node *n)
{
    if (z->finished && !(n->flags & (MXH_NODE_CUT | MXH_NODE_BELOW_CUT)))
        return NULL;
    const mxh_rr *ns = NULL;
    size_t olen = strlen(z->origin), nlen = strlen(n->name);
    for (const char *p = n->name; p; p = mxh_name_parent(p)) {
        if (suffix_len(n->name, nlen, p) <= olen)
            break; /* the apex: its NS records are the zone's own */
        const mxh_node *a = p == n->name ? n : mxh_zone_find(z, p);
        const mxh_rr *r = a ? node_first(a, MXH_TYPE_NS) : NULL;
        if (r)
            ns = r; /* keep the highest */
    }
    return ns;
}

/* The highest DNAME record owned by a proper ancestor of name within z
 * (RFC 6672 §2.3: the owner itself is not redirected), or NULL. */
static const mxh_rr *dname_above(const mxh_zone *z, const char *name)
{
    const mxh_rr *dn = NULL;
    size_t olen = strlen(z->origin), nlen = strlen(name);
    if (nlen <= olen)
        return NULL;
    for (const char *p = mxh_name_parent(name); p; p = mxh_name_parent(p)) {
        size_t pl = suffix_len(name, nlen, p);
        if (pl < olen)
            break;
        const mxh_node *a = mxh_zone_find(z, p);
        const mxh_rr *r = a ? node_first(a, MXH_TYPE_DNAME) : NULL;
        if (r)
            dn = r;
        if (pl == olen)
            break;
    }
    return dn;
}

/* The closest encloser of a name that has no node (RFC 4592 §3.3.1): the
 * longest existing ancestor. The apex always exists. */
static const mxh_node *closest_encloser(const mxh_zone *z, const char *name)
{
    for (const char *p = mxh_name_parent(name); p; p = mxh_name_parent(p)) {
        const mxh_node *a = mxh_zone_find(z, p);
        if (a)
            return a;
        if (strcmp(p, z->origin) == 0)
            break;
    }
    return z->apex;
}

/*
 * The zone answering for name, as mxh_zs_zone_for(zs, ctx, name) would say,
 * with fewer hash probes: hint is a zone that mxh_zs_zone_for returned in
 * this context (or ctx). For a name at or below the hint's origin, only the
 * names strictly between name and that origin can be the origin of a closer
 * zone; if none is, the hint is the answer (it is the zone this context uses
 * for its origin).
 */
static const mxh_zone *zone_for(const mxh_zoneset *zs, const mxh_zone *ctx, const mxh_zone *hint,
                                const char *name)
{
    if (!hint || !mxh_name_is_at_or_below(name, hint->origin))
        return mxh_zs_zone_for(zs, ctx, name);
    if (!hint->first->has_inner_zones)
        return hint; /* no loaded zone lies below the hint's origin */
    size_t olen = strlen(hint->origin), nlen = strlen(name);
    for (const char *p = name; p && suffix_len(name, nlen, p) > olen; p = mxh_name_parent(p)) {
        size_t pl = suffix_len(name, nlen, p);
        const mxh_zone *z = mxh_zs_origin(zs, p, pl);
        if (z)
            return ctx && ctx != z && strcmp(ctx->origin, z->origin) == 0 ? ctx : z;
    }
    return hint;
}

/*
 * Take a redirection (CNAME or DNAME rr) from name to next. Returns false
 * when it is refused: the chain already holds MXH_CNAME_LIMIT redirections,
 * or next was visited before (a loop); a loop step is recorded then.
 */
static bool redirect(mxh_chain *ch, const char **visited, size_t *nvisited, const char *name,
                     const char *next, const mxh_rr *rr, int32_t xi)
{
    bool loop = *nvisited > MXH_CNAME_LIMIT;
    for (size_t i = 0; !loop && i < *nvisited; i++)
        if (visited[i] == next || strcmp(visited[i], next) == 0)
            loop = true;
    if (loop) {
        push(ch, MXH_STEP_LOOP, name, next, rr, xi);
        ch->status = MXH_LK_LOOP;
        ch->final_name = name;
        return false;
    }
    push(ch, MXH_STEP_CNAME, name, next, rr, xi);
    visited[(*nvisited)++] = next;
    return true;
}

/* Name reached through DNAME rr from name (RFC 6672 §2.2): the labels of name
 * below rr's owner, then rr's target. NULL with *too_long set when the result
 * exceeds 255 octets; NULL alone when the chain's name room is used up. */
static const char *dname_subst(mxh_chain *ch, const char *name, const mxh_rr *rr, bool *too_long)
{
    *too_long = false;
    const char *owner = rr->node->name;
    const char *target = rr->target ? rr->target : ".";
    size_t nlen = strlen(name), olen = strlen(owner), tlen = strlen(target);
    size_t plen = nlen - olen; /* prefix with its final dot */
    char tmp[2 * MXH_NAME_BUF];
    if (plen + tlen + 1 > sizeof tmp) {
        *too_long = true;
        return NULL;
    }
    memcpy(tmp, name, plen);
    size_t len = plen;
    if (!(target[0] == '.' && target[1] == '\0')) {
        memcpy(tmp + len, target, tlen);
        len += tlen;
    }
    /* Re-canonicalizing canonical text is the identity; it checks the
     * RFC 1035 §2.3.4 limits of the new name. */
    char *dst = ch->names + ch->names_used;
    size_t room = sizeof ch->names - ch->names_used;
    int n = mxh_name_canon(tmp, len, NULL, dst, room, NULL);
    if (n == MXH_NAME_ERR_BUF || (n > 0 && (size_t)n + 1 > room))
        return NULL;
    if (n < 0) {
        *too_long = true;
        return NULL;
    }
    ch->names_used += (size_t)n + 1;
    return dst;
}

void mxh_chain_resolve(const mxh_zoneset *zs, const mxh_zone *ctx, const char *canon,
                       uint16_t qtype, bool copy_name, int32_t xi, mxh_chain *ch)
{
    ch->nsteps = 0;
    ch->status = MXH_LK_NXDOMAIN;
    ch->node = NULL;
    ch->wildcard = false;
    ch->via_wildcard = false;
    ch->via_cname = false;
    ch->names_used = 0;
    const char *name = canon;
    ch->qname = canon;
    if (copy_name) {
        name = store(ch, canon, strlen(canon));
        if (!name) { /* longer than any name can be: cannot happen for canonical input */
            ch->final_name = canon;
            push(ch, MXH_STEP_NXDOMAIN, canon, NULL, NULL, xi);
            return;
        }
    }
    ch->qname = name;
    ch->final_name = name;

    const char *visited[MXH_CNAME_LIMIT + 2];
    size_t nvisited = 0;
    visited[nvisited++] = name;

    const mxh_zone *hint = ctx;
    for (;;) {
        ch->final_name = name;
        const mxh_zone *z = zone_for(zs, ctx, hint, name);
        if (!z) {
            /* Outside every loaded zone: unknown, not an error. */
            push(ch, MXH_STEP_EXTERNAL, name, NULL, NULL, xi);
            ch->status = MXH_LK_EXTERNAL;
            return;
        }
        hint = z;
        const mxh_node *n = mxh_zone_find(z, name);
        const mxh_node *enc = n ? n : closest_encloser(z, name);

        /* RFC 1034 §4.3.2 step 3.b: a cut at or above the name is a
         * referral, also for the NS/DS at the cut itself. RFC 6672 §2.3:
         * a DNAME above the name redirects it; whichever is met first
         * going down from the apex (the shorter owner) decides. */
        const mxh_rr *ns = cut_for(z, enc);
        const mxh_rr *dn = zone_has_type(z, MXH_TYPE_DNAME) ? dname_above(z, name) : NULL;
        if (ns && dn && strlen(dn->node->name) < strlen(ns->node->name))
            ns = NULL;
        if (ns) {
            push(ch, MXH_STEP_DELEGATED, name, NULL, ns, xi);
            ch->status = MXH_LK_DELEGATED;
            return;
        }
        if (dn) {
            bool too_long;
            const char *next = dname_subst(ch, name, dn, &too_long);
            if (!next) {
                if (too_long) {
                    /* RFC 6672 §2.2: YXDOMAIN; the name cannot exist. */
                    push(ch, MXH_STEP_NXDOMAIN, name, NULL, dn, xi);
                    ch->status = MXH_LK_NXDOMAIN;
                } else {
                    push(ch, MXH_STEP_LOOP, name, NULL, dn, xi);
                    ch->status = MXH_LK_LOOP;
                }
                return;
            }
            if (!redirect(ch, visited, &nvisited, name, next, dn, xi))
                return;
            name = next;
            continue;
        }

        const mxh_node *data = n;
        if (!data) {
            /* RFC 4592 §3.3.1: the source of synthesis is "*." + the closest
             * encloser. An existing name or empty non-terminal has a node and
             * never gets here (§2.2.2), and a label like "s*" is not a
             * wildcard (§2.1.1): only a label that is exactly "*" is tried. */
            char wbuf[MXH_NAME_BUF + 2];
            size_t elen = strlen(enc->name);
            const mxh_node *w = NULL;
            if (elen + 3 <= sizeof wbuf) {
                wbuf[0] = '*';
                wbuf[1] = '.';
                if (enc->name[0] == '.' && enc->name[1] == '\0')
                    wbuf[2] = '\0';
                else
                    memcpy(wbuf + 2, enc->name, elen + 1);
                w = mxh_zone_find(z, wbuf);
            }
            if (!w) {
                push(ch, MXH_STEP_NXDOMAIN, name, NULL, NULL, xi);
                ch->status = MXH_LK_NXDOMAIN;
                return;
            }
            const mxh_rr *src = NULL;
            if (follows_cname(qtype))
                src = node_first(w, MXH_TYPE_CNAME);
            if (!src)
                src = node_first_match(w, qtype);
            if (!src)
                src = w->rrs;
            push(ch, MXH_STEP_WILDCARD, name, w->name, src, xi);
            ch->wildcard = true;
            data = w;
        }

        /* RFC 1034 §4.3.2 step 3.a: a CNAME is followed unless the query
         * asks for it; one at a wildcard is synthesized (RFC 4592 §4.3). */
        const mxh_rr *cn = follows_cname(qtype) ? node_first(data, MXH_TYPE_CNAME) : NULL;
        if (cn && cn->target) {
            ch->wildcard = false;
            if (!redirect(ch, visited, &nvisited, name, cn->target, cn, xi))
                return;
            name = cn->target;
            continue;
        }
        ch->node = data;
        if (node_first_match(data, qtype)) {
            ch->status = MXH_LK_ANSWER;
        } else {
            push(ch, MXH_STEP_NODATA, name, NULL, NULL, xi);
            ch->status = MXH_LK_NODATA;
        }
        return;
    }
}

const char *mxh_chain_move_name(const mxh_chain *ch, const char *p, char *names_dst)
{
    if (p && p >= ch->names && p < ch->names + ch->names_used)
        return names_dst + (p - ch->names);
    return p;
}

size_t mxh_chain_copy_steps(const mxh_chain *ch, mxh_step *dst, char *names_dst)
{
    if (ch->names_used)
        memcpy(names_dst, ch->names, ch->names_used);
    for (size_t i = 0; i < ch->nsteps; i++) {
        dst[i] = ch->steps[i];
        dst[i].name = mxh_chain_move_name(ch, dst[i].name, names_dst);
        dst[i].target = mxh_chain_move_name(ch, dst[i].target, names_dst);
    }
    return ch->nsteps;
}

/* ------------------------------------------------------------------------ */
/* Lookup results                                                           */

struct mxh_lookup {
    mxh_lookup_status status;
    int wildcard;
    const char *final_name;
    size_t nsteps, nanswers;
    const mxh_step *steps;
    const mxh_rr **answers;
};

static size_t align_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) / a * a;
}

mxh_status mxh_lookup_ctx(const mxh_zoneset *zs, const mxh_zone *ctx, const char *canon,
                          uint16_t type, mxh_lookup **out)
{
    if (out)
        *out = NULL;
    if (!zs || !canon || !out || !canon[0] || strnlen(canon, MXH_NAME_BUF) >= MXH_NAME_BUF)
        return MXH_ERR_ARG;
    mxh_chain ch;
    mxh_chain_resolve(zs, ctx, canon, type, true, -1, &ch);

    size_t nans = 0;
    if (ch.status == MXH_LK_ANSWER)
        for (const mxh_rr *r = ch.node->rrs; r; r = r->next)
            nans += mxh_qtype_matches(type, r->type);

    size_t off_steps = align_up(sizeof(mxh_lookup));
    size_t off_ans = align_up(off_steps + ch.nsteps * sizeof(mxh_step));
    size_t off_names = off_ans + nans * sizeof(const mxh_rr *);
    char *block = malloc(off_names + ch.names_used + 1);
    if (!block)
        return MXH_ERR_NOMEM;
    mxh_lookup *lk = (mxh_lookup *)(void *)block;
    mxh_step *steps = (mxh_step *)(void *)(block + off_steps);
    const mxh_rr **ans = (const mxh_rr **)(void *)(block + off_ans);
    char *names = block + off_names;

    lk->status = ch.status;
    lk->wildcard = ch.status == MXH_LK_ANSWER && ch.wildcard;
    lk->nsteps = mxh_chain_copy_steps(&ch, steps, names);
    lk->steps = steps;
    lk->final_name = mxh_chain_move_name(&ch, ch.final_name, names);
    lk->nanswers = 0;
    lk->answers = ans;
    if (ch.status == MXH_LK_ANSWER)
        for (const mxh_rr *r = ch.node->rrs; r && lk->nanswers < nans; r = r->next)
            if (mxh_qtype_matches(type, r->type))
                ans[lk->nanswers++] = r;
    *out = lk;
    return MXH_OK;
}

mxh_status mxh_lookup_name(const mxh_zoneset *zs, const char *name, uint16_t type,
                           mxh_lookup **out)
{
    if (out)
        *out = NULL;
    if (!zs || !name || !out)
        return MXH_ERR_ARG;
    char canon[MXH_NAME_BUF];
    if (mxh_name_from_user(name, canon, sizeof canon) <= 0)
        return MXH_ERR_ARG;
    /* The primary zone of the name as context gives the same answers as
     * none (only shadowed duplicates differ) and saves hash probes. */
    return mxh_lookup_ctx(zs, mxh_zs_zone_for(zs, NULL, canon), canon, type, out);
}

void mxh_lookup_free(mxh_lookup *lk) { free(lk); }

mxh_lookup_status mxh_lookup_status_of(const mxh_lookup *lk) { return lk ? lk->status : MXH_LK_NXDOMAIN; }
const char *mxh_lookup_final_name(const mxh_lookup *lk) { return lk ? lk->final_name : NULL; }
size_t mxh_lookup_answer_count(const mxh_lookup *lk) { return lk ? lk->nanswers : 0; }
const mxh_rr *mxh_lookup_answer(const mxh_lookup *lk, size_t i)
{
    return lk && i < lk->nanswers ? lk->answers[i] : NULL;
}
int mxh_lookup_wildcard(const mxh_lookup *lk) { return lk ? lk->wildcard : 0; }
size_t mxh_lookup_step_count(const mxh_lookup *lk) { return lk ? lk->nsteps : 0; }
const mxh_step *mxh_lookup_step(const mxh_lookup *lk, size_t i)
{
    return lk && i < lk->nsteps ? &lk->steps[i] : NULL;
}

const char *mxh_lookup_status_name(mxh_lookup_status st)
{
    switch (st) {
    case MXH_LK_ANSWER: return "answer";
    case MXH_LK_NODATA: return "nodata";
    case MXH_LK_NXDOMAIN: return "nxdomain";
    case MXH_LK_DELEGATED: return "delegated";
    case MXH_LK_EXTERNAL: return "external";
    case MXH_LK_LOOP: return "loop";
    }
    return "unknown";
}

/* ------------------------------------------------------------------------ */
/* Steps (accessors accept NULL: a NULL step has no name, record or exchange) */

const char *mxh_step_kind_name(mxh_step_kind k)
{
    switch (k) {
    case MXH_STEP_MX: return "mx";
    case MXH_STEP_CNAME: return "cname";
    case MXH_STEP_WILDCARD: return "wildcard";
    case MXH_STEP_ADDRESS: return "address";
    case MXH_STEP_NXDOMAIN: return "nxdomain";
    case MXH_STEP_NODATA: return "nodata";
    case MXH_STEP_DELEGATED: return "delegated";
    case MXH_STEP_EXTERNAL: return "external";
    case MXH_STEP_LOOP: return "loop";
    case MXH_STEP_NULL_MX: return "null-mx";
    case MXH_STEP_IMPLICIT: return "implicit";
    }
    return "unknown";
}

mxh_step_kind mxh_step_kind_of(const mxh_step *s) { return s ? (mxh_step_kind)s->kind : MXH_STEP_NXDOMAIN; }
const char *mxh_step_name(const mxh_step *s) { return s ? s->name : NULL; }
const char *mxh_step_target(const mxh_step *s) { return s ? s->target : NULL; }
const mxh_rr *mxh_step_record(const mxh_step *s) { return s ? s->rr : NULL; }
int mxh_step_exchange(const mxh_step *s) { return s ? s->exchange : -1; }

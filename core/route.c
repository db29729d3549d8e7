/* SPDX-License-Identifier: MIT */
/*
 * Mail routes: where mail for a domain goes, RFC 5321 §5.1 and RFC 7505, as
 * a chain of steps a caller can print ("example.com. MX 10 example.com.",
 * "example.com. A 10.0.1.100").
 *
 * Choices this file makes:
 *  - The domain is looked up for MX; a CNAME at the domain is followed and
 *    recorded (RFC 5321 §5.1: "the resulting domain is processed as if it
 *    were the initial domain"), so an implicit MX names the domain reached
 *    after CNAMEs.
 *  - Null MX (RFC 7505 §3) is exactly one MX record, preference 0, exchange
 *    ".": kind null-mx, a null-mx step, no exchange. A "." exchange mixed
 *    with other MX records (or a lone "." with another preference) keeps the
 *    kind mx; each such record gets a null-mx step and an exchange "." whose
 *    status is nxdomain (an SMTP client cannot deliver there). Rules report
 *    the mix.
 *  - Each exchange is resolved once for A and AAAA (the CNAME/wildcard path
 *    does not depend on which): its cname/wildcard steps, then one address
 *    step per A record, then per AAAA record, each in record order; or one
 *    closing step (nxdomain, nodata, loop, external, delegated).
 *  - Steps: first the domain's own (cname, wildcard; nodata only when the
 *    route is none, an implicit step already says "no MX"), then one
 *    mx / null-mx / implicit step per exchange in preference order (ties in
 *    record order), then each exchange's resolution. The mx-like step of an
 *    exchange carries that exchange's index and is its first step.
 *
 * A route is one allocation: resolution runs twice over the read-only zone
 * set, once to size the result and once to fill it.
 */
#include "route_internal.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mxh_exchange {
    const char *name;
    const mxh_rr *rr;            /* the MX; NULL if implicit */
    const mxh_step *intro;       /* the mx / null-mx / implicit step */
    const mxh_step *steps;       /* resolution steps after intro */
    size_t nsteps;
    size_t addr_first, naddr;    /* address steps: steps[addr_first ..] */
    size_t ord;                  /* record order, for the stable sort */
    unsigned pref;
    mxh_exchange_status status;
    bool via_wildcard, via_cname, is_root;
};

struct mxh_route {
    const char *domain;
    mxh_route_kind kind;
    const mxh_step *steps;
    size_t nsteps;
    mxh_exchange *xs;
    size_t nx;
};

/* Exchanges whose pass-1 resolution is kept for pass 2 (each chain is a few
 * KiB of stack). */
#define ROUTE_KEEP 4

static size_t align_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) / a * a;
}

static bool is_root(const char *name) { return !name || (name[0] == '.' && name[1] == '\0'); }

static size_t count_addresses(const mxh_node *n)
{
    size_t k = 0;
    for (const mxh_rr *r = n->rrs; r; r = r->next)
        k += r->type == MXH_TYPE_A || r->type == MXH_TYPE_AAAA;
    return k;
}

static mxh_exchange_status status_from(mxh_lookup_status st)
{
    switch (st) {
    case MXH_LK_ANSWER: return MXH_EX_ADDRESSES;
    case MXH_LK_NODATA: return MXH_EX_NODATA;
    case MXH_LK_NXDOMAIN: return MXH_EX_NXDOMAIN;
    case MXH_LK_DELEGATED: return MXH_EX_DELEGATED;
    case MXH_LK_EXTERNAL: return MXH_EX_EXTERNAL;
    case MXH_LK_LOOP: return MXH_EX_LOOP;
    }
    return MXH_EX_NXDOMAIN;
}

static int cmp_exchange(const void *a, const void *b)
{
    const mxh_exchange *x = a, *y = b;
    if (x->pref != y->pref)
        return x->pref < y->pref ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static void set_step(mxh_step *s, mxh_step_kind kind, const char *name, const char *target,
                     const mxh_rr *rr, int32_t xi)
{
    s->name = name;
    s->target = target;
    s->rr = rr;
    s->exchange = xi;
    s->kind = (uint8_t)kind;
}

mxh_status mxh_mail_route_ctx(const mxh_zoneset *zs, const mxh_zone *ctx, const char *canon,
                              mxh_route **out)
{
    if (out)
        *out = NULL;
    if (!zs || !canon || !out || !canon[0] || strnlen(canon, MXH_NAME_BUF) >= MXH_NAME_BUF)
        return MXH_ERR_ARG;

    /* RFC 5321 §5.1: look up MX for the domain, following a CNAME. */
    mxh_chain dom;
    mxh_chain_resolve(zs, ctx, canon, MXH_TYPE_MX, true, -1, &dom);

    mxh_route_kind kind;
    size_t nx = 0;
    const mxh_rr *null_mx = NULL;
    switch (dom.status) {
    case MXH_LK_ANSWER: {
        const mxh_rr *only = NULL;
        for (const mxh_rr *r = dom.node->rrs; r; r = r->next)
            if (r->type == MXH_TYPE_MX) {
                nx++;
                only = r;
            }
        kind = MXH_ROUTE_MX;
        /* RFC 7505 §3: a single MX RR, preference 0, exchange "." */
        if (nx == 1 && only->pref == 0 && is_root(only->target)) {
            kind = MXH_ROUTE_NULL_MX;
            null_mx = only;
            nx = 0;
        }
        break;
    }
    case MXH_LK_NODATA:
        /* RFC 5321 §5.1: no MX but an address: an implicit MX of
         * preference 0 pointing at the domain itself. */
        if (count_addresses(dom.node)) {
            kind = MXH_ROUTE_IMPLICIT;
            nx = 1;
            /* The implicit step says "no MX"; the nodata step would repeat it. */
            if (dom.nsteps && dom.steps[dom.nsteps - 1].kind == MXH_STEP_NODATA)
                dom.nsteps--;
        } else {
            kind = MXH_ROUTE_NONE;
        }
        break;
    case MXH_LK_NXDOMAIN: kind = MXH_ROUTE_NXDOMAIN; break;
    case MXH_LK_DELEGATED: kind = MXH_ROUTE_DELEGATED; break;
    case MXH_LK_EXTERNAL: kind = MXH_ROUTE_EXTERNAL; break;
    case MXH_LK_LOOP:
    default: kind = MXH_ROUTE_LOOP; break;
    }

    /* Pass 1: size. Exchanges resolve in record order here; order does not
     * change the sizes. The first ROUTE_KEEP exchanges' resolutions are kept
     * for pass 2 (their names are interned, so the chains stay valid; only
     * the exchange index of their steps changes with the sort). */
    mxh_chain xch;
    mxh_chain keep[ROUTE_KEEP];
    size_t nkeep = 0;
    size_t nsteps = dom.nsteps + nx + (null_mx ? 1 : 0);
    size_t nnames = dom.names_used;
    if (kind == MXH_ROUTE_IMPLICIT) {
        mxh_chain_resolve(zs, ctx, dom.final_name, MXH_QTYPE_ADDRESS, false, 0, &xch);
        nsteps += xch.nsteps + (xch.status == MXH_LK_ANSWER ? count_addresses(xch.node) : 0);
        nnames += xch.names_used;
    } else if (kind == MXH_ROUTE_MX) {
        size_t ord = 0;
        for (const mxh_rr *r = dom.node->rrs; r; r = r->next) {
            if (r->type != MXH_TYPE_MX)
                continue;
            size_t o = ord++;
            if (o < ROUTE_KEEP)
                nkeep = ord;
            if (is_root(r->target)) {
                nsteps += 1;
                continue;
            }
            mxh_chain *c = o < ROUTE_KEEP ? &keep[o] : &xch;
            mxh_chain_resolve(zs, ctx, r->target, MXH_QTYPE_ADDRESS, false, 0, c);
            nsteps += c->nsteps + (c->status == MXH_LK_ANSWER ? count_addresses(c->node) : 0);
            nnames += c->names_used;
        }
    }

    size_t off_steps = align_up(sizeof(mxh_route));
    size_t off_xs = align_up(off_steps + nsteps * sizeof(mxh_step));
    size_t off_names = align_up(off_xs + nx * sizeof(mxh_exchange));
    char *block = malloc(off_names + nnames + 1);
    if (!block)
        return MXH_ERR_NOMEM;
    mxh_route *rt = (mxh_route *)(void *)block;
    mxh_step *steps = (mxh_step *)(void *)(block + off_steps);
    mxh_exchange *xs = (mxh_exchange *)(void *)(block + off_xs);
    char *names = block + off_names;
    size_t names_at = 0;

    /* Pass 2: fill. */
    rt->kind = kind;
    rt->steps = steps;
    rt->xs = xs;
    rt->nx = nx;
    size_t k = mxh_chain_copy_steps(&dom, steps, names);
    rt->domain = mxh_chain_move_name(&dom, dom.qname, names);
    const char *dom_final = mxh_chain_move_name(&dom, dom.final_name, names);
    names_at = dom.names_used;

    if (kind == MXH_ROUTE_NULL_MX)
        set_step(&steps[k++], MXH_STEP_NULL_MX, dom_final, null_mx->target, null_mx, -1);

    if (kind == MXH_ROUTE_IMPLICIT) {
        memset(&xs[0], 0, sizeof xs[0]);
        xs[0].name = dom_final;
    } else if (kind == MXH_ROUTE_MX) {
        size_t i = 0;
        for (const mxh_rr *r = dom.node->rrs; r && i < nx; r = r->next) {
            if (r->type != MXH_TYPE_MX)
                continue;
            memset(&xs[i], 0, sizeof xs[i]);
            xs[i].rr = r;
            xs[i].name = r->target ? r->target : ".";
            xs[i].pref = r->pref;
            xs[i].ord = i;
            xs[i].is_root = is_root(r->target);
            i++;
        }
        /* RFC 5321 §5.1: lower preference first; equal ones here keep
         * record order (the client would randomize them). */
        qsort(xs, nx, sizeof *xs, cmp_exchange);
    }

    for (size_t i = 0; i < nx; i++) {
        mxh_step_kind ik = kind == MXH_ROUTE_IMPLICIT ? MXH_STEP_IMPLICIT
                           : xs[i].is_root ? MXH_STEP_NULL_MX : MXH_STEP_MX;
        set_step(&steps[k], ik, dom_final, xs[i].name, xs[i].rr, (int32_t)i);
        xs[i].intro = &steps[k++];
    }

    for (size_t i = 0; i < nx; i++) {
        mxh_exchange *x = &xs[i];
        x->steps = &steps[k];
        if (x->is_root) {
            /* RFC 7505 §3: "." is no host; nothing can be delivered there. */
            if (k < nsteps)
                set_step(&steps[k++], MXH_STEP_NXDOMAIN, ".", NULL, x->rr, (int32_t)i);
            x->nsteps = (size_t)(&steps[k] - x->steps);
            x->status = MXH_EX_NXDOMAIN;
            continue;
        }
        const mxh_chain *c = &xch;
        size_t k0 = k;
        if (kind == MXH_ROUTE_MX && x->ord < nkeep) {
            c = &keep[x->ord]; /* resolved in pass 1 (same name, same answer) */
        } else {
            mxh_chain_resolve(zs, ctx, x->name, MXH_QTYPE_ADDRESS, false, (int32_t)i, &xch);
        }
        if (k + c->nsteps > nsteps || names_at + c->names_used > nnames)
            break; /* cannot happen: the zone set is read-only */
        k += mxh_chain_copy_steps(c, &steps[k], names + names_at);
        for (size_t j = k0; j < k; j++)
            steps[j].exchange = (int32_t)i;
        const char *final = mxh_chain_move_name(c, c->final_name, names + names_at);
        names_at += c->names_used;
        x->status = status_from(c->status);
        x->via_wildcard = c->via_wildcard;
        x->via_cname = c->via_cname;
        x->addr_first = c->nsteps;
        if (c->status == MXH_LK_ANSWER) {
            /* One address step per A record, then per AAAA record. */
            static const uint16_t order[2] = {MXH_TYPE_A, MXH_TYPE_AAAA};
            for (int t = 0; t < 2; t++)
                for (const mxh_rr *r = c->node->rrs; r && k < nsteps; r = r->next)
                    if (r->type == order[t]) {
                        set_step(&steps[k++], MXH_STEP_ADDRESS, final, r->rdata, r, (int32_t)i);
                        x->naddr++;
                    }
        }
        x->nsteps = (size_t)(&steps[k] - x->steps);
    }
    rt->nsteps = k;
    *out = rt;
    return MXH_OK;
}

mxh_status mxh_mail_route(const mxh_zoneset *zs, const char *domain, mxh_route **out)
{
    if (out)
        *out = NULL;
    if (!zs || !domain || !out)
        return MXH_ERR_ARG;
    char canon[MXH_NAME_BUF];
    if (mxh_name_from_user(domain, canon, sizeof canon) <= 0)
        return MXH_ERR_ARG;
    /* The primary zone of the name as context gives the same answers as
     * none (only shadowed duplicates differ) and saves hash probes. */
    return mxh_mail_route_ctx(zs, mxh_zs_zone_for(zs, NULL, canon), canon, out);
}

void mxh_route_free(mxh_route *r) { free(r); }

const char *mxh_route_domain(const mxh_route *r) { return r ? r->domain : NULL; }
mxh_route_kind mxh_route_kind_of(const mxh_route *r) { return r ? r->kind : MXH_ROUTE_NONE; }
size_t mxh_route_step_count(const mxh_route *r) { return r ? r->nsteps : 0; }
const mxh_step *mxh_route_step(const mxh_route *r, size_t i)
{
    return r && i < r->nsteps ? &r->steps[i] : NULL;
}
size_t mxh_route_exchange_count(const mxh_route *r) { return r ? r->nx : 0; }
const mxh_exchange *mxh_route_exchange(const mxh_route *r, size_t i)
{
    return r && i < r->nx ? &r->xs[i] : NULL;
}

const char *mxh_exchange_name(const mxh_exchange *x) { return x ? x->name : NULL; }
unsigned mxh_exchange_preference(const mxh_exchange *x) { return x ? x->pref : 0; }
const mxh_rr *mxh_exchange_record(const mxh_exchange *x) { return x ? x->rr : NULL; }
mxh_exchange_status mxh_exchange_status_of(const mxh_exchange *x)
{
    return x ? x->status : MXH_EX_NXDOMAIN;
}
int mxh_exchange_via_wildcard(const mxh_exchange *x) { return x && x->via_wildcard; }
int mxh_exchange_via_cname(const mxh_exchange *x) { return x && x->via_cname; }
size_t mxh_exchange_address_count(const mxh_exchange *x) { return x ? x->naddr : 0; }
const char *mxh_exchange_address(const mxh_exchange *x, size_t i)
{
    return x && i < x->naddr ? x->steps[x->addr_first + i].target : NULL;
}
const mxh_rr *mxh_exchange_address_record(const mxh_exchange *x, size_t i)
{
    return x && i < x->naddr ? x->steps[x->addr_first + i].rr : NULL;
}
size_t mxh_exchange_step_count(const mxh_exchange *x) { return x ? 1 + x->nsteps : 0; }
const mxh_step *mxh_exchange_step(const mxh_exchange *x, size_t i)
{
    if (!x || i > x->nsteps)
        return NULL;
    return i == 0 ? x->intro : &x->steps[i - 1];
}

const char *mxh_route_kind_name(mxh_route_kind k)
{
    switch (k) {
    case MXH_ROUTE_MX: return "mx";
    case MXH_ROUTE_IMPLICIT: return "implicit";
    case MXH_ROUTE_NULL_MX: return "null-mx";
    case MXH_ROUTE_NONE: return "none";
    case MXH_ROUTE_NXDOMAIN: return "nxdomain";
    case MXH_ROUTE_EXTERNAL: return "external";
    case MXH_ROUTE_DELEGATED: return "delegated";
    case MXH_ROUTE_LOOP: return "loop";
    }
    return "unknown";
}

const char *mxh_exchange_status_name(mxh_exchange_status st)
{
    switch (st) {
    case MXH_EX_ADDRESSES: return "addresses";
    case MXH_EX_NXDOMAIN: return "nxdomain";
    case MXH_EX_NODATA: return "nodata";
    case MXH_EX_LOOP: return "loop";
    case MXH_EX_EXTERNAL: return "external";
    case MXH_EX_DELEGATED: return "delegated";
    }
    return "unknown";
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */

/* Append to buf as snprintf would, tracking the full length in *len. */
static void put(char *buf, size_t bufsz, size_t *len, const char *fmt, ...) MXH_PRINTF(4, 5);
static void put(char *buf, size_t bufsz, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = *len < bufsz ? buf + *len : NULL;
    size_t room = *len < bufsz ? bufsz - *len : 0;
    int n = vsnprintf(d, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n;
}

static void put_step(char *buf, size_t bufsz, size_t *len, const mxh_step *s)
{
    put(buf, bufsz, len, "%s %s", mxh_step_kind_name((mxh_step_kind)s->kind),
        s->name ? s->name : "?");
    if (s->target)
        put(buf, bufsz, len, s->kind == MXH_STEP_ADDRESS ? " = %s" : " -> %s", s->target);
    if (s->rr)
        put(buf, bufsz, len, " (%s:%lu)", mxh_rr_file(s->rr), (unsigned long)s->rr->line);
}

size_t mxh_step_format(const mxh_step *s, char *buf, size_t bufsz)
{
    size_t len = 0;
    if (bufsz)
        buf[0] = '\0';
    if (!s)
        return 0;
    put_step(buf, bufsz, &len, s);
    return len;
}

size_t mxh_route_format(const mxh_route *r, char *buf, size_t bufsz)
{
    size_t len = 0;
    if (bufsz)
        buf[0] = '\0';
    if (!r)
        return 0;
    put(buf, bufsz, &len, "mail route for %s: %s\n", r->domain, mxh_route_kind_name(r->kind));
    for (size_t i = 0; i < r->nsteps; i++) {
        const mxh_step *s = &r->steps[i];
        if (s->exchange >= 0)
            put(buf, bufsz, &len, "  [%d] ", (int)s->exchange);
        else
            put(buf, bufsz, &len, "  ");
        put_step(buf, bufsz, &len, s);
        put(buf, bufsz, &len, "\n");
    }
    return len;
}

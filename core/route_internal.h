/* SPDX-License-Identifier: MIT */
/*
 * route_internal.h — lookup and mail-route internals shared by core/lookup.c,
 * core/route.c and the Lua bridge. Not installed.
 *
 * The *_ctx variants take a context zone: a name whose enclosing zone has
 * the same origin as ctx is answered from ctx, so a shadowed duplicate zone
 * answers for itself (see mxh_zs_zone_for). ctx may be NULL. Names given to
 * them must already be canonical (mxh_name_from_user() makes user text so);
 * an empty name or one of MXH_NAME_BUF bytes or more is MXH_ERR_ARG.
 */
#ifndef MXH_ROUTE_INTERNAL_H
#define MXH_ROUTE_INTERNAL_H

#include "mxh_internal.h"

/* One step of a lookup or a route. Strings are interned in the zone set, or
 * owned by the result object the step belongs to. */
struct mxh_step {
    const char *name;
    const char *target;
    const mxh_rr *rr;
    int32_t exchange;         /* -1: about the domain itself */
    uint8_t kind;             /* mxh_step_kind */
};

/* Query type meaning "A or AAAA" (type 0 is reserved, RFC 6895 §3.1): used
 * to resolve a mail exchange once for both address types. */
#define MXH_QTYPE_ADDRESS 0

/* Room for the steps of one resolution chain: at most MXH_CNAME_LIMIT
 * redirections of at most two steps each (wildcard + cname), then at most
 * two closing steps (wildcard + nodata/loop/...). */
#define MXH_CHAIN_STEPS   (2 * MXH_CNAME_LIMIT + 4)
/* Room for names the chain makes itself: the query name when the caller's
 * string is not stable, and names synthesized from DNAME (RFC 6672). */
#define MXH_CHAIN_NAMES   4096

/*
 * The resolution of one name: the path and where it ended. Lives on the
 * stack of its caller; results copy it (see mxh_chain_copy_steps).
 */
typedef struct mxh_chain {
    mxh_step steps[MXH_CHAIN_STEPS];
    size_t nsteps;
    mxh_lookup_status status;
    const mxh_node *node;     /* ANSWER/NODATA: the node holding the data (maybe a wildcard) */
    const char *qname;        /* the name asked (in names[] when copied) */
    const char *final_name;   /* name reached after CNAME/DNAME */
    bool wildcard;            /* the final data was synthesized from a wildcard */
    bool via_wildcard;        /* some step of the chain is a wildcard */
    bool via_cname;           /* some step of the chain is a cname (or DNAME) */
    size_t names_used;        /* bytes used in names[] */
    char names[MXH_CHAIN_NAMES];
} mxh_chain;

/*
 * Resolve canon (canonical) for qtype over zs, RFC 1034 §4.3.2 with RFC 4592
 * wildcards, RFC 6672 DNAME, CNAME chains across zones. qtype may be
 * MXH_QTYPE_ADDRESS. If copy_name, canon is copied into ch->names first (the
 * caller's string need not outlive the call); otherwise steps may point at
 * canon. Steps get exchange index xi. Never fails: limits become LOOP.
 */
MXH_HIDDEN void mxh_chain_resolve(const mxh_zoneset *zs, const mxh_zone *ctx, const char *canon,
                                  uint16_t qtype, bool copy_name, int32_t xi, mxh_chain *ch);
/* Whether record type t answers query type qtype. */
MXH_HIDDEN bool mxh_qtype_matches(uint16_t qtype, uint16_t t);
/*
 * Copy ch's steps to dst, moving names that live in ch->names to names_dst
 * (ch->names_used bytes are copied there). Returns the number of steps.
 */
MXH_HIDDEN size_t mxh_chain_copy_steps(const mxh_chain *ch, mxh_step *dst, char *names_dst);
/* A pointer that lives in ch->names, moved to names_dst; others unchanged. */
MXH_HIDDEN const char *mxh_chain_move_name(const mxh_chain *ch, const char *p, char *names_dst);

/* Lookup and route with a context zone (see the top of this file). */
MXH_HIDDEN mxh_status mxh_lookup_ctx(const mxh_zoneset *zs, const mxh_zone *ctx, const char *canon,
                                     uint16_t type, mxh_lookup **out);
MXH_HIDDEN mxh_status mxh_mail_route_ctx(const mxh_zoneset *zs, const mxh_zone *ctx,
                                         const char *canon, mxh_route **out);

/*
 * One line for a step into buf (truncated to bufsz, always NUL-terminated if
 * bufsz > 0); returns the full length. E.g.
 *   "mx example.com. -> mail.example.com. (example.zone:3)"
 *   "address mail.example.com. = 10.0.1.100 (example.zone:5)"
 */
MXH_HIDDEN size_t mxh_step_format(const mxh_step *s, char *buf, size_t bufsz);
/* The whole route, one step a line, exchange steps indented; returns the full length. */
MXH_HIDDEN size_t mxh_route_format(const mxh_route *r, char *buf, size_t bufsz);

#endif /* MXH_ROUTE_INTERNAL_H */

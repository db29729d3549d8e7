/* SPDX-License-Identifier: MIT */
/*
 * mxhazard.h — the one public header of libmxhazard.
 *
 * libmxhazard loads DNS zone exports into a zone set, resolves where mail for
 * a domain goes (RFC 1034 §4.3.2 lookup, RFC 4592 wildcards, RFC 5321 §5.1
 * mail routing, RFC 7505 null MX) and runs hazard rules written in Lua over
 * the loaded data.
 *
 * Ownership, once for the whole API:
 *  1. mxh_*_new(), mxh_lookup_name(), mxh_mail_route(), mxh_changeset_apply()
 *     and mxh_whatif_compare() give you an object you own; release it with the
 *     matching mxh_*_free(). Every _free() accepts NULL.
 *     Accessors of borrowed objects (records, zones, steps, exchanges,
 *     findings) expect a valid object: do not pass NULL.
 *  2. Anything returned as `const T *` or `const char *` is borrowed from the
 *     object you passed in and lives until that object is freed (records and
 *     zones live as long as their zone set). A comment names any shorter
 *     life, e.g. "valid only inside the callback".
 *  3. The library copies caller strings and buffers; it never keeps a pointer
 *     to them after a call returns.
 *  4. There is no global state. A zone set is read-only once loading is done,
 *     so several threads may look up and route over one zone set at once, each
 *     with its own mxh_engine. Loading into a zone set is not thread-safe.
 *
 * Names passed in may be relative-free presentation names in any case, with or
 * without the final dot ("Example.COM" == "example.com."). Names returned are
 * canonical: lower-case, absolute, with the final dot.
 */
#ifndef MXHAZARD_H
#define MXHAZARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MXH_BUILDING) && defined(__GNUC__)
#define MXH_API __attribute__((visibility("default")))
#else
#define MXH_API
#endif

#define MXH_VERSION_MAJOR 0
#define MXH_VERSION_MINOR 1
#define MXH_VERSION_PATCH 0
#define MXH_VERSION_STRING "0.1.0"
/** The library's version string at run time (compare with MXH_VERSION_STRING). */
MXH_API const char *mxh_version(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */

typedef enum mxh_status {
    MXH_OK = 0,
    MXH_ERR_NOMEM,      /* out of memory */
    MXH_ERR_IO,         /* a file could not be opened or read */
    MXH_ERR_PARSE,      /* input was loaded, but some lines were rejected */
    MXH_ERR_INCLUDE,    /* an $INCLUDE was refused or failed */
    MXH_ERR_RULE_LOAD,  /* a rule file could not be loaded */
    MXH_ERR_RULE_RUN,   /* a rule failed while running */
    MXH_ERR_LIMIT,      /* a size, depth or count limit was hit */
    MXH_ERR_ARG,        /* a bad argument (NULL, unknown name, bad format) */
    MXH_ERR_NOTFOUND,   /* no such zone, rule or object */
    MXH_ERR_FORMAT      /* input is not a zone file (binary, unknown format) */
} mxh_status;

/** A static English text for a status; never NULL. */
MXH_API const char *mxh_strerror(mxh_status st);

/* ------------------------------------------------------------------------ */
/* Opaque handles                                                           */

typedef struct mxh_zoneset mxh_zoneset;  /* zones, name index, inventory, diagnostics */
typedef struct mxh_zone    mxh_zone;     /* one zone (borrowed from its zone set) */
typedef struct mxh_rr      mxh_rr;       /* one resource record (borrowed) */
typedef struct mxh_diag    mxh_diag;     /* one load diagnostic (borrowed) */
typedef struct mxh_lookup  mxh_lookup;   /* result of mxh_lookup() (owned) */
typedef struct mxh_route   mxh_route;    /* result of mxh_mail_route() (owned) */
typedef struct mxh_step    mxh_step;     /* one step of a lookup or route (borrowed) */
typedef struct mxh_exchange mxh_exchange;/* one mail exchange of a route (borrowed) */
typedef struct mxh_server  mxh_server;   /* one shared server of the inventory (borrowed) */

/* ------------------------------------------------------------------------ */
/* Zone sets and loading                                                    */

typedef enum mxh_format {
    MXH_FMT_AUTO = 0,     /* detect from content */
    MXH_FMT_BIND,         /* RFC 1035 master file */
    MXH_FMT_VALUEDOMAIN,  /* registrar panel text: "mx @ mail 10", "mxe mail 1.2.3.4 10" */
    MXH_FMT_TABLE         /* control-panel table: "host type content [priority] [ttl]" */
} mxh_format;

/** Parse "auto", "bind", "valuedomain", "table"; MXH_ERR_ARG if unknown. */
MXH_API mxh_status mxh_format_parse(const char *text, mxh_format *out);
MXH_API const char *mxh_format_name(mxh_format fmt);

typedef struct mxh_load_opts {
    const char *origin;       /* names the zone (as a server's configuration does), even when
                               * the file's $ORIGIN differs (a notice says so); NULL: the SOA
                               * owner if the SOA is the first record, else the last $ORIGIN
                               * before the first record, else the file name */
    mxh_format format;        /* MXH_FMT_AUTO by default */
    const char *include_root; /* $INCLUDE confinement; NULL: the top file's directory */
    unsigned include_depth;   /* 0: default (8) */
    uint32_t default_ttl;     /* 0: default (3600) when no $TTL/SOA gives one */
} mxh_load_opts;

MXH_API mxh_status mxh_zoneset_new(mxh_zoneset **out);
MXH_API void       mxh_zoneset_free(mxh_zoneset *zs);

/**
 * Load one zone file. opts may be NULL. On success *out_zone (if non-NULL)
 * is the zone the file went into. Lines that cannot be parsed are recorded
 * as diagnostics with file and line; the zone is still loaded, marked
 * incomplete, and the call returns MXH_ERR_PARSE. A file that cannot be read
 * or is not a zone returns MXH_ERR_IO / MXH_ERR_FORMAT with a diagnostic and
 * no zone. Detailed text: mxh_zoneset_errmsg().
 */
MXH_API mxh_status mxh_zoneset_load_file(mxh_zoneset *zs, const char *path,
                                         const mxh_load_opts *opts, mxh_zone **out_zone);
/**
 * Load a zone from memory. `name` is shown as the file in diagnostics and
 * evidence (e.g. "db:customer-42"); it also serves as the file name for
 * origin detection. $INCLUDE is refused in buffers unless opts->include_root
 * is set.
 */
MXH_API mxh_status mxh_zoneset_load_buffer(mxh_zoneset *zs, const char *name,
                                           const char *buf, size_t len,
                                           const mxh_load_opts *opts, mxh_zone **out_zone);
/**
 * Read a zone file as mxh_zoneset_load_file() does (same formats, options,
 * checks, $INCLUDE handling and diagnostics, which go to zs as usual) but
 * keep nothing: each record is handed to fn, in file order, and zs gains no
 * zone and no record. For one pass over input too big to hold, or a syntax
 * check. rr is valid during the call only; so is every string it gives (owner,
 * RDATA, target, texts as written), and mxh_rr_zone(rr), which names the zone
 * being read (mxh_zone_origin) but is not one of zs's zones. Diagnostics of a
 * parse have no zone (mxh_diag_zone() is NULL). What needs the whole zone is
 * not done: no delegation marking, no lookups, no duplicate-origin warning.
 * fn returns 0 to go on, non-zero to stop reading (the call then returns what
 * it would have for the part read). Returns as mxh_zoneset_load_file().
 */
typedef int (*mxh_record_fn)(const mxh_rr *rr, void *ud);
MXH_API mxh_status mxh_zoneset_parse_file(mxh_zoneset *zs, const char *path,
                                          const mxh_load_opts *opts, mxh_record_fn fn, void *ud);
/** The same from memory (`name` as for mxh_zoneset_load_buffer()). */
MXH_API mxh_status mxh_zoneset_parse_buffer(mxh_zoneset *zs, const char *name,
                                            const char *buf, size_t len,
                                            const mxh_load_opts *opts, mxh_record_fn fn,
                                            void *ud);
/**
 * Load a shared-host inventory: one server a line,
 * "server-name  address[,address…]  domain [domain …]", '#' comments.
 * A server may appear on several lines (its addresses and domains merge).
 */
MXH_API mxh_status mxh_zoneset_load_inventory(mxh_zoneset *zs, const char *path);
MXH_API mxh_status mxh_zoneset_load_inventory_buffer(mxh_zoneset *zs, const char *name,
                                                     const char *buf, size_t len);

/**
 * Move everything src holds into dst and free src: its zones (after dst's, in
 * src's order), records, file names and diagnostics. The result is the zone
 * set that loading src's inputs into dst, after what dst held, would have
 * made; so inputs can be loaded on several threads, one zone set each, and
 * joined in input order. Pointers to src's zones, records and diagnostics
 * stay valid: they now belong to dst.
 * The one diagnostic that depends on what else is loaded, the warning that a
 * zone's origin was already loaded, is recomputed against dst: dropped where
 * dst holds no earlier zone of that origin, added where it does, at the place
 * loading would have put it (after the zone's earlier diagnostics, before its
 * later ones); every other diagnostic keeps its order.
 * MXH_ERR_ARG: src is dst, or src holds an inventory (load it into dst).
 * MXH_ERR_LIMIT: the two together hold more node blocks or files than one zone set can
 * address (join fewer, larger sets). On any error both sets are unchanged.
 */
MXH_API mxh_status mxh_zoneset_merge(mxh_zoneset *dst, mxh_zoneset *src);

/** The last error's detailed text ("a.zone:12: bad TTL"); valid until the next call on zs. */
MXH_API const char *mxh_zoneset_errmsg(const mxh_zoneset *zs);

/* Diagnostics: every problem met while loading, in the order met. */
typedef enum mxh_diag_level { MXH_DIAG_ERROR = 0, MXH_DIAG_WARNING, MXH_DIAG_NOTICE } mxh_diag_level;
MXH_API size_t          mxh_zoneset_diag_count(const mxh_zoneset *zs);
MXH_API const mxh_diag *mxh_zoneset_diag(const mxh_zoneset *zs, size_t i);
MXH_API mxh_diag_level  mxh_diag_level_of(const mxh_diag *d);
MXH_API const char     *mxh_diag_file(const mxh_diag *d);     /* never NULL */
MXH_API unsigned long   mxh_diag_line(const mxh_diag *d);     /* 0: whole file */
MXH_API const char     *mxh_diag_message(const mxh_diag *d);
MXH_API const mxh_zone *mxh_diag_zone(const mxh_diag *d);     /* NULL if no zone was made */

/* Zones, in load order. */
MXH_API size_t          mxh_zoneset_zone_count(const mxh_zoneset *zs);
MXH_API const mxh_zone *mxh_zoneset_zone(const mxh_zoneset *zs, size_t i);
/** The loaded zone that encloses name most closely, or NULL (the name is external). */
MXH_API const mxh_zone *mxh_zoneset_find_zone(const mxh_zoneset *zs, const char *name);
MXH_API size_t          mxh_zoneset_record_count(const mxh_zoneset *zs);

MXH_API const char   *mxh_zone_origin(const mxh_zone *z);   /* canonical */
MXH_API const char   *mxh_zone_file(const mxh_zone *z);     /* top file or buffer name */
MXH_API mxh_format    mxh_zone_format(const mxh_zone *z);
MXH_API size_t        mxh_zone_record_count(const mxh_zone *z);
MXH_API size_t        mxh_zone_rejected_count(const mxh_zone *z); /* lines not loaded */
MXH_API int           mxh_zone_incomplete(const mxh_zone *z);     /* rejected_count > 0 */
/** Whether a zone loaded earlier has the same origin (names then resolve to
 *  that first copy, except from within this zone). */
MXH_API int           mxh_zone_shadowed(const mxh_zone *z);
/** Records in file order (includes expanded in place). i < mxh_zone_record_count(). */
MXH_API const mxh_rr *mxh_zone_record(const mxh_zone *z, size_t i);
/** Whether the zone holds at least one record of this type. */
MXH_API int           mxh_zone_has_type(const mxh_zone *z, uint16_t type);

/* ------------------------------------------------------------------------ */
/* Records                                                                  */

#define MXH_TYPE_A      1
#define MXH_TYPE_NS     2
#define MXH_TYPE_CNAME  5
#define MXH_TYPE_SOA    6
#define MXH_TYPE_PTR    12
#define MXH_TYPE_MX     15
#define MXH_TYPE_TXT    16
#define MXH_TYPE_AAAA   28
#define MXH_TYPE_SRV    33
#define MXH_TYPE_DNAME  39
#define MXH_TYPE_SPF    99
#define MXH_TYPE_ANY    255
#define MXH_TYPE_CAA    257

/** "MX" -> 15, "TYPE65534" -> 65534; 0 if unknown. Case-insensitive. */
MXH_API uint16_t    mxh_type_from_name(const char *name);
/** 15 -> "MX", 65534 -> "TYPE65534". The returned text is static or lives in buf. */
MXH_API const char *mxh_type_name(uint16_t type, char buf[16]);

MXH_API const char   *mxh_rr_owner(const mxh_rr *rr);       /* canonical owner */
MXH_API uint16_t      mxh_rr_type(const mxh_rr *rr);
MXH_API uint16_t      mxh_rr_class(const mxh_rr *rr);       /* 1 = IN */
MXH_API uint32_t      mxh_rr_ttl(const mxh_rr *rr);
/** RDATA in canonical presentation form: names absolute and lower-case, TXT quoted. */
MXH_API const char   *mxh_rr_rdata(const mxh_rr *rr);
/** The name the record points at (MX exchange, CNAME/DNAME/NS/PTR target, SRV target), canonical; NULL otherwise. */
MXH_API const char   *mxh_rr_target(const mxh_rr *rr);
/** MX preference or SRV priority; 0 for other types. */
MXH_API unsigned      mxh_rr_preference(const mxh_rr *rr);
/** Whether the target name was written without a final dot (the origin was appended). */
MXH_API int           mxh_rr_target_relative(const mxh_rr *rr);
/** The owner as written ("@", "mail", "" for a blank owner, "mail.example.com."). */
MXH_API const char   *mxh_rr_owner_text(const mxh_rr *rr);
/** The RDATA as written (comments stripped, parentheses joined, whitespace folded). */
MXH_API const char   *mxh_rr_rdata_text(const mxh_rr *rr);
MXH_API const char   *mxh_rr_file(const mxh_rr *rr);
MXH_API unsigned long mxh_rr_line(const mxh_rr *rr);
MXH_API const mxh_zone *mxh_rr_zone(const mxh_rr *rr);
/** "owner TTL IN TYPE rdata" into buf (truncated to bufsz); returns the full length. */
MXH_API size_t        mxh_rr_format(const mxh_rr *rr, char *buf, size_t bufsz);

/* ------------------------------------------------------------------------ */
/* Lookup (RFC 1034 §4.3.2, RFC 4592) and mail routes (RFC 5321 §5.1, RFC 7505) */

typedef enum mxh_step_kind {
    MXH_STEP_MX = 0,    /* an MX record of the domain (rr); target = exchange */
    MXH_STEP_CNAME,     /* name is an alias (rr); target = canonical name */
    MXH_STEP_WILDCARD,  /* name exists only through synthesis from rr's owner (RFC 4592) */
    MXH_STEP_ADDRESS,   /* name has address target (A/AAAA rr) */
    MXH_STEP_NXDOMAIN,  /* name does not exist in authoritative data */
    MXH_STEP_NODATA,    /* name exists but has no record of the type asked */
    MXH_STEP_DELEGATED, /* name lies at or below a zone cut (rr = the NS) */
    MXH_STEP_EXTERNAL,  /* name is outside every loaded zone: unknown, not an error */
    MXH_STEP_LOOP,      /* a CNAME loop or a chain longer than the limit */
    MXH_STEP_NULL_MX,   /* RFC 7505 null MX "MX 0 ." (rr) */
    MXH_STEP_IMPLICIT   /* no MX: the domain itself is the exchange (RFC 5321 §5.1) */
} mxh_step_kind;

MXH_API const char *mxh_step_kind_name(mxh_step_kind k); /* "mx", "cname", … */

MXH_API mxh_step_kind  mxh_step_kind_of(const mxh_step *s);
MXH_API const char    *mxh_step_name(const mxh_step *s);   /* the name this step is about */
/** Next name (mx/cname), the address text (address), the wildcard owner (wildcard); or NULL. */
MXH_API const char    *mxh_step_target(const mxh_step *s);
MXH_API const mxh_rr  *mxh_step_record(const mxh_step *s); /* source record, or NULL */
/** Index of the exchange the step belongs to, or -1 for steps about the domain itself. */
MXH_API int            mxh_step_exchange(const mxh_step *s);

/** Lookup outcome. */
typedef enum mxh_lookup_status {
    MXH_LK_ANSWER = 0,  /* records found (maybe via CNAMEs and/or a wildcard) */
    MXH_LK_NODATA,
    MXH_LK_NXDOMAIN,
    MXH_LK_DELEGATED,
    MXH_LK_EXTERNAL,
    MXH_LK_LOOP
} mxh_lookup_status;
MXH_API const char *mxh_lookup_status_name(mxh_lookup_status st);

/**
 * Look name up for type, following CNAMEs (chain limit 16, loops detected)
 * across all loaded zones. *out is yours: mxh_lookup_free().
 */
MXH_API mxh_status mxh_lookup_name(const mxh_zoneset *zs, const char *name, uint16_t type,
                                   mxh_lookup **out);
MXH_API void              mxh_lookup_free(mxh_lookup *lk);
MXH_API mxh_lookup_status mxh_lookup_status_of(const mxh_lookup *lk);
/** Final name reached after CNAMEs. */
MXH_API const char       *mxh_lookup_final_name(const mxh_lookup *lk);
MXH_API size_t            mxh_lookup_answer_count(const mxh_lookup *lk);
/** Answer records (for a wildcard answer: the wildcard's own records). */
MXH_API const mxh_rr     *mxh_lookup_answer(const mxh_lookup *lk, size_t i);
MXH_API int               mxh_lookup_wildcard(const mxh_lookup *lk); /* answer synthesized */
/** The chain of steps (cname, wildcard, delegated, nxdomain, …) that led to the result. */
MXH_API size_t            mxh_lookup_step_count(const mxh_lookup *lk);
MXH_API const mxh_step   *mxh_lookup_step(const mxh_lookup *lk, size_t i);

/** What kind of route a domain has. */
typedef enum mxh_route_kind {
    MXH_ROUTE_MX = 0,    /* explicit MX RRset */
    MXH_ROUTE_IMPLICIT,  /* no MX, the domain has addresses: implicit MX (RFC 5321 §5.1) */
    MXH_ROUTE_NULL_MX,   /* RFC 7505: the domain accepts no mail */
    MXH_ROUTE_NONE,      /* no MX and no address: mail cannot be delivered */
    MXH_ROUTE_NXDOMAIN,  /* the domain does not exist */
    MXH_ROUTE_EXTERNAL,  /* outside the loaded zones: unknown */
    MXH_ROUTE_DELEGATED, /* at or below a zone cut whose child is not loaded: unknown */
    MXH_ROUTE_LOOP       /* the domain is a CNAME loop */
} mxh_route_kind;
MXH_API const char *mxh_route_kind_name(mxh_route_kind k); /* "mx", "implicit", "null-mx", … */

/** Where an exchange's resolution ended. */
typedef enum mxh_exchange_status {
    MXH_EX_ADDRESSES = 0, /* at least one A/AAAA */
    MXH_EX_NXDOMAIN,
    MXH_EX_NODATA,
    MXH_EX_LOOP,
    MXH_EX_EXTERNAL,
    MXH_EX_DELEGATED
} mxh_exchange_status;
MXH_API const char *mxh_exchange_status_name(mxh_exchange_status st);

/**
 * The mail route for domain: MX by preference (ties in record order), each
 * exchange resolved to A and AAAA following CNAMEs. *out is yours:
 * mxh_route_free().
 */
MXH_API mxh_status mxh_mail_route(const mxh_zoneset *zs, const char *domain, mxh_route **out);
MXH_API void            mxh_route_free(mxh_route *r);
MXH_API const char     *mxh_route_domain(const mxh_route *r);
MXH_API mxh_route_kind  mxh_route_kind_of(const mxh_route *r);
/** Steps in order: route-level steps first (cname of the domain, mx/implicit/null-mx), then each exchange's. */
MXH_API size_t          mxh_route_step_count(const mxh_route *r);
MXH_API const mxh_step *mxh_route_step(const mxh_route *r, size_t i);
MXH_API size_t          mxh_route_exchange_count(const mxh_route *r);
MXH_API const mxh_exchange *mxh_route_exchange(const mxh_route *r, size_t i);

MXH_API const char     *mxh_exchange_name(const mxh_exchange *x);      /* canonical */
MXH_API unsigned        mxh_exchange_preference(const mxh_exchange *x);
MXH_API const mxh_rr   *mxh_exchange_record(const mxh_exchange *x);    /* the MX; NULL if implicit */
MXH_API mxh_exchange_status mxh_exchange_status_of(const mxh_exchange *x);
MXH_API int             mxh_exchange_via_wildcard(const mxh_exchange *x); /* addresses synthesized */
MXH_API int             mxh_exchange_via_cname(const mxh_exchange *x);
MXH_API size_t          mxh_exchange_address_count(const mxh_exchange *x);
MXH_API const char     *mxh_exchange_address(const mxh_exchange *x, size_t i); /* "10.0.1.100", "2001:db8::1" */
MXH_API const mxh_rr   *mxh_exchange_address_record(const mxh_exchange *x, size_t i);
/** This exchange's steps (a subset of the route's steps, in order). */
MXH_API size_t          mxh_exchange_step_count(const mxh_exchange *x);
MXH_API const mxh_step *mxh_exchange_step(const mxh_exchange *x, size_t i);

/* ------------------------------------------------------------------------ */
/* Shared-host inventory (seed 004: local delivery on shared servers)       */

MXH_API size_t            mxh_zoneset_server_count(const mxh_zoneset *zs);
MXH_API const mxh_server *mxh_zoneset_server(const mxh_zoneset *zs, size_t i);
MXH_API const char       *mxh_server_name(const mxh_server *s);        /* canonical */
MXH_API size_t            mxh_server_address_count(const mxh_server *s);
MXH_API const char       *mxh_server_address(const mxh_server *s, size_t i);
MXH_API size_t            mxh_server_domain_count(const mxh_server *s);
MXH_API const char       *mxh_server_domain(const mxh_server *s, size_t i); /* canonical */
MXH_API const char       *mxh_server_file(const mxh_server *s);
MXH_API unsigned long     mxh_server_line(const mxh_server *s);         /* first line naming it */
/** Servers that deliver domain locally; fills up to max into out, returns the total. */
MXH_API size_t mxh_zoneset_local_servers(const mxh_zoneset *zs, const char *domain,
                                         const mxh_server **out, size_t max);

/* ------------------------------------------------------------------------ */
/* Rule engine (bindings/lua): hazard rules written in Lua, run sandboxed.  */
/* One engine holds one Lua state: use one engine per thread.               */

typedef struct mxh_engine  mxh_engine;
typedef struct mxh_rule    mxh_rule;     /* borrowed from its engine */
typedef struct mxh_finding mxh_finding;  /* borrowed; valid only inside the callback */

typedef enum mxh_severity { MXH_SEV_ERROR = 0, MXH_SEV_WARNING, MXH_SEV_INFO } mxh_severity;
MXH_API const char *mxh_severity_name(mxh_severity sev);              /* "error", … */
MXH_API mxh_status  mxh_severity_parse(const char *text, mxh_severity *out);

typedef struct mxh_engine_opts {
    size_t   lua_memory;       /* bytes per rule per zone; 0: default (64 MiB) */
    uint64_t lua_instructions; /* VM instructions per rule per zone; 0: default (100 million) */
    int      no_builtin;       /* non-zero: do not load the compiled-in rules */
} mxh_engine_opts;

MXH_API mxh_status  mxh_engine_new(const mxh_engine_opts *opts /* NULL: defaults */, mxh_engine **out);
MXH_API void        mxh_engine_free(mxh_engine *e);
MXH_API const char *mxh_engine_errmsg(const mxh_engine *e);  /* until the next call on e */
/**
 * Load a rule file, or every *.lua in a directory (sorted by name). A rule
 * whose id equals a loaded rule's replaces it and leaves a notice. A rule
 * file that fails validation is not loaded: MXH_ERR_RULE_LOAD, and
 * mxh_engine_errmsg() names the file and the field.
 */
MXH_API mxh_status  mxh_engine_load_rules(mxh_engine *e, const char *file_or_dir);
MXH_API mxh_status  mxh_engine_load_rule_buffer(mxh_engine *e, const char *name,
                                                const char *buf, size_t len);
MXH_API size_t      mxh_engine_notice_count(const mxh_engine *e);
MXH_API const char *mxh_engine_notice(const mxh_engine *e, size_t i);
/** Enable only the comma-separated ids in only_csv (NULL: all), then disable skip_csv (NULL: none).
 *  An unknown id is MXH_ERR_NOTFOUND (errmsg names it). */
MXH_API mxh_status  mxh_engine_select(mxh_engine *e, const char *only_csv, const char *skip_csv);
MXH_API mxh_status  mxh_engine_set_severity(mxh_engine *e, const char *rule_id, mxh_severity sev);

MXH_API size_t          mxh_engine_rule_count(const mxh_engine *e);
MXH_API const mxh_rule *mxh_engine_rule(const mxh_engine *e, size_t i);      /* sorted by id */
MXH_API const mxh_rule *mxh_engine_find_rule(const mxh_engine *e, const char *id);
MXH_API const char     *mxh_rule_id(const mxh_rule *r);
MXH_API const char     *mxh_rule_title(const mxh_rule *r);
MXH_API const char     *mxh_rule_description(const mxh_rule *r);
MXH_API mxh_severity    mxh_rule_severity(const mxh_rule *r);   /* after overrides */
MXH_API size_t          mxh_rule_reference_count(const mxh_rule *r);
MXH_API const char     *mxh_rule_reference(const mxh_rule *r, size_t i);
MXH_API const char     *mxh_rule_example(const mxh_rule *r);    /* a zone that fires it, or NULL */
MXH_API const char     *mxh_rule_fix(const mxh_rule *r);        /* generic remedy text, or NULL */
MXH_API const char     *mxh_rule_file(const mxh_rule *r);       /* "builtin:rules/x.lua" or a path */
MXH_API int             mxh_rule_builtin(const mxh_rule *r);
MXH_API int             mxh_rule_enabled(const mxh_rule *r);

typedef enum mxh_finding_kind {
    MXH_FINDING = 0,      /* a rule reported a hazard */
    MXH_FINDING_RULE_ERROR /* a rule failed on a zone: rule id, zone and reason in message */
} mxh_finding_kind;

/** Return non-zero to stop the scan (mxh_engine_scan then returns MXH_OK). */
typedef int (*mxh_finding_fn)(const mxh_finding *f, void *ud);

/** Run every enabled rule over one zone of zs. */
MXH_API mxh_status mxh_engine_scan_zone(mxh_engine *e, const mxh_zoneset *zs, const mxh_zone *z,
                                        mxh_finding_fn fn, void *ud);
/** Run every enabled rule over every zone of zs, in load order. */
MXH_API mxh_status mxh_engine_scan(mxh_engine *e, const mxh_zoneset *zs, mxh_finding_fn fn, void *ud);

MXH_API mxh_finding_kind mxh_finding_kind_of(const mxh_finding *f);
MXH_API const char   *mxh_finding_rule(const mxh_finding *f);      /* rule id, "rule-error" kind keeps the failing rule's id */
MXH_API mxh_severity  mxh_finding_severity(const mxh_finding *f);
MXH_API const char   *mxh_finding_zone(const mxh_finding *f);      /* zone origin, canonical */
MXH_API const char   *mxh_finding_owner(const mxh_finding *f);     /* canonical */
MXH_API const char   *mxh_finding_message(const mxh_finding *f);
MXH_API const char   *mxh_finding_fix(const mxh_finding *f);       /* "" if none */
MXH_API const char   *mxh_finding_file(const mxh_finding *f);      /* primary location */
MXH_API unsigned long mxh_finding_line(const mxh_finding *f);
MXH_API size_t        mxh_finding_evidence_count(const mxh_finding *f);
MXH_API const char   *mxh_finding_evidence_file(const mxh_finding *f, size_t i);
MXH_API unsigned long mxh_finding_evidence_line(const mxh_finding *f, size_t i);
MXH_API const char   *mxh_finding_evidence_text(const mxh_finding *f, size_t i); /* record or step text */

/* ------------------------------------------------------------------------ */
/* What-if: the mail impact of a DNS change before it is made               */
/*
 * A changeset is a list of changes, each a record in master-file syntax
 * behind an operation:
 *   set OWNER [TTL] [CLASS] TYPE RDATA  replace the RRset OWNER/TYPE by this record
 *   add OWNER [TTL] [CLASS] TYPE RDATA  add a record (an identical one is not added twice)
 *   del OWNER TYPE [RDATA]              delete one record, or the whole RRset
 *                                       (TYPE ANY: every record at OWNER)
 *   inventory add SERVER ADDRESS[,ADDRESS...] DOMAIN...
 *   inventory del SERVER [DOMAIN...]    (no domain: the whole server)
 * Changes apply in order to a copy of a zone set; the original is untouched.
 * Names follow master-file rules: without a final dot the origin is appended
 * (the changeset's origin, else the zone set's only zone; with several zones
 * and no origin a relative name is refused as ambiguous).
 */

typedef struct mxh_changeset      mxh_changeset;
typedef struct mxh_change         mxh_change;          /* borrowed from its changeset */
typedef struct mxh_cdn_ranges     mxh_cdn_ranges;
typedef struct mxh_whatif         mxh_whatif;
typedef struct mxh_whatif_domain  mxh_whatif_domain;   /* borrowed from its mxh_whatif */
typedef struct mxh_whatif_finding mxh_whatif_finding;  /* borrowed from its mxh_whatif */

typedef enum mxh_change_op {
    MXH_CHANGE_SET = 0,
    MXH_CHANGE_ADD,
    MXH_CHANGE_DEL,
    MXH_CHANGE_INV_ADD,   /* inventory add */
    MXH_CHANGE_INV_DEL    /* inventory del */
} mxh_change_op;
/** "set", "add", "del", "inventory add", "inventory del". */
MXH_API const char *mxh_change_op_name(mxh_change_op op);

MXH_API mxh_status mxh_changeset_new(mxh_changeset **out);
MXH_API void       mxh_changeset_free(mxh_changeset *cs);
/** Origin for relative names in later applies (NULL: none). */
MXH_API mxh_status mxh_changeset_set_origin(mxh_changeset *cs, const char *origin);
/**
 * Parse one change. source names it in evidence and messages ("--change #1",
 * a file name); line is its line there (0: none). MXH_ERR_PARSE if the text
 * is not a change (mxh_changeset_errmsg says why); nothing is added then.
 */
MXH_API mxh_status mxh_changeset_add(mxh_changeset *cs, const char *text, const char *source,
                                     unsigned long line);
/**
 * One change a line; blank lines and lines starting with '#' or ';' are
 * skipped. Bad lines are counted (mxh_changeset_error) and the rest still
 * loads: MXH_ERR_PARSE. A file that cannot be read: MXH_ERR_IO.
 */
MXH_API mxh_status mxh_changeset_load_buffer(mxh_changeset *cs, const char *name,
                                             const char *buf, size_t len);
MXH_API mxh_status mxh_changeset_load_file(mxh_changeset *cs, const char *path);
MXH_API const char *mxh_changeset_errmsg(const mxh_changeset *cs);  /* the last error */
MXH_API size_t      mxh_changeset_error_count(const mxh_changeset *cs);
MXH_API const char *mxh_changeset_error(const mxh_changeset *cs, size_t i); /* "file:line: why" */
MXH_API size_t            mxh_changeset_count(const mxh_changeset *cs);
MXH_API const mxh_change *mxh_changeset_change(const mxh_changeset *cs, size_t i);
MXH_API mxh_change_op mxh_change_op_of(const mxh_change *c);
MXH_API const char   *mxh_change_text(const mxh_change *c);   /* as written, whitespace folded */
MXH_API const char   *mxh_change_owner(const mxh_change *c);  /* owner as written; server for inventory */
MXH_API uint16_t      mxh_change_type(const mxh_change *c);   /* 0 for inventory changes */
MXH_API const char   *mxh_change_source(const mxh_change *c);
MXH_API unsigned long mxh_change_line(const mxh_change *c);

/**
 * Apply cs to a copy of zs: *out (yours) holds every zone and record of zs
 * with its file and line, and the changes made; a changed record's file and
 * line are its change's source and line. zs's inventory is copied with the
 * inventory changes applied. A change that cannot be applied (no loaded zone
 * holds its owner, bad RDATA, an ambiguous relative name, nothing to delete)
 * becomes an error diagnostic of *out naming the change's source and line;
 * the call then returns MXH_ERR_PARSE, *out still set. zs is not modified.
 */
MXH_API mxh_status mxh_changeset_apply(const mxh_changeset *cs, const mxh_zoneset *zs,
                                       mxh_zoneset **out);

/*
 * CDN/WAF address ranges: a front end for web traffic that does not accept
 * mail (data/cdn-ranges.txt, compiled in: "provider prefix" lines, '#'
 * comments). Users may add files of the same form.
 */
/** A table holding the built-in ranges; yours: mxh_cdn_ranges_free(). Once
 *  loading is done it is read-only: engines in several threads may share one. */
MXH_API mxh_status  mxh_cdn_ranges_new(mxh_cdn_ranges **out);
MXH_API void        mxh_cdn_ranges_free(mxh_cdn_ranges *r);
/** Add ranges. Bad lines are skipped and counted: MXH_ERR_PARSE, errmsg "file:line: why". */
MXH_API mxh_status  mxh_cdn_ranges_load_file(mxh_cdn_ranges *r, const char *path);
MXH_API mxh_status  mxh_cdn_ranges_load_buffer(mxh_cdn_ranges *r, const char *name,
                                               const char *buf, size_t len);
MXH_API const char *mxh_cdn_ranges_errmsg(const mxh_cdn_ranges *r);
MXH_API size_t      mxh_cdn_ranges_count(const mxh_cdn_ranges *r);
/** Provider whose range holds address ("192.0.2.1", "2001:db8::1"); the longest prefix wins; NULL if none. */
MXH_API const char *mxh_cdn_provider(const mxh_cdn_ranges *r, const char *address);
/** The text of the compiled-in data file. */
MXH_API const char *mxh_cdn_builtin_text(void);
/**
 * Let the engine's rules (mxh.cdn_provider in Lua) use r instead of the
 * built-in table. r is borrowed and must outlive the engine's scans; NULL
 * returns to the built-in table.
 */
MXH_API mxh_status  mxh_engine_set_cdn_ranges(mxh_engine *e, const mxh_cdn_ranges *r);

/* Comparing the mail of two zone sets (before and after). */

typedef enum mxh_mail_change {
    MXH_MAIL_UNCHANGED = 0, /* delivered to the same addresses (the route may differ) */
    MXH_MAIL_MOVED,         /* delivered elsewhere, and the domain's MX records changed */
    MXH_MAIL_MOVED_NON_MX,  /* delivered elsewhere though the MX records did not change:
                               an address, CNAME or wildcard change dragged mail along */
    MXH_MAIL_BROKEN,        /* deliverable before; no deliverable address after */
    MXH_MAIL_RESTORED       /* not deliverable before; deliverable after */
} mxh_mail_change;
/** "unchanged", "moved", "moved-non-mx", "broken", "restored". */
MXH_API const char *mxh_mail_change_name(mxh_mail_change c);

typedef struct mxh_whatif_opts {
    /* Addresses in these ranges do not count as deliverable (NULL: the
     * built-in table; see no_cdn). Borrowed: must outlive the mxh_whatif. */
    const mxh_cdn_ranges *cdn;
    int no_cdn;               /* non-zero: no CDN check at all */
} mxh_whatif_opts;

/**
 * Compare the mail routes of before and after for every mail domain of
 * either (every zone apex, every owner of MX, every inventory domain), and
 * their shared-server local delivery. Both zone sets are borrowed and must
 * outlive *out (yours: mxh_whatif_free). opts may be NULL.
 */
MXH_API mxh_status mxh_whatif_compare(const mxh_zoneset *before, const mxh_zoneset *after,
                                      const mxh_whatif_opts *opts, mxh_whatif **out);
MXH_API void       mxh_whatif_free(mxh_whatif *w);
/** Domains sorted by name, changed and unchanged. */
MXH_API size_t     mxh_whatif_domain_count(const mxh_whatif *w);
MXH_API const mxh_whatif_domain *mxh_whatif_domain_at(const mxh_whatif *w, size_t i);
MXH_API const mxh_whatif_domain *mxh_whatif_find_domain(const mxh_whatif *w, const char *name);
/** How many domains have classification c. */
MXH_API size_t     mxh_whatif_count(const mxh_whatif *w, mxh_mail_change c);

MXH_API const char     *mxh_whatif_domain_name(const mxh_whatif_domain *d);   /* canonical */
MXH_API mxh_mail_change mxh_whatif_domain_change(const mxh_whatif_domain *d);
/** One sentence saying what happens and why. */
MXH_API const char     *mxh_whatif_domain_reason(const mxh_whatif_domain *d);
/** Whether exchanges, preferences or the resolution path differ (even if the addresses do not). */
MXH_API int             mxh_whatif_domain_route_changed(const mxh_whatif_domain *d);
/* `after` selects the side: 0 before, 1 after. */
MXH_API const mxh_route *mxh_whatif_domain_route(const mxh_whatif_domain *d, int after);
MXH_API int             mxh_whatif_domain_deliverable(const mxh_whatif_domain *d, int after);
/** Where mail goes: addresses ("10.0.1.100"), or "name (external)" for an exchange outside the loaded zones; sorted. */
MXH_API size_t          mxh_whatif_domain_target_count(const mxh_whatif_domain *d, int after);
MXH_API const char     *mxh_whatif_domain_target(const mxh_whatif_domain *d, int after, size_t i);
/** The CDN provider of target i, or NULL. */
MXH_API const char     *mxh_whatif_domain_target_cdn(const mxh_whatif_domain *d, int after, size_t i);
/** Shared servers delivering the domain locally (names). */
MXH_API size_t          mxh_whatif_domain_local_count(const mxh_whatif_domain *d, int after);
MXH_API const char     *mxh_whatif_domain_local(const mxh_whatif_domain *d, int after, size_t i);
/** Records of the after route that are new or differ from before (the cause of a move). */
MXH_API size_t          mxh_whatif_domain_cause_count(const mxh_whatif_domain *d);
MXH_API const mxh_rr   *mxh_whatif_domain_cause(const mxh_whatif_domain *d, size_t i);

/**
 * For every domain whose mail moves by a non-MX change or breaks, work out
 * a safe order (seed 000, method 1): give the mail host a name of its own
 * with the old addresses, point the MX at it, then make cs. The steps are
 * checked by applying them and cs to the before zone set; a domain whose
 * mail then stays put is marked verified.
 */
MXH_API mxh_status  mxh_whatif_plan_fixes(mxh_whatif *w, const mxh_changeset *cs);
/** The steps to make before cs, as change lines ("add mail.example.com. 3600 IN A 10.0.1.100"). */
MXH_API size_t      mxh_whatif_domain_fix_count(const mxh_whatif_domain *d);
MXH_API const char *mxh_whatif_domain_fix(const mxh_whatif_domain *d, size_t i);
/** A remark on the fix (e.g. a wildcard already covers the new name), or NULL. */
MXH_API const char *mxh_whatif_domain_fix_note(const mxh_whatif_domain *d);
/** 1: with the steps first, mail stays at its old addresses; 0: not checked or not so. */
MXH_API int         mxh_whatif_domain_fix_verified(const mxh_whatif_domain *d);

/**
 * Run e's enabled rules on both sides, over the zones whose records differ
 * or hold a domain whose route changed, and keep the findings present on one
 * side only (compared by rule, zone and owner).
 */
MXH_API mxh_status  mxh_whatif_scan(mxh_whatif *w, mxh_engine *e);
MXH_API size_t      mxh_whatif_finding_count(const mxh_whatif *w);
MXH_API const mxh_whatif_finding *mxh_whatif_finding_at(const mxh_whatif *w, size_t i);
/** 1: the change introduces it (after only); 0: the change removes it (before only). */
MXH_API int           mxh_whatif_finding_introduced(const mxh_whatif_finding *f);
MXH_API const char   *mxh_whatif_finding_rule(const mxh_whatif_finding *f);
MXH_API mxh_severity  mxh_whatif_finding_severity(const mxh_whatif_finding *f);
MXH_API const char   *mxh_whatif_finding_zone(const mxh_whatif_finding *f);
MXH_API const char   *mxh_whatif_finding_owner(const mxh_whatif_finding *f);
MXH_API const char   *mxh_whatif_finding_message(const mxh_whatif_finding *f);
MXH_API const char   *mxh_whatif_finding_file(const mxh_whatif_finding *f);
MXH_API unsigned long mxh_whatif_finding_line(const mxh_whatif_finding *f);

/* ------------------------------------------------------------------------ */
/* Finding lists: findings copied out of the scan callback (core/findings.c) */
/*
 * A finding passed to an mxh_finding_fn lives only inside the callback. A
 * finding list keeps copies: every string of a listed finding is owned by
 * the list and stays valid until mxh_findinglist_clear() or
 * mxh_findinglist_free(), after the engine and the zone set are gone.
 * A list is not locked: fill it from one thread (one list per engine).
 *
 *   mxh_findinglist *l;
 *   mxh_findinglist_new(&l);
 *   mxh_engine_scan(e, zs, mxh_findings_collect, l);    (or mxh_engine_scan_collect)
 *   for (size_t i = 0; i < mxh_findinglist_count(l); i++)
 *       printf("%s %s\n", mxh_findinglist_rule(l, i), mxh_findinglist_owner(l, i));
 *   mxh_findinglist_free(l);
 *
 * Accessors given an index past the end (or a NULL list) return NULL, 0 or
 * MXH_FINDING; strings otherwise are never NULL ("" when absent).
 */

typedef struct mxh_findinglist mxh_findinglist;

MXH_API mxh_status mxh_findinglist_new(mxh_findinglist **out);
MXH_API void       mxh_findinglist_free(mxh_findinglist *l);
/** Drop every finding (the list stays usable; its status returns to MXH_OK). */
MXH_API void       mxh_findinglist_clear(mxh_findinglist *l);
/** Copy f into l. MXH_ERR_NOMEM leaves l as it was (and makes the status sticky). */
MXH_API mxh_status mxh_findinglist_add(mxh_findinglist *l, const mxh_finding *f);
/**
 * An mxh_finding_fn: pass it with ud = an mxh_findinglist. It copies every
 * finding and returns 0 (go on); when a copy fails for lack of memory it
 * returns 1, which stops the scan, and mxh_findinglist_status() says so.
 */
MXH_API int        mxh_findings_collect(const mxh_finding *f, void *list);
/** MXH_OK, or MXH_ERR_NOMEM if a copy failed since the list was made or cleared. */
MXH_API mxh_status mxh_findinglist_status(const mxh_findinglist *l);
/**
 * Scan zone z of zs (z NULL: every zone) with e and append the findings to
 * l. Returns the scan's status, or MXH_ERR_NOMEM when a copy failed.
 */
MXH_API mxh_status mxh_engine_scan_collect(mxh_engine *e, const mxh_zoneset *zs,
                                           const mxh_zone *z, mxh_findinglist *l);

MXH_API size_t           mxh_findinglist_count(const mxh_findinglist *l);
/** How many listed findings have severity sev (rule errors included). */
MXH_API size_t           mxh_findinglist_count_severity(const mxh_findinglist *l, mxh_severity sev);
MXH_API mxh_finding_kind mxh_findinglist_kind(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_rule(const mxh_findinglist *l, size_t i);
MXH_API mxh_severity     mxh_findinglist_severity(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_zone(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_owner(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_message(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_fix(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_file(const mxh_findinglist *l, size_t i);
MXH_API unsigned long    mxh_findinglist_line(const mxh_findinglist *l, size_t i);
MXH_API size_t           mxh_findinglist_evidence_count(const mxh_findinglist *l, size_t i);
MXH_API const char      *mxh_findinglist_evidence_file(const mxh_findinglist *l, size_t i, size_t j);
MXH_API unsigned long    mxh_findinglist_evidence_line(const mxh_findinglist *l, size_t i, size_t j);
MXH_API const char      *mxh_findinglist_evidence_text(const mxh_findinglist *l, size_t i, size_t j);

#ifdef __cplusplus
}
#endif
#endif /* MXHAZARD_H */

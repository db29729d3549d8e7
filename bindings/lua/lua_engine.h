/* SPDX-License-Identifier: MIT */
/*
 * lua_engine.h — private structures of the Lua rule engine (bindings/lua).
 * Shared by lua_engine.c (rules, scan loop, findings), lua_sandbox.c
 * (allocator, hook, base environment), lua_objects.c (userdata handed to
 * rules) and lua_mxh.c (the `mxh` helper module). Not installed.
 */
#ifndef MXH_LUA_ENGINE_H
#define MXH_LUA_ENGINE_H

#include "mxh_internal.h"

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include <strings.h>

#define MXH_LUA_DEFAULT_MEMORY       ((size_t)64 << 20)
#define MXH_LUA_DEFAULT_INSTRUCTIONS ((uint64_t)100000000)
#define MXH_LUA_HOOK_STEP            1000     /* instructions between hook calls */
#define MXH_LUA_MAX_NOTICES          1000
#define MXH_LUA_MAX_FINDINGS         10000    /* per rule per zone */
#define MXH_LUA_MAX_EVIDENCE         1000     /* per finding */
#define MXH_LUA_MAX_TEXT             8192     /* message / fix / evidence text */
#define MXH_LUA_MAX_LOOKUPS          100000   /* distinct lookups per zone */
#define MXH_LUA_POOL_MAX             256      /* Lua blocks up to this size come from the pool */
#define MXH_LUA_POOL_GRAIN           16       /* ... in size classes of this step */
#define MXH_LUA_POOL_CHUNK           ((size_t)64 << 10)

/* Kinds of userdata handed to rules; the first byte of every handle. */
enum mxh_lkind {
    MXH_LK_ZONE = 1,
    MXH_LK_NODE,
    MXH_LK_RECORD,
    MXH_LK_LOOKUPH,
    MXH_LK_ROUTE,
    MXH_LK_EXCHANGE,
    MXH_LK_ZONESET,
    MXH_LK_SERVER,
    MXH_LK__COUNT
};

typedef struct mxh_lhandle {
    uint32_t magic;          /* MXH_LHANDLE_MAGIC */
    uint8_t kind;            /* enum mxh_lkind */
    uint32_t gen;            /* engine generation the handle belongs to */
    const void *ptr;         /* the C object */
    const mxh_zone *zone;    /* zone handles: the zone; others: NULL */
} mxh_lhandle;
#define MXH_LHANDLE_MAGIC 0x6d78684cu
#define MXH_HINTS_KNOWN   0x80000000u /* route_hints: computed */

typedef struct mxh_evidence {
    char *file;
    unsigned long line;
    char *text;
    int aside;               /* points outside the zones (an inventory line):
                                never taken as the finding's location */
} mxh_evidence;

struct mxh_finding {
    mxh_finding_kind kind;
    const mxh_rule *rulep;   /* the rule (lives as long as the engine) */
    mxh_severity sev;
    const char *zone;        /* zone origin (borrowed from the zone set) */
    char *owner;
    char *message;
    char *fix;
    char *file;
    unsigned long line;
    int have_location;       /* primary location set explicitly (at=) */
    mxh_evidence *ev;
    size_t nev, capev;
    size_t seq;              /* report order, tie-breaker */
};

struct mxh_rule {
    char *id, *title, *description, *example, *fix, *file;
    char **refs;
    size_t nrefs;
    uint16_t *needs;
    size_t nneeds;
    unsigned hint_mask;      /* needs "hint:<name>": zone:hint bits that must all be set */
    unsigned hint_groups;    /* which groups of hints those are */
    mxh_severity sev;
    int sev_forced;          /* mxh_engine_set_severity was used */
    int builtin;
    int enabled;
    int check_ref;           /* registry ref of the check function */
    const char *src;         /* source text (for rebuilding the state) */
    size_t srclen;
    const unsigned char *bc;    /* built-in: its compiled form when usable, or NULL */
    size_t bclen;
    char *src_owned;         /* NULL for built-ins (their text is static) */
};

struct mxh_engine {
    lua_State *L;
    size_t mem_cap;          /* per rule per zone */
    uint64_t insn_cap;       /* per rule per zone */
    int no_builtin;

    /* small-block pool under the allocator (lua_sandbox.c) */
    void *pool_free[MXH_LUA_POOL_MAX / MXH_LUA_POOL_GRAIN]; /* free lists per size class */
    struct mxh_pool_chunk *pool_chunks;
    char *pool_cur, *pool_end;  /* unused tail of the newest chunk */

    /* allocator accounting */
    size_t mem_used;
    size_t mem_limit;        /* SIZE_MAX when no rule is running */
    int mem_refused;         /* an allocation was refused since the last reset */

    /* instruction hook */
    uint64_t insn_used;
    int insn_exceeded;
    const char *last_src_ptr;/* identity of the chunk last_src was copied from */
    char last_src[128];      /* where the hook last saw the rule: file ... */
    int last_line;           /* ... and line (0: not seen) */
    int limits_on;

    mxh_rule **rules;        /* sorted by id */
    size_t nrules, caprules;
    char **notices;
    size_t nnotices, capnotices;
    char errmsg[1024];

    int base_ref;            /* read-only base table for rule environments */
    size_t mem_after_load;   /* state size after the rules were loaded */

    const void *cdn_user;    /* mxh_engine_set_cdn_ranges(): kept across state rebuilds */
    const void *cdn_builtin; /* the built-in table kept in the state's registry (lua_cdn.c),
                                once looked up; NULL with every new state */
    void *psl;               /* psl_ctx_t *, loaded on first use */
    int psl_tried;

    /* per-zone scan state */
    uint32_t gen;            /* bumped when a zone's scan starts and ends */
    int scanning;
    int busy;                /* a scan is running (callbacks included) */
    const mxh_zoneset *zs;
    const mxh_zone *zone;
    mxh_rule *cur_rule;
    int cache_ref;           /* handle cache: light userdata -> handle */
    int route_ref;           /* route handles: route index + 1 -> handle */
    int lookup_ref;          /* lookup cache: "name\0type" -> lookup handle */
    uint32_t hints_gen;      /* gen the hints below belong to (0: none yet) */
    unsigned hints;          /* zone:hint() bits of e->zone (lua_objects.c) */
    unsigned hints_done;     /* which groups of them are computed */
    struct mxh_xfact {       /* exchange facts of this zone scan (lua_mxh.c) */
        const void *x, *z;   /* exchange, zone asked through */
        uint32_t gen;        /* slot in use when gen == xfacts_gen == the engine's gen */
        uint8_t ip, dot;     /* an address literal / missing its final dot */
    } *xfacts;               /* open addressing, xfacts_cap slots (a power of two) */
    size_t xfacts_cap, nxfacts;
    uint32_t xfacts_gen;     /* gen nxfacts counts for */
    const void *xo_zone;     /* the origin of this zone, for the exchange facts: */
    uint32_t xo_gen;         /* ... made in this scan */
    const char *xo_canon;    /* ... canonical (its own text or xo_buf), or NULL */
    size_t xo_labels;        /* ... its label count */
    char xo_buf[MXH_NAME_BUF];
    mxh_route **routes;      /* C routes owned for this zone */
    const mxh_zone **route_zone; /* ... the zone each was asked through */
    uint32_t *route_hints;   /* ... its domain's own route hints | MXH_HINTS_KNOWN */
    uint32_t *route_hash;    /* ... the hash of its domain */
    size_t nroutes, caproutes;
    struct mxh_route_slot {  /* routes by (zone, domain): open addressing */
        uint32_t gen;        /* slot in use when gen == the engine's gen */
        uint32_t idx;        /* index into routes */
    } *route_map;
    size_t route_map_cap;    /* a power of two, or 0 */
    const mxh_rr **mx_recs;  /* e->zone's MX records, zone:records() order (mxh_lua_zone_mx) */
    size_t nmx_recs, capmx_recs;
    uint32_t mx_recs_gen;    /* gen they belong to (0: none) */
    uint32_t *mail_idx;      /* e->zone's mail domains (zone:mail_domains() order) as */
    size_t nmail, capmail;   /* ... route indexes: made with the route hints */
    mxh_lookup **lookups;
    size_t nlookups, caplookups;
    mxh_finding **findings;
    size_t nfindings, capfindings;
    size_t cur_rule_findings;
    struct mxh_lua_whatif *whatif; /* zone:whatif views of this zone scan (lua_whatif.c) */
    size_t seq;
    int need_rebuild;

    /* counters (tests and benchmarks) */
    uint64_t handles_created;
    uint64_t rules_run;
    uint64_t rules_skipped;
    uint64_t rebuilds;
    uint64_t whatif_copies;  /* zone sets copied by zone:whatif */
};

/* lua_sandbox.c */
MXH_HIDDEN void *mxh_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Free the pool's chunks (after lua_close: no block is in use any more). */
MXH_HIDDEN void  mxh_lua_pool_free(mxh_engine *e);
/* Create a fresh state with the sandboxed base table; 0 or -1 (errmsg set). */
MXH_HIDDEN int  mxh_lua_state_open(mxh_engine *e);
MXH_HIDDEN void mxh_lua_limits_begin(mxh_engine *e);
MXH_HIDDEN void mxh_lua_limits_end(mxh_engine *e);
/* Message handler: error text plus a short traceback. */
MXH_HIDDEN int  mxh_lua_msgh(lua_State *L);
/* Push a new environment table for one rule file (its __index is the base). */
MXH_HIDDEN void mxh_lua_push_env(lua_State *L, mxh_engine *e);
MXH_HIDDEN mxh_engine *mxh_lua_engine(lua_State *L);
MXH_HIDDEN void mxh_engine_add_notice(mxh_engine *e, const char *fmt, ...) MXH_PRINTF(2, 3);

/* lua_objects.c */
MXH_HIDDEN void mxh_lua_objects_open(lua_State *L);
MXH_HIDDEN void mxh_lua_push_zone(lua_State *L, const mxh_zone *z);
MXH_HIDDEN void mxh_lua_push_record(lua_State *L, const mxh_rr *rr);
/* Check that idx is a live handle of kind; raises a Lua error otherwise. */
MXH_HIDDEN mxh_lhandle *mxh_lua_check(lua_State *L, int idx, int kind);
/* A handle of kind at idx, or NULL (no error) if it is something else. */
MXH_HIDDEN mxh_lhandle *mxh_lua_test(lua_State *L, int idx, int kind);
/* The bit and group of zone:hint(name); 0 if name is no hint. */
MXH_HIDDEN int  mxh_lua_hint_lookup(const char *name, unsigned *bit, unsigned *group);
/* Make sure the hint groups of e->zone are computed (may raise Lua errors:
 * call protected); then e->hints holds them. */
MXH_HIDDEN void mxh_lua_hints_compute(lua_State *L, mxh_engine *e, unsigned groups);
/* The MX records of a zone in zone:records() order: for the zone being
 * scanned from a list gathered once per scan (e->mx_recs), for another zone
 * by walking its records (nothing to free). mxh_lua_mx_iter raises on out
 * of memory; mxh_lua_mx_next gives NULL at the end. */
typedef struct mxh_mx_iter {
    const mxh_rr *const *v;  /* the kept list, or NULL: walk z->rrs */
    const mxh_zone *z;
    size_t n, i;
} mxh_mx_iter;
MXH_HIDDEN void mxh_lua_mx_iter(lua_State *L, mxh_engine *e, const mxh_zone *z, mxh_mx_iter *it);
static inline const mxh_rr *mxh_lua_mx_next(mxh_mx_iter *it)
{
    if (it->v)
        return it->i < it->n ? it->v[it->i++] : NULL;
    while (it->i < it->n) {
        const mxh_rr *rr = it->z->rrs[it->i++];
        if (rr->type == MXH_TYPE_MX)
            return rr;
    }
    return NULL;
}
/* The mail route of canonical name canon asked through zone z, as
 * zone:mail_route() gives it (the same C route, kept for the zone scan), made
 * without a handle. Raises Lua errors. */
MXH_HIDDEN const mxh_route *mxh_lua_route_of(lua_State *L, const mxh_zone *z, const char *canon);
/* Whether MX record rr (in zone z) is the first MX of a mail domain other
 * than the apex: zone:mail_domains() lists its owner there. */
MXH_HIDDEN int mxh_lua_mail_domain_at(const mxh_zone *z, const mxh_rr *rr);
/* Release the per-zone caches and C routes/lookups. */
MXH_HIDDEN void mxh_lua_zone_release(mxh_engine *e);
/* "kind name -> target" for a step, into buf. */
MXH_HIDDEN void mxh_lua_step_text(const mxh_step *s, char *buf, size_t bufsz);

/* lua_mxh.c */
MXH_HIDDEN int  mxh_lua_open_mxh(lua_State *L);
MXH_HIDDEN void mxh_lua_psl_free(mxh_engine *e);
/* s[0..len) is a canonical name needing no conversion (plain LDH labels). */
MXH_HIDDEN int  mxh_lua_plain_canonical(const char *s, size_t len);

/* The address an MX exchange names instead of a host (RFC 1035 §3.3.9), or
 * the name it meant when its final dot was forgotten, into out: 1 if so.
 * What mxh.exchange_ip_literal / mxh.exchange_missing_dot return. */
MXH_HIDDEN int  mxh_lua_exchange_ip_literal(const mxh_zone *z, const mxh_exchange *x,
                                            char *out, size_t outsz);
MXH_HIDDEN int  mxh_lua_exchange_missing_dot(mxh_engine *e, const mxh_zone *z,
                                             const mxh_exchange *x, char *out, size_t outsz);

/* Push the strings of TXT presentation rdata joined (mxh.txt_strings). */
MXH_HIDDEN void mxh_lua_push_txt_strings(lua_State *L, const char *rdata, size_t len);
/* The same joined text into out: its first bufsz bytes (no NUL added); returns their count. */
MXH_HIDDEN size_t mxh_lua_join_txt(const char *rdata, size_t len, char *out, size_t bufsz);
/* Joined TXT text t[0..n) is an SPF record (RFC 7208 §4.5): it starts with
 * "v=spf1", in any case, followed by a space or its end. */
static inline int mxh_lua_is_spf1(const char *t, size_t n)
{
    return n >= 6 && strncasecmp(t, "v=spf1", 6) == 0 && (n == 6 || t[6] == ' ');
}

/* Both exchange facts, remembered for the zone scan (flags only). */
MXH_HIDDEN void mxh_lua_exchange_facts(mxh_engine *e, const mxh_zone *z, const mxh_exchange *x,
                                       int *ip, int *dot);

/* lua_objects.c: push a new route handle of r (not cached; the caller keeps r
 * alive for the zone scan). */
MXH_HIDDEN void mxh_lua_push_route(lua_State *L, const mxh_route *r);

/* lua_whatif.c: zone:whatif(changes), and the release of its views and
 * copies when the zone's scan ends (from mxh_lua_zone_release). */
MXH_HIDDEN int  mxh_lua_zone_whatif(lua_State *L);
MXH_HIDDEN void mxh_lua_whatif_release(mxh_engine *e);

/* lua_cdn.c: the CDN/WAF provider of an address (as mxh.cdn_provider), or NULL. */
MXH_HIDDEN const char *mxh_lua_cdn_of(lua_State *L, const char *addr);

/* lua_engine.c: counters for tests. */
MXH_HIDDEN uint64_t mxh_engine_handle_count(const mxh_engine *e);
MXH_HIDDEN uint64_t mxh_engine_rebuild_count(const mxh_engine *e);
MXH_HIDDEN uint64_t mxh_engine_rules_run(const mxh_engine *e);
MXH_HIDDEN uint64_t mxh_engine_rules_skipped(const mxh_engine *e);

/* Built into the library by tools/rulec.c: each rule's text, and the same
 * compiled by the Lua release named in mxh_builtin_rules_lua (lua_ident). */
struct mxh_builtin_rule {
    const char *file;
    const char *text;
    size_t len;
    const unsigned char *bc;
    size_t bclen;
};
extern MXH_HIDDEN const struct mxh_builtin_rule mxh_builtin_rules[];
extern MXH_HIDDEN const size_t mxh_builtin_rule_count;
extern MXH_HIDDEN const char mxh_builtin_rules_lua[];

#endif /* MXH_LUA_ENGINE_H */

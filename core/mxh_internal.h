/* SPDX-License-Identifier: MIT */
/*
 * mxh_internal.h — private structures shared by core/ and bindings/.
 * Not installed. Everything here may change without notice.
 *
 * Model (the public view: docs/api.md):
 *   zoneset ── zones (load order; by origin in an open-addressing table) ──
 *   nodes (a zone's own index by canonical name, including empty
 *   non-terminals) ── records (linked per node in file order, and in an
 *   array per zone in file order). A zone set's records, names and nodes
 *   live in its arena and node blocks and are freed at once.
 */
#ifndef MXH_INTERNAL_H
#define MXH_INTERNAL_H

#include "mxhazard.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* uthash's default (Jenkins) hash reads a byte at a time; names are hashed on
 * every record added and every lookup, so use a word-at-a-time multiply-xor
 * hash. Every table of the library goes through this header, so all agree. */
static inline unsigned mxh_hash_bytes(const void *key, size_t len)
{
    const unsigned char *s = key;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        s += 8;
        len -= 8;
    }
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* The same value as copying the last len (< 8) bytes into a zeroed word,
     * with fixed-size loads: the bytes before them when the key had 8 or
     * more, else two overlapping halves, or first, middle and last byte. */
    if (len) {
        const unsigned char *e = s + len;
        if (s - (const unsigned char *)key >= 8) {
            memcpy(&v, e - 8, 8);
            v >>= 8 * (8 - len);
        } else if (len >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, s, 4);
            memcpy(&hi, e - 4, 4);
            v = (uint64_t)lo | (uint64_t)hi << (8 * (len - 4));
        } else {
            v = (uint64_t)s[0] | (uint64_t)s[len / 2] << (8 * (len / 2)) |
                (uint64_t)s[len - 1] << (8 * (len - 1));
        }
    }
#else
    memcpy(&v, s, len);
#endif
    h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return (unsigned)h;
}
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = mxh_hash_bytes((keyptr), (size_t)(keylen)))
#include <uthash.h>

#if defined(__GNUC__)
#define MXH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define MXH_HIDDEN __attribute__((visibility("hidden")))
#else
#define MXH_PRINTF(a, b)
#define MXH_HIDDEN
#endif

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */

#define MXH_NAME_MAX_WIRE   255   /* RFC 1035 §2.3.4: octets in wire form */
#define MXH_LABEL_MAX       63
#define MXH_NAME_BUF        1100  /* canonical text of the longest name (\DDD escapes) + NUL */
#define MXH_CNAME_LIMIT     16    /* CNAME chain length before we call it a loop */
#define MXH_INCLUDE_DEPTH   8
#define MXH_FILE_MAX        ((size_t)1 << 30) /* 1 GiB: larger input is a load error */

/* ------------------------------------------------------------------------ */
/* Arena: bump allocator; everything of a zone set is freed with it.       */

typedef struct mxh_arena_chunk mxh_arena_chunk;
typedef struct mxh_arena {
    mxh_arena_chunk *head;
    size_t total;           /* bytes obtained from malloc */
} mxh_arena;

MXH_HIDDEN void  mxh_arena_init(mxh_arena *a);
MXH_HIDDEN void  mxh_arena_free(mxh_arena *a);
/* Aligned to 8. NULL on out of memory. */
MXH_HIDDEN void *mxh_arena_alloc(mxh_arena *a, size_t n);
/* n bytes for text (no alignment). NULL on out of memory. */
MXH_HIDDEN char *mxh_arena_text(mxh_arena *a, size_t n);
/* Copy of s[0..len) plus NUL. */
MXH_HIDDEN char *mxh_arena_strndup(mxh_arena *a, const char *s, size_t len);
/* Take pages[0..len) of a private anonymous mapping its owner is done with
 * as a chunk for coming allocations (core/arena.c explains); false when it
 * cannot or should not. */
MXH_HIDDEN bool  mxh_arena_adopt(mxh_arena *a, void *pages, size_t len);
/* Move every chunk of src into dst (src is left empty); dst goes on
 * allocating from its current chunk. */
MXH_HIDDEN void  mxh_arena_take(mxh_arena *dst, mxh_arena *src);

/* ------------------------------------------------------------------------ */
/* Names (core/name.c). Canonical form: lower-case ASCII, absolute, final   */
/* dot; "." inside a label written "\.", "\\" as "\\\\", bytes outside      */
/* 0x21..0x7e and '"', '(', ')', ';' written \DDD. Equal names are equal    */
/* strings, and the parent of a canonical name is a suffix of it.          */

enum {
    MXH_NAME_ERR_EMPTY = -1,        /* empty text */
    MXH_NAME_ERR_EMPTY_LABEL = -2,  /* "a..b" */
    MXH_NAME_ERR_LABEL_LONG = -3,   /* label > 63 octets */
    MXH_NAME_ERR_NAME_LONG = -4,    /* name > 255 octets in wire form */
    MXH_NAME_ERR_ESCAPE = -5,       /* bad \DDD or trailing backslash */
    MXH_NAME_ERR_RELATIVE = -6,     /* relative name and no origin */
    MXH_NAME_ERR_BUF = -7           /* output buffer too small */
};
/*
 * Presentation text s[0..len) -> canonical absolute name in out (outsz >=
 * MXH_NAME_BUF is always enough). "@" is the origin; a name without a final
 * dot gets origin appended (origin canonical, or NULL to refuse relative
 * names). *was_relative (may be NULL) tells whether the origin was appended.
 * Returns the length of out (> 0) or a MXH_NAME_ERR_* code.
 */
MXH_HIDDEN int mxh_name_canon(const char *s, size_t len, const char *origin,
                              char *out, size_t outsz, int *was_relative);
/* The same result, faster for names without escapes (core/rdata.c; the
 * master-file loaders' hot path). */
MXH_HIDDEN int mxh_name_canon_fast(const char *s, size_t len, const char *origin, char *out,
                                   size_t outsz, int *was_relative);
/* The same with the origin's length given, and whether it has no backslash. */
MXH_HIDDEN int mxh_name_canon_under(const char *s, size_t len, const char *origin,
                                    size_t origin_len, bool origin_plain, char *out,
                                    size_t outsz, int *was_relative);
MXH_HIDDEN const char *mxh_name_strerror(int code);
/* Canonical name -> its parent, always a suffix of the same string (for a
 * top-level name, its final "."); NULL for ".". */
MXH_HIDDEN const char *mxh_name_parent(const char *canon);
/* Whether canonical name is equal to or below canonical anc (label-wise). */
MXH_HIDDEN bool mxh_name_is_at_or_below(const char *name, const char *anc);
MXH_HIDDEN unsigned mxh_name_labels(const char *canon);      /* "." -> 0 */
MXH_HIDDEN bool mxh_name_is_wildcard(const char *canon);     /* first label is exactly "*" */
/* Whether some label contains '*' but is not exactly "*" (RFC 4592 §2.1.1). */
MXH_HIDDEN bool mxh_name_has_partial_wildcard(const char *canon);
/* Canonicalize a name given by a caller (any case, final dot optional, absolute). */
MXH_HIDDEN int mxh_name_from_user(const char *s, char *out, size_t outsz);
/*
 * Origin from a file name: "example.com.zone", "example.com.db",
 * "db.example.com", "example.com" (also "zone-example.com", "example.com.txt",
 * "example.com.hosts", "pri.example.com"). Directories are stripped. Returns
 * length of the canonical origin written to out, or 0 if the name does not
 * look like a domain (must have at least two labels).
 */
MXH_HIDDEN int mxh_origin_from_filename(const char *path, char *out, size_t outsz);

/* ------------------------------------------------------------------------ */
/* Records, nodes, zones                                                    */

/* Index into a zone set's file table (0: no file). 32 bits: a batch of
 * hosting exports holds well over 65,535 files. */
typedef uint32_t mxh_fileno;

#define MXH_RR_TARGET_RELATIVE 0x01   /* target written without final dot */
#define MXH_RR_OWNER_RELATIVE  0x02   /* owner written without final dot (or blank/@) */
#define MXH_RR_GENERIC         0x04   /* RDATA kept in RFC 3597 \# form or given by ldns */
#define MXH_RR_TEXT_AFTER      0x08   /* the RDATA as written follows rdata's NUL (it
                                       * differs from rdata); set by mxh_zone_add only */

/* 64 bytes: a 1M-record zone holds a million of these. */
struct mxh_rr {
    struct mxh_rr *next;      /* next record at the same node, file order */
    struct mxh_node *node;    /* owner node (node->name is the canonical owner) */
    const char *owner_text;   /* as written; "" for a blank owner */
    const char *rdata;        /* canonical presentation RDATA; the RDATA as written is
                               * mxh_rr_rdata_text() (rdata itself unless TEXT_AFTER) */
    const char *target;       /* canonical name pointed at, interned; or NULL */
    uint32_t ttl;
    uint32_t line;
    uint16_t type;
    uint16_t rclass;
    uint16_t pref;            /* MX preference, SRV priority */
    uint8_t flags;            /* MXH_RR_* */
    mxh_fileno file;          /* index into zs->files */
};

#define MXH_NODE_DATA      0x01  /* has records */
#define MXH_NODE_APEX      0x02
#define MXH_NODE_CUT       0x04  /* non-apex owner of NS: a delegation point */
#define MXH_NODE_BELOW_CUT 0x08  /* strictly below a delegation point: not authoritative */
#define MXH_NODE_WILDCARD  0x10  /* first label is exactly "*" */
#define MXH_NODE_HAS_NS    0x20  /* some record here is NS (kept by mxh_zone_add) */

typedef struct mxh_node {
    const char *name;         /* canonical (stored right after the node, or a suffix of a child's) */
    struct mxh_rr *rrs;       /* records at this node, file order */
    struct mxh_rr *rrs_tail;
    struct mxh_zone *zone;
    uint16_t flags;           /* MXH_NODE_* */
    uint16_t ntypes;          /* not maintained by all loaders: do not rely on it */
    uint32_t name_len;        /* strlen(name) */
} mxh_node;

/* The node index of a zone: open addressing with linear probing. A slot
 * keeps the hash, so a probe touches the node only on a likely match: one
 * cache miss for an absent name, two for a present one. (A chained table
 * such as uthash's costs a miss per chain item; on a 1M-name zone that
 * dominated loading.) The node is named by a 32-bit reference into the
 * zone's node blocks, so a slot is 8 bytes. */
typedef struct mxh_node_slot {
    uint32_t hash;
    uint32_t ref;             /* 0: empty slot; else block << 17 | offset / 8 (zs->nblocks) */
} mxh_node_slot;

struct mxh_zone {
    struct mxh_zoneset *zs;
    const char *origin;       /* canonical, interned */
    mxh_node *apex;
    mxh_node_slot *slots;     /* node index (nslots a power of two, or 0) */
    size_t nslots;
    mxh_node **node_list;     /* every node incl. empty non-terminals, creation order */
    size_t nnodes, capnodes;
    mxh_node **ns_nodes;      /* nodes other than the apex that hold NS (maybe cuts) */
    size_t nns, capns;
    mxh_node **deep;          /* nodes two or more labels below the apex: the only
                               * ones a cut can lie above (mxh_zone_finish) */
    size_t ndeep, capdeep;
    bool lists_lost;          /* out of memory for ns_nodes: finish walks every node */
    struct mxh_rr **rrs;      /* file order */
    size_t nrr, caprr;
    size_t rejected;          /* lines not loaded (each has an error diagnostic) */
    size_t ignored;           /* records outside the zone, ignored with a warning (as BIND does) */
    const char *last_owner_text; /* loader cache: consecutive records share owner_text */
    size_t last_owner_len;
    struct mxh_node *last_node;  /* loader cache: consecutive records share their owner */
    size_t index;             /* position in zs->zones */
    mxh_fileno file;          /* top file */
    mxh_format format;
    bool has_inner_zones;     /* (on the first zone of an origin) another loaded zone's
                               * origin lies strictly below this origin */
    const struct mxh_zone *first; /* the first loaded zone with this origin: itself, or an
                               * earlier zone that shadows it */
    size_t diag_at;           /* zs->ndiags when the zone was made (mxh_zoneset_merge) */
    bool finished;            /* mxh_zone_finish() done */
    /* What joining zone sets (mxh_zoneset_merge) shifts, so that it need not
     * visit every record and index slot: a record's file number is
     * rr->file + file_base and an index slot's node block is its block
     * number + nblock_base (both modulo 2^32). */
    mxh_fileno file_base;
    uint32_t nblock_base;
    bool nofile_records;      /* some record names no file (file number 0) */
    uint8_t types[32];        /* bitmap of RR types 0..255 seen */
    bool type_other;          /* some type >= 256 seen */
    /* A zone being parsed (mxh_zoneset_parse_*): not among zs's zones, no
     * nodes and no records; mxh_zone_add hands each record to sink instead. */
    struct mxh_sink *sink;    /* the callback and what it is shown (core/zoneset.c) */
    bool stopped;             /* the callback asked to stop: the loaders read no further */
};

/* A record's file number in its zone set (0: no file). */
static inline mxh_fileno mxh_rr_fileno(const struct mxh_rr *rr)
{
    return rr->file + rr->node->zone->file_base;
}

/* ------------------------------------------------------------------------ */
/* Zone set                                                                 */

struct mxh_diag {
    mxh_diag_level level;
    mxh_fileno file;
    const char *file_name;    /* zs->files[file] */
    unsigned long line;
    const struct mxh_zone *zone;
    const char *message;      /* arena */
    bool shadow;              /* the "already loaded" warning of mxh_zone_create */
};

/* The zone set's string pool (interned names), indexed like the nodes. */
typedef struct mxh_str_slot {
    uint32_t hash;
    uint32_t len;
    const char *s;            /* NULL: empty slot */
} mxh_str_slot;

struct mxh_inventory;         /* core/inventory.c */

/* The master-file loader's buffers, kept between loads (core/load_bind.c). */
struct btok;
typedef struct mxh_scratch {
    struct btok *tok;
    size_t captok;
    char *rbuf, *cbuf, *stage;
    size_t rcap, ccap, stage_cap;
} mxh_scratch;
/* Free the buffers (not s itself). */
static inline void mxh_scratch_free(mxh_scratch *s)
{
    free(s->tok);
    free(s->rbuf);
    free(s->cbuf);
    free(s->stage);
}

/* A table of names (zone origins, their ancestors): open addressing with
 * linear probing, at most half full. A slot keeps the name's hash and
 * length, so a probe reads the name only on a likely match (a chained table
 * such as uthash's reads every item of the chain). */
typedef struct mxh_oslot {
    const char *name;         /* NULL: empty */
    void *val;
    uint32_t hash, len;
} mxh_oslot;
typedef struct mxh_otab {
    mxh_oslot *slots;         /* nslots a power of two, or 0 */
    size_t nslots, n;
} mxh_otab;

struct mxh_zoneset {
    mxh_arena arena;
    mxh_str_slot *strings;    /* interned names (nstrslots a power of two, or 0) */
    size_t nstrslots, nstrings;
    const char **files;       /* file table; index 0 is "" (no file) */
    size_t nfiles, capfiles;
    struct mxh_zone **zones;  /* load order */
    size_t nzones, capzones;
    mxh_otab by_origin;       /* the first zone of each origin */
    struct mxh_diag *diags;
    size_t ndiags, capdiags;
    struct mxh_inventory *inventory;
    size_t nrecords;
    mxh_otab ancestors;       /* every proper ancestor of a loaded origin (val unused) */
    bool ancestors_lost;      /* out of memory once: every zone counts as having inner zones */
    char **nblocks;           /* every zone's nodes live in these (64 KiB doubling to 1 MiB) */
    uint32_t nnblocks, capnblocks;
    uint32_t nblock_used, nblock_size; /* bytes of the last block */
    uint32_t nblock_ready;              /* of which with their pages in (>= used) */
    mxh_scratch *scratch;     /* the loader's buffers between loads, or NULL */
    mxh_record_fn sink;       /* during mxh_zoneset_parse_*: zones made are parsed, not kept */
    void *sink_ud;
    struct mxh_sink *sunk;    /* the zones this parse made (freed when it ends) */
    char errmsg[1024];
};

/* Intern s[0..len) (caller gives canonical text); NULL on out of memory. */
MXH_HIDDEN const char *mxh_zs_intern(mxh_zoneset *zs, const char *s, size_t len);
/* Add a file path to the file table, returning its index (existing index if known). */
MXH_HIDDEN mxh_fileno mxh_zs_file(mxh_zoneset *zs, const char *path);
MXH_HIDDEN const char *mxh_zs_file_name(const mxh_zoneset *zs, mxh_fileno file);
/* Record a diagnostic; also copies it into zs->errmsg as "file:line: message". */
MXH_HIDDEN void mxh_zs_diag(mxh_zoneset *zs, mxh_diag_level lvl, mxh_fileno file,
                            unsigned long line, const mxh_zone *z, const char *fmt, ...)
    MXH_PRINTF(6, 7);
MXH_HIDDEN void mxh_zs_seterr(mxh_zoneset *zs, const char *fmt, ...) MXH_PRINTF(2, 3);

/* Create a zone (origin canonical). An origin already loaded gives a new,
 * shadowed zone and a warning diagnostic. NULL on out of memory. */
MXH_HIDDEN mxh_zone *mxh_zone_create(mxh_zoneset *zs, const char *origin, mxh_fileno file,
                                     mxh_format fmt);
/* Find or create the node for a canonical name inside z (creating empty
 * non-terminals up to the apex). NULL if the name is not at or below the
 * origin, or on out of memory. */
MXH_HIDDEN mxh_node *mxh_zone_node(mxh_zone *z, const char *canon_name, size_t len);
/* Find an existing node (data or empty non-terminal); NULL if none. */
MXH_HIDDEN mxh_node *mxh_zone_find(const mxh_zone *z, const char *canon_name);

typedef struct mxh_rr_in {
    const char *owner;        /* canonical */
    size_t owner_len;
    const char *owner_text;   /* as written (copied) */
    uint16_t type, rclass;
    uint32_t ttl;
    const char *rdata;        /* canonical presentation (copied) */
    const char *rdata_text;   /* as written (copied); NULL = same as rdata */
    const char *target;       /* canonical or NULL (interned by the callee) */
    uint16_t pref;
    mxh_fileno file;
    uint32_t line;
    uint8_t flags;
    /* Optional, for a loader that looked ahead (mxh_zone_prefetch): hashes
     * (mxh_hash_bytes) of owner and target, valid when the bits are set. */
    uint8_t hashed;           /* 1: owner_hash, 2: target_hash */
    uint32_t owner_hash, target_hash;
    /* Optional lengths (strlen) of the strings above; 0: not given. */
    size_t owner_text_len, rdata_len, rdata_text_len, target_len;
} mxh_rr_in;
/* Start fetching the index slots a coming mxh_zone_add will probe for owner
 * (canonical, in z) and target (canonical, in the string pool); either may be NULL,
 * and fill in the hashes of in (the other fields are left alone). */
MXH_HIDDEN void mxh_zone_prefetch(const mxh_zone *z, mxh_rr_in *in, const char *owner,
                                  size_t owner_len, const char *target, size_t target_len);
/* Once the slot of a record's target (hashed by mxh_zone_prefetch) has
 * arrived: start fetching the pooled name it names, which mxh_zone_add will
 * compare with the target. */
MXH_HIDDEN void mxh_zone_prefetch_target(const mxh_zone *z, const mxh_rr_in *in);
/* Make room for about nnodes names and nrr records in z (a hint for a big
 * input: no index rehash and array growth on the way); false on out of memory
 * (nothing changed). */
MXH_HIDDEN bool mxh_zone_reserve(mxh_zone *z, size_t nnodes, size_t nrr);
/* Add a record to z. Owner outside the zone: a diagnostic, z->rejected++, NULL. */
MXH_HIDDEN mxh_rr *mxh_zone_add(mxh_zone *z, const mxh_rr_in *in);
/* After loading: mark delegation points and names below them. Idempotent. */
/* Free the zones parsed since zs->sunk was `keep` (core/load.c, at the end
 * of a parse; parses nest when a record callback parses). */
MXH_HIDDEN void mxh_zs_sunk_free(mxh_zoneset *zs, struct mxh_sink *keep);
MXH_HIDDEN void mxh_zone_finish(mxh_zone *z);
/* The first loaded zone whose origin is name[0..len) (canonical), or NULL. */
MXH_HIDDEN mxh_zone *mxh_zs_origin(const mxh_zoneset *zs, const char *name, size_t len);
/* The zone answering for canonical name: the closest enclosing loaded zone,
 * preferring ctx when ctx's origin is that zone's origin (so a shadowed
 * duplicate answers for itself). NULL = external. */
MXH_HIDDEN const mxh_zone *mxh_zs_zone_for(const mxh_zoneset *zs, const mxh_zone *ctx,
                                           const char *canon_name);

/* ------------------------------------------------------------------------ */
/* Loaders (core/load.c dispatches). All have this shape: load buf (not     */
/* NUL-terminated; len bytes) known as `name` into zs. *out may be NULL.    */

typedef mxh_status (*mxh_loader_fn)(mxh_zoneset *zs, const char *name, const char *buf,
                                    size_t len, const mxh_load_opts *opts, mxh_zone **out);
MXH_HIDDEN mxh_status mxh_load_bind(mxh_zoneset *zs, const char *name, const char *buf,
                                    size_t len, const mxh_load_opts *opts, mxh_zone **out);
MXH_HIDDEN mxh_status mxh_load_valuedomain(mxh_zoneset *zs, const char *name, const char *buf,
                                           size_t len, const mxh_load_opts *opts, mxh_zone **out);
MXH_HIDDEN mxh_status mxh_load_table(mxh_zoneset *zs, const char *name, const char *buf,
                                     size_t len, const mxh_load_opts *opts, mxh_zone **out);
/* Guess the format of a buffer (never returns MXH_FMT_AUTO; BIND when unsure). */
MXH_HIDDEN mxh_format mxh_format_detect(const char *buf, size_t len);

/*
 * RDATA parsing shared by all loaders (core/rdata.c): text is the RDATA in
 * master-file presentation form (one logical line, no comments, parentheses
 * already removed), relative names completed with origin. On success fills
 * out (strings in zs's arena or interned) and returns 0; on failure writes a
 * reason into err and returns -1. Types without a parser of our own go to
 * ldns; RFC 3597 "\# len hex" is accepted for every type.
 */
typedef struct mxh_rdata_out {
    const char *rdata;        /* canonical presentation */
    size_t rdata_len;         /* strlen(rdata) */
    const char *target;       /* interned canonical name, or NULL */
    uint16_t pref;
    uint8_t flags;            /* MXH_RR_TARGET_RELATIVE, MXH_RR_GENERIC */
} mxh_rdata_out;
MXH_HIDDEN int mxh_rdata_parse(mxh_zoneset *zs, uint16_t type, const char *text, size_t len,
                               const char *origin, mxh_rdata_out *out, char *err, size_t errsz);

/* The same, with a growable scratch buffer for the canonical text (*buf, *cap,
 * reused across calls) and a choice whether the target is interned (intern
 * non-zero) or left in the scratch buffer. */
MXH_HIDDEN int mxh_rdata_canon(mxh_zoneset *zs, uint16_t type, const char *text, size_t len,
                               const char *origin, char **buf, size_t *cap, mxh_rdata_out *out,
                               char *err, size_t errsz, int intern);
/* Canonical text of an IPv6 address, as the AAAA parser writes it (out: 46
 * bytes); returns its length. */
MXH_HIDDEN size_t mxh_ipv6_canon(const uint8_t a[16], char *out);
/* One TXT <character-string> p[0..len) (quotes removed, escapes as written)
 * -> its canonical quoted text in out (room for 4 * len + 3), as the TXT
 * parser writes it; -1 when the parser would refuse it (it says why). */
MXH_HIDDEN int mxh_txt_string(char *out, const char *p, size_t len, size_t *outlen);
/* A TTL in seconds or BIND units (1h30m); 0 on success, -1 if bad. */
MXH_HIDDEN int mxh_parse_ttl(const char *s, size_t len, uint32_t *out);
/* mxh_load_bind with flags: MXH_LOADF_FILE tells that `name` is a path
 * (relative $INCLUDEs of the top file resolve against its directory, which is
 * the default root); MXH_LOADF_DISCARD that buf is a page-aligned anonymous
 * mapping (mxh_read_file_pages) whose pages the loader may drop once read. */
#define MXH_LOADF_FILE    0x01
#define MXH_LOADF_DISCARD 0x02
MXH_HIDDEN mxh_status mxh_load_bind_ex(mxh_zoneset *zs, const char *name, const char *buf,
                                       size_t len, const mxh_load_opts *opts, mxh_zone **out,
                                       int flags);

/* Inventory (core/inventory.c). */
MXH_HIDDEN void mxh_inventory_free(struct mxh_inventory *inv);

/* Small text helpers (core/util.c). */
/* A piece of a line: s[0..n), not NUL-terminated. */
typedef struct mxh_span {
    const char *s;
    size_t n;
} mxh_span;
/* Blank-separated fields of s[0..n) (spaces, tabs; a double-quoted run, and a
 * backslash-escaped character, stay inside one field). Stores at most max;
 * returns how many there are (may exceed max). */
MXH_HIDDEN size_t mxh_split_ws(const char *s, size_t n, mxh_span *out, size_t max);
/* The RR type a field names (mnemonic or TYPEnnn, mxh_type_from_name); 0 if none. */
MXH_HIDDEN uint16_t mxh_span_type(const mxh_span *t);
/* Whether t is the word w (ASCII case ignored). */
MXH_HIDDEN bool mxh_span_is(const mxh_span *t, const char *w);
/* Whether s[0..n) is one or more ASCII digits. */
MXH_HIDDEN bool mxh_all_digits(const char *s, size_t n);
/* t as a decimal number of at most max: true with it in *out. */
MXH_HIDDEN bool mxh_span_u32(const mxh_span *t, uint32_t max, uint32_t *out);
/* The same with no quoting: a field ends at the first space or tab. */
MXH_HIDDEN size_t mxh_split_blank(const char *s, size_t n, mxh_span *out, size_t max);
/* One such unquoted field at a time: the next from *pos (moved past it);
 * false when only blank space is left. */
MXH_HIDDEN bool mxh_next_word(const char *s, size_t n, size_t *pos, mxh_span *w);
/* Text as typed into a panel or table cell -> master-file character-strings
 * (RFC 1035 §3.3.14, §5.1): quoted pieces of at most 255 octets, '"' and '\'
 * escaped, other bytes outside printable ASCII as \DDD; text that already
 * starts with a quote is taken as it is. out must hold 4n + 3(n/255 + 1) + 1
 * bytes. Returns the length written. */
MXH_HIDDEN size_t mxh_txt_present(const char *s, size_t n, char *out);
/* 3 when buf starts with a UTF-8 byte order mark (skipped by every reader), else 0. */
MXH_HIDDEN size_t mxh_bom_len(const char *buf, size_t len);
/* The next line of buf from *pos (LF or CRLF ends it; the end is not included). */
MXH_HIDDEN bool mxh_next_line(const char *buf, size_t len, size_t *pos, const char **line,
                              size_t *linelen);
/* Token text p[0..len) for an error message, into b (bsz >= 4): at most 60
 * bytes, control bytes as '?', "..." when cut. Returns b. */
MXH_HIDDEN const char *mxh_shown(const char *p, size_t len, char *b, size_t bsz);
/* The loaders of formats whose text does not name its zone (panel text,
 * record tables) share their state and their start and end. */
typedef struct mxh_lineload {
    mxh_zoneset *zs;
    mxh_zone *z;
    const char *origin;        /* canonical: the zone's */
    mxh_fileno file;
    uint32_t ttl;              /* the records' TTL unless a line gives one */
    size_t records;            /* added */
    bool nomem;
    char first_err[1024];      /* the message of the first line rejected */
} mxh_lineload;
/* *out cleared, the arguments checked, l->file registered, the origin from
 * opts, else from the file name `name` (else a diagnostic saying `what`),
 * input over MXH_FILE_MAX refused, and l->z the new empty zone of format fmt;
 * l->ttl opts' default TTL, else ttl. The rest of *l is left as it is. */
MXH_HIDDEN mxh_status mxh_load_begin(mxh_lineload *l, mxh_zoneset *zs, const char *name,
                                     const char *buf, size_t len, const mxh_load_opts *opts,
                                     mxh_format fmt, uint32_t ttl, const char *what,
                                     mxh_zone **out);
/* A line rejected: counted on the zone, reported, its message kept if first. */
MXH_HIDDEN void mxh_load_reject(mxh_lineload *l, unsigned long line, const char *fmt, ...)
    MXH_PRINTF(3, 4);
/* mxh_zone_add, counting the record, or keeping the message of a rejection. */
MXH_HIDDEN bool mxh_load_add(mxh_lineload *l, const mxh_rr_in *in);
/* The zone finished and given to *out; then out of memory, or the lines
 * rejected (a notice "`what`: counts" and the first error as the zone set's
 * message: MXH_ERR_PARSE), or MXH_OK with the message cleared. */
MXH_HIDDEN mxh_status mxh_load_end(mxh_lineload *l, const char *name, mxh_zone **out,
                                   const char *what, unsigned long lines);
/* The system's page size (asked each time: sysconf reads it from memory). */
MXH_HIDDEN size_t mxh_page_size(void);
/* Bring in the whole pages of [p, p + n) with one call (madvise
 * MADV_POPULATE_WRITE, Linux 5.14) instead of a page fault each; where that
 * is refused they fault in as they are touched. */
MXH_HIDDEN void mxh_populate(void *p, size_t n);
/* For a block of `size` bytes whose first `ready` have their pages in and
 * `used` (> ready) are taken: bring in up to used plus a quarter of the block
 * (16 to 256 KiB more, at most the block), whole pages, one call; returns the
 * new ready. What may stay unused is small next to the block. */
MXH_HIDDEN size_t mxh_populate_ahead(void *base, size_t ready, size_t used, size_t size);
MXH_HIDDEN int  mxh_read_file(const char *path, char **buf, size_t *len, char *err, size_t errsz);
/* The same into an anonymous mapping for files of 1 MiB or more (*maplen its
 * length; 0: a heap buffer). Pages of it may be dropped with MADV_DONTNEED
 * once read. Free with mxh_free_file. */
MXH_HIDDEN int  mxh_read_file_pages(const char *path, char **buf, size_t *len, size_t *maplen,
                                    char *err, size_t errsz);
MXH_HIDDEN void mxh_free_file(char *buf, size_t maplen);
MXH_HIDDEN bool mxh_parse_ipv4(const char *s, size_t len, uint8_t out[4]);
MXH_HIDDEN bool mxh_parse_ipv6(const char *s, size_t len, uint8_t out[16]);

#endif /* MXH_INTERNAL_H */

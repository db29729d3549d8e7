/* SPDX-License-Identifier: MIT */
/* Zone sets: zones, the name index (nodes incl. empty non-terminals),
 * delegation marking, diagnostics, and the record/zone accessors. */
#include "mxh_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#pragma weak mxh_inventory_free

/* ------------------------------------------------------------------------ */
/* Name tables (mxh_otab)                                                   */

static const mxh_oslot *otab_find(const mxh_otab *t, const char *name, size_t len, uint32_t h)
{
    if (!t->nslots)
        return NULL;
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const mxh_oslot *sl = &t->slots[i];
        if (!sl->name)
            return NULL;
        if (sl->hash == h && sl->len == len && memcmp(sl->name, name, len) == 0)
            return sl;
    }
}

static void otab_put(mxh_oslot *slots, size_t nslots, const mxh_oslot *in)
{
    size_t mask = nslots - 1;
    size_t i = in->hash & mask;
    while (slots[i].name)
        i = (i + 1) & mask;
    slots[i] = *in;
}

/* Room for n more names in t without growing; false: out of memory. */
static bool otab_reserve(mxh_otab *t, size_t n)
{
    size_t ns = t->nslots ? t->nslots : 64;
    while ((t->n + n) * 2 > ns)
        ns *= 2;
    if (ns == t->nslots)
        return true;
    mxh_oslot *nsl = calloc(ns, sizeof *nsl);
    if (!nsl)
        return false;
    for (size_t i = 0; i < t->nslots; i++)
        if (t->slots[i].name)
            otab_put(nsl, ns, &t->slots[i]);
    free(t->slots);
    t->slots = nsl;
    t->nslots = ns;
    return true;
}

/* Add name (not yet in t; the text must outlive t) with val; false: out of memory. */
static bool otab_add(mxh_otab *t, const char *name, size_t len, uint32_t h, void *val)
{
    if (!otab_reserve(t, 1))
        return false;
    mxh_oslot in = {name, val, h, (uint32_t)len};
    otab_put(t->slots, t->nslots, &in);
    t->n++;
    return true;
}

static void otab_free(mxh_otab *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

mxh_zone *mxh_zs_origin(const mxh_zoneset *zs, const char *name, size_t len)
{
    const mxh_oslot *sl = otab_find(&zs->by_origin, name, len, mxh_hash_bytes(name, len));
    return sl ? sl->val : NULL;
}


const char *mxh_version(void) { return MXH_VERSION_STRING; }

const char *mxh_strerror(mxh_status st)
{
    switch (st) {
    case MXH_OK: return "success";
    case MXH_ERR_NOMEM: return "out of memory";
    case MXH_ERR_IO: return "cannot read input";
    case MXH_ERR_PARSE: return "input has lines that could not be parsed";
    case MXH_ERR_INCLUDE: return "$INCLUDE refused or failed";
    case MXH_ERR_RULE_LOAD: return "rule could not be loaded";
    case MXH_ERR_RULE_RUN: return "rule failed while running";
    case MXH_ERR_LIMIT: return "limit exceeded";
    case MXH_ERR_ARG: return "bad argument";
    case MXH_ERR_NOTFOUND: return "not found";
    case MXH_ERR_FORMAT: return "input is not a zone file";
    }
    return "unknown status";
}

/* ------------------------------------------------------------------------ */

mxh_status mxh_zoneset_new(mxh_zoneset **out)
{
    if (!out)
        return MXH_ERR_ARG;
    mxh_zoneset *zs = calloc(1, sizeof *zs);
    if (!zs)
        return MXH_ERR_NOMEM;
    mxh_arena_init(&zs->arena);
    if (mxh_zs_file(zs, "") != 0) { /* index 0: "no file" */
        free(zs);
        return MXH_ERR_NOMEM;
    }
    *out = zs;
    return MXH_OK;
}

void mxh_zoneset_free(mxh_zoneset *zs)
{
    if (!zs)
        return;
    mxh_zs_sunk_free(zs, NULL); /* none outside a parse */
    for (size_t i = 0; i < zs->nzones; i++) {
        mxh_zone *z = zs->zones[i];
        free(z->slots);
        free(z->node_list);
        free(z->ns_nodes);
        free(z->deep);
        free(z->rrs);
    }
    otab_free(&zs->by_origin);
    otab_free(&zs->ancestors);
    if (zs->scratch) {
        mxh_scratch_free(zs->scratch);
        free(zs->scratch);
    }
    free(zs->strings);
    for (uint32_t i = 0; i < zs->nnblocks; i++)
        free(zs->nblocks[i]);
    free(zs->nblocks);
    if (zs->inventory && mxh_inventory_free)
        mxh_inventory_free(zs->inventory);
    free(zs->zones);
    free(zs->files);
    free(zs->diags);
    mxh_arena_free(&zs->arena);
    free(zs);
}

/* A zeroed table for a hash index. A big one is probed at random, one TLB
 * entry per 4 KiB page: on a 1M-name zone the walks cost as much as the
 * probes. Ask for transparent huge pages there (a hint; harmless where
 * unsupported). Free with free(). */
#define HUGE_PAGE ((size_t)2 << 20)
static void *table_calloc(size_t n, size_t size)
{
    size_t bytes = n * size;
    if (bytes < HUGE_PAGE)
        return calloc(n, size);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

static const char *intern_h(mxh_zoneset *zs, const char *s, size_t len, uint32_t h);

const char *mxh_zs_intern(mxh_zoneset *zs, const char *s, size_t len)
{
    return intern_h(zs, s, len, mxh_hash_bytes(s, len));
}

static const char *intern_h(mxh_zoneset *zs, const char *s, size_t len, uint32_t h)
{
    size_t mask = zs->nstrslots - 1, i = h & mask;
    if (zs->nstrslots) {
        for (;; i = (i + 1) & mask) {
            const mxh_str_slot *sl = &zs->strings[i];
            if (!sl->s)
                break;
            if (sl->hash == h && sl->len == len && memcmp(sl->s, s, len) == 0)
                return sl->s;
        }
    }
    if ((zs->nstrings + 1) * 4 > zs->nstrslots * 3) { /* keep the load under 3/4 */
        size_t ns = zs->nstrslots ? zs->nstrslots * 2 : 64;
        mxh_str_slot *nsl = table_calloc(ns, sizeof *nsl);
        if (!nsl)
            return NULL;
        for (size_t k = 0; k < zs->nstrslots; k++) {
            const mxh_str_slot *o = &zs->strings[k];
            if (!o->s)
                continue;
            size_t j = o->hash & (ns - 1);
            while (nsl[j].s)
                j = (j + 1) & (ns - 1);
            nsl[j] = *o;
        }
        free(zs->strings);
        zs->strings = nsl;
        zs->nstrslots = ns;
        mask = ns - 1;
        for (i = h & mask; zs->strings[i].s; i = (i + 1) & mask)
            ;
    }
    const char *copy = mxh_arena_strndup(&zs->arena, s, len);
    if (!copy)
        return NULL;
    zs->strings[i].hash = h;
    zs->strings[i].len = (uint32_t)len;
    zs->strings[i].s = copy;
    zs->nstrings++;
    return copy;
}

mxh_fileno mxh_zs_file(mxh_zoneset *zs, const char *path)
{
    /* Few files per zone set in the common case; but a batch of 100,000
     * zones has 100,000 files, so search from the end (the usual hit). */
    for (size_t i = zs->nfiles; i-- > 0;) {
        if (strcmp(zs->files[i], path) == 0)
            return (mxh_fileno)i;
        if (zs->nfiles - i > 8)
            break;
    }
    if (zs->nfiles >= UINT32_MAX)
        return 0; /* table full: the record keeps "no file"; line numbers still hold */
    if (zs->nfiles == zs->capfiles) {
        size_t nc = zs->capfiles ? zs->capfiles * 2 : 16;
        const char **nf = realloc(zs->files, nc * sizeof *nf);
        if (!nf)
            return 0;
        zs->files = nf;
        zs->capfiles = nc;
    }
    const char *copy = mxh_arena_strndup(&zs->arena, path, strlen(path));
    if (!copy)
        return 0;
    zs->files[zs->nfiles] = copy;
    return (mxh_fileno)zs->nfiles++;
}

const char *mxh_zs_file_name(const mxh_zoneset *zs, mxh_fileno file)
{
    return file < zs->nfiles ? zs->files[file] : "";
}

void mxh_zs_seterr(mxh_zoneset *zs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(zs->errmsg, sizeof zs->errmsg, fmt, ap);
    va_end(ap);
}

void mxh_zs_diag(mxh_zoneset *zs, mxh_diag_level lvl, mxh_fileno file, unsigned long line,
                 const mxh_zone *z, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *fname = mxh_zs_file_name(zs, file);
    if (line)
        snprintf(zs->errmsg, sizeof zs->errmsg, "%.400s:%lu: %.600s", fname, line, msg);
    else
        snprintf(zs->errmsg, sizeof zs->errmsg, "%.400s: %.600s", fname, msg);
    if (zs->ndiags == zs->capdiags) {
        size_t nc = zs->capdiags ? zs->capdiags * 2 : 16;
        struct mxh_diag *nd = realloc(zs->diags, nc * sizeof *nd);
        if (!nd)
            return; /* the errmsg above still tells */
        zs->diags = nd;
        zs->capdiags = nc;
    }
    const char *m = mxh_arena_strndup(&zs->arena, msg, strlen(msg));
    if (!m)
        return;
    struct mxh_diag *d = &zs->diags[zs->ndiags++];
    d->level = lvl;
    d->file = file;
    d->file_name = fname;
    d->line = line;
    d->zone = z && z->sink ? NULL : z; /* a zone being parsed is not kept */
    d->message = m;
    d->shadow = false;
}

const char *mxh_zoneset_errmsg(const mxh_zoneset *zs)
{
    return zs ? zs->errmsg : "no zone set";
}

size_t mxh_zoneset_diag_count(const mxh_zoneset *zs) { return zs ? zs->ndiags : 0; }
const mxh_diag *mxh_zoneset_diag(const mxh_zoneset *zs, size_t i)
{
    return zs && i < zs->ndiags ? &zs->diags[i] : NULL;
}
mxh_diag_level mxh_diag_level_of(const mxh_diag *d) { return d->level; }
unsigned long mxh_diag_line(const mxh_diag *d) { return d->line; }
const char *mxh_diag_message(const mxh_diag *d) { return d->message; }
const mxh_zone *mxh_diag_zone(const mxh_diag *d) { return d->zone; }
const char *mxh_diag_file(const mxh_diag *d) { return d->file_name; }

/* ------------------------------------------------------------------------ */
/* Zones and nodes                                                          */

static void set_type_bit(mxh_zone *z, uint16_t type)
{
    if (type < 256)
        z->types[type >> 3] |= (uint8_t)(1u << (type & 7));
    else
        z->type_other = true;
}

/* Everything counts as having inner zones: always correct, only slower. */
static void ancestors_lost(mxh_zoneset *zs)
{
    zs->ancestors_lost = true;
    for (size_t i = 0; i < zs->nzones; i++)
        zs->zones[i]->has_inner_zones = true;
}

/* Tell z and the loaded zones above it about each other (RFC 1034 §4.3.2
 * step 2 needs the closest enclosing zone: a lookup must know when a closer
 * zone may lie below the one it is in). */
static void link_nesting(mxh_zoneset *zs, mxh_zone *z)
{
    size_t olen = strlen(z->origin);
    if (zs->ancestors_lost ||
        otab_find(&zs->ancestors, z->origin, olen, mxh_hash_bytes(z->origin, olen)))
        z->has_inner_zones = true; /* a zone loaded before lies below this origin */
    /* Each proper ancestor: a loaded zone there learns of this one; then the
     * ancestors join the table, up to the first already in it (and so are
     * all above it). */
    bool adding = !zs->ancestors_lost;
    for (const char *p = mxh_name_parent(z->origin); p; p = mxh_name_parent(p)) {
        size_t pl = olen - (size_t)(p - z->origin);
        uint32_t h = mxh_hash_bytes(p, pl);
        const mxh_oslot *up = otab_find(&zs->by_origin, p, pl, h);
        if (up)
            ((mxh_zone *)up->val)->has_inner_zones = true;
        if (adding) {
            if (otab_find(&zs->ancestors, p, pl, h)) {
                adding = false;
            } else if (!otab_add(&zs->ancestors, p, pl, h, NULL)) {
                ancestors_lost(zs);
                z->has_inner_zones = true;
                adding = false;
            }
        }
    }
}

/* Register z under its origin: the first zone of an origin answers for it;
 * a later one is shadowed, with a warning. False (nothing changed) when out
 * of memory. */
static bool register_origin(mxh_zoneset *zs, mxh_zone *z)
{
    size_t olen = strlen(z->origin);
    uint32_t h = mxh_hash_bytes(z->origin, olen);
    const mxh_oslot *sl = otab_find(&zs->by_origin, z->origin, olen, h);
    mxh_zone *first = sl ? sl->val : NULL;
    if (!first && !otab_add(&zs->by_origin, z->origin, olen, h, z))
        return false;
    z->first = first ? first : z;
    link_nesting(zs, z);
    if (first) {
        size_t before = zs->ndiags;
        mxh_zs_diag(zs, MXH_DIAG_WARNING, z->file, 0, z,
                    "zone %s was already loaded from %s; names in it resolve to that copy "
                    "except from within this file",
                    z->origin, mxh_zs_file_name(zs, first->file));
        if (zs->ndiags > before)
            zs->diags[zs->ndiags - 1].shadow = true;
    }
    return true;
}

/* What a zone being parsed shows its callback (kept out of every other
 * zone). It and its zone are one allocation of their own, not from the
 * arena: a zone set that parses file after file does not grow. */
struct mxh_sink {
    mxh_zone zone;
    struct mxh_sink *next;    /* the parse's zones made before, newest first */
    mxh_record_fn fn;
    void *ud;
    size_t origin_len;
    mxh_rr rr;                /* the record shown, and its owner node */
    mxh_node node;
    char *buf;                /* RDATA and its text side by side, when they were not */
    size_t cap;
};

mxh_zone *mxh_zone_create(mxh_zoneset *zs, const char *origin, mxh_fileno file, mxh_format fmt)
{
    if (zs->nzones == zs->capzones) {
        size_t nc = zs->capzones ? zs->capzones * 2 : 16;
        mxh_zone **nz = realloc(zs->zones, nc * sizeof *nz);
        if (!nz)
            return NULL;
        zs->zones = nz;
        zs->capzones = nc;
    }
    mxh_zone *z;
    if (zs->sink) {
        /* parsed, not kept: no place among the zones, no index, no nodes */
        struct mxh_sink *k = calloc(1, sizeof *k);
        if (!k)
            return NULL;
        k->next = zs->sunk;
        zs->sunk = k;
        k->fn = zs->sink;
        k->ud = zs->sink_ud;
        z = &k->zone;
        z->sink = k;
    } else {
        z = mxh_arena_alloc(&zs->arena, sizeof *z);
        if (!z)
            return NULL;
        memset(z, 0, sizeof *z);
    }
    z->zs = zs;
    z->file = file;
    z->format = fmt;
    z->origin = mxh_zs_intern(zs, origin, strlen(origin));
    if (!z->origin)
        return NULL;
    z->diag_at = zs->ndiags;
    if (z->sink) {
        z->sink->origin_len = strlen(z->origin);
        z->first = z;
        z->index = SIZE_MAX;
        return z;
    }
    z->index = zs->nzones;
    if (!register_origin(zs, z))
        return NULL;
    z->apex = mxh_zone_node(z, z->origin, strlen(z->origin));
    if (!z->apex)
        return NULL;
    z->apex->flags |= MXH_NODE_APEX;
    zs->zones[zs->nzones++] = z;
    return z;
}

/* Nodes (of every zone of the set) are allocated from blocks of 64 KiB
 * doubling to 1 MiB, so that a 32-bit reference names one: block index << 17
 * | offset / 8. Offset 0 of a block is never used, so no reference is 0.
 * (Blocks of a zone's own would waste their unused tails on every small zone
 * of a batch; unused pages of the zone set's last block are never touched.) */
#define NBLOCK_MIN ((uint32_t)64 << 10)
#define NBLOCK_MAX ((uint32_t)1 << 20)
#define NBLOCK_BITS 17

static inline mxh_node *node_at(const mxh_zone *z, uint32_t ref)
{
    return (mxh_node *)(void *)(z->zs->nblocks[(ref >> NBLOCK_BITS) + z->nblock_base] +
                                ((size_t)(ref & ((1u << NBLOCK_BITS) - 1)) << 3));
}

/* The last block's pages are brought in a quarter of the block (at most
 * 256 KiB) ahead of use, one madvise each (mxh_populate_ahead), instead of
 * a page fault per 4 KiB: a batch of small zones loads into blocks that
 * never reach NBLOCK_MAX, and faulting them in page by page cost a loading
 * thread more than the populate calls. At most a step stays unused. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void nblock_ready(mxh_zoneset *zs)
{
    zs->nblock_ready = (uint32_t)mxh_populate_ahead(zs->nblocks[zs->nnblocks - 1],
                                                    zs->nblock_ready, zs->nblock_used,
                                                    zs->nblock_size);
}

static mxh_node *node_alloc(mxh_zone *z, size_t bytes, uint32_t *ref)
{
    mxh_zoneset *zs = z->zs;
    bytes = (bytes + 7) & ~(size_t)7;
    if (bytes > NBLOCK_MIN / 2)
        return NULL; /* names are at most MXH_NAME_BUF */
    if (!zs->nnblocks || zs->nblock_used + bytes > zs->nblock_size) {
        uint32_t sz = zs->nblock_size ? zs->nblock_size * 2 : NBLOCK_MIN;
        if (sz > NBLOCK_MAX)
            sz = NBLOCK_MAX;
        if (zs->nnblocks >= ((uint32_t)1 << (32 - NBLOCK_BITS)) - 1)
            return NULL;
        if (zs->nnblocks == zs->capnblocks) {
            uint32_t nc = zs->capnblocks ? zs->capnblocks * 2 : 8;
            char **nb = realloc(zs->nblocks, nc * sizeof *nb);
            if (!nb)
                return NULL;
            zs->nblocks = nb;
            zs->capnblocks = nc;
        }
        char *b = malloc(sz);
        if (!b)
            return NULL;
        zs->nblocks[zs->nnblocks++] = b;
        zs->nblock_size = sz;
        zs->nblock_used = 8;
        zs->nblock_ready = 0;
    }
    uint32_t off = zs->nblock_used;
    zs->nblock_used += (uint32_t)bytes;
    if (zs->nblock_used > zs->nblock_ready)
        nblock_ready(zs);
    *ref = ((zs->nnblocks - 1 - z->nblock_base) << NBLOCK_BITS) | (off >> 3);
    return (mxh_node *)(void *)(zs->nblocks[zs->nnblocks - 1] + off);
}

static mxh_node *index_find(const mxh_zone *z, const char *name, size_t len, uint32_t h)
{
    if (!z->nslots)
        return NULL;
    size_t mask = z->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const mxh_node_slot *sl = &z->slots[i];
        if (!sl->ref)
            return NULL;
        if (sl->hash == h) {
            mxh_node *n = node_at(z, sl->ref);
            if (n->name_len == len && memcmp(n->name, name, len) == 0)
                return n;
        }
    }
}

static void index_put(mxh_node_slot *slots, size_t nslots, uint32_t h, uint32_t ref)
{
    size_t mask = nslots - 1, i = h & mask;
    while (slots[i].ref)
        i = (i + 1) & mask;
    slots[i].hash = h;
    slots[i].ref = ref;
}

/* Rebuild z's node index with ns slots (a power of two). */
static bool index_resize(mxh_zone *z, size_t ns)
{
    mxh_node_slot *sl = table_calloc(ns, sizeof *sl);
    if (!sl)
        return false;
    for (size_t i = 0; i < z->nslots; i++)
        if (z->slots[i].ref)
            index_put(sl, ns, z->slots[i].hash, z->slots[i].ref);
    free(z->slots);
    z->slots = sl;
    z->nslots = ns;
    return true;
}

/* Make room for n more items in an array of item size sz (*v, *cap). */
static bool reserve(void **v, size_t *cap, size_t used, size_t n, size_t sz)
{
    if (used + n <= *cap)
        return true;
    size_t nc = *cap ? *cap : 16;
    while (nc < used + n)
        nc *= 2;
    void *nv = realloc(*v, nc * sz);
    if (!nv)
        return false;
    *v = nv;
    *cap = nc;
    return true;
}

/* Append node to a node array (*v, *n, *cap). */
static bool node_push(mxh_node ***v, size_t *n, size_t *cap, mxh_node *node)
{
    if (!reserve((void **)v, cap, *n, 1, sizeof **v))
        return false;
    (*v)[(*n)++] = node;
    return true;
}

/* Add n (reference ref, hash h) to the index and the creation list. */
static bool index_add(mxh_zone *z, mxh_node *n, uint32_t ref, uint32_t h)
{
    if (!reserve((void **)&z->node_list, &z->capnodes, z->nnodes, 1, sizeof *z->node_list))
        return false;
    if ((z->nnodes + 1) * 4 > z->nslots * 3 && /* keep the load under 3/4 */
        !index_resize(z, z->nslots ? z->nslots * 2 : 16))
        return false;
    index_put(z->slots, z->nslots, h, ref);
    z->node_list[z->nnodes++] = n;
    return true;
}

bool mxh_zone_reserve(mxh_zone *z, size_t nnodes, size_t nrr)
{
    if (z->sink)
        return true; /* a zone being parsed holds nothing */
    if (nnodes > ((size_t)1 << 28) || nrr > ((size_t)1 << 28))
        return false; /* a hint that large is not believed */
    if (nnodes > z->capnodes) {
        mxh_node **nl = realloc(z->node_list, nnodes * sizeof *nl);
        if (!nl)
            return false;
        z->node_list = nl;
        z->capnodes = nnodes;
    }
    size_t ns = 16;
    while (nnodes * 4 > ns * 3)
        ns *= 2;
    if (ns > z->nslots && !index_resize(z, ns))
        return false;
    if (nrr > z->caprr) {
        mxh_rr **nr = realloc(z->rrs, nrr * sizeof *nr);
        if (!nr)
            return false;
        z->rrs = nr;
        z->caprr = nrr;
    }
    return true;
}

mxh_node *mxh_zone_find(const mxh_zone *z, const char *canon_name)
{
    size_t len = strlen(canon_name);
    return index_find(z, canon_name, len, mxh_hash_bytes(canon_name, len));
}

static mxh_node *zone_node_h(mxh_zone *z, const char *canon_name, size_t len, uint32_t h);

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

mxh_node *mxh_zone_node(mxh_zone *z, const char *canon_name, size_t len)
{
    return zone_node_h(z, canon_name, len, mxh_hash_bytes(canon_name, len));
}

void mxh_zone_prefetch(const mxh_zone *z, mxh_rr_in *in, const char *owner, size_t owner_len,
                       const char *target, size_t target_len)
{
    if (owner) {
        in->owner_hash = mxh_hash_bytes(owner, owner_len);
        in->hashed |= 1;
        if (z->nslots)
            PREFETCH(&z->slots[in->owner_hash & (z->nslots - 1)]);
    }
    if (target) {
        const mxh_zoneset *zs = z->zs;
        in->target_hash = mxh_hash_bytes(target, target_len);
        in->hashed |= 2;
        if (zs->nstrslots)
            PREFETCH(&zs->strings[in->target_hash & (zs->nstrslots - 1)]);
    }
}

void mxh_zone_prefetch_target(const mxh_zone *z, const mxh_rr_in *in)
{
    const mxh_zoneset *zs = z->zs;
    if (!(in->hashed & 2) || !zs->nstrslots)
        return;
    const mxh_str_slot *sl = &zs->strings[in->target_hash & (zs->nstrslots - 1)];
    if (sl->s && sl->hash == in->target_hash)
        PREFETCH(sl->s);
}

/* Whether a name strictly below an origin of length olen is one label below
 * it: no dot before the separating one (an escaped dot, "\\.", counts as a
 * dot here, so such names take the general way). */
static bool child_of_apex(const char *name, size_t len, size_t olen)
{
    return len > olen + 1 && !memchr(name, '.', len - olen - 1);
}

/* mxh_name_is_at_or_below with the lengths known; the general function when
 * the separating dot might be escaped. */
static bool at_or_below(const char *name, size_t nl, const char *anc, size_t al)
{
    if (al == 1 && anc[0] == '.')
        return true;
    if (al > nl || memcmp(name + nl - al, anc, al) != 0)
        return false;
    if (al == nl)
        return true;
    if (name[nl - al - 1] != '.')
        return false;
    if (nl - al < 2 || name[nl - al - 2] != '\\')
        return true; /* canonical form: a dot not right after a backslash separates */
    return mxh_name_is_at_or_below(name, anc);
}

static mxh_node *zone_node_h(mxh_zone *z, const char *canon_name, size_t len, uint32_t h)
{
    mxh_node *n = index_find(z, canon_name, len, h);
    if (n)
        return n;
    size_t olen = z->apex ? z->apex->name_len : strlen(z->origin);
    if (len > 0xffffffu || !at_or_below(canon_name, len, z->origin, olen))
        return NULL;
    /* The node with its name right behind it: one allocation, one cache line. */
    uint32_t ref;
    mxh_node *first = node_alloc(z, sizeof *first + len + 1, &ref);
    if (!first)
        return NULL;
    char *name = (char *)(first + 1);
    memcpy(name, canon_name, len);
    name[len] = '\0';
    /* Create the node and every missing ancestor up to the apex: the
     * ancestors are empty non-terminals (RFC 4592 §2.2.2) unless data comes.
     * Their names are suffixes of this one's string (canonical form). */
    mxh_node *nn = first;
    const char *cur = name;
    size_t curlen = len;
    for (;;) {
        memset(nn, 0, sizeof *nn);
        nn->name = cur;
        nn->name_len = (uint32_t)curlen;
        nn->zone = z;
        if (mxh_name_is_wildcard(cur))
            nn->flags |= MXH_NODE_WILDCARD;
        if (!index_add(z, nn, ref, h))
            return NULL;
        if (curlen == olen)
            break; /* the apex (names at or below the origin that are as long are the origin) */
        if (z->apex && child_of_apex(cur, curlen, olen))
            break; /* the parent is the apex, which exists */
        if (!child_of_apex(cur, curlen, olen) &&
            !node_push(&z->deep, &z->ndeep, &z->capdeep, nn))
            z->lists_lost = true; /* the node is indexed: go on with its
                                   * ancestors; mxh_zone_finish walks every node */
        const char *parent = mxh_name_parent(cur);
        if (!parent)
            break;
        size_t plen = curlen - (size_t)(parent - cur);
        if (plen == olen && z->apex)
            break; /* the apex, which exists (the name is at or below the origin) */
        h = mxh_hash_bytes(parent, plen);
        if (index_find(z, parent, plen, h))
            break;
        nn = node_alloc(z, sizeof *nn, &ref);
        if (!nn)
            return NULL;
        cur = parent;
        curlen = plen;
    }
    return first;
}

/*
 * mxh_zone_add of a zone being parsed: the record is shown to z->sink as a
 * mxh_rr of z's own (valid until the next one), with an owner node that
 * belongs to no index. The strings of in are NUL-terminated (as every loader
 * makes them); the RDATA as written must follow the RDATA's NUL to be found
 * by mxh_rr_rdata_text, so the two are copied side by side unless they are.
 */
/* The canonical RDATA of in and its text as written: *tx NULL when the
 * text is the canonical RDATA itself (or not given). */
static void rdata_texts(const mxh_rr_in *in, const char **rd, size_t *rdl, const char **tx,
                        size_t *txl)
{
    *rd = in->rdata ? in->rdata : "";
    *rdl = in->rdata && in->rdata_len ? in->rdata_len : strlen(*rd);
    *tx = in->rdata_text;
    *txl = 0;
    if (*tx) {
        *txl = in->rdata_text_len ? in->rdata_text_len : strlen(*tx);
        if (*txl == *rdl && memcmp(*tx, *rd, *rdl) == 0)
            *tx = NULL;
    }
}

/* A record whose owner lies outside z: ignored with a warning, as BIND does. */
static void out_of_zone(mxh_zone *z, const mxh_rr_in *in)
{
    z->ignored++;
    mxh_zs_diag(z->zs, MXH_DIAG_WARNING, in->file, in->line, z,
                "ignoring out-of-zone data: %s is not in zone %s", in->owner, z->origin);
}

static mxh_rr *zone_emit(mxh_zone *z, const mxh_rr_in *in)
{
    mxh_zoneset *zs = z->zs;
    struct mxh_sink *k = z->sink;
    if (z->stopped)
        return NULL;
    size_t ol = in->owner_len ? in->owner_len : strlen(in->owner);
    if (!at_or_below(in->owner, ol, z->origin, k->origin_len)) {
        out_of_zone(z, in);
        return NULL;
    }
    const char *rd, *tx;
    size_t rdl, txl;
    rdata_texts(in, &rd, &rdl, &tx, &txl);
    if (tx && tx != rd + rdl + 1) {
        size_t need = rdl + txl + 2;
        if (need > k->cap) {
            size_t nc = k->cap ? k->cap : 1024;
            while (nc < need)
                nc *= 2;
            char *nb = realloc(k->buf, nc);
            if (!nb) {
                z->rejected++;
                mxh_zs_diag(zs, MXH_DIAG_ERROR, in->file, in->line, z, "out of memory");
                return NULL;
            }
            k->buf = nb;
            k->cap = nc;
        }
        memcpy(k->buf, rd, rdl);
        k->buf[rdl] = '\0';
        memcpy(k->buf + rdl + 1, tx, txl);
        k->buf[rdl + 1 + txl] = '\0';
        rd = k->buf;
    }
    mxh_node *node = &k->node;
    memset(node, 0, sizeof *node);
    node->name = in->owner;
    node->name_len = (uint32_t)ol;
    node->zone = z;
    node->flags = MXH_NODE_DATA | (ol == k->origin_len ? MXH_NODE_APEX : 0) |
                  (mxh_name_is_wildcard(in->owner) ? MXH_NODE_WILDCARD : 0);
    mxh_rr *rr = &k->rr;
    memset(rr, 0, sizeof *rr);
    rr->node = node;
    rr->owner_text = in->owner_text ? in->owner_text : "";
    rr->rdata = rd;
    rr->target = in->target;
    rr->ttl = in->ttl;
    rr->line = in->line;
    rr->type = in->type;
    rr->rclass = in->rclass ? in->rclass : 1;
    rr->pref = in->pref;
    rr->file = in->file;
    rr->flags = (uint8_t)((in->flags & ~MXH_RR_TEXT_AFTER) | (tx ? MXH_RR_TEXT_AFTER : 0));
    set_type_bit(z, rr->type);
    if (k->fn(rr, k->ud) != 0)
        z->stopped = true;
    return rr;
}

mxh_rr *mxh_zone_add(mxh_zone *z, const mxh_rr_in *in)
{
    mxh_zoneset *zs = z->zs;
    if (z->sink)
        return zone_emit(z, in);
    mxh_node *node = z->last_node;
    if (!node || node->name_len != in->owner_len ||
        memcmp(node->name, in->owner, in->owner_len) != 0)
        node = (in->hashed & 1) ? zone_node_h(z, in->owner, in->owner_len, in->owner_hash)
                                : mxh_zone_node(z, in->owner, in->owner_len);
    if (!node) {
        if (!mxh_name_is_at_or_below(in->owner, z->origin)) {
            out_of_zone(z, in);
        } else {
            z->rejected++;
            mxh_zs_diag(zs, MXH_DIAG_ERROR, in->file, in->line, z, "out of memory");
        }
        return NULL;
    }
    mxh_rr *rr = mxh_arena_alloc(&zs->arena, sizeof *rr);
    if (!rr)
        goto nomem;
    memset(rr, 0, sizeof *rr);
    rr->node = node;
    const char *ot = in->owner_text ? in->owner_text : "";
    size_t otl = in->owner_text_len ? in->owner_text_len : strlen(ot);
    if (z->last_owner_text && z->last_owner_len == otl &&
        memcmp(z->last_owner_text, ot, otl) == 0) {
        rr->owner_text = z->last_owner_text;
    } else {
        rr->owner_text = mxh_arena_strndup(&zs->arena, ot, otl);
        if (!rr->owner_text)
            goto nomem;
        z->last_owner_text = rr->owner_text;
        z->last_owner_len = otl;
    }
    /* The RDATA as written, when it differs, right behind the canonical
     * RDATA: one allocation and no pointer of its own. */
    const char *rd, *tx;
    size_t rdl, txl;
    rdata_texts(in, &rd, &rdl, &tx, &txl);
    char *rdp = mxh_arena_text(&zs->arena, rdl + 1 + (tx ? txl + 1 : 0));
    if (!rdp)
        goto nomem;
    memcpy(rdp, rd, rdl + 1);
    if (tx)
        memcpy(rdp + rdl + 1, tx, txl + 1);
    rr->rdata = rdp;
    if (in->target) {
        size_t tl = in->target_len ? in->target_len : strlen(in->target);
        rr->target = (in->hashed & 2) ? intern_h(zs, in->target, tl, in->target_hash)
                                      : mxh_zs_intern(zs, in->target, tl);
        if (!rr->target)
            goto nomem;
    }
    rr->ttl = in->ttl;
    rr->line = in->line;
    rr->type = in->type;
    rr->rclass = in->rclass ? in->rclass : 1;
    rr->pref = in->pref;
    rr->file = in->file - z->file_base; /* see mxh_rr_fileno */
    if (!in->file)
        z->nofile_records = true;
    rr->flags = (uint8_t)((in->flags & ~MXH_RR_TEXT_AFTER) | (tx ? MXH_RR_TEXT_AFTER : 0));
    if (z->nrr == z->caprr) {
        size_t nc = z->caprr ? z->caprr * 2 : 32;
        mxh_rr **nr = realloc(z->rrs, nc * sizeof *nr);
        if (!nr)
            goto nomem;
        z->rrs = nr;
        z->caprr = nc;
    }
    z->rrs[z->nrr++] = rr;
    if (node->rrs_tail)
        node->rrs_tail->next = rr;
    else
        node->rrs = rr;
    node->rrs_tail = rr;
    node->flags |= MXH_NODE_DATA;
    if (rr->type == MXH_TYPE_NS && !(node->flags & MXH_NODE_HAS_NS)) {
        node->flags |= MXH_NODE_HAS_NS;
        if (node != z->apex && !node_push(&z->ns_nodes, &z->nns, &z->capns, node))
            z->lists_lost = true; /* mxh_zone_finish then walks every node */
    }
    z->last_node = node;
    set_type_bit(z, rr->type);
    zs->nrecords++;
    z->finished = false;
    return rr;
nomem:
    z->rejected++;
    mxh_zs_diag(zs, MXH_DIAG_ERROR, in->file, in->line, z, "out of memory");
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Joining zone sets                                                        */


mxh_status mxh_zoneset_merge(mxh_zoneset *dst, mxh_zoneset *src)
{
    if (!dst || !src || dst == src || src->inventory)
        return MXH_ERR_ARG;
    if ((size_t)dst->nnblocks + src->nnblocks >= ((size_t)1 << (32 - NBLOCK_BITS)) - 1) {
        mxh_zs_seterr(dst, "cannot merge: the zone sets hold %u + %u node blocks, more than "
                           "one zone set addresses", dst->nnblocks, src->nnblocks);
        return MXH_ERR_LIMIT;
    }
    /* Everything that can fail first, so that a failure changes nothing. */
    size_t cz = dst->capzones, cd = dst->capdiags, cb = dst->capnblocks;
    if (!reserve((void **)&dst->zones, &cz, dst->nzones, src->nzones, sizeof *dst->zones))
        return MXH_ERR_NOMEM;
    dst->capzones = cz;
    if (!reserve((void **)&dst->diags, &cd, dst->ndiags, src->ndiags + src->nzones,
                 sizeof *dst->diags))
        return MXH_ERR_NOMEM;
    dst->capdiags = cd;
    if (!reserve((void **)&dst->nblocks, &cb, dst->nnblocks, src->nnblocks,
                 sizeof *dst->nblocks))
        return MXH_ERR_NOMEM;
    dst->capnblocks = (uint32_t)cb;
    if (!otab_reserve(&dst->by_origin, src->nzones))
        return MXH_ERR_NOMEM; /* then registering src's zones cannot fail */
    mxh_fileno *fmap = malloc((src->nfiles ? src->nfiles : 1) * sizeof *fmap);
    if (!fmap)
        return MXH_ERR_NOMEM;
    /* src's file names join dst's table as they are (their text lives in
     * src's arena, which dst takes over); a name both tables hold is then
     * listed twice, which no caller can tell. */
    size_t cf = dst->capfiles;
    if (dst->nfiles + src->nfiles - 1 > UINT32_MAX) { /* src's file 0 is not copied */
        free(fmap);
        mxh_zs_seterr(dst, "cannot merge: more than %u files in one zone set", UINT32_MAX);
        return MXH_ERR_LIMIT;
    }
    if (!reserve((void **)&dst->files, &cf, dst->nfiles, src->nfiles, sizeof *dst->files)) {
        free(fmap);
        return MXH_ERR_NOMEM;
    }
    dst->capfiles = cf;
    fmap[0] = 0;
    mxh_fileno fbase = (mxh_fileno)dst->nfiles - 1; /* src's file i is dst's fbase + i */
    for (size_t i = 1; i < src->nfiles; i++) {
        fmap[i] = (mxh_fileno)dst->nfiles;
        dst->files[dst->nfiles++] = src->files[i];
    }

    /* The memory: src's arena chunks and node blocks now belong to dst (its
     * strings, including the interned names src's records point at, stay
     * where they are; dst's pool does not learn them, which only means a
     * later equal name gets a copy of its own). */
    mxh_arena_take(&dst->arena, &src->arena);
    uint32_t boff = dst->nnblocks;
    if (src->nnblocks) {
        memcpy(dst->nblocks + dst->nnblocks, src->nblocks, src->nnblocks * sizeof *src->nblocks);
        dst->nnblocks += src->nnblocks;
        dst->nblock_used = src->nblock_used; /* the last block is src's now */
        dst->nblock_size = src->nblock_size;
        dst->nblock_ready = src->nblock_ready;
    }
    otab_free(&src->by_origin); /* the zones are registered with dst below */
    otab_free(&src->ancestors);

    /* Zones in src's order, each registered as mxh_zone_create would have;
     * src's diagnostics in their order, the "already loaded" warnings
     * recomputed against dst where the zone was made. */
    size_t di = 0;
    for (size_t zi = 0; zi <= src->nzones; zi++) {
        size_t upto = zi < src->nzones ? src->zones[zi]->diag_at : src->ndiags;
        for (; di < upto && di < src->ndiags; di++) {
            const struct mxh_diag *d = &src->diags[di];
            if (d->shadow)
                continue;
            struct mxh_diag *nd = &dst->diags[dst->ndiags++];
            *nd = *d;
            nd->file = d->file < src->nfiles ? fmap[d->file] : 0;
            nd->file_name = mxh_zs_file_name(dst, nd->file);
        }
        if (zi == src->nzones)
            break;
        mxh_zone *z = src->zones[zi];
        z->zs = dst;
        z->file = z->file < src->nfiles ? fmap[z->file] : 0;
        z->index = dst->nzones;
        z->diag_at = dst->ndiags;
        /* src's node blocks follow dst's, its files follow dst's in order
         * (src's file i is now fbase + i): one shift per zone, no visit to
         * its records and slots (mxh_rr_fileno, node_at). A record of no
         * file keeps none, so a zone holding one is remapped record by record. */
        z->nblock_base += boff;
        if (z->nofile_records) {
            for (size_t k = 0; k < z->nrr; k++) {
                mxh_fileno f = mxh_rr_fileno(z->rrs[k]);
                f = f < src->nfiles ? fmap[f] : 0;
                z->rrs[k]->file = f - (z->file_base + fbase);
            }
        }
        z->file_base += fbase;
        (void)register_origin(dst, z); /* room reserved above */
        dst->zones[dst->nzones++] = z;
    }
    dst->nrecords += src->nrecords;
    free(fmap);
    src->nzones = 0; /* the zones and node blocks are dst's: freed with it */
    src->nnblocks = 0;
    mxh_zoneset_free(src);
    return MXH_OK;
}

/* The delegation points of a zone, for the walk in mxh_zone_finish: a small
 * table that stays in cache, where the name index would miss on every probe. */
typedef struct cut_slot {
    uint32_t hash;
    const mxh_node *node;     /* NULL: empty */
} cut_slot;

static bool is_cut(const mxh_zone *z, const char *p, size_t pl)
{
    const mxh_node *an = index_find(z, p, pl, mxh_hash_bytes(p, pl));
    return an && (an->flags & MXH_NODE_CUT);
}

static bool in_cuts(const cut_slot *cuts, size_t mask, const char *p, size_t pl)
{
    uint32_t h = mxh_hash_bytes(p, pl);
    for (size_t i = h & mask; cuts[i].node; i = (i + 1) & mask)
        if (cuts[i].hash == h && cuts[i].node->name_len == pl &&
            memcmp(cuts[i].node->name, p, pl) == 0)
            return true;
    return false;
}

void mxh_zs_sunk_free(mxh_zoneset *zs, struct mxh_sink *keep)
{
    while (zs->sunk != keep) {
        struct mxh_sink *k = zs->sunk;
        zs->sunk = k->next;
        free(k->buf);
        free(k);
    }
}

void mxh_zone_finish(mxh_zone *z)
{
    if (z->sink) {
        free(z->sink->buf); /* the zone was parsed: nothing to mark, and the read is over */
        z->sink->buf = NULL;
        z->sink->cap = 0;
        return;
    }
    if (z->finished)
        return;
    /* RFC 1034 §4.2.1: NS at a non-apex owner marks a zone cut; data at and
     * below it (except the NS and glue) belongs to the child zone. Only the
     * NS owners can be cuts, and only names two or more labels below the
     * apex can lie below one: the zone keeps both lists as nodes are made,
     * so a zone of a million names with a few thousand delegations is not
     * walked whole (unless memory ran out for a list: then it is). */
    bool all = z->lists_lost;
    mxh_node **cand = all ? z->node_list : z->ns_nodes;
    size_t ncand = all ? z->nnodes : z->nns;
    mxh_node **low = all ? z->node_list : z->deep;
    size_t nlow = all ? z->nnodes : z->ndeep;
    size_t olen = strlen(z->origin);
    size_t ncut = 0;
    for (size_t i = 0; i < ncand; i++) {
        mxh_node *n = cand[i];
        n->flags &= (uint16_t)~(MXH_NODE_CUT | MXH_NODE_BELOW_CUT);
        if (n != z->apex && (n->flags & MXH_NODE_HAS_NS)) {
            n->flags |= MXH_NODE_CUT;
            ncut++;
        }
    }
    for (size_t i = 0; i < nlow; i++)
        low[i]->flags &= (uint16_t)~MXH_NODE_BELOW_CUT;
    if (ncut) {
        size_t ns = 16;
        while (ns < ncut * 2)
            ns *= 2;
        cut_slot *cuts = calloc(ns, sizeof *cuts);
        size_t mask = ns - 1;
        for (size_t i = 0; cuts && i < ncand; i++) {
            const mxh_node *n = cand[i];
            if (!(n->flags & MXH_NODE_CUT))
                continue;
            uint32_t h = mxh_hash_bytes(n->name, n->name_len);
            size_t k = h & mask;
            while (cuts[k].node)
                k = (k + 1) & mask;
            cuts[k].hash = h;
            cuts[k].node = n;
        }
        for (size_t i = 0; i < nlow; i++) {
            mxh_node *n = low[i];
            if (n == z->apex || child_of_apex(n->name, n->name_len, olen))
                continue; /* no name between it and the apex */
            for (const char *p = mxh_name_parent(n->name); p; p = mxh_name_parent(p)) {
                size_t pl = n->name_len - (size_t)(p - n->name);
                if (pl <= olen) /* at the apex (or, not below it, never: n is in the zone) */
                    break;
                if (cuts ? in_cuts(cuts, mask, p, pl) : is_cut(z, p, pl)) {
                    n->flags |= MXH_NODE_BELOW_CUT;
                    break;
                }
            }
        }
        free(cuts);
    }
    z->finished = true;
}

const mxh_zone *mxh_zs_zone_for(const mxh_zoneset *zs, const mxh_zone *ctx, const char *canon_name)
{
    size_t nl = strlen(canon_name);
    for (const char *p = canon_name; p; p = mxh_name_parent(p)) {
        mxh_zone *z = mxh_zs_origin(zs, p, nl - (size_t)(p - canon_name));
        if (z) {
            if (ctx && ctx != z && strcmp(ctx->origin, z->origin) == 0)
                return ctx;
            return z;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Public accessors                                                         */

size_t mxh_zoneset_zone_count(const mxh_zoneset *zs) { return zs ? zs->nzones : 0; }
const mxh_zone *mxh_zoneset_zone(const mxh_zoneset *zs, size_t i)
{
    return zs && i < zs->nzones ? zs->zones[i] : NULL;
}
size_t mxh_zoneset_record_count(const mxh_zoneset *zs) { return zs ? zs->nrecords : 0; }

const mxh_zone *mxh_zoneset_find_zone(const mxh_zoneset *zs, const char *name)
{
    char buf[MXH_NAME_BUF];
    if (!zs || mxh_name_from_user(name, buf, sizeof buf) <= 0)
        return NULL;
    return mxh_zs_zone_for(zs, NULL, buf);
}

const char *mxh_zone_origin(const mxh_zone *z) { return z->origin; }
const char *mxh_zone_file(const mxh_zone *z) { return mxh_zs_file_name(z->zs, z->file); }
mxh_format mxh_zone_format(const mxh_zone *z) { return z->format; }
size_t mxh_zone_record_count(const mxh_zone *z) { return z->nrr; }
size_t mxh_zone_rejected_count(const mxh_zone *z) { return z->rejected; }
int mxh_zone_incomplete(const mxh_zone *z) { return z->rejected > 0; }
int mxh_zone_shadowed(const mxh_zone *z) { return z->first != z; }
const mxh_rr *mxh_zone_record(const mxh_zone *z, size_t i) { return i < z->nrr ? z->rrs[i] : NULL; }
int mxh_zone_has_type(const mxh_zone *z, uint16_t type)
{
    if (type < 256)
        return (z->types[type >> 3] >> (type & 7)) & 1;
    if (!z->type_other)
        return 0;
    for (size_t i = 0; i < z->nrr; i++)
        if (z->rrs[i]->type == type)
            return 1;
    return 0;
}

const char *mxh_rr_owner(const mxh_rr *rr) { return rr->node->name; }
uint16_t mxh_rr_type(const mxh_rr *rr) { return rr->type; }
uint16_t mxh_rr_class(const mxh_rr *rr) { return rr->rclass; }
uint32_t mxh_rr_ttl(const mxh_rr *rr) { return rr->ttl; }
const char *mxh_rr_rdata(const mxh_rr *rr) { return rr->rdata; }
const char *mxh_rr_target(const mxh_rr *rr) { return rr->target; }
unsigned mxh_rr_preference(const mxh_rr *rr) { return rr->pref; }
int mxh_rr_target_relative(const mxh_rr *rr) { return (rr->flags & MXH_RR_TARGET_RELATIVE) != 0; }
const char *mxh_rr_owner_text(const mxh_rr *rr) { return rr->owner_text; }
const char *mxh_rr_rdata_text(const mxh_rr *rr)
{
    return (rr->flags & MXH_RR_TEXT_AFTER) ? rr->rdata + strlen(rr->rdata) + 1 : rr->rdata;
}
const char *mxh_rr_file(const mxh_rr *rr) { return mxh_zs_file_name(rr->node->zone->zs, mxh_rr_fileno(rr)); }
unsigned long mxh_rr_line(const mxh_rr *rr) { return rr->line; }
const mxh_zone *mxh_rr_zone(const mxh_rr *rr) { return rr->node->zone; }

static const char *class_name(uint16_t c, char buf[16])
{
    switch (c) {
    case 1: return "IN";
    case 2: return "CS";
    case 3: return "CH";
    case 4: return "HS";
    default: snprintf(buf, 16, "CLASS%u", (unsigned)c); return buf;
    }
}

size_t mxh_rr_format(const mxh_rr *rr, char *buf, size_t bufsz)
{
    char tb[16], cb[16];
    int n = snprintf(buf, bufsz, "%s %lu %s %s %s", rr->node->name, (unsigned long)rr->ttl,
                     class_name(rr->rclass, cb), mxh_type_name(rr->type, tb), rr->rdata);
    return n < 0 ? 0 : (size_t)n;
}

/* ------------------------------------------------------------------------ */
/* RR type names (IANA DNS parameters registry)                             */

static const struct { uint16_t type; const char *name; } types[] = {
    {1, "A"}, {2, "NS"}, {3, "MD"}, {4, "MF"}, {5, "CNAME"}, {6, "SOA"}, {7, "MB"}, {8, "MG"},
    {9, "MR"}, {10, "NULL"}, {11, "WKS"}, {12, "PTR"}, {13, "HINFO"}, {14, "MINFO"}, {15, "MX"},
    {16, "TXT"}, {17, "RP"}, {18, "AFSDB"}, {19, "X25"}, {20, "ISDN"}, {21, "RT"}, {22, "NSAP"},
    {23, "NSAP-PTR"}, {24, "SIG"}, {25, "KEY"}, {26, "PX"}, {27, "GPOS"}, {28, "AAAA"},
    {29, "LOC"}, {30, "NXT"}, {31, "EID"}, {32, "NIMLOC"}, {33, "SRV"}, {34, "ATMA"},
    {35, "NAPTR"}, {36, "KX"}, {37, "CERT"}, {38, "A6"}, {39, "DNAME"}, {40, "SINK"},
    {41, "OPT"}, {42, "APL"}, {43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"},
    {47, "NSEC"}, {48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"}, {51, "NSEC3PARAM"},
    {52, "TLSA"}, {53, "SMIMEA"}, {55, "HIP"}, {56, "NINFO"}, {57, "RKEY"}, {58, "TALINK"},
    {59, "CDS"}, {60, "CDNSKEY"}, {61, "OPENPGPKEY"}, {62, "CSYNC"}, {63, "ZONEMD"},
    {64, "SVCB"}, {65, "HTTPS"}, {99, "SPF"}, {100, "UINFO"}, {101, "UID"}, {102, "GID"},
    {103, "UNSPEC"}, {104, "NID"}, {105, "L32"}, {106, "L64"}, {107, "LP"}, {108, "EUI48"},
    {109, "EUI64"}, {249, "TKEY"}, {250, "TSIG"}, {251, "IXFR"}, {252, "AXFR"}, {253, "MAILB"},
    {254, "MAILA"}, {255, "ANY"}, {256, "URI"}, {257, "CAA"}, {258, "AVC"}, {259, "DOA"},
    {260, "AMTRELAY"}, {261, "RESINFO"}, {32768, "TA"}, {32769, "DLV"},
};

uint16_t mxh_type_from_name(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(types[i].name, name) == 0)
            return types[i].type;
    if (strncasecmp(name, "TYPE", 4) == 0 && name[4] >= '0' && name[4] <= '9') {
        char *end;
        unsigned long v = strtoul(name + 4, &end, 10);
        if (*end == '\0' && v <= 65535)
            return (uint16_t)v;
    }
    return 0;
}

const char *mxh_type_name(uint16_t type, char buf[16])
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].type == type)
            return types[i].name;
    snprintf(buf, 16, "TYPE%u", (unsigned)type);
    return buf;
}

/* The record is sized for big zones (see mxh_internal.h). */
_Static_assert(sizeof(void *) != 8 || sizeof(struct mxh_rr) <= 64, "mxh_rr grew past 64 bytes");

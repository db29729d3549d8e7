/* SPDX-License-Identifier: MIT */
/* Bump allocator: a zone set's records, names and texts live in one arena and
 * are released together. Chunks grow geometrically up to 4 MiB; a request
 * larger than a chunk gets a chunk of its own. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* mremap */
#endif
#include "mxh_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct mxh_arena_chunk {
    struct mxh_arena_chunk *next;
    size_t used, size;
    bool mapped;            /* pages of its own (mxh_arena_adopt): munmap, not free */
    size_t ready;           /* data bytes known to have their pages in (>= used) */
    /* data follows, 16-aligned */
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN ((size_t)16 * 1024)
#define CHUNK_MAX ((size_t)4 * 1024 * 1024)

void mxh_arena_init(mxh_arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void mxh_arena_free(mxh_arena *a)
{
    mxh_arena_chunk *c = a->head;
    while (c) {
        mxh_arena_chunk *n = c->next;
        if (c->mapped)
            munmap(c, sizeof *c + c->size);
        else
            free(c);
        c = n;
    }
    a->head = NULL;
    a->total = 0;
}

/*
 * A chunk's pages are brought in a quarter of the chunk (at most
 * 256 KiB) ahead of use (mxh_populate_ahead), one madvise(MADV_POPULATE_WRITE)
 * (Linux 5.14) per step rather than a page fault per 4 KiB: the same pages, allocated and
 * zeroed in one call each. Small chunks too: a batch of small zones loaded
 * into a zone set of its own never grows a big one, and a page fault costs
 * more than its share of a call. At most a step is brought in that may stay
 * unused. Elsewhere, or if refused, the pages fault in as they are touched.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void chunk_ready(mxh_arena_chunk *c)
{
    c->ready = mxh_populate_ahead(c->data, c->ready, c->used, c->size);
}

/* Where a chunk not meant for filling goes (a large request's own, or
 * another arena's): behind the current chunk, and behind an adopted chunk
 * waiting there unused, which mxh_arena_alloc and mxh_arena_adopt look for
 * right behind the current one. a->head is not NULL. */
static mxh_arena_chunk **behind_current(mxh_arena *a)
{
    mxh_arena_chunk **at = &a->head->next;
    if (*at && (*at)->mapped && (*at)->used == 0)
        at = &(*at)->next;
    return at;
}

void *mxh_arena_alloc(mxh_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n == 0)
        n = 8;
    mxh_arena_chunk *c = a->head;
    if (c) {
        size_t at = (c->used + 7) & ~(size_t)7;  /* strings may have left it unaligned */
        if (at <= c->size && c->size - at >= n) {
            c->used = at + n;
            if (c->used > c->ready)
                chunk_ready(c);
            return c->data + at;
        }
    }
    size_t size = c ? c->size * 2 : CHUNK_MIN;
    if (size > CHUNK_MAX)
        size = CHUNK_MAX;
    mxh_arena_chunk *spare = c ? c->next : NULL;
    if (spare && spare->mapped && spare->used == 0 && spare->size >= n && n <= size / 4) {
        /* pages given by mxh_arena_adopt, waiting behind the current chunk */
        c->next = spare->next;
        spare->next = c;
        a->head = spare;
        spare->used = n;
        return spare->data;
    }
    if (n > size / 4) {
        /* A large request gets its own chunk, linked behind the current one
         * so the current chunk's free space stays usable. */
        mxh_arena_chunk *big = malloc(sizeof *big + n);
        if (!big)
            return NULL;
        big->used = big->size = big->ready = n;
        big->mapped = false;
        a->total += sizeof *big + n;
        if (c) {
            mxh_arena_chunk **at = behind_current(a);
            big->next = *at;
            *at = big;
        } else {
            big->next = NULL;
            a->head = big;
        }
        return big->data;
    }
    mxh_arena_chunk *nc = malloc(sizeof *nc + size);
    if (!nc)
        return NULL;
    nc->size = size;
    nc->used = n;
    nc->mapped = false;
    nc->ready = 0;
    chunk_ready(nc);
    nc->next = c;
    a->head = nc;
    a->total += sizeof *nc + size;
    return nc->data;
}

char *mxh_arena_text(mxh_arena *a, size_t n)
{
    /* Text needs no 8-byte alignment: pack it. */
    mxh_arena_chunk *c = a->head;
    if (c && c->size - c->used >= n) {
        char *p = (char *)c->data + c->used;
        c->used += n;
        if (c->used > c->ready)
            chunk_ready(c);
        return p;
    }
    return mxh_arena_alloc(a, n);
}

char *mxh_arena_strndup(mxh_arena *a, const char *s, size_t len)
{
    mxh_arena_chunk *c = a->head;
    char *p;
    if (c && c->ready - c->used > len) { /* ready >= used always */
        p = (char *)c->data + c->used; /* room, with its pages in */
        c->used += len + 1;
    } else if (!(p = mxh_arena_text(a, len + 1))) {
        return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void mxh_arena_take(mxh_arena *dst, mxh_arena *src)
{
    if (!src->head)
        return;
    mxh_arena_chunk *last = src->head;
    while (last->next)
        last = last->next;
    if (dst->head) {
        mxh_arena_chunk **at = behind_current(dst);
        last->next = *at;
        *at = src->head;
    } else {
        dst->head = src->head;
    }
    dst->total += src->total;
    src->head = NULL;
    src->total = 0;
}

/*
 * Take pages[0..len) (page-aligned, part of a private anonymous mapping
 * whose owner is done with them, such as a zone file's text once read) as a
 * chunk for the coming allocations: they are moved to an address of their
 * own (mremap), so the owner's later munmap of its whole mapping does not
 * take them; the range stays mapped, without pages (as MADV_DONTNEED leaves
 * it). The pages are already resident,
 * so filling them costs no page faults and no zeroing, where a new chunk
 * would fault in and zero a page per 4 KiB. At most one such chunk waits
 * unused. Returns false (nothing changed) when it cannot or should not.
 */
bool mxh_arena_adopt(mxh_arena *a, void *pages, size_t len)
{
#if defined(__linux__) && defined(MREMAP_FIXED) && defined(MREMAP_DONTUNMAP)
    mxh_arena_chunk *c = a->head;
    if (len < ((size_t)64 << 10) || !c || (c->next && c->next->mapped && c->next->used == 0))
        return false;
    void *to = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (to == MAP_FAILED)
        return false;
    /* DONTUNMAP (Linux 5.7): the range stays mapped, empty, so nothing else
     * (another thread's mmap) can land there before its owner unmaps it */
    void *p = mremap(pages, len, len, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to);
    if (p == MAP_FAILED) {
        munmap(to, len);
        return false;
    }
    mxh_arena_chunk *nc = p;
    nc->size = len - sizeof *nc;
    nc->used = 0;
    nc->ready = nc->size;
    nc->mapped = true;
    nc->next = c->next; /* behind the current chunk, used when that one is full */
    c->next = nc;
    a->total += len;
    return true;
#else
    (void)a;
    (void)pages;
    (void)len;
    return false;
#endif
}

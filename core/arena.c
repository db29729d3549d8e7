/* SPDX-License-Identifier: MIT */
/* Bump allocator: a zone set's records, names and texts live in one arena and
 * are released together. Chunks grow geometrically up to 4 MiB; a request
 * larger than a chunk gets a chunk of its own. */
#include "mxh_internal.h"

#include <stdlib.h>
#include <string.h>

struct mxh_arena_chunk {
    struct mxh_arena_chunk *next;
    size_t used, size;
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
        free(c);
        c = n;
    }
    a->head = NULL;
    a->total = 0;
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
            return c->data + at;
        }
    }
    size_t size = c ? c->size * 2 : CHUNK_MIN;
    if (size > CHUNK_MAX)
        size = CHUNK_MAX;
    if (n > size / 4) {
        /* A large request gets its own chunk, linked behind the current one
         * so the current chunk's free space stays usable. */
        mxh_arena_chunk *big = malloc(sizeof *big + n);
        if (!big)
            return NULL;
        big->used = big->size = n;
        a->total += sizeof *big + n;
        if (c) {
            big->next = c->next;
            c->next = big;
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
        return p;
    }
    return mxh_arena_alloc(a, n);
}

char *mxh_arena_strndup(mxh_arena *a, const char *s, size_t len)
{
    char *p = mxh_arena_text(a, len + 1);
    if (!p)
        return NULL;
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
        last->next = dst->head->next; /* behind dst's current chunk */
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->total += src->total;
    src->head = NULL;
    src->total = 0;
}

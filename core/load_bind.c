/* SPDX-License-Identifier: MIT */
/*
 * load_bind.c — RFC 1035 §5 master files.
 *
 * A lexer of our own splits the buffer into entries (one record or one
 * directive: a line, or several lines joined by parentheses); tokens point
 * into the buffer, so nothing is copied or allocated per record except what
 * the zone keeps. Supported: $ORIGIN, $TTL, $INCLUDE (confined to an include
 * root), relative names, "@", blank owners, TTL and class in either order,
 * BIND TTL units, parentheses, quoted strings, \X and \DDD escapes, comments,
 * CRLF, a UTF-8 BOM. A bad entry is reported with file:line and the reason,
 * counted as rejected, and loading goes on with the next entry.
 */
#include "mxh_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldns_dl.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif


#define MAX_TOKENS 100000 /* more fields than any RDATA (65535 octets) can need */
#define TTL_MAX_RFC2181 0x7fffffffu

/* ------------------------------------------------------------------------ */
/* Lexer                                                                    */

enum { C_ORD = 0, C_WS, C_NL, C_SEMI, C_QUOTE, C_LP, C_RP, C_BS, C_CTRL };

static const uint8_t cls[256] = {
    [0x00] = C_CTRL, [0x01] = C_CTRL, [0x02] = C_CTRL, [0x03] = C_CTRL, [0x04] = C_CTRL,
    [0x05] = C_CTRL, [0x06] = C_CTRL, [0x07] = C_CTRL, [0x08] = C_CTRL, ['\t'] = C_WS,
    ['\n'] = C_NL,   [0x0b] = C_WS,   [0x0c] = C_WS,   ['\r'] = C_WS,   [0x0e] = C_CTRL,
    [0x0f] = C_CTRL, [0x10] = C_CTRL, [0x11] = C_CTRL, [0x12] = C_CTRL, [0x13] = C_CTRL,
    [0x14] = C_CTRL, [0x15] = C_CTRL, [0x16] = C_CTRL, [0x17] = C_CTRL, [0x18] = C_CTRL,
    [0x19] = C_CTRL, [0x1a] = C_CTRL, [0x1b] = C_CTRL, [0x1c] = C_CTRL, [0x1d] = C_CTRL,
    [0x1e] = C_CTRL, [0x1f] = C_CTRL, [' '] = C_WS,    [';'] = C_SEMI,  ['"'] = C_QUOTE,
    ['('] = C_LP,    [')'] = C_RP,    ['\\'] = C_BS,   [0x7f] = C_CTRL,
};

/* Index of the first byte at or after i that does not continue a plain word
 * (cls[] != C_ORD), or n. Words are short, but a 16-byte compare finds the
 * end of most of them in one step where a byte loop takes one per byte. */
#if defined(__SSE2__)
static inline size_t word_end(const char *b, size_t i, size_t n)
{
    const __m128i sp = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                  lp = _mm_set1_epi8('('), rp = _mm_set1_epi8(')'), semi = _mm_set1_epi8(';'),
                  bs = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        /* 0x00..0x20 (unsigned): blanks, newlines, control characters */
        __m128i m = _mm_cmpeq_epi8(_mm_min_epu8(v, sp), v);
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, semi)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, lp), _mm_cmpeq_epi8(v, rp)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, del)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    while (i < n && cls[(unsigned char)b[i]] == C_ORD)
        i++;
    return i;
}
/* Index of the first '"', backslash or newline at or after i, or n. */
static inline size_t quoted_end(const char *b, size_t i, size_t n)
{
    const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
                  nl = _mm_set1_epi8('\n');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, nl)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    while (i < n && b[i] != '"' && b[i] != '\\' && b[i] != '\n')
        i++;
    return i;
}
#else
static inline size_t quoted_end(const char *b, size_t i, size_t n)
{
    while (i < n && b[i] != '"' && b[i] != '\\' && b[i] != '\n')
        i++;
    return i;
}
static inline size_t word_end(const char *b, size_t i, size_t n)
{
    while (i < n && cls[(unsigned char)b[i]] == C_ORD)
        i++;
    return i;
}
#endif

typedef struct btok {
    const char *p;    /* as written (a quoted token includes its quotes) */
    uint32_t len;
    uint8_t quoted;
} btok;

typedef struct lexer {
    const char *b;
    size_t n, pos;
    uint32_t line;    /* line number at pos */
} lexer;

typedef struct entry {
    uint32_t line;    /* where the entry starts */
    int blank_owner;  /* the line starts with white space */
    size_t ntok;
    char err[160];    /* lexing error, "" if none */
} entry;

/* A parsed record waiting for mxh_zone_add (see stage_record): its strings
 * are copied into bload.stage, at these offsets. */
#define PEND_MAX 16
#define NO_OFF UINT32_MAX
typedef struct pend {
    mxh_rr_in in;           /* the strings' pointers are set when it is added */
    uint32_t owner_off, otext_off, rdata_off, rtext_off, target_off;
} pend;

/* The whole load: one top file and its includes. */
typedef struct bload {
    mxh_zoneset *zs;
    mxh_zone *z;
    const mxh_load_opts *opts;
    /* buffers, kept by the zone set between loads (scratch_take/give):
     * tokens, the RDATA as written joined (rbuf), canonical RDATA (cbuf),
     * and the stage below */
    mxh_scratch b;
    /* TTL state, as BIND keeps it */
    uint32_t default_ttl, last_ttl;
    bool default_known, last_known;
    bool warned_1035, warned_nottl;
    /* previous owner, for blank owners and as a cache */
    char owner[MXH_NAME_BUF];
    size_t owner_len;
    bool have_owner;
    const char *owner_tp;   /* token text that produced owner */
    size_t owner_tl;
    unsigned owner_gen;     /* origin generation owner was made under */
    unsigned gen;           /* bumped whenever a current origin changes */
    uint32_t owner_hash;    /* of owner (mxh_zone_prefetch) */
    /* includes: the root and the top file's real path are worked out at the
     * first $INCLUDE only (include_setup), so most files cost no realpath */
    bool inc_ready;
    bool top_is_file;
    const char *top_name;
    const char *root_opt;
    mxh_fileno top_file;
    char top_real[PATH_MAX];
    char top_dir[PATH_MAX];
    char root[PATH_MAX];
    bool have_root;
    unsigned depth, max_depth;
    const char *stack[MXH_INCLUDE_DEPTH * 4 + 2]; /* realpaths being read */
    unsigned nstack;
    bool include_failed;
    bool nomem;
    /* records parsed but not yet added: the index slots they will probe are
     * fetched meanwhile (mxh_zone_prefetch), several records ahead */
    pend pend[PEND_MAX];
    unsigned npend;
    size_t stage_n;         /* bytes used of b.stage */
    uint32_t owner_off;     /* owner's copy in stage, or NO_OFF */
    const char *buf_end;    /* end of the buffer being read (canon_name reads ahead) */
    /* the top buffer's pages may be dropped once read (MXH_LOADF_DISCARD) */
    bool discard;
    uintptr_t dropped;      /* dropped up to here */
} bload;

/* The buffers of one load are kept by the zone set for the next (a batch
 * loads thousands of small files: getting and giving back four buffers per
 * file cost as much as a small file's parse, and grew a thread's heap page
 * by page). Only modest sizes are kept. */
#define KEEP_MAX ((size_t)256 << 10)

static void scratch_take(bload *L)
{
    mxh_scratch *k = L->zs->scratch;
    if (!k)
        return;
    L->zs->scratch = NULL; /* in use: a load started meanwhile (from a record
                            * callback) makes buffers of its own */
    L->b = *k;
    free(k);
}

static void scratch_give(bload *L)
{
    mxh_scratch *k = L->zs->scratch ? NULL : malloc(sizeof *k);
    if (k && L->b.captok * sizeof *L->b.tok <= KEEP_MAX && L->b.rcap <= KEEP_MAX &&
        L->b.ccap <= KEEP_MAX && L->b.stage_cap <= KEEP_MAX) {
        *k = L->b;
        L->zs->scratch = k;
    } else {
        free(k);
        mxh_scratch_free(&L->b);
    }
    memset(&L->b, 0, sizeof L->b);
}

/* One file being read. */
typedef struct bfile {
    const char *name;       /* as shown */
    const char *dir;        /* directory for relative $INCLUDE, or NULL */
    mxh_fileno file;
    char origin[MXH_NAME_BUF];
    size_t origin_len;      /* kept by set_origin */
    bool origin_plain;      /* no backslash in origin */
} bfile;

static void set_origin(bfile *F, const char *origin, size_t len)
{
    memmove(F->origin, origin, len + 1);
    F->origin_len = len;
    F->origin_plain = memchr(origin, '\\', len) == NULL;
}

static int grow_tokens(bload *L)
{
    size_t nc = L->b.captok ? L->b.captok * 2 : 64;
    btok *t = realloc(L->b.tok, nc * sizeof *t);
    if (!t)
        return -1;
    L->b.tok = t;
    L->b.captok = nc;
    return 0;
}

/* Token p[0..len) appended to entry e (quoted: written in double quotes);
 * past MAX_TOKENS the entry's error is set. 0 when out of memory. */
static inline int push_tok(bload *L, entry *e, const char *p, size_t len, uint8_t quoted)
{
    if (e->ntok >= L->b.captok && grow_tokens(L) != 0)
        return 0;
    L->b.tok[e->ntok].p = p;
    L->b.tok[e->ntok].len = (uint32_t)len;
    L->b.tok[e->ntok].quoted = quoted;
    if (++e->ntok > MAX_TOKENS)
        snprintf(e->err, sizeof e->err, "more than %d fields", MAX_TOKENS);
    return 1;
}

/*
 * The usual entry, lexed 16 bytes at a time: a line of at most 64 bytes
 * holding nothing but plain words, spaces and tabs, ended by a newline.
 * Returns 1 with the entry in e and L->b.tok (ntok may be 0: a blank line),
 * x moved past the newline; 0, changing nothing, for anything else (a
 * quote, a comment, a parenthesis, a backslash, CR or another control
 * character, a longer line, the last 64 bytes of the input), which the
 * general loop below then reads. Same tokens as that loop gives.
 */
#if defined(__SSE2__)
static int lex_plain_line(bload *L, lexer *x, entry *e)
{
    if (x->n - x->pos < 64 || (L->b.captok < 32 && grow_tokens(L) != 0))
        return 0;
    const char *b = x->b + x->pos;
    const __m128i sp = _mm_set1_epi8(0x20), tab = _mm_set1_epi8('\t'),
                  quote = _mm_set1_epi8('"'), lp = _mm_set1_epi8('('), rp = _mm_set1_epi8(')'),
                  semi = _mm_set1_epi8(';'), bs = _mm_set1_epi8('\\'),
                  del = _mm_set1_epi8(0x7f);
    uint64_t blank = 0, stop = 0;
    for (unsigned k = 0; k < 64; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + k));
        __m128i w = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, tab));
        /* 0x00..0x20 but not a blank: newline, CR, other control characters */
        __m128i m = _mm_andnot_si128(w, _mm_cmpeq_epi8(_mm_min_epu8(v, sp), v));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, semi)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, lp), _mm_cmpeq_epi8(v, rp)));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, del)));
        blank |= (uint64_t)(unsigned)_mm_movemask_epi8(w) << k;
        unsigned mm = (unsigned)_mm_movemask_epi8(m);
        if (mm) {
            stop = (uint64_t)mm << k;
            break;
        }
    }
    if (!stop)
        return 0;
    unsigned end = (unsigned)__builtin_ctzll(stop);
    if (b[end] != '\n')
        return 0;
    uint64_t word = ~blank & ((UINT64_C(1) << end) - 1); /* end < 64 */
    uint64_t starts = word & ~(word << 1), ends = word & ~(word >> 1);
    btok *t = L->b.tok;
    size_t nt = 0;
    while (starts) {
        unsigned s0 = (unsigned)__builtin_ctzll(starts), s1 = (unsigned)__builtin_ctzll(ends);
        t[nt].p = b + s0;
        t[nt].len = s1 - s0 + 1;
        t[nt].quoted = 0;
        nt++;
        starts &= starts - 1;
        ends &= ends - 1;
    }
    e->line = x->line;
    e->blank_owner = (int)(blank & 1);
    e->ntok = nt;
    e->err[0] = '\0';
    x->pos += end + 1;
    x->line++;
    return 1;
}
#endif

/*
 * Next entry from x into L->b.tok. Returns 0 at end of input, 1 with an entry
 * (ntok > 0, or err set). Blank and comment-only lines are skipped.
 * RFC 1035 §5.1: "(" and ")" let an entry span lines; ";" starts a comment;
 * a quoted string may hold spaces; "\X" and "\DDD" quote a character.
 */
static int lex_entry(bload *L, lexer *x, entry *e)
{
    const char *b = x->b;
    const size_t n = x->n;
    size_t i = x->pos;
    for (;;) {
#if defined(__SSE2__)
        x->pos = i;
        while (lex_plain_line(L, x, e)) {
            if (e->ntok > 0)
                return 1;
        }
        i = x->pos;
#endif
        if (i >= n) {
            x->pos = i;
            return 0;
        }
        e->line = x->line;
        e->blank_owner = (b[i] == ' ' || b[i] == '\t');
        e->ntok = 0;
        e->err[0] = '\0';
        const size_t start = i;
        unsigned depth = 0;
        uint32_t paren_line = 0;
        int done = 0;
        while (!done && i < n) {
            unsigned char c = (unsigned char)b[i];
            switch (cls[c]) {
            case C_WS:
                i++;
                while (i < n && (b[i] == ' ' || b[i] == '\t'))
                    i++;
                break;
            case C_NL:
                i++;
                x->line++;
                if (depth == 0)
                    done = 1;
                break;
            case C_SEMI: {
                const char *nl = memchr(b + i, '\n', n - i);
                i = nl ? (size_t)(nl - b) : n;
                break;
            }
            case C_LP:
                if (depth++ == 0)
                    paren_line = x->line;
                i++;
                break;
            case C_RP:
                if (depth == 0) {
                    if (!e->err[0])
                        snprintf(e->err, sizeof e->err, "')' without a matching '('");
                } else {
                    depth--;
                }
                i++;
                break;
            case C_CTRL:
                if (!e->err[0])
                    snprintf(e->err, sizeof e->err, "control character 0x%02x in the text", c);
                i++;
                break;
            case C_QUOTE: {
                size_t st = i++;
                for (;;) {
                    i = quoted_end(b, i, n);
                    if (i >= n || b[i] != '\\')
                        break;
                    if (i + 1 < n && b[i + 1] != '\n')
                        i++;
                    i++;
                }
                if (i >= n || b[i] != '"') {
                    if (!e->err[0])
                        snprintf(e->err, sizeof e->err, "unterminated quoted string");
                    break; /* the newline (or the end) is handled next round */
                }
                i++;
                if (!e->err[0]) {
                    if (!push_tok(L, e, b + st, i - st, 1)) {
                        L->nomem = true;
                        x->pos = n;
                        return 0;
                    }
                }
                break;
            }
            default: { /* C_ORD, C_BS: a word */
                size_t st = i;
                for (;;) {
                    i = word_end(b, i, n);
                    if (i < n && b[i] == '\\') {
                        if (i + 1 < n && b[i + 1] != '\n' && b[i + 1] != '\r') {
                            i += 2;
                            continue;
                        }
                        i++; /* a backslash at the end of the line */
                        if (!e->err[0])
                            snprintf(e->err, sizeof e->err, "backslash at the end of a line");
                    }
                    break;
                }
                if (i - st > 0xffffffu) {
                    if (!e->err[0])
                        snprintf(e->err, sizeof e->err, "field of %zu bytes is too long", i - st);
                } else if (!e->err[0]) {
                    if (!push_tok(L, e, b + st, i - st, 0)) {
                        L->nomem = true;
                        x->pos = n;
                        return 0;
                    }
                }
                break;
            }
            }
        }
        if (depth > 0) {
            /* End of input inside "(": report it, then read again from the
             * line after the entry's first line so the rest is not lost. */
            if (!e->err[0])
                snprintf(e->err, sizeof e->err, "'(' opened on line %lu is never closed",
                         (unsigned long)paren_line);
            const char *nl = memchr(b + start, '\n', n - start);
            i = nl ? (size_t)(nl - b) + 1 : n;
            x->line = e->line + 1;
        }
        if (e->ntok > 0 || e->err[0]) {
            x->pos = i;
            return 1;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Fields                                                                   */

static int tok_ieq(const btok *t, const char *w)
{
    size_t l = strlen(w);
    if (t->len != l || t->quoted)
        return 0;
    for (size_t i = 0; i < l; i++)
        if ((t->p[i] | 0x20) != (w[i] | 0x20))
            return 0;
    return 1;
}

static const char *tok_show(const btok *t, char *b, size_t bsz)
{
    return mxh_shown(t->p, t->len, b, bsz);
}

/* Class mnemonic (RFC 1035 §3.2.4) or CLASSnnn (RFC 3597 §5); 0 if not a class. */
static uint16_t class_code(const btok *t)
{
    if (t->quoted || t->len < 2)
        return 0;
    if (t->len == 2) {
        char a = (char)(t->p[0] | 0x20), b = (char)(t->p[1] | 0x20);
        if (a == 'i' && b == 'n')
            return 1;
        if (a == 'c' && b == 's')
            return 2;
        if (a == 'c' && b == 'h')
            return 3;
        if (a == 'h' && b == 's')
            return 4;
        return 0;
    }
    if (t->len > 5 && t->len <= 10 && (t->p[0] | 0x20) == 'c' && tok_ieq(&(btok){t->p, 5, 0}, "class")) {
        uint32_t v = 0;
        for (size_t i = 5; i < t->len; i++) {
            if (t->p[i] < '0' || t->p[i] > '9')
                return 0;
            v = v * 10 + (uint32_t)(t->p[i] - '0');
        }
        return v <= 65535 && v > 0 ? (uint16_t)v : 0;
    }
    return 0;
}

/* Type mnemonic or TYPEnnn; 0 if unknown. */
static uint16_t type_code(const btok *t)
{
    if (t->quoted || t->len == 0 || t->len >= 32)
        return 0;
    /* The commonest, without copying. Only upper and lower case letters
     * become lower case letters with | 0x20, so a mnemonic matches only
     * itself, in either case. */
    const char *p = t->p;
    uint32_t w4 = 0;
    switch (t->len) {
    case 1:
        if ((p[0] | 0x20) == 'a')
            return MXH_TYPE_A;
        break;
    case 2: {
        unsigned w = ((unsigned)(unsigned char)p[0] | (unsigned)(unsigned char)p[1] << 8) | 0x2020;
        if (w == ('m' | 'x' << 8))
            return MXH_TYPE_MX;
        if (w == ('n' | 's' << 8))
            return MXH_TYPE_NS;
        break;
    }
    case 3: {
        unsigned w = ((unsigned)(unsigned char)p[0] | (unsigned)(unsigned char)p[1] << 8 |
                      (unsigned)(unsigned char)p[2] << 16) | 0x202020;
        if (w == ('t' | 'x' << 8 | 't' << 16))
            return MXH_TYPE_TXT;
        if (w == ('s' | 'r' << 8 | 'v' << 16))
            return MXH_TYPE_SRV;
        if (w == ('p' | 't' << 8 | 'r' << 16))
            return MXH_TYPE_PTR;
        if (w == ('c' | 'a' << 8 | 'a' << 16))
            return MXH_TYPE_CAA;
        if (w == ('s' | 'o' << 8 | 'a' << 16))
            return MXH_TYPE_SOA;
        if (w == ('s' | 'p' << 8 | 'f' << 16))
            return MXH_TYPE_SPF;
        break;
    }
    case 4:
        memcpy(&w4, p, 4);
        if ((w4 | 0x20202020u) == 0x61616161u) /* "aaaa" in any byte order */
            return MXH_TYPE_AAAA;
        break;
    case 5:
        if ((p[0] | 0x20) == 'c' && (p[1] | 0x20) == 'n' && (p[2] | 0x20) == 'a' &&
            (p[3] | 0x20) == 'm' && (p[4] | 0x20) == 'e')
            return MXH_TYPE_CNAME;
        if ((p[0] | 0x20) == 'd' && (p[1] | 0x20) == 'n' && (p[2] | 0x20) == 'a' &&
            (p[3] | 0x20) == 'm' && (p[4] | 0x20) == 'e')
            return MXH_TYPE_DNAME;
        break;
    default:
        break;
    }
    char u[32];
    for (size_t i = 0; i < t->len; i++) {
        char c = t->p[i];
        u[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
    }
    u[t->len] = '\0';
    /* every type the library names itself, and TYPEnnn (RFC 3597 §5) */
    uint16_t v = mxh_type_from_name(u);
    if (v || (t->len > 4 && !memcmp(u, "TYPE", 4)))
        return v;
    /* a mnemonic of ours it is not: ldns knows more (an unknown one if ldns
     * cannot be loaded) */
    const mxh_ldns_api *L = mxh_ldns(NULL);
    return L ? (uint16_t)L->get_rr_type_by_name(u) : 0;
}

static int tok_is_ttl_like(const btok *t)
{
    return !t->quoted && t->len > 0 && t->p[0] >= '0' && t->p[0] <= '9';
}

/* Positions of the fields of a record entry. */
typedef struct fields {
    int owner;              /* token index, or -1 for a blank owner */
    int ttl, klass, type;   /* token index or -1 */
    uint16_t rclass;
} fields;

/* Owner, then TTL and class in either order (RFC 1035 §5.1), then the type. */
static void find_fields(const entry *e, const btok *t, fields *f)
{
    size_t i = 0;
    f->owner = f->ttl = f->klass = f->type = -1;
    f->rclass = 0;
    if (!e->blank_owner)
        f->owner = (int)i++;
    for (int k = 0; k < 2 && i < e->ntok; k++) {
        const btok *c = &t[i];
        if (f->ttl < 0 && tok_is_ttl_like(c)) {
            f->ttl = (int)i++;
        } else if (f->klass < 0 && c->len == 2 && !c->quoted && (c->p[0] | 0x20) == 'i' &&
                   (c->p[1] | 0x20) == 'n') {
            f->rclass = 1; /* IN, the usual one */
            f->klass = (int)i++;
        } else if (f->klass < 0 && (f->rclass = class_code(c)) != 0) {
            f->klass = (int)i++;
        } else {
            break;
        }
    }
    if (i < e->ntok)
        f->type = (int)i;
}

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                              */

/* Records still staged are added first, so diagnostics keep file order. */
static void flush_records(bload *L);

#define ERR(L, F, line, ...)                                                          \
    (flush_records(L),                                                                \
     mxh_zs_diag((L)->zs, MXH_DIAG_ERROR, (F)->file, (line), (L)->z, __VA_ARGS__))
#define WARN(L, F, line, ...)                                                         \
    (flush_records(L),                                                                \
     mxh_zs_diag((L)->zs, MXH_DIAG_WARNING, (F)->file, (line), (L)->z, __VA_ARGS__))

/* RFC 2181 §8: a TTL with the top bit set is treated as zero (with a warning
 * naming it `what`). */
static uint32_t ttl_rfc2181(bload *L, const bfile *F, uint32_t line, const char *what,
                            uint32_t ttl)
{
    if (ttl <= TTL_MAX_RFC2181)
        return ttl;
    WARN(L, F, line, "%s %lu is above 2147483647 (RFC 2181 §8); using 0", what,
         (unsigned long)ttl);
    return 0;
}

static void reject(bload *L)
{
    if (L->z)
        L->z->rejected++;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                  */

static uint32_t soa_minimum(const char *rdata)
{
    const char *sp = strrchr(rdata, ' ');
    return sp ? (uint32_t)strtoul(sp + 1, NULL, 10) : 0;
}

/*
 * mxh_name_canon_under(s, len, F's origin, out, ...), 16 bytes at a time for
 * a name of 2..48 bytes whose bytes need no escape in canonical form (RFC
 * 1035 §5.1): no backslash, quote, parenthesis, semicolon, blank, control
 * or non-ASCII byte. Labels are then at most 48 octets and an absolute name
 * is short enough; an empty label, a relative name too long with the
 * origin, or an origin with escapes go the general way. Reads up to 15
 * bytes past the name, inside the buffer being lexed; writes up to 48 bytes
 * of out (which holds MXH_NAME_BUF).
 */
static int canon_name(const bload *L, const bfile *F, const char *s, size_t len, char *out,
                      int *was_relative)
{
#if defined(__SSE2__)
    if (len >= 2 && len <= 48 && (size_t)(L->buf_end - s) >= ((len + 15) & ~(size_t)15)) {
        const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f),
                      quote = _mm_set1_epi8('"'), lp = _mm_set1_epi8('('),
                      rp = _mm_set1_epi8(')'), semi = _mm_set1_epi8(';'),
                      bs = _mm_set1_epi8('\\'), dot = _mm_set1_epi8('.'),
                      a1 = _mm_set1_epi8('A' - 1), z1 = _mm_set1_epi8('Z' + 1);
        uint64_t dots = 0, bad = 0;
        for (size_t k = 0; k < len; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
            __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, sp), v),
                                     _mm_cmpeq_epi8(_mm_max_epu8(v, del), v));
            m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, semi)));
            m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, lp), _mm_cmpeq_epi8(v, rp)));
            m = _mm_or_si128(m, _mm_cmpeq_epi8(v, bs));
            bad |= (uint64_t)(unsigned)_mm_movemask_epi8(m) << k;
            dots |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, dot)) << k;
            /* ASCII upper case to lower case (bytes >= 0x80 were refused above) */
            __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, a1), _mm_cmpgt_epi8(z1, v));
            v = _mm_add_epi8(v, _mm_and_si128(up, sp));
            _mm_storeu_si128((__m128i *)(void *)(out + k), v);
        }
        uint64_t in = (UINT64_C(1) << len) - 1; /* len <= 48 */
        bad &= in;
        dots &= in;
        size_t ol = F->origin_len;
        bool absolute = (dots >> (len - 1)) & 1;
        if (!bad && !(dots & 1) && !(dots & (dots >> 1)) &&
            (absolute || (F->origin_plain && len + ol + 2 <= MXH_NAME_MAX_WIRE))) {
            if (absolute) {
                out[len] = '\0';
                *was_relative = 0;
                return (int)len;
            }
            out[len] = '.';
            if (ol == 1 && F->origin[0] == '.') {
                out[len + 1] = '\0';
                *was_relative = 1;
                return (int)len + 1;
            }
            if (ol < 16) /* origin and its NUL in one copy (F->origin holds MXH_NAME_BUF) */
                _mm_storeu_si128((__m128i *)(void *)(out + len + 1),
                                 _mm_loadu_si128((const __m128i *)(const void *)F->origin));
            else
                memcpy(out + len + 1, F->origin, ol + 1);
            *was_relative = 1;
            return (int)(len + 1 + ol);
        }
    }
#else
    (void)L;
#endif
    return mxh_name_canon_under(s, len, F->origin, F->origin_len, F->origin_plain, out,
                                MXH_NAME_BUF, was_relative);
}

/* TXT and SPF (RFC 1035 §3.3.14): each field one <character-string>. */
static int fast_txt(bload *L, const btok *t, size_t nt, mxh_rdata_out *ro)
{
    size_t need = 1;
    for (size_t i = 0; i < nt; i++)
        need += 4 * (size_t)t[i].len + 4;
    if (L->b.ccap < need) {
        size_t nc = L->b.ccap ? L->b.ccap : 256;
        while (nc < need)
            nc *= 2;
        char *nb = realloc(L->b.cbuf, nc);
        if (!nb)
            return 0; /* the general way says it */
        L->b.cbuf = nb;
        L->b.ccap = nc;
    }
    char *out = L->b.cbuf;
    size_t o = 0;
    for (size_t i = 0; i < nt; i++) {
        const char *p = t[i].p;
        size_t len = t[i].len, w;
        if (t[i].quoted) { /* the lexer keeps the quotes */
            p++;
            len -= 2;
        }
        if (i)
            out[o++] = ' ';
        if (mxh_txt_string(out + o, p, len, &w) != 0)
            return 0;
        o += w;
    }
    out[o] = '\0';
    memset(ro, 0, sizeof *ro);
    ro->rdata = out;
    ro->rdata_len = o;
    return 1;
}

/*
 * The commonest RDATA straight from the lexer's fields, without joining them
 * and splitting them again: an A or AAAA address, the one name of NS, CNAME,
 * PTR and DNAME, an MX preference and exchange, TXT strings, when written
 * plainly. The result is
 * the one mxh_rdata_canon gives for the joined text (the same parsers): 1,
 * or 2 when the RDATA as written is that canonical text already; 0
 * for anything else — quoted fields, RFC 3597 "\#", a field too many or too
 * few, a bad value — which then takes the general way, errors included.
 */
static int fast_rdata(bload *L, const bfile *F, uint16_t type, const btok *t, size_t nt,
                      mxh_rdata_out *ro)
{
    if (nt == 0 || (!t[0].quoted && t[0].len >= 2 && t[0].p[0] == '\\' && t[0].p[1] == '#'))
        return 0;
    if (type == MXH_TYPE_TXT || type == MXH_TYPE_SPF)
        return fast_txt(L, t, nt, ro);
    if (nt > 2 || t[0].quoted)
        return 0;
    if (type != MXH_TYPE_A && type != MXH_TYPE_NS && type != MXH_TYPE_CNAME &&
        type != MXH_TYPE_PTR && type != MXH_TYPE_DNAME && type != MXH_TYPE_MX &&
        type != MXH_TYPE_AAAA)
        return 0;
    if (L->b.ccap < MXH_NAME_BUF + 16) {
        char *nb = realloc(L->b.cbuf, MXH_NAME_BUF + 16);
        if (!nb)
            return 0; /* the general way says it */
        L->b.cbuf = nb;
        L->b.ccap = MXH_NAME_BUF + 16;
    }
    char *out = L->b.cbuf;
    memset(ro, 0, sizeof *ro);
    size_t o = 0;
    if (type == MXH_TYPE_A) {
        uint8_t a[4];
        if (nt != 1 || !mxh_parse_ipv4(t[0].p, t[0].len, a))
            return 0;
        /* the strict parse accepts exactly the canonical dotted quad */
        memcpy(out, t[0].p, t[0].len);
        out[t[0].len] = '\0';
        ro->rdata = out;
        ro->rdata_len = t[0].len;
        return 2; /* the RDATA as written is the canonical text */
    }
    if (type == MXH_TYPE_AAAA) {
        uint8_t a6[16];
        if (nt != 1 || !mxh_parse_ipv6(t[0].p, t[0].len, a6))
            return 0;
        ro->rdata = out;
        ro->rdata_len = mxh_ipv6_canon(a6, out);
        return 1;
    }
    const btok *name = &t[0];
    if (type == MXH_TYPE_MX) {
        /* RFC 1035 §3.3.9: PREFERENCE (16 bits) EXCHANGE */
        if (nt != 2 || t[1].quoted || t[0].len > 5)
            return 0;
        uint32_t v = 0;
        for (size_t i = 0; i < t[0].len; i++) {
            unsigned d = (unsigned)(unsigned char)t[0].p[i] - '0';
            if (d > 9)
                return 0;
            v = v * 10 + d;
        }
        if (v > 65535)
            return 0;
        ro->pref = (uint16_t)v;
        char dg[8];
        size_t k = 0;
        do {
            dg[k++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        while (k)
            out[o++] = dg[--k];
        out[o++] = ' ';
        name = &t[1];
    } else if (nt != 1) {
        return 0;
    }
    int rel = 0;
    int nl = canon_name(L, F, name->p, name->len, out + o, &rel);
    if (nl <= 0)
        return 0;
    ro->rdata = out;
    ro->rdata_len = o + (size_t)nl;
    ro->target = out + o;
    if (rel)
        ro->flags |= MXH_RR_TARGET_RELATIVE;
    return 1;
}

/*
 * Records are added to the zone in batches of PEND_MAX: a record's owner and
 * target are hashed and their index slots prefetched when it is parsed, and
 * it is added after the next few have been parsed, by which time those
 * slots are in cache (adding it at once, the probe waited for memory). Its
 * strings are copied into L->b.stage, the lexer's and parser's buffers being
 * reused by the next record. Same adds in the same order, so the same zone;
 * flush_records runs before any diagnostic of the loader and at the end.
 */
/* Room for need more bytes in L->b.stage; false if out of memory. */
static bool stage_room(bload *L, size_t need)
{
    if (L->stage_n + need <= L->b.stage_cap)
        return true;
    size_t nc = L->b.stage_cap ? L->b.stage_cap : 4096;
    while (nc < L->stage_n + need)
        nc *= 2;
    if (nc > UINT32_MAX)
        return false;
    char *nb = realloc(L->b.stage, nc);
    if (!nb)
        return false;
    L->b.stage = nb;
    L->b.stage_cap = nc;
    return true;
}

/* s[0..len) and a NUL into the stage (room made by the caller). */
static uint32_t stage_put(bload *L, const char *s, size_t len)
{
    uint32_t off = (uint32_t)L->stage_n;
    memcpy(L->b.stage + off, s, len);
    L->b.stage[off + len] = '\0';
    L->stage_n += len + 1;
    return off;
}

static void flush_records(bload *L)
{
    unsigned n = L->npend;
    if (!n)
        return;
    L->npend = 0;
    /* targets already pooled are compared with the pooled copy: fetch those */
    for (unsigned i = 0; i < n; i++)
        mxh_zone_prefetch_target(L->z, &L->pend[i].in);
    for (unsigned i = 0; i < n; i++) {
        pend *p = &L->pend[i];
        p->in.owner = L->b.stage + p->owner_off;
        p->in.owner_text = L->b.stage + p->otext_off;
        p->in.rdata = L->b.stage + p->rdata_off;
        p->in.rdata_text = p->rtext_off != NO_OFF ? L->b.stage + p->rtext_off : NULL;
        p->in.target = p->target_off != NO_OFF ? L->b.stage + p->target_off : NULL;
        size_t before = L->z->rejected;
        if (!mxh_zone_add(L->z, &p->in) && L->z->rejected != before) {
            L->nomem = true; /* loading stops here, as it would have at once */
            break;
        }
    }
    L->stage_n = 0;
    L->owner_off = NO_OFF;
}

/*
 * Stage in for flush_records, with copies of its strings: the owner (once
 * per owner), the owner as written (ot[0..otl)), the canonical RDATA, and
 * the RDATA as written when it differs: rtext[0..rtl) if given, else the
 * fields rt[0..nrt) joined by single spaces.
 */
static void stage_record(bload *L, const mxh_rr_in *in, const char *ot, size_t otl,
                         const char *rtext, size_t rtl, const btok *rt, size_t nrt)
{
    size_t need = otl + in->rdata_len + 2;
    if (L->owner_off == NO_OFF)
        need += in->owner_len + 1;
    if (!rtext)
        for (size_t i = 0; i < nrt; i++)
            need += rt[i].len + 1;
    else
        need += rtl + 1;
    if (in->target)
        need += in->target_len + 1;
    if (need > (size_t)UINT32_MAX / 2 || !stage_room(L, need + 1)) {
        flush_records(L);
        L->nomem = true;
        return;
    }
    pend *p = &L->pend[L->npend];
    p->in = *in;
    if (L->owner_off == NO_OFF)
        L->owner_off = stage_put(L, in->owner, in->owner_len);
    p->owner_off = L->owner_off;
    p->otext_off = stage_put(L, ot, otl);
    p->rdata_off = stage_put(L, in->rdata, in->rdata_len);
    /* the RDATA as written, unless it is the canonical text (mxh_zone_add
     * keeps it only when it differs); no fields and no text: known to be */
    uint32_t at = (uint32_t)L->stage_n;
    if (rtext) {
        stage_put(L, rtext, rtl);
    } else {
        char *w = L->b.stage + at;
        for (size_t i = 0; i < nrt; i++) {
            if (i)
                *w++ = ' ';
            memcpy(w, rt[i].p, rt[i].len);
            w += rt[i].len;
        }
        *w = '\0';
        rtl = (size_t)(w - (L->b.stage + at));
        L->stage_n += rtl + 1;
    }
    if ((!rtext && nrt == 0) ||
        (rtl == in->rdata_len && memcmp(L->b.stage + at, L->b.stage + p->rdata_off, rtl) == 0)) {
        L->stage_n = at;
        p->rtext_off = NO_OFF;
        p->in.rdata_text_len = 0;
    } else {
        p->rtext_off = at;
        p->in.rdata_text_len = rtl;
    }
    p->target_off = NO_OFF;
    if (in->target) {
        if (in->target >= in->rdata && in->target + in->target_len == in->rdata + in->rdata_len)
            p->target_off = p->rdata_off + (uint32_t)(in->target - in->rdata);
        else
            p->target_off = stage_put(L, in->target, in->target_len);
    }
    if (++L->npend == PEND_MAX || L->z->sink) /* a parse has no index to fetch */
        flush_records(L);
}

static void do_record(bload *L, bfile *F, const entry *e)
{
    const btok *t = L->b.tok;
    char sb[80], err[256];
    fields f;
    find_fields(e, t, &f);

    if (f.type < 0) {
        if (f.owner >= 0 && e->ntok == 1)
            ERR(L, F, e->line, "'%s': a record needs a type and RDATA", tok_show(&t[0], sb, sizeof sb));
        else
            ERR(L, F, e->line, "record has no type");
        reject(L);
        return;
    }
    for (int i = 0; i <= f.type; i++) {
        if (t[i].quoted) {
            ERR(L, F, e->line, "unexpected quoted string %s before the RDATA",
                tok_show(&t[i], sb, sizeof sb));
            reject(L);
            return;
        }
    }
    uint16_t type = type_code(&t[f.type]);
    if (type == 0) {
        const char *why = NULL;
        if (tok_is_ttl_like(&t[f.type]))
            ERR(L, F, e->line, "unexpected '%s' where the type should be",
                tok_show(&t[f.type], sb, sizeof sb));
        else if ((why = mxh_ldns_failure()) != NULL)
            ERR(L, F, e->line, "unknown type '%s' (libldns, which knows more types, could not "
                "be loaded: %s)", tok_show(&t[f.type], sb, sizeof sb), why);
        else
            ERR(L, F, e->line, "unknown type '%s'", tok_show(&t[f.type], sb, sizeof sb));
        reject(L);
        return;
    }
    /* RFC 6895 §3.1: 128..255 are query types (and 0 is reserved); no data has them. */
    if (type >= 128 && type <= 255) {
        ERR(L, F, e->line, "query type '%s' cannot appear in zone data",
            tok_show(&t[f.type], sb, sizeof sb));
        reject(L);
        return;
    }

    /* Owner. A new owner's index slot is fetched while the RDATA is parsed. */
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    int owner_rel = 1;
    if (f.owner >= 0) {
        const btok *o = &t[f.owner];
        if (L->have_owner && L->owner_tp && L->owner_gen == L->gen && L->owner_tl == o->len &&
            memcmp(L->owner_tp, o->p, o->len) == 0) {
            owner_rel = o->len == 0 || o->p[o->len - 1] != '.' ||
                        (o->len > 1 && o->p[o->len - 2] == '\\');
        } else {
            char canon[MXH_NAME_BUF];
            int rel = 0;
            int nl = canon_name(L, F, o->p, o->len, canon, &rel);
            if (nl <= 0) {
                ERR(L, F, e->line, "bad owner name '%s': %s", tok_show(o, sb, sizeof sb),
                    mxh_name_strerror(nl));
                reject(L);
                return;
            }
            memcpy(L->owner, canon, (size_t)nl + 1);
            L->owner_len = (size_t)nl;
            L->owner_off = NO_OFF;
            L->have_owner = true;
            L->owner_tp = o->p;
            L->owner_tl = o->len;
            L->owner_gen = L->gen;
            owner_rel = rel;
            if (!L->z->sink) {
                mxh_zone_prefetch(L->z, &in, L->owner, L->owner_len, NULL, 0);
                L->owner_hash = in.owner_hash;
            }
        }
    } else if (!L->have_owner) {
        ERR(L, F, e->line, "the line starts with white space but there is no previous owner");
        reject(L);
        return;
    }

    if (!L->z->sink) {
        in.owner_hash = L->owner_hash;
        in.hashed = 1;
    }

    /* Class. */
    uint16_t rclass = f.klass >= 0 ? f.rclass : 1;

    /* RDATA: the common cases from the fields themselves; the rest from the
     * RDATA as written, fields joined by single spaces. */
    size_t first = (size_t)f.type + 1;
    const char *rtext = NULL; /* the joined text, when made */
    size_t rl = 0;
    mxh_rdata_out ro;
    int fast = fast_rdata(L, F, type, t + first, e->ntok - first, &ro);
    if (!fast) {
        size_t need = 1;
        for (size_t i = first; i < e->ntok; i++)
            need += t[i].len + 1;
        if (need > L->b.rcap) {
            size_t nc = L->b.rcap ? L->b.rcap : 1024;
            while (nc < need)
                nc *= 2;
            char *nb = realloc(L->b.rbuf, nc);
            if (!nb) {
                L->nomem = true;
                return;
            }
            L->b.rbuf = nb;
            L->b.rcap = nc;
        }
        for (size_t i = first; i < e->ntok; i++) {
            if (i > first)
                L->b.rbuf[rl++] = ' ';
            memcpy(L->b.rbuf + rl, t[i].p, t[i].len);
            rl += t[i].len;
        }
        L->b.rbuf[rl] = '\0';
        rtext = L->b.rbuf;
        if (mxh_rdata_canon(L->zs, type, L->b.rbuf, rl, F->origin, &L->b.cbuf, &L->b.ccap, &ro, err,
                            sizeof err, 0) != 0) {
            if (strcmp(err, "out of memory") == 0)
                L->nomem = true;
            ERR(L, F, e->line, "%s", err);
            reject(L);
            return;
        }
    }
    if (ro.target) {
        in.target_len = strlen(ro.target);
        if (!L->z->sink)
            mxh_zone_prefetch(L->z, &in, NULL, 0, ro.target, in.target_len);
    }

    /* TTL: explicit; else $TTL; else the last explicit TTL (RFC 1035 §5.1);
     * else, for the SOA, its MINIMUM (RFC 2308 §4 practice, as BIND does). */
    uint32_t ttl;
    if (f.ttl >= 0) {
        if (mxh_parse_ttl(t[f.ttl].p, t[f.ttl].len, &ttl) != 0) {
            ERR(L, F, e->line, "bad TTL '%s'", tok_show(&t[f.ttl], sb, sizeof sb));
            reject(L);
            return;
        }
        ttl = ttl_rfc2181(L, F, e->line, "TTL", ttl);
        L->last_ttl = ttl;
        L->last_known = true;
    } else if (L->default_known) {
        ttl = L->default_ttl;
    } else if (L->last_known) {
        ttl = L->last_ttl;
        if (!L->warned_1035) {
            L->warned_1035 = true;
            flush_records(L);
            mxh_zs_diag(L->zs, MXH_DIAG_NOTICE, F->file, e->line, L->z,
                        "no $TTL: records without a TTL take the previous record's TTL (RFC 1035 §5.1)");
        }
    } else if (type == MXH_TYPE_SOA) {
        ttl = soa_minimum(ro.rdata);
        WARN(L, F, e->line, "no TTL specified; using the SOA MINIMUM %lu as the default TTL",
             (unsigned long)ttl);
        L->default_ttl = ttl;
        L->default_known = true;
    } else {
        ttl = L->opts && L->opts->default_ttl ? L->opts->default_ttl : 3600;
        if (!L->warned_nottl) {
            L->warned_nottl = true;
            WARN(L, F, e->line, "no TTL specified and no $TTL or SOA before; using %lu",
                 (unsigned long)ttl);
        }
        L->default_ttl = ttl;
        L->default_known = true;
    }

    /* the owner as written (a canonical owner never needs more) */
    size_t ol = 0;
    if (f.owner >= 0)
        ol = t[f.owner].len < MXH_NAME_BUF * 4 ? t[f.owner].len : MXH_NAME_BUF * 4;

    in.owner = L->owner;
    in.owner_len = L->owner_len;
    in.owner_text_len = ol;
    in.type = type;
    in.rclass = rclass;
    in.ttl = ttl;
    in.rdata = ro.rdata;
    in.rdata_len = ro.rdata_len;
    in.target = ro.target;
    in.pref = ro.pref;
    in.file = F->file;
    in.line = e->line;
    in.flags = (uint8_t)(ro.flags | (owner_rel ? MXH_RR_OWNER_RELATIVE : 0));
    stage_record(L, &in, f.owner >= 0 ? t[f.owner].p : "", ol, rtext, rl, t + first,
                 fast == 2 ? 0 : e->ntok - first);
}

/* ------------------------------------------------------------------------ */
/* Directives                                                               */

static void load_entries(bload *L, bfile *F, const char *buf, size_t len);

/* Token -> plain text (quotes removed, backslash escapes undone). */
static size_t tok_plain(const btok *t, char *out, size_t outsz)
{
    const char *p = t->p;
    size_t n = t->len, o = 0;
    if (t->quoted && n >= 2) {
        p++;
        n -= 2;
    }
    for (size_t i = 0; i < n && o + 1 < outsz; i++) {
        if (p[i] == '\\' && i + 1 < n)
            i++;
        out[o++] = p[i];
    }
    out[o] = '\0';
    return o;
}


/* Work out, once, what $INCLUDE needs: the top file's real path (for loop
 * detection) and directory, and the include root (opts, else that
 * directory). The first $INCLUDE is always in the top file, so top is it. */
static void include_setup(bload *L, bfile *top)
{
    if (L->inc_ready)
        return;
    L->inc_ready = true;
    bool have_top = false;
    if (L->top_is_file && realpath(L->top_name, L->top_real)) {
        have_top = true;
        snprintf(L->top_dir, sizeof L->top_dir, "%s", L->top_real);
        char *slash = strrchr(L->top_dir, '/');
        if (slash && slash != L->top_dir)
            *slash = '\0';
        else
            snprintf(L->top_dir, sizeof L->top_dir, "/");
        top->dir = L->top_dir;
        if (L->nstack < sizeof L->stack / sizeof L->stack[0])
            L->stack[L->nstack++] = L->top_real;
    }
    const char *root = L->root_opt ? L->root_opt : (have_top ? L->top_dir : NULL);
    if (root) {
        if (realpath(root, L->root)) {
            L->have_root = true;
        } else {
            mxh_zs_diag(L->zs, MXH_DIAG_WARNING, L->top_file, 0, NULL,
                        "include root %s: %s; $INCLUDE will be refused", root, strerror(errno));
        }
    }
}

static void do_include(bload *L, bfile *F, const entry *e)
{
    const btok *t = L->b.tok;
    char sb[80];
    if (e->ntok < 2 || e->ntok > 3) {
        ERR(L, F, e->line, "$INCLUDE needs a file name and an optional origin");
        reject(L);
        L->include_failed = true;
        return;
    }
    char fname[PATH_MAX];
    if (tok_plain(&t[1], fname, sizeof fname) == 0) {
        ERR(L, F, e->line, "$INCLUDE: empty file name");
        reject(L);
        L->include_failed = true;
        return;
    }
    include_setup(L, F);
    if (!L->have_root) {
        ERR(L, F, e->line, "$INCLUDE %s refused: includes are not allowed here (no include root)",
            fname);
        reject(L);
        L->include_failed = true;
        return;
    }
    if (L->depth + 1 > L->max_depth) {
        ERR(L, F, e->line, "$INCLUDE %s refused: include depth limit %u reached", fname,
            L->max_depth);
        reject(L);
        L->include_failed = true;
        return;
    }
    /* Include origin: the optional argument (relative to the current origin). */
    bfile sub;
    memset(&sub, 0, sizeof sub);
    if (e->ntok == 3) {
        int nl = mxh_name_canon(t[2].p, t[2].len, F->origin, sub.origin, sizeof sub.origin, NULL);
        if (nl > 0)
            set_origin(&sub, sub.origin, (size_t)nl);
        if (nl <= 0 || t[2].quoted) {
            ERR(L, F, e->line, "$INCLUDE: bad origin '%s': %s", tok_show(&t[2], sb, sizeof sb),
                nl <= 0 ? mxh_name_strerror(nl) : "quoted");
            reject(L);
            L->include_failed = true;
            return;
        }
    } else {
        set_origin(&sub, F->origin, F->origin_len);
    }
    /* Path: relative to the including file's directory (the root for buffers). */
    char joined[PATH_MAX * 2];
    if (fname[0] == '/')
        snprintf(joined, sizeof joined, "%s", fname);
    else
        snprintf(joined, sizeof joined, "%s/%s", F->dir ? F->dir : L->root, fname);
    char real[PATH_MAX];
    if (!realpath(joined, real)) {
        ERR(L, F, e->line, "$INCLUDE %s: %s", fname, strerror(errno));
        reject(L);
        L->include_failed = true;
        return;
    }
    size_t rl = strlen(L->root);
    int inside = strncmp(real, L->root, rl) == 0 &&
                 (real[rl] == '/' || real[rl] == '\0' || (rl == 1 && L->root[0] == '/'));
    if (!inside) {
        ERR(L, F, e->line, "$INCLUDE %s refused: %s is outside the include root %s", fname, real,
            L->root);
        reject(L);
        L->include_failed = true;
        return;
    }
    for (unsigned i = 0; i < L->nstack; i++) {
        if (strcmp(L->stack[i], real) == 0) {
            ERR(L, F, e->line, "$INCLUDE %s refused: include loop (%s is already being read)",
                fname, real);
            reject(L);
            L->include_failed = true;
            return;
        }
    }
    char *buf = NULL;
    size_t len = 0;
    char rerr[PATH_MAX + 128];
    if (mxh_read_file(real, &buf, &len, rerr, sizeof rerr) != 0) {
        ERR(L, F, e->line, "$INCLUDE: %s", rerr);
        reject(L);
        L->include_failed = true;
        return;
    }
    if (memchr(buf, '\0', len)) {
        ERR(L, F, e->line, "$INCLUDE %s refused: binary content (NUL bytes), not a zone file", fname);
        free(buf);
        reject(L);
        L->include_failed = true;
        return;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", real);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, "/");
    sub.name = joined;
    sub.dir = dir;
    sub.file = mxh_zs_file(L->zs, joined);
    L->gen++;
    L->depth++;
    if (L->nstack < sizeof L->stack / sizeof L->stack[0])
        L->stack[L->nstack++] = real;
    load_entries(L, &sub, buf, len);
    L->nstack--;
    L->depth--;
    L->gen++;
    free(buf);
}

static void do_directive(bload *L, bfile *F, const entry *e)
{
    const btok *t = L->b.tok;
    char sb[80];
    if (tok_ieq(&t[0], "$ORIGIN")) {
        /* RFC 1035 §5.1: $ORIGIN <domain-name> (relative to the current origin) */
        if (e->ntok != 2) {
            ERR(L, F, e->line, "$ORIGIN needs exactly one name");
            reject(L);
            return;
        }
        char canon[MXH_NAME_BUF];
        int nl = mxh_name_canon(t[1].p, t[1].len, F->origin, canon, sizeof canon, NULL);
        if (nl <= 0 || t[1].quoted) {
            ERR(L, F, e->line, "bad $ORIGIN '%s': %s", tok_show(&t[1], sb, sizeof sb),
                nl <= 0 ? mxh_name_strerror(nl) : "quoted");
            reject(L);
            return;
        }
        set_origin(F, canon, (size_t)nl);
        L->gen++;
    } else if (tok_ieq(&t[0], "$TTL")) {
        /* RFC 2308 §4: $TTL <TTL> */
        uint32_t v;
        if (e->ntok != 2 || mxh_parse_ttl(t[1].p, t[1].len, &v) != 0 || t[1].quoted) {
            ERR(L, F, e->line, "bad $TTL%s%s", e->ntok >= 2 ? " " : "",
                e->ntok >= 2 ? tok_show(&t[1], sb, sizeof sb) : "");
            reject(L);
            return;
        }
        v = ttl_rfc2181(L, F, e->line, "$TTL", v);
        L->default_ttl = v;
        L->default_known = true;
    } else if (tok_ieq(&t[0], "$INCLUDE")) {
        do_include(L, F, e);
    } else {
        ERR(L, F, e->line, "unsupported directive '%s'", tok_show(&t[0], sb, sizeof sb));
        reject(L);
    }
}

/* Give back the pages of the top buffer before buf + pos: everything there
 * has been read, and the model keeps copies of what it needs. A big zone's
 * text then need not stay resident beside its model. */
#define DROP_EVERY ((size_t)4 << 20)
static void drop_read(bload *L, const char *buf, size_t pos)
{
    size_t page = mxh_page_size();
    uintptr_t from = L->dropped ? L->dropped : ((uintptr_t)buf + page - 1) & ~(uintptr_t)(page - 1);
    uintptr_t upto = ((uintptr_t)(buf + pos)) & ~(uintptr_t)(page - 1);
    if (upto <= from)
        return;
    /* The pages go to the zone set's arena, which fills them next, or back
     * to the system. */
    if (!mxh_arena_adopt(&L->zs->arena, (void *)from, upto - from) &&
        madvise((void *)from, upto - from, MADV_DONTNEED) != 0)
        return; /* keep the pages; nothing else changes */
    L->dropped = upto;
    if (L->owner_tp && (uintptr_t)L->owner_tp < upto)
        L->owner_tp = NULL; /* the owner cache must not read dropped text */
}

static void load_entries(bload *L, bfile *F, const char *buf, size_t len)
{
    const bool drop = L->discard && L->depth == 0;
    size_t next_drop = DROP_EVERY;
    size_t bom = mxh_bom_len(buf, len);
    buf += bom;
    len -= bom;
    lexer x = {buf, len, 0, 1};
    entry e;
    const char *outer_end = L->buf_end;
    L->buf_end = buf + len;
    while (!L->nomem && !L->z->stopped && lex_entry(L, &x, &e)) {
        if (e.err[0]) {
            ERR(L, F, e.line, "%s", e.err);
            reject(L);
            continue;
        }
        if (!e.blank_owner && L->b.tok[0].len > 0 && L->b.tok[0].p[0] == '$' && !L->b.tok[0].quoted) {
            flush_records(L);
            do_directive(L, F, &e);
        } else
            do_record(L, F, &e);
        if (drop && x.pos >= next_drop) {
            drop_read(L, buf, x.pos);
            next_drop = x.pos + DROP_EVERY;
        }
    }
    flush_records(L);
    L->buf_end = outer_end;
}

/* ------------------------------------------------------------------------ */
/* Origin of the zone                                                       */

/*
 * The zone's apex as the file states it: the owner of an SOA that is the
 * first record (the SOA is at the apex by definition, RFC 1035 §5.2 — so
 * "$ORIGIN ." followed by "tonkat.su. SOA …" is the zone tonkat.su., not
 * the root), else the last $ORIGIN before the first record. Writes the
 * canonical origin into out and returns its length, or 0 if the file does
 * not say. `base` (may be NULL) completes a relative $ORIGIN.
 */
static int origin_from_text(bload *L, const char *buf, size_t len, const char *base, char *out,
                            size_t outsz)
{
    size_t bom = mxh_bom_len(buf, len);
    buf += bom;
    len -= bom;
    char cur[MXH_NAME_BUF];
    int curlen = 0;
    lexer x = {buf, len, 0, 1};
    entry e;
    while (lex_entry(L, &x, &e)) {
        if (e.err[0])
            break;
        const btok *t = L->b.tok;
        if (!e.blank_owner && t[0].len > 0 && t[0].p[0] == '$') {
            if (tok_ieq(&t[0], "$TTL"))
                continue;
            if (tok_ieq(&t[0], "$ORIGIN") && e.ntok == 2 && !t[1].quoted) {
                char next[MXH_NAME_BUF];
                int nl = mxh_name_canon(t[1].p, t[1].len, curlen > 0 ? cur : base, next,
                                        sizeof next, NULL);
                if (nl <= 0)
                    break;
                memcpy(cur, next, (size_t)nl + 1);
                curlen = nl;
                continue;
            }
            break;
        }
        fields f;
        find_fields(&e, t, &f);
        if (f.owner < 0 || f.type < 0 || type_code(&t[f.type]) != MXH_TYPE_SOA)
            break;
        const btok *o = &t[f.owner];
        int rel = 1;
        int nl = mxh_name_canon(o->p, o->len, curlen > 0 ? cur : NULL, out, outsz, &rel);
        if (nl > 0 && (curlen > 0 || !rel))
            return nl;
        break;
    }
    if (curlen > 0 && (size_t)curlen < outsz) {
        memcpy(out, cur, (size_t)curlen + 1);
        return curlen;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */

mxh_status mxh_load_bind_ex(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                            const mxh_load_opts *opts, mxh_zone **out, int flags)
{
    if (out)
        *out = NULL;
    if (!zs || !name || (!buf && len))
        return MXH_ERR_ARG;
    bload L;
    memset(&L, 0, sizeof L);
    L.zs = zs;
    L.opts = opts;
    scratch_take(&L);
    L.discard = (flags & MXH_LOADF_DISCARD) != 0;
    L.max_depth = opts && opts->include_depth ? opts->include_depth : MXH_INCLUDE_DEPTH;
    if (L.max_depth > MXH_INCLUDE_DEPTH * 4)
        L.max_depth = MXH_INCLUDE_DEPTH * 4;

    mxh_fileno file = mxh_zs_file(zs, name);
    bfile F;
    memset(&F, 0, sizeof F);
    F.name = name;
    F.file = file;

    /* The top file's directory (relative $INCLUDEs, the default root) and
     * the root itself: at the first $INCLUDE (include_setup). */
    L.top_is_file = (flags & MXH_LOADF_FILE) != 0;
    L.top_name = name;
    L.top_file = file;
    L.root_opt = opts && opts->include_root ? opts->include_root : NULL;

    /* Origin: the one given (as a server's configuration names the zone),
     * else the file's own first $ORIGIN or absolute SOA owner, else the file
     * name. A given origin that differs from the file's is noted. */
    char given[MXH_NAME_BUF];
    int gl = 0;
    if (opts && opts->origin) {
        gl = mxh_name_from_user(opts->origin, given, sizeof given);
        if (gl <= 0) {
            mxh_zs_diag(zs, MXH_DIAG_ERROR, file, 0, NULL, "bad origin '%s': %s", opts->origin,
                        mxh_name_strerror(gl));
            scratch_give(&L);
            return MXH_ERR_ARG;
        }
    }
    char fromname[MXH_NAME_BUF];
    int fl = gl > 0 ? 0 : mxh_origin_from_filename(name, fromname, sizeof fromname);
    const char *base = gl > 0 ? given : (fl > 0 ? fromname : NULL);
    char origin[MXH_NAME_BUF];
    int ol = origin_from_text(&L, buf, len, base, origin, sizeof origin);
    if (L.nomem) {
        scratch_give(&L);
        return MXH_ERR_NOMEM;
    }
    if (gl > 0) {
        if (ol > 0 && strcmp(origin, given) != 0)
            mxh_zs_diag(zs, MXH_DIAG_NOTICE, file, 0, NULL,
                        "the file starts at origin %s; the zone is %s as given", origin, given);
        memcpy(origin, given, (size_t)gl + 1);
    } else if (ol <= 0) {
        if (base) {
            memcpy(origin, base, strlen(base) + 1);
        } else {
            mxh_zs_diag(zs, MXH_DIAG_ERROR, file, 0, NULL,
                        "cannot tell the zone's origin: no $ORIGIN or absolute SOA owner at the "
                        "top, no origin given, and the file name does not look like a domain");
            scratch_give(&L);
            return MXH_ERR_ARG;
        }
    }
    set_origin(&F, origin, strlen(origin));

    L.owner_off = NO_OFF;
    L.z = mxh_zone_create(zs, origin, file, MXH_FMT_BIND);
    if (!L.z) {
        scratch_give(&L);
        return MXH_ERR_NOMEM;
    }
    /* A big file: its index and arrays sized up front from its length (about
     * 34 bytes a record, 38 a name in generated and real zones alike) rather
     * than doubled and rehashed a dozen times on the way. Only a hint. */
    if (len >= ((size_t)1 << 20))
        (void)mxh_zone_reserve(L.z, len / 40, len / 30);
    load_entries(&L, &F, buf, len);

    scratch_give(&L);
    if (out)
        *out = L.z;
    if (L.nomem) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, file, 0, L.z, "out of memory while loading");
        return MXH_ERR_NOMEM;
    }
    if (L.include_failed)
        return MXH_ERR_INCLUDE;
    return L.z->rejected ? MXH_ERR_PARSE : MXH_OK;
}

mxh_status mxh_load_bind(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                         const mxh_load_opts *opts, mxh_zone **out)
{
    return mxh_load_bind_ex(zs, name, buf, len, opts, out, 0);
}

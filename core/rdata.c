/* SPDX-License-Identifier: MIT */
/*
 * rdata.c — RDATA presentation text -> canonical presentation text.
 *
 * Own parsers for the types mail routing depends on (A, AAAA, NS, CNAME,
 * PTR, DNAME, MX, SRV, TXT, SPF, SOA, CAA); RFC 3597 "\# len hex" for every
 * type (decoded when the type is one of ours, RFC 3597 §5); ldns for every
 * other type (its objects are freed at once, only the text is kept).
 *
 * Canonical output: names absolute and lower-case (mxh_name_canon), A/AAAA
 * as inet_ntop writes them, numbers in decimal, character-strings quoted with
 * '"' and '\' escaped and bytes outside 0x20..0x7e written \DDD.
 */
#include "mxh_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldns_dl.h"


/* IPSECKEY (RFC 4025) is parsed here too: ldns 1.8.3 leaks memory on every
 * IPSECKEY with gateway type 0 and a key. */
#define TYPE_IPSECKEY 45

/* ------------------------------------------------------------------------ */
/* Tokens of one RDATA text                                                 */

typedef struct tok {
    const char *p;  /* content (inside the quotes for a quoted token) */
    size_t len;
    int quoted;
} tok;

/* Bytes that end an unquoted word (white space) or need a look (backslash). */
static const uint8_t word_stop[256] = {['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1, ['\\'] = 1};

/* Next token from s[*pos..len). 1: token; 0: end; -1: unterminated quote. */
static int next_tok(const char *s, size_t len, size_t *pos, tok *t)
{
    size_t i = *pos;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i >= len) {
        *pos = i;
        return 0;
    }
    if (s[i] == '"') {
        size_t st = ++i;
        while (i < len && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < len)
                i++;
            i++;
        }
        if (i >= len) {
            *pos = len;
            return -1;
        }
        t->p = s + st;
        t->len = i - st;
        t->quoted = 1;
        *pos = i + 1;
        return 1;
    }
    size_t st = i;
    for (;;) {
        while (i < len && !word_stop[(unsigned char)s[i]])
            i++;
        if (i < len && s[i] == '\\') {
            i += i + 1 < len ? 2 : 1; /* the escaped byte is part of the word */
            continue;
        }
        break;
    }
    t->p = s + st;
    t->len = i - st;
    t->quoted = 0;
    *pos = i;
    return 1;
}

/* Up to max tokens; returns the count, or -1 (unterminated quote). *more: text remains. */
static int split(const char *s, size_t len, tok *t, int max, int *more)
{
    size_t pos = 0;
    int n = 0;
    *more = 0;
    while (n < max) {
        int r = next_tok(s, len, &pos, &t[n]);
        if (r < 0)
            return -1;
        if (r == 0)
            return n;
        n++;
    }
    tok extra;
    int r = next_tok(s, len, &pos, &extra);
    if (r < 0)
        return -1;
    *more = r;
    return n;
}

/* Token text for an error message (mxh_shown). */
static const char *shown(const tok *t, char *b, size_t bsz)
{
    return mxh_shown(t->p, t->len, b, bsz);
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */

static int parse_u32(const char *s, size_t len, uint32_t *out)
{
    if (len == 0 || len > 10)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > 0xffffffffu)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/*
 * A TTL or SOA timer as BIND reads it: decimal seconds, or number+unit
 * groups with units w, d, h, m, s in either case ("1h30m", "2W"); a final
 * number without unit counts as seconds. At most 2^32-1.
 */
int mxh_parse_ttl(const char *s, size_t len, uint32_t *out)
{
    if (len == 0)
        return -1;
    uint64_t total = 0;
    size_t i = 0;
    while (i < len) {
        uint64_t n = 0;
        size_t st = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            n = n * 10 + (uint64_t)(s[i] - '0');
            if (n > 0xffffffffu)
                return -1;
            i++;
        }
        if (i == st)
            return -1;
        uint64_t mul = 1;
        if (i < len) {
            switch (s[i] | 0x20) {
            case 'w': mul = 604800; break;
            case 'd': mul = 86400; break;
            case 'h': mul = 3600; break;
            case 'm': mul = 60; break;
            case 's': mul = 1; break;
            default: return -1;
            }
            i++;
        }
        total += n * mul;
        if (total > 0xffffffffu)
            return -1;
    }
    *out = (uint32_t)total;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Output buffer                                                            */

typedef struct obuf {
    char **buf;
    size_t *cap;
    size_t n;
} obuf;

static int ob_reserve(obuf *o, size_t more)
{
    size_t need = o->n + more + 1;
    if (need <= *o->cap)
        return 0;
    size_t ncap = *o->cap ? *o->cap : 256;
    while (ncap < need)
        ncap *= 2;
    char *p = realloc(*o->buf, ncap);
    if (!p)
        return -1;
    *o->buf = p;
    *o->cap = ncap;
    return 0;
}

#define OB_PUTC(o, c) ((*(o)->buf)[(o)->n++] = (char)(c))

static void ob_put(obuf *o, const char *s, size_t len)
{
    memcpy(*o->buf + o->n, s, len);
    o->n += len;
}

/* Octet b as a master-file \DDD escape (RFC 1035 §5.1). */
static void ob_ddd(obuf *o, unsigned char b)
{
    OB_PUTC(o, '\\');
    OB_PUTC(o, '0' + b / 100);
    OB_PUTC(o, '0' + (b / 10) % 10);
    OB_PUTC(o, '0' + b % 10);
}

static void ob_u32(obuf *o, uint32_t v)
{
    char t[12];
    int k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        OB_PUTC(o, t[--k]);
}

/* ------------------------------------------------------------------------ */
/* Names: the common case without mxh_name_canon's general machinery        */

/*
 * Same contract and result as mxh_name_canon. Names made only of dots and
 * printable bytes that stand for themselves in canonical form (0x21..0x7e
 * except '.', '\\', '"', '(', ')', ';') map one input byte to one output
 * byte (ASCII letters lowered, RFC 4343 §3), and their wire length is their
 * text length plus one (RFC 1035 §3.1: a length octet per label, the root
 * octet). Anything else — escapes, "@", ".", empty or long labels, a long
 * name, an origin with escapes — goes to mxh_name_canon, which also gives
 * the exact error.
 */
/* Byte -> itself in canonical form (ASCII letters lowered), '.' for the
 * label separator, 0 for a byte canonical form writes escaped (or quotes). */
static const uint8_t canon_byte[256] = {
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,  33,   0,  35,  36,  37,  38,  39,   0,   0,  42,  43,  44,  45,  46,  47,
     48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,   0,  60,  61,  62,  63,
     64,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,  91,   0,  93,  94,  95,
     96,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
};

int mxh_name_canon_fast(const char *s, size_t len, const char *origin, char *out, size_t outsz,
                        int *was_relative)
{
    size_t ol = origin ? strlen(origin) : 0;
    return mxh_name_canon_under(s, len, origin, ol, origin && !memchr(origin, '\\', ol), out,
                                outsz, was_relative);
}

int mxh_name_canon_under(const char *s, size_t len, const char *origin, size_t ol,
                         bool origin_plain, char *out, size_t outsz, int *was_relative)
{
    if (len == 0 || len >= MXH_NAME_MAX_WIRE || outsz < MXH_NAME_BUF ||
        (len == 1 && (s[0] == '@' || s[0] == '.')))
        return mxh_name_canon(s, len, origin, out, outsz, was_relative);
    size_t from = 0; /* where the current label starts */
    for (size_t i = 0; i < len; i++) {
        uint8_t c = canon_byte[(unsigned char)s[i]];
        out[i] = (char)c;
        if (c == '.') {
            if (i == from || i - from > MXH_LABEL_MAX)
                return mxh_name_canon(s, len, origin, out, outsz, was_relative);
            from = i + 1;
        } else if (c == 0) {
            return mxh_name_canon(s, len, origin, out, outsz, was_relative);
        }
    }
    size_t lab = len - from;
    if (lab > MXH_LABEL_MAX)
        return mxh_name_canon(s, len, origin, out, outsz, was_relative);
    if (lab == 0) { /* absolute: ends with the root's dot */
        if (was_relative)
            *was_relative = 0;
        out[len] = '\0';
        return (int)len;
    }
    if (!origin)
        return mxh_name_canon(s, len, origin, out, outsz, was_relative);
    if (ol == 1 && origin[0] == '.') {
        if (len + 2 > MXH_NAME_MAX_WIRE)
            return mxh_name_canon(s, len, origin, out, outsz, was_relative);
        out[len] = '.';
        out[len + 1] = '\0';
        if (was_relative)
            *was_relative = 1;
        return (int)len + 1;
    }
    /* wire: len + 1 for the relative labels, ol + 1 for the origin's */
    if (len + ol + 2 > MXH_NAME_MAX_WIRE || !origin_plain)
        return mxh_name_canon(s, len, origin, out, outsz, was_relative);
    out[len] = '.';
    memcpy(out + len + 1, origin, ol + 1);
    if (was_relative)
        *was_relative = 1;
    return (int)(len + 1 + ol);
}

/* ------------------------------------------------------------------------ */
/* Pieces                                                                   */

typedef struct ctx {
    mxh_zoneset *zs;
    const char *origin;
    char *err;
    size_t errsz;
    const char *tname;
    int intern;     /* 0: target points into the output buffer (the caller interns) */
} ctx;

#define FAIL(c, ...) (snprintf((c)->err, (c)->errsz, __VA_ARGS__), -1)

/* A name token -> canonical text appended to o; *rel set; returns its offset or -1. */
static long put_name(ctx *c, obuf *o, const tok *t, const char *what, int *rel)
{
    char sb[80];
    if (ob_reserve(o, MXH_NAME_BUF + 2) != 0)
        return FAIL(c, "out of memory");
    int r = 0;
    int n = mxh_name_canon_fast(t->p, t->len, c->origin, *o->buf + o->n, MXH_NAME_BUF, &r);
    if (n <= 0)
        return FAIL(c, "bad %s %s '%s': %s", c->tname, what, shown(t, sb, sizeof sb),
                    mxh_name_strerror(n));
    long off = (long)o->n;
    o->n += (size_t)n;
    if (rel)
        *rel = r;
    return off;
}

static int put_target(ctx *c, obuf *o, const tok *t, const char *what, mxh_rdata_out *out)
{
    int rel = 0;
    long off = put_name(c, o, t, what, &rel);
    if (off < 0)
        return -1;
    /* The target is always the last field, so it ends where the RDATA ends;
     * record its offset and resolve it once the buffer stops moving. */
    out->target = (const char *)(intptr_t)(off + 1);
    if (rel)
        out->flags |= MXH_RR_TARGET_RELATIVE;
    return 0;
}

static int put_u16(ctx *c, obuf *o, const tok *t, const char *what, uint16_t *val)
{
    char sb[80];
    uint32_t v;
    if (t->quoted || parse_u32(t->p, t->len, &v) != 0) {
        /* distinguish "70000" (a number, too big) from "abc" */
        size_t i = 0;
        while (i < t->len && t->p[i] >= '0' && t->p[i] <= '9')
            i++;
        if (t->len > 0 && i == t->len)
            return FAIL(c, "%s %s %s out of range", c->tname, what, shown(t, sb, sizeof sb));
        return FAIL(c, "bad %s %s '%s' (a number 0..65535 is needed)", c->tname, what,
                    shown(t, sb, sizeof sb));
    }
    if (v > 65535)
        return FAIL(c, "%s %s %s out of range", c->tname, what, shown(t, sb, sizeof sb));
    ob_u32(o, v);
    if (val)
        *val = (uint16_t)v;
    return 0;
}

/*
 * One character-string (RFC 1035 §3.3 <character-string>, §5.1 escapes):
 * decode \X and \DDD, write quoted canonical text. max: octet limit (255 for
 * TXT strings; 65535 for a CAA value). Caller reserved 4*len+3.
 */
static int put_string(ctx *c, obuf *o, const tok *t, size_t max, const char *what)
{
    /* written through a local pointer: stores of chars may alias o's fields,
     * and the compiler would reload them for every byte */
    char *w = *o->buf + o->n;
    const char *p = t->p;
    const size_t len = t->len;
    size_t octets = 0;
    *w++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)p[i];
        if (b == '\\') {
            if (i + 1 >= len)
                return FAIL(c, "bad %s %s: a backslash ends it", c->tname, what);
            unsigned char d = (unsigned char)p[i + 1];
            if (d >= '0' && d <= '9') {
                if (i + 3 >= len)
                    return FAIL(c, "bad %s %s: \\DDD needs three digits", c->tname, what);
                unsigned char d2 = (unsigned char)p[i + 2], d3 = (unsigned char)p[i + 3];
                if (d2 < '0' || d2 > '9' || d3 < '0' || d3 > '9')
                    return FAIL(c, "bad %s %s: \\DDD needs three digits", c->tname, what);
                unsigned v = (unsigned)(d - '0') * 100 + (unsigned)(d2 - '0') * 10 +
                             (unsigned)(d3 - '0');
                if (v > 255)
                    return FAIL(c, "bad %s %s: escape \\%c%c%c is above 255", c->tname, what,
                                d, d2, d3);
                b = (unsigned char)v;
                i += 3;
            } else {
                b = d;
                i += 1;
            }
        }
        if (++octets > max)
            return FAIL(c, "%s %s longer than %zu octets", c->tname, what, max);
        if (b == '"' || b == '\\') {
            *w++ = '\\';
            *w++ = (char)b;
        } else if (b >= 0x20 && b < 0x7f) {
            *w++ = (char)b;
        } else {
            *w++ = '\\';
            *w++ = (char)('0' + b / 100);
            *w++ = (char)('0' + (b / 10) % 10);
            *w++ = (char)('0' + b % 10);
        }
    }
    *w++ = '"';
    o->n = (size_t)(w - *o->buf);
    return 0;
}

/* Exactly `want` fields; field i may be a quoted string only if bit i of quoted_ok is set. */
static int arity(ctx *c, const char *s, size_t len, tok *t, int want, unsigned quoted_ok)
{
    int more = 0;
    int n = split(s, len, t, want, &more);
    if (n < 0)
        return FAIL(c, "%s RDATA has an unterminated quoted string", c->tname);
    if (n < want || more)
        return FAIL(c, "%s needs %d field%s, got %s%d", c->tname, want, want == 1 ? "" : "s",
                    more ? "more than " : "", n);
    for (int i = 0; i < n; i++)
        if (t[i].quoted && !(quoted_ok & (1u << i)))
            return FAIL(c, "%s field %d must not be a quoted string", c->tname, i + 1);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* RFC 3597 generic RDATA                                                   */

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 0x20;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* "\# len hex…" -> wire bytes (malloc'd). RFC 3597 §5. */
static int generic_decode(ctx *c, const char *s, size_t len, uint8_t **wire, size_t *wlen)
{
    size_t pos = 0;
    tok t;
    char sb[80];
    *wire = NULL;
    if (next_tok(s, len, &pos, &t) != 1 || t.len != 2 || t.quoted)
        return FAIL(c, "bad generic RDATA");
    int r = next_tok(s, len, &pos, &t);
    uint32_t n;
    if (r != 1 || t.quoted || parse_u32(t.p, t.len, &n) != 0 || n > 65535)
        return FAIL(c, "generic RDATA (RFC 3597): bad length '%s'",
                    r == 1 ? shown(&t, sb, sizeof sb) : "");
    uint8_t *w = malloc(n ? n : 1);
    if (!w)
        return FAIL(c, "out of memory");
    size_t got = 0;
    int half = -1;
    while ((r = next_tok(s, len, &pos, &t)) == 1) {
        for (size_t i = 0; i < t.len; i++) {
            int h = hexval((unsigned char)t.p[i]);
            if (h < 0 || t.quoted) {
                free(w);
                return FAIL(c, "generic RDATA (RFC 3597): bad hex '%s'", shown(&t, sb, sizeof sb));
            }
            if (half < 0) {
                half = h;
            } else {
                if (got >= n) {
                    free(w);
                    return FAIL(c, "generic RDATA (RFC 3597): more data than the length %u", n);
                }
                w[got++] = (uint8_t)(half << 4 | h);
                half = -1;
            }
        }
    }
    if (r < 0 || half >= 0 || got != n) {
        free(w);
        return FAIL(c, "generic RDATA (RFC 3597): %zu octets of hex for length %u", got, n);
    }
    *wire = w;
    *wlen = n;
    return 0;
}

/* An uncompressed wire name at w[*p..n) -> absolute presentation text in o. */
static int wire_name(ctx *c, obuf *o, const uint8_t *w, size_t n, size_t *p)
{
    size_t total = 1;
    if (ob_reserve(o, 4 * 255 + 4) != 0)
        return FAIL(c, "out of memory");
    for (;;) {
        if (*p >= n)
            return FAIL(c, "generic RDATA: name runs past the end");
        unsigned l = w[(*p)++];
        if (l == 0)
            break;
        if (l > 63) /* compression is not allowed here, RFC 3597 §4 */
            return FAIL(c, "generic RDATA: bad label length %u", l);
        if (*p + l > n)
            return FAIL(c, "generic RDATA: name runs past the end");
        total += l + 1;
        if (total > MXH_NAME_MAX_WIRE)
            return FAIL(c, "generic RDATA: name longer than 255 octets");
        for (unsigned i = 0; i < l; i++) {
            unsigned char b = w[(*p)++];
            if (b > 0x20 && b < 0x7f && b != '.' && b != '\\' && b != '"' && b != '(' &&
                b != ')' && b != ';' && b != '@' && b != '$') {
                OB_PUTC(o, b);
            } else {
                ob_ddd(o, b);
            }
        }
        OB_PUTC(o, '.');
    }
    if (total == 1)
        OB_PUTC(o, '.');
    return 0;
}

static uint32_t get32(const uint8_t *w)
{
    return (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 | (uint32_t)w[2] << 8 | w[3];
}

static void wire_string(obuf *o, const uint8_t *w, size_t l)
{
    OB_PUTC(o, '"');
    for (size_t i = 0; i < l; i++) {
        unsigned char b = w[i];
        if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
            OB_PUTC(o, b);
        } else {
            ob_ddd(o, b);
        }
    }
    OB_PUTC(o, '"');
}

/*
 * IPv6 text as inet_ntop writes it (RFC 5952 §4: lower-case hex, no leading
 * zeros, the first longest run of two or more zero groups as "::"). The
 * IPv4-mapped and -compatible forms are left to inet_ntop itself.
 */
static size_t fmt_ipv6(const uint8_t a[16], char out[INET6_ADDRSTRLEN])
{
    static const uint8_t z10[10];
    if (memcmp(a, z10, 10) == 0) {
        inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN);
        return strlen(out);
    }
    static const char hx[] = "0123456789abcdef";
    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    int best = -1, bestlen = 1;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > bestlen) {
            best = i;
            bestlen = j - i;
        }
        i = j;
    }
    size_t o = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            out[o++] = ':';
            if (i == 0)
                out[o++] = ':';
            i += bestlen - 1;
            continue;
        }
        unsigned v = g[i]; /* no leading zeros */
        if (v >= 0x1000)
            out[o++] = hx[v >> 12];
        if (v >= 0x100)
            out[o++] = hx[(v >> 8) & 15];
        if (v >= 0x10)
            out[o++] = hx[(v >> 4) & 15];
        out[o++] = hx[v & 15];
        if (i < 7)
            out[o++] = ':';
    }
    out[o] = '\0';
    return o;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(obuf *o, const uint8_t *w, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)w[i] << 16 | (i + 1 < n ? (uint32_t)w[i + 1] << 8 : 0) |
                     (i + 2 < n ? w[i + 2] : 0);
        OB_PUTC(o, b64chars[v >> 18 & 63]);
        OB_PUTC(o, b64chars[v >> 12 & 63]);
        OB_PUTC(o, i + 1 < n ? b64chars[v >> 6 & 63] : '=');
        OB_PUTC(o, i + 2 < n ? b64chars[v & 63] : '=');
    }
}

/* Wire RDATA of one of our types -> presentation text in o (then parsed as usual). */
static int wire_to_text(ctx *c, uint16_t type, const uint8_t *w, size_t n, obuf *o)
{
    size_t p = 0;
    if (ob_reserve(o, 4 * n + 64) != 0)
        return FAIL(c, "out of memory");
    switch (type) {
    case MXH_TYPE_A:
        if (n != 4)
            return FAIL(c, "generic RDATA: A needs 4 octets, got %zu", n);
        for (int i = 0; i < 4; i++) {
            if (i)
                OB_PUTC(o, '.');
            ob_u32(o, w[i]);
        }
        return 0;
    case MXH_TYPE_AAAA: {
        if (n != 16)
            return FAIL(c, "generic RDATA: AAAA needs 16 octets, got %zu", n);
        char t[INET6_ADDRSTRLEN];
        ob_put(o, t, fmt_ipv6(w, t));
        return 0;
    }
    case MXH_TYPE_MX:
    case MXH_TYPE_SRV: {
        size_t fixed = type == MXH_TYPE_MX ? 2 : 6;
        if (n < fixed + 1)
            return FAIL(c, "generic RDATA: %s too short", c->tname);
        for (size_t i = 0; i < fixed; i += 2) {
            ob_u32(o, (uint32_t)w[i] << 8 | w[i + 1]);
            OB_PUTC(o, ' ');
        }
        p = fixed;
    }
        /* fall through */
    case MXH_TYPE_NS:
    case MXH_TYPE_CNAME:
    case MXH_TYPE_PTR:
    case MXH_TYPE_DNAME:
        if (wire_name(c, o, w, n, &p) != 0)
            return -1;
        break;
    case MXH_TYPE_SOA:
        if (wire_name(c, o, w, n, &p) != 0)
            return -1;
        OB_PUTC(o, ' ');
        if (wire_name(c, o, w, n, &p) != 0)
            return -1;
        if (n - p != 20)
            return FAIL(c, "generic RDATA: SOA needs 20 octets of timers");
        if (ob_reserve(o, 64) != 0)
            return FAIL(c, "out of memory");
        for (int i = 0; i < 5; i++, p += 4) {
            OB_PUTC(o, ' ');
            ob_u32(o, get32(w + p));
        }
        break;
    case MXH_TYPE_TXT:
    case MXH_TYPE_SPF:
        if (n == 0)
            return FAIL(c, "generic RDATA: %s needs at least one string", c->tname);
        while (p < n) {
            size_t l = w[p++];
            if (p + l > n)
                return FAIL(c, "generic RDATA: %s string runs past the end", c->tname);
            if (o->n)
                OB_PUTC(o, ' ');
            wire_string(o, w + p, l);
            p += l;
        }
        break;
    case MXH_TYPE_CAA: {
        if (n < 2 || (size_t)w[1] + 2 > n)
            return FAIL(c, "generic RDATA: CAA too short");
        ob_u32(o, w[0]);
        OB_PUTC(o, ' ');
        size_t tl = w[1];
        for (size_t i = 0; i < tl; i++) {
            unsigned char b = w[2 + i];
            if (!((b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')))
                return FAIL(c, "generic RDATA: CAA tag is not alphanumeric");
            OB_PUTC(o, b);
        }
        OB_PUTC(o, ' ');
        wire_string(o, w + 2 + tl, n - 2 - tl);
        p = n;
        break;
    }
    case TYPE_IPSECKEY: {
        /* RFC 4025 §2: precedence, gateway type, algorithm, gateway, key */
        if (n < 3)
            return FAIL(c, "generic RDATA: IPSECKEY too short");
        unsigned gt = w[1];
        for (int i = 0; i < 3; i++) {
            ob_u32(o, w[i]);
            OB_PUTC(o, ' ');
        }
        p = 3;
        if (gt == 0) {
            OB_PUTC(o, '.');
        } else if (gt == 1 || gt == 2) {
            size_t al = gt == 1 ? 4 : 16;
            if (n < p + al)
                return FAIL(c, "generic RDATA: IPSECKEY gateway runs past the end");
            char t[INET6_ADDRSTRLEN];
            if (gt == 1) {
                for (int i = 0; i < 4; i++) {
                    if (i)
                        OB_PUTC(o, '.');
                    ob_u32(o, w[p + (size_t)i]);
                }
            } else {
                ob_put(o, t, fmt_ipv6(w + p, t));
            }
            p += al;
        } else if (gt == 3) {
            if (wire_name(c, o, w, n, &p) != 0)
                return -1;
        } else {
            return FAIL(c, "generic RDATA: IPSECKEY gateway type %u is unknown", gt);
        }
        if (p < n) {
            if (ob_reserve(o, (n - p) / 3 * 4 + 8) != 0)
                return FAIL(c, "out of memory");
            OB_PUTC(o, ' ');
            put_base64(o, w + p, n - p);
            p = n;
        }
        break;
    }
    default:
        return FAIL(c, "internal: no wire decoder for type %u", type);
    }
    if (p != n)
        return FAIL(c, "generic RDATA: %zu octets left over after %s", n - p, c->tname);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* ldns for the other types                                                 */

static int via_ldns(ctx *c, uint16_t type, const char *s, size_t len, obuf *o, mxh_rdata_out *out)
{
    const char *why = NULL;
    const mxh_ldns_api *L = mxh_ldns(&why);
    if (!L)
        return FAIL(c, "%s RDATA needs libldns, which could not be loaded: %s", c->tname, why);
    char *tn = L->rr_type2str((ldns_rr_type)type);
    if (!tn)
        return FAIL(c, "out of memory");
    size_t sz = len + strlen(tn) + 16;
    char *line = malloc(sz);
    if (!line) {
        free(tn);
        return FAIL(c, "out of memory");
    }
    snprintf(line, sz, ". 0 IN %s %.*s", tn, (int)len, s);
    free(tn);
    ldns_rdf *orig = NULL;
    if (c->origin) {
        orig = L->dname_new_frm_str(c->origin);
        if (!orig) {
            free(line);
            return FAIL(c, "out of memory");
        }
    }
    ldns_rr *rr = NULL;
    ldns_status st = L->rr_new_frm_str(&rr, line, 0, orig, NULL);
    free(line);
    if (orig)
        L->rdf_deep_free(orig);
    if (st != LDNS_STATUS_OK || !rr) {
        if (rr)
            L->rr_free(rr);
        return FAIL(c, "bad %s RDATA: %s", c->tname, L->get_errorstr_by_id(st));
    }
    if (L->rr_get_type(rr) != type) {
        L->rr_free(rr);
        return FAIL(c, "bad %s RDATA", c->tname);
    }
    int rc = 0;
    for (size_t i = 0; i < L->rr_rd_count(rr); i++) {
        ldns_rdf *f = L->rr_rdf(rr, i);
        if (!f)
            continue;
        if (L->rdf_get_type(f) == LDNS_RDF_TYPE_DNAME)
            L->dname2canonical(f);
        char *fs = L->rdf2str(f);
        if (!fs) {
            rc = FAIL(c, "bad %s RDATA: field %zu cannot be shown", c->tname, i + 1);
            break;
        }
        size_t fl = strlen(fs);
        while (fl && (fs[fl - 1] == ' ' || fs[fl - 1] == '\n' || fs[fl - 1] == '\t'))
            fl--;
        if (ob_reserve(o, fl + 2) != 0) {
            free(fs);
            rc = FAIL(c, "out of memory");
            break;
        }
        if (o->n)
            OB_PUTC(o, ' ');
        ob_put(o, fs, fl);
        free(fs);
    }
    L->rr_free(rr);
    out->flags |= MXH_RR_GENERIC;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* The parsers of our own                                                   */

static const char *our_type_name(uint16_t type)
{
    switch (type) {
    case MXH_TYPE_A: return "A";
    case MXH_TYPE_NS: return "NS";
    case MXH_TYPE_CNAME: return "CNAME";
    case MXH_TYPE_SOA: return "SOA";
    case MXH_TYPE_PTR: return "PTR";
    case MXH_TYPE_MX: return "MX";
    case MXH_TYPE_TXT: return "TXT";
    case MXH_TYPE_AAAA: return "AAAA";
    case MXH_TYPE_SRV: return "SRV";
    case MXH_TYPE_DNAME: return "DNAME";
    case MXH_TYPE_SPF: return "SPF";
    case MXH_TYPE_CAA: return "CAA";
    case TYPE_IPSECKEY: return "IPSECKEY";
    default: return NULL;
    }
}

static int parse_ours(ctx *c, uint16_t type, const char *s, size_t len, obuf *o,
                      mxh_rdata_out *out)
{
    tok t[8];
    char sb[80];
    /* Worst case growth: 4 output bytes per input byte, plus names. */
    if (ob_reserve(o, 6 * len + 3 * MXH_NAME_BUF + 64) != 0)
        return FAIL(c, "out of memory");
    switch (type) {
    case MXH_TYPE_A: {
        uint8_t a[4];
        if (arity(c, s, len, t, 1, 0) != 0)
            return -1;
        if (!mxh_parse_ipv4(t[0].p, t[0].len, a))
            return FAIL(c, "bad IPv4 address '%s'", shown(&t[0], sb, sizeof sb));
        /* the strict parse accepts exactly the canonical dotted quad */
        ob_put(o, t[0].p, t[0].len);
        return 0;
    }
    case MXH_TYPE_AAAA: {
        uint8_t a[16];
        char txt[INET6_ADDRSTRLEN];
        if (arity(c, s, len, t, 1, 0) != 0)
            return -1;
        if (!mxh_parse_ipv6(t[0].p, t[0].len, a))
            return FAIL(c, "bad IPv6 address '%s'", shown(&t[0], sb, sizeof sb));
        ob_put(o, txt, fmt_ipv6(a, txt));
        return 0;
    }
    case MXH_TYPE_NS:
    case MXH_TYPE_CNAME:
    case MXH_TYPE_PTR:
    case MXH_TYPE_DNAME:
        if (arity(c, s, len, t, 1, 0) != 0)
            return -1;
        return put_target(c, o, &t[0], "target", out);
    case MXH_TYPE_MX:
        /* RFC 1035 §3.3.9: PREFERENCE (16 bits) EXCHANGE (a domain name). An
         * exchange written like an address ("10 192.0.2.1") is still a name. */
        if (arity(c, s, len, t, 2, 0) != 0)
            return -1;
        if (put_u16(c, o, &t[0], "preference", &out->pref) != 0)
            return -1;
        OB_PUTC(o, ' ');
        return put_target(c, o, &t[1], "exchange", out);
    case MXH_TYPE_SRV:
        /* RFC 2782: priority weight port target */
        if (arity(c, s, len, t, 4, 0) != 0)
            return -1;
        if (put_u16(c, o, &t[0], "priority", &out->pref) != 0)
            return -1;
        OB_PUTC(o, ' ');
        if (put_u16(c, o, &t[1], "weight", NULL) != 0)
            return -1;
        OB_PUTC(o, ' ');
        if (put_u16(c, o, &t[2], "port", NULL) != 0)
            return -1;
        OB_PUTC(o, ' ');
        return put_target(c, o, &t[3], "target", out);
    case MXH_TYPE_SOA: {
        /* RFC 1035 §3.3.13: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM */
        if (arity(c, s, len, t, 7, 0) != 0)
            return -1;
        if (put_name(c, o, &t[0], "MNAME", NULL) < 0)
            return -1;
        OB_PUTC(o, ' ');
        if (put_name(c, o, &t[1], "RNAME", NULL) < 0)
            return -1;
        static const char *const what[] = {"serial", "refresh", "retry", "expire", "minimum"};
        for (int i = 0; i < 5; i++) {
            uint32_t v;
            int bad = i == 0 ? parse_u32(t[2].p, t[2].len, &v)
                             : mxh_parse_ttl(t[2 + i].p, t[2 + i].len, &v);
            if (bad)
                return FAIL(c, "bad SOA %s '%s'", what[i], shown(&t[2 + i], sb, sizeof sb));
            OB_PUTC(o, ' ');
            ob_u32(o, v);
        }
        return 0;
    }
    case MXH_TYPE_TXT:
    case MXH_TYPE_SPF: {
        /* RFC 1035 §3.3.14: one or more <character-string>s */
        size_t pos = 0, total = 0;
        tok x;
        int r, n = 0;
        while ((r = next_tok(s, len, &pos, &x)) == 1) {
            if (n++)
                OB_PUTC(o, ' ');
            if (put_string(c, o, &x, 255, "string") != 0)
                return -1;
            total += x.len + 1;
        }
        if (r < 0)
            return FAIL(c, "%s has an unterminated quoted string", c->tname);
        if (n == 0)
            return FAIL(c, "%s needs at least one string", c->tname);
        (void)total;
        return 0;
    }
    case MXH_TYPE_CAA: {
        /* RFC 8659 §4.1: flags tag value */
        if (arity(c, s, len, t, 3, 4u) != 0)
            return -1;
        uint32_t fl;
        if (t[0].quoted || parse_u32(t[0].p, t[0].len, &fl) != 0 || fl > 255)
            return FAIL(c, "bad CAA flags '%s'", shown(&t[0], sb, sizeof sb));
        ob_u32(o, fl);
        OB_PUTC(o, ' ');
        if (t[1].quoted || t[1].len == 0 || t[1].len > 255)
            return FAIL(c, "bad CAA tag '%s'", shown(&t[1], sb, sizeof sb));
        for (size_t i = 0; i < t[1].len; i++) {
            unsigned char b = (unsigned char)t[1].p[i];
            if (!((b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')))
                return FAIL(c, "bad CAA tag '%s' (letters and digits only)",
                            shown(&t[1], sb, sizeof sb));
            OB_PUTC(o, b | 0x20);
        }
        OB_PUTC(o, ' ');
        return put_string(c, o, &t[2], 65535, "value");
    }
    case TYPE_IPSECKEY: {
        /* RFC 4025 §3: precedence gateway-type algorithm gateway [public-key] */
        size_t pos = 0;
        tok f[4];
        for (int i = 0; i < 4; i++) {
            int r = next_tok(s, len, &pos, &f[i]);
            if (r != 1 || f[i].quoted)
                return FAIL(c, "IPSECKEY needs at least 4 fields");
        }
        uint32_t v[3];
        static const char *const what[] = {"precedence", "gateway type", "algorithm"};
        for (int i = 0; i < 3; i++) {
            if (parse_u32(f[i].p, f[i].len, &v[i]) != 0 || v[i] > 255)
                return FAIL(c, "bad IPSECKEY %s '%s'", what[i], shown(&f[i], sb, sizeof sb));
            ob_u32(o, v[i]);
            OB_PUTC(o, ' ');
        }
        uint8_t a[16];
        if (v[1] == 0) {
            if (f[3].len != 1 || f[3].p[0] != '.')
                return FAIL(c, "IPSECKEY gateway type 0 needs the gateway '.'");
            OB_PUTC(o, '.');
        } else if (v[1] == 1) {
            if (!mxh_parse_ipv4(f[3].p, f[3].len, a))
                return FAIL(c, "bad IPv4 address '%s'", shown(&f[3], sb, sizeof sb));
            ob_put(o, f[3].p, f[3].len);
        } else if (v[1] == 2) {
            char txt[INET6_ADDRSTRLEN];
            if (!mxh_parse_ipv6(f[3].p, f[3].len, a))
                return FAIL(c, "bad IPv6 address '%s'", shown(&f[3], sb, sizeof sb));
            ob_put(o, txt, fmt_ipv6(a, txt));
        } else if (v[1] == 3) {
            if (put_name(c, o, &f[3], "gateway", NULL) < 0)
                return -1;
        } else {
            return FAIL(c, "IPSECKEY gateway type %u is unknown", v[1]);
        }
        /* the key: base64 (RFC 4648 §4), possibly split over several fields */
        tok k;
        int r, first = 1;
        size_t chars = 0, pad = 0;
        while ((r = next_tok(s, len, &pos, &k)) == 1) {
            if (first)
                OB_PUTC(o, ' ');
            first = 0;
            for (size_t i = 0; i < k.len; i++) {
                char ch = k.p[i];
                int ok = strchr(b64chars, ch) != NULL && ch != '\0';
                if (ch == '=')
                    pad++;
                else if (!ok || pad)
                    return FAIL(c, "bad IPSECKEY public key: '%c' is not base64", ch);
                if (pad > 2 || k.quoted)
                    return FAIL(c, "bad IPSECKEY public key");
                OB_PUTC(o, ch);
                chars++;
            }
        }
        if (r < 0 || chars % 4 != 0)
            return FAIL(c, "bad IPSECKEY public key (base64 of %zu characters)", chars);
        return 0;
    }
    default:
        return FAIL(c, "internal: no parser for type %u", type);
    }
}

/* ------------------------------------------------------------------------ */

int mxh_rdata_canon(mxh_zoneset *zs, uint16_t type, const char *text, size_t len,
                    const char *origin, char **buf, size_t *cap, mxh_rdata_out *out, char *err,
                    size_t errsz, int intern)
{
    ctx c = {zs, origin, err, errsz, NULL, intern};
    obuf o = {buf, cap, 0};
    char tbuf[16];
    memset(out, 0, sizeof *out);
    if (err && errsz)
        err[0] = '\0';
    c.tname = our_type_name(type);
    const mxh_ldns_api *L = c.tname ? NULL : mxh_ldns(NULL);
    if (!c.tname) {
        /* the public type table's name, else ldns's, else TYPEnnn */
        c.tname = mxh_type_name(type, tbuf);
        const ldns_rr_descriptor *d = c.tname == tbuf && L ? L->rr_descript(type) : NULL;
        if (d && d->_name && d->_type == type)
            c.tname = d->_name;
    }
    if (ob_reserve(&o, 64) != 0)
        return FAIL(&c, "out of memory");

    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    int generic = len - i >= 2 && text[i] == '\\' && text[i + 1] == '#' &&
                  (len - i == 2 || text[i + 2] == ' ' || text[i + 2] == '\t');
    int rc;
    if (generic) {
        uint8_t *w = NULL;
        size_t wl = 0;
        if (generic_decode(&c, text, len, &w, &wl) != 0)
            return -1;
        char *ltn = our_type_name(type) || !L ? NULL : L->rr_type2str((ldns_rr_type)type);
        int ldns_knows = ltn && !(strncmp(ltn, "TYPE", 4) == 0 && ltn[4] >= '0' && ltn[4] <= '9');
        free(ltn);
        if (ldns_knows) {
            /* RFC 3597 §5: a known type in the generic form must be valid for
             * that type; ldns decodes and checks it. */
            rc = via_ldns(&c, type, text, len, &o, out);
        } else if (our_type_name(type)) {
            /* RFC 3597 §5: a known type in the generic form is that type. */
            char *tb = NULL;
            size_t tc = 0;
            obuf t2 = {&tb, &tc, 0};
            rc = wire_to_text(&c, type, w, wl, &t2);
            if (rc == 0)
                rc = parse_ours(&c, type, tb, t2.n, &o, out);
            free(tb);
        } else {
            rc = ob_reserve(&o, 2 * wl + 16) == 0 ? 0 : FAIL(&c, "out of memory");
            if (rc == 0) {
                static const char hx[] = "0123456789abcdef";
                ob_put(&o, "\\# ", 3);
                ob_u32(&o, (uint32_t)wl);
                if (wl)
                    OB_PUTC(&o, ' ');
                for (size_t k = 0; k < wl; k++) {
                    OB_PUTC(&o, hx[w[k] >> 4]);
                    OB_PUTC(&o, hx[w[k] & 15]);
                }
                out->flags |= MXH_RR_GENERIC;
            }
        }
        free(w);
    } else if (our_type_name(type)) {
        rc = parse_ours(&c, type, text, len, &o, out);
    } else {
        rc = via_ldns(&c, type, text, len, &o, out);
    }
    if (rc != 0) {
        out->target = NULL;
        return -1;
    }
    (*buf)[o.n] = '\0';
    out->rdata = *buf;
    out->rdata_len = o.n;
    if (out->target) {
        const char *tg = *buf + ((intptr_t)out->target - 1);
        out->target = c.intern ? mxh_zs_intern(zs, tg, strlen(tg)) : tg;
        if (!out->target)
            return FAIL(&c, "out of memory");
    }
    return 0;
}

int mxh_rdata_parse(mxh_zoneset *zs, uint16_t type, const char *text, size_t len,
                    const char *origin, mxh_rdata_out *out, char *err, size_t errsz)
{
    char *buf = NULL;
    size_t cap = 0;
    int rc = mxh_rdata_canon(zs, type, text, len, origin, &buf, &cap, out, err, errsz, 1);
    if (rc == 0) {
        out->rdata = mxh_arena_strndup(&zs->arena, buf, out->rdata_len);
        if (!out->rdata) {
            snprintf(err, errsz, "out of memory");
            rc = -1;
        }
    }
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Pieces for the master-file loader's fast path (load_bind.c)              */

size_t mxh_ipv6_canon(const uint8_t a[16], char *out)
{
    return fmt_ipv6(a, out);
}

/* Whether p[0..len) holds only bytes a character-string keeps as they are
 * (printable ASCII but '"' and backslash): its canonical text is then itself
 * in quotes. */
static bool txt_plain(const char *p, size_t len)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i lo = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f),
                  quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, lo), v),
                                 _mm_cmpeq_epi8(_mm_max_epu8(v, del), v));
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)));
        if (_mm_movemask_epi8(m))
            return false;
    }
#endif
    for (; i < len; i++) {
        unsigned char b = (unsigned char)p[i];
        if (b < 0x20 || b >= 0x7f || b == '"' || b == '\\')
            return false;
    }
    return true;
}

int mxh_txt_string(char *out, const char *p, size_t len, size_t *outlen)
{
    if (len <= 255 && txt_plain(p, len)) {
        out[0] = '"';
        memcpy(out + 1, p, len);
        out[len + 1] = '"';
        *outlen = len + 2;
        return 0;
    }
    char e[8];
    char *b = out;
    size_t cap = 4 * len + 3;
    ctx c = {NULL, NULL, e, sizeof e, "TXT", 0};
    obuf o = {&b, &cap, 0};
    tok t = {p, len, 1};
    if (put_string(&c, &o, &t, 255, "string") != 0)
        return -1;
    *outlen = o.n;
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* Domain names in canonical presentation form (see mxh_internal.h).
 * RFC 1035 §2.3.4: labels of at most 63 octets, names of at most 255 octets in
 * wire form; §5.1: "\X" quotes X, "\DDD" is the octet DDD; "@" is the origin.
 * Case folding is ASCII only (RFC 4343 §3). */
#include "mxh_internal.h"

#include <string.h>

static const char hexless_digits[] = "0123456789";

/* Append octet c of a label to out in canonical form. */
static inline int put_octet(char *out, size_t outsz, size_t *o, unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c + ('a' - 'A'));
    if (c == '.' || c == '\\') {
        if (*o + 2 >= outsz)
            return -1;
        out[(*o)++] = '\\';
        out[(*o)++] = (char)c;
    } else if (c < 0x21 || c > 0x7e || c == '"' || c == '(' || c == ')' || c == ';') {
        if (*o + 4 >= outsz)
            return -1;
        out[(*o)++] = '\\';
        out[(*o)++] = hexless_digits[c / 100];
        out[(*o)++] = hexless_digits[(c / 10) % 10];
        out[(*o)++] = hexless_digits[c % 10];
    } else {
        if (*o + 1 >= outsz)
            return -1;
        out[(*o)++] = (char)c;
    }
    return 0;
}

/* p at a backslash of a canonical name: its escape's last byte (\DDD or \X;
 * the backslash itself when the name ends there). */
static const char *escape_last(const char *p)
{
    if (p[1] >= '0' && p[1] <= '9')
        return p + 3;
    return p[1] ? p + 1 : p;
}

/* Wire length of a canonical name (counting the root octet). */
static size_t canon_wire_len(const char *canon)
{
    if (canon[0] == '.' && canon[1] == '\0')
        return 1;
    size_t w = 1, lab = 0;
    for (const char *p = canon; *p; p++) {
        if (*p == '\\') {
            p = escape_last(p);
            lab++;
        } else if (*p == '.') {
            w += lab + 1;
            lab = 0;
        } else {
            lab++;
        }
    }
    return w;
}

int mxh_name_canon(const char *s, size_t len, const char *origin, char *out, size_t outsz,
                   int *was_relative)
{
    if (was_relative)
        *was_relative = 0;
    if (len == 0)
        return MXH_NAME_ERR_EMPTY;
    if (outsz < 2)
        return MXH_NAME_ERR_BUF;
    if (len == 1 && s[0] == '@') {
        if (!origin)
            return MXH_NAME_ERR_RELATIVE;
        size_t ol = strlen(origin);
        if (ol + 1 > outsz)
            return MXH_NAME_ERR_BUF;
        memcpy(out, origin, ol + 1);
        if (was_relative)
            *was_relative = 1;
        return (int)ol;
    }
    if (len == 1 && s[0] == '.') {
        out[0] = '.';
        out[1] = '\0';
        return 1;
    }
    size_t o = 0, lab = 0, wire = 1;
    size_t i = 0;
    int absolute = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (lab == 0)
                return MXH_NAME_ERR_EMPTY_LABEL;
            wire += lab + 1;
            if (o + 1 >= outsz)
                return MXH_NAME_ERR_BUF;
            out[o++] = '.';
            lab = 0;
            i++;
            if (i == len)
                absolute = 1;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= len)
                return MXH_NAME_ERR_ESCAPE;
            unsigned char d = (unsigned char)s[i + 1];
            if (d >= '0' && d <= '9') {
                if (i + 3 >= len) /* \DDD needs three digits */
                    return MXH_NAME_ERR_ESCAPE;
                unsigned char d2 = (unsigned char)s[i + 2], d3 = (unsigned char)s[i + 3];
                if (d2 < '0' || d2 > '9' || d3 < '0' || d3 > '9')
                    return MXH_NAME_ERR_ESCAPE;
                unsigned v = (unsigned)(d - '0') * 100 + (unsigned)(d2 - '0') * 10 + (unsigned)(d3 - '0');
                if (v > 255)
                    return MXH_NAME_ERR_ESCAPE;
                c = (unsigned char)v;
                i += 4;
            } else {
                c = d;
                i += 2;
            }
        } else {
            i++;
        }
        if (++lab > MXH_LABEL_MAX)
            return MXH_NAME_ERR_LABEL_LONG;
        if (put_octet(out, outsz, &o, c) < 0)
            return MXH_NAME_ERR_BUF;
    }
    if (!absolute) {
        /* relative: the last label is still open */
        wire += lab + 1;
        if (!origin)
            return MXH_NAME_ERR_RELATIVE;
        if (was_relative)
            *was_relative = 1;
        if (o + 1 >= outsz)
            return MXH_NAME_ERR_BUF;
        out[o++] = '.';
        if (!(origin[0] == '.' && origin[1] == '\0')) {
            size_t ol = strlen(origin);
            if (o + ol + 1 > outsz)
                return MXH_NAME_ERR_BUF;
            memcpy(out + o, origin, ol);
            o += ol;
            wire += canon_wire_len(origin) - 1;
        }
    }
    if (wire > MXH_NAME_MAX_WIRE)
        return MXH_NAME_ERR_NAME_LONG;
    out[o] = '\0';
    return (int)o;
}

const char *mxh_name_strerror(int code)
{
    switch (code) {
    case MXH_NAME_ERR_EMPTY: return "empty name";
    case MXH_NAME_ERR_EMPTY_LABEL: return "empty label in name";
    case MXH_NAME_ERR_LABEL_LONG: return "label longer than 63 octets";
    case MXH_NAME_ERR_NAME_LONG: return "name longer than 255 octets";
    case MXH_NAME_ERR_ESCAPE: return "bad escape in name";
    case MXH_NAME_ERR_RELATIVE: return "relative name with no origin";
    case MXH_NAME_ERR_BUF: return "name too long";
    default: return "bad name";
    }
}

/* Is the '.' at canon[i] a label separator (not escaped)? In canonical form
 * a backslash always escapes exactly one following character or starts \DDD,
 * so count the run of backslashes before it. */
static bool is_sep(const char *canon, size_t i)
{
    size_t n = 0;
    while (n < i && canon[i - 1 - n] == '\\')
        n++;
    return (n % 2) == 0;
}

const char *mxh_name_parent(const char *canon)
{
    if (!canon || (canon[0] == '.' && canon[1] == '\0'))
        return NULL;
    for (const char *p = canon; *p; p++) {
        if (*p == '\\') {
            p = escape_last(p);
            continue;
        }
        if (*p == '.')
            return p[1] ? p + 1 : p; /* the root: the final dot, still a suffix */
    }
    return NULL; /* not canonical (no final dot) */
}

bool mxh_name_is_at_or_below(const char *name, const char *anc)
{
    if (anc[0] == '.' && anc[1] == '\0')
        return true;
    size_t nl = strlen(name), al = strlen(anc);
    if (al > nl)
        return false;
    if (memcmp(name + nl - al, anc, al) != 0)
        return false;
    if (al == nl)
        return true;
    size_t at = nl - al - 1; /* must be a separating dot */
    return name[at] == '.' && is_sep(name, at);
}

unsigned mxh_name_labels(const char *canon)
{
    if (canon[0] == '.' && canon[1] == '\0')
        return 0;
    unsigned n = 0;
    for (const char *p = canon; *p; p++) {
        if (*p == '\\')
            p = escape_last(p);
        else if (*p == '.')
            n++;
    }
    return n;
}

bool mxh_name_is_wildcard(const char *canon)
{
    return canon[0] == '*' && canon[1] == '.';
}

bool mxh_name_has_partial_wildcard(const char *canon)
{
    const char *p = canon;
    while (*p) {
        /* one label */
        size_t len = 0;
        bool star = false;
        while (*p && *p != '.') {
            if (*p == '\\') {
                if (p[1] >= '0' && p[1] <= '9') {
                    p += 4;
                } else {
                    p += p[1] ? 2 : 1;
                }
                len++;
                continue;
            }
            if (*p == '*')
                star = true;
            len++;
            p++;
        }
        if (star && len > 1)
            return true;
        if (*p == '.')
            p++;
    }
    return false;
}

int mxh_name_from_user(const char *s, char *out, size_t outsz)
{
    if (!s)
        return MXH_NAME_ERR_EMPTY;
    return mxh_name_canon(s, strlen(s), ".", out, outsz, NULL);
}

/* Letters, digits, hyphen: host names (RFC 952, RFC 1123 §2.1). */
static bool host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool ends_with(const char *s, size_t len, const char *suf)
{
    size_t l = strlen(suf);
    return len > l && strncmp(s + len - l, suf, l) == 0;
}

int mxh_origin_from_filename(const char *path, char *out, size_t outsz)
{
    if (!path)
        return 0;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    static const char *const suffixes[] = {".zone", ".db", ".txt", ".hosts", ".dns", ".signed",
                                           ".conf", ".fwd", NULL};
    static const char *const prefixes[] = {"db.", "zone-", "zone.", "pri.", "master.", "primary.",
                                           NULL};
    for (int again = 1; again;) {
        again = 0;
        for (int k = 0; suffixes[k]; k++) {
            if (ends_with(base, len, suffixes[k])) {
                len -= strlen(suffixes[k]);
                again = 1;
            }
        }
    }
    for (int k = 0; prefixes[k]; k++) {
        size_t l = strlen(prefixes[k]);
        if (len > l && strncmp(base, prefixes[k], l) == 0) {
            base += l;
            len -= l;
            break;
        }
    }
    if (len > 0 && base[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return 0;
    /* host-name shaped: labels of letters, digits and hyphens (a leading
     * underscore allowed), at least two, the last one with a letter. A name
     * like "roles__dns__files__db.example.com" is a path, not a domain. */
    unsigned labels = 1;
    size_t lab = 0;
    bool letter = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)base[i];
        if (c == '.') {
            if (lab == 0)
                return 0;
            labels++;
            lab = 0;
            letter = false;
            continue;
        }
        /* an underscore only opens a label (service zones such as _msdcs) */
        if (!host_char(c) && !(c == '_' && lab == 0))
            return 0;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letter = true;
        if (++lab > MXH_LABEL_MAX)
            return 0;
    }
    if (lab == 0 || labels < 2 || !letter)
        return 0;
    int n = mxh_name_canon(base, len, ".", out, outsz, NULL);
    return n > 0 ? n : 0;
}

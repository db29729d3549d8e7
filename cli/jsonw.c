/* SPDX-License-Identifier: MIT */
/*
 * jsonw.c — writing untrusted text safely: JSON strings (RFC 8259 §7),
 * terminal text, URI references (RFC 3986 §2.1) and Graphviz strings.
 * Zone files hold arbitrary bytes, so every writer checks UTF-8 itself.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4), or 0 if the
 * bytes there are not one (overlong forms, surrogates and values above
 * U+10FFFF are refused). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned lo = 0x80, hi = 0xbf;
        if (c == 0xe0)
            lo = 0xa0;              /* no overlong forms */
        if (c == 0xed)
            hi = 0x9f;              /* no UTF-16 surrogates */
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned lo = 0x80, hi = 0xbf;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f;              /* nothing above U+10FFFF */
        if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* Bytes written as they are inside a JSON string: printable ASCII but '"'
 * and '\\' (UTF-8 sequences are checked one by one). */
static inline int json_plain(unsigned c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void cli_json_str(FILE *f, const char *str)
{
    if (!str) {
        fputs("null", f);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    for (;;) {
        /* the plain run in one write: most strings are nothing else */
        const unsigned char *run = s;
        while (json_plain(*s))
            s++;
        if (s > run)
            fwrite(run, 1, (size_t)(s - run), f);
        unsigned c = *s;
        if (c == 0)
            break;
        if (c < 0x80) {
            switch (c) {
            case '"': fputs("\\\"", f); break;
            case '\\': fputs("\\\\", f); break;
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c); /* other controls and DEL */
            }
            s++;
            continue;
        }
        size_t n = utf8_len(s);
        if (n == 0) {
            fputs("\\ufffd", f);
            s++;
            continue;
        }
        fwrite(s, 1, n, f);
        s += n;
    }
    fputc('"', f);
}

void cli_text_safe(FILE *f, const char *str)
{
    if (!str)
        return;
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned c = *s;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc((int)c, f);
            s++;
            continue;
        }
        size_t n = utf8_len(s);
        /* C1 controls (U+0080..U+009F) can drive terminals too. */
        if (n == 0 || (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)) {
            fprintf(f, "\\x%02x", c);
            s++;
            continue;
        }
        fwrite(s, 1, n, f);
        s += n;
    }
}

void cli_json_uri(FILE *f, const char *path)
{
    /* Build the URI in memory, then write it as a JSON string. Unreserved
     * characters and '/' stay (RFC 3986 §2.3); everything else is %XX. */
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(path);
    char *buf = cli_xmalloc(len * 3 + 16);
    size_t o = 0;
    if (path[0] == '/') {
        memcpy(buf, "file://", 7);
        o = 7;
    }
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        unsigned c = *s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            buf[o++] = (char)c;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        }
    }
    buf[o] = 0;
    cli_json_str(f, buf);
    free(buf);
}

void cli_dot_str(FILE *f, const char *str)
{
    fputc('"', f);
    for (const unsigned char *s = (const unsigned char *)(str ? str : ""); *s; s++) {
        unsigned c = *s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", (int)c);
        else if (c == '\n')
            fputs("\\n", f);              /* a centred line break in a label */
        else if (c < 0x20 || c == 0x7f || c >= 0x80)
            fprintf(f, "\\\\x%02x", c); /* shown literally as \xNN in the label */
        else
            fputc((int)c, f);
    }
    fputc('"', f);
}

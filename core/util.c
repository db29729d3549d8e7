/* SPDX-License-Identifier: MIT */
/*
 * util.c — small helpers shared by the loaders: whole-file reading with a
 * size limit, and strict IPv4 / IPv6 address parsing.
 */
#include "mxh_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Read a whole file into a malloc'd buffer (NUL-terminated one byte past
 * *len, so text scanners may peek). Returns 0 on success; -1 when the file
 * cannot be opened or read; -2 when it is larger than MXH_FILE_MAX. On error
 * err holds "path: reason" and *buf is NULL.
 */
int mxh_read_file(const char *path, char **buf, size_t *len, char *err, size_t errsz)
{
    *buf = NULL;
    *len = 0;
    if (!path || !*path) {
        snprintf(err, errsz, "empty file name");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errsz, "%s: cannot stat: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, "%s: is a directory, not a zone file", path);
        close(fd);
        return -1;
    }
    size_t cap;
    if (S_ISREG(st.st_mode)) {
        if ((uintmax_t)st.st_size > (uintmax_t)MXH_FILE_MAX) {
            snprintf(err, errsz, "%s: file too large (%jd bytes; the limit is %zu)", path,
                     (intmax_t)st.st_size, MXH_FILE_MAX);
            close(fd);
            return -2;
        }
        cap = (size_t)st.st_size + 1;
    } else {
        cap = 65536; /* pipe or device: grow as needed */
    }
    char *p = malloc(cap);
    if (!p) {
        snprintf(err, errsz, "%s: out of memory", path);
        close(fd);
        return -1;
    }
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > MXH_FILE_MAX) {
                snprintf(err, errsz, "%s: file too large (the limit is %zu bytes)", path,
                         MXH_FILE_MAX);
                free(p);
                close(fd);
                return -2;
            }
            size_t ncap = cap * 2;
            char *q = realloc(p, ncap);
            if (!q) {
                snprintf(err, errsz, "%s: out of memory", path);
                free(p);
                close(fd);
                return -1;
            }
            p = q;
            cap = ncap;
        }
        ssize_t r = read(fd, p + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errsz, "%s: read error: %s", path, strerror(errno));
            free(p);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > MXH_FILE_MAX) {
        snprintf(err, errsz, "%s: file too large (the limit is %zu bytes)", path, MXH_FILE_MAX);
        free(p);
        return -2;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return 0;
}

size_t mxh_page_size(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    return pg > 0 ? (size_t)pg : 4096;
}

void mxh_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = mxh_page_size();
    uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)p + n) & ~(page - 1);
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

size_t mxh_populate_ahead(void *base, size_t ready, size_t used, size_t size)
{
    size_t step = size / 4;
    if (step < ((size_t)16 << 10))
        step = (size_t)16 << 10; /* a call per page would cost what the faults do */
    if (step > ((size_t)256 << 10))
        step = (size_t)256 << 10;
    size_t want = used + step < size ? used + step : size;
    if (want <= ready)
        return ready;
    /* Whole pages over [ready, want): the page partly before `ready` may be
     * in already (asking again is harmless); the one partly after `want` is
     * mapped, as the block lies in a mapping. Rounded inward instead, the
     * page at each mark was never brought in and faulted all the same. */
    uintptr_t page = mxh_page_size();
    uintptr_t from = (uintptr_t)base + ready, to = (uintptr_t)base + want;
    from &= ~(page - 1);
    to = (to + page - 1) & ~(page - 1);
    mxh_populate((void *)from, to - from);
    return want;
}

/*
 * mxh_read_file for a large regular file, into pages of its own (an
 * anonymous mapping) rather than the heap, so that a loader done with a
 * part of it may give those pages back (madvise MADV_DONTNEED) while it
 * reads on: the text of a big zone need not stay resident next to the
 * model built from it. *maplen is the mapping's length, or 0 when the
 * buffer came from mxh_read_file (small, not regular, or no mapping).
 * Release with mxh_free_file. The file is read, not mapped: a file
 * truncated meanwhile cannot fault.
 */
int mxh_read_file_pages(const char *path, char **buf, size_t *len, size_t *maplen, char *err,
                        size_t errsz)
{
    *maplen = 0;
    struct stat st;
    if (!path || !*path || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size < (off_t)(1 << 20) || (uintmax_t)st.st_size > (uintmax_t)MXH_FILE_MAX)
        return mxh_read_file(path, buf, len, err, errsz);
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uintmax_t)st.st_size > (uintmax_t)MXH_FILE_MAX) {
        if (fd >= 0)
            close(fd);
        return mxh_read_file(path, buf, len, err, errsz);
    }
    size_t size = (size_t)st.st_size;
    size_t page = mxh_page_size();
    size_t ml = (size + 1 + page - 1) / page * page;
    char *p = mmap(NULL, ml, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        close(fd);
        return mxh_read_file(path, buf, len, err, errsz);
    }
    mxh_populate(p, ml); /* the whole mapping is about to be written by read() */
    size_t n = 0;
    while (n < size) {
        ssize_t r = read(fd, p + n, size - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errsz, "%s: read error: %s", path, strerror(errno));
            munmap(p, ml);
            close(fd);
            return -1;
        }
        if (r == 0)
            break; /* shrank since fstat: what was there */
        n += (size_t)r;
    }
    close(fd);
    p[n] = '\0';
    *buf = p;
    *len = n;
    *maplen = ml;
    return 0;
}

void mxh_free_file(char *buf, size_t maplen)
{
    if (maplen)
        munmap(buf, maplen);
    else
        free(buf);
}

/*
 * Dotted-quad IPv4, as inet_pton(AF_INET) accepts it: exactly four decimal
 * parts 0..255, no leading zeros (so "010" is not silently octal or decimal),
 * no other characters.
 */
bool mxh_parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
    if (len < 7 || len > 15) /* "0.0.0.0" .. "255.255.255.255" */
        return false;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (p == end || *p != '.')
                return false;
            p++;
        }
        unsigned d;
        if (p == end || (d = (unsigned)*p - '0') > 9)
            return false;
        unsigned v = d;
        p++;
        if (p != end && (d = (unsigned)*p - '0') <= 9) {
            if (v == 0)
                return false; /* a leading zero */
            v = v * 10 + d;
            p++;
            if (p != end && (d = (unsigned)*p - '0') <= 9) {
                v = v * 10 + d;
                p++;
                if (v > 255 || (p != end && (unsigned)*p - '0' <= 9))
                    return false; /* too large, or a fourth digit */
            }
        }
        out[part] = (uint8_t)v;
    }
    return p == end;
}

/* Hexadecimal digit -> its value + 1; 0 for any other byte. */
static const uint8_t hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
    ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
    ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16,
};

/* Groups of hexadecimal digits and colons only (no embedded IPv4 part), with
 * the rules of inet_pton: 1..4 digits a group, one "::" at most, standing
 * for at least one zero group, no single leading or trailing colon, eight
 * groups in all. Returns 1 parsed, 0 invalid, -1 not of this form. */
static int parse_ipv6_hex(const char *s, size_t len, uint8_t out[16])
{
    unsigned g[8];              /* the groups read, in order */
    int ng = 0, gap = -1;       /* gap: where "::" stands (a group index) */
    unsigned val = 0, nd = 0;
    size_t i = 0;
    if (len == 0)
        return 0;
    if (s[0] == ':') {
        if (len < 2 || s[1] != ':')
            return 0;
        i = 1;
    }
    for (; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (hex1[ch]) {
            if (nd == 4)
                return 0;
            val = val << 4 | (unsigned)(hex1[ch] - 1);
            nd++;
            continue;
        }
        if (ch != ':')
            return ch == '.' ? -1 : 0;
        if (nd == 0) {
            if (gap >= 0)
                return 0;
            gap = ng;
            continue;
        }
        if (i + 1 == len || ng == 8)
            return 0;
        g[ng++] = val;
        nd = 0;
        val = 0;
    }
    if (nd > 0) {
        if (ng == 8)
            return 0;
        g[ng++] = val;
    }
    if (gap >= 0 ? ng == 8 : ng != 8)
        return 0; /* "::" must stand for at least one group; else eight are needed */
    int tail = gap >= 0 ? ng - gap : 0, head = ng - tail;
    for (int k = 0; k < 8; k++) {
        unsigned v = k < head ? g[k] : k >= 8 - tail ? g[ng - (8 - k)] : 0;
        out[2 * k] = (uint8_t)(v >> 8);
        out[2 * k + 1] = (uint8_t)v;
    }
    return 1;
}

bool mxh_parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
    if (len < INET6_ADDRSTRLEN) {
        int r = parse_ipv6_hex(s, len, out);
        if (r >= 0)
            return r == 1;
    }
    char tmp[INET6_ADDRSTRLEN + 8];
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (memchr(tmp, '\0', len))
        return false;
    return inet_pton(AF_INET6, tmp, out) == 1;
}

size_t mxh_bom_len(const char *buf, size_t len)
{
    return len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

bool mxh_next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *linelen)
{
    if (*pos >= len)
        return false;
    const char *s = buf + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    size_t l = nl ? (size_t)(nl - s) : len - *pos;
    *pos += l + (nl ? 1 : 0);
    if (l > 0 && s[l - 1] == '\r')
        l--;
    *line = s;
    *linelen = l;
    return true;
}

const char *mxh_shown(const char *p, size_t len, char *b, size_t bsz)
{
    size_t n = len < 60 ? len : 60;
    if (n + 4 > bsz)
        n = bsz - 4;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        b[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (n < len) {
        memcpy(b + o, "...", 3);
        o += 3;
    }
    b[o] = '\0';
    return b;
}

mxh_status mxh_load_begin(mxh_lineload *l, mxh_zoneset *zs, const char *name, const char *buf,
                          size_t len, const mxh_load_opts *opts, mxh_format fmt, uint32_t ttl,
                          const char *what, mxh_zone **out)
{
    if (out)
        *out = NULL;
    if (!zs || !name || (!buf && len))
        return MXH_ERR_ARG;
    l->zs = zs;
    l->file = mxh_zs_file(zs, name);
    char origin[MXH_NAME_BUF];
    if (opts && opts->origin) {
        int n = mxh_name_from_user(opts->origin, origin, MXH_NAME_BUF);
        if (n < 0) {
            mxh_zs_diag(zs, MXH_DIAG_ERROR, l->file, 0, NULL, "bad origin '%.200s': %s",
                        opts->origin, mxh_name_strerror(n));
            return MXH_ERR_ARG;
        }
    } else if (mxh_origin_from_filename(name, origin, MXH_NAME_BUF) <= 0) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, l->file, 0, NULL,
                    "no origin: %s; give the origin or name the file after the domain "
                    "(example.com.txt)", what);
        return MXH_ERR_ARG;
    }
    if (len > MXH_FILE_MAX) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, l->file, 0, NULL, "input larger than %zu bytes",
                    (size_t)MXH_FILE_MAX);
        return MXH_ERR_LIMIT;
    }
    l->ttl = opts && opts->default_ttl ? opts->default_ttl : ttl;
    l->z = mxh_zone_create(zs, origin, l->file, fmt);
    if (!l->z) {
        mxh_zs_seterr(zs, "%s: out of memory", name);
        return MXH_ERR_NOMEM;
    }
    l->origin = l->z->origin;
    return MXH_OK;
}

void mxh_load_reject(mxh_lineload *l, unsigned long line, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l->z->rejected++;
    mxh_zs_diag(l->zs, MXH_DIAG_ERROR, l->file, line, l->z, "%s", msg);
    if (!l->first_err[0])
        snprintf(l->first_err, sizeof l->first_err, "%s", l->zs->errmsg);
}

bool mxh_load_add(mxh_lineload *l, const mxh_rr_in *in)
{
    size_t before = l->z->rejected;
    if (!mxh_zone_add(l->z, in)) {
        if (l->z->rejected != before && !l->first_err[0])
            snprintf(l->first_err, sizeof l->first_err, "%s", l->zs->errmsg);
        return false;
    }
    l->records++;
    return true;
}

mxh_status mxh_load_end(mxh_lineload *l, const char *name, mxh_zone **out, const char *what,
                        unsigned long lines)
{
    mxh_zoneset *zs = l->zs;
    mxh_zone *z = l->z;
    mxh_zone_finish(z);
    if (out)
        *out = z;
    if (l->nomem) {
        mxh_zs_seterr(zs, "%s: out of memory", name);
        return MXH_ERR_NOMEM;
    }
    if (z->rejected) {
        /* counts only when something is missing: a clean load stays silent */
        mxh_zs_diag(zs, MXH_DIAG_NOTICE, l->file, 0, z,
                    "%s: %lu record lines read, %zu records loaded, %zu lines rejected", what,
                    lines, l->records, z->rejected);
        mxh_zs_seterr(zs, "%s (%zu of %lu record lines rejected)",
                      l->first_err[0] ? l->first_err : "lines were rejected", z->rejected, lines);
        return MXH_ERR_PARSE;
    }
    mxh_zs_seterr(zs, "%s", "");
    return MXH_OK;
}

size_t mxh_txt_present(const char *s, size_t n, char *out)
{
    size_t o = 0;
    if (n > 0 && s[0] == '"') {
        memcpy(out, s, n);
        out[n] = '\0';
        return n;
    }
    size_t i = 0;
    do {
        if (o)
            out[o++] = ' ';
        out[o++] = '"';
        size_t end = i + 255 < n ? i + 255 : n;
        for (; i < end; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch == '"' || ch == '\\') {
                out[o++] = '\\';
                out[o++] = (char)ch;
            } else if (ch < 0x20 || ch >= 0x7f) {
                o += (size_t)snprintf(out + o, 5, "\\%03u", (unsigned)ch);
            } else {
                out[o++] = (char)ch;
            }
        }
        out[o++] = '"';
    } while (i < n);
    out[o] = '\0';
    return o;
}

/* The next blank-separated field of s[0..n) from *pos (see mxh_split_ws for
 * `quotes`); false, with *pos at n, when only blank space is left. */
static bool next_field(const char *s, size_t n, size_t *pos, bool quotes, mxh_span *f)
{
    size_t i = *pos;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= n) {
        *pos = i;
        return false;
    }
    size_t st = i;
    bool q = false;
    while (i < n && (q || (s[i] != ' ' && s[i] != '\t'))) {
        if (quotes) {
            if (s[i] == '\\' && i + 1 < n)
                i++;
            else if (s[i] == '"')
                q = !q;
        }
        i++;
    }
    f->s = s + st;
    f->n = i - st;
    *pos = i;
    return true;
}

static size_t split_fields(const char *s, size_t n, bool quotes, mxh_span *out, size_t max)
{
    size_t cnt = 0, i = 0;
    mxh_span f;
    while (next_field(s, n, &i, quotes, &f)) {
        if (cnt < max)
            out[cnt] = f;
        cnt++;
    }
    return cnt;
}

bool mxh_span_is(const mxh_span *t, const char *w)
{
    size_t l = strlen(w);
    return t->n == l && strncasecmp(t->s, w, l) == 0;
}

bool mxh_all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool mxh_span_u32(const mxh_span *t, uint32_t max, uint32_t *out)
{
    if (t->n > 10 || !mxh_all_digits(t->s, t->n))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < t->n; i++)
        v = v * 10 + (uint64_t)(t->s[i] - '0');
    if (v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

uint16_t mxh_span_type(const mxh_span *t)
{
    char b[24];
    if (t->n == 0 || t->n >= sizeof b)
        return 0;
    memcpy(b, t->s, t->n);
    b[t->n] = '\0';
    return mxh_type_from_name(b);
}

size_t mxh_split_ws(const char *s, size_t n, mxh_span *out, size_t max)
{
    return split_fields(s, n, true, out, max);
}

size_t mxh_split_blank(const char *s, size_t n, mxh_span *out, size_t max)
{
    return split_fields(s, n, false, out, max);
}

bool mxh_next_word(const char *s, size_t n, size_t *pos, mxh_span *w)
{
    return next_field(s, n, pos, false, w);
}

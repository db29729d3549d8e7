/* SPDX-License-Identifier: MIT */
/*
 * load.c — the public loading entry points: read the input, refuse what is
 * not text, strip a UTF-8 byte order mark, pick the format (given or
 * detected), hand the buffer to that format's loader, finish the zone.
 */
#include "mxh_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static const char *const fmt_names[] = {"auto", "bind", "valuedomain", "table"};

mxh_status mxh_format_parse(const char *text, mxh_format *out)
{
    if (!text || !out)
        return MXH_ERR_ARG;
    for (size_t i = 0; i < sizeof fmt_names / sizeof fmt_names[0]; i++) {
        if (strcasecmp(text, fmt_names[i]) == 0) {
            *out = (mxh_format)i;
            return MXH_OK;
        }
    }
    return MXH_ERR_ARG;
}

const char *mxh_format_name(mxh_format fmt)
{
    if ((unsigned)fmt < sizeof fmt_names / sizeof fmt_names[0])
        return fmt_names[fmt];
    return "unknown";
}

/*
 * Text or not: any NUL byte, or more than 1 in 20 bytes of the first 64 KiB
 * being control characters other than tab, CR, LF, VT and FF, means binary.
 * Bytes >= 0x80 count as text (UTF-8 and legacy Japanese encodings).
 */
static const char *binary_reason(const char *buf, size_t len)
{
    if (memchr(buf, '\0', len))
        return "binary content (NUL bytes)";
    size_t n = len < 65536 ? len : 65536, ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0x0b && c != 0x0c) ||
            c == 0x7f)
            ctrl++;
    }
    if (n > 0 && ctrl * 20 > n)
        return "mostly non-text content (control characters)";
    return NULL;
}

static mxh_status load_common(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                              const mxh_load_opts *opts, mxh_zone **out_zone, int flags);

/* load_common with zs->sink set to fn (NULL: a load) for the zones it makes,
 * put back after (a record callback may itself load or parse into zs). */
static mxh_status load_sunk(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                            const mxh_load_opts *opts, mxh_zone **out_zone, int flags,
                            mxh_record_fn fn, void *ud)
{
    mxh_record_fn was = zs->sink;
    void *was_ud = zs->sink_ud;
    struct mxh_sink *was_sunk = zs->sunk;
    zs->sink = fn;
    zs->sink_ud = ud;
    mxh_zone *z = NULL;
    mxh_status st = load_common(zs, name, buf, len, opts, &z, flags);
    zs->sink = was;
    zs->sink_ud = was_ud;
    if (fn) {
        z = NULL; /* a parsed zone is not the caller's: it ends with the parse */
        mxh_zs_sunk_free(zs, was_sunk);
    }
    if (out_zone)
        *out_zone = z;
    return st;
}

static mxh_status load_common(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                              const mxh_load_opts *opts, mxh_zone **out_zone, int flags)
{
    mxh_load_opts dflt;
    if (!opts) {
        memset(&dflt, 0, sizeof dflt);
        opts = &dflt;
    }
    mxh_fileno file = mxh_zs_file(zs, name);
    const char *why = binary_reason(buf, len);
    if (why) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, file, 0, NULL, "not a zone file: %s", why);
        return MXH_ERR_FORMAT;
    }
    size_t bom = mxh_bom_len(buf, len);
    buf += bom;
    len -= bom;
    mxh_format fmt = opts->format;
    if (fmt == MXH_FMT_AUTO)
        fmt = mxh_format_detect(buf, len);
    mxh_zone *z = NULL;
    mxh_status st;
    switch (fmt) {
    case MXH_FMT_BIND:
        st = mxh_load_bind_ex(zs, name, buf, len, opts, &z, flags);
        break;
    case MXH_FMT_VALUEDOMAIN:
        st = mxh_load_valuedomain(zs, name, buf, len, opts, &z);
        break;
    case MXH_FMT_TABLE:
        st = mxh_load_table(zs, name, buf, len, opts, &z);
        break;
    default:
        mxh_zs_diag(zs, MXH_DIAG_ERROR, file, 0, NULL, "unknown format %d", (int)fmt);
        return MXH_ERR_ARG;
    }
    if (z)
        mxh_zone_finish(z);
    if (out_zone)
        *out_zone = z;
    return st;
}

static mxh_status buffer_in(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                            const mxh_load_opts *opts, mxh_zone **out_zone, mxh_record_fn fn,
                            void *ud)
{
    if (out_zone)
        *out_zone = NULL;
    if (!zs)
        return MXH_ERR_ARG;
    if (!buf && len) {
        mxh_zs_seterr(zs, "no buffer given");
        return MXH_ERR_ARG;
    }
    if (len > MXH_FILE_MAX) {
        mxh_zs_diag(zs, MXH_DIAG_ERROR, mxh_zs_file(zs, name ? name : "(buffer)"), 0, NULL,
                    "input too large (%zu bytes; the limit is %zu)", len, MXH_FILE_MAX);
        return MXH_ERR_LIMIT;
    }
    return load_sunk(zs, name ? name : "(buffer)", buf ? buf : "", len, opts, out_zone, 0, fn,
                     ud);
}

mxh_status mxh_zoneset_load_buffer(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                                   const mxh_load_opts *opts, mxh_zone **out_zone)
{
    return buffer_in(zs, name, buf, len, opts, out_zone, NULL, NULL);
}

mxh_status mxh_zoneset_parse_buffer(mxh_zoneset *zs, const char *name, const char *buf,
                                    size_t len, const mxh_load_opts *opts, mxh_record_fn fn,
                                    void *ud)
{
    if (!fn) {
        if (zs)
            mxh_zs_seterr(zs, "no record callback given");
        return MXH_ERR_ARG;
    }
    return buffer_in(zs, name, buf, len, opts, NULL, fn, ud);
}

static mxh_status file_in(mxh_zoneset *zs, const char *path, const mxh_load_opts *opts,
                          mxh_zone **out_zone, mxh_record_fn fn, void *ud)
{
    if (out_zone)
        *out_zone = NULL;
    if (!zs)
        return MXH_ERR_ARG;
    if (!path || !*path) {
        mxh_zs_seterr(zs, "no file name given");
        return MXH_ERR_ARG;
    }
    char *buf = NULL;
    size_t len = 0, maplen = 0;
    char err[1200];
    int r = mxh_read_file_pages(path, &buf, &len, &maplen, err, sizeof err);
    if (r != 0) {
        /* err already names the file; the diagnostic's file is the path too */
        const char *msg = err;
        size_t pl = strlen(path);
        if (strncmp(err, path, pl) == 0 && err[pl] == ':' && err[pl + 1] == ' ')
            msg = err + pl + 2;
        mxh_zs_diag(zs, MXH_DIAG_ERROR, mxh_zs_file(zs, path), 0, NULL, "%s", msg);
        return r == -2 ? MXH_ERR_LIMIT : MXH_ERR_IO;
    }
    mxh_status st = load_sunk(zs, path, buf, len, opts, out_zone,
                              MXH_LOADF_FILE | (maplen ? MXH_LOADF_DISCARD : 0), fn, ud);
    mxh_free_file(buf, maplen);
    return st;
}

mxh_status mxh_zoneset_load_file(mxh_zoneset *zs, const char *path, const mxh_load_opts *opts,
                                 mxh_zone **out_zone)
{
    return file_in(zs, path, opts, out_zone, NULL, NULL);
}

mxh_status mxh_zoneset_parse_file(mxh_zoneset *zs, const char *path, const mxh_load_opts *opts,
                                  mxh_record_fn fn, void *ud)
{
    if (!fn) {
        if (zs)
            mxh_zs_seterr(zs, "no record callback given");
        return MXH_ERR_ARG;
    }
    return file_in(zs, path, opts, NULL, fn, ud);
}

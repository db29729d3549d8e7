/* SPDX-License-Identifier: MIT */
/*
 * load.c — load every input into one zone set, sequentially (loading is not
 * thread-safe), remembering which diagnostics each input produced so that
 * load errors are printed in input order beside the zone they belong to.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STDIN_MAX ((size_t)1 << 30)   /* the library's own limit for a file */

static char *fmt_msg(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = cli_xmalloc(n);
    snprintf(s, n, "%s%s", a, b);
    return s;
}

/* Read all of standard input; NULL with *err set on failure. */
static char *read_stdin(size_t *len, const char **err)
{
    size_t cap = 65536, n = 0;
    char *buf = cli_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= STDIN_MAX) {
                free(buf);
                *err = "standard input is larger than 1 GiB";
                return NULL;
            }
            cap *= 2;
            buf = cli_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0) {
            if (ferror(stdin)) {
                free(buf);
                *err = strerror(errno);
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}

static size_t error_diags(const mxh_zoneset *zs, size_t lo, size_t hi)
{
    size_t n = 0;
    for (size_t i = lo; i < hi; i++)
        if (mxh_diag_level_of(mxh_zoneset_diag(zs, i)) == MXH_DIAG_ERROR)
            n++;
    return n;
}

static void finish_unit(cli_loaded *ld, cli_unit *u)
{
    u->diag_hi = mxh_zoneset_diag_count(ld->zs);
    size_t errs = error_diags(ld->zs, u->diag_lo, u->diag_hi);
    if (u->status != MXH_OK && errs == 0 && !u->extra_error) {
        /* Never lose a failure: say what the library said. */
        const char *m = mxh_zoneset_errmsg(ld->zs);
        u->extra_error = fmt_msg(m && *m ? m : mxh_strerror(u->status), "");
    }
    if (u->extra_error)
        errs++;
    ld->load_errors += errs;
    if (errs || u->status != MXH_OK)
        ld->failed = 1;
}

int cli_load(cli_loaded *ld, const cli_scan_opts *o, const cli_inputs *in, int show_progress)
{
    memset(ld, 0, sizeof *ld);
    size_t nstdin = 0;
    for (size_t i = 0; i < in->n; i++)
        if (!in->items[i].error && strcmp(in->items[i].path, "-") == 0)
            nstdin++;
    if (nstdin > 1)
        return cli_usage_error(o->cmd, "standard input ('-') can be read only once");
    if (o->origin && in->n != 1)
        return cli_usage_error(o->cmd, "--origin needs exactly one zone file (or '-'), "
                                       "but %zu inputs were found", in->n);

    mxh_status st = mxh_zoneset_new(&ld->zs);
    if (st != MXH_OK) {
        fprintf(stderr, "mxhazard: %s\n", mxh_strerror(st));
        return CLI_EXIT_USAGE;
    }
    ld->units = cli_xmalloc((in->n + 1) * sizeof *ld->units);
    memset(ld->units, 0, (in->n + 1) * sizeof *ld->units);
    ld->nunits = in->n + 1;

    cli_unit *u = &ld->units[0];
    u->file = o->inventory ? cli_xstrdup(o->inventory) : NULL;
    if (o->inventory) {
        u->status = mxh_zoneset_load_inventory(ld->zs, o->inventory);
        finish_unit(ld, u);
    }

    mxh_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.origin = o->origin;
    lo.format = o->input_format;
    lo.include_root = o->include_root;

    double t0 = cli_now(), last = t0;
    int shown = 0;
    for (size_t i = 0; i < in->n; i++) {
        const cli_input *it = &in->items[i];
        u = &ld->units[i + 1];
        u->diag_lo = mxh_zoneset_diag_count(ld->zs);
        mxh_zone *z = NULL;
        if (it->error) {
            u->file = cli_xstrdup(it->path);
            u->status = MXH_ERR_IO;
            u->extra_error = fmt_msg("cannot read directory: ", it->error);
        } else if (strcmp(it->path, "-") == 0) {
            u->file = cli_xstrdup("<stdin>");
            size_t len = 0;
            const char *err = NULL;
            char *buf = read_stdin(&len, &err);
            if (!buf) {
                u->status = MXH_ERR_IO;
                u->extra_error = fmt_msg("cannot read standard input: ", err);
            } else {
                u->status = mxh_zoneset_load_buffer(ld->zs, u->file, buf, len, &lo, &z);
                free(buf);
            }
        } else {
            u->file = cli_xstrdup(it->path);
            u->status = mxh_zoneset_load_file(ld->zs, it->path, &lo, &z);
        }
        u->zone = z;
        finish_unit(ld, u);
        if (show_progress) {
            double now = cli_now();
            if (now - t0 > 1.0 && now - last > 0.2) {
                fprintf(stderr, "\rmxhazard: loading %zu/%zu files", i + 1, in->n);
                last = now;
                shown = 1;
            }
        }
    }
    if (shown)
        fprintf(stderr, "\r\033[K");
    return 0;
}

void cli_loaded_free(cli_loaded *ld)
{
    for (size_t i = 0; i < ld->nunits; i++) {
        free(ld->units[i].file);
        free(ld->units[i].extra_error);
    }
    free(ld->units);
    mxh_zoneset_free(ld->zs);
    memset(ld, 0, sizeof *ld);
}

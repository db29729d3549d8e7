/* SPDX-License-Identifier: MIT */
/*
 * parse_zscanner.c — time Knot DNS's zone scanner (libzscanner) alone: every
 * record is parsed to wire form and counted in the callback, nothing is
 * stored. This is the fastest parse there is to compare with: a lower bound,
 * not a like-for-like loader.
 *
 *   parse_zscanner [-l zones.tsv] [FILE…]
 *
 * Needs libzscanner's headers (Debian: libknot-dev; pkg-config libzscanner).
 */
#include "bench_util.h"
#include <libzscanner/scanner.h>

typedef struct counts {
    size_t records, errors;
    const char *file;
} counts;

static void on_record(zs_scanner_t *s)
{
    counts *c = s->process.data;
    c->records++;
}

static void on_error(zs_scanner_t *s)
{
    counts *c = s->process.data;
    if (c->errors < 5)
        fprintf(stderr, "parse_zscanner: %s:%llu: %s\n", c->file,
                (unsigned long long)s->line_counter, zs_strerror(s->error.code));
    c->errors++;
}

int main(int argc, char **argv)
{
    bench_list in = {0};
    if (bench_parse_args(&in, argc, argv, "parse_zscanner [-l zones.tsv] [FILE...]") != 0)
        return 2;
    counts c = {0, 0, NULL};
    size_t nzones = 0;
    zs_scanner_t *s = malloc(sizeof *s); /* the scanner struct is large: keep it off the stack */
    if (s == NULL)
        return 2;
    double c0 = bench_cpu();
    double t0 = bench_now();
    for (size_t i = 0; i < in.n; i++) {
        c.file = in.v[i].path;
        const char *origin = in.v[i].origin ? in.v[i].origin : ".";
        if (zs_init(s, origin, 1 /* IN */, 3600) != 0 ||
            zs_set_input_file(s, in.v[i].path) != 0 ||
            zs_set_processing(s, on_record, on_error, &c) != 0) {
            fprintf(stderr, "parse_zscanner: %s: %s\n", in.v[i].path, zs_strerror(s->error.code));
            c.errors++;
            zs_deinit(s);
            continue;
        }
        size_t before = c.errors;
        if (zs_parse_all(s) != 0 && c.errors == before)
            c.errors++;
        zs_deinit(s);
        nzones++;
    }
    double t1 = bench_now();
    bench_report("zscanner", nzones, c.records, c.errors, t1 - t0, c0);
    free(s);
    bench_free_list(&in);
    return c.errors ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * parse_stream.c — time libmxhazard's parser alone, like for like with
 * parse_zscanner: every record of the zone files is parsed (canonical owner,
 * type, class, TTL, canonical RDATA, MX/CNAME targets) and handed to a
 * callback that counts it (mxh_zoneset_parse_file); nothing is stored. The
 * loader proper (parse_only) builds the zone model on top of this.
 *
 *   parse_stream [-l zones.tsv] [FILE…]
 *
 * Built by tests/bench/run.sh against BUILD/libmxhazard.a.
 * Exit: 0 all parsed cleanly, 1 some load diagnostics, 2 usage/setup error.
 */
#include "bench_util.h"
#include "mxhazard.h"

typedef struct counts {
    size_t records;
    size_t touched; /* every record's type and RDATA read, as a user of the call would */
} counts;

static int on_record(const mxh_rr *rr, void *ud)
{
    counts *c = ud;
    c->records++;
    c->touched += (size_t)mxh_rr_type(rr) + (unsigned char)mxh_rr_rdata(rr)[0];
    return 0;
}

int main(int argc, char **argv)
{
    bench_list in = {0};
    if (bench_parse_args(&in, argc, argv, "parse_stream [-l zones.tsv] [FILE...]") != 0)
        return 2;
    mxh_zoneset *zs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK) {
        fprintf(stderr, "parse_stream: mxh_zoneset_new failed\n");
        bench_free_list(&in);
        return 2;
    }
    counts c = {0, 0};
    size_t failed = 0, zones = 0;
    double c0 = bench_cpu();
    double t0 = bench_now();
    for (size_t i = 0; i < in.n; i++) {
        mxh_load_opts opts;
        memset(&opts, 0, sizeof opts);
        opts.origin = in.v[i].origin;
        opts.format = MXH_FMT_BIND;
        mxh_status st = mxh_zoneset_parse_file(zs, in.v[i].path, &opts, on_record, &c);
        if (st == MXH_OK || st == MXH_ERR_PARSE)
            zones++;
        if (st != MXH_OK) {
            if (failed < 5)
                fprintf(stderr, "parse_stream: %s: %s: %s\n", in.v[i].path, mxh_strerror(st),
                        mxh_zoneset_errmsg(zs));
            failed++;
        }
    }
    double t1 = bench_now();
    size_t errors = 0;
    size_t ndiag = mxh_zoneset_diag_count(zs);
    for (size_t i = 0; i < ndiag; i++)
        if (mxh_diag_level_of(mxh_zoneset_diag(zs, i)) == MXH_DIAG_ERROR)
            errors++;
    if (failed > 5)
        fprintf(stderr, "parse_stream: ... %zu files did not parse cleanly\n", failed);
    bench_report("mxhazard-parse", zones, c.records, errors, t1 - t0, c0);
    mxh_zoneset_free(zs);
    bench_free_list(&in);
    return failed ? 1 : 0;
}

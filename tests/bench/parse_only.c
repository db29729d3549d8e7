/* SPDX-License-Identifier: MIT */
/*
 * parse_only.c — time libmxhazard's loader alone: read zone files into one
 * mxh_zoneset (parsing, canonical names, the name index; no rules), then
 * report zones, records, error diagnostics, seconds and peak RSS.
 *
 *   parse_only [-l zones.tsv] [FILE…]
 *
 * Built by tests/bench/run.sh against BUILD/libmxhazard.a. The time covers
 * loading only; freeing the zone set afterwards is not counted.
 * Exit: 0 all loaded cleanly, 1 some load diagnostics, 2 usage/setup error.
 */
#include "bench_util.h"
#include "mxhazard.h"

#include <sys/resource.h>

/* User and system CPU seconds so far (the load's split goes to stderr: system
 * time there is mostly the kernel faulting in the model's pages). */
static void cpu_split(double *user, double *sys)
{
    struct rusage ru;
    *user = *sys = 0;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    bench_list in = {0};
    if (bench_parse_args(&in, argc, argv, "parse_only [-l zones.tsv] [FILE...]") != 0)
        return 2;
    mxh_zoneset *zs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK) {
        fprintf(stderr, "parse_only: mxh_zoneset_new failed\n");
        bench_free_list(&in);
        return 2;
    }
    size_t failed = 0;
    double u0, s0, u1, s1;
    cpu_split(&u0, &s0);
    double c0 = bench_cpu();
    double t0 = bench_now();
    for (size_t i = 0; i < in.n; i++) {
        mxh_load_opts opts;
        memset(&opts, 0, sizeof opts);
        opts.origin = in.v[i].origin;
        opts.format = MXH_FMT_BIND;
        mxh_status st = mxh_zoneset_load_file(zs, in.v[i].path, &opts, NULL);
        if (st != MXH_OK) {
            if (failed < 5)
                fprintf(stderr, "parse_only: %s: %s: %s\n", in.v[i].path, mxh_strerror(st),
                        mxh_zoneset_errmsg(zs));
            failed++;
        }
    }
    double t1 = bench_now();
    cpu_split(&u1, &s1);
    fprintf(stderr, "parse_only: load cpu user=%.4f sys=%.4f\n", u1 - u0, s1 - s0);
    size_t errors = 0;
    size_t ndiag = mxh_zoneset_diag_count(zs);
    for (size_t i = 0; i < ndiag; i++)
        if (mxh_diag_level_of(mxh_zoneset_diag(zs, i)) == MXH_DIAG_ERROR)
            errors++;
    if (failed > 5)
        fprintf(stderr, "parse_only: ... %zu files did not load cleanly\n", failed);
    bench_report("mxhazard", mxh_zoneset_zone_count(zs), mxh_zoneset_record_count(zs), errors,
                 t1 - t0, c0);
    mxh_zoneset_free(zs);
    bench_free_list(&in);
    return failed ? 1 : 0;
}

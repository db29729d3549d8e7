/* SPDX-License-Identifier: MIT */
/*
 * parse_ldns.c — time ldns's zone reader alone (ldns_zone_new_frm_fp_l):
 * each file becomes an ldns_zone (an RR list in memory); zones are kept
 * until the end so memory is comparable with a loaded zone set.
 *
 *   parse_ldns [-l zones.tsv] [FILE…]
 *
 * ldns stops a file at its first syntax error; that file counts as an error.
 */
#include "bench_util.h"
#include <ldns/ldns.h>

int main(int argc, char **argv)
{
    bench_list in = {0};
    if (bench_parse_args(&in, argc, argv, "parse_ldns [-l zones.tsv] [FILE...]") != 0)
        return 2;
    ldns_zone **zones = calloc(in.n, sizeof *zones);
    if (zones == NULL)
        return 2;
    size_t records = 0, errors = 0, nzones = 0;
    double c0 = bench_cpu();
    double t0 = bench_now();
    for (size_t i = 0; i < in.n; i++) {
        FILE *f = fopen(in.v[i].path, "r");
        if (f == NULL) {
            fprintf(stderr, "parse_ldns: %s: %s\n", in.v[i].path, strerror(errno));
            errors++;
            continue;
        }
        ldns_rdf *origin = NULL;
        if (in.v[i].origin != NULL)
            origin = ldns_dname_new_frm_str(in.v[i].origin);
        int line = 0;
        ldns_zone *z = NULL;
        ldns_status st = ldns_zone_new_frm_fp_l(&z, f, origin, 3600, LDNS_RR_CLASS_IN, &line);
        fclose(f);
        ldns_rdf_deep_free(origin);
        if (st != LDNS_STATUS_OK) {
            if (errors < 5)
                fprintf(stderr, "parse_ldns: %s:%d: %s\n", in.v[i].path, line,
                        ldns_get_errorstr_by_id(st));
            errors++;
            continue;
        }
        records += ldns_rr_list_rr_count(ldns_zone_rrs(z)) + (ldns_zone_soa(z) ? 1 : 0);
        zones[nzones++] = z;
    }
    double t1 = bench_now();
    bench_report("ldns", nzones, records, errors, t1 - t0, c0);
    for (size_t i = 0; i < nzones; i++)
        ldns_zone_deep_free(zones[i]);
    free(zones);
    bench_free_list(&in);
    return errors ? 1 : 0;
}

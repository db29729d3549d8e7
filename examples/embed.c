/* embed.c — load a zone from a string, run the built-in rules, print the findings.
 * Build: cc embed.c $(pkg-config --cflags --libs mxhazard) -o embed */
#include <mxhazard.h>
#include <stdio.h>
#include <string.h>

static const char zone[] =
    "$ORIGIN example.com.\n"
    "$TTL 3600\n"
    "@     IN SOA ns1 hostmaster 1 3600 900 604800 3600\n"
    "@     IN NS  ns1\n"
    "ns1   IN A   192.0.2.53\n"
    "@     IN A   192.0.2.80\n"
    "@     IN MX  10 s1.xrea.com\n"; /* the final dot is missing */

static int print_finding(const mxh_finding *f, void *ud)
{
    (void)ud;
    printf("%s:%lu: %s [%s] %s: %s\n", mxh_finding_file(f), mxh_finding_line(f),
           mxh_severity_name(mxh_finding_severity(f)), mxh_finding_rule(f),
           mxh_finding_owner(f), mxh_finding_message(f));
    return 0; /* go on */
}

int main(void)
{
    mxh_zoneset *zs = NULL;
    mxh_engine *e = NULL;
    mxh_status st = mxh_zoneset_new(&zs);
    if (st == MXH_OK)
        st = mxh_zoneset_load_buffer(zs, "db:example.com", zone, strlen(zone), NULL, NULL);
    if (st == MXH_OK)
        st = mxh_engine_new(NULL, &e);
    if (st == MXH_OK)
        st = mxh_engine_scan(e, zs, print_finding, NULL);
    if (st != MXH_OK)
        fprintf(stderr, "embed: %s: %s\n", mxh_strerror(st),
                e ? mxh_engine_errmsg(e) : zs ? mxh_zoneset_errmsg(zs) : "");
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
    return st == MXH_OK ? 0 : 1;
}

/* contract.c — the promises docs/api.md makes to embedders, checked through
 * the public header only: every _free() takes NULL, constructors refuse a NULL
 * out-pointer, every status has a text, the version agrees, caller buffers
 * are copied (freed and scribbled over right after loading), one zone set is
 * shared read-only by engines in several threads.
 * Prints "contract: N passed, M failed". */
#include <mxhazard.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int npass, nfail;
#define CHECK(cond)                                                             \
    do {                                                                        \
        if (cond)                                                               \
            npass++;                                                            \
        else {                                                                  \
            nfail++;                                                            \
            fprintf(stderr, "FAIL: contract:%d: %s\n", __LINE__, #cond);        \
        }                                                                       \
    } while (0)

static const char zone[] =
    "$ORIGIN shop.example.\n"
    "$TTL 3600\n"
    "@ IN SOA ns1.example-dns.net. hostmaster 1 3600 900 604800 3600\n"
    "@ IN NS ns1.example-dns.net.\n"
    "@ IN A 192.0.2.80\n"
    "@ IN MX 10 shop.example.\n"
    "@ IN MX 20 backup.example-mail.net\n";

typedef struct job {
    const mxh_zoneset *zs;
    size_t findings;
    mxh_status st;
} job;

/* parse: every record to the callback, nothing kept; the owner comes canonical */
typedef struct seen {
    int records, mx;
    char last_owner[64];
} seen;

static int on_record(const mxh_rr *rr, void *ud)
{
    seen *s = ud;
    s->records++;
    if (mxh_rr_type(rr) == MXH_TYPE_MX)
        s->mx++;
    snprintf(s->last_owner, sizeof s->last_owner, "%s", mxh_rr_owner(rr));
    return 0;
}

static void *worker(void *arg)
{
    job *j = arg;
    mxh_engine *e = NULL;
    mxh_findinglist *l = NULL;
    j->st = mxh_engine_new(NULL, &e);
    if (j->st == MXH_OK)
        j->st = mxh_findinglist_new(&l);
    for (int round = 0; j->st == MXH_OK && round < 20; round++) {
        mxh_findinglist_clear(l);
        j->st = mxh_engine_scan_collect(e, j->zs, NULL, l);
        mxh_route *r = NULL;
        if (j->st == MXH_OK)
            j->st = mxh_mail_route(j->zs, "shop.example", &r);
        mxh_route_free(r);
    }
    j->findings = mxh_findinglist_count(l);
    mxh_findinglist_free(l);
    mxh_engine_free(e);
    return NULL;
}

int main(void)
{
    /* every _free() accepts NULL */
    mxh_zoneset_free(NULL);
    mxh_lookup_free(NULL);
    mxh_route_free(NULL);
    mxh_engine_free(NULL);
    mxh_changeset_free(NULL);
    mxh_cdn_ranges_free(NULL);
    mxh_whatif_free(NULL);
    mxh_findinglist_free(NULL);
    npass++;

    /* constructors refuse a NULL out-pointer */
    CHECK(mxh_zoneset_new(NULL) == MXH_ERR_ARG);
    CHECK(mxh_engine_new(NULL, NULL) == MXH_ERR_ARG);
    CHECK(mxh_changeset_new(NULL) == MXH_ERR_ARG);
    CHECK(mxh_cdn_ranges_new(NULL) == MXH_ERR_ARG);
    CHECK(mxh_findinglist_new(NULL) == MXH_ERR_ARG);

    /* status texts and version */
    for (int s = MXH_OK; s <= MXH_ERR_FORMAT; s++) {
        const char *t = mxh_strerror((mxh_status)s);
        CHECK(t != NULL && t[0] != '\0');
    }
    CHECK(mxh_strerror((mxh_status)9999) != NULL);
    CHECK(strcmp(mxh_version(), MXH_VERSION_STRING) == 0);

    /* the library copies caller buffers: free and scribble right after */
    mxh_zoneset *zs = NULL;
    CHECK(mxh_zoneset_new(&zs) == MXH_OK);
    char *buf = malloc(sizeof zone);
    char *name = malloc(32);
    if (buf == NULL || name == NULL)
        return 1;
    memcpy(buf, zone, sizeof zone);
    snprintf(name, 32, "db:customer-42");
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    char *origin = malloc(32);
    if (origin == NULL)
        return 1;
    snprintf(origin, 32, "shop.example.");
    o.origin = origin;
    mxh_zone *z = NULL;
    CHECK(mxh_zoneset_load_buffer(zs, name, buf, sizeof zone - 1, &o, &z) == MXH_OK);
    memset(buf, 'x', sizeof zone - 1);
    memset(name, 'y', 31);
    memset(origin, 'z', 31);
    free(buf);
    free(name);
    free(origin);
    CHECK(z != NULL && strcmp(mxh_zone_origin(z), "shop.example.") == 0);
    CHECK(z != NULL && strcmp(mxh_zone_file(z), "db:customer-42") == 0);
    CHECK(mxh_zone_record_count(z) == 5);

    /* errors come with a detailed message naming the input */
    mxh_zone *bad = NULL;
    const char broken[] = "$ORIGIN b.example.\n@ 3600 IN MX 10 mail\nmail 3600 IN A 300.1.1.1\n";
    CHECK(mxh_zoneset_load_buffer(zs, "db:broken", broken, sizeof broken - 1, NULL, &bad) == MXH_ERR_PARSE);
    CHECK(bad != NULL && mxh_zone_incomplete(bad));
    CHECK(strstr(mxh_zoneset_errmsg(zs), "db:broken:3") != NULL);
    CHECK(mxh_zoneset_load_file(zs, "/nonexistent/x.zone", NULL, NULL) == MXH_ERR_IO);
    CHECK(strstr(mxh_zoneset_errmsg(zs), "/nonexistent/x.zone") != NULL);

    /* the same zone parsed, not loaded: records seen, none kept */
    mxh_zoneset *pz = NULL;
    CHECK(mxh_zoneset_new(&pz) == MXH_OK);
    seen sn;
    memset(&sn, 0, sizeof sn);
    mxh_load_opts po;
    memset(&po, 0, sizeof po);
    po.origin = "shop.example";
    CHECK(mxh_zoneset_parse_buffer(pz, "db:customer-42", zone, sizeof zone - 1, &po, on_record,
                                   &sn) == MXH_OK);
    CHECK(sn.records == 5 && sn.mx >= 1);
    CHECK(sn.last_owner[0] != '\0' && sn.last_owner[strlen(sn.last_owner) - 1] == '.');
    CHECK(mxh_zoneset_zone_count(pz) == 0 && mxh_zoneset_record_count(pz) == 0);
    CHECK(mxh_zoneset_parse_buffer(pz, "db:customer-42", zone, sizeof zone - 1, &po, NULL,
                                   NULL) == MXH_ERR_ARG);
    mxh_zoneset_free(pz);

    /* one zone set, read-only, shared by engines in four threads */
    enum { NT = 4 };
    pthread_t th[NT];
    job jobs[NT];
    for (int i = 0; i < NT; i++) {
        jobs[i].zs = zs;
        jobs[i].findings = 0;
        jobs[i].st = MXH_ERR_ARG;
        CHECK(pthread_create(&th[i], NULL, worker, &jobs[i]) == 0);
    }
    for (int i = 0; i < NT; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < NT; i++) {
        CHECK(jobs[i].st == MXH_OK);
        CHECK(jobs[i].findings > 0 && jobs[i].findings == jobs[0].findings);
    }
    mxh_zoneset_free(zs);

    printf("contract: %d passed, %d failed\n", npass, nfail);
    return nfail ? 1 : 0;
}

/* findinglist.c — the finding-list API through the public header only:
 * copies outlive the callback, the engine and the zone set; bad indexes and
 * NULL lists are answered, not crashed on. Prints "findinglist: N passed, M failed". */
#include <mxhazard.h>

#include <stdio.h>
#include <string.h>

static int npass, nfail;
#define CHECK(cond)                                                             \
    do {                                                                        \
        if (cond)                                                               \
            npass++;                                                            \
        else {                                                                  \
            nfail++;                                                            \
            fprintf(stderr, "FAIL: findinglist:%d: %s\n", __LINE__, #cond);     \
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

static const char zone2[] =
    "$ORIGIN other.example.\n"
    "@ 3600 IN MX 10 192.0.2.25\n";

static int stop_after_one(const mxh_finding *f, void *ud)
{
    return mxh_findings_collect(f, ud) || 1;
}

int main(void)
{
    mxh_findinglist *l = NULL;
    /* NULL handling */
    CHECK(mxh_findinglist_new(NULL) == MXH_ERR_ARG);
    mxh_findinglist_free(NULL);
    mxh_findinglist_clear(NULL);
    CHECK(mxh_findinglist_count(NULL) == 0);
    CHECK(mxh_findinglist_rule(NULL, 0) == NULL);
    CHECK(mxh_findinglist_status(NULL) == MXH_ERR_ARG);
    CHECK(mxh_findinglist_add(NULL, NULL) == MXH_ERR_ARG);
    CHECK(mxh_findings_collect(NULL, NULL) == 1);

    CHECK(mxh_findinglist_new(&l) == MXH_OK && l != NULL);
    CHECK(mxh_findinglist_count(l) == 0 && mxh_findinglist_status(l) == MXH_OK);
    CHECK(mxh_findinglist_owner(l, 0) == NULL && mxh_findinglist_line(l, 0) == 0);

    mxh_zoneset *zs = NULL;
    mxh_engine *e = NULL;
    mxh_zone *z2 = NULL;
    CHECK(mxh_zoneset_new(&zs) == MXH_OK);
    CHECK(mxh_zoneset_load_buffer(zs, "db:shop", zone, strlen(zone), NULL, NULL) == MXH_OK);
    CHECK(mxh_zoneset_load_buffer(zs, "db:other", zone2, strlen(zone2), NULL, &z2) == MXH_OK);
    CHECK(mxh_engine_new(NULL, &e) == MXH_OK);
    CHECK(mxh_engine_select(e, "mx-relative-name,apex-a-mx-collision,mx-as-ip", NULL) == MXH_OK);
    CHECK(mxh_engine_scan_collect(NULL, zs, NULL, l) == MXH_ERR_ARG);
    CHECK(mxh_engine_scan_collect(e, zs, NULL, NULL) == MXH_ERR_ARG);

    CHECK(mxh_engine_scan_collect(e, zs, NULL, l) == MXH_OK);
    size_t n = mxh_findinglist_count(l);
    CHECK(n == 3);
    /* one zone only, appended */
    CHECK(mxh_engine_scan_collect(e, zs, z2, l) == MXH_OK);
    CHECK(mxh_findinglist_count(l) == n + 1);
    /* the plain callback form, stopped after the first finding */
    mxh_findinglist *l2 = NULL;
    CHECK(mxh_findinglist_new(&l2) == MXH_OK);
    CHECK(mxh_engine_scan(e, zs, stop_after_one, l2) == MXH_OK);
    CHECK(mxh_findinglist_count(l2) == 1);
    mxh_findinglist_free(l2);

    /* the copies must outlive everything they came from */
    mxh_engine_free(e);
    mxh_zoneset_free(zs);

    size_t rel = (size_t)-1, apex = (size_t)-1, ip = (size_t)-1;
    for (size_t i = 0; i < mxh_findinglist_count(l); i++) {
        const char *r = mxh_findinglist_rule(l, i);
        if (strcmp(r, "mx-relative-name") == 0)
            rel = i;
        else if (strcmp(r, "apex-a-mx-collision") == 0)
            apex = i;
        else if (strcmp(r, "mx-as-ip") == 0)
            ip = i;
    }
    CHECK(rel != (size_t)-1 && apex != (size_t)-1 && ip != (size_t)-1);
    if (rel != (size_t)-1) {
        CHECK(mxh_findinglist_kind(l, rel) == MXH_FINDING);
        CHECK(mxh_findinglist_severity(l, rel) == MXH_SEV_ERROR);
        CHECK(strcmp(mxh_findinglist_zone(l, rel), "shop.example.") == 0);
        CHECK(strcmp(mxh_findinglist_owner(l, rel), "shop.example.") == 0);
        CHECK(strcmp(mxh_findinglist_file(l, rel), "db:shop") == 0);
        CHECK(mxh_findinglist_line(l, rel) == 7);
        CHECK(strstr(mxh_findinglist_message(l, rel), "backup.example-mail.net") != NULL);
        CHECK(mxh_findinglist_fix(l, rel)[0] != '\0');
        size_t ne = mxh_findinglist_evidence_count(l, rel);
        CHECK(ne >= 1);
        CHECK(strcmp(mxh_findinglist_evidence_file(l, rel, 0), "db:shop") == 0);
        CHECK(mxh_findinglist_evidence_line(l, rel, 0) == 7);
        CHECK(strstr(mxh_findinglist_evidence_text(l, rel, 0), "MX 20") != NULL);
        CHECK(mxh_findinglist_evidence_text(l, rel, ne) == NULL);
        CHECK(mxh_findinglist_evidence_line(l, rel, ne) == 0);
    }
    if (apex != (size_t)-1) {
        CHECK(mxh_findinglist_severity(l, apex) == MXH_SEV_WARNING);
        CHECK(mxh_findinglist_evidence_count(l, apex) == 2);
    }
    if (ip != (size_t)-1)
        CHECK(strcmp(mxh_findinglist_zone(l, ip), "other.example.") == 0);
    CHECK(mxh_findinglist_count_severity(l, MXH_SEV_ERROR) == 3); /* mx-as-ip twice: whole set, then its zone */
    CHECK(mxh_findinglist_count_severity(l, MXH_SEV_WARNING) == 1);
    CHECK(mxh_findinglist_count_severity(l, MXH_SEV_INFO) == 0);
    size_t end = mxh_findinglist_count(l);
    CHECK(mxh_findinglist_rule(l, end) == NULL && mxh_findinglist_message(l, end) == NULL);
    CHECK(mxh_findinglist_evidence_count(l, end) == 0);
    CHECK(mxh_findinglist_status(l) == MXH_OK);

    mxh_findinglist_clear(l);
    CHECK(mxh_findinglist_count(l) == 0 && mxh_findinglist_rule(l, 0) == NULL);
    mxh_findinglist_free(l);

    printf("findinglist: %d passed, %d failed\n", npass, nfail);
    return nfail ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * mxh_zoneset_parse_file / _buffer: records handed to a callback, nothing
 * kept. Against loading: every fixture, example, seed and corpus file gives
 * the same status, the same records (every field a record has, in file
 * order) and the same diagnostics whether loaded or parsed. Then what is
 * particular to a parse: nothing kept, stopping, out-of-zone data, loading
 * from inside the callback, refusals.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mxh_internal.h" /* the arena's size */
#include "mxhazard.h"

/* ---- a record or a diagnostic as one line of text, every field in it */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void push(lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        ck_assert_ptr_nonnull(l->v);
    }
    l->v[l->n] = strdup(s);
    ck_assert_ptr_nonnull(l->v[l->n]);
    l->n++;
}

static void clear(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void rr_line(const mxh_rr *rr, char *out, size_t outsz)
{
    char f[4096];
    mxh_rr_format(rr, f, sizeof f);
    const char *t = mxh_rr_target(rr);
    snprintf(out, outsz, "%s|%s|%u|%u|%lu|%s|%s|%s|%u|%d|%s:%lu|%s|%s", f, mxh_rr_owner(rr),
             (unsigned)mxh_rr_type(rr), (unsigned)mxh_rr_class(rr),
             (unsigned long)mxh_rr_ttl(rr), mxh_rr_rdata(rr), mxh_rr_rdata_text(rr),
             t ? t : "-", mxh_rr_preference(rr), mxh_rr_target_relative(rr), mxh_rr_file(rr),
             mxh_rr_line(rr), mxh_rr_owner_text(rr), mxh_zone_origin(mxh_rr_zone(rr)));
}

static void diag_lines(const mxh_zoneset *zs, lines *l)
{
    char b[2048];
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        snprintf(b, sizeof b, "diag %d %s:%lu %s", (int)mxh_diag_level_of(d), mxh_diag_file(d),
                 mxh_diag_line(d), mxh_diag_message(d));
        push(l, b);
    }
}

static int collect(const mxh_rr *rr, void *ud)
{
    char b[8192];
    rr_line(rr, b, sizeof b);
    push(ud, b);
    return 0;
}

/* ---- the differential walk */

typedef struct walk {
    size_t files, records, diags;
} walk;

static void compare_file(const char *path, walk *w)
{
    mxh_zoneset *a, *b;
    ck_assert_int_eq(mxh_zoneset_new(&a), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_new(&b), MXH_OK);
    lines la = {0}, lb = {0};
    char buf[8192];

    mxh_zone *z = NULL;
    mxh_status sa = mxh_zoneset_load_file(a, path, NULL, &z);
    if (z)
        for (size_t i = 0; i < mxh_zone_record_count(z); i++) {
            rr_line(mxh_zone_record(z, i), buf, sizeof buf);
            push(&la, buf);
        }
    diag_lines(a, &la);

    mxh_status sb = mxh_zoneset_parse_file(b, path, NULL, collect, &lb);
    diag_lines(b, &lb);

    ck_assert_msg(sa == sb, "%s: load says %s, parse says %s", path, mxh_strerror(sa),
                  mxh_strerror(sb));
    ck_assert_uint_eq(mxh_zoneset_zone_count(b), 0);
    ck_assert_uint_eq(mxh_zoneset_record_count(b), 0);
    for (size_t i = 0; i < mxh_zoneset_diag_count(b); i++)
        ck_assert_ptr_null(mxh_diag_zone(mxh_zoneset_diag(b, i)));
    size_t n = la.n < lb.n ? la.n : lb.n;
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strcmp(la.v[i], lb.v[i]) == 0, "%s, item %zu:\n load:  %s\n parse: %s",
                      path, i, la.v[i], lb.v[i]);
    ck_assert_msg(la.n == lb.n, "%s: load gives %zu items, parse %zu", path, la.n, lb.n);
    w->files++;
    w->records += z ? mxh_zone_record_count(z) : 0;
    w->diags += mxh_zoneset_diag_count(a);
    clear(&la);
    clear(&lb);
    mxh_zoneset_free(a);
    mxh_zoneset_free(b);
}

static int has_suffix(const char *s, const char *x)
{
    size_t ls = strlen(s), lx = strlen(x);
    return ls >= lx && strcmp(s + ls - lx, x) == 0;
}

static void walk_dir(const char *dir, walk *w)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk_dir(p, w);
        else if (S_ISREG(st.st_mode) && !has_suffix(de->d_name, ".lua") &&
                 !has_suffix(de->d_name, ".c") && !has_suffix(de->d_name, ".h"))
            compare_file(p, w);
    }
    closedir(d);
}

START_TEST(test_parse_same_as_load)
{
    walk w = {0, 0, 0};
    static const char *const dirs[] = {"tests/zones", "tests/rules", "tests/seeds",
                                       "tests/whatif", "examples", "../shared/corpus"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        walk_dir(dirs[i], &w);
    /* the walk saw something: fixtures with records and with diagnostics */
    ck_assert_uint_gt(w.files, 100);
    ck_assert_uint_gt(w.records, 1000);
    ck_assert_uint_gt(w.diags, 50);
}
END_TEST

/* ---- a parse keeps nothing, and says where */

static const char ZONE[] =
    "$ORIGIN example.com.\n"
    "$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ IN NS ns1\n"
    "@ IN MX 10 Mail\n"               /* line 5 */
    "mail IN A 192.0.2.1\n"
    "www.other.org. IN A 192.0.2.2\n" /* line 7: outside the zone */
    "bad IN A 300.1.1.1\n"            /* line 8: rejected */
    "* IN TXT \"v=spf1 -all\"\n"
    "sub IN NS ns.sub\n"              /* a delegation: a parse does not mark it */
    "ns.sub IN A 192.0.2.3\n";

START_TEST(test_parse_keeps_nothing)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    lines got = {0};
    ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, "db:example", ZONE, strlen(ZONE), NULL, collect,
                                              &got),
                     MXH_ERR_PARSE);
    ck_assert_uint_eq(got.n, 7);
    ck_assert_ptr_nonnull(strstr(got.v[2], "example.com.|15|1|300|10 mail.example.com.|10 Mail|"
                                           "mail.example.com.|10|1|db:example:5"));
    ck_assert_ptr_nonnull(strstr(got.v[4], "|*.example.com.|16|"));
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), 0);
    ck_assert_uint_eq(mxh_zoneset_record_count(zs), 0);
    ck_assert_ptr_null(mxh_zoneset_find_zone(zs, "example.com."));
    /* out-of-zone: a warning; bad address: an error; both at their lines */
    int warned = 0, errored = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        ck_assert_str_eq(mxh_diag_file(d), "db:example");
        if (mxh_diag_line(d) == 7 && mxh_diag_level_of(d) == MXH_DIAG_WARNING)
            warned++;
        if (mxh_diag_line(d) == 8 && mxh_diag_level_of(d) == MXH_DIAG_ERROR)
            errored++;
    }
    ck_assert_int_eq(warned, 1);
    ck_assert_int_eq(errored, 1);
    clear(&got);
    /* the same set then loads the zone for real, with no warning of a copy */
    size_t nd = mxh_zoneset_diag_count(zs);
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "db:example", ZONE, strlen(ZONE), NULL, &z),
                     MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_zone_record_count(z), 7);
    ck_assert_int_eq(mxh_zone_shadowed(z), 0);
    for (size_t i = nd; i < mxh_zoneset_diag_count(zs); i++)
        ck_assert_ptr_eq(mxh_diag_zone(mxh_zoneset_diag(zs, i)), z);
    mxh_zoneset_free(zs);
}
END_TEST

/* A zone set that parses file after file does not grow: the zones a parse
 * makes end with it (they were taken from the arena, a zone and its sink
 * per parse, until the set was freed). */
static int count_rr(const mxh_rr *rr, void *ud)
{
    (void)rr;
    ++*(size_t *)ud;
    return 0;
}

START_TEST(test_parse_again_same_memory)
{
    static const char CLEAN[] = "$ORIGIN again.example.\n$TTL 300\n"
                                "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                                "@ IN NS ns1\n@ IN MX 10 mail\nmail IN A 192.0.2.1\n";
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    size_t n = 0;
    ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, "again", CLEAN, strlen(CLEAN), NULL, count_rr,
                                              &n),
                     MXH_OK);
    size_t total = zs->arena.total;
    for (int i = 0; i < 500; i++)
        ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, "again", CLEAN, strlen(CLEAN), NULL,
                                                  count_rr, &n),
                         MXH_OK);
    ck_assert_uint_eq(n, 501 * 4);
    ck_assert_uint_eq(zs->arena.total, total);
    ck_assert_ptr_null(zs->sunk);
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), 0);
    mxh_zoneset_free(zs);
}
END_TEST

typedef struct stopper {
    int seen, stop_at;
} stopper;

static int stop_after(const mxh_rr *rr, void *ud)
{
    (void)rr;
    stopper *s = ud;
    return ++s->seen == s->stop_at;
}

START_TEST(test_parse_stops)
{
    /* master file, panel and table alike stop at the record that says so */
    static const struct {
        const char *name, *text;
        mxh_format fmt;
    } in[] = {
        {"db:m", ZONE, MXH_FMT_BIND},
        {"example.jp.txt", "a @ 192.0.2.1\nmx @ mail 10\na mail 192.0.2.2\na www 192.0.2.3\n",
         MXH_FMT_VALUEDOMAIN},
        {"example.jp.csv", "example.jp.,A,192.0.2.1\nexample.jp.,MX,10 mail.example.jp.\n"
                           "mail.example.jp.,A,192.0.2.2\nwww.example.jp.,A,192.0.2.3\n",
         MXH_FMT_TABLE},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        mxh_zoneset *zs;
        ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        mxh_load_opts o;
        memset(&o, 0, sizeof o);
        o.format = in[i].fmt;
        o.origin = i ? "example.jp" : NULL;
        stopper s = {0, 0};
        ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, in[i].name, in[i].text,
                                                  strlen(in[i].text), &o, stop_after, &s),
                         i ? MXH_OK : MXH_ERR_PARSE);
        int all = s.seen;
        ck_assert_int_ge(all, 4);
        s.seen = 0;
        s.stop_at = 2;
        ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, in[i].name, in[i].text,
                                                  strlen(in[i].text), &o, stop_after, &s),
                         MXH_OK);
        ck_assert_msg(s.seen == 2, "%s: %d records after asking to stop at 2", in[i].name,
                      s.seen);
        mxh_zoneset_free(zs);
    }
}
END_TEST

/* A callback may load into the zone set it parses into: that load keeps its zone. */
typedef struct nested {
    mxh_zoneset *zs;
    int records, loaded;
} nested;

static int load_inside(const mxh_rr *rr, void *ud)
{
    nested *n = ud;
    n->records++;
    if (mxh_rr_type(rr) == MXH_TYPE_MX && !n->loaded) {
        static const char inner[] = "$ORIGIN mail.example.net.\n$TTL 60\n@ A 192.0.2.9\n";
        mxh_zone *z = NULL;
        ck_assert_int_eq(mxh_zoneset_load_buffer(n->zs, "db:inner", inner, strlen(inner), NULL,
                                                 &z),
                         MXH_OK);
        ck_assert_uint_eq(mxh_zone_record_count(z), 1);
        n->loaded = 1;
    }
    return 0;
}

START_TEST(test_parse_nested_load)
{
    nested n = {NULL, 0, 0};
    ck_assert_int_eq(mxh_zoneset_new(&n.zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_parse_buffer(n.zs, "db:example", ZONE, strlen(ZONE), NULL,
                                              load_inside, &n),
                     MXH_ERR_PARSE);
    ck_assert_int_eq(n.records, 7);
    ck_assert_int_eq(n.loaded, 1);
    ck_assert_uint_eq(mxh_zoneset_zone_count(n.zs), 1);
    ck_assert_str_eq(mxh_zone_origin(mxh_zoneset_zone(n.zs, 0)), "mail.example.net.");
    ck_assert_uint_eq(mxh_zoneset_record_count(n.zs), 1);
    mxh_zoneset_free(n.zs);
}
END_TEST

/* ...and parse into it too: each parse sees only its own records. */
typedef struct inner_parse {
    mxh_zoneset *zs;
    int outer, inner, done;
} inner_parse;

static int count_inner(const mxh_rr *rr, void *ud)
{
    inner_parse *n = ud;
    ck_assert_str_eq(mxh_zone_origin(mxh_rr_zone(rr)), "mail.example.net.");
    n->inner++;
    return 0;
}

static int parse_inside(const mxh_rr *rr, void *ud)
{
    inner_parse *n = ud;
    ck_assert_str_eq(mxh_zone_origin(mxh_rr_zone(rr)), "example.com.");
    n->outer++;
    if (!n->done) {
        n->done = 1;
        static const char inner[] = "$ORIGIN mail.example.net.\n$TTL 60\n@ A 192.0.2.9\n"
                                    "@ AAAA 2001:db8::9\n";
        ck_assert_int_eq(mxh_zoneset_parse_buffer(n->zs, "db:inner", inner, strlen(inner), NULL,
                                                  count_inner, n),
                         MXH_OK);
        /* the outer record is still the one being shown */
        ck_assert_str_eq(mxh_rr_owner(rr), "example.com.");
    }
    return 0;
}

START_TEST(test_parse_nested_parse)
{
    inner_parse n = {NULL, 0, 0, 0};
    ck_assert_int_eq(mxh_zoneset_new(&n.zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_parse_buffer(n.zs, "db:example", ZONE, strlen(ZONE), NULL,
                                              parse_inside, &n),
                     MXH_ERR_PARSE);
    ck_assert_int_eq(n.outer, 7);
    ck_assert_int_eq(n.inner, 2);
    ck_assert_uint_eq(mxh_zoneset_zone_count(n.zs), 0);
    mxh_zoneset_free(n.zs);
}
END_TEST

START_TEST(test_parse_refuses)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    lines got = {0};
    ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, "x", "", 0, NULL, NULL, NULL), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_zoneset_parse_file(zs, "x", NULL, NULL, NULL), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_zoneset_parse_file(NULL, "x", NULL, collect, &got), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_zoneset_parse_file(zs, "tests/zones/no-such-file.zone", NULL, collect,
                                            &got),
                     MXH_ERR_IO);
    ck_assert_int_eq(mxh_zoneset_parse_buffer(zs, "bin.zone", "\x01\x02\x00\x03", 4, NULL,
                                              collect, &got),
                     MXH_ERR_FORMAT);
    ck_assert_uint_eq(got.n, 0);
    ck_assert_uint_eq(mxh_zoneset_diag_count(zs), 2);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *parse_suite(void);
Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("parse");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_parse_same_as_load);
    tcase_add_test(tc, test_parse_keeps_nothing);
    tcase_add_test(tc, test_parse_stops);
    tcase_add_test(tc, test_parse_nested_load);
    tcase_add_test(tc, test_parse_nested_parse);
    tcase_add_test(tc, test_parse_refuses);
    tcase_add_test(tc, test_parse_again_same_memory);
    suite_add_tcase(s, tc);
    return s;
}

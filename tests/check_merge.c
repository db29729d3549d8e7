/* SPDX-License-Identifier: MIT */
/* Joining zone sets (mxh_zoneset_merge) must give the zone set that loading
 * the same inputs into one set would have made: same zones in the same order,
 * same records with the same files and lines, same diagnostics in the same
 * order (the "already loaded" warning recomputed), same lookups. Also: zones
 * nested either way round, and more files than 16 bits can count. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxh_internal.h"

typedef struct input {
    const char *name;
    const char *text;
} input;

/* Nested zones both ways, duplicate origins (inside one part and across
 * parts), a zone with errors before and after its SOA, a zone with an
 * out-of-zone record (a warning), and a file that is not a zone. */
static const input inputs[] = {
    {"sub.example.com.zone",
     "$ORIGIN sub.example.com.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns.example.net.\n"
     "host A 192.0.2.7\n"},
    {"example.com.zone",
     "$ORIGIN example.com.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns.example.net.\n"
     "@ MX 10 host.sub\nsub NS ns.example.net.\nwww A 192.0.2.1\n"},
    {"example.org.zone",
     "$TTL 300\nexample.org. SOA ns.example.org. hm.example.org. 1 2 3 4 5\n"
     "example.org. MX 10 mail.example.org.\nmail A 999.1.1.1\nmail A 192.0.2.9\n"
     "other.example. A 192.0.2.10\n"},
    {"copy/example.com.zone",
     "$ORIGIN example.com.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 mx.example.org.\n"},
    {"inner.sub.example.com.zone",
     "$ORIGIN inner.sub.example.com.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ MX 0 .\n"},
    {"notes.txt", "this is not\na zone file at all\n"},
    {"again/example.org.zone",
     "$TTL 300\nbad line here\nexample.org. SOA ns.example.org. hm.example.org. 1 2 3 4 5\n"
     "example.org. A 192.0.2.99\n"},
    {"example.net.zone",
     "$ORIGIN example.net.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 www.example.com.\n"},
};
#define NINPUTS (sizeof inputs / sizeof inputs[0])

static void load_range(mxh_zoneset *zs, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        mxh_zoneset_load_buffer(zs, inputs[i].name, inputs[i].text, strlen(inputs[i].text), NULL,
                                NULL);
}

/* A text picture of everything a caller can see of a zone set. */
static char *describe(const mxh_zoneset *zs)
{
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    out[0] = '\0';
#define PUT(...)                                                                  \
    do {                                                                          \
        int w_ = snprintf(out + n, cap - n, __VA_ARGS__);                         \
        ck_assert_int_ge(w_, 0);                                                  \
        ck_assert_uint_lt(n + (size_t)w_, cap);                                   \
        n += (size_t)w_;                                                          \
    } while (0)
    PUT("records %zu\n", mxh_zoneset_record_count(zs));
    for (size_t i = 0; i < mxh_zoneset_zone_count(zs); i++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, i);
        PUT("zone %s file=%s n=%zu rejected=%zu shadowed=%d inner=%d\n", mxh_zone_origin(z),
            mxh_zone_file(z), mxh_zone_record_count(z), mxh_zone_rejected_count(z),
            mxh_zone_shadowed(z), (int)z->first->has_inner_zones);
        for (size_t k = 0; k < mxh_zone_record_count(z); k++) {
            const mxh_rr *rr = mxh_zone_record(z, k);
            char buf[512];
            mxh_rr_format(rr, buf, sizeof buf);
            PUT("  %s  [%s:%lu]\n", buf, mxh_rr_file(rr), mxh_rr_line(rr));
        }
    }
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        const mxh_zone *z = mxh_diag_zone(d);
        PUT("diag %d %s:%lu [%s] %s\n", (int)mxh_diag_level_of(d), mxh_diag_file(d),
            mxh_diag_line(d), z ? mxh_zone_origin(z) : "-", mxh_diag_message(d));
    }
    static const char *names[] = {"host.sub.example.com.", "www.example.com.",
                                  "mail.example.org.", "x.inner.sub.example.com.",
                                  "example.net."};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        mxh_lookup *lk = NULL;
        ck_assert_int_eq(mxh_lookup_name(zs, names[i], MXH_TYPE_A, &lk), MXH_OK);
        PUT("lookup %s: %s", names[i], mxh_lookup_status_name(mxh_lookup_status_of(lk)));
        for (size_t k = 0; k < mxh_lookup_answer_count(lk); k++) {
            const mxh_rr *rr = mxh_lookup_answer(lk, k);
            PUT(" %s@%s:%lu", mxh_rr_rdata(rr), mxh_rr_file(rr), mxh_rr_line(rr));
        }
        PUT("\n");
        mxh_lookup_free(lk);
    }
    static const char *domains[] = {"example.com.", "example.org.", "example.net."};
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
        mxh_route *r = NULL;
        ck_assert_int_eq(mxh_mail_route(zs, domains[i], &r), MXH_OK);
        PUT("route %s %s", domains[i], mxh_route_kind_name(mxh_route_kind_of(r)));
        for (size_t k = 0; k < mxh_route_exchange_count(r); k++) {
            const mxh_exchange *x = mxh_route_exchange(r, k);
            PUT(" %s=%s", mxh_exchange_name(x),
                mxh_exchange_status_name(mxh_exchange_status_of(x)));
        }
        PUT("\n");
        mxh_route_free(r);
    }
#undef PUT
    return out;
}

/* Load inputs[0..NINPUTS) split at the given cut points into separate zone
 * sets and merge them, left to right, into the first. */
static char *merged(const size_t *cuts, size_t ncuts)
{
    mxh_zoneset *dst;
    ck_assert_int_eq(mxh_zoneset_new(&dst), MXH_OK);
    size_t from = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t to = c < ncuts ? cuts[c] : NINPUTS;
        if (c == 0) {
            load_range(dst, from, to);
        } else {
            mxh_zoneset *part;
            ck_assert_int_eq(mxh_zoneset_new(&part), MXH_OK);
            load_range(part, from, to);
            ck_assert_int_eq(mxh_zoneset_merge(dst, part), MXH_OK);
        }
        from = to;
    }
    char *d = describe(dst);
    mxh_zoneset_free(dst);
    return d;
}

START_TEST(test_merge_same_as_loading)
{
    mxh_zoneset *one;
    ck_assert_int_eq(mxh_zoneset_new(&one), MXH_OK);
    load_range(one, 0, NINPUTS);
    char *want = describe(one);
    mxh_zoneset_free(one);
    /* the picture holds what the inputs were written to show */
    ck_assert_ptr_nonnull(strstr(want, "zone example.com. file=copy/example.com.zone n=2 "
                                       "rejected=0 shadowed=1"));
    ck_assert_ptr_nonnull(strstr(want, "already loaded from example.com.zone"));
    ck_assert_ptr_nonnull(strstr(want, "already loaded from example.org.zone"));
    ck_assert_ptr_nonnull(strstr(want, "lookup host.sub.example.com.: answer 192.0.2.7@sub.example.com.zone:5"));

    static const size_t splits[][4] = {
        {0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {NINPUTS},
        {1, 2}, {2, 4}, {3, 7}, {1, 3, 5}, {2, 3, 6}, {1, 2, 3}, {4, 5, 6},
    };
    static const size_t nsplit[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3};
    for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++) {
        char *got = merged(splits[s], nsplit[s]);
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "--- loaded into one set\n%s\n--- merged (split %zu)\n%s\n", want, s,
                    got);
            ck_abort_msg("split %zu: the merged zone set differs (both printed above)", s);
        }
        free(got);
    }
    free(want);
}
END_TEST

/* RFC 1034 §4.3.2: the closest enclosing zone answers, whichever of two
 * nested zones was loaded first. */
START_TEST(test_nested_zones_either_order)
{
    for (int order = 0; order < 2; order++) {
        mxh_zoneset *zs;
        ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        load_range(zs, order ? 1 : 0, order ? 2 : 1);
        load_range(zs, order ? 0 : 1, order ? 1 : 2);
        mxh_route *r = NULL;
        ck_assert_int_eq(mxh_mail_route(zs, "example.com", &r), MXH_OK);
        ck_assert_uint_eq(mxh_route_exchange_count(r), 1);
        ck_assert_str_eq(mxh_exchange_status_name(mxh_exchange_status_of(mxh_route_exchange(r, 0))),
                         "addresses");
        mxh_route_free(r);
        const mxh_zone *z = mxh_zoneset_find_zone(zs, "host.sub.example.com");
        ck_assert_ptr_nonnull(z);
        ck_assert_str_eq(mxh_zone_origin(z), "sub.example.com.");
        mxh_zoneset_free(zs);
    }
}
END_TEST

START_TEST(test_merge_refuses)
{
    mxh_zoneset *a, *b;
    ck_assert_int_eq(mxh_zoneset_new(&a), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_new(&b), MXH_OK);
    load_range(a, 0, 2);
    load_range(b, 2, 4);
    ck_assert_int_eq(mxh_zoneset_merge(a, a), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_zoneset_merge(NULL, b), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_zoneset_merge(a, NULL), MXH_ERR_ARG);
    const char inv[] = "web1 192.0.2.1 example.com\n";
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(b, "inv", inv, strlen(inv)), MXH_OK);
    size_t za = mxh_zoneset_zone_count(a), zb = mxh_zoneset_zone_count(b);
    ck_assert_int_eq(mxh_zoneset_merge(a, b), MXH_ERR_ARG);
    ck_assert_uint_eq(mxh_zoneset_zone_count(a), za);
    ck_assert_uint_eq(mxh_zoneset_zone_count(b), zb);
    mxh_zoneset_free(b);
    /* an empty set merges to nothing, and into an empty set */
    ck_assert_int_eq(mxh_zoneset_new(&b), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_merge(a, b), MXH_OK);
    ck_assert_uint_eq(mxh_zoneset_zone_count(a), za);
    ck_assert_int_eq(mxh_zoneset_new(&b), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_merge(b, a), MXH_OK);
    ck_assert_uint_eq(mxh_zoneset_zone_count(b), za);
    ck_assert_str_eq(mxh_zone_origin(mxh_zoneset_zone(b, 1)), "example.com.");
    mxh_zoneset_free(b);
}
END_TEST

/* A hosting batch has more files than 65,535: every record keeps its file,
 * loaded into one set (the first 66,000 files) or merged from parts. */
START_TEST(test_many_files)
{
    enum { NZ = 70000 };
    mxh_zoneset *zs, *part = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    char name[64], text[160];
    for (int i = 0; i < NZ; i++) {
        if (i == 66000)
            ck_assert_int_eq(mxh_zoneset_new(&part), MXH_OK);
        snprintf(name, sizeof name, "zones/z%d.example.zone", i);
        snprintf(text, sizeof text, "$ORIGIN z%d.example.\n@ 300 IN SOA ns hm 1 2 3 4 5\n"
                                    "@ 300 IN MX 10 mail\n", i);
        ck_assert_int_eq(mxh_zoneset_load_buffer(part ? part : zs, name, text, strlen(text),
                                                 NULL, NULL), MXH_OK);
    }
    ck_assert_int_eq(mxh_zoneset_merge(zs, part), MXH_OK);
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), NZ);
    for (int i = 0; i < NZ; i += 977) {
        const mxh_zone *z = mxh_zoneset_zone(zs, (size_t)i);
        snprintf(name, sizeof name, "zones/z%d.example.zone", i);
        ck_assert_str_eq(mxh_zone_file(z), name);
        ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 1)), name);
        ck_assert_uint_eq(mxh_rr_line(mxh_zone_record(z, 1)), 3);
    }
    static const int past[] = {65535, 65536, 65537, 65999};
    for (size_t k = 0; k < sizeof past / sizeof past[0]; k++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, (size_t)past[k]);
        snprintf(name, sizeof name, "zones/z%d.example.zone", past[k]);
        ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 1)), name);
    }
    const mxh_zone *last = mxh_zoneset_zone(zs, NZ - 1);
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(last, 0)), "zones/z69999.example.zone");
    mxh_zoneset_free(zs);
}
END_TEST

/* Joining shifts file numbers and node blocks per zone, not per record: a
 * record of no file (file number 0) must stay of no file, nodes added to a
 * joined zone afterwards must be found, and all of it survive a second join. */
START_TEST(test_merge_shifts)
{
    mxh_zoneset *dst, *src;
    ck_assert_int_eq(mxh_zoneset_new(&dst), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_new(&src), MXH_OK);
    static const char a[] = "$ORIGIN a.test.\n$TTL 60\n@ MX 10 mail\nmail A 192.0.2.1\n";
    ck_assert_int_eq(mxh_zoneset_load_buffer(dst, "first.zone", a, strlen(a), NULL, NULL), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(dst, "second.zone", a, strlen(a), NULL, NULL), MXH_OK);
    mxh_zone *z = mxh_zone_create(src, "b.test.", mxh_zs_file(src, "b.zone"), MXH_FMT_BIND);
    ck_assert_ptr_nonnull(z);
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = "b.test.";
    in.owner_len = strlen(in.owner);
    in.owner_text = "@";
    in.type = MXH_TYPE_A;
    in.ttl = 60;
    in.rdata = "192.0.2.7";
    in.file = mxh_zs_file(src, "b.zone");
    in.line = 3;
    ck_assert_ptr_nonnull(mxh_zone_add(z, &in));
    in.owner = "www.b.test.";
    in.owner_len = strlen(in.owner);
    in.file = 0; /* no file */
    in.line = 0;
    ck_assert_ptr_nonnull(mxh_zone_add(z, &in));
    mxh_zone_finish(z);
    ck_assert_int_eq(mxh_zoneset_merge(dst, src), MXH_OK);
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 0)), "b.zone");
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 1)), "");
    ck_assert_ptr_eq(mxh_zone_find(z, "www.b.test."), mxh_zone_record(z, 1)->node);
    /* a node and a record added to the joined zone */
    in.owner = "new.b.test.";
    in.owner_len = strlen(in.owner);
    in.file = mxh_zs_file(dst, "later.zone");
    in.line = 9;
    ck_assert_ptr_nonnull(mxh_zone_add(z, &in));
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 2)), "later.zone");
    ck_assert_ptr_eq(mxh_zone_find(z, "new.b.test."), mxh_zone_record(z, 2)->node);
    /* and joined once more, after a set of its own */
    mxh_zoneset *top;
    ck_assert_int_eq(mxh_zoneset_new(&top), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(top, "top.zone", a, strlen(a), NULL, NULL), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_merge(top, dst), MXH_OK);
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 0)), "b.zone");
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 1)), "");
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(z, 2)), "later.zone");
    ck_assert_ptr_eq(mxh_zone_find(z, "new.b.test."), mxh_zone_record(z, 2)->node);
    ck_assert_ptr_eq(mxh_zone_find(z, "b.test."), mxh_zone_record(z, 0)->node);
    const mxh_zone *second = mxh_zoneset_zone(top, 2);
    ck_assert_str_eq(mxh_rr_file(mxh_zone_record(second, 0)), "second.zone");
    ck_assert_ptr_nonnull(mxh_zone_find(second, "mail.a.test."));
    mxh_zoneset_free(top);
}
END_TEST

Suite *merge_suite(void);
Suite *merge_suite(void)
{
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("merge");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_merge_same_as_loading);
    tcase_add_test(tc, test_nested_zones_either_order);
    tcase_add_test(tc, test_merge_refuses);
    tcase_add_test(tc, test_many_files);
    tcase_add_test(tc, test_merge_shifts);
    suite_add_tcase(s, tc);
    return s;
}

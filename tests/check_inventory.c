/* SPDX-License-Identifier: MIT */
/* Shared-host inventory (core/inventory.c): servers, merging of repeated
 * lines, canonical names and addresses, errors with line numbers, the
 * domain -> servers lookup at scale. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mxh_internal.h"

#define INV_DIR "tests/zones/inventory/"

static const mxh_server *server_named(const mxh_zoneset *zs, const char *name)
{
    for (size_t i = 0; i < mxh_zoneset_server_count(zs); i++)
        if (strcmp(mxh_server_name(mxh_zoneset_server(zs, i)), name) == 0)
            return mxh_zoneset_server(zs, i);
    return NULL;
}

/* Seed 004: a shared server holding customers' domains; lines merge. */
START_TEST(test_oars_merge)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_inventory(zs, INV_DIR "oars.inv"), MXH_OK);
    ck_assert_uint_eq(mxh_zoneset_server_count(zs), 3);
    ck_assert_ptr_null(mxh_zoneset_server(zs, 3));
    const mxh_server *s = mxh_zoneset_server(zs, 0);
    ck_assert_str_eq(mxh_server_name(s), "dc99.svr."); /* "DC99.SVR." merged into it */
    ck_assert_str_eq(mxh_server_file(s), INV_DIR "oars.inv");
    ck_assert_uint_eq(mxh_server_line(s), 2);
    ck_assert_uint_eq(mxh_server_address_count(s), 3);
    ck_assert_str_eq(mxh_server_address(s, 0), "192.0.2.99");
    ck_assert_str_eq(mxh_server_address(s, 1), "2001:db8::99"); /* canonical text */
    ck_assert_str_eq(mxh_server_address(s, 2), "192.0.2.199");
    ck_assert_ptr_null(mxh_server_address(s, 3));
    ck_assert_uint_eq(mxh_server_domain_count(s), 3);
    ck_assert_str_eq(mxh_server_domain(s, 0), "example.co.jp.");
    ck_assert_str_eq(mxh_server_domain(s, 1), "example.com.");
    ck_assert_str_eq(mxh_server_domain(s, 2), "shop.example.com.");
    ck_assert_ptr_null(mxh_server_domain(s, 3));
    s = mxh_zoneset_server(zs, 1);
    ck_assert_str_eq(mxh_server_name(s), "dc98.svr.");
    ck_assert_uint_eq(mxh_server_line(s), 4);
    ck_assert_uint_eq(mxh_server_domain_count(s), 1);
    ck_assert_str_eq(mxh_server_domain(s, 0), "other.example.net."); /* comment stripped */
    s = mxh_zoneset_server(zs, 2);
    ck_assert_str_eq(mxh_server_name(s), "dc97.svr.");
    ck_assert_uint_eq(mxh_server_address_count(s), 0); /* "-" */
    ck_assert_uint_eq(mxh_server_line(s), 6);

    const mxh_server *out[4];
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "example.co.jp", out, 4), 2);
    ck_assert_ptr_eq(out[0], server_named(zs, "dc99.svr."));
    ck_assert_ptr_eq(out[1], server_named(zs, "dc97.svr."));
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "EXAMPLE.COM.", out, 4), 1);
    ck_assert_ptr_eq(out[0], server_named(zs, "dc99.svr."));
    /* max limits what is filled, not the count */
    out[0] = NULL;
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "example.co.jp", out, 1), 2);
    ck_assert_ptr_nonnull(out[0]);
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "example.co.jp", NULL, 0), 2);
    /* exact domains only */
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "www.example.com", out, 4), 0);
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "co.jp", out, 4), 0);
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "bad..name", out, 4), 0);
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, NULL, out, 4), 0);
    /* a second inventory merges into the same servers */
    const char *more = "dc98.svr 192.0.2.98 example.co.jp\n";
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(zs, "more.inv", more, strlen(more)), MXH_OK);
    ck_assert_uint_eq(mxh_zoneset_server_count(zs), 3);
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "example.co.jp", out, 4), 3);
    ck_assert_uint_eq(mxh_server_address_count(server_named(zs, "dc98.svr.")), 1);
    ck_assert_uint_eq(mxh_zoneset_diag_count(zs), 0);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_errors)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_inventory(zs, INV_DIR "bad.inv"), MXH_ERR_PARSE);
    /* line 7 "192.0.2.5, 192.0.2.6": an empty address, then an address among the domains */
    static const unsigned long lines[] = {2, 3, 4, 4, 4, 5, 7, 7};
    ck_assert_uint_eq(mxh_zoneset_diag_count(zs), 8);
    for (size_t i = 0; i < 8; i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        ck_assert_int_eq(mxh_diag_level_of(d), MXH_DIAG_ERROR);
        ck_assert_uint_eq(mxh_diag_line(d), lines[i]);
        ck_assert_str_eq(mxh_diag_file(d), INV_DIR "bad.inv");
        ck_assert_ptr_null(mxh_diag_zone(d));
    }
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(mxh_zoneset_diag(zs, 2)), "'300.1.1.1'"));
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(mxh_zoneset_diag(zs, 4)), "'bad..domain'"));
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(mxh_zoneset_diag(zs, 7)), "'192.0.2.6' among the domains"));
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "bad.inv:2:"));
    /* the rest loaded */
    ck_assert_uint_eq(mxh_zoneset_server_count(zs), 3);
    const mxh_server *cm = server_named(zs, "comma.svr.");
    ck_assert_uint_eq(mxh_server_address_count(cm), 1);
    ck_assert_uint_eq(mxh_server_domain_count(cm), 1);
    ck_assert_str_eq(mxh_server_domain(cm, 0), "comma.example.");
    const mxh_server *ok = server_named(zs, "ok.svr.");
    ck_assert_ptr_nonnull(ok);
    ck_assert_uint_eq(mxh_server_address_count(ok), 3);
    ck_assert_str_eq(mxh_server_address(ok, 0), "192.0.2.1");
    ck_assert_str_eq(mxh_server_address(ok, 1), "2001:db8::1");
    ck_assert_str_eq(mxh_server_address(ok, 2), "192.0.2.2");
    ck_assert_uint_eq(mxh_server_domain_count(ok), 3);
    ck_assert_str_eq(mxh_server_domain(ok, 2), "third.example.");
    const mxh_server *ok2 = server_named(zs, "ok2.svr.");
    ck_assert_uint_eq(mxh_server_address_count(ok2), 0);
    ck_assert_uint_eq(mxh_server_domain_count(ok2), 1);
    ck_assert_ptr_null(server_named(zs, "lonely.svr."));
    /* a missing file */
    ck_assert_int_eq(mxh_zoneset_load_inventory(zs, INV_DIR "no-such.inv"), MXH_ERR_IO);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "no-such.inv"));
    /* NUL byte, CRLF, no final newline, empty buffer */
    const char nul[] = "a.svr 192.0.2.1 a.example\r\nb\0.svr 192.0.2.2 b.example\r\nc.svr 192.0.2.3 c.example";
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(zs, "nul.inv", nul, sizeof nul - 1), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_diag_line(mxh_zoneset_diag(zs, mxh_zoneset_diag_count(zs) - 1)), 2);
    ck_assert_ptr_nonnull(server_named(zs, "c.svr."));
    ck_assert_uint_eq(mxh_server_domain_count(server_named(zs, "a.svr.")), 1);
    ck_assert_str_eq(mxh_server_domain(server_named(zs, "a.svr."), 0), "a.example."); /* no CR */
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(zs, "empty.inv", "", 0), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(NULL, "x", "", 0), MXH_ERR_ARG);
    mxh_zoneset_free(zs);
}
END_TEST

/* Thousands of domains over hundreds of servers: every one found, quickly. */
START_TEST(test_scale)
{
    enum { SERVERS = 200, PER = 100 }; /* 20,000 domains */
    size_t cap = (size_t)SERVERS * (PER * 24 + 64);
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    size_t n = 0;
    for (int s = 0; s < SERVERS; s++) {
        n += (size_t)snprintf(buf + n, cap - n, "sv%d.host.example 10.0.%d.%d", s, s / 250, s % 250);
        for (int d = 0; d < PER; d++)
            n += (size_t)snprintf(buf + n, cap - n, " d%d-%d.example", s, d);
        buf[n++] = '\n';
    }
    /* every domain also on server 0: two servers each */
    n += (size_t)snprintf(buf + n, cap - n, "sv0.host.example -");
    for (int s = 1; s < 3; s++)
        for (int d = 0; d < PER; d++)
            n += (size_t)snprintf(buf + n, cap - n, " d%d-%d.example", s, d);
    buf[n++] = '\n';
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(zs, "big.inv", buf, n), MXH_OK);
    free(buf);
    ck_assert_uint_eq(mxh_zoneset_server_count(zs), SERVERS);
    ck_assert_uint_eq(mxh_server_domain_count(mxh_zoneset_server(zs, 0)), 3 * PER);
    clock_t t0 = clock();
    const mxh_server *out[4];
    char name[64];
    for (int rep = 0; rep < 5; rep++) {
        for (int s = 0; s < SERVERS; s++) {
            for (int d = 0; d < PER; d++) {
                snprintf(name, sizeof name, "D%d-%d.Example", s, d);
                size_t want = (s == 1 || s == 2) ? 2 : 1;
                size_t got = mxh_zoneset_local_servers(zs, name, out, 4);
                ck_assert_uint_eq(got, want);
                ck_assert_ptr_eq(out[0], mxh_zoneset_server(zs, (size_t)s));
                if (got == 2)
                    ck_assert_ptr_eq(out[1], mxh_zoneset_server(zs, 0));
            }
        }
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    /* 100,000 hashed look-ups; a scan over 20,000 domains each would take minutes */
    ck_assert_msg(secs < 5.0, "100,000 look-ups took %.2f s", secs);
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "d0-100.example", out, 4), 0);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_empty_zoneset)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_uint_eq(mxh_zoneset_server_count(zs), 0);
    ck_assert_ptr_null(mxh_zoneset_server(zs, 0));
    const mxh_server *out[1];
    ck_assert_uint_eq(mxh_zoneset_local_servers(zs, "example.com", out, 1), 0);
    ck_assert_uint_eq(mxh_zoneset_server_count(NULL), 0);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *inventory_suite(void);
Suite *inventory_suite(void)
{
    Suite *s = suite_create("inventory");
    TCase *tc = tcase_create("inventory");
    tcase_add_test(tc, test_oars_merge);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_scale);
    tcase_add_test(tc, test_empty_zoneset);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

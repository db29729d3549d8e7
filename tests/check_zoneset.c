/* SPDX-License-Identifier: MIT */
/* Zone set model: nodes, empty non-terminals, delegation marking, closest
 * enclosing zone, shadowed duplicates, diagnostics. Zones are built directly
 * through mxh_zone_add so this suite does not depend on any loader. */
#include <check.h>
#include <string.h>

#include "mxh_internal.h"

static mxh_rr *add(mxh_zone *z, const char *owner, uint16_t type, const char *rdata, const char *target)
{
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = owner;
    in.owner_len = strlen(owner);
    in.owner_text = owner;
    in.type = type;
    in.rclass = 1;
    in.ttl = 300;
    in.rdata = rdata;
    in.target = target;
    in.file = z->file;
    in.line = 7;
    return mxh_zone_add(z, &in);
}

START_TEST(test_nodes_and_ents)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", mxh_zs_file(zs, "example.com.zone"), MXH_FMT_BIND);
    ck_assert_ptr_nonnull(z);
    ck_assert_ptr_nonnull(add(z, "sel._domainkey.news.example.com.", MXH_TYPE_TXT, "\"v=DKIM1\"", NULL));
    ck_assert_ptr_nonnull(add(z, "*.example.com.", MXH_TYPE_MX, "10 mx.example.net.", "mx.example.net."));
    mxh_zone_finish(z);
    mxh_node *n = mxh_zone_find(z, "news.example.com.");
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->flags & MXH_NODE_DATA, 0); /* empty non-terminal */
    n = mxh_zone_find(z, "_domainkey.news.example.com.");
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->flags & MXH_NODE_DATA, 0);
    n = mxh_zone_find(z, "*.example.com.");
    ck_assert(n->flags & MXH_NODE_WILDCARD);
    ck_assert(n->flags & MXH_NODE_DATA);
    ck_assert_ptr_null(mxh_zone_find(z, "other.example.com."));
    ck_assert_uint_eq(mxh_zone_record_count(z), 2);
    ck_assert(mxh_zone_has_type(z, MXH_TYPE_MX));
    ck_assert(!mxh_zone_has_type(z, MXH_TYPE_A));
    const mxh_rr *rr = mxh_zone_record(z, 1);
    ck_assert_str_eq(mxh_rr_owner(rr), "*.example.com.");
    ck_assert_str_eq(mxh_rr_target(rr), "mx.example.net.");
    ck_assert_str_eq(mxh_rr_file(rr), "example.com.zone");
    ck_assert_uint_eq(mxh_rr_line(rr), 7);
    char buf[256];
    mxh_rr_format(rr, buf, sizeof buf);
    ck_assert_str_eq(buf, "*.example.com. 300 IN MX 10 mx.example.net.");
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_delegation_marking)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", 0, MXH_FMT_BIND);
    add(z, "example.com.", MXH_TYPE_NS, "ns1.example.com.", "ns1.example.com.");
    add(z, "sub.example.com.", MXH_TYPE_NS, "ns.sub.example.com.", "ns.sub.example.com.");
    add(z, "ns.sub.example.com.", MXH_TYPE_A, "192.0.2.1", NULL);
    add(z, "deep.mail.sub.example.com.", MXH_TYPE_A, "192.0.2.2", NULL);
    mxh_zone_finish(z);
    ck_assert(!(z->apex->flags & MXH_NODE_CUT));
    ck_assert(mxh_zone_find(z, "sub.example.com.")->flags & MXH_NODE_CUT);
    ck_assert(!(mxh_zone_find(z, "sub.example.com.")->flags & MXH_NODE_BELOW_CUT));
    ck_assert(mxh_zone_find(z, "ns.sub.example.com.")->flags & MXH_NODE_BELOW_CUT);
    ck_assert(mxh_zone_find(z, "mail.sub.example.com.")->flags & MXH_NODE_BELOW_CUT);
    ck_assert(mxh_zone_find(z, "deep.mail.sub.example.com.")->flags & MXH_NODE_BELOW_CUT);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_zone_for_and_shadow)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *a = mxh_zone_create(zs, "example.com.", mxh_zs_file(zs, "a"), MXH_FMT_BIND);
    mxh_zone *b = mxh_zone_create(zs, "sub.example.com.", mxh_zs_file(zs, "b"), MXH_FMT_BIND);
    mxh_zone *c = mxh_zone_create(zs, "example.com.", mxh_zs_file(zs, "c"), MXH_FMT_BIND);
    ck_assert(c->shadowed);
    ck_assert(!a->shadowed);
    ck_assert_ptr_eq(mxh_zs_zone_for(zs, NULL, "www.example.com."), a);
    ck_assert_ptr_eq(mxh_zs_zone_for(zs, NULL, "x.sub.example.com."), b);
    ck_assert_ptr_eq(mxh_zs_zone_for(zs, NULL, "sub.example.com."), b);
    ck_assert_ptr_null(mxh_zs_zone_for(zs, NULL, "example.org."));
    ck_assert_ptr_eq(mxh_zs_zone_for(zs, c, "www.example.com."), c);
    ck_assert_ptr_eq(mxh_zs_zone_for(zs, c, "x.sub.example.com."), b);
    ck_assert_ptr_eq(mxh_zoneset_find_zone(zs, "WWW.Example.com"), a);
    /* the duplicate left a warning naming both files */
    ck_assert_uint_eq(mxh_zoneset_diag_count(zs), 1);
    const mxh_diag *d = mxh_zoneset_diag(zs, 0);
    ck_assert_int_eq(mxh_diag_level_of(d), MXH_DIAG_WARNING);
    ck_assert_str_eq(mxh_diag_file(d), "c");
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(d), "already loaded from a"));
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_out_of_zone)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", mxh_zs_file(zs, "f.zone"), MXH_FMT_BIND);
    ck_assert_ptr_null(add(z, "www.example.org.", MXH_TYPE_A, "192.0.2.1", NULL));
    ck_assert_uint_eq(z->ignored, 1);
    ck_assert_uint_eq(mxh_zone_record_count(z), 0);
    ck_assert_str_eq(mxh_zoneset_errmsg(zs),
                     "f.zone:7: ignoring out-of-zone data: www.example.org. is not in zone example.com.");
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_types)
{
    char b[16];
    ck_assert_uint_eq(mxh_type_from_name("mx"), 15);
    ck_assert_uint_eq(mxh_type_from_name("TYPE65534"), 65534);
    ck_assert_uint_eq(mxh_type_from_name("TYPE65536"), 0);
    ck_assert_uint_eq(mxh_type_from_name("bogus"), 0);
    ck_assert_str_eq(mxh_type_name(257, b), "CAA");
    ck_assert_str_eq(mxh_type_name(65000, b), "TYPE65000");
}
END_TEST

Suite *zoneset_suite(void);
Suite *zoneset_suite(void)
{
    Suite *s = suite_create("zoneset");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_nodes_and_ents);
    tcase_add_test(tc, test_delegation_marking);
    tcase_add_test(tc, test_zone_for_and_shadow);
    tcase_add_test(tc, test_out_of_zone);
    tcase_add_test(tc, test_types);
    suite_add_tcase(s, tc);
    return s;
}

/* SPDX-License-Identifier: MIT */
/* Canonical names: RFC 1035 §2.3.4 limits, §5.1 escapes and "@", case folding. */
#include <check.h>
#include <string.h>

#include "mxh_internal.h"

static const char *canon(const char *in, const char *origin, int *rel, int *rc)
{
    static char out[MXH_NAME_BUF];
    *rc = mxh_name_canon(in, strlen(in), origin, out, sizeof out, rel);
    return out;
}

START_TEST(test_canon_basic)
{
    int rel, rc;
    ck_assert_str_eq(canon("Mail.Example.COM.", "x.", &rel, &rc), "mail.example.com.");
    ck_assert_int_eq(rel, 0);
    ck_assert_int_eq(rc, 17);
    ck_assert_str_eq(canon("mail", "example.com.", &rel, &rc), "mail.example.com.");
    ck_assert_int_eq(rel, 1);
    ck_assert_str_eq(canon("@", "example.com.", &rel, &rc), "example.com.");
    ck_assert_int_eq(rel, 1);
    ck_assert_str_eq(canon(".", "example.com.", &rel, &rc), ".");
    ck_assert_str_eq(canon("com", ".", &rel, &rc), "com.");
    /* the missing trailing dot of seed 002 */
    ck_assert_str_eq(canon("s1.xrea.com", "hogehoge.com.", &rel, &rc), "s1.xrea.com.hogehoge.com.");
    ck_assert_int_eq(rel, 1);
}
END_TEST

START_TEST(test_canon_escapes)
{
    int rel, rc;
    ck_assert_str_eq(canon("a\\.b.example.", NULL, &rel, &rc), "a\\.b.example.");
    ck_assert_str_eq(canon("\\065bc.example.", NULL, &rel, &rc), "abc.example.");
    ck_assert_str_eq(canon("a\\032b.example.", NULL, &rel, &rc), "a\\032b.example.");
    ck_assert_str_eq(canon("\\(x\\).example.", NULL, &rel, &rc), "\\040x\\041.example.");
    canon("a\\25.example.", NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_ESCAPE);
    canon("a\\256.example.", NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_ESCAPE);
    canon("a\\", NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_ESCAPE);
}
END_TEST

START_TEST(test_canon_limits)
{
    int rel, rc;
    char buf[400];
    memset(buf, 'a', 63);
    strcpy(buf + 63, ".example.");
    canon(buf, NULL, &rel, &rc);
    ck_assert_int_gt(rc, 0);
    memset(buf, 'a', 64);
    strcpy(buf + 64, ".example.");
    canon(buf, NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_LABEL_LONG);
    /* 255 octets in wire form: 4 labels of 63 (4*64=256) is too long;
     * 3*64 + 62 + 1 = 255 is the maximum. */
    char *p = buf;
    for (int l = 0; l < 3; l++) {
        memset(p, 'b', 63);
        p += 63;
        *p++ = '.';
    }
    memset(p, 'c', 61);
    p += 61;
    strcpy(p, ".");
    canon(buf, NULL, &rel, &rc);
    ck_assert_int_gt(rc, 0);
    p[-1] = 'c';
    strcpy(p, "c.");
    canon(buf, NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_NAME_LONG);
    /* relative name pushed over the limit by the origin */
    canon("x", NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_RELATIVE);
    canon("a..b.", NULL, &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_EMPTY_LABEL);
    canon("", "x.", &rel, &rc);
    ck_assert_int_eq(rc, MXH_NAME_ERR_EMPTY);
}
END_TEST

START_TEST(test_relations)
{
    ck_assert_str_eq(mxh_name_parent("a.b.c."), "b.c.");
    const char *tld = "c.";
    ck_assert_ptr_eq(mxh_name_parent(tld), tld + 1); /* a suffix of the same string */
    ck_assert_ptr_null(mxh_name_parent("."));
    ck_assert_str_eq(mxh_name_parent("a\\.b.c."), "c.");
    ck_assert(mxh_name_is_at_or_below("mail.example.com.", "example.com."));
    ck_assert(mxh_name_is_at_or_below("example.com.", "example.com."));
    ck_assert(!mxh_name_is_at_or_below("badexample.com.", "example.com."));
    ck_assert(mxh_name_is_at_or_below("anything.", "."));
    ck_assert_uint_eq(mxh_name_labels("."), 0);
    ck_assert_uint_eq(mxh_name_labels("a.b\\.c.d."), 3);
    ck_assert(mxh_name_is_wildcard("*.example.com."));
    ck_assert(!mxh_name_is_wildcard("s*.example.com."));
    ck_assert(mxh_name_has_partial_wildcard("s*.example.com."));
    ck_assert(mxh_name_has_partial_wildcard("a.*b.example.com."));
    ck_assert(!mxh_name_has_partial_wildcard("*.example.com."));
    ck_assert(!mxh_name_has_partial_wildcard("www.example.com."));
}
END_TEST

START_TEST(test_escaped_dot_boundary)
{
    /* "b\.example.com." is one label "b.example" under com.: not below example.com. */
    ck_assert(!mxh_name_is_at_or_below("b\\.example.com.", "example.com."));
    ck_assert(mxh_name_is_at_or_below("b\\.example.com.", "com."));
}
END_TEST

START_TEST(test_origin_from_filename)
{
    char out[MXH_NAME_BUF];
    ck_assert_int_gt(mxh_origin_from_filename("/x/y/example.com.zone", out, sizeof out), 0);
    ck_assert_str_eq(out, "example.com.");
    ck_assert_int_gt(mxh_origin_from_filename("db.Example.org", out, sizeof out), 0);
    ck_assert_str_eq(out, "example.org.");
    ck_assert_int_gt(mxh_origin_from_filename("example.net.db", out, sizeof out), 0);
    ck_assert_str_eq(out, "example.net.");
    ck_assert_int_gt(mxh_origin_from_filename("zones/dm2.co.jp", out, sizeof out), 0);
    ck_assert_str_eq(out, "dm2.co.jp.");
    ck_assert_int_eq(mxh_origin_from_filename("zonefile", out, sizeof out), 0);
    ck_assert_int_gt(mxh_origin_from_filename("db._msdcs.example.com", out, sizeof out), 0);
    ck_assert_str_eq(out, "_msdcs.example.com.");
    ck_assert_int_eq(mxh_origin_from_filename("roles__dns__files__zone-bookfriend.me", out, sizeof out), 0);
    ck_assert_int_eq(mxh_origin_from_filename("my_zone.example", out, sizeof out), 0);
    ck_assert_int_eq(mxh_origin_from_filename("backup.2023", out, sizeof out), 0);
}
END_TEST

Suite *names_suite(void);
Suite *names_suite(void)
{
    Suite *s = suite_create("names");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_canon_basic);
    tcase_add_test(tc, test_canon_escapes);
    tcase_add_test(tc, test_canon_limits);
    tcase_add_test(tc, test_relations);
    tcase_add_test(tc, test_escaped_dot_boundary);
    tcase_add_test(tc, test_origin_from_filename);
    suite_add_tcase(s, tc);
    return s;
}

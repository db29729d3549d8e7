/* SPDX-License-Identifier: MIT */
/* Registrar panel text loader (core/load_panel.c) on the seeds' own panel
 * lines, malformed lines, CRLF; and format detection (core/detect.c) over the
 * fixtures and the whole zone-file corpus. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mxh_internal.h"

#define PANEL_DIR "tests/zones/panel/"

static mxh_zone *load_panel(mxh_zoneset *zs, const char *path, const char *origin, mxh_status *st)
{
    char *buf;
    size_t len;
    char err[256];
    ck_assert_msg(mxh_read_file(path, &buf, &len, err, sizeof err) == 0, "%s", err);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = origin;
    mxh_zone *z = NULL;
    *st = mxh_load_valuedomain(zs, path, buf, len, &o, &z);
    free(buf);
    return z;
}

/* Record i is owner/type/rdata, from line `line`. */
static void expect_rr(const mxh_zone *z, size_t i, const char *owner, uint16_t type,
                      const char *rdata, unsigned long line)
{
    const mxh_rr *rr = mxh_zone_record(z, i);
    ck_assert_msg(rr != NULL, "no record %zu", i);
    ck_assert_str_eq(mxh_rr_owner(rr), owner);
    ck_assert_uint_eq(mxh_rr_type(rr), type);
    ck_assert_str_eq(mxh_rr_rdata(rr), rdata);
    ck_assert_uint_eq(mxh_rr_line(rr), line);
    ck_assert_uint_eq(mxh_rr_class(rr), 1);
}

static size_t count_level(const mxh_zoneset *zs, mxh_diag_level lvl)
{
    size_t n = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++)
        if (mxh_diag_level_of(mxh_zoneset_diag(zs, i)) == lvl)
            n++;
    return n;
}

/* Seed 003: the old Value-Domain panel DNS of dm2.co.jp. */
START_TEST(test_seed003_old_panel)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_panel(zs, PANEL_DIR "dm2.co.jp.txt", NULL, &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_ptr_nonnull(z);
    ck_assert_str_eq(mxh_zone_origin(z), "dm2.co.jp."); /* from the file name */
    ck_assert_int_eq(mxh_zone_format(z), MXH_FMT_VALUEDOMAIN);
    ck_assert_uint_eq(mxh_zone_record_count(z), 5);
    ck_assert(!mxh_zone_incomplete(z));
    expect_rr(z, 0, "*.dm2.co.jp.", MXH_TYPE_A, "162.43.120.172", 1);
    expect_rr(z, 1, "mail.dm2.co.jp.", MXH_TYPE_A, "163.44.176.15", 2);
    expect_rr(z, 2, "shop.dm2.co.jp.", MXH_TYPE_CNAME, "cname.thebase.in.", 3);
    expect_rr(z, 3, "dm2.co.jp.", MXH_TYPE_MX, "10 mail.dm2.co.jp.", 4);
    expect_rr(z, 4, "dm2.co.jp.", MXH_TYPE_TXT,
              "\"v=spf1 ip4:163.44.176.15 ip6:2400:8500:1301:162::15:1 ~all\"", 5);
    const mxh_rr *mx = mxh_zone_record(z, 3);
    ck_assert_str_eq(mxh_rr_owner_text(mx), ""); /* owner omitted */
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "mail.dm2.co.jp. 10");
    ck_assert_str_eq(mxh_rr_target(mx), "mail.dm2.co.jp.");
    ck_assert_uint_eq(mxh_rr_preference(mx), 10);
    ck_assert(!mxh_rr_target_relative(mx));
    ck_assert_uint_eq(mxh_rr_ttl(mx), 3600);
    const mxh_rr *txt = mxh_zone_record(z, 4);
    ck_assert_str_eq(mxh_rr_owner_text(txt), "@");
    ck_assert_str_eq(mxh_rr_rdata_text(txt),
                     "v=spf1 ip4:163.44.176.15 ip6:2400:8500:1301:162::15:1 ~all");
    ck_assert_str_eq(mxh_rr_file(txt), PANEL_DIR "dm2.co.jp.txt");
    ck_assert_str_eq(mxh_rr_target(mxh_zone_record(z, 2)), "cname.thebase.in.");
    ck_assert_uint_eq(count_level(zs, MXH_DIAG_ERROR), 0);
    mxh_zoneset_free(zs);
}
END_TEST

/* Seed 002: every panel line the Value-Domain FAQ shows. */
START_TEST(test_seed002_lines)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_panel(zs, PANEL_DIR "hogehoge.com.txt", NULL, &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(z), "hogehoge.com.");
    /* 21 lines, two of them mxe (two records each) */
    ck_assert_uint_eq(mxh_zone_record_count(z), 23);
    size_t i = 0;
    /* mxe mail 209.19.56.20 10 */
    expect_rr(z, i, "mail.hogehoge.com.", MXH_TYPE_A, "209.19.56.20", 1);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, i)), "mail");
    i++;
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "10 mail.hogehoge.com.", 1);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, i)), "");
    ck_assert_str_eq(mxh_rr_rdata_text(mxh_zone_record(z, i)), "mail 10");
    ck_assert(mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    expect_rr(z, i++, "mail.hogehoge.com.", MXH_TYPE_A, "219.163.200.65", 2);
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_MX, "10 mail.hogehoge.com.", 2);
    /* mx   s1.xrea.com. 10: owner omitted */
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "10 s1.xrea.com.", 3);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, i)), "");
    ck_assert(!mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "10 s2.xrea.com.", 4);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, i)), "@");
    i++;
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_A, "219.163.200.66", 5); /* trailing blanks */
    ck_assert_str_eq(mxh_rr_rdata_text(mxh_zone_record(z, i)), "219.163.200.66");
    i++;
    /* mx * メールサーバ名. 10: the FAQ's placeholder, kept as bytes */
    const mxh_rr *w = mxh_zone_record(z, i);
    ck_assert_str_eq(mxh_rr_owner(w), "*.hogehoge.com.");
    ck_assert_uint_eq(mxh_rr_type(w), MXH_TYPE_MX);
    ck_assert_uint_eq(mxh_rr_line(w), 6);
    ck_assert_str_eq(mxh_rr_rdata_text(w), "メールサーバ名. 10");
    ck_assert_ptr_nonnull(strstr(mxh_rr_target(w), "\\227"));
    i++;
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_MX, "10 s3.xrea.com.", 7);
    expect_rr(z, i, "web.hogehoge.com.", MXH_TYPE_MX, "10 s4.xrea.com.", 8);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, i)), "web");
    i++;
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_A, "219.163.200.67", 9);
    expect_rr(z, i++, "web.hogehoge.com.", MXH_TYPE_A, "219.163.200.68", 10);
    /* mx s* s5.xrea.com. 10: a literal "s*" label, not a wildcard */
    expect_rr(z, i, "s*.hogehoge.com.", MXH_TYPE_MX, "10 s5.xrea.com.", 11);
    ck_assert(!mxh_name_is_wildcard(mxh_rr_owner(mxh_zone_record(z, i))));
    ck_assert(mxh_name_has_partial_wildcard(mxh_rr_owner(mxh_zone_record(z, i))));
    i++;
    expect_rr(z, i++, "s*.hogehoge.com.", MXH_TYPE_A, "219.163.200.69", 12);
    expect_rr(z, i++, "mail.hogehoge.com.", MXH_TYPE_A, "219.163.200.70", 13);
    /* mx @ mail 10: "no final dot needed" — relative to the origin */
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "10 mail.hogehoge.com.", 14);
    ck_assert(mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "10 mail.hogehoge.com.", 15);
    ck_assert(!mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    /* mx   mail 10: owner omitted, relative target */
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "10 mail.hogehoge.com.", 16);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, i)), "");
    ck_assert_str_eq(mxh_rr_rdata_text(mxh_zone_record(z, i)), "mail 10");
    ck_assert(mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_MX, "10 mail.hogehoge.com.", 17);
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_MX, "10 s7.xrea.com.", 18);
    expect_rr(z, i, "hogehoge.com.", MXH_TYPE_MX, "20 mail.gaibu-server.com.", 19);
    ck_assert_uint_eq(mxh_rr_preference(mxh_zone_record(z, i)), 20);
    i++;
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_MX, "10 s7.xrea.com.", 20);
    expect_rr(z, i++, "hogehoge.com.", MXH_TYPE_MX, "20 mail.gaibu-server.com.", 21);
    ck_assert_uint_eq(i, 23);
    mxh_zoneset_free(zs);
}
END_TEST

/* The missing final dot: "mx @ s1.xrea.com 10" points inside the zone. */
START_TEST(test_missing_trailing_dot)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_panel(zs, PANEL_DIR "example.jp.txt", NULL, &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 4);
    const mxh_rr *mx = mxh_zone_record(z, 0);
    ck_assert_str_eq(mxh_rr_owner(mx), "example.jp.");
    ck_assert_str_eq(mxh_rr_target(mx), "s1.xrea.com.example.jp.");
    ck_assert(mxh_rr_target_relative(mx));
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "s1.xrea.com 10");
    mx = mxh_zone_record(z, 1); /* owner omitted */
    ck_assert_str_eq(mxh_rr_owner(mx), "example.jp.");
    ck_assert_str_eq(mxh_rr_target(mx), "s1.xrea.com.example.jp.");
    ck_assert_uint_eq(mxh_rr_preference(mx), 20);
    expect_rr(z, 2, "www.example.jp.", MXH_TYPE_CNAME, "s1.xrea.com.example.jp.", 4);
    ck_assert(mxh_rr_target_relative(mxh_zone_record(z, 2)));
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_malformed_lines)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_panel(zs, PANEL_DIR "bad.example.jp.txt", NULL, &st);
    ck_assert_int_eq(st, MXH_ERR_PARSE);
    ck_assert_ptr_nonnull(z); /* still loaded */
    ck_assert(mxh_zone_incomplete(z));
    ck_assert_uint_eq(mxh_zone_rejected_count(z), 10);
    ck_assert_uint_eq(mxh_zone_record_count(z), 3);
    ck_assert_str_eq(mxh_zone_origin(z), "bad.example.jp.");
    expect_rr(z, 0, "bad.example.jp.", MXH_TYPE_A, "192.0.2.1", 2);
    expect_rr(z, 1, "bad.example.jp.", MXH_TYPE_MX, "10 mail.bad.example.jp.", 9);
    expect_rr(z, 2, "v6.bad.example.jp.", MXH_TYPE_AAAA, "2001:db8::1", 14);
    static const unsigned long bad[] = {3, 4, 5, 6, 7, 8, 10, 11, 13, 15};
    size_t k = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (mxh_diag_level_of(d) != MXH_DIAG_ERROR)
            continue;
        ck_assert_uint_lt(k, sizeof bad / sizeof bad[0]);
        ck_assert_uint_eq(mxh_diag_line(d), bad[k]);
        ck_assert_str_eq(mxh_diag_file(d), PANEL_DIR "bad.example.jp.txt");
        ck_assert_ptr_eq(mxh_diag_zone(d), z);
        ck_assert(strlen(mxh_diag_message(d)) > 0);
        k++;
    }
    ck_assert_uint_eq(k, 10);
    /* reasons name the problem */
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(mxh_zoneset_diag(zs, 9)), "needs a host"));
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(mxh_zoneset_diag(zs, 3)), "unknown record keyword 'foo'"));
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(mxh_zoneset_diag(zs, 2)), "preference 'ten'"));
    /* errmsg tells the first problem with file:line */
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "bad.example.jp.txt:3:"));
    /* the summary notice counts lines read and rejected */
    const mxh_diag *last = mxh_zoneset_diag(zs, mxh_zoneset_diag_count(zs) - 1);
    ck_assert_int_eq(mxh_diag_level_of(last), MXH_DIAG_NOTICE);
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(last), "13 record lines read"));
    ck_assert_ptr_nonnull(strstr(mxh_diag_message(last), "10 lines rejected"));
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_crlf_and_ttl)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_panel(zs, PANEL_DIR "crlf.example.jp.txt", NULL, &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 5);
    expect_rr(z, 0, "crlf.example.jp.", MXH_TYPE_A, "192.0.2.1", 1);
    expect_rr(z, 1, "crlf.example.jp.", MXH_TYPE_MX, "10 mail.crlf.example.jp.", 2);
    expect_rr(z, 2, "mail.crlf.example.jp.", MXH_TYPE_A, "192.0.2.2", 3);
    expect_rr(z, 3, "crlf.example.jp.", MXH_TYPE_MX, "20 mail.crlf.example.jp.", 3);
    expect_rr(z, 4, "crlf.example.jp.", MXH_TYPE_TXT, "\"v=spf1 mx -all\"", 4);
    ck_assert_str_eq(mxh_rr_rdata_text(mxh_zone_record(z, 4)), "v=spf1 mx -all"); /* no CR */
    /* "ttl 600" on the last line sets every record's TTL */
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(mxh_rr_ttl(mxh_zone_record(z, i)), 600);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_buffers)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    mxh_zone *z = NULL;
    /* no origin: neither given nor in the name */
    const char *t = "a @ 192.0.2.1\n";
    ck_assert_int_eq(mxh_load_valuedomain(zs, "db:customer-42", t, strlen(t), &o, &z), MXH_ERR_ARG);
    ck_assert_ptr_null(z);
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), 0);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "no origin"));
    /* origin given; long TXT split in 255-octet strings; quotes and backslashes escaped;
     * quoted text taken as master-file strings; a generic type; no final newline */
    o.origin = "Example.COM";
    o.default_ttl = 120;
    char big[700];
    size_t n = (size_t)snprintf(big, sizeof big, "txt long ");
    for (int i = 0; i < 300; i++)
        big[n++] = (char)('a' + i % 26);
    n += (size_t)snprintf(big + n, sizeof big - n,
                          "\ntxt q say \"hi\" \\o/\ntxt pre \"a b\" \"c\"\nsrv _sip._tcp 10 60 5060 sip\n"
                          "caa @ 0 issue \"ca.example.net\"");
    ck_assert_int_eq(mxh_load_valuedomain(zs, "db:customer-42", big, n, &o, &z), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(z), "example.com.");
    ck_assert_uint_eq(mxh_zone_record_count(z), 5);
    const char *rd = mxh_rr_rdata(mxh_zone_record(z, 0));
    ck_assert_uint_eq(strlen(rd), 300 + 5); /* "255" "45": two strings, quotes and a blank */
    ck_assert_int_eq(rd[256], '"');
    ck_assert_int_eq(rd[258], '"');
    ck_assert_uint_eq(mxh_rr_ttl(mxh_zone_record(z, 0)), 120);
    ck_assert_str_eq(mxh_rr_rdata(mxh_zone_record(z, 1)), "\"say \\\"hi\\\" \\\\o/\"");
    ck_assert_str_eq(mxh_rr_rdata(mxh_zone_record(z, 2)), "\"a b\" \"c\"");
    expect_rr(z, 3, "_sip._tcp.example.com.", MXH_TYPE_SRV, "10 60 5060 sip.example.com.", 4);
    ck_assert_str_eq(mxh_rr_target(mxh_zone_record(z, 3)), "sip.example.com.");
    ck_assert_uint_eq(mxh_rr_type(mxh_zone_record(z, 4)), MXH_TYPE_CAA);
    /* a NUL byte rejects its line only; an empty buffer is an empty zone */
    const char nul[] = "a @ 192.0.2.1\na x\0y 192.0.2.2\nmx mail 10\n";
    ck_assert_int_eq(mxh_load_valuedomain(zs, "nul.example", nul, sizeof nul - 1, &o, &z), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_zone_record_count(z), 2);
    ck_assert_uint_eq(mxh_zone_rejected_count(z), 1);
    ck_assert_int_eq(mxh_load_valuedomain(zs, "empty.example", "", 0, NULL, &z), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(z), "empty.example.");
    ck_assert_uint_eq(mxh_zone_record_count(z), 0);
    /* a record outside the zone is ignored with a warning, as BIND does */
    const char *out = "a www.other.example. 192.0.2.1\na www 192.0.2.2\n";
    ck_assert_int_eq(mxh_load_valuedomain(zs, "out.example", out, strlen(out), NULL, &z), MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 1);
    mxh_zoneset_free(zs);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Format detection                                                         */

static mxh_format detect_file(const char *path)
{
    char *buf;
    size_t len;
    char err[256];
    ck_assert_msg(mxh_read_file(path, &buf, &len, err, sizeof err) == 0, "%s", err);
    mxh_format f = mxh_format_detect(buf, len);
    free(buf);
    return f;
}

static mxh_format detect_str(const char *s)
{
    return mxh_format_detect(s, strlen(s));
}

START_TEST(test_detect_fixtures)
{
    static const char *const panel[] = {"dm2.co.jp.txt", "hogehoge.com.txt", "example.jp.txt",
                                        "bad.example.jp.txt", "crlf.example.jp.txt"};
    for (size_t i = 0; i < sizeof panel / sizeof panel[0]; i++) {
        char p[256];
        snprintf(p, sizeof p, PANEL_DIR "%s", panel[i]);
        ck_assert_msg(detect_file(p) == MXH_FMT_VALUEDOMAIN, "%s", p);
    }
    static const char *const table[] = {"seed003-final.txt", "seed003-fixed.txt", "header-ja.csv",
                                        "header-en.tsv", "reordered.csv", "crlf.csv", "bad.txt"};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char p[256];
        snprintf(p, sizeof p, "tests/zones/table/%s", table[i]);
        ck_assert_msg(detect_file(p) == MXH_FMT_TABLE, "%s", p);
    }
}
END_TEST

START_TEST(test_detect_strings)
{
    /* never AUTO; BIND when unsure */
    ck_assert_int_eq(detect_str(""), MXH_FMT_BIND);
    ck_assert_int_eq(mxh_format_detect(NULL, 0), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("# only a comment\n\n"), MXH_FMT_BIND);
    ck_assert_int_eq(mxh_format_detect("\0\1\2binary", 9), MXH_FMT_BIND);
    /* master files */
    ck_assert_int_eq(detect_str("$ORIGIN example.com.\nmx a 1.2.3.4\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("@ IN SOA ns host 1 2 3 4 5\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("@ 300 MX 10 mail\nmail A 192.0.2.1\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("@ MX 10 mail\nmail A 192.0.2.1\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("www A 192.0.2.1\nmail A 192.0.2.2\n"), MXH_FMT_BIND); /* both read it */
    ck_assert_int_eq(detect_str("a a 192.0.2.1\nns NS ns1.example.net.\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("@ MX 10 mail\n\tA 192.0.2.1\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("www CNAME @\n@ TXT \"v=spf1 -all\"\n"), MXH_FMT_BIND);
    /* one panel line and nothing else says otherwise */
    ck_assert_int_eq(detect_str("mx mail.dm2.co.jp. 10\n"), MXH_FMT_VALUEDOMAIN);
    ck_assert_int_eq(detect_str("mxe mail 209.19.56.20 10\n"), MXH_FMT_VALUEDOMAIN);
    ck_assert_int_eq(detect_str("a @ 219.163.200.66\r\nmx @ s2.xrea.com. 10\r\n"), MXH_FMT_VALUEDOMAIN);
    /* a '(' in panel or table text does not hide the lines after it */
    ck_assert_int_eq(detect_str("txt @ v=spf1 (note\nmx mail.example.jp. 10\nmxe mail 192.0.2.1 10\n"),
                     MXH_FMT_VALUEDOMAIN);
    ck_assert_int_eq(detect_str("@ TXT ( \"a\"\n  \"b\" )\nwww A 192.0.2.1\n"), MXH_FMT_BIND);
    /* mostly master file with one odd line: still BIND */
    ck_assert_int_eq(detect_str("www A 192.0.2.1\nmail A 192.0.2.2\n@ MX 10 mail\n@ NS ns1\n"
                                "mx mail 10\n"),
                     MXH_FMT_BIND);
    /* full names without the final dot, the apex among them: a panel listing */
    ck_assert_int_eq(detect_str("dm2.co.jp A 162.43.120.172\nwww.dm2.co.jp A 162.43.120.172\n"
                                "*.DM2.co.jp A 162.43.120.172\n"),
                     MXH_FMT_TABLE);
    ck_assert_int_eq(detect_str("www.dm2.co.jp A 162.43.120.172\ndm2.co.jp TXT v=spf1 -all\n"),
                     MXH_FMT_TABLE);
    /* ... but not without the apex, not with one-label suffixes, not with "@" or a dot */
    ck_assert_int_eq(detect_str("a.example.com A 192.0.2.1\nb.example.com A 192.0.2.2\n"),
                     MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("sub A 192.0.2.1\nwww.sub A 192.0.2.2\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("x.sub A 192.0.2.1\nwww.sub A 192.0.2.2\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("example.com A 192.0.2.1\n@ A 192.0.2.2\n"), MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("example.com. A 192.0.2.1\nwww.example.com. A 192.0.2.2\n"),
                     MXH_FMT_BIND);
    ck_assert_int_eq(detect_str("example.com A 192.0.2.1\n"), MXH_FMT_BIND); /* one line */
    ck_assert_int_eq(detect_str("2.1 PTR a.example.\n1 PTR b.example.\n"), MXH_FMT_BIND);
    /* tables */
    ck_assert_int_eq(detect_str("host,type,content\n"), MXH_FMT_TABLE);
    ck_assert_int_eq(detect_str("www,A,192.0.2.1\n"), MXH_FMT_TABLE);
    ck_assert_int_eq(detect_str("dm2.co.jp MX dm2.co.jp\n"), MXH_FMT_TABLE);
    ck_assert_int_eq(detect_str("www\tA\t192.0.2.1\t\t300\n"), MXH_FMT_TABLE);
    ck_assert_int_eq(detect_str("\xef\xbb\xbfhost,type,content,priority,ttl\n@,MX,mail,10,\n"),
                     MXH_FMT_TABLE);
}
END_TEST

/* Detect every file under dir (only names ending in suffix, if given). */
static size_t detect_tree(const char *dir, const char *suffix, size_t *bad, char *first_bad,
                          size_t fbsz)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(p, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            n += detect_tree(p, suffix, bad, first_bad, fbsz);
            continue;
        }
        size_t l = strlen(e->d_name);
        if ((l > 3 && strcmp(e->d_name + l - 3, ".md") == 0) ||
            (l > 4 && strcmp(e->d_name + l - 4, ".tsv") == 0))
            continue; /* the corpus' own notes */
        if (suffix && (l <= strlen(suffix) || strcmp(e->d_name + l - strlen(suffix), suffix) != 0))
            continue;
        n++;
        if (detect_file(p) != MXH_FMT_BIND) {
            if (!*bad)
                snprintf(first_bad, fbsz, "%s", p);
            (*bad)++;
        }
    }
    closedir(d);
    return n;
}

/* Every master file of the corpus must come out BIND. */
START_TEST(test_detect_corpus)
{
    const char *dir = getenv("MXH_CORPUS");
    if (!dir)
        dir = "../shared/corpus";
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        fprintf(stderr, "detect: corpus %s not present; set MXH_CORPUS to run this check\n", dir);
        return;
    }
    size_t bad = 0;
    char first_bad[1024] = "";
    size_t n = detect_tree(dir, NULL, &bad, first_bad, sizeof first_bad);
    ck_assert_uint_gt(n, 100);
    ck_assert_msg(bad == 0, "%zu of %zu corpus files not detected as BIND, first %s", bad, n,
                  first_bad);
}
END_TEST

/* The repository's own master files (*.zone) wherever other suites keep them. */
START_TEST(test_detect_repo_bind_fixtures)
{
    size_t bad = 0;
    char first_bad[1024] = "";
    size_t total = detect_tree("tests", ".zone", &bad, first_bad, sizeof first_bad);
    ck_assert_msg(bad == 0, "%zu of %zu master files not detected as BIND, first %s", bad, total,
                  first_bad);
}
END_TEST

/* Through the public loader: the format is found from the content. */
START_TEST(test_load_file_auto)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, PANEL_DIR "dm2.co.jp.txt", NULL, &z), MXH_OK);
    ck_assert_int_eq(mxh_zone_format(z), MXH_FMT_VALUEDOMAIN);
    ck_assert_uint_eq(mxh_zone_record_count(z), 5);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = "dm2.co.jp";
    ck_assert_int_eq(mxh_zoneset_load_file(zs, "tests/zones/table/header-ja.csv", &o, &z), MXH_OK);
    ck_assert_int_eq(mxh_zone_format(z), MXH_FMT_TABLE);
    ck_assert_uint_eq(mxh_zone_record_count(z), 6);
    ck_assert_int_eq(mxh_zoneset_load_file(zs, PANEL_DIR "bad.example.jp.txt", NULL, &z),
                     MXH_ERR_PARSE);
    ck_assert_int_eq(mxh_zone_format(z), MXH_FMT_VALUEDOMAIN);
    ck_assert(mxh_zone_incomplete(z));
    /* a forced format wins over detection */
    const char *t = "www A 192.0.2.1\n";
    o.origin = "example.net";
    o.format = MXH_FMT_TABLE;
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "buf", t, strlen(t), &o, &z), MXH_OK);
    ck_assert_int_eq(mxh_zone_format(z), MXH_FMT_TABLE);
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), 4);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *panel_suite(void);
Suite *panel_suite(void)
{
    Suite *s = suite_create("panel");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_seed003_old_panel);
    tcase_add_test(tc, test_seed002_lines);
    tcase_add_test(tc, test_missing_trailing_dot);
    tcase_add_test(tc, test_malformed_lines);
    tcase_add_test(tc, test_crlf_and_ttl);
    tcase_add_test(tc, test_buffers);
    suite_add_tcase(s, tc);
    TCase *td = tcase_create("detect");
    tcase_add_test(td, test_detect_fixtures);
    tcase_add_test(td, test_detect_strings);
    tcase_add_test(td, test_detect_corpus);
    tcase_add_test(td, test_detect_repo_bind_fixtures);
    tcase_add_test(td, test_load_file_auto);
    tcase_set_timeout(td, 60);
    suite_add_tcase(s, td);
    return s;
}

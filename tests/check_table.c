/* SPDX-License-Identifier: MIT */
/* Control-panel table loader (core/load_table.c): seed 003's final and fixed
 * XServer listings, header rows (Japanese, English, reordered columns), tab,
 * comma and blank separation, CRLF, how host and content names are read, and
 * malformed rows with their line numbers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxh_internal.h"

#define TABLE_DIR "tests/zones/table/"

static mxh_zone *load_table(mxh_zoneset *zs, const char *path, const char *origin, mxh_status *st)
{
    char *buf;
    size_t len;
    char err[256];
    ck_assert_msg(mxh_read_file(path, &buf, &len, err, sizeof err) == 0, "%s", err);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = origin;
    mxh_zone *z = NULL;
    *st = mxh_load_table(zs, path, buf, len, &o, &z);
    free(buf);
    return z;
}

static mxh_zone *load_str(mxh_zoneset *zs, const char *text, const char *origin, mxh_status *st)
{
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = origin;
    mxh_zone *z = NULL;
    *st = mxh_load_table(zs, "buffer", text, strlen(text), &o, &z);
    return z;
}

static void expect_rr(const mxh_zone *z, size_t i, const char *owner, uint16_t type,
                      const char *rdata, uint32_t ttl, unsigned long line)
{
    const mxh_rr *rr = mxh_zone_record(z, i);
    ck_assert_msg(rr != NULL, "no record %zu", i);
    ck_assert_str_eq(mxh_rr_owner(rr), owner);
    ck_assert_uint_eq(mxh_rr_type(rr), type);
    ck_assert_str_eq(mxh_rr_rdata(rr), rdata);
    ck_assert_uint_eq(mxh_rr_ttl(rr), ttl);
    ck_assert_uint_eq(mxh_rr_line(rr), line);
}

/* Seed 003, the final XServer listing (blank-separated, no header, no priority). */
START_TEST(test_seed003_final)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "seed003-final.txt", "dm2.co.jp", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_int_eq(mxh_zone_format(z), MXH_FMT_TABLE);
    ck_assert_str_eq(mxh_zone_origin(z), "dm2.co.jp.");
    ck_assert_uint_eq(mxh_zone_record_count(z), 5);
    ck_assert(!mxh_zone_incomplete(z));
    /* hosts written fully qualified without the dot are absolute */
    expect_rr(z, 0, "dm2.co.jp.", MXH_TYPE_A, "162.43.120.172", 3600, 1);
    expect_rr(z, 1, "www.dm2.co.jp.", MXH_TYPE_A, "162.43.120.172", 3600, 2);
    expect_rr(z, 2, "*.dm2.co.jp.", MXH_TYPE_A, "162.43.120.172", 3600, 3);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, 2)), "*.dm2.co.jp");
    /* "dm2.co.jp MX dm2.co.jp": no priority column: 0 */
    expect_rr(z, 3, "dm2.co.jp.", MXH_TYPE_MX, "0 dm2.co.jp.", 3600, 4);
    const mxh_rr *mx = mxh_zone_record(z, 3);
    ck_assert_str_eq(mxh_rr_target(mx), "dm2.co.jp.");
    ck_assert(!mxh_rr_target_relative(mx));
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "dm2.co.jp");
    /* a clean load leaves no diagnostics */
    ck_assert_uint_eq(mxh_zoneset_diag_count(zs), 0);
    /* TXT content with blanks survives whole */
    expect_rr(z, 4, "dm2.co.jp.", MXH_TYPE_TXT,
              "\"v=spf1 +a:sv14171.xserver.jp +a:dm2.co.jp +mx include:spf.sender.xserver.jp ~all\"",
              3600, 5);
    ck_assert_str_eq(mxh_rr_rdata_text(mxh_zone_record(z, 4)),
                     "v=spf1 +a:sv14171.xserver.jp +a:dm2.co.jp +mx include:spf.sender.xserver.jp ~all");
    mxh_zoneset_free(zs);
}
END_TEST

/* Seed 003, the 12 March fix: the MX content is an address, priority 0. */
START_TEST(test_seed003_fixed_mx_is_ip)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "seed003-fixed.txt", "dm2.co.jp.", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 2);
    const mxh_rr *mx = mxh_zone_record(z, 0);
    ck_assert_str_eq(mxh_rr_owner(mx), "dm2.co.jp.");
    ck_assert_uint_eq(mxh_rr_preference(mx), 0);
    /* the panel takes the content as typed: a name made of the address' labels */
    ck_assert_str_eq(mxh_rr_target(mx), "162.43.120.172.");
    ck_assert(!mxh_rr_target_relative(mx));
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "162.43.120.172");
    ck_assert_uint_eq(mxh_rr_type(mxh_zone_record(z, 1)), MXH_TYPE_TXT);
    mxh_zoneset_free(zs);
}
END_TEST

/* The Japanese header row, CSV with a quoted cell holding commas. */
START_TEST(test_header_ja_csv)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "header-ja.csv", "dm2.co.jp", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 6);
    expect_rr(z, 0, "dm2.co.jp.", MXH_TYPE_A, "162.43.120.172", 3600, 2);
    expect_rr(z, 1, "www.dm2.co.jp.", MXH_TYPE_CNAME, "dm2.co.jp.", 3600, 3);
    expect_rr(z, 2, "dm2.co.jp.", MXH_TYPE_MX, "0 dm2.co.jp.", 3600, 4);
    expect_rr(z, 3, "_dmarc.dm2.co.jp.", MXH_TYPE_TXT,
              "\"v=DMARC1; p=none; rua=mailto:a@dm2.co.jp,mailto:b@dm2.co.jp\"", 600, 5);
    /* content names with a dot are full names, as the panel takes them */
    expect_rr(z, 4, "shop.dm2.co.jp.", MXH_TYPE_CNAME, "cname.thebase.in.", 3600, 6);
    ck_assert(!mxh_rr_target_relative(mxh_zone_record(z, 4)));
    /* a relative host; empty priority and TTL cells */
    expect_rr(z, 5, "mail.dm2.co.jp.", MXH_TYPE_A, "162.43.120.173", 3600, 7);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, 5)), "mail");
    mxh_zoneset_free(zs);
}
END_TEST

/* English header, tab-separated: empty host = apex, empty cells, absolute host. */
START_TEST(test_header_en_tsv)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "header-en.tsv", "example.com", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 4); /* the AAAA lies outside the zone */
    expect_rr(z, 0, "example.com.", MXH_TYPE_MX, "10 mail.example.com.", 300, 2);
    ck_assert_str_eq(mxh_rr_owner_text(mxh_zone_record(z, 0)), "");
    /* a single-label content name is relative to the origin */
    ck_assert(mxh_rr_target_relative(mxh_zone_record(z, 0)));
    expect_rr(z, 1, "mail.example.com.", MXH_TYPE_A, "192.0.2.10", 300, 3);
    expect_rr(z, 2, "example.com.", MXH_TYPE_TXT, "\"v=spf1 mx -all\"", 3600, 4);
    expect_rr(z, 3, "old.example.com.", MXH_TYPE_MX, "20 s1.xrea.com.", 3600, 5);
    /* v6.example.net. is outside example.com: ignored with a warning */
    bool warned = false;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (mxh_diag_line(d) == 6 && mxh_diag_level_of(d) == MXH_DIAG_WARNING)
            warned = true;
    }
    ck_assert(warned);
    mxh_zoneset_free(zs);
}
END_TEST

/* A header naming the columns in another order, with an extra column. */
START_TEST(test_header_reordered)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "reordered.csv", "example.org", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 3);
    expect_rr(z, 0, "example.org.", MXH_TYPE_MX, "10 mx1.example.org.", 300, 2);
    expect_rr(z, 1, "example.org.", MXH_TYPE_MX, "20 mx2.example.net.", 300, 3);
    expect_rr(z, 2, "mx1.example.org.", MXH_TYPE_A, "192.0.2.1", 300, 4);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_crlf)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "crlf.csv", "example.com", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 2);
    expect_rr(z, 0, "example.com.", MXH_TYPE_MX, "10 mail.example.com.", 3600, 2);
    expect_rr(z, 1, "mail.example.com.", MXH_TYPE_A, "192.0.2.7", 3600, 3);
    ck_assert_str_eq(mxh_rr_rdata_text(mxh_zone_record(z, 1)), "192.0.2.7"); /* no CR */
    mxh_zoneset_free(zs);
}
END_TEST

/* How names in the host and content columns are read (load_table.c's header). */
START_TEST(test_name_reading)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    const char *t =
        "example.com A 192.0.2.1\n"           /* 1: equal to the origin: absolute */
        "WWW.Example.COM A 192.0.2.2\n"       /* 2: ends in the origin: absolute */
        "www A 192.0.2.3\n"                   /* 3: relative */
        "mail.sub A 192.0.2.4\n"              /* 4: not ending in the origin: relative */
        "@ MX mail 10\n"                      /* 5: @ = apex; single label content: relative */
        "abs.example.net. CNAME x.example.com\n" /* 6: final dot: absolute, outside the zone */
        "alias CNAME @\n"                     /* 7: @ in content = origin */
        "alias2 CNAME s1.xrea.com.\n"         /* 8: final dot */
        "alias3 CNAME sub.example.com\n"      /* 9: ends in the origin */
        "- A 192.0.2.5\n"                     /* 10: "-" is a label, not an empty host */
        "null MX . 0\n";                      /* 11: RFC 7505 null MX */
    mxh_zone *z = load_str(zs, t, "example.com", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 10);
    size_t i = 0;
    ck_assert_str_eq(mxh_rr_owner(mxh_zone_record(z, i)), "example.com.");
    ck_assert(!(mxh_zone_record(z, i)->flags & MXH_RR_OWNER_RELATIVE));
    i++;
    ck_assert_str_eq(mxh_rr_owner(mxh_zone_record(z, i)), "www.example.com.");
    ck_assert(!(mxh_zone_record(z, i)->flags & MXH_RR_OWNER_RELATIVE));
    i++;
    ck_assert_str_eq(mxh_rr_owner(mxh_zone_record(z, i)), "www.example.com.");
    ck_assert(mxh_zone_record(z, i)->flags & MXH_RR_OWNER_RELATIVE);
    i++;
    ck_assert_str_eq(mxh_rr_owner(mxh_zone_record(z, i++)), "mail.sub.example.com.");
    expect_rr(z, i, "example.com.", MXH_TYPE_MX, "10 mail.example.com.", 3600, 5);
    ck_assert(mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    expect_rr(z, i, "alias.example.com.", MXH_TYPE_CNAME, "example.com.", 3600, 7);
    i++;
    expect_rr(z, i, "alias2.example.com.", MXH_TYPE_CNAME, "s1.xrea.com.", 3600, 8);
    ck_assert(!mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    expect_rr(z, i, "alias3.example.com.", MXH_TYPE_CNAME, "sub.example.com.", 3600, 9);
    ck_assert(!mxh_rr_target_relative(mxh_zone_record(z, i)));
    i++;
    ck_assert_str_eq(mxh_rr_owner(mxh_zone_record(z, i++)), "-.example.com.");
    expect_rr(z, i, "null.example.com.", MXH_TYPE_MX, "0 .", 3600, 11);
    mxh_zoneset_free(zs);
}
END_TEST

/* Blank-separated rows: which trailing numbers are priority and TTL. */
START_TEST(test_columns)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    const char *t =
        "www A 192.0.2.1 600\n"                     /* 1: A has no priority: a lone number is the TTL */
        "www A 192.0.2.2 - 700\n"                   /* 2: priority '-', TTL */
        "@ MX mx1.example.net 5 800\n"              /* 3: exchange priority TTL */
        "@ MX 15 mx2.example.net\n"                 /* 4: master-file order */
        "@ TXT v=spf1 a mx ip4:192.0.2.0/24 -all\n" /* 5: text runs to the end */
        "@ TXT \"quoted one\" \"two\" - 900\n"      /* 6: quoted strings, then columns */
        "_sip._tcp SRV 10 60 5060 sip.example.net 1000\n" /* 7 */
        "@ CAA 0 issue \"ca.example.net\"\n"        /* 8: other types: the rest */
        "www\tAAAA\t2001:db8::1\t\t1100\n"          /* 9: a tab row among blank rows */
        "t,TXT,\"he said \"\"hi\"\"\",,1200\n"      /* 10: CSV doubled quotes */
        "u TXT \"one\" two 3\n";                    /* 11: words after quotes: all text */
    mxh_zone *z = load_str(zs, t, "example.com", &st);
    ck_assert_int_eq(st, MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(z), 11);
    expect_rr(z, 0, "www.example.com.", MXH_TYPE_A, "192.0.2.1", 600, 1);
    expect_rr(z, 1, "www.example.com.", MXH_TYPE_A, "192.0.2.2", 700, 2);
    expect_rr(z, 2, "example.com.", MXH_TYPE_MX, "5 mx1.example.net.", 800, 3);
    expect_rr(z, 3, "example.com.", MXH_TYPE_MX, "15 mx2.example.net.", 3600, 4);
    expect_rr(z, 4, "example.com.", MXH_TYPE_TXT, "\"v=spf1 a mx ip4:192.0.2.0/24 -all\"", 3600, 5);
    expect_rr(z, 5, "example.com.", MXH_TYPE_TXT, "\"quoted one\" \"two\"", 900, 6);
    expect_rr(z, 6, "_sip._tcp.example.com.", MXH_TYPE_SRV, "10 60 5060 sip.example.net.", 1000, 7);
    ck_assert_str_eq(mxh_rr_target(mxh_zone_record(z, 6)), "sip.example.net.");
    ck_assert_uint_eq(mxh_rr_type(mxh_zone_record(z, 7)), MXH_TYPE_CAA);
    expect_rr(z, 8, "www.example.com.", MXH_TYPE_AAAA, "2001:db8::1", 1100, 9);
    expect_rr(z, 9, "t.example.com.", MXH_TYPE_TXT, "\"he said \\\"hi\\\"\"", 1200, 10);
    expect_rr(z, 10, "u.example.com.", MXH_TYPE_TXT, "\"one\" \"two\" \"3\"", 3600, 11);
    /* CSV SRV: "weight port target" with the priority in its column */
    const char *csv = "host,type,content,priority,ttl\n_xmpp._tcp,SRV,5 5269 xmpp.example.net,20,\n";
    z = load_str(zs, csv, "example.org", &st);
    ck_assert_int_eq(st, MXH_OK);
    expect_rr(z, 0, "_xmpp._tcp.example.org.", MXH_TYPE_SRV, "20 5 5269 xmpp.example.net.", 3600, 2);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_malformed_rows)
{
    mxh_zoneset *zs;
    mxh_status st;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = load_table(zs, TABLE_DIR "bad.txt", "example.com", &st);
    ck_assert_int_eq(st, MXH_ERR_PARSE);
    ck_assert_ptr_nonnull(z);
    ck_assert(mxh_zone_incomplete(z));
    ck_assert_uint_eq(mxh_zone_record_count(z), 3);
    ck_assert_uint_eq(mxh_zone_rejected_count(z), 9);
    expect_rr(z, 0, "www.example.com.", MXH_TYPE_A, "192.0.2.1", 3600, 2);
    expect_rr(z, 1, "ok.example.com.", MXH_TYPE_MX, "10 mail.example.com.", 300, 9);
    expect_rr(z, 2, "_sip._tcp.example.com.", MXH_TYPE_SRV, "10 60 5060 sip.example.com.", 300, 13);
    static const unsigned long bad[] = {3, 4, 5, 6, 7, 8, 10, 11, 12};
    size_t k = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (mxh_diag_level_of(d) != MXH_DIAG_ERROR)
            continue;
        ck_assert_uint_lt(k, sizeof bad / sizeof bad[0]);
        ck_assert_uint_eq(mxh_diag_line(d), bad[k]);
        ck_assert_str_eq(mxh_diag_file(d), TABLE_DIR "bad.txt");
        k++;
    }
    ck_assert_uint_eq(k, 9);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "bad.txt:3: unknown record type 'AA'"));
    /* CSV: an unterminated quote and too many cells */
    const char *csv = "host,type,content,priority,ttl\nx,TXT,\"open,,\ny,A,192.0.2.1,,,extra\n"
                      "z,A,192.0.2.2\n";
    z = load_str(zs, csv, "example.org", &st);
    ck_assert_int_eq(st, MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_zone_rejected_count(z), 2);
    ck_assert_uint_eq(mxh_zone_record_count(z), 1);
    /* no origin */
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(mxh_load_table(zs, "db:42", "www A 192.0.2.1\n", 16, &o, &z), MXH_ERR_ARG);
    ck_assert_ptr_null(z);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *table_suite(void);
Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_seed003_final);
    tcase_add_test(tc, test_seed003_fixed_mx_is_ip);
    tcase_add_test(tc, test_header_ja_csv);
    tcase_add_test(tc, test_header_en_tsv);
    tcase_add_test(tc, test_header_reordered);
    tcase_add_test(tc, test_crlf);
    tcase_add_test(tc, test_name_reading);
    tcase_add_test(tc, test_columns);
    tcase_add_test(tc, test_malformed_rows);
    suite_add_tcase(s, tc);
    return s;
}

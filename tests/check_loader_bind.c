/* SPDX-License-Identifier: MIT */
/*
 * The RFC 1035 master-file loader (core/load_bind.c) and load dispatch
 * (core/load.c): every syntax feature, TTL rules, origin detection,
 * $INCLUDE confinement, error recovery and hostile input.
 * Fixtures: tests/zones/bind/ (run from the repository root).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mxh_internal.h"

#define FIX "tests/zones/bind"

static mxh_zoneset *zs;
static mxh_zone *zone;
static mxh_status st;

static void setup(void)
{
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    zone = NULL;
}

static void teardown(void)
{
    mxh_zoneset_free(zs);
    zs = NULL;
}

static mxh_status load_opts(const char *text, const mxh_load_opts *o)
{
    zone = NULL;
    st = mxh_zoneset_load_buffer(zs, "db:test", text, strlen(text), o, &zone);
    return st;
}

static mxh_status load(const char *text)
{
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.format = MXH_FMT_BIND;
    o.origin = "example.com";
    return load_opts(text, &o);
}

/* The i-th record of the zone with this owner and type, or NULL. */
static const mxh_rr *find(const char *owner, uint16_t type, int nth)
{
    for (size_t i = 0; zone && i < mxh_zone_record_count(zone); i++) {
        const mxh_rr *r = mxh_zone_record(zone, i);
        if (strcmp(mxh_rr_owner(r), owner) == 0 && mxh_rr_type(r) == type && nth-- == 0)
            return r;
    }
    return NULL;
}

static const mxh_rr *must(const char *owner, uint16_t type)
{
    const mxh_rr *r = find(owner, type, 0);
    ck_assert_msg(r != NULL, "no %s record at %s", mxh_type_name(type, (char[16]){0}), owner);
    return r;
}

/* A diagnostic of this level at this line whose message contains text. */
static int has_diag(mxh_diag_level lvl, unsigned long line, const char *text)
{
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (mxh_diag_level_of(d) == lvl && mxh_diag_line(d) == line &&
            strstr(mxh_diag_message(d), text))
            return 1;
    }
    return 0;
}

static void dump_diags(void)
{
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        fprintf(stderr, "  diag %d %s:%lu: %s\n", mxh_diag_level_of(d), mxh_diag_file(d),
                mxh_diag_line(d), mxh_diag_message(d));
    }
}

#define DIAG(lvl, line, text)                                                              \
    do {                                                                                   \
        if (!has_diag(lvl, line, text)) {                                                  \
            dump_diags();                                                                  \
            ck_abort_msg("no diagnostic at line %d with '%s'", (int)(line), text);         \
        }                                                                                  \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Syntax                                                                   */

START_TEST(test_basic_records)
{
    ck_assert_int_eq(load("$ORIGIN example.com.\n"
                          "$TTL 1h\n"
                          "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                          "  IN NS ns1\n"
                          "  MX 10 mail\n"
                          "mail A 192.0.2.25\n"
                          "www.example.com. CNAME @\n"),
                     MXH_OK);
    ck_assert_ptr_nonnull(zone);
    ck_assert_str_eq(mxh_zone_origin(zone), "example.com.");
    ck_assert_uint_eq(mxh_zone_record_count(zone), 5);
    ck_assert_int_eq(mxh_zone_format(zone), MXH_FMT_BIND);

    const mxh_rr *soa = must("example.com.", MXH_TYPE_SOA);
    ck_assert_str_eq(mxh_rr_owner_text(soa), "@");
    ck_assert_uint_eq(mxh_rr_line(soa), 3);
    ck_assert_uint_eq(mxh_rr_ttl(soa), 3600);
    ck_assert_str_eq(mxh_rr_rdata(soa),
                     "ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300");

    const mxh_rr *ns = must("example.com.", MXH_TYPE_NS);
    ck_assert_str_eq(mxh_rr_owner_text(ns), ""); /* blank owner */
    ck_assert(ns->flags & MXH_RR_OWNER_RELATIVE);
    ck_assert_str_eq(mxh_rr_target(ns), "ns1.example.com.");

    const mxh_rr *mx = must("example.com.", MXH_TYPE_MX);
    ck_assert_uint_eq(mxh_rr_preference(mx), 10);
    ck_assert_str_eq(mxh_rr_target(mx), "mail.example.com.");
    ck_assert(mxh_rr_target_relative(mx));
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "10 mail");
    ck_assert_str_eq(mxh_rr_rdata(mx), "10 mail.example.com.");
    ck_assert_uint_eq(mxh_rr_line(mx), 5);
    ck_assert_uint_eq(mxh_rr_class(mx), 1);

    const mxh_rr *a = must("mail.example.com.", MXH_TYPE_A);
    ck_assert_str_eq(mxh_rr_owner_text(a), "mail");
    ck_assert(a->flags & MXH_RR_OWNER_RELATIVE);
    /* identical text and canonical form share one string */
    ck_assert_ptr_eq(mxh_rr_rdata_text(a), mxh_rr_rdata(a));

    const mxh_rr *cn = must("www.example.com.", MXH_TYPE_CNAME);
    ck_assert(!(cn->flags & MXH_RR_OWNER_RELATIVE));
    ck_assert_str_eq(mxh_rr_target(cn), "example.com.");
    ck_assert_str_eq(mxh_rr_file(cn), "db:test");
}
END_TEST

START_TEST(test_ttl_class_order)
{
    ck_assert_int_eq(load("$TTL 100\n"
                          "a 200 IN A 192.0.2.1\n"
                          "b IN 300 A 192.0.2.2\n"   /* class before TTL (RFC 1035 §5.1) */
                          "c IN A 192.0.2.3\n"
                          "d 1h30m A 192.0.2.4\n"
                          "e 2W in A 192.0.2.5\n"
                          "f CH TXT \"chaos\"\n"
                          "g CLASS1 400 A 192.0.2.7\n"),
                     MXH_OK);
    ck_assert_uint_eq(mxh_rr_ttl(must("a.example.com.", MXH_TYPE_A)), 200);
    ck_assert_uint_eq(mxh_rr_ttl(must("b.example.com.", MXH_TYPE_A)), 300);
    ck_assert_uint_eq(mxh_rr_ttl(must("c.example.com.", MXH_TYPE_A)), 100);
    ck_assert_uint_eq(mxh_rr_ttl(must("d.example.com.", MXH_TYPE_A)), 5400);
    ck_assert_uint_eq(mxh_rr_ttl(must("e.example.com.", MXH_TYPE_A)), 1209600);
    ck_assert_uint_eq(mxh_rr_class(must("f.example.com.", MXH_TYPE_TXT)), 3);
    ck_assert_uint_eq(mxh_rr_ttl(must("g.example.com.", MXH_TYPE_A)), 400);
    ck_assert_uint_eq(mxh_rr_class(must("g.example.com.", MXH_TYPE_A)), 1);
}
END_TEST

START_TEST(test_ttl_defaults)
{
    /* no $TTL: the SOA without TTL gives its MINIMUM, with a warning */
    ck_assert_int_eq(load("@ SOA ns1 hm 1 2 3 4 120\n"
                          "a A 192.0.2.1\n"
                          "b 50 A 192.0.2.2\n"
                          "c A 192.0.2.3\n"),
                     MXH_OK);
    ck_assert_uint_eq(mxh_rr_ttl(must("example.com.", MXH_TYPE_SOA)), 120);
    ck_assert_uint_eq(mxh_rr_ttl(must("a.example.com.", MXH_TYPE_A)), 120);
    ck_assert_uint_eq(mxh_rr_ttl(must("b.example.com.", MXH_TYPE_A)), 50);
    ck_assert_uint_eq(mxh_rr_ttl(must("c.example.com.", MXH_TYPE_A)), 120);
    DIAG(MXH_DIAG_WARNING, 1, "SOA MINIMUM 120");
}
END_TEST

START_TEST(test_ttl_rfc1035_and_fallback)
{
    /* an explicit TTL and no $TTL: later records take the last explicit TTL */
    ck_assert_int_eq(load("@ 500 SOA ns1 hm 1 2 3 4 120\n"
                          "a A 192.0.2.1\n"
                          "b 70 A 192.0.2.2\n"
                          "c A 192.0.2.3\n"),
                     MXH_OK);
    ck_assert_uint_eq(mxh_rr_ttl(must("a.example.com.", MXH_TYPE_A)), 500);
    ck_assert_uint_eq(mxh_rr_ttl(must("c.example.com.", MXH_TYPE_A)), 70);
    DIAG(MXH_DIAG_NOTICE, 2, "RFC 1035");

    /* nothing at all: the option, else 3600 */
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = "example.net";
    o.default_ttl = 42;
    ck_assert_int_eq(load_opts("x A 192.0.2.9\n", &o), MXH_OK);
    ck_assert_uint_eq(mxh_rr_ttl(must("x.example.net.", MXH_TYPE_A)), 42);
    DIAG(MXH_DIAG_WARNING, 1, "no TTL specified");
    o.default_ttl = 0;
    o.origin = "example.org";
    ck_assert_int_eq(load_opts("x A 192.0.2.9\n", &o), MXH_OK);
    ck_assert_uint_eq(mxh_rr_ttl(must("x.example.org.", MXH_TYPE_A)), 3600);

    /* RFC 2181 §8: a TTL with the top bit set counts as zero */
    o.origin = "example.info";
    ck_assert_int_eq(load_opts("y 2147483648 A 192.0.2.9\nz 2147483647 A 192.0.2.9\n", &o), MXH_OK);
    ck_assert_uint_eq(mxh_rr_ttl(must("y.example.info.", MXH_TYPE_A)), 0);
    ck_assert_uint_eq(mxh_rr_ttl(must("z.example.info.", MXH_TYPE_A)), 2147483647u);
    DIAG(MXH_DIAG_WARNING, 1, "RFC 2181");
}
END_TEST

START_TEST(test_parentheses_comments_quotes)
{
    ck_assert_int_eq(load("$TTL 60\n"
                          "@ IN SOA ns1.example.com. ( ; the primary\n"
                          "      hostmaster  ; the mailbox\n"
                          "      2024010101  ; serial\n"
                          "      1h 15m      ; refresh retry\n"
                          "      (1w) 300 )  ; nested parentheses are fine\n"
                          "txt TXT \"semi; colon\" \"paren ( )\" ( \"next\n"
                          "  line\" ) ; more\n"
                          "mx MX ( 10\n"
                          "        mail )\n"),
                     MXH_ERR_PARSE); /* the TXT's quoted string spans a line: refused */
    const mxh_rr *soa = must("example.com.", MXH_TYPE_SOA);
    ck_assert_uint_eq(mxh_rr_line(soa), 2);
    ck_assert_str_eq(mxh_rr_rdata_text(soa), "ns1.example.com. hostmaster 2024010101 1h 15m 1w 300");
    ck_assert_str_eq(mxh_rr_rdata(soa),
                     "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300");
    /* the broken line and its continuation are reported, the next record loads */
    DIAG(MXH_DIAG_ERROR, 7, "unterminated quoted string");
    DIAG(MXH_DIAG_ERROR, 8, "unterminated quoted string");
    const mxh_rr *mx = must("mx.example.com.", MXH_TYPE_MX);
    ck_assert_uint_eq(mxh_rr_line(mx), 9);
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "10 mail");
    ck_assert_uint_eq(mxh_zone_rejected_count(zone), 2);

    ck_assert_int_eq(load("t TXT \"semi; colon\" \"paren ( )\" ( \"a\\\"b\"\n"
                          "  c ) ; more\n"),
                     MXH_OK);
    const mxh_rr *t = must("t.example.com.", MXH_TYPE_TXT);
    ck_assert_str_eq(mxh_rr_rdata_text(t), "\"semi; colon\" \"paren ( )\" \"a\\\"b\" c");
    ck_assert_str_eq(mxh_rr_rdata(t), "\"semi; colon\" \"paren ( )\" \"a\\\"b\" \"c\"");
}
END_TEST

START_TEST(test_escapes_and_names)
{
    ck_assert_int_eq(load("a\\.b A 192.0.2.1\n"
                          "\\065BC A 192.0.2.2\n"
                          "sp\\ ace A 192.0.2.3\n"
                          "UPPER.Example.COM. A 192.0.2.4\n"
                          "*.wild MX 10 mail\n"
                          "_dmarc TXT \"v=DMARC1; p=none\"\n"),
                     MXH_OK);
    must("a\\.b.example.com.", MXH_TYPE_A);
    must("abc.example.com.", MXH_TYPE_A);
    must("sp\\032ace.example.com.", MXH_TYPE_A);
    const mxh_rr *u = must("upper.example.com.", MXH_TYPE_A);
    ck_assert_str_eq(mxh_rr_owner_text(u), "UPPER.Example.COM.");
    must("*.wild.example.com.", MXH_TYPE_MX);
    must("_dmarc.example.com.", MXH_TYPE_TXT);
}
END_TEST

START_TEST(test_name_lengths)
{
    /* 255 octets in wire form is the limit (RFC 1035 §2.3.4). With the origin
     * "example.com." (13 octets) the owner may add 242 octets:
     * 3 labels of 63 and one of 49 (each plus its length octet). */
    char l63[64];
    memset(l63, 'a', 63);
    l63[63] = '\0';
    char buf[2048];
    snprintf(buf, sizeof buf, "%s.%s.%s.%.*s A 192.0.2.1\n%s.%s.%s.%.*s A 192.0.2.1\n", l63, l63,
             l63, 49, l63, l63, l63, l63, 50, l63);
    ck_assert_int_eq(load(buf), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_zone_record_count(zone), 1);
    ck_assert_uint_eq(mxh_zone_rejected_count(zone), 1);
    DIAG(MXH_DIAG_ERROR, 2, "longer than 255");
    /* a 300-octet name and a 64-octet label */
    char big[4096];
    size_t o = 0;
    for (int i = 0; i < 10; i++)
        o += (size_t)snprintf(big + o, sizeof big - o, "%.29s.", l63);
    snprintf(big + o, sizeof big - o, " A 192.0.2.1\n%s%s A 192.0.2.1\n", l63, "b");
    ck_assert_int_eq(load(big), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_zone_rejected_count(zone), 2);
    DIAG(MXH_DIAG_ERROR, 1, "bad owner name");
    DIAG(MXH_DIAG_ERROR, 2, "label longer than 63");
}
END_TEST

START_TEST(test_crlf_bom)
{
    ck_assert_int_eq(load("\xEF\xBB\xBF$ORIGIN example.com.\r\n"
                          "@ 60 IN MX 10 mail ; c\r\n"
                          "mail 60 IN A 192.0.2.1\r\n"
                          "\r\n"
                          "t 60 TXT ( \"x\"\r\n  \"y\" )\r\n"),
                     MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(zone), 3);
    ck_assert_str_eq(mxh_rr_rdata(must("example.com.", MXH_TYPE_MX)), "10 mail.example.com.");
    ck_assert_str_eq(mxh_rr_rdata(must("mail.example.com.", MXH_TYPE_A)), "192.0.2.1");
    const mxh_rr *t = must("t.example.com.", MXH_TYPE_TXT);
    ck_assert_str_eq(mxh_rr_rdata(t), "\"x\" \"y\"");
    ck_assert_uint_eq(mxh_rr_line(t), 5);

    /* the same from a file, with the BOM before $ORIGIN */
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/bom-crlf.zone", NULL, &z), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(z), "bom.example.");
    ck_assert_uint_eq(mxh_zone_record_count(z), 3);
    zone = z;
    ck_assert_str_eq(mxh_rr_rdata(must("www.bom.example.", MXH_TYPE_TXT)), "\"crlf ok\"");
    ck_assert_uint_eq(mxh_rr_ttl(must("www.bom.example.", MXH_TYPE_A)), 3600);
    ck_assert_uint_eq(mxh_rr_line(must("www.bom.example.", MXH_TYPE_TXT)), 7);
}
END_TEST

START_TEST(test_huge_txt)
{
    /* 250 strings of 255 octets over 250 lines in parentheses: 64 000 octets */
    size_t cap = 250 * 262 + 64;
    char *b = malloc(cap);
    size_t o = (size_t)snprintf(b, cap, "big TXT (\n");
    for (int i = 0; i < 250; i++) {
        b[o++] = ' ';
        b[o++] = '"';
        memset(b + o, 'a' + i % 26, 255);
        o += 255;
        b[o++] = '"';
        b[o++] = '\n';
    }
    o += (size_t)snprintf(b + o, cap - o, ")\nafter A 192.0.2.1\n");
    ck_assert_int_eq(load(b), MXH_OK);
    const mxh_rr *t = must("big.example.com.", MXH_TYPE_TXT);
    ck_assert_uint_eq(strlen(mxh_rr_rdata(t)), 250 * 258 - 1);
    ck_assert_ptr_eq(mxh_rr_rdata(t), mxh_rr_rdata_text(t));
    ck_assert_uint_eq(mxh_rr_line(must("after.example.com.", MXH_TYPE_A)), 253);
    free(b);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Bad lines: reported with their line, the rest loads                     */

START_TEST(test_malformed_lines)
{
    ck_assert_int_eq(load("$TTL 60\n"
                          "ok1 A 192.0.2.1\n"
                          "bad1 A 1.2.3\n"                  /* 3 */
                          "bad2 MX 70000 mail\n"            /* 4 */
                          "bad3 FOO 1 2 3\n"                /* 5 */
                          "bad4 A\n"                        /* 6 */
                          "bad5\n"                          /* 7 */
                          "ok2 A 192.0.2.2\n"
                          "bad7 A 192.0.2.1 )\n"            /* 9 */
                          "$GENERATE 1-10 h$ A 192.0.2.$\n" /* 10 */
                          "$TTL soon\n"                     /* 11 */
                          "bad8 ANY 192.0.2.1\n"            /* 12 */
                          "bad9 3600 3600 A 192.0.2.1\n"    /* 13 */
                          "bad6 ( A 192.0.2.1\n"            /* 14: never closed ... */
                          "ok3 A 192.0.2.3\n"),             /* ... but this line loads */
                     MXH_ERR_PARSE);
    DIAG(MXH_DIAG_ERROR, 3, "bad IPv4 address '1.2.3'");
    DIAG(MXH_DIAG_ERROR, 4, "MX preference 70000 out of range");
    DIAG(MXH_DIAG_ERROR, 5, "unknown type 'FOO'");
    DIAG(MXH_DIAG_ERROR, 6, "A needs 1 field, got 0");
    DIAG(MXH_DIAG_ERROR, 7, "needs a type");
    DIAG(MXH_DIAG_ERROR, 9, "')' without a matching '('");
    DIAG(MXH_DIAG_ERROR, 10, "unsupported directive '$GENERATE'");
    DIAG(MXH_DIAG_ERROR, 11, "bad $TTL soon");
    DIAG(MXH_DIAG_ERROR, 12, "query type");
    DIAG(MXH_DIAG_ERROR, 13, "where the type should be");
    DIAG(MXH_DIAG_ERROR, 14, "'(' opened on line 14 is never closed");
    must("ok1.example.com.", MXH_TYPE_A);
    must("ok2.example.com.", MXH_TYPE_A);
    must("ok3.example.com.", MXH_TYPE_A);
    ck_assert_uint_eq(mxh_zone_record_count(zone), 3);
    ck_assert_uint_eq(mxh_zone_rejected_count(zone), 11);
    ck_assert(mxh_zone_incomplete(zone));
    /* errmsg carries the last error with its place */
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "db:test:14: "));
}
END_TEST

START_TEST(test_blank_owner_first)
{
    ck_assert_int_eq(load("  A 192.0.2.1\nok A 192.0.2.2\n"), MXH_ERR_PARSE);
    DIAG(MXH_DIAG_ERROR, 1, "no previous owner");
    ck_assert_uint_eq(mxh_zone_record_count(zone), 1);
}
END_TEST

START_TEST(test_out_of_zone)
{
    ck_assert_int_eq(load("in A 192.0.2.1\nother.example.net. A 192.0.2.2\n"), MXH_OK);
    DIAG(MXH_DIAG_WARNING, 2, "out-of-zone");
    ck_assert_uint_eq(mxh_zone_record_count(zone), 1);
}
END_TEST

START_TEST(test_hostile)
{
    /* unterminated quote at the end of the input */
    ck_assert_int_eq(load("a A 192.0.2.1\nt TXT \"never closed"), MXH_ERR_PARSE);
    DIAG(MXH_DIAG_ERROR, 2, "unterminated quoted string");
    ck_assert_uint_eq(mxh_zone_record_count(zone), 1);
    /* unterminated parenthesis at the end */
    ck_assert_int_eq(load("a A 192.0.2.1\n@ SOA ns hm ( 1 2\n 3 4"), MXH_ERR_PARSE);
    DIAG(MXH_DIAG_ERROR, 2, "never closed");
    /* a control character */
    ck_assert_int_eq(load("a A 192.0.2.1\nb\x01 A 192.0.2.1\n"), MXH_ERR_PARSE);
    DIAG(MXH_DIAG_ERROR, 2, "control character 0x01");
    /* backslash at the very end */
    ck_assert_int_eq(load("a A 192.0.2.1\nb\\"), MXH_ERR_PARSE);
    /* a 1 MiB line of one word, and a line of 100 000 words */
    size_t n = 1 << 20;
    char *big = malloc(n + 64);
    memset(big, 'x', n);
    strcpy(big + n, " A 192.0.2.1\nok A 192.0.2.1\n");
    ck_assert_int_eq(load(big), MXH_ERR_PARSE);
    must("ok.example.com.", MXH_TYPE_A);
    DIAG(MXH_DIAG_ERROR, 1, "bad owner name");
    for (size_t i = 0; i < n; i += 2) {
        big[i] = 'y';
        big[i + 1] = ' ';
    }
    memcpy(big, "t TXT ", 6);
    strcpy(big + n, "\nok A 192.0.2.1\n");
    ck_assert_int_eq(load(big), MXH_ERR_PARSE);
    DIAG(MXH_DIAG_ERROR, 1, "more than");
    must("ok.example.com.", MXH_TYPE_A);
    free(big);
    /* high bytes (UTF-8 and legacy encodings) in names and comments are data */
    ck_assert_int_eq(load("; \xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\n\xe3\x83\xa1 A 192.0.2.1\n"),
                     MXH_OK);
    must("\\227\\131\\161.example.com.", MXH_TYPE_A);
    /* empty input: an empty zone */
    ck_assert_int_eq(load(""), MXH_OK);
    ck_assert_uint_eq(mxh_zone_record_count(zone), 0);
}
END_TEST

START_TEST(test_binary_refused)
{
    const char bin[] = "$ORIGIN x.\n\0\0\x01\x02 A 1.2.3.4\n";
    zone = (mxh_zone *)1;
    st = mxh_zoneset_load_buffer(zs, "db:bin", bin, sizeof bin - 1, NULL, &zone);
    ck_assert_int_eq(st, MXH_ERR_FORMAT);
    ck_assert_ptr_null(zone);
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), 0);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "NUL"));
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(1 + (i * 7) % 30);
    st = mxh_zoneset_load_buffer(zs, "db:junk", junk, sizeof junk, NULL, &zone);
    ck_assert_int_eq(st, MXH_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "non-text"));
}
END_TEST

START_TEST(test_file_errors)
{
    mxh_zone *z = (mxh_zone *)1;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/no-such.zone", NULL, &z), MXH_ERR_IO);
    ck_assert_ptr_null(z);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "no-such.zone"));
    ck_assert_uint_eq(mxh_zoneset_diag_count(zs), 1);
    ck_assert_str_eq(mxh_diag_file(mxh_zoneset_diag(zs, 0)), FIX "/no-such.zone");
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX, NULL, &z), MXH_ERR_IO);
    /* larger than MXH_FILE_MAX (a sparse file: no disk is used) */
    char big[] = "/tmp/mxh-big-XXXXXX";
    int fd = mkstemp(big);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)MXH_FILE_MAX + 1), 0);
    close(fd);
    ck_assert_int_eq(mxh_zoneset_load_file(zs, big, NULL, &z), MXH_ERR_LIMIT);
    ck_assert_ptr_null(z);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "too large"));
    unlink(big);
    ck_assert_int_eq(mxh_zoneset_load_file(zs, NULL, NULL, &z), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_zoneset_load_file(NULL, FIX "/bom-crlf.zone", NULL, &z), MXH_ERR_ARG);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Origin detection                                                         */

START_TEST(test_origin_sources)
{
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    /* $ORIGIN at the top */
    ck_assert_int_eq(load_opts("; c\n$TTL 1\n$ORIGIN a.example.\nx A 192.0.2.1\n", &o), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(zone), "a.example.");
    /* absolute SOA owner */
    ck_assert_int_eq(load_opts("B.Example. 1 SOA ns hm 1 2 3 4 5\nx A 192.0.2.1\n", &o), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(zone), "b.example.");
    must("x.b.example.", MXH_TYPE_A);
    /* "$ORIGIN ." then an absolute SOA owner: the SOA is the apex, not the root */
    ck_assert_int_eq(load_opts("$ORIGIN .\n$TTL 60\ntonkat.su. IN SOA ns hm 1 2 3 4 5\n"
                               "$ORIGIN tonkat.su.\nwww A 192.0.2.1\n", &o), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(zone), "tonkat.su.");
    must("www.tonkat.su.", MXH_TYPE_A);
    /* "@ SOA" after $ORIGIN: the $ORIGIN, through the SOA */
    ck_assert_int_eq(load_opts("$ORIGIN d.example.\n@ 1 SOA ns hm 1 2 3 4 5\n", &o), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(zone), "d.example.");
    /* the option */
    o.origin = "C.Example";
    ck_assert_int_eq(load_opts("@ 1 SOA ns hm 1 2 3 4 5\n", &o), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(zone), "c.example.");
    /* the option names the zone even when the file starts elsewhere */
    ck_assert_int_eq(load_opts("$ORIGIN sub.c.example.\nx 1 A 192.0.2.1\n", &o), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(zone), "c.example.");
    must("x.sub.c.example.", MXH_TYPE_A);
    DIAG(MXH_DIAG_NOTICE, 0, "the zone is c.example. as given");
    o.origin = "bad..name";
    ck_assert_int_eq(load_opts("x 1 A 192.0.2.1\n", &o), MXH_ERR_ARG);
    /* the file name */
    o.origin = NULL;
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/example.org.zone", &o, &z), MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(z), "example.org.");
    /* buffer names count as file names */
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "db.example.net", "@ 1 MX 0 .\n", 11, &o, &z),
                     MXH_OK);
    ck_assert_str_eq(mxh_zone_origin(z), "example.net.");
    /* nothing tells: an error and no zone */
    z = (mxh_zone *)1;
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "zonefile", "x 1 A 192.0.2.1\n", 16, &o, &z),
                     MXH_ERR_ARG);
    ck_assert_ptr_null(z);
    ck_assert_ptr_nonnull(strstr(mxh_zoneset_errmsg(zs), "origin"));
}
END_TEST

START_TEST(test_origin_changes)
{
    ck_assert_int_eq(load("$TTL 1\n"
                          "a A 192.0.2.1\n"
                          "$ORIGIN sub\n" /* relative: completed with the current origin */
                          "b A 192.0.2.2\n"
                          "@ MX 10 mail\n"
                          "$ORIGIN example.com.\n"
                          "c A 192.0.2.3\n"
                          "$ORIGIN\n"),
                     MXH_ERR_PARSE);
    must("a.example.com.", MXH_TYPE_A);
    must("b.sub.example.com.", MXH_TYPE_A);
    ck_assert_str_eq(mxh_rr_target(must("sub.example.com.", MXH_TYPE_MX)),
                     "mail.sub.example.com.");
    must("c.example.com.", MXH_TYPE_A);
    DIAG(MXH_DIAG_ERROR, 8, "$ORIGIN needs exactly one name");
}
END_TEST

START_TEST(test_format_auto)
{
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = "example.com";
    ck_assert_int_eq(load_opts("$TTL 60\n@ IN MX 10 mail\nmail IN A 192.0.2.1\n", &o), MXH_OK);
    ck_assert_int_eq(mxh_zone_format(zone), MXH_FMT_BIND);
    ck_assert_uint_eq(mxh_zone_record_count(zone), 2);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* $INCLUDE                                                                 */

START_TEST(test_include_inside_root)
{
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/inc/top.zone", NULL, &z), MXH_OK);
    zone = z;
    ck_assert_str_eq(mxh_zone_origin(z), "top.example.");
    /* records in file order, includes expanded in place */
    static const char *const owners[] = {"top.example.", "top.example.", "ns1.top.example.",
                                         "mail.top.example.", "mail.top.example.",
                                         "after.top.example.", "mail.other.top.example.",
                                         "mail.other.top.example.", "last.top.example."};
    ck_assert_uint_eq(mxh_zone_record_count(z), 9);
    for (size_t i = 0; i < 9; i++)
        ck_assert_str_eq(mxh_rr_owner(mxh_zone_record(z, i)), owners[i]);
    /* included records carry the included file and its lines */
    const mxh_rr *a = must("mail.top.example.", MXH_TYPE_A);
    ck_assert_ptr_nonnull(strstr(mxh_rr_file(a), "sub/part.inc"));
    ck_assert_uint_eq(mxh_rr_line(a), 2);
    const mxh_rr *mx = must("mail.top.example.", MXH_TYPE_MX); /* blank owner in the include */
    ck_assert_uint_eq(mxh_rr_line(mx), 4);
    ck_assert_str_eq(mxh_rr_target(mx), "mail.top.example.");
    ck_assert_str_eq(mxh_rr_target(must("mail.other.top.example.", MXH_TYPE_MX)),
                     "mail.other.top.example.");
    /* after the include the includer's origin is back */
    const mxh_rr *last = must("last.top.example.", MXH_TYPE_MX);
    ck_assert_str_eq(mxh_rr_target(last), "mail.top.example.");
    ck_assert_ptr_nonnull(strstr(mxh_rr_file(last), "inc/top.zone"));
    ck_assert_uint_eq(mxh_rr_line(last), 10);
    ck_assert_uint_eq(mxh_rr_ttl(mx), 300);
}
END_TEST

START_TEST(test_include_refused)
{
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/inc/escape.zone", NULL, &z), MXH_ERR_INCLUDE);
    zone = z;
    ck_assert_ptr_nonnull(z);
    DIAG(MXH_DIAG_ERROR, 3, "outside the include root");
    DIAG(MXH_DIAG_ERROR, 4, "outside the include root");
    DIAG(MXH_DIAG_ERROR, 5, "No such file");
    ck_assert_ptr_null(find("stolen.esc.example.", MXH_TYPE_A, 0));
    must("ok.esc.example.", MXH_TYPE_A);
    ck_assert_uint_eq(mxh_zone_rejected_count(z), 3);
    /* the diagnostic names the including file */
    int named = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++)
        named += mxh_diag_line(mxh_zoneset_diag(zs, i)) == 3 &&
                 strstr(mxh_diag_file(mxh_zoneset_diag(zs, i)), "inc/escape.zone") != NULL;
    ck_assert_int_eq(named, 1);

    /* a wider root lets ../outside.inc in */
    mxh_zoneset_free(zs);
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.include_root = FIX;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/inc/escape.zone", &o, &z), MXH_ERR_INCLUDE);
    zone = z;
    must("stolen.esc.example.", MXH_TYPE_A);
    ck_assert_uint_eq(mxh_zone_rejected_count(z), 2);
}
END_TEST

START_TEST(test_include_in_buffer)
{
    /* refused without a root */
    ck_assert_int_eq(load("a A 192.0.2.1\n$INCLUDE " FIX "/inc/sub/part.inc\nb A 192.0.2.2\n"),
                     MXH_ERR_INCLUDE);
    DIAG(MXH_DIAG_ERROR, 2, "no include root");
    ck_assert_uint_eq(mxh_zone_record_count(zone), 2);
    /* allowed with one: relative to the root */
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = "example.com";
    o.include_root = FIX "/inc";
    ck_assert_int_eq(load_opts("$TTL 5\n$INCLUDE sub/part.inc\n", &o), MXH_OK);
    must("mail.example.com.", MXH_TYPE_A);
    must("mail.example.com.", MXH_TYPE_MX);
}
END_TEST

START_TEST(test_include_loop_and_depth)
{
    mxh_zone *z = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/loop/a.zone", NULL, &z), MXH_ERR_INCLUDE);
    zone = z;
    ck_assert_uint_eq(mxh_zone_record_count(z), 5); /* SOA a1 b1 b2 a2, each once */
    int loop = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (strstr(mxh_diag_message(d), "include loop")) {
            loop++;
            ck_assert_uint_eq(mxh_diag_line(d), 2);
            ck_assert_ptr_nonnull(strstr(mxh_diag_file(d), "loop/b.inc"));
        }
    }
    ck_assert_int_eq(loop, 1);

    /* a chain deeper than the limit: c0 .. c8 load, c9 is refused */
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/chain/c0.zone", NULL, &z), MXH_ERR_INCLUDE);
    zone = z;
    ck_assert_uint_eq(mxh_zone_record_count(z), 1 + 9);
    must("c8.chain.example.", MXH_TYPE_A);
    ck_assert_ptr_null(find("c9.chain.example.", MXH_TYPE_A, 0));
    int depth = 0;
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (strstr(mxh_diag_message(d), "depth limit 8")) {
            depth++;
            ck_assert_ptr_nonnull(strstr(mxh_diag_file(d), "chain/c8.inc"));
            ck_assert_uint_eq(mxh_diag_line(d), 2);
        }
    }
    ck_assert_int_eq(depth, 1);
    /* a smaller limit from the options */
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.include_depth = 2;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, FIX "/chain/c0.zone", &o, &z), MXH_ERR_INCLUDE);
    ck_assert_uint_eq(mxh_zone_record_count(z), 1 + 3);
}
END_TEST

/* Seeded random master-file fragments: nothing may crash (the ASan build
 * checks memory), every load ends with a zone or a clean error, and every
 * error diagnostic has a line. */
START_TEST(test_fuzz_fragments)
{
    static const char *const frag[] = {
        "$ORIGIN ", "$TTL ", "$INCLUDE ", "$GENERATE ", "@", " ", "\t", "\n", "\r\n", "(", ")",
        "\"", "\\", "\\0", "\\255", "\\#", ";c", "A", "AAAA", "MX", "NS", "CNAME", "TXT",
        "SOA", "SRV", "CAA", "IPSECKEY", "HINFO", "TYPE65280", "IN", "CH", "CLASS9", "3600",
        "1h30m", "4294967296", "70000", "10", "0", ".", "..", "mail", "Mail.Example.COM.",
        "192.0.2.1", "1.2.3", "2001:db8::1", "*", "*.w", "\\.", "x\\", "\xc3\xa9", "\x01",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "12", "abcdef", "=="};
    const size_t nf = sizeof frag / sizeof frag[0];
    uint64_t x = 0x243f6a8885a308d3ull;
    char buf[4096];
    for (int round = 0; round < 3000; round++) {
        size_t o = 0;
        int pieces = 1 + (int)(x % 60);
        for (int k = 0; k < pieces; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const char *f = frag[x % nf];
            size_t l = strlen(f);
            if (o + l + 2 >= sizeof buf)
                break;
            memcpy(buf + o, f, l);
            o += l;
            if (x & 0x100)
                buf[o++] = ' ';
        }
        mxh_load_opts op;
        memset(&op, 0, sizeof op);
        op.format = MXH_FMT_BIND;
        op.origin = (x & 0x200) ? "example.com" : NULL;
        mxh_zone *z = NULL;
        mxh_status r = mxh_zoneset_load_buffer(zs, (x & 0x400) ? "db.fuzz.example" : "fuzz",
                                               buf, o, &op, &z);
        ck_assert_msg(r == MXH_OK || r == MXH_ERR_PARSE || r == MXH_ERR_INCLUDE ||
                          r == MXH_ERR_ARG || r == MXH_ERR_FORMAT,
                      "round %d: %s", round, mxh_strerror(r));
        if (r == MXH_OK || r == MXH_ERR_PARSE || r == MXH_ERR_INCLUDE)
            ck_assert_ptr_nonnull(z);
        if (round % 200 == 199) { /* keep the zone set small */
            mxh_zoneset_free(zs);
            ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        }
    }
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (mxh_diag_level_of(d) == MXH_DIAG_ERROR && mxh_diag_zone(d))
            ck_assert_uint_gt(mxh_diag_line(d), 0);
    }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Fast paths: same results as the general code                             */

static void canon_same(const char *s, size_t len, const char *origin)
{
    char a[MXH_NAME_BUF], b[MXH_NAME_BUF];
    int ra = -99, rb = -99;
    memset(a, 'A', sizeof a);
    memset(b, 'B', sizeof b);
    int na = mxh_name_canon(s, len, origin, a, sizeof a, &ra);
    int nb = mxh_name_canon_fast(s, len, origin, b, sizeof b, &rb);
    ck_assert_msg(na == nb, "'%.*s' origin %s: %d vs %d", (int)len, s, origin ? origin : "NULL",
                  na, nb);
    if (na > 0) {
        ck_assert_str_eq(a, b);
        ck_assert_int_eq(ra, rb);
    }
}

START_TEST(test_fast_names_same)
{
    static const char *const origins[] = {
        "example.com.", ".", "ex\\.am.ple.", "a\\032b.example.", NULL,
        /* long: relative names near the 255-octet limit */
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
        "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.",
    };
    static const char *const names[] = {
        "www", "WWW.Example.COM.", "@", ".", "a.", "a..b", ".a", "a.b.", "*", "*.x", "_dmarc",
        "a\\.b", "a\\065", "a\\", "a b", "a\"b", "a(b", "a;b", "s1.xrea.com", "s1.xrea.com.",
        "x-y_z.123", "\xc3\xa9t\xc3\xa9", "a/b+c=d", "~!#$%&'*+,-/:<=>?[]^`{|}",
    };
    for (size_t o = 0; o < sizeof origins / sizeof origins[0]; o++) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            canon_same(names[i], strlen(names[i]), origins[o]);
        canon_same("", 0, origins[o]);
        /* label and name lengths around the limits (RFC 1035 §2.3.4) */
        char buf[600];
        for (size_t l = 60; l <= 66; l++) {
            memset(buf, 'q', l);
            canon_same(buf, l, origins[o]);
            buf[l] = '.';
            canon_same(buf, l + 1, origins[o]);
        }
        for (size_t l = 180; l <= 300; l++) {
            for (size_t k = 0; k < l; k++)
                buf[k] = (k % 50 == 49) ? '.' : (char)('a' + k % 26);
            canon_same(buf, l, origins[o]);
            buf[l - 1] = '.';
            canon_same(buf, l, origins[o]);
        }
        /* random bytes from an alphabet with every kind of byte in it */
        static const char alpha[] = "aZ09-_*.\\\"( ;@\x80\x01~";
        unsigned seed = 12345u + (unsigned)o;
        for (int n = 0; n < 20000; n++) {
            seed = seed * 1103515245u + 12345u;
            size_t l = (seed >> 16) % 24;
            for (size_t k = 0; k < l; k++) {
                seed = seed * 1103515245u + 12345u;
                buf[k] = alpha[(seed >> 16) % (sizeof alpha - 1)];
            }
            canon_same(buf, l, origins[o]);
        }
    }
}
END_TEST

/* RDATA of the commonest types taken straight from the lexer's fields gives
 * what the general RDATA parser gives for the same text, and whatever it
 * refuses is refused (with the general parser's message). */
START_TEST(test_fast_rdata_same)
{
    static const struct { uint16_t type; const char *text; } cases[] = {
        {MXH_TYPE_A, "192.0.2.1"}, {MXH_TYPE_A, "192.000.2.1"}, {MXH_TYPE_A, "1.2.3"},
        {MXH_TYPE_A, "01.2.3.4"}, {MXH_TYPE_A, "1.2.3.4 5"}, {MXH_TYPE_A, "\\# 4 c0000201"},
        {MXH_TYPE_A, "255.255.255.255"}, {MXH_TYPE_A, "256.1.1.1"}, {MXH_TYPE_A, "\"1.2.3.4\""},
        {MXH_TYPE_NS, "ns1"}, {MXH_TYPE_NS, "NS1.Example.NET."}, {MXH_TYPE_NS, "a\\.b"},
        {MXH_TYPE_NS, "\\#"}, {MXH_TYPE_NS, "\\# 0"}, {MXH_TYPE_NS, "@"}, {MXH_TYPE_NS, "."},
        {MXH_TYPE_NS, "a..b"}, {MXH_TYPE_NS, "a b"}, {MXH_TYPE_NS, "\"ns1\""},
        {MXH_TYPE_CNAME, "www.example.net."}, {MXH_TYPE_CNAME, "*.x"}, {MXH_TYPE_CNAME, "a\\032b"},
        {MXH_TYPE_PTR, "host"}, {MXH_TYPE_DNAME, "example.org."},
        {MXH_TYPE_CNAME, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
        {MXH_TYPE_MX, "10 mx"}, {MXH_TYPE_MX, "010 mx"}, {MXH_TYPE_MX, "65535 mx."},
        {MXH_TYPE_MX, "65536 mx"}, {MXH_TYPE_MX, "00010 mx"}, {MXH_TYPE_MX, "000010 mx"},
        {MXH_TYPE_MX, "0 ."}, {MXH_TYPE_MX, "10"}, {MXH_TYPE_MX, "10 a b"}, {MXH_TYPE_MX, "x mx"},
        {MXH_TYPE_MX, "10 192.0.2.1"}, {MXH_TYPE_MX, "10 @"}, {MXH_TYPE_MX, "\\# 3 000a00"},
        {MXH_TYPE_MX, "-1 mx"}, {MXH_TYPE_MX, "10 \"mx\""}, {MXH_TYPE_MX, "1e3 mx"},
        {MXH_TYPE_MX, "10 s1.xrea.com"}, {MXH_TYPE_MX, "10 MAIL.Example.COM."},
        {MXH_TYPE_AAAA, "2001:DB8::1"}, {MXH_TYPE_AAAA, "2001:db8:0:0:0:0:0:1"},
        {MXH_TYPE_AAAA, "::ffff:192.0.2.1"}, {MXH_TYPE_AAAA, "::"}, {MXH_TYPE_AAAA, "1::2::3"},
        {MXH_TYPE_AAAA, "192.0.2.1"}, {MXH_TYPE_AAAA, "\"::1\""}, {MXH_TYPE_AAAA, "::1 ::2"},
        {MXH_TYPE_AAAA, "\\# 16 20010db8000000000000000000000001"},
        {MXH_TYPE_TXT, "\"v=spf1 mx -all\""}, {MXH_TYPE_TXT, "\"a\" \"b\" c"},
        {MXH_TYPE_TXT, "plain"}, {MXH_TYPE_TXT, "\"\""}, {MXH_TYPE_TXT, "\"q\\\"uote\""},
        {MXH_TYPE_TXT, "\"\\065\\255\\000\""}, {MXH_TYPE_TXT, "\"\\256\""},
        {MXH_TYPE_TXT, "\"\\12\""}, {MXH_TYPE_TXT, "a\\ b"}, {MXH_TYPE_TXT, "\"tab\there\""},
        {MXH_TYPE_TXT, "\\# 3 026869"}, {MXH_TYPE_TXT, "\"\\#\" 3"}, {MXH_TYPE_SPF, "\"v=spf1 -all\""},
        {MXH_TYPE_TXT, "\"\xc3\xa9t\xc3\xa9\""}, {MXH_TYPE_TXT, "a \"b\" c"},
    };
    char zone_text[1200], tb[16], err[256];
    char long255[300], long256[300];
    memset(long255, 'x', 255);
    long255[255] = '\0';
    memset(long256, 'y', 256);
    long256[256] = '\0';
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] + 2; i++) {
        uint16_t type = MXH_TYPE_TXT;
        const char *text = i == sizeof cases / sizeof cases[0] ? long255 : long256;
        if (i < sizeof cases / sizeof cases[0]) {
            type = cases[i].type;
            text = cases[i].text;
        }
        mxh_zoneset_free(zs);
        ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        snprintf(zone_text, sizeof zone_text, "$ORIGIN example.com.\n$TTL 60\nrr IN %s %s\n",
                 mxh_type_name(type, tb), text);
        load(zone_text);
        const mxh_rr *r = find("rr.example.com.", type, 0);
        mxh_rdata_out ro;
        int rc = mxh_rdata_parse(zs, type, text, strlen(text),
                                 "example.com.", &ro, err, sizeof err);
        if (rc != 0) {
            ck_assert_msg(r == NULL, "%s %s: loaded as '%s', the parser says %s", tb,
                          text, r ? mxh_rr_rdata(r) : "", err);
            DIAG(MXH_DIAG_ERROR, 3, err);
            continue;
        }
        ck_assert_msg(r != NULL, "%s %s: not loaded", tb, text);
        ck_assert_str_eq(mxh_rr_rdata(r), ro.rdata);
        ck_assert_str_eq(mxh_rr_rdata_text(r), text);
        if (ro.target)
            ck_assert_str_eq(mxh_rr_target(r), ro.target);
        else
            ck_assert_ptr_null(mxh_rr_target(r));
        ck_assert_uint_eq(mxh_rr_preference(r), ro.pref);
        ck_assert_int_eq(mxh_rr_target_relative(r), (ro.flags & MXH_RR_TARGET_RELATIVE) != 0);
        ck_assert_int_eq(r->flags & MXH_RR_GENERIC, ro.flags & MXH_RR_GENERIC);
    }
}
END_TEST

/* The dotted-quad parser accepts exactly what inet_pton(AF_INET) accepts. */
START_TEST(test_fast_ipv4_same)
{
    static const char alpha[] = "0123456789.....25x";
    char buf[24];
    unsigned seed = 777u;
    int accepted = 0;
    for (int n = 0; n < 200000; n++) {
        seed = seed * 1103515245u + 12345u;
        size_t l = (seed >> 16) % 18;
        for (size_t k = 0; k < l; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = alpha[(seed >> 16) % (sizeof alpha - 1)];
        }
        buf[l] = '\0';
        uint8_t a[4], b[4];
        int ours = mxh_parse_ipv4(buf, l, a);
        int libc = inet_pton(AF_INET, buf, b) == 1;
        ck_assert_msg(ours == libc, "'%s': ours %d, inet_pton %d", buf, ours, libc);
        if (ours) {
            ck_assert(memcmp(a, b, 4) == 0);
            accepted++;
        }
    }
    ck_assert_int_gt(accepted, 100); /* the sample has valid addresses too */
}
END_TEST

/* A file of a few MiB is read into pages the loader gives back as it goes:
 * the model must be the one loading the same text from a buffer gives,
 * including owners carried by blank owners and repeated owner text across
 * the points where pages are dropped, $ORIGIN changes, and RDATA as written. */
START_TEST(test_large_file_pages)
{
    char path[] = "/tmp/mxh-large-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n");
    size_t lines = 5;
    for (int i = 0; lines < 300000; i++) {
        if (i % 1000 == 0) {
            /* a long run of blank owners: the owner's text lies pages back */
            fprintf(f, "run%d IN TXT \"start\"\n", i);
            for (int k = 0; k < 2000; k++)
                fprintf(f, "  IN TXT \"blank owner line %d padding padding padding\"\n", k);
            fprintf(f, "run%d IN A 192.0.2.%d\n", i, i % 250 + 1);
            lines += 2002;
        } else if (i % 777 == 0) {
            fprintf(f, "$ORIGIN sub%d.example.com.\nhost MX 10 mail\n$ORIGIN example.com.\n", i);
            lines += 3;
        } else {
            fprintf(f, "Host%d 60 IN MX %d mx%d\nhost%d CNAME www.Example.NET.\n", i, i % 100,
                    i % 37, i + 1);
            lines += 2;
        }
    }
    ck_assert_int_eq(fclose(f), 0);

    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.format = MXH_FMT_BIND;
    mxh_zone *zf = NULL;
    ck_assert_int_eq(mxh_zoneset_load_file(zs, path, &o, &zf), MXH_OK);
    ck_assert_ptr_nonnull(zf);
    /* the same text from a buffer, into a second zone set */
    char *buf = NULL;
    size_t len = 0;
    char err[256];
    ck_assert_int_eq(mxh_read_file(path, &buf, &len, err, sizeof err), 0);
    ck_assert_uint_gt(len, (size_t)8 << 20); /* several drop points */
    mxh_zoneset *zs2;
    ck_assert_int_eq(mxh_zoneset_new(&zs2), MXH_OK);
    mxh_zone *zb = NULL;
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs2, path, buf, len, &o, &zb), MXH_OK);
    free(buf);
    unlink(path);

    ck_assert_uint_eq(mxh_zone_record_count(zf), mxh_zone_record_count(zb));
    ck_assert_uint_gt(mxh_zone_record_count(zf), 200000);
    /* (compared without an assertion per field: Check marks each one) */
    size_t differ = 0, first = 0;
    for (size_t i = 0; i < mxh_zone_record_count(zf); i++) {
        const mxh_rr *a = mxh_zone_record(zf, i), *b = mxh_zone_record(zb, i);
        int same = strcmp(mxh_rr_owner(a), mxh_rr_owner(b)) == 0 &&
                   strcmp(mxh_rr_owner_text(a), mxh_rr_owner_text(b)) == 0 &&
                   strcmp(mxh_rr_rdata(a), mxh_rr_rdata(b)) == 0 &&
                   strcmp(mxh_rr_rdata_text(a), mxh_rr_rdata_text(b)) == 0 &&
                   mxh_rr_type(a) == mxh_rr_type(b) && mxh_rr_ttl(a) == mxh_rr_ttl(b) &&
                   mxh_rr_line(a) == mxh_rr_line(b) &&
                   mxh_rr_target_relative(a) == mxh_rr_target_relative(b);
        if (!same && differ++ == 0)
            first = i;
    }
    ck_assert_msg(differ == 0, "%zu records differ, the first at line %lu", differ,
                  differ ? mxh_rr_line(mxh_zone_record(zf, first)) : 0ul);
    /* spot checks of what the text says */
    zone = zf;
    const mxh_rr *mx = must("host1.example.com.", MXH_TYPE_MX);
    ck_assert_str_eq(mxh_rr_rdata(mx), "1 mx1.example.com.");
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "1 mx1");
    ck_assert_str_eq(mxh_rr_owner_text(mx), "Host1");
    const mxh_rr *sub = must("host.sub777.example.com.", MXH_TYPE_MX);
    ck_assert_str_eq(mxh_rr_rdata(sub), "10 mail.sub777.example.com.");
    ck_assert_ptr_nonnull(find("run2000.example.com.", MXH_TYPE_TXT, 2000));
    ck_assert_ptr_null(find("run2000.example.com.", MXH_TYPE_TXT, 2001));
    const mxh_rr *last_blank = find("run2000.example.com.", MXH_TYPE_TXT, 2000);
    ck_assert_str_eq(mxh_rr_owner_text(last_blank), "");
    mxh_zoneset_free(zs2);
}
END_TEST

Suite *loader_bind_suite(void);
Suite *loader_bind_suite(void)
{
    Suite *s = suite_create("loader_bind");
    TCase *tc = tcase_create("syntax");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_basic_records);
    tcase_add_test(tc, test_ttl_class_order);
    tcase_add_test(tc, test_ttl_defaults);
    tcase_add_test(tc, test_ttl_rfc1035_and_fallback);
    tcase_add_test(tc, test_parentheses_comments_quotes);
    tcase_add_test(tc, test_escapes_and_names);
    tcase_add_test(tc, test_name_lengths);
    tcase_add_test(tc, test_crlf_bom);
    tcase_add_test(tc, test_huge_txt);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("malformed");
    tcase_add_checked_fixture(tm, setup, teardown);
    tcase_add_test(tm, test_malformed_lines);
    tcase_add_test(tm, test_blank_owner_first);
    tcase_add_test(tm, test_out_of_zone);
    tcase_add_test(tm, test_hostile);
    tcase_add_test(tm, test_binary_refused);
    tcase_add_test(tm, test_file_errors);
    tcase_add_test(tm, test_fuzz_fragments);
    suite_add_tcase(s, tm);
    TCase *to = tcase_create("origin");
    tcase_add_checked_fixture(to, setup, teardown);
    tcase_add_test(to, test_origin_sources);
    tcase_add_test(to, test_origin_changes);
    tcase_add_test(to, test_format_auto);
    suite_add_tcase(s, to);
    TCase *ti = tcase_create("include");
    tcase_add_checked_fixture(ti, setup, teardown);
    tcase_add_test(ti, test_include_inside_root);
    tcase_add_test(ti, test_include_refused);
    tcase_add_test(ti, test_include_in_buffer);
    tcase_add_test(ti, test_include_loop_and_depth);
    suite_add_tcase(s, ti);
    TCase *tf = tcase_create("fast paths");
    tcase_add_checked_fixture(tf, setup, teardown);
    tcase_set_timeout(tf, 60);
    tcase_add_test(tf, test_fast_names_same);
    tcase_add_test(tf, test_fast_ipv4_same);
    tcase_add_test(tf, test_fast_rdata_same);
    tcase_add_test(tf, test_large_file_pages);
    suite_add_tcase(s, tf);
    return s;
}

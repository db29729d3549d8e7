/* SPDX-License-Identifier: MIT */
/*
 * RDATA parsing (core/rdata.c) and the helpers of core/util.c: canonical
 * forms, targets, preferences, flags, error reasons, RFC 3597 generic RDATA,
 * the ldns fallback; address parsing, TTL units, whole-file reading.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mxh_internal.h"

/* core/util.c, core/rdata.c */
int mxh_parse_ttl(const char *s, size_t len, uint32_t *out);

static mxh_zoneset *zs;

static void setup(void)
{
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
}

static void teardown(void)
{
    mxh_zoneset_free(zs);
    zs = NULL;
}

static mxh_rdata_out out;
static char err[256];

static int parse_o(uint16_t type, const char *text, const char *origin)
{
    memset(&out, 0, sizeof out);
    err[0] = '\0';
    return mxh_rdata_parse(zs, type, text, strlen(text), origin, &out, err, sizeof err);
}

static int parse(uint16_t type, const char *text)
{
    return parse_o(type, text, "example.com.");
}

#define OK_AS(type, text, canon)                                                          \
    do {                                                                                  \
        int rc_ = parse(type, text);                                                      \
        ck_assert_msg(rc_ == 0, "'%s' refused: %s", text, err);                           \
        ck_assert_str_eq(out.rdata, canon);                                               \
    } while (0)

#define BAD(type, text, reason)                                                           \
    do {                                                                                  \
        int rc_ = parse(type, text);                                                      \
        ck_assert_msg(rc_ == -1, "'%s' accepted as '%s'", text, rc_ == 0 ? out.rdata : ""); \
        ck_assert_msg(strstr(err, reason) != NULL, "'%s': reason '%s' lacks '%s'", text,  \
                      err, reason);                                                       \
    } while (0)

/* ------------------------------------------------------------------------ */

START_TEST(test_a)
{
    OK_AS(MXH_TYPE_A, "192.0.2.1", "192.0.2.1");
    OK_AS(MXH_TYPE_A, "  0.0.0.0 ", "0.0.0.0");
    ck_assert_ptr_null(out.target);
    BAD(MXH_TYPE_A, "1.2.3", "bad IPv4 address '1.2.3'");
    BAD(MXH_TYPE_A, "01.2.3.4", "bad IPv4 address");     /* leading zero: octal or not? */
    BAD(MXH_TYPE_A, "256.1.1.1", "bad IPv4 address");
    BAD(MXH_TYPE_A, "1.2.3.4.5", "bad IPv4 address");
    BAD(MXH_TYPE_A, "1.2.3.4 5.6.7.8", "A needs 1 field");
    BAD(MXH_TYPE_A, "", "A needs 1 field, got 0");
    BAD(MXH_TYPE_A, "\"1.2.3.4\"", "must not be a quoted string");
    BAD(MXH_TYPE_A, "mail.example.com.", "bad IPv4 address");
}
END_TEST

START_TEST(test_aaaa)
{
    OK_AS(MXH_TYPE_AAAA, "2001:DB8:0:0::1", "2001:db8::1");
    OK_AS(MXH_TYPE_AAAA, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
    OK_AS(MXH_TYPE_AAAA, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    OK_AS(MXH_TYPE_AAAA, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
    OK_AS(MXH_TYPE_AAAA, "::", "::");
    OK_AS(MXH_TYPE_AAAA, "1::", "1::");
    OK_AS(MXH_TYPE_AAAA, "::FFFF:192.0.2.1", "::ffff:192.0.2.1");
    BAD(MXH_TYPE_AAAA, "fe80::1%eth0", "bad IPv6 address");
    BAD(MXH_TYPE_AAAA, "2001:db8::1::2", "bad IPv6 address");
    BAD(MXH_TYPE_AAAA, "192.0.2.1", "bad IPv6 address");
}
END_TEST

/* Our formatter must write exactly what inet_ntop writes. */
START_TEST(test_aaaa_matches_inet_ntop)
{
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        unsigned char a[16];
        for (int k = 0; k < 16; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            a[k] = (x % 3) ? 0 : (unsigned char)(x >> 24); /* many zero groups */
        }
        char want[64], text[64];
        inet_ntop(AF_INET6, a, want, sizeof want);
        /* write it uncompressed, upper case: the parser must normalize it */
        snprintf(text, sizeof text, "%X:%X:%X:%X:%X:%X:%X:%X", a[0] << 8 | a[1], a[2] << 8 | a[3],
                 a[4] << 8 | a[5], a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
                 a[12] << 8 | a[13], a[14] << 8 | a[15]);
        ck_assert_int_eq(parse(MXH_TYPE_AAAA, text), 0);
        ck_assert_str_eq(out.rdata, want);
    }
}
END_TEST

START_TEST(test_mx)
{
    OK_AS(MXH_TYPE_MX, "10 mail", "10 mail.example.com.");
    ck_assert_str_eq(out.target, "mail.example.com.");
    ck_assert_uint_eq(out.pref, 10);
    ck_assert(out.flags & MXH_RR_TARGET_RELATIVE);
    /* the target is interned: the same pointer as the zone set's string */
    ck_assert_ptr_eq(out.target, mxh_zs_intern(zs, "mail.example.com.", 17));

    OK_AS(MXH_TYPE_MX, "00020   Mail.Example.NET.", "20 mail.example.net.");
    ck_assert(!(out.flags & MXH_RR_TARGET_RELATIVE));
    ck_assert_uint_eq(out.pref, 20);

    /* seed 001: "s1.xrea.com" without the final dot is relative */
    OK_AS(MXH_TYPE_MX, "10 s1.xrea.com", "10 s1.xrea.com.example.com.");
    ck_assert(out.flags & MXH_RR_TARGET_RELATIVE);
    /* an exchange written like an IP address is a valid *name* */
    OK_AS(MXH_TYPE_MX, "10 162.43.120.172", "10 162.43.120.172.example.com.");
    ck_assert_str_eq(out.target, "162.43.120.172.example.com.");
    ck_assert(out.flags & MXH_RR_TARGET_RELATIVE);
    /* RFC 7505 null MX */
    OK_AS(MXH_TYPE_MX, "0 .", "0 .");
    ck_assert_str_eq(out.target, ".");
    OK_AS(MXH_TYPE_MX, "65535 @", "65535 example.com.");

    BAD(MXH_TYPE_MX, "70000 mail", "MX preference 70000 out of range");
    BAD(MXH_TYPE_MX, "99999999999 mail", "out of range");
    BAD(MXH_TYPE_MX, "ten mail", "bad MX preference 'ten'");
    BAD(MXH_TYPE_MX, "-1 mail", "bad MX preference");
    BAD(MXH_TYPE_MX, "10", "MX needs 2 fields, got 1");
    BAD(MXH_TYPE_MX, "10 a b", "MX needs 2 fields, got more than 2");
    BAD(MXH_TYPE_MX, "10 a..b", "empty label");
    /* no origin: a relative exchange cannot be completed */
    ck_assert_int_eq(parse_o(MXH_TYPE_MX, "10 mail", NULL), -1);
    ck_assert_int_eq(parse_o(MXH_TYPE_MX, "10 mail.example.", NULL), 0);
    ck_assert_str_eq(out.rdata, "10 mail.example.");
}
END_TEST

START_TEST(test_names)
{
    OK_AS(MXH_TYPE_CNAME, "WWW.Example.Net.", "www.example.net.");
    ck_assert_str_eq(out.target, "www.example.net.");
    OK_AS(MXH_TYPE_NS, "ns1", "ns1.example.com.");
    ck_assert(out.flags & MXH_RR_TARGET_RELATIVE);
    OK_AS(MXH_TYPE_PTR, "host.example.org.", "host.example.org.");
    OK_AS(MXH_TYPE_DNAME, "example.net.", "example.net.");
    ck_assert_str_eq(out.target, "example.net.");
    OK_AS(MXH_TYPE_CNAME, "a\\.b.example.", "a\\.b.example.");
    OK_AS(MXH_TYPE_CNAME, "\\065bc.example.", "abc.example.");
    BAD(MXH_TYPE_CNAME, "a b", "CNAME needs 1 field");
    /* label of 64 octets */
    BAD(MXH_TYPE_CNAME, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.",
        "longer than 63");
}
END_TEST

START_TEST(test_srv)
{
    OK_AS(MXH_TYPE_SRV, "0 5 5060 SIP", "0 5 5060 sip.example.com.");
    ck_assert_uint_eq(out.pref, 0);
    ck_assert_str_eq(out.target, "sip.example.com.");
    OK_AS(MXH_TYPE_SRV, "10 0 0 .", "10 0 0 .");
    ck_assert_uint_eq(out.pref, 10);
    BAD(MXH_TYPE_SRV, "0 5 70000 sip", "SRV port 70000 out of range");
    BAD(MXH_TYPE_SRV, "0 5 sip", "SRV needs 4 fields");
}
END_TEST

START_TEST(test_txt)
{
    OK_AS(MXH_TYPE_TXT, "\"v=spf1 mx -all\"", "\"v=spf1 mx -all\"");
    OK_AS(MXH_TYPE_TXT, "unquoted two", "\"unquoted\" \"two\"");
    OK_AS(MXH_TYPE_TXT, "\"a\\\"b\" \"\\\\\"", "\"a\\\"b\" \"\\\\\"");
    OK_AS(MXH_TYPE_TXT, "\"\\065\\066C\" \\x", "\"ABC\" \"x\"");
    OK_AS(MXH_TYPE_TXT, "\"\\255\\000\\t\"", "\"\\255\\000t\"");
    OK_AS(MXH_TYPE_TXT, "\"\"", "\"\"");
    OK_AS(MXH_TYPE_TXT, "\"semi;colon (paren)\"", "\"semi;colon (paren)\"");
    ck_assert_ptr_null(out.target);
    OK_AS(MXH_TYPE_SPF, "\"v=spf1 -all\"", "\"v=spf1 -all\"");
    BAD(MXH_TYPE_TXT, "", "TXT needs at least one string");
    BAD(MXH_TYPE_TXT, "\"open", "unterminated");
    BAD(MXH_TYPE_TXT, "\"\\256\"", "above 255");
    BAD(MXH_TYPE_TXT, "\"\\12\"", "three digits");

    /* 255 octets in one string: fine; 256: refused (RFC 1035 §3.3) */
    char big[600];
    big[0] = '"';
    memset(big + 1, 'x', 255);
    big[256] = '"';
    big[257] = '\0';
    ck_assert_int_eq(parse(MXH_TYPE_TXT, big), 0);
    ck_assert_uint_eq(strlen(out.rdata), 257);
    big[256] = 'x';
    big[257] = '"';
    big[258] = '\0';
    BAD(MXH_TYPE_TXT, big, "longer than 255 octets");
    /* escapes count as one octet each */
    char esc[1200];
    strcpy(esc, "\"");
    for (int i = 0; i < 255; i++)
        strcat(esc, "\\007");
    strcat(esc, "\"");
    ck_assert_int_eq(parse(MXH_TYPE_TXT, esc), 0);
}
END_TEST

START_TEST(test_txt_huge)
{
    /* 200 strings of 255 octets: about 51 KB of RDATA */
    size_t n = 200 * 258 + 1;
    char *t = malloc(n);
    size_t o = 0;
    for (int i = 0; i < 200; i++) {
        t[o++] = '"';
        memset(t + o, 'a' + i % 26, 255);
        o += 255;
        t[o++] = '"';
        t[o++] = ' ';
    }
    t[o] = '\0';
    ck_assert_int_eq(parse(MXH_TYPE_TXT, t), 0);
    ck_assert_uint_eq(strlen(out.rdata), 200 * 258 - 1);
    free(t);
}
END_TEST

START_TEST(test_soa)
{
    OK_AS(MXH_TYPE_SOA, "NS1 Hostmaster.Example.COM. 2024010101 1h 15M 1w2d 300",
          "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 777600 300");
    ck_assert_ptr_null(out.target);
    BAD(MXH_TYPE_SOA, "ns1 hm 1h 1 1 1 1", "bad SOA serial '1h'");
    BAD(MXH_TYPE_SOA, "ns1 hm 1 1x 1 1 1", "bad SOA refresh '1x'");
    BAD(MXH_TYPE_SOA, "ns1 hm 1 1 1 1", "SOA needs 7 fields, got 6");
    BAD(MXH_TYPE_SOA, "ns1 hm 4294967296 1 1 1 1", "bad SOA serial");
}
END_TEST

START_TEST(test_caa)
{
    OK_AS(MXH_TYPE_CAA, "0 ISSUE \"letsencrypt.org\"", "0 issue \"letsencrypt.org\"");
    OK_AS(MXH_TYPE_CAA, "128 iodef mailto:x@example.com", "128 iodef \"mailto:x@example.com\"");
    BAD(MXH_TYPE_CAA, "256 issue \"x\"", "bad CAA flags");
    BAD(MXH_TYPE_CAA, "0 is-sue \"x\"", "bad CAA tag");
    BAD(MXH_TYPE_CAA, "0 issue", "CAA needs 3 fields");
}
END_TEST

START_TEST(test_generic)
{
    /* a type nobody knows stays in RFC 3597 form, lower-case hex, one word */
    OK_AS(65280, "\\# 3 ABcd EF", "\\# 3 abcdef");
    ck_assert(out.flags & MXH_RR_GENERIC);
    OK_AS(65280, "\\# 0", "\\# 0");
    BAD(65280, "\\# 3 abcd", "2 octets of hex for length 3");
    BAD(65280, "\\# 1 abc", "for length 1");
    BAD(65280, "\\# 1 zz", "bad hex");
    BAD(65280, "\\# x", "bad length");
    BAD(65280, "\\# 70000 00", "bad length");
    /* RFC 3597 §5: a known type in generic form is that type */
    OK_AS(MXH_TYPE_A, "\\# 4 C0000201", "192.0.2.1");
    ck_assert(!(out.flags & MXH_RR_GENERIC));
    OK_AS(MXH_TYPE_MX, "\\# 12 000a 046d61696c 0378797a 00", "10 mail.xyz.");
    ck_assert_str_eq(out.target, "mail.xyz.");
    ck_assert_uint_eq(out.pref, 10);
    OK_AS(MXH_TYPE_TXT, "\\# 4 03616222", "\"ab\\\"\"");
    OK_AS(MXH_TYPE_CNAME, "\\# 1 00", ".");
    BAD(MXH_TYPE_A, "\\# 0", "A needs 4 octets, got 0");
    BAD(MXH_TYPE_MX, "\\# 4 000a c00c", "bad label length"); /* compression pointer */
    BAD(MXH_TYPE_MX, "\\# 4 000a 0561", "runs past the end");
    OK_AS(MXH_TYPE_CNAME, "\\# 3 016100", "a.");
}
END_TEST

START_TEST(test_ldns_types)
{
    uint16_t t_hinfo = 13, t_sshfp = 44, t_ds = 43, t_rp = 17, t_loc = 29;
    OK_AS(t_hinfo, "\"PC\" Linux", "\"PC\" \"Linux\"");
    ck_assert(out.flags & MXH_RR_GENERIC);
    ck_assert_ptr_null(out.target);
    OK_AS(t_sshfp, "1 1 ABCDEF0123456789ABCDEF0123456789ABCDEF01",
          "1 1 abcdef0123456789abcdef0123456789abcdef01");
    OK_AS(t_ds, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
          "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118");
    /* names inside ldns-parsed RDATA are made canonical (absolute, lower-case) */
    OK_AS(t_rp, "Admin.Example.COM. txt", "admin.example.com. txt.example.com.");
    BAD(t_ds, "60485 5 1 XYZ", "bad DS RDATA");
    /* generic form of a type ldns knows: ldns decodes and checks it */
    ck_assert_int_eq(parse(t_loc, "\\# 16 001313138b0ddd547ffb181600989fe0"), 0);
    ck_assert_msg(strstr(out.rdata, " N ") != NULL, "LOC shown as '%s'", out.rdata);
    BAD(109, "\\# 4 abcdabcd", "bad EUI64 RDATA"); /* EUI64 is 8 octets */
}
END_TEST

START_TEST(test_ipseckey)
{
    const uint16_t T = 45;
    OK_AS(T, "10 0 0 .", "10 0 0 .");
    OK_AS(T, "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
          "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==");
    /* a key split by white space is joined (RFC 4025 §3) */
    OK_AS(T, "10 3 2 GW.Example. AQNRU3mG AQ==", "10 3 2 gw.example. AQNRU3mGAQ==");
    OK_AS(T, "10 2 2 2001:DB8:0::1 AAAA", "10 2 2 2001:db8::1 AAAA");
    BAD(T, "10 0 2 gw.example. AAAA", "gateway type 0 needs the gateway '.'");
    BAD(T, "10 1 2 192.0.2 AAAA", "bad IPv4 address");
    BAD(T, "10 4 2 x AAAA", "gateway type 4 is unknown");
    BAD(T, "10 1 2 192.0.2.1 AA!A", "not base64");
    BAD(T, "10 1 2 192.0.2.1 AAA", "base64 of 3 characters");
    BAD(T, "256 1 2 192.0.2.1", "bad IPSECKEY precedence");
    /* the generic form decodes to the same text */
    OK_AS(T, "\\# 11 0a 01 02 c0000226 0102 0304", "10 1 2 192.0.2.38 AQIDBA==");
    OK_AS(T, "\\# 3 0a0000", "10 0 0 .");
    BAD(T, "\\# 5 0a 01 02 c000", "gateway runs past the end");
}
END_TEST

/* ------------------------------------------------------------------------ */
/* util.c                                                                   */

START_TEST(test_ipv4_parser)
{
    uint8_t a[4];
    ck_assert(mxh_parse_ipv4("10.0.1.100", 10, a));
    ck_assert_uint_eq(a[0], 10);
    ck_assert_uint_eq(a[3], 100);
    ck_assert(mxh_parse_ipv4("255.255.255.255", 15, a));
    ck_assert(mxh_parse_ipv4("1.2.3.4xyz", 7, a)); /* only len bytes are read */
    static const char *bad[] = {"", "1", "1.2.3", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.256",
                                "01.2.3.4", "1.2.3.00", "1.2.3.4 ", "1.2.3.-4", "0x1.2.3.4",
                                "1234.1.1.1", "1.2.3.4.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!mxh_parse_ipv4(bad[i], strlen(bad[i]), a), "'%s' accepted", bad[i]);
    /* agrees with inet_pton on every one of these */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct in_addr ia;
        ck_assert_int_eq(inet_pton(AF_INET, bad[i], &ia), 0);
    }
}
END_TEST

START_TEST(test_ipv6_parser)
{
    uint8_t a[16];
    ck_assert(mxh_parse_ipv6("2001:db8::1", 11, a));
    ck_assert_uint_eq(a[0], 0x20);
    ck_assert_uint_eq(a[15], 1);
    ck_assert(!mxh_parse_ipv6("2001:db8::1%lo", 14, a));
    ck_assert(!mxh_parse_ipv6("", 0, a));
    ck_assert(!mxh_parse_ipv6("1:2:3:4:5:6:7:8:9", 17, a));
    char longtext[200];
    memset(longtext, '1', sizeof longtext);
    ck_assert(!mxh_parse_ipv6(longtext, sizeof longtext, a));
}
END_TEST

START_TEST(test_ttl_units)
{
    uint32_t v;
    ck_assert_int_eq(mxh_parse_ttl("3600", 4, &v), 0);
    ck_assert_uint_eq(v, 3600);
    ck_assert_int_eq(mxh_parse_ttl("1h30m", 5, &v), 0);
    ck_assert_uint_eq(v, 5400);
    ck_assert_int_eq(mxh_parse_ttl("1W2D3H4M5S", 10, &v), 0);
    ck_assert_uint_eq(v, 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    ck_assert_int_eq(mxh_parse_ttl("1h30", 4, &v), 0); /* a bare last number is seconds */
    ck_assert_uint_eq(v, 3630);
    ck_assert_int_eq(mxh_parse_ttl("4294967295", 10, &v), 0);
    ck_assert_uint_eq(v, 4294967295u);
    ck_assert_int_eq(mxh_parse_ttl("4294967296", 10, &v), -1);
    ck_assert_int_eq(mxh_parse_ttl("9999999w", 8, &v), -1);
    ck_assert_int_eq(mxh_parse_ttl("", 0, &v), -1);
    ck_assert_int_eq(mxh_parse_ttl("h", 1, &v), -1);
    ck_assert_int_eq(mxh_parse_ttl("1x", 2, &v), -1);
    ck_assert_int_eq(mxh_parse_ttl("1hh", 3, &v), -1);
}
END_TEST

START_TEST(test_read_file)
{
    char *buf;
    size_t len;
    char e[512];
    ck_assert_int_eq(mxh_read_file("/nonexistent/zone.db", &buf, &len, e, sizeof e), -1);
    ck_assert_ptr_null(buf);
    ck_assert(strstr(e, "/nonexistent/zone.db") && strstr(e, "cannot open"));
    ck_assert_int_eq(mxh_read_file("/tmp", &buf, &len, e, sizeof e), -1);
    ck_assert(strstr(e, "directory") != NULL);
    ck_assert_int_eq(mxh_read_file("", &buf, &len, e, sizeof e), -1);

    char path[] = "/tmp/mxh-read-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "a\0b", 3), 3);
    close(fd);
    ck_assert_int_eq(mxh_read_file(path, &buf, &len, e, sizeof e), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(buf, "a\0b", 3), 0);
    ck_assert_int_eq(buf[3], '\0');
    free(buf);
    unlink(path);
}
END_TEST

START_TEST(test_format_names)
{
    mxh_format f;
    ck_assert_int_eq(mxh_format_parse("BIND", &f), MXH_OK);
    ck_assert_int_eq(f, MXH_FMT_BIND);
    ck_assert_int_eq(mxh_format_parse("valuedomain", &f), MXH_OK);
    ck_assert_int_eq(f, MXH_FMT_VALUEDOMAIN);
    ck_assert_int_eq(mxh_format_parse("table", &f), MXH_OK);
    ck_assert_int_eq(mxh_format_parse("auto", &f), MXH_OK);
    ck_assert_int_eq(f, MXH_FMT_AUTO);
    ck_assert_int_eq(mxh_format_parse("json", &f), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_format_parse(NULL, &f), MXH_ERR_ARG);
    ck_assert_str_eq(mxh_format_name(MXH_FMT_BIND), "bind");
    ck_assert_str_eq(mxh_format_name(MXH_FMT_TABLE), "table");
    ck_assert_str_eq(mxh_format_name((mxh_format)42), "unknown");
}
END_TEST

Suite *rdata_suite(void);
Suite *rdata_suite(void)
{
    Suite *s = suite_create("rdata");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_a);
    tcase_add_test(tc, test_aaaa);
    tcase_add_test(tc, test_aaaa_matches_inet_ntop);
    tcase_add_test(tc, test_mx);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_srv);
    tcase_add_test(tc, test_txt);
    tcase_add_test(tc, test_txt_huge);
    tcase_add_test(tc, test_soa);
    tcase_add_test(tc, test_caa);
    tcase_add_test(tc, test_generic);
    tcase_add_test(tc, test_ldns_types);
    tcase_add_test(tc, test_ipseckey);
    suite_add_tcase(s, tc);
    TCase *tu = tcase_create("util");
    tcase_add_test(tu, test_ipv4_parser);
    tcase_add_test(tu, test_ipv6_parser);
    tcase_add_test(tu, test_ttl_units);
    tcase_add_test(tu, test_read_file);
    tcase_add_test(tu, test_format_names);
    suite_add_tcase(s, tu);
    return s;
}

/* SPDX-License-Identifier: MIT */
/* Mail routes: RFC 5321 §5.1 (MX order, implicit MX, CNAME at the domain),
 * RFC 7505 null MX, exchanges resolved to A and AAAA as step chains.
 * Zones are built directly (no loader). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "mxh_internal.h"
#include "route_internal.h"
#include "zones/lookup/testzone.h"

static mxh_zoneset *zs;
static mxh_zone *zcom;

static void setup(void)
{
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    zcom = TZ(zs, "example.com",
              "@ NS ns1",
              "@ MX 10 mail",
              "@ A 10.0.1.100",
              "ns1 A 10.0.0.53",
              "mail A 10.0.1.1",
              "mail AAAA 2001:db8::1",
              "mail6 AAAA 2001:db8::6",
              "mail6 A 10.0.6.6",
              "* A 10.9.9.9",
              "www CNAME @",
              "alias CNAME www",
              "loop1 CNAME loop2",
              "loop2 CNAME loop1",
              "sub NS ns.sub",
              "ns.sub A 10.5.5.5",
              "txtonly TXT \"hello\"",
              "web CNAME www2",
              "www2 A 10.2.2.2",
              "nomail MX 0 .",
              "nomail A 10.0.1.100",
              "mixed MX 10 mail",
              "mixed MX 0 .",
              "lonedot MX 10 .",
              "multi MX 20 b",
              "multi MX 10 c",
              "multi MX 20 a",
              "multi MX 10 d",
              "a A 192.0.2.1",
              "b A 192.0.2.2",
              "c A 192.0.2.3",
              "d A 192.0.2.4",
              "dup MX 10 mail",
              "dup MX 20 mail",
              "mxc MX 10 alias",
              "mxw MX 10 nowhere",
              "mxd MX 10 ns.sub",
              "mxd MX 20 x.sub",
              "mxe MX 10 mx.example.net.",
              "mxo MX 10 host.example.org.",
              "mxl MX 10 loop1",
              "both MX 10 mail6",
              "*.wild MX 5 mail",
              "alias2 CNAME mxc",
              "ipmx MX 10 192.0.2.55.",
              "news TXT \"x\"",
              "sel._domainkey.ent TXT \"v=DKIM1\"");
    TZ(zs, "example.org", "host A 192.0.2.80", "host AAAA 2001:db8::80");
    TZ(zs, "nowild.test",
       "@ MX 10 missing",
       "@ MX 20 txt",
       "@ MX 30 ext",
       "txt TXT \"no address\"",
       "ext CNAME gone.example.invalid.");
}

static void teardown(void)
{
    mxh_zoneset_free(zs);
    zs = NULL;
}

static mxh_route *route_(const char *domain)
{
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route(zs, domain, &r), MXH_OK);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* Check route step i: kind, name, target (NULL: must be NULL), exchange. */
static void rstep(const mxh_route *r, size_t i, mxh_step_kind kind, const char *name,
                  const char *target, int xi)
{
    const mxh_step *s = mxh_route_step(r, i);
    ck_assert_msg(s != NULL, "no step %zu", i);
    ck_assert_str_eq(mxh_step_kind_name(mxh_step_kind_of(s)), mxh_step_kind_name(kind));
    ck_assert_str_eq(mxh_step_name(s), name);
    if (target)
        ck_assert_str_eq(mxh_step_target(s), target);
    else
        ck_assert_ptr_null(mxh_step_target(s));
    ck_assert_int_eq(mxh_step_exchange(s), xi);
}

static const mxh_exchange *ex_(const mxh_route *r, size_t i, const char *name,
                               mxh_exchange_status st)
{
    const mxh_exchange *x = mxh_route_exchange(r, i);
    ck_assert_msg(x != NULL, "no exchange %zu", i);
    ck_assert_str_eq(mxh_exchange_name(x), name);
    ck_assert_str_eq(mxh_exchange_status_name(mxh_exchange_status_of(x)),
                     mxh_exchange_status_name(st));
    return x;
}

/* The exchange's steps are its mx-like step, then the route's steps with its index. */
static void check_exchange_steps(const mxh_route *r)
{
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        size_t n = 0;
        for (size_t k = 0; k < mxh_route_step_count(r); k++) {
            const mxh_step *s = mxh_route_step(r, k);
            if (mxh_step_exchange(s) != (int)i)
                continue;
            ck_assert_ptr_eq(mxh_exchange_step(x, n), s);
            n++;
        }
        ck_assert_uint_eq(mxh_exchange_step_count(x), n);
        ck_assert_ptr_null(mxh_exchange_step(x, n));
        mxh_step_kind k0 = mxh_step_kind_of(mxh_exchange_step(x, 0));
        ck_assert(k0 == MXH_STEP_MX || k0 == MXH_STEP_NULL_MX || k0 == MXH_STEP_IMPLICIT);
        /* addresses are the address steps */
        size_t na = 0;
        for (size_t k = 0; k < mxh_exchange_step_count(x); k++) {
            const mxh_step *s = mxh_exchange_step(x, k);
            if (mxh_step_kind_of(s) != MXH_STEP_ADDRESS)
                continue;
            ck_assert_str_eq(mxh_exchange_address(x, na), mxh_step_target(s));
            ck_assert_ptr_eq(mxh_exchange_address_record(x, na), mxh_step_record(s));
            na++;
        }
        ck_assert_uint_eq(mxh_exchange_address_count(x), na);
        ck_assert_ptr_null(mxh_exchange_address(x, na));
        ck_assert_int_eq(na > 0, mxh_exchange_status_of(x) == MXH_EX_ADDRESSES);
    }
}

START_TEST(test_seed000_web_apex_as_mx)
{
    /* seed 000: example.com. MX 10 example.com. / example.com. A 10.0.1.100 */
    mxh_zoneset *s0;
    ck_assert_int_eq(mxh_zoneset_new(&s0), MXH_OK);
    TZ(s0, "example.com", "example.com. MX 10 example.com.", "example.com. A 10.0.1.100");
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route(s0, "example.com", &r), MXH_OK);
    ck_assert_str_eq(mxh_route_domain(r), "example.com.");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 1);
    const mxh_exchange *x = ex_(r, 0, "example.com.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_preference(x), 10);
    ck_assert_uint_eq(mxh_rr_line(mxh_exchange_record(x)), 1);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 1);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.0.1.100");
    ck_assert_uint_eq(mxh_rr_line(mxh_exchange_address_record(x, 0)), 2);
    ck_assert(!mxh_exchange_via_wildcard(x) && !mxh_exchange_via_cname(x));
    ck_assert_uint_eq(mxh_route_step_count(r), 2);
    rstep(r, 0, MXH_STEP_MX, "example.com.", "example.com.", 0);
    rstep(r, 1, MXH_STEP_ADDRESS, "example.com.", "10.0.1.100", 0);
    check_exchange_steps(r);

    char buf[512];
    size_t n = mxh_route_format(r, buf, sizeof buf);
    ck_assert_uint_eq(n, strlen(buf));
    ck_assert_str_eq(buf, "mail route for example.com.: mx\n"
                          "  [0] mx example.com. -> example.com. (test:example.com.:1)\n"
                          "  [0] address example.com. = 10.0.1.100 (test:example.com.:2)\n");
    /* truncation reports the full length and stays terminated */
    char small[10];
    ck_assert_uint_eq(mxh_route_format(r, small, sizeof small), n);
    ck_assert_str_eq(small, "mail rout");
    mxh_route_free(r);
    mxh_zoneset_free(s0);
}
END_TEST

START_TEST(test_seed003_old_panel)
{
    /* seed 003, the DNS before the move (value-domain panel):
     *   a * 162.43.120.172 / a mail 163.44.176.15 / cname shop cname.thebase.in.
     *   mx mail.dm2.co.jp. 10
     * and the later mistake "MX 162.43.120.172 0" (relative: the origin gets
     * appended, and the wildcard answers for it). */
    mxh_zoneset *s3;
    ck_assert_int_eq(mxh_zoneset_new(&s3), MXH_OK);
    TZ(s3, "dm2.co.jp", "* A 162.43.120.172", "mail A 163.44.176.15",
       "shop CNAME cname.thebase.in.", "@ MX 10 mail.dm2.co.jp.",
       "ipmx MX 0 162.43.120.172", "ipmx2 MX 0 162.43.120.172.");
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route(s3, "dm2.co.jp", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 1);
    const mxh_exchange *x = ex_(r, 0, "mail.dm2.co.jp.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_preference(x), 10);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 1);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "163.44.176.15");
    ck_assert(!mxh_exchange_via_wildcard(x)); /* mail exists: the wildcard does not apply */
    ck_assert_uint_eq(mxh_route_step_count(r), 2);
    rstep(r, 0, MXH_STEP_MX, "dm2.co.jp.", "mail.dm2.co.jp.", 0);
    rstep(r, 1, MXH_STEP_ADDRESS, "mail.dm2.co.jp.", "163.44.176.15", 0);
    mxh_route_free(r);

    /* MX written as an IP without the final dot: a name below the zone that
     * exists only through the wildcard */
    ck_assert_int_eq(mxh_mail_route(s3, "ipmx.dm2.co.jp", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    x = ex_(r, 0, "162.43.120.172.dm2.co.jp.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_wildcard(x));
    ck_assert(mxh_rr_target_relative(mxh_exchange_record(x)));
    ck_assert_str_eq(mxh_exchange_address(x, 0), "162.43.120.172");
    ck_assert_str_eq(mxh_rr_owner(mxh_exchange_address_record(x, 0)), "*.dm2.co.jp.");
    rstep(r, 1, MXH_STEP_WILDCARD, "162.43.120.172.dm2.co.jp.", "*.dm2.co.jp.", 0);
    rstep(r, 2, MXH_STEP_ADDRESS, "162.43.120.172.dm2.co.jp.", "162.43.120.172", 0);
    check_exchange_steps(r);
    mxh_route_free(r);

    /* with the final dot: a name under a TLD-like "172." that is not loaded */
    ck_assert_int_eq(mxh_mail_route(s3, "ipmx2.dm2.co.jp", &r), MXH_OK);
    ex_(r, 0, "162.43.120.172.", MXH_EX_EXTERNAL);
    rstep(r, 1, MXH_STEP_EXTERNAL, "162.43.120.172.", NULL, 0);
    mxh_route_free(r);

    /* shop is an alias to an outside name: no MX known, route external */
    ck_assert_int_eq(mxh_mail_route(s3, "shop.dm2.co.jp", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_EXTERNAL);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 0);
    rstep(r, 0, MXH_STEP_CNAME, "shop.dm2.co.jp.", "cname.thebase.in.", -1);
    rstep(r, 1, MXH_STEP_EXTERNAL, "cname.thebase.in.", NULL, -1);
    mxh_route_free(r);
    mxh_zoneset_free(s3);
}
END_TEST

START_TEST(test_mx_exchange_with_a_and_aaaa)
{
    mxh_route *r = route_("example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    const mxh_exchange *x = ex_(r, 0, "mail.example.com.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 2);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.0.1.1");
    ck_assert_str_eq(mxh_exchange_address(x, 1), "2001:db8::1");
    check_exchange_steps(r);
    mxh_route_free(r);

    /* A before AAAA, whatever the record order */
    r = route_("both.example.com");
    x = ex_(r, 0, "mail6.example.com.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 2);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.0.6.6");
    ck_assert_str_eq(mxh_exchange_address(x, 1), "2001:db8::6");
    mxh_route_free(r);
}
END_TEST

START_TEST(test_mx_order_stable)
{
    mxh_route *r = route_("multi.example.com");
    ck_assert_uint_eq(mxh_route_exchange_count(r), 4);
    static const char *const want[] = {"c.example.com.", "d.example.com.", "b.example.com.",
                                       "a.example.com."};
    static const unsigned prefs[] = {10, 10, 20, 20};
    for (size_t i = 0; i < 4; i++) {
        const mxh_exchange *x = ex_(r, i, want[i], MXH_EX_ADDRESSES);
        ck_assert_uint_eq(mxh_exchange_preference(x), prefs[i]);
        rstep(r, i, MXH_STEP_MX, "multi.example.com.", want[i], (int)i);
    }
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_duplicate_exchange)
{
    mxh_route *r = route_("dup.example.com");
    ck_assert_uint_eq(mxh_route_exchange_count(r), 2);
    const mxh_exchange *x0 = ex_(r, 0, "mail.example.com.", MXH_EX_ADDRESSES);
    const mxh_exchange *x1 = ex_(r, 1, "mail.example.com.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_preference(x0), 10);
    ck_assert_uint_eq(mxh_exchange_preference(x1), 20);
    ck_assert_ptr_ne(mxh_exchange_record(x0), mxh_exchange_record(x1));
    ck_assert_uint_eq(mxh_exchange_address_count(x1), 2);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_implicit)
{
    /* www2 has an address and no MX: implicit MX, preference 0 */
    mxh_route *r = route_("www2.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_IMPLICIT);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 1);
    const mxh_exchange *x = ex_(r, 0, "www2.example.com.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_preference(x), 0);
    ck_assert_ptr_null(mxh_exchange_record(x));
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.2.2.2");
    ck_assert_uint_eq(mxh_route_step_count(r), 2);
    rstep(r, 0, MXH_STEP_IMPLICIT, "www2.example.com.", "www2.example.com.", 0);
    rstep(r, 1, MXH_STEP_ADDRESS, "www2.example.com.", "10.2.2.2", 0);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_implicit_via_cname)
{
    /* RFC 5321 §5.1: the CNAME's target is processed as the domain */
    mxh_route *r = route_("web.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_IMPLICIT);
    ck_assert_str_eq(mxh_route_domain(r), "web.example.com.");
    const mxh_exchange *x = ex_(r, 0, "www2.example.com.", MXH_EX_ADDRESSES);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.2.2.2");
    ck_assert_uint_eq(mxh_route_step_count(r), 3);
    rstep(r, 0, MXH_STEP_CNAME, "web.example.com.", "www2.example.com.", -1);
    rstep(r, 1, MXH_STEP_IMPLICIT, "www2.example.com.", "www2.example.com.", 0);
    rstep(r, 2, MXH_STEP_ADDRESS, "www2.example.com.", "10.2.2.2", 0);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_implicit_via_wildcard)
{
    mxh_route *r = route_("shop.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_IMPLICIT);
    const mxh_exchange *x = ex_(r, 0, "shop.example.com.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_wildcard(x));
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.9.9.9");
    ck_assert_uint_eq(mxh_route_step_count(r), 4);
    rstep(r, 0, MXH_STEP_WILDCARD, "shop.example.com.", "*.example.com.", -1);
    rstep(r, 1, MXH_STEP_IMPLICIT, "shop.example.com.", "shop.example.com.", 0);
    rstep(r, 2, MXH_STEP_WILDCARD, "shop.example.com.", "*.example.com.", 0);
    rstep(r, 3, MXH_STEP_ADDRESS, "shop.example.com.", "10.9.9.9", 0);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_none)
{
    mxh_route *r = route_("txtonly.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_NONE);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 0);
    ck_assert_ptr_null(mxh_route_exchange(r, 0));
    ck_assert_uint_eq(mxh_route_step_count(r), 1);
    rstep(r, 0, MXH_STEP_NODATA, "txtonly.example.com.", NULL, -1);
    mxh_route_free(r);
    /* an empty non-terminal blocks the wildcard: no MX, no address */
    r = route_("ent.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_NONE);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_null_mx)
{
    mxh_route *r = route_("nomail.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_NULL_MX);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 0);
    ck_assert_uint_eq(mxh_route_step_count(r), 1);
    rstep(r, 0, MXH_STEP_NULL_MX, "nomail.example.com.", ".", -1);
    ck_assert_uint_eq(mxh_rr_type(mxh_step_record(mxh_route_step(r, 0))), MXH_TYPE_MX);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_null_mx_mixed)
{
    /* "." next to a real MX: kind stays mx, "." is an exchange with nxdomain */
    mxh_route *r = route_("mixed.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 2);
    const mxh_exchange *x0 = ex_(r, 0, ".", MXH_EX_NXDOMAIN);
    ck_assert_uint_eq(mxh_exchange_preference(x0), 0);
    ck_assert_uint_eq(mxh_exchange_address_count(x0), 0);
    ex_(r, 1, "mail.example.com.", MXH_EX_ADDRESSES);
    rstep(r, 0, MXH_STEP_NULL_MX, "mixed.example.com.", ".", 0);
    rstep(r, 1, MXH_STEP_MX, "mixed.example.com.", "mail.example.com.", 1);
    rstep(r, 2, MXH_STEP_NXDOMAIN, ".", NULL, 0);
    rstep(r, 3, MXH_STEP_ADDRESS, "mail.example.com.", "10.0.1.1", 1);
    check_exchange_steps(r);
    mxh_route_free(r);

    /* a lone "." with a preference other than 0 is not RFC 7505's null MX */
    r = route_("lonedot.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    ex_(r, 0, ".", MXH_EX_NXDOMAIN);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_exchange_cname)
{
    mxh_route *r = route_("mxc.example.com");
    const mxh_exchange *x = ex_(r, 0, "alias.example.com.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_cname(x));
    ck_assert(!mxh_exchange_via_wildcard(x));
    ck_assert_str_eq(mxh_exchange_address(x, 0), "10.0.1.100");
    rstep(r, 0, MXH_STEP_MX, "mxc.example.com.", "alias.example.com.", 0);
    rstep(r, 1, MXH_STEP_CNAME, "alias.example.com.", "www.example.com.", 0);
    rstep(r, 2, MXH_STEP_CNAME, "www.example.com.", "example.com.", 0);
    rstep(r, 3, MXH_STEP_ADDRESS, "example.com.", "10.0.1.100", 0);
    ck_assert_uint_eq(mxh_route_step_count(r), 4);
    check_exchange_steps(r);
    mxh_route_free(r);

    /* the domain itself an alias of a domain with MX */
    r = route_("alias2.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    rstep(r, 0, MXH_STEP_CNAME, "alias2.example.com.", "mxc.example.com.", -1);
    rstep(r, 1, MXH_STEP_MX, "mxc.example.com.", "alias.example.com.", 0);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_exchange_wildcard)
{
    mxh_route *r = route_("mxw.example.com");
    const mxh_exchange *x = ex_(r, 0, "nowhere.example.com.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_wildcard(x));
    ck_assert(!mxh_exchange_via_cname(x));
    rstep(r, 1, MXH_STEP_WILDCARD, "nowhere.example.com.", "*.example.com.", 0);
    rstep(r, 2, MXH_STEP_ADDRESS, "nowhere.example.com.", "10.9.9.9", 0);
    ck_assert_str_eq(mxh_rr_owner(mxh_step_record(mxh_route_step(r, 1))), "*.example.com.");
    mxh_route_free(r);

    /* the domain's MX itself comes from a wildcard */
    r = route_("x.wild.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    rstep(r, 0, MXH_STEP_WILDCARD, "x.wild.example.com.", "*.wild.example.com.", -1);
    rstep(r, 1, MXH_STEP_MX, "x.wild.example.com.", "mail.example.com.", 0);
    ck_assert_str_eq(mxh_rr_owner(mxh_step_record(mxh_route_step(r, 1))), "*.wild.example.com.");
    ex_(r, 0, "mail.example.com.", MXH_EX_ADDRESSES);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_exchange_delegated)
{
    /* targets at or below a cut: delegated, never nxdomain; glue is not used */
    mxh_route *r = route_("mxd.example.com");
    ck_assert_uint_eq(mxh_route_exchange_count(r), 2);
    const mxh_exchange *x = ex_(r, 0, "ns.sub.example.com.", MXH_EX_DELEGATED);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 0);
    ex_(r, 1, "x.sub.example.com.", MXH_EX_DELEGATED);
    rstep(r, 2, MXH_STEP_DELEGATED, "ns.sub.example.com.", NULL, 0);
    ck_assert_str_eq(mxh_rr_owner(mxh_step_record(mxh_route_step(r, 2))), "sub.example.com.");
    rstep(r, 3, MXH_STEP_DELEGATED, "x.sub.example.com.", NULL, 1);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_exchange_external_cross_zone)
{
    mxh_route *r = route_("mxe.example.com");
    ex_(r, 0, "mx.example.net.", MXH_EX_EXTERNAL);
    rstep(r, 1, MXH_STEP_EXTERNAL, "mx.example.net.", NULL, 0);
    mxh_route_free(r);

    r = route_("mxo.example.com");
    const mxh_exchange *x = ex_(r, 0, "host.example.org.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 2);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "192.0.2.80");
    ck_assert_str_eq(mxh_exchange_address(x, 1), "2001:db8::80");
    ck_assert_str_eq(mxh_zone_origin(mxh_rr_zone(mxh_exchange_address_record(x, 0))), "example.org.");
    check_exchange_steps(r);
    mxh_route_free(r);

    /* an IP written with the final dot is a name under the "55." TLD */
    r = route_("ipmx.example.com");
    ex_(r, 0, "192.0.2.55.", MXH_EX_EXTERNAL);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_exchange_failures)
{
    mxh_route *r = route_("mxl.example.com");
    const mxh_exchange *x = ex_(r, 0, "loop1.example.com.", MXH_EX_LOOP);
    ck_assert(mxh_exchange_via_cname(x));
    rstep(r, 1, MXH_STEP_CNAME, "loop1.example.com.", "loop2.example.com.", 0);
    rstep(r, 2, MXH_STEP_LOOP, "loop2.example.com.", "loop1.example.com.", 0);
    mxh_route_free(r);

    r = route_("nowild.test");
    ck_assert_uint_eq(mxh_route_exchange_count(r), 3);
    ex_(r, 0, "missing.nowild.test.", MXH_EX_NXDOMAIN);
    ex_(r, 1, "txt.nowild.test.", MXH_EX_NODATA);
    ex_(r, 2, "ext.nowild.test.", MXH_EX_EXTERNAL);
    rstep(r, 3, MXH_STEP_NXDOMAIN, "missing.nowild.test.", NULL, 0);
    rstep(r, 4, MXH_STEP_NODATA, "txt.nowild.test.", NULL, 1);
    rstep(r, 5, MXH_STEP_CNAME, "ext.nowild.test.", "gone.example.invalid.", 2);
    rstep(r, 6, MXH_STEP_EXTERNAL, "gone.example.invalid.", NULL, 2);
    ck_assert_uint_eq(mxh_route_step_count(r), 7);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_domain_kinds)
{
    mxh_route *r = route_("nope.nowild.test");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_NXDOMAIN);
    rstep(r, 0, MXH_STEP_NXDOMAIN, "nope.nowild.test.", NULL, -1);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 0);
    mxh_route_free(r);

    r = route_("example.invalid");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_EXTERNAL);
    rstep(r, 0, MXH_STEP_EXTERNAL, "example.invalid.", NULL, -1);
    mxh_route_free(r);

    r = route_("sub.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_DELEGATED);
    mxh_route_free(r);
    r = route_("deep.below.sub.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_DELEGATED);
    mxh_route_free(r);

    r = route_("loop1.example.com");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_LOOP);
    ck_assert_uint_eq(mxh_route_exchange_count(r), 0);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_case_insensitive)
{
    mxh_route *r = route_("EXAMPLE.Com");
    ck_assert_str_eq(mxh_route_domain(r), "example.com.");
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    ex_(r, 0, "mail.example.com.", MXH_EX_ADDRESSES);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_shadowed_zone)
{
    mxh_zone *a = TZ(zs, "dup.test", "@ MX 10 mx1", "mx1 A 192.0.2.1");
    mxh_zone *b = TZ(zs, "dup.test", "@ MX 10 mx2", "mx2 A 192.0.2.2");
    mxh_route *r = route_("dup.test");
    const mxh_exchange *x = ex_(r, 0, "mx1.dup.test.", MXH_EX_ADDRESSES);
    ck_assert_ptr_eq(mxh_rr_zone(mxh_exchange_record(x)), a);
    mxh_route_free(r);
    ck_assert_int_eq(mxh_mail_route_ctx(zs, b, "dup.test.", &r), MXH_OK);
    x = ex_(r, 0, "mx2.dup.test.", MXH_EX_ADDRESSES);
    ck_assert_ptr_eq(mxh_rr_zone(mxh_exchange_record(x)), b);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "192.0.2.2");
    mxh_route_free(r);
}
END_TEST

START_TEST(test_large_rrsets)
{
    /* 300 MX in reverse preference order, each exchange with 3 A records */
    mxh_zone *z = mxh_zone_create(zs, "big.test.", mxh_zs_file(zs, "test:big"), MXH_FMT_BIND);
    char line[96];
    uint32_t ln = 1;
    for (int i = 0; i < 300; i++) {
        snprintf(line, sizeof line, "@ MX %d mx%d", 1000 - i, i);
        tz_add(z, z->file, ln++, line);
        for (int j = 0; j < 3; j++) {
            snprintf(line, sizeof line, "mx%d A 10.%d.%d.%d", i, i / 256, i % 256, j);
            tz_add(z, z->file, ln++, line);
        }
    }
    mxh_zone_finish(z);
    mxh_route *r = route_("big.test");
    ck_assert_uint_eq(mxh_route_exchange_count(r), 300);
    ck_assert_uint_eq(mxh_route_step_count(r), 300 + 900);
    const mxh_exchange *x = ex_(r, 0, "mx299.big.test.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_preference(x), 701);
    ck_assert_uint_eq(mxh_exchange_address_count(x), 3);
    ck_assert_str_eq(mxh_exchange_address(x, 2), "10.1.43.2");
    ex_(r, 299, "mx0.big.test.", MXH_EX_ADDRESSES);
    check_exchange_steps(r);
    mxh_route_free(r);
}
END_TEST

START_TEST(test_bad_args)
{
    mxh_route *r = (mxh_route *)1;
    ck_assert_int_eq(mxh_mail_route(NULL, "example.com", &r), MXH_ERR_ARG);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(mxh_mail_route(zs, NULL, &r), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_mail_route(zs, "bad..name", &r), MXH_ERR_ARG);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(mxh_mail_route(zs, "example.com", NULL), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_mail_route_ctx(zs, NULL, "", &r), MXH_ERR_ARG);
    mxh_route_free(NULL);
    ck_assert_uint_eq(mxh_route_step_count(NULL), 0);
    ck_assert_uint_eq(mxh_route_exchange_count(NULL), 0);
    ck_assert_uint_eq(mxh_exchange_step_count(NULL), 0);
    ck_assert_uint_eq(mxh_exchange_address_count(NULL), 0);
    ck_assert_ptr_null(mxh_route_domain(NULL));
    ck_assert_ptr_null(mxh_route_step(NULL, 0));
    ck_assert_ptr_null(mxh_route_exchange(NULL, 0));
    ck_assert_ptr_null(mxh_exchange_name(NULL));
    ck_assert_ptr_null(mxh_exchange_record(NULL));
    ck_assert_ptr_null(mxh_exchange_step(NULL, 0));
    ck_assert_ptr_null(mxh_exchange_address(NULL, 0));
    ck_assert_ptr_null(mxh_exchange_address_record(NULL, 0));
    ck_assert_int_eq(mxh_exchange_via_cname(NULL), 0);
    ck_assert_int_eq(mxh_exchange_via_wildcard(NULL), 0);
    ck_assert_int_eq(mxh_step_exchange(NULL), -1);
    ck_assert_ptr_null(mxh_step_name(NULL));
    ck_assert_ptr_null(mxh_step_record(NULL));
    char buf[8] = "x";
    ck_assert_uint_eq(mxh_route_format(NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    /* a real route's accessors beyond the end */
    r = route_("example.com");
    ck_assert_ptr_null(mxh_route_step(r, mxh_route_step_count(r)));
    ck_assert_ptr_null(mxh_route_exchange(r, 1));
    const mxh_exchange *x = mxh_route_exchange(r, 0);
    ck_assert_ptr_null(mxh_exchange_address(x, 2));
    ck_assert_ptr_null(mxh_exchange_address_record(x, 2));
    mxh_route_free(r);
}
END_TEST

START_TEST(test_names)
{
    static const char *const kinds[] = {"mx", "implicit", "null-mx", "none", "nxdomain",
                                        "external", "delegated", "loop"};
    for (int k = 0; k <= MXH_ROUTE_LOOP; k++)
        ck_assert_str_eq(mxh_route_kind_name((mxh_route_kind)k), kinds[k]);
    static const char *const sts[] = {"addresses", "nxdomain", "nodata", "loop", "external",
                                      "delegated"};
    for (int k = 0; k <= MXH_EX_DELEGATED; k++)
        ck_assert_str_eq(mxh_exchange_status_name((mxh_exchange_status)k), sts[k]);
    ck_assert_str_eq(mxh_route_kind_name((mxh_route_kind)77), "unknown");
    ck_assert_str_eq(mxh_exchange_status_name((mxh_exchange_status)77), "unknown");
}
END_TEST

START_TEST(test_step_format)
{
    mxh_route *r = route_("mxc.example.com");
    char buf[256];
    mxh_step_format(mxh_route_step(r, 1), buf, sizeof buf);
    ck_assert_str_eq(buf, "cname alias.example.com. -> www.example.com. (test:example.com.:11)");
    mxh_step_format(mxh_route_step(r, 3), buf, sizeof buf);
    ck_assert_str_eq(buf, "address example.com. = 10.0.1.100 (test:example.com.:3)");
    mxh_route_free(r);
    r = route_("example.invalid");
    ck_assert_uint_eq(mxh_step_format(mxh_route_step(r, 0), buf, sizeof buf),
                      strlen("external example.invalid."));
    ck_assert_str_eq(buf, "external example.invalid.");
    mxh_route_free(r);
}
END_TEST


START_TEST(test_child_zone_loaded)
{
    /* the exchange below the parent's cut resolves in the loaded child */
    TZ(zs, "sub.example.com", "@ NS ns", "@ MX 10 mx", "mx A 192.0.2.25", "ns A 10.5.5.5");
    mxh_route *r = route_("mxd.example.com");
    ex_(r, 0, "ns.sub.example.com.", MXH_EX_ADDRESSES);
    ex_(r, 1, "x.sub.example.com.", MXH_EX_NXDOMAIN);
    mxh_route_free(r);
    ck_assert_int_eq(mxh_mail_route_ctx(zs, zcom, "sub.example.com.", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    const mxh_exchange *x = ex_(r, 0, "mx.sub.example.com.", MXH_EX_ADDRESSES);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "192.0.2.25");
    mxh_route_free(r);
}
END_TEST

/* The same cases through the loaders (fixtures in tests/zones/lookup/). */
static mxh_zoneset *load_(const char *path, const char *origin)
{
    mxh_zoneset *z;
    ck_assert_int_eq(mxh_zoneset_new(&z), MXH_OK);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.origin = origin;
    mxh_status st = mxh_zoneset_load_file(z, path, &o, NULL);
    ck_assert_msg(st == MXH_OK, "%s: %s", path, mxh_zoneset_errmsg(z));
    return z;
}

START_TEST(test_loaded_seed000)
{
    mxh_zoneset *z = load_("tests/zones/lookup/example.com.zone", NULL);
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route(z, "example.com", &r), MXH_OK);
    char buf[512];
    mxh_route_format(r, buf, sizeof buf);
    ck_assert_str_eq(buf, "mail route for example.com.: mx\n"
                          "  [0] mx example.com. -> example.com. (tests/zones/lookup/example.com.zone:7)\n"
                          "  [0] address example.com. = 10.0.1.100 (tests/zones/lookup/example.com.zone:8)\n");
    mxh_route_free(r);
    mxh_zoneset_free(z);
}
END_TEST

START_TEST(test_loaded_seed003_panel)
{
    mxh_zoneset *z = load_("tests/zones/lookup/dm2.co.jp.txt", NULL);
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route(z, "dm2.co.jp", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    const mxh_exchange *x = ex_(r, 0, "mail.dm2.co.jp.", MXH_EX_ADDRESSES);
    ck_assert_uint_eq(mxh_exchange_preference(x), 10);
    ck_assert_str_eq(mxh_exchange_address(x, 0), "163.44.176.15");
    ck_assert_uint_eq(mxh_rr_line(mxh_exchange_record(x)), 4);
    ck_assert_uint_eq(mxh_rr_line(mxh_exchange_address_record(x, 0)), 2);
    ck_assert_uint_eq(mxh_route_step_count(r), 2);
    mxh_route_free(r);
    /* a name that only the wildcard answers: implicit MX via the wildcard */
    ck_assert_int_eq(mxh_mail_route(z, "www.dm2.co.jp", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_IMPLICIT);
    x = ex_(r, 0, "www.dm2.co.jp.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_wildcard(x));
    ck_assert_str_eq(mxh_exchange_address(x, 0), "162.43.120.172");
    mxh_route_free(r);
    mxh_zoneset_free(z);
}
END_TEST

START_TEST(test_loaded_cases)
{
    mxh_zoneset *z = load_("tests/zones/lookup/routes.example.zone", NULL);
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route(z, "ipmx.routes.example", &r), MXH_OK);
    const mxh_exchange *x = ex_(r, 0, "162.43.120.172.routes.example.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_wildcard(x));
    ck_assert(mxh_rr_target_relative(mxh_exchange_record(x)));
    mxh_route_free(r);

    ck_assert_int_eq(mxh_mail_route(z, "nodot.routes.example", &r), MXH_OK);
    x = ex_(r, 0, "s1.xrea.com.routes.example.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_wildcard(x));
    ck_assert_str_eq(mxh_exchange_address(x, 0), "192.0.2.99");
    mxh_route_free(r);

    ck_assert_int_eq(mxh_mail_route(z, "mxcname.routes.example", &r), MXH_OK);
    x = ex_(r, 0, "mailalias.routes.example.", MXH_EX_ADDRESSES);
    ck_assert(mxh_exchange_via_cname(x));
    ck_assert_uint_eq(mxh_exchange_address_count(x), 2);
    ck_assert_str_eq(mxh_exchange_address(x, 1), "2001:db8::25");
    check_exchange_steps(r);
    mxh_route_free(r);

    ck_assert_int_eq(mxh_mail_route(z, "newsmx.routes.example", &r), MXH_OK);
    ex_(r, 0, "news.routes.example.", MXH_EX_NODATA);
    mxh_route_free(r);

    ck_assert_int_eq(mxh_mail_route(z, "nomail.routes.example", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_NULL_MX);
    mxh_route_free(r);
    ck_assert_int_eq(mxh_mail_route(z, "mixed.routes.example", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_MX);
    ex_(r, 0, ".", MXH_EX_NXDOMAIN);
    ex_(r, 1, "mailhost.routes.example.", MXH_EX_ADDRESSES);
    mxh_route_free(r);

    ck_assert_int_eq(mxh_mail_route(z, "childmx.routes.example", &r), MXH_OK);
    ex_(r, 0, "ns.child.routes.example.", MXH_EX_DELEGATED);
    mxh_route_free(r);
    ck_assert_int_eq(mxh_mail_route(z, "child.routes.example", &r), MXH_OK);
    ck_assert_int_eq(mxh_route_kind_of(r), MXH_ROUTE_DELEGATED);
    mxh_route_free(r);
    mxh_zoneset_free(z);
}
END_TEST

Suite *route_suite(void);
Suite *route_suite(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_seed000_web_apex_as_mx);
    tcase_add_test(tc, test_seed003_old_panel);
    tcase_add_test(tc, test_mx_exchange_with_a_and_aaaa);
    tcase_add_test(tc, test_mx_order_stable);
    tcase_add_test(tc, test_duplicate_exchange);
    tcase_add_test(tc, test_implicit);
    tcase_add_test(tc, test_implicit_via_cname);
    tcase_add_test(tc, test_implicit_via_wildcard);
    tcase_add_test(tc, test_none);
    tcase_add_test(tc, test_null_mx);
    tcase_add_test(tc, test_null_mx_mixed);
    tcase_add_test(tc, test_exchange_cname);
    tcase_add_test(tc, test_exchange_wildcard);
    tcase_add_test(tc, test_exchange_delegated);
    tcase_add_test(tc, test_child_zone_loaded);
    tcase_add_test(tc, test_exchange_external_cross_zone);
    tcase_add_test(tc, test_exchange_failures);
    tcase_add_test(tc, test_domain_kinds);
    tcase_add_test(tc, test_case_insensitive);
    tcase_add_test(tc, test_shadowed_zone);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_step_format);
    suite_add_tcase(s, tc);

    TCase *ld = tcase_create("loaded");
    tcase_add_test(ld, test_loaded_seed000);
    tcase_add_test(ld, test_loaded_seed003_panel);
    tcase_add_test(ld, test_loaded_cases);
    suite_add_tcase(s, ld);

    TCase *lim = tcase_create("limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_large_rrsets);
    suite_add_tcase(s, lim);

    TCase *bad = tcase_create("malformed");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_bad_args);
    suite_add_tcase(s, bad);
    return s;
}

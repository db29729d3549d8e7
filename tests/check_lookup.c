/* SPDX-License-Identifier: MIT */
/* Lookup: RFC 1034 §4.3.2, RFC 4592 wildcards, RFC 6672 DNAME, delegations,
 * CNAME chains across the zones of a set. Zones are built directly (no loader). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "mxh_internal.h"
#include "route_internal.h"
#include "zones/lookup/testzone.h"

static mxh_zoneset *zs;
static mxh_zone *zcom, *zorg;

static void setup(void)
{
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    zcom = TZ(zs, "example.com",
              "@ SOA ns1 hostmaster 1 3600 600 86400 300",
              "@ NS ns1",
              "@ MX 10 mail",
              "@ A 10.0.1.100",
              "ns1 A 10.0.0.53",
              "mail A 10.0.1.1",
              "mail AAAA 2001:db8::1",
              "* A 10.9.9.9",
              "www CNAME @",
              "alias CNAME www",
              "loop1 CNAME loop2",
              "loop2 CNAME loop1",
              "self CNAME self",
              "s* A 10.7.7.7",
              "sel._domainkey.news TXT \"v=DKIM1; p=\"",
              "sub NS ns.sub",
              "ns.sub A 10.5.5.5",
              "*.cw CNAME mail",
              "ext CNAME host.example.net.",
              "cross CNAME host.example.org.",
              "txtonly TXT \"hello\"",
              "a.*.e2 TXT \"x\"",
              "old DNAME new.example.org.",
              "Deep.Case.Test A 10.3.3.3");
    zorg = TZ(zs, "example.org",
              "host A 192.0.2.1",
              "host.new A 192.0.2.7",
              "back CNAME alias.example.com.");
}

static void teardown(void)
{
    mxh_zoneset_free(zs);
    zs = NULL;
}

static mxh_lookup *lk_(const char *name, uint16_t type)
{
    mxh_lookup *lk = NULL;
    ck_assert_int_eq(mxh_lookup_name(zs, name, type, &lk), MXH_OK);
    ck_assert_ptr_nonnull(lk);
    return lk;
}

/* Check step i: kind, name, target (NULL: must be NULL), and record owner/type
 * (rr_owner NULL: no record). */
static void step_is(const mxh_lookup *lk, size_t i, mxh_step_kind kind, const char *name,
                    const char *target, const char *rr_owner, uint16_t rr_type)
{
    const mxh_step *s = mxh_lookup_step(lk, i);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(mxh_step_kind_name(mxh_step_kind_of(s)), mxh_step_kind_name(kind));
    ck_assert_str_eq(mxh_step_name(s), name);
    if (target)
        ck_assert_str_eq(mxh_step_target(s), target);
    else
        ck_assert_ptr_null(mxh_step_target(s));
    if (rr_owner) {
        ck_assert_ptr_nonnull(mxh_step_record(s));
        ck_assert_str_eq(mxh_rr_owner(mxh_step_record(s)), rr_owner);
        ck_assert_uint_eq(mxh_rr_type(mxh_step_record(s)), rr_type);
    } else {
        ck_assert_ptr_null(mxh_step_record(s));
    }
    ck_assert_int_eq(mxh_step_exchange(s), -1);
}

START_TEST(test_exact_answer)
{
    mxh_lookup *lk = lk_("mail.example.com.", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 1);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.0.1.1");
    ck_assert_ptr_null(mxh_lookup_answer(lk, 1));
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 0);
    ck_assert_ptr_null(mxh_lookup_step(lk, 0));
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "mail.example.com.");
    mxh_lookup_free(lk);

    lk = lk_("mail.example.com", MXH_TYPE_AAAA);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "2001:db8::1");
    mxh_lookup_free(lk);

    lk = lk_("mail.example.com", MXH_TYPE_ANY);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 2);
    mxh_lookup_free(lk);

    /* apex NS is the zone's own data, not a delegation */
    lk = lk_("example.com", MXH_TYPE_NS);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_rr_target(mxh_lookup_answer(lk, 0)), "ns1.example.com.");
    mxh_lookup_free(lk);
    mxh_lookup_free(NULL);
}
END_TEST

START_TEST(test_case_insensitive)
{
    mxh_lookup *lk = lk_("MAIL.Example.COM", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "mail.example.com.");
    mxh_lookup_free(lk);
    /* an owner written in mixed case is stored canonical */
    lk = lk_("deep.CASE.test.example.com.", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.3.3.3");
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_nodata)
{
    mxh_lookup *lk = lk_("txtonly.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 0);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_NODATA, "txtonly.example.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_wildcard)
{
    mxh_lookup *lk = lk_("foo.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 1);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "foo.example.com.");
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 1);
    ck_assert_str_eq(mxh_rr_owner(mxh_lookup_answer(lk, 0)), "*.example.com.");
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.9.9.9");
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_WILDCARD, "foo.example.com.", "*.example.com.", "*.example.com.",
            MXH_TYPE_A);
    mxh_lookup_free(lk);

    /* several labels below the closest encloser: still the apex wildcard */
    lk = lk_("a.b.c.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 1);
    mxh_lookup_free(lk);

    /* wildcard matched but no data of the type: nodata via the wildcard */
    lk = lk_("foo.example.com", MXH_TYPE_MX);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 2);
    step_is(lk, 0, MXH_STEP_WILDCARD, "foo.example.com.", "*.example.com.", "*.example.com.",
            MXH_TYPE_A);
    step_is(lk, 1, MXH_STEP_NODATA, "foo.example.com.", NULL, NULL, 0);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    mxh_lookup_free(lk);

    /* asking for "*" itself matches the wildcard node literally */
    lk = lk_("*.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 0);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_wildcard_blocked_by_existing)
{
    /* RFC 4592 §2.2.1: an existing name is never covered */
    mxh_lookup *lk = lk_("mail.example.com", MXH_TYPE_TXT);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_NODATA, "mail.example.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);
    /* ... but a name below an existing one uses that one's wildcard, not
     * the apex's: mail.example.com has no "*" child */
    lk = lk_("x.mail.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NXDOMAIN);
    step_is(lk, 0, MXH_STEP_NXDOMAIN, "x.mail.example.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_wildcard_blocked_by_ent)
{
    /* sel._domainkey.news exists: news and _domainkey.news are empty
     * non-terminals, so "*" does not cover them (RFC 4592 §2.2.2) */
    mxh_lookup *lk = lk_("news.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_NODATA, "news.example.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);
    lk = lk_("news.example.com", MXH_TYPE_MX);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    mxh_lookup_free(lk);
    lk = lk_("_domainkey.news.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    mxh_lookup_free(lk);
    /* below the ENT the closest encloser is news: *.news does not exist */
    lk = lk_("www.news.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NXDOMAIN);
    mxh_lookup_free(lk);
    lk = lk_("sel._domainkey.news.example.com", MXH_TYPE_TXT);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_wildcard_ent)
{
    /* "*.e2" exists only as an empty non-terminal (a.*.e2 has data): it is
     * still the source of synthesis, giving nodata */
    mxh_lookup *lk = lk_("q.e2.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 2);
    step_is(lk, 0, MXH_STEP_WILDCARD, "q.e2.example.com.", "*.e2.example.com.", NULL, 0);
    step_is(lk, 1, MXH_STEP_NODATA, "q.e2.example.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_partial_wildcard_literal)
{
    /* RFC 4592 §2.1.1: "s*" is an ordinary label */
    mxh_lookup *lk = lk_("s*.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.7.7.7");
    mxh_lookup_free(lk);
    lk = lk_("smtp.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 1);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.9.9.9");
    step_is(lk, 0, MXH_STEP_WILDCARD, "smtp.example.com.", "*.example.com.", "*.example.com.",
            MXH_TYPE_A);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_cname_chain)
{
    mxh_lookup *lk = lk_("alias.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "example.com.");
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.0.1.100");
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 2);
    step_is(lk, 0, MXH_STEP_CNAME, "alias.example.com.", "www.example.com.", "alias.example.com.",
            MXH_TYPE_CNAME);
    step_is(lk, 1, MXH_STEP_CNAME, "www.example.com.", "example.com.", "www.example.com.",
            MXH_TYPE_CNAME);
    mxh_lookup_free(lk);

    /* asking for the CNAME returns it, not followed */
    lk = lk_("alias.example.com", MXH_TYPE_CNAME);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 0);
    ck_assert_str_eq(mxh_rr_target(mxh_lookup_answer(lk, 0)), "www.example.com.");
    ck_assert_str_eq(mxh_lookup_final_name(lk), "alias.example.com.");
    mxh_lookup_free(lk);

    /* the CNAME's target has no data of the type: nodata at the end */
    lk = lk_("alias.example.com", MXH_TYPE_TXT);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 3);
    step_is(lk, 2, MXH_STEP_NODATA, "example.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_cname_loop)
{
    mxh_lookup *lk = lk_("loop1.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_LOOP);
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 0);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 2);
    step_is(lk, 0, MXH_STEP_CNAME, "loop1.example.com.", "loop2.example.com.",
            "loop1.example.com.", MXH_TYPE_CNAME);
    step_is(lk, 1, MXH_STEP_LOOP, "loop2.example.com.", "loop1.example.com.",
            "loop2.example.com.", MXH_TYPE_CNAME);
    mxh_lookup_free(lk);

    lk = lk_("self.example.com", MXH_TYPE_MX);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_LOOP);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_LOOP, "self.example.com.", "self.example.com.", "self.example.com.",
            MXH_TYPE_CNAME);
    mxh_lookup_free(lk);

    /* a loop that crosses zones: example.org back -> alias -> www -> apex: fine */
    lk = lk_("back.example.org", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 3);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_cname_chain_limit)
{
    /* c0 -> c1 -> ... -> c17 (A): from cK the chain has 17-K CNAMEs */
    mxh_zone *z = mxh_zone_create(zs, "chain.test.", mxh_zs_file(zs, "test:chain"), MXH_FMT_BIND);
    ck_assert_ptr_nonnull(z);
    char line[128];
    for (int i = 0; i < 17; i++) {
        snprintf(line, sizeof line, "c%d CNAME c%d", i, i + 1);
        tz_add(z, z->file, (uint32_t)i + 1, line);
    }
    tz_add(z, z->file, 18, "c17 A 192.0.2.17");
    mxh_zone_finish(z);

    mxh_lookup *lk = lk_("c1.chain.test", MXH_TYPE_A); /* 16 CNAMEs: the limit */
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), MXH_CNAME_LIMIT);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "c17.chain.test.");
    mxh_lookup_free(lk);

    lk = lk_("c0.chain.test", MXH_TYPE_A); /* 17: too long, reported as a loop */
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_LOOP);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), MXH_CNAME_LIMIT + 1);
    const mxh_step *last = mxh_lookup_step(lk, MXH_CNAME_LIMIT);
    ck_assert_int_eq(mxh_step_kind_of(last), MXH_STEP_LOOP);
    ck_assert_str_eq(mxh_step_name(last), "c16.chain.test.");
    ck_assert_str_eq(mxh_step_target(last), "c17.chain.test.");
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_delegation)
{
    /* at the cut, for any type, including NS and DS: a referral */
    static const uint16_t types[] = {MXH_TYPE_A, MXH_TYPE_MX, MXH_TYPE_NS, 43 /* DS */};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        mxh_lookup *lk = lk_("sub.example.com", types[i]);
        ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_DELEGATED);
        ck_assert_uint_eq(mxh_lookup_answer_count(lk), 0);
        step_is(lk, 0, MXH_STEP_DELEGATED, "sub.example.com.", NULL, "sub.example.com.",
                MXH_TYPE_NS);
        mxh_lookup_free(lk);
    }
    /* glue below the cut is not authoritative */
    mxh_lookup *lk = lk_("ns.sub.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_DELEGATED);
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 0);
    step_is(lk, 0, MXH_STEP_DELEGATED, "ns.sub.example.com.", NULL, "sub.example.com.",
            MXH_TYPE_NS);
    mxh_lookup_free(lk);
    /* a name that does not exist below the cut: delegated, never nxdomain,
     * and the apex wildcard does not reach below the cut */
    lk = lk_("www.sub.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_DELEGATED);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_delegation_unfinished_zone)
{
    /* records added after mxh_zone_finish: the zone is unfinished again and
     * cuts are found by walking up */
    tz_add(zcom, zcom->file, 100, "late NS ns.elsewhere.example.");
    tz_add(zcom, zcom->file, 101, "host.late A 10.6.6.6");
    ck_assert(!zcom->finished);
    mxh_lookup *lk = lk_("host.late.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_DELEGATED);
    step_is(lk, 0, MXH_STEP_DELEGATED, "host.late.example.com.", NULL, "late.example.com.",
            MXH_TYPE_NS);
    mxh_lookup_free(lk);
    lk = lk_("mail.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_cross_zone)
{
    mxh_lookup *lk = lk_("cross.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "host.example.org.");
    ck_assert_ptr_eq(mxh_rr_zone(mxh_lookup_answer(lk, 0)), zorg);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "192.0.2.1");
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_CNAME, "cross.example.com.", "host.example.org.", "cross.example.com.",
            MXH_TYPE_CNAME);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_external)
{
    mxh_lookup *lk = lk_("ext.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_EXTERNAL);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "host.example.net.");
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 2);
    step_is(lk, 1, MXH_STEP_EXTERNAL, "host.example.net.", NULL, NULL, 0);
    mxh_lookup_free(lk);

    lk = lk_("www.Google.COM", MXH_TYPE_MX);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_EXTERNAL);
    step_is(lk, 0, MXH_STEP_EXTERNAL, "www.google.com.", NULL, NULL, 0);
    mxh_lookup_free(lk);

    lk = lk_(".", MXH_TYPE_NS);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_EXTERNAL);
    ck_assert_str_eq(mxh_lookup_final_name(lk), ".");
    mxh_lookup_free(lk);
    /* a parent of a loaded zone is not inside it */
    lk = lk_("com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_EXTERNAL);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_wildcard_cname)
{
    /* RFC 4592 §4.3: a CNAME at a wildcard is synthesized, then followed */
    mxh_lookup *lk = lk_("x.cw.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "mail.example.com.");
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.0.1.1");
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0); /* the A itself is not synthesized */
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 2);
    step_is(lk, 0, MXH_STEP_WILDCARD, "x.cw.example.com.", "*.cw.example.com.", "*.cw.example.com.",
            MXH_TYPE_CNAME);
    step_is(lk, 1, MXH_STEP_CNAME, "x.cw.example.com.", "mail.example.com.", "*.cw.example.com.",
            MXH_TYPE_CNAME);
    mxh_lookup_free(lk);
    /* asking for CNAME gives the synthesized CNAME */
    lk = lk_("x.cw.example.com", MXH_TYPE_CNAME);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 1);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_dname)
{
    /* RFC 6672 §2.3: names below the owner are redirected, the owner is not */
    mxh_lookup *lk = lk_("host.old.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "host.new.example.org.");
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "192.0.2.7");
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    step_is(lk, 0, MXH_STEP_CNAME, "host.old.example.com.", "host.new.example.org.",
            "old.example.com.", MXH_TYPE_DNAME);
    mxh_lookup_free(lk);

    lk = lk_("old.example.com", MXH_TYPE_DNAME);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    mxh_lookup_free(lk);
    lk = lk_("old.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NODATA);
    mxh_lookup_free(lk);
    /* redirected to a name that does not exist over there */
    lk = lk_("a.b.old.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NXDOMAIN);
    ck_assert_str_eq(mxh_lookup_final_name(lk), "a.b.new.example.org.");
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_dname_too_long)
{
    /* a substitution that would exceed 255 octets is YXDOMAIN (RFC 6672
     * §2.2): reported as nxdomain with the DNAME as the record */
    char target[300], line[400], qname[300], lab[61];
    memset(lab, 'a', 60);
    lab[60] = '\0';
    snprintf(target, sizeof target, "%s.%s.%s.%s.", lab, lab, lab, lab);
    /* target: 4 labels of 60 = 245 octets in wire form */
    mxh_zone *z = mxh_zone_create(zs, "dn.test.", mxh_zs_file(zs, "test:dn"), MXH_FMT_BIND);
    snprintf(line, sizeof line, "d DNAME %s", target);
    tz_add(z, z->file, 1, line);
    tz_add(z, z->file, 2, "loop DNAME x.loop.dn.test.");
    mxh_zone_finish(z);
    snprintf(qname, sizeof qname, "bbbbbbbbbbbbbbbbbbbb.d.dn.test.");
    mxh_lookup *lk = lk_(qname, MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NXDOMAIN);
    ck_assert_uint_eq(mxh_lookup_step_count(lk), 1);
    ck_assert_int_eq(mxh_step_kind_of(mxh_lookup_step(lk, 0)), MXH_STEP_NXDOMAIN);
    ck_assert_uint_eq(mxh_rr_type(mxh_step_record(mxh_lookup_step(lk, 0))), MXH_TYPE_DNAME);
    mxh_lookup_free(lk);
    /* a DNAME into its own subtree grows the name each time: ends as a
     * loop (chain limit) or as too long, never hangs */
    lk = lk_("y.loop.dn.test", MXH_TYPE_A);
    mxh_lookup_status st = mxh_lookup_status_of(lk);
    ck_assert(st == MXH_LK_LOOP || st == MXH_LK_NXDOMAIN);
    ck_assert_uint_le(mxh_lookup_step_count(lk), MXH_CNAME_LIMIT + 1);
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_shadowed_zone)
{
    mxh_zone *a = TZ(zs, "dup.test", "mail A 192.0.2.10", "only-first A 192.0.2.11");
    mxh_zone *b = TZ(zs, "dup.test", "mail A 192.0.2.20");
    ck_assert(mxh_zone_shadowed(b));
    mxh_lookup *lk = lk_("mail.dup.test", MXH_TYPE_A);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "192.0.2.10");
    ck_assert_ptr_eq(mxh_rr_zone(mxh_lookup_answer(lk, 0)), a);
    mxh_lookup_free(lk);
    /* from within the duplicate, it answers for itself */
    ck_assert_int_eq(mxh_lookup_ctx(zs, b, "mail.dup.test.", MXH_TYPE_A, &lk), MXH_OK);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "192.0.2.20");
    mxh_lookup_free(lk);
    ck_assert_int_eq(mxh_lookup_ctx(zs, b, "only-first.dup.test.", MXH_TYPE_A, &lk), MXH_OK);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NXDOMAIN);
    mxh_lookup_free(lk);
    /* a context zone of another origin changes nothing */
    ck_assert_int_eq(mxh_lookup_ctx(zs, zorg, "mail.dup.test.", MXH_TYPE_A, &lk), MXH_OK);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "192.0.2.10");
    mxh_lookup_free(lk);
}
END_TEST

START_TEST(test_bad_args)
{
    mxh_lookup *lk = (mxh_lookup *)1;
    ck_assert_int_eq(mxh_lookup_name(NULL, "a.example.com", MXH_TYPE_A, &lk), MXH_ERR_ARG);
    ck_assert_ptr_null(lk);
    ck_assert_int_eq(mxh_lookup_name(zs, NULL, MXH_TYPE_A, &lk), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_lookup_name(zs, "a..example.com", MXH_TYPE_A, &lk), MXH_ERR_ARG);
    ck_assert_ptr_null(lk);
    ck_assert_int_eq(mxh_lookup_name(zs, "", MXH_TYPE_A, &lk), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_lookup_name(zs, "a.example.com", MXH_TYPE_A, NULL), MXH_ERR_ARG);
    char big[400];
    memset(big, 'a', 300);
    big[300] = '\0';
    ck_assert_int_eq(mxh_lookup_name(zs, big, MXH_TYPE_A, &lk), MXH_ERR_ARG);
    /* nul-safe accessors */
    ck_assert_uint_eq(mxh_lookup_step_count(NULL), 0);
    ck_assert_uint_eq(mxh_lookup_answer_count(NULL), 0);
    ck_assert_ptr_null(mxh_lookup_final_name(NULL));
    ck_assert_ptr_null(mxh_lookup_answer(NULL, 0));
    ck_assert_ptr_null(mxh_lookup_step(NULL, 0));
    ck_assert_int_eq(mxh_lookup_wildcard(NULL), 0);
    ck_assert_ptr_null(mxh_step_target(NULL));
    ck_assert_int_eq(mxh_lookup_ctx(zs, NULL, NULL, MXH_TYPE_A, &lk), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_lookup_ctx(zs, NULL, "", MXH_TYPE_A, &lk), MXH_ERR_ARG);
    char huge[MXH_NAME_BUF + 10];
    memset(huge, 'a', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    ck_assert_int_eq(mxh_lookup_ctx(zs, NULL, huge, MXH_TYPE_A, &lk), MXH_ERR_ARG);
    mxh_route *r = NULL;
    ck_assert_int_eq(mxh_mail_route_ctx(zs, NULL, huge, &r), MXH_ERR_ARG);
    ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(mxh_lookup_status_name(MXH_LK_ANSWER), "answer");
    ck_assert_str_eq(mxh_lookup_status_name(MXH_LK_NODATA), "nodata");
    ck_assert_str_eq(mxh_lookup_status_name(MXH_LK_NXDOMAIN), "nxdomain");
    ck_assert_str_eq(mxh_lookup_status_name(MXH_LK_DELEGATED), "delegated");
    ck_assert_str_eq(mxh_lookup_status_name(MXH_LK_EXTERNAL), "external");
    ck_assert_str_eq(mxh_lookup_status_name(MXH_LK_LOOP), "loop");
    ck_assert_str_eq(mxh_lookup_status_name((mxh_lookup_status)99), "unknown");
    static const char *const kinds[] = {"mx", "cname", "wildcard", "address", "nxdomain", "nodata",
                                        "delegated", "external", "loop", "null-mx", "implicit"};
    for (int k = 0; k <= MXH_STEP_IMPLICIT; k++)
        ck_assert_str_eq(mxh_step_kind_name((mxh_step_kind)k), kinds[k]);
    ck_assert_str_eq(mxh_step_kind_name((mxh_step_kind)42), "unknown");
}
END_TEST

START_TEST(test_many_answers)
{
    mxh_zone *z = mxh_zone_create(zs, "big.test.", mxh_zs_file(zs, "test:big"), MXH_FMT_BIND);
    char line[64];
    for (int i = 0; i < 500; i++) {
        snprintf(line, sizeof line, "rr A 10.%d.%d.1", i / 256, i % 256);
        tz_add(z, z->file, (uint32_t)i + 1, line);
    }
    tz_add(z, z->file, 501, "rr TXT \"between\"");
    tz_add(z, z->file, 502, "rr A 10.99.99.99");
    mxh_zone_finish(z);
    mxh_lookup *lk = lk_("rr.big.test", MXH_TYPE_A);
    ck_assert_uint_eq(mxh_lookup_answer_count(lk), 501);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "10.0.0.1");
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 499)), "10.1.243.1");
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 500)), "10.99.99.99");
    mxh_lookup_free(lk);
}
END_TEST


START_TEST(test_escaped_labels)
{
    /* "a\.b" is one label: its parent is the apex, and "x\.y" below the apex
     * is covered by the apex wildcard, not by anything under "y" */
    TZ(zs, "esc.test", "a\\.b A 192.0.2.1", "* A 192.0.2.2", "*.b A 192.0.2.3", "b TXT \"b\"");
    mxh_lookup *lk = lk_("a\\.b.esc.test", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    ck_assert_str_eq(mxh_rr_rdata(mxh_lookup_answer(lk, 0)), "192.0.2.1");
    mxh_lookup_free(lk);
    lk = lk_("x\\.b.esc.test", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    step_is(lk, 0, MXH_STEP_WILDCARD, "x\\.b.esc.test.", "*.esc.test.", "*.esc.test.", MXH_TYPE_A);
    mxh_lookup_free(lk);
    lk = lk_("x.b.esc.test", MXH_TYPE_A);
    step_is(lk, 0, MXH_STEP_WILDCARD, "x.b.esc.test.", "*.b.esc.test.", "*.b.esc.test.", MXH_TYPE_A);
    mxh_lookup_free(lk);
    /* "\065" is "a": case and escapes fold to the same name */
    lk = lk_("\\065\\.B.ESC.test", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_int_eq(mxh_lookup_wildcard(lk), 0);
    mxh_lookup_free(lk);
}
END_TEST


START_TEST(test_delegation_child_loaded)
{
    /* once the child zone is loaded too, it answers: not delegated */
    mxh_zone *child = TZ(zs, "sub.example.com", "@ NS ns", "@ MX 10 mx", "mx A 192.0.2.25",
                         "ns A 10.5.5.5");
    mxh_lookup *lk = lk_("mx.sub.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_ptr_eq(mxh_rr_zone(mxh_lookup_answer(lk, 0)), child);
    mxh_lookup_free(lk);
    lk = lk_("sub.example.com", MXH_TYPE_NS);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_ptr_eq(mxh_rr_zone(mxh_lookup_answer(lk, 0)), child);
    mxh_lookup_free(lk);
    lk = lk_("nope.sub.example.com", MXH_TYPE_A);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_NXDOMAIN);
    mxh_lookup_free(lk);
    /* the parent's own context does not change that */
    ck_assert_int_eq(mxh_lookup_ctx(zs, zcom, "ns.sub.example.com.", MXH_TYPE_A, &lk), MXH_OK);
    ck_assert_int_eq(mxh_lookup_status_of(lk), MXH_LK_ANSWER);
    ck_assert_ptr_eq(mxh_rr_zone(mxh_lookup_answer(lk, 0)), child);
    mxh_lookup_free(lk);
}
END_TEST

Suite *lookup_suite(void);
Suite *lookup_suite(void)
{
    Suite *s = suite_create("lookup");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_exact_answer);
    tcase_add_test(tc, test_case_insensitive);
    tcase_add_test(tc, test_nodata);
    tcase_add_test(tc, test_wildcard);
    tcase_add_test(tc, test_wildcard_blocked_by_existing);
    tcase_add_test(tc, test_wildcard_blocked_by_ent);
    tcase_add_test(tc, test_wildcard_ent);
    tcase_add_test(tc, test_partial_wildcard_literal);
    tcase_add_test(tc, test_cname_chain);
    tcase_add_test(tc, test_cname_loop);
    tcase_add_test(tc, test_delegation);
    tcase_add_test(tc, test_delegation_child_loaded);
    tcase_add_test(tc, test_cross_zone);
    tcase_add_test(tc, test_external);
    tcase_add_test(tc, test_wildcard_cname);
    tcase_add_test(tc, test_dname);
    tcase_add_test(tc, test_shadowed_zone);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_escaped_labels);
    suite_add_tcase(s, tc);

    TCase *lim = tcase_create("limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_cname_chain_limit);
    tcase_add_test(lim, test_dname_too_long);
    tcase_add_test(lim, test_many_answers);
    tcase_add_test(lim, test_delegation_unfinished_zone);
    suite_add_tcase(s, lim);

    TCase *bad = tcase_create("malformed");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_bad_args);
    suite_add_tcase(s, bad);
    return s;
}

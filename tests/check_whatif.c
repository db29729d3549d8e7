/* SPDX-License-Identifier: MIT */
/* What-if: changesets, applying them to a copy of a zone set, comparing the
 * mail of two zone sets, the safe order of seed 000, CDN ranges, and the
 * findings a change introduces. Fixtures: tests/whatif/. */
#include <check.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxh_internal.h"
#include "whatif.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static mxh_zoneset *load_text(const char *name, const char *text)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_status st = mxh_zoneset_load_buffer(zs, name, text, strlen(text), NULL, NULL);
    ck_assert_msg(st == MXH_OK, "%s: %s", name, mxh_zoneset_errmsg(zs));
    return zs;
}

static void add_text(mxh_zoneset *zs, const char *name, const char *text)
{
    mxh_status st = mxh_zoneset_load_buffer(zs, name, text, strlen(text), NULL, NULL);
    ck_assert_msg(st == MXH_OK, "%s: %s", name, mxh_zoneset_errmsg(zs));
}

static mxh_zoneset *load_file(const char *path)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_status st = mxh_zoneset_load_file(zs, path, NULL, NULL);
    ck_assert_msg(st == MXH_OK, "%s: %s", path, mxh_zoneset_errmsg(zs));
    return zs;
}

/* Apply the given change lines ("--change #N" sources); expect status want. */
static mxh_zoneset *apply_lines(const mxh_zoneset *zs, mxh_status want, const char *origin,
                                const char *const *lines, mxh_changeset **keep)
{
    mxh_changeset *cs = NULL;
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    if (origin)
        ck_assert_int_eq(mxh_changeset_set_origin(cs, origin), MXH_OK);
    for (size_t i = 0; lines[i]; i++) {
        char src[32];
        snprintf(src, sizeof src, "--change #%zu", i + 1);
        ck_assert_msg(mxh_changeset_add(cs, lines[i], src, 0) == MXH_OK, "%s: %s", lines[i],
                      mxh_changeset_errmsg(cs));
    }
    mxh_zoneset *out = NULL;
    mxh_status st = mxh_changeset_apply(cs, zs, &out);
    ck_assert_msg(st == want, "apply: %s (%s)", mxh_strerror(st),
                  out ? mxh_zoneset_errmsg(out) : "");
    ck_assert_ptr_nonnull(out);
    if (keep)
        *keep = cs;
    else
        mxh_changeset_free(cs);
    return out;
}

/* The records of zs at owner/type, rdata joined with '|'. */
static void rrset_text(const mxh_zoneset *zs, const char *owner, uint16_t type, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t zi = 0; zi < mxh_zoneset_zone_count(zs); zi++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, zi);
        for (size_t i = 0; i < mxh_zone_record_count(z); i++) {
            const mxh_rr *rr = mxh_zone_record(z, i);
            if (strcmp(mxh_rr_owner(rr), owner) || mxh_rr_type(rr) != type)
                continue;
            if (buf[0])
                strncat(buf, "|", n - strlen(buf) - 1);
            strncat(buf, mxh_rr_rdata(rr), n - strlen(buf) - 1);
        }
    }
}

static const mxh_rr *find_rr(const mxh_zoneset *zs, const char *owner, uint16_t type)
{
    for (size_t zi = 0; zi < mxh_zoneset_zone_count(zs); zi++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, zi);
        for (size_t i = 0; i < mxh_zone_record_count(z); i++) {
            const mxh_rr *rr = mxh_zone_record(z, i);
            if (!strcmp(mxh_rr_owner(rr), owner) && mxh_rr_type(rr) == type)
                return rr;
        }
    }
    return NULL;
}

static int has_diag(const mxh_zoneset *zs, mxh_diag_level lvl, const char *file, unsigned long line,
                    const char *needle)
{
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (mxh_diag_level_of(d) == lvl && !strcmp(mxh_diag_file(d), file) &&
            mxh_diag_line(d) == line && strstr(mxh_diag_message(d), needle))
            return 1;
    }
    return 0;
}

static const mxh_whatif_domain *dom(const mxh_whatif *w, const char *name)
{
    const mxh_whatif_domain *d = mxh_whatif_find_domain(w, name);
    ck_assert_msg(d != NULL, "no domain %s in the comparison", name);
    return d;
}

static void targets(const mxh_whatif_domain *d, int after, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < mxh_whatif_domain_target_count(d, after); i++) {
        if (i)
            strncat(buf, ",", n - strlen(buf) - 1);
        strncat(buf, mxh_whatif_domain_target(d, after, i), n - strlen(buf) - 1);
    }
}

static const char SEED[] =
    "$ORIGIN example.com.\n"
    "$TTL 3600\n"
    "@ 7200 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300\n"
    "@ IN NS ns1.example.com.\n"
    "@ IN MX 10 example.com.\n"
    "@ IN A 10.0.1.100\n"
    "www IN A 10.0.1.100\n"
    "ns1 IN A 10.0.1.53\n";

/* ------------------------------------------------------------------------ */
/* Changesets                                                               */

START_TEST(test_parse_changes)
{
    mxh_changeset *cs;
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_add(cs, "set example.com. A 11.11.11.11", "--change #1", 0), MXH_OK);
    ck_assert_int_eq(mxh_changeset_add(cs, "ADD  mail  300 IN  A 10.0.1.100 ; web", "x.txt", 4), MXH_OK);
    ck_assert_int_eq(mxh_changeset_add(cs, "del example.com. MX", "x.txt", 5), MXH_OK);
    ck_assert_int_eq(mxh_changeset_add(cs, "inventory del dc99.svr example.co.jp", "x.txt", 6), MXH_OK);
    ck_assert_uint_eq(mxh_changeset_count(cs), 4);
    const mxh_change *c = mxh_changeset_change(cs, 1);
    ck_assert_int_eq(mxh_change_op_of(c), MXH_CHANGE_ADD);
    ck_assert_str_eq(mxh_change_owner(c), "mail");
    ck_assert_uint_eq(mxh_change_type(c), MXH_TYPE_A);
    ck_assert_str_eq(mxh_change_source(c), "x.txt");
    ck_assert_uint_eq(mxh_change_line(c), 4);
    ck_assert_str_eq(mxh_change_text(c), "ADD mail 300 IN A 10.0.1.100 ; web");
    ck_assert_int_eq(mxh_change_op_of(mxh_changeset_change(cs, 3)), MXH_CHANGE_INV_DEL);
    ck_assert_int_eq(mxh_changeset_add(cs, "add  t.example.  TXT \"a  \\\"  b\"", "x.txt", 7), MXH_OK);
    ck_assert_str_eq(mxh_change_text(mxh_changeset_change(cs, 4)), "add t.example. TXT \"a  \\\"  b\"");
    ck_assert_str_eq(mxh_change_op_name(MXH_CHANGE_INV_DEL), "inventory del");

    /* Bad lines: named with source and line, nothing added. */
    ck_assert_int_eq(mxh_changeset_add(cs, "sett example.com. A 1.2.3.4", "y.txt", 9), MXH_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(mxh_changeset_errmsg(cs), "y.txt:9: unknown operation 'sett'"));
    ck_assert_int_eq(mxh_changeset_add(cs, "set example.com. A", "y.txt", 10), MXH_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(mxh_changeset_errmsg(cs), "missing RDATA"));
    ck_assert_int_eq(mxh_changeset_add(cs, "add example.com. BOGUS 1", "y.txt", 11), MXH_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(mxh_changeset_errmsg(cs), "unknown record type 'BOGUS'"));
    ck_assert_int_eq(mxh_changeset_add(cs, "set example.com. ANY 1.2.3.4", "y.txt", 12), MXH_ERR_PARSE);
    ck_assert_int_eq(mxh_changeset_add(cs, "inventory add dc99.svr 192.0.2.1", "y.txt", 13), MXH_ERR_PARSE);
    ck_assert_int_eq(mxh_changeset_add(cs, "a\nb", "y.txt", 14), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_changeset_count(cs), 5);
    ck_assert_uint_eq(mxh_changeset_error_count(cs), 6);

    /* A file: comments and blanks skipped; a bad line does not stop the rest. */
    const char buf[] = "# comment\n\n; also\nset a.example. TXT \"x ; y\"\nfrob\r\nadd b.example. 1h A 192.0.2.1\n";
    mxh_changeset *c2;
    ck_assert_int_eq(mxh_changeset_new(&c2), MXH_OK);
    ck_assert_int_eq(mxh_changeset_load_buffer(c2, "ch.txt", buf, sizeof buf - 1), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_changeset_count(c2), 2);
    ck_assert_uint_eq(mxh_changeset_error_count(c2), 1);
    ck_assert_ptr_nonnull(strstr(mxh_changeset_error(c2, 0), "ch.txt:5:"));
    ck_assert_uint_eq(mxh_change_line(mxh_changeset_change(c2, 1)), 6);
    ck_assert_int_eq(mxh_changeset_load_file(c2, "tests/whatif/no-such-file"), MXH_ERR_IO);
    mxh_changeset_free(c2);
    mxh_changeset_free(cs);
}
END_TEST

START_TEST(test_set_add_del)
{
    mxh_zoneset *zs = load_text("seed.zone", SEED);
    const char *lines[] = {
        "set example.com. A 11.11.11.11",           /* replaces the RRset, keeps its TTL */
        "add www.example.com. 300 A 10.0.1.101",     /* joins the RRset */
        "add www.example.com. A 10.0.1.100",         /* already there: a warning */
        "del ns1.example.com. A 10.0.1.53",
        "add mail TXT \"v=spf1 -all\"",             /* relative: one zone loaded */
        NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, lines, NULL);
    char buf[512];
    rrset_text(after, "example.com.", MXH_TYPE_A, buf, sizeof buf);
    ck_assert_str_eq(buf, "11.11.11.11");
    rrset_text(after, "www.example.com.", MXH_TYPE_A, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.1.100|10.0.1.101");
    rrset_text(after, "ns1.example.com.", MXH_TYPE_A, buf, sizeof buf);
    ck_assert_str_eq(buf, "");
    rrset_text(after, "mail.example.com.", MXH_TYPE_TXT, buf, sizeof buf);
    ck_assert_str_eq(buf, "\"v=spf1 -all\"");
    /* The changed record points at its change; the others at their lines. */
    const mxh_rr *rr = find_rr(after, "example.com.", MXH_TYPE_A);
    ck_assert_str_eq(mxh_rr_file(rr), "--change #1");
    ck_assert_uint_eq(mxh_rr_ttl(rr), 3600);
    rr = find_rr(after, "example.com.", MXH_TYPE_MX);
    ck_assert_str_eq(mxh_rr_file(rr), "seed.zone");
    ck_assert_uint_eq(mxh_rr_line(rr), 5);
    ck_assert_str_eq(mxh_rr_target(rr), "example.com.");
    ck_assert(has_diag(after, MXH_DIAG_WARNING, "--change #3", 0, "already there"));
    /* A new name with no TTL given takes the zone's SOA TTL. */
    rr = find_rr(after, "mail.example.com.", MXH_TYPE_TXT);
    ck_assert_uint_eq(mxh_rr_ttl(rr), 7200);
    rr = find_rr(after, "www.example.com.", MXH_TYPE_A);
    ck_assert_uint_eq(mxh_rr_ttl(rr), 3600);
    /* The original is untouched. */
    rrset_text(zs, "example.com.", MXH_TYPE_A, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.1.100");
    ck_assert_uint_eq(mxh_zoneset_record_count(zs), 6);
    ck_assert_uint_eq(mxh_zoneset_record_count(after), 7);
    mxh_zoneset_free(after);

    /* del of a whole RRset, del ANY, and a delete that finds nothing. */
    const char *l2[] = { "del example.com. MX", "del www.example.com. ANY",
                         "del example.com. TXT", NULL };
    after = apply_lines(zs, MXH_ERR_PARSE, NULL, l2, NULL);
    ck_assert_ptr_null(find_rr(after, "example.com.", MXH_TYPE_MX));
    ck_assert_ptr_null(find_rr(after, "www.example.com.", MXH_TYPE_A));
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "--change #3", 0, "nothing to delete"));
    mxh_zoneset_free(after);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_apply_errors_and_names)
{
    mxh_zoneset *zs = load_text("seed.zone", SEED);
    add_text(zs, "example.net.zone", "$ORIGIN example.net.\n@ 300 IN MX 10 mail\nmail 300 IN A 192.0.2.1\n");
    /* Two zones: a relative name is ambiguous without an origin. */
    const char *l1[] = { "add mail A 192.0.2.2", "add host.example.org. A 192.0.2.3",
                         "add example.com. MX x y z", NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_ERR_PARSE, NULL, l1, NULL);
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "--change #1", 0, "relative name"));
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "--change #2", 0, "no loaded zone holds host.example.org."));
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "--change #3", 0, "bad RDATA"));
    ck_assert_uint_eq(mxh_zoneset_record_count(after), mxh_zoneset_record_count(zs));
    mxh_zoneset_free(after);
    /* With an origin it is fine; a target missing its dot is warned about (seed 003). */
    const char *l2[] = { "add mail A 192.0.2.2", "set @ MX 10 mail.example.net", NULL };
    after = apply_lines(zs, MXH_OK, "example.net", l2, NULL);
    char buf[256];
    rrset_text(after, "mail.example.net.", MXH_TYPE_A, buf, sizeof buf);
    ck_assert_str_eq(buf, "192.0.2.1|192.0.2.2");
    const mxh_rr *mx = find_rr(after, "example.net.", MXH_TYPE_MX);
    ck_assert_str_eq(mxh_rr_target(mx), "mail.example.net.example.net.");
    ck_assert(has_diag(after, MXH_DIAG_WARNING, "--change #2", 0, "has no final dot"));
    mxh_zoneset_free(after);
    mxh_zoneset_free(zs);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Classification                                                           */

START_TEST(test_seed_scenario)
{
    mxh_zoneset *zs = load_file("tests/whatif/seed.zone");
    mxh_changeset *cs = NULL;
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_load_file(cs, "tests/whatif/changes.txt"), MXH_OK);
    mxh_zoneset *after = NULL;
    ck_assert_int_eq(mxh_changeset_apply(cs, zs, &after), MXH_OK);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    const mxh_whatif_domain *d = dom(w, "example.com");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED_NON_MX);
    char buf[256];
    targets(d, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.1.100");
    targets(d, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "11.11.11.11");
    ck_assert(mxh_whatif_domain_deliverable(d, 1));
    const char *why = mxh_whatif_domain_reason(d);
    ck_assert_ptr_nonnull(strstr(why, "moves from 10.0.1.100 to 11.11.11.11"));
    ck_assert_ptr_nonnull(strstr(why, "because of an A change that did not touch MX"));
    ck_assert_ptr_nonnull(strstr(why, "example.com. A 11.11.11.11 (tests/whatif/changes.txt:2)"));
    ck_assert_uint_eq(mxh_whatif_domain_cause_count(d), 1);
    ck_assert_str_eq(mxh_rr_file(mxh_whatif_domain_cause(d, 0)), "tests/whatif/changes.txt");
    ck_assert_uint_eq(mxh_whatif_count(w, MXH_MAIL_MOVED_NON_MX), 1);

    /* The safe order of seed 000, method 1, checked by applying it. */
    ck_assert_int_eq(mxh_whatif_plan_fixes(w, cs), MXH_OK);
    ck_assert_uint_eq(mxh_whatif_domain_fix_count(d), 2);
    ck_assert_str_eq(mxh_whatif_domain_fix(d, 0), "add mail.example.com. A 10.0.1.100");
    ck_assert_str_eq(mxh_whatif_domain_fix(d, 1), "set example.com. MX 10 mail.example.com.");
    ck_assert(mxh_whatif_domain_fix_verified(d));
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_fix_note(d), "TTL (3600 s)"));
    ck_assert_ptr_null(strstr(mxh_whatif_domain_fix_note(d), "wildcard"));
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);

    /* With the steps first: mail stays, the site moves. */
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_load_file(cs, "tests/whatif/safe-order.txt"), MXH_OK);
    ck_assert_int_eq(mxh_changeset_apply(cs, zs, &after), MXH_OK);
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    d = dom(w, "example.com.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_UNCHANGED);
    ck_assert(mxh_whatif_domain_route_changed(d));
    targets(d, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.1.100");
    rrset_text(after, "example.com.", MXH_TYPE_A, buf, sizeof buf);
    ck_assert_str_eq(buf, "11.11.11.11");
    ck_assert_uint_eq(mxh_whatif_count(w, MXH_MAIL_UNCHANGED), mxh_whatif_domain_count(w));
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_seed_wildcard)
{
    mxh_zoneset *zs = load_file("tests/whatif/seed-wildcard.zone");
    mxh_changeset *cs = NULL;
    const char *l[] = { "set example.com. A 11.11.11.11", NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, l, &cs);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    const mxh_whatif_domain *d = dom(w, "example.com.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED_NON_MX);
    ck_assert_int_eq(mxh_whatif_plan_fixes(w, cs), MXH_OK);
    /* The wildcard covers mail.example.com.; the explicit A is still advised. */
    ck_assert_uint_eq(mxh_whatif_domain_fix_count(d), 2);
    ck_assert_str_eq(mxh_whatif_domain_fix(d, 0), "add mail.example.com. A 10.0.1.100");
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_fix_note(d), "The wildcard *.example.com. already gives mail.example.com."));
    ck_assert(mxh_whatif_domain_fix_verified(d));
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_classifications)
{
    mxh_zoneset *zs = load_text("c.zone",
        "$ORIGIN example.com.\n$TTL 600\n"
        "@ MX 10 mail\n@ MX 20 backup\nmail A 192.0.2.25\nbackup A 192.0.2.26\n"
        "@ TXT \"v=spf1 mx -all\"\n"
        "nomail A 192.0.2.80\n" /* implicit MX (RFC 5321 §5.1) */
        "sub MX 10 gone\n");     /* broken before: gone does not exist */
    char buf[256];
    struct { const char *change, *domain; mxh_mail_change want; const char *before, *after; } cases[] = {
        { "add @ TXT \"hello\"", "example.com.", MXH_MAIL_UNCHANGED, "192.0.2.25,192.0.2.26", "192.0.2.25,192.0.2.26" },
        { "set @ MX 10 mail", "example.com.", MXH_MAIL_MOVED, "192.0.2.25,192.0.2.26", "192.0.2.25" },
        { "set mail A 192.0.2.99", "example.com.", MXH_MAIL_MOVED_NON_MX, "192.0.2.25,192.0.2.26", "192.0.2.26,192.0.2.99" },
        { "add gone A 192.0.2.30", "sub.example.com.", MXH_MAIL_RESTORED, "", "192.0.2.30" },
        { "del @ MX", "example.com.", MXH_MAIL_BROKEN, "192.0.2.25,192.0.2.26", "" },
        /* Both hosts behind Cloudflare: addresses, but none that takes mail. */
        { "set mail A 104.16.0.10", "example.com.", MXH_MAIL_MOVED_NON_MX, "192.0.2.25,192.0.2.26", "104.16.0.10,192.0.2.26" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *l[] = { cases[i].change, NULL };
        mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, l, NULL);
        mxh_whatif *w = NULL;
        ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
        const mxh_whatif_domain *d = dom(w, cases[i].domain);
        ck_assert_msg(mxh_whatif_domain_change(d) == cases[i].want, "%s: got %s (%s)", cases[i].change,
                      mxh_mail_change_name(mxh_whatif_domain_change(d)), mxh_whatif_domain_reason(d));
        if (cases[i].want != MXH_MAIL_UNCHANGED || i == 0) {
            targets(d, 0, buf, sizeof buf);
            ck_assert_str_eq(buf, cases[i].before);
            targets(d, 1, buf, sizeof buf);
            ck_assert_str_eq(buf, cases[i].after);
        }
        mxh_whatif_free(w);
        mxh_zoneset_free(after);
    }
    /* Every exchange on a CDN: broken, and the reason names the provider. */
    const char *l[] = { "set mail A 104.16.0.10", "set backup A 151.101.1.1", NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, l, NULL);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    const mxh_whatif_domain *d = dom(w, "example.com.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_BROKEN);
    ck_assert_str_eq(mxh_whatif_domain_target_cdn(d, 1, 0), "cloudflare");
    ck_assert_str_eq(mxh_whatif_domain_target_cdn(d, 1, 1), "fastly");
    ck_assert_ptr_null(mxh_whatif_domain_target_cdn(d, 0, 0));
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(d), "104.16.0.10 belongs to cloudflare"));
    mxh_whatif_free(w);
    /* Without the CDN check the same change only moves mail. */
    mxh_whatif_opts o = { .cdn = NULL, .no_cdn = 1 };
    ck_assert_int_eq(mxh_whatif_compare(zs, after, &o, &w), MXH_OK);
    ck_assert_int_eq(mxh_whatif_domain_change(dom(w, "example.com.")), MXH_MAIL_MOVED_NON_MX);
    ck_assert_str_eq(mxh_mail_change_name(MXH_MAIL_MOVED_NON_MX), "moved-non-mx");
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_cname_and_wildcard_in_path)
{
    mxh_zoneset *zs = load_text("n.zone",
        "$ORIGIN example.net.\n$TTL 600\n"
        "@ MX 10 mail\nmail CNAME example.net.\n@ A 192.0.2.40\n"
        "w MX 10 host.w\n*.w A 192.0.2.41\n");
    mxh_changeset *cs = NULL;
    const char *l[] = { "set @ A 198.51.100.7", "set *.w A 198.51.100.8", NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, l, &cs);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    const mxh_whatif_domain *d = dom(w, "example.net.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED_NON_MX);
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(d), "example.net. A 198.51.100.7 (--change #1)"));
    const mxh_whatif_domain *dw = dom(w, "w.example.net.");
    ck_assert_int_eq(mxh_whatif_domain_change(dw), MXH_MAIL_MOVED_NON_MX);
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(dw), "*.w.example.net. A 198.51.100.8"));
    ck_assert_int_eq(mxh_whatif_plan_fixes(w, cs), MXH_OK);
    /* Through a CNAME: a host name of its own, and the MX moved to it. */
    ck_assert_uint_eq(mxh_whatif_domain_fix_count(d), 2);
    ck_assert_str_eq(mxh_whatif_domain_fix(d, 0), "add mx.example.net. A 192.0.2.40");
    ck_assert_str_eq(mxh_whatif_domain_fix(d, 1), "set example.net. MX 10 mx.example.net.");
    ck_assert(mxh_whatif_domain_fix_verified(d));
    /* Through a wildcard: an explicit record for the exchange is enough. */
    ck_assert_uint_eq(mxh_whatif_domain_fix_count(dw), 1);
    ck_assert_str_eq(mxh_whatif_domain_fix(dw, 0), "add host.w.example.net. A 192.0.2.41");
    ck_assert(mxh_whatif_domain_fix_verified(dw));
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_shared_mx_host_other_zone)
{
    mxh_zoneset *zs = load_text("customer.example.zone",
        "$ORIGIN customer.example.\n$TTL 600\n@ MX 10 mx.hoster.example.\n@ A 203.0.113.5\n");
    add_text(zs, "hoster.example.zone", "$ORIGIN hoster.example.\n$TTL 600\n@ A 192.0.2.1\nmx A 192.0.2.25\n");
    const char *l[] = { "set mx.hoster.example. A 198.51.100.25", NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, l, NULL);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    const mxh_whatif_domain *d = dom(w, "customer.example.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED_NON_MX);
    char buf[128];
    targets(d, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "198.51.100.25");
    /* hoster.example. itself has no MX: implicit route to its apex, unchanged. */
    ck_assert_int_eq(mxh_whatif_domain_change(dom(w, "hoster.example.")), MXH_MAIL_UNCHANGED);
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_inventory_seed004)
{
    mxh_zoneset *zs = load_text("example.co.jp.zone",
        "$ORIGIN example.co.jp.\n$TTL 600\n@ MX 0 example-co-jp.mail.protection.outlook.com.\n"
        "www A 192.0.2.99\n");
    ck_assert_int_eq(mxh_zoneset_load_inventory(zs, "tests/whatif/shared.inv"), MXH_OK);
    const char *l[] = { "inventory del dc99.svr example.co.jp",
                        "inventory add dc99.svr 192.0.2.99 www.example.co.jp", NULL };
    mxh_zoneset *after = apply_lines(zs, MXH_OK, NULL, l, NULL);
    /* The copy keeps the server, its file and its line. */
    ck_assert_uint_eq(mxh_zoneset_server_count(after), 1);
    const mxh_server *s = mxh_zoneset_server(after, 0);
    ck_assert_str_eq(mxh_server_file(s), "tests/whatif/shared.inv");
    ck_assert_uint_eq(mxh_server_line(s), 3);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    const mxh_whatif_domain *d = dom(w, "example.co.jp.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED);
    ck_assert_uint_eq(mxh_whatif_domain_local_count(d, 0), 1);
    ck_assert_str_eq(mxh_whatif_domain_local(d, 0, 0), "dc99.svr.");
    ck_assert_uint_eq(mxh_whatif_domain_local_count(d, 1), 0);
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(d), "now follow the MX"));
    /* The MX route itself did not change. */
    char buf[256];
    targets(d, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "example-co-jp.mail.protection.outlook.com. (external)");
    ck_assert(!mxh_whatif_domain_route_changed(d));
    /* The renamed local domain is now the one delivered locally. */
    ck_assert_uint_eq(mxh_whatif_domain_local_count(dom(w, "www.example.co.jp."), 1), 1);
    /* other.example stays where it was. */
    ck_assert_int_eq(mxh_whatif_domain_change(dom(w, "other.example.")), MXH_MAIL_UNCHANGED);
    /* The rename removes seed 004's hazard. */
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    ck_assert_int_eq(mxh_whatif_scan(w, e), MXH_OK);
    int removed = 0;
    for (size_t i = 0; i < mxh_whatif_finding_count(w); i++) {
        const mxh_whatif_finding *f = mxh_whatif_finding_at(w, i);
        if (!strcmp(mxh_whatif_finding_rule(f), "shared-host-local-delivery")) {
            ck_assert(!mxh_whatif_finding_introduced(f));
            ck_assert_str_eq(mxh_whatif_finding_owner(f), "example.co.jp.");
            removed++;
        }
    }
    ck_assert_int_eq(removed, 1);
    mxh_engine_free(e);
    mxh_whatif_free(w);
    mxh_zoneset_free(after);

    const char *bad[] = { "inventory del dc42.svr example.co.jp", "inventory del dc99.svr nope.example", NULL };
    after = apply_lines(zs, MXH_ERR_PARSE, NULL, bad, NULL);
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "--change #1", 0, "no server dc42.svr."));
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "--change #2", 0, "does not hold nope.example."));
    mxh_zoneset_free(after);
    mxh_zoneset_free(zs);
}
END_TEST

static void load_dir(mxh_zoneset *zs, const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    char *names[16];
    size_t n = 0;
    while ((e = readdir(d)) && n < 16)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, (int (*)(const void *, const void *))strcmp);
    for (size_t i = 0; i < n; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        ck_assert_int_eq(mxh_zoneset_load_file(zs, p, NULL, NULL), MXH_OK);
        free(names[i]);
    }
}

START_TEST(test_diff_directories)
{
    mxh_zoneset *a = NULL, *b = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&a), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_new(&b), MXH_OK);
    load_dir(a, "tests/whatif/diff/old");
    load_dir(b, "tests/whatif/diff/new");
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(a, b, NULL, &w), MXH_OK);
    ck_assert_uint_eq(mxh_whatif_domain_count(w), 2);
    const mxh_whatif_domain *d = dom(w, "example.org.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_BROKEN);
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(d), "104.16.132.229 belongs to cloudflare"));
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(d), "tests/whatif/diff/new/example.org.zone:6"));
    d = dom(w, "example.net.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED_NON_MX);
    ck_assert_uint_eq(mxh_whatif_count(w, MXH_MAIL_BROKEN), 1);
    mxh_whatif_free(w);
    /* A zone present on one side only. */
    mxh_zoneset *c = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&c), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_file(c, "tests/whatif/diff/new/example.net.zone", NULL, NULL), MXH_OK);
    ck_assert_int_eq(mxh_whatif_compare(a, c, NULL, &w), MXH_OK);
    d = dom(w, "example.org.");
    ck_assert_int_eq(mxh_whatif_domain_change(d), MXH_MAIL_MOVED);
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(d), "its zone is gone"));
    mxh_whatif_free(w);
    ck_assert_int_eq(mxh_whatif_compare(c, a, NULL, &w), MXH_OK);
    ck_assert_ptr_nonnull(strstr(mxh_whatif_domain_reason(dom(w, "example.org.")), "a new zone"));
    mxh_whatif_free(w);
    mxh_zoneset_free(c);
    mxh_zoneset_free(a);
    mxh_zoneset_free(b);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* CDN ranges                                                               */

START_TEST(test_cdn_ranges)
{
    mxh_cdn_ranges *r = NULL;
    ck_assert_int_eq(mxh_cdn_ranges_new(&r), MXH_OK);
    ck_assert_uint_eq(mxh_cdn_error_count(r), 0);
    ck_assert_uint_gt(mxh_cdn_ranges_count(r), 200);
    ck_assert_str_eq(mxh_cdn_provider(r, "104.16.0.1"), "cloudflare");
    ck_assert_str_eq(mxh_cdn_provider(r, "172.71.255.255"), "cloudflare");
    ck_assert_ptr_null(mxh_cdn_provider(r, "172.72.0.0"));
    ck_assert_str_eq(mxh_cdn_provider(r, "2606:4700::6810:84e5"), "cloudflare");
    ck_assert_str_eq(mxh_cdn_provider(r, "151.101.65.69"), "fastly");
    ck_assert_str_eq(mxh_cdn_provider(r, "13.32.99.1"), "cloudfront");
    ck_assert_str_eq(mxh_cdn_provider(r, "2600:9000:2000::1"), "cloudfront");
    ck_assert_str_eq(mxh_cdn_provider(r, "192.88.134.9."), "sucuri");
    ck_assert_ptr_null(mxh_cdn_provider(r, "10.0.1.100"));
    ck_assert_ptr_null(mxh_cdn_provider(r, "11.11.11.11"));
    ck_assert_ptr_null(mxh_cdn_provider(r, "not-an-address"));
    /* A user file: the longest prefix names the provider; bad lines are counted. */
    const char user[] = "# mine\nmywaf 104.16.5.0/24\nmywaf 203.0.113.7\nbroken\nx 1.2.3.4/33\nx 1.2.3.0/24 extra\n";
    ck_assert_int_eq(mxh_cdn_ranges_load_buffer(r, "user.txt", user, sizeof user - 1), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_cdn_error_count(r), 3);
    ck_assert_ptr_nonnull(strstr(mxh_cdn_ranges_errmsg(r), "user.txt:6:"));
    ck_assert_str_eq(mxh_cdn_provider(r, "104.16.5.9"), "mywaf");
    ck_assert_str_eq(mxh_cdn_provider(r, "104.16.6.9"), "cloudflare");
    ck_assert_str_eq(mxh_cdn_provider(r, "203.0.113.7"), "mywaf");
    ck_assert_ptr_null(mxh_cdn_provider(r, "203.0.113.8"));
    ck_assert_int_eq(mxh_cdn_ranges_load_file(r, "tests/whatif/no-such-file"), MXH_ERR_IO);
    mxh_cdn_ranges_free(r);

    /* The compiled-in table is the data file, byte for byte. */
    FILE *f = fopen("data/cdn-ranges.txt", "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    ck_assert_str_eq(mxh_cdn_builtin_text(), buf);
}
END_TEST

/* The indexed lookup against a plain scan of every prefix in file order
 * (longest match, the first listed of equal ones): the built-in table plus
 * generated prefixes that nest, repeat with other providers and share
 * networks at different lengths, asked at and around their edges. */
typedef struct { int fam; unsigned char net[16]; unsigned len; char prov[32]; } ref_prefix;

static void ref_mask(unsigned char *a, unsigned bytes, unsigned len)
{
    for (unsigned i = 0; i < bytes; i++) {
        unsigned bits = len > i * 8 ? len - i * 8 : 0;
        if (bits < 8)
            a[i] &= (unsigned char)(0xff00u >> bits);
    }
}

static size_t ref_add_text(ref_prefix *v, size_t n, size_t cap, const char *text)
{
    const char *p = text;
    while (*p && n < cap) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        char line[256], prov[64], pre[128];
        snprintf(line, sizeof line, "%.*s", (int)(ll < 255 ? ll : 255), p);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (sscanf(line, "%63s %127s", prov, pre) == 2) {
            ref_prefix *r = &v[n];
            char *slash = strchr(pre, '/');
            if (slash)
                *slash = '\0';
            r->fam = strchr(pre, ':') ? 6 : 4;
            ck_assert_int_eq(inet_pton(r->fam == 4 ? AF_INET : AF_INET6, pre, r->net), 1);
            r->len = slash ? (unsigned)atoi(slash + 1) : r->fam == 4 ? 32 : 128;
            ref_mask(r->net, r->fam == 4 ? 4 : 16, r->len);
            snprintf(r->prov, sizeof r->prov, "%.*s", (int)sizeof r->prov - 1, prov);
            n++;
        }
        p = eol ? eol + 1 : p + ll;
    }
    return n;
}

static const char *ref_lookup(const ref_prefix *v, size_t n, int fam, const unsigned char *a)
{
    const char *best = NULL;
    int bestlen = -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i].fam != fam)
            continue;
        unsigned char t[16];
        memcpy(t, a, 16);
        ref_mask(t, fam == 4 ? 4 : 16, v[i].len);
        if (memcmp(t, v[i].net, fam == 4 ? 4 : 16) == 0 && (int)v[i].len > bestlen) {
            best = v[i].prov;
            bestlen = (int)v[i].len;
        }
    }
    return best;
}

START_TEST(test_cdn_index_matches_scan)
{
    static ref_prefix ref[4096];
    size_t n = ref_add_text(ref, 0, 4096, mxh_cdn_builtin_text());
    ck_assert_uint_gt(n, 200);
    /* generated prefixes: xorshift, fixed seed */
    static char user[65536];
    size_t ul = 0;
    uint64_t x = 0x9e3779b97f4a7c15ull;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    static const unsigned char heads4[][2] = {{104, 16}, {10, 0}, {203, 0}, {151, 101}, {2, 2}};
    for (int i = 0; i < 600; i++) {
        uint64_t r = NEXT();
        unsigned fam = (r & 7) == 0 ? 6 : 4;
        unsigned char a[16] = {0};
        unsigned len;
        if (fam == 4) {
            const unsigned char *h = heads4[(r >> 3) % 5];
            a[0] = h[0];
            a[1] = (r >> 6) & 1 ? h[1] : (unsigned char)(r >> 8);
            a[2] = (unsigned char)(r >> 16) & 0x0f;
            a[3] = (unsigned char)(r >> 24);
            len = (unsigned)((r >> 32) % 33);
            if (len < 6)
                len += 6;
        } else {
            a[0] = 0x26;
            a[1] = (r >> 3) & 1 ? 0x06 : 0x00;
            a[2] = (unsigned char)(r >> 8) & 0x47;
            a[15] = (unsigned char)(r >> 16);
            len = (unsigned)((r >> 32) % 129);
            if (len < 12)
                len += 12;
        }
        char txt[64];
        inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, txt, sizeof txt);
        ul += (size_t)snprintf(user + ul, sizeof user - ul, "p%u %s/%u\n", (unsigned)(r >> 40) % 7,
                               txt, len);
        if ((r >> 48) % 5 == 0) /* the same prefix again, another provider: the first wins */
            ul += (size_t)snprintf(user + ul, sizeof user - ul, "q%u %s/%u\n",
                                   (unsigned)(r >> 52) % 3, txt, len);
    }
    ck_assert_uint_lt(ul, sizeof user - 1);
    n = ref_add_text(ref, n, 4096, user);
    mxh_cdn_ranges *t = NULL;
    ck_assert_int_eq(mxh_cdn_ranges_new(&t), MXH_OK);
    ck_assert_int_eq(mxh_cdn_ranges_load_buffer(t, "gen.txt", user, ul), MXH_OK);
    ck_assert_uint_eq(mxh_cdn_ranges_count(t), n);
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        /* each prefix's first and last address, one before and one after */
        for (int k = 0; k < 4; k++) {
            unsigned char a[16];
            unsigned bytes = ref[i].fam == 4 ? 4 : 16;
            memcpy(a, ref[i].net, 16);
            if (k >= 1) { /* last address of the prefix */
                for (unsigned b = 0; b < bytes; b++) {
                    unsigned bits = ref[i].len > b * 8 ? ref[i].len - b * 8 : 0;
                    if (bits < 8)
                        a[b] |= (unsigned char)(0xffu >> bits);
                }
            }
            if (k == 2) { /* one after it */
                for (int b = (int)bytes - 1; b >= 0 && ++a[b] == 0; b--)
                    ;
            }
            if (k == 3) { /* one before the first */
                memcpy(a, ref[i].net, 16);
                for (int b = (int)bytes - 1; b >= 0 && a[b]-- == 0; b--)
                    ;
            }
            char txt[64];
            inet_ntop(ref[i].fam == 4 ? AF_INET : AF_INET6, a, txt, sizeof txt);
            const char *want = ref_lookup(ref, n, ref[i].fam, a);
            const char *got = mxh_cdn_provider(t, txt);
            ck_assert_msg((want == NULL && got == NULL) ||
                          (want && got && strcmp(want, got) == 0),
                          "%s: want %s, got %s", txt, want ? want : "(none)", got ? got : "(none)");
            hits += want != NULL;
        }
    }
    ck_assert_uint_gt(hits, n); /* most asked addresses are inside some range */
#undef NEXT
    mxh_cdn_ranges_free(t);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Findings introduced and removed                                          */

static const char RULE[] =
    "return {\n"
    "  id = \"apex-is-mail-host\", severity = \"warning\", title = \"t\", description = \"d\",\n"
    "  references = { \"seed 000\" },\n"
    "  check = function(zone, report)\n"
    "    for rec in zone:records(\"MX\") do\n"
    "      if rec:target() == rec:owner() then report { owner = rec:owner(), message = \"m\", at = rec } end\n"
    "    end\n"
    "  end,\n"
    "}\n";

START_TEST(test_findings_introduced_removed)
{
    mxh_engine_opts eo = { .no_builtin = 1 };
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(&eo, &e), MXH_OK);
    ck_assert_msg(mxh_engine_load_rule_buffer(e, "apex-is-mail-host.lua", RULE, sizeof RULE - 1) == MXH_OK,
                  "%s", mxh_engine_errmsg(e));
    mxh_zoneset *zs = load_file("tests/whatif/seed.zone");
    mxh_changeset *cs = NULL;
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_load_file(cs, "tests/whatif/safe-order.txt"), MXH_OK);
    mxh_zoneset *after = NULL;
    ck_assert_int_eq(mxh_changeset_apply(cs, zs, &after), MXH_OK);
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
    ck_assert_int_eq(mxh_whatif_scan(w, e), MXH_OK);
    ck_assert_uint_eq(mxh_whatif_finding_count(w), 1);
    const mxh_whatif_finding *f = mxh_whatif_finding_at(w, 0);
    ck_assert(!mxh_whatif_finding_introduced(f)); /* the fix removes it */
    ck_assert_str_eq(mxh_whatif_finding_rule(f), "apex-is-mail-host");
    ck_assert_str_eq(mxh_whatif_finding_owner(f), "example.com.");
    ck_assert_str_eq(mxh_whatif_finding_file(f), "tests/whatif/seed.zone");
    ck_assert_uint_eq(mxh_whatif_finding_line(f), 6);
    mxh_whatif_free(w);
    /* The reverse comparison introduces it. */
    ck_assert_int_eq(mxh_whatif_compare(after, zs, NULL, &w), MXH_OK);
    ck_assert_int_eq(mxh_whatif_scan(w, e), MXH_OK);
    ck_assert_uint_eq(mxh_whatif_finding_count(w), 1);
    ck_assert(mxh_whatif_finding_introduced(mxh_whatif_finding_at(w, 0)));
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

static int count_rule(const mxh_finding *f, void *ud)
{
    if (mxh_finding_kind_of(f) == MXH_FINDING && strcmp(mxh_finding_rule(f), "mx-on-cdn") == 0)
        ++*(int *)ud;
    return 0;
}

/* mx-on-cdn through the engine: the built-in table, then a user table set
 * with mxh_engine_set_cdn_ranges, then back to the built-in one. */
START_TEST(test_rule_with_user_ranges)
{
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    ck_assert_int_eq(mxh_engine_select(e, "mx-on-cdn", NULL), MXH_OK);
    mxh_zoneset *zs = load_text("waf.zone",
        "$ORIGIN example.com.\n$TTL 600\n@ MX 10 mail\nmail A 203.0.113.7\n"
        "shop MX 10 web\nweb A 151.101.1.1\n");
    int n = 0;
    ck_assert_int_eq(mxh_engine_scan(e, zs, count_rule, &n), MXH_OK);
    ck_assert_int_eq(n, 1); /* shop: Fastly */
    mxh_cdn_ranges *r = NULL;
    ck_assert_int_eq(mxh_cdn_ranges_new(&r), MXH_OK);
    const char mine[] = "mywaf 203.0.113.0/24\n";
    ck_assert_int_eq(mxh_cdn_ranges_load_buffer(r, "mine", mine, sizeof mine - 1), MXH_OK);
    ck_assert_int_eq(mxh_engine_set_cdn_ranges(e, r), MXH_OK);
    n = 0;
    ck_assert_int_eq(mxh_engine_scan(e, zs, count_rule, &n), MXH_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(mxh_engine_set_cdn_ranges(e, NULL), MXH_OK);
    n = 0;
    ck_assert_int_eq(mxh_engine_scan(e, zs, count_rule, &n), MXH_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(mxh_engine_set_cdn_ranges(NULL, r), MXH_ERR_ARG);
    mxh_engine_free(e);
    mxh_cdn_ranges_free(r);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_bad_arguments)
{
    mxh_whatif *w = NULL;
    ck_assert_int_eq(mxh_whatif_compare(NULL, NULL, NULL, &w), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_changeset_apply(NULL, NULL, NULL), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_changeset_add(NULL, "x", NULL, 0), MXH_ERR_ARG);
    ck_assert_ptr_null(mxh_cdn_provider(NULL, "1.2.3.4"));
    mxh_whatif_free(NULL);
    mxh_changeset_free(NULL);
    mxh_cdn_ranges_free(NULL);
    /* Empty zone set, empty changeset: nothing to compare. */
    mxh_zoneset *zs = NULL, *out = NULL;
    mxh_changeset *cs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_apply(cs, zs, &out), MXH_OK);
    ck_assert_int_eq(mxh_whatif_compare(zs, out, NULL, &w), MXH_OK);
    ck_assert_uint_eq(mxh_whatif_domain_count(w), 0);
    ck_assert_ptr_null(mxh_whatif_find_domain(w, "example.com"));
    mxh_whatif_free(w);
    mxh_zoneset_free(out);
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
}
END_TEST

/* Garbage in: changes, CDN ranges and inventory edits made of random
 * bytes and of near-misses never crash; each bad line is an error. */
START_TEST(test_malformed)
{
    mxh_zoneset *zs = load_text("seed.zone", SEED);
    unsigned long x = 12345;
    static char buf[8192];
    for (int round = 0; round < 50; round++) {
        size_t n = 1 + (size_t)(round * 97 % (sizeof buf - 1));
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ul + 1442695040888963407ul;
            unsigned char c = (unsigned char)(x >> 33);
            /* Mostly printable, with the separators that matter. */
            buf[i] = (char)(round % 3 == 0 ? c : " \t\n;#\"\\.@*0123456789abcdefAMXNSTCset add del inventory"[c % 52]);
        }
        mxh_changeset *cs = NULL;
        ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
        mxh_status st = mxh_changeset_load_buffer(cs, "fuzz.txt", buf, n);
        ck_assert(st == MXH_OK || st == MXH_ERR_PARSE);
        mxh_zoneset *after = NULL;
        st = mxh_changeset_apply(cs, zs, &after);
        ck_assert(st == MXH_OK || st == MXH_ERR_PARSE);
        ck_assert_ptr_nonnull(after);
        mxh_whatif *w = NULL;
        ck_assert_int_eq(mxh_whatif_compare(zs, after, NULL, &w), MXH_OK);
        ck_assert_int_eq(mxh_whatif_plan_fixes(w, cs), MXH_OK);
        mxh_whatif_free(w);
        mxh_zoneset_free(after);
        mxh_changeset_free(cs);
        mxh_cdn_ranges *r = NULL;
        ck_assert_int_eq(mxh_cdn_ranges_new(&r), MXH_OK);
        st = mxh_cdn_ranges_load_buffer(r, "fuzz.txt", buf, n);
        ck_assert(st == MXH_OK || st == MXH_ERR_PARSE);
        mxh_cdn_provider(r, "104.16.0.1");
        mxh_cdn_ranges_free(r);
    }
    /* Near misses, each refused with its line. */
    const char near[] =
        "set\n"                                   /* 1: no owner */
        "set example.com.\n"                      /* 2: no type */
        "set example.com. 99999999999 A 1.2.3.4\n" /* 3: TTL too large: not a TTL, not a type */
        "add example.com. IN IN A 1.2.3.4\n"      /* 4: class twice: 'IN' as a type */
        "inventory\n"                             /* 5 */
        "inventory set dc1 1.2.3.4 a.example\n";  /* 6 */
    mxh_changeset *cs = NULL;
    ck_assert_int_eq(mxh_changeset_new(&cs), MXH_OK);
    ck_assert_int_eq(mxh_changeset_load_buffer(cs, "near.txt", near, sizeof near - 1), MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_changeset_count(cs), 0);
    ck_assert_uint_eq(mxh_changeset_error_count(cs), 6);
    for (size_t i = 0; i < 6; i++) {
        char want[32];
        snprintf(want, sizeof want, "near.txt:%zu:", i + 1);
        ck_assert_msg(strstr(mxh_changeset_error(cs, i), want), "%s", mxh_changeset_error(cs, i));
    }
    /* A valid change with an absurd RDATA is refused when applied. */
    ck_assert_int_eq(mxh_changeset_add(cs, "add example.com. A 300.1.2.3", "x", 1), MXH_OK);
    ck_assert_int_eq(mxh_changeset_add(cs, "add example.com. MX 10", "x", 2), MXH_OK);
    mxh_zoneset *after = NULL;
    ck_assert_int_eq(mxh_changeset_apply(cs, zs, &after), MXH_ERR_PARSE);
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "x", 1, "bad RDATA"));
    ck_assert(has_diag(after, MXH_DIAG_ERROR, "x", 2, "bad RDATA"));
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *whatif_suite(void);
Suite *whatif_suite(void)
{
    Suite *s = suite_create("whatif");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_parse_changes);
    tcase_add_test(tc, test_set_add_del);
    tcase_add_test(tc, test_apply_errors_and_names);
    tcase_add_test(tc, test_seed_scenario);
    tcase_add_test(tc, test_seed_wildcard);
    tcase_add_test(tc, test_classifications);
    tcase_add_test(tc, test_cname_and_wildcard_in_path);
    tcase_add_test(tc, test_shared_mx_host_other_zone);
    tcase_add_test(tc, test_inventory_seed004);
    tcase_add_test(tc, test_diff_directories);
    tcase_add_test(tc, test_cdn_ranges);
    tcase_add_test(tc, test_cdn_index_matches_scan);
    tcase_add_test(tc, test_findings_introduced_removed);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_rule_with_user_ranges);
    suite_add_tcase(s, tc);
    return s;
}

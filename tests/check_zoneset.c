/* SPDX-License-Identifier: MIT */
/* Zone set model: nodes, empty non-terminals, delegation marking, closest
 * enclosing zone, shadowed duplicates, diagnostics. Zones are built directly
 * through mxh_zone_add so this suite does not depend on any loader. */
#include <check.h>
#include <stdio.h>
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
    ck_assert(mxh_zone_shadowed(c));
    ck_assert(!mxh_zone_shadowed(a));
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

/* Many names: every node is found again by its name (the index holds 32-bit
 * references into node blocks that grow to many), its length is kept, and
 * names that are only prefixes or suffixes of others are not confused. */
START_TEST(test_many_nodes)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", 0, MXH_FMT_BIND);
    char name[MXH_NAME_BUF];
    enum { N = 60000 };
    for (int i = 0; i < N; i++) {
        /* every 7th a long name (bigger node), every 5th two labels deep */
        if (i % 7 == 0)
            snprintf(name, sizeof name, "host%d-%0200d.example.com.", i, 0);
        else if (i % 5 == 0)
            snprintf(name, sizeof name, "h%d.sub%d.example.com.", i, i % 50);
        else
            snprintf(name, sizeof name, "h%d.example.com.", i);
        ck_assert_ptr_nonnull(add(z, name, MXH_TYPE_A, "192.0.2.1", NULL));
    }
    ck_assert_uint_gt(zs->nnblocks, 5);
    mxh_zone_finish(z);
    for (int i = 0; i < N; i++) {
        if (i % 7 == 0)
            snprintf(name, sizeof name, "host%d-%0200d.example.com.", i, 0);
        else if (i % 5 == 0)
            snprintf(name, sizeof name, "h%d.sub%d.example.com.", i, i % 50);
        else
            snprintf(name, sizeof name, "h%d.example.com.", i);
        const mxh_node *n = mxh_zone_find(z, name);
        ck_assert_ptr_nonnull(n);
        ck_assert_str_eq(n->name, name);
        ck_assert_uint_eq(n->name_len, strlen(name));
        ck_assert(n->flags & MXH_NODE_DATA);
        ck_assert_ptr_eq(n->zone, z);
        ck_assert_ptr_nonnull(n->rrs);
        ck_assert_str_eq(mxh_rr_owner(n->rrs), name);
    }
    /* the empty non-terminals: found, no data, their names suffixes */
    const mxh_node *ent = mxh_zone_find(z, "sub45.example.com.");
    ck_assert_ptr_nonnull(ent);
    ck_assert_int_eq(ent->flags & MXH_NODE_DATA, 0);
    ck_assert_uint_eq(ent->name_len, strlen("sub45.example.com."));
    /* absent: a prefix, a suffix, a name one character longer */
    ck_assert_ptr_null(mxh_zone_find(z, "h1.example.com"));
    ck_assert_ptr_null(mxh_zone_find(z, "1.example.com."));
    ck_assert_ptr_null(mxh_zone_find(z, "h11.example.comx."));
    ck_assert_ptr_null(mxh_zone_find(z, "xh1.example.com."));
    /* every node once in the creation list; data nodes + 10 ENTs (sub0, sub5 .. sub45) + apex */
    ck_assert_uint_eq(z->nnodes, (size_t)N + 10 + 1);
    mxh_zoneset_free(zs);
}
END_TEST

/* The RDATA as written is kept only when it differs, behind the canonical
 * RDATA; a flag of that kind given by a caller is not believed. */
START_TEST(test_rdata_text_kept)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", 0, MXH_FMT_BIND);
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = "a.example.com.";
    in.owner_len = strlen(in.owner);
    in.owner_text = "a";
    in.type = MXH_TYPE_MX;
    in.rdata = "10 mail.example.com.";
    in.rdata_text = "10 mail";
    in.target = "mail.example.com.";
    in.flags = MXH_RR_TARGET_RELATIVE | MXH_RR_TEXT_AFTER;
    const mxh_rr *mx = mxh_zone_add(z, &in);
    ck_assert_ptr_nonnull(mx);
    ck_assert_str_eq(mxh_rr_rdata(mx), "10 mail.example.com.");
    ck_assert_str_eq(mxh_rr_rdata_text(mx), "10 mail");
    ck_assert(mxh_rr_target_relative(mx));
    in.rdata_text = "10 mail.example.com."; /* the same text: not stored twice */
    in.flags = MXH_RR_TEXT_AFTER;
    const mxh_rr *same = mxh_zone_add(z, &in);
    ck_assert_ptr_eq(mxh_rr_rdata_text(same), mxh_rr_rdata(same));
    ck_assert(!(same->flags & MXH_RR_TEXT_AFTER));
    ck_assert(!mxh_rr_target_relative(same));
    in.rdata_text = NULL; /* NULL: the same as rdata */
    const mxh_rr *none = mxh_zone_add(z, &in);
    ck_assert_ptr_eq(mxh_rr_rdata_text(none), mxh_rr_rdata(none));
    in.rdata = "";
    in.rdata_text = "x";
    const mxh_rr *empty = mxh_zone_add(z, &in);
    ck_assert_str_eq(mxh_rr_rdata(empty), "");
    ck_assert_str_eq(mxh_rr_rdata_text(empty), "x");
    /* what-if copies go through mxh_rr_in again: the text survives */
    mxh_rr_in again;
    memset(&again, 0, sizeof again);
    again.owner = mx->node->name;
    again.owner_len = strlen(again.owner);
    again.type = mx->type;
    again.rdata = mx->rdata;
    again.rdata_text = mxh_rr_rdata_text(mx);
    again.flags = mx->flags;
    const mxh_rr *copy = mxh_zone_add(z, &again);
    ck_assert_str_eq(mxh_rr_rdata_text(copy), "10 mail");
    mxh_zoneset_free(zs);
}
END_TEST

/* Hashes handed in by a loader that prefetched (mxh_zone_prefetch) give the
 * same nodes and interned targets as hashing inside mxh_zone_add. */
START_TEST(test_prefetched_hashes)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", 0, MXH_FMT_BIND);
    const mxh_rr *plain = add(z, "www.example.com.", MXH_TYPE_CNAME, "web.example.net.", "web.example.net.");
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = "ftp.example.com.";
    in.owner_len = strlen(in.owner);
    in.type = MXH_TYPE_CNAME;
    in.rdata = "web.example.net.";
    in.target = "web.example.net.";
    mxh_zone_prefetch(z, &in, in.owner, in.owner_len, in.target, strlen(in.target));
    ck_assert_uint_eq(in.hashed, 3);
    ck_assert_uint_eq(in.owner_hash, mxh_hash_bytes("ftp.example.com.", 16));
    const mxh_rr *pf = mxh_zone_add(z, &in);
    ck_assert_ptr_nonnull(pf);
    ck_assert_ptr_eq(pf->target, plain->target); /* one interned copy */
    ck_assert_ptr_eq(mxh_zone_find(z, "ftp.example.com."), pf->node);
    in.owner = "www.example.com."; /* an existing node, found by the given hash */
    in.owner_len = strlen(in.owner);
    in.hashed = 0;
    mxh_zone_prefetch(z, &in, in.owner, in.owner_len, NULL, 0);
    ck_assert_uint_eq(in.hashed, 1);
    const mxh_rr *again = mxh_zone_add(z, &in);
    ck_assert_ptr_eq(again->node, plain->node);
    mxh_zoneset_free(zs);
}
END_TEST

/* Cuts found through the small table of cuts: nested delegations, glue two
 * labels under a cut, a sibling that only shares a suffix of characters. */
START_TEST(test_delegation_many)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", 0, MXH_FMT_BIND);
    char name[256];
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "d%d.example.com.", i);
        add(z, name, MXH_TYPE_NS, "ns.example.net.", "ns.example.net.");
        snprintf(name, sizeof name, "ns.x.d%d.example.com.", i);
        add(z, name, MXH_TYPE_A, "192.0.2.1", NULL);
        snprintf(name, sizeof name, "a.xd%d.example.com.", i);
        add(z, name, MXH_TYPE_A, "192.0.2.1", NULL);
    }
    add(z, "in.d7.example.com.", MXH_TYPE_NS, "ns.example.net.", "ns.example.net.");
    mxh_zone_finish(z);
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "ns.x.d%d.example.com.", i);
        ck_assert(mxh_zone_find(z, name)->flags & MXH_NODE_BELOW_CUT);
        snprintf(name, sizeof name, "x.d%d.example.com.", i);
        ck_assert(mxh_zone_find(z, name)->flags & MXH_NODE_BELOW_CUT);
        snprintf(name, sizeof name, "d%d.example.com.", i);
        ck_assert(mxh_zone_find(z, name)->flags & MXH_NODE_CUT);
        ck_assert(!(mxh_zone_find(z, name)->flags & MXH_NODE_BELOW_CUT));
        snprintf(name, sizeof name, "a.xd%d.example.com.", i);
        ck_assert(!(mxh_zone_find(z, name)->flags & (MXH_NODE_BELOW_CUT | MXH_NODE_CUT)));
    }
    const mxh_node *in7 = mxh_zone_find(z, "in.d7.example.com.");
    ck_assert(in7->flags & MXH_NODE_CUT);
    ck_assert(in7->flags & MXH_NODE_BELOW_CUT);
    ck_assert(!(z->apex->flags & (MXH_NODE_CUT | MXH_NODE_BELOW_CUT)));
    mxh_zoneset_free(zs);
}
END_TEST

/* Names with an escaped dot are one label: "a\.b" is not below "b", and
 * the shortcuts for names one label below the apex must not say otherwise.
 * The root zone too. */
START_TEST(test_escaped_dots_and_root)
{
    mxh_zoneset *zs;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_zone *z = mxh_zone_create(zs, "example.com.", 0, MXH_FMT_BIND);
    add(z, "b.example.com.", MXH_TYPE_NS, "ns.example.net.", "ns.example.net.");
    add(z, "a\\.b.example.com.", MXH_TYPE_A, "192.0.2.1", NULL);
    add(z, "x.a\\.b.example.com.", MXH_TYPE_A, "192.0.2.2", NULL);
    add(z, "y.b.example.com.", MXH_TYPE_A, "192.0.2.3", NULL);
    mxh_zone_finish(z);
    const mxh_node *ab = mxh_zone_find(z, "a\\.b.example.com.");
    ck_assert_ptr_nonnull(ab);
    ck_assert(!(ab->flags & MXH_NODE_BELOW_CUT));
    ck_assert(!(mxh_zone_find(z, "x.a\\.b.example.com.")->flags & MXH_NODE_BELOW_CUT));
    ck_assert(mxh_zone_find(z, "y.b.example.com.")->flags & MXH_NODE_BELOW_CUT);
    /* "a\.b" was created with the apex as its parent: no node "b" was made for it */
    ck_assert_uint_eq(z->nnodes, 5); /* apex, b, a\.b, x.a\.b, y.b */

    mxh_zone *r = mxh_zone_create(zs, ".", 0, MXH_FMT_BIND);
    add(r, "com.", MXH_TYPE_NS, "a.gtld-servers.net.", "a.gtld-servers.net.");
    add(r, "ns.com.", MXH_TYPE_A, "192.0.2.4", NULL);
    add(r, "x\\..", MXH_TYPE_A, "192.0.2.5", NULL);
    add(r, "q.x\\..", MXH_TYPE_A, "192.0.2.6", NULL);
    mxh_zone_finish(r);
    ck_assert(mxh_zone_find(r, "com.")->flags & MXH_NODE_CUT);
    ck_assert(mxh_zone_find(r, "ns.com.")->flags & MXH_NODE_BELOW_CUT);
    ck_assert(!(mxh_zone_find(r, "x\\..")->flags & MXH_NODE_BELOW_CUT));
    ck_assert(!(mxh_zone_find(r, "q.x\\..")->flags & MXH_NODE_BELOW_CUT));
    ck_assert_uint_eq(r->nnodes, 5); /* ., com., ns.com., x\.., q.x\.. */
    mxh_zoneset_free(zs);
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
    tcase_add_test(tc, test_many_nodes);
    tcase_add_test(tc, test_rdata_text_kept);
    tcase_add_test(tc, test_prefetched_hashes);
    tcase_add_test(tc, test_delegation_many);
    tcase_add_test(tc, test_escaped_dots_and_root);
    suite_add_tcase(s, tc);
    return s;
}

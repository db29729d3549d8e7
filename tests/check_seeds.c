/* SPDX-License-Identifier: MIT */
/*
 * check_seeds.c — the seed scenarios (../shared/seeds, the hosting documents
 * the project grew from) reproduced end to end with the records the seeds
 * give: load the zones (master files, registrar panel text, control-panel
 * tables) and an inventory from tests/seeds/, scan with every built-in rule,
 * and assert exactly the expected findings: no more, no fewer, no rule
 * errors, no load diagnostics. Some scenarios also assert words of the fix,
 * so the remedy keeps naming the zone's own hosts and addresses.
 *
 * Tests run from the source root (make check-unit does).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxhazard.h"

#define SEEDS "tests/seeds/"
#define MAX_FOUND 32

typedef struct zfile {
    const char *path;   /* under tests/seeds/ */
    const char *origin; /* NULL: from the file */
} zfile;

typedef struct expect {
    const char *rule;
    const char *owner;
    const char *severity; /* NULL: the rule's own */
    const char *fix_has;  /* NULL: not checked */
} expect;

typedef struct scenario {
    const char *name;
    zfile zones[3];
    const char *inventory;
    expect want[4]; /* terminated by rule == NULL */
} scenario;

/* A scenario with no findings at all. */
#define NONE { { NULL, NULL, NULL, NULL } }

static const scenario scenarios[] = {
    /* Seed 000: the apex is website and mail host; moving the site moves mail. */
    { "000 apex is web and mail", { { "000-before.zone", NULL } }, NULL,
      { { "apex-a-mx-collision", "example.com.", "warning",
          "add `mail.example.com. A 10.0.1.100`, change the MX to `mail.example.com.`, then move the apex" } } },
    { "000 after the move", { { "000-after-move.zone", NULL } }, NULL,
      { { "apex-a-mx-collision", "example.com.", NULL, "mail.example.com. A 11.11.11.11" } } },
    { "000 example 1 (www split)", { { "000-example1-www.zone", NULL } }, NULL, NONE },
    { "000 example 2 (mail host)", { { "000-example2-mail.zone", NULL } }, NULL, NONE },
    { "000 example 3 (Google)", { { "000-example3-google.zone", NULL } }, NULL, NONE },
    { "000 method 1 done", { { "000-method1.zone", NULL } }, NULL, NONE },
    { "000 XServer before", { { "000-xserver-before.txt", "example.com" } }, NULL,
      { { "apex-a-mx-collision", "example.com.", NULL, "mail.example.com." } } },
    { "000 XServer after (wildcard covers mail.)", { { "000-xserver-after.txt", "example.com" } }, NULL,
      { { "wildcard-coverage", "example.com.", "warning", "`mail.example.com. A 10.0.1.100`" } } },

    /* Seed 001: the same hazard; the recommended layout and method 2 are quiet. */
    { "001 before", { { "001-before.zone", NULL } }, NULL,
      { { "apex-a-mx-collision", "example.com.", NULL, "mail.example.com. A 10.0.1.100" } } },
    { "001 recommended layout", { { "001-recommended.zone", NULL } }, NULL, NONE },
    { "001 method 2 (site on www)", { { "001-method2-www.zone", NULL } }, NULL, NONE },

    /* Seed 002: registrar panel lines. */
    { "002 MXE", { { "002-mxe.txt", "hogehoge.com" } }, NULL, NONE },
    { "002 missing dot", { { "002-missing-dot.txt", "hogehoge.com" } }, NULL,
      { { "mx-relative-name", "hogehoge.com.", "error", "`hogehoge.com. MX 10 s1.xrea.com.`" } } },
    { "002 dot written", { { "002-s2.txt", "hogehoge.com" } }, NULL, NONE },
    { "002 no MX", { { "002-a-only.txt", "hogehoge.com" } }, NULL,
      { { "no-mx-implicit", "hogehoge.com.", "info", "`hogehoge.com. MX 0 .`" } } },
    { "002 s3 and web s4", { { "002-two-servers.txt", "hogehoge.com" } }, NULL, NONE },
    { "002 wildcard MX", { { "002-wildcard-mx.txt", "hogehoge.com" } }, NULL,
      { { "wildcard-mx", "*.hogehoge.com.", "warning", NULL } } },
    { "002 wildcard MX blocked", { { "002-wildcard-mx-blocked.txt", "hogehoge.com" } }, NULL,
      { { "wildcard-mx", "*.hogehoge.com.", NULL, NULL },
        { "wildcard-blocked", "www.hogehoge.com.", NULL, "`www.hogehoge.com. MX 10 s1.xrea.com.`" },
        { "wildcard-blocked", "news.hogehoge.com.", NULL, "`news.hogehoge.com. MX 10 s1.xrea.com.`" } } },
    { "002 s*", { { "002-s-star.txt", "hogehoge.com" } }, NULL,
      { { "partial-wildcard", "s*.hogehoge.com.", "warning", "s1.hogehoge.com." } } },
    { "002 own mail host", { { "002-own-mail.txt", "hogehoge.com" } }, NULL, NONE },
    { "002 own mail host, full name without dot", { { "002-own-mail-fqdn-no-dot.txt", "hogehoge.com" } }, NULL,
      { { "mx-relative-name", "hogehoge.com.", NULL, "`hogehoge.com. MX 10 mail.hogehoge.com.`" } } },
    { "002 CNAME mail host", { { "002-cname.txt", "hogehoge.com" } }, NULL,
      { { "mx-cname", "hogehoge.com.", "warning", "s6.xrea.com." } } },
    { "002 backup on the same server", { { "002-same-server-backup.txt", "hogehoge.com" } }, NULL,
      { { "mx-single-host-backup", "hogehoge.com.", "warning", "219.163.200.70" } } },
    { "002 external backup", { { "002-external-backup.txt", "hogehoge.com" } }, NULL, NONE },

    /* Seed 003: dm2.co.jp moving from CoreServer to XServer. */
    { "003 old panel", { { "003-old-panel.txt", "dm2.co.jp" } }, NULL, NONE },
    { "003 old panel, mailboxes already on XServer", { { "003-old-panel.txt", "dm2.co.jp" } },
      "003-inventory.txt",
      { { "shared-host-local-delivery", "dm2.co.jp.", "error", "sv14171.xserver.jp." } } },
    { "003 mail moved, SPF still old", { { "003-mail-moved.txt", "dm2.co.jp" } }, NULL,
      { { "spf-misses-mail-host", "dm2.co.jp.", "warning", "ip4:162.43.120.172" } } },
    { "003 MX as an address", { { "003-xserver-ip.txt", "dm2.co.jp" } }, NULL,
      { { "mx-as-ip", "dm2.co.jp.", "error", "`mail.dm2.co.jp. A 162.43.120.172`" } } },
    { "003 final", { { "003-final.txt", "dm2.co.jp" } }, NULL,
      { { "apex-a-mx-collision", "dm2.co.jp.", NULL, "`mail.dm2.co.jp. A 162.43.120.172`" } } },

    /* Seed 004: shared server, mail moved to Office 365. */
    { "004 local delivery", { { "004-example.co.jp.zone", NULL }, { "004-example.com.zone", NULL } },
      "004-inventory.txt",
      { { "shared-host-local-delivery", "example.co.jp.", "error", "www.example.co.jp" } } },
    { "004 renamed to www.", { { "004-example.co.jp.zone", NULL }, { "004-example.com.zone", NULL } },
      "004-inventory-renamed.txt", NONE },
    { "004 without inventory", { { "004-example.co.jp.zone", NULL }, { "004-example.com.zone", NULL } },
      NULL, NONE },
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

typedef struct got {
    char rule[64];
    char owner[300];
    char sev[16];
    char fix[1024];
    char message[300];
    mxh_finding_kind kind;
} got;

typedef struct got_list {
    got g[MAX_FOUND];
    size_t n, dropped;
} got_list;

static int collect(const mxh_finding *f, void *ud)
{
    got_list *l = ud;
    if (l->n >= MAX_FOUND) {
        l->dropped++;
        return 0;
    }
    got *g = &l->g[l->n++];
    snprintf(g->rule, sizeof g->rule, "%s", mxh_finding_rule(f));
    snprintf(g->owner, sizeof g->owner, "%s", mxh_finding_owner(f));
    snprintf(g->sev, sizeof g->sev, "%s", mxh_severity_name(mxh_finding_severity(f)));
    snprintf(g->fix, sizeof g->fix, "%s", mxh_finding_fix(f));
    snprintf(g->message, sizeof g->message, "%s", mxh_finding_message(f));
    g->kind = mxh_finding_kind_of(f);
    return 0;
}

START_TEST(test_seed)
{
    const scenario *sc = &scenarios[_i];
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    for (size_t i = 0; i < 3 && sc->zones[i].path; i++) {
        char path[256];
        snprintf(path, sizeof path, SEEDS "%s", sc->zones[i].path);
        mxh_load_opts o;
        memset(&o, 0, sizeof o);
        o.origin = sc->zones[i].origin;
        mxh_status st = mxh_zoneset_load_file(zs, path, &o, NULL);
        ck_assert_msg(st == MXH_OK, "%s: %s: %s", sc->name, path, mxh_zoneset_errmsg(zs));
    }
    if (sc->inventory) {
        char path[256];
        snprintf(path, sizeof path, SEEDS "%s", sc->inventory);
        ck_assert_msg(mxh_zoneset_load_inventory(zs, path) == MXH_OK, "%s: %s", sc->name,
                      mxh_zoneset_errmsg(zs));
    }
    /* Notices (record counts) and warnings (a panel line read with a default,
     * e.g. an MX without priority) are fine; an error is not. */
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        ck_assert_msg(mxh_diag_level_of(d) != MXH_DIAG_ERROR, "%s: load error %s:%lu: %s", sc->name,
                      mxh_diag_file(d), mxh_diag_line(d), mxh_diag_message(d));
    }

    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    got_list *l = calloc(1, sizeof *l);
    ck_assert(l != NULL);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, l), MXH_OK);
    ck_assert_uint_eq(l->dropped, 0);

    size_t nwant = 0;
    while (nwant < 4 && sc->want[nwant].rule)
        nwant++;
    for (size_t i = 0; i < l->n; i++) {
        const got *g = &l->g[i];
        ck_assert_msg(g->kind == MXH_FINDING, "%s: rule %s failed: %s", sc->name, g->rule, g->message);
        int ok = 0;
        for (size_t k = 0; k < nwant; k++)
            if (strcmp(sc->want[k].rule, g->rule) == 0 && strcmp(sc->want[k].owner, g->owner) == 0)
                ok = 1;
        ck_assert_msg(ok, "%s: unexpected %s for %s: %s", sc->name, g->rule, g->owner, g->message);
    }
    for (size_t k = 0; k < nwant; k++) {
        const expect *w = &sc->want[k];
        size_t hits = 0;
        for (size_t i = 0; i < l->n; i++) {
            const got *g = &l->g[i];
            if (strcmp(w->rule, g->rule) != 0 || strcmp(w->owner, g->owner) != 0)
                continue;
            hits++;
            if (w->severity)
                ck_assert_msg(strcmp(w->severity, g->sev) == 0, "%s: %s is %s, want %s", sc->name,
                              w->rule, g->sev, w->severity);
            if (w->fix_has)
                ck_assert_msg(strstr(g->fix, w->fix_has) != NULL, "%s: %s fix \"%s\" lacks \"%s\"",
                              sc->name, w->rule, g->fix, w->fix_has);
        }
        ck_assert_msg(hits == 1, "%s: %s for %s found %zu times (want 1)", sc->name, w->rule, w->owner, hits);
    }
    ck_assert_uint_eq(l->n, nwant);
    free(l);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *seeds_suite(void);
Suite *seeds_suite(void)
{
    Suite *s = suite_create("seeds");
    TCase *tc = tcase_create("scenarios");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_seed, 0, (int)NSCENARIOS);
    suite_add_tcase(s, tc);
    return s;
}

/* SPDX-License-Identifier: MIT */
/*
 * check_rules.c — the built-in hazard rules against their fixture zones.
 *
 * Layout: rules/<id>.lua is one built-in rule; tests/rules/<id>/ holds its
 * fixtures. A fixture is a master file named fires-<case>.zone (the rule
 * must fire) or quiet-<case>.zone (it must not). Other files in the
 * directory (extra zones, inventories) are loaded only when a fixture names
 * them.
 *
 * Fixture header: the leading lines that start with ';' (the first line that
 * does not ends it). Recognised lines:
 *
 *   ; expect: <id> <owner> [<owner> ...]   first line of a fires- fixture: the
 *                                         rule reports exactly these owners
 *                                         (canonical names), each once
 *   ; expect-none: <id>                   first line of a quiet- fixture
 *   ; origin: <name>                      load the fixture with this origin
 *   ; inventory: <file>                   load this shared-host inventory
 *   ; also: <file>                        load this zone file first (several
 *                                         lines for several files)
 *   ; also-incomplete: <file>             the same, for a zone that must load
 *                                         incompletely (a rejected line, a
 *                                         failed $INCLUDE); its load errors
 *                                         are expected, nobody else's
 *   ; severity: <error|warning|info>      every finding of the rule has it
 *
 * File names in the header are relative to the fixture's directory. Any
 * other ';' line is a comment; a line starting "; expect" that is not one of
 * the two forms above is a fixture error.
 *
 * Every fixture is loaded into a fresh zone set (it must load without
 * errors or warnings) and scanned with the built-in engine. Only the fixture's own
 * rule is asserted; no rule at all may fail with a rule-error. For fires-
 * cases the file:line of every finding must name a loaded record.
 *
 * A rule's `example` field may carry "; inventory: <server> <addresses>
 * <domains...>" comment lines: the example test loads them as an inventory.
 *
 * Tests run from the source root (make check-unit does).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxhazard.h"

#define RULES_DIR "rules"
#define FIXTURE_DIR "tests/rules"
#define MAX_FIXTURES 512
#define MAX_PATH 512
#define MAX_FOUND 64
#define MAX_WORDS 16

/* The contract: every built-in rule with its severity. */
static const struct {
    const char *id;
    mxh_severity sev;
} contract[] = {
    { "apex-a-mx-collision", MXH_SEV_WARNING },
    { "mx-as-ip", MXH_SEV_ERROR },
    { "mx-cname", MXH_SEV_WARNING },
    { "mx-dangling", MXH_SEV_ERROR },
    { "mx-on-cdn", MXH_SEV_ERROR },
    { "mx-relative-name", MXH_SEV_ERROR },
    { "mx-single-host-backup", MXH_SEV_WARNING },
    { "no-mx-implicit", MXH_SEV_WARNING },
    { "null-mx-mixed", MXH_SEV_ERROR },
    { "partial-wildcard", MXH_SEV_WARNING },
    { "shared-host-local-delivery", MXH_SEV_ERROR },
    { "spf-misses-mail-host", MXH_SEV_WARNING },
    { "wildcard-blocked", MXH_SEV_WARNING },
    { "wildcard-coverage", MXH_SEV_WARNING },
    { "wildcard-mx", MXH_SEV_WARNING },
};
#define NCONTRACT (sizeof contract / sizeof contract[0])

/* ------------------------------------------------------------------------ */
/* Findings collected from a scan (copied: they live only in the callback). */

typedef struct found {
    char rule[64];
    char owner[300];
    char file[MAX_PATH];
    char message[160];
    unsigned long line;
    mxh_severity sev;
    mxh_finding_kind kind;
} found;

typedef struct found_list {
    found f[MAX_FOUND];
    size_t n;
    size_t dropped;
} found_list;

static void copy_str(char *dst, size_t dstsz, const char *src)
{
    snprintf(dst, dstsz, "%s", src ? src : "");
}

static int collect(const mxh_finding *f, void *ud)
{
    found_list *fl = ud;
    if (fl->n >= MAX_FOUND) {
        fl->dropped++;
        return 0;
    }
    found *x = &fl->f[fl->n++];
    copy_str(x->rule, sizeof x->rule, mxh_finding_rule(f));
    copy_str(x->owner, sizeof x->owner, mxh_finding_owner(f));
    copy_str(x->file, sizeof x->file, mxh_finding_file(f));
    copy_str(x->message, sizeof x->message, mxh_finding_message(f));
    x->line = mxh_finding_line(f);
    x->sev = mxh_finding_severity(f);
    x->kind = mxh_finding_kind_of(f);
    return 0;
}

/* Whether some loaded record sits at file:line. */
static int record_at(const mxh_zoneset *zs, const char *file, unsigned long line)
{
    for (size_t z = 0; z < mxh_zoneset_zone_count(zs); z++) {
        const mxh_zone *zone = mxh_zoneset_zone(zs, z);
        for (size_t i = 0; i < mxh_zone_record_count(zone); i++) {
            const mxh_rr *rr = mxh_zone_record(zone, i);
            if (mxh_rr_line(rr) == line && strcmp(mxh_rr_file(rr), file) == 0)
                return 1;
        }
    }
    return 0;
}

static int known_rule(const char *id)
{
    for (size_t i = 0; i < NCONTRACT; i++)
        if (strcmp(contract[i].id, id) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* ------------------------------------------------------------------------ */
/* Fixture discovery (once, when the suite is built).                       */

static char fixtures[MAX_FIXTURES][MAX_PATH];
static size_t nfixtures;
static int fixtures_overflow;

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int has_suffix(const char *s, const char *x)
{
    size_t ls = strlen(s), lx = strlen(x);
    return ls >= lx && strcmp(s + ls - lx, x) == 0;
}

static void discover(void)
{
    nfixtures = 0;
    DIR *top = opendir(FIXTURE_DIR);
    if (!top)
        return;
    struct dirent *de;
    while ((de = readdir(top)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char dir[MAX_PATH];
        int dw = snprintf(dir, sizeof dir, "%s/%s", FIXTURE_DIR, de->d_name);
        if (dw <= 0 || dw >= (int)sizeof dir)
            continue;
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *fe;
        while ((fe = readdir(d)) != NULL) {
            if (!has_suffix(fe->d_name, ".zone"))
                continue;
            if (!has_prefix(fe->d_name, "fires-") && !has_prefix(fe->d_name, "quiet-"))
                continue;
            if (nfixtures >= MAX_FIXTURES) {
                fixtures_overflow = 1;
                break;
            }
            int w = snprintf(fixtures[nfixtures], MAX_PATH, "%s/%s", dir, fe->d_name);
            if (w > 0 && w < MAX_PATH)
                nfixtures++;
        }
        closedir(d);
    }
    closedir(top);
    qsort(fixtures, nfixtures, sizeof fixtures[0], cmp_str);
}

/* ------------------------------------------------------------------------ */
/* Fixture header.                                                          */

typedef struct header {
    int fires;                 /* 1: "; expect:", 0: "; expect-none:" */
    char rule[64];
    char owners[MAX_WORDS][300];
    size_t nowners;
    char origin[300];
    char inventory[MAX_PATH];
    char also[4][MAX_PATH];
    int also_incomplete[4];    /* "; also-incomplete:": must load with rejected lines */
    size_t nalso;
    int want_sev;              /* -1: not asserted */
    char error[200];
} header;

/* Split s into blank-separated words; returns the count. */
static size_t words(char *s, char **w, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t\r\n", &save); t && n < max; t = strtok_r(NULL, " \t\r\n", &save))
        w[n++] = t;
    return n;
}

static int read_header(const char *path, header *h)
{
    memset(h, 0, sizeof *h);
    h->fires = -1;
    h->want_sev = -1;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(h->error, sizeof h->error, "cannot open %s", path);
        return -1;
    }
    char line[1024];
    int first = 1;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] != ';')
            break;
        char *w[MAX_WORDS + 2];
        size_t n = words(line + 1, w, MAX_WORDS + 2);
        if (n == 0) {
            first = 0;
            continue;
        }
        if (strcmp(w[0], "expect:") == 0 || strcmp(w[0], "expect-none:") == 0) {
            if (!first || h->fires != -1) {
                snprintf(h->error, sizeof h->error, "%s: the expect line must be the first line", path);
                break;
            }
            h->fires = strcmp(w[0], "expect:") == 0;
            if (n < 2 || (h->fires && n < 3) || (!h->fires && n != 2)) {
                snprintf(h->error, sizeof h->error, "%s: malformed %s line", path, w[0]);
                break;
            }
            copy_str(h->rule, sizeof h->rule, w[1]);
            for (size_t i = 2; i < n && h->nowners < MAX_WORDS; i++)
                copy_str(h->owners[h->nowners++], sizeof h->owners[0], w[i]);
        } else if (strncmp(w[0], "expect", 6) == 0) {
            snprintf(h->error, sizeof h->error, "%s: unknown header '%s'", path, w[0]);
            break;
        } else if (strcmp(w[0], "origin:") == 0 && n == 2) {
            copy_str(h->origin, sizeof h->origin, w[1]);
        } else if (strcmp(w[0], "inventory:") == 0 && n == 2) {
            copy_str(h->inventory, sizeof h->inventory, w[1]);
        } else if (strcmp(w[0], "also:") == 0 && n == 2 && h->nalso < 4) {
            copy_str(h->also[h->nalso++], sizeof h->also[0], w[1]);
        } else if (strcmp(w[0], "also-incomplete:") == 0 && n == 2 && h->nalso < 4) {
            h->also_incomplete[h->nalso] = 1;
            copy_str(h->also[h->nalso++], sizeof h->also[0], w[1]);
        } else if (strcmp(w[0], "severity:") == 0 && n == 2) {
            mxh_severity sev;
            if (mxh_severity_parse(w[1], &sev) != MXH_OK) {
                snprintf(h->error, sizeof h->error, "%s: bad severity '%s'", path, w[1]);
                break;
            }
            h->want_sev = (int)sev;
        }
        first = 0;
    }
    fclose(fp);
    if (!h->error[0] && h->fires == -1)
        snprintf(h->error, sizeof h->error, "%s: no '; expect:' or '; expect-none:' first line", path);
    return h->error[0] ? -1 : 0;
}

static void dir_of(const char *path, char *out, size_t outsz)
{
    copy_str(out, outsz, path);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
}

/* ------------------------------------------------------------------------ */
/* Tests.                                                                   */

/* Every built-in rule is in the contract with its severity and documentation,
 * and rules/ on disk holds exactly those files. */
START_TEST(test_builtin_rules)
{
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    ck_assert_uint_eq(mxh_engine_rule_count(e), NCONTRACT);
    for (size_t i = 0; i < NCONTRACT; i++) {
        const mxh_rule *r = mxh_engine_find_rule(e, contract[i].id);
        ck_assert_msg(r != NULL, "built-in rule %s missing", contract[i].id);
        ck_assert_msg(mxh_rule_severity(r) == contract[i].sev, "%s: severity %s", contract[i].id,
                      mxh_severity_name(mxh_rule_severity(r)));
        ck_assert(mxh_rule_builtin(r));
        ck_assert(mxh_rule_enabled(r));
        ck_assert_msg(mxh_rule_title(r) && strlen(mxh_rule_title(r)) > 10, "%s: title", contract[i].id);
        ck_assert_msg(mxh_rule_description(r) && strlen(mxh_rule_description(r)) > 200,
                      "%s: description too short", contract[i].id);
        ck_assert_msg(mxh_rule_example(r) != NULL, "%s: no example", contract[i].id);
        ck_assert_msg(mxh_rule_fix(r) != NULL && strlen(mxh_rule_fix(r)) > 10, "%s: no fix", contract[i].id);
        ck_assert_msg(mxh_rule_reference_count(r) >= 1, "%s: no references", contract[i].id);
        int has_rfc = 0;
        for (size_t k = 0; k < mxh_rule_reference_count(r); k++)
            if (strncmp(mxh_rule_reference(r, k), "RFC ", 4) == 0)
                has_rfc = 1;
        ck_assert_msg(has_rfc, "%s: no RFC among the references", contract[i].id);
        char want[128];
        snprintf(want, sizeof want, "%s.lua", contract[i].id);
        ck_assert_msg(strstr(mxh_rule_file(r), want) != NULL, "%s: file %s", contract[i].id,
                      mxh_rule_file(r));
    }
    mxh_engine_free(e);

    /* The .lua files under rules/ on disk: exactly the contract. */
    DIR *d = opendir(RULES_DIR);
    ck_assert_msg(d != NULL, "cannot open %s (run from the source root)", RULES_DIR);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!has_suffix(de->d_name, ".lua"))
            continue;
        char id[128];
        copy_str(id, sizeof id, de->d_name);
        id[strlen(id) - 4] = '\0';
        ck_assert_msg(known_rule(id), "rules/%s is not in the contract", de->d_name);
        n++;
    }
    closedir(d);
    ck_assert_uint_eq(n, NCONTRACT);
}
END_TEST

/* Every rule has at least one fires- and one quiet- fixture, and every
 * fixture directory belongs to a rule. */
START_TEST(test_fixture_coverage)
{
    ck_assert_msg(!fixtures_overflow, "more than %d fixtures", MAX_FIXTURES);
    for (size_t i = 0; i < NCONTRACT; i++) {
        int fires = 0, quiet = 0;
        char pf[MAX_PATH], pq[MAX_PATH];
        snprintf(pf, sizeof pf, "%s/%s/fires-", FIXTURE_DIR, contract[i].id);
        snprintf(pq, sizeof pq, "%s/%s/quiet-", FIXTURE_DIR, contract[i].id);
        for (size_t k = 0; k < nfixtures; k++) {
            fires += has_prefix(fixtures[k], pf);
            quiet += has_prefix(fixtures[k], pq);
        }
        ck_assert_msg(fires >= 1, "%s has no fires- fixture", contract[i].id);
        ck_assert_msg(quiet >= 1, "%s has no quiet- fixture", contract[i].id);
    }
    DIR *top = opendir(FIXTURE_DIR);
    ck_assert(top != NULL);
    struct dirent *de;
    while ((de = readdir(top)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        ck_assert_msg(known_rule(de->d_name), "%s/%s names no rule", FIXTURE_DIR, de->d_name);
    }
    closedir(top);
}
END_TEST

/* One fixture: exactly the expected findings of its rule. */
START_TEST(test_fixture)
{
    const char *path = fixtures[_i];
    header h;
    ck_assert_msg(read_header(path, &h) == 0, "%s", h.error);
    ck_assert_msg(known_rule(h.rule), "%s: unknown rule %s", path, h.rule);
    char dir[MAX_PATH];
    dir_of(path, dir, sizeof dir);
    {
        /* The directory names the rule, the file name the kind of case. */
        char want[MAX_PATH];
        snprintf(want, sizeof want, "%s/%s", FIXTURE_DIR, h.rule);
        ck_assert_msg(strcmp(dir, want) == 0, "%s: fixture of %s in the wrong directory", path, h.rule);
        const char *base = path + strlen(dir) + 1;
        ck_assert_msg(h.fires == has_prefix(base, "fires-"), "%s: expect line does not match the file name", path);
    }

    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    char incomplete[4][MAX_PATH * 2];
    size_t nincomplete = 0;
    for (size_t i = 0; i < h.nalso; i++) {
        char p[MAX_PATH * 2];
        snprintf(p, sizeof p, "%s/%s", dir, h.also[i]);
        mxh_zone *az = NULL;
        mxh_status st = mxh_zoneset_load_file(zs, p, NULL, &az);
        if (h.also_incomplete[i]) {
            /* Loaded, but with lines rejected (a bad record, a failed $INCLUDE). */
            ck_assert_msg(st != MXH_OK && az != NULL && mxh_zone_incomplete(az),
                          "%s: also-incomplete %s: want a zone with rejected lines, got %s", path,
                          p, mxh_strerror(st));
            memcpy(incomplete[nincomplete++], p, sizeof p);
        } else {
            ck_assert_msg(st == MXH_OK, "%s: also %s: %s", path, p, mxh_zoneset_errmsg(zs));
        }
    }
    mxh_load_opts opts;
    memset(&opts, 0, sizeof opts);
    if (h.origin[0])
        opts.origin = h.origin;
    mxh_status st = mxh_zoneset_load_file(zs, path, &opts, NULL);
    ck_assert_msg(st == MXH_OK, "%s: load: %s", path, mxh_zoneset_errmsg(zs));
    if (h.inventory[0]) {
        char p[MAX_PATH * 2];
        snprintf(p, sizeof p, "%s/%s", dir, h.inventory);
        st = mxh_zoneset_load_inventory(zs, p);
        ck_assert_msg(st == MXH_OK, "%s: inventory %s: %s", path, p, mxh_zoneset_errmsg(zs));
    }
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        int from_incomplete = 0;
        for (size_t k = 0; k < nincomplete; k++)
            if (mxh_diag_file(d) && strcmp(mxh_diag_file(d), incomplete[k]) == 0)
                from_incomplete = 1;
        if (from_incomplete)
            continue;   /* the rejected lines the fixture asked for */
        ck_assert_msg(mxh_diag_level_of(d) == MXH_DIAG_NOTICE, "%s: load diagnostic %s:%lu: %s", path,
                      mxh_diag_file(d), mxh_diag_line(d), mxh_diag_message(d));
    }

    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    found_list *fl = calloc(1, sizeof *fl);
    ck_assert(fl != NULL);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, fl), MXH_OK);
    ck_assert_uint_eq(fl->dropped, 0);

    size_t mine = 0;
    for (size_t i = 0; i < fl->n; i++) {
        const found *f = &fl->f[i];
        ck_assert_msg(f->kind == MXH_FINDING, "%s: rule %s failed: %s", path, f->rule, f->message);
        if (strcmp(f->rule, h.rule) != 0)
            continue;
        mine++;
        int expected = 0;
        for (size_t k = 0; k < h.nowners; k++)
            if (strcmp(h.owners[k], f->owner) == 0)
                expected = 1;
        ck_assert_msg(expected, "%s: unexpected %s finding for %s: %s", path, h.rule, f->owner, f->message);
        if (h.want_sev >= 0)
            ck_assert_msg((int)f->sev == h.want_sev, "%s: %s has severity %s", path, f->owner,
                          mxh_severity_name(f->sev));
        ck_assert_msg(f->line > 0 && record_at(zs, f->file, f->line),
                      "%s: finding for %s points at %s:%lu, which holds no record", path, f->owner,
                      f->file, f->line);
    }
    /* Each expected owner exactly once (one finding per rule and owner). */
    for (size_t k = 0; k < h.nowners; k++) {
        size_t c = 0;
        for (size_t i = 0; i < fl->n; i++)
            if (strcmp(fl->f[i].rule, h.rule) == 0 && strcmp(fl->f[i].owner, h.owners[k]) == 0)
                c++;
        ck_assert_msg(c == 1, "%s: %s reported %zu times for %s (want 1)", path, h.rule, c, h.owners[k]);
    }
    ck_assert_uint_eq(mine, h.nowners);

    free(fl);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* Each rule's documented example fires the rule. */
START_TEST(test_examples_fire)
{
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    for (size_t i = 0; i < NCONTRACT; i++) {
        const mxh_rule *r = mxh_engine_find_rule(e, contract[i].id);
        ck_assert(r != NULL);
        const char *ex = mxh_rule_example(r);
        ck_assert(ex != NULL);
        mxh_zoneset *zs = NULL;
        ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        char name[128];
        snprintf(name, sizeof name, "example:%s", contract[i].id);
        mxh_status st = mxh_zoneset_load_buffer(zs, name, ex, strlen(ex), NULL, NULL);
        ck_assert_msg(st == MXH_OK, "%s example: %s", contract[i].id, mxh_zoneset_errmsg(zs));
        /* "; inventory: <server> <addresses> <domains...>" lines. */
        const char *p = ex;
        while ((p = strstr(p, "; inventory:")) != NULL) {
            p += strlen("; inventory:");
            size_t len = strcspn(p, "\n");
            st = mxh_zoneset_load_inventory_buffer(zs, name, p, len);
            ck_assert_msg(st == MXH_OK, "%s example inventory: %s", contract[i].id, mxh_zoneset_errmsg(zs));
            p += len;
        }
        ck_assert_int_eq(mxh_engine_select(e, contract[i].id, NULL), MXH_OK);
        found_list *fl = calloc(1, sizeof *fl);
        ck_assert(fl != NULL);
        ck_assert_int_eq(mxh_engine_scan(e, zs, collect, fl), MXH_OK);
        size_t hits = 0;
        for (size_t k = 0; k < fl->n; k++) {
            ck_assert_msg(fl->f[k].kind == MXH_FINDING, "%s example: %s", contract[i].id, fl->f[k].message);
            hits += strcmp(fl->f[k].rule, contract[i].id) == 0;
        }
        ck_assert_msg(hits >= 1, "the example of %s does not fire it", contract[i].id);
        free(fl);
        mxh_zoneset_free(zs);
    }
    mxh_engine_free(e);
}
END_TEST

static int count_blocked(const mxh_finding *f, void *ud)
{
    size_t *c = ud;
    if (mxh_finding_kind_of(f) != MXH_FINDING) {
        c[1]++;
        return 0;
    }
    c[0]++;
    if (strcmp(mxh_finding_owner(f), "*.many.example.") == 0)
        c[2]++;
    return 0;
}

/* A rule must not report a finding without a fix. */
static int collect_fix(const mxh_finding *f, void *ud)
{
    size_t *missing = ud;
    const char *fix = mxh_finding_fix(f);
    if (mxh_finding_kind_of(f) == MXH_FINDING && (!fix || strlen(fix) < 10))
        (*missing)++;
    return 0;
}

/* Every finding over every fires- fixture carries a concrete fix. */
START_TEST(test_findings_have_fixes)
{
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    size_t missing = 0, loaded = 0;
    for (size_t k = 0; k < nfixtures; k++) {
        header h;
        if (read_header(fixtures[k], &h) != 0 || !h.fires)
            continue;
        char dir[MAX_PATH];
        dir_of(fixtures[k], dir, sizeof dir);
        mxh_zoneset *zs = NULL;
        ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        if (mxh_zoneset_load_file(zs, fixtures[k], NULL, NULL) == MXH_OK) {
            if (h.inventory[0]) {
                char p[MAX_PATH * 2];
                snprintf(p, sizeof p, "%s/%s", dir, h.inventory);
                (void)mxh_zoneset_load_inventory(zs, p);
            }
            loaded++;
            ck_assert_int_eq(mxh_engine_scan(e, zs, collect_fix, &missing), MXH_OK);
        }
        mxh_zoneset_free(zs);
    }
    ck_assert_uint_gt(loaded, 0);
    ck_assert_uint_eq(missing, 0);
    mxh_engine_free(e);
}
END_TEST

/* Odd but loadable data: escaped dots, numeric labels, an address-like
 * exchange under another $ORIGIN, CNAME loops, a wildcard CNAME, partial
 * wildcards, broken SPF, a delegation. No rule may fail on it. */
static const char hostile_zone[] =
    "$ORIGIN odd.example.\n$TTL 3600\n"
    "@ IN SOA ns1.host.net. hm.odd.example. 1 3600 900 604800 3600\n"
    "@ IN NS ns1.host.net.\n"
    "@ IN MX 10 a\\.b\n@ IN MX 20 \\065\\066.c\n@ IN MX 30 1.2.3.4.5\n@ IN MX 40 ::1\n"
    "@ IN MX 50 *\n@ IN MX 60 .\n@ IN MX 70 com\n@ IN MX 80 odd.example.odd.example\n"
    "@ IN A 10.0.0.1\n"
    "@ IN TXT \"v=spf1 ip4:300.1.1.1 a:/24 mx:% include:x ~all\"\n"
    "@ IN TXT \"v=spf1\"\n"
    "x IN TXT \"v=spf1 include:x.odd.example -all\"\n"
    "_spf IN TXT \"v=spf1 redirect=_spf.odd.example\"\n"
    "loop1 IN CNAME loop2\nloop2 IN CNAME loop1\n* IN CNAME loop1\n"
    "s*x.*y IN MX 10 .\nsub IN NS ns.elsewhere.net.\na.sub IN MX 10 b.sub\n"
    "*.sub2 IN MX 10 @\nw\\.x IN MX 10 w\\.x\nwww IN CNAME odd.example.\n"
    "$ORIGIN deep.odd.example.\n@ IN MX 10 192.0.2.25\n"
    "m IN MX 10 m\nm IN TXT \"v=spf1 redirect=m.deep.odd.example\"\n";

START_TEST(test_hostile_zone)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "hostile", hostile_zone, strlen(hostile_zone), NULL, NULL),
                     MXH_OK);
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    found_list *fl = calloc(1, sizeof *fl);
    ck_assert(fl != NULL);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, fl), MXH_OK);
    int as_ip = 0, relative = 0;
    for (size_t i = 0; i < fl->n; i++) {
        ck_assert_msg(fl->f[i].kind == MXH_FINDING, "rule %s failed: %s", fl->f[i].rule, fl->f[i].message);
        as_ip += strcmp(fl->f[i].rule, "mx-as-ip") == 0;
        relative += strcmp(fl->f[i].rule, "mx-relative-name") == 0;
    }
    /* "::1" at the apex and "192.0.2.25" under deep.: two owners; the
     * repeated origin is one relative-name finding. */
    ck_assert_int_eq(as_ip, 2);
    ck_assert_int_eq(relative, 1);
    free(fl);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* A wildcard MX blocked by 1500 empty non-terminals: 1000 findings of their
 * own plus one summary at the wildcard, no rule error, no budget overrun. */
START_TEST(test_many_blocked_names)
{
    size_t cap = 1500 * 64 + 512;
    char *buf = malloc(cap);
    ck_assert(buf != NULL);
    size_t n = (size_t)snprintf(buf, cap,
        "$ORIGIN many.example.\n$TTL 3600\n"
        "@ IN SOA ns1.host.net. hm.many.example. 1 3600 900 604800 3600\n"
        "@ IN NS ns1.host.net.\n* IN MX 10 mail.host.net.\n");
    for (int i = 0; i < 1500; i++)
        n += (size_t)snprintf(buf + n, cap - n, "k._domainkey.n%d IN TXT \"v=DKIM1; p=x\"\n", i);
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "many", buf, n, NULL, NULL), MXH_OK);
    free(buf);
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    ck_assert_int_eq(mxh_engine_select(e, "wildcard-blocked", NULL), MXH_OK);
    size_t counts[3] = { 0, 0, 0 }; /* findings, rule errors, summaries */
    ck_assert_int_eq(mxh_engine_scan(e, zs, count_blocked, counts), MXH_OK);
    ck_assert_uint_eq(counts[1], 0);
    ck_assert_uint_eq(counts[0], 1001);
    ck_assert_uint_eq(counts[2], 1);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* mxh.exchange_ip_literal / exchange_missing_dot / exchange_explained (C)   */
/* against the Lua functions the rules carried before, on every fixture.    */

static const char exchange_reference_rule[] =
    "local mxh = require 'mxh'\n"
    "local function prefix_labels(name, origin)\n"
    "  if not mxh.is_strictly_below(name, origin) then return nil end\n"
    "  local L, n = mxh.labels(name), #mxh.labels(origin)\n"
    "  local p = {}\n"
    "  for i = 1, #L - n do p[i] = L[i] end\n"
    "  return p, L\n"
    "end\n"
    "local function ip_literal(zone, x)\n"
    "  local name = x:name()\n"
    "  if mxh.is_ip(name) then return name:sub(1, -2) end\n"
    "  local p = prefix_labels(name, zone:origin())\n"
    "  if p and #p > 0 then\n"
    "    local s = table.concat(p, '.')\n"
    "    if mxh.is_ip(s) then return s end\n"
    "  end\n"
    "  local rec = x:record()\n"
    "  if rec and rec:target_relative() then\n"
    "    for w in (rec:rdata_text() or ''):gmatch('%S+') do\n"
    "      if w:find('[.:]') and mxh.is_ip(w) then return (w:gsub('%.$', '')) end\n"
    "    end\n"
    "  end\n"
    "  return nil\n"
    "end\n"
    "local function forgotten_dot(zone, x)\n"
    "  local name, origin = x:name(), zone:origin()\n"
    "  local p = prefix_labels(name, origin)\n"
    "  if not p or #p == 0 then return nil end\n"
    "  if x:status() == 'delegated' then return nil end\n"
    "  local node = zone:node(name)\n"
    "  if node and (#node:records() > 0 or node:below_cut()) then return nil end\n"
    "  local O = mxh.labels(origin)\n"
    "  if #O > 0 and #p >= #O then\n"
    "    local same = true\n"
    "    for i = 1, #O do\n"
    "      if p[#p - #O + i] ~= O[i] then same = false; break end\n"
    "    end\n"
    "    if same then return table.concat(p, '.') .. '.' end\n"
    "  end\n"
    "  if #p >= 2 and mxh.is_tld(p[#p]) then return table.concat(p, '.') .. '.' end\n"
    "  return nil\n"
    "end\n"
    "local function explained(zone, x)\n"
    "  if x:name() == '.' then return true end\n"
    "  return ip_literal(zone, x) ~= nil or forgotten_dot(zone, x) ~= nil\n"
    "end\n"
    "return { id = 'exchange-reference', severity = 'info', title = 't', description = 'd',\n"
    "  references = {},\n"
    "  check = function(zone, report)\n"
    "    local n, hits = 0, 0\n"
    "    for _, d in ipairs(zone:mail_domains()) do\n"
    "      local route = zone:mail_route(d)\n"
    "      for _, x in ipairs(route:exchanges()) do\n"
    "        n = n + 1\n"
    "        local a, b = ip_literal(zone, x), mxh.exchange_ip_literal(zone, x)\n"
    "        local c, e = forgotten_dot(zone, x), mxh.exchange_missing_dot(zone, x)\n"
    "        local f, g = explained(zone, x), mxh.exchange_explained(zone, x)\n"
    "        if a or c then hits = hits + 1 end\n"
    "        if a ~= b or c ~= e or f ~= g then\n"
    "          report { owner = d, message = string.format('MISMATCH %s: ip %s/%s dot %s/%s '\n"
    "            .. 'explained %s/%s', x:name(), tostring(a), tostring(b), tostring(c),\n"
    "            tostring(e), tostring(f), tostring(g)) }\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    report { owner = 'count.invalid.', message = n .. ' ' .. hits }\n"
    "  end }\n";

/* Cases for each branch: literals with and without the final dot, IPv6, an
 * address made relative to another $ORIGIN, a repeated origin, a name ending
 * in a TLD, escaped dots, a delegated and a below-cut name, a wildcard. */
static const char exchange_cases_zone[] =
    "$ORIGIN example.com.\n"
    "$TTL 3600\n"
    "@ SOA ns1.example.com. h.example.com. 1 3600 900 604800 3600\n"
    "@ NS ns1.example.com.\n"
    "ns1 A 192.0.2.53\n"
    "@ MX 10 192.0.2.1.\n"
    "@ MX 20 192.0.2.2\n"
    "@ MX 30 mail.example.net\n"
    "@ MX 40 mx.example.com\n"
    "@ MX 50 mail\n"
    "@ MX 60 2001:db8::25.\n"
    "@ MX 70 a\\.b.example.com.\n"
    "@ MX 80 x\\.example.com\n"
    "@ MX 90 host.co.jp\n"
    "@ MX 95 .\n"
    "mail A 192.0.2.25\n"
    "sub MX 10 host.deleg\n"
    "sub MX 20 com\n"
    "sub MX 30 10.0.0.1.example.com\n"
    "sub MX 40 mx.sub.example.com.\n"
    "deleg NS ns.example.org.\n"
    "x.deleg MX 10 mx.example.com.\n"
    "*.wild MX 10 mail.example.org\n"
    "*.wild A 192.0.2.9\n"
    "host MX 10 foo.wild\n"
    "host MX 20 EXAMPLE.COM\n"
    "$ORIGIN other.example.com.\n"
    "@ MX 10 198.51.100.7\n"
    "@ MX 20 198.51.100.8.\n"
    "@ MX 30 mail.example.org\n"
    "$ORIGIN example.com.\n"
    "far MX 10 in.example.com.example.com.\n";

typedef struct exchange_tally {
    size_t checked, hits, findings;
    char bad[400];
} exchange_tally;

static int exchange_collect(const mxh_finding *f, void *ud)
{
    exchange_tally *t = ud;
    const char *m = mxh_finding_message(f);
    unsigned long n = 0, h = 0;
    t->findings++;
    if (mxh_finding_kind_of(f) != MXH_FINDING || sscanf(m, "%lu %lu", &n, &h) != 2) {
        if (!t->bad[0])
            snprintf(t->bad, sizeof t->bad, "%s", m);
        return 0;
    }
    t->checked += n;
    t->hits += h;
    return 0;
}

static void exchange_compare(const char *what, mxh_zoneset *zs, exchange_tally *t)
{
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    ck_assert_msg(mxh_engine_load_rule_buffer(e, "exchange-reference.lua", exchange_reference_rule,
                                              sizeof exchange_reference_rule - 1) == MXH_OK,
                  "%s", mxh_engine_errmsg(e));
    ck_assert_int_eq(mxh_engine_select(e, "exchange-reference", NULL), MXH_OK);
    ck_assert_int_eq(mxh_engine_scan(e, zs, exchange_collect, t), MXH_OK);
    ck_assert_msg(!t->bad[0], "%s: %s", what, t->bad);
    mxh_engine_free(e);
}

START_TEST(test_exchange_helpers_match_lua)
{
    exchange_tally t;
    memset(&t, 0, sizeof t);
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "cases.zone", exchange_cases_zone,
                                             sizeof exchange_cases_zone - 1, NULL, NULL), MXH_OK);
    exchange_compare("cases.zone", zs, &t);
    ck_assert_uint_ge(t.checked, 20);
    ck_assert_uint_ge(t.hits, 8);
    mxh_zoneset_free(zs);

    /* every fixture zone (with its also-files and origin), one zone set each */
    for (size_t k = 0; k < nfixtures; k++) {
        header h;
        if (read_header(fixtures[k], &h) != 0)
            continue;
        char dir[MAX_PATH];
        const char *slash = strrchr(fixtures[k], '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - fixtures[k]) : 1,
                 slash ? fixtures[k] : ".");
        ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
        for (size_t i = 0; i < h.nalso; i++) {
            char p[MAX_PATH * 2];
            snprintf(p, sizeof p, "%s/%s", dir, h.also[i]);
            (void)mxh_zoneset_load_file(zs, p, NULL, NULL);
        }
        mxh_load_opts opts;
        memset(&opts, 0, sizeof opts);
        if (h.origin[0])
            opts.origin = h.origin;
        (void)mxh_zoneset_load_file(zs, fixtures[k], &opts, NULL);
        exchange_compare(fixtures[k], zs, &t);
        mxh_zoneset_free(zs);
    }
    if (getenv("MXH_TEST_VERBOSE"))
        fprintf(stderr, "exchanges compared: %zu, explained: %zu\n", t.checked, t.hits);
    ck_assert_uint_ge(t.checked, 150);
}
END_TEST

Suite *rules_suite(void);
Suite *rules_suite(void)
{
    discover();
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_builtin_rules);
    tcase_add_test(tc, test_fixture_coverage);
    tcase_add_test(tc, test_examples_fire);
    tcase_add_test(tc, test_findings_have_fixes);
    tcase_add_test(tc, test_hostile_zone);
    tcase_add_test(tc, test_many_blocked_names);
    tcase_add_test(tc, test_exchange_helpers_match_lua);
    suite_add_tcase(s, tc);
    TCase *fx = tcase_create("fixtures");
    tcase_set_timeout(fx, 60);
    if (nfixtures > 0)
        tcase_add_loop_test(fx, test_fixture, 0, (int)nfixtures);
    suite_add_tcase(s, fx);
    return s;
}

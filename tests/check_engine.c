/* SPDX-License-Identifier: MIT */
/*
 * check_engine.c — the Lua rule engine: objects and methods of docs/rules.md,
 * the mxh helper module, lazy handles, rule files (validation, directories,
 * built-in replacement), selection, severity overrides, report{} evidence and
 * merging, and the order findings are delivered in.
 * Fixtures live in tests/engine/ (run from the source root).
 */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_engine.h"
#include "mxhazard.h"

#define FIX "tests/engine/"

typedef struct got {
    mxh_finding_kind kind;
    char rule[64];
    mxh_severity sev;
    char zone[256];
    char owner[256];
    char msg[2048];
    char fix[256];
    char file[256];
    unsigned long line;
    size_t nev;
    char ev[16][512];
    char evfile[16][256];
    unsigned long evline[16];
} got;

typedef struct gots {
    got f[128];
    size_t n;
    size_t stop_after; /* 0: never stop */
} gots;

static int collect(const mxh_finding *f, void *ud)
{
    gots *g = ud;
    if (g->n < sizeof g->f / sizeof g->f[0]) {
        got *x = &g->f[g->n];
        memset(x, 0, sizeof *x);
        x->kind = mxh_finding_kind_of(f);
        snprintf(x->rule, sizeof x->rule, "%s", mxh_finding_rule(f));
        x->sev = mxh_finding_severity(f);
        snprintf(x->zone, sizeof x->zone, "%s", mxh_finding_zone(f));
        snprintf(x->owner, sizeof x->owner, "%s", mxh_finding_owner(f));
        snprintf(x->msg, sizeof x->msg, "%s", mxh_finding_message(f));
        snprintf(x->fix, sizeof x->fix, "%s", mxh_finding_fix(f));
        snprintf(x->file, sizeof x->file, "%s", mxh_finding_file(f));
        x->line = mxh_finding_line(f);
        x->nev = mxh_finding_evidence_count(f);
        for (size_t i = 0; i < x->nev && i < 16; i++) {
            snprintf(x->ev[i], sizeof x->ev[i], "%s", mxh_finding_evidence_text(f, i));
            snprintf(x->evfile[i], sizeof x->evfile[i], "%s", mxh_finding_evidence_file(f, i));
            x->evline[i] = mxh_finding_evidence_line(f, i);
        }
    }
    g->n++;
    return g->stop_after && g->n >= g->stop_after;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* example.zone as "db:example" plus a one-server inventory. */
static mxh_zoneset *example_zs(void)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    size_t len;
    char *text = slurp(FIX "example.zone", &len);
    mxh_status st = mxh_zoneset_load_buffer(zs, "db:example", text, len, NULL, NULL);
    ck_assert_msg(st == MXH_OK, "example.zone: %s", mxh_zoneset_errmsg(zs));
    free(text);
    static const char inv[] = "srv1 192.0.2.10 example.com\n";
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(zs, "inv", inv, sizeof inv - 1), MXH_OK);
    return zs;
}

static mxh_zoneset *zs_from_text(const char *name, const char *text)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_status st = mxh_zoneset_load_buffer(zs, name, text, strlen(text), NULL, NULL);
    ck_assert_msg(st == MXH_OK, "%s: %s", name, mxh_zoneset_errmsg(zs));
    return zs;
}

static mxh_engine *bare_engine(void)
{
    mxh_engine_opts o = {0};
    o.no_builtin = 1;
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(&o, &e), MXH_OK);
    ck_assert_uint_eq(mxh_engine_rule_count(e), 0);
    return e;
}

static void load_ok(mxh_engine *e, const char *path)
{
    mxh_status st = mxh_engine_load_rules(e, path);
    ck_assert_msg(st == MXH_OK, "%s: %s", path, mxh_engine_errmsg(e));
}

static void load_buf_ok(mxh_engine *e, const char *name, const char *text)
{
    mxh_status st = mxh_engine_load_rule_buffer(e, name, text, strlen(text));
    ck_assert_msg(st == MXH_OK, "%s: %s", name, mxh_engine_errmsg(e));
}

static void no_rule_errors(const gots *g)
{
    for (size_t i = 0; i < g->n && i < 128; i++)
        ck_assert_msg(g->f[i].kind == MXH_FINDING, "rule error: %s", g->f[i].msg);
}

/* A minimal rule text reporting `body` (Lua statements with zone/report). */
static void rule_text(char *buf, size_t bufsz, const char *id, const char *sev,
                      const char *extra, const char *body)
{
    snprintf(buf, bufsz,
             "return { id = \"%s\", severity = \"%s\", title = \"t\", description = \"d\",\n"
             "  references = { \"test\" }, %s\n"
             "  check = function(zone, report)\n%s\nend }\n",
             id, sev, extra ? extra : "", body);
}

/* ---- objects and helpers --------------------------------------------- */

START_TEST(test_every_method)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "methods.lua");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].rule, "methods");
    ck_assert_str_eq(g.f[0].msg, "ok");
    ck_assert_str_eq(g.f[0].owner, "example.com.");
    ck_assert_str_eq(g.f[0].zone, "example.com.");
    /* at= is the primary location: the first MX (line 5) */
    ck_assert_str_eq(g.f[0].file, "db:example");
    ck_assert_uint_eq(g.f[0].line, 5);
    /* a route as evidence lists every step with its record's file:line */
    ck_assert_uint_ge(g.f[0].nev, 3);
    ck_assert_msg(strstr(g.f[0].ev[0], "route example.com.: mx example.com. -> mail.example.com.")
                  != NULL, "route evidence: %s", g.f[0].ev[0]);
    ck_assert_str_eq(g.f[0].evfile[0], "db:example");
    ck_assert_uint_eq(g.f[0].evline[0], 5);
    /* every step of the route appears */
    int saw_address = 0;
    for (size_t i = 0; i < g.f[0].nev && i < 16; i++)
        if (strstr(g.f[0].ev[i], "192.0.2.10") && g.f[0].evline[i] == 10)
            saw_address = 1;
    ck_assert_msg(saw_address, "the address step of mail.example.com. is evidence");
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_helpers)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "helpers.lua");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].msg, "ok");
    /* print() goes to the notices, naming the rule */
    ck_assert_uint_eq(mxh_engine_notice_count(e), 1);
    ck_assert_str_eq(mxh_engine_notice(e, 0), "helpers: print: hello from\thelpers");
    /* globals persist in the rule's own environment across zones */
    g.n = 0;
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* A big zone; a rule touching one record creates a handful of handles. */
START_TEST(test_lazy_handles)
{
    size_t n = 20000;
    size_t cap = n * 40 + 256;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t off = (size_t)snprintf(text, cap, "$ORIGIN big.example.\n$TTL 300\n"
                                  "@ SOA ns hm 1 2 3 4 5\n@ MX 10 mail\n");
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(text + off, cap - off, "h%zu A 10.%zu.%zu.%zu\n", i,
                                (i >> 16) & 255, (i >> 8) & 255, i & 255);
    mxh_zoneset *zs = zs_from_text("big.example.zone", text);
    free(text);

    mxh_engine *e = bare_engine();
    char rule[2048];
    rule_text(rule, sizeof rule, "one-record", "info", "needs = { \"MX\" },",
              "local mx = zone:rrset(zone:origin(), 'MX')[1]\n"
              "report { owner = zone:origin(), message = mx:target(), at = mx }");
    load_buf_ok(e, "one-record.lua", rule);
    uint64_t before = mxh_engine_handle_count(e);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].msg, "mail.big.example.");
    ck_assert_uint_eq(g.f[0].line, 4);
    uint64_t used = mxh_engine_handle_count(e) - before;
    ck_assert_msg(used <= 3, "one record cost %llu handles", (unsigned long long)used);

    /* The counter is real: walking every record makes one handle each. */
    mxh_engine *e2 = bare_engine();
    rule_text(rule, sizeof rule, "all-records", "info", NULL,
              "local k = 0\nfor r in zone:records() do k = k + 1 end\n"
              "for r in zone:records() do k = k + 1 end\n"
              "report { owner = zone:origin(), message = tostring(k) }");
    load_buf_ok(e2, "all-records.lua", rule);
    before = mxh_engine_handle_count(e2);
    g.n = 0;
    ck_assert_int_eq(mxh_engine_scan(e2, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_str_eq(g.f[0].msg, "40004");
    used = mxh_engine_handle_count(e2) - before;
    /* cached: the second walk reuses the first walk's handles */
    ck_assert_uint_eq(used, n + 2 + 1);
    mxh_engine_free(e2);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* Rules whose `needs` the zone lacks are not run. */
START_TEST(test_needs_skip)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    char rule[1024];
    rule_text(rule, sizeof rule, "wants-srv", "info", "needs = { \"SRV\" },",
              "error('must not run')");
    load_buf_ok(e, "wants-srv.lua", rule);
    rule_text(rule, sizeof rule, "wants-mx", "info", "needs = { \"MX\", \"txt\" },",
              "report { message = 'ran' }");
    load_buf_ok(e, "wants-mx.lua", rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].rule, "wants-mx");
    /* no owner given: the zone apex */
    ck_assert_str_eq(g.f[0].owner, "example.com.");
    /* no at= and no evidence: the zone's file, line 0 */
    ck_assert_str_eq(g.f[0].file, "db:example");
    ck_assert_uint_eq(g.f[0].line, 0);
    ck_assert_uint_eq(mxh_engine_rules_skipped(e), 1);
    ck_assert_uint_eq(mxh_engine_rules_run(e), 1);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* needs "hint:<name>": the rule runs only on zones where zone:hint(name) is
 * true; an unknown hint is refused when the rule is loaded. */
START_TEST(test_needs_hint)
{
    mxh_engine *e = bare_engine();
    char rule[1024];
    rule_text(rule, sizeof rule, "wants-cname-mx", "info",
              "needs = { \"MX\", \"hint:mx-cname\" },", "report { message = 'cname' }");
    load_buf_ok(e, "wants-cname-mx.lua", rule);
    rule_text(rule, sizeof rule, "wants-null", "info", "needs = { \"hint:null-mx\" },",
              "report { message = 'null' }");
    load_buf_ok(e, "wants-null.lua", rule);
    rule_text(rule, sizeof rule, "wants-two", "info",
              "needs = { \"hint:mx-cname\", \"hint:wildcard-mx\" },", "report { message = 'two' }");
    load_buf_ok(e, "wants-two.lua", rule);
    /* MX to an alias: mx-cname true, null-mx false, wildcard-mx false */
    mxh_zoneset *zs = zs_from_text("alias",
        "$ORIGIN alias.example.\n$TTL 60\n"
        "@ SOA ns.alias.example. h.alias.example. 1 2 3 4 5\n"
        "@ MX 10 mail\nmail CNAME host\nhost A 192.0.2.1\n");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].rule, "wants-cname-mx");
    ck_assert_uint_eq(mxh_engine_rules_run(e), 1);
    ck_assert_uint_eq(mxh_engine_rules_skipped(e), 2);
    mxh_zoneset_free(zs);
    /* a plain zone: all three skipped */
    zs = zs_from_text("plain",
        "$ORIGIN plain.example.\n$TTL 60\n"
        "@ SOA ns.plain.example. h.plain.example. 1 2 3 4 5\n@ MX 0 .\n@ MX 10 host\n"
        "host A 192.0.2.1\n*.w MX 10 host\n");
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].rule, "wants-null");
    mxh_zoneset_free(zs);
    mxh_engine_free(e);

    e = bare_engine();
    rule_text(rule, sizeof rule, "bad-need", "info", "needs = { \"hint:mx-cnam\" },", "");
    ck_assert_int_ne(mxh_engine_load_rule_buffer(e, "bad-need.lua", rule, strlen(rule)), MXH_OK);
    ck_assert_msg(strstr(mxh_engine_errmsg(e), "'hint:mx-cnam' is not a zone hint") != NULL, "%s",
                  mxh_engine_errmsg(e));
    mxh_engine_free(e);
}
END_TEST

/* zone:spf_record(domain) answers as the Lua it replaced in the rules did
 * (TXT lookup, joined strings, "v=spf1" then a space or the end). */
static const char spf_reference_rule[] =
    "local mxh = require 'mxh'\n"
    "local function is_spf(text)\n"
    "  local v = text:sub(1, 7):lower()\n"
    "  return v == 'v=spf1' or v == 'v=spf1 '\n"
    "end\n"
    "local function spf_of(zone, domain)\n"
    "  local lk = zone:lookup(domain, 'TXT')\n"
    "  local st = lk:status()\n"
    "  if st == 'nxdomain' or st == 'nodata' then return nil, 'none' end\n"
    "  if st ~= 'answer' then return nil, 'unknown' end\n"
    "  local found, text\n"
    "  for _, r in ipairs(lk:records()) do\n"
    "    local t = mxh.txt_strings(r)\n"
    "    if is_spf(t) then\n"
    "      if found then return nil, 'permerror' end\n"
    "      found, text = r, t\n"
    "    end\n"
    "  end\n"
    "  if not found then return nil, 'none' end\n"
    "  return found, text\n"
    "end\n"
    "return { id = 'spf-reference', severity = 'info', title = 't', description = 'd',\n"
    "  references = { 'test' },\n"
    "  check = function(zone, report)\n"
    "    local n = 0\n"
    "    for node in zone:names() do\n"
    "      for _, d in ipairs({ node:name(), 'nowhere.' .. zone:origin(), 'example.net.' }) do\n"
    "        local a, b = spf_of(zone, d)\n"
    "        local c, e = zone:spf_record(d)\n"
    "        n = n + 1\n"
    "        if a ~= c or b ~= e then\n"
    "          report { owner = 'mismatch.invalid.', message = 'MISMATCH ' .. d .. ': '\n"
    "            .. tostring(a) .. ' ' .. tostring(b) .. ' / ' .. tostring(c) .. ' ' .. tostring(e) }\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    report { message = 'checked ' .. n }\n"
    "  end }\n";

START_TEST(test_spf_record)
{
    mxh_zoneset *zs = zs_from_text("spf",
        "$ORIGIN spf.example.\n$TTL 60\n"
        "@ SOA ns.spf.example. h.spf.example. 1 2 3 4 5\n"
        "@ TXT \"v=spf1 a mx ~all\"\n"
        "@ TXT \"google-site-verification=x\"\n"
        "two TXT \"v=spf1 -all\"\ntwo TXT \"V=SPF1 +all\"\n"
        "exact TXT \"v=spf1\"\n"
        "ten TXT \"v=spf10 -all\"\n"
        "split TXT \"v=spf1 \" \"ip4:192.0.2.1 -all\"\n"
        "joined TXT \"v=sp\" \"f1 mx -all\"\n"
        "upper TXT \"V=Spf1 mx\"\n"
        "alias CNAME split\n"
        "ext CNAME spf.example.net.\n"
        "noTXT A 192.0.2.1\n"
        "*.wild TXT \"v=spf1 a -all\"\n"
        "deleg NS ns.example.net.\n");
    mxh_engine *e = bare_engine();
    load_buf_ok(e, "spf-reference.lua", spf_reference_rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_msg(strncmp(g.f[0].msg, "checked ", 8) == 0, "%s", g.f[0].msg);
    ck_assert_int_ge(atoi(g.f[0].msg + 8), 30);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);

    /* and the answers themselves, on a few names */
    zs = zs_from_text("spf2",
        "$ORIGIN spf2.example.\n$TTL 60\n"
        "@ SOA ns.spf2.example. h.spf2.example. 1 2 3 4 5\n"
        "@ TXT \"v=spf1 a mx ~all\"\n@ TXT \"other\"\n"
        "two TXT \"v=spf1 -all\"\ntwo TXT \"V=SPF1 +all\"\n"
        "split TXT \"v=spf1 \" \"ip4:192.0.2.1 -all\"\n");
    e = bare_engine();
    char rule[2048];
    rule_text(rule, sizeof rule, "spf-answers", "info", NULL,
              "local r, t = zone:spf_record('spf2.example.')\n"
              "local _, w = zone:spf_record('two.spf2.example.')\n"
              "local _, x = zone:spf_record('none.spf2.example.')\n"
              "local s, u = zone:spf_record('split.spf2.example.')\n"
              "report { message = table.concat({ r:type(), t, w, x, u, tostring(s:line()) }, '|') }");
    load_buf_ok(e, "spf-answers.lua", rule);
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].msg, "TXT|v=spf1 a mx ~all|permerror|none|v=spf1 ip4:192.0.2.1 -all|8");
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* Handles of the zone's own objects are the bridge's memory: a rule that
 * walks every name of a zone larger than its memory cap in handles still
 * runs, while a rule that itself allocates past the cap does not. */
START_TEST(test_handles_not_charged)
{
    size_t cap = 30000 * 40 + 4096;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t n = (size_t)snprintf(text, cap, "$ORIGIN big.example.\n$TTL 60\n"
                                "@ SOA ns.big.example. h.big.example. 1 2 3 4 5\n");
    for (int i = 0; i < 30000; i++)
        n += (size_t)snprintf(text + n, cap - n, "h%d A 192.0.2.1\n", i);
    mxh_zoneset *zs = zs_from_text("big", text);
    free(text);
    mxh_engine_opts o = {0};
    o.no_builtin = 1;
    o.lua_memory = 1u << 20; /* 30,000 node handles and their cache take more */
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(&o, &e), MXH_OK);
    char rule[1024];
    rule_text(rule, sizeof rule, "walk", "info", NULL,
              "local n = 0\nfor node in zone:names() do if node:name() then n = n + 1 end end\n"
              "report { message = tostring(n) }");
    load_buf_ok(e, "walk.lua", rule);
    rule_text(rule, sizeof rule, "hoard", "info", NULL,
              "local t = {}\nfor i = 1, 1000000 do t[i] = i end\nreport { message = 'no' }");
    load_buf_ok(e, "hoard.lua", rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 2);
    int walked = 0, hoard_failed = 0;
    for (size_t i = 0; i < g.n; i++) {
        if (strcmp(g.f[i].rule, "walk") == 0) {
            ck_assert_msg(g.f[i].kind == MXH_FINDING, "walk: %s", g.f[i].msg);
            ck_assert_str_eq(g.f[i].msg, "30001");
            walked = 1;
        } else {
            ck_assert_int_eq(g.f[i].kind, MXH_FINDING_RULE_ERROR);
            ck_assert_msg(strstr(g.f[i].msg, "memory limit") != NULL, "%s", g.f[i].msg);
            hoard_failed = 1;
        }
    }
    ck_assert(walked && hoard_failed);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* ---- rule files ------------------------------------------------------ */

START_TEST(test_builtin_and_override)
{
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    size_t n = mxh_engine_rule_count(e);
    ck_assert_uint_gt(n, 0);
    for (size_t i = 0; i < n; i++) {
        const mxh_rule *r = mxh_engine_rule(e, i);
        ck_assert(mxh_rule_builtin(r));
        ck_assert(mxh_rule_enabled(r));
        ck_assert_msg(strncmp(mxh_rule_file(r), "builtin:rules/", 14) == 0, "%s",
                      mxh_rule_file(r));
        if (i > 0) /* sorted by id */
            ck_assert_int_lt(strcmp(mxh_rule_id(mxh_engine_rule(e, i - 1)), mxh_rule_id(r)), 0);
    }
    for (size_t i = 0; i < mxh_engine_notice_count(e); i++)
        ck_abort_msg("built-in rule notice: %s", mxh_engine_notice(e, i));
    /* replace the first built-in by a user rule with the same id */
    const mxh_rule *victim = mxh_engine_rule(e, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", mxh_rule_id(victim));
    ck_assert_int_eq(mxh_engine_set_severity(e, id, MXH_SEV_INFO), MXH_OK);
    char name[128], rule[1024];
    snprintf(name, sizeof name, "/tmp/user-rules/%s.lua", id);
    rule_text(rule, sizeof rule, id, "error", NULL, "report { message = 'user version' }");
    load_buf_ok(e, name, rule);
    ck_assert_uint_eq(mxh_engine_rule_count(e), n);
    const mxh_rule *r = mxh_engine_find_rule(e, id);
    ck_assert_ptr_nonnull(r);
    ck_assert(!mxh_rule_builtin(r));
    ck_assert_str_eq(mxh_rule_file(r), name);
    ck_assert_str_eq(mxh_rule_title(r), "t");
    ck_assert_str_eq(mxh_rule_description(r), "d");
    /* the operator's override survives the replacement */
    ck_assert_int_eq(mxh_rule_severity(r), MXH_SEV_INFO);
    ck_assert_uint_eq(mxh_engine_notice_count(e), 1);
    const char *note = mxh_engine_notice(e, 0);
    ck_assert_msg(strstr(note, id) && strstr(note, "replaces the built-in") && strstr(note, name),
                  "notice: %s", note);

    mxh_zoneset *zs = example_zs();
    ck_assert_int_eq(mxh_engine_select(e, id, NULL), MXH_OK);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].msg, "user version");
    ck_assert_int_eq(g.f[0].sev, MXH_SEV_INFO);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

/* The built-in rules' compiled forms (tools/rulec.c): when made by this very
 * Lua release, each is exactly what compiling its text gives here (same
 * chunk name, debug information kept: its chunk names its file and has its
 * lines), and an engine loads it; made by another release, the engine
 * compiles the texts. */
START_TEST(test_builtin_bytecode)
{
    ck_assert_uint_gt(mxh_builtin_rule_count, 0);
    ck_assert_msg(strncmp(mxh_builtin_rules_lua, "$LuaVersion: Lua 5.4", 20) == 0, "%s",
                  mxh_builtin_rules_lua);
    if (strcmp(mxh_builtin_rules_lua, lua_ident) != 0)
        return; /* another release: the texts are compiled (what every other test ran) */
    lua_State *L = luaL_newstate();
    ck_assert_ptr_nonnull(L);
    luaL_openlibs(L);
    for (size_t i = 0; i < mxh_builtin_rule_count; i++) {
        const struct mxh_builtin_rule *b = &mxh_builtin_rules[i];
        ck_assert_ptr_nonnull(b->bc);
        ck_assert_uint_gt(b->bclen, 4);
        ck_assert(memcmp(b->bc, LUA_SIGNATURE, 4) == 0);
        char chunk[300];
        snprintf(chunk, sizeof chunk, "@builtin:rules/%s", b->file);
        lua_getglobal(L, "string");
        lua_getfield(L, -1, "dump");
        ck_assert_int_eq(luaL_loadbufferx(L, b->text, b->len, chunk, "t"), LUA_OK);
        ck_assert_int_eq(lua_pcall(L, 1, 1, 0), LUA_OK); /* string.dump(f), lines kept */
        size_t dn = 0;
        const char *d = lua_tolstring(L, -1, &dn);
        ck_assert_msg(dn == b->bclen && memcmp(d, b->bc, dn) == 0,
                      "%s: the compiled form is not the text's", b->file);
        lua_pop(L, 2);
        /* loaded as binary: it names its file, and has its lines */
        ck_assert_int_eq(luaL_loadbufferx(L, (const char *)b->bc, b->bclen, "x", "b"), LUA_OK);
        lua_Debug ar;
        ck_assert(lua_getinfo(L, ">SL", &ar)); /* pops the function, pushes its lines */
        ck_assert_str_eq(ar.source, chunk);
        ck_assert_int_eq(lua_type(L, -1), LUA_TTABLE);
        lua_pushnil(L);
        ck_assert_msg(lua_next(L, -2) != 0, "%s: no line information", b->file);
        lua_pop(L, 3);
        /* and a text-only load refuses it, as a user rule file's would be */
        ck_assert_int_ne(luaL_loadbufferx(L, (const char *)b->bc, b->bclen, "x", "t"), LUA_OK);
        lua_pop(L, 1);
    }
    lua_close(L);
    /* and an engine's built-in rules are loaded from it */
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(NULL, &e), MXH_OK);
    ck_assert_uint_eq(mxh_engine_rule_count(e), mxh_builtin_rule_count);
    for (size_t i = 0; i < mxh_engine_rule_count(e); i++) {
        const mxh_rule *r = mxh_engine_rule(e, i);
        ck_assert_msg(r->bc != NULL && r->bclen > 0, "%s: compiled from its text", r->file);
    }
    mxh_engine_free(e);
}
END_TEST

START_TEST(test_rule_metadata)
{
    mxh_engine *e = bare_engine();
    static const char text[] =
        "return { id = 'meta', severity = 'warning', title = 'Title', description = 'Desc',\n"
        "  references = { 'RFC 5321 §5.1', 'seed 000' }, needs = { 'MX' },\n"
        "  example = '$ORIGIN example.com.\\n@ MX 10 mail', fix = 'Do this.',\n"
        "  tags = { 'mx' }, check = function() end }\n";
    load_buf_ok(e, "dir/meta.lua", text);
    const mxh_rule *r = mxh_engine_find_rule(e, "meta");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(mxh_rule_id(r), "meta");
    ck_assert_int_eq(mxh_rule_severity(r), MXH_SEV_WARNING);
    ck_assert_uint_eq(mxh_rule_reference_count(r), 2);
    ck_assert_str_eq(mxh_rule_reference(r, 0), "RFC 5321 §5.1");
    ck_assert_str_eq(mxh_rule_reference(r, 1), "seed 000");
    ck_assert_ptr_null(mxh_rule_reference(r, 2));
    ck_assert_str_eq(mxh_rule_example(r), "$ORIGIN example.com.\n@ MX 10 mail");
    ck_assert_str_eq(mxh_rule_fix(r), "Do this.");
    ck_assert_str_eq(mxh_rule_file(r), "dir/meta.lua");
    ck_assert_ptr_null(mxh_engine_find_rule(e, "nope"));
    mxh_engine_free(e);
}
END_TEST

/* Each bad rule file is refused with the file and the field named. */
START_TEST(test_validation)
{
    static const struct { const char *name, *text, *want; } bad[] = {
        {"v1.lua", "return { id='v1', severity='warning', title='t', description='d', "
                   "references={'x'} }", "missing field 'check'"},
        {"v2.lua", "return { id='v2', severity='fatal', title='t', description='d', "
                   "references={'x'}, check=function() end }", "field 'severity'"},
        {"v3.lua", "return { id='other', severity='info', title='t', description='d', "
                   "references={'x'}, check=function() end }", "file name says 'v3'"},
        {"v4.lua", "return { id='v4', severity='info', title='t', description='d', "
                   "refrences={'x'}, check=function() end }", "unknown field 'refrences'"},
        {"v5.lua", "return { id='v5', severity='info', title='t', description='d', "
                   "references='RFC', check=function() end }", "field 'references' must be an array"},
        {"v6.lua", "return { id='v6', severity='info', title='t', description='d', "
                   "references={'x'}, needs={'MX','MXX'}, check=function() end }",
         "'MXX' is not an RR type"},
        {"v7.lua", "return { id='v7', severity='info', title=42, description='d', "
                   "references={'x'}, check=function() end }", "field 'title' must be a string"},
        {"v8.lua", "return { id='v8', severity='info', title='t', description='d', "
                   "references={'x', 3}, check=function() end }", "entry 2 is a number"},
        {"v9.lua", "return { id='v9', severity='info', title='t', description='d', "
                   "references={'x'}, check='no' }", "field 'check' must be a function"},
        {"v10.lua", "return 42", "must return a table"},
        {"v11.lua", "return { id = ", "v11.lua"},
        {"v12.lua", "error('top level fails')", "top level fails"},
        {"v13.lua", "while true do end", "instruction budget"},
        {"v14.lua", "return { id='v14', title='t', description='d', references={'x'}, "
                    "check=function() end }", "missing field 'severity'"},
        {"v15.lua", "return { id='v15', severity='info', title='t', description='d', "
                    "references={'x'}, tags='x', check=function() end }", "field 'tags'"},
    };
    mxh_engine_opts o = {0};
    o.no_builtin = 1;
    o.lua_instructions = 1000000;
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(&o, &e), MXH_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mxh_status st = mxh_engine_load_rule_buffer(e, bad[i].name, bad[i].text,
                                                    strlen(bad[i].text));
        ck_assert_msg(st == MXH_ERR_RULE_LOAD, "%s loaded", bad[i].name);
        const char *m = mxh_engine_errmsg(e);
        ck_assert_msg(strstr(m, bad[i].name) && strstr(m, bad[i].want),
                      "%s: message '%s' lacks '%s'", bad[i].name, m, bad[i].want);
    }
    ck_assert_uint_eq(mxh_engine_rule_count(e), 0);
    mxh_engine_free(e);
}
END_TEST

START_TEST(test_rule_directory)
{
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "rules-dir");
    ck_assert_uint_eq(mxh_engine_rule_count(e), 2);
    ck_assert_str_eq(mxh_rule_id(mxh_engine_rule(e, 0)), "a-rule");
    ck_assert_str_eq(mxh_rule_id(mxh_engine_rule(e, 1)), "b-rule");
    ck_assert_str_eq(mxh_rule_file(mxh_engine_rule(e, 0)), FIX "rules-dir/a-rule.lua");
    ck_assert_int_eq(mxh_engine_load_rules(e, FIX "no-such-dir"), MXH_ERR_IO);
    ck_assert_ptr_nonnull(strstr(mxh_engine_errmsg(e), "no-such-dir"));
    mxh_engine_free(e);
}
END_TEST

/* ---- selection, severities, findings --------------------------------- */

START_TEST(test_select_and_order)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "rules-dir");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    /* owner first, then rule id, whatever order the rules reported in */
    ck_assert_uint_eq(g.n, 4);
    ck_assert_str_eq(g.f[0].owner, "example.com.");
    ck_assert_str_eq(g.f[0].rule, "a-rule");
    ck_assert_str_eq(g.f[0].msg, "a on apex");
    ck_assert_int_eq(g.f[0].sev, MXH_SEV_ERROR); /* report's own severity */
    ck_assert_str_eq(g.f[1].owner, "example.com.");
    ck_assert_str_eq(g.f[1].rule, "b-rule");
    ck_assert_str_eq(g.f[2].owner, "www.example.com.");
    ck_assert_str_eq(g.f[2].rule, "a-rule");
    ck_assert_int_eq(g.f[2].sev, MXH_SEV_INFO); /* the rule's severity */
    ck_assert_str_eq(g.f[3].owner, "www.example.com.");
    ck_assert_str_eq(g.f[3].rule, "b-rule");
    ck_assert_int_eq(g.f[3].sev, MXH_SEV_WARNING);

    /* only */
    ck_assert_int_eq(mxh_engine_select(e, "b-rule", NULL), MXH_OK);
    ck_assert(!mxh_rule_enabled(mxh_engine_find_rule(e, "a-rule")));
    g.n = 0;
    mxh_engine_scan(e, zs, collect, &g);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.f[0].rule, "b-rule");
    ck_assert_str_eq(g.f[1].rule, "b-rule");
    /* skip */
    ck_assert_int_eq(mxh_engine_select(e, NULL, " b-rule ,"), MXH_OK);
    g.n = 0;
    mxh_engine_scan(e, zs, collect, &g);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.f[0].rule, "a-rule");
    /* unknown ids change nothing */
    ck_assert_int_eq(mxh_engine_select(e, "a-rule,zzz", NULL), MXH_ERR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(mxh_engine_errmsg(e), "zzz"));
    ck_assert(!mxh_rule_enabled(mxh_engine_find_rule(e, "b-rule")));
    /* all again */
    ck_assert_int_eq(mxh_engine_select(e, NULL, NULL), MXH_OK);
    ck_assert(mxh_rule_enabled(mxh_engine_find_rule(e, "b-rule")));

    /* severity override beats the rule's and the report's severity */
    ck_assert_int_eq(mxh_engine_set_severity(e, "a-rule", MXH_SEV_WARNING), MXH_OK);
    ck_assert_int_eq(mxh_engine_set_severity(e, "zzz", MXH_SEV_WARNING), MXH_ERR_NOTFOUND);
    g.n = 0;
    mxh_engine_scan(e, zs, collect, &g);
    ck_assert_uint_eq(g.n, 4);
    ck_assert_int_eq(g.f[0].sev, MXH_SEV_WARNING);
    ck_assert_int_eq(g.f[2].sev, MXH_SEV_WARNING);
    ck_assert_int_eq(mxh_rule_severity(mxh_engine_find_rule(e, "a-rule")), MXH_SEV_WARNING);

    /* the callback can stop the scan */
    g.n = 0;
    g.stop_after = 1;
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 1);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_evidence_and_merge)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    char rule[4096];
    rule_text(rule, sizeof rule, "merge", "warning", NULL,
              "local mx = zone:rrset('example.com.', 'MX')\n"
              "local a = zone:rrset('mail.example.com.', 'A')[1]\n"
              "report { owner = 'example.com', message = 'first', evidence = { mx[2], 'a note' },\n"
              "         fix = 'fix it' }\n"
              "report { owner = 'EXAMPLE.COM.', message = 'second', at = a,\n"
              "         evidence = { mx[1], mx[2], zone:lookup('www.example.com.', 'A') } }\n"
              "report { owner = 'sub.example.com.', message = 'no records', evidence = { 'text' } }\n"
              "local ok, err = pcall(report, { owner = 'x..y', message = 'bad' })\n"
              "assert(not ok and err:find('bad owner'), err)\n"
              "ok, err = pcall(report, { message = 'm', mesage = 'typo' })\n"
              "assert(not ok and err:find(\"unknown field 'mesage'\"), err)\n"
              "ok, err = pcall(report, { owner = 'a.example.com' })\n"
              "assert(not ok and err:find('message'), err)\n"
              "ok, err = pcall(report, { message = 'm', evidence = { {} } })\n"
              "assert(not ok and err:find('evidence 1'), err)\n"
              "ok, err = pcall(report, { message = 'm', at = zone })\n"
              "assert(not ok and err:find('record expected'), err)\n"
              "ok, err = pcall(report, { message = 'm', severity = 'fatal' })\n"
              "assert(not ok and err:find('severity'), err)\n");
    load_buf_ok(e, "merge.lua", rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 2);
    got *f = &g.f[0];
    ck_assert_str_eq(f->owner, "example.com.");
    ck_assert_str_eq(f->msg, "first");
    ck_assert_str_eq(f->fix, "fix it");
    /* no at= in the first report: the first evidence record (MX 20, line 6) */
    ck_assert_str_eq(f->file, "db:example");
    ck_assert_uint_eq(f->line, 6);
    /* evidence of both reports, each item once */
    ck_assert_uint_eq(f->nev, 5);
    ck_assert_ptr_nonnull(strstr(f->ev[0], "IN MX 20 backup.example.net."));
    ck_assert_uint_eq(f->evline[0], 6);
    ck_assert_str_eq(f->ev[1], "a note");
    ck_assert_str_eq(f->evfile[1], "");
    ck_assert_uint_eq(f->evline[1], 0);
    ck_assert_ptr_nonnull(strstr(f->ev[2], "IN MX 10 mail.example.com."));
    ck_assert_uint_eq(f->evline[2], 5);
    ck_assert_msg(strstr(f->ev[3], "cname www.example.com. -> example.com.") != NULL, "%s",
                  f->ev[3]);
    ck_assert_uint_eq(f->evline[3], 12);
    ck_assert_ptr_nonnull(strstr(f->ev[4], "IN A 192.0.2.1"));
    ck_assert_uint_eq(f->evline[4], 7);
    f = &g.f[1];
    ck_assert_str_eq(f->owner, "sub.example.com.");
    ck_assert_str_eq(f->file, "db:example");
    ck_assert_uint_eq(f->line, 0);
    ck_assert_str_eq(f->fix, "");
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* An inventory server as evidence carries the inventory's file and line, and
 * is never taken as the finding's location (that stays in the zone). */
START_TEST(test_server_evidence)
{
    mxh_zoneset *zs = example_zs();   /* inventory "inv", line 1: srv1 */
    mxh_engine *e = bare_engine();
    char rule[2048];
    rule_text(rule, sizeof rule, "srv", "warning", NULL,
              "local s = zone:zoneset():servers()[1]\n"
              "report { owner = 'example.com', message = 'server only', evidence = { s } }\n"
              "report { owner = 'mail.example.com', message = 'server then record',\n"
              "         evidence = { s, zone:rrset('mail.example.com.', 'A')[1] } }\n"
              "local ok, err = pcall(report, { message = 'm', evidence = { zone:zoneset() } })\n"
              "assert(not ok and err:find('servers'), err)\n");
    load_buf_ok(e, "srv.lua", rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 2);
    got *f = &g.f[0];
    ck_assert_str_eq(f->owner, "example.com.");
    ck_assert_uint_eq(f->nev, 1);
    ck_assert_str_eq(f->evfile[0], "inv");
    ck_assert_uint_eq(f->evline[0], 1);
    ck_assert_msg(strstr(f->ev[0], "srv1") && strstr(f->ev[0], "192.0.2.10"), "%s", f->ev[0]);
    /* no record anywhere: the zone's file at line 0, not the inventory */
    ck_assert_str_eq(f->file, "db:example");
    ck_assert_uint_eq(f->line, 0);
    f = &g.f[1];
    ck_assert_str_eq(f->owner, "mail.example.com.");
    ck_assert_uint_eq(f->nev, 2);
    ck_assert_str_eq(f->evfile[0], "inv");
    ck_assert_uint_eq(f->evline[0], 1);
    /* the first evidence item is the server; the location is the record */
    ck_assert_str_eq(f->file, "db:example");
    ck_assert_uint_eq(f->line, f->evline[1]);
    ck_assert_uint_gt(f->line, 0);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* A rule error is one finding naming rule, zone and reason; the rule's own
 * findings from that zone are dropped; other zones and rules go on. */
START_TEST(test_rule_error_and_next_zone)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    static const char z1[] = "$ORIGIN one.example.\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 mail\n";
    static const char z2[] = "$ORIGIN two.example.\n@ SOA ns hm 1 2 3 4 5\n@ A 192.0.2.1\n";
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "one", z1, sizeof z1 - 1, NULL, NULL), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "two", z2, sizeof z2 - 1, NULL, NULL), MXH_OK);
    mxh_engine *e = bare_engine();
    char rule[1024];
    rule_text(rule, sizeof rule, "flaky", "warning", NULL,
              "report { message = 'partial' }\n"
              "if zone:has_type('MX') then\n"
              "  local t = nil\n"
              "  return t.field\n"
              "end");
    load_buf_ok(e, "rules/flaky.lua", rule);
    load_ok(e, FIX "good.lua");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 4);
    /* zone one: flaky failed (its partial finding dropped), good ran */
    ck_assert_int_eq(g.f[0].kind, MXH_FINDING_RULE_ERROR);
    ck_assert_str_eq(g.f[0].rule, "flaky");
    ck_assert_str_eq(g.f[0].zone, "one.example.");
    ck_assert_int_eq(g.f[0].sev, MXH_SEV_ERROR);
    ck_assert_msg(strstr(g.f[0].msg, "flaky") && strstr(g.f[0].msg, "one.example.") &&
                  strstr(g.f[0].msg, "rules/flaky.lua:7") && strstr(g.f[0].msg, "index a nil value"),
                  "message: %s", g.f[0].msg);
    ck_assert_str_eq(g.f[0].file, "one");
    ck_assert_str_eq(g.f[1].rule, "good");
    ck_assert_str_eq(g.f[1].file, "one");
    ck_assert_uint_eq(g.f[1].line, 2);
    /* zone two: both rules report normally */
    ck_assert_int_eq(g.f[2].kind, MXH_FINDING);
    ck_assert_str_eq(g.f[2].rule, "flaky");
    ck_assert_str_eq(g.f[2].msg, "partial");
    ck_assert_str_eq(g.f[2].zone, "two.example.");
    ck_assert_str_eq(g.f[3].rule, "good");

    /* scanning a single zone */
    g.n = 0;
    ck_assert_int_eq(mxh_engine_scan_zone(e, zs, mxh_zoneset_zone(zs, 1), collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_int_eq(mxh_engine_scan_zone(e, zs, NULL, collect, &g), MXH_ERR_ARG);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* Wrong arguments to every method and helper: errors, never crashes. */
START_TEST(test_bad_arguments)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "bad-args.lua");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    unsigned raised = 0, calls = 0;
    ck_assert_int_eq(sscanf(g.f[0].msg, "%u/%u", &raised, &calls), 2);
    ck_assert_uint_gt(calls, 1000);
    ck_assert_uint_gt(raised, 100);   /* wrong objects are refused ... */
    ck_assert_uint_lt(raised, calls); /* ... and right ones still answer */
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* Two exports of the same zone: each zone's routes answer from itself (the
 * context zone), also when a rule reaches the other one through zs:zones(). */
START_TEST(test_shadowed_zone_routes)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    static const char a[] = "$ORIGIN dup.example.\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 old\n"
                            "old A 192.0.2.1\n";
    static const char b[] = "$ORIGIN dup.example.\n@ SOA ns hm 2 2 3 4 5\n@ MX 10 new\n"
                            "new A 192.0.2.2\nbad line here\n";
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "a", a, sizeof a - 1, NULL, NULL), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "b", b, sizeof b - 1, NULL, NULL),
                     MXH_ERR_PARSE);
    ck_assert_uint_eq(mxh_zoneset_zone_count(zs), 2);
    mxh_engine *e = bare_engine();
    char rule[2048];
    rule_text(rule, sizeof rule, "own-route", "info", NULL,
              "local mine = zone:mail_route(zone:origin()):exchanges()[1]:name()\n"
              "local others = {}\n"
              "for z in zone:zoneset():zones() do\n"
              "  others[#others + 1] = z:mail_route(z:origin()):exchanges()[1]:name()\n"
              "end\n"
              "report { message = mine .. ' ' .. table.concat(others, ',') .. ' ' ..\n"
              "         tostring(zone:incomplete()) }");
    load_buf_ok(e, "own-route.lua", rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.f[0].msg, "old.dup.example. old.dup.example.,new.dup.example. false");
    ck_assert_str_eq(g.f[1].msg, "new.dup.example. old.dup.example.,new.dup.example. true");
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

typedef struct worker {
    const mxh_zoneset *zs;
    size_t findings;
    size_t errors;
    char first[512];
} worker;

static int count_cb(const mxh_finding *f, void *ud)
{
    worker *w = ud;
    if (w->findings == 0)
        snprintf(w->first, sizeof w->first, "%s %s %s", mxh_finding_rule(f),
                 mxh_finding_owner(f), mxh_finding_message(f));
    w->findings++;
    if (mxh_finding_kind_of(f) != MXH_FINDING)
        w->errors++;
    return 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    mxh_engine *e = NULL;
    if (mxh_engine_new(NULL, &e) != MXH_OK)
        return NULL;
    for (int i = 0; i < 20; i++)
        mxh_engine_scan(e, w->zs, count_cb, w);
    mxh_engine_free(e);
    return NULL;
}

/* One engine per thread over one shared zone set: same findings everywhere. */
START_TEST(test_threads)
{
    mxh_zoneset *zs = example_zs();
    enum { N = 4 };
    pthread_t t[N];
    worker w[N];
    memset(w, 0, sizeof w);
    for (int i = 0; i < N; i++) {
        w[i].zs = zs;
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    ck_assert_uint_gt(w[0].findings, 0);
    ck_assert_uint_eq(w[0].errors, 0);
    for (int i = 1; i < N; i++) {
        ck_assert_uint_eq(w[i].findings, w[0].findings);
        ck_assert_str_eq(w[i].first, w[0].first);
    }
    mxh_zoneset_free(zs);
}
END_TEST

typedef struct reenter {
    mxh_engine *e;
    const mxh_zoneset *zs;
    mxh_status scan_st, load_st;
    size_t calls;
} reenter;

static int reenter_cb(const mxh_finding *f, void *ud)
{
    (void)f;
    reenter *r = ud;
    r->calls++;
    r->scan_st = mxh_engine_scan(r->e, r->zs, reenter_cb, ud);
    static const char t[] = "return {}";
    r->load_st = mxh_engine_load_rule_buffer(r->e, "x.lua", t, sizeof t - 1);
    return 0;
}

/* A callback cannot start another scan or change the rules mid-scan. */
START_TEST(test_reentry_refused)
{
    mxh_zoneset *zs = example_zs();
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "good.lua");
    reenter r = {e, zs, MXH_OK, MXH_OK, 0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, reenter_cb, &r), MXH_OK);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_int_eq(r.scan_st, MXH_ERR_ARG);
    ck_assert_int_eq(r.load_st, MXH_ERR_ARG);
    ck_assert_uint_eq(mxh_engine_rule_count(e), 1);
    /* and afterwards the engine scans again */
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 1);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

START_TEST(test_severity_names)
{
    mxh_severity s;
    ck_assert_str_eq(mxh_severity_name(MXH_SEV_ERROR), "error");
    ck_assert_str_eq(mxh_severity_name(MXH_SEV_WARNING), "warning");
    ck_assert_str_eq(mxh_severity_name(MXH_SEV_INFO), "info");
    ck_assert_int_eq(mxh_severity_parse("Warning", &s), MXH_OK);
    ck_assert_int_eq(s, MXH_SEV_WARNING);
    ck_assert_int_eq(mxh_severity_parse("fatal", &s), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_severity_parse(NULL, &s), MXH_ERR_ARG);
    ck_assert_int_eq(mxh_engine_new(NULL, NULL), MXH_ERR_ARG);
    mxh_engine_free(NULL);
}
END_TEST

/* ---- zone:hint ----------------------------------------------------------- */

/* Each hint recomputed in Lua from the documented objects: zone:hint(h) must
 * say exactly the same, on crafted zones and every rule fixture. */
static const char hint_reference_rule[] =
    "local mxh = require 'mxh'\n"
    "local ALL = { 'wildcard-mx', 'null-mx', 'star-label', 'inventory', 'mx-cname',\n"
    "  'mx-wildcard', 'mx-dangling', 'mx-ip', 'mx-missing-dot', 'mx-multi', 'mx-own-address',\n"
    "  'mx-cdn', 'mx-addresses', 'implicit-apex' }\n"
    "local ROUTE = { 'mx-cname', 'mx-wildcard', 'mx-dangling', 'mx-ip', 'mx-missing-dot',\n"
    "  'mx-multi', 'mx-own-address', 'mx-cdn', 'mx-addresses', 'implicit-apex' }\n"
    "local function truth(zone)\n"
    "  local t = {}\n"
    "  t.per = {} -- route hint -> the mail domains having it, mail_domains() order\n"
    "  for rec in zone:records('MX') do\n"
    "    if rec:owner():sub(1, 2) == '*.' then t['wildcard-mx'] = true end\n"
    "    if rec:target() == '.' then t['null-mx'] = true end\n"
    "  end\n"
    "  for n in zone:names() do\n"
    "    local nm = n:name()\n"
    "    if nm:sub(1, 2) == '*.' then nm = nm:sub(3) end\n"
    "    if nm:find('*', 1, true) then t['star-label'] = true end\n"
    "  end\n"
    "  if #zone:zoneset():servers() > 0 then t['inventory'] = true end\n"
    "  for _, d in ipairs(zone:mail_domains()) do\n"
    "    local before = {}\n"
    "    for _, h in ipairs(ROUTE) do before[h] = t[h]; t[h] = nil end\n"
    "    local r = zone:mail_route(d)\n"
    "    if r:kind() == 'implicit' and d == zone:origin() then t['implicit-apex'] = true end\n"
    "    if r:kind() == 'mx' then\n"
    "      local xs = r:exchanges()\n"
    "      local multi = #xs >= 2\n"
    "      for _, x in ipairs(xs) do\n"
    "        local st = x:status()\n"
    "        local ip = mxh.exchange_ip_literal(zone, x)\n"
    "        local dot = mxh.exchange_missing_dot(zone, x)\n"
    "        local ex = mxh.exchange_explained(zone, x)\n"
    "        if ip then t['mx-ip'] = true end\n"
    "        if dot and not ip then t['mx-missing-dot'] = true end\n"
    "        if x:via_cname() then t['mx-cname'] = true end\n"
    "        if st == 'nxdomain' or st == 'nodata' or st == 'loop' then t['mx-dangling'] = true end\n"
    "        if st ~= 'addresses' or ex then multi = false end\n"
    "        if st == 'addresses' then\n"
    "          if x:via_wildcard() then t['mx-wildcard'] = true end\n"
    "          if not ex then t['mx-addresses'] = true end\n"
    "          for _, ar in ipairs(x:address_records()) do\n"
    "            if ar:owner() == d then t['mx-own-address'] = true end\n"
    "            if mxh.cdn_provider(ar:rdata()) then t['mx-cdn'] = true end\n"
    "          end\n"
    "        end\n"
    "      end\n"
    "      if multi then t['mx-multi'] = true end\n"
    "    end\n"
    "    for _, h in ipairs(ROUTE) do\n"
    "      if t[h] then t.per[h] = t.per[h] or {}; table.insert(t.per[h], d) end\n"
    "      t[h] = t[h] or before[h]\n"
    "    end\n"
    "  end\n"
    "  return t\n"
    "end\n"
    "return { id = 'hint-reference', severity = 'info', title = 't', description = 'd',\n"
    "  references = { 'test' },\n"
    "  check = function(zone, report)\n"
    "    -- asked first, as the rules do (the routes are then computed by the hint)\n"
    "    local said = {}\n"
    "    for _, h in ipairs(ALL) do said[h] = zone:hint(h) end\n"
    "    local t, yes = truth(zone), {}\n"
    "    for _, h in ipairs(ALL) do\n"
    "      if said[h] ~= (t[h] or false) or zone:hint(h) ~= said[h] then\n"
    "        report { owner = 'mismatch.invalid.', message = 'MISMATCH ' .. h .. ' in '\n"
    "          .. zone:origin() .. ': hint ' .. tostring(said[h]) .. ', objects ' .. tostring(t[h]) }\n"
    "      end\n"
    "      if t[h] then yes[#yes + 1] = h end\n"
    "    end\n"
    "    -- zone:mail_domains(h): the domains whose own route has h, in order\n"
    "    for _, h in ipairs(ROUTE) do\n"
    "      local got = table.concat(zone:mail_domains(h), ' ')\n"
    "      local want = table.concat(t.per[h] or {}, ' ')\n"
    "      if got ~= want then\n"
    "        report { owner = 'mismatch.invalid.', message = 'MISMATCH mail_domains(' .. h\n"
    "          .. ') in ' .. zone:origin() .. ': ' .. got .. ' / ' .. want }\n"
    "      end\n"
    "    end\n"
    "    -- asked through another zone of the set: the same, from that zone's routes\n"
    "    for oz in zone:zoneset():zones() do\n"
    "      if oz:origin() ~= zone:origin() then\n"
    "        local ot = truth(oz)\n"
    "        for _, h in ipairs(ROUTE) do\n"
    "          local got = table.concat(oz:mail_domains(h), ' ')\n"
    "          local want = table.concat(ot.per[h] or {}, ' ')\n"
    "          if got ~= want then\n"
    "            report { owner = 'mismatch.invalid.', message = 'MISMATCH other mail_domains(' .. h\n"
    "              .. ') in ' .. oz:origin() .. ': ' .. got .. ' / ' .. want }\n"
    "          end\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "    local ok1, e1 = pcall(zone.mail_domains, zone, 'wildcard-mx')\n"
    "    local ok2, e2 = pcall(zone.mail_domains, zone, 'no-such-hint')\n"
    "    if ok1 or ok2 or not tostring(e1):find('not a route hint', 1, true)\n"
    "       or not tostring(e2):find('unknown hint', 1, true) then\n"
    "      report { owner = 'mismatch.invalid.', message = 'MISMATCH mail_domains(bad): '\n"
    "        .. tostring(e1) .. ' / ' .. tostring(e2) }\n"
    "    end\n"
    "    report { message = 'hints: ' .. table.concat(yes, ' ') .. ' ' }\n"
    "  end }\n";

static const char hint_zone[] =
    "$ORIGIN hints.example.\n"
    "$TTL 3600\n"
    "@ SOA ns1.hints.example. h.hints.example. 1 3600 900 604800 3600\n"
    "@ NS ns1.hints.example.\n"
    "ns1 A 192.0.2.53\n"
    "@ MX 10 hints.example.\n"
    "@ MX 20 alias\n"
    "@ A 192.0.2.1\n"
    "alias CNAME host\n"
    "host A 192.0.2.2\n"
    "*.wild MX 10 host\n"
    "*.wild A 192.0.2.9\n"
    "a*b TXT \"star\"\n"
    "sub MX 10 gone\n"
    "sub MX 20 192.0.2.7\n"
    "sub MX 30 mail.example.net\n"
    "sub MX 40 x.wild\n"
    "null MX 0 .\n"
    "null MX 10 host\n"
    "cdn MX 10 web\n"
    "web A 104.16.132.229\n"
    "pair MX 10 host\n"
    "pair MX 20 host2\n"
    "host2 A 192.0.2.2\n";

static const char hint_zone_implicit[] =
    "$ORIGIN plain.example.\n"
    "$TTL 3600\n"
    "@ SOA ns1.plain.example. h.plain.example. 1 3600 900 604800 3600\n"
    "@ A 192.0.2.80\n"
    "*.x A 192.0.2.81\n";

typedef struct hint_tally {
    char bad[512];
    char seen[16][32];
    size_t nseen, zones;
} hint_tally;

static int hint_collect(const mxh_finding *f, void *ud)
{
    hint_tally *t = ud;
    const char *m = mxh_finding_message(f);
    if (mxh_finding_kind_of(f) != MXH_FINDING || strncmp(m, "hints: ", 7) != 0) {
        if (!t->bad[0])
            snprintf(t->bad, sizeof t->bad, "%s", m);
        return 0;
    }
    t->zones++;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", m + 7);
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        size_t i = 0;
        while (i < t->nseen && strcmp(t->seen[i], w) != 0)
            i++;
        if (i == t->nseen && t->nseen < 16)
            snprintf(t->seen[t->nseen++], sizeof t->seen[0], "%s", w);
    }
    return 0;
}

static void hint_scan(const char *what, mxh_zoneset *zs, hint_tally *t)
{
    mxh_engine *e = bare_engine();
    load_buf_ok(e, "hint-reference.lua", hint_reference_rule);
    ck_assert_int_eq(mxh_engine_scan(e, zs, hint_collect, t), MXH_OK);
    ck_assert_msg(!t->bad[0], "%s: %s", what, t->bad);
    mxh_engine_free(e);
}

START_TEST(test_zone_hints)
{
    hint_tally t;
    memset(&t, 0, sizeof t);
    /* crafted: every hint true somewhere, and false somewhere */
    mxh_zoneset *zs = zs_from_text("hints", hint_zone);
    hint_scan("hints", zs, &t);
    mxh_zoneset_free(zs);
    /* all but inventory and implicit-apex, which the second zone has */
    ck_assert_uint_eq(t.zones, 1);
    ck_assert_uint_eq(t.nseen, 12);
    for (size_t i = 0; i < t.nseen; i++)
        ck_assert_msg(strcmp(t.seen[i], "inventory") != 0 && strcmp(t.seen[i], "implicit-apex") != 0,
                      "%s in the crafted zone", t.seen[i]);
    hint_tally u;
    memset(&u, 0, sizeof u);
    zs = zs_from_text("plain", hint_zone_implicit);
    static const char inv[] = "srv1 192.0.2.80 plain.example\n";
    ck_assert_int_eq(mxh_zoneset_load_inventory_buffer(zs, "inv", inv, sizeof inv - 1), MXH_OK);
    hint_scan("plain", zs, &u);
    mxh_zoneset_free(zs);
    ck_assert_uint_eq(u.zones, 1);
    ck_assert_uint_eq(u.nseen, 2);
    ck_assert_msg((strcmp(u.seen[0], "inventory") == 0 && strcmp(u.seen[1], "implicit-apex") == 0),
                  "%s %s", u.seen[0], u.seen[1]);

    /* both zones in one set: each also asked through the other */
    hint_tally w;
    memset(&w, 0, sizeof w);
    zs = zs_from_text("hints", hint_zone);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "plain", hint_zone_implicit,
                                             strlen(hint_zone_implicit), NULL, NULL), MXH_OK);
    hint_scan("both", zs, &w);
    mxh_zoneset_free(zs);
    ck_assert_uint_eq(w.zones, 2);

    /* every rule fixture, each file alone */
    DIR *top = opendir("tests/rules");
    ck_assert_ptr_nonnull(top);
    struct dirent *de;
    size_t files = 0;
    while ((de = readdir(top)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char dir[512];
        snprintf(dir, sizeof dir, "tests/rules/%s", de->d_name);
        DIR *d = opendir(dir);
        if (d == NULL)
            continue;
        struct dirent *fe;
        while ((fe = readdir(d)) != NULL) {
            size_t l = strlen(fe->d_name);
            if (l < 6 || strcmp(fe->d_name + l - 5, ".zone") != 0)
                continue;
            char path[1100];
            snprintf(path, sizeof path, "%s/%s", dir, fe->d_name);
            ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
            (void)mxh_zoneset_load_file(zs, path, NULL, NULL);
            hint_scan(path, zs, &t);
            mxh_zoneset_free(zs);
            files++;
        }
        closedir(d);
    }
    closedir(top);
    ck_assert_uint_ge(files, 30);
    ck_assert_uint_ge(t.zones, 30);

    /* an unknown hint is an error naming it */
    mxh_engine *e = bare_engine();
    char buf[1024];
    rule_text(buf, sizeof buf, "bad-hint", "info", NULL, "zone:hint('mx-cnam')");
    load_buf_ok(e, "bad-hint.lua", buf);
    zs = zs_from_text("plain", hint_zone_implicit);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_int_eq(g.f[0].kind, MXH_FINDING_RULE_ERROR);
    ck_assert_msg(strstr(g.f[0].msg, "unknown hint 'mx-cnam'") != NULL, "%s", g.f[0].msg);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

/* ---- zone:whatif ------------------------------------------------------ */

static mxh_zoneset *zs_from_file(const char *path)
{
    size_t len;
    char *text = slurp(path, &len);
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_status st = mxh_zoneset_load_buffer(zs, path, text, len, NULL, NULL);
    ck_assert_msg(st == MXH_OK, "%s: %s", path, mxh_zoneset_errmsg(zs));
    free(text);
    return zs;
}

/* The rule of tests/engine/whatif-apex-move.lua asks "if the apex A moves to
 * 11.11.11.11, does mail move?": on seed 000 (MX names the apex) it does, and
 * the finding says so; with mail.example.com split off first it does not. */
START_TEST(test_whatif_rule)
{
    mxh_engine *e = bare_engine();
    load_ok(e, FIX "whatif-apex-move.lua");

    mxh_zoneset *zs = zs_from_file(FIX "whatif-seed000.zone");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    ck_assert_str_eq(g.f[0].rule, "whatif-apex-move");
    ck_assert_str_eq(g.f[0].owner, "example.com.");
    ck_assert_str_eq(g.f[0].msg, "example.com.: mail moved-non-mx from 10.0.1.100 to "
                                 "11.11.11.11 (route after: example.com.=11.11.11.11)");
    /* located at the MX; the evidence is the changed record */
    ck_assert_str_eq(g.f[0].file, FIX "whatif-seed000.zone");
    ck_assert_uint_eq(g.f[0].line, 7);
    ck_assert_uint_eq(g.f[0].nev, 1);
    ck_assert_str_eq(g.f[0].evfile[0], "changes");
    ck_assert_uint_eq(g.f[0].evline[0], 1);
    ck_assert_msg(strstr(g.f[0].ev[0], "A 11.11.11.11") != NULL, "%s", g.f[0].ev[0]);
    mxh_zoneset_free(zs);

    zs = zs_from_file(FIX "whatif-split.zone");
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    ck_assert_msg(g.n == 0, "split zone: %s", g.n ? g.f[0].msg : "");
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

/* The view's methods, the original left alone, errors as nil + message,
 * array input, and one copy shared by every rule of the zone scan. */
START_TEST(test_whatif_view)
{
    mxh_engine *e = bare_engine();
    char rule[4096];
    rule_text(rule, sizeof rule, "probe", "info", NULL,
        "local out = {}\n"
        "local function say(m) out[#out + 1] = m end\n"
        "local o = zone:origin()\n"
        "local v = assert(zone:whatif('set @ A 11.11.11.11\\n# comment\\n'))\n"
        "local r = v:mail_route(o)\n"
        "local x = r:exchanges()[1]\n"
        "say('route ' .. r:kind() .. ' ' .. x:name() .. ' ' .. x:addresses()[1])\n"
        "say('original ' .. zone:mail_route(o):exchanges()[1]:addresses()[1])\n"
        "local c = v:compare()\n"
        "say(string.format('counts %d %d %d %d %d', c.unchanged, c.moved,\n"
        "  c['moved-non-mx'], c.broken, c.restored))\n"
        "local d = v:domains()\n"
        "say('domains ' .. #d .. ' ' .. d[1].domain .. ' ' .. d[1].change ..\n"
        "  ' ' .. tostring(d[1].deliverable_after))\n"
        "local nd, why = v:compare('nowhere.test')\n"
        "say('unknown ' .. tostring(nd) .. ' ' .. why)\n"
        "say('changes ' .. table.concat(v:changes(), ';'))\n"
        "local bad, err = zone:whatif('frob @ A 1.2.3.4')\n"
        "say('bad ' .. tostring(bad) .. ' ' .. err)\n"
        "local bad2, err2 = zone:whatif('frob @ A 1.2.3.4')\n"
        "say('bad again ' .. tostring(bad2) .. ' ' .. tostring(err2 == err))\n"
        "local no, err3 = zone:whatif{ 'set @ A 11.11.11.11', 'del nothere A' }\n"
        "say('apply ' .. tostring(no) .. ' ' .. err3)\n"
        "local va = assert(zone:whatif{ 'set mail A 192.0.2.9' })\n"
        "local e2 = assert(va:compare(o))\n"
        "say('array ' .. e2.change .. ' ' .. e2.before[1] .. ' ' .. e2.after[1])\n"
        "say('type ' .. tostring(pcall(zone.whatif, zone, 42)))\n"
        "report { message = table.concat(out, '|') }\n");
    load_buf_ok(e, "probe.lua", rule);
    rule_text(rule, sizeof rule, "second", "info", NULL,
        "local v = zone:whatif('set @ A 11.11.11.11\\n# comment\\n')\n"
        "report { message = tostring(v) }\n");
    load_buf_ok(e, "second.lua", rule);
    mxh_zoneset *zs = zs_from_file(FIX "whatif-split.zone");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.f[0].rule, "probe");
    const char *m = g.f[0].msg;
    const char *want[] = {
        "route mx mail.example.com. 10.0.1.100|",
        "|original 10.0.1.100|",  /* the scanned zone set is untouched */
        "|counts 1 0 0 0 0|",
        "|domains 1 example.com. unchanged true|",
        "|unknown nil nowhere.test. is not a mail domain of the zone set|",
        "|changes set @ A 11.11.11.11|",
        "|bad nil changes:1: ",
        "|bad again nil true|",
        "|apply nil change #2",
        "|array moved-non-mx 10.0.1.100 192.0.2.9|",
        "|type false",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(m, want[i]) != NULL, "'%s' not in: %s", want[i], m);
    /* two copies made: the second rule's question shared the first rule's
     * view, the bad changes left none behind */
    ck_assert_uint_eq(e->whatif_copies, 2);
    ck_assert_str_eq(g.f[1].rule, "second");
    ck_assert_str_eq(g.f[1].msg, "whatif view of example.com. (1 change)");
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

/* A view kept past its zone's scan raises instead of touching freed data;
 * the next zone gets its own view. */
START_TEST(test_whatif_released)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    static const char z1[] = "$ORIGIN one.example.\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 @\n@ A 192.0.2.1\n";
    static const char z2[] = "$ORIGIN two.example.\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 @\n@ A 192.0.2.2\n";
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "one", z1, sizeof z1 - 1, NULL, NULL), MXH_OK);
    ck_assert_int_eq(mxh_zoneset_load_buffer(zs, "two", z2, sizeof z2 - 1, NULL, NULL), MXH_OK);
    mxh_engine *e = bare_engine();
    char rule[2048];
    rule_text(rule, sizeof rule, "keeper", "info", NULL,
        "local msg = ''\n"
        "if last then\n"
        "  local ok, err = pcall(last.mail_route, last, 'one.example')\n"
        "  msg = 'old ' .. tostring(ok) .. ' ' .. tostring(err):gsub('^.*: ', '') ..\n"
        "    ' ' .. tostring(last) .. '|'\n"
        "end\n"
        "local v = assert(zone:whatif('set @ A 198.51.100.7'))\n"
        "local c = assert(v:compare(zone:origin()))\n"
        "report { message = msg .. c.change .. ' ' .. c.after[1] }\n"
        "last = v\n");
    load_buf_ok(e, "keeper.lua", rule);
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_str_eq(g.f[0].zone, "one.example.");
    ck_assert_str_eq(g.f[0].msg, "moved-non-mx 198.51.100.7");
    ck_assert_str_eq(g.f[1].zone, "two.example.");
    ck_assert_str_eq(g.f[1].msg, "old false whatif view used after its zone was released "
                                 "whatif view (released)|moved-non-mx 198.51.100.7");
    ck_assert_uint_eq(e->whatif_copies, 2);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

/* Hostile questions: wrong types, NUL bytes, garbage, and a rule asking
 * edit after edit in a loop (stopped after WV_MAX_QUESTIONS copies). */
START_TEST(test_whatif_limits)
{
    mxh_engine *e = bare_engine();
    char rule[4096];
    rule_text(rule, sizeof rule, "greedy", "info", NULL,
        "local out = {}\n"
        "local ok, err = pcall(zone.whatif, zone, { 'set @ A 192.0.2.1', 5 })\n"
        "out[#out + 1] = tostring(ok) .. ' ' .. err\n"
        "ok, err = pcall(zone.whatif, zone, { 'set @ A 192.0.2.1\\0x' })\n"
        "out[#out + 1] = tostring(ok) .. ' ' .. err\n"
        "local v, why = zone:whatif(string.rep('\\1x', 50000))\n"
        "out[#out + 1] = 'garbage ' .. tostring(v) .. ' ' .. tostring(why ~= nil)\n"
        "v, why = zone:whatif('set @ A 192.0.2.1\\0set @ MX 10 x')\n"
        "out[#out + 1] = 'nul ' .. tostring(v == nil and why ~= nil or v ~= nil)\n"
        "local n = 0\n"
        "for i = 1, 40 do\n"
        "  local okk, r = pcall(zone.whatif, zone, 'set @ A 198.51.100.' .. i)\n"
        "  if okk and r then n = n + 1 elseif not okk then err = r break end\n"
        "end\n"
        "out[#out + 1] = 'loop ' .. n .. ' ' .. err\n"
        "report { message = table.concat(out, '|') }\n");
    load_buf_ok(e, "greedy.lua", rule);
    mxh_zoneset *zs = zs_from_file(FIX "whatif-seed000.zone");
    gots g = {0};
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &g), MXH_OK);
    no_rule_errors(&g);
    ck_assert_uint_eq(g.n, 1);
    const char *m = g.f[0].msg;
    ck_assert_msg(strstr(m, "false whatif: change 2 is not a string|") == m, "%s", m);
    ck_assert_msg(strstr(m, "|false whatif: change 1 holds a NUL byte|") != NULL, "%s", m);
    ck_assert_msg(strstr(m, "|garbage nil true|") != NULL, "%s", m);
    ck_assert_msg(strstr(m, "|nul true|") != NULL, "%s", m);
    /* the garbage and NUL questions count: 2 of 32, then 30 edits */
    ck_assert_msg(strstr(m, "|loop 30 whatif: more than 32 distinct changesets asked in one "
                            "zone (each is a copy of the zone set)") != NULL, "%s", m);
    mxh_engine_free(e);
    mxh_zoneset_free(zs);
}
END_TEST

Suite *engine_suite(void);
Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_every_method);
    tcase_add_test(tc, test_helpers);
    tcase_add_test(tc, test_lazy_handles);
    tcase_add_test(tc, test_needs_skip);
    tcase_add_test(tc, test_builtin_and_override);
    tcase_add_test(tc, test_rule_metadata);
    tcase_add_test(tc, test_validation);
    tcase_add_test(tc, test_rule_directory);
    tcase_add_test(tc, test_select_and_order);
    tcase_add_test(tc, test_evidence_and_merge);
    tcase_add_test(tc, test_server_evidence);
    tcase_add_test(tc, test_rule_error_and_next_zone);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_shadowed_zone_routes);
    tcase_add_test(tc, test_reentry_refused);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_severity_names);
    tcase_add_test(tc, test_zone_hints);
    tcase_add_test(tc, test_needs_hint);
    tcase_add_test(tc, test_spf_record);
    tcase_add_test(tc, test_handles_not_charged);
    tcase_add_test(tc, test_builtin_bytecode);
    tcase_add_test(tc, test_whatif_rule);
    tcase_add_test(tc, test_whatif_view);
    tcase_add_test(tc, test_whatif_released);
    tcase_add_test(tc, test_whatif_limits);
    suite_add_tcase(s, tc);
    return s;
}

/* SPDX-License-Identifier: MIT */
/*
 * check_sandbox.c — every limit of the rule sandbox, one hostile rule each
 * (tests/hostile/<id>.lua). Each case loads the hostile rule next to a
 * well-behaved one (tests/engine/good.lua) and proves both halves: the
 * hostile rule yields one rule-error finding naming the rule, the zone and
 * the reason, and the good rule still reports on the same zone. Rules that
 * fail validation are refused at load time with the file and field named.
 * A timeout makes a broken hook fail the test instead of hanging it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua_engine.h"
#include "mxhazard.h"

#define HOSTILE "tests/hostile/"
#define GOOD "tests/engine/good.lua"

typedef struct seen {
    size_t n, errors, good;
    char err_rule[64];
    char err_zone[256];
    char err_msg[2048];
    size_t good_by_zone[16];
} seen;

static int collect(const mxh_finding *f, void *ud)
{
    seen *s = ud;
    s->n++;
    if (mxh_finding_kind_of(f) == MXH_FINDING_RULE_ERROR) {
        s->errors++;
        snprintf(s->err_rule, sizeof s->err_rule, "%s", mxh_finding_rule(f));
        snprintf(s->err_zone, sizeof s->err_zone, "%s", mxh_finding_zone(f));
        snprintf(s->err_msg, sizeof s->err_msg, "%s", mxh_finding_message(f));
    } else if (strcmp(mxh_finding_rule(f), "good") == 0) {
        s->good++;
        const char *z = mxh_finding_zone(f);
        if (z[0] == 'z' && z[1] >= '0' && z[1] <= '9')
            s->good_by_zone[(z[1] - '0') % 16]++;
    }
    return 0;
}

/* Zones z0.example. .. z<n-1>.example., each with a SOA and an MX. */
static mxh_zoneset *zones(int n)
{
    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    for (int i = 0; i < n; i++) {
        char name[32], text[256];
        snprintf(name, sizeof name, "z%d.zone", i);
        int len = snprintf(text, sizeof text,
                           "$ORIGIN z%d.example.\n@ SOA ns hm 1 2 3 4 5\n@ MX 10 mail\n"
                           "mail A 192.0.2.%d\n", i, i + 1);
        ck_assert_int_eq(mxh_zoneset_load_buffer(zs, name, text, (size_t)len, NULL, NULL),
                         MXH_OK);
    }
    return zs;
}

static mxh_engine *engine_with(const char *hostile)
{
    mxh_engine_opts o = {0};
    o.no_builtin = 1;
    o.lua_instructions = 5000000;
    o.lua_memory = 8u << 20;
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(&o, &e), MXH_OK);
    ck_assert_int_eq(mxh_engine_load_rules(e, GOOD), MXH_OK);
    if (hostile) {
        mxh_status st = mxh_engine_load_rules(e, hostile);
        ck_assert_msg(st == MXH_OK, "%s: %s", hostile, mxh_engine_errmsg(e));
    }
    return e;
}

/* Run one hostile rule over nz zones; it must fail exactly on the last zone
 * with want in the reason, and the good rule must report on every zone. */
static void expect_rule_error(const char *id, int nz, const char *want, const char *want2)
{
    char path[256];
    snprintf(path, sizeof path, HOSTILE "%s.lua", id);
    mxh_engine *e = engine_with(path);
    mxh_zoneset *zs = zones(nz);
    seen s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &s), MXH_OK);
    ck_assert_msg(s.errors == 1, "%s: %zu rule errors (last: %s)", id, s.errors, s.err_msg);
    ck_assert_str_eq(s.err_rule, id);
    char zone[32];
    snprintf(zone, sizeof zone, "z%d.example.", nz - 1);
    ck_assert_str_eq(s.err_zone, zone);
    ck_assert_msg(strstr(s.err_msg, id) && strstr(s.err_msg, zone),
                  "%s: message names neither rule nor zone: %s", id, s.err_msg);
    ck_assert_msg(strstr(s.err_msg, want), "%s: reason lacks '%s': %s", id, want, s.err_msg);
    if (want2)
        ck_assert_msg(strstr(s.err_msg, want2), "%s: reason lacks '%s': %s", id, want2,
                      s.err_msg);
    ck_assert_uint_eq(s.good, (size_t)nz);
    for (int i = 0; i < nz; i++)
        ck_assert_uint_eq(s.good_by_zone[i], 1);
    /* the engine is still usable afterwards */
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(mxh_engine_select(e, "good", NULL), MXH_OK);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &s), MXH_OK);
    ck_assert_uint_eq(s.errors, 0);
    ck_assert_uint_eq(s.good, (size_t)nz);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}

START_TEST(test_loop)
{
    expect_rule_error("loop", 1, "instruction budget of 5000000 exceeded", "loop.lua:10");
}
END_TEST

START_TEST(test_pcall_loop)
{
    /* pcall cannot swallow a spent budget */
    expect_rule_error("pcall-loop", 1, "instruction budget", NULL);
}
END_TEST

START_TEST(test_alloc_bomb)
{
    expect_rule_error("alloc-bomb", 1, "memory limit of 8388608 bytes exceeded", NULL);
}
END_TEST

START_TEST(test_io_open)
{
    expect_rule_error("io-open", 1, "global 'io'", "io-open.lua:9");
}
END_TEST

START_TEST(test_os_exit)
{
    expect_rule_error("os-exit", 1, "global 'os'", NULL);
}
END_TEST

START_TEST(test_require_escape)
{
    expect_rule_error("require-escape", 1, "module 'os' is not available", NULL);
}
END_TEST

START_TEST(test_binary_chunk)
{
    expect_rule_error("binary-chunk", 1, "binary chunk", NULL);
}
END_TEST

START_TEST(test_string_dump)
{
    expect_rule_error("string-dump", 1, "field 'dump'", NULL);
}
END_TEST

START_TEST(test_wrong_handle)
{
    expect_rule_error("wrong-handle", 1, "record expected, got mxh.zone", NULL);
}
END_TEST

START_TEST(test_stale_handle)
{
    /* fine on the first zone; the handle kept for the second one is stale */
    expect_rule_error("stale-handle", 2, "record handle used after its zone was released",
                      NULL);
}
END_TEST

START_TEST(test_error_in_check)
{
    expect_rule_error("error-in-check", 1, "deliberate failure in z0.example.",
                      "error-in-check.lua:9 <- ");
}
END_TEST

START_TEST(test_pattern_bomb)
{
    expect_rule_error("pattern-bomb", 1, "pattern too complex", NULL);
}
END_TEST

START_TEST(test_table_shift)
{
    expect_rule_error("table-shift", 1, "instruction budget", NULL);
}
END_TEST

START_TEST(test_stack_overflow)
{
    expect_rule_error("stack-overflow", 1, "stack-overflow.lua:9", NULL);
}
END_TEST

START_TEST(test_error_object)
{
    /* the engine does not call a hostile __tostring to describe the error */
    expect_rule_error("error-object", 1, "error object is a table value", NULL);
}
END_TEST

static void expect_load_error(const char *id, const char *want)
{
    char path[256];
    snprintf(path, sizeof path, HOSTILE "%s.lua", id);
    mxh_engine *e = engine_with(NULL);
    ck_assert_int_eq(mxh_engine_load_rules(e, path), MXH_ERR_RULE_LOAD);
    const char *m = mxh_engine_errmsg(e);
    ck_assert_msg(strstr(m, path) && strstr(m, want), "%s: '%s' lacks '%s'", id, m, want);
    ck_assert_ptr_null(mxh_engine_find_rule(e, id));
    mxh_zoneset *zs = zones(1);
    seen s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &s), MXH_OK);
    ck_assert_uint_eq(s.errors, 0);
    ck_assert_uint_eq(s.good, 1);
    ck_assert_uint_eq(s.n, 1);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}

START_TEST(test_bad_metadata)
{
    expect_load_error("bad-metadata", "field 'severity' must be error, warning or info");
}
END_TEST

START_TEST(test_unknown_field)
{
    expect_load_error("unknown-field", "unknown field 'refrences'");
}
END_TEST

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    luaL_Buffer *b = ud;
    luaL_addlstring(b, p, sz);
    return 0;
}

/* A precompiled rule file is refused: rule files load as text only. */
START_TEST(test_binary_rule_file)
{
    lua_State *L = luaL_newstate();
    static const char src[] =
        "return { id='bin', severity='info', title='t', description='d', references={'x'},"
        " check=function(zone, report) report{message='bytecode ran'} end }";
    ck_assert_int_eq(luaL_loadstring(L, src), LUA_OK);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushvalue(L, -2);
    lua_dump(L, dump_writer, &b, 0);
    lua_pop(L, 1);
    luaL_pushresult(&b);
    size_t len;
    const char *code = lua_tolstring(L, -1, &len);
    mxh_engine *e = engine_with(NULL);
    ck_assert_int_eq(mxh_engine_load_rule_buffer(e, "bin.lua", code, len), MXH_ERR_RULE_LOAD);
    ck_assert_msg(strstr(mxh_engine_errmsg(e), "bin.lua") &&
                  strstr(mxh_engine_errmsg(e), "binary chunk"), "%s", mxh_engine_errmsg(e));
    ck_assert_ptr_null(mxh_engine_find_rule(e, "bin"));
    lua_close(L);
    mxh_engine_free(e);
}
END_TEST

/* A rule that hoards memory across zones gets the state rebuilt; nothing
 * fails and every zone is still scanned by both rules. */
START_TEST(test_leak_rebuild)
{
    mxh_engine *e = engine_with(HOSTILE "leak.lua");
    mxh_zoneset *zs = zones(9);
    seen s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &s), MXH_OK);
    ck_assert_msg(s.errors == 0, "%s", s.err_msg);
    ck_assert_uint_eq(s.good, 9);
    ck_assert_uint_ge(mxh_engine_rebuild_count(e), 1);
    ck_assert_uint_eq(mxh_engine_rule_count(e), 2);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

/* A rule's globals are its own: another rule file does not see or change them. */
START_TEST(test_separate_environments)
{
    mxh_engine *e = engine_with(NULL);
    static const char a[] =
        "shared = 'from a'\n"
        "return { id='env-a', severity='info', title='t', description='d', references={'x'},"
        " check=function(zone, report) report{message=tostring(shared)} end }";
    static const char b[] =
        "return { id='env-b', severity='info', title='t', description='d', references={'x'},"
        " check=function(zone, report) shared = 'from b'; "
        " string.lower = nil end }";
    ck_assert_int_eq(mxh_engine_load_rule_buffer(e, "env-a.lua", a, sizeof a - 1), MXH_OK);
    ck_assert_int_eq(mxh_engine_load_rule_buffer(e, "env-b.lua", b, sizeof b - 1), MXH_OK);
    mxh_zoneset *zs = zones(1);
    seen s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &s), MXH_OK);
    /* env-b fails writing to the read-only string library; env-a still sees its own global */
    ck_assert_uint_eq(s.errors, 1);
    ck_assert_str_eq(s.err_rule, "env-b");
    ck_assert_ptr_nonnull(strstr(s.err_msg, "read-only"));
    ck_assert_uint_eq(s.good, 1);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

/* The budget is per rule per zone: two rules each spending most of it both
 * finish; one spending twice of it fails. Memory likewise. */
START_TEST(test_budget_is_per_rule)
{
    mxh_engine_opts o = {0};
    o.no_builtin = 1;
    o.lua_instructions = 1000000;
    o.lua_memory = 4u << 20;
    mxh_engine *e = NULL;
    ck_assert_int_eq(mxh_engine_new(&o, &e), MXH_OK);
    static const char fmt[] =
        "return { id='%s', severity='info', title='t', description='d', references={'x'},"
        " check=function(zone, report) for i = 1, %d do end;"
        " local s = string.rep('m', %d); report{message=tostring(#s)} end }";
    char text[512], name[32];
    const struct { const char *id; int loops, bytes; } r[] = {
        {"spend-a", 600000, 3 << 19}, {"spend-b", 600000, 3 << 19}, {"spend-c", 600000, 3 << 19},
        {"too-long", 1000000, 10}, {"too-big", 10, 5 << 20},
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        snprintf(name, sizeof name, "%s.lua", r[i].id);
        int n = snprintf(text, sizeof text, fmt, r[i].id, r[i].loops, r[i].bytes);
        ck_assert_int_eq(mxh_engine_load_rule_buffer(e, name, text, (size_t)n), MXH_OK);
    }
    mxh_zoneset *zs = zones(2);
    seen s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(mxh_engine_scan(e, zs, collect, &s), MXH_OK);
    /* per zone: three spenders report, two rule errors */
    ck_assert_uint_eq(s.n, 10);
    ck_assert_msg(s.errors == 4, "%zu errors, last: %s", s.errors, s.err_msg);
    mxh_zoneset_free(zs);
    mxh_engine_free(e);
}
END_TEST

Suite *sandbox_suite(void);
Suite *sandbox_suite(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("limits");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_loop);
    tcase_add_test(tc, test_pcall_loop);
    tcase_add_test(tc, test_alloc_bomb);
    tcase_add_test(tc, test_io_open);
    tcase_add_test(tc, test_os_exit);
    tcase_add_test(tc, test_require_escape);
    tcase_add_test(tc, test_binary_chunk);
    tcase_add_test(tc, test_string_dump);
    tcase_add_test(tc, test_wrong_handle);
    tcase_add_test(tc, test_stale_handle);
    tcase_add_test(tc, test_error_in_check);
    tcase_add_test(tc, test_pattern_bomb);
    tcase_add_test(tc, test_table_shift);
    tcase_add_test(tc, test_stack_overflow);
    tcase_add_test(tc, test_error_object);
    tcase_add_test(tc, test_bad_metadata);
    tcase_add_test(tc, test_unknown_field);
    tcase_add_test(tc, test_binary_rule_file);
    tcase_add_test(tc, test_leak_rebuild);
    tcase_add_test(tc, test_separate_environments);
    tcase_add_test(tc, test_budget_is_per_rule);
    suite_add_tcase(s, tc);
    return s;
}

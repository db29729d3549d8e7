/* SPDX-License-Identifier: MIT */
/*
 * lua_module.c — `require "mxhazard"` for a stock Lua 5.4 interpreter.
 *
 * Built as its own shared object (build/lua/mxhazard.so, installed into
 * $(PREFIX)/lib/lua/5.4/) that links libmxhazard and uses only the public
 * header, exactly as any other program embedding the library would. It is
 * not part of libmxhazard itself.
 *
 *   local m  = require "mxhazard"
 *   local zs = m.zoneset()
 *   assert(zs:load("example.com.zone"))
 *   for _, f in ipairs(m.scan(zs)) do print(f.severity, f.rule, f.owner, f.message) end
 *
 * Everything handed back to Lua is a plain table (copied), so no Lua value
 * ever points into library memory. A zone set and an engine are userdata
 * owning their C object; they are freed by the garbage collector, by
 * `<close>` or by :close(). Data problems (a file that cannot be read, an
 * unknown rule id) return `nil, message`; misuse (a wrong argument type, a
 * closed handle) raises an error. See docs/api.md, "The Lua module".
 */
#include <mxhazard.h>

#include "lua_changes.h"

#include <lauxlib.h>
#include <lua.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZS_MT  "mxhazard.zoneset"
#define ENG_MT "mxhazard.engine"

typedef struct lzs { mxh_zoneset *zs; } lzs;
typedef struct leng { mxh_engine *e; } leng;

/* ---- small helpers --------------------------------------------------- */

static void set_str(lua_State *L, const char *k, const char *v)
{
    if (v == NULL)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, k);
}

static int push_fail(lua_State *L, const char *msg, mxh_status st)
{
    luaL_pushfail(L);
    lua_pushstring(L, msg && *msg ? msg : mxh_strerror(st));
    lua_pushstring(L, mxh_strerror(st));
    return 3;
}

/* Optional string field of the options table at idx (0: none). */
static const char *opt_field_str(lua_State *L, int idx, const char *k)
{
    if (idx == 0)
        return NULL;
    int t = lua_getfield(L, idx, k);
    const char *s = NULL;
    if (t == LUA_TSTRING)
        s = lua_tostring(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "option '%s' must be a string (got %s)", k, lua_typename(L, t));
    lua_pop(L, 1); /* the string stays alive: it is also held by the options table */
    return s;
}

static lua_Integer opt_field_int(lua_State *L, int idx, const char *k, lua_Integer dflt)
{
    if (idx == 0)
        return dflt;
    int t = lua_getfield(L, idx, k);
    lua_Integer v = dflt;
    if (t != LUA_TNIL) {
        int isnum = 0;
        v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 0)
            luaL_error(L, "option '%s' must be a non-negative integer", k);
    }
    lua_pop(L, 1);
    return v;
}

static int opt_field_bool(lua_State *L, int idx, const char *k)
{
    if (idx == 0)
        return 0;
    lua_getfield(L, idx, k);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Index of an optional options table argument, or 0. */
static int opt_table(lua_State *L, int arg)
{
    if (lua_isnoneornil(L, arg))
        return 0;
    luaL_checktype(L, arg, LUA_TTABLE);
    return lua_absindex(L, arg);
}

/* ---- zone sets ------------------------------------------------------- */

static mxh_zoneset *check_zs(lua_State *L, int idx)
{
    lzs *u = luaL_checkudata(L, idx, ZS_MT);
    if (u->zs == NULL)
        luaL_error(L, "zone set is closed");
    return u->zs;
}

static int l_zoneset(lua_State *L)
{
    lzs *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->zs = NULL;
    luaL_setmetatable(L, ZS_MT);
    mxh_status st = mxh_zoneset_new(&u->zs);
    if (st != MXH_OK)
        return luaL_error(L, "mxhazard.zoneset: %s", mxh_strerror(st));
    return 1;
}

static int zs_close(lua_State *L)
{
    lzs *u = luaL_checkudata(L, 1, ZS_MT);
    mxh_zoneset_free(u->zs);
    u->zs = NULL;
    return 0;
}

static void read_load_opts(lua_State *L, int o, mxh_load_opts *lo)
{
    memset(lo, 0, sizeof *lo);
    lo->origin = opt_field_str(L, o, "origin");
    lo->include_root = opt_field_str(L, o, "include_root");
    lo->include_depth = (unsigned)opt_field_int(L, o, "include_depth", 0);
    lo->default_ttl = (uint32_t)opt_field_int(L, o, "default_ttl", 0);
    const char *fmt = opt_field_str(L, o, "format");
    if (fmt && mxh_format_parse(fmt, &lo->format) != MXH_OK)
        luaL_error(L, "option 'format' must be auto, bind, valuedomain or table (got '%s')", fmt);
}

/*
 * Result of a zone load: the zone's origin; with rejected lines also the
 * error text (the zone is loaded, marked incomplete); on failure nil, the
 * error text and the status name.
 */
static int load_result(lua_State *L, mxh_zoneset *zs, mxh_status st, const mxh_zone *z)
{
    if (st == MXH_OK && z) {
        lua_pushstring(L, mxh_zone_origin(z));
        return 1;
    }
    if (st == MXH_ERR_PARSE && z) {
        lua_pushstring(L, mxh_zone_origin(z));
        lua_pushstring(L, mxh_zoneset_errmsg(zs));
        return 2;
    }
    return push_fail(L, mxh_zoneset_errmsg(zs), st == MXH_OK ? MXH_ERR_NOTFOUND : st);
}

static int zs_load(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    const char *path = luaL_checkstring(L, 2);
    mxh_load_opts lo;
    read_load_opts(L, opt_table(L, 3), &lo);
    mxh_zone *z = NULL;
    mxh_status st = mxh_zoneset_load_file(zs, path, &lo, &z);
    return load_result(L, zs, st, z);
}

static int zs_load_string(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    const char *name = luaL_checkstring(L, 2);
    size_t len;
    const char *text = luaL_checklstring(L, 3, &len);
    mxh_load_opts lo;
    read_load_opts(L, opt_table(L, 4), &lo);
    mxh_zone *z = NULL;
    mxh_status st = mxh_zoneset_load_buffer(zs, name, text, len, &lo, &z);
    return load_result(L, zs, st, z);
}

static int inventory_result(lua_State *L, mxh_zoneset *zs, mxh_status st)
{
    if (st == MXH_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    return push_fail(L, mxh_zoneset_errmsg(zs), st);
}

static int zs_load_inventory(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    return inventory_result(L, zs, mxh_zoneset_load_inventory(zs, luaL_checkstring(L, 2)));
}

static int zs_load_inventory_string(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    const char *name = luaL_checkstring(L, 2);
    size_t len;
    const char *text = luaL_checklstring(L, 3, &len);
    return inventory_result(L, zs, mxh_zoneset_load_inventory_buffer(zs, name, text, len));
}

static int zs_zones(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    size_t n = mxh_zoneset_zone_count(zs);
    lua_createtable(L, (int)(n < 1000000 ? n : 0), 0);
    for (size_t i = 0; i < n; i++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, i);
        lua_createtable(L, 0, 6);
        set_str(L, "origin", mxh_zone_origin(z));
        set_str(L, "file", mxh_zone_file(z));
        set_str(L, "format", mxh_format_name(mxh_zone_format(z)));
        set_int(L, "records", (lua_Integer)mxh_zone_record_count(z));
        set_int(L, "rejected", (lua_Integer)mxh_zone_rejected_count(z));
        set_bool(L, "incomplete", mxh_zone_incomplete(z));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int zs_diagnostics(lua_State *L)
{
    static const char *const level[] = { "error", "warning", "notice" };
    mxh_zoneset *zs = check_zs(L, 1);
    size_t n = mxh_zoneset_diag_count(zs);
    lua_createtable(L, (int)(n < 1000000 ? n : 0), 0);
    for (size_t i = 0; i < n; i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        mxh_diag_level lv = mxh_diag_level_of(d);
        lua_createtable(L, 0, 5);
        set_str(L, "level", (unsigned)lv < 3 ? level[lv] : "error");
        set_str(L, "file", mxh_diag_file(d));
        set_int(L, "line", (lua_Integer)mxh_diag_line(d));
        set_str(L, "message", mxh_diag_message(d));
        const mxh_zone *z = mxh_diag_zone(d);
        if (z)
            set_str(L, "zone", mxh_zone_origin(z));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* A record as a table: owner, ttl, class, type, rdata, target, preference, file, line, text. */
static void push_record(lua_State *L, const mxh_rr *rr)
{
    char tbuf[16], line[1024];
    lua_createtable(L, 0, 10);
    set_str(L, "owner", mxh_rr_owner(rr));
    set_int(L, "ttl", (lua_Integer)mxh_rr_ttl(rr));
    set_int(L, "class", (lua_Integer)mxh_rr_class(rr));
    set_str(L, "type", mxh_type_name(mxh_rr_type(rr), tbuf));
    set_str(L, "rdata", mxh_rr_rdata(rr));
    set_str(L, "target", mxh_rr_target(rr));
    if (mxh_rr_type(rr) == MXH_TYPE_MX || mxh_rr_type(rr) == MXH_TYPE_SRV)
        set_int(L, "preference", (lua_Integer)mxh_rr_preference(rr));
    set_str(L, "file", mxh_rr_file(rr));
    set_int(L, "line", (lua_Integer)mxh_rr_line(rr));
    size_t full = mxh_rr_format(rr, line, sizeof line);
    if (full < sizeof line) {
        set_str(L, "text", line);
    } else {
        char *big = malloc(full + 1);
        if (big) {
            mxh_rr_format(rr, big, full + 1);
            set_str(L, "text", big);
            free(big);
        }
    }
}

/* The zone whose origin is exactly `origin` (any case, final dot optional), or NULL. */
static const mxh_zone *zone_by_origin(mxh_zoneset *zs, const char *origin)
{
    const mxh_zone *z = mxh_zoneset_find_zone(zs, origin);
    if (z == NULL)
        return NULL;
    /* find_zone answers the closest enclosing zone: insist on the apex itself */
    const char *o = mxh_zone_origin(z);
    size_t n = strlen(origin), m = strlen(o);
    if (n > 0 && origin[n - 1] == '.')
        n--;
    if (m > 0 && o[m - 1] == '.')
        m--;
    if (n != m)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char a = origin[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != o[i])
            return NULL;
    }
    return z;
}

/* zs:records(origin [, type]) → array of record tables, in file order. */
static int zs_records(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    const char *origin = luaL_checkstring(L, 2);
    const char *tname = luaL_optstring(L, 3, NULL);
    uint16_t type = 0;
    if (tname && (type = mxh_type_from_name(tname)) == 0)
        return luaL_argerror(L, 3, "unknown record type");
    const mxh_zone *z = zone_by_origin(zs, origin);
    if (z == NULL) {
        luaL_pushfail(L);
        lua_pushfstring(L, "no loaded zone has the origin %s", origin);
        return 2;
    }
    lua_newtable(L);
    lua_Integer k = 0;
    size_t n = mxh_zone_record_count(z);
    for (size_t i = 0; i < n; i++) {
        const mxh_rr *rr = mxh_zone_record(z, i);
        if (type && mxh_rr_type(rr) != type)
            continue;
        push_record(L, rr);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

static void push_step(lua_State *L, const mxh_step *s)
{
    lua_createtable(L, 0, 6);
    set_str(L, "kind", mxh_step_kind_name(mxh_step_kind_of(s)));
    set_str(L, "name", mxh_step_name(s));
    set_str(L, "target", mxh_step_target(s));
    const mxh_rr *rr = mxh_step_record(s);
    if (rr) {
        push_record(L, rr);
        lua_setfield(L, -2, "record");
    }
    int x = mxh_step_exchange(s);
    if (x >= 0)
        set_int(L, "exchange", (lua_Integer)x + 1);
}

/* zs:route(domain) → {domain, kind, steps = {...}, exchanges = {...}} */
static int zs_route(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    const char *domain = luaL_checkstring(L, 2);
    mxh_route *r = NULL;
    mxh_status st = mxh_mail_route(zs, domain, &r);
    if (st != MXH_OK) {
        luaL_pushfail(L);
        lua_pushfstring(L, "mail route of '%s': %s", domain, mxh_strerror(st));
        lua_pushstring(L, mxh_strerror(st));
        return 3;
    }
    lua_createtable(L, 0, 4);
    set_str(L, "domain", mxh_route_domain(r));
    set_str(L, "kind", mxh_route_kind_name(mxh_route_kind_of(r)));
    size_t ns = mxh_route_step_count(r);
    lua_createtable(L, (int)ns, 0);
    for (size_t i = 0; i < ns; i++) {
        push_step(L, mxh_route_step(r, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "steps");
    size_t nx = mxh_route_exchange_count(r);
    lua_createtable(L, (int)nx, 0);
    for (size_t i = 0; i < nx; i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        lua_createtable(L, 0, 8);
        set_str(L, "name", mxh_exchange_name(x));
        set_int(L, "preference", (lua_Integer)mxh_exchange_preference(x));
        set_str(L, "status", mxh_exchange_status_name(mxh_exchange_status_of(x)));
        set_bool(L, "via_cname", mxh_exchange_via_cname(x));
        set_bool(L, "via_wildcard", mxh_exchange_via_wildcard(x));
        const mxh_rr *mx = mxh_exchange_record(x);
        if (mx) {
            push_record(L, mx);
            lua_setfield(L, -2, "record");
        }
        size_t na = mxh_exchange_address_count(x);
        lua_createtable(L, (int)na, 0);
        for (size_t j = 0; j < na; j++) {
            lua_pushstring(L, mxh_exchange_address(x, j));
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_setfield(L, -2, "addresses");
        size_t nxs = mxh_exchange_step_count(x);
        lua_createtable(L, (int)nxs, 0);
        for (size_t j = 0; j < nxs; j++) {
            push_step(L, mxh_exchange_step(x, j));
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_setfield(L, -2, "steps");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "exchanges");
    mxh_route_free(r);
    return 1;
}

/* zs:lookup(name, type) → {status, final_name, wildcard, answers = {...}, steps = {...}} */
static int zs_lookup(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    const char *name = luaL_checkstring(L, 2);
    const char *tname = luaL_checkstring(L, 3);
    uint16_t type = mxh_type_from_name(tname);
    if (type == 0)
        return luaL_argerror(L, 3, "unknown record type");
    mxh_lookup *lk = NULL;
    mxh_status st = mxh_lookup_name(zs, name, type, &lk);
    if (st != MXH_OK) {
        luaL_pushfail(L);
        lua_pushfstring(L, "lookup of '%s': %s", name, mxh_strerror(st));
        lua_pushstring(L, mxh_strerror(st));
        return 3;
    }
    lua_createtable(L, 0, 5);
    set_str(L, "status", mxh_lookup_status_name(mxh_lookup_status_of(lk)));
    set_str(L, "final_name", mxh_lookup_final_name(lk));
    set_bool(L, "wildcard", mxh_lookup_wildcard(lk));
    size_t na = mxh_lookup_answer_count(lk);
    lua_createtable(L, (int)na, 0);
    for (size_t i = 0; i < na; i++) {
        push_record(L, mxh_lookup_answer(lk, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "answers");
    size_t ns = mxh_lookup_step_count(lk);
    lua_createtable(L, (int)ns, 0);
    for (size_t i = 0; i < ns; i++) {
        push_step(L, mxh_lookup_step(lk, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "steps");
    mxh_lookup_free(lk);
    return 1;
}

static int zs_tostring(lua_State *L)
{
    lzs *u = luaL_checkudata(L, 1, ZS_MT);
    if (u->zs == NULL)
        lua_pushliteral(L, "mxhazard.zoneset (closed)");
    else
        lua_pushfstring(L, "mxhazard.zoneset (%I zones, %I records)",
                        (lua_Integer)mxh_zoneset_zone_count(u->zs),
                        (lua_Integer)mxh_zoneset_record_count(u->zs));
    return 1;
}

/* ---- engines --------------------------------------------------------- */

static mxh_engine *check_eng(lua_State *L, int idx)
{
    leng *u = luaL_checkudata(L, idx, ENG_MT);
    if (u->e == NULL)
        luaL_error(L, "engine is closed");
    return u->e;
}

static int eng_close(lua_State *L)
{
    leng *u = luaL_checkudata(L, 1, ENG_MT);
    mxh_engine_free(u->e);
    u->e = NULL;
    return 0;
}

/* Load the rules named by the option 'rules' (a path or an array of paths). */
static int engine_rules_opt(lua_State *L, int o, mxh_engine *e)
{
    int t = lua_getfield(L, o, "rules");
    int ok = 1;
    if (t == LUA_TSTRING) {
        ok = mxh_engine_load_rules(e, lua_tostring(L, -1)) == MXH_OK;
    } else if (t == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; ok && i <= n; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
                luaL_error(L, "option 'rules' must be a path or an array of paths");
            ok = mxh_engine_load_rules(e, lua_tostring(L, -1)) == MXH_OK;
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        luaL_error(L, "option 'rules' must be a path or an array of paths");
    }
    lua_pop(L, 1);
    return ok;
}

/* Apply the option 'severity' = {rule_id = "error"|"warning"|"info", ...}. */
static int engine_severity_opt(lua_State *L, int o, mxh_engine *e, char *err, size_t errsz)
{
    int t = lua_getfield(L, o, "severity");
    int ok = 1;
    if (t == LUA_TTABLE) {
        lua_pushnil(L);
        while (ok && lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "option 'severity' maps rule ids to \"error\", \"warning\" or \"info\"");
            const char *id = lua_tostring(L, -2), *lv = lua_tostring(L, -1);
            mxh_severity sev;
            if (mxh_severity_parse(lv, &sev) != MXH_OK) {
                snprintf(err, errsz, "severity of %s: '%s' is not error, warning or info", id, lv);
                ok = 0;
            } else if (mxh_engine_set_severity(e, id, sev) != MXH_OK) {
                snprintf(err, errsz, "%s", mxh_engine_errmsg(e));
                ok = 0;
            }
            lua_pop(L, 1);
        }
        if (!ok)
            lua_pop(L, 1); /* the key lua_next left */
    } else if (t != LUA_TNIL) {
        luaL_error(L, "option 'severity' must be a table");
    }
    lua_pop(L, 1);
    return ok;
}

/* Optional list option: a comma-separated string or an array of ids. Pushes a string or nil. */
static void push_csv_opt(lua_State *L, int o, const char *k)
{
    int t = lua_getfield(L, o, k);
    if (t == LUA_TTABLE) {
        int tab = lua_absindex(L, -1);
        lua_Integer n = luaL_len(L, tab);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, tab, i) != LUA_TSTRING)
                luaL_error(L, "option '%s' must be a string or an array of rule ids", k);
            if (i > 1)
                luaL_addchar(&b, ',');
            luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
        lua_remove(L, tab);
    } else if (t != LUA_TSTRING && t != LUA_TNIL) {
        luaL_error(L, "option '%s' must be a string or an array of rule ids", k);
    }
}

/*
 * Make an engine from an options table (index o, 0: none). Leaves the
 * engine userdata on the stack and returns 1, or pushes nil, message and
 * returns 0.
 */
static int make_engine(lua_State *L, int o)
{
    mxh_engine_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.no_builtin = opt_field_bool(L, o, "no_builtin");
    eo.lua_memory = (size_t)opt_field_int(L, o, "memory", 0);
    eo.lua_instructions = (uint64_t)opt_field_int(L, o, "instructions", 0);
    leng *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->e = NULL;
    luaL_setmetatable(L, ENG_MT);
    mxh_status st = mxh_engine_new(&eo, &u->e);
    if (st != MXH_OK) {
        lua_pop(L, 1);
        luaL_pushfail(L);
        lua_pushfstring(L, "engine: %s", mxh_strerror(st));
        return 0;
    }
    if (o == 0)
        return 1;
    char err[512];
    if (!engine_rules_opt(L, o, u->e)) {
        lua_pushstring(L, mxh_engine_errmsg(u->e));
        goto fail;
    }
    push_csv_opt(L, o, "only");
    push_csv_opt(L, o, "skip");
    st = mxh_engine_select(u->e, lua_tostring(L, -2), lua_tostring(L, -1));
    lua_pop(L, 2);
    if (st != MXH_OK) {
        lua_pushstring(L, mxh_engine_errmsg(u->e));
        goto fail;
    }
    if (!engine_severity_opt(L, o, u->e, err, sizeof err)) {
        lua_pushstring(L, err);
        goto fail;
    }
    return 1;
fail:
    /* stack: engine, message */
    lua_insert(L, -2);
    lua_pop(L, 1); /* the engine: the collector frees it */
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 0;
}

static int l_engine(lua_State *L)
{
    int o = opt_table(L, 1);
    return make_engine(L, o) ? 1 : 2;
}

/* Listed finding i of l as a table (same fields as mxhazard's JSON output, plus kind). */
static void push_finding(lua_State *L, const mxh_findinglist *l, size_t i)
{
    lua_createtable(L, 0, 11);
    set_str(L, "kind", mxh_findinglist_kind(l, i) == MXH_FINDING_RULE_ERROR ? "rule-error" : "finding");
    set_str(L, "rule", mxh_findinglist_rule(l, i));
    set_str(L, "severity", mxh_severity_name(mxh_findinglist_severity(l, i)));
    set_str(L, "zone", mxh_findinglist_zone(l, i));
    set_str(L, "owner", mxh_findinglist_owner(l, i));
    set_str(L, "message", mxh_findinglist_message(l, i));
    set_str(L, "file", mxh_findinglist_file(l, i));
    set_int(L, "line", (lua_Integer)mxh_findinglist_line(l, i));
    set_str(L, "fix", mxh_findinglist_fix(l, i));
    size_t ne = mxh_findinglist_evidence_count(l, i);
    lua_createtable(L, (int)(ne < 100000 ? ne : 0), 0);
    for (size_t j = 0; j < ne; j++) {
        lua_createtable(L, 0, 3);
        set_str(L, "file", mxh_findinglist_evidence_file(l, i, j));
        set_int(L, "line", (lua_Integer)mxh_findinglist_evidence_line(l, i, j));
        set_str(L, "text", mxh_findinglist_evidence_text(l, i, j));
        lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_setfield(L, -2, "evidence");
}

/* Frees the finding list held by a to-be-closed userdata slot. */
typedef struct lflist { mxh_findinglist *l; } lflist;
static int flist_gc(lua_State *L)
{
    lflist *u = lua_touserdata(L, 1);
    if (u) {
        mxh_findinglist_free(u->l);
        u->l = NULL;
    }
    return 0;
}

/*
 * Scan with the engine at stack index ei over the zone set at zi; options
 * at o (zone = origin: that zone only). Findings are first copied into a
 * finding list (no Lua call runs inside the library's callback, so a Lua
 * error can never unwind through it), then turned into tables. Pushes the
 * array of findings, or nil, message, status.
 */
static int do_scan(lua_State *L, int ei, int zi, int o)
{
    mxh_engine *e = check_eng(L, ei);
    mxh_zoneset *zs = check_zs(L, zi);
    const char *zone = opt_field_str(L, o, "zone");
    const mxh_zone *z = NULL;
    if (zone && (z = zone_by_origin(zs, zone)) == NULL) {
        luaL_pushfail(L);
        lua_pushfstring(L, "no loaded zone has the origin %s", zone);
        return 2;
    }
    /* the list is owned by a userdata, so a Lua error below still frees it */
    lflist *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->l = NULL;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, flist_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    int ui = lua_gettop(L);
    if (mxh_findinglist_new(&u->l) != MXH_OK)
        return luaL_error(L, "scan: out of memory");
    mxh_status st = mxh_engine_scan_collect(e, zs, z, u->l);
    if (st != MXH_OK) {
        const char *msg = st == MXH_ERR_NOMEM ? NULL : mxh_engine_errmsg(e);
        return push_fail(L, msg, st);
    }
    size_t n = mxh_findinglist_count(u->l);
    lua_createtable(L, (int)(n < 1000000 ? n : 0), 0);
    for (size_t i = 0; i < n; i++) {
        push_finding(L, u->l, i);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    mxh_findinglist_free(u->l);
    u->l = NULL;
    lua_remove(L, ui);
    return 1;
}

/* e:scan(zs [, {zone = origin}]) */
static int eng_scan(lua_State *L)
{
    return do_scan(L, 1, 2, opt_table(L, 3));
}

static void push_rule(lua_State *L, const mxh_rule *r)
{
    lua_createtable(L, 0, 10);
    set_str(L, "id", mxh_rule_id(r));
    set_str(L, "title", mxh_rule_title(r));
    set_str(L, "description", mxh_rule_description(r));
    set_str(L, "severity", mxh_severity_name(mxh_rule_severity(r)));
    set_str(L, "example", mxh_rule_example(r));
    set_str(L, "fix", mxh_rule_fix(r));
    set_str(L, "file", mxh_rule_file(r));
    set_bool(L, "builtin", mxh_rule_builtin(r));
    set_bool(L, "enabled", mxh_rule_enabled(r));
    size_t nr = mxh_rule_reference_count(r);
    lua_createtable(L, (int)nr, 0);
    for (size_t i = 0; i < nr; i++) {
        lua_pushstring(L, mxh_rule_reference(r, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "references");
}

static int push_catalogue(lua_State *L, mxh_engine *e)
{
    size_t n = mxh_engine_rule_count(e);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        push_rule(L, mxh_engine_rule(e, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int eng_rules(lua_State *L)
{
    return push_catalogue(L, check_eng(L, 1));
}

static int eng_notices(lua_State *L)
{
    mxh_engine *e = check_eng(L, 1);
    size_t n = mxh_engine_notice_count(e);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, mxh_engine_notice(e, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int eng_tostring(lua_State *L)
{
    leng *u = luaL_checkudata(L, 1, ENG_MT);
    if (u->e == NULL)
        lua_pushliteral(L, "mxhazard.engine (closed)");
    else
        lua_pushfstring(L, "mxhazard.engine (%I rules)", (lua_Integer)mxh_engine_rule_count(u->e));
    return 1;
}

/* m.scan(zs [, opts]): a one-off engine from opts, then its scan. */
static int l_scan(lua_State *L)
{
    check_zs(L, 1);
    int o = opt_table(L, 2);
    if (!make_engine(L, o))
        return 2;
    int ei = lua_gettop(L);
    int nret = do_scan(L, ei, 1, o);
    /* free the engine now rather than at the next collection */
    lua_pushcfunction(L, eng_close);
    lua_pushvalue(L, ei);
    lua_call(L, 1, 0);
    return nret;
}

/* m.rules([opts]): the catalogue of an engine made from opts. */
static int l_rules(lua_State *L)
{
    int o = opt_table(L, 1);
    if (!make_engine(L, o))
        return 2;
    int ei = lua_gettop(L);
    push_catalogue(L, check_eng(L, ei));
    lua_pushcfunction(L, eng_close);
    lua_pushvalue(L, ei);
    lua_call(L, 1, 0);
    return 1;
}

/* ---- what-if ----------------------------------------------------------- */

/* Frees what zs:plan made, also when a Lua error unwinds. */
typedef struct lplan {
    mxh_changeset *cs;
    mxh_zoneset *after;
    mxh_whatif *w;
    mxh_engine *e;   /* made here (NULL when the caller's engine is used) */
} lplan;

static int plan_gc(lua_State *L)
{
    lplan *u = lua_touserdata(L, 1);
    if (u) {
        mxh_whatif_free(u->w);      /* borrows after: free it first */
        mxh_zoneset_free(u->after);
        mxh_changeset_free(u->cs);
        mxh_engine_free(u->e);
        memset(u, 0, sizeof *u);
    }
    return 0;
}

static void push_targets(lua_State *L, const mxh_whatif_domain *d, int after)
{
    size_t n = mxh_whatif_domain_target_count(d, after);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, mxh_whatif_domain_target(d, after, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/*
 * zs:plan(changes [, opts]): what the changes would do to mail, before they
 * are made. changes: change lines in one string, or an array of them.
 * opts: { origin = for relative names, engine = an engine to scan with,
 * scan = false to skip the rules, no_cdn = true }.
 */
static int zs_plan(lua_State *L)
{
    mxh_zoneset *zs = check_zs(L, 1);
    int ct = lua_type(L, 2);
    if (ct != LUA_TSTRING && ct != LUA_TTABLE)
        return luaL_typeerror(L, 2, "string or array of change lines");
    int o = opt_table(L, 3);
    const char *origin = opt_field_str(L, o, "origin");
    int no_cdn = opt_field_bool(L, o, "no_cdn");
    int do_scan_rules = 1;
    mxh_engine *user_e = NULL;
    if (o) {
        if (lua_getfield(L, o, "scan") != LUA_TNIL)
            do_scan_rules = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (lua_getfield(L, o, "engine") != LUA_TNIL)
            user_e = check_eng(L, -1); /* kept alive by the options table */
        lua_pop(L, 1);
    }

    lplan *u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, plan_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    int ui = lua_gettop(L);

    if (mxh_changeset_new(&u->cs) != MXH_OK)
        return luaL_error(L, "plan: out of memory");
    if (origin && mxh_changeset_set_origin(u->cs, origin) != MXH_OK) {
        luaL_pushfail(L);
        lua_pushfstring(L, "plan: bad origin '%s'", origin);
        return 2;
    }
    mxh_status st = mxh_lua_load_changes(L, u->cs, 2, ct == LUA_TTABLE ? luaL_len(L, 2) : 0, "plan");
    if (st != MXH_OK) {
        luaL_pushfail(L);
        mxh_lua_push_change_errors(L, u->cs, NULL);
        return 2;
    }
    st = mxh_changeset_apply(u->cs, zs, &u->after);
    if (st != MXH_OK) {
        luaL_pushfail(L);
        mxh_lua_push_change_errors(L, u->cs, u->after);
        return 2;
    }
    mxh_whatif_opts wo;
    memset(&wo, 0, sizeof wo);
    wo.no_cdn = no_cdn;
    st = mxh_whatif_compare(zs, u->after, &wo, &u->w);
    if (st == MXH_OK)
        st = mxh_whatif_plan_fixes(u->w, u->cs);
    if (st == MXH_OK && do_scan_rules) {
        mxh_engine *e = user_e;
        if (e == NULL && (st = mxh_engine_new(NULL, &u->e)) == MXH_OK)
            e = u->e;
        if (st == MXH_OK)
            st = mxh_whatif_scan(u->w, e);
        if (st != MXH_OK)
            return push_fail(L, mxh_engine_errmsg(e ? e : u->e), st);
    }
    if (st != MXH_OK)
        return push_fail(L, NULL, st);

    static const mxh_mail_change kinds[] = { MXH_MAIL_UNCHANGED, MXH_MAIL_MOVED,
        MXH_MAIL_MOVED_NON_MX, MXH_MAIL_BROKEN, MXH_MAIL_RESTORED };
    lua_createtable(L, 0, 3);
    lua_createtable(L, 0, 5);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        lua_pushinteger(L, (lua_Integer)mxh_whatif_count(u->w, kinds[k]));
        lua_setfield(L, -2, mxh_mail_change_name(kinds[k]));
    }
    lua_setfield(L, -2, "counts");

    lua_newtable(L);
    lua_Integer nd = 0;
    for (size_t i = 0; i < mxh_whatif_domain_count(u->w); i++) {
        const mxh_whatif_domain *d = mxh_whatif_domain_at(u->w, i);
        mxh_mail_change c = mxh_whatif_domain_change(d);
        if (c == MXH_MAIL_UNCHANGED && !mxh_whatif_domain_route_changed(d))
            continue;
        lua_createtable(L, 0, 10);
        set_str(L, "domain", mxh_whatif_domain_name(d));
        set_str(L, "change", mxh_mail_change_name(c));
        set_str(L, "reason", mxh_whatif_domain_reason(d));
        set_bool(L, "route_changed", mxh_whatif_domain_route_changed(d));
        set_bool(L, "deliverable_before", mxh_whatif_domain_deliverable(d, 0));
        set_bool(L, "deliverable_after", mxh_whatif_domain_deliverable(d, 1));
        push_targets(L, d, 0);
        lua_setfield(L, -2, "before");
        push_targets(L, d, 1);
        lua_setfield(L, -2, "after");
        lua_newtable(L); /* after_cdn[target] = provider */
        for (size_t j = 0; j < mxh_whatif_domain_target_count(d, 1); j++) {
            const char *cdn = mxh_whatif_domain_target_cdn(d, 1, j);
            if (cdn) {
                lua_pushstring(L, cdn);
                lua_setfield(L, -2, mxh_whatif_domain_target(d, 1, j));
            }
        }
        lua_setfield(L, -2, "after_cdn");
        size_t nf = mxh_whatif_domain_fix_count(d);
        lua_createtable(L, (int)nf, 0);
        for (size_t j = 0; j < nf; j++) {
            lua_pushstring(L, mxh_whatif_domain_fix(d, j));
            lua_rawseti(L, -2, (lua_Integer)j + 1);
        }
        lua_setfield(L, -2, "fix");
        set_bool(L, "fix_verified", mxh_whatif_domain_fix_verified(d));
        set_str(L, "fix_note", mxh_whatif_domain_fix_note(d));
        lua_rawseti(L, -2, ++nd);
    }
    lua_setfield(L, -2, "domains");

    size_t nfi = mxh_whatif_finding_count(u->w);
    lua_createtable(L, (int)(nfi < 1000000 ? nfi : 0), 0);
    for (size_t i = 0; i < nfi; i++) {
        const mxh_whatif_finding *f = mxh_whatif_finding_at(u->w, i);
        lua_createtable(L, 0, 8);
        set_bool(L, "introduced", mxh_whatif_finding_introduced(f));
        set_str(L, "rule", mxh_whatif_finding_rule(f));
        set_str(L, "severity", mxh_severity_name(mxh_whatif_finding_severity(f)));
        set_str(L, "zone", mxh_whatif_finding_zone(f));
        set_str(L, "owner", mxh_whatif_finding_owner(f));
        set_str(L, "message", mxh_whatif_finding_message(f));
        set_str(L, "file", mxh_whatif_finding_file(f));
        set_int(L, "line", (lua_Integer)mxh_whatif_finding_line(f));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "findings");

    /* free the C objects now rather than at the next collection */
    lua_pushcfunction(L, plan_gc);
    lua_pushvalue(L, ui);
    lua_call(L, 1, 0);
    return 1;
}

/* ---- registration ---------------------------------------------------- */

static const luaL_Reg zs_methods[] = {
    { "load", zs_load },
    { "load_string", zs_load_string },
    { "load_inventory", zs_load_inventory },
    { "load_inventory_string", zs_load_inventory_string },
    { "zones", zs_zones },
    { "diagnostics", zs_diagnostics },
    { "records", zs_records },
    { "route", zs_route },
    { "lookup", zs_lookup },
    { "plan", zs_plan },
    { "close", zs_close },
    { NULL, NULL }
};

static const luaL_Reg eng_methods[] = {
    { "scan", eng_scan },
    { "rules", eng_rules },
    { "notices", eng_notices },
    { "close", eng_close },
    { NULL, NULL }
};

static const luaL_Reg module_funcs[] = {
    { "zoneset", l_zoneset },
    { "engine", l_engine },
    { "scan", l_scan },
    { "rules", l_rules },
    { NULL, NULL }
};

static void make_class(lua_State *L, const char *name, const luaL_Reg *methods,
                       lua_CFunction close, lua_CFunction tostr)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tostr);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

__attribute__((visibility("default"))) int luaopen_mxhazard(lua_State *L);

int luaopen_mxhazard(lua_State *L)
{
    luaL_checkversion(L);
    make_class(L, ZS_MT, zs_methods, zs_close, zs_tostring);
    make_class(L, ENG_MT, eng_methods, eng_close, eng_tostring);
    luaL_newlib(L, module_funcs);
    lua_pushstring(L, mxh_version());
    lua_setfield(L, -2, "version");
    return 1;
}

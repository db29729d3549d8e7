/* SPDX-License-Identifier: MIT */
/*
 * lua_cdn.c — mxh.cdn_provider(address) for rules: the CDN/WAF provider
 * whose published range holds the address (core/cdn.c), or nil.
 *
 * The table is per engine, never global: the ranges an embedder gave with
 * mxh_engine_set_cdn_ranges() (kept in the engine, so a rebuilt state still
 * uses them), else the
 * built-in table, parsed on first use and kept in the registry as a full
 * userdata that frees it when the state closes.
 */
#include "lua_engine.h"
#include "whatif.h"

#include <string.h>

#define CDN_BUILTIN_KEY "mxh.cdn.builtin"
#define CDN_BUILTIN_MT  "mxh.cdn.table"

typedef struct cdn_box {
    mxh_cdn_ranges *r;
} cdn_box;

/* __gc of the built-in table's box. [-0, +0, -] */
static int cdn_box_gc(lua_State *L)
{
    cdn_box *b = luaL_checkudata(L, 1, CDN_BUILTIN_MT);
    mxh_cdn_ranges_free(b->r);
    b->r = NULL;
    return 0;
}

/* The table to use; raises on out of memory. [-0, +0, m] */
static const mxh_cdn_ranges *cdn_table(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_cdn_ranges *r = e->cdn_user;
    if (r)
        return r;
    if (e->cdn_builtin)
        return e->cdn_builtin; /* found in this state's registry before */
    if (lua_getfield(L, LUA_REGISTRYINDEX, CDN_BUILTIN_KEY) == LUA_TUSERDATA) {
        cdn_box *b = lua_touserdata(L, -1);
        lua_pop(L, 1);
        e->cdn_builtin = b->r;
        return b->r;
    }
    lua_pop(L, 1);
    cdn_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->r = NULL;
    if (luaL_newmetatable(L, CDN_BUILTIN_MT)) {
        lua_pushcfunction(L, cdn_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    if (mxh_cdn_ranges_new(&b->r) != MXH_OK)
        luaL_error(L, "out of memory loading the CDN ranges");
    lua_setfield(L, LUA_REGISTRYINDEX, CDN_BUILTIN_KEY);
    e->cdn_builtin = b->r;
    return b->r;
}

const char *mxh_lua_cdn_of(lua_State *L, const char *addr)
{
    size_t len = strlen(addr);
    if (len > 64)
        return NULL;
    return mxh_cdn_provider(cdn_table(L), addr);
}

int mxh_lua_cdn_provider(lua_State *L)
{
    size_t len;
    const char *addr = luaL_checklstring(L, 1, &len);
    if (len > 64 || memchr(addr, '\0', len)) {
        lua_pushnil(L);
        return 1;
    }
    const char *p = mxh_cdn_provider(cdn_table(L), addr);
    if (p)
        lua_pushstring(L, p);
    else
        lua_pushnil(L);
    return 1;
}

mxh_status mxh_engine_set_cdn_ranges(mxh_engine *e, const mxh_cdn_ranges *r)
{
    if (!e)
        return MXH_ERR_ARG;
    e->cdn_user = r;
    return MXH_OK;
}

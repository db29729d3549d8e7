/* SPDX-License-Identifier: MIT */
/*
 * lua_changes.h — changes handed from Lua to a changeset, and the errors of
 * parsing or applying them handed back, for the two places that take change
 * lines from Lua: zone:whatif in a rule (lua_whatif.c) and zs:plan in the
 * `require "mxhazard"` module (lua_module.c).
 *
 * The module is its own shared object that sees only the public header of
 * the library, so these are static functions over the public API, compiled
 * into each side, not library symbols.
 */
#ifndef MXH_LUA_CHANGES_H
#define MXH_LUA_CHANGES_H

#include <mxhazard.h>

#include <lauxlib.h>
#include <lua.h>

#include <stdio.h>

/* Load the changes at idx into cs: change lines in one string (source
 * "changes"), or the first n items of an array of change lines (source
 * "change #i"). An item that is not a string raises "<who>: change i is not
 * a string". Stops at the first item that fails; returns its status. */
static inline mxh_status mxh_lua_load_changes(lua_State *L, mxh_changeset *cs, int idx,
                                              lua_Integer n, const char *who)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *text = lua_tolstring(L, idx, &len);
        return mxh_changeset_load_buffer(cs, "changes", text, len);
    }
    mxh_status st = MXH_OK;
    for (lua_Integer i = 1; i <= n && st == MXH_OK; i++) {
        if (lua_rawgeti(L, idx, i) != LUA_TSTRING)
            luaL_error(L, "%s: change %d is not a string", who, (int)i);
        char src[32];
        snprintf(src, sizeof src, "change #%d", (int)i);
        st = mxh_changeset_add(cs, lua_tostring(L, -1), src, 0);
        lua_pop(L, 1);
    }
    return st;
}

/* Push the errors one a line: without after, every error of cs (its
 * changes did not parse); with after (the copy mxh_changeset_apply made),
 * every error diagnostic of it, as "file[:line]: message". When none is
 * listed: cs's last message (the empty string without cs). */
static inline void mxh_lua_push_change_errors(lua_State *L, const mxh_changeset *cs,
                                              const mxh_zoneset *after)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int first = 1;
    for (size_t i = 0; !after && i < mxh_changeset_error_count(cs); i++) {
        if (!first)
            luaL_addchar(&b, '\n');
        luaL_addstring(&b, mxh_changeset_error(cs, i));
        first = 0;
    }
    for (size_t i = 0; after && i < mxh_zoneset_diag_count(after); i++) {
        const mxh_diag *d = mxh_zoneset_diag(after, i);
        if (mxh_diag_level_of(d) != MXH_DIAG_ERROR)
            continue;
        if (!first)
            luaL_addchar(&b, '\n');
        luaL_addstring(&b, mxh_diag_file(d));
        if (mxh_diag_line(d) > 0) {
            char ln[32];
            snprintf(ln, sizeof ln, ":%lu", mxh_diag_line(d));
            luaL_addstring(&b, ln);
        }
        luaL_addstring(&b, ": ");
        luaL_addstring(&b, mxh_diag_message(d));
        first = 0;
    }
    if (first && cs)
        luaL_addstring(&b, mxh_changeset_errmsg(cs));
    luaL_pushresult(&b);
}

#endif

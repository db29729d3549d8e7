/* SPDX-License-Identifier: MIT */
/*
 * lua_sandbox.c — the sandbox rules run in.
 *
 *  - A counting allocator: every byte the state holds is accounted, and while
 *    a rule runs, growth beyond its per-rule-per-zone cap is refused (Lua then
 *    collects garbage once and raises "not enough memory").
 *  - A count hook: every MXH_LUA_HOOK_STEP VM instructions the rule's budget
 *    is charged; when it is spent the hook raises an error.
 *  - A read-only base table holding only safe functions and proxies of the
 *    string/table/math/utf8 libraries. Each rule file gets its own
 *    environment whose __index is that base. No os, io, debug, package,
 *    dofile, loadfile, collectgarbage, string.dump; load is text-only;
 *    require serves only "mxh".
 *  - pcall/xpcall cannot swallow a spent budget or a refused allocation: the
 *    error is raised again, so it reaches the engine.
 *  - C library loops that no hook can interrupt are guarded: table.insert,
 *    table.remove, table.move and table.concat charge their element count to
 *    the instruction budget; string.rep of an empty string is answered at
 *    once; find/match/gmatch/gsub refuse a pattern whose worst-case
 *    backtracking on the subject exceeds the instruction budget.
 */
#include "lua_engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mxh_engine *mxh_lua_engine(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

/*
 * Small blocks (tables, strings, userdata handles, closures: most of what
 * rules make per zone) come from a per-engine pool of size classes instead
 * of malloc: taking a block off a free list costs a few instructions. The
 * accounting is unchanged (mem_used counts the sizes Lua asked for). Blocks
 * are never handed back to malloc while the engine lives; the chunks are
 * freed with the engine.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
/* Free pool blocks are poisoned: a use after free is still reported. */
#define POOL_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define POOL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POOL_POISON(p, n)   ((void)(p), (void)(n))
#define POOL_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

typedef struct mxh_pool_chunk {
    struct mxh_pool_chunk *next;
    void *pad;                  /* keeps the blocks 16-byte aligned */
} mxh_pool_chunk;

static size_t pool_class(size_t n)
{
    return (n - 1) / MXH_LUA_POOL_GRAIN;
}

static void *pool_get(mxh_engine *e, size_t n)
{
    size_t c = pool_class(n);
    size_t sz = (c + 1) * MXH_LUA_POOL_GRAIN;
    void *p = e->pool_free[c];
    if (p) {
        POOL_UNPOISON(p, sz);
        memcpy(&e->pool_free[c], p, sizeof(void *));
        return p;
    }
    if (e->pool_cur == NULL || (size_t)(e->pool_end - e->pool_cur) < sz) {
        mxh_pool_chunk *ch = malloc(MXH_LUA_POOL_CHUNK);
        if (ch == NULL)
            return NULL;
        ch->next = e->pool_chunks;
        e->pool_chunks = ch;
        e->pool_cur = (char *)(ch + 1);
        e->pool_end = (char *)ch + MXH_LUA_POOL_CHUNK;
        POOL_POISON(e->pool_cur, (size_t)(e->pool_end - e->pool_cur));
    }
    p = e->pool_cur;
    e->pool_cur += sz;
    POOL_UNPOISON(p, sz);
    return p;
}

static void pool_put(mxh_engine *e, void *p, size_t n)
{
    size_t c = pool_class(n);
    memcpy(p, &e->pool_free[c], sizeof(void *));
    e->pool_free[c] = p;
    POOL_POISON(p, (c + 1) * MXH_LUA_POOL_GRAIN);
}

static void block_release(mxh_engine *e, void *p, size_t n)
{
    if (n <= MXH_LUA_POOL_MAX)
        pool_put(e, p, n);
    else
        free(p);
}

void mxh_lua_pool_free(mxh_engine *e)
{
    while (e->pool_chunks) {
        mxh_pool_chunk *next = e->pool_chunks->next;
        POOL_UNPOISON(e->pool_chunks, MXH_LUA_POOL_CHUNK);
        free(e->pool_chunks);
        e->pool_chunks = next;
    }
    memset(e->pool_free, 0, sizeof e->pool_free);
    e->pool_cur = e->pool_end = NULL;
}

void *mxh_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    mxh_engine *e = ud;
    if (ptr == NULL)
        osize = 0; /* osize then encodes the object type */
    if (nsize == 0) {
        if (ptr)
            block_release(e, ptr, osize);
        e->mem_used -= osize;
        return NULL;
    }
    if (nsize > osize) {
        size_t grow = nsize - osize;
        if (e->mem_used > e->mem_limit || grow > e->mem_limit - e->mem_used) {
            e->mem_refused = 1;
            return NULL;
        }
    }
    void *p;
    if (ptr && osize <= MXH_LUA_POOL_MAX && nsize <= MXH_LUA_POOL_MAX &&
        pool_class(osize) == pool_class(nsize)) {
        p = ptr; /* the block already has room */
    } else if (nsize <= MXH_LUA_POOL_MAX || (ptr && osize <= MXH_LUA_POOL_MAX)) {
        /* into the pool, or out of it: a new block and a copy */
        p = nsize <= MXH_LUA_POOL_MAX ? pool_get(e, nsize) : malloc(nsize);
        if (p == NULL) {
            /* Lua assumes shrinking never fails: keep the old block (one
             * from malloc then ends on a pool free list, which is only a
             * leak, and only when memory ran out). */
            if (ptr && nsize <= osize)
                return ptr;
            e->mem_refused = 1;
            return NULL;
        }
        if (ptr) {
            memcpy(p, ptr, osize < nsize ? osize : nsize);
            block_release(e, ptr, osize);
        }
    } else {
        p = realloc(ptr, nsize);
        if (p == NULL) {
            /* Lua assumes shrinking never fails: keep the old block. */
            if (nsize <= osize)
                return ptr;
            e->mem_refused = 1;
            return NULL;
        }
    }
    e->mem_used = e->mem_used - osize + nsize;
    return p;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->limits_on)
        return;
    e->insn_used += e->insn_cap < MXH_LUA_HOOK_STEP ? (e->insn_cap ? e->insn_cap : 1)
                                                    : MXH_LUA_HOOK_STEP;
    /* remember where the rule is, for errors that carry no position
     * (a refused allocation raises without a message handler) */
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
        if (ar->source != e->last_src_ptr) { /* copy only when the chunk changes */
            e->last_src_ptr = ar->source;
            snprintf(e->last_src, sizeof e->last_src, "%s", ar->short_src);
        }
        e->last_line = ar->currentline;
    }
    if (e->insn_used > e->insn_cap) {
        e->insn_exceeded = 1;
        char where[300] = "";
        if (e->last_line > 0)
            snprintf(where, sizeof where, " at %s:%d", e->last_src, e->last_line);
        char msg[400];
        snprintf(msg, sizeof msg, "instruction budget of %llu exceeded%s",
                 (unsigned long long)e->insn_cap, where);
        lua_pushstring(L, msg);
        lua_error(L);
    }
}

/* (Re)arm the count hook; this also restarts its countdown, so every rule
 * gets exactly its budget whatever the previous rule left over. */
static void set_hook(mxh_engine *e)
{
    int step = e->insn_cap < MXH_LUA_HOOK_STEP ? (int)(e->insn_cap ? e->insn_cap : 1)
                                                : MXH_LUA_HOOK_STEP;
    lua_sethook(e->L, count_hook, LUA_MASKCOUNT, step);
}

void mxh_lua_limits_begin(mxh_engine *e)
{
    if (e->L)
        set_hook(e);
    e->insn_used = 0;
    e->insn_exceeded = 0;
    e->last_line = 0;
    e->last_src_ptr = NULL;
    e->mem_refused = 0;
    e->mem_limit = e->mem_used + e->mem_cap;
    if (e->mem_limit < e->mem_used)
        e->mem_limit = SIZE_MAX;
    e->limits_on = 1;
}

void mxh_lua_limits_end(mxh_engine *e)
{
    e->limits_on = 0;
    e->mem_limit = SIZE_MAX;
}

/* Charge n steps of C work to the running rule's budget. */
static void charge(lua_State *L, double n)
{
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->limits_on)
        return;
    double left = (double)e->insn_cap - (double)e->insn_used;
    if (n > left) {
        e->insn_exceeded = 1;
        luaL_error(L, "instruction budget of %I exceeded by a library call of about %f steps",
                   (lua_Integer)e->insn_cap, n);
    }
    e->insn_used += (uint64_t)n;
}

int mxh_lua_msgh(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    /* The rule is over: no budget or cap while the report is written. */
    mxh_lua_limits_end(e);
    const char *msg;
    char tmp[64];
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tostring(L, 1);
    } else if (lua_type(L, 1) == LUA_TNUMBER) {
        msg = lua_tostring(L, 1);
    } else {
        /* No metamethods here: a hostile __tostring could loop unchecked. */
        snprintf(tmp, sizeof tmp, "(error object is a %s value)", luaL_typename(L, 1));
        msg = tmp;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, msg);
    lua_Debug ar;
    int shown = 0;
    for (int level = 1; shown < 6 && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        luaL_addstring(&b, shown ? " <- " : " [traceback: ");
        lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
        luaL_addvalue(&b);
        shown++;
    }
    if (shown)
        luaL_addchar(&b, ']');
    luaL_pushresult(&b);
    return 1;
}

/* A caught error that must not be swallowed: spent budget or memory. */
static int fatal_status(lua_State *L, int st)
{
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->limits_on)
        return 0;
    if (st == LUA_ERRMEM) {
        e->mem_refused = 1;
        return 1;
    }
    return e->insn_exceeded;
}

static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int st = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    if (st != LUA_OK) {
        if (fatal_status(L, st))
            return lua_error(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L);
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2); /* f, handler, true, f, args... */
    int st = lua_pcall(L, n - 2, LUA_MULTRET, 2);
    if (st != LUA_OK) {
        if (fatal_status(L, st))
            return lua_error(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - 2;
}

static int sb_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in rules");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_print(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    const char *text = lua_tostring(L, -1);
    if (e->cur_rule)
        mxh_engine_add_notice(e, "%s: print: %.*s", e->cur_rule->id, MXH_LUA_MAX_TEXT, text);
    else
        mxh_engine_add_notice(e, "print: %.*s", MXH_LUA_MAX_TEXT, text);
    return 0;
}

static int sb_load(lua_State *L)
{
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (s == NULL || lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, "load: only source text strings can be loaded in rules");
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (strcmp(mode, "t") != 0)
        return luaL_error(L, "load: only text chunks (mode \"t\") are allowed in rules");
    int st = luaL_loadbufferx(L, s, len, chunkname, "t");
    if (st != LUA_OK) {
        if (st == LUA_ERRMEM && fatal_status(L, st))
            return lua_error(L);
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnone(L, 4))
        lua_pushvalue(L, 4);
    else
        lua_pushvalue(L, lua_upvalueindex(1)); /* the read-only base */
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

static int sb_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (strcmp(name, "mxh") != 0)
        return luaL_error(L, "module '%s' is not available to rules (only \"mxh\")", name);
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}

static int sb_readonly(lua_State *L)
{
    return luaL_error(L, "attempt to modify a read-only library table");
}

/* ---- guarded library functions ---------------------------------------- */

/* Skip a set "[...]" starting at p[i] == '['; returns the index after ']'. */
static size_t skip_set(const char *p, size_t lp, size_t i)
{
    i++;
    if (i < lp && p[i] == '^')
        i++;
    if (i < lp && p[i] == ']')
        i++; /* a leading ']' is a literal */
    while (i < lp && p[i] != ']') {
        if (p[i] == '%' && i + 1 < lp)
            i++;
        i++;
    }
    return i < lp ? i + 1 : lp;
}

/*
 * Worst-case steps of Lua's backtracking matcher on a subject of n bytes:
 * each '*', '+', '-' quantifier and each %b can retry up to n positions, and
 * an unanchored search starts at up to n positions.
 */
static double pattern_cost(const char *p, size_t lp, size_t n, int search)
{
    int q = 0;
    size_t i = 0;
    if (lp > 0 && p[0] == '^')
        i = 1;
    else if (search)
        q++;
    while (i < lp) {
        char c = p[i];
        int single = 1;
        if (c == '(' || c == ')') {
            i++;
            single = 0;
        } else if (c == '%' && i + 1 < lp) {
            char d = p[i + 1];
            if (d == 'b') {
                q++;
                i += 4;
                single = 0;
            } else if (d == 'f') {
                i += 2;
                if (i < lp && p[i] == '[')
                    i = skip_set(p, lp, i);
                single = 0;
            } else {
                i += 2;
                if (d >= '0' && d <= '9')
                    single = 0;
            }
        } else if (c == '[') {
            i = skip_set(p, lp, i);
        } else {
            i++;
        }
        if (single && i < lp && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
            q++;
            i++;
        } else if (single && i < lp && p[i] == '?') {
            i++;
        }
    }
    return pow((double)n + 1.0, (double)q);
}

static int has_specials(const char *p, size_t lp)
{
    for (size_t i = 0; i < lp; i++)
        if (p[i] != '\0' && strchr("^$*+?.([%-", p[i]))
            return 1;
    return 0;
}

static void guard_pattern(lua_State *L, int search, int plain_arg)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    (void)s;
    if (plain_arg && lua_toboolean(L, plain_arg))
        return;
    if (!has_specials(p, lp))
        return;
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->limits_on)
        return;
    double cost = pattern_cost(p, lp, ls, search);
    if (cost > (double)e->insn_cap)
        luaL_error(L, "pattern too complex for a %I-byte subject (worst case about %f steps, "
                   "over the instruction budget of %I)",
                   (lua_Integer)ls, cost, (lua_Integer)e->insn_cap);
}

static int call_orig(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int g_find(lua_State *L)
{
    guard_pattern(L, 1, 4);
    return call_orig(L);
}

/* string.match, string.gmatch and string.gsub: the pattern is always a
 * pattern (no plain flag), so one guard serves the three. */
static int g_pattern(lua_State *L)
{
    guard_pattern(L, 1, 0);
    return call_orig(L);
}

static int g_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    charge(L, (double)n / 64.0);
    return call_orig(L);
}

/* Charge a table call one step per element of positions lo..hi it shifts,
 * moves or joins (nothing when hi < lo). */
static void charge_span(lua_State *L, lua_Integer lo, lua_Integer hi)
{
    if (hi >= lo)
        charge(L, (double)hi - (double)lo + 1.0);
}

static int g_insert(lua_State *L)
{
    if (lua_gettop(L) == 3) {
        lua_Integer n = luaL_len(L, 1);
        lua_Integer pos = luaL_checkinteger(L, 2);
        charge_span(L, pos, n);
    }
    return call_orig(L);
}

static int g_remove(lua_State *L)
{
    lua_Integer n = luaL_len(L, 1);
    lua_Integer pos = luaL_optinteger(L, 2, n);
    charge_span(L, pos, n);
    return call_orig(L);
}

static int g_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer t = luaL_checkinteger(L, 3);
    charge_span(L, f, t);
    return call_orig(L);
}

static int g_concat(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    lua_Integer j = luaL_opt(L, luaL_checkinteger, 4, luaL_len(L, 1));
    charge_span(L, i, j);
    return call_orig(L);
}

/* Replace lib[name] (lib at -1) with guard, which gets the original as upvalue 1. */
static void wrap(lua_State *L, const char *name, lua_CFunction guard)
{
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, guard, 1);
    lua_setfield(L, -2, name);
}

/* Push a read-only proxy of the table at idx. */
static void push_proxy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sb_readonly);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

static int open_state(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);   /* G */
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
    int G = lua_absindex(L, -5), S = G + 1, T = G + 2, M = G + 3, U = G + 4;

    /* The real string library backs the string metatable: guard it there. */
    lua_pushvalue(L, S);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    wrap(L, "find", g_find);
    wrap(L, "match", g_pattern);
    wrap(L, "gmatch", g_pattern);
    wrap(L, "gsub", g_pattern);
    wrap(L, "rep", g_rep);
    lua_pop(L, 1);
    lua_pushvalue(L, T);
    wrap(L, "insert", g_insert);
    wrap(L, "remove", g_remove);
    wrap(L, "move", g_move);
    wrap(L, "concat", g_concat);
    lua_pop(L, 1);
    /* getmetatable("") must not hand out the string metatable. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    /* The base table. */
    lua_newtable(L);
    int B = lua_gettop(L);
    static const char *const safe[] = {
        "assert", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal", "rawget",
        "rawlen", "rawset", "select", "tonumber", "tostring", "type", "_VERSION", NULL
    };
    for (int i = 0; safe[i]; i++) {
        lua_getfield(L, G, safe[i]);
        lua_setfield(L, B, safe[i]);
    }
    lua_pushcfunction(L, sb_pcall);
    lua_setfield(L, B, "pcall");
    lua_pushcfunction(L, sb_xpcall);
    lua_setfield(L, B, "xpcall");
    lua_getfield(L, G, "setmetatable");
    lua_pushcclosure(L, sb_setmetatable, 1);
    lua_setfield(L, B, "setmetatable");
    lua_pushcfunction(L, sb_print);
    lua_setfield(L, B, "print");
    push_proxy(L, S);
    lua_setfield(L, B, "string");
    push_proxy(L, T);
    lua_setfield(L, B, "table");
    push_proxy(L, M);
    lua_setfield(L, B, "math");
    push_proxy(L, U);
    lua_setfield(L, B, "utf8");

    /* require "mxh" */
    mxh_lua_open_mxh(L);
    push_proxy(L, -1);
    lua_remove(L, -2);
    lua_pushcclosure(L, sb_require, 1);
    lua_setfield(L, B, "require");

    /* load: text only; default environment is a read-only view of the base. */
    push_proxy(L, B);
    lua_pushcclosure(L, sb_load, 1);
    lua_setfield(L, B, "load");

    /* The global table keeps nothing dangerous either. */
    static const char *const unsafe[] = {
        "dofile", "loadfile", "load", "collectgarbage", "require", "print", NULL
    };
    for (int i = 0; unsafe[i]; i++) {
        lua_pushnil(L);
        lua_setfield(L, G, unsafe[i]);
    }

    lua_pushvalue(L, B);
    e->base_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    mxh_lua_objects_open(L);
    return 0;
}

int mxh_lua_state_open(mxh_engine *e)
{
    e->mem_limit = SIZE_MAX;
    e->limits_on = 0;
    lua_State *L = lua_newstate(mxh_lua_alloc, e);
    if (L == NULL) {
        snprintf(e->errmsg, sizeof e->errmsg, "cannot create a Lua state: out of memory");
        return -1;
    }
    lua_atpanic(L, NULL);
    e->L = L;
    e->cdn_builtin = NULL; /* lives in the registry of the state it was made in */
    lua_pushcfunction(L, open_state);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        snprintf(e->errmsg, sizeof e->errmsg, "cannot set up the rule sandbox: %s",
                 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error");
        lua_close(L);
        e->L = NULL;
        return -1;
    }
    /* Rules make many short-lived objects per zone: generational mode
     * collects them young. */
    lua_gc(L, LUA_GCGEN, 0, 0);
    set_hook(e);
    return 0;
}

void mxh_lua_push_env(lua_State *L, mxh_engine *e)
{
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_createtable(L, 0, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->base_ref);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

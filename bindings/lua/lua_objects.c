/* SPDX-License-Identifier: MIT */
/*
 * lua_objects.c — zones, nodes, records, lookups, routes, exchanges, the zone
 * set and inventory servers as Lua userdata (see docs/rules.md).
 *
 * Every handle is a small full userdata {magic, kind, generation, pointer}
 * with a per-kind metatable (methods in __index, __tostring, __len, __eq).
 * Handles are made only when a rule asks for them. Node, record, exchange and
 * server handles are cached per zone scan, so the same C object is always the
 * same userdata; routes and lookups are cached by their question. When the
 * zone's scan ends the caches are dropped, the C routes and lookups freed and
 * the engine's generation bumped: any handle kept past that raises
 * "<kind> handle used after its zone was released".
 */
#include "lua_engine.h"
#include "route_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[MXH_LK__COUNT] = {
    "?", "zone", "node", "record", "lookup", "route", "exchange", "zoneset", "server"
};
static char mt_keys[MXH_LK__COUNT]; /* registry keys of the metatables */

/* ---- handle plumbing ------------------------------------------------- */

mxh_lhandle *mxh_lua_test(lua_State *L, int idx, int kind)
{
    if (lua_type(L, idx) != LUA_TUSERDATA)
        return NULL;
    mxh_lhandle *h = lua_touserdata(L, idx);
    if (h == NULL || lua_rawlen(L, idx) != sizeof *h || h->magic != MXH_LHANDLE_MAGIC ||
        h->kind != kind)
        return NULL;
    return h;
}

mxh_lhandle *mxh_lua_check(lua_State *L, int idx, int kind)
{
    mxh_lhandle *h = mxh_lua_test(L, idx, kind);
    if (h == NULL) {
        luaL_typeerror(L, idx, kind_names[kind]);
        return NULL;
    }
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->scanning || h->gen != e->gen)
        luaL_error(L, "%s handle used after its zone was released", kind_names[kind]);
    return h;
}

static mxh_lhandle *new_handle(lua_State *L, int kind, const void *ptr)
{
    mxh_engine *e = mxh_lua_engine(L);
    mxh_lhandle *h = lua_newuserdatauv(L, sizeof *h, 0);
    h->magic = MXH_LHANDLE_MAGIC;
    h->kind = (uint8_t)kind;
    h->gen = e->gen;
    h->ptr = ptr;
    h->zone = NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_keys[kind]);
    lua_setmetatable(L, -2);
    e->handles_created++;
    return h;
}

/* Push the per-zone table registered at *ref, creating it on first use with
 * room for nrec entries (a small zone then never rehashes it). */
static void push_cache(lua_State *L, int *ref, int nrec)
{
    if (*ref == LUA_NOREF || *ref == LUA_REFNIL) {
        lua_createtable(L, 0, nrec);
        lua_pushvalue(L, -1);
        *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
    }
}

/* Push the cached handle of ptr, making it on first use. */
static void push_cached(lua_State *L, int kind, const void *ptr)
{
    if (ptr == NULL) {
        lua_pushnil(L);
        return;
    }
    mxh_engine *e = mxh_lua_engine(L);
    push_cache(L, &e->cache_ref, 32);
    if (lua_rawgetp(L, -1, ptr) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    /* The handle of a loaded object (one per object and zone scan, so
     * bounded by the data) is the bridge's memory, not the rule's: it is
     * not charged to the running rule's cap. Otherwise a rule walking a
     * large zone would pay, or not, depending on which rule made the
     * zone's handles first. */
    size_t limit = e->mem_limit, before = e->mem_used;
    e->mem_limit = SIZE_MAX;
    new_handle(L, kind, ptr);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, ptr);
    size_t grown = e->mem_used > before ? e->mem_used - before : 0;
    e->mem_limit = limit > SIZE_MAX - grown ? SIZE_MAX : limit + grown; /* the cap moves up */
    lua_remove(L, -2);
}

void mxh_lua_push_zone(lua_State *L, const mxh_zone *z)
{
    if (z == NULL) {
        lua_pushnil(L);
        return;
    }
    mxh_lhandle *h = new_handle(L, MXH_LK_ZONE, z);
    h->zone = z;
}

void mxh_lua_push_route(lua_State *L, const mxh_route *r)
{
    new_handle(L, MXH_LK_ROUTE, r);
}

void mxh_lua_push_record(lua_State *L, const mxh_rr *rr)
{
    push_cached(L, MXH_LK_RECORD, rr);
}

static void push_node(lua_State *L, const mxh_node *n)
{
    push_cached(L, MXH_LK_NODE, n);
}

void mxh_lua_zone_release(mxh_engine *e)
{
    lua_State *L = e->L;
    mxh_lua_whatif_release(e); /* its routes and copies (lua_whatif.c) */
    if (L) {
        luaL_unref(L, LUA_REGISTRYINDEX, e->cache_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, e->route_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, e->lookup_ref);
    }
    e->cache_ref = e->route_ref = e->lookup_ref = LUA_NOREF;
    for (size_t i = 0; i < e->nroutes; i++)
        mxh_route_free(e->routes[i]);
    e->nroutes = 0;
    for (size_t i = 0; i < e->nlookups; i++)
        mxh_lookup_free(e->lookups[i]);
    e->nlookups = 0;
}

/* ---- argument helpers -------------------------------------------------- */

/* Canonical form of the name at idx into buf; NULL (no error) if invalid. */
static const char *try_name(lua_State *L, int idx, char *buf, size_t bufsz)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    if (len == 0 || strlen(s) != len)
        return NULL;
    if (mxh_lua_plain_canonical(s, len))
        return s; /* stays alive on the Lua stack for the call */
    if (mxh_name_from_user(s, buf, bufsz) <= 0)
        return NULL;
    return buf;
}

static const char *check_name(lua_State *L, int idx, char *buf, size_t bufsz)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    if (len > 0 && mxh_lua_plain_canonical(s, len) && strlen(s) == len)
        return s; /* stays alive on the Lua stack for the call */
    int r = (len == 0 || strlen(s) != len) ? MXH_NAME_ERR_EMPTY
                                           : mxh_name_from_user(s, buf, bufsz);
    if (r <= 0) {
        lua_pushfstring(L, "bad domain name '%s': %s", s, mxh_name_strerror(r));
        luaL_argerror(L, idx, lua_tostring(L, -1));
    }
    return buf;
}

/* An RR type given as "MX" or 15; 0 if the argument is absent/nil. */
static uint16_t opt_type(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Integer t = luaL_checkinteger(L, idx);
        if (t < 1 || t > 65535)
            luaL_argerror(L, idx, "RR type out of range");
        return (uint16_t)t;
    }
    const char *s = luaL_checkstring(L, idx);
    uint16_t t = mxh_type_from_name(s);
    if (t == 0) {
        lua_pushfstring(L, "unknown RR type '%s'", s);
        luaL_argerror(L, idx, lua_tostring(L, -1));
    }
    return t;
}

static uint16_t check_type(lua_State *L, int idx)
{
    luaL_checkany(L, idx);
    uint16_t t = opt_type(L, idx);
    if (t == 0)
        luaL_argerror(L, idx, "RR type expected");
    return t;
}

static void push_opt_string(lua_State *L, const char *s)
{
    if (s)
        lua_pushstring(L, s);
    else
        lua_pushnil(L);
}

static int obj_eq(lua_State *L)
{
    mxh_lhandle *a = lua_touserdata(L, 1), *b = lua_touserdata(L, 2);
    int same = 0;
    if (a && b && lua_type(L, 1) == LUA_TUSERDATA && lua_type(L, 2) == LUA_TUSERDATA &&
        lua_rawlen(L, 1) == sizeof *a && lua_rawlen(L, 2) == sizeof *b &&
        a->magic == MXH_LHANDLE_MAGIC && b->magic == MXH_LHANDLE_MAGIC)
        same = a->kind == b->kind && a->ptr == b->ptr;
    lua_pushboolean(L, same);
    return 1;
}

/* ---- zone -------------------------------------------------------------- */

#define ZONE(L) ((const mxh_zone *)mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr)

static int zone_origin(lua_State *L)
{
    lua_pushstring(L, mxh_zone_origin(ZONE(L)));
    return 1;
}

static int zone_file(lua_State *L)
{
    lua_pushstring(L, mxh_zone_file(ZONE(L)));
    return 1;
}

static int zone_incomplete(lua_State *L)
{
    lua_pushboolean(L, mxh_zone_incomplete(ZONE(L)));
    return 1;
}

/* zone:incomplete_at(name): whether the loaded zone that answers for name
 * (the closest enclosing one, this zone for its own origin) lost lines while
 * loading. Rules take absence (NXDOMAIN, NODATA, no MX) as evidence only when
 * this is false: the missing name may be in what was lost. External: false. */
static int zone_incomplete_at(lua_State *L)
{
    const mxh_zone *z = ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = check_name(L, 2, buf, sizeof buf);
    const mxh_zone *at = mxh_zs_zone_for(z->zs, z, name);
    lua_pushboolean(L, at != NULL && mxh_zone_incomplete(at));
    return 1;
}

static int zone_records_iter(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, lua_upvalueindex(1), MXH_LK_ZONE)->ptr;
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    uint16_t t = (uint16_t)lua_tointeger(L, lua_upvalueindex(3));
    size_t n = mxh_zone_record_count(z);
    while ((size_t)i < n) {
        const mxh_rr *rr = mxh_zone_record(z, (size_t)i++);
        if (t == 0 || mxh_rr_type(rr) == t) {
            lua_pushinteger(L, i);
            lua_replace(L, lua_upvalueindex(2));
            mxh_lua_push_record(L, rr);
            return 1;
        }
    }
    lua_pushinteger(L, i);
    lua_replace(L, lua_upvalueindex(2));
    return 0;
}

static int zone_records(lua_State *L)
{
    (void)ZONE(L);
    uint16_t t = opt_type(L, 2);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, t);
    lua_pushcclosure(L, zone_records_iter, 3);
    return 1;
}

static void push_node_records(lua_State *L, const mxh_node *n, uint16_t t)
{
    lua_newtable(L);
    lua_Integer k = 0;
    for (const mxh_rr *rr = n ? n->rrs : NULL; rr; rr = rr->next) {
        if (t == 0 || rr->type == t) {
            mxh_lua_push_record(L, rr);
            lua_rawseti(L, -2, ++k);
        }
    }
}

static int zone_rrset(lua_State *L)
{
    const mxh_zone *z = ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = try_name(L, 2, buf, sizeof buf);
    uint16_t t = check_type(L, 3);
    push_node_records(L, name ? mxh_zone_find(z, name) : NULL, t);
    return 1;
}

static int zone_names_iter(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, lua_upvalueindex(1), MXH_LK_ZONE)->ptr;
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    if (i < 0 || (size_t)i >= z->nnodes)
        return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    push_node(L, z->node_list[i]); /* creation order */
    return 1;
}

static int zone_names(lua_State *L)
{
    const mxh_zone *z = ZONE(L);
    lua_pushvalue(L, 1);
    (void)z;
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, zone_names_iter, 2);
    return 1;
}

static int zone_node(lua_State *L)
{
    const mxh_zone *z = ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = try_name(L, 2, buf, sizeof buf);
    push_node(L, name ? mxh_zone_find(z, name) : NULL);
    return 1;
}

static int zone_has_type(lua_State *L)
{
    const mxh_zone *z = ZONE(L);
    lua_pushboolean(L, mxh_zone_has_type(z, check_type(L, 2)));
    return 1;
}

/* Push the cache key of a question about name asked through zone z: the name
 * alone for the zone being scanned, else prefixed with z's address. */
static void push_key(lua_State *L, const mxh_zone *z, const char *name, uint16_t type)
{
    mxh_engine *e = mxh_lua_engine(L);
    char kb[MXH_NAME_BUF + sizeof(void *) + 8];
    size_t n = 0;
    if (z != e->zone) {
        memcpy(kb, &z, sizeof z);
        n = sizeof z;
    }
    size_t l = strlen(name);
    if (l > MXH_NAME_BUF)
        l = MXH_NAME_BUF;
    memcpy(kb + n, name, l);
    n += l;
    if (type) {
        kb[n++] = '\0';
        kb[n++] = (char)(type >> 8);
        kb[n++] = (char)(type & 0xff);
    }
    lua_pushlstring(L, kb, n);
}

/* Push the lookup handle of (name, t) asked through zone z, computing the
 * lookup on first use (cached per zone scan by the question); returns it. */
static const mxh_lookup *push_lookup(lua_State *L, mxh_engine *e, const mxh_zone *z,
                                     const char *name, uint16_t t)
{
    push_cache(L, &e->lookup_ref, 8);
    push_key(L, z, name, t);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, -3) == LUA_TUSERDATA) {
        lua_replace(L, -3);
        lua_pop(L, 1);
        return ((const mxh_lhandle *)lua_touserdata(L, -1))->ptr;
    }
    lua_pop(L, 1);
    if (e->nlookups >= MXH_LUA_MAX_LOOKUPS)
        luaL_error(L, "more than %d distinct lookups in one zone", MXH_LUA_MAX_LOOKUPS);
    if (e->nlookups == e->caplookups) {
        size_t cap = e->caplookups ? e->caplookups * 2 : 16;
        mxh_lookup **nl = realloc(e->lookups, cap * sizeof *nl);
        if (nl == NULL)
            luaL_error(L, "out of memory");
        e->lookups = nl;
        e->caplookups = cap;
    }
    mxh_lookup *lk = NULL;
    /* the zone asked answers for its own origin even when shadowed */
    mxh_status st = mxh_lookup_ctx(e->zs, z, name, t, &lk);
    if (st != MXH_OK || lk == NULL)
        luaL_error(L, "lookup of %s failed: %s", name, mxh_strerror(st));
    e->lookups[e->nlookups++] = lk;
    new_handle(L, MXH_LK_LOOKUPH, lk);
    lua_pushvalue(L, -1);
    lua_insert(L, -3); /* cache, handle, key, handle */
    lua_rawset(L, -4);
    lua_remove(L, -2);
    return lk;
}

static int zone_lookup(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_zone *z = ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = check_name(L, 2, buf, sizeof buf);
    uint16_t t = check_type(L, 3);
    push_lookup(L, e, z, name, t);
    return 1;
}

/* zone:spf_record(domain): the domain's one SPF record (RFC 7208 §4.5: the
 * TXT record whose strings, joined as §3.3 says, start with "v=spf1" then a
 * space or the end, case-insensitively) as record, text; or nil and why:
 * "none" (no such record, or the domain has no TXT data), "permerror" (more
 * than one) or "unknown" (the answer is outside the loaded data). The same
 * as asking zone:lookup(domain, "TXT") and reading its records. */
static int zone_spf_record(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_zone *z = ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = check_name(L, 2, buf, sizeof buf);
    const mxh_lookup *lk = push_lookup(L, e, z, name, MXH_TYPE_TXT);
    mxh_lookup_status st = mxh_lookup_status_of(lk);
    if (st == MXH_LK_NXDOMAIN || st == MXH_LK_NODATA) {
        lua_pushnil(L);
        lua_pushliteral(L, "none");
        return 2;
    }
    if (st != MXH_LK_ANSWER) {
        lua_pushnil(L);
        lua_pushliteral(L, "unknown");
        return 2;
    }
    int top = lua_gettop(L);
    const mxh_rr *found = NULL;
    size_t n = mxh_lookup_answer_count(lk);
    for (size_t i = 0; i < n; i++) {
        const mxh_rr *rr = mxh_lookup_answer(lk, i);
        uint16_t t = mxh_rr_type(rr);
        if (t != MXH_TYPE_TXT && t != MXH_TYPE_SPF)
            return luaL_error(L, "TXT record expected");
        const char *rd = mxh_rr_rdata(rr);
        mxh_lua_push_txt_strings(L, rd, strlen(rd));
        size_t tl;
        const char *tx = lua_tolstring(L, -1, &tl);
        if (!mxh_lua_is_spf1(tx, tl)) {
            lua_pop(L, 1);
            continue;
        }
        if (found) {
            lua_settop(L, top);
            lua_pushnil(L);
            lua_pushliteral(L, "permerror");
            return 2;
        }
        found = rr; /* its text stays on the stack */
    }
    if (found == NULL) {
        lua_settop(L, top);
        lua_pushnil(L);
        lua_pushliteral(L, "none");
        return 2;
    }
    mxh_lua_push_record(L, found);
    lua_insert(L, -2);
    return 2;
}

/* Routes of this zone scan are kept in C, found by (zone asked through,
 * domain) in e->route_map, whose slots are stamped with the generation:
 * a new zone scan starts with an empty map without clearing it. The zone
 * hints compute the routes of every mail domain without making a handle;
 * a rule's zone:mail_route() makes one on first use, kept in the table at
 * e->route_ref under the route's index, so the same question always gives
 * the same userdata. No Lua string is made to find a route. */
static uint32_t route_key_hash(const mxh_zone *z, const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a over the name, then the zone's address */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    uintptr_t zp = (uintptr_t)z;
    h ^= (uint32_t)(zp >> 4) ^ (uint32_t)((uint64_t)zp >> 36);
    h ^= h >> 15;
    return h * 0x2c1b3c6du;
}

/* The slot of (z, name) in the map: its route index, or -1 with *slot the
 * empty slot to fill. */
static long route_map_find(const mxh_engine *e, const mxh_zone *z, const char *name, uint32_t h,
                           size_t *slot)
{
    size_t mask = e->route_map_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const struct mxh_route_slot *s = &e->route_map[i];
        if (s->gen != e->gen) {
            *slot = i;
            return -1;
        }
        if (e->route_hash[s->idx] == h && e->route_zone[s->idx] == z &&
            strcmp(mxh_route_domain(e->routes[s->idx]), name) == 0)
            return (long)s->idx;
    }
}

/* Make room for one more route (arrays and map); 0 or -1. */
static int route_room(mxh_engine *e)
{
    if (e->nroutes == e->caproutes) {
        size_t cap = e->caproutes ? e->caproutes * 2 : 16;
        mxh_route **nr = realloc(e->routes, cap * sizeof *nr);
        if (nr == NULL)
            return -1;
        e->routes = nr;
        const mxh_zone **nz = realloc(e->route_zone, cap * sizeof *nz);
        if (nz == NULL)
            return -1;
        e->route_zone = nz;
        uint32_t *nh = realloc(e->route_hash, cap * sizeof *nh);
        if (nh == NULL)
            return -1;
        e->route_hash = nh;
        uint32_t *nb = realloc(e->route_hints, cap * sizeof *nb);
        if (nb == NULL)
            return -1;
        e->route_hints = nb;
        e->caproutes = cap;
    }
    if ((e->nroutes + 1) * 2 > e->route_map_cap) { /* at most half full */
        size_t cap = e->route_map_cap ? e->route_map_cap * 2 : 64;
        while ((e->nroutes + 1) * 2 > cap)
            cap *= 2;
        struct mxh_route_slot *nm = calloc(cap, sizeof *nm);
        if (nm == NULL)
            return -1;
        struct mxh_route_slot *old = e->route_map;
        size_t oldcap = e->route_map_cap;
        e->route_map = nm;
        e->route_map_cap = cap;
        /* gen 0 is never a scan's generation (a scan bumps it first) unless
         * it wrapped around: then stamp the fresh map as unused explicitly */
        if (e->gen == 0)
            for (size_t i = 0; i < cap; i++)
                nm[i].gen = 1;
        for (size_t i = 0; i < oldcap; i++) {
            if (old[i].gen != e->gen)
                continue;
            size_t mask = cap - 1, j = e->route_hash[old[i].idx] & mask;
            while (nm[j].gen == e->gen)
                j = (j + 1) & mask;
            nm[j] = old[i];
        }
        free(old);
    }
    return 0;
}

/* The route of name asked through zone z, computed on first use; its index
 * in e->routes into *idx. Raises Lua errors. */
static const mxh_route *get_route(lua_State *L, mxh_engine *e, const mxh_zone *z,
                                  const char *name, size_t *idx)
{
    uint32_t h = route_key_hash(z, name);
    size_t slot = 0;
    long found = e->route_map_cap ? route_map_find(e, z, name, h, &slot) : -1;
    if (found >= 0) {
        *idx = (size_t)found;
        return e->routes[found];
    }
    if (route_room(e) < 0)
        luaL_error(L, "out of memory");
    mxh_route *r = NULL;
    mxh_status st = mxh_mail_route_ctx(e->zs, z, name, &r);
    if (st != MXH_OK || r == NULL)
        luaL_error(L, "mail route of %s failed: %s", name, mxh_strerror(st));
    size_t i = e->nroutes++;
    e->routes[i] = r;
    e->route_zone[i] = z;
    e->route_hash[i] = h;
    e->route_hints[i] = 0;
    route_map_find(e, z, name, h, &slot); /* the map may have grown */
    e->route_map[slot].gen = e->gen;
    e->route_map[slot].idx = (uint32_t)i;
    *idx = i;
    return r;
}

const mxh_route *mxh_lua_route_of(lua_State *L, const mxh_zone *z, const char *canon)
{
    size_t idx;
    return get_route(L, mxh_lua_engine(L), z, canon, &idx);
}

/* Push the route handle of name asked through zone z (see get_route);
 * returns the route. */
static const mxh_route *push_route(lua_State *L, mxh_engine *e, const mxh_zone *z,
                                   const char *name)
{
    size_t idx;
    const mxh_route *r = get_route(L, e, z, name, &idx);
    if (e->route_ref == LUA_NOREF || e->route_ref == LUA_REFNIL) {
        /* the routes the hints made are numbered 1..nroutes: an array part
         * that size takes their handles without rehashing */
        size_t na = e->nroutes < ((size_t)1 << 20) ? e->nroutes : ((size_t)1 << 20);
        lua_createtable(L, (int)na + 4, 0);
        lua_pushvalue(L, -1);
        e->route_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        lua_rawgeti(L, LUA_REGISTRYINDEX, e->route_ref);
    }
    if (lua_rawgeti(L, -1, (lua_Integer)idx + 1) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return r;
    }
    lua_pop(L, 1);
    new_handle(L, MXH_LK_ROUTE, r);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, (lua_Integer)idx + 1);
    lua_remove(L, -2);
    return r;
}

static int zone_mail_route(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_zone *z = ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = check_name(L, 2, buf, sizeof buf);
    push_route(L, e, z, name);
    return 1;
}

void mxh_lua_mx_iter(lua_State *L, mxh_engine *e, const mxh_zone *z, mxh_mx_iter *it)
{
    it->z = z;
    it->i = 0;
    if (z != e->zone) {
        it->v = NULL;
        it->n = z->nrr;
        return;
    }
    if (e->mx_recs_gen != e->gen || e->gen == 0) {
        e->nmx_recs = 0;
        for (size_t i = 0; i < z->nrr; i++) {
            const mxh_rr *rr = z->rrs[i];
            if (rr->type != MXH_TYPE_MX)
                continue;
            if (e->nmx_recs == e->capmx_recs) {
                size_t c = e->capmx_recs ? e->capmx_recs * 2 : 16;
                const mxh_rr **nv = realloc(e->mx_recs, c * sizeof *nv);
                if (nv == NULL) {
                    e->mx_recs_gen = 0;
                    luaL_error(L, "out of memory");
                }
                e->mx_recs = nv;
                e->capmx_recs = c;
            }
            e->mx_recs[e->nmx_recs++] = rr;
        }
        e->mx_recs_gen = e->gen;
    }
    it->v = e->mx_recs;
    it->n = e->nmx_recs;
}

int mxh_lua_mail_domain_at(const mxh_zone *z, const mxh_rr *rr)
{
    if (rr->node == z->apex)
        return 0;
    const mxh_rr *first = rr->node->rrs;
    while (first && first->type != MXH_TYPE_MX)
        first = first->next;
    return first == rr; /* else: owner listed at its first MX already */
}

/* The mail domains of z in zone:mail_domains() order: its origin, then the
 * owner of each other MX set (at its first MX record). */
typedef struct mail_iter {
    lua_State *L;
    mxh_engine *e;
    const mxh_zone *z;
    mxh_mx_iter mx;
    int state;                /* 0: origin next; 1: MX owners */
} mail_iter;

static void mail_begin(lua_State *L, mxh_engine *e, const mxh_zone *z, mail_iter *m)
{
    m->L = L;
    m->e = e;
    m->z = z;
    m->state = 0;
}

static const char *mail_next(mail_iter *m, size_t *len)
{
    if (m->state == 0) {
        m->state = 1;
        mxh_lua_mx_iter(m->L, m->e, m->z, &m->mx);
        const char *o = mxh_zone_origin(m->z);
        *len = strlen(o);
        return o;
    }
    for (const mxh_rr *rr; (rr = mxh_lua_mx_next(&m->mx)) != NULL;) {
        if (mxh_lua_mail_domain_at(m->z, rr)) {
            *len = rr->node->name_len;
            return rr->node->name;
        }
    }
    return NULL;
}

/* Build the list once per zone scan (it is asked by many rules), then hand
 * each caller its own copy. */
static int zone_mail_domains_hint(lua_State *L, mxh_engine *e, const mxh_zone *z);

static int zone_mail_domains(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_zone *z = ZONE(L);
    if (!lua_isnoneornil(L, 2))
        return zone_mail_domains_hint(L, e, z);
    push_cache(L, &e->cache_ref, 32);
    const void *key = (const char *)z + 1; /* inside the zone: no other object's address */
    if (lua_rawgetp(L, -1, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_Integer k = 0;
        mail_iter m;
        mail_begin(L, e, z, &m);
        size_t dl;
        for (const char *d; (d = mail_next(&m, &dl)) != NULL;) {
            lua_pushlstring(L, d, dl);
            lua_rawseti(L, -2, ++k);
        }
        lua_pushvalue(L, -1);
        lua_rawsetp(L, -3, key);
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -2, i);
        lua_rawseti(L, -2, i);
    }
    return 1;
}

static int zone_zoneset(lua_State *L)
{
    const mxh_zone *z = ZONE(L);
    push_cached(L, MXH_LK_ZONESET, z->zs);
    return 1;
}

static int zone_local_servers(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    (void)ZONE(L);
    char buf[MXH_NAME_BUF];
    const char *name = check_name(L, 2, buf, sizeof buf);
    const mxh_server *small[32];
    const mxh_server **out = small;
    size_t total = mxh_zoneset_local_servers(e->zs, name, small, 32);
    if (total > 32) {
        out = malloc(total * sizeof *out);
        if (out == NULL)
            return luaL_error(L, "out of memory");
        total = mxh_zoneset_local_servers(e->zs, name, out, total);
    }
    lua_createtable(L, (int)(total < 1024 ? total : 1024), 0);
    for (size_t i = 0; i < total; i++) {
        push_cached(L, MXH_LK_SERVER, out[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    if (out != small)
        free(out);
    return 1;
}


/* ---- zone:hint(what) ------------------------------------------------------
 * Cheap per-zone facts that let a rule return at once on a zone where it
 * cannot find anything. Each is false only when no mail domain of the zone
 * (the apex and every owner with MX, as zone:mail_domains() lists them) can
 * have the thing; true means "look". Record facts come from one pass over
 * the records; route facts from the mail routes of the mail domains, which
 * are computed here once and shared (the same routes, kept by the engine) with every rule that
 * asks zone:mail_route() afterwards. Cached for the zone being scanned. */

enum {
    HINT_WILDCARD_MX   = 1u << 0,  /* an MX whose owner starts with "*." */
    HINT_NULL_MX       = 1u << 1,  /* an MX whose exchange is "." (RFC 7505) */
    HINT_STAR_LABEL    = 1u << 2,  /* a name with '*' in a label other than a leading "*" */
    HINT_INVENTORY     = 1u << 3,  /* the zone set has shared-host servers */
    HINT_MX_CNAME      = 1u << 4,  /* explicit MX route: an exchange via a CNAME */
    HINT_MX_WILDCARD   = 1u << 5,  /* ... an exchange with addresses via a wildcard */
    HINT_MX_DANGLING   = 1u << 6,  /* ... an exchange ending in NXDOMAIN, NODATA or a loop */
    HINT_MX_IP         = 1u << 7,  /* ... an exchange that is an address literal */
    HINT_MX_MISSING_DOT = 1u << 8, /* ... an exchange missing its final dot */
    HINT_MX_MULTI      = 1u << 9,  /* ... two or more exchanges, all with addresses, none explained */
    HINT_MX_OWN_ADDRESS = 1u << 10,/* ... an exchange whose address records are the domain's own */
    HINT_MX_CDN        = 1u << 11, /* ... an exchange address in a CDN/WAF range */
    HINT_MX_ADDRESSES  = 1u << 12, /* ... an exchange with addresses that is not explained */
    HINT_IMPLICIT_APEX = 1u << 13, /* the apex has no MX but addresses (implicit MX) */
};
#define HINTS_RECORDS 1u
#define HINTS_ROUTES  2u

static const struct { const char *name; unsigned bit, group; } hint_names[] = {
    {"wildcard-mx", HINT_WILDCARD_MX, HINTS_RECORDS},
    {"null-mx", HINT_NULL_MX, HINTS_RECORDS},
    {"star-label", HINT_STAR_LABEL, HINTS_RECORDS},
    {"inventory", HINT_INVENTORY, HINTS_RECORDS},
    {"mx-cname", HINT_MX_CNAME, HINTS_ROUTES},
    {"mx-wildcard", HINT_MX_WILDCARD, HINTS_ROUTES},
    {"mx-dangling", HINT_MX_DANGLING, HINTS_ROUTES},
    {"mx-ip", HINT_MX_IP, HINTS_ROUTES},
    {"mx-missing-dot", HINT_MX_MISSING_DOT, HINTS_ROUTES},
    {"mx-multi", HINT_MX_MULTI, HINTS_ROUTES},
    {"mx-own-address", HINT_MX_OWN_ADDRESS, HINTS_ROUTES},
    {"mx-cdn", HINT_MX_CDN, HINTS_ROUTES},
    {"mx-addresses", HINT_MX_ADDRESSES, HINTS_ROUTES},
    {"implicit-apex", HINT_IMPLICIT_APEX, HINTS_ROUTES},
};

static unsigned hints_records(lua_State *L, mxh_engine *e, const mxh_zone *z)
{
    unsigned h = 0;
    if (mxh_zoneset_server_count(e->zs) > 0)
        h |= HINT_INVENTORY;
    mxh_mx_iter it;
    mxh_lua_mx_iter(L, e, z, &it);
    for (const mxh_rr *rr; (rr = mxh_lua_mx_next(&it)) != NULL;) {
        const char *t = mxh_rr_target(rr);
        if (rr->node->flags & MXH_NODE_WILDCARD)
            h |= HINT_WILDCARD_MX;
        if (t && strcmp(t, ".") == 0)
            h |= HINT_NULL_MX;
    }
    for (size_t i = 0; i < z->nnodes && !(h & HINT_STAR_LABEL); i++) {
        const mxh_node *nd = z->node_list[i];
        const char *nm = nd->name;
        size_t nl = nd->name_len;
        if (nd->flags & MXH_NODE_WILDCARD) {
            nm += 2; /* a leading "*" label is a real wildcard (RFC 4592 §2.1.1) */
            nl -= 2;
        }
        if (memchr(nm, '*', nl))
            h |= HINT_STAR_LABEL;
    }
    return h;
}

/* Route facts of one mail domain d. */
static unsigned hints_route_facts(lua_State *L, mxh_engine *e, const mxh_zone *z, const char *d,
                                  const mxh_route *r);

/* Route facts of one mail domain d (kept with its route); its route index
 * into *idx. */
static unsigned hints_route(lua_State *L, mxh_engine *e, const mxh_zone *z, const char *d,
                            size_t *idx)
{
    const mxh_route *r = get_route(L, e, z, d, idx);
    if (e->route_hints[*idx] & MXH_HINTS_KNOWN)
        return e->route_hints[*idx] & ~MXH_HINTS_KNOWN;
    unsigned h = hints_route_facts(L, e, z, d, r);
    e->route_hints[*idx] = h | MXH_HINTS_KNOWN;
    return h;
}

static unsigned hints_route_facts(lua_State *L, mxh_engine *e, const mxh_zone *z, const char *d,
                                  const mxh_route *r)
{
    mxh_route_kind k = mxh_route_kind_of(r);
    unsigned h = 0;
    if (k == MXH_ROUTE_IMPLICIT && z->apex && strcmp(d, mxh_zone_origin(z)) == 0)
        h |= HINT_IMPLICIT_APEX;
    if (k != MXH_ROUTE_MX)
        return h;
    size_t nx = mxh_route_exchange_count(r);
    int multi = nx >= 2;
    for (size_t i = 0; i < nx; i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        mxh_exchange_status st = mxh_exchange_status_of(x);
        const char *xn = mxh_exchange_name(x);
        int ip, dot;
        mxh_lua_exchange_facts(e, z, x, &ip, &dot);
        int explained = (xn && strcmp(xn, ".") == 0) || ip || dot;
        if (ip)
            h |= HINT_MX_IP;
        if (dot && !ip)
            h |= HINT_MX_MISSING_DOT;
        if (mxh_exchange_via_cname(x))
            h |= HINT_MX_CNAME;
        if (st == MXH_EX_NXDOMAIN || st == MXH_EX_NODATA || st == MXH_EX_LOOP)
            h |= HINT_MX_DANGLING;
        if (st != MXH_EX_ADDRESSES || explained)
            multi = 0;
        if (st != MXH_EX_ADDRESSES)
            continue;
        if (mxh_exchange_via_wildcard(x))
            h |= HINT_MX_WILDCARD;
        if (!explained)
            h |= HINT_MX_ADDRESSES;
        size_t na = mxh_exchange_address_count(x);
        for (size_t a = 0; a < na; a++) {
            const mxh_rr *ar = mxh_exchange_address_record(x, a);
            if (ar == NULL)
                continue;
            if (strcmp(mxh_rr_owner(ar), d) == 0)
                h |= HINT_MX_OWN_ADDRESS;
            const char *rd = mxh_rr_rdata(ar);
            if (rd && mxh_lua_cdn_of(L, rd))
                h |= HINT_MX_CDN;
        }
    }
    if (multi)
        h |= HINT_MX_MULTI;
    return h;
}

/* Note route index idx as the next mail domain of e->zone. */
static void mail_note(lua_State *L, mxh_engine *e, size_t idx)
{
    if (e->nmail == e->capmail) {
        size_t cap = e->capmail ? e->capmail * 2 : 16;
        uint32_t *nm = realloc(e->mail_idx, cap * sizeof *nm);
        if (nm == NULL)
            luaL_error(L, "out of memory");
        e->mail_idx = nm;
        e->capmail = cap;
    }
    e->mail_idx[e->nmail++] = (uint32_t)idx;
}

/* The route facts of every mail domain of z, as zone:mail_domains() lists
 * them; for the zone being scanned the domains' route indexes are noted in
 * e->mail_idx, in that order (zone:mail_domains(hint) reads them). */
static unsigned hints_routes(lua_State *L, mxh_engine *e, const mxh_zone *z)
{
    int own = z == e->zone;
    size_t idx, dl;
    if (own)
        e->nmail = 0;
    unsigned h = 0;
    mail_iter m;
    mail_begin(L, e, z, &m);
    for (const char *d; (d = mail_next(&m, &dl)) != NULL;) {
        h |= hints_route(L, e, z, d, &idx);
        if (own)
            mail_note(L, e, idx);
    }
    return h;
}

int mxh_lua_hint_lookup(const char *name, unsigned *bit, unsigned *group)
{
    for (size_t i = 0; i < sizeof hint_names / sizeof hint_names[0]; i++) {
        if (strcmp(hint_names[i].name, name) == 0) {
            *bit = hint_names[i].bit;
            *group = hint_names[i].group;
            return 1;
        }
    }
    return 0;
}

void mxh_lua_hints_compute(lua_State *L, mxh_engine *e, unsigned groups)
{
    const mxh_zone *z = e->zone;
    if (e->hints_gen != e->gen) {
        e->hints_gen = e->gen;
        e->hints = 0;
        e->hints_done = 0;
    }
    if ((groups & HINTS_RECORDS) && !(e->hints_done & HINTS_RECORDS)) {
        e->hints |= hints_records(L, e, z);
        e->hints_done |= HINTS_RECORDS;
    }
    if ((groups & HINTS_ROUTES) && !(e->hints_done & HINTS_ROUTES)) {
        e->hints |= hints_routes(L, e, z);
        e->hints_done |= HINTS_ROUTES;
    }
}

/* zone:mail_domains(hint): the mail domains (zone:mail_domains() order)
 * whose own route has the route hint (an "mx-..." hint or "implicit-apex"):
 * the domains a rule needing that hint can report on, from the facts the
 * hints computed (each hint is a necessary condition per domain, see
 * above). */
static int zone_mail_domains_hint(lua_State *L, mxh_engine *e, const mxh_zone *z)
{
    const char *what = luaL_checkstring(L, 2);
    unsigned bit, group;
    if (!mxh_lua_hint_lookup(what, &bit, &group))
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown hint '%s'", what));
    if (group != HINTS_ROUTES)
        return luaL_argerror(L, 2, lua_pushfstring(L, "'%s' is not a route hint", what));
    lua_newtable(L);
    lua_Integer k = 0;
    if (z == e->zone) {
        mxh_lua_hints_compute(L, e, HINTS_ROUTES);
        for (size_t i = 0; i < e->nmail; i++) {
            uint32_t idx = e->mail_idx[i];
            if (e->route_hints[idx] & bit) {
                lua_pushstring(L, mxh_route_domain(e->routes[idx]));
                lua_rawseti(L, -2, ++k);
            }
        }
        return 1;
    }
    /* another zone: its domains' facts one by one, in the same order */
    size_t idx, dl;
    mail_iter m;
    mail_begin(L, e, z, &m);
    for (const char *d; (d = mail_next(&m, &dl)) != NULL;) {
        if (hints_route(L, e, z, d, &idx) & bit) {
            lua_pushlstring(L, d, dl);
            lua_rawseti(L, -2, ++k);
        }
    }
    return 1;
}

static int zone_hint(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_zone *z = ZONE(L);
    const char *what = luaL_checkstring(L, 2);
    unsigned bit, group, h;
    if (!mxh_lua_hint_lookup(what, &bit, &group))
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown hint '%s'", what));
    if (z == e->zone) {
        mxh_lua_hints_compute(L, e, group);
        h = e->hints;
    } else {
        h = group == HINTS_RECORDS ? hints_records(L, e, z) : hints_routes(L, e, z);
    }
    lua_pushboolean(L, (h & bit) != 0);
    return 1;
}

static int zone_tostring(lua_State *L)
{
    mxh_lhandle *h = mxh_lua_test(L, 1, MXH_LK_ZONE);
    mxh_engine *e = mxh_lua_engine(L);
    if (h && e->scanning && h->gen == e->gen)
        lua_pushfstring(L, "zone %s", mxh_zone_origin(h->ptr));
    else
        lua_pushliteral(L, "zone (released)");
    return 1;
}

static const luaL_Reg zone_methods[] = {
    {"origin", zone_origin},         {"file", zone_file},
    {"incomplete", zone_incomplete}, {"incomplete_at", zone_incomplete_at},
    {"records", zone_records},
    {"rrset", zone_rrset},           {"names", zone_names},
    {"node", zone_node},             {"has_type", zone_has_type},
    {"lookup", zone_lookup},         {"mail_route", zone_mail_route},
    {"mail_domains", zone_mail_domains}, {"zoneset", zone_zoneset},
    {"local_servers", zone_local_servers}, {"hint", zone_hint},
    {"spf_record", zone_spf_record}, {"whatif", mxh_lua_zone_whatif},
    {NULL, NULL}
};

/* ---- node -------------------------------------------------------------- */

#define NODE(L) ((const mxh_node *)mxh_lua_check(L, 1, MXH_LK_NODE)->ptr)

static int node_name(lua_State *L)
{
    lua_pushstring(L, NODE(L)->name);
    return 1;
}

static int node_exists(lua_State *L)
{
    (void)NODE(L);
    lua_pushboolean(L, 1);
    return 1;
}

static int node_is_ent(lua_State *L)
{
    lua_pushboolean(L, NODE(L)->rrs == NULL);
    return 1;
}

static int node_is_wildcard(lua_State *L)
{
    const mxh_node *n = NODE(L);
    lua_pushboolean(L, (n->flags & MXH_NODE_WILDCARD) || mxh_name_is_wildcard(n->name));
    return 1;
}

static int node_is_apex(lua_State *L)
{
    const mxh_node *n = NODE(L);
    lua_pushboolean(L, (n->flags & MXH_NODE_APEX) || (n->zone && n->zone->apex == n));
    return 1;
}

static int node_is_cut(lua_State *L)
{
    lua_pushboolean(L, (NODE(L)->flags & MXH_NODE_CUT) != 0);
    return 1;
}

static int node_below_cut(lua_State *L)
{
    lua_pushboolean(L, (NODE(L)->flags & MXH_NODE_BELOW_CUT) != 0);
    return 1;
}

static int node_records(lua_State *L)
{
    const mxh_node *n = NODE(L);
    push_node_records(L, n, opt_type(L, 2));
    return 1;
}

static int node_tostring(lua_State *L)
{
    lua_pushfstring(L, "node %s", NODE(L)->name);
    return 1;
}

static const luaL_Reg node_methods[] = {
    {"name", node_name},       {"exists", node_exists},       {"is_ent", node_is_ent},
    {"is_wildcard", node_is_wildcard}, {"is_apex", node_is_apex}, {"is_cut", node_is_cut},
    {"below_cut", node_below_cut}, {"records", node_records}, {NULL, NULL}
};

/* ---- record ------------------------------------------------------------ */

#define REC(L) ((const mxh_rr *)mxh_lua_check(L, 1, MXH_LK_RECORD)->ptr)

static int rec_owner(lua_State *L)
{
    lua_pushstring(L, mxh_rr_owner(REC(L)));
    return 1;
}

static int rec_type(lua_State *L)
{
    char buf[16];
    lua_pushstring(L, mxh_type_name(mxh_rr_type(REC(L)), buf));
    return 1;
}

static int rec_ttl(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mxh_rr_ttl(REC(L)));
    return 1;
}

static int rec_class(lua_State *L)
{
    unsigned c = mxh_rr_class(REC(L));
    switch (c) {
    case 1: lua_pushliteral(L, "IN"); break;
    case 3: lua_pushliteral(L, "CH"); break;
    case 4: lua_pushliteral(L, "HS"); break;
    default: lua_pushfstring(L, "CLASS%d", (int)c); break;
    }
    return 1;
}

static int rec_rdata(lua_State *L)
{
    lua_pushstring(L, mxh_rr_rdata(REC(L)));
    return 1;
}

static int rec_target(lua_State *L)
{
    push_opt_string(L, mxh_rr_target(REC(L)));
    return 1;
}

static int rec_preference(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mxh_rr_preference(REC(L)));
    return 1;
}

static int rec_target_relative(lua_State *L)
{
    lua_pushboolean(L, mxh_rr_target_relative(REC(L)));
    return 1;
}

static int rec_owner_text(lua_State *L)
{
    lua_pushstring(L, mxh_rr_owner_text(REC(L)));
    return 1;
}

static int rec_rdata_text(lua_State *L)
{
    lua_pushstring(L, mxh_rr_rdata_text(REC(L)));
    return 1;
}

static int rec_file(lua_State *L)
{
    lua_pushstring(L, mxh_rr_file(REC(L)));
    return 1;
}

static int rec_line(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mxh_rr_line(REC(L)));
    return 1;
}

static int rec_source(lua_State *L)
{
    const mxh_rr *rr = REC(L);
    lua_pushfstring(L, "%s:%I", mxh_rr_file(rr), (lua_Integer)mxh_rr_line(rr));
    return 1;
}

static int rec_tostring(lua_State *L)
{
    const mxh_rr *rr = REC(L);
    char buf[512];
    size_t n = mxh_rr_format(rr, buf, sizeof buf);
    if (n < sizeof buf) {
        lua_pushlstring(L, buf, n);
        return 1;
    }
    char *big = lua_newuserdatauv(L, n + 1, 0);
    mxh_rr_format(rr, big, n + 1);
    lua_pushlstring(L, big, n);
    return 1;
}

static const luaL_Reg rec_methods[] = {
    {"owner", rec_owner},           {"type", rec_type},
    {"ttl", rec_ttl},               {"class", rec_class},
    {"rdata", rec_rdata},           {"target", rec_target},
    {"preference", rec_preference}, {"target_relative", rec_target_relative},
    {"owner_text", rec_owner_text}, {"rdata_text", rec_rdata_text},
    {"file", rec_file},             {"line", rec_line},
    {"source", rec_source},         {NULL, NULL}
};

/* ---- steps ------------------------------------------------------------- */

void mxh_lua_step_text(const mxh_step *s, char *buf, size_t bufsz)
{
    const char *t = mxh_step_target(s);
    if (t)
        snprintf(buf, bufsz, "%s %s -> %s", mxh_step_kind_name(mxh_step_kind_of(s)),
                 mxh_step_name(s), t);
    else
        snprintf(buf, bufsz, "%s %s", mxh_step_kind_name(mxh_step_kind_of(s)), mxh_step_name(s));
}

/* kind, name, target, record[, exchange index] */
static int push_step(lua_State *L, const mxh_step *s, int with_exchange)
{
    lua_pushstring(L, mxh_step_kind_name(mxh_step_kind_of(s)));
    push_opt_string(L, mxh_step_name(s));
    push_opt_string(L, mxh_step_target(s));
    mxh_lua_push_record(L, mxh_step_record(s));
    if (!with_exchange)
        return 4;
    int x = mxh_step_exchange(s);
    if (x >= 0)
        lua_pushinteger(L, (lua_Integer)x + 1);
    else
        lua_pushnil(L);
    return 5;
}

static void push_step_table(lua_State *L, const mxh_step *s)
{
    lua_createtable(L, 0, 4);
    lua_pushstring(L, mxh_step_kind_name(mxh_step_kind_of(s)));
    lua_setfield(L, -2, "kind");
    push_opt_string(L, mxh_step_name(s));
    lua_setfield(L, -2, "name");
    push_opt_string(L, mxh_step_target(s));
    lua_setfield(L, -2, "target");
    mxh_lua_push_record(L, mxh_step_record(s));
    lua_setfield(L, -2, "record");
}

/* ---- lookup ------------------------------------------------------------ */

#define LK(L) ((const mxh_lookup *)mxh_lua_check(L, 1, MXH_LK_LOOKUPH)->ptr)

static int lk_status(lua_State *L)
{
    lua_pushstring(L, mxh_lookup_status_name(mxh_lookup_status_of(LK(L))));
    return 1;
}

static int lk_final_name(lua_State *L)
{
    push_opt_string(L, mxh_lookup_final_name(LK(L)));
    return 1;
}

static int lk_records(lua_State *L)
{
    const mxh_lookup *lk = LK(L);
    size_t n = mxh_lookup_answer_count(lk);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        mxh_lua_push_record(L, mxh_lookup_answer(lk, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int lk_wildcard(lua_State *L)
{
    lua_pushboolean(L, mxh_lookup_wildcard(LK(L)));
    return 1;
}

static int lk_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mxh_lookup_step_count(LK(L)));
    return 1;
}

static int lk_step(lua_State *L)
{
    const mxh_lookup *lk = LK(L);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || (size_t)i > mxh_lookup_step_count(lk))
        return 0;
    return push_step(L, mxh_lookup_step(lk, (size_t)i - 1), 0);
}

static int lk_tostring(lua_State *L)
{
    const mxh_lookup *lk = LK(L);
    lua_pushfstring(L, "lookup %s: %s", mxh_lookup_final_name(lk) ? mxh_lookup_final_name(lk) : "?",
                    mxh_lookup_status_name(mxh_lookup_status_of(lk)));
    return 1;
}

static const luaL_Reg lk_methods[] = {
    {"status", lk_status}, {"final_name", lk_final_name}, {"records", lk_records},
    {"wildcard", lk_wildcard}, {"step", lk_step}, {NULL, NULL}
};

/* ---- route ------------------------------------------------------------- */

#define ROUTE(L) ((const mxh_route *)mxh_lua_check(L, 1, MXH_LK_ROUTE)->ptr)

static int route_domain(lua_State *L)
{
    lua_pushstring(L, mxh_route_domain(ROUTE(L)));
    return 1;
}

static int route_kind(lua_State *L)
{
    lua_pushstring(L, mxh_route_kind_name(mxh_route_kind_of(ROUTE(L))));
    return 1;
}

static int route_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mxh_route_step_count(ROUTE(L)));
    return 1;
}

static int route_step(lua_State *L)
{
    const mxh_route *r = ROUTE(L);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || (size_t)i > mxh_route_step_count(r))
        return 0;
    return push_step(L, mxh_route_step(r, (size_t)i - 1), 1);
}

static int route_exchanges(lua_State *L)
{
    const mxh_route *r = ROUTE(L);
    size_t n = mxh_route_exchange_count(r);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_cached(L, MXH_LK_EXCHANGE, mxh_route_exchange(r, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int route_tostring(lua_State *L)
{
    const mxh_route *r = ROUTE(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "mail route of %s: %s", mxh_route_domain(r),
                    mxh_route_kind_name(mxh_route_kind_of(r)));
    luaL_addvalue(&b);
    size_t n = mxh_route_step_count(r);
    for (size_t i = 0; i < n; i++) {
        const mxh_step *s = mxh_route_step(r, i);
        char text[2 * MXH_NAME_BUF + 32];
        mxh_lua_step_text(s, text, sizeof text);
        lua_pushfstring(L, "\n  %d. %s", (int)i + 1, text);
        luaL_addvalue(&b);
        const mxh_rr *rr = mxh_step_record(s);
        if (rr) {
            lua_pushfstring(L, " (%s:%I)", mxh_rr_file(rr), (lua_Integer)mxh_rr_line(rr));
            luaL_addvalue(&b);
        }
    }
    luaL_pushresult(&b);
    return 1;
}

static const luaL_Reg route_methods[] = {
    {"domain", route_domain}, {"kind", route_kind}, {"step", route_step},
    {"exchanges", route_exchanges}, {NULL, NULL}
};

/* ---- exchange ---------------------------------------------------------- */

#define EXCH(L) ((const mxh_exchange *)mxh_lua_check(L, 1, MXH_LK_EXCHANGE)->ptr)

static int x_name(lua_State *L)
{
    lua_pushstring(L, mxh_exchange_name(EXCH(L)));
    return 1;
}

static int x_preference(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mxh_exchange_preference(EXCH(L)));
    return 1;
}

static int x_record(lua_State *L)
{
    mxh_lua_push_record(L, mxh_exchange_record(EXCH(L)));
    return 1;
}

static int x_status(lua_State *L)
{
    lua_pushstring(L, mxh_exchange_status_name(mxh_exchange_status_of(EXCH(L))));
    return 1;
}

static int x_addresses(lua_State *L)
{
    const mxh_exchange *x = EXCH(L);
    size_t n = mxh_exchange_address_count(x);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_opt_string(L, mxh_exchange_address(x, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int x_address_records(lua_State *L)
{
    const mxh_exchange *x = EXCH(L);
    size_t n = mxh_exchange_address_count(x);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        const mxh_rr *rr = mxh_exchange_address_record(x, i);
        if (rr) {
            mxh_lua_push_record(L, rr);
            lua_rawseti(L, -2, ++k);
        }
    }
    return 1;
}

static int x_via_wildcard(lua_State *L)
{
    lua_pushboolean(L, mxh_exchange_via_wildcard(EXCH(L)));
    return 1;
}

static int x_via_cname(lua_State *L)
{
    lua_pushboolean(L, mxh_exchange_via_cname(EXCH(L)));
    return 1;
}

static int x_steps(lua_State *L)
{
    const mxh_exchange *x = EXCH(L);
    size_t n = mxh_exchange_step_count(x);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_step_table(L, mxh_exchange_step(x, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int x_tostring(lua_State *L)
{
    const mxh_exchange *x = EXCH(L);
    lua_pushfstring(L, "exchange %s (%d, %s)", mxh_exchange_name(x),
                    (int)mxh_exchange_preference(x),
                    mxh_exchange_status_name(mxh_exchange_status_of(x)));
    return 1;
}

static const luaL_Reg x_methods[] = {
    {"name", x_name},           {"preference", x_preference},
    {"record", x_record},       {"status", x_status},
    {"addresses", x_addresses}, {"address_records", x_address_records},
    {"via_wildcard", x_via_wildcard}, {"via_cname", x_via_cname},
    {"steps", x_steps},         {NULL, NULL}
};

/* ---- zone set and servers --------------------------------------------- */

#define ZS(L) ((const mxh_zoneset *)mxh_lua_check(L, 1, MXH_LK_ZONESET)->ptr)

static int zs_zone_for(lua_State *L)
{
    const mxh_zoneset *zs = ZS(L);
    char buf[MXH_NAME_BUF];
    const char *name = check_name(L, 2, buf, sizeof buf);
    mxh_lua_push_zone(L, mxh_zoneset_find_zone(zs, name));
    return 1;
}

static int zs_zones_iter(lua_State *L)
{
    const mxh_zoneset *zs = mxh_lua_check(L, lua_upvalueindex(1), MXH_LK_ZONESET)->ptr;
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    if ((size_t)i >= mxh_zoneset_zone_count(zs))
        return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    mxh_lua_push_zone(L, mxh_zoneset_zone(zs, (size_t)i));
    return 1;
}

static int zs_zones(lua_State *L)
{
    (void)ZS(L);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, zs_zones_iter, 2);
    return 1;
}

static int zs_servers(lua_State *L)
{
    const mxh_zoneset *zs = ZS(L);
    size_t n = mxh_zoneset_server_count(zs);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_cached(L, MXH_LK_SERVER, mxh_zoneset_server(zs, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int zs_tostring(lua_State *L)
{
    lua_pushliteral(L, "zoneset");
    return 1;
}

static const luaL_Reg zs_methods[] = {
    {"zone_for", zs_zone_for}, {"zones", zs_zones}, {"servers", zs_servers}, {NULL, NULL}
};

#define SRV(L) ((const mxh_server *)mxh_lua_check(L, 1, MXH_LK_SERVER)->ptr)

static int srv_name(lua_State *L)
{
    lua_pushstring(L, mxh_server_name(SRV(L)));
    return 1;
}

static int srv_addresses(lua_State *L)
{
    const mxh_server *s = SRV(L);
    size_t n = mxh_server_address_count(s);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_opt_string(L, mxh_server_address(s, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int srv_domains(lua_State *L)
{
    const mxh_server *s = SRV(L);
    size_t n = mxh_server_domain_count(s);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_opt_string(L, mxh_server_domain(s, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int srv_source(lua_State *L)
{
    const mxh_server *s = SRV(L);
    lua_pushfstring(L, "%s:%I", mxh_server_file(s), (lua_Integer)mxh_server_line(s));
    return 1;
}

static int srv_tostring(lua_State *L)
{
    lua_pushfstring(L, "server %s", mxh_server_name(SRV(L)));
    return 1;
}

static const luaL_Reg srv_methods[] = {
    {"name", srv_name}, {"addresses", srv_addresses}, {"domains", srv_domains},
    {"source", srv_source}, {NULL, NULL}
};

/* ---- registration ------------------------------------------------------ */

static void make_mt(lua_State *L, int kind, const luaL_Reg *methods, lua_CFunction tostr,
                    lua_CFunction len)
{
    lua_createtable(L, 0, 6);
    lua_pushfstring(L, "mxh.%s", kind_names[kind]);
    lua_setfield(L, -2, "__name");
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    if (tostr) {
        lua_pushcfunction(L, tostr);
        lua_setfield(L, -2, "__tostring");
    }
    if (len) {
        lua_pushcfunction(L, len);
        lua_setfield(L, -2, "__len");
    }
    lua_pushcfunction(L, obj_eq);
    lua_setfield(L, -2, "__eq");
    lua_pushfstring(L, "mxh.%s", kind_names[kind]);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &mt_keys[kind]);
}

void mxh_lua_objects_open(lua_State *L)
{
    make_mt(L, MXH_LK_ZONE, zone_methods, zone_tostring, NULL);
    make_mt(L, MXH_LK_NODE, node_methods, node_tostring, NULL);
    make_mt(L, MXH_LK_RECORD, rec_methods, rec_tostring, NULL);
    make_mt(L, MXH_LK_LOOKUPH, lk_methods, lk_tostring, lk_len);
    make_mt(L, MXH_LK_ROUTE, route_methods, route_tostring, route_len);
    make_mt(L, MXH_LK_EXCHANGE, x_methods, x_tostring, NULL);
    make_mt(L, MXH_LK_ZONESET, zs_methods, zs_tostring, NULL);
    make_mt(L, MXH_LK_SERVER, srv_methods, srv_tostring, NULL);
}

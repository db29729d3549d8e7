/* SPDX-License-Identifier: MIT */
/*
 * lua_whatif.c — zone:whatif(changes): the what-if of core/whatif.c asked
 * from inside a rule (see docs/rules.md, "What-if in a rule").
 *
 * zone:whatif applies a changeset (mxh_changeset_apply: a copy of the whole
 * zone set with the changes made) and hands the rule a view of the copy:
 *   view:mail_route(domain)  a route handle over the changed zone set
 *   view:compare([domain])   one domain's classification, or the counts
 *   view:domains()           every mail domain's classification
 *   view:changes()           the change lines as parsed
 * Views are cached for the zone scan by (zone, changes text), so rules asking
 * the same question share one copy; the copies, their routes and their
 * comparison are freed when the zone's scan ends (mxh_lua_whatif_release,
 * called from mxh_lua_zone_release), after which a kept view raises
 * "whatif view used after its zone was released". Like the handles of loaded
 * objects, none of it is charged to the running rule's memory cap: the copy
 * is C memory, and the Lua side (view, caches, route handles) is lifted off
 * the cap while it is made.
 */
#include "lua_changes.h"
#include "lua_engine.h"
#include "route_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WV_MAGIC 0x6d785776u
/* Distinct questions (zone, changes) per zone scan: each answer is a copy of
 * the whole zone set, made in C outside the rule's budgets, so a rule trying
 * edits in a loop is stopped here. */
#define WV_MAX_QUESTIONS 32
/* Distinct domains routed per view (as zone lookups are bounded). */
#define WV_MAX_ROUTES    MXH_LUA_MAX_LOOKUPS

/* One applied changeset. */
typedef struct wview {
    const mxh_zone *zone;     /* zone asked through (origin of relative names) */
    mxh_changeset *cs;
    mxh_zoneset *after;       /* the changed copy */
    const mxh_zone *ctx;      /* after's copy of zone (context of routes) */
    mxh_whatif *w;            /* before/after comparison, made on first use */
    mxh_route **routes;
    size_t nroutes, caproutes;
} wview;

struct mxh_lua_whatif {
    wview **v;
    size_t n, cap;
    size_t asked;             /* distinct questions answered, failed ones too */
    int cache_ref;            /* key -> view userdata, or the error text */
};

/* The Lua userdata of a view; uservalue 1: its route cache (name -> handle). */
typedef struct lview {
    uint32_t magic;
    uint32_t gen;             /* engine generation (zone scan) it belongs to */
    wview *v;
} lview;

static char view_mt_key;

static void wview_free(wview *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->nroutes; i++)
        mxh_route_free(v->routes[i]);
    free(v->routes);
    mxh_whatif_free(v->w);    /* borrows after: first */
    mxh_zoneset_free(v->after);
    mxh_changeset_free(v->cs);
    free(v);
}

void mxh_lua_whatif_release(mxh_engine *e)
{
    struct mxh_lua_whatif *s = e->whatif;
    if (s == NULL)
        return;
    if (e->L)
        luaL_unref(e->L, LUA_REGISTRYINDEX, s->cache_ref);
    for (size_t i = 0; i < s->n; i++)
        wview_free(s->v[i]);
    free(s->v);
    free(s);
    e->whatif = NULL;
}

/* ---- memory that is not the rule's ------------------------------------ */

typedef struct uncharged {
    size_t limit, before;
} uncharged;

static void uncharged_begin(mxh_engine *e, uncharged *u)
{
    u->limit = e->mem_limit;
    u->before = e->mem_used;
    e->mem_limit = SIZE_MAX;
}

/* The cap moves up by what was made meanwhile. */
static void uncharged_end(mxh_engine *e, const uncharged *u)
{
    size_t grown = e->mem_used > u->before ? e->mem_used - u->before : 0;
    e->mem_limit = u->limit > SIZE_MAX - grown ? SIZE_MAX : u->limit + grown;
}

static struct mxh_lua_whatif *state_of(lua_State *L, mxh_engine *e)
{
    if (e->whatif == NULL) {
        struct mxh_lua_whatif *s = calloc(1, sizeof *s);
        if (s == NULL)
            luaL_error(L, "whatif: out of memory");
        s->cache_ref = LUA_NOREF;
        e->whatif = s;
    }
    return e->whatif;
}

/* ---- the view handle --------------------------------------------------- */

static wview *check_view(lua_State *L, int idx)
{
    lview *h = lua_touserdata(L, idx);
    if (h == NULL || lua_type(L, idx) != LUA_TUSERDATA || lua_rawlen(L, idx) != sizeof *h ||
        h->magic != WV_MAGIC) {
        luaL_typeerror(L, idx, "whatif view");
        return NULL;
    }
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->scanning || h->gen != e->gen || h->v == NULL)
        luaL_error(L, "whatif view used after its zone was released");
    return h->v;
}

/* Canonical form of the name at idx into buf (raises on a bad name). */
static const char *check_domain(lua_State *L, int idx, char *buf, size_t bufsz)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    int r = (len == 0 || strlen(s) != len) ? MXH_NAME_ERR_EMPTY
                                           : mxh_name_from_user(s, buf, bufsz);
    if (r <= 0) {
        lua_pushfstring(L, "bad domain name '%s': %s", s, mxh_name_strerror(r));
        luaL_argerror(L, idx, lua_tostring(L, -1));
    }
    return buf;
}

/* view:mail_route(domain): the route over the changed zone set, asked
 * through the changed copy of the zone (RFC 5321 §5.1, as zone:mail_route).
 * Cached per view by the domain. */
static int view_mail_route(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    wview *v = check_view(L, 1);
    char buf[MXH_NAME_BUF];
    const char *name = check_domain(L, 2, buf, sizeof buf);
    lua_getiuservalue(L, 1, 1);
    if (lua_getfield(L, -1, name) == LUA_TUSERDATA)
        return 1;
    lua_pop(L, 1);
    if (v->nroutes >= WV_MAX_ROUTES)
        return luaL_error(L, "whatif: more than %d distinct domains routed in one view",
                          WV_MAX_ROUTES);
    if (v->nroutes == v->caproutes) {
        size_t cap = v->caproutes ? v->caproutes * 2 : 8;
        mxh_route **nr = realloc(v->routes, cap * sizeof *nr);
        if (nr == NULL)
            return luaL_error(L, "out of memory");
        v->routes = nr;
        v->caproutes = cap;
    }
    mxh_route *r = NULL;
    mxh_status st = mxh_mail_route_ctx(v->after, v->ctx, name, &r);
    if (st != MXH_OK || r == NULL)
        return luaL_error(L, "mail route of %s failed: %s", name, mxh_strerror(st));
    v->routes[v->nroutes++] = r;
    uncharged u;
    uncharged_begin(e, &u);
    mxh_lua_push_route(L, r);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
    uncharged_end(e, &u);
    return 1;
}

/* The comparison of the zone set with its changed copy, made on first use. */
static const mxh_whatif *view_compared(lua_State *L, wview *v)
{
    if (v->w == NULL) {
        mxh_engine *e = mxh_lua_engine(L);
        mxh_whatif_opts o;
        memset(&o, 0, sizeof o);
        o.cdn = e->cdn_user; /* the engine's table, else the built-in one */
        mxh_status st = mxh_whatif_compare(e->zs, v->after, &o, &v->w);
        if (st != MXH_OK) {
            v->w = NULL;
            luaL_error(L, "whatif: comparison failed: %s", mxh_strerror(st));
        }
    }
    return v->w;
}

static void set_str(lua_State *L, const char *k, const char *s)
{
    if (s) {
        lua_pushstring(L, s);
        lua_setfield(L, -2, k);
    }
}

static void set_bool(lua_State *L, const char *k, int b)
{
    lua_pushboolean(L, b);
    lua_setfield(L, -2, k);
}

static void push_side(lua_State *L, const mxh_whatif_domain *d, int after)
{
    size_t n = mxh_whatif_domain_target_count(d, after);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, mxh_whatif_domain_target(d, after, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_locals(lua_State *L, const mxh_whatif_domain *d, int after)
{
    size_t n = mxh_whatif_domain_local_count(d, after);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, mxh_whatif_domain_local(d, after, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* One domain's entry: { domain, change, reason, route_changed,
 * deliverable_before, deliverable_after, before = {targets}, after =
 * {targets}, cdn = {[after target] = provider}, local_before, local_after,
 * causes = {records of the copy} }. */
static void push_entry(lua_State *L, const mxh_whatif_domain *d)
{
    lua_createtable(L, 0, 12);
    set_str(L, "domain", mxh_whatif_domain_name(d));
    set_str(L, "change", mxh_mail_change_name(mxh_whatif_domain_change(d)));
    set_str(L, "reason", mxh_whatif_domain_reason(d));
    set_bool(L, "route_changed", mxh_whatif_domain_route_changed(d));
    set_bool(L, "deliverable_before", mxh_whatif_domain_deliverable(d, 0));
    set_bool(L, "deliverable_after", mxh_whatif_domain_deliverable(d, 1));
    push_side(L, d, 0);
    lua_setfield(L, -2, "before");
    push_side(L, d, 1);
    lua_setfield(L, -2, "after");
    lua_newtable(L);
    for (size_t i = 0; i < mxh_whatif_domain_target_count(d, 1); i++) {
        const char *p = mxh_whatif_domain_target_cdn(d, 1, i);
        if (p) {
            lua_pushstring(L, p);
            lua_setfield(L, -2, mxh_whatif_domain_target(d, 1, i));
        }
    }
    lua_setfield(L, -2, "cdn");
    push_locals(L, d, 0);
    lua_setfield(L, -2, "local_before");
    push_locals(L, d, 1);
    lua_setfield(L, -2, "local_after");
    size_t nc = mxh_whatif_domain_cause_count(d);
    lua_createtable(L, (int)(nc < 1024 ? nc : 1024), 0);
    for (size_t i = 0; i < nc; i++) {
        mxh_lua_push_record(L, mxh_whatif_domain_cause(d, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "causes");
}

/* view:compare(domain): that domain's entry, or nil and why when it is no
 * mail domain of either side. view:compare(): the counts by classification
 * { unchanged = n, moved = n, ["moved-non-mx"] = n, broken = n, restored = n }. */
static int view_compare(lua_State *L)
{
    wview *v = check_view(L, 1);
    if (lua_isnoneornil(L, 2)) {
        const mxh_whatif *w = view_compared(L, v);
        static const mxh_mail_change kinds[] = { MXH_MAIL_UNCHANGED, MXH_MAIL_MOVED,
            MXH_MAIL_MOVED_NON_MX, MXH_MAIL_BROKEN, MXH_MAIL_RESTORED };
        lua_createtable(L, 0, 5);
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            lua_pushinteger(L, (lua_Integer)mxh_whatif_count(w, kinds[k]));
            lua_setfield(L, -2, mxh_mail_change_name(kinds[k]));
        }
        return 1;
    }
    char buf[MXH_NAME_BUF];
    const char *name = check_domain(L, 2, buf, sizeof buf);
    const mxh_whatif_domain *d = mxh_whatif_find_domain(view_compared(L, v), name);
    if (d == NULL) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s is not a mail domain of the zone set", name);
        return 2;
    }
    push_entry(L, d);
    return 1;
}

/* view:domains(): every mail domain's entry, sorted by name. */
static int view_domains(lua_State *L)
{
    const mxh_whatif *w = view_compared(L, check_view(L, 1));
    size_t n = mxh_whatif_domain_count(w);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        push_entry(L, mxh_whatif_domain_at(w, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* view:changes(): the change lines as parsed (whitespace folded). */
static int view_changes(lua_State *L)
{
    wview *v = check_view(L, 1);
    size_t n = mxh_changeset_count(v->cs);
    lua_createtable(L, (int)(n < 1024 ? n : 1024), 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, mxh_change_text(mxh_changeset_change(v->cs, i)));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int view_tostring(lua_State *L)
{
    lview *h = lua_touserdata(L, 1);
    mxh_engine *e = mxh_lua_engine(L);
    if (h && lua_rawlen(L, 1) == sizeof *h && h->magic == WV_MAGIC && e->scanning &&
        h->gen == e->gen && h->v)
        lua_pushfstring(L, "whatif view of %s (%d change%s)", mxh_zone_origin(h->v->zone),
                        (int)mxh_changeset_count(h->v->cs),
                        mxh_changeset_count(h->v->cs) == 1 ? "" : "s");
    else
        lua_pushliteral(L, "whatif view (released)");
    return 1;
}

static const luaL_Reg view_methods[] = {
    {"mail_route", view_mail_route}, {"compare", view_compare},
    {"domains", view_domains},       {"changes", view_changes},
    {NULL, NULL}
};

static void push_view_mt(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &view_mt_key) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 4);
    lua_pushliteral(L, "mxh.whatif");
    lua_setfield(L, -2, "__name");
    lua_newtable(L);
    luaL_setfuncs(L, view_methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, view_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "mxh.whatif");
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &view_mt_key);
}

/* ---- zone:whatif(changes) ---------------------------------------------- */

/* Parse the changes at idx into v->cs and apply them to e->zs. 0, or -1 with
 * the message pushed. Raises only for wrong argument types. */
static int build_view(lua_State *L, mxh_engine *e, wview *v, int idx)
{
    if (mxh_changeset_new(&v->cs) != MXH_OK ||
        mxh_changeset_set_origin(v->cs, mxh_zone_origin(v->zone)) != MXH_OK) {
        lua_pushliteral(L, "whatif: out of memory");
        return -1;
    }
    /* push_key has checked the items (strings without a NUL byte). */
    mxh_status st = mxh_lua_load_changes(L, v->cs, idx, (lua_Integer)lua_rawlen(L, idx), "whatif");
    if (st != MXH_OK) {
        mxh_lua_push_change_errors(L, v->cs, NULL);
        return -1;
    }
    st = mxh_changeset_apply(v->cs, e->zs, &v->after);
    if (st != MXH_OK) {
        if (v->after)
            mxh_lua_push_change_errors(L, v->cs, v->after);
        else
            lua_pushfstring(L, "whatif: %s", mxh_strerror(st));
        return -1;
    }
    e->whatif_copies++;
    /* The copy holds the zones in the same order (mxh_changeset_apply). */
    size_t nz = mxh_zoneset_zone_count(e->zs);
    for (size_t i = 0; i < nz && v->ctx == NULL; i++)
        if (mxh_zoneset_zone(e->zs, i) == v->zone && i < mxh_zoneset_zone_count(v->after))
            v->ctx = mxh_zoneset_zone(v->after, i);
    if (v->ctx == NULL || strcmp(mxh_zone_origin(v->ctx), mxh_zone_origin(v->zone)) != 0)
        v->ctx = mxh_zoneset_find_zone(v->after, mxh_zone_origin(v->zone));
    return 0;
}

/* Push the cache key of (zone, changes at idx); raises on a wrong type. */
static void push_key(lua_State *L, const mxh_zone *z, int idx)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, (const char *)&z, sizeof z);
    if (lua_type(L, idx) == LUA_TSTRING) {
        luaL_addchar(&b, 's');
        lua_pushvalue(L, idx);
        luaL_addvalue(&b);
    } else {
        luaL_addchar(&b, 'a');
        lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
        for (lua_Integer i = 1; i <= n; i++) {
            size_t len;
            if (lua_rawgeti(L, idx, i) != LUA_TSTRING)
                luaL_error(L, "whatif: change %d is not a string", (int)i);
            const char *s = lua_tolstring(L, -1, &len);
            if (strlen(s) != len)
                luaL_error(L, "whatif: change %d holds a NUL byte", (int)i);
            luaL_addvalue(&b);
            luaL_addchar(&b, '\0');
        }
    }
    luaL_pushresult(&b);
}

/*
 * zone:whatif(changes): a view of the zone set with changes made (one change
 * a line in a string, or an array of change lines, as `mxhazard plan
 * --change` takes them; relative names against the zone's origin); nil and
 * the message when a change is bad or cannot be applied.
 */
int mxh_lua_zone_whatif(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    int t = lua_type(L, 2);
    if (t != LUA_TSTRING && t != LUA_TTABLE)
        return luaL_typeerror(L, 2, "string or array of change lines");
    if (e->zs == NULL)
        return luaL_error(L, "whatif: no zone set is being scanned");
    push_key(L, z, 2);
    int key = lua_gettop(L);
    struct mxh_lua_whatif *s = state_of(L, e);

    uncharged u;
    uncharged_begin(e, &u);
    if (s->cache_ref == LUA_NOREF || s->cache_ref == LUA_REFNIL) {
        lua_newtable(L);
        lua_pushvalue(L, -1);
        s->cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->cache_ref);
    }
    int cache = lua_gettop(L);
    lua_pushvalue(L, key);
    int ct = lua_rawget(L, cache);
    if (ct == LUA_TUSERDATA) {
        uncharged_end(e, &u);
        return 1;
    }
    if (ct == LUA_TSTRING) {
        uncharged_end(e, &u);
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pop(L, 1);

    if (s->asked >= WV_MAX_QUESTIONS) {
        uncharged_end(e, &u);
        return luaL_error(L, "whatif: more than %d distinct changesets asked in one zone "
                          "(each is a copy of the zone set)", WV_MAX_QUESTIONS);
    }
    s->asked++;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        wview **nv = realloc(s->v, cap * sizeof *nv);
        if (nv == NULL) {
            uncharged_end(e, &u);
            return luaL_error(L, "whatif: out of memory");
        }
        s->v = nv;
        s->cap = cap;
    }
    wview *v = calloc(1, sizeof *v);
    if (v == NULL) {
        uncharged_end(e, &u);
        return luaL_error(L, "whatif: out of memory");
    }
    v->zone = z;
    s->v[s->n++] = v; /* owned by the state from here on, also on errors */
    if (build_view(L, e, v, 2) < 0) {
        /* the same bad changes give the same answer without a new copy */
        lua_pushvalue(L, key);
        lua_pushvalue(L, -2);
        lua_rawset(L, cache);
        s->n--;
        wview_free(v);
        uncharged_end(e, &u);
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lview *h = lua_newuserdatauv(L, sizeof *h, 1);
    h->magic = WV_MAGIC;
    h->gen = e->gen;
    h->v = v;
    push_view_mt(L);
    lua_setmetatable(L, -2);
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    lua_pushvalue(L, key);
    lua_pushvalue(L, -2);
    lua_rawset(L, cache);
    uncharged_end(e, &u);
    return 1;
}

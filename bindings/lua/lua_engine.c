/* SPDX-License-Identifier: MIT */
/*
 * lua_engine.c — the rule engine: rule files (validation, built-ins,
 * replacement, selection, severity overrides), the scan loop and findings.
 *
 * One lua_State per engine. Each rule file is compiled once into its own
 * environment; its check function is kept as a registry reference. Per zone:
 * one zone handle, then every enabled rule whose `needs` the zone meets (its
 * RR types present, its "hint:" zone hints true: lua_objects.c) runs
 * under its instruction budget and memory cap. report{} builds findings in C;
 * a failing rule becomes one rule-error finding. After the zone's rules ran,
 * its handles are released and its findings delivered sorted by owner, then
 * rule id.
 */
#include "lua_engine.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RULE_FILE_MAX ((size_t)1 << 20)

/* ---- small helpers -------------------------------------------------------- */

static char *xstrdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void seterr(mxh_engine *e, const char *fmt, ...) MXH_PRINTF(2, 3);
static void seterr(mxh_engine *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
    va_end(ap);
}

void mxh_engine_add_notice(mxh_engine *e, const char *fmt, ...)
{
    if (e->nnotices > MXH_LUA_MAX_NOTICES)
        return;
    char buf[MXH_LUA_MAX_TEXT + 256];
    if (e->nnotices == MXH_LUA_MAX_NOTICES) {
        snprintf(buf, sizeof buf, "more than %d notices: the rest are dropped",
                 MXH_LUA_MAX_NOTICES);
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    if (e->nnotices == e->capnotices) {
        size_t cap = e->capnotices ? e->capnotices * 2 : 8;
        char **nn = realloc(e->notices, cap * sizeof *nn);
        if (nn == NULL)
            return;
        e->notices = nn;
        e->capnotices = cap;
    }
    char *d = xstrdup(buf);
    if (d)
        e->notices[e->nnotices++] = d;
}

/* ---- severities ---------------------------------------------------------- */

const char *mxh_severity_name(mxh_severity sev)
{
    switch (sev) {
    case MXH_SEV_ERROR: return "error";
    case MXH_SEV_WARNING: return "warning";
    case MXH_SEV_INFO: return "info";
    }
    return "unknown";
}

mxh_status mxh_severity_parse(const char *text, mxh_severity *out)
{
    if (text == NULL || out == NULL)
        return MXH_ERR_ARG;
    static const mxh_severity all[] = {MXH_SEV_ERROR, MXH_SEV_WARNING, MXH_SEV_INFO};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(text, mxh_severity_name(all[i])) == 0) {
            *out = all[i];
            return MXH_OK;
        }
    }
    return MXH_ERR_ARG;
}

/* ---- rules ---------------------------------------------------------------- */

static void rule_free(mxh_rule *r)
{
    if (r == NULL)
        return;
    free(r->id);
    free(r->title);
    free(r->description);
    free(r->example);
    free(r->fix);
    free(r->file);
    for (size_t i = 0; i < r->nrefs; i++)
        free(r->refs[i]);
    free(r->refs);
    free(r->needs);
    free(r->src_owned);
    free(r);
}

/* Binary search by id; returns the index or the insertion point (negated - 1). */
static long rule_index(const mxh_engine *e, const char *id)
{
    size_t lo = 0, hi = e->nrules;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(e->rules[mid]->id, id);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(long)lo - 1;
}

typedef struct load_ctx {
    mxh_engine *e;
    const char *file;      /* shown in messages and chunk name */
    const char *expect_id; /* the file's base name without .lua */
    const char *src;
    size_t len;
    const unsigned char *bc; /* a built-in rule's compiled form, or NULL */
    size_t bclen;
    mxh_rule *rule;        /* built here; freed by the caller on failure */
    char err[900];
} load_ctx;

static const char *const rule_fields[] = {
    "id", "severity", "title", "description", "references", "check",
    "needs", "example", "fix", "tags", NULL
};

#define LFAIL(...) do { snprintf(c->err, sizeof c->err, __VA_ARGS__); return 0; } while (0)

/* Field `name` of the table at t as a malloc'd string; 1 if present. */
static int opt_string_field(lua_State *L, load_ctx *c, int t, const char *name, char **out,
                            int required)
{
    lua_pushstring(L, name);
    int ty = lua_rawget(L, t); /* raw: no metamethod of the rule runs here */
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        if (required) {
            snprintf(c->err, sizeof c->err, "%s: missing field '%s' (a string)", c->file, name);
            return -1;
        }
        return 0;
    }
    if (ty != LUA_TSTRING) {
        snprintf(c->err, sizeof c->err, "%s: field '%s' must be a string, not a %s", c->file,
                 name, lua_typename(L, ty));
        lua_pop(L, 1);
        return -1;
    }
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    *out = xstrndup(s, len);
    lua_pop(L, 1);
    if (*out == NULL) {
        snprintf(c->err, sizeof c->err, "%s: out of memory", c->file);
        return -1;
    }
    return 1;
}

/* Push field `name` of the table at t, which must be an array of strings;
 * returns its length (the array stays pushed) or -1 (nothing pushed). */
static long string_array(lua_State *L, load_ctx *c, int t, const char *name)
{
    lua_pushstring(L, name);
    int ty = lua_rawget(L, t);
    if (ty != LUA_TTABLE) {
        snprintf(c->err, sizeof c->err, "%s: field '%s' must be an array of strings, not a %s",
                 c->file, name, lua_typename(L, ty));
        lua_pop(L, 1);
        return -1;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || lua_tointeger(L, -2) > n) {
            snprintf(c->err, sizeof c->err, "%s: field '%s' must be an array of strings "
                     "(it has a non-sequence key)", c->file, name);
            lua_pop(L, 3);
            return -1;
        }
        if (lua_type(L, -1) != LUA_TSTRING) {
            snprintf(c->err, sizeof c->err, "%s: field '%s' must be an array of strings "
                     "(entry %lld is a %s)", c->file, name, (long long)lua_tointeger(L, -2),
                     luaL_typename(L, -1));
            lua_pop(L, 3);
            return -1;
        }
        lua_pop(L, 1);
    }
    return (long)n;
}

/* Whether the table at t has field name (raw). */
static int has_field(lua_State *L, int t, const char *name)
{
    lua_pushstring(L, name);
    int ty = lua_rawget(L, t);
    lua_pop(L, 1);
    return ty != LUA_TNIL;
}

static int valid_id(const char *id)
{
    if (!*id)
        return 0;
    for (const char *p = id; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static int validate_rule(lua_State *L, load_ctx *c, int t)
{
    /* unknown fields first: this catches misspellings such as "refrences" */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            snprintf(c->err, sizeof c->err, "%s: the rule table has a non-string key (a %s)",
                     c->file, luaL_typename(L, -2));
            lua_pop(L, 2);
            return 0;
        }
        const char *k = lua_tostring(L, -2);
        int known = 0;
        for (int i = 0; rule_fields[i]; i++)
            if (strcmp(k, rule_fields[i]) == 0)
                known = 1;
        if (!known) {
            snprintf(c->err, sizeof c->err, "%s: unknown field '%s' (known: id, severity, title, "
                     "description, references, check, needs, example, fix, tags)", c->file, k);
            lua_pop(L, 2);
            return 0;
        }
        lua_pop(L, 1);
    }
    mxh_rule *r = calloc(1, sizeof *r);
    if (r == NULL)
        LFAIL("%s: out of memory", c->file);
    c->rule = r;
    r->check_ref = LUA_NOREF;
    r->enabled = 1;
    if (opt_string_field(L, c, t, "id", &r->id, 1) < 0)
        return 0;
    if (!valid_id(r->id))
        LFAIL("%s: field 'id' must be lower-case letters, digits and '-' (got '%s')", c->file,
              r->id);
    if (strcmp(r->id, c->expect_id) != 0)
        LFAIL("%s: field 'id' is '%s' but the file name says '%s'", c->file, r->id,
              c->expect_id);
    char *sev = NULL;
    if (opt_string_field(L, c, t, "severity", &sev, 1) < 0)
        return 0;
    mxh_severity sv;
    int ok = mxh_severity_parse(sev, &sv) == MXH_OK && strcmp(sev, mxh_severity_name(sv)) == 0;
    if (!ok) {
        snprintf(c->err, sizeof c->err, "%s: field 'severity' must be error, warning or info "
                 "(got '%s')", c->file, sev);
        free(sev);
        return 0;
    }
    free(sev);
    r->sev = sv;
    if (opt_string_field(L, c, t, "title", &r->title, 1) < 0)
        return 0;
    if (!r->title[0])
        LFAIL("%s: field 'title' is empty", c->file);
    if (opt_string_field(L, c, t, "description", &r->description, 1) < 0)
        return 0;
    if (opt_string_field(L, c, t, "example", &r->example, 0) < 0)
        return 0;
    if (opt_string_field(L, c, t, "fix", &r->fix, 0) < 0)
        return 0;

    /* references: required array of strings */
    if (!has_field(L, t, "references"))
        LFAIL("%s: missing field 'references' (an array of strings)", c->file);
    long n = string_array(L, c, t, "references");
    if (n < 0)
        return 0;
    r->refs = calloc(n ? (size_t)n : 1, sizeof *r->refs);
    if (r->refs == NULL)
        LFAIL("%s: out of memory", c->file);
    for (long i = 0; i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        r->refs[i] = xstrdup(lua_tostring(L, -1));
        lua_pop(L, 1);
        if (r->refs[i] == NULL)
            LFAIL("%s: out of memory", c->file);
        r->nrefs++;
    }
    lua_pop(L, 1);

    /* needs: optional array of RR type names and "hint:<name>" (zone:hint) */
    if (has_field(L, t, "needs")) {
        n = string_array(L, c, t, "needs");
        if (n < 0)
            return 0;
        r->needs = calloc(n ? (size_t)n : 1, sizeof *r->needs);
        if (r->needs == NULL)
            LFAIL("%s: out of memory", c->file);
        for (long i = 0; i < n; i++) {
            lua_rawgeti(L, -1, i + 1);
            const char *tn = lua_tostring(L, -1);
            if (strncmp(tn, "hint:", 5) == 0) {
                unsigned bit, group;
                if (!mxh_lua_hint_lookup(tn + 5, &bit, &group)) {
                    snprintf(c->err, sizeof c->err, "%s: field 'needs': '%s' is not a zone hint",
                             c->file, tn);
                    lua_pop(L, 2);
                    return 0;
                }
                r->hint_mask |= bit;
                r->hint_groups |= group;
                lua_pop(L, 1);
                continue;
            }
            uint16_t ty = mxh_type_from_name(tn);
            if (ty == 0 || ty == MXH_TYPE_ANY) {
                snprintf(c->err, sizeof c->err, "%s: field 'needs': '%s' is not an RR type",
                         c->file, tn);
                lua_pop(L, 2);
                return 0;
            }
            lua_pop(L, 1);
            r->needs[r->nneeds++] = ty;
        }
        lua_pop(L, 1);
    }

    /* tags: optional array of strings */
    if (has_field(L, t, "tags")) {
        if (string_array(L, c, t, "tags") < 0)
            return 0;
        lua_pop(L, 1);
    }

    /* check: required function */
    lua_pushliteral(L, "check");
    int ty = lua_rawget(L, t);
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        LFAIL("%s: missing field 'check' (a function)", c->file);
    }
    if (ty != LUA_TFUNCTION) {
        lua_pop(L, 1);
        LFAIL("%s: field 'check' must be a function, not a %s", c->file, lua_typename(L, ty));
    }
    r->check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 1;
}

/* Protected: compile, run and validate one rule file. Arg 1: load_ctx. */
static int load_rule_p(lua_State *L)
{
    load_ctx *c = lua_touserdata(L, 1);
    mxh_engine *e = c->e;
    char chunk[600];
    snprintf(chunk, sizeof chunk, "@%s", c->file);
    lua_pushcfunction(L, mxh_lua_msgh);
    int msgh = lua_gettop(L);
    /* A built-in rule's compiled form (made from the same text by the same
     * Lua release at build time: see bytecode_usable); anything else is text
     * only, a binary chunk refused (mode "t"). */
    int st = LUA_ERRSYNTAX;
    if (c->bc) {
        st = luaL_loadbufferx(L, (const char *)c->bc, c->bclen, chunk, "b");
        if (st != LUA_OK)
            lua_pop(L, 1); /* then the text says what is wrong, if anything */
    }
    if (st != LUA_OK)
        st = luaL_loadbufferx(L, c->src, c->len, chunk, "t");
    if (st != LUA_OK) {
        snprintf(c->err, sizeof c->err, "%s", lua_type(L, -1) == LUA_TSTRING
                 ? lua_tostring(L, -1) : "cannot load the rule");
        if (strncmp(c->err, c->file, strlen(c->file)) != 0) {
            char tmp[sizeof c->err + 700];
            snprintf(tmp, sizeof tmp, "%s: %s", c->file, c->err);
            snprintf(c->err, sizeof c->err, "%.*s", (int)sizeof c->err - 1, tmp);
        }
        return 0;
    }
    mxh_lua_push_env(L, e);
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    e->cur_rule = NULL;
    mxh_lua_limits_begin(e);
    st = lua_pcall(L, 0, 1, msgh);
    int exceeded = e->insn_exceeded;
    mxh_lua_limits_end(e);
    if (st != LUA_OK) {
        const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error";
        if (st == LUA_ERRMEM)
            m = "memory limit exceeded";
        snprintf(c->err, sizeof c->err, "%s: running the rule file failed: %s%s", c->file,
                 m, exceeded ? " (the file's top level ran too long)" : "");
        return 0;
    }
    if (lua_type(L, -1) != LUA_TTABLE) {
        snprintf(c->err, sizeof c->err, "%s: the rule file must return a table, not a %s",
                 c->file, luaL_typename(L, -1));
        return 0;
    }
    if (!validate_rule(L, c, lua_gettop(L)))
        return 0;
    c->err[0] = '\0';
    return 0;
}

static int run_load(mxh_engine *e, load_ctx *c)
{
    lua_State *L = e->L;
    int top = lua_gettop(L);
    c->err[0] = 'x';
    c->err[1] = '\0';
    lua_pushcfunction(L, load_rule_p);
    lua_pushlightuserdata(L, c);
    int st = lua_pcall(L, 1, 0, 0);
    if (st != LUA_OK) {
        snprintf(c->err, sizeof c->err, "%s: %s", c->file,
                 st == LUA_ERRMEM ? "out of memory"
                 : lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error");
    }
    lua_settop(L, top);
    if (c->err[0]) {
        if (c->rule) {
            if (c->rule->check_ref != LUA_NOREF)
                luaL_unref(L, LUA_REGISTRYINDEX, c->rule->check_ref);
            rule_free(c->rule);
            c->rule = NULL;
        }
        return -1;
    }
    return 0;
}

/* The base name of path without ".lua" into out. */
static void id_from_file(const char *path, char *out, size_t outsz)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strncmp(b, "builtin:", 8) == 0)
        b += 8;
    size_t n = strlen(b);
    if (n > 4 && strcmp(b + n - 4, ".lua") == 0)
        n -= 4;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

static mxh_status add_rule(mxh_engine *e, const char *file, const char *src, size_t len,
                           const unsigned char *bc, size_t bclen, int builtin)
{
    char id[256];
    id_from_file(file, id, sizeof id);
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.e = e;
    c.file = file;
    c.expect_id = id;
    c.src = src;
    c.len = len;
    c.bc = bc;
    c.bclen = bclen;
    if (run_load(e, &c) < 0) {
        seterr(e, "%s", c.err);
        return MXH_ERR_RULE_LOAD;
    }
    mxh_rule *r = c.rule;
    r->builtin = builtin;
    r->file = xstrdup(file);
    if (builtin) {
        r->src = src;
    } else {
        r->src_owned = xstrndup(src, len);
        r->src = r->src_owned;
    }
    r->srclen = len;
    r->bc = bc;
    r->bclen = bclen;
    if (r->file == NULL || r->src == NULL) {
        luaL_unref(e->L, LUA_REGISTRYINDEX, r->check_ref);
        rule_free(r);
        seterr(e, "%s: out of memory", file);
        return MXH_ERR_NOMEM;
    }
    long at = rule_index(e, r->id);
    if (at >= 0) {
        mxh_rule *old = e->rules[at];
        mxh_engine_add_notice(e, "rule '%s' from %s replaces the %s rule from %s", r->id,
                              r->file, old->builtin ? "built-in" : "earlier", old->file);
        r->enabled = old->enabled;
        if (old->sev_forced) {
            r->sev = old->sev;
            r->sev_forced = 1;
        }
        luaL_unref(e->L, LUA_REGISTRYINDEX, old->check_ref);
        rule_free(old);
        e->rules[at] = r;
        return MXH_OK;
    }
    if (e->nrules == e->caprules) {
        size_t cap = e->caprules ? e->caprules * 2 : 32;
        mxh_rule **nr = realloc(e->rules, cap * sizeof *nr);
        if (nr == NULL) {
            luaL_unref(e->L, LUA_REGISTRYINDEX, r->check_ref);
            rule_free(r);
            seterr(e, "out of memory");
            return MXH_ERR_NOMEM;
        }
        e->rules = nr;
        e->caprules = cap;
    }
    size_t pos = (size_t)(-at - 1);
    memmove(e->rules + pos + 1, e->rules + pos, (e->nrules - pos) * sizeof *e->rules);
    e->rules[pos] = r;
    e->nrules++;
    return MXH_OK;
}

/* Throw the state away and compile every rule again (a state that grew out
 * of bounds or failed is not trusted). */
static int engine_rebuild(mxh_engine *e)
{
    mxh_lua_zone_release(e);
    if (e->L)
        lua_close(e->L);
    mxh_lua_pool_free(e); /* every block came back with the state */
    e->L = NULL;
    e->mem_used = 0;
    e->rebuilds++;
    if (mxh_lua_state_open(e) < 0)
        return -1;
    for (size_t i = 0; i < e->nrules; i++) {
        mxh_rule *r = e->rules[i];
        load_ctx c;
        memset(&c, 0, sizeof c);
        c.e = e;
        c.file = r->file;
        c.expect_id = r->id;
        c.src = r->src;
        c.len = r->srclen;
        c.bc = r->bc;
        c.bclen = r->bclen;
        r->check_ref = LUA_NOREF;
        if (run_load(e, &c) < 0) {
            r->enabled = 0;
            mxh_engine_add_notice(e, "rule '%s' disabled: it failed to load again: %s", r->id,
                                  c.err);
            continue;
        }
        r->check_ref = c.rule->check_ref;
        c.rule->check_ref = LUA_NOREF;
        rule_free(c.rule);
    }
    lua_gc(e->L, LUA_GCCOLLECT);
    e->mem_after_load = e->mem_used;
    return 0;
}

/* ---- engine ---------------------------------------------------------------- */

/* Whether the built-in rules' compiled forms fit the Lua this library runs
 * with: made by the very same release (lua_ident names it, with its date).
 * Lua checks a binary chunk's header (version, format, sizes) but not the
 * release, and does not verify the code; a different release compiles the
 * text instead. */
static int bytecode_usable(void)
{
    return strcmp(mxh_builtin_rules_lua, lua_ident) == 0;
}

mxh_status mxh_engine_new(const mxh_engine_opts *opts, mxh_engine **out)
{
    if (out == NULL)
        return MXH_ERR_ARG;
    *out = NULL;
    mxh_engine *e = calloc(1, sizeof *e);
    if (e == NULL)
        return MXH_ERR_NOMEM;
    e->mem_cap = opts && opts->lua_memory ? opts->lua_memory : MXH_LUA_DEFAULT_MEMORY;
    e->insn_cap = opts && opts->lua_instructions ? opts->lua_instructions
                                                  : MXH_LUA_DEFAULT_INSTRUCTIONS;
    e->no_builtin = opts ? opts->no_builtin : 0;
    e->base_ref = LUA_NOREF;
    e->cache_ref = e->route_ref = e->lookup_ref = LUA_NOREF;
    e->mem_limit = SIZE_MAX;
    if (mxh_lua_state_open(e) < 0) {
        mxh_lua_pool_free(e);
        free(e);
        return MXH_ERR_NOMEM;
    }
    if (!e->no_builtin) {
        int bc = bytecode_usable();
        for (size_t i = 0; i < mxh_builtin_rule_count; i++) {
            char file[300];
            snprintf(file, sizeof file, "builtin:rules/%s", mxh_builtin_rules[i].file);
            mxh_status st = add_rule(e, file, mxh_builtin_rules[i].text,
                                     mxh_builtin_rules[i].len,
                                     bc ? mxh_builtin_rules[i].bc : NULL,
                                     bc ? mxh_builtin_rules[i].bclen : 0, 1);
            if (st == MXH_ERR_NOMEM) {
                mxh_engine_free(e);
                return st;
            }
            if (st != MXH_OK)
                mxh_engine_add_notice(e, "built-in rule not loaded: %s", e->errmsg);
        }
    }
    lua_gc(e->L, LUA_GCCOLLECT);
    e->mem_after_load = e->mem_used;
    e->errmsg[0] = '\0';
    *out = e;
    return MXH_OK;
}

void mxh_engine_free(mxh_engine *e)
{
    if (e == NULL)
        return;
    mxh_lua_zone_release(e);
    if (e->L)
        lua_close(e->L);
    mxh_lua_pool_free(e);
    for (size_t i = 0; i < e->nrules; i++)
        rule_free(e->rules[i]);
    free(e->rules);
    for (size_t i = 0; i < e->nnotices; i++)
        free(e->notices[i]);
    free(e->notices);
    free(e->routes);
    free(e->route_zone);
    free(e->route_hash);
    free(e->route_map);
    free(e->route_hints);
    free(e->mail_idx);
    free(e->mx_recs);
    free(e->xfacts);
    free(e->lookups);
    free(e->findings);
    mxh_lua_psl_free(e);
    free(e);
}

const char *mxh_engine_errmsg(const mxh_engine *e)
{
    return e ? e->errmsg : "no engine";
}

static mxh_status load_file(mxh_engine *e, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        seterr(e, "%s: %s", path, strerror(errno));
        return MXH_ERR_IO;
    }
    char *buf = malloc(RULE_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        seterr(e, "%s: out of memory", path);
        return MXH_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, RULE_FILE_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        seterr(e, "%s: read error", path);
        return MXH_ERR_IO;
    }
    if (n > RULE_FILE_MAX) {
        free(buf);
        seterr(e, "%s: rule file larger than %zu bytes", path, RULE_FILE_MAX);
        return MXH_ERR_RULE_LOAD;
    }
    mxh_status st = add_rule(e, path, buf, n, NULL, 0, 0);
    free(buf);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

mxh_status mxh_engine_load_rules(mxh_engine *e, const char *file_or_dir)
{
    if (e == NULL || file_or_dir == NULL)
        return MXH_ERR_ARG;
    if (e->busy) {
        seterr(e, "rules cannot be loaded from inside a scan");
        return MXH_ERR_ARG;
    }
    e->errmsg[0] = '\0';
    struct stat sb;
    if (stat(file_or_dir, &sb) != 0) {
        seterr(e, "%s: %s", file_or_dir, strerror(errno));
        return MXH_ERR_IO;
    }
    if (!S_ISDIR(sb.st_mode))
        return load_file(e, file_or_dir);
    DIR *d = opendir(file_or_dir);
    if (d == NULL) {
        seterr(e, "%s: %s", file_or_dir, strerror(errno));
        return MXH_ERR_IO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    mxh_status st = MXH_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l <= 4 || strcmp(de->d_name + l - 4, ".lua") != 0 || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (nn == NULL) {
                st = MXH_ERR_NOMEM;
                break;
            }
            names = nn;
        }
        size_t dl = strlen(file_or_dir);
        char *p = malloc(dl + l + 2);
        if (p == NULL) {
            st = MXH_ERR_NOMEM;
            break;
        }
        snprintf(p, dl + l + 2, "%s%s%s", file_or_dir,
                 dl && file_or_dir[dl - 1] == '/' ? "" : "/", de->d_name);
        names[n++] = p;
    }
    closedir(d);
    if (st != MXH_OK) {
        seterr(e, "%s: out of memory", file_or_dir);
    } else {
        qsort(names, n, sizeof *names, cmp_str);
        char first[sizeof e->errmsg] = "";
        for (size_t i = 0; i < n; i++) {
            mxh_status s = load_file(e, names[i]);
            if (s != MXH_OK) {
                if (st == MXH_OK) {
                    st = s;
                    memcpy(first, e->errmsg, sizeof first);
                }
                mxh_engine_add_notice(e, "rule not loaded: %s", e->errmsg);
            }
        }
        if (st != MXH_OK)
            memcpy(e->errmsg, first, sizeof first);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    lua_gc(e->L, LUA_GCCOLLECT);
    e->mem_after_load = e->mem_used;
    return st;
}

mxh_status mxh_engine_load_rule_buffer(mxh_engine *e, const char *name, const char *buf,
                                       size_t len)
{
    if (e == NULL || name == NULL || (buf == NULL && len))
        return MXH_ERR_ARG;
    if (e->busy) {
        seterr(e, "rules cannot be loaded from inside a scan");
        return MXH_ERR_ARG;
    }
    e->errmsg[0] = '\0';
    if (len > RULE_FILE_MAX) {
        seterr(e, "%s: rule file larger than %zu bytes", name, RULE_FILE_MAX);
        return MXH_ERR_RULE_LOAD;
    }
    mxh_status st = add_rule(e, name, buf ? buf : "", len, NULL, 0, 0);
    e->mem_after_load = e->mem_used;
    return st;
}

size_t mxh_engine_notice_count(const mxh_engine *e)
{
    return e ? e->nnotices : 0;
}

const char *mxh_engine_notice(const mxh_engine *e, size_t i)
{
    return e && i < e->nnotices ? e->notices[i] : NULL;
}

/* Call fn for each id of a comma-separated list; stops at the first non-zero. */
static int each_id(const char *csv, int (*fn)(mxh_engine *, const char *, void *),
                   mxh_engine *e, void *ud)
{
    const char *p = csv;
    while (p && *p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > s && isspace((unsigned char)end[-1]))
            end--;
        if (end > s) {
            char id[256];
            size_t n = (size_t)(end - s);
            if (n >= sizeof id)
                n = sizeof id - 1;
            memcpy(id, s, n);
            id[n] = '\0';
            int r = fn(e, id, ud);
            if (r)
                return r;
        }
    }
    return 0;
}

static int check_known(mxh_engine *e, const char *id, void *ud)
{
    (void)ud;
    if (rule_index(e, id) >= 0)
        return 0;
    seterr(e, "unknown rule id '%s'", id);
    return 1;
}

static int set_enabled(mxh_engine *e, const char *id, void *ud)
{
    e->rules[rule_index(e, id)]->enabled = *(int *)ud;
    return 0;
}

mxh_status mxh_engine_select(mxh_engine *e, const char *only_csv, const char *skip_csv)
{
    if (e == NULL)
        return MXH_ERR_ARG;
    if (each_id(only_csv, check_known, e, NULL) || each_id(skip_csv, check_known, e, NULL))
        return MXH_ERR_NOTFOUND;
    int on = 1, off = 0;
    for (size_t i = 0; i < e->nrules; i++)
        e->rules[i]->enabled = only_csv == NULL;
    if (only_csv)
        each_id(only_csv, set_enabled, e, &on);
    if (skip_csv)
        each_id(skip_csv, set_enabled, e, &off);
    return MXH_OK;
}

mxh_status mxh_engine_set_severity(mxh_engine *e, const char *rule_id, mxh_severity sev)
{
    if (e == NULL || rule_id == NULL || (unsigned)sev > MXH_SEV_INFO)
        return MXH_ERR_ARG;
    long i = rule_index(e, rule_id);
    if (i < 0) {
        seterr(e, "unknown rule id '%s'", rule_id);
        return MXH_ERR_NOTFOUND;
    }
    e->rules[i]->sev = sev;
    e->rules[i]->sev_forced = 1;
    return MXH_OK;
}

size_t mxh_engine_rule_count(const mxh_engine *e)
{
    return e ? e->nrules : 0;
}

const mxh_rule *mxh_engine_rule(const mxh_engine *e, size_t i)
{
    return e && i < e->nrules ? e->rules[i] : NULL;
}

const mxh_rule *mxh_engine_find_rule(const mxh_engine *e, const char *id)
{
    if (e == NULL || id == NULL)
        return NULL;
    long i = rule_index(e, id);
    return i >= 0 ? e->rules[i] : NULL;
}

const char *mxh_rule_id(const mxh_rule *r) { return r ? r->id : NULL; }
const char *mxh_rule_title(const mxh_rule *r) { return r ? r->title : NULL; }
const char *mxh_rule_description(const mxh_rule *r) { return r ? r->description : NULL; }
mxh_severity mxh_rule_severity(const mxh_rule *r) { return r ? r->sev : MXH_SEV_ERROR; }
size_t mxh_rule_reference_count(const mxh_rule *r) { return r ? r->nrefs : 0; }
const char *mxh_rule_reference(const mxh_rule *r, size_t i)
{
    return r && i < r->nrefs ? r->refs[i] : NULL;
}
const char *mxh_rule_example(const mxh_rule *r) { return r ? r->example : NULL; }
const char *mxh_rule_fix(const mxh_rule *r) { return r ? r->fix : NULL; }
const char *mxh_rule_file(const mxh_rule *r) { return r ? r->file : NULL; }
int mxh_rule_builtin(const mxh_rule *r) { return r ? r->builtin : 0; }
int mxh_rule_enabled(const mxh_rule *r) { return r ? r->enabled : 0; }

uint64_t mxh_engine_handle_count(const mxh_engine *e) { return e->handles_created; }
uint64_t mxh_engine_rebuild_count(const mxh_engine *e) { return e->rebuilds; }
uint64_t mxh_engine_rules_run(const mxh_engine *e) { return e->rules_run; }
uint64_t mxh_engine_rules_skipped(const mxh_engine *e) { return e->rules_skipped; }

/* ---- findings -------------------------------------------------------------- */

static void finding_free(mxh_finding *f)
{
    if (f == NULL)
        return;
    free(f->owner);
    free(f->message);
    free(f->fix);
    free(f->file);
    for (size_t i = 0; i < f->nev; i++) {
        free(f->ev[i].file);
        free(f->ev[i].text);
    }
    free(f->ev);
    free(f);
}

static int push_finding(mxh_engine *e, mxh_finding *f)
{
    if (e->nfindings == e->capfindings) {
        size_t cap = e->capfindings ? e->capfindings * 2 : 16;
        mxh_finding **nf = realloc(e->findings, cap * sizeof *nf);
        if (nf == NULL)
            return -1;
        e->findings = nf;
        e->capfindings = cap;
    }
    f->seq = e->seq++;
    e->findings[e->nfindings++] = f;
    return 0;
}

static int add_evidence_as(mxh_finding *f, const char *file, unsigned long line, const char *text,
                           int aside)
{
    for (size_t i = 0; i < f->nev; i++)
        if (f->ev[i].line == line && strcmp(f->ev[i].file, file) == 0 &&
            strcmp(f->ev[i].text, text) == 0)
            return 0; /* the same evidence once */
    if (f->nev >= MXH_LUA_MAX_EVIDENCE)
        return 0;
    if (f->nev == f->capev) {
        size_t cap = f->capev ? f->capev * 2 : 4;
        mxh_evidence *ne = realloc(f->ev, cap * sizeof *ne);
        if (ne == NULL)
            return -1;
        f->ev = ne;
        f->capev = cap;
    }
    mxh_evidence *ev = &f->ev[f->nev];
    ev->file = xstrdup(file);
    ev->text = xstrndup(text, strnlen(text, MXH_LUA_MAX_TEXT));
    ev->line = line;
    ev->aside = aside;
    if (ev->file == NULL || ev->text == NULL) {
        free(ev->file);
        free(ev->text);
        return -1;
    }
    f->nev++;
    return 0;
}

static int add_evidence(mxh_finding *f, const char *file, unsigned long line, const char *text)
{
    return add_evidence_as(f, file, line, text, 0);
}

/* An inventory server: its text with the inventory file and the first line
 * naming it, so a report can point at the inventory too. */
static int ev_server(mxh_finding *f, const mxh_server *s)
{
    char text[MXH_NAME_BUF + 600];
    int n = snprintf(text, sizeof text, "inventory server %s (", mxh_server_name(s));
    size_t na = mxh_server_address_count(s);
    for (size_t i = 0; i < na && n > 0 && (size_t)n < sizeof text - 8; i++) {
        const char *a = mxh_server_address(s, i);
        n += snprintf(text + n, sizeof text - (size_t)n, "%s%s", i ? ", " : "", a ? a : "");
    }
    if (n > 0 && (size_t)n < sizeof text - 2)
        snprintf(text + n, sizeof text - (size_t)n, ")");
    else
        snprintf(text + sizeof text - 5, 5, "...)");
    const char *file = mxh_server_file(s);
    return add_evidence_as(f, file ? file : "", mxh_server_line(s), text, 1);
}

static int set_location(mxh_finding *f, const char *file, unsigned long line)
{
    char *d = xstrdup(file);
    if (d == NULL)
        return -1;
    free(f->file);
    f->file = d;
    f->line = line;
    return 0;
}

static int ev_record(mxh_finding *f, const mxh_rr *rr)
{
    char buf[1024];
    size_t n = mxh_rr_format(rr, buf, sizeof buf);
    if (n >= sizeof buf) {
        char *big = malloc(n + 1);
        if (big == NULL)
            return -1;
        mxh_rr_format(rr, big, n + 1);
        int r = add_evidence(f, mxh_rr_file(rr), mxh_rr_line(rr), big);
        free(big);
        return r;
    }
    return add_evidence(f, mxh_rr_file(rr), mxh_rr_line(rr), buf);
}

static int ev_step(mxh_engine *e, mxh_finding *f, const char *what, const mxh_step *s)
{
    char step[2 * MXH_NAME_BUF + 64];
    mxh_lua_step_text(s, step, sizeof step);
    char text[sizeof step + MXH_NAME_BUF + 32];
    snprintf(text, sizeof text, "%s: %s", what, step);
    const mxh_rr *rr = mxh_step_record(s);
    if (rr)
        return add_evidence(f, mxh_rr_file(rr), mxh_rr_line(rr), text);
    return add_evidence(f, mxh_zone_file(e->zone), 0, text);
}

/* First evidence location that is a real line. */
static void default_location(mxh_engine *e, mxh_finding *f)
{
    if (f->have_location)
        return;
    for (size_t i = 0; i < f->nev; i++) {
        if (f->ev[i].line > 0 && !f->ev[i].aside) {
            if (set_location(f, f->ev[i].file, f->ev[i].line) == 0)
                f->have_location = 1;
            return;
        }
    }
    if (f->file == NULL)
        set_location(f, mxh_zone_file(e->zone), 0);
}

static const char *const report_fields[] = {
    "owner", "message", "at", "evidence", "fix", "severity", NULL
};

/* report{owner=, message=, at=, evidence=, fix=, severity=} */
static int report_fn(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    if (!e->scanning || e->cur_rule == NULL)
        return luaL_error(L, "report called outside a rule's check");
    luaL_checktype(L, 1, LUA_TTABLE);
    /* pass 1: validate (may raise errors; nothing allocated in C yet) */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        int known = 0;
        if (lua_type(L, -2) == LUA_TSTRING)
            for (int i = 0; report_fields[i]; i++)
                if (strcmp(lua_tostring(L, -2), report_fields[i]) == 0)
                    known = 1;
        if (!known) {
            if (lua_type(L, -2) == LUA_TSTRING)
                return luaL_error(L, "report: unknown field '%s'", lua_tostring(L, -2));
            return luaL_error(L, "report: unknown field (a %s key)", luaL_typename(L, -2));
        }
        lua_pop(L, 1);
    }
    lua_settop(L, 1);
    int ty = lua_getfield(L, 1, "owner");          /* 2 */
    if (ty != LUA_TNIL && ty != LUA_TSTRING)
        return luaL_error(L, "report: 'owner' must be a string");
    if (lua_getfield(L, 1, "message") != LUA_TSTRING) /* 3 */
        return luaL_error(L, "report: 'message' (a string) is required");
    ty = lua_getfield(L, 1, "at");                 /* 4 */
    if (ty != LUA_TNIL)
        mxh_lua_check(L, 4, MXH_LK_RECORD);
    ty = lua_getfield(L, 1, "evidence");           /* 5 */
    if (ty != LUA_TNIL && ty != LUA_TTABLE)
        return luaL_error(L, "report: 'evidence' must be an array");
    ty = lua_getfield(L, 1, "fix");                /* 6 */
    if (ty != LUA_TNIL && ty != LUA_TSTRING)
        return luaL_error(L, "report: 'fix' must be a string");
    ty = lua_getfield(L, 1, "severity");           /* 7 */
    mxh_severity sev = e->cur_rule->sev;
    if (ty != LUA_TNIL) {
        if (ty != LUA_TSTRING || mxh_severity_parse(lua_tostring(L, 7), &sev) != MXH_OK)
            return luaL_error(L, "report: 'severity' must be error, warning or info");
        if (e->cur_rule->sev_forced)
            sev = e->cur_rule->sev; /* the operator's override wins */
    }
    lua_Integer nev = 0;
    if (lua_type(L, 5) == LUA_TTABLE) {
        nev = (lua_Integer)lua_rawlen(L, 5);
        for (lua_Integer i = 1; i <= nev; i++) {
            lua_rawgeti(L, 5, i);
            if (lua_type(L, -1) != LUA_TSTRING && !mxh_lua_test(L, -1, MXH_LK_RECORD) &&
                !mxh_lua_test(L, -1, MXH_LK_ROUTE) && !mxh_lua_test(L, -1, MXH_LK_LOOKUPH) &&
                !mxh_lua_test(L, -1, MXH_LK_EXCHANGE) && !mxh_lua_test(L, -1, MXH_LK_SERVER))
                return luaL_error(L, "report: evidence %d is a %s (records, routes, lookups, "
                                  "exchanges, servers or strings)", (int)i, luaL_typename(L, -1));
            if (lua_type(L, -1) == LUA_TUSERDATA) /* live? */
                mxh_lua_check(L, -1, ((mxh_lhandle *)lua_touserdata(L, -1))->kind);
            lua_pop(L, 1);
        }
    }
    char owner[MXH_NAME_BUF];
    if (lua_type(L, 2) == LUA_TSTRING) {
        size_t ol;
        const char *o = lua_tolstring(L, 2, &ol);
        int r = strlen(o) == ol ? mxh_name_from_user(o, owner, sizeof owner) : MXH_NAME_ERR_EMPTY;
        if (r <= 0)
            return luaL_error(L, "report: bad owner '%s': %s", o, mxh_name_strerror(r));
    } else {
        snprintf(owner, sizeof owner, "%s", mxh_zone_origin(e->zone));
    }
    if (e->cur_rule_findings >= MXH_LUA_MAX_FINDINGS)
        return luaL_error(L, "report: more than %d findings in one zone", MXH_LUA_MAX_FINDINGS);

    /* pass 2: build in C (no Lua errors from here on) */
    mxh_finding *f = NULL;
    for (size_t i = e->nfindings; i-- > 0;) {
        mxh_finding *g = e->findings[i];
        if (g->kind == MXH_FINDING && g->rulep == e->cur_rule && strcmp(g->owner, owner) == 0) {
            f = g;
            break;
        }
    }
    int fresh = f == NULL;
    int oom = 0;
    if (fresh) {
        f = calloc(1, sizeof *f);
        if (f == NULL)
            return luaL_error(L, "out of memory");
        f->kind = MXH_FINDING;
        f->rulep = e->cur_rule;
        f->sev = sev;
        f->zone = mxh_zone_origin(e->zone);
        f->owner = xstrdup(owner);
        size_t ml;
        const char *m = lua_tolstring(L, 3, &ml);
        f->message = xstrndup(m, ml < MXH_LUA_MAX_TEXT ? ml : MXH_LUA_MAX_TEXT);
        const char *fx = lua_type(L, 6) == LUA_TSTRING ? lua_tostring(L, 6) : "";
        f->fix = xstrndup(fx, strnlen(fx, MXH_LUA_MAX_TEXT));
        oom = !f->owner || !f->message || !f->fix;
    } else if (lua_type(L, 6) == LUA_TSTRING && f->fix && !f->fix[0]) {
        char *fx = xstrndup(lua_tostring(L, 6), strnlen(lua_tostring(L, 6), MXH_LUA_MAX_TEXT));
        if (fx) {
            free(f->fix);
            f->fix = fx;
        }
    }
    if (!oom && !f->have_location && lua_type(L, 4) == LUA_TUSERDATA) {
        const mxh_rr *rr = ((mxh_lhandle *)lua_touserdata(L, 4))->ptr;
        if (set_location(f, mxh_rr_file(rr), mxh_rr_line(rr)) == 0)
            f->have_location = 1;
        else
            oom = 1;
    }
    for (lua_Integer i = 1; !oom && i <= nev; i++) {
        lua_rawgeti(L, 5, i);
        if (lua_type(L, -1) == LUA_TSTRING) {
            oom = add_evidence(f, "", 0, lua_tostring(L, -1)) < 0;
        } else {
            mxh_lhandle *h = lua_touserdata(L, -1);
            if (h->kind == MXH_LK_RECORD) {
                oom = ev_record(f, h->ptr) < 0;
            } else if (h->kind == MXH_LK_ROUTE) {
                const mxh_route *r = h->ptr;
                char what[MXH_NAME_BUF + 16];
                snprintf(what, sizeof what, "route %s", mxh_route_domain(r));
                for (size_t k = 0; !oom && k < mxh_route_step_count(r); k++)
                    oom = ev_step(e, f, what, mxh_route_step(r, k)) < 0;
            } else if (h->kind == MXH_LK_LOOKUPH) {
                const mxh_lookup *lk = h->ptr;
                char what[MXH_NAME_BUF + 16];
                snprintf(what, sizeof what, "lookup %s",
                         mxh_lookup_final_name(lk) ? mxh_lookup_final_name(lk) : "?");
                for (size_t k = 0; !oom && k < mxh_lookup_step_count(lk); k++)
                    oom = ev_step(e, f, what, mxh_lookup_step(lk, k)) < 0;
                for (size_t k = 0; !oom && k < mxh_lookup_answer_count(lk); k++)
                    oom = ev_record(f, mxh_lookup_answer(lk, k)) < 0;
            } else if (h->kind == MXH_LK_EXCHANGE) {
                const mxh_exchange *x = h->ptr;
                char what[MXH_NAME_BUF + 16];
                snprintf(what, sizeof what, "exchange %s", mxh_exchange_name(x));
                for (size_t k = 0; !oom && k < mxh_exchange_step_count(x); k++)
                    oom = ev_step(e, f, what, mxh_exchange_step(x, k)) < 0;
            } else if (h->kind == MXH_LK_SERVER) {
                oom = ev_server(f, h->ptr) < 0;
            }
        }
        lua_pop(L, 1);
    }
    if (!oom) {
        default_location(e, f);
        oom = f->file == NULL;
    }
    if (fresh && !oom) {
        if (push_finding(e, f) < 0)
            oom = 1;
        else
            e->cur_rule_findings++;
    }
    if (oom) {
        if (fresh)
            finding_free(f);
        return luaL_error(L, "out of memory");
    }
    return 0;
}

static void add_rule_error(mxh_engine *e, const mxh_rule *r, const char *reason)
{
    mxh_finding *f = calloc(1, sizeof *f);
    if (f == NULL)
        return;
    f->kind = MXH_FINDING_RULE_ERROR;
    f->rulep = r;
    f->sev = MXH_SEV_ERROR;
    f->zone = mxh_zone_origin(e->zone);
    f->owner = xstrdup(f->zone);
    char msg[MXH_LUA_MAX_TEXT];
    snprintf(msg, sizeof msg, "rule %s failed on zone %s: %s", r->id, f->zone, reason);
    f->message = xstrdup(msg);
    f->fix = xstrdup("");
    f->file = xstrdup(mxh_zone_file(e->zone));
    f->line = 0;
    if (!f->owner || !f->message || !f->fix || !f->file ||
        add_evidence(f, r->file, 0, "rule file") < 0 || push_finding(e, f) < 0)
        finding_free(f);
}

/* Drop the findings rule r made in this zone (it failed: they are not trusted). */
static void drop_findings(mxh_engine *e, const mxh_rule *r, size_t from)
{
    size_t k = from;
    for (size_t i = from; i < e->nfindings; i++) {
        if (e->findings[i]->rulep == r && e->findings[i]->kind == MXH_FINDING)
            finding_free(e->findings[i]);
        else
            e->findings[k++] = e->findings[i];
    }
    e->nfindings = k;
}

static int cmp_finding(const void *a, const void *b)
{
    const mxh_finding *x = *(mxh_finding *const *)a, *y = *(mxh_finding *const *)b;
    int c = strcmp(x->owner, y->owner);
    if (c)
        return c;
    c = strcmp(x->rulep->id, y->rulep->id);
    if (c)
        return c;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Protected: compute the zone hints of the groups in arg 1. */
static int hints_p(lua_State *L)
{
    mxh_engine *e = mxh_lua_engine(L);
    mxh_lua_hints_compute(L, e, (unsigned)lua_tointeger(L, 1));
    return 0;
}

/* Protected: push the zone handle. Arg 1: the zone (light userdata). */
static int zone_begin_p(lua_State *L)
{
    mxh_lua_push_zone(L, lua_touserdata(L, 1));
    return 1;
}

static mxh_status scan_one(mxh_engine *e, const mxh_zoneset *zs, const mxh_zone *z,
                           mxh_finding_fn fn, void *ud, int *stop)
{
    if (e->L == NULL && engine_rebuild(e) < 0)
        return MXH_ERR_NOMEM;
    lua_State *L = e->L;
    int base = lua_gettop(L);
    e->gen++;
    e->scanning = 1;
    e->zs = zs;
    e->zone = z;
    e->nfindings = 0;
    e->seq = 0;
    lua_pushcfunction(L, zone_begin_p);
    lua_pushlightuserdata(L, (void *)z);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_settop(L, base);
        e->scanning = 0;
        e->gen++;
        seterr(e, "out of memory");
        return MXH_ERR_NOMEM;
    }
    int zh = lua_gettop(L);
    for (size_t i = 0; i < e->nrules; i++) {
        mxh_rule *r = e->rules[i];
        if (!r->enabled || r->check_ref == LUA_NOREF)
            continue;
        int missing = 0;
        for (size_t k = 0; k < r->nneeds && !missing; k++)
            missing = !mxh_zone_has_type(z, r->needs[k]);
        if (!missing && r->hint_mask) {
            /* zone:hint facts, computed once per zone (protected: the route
             * facts compute routes); when that fails the rule just runs */
            if (e->hints_gen != e->gen || (e->hints_done & r->hint_groups) != r->hint_groups) {
                lua_pushcfunction(L, hints_p);
                lua_pushinteger(L, (lua_Integer)r->hint_groups);
                if (lua_pcall(L, 1, 0, 0) != LUA_OK)
                    lua_settop(L, zh);
            }
            if (e->hints_gen == e->gen &&
                (e->hints_done & r->hint_groups) == r->hint_groups)
                missing = (e->hints & r->hint_mask) != r->hint_mask;
        }
        if (missing) {
            e->rules_skipped++;
            continue;
        }
        e->rules_run++;
        size_t first = e->nfindings;
        lua_pushcfunction(L, mxh_lua_msgh);
        int msgh = lua_gettop(L);
        lua_rawgeti(L, LUA_REGISTRYINDEX, r->check_ref);
        lua_pushvalue(L, zh);
        lua_pushcfunction(L, report_fn);
        e->cur_rule = r;
        e->cur_rule_findings = 0;
        mxh_lua_limits_begin(e);
        int st = lua_pcall(L, 2, 0, msgh);
        int exceeded = e->insn_exceeded, refused = e->mem_refused;
        mxh_lua_limits_end(e);
        e->cur_rule = NULL;
        if (st != LUA_OK) {
            char reason[MXH_LUA_MAX_TEXT - 512];
            const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error";
            if (exceeded)
                snprintf(reason, sizeof reason, "%s", m);
            else if ((st == LUA_ERRMEM || (refused && strstr(m, "not enough memory"))) &&
                     e->last_line > 0)
                snprintf(reason, sizeof reason, "memory limit of %zu bytes exceeded (%s); "
                         "last seen at %s:%d", e->mem_cap, m, e->last_src, e->last_line);
            else if (st == LUA_ERRMEM || (refused && strstr(m, "not enough memory")))
                snprintf(reason, sizeof reason, "memory limit of %zu bytes exceeded (%s)",
                         e->mem_cap, m);
            else if (st == LUA_ERRERR)
                snprintf(reason, sizeof reason, "error in the error handler: %s", m);
            else
                snprintf(reason, sizeof reason, "%s", m);
            drop_findings(e, r, first);
            add_rule_error(e, r, reason);
            if (refused)
                lua_gc(L, LUA_GCCOLLECT);
        }
        lua_settop(L, zh);
    }
    lua_settop(L, base);
    mxh_lua_zone_release(e);
    e->gen++;
    e->scanning = 0;
    /* A state that kept growing across zones (rules stashing data in their
     * globals) is rebuilt before the next zone. */
    if (e->mem_used > e->mem_after_load + 2 * e->mem_cap)
        e->need_rebuild = 1;

    if (e->nfindings > 1)
        qsort(e->findings, e->nfindings, sizeof *e->findings, cmp_finding);
    for (size_t i = 0; i < e->nfindings; i++) {
        if (!*stop && fn && fn(e->findings[i], ud))
            *stop = 1;
        finding_free(e->findings[i]);
    }
    e->nfindings = 0;
    e->zone = NULL;
    e->zs = NULL;
    if (e->need_rebuild) {
        e->need_rebuild = 0;
        if (engine_rebuild(e) < 0)
            return MXH_ERR_NOMEM;
    }
    return MXH_OK;
}

mxh_status mxh_engine_scan_zone(mxh_engine *e, const mxh_zoneset *zs, const mxh_zone *z,
                                mxh_finding_fn fn, void *ud)
{
    if (e == NULL || zs == NULL || z == NULL)
        return MXH_ERR_ARG;
    if (e->busy) {
        seterr(e, "mxh_engine_scan_zone called from inside a scan");
        return MXH_ERR_ARG;
    }
    int stop = 0;
    e->busy = 1;
    mxh_status st = scan_one(e, zs, z, fn, ud, &stop);
    e->busy = 0;
    return st;
}

mxh_status mxh_engine_scan(mxh_engine *e, const mxh_zoneset *zs, mxh_finding_fn fn, void *ud)
{
    if (e == NULL || zs == NULL)
        return MXH_ERR_ARG;
    if (e->busy) {
        seterr(e, "mxh_engine_scan called from inside a scan");
        return MXH_ERR_ARG;
    }
    int stop = 0;
    mxh_status st = MXH_OK;
    e->busy = 1;
    size_t n = mxh_zoneset_zone_count(zs);
    for (size_t i = 0; i < n && !stop && st == MXH_OK; i++)
        st = scan_one(e, zs, mxh_zoneset_zone(zs, i), fn, ud, &stop);
    e->busy = 0;
    return st;
}

mxh_finding_kind mxh_finding_kind_of(const mxh_finding *f) { return f->kind; }
const char *mxh_finding_rule(const mxh_finding *f) { return f->rulep->id; }
mxh_severity mxh_finding_severity(const mxh_finding *f) { return f->sev; }
const char *mxh_finding_zone(const mxh_finding *f) { return f->zone; }
const char *mxh_finding_owner(const mxh_finding *f) { return f->owner; }
const char *mxh_finding_message(const mxh_finding *f) { return f->message; }
const char *mxh_finding_fix(const mxh_finding *f) { return f->fix ? f->fix : ""; }
const char *mxh_finding_file(const mxh_finding *f) { return f->file ? f->file : ""; }
unsigned long mxh_finding_line(const mxh_finding *f) { return f->line; }
size_t mxh_finding_evidence_count(const mxh_finding *f) { return f->nev; }
const char *mxh_finding_evidence_file(const mxh_finding *f, size_t i)
{
    return i < f->nev ? f->ev[i].file : NULL;
}
unsigned long mxh_finding_evidence_line(const mxh_finding *f, size_t i)
{
    return i < f->nev ? f->ev[i].line : 0;
}
const char *mxh_finding_evidence_text(const mxh_finding *f, size_t i)
{
    return i < f->nev ? f->ev[i].text : NULL;
}

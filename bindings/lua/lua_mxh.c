/* SPDX-License-Identifier: MIT */
/*
 * lua_mxh.c — the `mxh` helper module rules reach with require "mxh":
 * address literals, DNS name comparison, the public suffix list (libpsl,
 * loaded once per engine on first use), SPF term syntax (RFC 7208), CIDR
 * matching and TXT character-string joining (RFC 7208 §3.3).
 */
#include "lua_engine.h"
#include "whatif.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- addresses ---------------------------------------------------------- */

/* 4 for IPv4, 6 for IPv6, 0 otherwise; a single final dot is allowed. */
static int addr_family(const char *s, size_t len, unsigned char out[16])
{
    char buf[64];
    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0 || len >= sizeof buf || memchr(s, '\0', len))
        return 0;
    /* inet_pton reads only digits, hex digits, ':' and '.': anything else
     * (a host name's letters) settles it without a parse */
    for (size_t i = 0; i < len; i++)
        if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
            return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    unsigned char tmp[16];
    if (out == NULL)
        out = tmp;
    if (inet_pton(AF_INET, buf, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, buf, out) == 1)
        return 6;
    return 0;
}

static int h_is_ip(lua_State *L)
{
    size_t len;
    const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
    lua_pushboolean(L, s && addr_family(s, len, NULL) != 0);
    return 1;
}

static int h_is_ipv4(lua_State *L)
{
    size_t len;
    const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
    lua_pushboolean(L, s && addr_family(s, len, NULL) == 4);
    return 1;
}

static int h_is_ipv6(lua_State *L)
{
    size_t len;
    const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
    lua_pushboolean(L, s && addr_family(s, len, NULL) == 6);
    return 1;
}

/* Parse a decimal prefix length 0..max without leading zeros. */
static int parse_len(const char *s, size_t len, int max)
{
    if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

static int h_ip_in_cidr(lua_State *L)
{
    size_t li, lc;
    const char *ip = luaL_checklstring(L, 1, &li);
    const char *cidr = luaL_checklstring(L, 2, &lc);
    unsigned char a[16], net[16];
    int fa = addr_family(ip, li, a);
    const char *slash = memchr(cidr, '/', lc);
    size_t netlen = slash ? (size_t)(slash - cidr) : lc;
    int fn = addr_family(cidr, netlen, net);
    if (fa == 0 || fn == 0 || fa != fn) {
        lua_pushboolean(L, 0);
        return 1;
    }
    int bits = fa == 4 ? 32 : 128;
    int plen = bits;
    if (slash) {
        plen = parse_len(slash + 1, lc - netlen - 1, bits);
        if (plen < 0) {
            lua_pushboolean(L, 0);
            return 1;
        }
    }
    int in = 1;
    for (int i = 0; i < plen && in; i++) {
        int byte = i / 8, bit = 7 - i % 8;
        if (((a[byte] >> bit) & 1) != ((net[byte] >> bit) & 1))
            in = 0;
    }
    lua_pushboolean(L, in);
    return 1;
}

/* ---- names -------------------------------------------------------------- */

/* Whether s is already in canonical form and plain (lower-case letters,
 * digits, '-', '_', '*', non-empty labels of at most 63 octets, final dot,
 * at most 255 octets in wire form): then it needs no copy. */
/* 1: a plain label octet (lower-case letter, digit, '-', '_', '*'). */
static const unsigned char plain_octet[256] = {
    ['-'] = 1, ['_'] = 1, ['*'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

int mxh_lua_plain_canonical(const char *s, size_t len)
{
    if (len == 1)
        return s[0] == '.';
    if (len < 2 || len > 254 || s[len - 1] != '.')
        return 0;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (plain_octet[c]) {
            if (++label > MXH_LABEL_MAX)
                return 0;
        } else if (c == '.' && label > 0) {
            label = 0;
        } else {
            return 0;
        }
    }
    return 1;
}

static const char *canon_of(lua_State *L, int idx, char *buf, size_t bufsz)
{
    size_t len;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
    if (s == NULL || len == 0 || strlen(s) != len)
        return NULL;
    if (mxh_lua_plain_canonical(s, len))
        return s;
    return mxh_name_from_user(s, buf, bufsz) > 0 ? buf : NULL;
}

/* canon_of for a C string (names the library hands out). */
static const char *canon_str(const char *s, char *buf, size_t bufsz)
{
    size_t len = strlen(s);
    if (len == 0)
        return NULL;
    if (mxh_lua_plain_canonical(s, len))
        return s;
    return mxh_name_from_user(s, buf, bufsz) > 0 ? buf : NULL;
}

static int h_name_eq(lua_State *L)
{
    char a[MXH_NAME_BUF], b[MXH_NAME_BUF];
    luaL_checkany(L, 1);
    luaL_checkany(L, 2);
    const char *ca = canon_of(L, 1, a, sizeof a), *cb = canon_of(L, 2, b, sizeof b);
    if (ca && cb) {
        lua_pushboolean(L, strcmp(ca, cb) == 0);
        return 1;
    }
    /* Not valid names: compare the texts case-insensitively, final dot optional. */
    size_t la = 0, lb = 0;
    const char *sa = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &la) : NULL;
    const char *sb = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &lb) : NULL;
    if (!sa || !sb) {
        lua_pushboolean(L, 0);
        return 1;
    }
    if (la > 1 && sa[la - 1] == '.')
        la--;
    if (lb > 1 && sb[lb - 1] == '.')
        lb--;
    lua_pushboolean(L, la == lb && strncasecmp(sa, sb, la) == 0);
    return 1;
}

static int h_is_below(lua_State *L)
{
    char a[MXH_NAME_BUF], b[MXH_NAME_BUF];
    const char *n = canon_of(L, 1, a, sizeof a), *anc = canon_of(L, 2, b, sizeof b);
    lua_pushboolean(L, n && anc && mxh_name_is_at_or_below(n, anc));
    return 1;
}

static int h_is_strictly_below(lua_State *L)
{
    char a[MXH_NAME_BUF], b[MXH_NAME_BUF];
    const char *n = canon_of(L, 1, a, sizeof a), *anc = canon_of(L, 2, b, sizeof b);
    lua_pushboolean(L, n && anc && strcmp(n, anc) != 0 && mxh_name_is_at_or_below(n, anc));
    return 1;
}

static int h_parent(lua_State *L)
{
    char a[MXH_NAME_BUF];
    const char *n = canon_of(L, 1, a, sizeof a);
    const char *p = n ? mxh_name_parent(n) : NULL;
    if (p)
        lua_pushstring(L, p);
    else
        lua_pushnil(L);
    return 1;
}

static int h_labels(lua_State *L)
{
    char a[MXH_NAME_BUF];
    const char *n = canon_of(L, 1, a, sizeof a);
    lua_newtable(L);
    if (n == NULL || strcmp(n, ".") == 0)
        return 1;
    lua_Integer k = 0;
    const char *start = n;
    for (const char *p = n; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '.') {
            lua_pushlstring(L, start, (size_t)(p - start));
            lua_rawseti(L, -2, ++k);
            start = p + 1;
        }
    }
    return 1;
}

/* ---- public suffix list ------------------------------------------------- */

static const psl_ctx_t *engine_psl(mxh_engine *e)
{
    if (!e->psl_tried) {
        e->psl_tried = 1;
        psl_ctx_t *p = psl_latest(NULL);
        e->psl = p ? (void *)p : (void *)psl_builtin();
    }
    return e->psl;
}

void mxh_lua_psl_free(mxh_engine *e)
{
    if (e->psl && e->psl != (const void *)psl_builtin())
        psl_free(e->psl);
    e->psl = NULL;
    e->psl_tried = 0;
}

/* Lower-case copy without the final dot; NULL if empty or too long. */
static const char *psl_text(const char *s, size_t len, char *buf, size_t bufsz)
{
    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0 || len >= bufsz || memchr(s, '\0', len))
        return NULL;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[len] = '\0';
    return buf;
}

static int h_is_tld(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    char buf[256];
    const char *t = psl_text(s, len, buf, sizeof buf);
    const psl_ctx_t *psl = engine_psl(mxh_lua_engine(L));
    int yes = 0;
    if (t && psl && strchr(t, '.') == NULL)
        yes = psl_is_public_suffix2(psl, t, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
    lua_pushboolean(L, yes);
    return 1;
}

static int h_public_suffix(lua_State *L)
{
    char a[MXH_NAME_BUF];
    const char *n = canon_of(L, 1, a, sizeof a);
    if (n == NULL || strcmp(n, ".") == 0) {
        lua_pushnil(L);
        return 1;
    }
    char buf[MXH_NAME_BUF];
    const char *t = psl_text(n, strlen(n), buf, sizeof buf);
    const psl_ctx_t *psl = engine_psl(mxh_lua_engine(L));
    const char *suffix = NULL;
    if (t && psl)
        suffix = psl_unregistrable_domain(psl, t);
    if (suffix == NULL && t) {
        /* No list: the implicit "*" rule makes the last label the suffix. */
        const char *dot = strrchr(t, '.');
        suffix = dot ? dot + 1 : t;
    }
    if (suffix == NULL) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushfstring(L, "%s.", suffix);
    return 1;
}

/* ---- TXT character-strings (RFC 1035 §5.1 presentation, RFC 7208 §3.3) -- */

/* The character-strings of presentation RDATA p[0..len), joined into out:
 * the first bufsz bytes of the joined text are written (no NUL added),
 * their count returned. */
size_t mxh_lua_join_txt(const char *p, size_t len, char *out, size_t bufsz)
{
    size_t i = 0, k = 0;
    while (i < len && k < bufsz) {
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i >= len)
            break;
        int quoted = p[i] == '"';
        if (quoted)
            i++;
        while (i < len && k < bufsz) {
            char c = p[i];
            if (quoted ? c == '"' : (c == ' ' || c == '\t'))
                break;
            if (c == '\\' && i + 1 < len) {
                if (i + 3 < len && isdigit((unsigned char)p[i + 1]) &&
                    isdigit((unsigned char)p[i + 2]) && isdigit((unsigned char)p[i + 3])) {
                    int v = (p[i + 1] - '0') * 100 + (p[i + 2] - '0') * 10 + (p[i + 3] - '0');
                    out[k++] = (char)(v & 0xff);
                    i += 4;
                } else {
                    out[k++] = p[i + 1];
                    i += 2;
                }
                continue;
            }
            out[k++] = c;
            i++;
        }
        if (quoted && i < len)
            i++; /* closing quote */
    }
    return k;
}

/* Append the character-strings of presentation RDATA p[0..len) to b, joined
 * (never longer than the presentation text: quotes go, escapes shrink). */
static void join_strings(luaL_Buffer *b, const char *p, size_t len)
{
    if (len == 0)
        return;
    char *dst = luaL_prepbuffsize(b, len);
    luaL_addsize(b, mxh_lua_join_txt(p, len, dst, len));
}

void mxh_lua_push_txt_strings(lua_State *L, const char *rdata, size_t len)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    join_strings(&b, rdata, len);
    luaL_pushresult(&b);
}

static int h_txt_strings(lua_State *L)
{
    const char *rdata;
    size_t len;
    mxh_lhandle *h = mxh_lua_test(L, 1, MXH_LK_RECORD);
    if (h) {
        h = mxh_lua_check(L, 1, MXH_LK_RECORD);
        const mxh_rr *rr = h->ptr;
        uint16_t t = mxh_rr_type(rr);
        if (t != MXH_TYPE_TXT && t != MXH_TYPE_SPF)
            return luaL_argerror(L, 1, "TXT record expected");
        rdata = mxh_rr_rdata(rr);
        len = strlen(rdata);
    } else if (lua_type(L, 1) == LUA_TSTRING) {
        rdata = lua_tolstring(L, 1, &len);
    } else {
        return luaL_typeerror(L, 1, "TXT record");
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    join_strings(&b, rdata, len);
    luaL_pushresult(&b);
    return 1;
}

/* ---- SPF (RFC 7208 §4.5, §4.6, §5, §6, §7.1) ---------------------------- */

/* c is one of the characters of set (never the terminating NUL). */
static int in_set(int c, const char *set)
{
    return c != '\0' && strchr(set, c) != NULL;
}

static int is_alnum(int c)
{
    return isalnum((unsigned char)c) != 0;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static int valid_toplabel(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    int alpha = 0, hyphen = 0;
    for (size_t i = 0; i < len; i++) {
        if (isalpha((unsigned char)s[i]))
            alpha = 1;
        else if (s[i] == '-')
            hyphen = 1;
        else if (!isdigit((unsigned char)s[i]))
            return 0;
    }
    if (!hyphen)
        return alpha;
    return is_alnum(s[0]) && is_alnum(s[len - 1]);
}

/*
 * domain-spec = macro-string domain-end (RFC 7208 §7.1, §12). With exp_macros
 * the c, r, t letters are accepted (explanation strings only, §7.3); a
 * domain-spec never allows them. Returns NULL if valid, else a reason.
 */
static const char *check_macro_string(const char *s, size_t len, int exp_macros, int *ends_macro)
{
    *ends_macro = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 1 >= len)
                return "a lone '%' (write '%%')";
            char d = s[i + 1];
            if (d == '%' || d == '_' || d == '-') {
                i += 2;
                *ends_macro = 1;
                continue;
            }
            if (d != '{')
                return "a '%' not followed by '{', '%', '_' or '-'";
            size_t j = i + 2;
            if (j >= len)
                return "an unterminated macro";
            char letter = (char)tolower((unsigned char)s[j]);
            if (!in_set(letter, "slodiphv") && !(exp_macros && in_set(letter, "crt")))
                return "an unknown macro letter";
            j++;
            while (j < len && isdigit((unsigned char)s[j]))
                j++;
            if (j < len && (s[j] == 'r' || s[j] == 'R'))
                j++;
            while (j < len && in_set(s[j], ".-+,/_="))
                j++;
            if (j >= len || s[j] != '}')
                return "a malformed macro";
            i = j + 1;
            *ends_macro = 1;
            continue;
        }
        if (c < 0x21 || c > 0x7e)
            return "a character outside printable ASCII";
        i++;
        *ends_macro = 0;
    }
    return NULL;
}

static const char *check_domain_spec(const char *s, size_t len)
{
    if (len == 0)
        return "an empty domain";
    int ends_macro;
    const char *why = check_macro_string(s, len, 0, &ends_macro);
    if (why)
        return why;
    if (ends_macro)
        return NULL;
    /* domain-end = "." toplabel [ "." ] */
    size_t end = len;
    if (s[end - 1] == '.')
        end--;
    size_t dot = end;
    while (dot > 0 && s[dot - 1] != '.')
        dot--;
    if (dot == 0)
        return "a domain without a dot before its last label";
    if (!valid_toplabel(s + dot, end - dot))
        return "an invalid top label";
    return NULL;
}

static int spf_fail(lua_State *L, const char *term, size_t tlen, const char *why)
{
    lua_pushnil(L);
    lua_pushfstring(L, "term '%s': %s", lua_pushlstring(L, term, tlen), why);
    lua_remove(L, -2);
    return 2;
}

/* Strip "/n" and "//n" from the end of s[0..*len) (RFC 7208 §5.6 dual-cidr-length). */
static const char *take_cidrs(const char *s, size_t *len, int allow4, int allow6, int *c4, int *c6)
{
    *c4 = *c6 = -1;
    size_t n = *len;
    size_t d = n;
    while (d > 0 && isdigit((unsigned char)s[d - 1]))
        d--;
    if (allow6 && d >= 2 && d < n && s[d - 1] == '/' && s[d - 2] == '/') {
        *c6 = parse_len(s + d, n - d, 128);
        if (*c6 < 0)
            return "a bad IPv6 prefix length";
        n = d - 2;
        d = n;
        while (d > 0 && isdigit((unsigned char)s[d - 1]))
            d--;
    }
    if (allow4 && d >= 1 && d < n && s[d - 1] == '/' && !(d >= 2 && s[d - 2] == '/')) {
        *c4 = parse_len(s + d, n - d, 32);
        if (*c4 < 0)
            return "a bad IPv4 prefix length";
        n = d - 1;
    }
    *len = n;
    return NULL;
}

static void set_int_field(lua_State *L, const char *k, int v)
{
    if (v >= 0) {
        lua_pushinteger(L, v);
        lua_setfield(L, -2, k);
    }
}

static int h_spf_parse(lua_State *L)
{
    size_t len;
    const char *s = NULL;
    if (mxh_lua_test(L, 1, MXH_LK_RECORD)) {
        lua_pushcfunction(L, h_txt_strings);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_replace(L, 1);
    }
    s = luaL_checklstring(L, 1, &len);
    if (!mxh_lua_is_spf1(s, len)) {
        lua_pushnil(L);
        lua_pushliteral(L, "not an SPF record (it must begin with \"v=spf1\")");
        return 2;
    }
    lua_createtable(L, 0, 5);
    int res = lua_gettop(L);
    lua_pushliteral(L, "spf1");
    lua_setfield(L, res, "version");
    lua_newtable(L);
    int terms = lua_gettop(L);
    lua_newtable(L);
    int mods = lua_gettop(L);
    lua_Integer nterms = 0;
    int seen_redirect = 0, seen_exp = 0;
    size_t i = 6;
    while (i < len) {
        /* terms are separated by 1*SP (§4.6.1); only SP, not tabs */
        if (s[i] == ' ') {
            i++;
            continue;
        }
        size_t st = i;
        while (i < len && s[i] != ' ')
            i++;
        const char *t = s + st;
        size_t tl = i - st;
        /* modifier: name "=" macro-string, name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
        size_t k = 0;
        if (isalpha((unsigned char)t[0])) {
            k = 1;
            while (k < tl && (isalnum((unsigned char)t[k]) || in_set(t[k], "-_.")))
                k++;
        }
        if (k > 0 && k < tl && t[k] == '=') {
            const char *v = t + k + 1;
            size_t vl = tl - k - 1;
            if (k == 8 && strncasecmp(t, "redirect", 8) == 0) {
                /* §6: redirect and exp appear at most once */
                if (seen_redirect++)
                    return spf_fail(L, t, tl, "a second redirect modifier (RFC 7208 §6)");
                const char *why = check_domain_spec(v, vl);
                if (why)
                    return spf_fail(L, t, tl, why);
                lua_pushlstring(L, v, vl);
                lua_setfield(L, res, "redirect");
            } else if (k == 3 && strncasecmp(t, "exp", 3) == 0) {
                if (seen_exp++)
                    return spf_fail(L, t, tl, "a second exp modifier (RFC 7208 §6)");
                const char *why = check_domain_spec(v, vl);
                if (why)
                    return spf_fail(L, t, tl, why);
                lua_pushlstring(L, v, vl);
                lua_setfield(L, res, "exp");
            } else {
                int em;
                const char *why = check_macro_string(v, vl, 0, &em);
                if (why)
                    return spf_fail(L, t, tl, why);
                /* unknown modifiers are kept and otherwise ignored (§6) */
                lua_pushlstring(L, t, k);
                lua_pushlstring(L, v, vl);
                lua_rawset(L, mods);
            }
            continue;
        }
        /* directive = [ qualifier ] mechanism (§4.6.2) */
        const char *q = "+";
        size_t p = 0;
        if (in_set(t[0], "+-~?")) {
            static const char *const quals[] = {"+", "-", "~", "?"};
            q = quals[strchr("+-~?", t[0]) - "+-~?"];
            p = 1;
        }
        size_t ns = p;
        while (p < tl && isalnum((unsigned char)t[p]))
            p++;
        char mech[8];
        size_t ml = p - ns;
        if (ml == 0 || ml >= sizeof mech)
            return spf_fail(L, t, tl, "neither a mechanism nor a modifier");
        for (size_t j = 0; j < ml; j++)
            mech[j] = (char)tolower((unsigned char)t[ns + j]);
        mech[ml] = '\0';
        const char *rest = t + p;
        size_t rl = tl - p;
        const char *value = NULL;
        size_t vlen = 0;
        int c4 = -1, c6 = -1;
        const char *why = NULL;
        if (strcmp(mech, "all") == 0) {
            if (rl)
                why = "'all' takes no argument";
        } else if (strcmp(mech, "include") == 0 || strcmp(mech, "exists") == 0) {
            if (rl < 1 || rest[0] != ':')
                why = "a domain is required after ':'";
            else {
                value = rest + 1;
                vlen = rl - 1;
                why = check_domain_spec(value, vlen);
            }
        } else if (strcmp(mech, "a") == 0 || strcmp(mech, "mx") == 0 ||
                   strcmp(mech, "ptr") == 0) {
            int is_ptr = mech[0] == 'p';
            size_t n = rl;
            why = is_ptr ? NULL : take_cidrs(rest, &n, 1, 1, &c4, &c6);
            if (!why && n > 0) {
                if (rest[0] != ':')
                    why = "unexpected text after the mechanism";
                else {
                    value = rest + 1;
                    vlen = n - 1;
                    why = check_domain_spec(value, vlen);
                }
            }
        } else if (strcmp(mech, "ip4") == 0 || strcmp(mech, "ip6") == 0) {
            int six = mech[2] == '6';
            if (rl < 2 || rest[0] != ':') {
                why = "an address is required after ':'";
            } else {
                value = rest + 1;
                vlen = rl - 1;
                const char *slash = memchr(value, '/', vlen);
                size_t al = slash ? (size_t)(slash - value) : vlen;
                unsigned char buf[16];
                char tmp[64];
                if (al == 0 || al >= sizeof tmp) {
                    why = six ? "an invalid IPv6 network" : "an invalid IPv4 network";
                } else {
                    memcpy(tmp, value, al);
                    tmp[al] = '\0';
                    if (inet_pton(six ? AF_INET6 : AF_INET, tmp, buf) != 1)
                        why = six ? "an invalid IPv6 network" : "an invalid IPv4 network";
                }
                if (!why && slash) {
                    int l = parse_len(slash + 1, vlen - al - 1, six ? 128 : 32);
                    if (l < 0)
                        why = "a bad prefix length";
                    else if (six)
                        c6 = l;
                    else
                        c4 = l;
                }
                vlen = al;
            }
        } else {
            lua_pushfstring(L, "unknown mechanism '%s'", mech);
            return spf_fail(L, t, tl, lua_tostring(L, -1));
        }
        if (why)
            return spf_fail(L, t, tl, why);
        lua_createtable(L, 0, 6);
        lua_pushstring(L, q);
        lua_setfield(L, -2, "qualifier");
        lua_pushstring(L, mech);
        lua_setfield(L, -2, "mechanism");
        if (value) {
            lua_pushlstring(L, value, vlen);
            lua_setfield(L, -2, "value");
        }
        set_int_field(L, "cidr4", c4);
        set_int_field(L, "cidr6", c6);
        lua_pushlstring(L, t, tl);
        lua_setfield(L, -2, "text");
        lua_rawseti(L, terms, ++nterms);
    }
    lua_pushvalue(L, terms);
    lua_setfield(L, res, "terms");
    lua_pushvalue(L, mods);
    lua_setfield(L, res, "modifiers");
    lua_settop(L, res);
    return 1;
}

/* ---- exchange facts shared by the MX rules ------------------------------ */

/* Whether a single label (text as mxh.labels gives it) is a top-level domain:
 * the same test as mxh.is_tld. */
static int label_is_tld(mxh_engine *e, const char *s, size_t len)
{
    char buf[256];
    const char *t = psl_text(s, len, buf, sizeof buf);
    const psl_ctx_t *psl = engine_psl(e);
    return t && psl && strchr(t, '.') == NULL &&
           psl_is_public_suffix2(psl, t, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

/* Number of labels of a canonical name, split as mxh.labels splits. */
static size_t label_count(const char *n)
{
    if (strcmp(n, ".") == 0)
        return 0;
    size_t k = 0;
    for (const char *p = n; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '.')
            k++;
    }
    return k;
}

/* Offset of the end (the unescaped dot) of label number i (0-based) of n. */
static size_t label_end(const char *n, size_t i, size_t *start)
{
    size_t k = 0, st = 0;
    for (size_t p = 0; n[p]; p++) {
        if (n[p] == '\\' && n[p + 1]) {
            p++;
            continue;
        }
        if (n[p] == '.') {
            if (k == i) {
                *start = st;
                return p;
            }
            k++;
            st = p + 1;
        }
    }
    *start = st;
    return strlen(n);
}

/* The labels of name before origin, as one string joined by dots (what
 * table.concat(prefix_labels(name, origin), ".") gives), when name is
 * strictly below origin and that prefix has at least one label; its label
 * count in *np, its length returned; 0 otherwise. lo is origin's label
 * count. */
static size_t name_prefix_lo(const char *n, const char *o, size_t lo, size_t *np)
{
    *np = 0;
    if (n == NULL || o == NULL || strcmp(n, o) == 0 || !mxh_name_is_at_or_below(n, o))
        return 0;
    size_t ln = label_count(n);
    if (ln <= lo)
        return 0;
    size_t st;
    *np = ln - lo;
    return label_end(n, *np - 1, &st);
}

/* What both exchange facts start from: the exchange's name and the zone's
 * origin as canonical text, and the part of the name before the origin
 * (name_prefix). Made once per exchange. */
typedef struct xprep {
    const char *xn;           /* the exchange's name as the route has it */
    const char *n, *o;        /* canonical forms (maybe in a, b), or NULL */
    size_t pl, np;            /* name_prefix(n, o) */
    size_t lo;                /* label_count(o) (0 without o) */
    char a[MXH_NAME_BUF], b[MXH_NAME_BUF];
} xprep;

static void xprep_init(mxh_engine *e, xprep *p, const mxh_zone *z, const mxh_exchange *x)
{
    p->xn = mxh_exchange_name(x);
    p->n = p->xn ? canon_str(p->xn, p->a, sizeof p->a) : NULL;
    if (e == NULL) {
        p->o = canon_str(mxh_zone_origin(z), p->b, sizeof p->b);
        p->lo = p->o ? label_count(p->o) : 0;
        p->pl = name_prefix_lo(p->n, p->o, p->lo, &p->np);
        return;
    }
    /* the origin's canonical text and label count, once per zone and scan */
    if (e->xo_zone != (const void *)z || e->xo_gen != e->gen) {
        const char *o = canon_str(mxh_zone_origin(z), e->xo_buf, sizeof e->xo_buf);
        e->xo_canon = o;
        e->xo_labels = o ? label_count(o) : 0;
        e->xo_zone = z;
        e->xo_gen = e->gen;
    }
    p->o = e->xo_canon;
    p->lo = e->xo_labels;
    p->pl = name_prefix_lo(p->n, p->o, p->lo, &p->np);
}

/* The address an MX exchange was meant to be (RFC 1035 §3.3.9: EXCHANGE is a
 * host name, an address literal is not one), into out; 0 if none. Written
 * with a final dot, the exchange is the literal itself; without it, the
 * origin (of this zone, or of another $ORIGIN: then the text as written
 * holds the address) was appended. */
static int ip_literal_p(const xprep *p, const mxh_exchange *x, char *out, size_t outsz)
{
    const char *xn = p->xn;
    size_t xl = xn ? strlen(xn) : 0;
    if (xn && addr_family(xn, xl, NULL)) {
        snprintf(out, outsz, "%.*s", (int)(xl - 1), xn);
        return 1;
    }
    if (p->pl > 0 && addr_family(p->n, p->pl, NULL)) {
        snprintf(out, outsz, "%.*s", (int)p->pl, p->n);
        return 1;
    }
    const mxh_rr *rec = mxh_exchange_record(x);
    if (rec && mxh_rr_target_relative(rec)) {
        const char *t = mxh_rr_rdata_text(rec);
        const char *q = t ? t : "";
        while (*q) {
            while (*q && isspace((unsigned char)*q))
                q++;
            const char *w = q;
            while (*q && !isspace((unsigned char)*q))
                q++;
            size_t wl = (size_t)(q - w);
            if (wl > 0 && (memchr(w, '.', wl) || memchr(w, ':', wl)) &&
                addr_family(w, wl, NULL)) {
                if (w[wl - 1] == '.')
                    wl--;
                snprintf(out, outsz, "%.*s", (int)wl, w);
                return 1;
            }
        }
    }
    return 0;
}

int mxh_lua_exchange_ip_literal(const mxh_zone *z, const mxh_exchange *x, char *out,
                                size_t outsz)
{
    xprep p;
    xprep_init(NULL, &p, z, x);
    return ip_literal_p(&p, x, out, outsz);
}

/* A forgotten final dot: the exchange is under the origin, has no records of
 * its own (a wildcard answer does not count) and is not below a cut, and the
 * part before the origin repeats the origin or is a full domain name (ends in
 * a TLD). The name meant, with its final dot, into out; 0 if none. */
static int missing_dot_p(mxh_engine *e, const xprep *p, const mxh_zone *z,
                         const mxh_exchange *x, char *out, size_t outsz)
{
    const char *n = p->n, *o = p->o;
    size_t np = p->np, pl = p->pl;
    if (pl == 0)
        return 0;
    if (mxh_exchange_status_of(x) == MXH_EX_DELEGATED)
        return 0;
    /* zone:node(name): the name as a plain canonical name or converted (n) */
    const mxh_node *node = n ? mxh_zone_find(z, n) : NULL;
    if (node && (node->rrs != NULL || (node->flags & MXH_NODE_BELOW_CUT)))
        return 0;
    size_t no = p->lo; /* label_count(o) */
    if (no > 0 && np >= no) {
        /* the last no labels of the prefix against the origin's labels */
        int same = 1;
        for (size_t i = 0; i < no && same; i++) {
            size_t ps, pe = label_end(n, np - no + i, &ps);
            size_t os, oe = label_end(o, i, &os);
            same = pe - ps == oe - os && memcmp(n + ps, o + os, pe - ps) == 0;
        }
        if (same) {
            snprintf(out, outsz, "%.*s.", (int)pl, n);
            return 1;
        }
    }
    if (np >= 2) {
        size_t ls, le = label_end(n, np - 1, &ls);
        if (label_is_tld(e, n + ls, le - ls)) {
            snprintf(out, outsz, "%.*s.", (int)pl, n);
            return 1;
        }
    }
    return 0;
}

int mxh_lua_exchange_missing_dot(mxh_engine *e, const mxh_zone *z, const mxh_exchange *x,
                                 char *out, size_t outsz)
{
    xprep p;
    xprep_init(e, &p, z, x);
    return missing_dot_p(e, &p, z, x, out, outsz);
}

/* The facts are kept per zone scan in e->xfacts, an open-addressing table
 * keyed by (exchange, zone asked through) whose slots are stamped with the
 * generation (a new zone scan starts empty without clearing it): the hints
 * compute them for every exchange, the MX rules ask again. */
static size_t xfacts_slot(const mxh_engine *e, const void *x, const void *z)
{
    uint64_t k = (uint64_t)(uintptr_t)x * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)z;
    k ^= k >> 29;
    size_t mask = e->xfacts_cap - 1;
    for (size_t i = (size_t)k & mask;; i = (i + 1) & mask) {
        const struct mxh_xfact *f = &e->xfacts[i];
        if (f->gen != e->gen || (f->x == x && f->z == z))
            return i;
    }
}

/* Room for one more fact; 0, or -1 (then the fact is just not kept). */
static int xfacts_room(mxh_engine *e)
{
    if (e->xfacts_gen != e->gen) {
        e->xfacts_gen = e->gen;
        e->nxfacts = 0;
    }
    if ((e->nxfacts + 1) * 2 <= e->xfacts_cap)
        return 0;
    size_t cap = e->xfacts_cap ? e->xfacts_cap * 2 : 64;
    struct mxh_xfact *nf = calloc(cap, sizeof *nf);
    if (nf == NULL)
        return -1;
    if (e->gen == 0) /* calloc's zeros would read as this generation's */
        for (size_t i = 0; i < cap; i++)
            nf[i].gen = 1;
    struct mxh_xfact *old = e->xfacts;
    size_t oldcap = e->xfacts_cap;
    e->xfacts = nf;
    e->xfacts_cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].gen == e->gen)
            e->xfacts[xfacts_slot(e, old[i].x, old[i].z)] = old[i];
    free(old);
    return 0;
}

/* Facts of an exchange whose MX record's target is written absolute (or
 * that has no record) depend only on its name (interned: the same pointer
 * for the same name), the zone and whether the name is delegated: they are
 * also kept under that key, so exchanges of many mail domains naming the
 * same host share one computation. The key's zone part is the zone's
 * address plus 1 or 2 (never a zone's own address, so never an exchange
 * entry's key). */
static const void *xname_key(const mxh_zone *z, const mxh_exchange *x)
{
    return (const char *)z + 1 + (mxh_exchange_status_of(x) == MXH_EX_DELEGATED);
}

static void xfacts_put(mxh_engine *e, const void *k1, const void *k2, int ip, int dot)
{
    if (xfacts_room(e) != 0)
        return;
    struct mxh_xfact *f = &e->xfacts[xfacts_slot(e, k1, k2)];
    if (f->gen != e->gen)
        e->nxfacts++;
    *f = (struct mxh_xfact){ k1, k2, e->gen, (uint8_t)ip, (uint8_t)dot };
}

void mxh_lua_exchange_facts(mxh_engine *e, const mxh_zone *z, const mxh_exchange *x,
                            int *ip, int *dot)
{
    const char *xn = mxh_exchange_name(x);
    const mxh_rr *rec = mxh_exchange_record(x);
    int by_name = xn != NULL && !(rec && mxh_rr_target_relative(rec));
    if (e->xfacts_cap && e->xfacts_gen == e->gen) {
        const struct mxh_xfact *f = &e->xfacts[xfacts_slot(e, x, z)];
        if (f->gen != e->gen && by_name)
            f = &e->xfacts[xfacts_slot(e, xn, xname_key(z, x))];
        if (f->gen == e->gen) {
            *ip = f->ip;
            *dot = f->dot;
            return;
        }
    }
    char out[MXH_NAME_BUF + 8];
    xprep p;
    xprep_init(e, &p, z, x);
    *ip = ip_literal_p(&p, x, out, sizeof out);
    *dot = missing_dot_p(e, &p, z, x, out, sizeof out);
    xfacts_put(e, x, z, *ip, *dot);
    if (by_name)
        xfacts_put(e, xn, xname_key(z, x), *ip, *dot);
}

/* mxh.exchange_ip_literal(zone, x): the address, or nil. */
static int h_exchange_ip_literal(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    const mxh_exchange *x = mxh_lua_check(L, 2, MXH_LK_EXCHANGE)->ptr;
    char out[MXH_NAME_BUF + 8];
    int ip, dot;
    mxh_lua_exchange_facts(mxh_lua_engine(L), z, x, &ip, &dot);
    if (ip && mxh_lua_exchange_ip_literal(z, x, out, sizeof out))
        lua_pushstring(L, out);
    else
        lua_pushnil(L);
    return 1;
}

/* mxh.exchange_missing_dot(zone, x): the name meant, or nil. */
static int h_exchange_missing_dot(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    const mxh_exchange *x = mxh_lua_check(L, 2, MXH_LK_EXCHANGE)->ptr;
    char out[MXH_NAME_BUF + 8];
    int ip, dot;
    mxh_lua_exchange_facts(mxh_lua_engine(L), z, x, &ip, &dot);
    if (dot && mxh_lua_exchange_missing_dot(mxh_lua_engine(L), z, x, out, sizeof out))
        lua_pushstring(L, out);
    else
        lua_pushnil(L);
    return 1;
}

/* mxh.exchange_explained(zone, x): the exchange is the root (a null MX, RFC
 * 7505 §3), an address literal or a name missing its final dot. */
static int h_exchange_explained(lua_State *L)
{
    const mxh_zone *z = mxh_lua_check(L, 1, MXH_LK_ZONE)->ptr;
    const mxh_exchange *x = mxh_lua_check(L, 2, MXH_LK_EXCHANGE)->ptr;
    const char *xn = mxh_exchange_name(x);
    int ip = 0, dot = 0;
    if (!(xn && strcmp(xn, ".") == 0))
        mxh_lua_exchange_facts(mxh_lua_engine(L), z, x, &ip, &dot);
    lua_pushboolean(L, (xn && strcmp(xn, ".") == 0) || ip || dot);
    return 1;
}

MXH_HIDDEN int mxh_lua_children_of(lua_State *L); /* lua_fast.c */
MXH_HIDDEN int mxh_lua_first_record_below(lua_State *L);
MXH_HIDDEN int mxh_lua_spf_mx_settled(lua_State *L);
MXH_HIDDEN int mxh_lua_mx_one_host(lua_State *L);
MXH_HIDDEN int mxh_lua_wildcard_mx(lua_State *L);

int mxh_lua_open_mxh(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"is_ip", h_is_ip},
        {"is_ipv4", h_is_ipv4},
        {"is_ipv6", h_is_ipv6},
        {"name_eq", h_name_eq},
        {"is_below", h_is_below},
        {"is_strictly_below", h_is_strictly_below},
        {"parent", h_parent},
        {"labels", h_labels},
        {"is_tld", h_is_tld},
        {"public_suffix", h_public_suffix},
        {"spf_parse", h_spf_parse},
        {"ip_in_cidr", h_ip_in_cidr},
        {"txt_strings", h_txt_strings},
        {"cdn_provider", mxh_lua_cdn_provider},
        {"exchange_ip_literal", h_exchange_ip_literal},
        {"exchange_missing_dot", h_exchange_missing_dot},
        {"exchange_explained", h_exchange_explained},
        {"children_of", mxh_lua_children_of}, {"first_record_below", mxh_lua_first_record_below},
        {"spf_mx_settled", mxh_lua_spf_mx_settled}, {"mx_one_host", mxh_lua_mx_one_host},
        {"wildcard_mx", mxh_lua_wildcard_mx},
        {NULL, NULL}
    };
    luaL_newlib(L, fns);
    return 1;
}

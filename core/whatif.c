/* SPDX-License-Identifier: MIT */
/*
 * whatif.c — the mail impact of a DNS change before it is made.
 *
 *  1. Changesets: "set/add/del OWNER [TTL] [CLASS] TYPE [RDATA]" lines and
 *     inventory edits, parsed once, applied in order.
 *  2. mxh_changeset_apply: a new zone set built by re-adding every record of
 *     the old one (file and line kept) through mxh_zone_create/mxh_zone_add,
 *     with the changes made on the way. Zones no change touches are copied
 *     straight; touched zones go through a working list of records.
 *  3. mxh_whatif_compare: every mail domain of either side (zone apexes, MX
 *     owners, inventory domains) routed on both sides (RFC 5321 §5.1) and
 *     classified by where mail ends up.
 *  4. mxh_whatif_plan_fixes: seed 000's method 1 (a mail host name of its
 *     own with the old address, the MX pointed at it, then the change),
 *     checked by applying it.
 *  5. mxh_whatif_scan: findings of the rule engine on both sides, compared by
 *     rule + zone + owner.
 */
#include "whatif.h"
#include "route_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Provided by core/rdata.c (declared in mxh_internal.h). The engine may not
 * be linked into every program that links this file: refer to it weakly and
 * report MXH_ERR_ARG when it is missing. */
#pragma weak mxh_engine_scan_zone
#pragma weak mxh_finding_kind_of
#pragma weak mxh_finding_rule
#pragma weak mxh_finding_severity
#pragma weak mxh_finding_zone
#pragma weak mxh_finding_owner
#pragma weak mxh_finding_message
#pragma weak mxh_finding_file
#pragma weak mxh_finding_line

#define WI_DEFAULT_TTL 3600u

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

static char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *xstrdup(const char *s) { return s ? xstrndup(s, strlen(s)) : NULL; }

/* A growable text buffer; on out of memory it stops growing and sets oom. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 128;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *p = realloc(b->s, nc);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_printf(sbuf *b, const char *fmt, ...) MXH_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sb_putn(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A growable array of owned strings. */
typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static int sv_push(strv *sv, const char *s)
{
    if (sv->n == sv->cap) {
        size_t nc = sv->cap ? sv->cap * 2 : 8;
        char **nv = realloc(sv->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        sv->v = nv;
        sv->cap = nc;
    }
    char *c = xstrdup(s);
    if (!c)
        return -1;
    sv->v[sv->n++] = c;
    return 0;
}

static void sv_free(strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static int sv_has(const strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int sv_equal(const strv *a, const strv *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return 0;
    return 1;
}

static void sv_join_or(sbuf *b, const strv *sv, const char *sep, const char *none)
{
    for (size_t i = 0; i < sv->n; i++) {
        if (i)
            sb_puts(b, sep);
        sb_puts(b, sv->v[i]);
    }
    if (sv->n == 0)
        sb_puts(b, none);
}

static void sv_join(sbuf *b, const strv *sv, const char *sep) { sv_join_or(b, sv, sep, "nowhere"); }

/* ------------------------------------------------------------------------ */
/* Changesets                                                               */

struct mxh_change {
    mxh_change_op op;
    char *text;          /* whitespace folded */
    char *owner;         /* as written (server for inventory changes) */
    uint16_t type;
    uint16_t rclass;
    uint32_t ttl;
    int has_ttl;
    char *rdata;         /* as written, comment removed; NULL if none */
    char *source;
    unsigned long line;
    strv args;           /* inventory: [0] addresses (add only), then domains */
};

struct mxh_changeset {
    mxh_change **v;
    size_t n, cap;
    char *origin;        /* canonical, or NULL */
    strv errors;
    char errmsg[1024];
};

const char *mxh_change_op_name(mxh_change_op op)
{
    switch (op) {
    case MXH_CHANGE_SET: return "set";
    case MXH_CHANGE_ADD: return "add";
    case MXH_CHANGE_DEL: return "del";
    case MXH_CHANGE_INV_ADD: return "inventory add";
    case MXH_CHANGE_INV_DEL: return "inventory del";
    }
    return "?";
}

mxh_status mxh_changeset_new(mxh_changeset **out)
{
    if (!out)
        return MXH_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? MXH_OK : MXH_ERR_NOMEM;
}

static void change_free(mxh_change *c)
{
    if (!c)
        return;
    free(c->text);
    free(c->owner);
    free(c->rdata);
    free(c->source);
    sv_free(&c->args);
    free(c);
}

void mxh_changeset_free(mxh_changeset *cs)
{
    if (!cs)
        return;
    for (size_t i = 0; i < cs->n; i++)
        change_free(cs->v[i]);
    free(cs->v);
    free(cs->origin);
    sv_free(&cs->errors);
    free(cs);
}

mxh_status mxh_changeset_set_origin(mxh_changeset *cs, const char *origin)
{
    if (!cs)
        return MXH_ERR_ARG;
    free(cs->origin);
    cs->origin = NULL;
    if (!origin)
        return MXH_OK;
    char buf[MXH_NAME_BUF];
    int n = mxh_name_from_user(origin, buf, sizeof buf);
    if (n <= 0) {
        snprintf(cs->errmsg, sizeof cs->errmsg, "bad origin '%.200s': %s", origin,
                 mxh_name_strerror(n));
        return MXH_ERR_ARG;
    }
    cs->origin = xstrdup(buf);
    return cs->origin ? MXH_OK : MXH_ERR_NOMEM;
}

const char *mxh_changeset_errmsg(const mxh_changeset *cs) { return cs ? cs->errmsg : ""; }
size_t mxh_changeset_error_count(const mxh_changeset *cs) { return cs ? cs->errors.n : 0; }
const char *mxh_changeset_error(const mxh_changeset *cs, size_t i)
{
    return cs && i < cs->errors.n ? cs->errors.v[i] : NULL;
}
size_t mxh_changeset_count(const mxh_changeset *cs) { return cs ? cs->n : 0; }
const mxh_change *mxh_changeset_change(const mxh_changeset *cs, size_t i)
{
    return cs && i < cs->n ? cs->v[i] : NULL;
}
mxh_change_op mxh_change_op_of(const mxh_change *c) { return c->op; }
const char *mxh_change_text(const mxh_change *c) { return c->text; }
const char *mxh_change_owner(const mxh_change *c) { return c->owner; }
uint16_t mxh_change_type(const mxh_change *c) { return c->type; }
const char *mxh_change_source(const mxh_change *c) { return c->source; }
unsigned long mxh_change_line(const mxh_change *c) { return c->line; }

/* Tokens of a change line: whitespace separated; the RDATA is the rest. */
typedef struct ctok {
    const char *s;
    size_t n;
} ctok;

static size_t next_ctok(const char *s, size_t len, size_t pos, ctok *t)
{
    while (pos < len && isspace((unsigned char)s[pos]))
        pos++;
    size_t b = pos;
    while (pos < len && !isspace((unsigned char)s[pos]))
        pos++;
    t->s = s + b;
    t->n = pos - b;
    return pos;
}

static int tok_is(const ctok *t, const char *w)
{
    return t->n == strlen(w) && strncasecmp(t->s, w, t->n) == 0;
}

/* TTL as digits or BIND units ("1h30m"); RFC 2181 §8: at most 2^31 - 1. */
static int parse_ttl(const ctok *t, uint32_t *out)
{
    if (t->n == 0 || !isdigit((unsigned char)t->s[0]))
        return -1;
    uint64_t total = 0, cur = 0;
    int digits = 0;
    for (size_t i = 0; i < t->n; i++) {
        char c = (char)tolower((unsigned char)t->s[i]);
        if (isdigit((unsigned char)c)) {
            cur = cur * 10 + (uint64_t)(c - '0');
            digits = 1;
            if (cur > 0x7fffffffu)
                return -1;
            continue;
        }
        uint64_t mul = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 :
                       c == 'w' ? 604800 : 0;
        if (!mul || !digits)
            return -1;
        total += cur * mul;
        cur = 0;
        digits = 0;
    }
    total += cur;
    if (total > 0x7fffffffu)
        return -1;
    *out = (uint32_t)total;
    return 0;
}

static int class_of(const ctok *t, uint16_t *out)
{
    static const struct { const char *n; uint16_t v; } cl[] = {
        { "IN", 1 }, { "CS", 2 }, { "CH", 3 }, { "HS", 4 } };
    for (size_t i = 0; i < sizeof cl / sizeof cl[0]; i++)
        if (tok_is(t, cl[i].n)) {
            *out = cl[i].v;
            return 0;
        }
    return -1;
}

/* The RDATA text with a master-file comment (';' outside quotes) removed
 * and the ends trimmed. */
static char *rdata_clean(const char *s, size_t n)
{
    int inq = 0;
    size_t end = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            continue;
        }
        if (s[i] == '"')
            inq = !inq;
        else if (s[i] == ';' && !inq) {
            end = i;
            break;
        }
    }
    size_t b = 0;
    while (b < end && isspace((unsigned char)s[b]))
        b++;
    while (end > b && isspace((unsigned char)s[end - 1]))
        end--;
    return xstrndup(s + b, end - b);
}

static void cs_error(mxh_changeset *cs, const char *source, unsigned long line, const char *fmt, ...)
    MXH_PRINTF(4, 5);
static void cs_error(mxh_changeset *cs, const char *source, unsigned long line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line)
        snprintf(cs->errmsg, sizeof cs->errmsg, "%.200s:%lu: %s", source, line, msg);
    else
        snprintf(cs->errmsg, sizeof cs->errmsg, "%.200s: %s", source, msg);
    sv_push(&cs->errors, cs->errmsg);
}

static char *fold_ws(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    int sp = 0, inq = 0;
    for (size_t i = 0; i < n; i++) {
        /* Whitespace inside a quoted string is data (TXT): kept as is. */
        if (!inq && isspace((unsigned char)s[i])) {
            sp = k > 0;
            continue;
        }
        if (sp)
            o[k++] = ' ';
        sp = 0;
        if (s[i] == '\\' && i + 1 < n) {
            o[k++] = s[i++];
        } else if (s[i] == '"') {
            inq = !inq;
        }
        o[k++] = s[i];
    }
    o[k] = '\0';
    return o;
}

mxh_status mxh_changeset_add(mxh_changeset *cs, const char *text, const char *source,
                             unsigned long line)
{
    if (!cs || !text)
        return MXH_ERR_ARG;
    if (!source)
        source = "--change";
    size_t len = strlen(text);
    if (memchr(text, '\n', len)) {
        cs_error(cs, source, line, "a change is one line");
        return MXH_ERR_PARSE;
    }
    mxh_change *c = calloc(1, sizeof *c);
    if (!c)
        return MXH_ERR_NOMEM;
    c->line = line;
    c->rclass = 1;
    c->source = xstrdup(source);
    c->text = fold_ws(text, len);
    if (!c->source || !c->text)
        goto nomem;
    ctok t;
    size_t pos = next_ctok(text, len, 0, &t);
    if (t.n == 0) {
        cs_error(cs, source, line, "empty change");
        goto bad;
    }
    int inventory = 0;
    if (tok_is(&t, "inventory")) {
        inventory = 1;
        pos = next_ctok(text, len, pos, &t);
    }
    if (tok_is(&t, "set"))
        c->op = MXH_CHANGE_SET;
    else if (tok_is(&t, "add"))
        c->op = MXH_CHANGE_ADD;
    else if (tok_is(&t, "del") || tok_is(&t, "delete"))
        c->op = MXH_CHANGE_DEL;
    else {
        cs_error(cs, source, line, "unknown operation '%.*s' (expected set, add, del%s)",
                 (int)(t.n > 40 ? 40 : t.n), t.s, inventory ? "" : " or inventory");
        goto bad;
    }
    if (inventory) {
        if (c->op == MXH_CHANGE_SET) {
            cs_error(cs, source, line, "inventory changes are 'inventory add' or 'inventory del'");
            goto bad;
        }
        c->op = c->op == MXH_CHANGE_ADD ? MXH_CHANGE_INV_ADD : MXH_CHANGE_INV_DEL;
        pos = next_ctok(text, len, pos, &t);
        if (t.n == 0) {
            cs_error(cs, source, line, "%s: missing server name", mxh_change_op_name(c->op));
            goto bad;
        }
        c->owner = xstrndup(t.s, t.n);
        if (!c->owner)
            goto nomem;
        for (;;) {
            pos = next_ctok(text, len, pos, &t);
            if (t.n == 0)
                break;
            char *a = xstrndup(t.s, t.n);
            if (!a || sv_push(&c->args, a)) {
                free(a);
                goto nomem;
            }
            free(a);
        }
        if (c->op == MXH_CHANGE_INV_ADD && c->args.n < 2) {
            cs_error(cs, source, line,
                     "inventory add: expected SERVER ADDRESS[,ADDRESS...] DOMAIN...");
            goto bad;
        }
        goto ok;
    }
    pos = next_ctok(text, len, pos, &t);
    if (t.n == 0) {
        cs_error(cs, source, line, "%s: missing owner name", mxh_change_op_name(c->op));
        goto bad;
    }
    c->owner = xstrndup(t.s, t.n);
    if (!c->owner)
        goto nomem;
    /* [TTL] [CLASS] in either order, then TYPE (RFC 1035 §5.1). */
    int have_class = 0;
    for (int k = 0; k < 3; k++) {
        size_t np = next_ctok(text, len, pos, &t);
        if (t.n == 0) {
            cs_error(cs, source, line, "%s %s: missing record type", mxh_change_op_name(c->op),
                     c->owner);
            goto bad;
        }
        uint16_t cl;
        if (!c->has_ttl && parse_ttl(&t, &c->ttl) == 0) {
            c->has_ttl = 1;
            pos = np;
            continue;
        }
        if (!have_class && class_of(&t, &cl) == 0) {
            have_class = 1;
            c->rclass = cl;
            pos = np;
            continue;
        }
        char tname[32];
        if (t.n >= sizeof tname) {
            cs_error(cs, source, line, "unknown record type '%.*s'", 20, t.s);
            goto bad;
        }
        memcpy(tname, t.s, t.n);
        tname[t.n] = '\0';
        c->type = mxh_type_from_name(tname);
        if (!c->type) {
            cs_error(cs, source, line, "unknown record type '%s'", tname);
            goto bad;
        }
        pos = np;
        break;
    }
    if (!c->type) {
        cs_error(cs, source, line, "%s %s: missing record type", mxh_change_op_name(c->op), c->owner);
        goto bad;
    }
    c->rdata = rdata_clean(text + pos, len - pos);
    if (!c->rdata)
        goto nomem;
    if (c->rdata[0] == '\0') {
        free(c->rdata);
        c->rdata = NULL;
    }
    if (!c->rdata && c->op != MXH_CHANGE_DEL) {
        cs_error(cs, source, line, "%s %s: missing RDATA (a record is OWNER [TTL] [CLASS] TYPE RDATA)",
                 mxh_change_op_name(c->op), c->owner);
        goto bad;
    }
    if (c->type == MXH_TYPE_ANY && c->op != MXH_CHANGE_DEL) {
        cs_error(cs, source, line, "type ANY is only for 'del OWNER ANY'");
        goto bad;
    }
ok:
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 8;
        mxh_change **nv = realloc(cs->v, nc * sizeof *nv);
        if (!nv)
            goto nomem;
        cs->v = nv;
        cs->cap = nc;
    }
    cs->v[cs->n++] = c;
    return MXH_OK;
bad:
    change_free(c);
    return MXH_ERR_PARSE;
nomem:
    change_free(c);
    snprintf(cs->errmsg, sizeof cs->errmsg, "out of memory");
    return MXH_ERR_NOMEM;
}

mxh_status mxh_changeset_load_buffer(mxh_changeset *cs, const char *name, const char *buf,
                                     size_t len)
{
    if (!cs || (!buf && len))
        return MXH_ERR_ARG;
    if (!name)
        name = "<changes>";
    mxh_status worst = MXH_OK;
    unsigned long line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t eol = pos;
        while (eol < len && buf[eol] != '\n')
            eol++;
        line++;
        size_t b = pos, e = eol;
        pos = eol + 1;
        while (b < e && isspace((unsigned char)buf[b]))
            b++;
        while (e > b && isspace((unsigned char)buf[e - 1]))
            e--;
        if (b == e || buf[b] == '#' || buf[b] == ';')
            continue;
        if (memchr(buf + b, '\0', e - b)) {
            cs_error(cs, name, line, "NUL byte in a change line");
            worst = MXH_ERR_PARSE;
            continue;
        }
        char *l = xstrndup(buf + b, e - b);
        if (!l)
            return MXH_ERR_NOMEM;
        mxh_status st = mxh_changeset_add(cs, l, name, line);
        free(l);
        if (st == MXH_ERR_NOMEM)
            return st;
        if (st != MXH_OK)
            worst = MXH_ERR_PARSE;
    }
    return worst;
}

mxh_status mxh_changeset_load_file(mxh_changeset *cs, const char *path)
{
    if (!cs || !path)
        return MXH_ERR_ARG;
    char *buf = NULL;
    size_t len = 0;
    char err[256];
    if (mxh_read_file(path, &buf, &len, err, sizeof err) != 0) {
        /* err names the file already */
        snprintf(cs->errmsg, sizeof cs->errmsg, "%s", err);
        sv_push(&cs->errors, cs->errmsg);
        return MXH_ERR_IO;
    }
    mxh_status st = mxh_changeset_load_buffer(cs, path, buf, len);
    free(buf);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Applying a changeset                                                     */

/* One record of a touched zone while changes are applied. */
typedef struct wrec {
    const mxh_rr *orig;      /* from the old zone set, or NULL for a new record */
    mxh_rr_in in;            /* new records: strings live in the new zone set */
    const char *owner;       /* canonical */
    uint16_t type;
    const char *rdata;       /* canonical */
    uint32_t ttl;
    int dead;
} wrec;

typedef struct wzone {
    wrec *v;
    size_t n, cap;
} wzone;

typedef struct apply_ctx {
    const mxh_zoneset *old;
    mxh_zoneset *zs;
    wzone *wz;               /* per old zone, NULL until touched */
    mxh_fileno *filemap;     /* old file index -> new, FILE_UNMAPPED unknown */
    int errors;
    int nomem;
} apply_ctx;

#define FILE_UNMAPPED UINT32_MAX

static mxh_fileno map_file(apply_ctx *a, mxh_fileno f)
{
    if (f >= a->old->nfiles)
        return 0;
    if (a->filemap[f] == FILE_UNMAPPED)
        a->filemap[f] = mxh_zs_file(a->zs, a->old->files[f]);
    return a->filemap[f];
}

static int wz_push(wzone *w, const wrec *r)
{
    if (w->n == w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 32;
        wrec *nv = realloc(w->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        w->v = nv;
        w->cap = nc;
    }
    w->v[w->n++] = *r;
    return 0;
}

static int wz_insert(wzone *w, size_t at, const wrec *r)
{
    if (wz_push(w, r))
        return -1;
    memmove(&w->v[at + 1], &w->v[at], (w->n - 1 - at) * sizeof *w->v);
    w->v[at] = *r;
    return 0;
}

static wzone *touch_zone(apply_ctx *a, const mxh_zone *z)
{
    wzone *w = &a->wz[z->index];
    if (w->v)
        return w;
    w->cap = z->nrr + 8;
    w->v = malloc(w->cap * sizeof *w->v);
    if (!w->v)
        return NULL;
    for (size_t i = 0; i < z->nrr; i++) {
        const mxh_rr *rr = z->rrs[i];
        wrec r;
        memset(&r, 0, sizeof r);
        r.orig = rr;
        r.owner = rr->node->name;
        r.type = rr->type;
        r.rdata = rr->rdata;
        r.ttl = rr->ttl;
        w->v[w->n++] = r;
    }
    return w;
}

/* One diagnostic about change c, its text leading the message. */
static void apply_vdiag(apply_ctx *a, mxh_diag_level level, const mxh_change *c, const char *fmt,
                        va_list ap)
{
    char msg[900];
    vsnprintf(msg, sizeof msg, fmt, ap);
    mxh_fileno f = mxh_zs_file(a->zs, c->source);
    mxh_zs_diag(a->zs, level, f, c->line, NULL, "%s: %s", c->text, msg);
}

static void apply_err(apply_ctx *a, const mxh_change *c, const char *fmt, ...) MXH_PRINTF(3, 4);
static void apply_err(apply_ctx *a, const mxh_change *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    apply_vdiag(a, MXH_DIAG_ERROR, c, fmt, ap);
    va_end(ap);
    a->errors++;
}

static void apply_warn(apply_ctx *a, const mxh_change *c, const char *fmt, ...) MXH_PRINTF(3, 4);
static void apply_warn(apply_ctx *a, const mxh_change *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    apply_vdiag(a, MXH_DIAG_WARNING, c, fmt, ap);
    va_end(ap);
}

/* Whether canonical name `full` is `written` (no final dot) with `origin`
 * appended although `written` already ends in the origin: the missing
 * trailing dot of seed 003 ("s1.xrea.com" -> "s1.xrea.com.example.com."). */
static int doubled_origin(const char *written, size_t wlen, const char *origin)
{
    size_t ol = strlen(origin);
    if (ol < 2 || wlen == 0 || written[wlen - 1] == '.')
        return 0;
    size_t on = ol - 1; /* origin without its final dot */
    if (wlen < on || strncasecmp(written + wlen - on, origin, on) != 0)
        return 0;
    return wlen == on || written[wlen - on - 1] == '.';
}

/* The origin for relative names of change c (NULL: none known). */
static const char *change_origin(const mxh_changeset *cs, const mxh_zoneset *old)
{
    if (cs->origin)
        return cs->origin;
    if (old->nzones == 1)
        return old->zones[0]->origin;
    return NULL;
}

/* Does the live record set of w hold owner/type (and rdata if given)? */
static size_t find_live(const wzone *w, const char *owner, uint16_t type, const char *rdata,
                        size_t from)
{
    for (size_t i = from; i < w->n; i++) {
        const wrec *r = &w->v[i];
        if (r->dead || r->owner != owner)
            continue;
        if (type != MXH_TYPE_ANY && r->type != type)
            continue;
        if (rdata && strcmp(r->rdata, rdata) != 0)
            continue;
        return i;
    }
    return (size_t)-1;
}

/* A TTL for a new record with no TTL given: the RRset's (RFC 2181 §5.2
 * wants one TTL per RRset), else the owner's, else the zone's SOA's. */
static uint32_t default_ttl(const wzone *w, const char *owner, uint16_t type, const char *apex)
{
    uint32_t any = 0, soa = 0;
    int have_any = 0, have_soa = 0;
    for (size_t i = 0; i < w->n; i++) {
        const wrec *r = &w->v[i];
        if (r->dead)
            continue;
        if (r->owner == owner && r->type == type)
            return r->ttl;
        if (r->owner == owner && !have_any) {
            any = r->ttl;
            have_any = 1;
        }
        if (r->owner == apex && r->type == MXH_TYPE_SOA && !have_soa) {
            soa = r->ttl;
            have_soa = 1;
        }
    }
    return have_any ? any : have_soa ? soa : WI_DEFAULT_TTL;
}

static void apply_record_change(apply_ctx *a, const mxh_changeset *cs, const mxh_change *c)
{
    const char *origin = change_origin(cs, a->old);
    char owner[MXH_NAME_BUF];
    int rel = 0;
    int n = mxh_name_canon(c->owner, strlen(c->owner), origin, owner, sizeof owner, &rel);
    if (n == MXH_NAME_ERR_RELATIVE) {
        apply_err(a, c, "'%s' is a relative name and %zu zones are loaded: write it with a final "
                        "dot or give an origin", c->owner, a->old->nzones);
        return;
    }
    if (n <= 0) {
        apply_err(a, c, "bad owner name '%s': %s", c->owner, mxh_name_strerror(n));
        return;
    }
    if (rel && origin && doubled_origin(c->owner, strlen(c->owner), origin))
        apply_warn(a, c, "'%s' has no final dot, so it means %s (RFC 1035 §5.1)", c->owner, owner);
    const mxh_zone *oz = mxh_zoneset_find_zone(a->old, owner);
    if (!oz) {
        apply_err(a, c, "no loaded zone holds %s", owner);
        return;
    }
    const char *iowner = mxh_zs_intern(a->zs, owner, (size_t)n);
    /* Owners of old records are interned in the old zone set; compare by
     * the old zone's node name so pointers match. */
    const mxh_node *onode = mxh_zone_find(oz, owner);
    const char *key = onode ? onode->name : iowner;
    wzone *w = touch_zone(a, oz);
    if (!w || !iowner) {
        a->nomem = 1;
        return;
    }
    const char *rdata = NULL;
    mxh_rdata_out ro;
    memset(&ro, 0, sizeof ro);
    if (c->rdata) {
        char err[256] = "";
        /* Relative names in RDATA complete with the change's origin, else
         * with the zone's own origin, as in the zone's master file. */
        const char *rorig = origin ? origin : oz->origin;
        if (mxh_rdata_parse(a->zs, c->type, c->rdata, strlen(c->rdata), rorig, &ro, err,
                            sizeof err) != 0) {
            apply_err(a, c, "bad RDATA: %s", err);
            return;
        }
        rdata = ro.rdata;
        if (ro.target && (ro.flags & MXH_RR_TARGET_RELATIVE)) {
            /* Find the written target: the last token that is a name. */
            const char *wt = c->rdata + strlen(c->rdata);
            while (wt > c->rdata && !isspace((unsigned char)wt[-1]))
                wt--;
            if (doubled_origin(wt, strlen(wt), rorig))
                apply_warn(a, c, "'%s' has no final dot, so it means %s (RFC 1035 §5.1)", wt,
                           ro.target);
        }
    }
    if (c->op == MXH_CHANGE_DEL) {
        size_t hits = 0;
        for (size_t i = find_live(w, key, c->type, rdata, 0); i != (size_t)-1;
             i = find_live(w, key, c->type, rdata, i + 1)) {
            w->v[i].dead = 1;
            hits++;
        }
        if (!hits)
            apply_err(a, c, "nothing to delete: %s has no such record", owner);
        return;
    }
    /* RFC 2181 §10.1: a CNAME owner has no other data. */
    if (c->type != MXH_TYPE_CNAME && find_live(w, key, MXH_TYPE_CNAME, NULL, 0) != (size_t)-1)
        apply_warn(a, c, "%s is an alias (CNAME); other data beside it is ignored by resolvers "
                         "(RFC 2181 §10.1)", owner);
    wrec nr;
    memset(&nr, 0, sizeof nr);
    nr.owner = key;
    nr.type = c->type;
    nr.rdata = rdata;
    nr.in.owner = iowner;
    nr.in.owner_len = (size_t)n;
    nr.in.owner_text = c->owner;
    nr.in.type = c->type;
    nr.in.rclass = c->rclass;
    nr.in.rdata = rdata;
    nr.in.rdata_text = c->rdata;
    nr.in.target = ro.target;
    nr.in.pref = ro.pref;
    nr.in.file = mxh_zs_file(a->zs, c->source);
    nr.in.line = (uint32_t)(c->line > 0xffffffffu ? 0xffffffffu : c->line);
    nr.in.flags = (uint8_t)(ro.flags | (rel ? MXH_RR_OWNER_RELATIVE : 0));
    size_t at = w->n;
    if (c->op == MXH_CHANGE_SET) {
        uint32_t old_ttl = 0;
        int had = 0;
        for (size_t i = find_live(w, key, c->type, NULL, 0); i != (size_t)-1;
             i = find_live(w, key, c->type, NULL, i + 1)) {
            if (!had) {
                at = i;
                old_ttl = w->v[i].ttl;
            }
            had = 1;
            w->v[i].dead = 1;
        }
        nr.ttl = c->has_ttl ? c->ttl : had ? old_ttl : default_ttl(w, key, c->type, oz->apex->name);
    } else {
        if (find_live(w, key, c->type, rdata, 0) != (size_t)-1) {
            /* RFC 2181 §5: an RRset holds no duplicates. */
            apply_warn(a, c, "the record is already there; nothing added");
            return;
        }
        nr.ttl = c->has_ttl ? c->ttl : default_ttl(w, key, c->type, oz->apex->name);
        /* Next to the RRset it joins, else at the end. */
        for (size_t i = w->n; i-- > 0;)
            if (!w->v[i].dead && w->v[i].owner == key && w->v[i].type == c->type) {
                at = i + 1;
                break;
            }
    }
    nr.in.ttl = nr.ttl;
    if ((at < w->n ? wz_insert(w, at, &nr) : wz_push(w, &nr)) != 0)
        a->nomem = 1;
}

/* Inventory model while changes apply. */
typedef struct iserver {
    char *name;              /* canonical */
    strv addrs;
    strv doms;               /* canonical */
    char *file;
    unsigned long line;
    int dead;
} iserver;

typedef struct imodel {
    iserver *v;
    size_t n, cap;
} imodel;

static void im_free(imodel *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        sv_free(&m->v[i].addrs);
        sv_free(&m->v[i].doms);
        free(m->v[i].file);
    }
    free(m->v);
    memset(m, 0, sizeof *m);
}

static iserver *im_add(imodel *m, const char *name, const char *file, unsigned long line)
{
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        iserver *nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            return NULL;
        m->v = nv;
        m->cap = nc;
    }
    iserver *s = &m->v[m->n];
    memset(s, 0, sizeof *s);
    s->name = xstrdup(name);
    s->file = xstrdup(file);
    s->line = line;
    if (!s->name || !s->file) {
        free(s->name);
        free(s->file);
        return NULL;
    }
    m->n++;
    return s;
}

static iserver *im_find(imodel *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!m->v[i].dead && strcmp(m->v[i].name, name) == 0)
            return &m->v[i];
    return NULL;
}

static int im_load(imodel *m, const mxh_zoneset *zs)
{
    size_t n = mxh_zoneset_server_count(zs);
    for (size_t i = 0; i < n; i++) {
        const mxh_server *sv = mxh_zoneset_server(zs, i);
        const char *f = mxh_server_file(sv);
        iserver *s = im_add(m, mxh_server_name(sv), f ? f : "", mxh_server_line(sv));
        if (!s)
            return -1;
        for (size_t k = 0; k < mxh_server_address_count(sv); k++)
            if (sv_push(&s->addrs, mxh_server_address(sv, k)))
                return -1;
        for (size_t k = 0; k < mxh_server_domain_count(sv); k++)
            if (sv_push(&s->doms, mxh_server_domain(sv, k)))
                return -1;
    }
    return 0;
}

static void apply_inventory_change(apply_ctx *a, imodel *m, const mxh_change *c)
{
    char name[MXH_NAME_BUF];
    int n = mxh_name_from_user(c->owner, name, sizeof name);
    if (n <= 0) {
        apply_err(a, c, "bad server name '%s': %s", c->owner, mxh_name_strerror(n));
        return;
    }
    iserver *s = im_find(m, name);
    size_t first_dom = c->op == MXH_CHANGE_INV_ADD ? 1 : 0;
    if (c->op == MXH_CHANGE_INV_DEL && !s) {
        apply_err(a, c, "no server %s in the inventory", name);
        return;
    }
    if (c->op == MXH_CHANGE_INV_DEL && c->args.n == 0) {
        s->dead = 1;
        return;
    }
    if (!s && !(s = im_add(m, name, c->source, c->line))) {
        a->nomem = 1;
        return;
    }
    if (c->op == MXH_CHANGE_INV_ADD) {
        /* "a,b" -> each address */
        const char *p = c->args.v[0];
        while (*p) {
            const char *q = strchr(p, ',');
            size_t l = q ? (size_t)(q - p) : strlen(p);
            if (l) {
                char *ad = xstrndup(p, l);
                if (!ad || (!sv_has(&s->addrs, ad) && sv_push(&s->addrs, ad)))
                    a->nomem = 1;
                free(ad);
            }
            p += l + (q ? 1 : 0);
        }
    }
    for (size_t i = first_dom; i < c->args.n; i++) {
        char dom[MXH_NAME_BUF];
        int dn = mxh_name_from_user(c->args.v[i], dom, sizeof dom);
        if (dn <= 0) {
            apply_err(a, c, "bad domain '%s': %s", c->args.v[i], mxh_name_strerror(dn));
            continue;
        }
        if (c->op == MXH_CHANGE_INV_ADD) {
            if (!sv_has(&s->doms, dom) && sv_push(&s->doms, dom))
                a->nomem = 1;
            continue;
        }
        size_t k;
        for (k = 0; k < s->doms.n && strcmp(s->doms.v[k], dom) != 0; k++)
            ;
        if (k == s->doms.n) {
            apply_err(a, c, "server %s does not hold %s", name, dom);
            continue;
        }
        free(s->doms.v[k]);
        memmove(&s->doms.v[k], &s->doms.v[k + 1], (s->doms.n - k - 1) * sizeof *s->doms.v);
        s->doms.n--;
    }
}

static int cmp_server_pos(const void *pa, const void *pb)
{
    const iserver *a = *(const iserver *const *)pa, *b = *(const iserver *const *)pb;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* Write the inventory model into the new zone set, one buffer per source
 * file, each server on its original line number so that evidence still
 * points at the right line. */
static mxh_status im_store(apply_ctx *a, imodel *m)
{
    iserver **ord = malloc((m->n ? m->n : 1) * sizeof *ord);
    if (!ord)
        return MXH_ERR_NOMEM;
    for (size_t i = 0; i < m->n; i++)
        ord[i] = &m->v[i];
    if (m->n > 1)
        qsort(ord, m->n, sizeof *ord, cmp_server_pos);
    mxh_status st = MXH_OK;
    size_t i = 0;
    while (i < m->n && st == MXH_OK) {
        const char *file = ord[i]->file;
        sbuf b = { 0 };
        unsigned long line = 1;
        for (; i < m->n && strcmp(ord[i]->file, file) == 0; i++) {
            iserver *s = ord[i];
            if (s->dead || s->doms.n == 0 || s->addrs.n == 0)
                continue;
            while (line < s->line && !b.oom) {
                sb_putn(&b, "\n", 1);
                line++;
            }
            sb_puts(&b, s->name);
            sb_puts(&b, " ");
            for (size_t k = 0; k < s->addrs.n; k++) {
                if (k)
                    sb_puts(&b, ",");
                sb_puts(&b, s->addrs.v[k]);
            }
            for (size_t k = 0; k < s->doms.n; k++) {
                sb_puts(&b, " ");
                sb_puts(&b, s->doms.v[k]);
            }
            sb_putn(&b, "\n", 1);
            line++;
        }
        if (b.oom) {
            st = MXH_ERR_NOMEM;
        } else if (b.n) {
            mxh_status ls = mxh_zoneset_load_inventory_buffer(a->zs, file, b.s, b.n);
            if (ls == MXH_ERR_NOMEM)
                st = ls;
            else if (ls != MXH_OK)
                a->errors++;
        }
        free(b.s);
    }
    free(ord);
    return st;
}

static mxh_rr_in rr_in_of(apply_ctx *a, const mxh_rr *rr)
{
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = rr->node->name;
    in.owner_len = strlen(rr->node->name);
    in.owner_text = rr->owner_text;
    in.type = rr->type;
    in.rclass = rr->rclass;
    in.ttl = rr->ttl;
    in.rdata = rr->rdata;
    in.rdata_text = mxh_rr_rdata_text(rr);
    in.target = rr->target;
    in.pref = rr->pref;
    in.file = map_file(a, mxh_rr_fileno(rr));
    in.line = rr->line;
    in.flags = rr->flags;
    return in;
}

mxh_status mxh_changeset_apply(const mxh_changeset *cs, const mxh_zoneset *zs, mxh_zoneset **out)
{
    if (!cs || !zs || !out)
        return MXH_ERR_ARG;
    *out = NULL;
    apply_ctx a;
    memset(&a, 0, sizeof a);
    a.old = zs;
    mxh_status st = mxh_zoneset_new(&a.zs);
    if (st != MXH_OK)
        return st;
    imodel im = { 0 };
    a.wz = calloc(zs->nzones ? zs->nzones : 1, sizeof *a.wz);
    a.filemap = malloc((zs->nfiles ? zs->nfiles : 1) * sizeof *a.filemap);
    if (!a.wz || !a.filemap)
        goto nomem;
    for (size_t i = 0; i < zs->nfiles; i++)
        a.filemap[i] = FILE_UNMAPPED;
    /* The file table in the old order first, so indexes read the same. */
    for (size_t i = 1; i < zs->nfiles; i++)
        map_file(&a, (mxh_fileno)i);

    int inv_changes = 0;
    for (size_t i = 0; i < cs->n; i++)
        if (cs->v[i]->op == MXH_CHANGE_INV_ADD || cs->v[i]->op == MXH_CHANGE_INV_DEL)
            inv_changes = 1;
    if (im_load(&im, zs))
        goto nomem;
    for (size_t i = 0; i < cs->n && !a.nomem; i++) {
        const mxh_change *c = cs->v[i];
        if (c->op == MXH_CHANGE_INV_ADD || c->op == MXH_CHANGE_INV_DEL)
            apply_inventory_change(&a, &im, c);
        else
            apply_record_change(&a, cs, c);
    }
    if (a.nomem)
        goto nomem;

    for (size_t zi = 0; zi < zs->nzones; zi++) {
        const mxh_zone *oz = zs->zones[zi];
        mxh_zone *nz = mxh_zone_create(a.zs, oz->origin, map_file(&a, oz->file), oz->format);
        if (!nz)
            goto nomem;
        wzone *w = &a.wz[zi];
        if (w->v) {
            for (size_t k = 0; k < w->n; k++) {
                wrec *r = &w->v[k];
                if (r->dead)
                    continue;
                mxh_rr_in in = r->orig ? rr_in_of(&a, r->orig) : r->in;
                mxh_zone_add(nz, &in);
            }
        } else {
            for (size_t k = 0; k < oz->nrr; k++) {
                mxh_rr_in in = rr_in_of(&a, oz->rrs[k]);
                mxh_zone_add(nz, &in);
            }
        }
        nz->rejected += oz->rejected;
        nz->ignored += oz->ignored;
        mxh_zone_finish(nz);
    }
    if (im.n || inv_changes) {
        st = im_store(&a, &im);
        if (st != MXH_OK)
            goto fail;
    }
    for (size_t zi = 0; zi < zs->nzones; zi++)
        free(a.wz[zi].v);
    free(a.wz);
    free(a.filemap);
    im_free(&im);
    *out = a.zs;
    return a.errors ? MXH_ERR_PARSE : MXH_OK;
nomem:
    st = MXH_ERR_NOMEM;
fail:
    if (a.wz)
        for (size_t zi = 0; zi < zs->nzones; zi++)
            free(a.wz[zi].v);
    free(a.wz);
    free(a.filemap);
    im_free(&im);
    mxh_zoneset_free(a.zs);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Comparing mail routes                                                    */

struct mxh_whatif_domain {
    char *name;
    mxh_mail_change change;
    char *reason;
    int route_changed;
    mxh_route *route[2];
    int deliverable[2];
    strv targets[2];
    strv cdn[2];             /* parallel to targets: provider or "" */
    strv local[2];
    const mxh_rr **causes;
    size_t ncauses;
    strv fix;
    char *fix_note;
    int fix_verified;
};

struct mxh_whatif_finding {
    int introduced;
    mxh_severity sev;
    char *rule, *zone, *owner, *message, *file;
    unsigned long line;
};

struct mxh_whatif {
    const mxh_zoneset *zs[2];
    mxh_cdn_ranges *cdn_owned;
    const mxh_cdn_ranges *cdn;
    mxh_whatif_domain *d;
    size_t n;
    mxh_whatif_finding *f;
    size_t nf, capf;
};

const char *mxh_mail_change_name(mxh_mail_change c)
{
    switch (c) {
    case MXH_MAIL_UNCHANGED: return "unchanged";
    case MXH_MAIL_MOVED: return "moved";
    case MXH_MAIL_MOVED_NON_MX: return "moved-non-mx";
    case MXH_MAIL_BROKEN: return "broken";
    case MXH_MAIL_RESTORED: return "restored";
    }
    return "?";
}

static void domain_clear(mxh_whatif_domain *d)
{
    free(d->name);
    free(d->reason);
    for (int s = 0; s < 2; s++) {
        mxh_route_free(d->route[s]);
        sv_free(&d->targets[s]);
        sv_free(&d->cdn[s]);
        sv_free(&d->local[s]);
    }
    free(d->causes);
    sv_free(&d->fix);
    free(d->fix_note);
}

void mxh_whatif_free(mxh_whatif *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        domain_clear(&w->d[i]);
    free(w->d);
    for (size_t i = 0; i < w->nf; i++) {
        mxh_whatif_finding *f = &w->f[i];
        free(f->rule);
        free(f->zone);
        free(f->owner);
        free(f->message);
        free(f->file);
    }
    free(w->f);
    mxh_cdn_ranges_free(w->cdn_owned);
    free(w);
}

/* Mail domains of one side: every apex, every MX owner that is
 * authoritative data, every inventory domain. */
static int collect_domains(const mxh_zoneset *zs, strv *out)
{
    for (size_t zi = 0; zi < zs->nzones; zi++) {
        const mxh_zone *z = zs->zones[zi];
        if (sv_push(out, z->origin))
            return -1;
        const char *last = NULL;
        for (size_t k = 0; k < z->nrr; k++) {
            const mxh_rr *rr = z->rrs[k];
            if (rr->type != MXH_TYPE_MX || (rr->node->flags & MXH_NODE_BELOW_CUT))
                continue;
            if (rr->node->name == last || rr->node->name == z->origin)
                continue;
            last = rr->node->name;
            if (sv_push(out, last))
                return -1;
        }
    }
    size_t ns = mxh_zoneset_server_count(zs);
    for (size_t i = 0; i < ns; i++) {
        const mxh_server *s = mxh_zoneset_server(zs, i);
        for (size_t k = 0; k < mxh_server_domain_count(s); k++)
            if (sv_push(out, mxh_server_domain(s, k)))
                return -1;
    }
    return 0;
}

/* Where mail for the route's domain ends up; sorted, unique. */
static int route_targets(const mxh_route *r, const mxh_cdn_ranges *cdn, strv *t, strv *cv,
                         int *deliverable)
{
    char buf[MXH_NAME_BUF + 32];
    mxh_route_kind k = mxh_route_kind_of(r);
    if (k == MXH_ROUTE_EXTERNAL || k == MXH_ROUTE_DELEGATED) {
        snprintf(buf, sizeof buf, "%s (%s)", mxh_route_domain(r),
                 k == MXH_ROUTE_EXTERNAL ? "external" : "delegated");
        if (sv_push(t, buf))
            return -1;
    }
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        mxh_exchange_status st = mxh_exchange_status_of(x);
        if (st == MXH_EX_ADDRESSES) {
            for (size_t a = 0; a < mxh_exchange_address_count(x); a++) {
                const char *ad = mxh_exchange_address(x, a);
                if (!sv_has(t, ad) && sv_push(t, ad))
                    return -1;
            }
        } else if (st == MXH_EX_EXTERNAL || st == MXH_EX_DELEGATED) {
            snprintf(buf, sizeof buf, "%s (%s)", mxh_exchange_name(x),
                     st == MXH_EX_EXTERNAL ? "external" : "delegated");
            if (!sv_has(t, buf) && sv_push(t, buf))
                return -1;
        }
    }
    if (t->n > 1)
        qsort(t->v, t->n, sizeof *t->v, cmp_str);
    *deliverable = 0;
    for (size_t i = 0; i < t->n; i++) {
        const char *p = cdn ? mxh_cdn_provider(cdn, t->v[i]) : NULL;
        if (sv_push(cv, p ? p : ""))
            return -1;
        if (!p)
            *deliverable = 1; /* an external exchange counts: we cannot see it fail */
    }
    return 0;
}

/* The MX RRset as the route sees it: kind plus preference/exchange pairs. */
static void mx_signature(const mxh_route *r, sbuf *b)
{
    sb_puts(b, mxh_route_kind_name(mxh_route_kind_of(r)));
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        sb_printf(b, " %u %s", mxh_exchange_preference(x), mxh_exchange_name(x));
    }
}

static void step_signature(const mxh_route *r, sbuf *b)
{
    for (size_t i = 0; i < mxh_route_step_count(r); i++) {
        const mxh_step *s = mxh_route_step(r, i);
        const char *t = mxh_step_target(s);
        sb_printf(b, "%s %s %s\n", mxh_step_kind_name(mxh_step_kind_of(s)), mxh_step_name(s),
                  t ? t : "");
    }
}

static void rr_key(const mxh_rr *rr, sbuf *b)
{
    b->n = 0;
    sb_printf(b, "%s %u %s", rr->node->name, rr->type, rr->rdata);
}

/* Records of the after route that the before route does not have. */
static int find_causes(mxh_whatif_domain *d)
{
    strv have = { 0 };
    sbuf k = { 0 };
    int rc = 0;
    for (size_t i = 0; i < mxh_route_step_count(d->route[0]); i++) {
        const mxh_rr *rr = mxh_step_record(mxh_route_step(d->route[0], i));
        if (!rr)
            continue;
        rr_key(rr, &k);
        if (k.s && !sv_has(&have, k.s) && sv_push(&have, k.s))
            rc = -1;
    }
    size_t n = mxh_route_step_count(d->route[1]);
    d->causes = calloc(n ? n : 1, sizeof *d->causes);
    if (!d->causes)
        rc = -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const mxh_rr *rr = mxh_step_record(mxh_route_step(d->route[1], i));
        if (!rr)
            continue;
        rr_key(rr, &k);
        if (!k.s || sv_has(&have, k.s))
            continue;
        int dup = 0;
        for (size_t c = 0; c < d->ncauses; c++)
            dup |= d->causes[c] == rr;
        if (!dup)
            d->causes[d->ncauses++] = rr;
    }
    if (k.oom)
        rc = -1;
    free(k.s);
    sv_free(&have);
    return rc;
}

static void put_source(sbuf *b, const mxh_rr *rr)
{
    const char *f = mxh_rr_file(rr);
    unsigned long l = mxh_rr_line(rr);
    if (l)
        sb_printf(b, "%s:%lu", f && *f ? f : "?", l);
    else
        sb_puts(b, f && *f ? f : "?");
}

static void put_causes(sbuf *b, const mxh_whatif_domain *d)
{
    char tb[16];
    for (size_t i = 0; i < d->ncauses && i < 4; i++) {
        const mxh_rr *rr = d->causes[i];
        sb_puts(b, i ? ", " : "");
        sb_printf(b, "%s %s ", rr->node->name, mxh_type_name(rr->type, tb));
        sb_puts(b, rr->rdata);
        sb_puts(b, " (");
        put_source(b, rr);
        sb_puts(b, ")");
    }
    if (d->ncauses > 4)
        sb_printf(b, " and %zu more", d->ncauses - 4);
}

/* "an A", "a CNAME", "an A and CNAME": the record types behind a move. */
static void put_cause_kinds(sbuf *b, const mxh_whatif_domain *d)
{
    char tb[16];
    uint16_t seen[8];
    size_t ns = 0;
    for (size_t i = 0; i < d->ncauses && ns < 8; i++) {
        uint16_t t = d->causes[i]->type;
        int dup = 0;
        for (size_t k = 0; k < ns; k++)
            dup |= seen[k] == t;
        if (!dup)
            seen[ns++] = t;
    }
    if (!ns) {
        sb_puts(b, "an address");
        return;
    }
    const char *first = mxh_type_name(seen[0], tb);
    sb_puts(b, strchr("AEFHILMNORSX", first[0]) ? "an " : "a ");
    for (size_t k = 0; k < ns; k++) {
        if (k)
            sb_puts(b, k + 1 == ns ? " and " : ", ");
        sb_puts(b, mxh_type_name(seen[k], tb));
    }
}

/* Why the after side cannot deliver, in words. */
static void put_undeliverable(sbuf *b, const mxh_whatif_domain *d)
{
    const mxh_route *r = d->route[1];
    switch (mxh_route_kind_of(r)) {
    case MXH_ROUTE_NULL_MX: sb_puts(b, "it has a null MX and accepts no mail (RFC 7505)"); return;
    case MXH_ROUTE_NONE: sb_puts(b, "it has no MX and no address (RFC 5321 §5.1)"); return;
    case MXH_ROUTE_NXDOMAIN: sb_puts(b, "the domain no longer exists"); return;
    case MXH_ROUTE_LOOP: sb_puts(b, "the domain is a CNAME loop"); return;
    default: break;
    }
    int any_cdn = 0;
    for (size_t i = 0; i < d->cdn[1].n; i++)
        if (d->cdn[1].v[i][0]) {
            sb_printf(b, "%s%s belongs to %s, a CDN/WAF front end that does not accept mail",
                      any_cdn ? "; " : "", d->targets[1].v[i], d->cdn[1].v[i]);
            any_cdn = 1;
        }
    if (any_cdn)
        return;
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        sb_printf(b, "%s%s: %s", i ? "; " : "", mxh_exchange_name(x),
                  mxh_exchange_status_name(mxh_exchange_status_of(x)));
    }
    if (!mxh_route_exchange_count(r))
        sb_puts(b, "no exchange");
}

static int classify(mxh_whatif_domain *d)
{
    sbuf a = { 0 }, b = { 0 }, why = { 0 };
    mx_signature(d->route[0], &a);
    mx_signature(d->route[1], &b);
    int mx_same = a.s && b.s && strcmp(a.s, b.s) == 0;
    a.n = b.n = 0;
    step_signature(d->route[0], &a);
    step_signature(d->route[1], &b);
    d->route_changed = !(a.s && b.s && strcmp(a.s, b.s) == 0) && !(a.n == 0 && b.n == 0);
    int oom = a.oom || b.oom;
    free(a.s);
    free(b.s);
    if (oom || find_causes(d))
        return -1;

    int db = d->deliverable[0], da = d->deliverable[1];
    int same_t = sv_equal(&d->targets[0], &d->targets[1]);
    int same_l = sv_equal(&d->local[0], &d->local[1]);
    const char *n = d->name;
    mxh_route_kind kb = mxh_route_kind_of(d->route[0]), ka = mxh_route_kind_of(d->route[1]);
    if ((kb == MXH_ROUTE_EXTERNAL) != (ka == MXH_ROUTE_EXTERNAL)) {
        /* The zone itself appears or disappears: nothing to compare with. */
        d->change = MXH_MAIL_MOVED;
        if (ka == MXH_ROUTE_EXTERNAL)
            sb_printf(&why, "%s is in no loaded zone after the change (its zone is gone): "
                            "where its mail goes is decided outside this data", n);
        else
            sb_printf(&why, "%s is in a loaded zone only after the change (a new zone): "
                            "its mail now goes to ", n);
        if (ka != MXH_ROUTE_EXTERNAL)
            sv_join(&why, &d->targets[1], ", ");
    } else if (db && !da) {
        d->change = MXH_MAIL_BROKEN;
        sb_printf(&why, "mail for %s was delivered to ", n);
        sv_join(&why, &d->targets[0], ", ");
        sb_puts(&why, " and can no longer be delivered: ");
        put_undeliverable(&why, d);
        if (mx_same && d->ncauses) {
            sb_puts(&why, "; the MX records did not change: ");
            put_causes(&why, d);
        }
    } else if (!db && da) {
        d->change = MXH_MAIL_RESTORED;
        sb_printf(&why, "mail for %s could not be delivered before and now goes to ", n);
        sv_join(&why, &d->targets[1], ", ");
    } else if (!same_t && (db || da)) {
        d->change = mx_same ? MXH_MAIL_MOVED_NON_MX : MXH_MAIL_MOVED;
        sb_printf(&why, "mail for %s moves from ", n);
        sv_join(&why, &d->targets[0], ", ");
        sb_puts(&why, " to ");
        sv_join(&why, &d->targets[1], ", ");
        if (mx_same) {
            sb_puts(&why, " because of ");
            put_cause_kinds(&why, d);
            sb_puts(&why, " change that did not touch MX");
            if (d->ncauses) {
                sb_puts(&why, ": ");
                put_causes(&why, d);
            }
        } else {
            sb_puts(&why, " (the MX records changed)");
        }
    } else if (!same_l) {
        d->change = MXH_MAIL_MOVED;
        sb_printf(&why, "local delivery of %s on shared servers changes: ", n);
        sv_join_or(&why, &d->local[0], ", ", "(none)");
        sb_puts(&why, " -> ");
        sv_join_or(&why, &d->local[1], ", ", "(none)");
        sb_puts(&why, d->local[1].n ? " (senders on those servers deliver locally, without the MX)"
                                    : " (senders on the shared server now follow the MX)");
    } else {
        d->change = MXH_MAIL_UNCHANGED;
        if (!db)
            sb_printf(&why, "mail for %s cannot be delivered, before or after", n);
        else if (d->route_changed) {
            sb_printf(&why, "mail for %s stays at ", n);
            sv_join(&why, &d->targets[0], ", ");
            sb_puts(&why, "; only the route to it changes");
            if (!mx_same) {
                sb_puts(&why, " (exchanges now: ");
                for (size_t i = 0; i < mxh_route_exchange_count(d->route[1]); i++) {
                    const mxh_exchange *x = mxh_route_exchange(d->route[1], i);
                    sb_printf(&why, "%s%u %s", i ? ", " : "", mxh_exchange_preference(x),
                              mxh_exchange_name(x));
                }
                sb_puts(&why, ")");
            }
        }
        else
            sb_printf(&why, "mail for %s is not affected", n);
    }
    if (why.oom) {
        free(why.s);
        return -1;
    }
    d->reason = why.s;
    return 0;
}

static int local_servers(const mxh_zoneset *zs, const char *dom, strv *out)
{
    const mxh_server *sv[64];
    size_t n = mxh_zoneset_local_servers(zs, dom, sv, 64);
    for (size_t i = 0; i < n && i < 64; i++)
        if (sv_push(out, mxh_server_name(sv[i])))
            return -1;
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_str);
    return 0;
}

mxh_status mxh_whatif_compare(const mxh_zoneset *before, const mxh_zoneset *after,
                              const mxh_whatif_opts *opts, mxh_whatif **out)
{
    if (!before || !after || !out)
        return MXH_ERR_ARG;
    *out = NULL;
    mxh_whatif *w = calloc(1, sizeof *w);
    if (!w)
        return MXH_ERR_NOMEM;
    w->zs[0] = before;
    w->zs[1] = after;
    if (!(opts && opts->no_cdn)) {
        if (opts && opts->cdn) {
            w->cdn = opts->cdn;
        } else {
            mxh_status st = mxh_cdn_ranges_new(&w->cdn_owned);
            if (st != MXH_OK) {
                free(w);
                return st;
            }
            w->cdn = w->cdn_owned;
        }
    }
    strv names = { 0 };
    if (collect_domains(before, &names) || collect_domains(after, &names))
        goto nomem;
    if (names.n > 1)
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
    w->d = calloc(names.n ? names.n : 1, sizeof *w->d);
    if (!w->d)
        goto nomem;
    for (size_t i = 0; i < names.n; i++) {
        if (w->n && strcmp(w->d[w->n - 1].name, names.v[i]) == 0)
            continue;
        mxh_whatif_domain *d = &w->d[w->n++];
        d->name = names.v[i];
        names.v[i] = NULL;
        for (int s = 0; s < 2; s++) {
            mxh_status st = mxh_mail_route(w->zs[s], d->name, &d->route[s]);
            if (st != MXH_OK) {
                sv_free(&names);
                mxh_whatif_free(w);
                return st;
            }
            if (route_targets(d->route[s], w->cdn, &d->targets[s], &d->cdn[s], &d->deliverable[s]) ||
                local_servers(w->zs[s], d->name, &d->local[s]))
                goto nomem;
        }
        if (classify(d))
            goto nomem;
    }
    sv_free(&names);
    *out = w;
    return MXH_OK;
nomem:
    sv_free(&names);
    mxh_whatif_free(w);
    return MXH_ERR_NOMEM;
}

size_t mxh_whatif_domain_count(const mxh_whatif *w) { return w ? w->n : 0; }
const mxh_whatif_domain *mxh_whatif_domain_at(const mxh_whatif *w, size_t i)
{
    return w && i < w->n ? &w->d[i] : NULL;
}

const mxh_whatif_domain *mxh_whatif_find_domain(const mxh_whatif *w, const char *name)
{
    char buf[MXH_NAME_BUF];
    if (!w || !name || mxh_name_from_user(name, buf, sizeof buf) <= 0)
        return NULL;
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w->d[mid].name, buf);
        if (c == 0)
            return &w->d[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t mxh_whatif_count(const mxh_whatif *w, mxh_mail_change c)
{
    size_t k = 0;
    for (size_t i = 0; w && i < w->n; i++)
        k += w->d[i].change == c;
    return k;
}

static int side(int after) { return after ? 1 : 0; }

const char *mxh_whatif_domain_name(const mxh_whatif_domain *d) { return d->name; }
mxh_mail_change mxh_whatif_domain_change(const mxh_whatif_domain *d) { return d->change; }
const char *mxh_whatif_domain_reason(const mxh_whatif_domain *d) { return d->reason; }
int mxh_whatif_domain_route_changed(const mxh_whatif_domain *d) { return d->route_changed; }
const mxh_route *mxh_whatif_domain_route(const mxh_whatif_domain *d, int after)
{
    return d->route[side(after)];
}
int mxh_whatif_domain_deliverable(const mxh_whatif_domain *d, int after)
{
    return d->deliverable[side(after)];
}
size_t mxh_whatif_domain_target_count(const mxh_whatif_domain *d, int after)
{
    return d->targets[side(after)].n;
}
const char *mxh_whatif_domain_target(const mxh_whatif_domain *d, int after, size_t i)
{
    const strv *t = &d->targets[side(after)];
    return i < t->n ? t->v[i] : NULL;
}
const char *mxh_whatif_domain_target_cdn(const mxh_whatif_domain *d, int after, size_t i)
{
    const strv *t = &d->cdn[side(after)];
    return i < t->n && t->v[i][0] ? t->v[i] : NULL;
}
size_t mxh_whatif_domain_local_count(const mxh_whatif_domain *d, int after)
{
    return d->local[side(after)].n;
}
const char *mxh_whatif_domain_local(const mxh_whatif_domain *d, int after, size_t i)
{
    const strv *t = &d->local[side(after)];
    return i < t->n ? t->v[i] : NULL;
}
size_t mxh_whatif_domain_cause_count(const mxh_whatif_domain *d) { return d->ncauses; }
const mxh_rr *mxh_whatif_domain_cause(const mxh_whatif_domain *d, size_t i)
{
    return i < d->ncauses ? d->causes[i] : NULL;
}
size_t mxh_whatif_domain_fix_count(const mxh_whatif_domain *d) { return d->fix.n; }
const char *mxh_whatif_domain_fix(const mxh_whatif_domain *d, size_t i)
{
    return i < d->fix.n ? d->fix.v[i] : NULL;
}
const char *mxh_whatif_domain_fix_note(const mxh_whatif_domain *d) { return d->fix_note; }
int mxh_whatif_domain_fix_verified(const mxh_whatif_domain *d) { return d->fix_verified; }

/* ------------------------------------------------------------------------ */
/* A safe order of steps (seed 000, method 1)                               */

typedef struct oldaddr {
    const char *addr;
    uint16_t type;
} oldaddr;

/* The address set of a name on one side (A and AAAA). *exists: the name
 * has data of its own; *wild: the addresses are synthesized from a wildcard.
 * Returns -1 if the name is an alias, outside the loaded zones or at or
 * below a zone cut, else the number of addresses. */
static int name_addresses(const mxh_zoneset *zs, const char *name, strv *out, int *wild,
                          int *exists, const char **wild_owner)
{
    *wild = 0;
    if (wild_owner)
        *wild_owner = NULL;
    *exists = 0;
    const mxh_zone *z = mxh_zoneset_find_zone(zs, name);
    if (!z)
        return -1;
    const mxh_node *nd = mxh_zone_find(z, name);
    if (nd && (nd->flags & (MXH_NODE_CUT | MXH_NODE_BELOW_CUT)))
        return -1;
    if (nd && (nd->flags & MXH_NODE_DATA)) {
        *exists = 1;
        for (const mxh_rr *r = nd->rrs; r; r = r->next) {
            if (r->type == MXH_TYPE_CNAME)
                return -1; /* an alias: no address may sit beside it (RFC 2181 §10.1) */
            if ((r->type == MXH_TYPE_A || r->type == MXH_TYPE_AAAA) && sv_push(out, r->rdata))
                return -1;
        }
    } else if (!nd) {
        /* RFC 4592 §3.3.1: only a name that does not exist is synthesized. */
        static const uint16_t types[2] = { MXH_TYPE_A, MXH_TYPE_AAAA };
        for (int t = 0; t < 2; t++) {
            mxh_lookup *lk = NULL;
            if (mxh_lookup_name(zs, name, types[t], &lk) != MXH_OK)
                return -1;
            int rc = 0;
            if (mxh_lookup_status_of(lk) == MXH_LK_ANSWER && mxh_lookup_wildcard(lk)) {
                *wild = 1;
                for (size_t i = 0; i < mxh_lookup_answer_count(lk); i++) {
                    const mxh_rr *ar = mxh_lookup_answer(lk, i);
                    if (wild_owner)
                        *wild_owner = mxh_rr_owner(ar); /* interned: lives with zs */
                    if (sv_push(out, mxh_rr_rdata(ar)))
                        rc = -1;
                }
            }
            mxh_lookup_free(lk);
            if (rc)
                return -1;
        }
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_str);
    return (int)out->n;
}

static int same_addrs(const strv *have, const oldaddr *old, size_t nold)
{
    if (have->n != nold)
        return 0;
    for (size_t i = 0; i < nold; i++)
        if (!sv_has(have, old[i].addr))
            return 0;
    return 1;
}

static const mxh_exchange *find_exchange(const mxh_route *r, const char *name)
{
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++)
        if (strcmp(mxh_exchange_name(mxh_route_exchange(r, i)), name) == 0)
            return mxh_route_exchange(r, i);
    return NULL;
}

static int exchange_moved(const mxh_exchange *xb, const mxh_exchange *xa)
{
    if (!xa || mxh_exchange_status_of(xa) != mxh_exchange_status_of(xb))
        return 1;
    size_t n = mxh_exchange_address_count(xb);
    if (n != mxh_exchange_address_count(xa))
        return 1;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(mxh_exchange_address(xb, i), mxh_exchange_address(xa, k)) == 0;
        if (!found)
            return 1;
    }
    return 0;
}

/* Pick a host name for the mail server under domain d that can take the
 * old addresses on the after side. *need_add: the name still needs its
 * address records. NULL if no candidate fits. */
static char *pick_mail_name(const mxh_whatif *w, const char *d, const char *avoid,
                            const oldaddr *old, size_t nold, int *need_add, sbuf *note)
{
    static const char *const labels[] = { "mail", "mx", "smtp", "mail1", "mail2", "mx1" };
    const mxh_zone *dz = mxh_zoneset_find_zone(w->zs[1], d);
    if (!dz)
        return NULL;
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        char name[MXH_NAME_BUF];
        int n = snprintf(name, sizeof name, "%s.%s", labels[i], d);
        if (n < 0 || (size_t)n >= sizeof name || strlen(name) > 254 || strcmp(name, avoid) == 0)
            continue;
        if (mxh_zoneset_find_zone(w->zs[1], name) != dz)
            continue;
        const mxh_node *nd = mxh_zone_find(dz, name);
        if (nd && (nd->flags & (MXH_NODE_CUT | MXH_NODE_BELOW_CUT)))
            continue;
        strv have = { 0 };
        int wild = 0, exists = 0;
        const char *wown = NULL;
        int k = name_addresses(w->zs[1], name, &have, &wild, &exists, &wown);
        int ok = 0;
        if (k < 0) {
            ok = 0;
        } else if (exists && k > 0) {
            /* Its own addresses: usable only if they are the old ones. */
            ok = same_addrs(&have, old, nold);
            *need_add = 0;
        } else {
            ok = 1;
            *need_add = 1;
            if (wild && same_addrs(&have, old, nold))
                sb_printf(note, "The wildcard %s already gives %s the address%s the mail "
                                "server has now, so the seed's steps 1-2 could be skipped; the "
                                "explicit record is still recommended, since the wildcard may "
                                "later be moved with the web site (RFC 4592). ",
                          wown ? wown : "", name, nold > 1 ? "es" : "");
        }
        sv_free(&have);
        if (ok)
            return xstrdup(name);
    }
    return NULL;
}

static int add_fix(mxh_whatif_domain *d, const char *line)
{
    return sv_has(&d->fix, line) ? 0 : sv_push(&d->fix, line);
}

static int plan_domain(mxh_whatif *w, mxh_whatif_domain *d, const mxh_changeset *cs)
{
    const mxh_route *rb = d->route[0], *ra = d->route[1];
    if (mxh_route_kind_of(rb) != MXH_ROUTE_MX || !d->deliverable[0])
        return 0;
    size_t nmx = 0;
    for (size_t i = 0; i < mxh_route_exchange_count(rb); i++)
        nmx += mxh_exchange_record(mxh_route_exchange(rb, i)) != NULL;
    sbuf note = { 0 }, line = { 0 };
    int rc = 0;
    char tb[16];
    uint32_t mx_ttl = 0;
    for (size_t i = 0; i < mxh_route_exchange_count(rb) && rc == 0; i++) {
        const mxh_exchange *xb = mxh_route_exchange(rb, i);
        const char *xn = mxh_exchange_name(xb);
        if (mxh_exchange_status_of(xb) != MXH_EX_ADDRESSES || !mxh_exchange_record(xb))
            continue;
        if (!exchange_moved(xb, find_exchange(ra, xn)))
            continue;
        if (mxh_rr_ttl(mxh_exchange_record(xb)) > mx_ttl)
            mx_ttl = mxh_rr_ttl(mxh_exchange_record(xb));
        size_t nold = mxh_exchange_address_count(xb);
        oldaddr *old = calloc(nold ? nold : 1, sizeof *old);
        if (!old) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < nold; k++) {
            old[k].addr = mxh_exchange_address(xb, k);
            const mxh_rr *ar = mxh_exchange_address_record(xb, k);
            old[k].type = ar ? mxh_rr_type(ar) : MXH_TYPE_A;
        }
        strv have = { 0 };
        int wild = 0, exists = 0;
        int k = name_addresses(w->zs[1], xn, &have, &wild, &exists, NULL);
        sv_free(&have);
        if (mxh_exchange_via_wildcard(xb) && !mxh_exchange_via_cname(xb) && k >= 0 && !exists) {
            /* The exchange existed only through a wildcard that the change
             * moves: an explicit record of its own keeps it (RFC 4592 §2.2:
             * a name that exists is never synthesized). */
            for (size_t a = 0; a < nold; a++) {
                line.n = 0;
                sb_printf(&line, "add %s %s %s", xn, mxh_type_name(old[a].type, tb), old[a].addr);
                if (line.oom || add_fix(d, line.s))
                    rc = -1;
            }
            sb_printf(&note, "%s has addresses only through a wildcard: a record of its own keeps "
                             "them when the wildcard changes (RFC 4592 §2.2). ", xn);
            free(old);
            continue;
        }
        int need_add = 0;
        char *nn = pick_mail_name(w, d->name, xn, old, nold, &need_add, &note);
        if (!nn) {
            sb_printf(&note, "No free host name was found under %s for the mail server. ", d->name);
            free(old);
            continue;
        }
        for (size_t a = 0; a < nold && need_add; a++) {
            line.n = 0;
            sb_printf(&line, "add %s %s %s", nn, mxh_type_name(old[a].type, tb), old[a].addr);
            if (line.oom || add_fix(d, line.s))
                rc = -1;
        }
        /* Repoint every MX record naming this exchange. */
        for (size_t m = 0; m < mxh_route_exchange_count(rb) && rc == 0; m++) {
            const mxh_exchange *xm = mxh_route_exchange(rb, m);
            if (!mxh_exchange_record(xm) || strcmp(mxh_exchange_name(xm), xn) != 0)
                continue;
            unsigned pref = mxh_exchange_preference(xm);
            if (nmx == 1) {
                line.n = 0;
                sb_printf(&line, "set %s MX %u %s", d->name, pref, nn);
                if (line.oom || add_fix(d, line.s))
                    rc = -1;
            } else {
                line.n = 0;
                sb_printf(&line, "del %s MX %u %s", d->name, pref, xn);
                if (line.oom || add_fix(d, line.s))
                    rc = -1;
                line.n = 0;
                sb_printf(&line, "add %s MX %u %s", d->name, pref, nn);
                if (line.oom || add_fix(d, line.s))
                    rc = -1;
            }
        }
        free(nn);
        free(old);
    }
    if (rc == 0 && d->fix.n) {
        if (mx_ttl)
            sb_printf(&note, "Make your own change only after the old MX records' TTL (%u s) "
                             "has passed since the MX change.", mx_ttl);
        /* Check: the steps, then the changes, applied to the before side. */
        mxh_changeset *fc = NULL;
        mxh_zoneset *z2 = NULL;
        mxh_route *r2 = NULL;
        if (mxh_changeset_new(&fc) == MXH_OK) {
            int ok = 1;
            if (cs->origin)
                ok &= mxh_changeset_set_origin(fc, cs->origin) == MXH_OK;
            for (size_t i = 0; i < d->fix.n && ok; i++)
                ok &= mxh_changeset_add(fc, d->fix.v[i], "safe order", i + 1) == MXH_OK;
            for (size_t i = 0; i < cs->n && ok; i++)
                ok &= mxh_changeset_add(fc, cs->v[i]->text, cs->v[i]->source, cs->v[i]->line) ==
                      MXH_OK;
            if (ok && mxh_changeset_apply(fc, w->zs[0], &z2) == MXH_OK &&
                mxh_mail_route(z2, d->name, &r2) == MXH_OK) {
                strv t = { 0 }, cv = { 0 };
                int del = 0;
                if (route_targets(r2, w->cdn, &t, &cv, &del) == 0)
                    d->fix_verified = del && sv_equal(&t, &d->targets[0]);
                sv_free(&t);
                sv_free(&cv);
            }
        }
        mxh_route_free(r2);
        mxh_zoneset_free(z2);
        mxh_changeset_free(fc);
    }
    if (note.n && !note.oom) {
        while (note.n && note.s[note.n - 1] == ' ')
            note.s[--note.n] = '\0';
        d->fix_note = note.s;
        note.s = NULL;
    }
    free(note.s);
    free(line.s);
    return rc;
}

mxh_status mxh_whatif_plan_fixes(mxh_whatif *w, const mxh_changeset *cs)
{
    if (!w || !cs)
        return MXH_ERR_ARG;
    for (size_t i = 0; i < w->n; i++) {
        mxh_whatif_domain *d = &w->d[i];
        if (d->change != MXH_MAIL_MOVED_NON_MX && d->change != MXH_MAIL_BROKEN)
            continue;
        if (d->fix.n)
            continue;
        if (plan_domain(w, d, cs))
            return MXH_ERR_NOMEM;
    }
    return MXH_OK;
}

/* ------------------------------------------------------------------------ */
/* Findings introduced or removed                                           */

typedef struct fcol {
    mxh_whatif_finding *v;
    size_t n, cap;
    int oom;
} fcol;

static void fcol_free(fcol *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].rule);
        free(c->v[i].zone);
        free(c->v[i].owner);
        free(c->v[i].message);
        free(c->v[i].file);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

static int collect_finding(const mxh_finding *f, void *ud)
{
    fcol *c = ud;
    if (mxh_finding_kind_of(f) != MXH_FINDING)
        return 0; /* a rule failing is not something the change does */
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        mxh_whatif_finding *nv = realloc(c->v, nc * sizeof *nv);
        if (!nv) {
            c->oom = 1;
            return 1;
        }
        c->v = nv;
        c->cap = nc;
    }
    mxh_whatif_finding *o = &c->v[c->n];
    memset(o, 0, sizeof *o);
    o->sev = mxh_finding_severity(f);
    o->rule = xstrdup(mxh_finding_rule(f));
    o->zone = xstrdup(mxh_finding_zone(f));
    o->owner = xstrdup(mxh_finding_owner(f));
    o->message = xstrdup(mxh_finding_message(f));
    o->file = xstrdup(mxh_finding_file(f) ? mxh_finding_file(f) : "");
    o->line = mxh_finding_line(f);
    c->n++;
    if (!o->rule || !o->zone || !o->owner || !o->message || !o->file) {
        c->oom = 1;
        return 1;
    }
    return 0;
}

static int same_key(const mxh_whatif_finding *a, const mxh_whatif_finding *b)
{
    return strcmp(a->rule, b->rule) == 0 && strcmp(a->zone, b->zone) == 0 &&
           strcmp(a->owner, b->owner) == 0;
}

static int cmp_key(const void *pa, const void *pb)
{
    const mxh_whatif_finding *a = pa, *b = pb;
    int c = strcmp(a->rule, b->rule);
    if (!c)
        c = strcmp(a->zone, b->zone);
    if (!c)
        c = strcmp(a->owner, b->owner);
    return c;
}

static int cmp_finding(const void *pa, const void *pb)
{
    const mxh_whatif_finding *a = pa, *b = pb;
    if (a->introduced != b->introduced)
        return b->introduced - a->introduced;
    int c = strcmp(a->zone, b->zone);
    if (!c)
        c = strcmp(a->rule, b->rule);
    if (!c)
        c = strcmp(a->owner, b->owner);
    return c;
}

/* An order-independent fingerprint of a zone's records. */
static uint64_t zone_fingerprint(const mxh_zone *z)
{
    uint64_t sum = z->nrr * 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < z->nrr; i++) {
        const mxh_rr *rr = z->rrs[i];
        uint64_t h = 1469598103934665603ull;
        const char *parts[2] = { rr->node->name, rr->rdata };
        for (int p = 0; p < 2; p++)
            for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++)
                h = (h ^ *s) * 1099511628211ull;
        h = (h ^ rr->type) * 1099511628211ull;
        h = (h ^ rr->ttl) * 1099511628211ull;
        sum += h;
    }
    return sum;
}

static const mxh_zone *zone_by_origin(const mxh_zoneset *zs, const char *origin)
{
    return mxh_zs_origin(zs, origin, strlen(origin)); /* origin: canonical */
}

mxh_status mxh_whatif_scan(mxh_whatif *w, mxh_engine *e)
{
    if (!w || !e || !mxh_engine_scan_zone)
        return MXH_ERR_ARG;
    strv origins = { 0 };
    mxh_status st = MXH_OK;
    /* Zones holding a domain whose mail changed, then zones whose records differ. */
    for (size_t i = 0; i < w->n; i++) {
        const mxh_whatif_domain *d = &w->d[i];
        if (d->change == MXH_MAIL_UNCHANGED && !d->route_changed)
            continue;
        for (int s = 0; s < 2; s++) {
            const mxh_zone *z = mxh_zoneset_find_zone(w->zs[s], d->name);
            if (z && !sv_has(&origins, z->origin) && sv_push(&origins, z->origin))
                goto nomem;
        }
    }
    for (int s = 0; s < 2; s++) {
        const mxh_zoneset *zs = w->zs[s];
        for (size_t zi = 0; zi < zs->nzones; zi++) {
            const mxh_zone *z = zs->zones[zi];
            if (mxh_zone_shadowed(z) || sv_has(&origins, z->origin))
                continue;
            const mxh_zone *o = zone_by_origin(w->zs[1 - s], z->origin);
            if (!o || zone_fingerprint(o) != zone_fingerprint(z))
                if (sv_push(&origins, z->origin))
                    goto nomem;
        }
    }
    fcol col[2] = { { 0 }, { 0 } };
    for (size_t i = 0; i < origins.n && st == MXH_OK; i++) {
        for (int s = 0; s < 2; s++) {
            const mxh_zone *z = zone_by_origin(w->zs[s], origins.v[i]);
            if (!z)
                continue;
            mxh_status r = mxh_engine_scan_zone(e, w->zs[s], z, collect_finding, &col[s]);
            if (col[s].oom)
                st = MXH_ERR_NOMEM;
            else if (r != MXH_OK && r != MXH_ERR_RULE_RUN)
                st = r;
        }
    }
    /* Both sides sorted by rule + zone + owner, then merged: a key on one
     * side only is a finding the change introduces or removes. */
    for (int s = 0; s < 2 && st == MXH_OK; s++)
        if (col[s].n > 1)
            qsort(col[s].v, col[s].n, sizeof *col[s].v, cmp_key);
    size_t i0 = 0, i1 = 0;
    while (st == MXH_OK && (i0 < col[0].n || i1 < col[1].n)) {
        int c = i0 >= col[0].n ? 1 : i1 >= col[1].n ? -1 : cmp_key(&col[0].v[i0], &col[1].v[i1]);
        int s = c < 0 ? 0 : 1;
        mxh_whatif_finding *f = c < 0 ? &col[0].v[i0] : &col[1].v[i1];
        if (c == 0) {
            /* On both sides: skip every copy of this key. */
            mxh_whatif_finding *k0 = &col[0].v[i0];
            while (i0 < col[0].n && same_key(&col[0].v[i0], k0))
                i0++;
            while (i1 < col[1].n && same_key(&col[1].v[i1], k0))
                i1++;
            continue;
        }
        size_t *ip = s ? &i1 : &i0;
        size_t first = *ip;
        while (*ip < col[s].n && same_key(&col[s].v[*ip], f))
            (*ip)++;
        if (w->nf == w->capf) {
            size_t nc = w->capf ? w->capf * 2 : 16;
            mxh_whatif_finding *nv = realloc(w->f, nc * sizeof *nv);
            if (!nv) {
                st = MXH_ERR_NOMEM;
                break;
            }
            w->f = nv;
            w->capf = nc;
        }
        w->f[w->nf] = col[s].v[first];
        w->f[w->nf].introduced = s;
        w->nf++;
        memset(&col[s].v[first], 0, sizeof col[s].v[first]); /* moved */
    }
    if (w->nf > 1)
        qsort(w->f, w->nf, sizeof *w->f, cmp_finding);
    fcol_free(&col[0]);
    fcol_free(&col[1]);
    sv_free(&origins);
    return st;
nomem:
    sv_free(&origins);
    return MXH_ERR_NOMEM;
}

size_t mxh_whatif_finding_count(const mxh_whatif *w) { return w ? w->nf : 0; }
const mxh_whatif_finding *mxh_whatif_finding_at(const mxh_whatif *w, size_t i)
{
    return w && i < w->nf ? &w->f[i] : NULL;
}
int mxh_whatif_finding_introduced(const mxh_whatif_finding *f) { return f->introduced; }
const char *mxh_whatif_finding_rule(const mxh_whatif_finding *f) { return f->rule; }
mxh_severity mxh_whatif_finding_severity(const mxh_whatif_finding *f) { return f->sev; }
const char *mxh_whatif_finding_zone(const mxh_whatif_finding *f) { return f->zone; }
const char *mxh_whatif_finding_owner(const mxh_whatif_finding *f) { return f->owner; }
const char *mxh_whatif_finding_message(const mxh_whatif_finding *f) { return f->message; }
const char *mxh_whatif_finding_file(const mxh_whatif_finding *f) { return f->file; }
unsigned long mxh_whatif_finding_line(const mxh_whatif_finding *f) { return f->line; }

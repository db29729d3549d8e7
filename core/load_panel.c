/* SPDX-License-Identifier: MIT */
/*
 * Registrar panel text (Value-Domain style), one record a line:
 *
 *   a     @    219.163.200.66         A at the apex
 *   a     *    162.43.120.172         A at the wildcard
 *   aaaa  www  2001:db8::1
 *   cname shop cname.thebase.in.
 *   ns    sub  ns1.example.net.
 *   mx    mail.dm2.co.jp. 10          MX at the apex: the owner is omitted
 *   mx    @    s2.xrea.com. 10        MX with the owner given
 *   mx    web  s4.xrea.com. 10
 *   mxe   mail 209.19.56.20 10        = "mail A 209.19.56.20" + "@ MX 10 mail"
 *   txt   @    v=spf1 ip4:... ~all    the rest of the line is the text
 *   srv   _sip._tcp 10 60 5060 sip    other types: owner, then master-file RDATA
 *   ttl   3600                        the TTL of every record of the zone
 *
 * Names without a final dot are relative to the origin, exactly as the panel
 * takes them: "mx @ s1.xrea.com 10" means s1.xrea.com.<origin>. Whether an
 * MX line gives its owner is told by the field count: three fields
 * ("mx target pref") omit it, four ("mx owner target pref") give it; the
 * panel's MX preference always comes last. Blank lines and lines starting
 * with '#', ';' or "//" are skipped.
 *
 * Each record's RDATA goes through mxh_rdata_parse() in master-file order so
 * every loader builds the same model; owner_text and rdata_text keep the
 * panel's own spelling. A line that cannot be read is an error diagnostic
 * with file and line, and the zone is marked incomplete.
 */
#include "mxh_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PANEL_MAX_FIELDS 16
#define PANEL_DEFAULT_TTL 3600

typedef mxh_span ptok;

typedef mxh_lineload pctx;

/* One record checked and ready to add. */
typedef struct pready {
    char owner[MXH_NAME_BUF];
    int owner_len;
    uint8_t owner_flags;
    uint16_t type;
    mxh_rdata_out rd;
} pready;

/* Owner as written -> canonical (blank: the origin, as the panel means it). */
static bool prep_owner(pctx *c, pready *r, const ptok *owner, char *why, size_t whysz)
{
    if (!owner || owner->n == 0) {
        size_t ol = strlen(c->origin);
        memcpy(r->owner, c->origin, ol + 1);
        r->owner_len = (int)ol;
        r->owner_flags = MXH_RR_OWNER_RELATIVE;
        return true;
    }
    int rel = 0;
    int n = mxh_name_canon(owner->s, owner->n, c->origin, r->owner, sizeof r->owner, &rel);
    if (n < 0) {
        snprintf(why, whysz, "bad owner name '%.*s': %s", (int)(owner->n > 200 ? 200 : owner->n),
                 owner->s, mxh_name_strerror(n));
        return false;
    }
    r->owner_len = n;
    r->owner_flags = rel ? MXH_RR_OWNER_RELATIVE : 0;
    return true;
}

static bool prep_rdata(pctx *c, pready *r, uint16_t type, const char *pres, size_t len,
                       char *why, size_t whysz)
{
    r->type = type;
    memset(&r->rd, 0, sizeof r->rd);
    if (mxh_rdata_parse(c->zs, type, pres, len, c->origin, &r->rd, why, whysz) != 0) {
        if (!why[0])
            snprintf(why, whysz, "bad RDATA");
        return false;
    }
    return true;
}

static bool commit(pctx *c, const pready *r, const char *owner_text, const char *rdata_text,
                   unsigned long line)
{
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = r->owner;
    in.owner_len = (size_t)r->owner_len;
    in.owner_text = owner_text;
    in.type = r->type;
    in.rclass = 1;
    in.ttl = c->ttl;
    in.rdata = r->rd.rdata;
    in.rdata_text = rdata_text;
    in.target = r->rd.target;
    in.pref = r->rd.pref;
    in.file = c->file;
    in.line = (uint32_t)line;
    in.flags = (uint8_t)(r->rd.flags | r->owner_flags);
    return mxh_load_add(c, &in);
}

/* Copy of t as a NUL-terminated string in buf (bufsz > t->n guaranteed by caller). */
static const char *tok_str(const ptok *t, char *buf)
{
    memcpy(buf, t->s, t->n);
    buf[t->n] = '\0';
    return buf;
}

/*
 * One significant line s[0..n) (no CR/LF, trimmed). scratch has 8 * n + 64
 * bytes. Returns false if the line was rejected (diagnostic already given).
 */
static bool panel_line(pctx *c, const char *s, size_t n, unsigned long line, char *scratch)
{
    ptok t[PANEL_MAX_FIELDS];
    size_t cnt = mxh_split_blank(s, n, t, PANEL_MAX_FIELDS);
    char why[512] = "";
    char *owner_text = scratch;               /* n + 1 */
    char *rdata_text = scratch + n + 1;       /* n + 1 */
    char *pres = scratch + 2 * n + 2;         /* the rest */
    const ptok *kw = &t[0];
    pready r1, r2;

    if (cnt == 0)
        return true;
    if (mxh_span_is(kw, "ttl")) {
        uint32_t v;
        if (cnt != 2 || !mxh_span_u32(&t[1], 2147483647u, &v)) {
            mxh_load_reject(c, line, "'ttl' takes one number of seconds (0..2147483647)");
            return false;
        }
        return true; /* applied before the records were read */
    }
    if (cnt < 3) {
        mxh_load_reject(c, line, "too few fields: expected '<type> <host> <value>'");
        return false;
    }

    if (mxh_span_is(kw, "mx")) {
        /* "mx target pref" (owner omitted: the apex) or "mx owner target pref" */
        if (cnt != 3 && cnt != 4) {
            mxh_load_reject(c, line, "'mx' takes [host] target preference, not %zu fields",
                            cnt - 1);
            return false;
        }
        const ptok *owner = cnt == 4 ? &t[1] : NULL;
        const ptok *target = &t[cnt - 2], *pref = &t[cnt - 1];
        uint32_t pv;
        if (!mxh_span_u32(pref, 65535, &pv)) {
            mxh_load_reject(c, line,
                            "MX preference '%.*s' is not a number 0..65535 (the panel puts it last)",
                            (int)(pref->n > 100 ? 100 : pref->n), pref->s);
            return false;
        }
        if (!prep_owner(c, &r1, owner, why, sizeof why)) {
            mxh_load_reject(c, line, "%s", why);
            return false;
        }
        int pl = snprintf(pres, 16, "%u ", (unsigned)pv);
        memcpy(pres + pl, target->s, target->n);
        pres[(size_t)pl + target->n] = '\0';
        if (!prep_rdata(c, &r1, MXH_TYPE_MX, pres, (size_t)pl + target->n, why, sizeof why)) {
            mxh_load_reject(c, line, "bad MX: %s", why);
            return false;
        }
        if (owner)
            tok_str(owner, owner_text);
        else
            owner_text[0] = '\0';
        /* as written: "target pref" */
        memcpy(rdata_text, target->s, target->n);
        rdata_text[target->n] = ' ';
        memcpy(rdata_text + target->n + 1, pref->s, pref->n);
        rdata_text[target->n + 1 + pref->n] = '\0';
        return commit(c, &r1, owner_text, rdata_text, line);
    }

    if (mxh_span_is(kw, "mxe")) {
        /* "mxe host address pref": host A address, and the apex MX pref host */
        if (cnt != 4) {
            mxh_load_reject(c, line, "'mxe' takes host address preference, not %zu fields",
                            cnt - 1);
            return false;
        }
        uint32_t pv;
        if (!mxh_span_u32(&t[3], 65535, &pv)) {
            mxh_load_reject(c, line, "MXE preference '%.*s' is not a number 0..65535",
                            (int)(t[3].n > 100 ? 100 : t[3].n), t[3].s);
            return false;
        }
        if (!prep_owner(c, &r1, &t[1], why, sizeof why)) {
            mxh_load_reject(c, line, "%s", why);
            return false;
        }
        tok_str(&t[2], pres);
        if (!prep_rdata(c, &r1, MXH_TYPE_A, pres, t[2].n, why, sizeof why)) {
            mxh_load_reject(c, line, "bad MXE address: %s", why);
            return false;
        }
        if (!prep_owner(c, &r2, NULL, why, sizeof why)) {
            mxh_load_reject(c, line, "%s", why);
            return false;
        }
        int pl = snprintf(pres, 16, "%u ", (unsigned)pv);
        memcpy(pres + pl, t[1].s, t[1].n);
        pres[(size_t)pl + t[1].n] = '\0';
        if (!prep_rdata(c, &r2, MXH_TYPE_MX, pres, (size_t)pl + t[1].n, why, sizeof why)) {
            mxh_load_reject(c, line, "bad MXE host: %s", why);
            return false;
        }
        tok_str(&t[1], owner_text);
        bool ok = commit(c, &r1, owner_text, tok_str(&t[2], rdata_text), line);
        /* the MX's own text: "host pref" (the address belongs to the A) */
        memcpy(rdata_text, t[1].s, t[1].n);
        rdata_text[t[1].n] = ' ';
        memcpy(rdata_text + t[1].n + 1, t[3].s, t[3].n);
        rdata_text[t[1].n + 1 + t[3].n] = '\0';
        return commit(c, &r2, "", rdata_text, line) && ok;
    }

    uint16_t type = mxh_span_type(kw);
    if (!type) {
        mxh_load_reject(c, line, "unknown record keyword '%.*s'", (int)(kw->n > 40 ? 40 : kw->n),
                        kw->s);
        return false;
    }
    if (type == MXH_TYPE_SOA) {
        mxh_load_reject(c, line, "SOA cannot be set in panel text");
        return false;
    }
    /* the value: the rest of the line after the owner, as written */
    const char *rest = t[2].s;
    size_t rest_n = (size_t)(s + n - rest);
    if ((type == MXH_TYPE_A || type == MXH_TYPE_AAAA || type == MXH_TYPE_CNAME ||
         type == MXH_TYPE_NS || type == MXH_TYPE_PTR || type == MXH_TYPE_DNAME) && cnt != 3) {
        mxh_load_reject(c, line, "'%.*s' takes host and one value, not %zu fields", (int)kw->n,
                        kw->s, cnt - 1);
        return false;
    }
    if ((type == MXH_TYPE_TXT || type == MXH_TYPE_SPF) &&
        (memchr(t[1].s, '=', t[1].n) || t[1].s[0] == '"')) {
        /* "txt v=spf1 ...": the text where the host belongs; no host name has '=' */
        mxh_load_reject(c, line, "'%.*s' needs a host before the text (@ for the apex)",
                        (int)kw->n, kw->s);
        return false;
    }
    if (!prep_owner(c, &r1, &t[1], why, sizeof why)) {
        mxh_load_reject(c, line, "%s", why);
        return false;
    }
    size_t pl;
    if (type == MXH_TYPE_TXT || type == MXH_TYPE_SPF) {
        pl = mxh_txt_present(rest, rest_n, pres);
    } else {
        memcpy(pres, rest, rest_n);
        pres[rest_n] = '\0';
        pl = rest_n;
    }
    char tn[16];
    if (!prep_rdata(c, &r1, type, pres, pl, why, sizeof why)) {
        mxh_load_reject(c, line, "bad %s: %s", mxh_type_name(type, tn), why);
        return false;
    }
    tok_str(&t[1], owner_text);
    memcpy(rdata_text, rest, rest_n);
    rdata_text[rest_n] = '\0';
    return commit(c, &r1, owner_text, rdata_text, line);
}

/* Next line of buf from *pos: start and length without CR/LF. */
/* Trim blank space; false for a blank or comment line. */
static bool significant(const char **s, size_t *n)
{
    const char *p = *s;
    size_t l = *n;
    while (l > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        l--;
    }
    while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
        l--;
    if (l == 0 || p[0] == '#' || p[0] == ';' || (l > 1 && p[0] == '/' && p[1] == '/'))
        return false;
    *s = p;
    *n = l;
    return true;
}

mxh_status mxh_load_valuedomain(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                                const mxh_load_opts *opts, mxh_zone **out)
{
    pctx c;
    memset(&c, 0, sizeof c);
    mxh_status st = mxh_load_begin(&c, zs, name, buf, len, opts, MXH_FMT_VALUEDOMAIN,
                                   PANEL_DEFAULT_TTL, "panel text does not name its domain", out);
    if (st != MXH_OK)
        return st;

    size_t pos = mxh_bom_len(buf, len);
    const size_t start = pos;

    /* The panel's "ttl N" applies to every record of the zone, wherever it stands. */
    const char *ls;
    size_t ll;
    while (mxh_next_line(buf, len, &pos, &ls, &ll)) {
        if (!significant(&ls, &ll))
            continue;
        ptok t[3];
        uint32_t v;
        if (mxh_split_blank(ls, ll, t, 3) == 2 && mxh_span_is(&t[0], "ttl") &&
            mxh_span_u32(&t[1], 2147483647u, &v)) /* RFC 2181 §8 */
            c.ttl = v;
    }

    char *scratch = NULL;
    size_t scap = 0;
    unsigned long lineno = 0, lines = 0;
    pos = start;
    while (!c.z->stopped && mxh_next_line(buf, len, &pos, &ls, &ll)) {
        lineno++;
        if (memchr(ls, '\0', ll)) {
            lines++;
            mxh_load_reject(&c, lineno, "NUL byte in line");
            continue;
        }
        if (!significant(&ls, &ll))
            continue;
        lines++;
        size_t need = 8 * ll + 64;
        if (need > scap) {
            char *ns = realloc(scratch, need);
            if (!ns) {
                c.nomem = true;
                break;
            }
            scratch = ns;
            scap = need;
        }
        if (scratch)
            panel_line(&c, ls, ll, lineno, scratch);
    }
    free(scratch);
    return mxh_load_end(&c, name, out, "panel text", lines);
}

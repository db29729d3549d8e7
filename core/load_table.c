/* SPDX-License-Identifier: MIT */
/*
 * Control-panel record tables (XServer-like listings), one record a line:
 *
 *   host type content [priority] [ttl]
 *
 *   dm2.co.jp       MX   dm2.co.jp
 *   dm2.co.jp       MX   162.43.120.172 0
 *   *.dm2.co.jp     A    162.43.120.172
 *   dm2.co.jp       TXT  v=spf1 +a:sv14171.xserver.jp +mx ~all
 *   www,CNAME,example.net,,3600
 *
 * Separators: a line holding a tab is split at tabs, a line whose comma
 * split gives a record type (or header words) in the second field is CSV
 * (double quotes group, "" is a quote), anything else is split at blank
 * space. Empty priority or TTL cells and "-" mean "not given".
 *
 * An optional first line is a header ("host,type,content,priority,ttl",
 * "ホスト名,種別,内容,優先度,TTL"). With tab or comma separation the header
 * may put the columns in any order (unknown columns are ignored); blank
 * separated lines always use the order above.
 *
 * Blank-space lines: the content is everything between the type and the
 * trailing number columns the type implies. TXT/SPF content runs to the end
 * of the line (unless it is quoted: then number columns may follow the
 * quoted strings); MX: "exchange [priority] [ttl]"; SRV: "priority weight
 * port target [ttl]"; A, AAAA, CNAME, NS, PTR, DNAME: "value [ttl]" or
 * "value priority ttl"; other types: the rest of the line.
 *
 * An MX without a priority (seed 003's "dm2.co.jp MX dm2.co.jp") gets 0, the
 * panels' default.
 *
 * How names are read (these panels show names fully qualified, without the
 * final dot):
 *   host column:    "", "@" -> the origin; a final dot -> absolute; a name
 *                   equal to or ending in the origin ("dm2.co.jp",
 *                   "www.dm2.co.jp", "*.dm2.co.jp") -> absolute; anything
 *                   else ("www", "mail.sub") is relative to the origin.
 *   content column: "@" -> the origin; a final dot -> absolute; a name equal
 *                   to or ending in the origin -> absolute; any other name
 *                   with a dot ("cname.thebase.in", "s1.xrea.com") is taken
 *                   as the full host name it is typed as (the panels never
 *                   append the zone to the content box); a single label
 *                   ("mail") is relative to the origin, and only then does
 *                   the record count as target_relative.
 *
 * All RDATA goes through mxh_rdata_parse(); owner_text and rdata_text keep the
 * cells as written.
 */
#include "mxh_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TABLE_MAX_FIELDS 24
#define TABLE_DEFAULT_TTL 3600

enum col { COL_IGNORE = 0, COL_HOST, COL_TYPE, COL_CONTENT, COL_PRIO, COL_TTL };

typedef mxh_span tfield;

typedef struct tctx {
    mxh_lineload l; /* zone, file, TTL, counts, first error */
    enum col cols[TABLE_MAX_FIELDS]; /* column roles for tab/comma lines */
    size_t ncols;
    char hsep;                       /* the header's separator (tab, comma), or 0 */
} tctx;

/* An empty cell or "-": a column given no value. */
static bool f_blank(const tfield *f)
{
    return f->n == 0 || (f->n == 1 && f->s[0] == '-');
}

static enum col header_col(const tfield *f)
{
    static const struct {
        const char *w;
        enum col c;
    } words[] = {
        {"host", COL_HOST}, {"hostname", COL_HOST}, {"host name", COL_HOST}, {"name", COL_HOST},
        {"record name", COL_HOST}, {"ホスト名", COL_HOST}, {"ホスト", COL_HOST},
        {"type", COL_TYPE}, {"record type", COL_TYPE}, {"record", COL_TYPE}, {"種別", COL_TYPE},
        {"タイプ", COL_TYPE}, {"レコード", COL_TYPE},
        {"content", COL_CONTENT}, {"value", COL_CONTENT}, {"data", COL_CONTENT},
        {"target", COL_CONTENT}, {"address", COL_CONTENT}, {"内容", COL_CONTENT},
        {"値", COL_CONTENT}, {"データ", COL_CONTENT},
        {"priority", COL_PRIO}, {"pref", COL_PRIO}, {"preference", COL_PRIO},
        {"優先度", COL_PRIO}, {"優先", COL_PRIO}, {"プライオリティ", COL_PRIO},
        {"ttl", COL_TTL},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (mxh_span_is(f, words[i].w))
            return words[i].c;
    return COL_IGNORE;
}

/*
 * Fields split at sep, trimmed. For CSV, a field that starts with '"' is
 * unquoted ("" -> ") into dst (n + 1 bytes). Returns the count, or
 * (size_t)-1 for an unterminated quote.
 */
static size_t split_sep(const char *s, size_t n, char sep, tfield *f, size_t max, char *dst)
{
    size_t cnt = 0, i = 0, o = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || (s[i] == '\t' && sep != '\t')))
            i++;
        tfield cur;
        if (sep == ',' && i < n && s[i] == '"') {
            i++;
            cur.s = dst + o;
            bool closed = false;
            while (i < n) {
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        dst[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    closed = true;
                    break;
                }
                dst[o++] = s[i++];
            }
            if (!closed)
                return (size_t)-1;
            cur.n = (size_t)(dst + o - cur.s);
            while (i < n && s[i] != sep)
                i++; /* blank space after the closing quote */
        } else {
            size_t st = i;
            while (i < n && s[i] != sep)
                i++;
            size_t e = i;
            while (e > st && (s[e - 1] == ' ' || s[e - 1] == '\t'))
                e--;
            cur.s = s + st;
            cur.n = e - st;
        }
        if (cnt < max)
            f[cnt] = cur;
        cnt++;
        if (i >= n)
            break;
        i++; /* past sep */
    }
    return cnt;
}

static char line_sep(const char *s, size_t n, char *dst)
{
    if (memchr(s, '\t', n))
        return '\t';
    if (memchr(s, ',', n)) {
        tfield f[TABLE_MAX_FIELDS];
        size_t cnt = split_sep(s, n, ',', f, TABLE_MAX_FIELDS, dst);
        if (cnt != (size_t)-1 && cnt >= 2 &&
            (mxh_span_type(&f[1]) || (header_col(&f[0]) && header_col(&f[1]))))
            return ',';
    }
    return ' ';
}


/* Host column -> canonical owner (rules in the header comment). */
static int host_name(const tctx *c, const tfield *f, char *out, size_t outsz, int *rel)
{
    *rel = 0;
    if (f->n == 0)
        return mxh_name_canon("@", 1, c->l.origin, out, outsz, rel);
    int r = mxh_name_canon(f->s, f->n, NULL, out, outsz, NULL);
    if (r != MXH_NAME_ERR_RELATIVE)
        return r; /* absolute, or an error */
    if (f->n == 1 && f->s[0] == '@')
        return mxh_name_canon(f->s, f->n, c->l.origin, out, outsz, rel);
    r = mxh_name_canon(f->s, f->n, ".", out, outsz, NULL);
    if (r > 0 && mxh_name_is_at_or_below(out, c->l.origin))
        return r;
    return mxh_name_canon(f->s, f->n, c->l.origin, out, outsz, rel);
}

static bool has_unescaped_dot(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '.')
            return true;
    }
    return false;
}

/* Content column name -> canonical (rules in the header comment). */
static int content_name(const tctx *c, const char *s, size_t n, char *out, size_t outsz, int *rel)
{
    *rel = 0;
    if (n == 1 && s[0] == '@')
        return mxh_name_canon(s, n, c->l.origin, out, outsz, rel);
    int r = mxh_name_canon(s, n, NULL, out, outsz, NULL);
    if (r != MXH_NAME_ERR_RELATIVE)
        return r;
    r = mxh_name_canon(s, n, ".", out, outsz, NULL);
    if (r > 0 && (mxh_name_is_at_or_below(out, c->l.origin) || has_unescaped_dot(s, n)))
        return r;
    return mxh_name_canon(s, n, c->l.origin, out, outsz, rel);
}

static bool name_type(uint16_t t)
{
    return t == MXH_TYPE_CNAME || t == MXH_TYPE_NS || t == MXH_TYPE_PTR || t == MXH_TYPE_DNAME;
}

/* One record, its cells found. pres has room for 7 * linelen + 2 * MXH_NAME_BUF bytes. */
typedef struct trec {
    tfield host, type, content, prio, ttl;
    bool has_prio, has_ttl;
} trec;

static bool table_record(tctx *c, const trec *t, unsigned long line, char *pres, char *tmp)
{
    char tn[16];
    uint16_t type = mxh_span_type(&t->type);
    if (!type) {
        mxh_load_reject(&c->l, line, "unknown record type '%.*s'",
                        (int)(t->type.n > 40 ? 40 : t->type.n), t->type.s);
        return false;
    }
    const char *tname = mxh_type_name(type, tn);
    if (type == MXH_TYPE_SOA) {
        mxh_load_reject(&c->l, line, "SOA rows are not read from tables");
        return false;
    }
    if (t->content.n == 0) {
        mxh_load_reject(&c->l, line, "%s record without content", tname);
        return false;
    }
    uint32_t ttl = c->l.ttl, prio = 0;
    bool prio_given = t->has_prio && !f_blank(&t->prio);
    if (t->has_ttl && !f_blank(&t->ttl) && !mxh_span_u32(&t->ttl, 2147483647u, &ttl)) { /* RFC 2181 §8 */
        mxh_load_reject(&c->l, line, "TTL '%.*s' is not a number of seconds",
                        (int)(t->ttl.n > 40 ? 40 : t->ttl.n), t->ttl.s);
        return false;
    }
    if (prio_given && !mxh_span_u32(&t->prio, 65535, &prio)) {
        mxh_load_reject(&c->l, line, "priority '%.*s' is not a number 0..65535",
                        (int)(t->prio.n > 40 ? 40 : t->prio.n), t->prio.s);
        return false;
    }

    char owner[MXH_NAME_BUF];
    int orel = 0;
    int ol = host_name(c, &t->host, owner, sizeof owner, &orel);
    if (ol < 0) {
        mxh_load_reject(&c->l, line, "bad host name '%.*s': %s",
                        (int)(t->host.n > 200 ? 200 : t->host.n), t->host.s,
                        mxh_name_strerror(ol));
        return false;
    }

    /* the content in master-file form */
    const char *cs = t->content.s;
    size_t cn = t->content.n;
    size_t pl = 0;
    int trel = 0;
    char name[MXH_NAME_BUF];
    if (type == MXH_TYPE_MX || name_type(type) || type == MXH_TYPE_SRV) {
        /* the name is the last blank-separated word of the cell */
        size_t ws = cn;
        while (ws > 0 && cs[ws - 1] != ' ' && cs[ws - 1] != '\t')
            ws--;
        const char *head = cs;
        size_t hn = ws;
        while (hn > 0 && (head[hn - 1] == ' ' || head[hn - 1] == '\t'))
            hn--;
        int nl = content_name(c, cs + ws, cn - ws, name, sizeof name, &trel);
        if (nl < 0) {
            mxh_load_reject(&c->l, line, "bad %s target '%.*s': %s", tname,
                            (int)(cn - ws > 200 ? 200 : cn - ws), cs + ws,
                            mxh_name_strerror(nl));
            return false;
        }
        if (type == MXH_TYPE_MX) {
            if (hn == 0) { /* no priority given: 0, as the panels default it */
                pl = (size_t)snprintf(pres, 24, "%u ", (unsigned)prio);
            } else {
                if (prio_given) {
                    mxh_load_reject(&c->l, line,
                                    "MX priority given twice (in the content and its column)");
                    return false;
                }
                memcpy(pres, head, hn); /* "10 mail.example.com" in the content cell */
                pres[hn] = ' ';
                pl = hn + 1;
            }
        } else if (type == MXH_TYPE_SRV) {
            tfield w[6];
            size_t nw = mxh_split_ws(head, hn, w, 6);
            if (nw == 2 && prio_given) {
                pl = (size_t)snprintf(pres, 24, "%u ", (unsigned)prio); /* weight port target */
            } else if (nw != 3) {
                mxh_load_reject(&c->l, line, "SRV content must be 'priority weight port target'%s",
                                prio_given ? " or 'weight port target'" : "");
                return false;
            }
            memcpy(pres + pl, head, hn);
            pl += hn;
            pres[pl++] = ' ';
        } else if (hn != 0) {
            mxh_load_reject(&c->l, line, "%s content must be one name", tname);
            return false;
        }
        memcpy(pres + pl, name, (size_t)nl);
        pl += (size_t)nl;
        pres[pl] = '\0';
    } else if (type == MXH_TYPE_TXT || type == MXH_TYPE_SPF) {
        pl = mxh_txt_present(cs, cn, pres);
    } else {
        memcpy(pres, cs, cn);
        pres[cn] = '\0';
        pl = cn;
    }

    mxh_rdata_out rd;
    memset(&rd, 0, sizeof rd);
    char why[512] = "";
    if (mxh_rdata_parse(c->l.zs, type, pres, pl, c->l.origin, &rd, why, sizeof why) != 0) {
        mxh_load_reject(&c->l, line, "bad %s: %s", tname, why[0] ? why : "bad content");
        return false;
    }
    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = owner;
    in.owner_len = (size_t)ol;
    memcpy(tmp, t->host.s, t->host.n);
    tmp[t->host.n] = '\0';
    in.owner_text = tmp;
    in.type = type;
    in.rclass = 1;
    in.ttl = ttl;
    in.rdata = rd.rdata;
    char *rtext = tmp + t->host.n + 1;
    memcpy(rtext, cs, cn);
    rtext[cn] = '\0';
    in.rdata_text = rtext;
    in.target = rd.target;
    in.pref = rd.pref;
    in.file = c->l.file;
    in.line = (uint32_t)line;
    in.flags = (uint8_t)(rd.flags | (orel ? MXH_RR_OWNER_RELATIVE : 0) |
                         (trel ? MXH_RR_TARGET_RELATIVE : 0));
    return mxh_load_add(&c->l, &in);
}

/* A blank-space separated line -> cells (rules in the header comment). */
static bool ws_record(tctx *c, const char *s, size_t n, unsigned long line, trec *r)
{
    tfield f[TABLE_MAX_FIELDS];
    size_t cnt = mxh_split_ws(s, n, f, TABLE_MAX_FIELDS);
    memset(r, 0, sizeof *r);
    if (cnt < 3) {
        mxh_load_reject(&c->l, line,
                        "too few fields: expected 'host type content [priority] [ttl]'");
        return false;
    }
    r->host = f[0];
    r->type = f[1];
    uint16_t type = mxh_span_type(&f[1]);
    const char *rest = f[2].s;
    size_t rest_n = (size_t)(s + n - rest);
    size_t nr = cnt - 2; /* fields after the type */
    size_t max = cnt < TABLE_MAX_FIELDS ? cnt : TABLE_MAX_FIELDS;
    size_t after = 3; /* index of the first number column */
    switch (type) {
    case MXH_TYPE_TXT:
    case MXH_TYPE_SPF:
        if (f[2].s[0] != '"') {
            r->content.s = rest;
            r->content.n = rest_n;
            return true;
        }
        while (after < max && f[after].s[0] == '"')
            after++;
        r->content.s = rest;
        r->content.n = (size_t)(f[after - 1].s + f[after - 1].n - rest);
        for (size_t k = after; k < max; k++) {
            if (!mxh_all_digits(f[k].s, f[k].n) && !f_blank(&f[k])) {
                /* words after the quotes: master-file strings, all content */
                r->content.n = rest_n;
                return true;
            }
        }
        break;
    case MXH_TYPE_MX:
        r->content = f[2];
        if (nr >= 2 && mxh_all_digits(f[2].s, f[2].n) && !mxh_all_digits(f[3].s, f[3].n)) {
            /* "host MX 10 mail": preference first, as in a master file */
            r->content.n = (size_t)(f[3].s + f[3].n - f[2].s);
            after = 4;
        }
        break;
    case MXH_TYPE_SRV:
        if (nr < 4 || max < 6) {
            mxh_load_reject(&c->l, line, "SRV needs 'priority weight port target' after the type");
            return false;
        }
        r->content.s = f[2].s;
        r->content.n = (size_t)(f[5].s + f[5].n - f[2].s);
        if (cnt > 7) {
            mxh_load_reject(&c->l, line, "too many fields after the SRV target");
            return false;
        }
        if (cnt == 7) {
            r->ttl = f[6];
            r->has_ttl = true;
        }
        return true;
    case MXH_TYPE_A:
    case MXH_TYPE_AAAA:
    case MXH_TYPE_CNAME:
    case MXH_TYPE_NS:
    case MXH_TYPE_PTR:
    case MXH_TYPE_DNAME:
        r->content = f[2];
        if (cnt == 4) { /* no priority for these: a lone number is the TTL */
            r->ttl = f[3];
            r->has_ttl = true;
            return true;
        }
        break;
    default:
        r->content.s = rest;
        r->content.n = rest_n;
        return true;
    }
    if (cnt > after + 2 || cnt > TABLE_MAX_FIELDS) {
        mxh_load_reject(&c->l, line,
                        "too many fields: expected 'host type content [priority] [ttl]'");
        return false;
    }
    if (after < cnt) {
        r->prio = f[after];
        r->has_prio = true;
    }
    if (after + 1 < cnt) {
        r->ttl = f[after + 1];
        r->has_ttl = true;
    }
    return true;
}

/* A tab or comma line -> cells by the column roles. */
static bool sep_record(tctx *c, const char *s, size_t n, char sep, unsigned long line, trec *r,
                       char *dst)
{
    tfield f[TABLE_MAX_FIELDS];
    size_t cnt = split_sep(s, n, sep, f, TABLE_MAX_FIELDS, dst);
    memset(r, 0, sizeof *r);
    if (cnt == (size_t)-1) {
        mxh_load_reject(&c->l, line, "unterminated double quote");
        return false;
    }
    bool host = false, type = false, content = false;
    for (size_t i = 0; i < cnt; i++) {
        enum col role = i < c->ncols ? c->cols[i] : COL_IGNORE;
        if (i >= TABLE_MAX_FIELDS || role == COL_IGNORE) {
            if (i >= c->ncols && i < TABLE_MAX_FIELDS && f[i].n > 0) {
                mxh_load_reject(&c->l, line, "more fields than columns (%zu)", c->ncols);
                return false;
            }
            continue;
        }
        switch (role) {
        case COL_HOST: r->host = f[i]; host = true; break;
        case COL_TYPE: r->type = f[i]; type = true; break;
        case COL_CONTENT: r->content = f[i]; content = true; break;
        case COL_PRIO: r->prio = f[i]; r->has_prio = true; break;
        case COL_TTL: r->ttl = f[i]; r->has_ttl = true; break;
        case COL_IGNORE: break;
        }
    }
    if (!host || !type || !content) {
        mxh_load_reject(&c->l, line, "too few fields: expected host, type and content");
        return false;
    }
    return true;
}

/* Header line -> column roles; false if it is not a header. */
static bool read_header(tctx *c, const char *s, size_t n, char *dst)
{
    tfield f[TABLE_MAX_FIELDS];
    char sep = line_sep(s, n, dst);
    size_t cnt = sep == ' ' ? mxh_split_ws(s, n, f, TABLE_MAX_FIELDS)
                            : split_sep(s, n, sep, f, TABLE_MAX_FIELDS, dst);
    if (cnt == (size_t)-1 || cnt < 3 || cnt > TABLE_MAX_FIELDS)
        return false;
    enum col cols[TABLE_MAX_FIELDS];
    bool seen[6] = {false};
    for (size_t i = 0; i < cnt; i++) {
        if (mxh_span_type(&f[i]))
            return false; /* a record, not a header */
        cols[i] = header_col(&f[i]);
        if (cols[i] != COL_IGNORE && seen[cols[i]])
            cols[i] = COL_IGNORE; /* a second "name" column: keep the first */
        seen[cols[i]] = true;
    }
    if (!seen[COL_HOST] || !seen[COL_TYPE] || !seen[COL_CONTENT])
        return false;
    if (sep == ' ') /* blank-space lines use the fixed order; the header only labels it */
        return true;
    memcpy(c->cols, cols, cnt * sizeof cols[0]);
    c->ncols = cnt;
    c->hsep = sep; /* rows below use the header's separator */
    return true;
}

mxh_status mxh_load_table(mxh_zoneset *zs, const char *name, const char *buf, size_t len,
                          const mxh_load_opts *opts, mxh_zone **out)
{
    tctx c;
    memset(&c, 0, sizeof c);
    static const enum col deflt[] = {COL_HOST, COL_TYPE, COL_CONTENT, COL_PRIO, COL_TTL};
    memcpy(c.cols, deflt, sizeof deflt);
    c.ncols = sizeof deflt / sizeof deflt[0];
    mxh_status st = mxh_load_begin(&c.l, zs, name, buf, len, opts, MXH_FMT_TABLE,
                                   TABLE_DEFAULT_TTL, "a record table does not name its zone", out);
    if (st != MXH_OK)
        return st;

    size_t pos = mxh_bom_len(buf, len);
    char *scratch = NULL;
    size_t scap = 0;
    unsigned long lineno = 0, lines = 0;
    bool first = true;
    const char *ls;
    size_t ll;
    while (!c.l.z->stopped && mxh_next_line(buf, len, &pos, &ls, &ll)) {
        lineno++;
        if (memchr(ls, '\0', ll)) {
            lines++;
            mxh_load_reject(&c.l, lineno, "NUL byte in line");
            continue;
        }
        /* trim blank space (a tab-separated line keeps its leading empty host cell) */
        bool tabbed = memchr(ls, '\t', ll) != NULL;
        while (ll > 0 && ls[0] == ' ') {
            ls++;
            ll--;
        }
        while (ll > 0 && (ls[ll - 1] == ' ' || (!tabbed && ls[ll - 1] == '\t')))
            ll--;
        size_t k = 0;
        while (k < ll && (ls[k] == ' ' || ls[k] == '\t'))
            k++;
        if (k == ll || ls[k] == '#' || ls[k] == ';' || (k + 1 < ll && ls[k] == '/' && ls[k + 1] == '/'))
            continue;
        if (!tabbed) {
            ls += k;
            ll -= k;
        }
        size_t need = 10 * ll + 64 + 2 * MXH_NAME_BUF; /* a canonical name may outgrow its line */
        if (need > scap) {
            char *ns = realloc(scratch, need);
            if (!ns) {
                c.l.nomem = true;
                break;
            }
            scratch = ns;
            scap = need;
        }
        char *dst = scratch;               /* unquoted CSV cells: ll + 1 */
        char *tmp = scratch + ll + 1;      /* owner_text + rdata_text: 2 * ll + 2 */
        char *pres = scratch + 3 * ll + 3; /* master-file RDATA: the rest */
        if (first) {
            first = false;
            if (read_header(&c, ls, ll, dst))
                continue;
        }
        lines++;
        trec r;
        char sep = c.hsep ? c.hsep : line_sep(ls, ll, dst);
        bool ok = sep == ' ' ? ws_record(&c, ls, ll, lineno, &r)
                             : sep_record(&c, ls, ll, sep, lineno, &r, dst);
        if (ok)
            table_record(&c, &r, lineno, pres, tmp);
    }
    free(scratch);
    return mxh_load_end(&c.l, name, out, "record table", lines);
}

/* SPDX-License-Identifier: MIT */
/*
 * Format detection: is a buffer an RFC 1035 master file, registrar panel text
 * ("mx @ mail 10", "mxe mail 1.2.3.4 10") or a control-panel table
 * ("host type content [priority] [ttl]")?
 *
 * Every significant line (not blank, not a comment) of the first part of the
 * buffer is tested against the three grammars. A line that fits a grammar is
 * "ok" for it; a line that fits only one grammar is evidence for it. Master
 * file syntax that the other two formats never use ($ directives, SOA, a TTL
 * or class field before the type) decides for BIND at once. Panel or table
 * is chosen only when some line fits nothing but that format, most lines fit
 * it and almost none fit only BIND; a listing whose every line reads both
 * ways is a table when its owners are full names without the final dot, the
 * apex among them. Anything less certain is BIND, which is also what every
 * master file of the test corpus must come out as.
 */
#include "mxh_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define DETECT_MAX_BYTES ((size_t)1 << 20) /* look at the first MiB */
#define DETECT_MAX_LINES 5000
#define DETECT_MAX_TOK 8

typedef mxh_span dtok;

static bool tok_class(const dtok *t)
{
    if (mxh_span_is(t, "IN") || mxh_span_is(t, "CH") || mxh_span_is(t, "HS") || mxh_span_is(t, "CS"))
        return true;
    return t->n > 5 && strncasecmp(t->s, "CLASS", 5) == 0 && mxh_all_digits(t->s + 5, t->n - 5);
}

/* A master-file TTL: digits, or BIND's unit form ("1h30m", "2d"). */
static bool tok_ttl(const dtok *t)
{
    if (t->n == 0 || t->s[0] < '0' || t->s[0] > '9')
        return false;
    for (size_t i = 0; i < t->n; i++) {
        char c = t->s[i];
        if (c >= '0' && c <= '9')
            continue;
        if (!strchr("smhdwSMHDW", c))
            return false;
    }
    return true;
}

static bool tok_ipv4(const dtok *t)
{
    uint8_t a[4];
    return mxh_parse_ipv4(t->s, t->n, a);
}

static bool tok_ipv6(const dtok *t)
{
    uint8_t a[16];
    return mxh_parse_ipv6(t->s, t->n, a);
}

/* Fields split at sep (tab or comma), trimmed of spaces. */
static size_t split_sep(const char *s, size_t n, char sep, dtok *tok, size_t max)
{
    size_t cnt = 0, i = 0;
    for (;;) {
        size_t st = i;
        bool q = false;
        while (i < n && (q || s[i] != sep)) {
            if (s[i] == '"' && sep == ',')
                q = !q;
            i++;
        }
        size_t a = st, b = i;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (cnt < max) {
            tok[cnt].s = s + a;
            tok[cnt].n = b - a;
        }
        cnt++;
        if (i >= n)
            break;
        i++; /* past sep */
    }
    return cnt;
}

enum { BIND_NO = 0, BIND_OK, BIND_STRONG };

/*
 * Does the line read as one master-file RR (RFC 1035 §5.1): [owner] [ttl]
 * [class] type rdata, owner omitted when the line starts with blank space?
 * BIND_STRONG when it uses a field no panel or table line has (TTL or class
 * before the type, SOA, a blank owner).
 */
static int bind_line(const char *s, size_t n, bool lead_ws)
{
    dtok t[DETECT_MAX_TOK];
    size_t cnt = mxh_split_ws(s, n, t, DETECT_MAX_TOK);
    size_t k = lead_ws ? 0 : 1;
    int strong = lead_ws ? 1 : 0;
    for (int pass = 0; pass < 2 && k < cnt && k < DETECT_MAX_TOK; pass++) {
        if (tok_class(&t[k]) || tok_ttl(&t[k])) {
            k++;
            strong = 1;
        }
    }
    if (k >= cnt || k >= DETECT_MAX_TOK)
        return BIND_NO;
    uint16_t type = mxh_span_type(&t[k]);
    if (!type)
        return BIND_NO;
    size_t nrd = cnt - k - 1; /* rdata tokens */
    const dtok *rd = k + 1 < DETECT_MAX_TOK ? &t[k + 1] : NULL;
    switch (type) {
    case MXH_TYPE_SOA:
        return BIND_STRONG; /* the rest may continue in parentheses */
    case MXH_TYPE_A:
        if (nrd != 1 || !rd || !tok_ipv4(rd))
            return BIND_NO;
        break;
    case MXH_TYPE_AAAA:
        if (nrd != 1 || !rd || !tok_ipv6(rd))
            return BIND_NO;
        break;
    case MXH_TYPE_MX:
        if (nrd == 1 && rd && rd->n == 1 && rd->s[0] == '(')
            break;
        if (nrd < 1 || !rd || !mxh_all_digits(rd->s, rd->n))
            return BIND_NO;
        if (nrd != 2 && !(nrd > 2 && k + 3 < DETECT_MAX_TOK && t[k + 3].s[0] == '('))
            return BIND_NO;
        break;
    case MXH_TYPE_CNAME:
    case MXH_TYPE_NS:
    case MXH_TYPE_PTR:
    case MXH_TYPE_DNAME:
        if (nrd != 1)
            return BIND_NO;
        break;
    case MXH_TYPE_SRV:
        if (nrd < 1 || !rd || (!mxh_all_digits(rd->s, rd->n) && rd->s[0] != '('))
            return BIND_NO;
        break;
    default:
        if (nrd < 1)
            return BIND_NO;
        break;
    }
    return strong ? BIND_STRONG : BIND_OK;
}

/* Registrar panel text (core/load_panel.c has the grammar). */
static bool panel_line(const char *s, size_t n, bool lead_ws)
{
    if (lead_ws)
        return false;
    dtok t[DETECT_MAX_TOK];
    size_t cnt = mxh_split_ws(s, n, t, DETECT_MAX_TOK);
    if (cnt < 3)
        return false;
    const dtok *kw = &t[0];
    const dtok *last = cnt <= DETECT_MAX_TOK ? &t[cnt - 1] : NULL;
    if (mxh_span_is(kw, "a"))
        return cnt == 3 && tok_ipv4(&t[2]);
    if (mxh_span_is(kw, "aaaa"))
        return cnt == 3 && tok_ipv6(&t[2]);
    if (mxh_span_is(kw, "mx")) {
        if (cnt != 3 && cnt != 4)
            return false;
        if (!mxh_all_digits(last->s, last->n))
            return false;
        /* "mx 10 mail" is master-file shape (owner "mx"), not the panel's */
        return !mxh_all_digits(t[1].s, t[1].n) || cnt == 4;
    }
    if (mxh_span_is(kw, "mxe"))
        return cnt == 4 && tok_ipv4(&t[2]) && mxh_all_digits(t[3].s, t[3].n);
    if (mxh_span_is(kw, "cname") || mxh_span_is(kw, "ns"))
        return cnt == 3 && !mxh_span_type(&t[1]) && !tok_class(&t[1]) && !tok_ttl(&t[1]);
    if (mxh_span_is(kw, "txt"))
        return !mxh_span_type(&t[1]) && !tok_class(&t[1]) && !tok_ttl(&t[1]);
    if (mxh_span_is(kw, "srv"))
        return cnt == 6 && mxh_all_digits(t[2].s, t[2].n);
    return false;
}

/* Starts like a panel line, right or wrong ("mx mail.example.jp. ten"): a
 * panel keyword, then something that is not a master-file TTL, class or type. */
static bool panel_shaped(const char *s, size_t n, bool lead_ws)
{
    static const char *const kws[] = {"a", "aaaa", "cname", "mx", "mxe", "txt", "ns", "srv",
                                      "ttl", NULL};
    if (lead_ws)
        return false;
    dtok t[2];
    size_t cnt = mxh_split_ws(s, n, t, 2);
    if (cnt < 2 || mxh_span_type(&t[1]) || tok_class(&t[1]))
        return false;
    if (tok_ttl(&t[1]) && !mxh_span_is(&t[0], "ttl"))
        return false;
    for (int i = 0; kws[i]; i++)
        if (mxh_span_is(&t[0], kws[i]))
            return true;
    return false;
}

static bool header_word(const dtok *t)
{
    static const char *const words[] = {
        "host", "hostname", "host name", "name", "record", "record name", "type", "record type",
        "content", "value", "data", "target", "address", "priority", "pref", "preference",
        "ttl", "ホスト名", "ホスト", "種別", "タイプ", "レコード", "内容", "値", "データ",
        "優先度", "優先", "プライオリティ", NULL};
    for (int i = 0; words[i]; i++)
        if (mxh_span_is(t, words[i]))
            return true;
    return false;
}

/* Which separator a table line uses: tab, comma or blank space. */
static char table_sep(const char *s, size_t n)
{
    if (memchr(s, '\t', n))
        return '\t';
    if (memchr(s, ',', n)) {
        dtok t[DETECT_MAX_TOK];
        size_t cnt = split_sep(s, n, ',', t, DETECT_MAX_TOK);
        if (cnt >= 2 && (mxh_span_type(&t[1]) || (header_word(&t[0]) && header_word(&t[1]))))
            return ',';
    }
    return ' ';
}

/* Starts like a table row, right or wrong: a record type in the second field. */
static bool table_shaped(const char *s, size_t n)
{
    dtok t[DETECT_MAX_TOK];
    char sep = table_sep(s, n);
    size_t cnt = sep == ' ' ? mxh_split_ws(s, n, t, DETECT_MAX_TOK)
                            : split_sep(s, n, sep, t, DETECT_MAX_TOK);
    return cnt >= 2 && mxh_span_type(&t[1]) != 0;
}

static bool type_word(const dtok *t)
{
    return mxh_span_is(t, "type") || mxh_span_is(t, "record type") || mxh_span_is(t, "record") ||
           mxh_span_is(t, "種別") || mxh_span_is(t, "タイプ") || mxh_span_is(t, "レコード");
}

/* A header row: its separator and which column holds the record type. */
static bool table_header(const char *s, size_t n, char *sep, size_t *type_col)
{
    dtok t[DETECT_MAX_TOK];
    *sep = table_sep(s, n);
    size_t cnt = *sep == ' ' ? mxh_split_ws(s, n, t, DETECT_MAX_TOK)
                             : split_sep(s, n, *sep, t, DETECT_MAX_TOK);
    if (cnt < 3)
        return false;
    size_t words = 0;
    *type_col = 1;
    bool typed = false;
    for (size_t i = 0; i < cnt && i < DETECT_MAX_TOK; i++) {
        if (mxh_span_type(&t[i]))
            return false;
        if (header_word(&t[i]))
            words++;
        if (!typed && type_word(&t[i])) {
            *type_col = i;
            typed = true;
        }
    }
    return words >= 2 && typed;
}

/* A row under a header: the header's separator, a record type in its column. */
static bool header_row(const char *s, size_t n, char sep, size_t type_col)
{
    dtok t[DETECT_MAX_TOK];
    size_t cnt = sep == ' ' ? mxh_split_ws(s, n, t, DETECT_MAX_TOK)
                            : split_sep(s, n, sep, t, DETECT_MAX_TOK);
    if (type_col >= cnt || type_col >= DETECT_MAX_TOK)
        return false;
    uint16_t type = mxh_span_type(&t[type_col]);
    return type != 0 && type != MXH_TYPE_SOA;
}

static bool prio_or_ttl(const dtok *t)
{
    return t->n == 0 || mxh_all_digits(t->s, t->n) || (t->n == 1 && t->s[0] == '-');
}

/* "host type content [priority] [ttl]" (core/load_table.c has the grammar). */
static bool table_line(const char *s, size_t n, bool lead_ws)
{
    if (lead_ws && s[0] != '\t')
        return false;
    dtok t[DETECT_MAX_TOK];
    char sep = table_sep(s, n);
    size_t cnt = sep == ' ' ? mxh_split_ws(s, n, t, DETECT_MAX_TOK)
                            : split_sep(s, n, sep, t, DETECT_MAX_TOK);
    if (cnt < 3)
        return false;
    uint16_t type = mxh_span_type(&t[1]);
    if (!type || type == MXH_TYPE_SOA)
        return false;
    const dtok *c = &t[2];
    if (c->n == 0)
        return false;
    size_t extra = cnt - 3; /* fields after the content */
    if (sep == ' ') {
        if (type == MXH_TYPE_TXT || type == MXH_TYPE_SPF || type == MXH_TYPE_SRV ||
            type == MXH_TYPE_CAA)
            return true; /* content runs on */
    }
    if (extra > 2)
        return false;
    for (size_t i = 3; i < cnt && i < DETECT_MAX_TOK; i++)
        if (!prio_or_ttl(&t[i]))
            return false;
    switch (type) {
    case MXH_TYPE_A:
        return tok_ipv4(c);
    case MXH_TYPE_AAAA:
        return tok_ipv6(c);
    case MXH_TYPE_MX:
        /* the content is the exchange; a number there is master-file order */
        return !mxh_all_digits(c->s, c->n) || sep != ' ';
    default:
        return true;
    }
}

/*
 * The owners of lines read both ways: do they look like the full names a
 * control panel lists ("dm2.co.jp", "www.dm2.co.jp", "*.dm2.co.jp")? All of
 * at least two labels, none absolute or "@", all ending in a common suffix
 * of two or more labels that is itself one of the owners.
 */
typedef struct owner_suffix {
    const char *suf;     /* common label suffix so far (points into the buffer) */
    size_t len;
    bool ok;             /* no owner broke the pattern */
    size_t owners;
    size_t apex_len;     /* shortest owner's length */
} owner_suffix;

static size_t label_count(const char *s, size_t n)
{
    size_t c = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.')
            c++;
    return c;
}

/* Length of the longest common suffix of whole labels (case-insensitive). */
static size_t common_label_suffix(const char *a, size_t la, const char *b, size_t lb)
{
    size_t k = 0;
    while (k < la && k < lb && tolower((unsigned char)a[la - 1 - k]) == tolower((unsigned char)b[lb - 1 - k]))
        k++;
    for (;;) {
        bool abound = k == la || a[la - 1 - k] == '.';
        bool bbound = k == lb || b[lb - 1 - k] == '.';
        if (abound && bbound)
            return k;
        if (k == 0)
            return 0;
        /* shrink to the last dot inside the matched part (the same in both) */
        k--;
        while (k > 0 && a[la - 1 - k] != '.')
            k--;
    }
}

static void owner_note(owner_suffix *os, const char *s, size_t n)
{
    size_t on = 0;
    while (on < n && s[on] != ' ' && s[on] != '\t' && s[on] != ',')
        on++;
    if (!os->ok)
        return;
    if (on == 0 || s[on - 1] == '.' || s[0] == '@' || memchr(s, '\\', on) ||
        label_count(s, on) < 2) {
        os->ok = false;
        return;
    }
    os->owners++;
    if (!os->suf) {
        os->suf = s;
        os->len = on;
        os->apex_len = on;
        return;
    }
    if (on < os->apex_len)
        os->apex_len = on;
    size_t k = common_label_suffix(os->suf, os->len, s, on);
    os->suf += os->len - k;
    os->len = k;
}

static bool owner_table_like(const owner_suffix *os)
{
    return os->ok && os->owners >= 2 && os->len > 0 && os->len == os->apex_len &&
           label_count(os->suf, os->len) >= 2;
}

mxh_format mxh_format_detect(const char *buf, size_t len)
{
    if (!buf || len == 0)
        return MXH_FMT_BIND;
    if (len > DETECT_MAX_BYTES)
        len = DETECT_MAX_BYTES;
    if (memchr(buf, '\0', len))
        return MXH_FMT_BIND; /* binary: the master-file loader refuses it */
    size_t pos = 0;
    if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
        (unsigned char)buf[2] == 0xbf)
        pos = 3; /* UTF-8 byte order mark */
    size_t n = 0, p_ok = 0, p_only = 0, p_shaped = 0, t_shaped = 0, t_ok = 0, t_only = 0, b_only = 0;
    bool first = true, header = false;
    owner_suffix os = {NULL, 0, true, 0, 0};
    char hsep = ' ';
    size_t htype = 1, h_ok = 0;
    int paren = 0;
    for (size_t lines = 0; pos < len && lines < DETECT_MAX_LINES; lines++) {
        const char *ls = buf + pos;
        const char *nl = memchr(ls, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - ls) : len - pos;
        pos += ll + (nl ? 1 : 0);
        if (!nl && pos >= len && lines > 0 && len == DETECT_MAX_BYTES)
            break; /* a line cut by the size limit */
        while (ll > 0 && (ls[ll - 1] == '\r' || ls[ll - 1] == ' ' || ls[ll - 1] == '\t'))
            ll--;
        /* comments: ';' (master file), '#' and '//' (panel and table exports) */
        size_t i = 0;
        while (i < ll && (ls[i] == ' ' || ls[i] == '\t'))
            i++;
        if (i == ll || ls[i] == ';' || ls[i] == '#' || (ls[i] == '/' && i + 1 < ll && ls[i + 1] == '/'))
            continue;
        if (ls[0] == '$')
            return MXH_FMT_BIND; /* $ORIGIN, $TTL, $INCLUDE, $GENERATE */
        /* a master-file record continued over lines in parentheses */
        bool in_paren = paren > 0;
        bool q = false;
        size_t cut = ll;
        int delta = 0;
        for (size_t j = 0; j < ll; j++) {
            if (ls[j] == '\\' && j + 1 < ll) {
                j++;
                continue;
            }
            if (ls[j] == '"')
                q = !q;
            else if (!q && ls[j] == ';') {
                cut = j;
                break;
            } else if (!q && ls[j] == '(')
                delta++;
            else if (!q && ls[j] == ')')
                delta--;
        }
        if (in_paren) {
            paren = paren + delta > 0 ? paren + delta : 0;
            continue;
        }
        bool lead_ws = i > 0;
        const char *s = ls + i;
        size_t sn = cut - i;
        while (sn > 0 && (s[sn - 1] == ' ' || s[sn - 1] == '\t'))
            sn--;
        if (sn == 0)
            continue;
        if (first) {
            first = false;
            if (table_header(ls, ll, &hsep, &htype)) {
                header = true;
                continue;
            }
        }
        n++;
        int b = bind_line(s, sn, lead_ws);
        if (b == BIND_STRONG)
            return MXH_FMT_BIND;
        /* only a master-file record opens a parenthesized continuation; a
         * '(' in panel or table text is just text */
        if (b != BIND_NO && delta > 0)
            paren = delta;
        bool p = panel_line(s, sn, lead_ws);
        bool t = table_line(ls, ll, lead_ws);
        if (header && header_row(ls, ll, hsep, htype))
            h_ok++;
        if (p)
            p_ok++;
        if (p || (!b && !t && panel_shaped(s, sn, lead_ws)))
            p_shaped++;
        if (t)
            t_ok++;
        if (t && !lead_ws)
            owner_note(&os, s, sn);
        if (t || (!b && !p && table_shaped(ls, ll)))
            t_shaped++;
        if (p && !b && !t)
            p_only++;
        if (t && !b && !p)
            t_only++;
        if (b && !p && !t)
            b_only++;
    }
    if (header && (h_ok * 2 >= n || t_ok * 2 >= n || n == 0))
        return MXH_FMT_TABLE;
    /* panel: some line only the panel reads, most lines at least look like
     * panel lines (broken ones included), few lines only a master file reads */
    if (p_only > 0 && p_shaped * 2 >= n && p_ok > t_ok && b_only * 4 <= p_ok)
        return MXH_FMT_VALUEDOMAIN;
    if (t_only > 0 && t_shaped * 2 >= n && t_ok >= p_ok && b_only * 4 <= t_ok)
        return MXH_FMT_TABLE;
    /* every line both a master-file and a table line, but the owners are
     * the zone's full names written without the final dot, the apex among
     * them: a table (in a master file "dm2.co.jp" there would mean
     * dm2.co.jp.dm2.co.jp.) */
    if (n >= 2 && t_ok == n && p_ok == 0 && owner_table_like(&os))
        return MXH_FMT_TABLE;
    return MXH_FMT_BIND;
}

/* SPDX-License-Identifier: MIT */
/*
 * output.c — the three writers of `mxhazard scan`: text for people, JSON
 * Lines for tools, SARIF 2.1.0 for code-scanning views. All are streaming:
 * a unit's findings are written when the unit is done and then freed.
 */
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Findings                                                                  */

void cli_fd_free(cli_fd *f)
{
    free(f->rule);
    free(f->zone);
    free(f->owner);
    free(f->message);
    free(f->fix);
    free(f->file);
    for (size_t i = 0; i < f->nev; i++) {
        free(f->ev[i].file);
        free(f->ev[i].text);
    }
    free(f->ev);
    memset(f, 0, sizeof *f);
}

/* The label of canonical name s that ends just before end (exclusive):
 * returns its start. A dot escaped with a backslash is inside a label. */
static const char *label_before(const char *s, const char *end)
{
    const char *p = end;
    while (p > s) {
        const char *q = p - 1;
        if (*q == '.') {
            /* count the backslashes before this dot */
            size_t bs = 0;
            for (const char *r = q; r > s && r[-1] == '\\'; r--)
                bs++;
            if (bs % 2 == 0)
                break;
        }
        p = q;
    }
    return p;
}

/* RFC 4034 §6.1 canonical order: compare the labels from the right. Names
 * are already lower-case; labels compare as their (escaped) text. */
static int dns_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : (b ? -1 : 0);
    const char *ea = a + strlen(a), *eb = b + strlen(b);
    if (ea > a && ea[-1] == '.')
        ea--;
    if (eb > b && eb[-1] == '.')
        eb--;
    for (;;) {
        int ra = ea > a, rb = eb > b;   /* labels remain */
        if (!ra || !rb)
            return ra - rb;
        const char *la = label_before(a, ea), *lb = label_before(b, eb);
        size_t na = (size_t)(ea - la), nb = (size_t)(eb - lb);
        int c = memcmp(la, lb, na < nb ? na : nb);
        if (c)
            return c;
        if (na != nb)
            return na < nb ? -1 : 1;
        ea = la > a ? la - 1 : a;       /* step over the separating dot */
        eb = lb > b ? lb - 1 : b;
    }
}

static int cmp_fd_by(const cli_fd *a, const cli_fd *b, int by_sev)
{
    int la = a->kind == CLI_FD_LOAD_ERROR, lb = b->kind == CLI_FD_LOAD_ERROR;
    if (la != lb)
        return la ? -1 : 1;
    if (!la) {
        if (by_sev && a->sev != b->sev)
            return a->sev < b->sev ? -1 : 1;
        int c = dns_cmp(a->owner, b->owner);
        if (c)
            return c;
        c = strcmp(a->rule, b->rule);
        if (c)
            return c;
        if (a->line != b->line)
            return a->line < b->line ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_fd(const void *pa, const void *pb) { return cmp_fd_by(pa, pb, 0); }
static int cmp_fd_sev(const void *pa, const void *pb) { return cmp_fd_by(pa, pb, 1); }

void cli_fd_sort(cli_fd *v, size_t n, int by_severity)
{
    /* Any thread: the order is the comparator's choice, not shared state. */
    if (n > 1)
        qsort(v, n, sizeof *v, by_severity ? cmp_fd_sev : cmp_fd);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */

#define C_RESET "\033[0m"
#define C_BOLD  "\033[1m"
#define C_DIM   "\033[2m"

static const char *sev_color(mxh_severity s)
{
    switch (s) {
    case MXH_SEV_ERROR: return "\033[1;31m";
    case MXH_SEV_WARNING: return "\033[1;33m";
    default: return "\033[1;36m";
    }
}

static void text_color(const cli_out *o, const char *c)
{
    if (o->color)
        fputs(c, o->f);
}

static void text_loc(FILE *f, const char *file, unsigned long line)
{
    cli_text_safe(f, file && *file ? file : "?");
    if (line)
        fprintf(f, ":%lu", line);
}

static void text_unit(cli_out *o, const char *file, const char *origin, const cli_fd *v,
                      size_t n)
{
    FILE *f = o->f;
    if (n == 0 && !o->verbose)
        return;
    /* Header: the zone and its file, or only the file when no zone was made. */
    text_color(o, C_BOLD);
    cli_text_safe(f, origin ? origin : file ? file : "?");
    text_color(o, C_RESET);
    if (origin) {
        fputs("  ", f);
        text_color(o, C_DIM);
        cli_text_safe(f, file ? file : "?");
        text_color(o, C_RESET);
    }
    fputc('\n', f);
    if (n == 0)
        fputs("  no findings\n", f);
    for (size_t i = 0; i < n; i++) {
        const cli_fd *d = &v[i];
        fputs("  ", f);
        text_color(o, sev_color(d->sev));
        fprintf(f, "%-7s", mxh_severity_name(d->sev));
        text_color(o, C_RESET);
        fputc(' ', f);
        if (d->kind == CLI_FD_LOAD_ERROR) {
            fputs("load-error  ", f);
            text_loc(f, d->file, d->line);
            fputs(": ", f);
            cli_text_safe(f, d->message);
            fputc('\n', f);
            continue;
        }
        if (d->kind == CLI_FD_RULE_ERROR) {
            fputs("rule-error  ", f);
            if (!strstr(d->message, d->rule)) {
                cli_text_safe(f, d->rule);
                fputs(": ", f);
            }
            cli_text_safe(f, d->message);
            fputc('\n', f);
            continue;
        }
        cli_text_safe(f, d->rule);
        fputs("  ", f);
        text_color(o, C_BOLD);
        cli_text_safe(f, d->owner);
        text_color(o, C_RESET);
        fputs("  ", f);
        text_color(o, C_DIM);
        text_loc(f, d->file, d->line);
        text_color(o, C_RESET);
        fputs("\n          ", f);
        cli_text_safe(f, d->message);
        fputc('\n', f);
        for (size_t k = 0; k < d->nev; k++) {
            fputs("          | ", f);
            if (d->ev[k].file && *d->ev[k].file) {
                text_color(o, C_DIM);
                text_loc(f, d->ev[k].file, d->ev[k].line);
                text_color(o, C_RESET);
                fputs("  ", f);
            }
            cli_text_safe(f, d->ev[k].text);
            fputc('\n', f);
        }
        if (d->fix && *d->fix) {
            fputs("          fix: ", f);
            cli_text_safe(f, d->fix);
            fputc('\n', f);
        }
    }
}

static void plural(FILE *f, size_t n, const char *one, const char *many)
{
    fprintf(f, "%zu %s", n, n == 1 ? one : many);
}

static void text_summary(cli_out *o, const cli_summary *s)
{
    FILE *f = o->f;
    plural(f, s->zones, "zone", "zones");
    fputs(", ", f);
    plural(f, s->records, "record", "records");
    fputs(": ", f);
    plural(f, s->by_sev[MXH_SEV_ERROR], "error", "errors");
    fputs(", ", f);
    plural(f, s->by_sev[MXH_SEV_WARNING], "warning", "warnings");
    fputs(", ", f);
    fprintf(f, "%zu info", s->by_sev[MXH_SEV_INFO]);
    fputs("; ", f);
    plural(f, s->load_errors, "load error", "load errors");
    fputs(", ", f);
    plural(f, s->rule_errors, "rule error", "rule errors");
    fputs(", ", f);
    plural(f, s->skipped, "skipped file", "skipped files");
    fprintf(f, " in %.2f s\n", s->seconds);
}

/* ------------------------------------------------------------------------ */
/* JSON Lines                                                                */

static void json_finding(FILE *f, const cli_fd *d)
{
    static const char *const kinds[] = {NULL, "rule-error", "load-error"};
    fputs("{\"rule\":", f);
    cli_json_str(f, d->kind == CLI_FD_FINDING ? d->rule : kinds[d->kind]);
    if (d->kind == CLI_FD_RULE_ERROR) {
        fputs(",\"failed_rule\":", f);
        cli_json_str(f, d->rule);
    }
    fputs(",\"severity\":", f);
    cli_json_str(f, mxh_severity_name(d->sev));
    fputs(",\"zone\":", f);
    cli_json_str(f, d->zone);
    fputs(",\"owner\":", f);
    cli_json_str(f, d->owner);
    fputs(",\"message\":", f);
    cli_json_str(f, d->message);
    fputs(",\"file\":", f);
    cli_json_str(f, d->file);
    fprintf(f, ",\"line\":%lu,\"evidence\":[", d->line);
    for (size_t k = 0; k < d->nev; k++) {
        fputs(k ? ",{\"file\":" : "{\"file\":", f);
        cli_json_str(f, d->ev[k].file);
        fprintf(f, ",\"line\":%lu,\"text\":", d->ev[k].line);
        cli_json_str(f, d->ev[k].text);
        fputc('}', f);
    }
    fputs("],\"fix\":", f);
    cli_json_str(f, d->fix ? d->fix : "");
    fputs("}\n", f);
}

/* ------------------------------------------------------------------------ */
/* SARIF 2.1.0                                                               */

static const char *sarif_level(mxh_severity s)
{
    switch (s) {
    case MXH_SEV_ERROR: return "error";
    case MXH_SEV_WARNING: return "warning";
    default: return "note";
    }
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static long rule_index(const cli_out *o, const char *id)
{
    char *const *hit = bsearch(&id, o->rule_ids, o->nrule_ids, sizeof *o->rule_ids, cmp_cstr);
    return hit ? (long)(hit - o->rule_ids) : -1;
}

static void sarif_rule(FILE *f, const char *id, const char *title, const char *desc,
                       const char *help, mxh_severity sev, int enabled, const mxh_rule *r)
{
    fputs("{\"id\":", f);
    cli_json_str(f, id);
    fputs(",\"name\":", f);
    cli_json_str(f, id);
    fputs(",\"shortDescription\":{\"text\":", f);
    cli_json_str(f, title);
    fputs("},\"fullDescription\":{\"text\":", f);
    cli_json_str(f, desc && *desc ? desc : title);
    fputc('}', f);
    if (help && *help) {
        fputs(",\"help\":{\"text\":", f);
        cli_json_str(f, help);
        fputc('}', f);
    }
    fprintf(f, ",\"defaultConfiguration\":{\"level\":\"%s\",\"enabled\":%s}",
            sarif_level(sev), enabled ? "true" : "false");
    fputs(",\"properties\":{", f);
    if (r) {
        fputs("\"references\":[", f);
        for (size_t i = 0; i < mxh_rule_reference_count(r); i++) {
            if (i)
                fputc(',', f);
            cli_json_str(f, mxh_rule_reference(r, i));
        }
        fputs("],\"source\":", f);
        cli_json_str(f, mxh_rule_file(r));
        fprintf(f, ",\"builtin\":%s,", mxh_rule_builtin(r) ? "true" : "false");
    }
    fputs("\"tags\":[\"dns\",\"mail\"]}}", f);
}

static void sarif_begin(cli_out *o)
{
    FILE *f = o->f;
    size_t n = o->engine ? mxh_engine_rule_count(o->engine) : 0;
    o->rule_ids = cli_xmalloc((n + 2) * sizeof *o->rule_ids);
    o->nrule_ids = 0;
    for (size_t i = 0; i < n; i++)
        o->rule_ids[o->nrule_ids++] = cli_xstrdup(mxh_rule_id(mxh_engine_rule(o->engine, i)));
    qsort(o->rule_ids, o->nrule_ids, sizeof *o->rule_ids, cmp_cstr);

    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
          "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"mxhazard\","
          "\"version\":", f);
    cli_json_str(f, mxh_version());
    fputs(",\"semanticVersion\":", f);
    cli_json_str(f, mxh_version());
    if (MXH_INFO_URI[0]) {
        fputs(",\"informationUri\":", f);
        cli_json_str(f, MXH_INFO_URI);
    }
    fputs(",\"rules\":[\n", f);
    for (size_t i = 0; i < o->nrule_ids; i++) {
        const mxh_rule *r = mxh_engine_find_rule(o->engine, o->rule_ids[i]);
        sarif_rule(f, o->rule_ids[i], mxh_rule_title(r), mxh_rule_description(r),
                   mxh_rule_fix(r), mxh_rule_severity(r), mxh_rule_enabled(r), r);
        fputs(",\n", f);
    }
    /* The two pseudo-rules come last, after every real rule. */
    sarif_rule(f, "load-error", "Input could not be loaded",
               "A zone file, inventory or directory could not be read or parsed completely; "
               "lines that were rejected are not checked, so findings may be missing.",
               "Fix the file at the line given, or leave it out of the scan.",
               MXH_SEV_ERROR, 1, NULL);
    fputs(",\n", f);
    sarif_rule(f, "rule-error", "A rule failed while checking a zone",
               "A rule stopped with an error, or ran out of its instruction or memory budget, "
               "on this zone; what it checks was not checked here.",
               "Report the failing rule with the zone that makes it fail.",
               MXH_SEV_ERROR, 1, NULL);
    fputs("]}},\n\"columnKind\":\"unicodeCodePoints\",\n\"results\":[\n", f);
}

static void sarif_phys(FILE *f, const char *file, unsigned long line)
{
    fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", f);
    cli_json_uri(f, file);
    fputc('}', f);
    if (line)
        fprintf(f, ",\"region\":{\"startLine\":%lu}", line);
    fputc('}', f);
}

/* FNV-1a, 64 bits, over a string and its terminating NUL. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    do {
        h ^= *p;
        h *= 0x100000001b3ULL;
    } while (*p++);
    return h;
}

static void sarif_result(cli_out *o, const cli_fd *d)
{
    FILE *f = o->f;
    const char *id = d->kind == CLI_FD_LOAD_ERROR ? "load-error"
                     : d->kind == CLI_FD_RULE_ERROR ? "rule-error" : d->rule;
    long idx = d->kind == CLI_FD_LOAD_ERROR ? (long)o->nrule_ids
               : d->kind == CLI_FD_RULE_ERROR ? (long)o->nrule_ids + 1 : rule_index(o, id);
    if (o->nresults++)
        fputs(",\n", f);
    fputs("{\"ruleId\":", f);
    cli_json_str(f, id);
    if (idx >= 0)
        fprintf(f, ",\"ruleIndex\":%ld", idx);
    fprintf(f, ",\"level\":\"%s\",\"message\":{\"text\":", sarif_level(d->sev));
    if (d->kind == CLI_FD_RULE_ERROR && !strstr(d->message, d->rule)) {
        size_t n = strlen(d->rule) + strlen(d->message) + 16;
        char *m = cli_xmalloc(n);
        snprintf(m, n, "rule %s failed: %s", d->rule, d->message);
        cli_json_str(f, m);
        free(m);
    } else {
        cli_json_str(f, d->message);
    }
    fputc('}', f);
    if (d->file && *d->file) {
        fputs(",\"locations\":[{", f);
        sarif_phys(f, d->file, d->line);
        if (d->owner) {
            fputs(",\"logicalLocations\":[{\"name\":", f);
            cli_json_str(f, d->owner);
            fputs(",\"kind\":\"resource\"}]", f);
        }
        fputs("}]", f);
    }
    size_t nrel = 0;
    for (size_t k = 0; k < d->nev; k++) {
        if (!d->ev[k].file || !*d->ev[k].file)
            continue;
        fputs(nrel ? ",{" : ",\"relatedLocations\":[{", f);
        fprintf(f, "\"id\":%zu,", nrel);
        sarif_phys(f, d->ev[k].file, d->ev[k].line);
        fputs(",\"message\":{\"text\":", f);
        cli_json_str(f, d->ev[k].text);
        fputs("}}", f);
        nrel++;
    }
    if (nrel)
        fputc(']', f);
    /* The same hazard keeps its identity when lines move: rule, zone, owner
     * (and the message for load and rule errors, which have no owner). */
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, id);
    h = fnv1a(h, d->kind == CLI_FD_FINDING ? d->zone : d->file);
    h = fnv1a(h, d->kind == CLI_FD_FINDING ? d->owner : d->message);
    if (d->kind == CLI_FD_RULE_ERROR)
        h = fnv1a(h, d->rule);
    fprintf(f, ",\"partialFingerprints\":{\"mxhazard/v1\":\"%016llx\"}", (unsigned long long)h);
    fputs(",\"properties\":{\"zone\":", f);
    cli_json_str(f, d->zone);
    fputs(",\"owner\":", f);
    cli_json_str(f, d->owner);
    if (d->kind == CLI_FD_RULE_ERROR) {
        fputs(",\"failed_rule\":", f);
        cli_json_str(f, d->rule);
    }
    fputs(",\"evidence\":[", f);
    for (size_t k = 0; k < d->nev; k++) {
        if (k)
            fputc(',', f);
        cli_json_str(f, d->ev[k].text);
    }
    fputs("],\"fix\":", f);
    cli_json_str(f, d->fix ? d->fix : "");
    fputs("}}", f);
}

static void sarif_end(cli_out *o, const cli_summary *s)
{
    FILE *f = o->f;
    fprintf(f, "\n],\n\"invocations\":[{\"executionSuccessful\":%s,\"properties\":{"
               "\"zones\":%zu,\"records\":%zu,\"loadErrors\":%zu,\"ruleErrors\":%zu,"
               "\"skippedFiles\":%zu}}]}]}\n",
            s->load_errors ? "false" : "true", s->zones, s->records, s->load_errors,
            s->rule_errors, s->skipped);
    for (size_t i = 0; i < o->nrule_ids; i++)
        free(o->rule_ids[i]);
    free(o->rule_ids);
    o->rule_ids = NULL;
    o->nrule_ids = 0;
}

/* ------------------------------------------------------------------------ */

void cli_out_begin(cli_out *o)
{
    o->nresults = 0;
    if (o->format == CLI_FMT_SARIF)
        sarif_begin(o);
}

void cli_out_unit(cli_out *o, const char *file, const char *origin, const cli_fd *v, size_t n)
{
    switch (o->format) {
    case CLI_FMT_JSON:
        for (size_t i = 0; i < n; i++)
            json_finding(o->f, &v[i]);
        break;
    case CLI_FMT_SARIF:
        for (size_t i = 0; i < n; i++)
            sarif_result(o, &v[i]);
        break;
    default:
        text_unit(o, file, origin, v, n);
    }
}

void cli_out_end(cli_out *o, const cli_summary *s)
{
    switch (o->format) {
    case CLI_FMT_SARIF:
        sarif_end(o, s);
        break;
    case CLI_FMT_TEXT:
        if (!o->quiet)
            text_summary(o, s);
        break;
    default:
        break;
    }
    fflush(o->f);
}

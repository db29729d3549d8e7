/* SPDX-License-Identifier: MIT */
/*
 * route.c — `mxhazard route DOMAIN PATH...`: the mail route of a domain as a
 * tree (text), one JSON object, or a Graphviz digraph. The route itself is
 * computed by the library (RFC 5321 §5.1 MX selection and implicit MX,
 * RFC 7505 null MX, RFC 1034 §4.3.2 lookups with RFC 4592 wildcards); this
 * file only renders its steps and the records behind them.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s)
{
    return s ? s : "";
}

static const char *rr_type_text(const mxh_rr *rr, char buf[16])
{
    return rr ? mxh_type_name(mxh_rr_type(rr), buf) : "A";
}

static void relative_note(FILE *f, const mxh_rr *rr);

/* One step in words, without its location. */
static void step_text(FILE *f, const mxh_step *s)
{
    const char *name = nz(mxh_step_name(s));
    const char *target = mxh_step_target(s);
    const mxh_rr *rr = mxh_step_record(s);
    char tb[16];
    switch (mxh_step_kind_of(s)) {
    case MXH_STEP_MX:
        fprintf(f, "MX %u ", rr ? mxh_rr_preference(rr) : 0);
        cli_text_safe(f, nz(target));
        relative_note(f, rr);
        break;
    case MXH_STEP_CNAME:
        cli_text_safe(f, name);
        fputs(" CNAME ", f);
        cli_text_safe(f, nz(target));
        break;
    case MXH_STEP_WILDCARD:
        cli_text_safe(f, name);
        fputs(" exists only through the wildcard ", f);
        cli_text_safe(f, nz(target));
        fputs(" (RFC 4592)", f);
        break;
    case MXH_STEP_ADDRESS:
        cli_text_safe(f, name);
        fprintf(f, " %s ", rr_type_text(rr, tb));
        cli_text_safe(f, nz(target));
        break;
    case MXH_STEP_NXDOMAIN:
        cli_text_safe(f, name);
        fputs(": NXDOMAIN (no such name in the loaded zone)", f);
        break;
    case MXH_STEP_NODATA:
        cli_text_safe(f, name);
        fputs(": exists, but has no address (NODATA)", f);
        break;
    case MXH_STEP_DELEGATED:
        cli_text_safe(f, name);
        fputs(": delegated to a zone that is not loaded (not checked)", f);
        break;
    case MXH_STEP_EXTERNAL:
        cli_text_safe(f, name);
        fputs(": outside the loaded zones (not checked)", f);
        break;
    case MXH_STEP_LOOP:
        cli_text_safe(f, name);
        fputs(": CNAME loop or chain too long", f);
        break;
    case MXH_STEP_NULL_MX:
        fputs("null MX: ", f);
        cli_text_safe(f, name);
        fputs(" accepts no mail (RFC 7505)", f);
        break;
    case MXH_STEP_IMPLICIT:
        fputs("no MX: mail goes to ", f);
        cli_text_safe(f, name);
        fputs(" itself (implicit MX, RFC 5321 §5.1)", f);
        break;
    default:
        cli_text_safe(f, mxh_step_kind_name(mxh_step_kind_of(s)));
        fputc(' ', f);
        cli_text_safe(f, name);
    }
}

/* A target written without its final dot that has a dot inside
 * ("s1.xrea.com") probably meant an absolute name: say how it was read.
 * A single relative label ("mail") is ordinary and left alone. */
static void relative_note(FILE *f, const mxh_rr *rr)
{
    if (!rr || !mxh_rr_target_relative(rr))
        return;
    const char *text = mxh_rr_rdata_text(rr);
    if (!text)
        return;
    const char *last = strrchr(text, ' ');
    last = last ? last + 1 : text;
    if (!strchr(last, '.'))
        return;
    fputs("  (written `", f);
    cli_text_safe(f, last);
    fputs("` without a final dot: the origin was appended)", f);
}

static void rr_loc(FILE *f, const mxh_rr *rr)
{
    if (!rr || !mxh_rr_file(rr))
        return;
    fputs("  [", f);
    cli_text_safe(f, mxh_rr_file(rr));
    if (mxh_rr_line(rr))
        fprintf(f, ":%lu", mxh_rr_line(rr));
    fputc(']', f);
}

static void text_route(FILE *f, const mxh_route *r)
{
    size_t nx = mxh_route_exchange_count(r);
    cli_text_safe(f, mxh_route_domain(r));
    fprintf(f, "  (route: %s, %zu exchange%s)\n", mxh_route_kind_name(mxh_route_kind_of(r)), nx,
            nx == 1 ? "" : "s");
    /* Steps about the domain itself, except the MX steps, which head the
     * exchanges below. */
    size_t nsteps = mxh_route_step_count(r);
    for (size_t i = 0; i < nsteps; i++) {
        const mxh_step *s = mxh_route_step(r, i);
        if (mxh_step_exchange(s) >= 0 || mxh_step_kind_of(s) == MXH_STEP_MX)
            continue;
        if (nx && mxh_step_kind_of(s) == MXH_STEP_IMPLICIT)
            continue;   /* shown as the exchange's head */
        fputs(nx ? "|-- " : "`-- ", f);
        step_text(f, s);
        rr_loc(f, mxh_step_record(s));
        fputc('\n', f);
    }
    for (size_t i = 0; i < nx; i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        int last = i + 1 == nx;
        fputs(last ? "`-- " : "|-- ", f);
        const mxh_rr *mx = mxh_exchange_record(x);
        if (mx) {
            fprintf(f, "MX %u ", mxh_exchange_preference(x));
            cli_text_safe(f, mxh_exchange_name(x));
            relative_note(f, mx);
        } else {
            fputs("implicit MX ", f);
            cli_text_safe(f, mxh_exchange_name(x));
            fputs(" (no MX record, RFC 5321 §5.1)", f);
        }
        fprintf(f, "  => %s", mxh_exchange_status_name(mxh_exchange_status_of(x)));
        rr_loc(f, mx);
        fputc('\n', f);
        const char *pad = last ? "    " : "|   ";
        size_t ns = mxh_exchange_step_count(x), shown = 0;
        for (size_t k = 0; k < ns; k++)
            if (mxh_step_kind_of(mxh_exchange_step(x, k)) != MXH_STEP_MX)
                shown++;
        for (size_t k = 0; k < ns; k++) {
            const mxh_step *s = mxh_exchange_step(x, k);
            if (mxh_step_kind_of(s) == MXH_STEP_MX)
                continue;
            fputs(pad, f);
            fputs(--shown == 0 ? "`-- " : "|-- ", f);
            step_text(f, s);
            rr_loc(f, mxh_step_record(s));
            fputc('\n', f);
        }
    }
}

/* ------------------------------------------------------------------------ */

static void json_rr(FILE *f, const mxh_rr *rr)
{
    if (!rr) {
        fputs("null", f);
        return;
    }
    char buf[1024];
    size_t n = mxh_rr_format(rr, buf, sizeof buf);
    char *text = buf;
    if (n >= sizeof buf) {
        text = cli_xmalloc(n + 1);
        mxh_rr_format(rr, text, n + 1);
    }
    fputs("{\"text\":", f);
    cli_json_str(f, text);
    fputs(",\"file\":", f);
    cli_json_str(f, mxh_rr_file(rr));
    fprintf(f, ",\"line\":%lu}", mxh_rr_line(rr));
    if (text != buf)
        free(text);
}

static void json_step(FILE *f, const mxh_step *s)
{
    fputs("{\"kind\":", f);
    cli_json_str(f, mxh_step_kind_name(mxh_step_kind_of(s)));
    fputs(",\"name\":", f);
    cli_json_str(f, mxh_step_name(s));
    fputs(",\"target\":", f);
    cli_json_str(f, mxh_step_target(s));
    fprintf(f, ",\"exchange\":%d,\"record\":", mxh_step_exchange(s));
    json_rr(f, mxh_step_record(s));
    fputc('}', f);
}

static void json_route(FILE *f, const mxh_route *r)
{
    fputs("{\"domain\":", f);
    cli_json_str(f, mxh_route_domain(r));
    fputs(",\"kind\":", f);
    cli_json_str(f, mxh_route_kind_name(mxh_route_kind_of(r)));
    fputs(",\"steps\":[", f);
    for (size_t i = 0; i < mxh_route_step_count(r); i++) {
        if (i)
            fputc(',', f);
        json_step(f, mxh_route_step(r, i));
    }
    fputs("],\"exchanges\":[", f);
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        if (i)
            fputc(',', f);
        fputs("{\"name\":", f);
        cli_json_str(f, mxh_exchange_name(x));
        fprintf(f, ",\"preference\":%u,\"status\":", mxh_exchange_preference(x));
        cli_json_str(f, mxh_exchange_status_name(mxh_exchange_status_of(x)));
        fprintf(f, ",\"via_cname\":%s,\"via_wildcard\":%s,\"record\":",
                mxh_exchange_via_cname(x) ? "true" : "false",
                mxh_exchange_via_wildcard(x) ? "true" : "false");
        json_rr(f, mxh_exchange_record(x));
        fputs(",\"addresses\":[", f);
        for (size_t k = 0; k < mxh_exchange_address_count(x); k++) {
            if (k)
                fputc(',', f);
            fputs("{\"address\":", f);
            cli_json_str(f, mxh_exchange_address(x, k));
            fputs(",\"record\":", f);
            json_rr(f, mxh_exchange_address_record(x, k));
            fputc('}', f);
        }
        fputs("],\"steps\":[", f);
        for (size_t k = 0; k < mxh_exchange_step_count(x); k++) {
            if (k)
                fputc(',', f);
            json_step(f, mxh_exchange_step(x, k));
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
}

/* ------------------------------------------------------------------------ */
/* Graphviz                                                                  */

static void dot_node(FILE *f, const char *prefix, const char *id)
{
    size_t n = strlen(prefix) + strlen(nz(id)) + 1;
    char *s = cli_xmalloc(n);
    snprintf(s, n, "%s%s", prefix, nz(id));
    cli_dot_str(f, s);
    free(s);
}

static void dot_edge(FILE *f, const char *pa, const char *a, const char *pb, const char *b,
                     const char *label, const char *style)
{
    fputs("  ", f);
    dot_node(f, pa, a);
    fputs(" -> ", f);
    dot_node(f, pb, b);
    fputs(" [label=", f);
    cli_dot_str(f, label);
    if (style)
        fprintf(f, ", %s", style);
    fputs("];\n", f);
}

static void dot_decl(FILE *f, const char *prefix, const char *id, const char *label,
                     const char *attrs)
{
    fputs("  ", f);
    dot_node(f, prefix, id);
    fputs(" [label=", f);
    cli_dot_str(f, label);
    if (attrs)
        fprintf(f, ", %s", attrs);
    fputs("];\n", f);
}

/* Terminal states get a node of their own per exchange. */
static void dot_step(FILE *f, const mxh_step *s, int xi)
{
    const char *name = mxh_step_name(s), *target = mxh_step_target(s);
    char tb[16], id[64];
    switch (mxh_step_kind_of(s)) {
    case MXH_STEP_CNAME:
        dot_edge(f, "n:", name, "n:", target, "CNAME", NULL);
        break;
    case MXH_STEP_WILDCARD:
        dot_decl(f, "n:", target, target, "shape=box, style=dashed");
        dot_edge(f, "n:", name, "n:", target, "via wildcard", "style=dashed, color=orange");
        break;
    case MXH_STEP_ADDRESS:
        dot_decl(f, "a:", target, target, "shape=ellipse, color=darkgreen");
        dot_edge(f, "n:", name, "a:", target, rr_type_text(mxh_step_record(s), tb), NULL);
        break;
    case MXH_STEP_NXDOMAIN:
    case MXH_STEP_NODATA:
    case MXH_STEP_LOOP:
    case MXH_STEP_EXTERNAL:
    case MXH_STEP_DELEGATED:
    case MXH_STEP_NULL_MX: {
        mxh_step_kind k = mxh_step_kind_of(s);
        const char *kn = mxh_step_kind_name(k);
        snprintf(id, sizeof id, "%d:%s:", xi, kn);
        int bad = k == MXH_STEP_NXDOMAIN || k == MXH_STEP_NODATA || k == MXH_STEP_LOOP ||
                  k == MXH_STEP_NULL_MX;
        dot_decl(f, id, name, k == MXH_STEP_NULL_MX ? "null MX (RFC 7505)" : kn,
                 bad ? "shape=octagon, color=red" : "shape=note, color=gray");
        dot_edge(f, "n:", name, id, name, "", NULL);
        break;
    }
    default:
        break;
    }
}

static void dot_route(FILE *f, const mxh_route *r)
{
    const char *dom = mxh_route_domain(r);
    fputs("digraph mailroute {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
          "  edge [fontname=\"Helvetica\", fontsize=10];\n", f);
    size_t n = strlen(dom) + 40;
    char *label = cli_xmalloc(n);
    snprintf(label, n, "%s\n(%s)", dom, mxh_route_kind_name(mxh_route_kind_of(r)));
    dot_decl(f, "n:", dom, label, "shape=doubleoctagon");
    free(label);
    for (size_t i = 0; i < mxh_route_step_count(r); i++) {
        const mxh_step *s = mxh_route_step(r, i);
        if (mxh_step_exchange(s) < 0 && mxh_step_kind_of(s) != MXH_STEP_MX &&
            mxh_step_kind_of(s) != MXH_STEP_IMPLICIT)
            dot_step(f, s, -1);
    }
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        char el[32];
        if (mxh_exchange_record(x))
            snprintf(el, sizeof el, "MX %u", mxh_exchange_preference(x));
        else
            snprintf(el, sizeof el, "implicit MX");
        dot_edge(f, "n:", dom, "n:", mxh_exchange_name(x), el, "penwidth=2");
        for (size_t k = 0; k < mxh_exchange_step_count(x); k++) {
            const mxh_step *s = mxh_exchange_step(x, k);
            if (mxh_step_kind_of(s) != MXH_STEP_MX && mxh_step_kind_of(s) != MXH_STEP_IMPLICIT)
                dot_step(f, s, (int)i);
        }
    }
    fputs("}\n", f);
}

/* ------------------------------------------------------------------------ */

typedef struct owner_ix {
    const char *name;
    size_t ix;
} owner_ix;

static int cmp_owner(const void *pa, const void *pb)
{
    const owner_ix *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->ix < b->ix ? -1 : a->ix > b->ix);
}

static int cmp_ix(const void *pa, const void *pb)
{
    const owner_ix *a = pa, *b = pb;
    return a->ix < b->ix ? -1 : a->ix > b->ix;
}

/* The mail domains of every loaded zone: its apex, then each other owner of
 * an MX RRset in file order (each once). */
static void mail_domains(const mxh_zoneset *zs, cli_strv *out)
{
    for (size_t zi = 0; zi < mxh_zoneset_zone_count(zs); zi++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, zi);
        const char *apex = mxh_zone_origin(z);
        cli_strv_push(out, apex);
        size_t nr = mxh_zone_record_count(z), n = 0;
        owner_ix *v = cli_xmalloc((nr ? nr : 1) * sizeof *v);
        for (size_t i = 0; i < nr; i++) {
            const mxh_rr *rr = mxh_zone_record(z, i);
            if (mxh_rr_type(rr) == MXH_TYPE_MX && strcmp(mxh_rr_owner(rr), apex) != 0)
                v[n++] = (owner_ix){mxh_rr_owner(rr), i};
        }
        if (n > 1)
            qsort(v, n, sizeof *v, cmp_owner);
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (m == 0 || strcmp(v[m - 1].name, v[i].name) != 0)
                v[m++] = v[i];
        if (m > 1)
            qsort(v, m, sizeof *v, cmp_ix);
        for (size_t i = 0; i < m; i++)
            cli_strv_push(out, v[i].name);
        free(v);
    }
}

static void print_load_problems(const cli_loaded *ld, int verbose)
{
    /* Load problems go to stderr: stdout carries only routes. */
    for (size_t i = 0; i < ld->nunits; i++) {
        const cli_unit *u = &ld->units[i];
        for (size_t k = u->diag_lo; k < u->diag_hi; k++) {
            const mxh_diag *dg = mxh_zoneset_diag(ld->zs, k);
            if (verbose || mxh_diag_level_of(dg) == MXH_DIAG_ERROR)
                cli_say_diag(dg);
        }
        if (u->extra_error)
            cli_say("load error", u->file, 0, u->extra_error);
    }
}

int cli_cmd_route(int argc, char **argv)
{
    cli_scan_opts o;
    int rc = cli_parse_opts(&o, "route", argc, argv);
    if (rc) {
        cli_opts_free(&o);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (o.format == CLI_FMT_SARIF) {
        cli_opts_free(&o);
        return cli_usage_error("route", "route writes text, json or dot");
    }
    size_t first_path = o.all ? 0 : 1;
    if (o.paths.n < first_path + 1) {
        rc = cli_usage_error("route", o.paths.n || o.all
                                          ? "no PATH given (zone files, directories or '-')"
                                          : "no DOMAIN given");
        cli_opts_free(&o);
        return rc;
    }
    cli_strv paths = {0};
    for (size_t i = first_path; i < o.paths.n; i++)
        cli_strv_push(&paths, o.paths.v[i]);

    cli_inputs in;
    memset(&in, 0, sizeof in);
    cli_inputs_expand(&in, &paths, o.inventory, o.verbose);
    cli_strv_free(&paths);
    cli_loaded ld;
    rc = cli_load(&ld, &o, &in, 0);
    if (rc) {
        cli_inputs_free(&in);
        cli_opts_free(&o);
        return rc;
    }
    print_load_problems(&ld, o.verbose);

    cli_strv domains = {0};
    if (o.all)
        mail_domains(ld.zs, &domains);
    else
        cli_strv_push(&domains, o.paths.v[0]);

    rc = ld.failed || in.unreadable ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    for (size_t i = 0; i < domains.n; i++) {
        const char *domain = domains.v[i];
        mxh_route *r = NULL;
        mxh_status st = mxh_mail_route(ld.zs, domain, &r);
        if (st != MXH_OK) {
            if (st == MXH_ERR_ARG)
                cli_usage_error("route", "'%s' is not a domain name", domain);
            else
                fprintf(stderr, "mxhazard: route %s: %s\n", domain, mxh_strerror(st));
            rc = CLI_EXIT_USAGE;
            continue;
        }
        if (o.format == CLI_FMT_JSON) {
            json_route(stdout, r);
        } else if (o.format == CLI_FMT_DOT) {
            dot_route(stdout, r);
        } else {
            if (i)
                fputc('\n', stdout);
            text_route(stdout, r);
        }
        mxh_route_free(r);
    }
    cli_strv_free(&domains);
    cli_loaded_free(&ld);
    cli_inputs_free(&in);
    cli_opts_free(&o);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("mxhazard: error writing the output\n", stderr);
        return CLI_EXIT_USAGE;
    }
    return rc;
}

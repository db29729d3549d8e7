/* SPDX-License-Identifier: MIT */
/*
 * cmd_whatif.c — `mxhazard plan` (the mail impact of DNS changes before they
 * are made) and `mxhazard diff` (the same between two exports of the same
 * zones). Both compare every mail domain's route before and after, classify
 * it, list the rule findings the change introduces or removes and, for
 * plan, give a safe order of steps (seed 000, method 1).
 *
 * Exit status: 1 when some domain's mail breaks or moves by a change that
 * did not touch MX; 0 otherwise; 2 usage or load errors.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int mxh_cli_plan(int argc, char **argv);
int mxh_cli_diff(int argc, char **argv);

static const char help_plan[] =
    "Usage: mxhazard plan [OPTIONS] PATH... (--change CHANGE | --changes FILE)...\n"
    "Show what DNS changes would do to mail before they are made. The changes are\n"
    "applied to a copy of the given zones; every mail domain (each zone apex, each\n"
    "name with MX, each inventory domain) is routed before and after.\n"
    "\n"
    "A change is a record in master-file syntax behind an operation:\n"
    "  set OWNER [TTL] [CLASS] TYPE RDATA   replace the RRset by this record\n"
    "  add OWNER [TTL] [CLASS] TYPE RDATA   add a record\n"
    "  del OWNER TYPE [RDATA]               delete a record, or the whole RRset\n"
    "  inventory add SERVER ADDRESS[,...] DOMAIN...   (shared-host inventory)\n"
    "  inventory del SERVER [DOMAIN...]\n"
    "Names without a final dot are relative to --origin, or to the only zone.\n"
    "\n"
    "  -c, --change CHANGE     one change (repeatable; applied in order)\n"
    "      --changes FILE      changes, one a line, '#' comments (repeatable)\n"
    "      --origin NAME       origin for relative names (and of a single zone file)\n"
    "  -f, --format FMT        text (default), json (JSON Lines) or dot (Graphviz)\n"
    "  -a, --all               also list domains whose mail does not change\n"
    "      --inventory FILE    shared-host inventory\n"
    "      --input-format FMT  auto (default), bind, valuedomain or table\n"
    "      --include-root DIR  $INCLUDE may read only below DIR\n"
    "      --cdn-ranges FILE   more CDN/WAF ranges, \"provider prefix\" lines (repeatable)\n"
    "      --rules DIR         also load *.lua rules from DIR (repeatable)\n"
    "      --only ID,...       run only these rules\n"
    "      --skip ID,...       do not run these rules\n"
    "      --no-rules          do not compare rule findings\n"
    "  -q, --quiet             no header or summary\n"
    "  -v, --verbose           print load warnings on stderr\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 no mail breaks or moves by a non-MX change, 1 some does, 2 usage\n"
    "error, a change that cannot be applied, or an input not loaded completely.\n";

static const char help_diff[] =
    "Usage: mxhazard diff [OPTIONS] OLD NEW\n"
    "Compare the mail of two exports of the same zones (files or directories):\n"
    "every mail domain is routed in OLD and in NEW and classified as in 'plan'.\n"
    "\n"
    "  -f, --format FMT        text (default), json (JSON Lines) or dot (Graphviz)\n"
    "  -a, --all               also list domains whose mail does not change\n"
    "      --inventory FILE    shared-host inventory for both sides\n"
    "      --old-inventory FILE, --new-inventory FILE   one for each side\n"
    "      --origin NAME       origin (when OLD and NEW are single files)\n"
    "      --input-format FMT  auto (default), bind, valuedomain or table\n"
    "      --include-root DIR  $INCLUDE may read only below DIR\n"
    "      --cdn-ranges FILE   more CDN/WAF ranges (repeatable)\n"
    "      --rules DIR, --only ID,..., --skip ID,..., --no-rules   as for plan\n"
    "  -q, --quiet             no header or summary\n"
    "  -v, --verbose           print load warnings on stderr\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: as for plan.\n";

typedef struct wi_opts {
    const char *cmd;
    int format;
    int all, quiet, verbose, no_rules;
    mxh_format input_format;
    const char *origin, *include_root;
    const char *inventory, *old_inventory, *new_inventory;
    cli_strv changes;       /* --change texts */
    cli_strv change_files;  /* --changes files */
    cli_strv cdn_files;
    cli_strv rules_dirs;
    const char *only, *skip;
    cli_strv paths;
} wi_opts;

static void wi_opts_free(wi_opts *o)
{
    cli_strv_free(&o->changes);
    cli_strv_free(&o->change_files);
    cli_strv_free(&o->cdn_files);
    cli_strv_free(&o->rules_dirs);
    cli_strv_free(&o->paths);
}

enum { W_CHANGE = 1, W_CHANGES, W_ORIGIN, W_FORMAT, W_ALL, W_INV, W_OLDINV, W_NEWINV, W_INFMT,
       W_INCROOT, W_CDN, W_RULES, W_ONLY, W_SKIP, W_NORULES, W_QUIET, W_VERBOSE, W_HELP };

typedef struct wi_optdef {
    const char *name;
    char short_name;
    int id, has_arg, plan_only, diff_only;
} wi_optdef;

static const wi_optdef wi_optdefs[] = {
    { "change", 'c', W_CHANGE, 1, 1, 0 },      { "changes", 0, W_CHANGES, 1, 1, 0 },
    { "origin", 0, W_ORIGIN, 1, 0, 0 },        { "format", 'f', W_FORMAT, 1, 0, 0 },
    { "all", 'a', W_ALL, 0, 0, 0 },            { "inventory", 0, W_INV, 1, 0, 0 },
    { "old-inventory", 0, W_OLDINV, 1, 0, 1 }, { "new-inventory", 0, W_NEWINV, 1, 0, 1 },
    { "input-format", 0, W_INFMT, 1, 0, 0 },   { "include-root", 0, W_INCROOT, 1, 0, 0 },
    { "cdn-ranges", 0, W_CDN, 1, 0, 0 },       { "rules", 0, W_RULES, 1, 0, 0 },
    { "only", 0, W_ONLY, 1, 0, 0 },            { "skip", 0, W_SKIP, 1, 0, 0 },
    { "no-rules", 0, W_NORULES, 0, 0, 0 },     { "quiet", 'q', W_QUIET, 0, 0, 0 },
    { "verbose", 'v', W_VERBOSE, 0, 0, 0 },    { "help", 'h', W_HELP, 0, 0, 0 },
};

/* 0 ok, 1 help shown, 2 usage error (printed). */
static int wi_parse(wi_opts *o, const char *cmd, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    int plan = strcmp(cmd, "plan") == 0, nomore = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nomore || a[0] != '-' || strcmp(a, "-") == 0) {
            cli_strv_push(&o->paths, a);
            continue;
        }
        if (strcmp(a, "--") == 0) {
            nomore = 1;
            continue;
        }
        const wi_optdef *d = NULL;
        const char *arg = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t nl = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < sizeof wi_optdefs / sizeof *wi_optdefs; k++)
                if (strlen(wi_optdefs[k].name) == nl && strncmp(wi_optdefs[k].name, name, nl) == 0)
                    d = &wi_optdefs[k];
            if (d && eq) {
                if (!d->has_arg)
                    return cli_usage_error(cmd, "option '--%s' takes no value", d->name);
                arg = eq + 1;
            }
        } else {
            for (size_t k = 0; k < sizeof wi_optdefs / sizeof *wi_optdefs; k++)
                if (wi_optdefs[k].short_name && wi_optdefs[k].short_name == a[1])
                    d = &wi_optdefs[k];
            if (d && a[2]) {
                if (!d->has_arg)
                    return cli_usage_error(cmd, "unknown option '%s'", a);
                arg = a + 2;
            }
        }
        if (!d || (d->plan_only && !plan) || (d->diff_only && plan))
            return cli_usage_error(cmd, "unknown option '%s'", a);
        if (d->has_arg && !arg) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "option '%s' needs a value", a);
            arg = argv[++i];
        }
        switch (d->id) {
        case W_CHANGE: cli_strv_push(&o->changes, arg); break;
        case W_CHANGES: cli_strv_push(&o->change_files, arg); break;
        case W_ORIGIN: o->origin = arg; break;
        case W_FORMAT:
            if (strcmp(arg, "text") == 0)
                o->format = CLI_FMT_TEXT;
            else if (strcmp(arg, "json") == 0)
                o->format = CLI_FMT_JSON;
            else if (strcmp(arg, "dot") == 0)
                o->format = CLI_FMT_DOT;
            else
                return cli_usage_error(cmd, "unknown --format '%s' (text, json or dot)", arg);
            break;
        case W_ALL: o->all = 1; break;
        case W_INV: o->inventory = arg; break;
        case W_OLDINV: o->old_inventory = arg; break;
        case W_NEWINV: o->new_inventory = arg; break;
        case W_INFMT:
            if (mxh_format_parse(arg, &o->input_format) != MXH_OK)
                return cli_usage_error(cmd, "unknown --input-format '%s' (auto, bind, "
                                            "valuedomain or table)", arg);
            break;
        case W_INCROOT: o->include_root = arg; break;
        case W_CDN: cli_strv_push(&o->cdn_files, arg); break;
        case W_RULES: cli_strv_push(&o->rules_dirs, arg); break;
        case W_ONLY: o->only = arg; break;
        case W_SKIP: o->skip = arg; break;
        case W_NORULES: o->no_rules = 1; break;
        case W_QUIET: o->quiet = 1; break;
        case W_VERBOSE: o->verbose = 1; break;
        case W_HELP: fputs(plan ? help_plan : help_diff, stdout); return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */

/* Print a load's problems on stderr; returns the number of errors. */
static size_t report_load(const cli_loaded *ld, int verbose)
{
    size_t errs = 0;
    for (size_t u = 0; u < ld->nunits; u++) {
        const cli_unit *un = &ld->units[u];
        for (size_t i = un->diag_lo; i < un->diag_hi; i++) {
            const mxh_diag *d = mxh_zoneset_diag(ld->zs, i);
            mxh_diag_level lv = mxh_diag_level_of(d);
            if (lv != MXH_DIAG_ERROR && !verbose)
                continue;
            errs += lv == MXH_DIAG_ERROR;
            cli_say_diag(d);
        }
        if (un->extra_error) {
            errs++;
            cli_say("load error", un->file, 0, un->extra_error);
        }
    }
    return errs;
}

/* Load paths into ld; 0 ok, 1 loaded with errors (printed), 2 usage error. */
static int wi_load(cli_loaded *ld, const wi_opts *o, const cli_strv *paths, const char *inventory,
                   const char *origin)
{
    cli_scan_opts so;
    memset(&so, 0, sizeof so);
    so.cmd = o->cmd;
    so.input_format = o->input_format;
    so.include_root = o->include_root;
    so.inventory = inventory;
    so.verbose = o->verbose;
    cli_inputs in;
    memset(&in, 0, sizeof in);
    cli_inputs_expand(&in, paths, inventory, o->verbose);
    if (in.n == 0) {
        cli_inputs_free(&in);
        memset(ld, 0, sizeof *ld);
        return cli_usage_error(o->cmd, "no zone files found in the given paths");
    }
    so.origin = in.n == 1 ? origin : NULL;
    int rc = cli_load(ld, &so, &in, 0);
    cli_inputs_free(&in);
    if (rc)
        return 2;
    return report_load(ld, o->verbose) || ld->failed ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

typedef struct wi_ctx {
    const wi_opts *o;
    const mxh_changeset *cs;     /* NULL for diff */
    const mxh_whatif *w;
    const mxh_zoneset *zs[2];
    const char *label[2];        /* "before"/"after" or the two paths */
} wi_ctx;

static int shown(const wi_ctx *c, const mxh_whatif_domain *d)
{
    return c->o->all || mxh_whatif_domain_change(d) != MXH_MAIL_UNCHANGED ||
           mxh_whatif_domain_route_changed(d);
}

/* Whether mail goes to the same places by DNS on both sides. */
static int same_targets(const mxh_whatif_domain *d)
{
    size_t n = mxh_whatif_domain_target_count(d, 0);
    if (n != mxh_whatif_domain_target_count(d, 1))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(mxh_whatif_domain_target(d, 0, i), mxh_whatif_domain_target(d, 1, i)) != 0)
            return 0;
    return 1;
}

static const char *change_title(mxh_mail_change ch)
{
    switch (ch) {
    case MXH_MAIL_UNCHANGED: return "unchanged";
    case MXH_MAIL_MOVED: return "MOVES (the MX changed)";
    case MXH_MAIL_MOVED_NON_MX: return "MOVES BY A NON-MX CHANGE";
    case MXH_MAIL_BROKEN: return "BREAKS";
    case MXH_MAIL_RESTORED: return "restored";
    }
    return "?";
}

/* An exchange's destination in a few words. */
static void x_dest(FILE *f, const mxh_exchange *x, const mxh_cdn_ranges *cdn)
{
    if (!x) {
        fputs("-", f);
        return;
    }
    mxh_exchange_status st = mxh_exchange_status_of(x);
    if (st != MXH_EX_ADDRESSES) {
        fprintf(f, "(%s)", mxh_exchange_status_name(st));
        return;
    }
    for (size_t i = 0; i < mxh_exchange_address_count(x); i++) {
        const char *a = mxh_exchange_address(x, i);
        fputs(i ? ", " : "", f);
        cli_text_safe(f, a);
        const char *p = cdn ? mxh_cdn_provider(cdn, a) : NULL;
        if (p) {
            fputs(" [", f);
            cli_text_safe(f, p);
            fputc(']', f);
        }
    }
    if (mxh_exchange_via_cname(x))
        fputs(" via CNAME", f);
    if (mxh_exchange_via_wildcard(x))
        fputs(" via wildcard", f);
}

static const mxh_exchange *x_find(const mxh_route *r, const char *name)
{
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++)
        if (strcmp(mxh_exchange_name(mxh_route_exchange(r, i)), name) == 0)
            return mxh_route_exchange(r, i);
    return NULL;
}

static void text_route_row(FILE *f, const mxh_exchange *xb, const mxh_exchange *xa,
                           const mxh_cdn_ranges *cdn)
{
    const mxh_exchange *x = xb ? xb : xa;
    fprintf(f, "    %-5u ", mxh_exchange_preference(x));
    cli_text_safe(f, mxh_exchange_name(x));
    fputs("\n          before: ", f);
    x_dest(f, xb, cdn);
    fputs("\n          after:  ", f);
    x_dest(f, xa, cdn);
    fputc('\n', f);
}

static void text_domain(const wi_ctx *c, const mxh_whatif_domain *d, const mxh_cdn_ranges *cdn)
{
    FILE *f = stdout;
    mxh_mail_change ch = mxh_whatif_domain_change(d);
    fputc('\n', f);
    cli_text_safe(f, mxh_whatif_domain_name(d));
    fprintf(f, "  %s\n", ch == MXH_MAIL_MOVED && same_targets(d) ? "LOCAL DELIVERY CHANGES"
                                                                 : change_title(ch));
    const mxh_route *rb = mxh_whatif_domain_route(d, 0), *ra = mxh_whatif_domain_route(d, 1);
    fprintf(f, "    route: %s -> %s\n", mxh_route_kind_name(mxh_route_kind_of(rb)),
            mxh_route_kind_name(mxh_route_kind_of(ra)));
    for (size_t i = 0; i < mxh_route_exchange_count(rb); i++) {
        const mxh_exchange *xb = mxh_route_exchange(rb, i);
        text_route_row(f, xb, x_find(ra, mxh_exchange_name(xb)), cdn);
    }
    for (size_t i = 0; i < mxh_route_exchange_count(ra); i++) {
        const mxh_exchange *xa = mxh_route_exchange(ra, i);
        if (!x_find(rb, mxh_exchange_name(xa)))
            text_route_row(f, NULL, xa, cdn);
    }
    size_t lb = mxh_whatif_domain_local_count(d, 0), la = mxh_whatif_domain_local_count(d, 1);
    if (lb || la) {
        fputs("    local delivery on: ", f);
        for (size_t i = 0; i < lb; i++) {
            fputs(i ? ", " : "", f);
            cli_text_safe(f, mxh_whatif_domain_local(d, 0, i));
        }
        fputs(lb ? " -> " : "(none) -> ", f);
        for (size_t i = 0; i < la; i++) {
            fputs(i ? ", " : "", f);
            cli_text_safe(f, mxh_whatif_domain_local(d, 1, i));
        }
        fputs(la ? "\n" : "(none)\n", f);
    }
    fputs("    ", f);
    cli_text_safe(f, mxh_whatif_domain_reason(d));
    fputs(".\n", f);
    size_t nf = mxh_whatif_domain_fix_count(d);
    if (nf && c->cs) {
        fputs("    Safe order (seed 000, method 1): make these changes first,\n", f);
        for (size_t i = 0; i < nf; i++) {
            fprintf(f, "      %zu. ", i + 1);
            cli_text_safe(f, mxh_whatif_domain_fix(d, i));
            fputc('\n', f);
        }
        for (size_t i = 0; i < mxh_changeset_count(c->cs); i++) {
            fprintf(f, "      %zu. ", nf + i + 1);
            cli_text_safe(f, mxh_change_text(mxh_changeset_change(c->cs, i)));
            fputs("   (yours)\n", f);
        }
        if (mxh_whatif_domain_fix_verified(d)) {
            fprintf(f, "    Checked: with steps 1-%zu first, mail for ", nf);
            cli_text_safe(f, mxh_whatif_domain_name(d));
            fputs(" stays at ", f);
            for (size_t i = 0; i < mxh_whatif_domain_target_count(d, 0); i++) {
                fputs(i ? ", " : "", f);
                cli_text_safe(f, mxh_whatif_domain_target(d, 0, i));
            }
            fputs(".\n", f);
        } else {
            fputs("    Not confirmed: applying these steps does not keep all of the mail where it was.\n", f);
        }
    }
    const char *note = mxh_whatif_domain_fix_note(d);
    if (note && c->cs) {
        fputs("    Note: ", f);
        cli_text_safe(f, note);
        fputc('\n', f);
    }
}

static void text_finding(FILE *f, const mxh_whatif_finding *x)
{
    fprintf(f, "  %c %-7s %s  ", mxh_whatif_finding_introduced(x) ? '+' : '-',
            mxh_severity_name(mxh_whatif_finding_severity(x)), mxh_whatif_finding_rule(x));
    cli_text_safe(f, mxh_whatif_finding_owner(x));
    fputs(": ", f);
    cli_text_safe(f, mxh_whatif_finding_message(x));
    fputs(" (", f);
    cli_text_safe(f, mxh_whatif_finding_file(x));
    if (mxh_whatif_finding_line(x))
        fprintf(f, ":%lu", mxh_whatif_finding_line(x));
    fputs(")\n", f);
}

/* "A/AAAA of NAME: x -> y" for the names whose addresses the plan changes
 * (the website moving while mail stays, seed 000). */
static void addr_set(const mxh_zoneset *zs, const char *name, char *buf, size_t n)
{
    static const uint16_t types[2] = { MXH_TYPE_A, MXH_TYPE_AAAA };
    buf[0] = '\0';
    for (int t = 0; t < 2; t++) {
        mxh_lookup *lk = NULL;
        if (mxh_lookup_name(zs, name, types[t], &lk) != MXH_OK)
            continue;
        if (mxh_lookup_status_of(lk) == MXH_LK_ANSWER)
            for (size_t i = 0; i < mxh_lookup_answer_count(lk); i++) {
                size_t l = strlen(buf);
                snprintf(buf + l, n - l, "%s%s", l ? ", " : "", mxh_rr_rdata(mxh_lookup_answer(lk, i)));
            }
        mxh_lookup_free(lk);
    }
    if (!buf[0])
        snprintf(buf, n, "(none)");
}

static void text_address_changes(const wi_ctx *c)
{
    cli_strv seen;
    memset(&seen, 0, sizeof seen);
    int head = 0;
    for (size_t i = 0; i < mxh_changeset_count(c->cs); i++) {
        const mxh_change *ch = mxh_changeset_change(c->cs, i);
        uint16_t t = mxh_change_type(ch);
        if (t != MXH_TYPE_A && t != MXH_TYPE_AAAA && t != MXH_TYPE_CNAME && t != MXH_TYPE_ANY)
            continue;
        /* The owner as the copy resolved it: the changed record's owner. */
        const char *owner = NULL;
        for (size_t z = 0; z < mxh_zoneset_zone_count(c->zs[1]) && !owner; z++) {
            const mxh_zone *zn = mxh_zoneset_zone(c->zs[1], z);
            for (size_t k = 0; k < mxh_zone_record_count(zn) && !owner; k++) {
                const mxh_rr *rr = mxh_zone_record(zn, k);
                if (mxh_rr_line(rr) == mxh_change_line(ch) &&
                    strcmp(mxh_rr_file(rr), mxh_change_source(ch)) == 0)
                    owner = mxh_rr_owner(rr);
            }
        }
        if (!owner)
            continue; /* a delete: the mail table shows its effect */
        int dup = 0;
        for (size_t k = 0; k < seen.n; k++)
            dup |= strcmp(seen.v[k], owner) == 0;
        if (dup)
            continue;
        cli_strv_push(&seen, owner);
        char b[1024], a[1024];
        addr_set(c->zs[0], owner, b, sizeof b);
        addr_set(c->zs[1], owner, a, sizeof a);
        if (strcmp(a, b) == 0)
            continue;
        if (!head)
            fputs("\nAddresses that change:\n", stdout);
        head = 1;
        fputs("  ", stdout);
        cli_text_safe(stdout, owner);
        fputs("  ", stdout);
        cli_text_safe(stdout, b);
        fputs(" -> ", stdout);
        cli_text_safe(stdout, a);
        fputc('\n', stdout);
    }
    cli_strv_free(&seen);
}

static void text_out(const wi_ctx *c, const mxh_cdn_ranges *cdn, int rules_run)
{
    FILE *f = stdout;
    const mxh_whatif *w = c->w;
    size_t n = mxh_whatif_domain_count(w), nshown = 0;
    if (!c->o->quiet) {
        if (c->cs) {
            size_t nc = mxh_changeset_count(c->cs);
            fprintf(f, "Plan: %zu change%s to %zu zone%s\n", nc, nc == 1 ? "" : "s",
                    mxh_zoneset_zone_count(c->zs[0]), mxh_zoneset_zone_count(c->zs[0]) == 1 ? "" : "s");
            for (size_t i = 0; i < nc; i++) {
                const mxh_change *ch = mxh_changeset_change(c->cs, i);
                fputs("  ", f);
                cli_text_safe(f, mxh_change_source(ch));
                if (mxh_change_line(ch))
                    fprintf(f, ":%lu", mxh_change_line(ch));
                fputs("  ", f);
                cli_text_safe(f, mxh_change_text(ch));
                fputc('\n', f);
            }
        } else {
            fputs("Diff: ", f);
            cli_text_safe(f, c->label[0]);
            fputs(" -> ", f);
            cli_text_safe(f, c->label[1]);
            fputc('\n', f);
        }
    }
    if (c->cs && !c->o->quiet)
        text_address_changes(c);
    for (size_t i = 0; i < n; i++) {
        const mxh_whatif_domain *d = mxh_whatif_domain_at(w, i);
        if (shown(c, d)) {
            text_domain(c, d, cdn);
            nshown++;
        }
    }
    if (!nshown && !c->o->quiet)
        fprintf(f, "\nNo mail domain's mail changes (%zu compared).\n", n);
    size_t nf = mxh_whatif_finding_count(w);
    for (int intro = 1; intro >= 0; intro--) {
        int head = 0;
        for (size_t i = 0; i < nf; i++) {
            const mxh_whatif_finding *x = mxh_whatif_finding_at(w, i);
            if (mxh_whatif_finding_introduced(x) != intro)
                continue;
            if (!head)
                fprintf(f, "\nFindings the change %s:\n", intro ? "introduces" : "removes");
            head = 1;
            text_finding(f, x);
        }
    }
    if (!c->o->quiet) {
        fprintf(f, "\nSummary: %zu mail domain%s compared: %zu break, %zu move by a non-MX "
                   "change, %zu move, %zu restored, %zu unchanged",
                n, n == 1 ? "" : "s", mxh_whatif_count(w, MXH_MAIL_BROKEN),
                mxh_whatif_count(w, MXH_MAIL_MOVED_NON_MX), mxh_whatif_count(w, MXH_MAIL_MOVED),
                mxh_whatif_count(w, MXH_MAIL_RESTORED), mxh_whatif_count(w, MXH_MAIL_UNCHANGED));
        if (rules_run) {
            size_t intro = 0;
            for (size_t i = 0; i < nf; i++)
                intro += mxh_whatif_finding_introduced(mxh_whatif_finding_at(w, i)) != 0;
            fprintf(f, "; rule findings: %zu introduced, %zu removed", intro, nf - intro);
        }
        fputs(".\n", f);
    }
}

/* ---- JSON Lines ---------------------------------------------------------- */

static void json_rr(FILE *f, const mxh_rr *rr)
{
    char tb[16];
    fputs("{\"owner\":", f);
    cli_json_str(f, mxh_rr_owner(rr));
    fputs(",\"type\":", f);
    cli_json_str(f, mxh_type_name(mxh_rr_type(rr), tb));
    fputs(",\"rdata\":", f);
    cli_json_str(f, mxh_rr_rdata(rr));
    fputs(",\"file\":", f);
    cli_json_str(f, mxh_rr_file(rr));
    fprintf(f, ",\"line\":%lu}", mxh_rr_line(rr));
}

static void json_side(FILE *f, const mxh_whatif_domain *d, int after)
{
    const mxh_route *r = mxh_whatif_domain_route(d, after);
    fputs("{\"route\":", f);
    cli_json_str(f, mxh_route_kind_name(mxh_route_kind_of(r)));
    fprintf(f, ",\"deliverable\":%s,\"targets\":[", mxh_whatif_domain_deliverable(d, after) ? "true" : "false");
    for (size_t i = 0; i < mxh_whatif_domain_target_count(d, after); i++) {
        fputs(i ? "," : "", f);
        fputs("{\"target\":", f);
        cli_json_str(f, mxh_whatif_domain_target(d, after, i));
        fputs(",\"cdn\":", f);
        cli_json_str(f, mxh_whatif_domain_target_cdn(d, after, i));
        fputc('}', f);
    }
    fputs("],\"exchanges\":[", f);
    for (size_t i = 0; i < mxh_route_exchange_count(r); i++) {
        const mxh_exchange *x = mxh_route_exchange(r, i);
        fprintf(f, "%s{\"preference\":%u,\"name\":", i ? "," : "", mxh_exchange_preference(x));
        cli_json_str(f, mxh_exchange_name(x));
        fputs(",\"status\":", f);
        cli_json_str(f, mxh_exchange_status_name(mxh_exchange_status_of(x)));
        fputs(",\"addresses\":[", f);
        for (size_t k = 0; k < mxh_exchange_address_count(x); k++) {
            fputs(k ? "," : "", f);
            cli_json_str(f, mxh_exchange_address(x, k));
        }
        fprintf(f, "],\"via_cname\":%s,\"via_wildcard\":%s,\"record\":",
                mxh_exchange_via_cname(x) ? "true" : "false",
                mxh_exchange_via_wildcard(x) ? "true" : "false");
        if (mxh_exchange_record(x))
            json_rr(f, mxh_exchange_record(x));
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputs("],\"local\":[", f);
    for (size_t i = 0; i < mxh_whatif_domain_local_count(d, after); i++) {
        fputs(i ? "," : "", f);
        cli_json_str(f, mxh_whatif_domain_local(d, after, i));
    }
    fputs("]}", f);
}

static void json_out(const wi_ctx *c)
{
    FILE *f = stdout;
    const mxh_whatif *w = c->w;
    for (size_t i = 0; i < mxh_whatif_domain_count(w); i++) {
        const mxh_whatif_domain *d = mxh_whatif_domain_at(w, i);
        if (!shown(c, d))
            continue;
        fputs("{\"type\":\"domain\",\"domain\":", f);
        cli_json_str(f, mxh_whatif_domain_name(d));
        fputs(",\"result\":", f);
        cli_json_str(f, mxh_mail_change_name(mxh_whatif_domain_change(d)));
        fputs(",\"reason\":", f);
        cli_json_str(f, mxh_whatif_domain_reason(d));
        fprintf(f, ",\"route_changed\":%s,\"before\":", mxh_whatif_domain_route_changed(d) ? "true" : "false");
        json_side(f, d, 0);
        fputs(",\"after\":", f);
        json_side(f, d, 1);
        fputs(",\"causes\":[", f);
        for (size_t k = 0; k < mxh_whatif_domain_cause_count(d); k++) {
            fputs(k ? "," : "", f);
            json_rr(f, mxh_whatif_domain_cause(d, k));
        }
        fputs("]", f);
        if (c->cs) {
            fputs(",\"fix\":[", f);
            for (size_t k = 0; k < mxh_whatif_domain_fix_count(d); k++) {
                fputs(k ? "," : "", f);
                cli_json_str(f, mxh_whatif_domain_fix(d, k));
            }
            fprintf(f, "],\"fix_verified\":%s,\"fix_note\":",
                    mxh_whatif_domain_fix_verified(d) ? "true" : "false");
            cli_json_str(f, mxh_whatif_domain_fix_note(d));
        }
        fputs("}\n", f);
    }
    for (size_t i = 0; i < mxh_whatif_finding_count(w); i++) {
        const mxh_whatif_finding *x = mxh_whatif_finding_at(w, i);
        fputs("{\"type\":\"finding\",\"change\":", f);
        cli_json_str(f, mxh_whatif_finding_introduced(x) ? "introduced" : "removed");
        fputs(",\"rule\":", f);
        cli_json_str(f, mxh_whatif_finding_rule(x));
        fputs(",\"severity\":", f);
        cli_json_str(f, mxh_severity_name(mxh_whatif_finding_severity(x)));
        fputs(",\"zone\":", f);
        cli_json_str(f, mxh_whatif_finding_zone(x));
        fputs(",\"owner\":", f);
        cli_json_str(f, mxh_whatif_finding_owner(x));
        fputs(",\"message\":", f);
        cli_json_str(f, mxh_whatif_finding_message(x));
        fputs(",\"file\":", f);
        cli_json_str(f, mxh_whatif_finding_file(x));
        fprintf(f, ",\"line\":%lu}\n", mxh_whatif_finding_line(x));
    }
}

/* ---- Graphviz: before and after side by side ------------------------------ */

static void dot_id(FILE *f, char side, const char *kind, const char *a, const char *b)
{
    char buf[2300];
    snprintf(buf, sizeof buf, "%c|%s|%s|%s", side, kind, a, b ? b : "");
    cli_dot_str(f, buf);
}

static int x_has_addr(const mxh_exchange *x, const char *a)
{
    if (!x)
        return 0;
    for (size_t i = 0; i < mxh_exchange_address_count(x); i++)
        if (strcmp(mxh_exchange_address(x, i), a) == 0)
            return 1;
    return 0;
}

static void dot_side(FILE *f, const wi_ctx *c, int after, const mxh_cdn_ranges *cdn)
{
    char s = after ? 'a' : 'b';
    fprintf(f, "  subgraph cluster_%s {\n    label=", after ? "after" : "before");
    cli_dot_str(f, c->label[after]);
    fputs(";\n", f);
    const char *changed = after ? "color=red,fontcolor=red" : "color=gray,fontcolor=gray,style=dashed";
    for (size_t i = 0; i < mxh_whatif_domain_count(c->w); i++) {
        const mxh_whatif_domain *d = mxh_whatif_domain_at(c->w, i);
        if (!shown(c, d))
            continue;
        const char *dn = mxh_whatif_domain_name(d);
        const mxh_route *r = mxh_whatif_domain_route(d, after);
        const mxh_route *o = mxh_whatif_domain_route(d, !after);
        fputs("    ", f);
        dot_id(f, s, "d", dn, NULL);
        fputs(" [shape=box,label=", f);
        char lab[1400];
        snprintf(lab, sizeof lab, "%s\n%s", dn, mxh_mail_change_name(mxh_whatif_domain_change(d)));
        cli_dot_str(f, lab);
        fprintf(f, "%s];\n", mxh_whatif_domain_change(d) == MXH_MAIL_UNCHANGED ? "" : ",penwidth=2");
        for (size_t k = 0; k < mxh_route_exchange_count(r); k++) {
            const mxh_exchange *x = mxh_route_exchange(r, k);
            const char *xn = mxh_exchange_name(x);
            const mxh_exchange *ox = x_find(o, xn);
            fputs("    ", f);
            dot_id(f, s, "x", dn, xn);
            fputs(" [label=", f);
            cli_dot_str(f, xn);
            fputs("];\n    ", f);
            dot_id(f, s, "d", dn, NULL);
            fputs(" -> ", f);
            dot_id(f, s, "x", dn, xn);
            fprintf(f, " [label=\"%u\"%s%s];\n", mxh_exchange_preference(x), ox ? "" : ",",
                    ox ? "" : changed);
            for (size_t a = 0; a < mxh_exchange_address_count(x); a++) {
                const char *ad = mxh_exchange_address(x, a);
                const char *p = cdn ? mxh_cdn_provider(cdn, ad) : NULL;
                fputs("    ", f);
                dot_id(f, s, "a", dn, ad);
                fputs(" [shape=ellipse,label=", f);
                snprintf(lab, sizeof lab, "%s%s%s%s", ad, p ? "\n(" : "", p ? p : "", p ? ")" : "");
                cli_dot_str(f, lab);
                fprintf(f, "%s];\n    ", p ? ",style=filled,fillcolor=mistyrose" : "");
                dot_id(f, s, "x", dn, xn);
                fputs(" -> ", f);
                dot_id(f, s, "a", dn, ad);
                fprintf(f, "%s;\n", x_has_addr(ox, ad) ? "" : after ? " [color=red]" : " [color=gray,style=dashed]");
            }
            if (mxh_exchange_status_of(x) != MXH_EX_ADDRESSES) {
                fputs("    ", f);
                dot_id(f, s, "s", dn, xn);
                fputs(" [shape=plaintext,label=", f);
                cli_dot_str(f, mxh_exchange_status_name(mxh_exchange_status_of(x)));
                fputs("];\n    ", f);
                dot_id(f, s, "x", dn, xn);
                fputs(" -> ", f);
                dot_id(f, s, "s", dn, xn);
                fputs(";\n", f);
            }
        }
        for (size_t k = 0; k < mxh_whatif_domain_local_count(d, after); k++) {
            const char *sv = mxh_whatif_domain_local(d, after, k);
            fputs("    ", f);
            dot_id(f, s, "l", dn, sv);
            fputs(" [shape=box3d,label=", f);
            snprintf(lab, sizeof lab, "local delivery\n%s", sv);
            cli_dot_str(f, lab);
            fputs("];\n    ", f);
            dot_id(f, s, "d", dn, NULL);
            fputs(" -> ", f);
            dot_id(f, s, "l", dn, sv);
            fputs(" [style=dotted];\n", f);
        }
    }
    fputs("  }\n", f);
}

static void dot_out(const wi_ctx *c, const mxh_cdn_ranges *cdn)
{
    fputs("digraph mxhazard_whatif {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n", stdout);
    dot_side(stdout, c, 0, cdn);
    dot_side(stdout, c, 1, cdn);
    fputs("}\n", stdout);
}

/* ------------------------------------------------------------------------ */
/* The commands                                                              */

static int finish(const wi_ctx *c, const mxh_cdn_ranges *cdn, mxh_engine *e, int load_failed)
{
    int rules_run = 0;
    if (e) {
        mxh_status st = mxh_whatif_scan((mxh_whatif *)c->w, e);
        if (st != MXH_OK)
            fprintf(stderr, "mxhazard: %s: comparing rule findings failed: %s\n", c->o->cmd,
                    mxh_strerror(st));
        else
            rules_run = 1;
    }
    if (c->o->format == CLI_FMT_JSON)
        json_out(c);
    else if (c->o->format == CLI_FMT_DOT)
        dot_out(c, cdn);
    else
        text_out(c, cdn, rules_run);
    fflush(stdout);
    if (load_failed)
        return CLI_EXIT_USAGE;
    return mxh_whatif_count(c->w, MXH_MAIL_BROKEN) || mxh_whatif_count(c->w, MXH_MAIL_MOVED_NON_MX)
               ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

/* The CDN table and the engine shared by plan and diff; 0 or 2. */
static int setup(const wi_opts *o, mxh_cdn_ranges **cdn, mxh_engine **e)
{
    *cdn = NULL;
    *e = NULL;
    if (mxh_cdn_ranges_new(cdn) != MXH_OK) {
        fprintf(stderr, "mxhazard: out of memory\n");
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < o->cdn_files.n; i++) {
        mxh_status st = mxh_cdn_ranges_load_file(*cdn, o->cdn_files.v[i]);
        if (st != MXH_OK) {
            fprintf(stderr, "mxhazard: --cdn-ranges: %s\n", mxh_cdn_ranges_errmsg(*cdn));
            return CLI_EXIT_USAGE;
        }
    }
    if (o->no_rules)
        return 0;
    cli_scan_opts so;
    memset(&so, 0, sizeof so);
    so.cmd = o->cmd;
    so.rules_dirs = o->rules_dirs;
    so.only = o->only;
    so.skip = o->skip;
    so.quiet = o->quiet;
    int usage = 0;
    *e = cli_engine_make(&so, 0, &usage);
    if (!*e)
        return CLI_EXIT_USAGE;
    mxh_engine_set_cdn_ranges(*e, *cdn);
    return 0;
}

int mxh_cli_plan(int argc, char **argv)
{
    wi_opts o;
    int rc = wi_parse(&o, "plan", argc, argv);
    if (rc) {
        wi_opts_free(&o);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (o.paths.n == 0 || (o.changes.n == 0 && o.change_files.n == 0)) {
        rc = cli_usage_error("plan", o.paths.n ? "no change given (--change or --changes)"
                                               : "no zone files given");
        wi_opts_free(&o);
        return rc;
    }
    mxh_changeset *cs = NULL;
    cli_loaded ld;
    memset(&ld, 0, sizeof ld);
    mxh_zoneset *after = NULL;
    mxh_whatif *w = NULL;
    mxh_cdn_ranges *cdn = NULL;
    mxh_engine *e = NULL;
    int failed = 0;
    if (mxh_changeset_new(&cs) != MXH_OK ||
        (o.origin && mxh_changeset_set_origin(cs, o.origin) != MXH_OK)) {
        rc = cli_usage_error("plan", "--origin: %s", cs ? mxh_changeset_errmsg(cs) : "out of memory");
        goto out;
    }
    for (size_t i = 0; i < o.changes.n; i++) {
        char src[32];
        snprintf(src, sizeof src, "--change #%zu", i + 1);
        mxh_changeset_add(cs, o.changes.v[i], src, 0);
    }
    for (size_t i = 0; i < o.change_files.n; i++)
        mxh_changeset_load_file(cs, o.change_files.v[i]);
    if (mxh_changeset_error_count(cs)) {
        for (size_t i = 0; i < mxh_changeset_error_count(cs); i++) {
            fputs("mxhazard: plan: ", stderr);
            cli_text_safe(stderr, mxh_changeset_error(cs, i));
            fputc('\n', stderr);
        }
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    int lr = wi_load(&ld, &o, &o.paths, o.inventory, o.origin);
    if (lr == 2) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    failed = lr == 1;
    mxh_status st = mxh_changeset_apply(cs, ld.zs, &after);
    if (st != MXH_OK) {
        if (!after) {
            fprintf(stderr, "mxhazard: plan: %s\n", mxh_strerror(st));
        } else {
            /* Only the problems of the changes themselves: the copy's own
             * load diagnostics were reported with the input. */
            for (size_t i = 0; i < mxh_zoneset_diag_count(after); i++) {
                const mxh_diag *d = mxh_zoneset_diag(after, i);
                if (mxh_diag_level_of(d) == MXH_DIAG_ERROR)
                    cli_say("error", mxh_diag_file(d), mxh_diag_line(d), mxh_diag_message(d));
            }
            fputs("mxhazard: plan: a change cannot be applied; nothing compared\n", stderr);
        }
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < mxh_zoneset_diag_count(after); i++) {
        const mxh_diag *d = mxh_zoneset_diag(after, i);
        const char *fn = mxh_diag_file(d);
        if (mxh_diag_level_of(d) != MXH_DIAG_WARNING || mxh_diag_zone(d))
            continue;
        if (strncmp(fn, "--change", 8) != 0) {
            int is_file = 0;
            for (size_t k = 0; k < o.change_files.n; k++)
                is_file |= strcmp(fn, o.change_files.v[k]) == 0;
            if (!is_file)
                continue;
        }
        cli_say("warning", fn, mxh_diag_line(d), mxh_diag_message(d));
    }
    if ((rc = setup(&o, &cdn, &e)) != 0)
        goto out;
    mxh_whatif_opts wo = { .cdn = cdn, .no_cdn = 0 };
    st = mxh_whatif_compare(ld.zs, after, &wo, &w);
    if (st == MXH_OK)
        st = mxh_whatif_plan_fixes(w, cs);
    if (st != MXH_OK) {
        fprintf(stderr, "mxhazard: plan: %s\n", mxh_strerror(st));
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    wi_ctx c = { .o = &o, .cs = cs, .w = w, .zs = { ld.zs, after }, .label = { "before", "after" } };
    rc = finish(&c, cdn, e, failed);
out:
    mxh_whatif_free(w);
    mxh_engine_free(e);
    mxh_cdn_ranges_free(cdn);
    mxh_zoneset_free(after);
    cli_loaded_free(&ld);
    mxh_changeset_free(cs);
    wi_opts_free(&o);
    return rc;
}

int mxh_cli_diff(int argc, char **argv)
{
    wi_opts o;
    int rc = wi_parse(&o, "diff", argc, argv);
    if (rc) {
        wi_opts_free(&o);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (o.paths.n != 2) {
        rc = cli_usage_error("diff", "expected OLD and NEW (files or directories), got %zu "
                                     "argument%s", o.paths.n, o.paths.n == 1 ? "" : "s");
        wi_opts_free(&o);
        return rc;
    }
    cli_loaded ld[2];
    memset(ld, 0, sizeof ld);
    mxh_whatif *w = NULL;
    mxh_cdn_ranges *cdn = NULL;
    mxh_engine *e = NULL;
    int failed = 0;
    rc = 0;
    for (int s = 0; s < 2 && rc == 0; s++) {
        cli_strv one;
        memset(&one, 0, sizeof one);
        cli_strv_push(&one, o.paths.v[s]);
        const char *inv = s ? (o.new_inventory ? o.new_inventory : o.inventory)
                            : (o.old_inventory ? o.old_inventory : o.inventory);
        int lr = wi_load(&ld[s], &o, &one, inv, o.origin);
        cli_strv_free(&one);
        if (lr == 2)
            rc = CLI_EXIT_USAGE;
        failed |= lr == 1;
    }
    if (rc)
        goto out;
    if ((rc = setup(&o, &cdn, &e)) != 0)
        goto out;
    mxh_whatif_opts wo = { .cdn = cdn, .no_cdn = 0 };
    mxh_status st = mxh_whatif_compare(ld[0].zs, ld[1].zs, &wo, &w);
    if (st != MXH_OK) {
        fprintf(stderr, "mxhazard: diff: %s\n", mxh_strerror(st));
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    wi_ctx c = { .o = &o, .cs = NULL, .w = w, .zs = { ld[0].zs, ld[1].zs },
                 .label = { o.paths.v[0], o.paths.v[1] } };
    rc = finish(&c, cdn, e, failed);
out:
    mxh_whatif_free(w);
    mxh_engine_free(e);
    mxh_cdn_ranges_free(cdn);
    cli_loaded_free(&ld[0]);
    cli_loaded_free(&ld[1]);
    wi_opts_free(&o);
    return rc;
}

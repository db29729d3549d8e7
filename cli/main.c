/* SPDX-License-Identifier: MIT */
/*
 * main.c — `mxhazard`: command dispatch, option parsing, help, and the
 * `rules` and `explain` commands.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Commands that live in their own files and may be absent from a build
 * (cli/cmd_whatif.c): dispatched only when linked in. They take argv with
 * the command name first. */
int mxh_cli_plan(int argc, char **argv) __attribute__((weak));
int mxh_cli_diff(int argc, char **argv) __attribute__((weak));

/* ------------------------------------------------------------------------ */
/* Help                                                                      */

static const char help_main[] =
    "Usage: mxhazard COMMAND [OPTIONS] [ARGS]\n"
    "Find DNS mistakes that make e-mail silently stop arriving.\n"
    "\n"
    "Commands:\n"
    "  scan PATH...         check zone files, directories of them, or '-' (stdin)\n"
    "  route DOMAIN PATH... show where mail for DOMAIN goes, step by step\n"
    "  rules                list the rules (id, severity, title, references)\n"
    "  explain ID           describe a rule, with an example zone and the fix\n"
    "  help [COMMAND]       show help for a command\n"
    "\n"
    "  -h, --help           show this help       -V, --version   show the version\n"
    "\n"
    "Exit status: 0 nothing at or above --fail-on, 1 something is, 2 usage error or\n"
    "an input that could not be loaded. See mxhazard(1).\n";

static const char help_scan[] =
    "Usage: mxhazard scan [OPTIONS] PATH...\n"
    "Check zones for mail hazards. PATH is a zone file, a directory (searched\n"
    "recursively; documentation, keys, archives and hidden files are skipped by\n"
    "name) or '-' for standard input. All zones of one run form one zone set, so\n"
    "MX targets in other given zones and the inventory are resolved.\n"
    "\n"
    "Output:\n"
    "  -f, --format FMT        text (default), json (JSON Lines) or sarif (SARIF 2.1.0)\n"
    "      --color WHEN        auto (default; honours NO_COLOR), always or never\n"
    "      --no-color          same as --color never\n"
    "  -q, --quiet             no summary, notices or progress; findings only\n"
    "  -v, --verbose           list skipped files and load warnings on stderr\n"
    "      --progress          show progress on stderr (default: when it is a terminal)\n"
    "      --no-progress       never show progress\n"
    "Input:\n"
    "      --input-format FMT  auto (default), bind, valuedomain or table\n"
    "      --origin NAME       origin of the zone (one file or '-' only)\n"
    "      --inventory FILE    shared-host inventory (server addresses domains...)\n"
    "      --include-root DIR  $INCLUDE may read only below DIR\n"
    "Rules:\n"
    "      --rules DIR         load *.lua rules from DIR (repeatable; a rule with a\n"
    "                          built-in rule's id replaces it, with a notice)\n"
    "      --only ID,...       run only these rules\n"
    "      --skip ID,...       do not run these rules\n"
    "      --severity ID=LEVEL set a rule's severity: error, warning or info (repeatable)\n"
    "      --cdn-ranges FILE   more CDN/WAF ranges for mx-on-cdn, \"provider prefix\"\n"
    "                          lines (repeatable; added to the built-in list)\n"
    "      --fail-on LEVEL     exit 1 when a finding is at or above LEVEL: error,\n"
    "                          warning (default), info, or never\n"
    "  -j, --jobs N            load and scan with N threads (default: the number of CPUs)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage error or an\n"
    "input that could not be loaded completely (the others are still reported).\n";

static const char help_route[] =
    "Usage: mxhazard route [OPTIONS] DOMAIN PATH...\n"
    "       mxhazard route --all [OPTIONS] PATH...\n"
    "Show the mail route of DOMAIN over the given zones: MX by preference, each\n"
    "exchange, the CNAME and wildcard steps, and the addresses reached, each with\n"
    "the record and file:line behind it (RFC 5321 §5.1, RFC 7505).\n"
    "\n"
    "  -a, --all               every mail domain of the given zones (each zone's apex\n"
    "                          and every name with MX), in load order\n"
    "  -f, --format FMT        text (default, a tree), json, or dot (Graphviz)\n"
    "      --input-format FMT  auto (default), bind, valuedomain or table\n"
    "      --origin NAME       origin of the zone (one file or '-' only)\n"
    "      --inventory FILE    shared-host inventory\n"
    "      --include-root DIR  $INCLUDE may read only below DIR\n"
    "  -v, --verbose           print load warnings on stderr\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 route shown, 2 usage error or an input not loaded completely.\n";

static const char help_rules[] =
    "Usage: mxhazard rules [OPTIONS]\n"
    "List the rules: id, severity, title and references.\n"
    "\n"
    "  -f, --format FMT        text (default) or json (one object per line)\n"
    "      --rules DIR         also load *.lua rules from DIR (repeatable)\n"
    "      --only ID,...       mark only these rules enabled\n"
    "      --skip ID,...       mark these rules disabled\n"
    "      --severity ID=LEVEL show LEVEL as the rule's severity (repeatable)\n"
    "  -h, --help              show this help\n";

static const char help_explain[] =
    "Usage: mxhazard explain [OPTIONS] ID\n"
    "Describe rule ID: what it finds and why mail breaks, its references, a zone\n"
    "that triggers it (checked live, with the finding it gives) and the fix.\n"
    "\n"
    "      --rules DIR         also load *.lua rules from DIR (repeatable)\n"
    "  -h, --help              show this help\n";

static const char help_whatif[] =
    "  plan PATH... -c CHANGE  what DNS changes would do to mail, before they are made\n"
    "  diff OLD NEW         how mail changes between two exports of the same zones\n";

int cli_help(const char *cmd, FILE *f)
{
    const char *t = help_main;
    if (cmd && strcmp(cmd, "plan") == 0 && mxh_cli_plan) {
        char *argv[] = {(char *)"plan", (char *)"--help", NULL};
        return mxh_cli_plan(2, argv);
    }
    if (cmd && strcmp(cmd, "diff") == 0 && mxh_cli_diff) {
        char *argv[] = {(char *)"diff", (char *)"--help", NULL};
        return mxh_cli_diff(2, argv);
    }
    if (!cmd && (mxh_cli_plan || mxh_cli_diff)) {
        /* The main help with the what-if commands after explain. */
        const char *cut = strstr(help_main, "  help [COMMAND]");
        fwrite(help_main, 1, (size_t)(cut - help_main), f);
        fputs(help_whatif, f);
        fputs(cut, f);
        return CLI_EXIT_OK;
    }
    if (cmd) {
        if (strcmp(cmd, "scan") == 0)
            t = help_scan;
        else if (strcmp(cmd, "route") == 0)
            t = help_route;
        else if (strcmp(cmd, "rules") == 0)
            t = help_rules;
        else if (strcmp(cmd, "explain") == 0)
            t = help_explain;
        else if (strcmp(cmd, "help") != 0)
            return cli_usage_error(NULL, "no command '%s'", cmd);
    }
    fputs(t, f);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */

enum {
    C_SCAN = 1, C_ROUTE = 2, C_RULES = 4, C_EXPLAIN = 8,
    C_LOADING = C_SCAN | C_ROUTE, C_ENGINE = C_SCAN | C_RULES | C_EXPLAIN,
};

enum {
    O_FORMAT, O_INPUT_FORMAT, O_ORIGIN, O_INVENTORY, O_INCLUDE_ROOT, O_RULES, O_ONLY,
    O_SKIP, O_SEVERITY, O_FAIL_ON, O_JOBS, O_PROGRESS, O_NO_PROGRESS, O_QUIET, O_VERBOSE,
    O_COLOR, O_NO_COLOR, O_HELP, O_ALL, O_CDN,
};

typedef struct optdef {
    const char *name;
    char short_name;
    int id;
    int has_arg;
    int cmds;
} optdef;

static const optdef optdefs[] = {
    {"format", 'f', O_FORMAT, 1, C_SCAN | C_ROUTE | C_RULES},
    {"input-format", 0, O_INPUT_FORMAT, 1, C_LOADING},
    {"origin", 0, O_ORIGIN, 1, C_LOADING},
    {"inventory", 0, O_INVENTORY, 1, C_LOADING},
    {"include-root", 0, O_INCLUDE_ROOT, 1, C_LOADING},
    {"rules", 0, O_RULES, 1, C_ENGINE},
    {"only", 0, O_ONLY, 1, C_SCAN | C_RULES},
    {"skip", 0, O_SKIP, 1, C_SCAN | C_RULES},
    {"severity", 0, O_SEVERITY, 1, C_SCAN | C_RULES},
    {"fail-on", 0, O_FAIL_ON, 1, C_SCAN},
    {"jobs", 'j', O_JOBS, 1, C_SCAN},
    {"progress", 0, O_PROGRESS, 0, C_SCAN},
    {"no-progress", 0, O_NO_PROGRESS, 0, C_SCAN},
    {"quiet", 'q', O_QUIET, 0, C_SCAN},
    {"verbose", 'v', O_VERBOSE, 0, C_SCAN | C_ROUTE},
    {"color", 0, O_COLOR, 1, C_SCAN},
    {"no-color", 0, O_NO_COLOR, 0, C_SCAN},
    {"help", 'h', O_HELP, 0, C_SCAN | C_ROUTE | C_RULES | C_EXPLAIN},
    {"all", 'a', O_ALL, 0, C_ROUTE},
    {"cdn-ranges", 0, O_CDN, 1, C_SCAN},
};

static int cmd_mask(const char *cmd)
{
    if (strcmp(cmd, "scan") == 0)
        return C_SCAN;
    if (strcmp(cmd, "route") == 0)
        return C_ROUTE;
    if (strcmp(cmd, "rules") == 0)
        return C_RULES;
    return C_EXPLAIN;
}

static int set_opt(cli_scan_opts *o, const char *cmd, const optdef *d, const char *arg)
{
    switch (d->id) {
    case O_FORMAT:
        if (strcmp(arg, "text") == 0)
            o->format = CLI_FMT_TEXT;
        else if (strcmp(arg, "json") == 0)
            o->format = CLI_FMT_JSON;
        else if (strcmp(arg, "sarif") == 0 && strcmp(cmd, "scan") == 0)
            o->format = CLI_FMT_SARIF;
        else if (strcmp(arg, "dot") == 0 && strcmp(cmd, "route") == 0)
            o->format = CLI_FMT_DOT;
        else
            return cli_usage_error(cmd, "unknown --format '%s' (%s)", arg,
                                   strcmp(cmd, "scan") == 0    ? "text, json or sarif"
                                   : strcmp(cmd, "route") == 0 ? "text, json or dot"
                                                               : "text or json");
        return 0;
    case O_INPUT_FORMAT:
        if (mxh_format_parse(arg, &o->input_format) != MXH_OK)
            return cli_usage_error(cmd, "unknown --input-format '%s' (auto, bind, "
                                        "valuedomain or table)", arg);
        return 0;
    case O_ORIGIN: o->origin = arg; return 0;
    case O_INVENTORY: o->inventory = arg; return 0;
    case O_INCLUDE_ROOT: o->include_root = arg; return 0;
    case O_RULES: cli_strv_push(&o->rules_dirs, arg); return 0;
    case O_ONLY: o->only = arg; return 0;
    case O_SKIP: o->skip = arg; return 0;
    case O_SEVERITY:
        if (!strchr(arg, '='))
            return cli_usage_error(cmd, "--severity wants ID=LEVEL, not '%s'", arg);
        cli_strv_push(&o->severities, arg);
        return 0;
    case O_FAIL_ON: {
        mxh_severity sv;
        if (strcmp(arg, "never") == 0)
            o->fail_on = -1;
        else if (mxh_severity_parse(arg, &sv) == MXH_OK)
            o->fail_on = (int)sv;
        else
            return cli_usage_error(cmd, "unknown --fail-on '%s' (error, warning, info or "
                                        "never)", arg);
        return 0;
    }
    case O_JOBS: {
        char *end = NULL;
        errno = 0;
        unsigned long n = strtoul(arg, &end, 10);
        if (errno || !end || *end || end == arg || arg[0] == '-' || n < 1 || n > 1024)
            return cli_usage_error(cmd, "--jobs wants a number from 1 to 1024, not '%s'", arg);
        o->jobs = (unsigned)n;
        return 0;
    }
    case O_PROGRESS: o->progress = 1; return 0;
    case O_NO_PROGRESS: o->progress = 0; return 0;
    case O_QUIET: o->quiet = 1; return 0;
    case O_VERBOSE: o->verbose = 1; return 0;
    case O_COLOR:
        if (strcmp(arg, "auto") == 0)
            o->color = -1;
        else if (strcmp(arg, "always") == 0)
            o->color = 1;
        else if (strcmp(arg, "never") == 0)
            o->color = 0;
        else
            return cli_usage_error(cmd, "unknown --color '%s' (auto, always or never)", arg);
        return 0;
    case O_NO_COLOR: o->color = 0; return 0;
    case O_HELP: return 1;
    case O_ALL: o->all = 1; return 0;
    case O_CDN: cli_strv_push(&o->cdn_files, arg); return 0;
    }
    return 0;
}

int cli_parse_opts(cli_scan_opts *o, const char *cmd, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->fail_on = MXH_SEV_WARNING;
    o->progress = -1;
    o->color = -1;
    int mask = cmd_mask(cmd);
    int no_more_opts = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (no_more_opts || a[0] != '-' || strcmp(a, "-") == 0) {
            cli_strv_push(&o->paths, a);
            continue;
        }
        if (strcmp(a, "--") == 0) {
            no_more_opts = 1;
            continue;
        }
        const optdef *d = NULL;
        const char *arg = NULL;
        char shortbuf[3] = {0};
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t nl = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < sizeof optdefs / sizeof *optdefs; k++)
                if (strlen(optdefs[k].name) == nl && strncmp(optdefs[k].name, name, nl) == 0)
                    d = &optdefs[k];
            if (!d || !(d->cmds & mask))
                return cli_usage_error(cmd, "unknown option '%.*s'", (int)(nl + 2), a);
            if (eq) {
                if (!d->has_arg)
                    return cli_usage_error(cmd, "option '--%s' takes no value", d->name);
                arg = eq + 1;
            }
        } else {
            for (size_t k = 0; k < sizeof optdefs / sizeof *optdefs; k++)
                if (optdefs[k].short_name && optdefs[k].short_name == a[1])
                    d = &optdefs[k];
            if (!d || !(d->cmds & mask))
                return cli_usage_error(cmd, "unknown option '%s'", a);
            shortbuf[0] = '-';
            shortbuf[1] = a[1];
            if (a[2]) {
                if (d->has_arg)
                    arg = a + 2;              /* -j4 */
                else
                    return cli_usage_error(cmd, "unknown option '%s'", a);
            }
        }
        if (d->has_arg && !arg) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, "option '%s' needs a value",
                                       shortbuf[0] ? shortbuf : a);
            arg = argv[++i];
        }
        int r = set_opt(o, cmd, d, arg);
        if (r == 1) {
            cli_help(cmd, stdout);
            return 1;
        }
        if (r)
            return 2;
    }
    return 0;
}

void cli_opts_free(cli_scan_opts *o)
{
    cli_strv_free(&o->rules_dirs);
    cli_strv_free(&o->severities);
    cli_strv_free(&o->paths);
    cli_strv_free(&o->cdn_files);
}

/* ------------------------------------------------------------------------ */
/* rules                                                                     */

int cli_cmd_rules(int argc, char **argv)
{
    cli_scan_opts o;
    int rc = cli_parse_opts(&o, "rules", argc, argv);
    if (rc) {
        cli_opts_free(&o);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (o.paths.n) {
        rc = cli_usage_error("rules", "unexpected argument '%s'", o.paths.v[0]);
        cli_opts_free(&o);
        return rc;
    }
    int usage = 0;
    mxh_engine *e = cli_engine_make(&o, 1, &usage);
    if (!e) {
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    size_t n = mxh_engine_rule_count(e), w = 2;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(mxh_rule_id(mxh_engine_rule(e, i)));
        if (l > w)
            w = l;
    }
    for (size_t i = 0; i < n; i++) {
        const mxh_rule *r = mxh_engine_rule(e, i);
        if (o.format == CLI_FMT_JSON) {
            fputs("{\"id\":", stdout);
            cli_json_str(stdout, mxh_rule_id(r));
            fputs(",\"severity\":", stdout);
            cli_json_str(stdout, mxh_severity_name(mxh_rule_severity(r)));
            fputs(",\"title\":", stdout);
            cli_json_str(stdout, mxh_rule_title(r));
            fputs(",\"references\":[", stdout);
            for (size_t k = 0; k < mxh_rule_reference_count(r); k++) {
                if (k)
                    fputc(',', stdout);
                cli_json_str(stdout, mxh_rule_reference(r, k));
            }
            fputs("],\"file\":", stdout);
            cli_json_str(stdout, mxh_rule_file(r));
            printf(",\"builtin\":%s,\"enabled\":%s}\n", mxh_rule_builtin(r) ? "true" : "false",
                   mxh_rule_enabled(r) ? "true" : "false");
            continue;
        }
        const char *id = mxh_rule_id(r);
        cli_text_safe(stdout, id);
        printf("%*s  %-7s  ", (int)(w - strlen(id)), "", mxh_severity_name(mxh_rule_severity(r)));
        cli_text_safe(stdout, mxh_rule_title(r));
        if (!mxh_rule_enabled(r))
            fputs(" (disabled)", stdout);
        if (!mxh_rule_builtin(r)) {
            fputs(" [", stdout);
            cli_text_safe(stdout, mxh_rule_file(r));
            fputc(']', stdout);
        }
        size_t nref = mxh_rule_reference_count(r);
        if (nref) {
            printf("\n%*s  ", (int)w, "");
            for (size_t k = 0; k < nref; k++) {
                if (k)
                    fputs(", ", stdout);
                cli_text_safe(stdout, mxh_rule_reference(r, k));
            }
        }
        fputc('\n', stdout);
    }
    mxh_engine_free(e);
    cli_opts_free(&o);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* explain                                                                   */

static void indent_block(const char *text, const char *pad)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = cli_xmalloc(n + 1);
        memcpy(line, p, n);
        line[n] = 0;
        fputs(n ? pad : "", stdout);
        cli_text_safe(stdout, line);
        fputc('\n', stdout);
        free(line);
        p += n;
        if (*p)
            p++;
    }
}

typedef struct ex_ctx {
    size_t n;
} ex_ctx;

static int explain_finding(const mxh_finding *f, void *ud)
{
    ex_ctx *c = ud;
    c->n++;
    fputs("    => ", stdout);
    cli_text_safe(stdout, mxh_severity_name(mxh_finding_severity(f)));
    fputs(" ", stdout);
    cli_text_safe(stdout, mxh_finding_rule(f));
    fputs(" ", stdout);
    cli_text_safe(stdout, mxh_finding_owner(f));
    fprintf(stdout, " (line %lu): ", mxh_finding_line(f));
    cli_text_safe(stdout, mxh_finding_message(f));
    fputc('\n', stdout);
    if (mxh_finding_kind_of(f) == MXH_FINDING && mxh_finding_fix(f) && *mxh_finding_fix(f)) {
        fputs("       fix: ", stdout);
        cli_text_safe(stdout, mxh_finding_fix(f));
        fputc('\n', stdout);
    }
    return 0;
}

/* Load the rule's example zone and run the rule over it, to show the
 * finding it produces (and to prove the example still does). */
static void explain_run_example(mxh_engine *e, const mxh_rule *r, const char *example)
{
    mxh_zoneset *zs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK)
        return;
    char name[300];
    snprintf(name, sizeof name, "example:%s", mxh_rule_id(r));
    /* An example may carry inventory lines as comments,
     * "; inventory: SERVER ADDRESS[,ADDRESS...] DOMAIN...": load them too. */
    size_t elen = strlen(example), ilen = 0;
    char *inv = cli_xmalloc(elen + 1);
    for (const char *p = example; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *q = p, *end = p + n;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q == ';') {
            q++;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if ((size_t)(end - q) > 10 && strncmp(q, "inventory:", 10) == 0) {
                q += 10;
                memcpy(inv + ilen, q, (size_t)(end - q));
                ilen += (size_t)(end - q);
                inv[ilen++] = '\n';
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (ilen) {
        char iname[320];
        snprintf(iname, sizeof iname, "%s:inventory", name);
        mxh_zoneset_load_inventory_buffer(zs, iname, inv, ilen);
    }
    free(inv);
    mxh_zone *z = NULL;
    mxh_status st = mxh_zoneset_load_buffer(zs, name, example, strlen(example), NULL, &z);
    if (!z) {
        printf("    (the example did not load: %s)\n", mxh_zoneset_errmsg(zs));
        mxh_zoneset_free(zs);
        return;
    }
    (void)st;
    ex_ctx c = {0};
    if (mxh_engine_select(e, mxh_rule_id(r), NULL) == MXH_OK)
        mxh_engine_scan_zone(e, zs, z, explain_finding, &c);
    if (c.n == 0)
        fputs("    (no finding: the example does not trigger the rule)\n", stdout);
    mxh_zoneset_free(zs);
}

int cli_cmd_explain(int argc, char **argv)
{
    cli_scan_opts o;
    int rc = cli_parse_opts(&o, "explain", argc, argv);
    if (rc) {
        cli_opts_free(&o);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (o.paths.n != 1) {
        rc = cli_usage_error("explain", o.paths.n ? "explain takes one rule id"
                                                  : "which rule? ('mxhazard rules' lists them)");
        cli_opts_free(&o);
        return rc;
    }
    int usage = 0;
    mxh_engine *e = cli_engine_make(&o, 1, &usage);
    if (!e) {
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    const char *id = o.paths.v[0];
    const mxh_rule *r = mxh_engine_find_rule(e, id);
    if (!r) {
        rc = cli_usage_error("explain", "no rule '%s' ('mxhazard rules' lists them)", id);
        mxh_engine_free(e);
        cli_opts_free(&o);
        return rc;
    }
    cli_text_safe(stdout, mxh_rule_id(r));
    printf(" (%s) - ", mxh_severity_name(mxh_rule_severity(r)));
    cli_text_safe(stdout, mxh_rule_title(r));
    fputs("\n  defined in ", stdout);
    cli_text_safe(stdout, mxh_rule_file(r));
    fputs("\n\n", stdout);
    const char *desc = mxh_rule_description(r);
    if (desc && *desc) {
        indent_block(desc, "  ");
        fputc('\n', stdout);
    }
    size_t nref = mxh_rule_reference_count(r);
    if (nref) {
        fputs("References:\n", stdout);
        for (size_t k = 0; k < nref; k++) {
            fputs("  - ", stdout);
            cli_text_safe(stdout, mxh_rule_reference(r, k));
            fputc('\n', stdout);
        }
        fputc('\n', stdout);
    }
    const char *ex = mxh_rule_example(r);
    if (ex && *ex) {
        fputs("Example zone that triggers it:\n", stdout);
        indent_block(ex, "    ");
        fputs("  gives:\n", stdout);
        explain_run_example(e, r, ex);
        fputc('\n', stdout);
    }
    const char *fix = mxh_rule_fix(r);
    if (fix && *fix) {
        fputs("Fix:\n", stdout);
        indent_block(fix, "  ");
    }
    mxh_engine_free(e);
    cli_opts_free(&o);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */

static int print_version(void)
{
    printf("mxhazard %s (libmxhazard %s)\n", MXH_VERSION_STRING, mxh_version());
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(NULL, "no command given (scan, route, rules, explain, help)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cli_help(NULL, stdout);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0)
        return print_version();
    if (strcmp(cmd, "help") == 0) {
        if (argc > 3)
            return cli_usage_error(NULL, "help takes at most one command");
        return cli_help(argc == 3 ? argv[2] : NULL, stdout);
    }
    if (strcmp(cmd, "scan") == 0) {
        cli_heap_setup();
        return cli_cmd_scan(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "route") == 0)
        return cli_cmd_route(argc - 2, argv + 2);
    if (strcmp(cmd, "rules") == 0)
        return cli_cmd_rules(argc - 2, argv + 2);
    if (strcmp(cmd, "explain") == 0)
        return cli_cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "plan") == 0 && mxh_cli_plan)
        return mxh_cli_plan(argc - 1, argv + 1);
    if (strcmp(cmd, "diff") == 0 && mxh_cli_diff)
        return mxh_cli_diff(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage_error(NULL, "unknown option '%s' (options go after the command)", cmd);
    return cli_usage_error(NULL, "no command '%s' (scan, route, rules, explain, help)", cmd);
}

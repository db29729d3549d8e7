/* SPDX-License-Identifier: MIT */
/* engine.c — build a rule engine configured from the command line. Every
 * scanning thread gets one made by this function, so all are identical. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

mxh_engine *cli_engine_make(const cli_scan_opts *o, int notices, int *usage)
{
    mxh_engine *e = NULL;
    *usage = 0;
    mxh_status st = mxh_engine_new(NULL, &e);
    if (st != MXH_OK) {
        fprintf(stderr, "mxhazard: cannot start the rule engine: %s\n",
                e ? mxh_engine_errmsg(e) : mxh_strerror(st));
        mxh_engine_free(e);
        return NULL;
    }
    for (size_t i = 0; i < o->rules_dirs.n; i++) {
        st = mxh_engine_load_rules(e, o->rules_dirs.v[i]);
        if (st != MXH_OK) {
            /* A rule the user asked for cannot be used: a usage error, as
             * the scan would silently miss what the rule checks. */
            fprintf(stderr, "mxhazard: --rules %s: %s\n", o->rules_dirs.v[i],
                    mxh_engine_errmsg(e));
            *usage = 1;
            mxh_engine_free(e);
            return NULL;
        }
    }
    if (notices && !o->quiet) {
        for (size_t i = 0; i < mxh_engine_notice_count(e); i++)
            fprintf(stderr, "mxhazard: notice: %s\n", mxh_engine_notice(e, i));
    }
    if (o->only || o->skip) {
        st = mxh_engine_select(e, o->only, o->skip);
        if (st != MXH_OK) {
            cli_usage_error(o->cmd, "%s%s", mxh_engine_errmsg(e),
                            st == MXH_ERR_NOTFOUND ? " ('mxhazard rules' lists the rules)" : "");
            *usage = 1;
            mxh_engine_free(e);
            return NULL;
        }
    }
    for (size_t i = 0; i < o->severities.n; i++) {
        const char *arg = o->severities.v[i];
        const char *eq = strchr(arg, '=');
        mxh_severity sev;
        if (!eq || eq == arg || mxh_severity_parse(eq + 1, &sev) != MXH_OK) {
            cli_usage_error(o->cmd, "--severity wants ID=LEVEL with LEVEL error, warning or "
                                    "info, not '%s'", arg);
            *usage = 1;
            mxh_engine_free(e);
            return NULL;
        }
        char *id = cli_xstrdup(arg);
        id[eq - arg] = 0;
        st = mxh_engine_set_severity(e, id, sev);
        if (st != MXH_OK) {
            cli_usage_error(o->cmd, "--severity %s: %s", id,
                            st == MXH_ERR_NOTFOUND ? "no such rule ('mxhazard rules' lists them)"
                                                   : mxh_engine_errmsg(e));
            free(id);
            *usage = 1;
            mxh_engine_free(e);
            return NULL;
        }
        free(id);
    }
    return e;
}

/*
 * panel_precheck.c — what a hosting control panel runs before it saves a
 * customer's DNS edit: apply the pending changes to a copy of the zone,
 * compare where mail goes before and after, and refuse the edit if mail
 * would break, or would move although no MX record was touched (the web
 * apex moving to a CDN and dragging `MX 10 example.com.` along).
 *
 * Usage: panel_precheck [--inventory FILE] ZONE_FILE CHANGE...
 *   CHANGE is one change line, e.g. 'set example.com. A 203.0.113.10'
 *   (set/add/del, see "What-if" in mxhazard.h); '-' reads change lines
 *   from standard input.
 *
 * Exit status:
 *   0  accept: mail goes where it went, or moves only because the MX
 *      records were edited on purpose, and no new error-level hazard
 *   1  refuse: mail for some domain breaks or moves by a non-MX change,
 *      or the edit introduces an error-level hazard (the reasons and a
 *      safe order of steps are printed)
 *   2  the zone or a change could not be read or applied (nothing judged)
 */
#include <mxhazard.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_stdin(size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *p = cap < ((size_t)64 << 20) ? realloc(buf, cap *= 2) : NULL;
            if (p == NULL)
                free(buf);
            buf = p;
        }
    }
    *len = n;
    return buf;
}

/* Print why domain d is refused, and the steps that would keep its mail. */
static void explain(const mxh_whatif_domain *d)
{
    printf("REFUSE %s: %s\n", mxh_whatif_domain_name(d), mxh_whatif_domain_reason(d));
    for (size_t i = 0; i < mxh_whatif_domain_target_count(d, 0); i++)
        printf("  mail went to   %s\n", mxh_whatif_domain_target(d, 0, i));
    for (size_t i = 0; i < mxh_whatif_domain_target_count(d, 1); i++) {
        const char *t = mxh_whatif_domain_target(d, 1, i), *cdn = mxh_whatif_domain_target_cdn(d, 1, i);
        if (cdn)
            printf("  mail would go  %s (a %s address: it does not accept mail)\n", t, cdn);
        else
            printf("  mail would go  %s\n", t);
    }
    if (mxh_whatif_domain_target_count(d, 1) == 0)
        printf("  mail would go  nowhere\n");
    size_t nfix = mxh_whatif_domain_fix_count(d);
    if (nfix > 0) {
        printf("  safe order: first\n");
        for (size_t i = 0; i < nfix; i++)
            printf("    %s\n", mxh_whatif_domain_fix(d, i));
        printf("  then the edit%s\n", mxh_whatif_domain_fix_verified(d) ? " (checked: mail stays)" : "");
    }
}

int main(int argc, char **argv)
{
    const char *inventory = NULL;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "--inventory") == 0) {
        inventory = argv[a + 1];
        a += 2;
    }
    if (argc - a < 2) {
        fprintf(stderr, "usage: panel_precheck [--inventory FILE] ZONE_FILE CHANGE...\n");
        return 2;
    }
    mxh_zoneset *before = NULL, *after = NULL;
    mxh_changeset *cs = NULL;
    mxh_whatif *w = NULL;
    mxh_engine *e = NULL;
    int verdict = 2;

    if (mxh_zoneset_new(&before) != MXH_OK || mxh_changeset_new(&cs) != MXH_OK)
        goto out;
    /* The zone as it is now must load completely, or the judgement means nothing. */
    if (mxh_zoneset_load_file(before, argv[a], NULL, NULL) != MXH_OK) {
        fprintf(stderr, "panel_precheck: %s\n", mxh_zoneset_errmsg(before));
        goto out;
    }
    if (inventory && mxh_zoneset_load_inventory(before, inventory) != MXH_OK) {
        fprintf(stderr, "panel_precheck: %s\n", mxh_zoneset_errmsg(before));
        goto out;
    }
    for (int i = a + 1; i < argc; i++) {
        mxh_status st;
        if (strcmp(argv[i], "-") == 0) {
            size_t len = 0;
            char *buf = read_stdin(&len);
            st = buf ? mxh_changeset_load_buffer(cs, "stdin", buf, len) : MXH_ERR_NOMEM;
            free(buf);
        } else {
            char src[32];
            snprintf(src, sizeof src, "change #%d", i - a);
            st = mxh_changeset_add(cs, argv[i], src, 0);
        }
        if (st != MXH_OK) {
            fprintf(stderr, "panel_precheck: %s\n", mxh_changeset_errmsg(cs));
            goto out;
        }
    }
    if (mxh_changeset_apply(cs, before, &after) != MXH_OK) {
        for (size_t i = 0; after && i < mxh_zoneset_diag_count(after); i++) {
            const mxh_diag *dg = mxh_zoneset_diag(after, i);
            if (mxh_diag_level_of(dg) != MXH_DIAG_ERROR)
                continue;
            if (mxh_diag_line(dg) > 0)
                fprintf(stderr, "panel_precheck: %s:%lu: %s\n", mxh_diag_file(dg),
                        mxh_diag_line(dg), mxh_diag_message(dg));
            else
                fprintf(stderr, "panel_precheck: %s: %s\n", mxh_diag_file(dg), mxh_diag_message(dg));
        }
        goto out;
    }
    if (mxh_whatif_compare(before, after, NULL, &w) != MXH_OK ||
        mxh_whatif_plan_fixes(w, cs) != MXH_OK || mxh_engine_new(NULL, &e) != MXH_OK ||
        mxh_whatif_scan(w, e) != MXH_OK)
        goto out;

    verdict = 0;
    for (size_t i = 0; i < mxh_whatif_domain_count(w); i++) {
        const mxh_whatif_domain *d = mxh_whatif_domain_at(w, i);
        mxh_mail_change c = mxh_whatif_domain_change(d);
        if (c == MXH_MAIL_BROKEN || c == MXH_MAIL_MOVED_NON_MX) {
            explain(d);
            verdict = 1;
        } else if (c == MXH_MAIL_MOVED) {
            printf("note %s: %s\n", mxh_whatif_domain_name(d), mxh_whatif_domain_reason(d));
        }
    }
    for (size_t i = 0; i < mxh_whatif_finding_count(w); i++) {
        const mxh_whatif_finding *f = mxh_whatif_finding_at(w, i);
        if (!mxh_whatif_finding_introduced(f) || mxh_whatif_finding_severity(f) != MXH_SEV_ERROR)
            continue;
        printf("REFUSE %s: new hazard %s: %s\n", mxh_whatif_finding_owner(f),
               mxh_whatif_finding_rule(f), mxh_whatif_finding_message(f));
        verdict = 1;
    }
    if (verdict == 0)
        printf("ACCEPT: no mail breaks or moves behind the MX records' back\n");
out:
    mxh_engine_free(e);
    mxh_whatif_free(w);
    mxh_zoneset_free(after);
    mxh_changeset_free(cs);
    mxh_zoneset_free(before);
    return verdict;
}

/* SPDX-License-Identifier: MIT */
/*
 * findings.c — finding lists: copies of the findings a scan reports, owned
 * by the list, so they outlive the callback, the engine and the zone set.
 * Written against the public API only (mxhazard.h).
 */
#include "mxhazard.h"

#include <stdlib.h>
#include <string.h>

typedef struct fl_evidence {
    char *file;
    unsigned long line;
    char *text;
} fl_evidence;

typedef struct fl_item {
    mxh_finding_kind kind;
    mxh_severity sev;
    char *rule, *zone, *owner, *message, *fix, *file;
    unsigned long line;
    fl_evidence *ev;
    size_t nev;
} fl_item;

struct mxh_findinglist {
    fl_item *items;
    size_t n, cap;
    mxh_status status; /* sticky MXH_ERR_NOMEM after a failed copy */
};

static char *dup_or_empty(const char *s)
{
    if (s == NULL)
        s = "";
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static void item_free(fl_item *it)
{
    free(it->rule);
    free(it->zone);
    free(it->owner);
    free(it->message);
    free(it->fix);
    free(it->file);
    for (size_t j = 0; j < it->nev; j++) {
        free(it->ev[j].file);
        free(it->ev[j].text);
    }
    free(it->ev);
    memset(it, 0, sizeof *it);
}

mxh_status mxh_findinglist_new(mxh_findinglist **out)
{
    if (out == NULL)
        return MXH_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? MXH_OK : MXH_ERR_NOMEM;
}

void mxh_findinglist_clear(mxh_findinglist *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        item_free(&l->items[i]);
    l->n = 0;
    l->status = MXH_OK;
}

void mxh_findinglist_free(mxh_findinglist *l)
{
    if (l == NULL)
        return;
    mxh_findinglist_clear(l);
    free(l->items);
    free(l);
}

static mxh_status copy_finding(fl_item *it, const mxh_finding *f)
{
    memset(it, 0, sizeof *it);
    it->kind = mxh_finding_kind_of(f);
    it->sev = mxh_finding_severity(f);
    it->line = mxh_finding_line(f);
    it->rule = dup_or_empty(mxh_finding_rule(f));
    it->zone = dup_or_empty(mxh_finding_zone(f));
    it->owner = dup_or_empty(mxh_finding_owner(f));
    it->message = dup_or_empty(mxh_finding_message(f));
    it->fix = dup_or_empty(mxh_finding_fix(f));
    it->file = dup_or_empty(mxh_finding_file(f));
    if (!it->rule || !it->zone || !it->owner || !it->message || !it->fix || !it->file)
        return MXH_ERR_NOMEM;
    size_t nev = mxh_finding_evidence_count(f);
    if (nev > 0) {
        it->ev = calloc(nev, sizeof *it->ev);
        if (it->ev == NULL)
            return MXH_ERR_NOMEM;
        for (size_t j = 0; j < nev; j++) {
            fl_evidence *e = &it->ev[j];
            it->nev = j + 1; /* item_free sees what was started */
            e->line = mxh_finding_evidence_line(f, j);
            e->file = dup_or_empty(mxh_finding_evidence_file(f, j));
            e->text = dup_or_empty(mxh_finding_evidence_text(f, j));
            if (!e->file || !e->text)
                return MXH_ERR_NOMEM;
        }
    }
    return MXH_OK;
}

mxh_status mxh_findinglist_add(mxh_findinglist *l, const mxh_finding *f)
{
    if (l == NULL || f == NULL)
        return MXH_ERR_ARG;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        if (ncap > (size_t)-1 / sizeof *l->items) {
            l->status = MXH_ERR_NOMEM;
            return MXH_ERR_NOMEM;
        }
        fl_item *p = realloc(l->items, ncap * sizeof *p);
        if (p == NULL) {
            l->status = MXH_ERR_NOMEM;
            return MXH_ERR_NOMEM;
        }
        l->items = p;
        l->cap = ncap;
    }
    fl_item *it = &l->items[l->n];
    if (copy_finding(it, f) != MXH_OK) {
        item_free(it);
        l->status = MXH_ERR_NOMEM;
        return MXH_ERR_NOMEM;
    }
    l->n++;
    return MXH_OK;
}

int mxh_findings_collect(const mxh_finding *f, void *list)
{
    mxh_findinglist *l = list;
    if (l == NULL)
        return 1;
    return mxh_findinglist_add(l, f) == MXH_OK ? 0 : 1;
}

mxh_status mxh_findinglist_status(const mxh_findinglist *l)
{
    if (l == NULL)
        return MXH_ERR_ARG;
    return l->status;
}

mxh_status mxh_engine_scan_collect(mxh_engine *e, const mxh_zoneset *zs, const mxh_zone *z,
                                   mxh_findinglist *l)
{
    if (e == NULL || zs == NULL || l == NULL)
        return MXH_ERR_ARG;
    mxh_status before = l->status;
    l->status = MXH_OK;
    mxh_status st = z ? mxh_engine_scan_zone(e, zs, z, mxh_findings_collect, l)
                      : mxh_engine_scan(e, zs, mxh_findings_collect, l);
    mxh_status copy = l->status;
    if (before != MXH_OK)
        l->status = before;
    if (copy != MXH_OK)
        return copy;
    return st;
}

static const fl_item *item_at(const mxh_findinglist *l, size_t i)
{
    if (l == NULL || i >= l->n)
        return NULL;
    return &l->items[i];
}

static const fl_evidence *ev_at(const mxh_findinglist *l, size_t i, size_t j)
{
    const fl_item *it = item_at(l, i);
    if (it == NULL || j >= it->nev)
        return NULL;
    return &it->ev[j];
}

size_t mxh_findinglist_count(const mxh_findinglist *l) { return l ? l->n : 0; }

size_t mxh_findinglist_count_severity(const mxh_findinglist *l, mxh_severity sev)
{
    size_t c = 0;
    for (size_t i = 0; l && i < l->n; i++)
        if (l->items[i].sev == sev)
            c++;
    return c;
}

mxh_finding_kind mxh_findinglist_kind(const mxh_findinglist *l, size_t i)
{
    const fl_item *it = item_at(l, i);
    return it ? it->kind : MXH_FINDING;
}

mxh_severity mxh_findinglist_severity(const mxh_findinglist *l, size_t i)
{
    const fl_item *it = item_at(l, i);
    return it ? it->sev : MXH_SEV_INFO;
}

#define FL_STRING(field)                                                        \
    const char *mxh_findinglist_##field(const mxh_findinglist *l, size_t i)     \
    {                                                                           \
        const fl_item *it = item_at(l, i);                                      \
        return it ? it->field : NULL;                                           \
    }
FL_STRING(rule)
FL_STRING(zone)
FL_STRING(owner)
FL_STRING(message)
FL_STRING(fix)
FL_STRING(file)
#undef FL_STRING

unsigned long mxh_findinglist_line(const mxh_findinglist *l, size_t i)
{
    const fl_item *it = item_at(l, i);
    return it ? it->line : 0;
}

size_t mxh_findinglist_evidence_count(const mxh_findinglist *l, size_t i)
{
    const fl_item *it = item_at(l, i);
    return it ? it->nev : 0;
}

const char *mxh_findinglist_evidence_file(const mxh_findinglist *l, size_t i, size_t j)
{
    const fl_evidence *e = ev_at(l, i, j);
    return e ? e->file : NULL;
}

unsigned long mxh_findinglist_evidence_line(const mxh_findinglist *l, size_t i, size_t j)
{
    const fl_evidence *e = ev_at(l, i, j);
    return e ? e->line : 0;
}

const char *mxh_findinglist_evidence_text(const mxh_findinglist *l, size_t i, size_t j)
{
    const fl_evidence *e = ev_at(l, i, j);
    return e ? e->text : NULL;
}

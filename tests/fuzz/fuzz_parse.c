/*
 * mxh_zoneset_parse_buffer against mxh_zoneset_load_buffer on the same
 * input (detected format; master file with an origin): the same status, the
 * same records field by field in the same order, the same diagnostics. Then
 * a parse told to stop at the k-th record (k from the input) hands over
 * exactly k records, or all there are. Any difference aborts.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <string.h>

typedef struct rec_list {
    char *text;
    size_t len, cap, n, stop_at;
} rec_list;

static void put(rec_list *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4096;
        while (nc < l->len + n + 1)
            nc *= 2;
        char *nb = realloc(l->text, nc);
        if (!nb)
            abort();
        l->text = nb;
        l->cap = nc;
    }
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len] = '\0';
}

static void put_rr(rec_list *l, const mxh_rr *rr)
{
    char f[2048], b[8192];
    mxh_rr_format(rr, f, sizeof f);
    const char *t = mxh_rr_target(rr);
    int n = snprintf(b, sizeof b, "%s|%s|%s|%s|%u|%d|%s:%lu|%s\n", f, mxh_rr_owner(rr),
                     mxh_rr_rdata_text(rr), t ? t : "-", mxh_rr_preference(rr),
                     mxh_rr_target_relative(rr), mxh_rr_file(rr), mxh_rr_line(rr),
                     mxh_rr_owner_text(rr));
    put(l, b, n < 0 ? 0 : (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
    l->n++;
}

static void put_diags(rec_list *l, const mxh_zoneset *zs)
{
    char b[2048];
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        int n = snprintf(b, sizeof b, "diag %d %s:%lu %s\n", (int)mxh_diag_level_of(d),
                         mxh_diag_file(d), mxh_diag_line(d), mxh_diag_message(d));
        put(l, b, n < 0 ? 0 : (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
    }
}

static int on_rr(const mxh_rr *rr, void *ud)
{
    rec_list *l = ud;
    put_rr(l, rr);
    return l->stop_at && l->n == l->stop_at;
}

static void one(const uint8_t *data, size_t size, mxh_format fmt, const char *origin, size_t k)
{
    mxh_load_opts o = {0};
    o.format = fmt;
    o.origin = origin;
    mxh_zoneset *a = NULL, *b = NULL;
    if (mxh_zoneset_new(&a) != MXH_OK || mxh_zoneset_new(&b) != MXH_OK)
        abort();
    rec_list la = {0}, lb = {0};
    mxh_zone *z = NULL;
    mxh_status sa = mxh_zoneset_load_buffer(a, "fuzz.zone", (const char *)data, size, &o, &z);
    if (z)
        for (size_t i = 0; i < mxh_zone_record_count(z); i++)
            put_rr(&la, mxh_zone_record(z, i));
    put_diags(&la, a);
    mxh_status sb = mxh_zoneset_parse_buffer(b, "fuzz.zone", (const char *)data, size, &o, on_rr,
                                             &lb);
    put_diags(&lb, b);
    if (sa != sb || la.n != lb.n || la.len != lb.len ||
        (la.len && memcmp(la.text, lb.text, la.len) != 0) || mxh_zoneset_zone_count(b) != 0) {
        fprintf(stderr, "load (%s):\n%s\nparse (%s):\n%s\n", mxh_strerror(sa),
                la.text ? la.text : "", mxh_strerror(sb), lb.text ? lb.text : "");
        abort();
    }
    /* stopping at record k */
    size_t all = lb.n;
    mxh_zoneset_free(b);
    if (mxh_zoneset_new(&b) != MXH_OK)
        abort();
    rec_list ls = {0};
    ls.stop_at = k;
    (void)mxh_zoneset_parse_buffer(b, "fuzz.zone", (const char *)data, size, &o, on_rr, &ls);
    if (ls.n != (k < all ? k : all) || (ls.len && memcmp(ls.text, lb.text, ls.len) != 0))
        abort();
    free(la.text);
    free(lb.text);
    free(ls.text);
    mxh_zoneset_free(a);
    mxh_zoneset_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t k = size ? (size_t)data[0] % 8 + 1 : 1;
    one(data, size, MXH_FMT_AUTO, NULL, k);
    one(data, size, MXH_FMT_BIND, "example.com.", k);
    return 0;
}

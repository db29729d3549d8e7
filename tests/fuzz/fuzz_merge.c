/* Differential harness for mxh_zoneset_merge: the input is cut into up to 8
 * zone files (at lines "%%"); each gets a file name from a small pool, so
 * duplicate and nested origins are common. Loading them all into one zone
 * set and loading them into two sets joined by a merge must give the same
 * zones, records, diagnostics and mail routes; anything else aborts. */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
    "example.com.zone", "sub.example.com.zone", "a.sub.example.com.zone",
    "example.net.zone", "example.com.zone", "notes.txt", "db.example.org", "com.zone",
};

typedef struct text {
    char *s;
    size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[2048];
    int w = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (w < 0)
        abort();
    size_t k = (size_t)w < sizeof buf ? (size_t)w : sizeof buf - 1;
    if (t->n + k + 1 > t->cap) {
        t->cap = (t->n + k + 1) * 2;
        t->s = realloc(t->s, t->cap);
        if (!t->s)
            abort();
    }
    memcpy(t->s + t->n, buf, k);
    t->n += k;
    t->s[t->n] = 0;
}

static void describe(const mxh_zoneset *zs, text *t)
{
    put(t, "records %zu\n", mxh_zoneset_record_count(zs));
    for (size_t i = 0; i < mxh_zoneset_zone_count(zs); i++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, i);
        put(t, "zone %s %s %zu %zu %d\n", mxh_zone_origin(z), mxh_zone_file(z),
            mxh_zone_record_count(z), mxh_zone_rejected_count(z), mxh_zone_shadowed(z));
        for (size_t k = 0; k < mxh_zone_record_count(z); k++) {
            const mxh_rr *rr = mxh_zone_record(z, k);
            char b[1500];
            mxh_rr_format(rr, b, sizeof b);
            put(t, " %s [%s:%lu]\n", b, mxh_rr_file(rr), mxh_rr_line(rr));
        }
        mxh_route *r = NULL;
        if (mxh_mail_route(zs, mxh_zone_origin(z), &r) == MXH_OK) {
            put(t, " route %s", mxh_route_kind_name(mxh_route_kind_of(r)));
            for (size_t k = 0; k < mxh_route_exchange_count(r); k++) {
                const mxh_exchange *x = mxh_route_exchange(r, k);
                put(t, " %s=%s", mxh_exchange_name(x),
                    mxh_exchange_status_name(mxh_exchange_status_of(x)));
            }
            put(t, "\n");
            mxh_route_free(r);
        }
    }
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        const mxh_zone *z = mxh_diag_zone(d);
        put(t, "diag %d %s:%lu [%s] %s\n", (int)mxh_diag_level_of(d), mxh_diag_file(d),
            mxh_diag_line(d), z ? mxh_zone_origin(z) : "-", mxh_diag_message(d));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t cut = data[0] % 9; /* parts [0, cut) load into the first set */
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    const char *part[8];
    size_t len[8], np = 0;
    while (np < 8) {
        const char *sep = NULL;
        for (const char *q = p; q + 3 <= end; q++)
            if (q[0] == '%' && q[1] == '%' && q[2] == '\n' && (q == p || q[-1] == '\n')) {
                sep = q;
                break;
            }
        part[np] = p;
        len[np] = (size_t)((sep ? sep : end) - p);
        np++;
        if (!sep)
            break;
        p = sep + 3;
    }

    mxh_zoneset *one = NULL, *a = NULL, *b = NULL;
    if (mxh_zoneset_new(&one) != MXH_OK || mxh_zoneset_new(&a) != MXH_OK ||
        mxh_zoneset_new(&b) != MXH_OK)
        abort();
    for (size_t i = 0; i < np; i++) {
        const char *nm = names[(i * 5 + (len[i] ? (unsigned char)part[i][0] : 0)) % 8];
        (void)mxh_zoneset_load_buffer(one, nm, part[i], len[i], NULL, NULL);
        (void)mxh_zoneset_load_buffer(i < cut ? a : b, nm, part[i], len[i], NULL, NULL);
    }
    if (mxh_zoneset_merge(a, b) != MXH_OK)
        abort();
    text x = {0}, y = {0};
    describe(one, &x);
    describe(a, &y);
    if (x.n != y.n || memcmp(x.s, y.s, x.n) != 0) {
        fprintf(stderr, "--- one set\n%s\n--- merged at %zu\n%s\n", x.s, cut, y.s);
        abort();
    }
    free(x.s);
    free(y.s);
    mxh_zoneset_free(one);
    mxh_zoneset_free(a);
    return 0;
}

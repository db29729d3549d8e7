/* Master file, then mxh_mail_route over every owner and the built-in rules. */
#include "fuzz_common.h"

static mxh_engine *engine;

static int count_finding(const mxh_finding *f, void *ud)
{
    (void)mxh_finding_rule(f);
    ++*(size_t *)ud;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    if (!engine && mxh_engine_new(NULL, &engine) != MXH_OK)
        abort();
    mxh_zoneset *zs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK)
        abort();
    mxh_load_opts o = {0};
    o.format = MXH_FMT_AUTO;
    o.origin = (size > 0 && (data[0] & 1)) ? "example.com" : NULL;
    (void)mxh_zoneset_load_buffer(zs, "fuzz.zone", (const char *)data, size, &o, NULL);
    for (size_t zi = 0; zi < mxh_zoneset_zone_count(zs); zi++) {
        const mxh_zone *z = mxh_zoneset_zone(zs, zi);
        for (size_t i = 0; i < mxh_zone_record_count(z); i++) {
            mxh_route *rt = NULL;
            if (mxh_mail_route(zs, mxh_rr_owner(mxh_zone_record(z, i)), &rt) == MXH_OK && rt) {
                for (size_t s = 0; s < mxh_route_step_count(rt); s++)
                    (void)mxh_route_step(rt, s);
                mxh_route_free(rt);
            }
        }
    }
    size_t n = 0;
    (void)mxh_engine_scan(engine, zs, count_finding, &n);
    mxh_zoneset_free(zs);
    return 0;
}

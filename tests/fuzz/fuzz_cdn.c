/* CDN range files through mxh_cdn_ranges_load_buffer, then lookups. */
#include "fuzz_common.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mxh_cdn_ranges *r = NULL;
    if (mxh_cdn_ranges_new(&r) != MXH_OK)
        abort();
    (void)mxh_cdn_ranges_load_buffer(r, "fuzz.cdn", (const char *)data, size);
    (void)mxh_cdn_ranges_errmsg(r);
    (void)mxh_cdn_provider(r, "192.0.2.1");
    (void)mxh_cdn_provider(r, "104.16.0.1");
    (void)mxh_cdn_provider(r, "2001:db8::1");
    (void)mxh_cdn_provider(r, "::");
    mxh_cdn_ranges_free(r);
    return 0;
}

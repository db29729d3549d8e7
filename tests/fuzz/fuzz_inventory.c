/* Shared-host inventory through mxh_zoneset_load_inventory_buffer. */
#include "fuzz_common.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mxh_zoneset *zs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK)
        abort();
    (void)mxh_zoneset_load_inventory_buffer(zs, "fuzz.inv", (const char *)data, size);
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++)
        (void)mxh_diag_message(mxh_zoneset_diag(zs, i));
    mxh_zoneset_free(zs);
    return 0;
}

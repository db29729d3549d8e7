/* Control-panel table (MXH_FMT_TABLE), with and without an origin. */
#include "fuzz_common.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_zone(data, size, MXH_FMT_TABLE, "example.com");
    fuzz_load_zone(data, size, MXH_FMT_TABLE, NULL);
    return 0;
}

/* Master file (RFC 1035) through mxh_zoneset_load_buffer, MXH_FMT_BIND. */
#include "fuzz_common.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_zone(data, size, MXH_FMT_BIND, NULL);
    fuzz_load_zone(data, size, MXH_FMT_BIND, "example.com.");
    return 0;
}

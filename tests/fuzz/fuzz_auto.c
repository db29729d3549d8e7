/* Any zone text with format detection (MXH_FMT_AUTO). */
#include "fuzz_common.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_zone(data, size, MXH_FMT_AUTO, NULL);
    return 0;
}

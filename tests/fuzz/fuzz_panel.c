/* Registrar panel text (MXH_FMT_VALUEDOMAIN), origin given. */
#include "fuzz_common.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_zone(data, size, MXH_FMT_VALUEDOMAIN, "example.jp");
    return 0;
}

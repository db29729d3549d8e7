/* Shared helpers for the libFuzzer harnesses in tests/fuzz/. */
#ifndef MXH_FUZZ_COMMON_H
#define MXH_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "mxhazard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Load data as one zone of a fresh zone set with the given format/origin. */
static inline void fuzz_load_zone(const uint8_t *data, size_t size, mxh_format fmt, const char *origin)
{
    mxh_zoneset *zs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK)
        abort();
    mxh_load_opts o = {0};
    o.format = fmt;
    o.origin = origin;
    (void)mxh_zoneset_load_buffer(zs, "fuzz.zone", (const char *)data, size, &o, NULL);
    /* Touch every diagnostic so stale pointers show up under ASan. */
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        if (!mxh_diag_file(d) || !mxh_diag_message(d))
            abort();
    }
    (void)mxh_zoneset_errmsg(zs);
    mxh_zoneset_free(zs);
}
#endif

/* Changesets: parse the input, apply it to a small fixed zone set. */
#include <string.h>
#include "fuzz_common.h"

static const char base_zone[] =
    "$ORIGIN example.com.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ IN NS ns1\n@ IN MX 10 mail\n@ IN MX 20 mx2.example.net.\n"
    "@ IN A 192.0.2.1\nmail IN A 192.0.2.25\nwww IN CNAME @\n"
    "*.w IN A 192.0.2.9\n@ IN TXT \"v=spf1 mx -all\"\nsub IN NS ns.sub\nns.sub IN A 192.0.2.53\n";
static const char base_inv[] = "srv1 192.0.2.1 example.com other.example\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mxh_zoneset *zs = NULL, *out = NULL;
    mxh_changeset *cs = NULL;
    if (mxh_zoneset_new(&zs) != MXH_OK || mxh_changeset_new(&cs) != MXH_OK)
        abort();
    mxh_load_opts o = {0};
    o.format = MXH_FMT_BIND;
    if (mxh_zoneset_load_buffer(zs, "base.zone", base_zone, strlen(base_zone), &o, NULL) != MXH_OK)
        abort();
    if (mxh_zoneset_load_inventory_buffer(zs, "base.inv", base_inv, strlen(base_inv)) != MXH_OK)
        abort();
    /* The first byte chooses whether relative names have an origin. */
    if (size > 0 && (data[0] & 1))
        (void)mxh_changeset_set_origin(cs, "example.com");
    (void)mxh_changeset_load_buffer(cs, "fuzz.changes", (const char *)data, size);
    for (size_t i = 0; i < mxh_changeset_error_count(cs); i++)
        (void)mxh_changeset_error(cs, i);
    (void)mxh_changeset_apply(cs, zs, &out);
    if (out) {
        for (size_t i = 0; i < mxh_zoneset_diag_count(out); i++)
            (void)mxh_diag_message(mxh_zoneset_diag(out, i));
        mxh_zoneset_free(out);
    }
    mxh_changeset_free(cs);
    mxh_zoneset_free(zs);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * whatif.h — internals shared by core/whatif.c, core/cdn.c and the Lua glue
 * (bindings/lua/lua_cdn.c). Not installed.
 */
#ifndef MXH_WHATIF_H
#define MXH_WHATIF_H

#include "mxh_internal.h"

/* Lines of the tables that could not be read (the built-in one: always 0). */
MXH_HIDDEN size_t mxh_cdn_error_count(const mxh_cdn_ranges *r);

/*
 * Lua glue (bindings/lua/lua_cdn.c): mxh.cdn_provider(address) -> provider
 * name or nil. Register it in the `mxh` helper module. [-1, +1, e]
 */
struct lua_State;
MXH_HIDDEN int mxh_lua_cdn_provider(struct lua_State *L);

#endif /* MXH_WHATIF_H */

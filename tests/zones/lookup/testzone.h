/* SPDX-License-Identifier: MIT */
/*
 * Test helper for the lookup and route suites: build a zone straight from
 * lines "owner TYPE rdata" (no loader involved). Owners and the names in
 * MX/CNAME/NS/DNAME/PTR/SRV RDATA may be relative to the origin or "@".
 * Each line becomes one record of file "test:<origin>" at its line number.
 */
#ifndef MXH_TEST_TESTZONE_H
#define MXH_TEST_TESTZONE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "mxh_internal.h"

static inline mxh_rr *tz_add(mxh_zone *z, uint16_t file, uint32_t line, const char *text)
{
    char owner[MXH_NAME_BUF], type[32], cowner[MXH_NAME_BUF];
    int used = 0;
    ck_assert_msg(sscanf(text, "%1023s %31s %n", owner, type, &used) == 2, "bad line: %s", text);
    const char *rd = text + used;
    int rel = 0;
    int ol = mxh_name_canon(owner, strlen(owner), z->origin, cowner, sizeof cowner, &rel);
    ck_assert_msg(ol > 0, "bad owner: %s", text);
    uint16_t t = mxh_type_from_name(type);
    ck_assert_msg(t != 0, "bad type: %s", text);

    mxh_rr_in in;
    memset(&in, 0, sizeof in);
    in.owner = cowner;
    in.owner_len = (size_t)ol;
    in.owner_text = owner;
    in.type = t;
    in.rclass = 1;
    in.ttl = 3600;
    in.file = file;
    in.line = line;
    in.rdata_text = rd;
    if (rel)
        in.flags |= MXH_RR_OWNER_RELATIVE;

    char ctarget[MXH_NAME_BUF], canon_rd[2 * MXH_NAME_BUF];
    const char *tname = NULL;
    char prefix[64] = "";
    if (t == MXH_TYPE_MX) {
        unsigned pref;
        int u2 = 0;
        ck_assert_msg(sscanf(rd, "%u %n", &pref, &u2) == 1, "bad MX: %s", text);
        in.pref = (uint16_t)pref;
        snprintf(prefix, sizeof prefix, "%u ", pref);
        tname = rd + u2;
    } else if (t == MXH_TYPE_CNAME || t == MXH_TYPE_NS || t == MXH_TYPE_DNAME ||
               t == MXH_TYPE_PTR) {
        tname = rd;
    }
    if (tname) {
        size_t tl = strcspn(tname, " \t");
        int trel = 0;
        int n = mxh_name_canon(tname, tl, z->origin, ctarget, sizeof ctarget, &trel);
        ck_assert_msg(n > 0, "bad target: %s", text);
        in.target = ctarget;
        if (trel)
            in.flags |= MXH_RR_TARGET_RELATIVE;
        snprintf(canon_rd, sizeof canon_rd, "%s%s", prefix, ctarget);
        in.rdata = canon_rd;
    } else {
        in.rdata = rd;
    }
    mxh_rr *rr = mxh_zone_add(z, &in);
    ck_assert_msg(rr != NULL, "zone_add failed: %s", text);
    return rr;
}

/* A zone from NULL-terminated lines, finished. */
static inline mxh_zone *tz_zone(mxh_zoneset *zs, const char *origin, const char *const *lines)
{
    char co[MXH_NAME_BUF], fname[MXH_NAME_BUF + 8];
    ck_assert(mxh_name_from_user(origin, co, sizeof co) > 0);
    snprintf(fname, sizeof fname, "test:%s", co);
    uint16_t file = mxh_zs_file(zs, fname);
    mxh_zone *z = mxh_zone_create(zs, co, file, MXH_FMT_BIND);
    ck_assert_ptr_nonnull(z);
    for (uint32_t i = 0; lines[i]; i++)
        tz_add(z, file, i + 1, lines[i]);
    mxh_zone_finish(z);
    return z;
}

#define TZ(zs, origin, ...) tz_zone((zs), (origin), (const char *const[]){__VA_ARGS__, NULL})

#endif

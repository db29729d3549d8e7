/* SPDX-License-Identifier: MIT */
/*
 * ldns_dl.c — libldns loaded with dlopen when the library first needs it
 * (an RR type it does not parse itself; see ldns_dl.h for why). The soname
 * is the one the build found (MXH_LDNS_SONAME, from the Makefile), unless
 * the environment's MXH_LDNS_LIBRARY names another file.
 */
#include "mxh_internal.h"
#include "ldns_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MXH_LDNS_SONAME
#define MXH_LDNS_SONAME "libldns.so.3"
#endif

static mxh_ldns_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static atomic_int failed;   /* tried, and could not be loaded */
static char why_not[300];

/* dlsym gives an object pointer; POSIX guarantees it holds a function's. */
static int sym(void *h, const char *name, void *fp, size_t fpsz)
{
    void *p = dlsym(h, name);
    if (!p) {
        snprintf(why_not, sizeof why_not, "libldns has no %s", name);
        return -1;
    }
    memcpy(fp, &p, fpsz);
    return 0;
}

#define SYM(field, name)                                                       \
    if (sym(h, #name, &api.field, sizeof api.field) != 0) {                    \
        dlclose(h);                                                            \
        atomic_store(&failed, 1);                                              \
        return;                                                                \
    }

static void load(void)
{
    /* MXH_LDNS_LIBRARY names another libldns (a relocated install); the
     * tests use it to see what happens when there is none */
    const char *lib = getuid() == geteuid() && getgid() == getegid()
                          ? getenv("MXH_LDNS_LIBRARY") /* never in set-id programs */
                          : NULL;
    if (!lib || !*lib)
        lib = MXH_LDNS_SONAME;
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(why_not, sizeof why_not, "%s", e ? e : lib);
        atomic_store(&failed, 1);
        return;
    }
    SYM(rr_type2str, ldns_rr_type2str);
    SYM(dname_new_frm_str, ldns_dname_new_frm_str);
    SYM(rr_new_frm_str, ldns_rr_new_frm_str);
    SYM(rdf_deep_free, ldns_rdf_deep_free);
    SYM(rr_free, ldns_rr_free);
    SYM(get_errorstr_by_id, ldns_get_errorstr_by_id);
    SYM(rr_get_type, ldns_rr_get_type);
    SYM(rr_rd_count, ldns_rr_rd_count);
    SYM(rr_rdf, ldns_rr_rdf);
    SYM(rdf_get_type, ldns_rdf_get_type);
    SYM(dname2canonical, ldns_dname2canonical);
    SYM(rdf2str, ldns_rdf2str);
    SYM(rr_descript, ldns_rr_descript);
    SYM(get_rr_type_by_name, ldns_get_rr_type_by_name);
    loaded = 1; /* the handle stays open for the life of the process */
}

const mxh_ldns_api *mxh_ldns(const char **why)
{
    pthread_once(&once, load);
    if (!loaded) {
        if (why)
            *why = why_not;
        return NULL;
    }
    return &api;
}

const char *mxh_ldns_failure(void)
{
    return atomic_load(&failed) ? why_not : NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * ldns_dl.h — the few libldns functions the library uses, reached through a
 * table filled when one is first needed (core/ldns_dl.c). libldns brings
 * libssl and libcrypto with it, and loading the three at every start cost
 * about half of a scan's start-up; most zones never need them (only RR types
 * the library does not parse itself go to ldns). Not installed.
 */
#ifndef MXH_LDNS_DL_H
#define MXH_LDNS_DL_H

#include <ldns/ldns.h>

typedef struct mxh_ldns_api {
    __typeof__(&ldns_rr_type2str) rr_type2str;
    __typeof__(&ldns_dname_new_frm_str) dname_new_frm_str;
    __typeof__(&ldns_rr_new_frm_str) rr_new_frm_str;
    __typeof__(&ldns_rdf_deep_free) rdf_deep_free;
    __typeof__(&ldns_rr_free) rr_free;
    __typeof__(&ldns_get_errorstr_by_id) get_errorstr_by_id;
    __typeof__(&ldns_rr_get_type) rr_get_type;
    __typeof__(&ldns_rr_rd_count) rr_rd_count;
    __typeof__(&ldns_rr_rdf) rr_rdf;
    __typeof__(&ldns_rdf_get_type) rdf_get_type;
    __typeof__(&ldns_dname2canonical) dname2canonical;
    __typeof__(&ldns_rdf2str) rdf2str;
    __typeof__(&ldns_rr_descript) rr_descript;
    __typeof__(&ldns_get_rr_type_by_name) get_rr_type_by_name;
} mxh_ldns_api;

/* The table, libldns loaded on the first call (thread-safe); NULL when it
 * cannot be loaded, with *why (if why is not NULL) saying why. */
MXH_HIDDEN const mxh_ldns_api *mxh_ldns(const char **why);
/* Why libldns could not be loaded, if it was asked for and could not be;
 * else NULL (nothing is loaded by asking). */
MXH_HIDDEN const char *mxh_ldns_failure(void);

#endif /* MXH_LDNS_DL_H */

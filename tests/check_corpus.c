/* SPDX-License-Identifier: MIT */
/*
 * Every real-world zone file under ../shared/corpus/real/ loads without a
 * crash, and every entry ldns cannot parse gets a clear error diagnostic
 * from us naming that file and a line of that entry. Files are loaded as
 * master files with the origin from index.tsv, and once more with format
 * detection (which must not crash either).
 */
#include <check.h>
#include <dirent.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mxh_internal.h"

#define CORPUS "../shared/corpus"

static int corpus_present(void)
{
    struct stat st;
    return stat(CORPUS "/real", &st) == 0 && S_ISDIR(st.st_mode);
}

/* Origin of a corpus path from index.tsv, into out ("" if not listed). */
static void index_origin(const char *rel, char *out, size_t outsz, int *fragment)
{
    out[0] = '\0';
    *fragment = 0;
    FILE *fp = fopen(CORPUS "/index.tsv", "r");
    if (!fp)
        return;
    char line[8192];
    size_t rl = strlen(rel);
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, rel, rl) != 0 || line[rl] != '\t')
            continue;
        char *f = line;
        for (int k = 0; k < 6 && f; k++) {
            f = strchr(f, '\t');
            if (f)
                f++;
        }
        if (f) {
            char *end = strchr(f, '\t');
            if (end) {
                snprintf(out, outsz, "%.*s", (int)(end - f), f);
                *fragment = strncmp(end + 1, "yes", 3) == 0;
            }
        }
        break;
    }
    fclose(fp);
}

typedef struct stats {
    int files, records, ldns_errors, covered, fragments;
} stats;

static void check_file(const char *path, const char *rel, stats *sx, int damaged)
{
    char origin[512];
    int fragment;
    index_origin(rel, origin, sizeof origin, &fragment);

    mxh_zoneset *zs = NULL;
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    mxh_load_opts o;
    memset(&o, 0, sizeof o);
    o.format = MXH_FMT_BIND;
    o.origin = origin[0] ? origin : NULL;
    mxh_zone *z = NULL;
    mxh_status st = mxh_zoneset_load_file(zs, path, &o, &z);
    ck_assert_msg(st == MXH_OK || st == MXH_ERR_PARSE || st == MXH_ERR_INCLUDE,
                  "%s: %s (%s)", rel, mxh_strerror(st), mxh_zoneset_errmsg(zs));
    ck_assert_ptr_nonnull(z);
    if (!fragment && !damaged)
        ck_assert_msg(mxh_zone_record_count(z) > 0, "%s: no records", rel);
    sx->files++;
    sx->fragments += fragment;
    sx->records += (int)mxh_zone_record_count(z);
    /* each error has a file, a line and a message */
    for (size_t i = 0; i < mxh_zoneset_diag_count(zs); i++) {
        const mxh_diag *d = mxh_zoneset_diag(zs, i);
        ck_assert(mxh_diag_file(d)[0] != '\0');
        ck_assert(mxh_diag_message(d)[0] != '\0');
        if (mxh_diag_level_of(d) == MXH_DIAG_ERROR)
            ck_assert_msg(mxh_diag_line(d) > 0, "%s: error without a line: %s", rel,
                          mxh_diag_message(d));
    }

    /* ldns, entry by entry: each entry it refuses must have an error of ours */
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    ldns_rdf *orig = origin[0] ? ldns_dname_new_frm_str(origin) : NULL;
    ldns_rdf *prev = orig ? ldns_rdf_clone(orig) : NULL;
    uint32_t ttl = 3600;
    int line = 1, last = 1;
    while (!feof(fp)) {
        ldns_rr *rr = NULL;
        ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &orig, &prev, &line);
        if (rr)
            ldns_rr_free(rr);
        if (s != LDNS_STATUS_OK && s != LDNS_STATUS_SYNTAX_EMPTY && s != LDNS_STATUS_SYNTAX_TTL &&
            s != LDNS_STATUS_SYNTAX_ORIGIN && s != LDNS_STATUS_SYNTAX_INCLUDE) {
            sx->ldns_errors++;
            int found = 0;
            for (size_t i = 0; i < mxh_zoneset_diag_count(zs) && !found; i++) {
                const mxh_diag *d = mxh_zoneset_diag(zs, i);
                found = mxh_diag_level_of(d) == MXH_DIAG_ERROR && strcmp(mxh_diag_file(d), path) == 0 &&
                        (long)mxh_diag_line(d) >= last - 1 && (long)mxh_diag_line(d) <= line + 1;
            }
            ck_assert_msg(found, "%s:%d-%d: ldns refuses this entry (%s) but we gave no error", rel,
                          last, line, ldns_get_errorstr_by_id(s));
            sx->covered++;
        }
        last = line;
    }
    fclose(fp);
    if (orig)
        ldns_rdf_deep_free(orig);
    if (prev)
        ldns_rdf_deep_free(prev);
    mxh_zoneset_free(zs);

    /* format detection on the same file: any outcome but a crash */
    ck_assert_int_eq(mxh_zoneset_new(&zs), MXH_OK);
    st = mxh_zoneset_load_file(zs, path, NULL, &z);
    ck_assert_msg(st != MXH_ERR_NOMEM && st != MXH_ERR_IO, "%s: %s", rel, mxh_strerror(st));
    mxh_zoneset_free(zs);
}

START_TEST(test_real_corpus)
{
    if (!corpus_present()) {
        printf("corpus: %s/real not found, skipped\n", CORPUS);
        return;
    }
    stats sx = {0};
    DIR *top = opendir(CORPUS "/real");
    ck_assert_ptr_nonnull(top);
    struct dirent *de;
    while ((de = readdir(top))) {
        if (de->d_name[0] == '.')
            continue;
        char dir[1024];
        snprintf(dir, sizeof dir, CORPUS "/real/%s", de->d_name);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *fe;
        while ((fe = readdir(d))) {
            if (fe->d_name[0] == '.')
                continue;
            char path[2048], rel[1024];
            snprintf(path, sizeof path, "%s/%s", dir, fe->d_name);
            snprintf(rel, sizeof rel, "real/%s/%s", de->d_name, fe->d_name);
            struct stat st;
            if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            check_file(path, rel, &sx, 0);
        }
        closedir(d);
    }
    closedir(top);
    printf("corpus: %d real files (%d include fragments), %d records, %d entries ldns refuses, "
           "all with our diagnostic\n",
           sx.files, sx.fragments, sx.records, sx.ldns_errors);
    ck_assert_int_ge(sx.files, 150);
    ck_assert_int_gt(sx.records, 3000);
    ck_assert_int_eq(sx.covered, sx.ldns_errors);
}
END_TEST

/*
 * The real files say little about bad input (ldns reads nearly all of
 * them), so each is also damaged in a few seeded ways and checked the same
 * way: no crash, and every entry ldns refuses has an error of ours.
 */
static uint64_t mut_state;
static size_t mrnd(size_t n)
{
    mut_state ^= mut_state << 13;
    mut_state ^= mut_state >> 7;
    mut_state ^= mut_state << 17;
    return n ? (size_t)(mut_state % n) : 0;
}

static int mutate(const char *src, const char *dst, unsigned seed)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    if (n == 0)
        return -1;
    mut_state = 0x2545f4914f6cdd1dull + seed;
    FILE *out = fopen(dst, "wb");
    if (!out)
        return -1;
    /* garbage the two readers must both refuse */
    static const char *const junk[] = {"bogus A 1.2.3\n", "bogus MX 70000 mail\n",
                                       "bogus TXT \"unterminated\n", "bogus NOSUCHTYPE 1\n",
                                       "bogus A 192.0.2.1 extra\n", "$ORIGIN\n"};
    size_t cut = mrnd(n), ins = mrnd(n);
    while (ins > 0 && buf[ins - 1] != '\n')
        ins--;
    switch (seed % 3) {
    case 0: /* a junk line somewhere */
        fwrite(buf, 1, ins, out);
        fputs(junk[mrnd(sizeof junk / sizeof junk[0])], out);
        fwrite(buf + ins, 1, n - ins, out);
        break;
    case 1: /* the file cut off in the middle */
        fwrite(buf, 1, cut, out);
        break;
    default: /* a junk line and a stray parenthesis */
        fwrite(buf, 1, ins, out);
        fputs(junk[mrnd(sizeof junk / sizeof junk[0])], out);
        fputs("stray ( A 192.0.2.9\n", out);
        fwrite(buf + ins, 1, n - ins, out);
        break;
    }
    fclose(out);
    return 0;
}

START_TEST(test_real_corpus_damaged)
{
    if (!corpus_present()) {
        printf("corpus: %s/real not found, skipped\n", CORPUS);
        return;
    }
    stats sx = {0};
    char tmp[] = "/tmp/mxh-corpus-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    DIR *top = opendir(CORPUS "/real");
    ck_assert_ptr_nonnull(top);
    struct dirent *de;
    unsigned seed = 0;
    while ((de = readdir(top))) {
        if (de->d_name[0] == '.')
            continue;
        char dir[1024];
        snprintf(dir, sizeof dir, CORPUS "/real/%s", de->d_name);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *fe;
        while ((fe = readdir(d))) {
            if (fe->d_name[0] == '.')
                continue;
            char path[2048], rel[1024], dst[2048];
            snprintf(path, sizeof path, "%s/%s", dir, fe->d_name);
            snprintf(rel, sizeof rel, "real/%s/%s", de->d_name, fe->d_name);
            snprintf(dst, sizeof dst, "%s/%s", tmp, fe->d_name);
            for (int k = 0; k < 3; k++) {
                if (mutate(path, dst, seed++) != 0)
                    continue;
                check_file(dst, rel, &sx, 1);
                remove(dst);
            }
        }
        closedir(d);
    }
    closedir(top);
    rmdir(tmp);
    printf("corpus: %d damaged copies, %d entries ldns refuses, all with our diagnostic\n",
           sx.files, sx.ldns_errors);
    ck_assert_int_gt(sx.ldns_errors, 100);
    ck_assert_int_eq(sx.covered, sx.ldns_errors);
}
END_TEST

Suite *corpus_suite(void);
Suite *corpus_suite(void)
{
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("real");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_real_corpus);
    tcase_add_test(tc, test_real_corpus_damaged);
    suite_add_tcase(s, tc);
    return s;
}

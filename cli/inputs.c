/* SPDX-License-Identifier: MIT */
/*
 * inputs.c — turn PATH arguments into the ordered list of files to load.
 *
 * A file named on the command line is always loaded, whatever its name. A
 * directory is walked recursively in byte order of entry names (so the order
 * never depends on the file system). Inside directories an entry is skipped
 * only by its name (see cli_skip_by_name and docs/cli.md); everything else is
 * offered to the loader, whose format detection decides, and a file that is
 * not a zone becomes a load error rather than vanishing. Symbolic links to
 * files are followed; symbolic links to directories are not (no cycles).
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int cli_skip_by_name(const char *name, const char **reason)
{
    /* Documentation, configuration, code, keys, archives and editor debris:
     * things found next to zone files in repositories, never zones. Checked
     * for every entry of every directory walked (100,000 in a hosting batch),
     * so by the last dot's extension, compared as one 8-byte word with each
     * of the list's of its length (zero-padded, stored in place: no pointer
     * to follow), and a two-letter test before a base name is compared. */
    static const char ext[][8] = {
        /* 1 */ "c", "h", "o", "a",
        /* 2 */ "md", "js", "py", "pl", "rb", "sh", "go", "rs", "j2", "ds", "gz", "xz", "so",
        /* 3 */ "rst", "htm", "css", "yml", "ini", "xml", "cfg", "lua", "key", "pem", "crt",
        "csr", "pub", "jnl", "jbk", "bz2", "zst", "zip", "tar", "tgz", "png", "jpg", "gif",
        "svg", "pdf", "ico", "rej", "bak", "swp", "swo", "tmp", "log", "pid", "inc", "exe",
        "pyc",
        /* 4 */ "adoc", "html", "json", "yaml", "toml", "conf", "tmpl", "jpeg", "orig", "lock",
        /* 5 */ "dsset",
        /* 7 */ "private",
        /* 8 */ "markdown",
    };
    /* where the extensions of each length start in ext[] (index: length) */
    static const unsigned char by_len[10] = {0, 0, 4, 17, 53, 63, 64, 64, 65, 66};
    static const char base[][13] = {
        "README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG", "CHANGES",
        "NEWS", "AUTHORS", "CONTRIBUTING", "Makefile", "Dockerfile",
    };
    if (name[0] == '.') {
        *reason = "hidden";
        return 1;
    }
    size_t n = strlen(name);
    if (n && (name[n - 1] == '~' || name[n - 1] == '#')) {
        *reason = "editor backup";
        return 1;
    }
    /* first two letters, upper case (the second is NUL for a one-letter name) */
    unsigned f0 = (unsigned char)name[0] & 0xdf, f1 = (unsigned char)name[1] & 0xdf;
    for (size_t i = 0; i < sizeof base / sizeof *base; i++) {
        unsigned b0 = (unsigned char)base[i][0] & 0xdf, b1 = (unsigned char)base[i][1] & 0xdf;
        if (b0 == f0 && b1 == f1 && strncasecmp(name, base[i], strlen(base[i])) == 0) {
            *reason = "documentation or build file";
            return 1;
        }
    }
    /* the extension: after the last dot, which is not the first character */
    const char *dot = strrchr(name, '.');
    size_t el = dot ? n - (size_t)(dot + 1 - name) : 0;
    if (!dot || dot == name || el == 0 || el > 8)
        return 0;
    char e[8] = {0};
    for (size_t i = 0; i < el; i++) {
        char c = dot[1 + i];
        e[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    uint64_t key, k;
    memcpy(&key, e, 8);
    for (size_t i = by_len[el]; i < by_len[el + 1]; i++) {
        memcpy(&k, ext[i], 8);
        if (k == key) {
            *reason = el == 3 && memcmp(e, "inc", 3) == 0 ? "include fragment (*.inc)"
                                                           : "not a zone by its extension";
            return 1;
        }
    }
    return 0;
}

/* Directory entries: the names in one pool (a type byte, 'r' when readdir
 * says regular file and '?' to ask lstat, then the name and its NUL), sorted
 * by name (strcmp order). A hosting export has 100,000 names in a directory:
 * the sort compares the first 16 bytes as two big-endian numbers, taken once
 * per entry, and nothing is allocated per entry but the path kept. */
typedef struct dent {
    uint64_t k0, k1;            /* name bytes 0-7 and 8-15, zero-padded */
    size_t off;                 /* type byte + name in the pool */
    size_t len;                 /* of the name */
} dent;

static uint64_t be_key(const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t k;
        memcpy(&k, s, 8);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return __builtin_bswap64(k);
#else
        const unsigned char *u = (const unsigned char *)s;
        k = 0;
        for (size_t i = 0; i < 8; i++)
            k = k << 8 | u[i];
        return k;
#endif
    }
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++)
        k = k << 8 | (i < n ? (unsigned char)s[i] : 0);
    return k;
}

static int cmp_entry(const char *pool, const dent *x, const dent *y)
{
    if (x->k0 != y->k0)
        return x->k0 < y->k0 ? -1 : 1;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    return strcmp(pool + x->off + 1, pool + y->off + 1);
}

/* Merge sort of v[0..n) by name, tmp of n entries (qsort's callback per
 * comparison was a fifth of walking a 10,000-entry directory). */
static void sort_entries(const char *pool, dent *v, dent *tmp, size_t n)
{
    if (n < 2)
        return;
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            dent x = v[i];
            size_t j = i;
            while (j > 0 && cmp_entry(pool, &v[j - 1], &x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    sort_entries(pool, v, tmp, h);
    sort_entries(pool, v + h, tmp, n - h);
    if (cmp_entry(pool, &v[h - 1], &v[h]) <= 0)
        return; /* already in order (a directory listed in order) */
    memcpy(tmp, v, h * sizeof *v);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        v[k++] = cmp_entry(pool, &v[j], &tmp[i]) < 0 ? v[j++] : tmp[i++];
    while (i < h)
        v[k++] = tmp[i++];
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Add an input whose path is in in->names. */
static void add_owned(cli_inputs *in, const char *path, const char *error, int regular)
{
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 64;
        in->items = cli_xrealloc(in->items, in->cap * sizeof *in->items);
    }
    in->items[in->n].path = path;
    in->items[in->n].error = error ? cli_xstrdup(error) : NULL;
    in->items[in->n].regular = regular;
    in->n++;
}

static void add(cli_inputs *in, const char *path, const char *error)
{
    add_owned(in, cli_strpool_dup(&in->names, path), error, 0);
}

static void dir_error(cli_inputs *in, const char *path, const char *why)
{
    add(in, path, why);
    in->unreadable++;
}

static void walk(cli_inputs *in, const char *dir, const struct stat *inv, int verbose,
                 unsigned depth)
{
    if (depth > 64) {
        dir_error(in, dir, "directories nested too deeply (over 64 levels)");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        dir_error(in, dir, strerror(errno));
        return;
    }
    dent *names = NULL;
    size_t nnames = 0, capnames = 0;
    char *pool = NULL;
    size_t npool = 0, cappool = 0;
    /* Sized from the directory's own size when it says something (ext4:
     * its blocks, every entry 8 bytes and more besides its name): a list
     * grown by doubling copied and faulted in its pages a few times over. */
    struct stat dst;
    if (fstat(dirfd(d), &dst) == 0 && dst.st_size >= 4096 && dst.st_size <= (64 << 20)) {
        cappool = (size_t)dst.st_size;
        pool = cli_xmalloc(cappool);
        capnames = (size_t)dst.st_size / 32;
        names = cli_xmalloc(capnames * sizeof *names);
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t nl = strlen(de->d_name);
        if (npool + nl + 2 > cappool) {
            cappool = cappool ? cappool * 2 : 16384;
            while (npool + nl + 2 > cappool)
                cappool *= 2;
            pool = cli_xrealloc(pool, cappool);
        }
        pool[npool] = de->d_type == DT_REG ? 'r' : '?';
        memcpy(pool + npool + 1, de->d_name, nl + 1);
        if (nnames == capnames) {
            capnames = capnames ? capnames * 2 : 64;
            names = cli_xrealloc(names, capnames * sizeof *names);
        }
        names[nnames].k0 = be_key(de->d_name, nl);
        names[nnames].k1 = nl > 8 ? be_key(de->d_name + 8, nl - 8) : 0;
        names[nnames].len = nl;
        names[nnames++].off = npool;
        npool += nl + 2;
    }
    closedir(d);
    if (nnames > 1) {
        dent *tmp = cli_xmalloc((nnames / 2 + 1) * sizeof *tmp);
        sort_entries(pool, names, tmp, nnames);
        free(tmp);
    }

    size_t dl = strlen(dir);
    int slash = dl > 0 && dir[dl - 1] == '/';
    /* Room for every path at once (and in the list for every entry). */
    cli_strpool_reserve(&in->names, nnames * (dl + 1) + npool);
    if (in->cap - in->n < nnames) {
        in->cap = in->n + nnames;
        in->items = cli_xrealloc(in->items, in->cap * sizeof *in->items);
    }
    for (size_t i = 0; i < nnames; i++) {
        const char *ent = pool + names[i].off;
        const char *name = ent + 1;
        /* readdir already says it is a regular file: no lstat needed (one
         * system call less per zone of a large directory). */
        int known_regular = ent[0] == 'r' && !inv;
        const char *why = NULL;
        if (cli_skip_by_name(name, &why)) {
            in->skipped++;
            if (verbose)
                fprintf(stderr, "mxhazard: skipped %s%s%s (%s)\n", dir, slash ? "" : "/", name,
                        why);
            continue;
        }
        /* The path joins the list's pool (the few entries skipped below
         * leave theirs there). */
        size_t nl = names[i].len;
        char *path = cli_strpool_alloc(&in->names, dl + nl + 2);
        memcpy(path, dir, dl);
        size_t at = dl;
        if (!slash)
            path[at++] = '/';
        memcpy(path + at, name, nl + 1);
        struct stat lst, st;
        if (known_regular) {
            add_owned(in, path, NULL, 1);
            continue;
        } else if (lstat(path, &lst) != 0) {
            /* Vanished between readdir and now: let the loader report it. */
            add_owned(in, path, NULL, 0);
            continue;
        } else if (S_ISLNK(lst.st_mode) && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            in->skipped++;
            if (verbose)
                fprintf(stderr, "mxhazard: skipped %s (symbolic link to a directory)\n", path);
        } else if (S_ISDIR(lst.st_mode)) {
            walk(in, path, inv, verbose, depth + 1);
        } else if (inv && stat(path, &st) == 0 && same_file(&st, inv)) {
            in->skipped++;
            if (verbose)
                fprintf(stderr, "mxhazard: skipped %s (the --inventory file)\n", path);
        } else if (!S_ISREG(lst.st_mode) &&
                   (!S_ISLNK(lst.st_mode) || (stat(path, &st) == 0 && !S_ISREG(st.st_mode)))) {
            in->skipped++;
            if (verbose)
                fprintf(stderr, "mxhazard: skipped %s (not a regular file)\n", path);
        } else {
            /* Regular files, and links to files or dangling links: the
             * latter become load errors naming the path. */
            add_owned(in, path, NULL, S_ISREG(lst.st_mode));
            continue;
        }
    }
    free(pool);
    free(names);
}

void cli_inputs_expand(cli_inputs *in, const cli_strv *paths, const char *inventory, int verbose)
{
    struct stat invst, *inv = NULL;
    if (inventory && stat(inventory, &invst) == 0)
        inv = &invst;
    for (size_t i = 0; i < paths->n; i++) {
        const char *p = paths->v[i];
        struct stat st;
        if (strcmp(p, "-") != 0 && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            walk(in, p, inv, verbose, 0);
        else
            add(in, p, NULL);   /* the loader reports what is wrong with it */
    }
}

void cli_inputs_free(cli_inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->items[i].error);
    free(in->items);
    cli_strpool_free(&in->names);
    memset(in, 0, sizeof *in);
}

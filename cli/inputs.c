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
     * so by the last dot's extension and a first-letter test, not a string
     * compare per entry of the lists. */
    static const char *const ext[] = {
        "md", "markdown", "rst", "adoc", "html", "htm", "css", "js",
        "json", "yaml", "yml", "toml", "ini", "xml", "conf", "cfg",
        "c", "h", "py", "pl", "rb", "sh", "lua", "go", "rs", "j2", "tmpl",
        "key", "private", "pem", "crt", "csr", "pub", "ds", "dsset",
        "jnl", "jbk", "gz", "bz2", "xz", "zst", "zip", "tar", "tgz",
        "png", "jpg", "jpeg", "gif", "svg", "pdf", "ico",
        "orig", "rej", "bak", "swp", "swo", "tmp", "log", "pid", "lock",
        "inc", "o", "a", "so", "exe", "pyc",
    };
    static const char *const base[] = {
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
    char first = name[0] >= 'a' && name[0] <= 'z' ? (char)(name[0] - 32) : name[0];
    for (size_t i = 0; i < sizeof base / sizeof *base; i++) {
        if (base[i][0] == first && strncasecmp(name, base[i], strlen(base[i])) == 0) {
            *reason = "documentation or build file";
            return 1;
        }
    }
    /* the extension: after the last dot, which is not the first character */
    const char *dot = strrchr(name, '.');
    size_t el = dot ? n - (size_t)(dot + 1 - name) : 0;
    if (!dot || dot == name || el == 0 || el > 8)
        return 0;
    char e[9];
    for (size_t i = 0; i < el; i++) {
        char c = dot[1 + i];
        e[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    e[el] = '\0';
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        if (ext[i][0] == e[0] && strcmp(ext[i], e) == 0) {
            *reason = strcmp(e, "inc") == 0 ? "include fragment (*.inc)"
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

/* Add an input whose path the list now owns. */
static void add_owned(cli_inputs *in, char *path, const char *error, int regular)
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
    add_owned(in, cli_xstrdup(path), error, 0);
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
    for (size_t i = 0; i < nnames; i++) {
        const char *ent = pool + names[i].off;
        const char *name = ent + 1;
        /* readdir already says it is a regular file: no lstat needed (one
         * system call less per zone of a large directory). */
        int known_regular = ent[0] == 'r' && !inv;
        size_t nl = strlen(name);
        char *path = cli_xmalloc(dl + nl + 2);
        memcpy(path, dir, dl);
        size_t at = dl;
        if (!slash)
            path[at++] = '/';
        memcpy(path + at, name, nl + 1);
        const char *why = NULL;
        struct stat lst, st;
        if (cli_skip_by_name(name, &why)) {
            in->skipped++;
            if (verbose)
                fprintf(stderr, "mxhazard: skipped %s (%s)\n", path, why);
        } else if (known_regular) {
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
        free(path);
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
    for (size_t i = 0; i < in->n; i++) {
        free(in->items[i].path);
        free(in->items[i].error);
    }
    free(in->items);
    memset(in, 0, sizeof *in);
}

/* SPDX-License-Identifier: MIT */
/*
 * bench_util.h — shared bits of the parse-only timers (parse_only.c,
 * parse_ldns.c, parse_zscanner.c): the input list and the clock.
 *
 * Each timer takes either zone files on the command line, or `-l LIST`
 * where LIST is a zones.tsv written by gen.py: "origin<TAB>path[<TAB>…]",
 * path relative to the list's directory. Everything here is static so each
 * timer stays a single translation unit.
 */
#ifndef MXH_BENCH_UTIL_H
#define MXH_BENCH_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct bench_input {
    char *origin; /* NULL when the file was named on the command line */
    char *path;
} bench_input;

typedef struct bench_list {
    bench_input *v;
    size_t n, cap;
} bench_list;

static char *bench_strdup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static void bench_push(bench_list *l, char *origin, char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        bench_input *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].origin = origin;
    l->v[l->n].path = path;
    l->n++;
}

/* Read a zones.tsv; paths are made relative to the list file's directory. */
static int bench_read_list(bench_list *l, const char *listfile)
{
    FILE *f = fopen(listfile, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", listfile, strerror(errno));
        return -1;
    }
    const char *slash = strrchr(listfile, '/');
    size_t dirlen = slash ? (size_t)(slash - listfile) + 1 : 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (tab == NULL) {
            fprintf(stderr, "%s:%lu: expected origin<TAB>path\n", listfile, lineno);
            continue;
        }
        char *rel = tab + 1;
        char *end = strchr(rel, '\t');
        size_t rlen = end ? (size_t)(end - rel) : strlen(rel);
        size_t dl = rel[0] == '/' ? 0 : dirlen;
        char *path = malloc(dl + rlen + 1);
        if (path == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        memcpy(path, listfile, dl);
        memcpy(path + dl, rel, rlen);
        path[dl + rlen] = '\0';
        bench_push(l, bench_strdup(line, (size_t)(tab - line)), path);
    }
    free(line);
    fclose(f);
    return 0;
}

/* argv: [-l LIST]... [FILE]...; returns 0, or -1 after printing usage. */
static int bench_parse_args(bench_list *l, int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
            if (bench_read_list(l, argv[++i]) != 0)
                return -1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "usage: %s\n", usage);
            return -1;
        } else {
            bench_push(l, NULL, bench_strdup(argv[i], strlen(argv[i])));
        }
    }
    if (l->n == 0) {
        fprintf(stderr, "usage: %s\n", usage);
        return -1;
    }
    return 0;
}

static void bench_free_list(bench_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].origin);
        free(l->v[i].path);
    }
    free(l->v);
}

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long bench_maxrss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* kilobytes on Linux */
}

/* One machine-readable result line, the same for every timer: wall and CPU
 * seconds of the load (cpu0 = bench_cpu() taken when the wall clock started). */
static void bench_report(const char *tool, size_t zones, size_t records, size_t errors,
                         double seconds, double cpu0)
{
    printf("tool=%s zones=%zu records=%zu errors=%zu seconds=%.4f cpu=%.4f rss_kb=%ld\n", tool,
           zones, records, errors, seconds, bench_cpu() - cpu0, bench_maxrss_kb());
}

#endif /* MXH_BENCH_UTIL_H */

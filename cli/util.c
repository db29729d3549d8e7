/* SPDX-License-Identifier: MIT */
/* util.c — allocation, string vectors, clocks and usage errors for the CLI. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static void oom(void)
{
    fputs("mxhazard: out of memory\n", stderr);
    exit(CLI_EXIT_USAGE);
}

void *cli_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *cli_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *cli_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *cli_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cli_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

#define STRPOOL_BLOCK ((size_t)64 << 10)

void cli_strpool_reserve(cli_strpool *p, size_t n)
{
    if (n <= p->left)
        return;
    if (n < STRPOOL_BLOCK)
        n = STRPOOL_BLOCK;
    if (p->nblocks == p->capblocks) {
        p->capblocks = p->capblocks ? p->capblocks * 2 : 16;
        p->blocks = cli_xrealloc(p->blocks, p->capblocks * sizeof *p->blocks);
    }
    p->cur = p->blocks[p->nblocks++] = cli_xmalloc(n);
    p->left = n;
}

char *cli_strpool_alloc(cli_strpool *p, size_t n)
{
    cli_strpool_reserve(p, n);
    char *r = p->cur;
    p->cur += n;
    p->left -= n;
    return r;
}

char *cli_strpool_dup(cli_strpool *p, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(cli_strpool_alloc(p, n), s, n);
}

void cli_strpool_free(cli_strpool *p)
{
    for (size_t i = 0; i < p->nblocks; i++)
        free(p->blocks[i]);
    free(p->blocks);
    memset(p, 0, sizeof *p);
}

void cli_strv_push(cli_strv *sv, const char *s)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 8;
        sv->v = cli_xrealloc(sv->v, sv->cap * sizeof *sv->v);
    }
    sv->v[sv->n++] = cli_xstrdup(s);
}

void cli_strv_free(cli_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

void cli_cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(cv, mu, &ts);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_free_at_exit(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#else
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#endif
#endif
    const char *v = getenv("MXH_FREE_AT_EXIT");
    return v && *v && strcmp(v, "0") != 0;
#endif
}

/*
 * A scan's memory only grows until the process ends (the zone set is kept
 * to the end and not freed at exit), and loading threads allocate at the
 * same time. With glibc's defaults a heap grows by what each allocation
 * lacks, an mprotect or brk each time (12,000 calls over 100,000 zones),
 * each taking the address-space lock that the other thread's page faults
 * wait for, and freed scratch at the top is given back only to be faulted in
 * again. So: heaps grow 64 MiB at a time (a thread's heap is then opened
 * whole when it is made; pages are touched only when used, so resident
 * memory does not change) and nothing is given back before exit.
 * (Transparent huge pages for the heaps were tried: 8 % quicker on 10,000
 * zones, slower on 100,000, and 7-40 % more resident memory; not kept.)
 */
void cli_heap_setup(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(M_TRIM_THRESHOLD)
    (void)mallopt(M_TOP_PAD, 64 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

unsigned cli_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    if (n > 256)
        return 256;
    return (unsigned)n;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("mxhazard: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd)
        fprintf(stderr, "Try 'mxhazard %s --help'.\n", cmd);
    else
        fputs("Try 'mxhazard --help'.\n", stderr);
    return CLI_EXIT_USAGE;
}

void cli_say(const char *label, const char *file, unsigned long line, const char *msg)
{
    fputs("mxhazard: ", stderr);
    if (label) {
        fputs(label, stderr);
        fputs(": ", stderr);
    }
    cli_text_safe(stderr, file && *file ? file : "?");
    if (line)
        fprintf(stderr, ":%lu", line);
    fputs(": ", stderr);
    cli_text_safe(stderr, msg ? msg : "");
    fputc('\n', stderr);
}

void cli_say_diag(const mxh_diag *d)
{
    mxh_diag_level lv = mxh_diag_level_of(d);
    cli_say(lv == MXH_DIAG_ERROR ? "load error" : lv == MXH_DIAG_WARNING ? "warning" : "note",
            mxh_diag_file(d), mxh_diag_line(d), mxh_diag_message(d));
}

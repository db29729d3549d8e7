/* SPDX-License-Identifier: MIT */
/* util.c — allocation, string vectors, clocks and usage errors for the CLI. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
 * whole when it is made; pages are touched only when used) and nothing is
 * given back before exit.
 *
 * Then huge pages: a 10,000-zone scan touches ~55 MB in 4 KiB pages, a
 * fault each as it grows and a page each to tear down at exit (~6 ms, after
 * the work). Where the kernel offers transparent huge pages on request
 * (/sys/kernel/mm/transparent_hugepage/enabled: "madvise" or "always"),
 * the heaps are advised to use them, as glibc's own glibc.malloc.hugetlb=1
 * tunable does (which a program cannot set for itself once started): a
 * thread's heap is the 64 MiB-aligned region holding its allocations
 * (glibc's HEAP_MAX_SIZE on 64-bit systems), the main heap lies above the
 * initial program break. Measured in tests/bench/README.md ("Huge pages").
 * Wrong guesses cost nothing but the advice: no data depends on it.
 */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && defined(M_TOP_PAD) && \
    defined(MADV_HUGEPAGE) && UINTPTR_MAX > 0xffffffffu
#define CLI_HEAP_TUNING 1
#define THREAD_HEAP ((uintptr_t)64 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)
static int thp_on;
extern char end; /* the end of the program's data: the main heap lies above it (end(3)) */

static int thp_offered(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f)
        return 0;
    char line[128];
    int on = fgets(line, sizeof line, f) &&
             (strstr(line, "[madvise]") != NULL || strstr(line, "[always]") != NULL);
    fclose(f);
    return on;
}
#endif

void cli_heap_setup(void)
{
#ifdef CLI_HEAP_TUNING
    uintptr_t brk_lo = (uintptr_t)sbrk(0); /* before the heap grows by the new step */
    (void)mallopt(M_TOP_PAD, 64 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
    thp_on = thp_offered();
    if (!thp_on)
        return;
    /* make sure the main heap has grown by the new step; advise the growth */
    void *p = malloc(120 << 10); /* below the mmap threshold: from the heap */
    free(p);
    uintptr_t hi = (uintptr_t)sbrk(0);
    uintptr_t lo = (brk_lo + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (hi > lo + HUGE_PAGE)
        (void)madvise((void *)lo, (hi - lo) & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
}

void cli_heap_thread(void)
{
#ifdef CLI_HEAP_TUNING
    if (!thp_on)
        return;
    void *p = malloc(64); /* makes or finds this thread's arena */
    if (!p)
        return;
    uintptr_t a = (uintptr_t)p;
    free(p);
    if (a >= (uintptr_t)&end && a < (uintptr_t)sbrk(0))
        return; /* the main heap (no arena of its own): advised already */
    uintptr_t base = a & ~(THREAD_HEAP - 1);
    (void)madvise((void *)base, THREAD_HEAP, MADV_HUGEPAGE);
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

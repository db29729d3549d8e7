/* SPDX-License-Identifier: MIT */
/*
 * load.c — load every input into one zone set (on one thread, or on several
 * into zone sets of their own joined in input order), remembering which
 * diagnostics each input produced so that load errors are printed in input
 * order beside the zone they belong to.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STDIN_MAX ((size_t)1 << 30)   /* the library's own limit for a file */

static char *fmt_msg(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = cli_xmalloc(n);
    snprintf(s, n, "%s%s", a, b);
    return s;
}

/* Read all of standard input; NULL with *err set on failure. */
static char *read_stdin(size_t *len, const char **err)
{
    size_t cap = 65536, n = 0;
    char *buf = cli_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= STDIN_MAX) {
                free(buf);
                *err = "standard input is larger than 1 GiB";
                return NULL;
            }
            cap *= 2;
            buf = cli_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0) {
            if (ferror(stdin)) {
                free(buf);
                *err = strerror(errno);
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */
/*
 * Small files (most zones) are read here and handed to
 * mxh_zoneset_load_buffer under their own path (the same name in diagnostics
 * and findings, the same origin from the file name). A file is left to
 * mxh_zoneset_load_file, which says what went wrong in its own words, when it
 * cannot be read here, is not a regular file, is large (the loader maps it),
 * or contains "$INCLUDE": only a file's own loading knows its directory, the
 * include root and the include stack. Without $INCLUDE the two calls read the
 * same bytes the same way, so the output does not depend on how it was read.
 */
#define SMALL_FILE ((size_t)1 << 20)  /* larger: load_file maps it */
#define SCRATCH ((size_t)64 << 10)    /* a loading thread's buffer for small files */

/* Whether buf holds the directive $INCLUDE (any case). */
static int mentions_include(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while ((p = memchr(p, '$', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) >= 8 && strncasecmp(p, "$include", 8) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* A file read here: its bytes in the thread's scratch buffer, or (when it
 * does not fit) in an allocation of its own. */
typedef struct rbuf {
    char *p;
    size_t n, cap;
    int owned;
} rbuf;

/* Room for the whole file, once scratch turned out too small: its size asked
 * of the open file; 0 when it is for mxh_zoneset_load_file after all (1 MiB
 * or more: the loader maps it). One byte more than the size is read, so a
 * file that grew is left to the loader too. */
static int read_grow(int fd, rbuf *b)
{
    struct stat st;
    if (b->owned || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (size_t)st.st_size >= SMALL_FILE || (size_t)st.st_size + 2 <= b->cap)
        return 0;
    size_t cap = (size_t)st.st_size + 2;
    char *p = malloc(cap);
    if (!p)
        return 0;
    memcpy(p, b->p, b->n);
    b->p = p;
    b->cap = cap;
    b->owned = 1;
    return 1;
}

/* Read input `it` here when that is cheap: 1 with its bytes in *b (a NUL
 * after them); 0 to leave it to mxh_zoneset_load_file, which says what went
 * wrong in its own words and alone knows a file's include context (not
 * openable or readable, not a regular file, 1 MiB or more, or "$INCLUDE").
 * One open and, for the small files of a directory walk, one read: those
 * are regular files, where a short read is the end; any other path is asked
 * about first. */
static int read_input(const cli_input *it, char *scratch, rbuf *b)
{
    memset(b, 0, sizeof *b);
    if (it->error || strcmp(it->path, "-") == 0)
        return 0;
    int fd = open(it->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    b->p = scratch;
    b->cap = scratch ? SCRATCH : 0;
    int ok = 1;
    if ((!it->regular || !scratch) && !read_grow(fd, b))
        ok = 0;
    while (ok) {
        if (b->n + 1 == b->cap && !read_grow(fd, b)) {
            ok = 0;
            break;
        }
        size_t want = b->cap - 1 - b->n;
        ssize_t r = read(fd, b->p + b->n, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ok = 0;
            break;
        }
        b->n += (size_t)r;
        if (r == 0 || (size_t)r < want)
            break; /* a regular file reads short only at its end */
    }
    close(fd);
    if (ok) {
        b->p[b->n] = '\0';
        ok = !mentions_include(b->p, b->n);
    }
    if (!ok && b->owned) {
        free(b->p);
        b->owned = 0;
    }
    return ok;
}

static size_t error_diags(const mxh_zoneset *zs, size_t lo, size_t hi)
{
    size_t n = 0;
    for (size_t i = lo; i < hi; i++)
        if (mxh_diag_level_of(mxh_zoneset_diag(zs, i)) == MXH_DIAG_ERROR)
            n++;
    return n;
}

/* Right after loading u into zs (its diagnostics are zs's [diag_lo, diag_hi)):
 * never lose a failure that left no error diagnostic, say what the library said. */
static void note_failure(const mxh_zoneset *zs, cli_unit *u)
{
    if (u->status != MXH_OK && error_diags(zs, u->diag_lo, u->diag_hi) == 0 && !u->extra_error) {
        const char *m = mxh_zoneset_errmsg(zs);
        u->extra_error = cli_xstrdup(m && *m ? m : mxh_strerror(u->status));
    }
}

/* Count u's problems once its diagnostics are ld->zs's [diag_lo, diag_hi). */
static void count_unit(cli_loaded *ld, const cli_unit *u)
{
    size_t errs = error_diags(ld->zs, u->diag_lo, u->diag_hi);
    if (u->extra_error)
        errs++;
    ld->load_errors += errs;
    if (errs || u->status != MXH_OK)
        ld->failed = 1;
}

static void finish_unit(cli_loaded *ld, cli_unit *u)
{
    u->diag_hi = mxh_zoneset_diag_count(ld->zs);
    note_failure(ld->zs, u);
    count_unit(ld, u);
}

/* Load input `it` into zs as unit u (file name, status, zone, diagnostics);
 * buf, when not NULL, holds the file's bytes (read by read_input). */
static void load_one(mxh_zoneset *zs, const cli_input *it, const mxh_load_opts *lo, cli_unit *u,
                     const char *buf, size_t len)
{
    mxh_zone *z = NULL;
    u->diag_lo = mxh_zoneset_diag_count(zs);
    if (it->error) {
        u->file = it->path;
        u->status = MXH_ERR_IO;
        u->extra_error = fmt_msg("cannot read directory: ", it->error);
    } else if (strcmp(it->path, "-") == 0) {
        u->file = "<stdin>";
        const char *err = NULL;
        char *in = read_stdin(&len, &err);
        if (!in) {
            u->status = MXH_ERR_IO;
            u->extra_error = fmt_msg("cannot read standard input: ", err);
        } else {
            u->status = mxh_zoneset_load_buffer(zs, u->file, in, len, lo, &z);
            free(in);
        }
    } else {
        u->file = it->path;
        if (buf)
            u->status = mxh_zoneset_load_buffer(zs, it->path, buf, len, lo, &z);
        else
            u->status = mxh_zoneset_load_file(zs, it->path, lo, &z);
    }
    u->zone = z;
    u->diag_hi = mxh_zoneset_diag_count(zs);
    note_failure(zs, u);
}

/* Read input `it` (into scratch when it fits, scratch may be NULL) and
 * load it into zs as unit u. */
static void load_input(mxh_zoneset *zs, const cli_input *it, const mxh_load_opts *lo,
                       cli_unit *u, char *scratch)
{
    rbuf b;
    if (read_input(it, scratch, &b))
        load_one(zs, it, lo, u, b.p, b.n);
    else
        load_one(zs, it, lo, u, NULL, 0);
    if (b.owned)
        free(b.p);
}

/* ------------------------------------------------------------------------ */
/* Loading on several threads                                                */
/*
 * With more than one job, inputs are cut into batches of consecutive files;
 * each worker loads a batch into a zone set of its own (loading is pure work
 * on that set: lexing, RDATA, the name index), and the batches are joined
 * into the one zone set strictly in input order with mxh_zoneset_merge,
 * which gives the zone set that loading everything in one go would have
 * made: the output does not depend on --jobs. The worker that finishes the
 * batch next in order joins it, and every finished batch behind it, itself
 * (one worker at a time: `merging`), while its data is still in its cache;
 * the main thread sleeps until the end (or wakes for the progress line).
 * Handing each batch to the main thread instead cost two context switches
 * per batch, each taking a core from a loading worker. Workers run at most
 * `ahead` batches ahead of the join, so memory stays that of the result.
 */
#define BATCH_MIN 8
#define BATCH_MAX 4096
#define BATCH_GUIDE 8       /* a batch: the inputs left / (jobs * BATCH_GUIDE) */
#define BATCHES_MAX 4096    /* each batch brings node blocks: stay far below the limit */

typedef struct batch {
    mxh_zoneset *zs;        /* NULL until loaded (or when it could not be made) */
    size_t from, to;        /* inputs [from, to) = units [from + 1, to + 1) */
    unsigned char *shadowed;/* per unit: its zone was a duplicate within the batch */
    int done;
} batch;

typedef struct ploader {
    const cli_inputs *in;
    const mxh_load_opts *lo;
    cli_loaded *ld;
    batch *b;
    size_t nb, next, joined;    /* batches taken, batches joined */
    unsigned ahead;
    int merging;                /* a worker is joining batches */
    unsigned room_waiters;      /* workers asleep on cv_room */
    int main_waits;             /* the main thread sleeps on cv_done */
    pthread_mutex_t mu;
    pthread_cond_t cv_done, cv_room;
} ploader;

static void join_batch(cli_loaded *ld, batch *bt);

/* Called with P->mu held, by the worker that just finished a batch: unless
 * another worker is at it, join every finished batch next in input order. */
static void join_ready(ploader *P)
{
    if (P->merging)
        return; /* that worker sees this batch before it stops */
    P->merging = 1;
    while (P->joined < P->nb && P->b[P->joined].done) {
        batch *bt = &P->b[P->joined];
        pthread_mutex_unlock(&P->mu);
        join_batch(P->ld, bt);
        free(bt->shadowed);
        bt->shadowed = NULL;
        pthread_mutex_lock(&P->mu);
        P->joined++;
        if (P->room_waiters)
            pthread_cond_broadcast(&P->cv_room);
    }
    P->merging = 0;
    if (P->main_waits && P->joined == P->nb)
        pthread_cond_signal(&P->cv_done);
}

static void load_batch(ploader *P, batch *bt, char *scratch)
{
    size_t n = bt->to - bt->from;
    bt->shadowed = cli_xcalloc(n, 1);
    if (mxh_zoneset_new(&bt->zs) != MXH_OK) {
        bt->zs = NULL;
        for (size_t i = bt->from; i < bt->to; i++) {
            cli_unit *u = &P->ld->units[i + 1];
            u->file = P->in->items[i].path;
            u->status = MXH_ERR_NOMEM;
            u->extra_error = cli_xstrdup(mxh_strerror(MXH_ERR_NOMEM));
        }
        return;
    }
    for (size_t i = bt->from; i < bt->to; i++) {
        cli_unit *u = &P->ld->units[i + 1];
        load_input(bt->zs, &P->in->items[i], P->lo, u, scratch);
        bt->shadowed[i - bt->from] = u->zone && mxh_zone_shadowed(u->zone);
    }
}

static void *pl_main(void *arg)
{
    ploader *P = arg;
    char *scratch = malloc(SCRATCH); /* this thread's, for every batch it loads */
    pthread_mutex_lock(&P->mu);
    for (;;) {
        while (P->next < P->nb && P->next >= P->joined + P->ahead) {
            P->room_waiters++;
            pthread_cond_wait(&P->cv_room, &P->mu);
            P->room_waiters--;
        }
        if (P->next >= P->nb)
            break;
        batch *bt = &P->b[P->next++];
        pthread_mutex_unlock(&P->mu);
        load_batch(P, bt, scratch);
        pthread_mutex_lock(&P->mu);
        bt->done = 1;
        join_ready(P);
    }
    pthread_mutex_unlock(&P->mu);
    free(scratch);
    return NULL;
}

/* Join batch bt into ld->zs; the units' diagnostic ranges move with it. */
static void join_batch(cli_loaded *ld, batch *bt)
{
    size_t n = bt->to - bt->from;
    if (!bt->zs) {
        for (size_t k = 0; k < n; k++) {
            cli_unit *u = &ld->units[bt->from + k + 1];
            u->diag_lo = u->diag_hi = mxh_zoneset_diag_count(ld->zs);
            count_unit(ld, u);
        }
        return;
    }
    size_t at = mxh_zoneset_diag_count(ld->zs);
    mxh_status st = mxh_zoneset_merge(ld->zs, bt->zs);
    if (st != MXH_OK) {
        /* Never lose a zone silently: every input of the batch says why. */
        char msg[1200];
        if (st == MXH_ERR_LIMIT) /* the one failure the merge explains in errmsg */
            snprintf(msg, sizeof msg, "could not be joined to the other zones: %s (%s)",
                     mxh_strerror(st), mxh_zoneset_errmsg(ld->zs));
        else
            snprintf(msg, sizeof msg, "could not be joined to the other zones: %s",
                     mxh_strerror(st));
        mxh_zoneset_free(bt->zs);
        for (size_t k = 0; k < n; k++) {
            cli_unit *u = &ld->units[bt->from + k + 1];
            u->zone = NULL;
            u->status = st;
            u->diag_lo = u->diag_hi = at;
            free(u->extra_error);
            u->extra_error = cli_xstrdup(msg);
            count_unit(ld, u);
        }
        bt->zs = NULL;
        return;
    }
    bt->zs = NULL; /* merged: freed by mxh_zoneset_merge */
    /* Each unit's diagnostics, in order, minus the "already loaded" warning
     * the batch gave, plus the one the merge gave (see mxh_zoneset_merge). */
    for (size_t k = 0; k < n; k++) {
        cli_unit *u = &ld->units[bt->from + k + 1];
        size_t cnt = u->diag_hi - u->diag_lo;
        cnt -= bt->shadowed[k];
        cnt += u->zone && mxh_zone_shadowed(u->zone);
        u->diag_lo = at;
        u->diag_hi = at + cnt;
        at += cnt;
        count_unit(ld, u);
    }
}

/* Load inputs on `jobs` threads; 0 when done, -1 when no thread could be made
 * (nothing loaded: the caller loads on this thread). */
static int load_parallel(cli_loaded *ld, const cli_inputs *in, const mxh_load_opts *lo,
                         unsigned jobs, int show_progress)
{
    /* Batch sizes shrink as the inputs run out (guided scheduling): large
     * batches first, so each worker's zone set grows big chunks whose pages
     * come in a few calls (128 fixed batches of the 10,000-zone set faulted
     * 50 % more pages in one by one), then small ones, so the workers run
     * out of work together. Never below what keeps the batch count under
     * BATCHES_MAX. */
    size_t floor_per = (in->n + BATCHES_MAX / 2 - 1) / (BATCHES_MAX / 2);
    if (floor_per < BATCH_MIN)
        floor_per = BATCH_MIN;
    ploader P;
    memset(&P, 0, sizeof P);
    P.in = in;
    P.lo = lo;
    P.ld = ld;
    size_t cap = 64;
    P.b = cli_xmalloc(cap * sizeof *P.b);
    for (size_t at = 0; at < in->n;) {
        size_t per = (in->n - at) / ((size_t)jobs * BATCH_GUIDE);
        if (per > BATCH_MAX)
            per = BATCH_MAX;
        if (per < floor_per)
            per = floor_per;
        if (per > in->n - at)
            per = in->n - at;
        if (P.nb == cap) {
            cap *= 2;
            P.b = cli_xrealloc(P.b, cap * sizeof *P.b);
        }
        memset(&P.b[P.nb], 0, sizeof *P.b);
        P.b[P.nb].from = at;
        P.b[P.nb].to = at + per;
        P.nb++;
        at += per;
    }
    P.ahead = jobs * 4;
    pthread_mutex_init(&P.mu, NULL);
    pthread_cond_init(&P.cv_done, NULL);
    pthread_cond_init(&P.cv_room, NULL);
    pthread_t *tids = cli_xmalloc(jobs * sizeof *tids);
    unsigned nt = 0;
    for (unsigned j = 0; j < jobs; j++)
        if (pthread_create(&tids[nt], NULL, pl_main, &P) == 0)
            nt++;
    if (nt == 0) {
        free(tids);
        free(P.b);
        pthread_mutex_destroy(&P.mu);
        pthread_cond_destroy(&P.cv_done);
        pthread_cond_destroy(&P.cv_room);
        return -1;
    }
    double t0 = cli_now();
    int shown = 0;
    pthread_mutex_lock(&P.mu);
    P.main_waits = 1;
    while (P.joined < P.nb) {
        if (!show_progress) {
            pthread_cond_wait(&P.cv_done, &P.mu);
            continue;
        }
        cli_cond_wait_ms(&P.cv_done, &P.mu, 250);
        size_t files = P.joined ? P.b[P.joined - 1].to : 0;
        if (P.joined < P.nb && cli_now() - t0 > 1.0) {
            fprintf(stderr, "\rmxhazard: loading %zu/%zu files", files, in->n);
            shown = 1;
        }
    }
    pthread_mutex_unlock(&P.mu);
    for (unsigned j = 0; j < nt; j++)
        pthread_join(tids[j], NULL);
    free(tids);
    free(P.b);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.cv_done);
    pthread_cond_destroy(&P.cv_room);
    if (shown)
        fprintf(stderr, "\r\033[K");
    return 0;
}

int cli_load(cli_loaded *ld, const cli_scan_opts *o, cli_inputs *in, int show_progress)
{
    memset(ld, 0, sizeof *ld);
    size_t nstdin = 0;
    for (size_t i = 0; i < in->n; i++)
        if (!in->items[i].error && strcmp(in->items[i].path, "-") == 0)
            nstdin++;
    if (nstdin > 1)
        return cli_usage_error(o->cmd, "standard input ('-') can be read only once");
    if (o->origin && in->n != 1)
        return cli_usage_error(o->cmd, "--origin needs exactly one zone file (or '-'), "
                                       "but %zu inputs were found", in->n);

    mxh_status st = mxh_zoneset_new(&ld->zs);
    if (st != MXH_OK) {
        fprintf(stderr, "mxhazard: %s\n", mxh_strerror(st));
        return CLI_EXIT_USAGE;
    }
    /* The units name their files with the inputs' own strings. */
    ld->names = in->names;
    memset(&in->names, 0, sizeof in->names);
    ld->units = cli_xcalloc(in->n + 1, sizeof *ld->units);
    ld->nunits = in->n + 1;

    cli_unit *u = &ld->units[0];
    u->file = o->inventory ? cli_strpool_dup(&ld->names, o->inventory) : NULL;
    if (o->inventory) {
        u->status = mxh_zoneset_load_inventory(ld->zs, o->inventory);
        finish_unit(ld, u);
    }

    mxh_load_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.origin = o->origin;
    lo.format = o->input_format;
    lo.include_root = o->include_root;

    unsigned jobs = o->jobs ? o->jobs : cli_cpu_count();
    if (jobs > 1 && in->n > 1 && load_parallel(ld, in, &lo, jobs, show_progress) == 0)
        return 0;

    /* One thread (or no other could be made). */
    double t0 = cli_now(), last = t0;
    int shown = 0;
    char *scratch = malloc(SCRATCH);
    for (size_t i = 0; i < in->n; i++) {
        u = &ld->units[i + 1];
        load_input(ld->zs, &in->items[i], &lo, u, scratch);
        count_unit(ld, u);
        if (show_progress) {
            double now = cli_now();
            if (now - t0 > 1.0 && now - last > 0.2) {
                fprintf(stderr, "\rmxhazard: loading %zu/%zu files", i + 1, in->n);
                last = now;
                shown = 1;
            }
        }
    }
    free(scratch);
    if (shown)
        fprintf(stderr, "\r\033[K");
    return 0;
}

void cli_loaded_free(cli_loaded *ld)
{
    for (size_t i = 0; i < ld->nunits; i++)
        free(ld->units[i].extra_error);
    cli_strpool_free(&ld->names);
    free(ld->units);
    mxh_zoneset_free(ld->zs);
    memset(ld, 0, sizeof *ld);
}

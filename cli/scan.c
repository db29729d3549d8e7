/* SPDX-License-Identifier: MIT */
/*
 * scan.c — `mxhazard scan`: load every input into one zone set, then run the
 * rules over the zones with N threads, each with its own engine.
 *
 * Workers take runs of zones from a shared counter; each keeps a zone's
 * findings in that zone's slot and formats them there (JSON lines or text;
 * SARIF is left to the printing), and the worker that completes the slot
 * the output waits for prints it and every completed slot behind it
 * (print_ready), strictly in input order, freeing each after it is printed.
 * Workers may run at most WINDOW zones ahead of the printed ones, so the
 * findings held in memory stay bounded however many zones there are, and the
 * output is the same byte for byte whatever --jobs is.
 */
#include "cli.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 1024
#define TAKE_RUN 8       /* zones a worker takes at once (< WINDOW) */

typedef struct slot {
    cli_fd *v;
    size_t n, cap;
    int done;
    int rule_errors;
    /* Set by finish_slot: what the summary counts, whether the unit is
     * shown, and (JSON, text) its output already formatted by the worker. */
    size_t n_load, n_rule_err, n_sev[3];
    int show;
    char *text;
    size_t textlen;
} slot;

/* Progress on standard error: drawn by the main thread, cleared by the
 * worker printing a unit (mu orders the two; only taken when `on`). */
typedef struct progress {
    int on;
    int shown;
    double t0, last;
    pthread_mutex_t mu;
} progress;

typedef struct scan_ctx {
    cli_loaded *ld;
    const cli_out *fmt;         /* non-NULL: workers format each unit like this */
    int by_sev;                 /* findings sorted most severe first (text) */
    int show_empty;             /* units without findings are printed (verbose text) */
    const cli_scan_opts *o;     /* for the engines the workers make */
    const mxh_cdn_ranges *cdn;
    slot *slots;
    size_t next_take, next_print, zones_done;
    int unbounded;              /* no window (a single worker, on the main thread) */
    int printing;               /* a worker is writing out finished units */
    int main_waits;             /* the main thread sleeps on cv_done */
    unsigned workers_waiting;   /* workers asleep on a full window */
    /* What the printing worker writes to and counts into. */
    cli_out *out;
    cli_summary *sum;
    progress *pr;
    pthread_mutex_t mu;
    pthread_cond_t cv_done, cv_space;
} scan_ctx;

typedef struct worker {
    scan_ctx *ctx;
    mxh_engine *engine;
    pthread_t tid;
} worker;

static char *dup_or_empty(const char *s)
{
    return cli_xstrdup(s ? s : "");
}

/* Free a slot's findings (once printed, or formatted into its text). */
static void slot_drop_findings(slot *s)
{
    for (size_t k = 0; k < s->n; k++)
        cli_fd_free(&s->v[k]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static cli_fd *slot_add(slot *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = cli_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    cli_fd *d = &s->v[s->n];
    memset(d, 0, sizeof *d);
    d->seq = s->n++;
    return d;
}

/* The engine's callback: copy the finding (it lives only during the call). */
static int on_finding(const mxh_finding *f, void *ud)
{
    slot *s = ud;
    cli_fd *d = slot_add(s);
    d->kind = mxh_finding_kind_of(f) == MXH_FINDING_RULE_ERROR ? CLI_FD_RULE_ERROR
                                                               : CLI_FD_FINDING;
    if (d->kind == CLI_FD_RULE_ERROR)
        s->rule_errors++;
    d->rule = dup_or_empty(mxh_finding_rule(f));
    d->sev = mxh_finding_severity(f);
    if ((unsigned)d->sev > MXH_SEV_INFO)
        d->sev = MXH_SEV_ERROR;
    d->zone = dup_or_empty(mxh_finding_zone(f));
    d->owner = dup_or_empty(mxh_finding_owner(f));
    d->message = dup_or_empty(mxh_finding_message(f));
    d->fix = dup_or_empty(mxh_finding_fix(f));
    d->file = dup_or_empty(mxh_finding_file(f));
    d->line = mxh_finding_line(f);
    d->nev = mxh_finding_evidence_count(f);
    if (d->nev) {
        d->ev = cli_xmalloc(d->nev * sizeof *d->ev);
        for (size_t i = 0; i < d->nev; i++) {
            d->ev[i].file = dup_or_empty(mxh_finding_evidence_file(f, i));
            d->ev[i].line = mxh_finding_evidence_line(f, i);
            d->ev[i].text = dup_or_empty(mxh_finding_evidence_text(f, i));
        }
    }
    return 0;
}

static void scan_unit(mxh_engine *e, const mxh_zoneset *zs, const cli_unit *u, slot *s)
{
    if (!u->zone)
        return;
    mxh_status st = mxh_engine_scan_zone(e, zs, u->zone, on_finding, s);
    if (st != MXH_OK && !(st == MXH_ERR_RULE_RUN && s->rule_errors)) {
        cli_fd *d = slot_add(s);
        d->kind = CLI_FD_RULE_ERROR;
        d->rule = cli_xstrdup("(engine)");
        d->sev = MXH_SEV_ERROR;
        d->zone = dup_or_empty(mxh_zone_origin(u->zone));
        d->owner = dup_or_empty(mxh_zone_origin(u->zone));
        const char *m = mxh_engine_errmsg(e);
        d->message = cli_xstrdup(m && *m ? m : mxh_strerror(st));
        d->fix = cli_xstrdup("");
        d->file = dup_or_empty(mxh_zone_file(u->zone));
    }
}

static void add_load_errors(const cli_loaded *ld, const cli_unit *u, slot *s);

/* A unit's findings complete: its load errors added, sorted, counted; and
 * with fmt, written out into s->text by this (worker) thread, so that the
 * printer only copies bytes in input order. */
static void finish_slot(const cli_loaded *ld, const cli_unit *u, slot *s, const cli_out *fmt,
                        int by_sev, int show_empty)
{
    add_load_errors(ld, u, s);
    cli_fd_sort(s->v, s->n, by_sev);
    for (size_t k = 0; k < s->n; k++) {
        const cli_fd *d = &s->v[k];
        if (d->kind == CLI_FD_LOAD_ERROR)
            s->n_load++;
        else
            s->n_sev[d->sev]++;
        if (d->kind == CLI_FD_RULE_ERROR)
            s->n_rule_err++;
    }
    /* A unit without findings prints nothing, but in verbose text ("no findings"). */
    s->show = s->n || (u->file && show_empty);
    if (!fmt || !s->show)
        return;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return; /* the printer formats it then */
    cli_out o = *fmt;
    o.f = m;
    cli_out_unit(&o, u->file, u->zone ? mxh_zone_origin(u->zone) : NULL, s->v, s->n);
    if (fclose(m) != 0 || !buf) {
        free(buf);
        return;
    }
    s->text = buf;
    s->textlen = len;
    slot_drop_findings(s);
}

static void print_ready(scan_ctx *c);

static void *worker_main(void *arg)
{
    worker *w = arg;
    scan_ctx *c = w->ctx;
    if (!w->engine) {
        /* Made here, so that the workers compile their rules at the same
         * time. The first engine already loaded the same rules, so only a
         * lack of memory can fail here: the other workers take the zones. */
        int usage = 0;
        w->engine = cli_engine_make(c->o, 0, &usage);
        if (!w->engine)
            return NULL;
        if (c->cdn)
            mxh_engine_set_cdn_ranges(w->engine, c->cdn);
    }
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->unbounded && c->next_take < c->ld->nunits &&
               c->next_take >= c->next_print + WINDOW) {
            c->workers_waiting++;
            pthread_cond_wait(&c->cv_space, &c->mu);
            c->workers_waiting--;
        }
        size_t i = c->next_take;
        if (i >= c->ld->nunits) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        /* A run of zones per visit to the lock (one each near the end, so
         * the threads finish together): small zones take microseconds, and
         * two threads meeting at the lock for every zone lose more. */
        size_t left = c->ld->nunits - i, run = left >= 4 * TAKE_RUN ? TAKE_RUN : 1;
        c->next_take += run;
        pthread_mutex_unlock(&c->mu);

        for (size_t k = 0; k < run; k++) {
            scan_unit(w->engine, c->ld->zs, &c->ld->units[i + k], &c->slots[i + k]);
            finish_slot(c->ld, &c->ld->units[i + k], &c->slots[i + k], c->fmt, c->by_sev,
                        c->show_empty);
        }

        pthread_mutex_lock(&c->mu);
        for (size_t k = i; k < i + run; k++) {
            c->slots[k].done = 1;
            if (c->ld->units[k].zone)
                c->zones_done++;
        }
        print_ready(c);
        pthread_mutex_unlock(&c->mu);
    }
    return NULL;
}

/* Load errors of a unit become findings of kind load-error, in the order met. */
static void add_load_errors(const cli_loaded *ld, const cli_unit *u, slot *s)
{
    /* A file of which no line could be read as a record is not a zone (a data
     * file next to the zones, say): one load error for the file, naming the
     * first reason, instead of one per line. */
    int not_a_zone = u->zone && mxh_zone_record_count(u->zone) == 0 &&
                     mxh_zone_rejected_count(u->zone) > 1;
    for (size_t i = u->diag_lo; i < u->diag_hi; i++) {
        const mxh_diag *dg = mxh_zoneset_diag(ld->zs, i);
        if (mxh_diag_level_of(dg) != MXH_DIAG_ERROR)
            continue;
        if (not_a_zone) {
            char msg[600];
            snprintf(msg, sizeof msg,
                     "not a zone file: none of its %zu record lines could be read (first, line %lu: %.400s)",
                     mxh_zone_rejected_count(u->zone), mxh_diag_line(dg), mxh_diag_message(dg));
            cli_fd *d = slot_add(s);
            d->kind = CLI_FD_LOAD_ERROR;
            d->rule = cli_xstrdup("load-error");
            d->sev = MXH_SEV_ERROR;
            d->zone = cli_xstrdup(mxh_zone_origin(u->zone));
            d->message = cli_xstrdup(msg);
            d->fix = cli_xstrdup("");
            d->file = dup_or_empty(mxh_diag_file(dg));
            d->line = mxh_diag_line(dg);
            break;
        }
        cli_fd *d = slot_add(s);
        d->kind = CLI_FD_LOAD_ERROR;
        d->rule = cli_xstrdup("load-error");
        d->sev = MXH_SEV_ERROR;
        const mxh_zone *z = mxh_diag_zone(dg);
        d->zone = z ? cli_xstrdup(mxh_zone_origin(z)) : NULL;
        d->message = dup_or_empty(mxh_diag_message(dg));
        d->fix = cli_xstrdup("");
        d->file = dup_or_empty(mxh_diag_file(dg));
        d->line = mxh_diag_line(dg);
    }
    if (u->extra_error) {
        cli_fd *d = slot_add(s);
        d->kind = CLI_FD_LOAD_ERROR;
        d->rule = cli_xstrdup("load-error");
        d->sev = MXH_SEV_ERROR;
        d->zone = u->zone ? cli_xstrdup(mxh_zone_origin(u->zone)) : NULL;
        d->message = cli_xstrdup(u->extra_error);
        d->fix = cli_xstrdup("");
        d->file = dup_or_empty(u->file);
        d->line = 0;
    }
}

static void load_warnings(const cli_loaded *ld, const cli_unit *u)
{
    for (size_t i = u->diag_lo; i < u->diag_hi; i++) {
        const mxh_diag *dg = mxh_zoneset_diag(ld->zs, i);
        if (mxh_diag_level_of(dg) != MXH_DIAG_ERROR)
            cli_say_diag(dg);
    }
}

/* ------------------------------------------------------------------------ */
/* Progress on standard error                                                */

static void progress_tick(progress *p, size_t done, size_t total)
{
    if (!p->on || total == 0)
        return;
    double now = cli_now();
    if (now - p->t0 < 1.0 || now - p->last < 0.25)
        return;
    p->last = now;
    double rate = (double)done / (now - p->t0);
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\rmxhazard: %zu/%zu zones, %.0f zones/s, ETA %.0f s   ", done, total,
            rate, eta);
    p->shown = 1;
}

static void progress_end(progress *p)
{
    if (!p->on)
        return;
    pthread_mutex_lock(&p->mu);
    if (p->shown)
        fputs("\r                                                                  \r",
              stderr);
    p->shown = 0;
    pthread_mutex_unlock(&p->mu);
}

/* ------------------------------------------------------------------------ */

/*
 * Called with c->mu held by a worker that has just finished units: unless
 * another worker is at it, write out every finished unit next in input
 * order (the output keeps input order whatever --jobs is). The worker that
 * completes the unit the output waits for prints it and whatever finished
 * behind it; a printing thread of its own cost two context switches per
 * wake-up, each taking a core from a scanning worker.
 */
static void print_ready(scan_ctx *c)
{
    if (c->printing)
        return; /* that worker sees these units before it stops */
    c->printing = 1;
    const cli_loaded *ld = c->ld;
    const cli_scan_opts *o = c->o;
    while (c->next_print < ld->nunits && c->slots[c->next_print].done) {
        size_t i = c->next_print, end = i + 1;
        while (end < ld->nunits && c->slots[end].done)
            end++;
        pthread_mutex_unlock(&c->mu);
        for (; i < end; i++) {
            const cli_unit *u = &ld->units[i];
            slot *s = &c->slots[i];
            if (o->verbose && !o->quiet)
                load_warnings(ld, u);
            c->sum->load_errors += s->n_load;
            c->sum->rule_errors += s->n_rule_err;
            for (int sv = 0; sv < 3; sv++)
                c->sum->by_sev[sv] += s->n_sev[sv];
            if (s->show) {
                progress_end(c->pr);
                if (s->text)
                    fwrite(s->text, 1, s->textlen, c->out->f);
                else
                    cli_out_unit(c->out, u->file, u->zone ? mxh_zone_origin(u->zone) : NULL,
                                 s->v, s->n);
            }
            free(s->text);
            s->text = NULL;
            slot_drop_findings(s);
        }
        pthread_mutex_lock(&c->mu);
        c->next_print = end;
        if (c->workers_waiting)
            pthread_cond_broadcast(&c->cv_space);
    }
    c->printing = 0;
    if (c->main_waits && c->next_print == ld->nunits)
        pthread_cond_signal(&c->cv_done);
}

static int want_color(int opt)
{
    if (opt >= 0)
        return opt;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;   /* https://no-color.org: present and not empty */
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

/*
 * The rule engines are made on a thread of their own while this one walks
 * the directories (an engine takes 0.3-0.6 ms to make in a new process, its
 * built-in rules precompiled; a directory of 10,000 zones 5-7 ms to list):
 * the first, which settles usage errors (--only, --rules, ...), then, while
 * the walk still runs, one for each further worker (which otherwise makes
 * its own when the scan starts).
 */
typedef struct engines_ahead {
    const cli_scan_opts *o;
    mxh_engine *first;
    int first_done;             /* first made (or failed): under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    mxh_engine **extra;         /* made while the walk ran: [0, made) */
    unsigned nextra, made;
    atomic_int walked;          /* no further engine is begun once it is set */
} engines_ahead;

static void *make_engines(void *arg)
{
    engines_ahead *a = arg;
    int usage = 0;
    mxh_engine *e = cli_engine_make(a->o, 1, &usage);
    pthread_mutex_lock(&a->mu);
    a->first = e;
    a->first_done = 1;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    while (e && a->made < a->nextra && !atomic_load(&a->walked)) {
        mxh_engine *x = cli_engine_make(a->o, 0, &usage);
        if (!x)
            break;
        a->extra[a->made++] = x;
    }
    return NULL;
}

/* Free what engines_ahead holds besides the engines. */
static void engines_end(engines_ahead *ea)
{
    free(ea->extra);
    ea->extra = NULL;
    pthread_mutex_destroy(&ea->mu);
    pthread_cond_destroy(&ea->cv);
}

/* Give up the engines (a usage error once the first is made); th: the thread
 * that may still be making one, or NULL. */
static void engines_drop(engines_ahead *ea, pthread_t *th)
{
    if (th)
        pthread_join(*th, NULL);
    mxh_engine_free(ea->first);
    for (unsigned k = 0; k < ea->made; k++)
        mxh_engine_free(ea->extra[k]);
    engines_end(ea);
}

int cli_cmd_scan(int argc, char **argv)
{
    cli_scan_opts o;
    int rc = cli_parse_opts(&o, "scan", argc, argv);
    if (rc) {
        cli_opts_free(&o);
        return rc == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (o.format == CLI_FMT_DOT) {
        cli_opts_free(&o);
        return cli_usage_error("scan", "--format dot is for 'mxhazard route'; scan writes "
                                       "text, json or sarif");
    }
    if (o.paths.n == 0) {
        cli_opts_free(&o);
        return cli_usage_error("scan", "no PATH given (a zone file, a directory, or '-')");
    }
    double t0 = cli_now();
    int show_progress = !o.quiet && (o.progress > 0 || (o.progress < 0 && isatty(STDERR_FILENO)));

    /* Engines first: a bad --only/--skip/--severity/--rules is a usage
     * error before any zone is read. With --verbose the walk names what it
     * skips: the engines are made before it then, so that messages keep
     * their order. */
    unsigned jobs = o.jobs ? o.jobs : cli_cpu_count();
    engines_ahead ea;
    memset(&ea, 0, sizeof ea);
    ea.o = &o;
    ea.nextra = jobs > 1 ? jobs - 1 : 0;
    ea.extra = cli_xmalloc((ea.nextra ? ea.nextra : 1) * sizeof *ea.extra);
    atomic_init(&ea.walked, 0);
    pthread_mutex_init(&ea.mu, NULL);
    pthread_cond_init(&ea.cv, NULL);
    pthread_t eth;
    int ahead = !o.verbose && pthread_create(&eth, NULL, make_engines, &ea) == 0;
    if (!ahead) {
        ea.nextra = 0;
        make_engines(&ea);
        if (!ea.first) {
            engines_end(&ea);
            cli_opts_free(&o);
            return CLI_EXIT_USAGE;
        }
    }

    cli_inputs in;
    memset(&in, 0, sizeof in);
    cli_inputs_expand(&in, &o.paths, o.inventory, o.verbose && !o.quiet);
    if (ahead) {
        /* The walk is done: no further engine is begun, and loading need
         * wait only for the first (one more may still be under way: it is
         * taken when the workers start). */
        atomic_store(&ea.walked, 1);
        pthread_mutex_lock(&ea.mu);
        while (!ea.first_done)
            pthread_cond_wait(&ea.cv, &ea.mu);
        pthread_mutex_unlock(&ea.mu);
        if (!ea.first) {
            pthread_join(eth, NULL);
            engines_end(&ea);
            cli_inputs_free(&in);
            cli_opts_free(&o);
            return CLI_EXIT_USAGE;
        }
    }
    /* Extra CDN/WAF ranges: one read-only table shared by every engine
     * (read after the engines, so that a usage error of theirs comes first). */
    mxh_cdn_ranges *cdn = NULL;
    if (o.cdn_files.n) {
        if (mxh_cdn_ranges_new(&cdn) != MXH_OK) {
            fputs("mxhazard: out of memory\n", stderr);
            engines_drop(&ea, ahead ? &eth : NULL);
            cli_inputs_free(&in);
            cli_opts_free(&o);
            return CLI_EXIT_USAGE;
        }
        for (size_t i = 0; i < o.cdn_files.n; i++) {
            if (mxh_cdn_ranges_load_file(cdn, o.cdn_files.v[i]) != MXH_OK) {
                fprintf(stderr, "mxhazard: --cdn-ranges: %s\n", mxh_cdn_ranges_errmsg(cdn));
                mxh_cdn_ranges_free(cdn);
                engines_drop(&ea, ahead ? &eth : NULL);
                cli_inputs_free(&in);
                cli_opts_free(&o);
                return CLI_EXIT_USAGE;
            }
        }
    }

    mxh_engine *first = ea.first;
    if (cdn)
        mxh_engine_set_cdn_ranges(first, cdn);
    cli_loaded ld;
    rc = cli_load(&ld, &o, &in, show_progress);
    if (rc) {
        cli_inputs_free(&in);
        engines_drop(&ea, ahead ? &eth : NULL);
        mxh_cdn_ranges_free(cdn);
        cli_opts_free(&o);
        return rc;
    }

    /* The units took over the names (cli_load): the list can go. */
    size_t nfiles = in.n, nskipped = in.skipped, nunreadable = in.unreadable;
    cli_inputs_free(&in);
    if (nfiles == 0 && !o.quiet)
        fputs("mxhazard: no zone files found in the given paths"
              " (--verbose lists what was skipped)\n", stderr);

    size_t nzones = 0;
    for (size_t i = 0; i < ld.nunits; i++)
        if (ld.units[i].zone)
            nzones++;
    if (jobs > nzones)
        jobs = nzones ? (unsigned)nzones : 1;

    worker *ws = cli_xmalloc(jobs * sizeof *ws);
    memset(ws, 0, jobs * sizeof *ws);
    ws[0].engine = first;       /* the others: made during the walk, or on their thread */
    if (ahead)
        pthread_join(eth, NULL);
    for (unsigned k = 0; k < ea.made; k++) {
        if (k + 1 < jobs) {
            ws[k + 1].engine = ea.extra[k];
            if (cdn)
                mxh_engine_set_cdn_ranges(ea.extra[k], cdn);
        } else {
            mxh_engine_free(ea.extra[k]); /* fewer zones than jobs */
        }
    }
    engines_end(&ea);

    scan_ctx c;
    memset(&c, 0, sizeof c);
    c.ld = &ld;
    c.o = &o;
    c.cdn = cdn;
    c.slots = cli_xcalloc(ld.nunits, sizeof *c.slots);
    pthread_mutex_init(&c.mu, NULL);
    pthread_cond_init(&c.cv_done, NULL);
    pthread_cond_init(&c.cv_space, NULL);

    cli_out out;
    memset(&out, 0, sizeof out);
    out.f = stdout;
    out.format = o.format;
    out.color = o.format == CLI_FMT_TEXT && want_color(o.color);
    out.quiet = o.quiet;
    out.verbose = o.verbose;
    out.engine = first;
    cli_out_begin(&out);   /* before the workers start: it reads engine 0 */
    /* SARIF numbers and separates its results as they are written: that
     * stays with the printer. JSON lines and text units stand alone. */
    c.fmt = o.format == CLI_FMT_SARIF ? NULL : &out;
    c.by_sev = o.format == CLI_FMT_TEXT;
    c.show_empty = o.format == CLI_FMT_TEXT && out.verbose;

    cli_summary sum;
    memset(&sum, 0, sizeof sum);
    progress pr = {show_progress, 0, cli_now(), 0, PTHREAD_MUTEX_INITIALIZER};
    c.out = &out;
    c.sum = &sum;
    c.pr = &pr;

    unsigned started = 0;
    for (unsigned j = 0; j < jobs; j++) {
        ws[j].ctx = &c;
        if (pthread_create(&ws[j].tid, NULL, worker_main, &ws[j]) != 0)
            break;
        started++;
    }
    if (started == 0) {
        /* No thread could be made: scan (and print) on this one. */
        ws[0].ctx = &c;
        c.unbounded = 1;
        worker_main(&ws[0]);
    }

    /* The workers print; this thread sleeps until the last unit is out,
     * waking only to draw the progress line. */
    pthread_mutex_lock(&c.mu);
    c.main_waits = 1;
    while (c.next_print < ld.nunits) {
        if (!pr.on) {
            pthread_cond_wait(&c.cv_done, &c.mu);
            continue;
        }
        cli_cond_wait_ms(&c.cv_done, &c.mu, 250);
        if (c.next_print >= ld.nunits)
            break;
        size_t done = c.zones_done;
        pthread_mutex_unlock(&c.mu);
        pthread_mutex_lock(&pr.mu);
        progress_tick(&pr, done, nzones);
        pthread_mutex_unlock(&pr.mu);
        pthread_mutex_lock(&c.mu);
    }
    pthread_mutex_unlock(&c.mu);
    for (unsigned j = 0; j < started; j++)
        pthread_join(ws[j].tid, NULL);
    progress_end(&pr);

    sum.zones = nzones;
    sum.records = mxh_zoneset_record_count(ld.zs);
    sum.files = nfiles;
    sum.skipped = nskipped;
    sum.seconds = cli_now() - t0;
    cli_out_end(&out, &sum);
    if (o.format != CLI_FMT_TEXT && o.verbose && !o.quiet) {
        cli_out err = {.f = stderr, .format = CLI_FMT_TEXT};
        fputs("mxhazard: ", stderr);
        cli_out_end(&err, &sum);
    }

    int fail = 0;
    if (o.fail_on >= 0)
        for (int sv = 0; sv <= o.fail_on && sv <= MXH_SEV_INFO; sv++)
            if (sum.by_sev[sv])
                fail = 1;
    rc = ld.failed || nunreadable ? CLI_EXIT_USAGE : fail ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;

    pthread_mutex_destroy(&c.mu);
    pthread_cond_destroy(&c.cv_done);
    pthread_cond_destroy(&c.cv_space);
    free(c.slots);
    pthread_mutex_destroy(&pr.mu);
    if (cli_free_at_exit()) {
        for (unsigned j = 0; j < jobs; j++)
            mxh_engine_free(ws[j].engine);
        mxh_cdn_ranges_free(cdn);   /* after the engines that borrowed it */
        cli_loaded_free(&ld);
    }
    /* else: the process ends now, and the system takes the zone set back at
     * once; freeing it block by block first costs time and nothing else */
    free(ws);
    cli_opts_free(&o);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("mxhazard: error writing the output\n", stderr);
        return CLI_EXIT_USAGE;
    }
    return rc;
}

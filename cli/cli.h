/* SPDX-License-Identifier: MIT */
/*
 * cli.h — declarations shared by the files of the mxhazard command-line tool.
 * The tool is a front end over the public API (core/mxhazard.h) only.
 */
#ifndef MXH_CLI_H
#define MXH_CLI_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "mxhazard.h"

/* The project's home page for SARIF's tool.driver.informationUri: set it at
 * build time (-DMXH_INFO_URI='"https://…"'); empty: the optional field is left out. */
#ifndef MXH_INFO_URI
#define MXH_INFO_URI ""
#endif

/* Exit statuses (documented in docs/mxhazard.1). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FINDINGS = 1, CLI_EXIT_USAGE = 2 };

/* ------------------------------------------------------------------------ */
/* Growable arrays of strings (cli/util.c)                                   */

typedef struct cli_strv {
    char **v;
    size_t n, cap;
} cli_strv;

void cli_strv_push(cli_strv *sv, const char *s);
void cli_strv_free(cli_strv *sv);

/* Allocation that exits with a message when memory runs out. */
void *cli_xmalloc(size_t n);
/* Zeroed. A large block comes as fresh zero pages, faulted in by whichever
 * thread first writes each (a memset on the main thread took one fault per
 * page of 100,000 units' state before any worker could start). */
void *cli_xcalloc(size_t n, size_t size);
void *cli_xrealloc(void *p, size_t n);
char *cli_xstrdup(const char *s);

/* Strings kept together and freed together (the paths of a walk: 100,000
 * of them cost 100,000 malloc calls on the main thread before any loading
 * could start). Not thread-safe. */
typedef struct cli_strpool {
    char **blocks;
    size_t nblocks, capblocks;
    char *cur;                  /* free space of the last block */
    size_t left;
} cli_strpool;

/* n bytes in the pool (not aligned); exits when memory runs out. */
char *cli_strpool_alloc(cli_strpool *p, size_t n);
char *cli_strpool_dup(cli_strpool *p, const char *s);
/* Make the next n bytes of allocations come from one block. */
void cli_strpool_reserve(cli_strpool *p, size_t n);
void cli_strpool_free(cli_strpool *p);

/* Monotonic seconds. */
double cli_now(void);
/* pthread_cond_timedwait for at most ms milliseconds (mu held). */
void cli_cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, long ms);
/* One problem on stderr: "mxhazard: LABEL: file[:line]: message" (label may
 * be NULL); a load diagnostic labelled by its level. */
void cli_say(const char *label, const char *file, unsigned long line, const char *msg);
void cli_say_diag(const mxh_diag *d);
/* Whether to free the zone set and engines before exiting: under a leak
 * checker (an ASan build, or MXH_FREE_AT_EXIT=1 in the environment) yes;
 * otherwise the exit returns the memory at once. */
int cli_free_at_exit(void);
/* Heaps for a batch scan (glibc): grown in large steps and never trimmed
 * (see cli/util.c). Once, at the start of the process. */
void cli_heap_setup(void);
/* Number of online processors (at least 1). */
unsigned cli_cpu_count(void);

/* Usage error: "mxhazard: <msg>" and "Try 'mxhazard <cmd> --help'." on stderr. Returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------ */
/* Output helpers (cli/jsonw.c)                                              */

/* s as a JSON string literal (with quotes); NULL prints null. Control
 * characters are escaped, invalid UTF-8 bytes become \ufffd. */
void cli_json_str(FILE *f, const char *s);
/* s with control bytes and invalid UTF-8 shown as \xNN (for terminals). */
void cli_text_safe(FILE *f, const char *s);
/* A file path as a URI reference for SARIF artifactLocation.uri. */
void cli_json_uri(FILE *f, const char *path);
/* s as a Graphviz double-quoted string (with quotes). */
void cli_dot_str(FILE *f, const char *s);

/* ------------------------------------------------------------------------ */
/* Options shared by scan and route                                          */

typedef struct cli_scan_opts {
    const char *cmd;            /* "scan" or "route": for messages */
    int format;                 /* CLI_FMT_* */
    mxh_format input_format;
    const char *origin;
    const char *inventory;
    const char *include_root;
    cli_strv rules_dirs;
    const char *only;
    const char *skip;
    cli_strv severities;        /* "ID=LEVEL" */
    int fail_on;                /* -1: never, else an mxh_severity: fail at or above it */
    unsigned jobs;              /* 0: cores */
    int progress;               /* -1 auto, 0 no, 1 yes */
    int quiet;
    int verbose;
    int color;                  /* -1 auto, 0 never, 1 always */
    int all;                    /* route: every mail domain */
    cli_strv cdn_files;         /* scan: more CDN/WAF ranges for the rules */
    cli_strv paths;
} cli_scan_opts;

enum { CLI_FMT_TEXT = 0, CLI_FMT_JSON, CLI_FMT_SARIF, CLI_FMT_DOT };

/* ------------------------------------------------------------------------ */
/* Inputs (cli/inputs.c): expand PATH arguments into a list of files.        */

typedef struct cli_input {
    const char *path;           /* a file to load; "-" is standard input (in `names`) */
    char *error;                /* non-NULL: a directory that could not be read, and why */
    int regular;                /* the walk saw a regular file (not a link, FIFO, ...) */
} cli_input;

typedef struct cli_inputs {
    cli_input *items;           /* in order */
    size_t n, cap;
    size_t skipped;             /* entries in directories left out (by name, or not files) */
    size_t unreadable;          /* directories that could not be read (also load errors) */
    cli_strpool names;          /* the paths' text (cli_load takes it over) */
} cli_inputs;

/* Expand paths (recursing into directories; the inventory file is never a
 * zone). verbose: name every skipped entry on stderr. */
void cli_inputs_expand(cli_inputs *in, const cli_strv *paths, const char *inventory, int verbose);
void cli_inputs_free(cli_inputs *in);
/* Whether a directory entry's name marks it as obviously not a zone; the
 * reason is set when it does. */
int cli_skip_by_name(const char *name, const char **reason);

/* ------------------------------------------------------------------------ */
/* Loading (cli/load.c): every input into one zone set, in order.           */

typedef struct cli_unit {
    const char *file;           /* as given (in the loaded set's `names`, or static):
                                 * "<stdin>" for "-"; NULL for no inventory */
    const mxh_zone *zone;       /* NULL: nothing loaded */
    mxh_status status;
    size_t diag_lo, diag_hi;    /* the diagnostics this load produced */
    char *extra_error;          /* a load error with no diagnostic behind it */
} cli_unit;

typedef struct cli_loaded {
    mxh_zoneset *zs;
    cli_unit *units;            /* units[0] is the inventory (file NULL when none) */
    size_t nunits;
    size_t load_errors;         /* error-level problems over all units */
    int failed;                 /* some input could not be (completely) loaded */
    cli_strpool names;          /* the units' file names */
} cli_loaded;

/* Load everything; returns 0, or 2 after a usage error was printed. The
 * result takes over the inputs' names (in->names): `in` may be freed after,
 * in either case. */
int cli_load(cli_loaded *ld, const cli_scan_opts *o, cli_inputs *in, int show_progress);
void cli_loaded_free(cli_loaded *ld);

/* ------------------------------------------------------------------------ */
/* Findings, copied out of the engine's callback (cli/scan.c) and printed   */
/* by one of the writers (cli/output.c).                                     */

enum { CLI_FD_FINDING = 0, CLI_FD_RULE_ERROR, CLI_FD_LOAD_ERROR };

typedef struct cli_ev {
    char *file;
    unsigned long line;
    char *text;
} cli_ev;

typedef struct cli_fd {
    int kind;                   /* CLI_FD_* */
    char *rule;                 /* rule id; for a rule error the failing rule */
    mxh_severity sev;
    char *zone;                 /* NULL when no zone was made (load errors) */
    char *owner;                /* NULL for load errors */
    char *message;
    char *fix;                  /* "" if none */
    char *file;
    unsigned long line;
    cli_ev *ev;
    size_t nev;
    size_t seq;                 /* arrival order: the last sort key */
} cli_fd;

void cli_fd_free(cli_fd *f);
/* Sort one unit's findings: load errors first (as met), then by owner in
 * DNS order (RFC 4034 §6.1), rule, line. by_severity: severity first. */
void cli_fd_sort(cli_fd *v, size_t n, int by_severity);

typedef struct cli_summary {
    size_t zones, records, files;
    size_t by_sev[3];           /* findings (rule errors included) per severity */
    size_t load_errors, rule_errors, skipped;
    double seconds;
} cli_summary;

typedef struct cli_out {
    FILE *f;
    int format;                 /* CLI_FMT_TEXT, _JSON, _SARIF */
    int color;
    int quiet, verbose;
    size_t nresults;            /* results written so far (SARIF commas) */
    const mxh_engine *engine;   /* for the SARIF rule table */
    char **rule_ids;            /* sorted ids, SARIF ruleIndex order */
    size_t nrule_ids;
} cli_out;

void cli_out_begin(cli_out *o);
/* One unit: its file, its zone origin (or NULL) and its sorted findings. */
void cli_out_unit(cli_out *o, const char *file, const char *origin, const cli_fd *v, size_t n);
void cli_out_end(cli_out *o, const cli_summary *s);

/* ------------------------------------------------------------------------ */
/* Engines (cli/engine.c)                                                    */

/* Make an engine configured by o (rules dirs, only/skip, severities).
 * On error prints a message and returns NULL with *usage set when the
 * cause is the command line. notices: print the engine's notices. */
mxh_engine *cli_engine_make(const cli_scan_opts *o, int notices, int *usage);

/* ------------------------------------------------------------------------ */
/* Commands                                                                  */

int cli_cmd_scan(int argc, char **argv);
int cli_cmd_route(int argc, char **argv);
int cli_cmd_rules(int argc, char **argv);
int cli_cmd_explain(int argc, char **argv);
int cli_help(const char *cmd, FILE *f);

/* Parse the options shared by scan, route, rules and explain. Returns 0 on
 * success, 1 when --help was given (help printed), 2 on a usage error. */
int cli_parse_opts(cli_scan_opts *o, const char *cmd, int argc, char **argv);
void cli_opts_free(cli_scan_opts *o);

#endif /* MXH_CLI_H */

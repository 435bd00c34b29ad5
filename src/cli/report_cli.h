/* --report FILE.html: the run report of simulate, trial, lab, validate and
 * fit (docs/formats.md, "Run report").
 *
 * The page is one of the command's outputs: its file is opened (and so its
 * location checked) before the work starts, written atomically, and
 * committed only after the command's other outputs; a failed or
 * interrupted run leaves no report.  Figures are drawn as SVG into a
 * scratch directory next to the report (.ketsim-report.XXXXXX, inside the
 * directory the user named), inlined, and removed; the interrupt watcher
 * removes it too. */
#ifndef KETSIM_CLI_REPORT_CLI_H
#define KETSIM_CLI_REPORT_CLI_H

#include "ketsim/params.h"
#include "ketsim/report_html.h"
#include "output.h"

typedef struct cli_report {
    const char *path;         /* NULL: no report asked for (every call is a no-op) */
    cli_file file;
    int parent_fd;            /* the report's directory, for the scratch directory */
    char fig_name[64];        /* the scratch directory's name, "" none */
    int fig_fd;               /* the scratch directory, locked while this run lives */
    char fig_dir[4200];       /* and its path */
    ketsim_html html;
} cli_report;

/* Exit status 2 with a usage message when PATH does not end in .html or
 * .htm; 0 otherwise (also for NULL). */
int cli_report_check_path(const char *cmd, const char *path);
/* Open the report (path NULL: nothing) and, with figures, its scratch
 * directory.  Call before the work. */
int cli_report_open(cli_report *r, const char *path, int figures, ketsim_error *err);
/* Where to draw the figures (NULL: no report or no figures). */
const char *cli_report_fig_dir(const cli_report *r);
int cli_report_active(const cli_report *r);
/* Take the figures from `dir` (the staging directory of --plot DIR, drawn
 * once for both) instead of a scratch directory: only for a report opened
 * without figures; `dir` must outlive cli_report_figures. */
void cli_report_use_figures(cli_report *r, const char *dir);

/* The page's head and the run section: command line, version, git
 * commit, seeds and the files read. */
void cli_report_begin(cli_report *r, const char *title, const char *command_line, const cli_run_info *info);
/* The parameters that differ from their defaults: name, default, value,
 * unit, kind and source.  `note` (NULL: none) says where overrides come
 * from for this command. */
void cli_report_params(cli_report *r, const ketsim_params *p, const char *note);
/* A section holding what `print` writes (a table as the command prints it). */
typedef int (*cli_report_printer)(FILE *fp, const void *ctx, ketsim_error *err);
int cli_report_printed(cli_report *r, const char *heading, cli_report_printer print, const void *ctx,
                       ketsim_error *err);
/* A section with every SVG of the scratch directory: first those named in
 * `order` (base names, NULL-terminated; NULL: none), in that order, then
 * the others by file name. */
int cli_report_figures(cli_report *r, const char *const *order, ketsim_error *err);
/* Finish and commit the page, remove the scratch directory. */
int cli_report_commit(cli_report *r, ketsim_error *err);
/* Discard the page and the scratch directory (no-op when committed). */
void cli_report_abort(cli_report *r);

#endif

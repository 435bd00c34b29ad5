#include "results_db_cli.h"
#include "interrupt.h"
#include "ketsim/datadir.h"
#include "ketsim/ketsim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KETSIM_GIT_COMMIT
#define KETSIM_GIT_COMMIT "unknown"
#endif

int cli_results_db_path(const char *path)
{
    static const char *const ext[] = {".sqlite", ".sqlite3", ".db"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t m = strlen(ext[i]);
        if (n > m && strcmp(path + n - m, ext[i]) == 0)
            return 1;
    }
    return 0;
}

/* An argument as a shell would need it: bare when it is plain, else in
 * single quotes, so the stored command line can be pasted back. */
static void put_arg(char *buf, size_t size, size_t *used, const char *a)
{
    int plain = *a != '\0' && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,/=:@%+")
                                  == strlen(a);
    if (*used && *used < size)
        *used += (size_t)snprintf(buf + *used, size - *used, " ");
    if (plain) {
        if (*used < size)
            *used += (size_t)snprintf(buf + *used, size - *used, "%s", a);
        return;
    }
    if (*used < size)
        *used += (size_t)snprintf(buf + *used, size - *used, "'");
    for (const char *c = a; *c && *used < size; c++)
        *used += (size_t)(*c == '\'' ? snprintf(buf + *used, size - *used, "'\\''")
                                     : snprintf(buf + *used, size - *used, "%c", *c));
    if (*used < size)
        *used += (size_t)snprintf(buf + *used, size - *used, "'");
}

void cli_results_db_command_line(char *buf, size_t size, int argc, char **argv)
{
    size_t used = (size_t)snprintf(buf, size, "ketsim");
    for (int i = 0; i < argc; i++)
        put_arg(buf, size, &used, argv[i]);
}

/* The interrupt watcher's cleanup (run with the output lock held, so no
 * write is in progress): the temporary database and its rollback journal
 * go; the process ends right after, so the connection is left alone. */
static void remove_temp(void *obj)
{
    const char *tmp = ketsim_results_db_temp_path(obj);
    char journal[4200];
    snprintf(journal, sizeof journal, "%s-journal", tmp);
    unlink(tmp);
    unlink(journal);
}

int cli_results_db_open(const char *path, const char *command, const char *command_line, int threads,
                        ketsim_results_db **db, ketsim_error *err)
{
    int rc = ketsim_results_db_open(path, db, err);
    if (rc)
        return rc;
    char num[32];
    snprintf(num, sizeof num, "%d", threads);
    /* a command without --threads (lab: its own default) records none */
    rc = ketsim_results_db_meta(*db, "command", command, err);
    if (!rc)
        rc = ketsim_results_db_meta(*db, "command_line", command_line, err);
    if (!rc)
        rc = ketsim_results_db_meta(*db, "version", KETSIM_VERSION, err);
    if (!rc)
        rc = ketsim_results_db_meta(*db, "git_commit", KETSIM_GIT_COMMIT, err);
    if (!rc && threads > 0)
        rc = ketsim_results_db_meta(*db, "threads", num, err);
    if (!rc)
        rc = ketsim_results_db_meta(*db, "data_dir", ketsim_data_dir(), err);
    if (rc) {
        ketsim_results_db_abort(*db);
        *db = NULL;
        return rc;
    }
    cli_output_lock();
    if (cli_cleanup_register(remove_temp, *db) != 0)
        rc = KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s: too many outputs to clean up on an interrupt", path);
    cli_output_unlock();
    if (rc) {
        ketsim_results_db_abort(*db);
        *db = NULL;
    }
    return rc;
}

int cli_results_db_end(ketsim_results_db *db, int rc, ketsim_error *err)
{
    if (rc) {
        cli_results_db_abort(db);
        return rc;
    }
    return cli_results_db_commit(db, err); /* complete: the database takes its name */
}

int cli_results_db_commit(ketsim_results_db *db, ketsim_error *err)
{
    if (!db)
        return KETSIM_OK;
    cli_output_lock();
    cli_cleanup_unregister(db);
    int rc = ketsim_results_db_commit(db, err);
    cli_output_unlock();
    return rc;
}

void cli_results_db_abort(ketsim_results_db *db)
{
    if (!db)
        return;
    cli_output_lock();
    cli_cleanup_unregister(db);
    ketsim_results_db_abort(db);
    cli_output_unlock();
}

static int meta_num(ketsim_results_db *db, const char *key, unsigned long long v, ketsim_error *err)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", v);
    return ketsim_results_db_meta(db, key, num, err);
}

int cli_results_db_trial_setup(ketsim_results_db *db, const ketsim_trial_scenario *sc,
                               const ketsim_trial_run_opts *o, const ketsim_params *base, ketsim_error *err)
{
    int rc = ketsim_results_db_meta(db, "scenario", sc->name, err);
    if (!rc)
        rc = meta_num(db, "seed", (unsigned long long)o->seed, err);
    if (!rc)
        rc = meta_num(db, "replicates", (unsigned long long)o->replicates, err);
    if (!rc)
        rc = meta_num(db, "subjects_per_replicate", (unsigned long long)sc->n_subjects, err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "on_failure", o->skip_failures ? "skip" : "stop", err);
    if (!rc && sc->file[0])
        rc = ketsim_results_db_data_file(db, sc->file, "scenario", err);
    if (!rc)
        rc = ketsim_results_db_trial_design(db, sc, err);
    ketsim_params *used = NULL;
    if (!rc)
        rc = ketsim_params_clone(base, &used, err);
    if (!rc)
        rc = ketsim_trial_scenario_apply_sets(sc, used, err);
    const char *names[KETSIM_TRIAL_MAX_SETS];
    for (size_t i = 0; i < sc->n_sets; i++)
        names[i] = sc->set_name[i];
    if (!rc)
        rc = ketsim_results_db_params(db, used, names, sc->n_sets, err);
    ketsim_params_free(used);
    return rc;
}

static const char *stress_name(ketsim_lab_stress s)
{
    return s == KETSIM_LAB_STRESS_CUS ? "cus" : s == KETSIM_LAB_STRESS_DEFEAT ? "social_defeat" : "none";
}

int cli_results_db_lab_finish(ketsim_results_db *db, const ketsim_lab_result *res, const ketsim_params *params,
                              ketsim_error *err)
{
    const ketsim_lab_protocol *p = ketsim_lab_result_protocol(res);
    int rc = ketsim_results_db_meta(db, "experiment", p->name, err);
    if (!rc)
        rc = meta_num(db, "seed", (unsigned long long)ketsim_lab_result_seed(res), err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "species", ketsim_species_name(p->species), err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "strain", p->strain, err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "stress", stress_name(p->stress), err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "variability", p->variability ? "1" : "0", err);
    if (!rc && p->path[0])
        rc = ketsim_results_db_data_file(db, p->path, "protocol", err);
    if (!rc)
        rc = ketsim_results_db_params(db, params, NULL, 0, err);
    if (!rc)
        rc = ketsim_results_db_lab(db, res, err);
    if (!rc)
        return cli_results_db_commit(db, err);
    cli_results_db_abort(db);
    return rc;
}

/* ---- predict, design, optimize -------------------------------------------- */

/* A run row whose value is formatted here. */
typedef struct meta_row {
    const char *key;
    char value[128];
} meta_row;

static int put_meta_rows(ketsim_results_db *db, const meta_row *rows, size_t n, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < n; i++)
        if (rows[i].key)
            rc = ketsim_results_db_meta(db, rows[i].key, rows[i].value, err);
    return rc;
}

/* Real numbers in the run table: 10 digits, as the JSON. */
static void set_real(meta_row *row, const char *key, double v)
{
    row->key = key;
    snprintf(row->value, sizeof row->value, "%.10g", v);
}

static void set_num(meta_row *row, const char *key, unsigned long long v)
{
    row->key = key;
    snprintf(row->value, sizeof row->value, "%llu", v);
}

static void set_text(meta_row *row, const char *key, const char *v)
{
    row->key = key;
    snprintf(row->value, sizeof row->value, "%s", v);
}

/* The fit --uncertainty read: the command's own tables hold the run at its
 * estimates, the uncertainty_* tables the draws (beyond_unc_write). */
static int put_fit(ketsim_results_db *db, const char *fit, long draws, ketsim_error *err)
{
    if (!fit)
        return KETSIM_OK;
    int rc = ketsim_results_db_data_file(db, fit, "uncertainty", err);
    return rc ? rc : meta_num(db, "uncertainty_draws", (unsigned long long)draws, err);
}

int cli_results_db_predict_setup(ketsim_results_db *db, const ketsim_predict_opts *o, const ketsim_params *params,
                                 const char *fit, long draws, ketsim_error *err)
{
    meta_row rows[5] = {{0}};
    set_text(&rows[0], "scenario", o->sc.name);
    set_num(&rows[1], "seed", (unsigned long long)o->seed);
    set_num(&rows[2], "subjects", (unsigned long long)o->n_subjects);
    set_num(&rows[3], "bootstrap", (unsigned long long)o->n_boot);
    set_text(&rows[4], "builtin_markers", o->default_markers ? "1" : "0");
    cli_output_lock();
    int rc = put_meta_rows(db, rows, 5, err);
    if (!rc && o->sc.file[0])
        rc = ketsim_results_db_data_file(db, o->sc.file, "scenario", err);
    if (!rc)
        rc = put_fit(db, fit, draws, err);
    if (!rc)
        rc = ketsim_results_db_params(db, params, NULL, 0, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_predict(ketsim_results_db *db, const ketsim_predict_report *rep, ketsim_error *err)
{
    meta_row rows[5] = {{0}};
    set_text(&rows[0], "outcome", rep->outcome_label);
    set_text(&rows[1], "change", rep->change_label);
    set_real(&rows[2], "outcome_time_h", rep->outcome_time_h);
    set_num(&rows[3], "n_defined", (unsigned long long)rep->n_defined);
    set_num(&rows[4], "n_positive", (unsigned long long)rep->n_positive);
    cli_output_lock();
    int rc = put_meta_rows(db, rows, 5, err);
    if (!rc)
        rc = ketsim_results_db_predict(db, rep, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_design_setup(ketsim_results_db *db, const ketsim_design_opts *o, const char *const *drug_files,
                                size_t n_files, const char *fit, long draws, ketsim_error *err)
{
    meta_row rows[3] = {{0}};
    set_num(&rows[0], "seed", (unsigned long long)o->seed);
    set_num(&rows[1], "subjects", (unsigned long long)o->n_subjects);
    set_real(&rows[2], "horizon_days", o->horizon_days);
    cli_output_lock();
    int rc = put_meta_rows(db, rows, 3, err);
    for (size_t i = 0; !rc && i < n_files; i++)
        rc = ketsim_results_db_data_file(db, drug_files[i], "drug", err);
    if (!rc)
        rc = put_fit(db, fit, draws, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_design_subjects(void *db, long candidate, const ketsim_design_subject *s, int n,
                                   ketsim_error *err)
{
    cli_output_lock();
    int rc = ketsim_results_db_design_subjects(db, candidate, s, n, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_design(ketsim_results_db *db, const ketsim_design_candidate *cand, const ketsim_design_result *res,
                          size_t n, ketsim_error *err)
{
    cli_output_lock();
    int rc = meta_num(db, "candidates", (unsigned long long)n, err);
    if (!rc)
        rc = ketsim_results_db_design(db, cand, res, n, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_optimize_setup(ketsim_results_db *db, const ketsim_opt_opts *o, const char *fit, long draws,
                                  ketsim_error *err)
{
    meta_row rows[9] = {{0}};
    set_num(&rows[0], "seed", (unsigned long long)o->seed);
    set_num(&rows[1], "subjects", (unsigned long long)o->n_subjects);
    set_num(&rows[2], "eval_seed", (unsigned long long)o->eval_seed);
    set_num(&rows[3], "eval_subjects", (unsigned long long)o->eval_subjects);
    set_text(&rows[4], "method", o->grid ? "grid" : "nelder-mead");
    set_real(&rows[5], "horizon_days", o->horizon_d);
    set_num(&rows[6], "max_visits", (unsigned long long)o->max_visits);
    /* no row for a cap that is not set (infinite) */
    if (isfinite(o->cap_cadss))
        set_real(&rows[7], "cap_cadss", o->cap_cadss);
    if (isfinite(o->cap_sbp))
        set_real(&rows[8], "cap_sbp_mmhg", o->cap_sbp);
    cli_output_lock();
    int rc = put_meta_rows(db, rows, 9, err);
    if (!rc)
        rc = put_fit(db, fit, draws, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_optimize_subjects(void *db, long rank, const ketsim_opt_subject *s, int n, ketsim_error *err)
{
    cli_output_lock();
    int rc = ketsim_results_db_optimize_subjects(db, rank, s, n, err);
    cli_output_unlock();
    return rc;
}

int cli_results_db_optimize(ketsim_results_db *db, const ketsim_opt_report *rep, ketsim_error *err)
{
    cli_output_lock();
    int rc = meta_num(db, "evaluations", (unsigned long long)rep->n_evals, err);
    if (!rc)
        rc = ketsim_results_db_optimize(db, rep, err);
    cli_output_unlock();
    return rc;
}

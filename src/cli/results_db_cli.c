#include "results_db_cli.h"
#include "interrupt.h"
#include "ketsim/datadir.h"
#include "ketsim/ketsim.h"

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

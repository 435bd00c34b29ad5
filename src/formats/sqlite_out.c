/* Results in an SQLite database (--out FILE.sqlite; schema in docs/formats.md).
 *
 * The database is built in a temporary file beside the target, inside one
 * transaction, and renamed over the target only after COMMIT, close and
 * fsync: a run that fails or is killed leaves the previous complete database
 * (or none) at the target path.  Rows are inserted as the caller hands them
 * over (one replicate's subjects at a time), so memory is SQLite's page
 * cache, not the run's size.  Nothing here depends on the thread count: the
 * same calls in the same order give the same rows. */
#include "ketsim/formats.h"
#include "ketsim/stats.h"
#include "beyond_out.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 2: the uncertainty_* tables */
#define RESULTS_SCHEMA "ketsim-results/2"

/* Prepared inserts, one per table that takes many rows. */
enum { ST_RUN, ST_FILE, ST_PARAM, ST_SUBJECT, ST_PERIOD, ST_RATING, ST_ENDPOINT, ST_SUMMARY, ST_POWER, ST_ARM,
       ST_VISIT, ST_LAB_GROUP, ST_LAB_READOUT, ST_LAB_ANIMAL, ST_LAB_CELL, ST_LAB_CONTRAST,
       ST_DS_RECORD, ST_DS_COV, ST_PR_MARKER, ST_PR_ROC, ST_PR_LIT, ST_PR_SUBJECT, ST_PR_VALUE, ST_DE_CAND,
       ST_DE_KNOB, ST_DE_SUBJECT, ST_OP_REGIMEN, ST_OP_DOSE, ST_OP_SUBJECT, ST_UN_DRAW, ST_UN_VALUE, ST_UN_SUMMARY,
       N_ST };

static const char *const insert_sql[N_ST] = {
    "INSERT INTO run VALUES (?1, ?2)",
    "INSERT INTO data_file VALUES (?1, ?2)",
    "INSERT INTO param VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO subject VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "INSERT INTO subject_period VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO rating VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "INSERT INTO endpoint VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO summary VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO power VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO arm VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO visit VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO lab_group VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO lab_readout VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO lab_animal VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO lab_cell VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO lab_contrast VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO dataset_record VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    "INSERT INTO dataset_covariate VALUES (?1, ?2, ?3)",
    "INSERT INTO predict_marker VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)",
    "INSERT INTO predict_roc VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO predict_literature VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO predict_subject VALUES (?1, ?2, ?3)",
    "INSERT INTO predict_value VALUES (?1, ?2, ?3)",
    "INSERT INTO design_candidate VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21, ?22)",
    "INSERT INTO design_knob VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO design_subject VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO optimize_regimen VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
    "INSERT INTO optimize_dose VALUES (?1, ?2, ?3)",
    "INSERT INTO optimize_subject VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO uncertainty_draw VALUES (?1, ?2, ?3)",
    "INSERT INTO uncertainty_value VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO uncertainty_summary VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
};

/* Tables first (keys only); the secondary indexes are built at the end,
 * once, which is cheaper than keeping them up to date row by row. */
static const char schema_sql[] =
    "CREATE TABLE run (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE data_file (path TEXT PRIMARY KEY, role TEXT NOT NULL);\n"
    "CREATE TABLE param (name TEXT PRIMARY KEY, value REAL, default_value REAL, unit TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL, origin TEXT NOT NULL, source TEXT NOT NULL);\n"
    "CREATE TABLE arm (arm_index INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, control TEXT NOT NULL,\n"
    "  dose TEXT NOT NULL, sessions INTEGER NOT NULL, ratio INTEGER NOT NULL);\n"
    "CREATE TABLE visit (visit_index INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, time_h REAL NOT NULL,\n"
    "  is_primary INTEGER NOT NULL, is_early INTEGER NOT NULL);\n"
    "CREATE TABLE subject (replicate INTEGER NOT NULL, subject INTEGER NOT NULL, assignment INTEGER NOT NULL,\n"
    "  weight_kg REAL, age_y REAL, female INTEGER, bdnf_met INTEGER, cyp2b6_pm INTEGER, placebo_points REAL,\n"
    "  dropout_index INTEGER NOT NULL, failed INTEGER NOT NULL, fail_reason TEXT,\n"
    "  PRIMARY KEY (replicate, subject));\n"
    "CREATE TABLE subject_period (replicate INTEGER NOT NULL, subject INTEGER NOT NULL, period INTEGER NOT NULL,\n"
    "  arm TEXT NOT NULL, cadss_peak REAL, sbp_peak_mmhg REAL, dbp_peak_mmhg REAL, hr_peak_bpm REAL,\n"
    "  infusions_to_response INTEGER NOT NULL, PRIMARY KEY (replicate, subject, period));\n"
    "CREATE TABLE rating (replicate INTEGER NOT NULL, subject INTEGER NOT NULL, period INTEGER NOT NULL,\n"
    "  visit TEXT NOT NULL, seq INTEGER NOT NULL, phase TEXT NOT NULL, time_h REAL NOT NULL,\n"
    "  time_in_period_h REAL NOT NULL, madrs_true REAL, madrs_rated INTEGER,\n"
    "  PRIMARY KEY (replicate, subject, seq));\n"
    "CREATE TABLE endpoint (replicate INTEGER NOT NULL, name TEXT NOT NULL, arm TEXT, visit TEXT, value REAL,\n"
    "  PRIMARY KEY (replicate, name));\n"
    "CREATE TABLE summary (name TEXT PRIMARY KEY, median REAL, p5 REAL, p95 REAL, mean REAL, sd REAL,\n"
    "  defined INTEGER NOT NULL);\n"
    "CREATE TABLE power (test TEXT PRIMARY KEY, alpha REAL NOT NULL, power REAL, lo REAL, hi REAL);\n"
    "CREATE TABLE lab_group (group_index INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL,\n"
    "  drug TEXT NOT NULL, dose TEXT NOT NULL, pretreatments INTEGER NOT NULL, genotype TEXT NOT NULL,\n"
    "  unstressed INTEGER NOT NULL, is_control INTEGER NOT NULL);\n"
    "CREATE TABLE lab_readout (readout_index INTEGER PRIMARY KEY, assay TEXT NOT NULL, measure TEXT NOT NULL,\n"
    "  unit TEXT NOT NULL, label TEXT NOT NULL, time_h REAL NOT NULL, anova_p REAL);\n"
    "CREATE TABLE lab_animal (readout_index INTEGER NOT NULL, group_index INTEGER NOT NULL, animal INTEGER NOT NULL,\n"
    "  value REAL, PRIMARY KEY (readout_index, group_index, animal));\n"
    "CREATE TABLE lab_cell (readout_index INTEGER NOT NULL, group_index INTEGER NOT NULL, n INTEGER NOT NULL,\n"
    "  mean REAL, sem REAL, p_vs_control REAL, PRIMARY KEY (readout_index, group_index));\n"
    "CREATE TABLE lab_contrast (readout_index INTEGER NOT NULL, contrast_index INTEGER NOT NULL,\n"
    "  a TEXT NOT NULL, b TEXT NOT NULL, diff REAL, p_holm REAL, PRIMARY KEY (readout_index, contrast_index));\n"
    "CREATE TABLE dataset_record (record INTEGER PRIMARY KEY, line INTEGER NOT NULL, id REAL NOT NULL,\n"
    "  time_h REAL NOT NULL, evid INTEGER NOT NULL, mdv INTEGER NOT NULL, cmt INTEGER NOT NULL, amt_mg REAL,\n"
    "  rate_mg_per_h REAL, ss INTEGER NOT NULL, output TEXT, dv REAL, blq INTEGER NOT NULL, wt_kg REAL,\n"
    "  pred REAL);\n"
    "CREATE TABLE dataset_covariate (record INTEGER NOT NULL, name TEXT NOT NULL, value REAL,\n"
    "  PRIMARY KEY (record, name));\n"
    "CREATE TABLE predict_marker (rank INTEGER PRIMARY KEY, marker TEXT NOT NULL UNIQUE, n INTEGER NOT NULL,\n"
    "  auc REAL, auc_lo REAL, auc_hi REAL, direction INTEGER, youden_threshold REAL, sensitivity REAL,\n"
    "  specificity REAL, youden_j REAL, r_outcome REAL, rho_outcome REAL, r_change REAL, p_change REAL,\n"
    "  rho_change REAL, binary INTEGER NOT NULL, tp INTEGER, fp INTEGER, fn INTEGER, tn INTEGER,\n"
    "  test_sensitivity REAL, test_sensitivity_lo REAL, test_sensitivity_hi REAL, test_specificity REAL,\n"
    "  test_specificity_lo REAL, test_specificity_hi REAL, ppv REAL, ppv_lo REAL, ppv_hi REAL, npv REAL,\n"
    "  npv_lo REAL, npv_hi REAL, description TEXT NOT NULL);\n"
    "CREATE TABLE predict_roc (marker TEXT NOT NULL, point INTEGER NOT NULL, fpr REAL NOT NULL,\n"
    "  sensitivity REAL NOT NULL, threshold REAL, PRIMARY KEY (marker, point));\n"
    "CREATE TABLE predict_literature (marker TEXT PRIMARY KEY, model_r_change REAL, published_lo REAL NOT NULL,\n"
    "  published_hi REAL NOT NULL, verdict TEXT NOT NULL, source TEXT NOT NULL);\n"
    "CREATE TABLE predict_subject (subject INTEGER PRIMARY KEY, outcome INTEGER, madrs_change_pct REAL);\n"
    "CREATE TABLE predict_value (subject INTEGER NOT NULL, marker TEXT NOT NULL, value REAL,\n"
    "  PRIMARY KEY (subject, marker));\n"
    "CREATE TABLE design_candidate (candidate_index INTEGER PRIMARY KEY, name TEXT NOT NULL, drug TEXT NOT NULL,\n"
    "  route TEXT NOT NULL, amount REAL NOT NULL, amount_unit TEXT NOT NULL, infusion_h REAL NOT NULL,\n"
    "  knobs TEXT NOT NULL, dose TEXT NOT NULL, response_24h REAL, response_24h_lo REAL, response_24h_hi REAL,\n"
    "  days_in_response REAL, days_lo REAL, days_hi REAL, response_24h_excess REAL, days_excess REAL,\n"
    "  madrs_effect_24h REAL, cadss_peak REAL, sbp_peak_mmhg REAL, effective INTEGER NOT NULL,\n"
    "  pareto INTEGER NOT NULL);\n"
    "CREATE TABLE design_knob (candidate_index INTEGER NOT NULL, knob_index INTEGER NOT NULL, knob TEXT NOT NULL,\n"
    "  value REAL, PRIMARY KEY (candidate_index, knob_index));\n"
    "CREATE TABLE design_subject (candidate_index INTEGER NOT NULL, subject INTEGER NOT NULL,\n"
    "  response_24h INTEGER NOT NULL, days_in_response INTEGER NOT NULL, madrs_true_24h REAL, cadss_peak REAL,\n"
    "  sbp_peak_mmhg REAL, PRIMARY KEY (candidate_index, subject));\n"
    "CREATE TABLE optimize_regimen (rank TEXT PRIMARY KEY, regimen TEXT NOT NULL, route TEXT NOT NULL,\n"
    "  dose REAL NOT NULL, infusion_h REAL, interval_d REAL, n_doses INTEGER NOT NULL, train_objective_d REAL,\n"
    "  train_cadss_peak REAL, train_sbp_peak_mmhg REAL, feasible INTEGER NOT NULL, fresh_objective_d REAL,\n"
    "  fresh_days_in_response REAL, fresh_days_lo REAL, fresh_days_hi REAL, fresh_response_end REAL,\n"
    "  fresh_response_end_lo REAL, fresh_response_end_hi REAL, diff_vs_standard_d REAL, diff_lo REAL,\n"
    "  diff_hi REAL, diff_p REAL, fresh_cadss_peak REAL, fresh_sbp_peak_mmhg REAL);\n"
    "CREATE TABLE optimize_dose (rank TEXT NOT NULL, dose_index INTEGER NOT NULL, day REAL NOT NULL,\n"
    "  PRIMARY KEY (rank, dose_index));\n"
    "CREATE TABLE optimize_subject (rank TEXT NOT NULL, subject INTEGER NOT NULL, objective_d REAL,\n"
    "  days_in_response INTEGER NOT NULL, response_end INTEGER NOT NULL, cadss_peak REAL, sbp_peak_mmhg REAL,\n"
    "  PRIMARY KEY (rank, subject));\n"
    /* quantity names need not be unique (design's --lhs candidates may share
     * one): rows are keyed by their index in the CSV */
    "CREATE TABLE uncertainty_draw (draw INTEGER NOT NULL, parameter TEXT NOT NULL, value REAL,\n"
    "  PRIMARY KEY (draw, parameter));\n"
    "CREATE TABLE uncertainty_value (draw INTEGER NOT NULL, quantity_index INTEGER NOT NULL, quantity TEXT NOT NULL,\n"
    "  value REAL, PRIMARY KEY (draw, quantity_index));\n"
    "CREATE TABLE uncertainty_summary (quantity_index INTEGER PRIMARY KEY, quantity TEXT NOT NULL,\n"
    "  at_estimates REAL, median REAL, p2_5 REAL, p97_5 REAL, sd REAL, draws INTEGER NOT NULL);\n";

static const char index_sql[] =
    "CREATE INDEX rating_by_visit ON rating (visit, period);\n"
    "CREATE INDEX subject_period_by_arm ON subject_period (arm, period);\n"
    "CREATE INDEX endpoint_by_name ON endpoint (name, replicate);\n"
    "CREATE INDEX endpoint_by_arm ON endpoint (arm, visit);\n"
    "CREATE INDEX lab_animal_by_group ON lab_animal (group_index, readout_index);\n"
    "CREATE INDEX dataset_record_by_id ON dataset_record (id, time_h);\n"
    "CREATE INDEX predict_value_by_marker ON predict_value (marker, subject);\n"
    "CREATE INDEX design_candidate_by_name ON design_candidate (name);\n"
    "CREATE INDEX design_knob_by_knob ON design_knob (knob, value);\n"
    "CREATE INDEX uncertainty_draw_by_parameter ON uncertainty_draw (parameter, draw);\n"
    "CREATE INDEX uncertainty_value_by_quantity ON uncertainty_value (quantity, draw);\n"
    "CREATE INDEX uncertainty_summary_by_quantity ON uncertainty_summary (quantity);\n";

struct ketsim_results_db {
    sqlite3 *db;
    sqlite3_stmt *st[N_ST];
    char final_path[4096];
    char tmp_path[4096 + 16];
};

const char *ketsim_results_db_temp_path(const ketsim_results_db *db)
{
    return db->tmp_path;
}

static int db_fail(ketsim_results_db *r, const char *what, ketsim_error *err)
{
    return KETSIM_FAIL(err, KETSIM_EIO, "%s: %s: %s", r->final_path, what, sqlite3_errmsg(r->db));
}

static int exec(ketsim_results_db *r, const char *sql, ketsim_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return KETSIM_OK;
    int rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: %s", r->final_path, msg ? msg : "database error");
    sqlite3_free(msg);
    return rc;
}

/* The directory must exist and the target must not be a directory: checked
 * before anything is simulated, so a typo costs nothing. */
static int check_path(const char *path, ketsim_error *err)
{
    if (!path || !*path)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--out: empty database path");
    if (strlen(path) >= 4096)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--out: database path too long");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--out '%s': is a directory", path);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--out '%s': directory '%s' does not exist", path, dir);
    if (access(dir, W_OK) != 0)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "--out '%s': directory '%s' is not writable", path, dir);
    return KETSIM_OK;
}

/* Speed over durability while the temporary file is written: it is thrown
 * away on any failure, so it needs no rollback journal; durability comes
 * from the fsync before the rename. */
static int setup(ketsim_results_db *r, ketsim_error *err)
{
    int rc = exec(r, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;", err);
    if (!rc)
        rc = exec(r, "BEGIN;", err);
    if (!rc)
        rc = exec(r, schema_sql, err);
    for (int i = 0; !rc && i < N_ST; i++)
        if (sqlite3_prepare_v2(r->db, insert_sql[i], -1, &r->st[i], NULL) != SQLITE_OK)
            rc = db_fail(r, "cannot prepare an insert", err);
    if (!rc)
        rc = ketsim_results_db_meta(r, "schema", RESULTS_SCHEMA, err);
    return rc;
}

/* A new empty file PATH.tmp.XXXXXX (SQLite takes an empty file as a new
 * database).  mkstemp picks the name but creates 0600; the file is made
 * again with O_EXCL and mode 0666 so that it follows the process's umask
 * like any output, without the library touching the umask itself. */
static int create_tmp(const char *path, char *tmp, size_t size)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        snprintf(tmp, size, "%s.tmp.XXXXXX", path);
        int fd = mkstemp(tmp);
        if (fd < 0)
            return -1;
        close(fd);
        unlink(tmp);
        fd = open(tmp, O_RDWR | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static void release(ketsim_results_db *r)
{
    for (int i = 0; i < N_ST; i++)
        sqlite3_finalize(r->st[i]);
    sqlite3_close(r->db);
    free(r);
}

int ketsim_results_db_open(const char *path, ketsim_results_db **out, ketsim_error *err)
{
    *out = NULL;
    int rc = check_path(path, err);
    if (rc)
        return rc;
    ketsim_results_db *r = calloc(1, sizeof *r);
    if (!r)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    snprintf(r->final_path, sizeof r->final_path, "%s", path);
    int fd = create_tmp(path, r->tmp_path, sizeof r->tmp_path);
    if (fd < 0) {
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--out '%s': cannot create a file there: %s", path, strerror(errno));
        free(r);
        return rc;
    }
    close(fd);
    if (sqlite3_open_v2(r->tmp_path, &r->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = db_fail(r, "cannot open", err);
        unlink(r->tmp_path);
        release(r);
        return rc;
    }
    if ((rc = setup(r, err))) {
        ketsim_results_db_abort(r);
        return rc;
    }
    *out = r;
    return KETSIM_OK;
}

void ketsim_results_db_abort(ketsim_results_db *r)
{
    if (!r)
        return;
    char tmp[sizeof r->tmp_path];
    memcpy(tmp, r->tmp_path, sizeof tmp);
    release(r);
    unlink(tmp);
}

/* COMMIT, close, fsync and rename: only a complete database gets the name. */
int ketsim_results_db_commit(ketsim_results_db *r, ketsim_error *err)
{
    int rc = exec(r, index_sql, err);
    if (!rc)
        rc = exec(r, "COMMIT;", err);
    for (int i = 0; i < N_ST; i++) {
        sqlite3_finalize(r->st[i]);
        r->st[i] = NULL;
    }
    if (!rc && sqlite3_close(r->db) != SQLITE_OK)
        rc = db_fail(r, "cannot close", err);
    else if (!rc)
        r->db = NULL;
    if (!rc) {
        int fd = open(r->tmp_path, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0 || rename(r->tmp_path, r->final_path) != 0)
            rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot finish the database: %s", r->final_path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (rc) {
        ketsim_results_db_abort(r);
        return rc;
    }
    free(r);
    return KETSIM_OK;
}

/* ---- binding helpers: NAN is stored as NULL (an undefined value) ---------- */

static void bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_double(s, i, v);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static int step(ketsim_results_db *r, int which, ketsim_error *err)
{
    sqlite3_stmt *s = r->st[which];
    int rc = sqlite3_step(s) == SQLITE_DONE ? KETSIM_OK : db_fail(r, "insert failed", err);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

int ketsim_results_db_meta(ketsim_results_db *r, const char *key, const char *value, ketsim_error *err)
{
    bind_text(r->st[ST_RUN], 1, key);
    bind_text(r->st[ST_RUN], 2, value ? value : "");
    return step(r, ST_RUN, err);
}

int ketsim_results_db_data_file(ketsim_results_db *r, const char *path, const char *role, ketsim_error *err)
{
    bind_text(r->st[ST_FILE], 1, path);
    bind_text(r->st[ST_FILE], 2, role);
    return step(r, ST_FILE, err);
}

static int in_list(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

int ketsim_results_db_params(ketsim_results_db *r, const ketsim_params *p, const char *const *scenario_names,
                             size_t n_scenario, ketsim_error *err)
{
    int rc = KETSIM_OK;
    sqlite3_stmt *s = r->st[ST_PARAM];
    for (size_t i = 0; !rc && i < ketsim_params_count(p); i++) {
        ketsim_param_info in;
        if (ketsim_params_info(p, i, &in) != 0)
            continue;
        /* a --set to the default value is no difference */
        if (in.value == in.default_value || (isnan(in.value) && isnan(in.default_value)))
            continue;
        bind_text(s, 1, in.name);
        bind_real(s, 2, in.value);
        bind_real(s, 3, in.default_value);
        bind_text(s, 4, in.unit ? in.unit : "");
        bind_text(s, 5, ketsim_param_kind_name(in.kind));
        bind_text(s, 6, in_list(in.name, scenario_names, n_scenario) ? "scenario" : "--set");
        bind_text(s, 7, in.source ? in.source : "");
        rc = step(r, ST_PARAM, err);
    }
    return rc;
}

static const char *control_name(ketsim_trial_control c)
{
    return c == KETSIM_TRIAL_SALINE ? "saline" : c == KETSIM_TRIAL_MIDAZOLAM ? "midazolam" : "none";
}

int ketsim_results_db_trial_design(ketsim_results_db *r, const ketsim_trial_scenario *sc, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t a = 0; !rc && a < sc->n_arms; a++) {
        const ketsim_trial_arm *arm = &sc->arms[a];
        sqlite3_stmt *s = r->st[ST_ARM];
        sqlite3_bind_int64(s, 1, (sqlite3_int64)a);
        bind_text(s, 2, arm->name);
        bind_text(s, 3, control_name(arm->control));
        bind_text(s, 4, arm->control == KETSIM_TRIAL_ACTIVE ? arm->dose_text : "");
        sqlite3_bind_int64(s, 5, (sqlite3_int64)ketsim_trial_arm_n_sessions(sc, arm));
        sqlite3_bind_int(s, 6, arm->ratio);
        rc = step(r, ST_ARM, err);
    }
    for (size_t k = 0; !rc && k < sc->n_visits; k++) {
        sqlite3_stmt *s = r->st[ST_VISIT];
        sqlite3_bind_int64(s, 1, (sqlite3_int64)k);
        bind_text(s, 2, sc->visit_label[k]);
        sqlite3_bind_double(s, 3, sc->visit_h[k]);
        sqlite3_bind_int(s, 4, k == sc->primary_visit);
        sqlite3_bind_int(s, 5, sc->has_early_visit && k == sc->early_visit);
        rc = step(r, ST_VISIT, err);
    }
    return rc;
}

static int put_subject(ketsim_results_db *r, const ketsim_trial_subject_result *s, int replicate, int i,
                       ketsim_error *err)
{
    sqlite3_stmt *q = r->st[ST_SUBJECT];
    sqlite3_bind_int(q, 1, replicate);
    sqlite3_bind_int(q, 2, i);
    sqlite3_bind_int(q, 3, s->assign);
    bind_real(q, 4, s->weight_kg);
    bind_real(q, 5, s->age_y);
    sqlite3_bind_int(q, 6, s->female);
    sqlite3_bind_int(q, 7, s->bdnf_met);
    sqlite3_bind_int(q, 8, s->cyp2b6_pm);
    bind_real(q, 9, s->placebo_points);
    sqlite3_bind_int(q, 10, s->dropout_index);
    sqlite3_bind_int(q, 11, s->failed != 0);
    bind_text(q, 12, s->failed ? s->fail_reason : NULL);
    return step(r, ST_SUBJECT, err);
}

/* One rating row; seq numbers a subject's ratings in time order. */
typedef struct rating_row {
    int period, seq;
    const char *visit, *phase;
    double time_h, time_in_period_h, madrs_true;
    int madrs_rated;
} rating_row;

static int put_rating(ketsim_results_db *r, int replicate, int i, const rating_row *w, ketsim_error *err)
{
    sqlite3_stmt *q = r->st[ST_RATING];
    sqlite3_bind_int(q, 1, replicate);
    sqlite3_bind_int(q, 2, i);
    sqlite3_bind_int(q, 3, w->period);
    bind_text(q, 4, w->visit);
    sqlite3_bind_int(q, 5, w->seq);
    bind_text(q, 6, w->phase);
    sqlite3_bind_double(q, 7, w->time_h);
    sqlite3_bind_double(q, 8, w->time_in_period_h);
    bind_real(q, 9, w->madrs_true);
    if (w->madrs_rated >= 0)
        sqlite3_bind_int(q, 10, w->madrs_rated);
    else
        sqlite3_bind_null(q, 10);
    return step(r, ST_RATING, err);
}

static int put_period(ketsim_results_db *r, const ketsim_trial_scenario *sc, const ketsim_trial_defs *d,
                      const ketsim_trial_subject_result *s, int replicate, int i, int p, ketsim_error *err)
{
    sqlite3_stmt *q = r->st[ST_PERIOD];
    sqlite3_bind_int(q, 1, replicate);
    sqlite3_bind_int(q, 2, i);
    sqlite3_bind_int(q, 3, p + 1);
    bind_text(q, 4, sc->arms[ketsim_trial_arm_in_period(sc, s->assign, p)].name);
    bind_real(q, 5, s->cadss_peak[p]);
    bind_real(q, 6, s->sbp_peak[p]);
    bind_real(q, 7, s->dbp_peak[p]);
    bind_real(q, 8, s->hr_peak[p]);
    sqlite3_bind_int(q, 9, ketsim_trial_infusions_to_response(sc, d, s, p));
    return step(r, ST_PERIOD, err);
}

/* A subject's ratings: baseline and visits of each period, then follow-up
 * (times as in the subjects CSV). */
static int put_ratings(ketsim_results_db *r, const ketsim_trial_scenario *sc, const ketsim_trial_subject_result *s,
                       int replicate, int i, ketsim_error *err)
{
    int rc = KETSIM_OK, seq = 0, np = ketsim_trial_n_periods(sc);
    for (int p = 0; !rc && p < np; p++) {
        double st = ketsim_trial_period_start_h(sc, p);
        for (int k = -1; !rc && k < (int)sc->n_visits; k++) {
            double t = k < 0 ? 0 : sc->visit_h[k];
            rating_row w = {p + 1, seq++, k < 0 ? "baseline" : sc->visit_label[k], k < 0 ? "baseline" : "visit",
                            st + t, t, k < 0 ? s->base_true[p] : s->madrs_true[p][k],
                            k < 0 ? s->base_rated[p] : s->madrs_rated[p][k]};
            rc = put_rating(r, replicate, i, &w, err);
        }
    }
    double last_start = ketsim_trial_period_start_h(sc, np - 1);
    double ld = last_start + ketsim_trial_last_session_h(sc);
    for (size_t k = 0; !rc && k < ketsim_trial_n_followup(sc); k++) {
        char label[32]; /* "fu" and any size_t */
        snprintf(label, sizeof label, "fu%zu", k + 1);
        double t = ld + ketsim_trial_followup_h(sc, k);
        rating_row w = {np, seq++, label, "followup", t, t - last_start, s->fu_true[k], s->fu_rated[k]};
        rc = put_rating(r, replicate, i, &w, err);
    }
    return rc;
}

int ketsim_results_db_trial_subjects(ketsim_results_db *r, const ketsim_trial_scenario *sc,
                                     const ketsim_trial_defs *d, const ketsim_trial_subject_result *subj,
                                     int replicate, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int i = 0; !rc && i < sc->n_subjects; i++) {
        const ketsim_trial_subject_result *s = &subj[i];
        rc = put_subject(r, s, replicate, i, err);
        if (s->failed)
            continue; /* nothing was rated: the subject row says why */
        for (int p = 0; !rc && p < ketsim_trial_n_periods(sc); p++)
            rc = put_period(r, sc, d, s, replicate, i, p, err);
        if (!rc)
            rc = put_ratings(r, sc, s, replicate, i, err);
    }
    return rc;
}

/* The arm and visit a metric name is about: "ARM@VISIT.stat" or "ARM.stat";
 * a prefix that is no arm of the scenario (a comparison, a global count)
 * leaves both NULL, and a visit part is kept only if it is a visit label. */
static void metric_scope(const ketsim_trial_scenario *sc, const char *name, const char **arm, const char **visit)
{
    *arm = NULL;
    *visit = NULL;
    for (size_t a = 0; a < sc->n_arms; a++) {
        size_t n = strlen(sc->arms[a].name);
        if (strncmp(name, sc->arms[a].name, n) == 0 && (name[n] == '@' || name[n] == '.')) {
            *arm = sc->arms[a].name;
            if (name[n] == '.')
                return;
            const char *v = name + n + 1, *dot = strchr(v, '.');
            for (size_t k = 0; dot && k < sc->n_visits; k++)
                if (strlen(sc->visit_label[k]) == (size_t)(dot - v) && strncmp(v, sc->visit_label[k], dot - v) == 0)
                    *visit = sc->visit_label[k];
            return;
        }
    }
}

static int put_endpoints(ketsim_results_db *r, const ketsim_trial_scenario *sc, const ketsim_trial_metrics *reps,
                         size_t n_reps, int first_replicate, ketsim_error *err)
{
    int rc = KETSIM_OK;
    sqlite3_stmt *q = r->st[ST_ENDPOINT];
    for (size_t k = 0; !rc && k < n_reps; k++)
        for (size_t i = 0; !rc && i < reps[k].n; i++) {
            const char *arm, *visit;
            metric_scope(sc, reps[k].name[i], &arm, &visit);
            sqlite3_bind_int64(q, 1, (sqlite3_int64)(first_replicate + (int)k));
            bind_text(q, 2, reps[k].name[i]);
            bind_text(q, 3, arm);
            bind_text(q, 4, visit);
            bind_real(q, 5, reps[k].value[i]);
            rc = step(r, ST_ENDPOINT, err);
        }
    return rc;
}

/* A metric named TEST.p or TEST_p is a p value: its power is stored. */
static size_t p_stem(const char *name)
{
    size_t len = strlen(name);
    if (len < 2 || (strcmp(name + len - 2, ".p") != 0 && strcmp(name + len - 2, "_p") != 0))
        return 0;
    return len - 2;
}

static int put_power(ketsim_results_db *r, const ketsim_trial_metrics *reps, size_t n_reps, const char *name,
                     size_t stem, double alpha, ketsim_error *err)
{
    size_t k = 0;
    for (size_t j = 0; j < n_reps; j++)
        k += (size_t)(ketsim_trial_metric(&reps[j], name) < alpha);
    ketsim_stats_interval w = {NAN, NAN, NAN};
    ketsim_error e;
    ketsim_stats_wilson(k, n_reps, KETSIM_STATS_LEVEL_DEFAULT, &w, &e);
    sqlite3_stmt *q = r->st[ST_POWER];
    sqlite3_bind_text(q, 1, name, (int)stem, SQLITE_TRANSIENT);
    sqlite3_bind_double(q, 2, alpha);
    bind_real(q, 3, w.estimate);
    bind_real(q, 4, w.lo);
    bind_real(q, 5, w.hi);
    return step(r, ST_POWER, err);
}

int ketsim_results_db_trial_endpoints(ketsim_results_db *r, const ketsim_trial_scenario *sc,
                                      const ketsim_trial_run_opts *o, const ketsim_trial_metrics *reps,
                                      size_t n_reps, ketsim_error *err)
{
    if (n_reps == 0)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "no replicates to store");
    int rc = put_endpoints(r, sc, reps, n_reps, 0, err);
    const ketsim_trial_metrics *m0 = &reps[0];
    double alpha = o->alpha > 0 ? o->alpha : 0.05;
    for (size_t i = 0; !rc && i < m0->n; i++) {
        double med, p5, p95, mean, sd;
        size_t n = 0;
        rc = ketsim_trial_metric_quantiles(reps, n_reps, m0->name[i], &med, &p5, &p95, &n, err);
        if (rc)
            break;
        ketsim_trial_metric_moments(reps, n_reps, m0->name[i], &mean, &sd);
        sqlite3_stmt *q = r->st[ST_SUMMARY];
        bind_text(q, 1, m0->name[i]);
        bind_real(q, 2, med);
        bind_real(q, 3, p5);
        bind_real(q, 4, p95);
        bind_real(q, 5, mean);
        bind_real(q, 6, sd);
        sqlite3_bind_int64(q, 7, (sqlite3_int64)n);
        rc = step(r, ST_SUMMARY, err);
        size_t stem = p_stem(m0->name[i]);
        if (!rc && stem)
            rc = put_power(r, reps, n_reps, m0->name[i], stem, alpha, err);
    }
    return rc;
}

/* ---- lab ------------------------------------------------------------------ */

static const char *genotype_name(ketsim_lab_genotype g)
{
    return g == KETSIM_LAB_BDNF_KO ? "bdnf_ko" : g == KETSIM_LAB_VAL66MET ? "val66met" : "wild_type";
}

static int put_lab_groups(ketsim_results_db *r, const ketsim_lab_protocol *p, ketsim_error *err)
{
    int rc = KETSIM_OK;
    sqlite3_stmt *q = r->st[ST_LAB_GROUP];
    for (int g = 0; !rc && g < p->n_groups; g++) {
        const ketsim_lab_group *gr = &p->group[g];
        sqlite3_bind_int(q, 1, g);
        bind_text(q, 2, gr->name);
        sqlite3_bind_int(q, 3, gr->n);
        bind_text(q, 4, gr->has_drug ? gr->test.drug : "vehicle");
        bind_text(q, 5, gr->has_drug ? gr->test.spec : "");
        sqlite3_bind_int(q, 6, gr->n_pre);
        bind_text(q, 7, genotype_name(gr->genotype));
        sqlite3_bind_int(q, 8, gr->unstressed != 0);
        sqlite3_bind_int(q, 9, g == p->control);
        rc = step(r, ST_LAB_GROUP, err);
    }
    return rc;
}

static int put_lab_readout(ketsim_results_db *r, const ketsim_lab_result *res, int k, ketsim_error *err)
{
    const ketsim_lab_protocol *p = ketsim_lab_result_protocol(res);
    const ketsim_lab_readout *ro = &p->readout[k];
    sqlite3_stmt *q = r->st[ST_LAB_READOUT];
    sqlite3_bind_int(q, 1, k);
    bind_text(q, 2, ketsim_lab_measure_assay(ro->measure));
    bind_text(q, 3, ketsim_lab_measure_name(ro->measure));
    bind_text(q, 4, ketsim_lab_measure_unit(ro->measure));
    bind_text(q, 5, ro->label);
    sqlite3_bind_double(q, 6, ro->time_h);
    bind_real(q, 7, ketsim_lab_result_anova_p(res, k));
    int rc = step(r, ST_LAB_READOUT, err);
    for (int g = 0; !rc && g < p->n_groups; g++) {
        const double *v = NULL;
        int n = 0;
        ketsim_lab_result_values(res, k, g, &v, &n);
        for (int i = 0; !rc && i < n; i++) {
            q = r->st[ST_LAB_ANIMAL];
            sqlite3_bind_int(q, 1, k);
            sqlite3_bind_int(q, 2, g);
            sqlite3_bind_int(q, 3, i + 1);
            bind_real(q, 4, v[i]);
            rc = step(r, ST_LAB_ANIMAL, err);
        }
        ketsim_lab_cell c = {0, NAN, NAN, NAN};
        ketsim_lab_result_cell(res, k, g, &c);
        q = r->st[ST_LAB_CELL];
        sqlite3_bind_int(q, 1, k);
        sqlite3_bind_int(q, 2, g);
        sqlite3_bind_int(q, 3, c.n);
        bind_real(q, 4, c.mean);
        bind_real(q, 5, c.sem);
        bind_real(q, 6, c.p);
        if (!rc)
            rc = step(r, ST_LAB_CELL, err);
    }
    for (int c = 0; !rc && c < p->n_contrasts; c++) {
        double d = NAN, pc = NAN;
        ketsim_lab_result_contrast(res, k, c, &d, &pc);
        q = r->st[ST_LAB_CONTRAST];
        sqlite3_bind_int(q, 1, k);
        sqlite3_bind_int(q, 2, c);
        bind_text(q, 3, p->group[p->contrast[c][0]].name);
        bind_text(q, 4, p->group[p->contrast[c][1]].name);
        bind_real(q, 5, d);
        bind_real(q, 6, pc);
        rc = step(r, ST_LAB_CONTRAST, err);
    }
    return rc;
}

int ketsim_results_db_lab(ketsim_results_db *r, const ketsim_lab_result *res, ketsim_error *err)
{
    const ketsim_lab_protocol *p = ketsim_lab_result_protocol(res);
    int rc = put_lab_groups(r, p, err);
    for (int k = 0; !rc && k < p->n_readouts; k++)
        rc = put_lab_readout(r, res, k, err);
    return rc;
}

/* ---- simulate --dataset ---------------------------------------------------- */

static int put_dataset_record(ketsim_results_db *r, const ketsim_events *ev, size_t i, double pred,
                              ketsim_error *err)
{
    const ketsim_event *e = ketsim_events_record(ev, i);
    int predicted = ketsim_event_is_prediction(e);
    sqlite3_stmt *q = r->st[ST_DS_RECORD];
    sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)e->line);
    sqlite3_bind_double(q, 3, e->id);
    sqlite3_bind_double(q, 4, e->time_h);
    sqlite3_bind_int(q, 5, e->evid);
    sqlite3_bind_int(q, 6, e->mdv);
    sqlite3_bind_int64(q, 7, (sqlite3_int64)e->cmt);
    bind_real(q, 8, predicted ? NAN : e->amt_mg);
    bind_real(q, 9, predicted ? NAN : e->rate_mg_per_h);
    sqlite3_bind_int(q, 10, e->ss);
    bind_text(q, 11, predicted ? ketsim_events_output_name(ev, e->output) : NULL);
    bind_real(q, 12, predicted && !e->mdv ? e->dv : NAN);
    sqlite3_bind_int(q, 13, e->blq);
    bind_real(q, 14, e->wt_kg);
    bind_real(q, 15, predicted ? pred : NAN);
    int rc = step(r, ST_DS_RECORD, err);
    for (size_t k = 0; !rc && k < ketsim_events_n_covariates(ev); k++) {
        if (isnan(e->cov[k]))
            continue;
        q = r->st[ST_DS_COV];
        sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
        bind_text(q, 2, ketsim_events_covariate_name(ev, k));
        sqlite3_bind_double(q, 3, e->cov[k]);
        rc = step(r, ST_DS_COV, err);
    }
    return rc;
}

int ketsim_results_db_dataset(ketsim_results_db *r, const ketsim_events *ev, const double *pred, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < ketsim_events_n_records(ev); i++)
        rc = put_dataset_record(r, ev, i, pred[i], err);
    return rc;
}

/* ---- predict ----------------------------------------------------------------- */

/* Columns auc .. youden_j (4-11); left NULL without a ROC, as the CSV
 * leaves them empty. */
static void bind_roc(sqlite3_stmt *q, const ketsim_predict_row *m)
{
    if (!m->roc_ok)
        return;
    bind_real(q, 4, m->roc.auc);
    bind_real(q, 5, m->roc.auc_lo);
    bind_real(q, 6, m->roc.auc_hi);
    sqlite3_bind_int(q, 7, m->roc.direction);
    bind_real(q, 8, m->roc.threshold);
    bind_real(q, 9, m->roc.sensitivity);
    bind_real(q, 10, m->roc.specificity);
    bind_real(q, 11, m->roc.youden_j);
}

/* Columns tp .. npv_hi (18-33): a yes/no marker's 2x2 table; NULL for a
 * continuous marker. */
static void bind_binary(sqlite3_stmt *q, const ketsim_predict_row *m)
{
    if (!m->binary)
        return;
    const size_t cell[4] = {m->diag.tp, m->diag.fp, m->diag.fn, m->diag.tn};
    const ketsim_stats_interval *v[4] = {&m->diag.sensitivity, &m->diag.specificity, &m->diag.ppv, &m->diag.npv};
    for (int k = 0; k < 4; k++) {
        sqlite3_bind_int64(q, 18 + k, (sqlite3_int64)cell[k]);
        bind_real(q, 22 + 3 * k, v[k]->estimate);
        bind_real(q, 23 + 3 * k, v[k]->lo);
        bind_real(q, 24 + 3 * k, v[k]->hi);
    }
}

/* The curve's first point has an infinite threshold (nobody positive): NULL. */
static void bind_finite(sqlite3_stmt *s, int i, double v)
{
    bind_real(s, i, isfinite(v) ? v : NAN);
}

static int put_marker(ketsim_results_db *r, const ketsim_predict_row *m, size_t rank, ketsim_error *err)
{
    sqlite3_stmt *q = r->st[ST_PR_MARKER];
    sqlite3_bind_int64(q, 1, (sqlite3_int64)rank);
    bind_text(q, 2, m->name);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)m->n);
    bind_roc(q, m);
    bind_real(q, 12, m->r_outcome);
    bind_real(q, 13, m->rho_outcome);
    bind_real(q, 14, m->r_change);
    bind_real(q, 15, m->p_change);
    bind_real(q, 16, m->rho_change);
    sqlite3_bind_int(q, 17, m->binary != 0);
    bind_binary(q, m);
    bind_text(q, 34, m->description);
    int rc = step(r, ST_PR_MARKER, err);
    for (size_t k = 0; !rc && m->roc_ok && k < m->roc.n_curve; k++) {
        q = r->st[ST_PR_ROC];
        bind_text(q, 1, m->name);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)k);
        sqlite3_bind_double(q, 3, 1 - m->roc.curve[k].specificity);
        sqlite3_bind_double(q, 4, m->roc.curve[k].sensitivity);
        bind_finite(q, 5, m->roc.curve[k].threshold);
        rc = step(r, ST_PR_ROC, err);
    }
    return rc;
}

static int put_literature(ketsim_results_db *r, const ketsim_predict_report *rep, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int k = 0; !rc && k < FORMATS_PREDICT_N_LIT; k++) {
        const formats_predict_lit *l = formats_predict_lit_ref(k);
        const ketsim_predict_row *m = formats_predict_find_row(rep, l->marker);
        if (!m)
            continue; /* --only-user: the marker was not evaluated */
        sqlite3_stmt *q = r->st[ST_PR_LIT];
        bind_text(q, 1, l->marker);
        bind_real(q, 2, m->r_change);
        sqlite3_bind_double(q, 3, l->lo);
        sqlite3_bind_double(q, 4, l->hi);
        bind_text(q, 5, formats_predict_verdict(m->r_change, l));
        bind_text(q, 6, l->text);
        rc = step(r, ST_PR_LIT, err);
    }
    return rc;
}

/* Each subject's outcome and % change, then every marker's value in them. */
static int put_predict_subjects(ketsim_results_db *r, const ketsim_predict_report *rep, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int i = 0; !rc && rep->outcome && i < rep->n_subjects; i++) {
        sqlite3_stmt *q = r->st[ST_PR_SUBJECT];
        sqlite3_bind_int(q, 1, i);
        if (rep->outcome[i] >= 0)
            sqlite3_bind_int(q, 2, rep->outcome[i]);
        bind_real(q, 3, rep->change[i]);
        rc = step(r, ST_PR_SUBJECT, err);
    }
    for (size_t k = 0; !rc && k < rep->n_rows; k++)
        for (int i = 0; !rc && rep->rows[k].values && i < rep->n_subjects; i++) {
            sqlite3_stmt *q = r->st[ST_PR_VALUE];
            sqlite3_bind_int(q, 1, i);
            bind_text(q, 2, rep->rows[k].name);
            bind_real(q, 3, rep->rows[k].values[i]);
            rc = step(r, ST_PR_VALUE, err);
        }
    return rc;
}

int ketsim_results_db_predict(ketsim_results_db *r, const ketsim_predict_report *rep, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < rep->n_rows; k++)
        rc = put_marker(r, &rep->rows[k], k + 1, err);
    if (!rc)
        rc = put_literature(r, rep, err);
    if (!rc)
        rc = put_predict_subjects(r, rep, err);
    return rc;
}

/* ---- design ------------------------------------------------------------------ */

static int put_knobs(ketsim_results_db *r, const ketsim_design_candidate *c, size_t i, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < c->n_sets; k++) {
        sqlite3_stmt *q = r->st[ST_DE_KNOB];
        sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)k);
        bind_text(q, 3, c->set_name[k]);
        bind_real(q, 4, c->set_value[k]);
        rc = step(r, ST_DE_KNOB, err);
    }
    return rc;
}

/* One candidate as its design.csv row (a placebo without drug or route, as
 * there), with the dose in words as in the JSON, and its knobs. */
static int put_candidate(ketsim_results_db *r, const ketsim_design_candidate *c, const ketsim_design_result *res,
                         size_t i, ketsim_error *err)
{
    char dose[64], knobs[KETSIM_DESIGN_MAX_SETS * 128];
    formats_design_dose_text(dose, sizeof dose, c);
    formats_design_knob_text(knobs, sizeof knobs, c);
    sqlite3_stmt *q = r->st[ST_DE_CAND];
    sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
    bind_text(q, 2, c->name);
    bind_text(q, 3, c->placebo ? "" : c->drug);
    bind_text(q, 4, c->placebo ? "" : ketsim_route_name(c->route));
    sqlite3_bind_double(q, 5, c->placebo ? 0 : c->amount);
    bind_text(q, 6, c->per_kg ? "mg/kg" : "mg");
    sqlite3_bind_double(q, 7, c->duration_h);
    bind_text(q, 8, knobs);
    bind_text(q, 9, dose);
    const double v[11] = {res->response_24h, res->response_24h_lo, res->response_24h_hi, res->days_in_response,
                          res->days_lo, res->days_hi, res->response_24h_excess, res->days_excess,
                          res->madrs_effect_24h, res->cadss_peak, res->sbp_peak};
    for (int k = 0; k < 11; k++)
        bind_real(q, 10 + k, v[k]);
    sqlite3_bind_int(q, 21, res->effective != 0);
    sqlite3_bind_int(q, 22, res->pareto != 0);
    int rc = step(r, ST_DE_CAND, err);
    return rc ? rc : put_knobs(r, c, i, err);
}

int ketsim_results_db_design(ketsim_results_db *r, const ketsim_design_candidate *cand,
                             const ketsim_design_result *res, size_t n, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = put_candidate(r, &cand[i], &res[i], i, err);
    return rc;
}

int ketsim_results_db_design_subjects(ketsim_results_db *r, long candidate, const ketsim_design_subject *s, int n,
                                      ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (int i = 0; !rc && i < n; i++) {
        sqlite3_stmt *q = r->st[ST_DE_SUBJECT];
        sqlite3_bind_int64(q, 1, (sqlite3_int64)candidate);
        sqlite3_bind_int(q, 2, i);
        sqlite3_bind_int(q, 3, s[i].response_24h != 0);
        sqlite3_bind_int64(q, 4, (sqlite3_int64)s[i].days_in_response);
        bind_real(q, 5, s[i].madrs_true_24h);
        bind_real(q, 6, s[i].cadss_peak);
        bind_real(q, 7, s[i].sbp_peak);
        rc = step(r, ST_DE_SUBJECT, err);
    }
    return rc;
}

/* ---- optimize ---------------------------------------------------------------- */

/* "1", "2", ... for the best regimens (rank 0, 1, ...), "standard" for -1:
 * the optimize.csv rank. */
static void opt_rank(char *buf, size_t size, long rank)
{
    if (rank < 0)
        snprintf(buf, size, "standard");
    else
        snprintf(buf, size, "%ld", rank + 1);
}

/* The regimen's dose days: the listed ones, or every interval from day 0. */
static int put_doses(ketsim_results_db *r, const char *rank, const ketsim_opt_regimen *reg, ketsim_error *err)
{
    size_t n = reg->n_explicit ? reg->n_explicit : (size_t)reg->n_doses;
    int rc = KETSIM_OK;
    for (size_t k = 0; !rc && k < n; k++) {
        sqlite3_stmt *q = r->st[ST_OP_DOSE];
        bind_text(q, 1, rank);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)k);
        sqlite3_bind_double(q, 3, reg->n_explicit ? reg->day[k] : (double)k * reg->interval_d);
        rc = step(r, ST_OP_DOSE, err);
    }
    return rc;
}

/* One optimize.csv row; infusion and interval NULL where they do not apply,
 * as in the JSON. */
static int put_regimen(ketsim_results_db *r, long rank, const ketsim_opt_regimen *reg, const ketsim_opt_eval *e,
                       const ketsim_opt_fresh *f, ketsim_error *err)
{
    char rk[24], txt[160];
    opt_rank(rk, sizeof rk, rank);
    ketsim_opt_regimen_text(txt, sizeof txt, reg);
    int iv = reg->family == KETSIM_OPT_IV_KETAMINE;
    sqlite3_stmt *q = r->st[ST_OP_REGIMEN];
    bind_text(q, 1, rk);
    bind_text(q, 2, txt);
    bind_text(q, 3, iv ? "iv" : "in");
    sqlite3_bind_double(q, 4, reg->dose);
    bind_real(q, 5, iv ? reg->infusion_h : NAN);
    bind_real(q, 6, reg->n_explicit || reg->n_doses < 2 ? NAN : reg->interval_d);
    sqlite3_bind_int64(q, 7, reg->n_explicit ? (sqlite3_int64)reg->n_explicit : reg->n_doses);
    bind_real(q, 8, e->objective_d);
    bind_real(q, 9, e->cadss_peak);
    bind_real(q, 10, e->sbp_peak);
    sqlite3_bind_int(q, 11, e->feasible != 0);
    const double v[13] = {f->objective_d, f->days, f->days_lo, f->days_hi, f->resp_end, f->resp_end_lo,
                          f->resp_end_hi, f->diff, f->diff_lo, f->diff_hi, f->diff_p, f->cadss_peak, f->sbp_peak};
    for (int k = 0; k < 13; k++)
        bind_real(q, 12 + k, v[k]);
    int rc = step(r, ST_OP_REGIMEN, err);
    return rc ? rc : put_doses(r, rk, reg, err);
}

int ketsim_results_db_optimize(ketsim_results_db *r, const ketsim_opt_report *rep, ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (size_t i = 0; !rc && i < rep->n_best; i++)
        rc = put_regimen(r, (long)i, &rep->best[i], &rep->best_eval[i], &rep->best_fresh[i], err);
    if (!rc)
        rc = put_regimen(r, -1, &rep->standard, &rep->standard_eval, &rep->standard_fresh, err);
    return rc;
}

int ketsim_results_db_optimize_subjects(ketsim_results_db *r, long rank, const ketsim_opt_subject *s, int n,
                                        ketsim_error *err)
{
    char rk[24];
    opt_rank(rk, sizeof rk, rank);
    int rc = KETSIM_OK;
    for (int i = 0; !rc && i < n; i++) {
        sqlite3_stmt *q = r->st[ST_OP_SUBJECT];
        bind_text(q, 1, rk);
        sqlite3_bind_int(q, 2, i);
        bind_real(q, 3, s[i].objective_d);
        sqlite3_bind_int64(q, 4, (sqlite3_int64)s[i].days_in_response);
        sqlite3_bind_int(q, 5, s[i].response_end != 0);
        bind_real(q, 6, s[i].cadss_peak);
        bind_real(q, 7, s[i].sbp_peak);
        rc = step(r, ST_OP_SUBJECT, err);
    }
    return rc;
}

/* ---- --uncertainty of predict, design, optimize ------------------------------ */

int ketsim_results_db_uncertainty_draws(ketsim_results_db *r, const ketsim_trial_rep_params *rp, long draws,
                                        ketsim_error *err)
{
    int rc = KETSIM_OK;
    for (long k = 0; !rc && k < draws && (size_t)k < rp->n_rows; k++)
        for (size_t j = 0; !rc && j < rp->n_params; j++) {
            sqlite3_stmt *q = r->st[ST_UN_DRAW];
            sqlite3_bind_int64(q, 1, (sqlite3_int64)k);
            bind_text(q, 2, rp->name[j]);
            bind_real(q, 3, rp->value[(size_t)k * rp->n_params + j]);
            rc = step(r, ST_UN_DRAW, err);
        }
    return rc;
}

int ketsim_results_db_uncertainty_quantity(ketsim_results_db *r, size_t index, const ketsim_uncertainty_quantity *u,
                                           ketsim_error *err)
{
    sqlite3_stmt *q = r->st[ST_UN_SUMMARY];
    sqlite3_bind_int64(q, 1, (sqlite3_int64)index);
    bind_text(q, 2, u->name);
    const double v[5] = {u->at_estimates, u->median, u->p2_5, u->p97_5, u->sd};
    for (int k = 0; k < 5; k++)
        bind_real(q, 3 + k, v[k]);
    sqlite3_bind_int64(q, 8, (sqlite3_int64)u->n_defined);
    int rc = step(r, ST_UN_SUMMARY, err);
    for (size_t k = 0; !rc && k < u->n_draws; k++) {
        q = r->st[ST_UN_VALUE];
        sqlite3_bind_int64(q, 1, (sqlite3_int64)k);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)index);
        bind_text(q, 3, u->name);
        bind_real(q, 4, u->value[k * u->stride]);
        rc = step(r, ST_UN_VALUE, err);
    }
    return rc;
}

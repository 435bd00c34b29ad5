/* Trial scenario files (YAML): see docs/trial.md for the format.  Everything
 * is read and checked before any simulation starts; every message names
 * FILE:LINE and the field. */
#include "ketsim/formats.h"
#include "ketsim/regimen.h"
#include "ketsim/trial.h"
#include "ketsim/datadir.h"
#include "util/ytree.h"
#include "scenario_omega.h"

#include <dirent.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int copy_str(const ytree *t, const ytree_node *map, const char *key, char *dst, size_t size,
                    int required, ketsim_error *err)
{
    const char *s = NULL;
    int rc = required ? ytree_req_string(t, map, "", key, &s, err)
                      : ytree_opt_string(t, map, "", key, &s, err);
    if (rc)
        return rc;
    if (s) {
        if (strlen(s) >= size)
            return ytree_fail(t, ytree_map_get(map, key), key, err, "text too long");
        strcpy(dst, s);
    }
    return KETSIM_OK;
}

static int parse_durations(const ytree *t, const ytree_node *seq, const char *path, double *out,
                           char (*labels)[16], size_t max, size_t *n, ketsim_error *err);

/* One dose in the --dose grammar, without a time (the schedule gives it). */
static int parse_dose_text(const ytree *t, const ytree_node *n, const char *path, ketsim_dose *d,
                           ketsim_error *err)
{
    const char *s = NULL;
    int rc = ytree_get_string(t, n, path, &s, err);
    if (rc)
        return rc;
    ketsim_error e = {0};
    if (ketsim_dose_parse(s, d, &e))
        return ytree_fail(t, n, path, err, e.msg);
    if (strchr(s, '@'))
        return ytree_fail(t, n, path, err, "give the session times in 'doses', not '@TIME' in the dose");
    return KETSIM_OK;
}

/* `dose`: one dose for every session, or a list with one per session. */
static int parse_arm_dose(const ytree *t, const ytree_node *n, const char *path, ketsim_trial_arm *a,
                          ketsim_error *err)
{
    int rc = KETSIM_OK;
    if (ytree_kind_of(n) == YTREE_SEQUENCE) {
        if (ytree_len(n) == 0 || ytree_len(n) > KETSIM_TRIAL_MAX_DOSES)
            return ytree_fail(t, n, path, err, "a list of 1 to 64 doses, one per session");
        a->n_specs = ytree_len(n);
        for (size_t i = 0; !rc && i < a->n_specs; i++) {
            char ip[YTREE_PATH_MAX];
            ytree_path_index(ip, sizeof ip, path, i);
            rc = parse_dose_text(t, ytree_seq_item(n, i), ip, &a->dose[i], err);
        }
    } else {
        a->n_specs = 1;
        rc = parse_dose_text(t, n, path, &a->dose[0], err);
    }
    if (!rc) {
        size_t len = 0;
        a->dose_text[0] = '\0';
        for (size_t i = 0; i < a->n_specs && len < sizeof a->dose_text; i++) {
            const ytree_node *it = ytree_kind_of(n) == YTREE_SEQUENCE ? ytree_seq_item(n, i) : n;
            len += (size_t)snprintf(a->dose_text + len, sizeof a->dose_text - len, "%s%s", i ? " " : "",
                                    ytree_scalar(it));
        }
    }
    return rc;
}

/* The older form: dose_mg_per_kg of the scenario's drug as an IV infusion. */
static int parse_legacy_dose(const ytree *t, const ytree_node *n, const char *path, ketsim_trial_arm *a,
                             ketsim_error *err)
{
    double mg_per_kg = 0;
    int rc = ytree_opt_double(t, n, path, "dose_mg_per_kg", 0, 10, &mg_per_kg, err);
    if (rc)
        return rc;
    if (!(mg_per_kg > 0))
        return ytree_fail(t, n, path, err, "an active arm (control: none) needs a dose (or dose_mg_per_kg > 0)");
    a->n_specs = 1;
    a->dose[0] = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = mg_per_kg, .per_kg = 1,
                               .duration_h = a->session_h};
    if (a->session_h > 0)
        snprintf(a->dose_text, sizeof a->dose_text, "iv:%gmg/kg:%gmin", mg_per_kg, a->session_h * 60);
    else
        snprintf(a->dose_text, sizeof a->dose_text, "iv:%gmg/kg", mg_per_kg);
    return KETSIM_OK;
}

static int parse_control(const ytree *t, const ytree_node *n, const char *path, ketsim_trial_arm *a,
                         ketsim_error *err)
{
    char fp[YTREE_PATH_MAX];
    const char *c = "none";
    int rc = ytree_opt_string(t, n, path, "control", &c, err);
    if (rc)
        return rc;
    if (strcmp(c, "saline") == 0 || strcmp(c, "placebo") == 0)
        a->control = KETSIM_TRIAL_SALINE;
    else if (strcmp(c, "midazolam") == 0)
        a->control = KETSIM_TRIAL_MIDAZOLAM;
    else if (strcmp(c, "none") == 0)
        a->control = KETSIM_TRIAL_ACTIVE;
    else
        return ytree_fail(t, ytree_map_get(n, "control"), ytree_path_key(fp, sizeof fp, path, "control"),
                          err, "expected saline, placebo, midazolam or none");
    return KETSIM_OK;
}

static int parse_arm(const ytree *t, const ytree_node *n, const char *path, ketsim_trial_arm *a,
                     ketsim_error *err)
{
    static const char *const keys[] = {"name", "control", "dose", "doses", "dose_mg_per_kg", "infusion",
                                       "ratio", NULL};
    int rc = ytree_check_keys(t, n, path, keys, err);
    if (rc)
        return rc;
    const char *s = NULL;
    if ((rc = ytree_req_string(t, n, path, "name", &s, err)))
        return rc;
    char fp[YTREE_PATH_MAX];
    if (strlen(s) > 24 || strpbrk(s, ",\"\n@"))
        return ytree_fail(t, ytree_map_get(n, "name"), ytree_path_key(fp, sizeof fp, path, "name"), err,
                          "arm names are at most 24 characters, without commas, quotes or '@'");
    strcpy(a->name, s);
    if ((rc = parse_control(t, n, path, a, err)))
        return rc;
    const ytree_node *dose = ytree_map_get(n, "dose"), *legacy = ytree_map_get(n, "dose_mg_per_kg");
    const ytree_node *inf = ytree_map_get(n, "infusion"), *sched = ytree_map_get(n, "doses");
    if (a->control == KETSIM_TRIAL_SALINE && (dose || legacy))
        return ytree_fail(t, dose ? dose : legacy, ytree_path_key(fp, sizeof fp, path, dose ? "dose" : "dose_mg_per_kg"),
                          err, "a saline or placebo arm gets no drug: remove the dose");
    if (a->control == KETSIM_TRIAL_MIDAZOLAM && legacy)
        return ytree_fail(t, legacy, ytree_path_key(fp, sizeof fp, path, "dose_mg_per_kg"), err,
                          "a midazolam arm takes its dose as 'dose' (default midazolam/iv:0.045mg/kg over the infusion)");
    if (dose && (legacy || inf))
        return ytree_fail(t, legacy ? legacy : inf, ytree_path_key(fp, sizeof fp, path, legacy ? "dose_mg_per_kg" : "infusion"),
                          err, "give either 'dose' (its duration included) or dose_mg_per_kg with infusion, not both");
    a->session_h = 40.0 / 60;
    if (inf && (rc = ytree_get_duration(t, inf, ytree_path_key(fp, sizeof fp, path, "infusion"), &a->session_h, err)))
        return rc;
    if (inf && (a->session_h < 0 || a->session_h > 24))
        return ytree_fail(t, inf, fp, err, "infusion must last between 0 and 24 h");
    if (sched) {
        if ((rc = parse_durations(t, sched, ytree_path_key(fp, sizeof fp, path, "doses"), a->dose_h, NULL,
                                  KETSIM_TRIAL_MAX_DOSES, &a->n_doses, err)))
            return rc;
        if (a->dose_h[0] != 0)
            return ytree_fail(t, sched, fp, err, "the first session of a period is at 0 (times are relative to it)");
    }
    if (a->control == KETSIM_TRIAL_ACTIVE || (a->control == KETSIM_TRIAL_MIDAZOLAM && dose)) {
        rc = dose ? parse_arm_dose(t, dose, ytree_path_key(fp, sizeof fp, path, "dose"), a, err)
                  : parse_legacy_dose(t, n, path, a, err);
        if (rc)
            return rc;
        if (dose)
            a->session_h = a->dose[0].duration_h;
    } else if (a->control == KETSIM_TRIAL_MIDAZOLAM) {
        /* the active placebo of ketamine trials: 0.045 mg/kg IV over the session */
        a->n_specs = 1;
        a->dose[0] = (ketsim_dose){.route = KETSIM_ROUTE_IV, .amount = 0.045, .per_kg = 1,
                                   .duration_h = a->session_h};
        snprintf(a->dose[0].drug, sizeof a->dose[0].drug, "midazolam");
        snprintf(a->dose_text, sizeof a->dose_text, "midazolam/iv:0.045mg/kg:%gmin", a->session_h * 60);
    }
    a->ratio = 1;
    return ytree_opt_int(t, n, path, "ratio", 1, 10, &a->ratio, err);
}

static int parse_durations(const ytree *t, const ytree_node *seq, const char *path, double *out,
                           char (*labels)[16], size_t max, size_t *n, ketsim_error *err)
{
    int rc = ytree_expect_kind(t, seq, path, YTREE_SEQUENCE, err);
    if (rc)
        return rc;
    if (ytree_len(seq) == 0)
        return ytree_fail(t, seq, path, err, "empty list");
    if (ytree_len(seq) > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "at most %zu entries", max);
        return ytree_fail(t, seq, path, err, msg);
    }
    *n = ytree_len(seq);
    for (size_t i = 0; i < *n; i++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, path, i);
        const ytree_node *it = ytree_seq_item(seq, i);
        if ((rc = ytree_get_duration(t, it, ip, &out[i], err)))
            return rc;
        if (out[i] < 0)
            return ytree_fail(t, it, ip, err, "times must not be negative");
        if (i > 0 && out[i] <= out[i - 1])
            return ytree_fail(t, it, ip, err, "times must be strictly increasing");
        /* a visit's label is its text; cut, two visits could share a label
         * and so their endpoints' names */
        if (labels && strlen(ytree_scalar(it)) > 15)
            return ytree_fail(t, it, ip, err,
                              "longer than 15 characters (a visit's text is its label): write it shorter, e.g. 7d");
        if (labels)
            snprintf(labels[i], 16, "%s", ytree_scalar(it));
    }
    return KETSIM_OK;
}

/* `relapse`: the rules of relapse in the follow-up (docs/trial.md). */
static int parse_relapse(const ytree *t, const ytree_node *n, ketsim_trial_scenario *sc, ketsim_error *err)
{
    static const char *const keys[] = {"fraction", "madrs_min", "consecutive", "by", NULL};
    int rc = ytree_check_keys(t, n, "relapse", keys, err);
    if (rc)
        return rc;
    if (!(sc->followup_until_h > 0))
        return ytree_fail(t, n, "relapse", err, "relapse rules need a 'followup'");
    if ((rc = ytree_opt_double(t, n, "relapse", "fraction", 0.01, 1, &sc->relapse_fraction, err)) ||
        (rc = ytree_opt_double(t, n, "relapse", "madrs_min", 1, 60, &sc->relapse_madrs_min, err)) ||
        (rc = ytree_opt_int(t, n, "relapse", "consecutive", 1, 10, &sc->relapse_consecutive, err)))
        return rc;
    const ytree_node *by = ytree_map_get(n, "by");
    if (!by)
        return KETSIM_OK;
    if ((rc = parse_durations(t, by, "relapse.by", sc->relapse_by_h, sc->relapse_by_label,
                              KETSIM_TRIAL_MAX_RELAPSE_BY, &sc->n_relapse_by, err)))
        return rc;
    for (size_t k = 0; k < sc->n_relapse_by; k++) {
        char ip[YTREE_PATH_MAX];
        ytree_path_index(ip, sizeof ip, "relapse.by", k);
        if (!(sc->relapse_by_h[k] > 0) || sc->relapse_by_h[k] > sc->followup_until_h + 1e-9)
            return ytree_fail(t, ytree_seq_item(by, k), ip, err,
                              "must be after the last session and within followup.until");
    }
    return KETSIM_OK;
}

/* `early_visit`: one of the visits before the primary one. */
static int parse_early_visit(const ytree *t, const ytree_node *n, ketsim_trial_scenario *sc, ketsim_error *err)
{
    double h;
    int rc = ytree_get_duration(t, n, "early_visit", &h, err);
    if (rc)
        return rc;
    size_t k = 0;
    while (k < sc->n_visits && fabs(sc->visit_h[k] - h) > 1e-9)
        k++;
    if (k == sc->n_visits)
        return ytree_fail(t, n, "early_visit", err, "must be one of the visits");
    if (k >= sc->primary_visit)
        return ytree_fail(t, n, "early_visit", err, "must come before the primary visit");
    sc->has_early_visit = 1;
    sc->early_visit = k;
    return KETSIM_OK;
}

static int parse_root(const ytree *t, ketsim_trial_scenario *sc, ketsim_error *err)
{
    static const char *const keys[] = {"name",    "description", "source",    "drug",
                                       "design",  "subjects",    "arms",      "doses",
                                       "washout", "visits",      "primary_visit", "followup",
                                       "dropout", "inclusion_madrs_min", "seed", "replicates",
                                       "set",     "relapse",     "early_visit", "omega",
                                       "omega_block", NULL};
    const ytree_node *root = ytree_root(t);
    int rc = ytree_check_keys(t, root, "", keys, err);
    if (rc)
        return rc;
    memset(sc, 0, sizeof *sc);
    /* every scenario read from a file says which (messages, summaries) */
    if (strlen(ytree_filename(t)) >= sizeof sc->file)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: scenario file path too long", ytree_filename(t));
    snprintf(sc->file, sizeof sc->file, "%s", ytree_filename(t));
    strcpy(sc->drug, "ketamine");
    sc->inclusion_madrs_min = -1;
    sc->seed = 1;
    sc->replicates = 1;
    if ((rc = copy_str(t, root, "name", sc->name, sizeof sc->name, 1, err)) ||
        (rc = copy_str(t, root, "description", sc->description, sizeof sc->description, 0, err)) ||
        (rc = copy_str(t, root, "source", sc->source, sizeof sc->source, 0, err)) ||
        (rc = copy_str(t, root, "drug", sc->drug, sizeof sc->drug, 0, err)))
        return rc;
    const char *design = NULL;
    if ((rc = ytree_req_string(t, root, "", "design", &design, err)))
        return rc;
    if (strcmp(design, "parallel") == 0)
        sc->design = KETSIM_TRIAL_PARALLEL;
    else if (strcmp(design, "crossover") == 0)
        sc->design = KETSIM_TRIAL_CROSSOVER;
    else
        return ytree_fail(t, ytree_map_get(root, "design"), "design", err, "expected parallel or crossover");
    if ((rc = ytree_req_int(t, root, "", "subjects", 1, KETSIM_TRIAL_MAX_SUBJECTS, &sc->n_subjects, err)))
        return rc;

    const ytree_node *arms = NULL;
    if ((rc = ytree_require(t, root, "", "arms", &arms, err)) ||
        (rc = ytree_expect_kind(t, arms, "arms", YTREE_SEQUENCE, err)))
        return rc;
    if (ytree_len(arms) == 0)
        return ytree_fail(t, arms, "arms", err, "empty list: a trial needs at least one arm");
    if (ytree_len(arms) > KETSIM_TRIAL_MAX_ARMS)
        return ytree_fail(t, arms, "arms", err, "at most 8 arms");
    sc->n_arms = ytree_len(arms);
    for (size_t i = 0; i < sc->n_arms; i++) {
        char ap[YTREE_PATH_MAX];
        ytree_path_index(ap, sizeof ap, "arms", i);
        if ((rc = parse_arm(t, ytree_seq_item(arms, i), ap, &sc->arms[i], err)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc->arms[j].name, sc->arms[i].name) == 0)
                return ytree_fail(t, ytree_seq_item(arms, i), ap, err, "duplicate arm name");
    }

    const ytree_node *n = ytree_map_get(root, "doses");
    if (n) {
        if ((rc = parse_durations(t, n, "doses", sc->dose_h, NULL, KETSIM_TRIAL_MAX_DOSES, &sc->n_doses, err)))
            return rc;
        if (sc->dose_h[0] != 0)
            return ytree_fail(t, n, "doses", err, "the first dose of a period is at 0 (times are relative to it)");
    } else {
        sc->n_doses = 1;
        sc->dose_h[0] = 0;
    }
    n = ytree_map_get(root, "washout");
    if (n) {
        const ytree_node *wn = n;
        const char *ws = ytree_scalar(wn);
        /* A leading '-' is a negative washout: say so rather than "bad unit". */
        if (ws && ws[0] == '-')
            return ytree_fail(t, wn, "washout", err, "a washout cannot be negative");
        if ((rc = ytree_get_duration(t, n, "washout", &sc->washout_h, err)))
            return rc;
        if (sc->washout_h < 0)
            return ytree_fail(t, n, "washout", err, "a washout cannot be negative");
        if (sc->design != KETSIM_TRIAL_CROSSOVER)
            return ytree_fail(t, n, "washout", err, "washout applies to crossover designs only");
    } else if (sc->design == KETSIM_TRIAL_CROSSOVER) {
        return ytree_fail(t, root, "washout", err, "missing: a crossover design needs a washout");
    }

    const ytree_node *visits = NULL;
    if ((rc = ytree_require(t, root, "", "visits", &visits, err)))
        return rc;
    if ((rc = parse_durations(t, visits, "visits", sc->visit_h, sc->visit_label, KETSIM_TRIAL_MAX_VISITS,
                              &sc->n_visits, err)))
        return rc;
    if (sc->visit_h[0] <= 0)
        return ytree_fail(t, ytree_seq_item(visits, 0), "visits[0]", err,
                       "visits are after the first dose (> 0); the baseline rating is taken before it");
    sc->primary_visit = sc->n_visits - 1;
    n = ytree_map_get(root, "primary_visit");
    if (n) {
        double pv;
        if ((rc = ytree_get_duration(t, n, "primary_visit", &pv, err)))
            return rc;
        size_t k = 0;
        while (k < sc->n_visits && fabs(sc->visit_h[k] - pv) > 1e-9)
            k++;
        if (k == sc->n_visits)
            return ytree_fail(t, n, "primary_visit", err, "must be one of the visits");
        sc->primary_visit = k;
    }
    n = ytree_map_get(root, "followup");
    if (n) {
        static const char *const fkeys[] = {"until", "every", NULL};
        if ((rc = ytree_check_keys(t, n, "followup", fkeys, err)))
            return rc;
        const ytree_node *u = NULL, *e = NULL;
        if ((rc = ytree_require(t, n, "followup", "until", &u, err)) ||
            (rc = ytree_require(t, n, "followup", "every", &e, err)) ||
            (rc = ytree_get_duration(t, u, "followup.until", &sc->followup_until_h, err)) ||
            (rc = ytree_get_duration(t, e, "followup.every", &sc->followup_every_h, err)))
            return rc;
        if (!(sc->followup_every_h > 0))
            return ytree_fail(t, e, "followup.every", err, "must be positive");
        if (!(sc->followup_until_h >= sc->followup_every_h))
            return ytree_fail(t, u, "followup.until", err, "must be at least followup.every");
        if (sc->followup_until_h / sc->followup_every_h > KETSIM_TRIAL_MAX_FOLLOWUP + 1e-9)
            return ytree_fail(t, n, "followup", err, "too many follow-up visits (at most 64)");
    }
    if ((n = ytree_map_get(root, "relapse")) && (rc = parse_relapse(t, n, sc, err)))
        return rc;
    if ((n = ytree_map_get(root, "early_visit")) && (rc = parse_early_visit(t, n, sc, err)))
        return rc;
    if ((rc = ytree_opt_double(t, root, "", "dropout", 0, 1, &sc->dropout, err)) ||
        (rc = ytree_opt_double(t, root, "", "inclusion_madrs_min", 0, 60, &sc->inclusion_madrs_min, err)) ||
        (rc = ytree_opt_int(t, root, "", "replicates", 1, 100000, &sc->replicates, err)))
        return rc;
    long seed = 1;
    if ((rc = ytree_opt_long(t, root, "", "seed", 0, 0x7fffffffL, &seed, err)))
        return rc;
    sc->seed = (uint64_t)seed;
    n = ytree_map_get(root, "set");
    if (n) {
        if ((rc = ytree_expect_kind(t, n, "set", YTREE_MAPPING, err)))
            return rc;
        if (ytree_len(n) > KETSIM_TRIAL_MAX_SETS)
            return ytree_fail(t, n, "set", err, "at most 32 overrides");
        sc->n_sets = ytree_len(n);
        /* names and ranges are checked against the table by
         * trial_scenario_check_sets, which names this file and line */
        for (size_t i = 0; i < sc->n_sets && !rc; i++) {
            const char *k = ytree_map_key(n, i);
            char sp[YTREE_PATH_MAX];
            ytree_path_key(sp, sizeof sp, "set", k);
            if (strlen(k) >= sizeof sc->set_name[0])
                return ytree_fail(t, ytree_map_key_node(n, i), sp, err, "parameter name too long");
            strcpy(sc->set_name[i], k);
            sc->set_line[i] = ytree_line(ytree_map_key_node(n, i));
            if ((rc = ytree_get_double(t, ytree_map_value(n, i), sp, &sc->set_value[i], err)))
                return rc;
        }
    }
    if ((rc = formats_scenario_parse_omega(t, root, sc, err)))
        return rc;
    rc = ketsim_trial_scenario_check(sc, err);
    if (rc) {
        char pre[300];
        snprintf(pre, sizeof pre, "%s:%d: ", ytree_filename(t), ytree_line(root));
        ketsim_error_prefix(err, pre);
    }
    return rc;
}

int ketsim_trial_scenario_load(const char *path, ketsim_trial_scenario *sc, ketsim_error *err)
{
    ytree *t = NULL;
    int rc = ytree_load_file(path, &t, err);
    if (!rc)
        rc = parse_root(t, sc, err);
    ytree_free(t);
    if (!rc) /* the file a run used, with or without a `set` block (results databases list it) */
        snprintf(sc->file, sizeof sc->file, "%s", path);
    return rc;
}

int ketsim_trial_scenario_load_string(const char *name, const char *text, ketsim_trial_scenario *sc,
                               ketsim_error *err)
{
    ytree *t = NULL;
    int rc = ytree_load_string(name, text, strlen(text), &t, err);
    if (!rc)
        rc = parse_root(t, sc, err);
    ytree_free(t);
    return rc;
}

char *ketsim_trial_scenario_dir(char *buf, size_t size)
{
    return ketsim_data_path("scenarios", buf, size);
}

int ketsim_trial_scenario_resolve(const char *arg, ketsim_trial_scenario *sc, ketsim_error *err)
{
    if (strchr(arg, '/') || strstr(arg, ".yaml") || strstr(arg, ".yml"))
        return ketsim_trial_scenario_load(arg, sc, err);
    for (const char *p = arg; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return KETSIM_FAIL(err, KETSIM_EINPUT, "'%s' is neither a built-in scenario name nor a .yaml file", arg);
    char dir[4096], path[4200];
    snprintf(path, sizeof path, "%s/%s.yaml", ketsim_trial_scenario_dir(dir, sizeof dir), arg);
    FILE *fp = fopen(path, "r");
    /* only a missing file means an unknown name; no memory or descriptors is not bad input */
    if (!fp && errno != ENOENT && errno != ENOTDIR)
        return KETSIM_FAIL(err, KETSIM_EIO, "cannot open built-in scenario %s: %s", path, strerror(errno));
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "no built-in scenario '%s' (see ketsim trial --list)", arg);
    fclose(fp);
    return ketsim_trial_scenario_load(path, sc, err);
}

int ketsim_formats_scenario_loader(const char *name, ketsim_trial_scenario *sc, void *user, ketsim_error *err)
{
    (void)user;
    return ketsim_trial_scenario_resolve(name, sc, err);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int ketsim_trial_scenario_list(FILE *fp, ketsim_error *err)
{
    char dir[4096];
    ketsim_trial_scenario_dir(dir, sizeof dir);
    DIR *d = opendir(dir);
    if (!d)
        return KETSIM_FAIL(err, KETSIM_EIO, "cannot open scenario directory '%s'", dir);
    char names[64][256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 5 && len < 250 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
            snprintf(names[n], sizeof names[n], "%.*s", (int)(len - 5), e->d_name);
            n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_name);
    ketsim_trial_scenario *sc = malloc(sizeof *sc);
    if (!sc)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ketsim_error e2 = {0};
        /* a broken file is listed with its error rather than ending the list */
        if (ketsim_trial_scenario_resolve(names[i], sc, &e2) == KETSIM_OK)
            fprintf(fp, "%-24s %s\n", names[i], sc->description);
        else
            fprintf(fp, "%-24s (invalid: %s)\n", names[i], e2.msg);
    }
    free(sc);
    if (ferror(fp))
        return KETSIM_FAIL(err, KETSIM_EIO, "error writing the scenario list");
    return KETSIM_OK;
}

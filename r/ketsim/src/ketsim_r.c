/* The R package's door into libketsim (.Call entry points).
 *
 * Every function calls the library's front doors (ketsim/api.h) and writers
 * (ketsim/formats.h), the same ones the `ketsim` program calls; R/ketsim.R
 * makes the data frames.  A trajectory crosses as raw doubles, so a column
 * holds exactly what the solver produced; tables the program writes as CSV
 * or JSON cross as that same text.
 *
 * R's errors jump out of the function, so the library's work is done and
 * its objects freed before any R object is made or any error raised. */
#define _POSIX_C_SOURCE 200809L
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#include <gsl/gsl_errno.h>
#include <ketsim/ketsim.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RK_MAX_LIST 4096

#ifndef KETSIM_INSTALLED_DATA_DIR
#define KETSIM_INSTALLED_DATA_DIR ""
#endif

/* ---- arguments ---------------------------------------------------------------- */

/* A character vector (NULL: none) as C strings owned by R (valid during
 * the call); *n is its length.  Returns 0, or -1 with msg filled. */
static int rk_strings(SEXP x, const char *what, const char ***out, size_t *n, char *msg, size_t size)
{
    *out = NULL;
    *n = 0;
    if (x == R_NilValue)
        return 0;
    if (!isString(x) || XLENGTH(x) > RK_MAX_LIST) {
        snprintf(msg, size, "%s: expected a character vector of at most %d elements", what, RK_MAX_LIST);
        return -1;
    }
    size_t len = (size_t)XLENGTH(x);
    const char **v = (const char **)R_alloc(len + 1, sizeof *v);
    for (size_t i = 0; i < len; i++) {
        if (STRING_ELT(x, (R_xlen_t)i) == NA_STRING) {
            snprintf(msg, size, "%s: element %zu is NA", what, i + 1);
            return -1;
        }
        v[i] = translateCharUTF8(STRING_ELT(x, (R_xlen_t)i));
    }
    *out = v;
    *n = len;
    return 0;
}

/* A single string or NULL. */
static const char *rk_string(SEXP x)
{
    if (x == R_NilValue || !isString(x) || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
        return NULL;
    return translateCharUTF8(STRING_ELT(x, 0));
}

/* ---- text a writer puts on a stream ------------------------------------------- */

typedef struct rk_text {
    char *buf;
    size_t len;
    FILE *fp;
} rk_text;

static int rk_open(rk_text *m, ketsim_error *err)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    return m->fp ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
}

static int rk_close(rk_text *m, ketsim_error *err)
{
    int bad = m->fp && fclose(m->fp) != 0;
    m->fp = NULL;
    return bad ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory") : KETSIM_OK;
}

static void rk_free(rk_text *m)
{
    if (m->fp)
        fclose(m->fp);
    free(m->buf);
    m->fp = NULL;
    m->buf = NULL;
}

/* A copy of the text as an R string (protect it); the C buffer is freed. */
static SEXP rk_take(rk_text *m)
{
    SEXP s = PROTECT(mkCharLenCE(m->buf ? m->buf : "", m->buf ? (int)m->len : 0, CE_UTF8));
    SEXP v = ScalarString(s);
    UNPROTECT(1);
    return v;
}

/* Raise an R error with the library's message, after everything is freed. */
static void rk_fail(const char *msg) __attribute__((noreturn));
static void rk_fail(const char *msg)
{
    char copy[KETSIM_ERRMSG_LEN + 64];
    snprintf(copy, sizeof copy, "%s", msg && msg[0] ? msg : "unknown error");
    Rf_error("%s", copy);
}

/* A list with names (protect it). */
static SEXP rk_named_list(int n, const char *const *names)
{
    SEXP l = PROTECT(allocVector(VECSXP, n));
    SEXP nm = PROTECT(allocVector(STRSXP, n));
    for (int i = 0; i < n; i++)
        SET_STRING_ELT(nm, i, mkCharCE(names[i], CE_UTF8));
    setAttrib(l, R_NamesSymbol, nm);
    UNPROTECT(2);
    return l;
}

/* ---- entry points ------------------------------------------------------------- */

static SEXP rk_duration(SEXP text)
{
    const char *s = rk_string(text);
    ketsim_error err = {0};
    double h = 0;
    if (!s)
        rk_fail("duration: expected one string");
    if (ketsim_duration_parse(s, &h, &err))
        rk_fail(err.msg);
    return ScalarReal(h);
}

/* list(names, units, values (n_times x n_columns matrix), species, drug, weight_kg) */
static SEXP rk_simulation_result(const ketsim_simulation *sim)
{
    static const char *const fields[] = {"names", "units", "values", "species", "drug", "weight_kg"};
    const ketsim_trajectory *t = ketsim_simulation_trajectory(sim);
    const size_t *cols = ketsim_simulation_columns(sim);
    size_t nc = ketsim_simulation_n_columns(sim), nt = ketsim_traj_n_times(t);
    SEXP res = PROTECT(rk_named_list(6, fields));
    SEXP names = PROTECT(allocVector(STRSXP, (R_xlen_t)nc));
    SEXP units = PROTECT(allocVector(STRSXP, (R_xlen_t)nc));
    SEXP values = PROTECT(allocMatrix(REALSXP, (int)nt, (int)nc));
    double *v = REAL(values);
    for (size_t k = 0; k < nc; k++) {
        const ketsim_output_info *info = ketsim_traj_output_info(t, cols[k]);
        SET_STRING_ELT(names, (R_xlen_t)k, mkCharCE(info->name, CE_UTF8));
        SET_STRING_ELT(units, (R_xlen_t)k, mkCharCE(info->unit, CE_UTF8));
        for (size_t i = 0; i < nt; i++)
            v[k * nt + i] = ketsim_traj_output(t, i, cols[k]);
    }
    const ketsim_setup *s = ketsim_simulation_setup(sim);
    SET_VECTOR_ELT(res, 0, names);
    SET_VECTOR_ELT(res, 1, units);
    SET_VECTOR_ELT(res, 2, values);
    SET_VECTOR_ELT(res, 3, mkString(ketsim_species_name(s->species)));
    SET_VECTOR_ELT(res, 4, mkString(s->drug));
    SET_VECTOR_ELT(res, 5, ScalarReal(ketsim_simulation_weight_kg(sim)));
    UNPROTECT(4);
    return res;
}

static SEXP rk_simulate(SEXP species, SEXP drug, SEXP weight_kg, SEXP doses, SEXP until_h, SEXP every_h,
                        SEXP outputs, SEXP sets, SEXP params_file)
{
    char msg[KETSIM_ERRMSG_LEN];
    const char **dose_v = NULL, **set_v = NULL;
    size_t n_doses = 0, n_sets = 0;
    if (rk_strings(doses, "dose", &dose_v, &n_doses, msg, sizeof msg) ||
        rk_strings(sets, "set", &set_v, &n_sets, msg, sizeof msg))
        rk_fail(msg);
    ketsim_simulate_request rq = {.species = rk_string(species), .drug = rk_string(drug),
                                  .params_file = rk_string(params_file), .sets = set_v, .n_sets = n_sets,
                                  .weight_kg = asReal(weight_kg), .doses = dose_v, .n_doses = n_doses,
                                  .until_h = asReal(until_h), .every_h = asReal(every_h),
                                  .outputs = rk_string(outputs)};
    ketsim_error err = {0};
    ketsim_simulation *sim = NULL;
    if (ketsim_simulation_run(&rq, &sim, &err))
        rk_fail(err.msg);
    SEXP res = PROTECT(rk_simulation_result(sim));
    ketsim_simulation_free(sim);
    UNPROTECT(1);
    return res;
}

static int rk_dataset_csv(const char *text, const char *name, const ketsim_setup *s, rk_text *out,
                          ketsim_error *err)
{
    ketsim_dataset *ds = NULL;
    double *pred = NULL;
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    int rc = in ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot read the dataset text", name);
    if (!rc)
        rc = ketsim_dataset_read_stream(in, name, &ds, err);
    if (in)
        fclose(in);
    if (!rc)
        rc = ketsim_dataset_predict(s, ds, NULL, NULL, &pred, err);
    if (!rc)
        rc = rk_open(out, err);
    if (!rc)
        rc = ketsim_dataset_write_csv(out->fp, ds, pred, err);
    if (!rc)
        rc = rk_close(out, err);
    free(pred);
    ketsim_dataset_free(ds);
    return rc;
}

static SEXP rk_simulate_dataset(SEXP text, SEXP name, SEXP species, SEXP drug, SEXP weight_kg, SEXP sets,
                                SEXP params_file)
{
    char msg[KETSIM_ERRMSG_LEN];
    const char **set_v = NULL;
    size_t n_sets = 0;
    const char *txt = rk_string(text), *nm = rk_string(name);
    if (!txt || !nm)
        rk_fail("simulate_dataset: expected the dataset as one string");
    if (rk_strings(sets, "set", &set_v, &n_sets, msg, sizeof msg))
        rk_fail(msg);
    ketsim_error err = {0};
    ketsim_setup s;
    rk_text out = {0};
    double w = asReal(weight_kg);
    int rc = ketsim_setup_init(&s, rk_string(species), rk_string(drug), rk_string(params_file), set_v, n_sets, &err);
    if (!rc && w > 0)
        s.weight_kg = w;
    if (!rc)
        rc = rk_dataset_csv(txt, nm, &s, &out, &err);
    ketsim_setup_free(&s);
    if (rc) {
        rk_free(&out);
        rk_fail(err.msg);
    }
    SEXP res = PROTECT(rk_take(&out));
    rk_free(&out);
    UNPROTECT(1);
    return res;
}

static void rk_note_failure(const ketsim_trial_subject_result *subj, void *user)
{
    rk_text *t = user;
    if (t->fp)
        fprintf(t->fp, "%s\n", subj->fail_reason);
}

/* texts[0] summary JSON, [1] subjects, [2] printed table, [3] skipped */
static int rk_trial_run(const char *name, const double *num, int skip, int nonmem, const char **set_v, size_t n_sets,
                        rk_text *texts, ketsim_error *err)
{
    ketsim_trial_scenario *sc = malloc(sizeof *sc);
    ketsim_trial_outcome *r = calloc(1, sizeof *r);
    int rc = sc && r ? rk_open(&texts[3], err) : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = ketsim_trial_open(name, (int)num[3], sc, err);
    if (!rc) {
        ketsim_trial_run_opts o;
        ketsim_trial_opts_init(sc, (long)num[0], (int)num[1], (int)num[2], &o);
        o.skip_failures = skip;
        o.subject_timeout_s = num[4];
        ketsim_trial_exec_opts x = {.keep_first = 1, .on_failure = rk_note_failure, .failure_user = &texts[3]};
        rc = ketsim_trial_execute(sc, &o, set_v, n_sets, &x, r, err);
    }
    if (!rc)
        rc = rk_close(&texts[3], err);
    size_t n = r ? (size_t)r->opts.replicates : 0;
    if (!rc && !(rc = rk_open(&texts[0], err)))
        rc = ketsim_trial_write_summary_json(texts[0].fp, &r->sc, &r->defs, &r->opts, r->reps, n, err);
    if (!rc && !(rc = rk_close(&texts[0], err)) && !(rc = rk_open(&texts[1], err)))
        rc = nonmem ? ketsim_trial_write_subjects_nonmem(texts[1].fp, &r->sc, r->first, err)
                    : ketsim_trial_write_subjects_csv(texts[1].fp, &r->sc, &r->defs, r->first, 0, err);
    if (!rc && !(rc = rk_close(&texts[1], err)) && !(rc = rk_open(&texts[2], err)))
        rc = ketsim_trial_print_table(texts[2].fp, &r->sc, &r->defs, &r->opts, r->reps, n, err);
    if (!rc)
        rc = rk_close(&texts[2], err);
    if (r)
        ketsim_trial_outcome_free(r);
    free(r);
    free(sc);
    return rc;
}

static SEXP rk_texts_list(rk_text *texts, int n, const char *const *fields)
{
    SEXP res = PROTECT(rk_named_list(n, fields));
    for (int i = 0; i < n; i++) {
        SET_VECTOR_ELT(res, i, rk_take(&texts[i]));
        rk_free(&texts[i]);
    }
    UNPROTECT(1);
    return res;
}

/* num: seed, replicates, threads, subjects, subject_timeout_s (negative or 0: defaults) */
static SEXP rk_trial(SEXP name, SEXP num, SEXP sets, SEXP skip, SEXP nonmem)
{
    static const char *const fields[] = {"summary", "subjects", "table", "skipped"};
    char msg[KETSIM_ERRMSG_LEN];
    const char **set_v = NULL;
    size_t n_sets = 0;
    const char *nm = rk_string(name);
    if (!nm || !isReal(num) || XLENGTH(num) != 5)
        rk_fail("trial: bad arguments");
    if (rk_strings(sets, "set", &set_v, &n_sets, msg, sizeof msg))
        rk_fail(msg);
    ketsim_error err = {0};
    rk_text texts[4] = {{0}};
    if (rk_trial_run(nm, REAL(num), asLogical(skip) == TRUE, asLogical(nonmem) == TRUE, set_v, n_sets, texts,
                     &err)) {
        for (int i = 0; i < 4; i++)
            rk_free(&texts[i]);
        rk_fail(err.msg);
    }
    return rk_texts_list(texts, 4, fields);
}

static int rk_lab_run(const char *name, long seed, const char **set_v, size_t n_sets, rk_text *texts,
                      ketsim_error *err)
{
    ketsim_lab_protocol *p = NULL;
    ketsim_params *params = NULL;
    ketsim_lab_result *res = NULL;
    int rc = ketsim_lab_open(name, set_v, n_sets, &p, &params, err);
    if (!rc)
        rc = ketsim_lab_run(p, params, seed >= 0 ? seed : p->seed, &res, err);
    if (!rc && !(rc = rk_open(&texts[0], err)))
        rc = ketsim_lab_write_summary_json(res, texts[0].fp, err);
    if (!rc && !(rc = rk_close(&texts[0], err)) && !(rc = rk_open(&texts[1], err)))
        rc = ketsim_lab_write_animals_csv(res, texts[1].fp, err);
    if (!rc && !(rc = rk_close(&texts[1], err)) && !(rc = rk_open(&texts[2], err)))
        rc = ketsim_lab_print_table(res, texts[2].fp, err);
    if (!rc)
        rc = rk_close(&texts[2], err);
    ketsim_lab_result_free(res);
    ketsim_params_free(params);
    free(p);
    return rc;
}

static SEXP rk_lab(SEXP name, SEXP seed, SEXP sets)
{
    static const char *const fields[] = {"summary", "animals", "table"};
    char msg[KETSIM_ERRMSG_LEN];
    const char **set_v = NULL;
    size_t n_sets = 0;
    const char *nm = rk_string(name);
    if (!nm)
        rk_fail("lab: expected a protocol name or file");
    if (rk_strings(sets, "set", &set_v, &n_sets, msg, sizeof msg))
        rk_fail(msg);
    ketsim_error err = {0};
    rk_text texts[3] = {{0}};
    if (rk_lab_run(nm, (long)asReal(seed), set_v, n_sets, texts, &err)) {
        for (int i = 0; i < 3; i++)
            rk_free(&texts[i]);
        rk_fail(err.msg);
    }
    return rk_texts_list(texts, 3, fields);
}

static SEXP rk_validate(SEXP targets)
{
    ketsim_error err = {0};
    ketsim_validation *v = NULL;
    rk_text json = {0};
    int rc = ketsim_validation_open(rk_string(targets), &v, &err);
    if (!rc)
        rc = ketsim_validation_run(v, &err);
    if (!rc && !(rc = rk_open(&json, &err)))
        rc = ketsim_validation_write_json(json.fp, v, &err);
    if (!rc)
        rc = rk_close(&json, &err);
    ketsim_validation_free(v);
    if (rc) {
        rk_free(&json);
        rk_fail(err.msg);
    }
    SEXP res = PROTECT(rk_take(&json));
    rk_free(&json);
    UNPROTECT(1);
    return res;
}

static SEXP rk_params(SEXP species, SEXP drug, SEXP sets)
{
    static const char *const fields[] = {"name", "value", "unit", "kind", "targets", "source", "description",
                                         "default", "min", "max", "overridden"};
    char msg[KETSIM_ERRMSG_LEN];
    const char **set_v = NULL;
    size_t n_sets = 0;
    if (rk_strings(sets, "set", &set_v, &n_sets, msg, sizeof msg))
        rk_fail(msg);
    ketsim_error err = {0};
    ketsim_setup s;
    if (ketsim_setup_init(&s, rk_string(species), rk_string(drug), NULL, set_v, n_sets, &err)) {
        ketsim_setup_free(&s);
        rk_fail(err.msg);
    }
    R_xlen_t n = (R_xlen_t)ketsim_params_count(s.params);
    SEXP res = PROTECT(rk_named_list(11, fields));
    SEXPTYPE type[11] = {STRSXP, REALSXP, STRSXP, STRSXP, STRSXP, STRSXP, STRSXP, REALSXP, REALSXP, REALSXP, LGLSXP};
    for (int c = 0; c < 11; c++)
        SET_VECTOR_ELT(res, c, allocVector(type[c], n));
    for (R_xlen_t i = 0; i < n; i++) {
        ketsim_param_info pi;
        ketsim_params_info(s.params, (size_t)i, &pi);
        const char *text[7] = {pi.name, NULL, pi.unit, ketsim_param_kind_name(pi.kind), pi.targets ? pi.targets : "",
                               pi.source, pi.description};
        for (int c = 0; c < 7; c++)
            if (text[c])
                SET_STRING_ELT(VECTOR_ELT(res, c), i, mkCharCE(text[c], CE_UTF8));
        REAL(VECTOR_ELT(res, 1))[i] = pi.value;
        REAL(VECTOR_ELT(res, 7))[i] = pi.default_value;
        REAL(VECTOR_ELT(res, 8))[i] = pi.min;
        REAL(VECTOR_ELT(res, 9))[i] = pi.max;
        LOGICAL(VECTOR_ELT(res, 10))[i] = pi.overridden != 0;
    }
    ketsim_setup_free(&s);
    UNPROTECT(1);
    return res;
}

static SEXP rk_outputs(SEXP species, SEXP drug)
{
    static const char *const fields[] = {"name", "unit", "description"};
    ketsim_error err = {0};
    ketsim_setup s;
    ketsim_model *m = NULL;
    int rc = ketsim_setup_init(&s, rk_string(species), rk_string(drug), NULL, NULL, 0, &err);
    const char *drugs[1] = {s.drug};
    if (!rc)
        rc = ketsim_model_create(s.params, s.catalog, drugs, 1, s.weight_kg, &m, &err);
    if (rc) {
        ketsim_model_free(m);
        ketsim_setup_free(&s);
        rk_fail(err.msg);
    }
    R_xlen_t n = (R_xlen_t)ketsim_model_n_outputs(m);
    SEXP res = PROTECT(rk_named_list(3, fields));
    for (int c = 0; c < 3; c++)
        SET_VECTOR_ELT(res, c, allocVector(STRSXP, n));
    for (R_xlen_t k = 0; k < n; k++) {
        const ketsim_output_info *o = ketsim_model_output(m, (size_t)k);
        SET_STRING_ELT(VECTOR_ELT(res, 0), k, mkCharCE(o->name, CE_UTF8));
        SET_STRING_ELT(VECTOR_ELT(res, 1), k, mkCharCE(o->unit, CE_UTF8));
        SET_STRING_ELT(VECTOR_ELT(res, 2), k, mkCharCE(o->description, CE_UTF8));
    }
    ketsim_model_free(m);
    ketsim_setup_free(&s);
    UNPROTECT(1);
    return res;
}

static SEXP rk_drugs(void)
{
    static const char *const fields[] = {"name", "description"};
    ketsim_error err = {0};
    ketsim_catalog *cat = NULL;
    if (ketsim_catalog_create(&cat, &err))
        rk_fail(err.msg);
    R_xlen_t n = (R_xlen_t)ketsim_catalog_n_drugs(cat);
    SEXP res = PROTECT(rk_named_list(2, fields));
    SET_VECTOR_ELT(res, 0, allocVector(STRSXP, n));
    SET_VECTOR_ELT(res, 1, allocVector(STRSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        SET_STRING_ELT(VECTOR_ELT(res, 0), i, mkCharCE(ketsim_catalog_drug_name(cat, (size_t)i), CE_UTF8));
        SET_STRING_ELT(VECTOR_ELT(res, 1), i, mkCharCE(ketsim_catalog_drug_description(cat, (size_t)i), CE_UTF8));
    }
    ketsim_catalog_free(cat);
    UNPROTECT(1);
    return res;
}

static SEXP rk_data_dir(void)
{
    return mkString(ketsim_data_dir());
}

static SEXP rk_installed_data_dir(void)
{
    return mkString(KETSIM_INSTALLED_DATA_DIR);
}

static SEXP rk_version(void)
{
    return mkString(KETSIM_VERSION);
}

/* R keeps every entry point as a DL_FUNC; the cast goes through
 * void (*)(void), the one function type any other converts to cleanly. */
#define RK_CALL(name, n) {#name, (DL_FUNC)(void (*)(void))(name), n}

static const R_CallMethodDef call_methods[] = {
    RK_CALL(rk_duration, 1),
    RK_CALL(rk_simulate, 9),
    RK_CALL(rk_simulate_dataset, 7),
    RK_CALL(rk_trial, 5),
    RK_CALL(rk_lab, 3),
    RK_CALL(rk_validate, 1),
    RK_CALL(rk_params, 3),
    RK_CALL(rk_outputs, 2),
    RK_CALL(rk_drugs, 0),
    RK_CALL(rk_data_dir, 0),
    RK_CALL(rk_installed_data_dir, 0),
    RK_CALL(rk_version, 0),
    {NULL, NULL, 0},
};

void R_init_ketsim(DllInfo *dll)
{
    /* GSL aborts the process on an error unless told otherwise; libketsim
     * checks every GSL return code and leaves this setting to the program
     * (docs/library.md), which here is R. */
    gsl_set_error_handler_off();
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}

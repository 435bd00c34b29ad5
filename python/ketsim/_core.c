/* ketsim._core: the Python package's door into libketsim.
 *
 * Every function here calls the library's front doors (ketsim/api.h) and
 * writers (ketsim/formats.h), the same ones the `ketsim` program calls, and
 * hands plain Python objects to ketsim/__init__.py, which makes the
 * DataFrames.  Numbers of a trajectory cross as raw doubles (no text), so a
 * column holds exactly what the solver produced; tables that the program
 * writes as CSV or JSON cross as that same text.
 *
 * Strings are copied out of their Python objects before the GIL is
 * released, so another thread may change the caller's lists meanwhile. */
#define _POSIX_C_SOURCE 200809L
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <gsl/gsl_errno.h>
#include <ketsim/ketsim.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LIST 4096

#ifndef KETSIM_INSTALLED_DATA_DIR
#define KETSIM_INSTALLED_DATA_DIR ""
#endif

typedef struct module_state {
    PyObject *error; /* ketsim.KetsimError */
} module_state;

/* Raise ketsim.KetsimError(message) with .code the library's error code. */
static PyObject *raise_ketsim(PyObject *module, const ketsim_error *err)
{
    module_state *st = PyModule_GetState(module);
    PyObject *exc = PyObject_CallFunction(st->error, "s", err->msg[0] ? err->msg : "unknown error");
    if (!exc)
        return NULL;
    PyObject *code = PyLong_FromLong(err->code);
    if (code && PyObject_SetAttrString(exc, "code", code) == 0)
        PyErr_SetObject(st->error, exc);
    Py_XDECREF(code);
    Py_DECREF(exc);
    return NULL;
}

/* ---- C copies of Python arguments ------------------------------------------ */

typedef struct str_list {
    char **item;
    size_t n;
} str_list;

static void str_list_free(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->item[i]);
    free(l->item);
    l->item = NULL;
    l->n = 0;
}

/* A sequence of str (None: empty) into C copies; what names the argument
 * in a TypeError. */
static int str_list_from(PyObject *seq, const char *what, str_list *out)
{
    out->item = NULL;
    out->n = 0;
    if (seq == Py_None)
        return 0;
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > MAX_LIST) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%s: too many items (max %d)", what, MAX_LIST);
        return -1;
    }
    out->item = calloc((size_t)n + 1, sizeof *out->item);
    if (!out->item) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *s = PyUnicode_Check(PySequence_Fast_GET_ITEM(fast, i))
                            ? PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i))
                            : NULL;
        if (!s) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_TypeError, "%s: item %zd is not a string", what, i);
            Py_DECREF(fast);
            str_list_free(out);
            return -1;
        }
        if (!(out->item[out->n] = strdup(s))) {
            Py_DECREF(fast);
            str_list_free(out);
            PyErr_NoMemory();
            return -1;
        }
        out->n++;
    }
    Py_DECREF(fast);
    return 0;
}

/* An optional str (None: NULL) as a C copy. */
static int str_from(PyObject *o, const char *what, char **out)
{
    *out = NULL;
    if (o == Py_None)
        return 0;
    const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
    if (!s) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "%s: expected a string or None", what);
        return -1;
    }
    if (!(*out = strdup(s))) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Text a writer puts on a stream, collected in memory. */
typedef struct mem_text {
    char *buf;
    size_t len;
    FILE *fp;
} mem_text;

static int mem_open(mem_text *m, ketsim_error *err)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    return m->fp ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
}

/* Close the stream; the text stays in m->buf (free it). */
static int mem_close(mem_text *m, ketsim_error *err)
{
    int bad = m->fp && fclose(m->fp) != 0;
    m->fp = NULL;
    return bad ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory") : KETSIM_OK;
}

static void mem_free(mem_text *m)
{
    if (m->fp)
        fclose(m->fp);
    free(m->buf);
    m->fp = NULL;
    m->buf = NULL;
}

static PyObject *mem_str(const mem_text *m)
{
    return PyUnicode_DecodeUTF8(m->buf ? m->buf : "", m->buf ? (Py_ssize_t)m->len : 0, "replace");
}

/* ---- duration ----------------------------------------------------------------- */

static PyObject *py_duration_h(PyObject *self, PyObject *args)
{
    const char *text;
    if (!PyArg_ParseTuple(args, "s", &text))
        return NULL;
    ketsim_error err = {0};
    double h;
    if (ketsim_duration_parse(text, &h, &err))
        return raise_ketsim(self, &err);
    return PyFloat_FromDouble(h);
}

/* ---- simulate ----------------------------------------------------------------- */

/* (names, units, n_times, bytes of n_columns x n_times doubles, column by
 * column, species, drug, weight_kg) */
static PyObject *simulation_result(const ketsim_simulation *sim)
{
    const ketsim_trajectory *t = ketsim_simulation_trajectory(sim);
    const size_t *cols = ketsim_simulation_columns(sim);
    size_t nc = ketsim_simulation_n_columns(sim), nt = ketsim_traj_n_times(t);
    PyObject *names = PyList_New((Py_ssize_t)nc), *units = PyList_New((Py_ssize_t)nc);
    PyObject *data = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(nc * nt * sizeof(double)));
    if (!names || !units || !data)
        goto fail;
    double *v = (double *)PyBytes_AS_STRING(data);
    for (size_t k = 0; k < nc; k++) {
        const ketsim_output_info *info = ketsim_traj_output_info(t, cols[k]);
        PyObject *n = PyUnicode_FromString(info->name), *u = PyUnicode_FromString(info->unit);
        if (!n || !u) {
            Py_XDECREF(n);
            Py_XDECREF(u);
            goto fail;
        }
        PyList_SET_ITEM(names, (Py_ssize_t)k, n);
        PyList_SET_ITEM(units, (Py_ssize_t)k, u);
        for (size_t i = 0; i < nt; i++)
            v[k * nt + i] = ketsim_traj_output(t, i, cols[k]);
    }
    const ketsim_setup *s = ketsim_simulation_setup(sim);
    return Py_BuildValue("(NNnNssd)", names, units, (Py_ssize_t)nt, data, ketsim_species_name(s->species), s->drug,
                         ketsim_simulation_weight_kg(sim));
fail:
    Py_XDECREF(names);
    Py_XDECREF(units);
    Py_XDECREF(data);
    return NULL;
}

static PyObject *py_simulate(PyObject *self, PyObject *args)
{
    PyObject *species_o, *drug_o, *doses_o, *outputs_o, *sets_o, *params_o;
    double weight_kg, until_h, every_h;
    if (!PyArg_ParseTuple(args, "OOdOddOOO", &species_o, &drug_o, &weight_kg, &doses_o, &until_h, &every_h,
                          &outputs_o, &sets_o, &params_o))
        return NULL;
    char *species = NULL, *drug = NULL, *outputs = NULL, *params_file = NULL;
    str_list doses = {0}, sets = {0};
    PyObject *result = NULL;
    if (str_from(species_o, "species", &species) || str_from(drug_o, "drug", &drug) ||
        str_from(outputs_o, "outputs", &outputs) || str_from(params_o, "params", &params_file) ||
        str_list_from(doses_o, "dose", &doses) || str_list_from(sets_o, "set", &sets))
        goto done;
    ketsim_simulate_request rq = {.species = species, .drug = drug, .params_file = params_file,
                                  .sets = (const char *const *)sets.item, .n_sets = sets.n,
                                  .weight_kg = weight_kg, .doses = (const char *const *)doses.item,
                                  .n_doses = doses.n, .until_h = until_h, .every_h = every_h,
                                  .outputs = outputs};
    ketsim_error err = {0};
    ketsim_simulation *sim = NULL;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ketsim_simulation_run(&rq, &sim, &err);
    Py_END_ALLOW_THREADS
    result = rc ? raise_ketsim(self, &err) : simulation_result(sim);
    ketsim_simulation_free(sim);
done:
    free(species);
    free(drug);
    free(outputs);
    free(params_file);
    str_list_free(&doses);
    str_list_free(&sets);
    return result;
}

/* The dataset (CSV text) read, simulated and written back as the program's
 * --dataset output: ID,TIME,OUTPUT,PRED plus the input columns. */
static int dataset_pred_csv(const char *text, const char *name, const ketsim_setup *s, mem_text *out,
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
        rc = mem_open(out, err);
    if (!rc)
        rc = ketsim_dataset_write_csv(out->fp, ds, pred, err);
    if (!rc)
        rc = mem_close(out, err);
    free(pred);
    ketsim_dataset_free(ds);
    return rc;
}

static PyObject *py_simulate_dataset(PyObject *self, PyObject *args)
{
    PyObject *species_o, *drug_o, *sets_o, *params_o;
    const char *text_in, *name_in;
    double weight_kg;
    if (!PyArg_ParseTuple(args, "ssOOdOO", &text_in, &name_in, &species_o, &drug_o, &weight_kg, &sets_o,
                          &params_o))
        return NULL;
    char *species = NULL, *drug = NULL, *params_file = NULL, *text = strdup(text_in), *name = strdup(name_in);
    str_list sets = {0};
    PyObject *result = NULL;
    if (!text || !name) {
        PyErr_NoMemory();
        goto done;
    }
    if (str_from(species_o, "species", &species) || str_from(drug_o, "drug", &drug) ||
        str_from(params_o, "params", &params_file) || str_list_from(sets_o, "set", &sets))
        goto done;
    ketsim_error err = {0};
    ketsim_setup setup;
    mem_text out = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ketsim_setup_init(&setup, species, drug, params_file, (const char *const *)sets.item, sets.n, &err);
    if (!rc && weight_kg > 0)
        setup.weight_kg = weight_kg;
    if (!rc)
        rc = dataset_pred_csv(text, name, &setup, &out, &err);
    ketsim_setup_free(&setup);
    Py_END_ALLOW_THREADS
    result = rc ? raise_ketsim(self, &err) : mem_str(&out);
    mem_free(&out);
done:
    free(text);
    free(name);
    free(species);
    free(drug);
    free(params_file);
    str_list_free(&sets);
    return result;
}

/* ---- population fit --------------------------------------------------------- */

typedef struct fit_args {
    char *species, *drug, *params_file, *method, *estimate, *eta, *cov, *json_path, *table_path, *text, *name;
    str_list sets, omegas, blocks, errors, covariates, bounds;
    double weight_kg;
    ketsim_popest_options po;
} fit_args;

static void fit_args_free(fit_args *a)
{
    char **strs[] = {&a->species, &a->drug, &a->params_file, &a->method, &a->estimate, &a->eta, &a->cov,
                     &a->json_path, &a->table_path, &a->text, &a->name};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    str_list *lists[] = {&a->sets, &a->omegas, &a->blocks, &a->errors, &a->covariates, &a->bounds};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        str_list_free(lists[i]);
}

/* The method, options and spec, the dataset read from text, the estimator
 * run, and fit.json and the per-record table written where asked. */
static int fit_run(const fit_args *a, int *converged, char *message, size_t size, ketsim_error *err)
{
    ketsim_setup setup;
    ketsim_dataset *ds = NULL;
    ketsim_popest *pe = NULL;
    ketsim_popest_result *r = NULL;
    ketsim_popest_method method;
    ketsim_popest_options po = a->po;
    ketsim_popest_spec spec = {.estimate = a->estimate, .eta = a->eta,
                               .omegas = (const char *const *)a->omegas.item, .n_omegas = a->omegas.n,
                               .blocks = (const char *const *)a->blocks.item, .n_blocks = a->blocks.n,
                               .errors = (const char *const *)a->errors.item, .n_errors = a->errors.n,
                               .covariates = (const char *const *)a->covariates.item,
                               .n_covariates = a->covariates.n,
                               .bounds = (const char *const *)a->bounds.item, .n_bounds = a->bounds.n};
    int rc = ketsim_setup_init(&setup, a->species, a->drug, a->params_file, (const char *const *)a->sets.item,
                               a->sets.n, err);
    if (!rc && a->weight_kg > 0)
        setup.weight_kg = a->weight_kg;
    if (!rc && (rc = ketsim_popest_method_parse(a->method, &method, err)))
        ketsim_error_prefix(err, "--method: ");
    if (!rc && strcmp(a->cov, "sandwich") != 0 && strcasecmp(a->cov, "r") != 0 && strcmp(a->cov, "none") != 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "--cov '%s': expected sandwich, r or none", a->cov);
    if (!rc) {
        po.covstep = a->cov[0] == 's' ? KETSIM_COVSTEP_SANDWICH
                     : a->cov[0] == 'n' ? KETSIM_COVSTEP_NONE : KETSIM_COVSTEP_R;
        FILE *in = fmemopen(a->text, strlen(a->text), "r");
        rc = in ? ketsim_dataset_read_stream(in, a->name, &ds, err)
                : KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot read the dataset text", a->name);
        if (in)
            fclose(in);
    }
    if (!rc)
        rc = ketsim_popest_open(&setup, ketsim_dataset_events(ds), method, &po, &spec, &pe, err);
    if (!rc)
        rc = ketsim_popest_run(pe, &r, err);
    if (!rc)
        rc = ketsim_popest_write_json(a->json_path, r, err);
    if (!rc)
        rc = ketsim_popest_write_table(a->table_path, ketsim_dataset_events(ds), r, err);
    if (!rc) {
        *converged = r->converged;
        snprintf(message, size, "%s", r->message);
    }
    ketsim_popest_result_free(r);
    ketsim_popest_free(pe);
    ketsim_dataset_free(ds);
    ketsim_setup_free(&setup);
    return rc;
}

static PyObject *py_fit(PyObject *self, PyObject *args)
{
    PyObject *o[17];
    fit_args a = {0};
    unsigned long long seed;
    Py_ssize_t threads, max_iter, explore, smooth, chains, is_samples;
    if (!PyArg_ParseTuple(args, "OOOOOdOOOOOOOOOOOOKnnnnnn", &o[0], &o[1], &o[2], &o[3], &o[4], &a.weight_kg,
                          &o[5], &o[6], &o[7], &o[8], &o[9], &o[10], &o[11], &o[12], &o[13], &o[14], &o[15], &o[16],
                          &seed, &threads, &max_iter, &explore, &smooth, &chains, &is_samples))
        return NULL;
    PyObject *result = NULL;
    if (str_from(o[0], "data", &a.text) || str_from(o[1], "name", &a.name) || str_from(o[2], "species", &a.species) ||
        str_from(o[3], "drug", &a.drug) || str_from(o[4], "params", &a.params_file) ||
        str_list_from(o[5], "set", &a.sets) || str_from(o[6], "method", &a.method) ||
        str_from(o[7], "estimate", &a.estimate) || str_from(o[8], "eta", &a.eta) ||
        str_list_from(o[9], "omega", &a.omegas) || str_list_from(o[10], "omega_block", &a.blocks) ||
        str_list_from(o[11], "error", &a.errors) || str_list_from(o[12], "covariate", &a.covariates) ||
        str_list_from(o[13], "bound", &a.bounds) || str_from(o[14], "cov", &a.cov) ||
        str_from(o[15], "json_path", &a.json_path) || str_from(o[16], "table_path", &a.table_path))
        goto done;
    if (!a.text || !a.name || !a.method || !a.cov || !a.json_path || !a.table_path) {
        PyErr_SetString(PyExc_TypeError, "fit: data, method, cov and the output paths are required");
        goto done;
    }
    a.po = (ketsim_popest_options){.threads = (size_t)threads, .seed = seed, .max_iter = (size_t)max_iter,
                                   .saem_explore = (size_t)explore, .saem_smooth = (size_t)smooth,
                                   .saem_chains = (size_t)chains, .is_samples = (size_t)is_samples};
    ketsim_error err = {0};
    int converged = 0, rc;
    char message[512] = "";
    Py_BEGIN_ALLOW_THREADS
    rc = fit_run(&a, &converged, message, sizeof message, &err);
    Py_END_ALLOW_THREADS
    result = rc ? raise_ketsim(self, &err) : Py_BuildValue("(Os)", converged ? Py_True : Py_False, message);
done:
    fit_args_free(&a);
    return result;
}

/* ---- trial -------------------------------------------------------------------- */

typedef struct failures {
    mem_text text; /* one reason per line */
} failures;

static void note_failure(const ketsim_trial_subject_result *subj, void *user)
{
    failures *f = user;
    if (f->text.fp)
        fprintf(f->text.fp, "%s\n", subj->fail_reason);
}

/* Summary JSON, per-subject table (replicate 0; long CSV, or the NONMEM-style
 * dataset) and the printed table, as the program writes them. */
static int trial_texts(const ketsim_trial_outcome *r, int nonmem, mem_text *summary, mem_text *subjects,
                       mem_text *table, ketsim_error *err)
{
    size_t n = (size_t)r->opts.replicates;
    int rc = mem_open(summary, err);
    if (!rc)
        rc = ketsim_trial_write_summary_json(summary->fp, &r->sc, &r->defs, &r->opts, r->reps, n, err);
    if (!rc)
        rc = mem_close(summary, err);
    if (!rc)
        rc = mem_open(subjects, err);
    if (!rc)
        rc = nonmem ? ketsim_trial_write_subjects_nonmem(subjects->fp, &r->sc, r->first, err)
                    : ketsim_trial_write_subjects_csv(subjects->fp, &r->sc, &r->defs, r->first, 0, err);
    if (!rc)
        rc = mem_close(subjects, err);
    if (!rc)
        rc = mem_open(table, err);
    if (!rc)
        rc = ketsim_trial_print_table(table->fp, &r->sc, &r->defs, &r->opts, r->reps, n, err);
    if (!rc)
        rc = mem_close(table, err);
    return rc;
}

static PyObject *py_trial(PyObject *self, PyObject *args)
{
    const char *name_in;
    PyObject *sets_o;
    long seed, replicates, threads, subjects_n;
    int skip, nonmem;
    double timeout_s;
    if (!PyArg_ParseTuple(args, "slllOlpdp", &name_in, &seed, &replicates, &threads, &sets_o, &subjects_n, &skip,
                          &timeout_s, &nonmem))
        return NULL;
    if (replicates > 100000 || threads > 64 || subjects_n > KETSIM_TRIAL_MAX_SUBJECTS || seed > 0x7fffffffL) {
        PyErr_SetString(PyExc_ValueError, "trial: replicates <= 100000, threads <= 64, subjects <= 10000, "
                                          "seed <= 2147483647");
        return NULL;
    }
    char *name = strdup(name_in);
    str_list sets = {0};
    PyObject *result = NULL;
    if (!name) {
        PyErr_NoMemory();
        goto done;
    }
    if (str_list_from(sets_o, "set", &sets))
        goto done;
    ketsim_error err = {0};
    ketsim_trial_scenario *sc = malloc(sizeof *sc);
    ketsim_trial_outcome *r = calloc(1, sizeof *r);
    mem_text summary = {0}, subjects = {0}, table = {0};
    failures fail = {{0}};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = sc && r ? mem_open(&fail.text, &err) : KETSIM_FAIL(&err, KETSIM_ENOMEM, "out of memory");
    if (!rc)
        rc = ketsim_trial_open(name, (int)subjects_n, sc, &err);
    if (!rc) {
        ketsim_trial_run_opts o;
        ketsim_trial_opts_init(sc, seed, (int)replicates, (int)threads, &o);
        o.skip_failures = skip;
        o.subject_timeout_s = timeout_s;
        ketsim_trial_exec_opts x = {.keep_first = 1, .on_failure = note_failure, .failure_user = &fail};
        rc = ketsim_trial_execute(sc, &o, (const char *const *)sets.item, sets.n, &x, r, &err);
    }
    if (!rc)
        rc = mem_close(&fail.text, &err);
    if (!rc)
        rc = trial_texts(r, nonmem, &summary, &subjects, &table, &err);
    Py_END_ALLOW_THREADS
    if (rc)
        raise_ketsim(self, &err);
    else
        result = Py_BuildValue("(NNNN)", mem_str(&summary), mem_str(&subjects), mem_str(&table), mem_str(&fail.text));
    if (r)
        ketsim_trial_outcome_free(r);
    free(r);
    free(sc);
    mem_free(&summary);
    mem_free(&subjects);
    mem_free(&table);
    mem_free(&fail.text);
done:
    free(name);
    str_list_free(&sets);
    return result;
}

/* ---- lab ---------------------------------------------------------------------- */

static int lab_texts(const ketsim_lab_result *res, mem_text *summary, mem_text *animals, mem_text *table,
                     ketsim_error *err)
{
    int rc = mem_open(summary, err);
    if (!rc)
        rc = ketsim_lab_write_summary_json(res, summary->fp, err);
    if (!rc)
        rc = mem_close(summary, err);
    if (!rc)
        rc = mem_open(animals, err);
    if (!rc)
        rc = ketsim_lab_write_animals_csv(res, animals->fp, err);
    if (!rc)
        rc = mem_close(animals, err);
    if (!rc)
        rc = mem_open(table, err);
    if (!rc)
        rc = ketsim_lab_print_table(res, table->fp, err);
    if (!rc)
        rc = mem_close(table, err);
    return rc;
}

static PyObject *py_lab(PyObject *self, PyObject *args)
{
    const char *name_in;
    long seed;
    PyObject *sets_o;
    if (!PyArg_ParseTuple(args, "slO", &name_in, &seed, &sets_o))
        return NULL;
    if (seed > 0x7fffffffL) {
        PyErr_SetString(PyExc_ValueError, "lab: seed must be between 0 and 2147483647");
        return NULL;
    }
    char *name = strdup(name_in);
    str_list sets = {0};
    PyObject *result = NULL;
    if (!name) {
        PyErr_NoMemory();
        goto done;
    }
    if (str_list_from(sets_o, "set", &sets))
        goto done;
    ketsim_error err = {0};
    ketsim_lab_protocol *p = NULL;
    ketsim_params *params = NULL;
    ketsim_lab_result *res = NULL;
    mem_text summary = {0}, animals = {0}, table = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ketsim_lab_open(name, (const char *const *)sets.item, sets.n, &p, &params, &err);
    if (!rc)
        rc = ketsim_lab_run(p, params, seed >= 0 ? seed : p->seed, &res, &err);
    if (!rc)
        rc = lab_texts(res, &summary, &animals, &table, &err);
    Py_END_ALLOW_THREADS
    if (rc)
        raise_ketsim(self, &err);
    else
        result = Py_BuildValue("(NNN)", mem_str(&summary), mem_str(&animals), mem_str(&table));
    ketsim_lab_result_free(res);
    ketsim_params_free(params);
    free(p);
    mem_free(&summary);
    mem_free(&animals);
    mem_free(&table);
done:
    free(name);
    str_list_free(&sets);
    return result;
}

/* ---- validate ----------------------------------------------------------------- */

static PyObject *py_validate(PyObject *self, PyObject *args)
{
    PyObject *targets_o;
    if (!PyArg_ParseTuple(args, "O", &targets_o))
        return NULL;
    char *targets = NULL;
    if (str_from(targets_o, "targets", &targets))
        return NULL;
    ketsim_error err = {0};
    ketsim_validation *v = NULL;
    mem_text json = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ketsim_validation_open(targets, &v, &err);
    if (!rc)
        rc = ketsim_validation_run(v, &err);
    if (!rc)
        rc = mem_open(&json, &err);
    if (!rc)
        rc = ketsim_validation_write_json(json.fp, v, &err);
    if (!rc)
        rc = mem_close(&json, &err);
    ketsim_validation_free(v);
    Py_END_ALLOW_THREADS
    PyObject *result = rc ? raise_ketsim(self, &err) : mem_str(&json);
    mem_free(&json);
    free(targets);
    return result;
}

/* ---- params, outputs, drugs --------------------------------------------------- */

static PyObject *params_rows(const ketsim_params *p)
{
    size_t n = ketsim_params_count(p);
    PyObject *rows = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; rows && i < n; i++) {
        ketsim_param_info pi;
        ketsim_params_info(p, i, &pi);
        PyObject *row = Py_BuildValue("(sdsssssdddO)", pi.name, pi.value, pi.unit, ketsim_param_kind_name(pi.kind),
                                      pi.targets ? pi.targets : "", pi.source, pi.description, pi.default_value,
                                      pi.min, pi.max, pi.overridden ? Py_True : Py_False);
        if (!row) {
            Py_DECREF(rows);
            return NULL;
        }
        PyList_SET_ITEM(rows, (Py_ssize_t)i, row);
    }
    return rows;
}

static PyObject *py_params(PyObject *self, PyObject *args)
{
    PyObject *species_o, *drug_o, *sets_o;
    if (!PyArg_ParseTuple(args, "OOO", &species_o, &drug_o, &sets_o))
        return NULL;
    char *species = NULL, *drug = NULL;
    str_list sets = {0};
    PyObject *result = NULL;
    if (str_from(species_o, "species", &species) || str_from(drug_o, "drug", &drug) ||
        str_list_from(sets_o, "set", &sets))
        goto done;
    ketsim_error err = {0};
    ketsim_setup s;
    if (ketsim_setup_init(&s, species, drug, NULL, (const char *const *)sets.item, sets.n, &err))
        raise_ketsim(self, &err);
    else
        result = params_rows(s.params);
    ketsim_setup_free(&s);
done:
    free(species);
    free(drug);
    str_list_free(&sets);
    return result;
}

static PyObject *py_outputs(PyObject *self, PyObject *args)
{
    PyObject *species_o, *drug_o;
    if (!PyArg_ParseTuple(args, "OO", &species_o, &drug_o))
        return NULL;
    char *species = NULL, *drug = NULL;
    PyObject *result = NULL;
    if (str_from(species_o, "species", &species) || str_from(drug_o, "drug", &drug))
        goto done;
    ketsim_error err = {0};
    ketsim_setup s;
    ketsim_model *m = NULL;
    int rc = ketsim_setup_init(&s, species, drug, NULL, NULL, 0, &err);
    const char *drugs[1] = {s.drug};
    if (!rc)
        rc = ketsim_model_create(s.params, s.catalog, drugs, 1, s.weight_kg, &m, &err);
    if (rc)
        raise_ketsim(self, &err);
    else {
        size_t n = ketsim_model_n_outputs(m);
        result = PyList_New((Py_ssize_t)n);
        for (size_t k = 0; result && k < n; k++) {
            const ketsim_output_info *o = ketsim_model_output(m, k);
            PyObject *row = Py_BuildValue("(sss)", o->name, o->unit, o->description);
            if (!row) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(result, (Py_ssize_t)k, row);
        }
    }
    ketsim_model_free(m);
    ketsim_setup_free(&s);
done:
    free(species);
    free(drug);
    return result;
}

static PyObject *py_drugs(PyObject *self, PyObject *noargs)
{
    (void)noargs;
    ketsim_error err = {0};
    ketsim_catalog *cat = NULL;
    if (ketsim_catalog_create(&cat, &err))
        return raise_ketsim(self, &err);
    size_t n = ketsim_catalog_n_drugs(cat);
    PyObject *result = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; result && i < n; i++) {
        PyObject *row = Py_BuildValue("(ss)", ketsim_catalog_drug_name(cat, i), ketsim_catalog_drug_description(cat, i));
        if (!row) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, (Py_ssize_t)i, row);
    }
    ketsim_catalog_free(cat);
    return result;
}

static PyObject *py_data_dir(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyUnicode_FromString(ketsim_data_dir());
}

static PyObject *py_installed_data_dir(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return PyUnicode_FromString(KETSIM_INSTALLED_DATA_DIR);
}

/* ---- module ------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"duration_h", py_duration_h, METH_VARARGS, "duration_h(text) -> hours"},
    {"simulate", py_simulate, METH_VARARGS, "see ketsim.simulate"},
    {"simulate_dataset", py_simulate_dataset, METH_VARARGS, "see ketsim.simulate_dataset"},
    {"trial", py_trial, METH_VARARGS, "see ketsim.trial"},
    {"fit", py_fit, METH_VARARGS, "see ketsim.fit"},
    {"lab", py_lab, METH_VARARGS, "see ketsim.lab"},
    {"validate", py_validate, METH_VARARGS, "see ketsim.validate"},
    {"params", py_params, METH_VARARGS, "see ketsim.params"},
    {"outputs", py_outputs, METH_VARARGS, "see ketsim.outputs"},
    {"drugs", py_drugs, METH_NOARGS, "see ketsim.drugs"},
    {"data_dir", py_data_dir, METH_NOARGS, "the data directory libketsim reads"},
    {"installed_data_dir", py_installed_data_dir, METH_NOARGS, "the data installed with libketsim"},
    {NULL, NULL, 0, NULL},
};

static int state_traverse(PyObject *m, visitproc visit, void *arg)
{
    Py_VISIT(((module_state *)PyModule_GetState(m))->error);
    return 0;
}

static int state_clear(PyObject *m)
{
    Py_CLEAR(((module_state *)PyModule_GetState(m))->error);
    return 0;
}

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "ketsim._core", "libketsim for Python (use the ketsim package)",
    sizeof(module_state), methods, NULL, state_traverse, state_clear, NULL,
};

PyMODINIT_FUNC PyInit__core(void)
{
    /* GSL aborts the process on an error unless told otherwise; libketsim
     * checks every GSL return code and leaves this setting to the program
     * (docs/library.md), which here is the interpreter. */
    gsl_set_error_handler_off();
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    module_state *st = PyModule_GetState(m);
    st->error = PyErr_NewExceptionWithDoc("ketsim.KetsimError",
                                          "An error reported by libketsim, with its message; .code is -1 for bad "
                                          "input, -2 for a file, -3 for the solver, -4 for memory.",
                                          NULL, NULL);
    if (!st->error || PyModule_AddObjectRef(m, "KetsimError", st->error) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    PyModule_AddStringConstant(m, "version", KETSIM_VERSION);
    PyModule_AddIntConstant(m, "popest_default_seed", KETSIM_POPEST_DEFAULT_SEED);
    return m;
}

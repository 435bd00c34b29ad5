/* What a population fit writes: fit.json (jansson), the per-record table
 * and the parameter file (declared in ketsim/popest.h). */
#include "ketsim/popest.h"
#include "stream.h"
#include "util/atomic.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

/* JSON has no NaN: a missing number is null. */
static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *value_obj(const ketsim_popest_value *v, const char *key)
{
    json_t *o = json_object();
    json_object_set_new(o, key, num(v->estimate));
    json_object_set_new(o, "se", num(v->se));
    json_object_set_new(o, "rse_pct", num(v->rse_pct));
    if (v->at_bound)
        json_object_set_new(o, "at_bound", json_true());
    return o;
}

static json_t *build(const ketsim_popest_result *r)
{
    size_t q = r->n_eta;
    json_t *root = json_object();
    json_object_set_new(root, "method", json_string(ketsim_popest_method_name(r->method)));
    json_object_set_new(root, "ofv", num(r->ofv));
    json_object_set_new(root, "ofv_method", json_string(r->ofv_method));
    json_object_set_new(root, "ofv_foce", num(r->ofv_foce));
    json_object_set_new(root, "ofv_is", num(r->ofv_is));
    json_object_set_new(root, "aic", num(r->aic));
    json_object_set_new(root, "bic", num(r->bic));
    json_object_set_new(root, "n_subjects", json_integer((json_int_t)r->n_subjects));
    json_object_set_new(root, "n_obs", json_integer((json_int_t)r->n_obs));
    json_object_set_new(root, "n_blq", json_integer((json_int_t)r->n_blq));
    json_object_set_new(root, "n_estimated", json_integer((json_int_t)r->n_est));

    json_t *th = json_object();
    for (size_t i = 0; i < r->n_theta; i++)
        json_object_set_new(th, r->theta[i].name, value_obj(&r->theta[i], "estimate"));
    json_object_set_new(root, "theta", th);

    json_t *om = json_object();
    for (size_t k = 0; k < q; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "variance", num(r->omega[k * q + k]));
        json_object_set_new(o, "se", num(r->omega_se[k * q + k]));
        json_object_set_new(o, "rse_pct", num(100 * r->omega_se[k * q + k] / r->omega[k * q + k]));
        json_object_set_new(o, "sd", num(sqrt(r->omega[k * q + k])));
        json_object_set_new(o, "cv_pct", num(r->omega_cv_pct[k]));
        json_t *cv = NULL;
        for (size_t l = 0; l < q; l++)
            if (l != k && r->omega_est[k * q + l]) {
                if (!cv)
                    cv = json_object();
                json_t *c = json_object();
                json_object_set_new(c, "covariance", num(r->omega[k * q + l]));
                json_object_set_new(c, "se", num(r->omega_se[k * q + l]));
                json_object_set_new(c, "correlation", num(r->omega_corr[k * q + l]));
                json_object_set_new(cv, r->eta_names[l], c);
            }
        if (cv)
            json_object_set_new(o, "covariances", cv);
        json_object_set_new(om, r->eta_names[k], o);
    }
    json_object_set_new(root, "omega", om);

    json_t *sg = json_object();
    for (size_t i = 0; i < r->n_sigma; i++) {
        json_t *o = value_obj(&r->sigma[i], "estimate");
        json_object_set_new(o, "variance", num(r->sigma[i].estimate * r->sigma[i].estimate));
        json_object_set_new(sg, r->sigma[i].name, o);
    }
    json_object_set_new(root, "sigma", sg);

    json_t *sh = json_object(), *she = json_object();
    for (size_t k = 0; k < q; k++)
        json_object_set_new(she, r->eta_names[k], num(r->eta_shrinkage_pct[k]));
    json_object_set_new(sh, "eta_pct", she);
    json_object_set_new(sh, "eps_pct", num(r->eps_shrinkage_pct));
    json_object_set_new(root, "shrinkage", sh);

    json_object_set_new(root, "converged", json_boolean(r->converged));
    json_object_set_new(root, "message", json_string(r->message));

    json_t *cs = json_object(), *names = json_array(), *mat = json_array();
    json_object_set_new(cs, "method", json_string(r->cov_method));
    json_object_set_new(cs, "ok", json_boolean(r->cov_ok));
    for (size_t i = 0; i < r->n_cov; i++) {
        json_array_append_new(names, json_string(r->cov_names[i]));
        json_t *row = json_array();
        for (size_t j = 0; j < r->n_cov; j++)
            json_array_append_new(row, num(r->cov_corr[i * r->n_cov + j]));
        json_array_append_new(mat, row);
    }
    json_object_set_new(cs, "names", names);
    json_object_set_new(cs, "correlation", mat);
    json_object_set_new(root, "covariance_step", cs);

    json_t *ebe = json_array();
    for (size_t s = 0; s < r->n_subjects; s++) {
        json_t *o = json_object(), *e = json_object();
        json_object_set_new(o, "id", num(r->subject_id[s]));
        for (size_t k = 0; k < q; k++)
            json_object_set_new(e, r->eta_names[k], num(r->ebe[s * q + k]));
        json_object_set_new(o, "eta", e);
        json_array_append_new(ebe, o);
    }
    json_object_set_new(root, "ebe", ebe);
    json_object_set_new(root, "iterations", json_integer((json_int_t)r->iterations));
    json_object_set_new(root, "simulations", json_integer((json_int_t)r->n_sims));
    json_object_set_new(root, "seconds", num(r->seconds));
    json_object_set_new(root, "seconds_estimation", num(r->seconds_estimation));
    json_object_set_new(root, "simulations_estimation", json_integer((json_int_t)r->n_sims_estimation));
    return root;
}

int ketsim_popest_fprint_json(FILE *fp, const ketsim_popest_result *r, ketsim_error *err)
{
    json_t *root = build(r);
    if (!root)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(root);
    if (!text)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    fputs(text, fp);
    fputc('\n', fp);
    free(text);
    return formats_stream_status(fp, "fit.json", err);
}

/* A path writer: the stream writer into an atomic file. */
typedef int (*stream_writer)(FILE *fp, const void *a, const void *b, const void *c, ketsim_error *err);

static int write_atomic(const char *path, stream_writer fn, const void *a, const void *b, const void *c,
                        ketsim_error *err)
{
    atomic_file af;
    int rc = atomic_open(&af, path, err);
    if (rc)
        return rc;
    rc = fn(af.fp, a, b, c, err);
    if (rc) {
        atomic_abort(&af);
        return rc;
    }
    return atomic_commit(&af, err);
}

static int json_writer(FILE *fp, const void *r, const void *b, const void *c, ketsim_error *err)
{
    (void)b;
    (void)c;
    return ketsim_popest_fprint_json(fp, r, err);
}

int ketsim_popest_write_json(const char *path, const ketsim_popest_result *r, ketsim_error *err)
{
    return write_atomic(path, json_writer, r, NULL, NULL, err);
}

static void put(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.8g", v);
    else
        fputs(",.", fp);
}

int ketsim_popest_fprint_table(FILE *fp, const ketsim_events *ev, const ketsim_popest_result *r,
                               ketsim_error *err)
{
    fputs(r->npde ? "ID,TIME,OUTPUT,DV,MDV,BLQ,PRED,IPRED,RES,IWRES,CWRES,NPDE\n"
                  : "ID,TIME,OUTPUT,DV,MDV,BLQ,PRED,IPRED,RES,IWRES,CWRES\n",
          fp);
    size_t n = ketsim_events_n_records(ev);
    for (size_t i = 0; i < n && i < r->n_records; i++) {
        const ketsim_event *e = ketsim_events_record(ev, i);
        if (e->evid != KETSIM_EVID_OBS)
            continue;
        fprintf(fp, "%.10g,%.10g,%s", e->id, e->time_h, ketsim_events_output_name(ev, e->output));
        put(fp, e->dv);
        fprintf(fp, ",%d,%d", e->mdv, e->blq);
        put(fp, r->pred[i]);
        put(fp, r->ipred[i]);
        put(fp, r->res[i]);
        put(fp, r->iwres[i]);
        put(fp, r->cwres[i]);
        if (r->npde)
            put(fp, r->npde[i]);
        fputc('\n', fp);
    }
    return formats_stream_status(fp, "the record table", err);
}

static int table_writer(FILE *fp, const void *ev, const void *r, const void *c, ketsim_error *err)
{
    (void)c;
    return ketsim_popest_fprint_table(fp, ev, r, err);
}

int ketsim_popest_write_table(const char *path, const ketsim_events *ev, const ketsim_popest_result *r,
                              ketsim_error *err)
{
    return write_atomic(path, table_writer, ev, r, NULL, err);
}

int ketsim_popest_fprint_params(FILE *fp, const ketsim_popest_result *r, const char *comment, ketsim_error *err)
{
    if (comment)
        fprintf(fp, "# %s\n", comment);
    fprintf(fp, "# %s: OFV %.6g (%s), AIC %.6g, BIC %.6g, %s\n", ketsim_popest_method_name(r->method), r->ofv,
            r->ofv_method, r->aic, r->bic, r->converged ? "converged" : "NOT converged");
    fputs("# typical values (THETA); covariate effects, OMEGA and SIGMA are comments\n", fp);
    for (size_t i = 0; i < r->n_theta; i++) {
        if (strchr(r->theta[i].name, '~'))
            fprintf(fp, "# covariate %s = %.10g\n", r->theta[i].name, r->theta[i].estimate);
        else
            fprintf(fp, "%s=%.10g\n", r->theta[i].name, r->theta[i].estimate);
    }
    for (size_t k = 0; k < r->n_eta; k++)
        fprintf(fp, "# OMEGA(%s) = %.6g (CV %.1f%%)\n", r->eta_names[k], r->omega[k * r->n_eta + k],
                r->omega_cv_pct[k]);
    for (size_t i = 0; i < r->n_sigma; i++)
        fprintf(fp, "# SIGMA %s SD = %.6g\n", r->sigma[i].name, r->sigma[i].estimate);
    return formats_stream_status(fp, "the parameter file", err);
}

static int params_writer(FILE *fp, const void *r, const void *comment, const void *c, ketsim_error *err)
{
    (void)c;
    return ketsim_popest_fprint_params(fp, r, comment, err);
}

int ketsim_popest_write_params(const char *path, const ketsim_popest_result *r, const char *comment,
                               ketsim_error *err)
{
    return write_atomic(path, params_writer, r, comment, NULL, err);
}

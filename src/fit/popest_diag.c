/* Diagnostics of a population fit from its final estimates: simulations of
 * the data set's design (for the visual predictive check and the NPDE), the
 * VPC bins, the NPDE, and PRED/IPRED curves on a fine time grid for the
 * individual-fit figures.  Everything runs on the fit's own subject workers
 * (pe_sim), so a simulated subject is the model the fit used. */
#include "popest_impl.h"
#include "ketsim/rng.h"
#include "ketsim/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* random stream purpose of the design simulations (any constant other
 * streams of the estimator do not use) */
#define DIAG_STREAM 0x76706301u
/* the source line that marks the grid records added for the curves */
#define GRID_LINE (-1L)

void ketsim_popest_sims_free(ketsim_popest_sims *s)
{
    if (!s)
        return;
    free(s->y), free(s->rec), free(s->subject), free(s->output), free(s->time_h), free(s->dv), free(s->blq);
    free(s);
}

typedef struct sim_task {
    pe_par par;
    ketsim_popest_sims *s;
    uint64_t seed;
} sim_task;

/* The individual log parameters of a subject with random effects eta. */
static void phi_of(const ketsim_popest *pe, const double *mu, const double *eta, double *phi)
{
    for (size_t r = 0; r < pe->n_rows; r++)
        phi[r] = mu[r] + (pe->rows[r].eta >= 0 ? eta[pe->rows[r].eta] : 0);
}

/* Residual SD of an observation predicted f, as the likelihood has it. */
static double resid_sd(const ketsim_popest *pe, const pe_par *par, size_t err_i, double f)
{
    const pe_err *e = &pe->errs[err_i];
    double af = fabs(f), h = af > e->h_floor ? af : e->h_floor;
    return sqrt(par->sa[err_i] * par->sa[err_i] + par->sb[err_i] * par->sb[err_i] * h * h);
}

static int sim_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    sim_task *st = user;
    const pe_subj *sj = &pe->subj[s];
    size_t q = pe->q, off = (size_t)(sj->obs - pe->obs);
    double mu[PE_MAX_ROWS], phi[PE_MAX_ROWS], eta[PE_MAX_ETA];
    if (pe_mu(pe, &st->par, s, mu))
        return KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not positive", sj->id);
    ketsim_rng rng;
    ketsim_rng_init(&rng, st->seed, (uint64_t)s, DIAG_STREAM);
    double *f = t->work;
    for (size_t k = 0; k < st->s->n_rep; k++) {
        int rc = q ? ketsim_rng_mvnormal(&rng, q, st->par.chol, eta, err) : KETSIM_OK;
        if (rc)
            return rc;
        phi_of(pe, mu, eta, phi);
        /* a draw outside a row's allowed range cannot be simulated: clamp it
         * to the range (counted nowhere; the ranges are wide) */
        for (size_t r = 0; r < pe->n_rows; r++) {
            double lo = log(pe->rows[r].lo > 0 ? pe->rows[r].lo : 1e-300), hi = log(pe->rows[r].hi);
            phi[r] = phi[r] < lo ? lo : phi[r] > hi ? hi : phi[r];
        }
        rc = pe_sim(pe, t, s, &st->par, phi, f, err);
        if (rc)
            return rc;
        double *y = st->s->y + k * st->s->n_obs + off;
        for (size_t j = 0; j < sj->n_obs; j++)
            y[j] = f[j] + resid_sd(pe, &st->par, sj->obs[j].err, f[j]) * ketsim_rng_normal(&rng);
    }
    return KETSIM_OK;
}

int ketsim_popest_simulate_design(ketsim_popest *pe, size_t n_rep, uint64_t seed, ketsim_popest_sims **out,
                                  ketsim_error *err)
{
    *out = NULL;
    if (!pe->have_final)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "popest diagnostics: no estimates yet (run the fit first)");
    if (n_rep < 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "popest diagnostics: at least 2 simulated replicates are needed");
    size_t n = pe->n_obs;
    ketsim_popest_sims *s = calloc(1, sizeof *s);
    sim_task *st = malloc(sizeof *st);
    if (s) {
        s->y = malloc(n_rep * n * sizeof *s->y);
        s->rec = malloc(n * sizeof *s->rec);
        s->subject = malloc(n * sizeof *s->subject);
        s->output = malloc(n * sizeof *s->output);
        s->time_h = malloc(n * sizeof *s->time_h);
        s->dv = malloc(n * sizeof *s->dv);
        s->blq = malloc(n * sizeof *s->blq);
    }
    if (!s || !st || !s->y || !s->rec || !s->subject || !s->output || !s->time_h || !s->dv || !s->blq) {
        ketsim_popest_sims_free(s);
        free(st);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    s->n_rep = n_rep;
    s->n_obs = n;
    for (size_t i = 0; i < pe->n_subj; i++)
        for (size_t j = 0; j < pe->subj[i].n_obs; j++) {
            const pe_obs *o = &pe->subj[i].obs[j];
            size_t g = (size_t)(o - pe->obs);
            const ketsim_event *e = ketsim_events_record(pe->ev, o->rec);
            s->rec[g] = o->rec;
            s->subject[g] = i;
            s->output[g] = e->output;
            s->time_h[g] = e->time_h;
            s->dv[g] = o->dv;
            s->blq[g] = o->blq;
        }
    int rc = pe_unpack(pe, pe->x_final, &st->par) ? KETSIM_FAIL(err, KETSIM_EINPUT, "popest diagnostics: the final "
                                                                "estimates give no positive-definite OMEGA")
                                                  : KETSIM_OK;
    st->s = s;
    st->seed = seed;
    if (!rc)
        rc = pe_parallel(pe, sim_subject, st, err);
    free(st);
    if (rc) {
        ketsim_popest_sims_free(s);
        return rc;
    }
    *out = s;
    return KETSIM_OK;
}

/* ---------------------------------------------------------------- NPDE */

/* Forward substitution L z = v in place (L lower, row-major n x n). */
static void lower_solve(size_t n, const double *L, double *v)
{
    for (size_t a = 0; a < n; a++) {
        double sum = v[a];
        for (size_t k = 0; k < a; k++)
            sum -= L[a * n + k] * v[k];
        v[a] = sum / L[a * n + a];
    }
}

/* NPDE of one subject's uncensored observations idx[0..m): the observed
 * and every simulated vector are centred on the simulated mean and
 * decorrelated with the Cholesky factor of the simulated covariance; the
 * prediction discrepancy of an observation is the fraction of decorrelated
 * simulated values below the decorrelated observation, and the NPDE its
 * standard normal quantile.  Returns 0 when the covariance is singular. */
static int npde_subject(const ketsim_popest_sims *s, const size_t *idx, size_t m, double *work, double *out)
{
    size_t K = s->n_rep;
    double *mean = work, *V = mean + m, *L = V + m * m, *z = L + m * m, *zs = z + m, *below = zs + m;
    for (size_t a = 0; a < m; a++) {
        double sum = 0;
        for (size_t k = 0; k < K; k++)
            sum += s->y[k * s->n_obs + idx[a]];
        mean[a] = sum / (double)K;
    }
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b <= a; b++) {
            double sum = 0;
            for (size_t k = 0; k < K; k++)
                sum += (s->y[k * s->n_obs + idx[a]] - mean[a]) * (s->y[k * s->n_obs + idx[b]] - mean[b]);
            V[a * m + b] = V[b * m + a] = sum / (double)(K - 1);
        }
    if (pe_chol(m, V, L))
        return 0;
    for (size_t a = 0; a < m; a++) {
        z[a] = s->dv[idx[a]] - mean[a];
        below[a] = 0;
    }
    lower_solve(m, L, z);
    for (size_t k = 0; k < K; k++) {
        for (size_t a = 0; a < m; a++)
            zs[a] = s->y[k * s->n_obs + idx[a]] - mean[a];
        lower_solve(m, L, zs);
        for (size_t a = 0; a < m; a++)
            below[a] += zs[a] < z[a];
    }
    /* a discrepancy of 0 or 1 (the observation beyond every simulation) is
     * moved to 1/(2K) or 1 - 1/(2K), so the quantile stays finite */
    for (size_t a = 0; a < m; a++) {
        double pd = below[a] / (double)K, lim = 0.5 / (double)K;
        pd = pd < lim ? lim : pd > 1 - lim ? 1 - lim : pd;
        out[a] = gsl_cdf_ugaussian_Pinv(pd);
    }
    return 1;
}

int ketsim_popest_npde(const ketsim_popest_sims *s, ketsim_popest_result *r, ketsim_error *err)
{
    free(r->npde);
    r->npde = malloc((r->n_records ? r->n_records : 1) * sizeof *r->npde);
    size_t max_m = 0, run = 0;
    for (size_t g = 0; g < s->n_obs; g++) {
        run = g > 0 && s->subject[g] == s->subject[g - 1] ? run + 1 : 1;
        max_m = run > max_m ? run : max_m;
    }
    size_t *idx = malloc((max_m ? max_m : 1) * sizeof *idx);
    double *work = malloc((2 * max_m * max_m + 4 * max_m + 1) * sizeof *work), *val = malloc((max_m + 1) * sizeof *val);
    if (!r->npde || !idx || !work || !val) {
        free(idx), free(work), free(val);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->n_records; i++)
        r->npde[i] = NAN;
    for (size_t g0 = 0; g0 < s->n_obs;) {
        size_t g1 = g0, m = 0;
        while (g1 < s->n_obs && s->subject[g1] == s->subject[g0]) {
            if (!s->blq[g1])
                idx[m++] = g1;
            g1++;
        }
        /* the covariance of m observations from K replicates is singular
         * unless K > m */
        if (m && s->n_rep > m && npde_subject(s, idx, m, work, val))
            for (size_t a = 0; a < m; a++)
                r->npde[s->rec[idx[a]]] = val[a];
        g0 = g1;
    }
    free(idx), free(work), free(val);
    return KETSIM_OK;
}

/* ----------------------------------------------------------------- VPC */

/* Bin edges over the sorted times t[0..n): bin b holds [start[b], start[b+1]). */
static size_t make_bins(const double *t, size_t n, size_t max_bins, size_t *start)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || t[i] != t[i - 1];
    size_t nb = 0;
    if (distinct <= max_bins) {
        for (size_t i = 0; i < n; i++)
            if (i == 0 || t[i] != t[i - 1])
                start[nb++] = i;
    } else {
        /* equal counts, an edge never splitting a time */
        for (size_t b = 0; b < max_bins; b++) {
            size_t i = b * n / max_bins;
            while (i > 0 && i < n && t[i] == t[i - 1])
                i++;
            if (i < n && (nb == 0 || i > start[nb - 1]))
                start[nb++] = i;
        }
    }
    start[nb] = n;
    return nb;
}

typedef struct tpair {
    double t;
    size_t g;
} tpair;

static int cmp_tpair(const void *a, const void *b)
{
    const tpair *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return (x->g > y->g) - (x->g < y->g);
}

static int bin_stats(const ketsim_popest_sims *s, const tpair *tp, size_t i0, size_t i1, double *buf, double *pk,
                     ketsim_popest_vpc_bin *b, ketsim_error *err)
{
    static const double probs[3] = {0.05, 0.5, 0.95}, band[3] = {0.025, 0.5, 0.975};
    size_t m = i1 - i0, K = s->n_rep;
    b->t_lo_h = tp[i0].t;
    b->t_hi_h = tp[i1 - 1].t;
    b->t_mid_h = tp[i0 + m / 2].t;
    if (m % 2 == 0)
        b->t_mid_h = 0.5 * (tp[i0 + m / 2 - 1].t + tp[i0 + m / 2].t);
    b->n_obs = m;
    for (size_t i = 0; i < m; i++)
        buf[i] = s->dv[tp[i0 + i].g];
    int rc = ketsim_stats_quantiles(buf, m, probs, 3, b->obs, err);
    for (size_t k = 0; !rc && k < K; k++) {
        double qk[3];
        for (size_t i = 0; i < m; i++)
            buf[i] = s->y[k * s->n_obs + tp[i0 + i].g];
        rc = ketsim_stats_quantiles(buf, m, probs, 3, qk, err);
        for (size_t p = 0; p < 3; p++)
            pk[p * K + k] = qk[p];
    }
    for (size_t p = 0; !rc && p < 3; p++)
        rc = ketsim_stats_quantiles(pk + p * K, K, band, 3, b->sim[p], err);
    return rc;
}

int ketsim_popest_vpc(const ketsim_popest_sims *s, size_t output, size_t max_bins, ketsim_popest_vpc_bin **bins,
                      size_t *n_bins, ketsim_error *err)
{
    *bins = NULL;
    *n_bins = 0;
    if (max_bins < 1)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "VPC: at least one bin");
    size_t n = 0;
    tpair *tp = malloc((s->n_obs ? s->n_obs : 1) * sizeof *tp);
    double *t = malloc((s->n_obs ? s->n_obs : 1) * sizeof *t);
    size_t *start = malloc((max_bins + 2) * sizeof *start);
    double *buf = malloc((s->n_obs ? s->n_obs : 1) * sizeof *buf), *pk = malloc(3 * s->n_rep * sizeof *pk);
    ketsim_popest_vpc_bin *b = calloc(max_bins + 1, sizeof *b);
    int rc = !tp || !t || !start || !buf || !pk || !b ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory") : KETSIM_OK;
    for (size_t g = 0; !rc && g < s->n_obs; g++)
        if (s->output[g] == output && !s->blq[g])
            tp[n++] = (tpair){s->time_h[g], g};
    if (!rc && n == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "VPC: the output has no observation above LLOQ");
    size_t nb = 0;
    if (!rc) {
        qsort(tp, n, sizeof *tp, cmp_tpair);
        for (size_t i = 0; i < n; i++)
            t[i] = tp[i].t;
        nb = make_bins(t, n, max_bins, start);
    }
    for (size_t k = 0; !rc && k < nb; k++)
        rc = bin_stats(s, tp, start[k], start[k + 1], buf, pk, &b[k], err);
    free(tp), free(t), free(start), free(buf), free(pk);
    if (rc) {
        free(b);
        return rc;
    }
    *bins = b;
    *n_bins = nb;
    return KETSIM_OK;
}

/* -------------------------------------------------------------- curves */

void ketsim_popest_curves_free(ketsim_popest_curves *c)
{
    if (!c)
        return;
    free(c->outputs), free(c->time_h), free(c->pred), free(c->ipred);
    free(c);
}

/* The event table with n_grid prediction records (EVID 2) per output added
 * to every subject between its records; grid[s * n_grid + g] the times. */
static int grid_events(const ketsim_popest *pe, const ketsim_popest_curves *c, ketsim_events **out,
                       size_t *out_code, ketsim_error *err)
{
    const ketsim_events *ev = pe->ev;
    ketsim_events *g2 = NULL;
    int rc = ketsim_events_create(ketsim_events_name(ev), &g2, err);
    size_t nc = ketsim_events_n_covariates(ev);
    const char *names[KETSIM_EVENTS_MAX_COV];
    for (size_t k = 0; k < nc; k++)
        names[k] = ketsim_events_covariate_name(ev, k);
    if (!rc && nc)
        rc = ketsim_events_set_covariates(g2, names, nc, err);
    for (size_t o = 0; !rc && o < c->n_outputs; o++)
        rc = ketsim_events_output_code(g2, ketsim_events_output_name(ev, c->outputs[o]), &out_code[o], err);
    for (size_t s = 0; !rc && s < pe->n_subj; s++) {
        const pe_subj *sj = &pe->subj[s];
        const double *tg = c->time_h + s * c->n_grid;
        size_t g = 0;
        for (size_t j = 0; !rc && j <= sj->n_rec; j++) {
            const ketsim_event *e = j < sj->n_rec ? ketsim_events_record(ev, sj->first + j) : NULL;
            /* grid points before this record (all that remain after the last) */
            for (; !rc && g < c->n_grid && (!e || tg[g] < e->time_h); g++)
                for (size_t o = 0; !rc && o < c->n_outputs; o++) {
                    ketsim_event p = {.line = GRID_LINE, .id = sj->id, .time_h = tg[g], .evid = KETSIM_EVID_OTHER, .mdv = 1,
                                      .output = out_code[o], .dv = NAN, .lloq = NAN, .wt_kg = NAN};
                    for (size_t k = 0; k < KETSIM_EVENTS_MAX_COV; k++)
                        p.cov[k] = NAN;
                    rc = ketsim_events_add(g2, &p, err);
                }
            if (!rc && e) {
                ketsim_event copy = *e;
                /* per-compound output codes are the table's own: look the
                 * name up again in the new one */
                if (ketsim_event_is_prediction(e))
                    rc = ketsim_events_output_code(g2, ketsim_events_output_name(ev, e->output), &copy.output, err);
                if (!rc)
                    rc = ketsim_events_add(g2, &copy, err);
            }
        }
    }
    if (rc) {
        ketsim_events_free(g2);
        return rc;
    }
    *out = g2;
    return KETSIM_OK;
}

typedef struct curve_task {
    pe_par par;
    ketsim_popest_curves *c;
    const ketsim_events *g2;
    ketsim_events_runner **runners; /* per thread */
    const size_t *code;             /* output codes in g2 */
} curve_task;

static int curve_subject(ketsim_popest *pe, pe_thread *t, size_t s, void *user, ketsim_error *err)
{
    curve_task *ct = user;
    ketsim_popest_curves *c = ct->c;
    size_t k = (size_t)(t - pe->th), first, nrec;
    ketsim_events_subject(ct->g2, s, &first, &nrec);
    double mu[PE_MAX_ROWS], *pred = malloc((nrec ? nrec : 1) * sizeof *pred);
    if (!pred)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    int rc = pe_mu(pe, &ct->par, s, mu) ? KETSIM_FAIL(err, KETSIM_EINPUT, "ID %g: a linear covariate term is not "
                                                      "positive", pe->subj[s].id)
                                        : KETSIM_OK;
    for (int which = 0; !rc && which < 2; which++) {
        const double *phi = which ? pe->modes[s].phi : mu;
        double *dst = (which ? c->ipred : c->pred) + s * c->n_outputs * c->n_grid;
        rc = pe_run(pe, t, ct->runners[k], s, &ct->par, phi, pred, err);
        size_t g = 0;
        for (size_t j = 0; !rc && j < nrec; j++) {
            const ketsim_event *e = ketsim_events_record(ct->g2, first + j);
            if (e->line != GRID_LINE)
                continue;
            for (size_t o = 0; o < c->n_outputs; o++)
                if (e->output == ct->code[o])
                    dst[o * c->n_grid + g / c->n_outputs] = pred[j];
            g++;
        }
    }
    free(pred);
    return rc;
}

static int curves_alloc(ketsim_popest *pe, size_t n_grid, ketsim_popest_curves **out, ketsim_error *err)
{
    ketsim_popest_curves *c = calloc(1, sizeof *c);
    if (!c)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    c->n_subjects = pe->n_subj;
    c->n_grid = n_grid;
    c->outputs = malloc(pe->n_err * sizeof *c->outputs);
    for (size_t g = 0; c->outputs && g < pe->n_obs; g++) {
        size_t code = ketsim_events_record(pe->ev, pe->obs[g].rec)->output, o = 0;
        while (o < c->n_outputs && c->outputs[o] != code)
            o++;
        if (o == c->n_outputs && o < pe->n_err)
            c->outputs[c->n_outputs++] = code;
    }
    size_t ng = pe->n_subj * n_grid, no = ng * (c->n_outputs ? c->n_outputs : 1);
    c->time_h = malloc(ng * sizeof *c->time_h);
    c->pred = malloc(no * sizeof *c->pred);
    c->ipred = malloc(no * sizeof *c->ipred);
    if (!c->outputs || !c->time_h || !c->pred || !c->ipred) {
        ketsim_popest_curves_free(c);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < no; i++)
        c->pred[i] = c->ipred[i] = NAN;
    for (size_t s = 0; s < pe->n_subj; s++) {
        const pe_subj *sj = &pe->subj[s];
        double tmax = ketsim_events_record(pe->ev, sj->first + sj->n_rec - 1)->time_h;
        tmax = tmax > 0 ? tmax : 1;
        for (size_t g = 0; g < n_grid; g++)
            c->time_h[s * n_grid + g] = tmax * (double)g / (double)(n_grid - 1);
    }
    *out = c;
    return KETSIM_OK;
}

int ketsim_popest_curves_compute(ketsim_popest *pe, size_t n_grid, ketsim_popest_curves **out, ketsim_error *err)
{
    *out = NULL;
    if (!pe->have_final)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "popest diagnostics: no estimates yet (run the fit first)");
    if (n_grid < 2)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "popest diagnostics: a curve needs at least 2 grid points");
    ketsim_popest_curves *c = NULL;
    ketsim_events *g2 = NULL;
    size_t code[PE_MAX_ERR];
    curve_task *ct = calloc(1, sizeof *ct);
    ketsim_events_runner **runners = calloc(pe->n_th, sizeof *runners);
    int rc = !ct || !runners ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory") : KETSIM_OK;
    if (!rc)
        rc = curves_alloc(pe, n_grid, &c, err);
    if (!rc)
        rc = grid_events(pe, c, &g2, code, err);
    for (size_t k = 0; !rc && k < pe->n_th; k++)
        rc = ketsim_events_runner_create(g2, pe->th[k].w, 0, &runners[k], err);
    if (!rc && pe_unpack(pe, pe->x_final, &ct->par))
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "popest diagnostics: the final estimates give no positive-definite OMEGA");
    if (!rc) {
        *ct = (curve_task){.par = ct->par, .c = c, .g2 = g2, .runners = runners, .code = code};
        rc = pe_parallel(pe, curve_subject, ct, err);
    }
    for (size_t k = 0; runners && k < pe->n_th; k++)
        ketsim_events_runner_free(runners[k]);
    free(runners);
    free(ct);
    ketsim_events_free(g2);
    if (rc) {
        ketsim_popest_curves_free(c);
        return rc;
    }
    *out = c;
    return KETSIM_OK;
}

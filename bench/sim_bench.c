/* Per-subject cost of the default single infusion (racemic ketamine
 * 0.5 mg/kg IV over 40 min, 70 kg, 14 days), the solver's work counters, and
 * the cost of one right-hand side evaluation, so that the solver's own
 * overhead can be separated from the model's work.
 *
 *   sim_bench [REPEATS] [--newton auto|sparse|klu|block|dense] [--dense]
 *             [--grid dense|trial] [--tol-scale F] [--dump FILE.csv]
 *
 * --newton picks the Newton path (solver.h; --dense is --newton dense).
 * --grid dense: output every 10 min (2017 times, the default); trial: the
 * grid src/trial/run.c builds for bench/single_infusion.yaml (every 5 min to
 * 3 h for the peaks, then the visits at 1, 3, 7 and 14 days: 41 times).
 * --tol-scale F multiplies the relative tolerance (1e-6) and every absolute
 * tolerance by F (F = 1e-4: the tight reference solution).
 * Prints key=value lines on stdout; --dump writes t and the states (CSV). */
#include "ketsim/ketsim.h"
#include "sim/sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const ketsim_error *err)
{
    fprintf(stderr, "sim_bench: %s\n", err->msg);
    exit(1);
}

/* The trial layer's output times for one infusion and visits at 40 min,
 * 2 h, 1, 3, 7 and 14 days (src/trial/run.c: build_grid): the period
 * start, every 5 min to 3 h, and the visits, merged. */
static int trial_grid(double **times, size_t *n, ketsim_error *err)
{
    static const double visits_h[] = {24.0, 72.0, 168.0, 336.0}; /* 40 min and 2 h lie on the 5-min grid */
    size_t k = 0, cap = 1 + 36 + 4;
    double *t = malloc(cap * sizeof *t);
    if (!t)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    t[k++] = 0.0;
    for (int i = 1; i <= 36; i++)
        t[k++] = i * (5.0 / 60);
    for (size_t i = 0; i < sizeof visits_h / sizeof *visits_h; i++)
        t[k++] = visits_h[i];
    *times = t;
    *n = k;
    return KETSIM_OK;
}

static const char *const newton_names[] = {"auto", "sparse", "klu", "block", "dense"};

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 200;
    const char *dump = NULL;
    solver_newton newton = SOLVER_NEWTON_AUTO;
    int trial = 0;
    double tol_scale = 1.0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--dense") == 0)
            newton = SOLVER_NEWTON_DENSE;
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = argv[++i];
        else if (strcmp(argv[i], "--tol-scale") == 0 && i + 1 < argc)
            tol_scale = atof(argv[++i]);
        else if (strcmp(argv[i], "--grid") == 0 && i + 1 < argc)
            trial = strcmp(argv[++i], "trial") == 0;
        else if (strcmp(argv[i], "--newton") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            size_t k = 0;
            while (k < 5 && strcmp(name, newton_names[k]) != 0)
                k++;
            if (k == 5) {
                fprintf(stderr, "sim_bench: unknown --newton %s\n", name);
                return 2;
            }
            newton = (solver_newton)k;
        } else {
            fprintf(stderr, "sim_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (repeats < 1)
        repeats = 1;
    ketsim_error err = {0};
    ketsim_params *p = NULL;
    ketsim_catalog *cat = NULL;
    ketsim_model *m = NULL;
    ketsim_sim *sim = NULL;
    ketsim_regimen *reg = NULL;
    ketsim_trajectory *tr = NULL;
    const char *drugs[1] = {"ketamine"};
    ketsim_dose d;
    double *t = NULL;
    size_t nt = 0;
    if (ketsim_params_create(KETSIM_HUMAN, &p, &err) || ketsim_catalog_create(&cat, &err) ||
        ketsim_model_create(p, cat, drugs, 1, 70.0, &m, &err) || ketsim_sim_create(m, &sim, &err) ||
        ketsim_regimen_create(&reg, &err) || ketsim_dose_parse("iv:0.5mg/kg:40min", &d, &err) ||
        ketsim_regimen_add(reg, &d, &err) ||
        (trial ? trial_grid(&t, &nt, &err) : ketsim_grid_uniform(14 * 24.0, 1.0 / 6, &t, &nt, &err)))
        die(&err);
    size_t n = ketsim_model_n_states(m);
    solver *sol = sim_solver(sim);
    if (solver_set_newton(sol, newton, &err))
        die(&err);
    double *atol = malloc(n * sizeof *atol);
    if (!atol)
        return 1;
    ketsim_model_atol(m, atol);
    for (size_t i = 0; i < n; i++)
        atol[i] *= tol_scale;
    if (solver_set_tolerances(sol, 1e-6 * tol_scale, atol, &err))
        die(&err);
    if (tol_scale < 1)
        solver_set_max_steps(sol, 5000000);

    if (ketsim_sim_run(sim, reg, t, nt, &tr, &err)) /* warm-up */
        die(&err);
    /* the best of five rounds: the least disturbed by other load */
    double per_run = 1e30, t0;
    for (int round = 0; round < 5; round++) {
        t0 = now_s();
        for (int r = 0; r < repeats; r++)
            if (ketsim_sim_run(sim, reg, t, nt, &tr, &err))
                die(&err);
        double x = (now_s() - t0) / repeats;
        per_run = x < per_run ? x : per_run;
    }
    long steps, nfe, nje;
    ketsim_sim_stats(sim, &steps, &nfe, &nje);
    solver_stats st;
    solver_get_stats(sim_solver(sim), &st);

    /* One RHS evaluation, timed over the states the solve visits (at least
     * 100000 calls a round, whatever the grid). */
    double *dy = malloc(n * sizeof *dy);
    long calls = 0;
    double sink = 0;
    double per_rhs = 1e30;
    int sweeps = (int)(100000 / nt) + 1;
    for (int round = 0; round < 5; round++) {
        calls = 0;
        t0 = now_s();
        for (int r = 0; r < sweeps; r++)
            for (size_t i = 0; i < nt; i++, calls++) {
                ketsim_model_rhs(m, 0.0, ketsim_traj_state(tr, i), dy);
                sink += dy[n - 1];
            }
        double x = (now_s() - t0) / (double)calls;
        per_rhs = x < per_rhs ? x : per_rhs;
    }

    /* model work: every right-hand side, the Jacobian's difference quotients included */
    long all_rhs = nfe + st.jac_rhs_evals;
    solver_pattern_info pi;
    solver_get_pattern_info(sol, &pi);
    printf("newton=%s\ngrid=%s\nrtol=%.3g\nn_states=%zu\nn_times=%zu\nrepeats=%d\nper_subject_ms=%.4f\n"
           "steps=%ld\nrhs_evals=%ld\njac_evals=%ld\njac_rhs_evals=%ld\nlin_setups=%ld\nper_rhs_ns=%.1f\n"
           "rhs_work_ms=%.4f\noverhead_ratio=%.2f\npattern_nnz=%zu\ncolour_groups=%zu\nblocks=%zu\n"
           "largest_block=%zu\n",
           newton_names[solver_get_newton(sol)], trial ? "trial" : "dense", 1e-6 * tol_scale, n, nt, repeats,
           per_run * 1e3, steps, nfe, nje, st.jac_rhs_evals, st.lin_setups, per_rhs * 1e9, all_rhs * per_rhs * 1e3,
           per_run / (all_rhs * per_rhs), pi.nnz, pi.n_groups, pi.n_blocks, pi.largest_block);
    if (sink != sink)
        return 1; /* keeps the timed loop from being optimised away */
    if (dump) {
        FILE *f = fopen(dump, "w");
        if (!f)
            return 1;
        for (size_t i = 0; i < nt; i++) {
            fprintf(f, "%.17g", ketsim_traj_time(tr, i));
            for (size_t k = 0; k < n; k++)
                fprintf(f, ",%.17g", ketsim_traj_state(tr, i)[k]);
            fputc('\n', f);
        }
        fclose(f);
    }
    free(dy);
    free(atol);
    free(t);
    ketsim_traj_free(tr);
    ketsim_regimen_free(reg);
    ketsim_sim_free(sim);
    ketsim_model_free(m);
    ketsim_catalog_free(cat);
    ketsim_params_free(p);
    return 0;
}

/* The per-subject loop of a trial allocates nothing once a worker is set up:
 * drawing a subject, writing its parameters, updating the model, building
 * the regimen and solving all reuse the worker's memory.  Checked by counting
 * calls to malloc, calloc and realloc (every library, SUNDIALS included) with
 * this program's own definitions, which forward to the C library's.  Skipped
 * under the address sanitizer, which owns malloc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>

#include "ketsim/ketsim.h"
#include "ketsim/population.h"

#if defined(__SANITIZE_ADDRESS__)
#define COUNTING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNTING 0
#endif
#endif
#ifndef COUNTING
#define COUNTING 1
#endif

static long n_allocs;

#if COUNTING
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

void *malloc(size_t n)
{
    n_allocs++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    n_allocs++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    n_allocs++;
    return __libc_realloc(p, n);
}

void free(void *p) { __libc_free(p); }
#endif

typedef struct worker {
    ketsim_params *base, *work;
    ketsim_catalog *cat;
    ketsim_model *model;
    ketsim_sim *sim;
    ketsim_regimen *reg;
    ketsim_trajectory *traj;
    ketsim_pop pop;
} worker;

/* One subject as the trial layer runs it (src/trial/run.c). */
static void one_subject(worker *w, uint64_t id, const double *grid, size_t n)
{
    ketsim_error err = {0};
    ketsim_patient s;
    ketsim_pop_draw(&w->pop, 42, id, 22, &s);
    assert_int_equal(ketsim_pop_apply(&w->pop, &s, w->work, &err), 0);
    assert_int_equal(ketsim_model_update(w->model, w->work, s.weight_kg, &err), 0);
    ketsim_regimen_clear(w->reg);
    ketsim_dose d = {.route = KETSIM_ROUTE_IV, .amount = 0.5, .per_kg = 1, .duration_h = 40.0 / 60, .time_h = 0};
    assert_int_equal(ketsim_regimen_add(w->reg, &d, &err), 0);
    d.time_h = 168;
    assert_int_equal(ketsim_regimen_add(w->reg, &d, &err), 0);
    assert_int_equal(ketsim_sim_run(w->sim, w->reg, grid, n, &w->traj, &err), 0);
}

static void test_no_allocation_per_subject(void **state)
{
    (void)state;
    if (!COUNTING)
        skip();
    worker w = {0};
    ketsim_error err = {0};
    const char *drugs[1] = {"ketamine"};
    assert_int_equal(ketsim_params_create(KETSIM_HUMAN, &w.base, &err), 0);
    assert_int_equal(ketsim_params_clone(w.base, &w.work, &err), 0);
    assert_int_equal(ketsim_catalog_create(&w.cat, &err), 0);
    assert_int_equal(ketsim_pop_init(&w.pop, w.base, &err), 0);
    assert_int_equal(ketsim_model_create(w.base, w.cat, drugs, 1, 70, &w.model, &err), 0);
    assert_int_equal(ketsim_sim_create(w.model, &w.sim, &err), 0);
    assert_int_equal(ketsim_regimen_create(&w.reg, &err), 0);
    double grid[64];
    for (size_t i = 0; i < 64; i++)
        grid[i] = 5.3 * (double)i;
    one_subject(&w, 0, grid, 64); /* warm-up: buffers reach their size */
    long before = n_allocs;
    for (uint64_t id = 1; id <= 20; id++)
        one_subject(&w, id, grid, 64);
    long during = n_allocs - before;
    assert_true(n_allocs > 0); /* the counter sees the library's allocations */
    if (during != 0)
        fail_msg("%ld allocations in 20 subjects", during);
    ketsim_traj_free(w.traj);
    ketsim_regimen_free(w.reg);
    ketsim_sim_free(w.sim);
    ketsim_model_free(w.model);
    ketsim_catalog_free(w.cat);
    ketsim_params_free(w.work);
    ketsim_params_free(w.base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_no_allocation_per_subject)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

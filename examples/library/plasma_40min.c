/* The smallest complete program against libketsim (docs/library.md): one
 * 70 kg adult, ketamine 0.5 mg/kg infused over 40 minutes, through the
 * public subject API; it prints the plasma concentration at the end of the
 * infusion.  Build it against an installed ketsim with
 *
 *     cc plasma_40min.c $(pkg-config --cflags --libs ketsim) -o plasma_40min
 *
 * The install test (tests/install_check.cmake) builds and runs this file,
 * linked both to libketsim.so and to libketsim.a. */
#include <ketsim/ketsim.h>
#include <stdio.h>

int main(void)
{
    ketsim_error err = {0};
    ketsim_params *params = NULL;
    ketsim_catalog *catalog = NULL;
    ketsim_subject_worker *worker = NULL;
    ketsim_regimen *regimen = NULL;
    const char *const drugs[] = {"ketamine"};   /* the drugs this worker may give */
    const double times_h[] = {0.0, 40.0 / 60.0};
    const ketsim_trajectory *traj = NULL;       /* owned by the worker */
    ketsim_dose dose;

    /* each step runs only if the ones before it succeeded; err says why not */
    int rc = ketsim_params_create(KETSIM_HUMAN, &params, &err);
    if (!rc)
        rc = ketsim_catalog_create(&catalog, &err);
    if (!rc)
        rc = ketsim_subject_worker_create(params, catalog, drugs, 1, &worker, &err);
    if (!rc)
        rc = ketsim_regimen_create(&regimen, &err);
    if (!rc)
        rc = ketsim_dose_parse("iv:0.5mg/kg:40min", &dose, &err);
    if (!rc)
        rc = ketsim_regimen_add(regimen, &dose, &err);
    if (!rc) {
        ketsim_subject_input in = {
            .weight_kg = 70.0, .regimen = regimen, .times_h = times_h, .n_times = 2};
        rc = ketsim_subject_run(worker, &in, &traj, &err);
    }
    long k = ketsim_output_index("plasma_ketamine_ng_per_ml");
    if (!rc && k < 0)
        rc = KETSIM_FAIL(&err, KETSIM_EINTERNAL, "no output plasma_ketamine_ng_per_ml");
    if (!rc)
        printf("plasma ketamine at 40 min: %.17g ng/mL\n", ketsim_traj_output(traj, 1, (size_t)k));
    else
        fprintf(stderr, "plasma_40min: %s\n", err.msg);

    ketsim_regimen_free(regimen);
    ketsim_subject_worker_free(worker);
    ketsim_catalog_free(catalog);
    ketsim_params_free(params);
    return rc ? 1 : 0;
}

/* ketsim simulate's outputs: a trajectory as wide CSV (one row per time, one
 * column per output) or JSON (one array per output). */
#include "ketsim/formats.h"
#include "json_out.h"
#include "stream.h"

int ketsim_traj_write_csv(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols,
                          ketsim_error *err)
{
    for (size_t k = 0; k < n_cols; k++) {
        if (k)
            fputc(',', fp);
        ketsim_csv_field(fp, ketsim_traj_output_info(t, cols[k])->name);
    }
    fputc('\n', fp);
    for (size_t i = 0; i < ketsim_traj_n_times(t); i++) {
        for (size_t k = 0; k < n_cols; k++) {
            if (k)
                fputc(',', fp);
            /* 10 significant digits, as in the JSON */
            fprintf(fp, "%.10g", ketsim_traj_output(t, i, cols[k]));
        }
        fputc('\n', fp);
    }
    return formats_stream_status(fp, "the trajectory CSV", err);
}

int ketsim_traj_write_json(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols,
                           const char *species, const char *drug, double weight_kg, ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "species", species, &bad);
    fj_set_str(root, "drug", drug, &bad);
    fj_set_num(root, "weight_kg", weight_kg, &bad);
    json_t *units = fj_set_object(root, "units", &bad);
    for (size_t k = 0; k < n_cols; k++)
        fj_set_str(units, ketsim_traj_output_info(t, cols[k])->name, ketsim_traj_output_info(t, cols[k])->unit, &bad);
    json_t *series = fj_set_object(root, "series", &bad);
    for (size_t k = 0; k < n_cols && !bad; k++) {
        json_t *a = fj_set_array(series, ketsim_traj_output_info(t, cols[k])->name, &bad);
        for (size_t i = 0; i < ketsim_traj_n_times(t); i++)
            fj_push_num(a, ketsim_traj_output(t, i, cols[k]), &bad);
    }
    return fj_dump(root, bad, fp, err);
}

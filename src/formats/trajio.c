#include "trajio.h"

#include <math.h>

void trajio_json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

/* %.10g keeps 10 significant digits: far below any model's accuracy, and
 * stable across platforms for the same binary result. */
static void number(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.10g", v);
    else
        fputs("null", fp);
}

void trajio_write_csv(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols)
{
    for (size_t k = 0; k < n_cols; k++)
        fprintf(fp, "%s%s", k ? "," : "", ketsim_traj_output_info(t, cols[k])->name);
    fputc('\n', fp);
    for (size_t i = 0; i < ketsim_traj_n_times(t); i++) {
        for (size_t k = 0; k < n_cols; k++) {
            if (k)
                fputc(',', fp);
            fprintf(fp, "%.10g", ketsim_traj_output(t, i, cols[k]));
        }
        fputc('\n', fp);
    }
}

void trajio_write_json(FILE *fp, const ketsim_trajectory *t, const size_t *cols, size_t n_cols,
                       const char *species, const char *drug, double weight_kg)
{
    fputs("{\n  \"species\": ", fp);
    trajio_json_string(fp, species);
    fputs(",\n  \"drug\": ", fp);
    trajio_json_string(fp, drug);
    fputs(",\n  \"weight_kg\": ", fp);
    number(fp, weight_kg);
    fputs(",\n  \"units\": {", fp);
    for (size_t k = 0; k < n_cols; k++) {
        fprintf(fp, "%s\n    ", k ? "," : "");
        trajio_json_string(fp, ketsim_traj_output_info(t, cols[k])->name);
        fputs(": ", fp);
        trajio_json_string(fp, ketsim_traj_output_info(t, cols[k])->unit);
    }
    fputs("\n  },\n  \"series\": {", fp);
    for (size_t k = 0; k < n_cols; k++) {
        fprintf(fp, "%s\n    ", k ? "," : "");
        trajio_json_string(fp, ketsim_traj_output_info(t, cols[k])->name);
        fputs(": [", fp);
        for (size_t i = 0; i < ketsim_traj_n_times(t); i++) {
            if (i)
                fputc(',', fp);
            number(fp, ketsim_traj_output(t, i, cols[k]));
        }
        fputc(']', fp);
    }
    fputs("\n  }\n}\n", fp);
}

/* ketsim simulate's outputs: a trajectory as wide CSV (one row per time, one
 * column per output) or JSON (one array per output). */
#include "ketsim/formats.h"
#include "json_out.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

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

/* ---- written as solved ------------------------------------------------- */

struct ketsim_traj_writer {
    FILE *fp;
    int json;
    const ketsim_model *m;
    size_t *cols, n_cols;
    char species[64], drug[128];
    double weight_kg;
    double *kept;          /* JSON: n_rows x n_cols values */
    size_t n_rows, cap_rows;
};

int ketsim_traj_writer_open(FILE *fp, int json, const ketsim_model *m, const size_t *cols, size_t n_cols,
                            const char *species, const char *drug, double weight_kg, ketsim_traj_writer **out,
                            ketsim_error *err)
{
    *out = NULL;
    ketsim_traj_writer *w = calloc(1, sizeof *w);
    size_t *c = malloc((n_cols ? n_cols : 1) * sizeof *c);
    if (!w || !c) {
        free(w);
        free(c);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    memcpy(c, cols, n_cols * sizeof *c);
    *w = (ketsim_traj_writer){.fp = fp, .json = json, .m = m, .cols = c, .n_cols = n_cols, .weight_kg = weight_kg};
    snprintf(w->species, sizeof w->species, "%s", species ? species : "");
    snprintf(w->drug, sizeof w->drug, "%s", drug ? drug : "");
    if (!json) {
        for (size_t k = 0; k < n_cols; k++) {
            if (k)
                fputc(',', fp);
            ketsim_csv_field(fp, ketsim_model_output(m, cols[k])->name);
        }
        fputc('\n', fp);
    }
    *out = w;
    return json ? KETSIM_OK : formats_stream_status(fp, "the trajectory CSV", err);
}

int ketsim_traj_writer_row(ketsim_traj_writer *w, const double *o, ketsim_error *err)
{
    if (!w->json) {
        for (size_t k = 0; k < w->n_cols; k++) {
            if (k)
                fputc(',', w->fp);
            fprintf(w->fp, "%.10g", o[w->cols[k]]); /* 10 significant digits, as in the JSON */
        }
        fputc('\n', w->fp);
        /* a full disk stops the run at once, not after the last step */
        return formats_stream_status(w->fp, "the trajectory CSV", err);
    }
    if (w->n_rows == w->cap_rows) {
        size_t cap = w->cap_rows ? 2 * w->cap_rows : 1024;
        double *k = realloc(w->kept, cap * (w->n_cols ? w->n_cols : 1) * sizeof *k);
        if (!k)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory for %zu output times", cap);
        w->kept = k;
        w->cap_rows = cap;
    }
    for (size_t k = 0; k < w->n_cols; k++)
        w->kept[w->n_rows * w->n_cols + k] = o[w->cols[k]];
    w->n_rows++;
    return KETSIM_OK;
}

/* The document of ketsim_traj_write_json, its numbers written one by one:
 * the head (species to units) is a jansson object, the series follow in
 * the same two-space layout, every key and number formatted by jansson. */
static int finish_json(ketsim_traj_writer *w, ketsim_error *err)
{
    int bad = 0;
    json_t *root = fj_root(&bad);
    fj_set_str(root, "species", w->species, &bad);
    fj_set_str(root, "drug", w->drug, &bad);
    fj_set_num(root, "weight_kg", w->weight_kg, &bad);
    json_t *units = fj_set_object(root, "units", &bad);
    for (size_t k = 0; k < w->n_cols; k++)
        fj_set_str(units, ketsim_model_output(w->m, w->cols[k])->name, ketsim_model_output(w->m, w->cols[k])->unit,
                   &bad);
    char *head = NULL;
    int rc = fj_dump_text(root, bad, &head, err);
    if (rc)
        return rc;
    /* reopen the object: drop its closing brace and the newline before it */
    size_t len = strlen(head);
    while (len > 0 && head[len - 1] != '}')
        len--;
    if (len > 0)
        len--;
    while (len > 0 && head[len - 1] == '\n')
        len--;
    fwrite(head, 1, len, w->fp);
    fj_free_text(head);
    fputs(",\n  \"series\": {\n", w->fp);
    char text[64];
    for (size_t k = 0; k < w->n_cols && !rc; k++) {
        fputs("    ", w->fp);
        rc = fj_string_text(ketsim_model_output(w->m, w->cols[k])->name, w->fp, err);
        fputs(w->n_rows ? ": [\n" : ": []", w->fp);
        for (size_t i = 0; i < w->n_rows && !rc; i++) {
            fj_number_text(w->kept[i * w->n_cols + k], text, sizeof text);
            fprintf(w->fp, "      %s%s\n", text, i + 1 < w->n_rows ? "," : "");
        }
        fprintf(w->fp, "%s%s\n", w->n_rows ? "    ]" : "", k + 1 < w->n_cols ? "," : "");
    }
    fputs("  }\n}\n", w->fp);
    return rc ? rc : formats_stream_status(w->fp, "the trajectory JSON", err);
}

int ketsim_traj_writer_finish(ketsim_traj_writer *w, ketsim_error *err)
{
    return w->json ? finish_json(w, err) : formats_stream_status(w->fp, "the trajectory CSV", err);
}

void ketsim_traj_writer_free(ketsim_traj_writer *w)
{
    if (!w)
        return;
    free(w->cols);
    free(w->kept);
    free(w);
}

/* ketsim simulate --dataset FILE: predictions for every observation record. */
#include "sim_extras.h"
#include "interrupt.h"
#include "output.h"
#include "results_db_cli.h"
#include "report_cli.h"
#include "ketsim/dataset.h"
#include "ketsim/model.h"
#include "ketsim/plot_results.h"
#include "ketsim/progress.h"
#include "ketsim/report_html.h"

#include <stdio.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void on_progress(size_t done, void *user)
{
    ketsim_progress_update(user, done);
}

/* The predictions as a results database (docs/formats.md). */
static int write_db(ketsim_results_db *db, const cli_subject *subj, const char *dataset, const ketsim_dataset *ds,
                    const double *pred, ketsim_error *err)
{
    int rc = ketsim_results_db_meta(db, "species", ketsim_species_name(subj->species), err);
    if (!rc)
        rc = ketsim_results_db_meta(db, "drug", subj->drug, err);
    if (!rc)
        rc = ketsim_results_db_data_file(db, dataset, "dataset", err);
    if (!rc)
        rc = ketsim_results_db_params(db, subj->params, NULL, 0, err);
    if (!rc)
        rc = ketsim_results_db_dataset(db, ketsim_dataset_events(ds), pred, err);
    if (!rc)
        return cli_results_db_commit(db, err);
    cli_results_db_abort(db);
    return rc;
}

/* Per output with observations: how far the predictions are from them. */
static int report_agreement(cli_report *r, const ketsim_events *ev, const double *pred, ketsim_error *err)
{
    static const char *const head[] = {"output", "observations", "mean observed", "mean predicted",
                                       "mean error (predicted - observed)", "RMSE"};
    size_t nr = ketsim_events_n_records(ev);
    size_t *codes = malloc((nr ? nr : 1) * sizeof *codes);
    if (!codes)
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    size_t n_codes = ketsim_events_valued_outputs(ev, codes);
    ketsim_html_section(&r->html, "Predictions against the observations");
    ketsim_html_text(&r->html, "Observation records with a DV (EVID 0, MDV 0, not below LLOQ); PRED is the "
                               "model's prediction for the record's subject (its doses and weight, no random "
                               "effects) at the record's time, in the output's unit.");
    ketsim_html_table_begin(&r->html, NULL, head, 6);
    for (size_t c = 0; c < n_codes; c++) {
        double n = 0, sdv = 0, spred = 0, serr = 0, sse = 0;
        for (size_t j = 0; j < nr; j++) {
            const ketsim_event *f = ketsim_events_record(ev, j);
            if (!ketsim_event_has_value(f) || f->output != codes[c])
                continue;
            n++, sdv += f->dv, spred += pred[j], serr += pred[j] - f->dv;
            sse += (pred[j] - f->dv) * (pred[j] - f->dv);
        }
        char cells[6][64];
        snprintf(cells[0], sizeof cells[0], "%s", ketsim_events_output_name(ev, codes[c]));
        snprintf(cells[1], sizeof cells[1], "%.0f", n);
        snprintf(cells[2], sizeof cells[2], "%.6g", sdv / n);
        snprintf(cells[3], sizeof cells[3], "%.6g", spred / n);
        snprintf(cells[4], sizeof cells[4], "%.6g", serr / n);
        snprintf(cells[5], sizeof cells[5], "%.6g", sqrt(sse / n));
        const char *row[6] = {cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]};
        ketsim_html_table_row(&r->html, row, KETSIM_HTML_PLAIN);
    }
    free(codes);
    ketsim_html_table_end(&r->html);
    return KETSIM_OK;
}

/* The page, complete but not yet committed. */
static int write_report(cli_report *r, const cli_subject *subj, const char *dataset, const ketsim_dataset *ds,
                        const double *pred, const char *command_line, ketsim_error *err)
{
    const ketsim_events *ev = ketsim_dataset_events(ds);
    int rc = ketsim_plot_dataset(cli_report_fig_dir(r), ev, pred, err);
    if (rc)
        return rc;
    cli_run_info info = {0};
    info.inputs[info.n_inputs++] = dataset;
    cli_report_begin(r, "ketsim simulate --dataset", command_line, &info);
    char text[3][32];
    snprintf(text[0], sizeof text[0], "%zu", ketsim_dataset_n_subjects(ds));
    snprintf(text[1], sizeof text[1], "%zu", ketsim_dataset_n_records(ds));
    snprintf(text[2], sizeof text[2], "%.6g", subj->weight_kg);
    ketsim_html_section(&r->html, "Dataset");
    ketsim_html_kv_begin(&r->html);
    ketsim_html_kv(&r->html, "file", dataset);
    ketsim_html_kv(&r->html, "species", ketsim_species_name(subj->species));
    ketsim_html_kv(&r->html, "drug", subj->drug);
    ketsim_html_kv(&r->html, "subjects", text[0]);
    ketsim_html_kv(&r->html, "records", text[1]);
    ketsim_html_kv(&r->html, "weight where WT is missing (kg)", text[2]);
    ketsim_html_kv_end(&r->html);
    cli_report_params(r, subj->params, "Overrides come from --params and --set.");
    rc = report_agreement(r, ev, pred, err);
    return rc ? rc : cli_report_figures(r, NULL, err);
}

int cli_simulate_dataset(const cli_subject *subj, const char *dataset, const char *out, const char *report,
                         int quiet, const char *command_line, ketsim_error *err)
{
    ketsim_dataset *ds = NULL;
    double *pred = NULL;
    ketsim_results_db *db = NULL;
    cli_file f;
    memset(&f, 0, sizeof f);
    /* the output is opened (and so checked) before the subjects are simulated */
    int is_db = out && cli_results_db_path(out);
    int rc = is_db ? cli_results_db_open(out, "simulate", command_line, 0, &db, err) : cli_file_open(&f, out, err);
    cli_report rep;
    if (!rc)
        rc = cli_report_open(&rep, report, 1, err);
    else
        memset(&rep, 0, sizeof rep);
    if (!rc)
        rc = ketsim_dataset_read(dataset, &ds, err);
    if (!rc) {
        ketsim_progress *bar = ketsim_progress_create(ketsim_dataset_n_subjects(ds), "subjects", quiet);
        rc = ketsim_dataset_predict(subj, ds, on_progress, bar, &pred, err);
        ketsim_progress_finish(bar);
    }
    if (cli_interrupted())
        cli_interrupt_wait();
    /* the page is complete before the predictions are committed, and
     * committed after them */
    if (!rc && report)
        rc = write_report(&rep, subj, dataset, ds, pred, command_line, err);
    if (db && rc) {
        cli_results_db_abort(db);
    } else if (db) {
        rc = write_db(db, subj, dataset, ds, pred, err); /* commits, or removes it on failure */
    } else {
        if (!rc)
            rc = ketsim_dataset_write_csv(cli_file_stream(&f), ds, pred, err);
        if (!rc)
            rc = cli_file_commit(&f, err);
        cli_file_abort(&f);
    }
    if (!rc)
        rc = cli_report_commit(&rep, err);
    cli_report_abort(&rep);
    free(pred);
    ketsim_dataset_free(ds);
    return rc;
}

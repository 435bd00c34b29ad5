/* Event tables: storage and the checks every record passes when it is added
 * (include/ketsim/events.h).  Simulation is in events_sim.c. */
#include "events_impl.h"
#include "ketsim/model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ketsim_events_create(const char *name, ketsim_events **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_events *ev = calloc(1, sizeof *ev);
    if (!ev || !(ev->name = strdup(name ? name : "events"))) {
        free(ev);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    *out = ev;
    return KETSIM_OK;
}

void ketsim_events_free(ketsim_events *ev)
{
    if (!ev)
        return;
    for (size_t k = 0; k < ev->n_cov; k++)
        free(ev->cov_name[k]);
    free(ev->rec);
    free(ev->subj);
    free(ev->seen);
    free(ev->seen_used);
    free(ev->extra_output);
    free(ev->name);
    free(ev);
}

int ketsim_events_set_covariates(ketsim_events *ev, const char *const *names, size_t n, ketsim_error *err)
{
    if (ev->n_rec)
        return KETSIM_FAIL(err, KETSIM_EINTERNAL, "%s: covariates must be named before records are added", ev->name);
    if (n > KETSIM_EVENTS_MAX_COV)
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: more than %d covariate columns", ev->name, KETSIM_EVENTS_MAX_COV);
    for (size_t k = 0; k < n; k++)
        if (!(ev->cov_name[k] = strdup(names[k])))
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    ev->n_cov = n;
    return KETSIM_OK;
}

int ketsim_events_output_code(ketsim_events *ev, const char *name, size_t *code, ketsim_error *err)
{
    long k = ketsim_output_index(name);
    if (k >= 0) {
        *code = (size_t)k;
        return KETSIM_OK;
    }
    if (!ketsim_output_is_compound_form(name) || strlen(name) >= sizeof ev->extra_output[0])
        return KETSIM_FAIL(err, KETSIM_EINPUT, "unknown output '%s' (see ketsim outputs)", name);
    for (size_t i = 0; i < ev->n_extra_output; i++)
        if (strcmp(ev->extra_output[i], name) == 0) {
            *code = ketsim_n_outputs() + i;
            return KETSIM_OK;
        }
    if (ev->n_extra_output == ev->cap_extra_output) {
        size_t cap = ev->cap_extra_output ? 2 * ev->cap_extra_output : 8;
        char (*a)[96] = realloc(ev->extra_output, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        ev->extra_output = a, ev->cap_extra_output = cap;
    }
    snprintf(ev->extra_output[ev->n_extra_output], sizeof ev->extra_output[0], "%s", name);
    *code = ketsim_n_outputs() + ev->n_extra_output++;
    return KETSIM_OK;
}

const char *ketsim_events_output_name(const ketsim_events *ev, size_t code)
{
    size_t nf = ketsim_n_outputs();
    if (code < nf)
        return ketsim_output(code)->name;
    return code - nf < ev->n_extra_output ? ev->extra_output[code - nf] : "?";
}

size_t ketsim_events_n_covariates(const ketsim_events *ev) { return ev->n_cov; }
const char *ketsim_events_covariate_name(const ketsim_events *ev, size_t k) { return ev->cov_name[k]; }
const char *ketsim_events_name(const ketsim_events *ev) { return ev->name; }
size_t ketsim_events_n_records(const ketsim_events *ev) { return ev->n_rec; }
const ketsim_event *ketsim_events_record(const ketsim_events *ev, size_t i) { return &ev->rec[i]; }
size_t ketsim_events_n_subjects(const ketsim_events *ev) { return ev->n_subj; }

void ketsim_events_subject(const ketsim_events *ev, size_t s, size_t *first, size_t *n)
{
    *first = ev->subj[s].first;
    *n = ev->subj[s].n;
}

static double column_value(const ketsim_event *r, int col)
{
    return col < 0 ? r->wt_kg : r->cov[col];
}

double ketsim_events_value_at(const ketsim_events *ev, size_t s, size_t rec, int col)
{
    size_t first = ev->subj[s].first, end = first + ev->subj[s].n;
    double v = NAN;
    for (size_t i = first; i < end && (i <= rec || isnan(v)); i++) {
        double x = column_value(&ev->rec[i], col);
        if (!isnan(x))
            v = x; /* carried forward; the first value also back to the first record */
    }
    return v;
}

size_t ketsim_events_subject_changes(const ketsim_events *ev, size_t s, const int *cols, size_t n_cols,
                                     size_t *recs)
{
    size_t first = ev->subj[s].first, end = first + ev->subj[s].n, n = 0;
    double last[KETSIM_EVENTS_MAX_COV + 1];
    for (size_t c = 0; c < n_cols; c++)
        last[c] = ketsim_events_value_at(ev, s, first, cols[c]);
    recs[n++] = first;
    for (size_t i = first + 1; i < end; i++) {
        int changed = 0;
        for (size_t c = 0; c < n_cols; c++) {
            double x = column_value(&ev->rec[i], cols[c]);
            if (!isnan(x) && x != last[c])
                last[c] = x, changed = 1;
        }
        if (!changed)
            continue;
        /* several changes at one time make one piece, with the values of the
         * last record there: a piece never has zero length */
        if (ev->rec[i].time_h == ev->rec[recs[n - 1]].time_h)
            recs[n - 1] = i;
        else
            recs[n++] = i;
    }
    return n;
}

int ketsim_event_is_prediction(const ketsim_event *r)
{
    return r->evid == KETSIM_EVID_OBS || r->evid == KETSIM_EVID_OTHER;
}

int ketsim_event_is_fitted(const ketsim_event *r)
{
    return r->evid == KETSIM_EVID_OBS && !r->mdv;
}

int ketsim_event_has_value(const ketsim_event *r)
{
    return ketsim_event_is_fitted(r) && !r->blq;
}

size_t ketsim_events_valued_outputs(const ketsim_events *ev, size_t *codes)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->n_rec; i++) {
        const ketsim_event *e = &ev->rec[i];
        size_t k = 0;
        while (k < n && codes[k] != e->output)
            k++;
        if (k == n && ketsim_event_has_value(e))
            codes[n++] = e->output;
    }
    return n;
}

double ketsim_event_duration_h(const ketsim_event *r)
{
    if (r->rate_mg_per_h > 0)
        return r->amt_mg / r->rate_mg_per_h;
    if (r->rate_mg_per_h == -2)
        return r->dur_h;
    return 0;
}

/* "NAME:LINE" of a record, or "NAME: record N" for one built in memory. */
static const char *where(const ketsim_events *ev, const ketsim_event *r, char *buf, size_t size)
{
    if (r->line > 0)
        snprintf(buf, size, "%s:%ld", ev->name, r->line);
    else
        snprintf(buf, size, "%s: record %zu", ev->name, ev->n_rec + 1);
    return buf;
}

#define BAD(...) KETSIM_FAIL(err, KETSIM_EINPUT, __VA_ARGS__)

static int check_dose(const ketsim_events *ev, const ketsim_event *r, ketsim_error *err)
{
    char w[600];
    where(ev, r, w, sizeof w);
    ketsim_route route;
    if (r->cmt == 0)
        return BAD("%s: a dose record needs a CMT column (1 iv, 2 po, 3 in, 4 im, 5 sc, 6 ip, 7 icv)", w);
    if (ketsim_route_from_cmt(r->cmt, &route))
        return BAD("%s: column CMT: unknown compartment %ld (1 iv, 2 po, 3 in, 4 im, 5 sc, 6 ip, 7 icv)", w, r->cmt);
    if (r->rate_mg_per_h == -1)
        return BAD("%s: column RATE: -1 (modelled rate) is not supported; use -2 with a DUR column", w);
    if (r->rate_mg_per_h < 0 && r->rate_mg_per_h != -2)
        return BAD("%s: column RATE: %g is not a rate (>0 mg/h, 0 bolus, -2 duration from DUR)", w, r->rate_mg_per_h);
    if (r->rate_mg_per_h == -2 && !(r->dur_h > 0))
        return BAD("%s: column DUR: RATE=-2 needs a positive DUR in hours", w);
    int const_infusion = r->ss > 0 && r->rate_mg_per_h > 0 && r->ii_h == 0;
    if (!(r->amt_mg > 0) && !const_infusion)
        return BAD("%s: column AMT: a dose needs a positive amount in mg", w);
    if (r->addl > 0 && !(r->ii_h > 0))
        return BAD("%s: column II: ADDL=%ld needs a positive dosing interval II", w, r->addl);
    if (r->ss > 0 && !(r->ii_h > 0) && !const_infusion)
        return BAD("%s: column II: SS=%ld needs II > 0, or RATE > 0 with II = 0 for a constant infusion", w,
                   (long)r->ss);
    if (const_infusion && r->addl > 0)
        return BAD("%s: column ADDL: a constant steady-state infusion (II = 0) cannot repeat", w);
    return KETSIM_OK;
}

static int check_record(const ketsim_events *ev, const ketsim_event *r, ketsim_error *err)
{
    char w[600];
    where(ev, r, w, sizeof w);
    if (!isfinite(r->time_h) || !isfinite(r->id))
        return BAD("%s: ID and TIME must be finite numbers", w);
    if (r->evid < 0 || r->evid > 4)
        return BAD("%s: column EVID: %d is not 0 (observation), 1 (dose), 2 (other), 3 (reset) or 4 (reset and dose)",
                   w, r->evid);
    if (r->mdv < 0 || r->mdv > 1)
        return BAD("%s: column MDV: %d is not 0 or 1", w, r->mdv);
    if (r->amt_mg < 0)
        return BAD("%s: column AMT: negative amount %g", w, r->amt_mg);
    if (r->ss < 0 || r->ss > 2)
        return BAD("%s: column SS: %d is not 0, 1 or 2", w, r->ss);
    if (r->ii_h < 0)
        return BAD("%s: column II: negative interval %g", w, r->ii_h);
    if (r->addl < 0)
        return BAD("%s: column ADDL: negative count %ld", w, r->addl);
    if (r->addl > 100000)
        return BAD("%s: column ADDL: %ld additional doses is too many (max 100000)", w, r->addl);
    if (!isnan(r->wt_kg) && !(r->wt_kg >= 0.005 && r->wt_kg <= 500))
        return BAD("%s: column WT: %g is not a weight in kg between 0.005 and 500", w, r->wt_kg);
    if (!isnan(r->lloq) && !(r->lloq >= 0 && isfinite(r->lloq)))
        return BAD("%s: column LLOQ: %g is not a limit >= 0", w, r->lloq);
    if (r->output == 0 || r->output >= ketsim_n_outputs() + ev->n_extra_output)
        if (ketsim_event_is_prediction(r))
            return BAD("%s: column OUTPUT: no such output (code %zu)", w, r->output);
    if (r->blq && r->evid != KETSIM_EVID_OBS)
        return BAD("%s: column BLQ: only an observation (EVID 0) can be below the limit of quantification", w);
    if (r->evid == KETSIM_EVID_DOSE || r->evid == KETSIM_EVID_RESET_DOSE)
        return check_dose(ev, r, err);
    return KETSIM_OK;
}

/* IDs already closed, in an open-addressing hash of their bit patterns, so
 * that checking a new ID costs O(1) whatever the number of subjects. */
static uint64_t id_bits(double id)
{
    uint64_t b;
    id = id == 0 ? 0.0 : id; /* -0 and 0 are one ID */
    memcpy(&b, &id, sizeof b);
    return b;
}

static size_t id_slot(uint64_t b, size_t cap)
{
    uint64_t h = b * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 17) & (cap - 1);
}

static int seen_grow(ketsim_events *ev, ketsim_error *err)
{
    size_t cap = ev->cap_seen ? 2 * ev->cap_seen : 64;
    uint64_t *t = calloc(cap, sizeof *t);
    unsigned char *used = calloc(cap, 1);
    if (!t || !used) {
        free(t), free(used);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < ev->cap_seen; i++)
        if (ev->seen_used[i]) {
            size_t j = id_slot(ev->seen[i], cap);
            while (used[j])
                j = (j + 1) & (cap - 1);
            t[j] = ev->seen[i], used[j] = 1;
        }
    free(ev->seen);
    free(ev->seen_used);
    ev->seen = t, ev->seen_used = used, ev->cap_seen = cap;
    return KETSIM_OK;
}

static int seen_has(const ketsim_events *ev, uint64_t b)
{
    if (!ev->cap_seen)
        return 0;
    for (size_t j = id_slot(b, ev->cap_seen); ev->seen_used[j]; j = (j + 1) & (ev->cap_seen - 1))
        if (ev->seen[j] == b)
            return 1;
    return 0;
}

static int seen_add(ketsim_events *ev, uint64_t b, ketsim_error *err)
{
    if (2 * (ev->n_seen + 1) > ev->cap_seen) {
        int rc = seen_grow(ev, err);
        if (rc)
            return rc;
    }
    size_t j = id_slot(b, ev->cap_seen);
    while (ev->seen_used[j])
        j = (j + 1) & (ev->cap_seen - 1);
    ev->seen[j] = b, ev->seen_used[j] = 1, ev->n_seen++;
    return KETSIM_OK;
}

/* Place the record in its subject: IDs are contiguous, time never decreases. */
static int place(ketsim_events *ev, const ketsim_event *r, ketsim_error *err)
{
    char w[600];
    where(ev, r, w, sizeof w);
    if (ev->n_subj && id_bits(ev->rec[ev->subj[ev->n_subj - 1].first].id) == id_bits(r->id)) {
        const ketsim_event *prev = &ev->rec[ev->n_rec - 1];
        if (r->time_h < prev->time_h)
            return BAD("%s: column TIME: %g is before the previous record's %g for ID %g", w, r->time_h,
                       prev->time_h, r->id);
        ev->subj[ev->n_subj - 1].n++;
        return KETSIM_OK;
    }
    if (seen_has(ev, id_bits(r->id)))
        return BAD("%s: column ID: %g appears again after other IDs (keep each ID's records together)", w, r->id);
    int rc = seen_add(ev, id_bits(r->id), err);
    if (rc)
        return rc;
    if (ev->n_subj == ev->cap_subj) {
        size_t cap = ev->cap_subj ? 2 * ev->cap_subj : 16;
        events_subject *a = realloc(ev->subj, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        ev->subj = a, ev->cap_subj = cap;
    }
    ev->subj[ev->n_subj++] = (events_subject){ev->n_rec, 1};
    return KETSIM_OK;
}

int ketsim_events_add(ketsim_events *ev, const ketsim_event *r, ketsim_error *err)
{
    int rc = check_record(ev, r, err);
    if (rc)
        return rc;
    if (ev->n_rec == ev->cap_rec) {
        size_t cap = ev->cap_rec ? 2 * ev->cap_rec : 64;
        ketsim_event *a = realloc(ev->rec, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
        ev->rec = a, ev->cap_rec = cap;
    }
    rc = place(ev, r, err);
    if (rc)
        return rc;
    ev->rec[ev->n_rec++] = *r;
    return KETSIM_OK;
}

/* Reading and writing NONMEM-style datasets (docs/dataset.md). */
#include "sim/dataset_impl.h"
#include "ketsim/model.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Columns the reader interprets; every other column is carried through. */
enum col { C_ID, C_TIME, C_AMT, C_RATE, C_DUR, C_CMT, C_EVID, C_II, C_ADDL, C_SS, C_MDV, C_DV,
           C_WT, C_OUTPUT, N_KNOWN };
static const char *const known_names[N_KNOWN] = {"ID", "TIME", "AMT", "RATE", "DUR", "CMT", "EVID",
                                                 "II", "ADDL", "SS", "MDV", "DV", "WT", "OUTPUT"};

typedef struct reader {
    ketsim_dataset *ds;
    long col[N_KNOWN];      /* column index of each known name, -1 if absent */
    long line;
    ketsim_error *err;
} reader;

int ketsim_dataset_cmt_route(long cmt, ketsim_route *route)
{
    static const ketsim_route map[] = {KETSIM_ROUTE_IV, KETSIM_ROUTE_PO, KETSIM_ROUTE_IN,
                                       KETSIM_ROUTE_IM, KETSIM_ROUTE_SC, KETSIM_ROUTE_IP};
    if (cmt < 1 || cmt > 6)
        return -1;
    *route = map[cmt - 1];
    return 0;
}

double ds_dose_duration_h(const ds_record *r)
{
    if (r->rate_mg_per_h > 0)
        return r->amt_mg / r->rate_mg_per_h;
    if (r->rate_mg_per_h == -2)
        return r->dur_h;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Split a line on commas in place; returns the number of cells or -1 if more than max. */
static long split_cells(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (n == max)
            return -1;
        cells[n++] = trim(p);
        if (!c)
            return (long)n;
        p = c + 1;
    }
}

static int parse_header(reader *rd, char *line)
{
    ketsim_dataset *ds = rd->ds;
    size_t max = strlen(line) + 1;
    char **cells = malloc(max * sizeof *cells);
    ds->header_text = line;
    if (!cells)
        return KETSIM_FAIL(rd->err, KETSIM_ENOMEM, "out of memory");
    long n = split_cells(line, cells, max);
    ds->header = cells;
    ds->n_cols = (size_t)n;
    for (int k = 0; k < N_KNOWN; k++)
        rd->col[k] = -1;
    for (long j = 0; j < n; j++) {
        if (!cells[j][0])
            return KETSIM_FAIL(rd->err, KETSIM_EINPUT, "%s:%ld: column %ld has an empty name", ds->name, rd->line, j + 1);
        for (long i = 0; i < j; i++)
            if (strcasecmp(cells[i], cells[j]) == 0)
                return KETSIM_FAIL(rd->err, KETSIM_EINPUT, "%s:%ld: column '%s' appears twice", ds->name, rd->line, cells[j]);
        for (int k = 0; k < N_KNOWN; k++)
            if (strcasecmp(cells[j], known_names[k]) == 0)
                rd->col[k] = j;
    }
    static const int required[] = {C_ID, C_TIME, C_AMT};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (rd->col[required[k]] < 0)
            return KETSIM_FAIL(rd->err, KETSIM_EINPUT, "%s:%ld: required column %s is missing (the header needs ID, TIME and AMT)",
                               ds->name, rd->line, known_names[required[k]]);
    ds->col_id = rd->col[C_ID];
    ds->col_time = rd->col[C_TIME];
    ds->col_output = rd->col[C_OUTPUT];
    return KETSIM_OK;
}

/* A cell's number.  "." and "" are NONMEM's missing value: *missing = 1, value 0. */
static int cell_number(reader *rd, ds_record *r, int k, int integer, double *v, int *missing)
{
    *v = 0;
    if (missing)
        *missing = 1;
    if (rd->col[k] < 0)
        return KETSIM_OK;
    const char *s = r->cells[rd->col[k]];
    if (!*s || strcmp(s, ".") == 0) {
        if (k == C_ID || k == C_TIME)
            return KETSIM_FAIL(rd->err, KETSIM_EINPUT, "%s:%ld: column %s: a value is required", rd->ds->name, rd->line, known_names[k]);
        return KETSIM_OK;
    }
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || errno || !isfinite(x) || (integer && x != floor(x)))
        return KETSIM_FAIL(rd->err, KETSIM_EINPUT, "%s:%ld: column %s: '%s' is not %s", rd->ds->name, rd->line,
                           known_names[k], s, integer ? "an integer" : "a number");
    *v = x;
    if (missing)
        *missing = 0;
    return KETSIM_OK;
}

static int read_numbers(reader *rd, ds_record *r)
{
    double cmt, evid, addl, ss, mdv, dv;
    int rc = 0, evid_missing, wt_missing;
    rc = rc ? rc : cell_number(rd, r, C_ID, 0, &r->id, NULL);
    rc = rc ? rc : cell_number(rd, r, C_TIME, 0, &r->time_h, NULL);
    rc = rc ? rc : cell_number(rd, r, C_AMT, 0, &r->amt_mg, NULL);
    rc = rc ? rc : cell_number(rd, r, C_RATE, 0, &r->rate_mg_per_h, NULL);
    rc = rc ? rc : cell_number(rd, r, C_DUR, 0, &r->dur_h, NULL);
    rc = rc ? rc : cell_number(rd, r, C_CMT, 1, &cmt, NULL);
    rc = rc ? rc : cell_number(rd, r, C_EVID, 1, &evid, &evid_missing);
    rc = rc ? rc : cell_number(rd, r, C_II, 0, &r->ii_h, NULL);
    rc = rc ? rc : cell_number(rd, r, C_ADDL, 1, &addl, NULL);
    rc = rc ? rc : cell_number(rd, r, C_SS, 1, &ss, NULL);
    rc = rc ? rc : cell_number(rd, r, C_MDV, 1, &mdv, NULL);
    rc = rc ? rc : cell_number(rd, r, C_DV, 0, &dv, NULL);
    rc = rc ? rc : cell_number(rd, r, C_WT, 0, &r->wt_kg, &wt_missing);
    if (rc)
        return rc;
    /* Without EVID, a record with an amount is a dose (NONMEM's default). */
    if (evid_missing)
        evid = r->amt_mg > 0 ? DS_DOSE : DS_OBS;
    if (fabs(cmt) > 1e6 || fabs(evid) > 1e6 || fabs(addl) > 1e6 || fabs(ss) > 1e6)
        return KETSIM_FAIL(rd->err, KETSIM_EINPUT, "%s:%ld: CMT, EVID, ADDL or SS out of range", rd->ds->name, rd->line);
    r->cmt = (long)cmt, r->evid = (long)evid, r->addl = (long)addl, r->ss = (long)ss;
    r->has_wt = !wt_missing;
    return KETSIM_OK;
}

#define BAD(...) KETSIM_FAIL(rd->err, KETSIM_EINPUT, __VA_ARGS__)

static int check_dose(reader *rd, const ds_record *r)
{
    const char *f = rd->ds->name;
    long ln = rd->line;
    ketsim_route route;
    if (rd->col[C_CMT] < 0)
        return BAD("%s:%ld: a dose record needs a CMT column (1 iv, 2 po, 3 in, 4 im, 5 sc, 6 ip)", f, ln);
    if (ketsim_dataset_cmt_route(r->cmt, &route))
        return BAD("%s:%ld: column CMT: unknown compartment %ld (1 iv, 2 po, 3 in, 4 im, 5 sc, 6 ip)", f, ln, r->cmt);
    if (r->rate_mg_per_h == -1)
        return BAD("%s:%ld: column RATE: -1 (modelled rate) is not supported; use -2 with a DUR column", f, ln);
    if (r->rate_mg_per_h < 0 && r->rate_mg_per_h != -2)
        return BAD("%s:%ld: column RATE: %g is not a rate (>0 mg/h, 0 bolus, -2 duration from DUR)", f, ln, r->rate_mg_per_h);
    if (r->rate_mg_per_h == -2 && !(r->dur_h > 0))
        return BAD("%s:%ld: column DUR: RATE=-2 needs a positive DUR in hours", f, ln);
    int const_infusion = r->ss > 0 && r->rate_mg_per_h > 0 && r->ii_h == 0;
    if (!(r->amt_mg > 0) && !const_infusion)
        return BAD("%s:%ld: column AMT: a dose needs a positive amount in mg", f, ln);
    if (r->addl > 0 && !(r->ii_h > 0))
        return BAD("%s:%ld: column II: ADDL=%ld needs a positive dosing interval II", f, ln, r->addl);
    if (r->ss > 0 && !(r->ii_h > 0) && !const_infusion)
        return BAD("%s:%ld: column II: SS=%ld needs II > 0, or RATE > 0 with II = 0 for a constant infusion", f, ln, r->ss);
    if (const_infusion && r->addl > 0)
        return BAD("%s:%ld: column ADDL: a constant steady-state infusion (II = 0) cannot repeat", f, ln);
    return KETSIM_OK;
}

static int check_record(reader *rd, const ds_record *r)
{
    const char *f = rd->ds->name;
    long ln = rd->line;
    if (r->evid < 0 || r->evid > 4)
        return BAD("%s:%ld: column EVID: %ld is not 0 (observation), 1 (dose), 2 (other), 3 (reset) or 4 (reset and dose)", f, ln, r->evid);
    if (r->amt_mg < 0)
        return BAD("%s:%ld: column AMT: negative amount %g", f, ln, r->amt_mg);
    if (r->ss < 0 || r->ss > 2)
        return BAD("%s:%ld: column SS: %ld is not 0, 1 or 2", f, ln, r->ss);
    if (r->ii_h < 0)
        return BAD("%s:%ld: column II: negative interval %g", f, ln, r->ii_h);
    if (r->addl < 0)
        return BAD("%s:%ld: column ADDL: negative count %ld", f, ln, r->addl);
    if (r->has_wt && !(r->wt_kg >= 0.005 && r->wt_kg <= 500))
        return BAD("%s:%ld: column WT: %g is not a weight in kg between 0.005 and 500", f, ln, r->wt_kg);
    if (r->addl > 100000)
        return BAD("%s:%ld: column ADDL: %ld additional doses is too many (max 100000)", f, ln, r->addl);
    if (r->evid == DS_DOSE || r->evid == DS_RESET_DOSE)
        return check_dose(rd, r);
    return KETSIM_OK;
}

static int read_output(reader *rd, ds_record *r)
{
    r->output = (size_t)ketsim_output_index("plasma_ketamine_ng_per_ml");
    if (rd->col[C_OUTPUT] < 0)
        return KETSIM_OK;
    const char *s = r->cells[rd->col[C_OUTPUT]];
    if (!*s || strcmp(s, ".") == 0)
        return KETSIM_OK;
    long k = ketsim_output_index(s);
    if (k <= 0) /* index 0 is time_h, not a measurement */
        return BAD("%s:%ld: column OUTPUT: unknown output '%s' (see ketsim outputs)", rd->ds->name, rd->line, s);
    r->output = (size_t)k;
    return KETSIM_OK;
}

/* Place the record in its subject: IDs are contiguous, time never decreases. */
static int add_to_subject(reader *rd, const ds_record *r)
{
    ketsim_dataset *ds = rd->ds;
    size_t i = ds->n_rec - 1; /* r is the last record */
    if (ds->n_subj && ds->rec[ds->subj[ds->n_subj - 1].first].id == r->id) {
        const ds_record *prev = &ds->rec[i - 1];
        if (r->time_h < prev->time_h)
            return BAD("%s:%ld: column TIME: %g is before the previous record's %g for ID %g", ds->name, rd->line,
                       r->time_h, prev->time_h, r->id);
        ds->subj[ds->n_subj - 1].n++;
        return KETSIM_OK;
    }
    for (size_t s = 0; s < ds->n_subj; s++)
        if (ds->rec[ds->subj[s].first].id == r->id)
            return BAD("%s:%ld: column ID: %g appears again after other IDs (keep each ID's records together)",
                       ds->name, rd->line, r->id);
    if (ds->n_subj == ds->cap_subj) {
        size_t cap = ds->cap_subj ? 2 * ds->cap_subj : 16;
        ds_subject *a = realloc(ds->subj, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(rd->err, KETSIM_ENOMEM, "out of memory");
        ds->subj = a, ds->cap_subj = cap;
    }
    ds->subj[ds->n_subj++] = (ds_subject){i, 1};
    return KETSIM_OK;
}

static int parse_row(reader *rd, char *line)
{
    ketsim_dataset *ds = rd->ds;
    if (ds->n_rec == ds->cap_rec) {
        size_t cap = ds->cap_rec ? 2 * ds->cap_rec : 64;
        ds_record *a = realloc(ds->rec, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(rd->err, KETSIM_ENOMEM, "out of memory");
        ds->rec = a, ds->cap_rec = cap;
    }
    ds_record *r = &ds->rec[ds->n_rec];
    memset(r, 0, sizeof *r);
    r->line = rd->line;
    r->cells = malloc((ds->n_cols + 1) * sizeof *r->cells);
    if (!r->cells)
        return KETSIM_FAIL(rd->err, KETSIM_ENOMEM, "out of memory");
    r->cells[ds->n_cols] = line; /* the owner of the cell text, freed last */
    ds->n_rec++;
    long n = split_cells(line, r->cells, ds->n_cols);
    if (n != (long)ds->n_cols)
        return BAD("%s:%ld: expected %zu comma-separated fields like the header, found %s", ds->name, rd->line,
                   ds->n_cols, n < 0 ? "more" : "fewer");
    int rc = read_numbers(rd, r);
    if (!rc)
        rc = check_record(rd, r);
    if (!rc)
        rc = read_output(rd, r);
    if (!rc)
        rc = add_to_subject(rd, r);
    return rc;
}

static int is_comment(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0' || *s == '#';
}

int ketsim_dataset_read_stream(FILE *fp, const char *name, ketsim_dataset **out, ketsim_error *err)
{
    *out = NULL;
    ketsim_dataset *ds = calloc(1, sizeof *ds);
    if (!ds || !(ds->name = strdup(name))) {
        free(ds);
        return KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    }
    reader rd = {.ds = ds, .err = err};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = KETSIM_OK;
    char *header_line = NULL;
    while (!rc && (len = getline(&line, &cap, fp)) >= 0) {
        rd.line++;
        if (memchr(line, '\0', (size_t)len)) { /* a NUL would silently cut the line */
            rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s:%ld: NUL byte in input (not a text file?)", name, rd.line);
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (is_comment(line))
            continue;
        if (!header_line) {
            header_line = line;
            rc = parse_header(&rd, header_line);
        } else {
            rc = parse_row(&rd, line);
        }
        line = NULL, cap = 0; /* the record (or header) now owns the text */
    }
    free(line);
    if (!rc && !header_line)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no header line", name);
    if (!rc && ds->n_rec == 0)
        rc = KETSIM_FAIL(err, KETSIM_EINPUT, "%s: no records after the header", name);
    if (rc) {
        ketsim_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return KETSIM_OK;
}

int ketsim_dataset_read(const char *path, ketsim_dataset **out, ketsim_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot open dataset: %s", path, strerror(errno));
    int rc = ketsim_dataset_read_stream(fp, path, out, err);
    fclose(fp);
    return rc;
}

void ketsim_dataset_free(ketsim_dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->n_rec; i++) {
        if (ds->rec[i].cells)
            free(ds->rec[i].cells[ds->n_cols]);
        free(ds->rec[i].cells);
    }
    free(ds->header_text);
    free(ds->header);
    free(ds->rec);
    free(ds->subj);
    free(ds->name);
    free(ds);
}

size_t ketsim_dataset_n_records(const ketsim_dataset *ds) { return ds->n_rec; }
size_t ketsim_dataset_n_subjects(const ketsim_dataset *ds) { return ds->n_subj; }
double ketsim_dataset_time(const ketsim_dataset *ds, size_t i) { return ds->rec[i].time_h; }

int ketsim_dataset_is_prediction(const ketsim_dataset *ds, size_t i)
{
    return ds->rec[i].evid == DS_OBS || ds->rec[i].evid == DS_OTHER;
}

void ketsim_dataset_write_csv(FILE *fp, const ketsim_dataset *ds, const double *pred)
{
    fputs("ID,TIME,OUTPUT,PRED", fp);
    for (size_t j = 0; j < ds->n_cols; j++)
        if ((long)j != ds->col_id && (long)j != ds->col_time && (long)j != ds->col_output)
            fprintf(fp, ",%s", ds->header[j]);
    fputc('\n', fp);
    for (size_t i = 0; i < ds->n_rec; i++) {
        const ds_record *r = &ds->rec[i];
        if (!ketsim_dataset_is_prediction(ds, i))
            continue;
        fprintf(fp, "%s,%s,%s,%.10g", r->cells[ds->col_id], r->cells[ds->col_time],
                ketsim_output(r->output)->name, pred[i]);
        for (size_t j = 0; j < ds->n_cols; j++)
            if ((long)j != ds->col_id && (long)j != ds->col_time && (long)j != ds->col_output)
                fprintf(fp, ",%s", r->cells[j]);
        fputc('\n', fp);
    }
}

/* Reading and writing NONMEM-style datasets (docs/dataset.md).  The reader
 * turns cells into event records (include/ketsim/events.h), which check
 * their own meaning; this file knows columns, missing values and text. */
#include "ketsim/dataset.h"
#include "ketsim/formats.h"
#include "stream.h"
#include "ketsim/model.h"
#include "ketsim/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Columns the reader interprets; every other column is a covariate (read as
 * a number where it is one) and is carried through to the output. */
enum col { C_ID, C_TIME, C_AMT, C_RATE, C_DUR, C_CMT, C_EVID, C_II, C_ADDL, C_SS, C_MDV, C_DV,
           C_WT, C_OUTPUT, C_LLOQ, C_BLQ, C_CENS, C_COMMENT, N_KNOWN };
static const char *const known_names[N_KNOWN] = {"ID", "TIME", "AMT", "RATE", "DUR", "CMT", "EVID", "II", "ADDL",
                                                 "SS", "MDV", "DV", "WT", "OUTPUT", "LLOQ", "BLQ", "CENS", "C"};

/* PREDPP data items that set absorption lags, bioavailability, durations or
 * rates per record.  ketsim takes those from the parameter table, so a
 * dataset that carries them would be silently misread: refuse it. */
static const char *const refused_prefixes[] = {"ALAG", "F", "D", "R", "S"};

typedef struct row {
    char **cells;           /* one per header column; cells[n_cols] owns the text */
} row;

struct ketsim_dataset {
    char *name;
    size_t n_cols;
    char **header;          /* column names as written */
    char *header_text;      /* the header line the names point into */
    long col[N_KNOWN];      /* column index of each known name, -1 if absent */
    long cov_col[KETSIM_EVENTS_MAX_COV];
    size_t n_cov;
    row *rows;              /* one per record of ev, in order */
    size_t n_rows, cap_rows;
    ketsim_events *ev;
};

typedef struct reader {
    ketsim_dataset *ds;
    long line;
    ketsim_error *err;
} reader;

#define BAD(...) KETSIM_FAIL(rd->err, KETSIM_EINPUT, __VA_ARGS__)

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* The quoted cell starting at the quote q (RFC 4180: "" stands for one
 * quote), unquoted in place; *end receives the character after it (a comma
 * or the end of the line, else the cell is malformed).  NULL when the quote
 * is not closed. */
static char *unquote(char *q, char **end)
{
    char *in = q + 1, *out = q;
    for (;;) {
        if (!*in)
            return NULL;
        if (*in == '"' && in[1] == '"') {
            *out++ = '"';
            in += 2;
        } else if (*in == '"') {
            in++;
            break;
        } else
            *out++ = *in++;
    }
    *out = '\0';
    while (*in == ' ' || *in == '\t' || *in == '\r')
        in++;
    *end = in;
    return q;
}

/* Split a line on commas in place, honouring double-quoted cells (what
 * ketsim's own writers produce for text with commas or quotes); returns the
 * number of cells, -1 if more than max, -2 for a malformed quoted cell. */
static long split_cells(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *c;
        char *cell;
        if (*p == '"') {
            cell = unquote(p, &c);
            if (!cell || (*c && *c != ','))
                return -2;
            if (!*c)
                c = NULL;
        } else {
            c = strchr(p, ',');
            if (c)
                *c = '\0';
            cell = trim(p);
        }
        if (n == max)
            return -1;
        cells[n++] = cell;
        if (!c)
            return (long)n;
        p = c + 1;
    }
}

/* "ALAG1", "F2", "D1", "R1", "S1": a prefix followed by digits only. */
static int is_refused(const char *name)
{
    for (size_t k = 0; k < sizeof refused_prefixes / sizeof *refused_prefixes; k++) {
        size_t n = strlen(refused_prefixes[k]);
        if (strncasecmp(name, refused_prefixes[k], n) != 0 || !name[n])
            continue;
        const char *p = name + n;
        while (isdigit((unsigned char)*p))
            p++;
        if (!*p)
            return 1;
    }
    return 0;
}

static int known_index(const char *name)
{
    for (int k = 0; k < N_KNOWN; k++)
        if (strcasecmp(name, known_names[k]) == 0)
            return k;
    return -1;
}

static int classify_columns(reader *rd, char **cells, long n)
{
    ketsim_dataset *ds = rd->ds;
    const char *cov[KETSIM_EVENTS_MAX_COV];
    for (int k = 0; k < N_KNOWN; k++)
        ds->col[k] = -1;
    for (long j = 0; j < n; j++) {
        if (!cells[j][0])
            return BAD("%s:%ld: column %ld has an empty name", ds->name, rd->line, j + 1);
        for (long i = 0; i < j; i++)
            if (strcasecmp(cells[i], cells[j]) == 0)
                return BAD("%s:%ld: column '%s' appears twice", ds->name, rd->line, cells[j]);
        int k = known_index(cells[j]);
        if (k >= 0) {
            ds->col[k] = j;
        } else if (is_refused(cells[j])) {
            return BAD("%s:%ld: column %s: per-record lag, bioavailability, rate, duration or scale items are "
                       "not read (set route.ROUTE.* parameters instead, e.g. --set route.po.lag_h=0.5)",
                       ds->name, rd->line, cells[j]);
        } else if (ds->n_cov < KETSIM_EVENTS_MAX_COV) {
            ds->cov_col[ds->n_cov] = j;
            cov[ds->n_cov++] = cells[j];
        }
    }
    static const int required[] = {C_ID, C_TIME, C_AMT};
    for (size_t k = 0; k < sizeof required / sizeof *required; k++)
        if (ds->col[required[k]] < 0)
            return BAD("%s:%ld: required column %s is missing (the header needs ID, TIME and AMT)", ds->name,
                       rd->line, known_names[required[k]]);
    if (ds->col[C_BLQ] >= 0 && ds->col[C_CENS] >= 0)
        return BAD("%s:%ld: columns BLQ and CENS say the same: keep one", ds->name, rd->line);
    return ketsim_events_set_covariates(ds->ev, cov, ds->n_cov, rd->err);
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
    if (n < 0) {
        ds->n_cols = 0;
        return BAD("%s:%ld: header: a quoted column name is not closed or is followed by text", ds->name, rd->line);
    }
    ds->n_cols = (size_t)n;
    return classify_columns(rd, cells, n);
}

static int is_missing(const char *s)
{
    return !*s || strcmp(s, ".") == 0;
}

/* The cell of column k as a number; "." and "" are NONMEM's missing value:
 * *missing = 1 and the value is dflt. */
static int cell_number(reader *rd, char **cells, int k, int integer, double dflt, double *v, int *missing)
{
    *v = dflt;
    if (missing)
        *missing = 1;
    if (rd->ds->col[k] < 0)
        return KETSIM_OK;
    const char *s = cells[rd->ds->col[k]];
    if (is_missing(s)) {
        if (k == C_ID || k == C_TIME)
            return BAD("%s:%ld: column %s: a value is required", rd->ds->name, rd->line, known_names[k]);
        return KETSIM_OK;
    }
    double x;
    if (ketsim_number_parse(s, &x) || (integer && x != floor(x)))
        return BAD("%s:%ld: column %s: '%s' is not %s", rd->ds->name, rd->line, known_names[k], s,
                   integer ? "an integer" : "a number");
    if (integer && fabs(x) > 1e6)
        return BAD("%s:%ld: column %s: %g is out of range", rd->ds->name, rd->line, known_names[k], x);
    *v = x;
    if (missing)
        *missing = 0;
    return KETSIM_OK;
}

static int read_output(reader *rd, char **cells, ketsim_event *e)
{
    e->output = (size_t)ketsim_output_index("plasma_ketamine_ng_per_ml");
    if (rd->ds->col[C_OUTPUT] < 0)
        return KETSIM_OK;
    const char *s = cells[rd->ds->col[C_OUTPUT]];
    if (is_missing(s))
        return KETSIM_OK;
    if (strcmp(s, "time_h") == 0) /* index 0 is time, not a measurement */
        return BAD("%s:%ld: column OUTPUT: unknown output '%s' (see ketsim outputs)", rd->ds->name, rd->line, s);
    ketsim_error e2 = {0};
    if (ketsim_events_output_code(rd->ds->ev, s, &e->output, &e2))
        return BAD("%s:%ld: column OUTPUT: %s", rd->ds->name, rd->line, e2.msg);
    return KETSIM_OK;
}

/* NONMEM's defaults: without EVID, a record with an amount is a dose; without
 * MDV, only an observation with a DV is fitted. */
static int read_event(reader *rd, char **cells, ketsim_event *e)
{
    double cmt, evid, addl, ss, mdv, blq, cens;
    int rc = 0, evid_missing, mdv_missing, dv_missing, wt_missing;
    memset(e, 0, sizeof *e);
    e->line = rd->line;
    rc = rc ? rc : cell_number(rd, cells, C_ID, 0, 0, &e->id, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_TIME, 0, 0, &e->time_h, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_AMT, 0, 0, &e->amt_mg, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_RATE, 0, 0, &e->rate_mg_per_h, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_DUR, 0, 0, &e->dur_h, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_CMT, 1, 0, &cmt, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_EVID, 1, 0, &evid, &evid_missing);
    rc = rc ? rc : cell_number(rd, cells, C_II, 0, 0, &e->ii_h, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_ADDL, 1, 0, &addl, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_SS, 1, 0, &ss, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_MDV, 1, 0, &mdv, &mdv_missing);
    rc = rc ? rc : cell_number(rd, cells, C_DV, 0, 0, &e->dv, &dv_missing);
    rc = rc ? rc : cell_number(rd, cells, C_WT, 0, NAN, &e->wt_kg, &wt_missing);
    rc = rc ? rc : cell_number(rd, cells, C_LLOQ, 0, NAN, &e->lloq, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_BLQ, 1, 0, &blq, NULL);
    rc = rc ? rc : cell_number(rd, cells, C_CENS, 1, 0, &cens, NULL);
    if (rc)
        return rc;
    if (evid_missing)
        evid = e->amt_mg > 0 ? KETSIM_EVID_DOSE : KETSIM_EVID_OBS;
    if (mdv_missing)
        mdv = evid != KETSIM_EVID_OBS || dv_missing;
    e->cmt = (long)cmt, e->evid = (int)evid, e->addl = (long)addl, e->ss = (int)ss, e->mdv = (int)mdv;
    e->blq = (int)(blq != 0 || cens != 0);
    /* an LLOQ without a flag: the DV tells */
    if (rd->ds->col[C_BLQ] < 0 && rd->ds->col[C_CENS] < 0 && !isnan(e->lloq) && !dv_missing &&
        e->evid == KETSIM_EVID_OBS)
        e->blq = e->dv < e->lloq;
    for (size_t k = 0; k < rd->ds->n_cov; k++) {
        const char *s = cells[rd->ds->cov_col[k]];
        if (is_missing(s) || ketsim_number_parse(s, &e->cov[k]))
            e->cov[k] = NAN;
    }
    return read_output(rd, cells, e);
}

static int push_row(reader *rd, char **cells)
{
    ketsim_dataset *ds = rd->ds;
    if (ds->n_rows == ds->cap_rows) {
        size_t cap = ds->cap_rows ? 2 * ds->cap_rows : 64;
        row *a = realloc(ds->rows, cap * sizeof *a);
        if (!a)
            return KETSIM_FAIL(rd->err, KETSIM_ENOMEM, "out of memory");
        ds->rows = a, ds->cap_rows = cap;
    }
    ds->rows[ds->n_rows++] = (row){cells};
    return KETSIM_OK;
}

/* A NONMEM comment record: the C column holds anything but "." or empty. */
static int is_comment_record(const ketsim_dataset *ds, char **cells)
{
    return ds->col[C_COMMENT] >= 0 && !is_missing(cells[ds->col[C_COMMENT]]);
}

static int parse_row(reader *rd, char *line)
{
    ketsim_dataset *ds = rd->ds;
    char **cells = malloc((ds->n_cols + 1) * sizeof *cells);
    if (!cells) {
        free(line);
        return KETSIM_FAIL(rd->err, KETSIM_ENOMEM, "out of memory");
    }
    cells[ds->n_cols] = line; /* the owner of the cell text, freed last */
    long n = split_cells(line, cells, ds->n_cols);
    int rc = KETSIM_OK;
    if (n != (long)ds->n_cols)
        rc = n == -2 ? BAD("%s:%ld: a quoted field is not closed or is followed by text before the comma",
                           ds->name, rd->line)
                     : BAD("%s:%ld: expected %zu comma-separated fields like the header, found %s", ds->name,
                           rd->line, ds->n_cols, n < 0 ? "more" : "fewer");
    if (!rc && is_comment_record(ds, cells)) {
        free(line);
        free(cells);
        return KETSIM_OK;
    }
    ketsim_event e;
    if (!rc)
        rc = read_event(rd, cells, &e);
    if (!rc)
        rc = ketsim_events_add(ds->ev, &e, rd->err);
    if (!rc)
        rc = push_row(rd, cells);
    if (rc) {
        free(line);
        free(cells);
    }
    return rc;
}

static int is_comment(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0' || *s == '#';
}

static int read_lines(reader *rd, FILE *fp)
{
    char *line = NULL, *header_line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = KETSIM_OK;
    while (!rc && (len = getline(&line, &cap, fp)) >= 0) {
        rd->line++;
        if (memchr(line, '\0', (size_t)len)) { /* a NUL would silently cut the line */
            rc = BAD("%s:%ld: NUL byte in input (not a text file?)", rd->ds->name, rd->line);
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (is_comment(line))
            continue;
        if (!header_line) {
            header_line = line;
            rc = parse_header(rd, header_line);
        } else {
            rc = parse_row(rd, line);
        }
        line = NULL, cap = 0; /* the record (or header) now owns the text */
    }
    free(line);
    if (!rc && !header_line)
        rc = BAD("%s: no header line", rd->ds->name);
    if (!rc && rd->ds->n_rows == 0)
        rc = BAD("%s: no records after the header", rd->ds->name);
    return rc;
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
    int rc = ketsim_events_create(name, &ds->ev, err);
    if (!rc)
        rc = read_lines(&rd, fp);
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
    for (size_t i = 0; i < ds->n_rows; i++) {
        free(ds->rows[i].cells[ds->n_cols]);
        free(ds->rows[i].cells);
    }
    ketsim_events_free(ds->ev);
    free(ds->header_text);
    free(ds->header);
    free(ds->rows);
    free(ds->name);
    free(ds);
}

const ketsim_events *ketsim_dataset_events(const ketsim_dataset *ds) { return ds->ev; }
size_t ketsim_dataset_n_records(const ketsim_dataset *ds) { return ds->n_rows; }
size_t ketsim_dataset_n_subjects(const ketsim_dataset *ds) { return ketsim_events_n_subjects(ds->ev); }

static int is_carried(const ketsim_dataset *ds, size_t j)
{
    return (long)j != ds->col[C_ID] && (long)j != ds->col[C_TIME] && (long)j != ds->col[C_OUTPUT];
}

int ketsim_dataset_write_csv(FILE *fp, const ketsim_dataset *ds, const double *pred, ketsim_error *err)
{
    fputs("ID,TIME,OUTPUT,PRED", fp);
    for (size_t j = 0; j < ds->n_cols; j++)
        if (is_carried(ds, j)) {
            fputc(',', fp);
            ketsim_csv_field(fp, ds->header[j]);
        }
    fputc('\n', fp);
    for (size_t i = 0; i < ds->n_rows; i++) {
        const ketsim_event *r = ketsim_events_record(ds->ev, i);
        char **cells = ds->rows[i].cells;
        if (!ketsim_event_is_prediction(r))
            continue;
        /* cells were unquoted when read: quote them again where needed */
        ketsim_csv_field(fp, cells[ds->col[C_ID]]);
        fputc(',', fp);
        ketsim_csv_field(fp, cells[ds->col[C_TIME]]);
        fprintf(fp, ",%s,%.10g", ketsim_events_output_name(ds->ev, r->output), pred[i]);
        for (size_t j = 0; j < ds->n_cols; j++)
            if (is_carried(ds, j)) {
                fputc(',', fp);
                ketsim_csv_field(fp, cells[j]);
            }
        fputc('\n', fp);
    }
    return formats_stream_status(fp, "the dataset predictions", err);
}

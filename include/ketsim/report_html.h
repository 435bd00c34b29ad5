/* A run report as one self-contained HTML5 page: inline CSS, figures
 * inlined as SVG, no script and no reference to anything outside the page.
 *
 * The page is written in order into a stream the caller opened (the CLI
 * opens it atomically): begin, then sections holding paragraphs,
 * preformatted text, key/value tables, data tables (rows optionally marked
 * pass or miss, which colours them) and figures, then end.  Every string
 * given is escaped for HTML (& < > " '), and bytes that are not UTF-8 or
 * are control characters are replaced, so text from files and arguments
 * can never add markup.  Figures are read from SVG files (as PLplot
 * writes them); the ids inside each are given a prefix of the figure's
 * number, so that figures on one page never resolve each other's glyphs.
 *
 * Write errors are sticky in the stream; ketsim_html_end reports them. */
#ifndef KETSIM_REPORT_HTML_H
#define KETSIM_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>
#include "ketsim/error.h"

typedef struct ketsim_html {
    FILE *fp;
    int in_section;
    int in_table;
    size_t n_columns;   /* of the open table */
    size_t n_figures;   /* figures so far (the id prefix of the next) */
} ketsim_html;

/* How a data-table row is coloured. */
typedef enum ketsim_html_mark {
    KETSIM_HTML_PLAIN = 0,
    KETSIM_HTML_PASS,
    KETSIM_HTML_MISS
} ketsim_html_mark;

/* The document's head (title, style) and its h1 heading. */
void ketsim_html_begin(ketsim_html *h, FILE *fp, const char *title);
/* A new section with an h2 heading (the previous one is closed). */
void ketsim_html_section(ketsim_html *h, const char *heading);
/* A paragraph of plain text. */
void ketsim_html_text(ketsim_html *h, const char *text);
/* Preformatted text (a table as the command prints it). */
void ketsim_html_pre(ketsim_html *h, const char *text);

/* A key/value table: rows of a key and its value. */
void ketsim_html_kv_begin(ketsim_html *h);
void ketsim_html_kv(ketsim_html *h, const char *key, const char *value);
void ketsim_html_kv_end(ketsim_html *h);

/* A data table with a caption (NULL: none) and n column headings; each row
 * has n cells.  Cells that look like numbers are right-aligned. */
void ketsim_html_table_begin(ketsim_html *h, const char *caption, const char *const *headings, size_t n);
void ketsim_html_table_row(ketsim_html *h, const char *const *cells, ketsim_html_mark mark);
void ketsim_html_table_end(ketsim_html *h);

/* Inline the SVG file at path as a figure with a caption. */
int ketsim_html_svg_file(ketsim_html *h, const char *path, const char *caption, ketsim_error *err);

/* Close the page; KETSIM_EIO if any write failed. */
int ketsim_html_end(ketsim_html *h, ketsim_error *err);

/* Write s HTML-escaped (as every function above does with its text). */
void ketsim_html_escape(FILE *fp, const char *s);

#endif

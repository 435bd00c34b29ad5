/* The run report page (include/ketsim/report_html.h). */
#include "ketsim/report_html.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Figures larger than this are not a PLplot figure of ours. */
#define MAX_SVG_BYTES (64u << 20)

/* One stylesheet for every command's page: readable on screen and in
 * print, pass/miss rows tinted and also labelled in words (colour is
 * never the only sign). */
static const char style[] =
    "body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:14px;color:#1a1a1a;"
    "margin:0 auto;max-width:1180px;padding:12px 20px 40px;background:#fff}\n"
    "h1{font-size:22px;border-bottom:2px solid #0072b2;padding-bottom:6px}\n"
    "h2{font-size:17px;margin-top:28px;color:#0b3d5c}\n"
    "table{border-collapse:collapse;margin:8px 0 14px;font-size:13px}\n"
    "th,td{border:1px solid #c8c8c8;padding:3px 7px;text-align:left;vertical-align:top}\n"
    "thead th{background:#eef2f5;position:sticky;top:0}\n"
    "table.kv th{background:#f5f5f5;font-weight:600;white-space:nowrap}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tr.pass td{background:#e3f4e6}\n"
    "tr.miss td{background:#fbe0dd}\n"
    "td.mark{min-width:11em}\n"
    "tr.miss td.mark{color:#a01c0c;font-weight:700}\n"
    "caption{text-align:left;font-weight:600;padding:4px 0}\n"
    "pre{background:#f7f7f7;border:1px solid #ddd;padding:8px;overflow-x:auto;font-size:12px;line-height:1.35}\n"
    "code{font-size:12px;word-break:break-all}\n"
    "figure{margin:10px 0 22px}\n"
    "figure svg{width:100%;height:auto;display:block;border:1px solid #e2e2e2}\n"
    "figcaption{font-size:13px;color:#444;margin-top:4px}\n";

void ketsim_html_escape(FILE *fp, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        size_t n = 1;
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default:
            if (*s == '\n' || *s == '\t')
                fputc(*s, fp);
            else if (*s < 0x20 || *s == 0x7f)
                fputs("\xef\xbf\xbd", fp); /* U+FFFD: a control character is not text */
            else if (*s < 0x80)
                fputc(*s, fp);
            else if ((n = utf8_seq_len(s)) > 0)
                fwrite(s, 1, n, fp);
            else {
                fputs("\xef\xbf\xbd", fp);
                n = 1;
            }
        }
        s += n;
    }
}

void ketsim_html_begin(ketsim_html *h, FILE *fp, const char *title)
{
    memset(h, 0, sizeof *h);
    h->fp = fp;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", fp);
    ketsim_html_escape(fp, title);
    fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    ketsim_html_escape(fp, title);
    fputs("</h1>\n", fp);
}

static void close_section(ketsim_html *h)
{
    if (h->in_table)
        ketsim_html_table_end(h);
    if (h->in_section)
        fputs("</section>\n", h->fp);
    h->in_section = 0;
}

void ketsim_html_section(ketsim_html *h, const char *heading)
{
    close_section(h);
    fputs("<section>\n<h2>", h->fp);
    ketsim_html_escape(h->fp, heading);
    fputs("</h2>\n", h->fp);
    h->in_section = 1;
}

void ketsim_html_text(ketsim_html *h, const char *text)
{
    fputs("<p>", h->fp);
    ketsim_html_escape(h->fp, text);
    fputs("</p>\n", h->fp);
}

void ketsim_html_pre(ketsim_html *h, const char *text)
{
    fputs("<pre>", h->fp);
    ketsim_html_escape(h->fp, text);
    fputs("</pre>\n", h->fp);
}

void ketsim_html_kv_begin(ketsim_html *h)
{
    fputs("<table class=\"kv\">\n<tbody>\n", h->fp);
    h->in_table = 1;
}

void ketsim_html_kv(ketsim_html *h, const char *key, const char *value)
{
    fputs("<tr><th scope=\"row\">", h->fp);
    ketsim_html_escape(h->fp, key);
    fputs("</th><td>", h->fp);
    ketsim_html_escape(h->fp, value);
    fputs("</td></tr>\n", h->fp);
}

void ketsim_html_kv_end(ketsim_html *h) { ketsim_html_table_end(h); }

void ketsim_html_table_begin(ketsim_html *h, const char *caption, const char *const *headings, size_t n)
{
    fputs("<table class=\"data\">\n", h->fp);
    if (caption) {
        fputs("<caption>", h->fp);
        ketsim_html_escape(h->fp, caption);
        fputs("</caption>\n", h->fp);
    }
    fputs("<thead><tr>", h->fp);
    for (size_t i = 0; i < n; i++) {
        fputs("<th scope=\"col\">", h->fp);
        ketsim_html_escape(h->fp, headings[i]);
        fputs("</th>", h->fp);
    }
    fputs("</tr></thead>\n<tbody>\n", h->fp);
    h->in_table = 1;
    h->n_columns = n;
}

/* A number (as the writers print them: 1.5, -3e-05, inf, nan) reads
 * better right-aligned. */
static int is_number(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    (void)strtod(s, &end);
    return end != s && *end == '\0';
}

void ketsim_html_table_row(ketsim_html *h, const char *const *cells, ketsim_html_mark mark)
{
    static const char *const row_class[] = {"", " class=\"pass\"", " class=\"miss\""};
    fprintf(h->fp, "<tr%s>", row_class[mark]);
    for (size_t i = 0; i < h->n_columns; i++) {
        const char *c = cells[i] ? cells[i] : "";
        int last_marked = mark != KETSIM_HTML_PLAIN && i + 1 == h->n_columns;
        fputs(is_number(c) ? "<td class=\"num\">" : last_marked ? "<td class=\"mark\">" : "<td>", h->fp);
        ketsim_html_escape(h->fp, c);
        fputs("</td>", h->fp);
    }
    fputs("</tr>\n", h->fp);
}

void ketsim_html_table_end(ketsim_html *h)
{
    if (h->in_table)
        fputs("</tbody>\n</table>\n", h->fp);
    h->in_table = 0;
    h->n_columns = 0;
}

static int read_all(const char *path, char **out, size_t *len, ketsim_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot read the figure: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? KETSIM_OK : KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory");
    while (!rc) {
        if (n == cap) {
            char *b = cap < MAX_SVG_BYTES ? realloc(buf, 2 * cap + 1) : NULL;
            if (!b) {
                rc = cap < MAX_SVG_BYTES ? KETSIM_FAIL(err, KETSIM_ENOMEM, "out of memory")
                                         : KETSIM_FAIL(err, KETSIM_EINPUT, "%s: figure too large", path);
                break;
            }
            buf = b, cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
    }
    if (!rc && ferror(fp))
        rc = KETSIM_FAIL(err, KETSIM_EIO, "%s: cannot read the figure", path);
    fclose(fp);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf, *len = n;
    return KETSIM_OK;
}

/* Copy the svg element of doc (from "<svg" on, the XML declaration left
 * out: it has no place inside HTML) with every id, and every reference to
 * one, prefixed. */
static void write_svg(FILE *fp, const char *svg, const char *prefix)
{
    static const char *const refs[] = {" id=\"", "href=\"#", "url(#"};
    const char *p = svg;
    while (*p) {
        const char *next = NULL;
        size_t k_next = 0;
        for (size_t k = 0; k < sizeof refs / sizeof *refs; k++) {
            const char *q = strstr(p, refs[k]);
            if (q && (!next || q < next))
                next = q, k_next = k;
        }
        if (!next) {
            fputs(p, fp);
            return;
        }
        size_t head = (size_t)(next - p) + strlen(refs[k_next]);
        fwrite(p, 1, head, fp);
        fputs(prefix, fp);
        p += head;
    }
}

int ketsim_html_svg_file(ketsim_html *h, const char *path, const char *caption, ketsim_error *err)
{
    char *doc = NULL;
    size_t len = 0;
    int rc = read_all(path, &doc, &len, err);
    if (rc)
        return rc;
    const char *svg = strstr(doc, "<svg");
    /* the page promises no script: a figure must not bring one */
    if (!svg || strlen(doc) != len || strstr(doc, "<script") || strstr(doc, "<foreignObject")) {
        free(doc);
        return KETSIM_FAIL(err, KETSIM_EINPUT, "%s: not a plain SVG figure", path);
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "f%zu-", ++h->n_figures);
    fputs("<figure>\n", h->fp);
    write_svg(h->fp, svg, prefix);
    fputs("\n<figcaption>", h->fp);
    ketsim_html_escape(h->fp, caption);
    fputs("</figcaption>\n</figure>\n", h->fp);
    free(doc);
    return KETSIM_OK;
}

int ketsim_html_end(ketsim_html *h, ketsim_error *err)
{
    close_section(h);
    fputs("</body>\n</html>\n", h->fp);
    if (ferror(h->fp))
        return KETSIM_FAIL(err, KETSIM_EIO, "cannot write the report");
    return KETSIM_OK;
}

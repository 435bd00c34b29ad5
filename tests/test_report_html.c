/* The run report page: text is escaped wherever it goes, figures keep
 * their ids apart, rows carry their pass/miss class, and a failed write
 * is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ketsim/report_html.h"

/* The page written by fn, as a string (caller frees). */
static char *page_of(void (*fn)(ketsim_html *h))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    ketsim_html h;
    ketsim_html_begin(&h, fp, "report");
    fn(&h);
    ketsim_error err = {0};
    assert_int_equal(ketsim_html_end(&h, &err), KETSIM_OK);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static char *escaped(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    ketsim_html_escape(fp, s);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static void test_escape(void **state)
{
    (void)state;
    char *e = escaped("a<b>&\"c\" 'd'");
    assert_string_equal(e, "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;");
    free(e);
    /* UTF-8 passes; a stray byte, an overlong form and a control
     * character become U+FFFD */
    e = escaped("\xc2\xb5g \xff|\xc0\xaf|\x01|\n");
    assert_string_equal(e, "\xc2\xb5g \xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\n");
    free(e);
}

static void hostile_sections(ketsim_html *h)
{
    ketsim_html_section(h, "<script>alert(1)</script>");
    ketsim_html_kv_begin(h);
    ketsim_html_kv(h, "scenario", "x\" onload=\"y");
    ketsim_html_kv_end(h);
    static const char *const head[] = {"id", "value", "result"};
    ketsim_html_table_begin(h, "<caption>", head, 3);
    const char *pass[] = {"a&b", "1.5", "pass"};
    const char *miss[] = {"c<d", "-2e-05", "MISS"};
    ketsim_html_table_row(h, pass, KETSIM_HTML_PASS);
    ketsim_html_table_row(h, miss, KETSIM_HTML_MISS);
    ketsim_html_table_end(h);
    ketsim_html_pre(h, "</pre><b>");
}

static void test_no_markup_from_text(void **state)
{
    (void)state;
    char *page = page_of(hostile_sections);
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "\" onload"));
    assert_null(strstr(page, "</pre><b>"));
    assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(page, "<tr class=\"pass\"><td>a&amp;b</td><td class=\"num\">1.5</td>"));
    assert_non_null(strstr(page, "<tr class=\"miss\"><td>c&lt;d</td><td class=\"num\">-2e-05</td>"
                                 "<td class=\"mark\">MISS</td></tr>"));
    assert_non_null(strstr(page, "<!DOCTYPE html>"));
    assert_non_null(strstr(page, "</section>\n</body>\n</html>\n"));
    free(page);
}

static char svg_path[2][64];

static void two_figures(ketsim_html *h)
{
    ketsim_error err = {0};
    for (int i = 0; i < 2; i++)
        assert_int_equal(ketsim_html_svg_file(h, svg_path[i], "fig <1>", &err), KETSIM_OK);
}

/* Two figures with the same ids (as two PLplot files have): each gets its
 * own prefix, in definitions and references alike. */
static void test_svg_ids_apart(void **state)
{
    (void)state;
    static const char svg[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        "viewBox=\"0 0 10 10\"><defs><symbol overflow=\"visible\" id=\"glyph0-1\"><path d=\"M 0 0\"/></symbol>"
        "<clipPath id=\"clip1\"><rect width=\"1\" height=\"1\"/></clipPath></defs>"
        "<g clip-path=\"url(#clip1)\"><use xlink:href=\"#glyph0-1\" x=\"1\" y=\"2\"/></g></svg>\n";
    for (int i = 0; i < 2; i++) {
        snprintf(svg_path[i], sizeof svg_path[i], "/tmp/ketsim_html_test_XXXXXX");
        int fd = mkstemp(svg_path[i]);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, svg, sizeof svg - 1), (ssize_t)(sizeof svg - 1));
        close(fd);
    }
    char *page = page_of(two_figures);
    for (int i = 0; i < 2; i++)
        unlink(svg_path[i]);
    assert_null(strstr(page, "<?xml"));
    assert_non_null(strstr(page, "id=\"f1-glyph0-1\""));
    assert_non_null(strstr(page, "xlink:href=\"#f1-glyph0-1\""));
    assert_non_null(strstr(page, "url(#f1-clip1)"));
    assert_non_null(strstr(page, "id=\"f2-glyph0-1\""));
    assert_non_null(strstr(page, "xlink:href=\"#f2-glyph0-1\""));
    assert_non_null(strstr(page, "url(#f2-clip1)"));
    assert_null(strstr(page, "\"#glyph"));
    assert_null(strstr(page, "id=\"clip1\""));
    assert_non_null(strstr(page, "<figcaption>fig &lt;1&gt;</figcaption>"));
    free(page);
}

static void test_bad_figure(void **state)
{
    (void)state;
    char path[] = "/tmp/ketsim_html_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char bad[] = "<svg><script>x()</script></svg>";
    assert_int_equal(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
    close(fd);
    FILE *fp = fopen("/dev/null", "w");
    assert_non_null(fp);
    ketsim_html h;
    ketsim_html_begin(&h, fp, "t");
    ketsim_error err = {0};
    assert_int_equal(ketsim_html_svg_file(&h, path, "c", &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "not a plain SVG figure"));
    unlink(path);
    assert_int_equal(ketsim_html_svg_file(&h, path, "c", &err), KETSIM_EIO);
    fclose(fp);
}

/* A full device: the error comes out of ketsim_html_end. */
static void test_write_error(void **state)
{
    (void)state;
    FILE *fp = fopen("/dev/full", "w");
    if (!fp)
        skip();
    setvbuf(fp, NULL, _IONBF, 0);
    ketsim_html h;
    ketsim_html_begin(&h, fp, "t");
    ketsim_error err = {0};
    assert_int_equal(ketsim_html_end(&h, &err), KETSIM_EIO);
    fclose(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_no_markup_from_text),
        cmocka_unit_test(test_svg_ids_apart),
        cmocka_unit_test(test_bad_figure),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Inputs the fuzz harnesses (fuzz/) found to be mishandled, kept as tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ketsim/regimen.h"

/* "1e308d" is a finite number of days but 24 times that overflows to
 * infinity hours; it used to be accepted as an infinite duration. */
static void test_duration_overflow_rejected(void **state)
{
    (void)state;
    double h = -1;
    ketsim_error err = {0};
    assert_int_equal(ketsim_duration_parse("1e308d", &h, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "'1e308d' is too large a duration"));
    assert_true(h == -1); /* untouched on failure */
    assert_int_equal(ketsim_duration_parse("1e307w", &h, &err), KETSIM_EINPUT);
    /* The largest finite values that stay finite are still parsed. */
    assert_int_equal(ketsim_duration_parse("1e300d", &h, &err), KETSIM_OK);
    assert_true(isfinite(h) && h == 1e300 * 24);
}

static void test_dose_with_overflowing_time(void **state)
{
    (void)state;
    ketsim_dose d;
    ketsim_error err = {0};
    assert_int_equal(ketsim_dose_parse("iv:1mg@1e308d", &d, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "too large a duration"));
    assert_int_equal(ketsim_dose_parse("iv:1mg:1e308d", &d, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "too large a duration"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_overflow_rejected),
        cmocka_unit_test(test_dose_with_overflowing_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

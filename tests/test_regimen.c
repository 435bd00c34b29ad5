/* The regimen API (include/ketsim/regimen.h): the checks a dose or a reset
 * must pass when code rather than the dose parser builds a regimen, the
 * routes' names and compartment numbers, and the dose parser's refusals
 * that no well-formed command line reaches. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ketsim/regimen.h"

static ketsim_dose bolus(double amount_mg, double time_h)
{
    ketsim_dose d;
    memset(&d, 0, sizeof d);
    d.route = KETSIM_ROUTE_IV;
    d.amount = amount_mg;
    d.time_h = time_h;
    return d;
}

/* Refused with EINPUT and a message containing `why`; the regimen keeps
 * the doses it had. */
static void refused(ketsim_regimen *r, const ketsim_dose *d, const char *why)
{
    size_t before = ketsim_regimen_count(r);
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_regimen_add(r, d, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, why));
    assert_int_equal(ketsim_regimen_count(r), before);
}

static void test_add_checks_values(void **state)
{
    (void)state;
    ketsim_regimen *r;
    ketsim_error err;
    assert_int_equal(ketsim_regimen_create(&r, &err), KETSIM_OK);
    const double bad_amounts[] = {0, -1, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_amounts / sizeof *bad_amounts; i++) {
        ketsim_dose d = bolus(bad_amounts[i], 0);
        refused(r, &d, "amount must be positive and finite");
    }
    const double bad_times[] = {-1, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_times / sizeof *bad_times; i++) {
        ketsim_dose d = bolus(10, bad_times[i]);
        refused(r, &d, "time and duration");
        d = bolus(10, 0);
        d.duration_h = bad_times[i];
        refused(r, &d, "time and duration");
    }
    ketsim_dose d = bolus(10, 0);
    d.route = (ketsim_route)KETSIM_N_ROUTES;
    refused(r, &d, "invalid route");
    d.route = (ketsim_route)-1;
    refused(r, &d, "invalid route");
    assert_int_equal(ketsim_regimen_count(r), 0);
    assert_null(ketsim_regimen_dose(r, 0));
    ketsim_regimen_free(r);
}

/* More doses than the first allocation holds: each keeps its values. */
static void test_add_grows(void **state)
{
    (void)state;
    ketsim_regimen *r;
    ketsim_error err;
    assert_int_equal(ketsim_regimen_create(&r, &err), KETSIM_OK);
    for (int i = 0; i < 40; i++) {
        ketsim_dose d = bolus(1 + i, 0.5 * i);
        assert_int_equal(ketsim_regimen_add(r, &d, &err), KETSIM_OK);
    }
    assert_int_equal(ketsim_regimen_count(r), 40);
    for (size_t i = 0; i < 40; i++) {
        const ketsim_dose *d = ketsim_regimen_dose(r, i);
        assert_non_null(d);
        assert_true(d->amount == 1.0 + (double)i && d->time_h == 0.5 * (double)i);
    }
    assert_null(ketsim_regimen_dose(r, 40));
    ketsim_regimen_free(r);
    ketsim_regimen_free(NULL); /* like free(NULL) */
}

static void test_resets(void **state)
{
    (void)state;
    ketsim_regimen *r;
    ketsim_error err;
    assert_int_equal(ketsim_regimen_create(&r, &err), KETSIM_OK);
    const double bad[] = {-0.5, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(ketsim_regimen_add_reset(r, bad[i], &err), KETSIM_EINPUT);
        assert_non_null(strstr(err.msg, "finite and not negative"));
    }
    for (int i = 0; i < 10; i++) /* past the first allocation of four */
        assert_int_equal(ketsim_regimen_add_reset(r, 24.0 * i, &err), KETSIM_OK);
    assert_int_equal(ketsim_regimen_add_reset(r, 24.0 * 9, &err), KETSIM_OK); /* equal times are in order */
    assert_int_equal(ketsim_regimen_add_reset(r, 100, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "in time order"));
    assert_int_equal(ketsim_regimen_n_resets(r), 11);
    for (size_t i = 0; i < 10; i++)
        assert_true(ketsim_regimen_reset_time(r, i) == 24.0 * (double)i);

    /* clear empties doses and resets; the regimen is usable again */
    ketsim_dose d = bolus(5, 1);
    assert_int_equal(ketsim_regimen_add(r, &d, &err), KETSIM_OK);
    ketsim_regimen_clear(r);
    assert_int_equal(ketsim_regimen_count(r), 0);
    assert_int_equal(ketsim_regimen_n_resets(r), 0);
    assert_null(ketsim_regimen_dose(r, 0));
    assert_int_equal(ketsim_regimen_add_reset(r, 1, &err), KETSIM_OK); /* earlier than before the clear */
    assert_int_equal(ketsim_regimen_add(r, &d, &err), KETSIM_OK);
    assert_int_equal(ketsim_regimen_count(r), 1);
    assert_true(ketsim_regimen_reset_time(r, 0) == 1);
    ketsim_regimen_free(r);
}

static void test_routes(void **state)
{
    (void)state;
    /* docs/dataset.md's compartment numbers, both ways */
    const struct { ketsim_route r; const char *name; int cmt; } known[] = {
        {KETSIM_ROUTE_IV, "iv", 1}, {KETSIM_ROUTE_PO, "po", 2}, {KETSIM_ROUTE_IN, "in", 3},
        {KETSIM_ROUTE_IM, "im", 4}, {KETSIM_ROUTE_SC, "sc", 5}, {KETSIM_ROUTE_IP, "ip", 6},
        {KETSIM_ROUTE_ICV, "icv", 7},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        assert_string_equal(ketsim_route_name(known[i].r), known[i].name);
        assert_int_equal(ketsim_route_cmt(known[i].r), known[i].cmt);
        ketsim_route back = KETSIM_N_ROUTES;
        assert_int_equal(ketsim_route_from_cmt(known[i].cmt, &back), 0);
        assert_int_equal(back, known[i].r);
        ketsim_error err;
        assert_int_equal(ketsim_route_parse(known[i].name, &back, &err), KETSIM_OK);
        assert_int_equal(back, known[i].r);
    }
    ketsim_route r = KETSIM_ROUTE_PO;
    assert_int_equal(ketsim_route_from_cmt(0, &r), -1);
    assert_int_equal(ketsim_route_from_cmt(8, &r), -1);
    assert_int_equal(r, KETSIM_ROUTE_PO); /* untouched when not found */
    assert_string_equal(ketsim_route_name((ketsim_route)KETSIM_N_ROUTES), "?");
    assert_string_equal(ketsim_route_name((ketsim_route)-1), "?");
    assert_int_equal(ketsim_route_cmt((ketsim_route)KETSIM_N_ROUTES), 0);
    ketsim_error err;
    assert_int_equal(ketsim_route_parse("IV", &r, &err), KETSIM_EINPUT);
    assert_non_null(strstr(err.msg, "unknown route 'IV'"));
}

static void parse_refused(const char *spec, const char *why)
{
    ketsim_dose d;
    ketsim_error err;
    ketsim_error_clear(&err);
    assert_int_equal(ketsim_dose_parse(spec, &d, &err), KETSIM_EINPUT);
    if (!strstr(err.msg, why))
        fail_msg("'%s': message '%s' lacks '%s'", spec, err.msg, why);
}

static void test_dose_parse_refusals(void **state)
{
    (void)state;
    char longspec[300];
    memset(longspec, 'x', sizeof longspec - 1);
    longspec[sizeof longspec - 1] = '\0';
    parse_refused(longspec, "dose spec too long");
    char longdrug[120] = "";
    memset(longdrug, 'd', 60);
    strcat(longdrug, "/iv:1mg");
    parse_refused(longdrug, "bad drug name before '/'");
    parse_refused("/iv:1mg", "bad drug name before '/'");
    parse_refused("iv:1mg@-2h", "time must not be negative");
    parse_refused("iv:1mg@soon", "time");
    parse_refused("iv", "expected ROUTE:AMOUNT");
    parse_refused("iv:1mg:1h:2h", "expected ROUTE:AMOUNT");
    parse_refused("iv:1mg:1h:2h:3h", "expected ROUTE:AMOUNT"); /* stops splitting at the fourth colon */
    parse_refused("iv::40min", "is not an amount");
    parse_refused("drip:1mg", "unknown route 'drip'");
    parse_refused("iv:0mg", "must be positive");
    parse_refused("iv:2e6mg", "implausibly large");
    parse_refused("iv:2e4mg/kg", "implausibly large");
    parse_refused("iv:1mL", "unit must be mg");
    parse_refused("iv:1mg:0h", "duration must be positive");
    parse_refused("iv:1mg:fast", "duration");
    parse_refused("iv:1mg@3651d", "beyond 10 years");
    parse_refused("iv:1mg:3651d", "beyond 10 years");
}

static void test_dose_parse_accepts(void **state)
{
    (void)state;
    ketsim_dose d;
    ketsim_error err;
    assert_int_equal(ketsim_dose_parse("nbqx/ip:10mg/kg@2h", &d, &err), KETSIM_OK);
    assert_string_equal(d.drug, "nbqx");
    assert_int_equal(d.route, KETSIM_ROUTE_IP);
    assert_true(d.amount == 10 && d.per_kg == 1 && d.time_h == 2 && d.duration_h == 0);
    assert_int_equal(ketsim_dose_parse("iv:500ug:40min", &d, &err), KETSIM_OK);
    assert_string_equal(d.drug, "");
    assert_true(fabs(d.amount - 0.5) < 1e-12 && d.per_kg == 0);
    assert_true(fabs(d.duration_h - 40.0 / 60) < 1e-12);
    assert_int_equal(ketsim_dose_parse("po:1g", &d, &err), KETSIM_OK);
    assert_true(d.amount == 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_checks_values), cmocka_unit_test(test_add_grows),
        cmocka_unit_test(test_resets),            cmocka_unit_test(test_routes),
        cmocka_unit_test(test_dose_parse_refusals), cmocka_unit_test(test_dose_parse_accepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

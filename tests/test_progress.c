/* The progress bar stays silent when standard error is not a terminal, when
 * quiet, and accepts NULL handles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ketsim/progress.h"

static void run_with_stderr_in_file(int quiet, long *bytes)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    ketsim_progress *p = ketsim_progress_create(1000, "test", quiet);
    assert_non_null(p);
    for (size_t i = 0; i <= 1000; i++)
        ketsim_progress_update(p, i);
    struct timespec pause = {1, 100000000}; /* past the one-second delay */
    nanosleep(&pause, NULL);
    ketsim_progress_update(p, 1000);
    ketsim_progress_finish(p);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    fseek(tmp, 0, SEEK_END);
    *bytes = ftell(tmp);
    fclose(tmp);
}

static void test_silent_without_terminal(void **state)
{
    (void)state;
    long bytes;
    run_with_stderr_in_file(0, &bytes);
    assert_int_equal(bytes, 0);
    run_with_stderr_in_file(1, &bytes);
    assert_int_equal(bytes, 0);
}

static void test_null_handle(void **state)
{
    (void)state;
    ketsim_progress_update(NULL, 3);
    ketsim_progress_finish(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_without_terminal),
        cmocka_unit_test(test_null_handle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

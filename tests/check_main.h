/*
 * The main() shared by the Check unit tests: runs one suite and reports each test
 * case through TAP (CK_TAP_LOG_FILE_NAME=- in the test environment), so the test
 * harness counts every case. Include it last, after defining make_suite().
 */
#ifndef FS_CHECK_MAIN_H
#define FS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static Suite *make_suite(void);

int
main(void)
{
    SRunner *sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif

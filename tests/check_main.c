/* SPDX-License-Identifier: MIT */
/* The one Check runner. Each tests/check_<module>.c defines a <module>_suite();
 * suites not linked in are skipped (weak symbols), so modules can land one by one.
 * Honours CK_RUN_SUITE / CK_RUN_CASE / CK_FORK as Check does. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#define SUITES(X) \
    X(names) X(zoneset) X(rdata) X(loader_bind) X(differential) X(corpus) \
    X(panel) X(table) X(inventory) X(lookup) X(route) \
    X(engine) X(sandbox) X(rules) X(seeds) X(whatif) X(fast) X(merge) X(parse)

#define DECL(n) Suite *n##_suite(void) __attribute__((weak));
SUITES(DECL)

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    int added = 0;
#define ADD(n) if (n##_suite) { srunner_add_suite(sr, n##_suite()); added++; }
    SUITES(ADD)
    if (!added) {
        fprintf(stderr, "no test suites linked\n");
        srunner_free(sr);
        return 1;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

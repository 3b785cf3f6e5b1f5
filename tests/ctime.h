/* Constant-time tests under valgrind (the method of libsecp256k1's ctime_tests): secrets are marked
 * undefined with memcheck's client requests; every conditional jump or memory index that depends on them is
 * then reported as a use of uninitialised memory. Run the test program as
 *     valgrind --error-exitcode=42 ./ctime_x
 * (meson does, see tests/meson.build). Library sources under test are compiled into the program with
 * -DTSS_CTIME_VALGRIND so that their TSS_DECLASSIFY points (crypto/ctime_declassify.h) release values that
 * are public by design. Usable by any module: include this header, mark inputs with CTIME_SECRET, mark the
 * outputs you are going to compare with CTIME_PUBLIC, and start main() with CTIME_REQUIRE_VALGRIND().
 *
 * Every such test must also have a positive control: a deliberately variable-time function that the same
 * harness has to flag (a test that cannot fail proves nothing). */
#ifndef TSS_TESTS_CTIME_H
#define TSS_TESTS_CTIME_H

#include <stdio.h>
#include <valgrind/memcheck.h>

/* Mark [p, p+n) secret (undefined) / public (defined). */
#define CTIME_SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define CTIME_PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
/* Outside valgrind the marks are no-ops and nothing would be checked: report "skipped" (exit 77). */
#define CTIME_REQUIRE_VALGRIND()                                                                   \
    do {                                                                                           \
        if (!RUNNING_ON_VALGRIND) {                                                                \
            fprintf(stderr, "not running under valgrind: constant-time checks skipped\n");         \
            return 77;                                                                             \
        }                                                                                          \
    } while (0)
/* Number of memcheck errors so far (a program can also check itself). */
#define CTIME_ERRORS() ((unsigned)VALGRIND_COUNT_ERRORS)

#endif

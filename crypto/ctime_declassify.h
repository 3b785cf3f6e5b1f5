/* Constant-time checking hooks for library code (any module). A value computed from secrets that the
 * protocol makes public anyway (an encoding's validity, a check's outcome, a message about to be sent) is
 * "declassified" before the code branches on it. In normal builds this is nothing; the constant-time test
 * programs (tests/ctime_*.c) compile the module's sources with -DTSS_CTIME_VALGRIND, mark the secrets
 * undefined with tests/ctime.h and run under valgrind, which then reports any branch or memory index that
 * still depends on a secret. */
#ifndef TSS_CTIME_DECLASSIFY_H
#define TSS_CTIME_DECLASSIFY_H

#if defined(TSS_CTIME_VALGRIND)
#include <valgrind/memcheck.h>
#define TSS_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define TSS_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

#endif

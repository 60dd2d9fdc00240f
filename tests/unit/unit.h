/* unit.h - what every cmocka unit test includes. */
#ifndef AGENDAD_TEST_UNIT_H
#define AGENDAD_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* A table row that does not match is reported and counted in the test's
 * local int failures, so that one run shows every wrong row, not only the
 * first; the test asserts failures == 0 at its end. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			print_error(__VA_ARGS__);                                                  \
			print_error("\n");                                                         \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#endif

/* unit.h - what every cmocka unit test includes. */
#ifndef AGENDAD_TEST_UNIT_H
#define AGENDAD_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

#endif

/* err.h - error values shared by every module.
 *
 * An error is classified by what the caller must do, not by where it came from
 * (isync and OpenSMTPD do the same):
 *   ERR_TEMP     retry later: network, server down, lock, busy database
 *   ERR_MESSAGE  this input is bad: record the reason with the message and go on
 *   ERR_FATAL    stop: bad config, schema, disk full, a bug
 * Lower layers fill a caller-owned struct error and return -1; they never log.
 * The place that decides what happens (cycle.c, a main) logs it once. */
#ifndef AGENDAD_ERR_H
#define AGENDAD_ERR_H

#include <stddef.h>

enum err_kind {
	ERR_NONE = 0,
	ERR_TEMP,
	ERR_MESSAGE,
	ERR_FATAL,
};

struct error {
	enum err_kind kind;
	char text[512];
};

/* Sets kind and a printf-formatted text; returns -1 so callers can write
 * `return err_set(error_r, ERR_TEMP, "...")`. error_r may be NULL. */
int err_set(struct error *error_r, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the existing text with "prefix: " (for context added while an
 * error travels up); keeps the kind. Returns -1. */
int err_prefix(struct error *error_r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void err_clear(struct error *error_r);

#endif

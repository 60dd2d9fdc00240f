/* log.h - one line per event on stderr with sd-daemon priority prefixes
 * ("<3>imap: ..."), which journald turns into priorities. Messages name their
 * subsystem first ("imap: ", "store: "). No secrets and no message bodies above
 * debug level. */
#ifndef AGENDAD_LOG_H
#define AGENDAD_LOG_H

#include <stdbool.h>

void log_set_debug(bool debug);
bool log_debug_enabled(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

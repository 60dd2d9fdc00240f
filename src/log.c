/* log.c - stderr logging with sd-daemon priority prefixes; see log.h.
 *
 * journald reads "<N>" at the start of each line as the priority, so under
 * systemd no timestamps are written (journald adds them). One write() per
 * line keeps lines whole when several processes share the stream. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "agendad/log.h"

static bool debug_enabled;

void log_set_debug(bool debug)
{
	debug_enabled = debug;
}

bool log_debug_enabled(void)
{
	return debug_enabled;
}

static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[2048];
	size_t len, plen = strlen(prefix);
	int n;

	memcpy(line, prefix, plen);
	n = vsnprintf(line + plen, sizeof(line) - plen - 1, fmt, ap);
	if (n < 0)
		return;
	len = plen + (size_t)n;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	/* one event, one line: a value with a newline in it must not forge a
	 * second log entry */
	for (size_t i = plen; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}

#define LOG_FN(name, prefix, cond)                 \
	void name(const char *fmt, ...)            \
	{                                          \
		va_list ap;                        \
		if (!(cond))                       \
			return;                    \
		va_start(ap, fmt);                 \
		log_line(prefix, fmt, ap);         \
		va_end(ap);                        \
	}

LOG_FN(log_err, SD_ERR, 1)
LOG_FN(log_warn, SD_WARNING, 1)
LOG_FN(log_notice, SD_NOTICE, 1)
LOG_FN(log_info, SD_INFO, 1)
LOG_FN(log_debug, SD_DEBUG, debug_enabled)

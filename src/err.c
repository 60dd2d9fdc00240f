/* err.c - error values; see include/agendad/err.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agendad/err.h"

int err_set(struct error *error_r, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (error_r == NULL)
		return -1;
	error_r->kind = kind;
	va_start(ap, fmt);
	vsnprintf(error_r->text, sizeof(error_r->text), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct error *error_r, const char *fmt, ...)
{
	char prefix[256];
	size_t plen, tlen, room = sizeof(error_r->text) - 1;
	va_list ap;

	if (error_r == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	strcat(prefix, ": ");
	plen = strlen(prefix);
	tlen = strnlen(error_r->text, room);
	/* the detail is cut at the end, never the context */
	if (plen + tlen > room)
		tlen = room - plen;
	memmove(error_r->text + plen, error_r->text, tlen);
	memcpy(error_r->text, prefix, plen);
	error_r->text[plen + tlen] = '\0';
	return -1;
}

void err_clear(struct error *error_r)
{
	if (error_r == NULL)
		return;
	error_r->kind = ERR_NONE;
	error_r->text[0] = '\0';
}

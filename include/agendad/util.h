/* util.h - allocation, growable buffers, string lists and small string helpers.
 *
 * Out-of-memory is fatal here and nowhere else: x*() functions abort the process
 * with a log line, systemd restarts the daemon, and no other function carries an
 * OOM path. */
#ifndef AGENDAD_UTIL_H
#define AGENDAD_UTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray: realloc for n elements of size, overflow-checked. */
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after len bytes once anything
 * has been appended. Owned by whoever declared it; buf_free() releases data. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Room for extra more bytes without another allocation; b is then a valid
 * (NUL-terminated) string even if it was empty. For a decoder that knows
 * about how much it will write: growing by doubling copied it again and
 * again. */
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_append_str(struct buf *b, const char *s);
void buf_append_char(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data (NUL-terminated, never NULL) to the caller and empties b. */
char *buf_steal(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* A growable array of owned strings. */
struct strlist {
	char **v;
	size_t n;
	size_t cap;
};

/* Takes ownership of s. */
void strlist_push(struct strlist *l, char *s);
void strlist_add(struct strlist *l, const char *s); /* copies s */
bool strlist_contains_ci(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* ASCII-only case-insensitive helpers (mail headers and addresses are ASCII). */
bool str_eq_ci(const char *a, const char *b);
bool str_prefix_ci(const char *s, const char *prefix);
bool str_suffix_ci(const char *s, const char *suffix);
const char *str_find_ci(const char *haystack, const char *needle);
/* Lowercases ASCII letters in place; returns s. */
char *str_lower_ascii(char *s);
/* Trims ASCII whitespace at both ends in place; returns s (moved start). */
char *str_trim(char *s);
bool str_is_blank(const char *s);

/* Reads a whole file (at most max_size bytes); the caller frees *data_r.
 * Returns 0, or -1 with errno set (EFBIG when over max_size). */
int util_read_file(const char *path, size_t max_size, char **data_r, size_t *size_r);

/* The process's stop flag, set by its main (agendad's SIGTERM handler):
 * imap and smtp give up a wait for a stalled server once it is set, rather
 * than after their timeouts. Signals are the process's, so one flag serves
 * every session. NULL (the default, agendactl) never stops. */
void util_set_stop_flag(volatile sig_atomic_t *stop);
bool util_stopping(void);

/* Milliseconds of the monotonic clock: for intervals, which a change of the
 * wall clock must not stretch or cut. */
int64_t util_now_ms(void);

/* Lowercase hex SHA-256 of data into out (65 bytes). */
void util_sha256_hex(const void *data, size_t len, char out[65]);

/* Calendar dates as "YYYY-MM-DD" strings. */
bool util_valid_date(const char *s);
/* Adds days (may be negative) to a YYYY-MM-DD date; out has room for 11 bytes. */
void util_date_add(const char *date, int days, char out[11]);
/* The local calendar day of t in the process time zone (TZ), as YYYY-MM-DD. */
void util_local_day(time_t t, char out[11]);
/* "2026-11-25T17:04:05Z" */
void util_iso8601_utc(time_t t, char out[21]);
/* Valid HH:MM (00:00-23:59). */
bool util_valid_time(const char *s);

#endif

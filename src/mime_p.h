/* mime_p.h - private interface between the files of the MIME stage.
 *
 *   mime.c          message structure (boundaries, limits), body selection,
 *                   attachments, the public API
 *   mime_header.c   header fields: RFC 2047 words, RFC 2045/2231 parameters,
 *                   addresses, Message-ID, dates
 *   mime_charset.c  transfer encodings, charsets to UTF-8, text clean-up,
 *                   format=flowed, long-line splitting
 *   mime_html.c     HTML to plain text (libxml2)
 *   mime_tnef.c     the files inside winmail.dat (application/ms-tnef)
 *
 * Every function here works on (pointer, length) input, never on C strings
 * taken from the message, because a message may contain NUL bytes. Output
 * goes to a caller-owned struct buf and is always valid UTF-8. */
#ifndef AGENDAD_MIME_P_H
#define AGENDAD_MIME_P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "agendad/util.h"

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- eight bytes at a time ----
 * The scanners look at eight bytes at once where text is plain ASCII, as
 * most mail is. A mask has the high bit set in each byte of interest, and
 * borrows may set it in bytes above one of them, never below: its lowest
 * set bit is the first byte to look at one by one. */
#define MIME_ONES  0x0101010101010101ULL
#define MIME_HIGHS 0x8080808080808080ULL

static inline uint64_t mime_load8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* The bytes of x below n (n at most 0x80). */
static inline uint64_t mime_below8(uint64_t x, unsigned n)
{
	return (x - n * MIME_ONES) & ~x & MIME_HIGHS;
}

/* The bytes of x equal to c. */
static inline uint64_t mime_equal8(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (c * MIME_ONES);

	return (y - MIME_ONES) & ~y & MIME_HIGHS;
}

/* The index of the first byte marked in mask (not 0). Where the byte order
 * is not known, 0: the caller then looks at every byte, which is slower. */
static inline size_t mime_first8(uint64_t mask)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(mask) / 8;
#else
	(void)mask;
	return 0;
#endif
}

/* ---- mime_charset.c ---- */

/* memmem() for the hot loops: the first needle in s[0..len), or NULL. Built
 * on memchr() so that its cost ends at the match under ASan too, whose
 * memmem() interceptor checks the whole haystack on every call. */
const char *mime_find(const char *s, size_t len, const char *needle, size_t needle_len);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and values past U+10FFFF are not). */
size_t mime_utf8_seq_len(const unsigned char *s, size_t len);
bool mime_utf8_valid(const char *s, size_t len);

/* Appends data, in the charset called label (NULL or "" when none was
 * given), to out as UTF-8. Never fails: labels that claim ASCII or UTF-8 and
 * unknown labels keep valid UTF-8 sequences and read every other byte as
 * Windows-1252; Latin-1 labels are read as Windows-1252 (its superset), or as
 * UTF-8 when the bytes are valid UTF-8 with non-ASCII in them. */
void mime_charset_to_utf8(const char *label, const char *data, size_t len, struct buf *out);

/* ---- mime_tnef.c ---- */

/* A file inside winmail.dat (application/ms-tnef). */
struct mime_tnef_file {
	char *name; /* UTF-8, or NULL; owned */
	size_t size; /* bytes */
};

/* The files a TNEF stream carries, at most max, into files_r; 0 files when
 * it holds only the mail's formatting. -1 when data is no TNEF stream or is
 * cut short: then nothing is returned. */
int mime_tnef_files(const char *data, size_t len, struct mime_tnef_file *files_r, size_t max,
		    size_t *n_r);

/* mime_charset_to_utf8() and then mime_clean_text(), without the copy in
 * between when the bytes are (or are read as) UTF-8 already. */
void mime_text_to_utf8(const char *label, const char *data, size_t len, struct buf *out);

/* Transfer decodings. Both are total: bytes that do not belong are skipped
 * (base64) or kept literally (quoted-printable). header selects RFC 2047's
 * Q form, where '_' is a space. */
void mime_base64_decode(const char *data, size_t len, struct buf *out);
void mime_qp_decode(const char *data, size_t len, bool header, struct buf *out);
/* What mime_base64_decode() would append, without the memory. */
size_t mime_base64_size(const char *data, size_t len);

/* Appends UTF-8 text with CRLF and lone CR turned into LF, and NUL, other C0
 * and C1 controls, DEL and U+FEFF removed (tab and LF stay). */
void mime_clean_text(const char *text, size_t len, struct buf *out);

/* As mime_clean_text(), with every run of whitespace (tab, CR and LF too)
 * as one space: a header value on one line. */
void mime_clean_line(const char *text, size_t len, struct buf *out);

/* RFC 3676: appends text (clean UTF-8, LF) with flowed lines joined; quoted
 * lines come out as "> " per level. */
void mime_unflow(const char *text, size_t len, bool delsp, struct buf *out);

/* Splits lines longer than max bytes, at a space where one is near the end,
 * else at a character boundary. Returns text (or a new string, freeing
 * text). */
char *mime_split_long_lines(char *text, size_t max);

/* ---- mime_header.c ---- */

/* Appends the RFC 2047 decoding of a header value (unfolded or not) to out:
 * clean UTF-8 on one line, whitespace runs as one space, not trimmed. */
void mime_decode_words(const char *value, size_t len, struct buf *out);

/* A copy of value (a raw header value) with folding removed and NUL bytes
 * dropped; the caller frees it. */
char *mime_unfold(const char *value, size_t len);

/* Whether a line (without its line ending) starts a header field: a name of
 * printable characters, optional blanks, then a colon. */
bool mime_is_field_line(const char *line, size_t len);

/* Header fields of a raw header block, in order. Names point into the block;
 * raw values are the folded bytes after the colon. */
struct mime_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};
/* Calls fn for each field; stops early when fn returns false. */
void mime_fields_foreach(const char *block, size_t len,
			 bool (*fn)(const struct mime_field *field, void *ctx), void *ctx);
/* The unfolded value of the first field called names[k] (case-insensitive)
 * in values_r[k], or NULL, for each of n names in one pass; the caller frees
 * them. */
void mime_fields_get(const char *block, size_t len, const char *const *names, size_t n,
		     char **values_r);

/* From a Content-Type or Content-Disposition value: the lowercased first
 * token ("text/plain", "attachment"), never NULL; the caller frees it. */
char *mime_value_token(const char *value);
/* The parameter called name of a structured value, assembled from RFC 2231
 * sections and decoded (RFC 2231 charset, or RFC 2047 words, or raw bytes
 * repaired) to UTF-8 when decode is set; raw unquoted bytes when not (a
 * boundary). NULL when absent; the caller frees it. */
char *mime_param(const char *value, const char *name, bool decode);

/* The lowercased addr-spec and the decoded display name of the first mailbox
 * in an address header (raw value); each NULL when not found. */
void mime_parse_address(const char *value, char **addr_r, char **name_r);
/* The id between angle brackets (or the bare token), or NULL. */
char *mime_parse_msgid(const char *value);
/* RFC 5322 date with the obsolete forms and zone names; 0 when unreadable. */
time_t mime_parse_date(const char *value);

/* ---- mime_html.c ---- */

/* Appends the text of an HTML document (UTF-8) to out: block elements as
 * lines, paragraphs separated by a blank line, lists as "- " and "1. ",
 * table rows as lines of cells, blockquotes as "> " lines; nothing from
 * head, style, script or comments. */
void mime_html_to_text(const char *html, size_t len, struct buf *out);
/* The charset named by a <meta> element near the start of raw HTML, or
 * NULL; the caller frees it. */
char *mime_html_meta_charset(const char *html, size_t len);

#endif

/* mime_charset.c - transfer encodings, charsets to UTF-8 and text clean-up for
 * the MIME stage; see mime_p.h.
 *
 * Every decoder here is total: mail that is mislabeled or broken decodes as
 * well as it can and never fails, because a question must not be lost to a
 * wrong charset label. Windows-1252 is done by table rather than by iconv:
 * glibc's CP1252 rejects the five bytes the code page leaves undefined, and
 * the repair path must accept every byte. Everything else goes through iconv.
 * All loops are linear in their input: a 25 MB message passes each of them
 * once. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime_p.h"

/* Windows-1252 0x80-0x9F; 0 marks the undefined bytes, which are dropped. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

const char *mime_find(const char *s, size_t len, const char *needle, size_t needle_len)
{
	const char *end = s + len;

	if (needle_len == 0)
		return s;
	while ((size_t)(end - s) >= needle_len) {
		const char *p = memchr(s, needle[0], (size_t)(end - s) - needle_len + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, needle_len) == 0)
			return p;
		s = p + 1;
	}
	return NULL;
}

/* The first index at or after i of a byte >= 0x80, or len. */
static size_t skip_ascii(const unsigned char *p, size_t i, size_t len)
{
	while (len - i >= 8 && (mime_load8(p + i) & MIME_HIGHS) == 0)
		i += 8;
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

/* Bytes of text that mime_clean_text() passes on as they are, but for LF,
 * tab and UTF-8: controls, DEL and 8-bit. */
static uint64_t unprintable8(const unsigned char *p)
{
	uint64_t x = mime_load8(p);

	return mime_below8(x, 0x20) | mime_equal8(x, 0x7F) | (x & MIME_HIGHS);
}

static void append_codepoint(struct buf *out, uint32_t cp)
{
	char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xE0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		s[0] = (char)(0xF0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_append(out, s, n);
}

/* A byte Windows-1252 leaves undefined: repair drops it. */
static bool cp1252_hole(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 && cp1252_c1[c - 0x80] == 0;
}

static void append_cp1252(struct buf *out, unsigned char c)
{
	if (c < 0x80)
		buf_append_char(out, (char)c);
	else if (c < 0xA0) {
		if (cp1252_c1[c - 0x80] != 0)
			append_codepoint(out, cp1252_c1[c - 0x80]);
	} else
		append_codepoint(out, c);
}

size_t mime_utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return len >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0) /* overlong */
			return 0;
		if (c == 0xED && s[1] >= 0xA0) /* surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90) /* overlong */
			return 0;
		if (c == 0xF4 && s[1] >= 0x90) /* past U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

bool mime_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while ((i = skip_ascii(p, i, len)) < len) {
		size_t n = p[i] >= 0xC2 && p[i] <= 0xDF && i + 1 < len && (p[i + 1] & 0xC0) == 0x80
			       ? 2 /* åäö, the common case */
			       : mime_utf8_seq_len(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

static bool has_8bit(const char *s, size_t len)
{
	return skip_ascii((const unsigned char *)s, 0, len) < len;
}

/* Valid UTF-8 sequences are kept, every other byte is read as Windows-1252:
 * this repairs both a UTF-8 label on Windows-1252 text and the odd stray byte
 * in otherwise good UTF-8, without mangling the good part. */
static void utf8_or_cp1252(const char *s, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while ((i = skip_ascii(p, i, len)) < len) {
		size_t n = mime_utf8_seq_len(p + i, len - i);
		if (n > 0) {
			i += n;
			continue;
		}
		buf_append(out, s + run, i - run);
		append_cp1252(out, p[i]);
		run = ++i;
	}
	buf_append(out, s + run, len - run);
}

static void cp1252_to_utf8(const char *s, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0x80)
			continue;
		buf_append(out, s + run, i - run);
		append_cp1252(out, p[i]);
		run = i + 1;
	}
	buf_append(out, s + run, len - run);
}

/* Converts with iconv; a byte iconv rejects becomes U+FFFD and conversion
 * goes on after it. Returns false when iconv does not know the charset. */
static bool iconv_to_utf8(const char *charset, const char *data, size_t len, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	char chunk[8192];
	/* iconv's prototype is not const-correct; it never writes the input */
	char *in = (char *)(uintptr_t)data;
	size_t in_left = len;

	if (cd == (iconv_t)-1)
		return false;
	while (in_left > 0) {
		char *o = chunk;
		size_t o_left = sizeof(chunk);
		size_t r = iconv(cd, &in, &in_left, &o, &o_left);
		int saved = errno;

		buf_append(out, chunk, sizeof(chunk) - o_left);
		if (r != (size_t)-1)
			break;
		if (saved == E2BIG)
			continue;
		buf_append_str(out, "\xEF\xBF\xBD");
		if (saved == EILSEQ) {
			in++;
			in_left--;
		} else /* EINVAL: an incomplete sequence at the end */
			break;
	}
	char *o = chunk;
	size_t o_left = sizeof(chunk);
	iconv(cd, NULL, NULL, &o, &o_left);
	buf_append(out, chunk, sizeof(chunk) - o_left);
	iconv_close(cd);
	return true;
}

enum charset_class {
	CS_UTF8,   /* UTF-8, ASCII, no label, and labels that mean "unknown" */
	CS_LATIN1, /* ISO-8859-1 and Windows-1252, read as Windows-1252 */
	CS_SINGLE, /* another single-byte ISO-8859 or Windows code page */
	CS_OTHER,  /* for iconv */
};

static const char *const utf8_labels[] = {
    "",          "utf-8",      "utf8",         "us-ascii",  "ascii",   "us",      "ansi_x3.4-1968",
    "iso646-us", "iso-646-us", "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined",
    "cp65001",   "utf-8-sig",  "7bit",         "8bit",
};

static const char *const latin1_labels[] = {
    "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "iso-ir-100",   "latin1", "latin-1",
    "l1",         "cp819",     "ibm819",     "csisolatin1",     "windows-1252", "cp1252", "cp-1252",
    "win-1252",   "x-cp1252",  "ms-ansi",    "windows1252",     "iso-8859-1-i", "ansi",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

static enum charset_class classify_charset(const char *label, char name[64])
{
	size_t n = 0;

	/* "UTF-8", " \"utf-8\" ", "utf-8*sv" (RFC 2231 language) */
	if (label != NULL) {
		while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
			label++;
		for (; *label != '\0' && n < 63; label++) {
			char c = *label;
			if (c == '"' || c == '\'' || c == '*' || c == ' ' || c == '\t' || c == ';')
				break;
			name[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
	}
	name[n] = '\0';
	if (in_list(name, utf8_labels, N_ELEMENTS(utf8_labels)))
		return CS_UTF8;
	if (in_list(name, latin1_labels, N_ELEMENTS(latin1_labels)))
		return CS_LATIN1;
	if (strncmp(name, "iso-8859-", 9) == 0 || strncmp(name, "iso8859-", 8) == 0 ||
	    strncmp(name, "iso_8859-", 9) == 0 || strncmp(name, "windows-125", 11) == 0 ||
	    strncmp(name, "cp125", 5) == 0 || strncmp(name, "latin", 5) == 0)
		return CS_SINGLE;
	return CS_OTHER;
}

void mime_charset_to_utf8(const char *label, const char *data, size_t len, struct buf *out)
{
	char name[64];
	enum charset_class cls = classify_charset(label, name);

	/* keeps out a valid (NUL-terminated) buffer even for empty input */
	buf_reserve(out, len);
	if (cls != CS_OTHER && !has_8bit(data, len)) {
		buf_append(out, data, len);
		return;
	}
	switch (cls) {
	case CS_UTF8:
		utf8_or_cp1252(data, len, out);
		return;
	case CS_LATIN1:
	case CS_SINGLE:
		/* A Latin label on bytes that are valid UTF-8 with non-ASCII in
		 * them is a mislabel: Latin-1 text with åäö is practically never
		 * valid UTF-8 by accident. */
		if (mime_utf8_valid(data, len)) {
			buf_append(out, data, len);
			return;
		}
		if (cls == CS_LATIN1) {
			cp1252_to_utf8(data, len, out);
			return;
		}
		break;
	case CS_OTHER:
		break;
	}
	if (!iconv_to_utf8(name, data, len, out))
		utf8_or_cp1252(data, len, out);
}

/* Base64 digit values, with the URL-safe '-' and '_' some tools send; 64
 * marks a byte that is not a digit. */
#define X 64
static const unsigned char b64_values[256] = {
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0x00 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0x10 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  62, X,  62, X,  63, /* 0x20 */
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X,  X,  X,  X,  X,  X,  /* 0x30 */
    X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, /* 0x40 */
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X,  X,  X,  X,  63, /* 0x50 */
    X,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, /* 0x60 */
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X,  X,  X,  X,  X,  /* 0x70 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0x80 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0x90 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0xa0 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0xb0 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0xc0 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0xd0 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0xe0 */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  /* 0xf0 */
};
#undef X

void mime_base64_decode(const char *data, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;
	uint32_t acc = 0;
	int bits = 0;

	/* every 4 digits make at most 3 bytes: they are written in place */
	buf_reserve(out, len / 4 * 3 + 3);
	unsigned char *o = (unsigned char *)out->data + out->len, *start = o;
	while (i < len) {
		if (len - i >= 4) {
			/* four digits in a row, the common case: a whole quantum
			 * (when bits is not 0, the earlier bits stay below it) */
			uint32_t a = b64_values[p[i]], b = b64_values[p[i + 1]];
			uint32_t c = b64_values[p[i + 2]], d = b64_values[p[i + 3]];
			if ((a | b | c | d) < 64) {
				acc = (acc << 24) | (a << 18) | (b << 12) | (c << 6) | d;
				o[0] = (unsigned char)(acc >> (bits + 16));
				o[1] = (unsigned char)(acc >> (bits + 8));
				o[2] = (unsigned char)(acc >> bits);
				o += 3;
				i += 4;
				continue;
			}
		}
		uint32_t v = b64_values[p[i]];
		if (v >= 64) {
			/* '=' ends a quantum: what follows may be a second base64
			 * stream glued on by a broken encoder */
			if (p[i] == '=') {
				acc = 0;
				bits = 0;
			}
			i++;
			continue;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(acc >> bits);
		}
		i++;
	}
	out->len += (size_t)(o - start);
	out->data[out->len] = '\0';
}

size_t mime_base64_size(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t n = 0, digits = 0, i = 0;

	/* mime_base64_decode() makes 6 bits of each digit into whole bytes and
	 * drops the rest at each '=' */
	while (i < len) {
		if (len - i >= 8 && mime_equal8(mime_load8(p + i), '=') == 0) {
			for (size_t k = 0; k < 8; k++)
				digits += b64_values[p[i + k]] < 64;
			i += 8;
			continue;
		}
		digits += b64_values[p[i]] < 64;
		if (p[i] == '=') {
			n += digits * 6 / 8;
			digits = 0;
		}
		i++;
	}
	return n + digits * 6 / 8;
}

void mime_text_to_utf8(const char *label, const char *data, size_t len, struct buf *out)
{
	char name[64];
	enum charset_class cls = classify_charset(label, name);
	struct buf utf = {0};

	/* Text that mime_charset_to_utf8() would copy as it is, or read as
	 * UTF-8 with Windows-1252 for the bytes that are not, is cleaned
	 * straight away: mime_clean_text() makes the same repair. */
	if (cls == CS_UTF8 || (cls != CS_OTHER && mime_utf8_valid(data, len))) {
		mime_clean_text(data, len, out);
		return;
	}
	mime_charset_to_utf8(label, data, len, &utf);
	mime_clean_text(utf.data, utf.len, out);
	buf_free(&utf);
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void mime_qp_decode(const char *data, size_t len, bool header, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;

	/* nothing decodes to more bytes than it takes: written in place */
	buf_reserve(out, len);
	char *o = out->data + out->len, *start = o;
	while (i < len) {
		size_t run = i;
		if (header)
			while (i < len && p[i] != '=' && p[i] != '_')
				i++;
		else {
			const char *eq = memchr(data + i, '=', len - i);
			i = eq != NULL ? (size_t)(eq - data) : len;
		}
		memcpy(o, data + run, i - run);
		o += i - run;
		if (i == len)
			break;
		if (p[i] == '_') {
			*o++ = ' ';
			i++;
			continue;
		}
		int hi = i + 2 < len ? hex_value(p[i + 1]) : -1;
		int lo = hi >= 0 ? hex_value(p[i + 2]) : -1;
		if (lo >= 0) {
			*o++ = (char)(hi * 16 + lo);
			i += 3;
			continue;
		}
		/* a soft line break, possibly with whitespace a transport added
		 * after the '=' */
		size_t j = i + 1;
		while (j < len && (p[j] == ' ' || p[j] == '\t'))
			j++;
		if (j == len)
			i = j;
		else if (p[j] == '\n')
			i = j + 1;
		else if (p[j] == '\r')
			i = (j + 1 < len && p[j + 1] == '\n') ? j + 2 : j + 1;
		else {
			*o++ = '=';
			i++;
		}
	}
	out->len += (size_t)(o - start);
	out->data[out->len] = '\0';
}

void mime_clean_text(const char *text, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, run = 0;

	buf_reserve(out, len);
	while (i < len) {
		if (len - i >= 8) {
			uint64_t m = unprintable8(p + i);
			if (m == 0) {
				i += 8;
				continue;
			}
			i += mime_first8(m);
		}
		if ((p[i] >= 0x20 && p[i] < 0x7F) || p[i] == '\n' || p[i] == '\t') {
			i++;
			continue;
		}
		if (p[i] >= 0xC3 && p[i] <= 0xDF && i + 1 < len && (p[i + 1] & 0xC0) == 0x80) {
			i += 2; /* åäö and the rest of Latin-1, never C1 */
			continue;
		}
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t n = mime_utf8_seq_len(p + i, len - i);
			if (n == 0) {
				/* not UTF-8 after all: repair rather than drop */
				buf_append(out, text + run, i - run);
				append_cp1252(out, c);
				run = ++i;
				continue;
			}
			bool c1 = c == 0xC2 && p[i + 1] < 0xA0;
			bool bom = c == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF;
			if (!c1 && !bom) {
				i += n;
				continue;
			}
			buf_append(out, text + run, i - run);
			i += n;
			run = i;
			continue;
		}
		buf_append(out, text + run, i - run);
		if (c == '\r') {
			/* Of CRLF only the CR goes: the LF starts the next run.
			 * The bytes the repair drops do not part them, as they
			 * would not after utf8_or_cp1252(). */
			size_t j = i + 1;
			while (j < len && cp1252_hole(p[j]))
				j++;
			if (j < len && p[j] == '\n') {
				run = i = j;
				continue;
			}
			buf_append_char(out, '\n');
		}
		run = ++i;
	}
	buf_append(out, text + run, i - run);
}

void mime_clean_line(const char *text, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	bool space = false;
	size_t i = 0;

	/* one byte out for each byte in, but for repairs: written in place */
	buf_reserve(out, len);
	char *o = out->data + out->len;
	while (i < len) {
		if (len - i >= 8) {
			/* printable ASCII but space is copied as it is */
			uint64_t x = mime_load8(p + i);
			uint64_t m = mime_below8(x, 0x21) | mime_equal8(x, 0x7F) | (x & MIME_HIGHS);
			size_t k = m == 0 ? 8 : mime_first8(m);
			if (k > 0) {
				memcpy(o, p + i, k);
				o += k;
				i += k;
				space = false;
				continue;
			}
		}
		unsigned char c = p[i];
		if (c > ' ' && c < 0x7F) {
			*o++ = (char)c;
			space = false;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (!space)
				*o++ = ' ';
			space = true;
			i++;
			continue;
		}
		if (c < 0x80) { /* the other controls and DEL */
			i++;
			continue;
		}
		size_t n = mime_utf8_seq_len(p + i, len - i);
		if (n == 0) {
			/* as mime_clean_text(): Windows-1252, up to three bytes
			 * for one, or none for its undefined bytes */
			out->len = (size_t)(o - out->data);
			size_t before = out->len;
			append_cp1252(out, c);
			if (out->len != before)
				space = false;
			i++;
			buf_reserve(out, len - i);
			o = out->data + out->len;
			continue;
		}
		bool c1 = c == 0xC2 && p[i + 1] < 0xA0;
		bool bom = c == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF;
		if (!c1 && !bom) {
			memcpy(o, p + i, n);
			o += n;
			space = false;
		}
		i += n;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

void mime_unflow(const char *text, size_t len, bool delsp, struct buf *out)
{
	size_t pos = 0;
	bool open = false; /* the last line written was flowed */
	size_t open_depth = 0;

	buf_append(out, "", 0);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		const char *line = text + pos;
		size_t n = end - pos, depth = 0;

		pos = nl != NULL ? end + 1 : len;
		while (depth < n && line[depth] == '>')
			depth++;
		line += depth;
		n -= depth;
		if (n > 0 && line[0] == ' ') { /* space-stuffing */
			line++;
			n--;
		}
		bool sig = n == 3 && memcmp(line, "-- ", 3) == 0;
		bool flowed = !sig && n > 0 && line[n - 1] == ' ';

		if (open && depth != open_depth) {
			/* a flowed line followed by another quote depth ends its
			 * paragraph (RFC 3676 4.5) */
			buf_append_char(out, '\n');
			open = false;
		}
		if (!open && depth > 0) {
			for (size_t i = 0; i < depth; i++)
				buf_append_char(out, '>');
			buf_append_char(out, ' ');
		}
		if (flowed && delsp)
			n--;
		buf_append(out, line, n);
		if (flowed) {
			open = true;
			open_depth = depth;
		} else {
			open = false;
			if (nl != NULL)
				buf_append_char(out, '\n');
		}
	}
	if (open)
		buf_append_char(out, '\n');
}

char *mime_split_long_lines(char *text, size_t max)
{
	size_t len = strlen(text), pos = 0;
	struct buf out = {0};
	bool any = false;

	if (max == 0)
		return text;
	if (max < 8)
		max = 8;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		while (end - pos > max) {
			size_t cut = pos + max, brk;

			/* a space in the second half of the window, else the last
			 * character boundary: each step emits at least max/2 bytes,
			 * so the backward search stays linear */
			for (brk = cut; brk > pos + max / 2 && text[brk] != ' '; brk--)
				;
			if (text[brk] == ' ') {
				buf_append(&out, text + pos, brk - pos);
				pos = brk + 1;
			} else {
				while (cut > pos + 1 && ((unsigned char)text[cut] & 0xC0) == 0x80)
					cut--;
				buf_append(&out, text + pos, cut - pos);
				pos = cut;
			}
			buf_append_char(&out, '\n');
			any = true;
		}
		buf_append(&out, text + pos, end - pos);
		if (nl != NULL)
			buf_append_char(&out, '\n');
		pos = nl != NULL ? end + 1 : len;
	}
	if (!any) {
		buf_free(&out);
		return text;
	}
	free(text);
	return buf_steal(&out);
}

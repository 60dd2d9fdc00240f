/* outbox.c - outgoing mail: composing RFC 5322 / MIME messages, and the state
 * machine of a mail in the outbox; see outbox.h.
 *
 * Invariants of the outbox (store.c keeps the rows, this file decides the
 * transitions; each numbered rule is asserted where it can be):
 *
 *   1. Every outgoing mail is one outbox row whose Message-ID and raw bytes are
 *      fixed when it is queued and never change. It is queued in the SAME
 *      transaction as the state it belongs to (an acknowledgement marked done,
 *      a draft marked sent): store_outbox_queue() does both, so a crash can
 *      neither forget a mail nor queue it twice.
 *   2. A row's status is one of queued, sending, sent, failed, and it changes
 *      only along the diagram below, one commit point per arrow, each made by
 *      exactly one function of this file through store_outbox_transition(),
 *      which refuses a row that is not in the expected status.
 *   3. A row is claimed (queued -> sending, committed) before its SMTP
 *      transaction starts. No mail leaves while its row says queued.
 *   4. On start-up, rows left in sending by a crash go back to queued and are
 *      sent again with the SAME Message-ID and bytes. Delivery is therefore
 *      at-least-once: if we die between the server's final 250 and our commit
 *      of "sent", the recipient gets the mail twice (with the same Message-ID,
 *      which some servers, Gmail for one, fold into one; Outlook shows two).
 *      That is the cost, and we choose it over at-most-once (marking "sent"
 *      before sending) because the at-most-once window is the whole SMTP
 *      session, seconds to minutes of network time in which any failure would
 *      silently lose a mail, while the at-least-once window is the
 *      microseconds between reading "250" and one SQLite commit. A crash at
 *      any commit point itself sends nothing twice.
 *   5. A temporary failure (connection, TLS, 4xx, refused login) puts the row
 *      back to queued with attempts + 1 and next_attempt = now +
 *      outbox_backoff() (60 s doubling to 1 hour, jittered); once the row is
 *      older than OUTBOX_GIVE_UP seconds (about 2 days) it becomes failed.
 *   6. A permanent failure (a 5xx about this message) makes the row failed at
 *      once, with the server's reply in last_error for the secretary.
 *   7. sent and failed are final: nothing here moves a row out of them.
 *
 * The state diagram of an outgoing mail, with the one function that makes
 * each arrow:
 *
 *                     store_outbox_queue()
 *                             |
 *                             v
 *            +----------->  queued  <------------------------------+
 *            |                |                                    |
 *            |                | outbox_claim()                     |
 *            |                v                                    |
 *   outbox_recover()       sending --- outbox_settle(TEMPFAIL) ----+
 *   (start-up, rule 4)      | | | |
 *            +--------------+ | | +--- outbox_settle(SENT) -----------------> sent
 *                             | +----- outbox_settle(PERMFAIL), or ---------> failed
 *                             |        outbox_settle(TEMPFAIL) past             ^
 *                             |        OUTBOX_GIVE_UP                           |
 *                             +------- outbox_recover() past OUTBOX_GIVE_UP ----+
 *
 * Composition is pure: the same mail, Message-ID and date always give the
 * same bytes (the MIME boundaries derive from the Message-ID), which the
 * crash tests rely on when they compare sent mail across runs. */
#include <assert.h>
#include <gnutls/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "agendad/outbox.h"

/* Rule 5: how long a mail may keep failing temporarily before it is given up. */
#define OUTBOX_GIVE_UP (2 * 24 * 3600)
#define BACKOFF_FIRST 60
#define BACKOFF_CAP 3600

/* Header lines are folded before 78 columns (RFC 5322 2.1.1); lines with
 * encoded words stay within 76 (RFC 2047 2). Nothing here can produce a line
 * over 998 octets: every unbreakable token is bounded below. */
#define HEADER_FOLD 78
#define ENCODED_LINE 76
#define ENCODED_WORD_MAX 75
#define QP_LINE 76
#define BASE64_LINE 76

/* Bounds on what reaches a header, in bytes of UTF-8. */
#define SUBJECT_MAX 1000
#define NAME_MAX_BYTES 200
#define QUOTED_NAME_MAX 60
#define FILENAME_MAX_BYTES 200
#define MSGID_MAX 250
#define REFERENCES_MAX 12
#define CONTENT_TYPE_MAX 200
#define ADDR_MAX 254
#define LOCAL_PART_MAX 64

/* ---- UTF-8 ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0 when it
 * is not one (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp_r)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return n;
}

/* Control characters of every kind, and the Unicode line separators that
 * some clients render as line breaks. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029;
}

/* A copy of s fit for a header: valid UTF-8 (invalid bytes become U+FFFD),
 * every control character (CR and LF above all) replaced by a space, runs of
 * spaces collapsed, trimmed, and cut to at most max bytes on a character
 * boundary. This is the one gate through which text reaches a header. */
static char *header_text(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t len = strlen((const char *)p);
	struct buf b = { 0 };
	bool space = true; /* drops leading spaces */

	buf_append(&b, "", 0);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		const char *bytes = (const char *)p + i;
		if (n == 0) {
			bytes = "\xef\xbf\xbd";
			cp = 0xfffd;
			n = 3;
			i++;
		} else {
			i += n;
		}
		if (n == 1 && (is_control(cp) || cp == ' ')) {
			space = true;
			continue;
		}
		if (n > 1 && is_control(cp)) {
			space = true;
			continue;
		}
		if (b.len + (space && b.len > 0 ? 1 : 0) + n > max)
			break;
		if (space && b.len > 0)
			buf_append_char(&b, ' ');
		space = false;
		buf_append(&b, bytes, n);
	}
	return buf_steal(&b);
}

static bool is_ascii_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* ---- addresses and message ids ------------------------------------------ */

static bool is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* addr-spec with a dot-atom local part and a host-name domain: what every
 * real association uses. Quoted local parts, domain literals and
 * internationalised addresses (which need SMTPUTF8) are refused. */
static bool valid_addr_spec(const char *s)
{
	const char *at = strchr(s, '@');
	size_t local_len, label = 0;

	if (at == NULL || strchr(at + 1, '@') != NULL || strlen(s) > ADDR_MAX)
		return false;
	local_len = (size_t)(at - s);
	if (local_len == 0 || local_len > LOCAL_PART_MAX || s[0] == '.' || at[-1] == '.')
		return false;
	for (const char *p = s; p < at; p++)
		if (!(is_atext((unsigned char)*p) || (*p == '.' && p[1] != '.')))
			return false;
	if (at[1] == '\0')
		return false;
	for (const char *p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
			continue;
		}
		bool ldh = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '-';
		if (!ldh || (label == 0 && *p == '-'))
			return false;
		label++;
	}
}

/* A printable copy of hostile input for an error text. */
static void printable_copy(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s != NULL && *s != '\0' && i + 1 < size; s++)
		out[i++] = (unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f ? '?' : *s;
	out[i] = '\0';
}

/* A message id from outside (In-Reply-To, References) or ours, reduced to the
 * characters a msg-id may hold: no blanks, controls, brackets or quotes, so
 * it can never end the header or open another one. What is left must still
 * look like an id (left@right). */
static bool clean_msgid(const char *s, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("<>\"\\(),;", c) != NULL)
			continue;
		if (n + 1 >= size)
			return false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n > 2 && out[0] != '@' && out[n - 1] != '@' && strchr(out, '@') != NULL;
}

/* ---- header writer ------------------------------------------------------ */

struct header {
	struct buf *out;
	size_t col; /* octets on the current line */
};

static void header_start(struct header *h, const char *name)
{
	buf_append_str(h->out, name);
	buf_append_char(h->out, ':');
	h->col = strlen(name) + 1;
}

/* Appends " token", folding before it when the line would pass limit. The
 * fold is at whitespace that separates tokens anyway, so unfolding restores
 * the same value. */
static void header_token_limit(struct header *h, const char *token, size_t len, size_t limit)
{
	if (h->col + 1 + len > limit && h->col > 0) {
		buf_append_str(h->out, "\r\n ");
		h->col = 1;
	} else {
		buf_append_char(h->out, ' ');
		h->col++;
	}
	buf_append(h->out, token, len);
	h->col += len;
}

static void header_token(struct header *h, const char *token, size_t len)
{
	header_token_limit(h, token, len, HEADER_FOLD);
}

static void header_end(struct header *h)
{
	buf_append_str(h->out, "\r\n");
	h->col = 0;
}

/* Q-encoding for words in a phrase (RFC 2047 5(3)): the strictest set, so the
 * same words are also valid in an unstructured Subject. */
static size_t q_len(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == ' ' || (c != '\0' && strchr("!*+-/", c) != NULL))
		return 1;
	return 3;
}

static void q_append(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	if (c == ' ')
		buf_append_char(b, '_');
	else if (q_len(c) == 1)
		buf_append_char(b, (char)c);
	else
		buf_printf(b, "=%c%c", hex[c >> 4], hex[c & 15]);
}

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_append(struct buf *b, const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t n = len - i;
		if (n > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (n > 2)
			v |= data[i + 2];
		char quad[4] = { b64_alphabet[(v >> 18) & 63], b64_alphabet[(v >> 12) & 63],
				 n > 1 ? b64_alphabet[(v >> 6) & 63] : '=',
				 n > 2 ? b64_alphabet[v & 63] : '=' };
		buf_append(b, quad, 4);
	}
}

/* Writes text (clean UTF-8, non-empty) as a run of encoded words, each at most
 * 75 characters and each line at most 76, never splitting a character
 * between words (RFC 2047 5 and 6.3). Q when it is shorter (Swedish text with
 * a few åäö), else B. */
static void header_encoded(struct header *h, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text), qtotal = 0, i = 0;
	const size_t overhead = strlen("=?utf-8?Q?") + strlen("?=");
	struct buf word = { 0 };
	bool use_b;

	for (size_t k = 0; k < len; k++)
		qtotal += q_len(p[k]);
	use_b = qtotal > (len + 2) / 3 * 4;
	while (i < len) {
		size_t room = h->col + 1 < ENCODED_LINE ? ENCODED_LINE - h->col - 1 : 0;
		size_t max, start = i, enc = 0;
		if (room > ENCODED_WORD_MAX)
			room = ENCODED_WORD_MAX;
		/* too little room for a useful word: start it on a new line */
		max = room < overhead + 12 ? ENCODED_WORD_MAX : room;
		while (i < len) {
			uint32_t cp;
			size_t n = utf8_seq(p + i, len - i, &cp), add = 0;
			assert(n > 0); /* header_text() made it valid */
			if (use_b) {
				add = ((i + n - start) + 2) / 3 * 4 - enc;
			} else {
				for (size_t k = 0; k < n; k++)
					add += q_len(p[i + k]);
			}
			if (overhead + enc + add > max && i > start)
				break;
			enc += add;
			i += n;
		}
		buf_reset(&word);
		buf_append_str(&word, use_b ? "=?utf-8?B?" : "=?utf-8?Q?");
		if (use_b)
			base64_append(&word, p + start, i - start);
		else
			for (size_t k = start; k < i; k++)
				q_append(&word, p[k]);
		buf_append_str(&word, "?=");
		assert(word.len <= ENCODED_WORD_MAX);
		header_token_limit(h, word.data, word.len, ENCODED_LINE);
	}
	buf_free(&word);
}

/* Text goes out as encoded words when it is not printable ASCII, when it
 * holds "=?" (a decoder would take that for an encoded word), or when a word
 * is longer than max_word (plain words cannot be folded inside). */
static bool needs_encoding(const char *text, size_t max_word)
{
	size_t word = 0;

	if (!is_ascii_printable(text) || strstr(text, "=?") != NULL)
		return true;
	for (const char *p = text; *p != '\0'; p++) {
		word = *p == ' ' ? 0 : word + 1;
		if (word > max_word)
			return true;
	}
	return false;
}

/* Unstructured text (Subject): plain words folded at spaces, or encoded. */
static void header_unstructured(struct header *h, const char *text)
{
	if (*text == '\0')
		return;
	if (needs_encoding(text, HEADER_FOLD - 2)) {
		header_encoded(h, text);
		return;
	}
	for (const char *p = text; *p != '\0';) {
		size_t n = strcspn(p, " ");
		header_token(h, p, n);
		p += n;
		if (*p == ' ')
			p++;
	}
}

/* A word of a display name that cannot be an atom. */
static bool phrase_word_needs_encoding(const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_atext((unsigned char)word[i]) ||
		    (word[i] == '=' && i + 1 < len && word[i + 1] == '?'))
			return true;
	return false;
}

/* A display name: atoms, a quoted-string, or atoms mixed with encoded words.
 * In the mixed form only the words that need it are encoded, and adjacent
 * ones together, spaces inside: whitespace between two encoded words is
 * dropped by RFC 2047 decoders (Outlook, Thunderbird) but kept by others
 * (Python's address parser), while whitespace between an encoded word and an
 * atom means the same to both. Only a run of such words longer than one
 * encoded word is still split. */
static void header_phrase(struct header *h, const char *name)
{
	bool atoms = true;
	struct buf run = { 0 };

	for (const char *p = name; *p != '\0'; p++)
		if (*p != ' ' && !is_atext((unsigned char)*p))
			atoms = false;
	if (atoms && !needs_encoding(name, QUOTED_NAME_MAX)) {
		header_unstructured(h, name);
		return;
	}
	if (!needs_encoding(name, QUOTED_NAME_MAX) && strlen(name) <= QUOTED_NAME_MAX) {
		buf_append_char(&run, '"');
		for (const char *p = name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_append_char(&run, '\\');
			buf_append_char(&run, *p);
		}
		buf_append_char(&run, '"');
		header_token(h, run.data, run.len);
		buf_free(&run);
		return;
	}
	for (const char *p = name;;) {
		size_t n = strcspn(p, " ");
		if (n > 0 && phrase_word_needs_encoding(p, n)) {
			if (run.len > 0)
				buf_append_char(&run, ' ');
			buf_append(&run, p, n);
		} else if (n > 0) {
			if (run.len > 0) {
				header_encoded(h, run.data);
				buf_reset(&run);
			}
			header_token(h, p, n);
		}
		p += n;
		if (*p == '\0')
			break;
		p++;
	}
	if (run.len > 0)
		header_encoded(h, run.data);
	buf_free(&run);
}

static void header_address(struct buf *out, const char *field, const char *name,
			   const char *addr)
{
	struct header h = { out, 0 };
	char *clean = header_text(name, NAME_MAX_BYTES);

	header_start(&h, field);
	if (*clean != '\0') {
		char *angle = xasprintf("<%s>", addr);
		header_phrase(&h, clean);
		header_token(&h, angle, strlen(angle));
		free(angle);
	} else {
		header_token(&h, addr, strlen(addr));
	}
	header_end(&h);
	free(clean);
}

/* In-Reply-To and References: "<id>" tokens, folded between ids. Ids that
 * clean to nothing are dropped; long chains keep the first id and the last
 * ones (RFC 5322 3.6.4 lets a client trim References that way). */
static void header_msgids(struct buf *out, const char *field, const char *ids)
{
	struct strlist list = { 0 };
	struct header h = { out, 0 };
	char id[MSGID_MAX + 1];

	if (ids == NULL)
		return;
	for (const char *p = ids; *p != '\0';) {
		size_t n = strcspn(p, " \t\r\n,");
		if (n > 0 && clean_msgid(p, n, id, sizeof(id)))
			strlist_push(&list, xasprintf("<%s>", id));
		p += n;
		p += strspn(p, " \t\r\n,");
	}
	if (list.n > 0) {
		header_start(&h, field);
		for (size_t i = 0; i < list.n; i++)
			if (i == 0 || i + REFERENCES_MAX - 1 >= list.n)
				header_token(&h, list.v[i], strlen(list.v[i]));
		header_end(&h);
	}
	strlist_free(&list);
}

static void header_date(struct buf *out, time_t date)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	/* English names by table: strftime would follow the locale */
	localtime_r(&date, &tm);
	off = tm.tm_gmtoff / 60;
	buf_printf(out, "Date: %s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
		   days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		   tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

/* ---- bodies --------------------------------------------------------------- */

/* Quoted-printable (RFC 2045 6.7) of UTF-8 text with any line ending: lines
 * end in CRLF and never pass 76 characters; invalid UTF-8 becomes U+FFFD so
 * that the declared charset is true. "From " and "." at the start of a line
 * are encoded, which keeps the text intact through mbox files and transports
 * that forget dot-stuffing. The text always ends with a line break. */
static void qp_body(struct buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");
	size_t len = strlen((const char *)p), col = 0;

	for (size_t i = 0; i < len;) {
		if (p[i] == '\r' || p[i] == '\n') {
			i += p[i] == '\r' && i + 1 < len && p[i + 1] == '\n' ? 2 : 1;
			buf_append_str(out, "\r\n");
			col = 0;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		const unsigned char *bytes = p + i;
		if (n == 0) {
			bytes = (const unsigned char *)"\xef\xbf\xbd";
			n = 3;
			i++;
		} else {
			i += n;
		}
		bool line_end = i >= len || p[i] == '\r' || p[i] == '\n';
		for (size_t k = 0; k < n; k++) {
			unsigned char c = bytes[k];
			bool literal = (c >= 33 && c <= 126 && c != '=') ||
				       ((c == ' ' || c == '\t') && !(line_end && k + 1 == n));
			size_t w = literal ? 1 : 3;
			/* room for the soft break's "=" */
			if (col + w > QP_LINE - 1) {
				buf_append_str(out, "=\r\n");
				col = 0;
			}
			if (col == 0 && literal &&
			    (c == '.' || (c == 'F' && n == 1 &&
					  strncmp((const char *)p + i - 1, "From ", 5) == 0)))
				literal = false, w = 3;
			if (literal)
				buf_append_char(out, (char)c);
			else
				buf_printf(out, "=%c%c", hex[c >> 4], hex[c & 15]);
			col += w;
		}
	}
	if (col > 0 || len == 0)
		buf_append_str(out, "\r\n");
}

static void base64_body(struct buf *out, const void *data, size_t size)
{
	const unsigned char *p = data;
	const size_t chunk = BASE64_LINE / 4 * 3;

	for (size_t i = 0; i < size; i += chunk) {
		base64_append(out, p + i, size - i < chunk ? size - i : chunk);
		buf_append_str(out, "\r\n");
	}
}

static void text_part(struct buf *out, const char *subtype, const char *text)
{
	buf_printf(out,
		   "Content-Type: text/%s; charset=utf-8\r\n"
		   "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
		   subtype);
	qp_body(out, text);
}

/* type/subtype with optional parameters, printable ASCII, bounded; anything
 * else is sent as application/octet-stream. */
static bool valid_content_type(const char *s)
{
	static const char tchars[] = "!#$&^_.+-";
	const char *p = s;
	int halves = 0;

	if (s == NULL || strlen(s) > CONTENT_TYPE_MAX || !is_ascii_printable(s))
		return false;
	for (;; p++) {
		size_t n = 0;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9') || (*p != '\0' && strchr(tchars, *p) != NULL))
			p++, n++;
		if (n == 0)
			return false;
		if (++halves == 2)
			return *p == '\0' || *p == ';' || *p == ' ';
		if (*p != '/')
			return false;
	}
}

/* ASCII stand-in for a file name, for clients that ignore RFC 2231. */
static char *ascii_filename(const char *name)
{
	static const struct {
		const char *utf8, *ascii;
	} map[] = {
		{ "\xc3\xa5", "a" }, { "\xc3\xa4", "a" }, { "\xc3\xb6", "o" }, { "\xc3\x85", "A" },
		{ "\xc3\x84", "A" }, { "\xc3\x96", "O" }, { "\xc3\xa9", "e" }, { "\xc3\x89", "E" },
		{ "\xc3\xbc", "u" }, { "\xc3\x9c", "U" }, { "\xc3\xa6", "ae" }, { "\xc3\xb8", "o" },
		{ "\xc3\x86", "AE" }, { "\xc3\x98", "O" },
	};
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);
	struct buf b = { 0 };

	buf_append(&b, "", 0);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		const char *rep = "_";
		if (n == 0)
			n = 1;
		else if (n == 1 && cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\')
			rep = NULL;
		for (size_t k = 0; rep != NULL && n == 2 && k < sizeof(map) / sizeof(map[0]); k++)
			if (memcmp(p + i, map[k].utf8, 2) == 0)
				rep = map[k].ascii;
		if (rep == NULL)
			buf_append_char(&b, (char)p[i]);
		else
			buf_append_str(&b, rep);
		i += n;
	}
	return buf_steal(&b);
}

/* name="value" with value folded at its spaces (FWS inside a quoted-string,
 * RFC 5322 3.2.4), so that a long file name keeps lines short; value has no
 * quotes, backslashes or runs of spaces. */
static void header_quoted_param(struct header *h, const char *name, const char *value,
				bool more)
{
	struct buf word = { 0 };

	buf_printf(&word, "%s=\"", name);
	for (const char *p = value;;) {
		size_t n = strcspn(p, " ");
		buf_append(&word, p, n);
		p += n;
		if (*p == '\0')
			break;
		p++;
		header_token(h, word.data, word.len);
		buf_reset(&word);
	}
	buf_append_str(&word, more ? "\";" : "\"");
	header_token(h, word.data, word.len);
	buf_free(&word);
}

static void attachment_part(struct buf *out, const struct outbox_attachment *a)
{
	static const char attr_chars[] = "!#$&+-.^_`|~";
	char *clean = header_text(a->filename, FILENAME_MAX_BYTES), *fallback;
	const char *type = valid_content_type(a->content_type) ? a->content_type
							       : "application/octet-stream";
	struct header h = { out, 0 };
	struct strlist segments = { 0 };
	struct buf seg = { 0 };
	const unsigned char *p;
	size_t len;

	/* a file name is never a path on the receiving side */
	for (char *c = clean; *c != '\0'; c++)
		if (*c == '/' || *c == '\\')
			*c = '_';
	if (*clean == '\0') {
		free(clean);
		clean = xstrdup("bilaga");
	}
	fallback = ascii_filename(clean);

	header_start(&h, "Content-Type");
	char *param = xasprintf("%s;", type);
	header_token(&h, param, strlen(param));
	free(param);
	header_quoted_param(&h, "name", fallback, false);
	header_end(&h);
	buf_append_str(out, "Content-Transfer-Encoding: base64\r\n");

	/* RFC 2231 value, cut into continuations of whole characters; not
	 * needed when the plain name says it all */
	p = (const unsigned char *)clean;
	len = strcmp(clean, fallback) == 0 ? 0 : strlen(clean);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		assert(n > 0);
		if (seg.len + 3 * n > 48) {
			strlist_push(&segments, buf_steal(&seg));
		}
		for (size_t k = 0; k < n; k++) {
			unsigned char c = p[i + k];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || strchr(attr_chars, c) != NULL)
				buf_append_char(&seg, (char)c);
			else
				buf_printf(&seg, "%%%02X", c);
		}
		i += n;
	}
	if (seg.len > 0)
		strlist_push(&segments, buf_steal(&seg));
	/* filename* first: parsers that know RFC 2231 take the first filename
	 * they find (Python's does), the others skip the unknown filename* */
	header_start(&h, "Content-Disposition");
	header_token(&h, "attachment;", strlen("attachment;"));
	for (size_t i = 0; i < segments.n; i++) {
		if (segments.n == 1)
			param = xasprintf("filename*=utf-8''%s;", segments.v[i]);
		else
			param = xasprintf("filename*%zu*=%s%s;", i, i == 0 ? "utf-8''" : "",
					  segments.v[i]);
		header_token(&h, param, strlen(param));
		free(param);
	}
	header_quoted_param(&h, "filename", fallback, false);
	header_end(&h);
	buf_append_str(out, "\r\n");
	base64_body(out, a->data, a->size);

	strlist_free(&segments);
	buf_free(&seg);
	free(fallback);
	free(clean);
}

/* "=_" cannot occur in quoted-printable ("=" is always followed by two hex
 * digits or a line break) nor in base64 ("=" only pads at the end), the only
 * encodings of content here, and the part headers are ours: so a boundary
 * starting with "=_" never occurs in the content, and no collision check is
 * needed. The rest derives from the Message-ID (unique per mail). */
static void make_boundary(const char *message_id, char level, char out[48])
{
	char hex[65];

	util_sha256_hex(message_id, strlen(message_id), hex);
	snprintf(out, 48, "=_agendad_%.24s_%c", hex, level);
}

static void alternative_body(struct buf *out, const struct outbox_mail *mail,
			     const char *boundary)
{
	buf_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
		   boundary);
	buf_printf(out, "--%s\r\n", boundary);
	text_part(out, "plain", mail->text);
	buf_printf(out, "\r\n--%s\r\n", boundary);
	text_part(out, "html", mail->html);
	buf_printf(out, "\r\n--%s--\r\n", boundary);
}

/* ---- composing -------------------------------------------------------------- */

char *outbox_new_message_id(const char *from_addr)
{
	unsigned char rnd[12];
	char hex[sizeof(rnd) * 2 + 1], stamp[16], domain[ADDR_MAX + 1];
	const char *at = from_addr != NULL ? strrchr(from_addr, '@') : NULL;
	time_t now = time(NULL);
	struct tm tm;

	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) != 0 &&
	    getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		/* both sources failing is beyond belief; still unique per host */
		static uint32_t counter;
		uint32_t parts[3] = { (uint32_t)getpid(), ++counter, (uint32_t)clock() };
		memcpy(rnd, parts, sizeof(rnd));
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	snprintf(domain, sizeof(domain), "%s", at != NULL ? at + 1 : "");
	str_lower_ascii(domain);
	{
		char probe[ADDR_MAX + 3];
		snprintf(probe, sizeof(probe), "x@%s", domain);
		if (!valid_addr_spec(probe))
			snprintf(domain, sizeof(domain), "%s", "agendad.invalid");
	}
	return xasprintf("%s.%s@%s", stamp, hex, domain);
}

int outbox_compose(const struct outbox_mail *mail, const char *message_id, time_t date,
		   struct buf *out, struct error *error_r)
{
	const struct {
		const char *what, *addr;
	} addrs[] = { { "From", mail->from_addr }, { "To", mail->to_addr } };
	char id[MSGID_MAX + 1], shown[80], outer[48], inner[48];
	struct header h = { out, 0 };
	char *subject;

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		if (addrs[i].addr == NULL || !valid_addr_spec(addrs[i].addr)) {
			printable_copy(addrs[i].addr, shown, sizeof(shown));
			return err_set(error_r, ERR_MESSAGE, "outbox: invalid %s address '%s'",
				       addrs[i].what, shown);
		}
	}
	if (message_id == NULL || strlen(message_id) > MSGID_MAX ||
	    !clean_msgid(message_id, strlen(message_id), id, sizeof(id))) {
		printable_copy(message_id, shown, sizeof(shown));
		return err_set(error_r, ERR_MESSAGE, "outbox: invalid Message-ID '%s'", shown);
	}

	header_date(out, date);
	header_address(out, "From", mail->from_name, mail->from_addr);
	header_address(out, "To", mail->to_name, mail->to_addr);
	subject = header_text(mail->subject, SUBJECT_MAX);
	header_start(&h, "Subject");
	header_unstructured(&h, subject);
	header_end(&h);
	free(subject);
	buf_printf(out, "Message-ID: <%s>\r\n", id);
	header_msgids(out, "In-Reply-To", mail->in_reply_to);
	header_msgids(out, "References", mail->references);
	if (mail->auto_submitted != NULL) {
		char token[32];
		size_t n = 0;
		/* the leading keyword only: "auto-replied", "auto-generated" */
		for (const char *p = mail->auto_submitted;
		     ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') &&
		     n + 1 < sizeof(token);
		     p++)
			token[n++] = *p;
		token[n] = '\0';
		if (n > 0) {
			/* RFC 3834, and Exchange's own switch that keeps its
			 * out-of-office replies from answering our replies */
			buf_printf(out, "Auto-Submitted: %s\r\n", token);
			buf_append_str(out, "X-Auto-Response-Suppress: All\r\n");
		}
	}
	buf_append_str(out, "MIME-Version: 1.0\r\n"
			    "Content-Language: sv\r\n"
			    "X-Mailer: agendad\r\n");

	make_boundary(id, 'm', outer);
	make_boundary(id, 'a', inner);
	if (mail->n_attachments == 0) {
		if (mail->html == NULL)
			text_part(out, "plain", mail->text);
		else
			alternative_body(out, mail, inner);
		return 0;
	}
	buf_printf(out, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", outer);
	buf_append_str(out, "This is a multi-part message in MIME format.\r\n");
	buf_printf(out, "\r\n--%s\r\n", outer);
	if (mail->html == NULL)
		text_part(out, "plain", mail->text);
	else
		alternative_body(out, mail, inner);
	for (size_t i = 0; i < mail->n_attachments; i++) {
		buf_printf(out, "\r\n--%s\r\n", outer);
		attachment_part(out, &mail->attachments[i]);
	}
	buf_printf(out, "\r\n--%s--\r\n", outer);
	return 0;
}

/* ---- the state machine ---------------------------------------------------- */

int outbox_backoff(int attempts)
{
	unsigned char rnd[4];
	uint32_t r;
	int delay = BACKOFF_FIRST;

	if (attempts <= 0)
		return 0;
	for (int i = 1; i < attempts && delay < BACKOFF_CAP; i++)
		delay *= 2;
	if (delay > BACKOFF_CAP)
		delay = BACKOFF_CAP;
	/* jitter downwards (into [3/4, 1] of the delay) so that mails queued
	 * together do not retry in lockstep and the cap stays a cap */
	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) != 0)
		memset(rnd, 0, sizeof(rnd));
	memcpy(&r, rnd, sizeof(r));
	delay -= (int)(r % (uint32_t)(delay / 4 + 1));
	assert(delay >= BACKOFF_FIRST * 3 / 4 && delay <= BACKOFF_CAP);
	return delay;
}

int outbox_recover(struct store *store, int *n_r, struct error *error_r)
{
	struct store_outbox_row *rows = NULL;
	size_t n = 0;
	time_t now = time(NULL);
	int rc = 0;

	*n_r = 0;
	if (store_outbox_list(store, "sending", &rows, &n, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct store_outbox_row *row = &rows[i];
		assert(strcmp(row->status, "sending") == 0);
		/* rule 4; the interrupted attempt counts, so a mail whose sending
		 * crashes the process every time still reaches rule 5's end */
		if (now - row->created >= OUTBOX_GIVE_UP)
			rc = store_outbox_transition(store, row->id, "sending", "failed",
						     row->attempts + 1, 0,
						     "interrupted while sending (it may have been "
						     "delivered); given up after 2 days",
						     error_r);
		else
			rc = store_outbox_transition(store, row->id, "sending", "queued",
						     row->attempts + 1, now,
						     "interrupted while sending; sent again with "
						     "the same Message-ID",
						     error_r);
		if (rc == 0)
			(*n_r)++;
	}
	store_outbox_rows_free(rows, n);
	return rc;
}

int outbox_claim(struct store *store, const struct store_outbox_row *row, struct error *error_r)
{
	/* rule 3: only a queued row is claimed, and the claim commits before any
	 * byte goes to the server */
	assert(row->status != NULL && strcmp(row->status, "queued") == 0);
	return store_outbox_transition(store, row->id, "queued", "sending", row->attempts,
				       row->next_attempt, row->last_error, error_r);
}

int outbox_settle(struct store *store, const struct store_outbox_row *row,
		  enum outbox_result result, const char *server_reply, time_t now,
		  struct error *error_r)
{
	int attempts = row->attempts + 1;
	const char *reply = server_reply != NULL && *server_reply != '\0' ? server_reply
									  : "no reply";

	switch (result) {
	case OUTBOX_SENT:
		return store_outbox_transition(store, row->id, "sending", "sent", attempts, 0,
					       NULL, error_r);
	case OUTBOX_PERMFAIL:
		/* rule 6 */
		return store_outbox_transition(store, row->id, "sending", "failed", attempts,
					       0, reply, error_r);
	case OUTBOX_TEMPFAIL:
		break;
	}
	assert(result == OUTBOX_TEMPFAIL);
	if (now - row->created >= OUTBOX_GIVE_UP) {
		char *why = xasprintf("given up after %d attempts in %ld hours; last: %s",
				      attempts, (long)(now - row->created) / 3600, reply);
		int rc = store_outbox_transition(store, row->id, "sending", "failed", attempts,
						 0, why, error_r);
		free(why);
		return rc;
	}
	time_t next = now + outbox_backoff(attempts);
	assert(next > now);
	return store_outbox_transition(store, row->id, "sending", "queued", attempts, next,
				       reply, error_r);
}

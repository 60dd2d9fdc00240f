/* extract_text.c - the text helpers that every step of extraction uses; see
 * extract_p.h.
 *
 * Code points and case folding (utf8proc, with an ASCII fast path), the
 * case-insensitive matching of the lowercase word lists the other files
 * hold, words, step 1 (sanitize) and the lines it gives, and the crude stems
 * that compare what two texts are about. Callers pass sanitized text only:
 * every sequence complete. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract_p.h"

/* ------------------------------------------------------------------------ */
/* UTF-8 helpers. Callers pass sanitized text only: every sequence complete. */

int32_t ex_u8_next(const char *s, size_t *len_r)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;

	if ((unsigned char)*s < 0x80) {
		*len_r = 1;
		return (unsigned char)*s;
	}
	/* two bytes (å, ä, ö, é, ü: most of what is not ASCII in Swedish
	 * mail) without the library; C0 and C1 would be overlong */
	if ((unsigned char)*s >= 0xC2 && (unsigned char)*s < 0xE0 &&
	    ((unsigned char)s[1] & 0xC0) == 0x80) {
		*len_r = 2;
		return ((int32_t)((unsigned char)*s & 0x1F) << 6) | ((unsigned char)s[1] & 0x3F);
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
	if (n <= 0) {
		*len_r = 1;
		return 0xFFFD;
	}
	*len_r = (size_t)n;
	return cp;
}

int32_t cp_lower(int32_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	/* Latin-1's capitals (À to Þ but ×) are their small letters less 0x20 */
	if (c < 0x100)
		return c >= 0xC0 && c <= 0xDE && c != 0xD7 ? c + 0x20 : c;
	return utf8proc_tolower(c);
}

static bool cp_is_alnum(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
		return true;
	default:
		return false;
	}
}

bool cp_is_upper(int32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
	       utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
}

bool cp_is_lower(int32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

const char *u8_skip(const char *s)
{
	size_t n;

	ex_u8_next(s, &n);
	return s + n;
}

bool at_alnum(const char *s)
{
	size_t n;

	return *s != '\0' && cp_is_alnum(ex_u8_next(s, &n));
}

/* Case-insensitive (Unicode simple case mapping, enough for åäö) prefix match:
 * the end of the match in s, or NULL. */
const char *ci_prefix(const char *s, const char *p)
{
	while (*p != '\0') {
		unsigned char c = (unsigned char)*s, d = (unsigned char)*p;
		size_t ls, lp;
		int32_t a, b;

		/* two ASCII bytes (most of both) need no decoding; an ASCII
		 * byte against another code point does, as U+212A KELVIN SIGN
		 * lowers to 'k' */
		if (c < 0x80 && d < 0x80) {
			if (c != d && cp_lower(c) != cp_lower(d))
				return NULL; /* also the end of s */
			s++;
			p++;
			continue;
		}
		if (*s == '\0')
			return NULL;
		a = ex_u8_next(s, &ls);
		b = ex_u8_next(p, &lp);
		if (a != b && cp_lower(a) != cp_lower(b))
			return NULL;
		s += ls;
		p += lp;
	}
	return s;
}

/* The last code point of p is a letter or digit: then a word match needs a
 * boundary after it ("mvh" must not match "mvhälsning"). */
static bool ends_in_alnum(const char *p)
{
	size_t n = strlen(p), k;

	if (n == 0)
		return false;
	k = n - 1;
	while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
		k--;
	return at_alnum(p + k);
}

const char *ci_word_prefix(const char *s, const char *p)
{
	const char *r = ci_prefix(s, p);

	if (r == NULL || (ends_in_alnum(p) && at_alnum(r)))
		return NULL;
	return r;
}

/* p in h starting within the first max bytes of h (at a code point). */
const char *ci_find_within(const char *h, const char *p, size_t max)
{
	const char *end = h + strnlen(h, max);
	unsigned char lo = (unsigned char)*p, up = lo;
	size_t n;

	if (lo >= 'A' && lo <= 'Z')
		lo = (unsigned char)(lo + 32);
	if (lo >= 'a' && lo <= 'z')
		up = (unsigned char)(lo - 32);
	/* extraction's hottest loop: where p starts with an ASCII letter only
	 * that letter, or a code point that might fold to it (U+212A KELVIN
	 * SIGN is a 'k'), can start a match; an ASCII byte is never inside a
	 * UTF-8 sequence, so the other bytes are skipped without decoding */
	if (lo != up) {
		for (; h < end; h++) {
			unsigned char c = (unsigned char)*h;

			if ((c == lo || c == up || c >= 0xC0) && ci_prefix(h, p) != NULL)
				return h;
		}
		return NULL;
	}
	for (; h < end; h += n) {
		if (ci_prefix(h, p) != NULL)
			return h;
		ex_u8_next(h, &n);
	}
	return NULL;
}

const char *ci_find(const char *h, const char *p)
{
	return ci_find_within(h, p, SIZE_MAX);
}

/* p as a whole word (or phrase) in h. */
const char *ci_find_word(const char *h, const char *p)
{
	bool prev_alnum = false;
	size_t n;

	for (; *h != '\0'; h += n) {
		int32_t c = ex_u8_next(h, &n);

		if (!prev_alnum && ci_word_prefix(h, p) != NULL)
			return h;
		prev_alnum = cp_is_alnum(c);
	}
	return NULL;
}

bool ci_equal(const char *a, const char *b)
{
	const char *r = ci_prefix(a, b);

	return r != NULL && *r == '\0';
}

bool equals_any(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (ci_equal(s, *list))
			return true;
	return false;
}

/* A text lowercased for matching, with a filter of the byte pairs in it.
 * A few letters change their UTF-8 length when lowered, which matching does
 * not mind. Extraction's pattern lists are all lowercase: they are matched
 * against this copy, once per list instead of once per character and
 * pattern (strstr() set up a shift table on every call, which cost more
 * than the search). A sentence goes through a dozen tests that each fold
 * it, so the last few folds of each thread are kept (fold()); most patterns
 * of a list are not in a given sentence, and the pair filter rejects them
 * without a scan. The filter costs more than the fold, so it is made only
 * for a search of more than PAIRED_AFTER patterns: starts_any() needs none,
 * and a long paragraph searched once for a few words is scanned faster
 * without. */
#define FOLD_STACK 1024
#define FOLD_SLOTS 6
#define PAIR_BITS 4096

#define PAIRED_AFTER 4

struct folded {
	char *s;
	size_t len;
	bool paired; /* pairs holds the filter */
	uint64_t pairs[PAIR_BITS / 64];
	char stack[FOLD_STACK];
};

/* A kept fold: the source bytes it was made from, the whole key. */
struct fold_slot {
	size_t len;
	char src[FOLD_STACK / 2];
	struct folded fd;
};

static _Thread_local struct fold_slot fold_slots[FOLD_SLOTS];
static _Thread_local unsigned fold_next;

static unsigned pair_hash(unsigned char a, unsigned char b)
{
	return ((unsigned)a * 131u + b) % PAIR_BITS;
}

static void fold_into(struct folded *fd, const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 0;
	char *out = len * 2 + 1 <= sizeof(fd->stack) ? fd->stack : xmalloc(len * 2 + 1);

	while (s < end) {
		unsigned char c = (unsigned char)*s;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k;
		size_t l;

		if (c < 0x80) {
			out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			s++;
			continue;
		}
		/* Å, Ä, Ö and the rest of Latin-1 in place (cp_lower()) */
		if (c == 0xC3 && s + 1 < end && ((unsigned char)s[1] & 0xC0) == 0x80) {
			unsigned char b = (unsigned char)s[1];

			out[n++] = (char)c;
			out[n++] = (char)(b <= 0x9E && b != 0x97 ? b + 0x20 : b);
			s += 2;
			continue;
		}
		k = utf8proc_encode_char(cp_lower(ex_u8_next(s, &l)), enc);
		if (s + l > end)
			break;
		if (k <= 0 || (size_t)k > l + 1) {
			memcpy(out + n, s, l);
			n += l;
		} else {
			memcpy(out + n, enc, (size_t)k);
			n += (size_t)k;
		}
		s += l;
	}
	out[n] = '\0';
	fd->s = out;
	fd->len = n;
	fd->paired = false;
}

/* Makes fd's pair filter for a search of list, when it is long enough to
 * pay for it. */
static void fold_pair(struct folded *fd, const char *const *list)
{
	size_t patterns = 0;

	while (list[patterns] != NULL && patterns <= PAIRED_AFTER)
		patterns++;
	if (fd->paired || patterns <= PAIRED_AFTER)
		return;
	memset(fd->pairs, 0, sizeof(fd->pairs));
	for (size_t i = 0; i + 1 < fd->len; i++) {
		unsigned h = pair_hash((unsigned char)fd->s[i], (unsigned char)fd->s[i + 1]);

		fd->pairs[h / 64] |= (uint64_t)1 << (h % 64);
	}
	fd->paired = true;
}

/* The fold of s's first max bytes: a kept one, or one made in *spill
 * (release it with fold_done()). */
static struct folded *fold(const char *s, size_t max, struct folded *spill)
{
	size_t len = strnlen(s, max);
	struct fold_slot *slot;

	spill->s = NULL;
	if (len >= sizeof(slot->src)) {
		fold_into(spill, s, len);
		return spill;
	}
	for (size_t i = 0; i < FOLD_SLOTS; i++) {
		slot = &fold_slots[i];
		if (slot->fd.s != NULL && slot->len == len && memcmp(slot->src, s, len) == 0)
			return &slot->fd;
	}
	slot = &fold_slots[fold_next++ % FOLD_SLOTS];
	slot->len = len;
	memcpy(slot->src, s, len);
	fold_into(&slot->fd, s, len);
	return &slot->fd;
}

static void fold_done(struct folded *spill)
{
	if (spill->s != NULL && spill->s != spill->stack)
		free(spill->s);
}

/* Whether pattern may be in fd's text: false when the pair filter says it
 * is not. Before the pattern's strlen(), which costs as much. */
static bool folded_may_contain(const struct folded *fd, const char *pattern)
{
	/* every byte pair of the pattern's start must be in the text */
	for (size_t i = 0; fd->paired && pattern[i] != '\0' && pattern[i + 1] != '\0' && i < 6;
	     i++) {
		unsigned h = pair_hash((unsigned char)pattern[i], (unsigned char)pattern[i + 1]);

		if ((fd->pairs[h / 64] & ((uint64_t)1 << (h % 64))) == 0)
			return false;
	}
	return true;
}

/* pattern (of plen bytes) in fd's text at or after from, or NULL. */
static const char *folded_find(const struct folded *fd, const char *from, const char *pattern,
			       size_t plen)
{
	const char *p = from, *last = fd->s + fd->len - plen;

	if (plen == 0 || plen > fd->len)
		return plen == 0 ? from : NULL;
	if (plen == 1)
		return memchr(from, pattern[0], (size_t)(fd->s + fd->len - from));
	while (p <= last && (p = memchr(p, pattern[0], (size_t)(last - p) + 1)) != NULL) {
		if (p[1] == pattern[1] && memcmp(p + 2, pattern + 2, plen - 2) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Whether a match of length len at p in folded text f stands as a word. */
static bool word_bounded(const char *f, const char *p, size_t len, const char *pattern)
{
	if (at_alnum(pattern) && p > f) {
		const char *q = p - 1;

		while (q > f && ((unsigned char)*q & 0xC0) == 0x80)
			q--;
		if (at_alnum(q))
			return false;
	}
	return !(ends_in_alnum(pattern) && at_alnum(p + len));
}

bool starts_any(const char *s, const char *const *list)
{
	struct folded spill;
	/* no pattern is longer than 96 bytes */
	const struct folded *fd = fold(s, 96, &spill);
	bool hit = false;

	for (; *list != NULL && !hit; list++) {
		size_t len;

		/* the first byte first: most patterns fail there */
		if (fd->s[0] != (*list)[0] && (*list)[0] != '\0')
			continue;
		len = strlen(*list);
		hit = strncmp(fd->s, *list, len) == 0 && word_bounded(fd->s, fd->s, len, *list);
	}
	fold_done(&spill);
	return hit;
}

bool contains_any_within(const char *s, size_t max, const char *const *list)
{
	struct folded spill;
	struct folded *fd = fold(s, max, &spill);
	bool hit = false;

	fold_pair(fd, list);
	for (; *list != NULL && !hit; list++)
		hit = folded_may_contain(fd, *list) &&
		      folded_find(fd, fd->s, *list, strlen(*list)) != NULL;
	fold_done(&spill);
	return hit;
}

bool contains_any(const char *s, const char *const *list)
{
	return contains_any_within(s, SIZE_MAX, list);
}

/* A pattern of list in s, standing at the start of a word, and when
 * whole, also at its end (word_bounded()). */
static bool contains_at_word(const char *s, const char *const *list, bool whole)
{
	struct folded spill;
	struct folded *fd = fold(s, SIZE_MAX, &spill);
	bool hit = false;

	fold_pair(fd, list);
	for (; *list != NULL && !hit; list++) {
		size_t len;

		if (!folded_may_contain(fd, *list))
			continue;
		len = strlen(*list);
		for (const char *p = folded_find(fd, fd->s, *list, len); p != NULL && !hit;
		     p = folded_find(fd, p + 1, *list, len)) {
			const char *q = p - 1;

			if (whole) {
				hit = word_bounded(fd->s, p, len, *list);
				continue;
			}
			while (q > fd->s && ((unsigned char)*q & 0xC0) == 0x80)
				q--;
			hit = p == fd->s || !at_alnum(q);
		}
	}
	fold_done(&spill);
	return hit;
}

bool contains_word_any(const char *s, const char *const *list)
{
	return contains_at_word(s, list, true);
}

/* Like contains_word_any(), but a pattern may end inside a word: "bifoga"
 * matches "bifogad", not "obifogad". */
bool contains_stem_any(const char *s, const char *const *list)
{
	return contains_at_word(s, list, false);
}

bool contains_word(const char *s, const char *word)
{
	const char *const list[] = { word, NULL };

	return contains_word_any(s, list);
}

/* Cuts s to at most max bytes without splitting a character. */
void u8_truncate(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

/* Uppercases the first letter, as a new string. */
char *u8_capitalize(const char *s)
{
	utf8proc_uint8_t enc[4];
	size_t n;
	int32_t c;
	utf8proc_ssize_t k;

	if (*s == '\0')
		return xstrdup(s);
	c = ex_u8_next(s, &n);
	if (!cp_is_lower(c))
		return xstrdup(s);
	k = utf8proc_encode_char(utf8proc_toupper(c), enc);
	if (k <= 0)
		return xstrdup(s);
	return xasprintf("%.*s%s", (int)k, (const char *)enc, s + n);
}

/* ------------------------------------------------------------------------ */
/* Small text helpers on sanitized text. */

bool is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

const char *skip_blanks(const char *s)
{
	while (is_blank_char(*s))
		s++;
	return s;
}

/* The bytes of w equal to c, as 0x80 in each such byte. The sum of the low
 * seven bits and 0x7F carries into the high bit unless they are zero, and
 * never into the next byte. */
static uint64_t bytes_equal(uint64_t w, unsigned char c)
{
	const uint64_t low = 0x7F7F7F7F7F7F7F7Fu;
	uint64_t x = w ^ (0x0101010101010101u * c);

	return ~(((x & low) + low) | x | low);
}

/* The sentence tests ask this of the same sentence a dozen times, so it
 * reads eight bytes at a time: a word starts at each non-blank byte after a
 * blank one (or at the start). */
size_t count_words(const char *s)
{
	const uint64_t ones = 0x0101010101010101u;
	size_t len = strlen(s), n = 0, i = 0;
	uint64_t prev_blank = 1; /* of the byte before s[i] */

	for (; i + 8 <= len; i += 8) {
		const unsigned char *b = (const unsigned char *)s + i;
		/* b[0] in the lowest byte on any machine, so that << 8 moves a
		 * flag onto the next byte; gcc and clang make this one load */
		uint64_t w = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
			     (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 |
			     (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56;
		uint64_t blank, starts;

		/* 1 in the lowest bit of each blank byte */
		blank = (bytes_equal(w, ' ') | bytes_equal(w, '\t') | bytes_equal(w, '\n')) >> 7;
		starts = ~blank & ((blank << 8) | prev_blank) & ones;
		n += (size_t)((starts * ones) >> 56);
		prev_blank = blank >> 56;
	}
	for (; i < len; i++) {
		bool blank = is_blank_char(s[i]) || s[i] == '\n';

		n += prev_blank && !blank;
		prev_blank = blank;
	}
	return n;
}

/* The last non-blank byte, or 0. */
char last_char(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (is_blank_char(s[n - 1]) || s[n - 1] == '\n'))
		n--;
	return n > 0 ? s[n - 1] : '\0';
}

/* A '?' that ends a question: followed by a space, the end or closing
 * punctuation. Not one inside a link ("safelinks.protection.outlook.com/
 * ?url=", which Microsoft 365 writes into every link), nor one that closes
 * quoted speech ("En mamma skrev: \u201dVad ska vi göra?\u201d"). */
bool has_question_mark(const char *s)
{
	for (const char *q = strchr(s, '?'); q != NULL; q = strchr(q + 1, '?')) {
		unsigned char next = (unsigned char)q[1];

		if (next == '"' || (next == 0xE2 && (unsigned char)q[2] == 0x80 &&
				    ((unsigned char)q[3] == 0x9D || (unsigned char)q[3] == 0x9C)) ||
		    (next == 0xC2 && (unsigned char)q[2] == 0xBB))
			continue; /* " \u201d \u201c \u00bb */
		if (next == '\0' || next == ' ' || next == '\t' || next == '\n' || next == '\r' ||
		    next == ')' || next == '!' || next == '?' || next == '.' || next == ',' ||
		    next == ']' || next == '*' || next == '_' || next == '\'' || next == '<' ||
		    next == ':' || next == ';' || next == 0xC2)
			return true;
	}
	return false;
}

bool has_digit(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			return true;
	return false;
}

size_t count_digits(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			n++;
	return n;
}

/* "10:12", "9.30" */
bool has_clock_time(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9' && (s[1] == ':' || s[1] == '.') && s[2] >= '0' &&
		    s[2] <= '9' && s[3] >= '0' && s[3] <= '9')
			return true;
	}
	return false;
}

/* Appends s to b with runs of blanks collapsed to one space; text that is
 * single-spaced already is copied in one piece. */
void append_words(struct buf *b, const char *s)
{
	bool space = b->len > 0 && b->data[b->len - 1] != ' ';

	while (*s != '\0') {
		const char *w;

		if (is_blank_char(*s) || *s == '\n') {
			space = b->len > 0;
			s++;
			continue;
		}
		w = s;
		while (*s != '\0' && !(*s == '\t' || *s == '\n' ||
					(*s == ' ' && (s[1] == ' ' || s[1] == '\t' || s[1] == '\n' ||
						       s[1] == '\0'))))
			s++;
		if (space)
			buf_append_char(b, ' ');
		buf_append(b, w, (size_t)(s - w));
		space = false;
	}
}

void trim_buf(struct buf *b)
{
	while (b->len > 0 && is_blank_char(b->data[b->len - 1]))
		b->data[--b->len] = '\0';
}

/* The next word of s, from *w_r to *end_r without trailing punctuation;
 * returns where the word ends, or NULL when there is none. */
const char *next_word(const char *s, const char **w_r, const char **end_r)
{
	const char *e;

	s = skip_blanks(s);
	if (*s == '\0')
		return NULL;
	*w_r = s;
	while (*s != '\0' && !is_blank_char(*s))
		s++;
	e = s;
	while (e > *w_r && strchr(".,;:!", e[-1]) != NULL)
		e--;
	*end_r = e;
	return s;
}

bool word_in(const char *w, const char *end, const char *const *list)
{
	for (const char *const *b = list; *b != NULL; b++)
		if (strlen(*b) == (size_t)(end - w) && ci_prefix(w, *b) == end)
			return true;
	return false;
}

/* ------------------------------------------------------------------------ */
/* Step 1: sanitize. */

/* The length of the "<https://eur01.safelinks.protection.outlook.com/?url=
 * ...>" that Outlook's plain text writes after a link's text when the
 * receiving tenant rewrites links (Safe Links) at s, or 0: the link's own
 * address stands before it, and the rewritten one is hundreds of bytes of
 * noise in a question. */
static size_t safe_link_at(const char *s, size_t left)
{
	static const char host[] = ".safelinks.protection.outlook.com/";
	const char *end;

	if (left < 9 || strncmp(s, "<https://", 9) != 0)
		return 0;
	end = memchr(s, '>', left < 4096 ? left : 4096);
	if (end == NULL || memchr(s, ' ', (size_t)(end - s)) != NULL ||
	    memmem(s, (size_t)(end - s), host, sizeof(host) - 1) == NULL)
		return 0;
	return (size_t)(end - s) + 1;
}

void sanitize(struct buf *out, const char *s, bool one_line)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, run = 0; /* p[run..i) is copied as it is */

	while (i < n) {
		unsigned char c = p[i];
		const char *repl = NULL;
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = 1;

		if (c >= 0x20 && c < 0x7f) {
			size_t link = c == '<' ? safe_link_at(s + i, n - i) : 0;

			if (link == 0) {
				i++;
				continue;
			}
			repl = "";
			k = (utf8proc_ssize_t)link;
		} else if (c < 0x80) {
			if (c == '\r')
				repl = p[i + 1] == '\n' ? "" : one_line ? " " : "\n";
			else if (c == '\n')
				repl = one_line ? " " : NULL;
			else if (c == '\t')
				repl = one_line ? " " : NULL;
			else
				repl = " ";
		} else {
			k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
			if (k <= 0) {
				repl = "\xEF\xBF\xBD";
				k = 1;
			} else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
				   cp == 0x205F || cp == 0x3000 || (cp >= 0x80 && cp <= 0x9F)) {
				repl = " ";
			} else if (cp == 0x2028 || cp == 0x2029) {
				repl = one_line ? " " : "\n";
			} else if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
				   cp == 0xAD) {
				repl = "";
			}
		}
		if (repl != NULL) {
			buf_append(out, p + run, i - run);
			buf_append_str(out, repl);
			run = i + (size_t)k;
		}
		i += (size_t)k;
	}
	buf_append(out, p + run, i - run);
}

void spoken_marks(struct buf *body)
{
	static const char word[] = "frågetecken";
	/* "ett stort frågetecken kring budgeten" names the mark */
	static const char *const naming[] = { "ett", "stort", "stora", "inget", "några", "många",
					      "fler", "med", "utan", NULL };
	size_t wl = sizeof(word) - 1, in = 0, out = 0;
	char *d = body->data;

	if (d == NULL || memchr(d, '?', body->len) != NULL || strstr(d, word) == NULL)
		return;
	while (in < body->len) {
		const char *w = NULL, *e = NULL;
		size_t k = out;

		if (strncmp(d + in, word, wl) != 0 || (in > 0 && !is_blank_char(d[in - 1])) ||
		    at_alnum(d + in + wl)) {
			d[out++] = d[in++];
			continue;
		}
		/* the word before it, in what is already written */
		while (k > 0 && is_blank_char(d[k - 1]))
			k--;
		e = d + k;
		while (k > 0 && !is_blank_char(d[k - 1]))
			k--;
		w = d + k;
		if (e == w || word_in(w, e, naming)) {
			d[out++] = d[in++];
			continue;
		}
		out = (size_t)(e - d);
		d[out++] = '?';
		in += wl;
	}
	d[out] = '\0';
	body->len = out;
}

/* ------------------------------------------------------------------------ */
/* Lines. */

void lines_push(struct lines *ls, const struct line *l)
{
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 64;
		ls->v = xreallocarray(ls->v, ls->cap, sizeof(*ls->v));
	}
	ls->v[ls->n++] = *l;
}

void line_set(struct line *l, const char *s)
{
	int indent = 0;

	for (; is_blank_char(*s); s++)
		indent += *s == '\t' ? 8 : 1;
	l->t = s;
	l->indent = indent;
	l->quoted = *s == '>';
	l->gap = false;
}

/* Splits text (modified in place) into lines. */
void split_lines(char *text, struct lines *ls)
{
	char *p = text;

	for (;;) {
		char *nl = strchr(p, '\n');
		struct line l;
		size_t n;

		if (nl != NULL)
			*nl = '\0';
		n = strlen(p);
		while (n > 0 && is_blank_char(p[n - 1]))
			p[--n] = '\0';
		line_set(&l, p);
		lines_push(ls, &l);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

bool line_blank(const struct line *l)
{
	return l->t[0] == '\0';
}

size_t next_nonblank(const struct line *v, size_t i, size_t n)
{
	while (i < n && line_blank(&v[i]))
		i++;
	return i;
}

/* ------------------------------------------------------------------------ */
/* Whether two texts are about the same thing. */

/* Crude stems: the first five letters of words of five letters or more. */
size_t word_stems(const char *s, char stems[][24], size_t max)
{
	size_t n = 0;

	while (*s != '\0' && n < max) {
		size_t len, letters = 0, bytes = 0;
		char stem[24];

		while (*s != '\0' && !at_alnum(s))
			s = u8_skip(s);
		while (*s != '\0' && at_alnum(s)) {
			int32_t c = cp_lower(ex_u8_next(s, &len));

			if (letters < 5) {
				utf8proc_uint8_t enc[4];
				utf8proc_ssize_t k = utf8proc_encode_char(c, enc);

				if (k > 0 && bytes + (size_t)k < sizeof(stem)) {
					memcpy(stem + bytes, enc, (size_t)k);
					bytes += (size_t)k;
				}
			}
			letters++;
			s += len;
		}
		if (letters >= 5) {
			stem[bytes] = '\0';
			memcpy(stems[n++], stem, bytes + 1);
		}
	}
	return n;
}

size_t overlap(const char *a, const char *b)
{
	char sa[OVERLAP_MAX_WORDS][24], sb[OVERLAP_MAX_WORDS][24];
	size_t na = word_stems(a, sa, OVERLAP_MAX_WORDS);
	size_t nb = word_stems(b, sb, OVERLAP_MAX_WORDS);
	size_t count = 0;

	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (strcmp(sa[i], sb[j]) == 0) {
				count++;
				break;
			}
	return count;
}

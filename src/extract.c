/* extract.c - split a decoded mail into the questions it asks; see extract.h.
 *
 * The body goes through four steps, all on whole lines of one sanitized copy:
 *
 *   1. sanitize: valid UTF-8 (a bad byte becomes U+FFFD), LF only, odd
 *      spaces made plain, invisible characters dropped; everything after
 *      relies on this, so no later step can split a character.
 *   2. thread (process_segment): "> " lines are dropped where they stand, so
 *      the new lines of an interleaved reply survive; an attribution line
 *      ("Den ... skrev ...:"), an Outlook header block or an
 *      "Ursprungligt meddelande" line ends the new text. What follows is a
 *      forward when the subject (or the forwarded block's own Ämne:) says so,
 *      and is then handled as a segment of its own, recursively, so that a
 *      forward of a forward works; otherwise it is the quoted thread and goes.
 *   3. clean (clean_lines, filter_sentences): greeting, closing and whatever
 *      signature follows it, footers, disclaimers, phone footers; then
 *      sentences that are not questions (intros, thanks, who attends and
 *      what they need, "no questions this time", asides about the mail
 *      itself, the "PS"/"DS" of a postscript, "see the attachment" and a
 *      line announcing the file).
 *   4. split (split_blocks): list items become one question each; without a
 *      list each paragraph that asks something is a question and the others
 *      are joined to the nearest one (before a question, only the nearest
 *      PRE_MAX_WORDS or so, and never across a newsletter's capital
 *      heading). Tables, also as the one-cell-a-line plain text of Gmail and
 *      Outlook, give a question per row. A short heading line over an item
 *      or a paragraph ("Fråga 1. Avgiften för lunch") is its title.
 *
 * All of it is heuristic and tuned on how Swedish association mail looks. A
 * wrong cut costs the secretary an edit, never the mail: the raw message is
 * kept beside the result. Every loop is linear in the body or bounded by a
 * constant, because a body is outside input. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "agendad/extract.h"
#include "agendad/util.h"

#define DEFAULT_MAX_QUESTIONS 50
#define DEFAULT_MAX_QUESTION_BYTES 8192
#define MAX_FORWARD_DEPTH 8
/* a title is the first clause when it has at most TITLE_CLAUSE_WORDS words,
 * else its first TITLE_MAX_WORDS words */
#define TITLE_MAX_WORDS 10
#define TITLE_CLAUSE_WORDS 12
/* a long title is cut before a break word only after this many words */
#define TITLE_MIN_WORDS 6
#define SUBJECT_TITLE_MAX_WORDS 14
/* background paragraphs are matched to questions on their first this many
 * long words, which keeps the comparison (quadratic in it) cheap */
#define OVERLAP_MAX_WORDS 40
/* background paragraphs before a question are joined to it, nearest first,
 * until they hold this many words */
#define PRE_MAX_WORDS 100
/* disclaimers are looked for in this many paragraphs at the end */
#define DISCLAIMER_PARAGRAPHS 4
/* header blocks and forward headers are looked for in at most this many lines */
#define HEADER_BLOCK_MAX_LINES 16

/* ------------------------------------------------------------------------ */
/* UTF-8 helpers. Callers pass sanitized text only: every sequence complete. */

static int32_t u8_next(const char *s, size_t *len_r)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;

	if ((unsigned char)*s < 0x80) {
		*len_r = 1;
		return (unsigned char)*s;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
	if (n <= 0) {
		*len_r = 1;
		return 0xFFFD;
	}
	*len_r = (size_t)n;
	return cp;
}

static int32_t cp_lower(int32_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
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

static bool cp_is_upper(int32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
	       utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
}

static bool cp_is_lower(int32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static const char *u8_skip(const char *s)
{
	size_t n;

	u8_next(s, &n);
	return s + n;
}

static bool at_alnum(const char *s)
{
	size_t n;

	return *s != '\0' && cp_is_alnum(u8_next(s, &n));
}

/* Case-insensitive (Unicode simple case mapping, enough for åäö) prefix match:
 * the end of the match in s, or NULL. */
static const char *ci_prefix(const char *s, const char *p)
{
	while (*p != '\0') {
		size_t ls, lp;
		int32_t a, b;

		if (*s == '\0')
			return NULL;
		a = u8_next(s, &ls);
		b = u8_next(p, &lp);
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

static const char *ci_word_prefix(const char *s, const char *p)
{
	const char *r = ci_prefix(s, p);

	if (r == NULL || (ends_in_alnum(p) && at_alnum(r)))
		return NULL;
	return r;
}

static const char *ci_find(const char *h, const char *p)
{
	size_t n;

	for (; *h != '\0'; h += n) {
		if (ci_prefix(h, p) != NULL)
			return h;
		u8_next(h, &n);
	}
	return NULL;
}

/* p as a whole word (or phrase) in h. */
static const char *ci_find_word(const char *h, const char *p)
{
	bool prev_alnum = false;
	size_t n;

	for (; *h != '\0'; h += n) {
		int32_t c = u8_next(h, &n);

		if (!prev_alnum && ci_word_prefix(h, p) != NULL)
			return h;
		prev_alnum = cp_is_alnum(c);
	}
	return NULL;
}

/* Lowercases s for matching; the copy lives in stack when it fits. A few
 * letters change their UTF-8 length when lowered, which matching does not
 * mind. The pattern lists below are all lowercase: they are matched with
 * strstr() against this copy, once per list instead of once per character
 * and pattern, which is where extraction spent its time. */
static char *fold_dup(const char *s, size_t max, char *stack, size_t size)
{
	size_t len = strnlen(s, max), n = 0;
	const char *end = s + len;
	char *out = len * 2 + 1 <= size ? stack : xmalloc(len * 2 + 1);

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
		k = utf8proc_encode_char(cp_lower(u8_next(s, &l)), enc);
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
	return out;
}

#define FOLD_STACK 1024

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

static bool starts_any(const char *s, const char *const *list)
{
	/* no pattern is longer than this */
	char stack[FOLD_STACK], *f = fold_dup(s, 96, stack, sizeof(stack));
	bool hit = false;

	for (; *list != NULL && !hit; list++) {
		size_t len = strlen(*list);

		hit = strncmp(f, *list, len) == 0 && word_bounded(f, f, len, *list);
	}
	if (f != stack)
		free(f);
	return hit;
}

static bool contains_any_within(const char *s, size_t max, const char *const *list)
{
	char stack[FOLD_STACK], *f = fold_dup(s, max, stack, sizeof(stack));
	bool hit = false;

	for (; *list != NULL && !hit; list++)
		hit = strstr(f, *list) != NULL;
	if (f != stack)
		free(f);
	return hit;
}

static bool contains_any(const char *s, const char *const *list)
{
	return contains_any_within(s, SIZE_MAX, list);
}

static bool contains_word_any(const char *s, const char *const *list)
{
	char stack[FOLD_STACK], *f = fold_dup(s, SIZE_MAX, stack, sizeof(stack));
	bool hit = false;

	for (; *list != NULL && !hit; list++) {
		size_t len = strlen(*list);

		for (const char *p = strstr(f, *list); p != NULL && !hit; p = strstr(p + 1, *list))
			hit = word_bounded(f, p, len, *list);
	}
	if (f != stack)
		free(f);
	return hit;
}

/* Like contains_word_any(), but a pattern may end inside a word: "bifoga"
 * matches "bifogad", not "obifogad". */
static bool contains_stem_any(const char *s, const char *const *list)
{
	char stack[FOLD_STACK], *f = fold_dup(s, SIZE_MAX, stack, sizeof(stack));
	bool hit = false;

	for (; *list != NULL && !hit; list++)
		for (const char *p = strstr(f, *list); p != NULL && !hit; p = strstr(p + 1, *list)) {
			const char *q = p - 1;

			while (q > f && ((unsigned char)*q & 0xC0) == 0x80)
				q--;
			hit = p == f || !at_alnum(q);
		}
	if (f != stack)
		free(f);
	return hit;
}

static bool contains_word(const char *s, const char *word)
{
	const char *const list[] = { word, NULL };

	return contains_word_any(s, list);
}

/* Cuts s to at most max bytes without splitting a character. */
static void u8_truncate(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

/* Uppercases the first letter, as a new string. */
static char *u8_capitalize(const char *s)
{
	utf8proc_uint8_t enc[4];
	size_t n;
	int32_t c;
	utf8proc_ssize_t k;

	if (*s == '\0')
		return xstrdup(s);
	c = u8_next(s, &n);
	if (!cp_is_lower(c))
		return xstrdup(s);
	k = utf8proc_encode_char(utf8proc_toupper(c), enc);
	if (k <= 0)
		return xstrdup(s);
	return xasprintf("%.*s%s", (int)k, (const char *)enc, s + n);
}

/* ------------------------------------------------------------------------ */
/* Small text helpers on sanitized text. */

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s)
{
	while (is_blank_char(*s))
		s++;
	return s;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	bool in = false;

	for (; *s != '\0'; s++) {
		bool blank = is_blank_char(*s) || *s == '\n';

		if (!blank && !in)
			n++;
		in = !blank;
	}
	return n;
}

/* The last non-blank byte, or 0. */
static char last_char(const char *s)
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
static bool has_question_mark(const char *s)
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

static bool has_digit(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			return true;
	return false;
}

static size_t count_digits(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			n++;
	return n;
}

/* "10:12", "9.30" */
static bool has_clock_time(const char *s)
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
static void append_words(struct buf *b, const char *s)
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

static void trim_buf(struct buf *b)
{
	while (b->len > 0 && is_blank_char(b->data[b->len - 1]))
		b->data[--b->len] = '\0';
}

/* A lowercased e-mail address found in s ("Namn <a@b.se>", "[mailto:a@b.se]"),
 * or NULL. */
static char *find_address(const char *s)
{
	const char *at = strchr(s, '@');
	const char *start, *end;

	while (at != NULL) {
		start = at;
		while (start > s && (isalnum((unsigned char)start[-1]) ||
				     strchr("._%+-'", start[-1]) != NULL))
			start--;
		end = at + 1;
		while (isalnum((unsigned char)*end) || *end == '.' || *end == '-')
			end++;
		while (end > at + 1 && end[-1] == '.')
			end--;
		if (start < at && end > at + 1 && memchr(at + 1, '.', (size_t)(end - at - 1)))
			return str_lower_ascii(xstrndup(start, (size_t)(end - start)));
		at = strchr(at + 1, '@');
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Step 1: sanitize. */

static void sanitize(struct buf *out, const char *s, bool one_line)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, run = 0; /* p[run..i) is copied as it is */

	while (i < n) {
		unsigned char c = p[i];
		const char *repl = NULL;
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = 1;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c < 0x80) {
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

/* ------------------------------------------------------------------------ */
/* Lines. */

struct line {
	const char *t; /* without leading and trailing blanks; "" when blank */
	int indent; /* leading columns */
	bool quoted; /* starts with '>' */
	bool gap; /* a blank standing for dropped quoted lines */
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static void lines_push(struct lines *ls, const struct line *l)
{
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 64;
		ls->v = xreallocarray(ls->v, ls->cap, sizeof(*ls->v));
	}
	ls->v[ls->n++] = *l;
}

static void lines_push_blank(struct lines *ls, bool gap)
{
	struct line blank = { "", 0, false, gap };

	if (ls->n > 0 && ls->v[ls->n - 1].t[0] == '\0') {
		ls->v[ls->n - 1].gap |= gap;
		return;
	}
	lines_push(ls, &blank);
}

static void line_set(struct line *l, const char *s)
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
static void split_lines(char *text, struct lines *ls)
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

static bool line_blank(const struct line *l)
{
	return l->t[0] == '\0';
}

static size_t next_nonblank(const struct line *v, size_t i, size_t n)
{
	while (i < n && line_blank(&v[i]))
		i++;
	return i;
}

/* Removes one level of '>' quoting. */
static void unquote(struct line *l)
{
	const char *s = l->t;

	if (*s != '>')
		return;
	s++;
	if (*s == ' ')
		s++;
	line_set(l, s);
}

/* ------------------------------------------------------------------------ */
/* Subjects. */

enum prefix_kind {
	PREFIX_NONE,
	PREFIX_REPLY,
	PREFIX_FORWARD,
};

static const char *const reply_prefixes[] = { "sv", "re", "aw", "antw", "vs", NULL };
static const char *const forward_prefixes[] = { "vb", "fwd", "fw", "wg", "vl", "tr", NULL };
/* an answer to a meeting invitation ("Godkänt: LSS-samverkan 20 mars")
 * names the meeting, not a matter */
static const char *const other_prefixes[] = {
	"fråga", "extern", "external", "godkänt", "godkänd", "accepterat", "accepterad",
	"accepted", "tackat nej", "avböjt", "avböjd", "declined", "preliminärt accepterat",
	"preliminärt godkänd", "preliminärt", "tentative", "nytt tidsförslag",
	"new time proposed", NULL
};

/* After a "SV", "Re[2]" or "VB" word: the text after its colon, or NULL. */
static const char *prefix_colon(const char *s)
{
	s = skip_blanks(s);
	if (*s == '[' || *s == '(') {
		const char *q = s + 1;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q == s + 1 || (*q != ']' && *q != ')'))
			return NULL;
		s = skip_blanks(q + 1);
	}
	return *s == ':' ? s + 1 : NULL;
}

/* One "[Extern]"-style tag or reply/forward prefix at s: its end, or NULL. */
static const char *subject_prefix(const char *s, enum prefix_kind *kind_r)
{
	const char *const *lists[] = { reply_prefixes, forward_prefixes, other_prefixes };
	const enum prefix_kind kinds[] = { PREFIX_REPLY, PREFIX_FORWARD, PREFIX_NONE };

	s = skip_blanks(s);
	if (*s == '[' || *s == '*') {
		char close = *s == '[' ? ']' : '*';
		const char *end = strchr(s + 1, close);

		if (end != NULL && end - s < 40) {
			char tag[40];

			snprintf(tag, sizeof(tag), "%.*s", (int)(end - s - 1), s + 1);
			if (ci_find(tag, "extern") != NULL || ci_find_word(tag, "ext") != NULL) {
				*kind_r = PREFIX_NONE;
				return end + 1;
			}
		}
		return NULL;
	}
	for (size_t k = 0; k < 3; k++) {
		for (const char *const *p = lists[k]; *p != NULL; p++) {
			const char *r = ci_word_prefix(s, *p);

			if (r != NULL && (r = prefix_colon(r)) != NULL) {
				*kind_r = kinds[k];
				return r;
			}
		}
	}
	return NULL;
}

/* Whether the subject's outermost prefix says reply or forward. */
static enum prefix_kind subject_prefix_kind(const char *subject)
{
	enum prefix_kind kind = PREFIX_NONE;
	const char *s = subject;

	while (s != NULL && (s = subject_prefix(s, &kind)) != NULL) {
		if (kind != PREFIX_NONE)
			return kind;
	}
	return PREFIX_NONE;
}

char *extract_clean_subject(const char *subject)
{
	struct buf raw = { 0 }, out = { 0 };
	const char *s, *next;
	enum prefix_kind kind;

	if (subject == NULL)
		return xstrdup("");
	sanitize(&raw, subject, true);
	s = raw.data;
	while ((next = subject_prefix(s, &kind)) != NULL)
		s = next;
	append_words(&out, skip_blanks(s));
	buf_free(&raw);
	return buf_steal(&out);
}

static const char *const generic_subject_words[] = {
	"fråga", "frågor", "frågan", "frågorna", "frågeställning", "frågeställningar", "till",
	"inför", "möte", "mötet", "möten", "mötena", "nästa", "kommande", "från", "den", "det",
	"lss", "samverkan", "lss-samverkan", "samverkansmöte", "samverkansmötet", "samverkansråd",
	"samverkansrådet", "rådet", "råd", "funktionshinderråd", "funktionshinderrådet", "kfr",
	"brukarråd", "brukarrådet", "dagordning", "dagordningen", "punkt", "punkter", "på", "i",
	"vid", "vår", "våra", "vårt", "och", "förening", "föreningen", "föreningens", "om", "med",
	"för", "en", "ett", "några", "övriga", "inkomna", "dags", "hej", "kl", "nr", "januari",
	"februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
	"november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "okt",
	"nov", "dec", "questions", "question", "meeting", "ärende", "ärenden",
	/* the secretary's call for questions, which replies carry in their
	 * subject: "SV: Dags att skicka in frågor till LSS-samverkan" */
	"skicka", "skickar", "in", "lämna", "lämnar", "påminnelse", "kallelse", "inbjudan",
	"välkommen", "välkomna", "sista", "dag", "dagen", "senast", "ni", "er", "era", "ert",
	"har", "att", "ställa", "anmälan", "inför", "önskemål", "underlag",
	/* a newsletter's subject names the letter, not a matter */
	"månadsbrev", "nyhetsbrev", "medlemsbrev", "veckobrev", "infobrev", "informationsbrev",
	NULL
};

/* A subject that names nothing ("Frågor", "Frågor till mötet", "FUB -
 * frågor till nästa möte") cannot stand for a question. What is left after
 * the stop words decides: nothing, or only capitalised names (an
 * association) in a subject about "frågor". */
static bool subject_is_generic(const char *subject)
{
	const char *s = subject;
	bool any = false, lower_left = false, names_left = false, about_questions = false;

	while (*s != '\0') {
		char word[64];
		size_t n = 0, len;
		bool letters = false;
		int32_t first = 0;

		while (*s != '\0' && !at_alnum(s) && *s != '-')
			s = u8_skip(s);
		while (*s != '\0' && (at_alnum(s) || *s == '-')) {
			int32_t c = u8_next(s, &len);

			if (n == 0)
				first = c;
			if (!(c >= '0' && c <= '9') && c != '-')
				letters = true;
			if (n + len < sizeof(word)) {
				memcpy(word + n, s, len);
				n += len;
			}
			s += len;
		}
		while (n > 0 && word[n - 1] == '-')
			n--;
		word[n] = '\0';
		/* "FUB:s" leaves an "s"; single letters say nothing */
		if (n <= 1 || !letters)
			continue;
		any = true;
		if (ci_prefix(word, "fråg") != NULL || (n >= 4 && str_eq_ci(word + n - 4, "brev")))
			about_questions = true;
		bool stop = false;
		for (const char *const *w = generic_subject_words; *w != NULL; w++) {
			const char *r = ci_prefix(word, *w);

			if (r != NULL && *r == '\0') {
				stop = true;
				break;
			}
		}
		if (stop)
			continue;
		/* "LSS-boenden" is a common noun, "Autism-" and "Exempelstad" names */
		const char *hyphen = strrchr(word, '-');
		size_t hl;
		if (cp_is_upper(first) && (hyphen == NULL || !cp_is_lower(u8_next(hyphen + 1, &hl))))
			names_left = true;
		else
			lower_left = true;
	}
	if (!any)
		return true;
	if (lower_left)
		return false;
	return !names_left || about_questions;
}

/* ------------------------------------------------------------------------ */
/* Step 2: threads, quotes and forwards. */

enum header_kind {
	HDR_NONE,
	HDR_FROM,
	HDR_DATE,
	HDR_TO,
	HDR_SUBJECT,
	HDR_OTHER,
};

static const struct {
	const char *name;
	enum header_kind kind;
} header_names[] = {
	{ "från", HDR_FROM },	      { "from", HDR_FROM },	    { "von", HDR_FROM },
	{ "fra", HDR_FROM },	      { "lähettäjä", HDR_FROM },    { "skickat", HDR_DATE },
	{ "sent", HDR_DATE },	      { "datum", HDR_DATE },	    { "date", HDR_DATE },
	{ "gesendet", HDR_DATE },     { "sendt", HDR_DATE },	    { "dato", HDR_DATE },
	{ "lähetetty", HDR_DATE },    { "till", HDR_TO },	    { "to", HDR_TO },
	{ "an", HDR_TO },	      { "til", HDR_TO },	    { "kopia", HDR_TO },
	{ "kopia till", HDR_TO },     { "cc", HDR_TO },		    { "kopi", HDR_TO },
	{ "hemlig kopia", HDR_TO },   { "bcc", HDR_TO },	    { "vastaanottaja", HDR_TO },
	{ "ämne", HDR_SUBJECT },      { "subject", HDR_SUBJECT },   { "betreff", HDR_SUBJECT },
	{ "emne", HDR_SUBJECT },      { "aihe", HDR_SUBJECT },	    { "svara till", HDR_OTHER },
	{ "reply-to", HDR_OTHER },    { "bifogade filer", HDR_OTHER }, { "bilagor", HDR_OTHER },
	{ "attachments", HDR_OTHER }, { "prioritet", HDR_OTHER },   { "priority", HDR_OTHER },
	{ "importance", HDR_OTHER },  { "prioritet", HDR_OTHER },
};

/* "Från: x", "*Från:* x", "**Från:** x": the kind, and the value in value_r. */
static enum header_kind header_line(const char *t, const char **value_r)
{
	const char *s = t;

	/* every name is short: no colon early, no header */
	if (memchr(t, ':', strnlen(t, 32)) == NULL)
		return HDR_NONE;
	while (*s == '*' || *s == '_')
		s++;
	for (size_t i = 0; i < sizeof(header_names) / sizeof(header_names[0]); i++) {
		const char *r = ci_word_prefix(s, header_names[i].name);

		if (r == NULL)
			continue;
		while (*r == '*' || *r == '_')
			r++;
		if (*r == ' ' && r[1] == ':')
			r++;
		if (*r != ':')
			continue;
		r++;
		while (*r == '*' || *r == '_' || is_blank_char(*r))
			r++;
		if (value_r != NULL)
			*value_r = r;
		return header_names[i].kind;
	}
	return HDR_NONE;
}

struct header_block {
	size_t end; /* the line after the last header line */
	size_t count;
	bool has_from, has_date, has_to, has_subject;
	const char *from; /* value of the first From line */
	const char *subject;
};

/* Collects header lines from i on (single blank lines between them allowed,
 * as HTML conversion leaves them). */
static void collect_headers(const struct line *v, size_t i, size_t n, struct header_block *hb)
{
	size_t j = i, blanks = 0;

	memset(hb, 0, sizeof(*hb));
	hb->end = i;
	while (j < n && j - i < HEADER_BLOCK_MAX_LINES) {
		const char *value = NULL;
		enum header_kind kind;

		if (line_blank(&v[j])) {
			if (++blanks > 1)
				break;
			j++;
			continue;
		}
		kind = v[j].quoted ? HDR_NONE : header_line(v[j].t, &value);
		if (kind == HDR_NONE)
			break;
		blanks = 0;
		hb->count++;
		if (kind == HDR_FROM && !hb->has_from) {
			hb->has_from = true;
			hb->from = value;
		} else if (kind == HDR_SUBJECT && !hb->has_subject) {
			hb->has_subject = true;
			hb->subject = value;
		} else if (kind == HDR_DATE) {
			hb->has_date = true;
		} else if (kind == HDR_TO) {
			hb->has_to = true;
		}
		j++;
		hb->end = j;
	}
}

/* An Outlook-style "Från:/Skickat:/Till:/Ämne:" block starts at line i, also
 * the form that HTML conversion leaves on one line. */
static bool header_block_at(const struct line *v, size_t i, size_t n, struct header_block *hb)
{
	collect_headers(v, i, n, hb);
	if (hb->has_from && hb->count >= 2 && (hb->has_date || hb->has_subject || hb->has_to))
		return true;
	if (hb->count >= 1 && hb->has_from && hb->from != NULL) {
		static const char *const inline_sent[] = { " skickat:", " sent:", " datum:", " date:",
							   NULL };
		static const char *const inline_subject[] = { " ämne:", " subject:", NULL };

		if (contains_any(hb->from, inline_sent) && contains_any(hb->from, inline_subject)) {
			hb->has_date = hb->has_subject = true;
			return true;
		}
	}
	return false;
}

/* The text of a separator line without its decoration ("-----x-----" -> "x"),
 * in buf; true when the line had decoration or a trailing colon. */
static bool separator_text(const char *t, char *out, size_t size)
{
	const char *s = t, *e = t + strlen(t);
	bool decorated = false;

	while (*s == '-' || *s == '_' || *s == '=' || *s == '*' || *s == '<' || is_blank_char(*s)) {
		decorated = decorated || *s == '-' || *s == '=' || *s == '_';
		s++;
	}
	while (e > s && (e[-1] == '-' || e[-1] == '_' || e[-1] == '=' || e[-1] == '*' ||
			 e[-1] == '>' || is_blank_char(e[-1]))) {
		decorated = decorated || e[-1] == '-' || e[-1] == '=';
		e--;
	}
	if (e > s && e[-1] == ':') {
		decorated = true;
		e--;
	}
	if ((size_t)(e - s) >= size)
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return decorated;
}

static bool ci_equal(const char *a, const char *b)
{
	const char *r = ci_prefix(a, b);

	return r != NULL && *r == '\0';
}

static bool equals_any(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (ci_equal(s, *list))
			return true;
	return false;
}

/* A line that starts a forwarded message for sure. */
static bool is_forward_marker(const char *t)
{
	static const char *const markers[] = {
		"vidarebefordrat meddelande", "vidarebefordrat brev", "vidarebefordrat e-postmeddelande",
		"vidarebefordrat mejl", "forwarded message", "begin forwarded message",
		"start of forwarded message", "weitergeleitete nachricht",
		"anfang der weitergeleiteten nachricht", "videresendt melding", "videresendt besked",
		"message transféré", "början på vidarebefordrat brev",
		"början på vidarebefordrat meddelande", NULL
	};
	char text[80];

	return t[0] != '\0' && separator_text(t, text, sizeof(text)) && equals_any(text, markers);
}

/* "-----Ursprungligt meddelande-----": Outlook writes it for replies and
 * forwards alike. */
static bool is_original_marker(const char *t)
{
	static const char *const markers[] = { "ursprungligt meddelande",
					       "ursprungligt e-postmeddelande",
					       "originalmeddelande",
					       "original message",
					       "original-nachricht",
					       "opprinnelig melding",
					       "oprindelig meddelelse",
					       NULL };
	char text[80];

	return t[0] == '-' && separator_text(t, text, sizeof(text)) && equals_any(text, markers);
}

/* "________", "-----", "===": a rule; "--" is the signature delimiter. */
static bool is_rule_line(const char *t)
{
	size_t n = 0;

	for (; *t == '_' || *t == '-' || *t == '=' || *t == '*'; t++)
		n++;
	return *t == '\0' && n >= 3;
}

/* "Den tis 3 nov. 2026 kl. 10:12 skrev Karin Lindqvist <k@x.se>:",
 * "On Tue, Nov 3, 2026 at 10:12 AM Karin wrote:". strong_r: it carries an
 * address or a time, so it is an attribution even without quoted lines after. */
static bool is_attribution(const char *s, bool *strong_r)
{
	static const char *const verbs[] = { "skrev", "wrote", "schrieb", "a écrit", "skreiv",
					     NULL };
	static const char *const starts[] = { "den", "on", "am", "le", "el", "op", NULL };
	bool strong;

	if (last_char(s) != ':' || strlen(s) > 400 || count_words(s) > 30 ||
	    !contains_word_any(s, verbs) || has_question_mark(s))
		return false;
	strong = strchr(s, '@') != NULL || has_clock_time(s);
	if (!strong && !starts_any(s, starts) && !(s[0] >= '0' && s[0] <= '9'))
		return false;
	*strong_r = strong;
	return true;
}

static bool attribution_start(const char *s)
{
	static const char *const starts[] = { "den", "on", "am", "le", "el", "op", NULL };

	return starts_any(s, starts) || (s[0] >= '0' && s[0] <= '9');
}

/* An attribution at line i, possibly wrapped over two lines: the number of
 * lines, or 0. */
static size_t attribution_at(const struct line *v, size_t i, size_t n, bool *strong_r)
{
	char joined[832];

	if (is_attribution(v[i].t, strong_r))
		return 1;
	if (i + 1 < n && !line_blank(&v[i + 1]) && !v[i + 1].quoted && attribution_start(v[i].t) &&
	    count_words(v[i + 1].t) <= 8 && strlen(v[i].t) < 400 && strlen(v[i + 1].t) < 400) {
		snprintf(joined, sizeof(joined), "%s %s", v[i].t, v[i + 1].t);
		if (is_attribution(joined, strong_r))
			return 2;
	}
	return 0;
}

struct extract_ctx {
	struct strlist questions;
	/* beside each question, the writer's own heading over it, or "" */
	struct strlist headings;
	/* 1 + the index of the forwarding note's last question while its
	 * forward is read, else 0: a forwarded text that asks nothing is the
	 * background of that question ("Vi undrar hur kommunen ser på detta?") */
	size_t note_question;
	char *forwarded_from;
	bool in_reply_to; /* the mail has In-Reply-To: a reply unless it says otherwise */
	bool from_html; /* line breaks are the writer's paragraphs, not a wrap */
	bool attachments; /* the mail has a file worth opening */
	bool file_questions; /* the text says questions are in the file */
	bool subject_ref; /* the text points at the Subject as a question */
	/* the writer said something of their own that asks nothing (who
	 * attends, "inga frågor", when the meeting starts): the Subject is then
	 * no question either */
	bool said;
	/* the forwarding note being split is itself a forwarded mail: two
	 * member mails attached side by side come out as a forward in a
	 * forward, and the first keeps its own background */
	bool nested_note;
};

static void clean_and_split(struct extract_ctx *ctx, struct lines *own, bool forwarding_note);
static void process_forward(struct extract_ctx *ctx, struct line *v, size_t n, int depth);

/* What follows an Outlook header block or "Ursprungligt meddelande": a
 * forward, or the quoted thread of a reply. The outermost subject prefix
 * decides; without one, a block with nothing above it is a forward, and at
 * the top level a mail that is no reply (no In-Reply-To) is a forward with an
 * edited subject. */
static bool block_is_forward(const struct extract_ctx *ctx, const char *subject, bool content,
			     bool nested)
{
	enum prefix_kind kind = subject_prefix_kind(subject);

	if (kind != PREFIX_NONE)
		return kind == PREFIX_FORWARD;
	if (!content)
		return true;
	/* a forwarded mail whose subject has no reply prefix replied to
	 * nothing: a header block under its text is a second mail pasted
	 * below it ("Från: Eva Dahl ... Ämne: Rullstolen"), not a thread */
	return nested ? *subject != '\0' : !ctx->in_reply_to;
}

static void process_segment(struct extract_ctx *ctx, struct line *v, size_t n,
			    const char *subject, bool nested, int depth)
{
	struct lines own = { 0 };
	size_t fwd = n; /* where a forwarded message starts; n: none */
	bool content = false;

	for (size_t i = 0; i < n; i++) {
		struct line *l = &v[i];
		struct header_block hb;
		bool strong = false;
		size_t k;

		if (l->quoted || line_blank(l)) {
			lines_push_blank(&own, l->quoted);
			continue;
		}
		if (is_forward_marker(l->t)) {
			fwd = i + 1;
			break;
		}
		if (is_original_marker(l->t) ||
		    (is_rule_line(l->t) && (k = next_nonblank(v, i + 1, n)) < n &&
		     header_block_at(v, k, n, &hb))) {
			if (block_is_forward(ctx, subject, content, nested))
				fwd = i + 1;
			else
				n = i; /* the quoted thread: drop the rest */
			break;
		}
		if (is_rule_line(l->t)) {
			lines_push_blank(&own, false);
			continue;
		}
		if (header_block_at(v, i, n, &hb)) {
			enum prefix_kind kind = subject_prefix_kind(subject);

			/* A "Till: / Från: / Datum:" heading of a letter at the top,
			 * naming no address: not a quote, just not a question. */
			if (!content && kind == PREFIX_NONE &&
			    (hb.from == NULL || strchr(hb.from, '@') == NULL)) {
				i = hb.end - 1;
				continue;
			}
			if (block_is_forward(ctx, subject, content, nested))
				fwd = i;
			break;
		}
		if ((k = attribution_at(v, i, n, &strong)) > 0) {
			size_t next = next_nonblank(v, i + k, n);

			if (next < n && v[next].quoted) {
				i += k - 1;
				continue;
			}
			if (strong)
				break;
		}
		lines_push(&own, l);
		content = true;
	}
	size_t before = ctx->questions.n, saved = ctx->note_question;

	ctx->nested_note = nested && fwd < n;
	clean_and_split(ctx, &own, fwd < n);
	ctx->nested_note = false;
	free(own.v);
	if (fwd < n && depth < MAX_FORWARD_DEPTH) {
		ctx->note_question = ctx->questions.n > before ? ctx->questions.n : 0;
		process_forward(ctx, v + fwd, n - fwd, depth + 1);
		ctx->note_question = saved;
	}
}

/* v starts at the forwarded message's header lines (or a blank before them). */
static void process_forward(struct extract_ctx *ctx, struct line *v, size_t n, int depth)
{
	struct header_block hb;
	size_t quoted = 0, text = 0, start;
	char *subject;

	/* Apple Mail and some HTML conversions quote the whole forward. */
	for (size_t i = 0; i < n; i++) {
		if (line_blank(&v[i]))
			continue;
		text++;
		if (v[i].quoted)
			quoted++;
	}
	if (text > 0 && quoted * 10 >= text * 6)
		for (size_t i = 0; i < n; i++)
			unquote(&v[i]);

	start = next_nonblank(v, 0, n);
	collect_headers(v, start, n, &hb);
	if (hb.count == 0)
		hb.end = start;
	if (hb.from != NULL && ctx->forwarded_from == NULL)
		ctx->forwarded_from = find_address(hb.from);
	subject = xstrdup(hb.subject != NULL ? hb.subject : "");
	process_segment(ctx, v + hb.end, n - hb.end, subject, true, depth);
	free(subject);
}

enum marker {
	MARK_NONE,
	MARK_NUMBER,
	MARK_LETTER,
	MARK_LABEL,
	MARK_BULLET,
};

/* ------------------------------------------------------------------------ */
/* Step 3: greetings, closings, signatures, footers. */

static const char *const greeting_words[] = {
	"hej hej", "hejsan", "hej", "hallå", "tjena", "tjenare", "god morgon", "god förmiddag",
	"god eftermiddag", "god kväll", "god dag", "goddag", "hi", "hello", "dear", "kära", "bästa",
	"till", NULL
};

/* Words that start a sentence of a mail, which no name is: "hej vi undrar
 * ..." goes on with its text, "hej karin vi undrar ..." greets Karin first. */
static const char *const sentence_openers[] = {
	"vi", "jag", "min", "mitt", "mina", "vår", "vårt", "våra", "det", "den", "de", "detta",
	"dessa", "här", "nu", "varför", "hur", "när", "vad", "vem", "vilken", "vilka", "vilket",
	"var", "kan", "kommer", "finns", "får", "fick", "har", "hade", "är", "ska",
	"skulle", "blir", "undrar", "vill", "tack", "hoppas", "om", "i", "på", "en", "ett", "efter",
	"inför", "sedan", "sen", "kommunen", "föreningen", "styrelsen", "förvaltningen", "ni",
	"jo", "ja", "nej", "angående", "ang", "gällande", "apropå", NULL
};

static bool word_in(const char *w, const char *end, const char *const *list);
static const char *next_word(const char *s, const char **w_r, const char **end_r);

/* A greeting written without punctuation, after its "hej": the one greeted
 * and who writes ("karin det är sara från attention vi har ..." -> "vi har
 * ..."), up to the first word that starts a sentence; s itself when that
 * is not clear. */
static const char *after_greeted(const char *s)
{
	static const char *const greeted[] = { "alla", "allihop", "allihopa", "allesammans",
					       NULL };
	const char *w, *e, *next, *r, *intro;
	int k;

	/* a name is short: "hej ledsagarservicen fungerar inte" greets no one */
	if ((next = next_word(s, &w, &e)) == NULL || e - w > 10 ||
	    word_in(w, e, sentence_openers))
		return s;
	/* the name of the one greeted, "alla", or both: "hej karin och alla" */
	s = next;
	if ((r = ci_word_prefix(skip_blanks(s), "och")) != NULL &&
	    (next = next_word(r, &w, &e)) != NULL && word_in(w, e, greeted))
		s = next;
	s = skip_blanks(s);
	/* "det är sara från attention", "jag heter sara": who writes */
	intro = ci_word_prefix(s, "det är");
	if (intro == NULL)
		intro = ci_word_prefix(s, "här är");
	if (intro == NULL)
		intro = ci_word_prefix(s, "jag heter");
	if (intro == NULL || (next = next_word(intro, &w, &e)) == NULL)
		return s;
	r = ci_word_prefix(skip_blanks(next), "från");
	if (r == NULL)
		return ci_word_prefix(s, "jag heter") != NULL ? skip_blanks(next) : s;
	/* the association: a few words before the sentence starts */
	for (k = 0; k < 4 && (next = next_word(r, &w, &e)) != NULL; k++, r = next)
		if (k > 0 && word_in(w, e, sentence_openers))
			return skip_blanks(r);
	return s;
}

/* A greeting at the start of t: the text after it (possibly ""), or NULL.
 * "Hej Karin," -> "", "Hej! Kan ni ..." -> "Kan ni ...". */
static const char *greeting_rest(const char *t)
{
	static const char *const not_after_basta[] = { "hälsning", "hälsningar", NULL };
	const char *r = NULL;
	bool to = false;

	for (const char *const *g = greeting_words; *g != NULL && r == NULL; g++) {
		r = ci_word_prefix(t, *g);
		to = r != NULL && strcmp(*g, "till") == 0;
		if (r != NULL && strcmp(*g, "bästa") == 0 && starts_any(skip_blanks(r), not_after_basta))
			r = NULL;
	}
	if (r == NULL)
		return NULL;
	if (to) {
		/* "Till LSS-samverkan", "Till: kommunen" */
		char c = last_char(t);

		if (count_words(t) <= 5 && c != '.' && c != '!' && !has_question_mark(t))
			return "";
		return NULL;
	}
	/* the whole line: "Hej Karin och alla andra!" */
	if (count_words(t) <= 6 && strpbrk(t, ".;?") == NULL) {
		const char *bang = strpbrk(r, "!,:");

		if (bang == NULL || skip_blanks(bang + 1)[0] == '\0')
			return "";
	}
	/* "hej kommer ledsagarservicen att ...": a greeting written without
	 * punctuation, its sentence going on in lower case */
	if (*r == ' ') {
		const char *next = skip_blanks(r);
		size_t len;

		if (*next != '\0' && !cp_is_upper(u8_next(next, &len)) && count_words(t) > 6 &&
		    strpbrk(t, ",!:") == NULL && (ci_word_prefix(t, "hej") != NULL ||
						   ci_word_prefix(t, "hejsan") != NULL))
			return after_greeted(next);
	}
	/* "Hej Karin, här kommer ..." / "Hej! Kan ni ..." */
	for (const char *s = r; *s != '\0' && s - r < 48; s++) {
		if (*s == ',' || *s == '!' || *s == ':') {
			const char *rest = skip_blanks(s + 1);

			if (count_words(r) - count_words(s + 1) > 3)
				return NULL;
			return rest;
		}
		if (*s == '.' || *s == '?')
			return NULL;
	}
	return NULL;
}

static const char *list_marker(const char *t, enum marker *kind_r);

static const char *const closing_phrases[] = {
	"med vänlig hälsning", "med vänliga hälsningar", "med vänlig hälsn", "med vänliga hälsn",
	"med bästa hälsningar", "med hälsningar", "med varma hälsningar", "vänlig hälsning",
	"vänliga hälsningar", "bästa hälsningar", "varma hälsningar",
	"glada hälsningar", "många hälsningar", "hjärtliga hälsningar", "hälsningar", "hälsning",
	"mvh", "m.v.h", "vh", "hälsar", "allt gott", "tack på förhand", "tack i förväg",
	"tack för hjälpen", "tack och hälsningar", "tack och hej", "tack så mycket", "stort tack",
	"tack", "ha det bra", "ha en bra dag", "ha en fin dag", "ha en trevlig", "trevlig helg",
	"best regards", "kind regards", "regards", "best wishes", "cheers", "br", "mfg",
	"med hopp om svar", "i väntan på svar", NULL
};

static bool is_closing(const char *t)
{
	if (strnlen(t, 121) > 120 || has_question_mark(t) || count_words(t) > 7)
		return false;
	/* "/Anna", "//Anna" */
	if (t[0] == '/') {
		const char *s = t + (t[1] == '/' ? 2 : 1);

		s = skip_blanks(s);
		return (at_alnum(s) || *s == '\0') && count_words(t) <= 3;
	}
	for (const char *const *c = closing_phrases; *c != NULL; c++) {
		const char *r = ci_word_prefix(t, *c);

		/* "BR-utredningen" is no "BR" */
		if (r == NULL || *r == '-')
			continue;
		/* "Tack för ett bra möte" is not a closing, "Tack!" is */
		if (strcmp(*c, "tack") == 0 && at_alnum(skip_blanks(r)))
			return false;
		return true;
	}
	return false;
}

static bool is_signature_delimiter(const char *t)
{
	return strcmp(t, "--") == 0 || strcmp(t, "—") == 0;
}

static bool is_phone_footer(const char *t)
{
	static const char *const phone[] = { "skickat från", "skickades från", "skickat via",
					     "sent from", "sent via", "hämta outlook",
					     "get outlook", "från min iphone", "från min ipad",
					     "skickad från", "envoyé de", "von meinem", NULL };

	return strnlen(t, 121) <= 120 && count_words(t) <= 10 && !has_question_mark(t) &&
	       starts_any(t, phone);
}

/* Legal and privacy footers: only cut where they are unmistakable, because
 * everything after the cut goes. */
static bool is_disclaimer(const char *t)
{
	static const char *const starts[] = { "konfidentialitet", "confidentiality notice",
					      "disclaimer", "ansvarsfriskrivning", "tänk på miljön",
					      "think before you print",
					      "please consider the environment", NULL };
	static const char *const anywhere[] = {
		"e-postmeddelande kan innehålla", "meddelande kan innehålla", "mejl kan innehålla",
		"mail kan innehålla", "e-post kan innehålla", "e-brev kan innehålla",
		"kan innehålla konfidentiell", "kan innehålla sekretess", "är endast avsett",
		"är avsett endast", "endast avsett för", "är avsett för mottagaren",
		"avsett för adressaten", "this e-mail may", "this email may", "this message may",
		"may contain confidential", "may contain privileged", "intended solely",
		"intended only for", "intended recipient", "behandlar vi dina personuppgifter",
		"behandlar dina personuppgifter", "behandling av personuppgifter",
		"läs mer om hur vi behandlar", "dataskyddsförordningen", "gdpr", NULL
	};

	if (has_question_mark(t))
		return false;
	/* the phrases come early in a disclaimer; long lines are read no
	 * further than this */
	return starts_any(t, starts) || contains_any_within(t, 400, anywhere);
}

/* What a mail gateway or Microsoft 365 writes above the mail: "EXTERN
 * AVSÄNDARE: Det här meddelandet kommer från en avsändare utanför ...",
 * "Du får inte ofta e-post från ... Läs om varför det här är viktigt". */
static bool is_banner(const char *t)
{
	static const char *const anywhere[] = {
		"avsändare utanför", "kommer från en extern", "från en extern avsändare",
		"extern avsändare", "externt meddelande", "externt mejl", "externt mail",
		"utanför organisationen", "utanför vår organisation", "klicka inte på länkar",
		"öppna inte bilagor", "du får inte ofta e-post från", "du får sällan e-post från",
		"läs om varför det här är viktigt", "originated from outside",
		"outside of the organization", "outside your organization",
		"you don't often get email from", "learn why this is important",
		"external sender", "external email", "[extern]", NULL
	};

	return contains_any_within(t, 600, anywhere);
}

static const char *const role_words[] = {
	"ordförande", "vice ordförande", "sekreterare", "kassör", "ledamot", "styrelseledamot",
	"samordnare", "ombud", "verksamhetsledare", "kanslist", "ersättare", "suppleant",
	"representant", "intressepolitisk", "ombudsman", "handläggare", "kontaktperson",
	"styrelsen", "chair", "secretary", "treasurer", NULL
};

static const char *const association_words[] = {
	"förening", "föreningen", "förbund", "förbundet", "fub", "rbu", "dhr", "neuro", "srf",
	"hrf", "attention", "funktionsrätt", "autism", "riksförbund", "riksförbundet",
	"lokalförening", "länsförening", "distrikt", NULL
};

/* Lines that are signature or footer wherever they stand: org.nr, giro. */
static bool is_footer_line(const char *t)
{
	static const char *const anywhere[] = { "org.nr", "org nr", "orgnr", "org. nr", "org.-nr",
						"organisationsnummer", "organisationsnr",
						"bankgiro", "plusgiro", "momsreg", NULL };
	static const char *const starts[] = { "bg", "pg", "swish", "swishnummer", NULL };

	if (strnlen(t, 201) > 200 || has_question_mark(t) || count_words(t) > 12)
		return false;
	return contains_any(t, anywhere) || (starts_any(t, starts) && has_digit(t));
}

/* "123 45 Exempelstad" */
static bool has_postal_code(const char *t)
{
	for (const char *s = t; *s != '\0'; s++) {
		if (s > t && s[-1] >= '0' && s[-1] <= '9')
			continue;
		if (s[0] >= '1' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
		    s[2] <= '9') {
			const char *q = s + 3;

			if (*q == ' ')
				q++;
			if (q[0] >= '0' && q[0] <= '9' && q[1] >= '0' && q[1] <= '9' && q[2] == ' ') {
				size_t n;

				return cp_is_upper(u8_next(q + 3, &n));
			}
		}
	}
	return false;
}

static bool looks_like_phone(const char *t)
{
	static const char *const labels[] = { "tel", "telefon", "tfn", "mobil", "mob", "mobilnr",
					      "mobiltelefon", "phone", "cell", "växel", "direkt",
					      "fax", "telefontid", NULL };
	size_t digits = count_digits(t), other = 0;

	if (digits < 6)
		return false;
	if (starts_any(t, labels))
		return true;
	for (const char *s = t; *s != '\0'; s++)
		if (!(*s >= '0' && *s <= '9') && strchr(" +-()/.", *s) == NULL)
			other++;
	return other == 0;
}

/* 2: a signature line for sure (phone, web, address, role); 1: could be a
 * name; 0: text. */
static int signature_score(const char *t)
{
	size_t words = strnlen(t, 201) > 200 ? 99 : count_words(t);
	char end = last_char(t);
	bool terminal = end == '.' || end == '?' || end == '!' || end == ':';

	if (*t == '\0')
		return 1;
	if (strnlen(t, 201) > 200 || has_question_mark(t) || words > 12 ||
	    list_marker(t, NULL) != NULL)
		return 0;
	if (looks_like_phone(t) || is_footer_line(t))
		return 2;
	if (words <= 6 && (ci_find(t, "www.") != NULL || ci_find(t, "http") != NULL ||
			   strchr(t, '@') != NULL))
		return 2;
	if (words <= 6 && (has_postal_code(t) || ci_word_prefix(t, "box") != NULL))
		return 2;
	if (words <= 7 && !terminal &&
	    (contains_word_any(t, role_words) || contains_word_any(t, association_words)))
		return 2;
	/* "gm Sanna Ek", "g.m. Sanna Ek": who signed for the board ("genom") */
	if (words >= 2 && words <= 5 && !terminal &&
	    (ci_word_prefix(t, "gm") != NULL || ci_prefix(t, "g.m. ") != NULL))
		return 2;
	if (words <= 4 && !terminal && !has_digit(t)) {
		/* a name: every word capitalised */
		const char *s = t;

		while (*s != '\0') {
			size_t n;

			s = skip_blanks(s);
			if (*s == '\0')
				break;
			if (!cp_is_upper(u8_next(s, &n)))
				return 0;
			while (*s != '\0' && !is_blank_char(*s))
				s++;
		}
		return 1;
	}
	return 0;
}

static void blank_line(struct line *l)
{
	l->t = "";
	l->indent = 0;
	l->quoted = false;
}

/* "PS. x", "P.S. x": x, or NULL ("PS-gruppen" is no postscript). */
static const char *ps_rest(const char *t)
{
	const char *r = ci_word_prefix(t, "ps");

	if (r == NULL)
		r = ci_prefix(t, "p.s");
	if (r == NULL || (*r != '\0' && *r != '.' && *r != ':' && !is_blank_char(*r)))
		return NULL;
	while (*r == '.' || *r == ':' || is_blank_char(*r))
		r++;
	return r;
}

/* A signature without a closing line: trailing lines that look like one,
 * when at least one of them surely is (phone, web, role), or a lone name
 * under the last paragraph or right after a finished sentence. */
static void cut_trailing_signature(struct lines *ls)
{
	const struct line *v = ls->v;
	size_t end = ls->n, k, strong = 0, names = 0;
	bool before = false;

	while (end > 0 && line_blank(&v[end - 1]))
		end--;
	k = end;
	while (k > 0) {
		int score = signature_score(v[k - 1].t);

		if (score == 0)
			break;
		if (!line_blank(&v[k - 1])) {
			if (score == 2)
				strong++;
			else
				names++;
		}
		k--;
	}
	while (k < end && line_blank(&v[k]))
		k++;
	for (size_t i = 0; i < k; i++)
		if (!line_blank(&v[i]))
			before = true;
	if (k >= end || !before)
		return;
	if (strong > 0 || (names <= 2 && k > 0 && line_blank(&v[k - 1])) ||
	    (names == 1 && k > 0 && last_char(v[k - 1].t) != '\0' &&
	     strchr(".?!", last_char(v[k - 1].t)) != NULL))
		ls->n = k;
}

static bool section_heading_at(const struct line *v, size_t i, size_t n);

/* Cuts the signature, footers and disclaimers and drops the greeting. */
static void clean_lines(struct lines *ls)
{
	struct line *v = ls->v;
	size_t n = ls->n, first;
	bool content = false;

	for (size_t i = 0; i < n; i++) {
		const char *t = v[i].t;

		if (line_blank(&v[i]))
			continue;
		if (is_signature_delimiter(t)) {
			n = i;
			break;
		}
		if (content && is_closing(t)) {
			/* keep a "PS." paragraph written after the signature */
			size_t ps = i + 1;

			while (ps < ls->n && ps_rest(v[ps].t) == NULL)
				ps++;
			if (ps < ls->n) {
				size_t end = ps;

				while (end < ls->n && !line_blank(&v[end]))
					end++;
				/* the "PS" stays: filter_sentences() takes it off
				 * with the "DS" that closes it */
				for (size_t k = i; k < ps; k++)
					blank_line(&v[k]);
				n = end;
			} else {
				n = i;
			}
			break;
		}
		if (is_phone_footer(t) || is_footer_line(t)) {
			blank_line(&v[i]);
			continue;
		}
		content = true;
	}
	ls->n = n;

	/* disclaimers close a mail: only its last paragraphs are read */
	for (size_t i = n, seen = 0; i > 0 && seen < DISCLAIMER_PARAGRAPHS; i--) {
		size_t k = i - 1;

		if (line_blank(&v[k]) || (k > 0 && !line_blank(&v[k - 1])))
			continue;
		seen++;
		if (k > 0 && is_disclaimer(v[k].t))
			ls->n = k;
	}

	cut_trailing_signature(ls);

	/* a gateway's banner: in the first paragraphs, above the greeting */
	for (size_t i = 0, seen = 0; i < ls->n && seen < 3; i++) {
		if (line_blank(&v[i]) || (i > 0 && !line_blank(&v[i - 1])))
			continue;
		seen++;
		if (!is_banner(v[i].t))
			continue;
		for (size_t k = i; k < ls->n && !line_blank(&v[k]); k++)
			blank_line(&v[k]);
	}

	/* the greeting: first line, or the start of it */
	first = next_nonblank(v, 0, ls->n);
	if (first < ls->n) {
		const char *rest = greeting_rest(v[first].t);

		if (rest != NULL) {
			if (*rest == '\0')
				blank_line(&v[first]);
			else
				v[first].t = rest;
		}
	}
	/* a second greeting line ("Hej Karin,\nHej alla,") or one heading a
	 * later paragraph */
	for (size_t i = 0; i < ls->n; i++) {
		const char *rest;

		if (line_blank(&v[i]) || (i > 0 && !line_blank(&v[i - 1])))
			continue;
		rest = greeting_rest(v[i].t);
		if (rest != NULL && *rest == '\0' && count_words(v[i].t) <= 4) {
			/* "TILL LSS-SAMVERKAN" over a section still ends the one
			 * above it */
			bool heading = i > 0 && section_heading_at(v, i, ls->n);

			blank_line(&v[i]);
			v[i].gap = heading;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Sentences. */

static const char *const ask_phrases[] = {
	"undrar", "vill veta", "vill gärna veta", "skulle vilja veta", "vill få veta",
	"önskar få veta", "vill ha svar", "önskar svar", "ber om svar", "vill fråga",
	"vill ställa en fråga", "vi frågar", "jag frågar", "önskar information",
	"vill ha information", "önskar en redogörelse",
	"vill ha en redogörelse", "ber om en redogörelse", "vill ha en redovisning",
	"önskar en redovisning", "vill ha en dragning", "önskar en dragning", "vill att kommunen",
	"önskar att kommunen", "ber kommunen", "ber förvaltningen", "vill att förvaltningen",
	"önskar att förvaltningen", "vill ta upp frågan", "vill lyfta frågan", "önskar ta upp",
	"vill diskutera", "önskar diskutera", "vill bjuda in", "vill gärna bjuda in", "föreslår att",
	"yrkar", "vill gärna att kommunen", "önskar gärna att kommunen",
	"vill gärna att förvaltningen", "vänligen förklara", "vänligen redogör",
	"vänligen beskriv", "vänligen redovisa", "förklara gärna", "redogör gärna",
	"beskriv gärna", "ber er förklara", "ber er redogöra",
	/* "vi vill också veta", "vi skulle gärna höra vad kommunen tänker" */
	"vill också veta", "vill även veta", "vill dessutom veta", "vill också gärna veta",
	"skulle också vilja veta", "skulle gärna vilja veta", "vill också fråga",
	"vill även fråga", "vill höra", "vill gärna höra", "vill också höra",
	"skulle vilja höra", "skulle gärna höra", "skulle också gärna höra",
	"skulle också vilja höra", "vill få svar", "vill också ha svar", NULL
};

static bool is_meta(const char *s)
{
	static const char *const starts[] = {
		"se nedan", "se mejl", "se mail", "se mejlet", "se mailet", "se vidarebefordrat",
		"se nedanstående", "se bifogat mejl", "vidarebefordrar", "skickar vidare", "fyi",
		"för kännedom", "för info", "svar nedan", "se svar", "se mina svar", "se våra svar",
		"se kommentarer", "se mina kommentarer", "kommentarer nedan", "mina svar",
		"svarar nedan", "svar i texten", NULL
	};
	static const char *const deictic[] = { "detta", "denna", "den här", "det här", "dessa",
					       "de här", "nedan", "nedanstående", "mejlet", "mailet",
					       "hennes fråga", "hans fråga", "medlemmens fråga",
					       "följande", "det", "den", NULL };
	static const char *const verbs[] = { "ta upp", "tas upp", "lyfta", "lyftas", "ta med",
					     "tas med", "föra vidare", "föra fram", "diskutera",
					     "diskuteras", "behandla", "behandlas", "besvara",
					     "besvaras", "svara på", "titta på", "kolla på",
					     "ta ställning", "ta med sig", "ta tag i", "ha med",
					     "få med", NULL };
	/* "Malin, kan du ta den här till kommunen?": pass it on, asked of the
	 * one who sends it on, in a chain of forwards */
	static const char *const passing[] = { "ta", "skicka", "lämna", "föra", "vidarebefordra",
					       "mejla", "maila", "ta med", NULL };
	static const char *const onward[] = { "till kommunen", "till mötet", "till lss",
					      "till lss-samverkan", "till samverkan",
					      "till samverkansmötet", "vidare", NULL };
	static const char *const passed_on[] = {
		"den här frågan", "denna fråga", "denna frågan", "det här", "detta", "nedanstående",
		"frågan nedan", "frågorna nedan", "dessa frågor", "de här frågorna", "hennes fråga",
		"hans fråga", "medlemmens fråga", "deras fråga", NULL
	};
	static const char *const meeting[] = { "på mötet", "till mötet", "nästa möte",
					       "samverkansmötet", "dagordningen", NULL };
	size_t words = count_words(s);

	if (words <= 15 && starts_any(s, starts))
		return true;
	/* the cheap test first: most sentences send nothing on */
	if (words <= 14 && (strstr(s, "till ") != NULL || strstr(s, "vidare") != NULL) &&
	    contains_word_any(s, onward) && contains_word_any(s, passing) &&
	    contains_word_any(s, deictic))
		return true;
	/* "Nedan en fråga från en medlem.", "Vi undrar samma sak som Bertil
	 * nedan och vill gärna ha med frågan på mötet." */
	if (words <= 20 && !has_question_mark(s) &&
	    (contains_word(s, "nedan") || contains_word(s, "nedanstående")))
		return true;
	if (words <= 14 && contains_word_any(s, verbs) && contains_word_any(s, deictic) &&
	    !contains_word(s, "frågan om"))
		return true;
	/* "Kan vi ta med den här frågan från en av våra medlemmar till mötet
	 * den 10/12?": a longer request, when it names both the question it
	 * passes on and the meeting it goes to */
	return words <= 25 && contains_any(s, meeting) && contains_word_any(s, verbs) &&
	       contains_word_any(s, passed_on) && !contains_word(s, "frågan om");
}

/* s without the adverbs that writers put inside a phrase that asks: "vill
 * också veta", "önskar vidare att förvaltningen", "ber därför förvaltningen". */
static char *without_adverbs(const char *s)
{
	static const char *const adverbs[] = { "också", "även", "dessutom", "vidare", "därför",
					       "alltså", "särskilt", "härmed", "nu", NULL };
	struct buf out = { 0 };

	while (*(s = skip_blanks(s)) != '\0') {
		const char *w = s, *r = NULL;

		for (const char *const *a = adverbs; *a != NULL && r == NULL; a++)
			r = ci_word_prefix(w, *a);
		while (*s != '\0' && !is_blank_char(*s))
			s++;
		if (r != NULL && r == s)
			continue;
		if (out.len > 0)
			buf_append_char(&out, ' ');
		buf_append(&out, w, (size_t)(s - w));
	}
	return buf_steal(&out);
}

/* A request in the imperative: "Redovisa gärna hur många ...", "Återkom
 * med ett besked om ...". */
static bool is_request(const char *s)
{
	static const char *const starts[] = { "redovisa", "redogör", "förklara", "beskriv",
					      "berätta", "återkom", "svara gärna", "meddela gärna",
					      "informera gärna", "kan ni återkomma", "kan ni redovisa",
					      "kan ni berätta", "kan ni förklara", NULL };
	static const char *const phrases[] = { "ber om en lägesrapport", "ber om lägesrapport",
					       "ber om besked", "ber om ett besked",
					       "ber om en redovisning", "ber om information",
					       "ber om en förklaring", "önskar en lägesrapport",
					       "vill ha en lägesrapport", "vill ha besked",
					       "önskar besked", NULL };

	return starts_any(s, starts) || contains_word_any(s, phrases);
}

/* 2: a question mark, or a request made to the administration ("Redovisa
 * gärna ...", "Vi ber därför förvaltningen att ..."), which is as much an
 * agenda item as a question; 1: asks in words ("Vi undrar", "vill veta"); 0:
 * no. */
static int sentence_asks(const char *s)
{
	static const char *const directed[] = {
		"ber förvaltningen", "ber kommunen", "ber nämnden", "ber socialnämnden",
		"vill att förvaltningen", "vill att kommunen", "vill att nämnden",
		"önskar att förvaltningen", "önskar att kommunen", "önskar att nämnden",
		"ber om en lägesrapport", "ber om besked", "ber om en redovisning", NULL
	};
	static const char *const adding[] = { "också", "även", "dessutom", NULL };
	/* the rules ask this of the same sentence many times, on every
	 * thread that extracts: the last answers, per thread */
	static _Thread_local struct {
		uint64_t hash;
		int asks;
	} memo[64];
	uint64_t h = 1469598103934665603u;
	char *bare;
	bool adverbs;
	int asks;

	if (has_question_mark(s))
		return 2;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211u;
	h |= 1; /* 0 is an empty slot */
	if (memo[h % 64].hash == h)
		return memo[h % 64].asks;
	bare = without_adverbs(s);
	adverbs = strcmp(bare, s) != 0;
	if (is_request(s))
		asks = 2;
	else if (contains_word_any(bare, directed) && !contains_word(bare, "ska veta"))
		asks = 2;
	else if (contains_word_any(s, ask_phrases) ||
		 (adverbs && contains_word_any(bare, ask_phrases)))
		/* "Vi undrar också om ...": one more question beside those
		 * with '?' */
		asks = adverbs && contains_word_any(s, adding) ? 2 : 1;
	else
		asks = 0;
	free(bare);
	memo[h % 64].hash = h;
	memo[h % 64].asks = asks;
	return asks;
}

/* "Har ni läst artikeln i tidningen i fredags?": a question that points at
 * what the next one is about, asked of nobody on the agenda. */
static bool is_pointer_question(const char *s)
{
	static const char *const starts[] = { "har ni läst", "har ni sett", "har ni hört",
					      "har ni tagit del av", "läste ni", "såg ni", "hörde ni",
					      "har du läst", "har du sett", "har ni noterat", NULL };
	static const char *const media[] = { "artikel", "reportage", "inslag", "insändare",
					     "tidning", "nyhet", "debattartikel", "radio", "tv",
					     "p4", "sändning", "granskning", "länk", "http", NULL };

	return has_question_mark(s) && count_words(s) <= 20 && starts_any(s, starts) &&
	       contains_any(s, media);
}

/* "Vill du vara med och påverka? Anmäl dig till ...", "Har du frågor om
 * avgiften? Kontakta kassören.": a newsletter asks its reader ("du"), then
 * says what to do; the council is asked as "ni" or by name. next is the
 * sentence after s in its paragraph, or NULL. */
static bool is_reader_question(const char *s, const char *next)
{
	static const char *const calls[] = {
		"anmäl", "svara", "kontakta", "hör av dig", "ring", "mejla", "maila", "skicka",
		"läs", "kom", "besök", "fyll i", "gå in", "klicka", "skriv", "välkommen",
		"titta in", "boka", NULL
	};
	const char *w = s;

	if (next == NULL || !has_question_mark(s))
		return false;
	while (*w != '\0' && !is_blank_char(*w))
		w++;
	return ci_word_prefix(skip_blanks(w), "du") != NULL && starts_any(next, calls);
}

/* "Här kommer våra frågor:", "Inför nästa möte vill FUB ställa följande
 * frågor:", "Vi har några frågor som vi vill ta upp:" */
static bool is_intro(const char *s)
{
	static const char *const topics[] = { "fråg", "punkt", "följande", "ärende", "undrar",
					      "synpunkt", "ta upp", NULL };
	static const char *const following[] = { "följande fråg", "följande punkt",
						 "följande ärende", "följande synpunkt", NULL };
	static const char *const plural_cues[] = {
		"här kommer", "här är", "nedan", "bifoga", "våra", "vår", "några", "ett par", "två",
		"tre", "fyra", "fem", "ställa", "ta upp", "lyfta", "skicka", "inför", "till mötet",
		"till nästa", "till lss", "till samverkan", "till er", "till dagordningen",
		"på dagordningen", NULL
	};
	static const char *const one_question[] = { "en fråga", "en kort fråga", "en till fråga",
						    "ytterligare en fråga", "en enda fråga",
						    "någon fråga", "en ny fråga", NULL };
	static const char *const meeting[] = { "till mötet", "inför mötet", "till nästa möte",
					       "inför nästa möte", "till lss", "till samverkan",
					       "till dagordningen", "på mötet", "på dagordningen",
					       "till er", NULL };
	static const char *const about[] = { "om", "angående", "kring", "gällande", "rörande",
					     "beträffande", NULL };
	/* "... två saker som vi gärna tar upp den 3 december." */
	static const char *const presenting[] = { "här kommer", "här är", "lyfta", "lyfter",
						  "ta upp", "tar upp", "tas upp", "ställa",
						  "till mötet", "inför", "på mötet",
						  "till dagordningen", NULL };
	size_t words = count_words(s);

	if (has_question_mark(s) || words > 30)
		return false;
	if (last_char(s) == ':' && contains_any(s, topics))
		return true;
	if (contains_any(s, following))
		return true;
	if ((contains_word(s, "frågor") || contains_word(s, "punkter")) &&
	    contains_any(s, plural_cues))
		return true;
	/* "Attention Exempelstad har en fråga till mötet den 15 maj.", "En
	 * fråga från RSMH till mötet i maj." — but not one that says what
	 * about ("en fråga till mötet om hur ...": that is the question) */
	if (contains_word_any(s, one_question) && contains_any(s, meeting) &&
	    !contains_word_any(s, about))
		return true;
	/* "Här kommer två saker som NEURO vill lyfta på mötet." */
	return (contains_word(s, "saker") || contains_word(s, "ämnen") ||
		contains_word(s, "frågeställningar")) &&
	       contains_any(s, presenting);
}

/* Who stands behind the mail: "FUB och RBU står gemensamt bakom den här
 * frågan." */
static bool is_backing(const char *s)
{
	static const char *const backed[] = { "fråg", "punkt", "skrivelse", NULL };

	return !has_question_mark(s) && count_words(s) <= 15 && sentence_asks(s) == 0 &&
	       contains_word(s, "bakom") && contains_any(s, backed);
}

/* "Se rubrik.", "Frågan står i ämnesraden.": the body points at the Subject,
 * which then is the question. */
static bool is_subject_ref(const char *s)
{
	static const char *const cues[] = { "rubrik", "ämnesrad", "se ämne", "enligt ämne", NULL };

	/* "Frågan i ämnesraden har många medlemmar ställt till oss, ta gärna
	 * med den på mötet.": longer, when it names the question and the line */
	static const char *const long_cues[] = { "ämnesrad", "i rubriken", "i ämnet", NULL };
	static const char *const question[] = { "fråg", NULL };
	size_t words = count_words(s);

	if (has_question_mark(s) || words > 25)
		return false;
	if (words > 6 && strstr(s, "mnesrad") == NULL && strstr(s, "rubrik") == NULL &&
	    strstr(s, "mnet") == NULL)
		return false; /* the cheap test for the long form */
	if (sentence_asks(s) != 0)
		return false;
	return (words <= 6 && contains_any(s, cues)) ||
	       (contains_any(s, long_cues) && contains_stem_any(s, question));
}

/* "Se bifogad fil.", "Frågorna finns i bilagan." Cues start a word, and
 * "pdf" alone is not one: "brister i dokumentationen" and "beslutet kom
 * som pdf utan förklaring" are about the matter, not a file of this mail. */
static bool is_attachment_ref(const char *s)
{
	static const char *const stems[] = { "bifoga", "bilag", "attached", "attachment",
					     "word-fil", "wordfil", "worddokument", "pdf-fil",
					     "pdf:en", NULL };
	static const char *const words[] = { "i filen", "i dokumentet", "se fil", "se filen",
					     "se pdf", "i pdf", "se dokumentet", NULL };

	return !has_question_mark(s) && count_words(s) <= 20 &&
	       (contains_stem_any(s, stems) || contains_word_any(s, words));
}

/* The next word of s, from *w_r to *end_r without trailing punctuation;
 * returns where the word ends, or NULL when there is none. */
static const char *next_word(const char *s, const char **w_r, const char **end_r)
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

/* A run of personal names at s ("Lena Holm och Per Ek", "Anna, Per och
 * jag", "Eva Ek (ordförande)"): the number of capitalised words; *rest_r is
 * where the run ends. */
static size_t name_run(const char *s, const char **rest_r)
{
	static const char *const joins[] = { "och", "samt", "&", "jag", "vi", "mig", NULL };
	const char *w, *e, *next;
	size_t names = 0, n;
	bool paren = false;

	*rest_r = s;
	while ((next = next_word(s, &w, &e)) != NULL) {
		bool closes = memchr(w, ')', (size_t)(next - w)) != NULL;

		if (paren || *w == '(')
			paren = !closes;
		else if (e > w && cp_is_upper(u8_next(w, &n)) && !memchr(w, '@', (size_t)(e - w)))
			names++;
		else if (!word_in(w, e, joins))
			break;
		s = next;
		*rest_r = s;
	}
	return names;
}

/* What may follow the names of who attends: nothing, "från oss", "på
 * mötet", "den 13 mars", "som ersättare", "båda två". */
static bool attendance_tail(const char *t, size_t names)
{
	static const char *const infinitives[] = { "att delta", "att närvara", "att komma",
						   "att vara med", NULL };
	static const char *const tails[] = { "båda", "bägge", "också", "även", "som", NULL };
	static const char *const meeting[] = { "möte", NULL };
	const char *r;

	t = skip_blanks(t);
	if (*t == '\0')
		return names >= 2;
	if (starts_any(t, infinitives))
		return true;
	if (count_words(t) > 7 || contains_word(t, "att") || ci_word_prefix(t, "från och med"))
		return false;
	/* "från oss", "från Autism- och Aspergerföreningen" */
	if (ci_word_prefix(t, "från") != NULL)
		return count_words(t) <= 4;
	if (contains_any(t, meeting))
		return true;
	r = ci_word_prefix(t, "den");
	if (r != NULL && skip_blanks(r)[0] >= '0' && skip_blanks(r)[0] <= '9')
		return names >= 1;
	return names >= 2 && starts_any(t, tails);
}

/* Who attends, by name: "Från FUB kommer Lena Holm och Per Ek.",
 * "Birgitta Sjöberg kommer från oss.", "Anna Berg deltar på mötet." */
static bool names_attend(const char *s, const char *const *not_attendance)
{
	static const char *const verbs[] = { "kommer", "deltar", "närvarar", "medverkar",
					     "representerar", "företräder", NULL };
	const char *r, *w, *e, *next, *rest;
	size_t names;

	/* "Jag kommer från FUB och undrar ..." introduces a question */
	if (count_words(s) > 20 || sentence_asks(s) > 0 || contains_word_any(s, not_attendance))
		return false;
	if ((r = ci_word_prefix(s, "från")) != NULL) {
		/* the association takes at most four words: "Från Autism- och
		 * Aspergerföreningen kommer" */
		for (int k = 0; k < 5 && (next = next_word(r, &w, &e)) != NULL; k++, r = next) {
			if (!word_in(w, e, verbs))
				continue;
			if (k == 0)
				return false;
			/* "Från FUB kommer:" and the names on the next line */
			if (e < next && *e == ':' && *skip_blanks(next) == '\0')
				return true;
			names = name_run(next, &rest);
			return names >= 1 &&
			       (*skip_blanks(rest) == '\0' || attendance_tail(rest, 2));
		}
		return false;
	}
	names = name_run(s, &rest);
	if (names == 0 || (next = next_word(rest, &w, &e)) == NULL || !word_in(w, e, verbs))
		return false;
	return attendance_tail(next, names);
}

static bool is_attendance(const char *s)
{
	static const char *const starts[] = { "anmälan:", "anmäler", "jag anmäler", "vi anmäler",
					      "närvaro:", "deltagare:", "ersättare:", "representant:",
					      "representanter:", "från föreningen kommer",
					      "från oss kommer", "återbud", NULL };
	static const char *const anywhere[] = { "kan tyvärr inte", "kan inte närvara",
						"kan inte delta", "kan inte komma",
						"har förhinder", "får förhinder", "lämnar återbud",
						"meddelar återbud", "anmäler återbud",
						/* "Vår vice ordförande Eva Lund kommer i
						 * mitt ställe." */
						"i mitt ställe", "i mitt istället", "i stället för mig",
						"istället för mig", "ersätter mig", "i vårt ställe",
						NULL };
	/* "Eva har med sig mer information till mötet." */
	static const char *const bringing[] = { "har med sig", "tar med sig", "tar med", NULL };
	static const char *const to_meeting[] = { "till mötet", "på mötet", "till nästa möte",
						  NULL };
	static const char *const presence[] = {
		"närvara", "närvarar", "deltar", "delta på", "delta vid", "delta i mötet", "deltaga",
		"kommer på mötet", "kommer till mötet", "komma på mötet", "komma till mötet",
		"vara med på", "kommer att vara två", "kommer att vara tre", "kommer att vara en",
		"vara två", "vara tre", "kommer två", "kommer tre", "kommer båda", "kommer båda två",
		"representeras av", "representerar föreningen", NULL
	};
	static const char *const not_attendance[] = { "vill", "undrar", "önskar", "ser gärna",
						      "frågan", "fråga", "hoppas att", NULL };
	static const char *const persons[] = { "jag", "vi", "från föreningen", "från oss",
					       "föreningen", NULL };
	static const char *const hindered[] = { "förhinder", "förhindrad", "förhindrade",
						"förhindrat", NULL };
	static const char *const coming[] = { "jag kommer", "vi kommer", "jag deltar",
					      "vi deltar", "jag kommer gärna", "vi kommer gärna",
					      NULL };

	if (has_question_mark(s))
		return false;
	if (starts_any(s, starts) || contains_any(s, anywhere))
		return true;
	/* "Jag kommer, och Åsa Lund följer med.": coming, said and done */
	for (const char *const *c = coming; strchr("jJvV", *s) != NULL && *c != NULL; c++) {
		const char *r = ci_word_prefix(s, *c);

		if (r != NULL && (*r == ',' || *r == '.' || *r == '!' || *r == '\0') &&
		    !contains_word_any(s, not_attendance))
			return true;
	}
	if (starts_any(s, persons) && contains_any(s, presence) &&
	    !contains_word_any(s, not_attendance))
		return true;
	/* "Jag har tyvärr förhinder den 10 december": an adverb may stand
	 * anywhere in the phrase, so the word itself, said by the writer */
	if (starts_any(s, persons) && contains_word_any(s, hindered) &&
	    !contains_word_any(s, not_attendance))
		return true;
	if (count_words(s) <= 14 && contains_word_any(s, bringing) &&
	    contains_word_any(s, to_meeting) && !contains_word_any(s, not_attendance))
		return true;
	return names_attend(s, not_attendance);
}

/* What a writer adds after saying who attends, in the same paragraph: the
 * attendee's needs and the meeting's practicalities ("Hon har rullstol, så
 * det vore bra om lokalen har hiss."), which are for the secretary, not the
 * agenda. */
static bool is_attendance_detail(const char *s)
{
	static const char *const attendee[] = { "hon", "han", "hen", "båda", "bägge", NULL };
	static const char *const practical[] = { "möteslokal", "lokalen", "lokal", "salen", "hiss",
						 "hissen", "tolk", "teckentolk", "hörslinga",
						 "hörslingan", "ramp", "rullstol", "specialkost",
						 "parkering", "parkeringen", NULL };

	if (sentence_asks(s) > 0 || count_words(s) > 30)
		return false;
	return starts_any(s, attendee) || contains_word_any(s, practical);
}

/* "Börjar mötet kl. 13.00 eller 13.30?", "Var hålls mötet?", "Finns det en
 * Teams-länk till mötet?": when and where this meeting is held, which the
 * secretary answers by return mail. The meetings as a matter ("Kan mötena
 * hållas på kvällstid?", "Varför byttes lokalen?") and a request for time
 * on the agenda ("Kan vi ta upp ... på mötet kl. 14?") stay questions. */
static bool is_meeting_practical(const char *s)
{
	static const char *const meeting[] = { "mötet", "samverkansmötet", "sammanträdet",
					       "träffen", NULL };
	static const char *const practical[] = {
		"börjar", "slutar", "startar", "kl", "klockan", "vilken tid", "var hålls",
		"var är", "var ligger", "var blir", "vilken lokal", "vilken sal", "lokalen",
		"adress", "adressen", "salen", "länk", "länken", "teams-länk", "teams", "zoom",
		"delta digitalt", "på distans", "parkera", "parkering", "ingången", NULL
	};
	/* asking for time on the agenda is asking for an item */
	static const char *const matter[] = { "varför", "framöver", "i fortsättningen", "alltid",
					      "ta upp", "tas upp", "lyfta", "presentera",
					      "dagordning", "dagordningen", "punkt", "fråga",
					      "frågan", "frågor", NULL };

	/* the cheap tests first: most sentences name no meeting */
	if (!has_question_mark(s) ||
	    (ci_find(s, "mötet") == NULL && ci_find(s, "sammanträdet") == NULL &&
	     ci_find(s, "träffen") == NULL) ||
	    count_words(s) > 25)
		return false;
	return contains_word_any(s, meeting) &&
	       (has_clock_time(s) || contains_word_any(s, practical)) &&
	       !contains_word_any(s, matter);
}

/* In what capacity the writer writes, not the matter: "Jag är medlem i FUB
 * men skriver privat, jag har pratat med Anna om det.", "Jag skriver å egna
 * vägnar." Triage decides about the sender; the agenda needs none of it. */
static bool is_capacity(const char *s)
{
	static const char *const capacity[] = { "privat", "som privatperson", "egna vägnar",
						"eget namn", "egen räkning", "egen del", NULL };

	/* the cheap test first: most sentences say nothing of writing */
	if (ci_find(s, "skriv") == NULL || has_question_mark(s) || count_words(s) > 25)
		return false;
	return (contains_word(s, "skriver") || contains_word(s, "skrivit")) &&
	       contains_word_any(s, capacity);
}

/* "Vi har inga frågor den här gången.", "Inget att ta upp från oss." */
static bool is_no_questions(const char *s)
{
	/* "Handläggaren har inga ärenden kvar" is about someone else */
	static const char *const others[] = { "kommunen", "förvaltningen", "regionen", "nämnden",
					      "handläggare", "handläggaren", "handläggarna",
					      "personalen", "hon", "han", "hen", "de", "det är",
					      NULL };
	static const char *const none[] = {
		"inga frågor", "inga nya frågor", "inga egna frågor", "inga särskilda frågor",
		"inga andra frågor", "inga fler frågor", "inga ytterligare frågor",
		"inga övriga frågor",
		"inte några frågor", "inte någon fråga", "ingen fråga", "inga punkter",
		"inga ärenden", "inga synpunkter", "inget att ta upp", "inget att lyfta",
		"inget särskilt att ta upp", "inget nytt att ta upp", "inget från oss",
		"inga frågor från oss", "avstår från att ställa", NULL
	};

	return sentence_asks(s) == 0 && count_words(s) <= 14 && !starts_any(s, others) &&
	       contains_any(s, none);
}

/* An aside about the mail itself: an apology, a forgotten question or file,
 * a resend ("Jag glömde skriva själva frågan i förra mejlet, förlåt.",
 * "Ursäkta dröjsmålet.", "Rättelse:"). */
static bool is_aside(const char *s)
{
	static const char *const apology[] = { "förlåt", "ursäkta", "ber om ursäkt", "sorry",
					       "oj", "hoppsan", NULL };
	static const char *const forgot[] = { "glömde", "glömt", "missade", NULL };
	static const char *const writer[] = { "jag", "vi", "oj", "hoppsan", "ursäkta", "förlåt",
					      NULL };
	static const char *const mail_acts[] = { "mejl", "mail", "meddelande", "brevet", "bifoga",
						 "bilaga", "skicka", "dröj", "sent svar",
						 "svarar sent", "dubbel", "stavfel",
						 /* "Förlåt min dåliga svenska" */
						 "svenska", "engelska", "english", "swedish",
						 NULL };
	/* what one forgets to write: "Jag glömde skriva själva frågan" */
	static const char *const writing[] = { "skriva", "skrev", "få med", "ta med", "nämna",
					       "frågan", "frågorna", NULL };
	static const char *const own_address[] = { "från min privata", "från min egen adress",
						   "från min egen mejl", "från min egen mail",
						   "från min jobbadress", "från min arbetsmejl",
						   "från min arbetsadress", "från min privata mejl",
						   "från min hotmail", "från min gmail", NULL };
	static const char *const resend[] = { "rättelse", "korrigering", "skickar igen",
					      "skickar om", "jag skickar om", "vi skickar om",
					      "nytt försök", "här kommer den igen", NULL };

	if (has_question_mark(s) || count_words(s) > 20 || sentence_asks(s) > 0)
		return false;
	if (starts_any(s, resend))
		return true;
	if (contains_word_any(s, apology) && contains_any(s, mail_acts))
		return true;
	/* "Jag skriver från min privata adress, eftersom föreningens dator är
	 * på lagning." */
	if (contains_any(s, own_address))
		return true;
	return starts_any(s, writer) && contains_word_any(s, forgot) &&
	       (contains_any(s, mail_acts) || contains_any(s, writing));
}

/* A closing at the end of the last line: "Mvh Ronny DHR", "/Maja, skickat
 * från mobilen". */
static bool is_inline_closing(const char *s)
{
	return is_closing(s) || (count_words(s) <= 8 && (ci_find(s, "skickat från") != NULL ||
							  ci_find(s, "sent from") != NULL));
}

/* A paragraph written in one go, greeting and signature inside it: "Hej
 * Karin och alla, jag skriver för FUB eftersom ... i ett mejl." opens it,
 * said about the writing, and "Tack på förhand och hälsningar från Birgitta
 * Åkesson, styrelseledamot, tel ..." closes it. first: s is the first of
 * several sentences, else the last. */
static bool is_run_in_frame(const char *s, bool first)
{
	static const char *const writing[] = { "skriver", "mejl", "mejlet", "mail", "mailet",
					       "hör av mig", "hör av oss", NULL };
	static const char *const signoff_starts[] = { "tack", "med vänlig", "vänliga", "vänlig",
						      "hälsningar", "mvh", "bästa hälsningar",
						      "varma hälsningar", NULL };
	static const char *const signoff[] = { "hälsningar", "hälsning", "mvh", NULL };
	/* greeting_rest() wants the greeting alone on its line or sentence */
	static const char *const greetings[] = { "hej", "hejsan", "hallå", "god morgon",
						 "god dag", "goddag", "kära", NULL };

	if (has_question_mark(s))
		return false;
	if (first)
		return starts_any(s, greetings) && contains_word_any(s, writing) &&
		       sentence_asks(s) == 0;
	return starts_any(s, signoff_starts) && contains_word_any(s, signoff) &&
	       sentence_asks(s) == 0;
}

/* "En rättelse: under punkt 5 står det att ...", "Två små rättelser: jag
 * heter Lindholm": a correction of the minutes, for the secretary, not a
 * question for the agenda. What follows it in its paragraph goes with it. */
static bool is_correction(const char *s)
{
	static const char *const starts[] = { "rättelse", "en rättelse", "en liten rättelse",
					      "en kort rättelse", "två rättelser", "två små rättelser",
					      "några rättelser", "några små rättelser", "korrigering",
					      "en korrigering", "en liten korrigering",
					      "en synpunkt på anteckningarna",
					      "en synpunkt på minnesanteckningarna",
					      "en synpunkt på protokollet", NULL };

	return !has_question_mark(s) && starts_any(s, starts);
}

/* "Här är Attentions yttrande om skolskjutsarna:" announces what follows,
 * most often a file: it says nothing of the question. */
static bool is_presenter(const char *s)
{
	static const char *const starts[] = { "här är", "här kommer", "här följer", "här har ni",
					      "här har du", "här skickar", "här bifogas", "härmed",
					      "nedan följer", "nedan finns", "bifogat", "bifogad",
					      "i bilagan", "i den bifogade", "se bilaga", NULL };

	return last_char(s) == ':' && sentence_asks(s) == 0 && count_words(s) <= 20 &&
	       starts_any(s, starts);
}

/* The "PS" and "DS" that frame a postscript in Swedish letters, as a
 * sentence of their own ("DS.", "P.S."). */
static bool is_ps_ds(const char *s)
{
	static const char *const marks[] = { "ps", "p.s", "p s", "ds", "d.s", "/ds", "//ds", NULL };
	char word[8];
	size_t n = strlen(s);

	while (n > 0 && strchr(".:!", s[n - 1]) != NULL)
		n--;
	if (n == 0 || n >= sizeof(word))
		return false;
	memcpy(word, s, n);
	word[n] = '\0';
	return equals_any(word, marks);
}

/* The length of s without a closing "DS" ("Vi har inte fått några. /DS"). */
static size_t without_ds(const char *s, size_t len)
{
	static const char *const marks[] = { " DS", " DS.", " D.S.", " D.S", " /DS", " Ds.",
					     " Ds", NULL };

	for (const char *const *m = marks; *m != NULL; m++) {
		size_t ml = strlen(*m);

		if (len > ml && memcmp(s + len - ml, *m, ml) == 0)
			return len - ml;
	}
	return len;
}

/* The length of a paragraph's last sentence s without a closing run into
 * it, as a writer without punctuation does: "... sitter bara hemma mvh
 * sara" -> "... sitter bara hemma". The closing has at most three words
 * after it. */
static size_t without_run_on_closing(const char *s, size_t len)
{
	static const char *const closings[] = { "mvh", "m.v.h", "vh", "med vänlig hälsning",
						"med vänliga hälsningar", "vänliga hälsningar",
						"vänlig hälsning", "hälsningar", NULL };
	size_t words = 0; /* from s + i to the end */

	/* a closing of three words and three after it; a sentence before */
	for (size_t i = len; i > 20 && words < 6; i--) {
		if (s[i - 1] == '.' || s[i - 1] == '?' || s[i - 1] == '!')
			return len;
		if (s[i - 1] != ' ')
			continue;
		words++;
		for (const char *const *c = closings; *c != NULL; c++) {
			size_t cl = strlen(*c);

			if (cl <= len - i && strncasecmp(s + i, *c, cl) == 0 &&
			    (i + cl == len || s[i + cl] == ' ') &&
			    words <= 3 + (size_t)(strchr(*c, ' ') != NULL ? 3 : 1))
				return i - 1;
		}
	}
	return len;
}

static bool is_pleasantry(const char *s)
{
	static const char *const starts[] = { "tack", "hoppas", "trevligt", "kul att", "stort tack",
					      "varmt tack", "ett stort tack", "många tack",
					      "vi ser fram emot", "ser fram emot", NULL };
	/* "Föreningen tackar för ett gott samarbete och ser fram emot mötet." */
	static const char *const anywhere[] = { "tackar för", "ser fram emot mötet",
						"ser fram emot att ses", "ser fram emot ett",
						"tack för ett gott samarbete", NULL };
	static const char *const thanks[] = { "tack för", "stort tack", "varmt tack",
					      "ett stort tack", "många tack", NULL };
	const char *rest;

	if (has_question_mark(s) || ci_word_prefix(s, "tack vare") != NULL)
		return false;
	/* "Stort tack för anteckningarna från förra mötet och för att ni tog
	 * upp vår fråga om skolfrånvaron så ordentligt." */
	if (count_words(s) <= 30 && starts_any(s, thanks) && sentence_asks(s) == 0)
		return true;
	if (count_words(s) > 14)
		return false;
	rest = greeting_rest(s);
	if (rest != NULL && *rest == '\0' && count_words(s) <= 4)
		return true;
	return starts_any(s, starts) ||
	       (contains_word_any(s, anywhere) && sentence_asks(s) == 0);
}

/* "Bakgrund:", "Fråga:" as a sentence of its own */
static bool is_label(const char *s)
{
	return count_words(s) <= 3 && last_char(s) == ':' && !has_question_mark(s);
}

static bool sentence_start_at(const char *s)
{
	size_t n;
	int32_t c;

	if (*s == '\0')
		return false;
	c = u8_next(s, &n);
	return cp_is_upper(c) || (c >= '0' && c <= '9') || c == '"' || c == '(' || c == 0xAB ||
	       c == 0xBB || c == 0x201D || c == 0x201C || c == '\'';
}

struct sentence {
	size_t start, len;
};

/* "kl. 13.00", "ca. 40", "nr. 5": a dot that ends an abbreviation before a
 * number, at text[dot], ends no sentence. */
static bool abbreviation_before(const char *text, size_t dot)
{
	static const char *const abbreviations[] = { "kl", "ca", "nr", "resp", NULL };
	size_t w = dot;

	while (w > 0 && text[w - 1] != ' ')
		w--;
	for (const char *const *a = abbreviations; *a != NULL; a++)
		if (dot - w == strlen(*a) && strncasecmp(text + w, *a, dot - w) == 0)
			return true;
	return false;
}

/* Splits a single-spaced paragraph into sentences at ". " + capital, "? ",
 * "! " and ": " + capital. */
static size_t split_sentences(const char *text, struct sentence **out_r)
{
	struct sentence *v = NULL;
	size_t n = 0, cap = 0, start = 0, i = 0, len = strlen(text);

	while (i < len) {
		char c = text[i];

		if (c == '.' || c == '!' || c == '?' || c == ':') {
			size_t j = i;
			bool strong = false;

			while (j < len && strchr(".!?:", text[j]) != NULL) {
				if (text[j] == '!' || text[j] == '?')
					strong = true;
				j++;
			}
			if (j < len && text[j] == ' ' &&
			    (strong || sentence_start_at(text + j + 1)) &&
			    !(j == i + 1 && c == '.' && text[j + 1] >= '0' && text[j + 1] <= '9' &&
			      abbreviation_before(text, i))) {
				if (n == cap) {
					cap = cap ? cap * 2 : 8;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[n].start = start;
				v[n].len = j - start;
				n++;
				start = j + 1;
			}
			i = j;
			continue;
		}
		i++;
	}
	if (start < len) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].start = start;
		v[n].len = len - start;
		n++;
	}
	*out_r = v;
	return n;
}

enum sentence_kind {
	SENT_TEXT,
	SENT_ASK,
	SENT_META, /* "Kan ni ta upp detta?" */
	SENT_DROP,
};

struct filtered {
	char *text; /* owned; "" when nothing is left */
	int asks; /* the strongest sentence_asks() of a sentence that is no meta request */
	bool file_questions; /* "Se bifogad fil med våra frågor." */
	bool subject_ref; /* "Frågan i ämnesraden ...": the Subject asks too */
	bool said; /* a sentence of the writer's own that asks nothing went */
};

/* Drops intros, thanks, attendance and attachment notes from a paragraph. A
 * meta request ("Kan ni ta upp detta?") goes when something else in the
 * paragraph asks or when drop_meta is set (a forwarding note); otherwise it
 * stays as text that does not make the paragraph a question. */
static void filter_sentences(const char *text, bool drop_meta, bool attachments,
			     struct filtered *f)
{
	struct sentence *sv = NULL;
	size_t n = split_sentences(text, &sv);
	enum sentence_kind *kinds = xcalloc(n ? n : 1, sizeof(*kinds));
	struct buf out = { 0 };
	struct buf one = { 0 };
	int asks = 0;
	bool after_label = false, after_attendance = false, file_ref = false;
	bool correction = false; /* the paragraph corrects the minutes */
	bool practical = false; /* it asks when or where the meeting is */

	f->file_questions = false;
	f->subject_ref = false;
	f->said = false;
	/* "PS. Kan vi ...? DS.": a paragraph framed as a postscript, whose
	 * closing "DS" goes (elsewhere "barn med DS" is Down's syndrome) */
	bool postscript = n > 0 && ps_rest(text + sv[0].start) != NULL;

	for (size_t i = 0; i < n; i++) {
		const char *s, *rest;
		bool attendance;

		if (postscript)
			sv[i].len = without_ds(text + sv[i].start, sv[i].len);
		if (i + 1 == n && sv[i].len > 0 &&
		    strchr(".?!", text[sv[i].start + sv[i].len - 1]) == NULL)
			sv[i].len = without_run_on_closing(text + sv[i].start, sv[i].len);
		buf_reset(&one);
		buf_append(&one, text + sv[i].start, sv[i].len);
		s = one.data;
		rest = i == 0 ? ps_rest(s) : NULL;
		if (rest != NULL && *rest != '\0') {
			sv[i].start += (size_t)(rest - s);
			sv[i].len -= (size_t)(rest - s);
			s = rest;
		}
		attendance = is_attendance(s);
		correction = correction || is_correction(s);
		if (correction && !has_question_mark(s))
			kinds[i] = SENT_DROP; /* "En rättelse: under punkt 5 står det ..." */
		else if (is_meeting_practical(s) || (practical && !has_question_mark(s))) {
			/* with what follows it: why the writer needs to know */
			practical = true;
			kinds[i] = SENT_DROP;
		}
		else if (after_label && !has_question_mark(s))
			kinds[i] = SENT_DROP; /* the names after "Anmälan:" */
		else if (after_attendance && is_attendance_detail(s))
			kinds[i] = SENT_DROP;
		else if (i > 0 && i + 1 == n && (is_inline_closing(s) || is_run_in_frame(s, false)))
			kinds[i] = SENT_DROP; /* "... igen? Mvh Ronny DHR" on the same line */
		else if (i == 0 && n > 1 && is_run_in_frame(s, true))
			kinds[i] = SENT_DROP;
		else if (is_label(s) || is_intro(s) || is_attachment_ref(s) || attendance ||
			 is_pleasantry(s) || is_no_questions(s) || is_aside(s) || is_presenter(s) ||
			 is_ps_ds(s) || is_backing(s) || is_capacity(s))
			kinds[i] = SENT_DROP;
		else if (is_subject_ref(s)) {
			kinds[i] = SENT_DROP;
			f->subject_ref = true;
		}
		else if (attachments && n == 1 && last_char(s) == ':' && sentence_asks(s) == 0 &&
			 count_words(s) <= 20)
			kinds[i] = SENT_DROP; /* a line of its own announcing the file */
		else if (is_meta(s))
			kinds[i] = SENT_META;
		else if (is_pointer_question(s) ||
			 is_reader_question(s, i + 1 < n ? text + sv[i + 1].start : NULL))
			kinds[i] = SENT_TEXT;
		else if (sentence_asks(s) > 0)
			kinds[i] = SENT_ASK;
		else
			kinds[i] = SENT_TEXT;
		/* the cheap flags first; is_no_questions() only for what went */
		if (kinds[i] == SENT_DROP && !f->said)
			f->said = attendance || practical || is_no_questions(s);
		if (kinds[i] == SENT_ASK && sentence_asks(s) > asks)
			asks = sentence_asks(s);
		if (is_attachment_ref(s)) {
			static const char *const asked[] = { "fråg", "punkt", "synpunkt", NULL };

			file_ref = true;
			f->file_questions = f->file_questions || contains_any(s, asked);
		}
		after_label = last_char(s) == ':' && attendance;
		after_attendance = attendance || (after_attendance && kinds[i] == SENT_DROP);
	}
	/* a request to take something up ("Vi önskar att den tas upp som en
	 * egen punkt") asks nothing of its own beside a question or a file */
	drop_meta = drop_meta || asks > 0 || file_ref || attachments;
	/* a paragraph that only asks to take something up ("Kan du ta upp det
	 * på nästa möte?") points at the text above it, which goes anyway; a
	 * wish said as a statement ("Vi vill att detta tas upp på mötet.")
	 * stays with a statement that is the question */
	for (size_t i = 0; i < n && !drop_meta; i++)
		if (kinds[i] != SENT_DROP && (kinds[i] != SENT_META || sv[i].len == 0 ||
					      text[sv[i].start + sv[i].len - 1] != '?'))
			break;
		else if (i + 1 == n)
			drop_meta = true;
	for (size_t i = 0; i < n; i++) {
		if (kinds[i] == SENT_DROP || (kinds[i] == SENT_META && drop_meta))
			continue;
		if (out.len > 0)
			buf_append_char(&out, ' ');
		buf_append(&out, text + sv[i].start, sv[i].len);
	}
	trim_buf(&out);
	f->asks = asks;
	f->text = buf_steal(&out);
	buf_free(&one);
	free(kinds);
	free(sv);
}

/* ------------------------------------------------------------------------ */
/* Step 4: blocks, lists and questions. */

/* The text after a list marker ("1.", "2)", "3 -", "Fråga 1:", "Punkt 2.",
 * "a)", "-", "•"), or NULL. */
static const char *list_marker(const char *t, enum marker *kind_r)
{
	static const char *const labels[] = { "fråga", "punkt", "question", NULL };
	static const char *const bullets[] = { "-", "*", "•", "–", "—", "·", "▪", "◦", "●",
					       "○", "►", "➢", "✓", "→", "\xEF\x82\xB7", NULL };
	const char *s = t, *r;
	enum marker kind = MARK_NONE;

	for (const char *const *l = labels; *l != NULL; l++) {
		if ((r = ci_word_prefix(t, *l)) == NULL)
			continue;
		r = skip_blanks(r);
		if ((s = ci_word_prefix(r, "nr")) != NULL)
			r = skip_blanks(*s == '.' ? s + 1 : s);
		if (*r == '#')
			r++;
		if (*r >= '0' && *r <= '9') {
			s = r;
			while (*s >= '0' && *s <= '9' && s - r < 3)
				s++;
			s = skip_blanks(s);
			if (*s == ':' || *s == '.' || *s == ')' || *s == '-')
				s++;
			else if (ci_prefix(s, "–") != NULL)
				s = ci_prefix(s, "–");
			if (*s == '\0' || is_blank_char(*s)) {
				kind = MARK_LABEL;
				goto found;
			}
		}
		break;
	}
	s = t;
	if (*s == '(')
		s++;
	if (*s >= '0' && *s <= '9') {
		const char *d = s;

		while (*s >= '0' && *s <= '9')
			s++;
		if (s - d <= 2) {
			if ((*s == '.' || *s == ')' || *s == ':') &&
			    (is_blank_char(s[1]) || s[1] == '\0' ||
			     (*s == '.' && sentence_start_at(s + 1) && !(s[1] >= '0' && s[1] <= '9')))) {
				s++;
				kind = MARK_NUMBER;
				goto found;
			}
			r = skip_blanks(s);
			if (r > s && (*r == '-' || ci_prefix(r, "–") != NULL)) {
				r = *r == '-' ? r + 1 : ci_prefix(r, "–");
				if (is_blank_char(*r)) {
					s = r;
					kind = MARK_NUMBER;
					goto found;
				}
			}
		}
		return NULL;
	}
	s = t;
	if (((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) && s[1] == ')' &&
	    (is_blank_char(s[2]) || s[2] == '\0')) {
		s += 2;
		kind = MARK_LETTER;
		goto found;
	}
	for (const char *const *b = bullets; *b != NULL; b++) {
		size_t bl = strlen(*b);

		if (bl > 0 && strncmp(t, *b, bl) == 0 && is_blank_char(t[bl])) {
			s = t + bl;
			kind = MARK_BULLET;
			goto found;
		}
	}
	/* Outlook writes a second-level bullet of a Word list as "o" and
	 * padding in the plain text ("o   När öppnar ...") */
	if (*t == 'o' && (t[1] == '\t' || (t[1] == ' ' && t[2] == ' '))) {
		s = t + 1;
		kind = MARK_BULLET;
		goto found;
	}
	return NULL;
found:
	if (kind_r != NULL)
		*kind_r = kind;
	return skip_blanks(s);
}

struct block {
	bool item;
	bool label; /* an item naming the topic of the items under it */
	int indent; /* of an item's marker line */
	char marker[8]; /* an item's bullet ("-", "·", "o"); "" for a number */
	int section; /* text between two dropped quotes of an interleaved reply */
	int strength; /* sentence_asks() of its strongest sentence */
	bool asks; /* a question of its own, decided by split_*() */
	bool indented;
	bool raw; /* a paragraph not yet through filter_sentences() */
	bool qmark; /* the paragraph as written has a '?' */
	size_t words;
	char *text; /* owned, single-spaced */
	/* owned: the writer's heading on a line of its own over the text
	 * ("Fråga 3. Avgiften för lunch\nAvgiften höjdes ..."), its title
	 * when it is a question; or NULL */
	char *heading;
	struct buf pre, post; /* background joined before and after */
	bool used; /* joined into another block */
};

struct blocks {
	struct block *v;
	size_t n, cap;
};

static struct block *blocks_add(struct blocks *bs, bool item, char *text)
{
	struct block *b;

	if (bs->n == bs->cap) {
		bs->cap = bs->cap ? bs->cap * 2 : 16;
		bs->v = xreallocarray(bs->v, bs->cap, sizeof(*bs->v));
	}
	b = &bs->v[bs->n++];
	memset(b, 0, sizeof(*b));
	b->item = item;
	b->text = text;
	b->words = count_words(text);
	return b;
}

static void blocks_free(struct blocks *bs)
{
	for (size_t i = 0; i < bs->n; i++) {
		free(bs->v[i].text);
		free(bs->v[i].heading);
		buf_free(&bs->v[i].pre);
		buf_free(&bs->v[i].post);
	}
	free(bs->v);
}

/* A block that goes into another keeps its heading as the start of its
 * text: "Heading: text". */
static void heading_into_text(struct block *b)
{
	char *t;

	if (b->heading == NULL)
		return;
	t = b->text[0] != '\0' ? xasprintf("%s: %s", b->heading, b->text) : xstrdup(b->heading);
	free(b->text);
	free(b->heading);
	b->text = t;
	b->heading = NULL;
	b->words = count_words(t);
}

/* The headings of one question's own parts ("Bakgrund", "Fråga 2",
 * "Förslag"): never the heading of a question or of a section. */
static const char *const question_parts[] = { "bakgrund", "fråg", "förslag", "yrkande",
					      "sammanfattning", "svar", NULL };

/* A line shaped as a heading: short, capitalised, at most eight words and
 * no sentence (no end punctuation), neither a question's part nor a
 * greeting or closing. The callers add what their place needs. */
static bool heading_shaped(const char *t)
{
	size_t len = strlen(t), n;

	if (len == 0 || len >= 70 || strchr(".?!:,;", last_char(t)) != NULL ||
	    !cp_is_upper(u8_next(t, &n)))
		return false;
	n = count_words(t);
	return n >= 1 && n <= 8 && !contains_stem_any(t, question_parts) &&
	       greeting_rest(t) == NULL && !is_closing(t);
}

/* "Nattbemanningen i gruppbostäderna" over "Från och med den 1 april
 * ersätts ...": a short line of its own, not a sentence, naming a matter,
 * directly over text that starts a sentence on the next line, and no
 * longer than that line (a hard-wrapped paragraph's first line is as long
 * as the rest). A heading names, it does not tell: a line with a pronoun or
 * a common verb is the start of a wrapped sentence ("Min dotter bor på
 * gruppbostaden\nLärkan ..."), and so is a greeting, a thank-you or a
 * wish ("Tack för senast"). The parts of one question ("Bakgrund",
 * "Fråga"), a generic line ("Frågor från FUB") and a letterhead or a name
 * ("FUB Exempelstad", "Styrelsen", "Lena Holm") are not its heading. */
static bool is_heading_over(const char *t, const struct line *next)
{
	static const char *const clause[] = {
		"jag", "vi", "du", "ni", "han", "hon", "hen", "de", "dem", "den", "det", "min",
		"mitt", "mina", "vår", "vårt", "våra", "er", "ert", "era", "sin", "sitt", "sina",
		"är", "har", "hade", "var", "kan", "ska", "skulle", "vill", "kommer", "får", "fick",
		"finns", "blir", "blev", "bor", "undrar", "går", "gick", "gör", "att", "som", NULL
	};
	/* "Tack för senast", "God fortsättning": said to the reader */
	static const char *const wishes[] = { "god", "gott", "glad", "glada", "trevlig", NULL };
	size_t n;

	if (next == NULL || line_blank(next) || !heading_shaped(t) ||
	    !cp_is_upper(u8_next(next->t, &n)) || strlen(next->t) < strlen(t) ||
	    list_marker(next->t, NULL) != NULL)
		return false;
	if (contains_word_any(t, clause) || contains_word_any(t, association_words) ||
	    contains_word_any(t, role_words) || ci_find(t, "förening") != NULL ||
	    ci_find(t, "förbund") != NULL || starts_any(t, wishes) || is_pleasantry(t))
		return false;
	if (count_words(t) >= 2) {
		/* a person's name: short words, each capitalised */
		bool name = true;
		size_t cl;

		for (const char *w = t; *w != '\0' && name; w = skip_blanks(w)) {
			const char *start = w;

			name = cp_is_upper(u8_next(w, &cl));
			while (*w != '\0' && !is_blank_char(*w))
				w++;
			name = name && w - start <= 10;
		}
		if (name)
			return false;
	}
	return !subject_is_generic(t);
}

/* Paragraphs are filtered sentence by sentence only when they may matter:
 * most text around a list is background that goes anyway. */
static void block_filter(struct extract_ctx *ctx, struct block *b, bool forwarding_note)
{
	struct filtered f;

	if (!b->raw)
		return;
	filter_sentences(b->text, forwarding_note, ctx->attachments, &f);
	ctx->file_questions = ctx->file_questions || f.file_questions;
	ctx->subject_ref = ctx->subject_ref || f.subject_ref;
	ctx->said = ctx->said || f.said;
	free(b->text);
	b->text = f.text;
	b->strength = f.asks;
	b->words = count_words(f.text);
	b->raw = false;
}

static bool is_marker_line(const struct line *l)
{
	return !line_blank(l) && list_marker(l->t, NULL) != NULL;
}

/* "1. Barn som inte går till skolan", a blank line, then a paragraph that
 * asks, then "2. Information efter diagnos" and its paragraph: a newsletter's
 * numbered headings (Outlook's text of <h2>), each over the text it names. The
 * item stands alone between blank lines, so no wrapped sentence can start on
 * it, and the list is loose: a paragraph lies between it and the list's next
 * or previous item, which a list of topics ("1. Färdtjänst\n\n2. Boende")
 * and its closing paragraph never have. Returns the line of the paragraph
 * under the item, or 0. */
static size_t item_heads_paragraph(const struct line *v, size_t i, size_t n, const char *rest)
{
	size_t k, e, len;
	bool asks = false;

	if (i + 2 >= n || !line_blank(&v[i + 1]) || (i > 0 && !line_blank(&v[i - 1])) ||
	    !heading_shaped(rest))
		return 0;
	k = next_nonblank(v, i + 1, n);
	if (k >= n || is_marker_line(&v[k]) || !cp_is_upper(u8_next(v[k].t, &len)))
		return 0;
	for (e = k; e < n && !line_blank(&v[e]) && !is_marker_line(&v[e]); e++)
		asks = asks || strchr(v[e].t, '?') != NULL;
	if (!asks)
		return 0;
	e = next_nonblank(v, e, n);
	if (e < n && is_marker_line(&v[e]))
		return k;
	/* back over the previous item's paragraph to that item */
	bool text = false;
	for (size_t j = i; j-- > 0 && i - j <= 40;) {
		if (line_blank(&v[j]))
			continue;
		if (is_marker_line(&v[j]))
			return text ? k : 0;
		text = true;
	}
	return 0;
}

/* Builds item and paragraph blocks. Paragraph text is filtered sentence by
 * sentence; items keep their text as written. */
/* A line break that ends a paragraph although no blank line follows (HTML
 * paragraphs without spacing, a writer who never leaves a blank line): the
 * line ends a sentence, the next starts one, and the line is no line of
 * hard-wrapped text, which would be 50 to 90 columns wide. */
static bool soft_break(const struct line *prev, const struct line *next, bool from_html)
{
	static const char *const topic_labels[] = { "ämne:", "angående:", "ang:", "ang.", "rubrik:",
						    "gäller:", "ärende:", NULL };
	char c = last_char(prev->t);
	size_t len = strlen(prev->t) + (size_t)prev->indent;

	/* "Ämne: Färdtjänst" written in the body is a heading of its own */
	if (len < 80 && starts_any(prev->t, topic_labels))
		return true;
	if (c == '\0' || strchr(".?!", c) == NULL || !sentence_start_at(next->t))
		return false;
	return from_html || len < 50 || len > 90;
}

static bool is_table_row(const struct line *l)
{
	return !line_blank(l) && strstr(l->t, " | ") != NULL;
}

/* A table pasted from Word reaches us as rows of "cell | cell | cell"
 * (mime.c's HTML conversion). When a cell asks, each row is a question: the
 * cells with a question mark, or the row's longest cell; a header row ("Nr |
 * Fråga | Svar") is none. Returns false when the rows ask nothing, so that
 * they are read as text. */
static bool table_blocks(const struct line *v, size_t from, size_t to, int section,
			 struct blocks *bs)
{
	bool asks = false;

	for (size_t i = from; i < to && !asks; i++)
		asks = strchr(v[i].t, '?') != NULL;
	if (!asks)
		return false;
	for (size_t i = from; i < to; i++) {
		struct buf q = { 0 }, longest = { 0 }, cell = { 0 };
		const char *s = v[i].t;
		size_t longest_words = 0;

		for (;;) {
			const char *bar = strstr(s, " | ");
			size_t len = bar != NULL ? (size_t)(bar - s) : strlen(s);

			buf_reset(&cell);
			buf_append(&cell, s, len);
			if (cell.len > 0 && strchr(cell.data, '?') != NULL) {
				append_words(&q, cell.data);
			} else if (cell.len > 0 && count_words(cell.data) > longest_words) {
				longest_words = count_words(cell.data);
				buf_reset(&longest);
				append_words(&longest, cell.data);
			}
			if (bar == NULL)
				break;
			s = bar + 3;
		}
		if (q.len == 0 && longest_words >= 4)
			append_words(&q, longest.data);
		trim_buf(&q);
		if (q.len > 0) {
			struct block *blk = blocks_add(bs, true, buf_steal(&q));

			blk->strength = sentence_asks(blk->text);
			blk->section = section;
		}
		buf_free(&q);
		buf_free(&longest);
		buf_free(&cell);
	}
	return true;
}

/* "12": a line that is only a row number. */
static bool is_bare_number(const char *t, unsigned *num_r)
{
	unsigned num = 0;
	size_t k = 0;

	for (; k < 3 && t[k] >= '0' && t[k] <= '9'; k++)
		num = num * 10 + (unsigned)(t[k] - '0');
	*num_r = num;
	return k > 0 && t[k] == '\0';
}

/* The line of the cell after the one at k, or n: the next line in Gmail's
 * form, the line after one blank in Outlook's (spaced). */
static size_t next_cell(const struct line *v, size_t k, size_t n, bool spaced)
{
	if (spaced)
		return k + 2 < n && line_blank(&v[k + 1]) && !line_blank(&v[k + 2]) ? k + 2 : n;
	return k + 1 < n && !line_blank(&v[k + 1]) ? k + 1 : n;
}

/* The text/plain of a table (pasted from Google Docs or Word) puts each
 * cell on a line of its own, in Gmail's form one after the other
 * ("Nr\nFråga\nBakgrund\n1\nHur ...?\nFlera ...\n2\n..."), in Outlook's
 * with a blank line between any two. Where a paragraph starts with such
 * rows (numbered 1, 2, ..., each with as many cells as the first, under an
 * optional header of one short label per column), they are read back as
 * rows "cell | cell" for table_blocks(); the header row goes. Returns
 * whether it made blocks, with *end_r the line after the table. */
static bool cell_table_blocks(const struct line *v, size_t i, size_t n, int section,
			      struct blocks *bs, size_t *end_r)
{
	struct line *rows;
	size_t one = i, header = 0, cells = 0, k, last = i, n_rows = 0;
	unsigned num = 0, expect = 1;
	bool spaced = i + 1 < n && line_blank(&v[i + 1]), made;

	while (one < n && header < 9 && !(is_bare_number(v[one].t, &num) && num == 1)) {
		one = next_cell(v, one, n, spaced);
		header++;
	}
	if (one >= n || header >= 9)
		return false;
	for (k = next_cell(v, one, n, spaced); k < n && cells <= 8 && !is_bare_number(v[k].t, &num);
	     k = next_cell(v, k, n, spaced))
		cells++;
	if (cells == 0 || cells > 8 || (header > 0 && header != cells + 1))
		return false;
	for (k = i; k != one; k = next_cell(v, k, n, spaced))
		if (count_words(v[k].t) > 5 || strchr(".?!", last_char(v[k].t)) != NULL)
			return false;
	rows = xcalloc(n - one, sizeof(*rows));
	k = one;
	while (k < n && is_bare_number(v[k].t, &num) && num == expect) {
		struct buf row = { 0 };
		size_t c = 0;

		for (k = next_cell(v, k, n, spaced);
		     k < n && c < cells && !is_bare_number(v[k].t, &num);
		     k = next_cell(v, k, n, spaced), c++) {
			if (c > 0)
				buf_append_str(&row, " | ");
			buf_append_str(&row, v[k].t);
			last = k;
		}
		if (c == 0) {
			buf_free(&row);
			break;
		}
		rows[n_rows++].t = buf_steal(&row);
		expect++;
	}
	made = n_rows >= 2 && table_blocks(rows, 0, n_rows, section, bs);
	for (size_t r = 0; r < n_rows; r++)
		free((char *)(uintptr_t)rows[r].t);
	free(rows);
	*end_r = last + 1;
	return made;
}

static size_t overlap(const char *a, const char *b);
static size_t word_stems(const char *s, char stems[][24], size_t max);

/* Two questions in a row are about different things when they share no word
 * stem. Questions asked in words are long sentences that tell their matter
 * too ("... vi undrar vad kommunen gör ..."), where a stem or two in common
 * ("kommunen") is chance: there a follow-up shares a quarter of its stems. */
static bool distinct_questions(const char *p, const char *q, bool in_words)
{
	char stems[OVERLAP_MAX_WORDS][24];
	size_t common = overlap(p, q), np, nq;

	if (common == 0 || !in_words)
		return common == 0;
	np = word_stems(p, stems, OVERLAP_MAX_WORDS);
	nq = word_stems(q, stems, OVERLAP_MAX_WORDS);
	return common * 4 < (np < nq ? np : nq);
}

/* A sentence that asks, for split_independent(): with a '?', or in words
 * with a word that adds it to others ("Vi undrar också om ..."). */
static bool is_further_question(const char *s)
{
	static const char *const adding[] = { "också", "även", "dessutom", NULL };

	if (has_question_mark(s))
		return true;
	/* the cheap test first: most sentences have none of these words */
	return (ci_find(s, "också") != NULL || ci_find(s, "även") != NULL ||
		ci_find(s, "dessutom") != NULL) &&
	       contains_word_any(s, adding) && sentence_asks(s) > 0;
}

/* "Hur många står i kö till bostad? Och när ska vikarierna på Solrosen få
 * en introduktion? Vi undrar också om avgiften för ...": one paragraph, but
 * questions about different things, each an item of its own. A paragraph is
 * split after each of its questions when it has two or more, each of five
 * words or more, and no two in a row share a word stem (a follow-up, "Hur
 * många väntar? Och hur länge har de väntat?", stays with its question).
 * Returns whether it split [start, end) into blocks. */
static bool split_independent(const char *text, int indent, int section, struct blocks *bs)
{
	struct sentence *sv = NULL;
	bool *asks = NULL;
	size_t n, n_q = 0, prev_q = SIZE_MAX, from = 0;
	bool split = true;
	/* "... vi undrar vad ... . ... så vi vill veta om ... . ... så vi frågar
	 * hur ...": a writer who never uses '?' asks in words, each sentence a
	 * question of its own (an older writer's one long paragraph) */
	bool in_words = strchr(text, '?') == NULL;

	/* the cheap tests first: two asking sentences of five words are 60
	 * bytes at least, and most paragraphs ask in none of these words */
	if (in_words && (strlen(text) < 60 || (ci_find(text, "undrar") == NULL &&
						    ci_find(text, "veta") == NULL &&
						    ci_find(text, "frågar") == NULL)))
		return false;
	n = split_sentences(text, &sv);
	asks = xcalloc(n + 1, sizeof(*asks));
	for (size_t i = 0; i < n && split; i++) {
		char *q = xstrndup(text + sv[i].start, sv[i].len);

		asks[i] = in_words ? sentence_asks(q) > 0 : is_further_question(q);
		if (asks[i]) {
			if (count_words(q) < 5 || is_meta(q))
				split = false;
			else if (prev_q != SIZE_MAX) {
				char *p = xstrndup(text + sv[prev_q].start, sv[prev_q].len);

				split = distinct_questions(p, q, in_words);
				free(p);
			}
			prev_q = i;
			n_q++;
		}
		free(q);
	}
	split = split && n_q >= 2;
	for (size_t i = 0; i < n && split; i++) {
		/* a part ends at its question; what follows the last one stays */
		if ((asks[i] && --n_q > 0) || i + 1 == n) {
			size_t to = sv[i].start + sv[i].len;
			struct block *blk =
			    blocks_add(bs, false, xstrndup(text + sv[from].start, to - sv[from].start));

			blk->raw = true;
			blk->qmark = has_question_mark(blk->text);
			blk->indented = indent >= 2;
			blk->section = section;
			from = i + 1;
		}
	}
	free(asks);
	free(sv);
	return split;
}

/* "Vi undrar hur många som väntar på en plats och vi undrar också när
 * ...": one sentence, two questions, where the writer's "också" says that
 * the second is one more. Only for a paragraph without a '?' (those are
 * split_independent()'s); it is cut once, at the first such " och ".
 * Returns whether it split text into two blocks. */
static bool split_coordinated(const char *text, int indent, int section, struct blocks *bs)
{
	static const char *const subjects[] = { "vi", "jag", "föreningen", "styrelsen", NULL };
	/* "... och sen undrar vi också om ...", "... och så undrar vi även ..." */
	static const char *const then[] = { "sen", "sedan", "så", NULL };
	static const char *const asking[] = { "undrar", "vill", NULL };
	bool split = false;

	if (strchr(text, '?') != NULL)
		return false;
	for (const char *at = strstr(text, " och "); at != NULL && !split;
	     at = strstr(at + 1, " och ")) {
		const char *r = NULL, *rest = at + 5, *stop = strstr(rest, ". ");
		size_t len = stop != NULL ? (size_t)(stop - rest) : strlen(rest);
		size_t cut = (size_t)(at - text);
		char *clause;

		/* the cheap tests first: "och" is everywhere, "och vi" less so,
		 * and is_further_question() needs one of the adding words */
		const char *subject = rest;

		if (strchr("vjfsuVJFSU", *rest) == NULL)
			continue;
		for (const char *const *w = then; *w != NULL && subject == rest; w++)
			if ((r = ci_word_prefix(rest, *w)) != NULL)
				subject = skip_blanks(r);
		r = NULL;
		for (const char *const *w = subjects; *w != NULL && r == NULL; w++)
			r = ci_word_prefix(subject, *w);
		for (const char *const *w = asking; *w != NULL && r == NULL; w++)
			r = ci_word_prefix(subject, *w);
		if (r == NULL || (memmem(rest, len, "också", strlen("också")) == NULL &&
				  memmem(rest, len, "även", strlen("även")) == NULL &&
				  memmem(rest, len, "dessutom", strlen("dessutom")) == NULL))
			continue;
		clause = xstrndup(rest, len);
		if (count_words(clause) >= 5 && is_further_question(clause)) {
			struct sentence *sv = NULL;
			char *first, *last;
			size_t n;

			if (cut > 0 && text[cut - 1] == ',')
				cut--;
			first = xstrndup(text, cut);
			n = split_sentences(first, &sv);
			last = n > 0 ? xstrndup(first + sv[n - 1].start, sv[n - 1].len) : NULL;
			split = last != NULL && count_words(last) >= 5 && sentence_asks(last) > 0;
			if (split) {
				char *parts[2] = { first, u8_capitalize(rest) };

				for (size_t p = 0; p < 2; p++) {
					struct block *blk = blocks_add(bs, false, parts[p]);

					blk->raw = true;
					blk->indented = indent >= 2;
					blk->section = section;
				}
			} else {
				free(first);
			}
			free(last);
			free(sv);
		}
		free(clause);
	}
	return split;
}

/* "* Färdtjänsten\n   * Hur ska man göra när ...?": a short item with
 * deeper items under it names their topic; it is no question itself, its
 * words go in front of each of them ("Färdtjänsten: Hur ska man ..."). */
/* "- Hur ska man göra när taxin inte kommer\n- och ingen svarar hos
 * beställningscentralen?": an item in lower case after one that did not
 * end its sentence goes on with it. */
static void join_continued_items(struct blocks *bs)
{
	/* "- långa väntetider\n- bilar utan ramp" are points of their own */
	static const char *const conjunctions[] = { "och", "men", "eller", "samt", "så att",
						    "för att", "eftersom", NULL };
	size_t out = 0;

	for (size_t i = 0; i < bs->n; i++) {
		struct block *b = &bs->v[i];
		struct block *prev = out > 0 ? &bs->v[out - 1] : NULL;
		size_t len;

		if (prev != NULL && b->item && prev->item && prev->indent == b->indent &&
		    strchr(".?!:;", last_char(prev->text)) == NULL && prev->words >= 4 &&
		    *b->text != '\0' && !cp_is_upper(u8_next(b->text, &len)) &&
		    starts_any(b->text, conjunctions)) {
			char *t = xasprintf("%s %s", prev->text, b->text);

			free(prev->text);
			prev->text = t;
			prev->words = count_words(t);
			prev->strength = is_meta(t) ? 0 : sentence_asks(t);
			prev->qmark = has_question_mark(t);
			free(b->text);
			buf_free(&b->pre);
			buf_free(&b->post);
			continue;
		}
		if (out != i)
			bs->v[out] = *b;
		out++;
	}
	bs->n = out;
}

/* Item b is under item top: indented further, or (Outlook's plain text,
 * which flattens the indent) another bullet than top's. */
static bool deeper(const struct block *top, const struct block *b)
{
	return b->indent > top->indent ||
	       (b->indent == top->indent && top->marker[0] != '\0' && b->marker[0] != '\0' &&
		strcmp(top->marker, b->marker) != 0);
}

static void mark_labels(struct blocks *bs)
{
	for (size_t i = 0; i + 1 < bs->n; i++) {
		struct block *b = &bs->v[i];
		const char *label;

		if (!b->item || b->qmark || count_words(b->text) > 5 || !bs->v[i + 1].item ||
		    !deeper(b, &bs->v[i + 1]))
			continue;
		label = b->text;
		for (size_t k = i + 1; k < bs->n && bs->v[k].item && deeper(b, &bs->v[k]); k++) {
			char *t = xasprintf("%s%s %s", label,
					    strchr(":.", last_char(label)) != NULL ? "" : ":",
					    bs->v[k].text);

			free(bs->v[k].text);
			bs->v[k].text = t;
			bs->v[k].strength = is_meta(t) ? 0 : sentence_asks(t);
		}
		b->label = true;
	}
}

/* "ÅRSMÖTE", "TILL LSS-SAMVERKAN": a heading in capitals over a section of
 * a letter that tells of several things (a newsletter); background does not
 * reach across it. The headings of one question's parts ("BAKGRUND",
 * "FRÅGA") do not count, nor does a line of a mail written all in
 * capitals: the text under a heading is not. */
static bool is_section_heading(const char *t)
{
	size_t letters = 0, len;
	char end;

	/* most lines fail on their second letter: read them first */
	for (const char *s = t; *s != '\0'; s += len) {
		int32_t c = u8_next(s, &len);

		if (s - t > 60 || cp_is_lower(c))
			return false;
		if (cp_is_upper(c))
			letters++;
	}
	end = last_char(t);
	return letters >= 5 && count_words(t) <= 6 && (end == '\0' || !strchr(".?!,;", end)) &&
	       !contains_stem_any(t, question_parts);
}

static bool has_lower(const char *t)
{
	size_t len;

	for (; *t != '\0'; t += len)
		if (cp_is_lower(u8_next(t, &len)))
			return true;
	return false;
}

/* v[i] is a section heading with ordinary text under it. */
static bool section_heading_at(const struct line *v, size_t i, size_t n)
{
	size_t k;

	if (!is_section_heading(v[i].t))
		return false;
	k = next_nonblank(v, i + 1, n);
	return k < n && has_lower(v[k].t);
}

static void build_blocks(const struct line *v, size_t n, bool from_html, struct blocks *bs)
{
	size_t i = 0, last_marker = 0;
	int section = 0;

	for (size_t k = 0; k < n; k++)
		if (is_marker_line(&v[k]))
			last_marker = k;

	while (i < n) {
		const char *rest;
		enum marker kind = MARK_NONE;
		size_t table_end;

		if (line_blank(&v[i])) {
			if (v[i].gap)
				section++;
			i++;
			continue;
		}
		if ((i == 0 || line_blank(&v[i - 1])) &&
		    cell_table_blocks(v, i, n, section, bs, &table_end)) {
			i = table_end;
			continue;
		}
		if (is_table_row(&v[i]) && i + 1 < n && is_table_row(&v[i + 1])) {
			size_t end = i;

			while (end < n && is_table_row(&v[end]))
				end++;
			if (table_blocks(v, i, end, section, bs)) {
				i = end;
				continue;
			}
		}
		rest = list_marker(v[i].t, &kind);
		if (rest != NULL) {
			struct buf b = { 0 };
			int indent = v[i].indent;
			size_t start_line = i;
			size_t first_words = count_words(rest);
			/* "Fråga 3. Avgiften för lunch\nAvgiften höjdes ...\nVilket
			 * ...?": a heading, and the item is what is under it */
			bool headed = i + 1 < n && is_heading_over(rest, &v[i + 1]);
			size_t under = headed ? 0 : item_heads_paragraph(v, i, n, rest);
			bool cont, asked = false;
			struct block *blk;

			if (under > 0) {
				headed = true;
				i = under - 1;
			}
			cont = headed;

			if (!headed)
				append_words(&b, rest);
			for (i++; i < n && !line_blank(&v[i]) && !is_marker_line(&v[i]); i++) {
				size_t len;
				char end = b.len > 0 ? b.data[b.len - 1] : '\0';

				/* after the last item, a new sentence on a line of its
				 * own starts the closing text, unless indented under
				 * the item or the item's heading has not yet come to
				 * its question */
				if (i > last_marker && !(v[i].indent > indent && v[i].indent >= 2) &&
				    !(headed && !asked) && soft_break(&v[i - 1], &v[i], from_html))
					break;

				/* "1. Färdtjänst\nVarför ..." reads as "Färdtjänst: Varför" */
				if (!cont && first_words > 0 && first_words <= 4 &&
				    strchr(".?!:,;", end) == NULL &&
				    cp_is_upper(u8_next(v[i].t, &len)))
					buf_append_str(&b, ":");
				append_words(&b, v[i].t);
				cont = true;
				asked = asked || strchr(v[i].t, '?') != NULL;
			}
			/* an indented paragraph right under the item */
			for (;;) {
				size_t k = next_nonblank(v, i, n);

				if (k >= n || k == i || is_marker_line(&v[k]) ||
				    v[k].indent <= indent || v[k].indent < 2)
					break;
				for (; k < n && !line_blank(&v[k]) && !is_marker_line(&v[k]); k++)
					append_words(&b, v[k].t);
				i = k;
			}
			trim_buf(&b);
			if (b.len == 0) {
				buf_free(&b);
				continue;
			}
			blk = blocks_add(bs, true, buf_steal(&b));
			blk->heading = headed ? xstrdup(rest) : NULL;
			blk->strength = is_meta(blk->text) ? 0 : sentence_asks(blk->text);
			blk->qmark = has_question_mark(blk->text);
			blk->indent = indent;
			if (kind == MARK_BULLET) {
				size_t ml = strcspn(v[start_line].t, " \t");

				snprintf(blk->marker, sizeof(blk->marker), "%.*s",
					 (int)(ml < sizeof(blk->marker) ? ml : 0), v[start_line].t);
			}
			blk->section = section;
			continue;
		}

		/* a paragraph; several lines that each end in '?' are separate
		 * questions */
		size_t start = i, end = i, qlines = 0;
		int indent = v[i].indent;

		bool heading = section_heading_at(v, i, n);

		if (heading)
			section++;

		while (end < n && !line_blank(&v[end]) && !(heading && end > start) &&
		       (end == start ||
			(!is_marker_line(&v[end]) && !soft_break(&v[end - 1], &v[end], from_html)))) {
			if (last_char(v[end].t) == '?' && !is_meta(v[end].t))
				qlines++;
			end++;
		}
		i = end;
		size_t parts = (qlines == end - start && qlines >= 2) ? qlines : 1;
		if (parts == 1) {
			/* one text for the splitters and, when they leave it
			 * whole, for the block */
			struct buf b = { 0 };
			struct block *blk;
			char *text;
			/* "Nattbemanningen i gruppbostäderna\nFrån och med ...":
			 * the first line heads the paragraph */
			bool headed = !heading && end - start >= 2 &&
				      is_heading_over(v[start].t, &v[start + 1]);

			for (size_t k = start; k < end; k++)
				append_words(&b, v[k].t);
			trim_buf(&b);
			if (b.len == 0) {
				buf_free(&b);
				continue;
			}
			text = buf_steal(&b);
			if (split_independent(text, indent, section, bs) ||
			    split_coordinated(text, indent, section, bs)) {
				free(text);
				continue;
			}
			if (headed) {
				free(text);
				for (size_t k = start + 1; k < end; k++)
					append_words(&b, v[k].t);
				trim_buf(&b);
				text = buf_steal(&b);
			}
			blk = blocks_add(bs, false, text);
			blk->heading = headed ? xstrdup(v[start].t) : NULL;
			blk->raw = true;
			blk->qmark = has_question_mark(blk->text);
			blk->indented = indent >= 2;
			blk->section = section;
			continue;
		}
		for (size_t p = 0; p < parts; p++) {
			struct buf b = { 0 };
			struct block *blk;
			append_words(&b, v[start + p].t);
			trim_buf(&b);
			if (b.len == 0) {
				buf_free(&b);
				continue;
			}
			blk = blocks_add(bs, false, buf_steal(&b));
			blk->raw = true;
			blk->qmark = has_question_mark(blk->text);
			blk->indented = indent >= 2;
			blk->section = section;
		}
	}
	join_continued_items(bs);
	mark_labels(bs);
}

/* Crude stems: the first five letters of words of five letters or more. */
static size_t word_stems(const char *s, char stems[][24], size_t max)
{
	size_t n = 0;

	while (*s != '\0' && n < max) {
		size_t len, letters = 0, bytes = 0;
		char stem[24];

		while (*s != '\0' && !at_alnum(s))
			s = u8_skip(s);
		while (*s != '\0' && at_alnum(s)) {
			int32_t c = cp_lower(u8_next(s, &len));

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

static size_t overlap(const char *a, const char *b)
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

static void join_text(struct buf *b, const char *text)
{
	if (text[0] == '\0')
		return;
	if (b->len > 0)
		buf_append_char(b, ' ');
	buf_append_str(b, text);
}

/* "Sammanfattningsvis vill vi alltså veta: ...?", "Sammanfattning av våra
 * frågor:": a summary says again what the mail asked. */
static bool is_summary(const char *s)
{
	static const char *const starts[] = { "sammanfattningsvis", "sammanfattning",
					      "för att sammanfatta", "kort sammanfattat",
					      "kort sagt", "summa summarum", "i korthet",
					      "med andra ord", NULL };
	const char *t = s;

	while (*t == '*' || *t == '_' || *t == ' ' || *t == '#')
		t++;
	return starts_any(t, starts);
}

static void emit_question(struct extract_ctx *ctx, const struct block *b)
{
	struct buf q = { 0 };

	/* a summary after the questions it repeats is no new one */
	if (ctx->questions.n > 0 && b->pre.len == 0 && is_summary(b->text))
		return;
	/* "Färdtjänst: Varför ...": the heading stays in front of the text,
	 * set off from its first sentence */
	if (b->heading != NULL) {
		append_words(&q, b->heading);
		buf_append_char(&q, ':');
	}
	if (b->pre.len > 0)
		join_text(&q, b->pre.data);
	join_text(&q, b->text);
	if (b->post.len > 0)
		join_text(&q, b->post.data);
	trim_buf(&q);
	if (q.len > 0) {
		strlist_push(&ctx->questions, buf_steal(&q));
		strlist_add(&ctx->headings, b->heading != NULL ? b->heading : "");
	}
	buf_free(&q);
}

/* Background paragraphs between two questions: one that starts by pointing
 * back ("Det", "Bakgrunden") or shares more words with the question before
 * joins that one, otherwise the question after it. */
static bool joins_previous(const struct block *bg, const struct block *prev,
			   const struct block *next)
{
	static const char *const back[] = { "det", "detta", "dessa", "den", "de", "bakgrund",
					    "bakgrunden", "anledningen", "eftersom", "då", "som",
					    "dvs", "alltså", "exempelvis", "till exempel", "t.ex",
					    NULL };
	size_t op, on;

	if (starts_any(bg->text, back))
		return true;
	op = overlap(bg->text, prev->text);
	on = overlap(bg->text, next->text);
	return op > on;
}

/* Paragraphs with a question mark are the questions; only where none has one
 * do paragraphs that ask in words ("Vi undrar ...") count, because letters
 * with real questions are full of "vi vill gärna veta" background. */
static void split_prose(struct extract_ctx *ctx, struct blocks *bs, bool forwarding_note)
{
	size_t asking = 0;
	int need = 1;

	/* a '?' raises the bar; a request or "Vi undrar också" (strength 2
	 * without one) passes it but does not raise it */
	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].strength == 2 && has_question_mark(bs->v[i].text))
			need = 2;
	for (size_t i = 0; i < bs->n; i++) {
		bs->v[i].asks = bs->v[i].strength >= need;
		if (bs->v[i].asks)
			asking++;
	}
	if (asking == 0) {
		struct block all = { 0 };
		struct buf b = { 0 };

		/* the questions are in the file: what the text says beside
		 * that ("Vi har samlat dem från våra medlemsföreningar.") is
		 * about the file */
		if (forwarding_note || (ctx->file_questions && ctx->attachments))
			return;
		/* nothing asks: the whole text is the question, or the
		 * background of the question of the note that forwarded it */
		for (size_t i = 0; i < bs->n; i++) {
			if (bs->n > 1 || ctx->note_question > 0)
				heading_into_text(&bs->v[i]);
			join_text(&b, bs->v[i].text);
		}
		all.heading = bs->n == 1 ? bs->v[0].heading : NULL;
		if (b.len == 0)
			return;
		if (ctx->note_question > 0) {
			char **q = &ctx->questions.v[ctx->note_question - 1];
			char *story = u8_capitalize(b.data);
			char *joined = xasprintf("%s %s", *q, story);

			free(story);
			free(*q);
			*q = joined;
			buf_free(&b);
			return;
		}
		all.text = b.data;
		emit_question(ctx, &all);
		buf_free(&b);
		return;
	}
	/* the nearest question before and after each block, in one pass each
	 * way; in an interleaved reply, text under another quote answers
	 * something else, so the search stops at a section */
	struct block **prevs = xcalloc(bs->n, sizeof(*prevs));
	struct block **nexts = xcalloc(bs->n, sizeof(*nexts));

	for (size_t i = 1; i < bs->n; i++)
		if (bs->v[i].section == bs->v[i - 1].section)
			prevs[i] = bs->v[i - 1].asks ? &bs->v[i - 1] : prevs[i - 1];
	for (size_t i = bs->n - 1; i > 0; i--)
		if (bs->v[i - 1].section == bs->v[i].section)
			nexts[i - 1] = bs->v[i].asks ? &bs->v[i] : nexts[i];
	/* where each background paragraph goes: 1 the question before, 2 the
	 * one after, 0 nowhere */
	unsigned char *target = xcalloc(bs->n, 1);
	size_t *pre_words = xcalloc(bs->n, sizeof(*pre_words));

	for (size_t i = 0; i < bs->n; i++) {
		struct block *bg = &bs->v[i], *prev = prevs[i], *next = nexts[i];

		if (bg->asks || (forwarding_note && !ctx->nested_note) || bg->words < 4)
			continue;
		if (prev != NULL && (next == NULL || joins_previous(bg, prev, next)))
			target[i] = 1;
		else if (next != NULL)
			target[i] = 2;
	}
	/* A long letter's background before its question is kept from the
	 * nearest paragraph back to about PRE_MAX_WORDS: what lies further up
	 * is the letter's general story (who the association is, a quoted
	 * parent), which the agenda need not carry; the raw mail keeps it. */
	for (size_t i = bs->n; i > 0; i--) {
		size_t k;

		if (target[i - 1] != 2)
			continue;
		k = (size_t)(nexts[i - 1] - bs->v);
		if (pre_words[k] >= PRE_MAX_WORDS)
			target[i - 1] = 0;
		else
			pre_words[k] += bs->v[i - 1].words;
	}
	for (size_t i = 0; i < bs->n; i++) {
		struct block *bg = &bs->v[i];

		/* a heading over the background heads its question */
		if (target[i] == 2 && bg->heading != NULL && nexts[i]->heading == NULL &&
		    nexts[i]->pre.len == 0) {
			nexts[i]->heading = bg->heading;
			bg->heading = NULL;
		}
		if (target[i] != 0)
			heading_into_text(bg);
		if (target[i] == 1)
			join_text(&prevs[i]->post, bg->text);
		else if (target[i] == 2)
			join_text(&nexts[i]->pre, bg->text);
	}
	free(target);
	free(pre_words);
	free(prevs);
	free(nexts);
	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].asks)
			emit_question(ctx, &bs->v[i]);
}

/* A heading over points that tell, not ask: "*Information från oss*",
 * "För kännedom:", "Nytt från föreningen". */
static bool is_notice_heading(const struct block *b)
{
	static const char *const starts[] = { "information", "info", "för kännedom", "för info",
					      "meddelande", "nytt från", "nyheter", "aktuellt",
					      "kort om", "kalendarium", "att notera", "övrig information",
					      "övriga upplysningar", "upplysning", NULL };
	const char *t = b->text;

	while (*t == '*' || *t == '_' || *t == ' ' || *t == '#')
		t++;
	return !b->item && !b->qmark && b->words <= 6 && starts_any(t, starts);
}

static bool is_summary(const char *s);

/* An item that gives the background of the one above it: "Bakgrund: ...",
 * also under a topic ("Personalens kunskap: Bakgrund: ..."). */
static bool is_background_item(const char *t)
{
	static const char *const starts[] = { "bakgrund", "bakgrunden", "till bakgrund",
					      "som bakgrund", "för bakgrund", "fakta:", NULL };
	const char *colon = strstr(t, ": ");

	return starts_any(t, starts) ||
	       (colon != NULL && colon - t < 60 && starts_any(colon + 2, starts));
}

/* "* Info: vi har bytt kassör": a point that tells, under a label that says
 * so, and asks nothing. */
static bool is_notice_item(const struct block *b)
{
	static const char *const labels[] = { "info:", "information:", "för kännedom:",
					      "för info:", "fyi:", "meddelande:", "nytt:",
					      "nyhet:", "att notera:", NULL };

	return b->item && !b->qmark && b->strength == 0 && starts_any(b->text, labels);
}

static void split_list(struct extract_ctx *ctx, struct blocks *bs, bool forwarding_note)
{
	size_t first = bs->n, last = 0;
	struct block *prev_item = NULL;
	bool notice = false; /* the items are under a notice heading */
	bool prose_questions = false;

	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].item) {
			if (first == bs->n)
				first = i;
			last = i;
		} else if (bs->v[i].qmark) {
			prose_questions = true;
		}
	for (size_t i = 0; i < bs->n; i++) {
		struct block *b = &bs->v[i];
		bool between = i > first && i < last;

		if (b->item && !notice && !b->label && prev_item != NULL && !b->qmark &&
		    is_background_item(b->text)) {
			/* "- Bakgrund: tre av våra medlemmar ..." under its question */
			b->used = true;
			heading_into_text(b);
			join_text(&prev_item->post, b->text);
			continue;
		}
		if (b->item) {
			b->used = notice || b->label || is_notice_item(b);
			b->asks = !b->used;
			prev_item = b->used ? NULL : b;
			continue;
		}
		b->used = true;
		/* "Sammanfattning av våra frågor:" over a list that repeats
		 * the questions asked above it */
		notice = is_notice_heading(b) ||
			 (prose_questions && !b->qmark && b->words <= 8 && is_summary(b->text));
		if (notice)
			continue;
		/* beside a list only a real question mark makes a question;
		 * other text before or after it is introduction or closing */
		if (!between && !b->qmark && !b->indented)
			continue;
		block_filter(ctx, b, forwarding_note);
		if (b->text[0] == '\0')
			continue;
		if (b->strength == 2 && !(between && b->indented)) {
			b->used = false;
			b->asks = true;
			continue;
		}
		if (forwarding_note || prev_item == NULL)
			continue;
		heading_into_text(b);
		if (between || b->indented)
			join_text(&prev_item->post, b->text);
	}
	for (size_t i = 0; i < bs->n; i++)
		if (!bs->v[i].used)
			emit_question(ctx, &bs->v[i]);
}

static void split_blocks(struct extract_ctx *ctx, struct blocks *bs, bool forwarding_note)
{
	bool items = false, items_ask = false, items_long = false, prose_asks = false;
	bool statements = true, prose_qmark = false;

	for (size_t i = 0; i < bs->n; i++) {
		const struct block *b = &bs->v[i];

		if (b->item) {
			items = true;
			items_ask = items_ask || b->strength > 0;
			items_long = items_long || b->words >= 6;
			statements = statements && last_char(b->text) == '.';
		} else if (b->qmark && last_char(b->text) != ':') {
			prose_qmark = true;
		}
	}
	/* Long points are agenda items even without a '?' ("1. Bättre
	 * information till föräldrar om korttids"); but sentences that state
	 * facts, under a paragraph that asks with a '?', are its background
	 * ("1. Tre av fem gruppbostäder saknar hörslinga. [...] Vår fråga:
	 * Hur säkerställer kommunen ...?"). */
	if (items_long && !(statements && prose_qmark))
		items_ask = true;
	if (items && items_ask) {
		split_list(ctx, bs, forwarding_note);
		return;
	}
	for (size_t i = 0; i < bs->n; i++) {
		block_filter(ctx, &bs->v[i], forwarding_note);
		if (!bs->v[i].item && bs->v[i].strength > 0)
			prose_asks = true;
	}
	if (items && !prose_asks) {
		split_list(ctx, bs, forwarding_note);
		return;
	}
	if (items) {
		/* "Vi ser problem med:\n- väntetider\n- information\n\nHur ...?":
		 * a list of short points under a question is background */
		struct blocks merged = { 0 };

		for (size_t i = 0, j; i < bs->n; i = j) {
			struct block *b = &bs->v[i];
			struct buf acc = { 0 };
			struct block *m;

			heading_into_text(b);
			buf_append_str(&acc, b->text);
			j = i + 1;
			/* "Problem med: a; b; c" */
			if (b->item || (b->strength == 0 && last_char(b->text) == ':'))
				for (; j < bs->n && bs->v[j].item; j++) {
					heading_into_text(&bs->v[j]);
					buf_append_str(&acc, j == i + 1 && !b->item ? " " : "; ");
					buf_append_str(&acc, bs->v[j].text);
				}
			m = blocks_add(&merged, false, buf_steal(&acc));
			m->strength = b->item ? 0 : b->strength;
			m->indented = b->indented;
			m->section = b->section;
		}
		split_prose(ctx, &merged, forwarding_note);
		blocks_free(&merged);
		return;
	}
	split_prose(ctx, bs, forwarding_note);
}

static void clean_and_split(struct extract_ctx *ctx, struct lines *own, bool forwarding_note)
{
	struct blocks bs = { 0 };

	clean_lines(own);
	build_blocks(own->v, own->n, ctx->from_html, &bs);
	split_blocks(ctx, &bs, forwarding_note);
	blocks_free(&bs);
}

/* ------------------------------------------------------------------------ */
/* Titles. */

static const char *const title_fillers[] = {
	"vi undrar", "jag undrar", "vi vill gärna veta", "vi vill veta", "jag vill veta",
	"vi skulle vilja veta", "jag skulle vilja veta", "vi vill fråga", "jag vill fråga",
	"vi skulle vilja fråga", "vi önskar få veta", "föreningen undrar", NULL
};

/* Words between a lead-in and what is asked: "Vi undrar därför om ...". */
static const char *const title_connectives[] = {
	"därför", "alltså", "också", "även", "nu", "återigen", "fortfarande", "dessutom", NULL
};

static const char *const dangling_words[] = {
	"och", "i", "på", "till", "för", "att", "som", "med", "av", "om", "en", "ett", "det",
	"den", "eller", "från", "vid", "är", "de", "så", "hur", "när", "men", "samt", "under",
	"efter", "inom", "mellan", "vår", "våra", "er", "era", "sin", "sina", "har", "kan", "inte",
	"får", "fått", "ska", "skall", "blir", "bli", "vara", "kommer", "finns", "behöver", NULL
};

/* Words before which a long title may be cut: a subordinate clause or a
 * second question starts at a strong one ("... kommunen | för att de som
 * bor ..."), a phrase at a weak one ("... står i kö till bostad | med ..."). */
static const char *const title_strong_breaks[] = {
	"att", "som", "när", "och", "eftersom", "så", "innan", "då", "men", "samt", "eller",
	"trots", NULL
};
static const char *const title_weak_breaks[] = {
	"i", "på", "för", "med", "till", "inom", "under", "efter", "vid", "hos", "utan", "enligt",
	NULL
};

static bool word_in(const char *w, const char *end, const char *const *list)
{
	for (const char *const *b = list; *b != NULL; b++)
		if (strlen(*b) == (size_t)(end - w) && ci_prefix(w, *b) == end)
			return true;
	return false;
}

/* Where a mail's own words announce the question ("Vi i RBU Exempelstad
 * vill fråga om korttidsvistelsen ..."), the title starts after them. */
static const char *const title_lead_ins[] = {
	" vill fråga om ", " vill fråga ", " vill ta upp ", " vill lyfta ", " vill veta ",
	" undrar över ", " undrar vi också ", " undrar vi även ", " undrar vi ", " undrar ",
	" skulle vilja veta ", " skulle vilja fråga om ",
	" önskar svar på ", " vill också veta ", " vill även veta ", " vill dessutom veta ",
	" skulle också gärna höra ", " skulle gärna höra ", " vill gärna höra ", " vill höra ",
	" skulle också vilja veta ", " skulle gärna vilja veta ", NULL
};

/* The sentence a title is made from: the first that ends in '?', else the
 * first that asks in words ("Vi undrar därför om kommunen kan ..."), else
 * the first. Background sentences before the question ("Flera medlemmar
 * har väntat ...") make poor agenda lines. */
/* "En annan sak: ...", "Glömde nästan: ...", "Vi har också en fråga som vi
 * vill ha med: ..." announce a question; a topic before ':' ("Färdtjänst:
 * Varför ...?") is its title. */
static bool is_title_lead_in(const char *s)
{
	static const char *const starts[] = {
		"en annan sak", "en sak till", "en till sak", "en sak", "en fråga", "en annan fråga",
		"ytterligare", "glömde", "och så", "slutligen", "till sist", "sist", "dessutom",
		"vår fråga", "våra frågor", "min fråga", "frågan", "fråga", "vi har", "vi vill",
		"jag vill", "vi undrar", "jag undrar", "vi skulle", "jag skulle", "också", "ps",
		"p.s", "sedan", "sen", "därtill", "en följdfråga", "följdfråga", NULL
	};

	return starts_any(s, starts);
}

/* Where a sentence starting at s (ending before end) says what it is
 * about: after a lead-in and its ':'. */
static const char *after_lead_in(const char *s, const char *end)
{
	for (const char *c = s; c < end; c++)
		if (*c == ':' && is_blank_char(c[1]) && is_title_lead_in(s)) {
			char *head = xstrndup(s, (size_t)(c - s));
			size_t words = count_words(head);

			free(head);
			return words <= 10 ? skip_blanks(c + 1) : s;
		}
	return s;
}

/* Words in [s, end). */
static size_t words_between(const char *s, const char *end)
{
	char *t = xstrndup(s, (size_t)(end - s));
	size_t n = count_words(t);

	free(t);
	return n;
}

/* A short question that only points back at the sentence before it: "Hur
 * ser ni på det?", "Vet förvaltningen om det?", "Räcker det för att kunna
 * handla?" */
static bool points_back(const char *s, const char *qmark)
{
	static const char *const last[] = { "det", "detta", "dessa", "dem", "den", "så", NULL };
	static const char *const first[] = { "räcker det", "stämmer det", "gäller det",
					     "fungerar det", "hjälper det", "är det rimligt",
					     "är det så", NULL };
	const char *w = qmark;

	size_t words = words_between(s, qmark);

	while (w > s && !is_blank_char(w[-1]))
		w--;
	return (words <= 8 && word_in(w, qmark, last)) || (words <= 16 && starts_any(s, first));
}

/* The sentence a question's title comes from: the first that asks with a
 * '?' (after a short lead-in ending in ':', "En annan sak: Hur ...?"; the
 * sentence before it when it only points back), else the first that asks
 * in words, else the first. */
static const char *title_sentence(const char *text)
{
	const char *start = text, *asking = NULL, *prev = NULL;

	for (const char *p = text;; p++) {
		bool end = *p == '\0';

		if (*p == '?') {
			start = after_lead_in(start, p);
			/* the topic of a question that points back is where its
			 * text starts ("Habiliteringsersättningen har inte höjts
			 * sedan 2018. I dag får de 35 kronor. Hur ser ni på det?") */
			if (prev != NULL && words_between(text, start) >= 4 && points_back(start, p))
				return after_lead_in(text, start);
			return start;
		}
		/* a new sentence starts with a capital: "t.ex. med" and "kl. 17"
		 * do not end one */
		if (!end && (*p == '.' || *p == '!') && (p[1] == ' ' || p[1] == '\n')) {
			const char *next = skip_blanks(p + 1);
			size_t len;
			if (*next != '\0' && cp_is_upper(u8_next(next, &len)))
				end = true;
		}
		if (end && asking == NULL) {
			char *sentence = xstrndup(start, (size_t)(p - start));

			if (sentence_asks(sentence) > 0)
				asking = start;
			free(sentence);
		}
		if (*p == '\0')
			break;
		if (end) {
			prev = start;
			start = skip_blanks(p + 1);
		}
	}
	return asking != NULL ? asking : text;
}

/* The topic of "Hjälpmedel: väntetiden ... är ett halvår. Hur kan det bli
 * kortare?": up to three words before a ':' that opens the text, capitalised
 * and no lead-in ("En annan sak:"); its length, or 0. */
static size_t short_topic(const char *text)
{
	const char *colon = strchr(text, ':');
	size_t len;

	if (colon == NULL || colon - text > 60 || !is_blank_char(colon[1]) ||
	    !cp_is_upper(u8_next(text, &len)))
		return 0;
	if (words_between(text, colon) > 3 || memchr(text, '.', (size_t)(colon - text)) != NULL ||
	    memchr(text, ',', (size_t)(colon - text)) != NULL || is_title_lead_in(text))
		return 0;
	return (size_t)(colon - text);
}

/* A short question whose matter is only a pronoun: "Hur kan det bli
 * kortare?", "När öppnar den igen?" */
static bool asks_by_pronoun(const char *s)
{
	static const char *const pronouns[] = { "det", "den", "detta", "denna", "dessa", "de",
						"dem", NULL };
	const char *q = strchr(s, '?');
	char *question;
	bool yes;

	if (q == NULL || q - s > 60)
		return false;
	question = xstrndup(s, (size_t)(q - s));
	yes = count_words(question) <= 6 && contains_word_any(question, pronouns);
	free(question);
	return yes;
}

/* "Hur kan det bli kortare" under "Hjälpmedel:" says nothing on its own:
 * "Hjälpmedel: hur kan det bli kortare". An acronym ("LSS") keeps its case. */
static char *title_with_topic(const char *topic, size_t topic_len, const char *title)
{
	size_t n1, n2;
	int32_t c = u8_next(title, &n1);
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t k;

	if (cp_is_upper(c) && !cp_is_upper(u8_next(title + n1, &n2)) &&
	    (k = utf8proc_encode_char(cp_lower(c), enc)) > 0)
		return xasprintf("%.*s: %.*s%s", (int)topic_len, topic, (int)k, (const char *)enc,
				 title + n1);
	return xasprintf("%.*s: %s", (int)topic_len, topic, title);
}

/* The first clause of a question (cut to TITLE_MAX_WORDS words when it is
 * long), without trailing punctuation or a dangling "och", capitalised. */
static char *title_from_text(const char *text)
{
	/* "Kan vi ta upp färdtjänstens nya beställningscentral på mötet?": the
	 * matter is what is to be taken up, not the meeting */
	static const char *const raising[] = {
		"kan vi ta upp frågan om", "kan ni ta upp frågan om", "kan vi få ta upp",
		"kan vi ta upp", "kan ni ta upp", "kan vi få lyfta", "kan vi lyfta", "kan ni lyfta",
		"kan vi diskutera", "kan ni diskutera", NULL
	};
	static const char *const at_meeting[] = { " på mötet", " på nästa möte", " till mötet",
						  " vid mötet", " på dagordningen", NULL };
	const char *s = skip_blanks(title_sentence(skip_blanks(text)));
	struct buf b = { 0 };
	size_t words = 0;
	bool raised = false;
	char *title;
	size_t topic_len;

	text = skip_blanks(text);
	/* the topic when the question is a later sentence that only points
	 * back at it; the cheap test first */
	topic_len =
	    s > text && memchr(text, ':', (size_t)(s - text)) != NULL ? short_topic(text) : 0;
	if (topic_len > 0 && (s == skip_blanks(text + topic_len + 1) || !asks_by_pronoun(s)))
		topic_len = 0;

	for (const char *const *l = raising; *l != NULL && !raised; l++) {
		const char *r = ci_word_prefix(s, *l);

		if (r != NULL && *skip_blanks(r) != '\0' && *skip_blanks(r) != '?') {
			s = skip_blanks(r);
			raised = true;
		}
	}
	/* "Sen undrar vi också om ...": one more question, in a mail without
	 * punctuation */
	if (ci_word_prefix(s, "vi") != NULL || ci_word_prefix(s, "jag") != NULL ||
	    ci_word_prefix(s, "föreningen") != NULL || ci_word_prefix(s, "sen") != NULL ||
	    ci_word_prefix(s, "sedan") != NULL) {
		/* only within the sentence's first words, which announce it */
		for (const char *const *l = title_lead_ins; *l != NULL; l++) {
			const char *at = ci_find(s, *l);
			if (at != NULL && at - s < 80) {
				const char *r = skip_blanks(at + strlen(*l));
				for (const char *const *c = title_connectives; *c != NULL; c++) {
					const char *after = ci_word_prefix(r, *c);
					if (after != NULL) {
						r = skip_blanks(after);
						break;
					}
				}
				if (*r != '\0')
					s = r;
				break;
			}
		}
	}
	for (const char *const *f = title_fillers; *f != NULL; f++) {
		const char *r = ci_word_prefix(s, *f);

		if (r != NULL) {
			r = skip_blanks(r);
			while (*r == ',' || *r == ':')
				r = skip_blanks(r + 1);
			if (*r != '\0')
				s = r;
			break;
		}
	}
	size_t cut_len = 0; /* b.len after TITLE_MAX_WORDS words */
	/* b.len and word count before the first strong and the last weak break */
	size_t strong_len = 0, strong_words = 0, weak_len = 0, weak_words = 0;
	bool clause_end = false;

	while (*s != '\0' && words < TITLE_CLAUSE_WORDS) {
		const char *w = s;

		while (*s != '\0' && !is_blank_char(*s))
			s++;
		if (words >= TITLE_MIN_WORDS && words < TITLE_MAX_WORDS) {
			const char *next = skip_blanks(s);
			bool for_att = ci_word_prefix(w, "för") == s && ci_word_prefix(next, "att");
			if (strong_len == 0 && (for_att || word_in(w, s, title_strong_breaks))) {
				strong_len = b.len;
				strong_words = words;
			} else if (word_in(w, s, title_weak_breaks)) {
				weak_len = b.len;
				weak_words = words;
			}
		}
		if (b.len > 0)
			buf_append_char(&b, ' ');
		buf_append(&b, w, (size_t)(s - w));
		words++;
		if (words == TITLE_MAX_WORDS)
			cut_len = b.len;
		char end = s[-1];
		/* a clause ends at . ? ! ; : and at a comma once the title says
		 * something */
		if (strchr(".?!;:", end) != NULL || (end == ',' && words >= 4) ||
		    (end == ')' && words >= 4)) {
			clause_end = true;
			break;
		}
		s = skip_blanks(s);
	}
	if (!clause_end && *s != '\0' && cut_len > 0) {
		/* cut a long question before a preposition or conjunction, where
		 * the phrase ends, rather than in the middle of one */
		b.len = strong_len > 0 ? strong_len : weak_len > 0 ? weak_len : cut_len;
		b.data[b.len] = '\0';
		words = strong_len > 0 ? strong_words : weak_len > 0 ? weak_words : TITLE_MAX_WORDS;
	}
	/* no dangling "och", "i", "till" at the end, no punctuation */
	for (;;) {
		while (b.len > 0 && strchr(".,;:!?-( ", b.data[b.len - 1]) != NULL)
			b.data[--b.len] = '\0';
		if (b.len >= 3 && strncmp(b.data + b.len - 3, "–", 3) == 0) {
			b.len -= 3;
			b.data[b.len] = '\0';
			continue;
		}
		char *sp = b.data != NULL ? strrchr(b.data, ' ') : NULL;
		/* a whole clause ends where its writer ended it ("... de behöver") */
		if (sp == NULL || words <= 2 || clause_end)
			break;
		bool dangling = false;
		for (const char *const *d = dangling_words; *d != NULL; d++)
			if (ci_equal(sp + 1, *d))
				dangling = true;
		if (!dangling)
			break;
		*sp = '\0';
		b.len = (size_t)(sp - b.data);
		words--;
	}
	for (const char *const *m = at_meeting; raised && *m != NULL; m++) {
		size_t ml = strlen(*m);

		if (b.len > ml && ci_equal(b.data + b.len - ml, *m)) {
			b.len -= ml;
			b.data[b.len] = '\0';
			break;
		}
	}
	if (b.len == 0) {
		buf_free(&b);
		return xstrdup("Fråga");
	}
	title = topic_len > 0 ? title_with_topic(text, topic_len, b.data) : u8_capitalize(b.data);
	buf_free(&b);
	return title;
}

/* The part of a subject that names the matter: "Fråga till LSS-samverkan:
 * väntetid till gruppbostad" and "Medlemsenkät om ekonomi – fråga till
 * LSS-samverkan" keep only the side that is not generic. Returns a pointer
 * into subject, or subject; *len_r is the part's length. */
static const char *subject_matter(const char *subject, size_t *len_r)
{
	static const char *const separators[] = { ": ", " – ", " - ", " — ", NULL };

	*len_r = strlen(subject);
	for (const char *const *sep = separators; *sep != NULL; sep++) {
		const char *at = strstr(subject, *sep);
		if (at == NULL)
			continue;
		char *left = xstrndup(subject, (size_t)(at - subject));
		const char *right = at + strlen(*sep);
		bool left_generic = subject_is_generic(left), right_generic = subject_is_generic(right);
		free(left);
		if (left_generic && !right_generic) {
			*len_r = strlen(right);
			return right;
		}
		if (right_generic && !left_generic) {
			*len_r = (size_t)(at - subject);
			return subject;
		}
	}
	return subject;
}

static const char *const subject_lead_ins[] = {
	"fråga om", "frågor om", "fråga angående", "frågor angående", "fråga gällande",
	"frågor gällande", "angående", "ang.", "gällande", "ärende:", NULL
};

static char *title_from_subject(const char *full_subject)
{
	struct buf b = { 0 }, part = { 0 };
	size_t part_len;
	const char *matter = subject_matter(full_subject, &part_len);
	const char *s;
	size_t words = 0;
	char *title;

	buf_append(&part, matter, part_len);
	s = part.data;
	/* "Fråga om daglig verksamhet" is an item about daglig verksamhet */
	for (const char *const *l = subject_lead_ins; *l != NULL; l++) {
		const char *r = ci_word_prefix(s, *l);
		if (r != NULL && *skip_blanks(r) != '\0') {
			s = skip_blanks(r);
			break;
		}
	}
	while (*s != '\0' && words < SUBJECT_TITLE_MAX_WORDS) {
		const char *w = s = skip_blanks(s);

		while (*s != '\0' && !is_blank_char(*s))
			s++;
		if (s == w)
			break;
		if (b.len > 0)
			buf_append_char(&b, ' ');
		buf_append(&b, w, (size_t)(s - w));
		words++;
	}
	while (b.len > 0 && strchr(".,;: ", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	title = u8_capitalize(b.data != NULL ? b.data : "");
	buf_free(&b);
	buf_free(&part);
	return title;
}

/* A heading as a title: without the emphasis of plain text ("*Färdtjänst*")
 * and trailing punctuation, capitalised. */
static char *title_from_heading(const char *heading)
{
	struct buf b = { 0 };
	char *title;

	while (*heading == '*' || *heading == '_' || *heading == '#' || is_blank_char(*heading))
		heading++;
	/* "Angående korttidsboendet" is an item about korttidsboendet */
	for (const char *const *l = subject_lead_ins; *l != NULL; l++) {
		const char *r = ci_word_prefix(heading, *l);

		if (r != NULL && *skip_blanks(r) != '\0') {
			heading = skip_blanks(r);
			break;
		}
	}
	append_words(&b, heading);
	while (b.len > 0 && strchr("*_#.,;: ", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	title = u8_capitalize(b.data != NULL ? b.data : "");
	buf_free(&b);
	return title;
}

/* ------------------------------------------------------------------------ */
/* The API. */

/* Inline images of a signature (Outlook's image001.png) do not carry
 * questions. */
static size_t real_attachments(const struct mail_text *mail)
{
	size_t n = 0;

	for (size_t i = 0; i < mail->n_attachments; i++) {
		const struct mail_attachment *a = &mail->attachments[i];
		bool image = a->content_type != NULL && str_prefix_ci(a->content_type, "image/");

		if (image && (a->filename == NULL || str_prefix_ci(a->filename, "image0") ||
			      str_prefix_ci(a->filename, "outlook-")))
			continue;
		n++;
	}
	return n;
}

/* Whether one of the questions already asks what the Subject does: it shares
 * half the Subject's long words. */
static bool subject_asked(const char *subject, const struct strlist *questions)
{
	char stems[OVERLAP_MAX_WORDS][24];
	size_t n = word_stems(subject, stems, OVERLAP_MAX_WORDS);

	for (size_t i = 0; i < questions->n; i++)
		if (overlap(subject, questions->v[i]) * 2 >= n)
			return true;
	return false;
}

static bool has_header(const struct mail_text *mail, const char *name)
{
	for (size_t i = 0; i < mail->n_headers; i++)
		if (mail->headers[i].name != NULL && str_eq_ci(mail->headers[i].name, name))
			return true;
	return false;
}

int extract_questions(const struct mail_text *mail, const struct extract_limits *limits,
		      struct extraction **extraction_r, struct error *error_r)
{
	struct extract_ctx ctx = { 0 };
	struct extraction *ex;
	struct buf body = { 0 }, subject = { 0 };
	struct lines ls = { 0 };
	int max_questions = DEFAULT_MAX_QUESTIONS;
	size_t max_bytes = DEFAULT_MAX_QUESTION_BYTES;
	bool generic;

	*extraction_r = NULL;
	if (mail == NULL)
		return err_set(error_r, ERR_FATAL, "extract: no mail");
	if (limits != NULL && limits->max_questions > 0)
		max_questions = limits->max_questions;
	if (limits != NULL && limits->max_question_bytes > 0)
		max_bytes = limits->max_question_bytes;

	sanitize(&body, mail->body != NULL ? mail->body : "", false);
	sanitize(&subject, mail->subject != NULL ? mail->subject : "", true);
	split_lines(body.data, &ls);
	ctx.in_reply_to = has_header(mail, "In-Reply-To");
	ctx.from_html = mail->body_from_html;
	ctx.attachments = real_attachments(mail) > 0;
	process_segment(&ctx, ls.v, ls.n, subject.data, false, 0);

	ex = xcalloc(1, sizeof(*ex));
	ex->clean_subject = extract_clean_subject(subject.data);
	ex->forwarded_from = ctx.forwarded_from;
	generic = subject_is_generic(ex->clean_subject);
	if (ctx.questions.n > 0 && ctx.subject_ref && !generic &&
	    !subject_asked(ex->clean_subject, &ctx.questions)) {
		/* "Frågan i ämnesraden ... Dessutom undrar vi ...?": the
		 * Subject is a question of its own, the first */
		char *subject_question;

		strlist_add(&ctx.questions, ex->clean_subject);
		subject_question = ctx.questions.v[ctx.questions.n - 1];
		memmove(ctx.questions.v + 1, ctx.questions.v,
			(ctx.questions.n - 1) * sizeof(*ctx.questions.v));
		ctx.questions.v[0] = subject_question;
		strlist_add(&ctx.headings, "");
		subject_question = ctx.headings.v[ctx.headings.n - 1];
		memmove(ctx.headings.v + 1, ctx.headings.v,
			(ctx.headings.n - 1) * sizeof(*ctx.headings.v));
		ctx.headings.v[0] = subject_question;
	}
	if (ctx.questions.n == 0) {
		/* a mail with only a subject, or whose body only points at the
		 * attachment; a body that says something of its own and asks
		 * nothing ("Tack, vi har inga frågor den här gången.") leaves
		 * the Subject a subject, which in a reply is the council's */
		if (!generic && (!ctx.said || ctx.file_questions)) {
			strlist_add(&ctx.questions, ex->clean_subject);
			strlist_add(&ctx.headings, "");
		}
		if (real_attachments(mail) > 0)
			ex->attachment_only = true;
	}
	/* "Se bifogad fil med våra frågor. Vi vill dessutom veta ...": the
	 * secretary must open the file as well */
	if (ctx.file_questions && real_attachments(mail) > 0)
		ex->attachment_only = true;

	if (ctx.questions.n > (size_t)max_questions) {
		struct buf tail = { 0 };

		for (size_t i = (size_t)max_questions - 1; i < ctx.questions.n; i++) {
			join_text(&tail, ctx.questions.v[i]);
			free(ctx.questions.v[i]);
		}
		ctx.questions.v[max_questions - 1] = buf_steal(&tail);
		ctx.questions.n = (size_t)max_questions;
		/* the joined tail is no one heading's */
		ctx.headings.v[max_questions - 1][0] = '\0';
		ex->truncated = true;
	}
	ex->n_questions = ctx.questions.n;
	ex->questions = xcalloc(ex->n_questions ? ex->n_questions : 1, sizeof(*ex->questions));
	for (size_t i = 0; i < ctx.questions.n; i++) {
		struct question_draft *q = &ex->questions[i];

		q->text = u8_capitalize(ctx.questions.v[i]);
		u8_truncate(q->text, max_bytes);
		/* the writer's own heading over the question names it best */
		if (ctx.headings.v[i][0] != '\0')
			q->title = title_from_heading(ctx.headings.v[i]);
		else if (ctx.questions.n == 1 && !generic)
			q->title = title_from_subject(ex->clean_subject);
		else
			q->title = title_from_text(q->text);
		if (q->title[0] == '\0') {
			free(q->title);
			q->title = xstrdup("Fråga");
		}
		u8_truncate(q->title, max_bytes);
	}
	strlist_free(&ctx.questions);
	strlist_free(&ctx.headings);
	free(ls.v);
	buf_free(&body);
	buf_free(&subject);
	*extraction_r = ex;
	return 0;
}

void extract_free(struct extraction **extraction)
{
	struct extraction *ex;

	if (extraction == NULL || *extraction == NULL)
		return;
	ex = *extraction;
	for (size_t i = 0; i < ex->n_questions; i++) {
		free(ex->questions[i].title);
		free(ex->questions[i].text);
	}
	free(ex->questions);
	free(ex->clean_subject);
	free(ex->forwarded_from);
	free(ex);
	*extraction = NULL;
}

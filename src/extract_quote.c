/* extract_quote.c - step 2 of extraction: a mail's own text, apart from the
 * thread it quotes and the messages it forwards; see extract_p.h.
 *
 * "> " lines are dropped where they stand, so the new lines of an
 * interleaved reply survive; an attribution ("Den ... skrev ...:"), an
 * Outlook header block or an "Ursprungligt meddelande" line ends the new
 * text. What follows is a forward, read as a segment of its own (to
 * MAX_FORWARD_DEPTH), or the quoted thread, which goes. Each segment's own
 * lines go on to clean_and_split() in extract.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_p.h"

#define MAX_FORWARD_DEPTH 8

/* header blocks and forward headers are looked for in at most this many lines */
#define HEADER_BLOCK_MAX_LINES 16

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

static void lines_push_blank(struct lines *ls, bool gap)
{
	struct line blank = { "", 0, false, gap };

	if (ls->n > 0 && ls->v[ls->n - 1].t[0] == '\0') {
		ls->v[ls->n - 1].gap |= gap;
		return;
	}
	lines_push(ls, &blank);
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
	{ "importance", HDR_OTHER },
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

static void process_forward(struct extract_ctx *ctx, struct line *v, size_t n, int depth);

/* "SVAR: Petra Hellström och Bo Lindgren.", "*Svar:* Ja, ...": an answer
 * typed into a quoted mail; the text after its mark, or NULL. */
static const char *answer_rest(const char *t)
{
	static const char *const marks[] = { "svar", "vårt svar", "mitt svar", "kommentar",
					      "vår kommentar", "min kommentar", "answer", NULL };
	const char *r = NULL;

	while (*t == '*' || *t == '_')
		t++;
	for (const char *const *m = marks; *m != NULL && r == NULL; m++)
		r = ci_word_prefix(t, *m);
	if (r == NULL)
		return NULL;
	while (*r == '*' || *r == '_' || *r == ' ')
		r++;
	if (*r == ':' || *r == '-')
		r++;
	else if (strncmp(r, "–", strlen("–")) == 0)
		r += strlen("–");
	else
		return NULL;
	while (*r == '*' || *r == '_' || is_blank_char(*r))
		r++;
	/* "SVAR: Ja. Sysselsättningen på ...": the yes to "Har ni frågor?" */
	if ((r[0] == 'J' || r[0] == 'j') && r[1] == 'a' && (r[2] == '.' || r[2] == '!') &&
	    r[3] == ' ' && r[4] != '\0')
		r = skip_blanks(r + 3);
	return *r != '\0' ? r : NULL;
}

/* When the writer's own lines own[0..) say their answers are in the text
 * ("Se mina svar nedan i rött."), the answers typed into the quoted thread
 * v[0..n) below an Outlook header block, where no '>' sets them apart: each
 * marked paragraph ("SVAR: ..." and the lines under it) as a section of its
 * own, as in an interleaved reply. Without the note the quote is the
 * thread, whatever it holds. */
static void quoted_answers(const struct lines *own, const struct line *v, size_t n,
			   struct lines *answers)
{
	bool noted = false;

	for (size_t i = 0; i < own->n && !noted; i++)
		noted = is_answers_note(own->v[i].t);
	for (size_t i = 0; noted && i < n; i++) {
		struct line l;
		const char *rest;

		if (v[i].quoted || (rest = answer_rest(v[i].t)) == NULL)
			continue;
		lines_push_blank(answers, true);
		l = v[i];
		line_set(&l, rest);
		lines_push(answers, &l);
		for (i++; i < n && !line_blank(&v[i]) && !v[i].quoted &&
			  answer_rest(v[i].t) == NULL && header_line(v[i].t, NULL) == HDR_NONE;
		     i++)
			lines_push(answers, &v[i]);
		i--;
	}
}

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

/* A block below the writer's own text that is taken for a forward only
 * because the mail is no reply (see block_is_forward()), while the block is
 * itself a reply ("Ämne: SV: Tillgänglighet ..."): an earlier exchange pasted
 * under a new mail as its background ("se nedan"). It may still be a member's
 * answer carrying questions, so it is read as a forward only when the
 * writer's own text asks nothing. */
static bool pasted_exchange(const struct extract_ctx *ctx, const char *subject, bool content,
			    bool nested, const struct header_block *hb)
{
	return !nested && content && !ctx->in_reply_to && hb->subject != NULL &&
	       subject_prefix_kind(subject) == PREFIX_NONE &&
	       subject_prefix_kind(hb->subject) == PREFIX_REPLY;
}

/* A forward ("FW: SV: Funktionshinderplanen", "VB: Re: ...") under the
 * writer's own text whose block is itself a reply: the writer passes on an
 * earlier exchange, typically the answer they were given, below questions
 * of their own, at any depth (a member's mail that the association forwards
 * passes on the answer the member was given). Questions in it still count (a
 * member's answer forwarded); what it only tells is the answer, not the
 * background of their question. */
static bool earlier_exchange(const char *subject, bool content, const struct header_block *hb)
{
	return content && hb->subject != NULL &&
	       subject_prefix_kind(subject) == PREFIX_FORWARD &&
	       subject_prefix_kind(hb->subject) == PREFIX_REPLY;
}

void process_segment(struct extract_ctx *ctx, struct line *v, size_t n, const char *subject,
		     bool nested, int depth)
{
	struct lines own = { 0 }, answers = { 0 };
	size_t fwd = n; /* where a forwarded message starts; n: none */
	size_t thread = n, end = n; /* where the quoted thread starts, and ends */
	bool content = false, pasted = false, exchange = false;

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
			/* "---------- Vidarebefordrat meddelande ---------" over
			 * the answer a member was given ("SV: ...") */
			if ((k = next_nonblank(v, i + 1, n)) < n) {
				collect_headers(v, k, n, &hb);
				exchange = earlier_exchange(subject, content, &hb);
			}
			break;
		}
		if (is_original_marker(l->t) ||
		    (is_rule_line(l->t) && (k = next_nonblank(v, i + 1, n)) < n &&
		     header_block_at(v, k, n, &hb))) {
			if (block_is_forward(ctx, subject, content, nested)) {
				fwd = i + 1;
				if ((k = next_nonblank(v, i + 1, n)) < n) {
					collect_headers(v, k, n, &hb);
					pasted = pasted_exchange(ctx, subject, content, nested,
								 &hb);
					exchange = earlier_exchange(subject, content, &hb);
				}
			}
			else
				thread = n = i; /* the quoted thread: drop the rest */
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
			if (block_is_forward(ctx, subject, content, nested)) {
				fwd = i;
				pasted = pasted_exchange(ctx, subject, content, nested, &hb);
				exchange = earlier_exchange(subject, content, &hb);
			} else {
				thread = i;
			}
			break;
		}
		if ((k = attribution_at(v, i, n, &strong)) > 0) {
			size_t next = next_nonblank(v, i + k, n);

			if (next < n && v[next].quoted) {
				i += k - 1;
				continue;
			}
			if (strong) {
				thread = i;
				break;
			}
		}
		lines_push(&own, l);
		content = true;
	}
	size_t before = ctx->questions.n, saved = ctx->note_question;

	if (thread < end)
		quoted_answers(&own, v + thread, end - thread, &answers);
	ctx->nested_note = nested && fwd < n;
	clean_and_split(ctx, &own, fwd < n);
	ctx->nested_note = false;
	free(own.v);
	if (answers.n > 0)
		clean_and_split(ctx, &answers, false);
	free(answers.v);
	if (pasted && ctx->questions.n > before)
		return; /* the exchange under the questions is their background */
	if (fwd < n && depth < MAX_FORWARD_DEPTH) {
		bool saved_exchange = ctx->exchange_below;

		ctx->note_question = ctx->questions.n > before ? ctx->questions.n : 0;
		ctx->exchange_below = exchange && ctx->note_question > 0;
		process_forward(ctx, v + fwd, n - fwd, depth + 1);
		ctx->note_question = saved;
		ctx->exchange_below = saved_exchange;
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

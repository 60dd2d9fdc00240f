/* extract.c - split a decoded mail into the questions it asks; see extract.h.
 *
 * The body goes through four steps, all on whole lines of one sanitized copy
 * (extract_p.h says which file holds each; this one holds their order):
 *
 *   1. sanitize (extract_text.c): valid UTF-8 (a bad byte becomes U+FFFD),
 *      LF only, odd spaces made plain, invisible characters dropped;
 *      everything after relies on this, so no later step can split a
 *      character.
 *   2. thread (process_segment, extract_quote.c): "> " lines are dropped
 *      where they stand, so the new lines of an interleaved reply survive;
 *      an attribution line ("Den ... skrev ...:"), an Outlook header block
 *      or an "Ursprungligt meddelande" line ends the new text. What follows
 *      is a forward when the subject (or the forwarded block's own Ämne:)
 *      says so, and is then handled as a segment of its own, recursively, so
 *      that a forward of a forward works; otherwise it is the quoted thread
 *      and goes.
 *   3. clean (clean_lines in extract_sign.c, filter_sentences in
 *      extract_sentence.c): greeting, closing and whatever signature follows
 *      it, footers, disclaimers, phone footers; then sentences that are not
 *      questions (intros, who the writer is, thanks, relief, see-you-soon,
 *      who attends and what they need, the meeting's practicalities, "no
 *      questions this time", asides about the mail itself, the "PS"/"DS"
 *      of a postscript, "see the attachment" and a line announcing the
 *      file).
 *   4. split (build_blocks in extract_block.c, then split_blocks here): list
 *      items become one question each; without a list each paragraph that
 *      asks something is a question and the others are joined to the
 *      nearest one (before a question, only the nearest PRE_MAX_WORDS or so,
 *      and never across a newsletter's capital heading). Tables, also as the
 *      one-cell-a-line plain text of Gmail and Outlook, give a question per
 *      row. A short heading line over an item or a paragraph ("Fråga 1.
 *      Avgiften för lunch") is its title.
 *
 * All of it is heuristic and tuned on how Swedish association mail looks. A
 * wrong cut costs the secretary an edit, never the mail: the raw message is
 * kept beside the result. Every loop is linear in the body or bounded by a
 * constant, because a body is outside input. */
#include <stdlib.h>
#include <string.h>

#include "agendad/extract.h"
#include "agendad/util.h"
#include "extract_p.h"

#define DEFAULT_MAX_QUESTIONS 50
#define DEFAULT_MAX_QUESTION_BYTES 8192

/* background paragraphs before a question are joined to it, nearest first,
 * until they hold this many words */
#define PRE_MAX_WORDS 100

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

/* A paragraph's notes for the secretary (struct filtered), a line each. */
static void add_notes(struct extract_ctx *ctx, const char *notes)
{
	if (notes == NULL || *notes == '\0')
		return;
	if (ctx->notes.len > 0)
		buf_append_char(&ctx->notes, '\n');
	buf_append_str(&ctx->notes, notes);
}

/* filter_sentences() on a paragraph of the mail, in order: a correction
 * of the minutes in one paragraph makes a request to change them in a
 * later one for the secretary too. */
static void filter_paragraph(struct extract_ctx *ctx, const char *text, bool forwarding_note,
			     struct filtered *f)
{
	filter_sentences(text, forwarding_note || ctx->note_question > 0, ctx->attachments,
			 ctx->corrected, f);
	ctx->corrected = ctx->corrected || f->corrects;
}

/* A paragraph beside a list longer than this is read for notes only when
 * a notice's words are in it (block_notes()): a notice of who comes and
 * what they need is short ("Från FUB kommer jag och Eva Holm. Eva behöver
 * teckentolk, kan ni boka det?" is 15 words), and reading every paragraph
 * beside a list sentence by sentence made extraction four times as costly
 * on the benchmark's mail, whose lists close with paragraphs of 40 to 50
 * words (at 40 twice as costly). */
#define NOTES_MAX_WORDS 30

/* Only the notes of a paragraph that goes unread beside a list ("Från FUB
 * kommer jag och Eva. Våra frågor:"): the paragraph itself, and what it
 * would tell the rest of the extraction, stay as they are. */
static void block_notes(struct extract_ctx *ctx, const struct block *b, bool forwarding_note)
{
	/* a longer paragraph is read only when it opens as a notice does
	 * ("Från HRF kommer jag och Ulf Bergman den 28 januari. Vi behöver
	 * skrivtolk under mötet, och ..."): the benchmark's background does
	 * not, and a search of the whole paragraph for a notice's words cost
	 * more than reading it */
	static const char *const opens[] = { "från", "jag kommer", "vi kommer", "vi blir",
					     "jag och", "till mötet kommer", "anmälan", "närvaro",
					     NULL };
	struct filtered f;

	if (!b->raw || b->words > 4 * NOTES_MAX_WORDS ||
	    (b->words > NOTES_MAX_WORDS && !starts_any(b->text, opens)))
		return;
	filter_paragraph(ctx, b->text, forwarding_note, &f);
	add_notes(ctx, f.notes);
	free(f.notes);
	free(f.text);
}

/* Paragraphs are filtered sentence by sentence only when they may matter:
 * most text around a list is background that goes anyway. */
static void block_filter(struct extract_ctx *ctx, struct block *b, bool forwarding_note)
{
	struct filtered f;

	if (!b->raw)
		return;
	/* a forwarded story read as the background of the note's question
	 * ends by asking whoever it was written to to take it up ("Kan
	 * föreningen ta upp detta?"), which the note has done */
	filter_paragraph(ctx, b->text, forwarding_note, &f);
	ctx->file_questions = ctx->file_questions || f.file_questions;
	ctx->file_remarks = ctx->file_remarks || f.file_remarks;
	ctx->subject_ref = ctx->subject_ref || f.subject_ref;
	ctx->said = ctx->said || f.said;
	ctx->thanked = ctx->thanked || f.thanked;
	ctx->kept = ctx->kept || f.kept;
	ctx->adds = ctx->adds || f.adds;
	ctx->withdraws = ctx->withdraws || f.withdraws;
	b->announces = f.announces;
	b->another = f.another;
	b->attendance = f.attendance;
	b->practical_only = f.practical_only;
	add_notes(ctx, f.notes);
	free(f.notes);
	free(b->text);
	b->text = f.text;
	b->strength = f.asks;
	b->words = count_words(f.text);
	b->raw = false;
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
		strlist_add(&ctx->own_texts,
			    b->pre.len > 0 && has_question_mark(b->pre.data) ? b->text : "");
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

/* the crude stems (see word_stems()) of the words every matter uses
 * ("kommer", "medlemmar", "kommunen"), which name none */
static const char *const common_stems[] = { "komme", "kommu", "medle", "många", "finns",
					      "under", "eller", "efter", "andra", "annan",
					      "något", "några", "också", "skull", "själv",
					      "förva", "fören", "vilka", "vilke",
					      "därfö", "varfö", "sedan", "mycke", "fråga",
					      "frågo", "behöv", "genom", "allts", "gälle",
					      "mötet", "kunna", "borde", "hände",
					      "undra", "tycke", "längr", "redan", "gånge",
					      "gärna", "finna", "exemp", NULL };

static bool common_stem(const char *stem)
{
	for (const char *const *c = common_stems; *c != NULL; c++)
		if (strcmp(stem, *c) == 0)
			return true;
	return false;
}

/* Whether a and b share a content word, by crude stem. */
static bool shares_content(const char *a, const char *b)
{
	char sa[OVERLAP_MAX_WORDS][24], sb[OVERLAP_MAX_WORDS][24];
	size_t na = word_stems(a, sa, OVERLAP_MAX_WORDS);
	size_t nb = word_stems(b, sb, OVERLAP_MAX_WORDS);

	for (size_t i = 0; i < na; i++) {
		bool skip = common_stem(sa[i]);

		for (size_t j = 0; j < nb && !skip; j++)
			if (strcmp(sa[i], sb[j]) == 0)
				return true;
	}
	return false;
}

/* Whether a sentence of text that asks names a thing of its own, two
 * content words ("om det kommer att finnas ledsagare under
 * semesterveckorna"), rather than pointing back ("Vi vill gärna veta mer
 * om hur det blir."). */
static bool asks_named(const char *text)
{
	struct sentence *sv = NULL;
	size_t n = split_sentences(text, &sv);
	bool named = false;

	for (size_t i = 0; i < n && !named; i++) {
		char *s = xstrndup(text + sv[i].start, sv[i].len);

		if (sentence_asks(s) > 0) {
			char st[OVERLAP_MAX_WORDS][24];
			size_t k = word_stems(s, st, OVERLAP_MAX_WORDS), content = 0;

			for (size_t j = 0; j < k; j++)
				content += !common_stem(st[j]);
			named = content >= 2;
		}
		free(s);
	}
	free(sv);
	return named;
}

/* "Vi undrar därför hur kommunen har planerat korttidsvistelsen under
 * sportlovet, och om det finns plats för alla på Vitsippan.": a paragraph
 * that is nothing but the writer's ask, opened by the asking words
 * themselves, with no story beside it. Background that asks in passing
 * ("Vi har fått avslag. Vi vill gärna veta mer.") tells something first. */
static bool whole_ask(const char *text)
{
	static const char *const opening[] = {
		"vi undrar", "jag undrar", "vi vill veta", "jag vill veta", "vi vill gärna veta",
		"jag vill gärna veta", "vi skulle vilja veta", "jag skulle vilja veta",
		"vi vill fråga", "jag vill fråga", "därför undrar vi", "därför undrar jag",
		"så vi undrar", "så jag undrar", NULL
	};
	/* what is asked follows at once: "Jag frågar för föreningens räkning
	 * också, vi är flera som undrar." says who asks, not what */
	static const char *const interrogative[] = { "hur", "om", "när", "var", "varför",
						     "vad", "vilka", "vilken", "vilket", "vem",
						     "vart", "huruvida", NULL };
	struct sentence *sv = NULL;
	const char *r = NULL, *w, *e, *next;
	size_t n;
	bool whole;

	/* the cheap test first */
	for (const char *const *o = opening; *o != NULL && r == NULL; o++)
		r = ci_word_prefix(text, *o);
	if (r == NULL)
		return false;
	while ((next = next_word(r, &w, &e)) != NULL && e == next && word_in(w, e, ask_adverbs))
		r = next;
	if (next == NULL || !word_in(w, e, interrogative))
		return false;
	n = split_sentences(text, &sv);
	whole = n == 1;
	free(sv);
	return whole;
}

/* "Kan ni också ta upp ...?", "Vi undrar även ...": "också" or "även"
 * among the first five words of text, saying it is one more */
static bool also_early(const char *text)
{
	static const char *const also[] = { "också", "även", NULL };
	const char *w, *e, *next = text;

	for (int k = 0; k < 5 && (next = next_word(next, &w, &e)) != NULL; k++)
		if (word_in(w, e, also))
			return true;
	return false;
}

/* "Vi undrar över X. [...] När kommer e-tjänsten att fungera?\n\nMånga
 * medlemmar har fått höra att ledsagarservicen går på sparlåga. Vi vill
 * veta om det kommer att finnas ledsagare i juli.": among paragraphs that
 * ask with a '?', one that asks in words after a question, shares no
 * content word with the question before it nor the one after it and does
 * not point back at them ("Vi vill veta detta eftersom ...") is a matter of
 * its own, not their background. */
static bool asks_apart(const struct blocks *bs, size_t i)
{
	static const char *const back[] = { "detta", "det här", "dessa", "denna", "samma",
					    "svaret", "svar", "ovan", "ovanstående", NULL };
	const struct block *b = &bs->v[i], *prev = NULL, *next = NULL;
	bool whole;

	/* a matter of its own names its thing and why ("ledsagare under
	 * semesterveckorna", what members were told); a short aside that
	 * says who else wonders ("Jag frågar för föreningens räkning också,
	 * vi är flera som undrar.") names none */
	if (b->asks || b->strength != 1 || b->words < 8 || contains_word_any(b->text, back))
		return false;
	/* a whole ask names its thing in fewer words than one beside a story */
	whole = whole_ask(b->text);
	if (b->words < 15 && !whole)
		return false;
	for (size_t k = i; k-- > 0 && bs->v[k].section == b->section && prev == NULL;)
		if (bs->v[k].asks)
			prev = &bs->v[k];
	for (size_t k = i + 1; k < bs->n && bs->v[k].section == b->section && next == NULL; k++)
		if (bs->v[k].asks)
			next = &bs->v[k];
	if (!asks_named(b->text))
		return false;
	/* alone in its section, where nothing else asks (an answer typed
	 * under another quote of an interleaved reply: "Kön. Vi vill veta hur
	 * många som väntar ..."), it is the background of no question */
	if (prev == NULL && next == NULL)
		return true;
	/* "Jag skulle vilja att kommunen förklarar varför ... . Kan ni också
	 * ta upp ...?": the question after it says it is one more */
	if (prev == NULL && also_early(next->text))
		return true;
	/* a whole ask is no one's background, before the first '?' too */
	return whole || (prev != NULL && !shares_content(b->text, prev->text) &&
			 (next == NULL || !shares_content(b->text, next->text)));
}

/* "och en sak till: ...", "Vi har också en fråga om sommaren: ...": b
 * opens a matter of its own after what the writer asked before */
static bool opens_matter(const struct block *b)
{
	return b->another || new_matter_rest(b->text) != NULL;
}

/* Paragraphs with a question mark are the questions; only where none has one
 * do paragraphs that ask in words ("Vi undrar ...") count, because letters
 * with real questions are full of "vi vill gärna veta" background. */
/* "Så min fråga till mötet är: hur fungerar ...?": the writer's one
 * question, announced before its colon, in the paragraph that asks it. */
static bool announces_own_question(const char *text)
{
	static const char *const leads[] = { "så min fråga", "så vår fråga", "min fråga till mötet",
					     "vår fråga till mötet", "min fråga är", "vår fråga är",
					     "så frågan är", "frågan till mötet är",
					     "det jag vill fråga är", "det jag undrar är", NULL };
	const char *colon = strchr(text, ':');

	return colon != NULL && colon - text < 60 && starts_any(text, leads) &&
	       has_question_mark(colon);
}

static void split_prose(struct extract_ctx *ctx, struct blocks *bs, bool forwarding_note)
{
	size_t asking = 0;
	int need = 1;

	/* "Hur länge ska vi orka så här? [...] Så mina frågor till mötet är:"
	 * and the questions, or "Så min fråga till mötet är: hur ...?": once
	 * the writer announces their questions, what the story above the
	 * announcement asks is background of them */
	for (size_t k = bs->n; k-- > 0;) {
		bool after = false;

		if (!bs->v[k].announces &&
		    !(bs->v[k].strength > 0 && announces_own_question(bs->v[k].text)))
			continue;
		after = !bs->v[k].announces;
		for (size_t i = k + 1; i < bs->n && !after; i++)
			after = bs->v[i].section == bs->v[k].section && bs->v[i].strength > 0;
		for (size_t i = 0; i < k && after; i++)
			if (bs->v[i].section == bs->v[k].section)
				bs->v[i].strength = 0;
		if (after)
			break;
	}
	/* a '?' raises the bar; a request or "Vi undrar också" (strength 2
	 * without one) passes it but does not raise it */
	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].strength == 2 && has_question_mark(bs->v[i].text))
			need = 2;
	/* "Det andra är personalens kunskap om autism. Vi vill veta hur många
	 * ...": a paragraph that opens the next of the writer's matters and
	 * asks in words is its own question among those with a '?' */
	for (size_t i = 0; i < bs->n; i++) {
		bs->v[i].asks = bs->v[i].strength >= need ||
				(bs->v[i].strength > 0 && (bs->v[i].another || bs->v[i].counted));
		if (bs->v[i].asks)
			asking++;
	}
	for (size_t i = 0; need == 2 && i < bs->n; i++)
		if (asks_apart(bs, i)) {
			bs->v[i].asks = true;
			asking++;
		}
	/* "min dotter [...] finns det jobbcoacher i kommunen\n\noch en sak
	 * till när kommer protokollet": a lead-in that opens a new matter
	 * closes the one before it, which is a question of its own even where
	 * nothing in it asks, not the background of the new one */
	for (size_t i = 1; i < bs->n; i++) {
		size_t j = i, own = i;

		if (!bs->v[i].asks || !opens_matter(&bs->v[i]))
			continue;
		while (j > 0 && bs->v[j - 1].section == bs->v[i].section && !bs->v[j - 1].asks) {
			j--;
			if (own == i && bs->v[j].words >= 4)
				own = j;
		}
		if ((j == 0 || bs->v[j - 1].section != bs->v[i].section) && own < i) {
			bs->v[own].asks = true;
			asking++;
		}
	}
	if (asking == 0) {
		struct block all = { 0 };
		struct buf b = { 0 };

		/* the questions are in the file: what the text says beside
		 * that ("Vi har samlat dem från våra medlemsföreningar.") is
		 * about the file */
		if (forwarding_note ||
		    ((ctx->file_questions || ctx->file_remarks) && ctx->attachments))
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
		if (ctx->note_question > 0 && ctx->exchange_below) {
			buf_free(&b);
			return;
		}
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
		ctx->unasked++;
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
		/* nothing joins a new matter from before its lead-in */
		if (next != NULL && opens_matter(next))
			next = NULL;
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

/* "Det skapar stor oro i familjerna – vad händer den dag mamma och pappa
 * inte orkar längre?" over a list of the real questions: a story that
 * ends in a question asked of nobody, a cry rather than a matter. It must
 * tell first (two sentences or more), ask only at its end, address no one
 * who answers ("ni", "kommunen") and open as such questions do ("Vad
 * händer", "Hur länge ska", "Vem tar ansvar", "Är det rimligt"); "När
 * öppnar Lärkan?" or "Hur många väntar?" over a list stays a question. */
static bool is_story_cry(const char *text)
{
	static const char *const heads[] = {
		"vad händer", "vad ska", "vad gör", "vem ska", "vem tar", "vem bär", "vart ska",
		"vart tar", "hur länge ska", "hur länge orkar", "hur länge kan", "hur ska",
		"hur kan det", "hur kan man", "är det rimligt", "är det rätt", "är det värdigt",
		"är det meningen", "är det så", "ska det", "ska vi", "ska de", "måste det",
		"var finns", NULL
	};
	static const char *const addressees[] = { "ni", "er", "era", "ert", "kommunen",
						  "kommunens", "förvaltningen", "nämnden",
						  "socialtjänsten", "regionen", "politikerna", NULL };
	struct sentence *sv = NULL;
	size_t n = split_sentences(text, &sv);
	bool cry = false;

	if (n >= 3) {
		const char *q = text + sv[n - 1].start, *dash;
		char *last = xstrndup(q, sv[n - 1].len);
		const char *clause = last;

		/* "... i familjerna – vad händer ...?", "Frågan är: vem ska ...?" */
		if ((dash = strstr(last, " – ")) != NULL)
			clause = skip_blanks(dash + strlen(" – "));
		else if ((dash = strstr(last, " - ")) != NULL)
			clause = skip_blanks(dash + 3);
		else if ((dash = strstr(last, ": ")) != NULL)
			clause = skip_blanks(dash + 2);
		cry = has_question_mark(last) && starts_any(clause, heads) &&
		      !contains_word_any(last, addressees);
		for (size_t i = 0; i + 1 < n && cry; i++)
			cry = memchr(text + sv[i].start, '?', sv[i].len) == NULL;
		free(last);
	}
	free(sv);
	return cry;
}

static void split_list(struct extract_ctx *ctx, struct blocks *bs, bool forwarding_note)
{
	size_t first = bs->n, last = 0;
	struct block *prev_item = NULL;
	bool notice = false; /* the items are under a notice heading */
	bool prose_questions = false;
	size_t asking_items = 0;

	for (size_t i = 0; i < bs->n; i++)
		if (bs->v[i].item) {
			if (first == bs->n)
				first = i;
			last = i;
			asking_items += bs->v[i].qmark;
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
		if (!between && !b->qmark && !b->indented) {
			block_notes(ctx, b, forwarding_note);
			continue;
		}
		block_filter(ctx, b, forwarding_note);
		if (b->text[0] == '\0')
			continue;
		/* a story's cry just above a list of questions is background */
		if (i < first && i + 1 == first && asking_items >= 2 && is_story_cry(b->text))
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

/* "Jag kör elrullstol. Finns det hiss upp till sal Ekorren?": what the
 * writer needs at the meeting and a question on what it offers, and
 * nothing else; beside an attendance notice, for the secretary. */
static bool needs_only(const char *text)
{
	struct sentence *sv = NULL;
	size_t n = split_sentences(text, &sv);
	bool asks = false, only = n > 0 && n <= 3;

	for (size_t i = 0; i < n && only; i++) {
		char *one = xstrndup(text + sv[i].start, sv[i].len);

		if (is_needs_question(one))
			asks = true;
		else
			only = is_practical_remark(one) || is_own_need(one);
		free(one);
	}
	free(sv);
	return only && asks;
}

static void split_blocks(struct extract_ctx *ctx, struct blocks *bs, bool forwarding_note)
{
	bool items = false, items_ask = false, items_long = false, prose_asks = false;
	bool statements = true, prose_qmark = false, attendance = false;

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
		attendance = attendance || bs->v[i].attendance;
	}
	for (size_t i = 0; i < bs->n; i++) {
		struct block *b = &bs->v[i];

		/* "Från oss kommer Eva.\n\nVi utgår från att hörslingan
		 * fungerar.": beside an attendance notice, a paragraph that
		 * only remarks on the room, the loop or the food is for the
		 * secretary, as it is in the notice's own paragraph */
		if (attendance && !b->item &&
		    ((b->practical_only && !b->qmark) || (b->qmark && needs_only(b->text)))) {
			add_notes(ctx, b->text);
			b->text[0] = '\0';
			b->words = 0;
			b->strength = 0;
		}
		if (!b->item && b->strength > 0)
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
			m->announces = b->announces;
			m->another = b->another;
			m->indented = b->indented;
			m->section = b->section;
		}
		split_prose(ctx, &merged, forwarding_note);
		blocks_free(&merged);
		return;
	}
	split_prose(ctx, bs, forwarding_note);
}

void clean_and_split(struct extract_ctx *ctx, struct lines *own, bool forwarding_note)
{
	struct blocks bs = { 0 };

	clean_lines(own);
	build_blocks(own->v, own->n, ctx->from_html, &bs);
	split_blocks(ctx, &bs, forwarding_note);
	blocks_free(&bs);
}

/* ------------------------------------------------------------------------ */
/* The API. */

/* Inline images of a signature (Outlook's image001.png) do not carry
 * questions; a phone's photo (the iPhone's image0.jpeg) may. */
static size_t real_attachments(const struct mail_text *mail)
{
	size_t n = 0;

	for (size_t i = 0; i < mail->n_attachments; i++) {
		const struct mail_attachment *a = &mail->attachments[i];
		bool image = a->content_type != NULL && str_prefix_ci(a->content_type, "image/");

		if (image && (a->filename == NULL || str_prefix_ci(a->filename, "image00") ||
			      str_prefix_ci(a->filename, "outlook-")))
			continue;
		n++;
	}
	return n;
}

/* The first of the questions that already asks what the Subject does (it
 * shares half the Subject's long words), or SIZE_MAX. */
static size_t subject_asked_by(const char *subject, const struct strlist *questions)
{
	char stems[OVERLAP_MAX_WORDS][24];
	size_t n = word_stems(subject, stems, OVERLAP_MAX_WORDS);

	for (size_t i = 0; i < questions->n; i++)
		if (overlap(subject, questions->v[i]) * 2 >= n)
			return i;
	return SIZE_MAX;
}

/* The Subject asks question k, which the text only tells about: it leads
 * the question's text and names it (its heading, so its title). */
static void subject_leads(struct extract_ctx *ctx, size_t k, const char *subject)
{
	char *joined = xasprintf("%s %s", subject, ctx->questions.v[k]);

	free(ctx->questions.v[k]);
	ctx->questions.v[k] = joined;
	free(ctx->headings.v[k]);
	ctx->headings.v[k] = xstrdup(subject);
}

static bool subject_asked(const char *subject, const struct strlist *questions)
{
	return subject_asked_by(subject, questions) != SIZE_MAX;
}

/* Whether a long word of the subject (its first five letters, as in
 * overlap()) occurs anywhere in text, also inside a compound. */
static bool subject_in_text(const char *subject, const char *text)
{
	char stems[OVERLAP_MAX_WORDS][24];
	size_t n = word_stems(subject, stems, OVERLAP_MAX_WORDS);

	for (size_t i = 0; i < n; i++)
		if (ci_find(text, stems[i]) != NULL)
			return true;
	return false;
}

/* Adds a copy of s to the front of l. */
static void add_first(struct strlist *l, const char *s)
{
	char *first;

	strlist_add(l, s);
	first = l->v[l->n - 1];
	memmove(l->v + 1, l->v, (l->n - 1) * sizeof(*l->v));
	l->v[0] = first;
}

static bool has_header(const struct mail_text *mail, const char *name)
{
	for (size_t i = 0; i < mail->n_headers; i++)
		if (mail->headers[i].name != NULL && str_eq_ci(mail->headers[i].name, name))
			return true;
	return false;
}

struct extract_limits extract_limits_of(const struct config_limits *limits)
{
	return (struct extract_limits){
		.max_questions = limits->max_questions_per_mail,
		.max_question_bytes = 16384,
	};
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
	bool generic, subject_replied;

	*extraction_r = NULL;
	if (mail == NULL)
		return err_set(error_r, ERR_FATAL, "extract: no mail");
	if (limits != NULL && limits->max_questions > 0)
		max_questions = limits->max_questions;
	if (limits != NULL && limits->max_question_bytes > 0)
		max_bytes = limits->max_question_bytes;

	sanitize(&body, mail->body != NULL ? mail->body : "", false);
	spoken_marks(&body);
	sanitize(&subject, mail->subject != NULL ? mail->subject : "", true);
	split_lines(body.data, &ls);
	ctx.in_reply_to = has_header(mail, "In-Reply-To");
	ctx.from_html = mail->body_from_html;
	ctx.attachments = real_attachments(mail) > 0;
	process_segment(&ctx, ls.v, ls.n, subject.data, false, 0);
	/* An invitation in the calendar (METHOD:REQUEST or PUBLISH) that an
	 * association sends to its own event asks nothing of the council: its
	 * text describes the event ("Hur får man skoldagen att fungera?" is a
	 * theme). The secretary reads of it in the notes. */
	if (mail->calendar_method != NULL &&
	    (strcmp(mail->calendar_method, "REQUEST") == 0 ||
	     strcmp(mail->calendar_method, "PUBLISH") == 0) &&
	    /* forwarded with a note ("VB: Teams-möte om hjälpmedel" and what
	     * the association asks of it), the note asks as in any forward */
	    subject_prefix_kind(subject.data) != PREFIX_FORWARD && ctx.forwarded_from == NULL) {
		char *invited = xasprintf("Inbjudan i kalendern: %s", subject.data);

		strlist_free(&ctx.questions);
		strlist_free(&ctx.headings);
		strlist_free(&ctx.own_texts);
		add_notes(&ctx, invited);
		free(invited);
		ctx.said = true;
	}

	ex = xcalloc(1, sizeof(*ex));
	ex->clean_subject = extract_clean_subject(subject.data);
	ex->forwarded_from = ctx.forwarded_from;
	if (ctx.notes.len > 0) {
		ex->notes = buf_steal(&ctx.notes);
		u8_truncate(ex->notes, max_bytes);
	}
	buf_free(&ctx.notes);
	generic = subject_is_generic(ex->clean_subject);
	/* "Fråga: Höjs matkostnaden på korttidshemmen efter nyår?" over only
	 * "Skickar med den här till dec-mötet, flera föräldrar har hört av sig
	 * om det.": the Subject asks, and the text nothing, so the Subject
	 * leads its one question and names it */
	if (ctx.questions.n == 1 && ctx.unasked == 1 && !generic &&
	    has_question_mark(ex->clean_subject) && ctx.headings.v[0][0] == '\0' &&
	    !subject_asked(ex->clean_subject, &ctx.questions)) {
		subject_leads(&ctx, 0, ex->clean_subject);
	}
	if (ctx.questions.n > 0 && ctx.subject_ref && !generic) {
		size_t k = subject_asked_by(ex->clean_subject, &ctx.questions);

		if (k == SIZE_MAX) {
			/* "Frågan i ämnesraden ... Dessutom undrar vi ...?":
			 * the Subject is a question of its own, the first */
			add_first(&ctx.questions, ex->clean_subject);
			add_first(&ctx.headings, "");
			add_first(&ctx.own_texts, "");
		} else if (ctx.headings.v[k][0] == '\0') {
			/* "Som rubriken säger. Vi har två medlemmar på
			 * Lindgården ...": the text tells the Subject's
			 * question */
			subject_leads(&ctx, k, ex->clean_subject);
		}
	}
	if (ctx.questions.n == 0) {
		/* a mail with only a subject, or whose body only points at the
		 * attachment; a body that says something of its own and asks
		 * nothing ("Tack, vi har inga frågor den här gången.") leaves
		 * the Subject a subject, which in a reply is the council's */
		/* "Sv: SV: Färdtjänst" over only "Tack för bekräftelsen!":
		 * thanks for the council's acknowledgement, whose Subject it
		 * keeps; a reply with a file keeps its Subject as before */
		bool thanks_reply = ctx.thanked && !ctx.kept && !ctx.attachments &&
				    subject_prefix_kind(subject.data) == PREFIX_REPLY;

		/* "[EXTERN] Fråga: Får man ta med rullatorn i färdtjänsten?" over
		 * only who attends: a Subject of the writer's own that asks
		 * (no reply's, whose Subject is the council's) */
		bool subject_asks = has_question_mark(ex->clean_subject) &&
				    subject_prefix_kind(subject.data) == PREFIX_NONE;

		if (!generic &&
		    (!ctx.said || ctx.file_questions || ctx.file_remarks || subject_asks) &&
		    !thanks_reply &&
		    !(real_attachments(mail) > 0 && subject_names_only_letter(ex->clean_subject))) {
			strlist_add(&ctx.questions, ex->clean_subject);
			strlist_add(&ctx.headings, "");
			strlist_add(&ctx.own_texts, "");
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
		ctx.own_texts.v[max_questions - 1][0] = '\0';
		ex->truncated = true;
	}
	/* "SV: Vilka kommer från SRF den 21 maj?" over "Det blir jag och
	 * Birgitta. Sen har vi en ny fråga: Hur många timmar ...?": a reply's
	 * Subject that asks is the question of the mail replied to; when the
	 * writer's own question asks something else, it titles that one. (A
	 * reply's Subject that names a matter, "SV: Minnesanteckningar 13
	 * mars", still heads what the writer asks about it.) */
	subject_replied = ctx.questions.n == 1 && has_question_mark(ex->clean_subject) &&
			  subject_prefix_kind(subject.data) == PREFIX_REPLY &&
			  !subject_asked(ex->clean_subject, &ctx.questions);
	/* "SV: Kö till gruppbostad" (the council's acknowledgement of that
	 * question) or "SV: Förslag till dagordning ..." over "Vi kom på en sak
	 * till: [daglig verksamhet Verkstan ...]?": a reply's Subject names the
	 * mail replied to; when the writer announces a question of their own
	 * and none of the Subject's words is in it, it names another matter. (A
	 * follow-up on the minutes, "SV: Minnesanteckningar 13 mars", adds
	 * nothing and keeps its Subject.) */
	subject_replied = subject_replied ||
			  (ctx.questions.n == 1 && ctx.adds &&
			   subject_prefix_kind(subject.data) == PREFIX_REPLY &&
			   !subject_in_text(ex->clean_subject, ctx.questions.v[0]));
	/* "SV: Personal på korttids Linden" (the acknowledgement of that
	 * question) over "Vi stryker frågan om personalen på Linden ... I
	 * stället vill vi ta upp en annan fråga: ...": the Subject names the
	 * question withdrawn, which the notes hold, not the one added, even
	 * where the two share a stem ("Personal", "kontaktperson") */
	subject_replied = subject_replied ||
			  (ctx.questions.n == 1 && ctx.withdraws && ex->notes != NULL &&
			   subject_in_text(ex->clean_subject, ex->notes) &&
			   (subject_prefix_kind(subject.data) == PREFIX_REPLY ||
			    /* "Ang. vår fråga om nattbemanningen" over its
			     * withdrawal and a new question on something else */
			    !subject_in_text(ex->clean_subject, ctx.questions.v[0])));
	ex->n_questions = ctx.questions.n;
	ex->questions = xcalloc(ex->n_questions ? ex->n_questions : 1, sizeof(*ex->questions));
	for (size_t i = 0; i < ctx.questions.n; i++) {
		struct question_draft *q = &ex->questions[i];

		q->text = u8_capitalize(ctx.questions.v[i]);
		u8_truncate(q->text, max_bytes);
		/* the writer's own heading over the question names it best */
		if (ctx.headings.v[i][0] != '\0')
			q->title = title_from_heading(ctx.headings.v[i]);
		else if (ctx.questions.n == 1 && !generic && !subject_replied)
			q->title = title_from_subject(ex->clean_subject);
		else if (ctx.own_texts.v[i][0] != '\0')
			q->title = title_from_text(ctx.own_texts.v[i]);
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
	strlist_free(&ctx.own_texts);
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
	free(ex->notes);
	free(ex);
	*extraction = NULL;
}

/* extract_p.h - private interface between the files of the extraction stage.
 *
 *   extract.c           the public API and the order of the steps: what a
 *                       segment's blocks become (split_blocks, split_prose,
 *                       split_list, emit_question), the Subject's place
 *   extract_text.c      UTF-8 and case-insensitive matching, words, step 1
 *                       (sanitize), lines, crude stems
 *   extract_quote.c     step 2: quoted replies, forwards, header blocks,
 *                       attributions (process_segment)
 *   extract_sign.c      step 3 by lines: greetings, closings, signatures,
 *                       footers, disclaimers, banners (clean_lines)
 *   extract_sentence.c  step 3 by sentences: what a sentence is, whether it
 *                       asks, which go (filter_sentences)
 *   extract_notice.c    step 3: what a sentence says for the secretary
 *                       (attendance, needs, withdrawals, corrections)
 *   extract_block.c     step 4: lists, headings, tables, paragraphs as
 *                       blocks (build_blocks)
 *   extract_title.c     subject prefixes, generic subjects, titles
 *
 * Past sanitize(), every function works on sanitized text (valid UTF-8, LF
 * only), so none checks for a broken sequence. Word lists are NULL-terminated
 * and lowercase, as fold() leaves the text they are matched against. */
#ifndef AGENDAD_EXTRACT_P_H
#define AGENDAD_EXTRACT_P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agendad/extract.h"
#include "agendad/util.h"

/* background paragraphs are matched to questions on their first this many
 * long words, which keeps the comparison (quadratic in it) cheap */
#define OVERLAP_MAX_WORDS 40

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

enum prefix_kind {
	PREFIX_NONE,
	PREFIX_REPLY,
	PREFIX_FORWARD,
};

enum marker {
	MARK_NONE,
	MARK_NUMBER,
	MARK_LETTER,
	MARK_LABEL,
	MARK_BULLET,
};

struct extract_ctx {
	struct strlist questions;
	/* beside each question, the writer's own heading over it, or "" */
	struct strlist headings;
	/* beside each question, its own text when the background joined
	 * before it asks too (a story's "Hur länge ska vi orka?"), which must
	 * not title it; else "" */
	struct strlist own_texts;
	/* 1 + the index of the forwarding note's last question while its
	 * forward is read, else 0: a forwarded text that asks nothing is the
	 * background of that question ("Vi undrar hur kommunen ser på detta?") */
	size_t note_question;
	/* the forward read is an earlier exchange (a reply, "Subject: SV: ...")
	 * under a note that asks questions of its own: what it says without
	 * asking is the answer the note was given, not the background of the
	 * note's question */
	bool exchange_below;
	char *forwarded_from;
	bool in_reply_to; /* the mail has In-Reply-To: a reply unless it says otherwise */
	bool from_html; /* line breaks are the writer's paragraphs, not a wrap */
	bool attachments; /* the mail has a file worth opening */
	bool file_questions; /* the text says questions are in the file */
	/* the text says the file holds the writer's comments ("Vi har lämnat
	 * synpunkter på planen, se bifogad fil."): the questions are in the
	 * file only when the text asks none of its own */
	bool file_remarks;
	bool subject_ref; /* the text points at the Subject as a question */
	/* the writer said something of their own that asks nothing (who
	 * attends, "inga frågor", when the meeting starts): the Subject is then
	 * no question either */
	bool said;
	/* the writer thanks ("Tack för bekräftelsen!") and says nothing
	 * else: a reply that only thanks answers the council's mail, whose
	 * Subject is no question */
	bool thanked;
	bool kept; /* a paragraph kept a sentence: see struct filtered */
	/* the writer announces a question of their own ("Vi vill lägga till
	 * en fråga:", "Vi har en fråga som vi vill få med:", "En sak till:"):
	 * in a reply, beside the mail the Subject names */
	bool adds;
	/* the writer withdraws a question sent before ("Vi stryker frågan om
	 * personalen på Linden"): in a reply, the one the Subject names */
	bool withdraws;
	/* a paragraph corrected the minutes or the agenda (struct filtered) */
	bool corrected;
	/* the number of questions made of text in which nothing asks (the
	 * whole text as the question): the Subject may be what asks */
	size_t unasked;
	/* the forwarding note being split is itself a forwarded mail: two
	 * member mails attached side by side come out as a forward in a
	 * forward, and the first keeps its own background */
	bool nested_note;
	/* what went for the secretary (see struct filtered), a paragraph a line */
	struct buf notes;
};

struct sentence {
	size_t start, len;
};

struct filtered {
	char *text; /* owned; "" when nothing is left */
	int asks; /* the strongest sentence_asks() of a sentence that is no meta request */
	bool file_questions; /* "Se bifogad fil med våra frågor." */
	bool file_remarks; /* "Våra synpunkter finns i bilagan." */
	bool subject_ref; /* "Frågan i ämnesraden ...": the Subject asks too */
	bool said; /* a sentence of the writer's own that asks nothing went */
	bool thanked; /* a sentence that went thanks, and every sentence went */
	bool kept; /* a sentence did not go (a meta request included) */
	/* it ends by announcing the questions that follow ("Så mina frågor
	 * till mötet är:"): what it and the text above it ask is background */
	bool announces;
	/* it starts by announcing one more question: see announces_another() */
	bool another;
	bool adds; /* see struct extract_ctx */
	bool attendance; /* a sentence says who attends */
	bool withdraws; /* see struct extract_ctx */
	/* what is left only remarks on the meeting's practicalities ("Vi utgår
	 * från att hörslingan fungerar."), which beside an attendance notice
	 * are for the secretary */
	bool practical_only;
	/* it corrects the minutes or the agenda ("En rättelse: ...") */
	bool corrects;
	/* owned: the sentences that went because they are for the secretary
	 * (who attends and what they need, the meeting's practicalities,
	 * withdrawals, the mailing list), in order, joined by spaces; NULL
	 * when none */
	char *notes;
};

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
	bool announces; /* see struct filtered */
	bool another; /* see struct filtered */
	/* one of the questions its paragraph counted ("Två frågor från NEURO:
	 * ..."): it asks even in words beside others with a '?' */
	bool counted;
	bool attendance; /* see struct filtered */
	bool practical_only; /* see struct filtered */
	enum marker kind; /* an item's marker */
	char letter; /* an item's letter for MARK_LETTER ("b)"), else 0 */
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

/* ---- extract_text.c ---- */

/* The code point at s, its length in *len_r. Named apart from
 * libunistring's u8_next(), which is in agendad's link through libidn2. */
int32_t ex_u8_next(const char *s, size_t *len_r);
int32_t cp_lower(int32_t c);
bool cp_is_upper(int32_t c);
bool cp_is_lower(int32_t c);
const char *u8_skip(const char *s);
/* s starts with a letter or digit */
bool at_alnum(const char *s);
/* Case-insensitive prefix match: the end of the match in s, or NULL;
 * ci_word_prefix() only where the match ends a word. */
const char *ci_prefix(const char *s, const char *p);
const char *ci_word_prefix(const char *s, const char *p);
const char *ci_find(const char *h, const char *p);
/* ci_find() for a match that starts within the first max bytes of h */
const char *ci_find_within(const char *h, const char *p, size_t max);
/* p as a whole word (or phrase) in h */
const char *ci_find_word(const char *h, const char *p);
bool ci_equal(const char *a, const char *b);
bool equals_any(const char *s, const char *const *list);
/* Whether s starts with, contains, or contains as a word (or, stem, as the
 * start of a word) one of the patterns of list. */
bool starts_any(const char *s, const char *const *list);
bool contains_any_within(const char *s, size_t max, const char *const *list);
bool contains_any(const char *s, const char *const *list);
bool contains_word_any(const char *s, const char *const *list);
bool contains_stem_any(const char *s, const char *const *list);
bool contains_word(const char *s, const char *word);
/* Cuts s to at most max bytes without splitting a character. */
void u8_truncate(char *s, size_t max);
/* Uppercases the first letter, as a new string. */
char *u8_capitalize(const char *s);

bool is_blank_char(char c);
const char *skip_blanks(const char *s);
size_t count_words(const char *s);
/* the last non-blank byte, or 0 */
char last_char(const char *s);
/* a '?' that ends a question: not one in a link or closing quoted speech */
bool has_question_mark(const char *s);
bool has_digit(const char *s);
size_t count_digits(const char *s);
/* "10:12", "9.30" */
bool has_clock_time(const char *s);
/* Appends s to b with runs of blanks collapsed to one space. */
void append_words(struct buf *b, const char *s);
void trim_buf(struct buf *b);
/* The next word of s, from *w_r to *end_r without trailing punctuation;
 * returns where the word ends, or NULL when there is none. */
const char *next_word(const char *s, const char **w_r, const char **end_r);
/* [w, end) is one of list, case-insensitively */
bool word_in(const char *w, const char *end, const char *const *list);

/* Step 1: appends s to out as valid UTF-8 with LF line ends, odd spaces
 * made plain and invisible characters dropped; one_line: line breaks and
 * tabs become spaces too. */
void sanitize(struct buf *out, const char *s, bool one_line);
/* A phone's dictation writes the mark it heard as a word ("... var slut
 * frågetecken och kan man ..."): in a body without a '?', "frågetecken"
 * after a word that does not name the mark ("ett stort frågetecken")
 * becomes '?', in place. */
void spoken_marks(struct buf *body);

void lines_push(struct lines *ls, const struct line *l);
/* l as the line s: its text after the leading blanks, their width */
void line_set(struct line *l, const char *s);
/* Splits text (modified in place) into lines. */
void split_lines(char *text, struct lines *ls);
bool line_blank(const struct line *l);
/* the first non-blank line from i on, or n */
size_t next_nonblank(const struct line *v, size_t i, size_t n);

/* Crude stems: the first five letters of words of five letters or more. */
size_t word_stems(const char *s, char stems[][24], size_t max);
/* how many stems of a's first OVERLAP_MAX_WORDS b has too */
size_t overlap(const char *a, const char *b);

/* ---- extract_quote.c ---- */

/* Step 2 on the lines v[0..n) of a message (nested: a forwarded one; depth
 * counts forwards): its own lines go to clean_and_split(), a forward below
 * them is read the same way, a quoted thread goes. v may be unquoted. */
void process_segment(struct extract_ctx *ctx, struct line *v, size_t n, const char *subject,
		     bool nested, int depth);

/* ---- extract_sign.c ---- */

/* A greeting at the start of t: the text after it (possibly ""), or NULL. */
const char *greeting_rest(const char *t);
/* "/Anna", "//Anna Berg, FUB": a name signed after one or two slashes, in
 * at most max_words words */
bool is_slash_signoff(const char *t, size_t max_words);
bool is_closing(const char *t);
extern const char *const role_words[];
extern const char *const association_words[];
/* "PS. x", "P.S. x": x, or NULL */
const char *ps_rest(const char *t);
/* Step 3 by lines: cuts the signature, footers and disclaimers and drops
 * the greeting. */
void clean_lines(struct lines *ls);

/* ---- extract_sentence.c ---- */

/* asks to take something up or pass it on ("Kan ni ta upp detta?") */
bool is_meta(const char *s);
/* "Kan vi få lägga till en fråga?": leave asked to add a question not yet
 * named; an intro of the question that follows */
bool asks_to_add(const char *s);
/* 2: a question mark or a request to the administration; 1: asks in words
 * ("Vi undrar"); 0: no. */
int sentence_asks(const char *s);
/* the adverbs writers put inside a phrase that asks ("vill också veta",
 * "vi undrar då hur", "tar därför tillbaka") */
extern const char *const ask_adverbs[];
/* s without ask_adverbs, as a new string */
char *without_adverbs(const char *s);
/* a direct question without its '?', by word order ("varför har priset gått
 * upp", "kan hon få avlösare") */
bool asks_by_word_order(const char *s);
/* "en sak till", "och en annan sak:", "sen en fråga till" at the start of s
 * open a new matter: the text after the lead-in and its punctuation, or
 * NULL. The lead-in must be followed by punctuation or a direct question
 * ("en fråga till mötet" names whom it asks, not one more). */
const char *new_matter_rest(const char *s);
/* the start of s announces one more question ("Vi har också en fråga om
 * X:", "En annan fråga gäller X", "Sedan undrar vi om X") */
bool announces_another(const char *s);
/* "Se mina svar nedan i rött.", "Svarar i texten.": the writer's answers
 * are typed into the mail they quote */
bool is_answers_note(const char *s);
/* thanks, hopes, greetings, relief and see-you-soon said in passing */
bool is_pleasantry(const char *s);
/* s starts as a sentence does: a capital, a digit, a quote or '(' */
bool sentence_start_at(const char *s);
/* Splits a single-spaced paragraph into sentences; *out_r is the caller's. */
size_t split_sentences(const char *text, struct sentence **out_r);
/* Step 3 by sentences: text without the sentences that are no question.
 * after_correction: a paragraph before corrected the minutes or the agenda,
 * so a request to change them ("Kan du ändra det innan ...?") is for the
 * secretary here too. */
void filter_sentences(const char *text, bool drop_meta, bool attachments, bool after_correction,
		      struct filtered *f);

/* ---- extract_notice.c ---- */

/* What a sentence s says for the secretary rather than the agenda; each test
 * is false for the same words said as a matter for the council (interpreters
 * in the municipality's services, who may attend the meetings at all). */

/* who attends: "Från FUB kommer Lena Holm.", "Jag kommer själv på mötet" */
bool is_attendance(const char *s);
/* what the writer adds after who attends, in the same paragraph: needs,
 * the meeting's practicalities, who comes instead */
bool is_attendance_detail(const char *s);
/* what the writer adds of an attendee the notice attendance named
 * ("Birgitta har ledarhund med sig.") */
bool is_attendee_detail(const char *s, const char *attendance);
/* "Jag kör elrullstol.": what the writer brings, uses or needs, said
 * without the notice (the caller knows the writer attends) */
bool is_own_need(const char *s);
/* who attends and a question on what the meeting offers, in one sentence
 * ("Vi kommer två, finns det hiss?") */
bool is_attendance_need(const char *s);
/* a remark on what the meeting offers that asks nothing ("Vi utgår från
 * att hörslingan fungerar som vanligt.") */
bool is_practical_remark(const char *s);
/* a short question on what the meeting offers ("Finns det hiss?"), for
 * the secretary beside an attendance notice or another practicality */
bool is_needs_question(const char *s);
/* taking part in this meeting from afar, asked after a notice */
bool is_remote_question(const char *s);
/* a question on when or where this meeting is held or what it offers
 * ("Börjar mötet kl. 13?", "Kan ni boka skrivtolk till mötet?") */
bool is_meeting_practical(const char *s);
/* what the writer needs at this meeting or of its papers ("Vi behöver
 * skrivtolk på mötet.", "Kan ni skicka handlingarna i Word-format?") */
bool is_meeting_request(const char *s);
/* whether the writer may attend this meeting ("Får vi vara två från
 * föreningen på mötet?") */
bool is_attendance_question(const char *s);
/* a short question pointing back at a need just named ("Kan ni beställa
 * det, eller ska vi göra det själva?") */
bool is_back_request(const char *s);
/* how the agenda's items are arranged ("Punkt 4.3 och 4.4 hänger ihop.") */
bool is_agenda_arrangement(const char *s);
/* in what capacity the writer writes ("Jag skriver å egna vägnar.", "Jag
 * fick den här adressen av en bekant.", "Jag är inte med i någon förening.") */
bool is_capacity(const char *s);
/* the writer introducing themselves ("Jag heter Nadia Karimi och är ny i
 * styrelsen.") */
bool is_self_intro(const char *s);
/* "Vi har inga frågor den här gången." */
bool is_no_questions(const char *s);
/* about the council's mailing list or the writer's contact details */
bool is_list_request(const char *s);
/* "Medlemmen vill vara anonym, så ta bort namnet.": how the secretary may
 * show whose question it is */
bool is_privacy_request(const char *s);
/* what the papers say (prev), denied in the sentence after it (s) */
bool is_papers_denied(const char *prev, const char *s);
/* a correction of the minutes or the agenda ("En rättelse: under punkt 5
 * står ...", "I dagordningen står det fel datum.") */
bool is_correction(const char *s);
/* a question sent before withdrawn ("Vi stryker vår fråga om ...") */
bool is_withdrawal(const char *s);
/* where an earlier question stands ("Frågan om hissen står kvar.") */
bool is_question_status(const char *s);
/* the writer correcting their own earlier mail ("Jag skrev tyvärr fel
 * gruppbostad i min fråga.") */
bool is_own_mistake(const char *s);

/* ---- extract_block.c ---- */

/* The text after a list marker ("1.", "Fråga 1:", "a)", "-"), or NULL. */
const char *list_marker(const char *t, enum marker *kind_r);
/* a new block at the end of bs, owning text */
struct block *blocks_add(struct blocks *bs, bool item, char *text);
void blocks_free(struct blocks *bs);
/* v[i] is a heading in capitals with ordinary text under it */
bool section_heading_at(const struct line *v, size_t i, size_t n);
/* Step 4: the blocks of clean lines. */
void build_blocks(const struct line *v, size_t n, bool from_html, struct blocks *bs);

/* ---- extract_title.c ---- */

/* whether the subject's outermost prefix says reply or forward */
enum prefix_kind subject_prefix_kind(const char *subject);
/* a Subject naming only a letter ("Skrivelse från RSMH inför mötet") */
bool subject_names_only_letter(const char *subject);
/* a subject that names no matter ("Frågor till mötet") */
bool subject_is_generic(const char *subject);
/* A question's title, as a new string. */
char *title_from_text(const char *text);
char *title_from_subject(const char *full_subject);
char *title_from_heading(const char *heading);

/* ---- extract.c ---- */

/* Steps 3 and 4 on the own lines of one segment; forwarding_note: a
 * forward follows them. */
void clean_and_split(struct extract_ctx *ctx, struct lines *own, bool forwarding_note);

#endif

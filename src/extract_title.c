/* extract_title.c - subjects and titles; see extract_p.h.
 *
 * A Subject's reply, forward and "[Extern]" prefixes (which tell a reply
 * from a forward), whether it names a matter at all, and the short title of
 * each question: from the writer's heading over it, from the Subject when
 * the mail asks one thing, else from its own first clause that asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract_p.h"

/* a title is the first clause when it has at most TITLE_CLAUSE_WORDS words,
 * else its first TITLE_MAX_WORDS words */
#define TITLE_MAX_WORDS 10
#define TITLE_CLAUSE_WORDS 12
/* a long title is cut before a break word only after this many words */
#define TITLE_MIN_WORDS 6
#define SUBJECT_TITLE_MAX_WORDS 14

/* ------------------------------------------------------------------------ */
/* Subjects. */

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
enum prefix_kind subject_prefix_kind(const char *subject)
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
	/* what was sent along: "Brev från medlem", "Bild på brevet" */
	"brev", "brevet", "bild", "bilden", "foto", "fotot", "bilaga", "bilagan", "medlem",
	"medlemmar",
	/* which meeting: "Frågor inför vårens möte", "... till årets sista träff" */
	"våren", "vårens", "hösten", "höstens", "sommaren", "sommarens", "årets", "sammanträde",
	"sammanträdet", "träff", "träffen", NULL
};

/* The tail of a compound that names a meeting, not a matter: "junimötet",
 * "vårmötet", "rådsmötet", "höstsammanträdet", "majträffen". */
static const char *const meeting_tails[] = { "mötet", "möte", "möten", "mötena", "sammanträdet",
					     "sammanträde", "träffen", NULL };

static bool meeting_compound(const char *word, size_t n)
{
	for (const char *const *t = meeting_tails; *t != NULL; t++) {
		size_t len = strlen(*t);

		if (n > len + 1 && str_eq_ci(word + n - len, *t))
			return true;
	}
	return false;
}

/* A subject that names nothing ("Frågor", "Frågor till mötet", "FUB -
 * frågor till nästa möte") cannot stand for a question. What is left after
 * the stop words decides: nothing, or only capitalised names (an
 * association) in a subject about "frågor". */
bool subject_is_generic(const char *subject)
{
	const char *s = subject;
	bool any = false, lower_left = false, names_left = false, about_questions = false;
	/* "RBU inför mötet 23/10": an association's initials and the meeting */
	bool about_meeting = false, initials_only = true;

	while (*s != '\0') {
		char word[64];
		size_t n = 0, len;
		bool letters = false;
		int32_t first = 0;

		while (*s != '\0' && !at_alnum(s) && *s != '-')
			s = u8_skip(s);
		while (*s != '\0' && (at_alnum(s) || *s == '-')) {
			int32_t c = ex_u8_next(s, &len);

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
		if (str_eq_ci(word, "inför") || str_eq_ci(word, "mötet") || str_eq_ci(word, "möte") ||
		    meeting_compound(word, n))
			about_meeting = true;
		for (const char *const *w = generic_subject_words; *w != NULL; w++) {
			const char *r = ci_prefix(word, *w);

			if (r != NULL && *r == '\0') {
				stop = true;
				break;
			}
		}
		if (stop || meeting_compound(word, n))
			continue;
		/* "LSS-boenden" is a common noun, "Autism-" and "Exempelstad" names */
		const char *hyphen = strrchr(word, '-');
		size_t hl;
		if (cp_is_upper(first) && (hyphen == NULL || !cp_is_lower(ex_u8_next(hyphen + 1, &hl)))) {
			names_left = true;
			for (const char *c = word; *c != '\0' && initials_only; c++)
				initials_only = !(*c >= 'a' && *c <= 'z') && (unsigned char)*c < 0x80;
		} else {
			lower_left = true;
		}
	}
	if (!any)
		return true;
	if (lower_left)
		return false;
	return !names_left || about_questions || (about_meeting && initials_only);
}

/* "Skrivelse från RSMH inför mötet 8 april" over a letter in the
 * attachment: a Subject that names the letter and nothing else, which is no
 * question of its own (over a question in the text it is a fine title). */
bool subject_names_only_letter(const char *subject)
{
	char *copy = xstrdup(subject);
	bool letter = false, generic;

	for (char *w = copy; (w = strcasestr(w, "skrivelse")) != NULL;) {
		letter = true;
		while (*w != '\0' && *w != ' ')
			*w++ = ' ';
	}
	generic = letter && subject_is_generic(copy);
	free(copy);
	return generic;
}

/* ------------------------------------------------------------------------ */
/* Titles. */

static const char *const title_fillers[] = {
	"vi undrar", "jag undrar", "vi vill gärna veta", "vi vill veta", "jag vill veta",
	"vi skulle vilja veta", "jag skulle vilja veta", "vi vill fråga", "jag vill fråga",
	"vi skulle vilja fråga", "vi önskar få veta", "föreningen undrar",
	/* from a phone, without the subject: "Vill veta varför ..." */
	"vill veta", "undrar",
	"det vore bra att få veta", "det vore också bra att få veta",
	"det vore även bra att få veta", "det vore intressant att få veta",
	"det vore bra att veta", "det skulle vara bra att få veta", NULL
};

/* Words between a lead-in and what is asked: "Vi undrar därför om ...". */
static const char *const title_connectives[] = {
	"därför", "alltså", "också", "även", "nu", "återigen", "fortfarande", "dessutom", NULL
};

/* Abbreviations whose full stop ends no clause: "först kl. 8.40". */
static const char *const title_abbreviations[] = {
	"kl.", "ca.", "t.ex.", "bl.a.", "s.k.", "nr.", "resp.", "fr.o.m.", "t.o.m.", "p.g.a.",
	"d.v.s.", "dvs.", NULL
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

/* Where a mail's own words announce the question ("Vi i RBU Exempelstad
 * vill fråga om korttidsvistelsen ..."), the title starts after them. */
static const char *const title_lead_ins[] = {
	" vill fråga om ", " vill fråga ", " vill ta upp ", " vill lyfta ", " vill veta ",
	" undrar över ", " undrar vi också ", " undrar vi även ", " undrar vi ",
	" undrar jag också ", " undrar jag även ", " undrar jag ", " undrar ",
	" skulle vilja veta ", " skulle vilja fråga om ",
	" önskar svar på ", " vill också veta ", " vill även veta ", " vill dessutom veta ",
	" skulle också gärna höra ", " skulle gärna höra ", " vill gärna höra ", " vill höra ",
	" skulle vilja att kommunen förklarar ", " vill att kommunen förklarar ",
	" skulle vilja att kommunen redogör för ", " vill att kommunen redogör för ",
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
		"en ny fråga", "en ny sak", "ny fråga",
		"ytterligare", "glömde", "och så", "slutligen", "till sist", "sist", "dessutom",
		"vår fråga", "våra frågor", "min fråga", "så min fråga", "så vår fråga",
		"så frågan", "frågan", "fråga", "vi har", "vi vill",
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

/* Letters in [w, e), a code point each. */
static size_t letters(const char *w, const char *e)
{
	size_t n = 0, len;

	for (; w < e; w += len, n++)
		ex_u8_next(w, &len);
	return n;
}

/* the verbs whose "det" is a formal subject: "finns det", "går det" */
static const char *const formal_subject_verbs[] = { "finns", "fanns", "går", "gick", "blir",
						    "blev", "är", "var", "händer", "hände",
						    "behövs", "krävs", "saknas", "tar", "tog",
						    NULL };

/* Whether the pronoun [w, e) stands for what an earlier sentence named:
 * not a determiner ("den nya skolan", "de dagliga verksamheterna"), not a
 * relative's head ("de som bor"), not the formal subject of "finns det",
 * "går det". pw: the word before it, or NULL; next: the text after it. */
static bool refers_back(const char *w, const char *e, const char *pw, const char *pe,
			const char *next)
{
	static const char *const pronouns[] = { "det", "den", "de", "dem", "detta", "dessa",
						"denna", NULL };
	static const char *const adjectives[] = {
		"nya", "gamla", "första", "sista", "andra", "stora", "små", "senaste",
		"nuvarande", "tidigare", "kommande", "befintliga", "dagliga", "aktuella",
		"enskilde", "enskilda", "boende", "anställda", "som", NULL
	};
	const char *nw = NULL, *ne = NULL;

	if (!word_in(w, e, pronouns))
		return false;
	if (next_word(next, &nw, &ne) == NULL)
		nw = NULL;
	if (nw != NULL && word_in(nw, ne, adjectives))
		return false;
	if (pw == NULL || ci_word_prefix(w, "det") != e)
		return true;
	/* "Varför kom det så många nya personer?", but "När kommer det att
	 * åtgärdas?" */
	if (ci_word_prefix(pw, "kom") == pe || ci_word_prefix(pw, "kommer") == pe)
		return nw != NULL && ci_word_prefix(nw, "att") == ne;
	return !word_in(pw, pe, formal_subject_verbs);
}

/* A short question that only points back at the sentence before it: "Hur
 * ser ni på det?", "Vet förvaltningen om det?", "Räcker det för att kunna
 * handla?", "Finns det något besked?". "Stämmer det att daglig verksamhet
 * håller stängt i juli?" names its matter after "att". */
static bool points_back(const char *s, const char *qmark)
{
	static const char *const last[] = { "det", "detta", "dessa", "dem", "den", "så", NULL };
	static const char *const first[] = { "räcker det", "stämmer det", "gäller det",
					     "fungerar det", "hjälper det", "är det rimligt",
					     "är det så", "finns det något besked",
					     "finns det något svar", "finns det något nytt",
					     NULL };
	const char *w = qmark;
	size_t words = words_between(s, qmark);

	while (w > s && !is_blank_char(w[-1]))
		w--;
	if (words <= 8 && word_in(w, qmark, last))
		return true;
	for (const char *const *f = first; *f != NULL && words <= 16; f++) {
		const char *r = ci_word_prefix(s, *f);

		if (r != NULL)
			return !((r = ci_word_prefix(skip_blanks(r), "att")) != NULL &&
				 words_between(r, qmark) >= 4);
	}
	return false;
}

/* A question whose first clause names nothing but a pronoun for what was
 * said before: "När kommer det att åtgärdas?", "Kan de komma tillbaka?",
 * "Vad kostar det nu per månad, och ...?", "Vet kommunen hur det påverkar
 * de boende?". A name or a long word in the clause (in Swedish most often
 * the compound noun of the matter: "När öppnar det nya korttidshemmet?")
 * names something. */
static bool names_nothing(const char *s, const char *qmark)
{
	/* "vet kommunen hur det påverkar ...": an indirect question on it */
	static const char *const asking[] = { "hur", "varför", "vad", "om", "när", NULL };
	const char *clause_end = memchr(s, ',', (size_t)(qmark - s));
	const char *pw = NULL, *pe = NULL, *w, *e, *next, *vw, *ve;
	size_t words = words_between(s, qmark), k = 0;
	bool pronoun = false, names = false;

	if (clause_end == NULL)
		clause_end = qmark;
	for (next = s; (next = next_word(next, &w, &e)) != NULL && w < clause_end; k++) {
		size_t len;

		if (e > clause_end)
			e = clause_end; /* "tillbaka?" */
		/* "hur det påverkar", not "om det finns" nor "hur de boende" */
		if (k < 5 && pw != NULL && word_in(pw, pe, asking) && words <= 16 &&
		    ci_word_prefix(w, "de") != e && refers_back(w, e, NULL, NULL, next) &&
		    next_word(next, &vw, &ve) != NULL && !word_in(vw, ve, formal_subject_verbs))
			return true;
		pronoun = pronoun || refers_back(w, e, pw, pe, next);
		names = names || (k > 0 && cp_is_upper(ex_u8_next(w, &len))) || letters(w, e) >= 9;
		pw = w;
		pe = e;
	}
	return pronoun && !names && words_between(s, clause_end) <= 8;
}

static size_t short_topic(const char *text);

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
			/* the topic of a question that points back or names
			 * nothing is where its text starts ("Habiliteringsersättningen
			 * har inte höjts sedan 2018. I dag får de 35 kronor. Hur ser
			 * ni på det?"); under a short topic ("Simhallen: ... När
			 * öppnar den igen?") title_from_text() puts the topic first */
			if (prev != NULL && words_between(text, start) >= 4 &&
			    (points_back(start, p) ||
			     (short_topic(text) == 0 && names_nothing(start, p))))
				return after_lead_in(text, start);
			return start;
		}
		/* a new sentence starts with a capital: "t.ex. med" and "kl. 17"
		 * do not end one */
		if (!end && (*p == '.' || *p == '!') && (p[1] == ' ' || p[1] == '\n')) {
			const char *next = skip_blanks(p + 1);
			size_t len;
			if (*next != '\0' && cp_is_upper(ex_u8_next(next, &len)))
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
	    !cp_is_upper(ex_u8_next(text, &len)))
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
	int32_t c = ex_u8_next(title, &n1);
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t k;

	if (cp_is_upper(c) && !cp_is_upper(ex_u8_next(title + n1, &n2)) &&
	    (k = utf8proc_encode_char(cp_lower(c), enc)) > 0)
		return xasprintf("%.*s: %.*s%s", (int)topic_len, topic, (int)k, (const char *)enc,
				 title + n1);
	return xasprintf("%.*s: %s", (int)topic_len, topic, title);
}

/* The first clause of a question (cut to TITLE_MAX_WORDS words when it is
 * long), without trailing punctuation or a dangling "och", capitalised. */
char *title_from_text(const char *text)
{
	/* "Kan vi ta upp färdtjänstens nya beställningscentral på mötet?": the
	 * matter is what is to be taken up, not the meeting */
	static const char *const raising[] = {
		"kan vi ta upp frågan om", "kan ni ta upp frågan om", "kan vi få ta upp",
		"kan vi ta upp", "kan ni ta upp", "kan vi också ta upp", "kan ni också ta upp",
		"kan ni även ta upp", "kan vi få lyfta", "kan vi lyfta", "kan ni lyfta",
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

	/* "och en sak till när kommer protokollet": the new matter's lead-in
	 * names nothing */
	if (new_matter_rest(s) != NULL)
		s = new_matter_rest(s);
	/* "Och finns det ...?": added to the question before, which the title
	 * does not need to say */
	else if (ci_word_prefix(s, "och") != NULL && count_words(s) > 3)
		s = skip_blanks(ci_word_prefix(s, "och"));
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
			const char *at = ci_find_within(s, *l, 80);
			if (at != NULL) {
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
		if ((strchr(".?!;:", end) != NULL && !word_in(w, s, title_abbreviations)) ||
		    (end == ',' && words >= 4) || (end == ')' && words >= 4)) {
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

char *title_from_subject(const char *full_subject)
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
char *title_from_heading(const char *heading)
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

/* extract_sentence.c - step 3 of extraction, sentence by sentence: what a
 * sentence is, whether it asks, and which sentences are no question; see
 * extract_p.h.
 *
 * sentence_asks() grades a sentence; the is_*() tests here name what a mail
 * says around its questions (intros, thanks, asides about the mail, "see the
 * attachment"), those of extract_notice.c what it says for the secretary
 * (who attends and what they need, withdrawals, corrections), and
 * filter_sentences() drops both from a paragraph, keeping the latter as
 * notes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_p.h"

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
	"skulle också vilja höra", "vill få svar", "vill också ha svar",
	/* the verb before its subject after a fronted word: "För det andra
	 * vill vi veta ...", "Därför vill jag fråga ...", "Nu skulle vi vilja
	 * veta ..." */
	"vill vi veta", "vill jag veta", "vill vi gärna veta", "vill jag gärna veta",
	"skulle vi vilja veta", "skulle jag vilja veta", "vill vi fråga", "vill jag fråga",
	"vill vi ha svar", "vill jag ha svar", "vill vi få veta", "vill jag få veta",
	/* "Jag skulle vilja att kommunen förklarar varför ..." */
	"skulle vilja att kommunen", "skulle vilja att förvaltningen", "skulle vilja att ni",
	"vill att ni förklarar", "vill att ni redogör",
	/* "Det vore också bra att få veta hur lång kön ... är" */
	"vore bra att få veta", "vore också bra att få veta", "vore även bra att få veta",
	"vore intressant att få veta", "vore bra att veta", "vore också bra att veta",
	"skulle vara bra att få veta", "skulle vara intressant att få veta", NULL
};

/* "Har ni fått vår fråga?", "Kom mitt mejl fram?": whether the mail sent
 * before arrived, which the acknowledgement answers */
static bool asks_receipt(const char *s)
{
	static const char *const starts[] = { "har ni fått vår", "har ni fått mitt",
					      "har ni fått mina", "har ni fått våra",
					      "har du fått vår", "har du fått mitt",
					      "har du fått mina", "fick ni vår", "fick ni mitt",
					      "fick du vår", "fick du mitt", "kom vår fråga fram",
					      "kom mitt mejl fram", "kom mejlet fram",
					      "kom mitt mail fram", NULL };

	return has_question_mark(s) && starts_any(s, starts);
}

/* "Vill ha svar på mötet.", "Vi önskar gärna ett skriftligt svar före
 * mötet.": asks for an answer to a question put elsewhere (the Subject, the
 * list above), and says nothing else */
static bool asks_for_answer(const char *s)
{
	static const char *const answer[] = { "svar", "besked", NULL };
	/* every other word: who asks, wanting, and when or how to answer */
	static const char *const around[] = {
		"vi", "jag", "vill", "ville", "önskar", "ber", "om", "ha", "få", "gärna", "helst",
		"ett", "ert", "era", "skriftligt", "skriftliga", "muntligt", "svar", "besked",
		"önskas", "på", "till", "vid", "före", "innan", "inför", "senast", "mötet", "möte",
		"nästa", "samverkansmötet", "där", "då", "tack", "i", "förväg", "så", "snart",
		"möjligt", "tacksam", "tacksamma", "för", NULL
	};
	const char *w, *e, *next = s;
	bool named = false;

	while ((next = next_word(next, &w, &e)) != NULL) {
		if (!word_in(w, e, around))
			return false;
		named = named || word_in(w, e, answer);
	}
	return named && !has_question_mark(s);
}

bool is_meta(const char *s)
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
					      "till samverkansmötet", "vidare", "till er", NULL };
	static const char *const passed_on[] = {
		"den här frågan", "denna fråga", "denna frågan", "det här", "detta", "nedanstående",
		"frågan nedan", "frågorna nedan", "dessa frågor", "de här frågorna", "hennes fråga",
		"hans fråga", "medlemmens fråga", "deras fråga", NULL
	};
	static const char *const meeting[] = { "på mötet", "till mötet", "nästa möte",
					       "samverkansmötet", "dagordningen", NULL };
	size_t words = count_words(s);

	/* "Lena, det här är väl något för LSS-samverkan?": a matter handed
	 * on up a chain of forwards */
	static const char *const fit_for[] = { "något för lss-samverkan", "något för samverkan",
					       "något för samverkansmötet", "något för mötet",
					       "något för rådet", "något att ta upp",
					       "något att lyfta", "en fråga för lss-samverkan",
					       "en fråga för mötet", "en fråga för samverkan", NULL };

	if (words <= 15 && starts_any(s, starts))
		return true;
	if (words <= 12 && strstr(s, "för") != NULL && contains_any(s, fit_for) &&
	    contains_word_any(s, deictic))
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

/* The adverbs that writers put inside a phrase that asks or withdraws: "vill
 * också veta", "önskar vidare att förvaltningen", "ber därför förvaltningen",
 * "vi undrar då hur", "tar därför tillbaka". */
const char *const ask_adverbs[] = { "också", "även", "dessutom", "vidare", "därför", "alltså",
				    "särskilt", "härmed", "nu", "gärna", "då", NULL };

char *without_adverbs(const char *s)
{
	struct buf out = { 0 };

	while (*(s = skip_blanks(s)) != '\0') {
		const char *w = s, *r = NULL;

		for (const char *const *a = ask_adverbs; *a != NULL && r == NULL; a++)
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

/* [w, e) may be the subject after a verb: a pronoun or a noun in its
 * definite form ("barnen", "beslutet", "ungdomarna"), not an adverb of the
 * same ending ("nyligen", "egentligen", "gärna") */
static bool subject_word(const char *w, const char *e, const char *const *pronouns)
{
	static const char *const adverbs[] = { "gärna", NULL };
	size_t len = (size_t)(e - w);

	if (word_in(w, e, pronouns))
		return true;
	if (len < 5 || strncasecmp(e - 4, "igen", 4) == 0 || word_in(w, e, adverbs))
		return false;
	return strncasecmp(e - 2, "en", 2) == 0 || strncasecmp(e - 2, "et", 2) == 0 ||
	       strncasecmp(e - 2, "na", 2) == 0;
}

/* The end of a lead-in that opens a new matter at s ("och en sak till",
 * "sen en fråga till", "en annan sak:"), past its punctuation, or NULL;
 * *punct_r: punctuation followed it. */
static const char *new_matter_end(const char *s, bool *punct_r)
{
	static const char *const joins[] = { "och så", "och sen", "och sedan", "och", "sen",
					     "sedan", NULL };
	static const char *const lead_ins[] = {
		"en sak till", "en annan sak", "en fråga till", "en annan fråga", "en till fråga",
		"en grej till", "en annan grej", "ännu en sak", "ännu en fråga",
		"ytterligare en sak", "ytterligare en fråga", "en sista sak", "en sista fråga",
		"en sak till bara", NULL
	};
	const char *r = NULL;

	/* the cheap test first: every lead-in has "en " in its first words */
	if (ci_find_within(s, "en ", 24) == NULL)
		return NULL;
	for (const char *const *j = joins; *j != NULL; j++)
		if ((r = ci_word_prefix(s, *j)) != NULL) {
			s = skip_blanks(r);
			break;
		}
	r = NULL;
	for (const char *const *l = lead_ins; *l != NULL && r == NULL; l++)
		r = ci_word_prefix(s, *l);
	if (r == NULL)
		return NULL;
	/* "En sak till som vi glömde: ...": a short relative clause on the
	 * lead-in, up to its colon */
	if (ci_word_prefix(skip_blanks(r), "som") != NULL) {
		const char *colon = strchr(r, ':');

		if (colon != NULL && colon - r < 64 && (colon[1] == ' ' || colon[1] == '\0') &&
		    memchr(r, '.', (size_t)(colon - r)) == NULL &&
		    memchr(r, '?', (size_t)(colon - r)) == NULL &&
		    memchr(r, ',', (size_t)(colon - r)) == NULL)
			r = colon;
	}
	*punct_r = *r == ':' || *r == ',' || *r == '.' || *r == '-';
	while (*r == ':' || *r == ',' || *r == '.' || *r == '-' || is_blank_char(*r))
		r++;
	return *r != '\0' ? r : NULL;
}

/* s is only a lead-in that opens a new matter ("En annan sak:", "Och en
 * sak till.", "En sista fråga:"), with nothing after it. */
static bool lead_in_alone(const char *s)
{
	const char *r;
	bool punct = false;
	char probe[80];

	/* new_matter_end() wants a clause after the lead-in: give it one */
	if (strlen(s) > 60 || ci_find_within(s, "en ", 24) == NULL)
		return false;
	snprintf(probe, sizeof(probe), "%s x", s);
	r = new_matter_end(probe, &punct);
	return r != NULL && punct && strcmp(r, "x") == 0;
}

/* The text after a lead-in that ends in a colon ("En sak till:", "Och en
 * annan sak som vi glömde:"), when a clause follows it; else NULL. */
static const char *colon_lead_in_rest(const char *s)
{
	const char *r;
	bool punct = false;

	/* the cheap test first */
	if (strchr(s, ':') == NULL || (r = new_matter_end(s, &punct)) == NULL || !punct)
		return NULL;
	for (const char *c = r; c > s; c--)
		if (c[-1] == ':')
			return count_words(r) >= 3 ? r : NULL;
		else if (!is_blank_char(c[-1]))
			return NULL;
	return NULL;
}

const char *new_matter_rest(const char *s)
{
	/* what a direct question starts with, after the lead-in */
	static const char *const askers[] = {
		"varför", "hur", "när", "vad", "vem", "vilka", "vilken", "vilket", "är", "har", "ska",
		"skall", "kan", "får", "kommer", "blir", "finns", "går", "måste", "behöver", "bör",
		"vill", "kunde", "skulle", NULL
	};
	const char *r, *w, *e;
	bool punct = false;

	if ((r = new_matter_end(s, &punct)) == NULL)
		return NULL;
	if (punct || (next_word(r, &w, &e) != NULL && word_in(w, e, askers)))
		return r;
	return NULL;
}

/* "Den andra gäller samarbetet med regionen.", "Den tredje handlar om
 * skolskjutsen.", "Det andra är personalens kunskap om autism.", "Den
 * andra saken gäller ...", "För det tredje vill vi veta ...": the next of
 * the matters the writer announced ("Vi har två saker ..."), by its ordinal
 * alone. "Den andra gruppbostaden har ..." names a place, not a matter. */
static bool is_ordinal_matter(const char *s)
{
	static const char *const the[] = { "den", "det", NULL };
	static const char *const ordinals[] = { "andra", "tredje", "fjärde", "femte", "sista",
						NULL };
	static const char *const about[] = { "gäller", "handlar", "rör", "är", "berör", "avser",
					     NULL };
	/* what the writer calls a matter between the ordinal and its verb */
	static const char *const matters[] = { "saken", "frågan", "punkten", "ärendet",
					       "ämnet", "området", "problemet", NULL };
	const char *w, *e, *next, *r;

	/* "För det andra, ...": a matter in the writer's own count */
	if ((r = ci_word_prefix(s, "för det")) != NULL)
		return next_word(r, &w, &e) != NULL && word_in(w, e, ordinals);
	if ((next = next_word(s, &w, &e)) == NULL || !word_in(w, e, the) ||
	    (next = next_word(next, &w, &e)) == NULL || !word_in(w, e, ordinals) || e != next ||
	    (next = next_word(next, &w, &e)) == NULL)
		return false;
	if (word_in(w, e, matters) && e == next)
		next = next_word(next, &w, &e);
	return next != NULL && word_in(w, e, about);
}

/* "Vi har också en fråga om sommaren: ...", "En annan fråga gäller
 * skolskjutsen.", "Sedan undrar vi om ...": the first words of s announce
 * one more question than the writer asked before. The announcement is the
 * start of the sentence: a word that adds (också, annan, sedan) and what is
 * asked (a question as a noun after an article or an ordinal, or "undrar"
 * beside its subject) within its first few words, so that "Vi har också
 * lyft frågan i brukarrådet" tells and asks nothing new. */
bool announces_another(const char *s)
{
	static const char *const openers[] = { "vi", "jag", "och", "sedan", "sen", "dessutom",
					       "vidare", "slutligen", "därefter", "en", "ett",
					       "ytterligare", "nästa", "vår", "min", "den", "så",
					       "till", "avslutningsvis", NULL };
	static const char *const adding[] = { "också", "även", "dessutom", "sedan", "sen",
					      "vidare", "slutligen", "därefter", "ytterligare",
					      "annan", "andra", "nästa", "sista", "ny", "fler",
					      "ännu", "sist", "avslutningsvis", NULL };
	static const char *const nouns[] = { "fråga", "frågan", "frågor", "fundering",
					     "funderingar", NULL };
	/* what stands right before the noun when it is one more question */
	static const char *const determiners[] = { "en", "annan", "ny", "nästa", "andra", "sista",
						   "några", "fler", "flera", "ytterligare", "också",
						   "även", "dessutom", NULL };
	static const char *const persons[] = { "vi", "jag", NULL };
	const char *w, *e, *pw = NULL, *pe = NULL, *nw, *ne, *next;
	bool adds = false, asked = false, wants = false;
	size_t k = 0;

	if (is_ordinal_matter(s))
		return true;
	if ((next = next_word(s, &w, &e)) == NULL || !word_in(w, e, openers))
		return false;
	for (; next != NULL && k < 8; k++) {
		adds = adds || word_in(w, e, adding);
		if (word_in(w, e, nouns) && pw != NULL && word_in(pw, pe, determiners))
			asked = true;
		/* "undrar vi", "vi undrar", "jag undrar också" */
		if (ci_word_prefix(w, "undrar") == e &&
		    ((pw != NULL && word_in(pw, pe, persons)) ||
		     (next_word(next, &nw, &ne) != NULL && word_in(nw, ne, persons))))
			asked = true;
		/* "Slutligen vill vi veta ...", "Vi vill också veta ..." */
		if (ci_word_prefix(w, "vill") == e)
			wants = true;
		else if (wants && ci_word_prefix(w, "veta") == e)
			asked = true;
		if (adds && asked)
			return true;
		if (strchr(".?!:", next[-1]) != NULL)
			break;
		pw = w;
		pe = e;
		next = next_word(next, &w, &e);
	}
	return false;
}

/* "varför har priset gått upp så mycket.", "kan hon få avlösare hemma": a
 * direct question whose '?' the writer left out, known by its word order:
 * an interrogative and then its verb, at the start of the sentence or of a
 * clause after a comma ("..., varför har priset gått upp"), or a verb first
 * with its subject after it. An indirect question puts the subject before
 * the verb ("vi undrar varför priset har gått upp") and a relative clause
 * starts with "vilket" or "som", so neither passes. A verb first that opens
 * a condition goes on with its main clause after a comma or "så" and a verb
 * or subject ("Har ni synpunkter, hör av er.", "Har man beslut så ska man
 * få plats."), and a clause after a comma may be the inverted main clause
 * after a condition ("Om hon får plats, kan hon börja"), so a verb first
 * counts only at the start of a sentence without a comma. */
bool asks_by_word_order(const char *s)
{
	static const char *const interrogatives[] = { "varför", "hur", "när", "vad", "vem", NULL };
	static const char *const verbs[] = { "är", "har", "ska", "skall", "kan", "får", "kommer",
					     "blir", "finns", "går", "måste", "behöver", "bör",
					     "vill", "tar", "hade", "blev", "fick", "kunde", "skulle",
					     "gör", "gäller", "händer", "fungerar", "ansvarar",
					     "kostar", "betalar", NULL };
	/* "var" is also "was" and "every", "gör" an imperative */
	static const char *const first_verbs[] = { "är", "har", "ska", "skall", "kan", "får",
						   "kommer", "blir", "finns", "går", "måste",
						   "behöver", "bör", "vill", "kunde", "skulle", NULL };
	static const char *const subjects[] = { "jag", "du", "han", "hon", "hen", "vi", "ni", "de",
						"dom", "man", "det", "den", "någon", "min", "mitt",
						"mina", "vår", "vårt", "våra", "hans", "hennes", "deras",
						NULL };
	const char *w, *e, *v, *ve, *next, *at, *lead;

	if (has_question_mark(s) || count_words(s) < 4 || last_char(s) == ':')
		return false;
	/* "och en sak till när kommer protokollet": a lead-in that opens a
	 * new matter stands where a comma would */
	if ((lead = new_matter_rest(s)) != NULL && asks_by_word_order(lead))
		return true;
	for (at = s; at != NULL; at = strstr(at + 1, ", ")) {
		if ((next = next_word(at == s ? s : at + 1, &w, &e)) == NULL || next != e ||
		    !word_in(w, e, interrogatives) || next_word(next, &v, &ve) == NULL ||
		    !word_in(v, ve, verbs))
			continue;
		/* "Vad gäller avgiften så ..." introduces a matter */
		if (!(ci_word_prefix(w, "vad") != NULL && ci_word_prefix(v, "gäller") != NULL))
			return true;
	}
	/* "... gått upp i höstas. varför har den höjts så mycket": a question
	 * after a full stop in lowercase, which split_sentences() left in the
	 * sentence before it; the capital "Varför" would start one of its own */
	for (at = strstr(s, ". "); at != NULL; at = strstr(at + 1, ". "))
		if ((next = next_word(at + 1, &w, &e)) != NULL && next == e && *w >= 'a' &&
		    *w <= 'z' && word_in(w, e, interrogatives) &&
		    next_word(next, &v, &ve) != NULL && word_in(v, ve, verbs) &&
		    !(ci_word_prefix(w, "vad") != NULL && ci_word_prefix(v, "gäller") != NULL))
			return true;
	if ((next = next_word(s, &w, &e)) == NULL || next != e || !word_in(w, e, first_verbs) ||
	    next_word(next, &v, &ve) == NULL || !subject_word(v, ve, subjects) ||
	    strchr(s, ',') != NULL)
		return false;
	for (at = ci_find(s, " så "); at != NULL; at = ci_find(at + 1, " så "))
		if (next_word(at + strlen(" så "), &v, &ve) != NULL &&
		    (word_in(v, ve, verbs) || word_in(v, ve, subjects)))
			return false;
	return true;
}

/* 2: a question mark, or a request made to the administration ("Redovisa
 * gärna ...", "Vi ber därför förvaltningen att ..."), which is as much an
 * agenda item as a question; 1: asks in words ("Vi undrar", "vill veta"); 0:
 * no. */
int sentence_asks(const char *s)
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
	size_t len, i = 0;
	char *bare;
	bool adverbs;
	int asks;

	if (has_question_mark(s))
		return 2;
	/* eight bytes a step: a byte a step cost as much as the tests the
	 * memo saves on a short sentence */
	len = strlen(s);
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, sizeof(w));
		h = (h ^ w) * 1099511628211u;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	h = (h ^ len) * 1099511628211u;
	h ^= h >> 32; /* the slot is taken from the low bits */
	h |= 1; /* 0 is an empty slot */
	if (memo[h % 64].hash == h)
		return memo[h % 64].asks;
	bare = without_adverbs(s);
	adverbs = strcmp(bare, s) != 0;
	if (is_request(s) || asks_by_word_order(s))
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

/* "Två saker från HRF.", "Jag vill också veta en sak.", "Ett par saker
 * till.": a short sentence that counts the things to come and says nothing
 * of them; "en viktig sak för oss" says something. */
static bool announces_things(const char *s)
{
	static const char *const things[] = { "sak", "saker", NULL };
	static const char *const counts[] = { "en", "två", "tre", "fyra", "några", "par",
					      "flera", NULL };
	static const char *const adding[] = { "till", "också", "även", "dessutom", NULL };
	const char *w, *e, *next, *pw = NULL, *pe = NULL;
	size_t after;

	/* the cheap test first */
	if (strstr(s, "sak") == NULL)
		return false;
	for (next = s; (next = next_word(next, &w, &e)) != NULL; pw = w, pe = e) {
		if (!word_in(w, e, things) || pw == NULL || !word_in(pw, pe, counts))
			continue;
		if (e != next && strchr(".!", *e) == NULL)
			return false; /* "en sak, nämligen ..." */
		after = count_words(next);
		if (after == 0)
			return true;
		if (e != next)
			return false;
		next = next_word(next, &w, &e);
		if (word_in(w, e, adding))
			return after == 1 || (after == 2 && next_word(next, &w, &e) != NULL &&
					      word_in(w, e, adding));
		/* "från HRF", "från oss i styrelsen" */
		return ci_prefix(w, "från") == e && after <= 4;
	}
	return false;
}

/* "Kan vi få lägga till en fråga?", "Går det bra att ta upp en sak till?",
 * "Får jag ställa en fråga?", "Hinner vi få med en punkt till på
 * dagordningen?": asking leave to add a question it does not name yet; the
 * question is what follows. One that says what about ("Kan vi ta upp en
 * fråga om ledsagningen?") or what the council should add ("Kan kommunen
 * lägga till en fråga i brukarenkäten?", no writer asking) is the question. */
bool asks_to_add(const char *s)
{
	static const char *const adding[] = { "lägga till", "lägga in", "ta upp", "ställa", "få med",
					      "ta med", "ha med", "lyfta", "skicka in", "lämna in",
					      "komma med", "anmäla", "väcka", NULL };
	static const char *const unnamed[] = {
		"en fråga", "en till fråga", "ytterligare en fråga", "en ny fråga", "en extra fråga",
		"en kort fråga", "en övrig fråga", "en sista fråga", "en punkt", "en sak",
		"ytterligare en punkt", "ytterligare en sak", "en extra punkt", "ett ärende",
		"några frågor", "fler frågor", "en fråga till", "en punkt till", "en sak till", NULL
	};
	static const char *const writer[] = { "vi", "jag", "föreningen", "det", NULL };
	static const char *const about[] = { "om", "angående", "kring", "gällande", "rörande",
					     "beträffande", "avseende", NULL };
	size_t words;
	const char *but;

	/* "Jag vet att sista dag för frågor var den 31 maj, men går det att
	 * lägga till en fråga under övriga frågor?": the ask after "men" */
	if (has_question_mark(s) && count_words(s) > 14 && (but = strstr(s, ", men ")) != NULL)
		return asks_to_add(but + 6);
	/* the cheap tests first: a short question with "en " or "ett " */
	if (!has_question_mark(s) || (words = count_words(s)) > 14 || words < 4 ||
	    (strstr(s, "en ") == NULL && strstr(s, "ett ") == NULL && strstr(s, "frågor") == NULL))
		return false;
	if (!contains_word_any(s, unnamed) || !contains_word_any(s, adding) ||
	    !contains_word_any(s, writer))
		return false;
	/* "... en fråga om ...", "... en punkt i brukarenkäten": it names the
	 * matter, except the meeting's own places ("på dagordningen", "till
	 * mötet") */
	return !contains_word_any(s, about) && strchr(s, ':') == NULL;
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

	if (asks_to_add(s))
		return true;
	if (has_question_mark(s) || words > 30)
		return false;
	if (last_char(s) == ':' && contains_any(s, topics))
		return true;
	if (words <= 8 && announces_things(s))
		return true;
	/* "Två saker från oss:", "En sak till:" over what follows */
	if (last_char(s) == ':' && words <= 8 &&
	    (contains_word(s, "saker") || contains_word(s, "sak")))
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
	/* "Här kommer två saker som NEURO vill lyfta på mötet.", "Här kommer en
	 * gemensam skrivelse från Funktionsrätt och DHR inför mötet." */
	return (contains_word(s, "saker") || contains_word(s, "ämnen") ||
		contains_word(s, "frågeställningar") || contains_word(s, "skrivelse") ||
		contains_word(s, "skrivelsen")) &&
	       contains_any(s, presenting);
}

/* "Så mina frågor till mötet är:", "Här kommer våra frågor:": an intro at
 * the end of a paragraph that announces what follows as the questions; not
 * one that adds a question to others ("Sen har vi en ny fråga:"). */
static bool announces_questions(const char *s)
{
	static const char *const adding[] = { "också", "även", "dessutom", "sen", "sedan",
					      "ytterligare", "fler", "ny", "nya", "annan", "andra",
					      "ännu", NULL };

	return last_char(s) == ':' && is_intro(s) && !contains_word_any(s, adding);
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
					     "skärmdump", "skärmbild", "skärmklipp",
					     "word-fil", "wordfil", "worddokument", "pdf-fil",
					     "pdf:en", NULL };
	static const char *const words[] = { "i filen", "i dokumentet", "se fil", "se filen",
					     "se pdf", "i pdf", "se dokumentet", NULL };
	/* "Här kommer ett brev från en av våra medlemmar, som inte har dator.":
	 * a letter or a photo sent along, from a phone */
	static const char *const sent_along[] = { "här kommer ett brev", "här kommer brevet",
						  "här är ett brev", "här är brevet", "här är en bild",
						  "här är ett foto",
						  "här kommer en bild", "här kommer bilden",
						  "här kommer ett foto", "här kommer fotot",
						  "jag skickar ett brev", "vi skickar ett brev",
						  "jag skickar en bild", "jag skickar ett foto",
						  "se bilden", "se fotot", "se brevet", NULL };

	return !has_question_mark(s) && count_words(s) <= 20 &&
	       (contains_stem_any(s, stems) || contains_word_any(s, words) ||
		starts_any(s, sent_along));
}

/* An aside about the mail itself: an apology (for it, or for its being
 * late), a forgotten question or file, a resend ("Jag glömde skriva själva frågan i förra mejlet, förlåt.",
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
						 /* "förlåt alla andra, jag råkade trycka på
						  * Svara alla" */
						 "svara alla", "svarade alla", "fel mottagare",
						 "fel adress",
						 NULL };
	static const char *const passed_on[] = { "skickat dem vidare", "skickat den vidare",
						 "skickat det vidare", "skickar dem vidare",
						 "skickar den vidare", "skickat vidare",
						 "skickar vidare", "vidarebefordrat",
						 "vidarebefordrar", NULL };
	static const char *const unconfirmed_offers[] = {
		"inte fått någon bekräftelse", "inte fått en bekräftelse", "ingen bekräftelse",
		"inte fått bekräftelse", "om någon vill se", "om någon vill ha", "om ni vill se",
		"om ni vill ha", "skickar gärna", "delar gärna", NULL
	};
	static const char *const letters[] = { "skrivelsen", "frågorna nedan", "frågorna ovan",
					       "våra frågor nedan", "våra frågor ovan",
					       "mejlet nedan", "brevet nedan", NULL };
	/* "Sorry sent men hinner inte mer nu.", "Förlåt att det blev sent." */
	static const char *const late[] = { "sent", "sen", "sena", "försent", NULL };
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

	/* how the writer is reached: "Jag nås enklast på 070-..." */
	static const char *const reached[] = { "jag nås", "ni når mig", "du når mig", "nå mig",
					       "ring mig gärna", "ni kan nå mig", "du kan nå mig",
					       "om något är oklart", "om något är otydligt",
					       "hör gärna av er om", "hör av dig om", "hör av er om",
					       "hör gärna av dig om", NULL };

	if (has_question_mark(s) || sentence_asks(s) > 0)
		return false;
	/* "Sorry for the mix of Swedish and English, I have had meetings in
	 * English all day ..." */
	if (count_words(s) <= 30 && contains_word_any(s, apology) && contains_any(s, mail_acts) &&
	    starts_any(s, apology))
		return true;
	if (count_words(s) > 20)
		return false;
	if (starts_any(s, resend) || starts_any(s, reached))
		return true;
	/* "Jag har skickat dem vidare till våra medlemsföreningar." (the
	 * minutes) */
	if (starts_any(s, writer) && contains_any(s, passed_on))
		return true;
	/* "Den skickades den 18 maj men vi har inte fått någon bekräftelse.",
	 * "Vi har underlaget bakom siffrorna om någon vill se det." (an offer) */
	if (contains_any(s, unconfirmed_offers))
		return true;
	/* "Skrivelsen nedan gäller som tidigare.": the letter sent before
	 * stands */
	if (starts_any(s, letters) && contains_word(s, "gäller"))
		return true;
	if (contains_word_any(s, apology) &&
	    (contains_any(s, mail_acts) || contains_word_any(s, late)))
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
	/* "... tack på förhand! /Sara mamma till Elsa 8 år": the name after
	 * the slash and who she is */
	if (is_slash_signoff(s, 8) && cp_is_upper(ex_u8_next(skip_blanks(s + 1), &(size_t){ 0 })))
		return true;
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
						"vänlig hälsning", "hälsningar", "tack så mycket",
						"tack på förhand", "tack i förväg", NULL };
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

/* "Skönt att frågan äntligen fick ett svar.", "Vi ses i april.": relief
 * at what was done and see-you-soon, which answer a mail and ask nothing;
 * one that goes on with "men" says what is still wrong */
static bool is_afterword(const char *s)
{
	static const char *const relief[] = { "skönt att", "så skönt", "vad skönt", "skönt",
					      "det var skönt att", "det är skönt att",
					      "det känns skönt att", "det var roligt att",
					      "det var glädjande att",
					      "vi är nöjda", "vi är jättenöjda", "vi är mycket nöjda",
					      "vi är väldigt nöjda", "vi är så nöjda", "jag är nöjd",
					      "jag är jättenöjd", "vi är jätteglada", "vi är så glada",
					      "glädjande att", "vad glädjande", "så glädjande",
					      "vad bra att", "så bra att", "roligt att",
					      "vad roligt", "så roligt", "härligt att",
					      "vad härligt", NULL };
	/* "Bra att färdtjänsten kommer upp på mötet, det är det som ...",
	 * "Fint att ni tar upp vår fråga.": approval of what the council did
	 * with the writer's matter, which a reply to the acknowledgement says
	 * without asking; only where it names that doing, since "Bra att
	 * kommunen har infört X" may open the background of a question */
	static const char *const approval[] = { "bra att", "särskilt bra att", "extra bra att",
						"det är bra att", "det var bra att",
						"det känns bra att", "fint att", "vad fint att",
						"det är fint att", "positivt att", "det är positivt att",
						"vi är glada att", "jag är glad att", "glad att",
						"glada att", "vi är tacksamma att", "tacksam att",
						"tacksamma att", "det gläder oss att", NULL };
	static const char *const handled[] = { "mötet", "dagordningen", "tas upp", "tar upp",
					       "tog upp", "tagit upp", "kommer upp", "finns med",
					       "kom med", "kommit med", "får plats", "er bekräftelse",
					       "följde upp", "följt upp", "följer upp",
					       "ert svar", "snabbt svar", "svaret", "återkopplingen",
					       NULL };
	static const char *const see_you[] = { "vi ses", "ses", "vi hörs", "hörs",
					       "på återseende", "välkomna", "då ses vi",
					       "så ses vi", "då hörs vi", "då träffas vi",
					       "vi träffas då", "då syns vi", NULL };
	/* "Det ser bra ut.", "Dagordningen ser bra ut för vår del.": the
	 * writer finds what the council sent fine */
	static const char *const fine[] = { "det ser bra ut", "ser bra ut", "det ser fint ut",
					    "ser fint ut", "allt ser bra ut", "det låter bra",
					    "låter bra", "det stämmer bra", NULL };
	static const char *const sent[] = { "dagordningen", "förslaget", "anteckningarna",
					    "minnesanteckningarna", "protokollet", "kallelsen",
					    NULL };
	static const char *const fine_anywhere[] = { "ser bra ut", "ser fint ut", "stämmer",
						     "är bra", NULL };
	const char *and;

	if (has_question_mark(s) || sentence_asks(s) > 0)
		return false;
	/* "Dagordningen ser bra ut och skönt att bassängen kom med.": two of
	 * them joined by "och" */
	if ((starts_any(s, fine) || starts_any(s, sent) || starts_any(s, relief) ||
	     starts_any(s, see_you)) &&
	    (and = ci_find_word(s, "och")) != NULL && and > s) {
		char *first = xstrndup(s, (size_t)(and - s));
		bool both = is_afterword(first) && is_afterword(skip_blanks(and + 3));

		free(first);
		if (both)
			return true;
	}
	if (starts_any(s, see_you) && count_words(s) <= 8)
		return true;
	if (count_words(s) <= 8 && !contains_word(s, "men") && !contains_word(s, "inte") &&
	    (starts_any(s, fine) ||
	     (starts_any(s, sent) && contains_word_any(s, fine_anywhere))))
		return true;
	if (count_words(s) > 30 || contains_word(s, "men"))
		return false;
	return starts_any(s, relief) || (starts_any(s, approval) && contains_any(s, handled));
}

bool is_pleasantry(const char *s)
{
	static const char *const starts[] = { "tack", "hoppas", "trevligt", "kul att", "stort tack",
					      "varmt tack", "ett stort tack", "många tack",
					      "vill bara säga tack", "ville bara säga tack",
					      "jag vill bara tacka", "vi vill bara tacka",
					      "vill bara tacka",
					      "vi ser fram emot", "ser fram emot", NULL };
	/* "Föreningen tackar för ett gott samarbete och ser fram emot mötet." */
	static const char *const anywhere[] = { "tackar för", "ser fram emot mötet",
						"ser fram emot att ses", "ser fram emot ett",
						"tack för ett gott samarbete", NULL };
	/* "Jag hoppas att det går bra att jag skriver, fast jag inte
	 * representerar någon förening." */
	static const char *const writing_ok[] = { "bra att jag skriver", "bra att vi skriver",
						  "okej att jag skriver", "ok att jag skriver",
						  "okej att vi skriver", "bra att jag hör av mig",
						  "bra att vi hör av oss", NULL };
	/* "Jag har varit bortrest i sommar och har inte hunnit skriva förrän
	 * nu, men jag vill tacka för mötet i juni." */
	static const char *const thanking[] = { "vill tacka för", "ville tacka för",
						"vill passa på att tacka", NULL };
	static const char *const thanks[] = { "tack för", "stort tack", "varmt tack",
					      "ett stort tack", "många tack", NULL };
	const char *rest;

	if (has_question_mark(s) || ci_word_prefix(s, "tack vare") != NULL)
		return false;
	/* "Stort tack för anteckningarna från förra mötet och för att ni tog
	 * upp vår fråga om skolfrånvaron så ordentligt." */
	if (count_words(s) <= 30 &&
	    (starts_any(s, thanks) ||
	     (strstr(s, "tacka") != NULL && contains_word_any(s, thanking))) &&
	    sentence_asks(s) == 0)
		return true;
	if (is_afterword(s))
		return true;
	if (count_words(s) <= 25 && (strstr(s, "skriver") != NULL || strstr(s, "hör av") != NULL) &&
	    contains_any(s, writing_ok) && sentence_asks(s) == 0)
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

bool sentence_start_at(const char *s)
{
	size_t n;
	int32_t c;

	if (*s == '\0')
		return false;
	c = ex_u8_next(s, &n);
	return cp_is_upper(c) || (c >= '0' && c <= '9') || c == '"' || c == '(' || c == 0xAB ||
	       c == 0xBB || c == 0x201D || c == 0x201C || c == '\'';
}

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

bool is_answers_note(const char *s)
{
	static const char *const notes[] = {
		"svar nedan", "svaren nedan", "svar i texten", "svaren i texten", "svarar nedan",
		"svarar i texten", "svarat nedan", "svarat i texten", "svar direkt i",
		"svarar direkt i", "svar inne i", "mina svar", "våra svar", "svar i rött",
		"svar med rött", "kommentarer nedan", "mina kommentarer", "våra kommentarer",
		"kommentarer i texten", NULL
	};

	/* the cheap test first: every form names answers or comments */
	if ((ci_find(s, "svar") == NULL && ci_find(s, "kommentar") == NULL) ||
	    has_question_mark(s) || count_words(s) > 20)
		return false;
	return contains_word_any(s, notes);
}

/* Splits a single-spaced paragraph into sentences at ". " + capital, "? ",
 * "! " and ": " + capital. */
static void push_sentence(struct sentence **v, size_t *n, size_t *cap, size_t start, size_t len)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].start = start;
	(*v)[*n].len = len;
	(*n)++;
}

/* "jag är ny i styrelsen. vi har fått": in a paragraph its writer starts in
 * lowercase, a full stop after a word of three letters or more (not "t.ex.",
 * "kl.", "dvs.") before a lowercase word ends a sentence too. text[dot]. */
static bool lowercase_stop(const char *text, size_t dot)
{
	static const char *const abbreviations[] = { "dvs", "osv", "etc", "resp", "inkl", "exkl",
						     "bla", "enl", "ang", "jfr", "tex", "mfl",
						     "obs", "tel", NULL };
	size_t w = dot, n;

	while (w > 0 && text[w - 1] != ' ')
		w--;
	if (dot - w < 3 || memchr(text + w, '.', dot - w) != NULL ||
	    !cp_is_lower(ex_u8_next(text + dot + 2, &n)))
		return false;
	for (const char *const *a = abbreviations; *a != NULL; a++)
		if (strlen(*a) == dot - w && ci_prefix(text + w, *a) == text + dot)
			return false;
	return true;
}

size_t split_sentences(const char *text, struct sentence **out_r)
{
	struct sentence *v = NULL;
	size_t n = 0, cap = 0, start = 0, i = 0, len = strlen(text), cl;
	/* the cheap test first: an ASCII lowercase first letter */
	bool lowercase = *text >= 'a' && *text <= 'z' && cp_is_lower(ex_u8_next(text, &cl));

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
			    (strong || sentence_start_at(text + j + 1) ||
			     (lowercase && c == '.' && j == i + 1 && lowercase_stop(text, i))) &&
			    !(j == i + 1 && c == '.' && text[j + 1] >= '0' && text[j + 1] <= '9' &&
			      abbreviation_before(text, i))) {
				push_sentence(&v, &n, &cap, start, j - start);
				start = j + 1;
			}
			i = j;
			continue;
		}
		i++;
	}
	if (start < len)
		push_sentence(&v, &n, &cap, start, len - start);
	*out_r = v;
	return n;
}

/* "Några praktiska saker först: vi kommer att vara två från HRF.": the
 * text after a short label that opens the sentence, or NULL. */
static const char *after_short_label(const char *s)
{
	const char *colon = strstr(s, ": ");
	char *head;
	size_t words;

	/* "Svar på din fråga om vilka som kommer: från HRF kommer jag och ..." */
	static const char *const answering[] = { "svar på din fråga", "svar på er fråga",
						 "som svar på din fråga", "som svar på er fråga",
						 NULL };

	if (colon == NULL || colon - s > 48 || memchr(s, ',', (size_t)(colon - s)) != NULL ||
	    memchr(s, '.', (size_t)(colon - s)) != NULL)
		return NULL;
	head = xstrndup(s, (size_t)(colon - s));
	words = count_words(head);
	free(head);
	return words <= 5 || starts_any(s, answering) ? skip_blanks(colon + 1) : NULL;
}

enum sentence_kind {
	SENT_TEXT,
	SENT_ASK,
	SENT_META, /* "Kan ni ta upp detta?" */
	SENT_DROP,
};

/* every sentence before i went ("Hej! En annan sak: ...") */
static bool no_kept_before(const enum sentence_kind *kinds, size_t i)
{
	while (i-- > 0)
		if (kinds[i] != SENT_DROP)
			return false;
	return true;
}

/* the questions or points of the mail itself */
static const char *const questions_words[] = { "fråg", "punkt", NULL };

/* "Vi glömde en sak när vi skickade frågan.", "Jag kom på en sak till.",
 * "Vi missade att ta med en fråga.", "Tack för bekräftelsen.": the writer
 * adds to what they sent before, or answers the council's acknowledgement
 * of it, whose Subject then names that earlier question and not what the
 * writer asks now. "Kommunen glömde att skicka beslutet." is a story. */
static bool adds_to_earlier(const char *s)
{
	static const char *const persons[] = { "vi", "jag", "förlåt", "ursäkta", "oj", "en sak",
					       NULL };
	static const char *const forgot[] = { "glömde", "glömt", "missade", "missat",
					      "kom på", "kommit på", "kom att tänka på", NULL };
	static const char *const thing[] = { "en sak", "något", "en fråga", "en till",
					     "en grej", "en punkt", "att fråga", "att ta med",
					     "att skriva", "att nämna", "att lägga till",
					     "att ta upp", NULL };
	static const char *const receipt[] = { "tack för bekräftelsen", "tack för kvittensen",
					       "tack för er bekräftelse",
					       "tack för din bekräftelse",
					       "tack för bekräftelse", "fått bekräftelsen",
					       "fick bekräftelsen", NULL };

	/* the cheap test first, on bytes, as it runs on every sentence: each
	 * form has its verb or noun after the first word */
	if (strstr(s, "glöm") == NULL && strstr(s, "miss") == NULL &&
	    strstr(s, "kom på") == NULL && strstr(s, "kommit på") == NULL &&
	    strstr(s, "kom att") == NULL && strstr(s, "bekräft") == NULL &&
	    strstr(s, "kvitt") == NULL)
		return false;
	if (has_question_mark(s) || count_words(s) > 20)
		return false;
	if (contains_any(s, receipt))
		return true;
	return starts_any(s, persons) && contains_any(s, forgot) && contains_any(s, thing);
}

/* Drops intros, thanks, attendance and attachment notes from a paragraph. A
 * meta request ("Kan ni ta upp detta?") goes when something else in the
 * paragraph asks or when drop_meta is set (a forwarding note); otherwise it
 * stays as text that does not make the paragraph a question. */
void filter_sentences(const char *text, bool drop_meta, bool attachments, bool after_correction,
		      struct filtered *f)
{
	struct sentence *sv = NULL;
	size_t n = split_sentences(text, &sv);
	enum sentence_kind *kinds = xcalloc(n ? n : 1, sizeof(*kinds));
	/* beside kinds: a sentence that went is for the secretary */
	bool *notes = xcalloc(n ? n : 1, sizeof(*notes));
	struct buf out = { 0 };
	struct buf noted = { 0 };
	struct buf one = { 0 };
	/* the last notice of who attends, whose names is_attendee_detail()
	 * looks for in the sentences after it */
	struct buf notice = { 0 };
	int asks = 0;
	static const char *const about_file[] = { "där står", "där finns", "i den står",
						  "i den finns", "i det står", "i dokumentet står",
						  "i planen står", NULL };
	static const char *const late_adding[] = { "sista dag", "för sent", "sent", "efter sista",
						   "deadline", NULL };
	/* after a correction: "Kan du ändra det innan anteckningarna läggs ut
	 * på kommunens webbplats?" */
	static const char *const change_asks[] = { "kan du ändra", "kan du rätta", "kan ni ändra",
						   "kan ni rätta", "skulle du kunna ändra",
						   "skulle du kunna rätta", "kan det rättas",
						   "kan det ändras", NULL };
	/* "... så vi skickar den som Word-fil. Frågorna står under rubriken
	 * Frågor i slutet.": where in the file the questions are */
	static const char *const in_file[] = { "frågorna står", "frågorna finns", "frågan står",
					       "frågan finns", "våra frågor står",
					       "våra frågor finns", NULL };
	bool after_label = false, after_attendance = false, file_ref = false;
	bool correction = false; /* the paragraph corrects the minutes */
	bool withdrawn = false; /* it withdraws a question sent before */
	bool practical = false; /* it asks when or where the meeting is */
	bool list_request = false; /* it asks to leave the mailing list */
	bool kept = false; /* a sentence is in out */

	f->file_questions = false;
	f->file_remarks = false;
	f->subject_ref = false;
	f->said = false;
	f->thanked = false;
	f->kept = false;
	f->announces = false;
	f->another = n > 0 && announces_another(text + sv[0].start);
	f->adds = f->another;
	f->attendance = false;
	f->practical_only = false;
	f->withdraws = false;
	/* "PS. Kan vi ...? DS.": a paragraph framed as a postscript, whose
	 * closing "DS" goes (elsewhere "barn med DS" is Down's syndrome) */
	bool postscript = n > 0 && ps_rest(text + sv[0].start) != NULL;

	for (size_t i = 0; i < n; i++) {
		const char *s, *rest, *labelled;
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
		labelled = NULL;
		attendance = is_attendance(s) ||
			     ((rest = after_short_label(s)) != NULL && is_attendance(rest) &&
			      (labelled = rest) != NULL) ||
			     is_attendance_need(s);
		correction = correction || is_correction(s);
		/* "I anteckningarna ... står det att ... . Det stämmer inte
		 * riktigt.": both correct the minutes */
		if (!correction && i > 0 && strncasecmp(s, "det ", 4) == 0) {
			char *prev = xstrndup(text + sv[i - 1].start, sv[i - 1].len);

			if (is_papers_denied(prev, s)) {
				correction = true;
				kinds[i - 1] = SENT_DROP;
				notes[i - 1] = true;
			}
			free(prev);
		}
		if ((correction && (!has_question_mark(s) || is_back_request(s))) ||
		    (after_correction && (is_back_request(s) || starts_any(s, change_asks)))) {
			/* "En rättelse: under punkt 5 står det ...", and "Kan du
			 * ändra det?" after it */
			kinds[i] = SENT_DROP;
			notes[i] = true;
		}
		else if (is_withdrawal(s) || is_question_status(s) || is_own_mistake(s) ||
			 (withdrawn && sentence_asks(s) == 0 && !announces_another(s) &&
			  !announces_questions(s))) {
			f->withdraws = f->withdraws || is_withdrawal(s);
			/* with why, until the writer asks something new */
			notes[i] = !withdrawn || !is_pleasantry(s);
			withdrawn = true;
			kinds[i] = SENT_DROP;
		}
		else if (is_meeting_practical(s) || is_meeting_request(s) ||
			 is_agenda_arrangement(s) || is_attendance_question(s) ||
			 (after_attendance && is_remote_question(s)) ||
			 (practical && (!has_question_mark(s) || is_needs_question(s) ||
					is_back_request(s)))) {
			/* with what follows it: why the writer needs to know */
			notes[i] = !practical || !is_pleasantry(s);
			practical = true;
			kinds[i] = SENT_DROP;
		}
		else if (after_label && !has_question_mark(s)) {
			kinds[i] = SENT_DROP; /* the names after "Anmälan:" */
			notes[i] = true;
		}
		/* "Bifogat finns vår verksamhetsplan. Där står bland annat att vi
		 * vill ordna en temadag.": what the file says, right after it */
		else if (i > 0 && kinds[i - 1] == SENT_DROP && file_ref && !has_question_mark(s) &&
			 starts_any(s, about_file) && sentence_asks(s) == 0)
			kinds[i] = SENT_DROP;
		else if (i > 0 && kinds[i - 1] == SENT_DROP && file_ref && !has_question_mark(s) &&
			 starts_any(s, in_file) && sentence_asks(s) == 0) {
			kinds[i] = SENT_DROP;
			f->file_questions = true;
		}
		else if (after_attendance &&
			 (is_attendance_detail(s) || is_attendee_detail(s, notice.data))) {
			kinds[i] = SENT_DROP;
			notes[i] = true;
		}
		else if (i > 0 && i + 1 == n && (is_inline_closing(s) || is_run_in_frame(s, false)))
			kinds[i] = SENT_DROP; /* "... igen? Mvh Ronny DHR" on the same line */
		else if (i == 0 && n > 1 && is_run_in_frame(s, true))
			kinds[i] = SENT_DROP;
		else if (is_label(s) || is_intro(s) || is_attachment_ref(s) || attendance ||
			 is_pleasantry(s) || is_no_questions(s) || is_aside(s) || is_presenter(s) ||
			 is_ps_ds(s) || is_backing(s) || is_capacity(s) || is_self_intro(s)) {
			kinds[i] = SENT_DROP;
			/* "Här kommer FUB:s frågor till mötet.", "Frågorna kommer
			 * från våra medlemsföreningar.": who comes is the
			 * questions, an intro */
			/* "Svar på din fråga om vilka som kommer: ...": the
			 * notice after the label */
			notes[i] = (attendance && !is_intro(s) && !announces_questions(s) &&
				    !contains_any(labelled != NULL ? labelled : s, questions_words)) ||
				   /* a question added after the last day is
				    * for the secretary to allow */
				   (asks_to_add(s) && contains_any(s, late_adding));
		}
		else if (is_list_request(s)) {
			kinds[i] = SENT_DROP;
			notes[i] = true;
			list_request = true;
		}
		else if (is_privacy_request(s)) {
			kinds[i] = SENT_DROP;
			notes[i] = true;
		}
		else if (is_subject_ref(s)) {
			kinds[i] = SENT_DROP;
			f->subject_ref = true;
		}
		else if (count_words(s) <= 9 && (asks_for_answer(s) || asks_receipt(s)))
			kinds[i] = SENT_DROP;
		else if (attachments && n == 1 && last_char(s) == ':' && sentence_asks(s) == 0 &&
			 count_words(s) <= 20)
			kinds[i] = SENT_DROP; /* a line of its own announcing the file */
		else if (is_answers_note(s)) {
			/* "Se mina svar nedan i rött.": the answers are read
			 * from the quote (see process_segment()) */
			kinds[i] = SENT_DROP;
			f->said = true;
		}
		else if (is_meta(s))
			kinds[i] = SENT_META;
		else if (is_pointer_question(s) ||
			 is_reader_question(s, i + 1 < n ? text + sv[i + 1].start : NULL))
			kinds[i] = SENT_TEXT;
		else if (sentence_asks(s) > 0)
			kinds[i] = SENT_ASK;
		else
			kinds[i] = SENT_TEXT;
		/* "En annan sak: Elias väntade ...": a lead-in naming another
		 * matter that went as a sentence of its own before anything was
		 * kept opens this paragraph's matter, as colon_lead_in_rest()'s
		 * does */
		if (kinds[i] == SENT_DROP && !f->another && lead_in_alone(s) &&
		    no_kept_before(kinds, i))
			f->another = true;
		/* an intro went: is_intro() only for what went */
		if (!f->adds && ((kinds[i] == SENT_DROP && is_intro(s)) ||
				 new_matter_rest(s) != NULL || adds_to_earlier(s)))
			f->adds = true;
		/* the cheap flags first; is_no_questions() only for what went. A
		 * correction of the council's papers asks nothing either: the
		 * Subject of a reply that only corrects the minutes ("SV:
		 * Minnesanteckningar 3 juni") names them, not a question */
		if (kinds[i] == SENT_DROP && !f->said)
			f->said = attendance || practical || withdrawn || correction ||
				  is_no_questions(s) || is_afterword(s);
		f->attendance = f->attendance || attendance;
		/* only for what went, which is seldom more than a line */
		if (kinds[i] == SENT_DROP && !f->thanked)
			f->thanked = ci_find(s, "tack") != NULL;
		if (kinds[i] == SENT_ASK && sentence_asks(s) > asks)
			asks = sentence_asks(s);
		if (is_attachment_ref(s)) {
			static const char *const asked[] = { "fråg", NULL };
			/* a word of its own: "synpunkter" holds "punkt" */
			static const char *const items[] = { "punkt", "dagordningspunkt",
							     "diskussionspunkt", NULL };
			static const char *const remarks[] = { "synpunkt", NULL };

			file_ref = true;
			f->file_questions = f->file_questions || contains_any(s, asked) ||
					    contains_stem_any(s, items);
			f->file_remarks = f->file_remarks || contains_any(s, remarks);
		}
		after_label = last_char(s) == ':' && attendance;
		if (attendance) {
			buf_reset(&notice);
			buf_append_str(&notice, s);
		}
		after_attendance = attendance || (after_attendance && kinds[i] == SENT_DROP);
	}
	/* a paragraph that asks only to leave the mailing list tells only why
	 * ("Jag har lämnat mitt uppdrag ... Nya kontaktuppgifter får ni från
	 * ordföranden."), which is for the secretary too */
	if (list_request && asks == 0) {
		for (size_t i = 0; i < n; i++)
			if (kinds[i] == SENT_TEXT) {
				kinds[i] = SENT_DROP;
				notes[i] = true;
			}
		f->said = true;
	}
	/* thanks count only in a paragraph of which everything went */
	for (size_t i = 0; i < n && !f->kept; i++)
		if (kinds[i] != SENT_DROP) {
			f->thanked = false;
			f->kept = true;
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
		/* "En sak till som vi glömde: flera föräldrar ...": the lead-in
		 * of a new matter before its colon opens the question and says
		 * nothing of it */
		if (!kept) {
			buf_reset(&one);
			buf_append(&one, text + sv[i].start, sv[i].len);
			const char *rest = colon_lead_in_rest(one.data);

			if (rest != NULL) {
				size_t cut = (size_t)(rest - one.data);

				sv[i].start += cut;
				sv[i].len -= cut;
				f->another = true;
			}
		}
		if (out.len > 0)
			buf_append_char(&out, ' ');
		buf_append(&out, text + sv[i].start, sv[i].len);
		buf_reset(&one);
		buf_append(&one, text + sv[i].start, sv[i].len);
		f->practical_only = (!kept || f->practical_only) && is_practical_remark(one.data);
		kept = true;
	}
	trim_buf(&out);
	f->corrects = correction;
	/* what the paragraph asks before its announcement is background */
	if (n > 0 && kinds[n - 1] == SENT_DROP) {
		buf_reset(&one);
		buf_append(&one, text + sv[n - 1].start, sv[n - 1].len);
		f->announces = announces_questions(one.data);
		if (f->announces)
			asks = 0;
	}
	f->asks = asks;
	f->text = buf_steal(&out);
	/* a note is what went, never a meta request kept as text */
	for (size_t i = 0; i < n; i++) {
		if (!notes[i] || kinds[i] != SENT_DROP || sv[i].len == 0)
			continue;
		if (noted.len > 0)
			buf_append_char(&noted, ' ');
		buf_append(&noted, text + sv[i].start, sv[i].len);
	}
	trim_buf(&noted);
	f->notes = noted.len > 0 ? buf_steal(&noted) : NULL;
	buf_free(&noted);
	free(notes);
	buf_free(&one);
	buf_free(&notice);
	free(kinds);
	free(sv);
}

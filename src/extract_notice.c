/* extract_notice.c - step 3 of extraction, what a sentence says for the
 * secretary rather than the agenda: who attends and what they need, the
 * meeting's practicalities, who the writer is, "no questions this time",
 * mailing-list requests, corrections and withdrawals of earlier questions;
 * see extract_p.h. filter_sentences() (extract_sentence.c) asks these of
 * every sentence and keeps what they find as the mail's notes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_p.h"
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
		else if (e > w && cp_is_upper(ex_u8_next(w, &n)) &&
			 !memchr(w, '@', (size_t)(e - w)))
			names++;
		else if (!word_in(w, e, joins))
			break;
		s = next;
		*rest_r = s;
	}
	return names;
}

/* " den 21 januari" in t: the day of the meeting. */
static bool has_date_tail(const char *t)
{
	static const char *const den[] = { "den", NULL };
	const char *w, *e, *next;

	while ((next = next_word(t, &w, &e)) != NULL) {
		if (word_in(w, e, den) &&
		    *skip_blanks(next) >= '0' && *skip_blanks(next) <= '9')
			return true;
		t = next;
	}
	return false;
}

/* What may follow the names of who attends: nothing, "från oss", "på
 * mötet", "på torsdag", "den 13 mars", "som ersättare", "båda två". */
static bool attendance_tail(const char *t, size_t names)
{
	static const char *const infinitives[] = { "att delta", "att närvara", "att komma",
						   "att vara med", NULL };
	static const char *const tails[] = { "båda", "bägge", "också", "även", "som", NULL };
	/* "Från SRF kommer jag, Gunnar Eklund, tillsammans med min ledsagare" */
	static const char *const company[] = { "tillsammans med", "med min ledsagare",
					       "med ledsagare", NULL };
	/* "på mötet", "på torsdag": a reply to the agenda names the meeting
	 * by its weekday */
	static const char *const meeting[] = { "möte", "måndag", "tisdag", "onsdag", "torsdag",
					       "fredag", NULL };
	const char *r;

	t = skip_blanks(t);
	if (*t == '\0')
		return names >= 2;
	if (starts_any(t, infinitives))
		return true;
	if (starts_any(t, company) && count_words(t) <= 8 && !contains_word(t, "att"))
		return true;
	if (count_words(t) > 7 || contains_word(t, "att") || ci_word_prefix(t, "från och med"))
		return false;
	/* "från oss", "från Autism- och Aspergerföreningen", "från RSMH den
	 * 21 januari" */
	if (ci_word_prefix(t, "från") != NULL)
		return count_words(t) <= 4 || (count_words(t) <= 7 && has_date_tail(t));
	if (contains_any(t, meeting))
		return true;
	r = ci_word_prefix(t, "den");
	if (r != NULL && skip_blanks(r)[0] >= '0' && skip_blanks(r)[0] <= '9')
		return names >= 1;
	return names >= 2 && starts_any(t, tails);
}

/* After "Maria Sandberg," a role between commas ("ordförande,", "vår
 * kassör,", "vice ordförande i FUB,"): where it ends, else s. */
static const char *after_role(const char *s)
{
	const char *w, *e, *next, *at = s;
	bool role = false;

	for (int k = 0; k < 5 && (next = next_word(at, &w, &e)) != NULL; k++, at = next) {
		role = role || word_in(w, e, role_words);
		if (e < next && *e == ',')
			return role ? next : s;
		if (e < next)
			break; /* "ordförande." ends the sentence */
	}
	return s;
}

/* This meeting and its day, as a sentence about who attends names them:
 * "till mötet", "på LSS-samverkan den 11 februari", "på torsdag". */
static const char *const meeting_day[] = {
	"till", "på", "vid", "den", "här", "gången", "denna", "gång", "mötet", "möte",
	"samverkansmötet", "sammanträdet", "träffen", "lss-samverkan", "samrådet", "nästa",
	"måndag", "tisdag", "onsdag", "torsdag", "fredag", "januari", "februari", "mars",
	"april", "maj", "juni", "juli", "augusti", "september", "oktober", "november",
	"december", "i", "år", "kl", NULL
};

/* what else may stand between a party's count and the comma beside the
 * association after "från" (counts_attendance()) */
static const char *const count_filler[] = { "personer", "stycken", "st", "representanter",
					    "deltagare", "med", "oss", "som", "att", NULL };

/* "Till mötet kommer", "Till LSS-samverkan den 11 februari kommer", "Den
 * 11 februari deltar": the meeting or its day first, then the verb (in
 * verbs); where the verb ends, else NULL. */
static const char *after_meeting_lead(const char *s, const char *const *verbs)
{
	static const char *const leads[] = { "till", "på", "vid", "den", NULL };
	const char *w, *e, *next = s;
	bool day = false;

	if ((next = next_word(s, &w, &e)) == NULL || !word_in(w, e, leads))
		return NULL;
	for (int k = 0; k < 7 && (next = next_word(next, &w, &e)) != NULL; k++) {
		if (word_in(w, e, verbs))
			return day ? next : NULL;
		if (*w >= '0' && *w <= '9')
			day = true;
		else if (word_in(w, e, meeting_day))
			day = day || !word_in(w, e, leads);
		else
			return NULL;
	}
	return NULL;
}

/* Who attends, by name: "Från FUB kommer Lena Holm och Per Ek.",
 * "Birgitta Sjöberg kommer från oss.", "Anna Berg deltar på mötet." */
static bool names_attend(const char *s, const char *const *not_attendance)
{
	static const char *const verbs[] = { "kommer", "deltar", "närvarar", "medverkar",
					     "representerar", "företräder", NULL };
	const char *r, *w, *e, *next, *rest;
	size_t names;

	/* "Det blir jag och Birgitta Nyman som kommer.", "Det är Eva Ek som
	 * deltar från oss." */
	static const char *const cleft[] = { "det blir", "det är", "det kommer att bli",
					     "det kommer bli", NULL };
	static const char *const writer_words[] = { "jag", "vi", "mig", NULL };

	/* "Jag kommer från FUB och undrar ..." introduces a question */
	if (count_words(s) > 20 || sentence_asks(s) > 0 || contains_word_any(s, not_attendance))
		return false;
	for (const char *const *c = cleft; *c != NULL; c++) {
		if ((r = ci_word_prefix(s, *c)) == NULL)
			continue;
		r = skip_blanks(r);
		names = name_run(r, &rest);
		/* "Det blir jag och Kjell från DHR.": the writer among those
		 * named, or a full name; "Det blir Solrosen från vecka 8." is
		 * no one */
		if (strcmp(*c, "det blir") == 0 && rest > r &&
		    ci_word_prefix(skip_blanks(rest), "som") == NULL) {
			char *run = xstrndup(r, (size_t)(rest - r));
			bool writer = contains_word_any(run, writer_words);

			free(run);
			return (writer || names >= 2) &&
			       (*skip_blanks(rest) == '\0' || attendance_tail(rest, 2));
		}
		if (rest == r || (r = ci_word_prefix(skip_blanks(rest), "som")) == NULL ||
		    (next = next_word(r, &w, &e)) == NULL || !word_in(w, e, verbs))
			return false;
		return *skip_blanks(next) == '\0' || attendance_tail(next, 2);
	}
	/* "Till mötet kommer jag och Jonas Berg från styrelsen.", "Till
	 * LSS-samverkan den 11 februari kommer Göran Ek och Margareta Lund" */
	if ((next = after_meeting_lead(s, verbs)) != NULL) {
		names = name_run(next, &rest);
		return names >= 1 && (*skip_blanks(rest) == '\0' || attendance_tail(rest, 2));
	}
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
	/* "Maria Sandberg, ordförande, kommer från Attention.", "Eva Ek, vår
	 * kassör, deltar.": the role between commas after the name */
	if (names > 0 && rest > s && rest[-1] == ',')
		rest = after_role(rest);
	if (names == 0 || (next = next_word(rest, &w, &e)) == NULL || !word_in(w, e, verbs))
		return false;
	return attendance_tail(next, names);
}

/* "Jag kommer själv på mötet", "Vi kommer båda till LSS-samverkan", "Från
 * DHR kommer vi tre personer till mötet", "Jag kommer tillsammans med min
 * ledsagare", "Jag kommer ensam den här gången", "Vi kommer på torsdag": the
 * writer comes to this meeting, with the adverbs and counts that the fixed
 * phrases of presence leave out. Read from the start only. */
static bool writer_comes(const char *s)
{
	static const char *const who[] = { "jag", "vi", NULL };
	static const char *const verbs[] = { "kommer", "deltar", NULL };
	static const char *const adverbs[] = { "själv", "själva", "gärna", "också", "även",
					       "båda", "bägge", "två", "tre", "fyra", "fem",
					       "personer", "personligen", "nog", "ensam",
					       "ensamma", NULL };
	static const char *const place[] = { "till", "på", "vid", NULL };
	/* a reply to the agenda names the meeting by its weekday ("Jag kommer
	 * på torsdag") */
	static const char *const meeting[] = { "mötet", "samverkansmötet", "sammanträdet",
					       "träffen", "lss-samverkan", "samverkan",
					       "samrådet", "nästa", "måndag", "tisdag", "onsdag",
					       "torsdag", "fredag", NULL };
	/* the meeting as a time, after which the sentence may go on to what
	 * the writer needs there ("Jag kommer ensam den här gången och behöver
	 * parkera nära entrén") */
	static const char *const this_time[] = { "den här gången", "denna gång",
						 "denna gången", "nästa gång", NULL };
	const char *w, *e, *next = s;
	int k;

	/* the cheap test first: "jag", "vi" or "från" */
	if (strchr("jJvVfF", *s) == NULL)
		return false;
	if (ci_word_prefix(s, "från") != NULL) {
		/* "Från DHR kommer vi": the association takes at most four words */
		next = ci_word_prefix(s, "från");
		for (k = 0; k < 5 && (next = next_word(next, &w, &e)) != NULL; k++)
			if (word_in(w, e, verbs) && e == next)
				break;
		if (k == 0 || k == 5 || next == NULL || (next = next_word(next, &w, &e)) == NULL ||
		    !word_in(w, e, who) || e != next)
			return false;
	}
	else if ((next = next_word(s, &w, &e)) == NULL || !word_in(w, e, who) || e != next ||
		 (next = next_word(next, &w, &e)) == NULL || !word_in(w, e, verbs) || e != next)
		return false;
	for (k = 0; (next = next_word(next, &w, &e)) != NULL && k < 3; k++) {
		if (e != next)
			return false; /* "Jag kommer också, ..." is for the fixed forms */
		if (word_in(w, e, adverbs) || (*w >= '0' && *w <= '9'))
			continue;
		if (ci_prefix(w, "tillsammans") == e)
			return ci_word_prefix(skip_blanks(next), "med") != NULL;
		if (starts_any(w, this_time))
			return true;
		return word_in(w, e, place) && next_word(next, &w, &e) != NULL &&
		       word_in(w, e, meeting);
	}
	return false;
}

/* "Vi blir två från DHR på torsdag, jag och Kjell Berg.", "Vi är tre som
 * kommer.", "Från FUB blir vi två.", "Det blir två från oss på mötet.", "Vi
 * blir två personer den 25 januari.": the writer's party at this meeting by
 * its count, and after a comma who they are. Every word past the count
 * belongs to the count, the association, coming or the meeting's day: a
 * count in a story ("Vi är två föräldrar som har fått avslag.", "Det blir
 * tre veckor utan personal.", "Vi blir två familjer utan plats.") names
 * something else and stays. Read from the start only. */
static bool counts_attendance(const char *s)
{
	static const char *const leads[] = { "vi blir", "vi är", "det blir", "det kommer",
					     "vi kommer att vara", "vi kommer vara",
					     "vi kommer att bli", "vi kommer bli", NULL };
	static const char *const be[] = { "blir", "är", NULL };
	static const char *const party[] = { "vi", "det", NULL };
	static const char *const counts[] = { "två", "tre", "fyra", "fem", "sex", "båda",
					      "bägge", NULL };
	static const char *const come[] = { "kommer", "deltar", "närvarar", "medverkar", NULL };
	static const char *const from_words[] = { "från", NULL };
	static const char *const joins[] = { "och", "&", NULL };
	const char *r = NULL, *w, *e, *next, *rest;
	bool said = false, from = false;
	size_t len;
	int k;

	/* the cheap test first: "vi", "det" or "från" */
	if (strchr("vVdDfF", *s) == NULL)
		return false;
	if ((r = ci_word_prefix(s, "från")) != NULL) {
		/* "Från DHR blir vi två": the association takes at most four words */
		for (k = 0; k < 5 && (next = next_word(r, &w, &e)) != NULL; k++, r = next)
			if (word_in(w, e, be))
				break;
		if (k == 0 || k == 5 || next == NULL || (r = next_word(next, &w, &e)) == NULL ||
		    !word_in(w, e, party))
			return false;
		said = true;
	}
	else {
		for (const char *const *l = leads; *l != NULL && r == NULL; l++)
			if ((r = ci_word_prefix(s, *l)) != NULL)
				said = strcmp(*l, "vi är") != 0; /* "Vi är två." says nothing yet */
		if (r == NULL)
			return false;
	}
	if ((next = next_word(r, &w, &e)) == NULL ||
	    !(word_in(w, e, counts) || (*w >= '2' && *w <= '9' && e == w + 1)))
		return false;
	for (k = 0; e == next; k++) {
		if ((next = next_word(next, &w, &e)) == NULL)
			return said;
		said = true;
		if (k >= 12)
			return false;
		if (word_in(w, e, come))
			continue;
		if (word_in(w, e, from_words)) {
			/* the association, up to four words to the comma or the
			 * meeting */
			from = true;
			continue;
		}
		if (word_in(w, e, count_filler) || word_in(w, e, meeting_day) ||
		    (*w >= '0' && *w <= '9'))
			continue;
		if (!from || !(cp_is_upper(ex_u8_next(w, &len)) ||
			       word_in(w, e, association_words) || word_in(w, e, role_words) ||
			       word_in(w, e, joins)))
			return false;
	}
	/* ", jag och Kjell Berg.": who they are */
	if (*e != ',' && *e != ':')
		return said && *skip_blanks(next) == '\0';
	rest = skip_blanks(next);
	if (*rest == '\0')
		return true;
	return name_run(rest, &r) >= 1 && *skip_blanks(r) == '\0';
}

bool is_attendance(const char *s)
{
	static const char *const starts[] = { "anmälan:", "anmäler", "jag anmäler", "vi anmäler",
					      "närvaro:", "deltagare:", "ersättare:", "representant:",
					      "representanter:", "våra representanter i",
					      "vår representant i", "föreningens representanter i",
					      "från föreningen kommer",
					      "från oss kommer", "återbud", NULL };
	static const char *const anywhere[] = { "kan tyvärr inte", "kan inte närvara",
						"kan inte delta", "kan inte komma",
						"har förhinder", "får förhinder", "lämnar återbud",
						"meddelar återbud", "anmäler återbud",
						/* "Vår vice ordförande Eva Lund kommer i
						 * mitt ställe." */
						"i mitt ställe", "i mitt istället", "i stället för mig",
						"istället för mig", "ersätter mig", "i vårt ställe",
						/* "Helena kan tyvärr bara vara med till kl.
						 * 14.30 den dagen." */
						"bara vara med till", "bara stanna till",
						"måste gå tidigare", "behöver gå tidigare",
						"måste gå innan", "måste gå senast", "kommer lite senare",
						"kommer en stund senare",
						NULL };
	static const char *const new_member[] = { "tar över som", "ny representant",
						  "nya representant", "blir vår representant",
						  "är vår nya", NULL };
	/* "Eva har med sig mer information till mötet." */
	static const char *const bringing[] = { "har med sig", "tar med sig", "tar med", NULL };
	static const char *const to_meeting[] = { "till mötet", "på mötet", "till nästa möte",
						  NULL };
	static const char *const presence[] = {
		"närvara", "närvarar", "deltar", "delta på", "delta vid", "delta i mötet", "deltaga",
		"kommer på mötet", "kommer till mötet", "komma på mötet", "komma till mötet",
		"vara med på", "kommer att vara två", "kommer att vara tre", "kommer att vara en",
		"vara två", "vara tre", "kommer två", "kommer tre", "kommer båda", "kommer båda två",
		"kommer alla", "kommer alla tre", "kommer alla fyra",
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
	/* "Jag tar över som Neuros representant i LSS-samverkan efter Birgitta
	 * Holm från januari.": who represents the association from now */
	if (strstr(s, "epresentant") != NULL && contains_any(s, new_member) &&
	    !contains_word_any(s, not_attendance))
		return true;
	if (counts_attendance(s) && !contains_word_any(s, not_attendance))
		return true;
	/* "Jag kommer, och Åsa Lund följer med.": coming, said and done */
	for (const char *const *c = coming; strchr("jJvV", *s) != NULL && *c != NULL; c++) {
		const char *r = ci_word_prefix(s, *c);

		if (r != NULL && (*r == ',' || *r == '.' || *r == '!' || *r == '\0') &&
		    !contains_word_any(s, not_attendance))
			return true;
	}
	if ((writer_comes(s) || (starts_any(s, persons) && contains_any(s, presence))) &&
	    !contains_word_any(s, not_attendance))
		return true;
	/* "Jag har tyvärr förhinder den 10 december": an adverb may stand
	 * anywhere in the phrase, so the word itself, said by the writer */
	if (starts_any(s, persons) && contains_word_any(s, hindered) &&
	    !contains_word_any(s, not_attendance))
		return true;
	/* "Vi tar gärna med en medlem som kan visa problemen på mötet." */
	if (count_words(s) <= 18 && contains_word_any(s, to_meeting) &&
	    !contains_word_any(s, not_attendance) && ci_find(s, "med") != NULL) {
		char *bare = without_adverbs(s);
		bool brings = contains_word_any(bare, bringing);

		free(bare);
		if (brings)
			return true;
	}
	return names_attend(s, not_attendance);
}

/* what the meeting offers its participants: room, access, hearing,
 * interpreters, food */
static const char *const meeting_needs[] = {
	"möteslokal", "möteslokalen", "lokalen", "lokal", "salen", "sal", "rummet", "hiss",
	"hissen", "tolk", "tolken", "tolkar", "tolkarna", "teckentolk", "teckentolkar",
	"teckenspråkstolk", "teckenspråkstolkar", "teckenspråkstolken", "skrivtolk",
	"skrivtolkar", "skrivtolken", "skrivtolkning", "hörslinga", "hörslingan", "teleslinga", "teleslingan", "slingan",
	"mikrofon", "mikrofonen", "ramp", "rampen", "rullstol", "rullstolen", "ledsagare",
	"specialkost", "allergi", "allergier", "glutenfri", "laktosfri", "vegetarisk",
	"vegansk", "fika", "fikat", "parkering", "parkeringen", "handikapparkering",
	"handikapparkeringen", "parkeringsplats", "parkeringsplatsen", "handikapplats",
	"handikapplatsen", "parkera",
	/* "Jag äter vegetariskt.": what the attendee eats */
	"vegetariskt", "veganskt", "glutenfritt", "laktosfritt", "specialkosten", NULL
};

/* "Vi utgår från att hörslingan i sal Eken fungerar som vanligt.": a remark
 * on what the meeting offers that asks nothing */
bool is_practical_remark(const char *s)
{
	return count_words(s) <= 30 && contains_word_any(s, meeting_needs) && sentence_asks(s) == 0;
}

/* "Och fungerar hörslingan i sal Ekbacken nu?", "Finns det hiss?": a short
 * question on what the meeting offers, which beside a notice of who attends
 * or another practicality of the meeting in the same paragraph is about this
 * meeting's room, loop or interpreter and for the secretary to answer. The
 * same question as a matter ("Varför saknar kommunens lokaler hörslinga?",
 * "Kan kommunen alltid boka tolk?") names the municipality or asks why. */
bool is_needs_question(const char *s)
{
	static const char *const matter[] = { "varför", "kommunen", "kommunens",
					      "förvaltningen", "nämnden", "framöver",
					      "i fortsättningen", "alltid", "alla", "ta upp",
					      "tas upp", "fråga", "frågan", "frågor", NULL };
	/* a longer one that asks it for the writer or of the secretary: "Jag
	 * kör elrullstol ..., finns det en handikapparkering nära entrén som vi
	 * kan använda?", "Kan ni se till att hörslingan i sal Insikten fungerar
	 * och att det finns skrivtolk beställd?" */
	static const char *const own[] = { "jag", "vi", "oss", "mig", NULL };
	static const char *const asking[] = { "kan ni", "kan du", "skulle ni", "skulle du",
					      "går det att", NULL };
	size_t words;

	if (!has_question_mark(s) || (words = count_words(s)) > 30)
		return false;
	if (words > 15 && !starts_any(s, asking) && !contains_word_any(s, own))
		return false;
	return contains_word_any(s, meeting_needs) && !contains_word_any(s, matter);
}

static bool is_arranging_request(const char *s);

/* "En vattenskål vore bra.", "Det vore fint med en plats nära dörren.",
 * "Gärna en stol med armstöd.", "Vi skulle uppskatta en plats längst
 * fram.": a short wish, said as a statement, for a thing at the meeting.
 * Read only after a notice of who attends; a wish of the services ("Mer
 * personal vore bra.", "Det vore bra om kommunen svarade.") names more of
 * something, an answer or the municipality. */
static bool is_small_wish(const char *s, const char *const *demand, const char *const *matter)
{
	static const char *const wishing[] = { "vore bra", "vore fint", "vore skönt",
					       "vore toppen", "vore perfekt", "vore snällt",
					       "vore tacksam", "vore tacksamma", "vore uppskattat",
					       "vore välkommet", "vore jättebra", "vore praktiskt",
					       "skulle vara bra", "skulle vara skönt",
					       "skulle vara fint", "skulle uppskattas",
					       "skulle uppskatta", "uppskattas", NULL };
	static const char *const gladly[] = { "gärna", "helst", NULL };

	/* the cheap test first: every form has "vore", "skulle", "uppskatt",
	 * "gärna" or "helst" */
	if (ci_find(s, "vore") == NULL && ci_find(s, "skulle") == NULL &&
	    ci_find(s, "uppskatt") == NULL && !starts_any(s, gladly))
		return false;
	if (count_words(s) > 14 || ci_find(s, " om ") != NULL)
		return false;
	return (contains_any(s, wishing) || starts_any(s, gladly)) &&
	       !contains_word_any(s, demand) && !contains_word_any(s, matter);
}

/* "Ahmed använder rullstol, så vi vill gärna veta att hissen fungerar.",
 * "Vi vill försäkra oss om att hörslingan är på.", "Vi hoppas att det finns
 * parkering nära entrén.": beside a notice of who attends, the writer asks
 * in words to be sure of what the meeting offers, a "that", not a "why" or
 * "whether" of the services. A matter ("Vi vill veta att kommunen lagar
 * hissarna på gruppbostäderna.", "Vi hoppas att hissen på Kulturhuset
 * lagas.") names the municipality or a place of its services and stays. */
static bool is_meeting_assurance(const char *s)
{
	static const char *const assuring[] = {
		"veta att", "försäkra oss om att", "försäkra mig om att", "försäkra oss om",
		"försäkra mig om", "få bekräftat att", "ha bekräftat att", "få bekräftelse på att",
		"bekräfta att", "hoppas att", "kontrollera att", "kolla att", "se till att",
		"utgår från att", "räknar med att", "lita på att", NULL
	};
	static const char *const matter[] = {
		"varför", "kommunen", "kommunens", "förvaltningen", "nämnden", "regionen",
		"fråga", "frågan", "frågor", "ta upp", "tas upp", "alltid", "framöver",
		"i fortsättningen", "kulturhuset", "badhuset", "biblioteket", "simhallen",
		"gruppbostaden", "gruppbostäderna", "gruppbostäder", "skolan", "vårdcentralen",
		"stationen", "bussen", "bussarna", "färdtjänsten", "färdtjänst", "lägenheten",
		"bostaden", "hemmet", "boendet", "korttids", "verksamheten", "verksamheterna",
		"kommunala", "offentliga", "alla lokaler", NULL
	};

	/* the cheap tests first: one of the meeting's needs, said as a "that" */
	if (ci_find(s, "att") == NULL || count_words(s) > 30 ||
	    !contains_word_any(s, meeting_needs) || !contains_any(s, assuring))
		return false;
	return !contains_word_any(s, matter);
}

/* What a writer adds after saying who attends, in the same paragraph: the
 * attendee's needs and the meeting's practicalities ("Hon har rullstol, så
 * det vore bra om lokalen har hiss."), who comes instead or that another
 * cannot either ("Peter Holm från vår styrelse kommer i stället.", "Kent kan
 * inte heller så RSMH blir utan representant."), which are for the
 * secretary, not the agenda. */
bool is_attendance_detail(const char *s)
{
	static const char *const attendee[] = { "hon", "han", "hen", "båda", "bägge", NULL };
	static const char *const stand_in[] = { "i stället", "istället", "i hans ställe",
						"i hennes ställe", "ersätter", "ersättare",
						"representant", "kan inte heller", "kommer inte heller",
						"deltar inte heller", "har också förhinder",
						/* who comes along: "Min personliga assistent
						 * Elin följer med, så vi blir två.", "Bosse har
						 * med sig sin stödperson." */
						"följer med", "följer också med", "har med sig",
						"tar med sig", "så vi blir", NULL };
	/* "Jonas behöver sitta nära dörren och kan behöva ta en kort paus
	 * under mötet.": the attendee at this meeting, not a matter for it */
	static const char *const at_meeting[] = { "under mötet", "på mötet", "till mötet",
						  "vid mötet", NULL };
	/* "Vi behöver någon som möter oss vid entrén.", "Jag behöver också
	 * sitta nära dörren.": right after saying they come, what the writer
	 * needs there */
	static const char *const needing[] = { "vi behöver", "jag behöver", "vi skulle behöva",
					       "jag skulle behöva", "vi kommer att behöva",
					       "jag kommer att behöva", "vi kommer behöva",
					       "jag kommer behöva", NULL };
	/* what a need of the services says that one of the meeting does not:
	 * more of something, an answer, a talk, help with a matter ("Vi
	 * behöver fler platser på korttids.", "Vi behöver få svar om
	 * skolskjutsen.", "Vi behöver hjälp med att förstå de nya reglerna.") */
	static const char *const demand[] = { "mer", "mera", "fler", "flera", "bättre", "större",
					      "längre", "svar", "besked", "veta", "prata",
					      "diskutera", "personal", "hjälp med", "förstå",
					      "information", "stöd", "regler", "reglerna",
					      "beslut", NULL };
	/* "Förra gången var den trasig.", "Sist vi var där fick vi vänta i
	 * entrén.": how the room or the help worked last time, why the need
	 * just named matters; "Förra mötet lovade kommunen ..." names a matter
	 * and stays */
	static const char *const last_time[] = { "förra gången", "förra mötet", "förra träffen",
						 "förra sammanträdet", "senaste gången",
						 "senaste mötet", "sista gången", "sist vi",
						 "senast vi", NULL };
	/* a matter raised last time: "Förra mötet tog vi upp boendestödet
	 * och fick inget svar." */
	static const char *const followed_up[] = { "tog upp", "tog vi upp", "tog jag upp",
						   "lyfte", "lyftes", "svar", "svaret",
						   "besked", "lovades", NULL };
	static const char *const matter[] = { "fråga", "frågan", "frågor", "frågorna", "ta upp",
					      "tas upp", "tog upp", "lyfta", "dagordningen",
					      "kommunen", "nämnden", "förvaltningen", "lovade",
					      NULL };
	/* "Jag sitter i rullstol och kommer inte in på badhuset.": kept out of
	 * a place of the services is a story, not the meeting's room */
	static const char *const kept_out[] = { "kommer inte in", "kommer inte fram",
						"kan inte ta mig", "kan inte ta oss", "avslag",
						"nekad", "nekades", NULL };
	size_t words;

	if (contains_any(s, kept_out))
		return false;
	if (is_practical_remark(s) || is_needs_question(s) || is_arranging_request(s) ||
	    is_meeting_assurance(s))
		return true;
	if (sentence_asks(s) > 0 || (words = count_words(s)) > 30)
		return false;
	if (is_small_wish(s, demand, matter))
		return true;
	if (words <= 25 && contains_any(s, at_meeting) && !contains_word_any(s, matter))
		return true;
	if (starts_any(s, attendee) || (words <= 20 && contains_any(s, stand_in)))
		return true;
	if (words <= 20 && starts_any(s, needing) && !contains_word_any(s, matter) &&
	    !contains_word_any(s, demand))
		return true;
	return words <= 12 && contains_word_any(s, last_time) && !contains_word_any(s, matter) &&
	       !contains_word_any(s, followed_up);
}

/* Of an attendee (is_writer_detail(), is_attendee_detail()): the writer
 * among those a notice names, what tells a matter rather than a need at
 * the meeting, and what a person brings to a meeting, or needs or uses
 * there. */
static const char *const writer_present[] = { "jag", "vi", "mig", "oss", NULL };
static const char *const attendee_matter[] = {
	"fråga", "frågan", "frågor", "frågorna", "ta upp", "tas upp", "lyfta", "dagordningen",
	"kommunen", "kommunens", "nämnden", "förvaltningen", "varför", "dotter", "son", "barn",
	"bor", "beslut", "ansökan", NULL
};
static const char *const attendee_needs[] = {
	"behöver", "behöva", "med sig", "använder", "sitter i", "kör", "går med", "kommer med",
	"rullstol", "elrullstol", "permobil", "rollator", "ledarhund", "assistanshund",
	"allergisk", "äter", "hör dåligt", "ser dåligt", "hör inte", "ser inte", "döv", "blind",
	"teckenspråk",
	/* when they come and go: "Kjell och Lena kommer ca 20 min sent" */
	"sent", "senare", "försenad", "försenade", "gå tidigare", "går tidigare", "lämna mötet",
	"lämnar mötet", "gå före", "går före", NULL
};

/* "Till mötet kommer jag och Lars Öberg. Jag kör elrullstol och har med mig
 * min personliga assistent Emma.", "Vi kommer båda. Vi har ledarhund med
 * oss.", "Jag kommer på mötet. Min ledsagare sitter bredvid mig.": after a
 * notice in which the writer comes, what the writer (or their companion)
 * brings, uses or needs there. The writer's story ("Jag sitter i rullstol
 * och kommer inte in på badhuset.", "Jag kör elrullstol och har fått avslag
 * på färdtjänst.") is the background of a question and stays. */
static bool is_writer_detail(const char *s, bool writer_attends)
{
	static const char *const subject[] = { "jag", "vi", "min ledsagare", "vår ledsagare",
					       "min assistent", "min personliga assistent",
					       "vår assistent", "min stödperson", "min tolk",
					       "min hund", "min ledarhund", NULL };
	/* what the writer brings along, beside needs[] */
	static const char *const along[] = { "med mig", "med oss", "assistent", "stödperson",
					     "ledsagare", "hörapparat", "hörapparater", "käpp",
					     "vit käpp", NULL };
	/* a hindrance or a decision tells a story */
	static const char *const story[] = { "kommer inte", "kan inte", "kunnat", "får inte",
					     "fick inte", "avslag", "nekad", "nekades", "svårt",
					     "hemma", "skolan", "jobbet", "arbetet", NULL };

	/* the cheap tests first: "jag", "vi", "min", "vår" */
	if (!writer_attends || strchr("jJvVmM", *s) == NULL || !starts_any(s, subject))
		return false;
	return count_words(s) <= 25 && sentence_asks(s) == 0 &&
	       (contains_word_any(s, attendee_needs) || contains_word_any(s, along) ||
		contains_word_any(s, meeting_needs)) &&
	       !contains_word_any(s, attendee_matter) && !contains_word_any(s, story);
}

bool is_own_need(const char *s)
{
	return is_writer_detail(s, true);
}

/* "Från SRF kommer jag och Birgitta Ahl. Birgitta har ledarhund med sig.",
 * "Till mötet kommer jag och Johan Ek. Johan behöver sitta nära dörren.":
 * after a notice of who attends, a sentence whose subject is someone it
 * named, by first name, and that says what that attendee brings, uses or
 * needs. The name must stand in the notice past its first word and be no
 * association ("Från FUB kommer Eva. FUB har länge ..."). The attendee's
 * story ("Per har en dotter på Björken där personalen har slutat.") is the
 * background of a question, and a matter ("Eva har sett att kommunen ...")
 * is one: both stay. */
bool is_attendee_detail(const char *s, const char *attendance)
{
	const char *w, *e, *aw, *ae, *next;
	size_t n, len;

	if (attendance != NULL && is_writer_detail(s, contains_word_any(attendance, writer_present)))
		return true;
	/* the cheap tests first: a capital and a lowercase letter */
	if (attendance == NULL || next_word(s, &w, &e) == NULL || e - w < 3 ||
	    !cp_is_upper(ex_u8_next(w, &n)) || !cp_is_lower(ex_u8_next(w + n, &n)))
		return false;
	len = (size_t)(e - w);
	/* the name in the notice, case and all, past its first word */
	next = next_word(attendance, &aw, &ae);
	do {
		if (next == NULL || (next = next_word(next, &aw, &ae)) == NULL)
			return false;
	} while ((size_t)(ae - aw) != len || memcmp(aw, w, len) != 0);
	return !word_in(w, e, association_words) && sentence_asks(s) == 0 &&
	       count_words(s) <= 30 &&
	       (contains_word_any(s, attendee_needs) || contains_word_any(s, meeting_needs)) &&
	       !contains_word_any(s, attendee_matter);
}

/* "Jag kommer ensam den här gången och behöver parkera nära entrén, går
 * det att reservera en handikapplats?", "Vi kommer två, finns det hiss?":
 * who attends and, after a comma, a short question on what the meeting
 * offers, written as one sentence, whose '?' hides the notice from
 * is_attendance(). A notice that goes on to a matter ("Jag kommer på
 * mötet, men varför har kommunen ...?") fails is_needs_question(). */
bool is_attendance_need(const char *s)
{
	const char *comma = s;
	bool hit = false;

	/* the cheap tests first: every notice the writer gives of themselves
	 * or their association starts "jag", "vi" or "från" */
	if (strchr("jJvVfF", *s) == NULL || strstr(s, ", ") == NULL || !has_question_mark(s))
		return false;
	for (int k = 0; k < 4 && !hit && (comma = strstr(comma, ", ")) != NULL; k++) {
		char *lead;

		comma += 2;
		if (!is_needs_question(comma) && !is_back_request(comma))
			continue;
		lead = xstrndup(s, (size_t)(comma - 2 - s));
		hit = is_attendance(lead);
		free(lead);
	}
	return hit;
}

/* "Går det att delta via Teams den här gången?" after "Vi har svårt att
 * komma på mötet den 16:e": how the writer may take part in this meeting
 * from afar, which the secretary answers. The meetings as a matter ("Varför
 * kan inte kommunens möten sändas digitalt?") name the municipality or ask
 * why. Read only after a notice of who attends. */
bool is_remote_question(const char *s)
{
	static const char *const remote[] = { "teams", "zoom", "digitalt", "distans",
					      "på distans", "länk", "länken", "teams-länk",
					      "teams-länken", "uppkopplad", "koppla upp",
					      "ansluta", NULL };
	static const char *const matter[] = { "varför", "kommunen", "kommunens",
					      "förvaltningen", "nämnden", "framöver",
					      "i fortsättningen", "alltid", "brukare",
					      "brukarna", NULL };

	return has_question_mark(s) && count_words(s) <= 20 && contains_word_any(s, remote) &&
	       !contains_word_any(s, matter);
}

/* "Börjar mötet kl. 13.00 eller 13.30?", "Var hålls mötet?", "Finns det en
 * Teams-länk till mötet?", "Kan ni boka skrivtolk till mötet?": when and
 * where this meeting is held and what it offers, which the secretary
 * answers or arranges by return mail. The meetings as a matter ("Kan mötena
 * hållas på kvällstid?", "Varför byttes lokalen?") and a request for time
 * on the agenda ("Kan vi ta upp ... på mötet kl. 14?") stay questions. */
bool is_meeting_practical(const char *s)
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
	if (!contains_word_any(s, meeting) || contains_word_any(s, matter))
		return false;
	if (has_clock_time(s) || contains_word_any(s, practical))
		return true;
	/* "Per behöver skrivtolk, kan ni boka det till mötet?": what this
	 * meeting offers; not "mötet med regionen", another meeting */
	return contains_word_any(s, meeting_needs) && ci_find(s, "mötet med") == NULL &&
	       ci_find(s, "träffen med") == NULL;
}


/* "Skicka gärna Teams-länken till mig ändå så lyssnar jag in.", "Kan jag
 * få länken?": the link to this meeting, for the writer. */
static bool is_link_request(const char *s)
{
	static const char *const links[] = { "länken", "länk", "teams-länken", "teams-länk",
					     "zoom-länken", "zoomlänken", "teamslänken",
					     "möteslänken", "möteslänk", NULL };
	static const char *const asks[] = { "skicka", "maila", "mejla", "kan du skicka",
					    "kan ni skicka", "kan jag få", "kan vi få", "får jag",
					    "får vi", "jag vill ha", "vi vill ha", "jag behöver",
					    "vi behöver", "jag skulle vilja ha", "vi skulle vilja ha",
					    NULL };
	static const char *const matter[] = { "varför", "kommunen", "kommunens", "förvaltningen",
					      "brukare", "brukarna", "medlemmar", "medlemmarna", NULL };

	return count_words(s) <= 25 && starts_any(s, asks) && contains_word_any(s, links) &&
	       !contains_word_any(s, matter);
}
/* "Vi behöver skrivtolk på mötet.", "Dagordningen vill jag gärna ha i
 * Word-format i förväg, eftersom jag använder skärmläsare.", "Kan ni skicka
 * handlingarna i Word-format?": what the writer needs at this meeting or of
 * its papers, for the secretary to arrange. Interpreters and documents in
 * the municipality's services ("Varför får inte synskadade sina beslut i
 * Word-format?", "Kan kommunen alltid boka tolk?") are a matter. */
bool is_meeting_request(const char *s)
{
	static const char *const meeting[] = { "mötet", "samverkansmötet", "sammanträdet",
					       "träffen", NULL };
	static const char *const needing[] = { "behöver", "behov av", "önskar", "vill ha",
					       "vill gärna ha", "måste ha", "använder", NULL };
	/* the papers of the meeting, not of a case */
	static const char *const papers[] = { "dagordningen", "handlingarna",
					      "möteshandlingarna", "kallelsen", "underlaget",
					      "mötesunderlaget", "materialet",
					      "minnesanteckningarna", "mötesanteckningarna",
					      "anteckningarna", NULL };
	static const char *const formats[] = { "word-format", "wordformat", "i word", "word-fil",
					       "wordfil", "som word", "punktskrift", "storstil",
					       "stor stil", "lättläst", "tillgängligt format",
					       "tillgänglig form", "skärmläsare", "i förväg",
					       "ljudfil", "inläst", "uppläst", "digitalt format",
					       NULL };
	/* "Jag hittar inte mötesanteckningarna från novembermötet, kan du
	 * skicka dem igen?": the papers once more to the writer.
	 * "När kommer protokollet, vi har inte fått något" asks when the
	 * council publishes it, a matter. */
	static const char *const resend[] = { "skicka om", "hittar inte", "hittar dem inte",
					      "hittar den inte", "hittar det inte", NULL };
	static const char *const minutes[] = { "protokollet", "protokollen", NULL };
	static const char *const matter[] = { "varför", "kommunen", "kommunens", "förvaltningen",
					      "nämnden", "beslut", "besluten", "alltid",
					      "framöver", "i fortsättningen", "ta upp", "tas upp",
					      "fråga", "frågan", "frågor", NULL };

	/* "länk" stands inside the sentence, which starts with the asking */
	if (strchr("sSmMkKfFjJvV", *s) != NULL && strstr(s, "länk") != NULL &&
	    is_link_request(s))
		return true;
	/* the cheap test first: most sentences name neither */
	if (ci_find(s, "mötet") == NULL && ci_find(s, "sammanträdet") == NULL &&
	    ci_find(s, "träffen") == NULL && ci_find(s, "dagordning") == NULL &&
	    ci_find(s, "handling") == NULL && ci_find(s, "kallelse") == NULL &&
	    ci_find(s, "underlag") == NULL && ci_find(s, "material") == NULL &&
	    ci_find(s, "anteckning") == NULL && strstr(s, "rotokoll") == NULL)
		return false;
	if (count_words(s) > 25 || contains_word_any(s, matter))
		return false;
	if (contains_word_any(s, meeting) && contains_word_any(s, meeting_needs) &&
	    contains_word_any(s, needing) && ci_find(s, "mötet med") == NULL)
		return true;
	if (!contains_word_any(s, papers) && !contains_word_any(s, minutes))
		return false;
	return contains_any(s, formats) || contains_any(s, resend) ||
	       (ci_find(s, "skicka") != NULL && contains_word(s, "igen"));
}

/* "sen undrar jag om man får komma på mötet fast man inte är ordförande",
 * "Får vi vara två från föreningen på mötet?": whether the writer may
 * attend this meeting, which the secretary answers. Who may attend the
 * meetings as a matter ("Varför får inte brukarna själva delta på mötena?")
 * names the meetings or asks why. */
bool is_attendance_question(const char *s)
{
	static const char *const may_attend[] = {
		"får komma på mötet", "får komma till mötet", "får delta på mötet",
		"får delta i mötet", "får delta vid mötet", "får närvara på mötet",
		"får närvara vid mötet", "får vara med på mötet", "kan komma på mötet",
		"kan komma till mötet", "kan delta på mötet", "kan delta i mötet", NULL
	};
	/* "Kan vi få komma på mötet i juni?", "Vi vill vara med på mötet och
	 * berätta själva.", "Går det bra att vi kommer till mötet?": the
	 * writer wishing or asking to attend, in whatever modal; the verb and
	 * the meeting, then a modal or a question anywhere in the sentence */
	static const char *const attend[] = {
		"komma på mötet", "komma till mötet", "komma med på mötet", "vara med på mötet",
		"vara med vid mötet", "vara med i mötet", "delta på mötet", "delta i mötet",
		"delta vid mötet", "närvara på mötet", "närvara vid mötet", "sitta med på mötet",
		"kommer på mötet", "kommer till mötet", "är med på mötet", "deltar på mötet",
		"deltar i mötet", NULL
	};
	static const char *const modal[] = { "få", "får", "kan", "vill", "vilja", "önskar",
					     "gärna", "går det", "möjligt", "hoppas", NULL };
	static const char *const writer[] = { "jag", "vi", "man", NULL };
	static const char *const matter[] = { "varför", "kommunen", "nämnden", "förvaltningen",
					      "brukare", "brukarna", "ta upp", "tas upp", "fråga",
					      "frågan", "frågor", NULL };

	/* the cheap test first: every form names the meeting */
	if (ci_find(s, "mötet") == NULL || count_words(s) > 30)
		return false;
	if (!contains_word_any(s, writer) || contains_word_any(s, matter))
		return false;
	return contains_any(s, may_attend) ||
	       (contains_any(s, attend) && contains_word_any(s, modal));
}

/* "Jag har inte beställt någon själv, kan du boka via tolkcentralen som
 * förra gången?", "Kan ni ordna en plats nära dörren?", "Skulle du kunna
 * reservera en handikapparkering åt oss?": the secretary asked to arrange
 * what the writer just said they need at the meeting. Read only beside such
 * a need; a matter ("Kan kommunen ordna tolk vid LSS-handläggningen?",
 * "Kan ni ordna så att fler får plats?") names the services or asks for
 * more. */
static bool is_arranging_request(const char *s)
{
	static const char *const asking[] = { "kan du", "kan ni", "skulle du", "skulle ni",
					      "vill du", "vill ni", "hinner du", "hinner ni",
					      "går det att", "är det möjligt att", NULL };
	static const char *const arranging[] = { "boka", "bokar", "beställa", "beställer",
						 "ordna", "ordnar", "fixa", "fixar", "reservera",
						 "reserverar", "ställa fram", "ta fram", "se till",
						 "sätta fram", "hålla en plats", "ta med", NULL };
	static const char *const matter[] = { "varför", "kommunen", "kommunens", "förvaltningen",
					      "nämnden", "regionen", "handläggare", "handläggaren",
					      "handläggningen", "möte med", "tid hos", "ta upp",
					      "tas upp", "fråga", "frågan", "frågor", "fler", "mer",
					      "alltid", "framöver", "i fortsättningen", NULL };

	/* the cheap tests first */
	if (!has_question_mark(s) || count_words(s) > 25)
		return false;
	return contains_word_any(s, asking) && contains_word_any(s, arranging) &&
	       !contains_word_any(s, matter);
}

/* "Kan ni beställa det, eller ska vi göra det själva?": a short question
 * that points back at what the writer just said they need or corrected;
 * "Vilket gäller?", "Stämmer det?" in a few words point back too, and so
 * does a request to arrange it (is_arranging_request()). */
bool is_back_request(const char *s)
{
	static const char *const starts[] = { "kan ni", "kan du", "skulle ni", "skulle du",
					      "går det", "ska vi", "vem", "hur gör vi", NULL };
	static const char *const back[] = { "det", "den", "dem", "detta", NULL };
	static const char *const matter[] = { "varför", "kommunen", "kommunens", "förvaltningen",
					      "nämnden", NULL };
	size_t words;

	if (!has_question_mark(s))
		return false;
	if (is_arranging_request(s))
		return true;
	if ((words = count_words(s)) > 15 || contains_word_any(s, matter))
		return false;
	return words <= 3 || (starts_any(s, starts) && contains_word_any(s, back));
}

/* "Punkt 4.3 och punkt 4.4 hänger ihop.", "Kanske kan de tas upp efter
 * varandra som en punkt?": how the agenda's items are arranged, which the
 * secretary decides, not a question for the meeting. */
bool is_agenda_arrangement(const char *s)
{
	static const char *const arranging[] = {
		"hänger ihop", "efter varandra", "slå ihop", "slås ihop", "slå samman",
		"slås samman", "som en punkt", "som en gemensam punkt", "som en och samma punkt",
		"i samma punkt", "under samma punkt", "byta plats", "byter plats",
		"i omvänd ordning", "i en annan ordning", "ändra ordningen", "ändra ordning",
		"flytta punkt", "flyttas till", "flyttas upp", "flyttas fram", "flytta upp",
		"flytta fram", "tidigare på dagordningen", "först på dagordningen",
		"sist på dagordningen", "tas upp tillsammans", "behandlas tillsammans",
		"tas upp först", "tas upp sist", NULL
	};
	static const char *const items[] = { "punkt", "punkten", "punkter", "punkterna",
					     "dagordningen", "dagordning", NULL };

	/* "Vi saknar vår fråga om de digitala trygghetslarmen, som jag mejlade
	 * hit den 27 maj.", "Den finns inte med under punkt 4.": a question
	 * sent and missing from the agenda */
	static const char *const missing[] = { "vi saknar vår fråga", "jag saknar min fråga",
					       "vi saknar våra frågor", "vår fråga saknas",
					       "våra frågor saknas", "min fråga saknas",
					       "den finns inte med under punkt",
					       "den finns inte med på dagordningen",
					       "den kom inte med på dagordningen",
					       "den har inte kommit med", NULL };

	/* the cheap test first: each starts with one of these letters */
	if (strchr("vVjJdDmM", *s) != NULL &&
	    (strstr(s, "akna") != NULL || strstr(s, "inte med") != NULL)) {
		if (!has_question_mark(s) && count_words(s) <= 25 && contains_any(s, missing))
			return true;
	}
	/* the cheap test first: every form names an item or the agenda */
	if ((ci_find(s, "punkt") == NULL && ci_find(s, "dagordning") == NULL) ||
	    count_words(s) > 30 || ci_word_prefix(s, "varför") != NULL)
		return false;
	return contains_word_any(s, items) && contains_word_any(s, arranging);
}

/* "Jag fick den här adressen av en bekant som är med i FUB.", "Min
 * handläggare tipsade mig om att skriva hit.", "Jag hittade er adress på
 * kommunens hemsida.", "Jag blev hänvisad till er av kundtjänst.": how the
 * writer came to write to the council, which tells the secretary nothing
 * the From line does not. The address of a service ("Jag hittade inte
 * adressen till korttidshemmet") names no mailbox of the council's, and a
 * story ("..., men sedan fick vi avslag") goes on to the matter. */
static bool is_how_found(const char *s)
{
	static const char *const council[] = {
		"den här adressen", "denna adress", "den här e-postadressen",
		"den här mejladressen", "den här mailadressen", "er adress", "er e-postadress",
		"er mejladress", "er mailadress", "adressen hit", "adressen till er",
		"adressen till lss-samverkan", "skriva hit", "mejla hit", "maila hit",
		"skicka hit", "höra av mig hit", "höra av mig till er", "vända mig hit",
		"vända mig till er", "vända oss till er", "skriva till er", "mejla er",
		"maila er", "hänvisad hit", "hänvisad till er", "hänvisade mig hit",
		"hänvisade mig till er", "skicka frågor hit", "skicka min fråga hit", NULL
	};
	static const char *const learning[] = { "fick", "fått", "hittade", "hittat", "tipsade",
						"tipsat", "tips", "tipset", "rekommenderade",
						"rekommenderat", "rekommenderad", "sa", "sade",
						"berättade", "hänvisade", "hänvisat", "hänvisad",
						"föreslog", "uppmanade", "såg", "läste", "kunde",
						"kan", NULL };
	static const char *const story[] = { "men", "eftersom", "därför", "varför", "beslut",
					     "avslag", "dotter", "son", "barn", "inte", NULL };

	/* the cheap test first, on bytes, as it runs on every sentence: every
	 * form has "adress", "hit" or "er" after a verb */
	if (strstr(s, "adress") == NULL && strstr(s, " hit") == NULL &&
	    strstr(s, "till er") == NULL && strstr(s, "la er") == NULL)
		return false;
	return contains_any(s, council) && contains_word_any(s, learning) &&
	       !contains_word_any(s, story) && sentence_asks(s) == 0;
}

/* "Jag är inte med i någon förening själv men hoppas att ni kan ta upp min
 * fråga ändå.", "Vi tillhör ingen förening.": the writer writes as no
 * association's, which triage decides from the sender; a story beside it
 * ("..., men vår son har fått avslag") stays. */
static bool is_no_member(const char *s)
{
	static const char *const persons[] = { "jag", "vi", NULL };
	static const char *const none[] = { "inte med i någon förening", "inte medlem i någon",
					    "inte medlemmar i någon", "inte med i föreningen",
					    "inte medlem i föreningen", "inte ansluten till någon",
					    "tillhör ingen förening", "inte med i något förbund",
					    "inte organiserad", "inte organiserade", NULL };
	static const char *const story[] = { "dotter", "son", "barn", "beslut", "avslag",
					     "varför", NULL };

	/* the cheap tests first, on bytes */
	if (strchr("jJvV", *s) == NULL ||
	    (strstr(s, "förening") == NULL && strstr(s, "förbund") == NULL &&
	     strstr(s, "organiserad") == NULL && strstr(s, "medlem") == NULL))
		return false;
	return starts_any(s, persons) && contains_any(s, none) &&
	       !contains_word_any(s, story);
}

/* In what capacity the writer writes, not the matter: "Jag är medlem i FUB
 * men skriver privat, jag har pratat med Anna om det.", "Jag skriver å egna
 * vägnar.", how they came to write (is_how_found()), that they write for no
 * association (is_no_member()). Triage decides about the sender; the agenda
 * needs none of it. */
bool is_capacity(const char *s)
{
	static const char *const capacity[] = { "privat", "som privatperson", "egna vägnar",
						"eget namn", "egen räkning", "egen del", NULL };

	bool skriv = ci_find(s, "skriv") != NULL;

	/* the cheap tests first: most sentences say nothing of writing, an
	 * address or an association */
	if (!skriv && strstr(s, "adress") == NULL && strstr(s, " hit") == NULL &&
	    strstr(s, "till er") == NULL && strstr(s, "la er") == NULL &&
	    strstr(s, "förening") == NULL && strstr(s, "förbund") == NULL &&
	    strstr(s, "organiserad") == NULL && strstr(s, "medlem") == NULL)
		return false;
	if (has_question_mark(s) || count_words(s) > 25)
		return false;
	if (skriv && (contains_word(s, "skriver") || contains_word(s, "skrivit")) &&
	    contains_word_any(s, capacity))
		return true;
	return is_how_found(s) || is_no_member(s);
}

/* What follows the lead of a self-introduction says only who the writer is
 * ("och är ny i styrelsen för Autism- och Aspergerföreningen", "förälder
 * och styrelseledamot i RBU"), in a few words that tell nothing of a child,
 * a service or a worry: no relation ("mamma till Alva"), no story ("har MS
 * sedan många år", "som bor på Linden"), no matter ("oroliga över ...").
 * org: the lead named an organisation ("på uppdrag av"), which a relative
 * clause may describe ("Attention, som inte har någon anställd själva"). */
static bool says_only_who(const char *rest, bool org)
{
	static const char *const telling[] = {
		"till", "med", "men", "eftersom", "därför", "när", "där", "över", "om",
		"kring", "angående", "gällande", "min", "mitt", "mina", "dotter", "son",
		"barn", "bror", "syster", "mamma", "pappa", "make", "maka", "sambo", "medlem",
		"medlemmar", "brukare", "oro", "orolig", "oroliga", NULL
	};
	static const char *const story[] = { "har", "hade", "som", NULL };

	return count_words(rest) <= (org ? 12 : 10) && !contains_word_any(rest, telling) &&
	       (org || !contains_word_any(rest, story));
}

/* A writer introducing themselves: "Jag heter Nadia Karimi och är ny i
 * styrelsen.", "Jag skriver som förälder och styrelseledamot i RBU.", "Jag
 * skriver på uppdrag av Attention Exempelstad, som inte har någon anställd
 * själva.", "Det här är första gången jag skriver till LSS-samverkan." Who
 * writes is in the From line and the signature; as the start of a question
 * it hides the matter and once made its title. An introduction that goes on
 * to the writer's child or story ("Jag heter Amina min dotter har autism",
 * "Jag är mamma till Alva, 23 år, ...") is background and stays. */
bool is_self_intro(const char *s)
{
	static const char *const named[] = { "jag heter", "mitt namn är", NULL };
	static const char *const capacity[] = { "jag skriver som", "vi skriver som",
						"jag skriver i egenskap av",
						"jag skriver här som", NULL };
	static const char *const on_behalf[] = { "jag skriver på uppdrag av",
						 "jag skriver å", "jag skriver för", NULL };
	static const char *const first_time[] = { "första gången jag skriver",
						  "första gången vi skriver",
						  "första gången jag hör av mig",
						  "första gången jag mejlar",
						  "första gången jag mailar",
						  "första gången jag skickar", NULL };
	/* "Jag är ny i styrelsen", "Jag är förälder och sitter i RBU:s
	 * styrelse": the writer's place in the association */
	static const char *const places[] = { "ny", "nyvald", "nybliven", "förälder",
					      "ordförande", "vice ordförande", "sekreterare",
					      "kassör", "ledamot", "styrelseledamot", "suppleant",
					      "ersättare", "ombud", "kontaktperson för", NULL };
	const char *r, *rest;

	/* the cheap test first: every form has "jag", "vi" or "gången" */
	if (has_question_mark(s) || count_words(s) > 30 ||
	    (strchr("jJvVmM", *s) == NULL && ci_find(s, "första gången") == NULL) ||
	    sentence_asks(s) > 0)
		return false;
	if (contains_any(s, first_time))
		return true;
	for (const char *const *l = named; *l != NULL; l++)
		if ((r = ci_word_prefix(s, *l)) != NULL) {
			if (name_run(skip_blanks(r), &rest) == 0)
				return false;
			return says_only_who(rest, false);
		}
	for (const char *const *l = capacity; *l != NULL; l++)
		if ((r = ci_word_prefix(s, *l)) != NULL)
			return says_only_who(r, false);
	for (const char *const *l = on_behalf; *l != NULL; l++) {
		/* "för FUB", "å föreningens vägnar", "för styrelsens räkning";
		 * "för att ..." is a reason */
		if ((r = ci_word_prefix(s, *l)) == NULL || ci_word_prefix(skip_blanks(r), "att"))
			continue;
		r = skip_blanks(r);
		if (strcmp(*l, "jag skriver på uppdrag av") != 0 &&
		    ci_find(r, "vägnar") == NULL && ci_find(r, "räkning") == NULL &&
		    !contains_word_any(r, association_words))
			return false;
		return says_only_who(r, true);
	}
	if ((r = ci_word_prefix(s, "jag är")) != NULL && starts_any(skip_blanks(r), places))
		return says_only_who(r, false);
	/* "Jag sitter i RSMH Exempelstads styrelse och skriver för föreningens
	 * räkning.": a seat on a board, not in a wheelchair */
	if ((r = ci_word_prefix(s, "jag sitter i")) != NULL ||
	    (r = ci_word_prefix(s, "jag sitter med i")) != NULL) {
		r = skip_blanks(r);
		if (ci_find(r, "styrelse") == NULL && ci_find(r, "valberedning") == NULL)
			return false;
		return says_only_who(r, true);
	}
	return false;
}

/* "Vi har inga frågor den här gången.", "Inget att ta upp från oss." */
bool is_no_questions(const char *s)
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
		/* "Vi har inget mer att lägga till.": a reply with nothing to add */
		"inget mer att lägga till", "inget att lägga till", "inget att tillägga",
		"inget mer att tillägga", "inget ytterligare att tillägga",
		"inget mer att ta upp", "inget mer från oss", "inga fler synpunkter",
		"inga frågor från oss", "avstår från att ställa",
		/* a reply to the minutes: "Vi har inget att rätta." */
		"inget att rätta", "inget att ändra", "inga rättelser", "inga ändringar",
		"inget att invända", "inga invändningar", NULL
	};

	const char *comma;
	char *clause;
	bool none_said;

	if (sentence_asks(s) != 0 || starts_any(s, others))
		return false;
	if (count_words(s) <= 14)
		return contains_any(s, none);
	/* "Vi i RSMH har inga frågor till det här mötet, det vi tog upp i juni
	 * har ni redan svarat på.": why, after the comma */
	if ((comma = strchr(s, ',')) == NULL)
		return false;
	clause = xstrndup(s, (size_t)(comma - s));
	none_said = count_words(clause) <= 14 && contains_any(clause, none);
	free(clause);
	return none_said;
}

bool is_privacy_request(const char *s)
{
	static const char *const asked[] = {
		"vill vara anonym", "vill förbli anonym", "önskar vara anonym", "vill vara anonyma",
		"får vara anonym", "vara anonym", "hållas anonym", "ta bort namnet",
		"ta bort hennes namn", "ta bort hans namn", "ta bort deras namn", "ta bort mitt namn",
		"utan namn", "utan hennes namn", "utan hans namn", "utan mitt namn", "stryk namnet",
		"inte skriva ut namnet", "inte ha med namnet", "inte nämna namnet",
		"nämn inte namnet", "inte med namn", NULL
	};
	/* "Hur hanteras anonyma klagomål?" is a matter */
	static const char *const matter[] = { "varför", "hur", "kommunen", "klagomål", NULL };

	/* the cheap test first */
	if (strstr(s, "anonym") == NULL && strstr(s, "namn") == NULL)
		return false;
	return count_words(s) <= 30 && contains_word_any(s, asked) &&
	       !contains_word_any(s, matter);
}

/* A request about the council's mailing list ("Var snäll och ta bort mig
 * från er sändlista", "Jag vill inte längre få utskicken"): for the
 * secretary, not the agenda. */
bool is_list_request(const char *s)
{
	static const char *const lists[] = { "sändlista", "utskickslista", "e-postlista",
					     "mejllista", "maillista", "mailinglista",
					     "distributionslista", "avregistrera", "vill inte längre få",
					     NULL };

	/* a notice of new contact details, said as a statement */
	static const char *const contacts[] = { "nya kontaktuppgifter", "ny e-postadress",
						"nya e-postadress", "byter e-postadress", NULL };

	/* "Vi skulle gärna vilja vara med i LSS-samverkan framöver, så hör
	 * gärna av er.", "Kan vår förening få ingå i rådet?": the writer's
	 * own association joining the council, which the secretary answers;
	 * "Varför får inte RSMH vara med i rådet?" is a matter for it */
	static const char *const joining[] = { "vara med i", "bli medlem i", "bli medlemmar i",
					       "ingå i", "gå med i", "komma med i", "bli en del av",
					       "få plats i", "delta i", NULL };
	static const char *const councils[] = { "samverkan", "rådet", "samrådet",
						"funktionshinderrådet", "samverkansgruppen",
						"samverkansmötena", "lss-samverkan", NULL };
	static const char *const wish[] = { "vill", "vilja", "önskar", "hoppas", "gärna", "få",
					    "får", "intresserade", "intresse", NULL };
	static const char *const own[] = { "vi", "jag", "oss", "vår förening", "föreningen",
					   NULL };
	static const char *const matter[] = { "varför", "inte", "kommunen", "brukare",
					      "brukarna", NULL };

	if (count_words(s) > 30)
		return false;
	if (contains_any(s, lists) || (!has_question_mark(s) && contains_any(s, contacts)))
		return true;
	/* the cheap test first: every form names joining */
	return (ci_find(s, "samverk") != NULL || ci_find(s, "råd") != NULL) &&
	       contains_any(s, joining) && contains_stem_any(s, councils) &&
	       contains_word_any(s, wish) && contains_word_any(s, own) &&
	       !contains_word_any(s, matter);
}

/* The council's papers and their parts, as a correction names them, and
 * how it says what they say (papers_wrong(), is_papers_denied()). */
static const char *const council_papers[] = {
	"dagordningen", "anteckningarna", "minnesanteckningarna", "mötesanteckningarna",
	"protokollet", "kallelsen", "bekräftelsen", "utskicket", "punkt", "punkten",
	"närvarande", "närvarolistan", "deltagarlistan", NULL
};
static const char *const papers_saying[] = {
	"står det", "det står", "står att", "står också att", "står det också", "har det blivit",
	"har ni skrivit", "har du skrivit", "är det skrivet", NULL
};

/* "I dagordningen står det att vår fråga kommer från Grannby, men det är vi
 * i Exempelstad som har skickat den.", "I punkt 4.3 står det 1 juli, det ska
 * vara 1 augusti.": what the council's own papers say, and that it is
 * wrong, without the word "rättelse". What the minutes say the
 * municipality was to do and did not ("I protokollet står det att kommunen
 * skulle återkomma, men vi har inte fått något svar.") is a question, and
 * so is what a decision says ("I beslutet står det fel antal timmar"),
 * which is no paper of the council's. */
static bool papers_wrong(const char *s)
{
	static const char *const wrong[] = { "fel", "felaktigt", "felaktig", "ska vara",
					     "skall vara", "ska stå", "skall stå", "borde stå",
					     "stämmer inte", "inte stämmer", "inte rätt",
					     "egentligen", NULL };
	/* "..., men den gäller Eken.", "..., men det var FUB som ställde
	 * den.": a contrast corrects what the papers say of the writer or an
	 * association; "..., men problemen finns kvar" follows up a matter */
	static const char *const whose[] = { "vi", "oss", "jag", "mig", "vår", "vårt", "våra",
					     "min", "mitt", "mina", NULL };
	/* what the papers say was to be done, followed up: "... att
	 * handläggarna ska gå en utbildning, men ingen har gått den" */
	static const char *const matter[] = { "kommunen", "kommunens", "förvaltningen",
					      "nämnden", "svar", "svaret", "besvaras",
					      "återkomma", "återkommer", "lovade", "utlovade",
					      "skulle", "utreda", "utredas", "hört", "hänt",
					      "ännu", "fortfarande", "ingen", "inget", "inga",
					      "aldrig", NULL };
	static const char *const to_be[] = { "ska vara", "skall vara", "ska stå", "skall stå",
					     NULL };

	/* the cheap test first, on bytes, as it runs on every sentence: every
	 * form has "står", "skriv" or "blivit", capitalised or not */
	if (strstr(s, "tår") == NULL && strstr(s, "kriv") == NULL && strstr(s, "blivit") == NULL)
		return false;
	if (has_question_mark(s) || count_words(s) > 40 || !contains_word_any(s, council_papers) ||
	    !contains_any(s, papers_saying) || contains_word_any(s, matter))
		return false;
	if (!contains_word_any(s, wrong) &&
	    !(contains_word(s, "men") &&
	      (contains_word_any(s, whose) || contains_word_any(s, association_words))))
		return false;
	/* "ska" plans, unless it says what the text should be */
	if ((contains_word(s, "ska") || contains_word(s, "skall")) &&
	    !contains_word_any(s, to_be))
		return false;
	return sentence_asks(s) == 0;
}

/* "En rättelse: under punkt 5 står det att ...", "Två små rättelser: jag
 * heter Lindholm": a correction of the minutes or the agenda, for the
 * secretary, not a question for the agenda. What follows it in its
 * paragraph goes with it. */
/* "I anteckningarna under punkt 4.8 står det att DHR var nöjda med
 * svaret." and then "Det stämmer inte riktigt.": what the papers say,
 * denied by the writer in the sentence after it (prev, then s). */
bool is_papers_denied(const char *prev, const char *s)
{
	static const char *const denials[] = { "det stämmer inte", "det stämmer tyvärr inte",
					       "det är fel", "det är inte rätt", "det blev fel",
					       "det var fel", "det är inte riktigt rätt", NULL };

	return count_words(s) <= 8 && !has_question_mark(s) && starts_any(s, denials) &&
	       !has_question_mark(prev) && contains_word_any(prev, council_papers) &&
	       contains_any(prev, papers_saying);
}

bool is_correction(const char *s)
{
	static const char *const starts[] = { "rättelse", "en rättelse", "en liten rättelse",
					      "en kort rättelse", "två rättelser", "två små rättelser",
					      "några rättelser", "några små rättelser", "korrigering",
					      "en korrigering", "en liten korrigering",
					      "en synpunkt på anteckningarna",
					      "en synpunkt på minnesanteckningarna",
					      "en synpunkt på protokollet", NULL };

	return !has_question_mark(s) && (starts_any(s, starts) || papers_wrong(s));
}

/* "fråga 1", "fråga nr 2", "punkt 3" in s: a question by its number. */
static bool numbered_question(const char *s)
{
	static const char *const items[] = { "fråga", "frågan", "punkt", "punkten", NULL };
	static const char *const nr[] = { "nr", "nr.", "nummer", NULL };
	const char *w, *e, *next, *n;

	while ((next = next_word(s, &w, &e)) != NULL) {
		s = next;
		if (!word_in(w, e, items) || (n = next_word(next, &w, &e)) == NULL)
			continue;
		if (word_in(w, e, nr) && next_word(n, &w, &e) == NULL)
			continue;
		if (*w >= '0' && *w <= '9')
			return true;
	}
	return false;
}

/* "Vi stryker vår fråga om skolskjutsen, den har löst sig.", "Kan ni ta
 * bort vår fråga om hissen?", "Frågan behöver inte tas upp på mötet.": the
 * writer withdraws a question sent before, which is for the secretary and
 * never a question itself, even when asked as one. */
bool is_withdrawal(const char *s)
{
	static const char *const verbs[] = { "stryker", "stryka", "stryk", "strykas", "stryks",
					     "drar tillbaka", "dra tillbaka", "drar vi tillbaka",
					     "tar tillbaka", "ta tillbaka", "återkallar",
					     "återkalla", "tar bort", "ta bort", "tas bort",
					     "plockar bort", "plocka bort", "plockas bort",
					     "kan utgå", "får utgå", "ska utgå", "utgår", NULL };
	/* the writer's own question, named as such */
	static const char *const own[] = { "vår fråga", "min fråga", "våra frågor",
					   "mina frågor", "vår punkt", "våra punkter",
					   "vår andra fråga", "vår första fråga", "vår tredje fråga",
					   "vår fjärde fråga", "vår femte fråga", "vår sista fråga",
					   "vår senaste fråga", "vår tidigare fråga", "vår förra fråga",
					   "vårt ärende", "frågan vi skickade", "frågan vi ställde",
					   "frågan som vi skickade", "frågan som vi ställde",
					   "frågorna vi skickade", "frågorna vi ställde",
					   "frågan jag skickade", "frågan jag ställde",
					   "frågan vi skickade in", "frågan vi lämnade", NULL };
	static const char *const item[] = { "frågan", "frågorna", "punkten", "den frågan",
					    "denna fråga", "den här frågan", NULL };
	static const char *const writers[] = { "vi", "jag", "föreningen", NULL };
	static const char *const passive[] = { "kan strykas", "får strykas", "ska strykas",
					       "kan utgå", "får utgå", "ska utgå", "kan tas bort",
					       "kan plockas bort", NULL };
	/* "Tyvärr blev den fel, så vi vill ersätta den med frågan här under." */
	static const char *const replacing[] = { "ersätta den med", "ersätter den med",
						 "ersätta frågan med", "ersätter frågan med",
						 "byta ut den mot", "byter ut den mot", NULL };
	static const char *const needless[] = { "behöver inte tas upp",
						"behöver inte längre tas upp",
						"behöver inte lyftas", "behöver inte längre lyftas",
						"behöver inte tas med", "behöver inte vara med",
						"behöver inte stå med", "behöver inte stå kvar",
						"måste inte tas upp", NULL };
	/* asked of the secretary: "Kan ni stryka vår fråga om hissen?" */
	static const char *const asking[] = { "kan ni", "kan du", "skulle ni", "skulle du",
					      "går det att", "vill ni", NULL };

	char *bare = NULL;
	bool verb, hit;

	/* the cheap test first: every form names a question or an item */
	if ((ci_find(s, "fråg") == NULL && ci_find(s, "punkt") == NULL &&
	     ci_find(s, "ärende") == NULL && ci_find(s, "behöver inte") == NULL) ||
	    count_words(s) > 35)
		return false;
	if (has_question_mark(s) && !starts_any(s, asking))
		return false;
	/* "Vi tar därför tillbaka våra frågor", "Vi drar härmed tillbaka
	 * fråga 2": an adverb inside the verb and its particle */
	verb = contains_word_any(s, verbs);
	if (!verb && (ci_find(s, "tillbaka") != NULL || ci_find(s, "bort") != NULL)) {
		bare = without_adverbs(s);
		verb = contains_word_any(bare, verbs);
		free(bare);
	}
	/* "Vi drar tillbaka fråga 1 om skolskjutsen.": the question by its
	 * number in the acknowledgement */
	hit = verb && (((starts_any(s, writers) || ci_word_prefix(s, "fråga") != NULL ||
			 ci_word_prefix(s, "punkt") != NULL) &&
			numbered_question(s)) ||
		       contains_word_any(s, own) ||
		       (starts_any(s, writers) && contains_word_any(s, item)));
	if (hit)
		return true;
	if (contains_word_any(s, passive) && contains_stem_any(s, item))
		return true;
	if (contains_any(s, replacing))
		return true;
	return !has_question_mark(s) && contains_any(s, needless) &&
	       (contains_word_any(s, item) || contains_word_any(s, own) ||
		contains_word(s, "den") || contains_word(s, "det"));
}

/* "Frågan om hissen på Kulturhuset står kvar.": where the writer's earlier
 * question stands, beside a withdrawal or alone, asks nothing new. */
bool is_question_status(const char *s)
{
	static const char *const starts[] = { "frågan", "frågorna", "vår fråga", "våra frågor",
					      "min fråga", "vår andra fråga", "vår första fråga",
					      "den andra frågan", "den första frågan",
					      "de andra frågorna", "övriga frågor", "de gäller",
					      "de ska", "de frågorna", "dessa frågor", NULL };
	/* "De gäller också och ska vara med." of questions sent before */
	static const char *const standing[] = { "står kvar", "kvarstår", "gäller fortfarande",
						"ligger kvar", "finns kvar", "ska vara med",
						"ska också vara med", "gäller också", NULL };

	/* "Fråga 2 om fritidsaktiviteterna står kvar." */
	return !has_question_mark(s) && count_words(s) <= 20 &&
	       (starts_any(s, starts) || (numbered_question(s) && ci_word_prefix(s, "fråga"))) &&
	       contains_word_any(s, standing) && sentence_asks(s) == 0;
}

/* "Jag skrev tyvärr fel gruppbostad i min fråga.", "Vi skrev fel datum i
 * mejlet.": the writer corrects their own earlier mail, which, with what
 * follows until a question ("Det gäller Lärkan, inte Lönnen."), is for the
 * secretary; "Jag skrev fel på blanketten och fick avslag" is a story. */
bool is_own_mistake(const char *s)
{
	static const char *const persons[] = { "jag", "vi", NULL };
	static const char *const writing[] = { "skrev", "skrivit", "skriva", "blev", NULL };
	static const char *const own[] = { "min fråga", "vår fråga", "frågan", "mitt mejl",
					   "vårt mejl", "mejlet", "mitt mail", "vårt mail",
					   "mailet", "meddelandet", "förra mejlet", NULL };

	/* "Vi vill rätta en uppgift i vår fråga från den 11 maj.", "Jag
	 * behöver korrigera min fråga.", "Vi måste ändra en sak i det vi
	 * skrev": the writer mending what they sent; only their own sending
	 * ("vår fråga", never "frågan"), since "Vi vill att kommunen rättar
	 * felen i besluten" asks the council */
	static const char *const mending[] = { "rätta", "rättar", "korrigera", "korrigerar",
					       "ändra", "ändrar", "justera", "justerar",
					       "göra en rättelse", "en rättelse", NULL };
	static const char *const sent[] = { "min fråga", "vår fråga", "mina frågor",
					    "våra frågor", "mitt mejl", "vårt mejl", "mitt mail",
					    "vårt mail", "mitt meddelande", "vårt meddelande",
					    "det vi skrev", "det jag skrev", "det vi skickade",
					    "det jag skickade", "frågan vi skickade",
					    "frågan jag skickade", "frågan som vi skickade",
					    "frågan som jag skickade", NULL };
	static const char *const council[] = { "kommunen", "ni", "nämnden", "förvaltningen",
					       NULL };

	/* the cheap tests first */
	if (strchr("jJvV", *s) == NULL || has_question_mark(s) || count_words(s) > 20 ||
	    !starts_any(s, persons))
		return false;
	if (contains_word(s, "fel"))
		return contains_word_any(s, writing) && contains_word_any(s, own) &&
		       sentence_asks(s) == 0;
	return contains_word_any(s, mending) && contains_any(s, sent) &&
	       !contains_word_any(s, council) && sentence_asks(s) == 0;
}

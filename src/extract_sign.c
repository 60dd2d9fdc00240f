/* extract_sign.c - step 3 of extraction, line by line: greetings, closings,
 * signatures, footers, disclaimers and gateway banners; see extract_p.h.
 *
 * Everything after a closing or a signature goes, so a line is cut only
 * where it is unmistakable, and a "PS." written under the signature stays.
 * The lists of greetings, closings, roles and associations live here; the
 * sentence and heading tests use some of them too. */
#include <string.h>

#include "extract_p.h"

/* disclaimers are looked for in this many paragraphs at the end */
#define DISCLAIMER_PARAGRAPHS 4

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

/* What follows a greeting word names the one greeted: "Karin", "alla". */
static bool greets_name(const char *r)
{
	size_t len;

	r = skip_blanks(r);
	return cp_is_upper(ex_u8_next(r, &len)) || ci_word_prefix(r, "alla") != NULL;
}

/* A greeting at the start of t: the text after it (possibly ""), or NULL.
 * "Hej Karin," -> "", "Hej! Kan ni ..." -> "Kan ni ...". */
const char *greeting_rest(const char *t)
{
	static const char *const not_after_basta[] = { "hälsning", "hälsningar", NULL };
	const char *r = NULL, *stop;
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
	/* the whole line: "Hej Karin och alla andra!"; or a sentence that
	 * greets a name and stops: "Hej Karin. Jag kan tyvärr inte ..." ("hej
	 * kommer ledsagarservicen." is no greeting) */
	if (count_words(t) <= 6 && ((stop = strpbrk(t, ".;?")) == NULL ||
				    (*stop == '.' && stop[1] == '\0' && greets_name(r)))) {
		const char *bang = strpbrk(r, "!,:");

		/* "hej karin!!", "Hej alla!,": a run of marks ends it */
		if (bang == NULL || skip_blanks(bang + strspn(bang, "!,:"))[0] == '\0')
			return "";
	}
	/* "hej kommer ledsagarservicen att ...": a greeting written without
	 * punctuation, its sentence going on in lower case */
	if (*r == ' ') {
		const char *next = skip_blanks(r);
		size_t len;

		if (*next != '\0' && !cp_is_upper(ex_u8_next(next, &len)) && count_words(t) > 6 &&
		    strpbrk(t, ",!:") == NULL && (ci_word_prefix(t, "hej") != NULL ||
						   ci_word_prefix(t, "hejsan") != NULL))
			return after_greeted(next);
	}
	/* "Hej Karin, här kommer ..." / "Hej! Kan ni ..." */
	for (const char *s = r; *s != '\0' && s - r < 48; s++) {
		if (*s == ',' || *s == '!' || *s == ':') {
			const char *rest = skip_blanks(s + strspn(s, "!,:"));

			if (count_words(r) - count_words(s + 1) > 3)
				return NULL;
			return rest;
		}
		if (*s == '.' || *s == '?')
			return NULL;
	}
	return NULL;
}

static const char *const closing_phrases[] = {
	"med vänlig hälsning", "med vänliga hälsningar", "med vänlig hälsn", "med vänliga hälsn",
	"med bästa hälsningar", "med hälsningar", "med varma hälsningar", "vänlig hälsning",
	"vänliga hälsningar", "bästa hälsningar", "varma hälsningar",
	"glada hälsningar", "många hälsningar", "hjärtliga hälsningar", "hälsningar", "hälsning",
	"hälsn",
	"mvh", "m.v.h", "vh", "hälsar", "allt gott", "tack på förhand", "tack i förväg",
	"tack för hjälpen", "tack och hälsningar", "tack och hej", "tack så mycket", "stort tack",
	"tack", "ha det bra", "ha en bra dag", "ha en fin dag", "ha en trevlig", "trevlig helg",
	"ha en fin vecka", "ha en bra vecka", "ha en skön vecka", "ha en fin helg",
	"ha en bra helg", "ha en skön helg", "ha en fin kväll", "ha en bra kväll",
	"ha en skön sommar", "ha en fin sommar", "trevlig vecka", "fortsatt fin vecka",
	"ha en riktigt", "ha en jättefin", "ha en härlig", "ha en underbar", "ha en fin höst",
	"ha en skön höst", "ha en fin vår", "ha en fin jul", "ha en fin helg",
	"fortsatt trevlig",
	"best regards", "kind regards", "regards", "best wishes", "cheers", "br", "mfg",
	"thanks", "thank you", "many thanks",
	"med hopp om svar", "i väntan på svar", "tacksam för svar", "tacksamma för svar",
	"tacksam för ett svar", "tack för svar",
	/* informal and seasonal closings */
	"kram", "kramar", "stor kram", "många kramar", "vi hörs", "hörs", "hej så länge",
	"ha det gott", "ha det fint", "god jul", "glad jul", "gott nytt år", "god fortsättning",
	"trevlig jul", "trevlig advent", "glad påsk", "trevlig sommar", "glad sommar", NULL
};

bool is_slash_signoff(const char *t, size_t max_words)
{
	const char *s;

	if (t[0] != '/')
		return false;
	s = skip_blanks(t + (t[1] == '/' ? 2 : 1));
	return (at_alnum(s) || *s == '\0') && count_words(t) <= max_words && !has_question_mark(t);
}

bool is_closing(const char *t)
{
	if (strnlen(t, 121) > 120 || has_question_mark(t) || count_words(t) > 7)
		return false;
	/* "/Anna", "//Anna" */
	if (t[0] == '/')
		return is_slash_signoff(t, 3);
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

/* The join block that Teams, Zoom or Google Meet put under an invitation
 * ("Microsoft Teams-möte / Anslut på datorn ... / Mötes-ID: ..."): its
 * heading, confirmed by a joining line under it. It ends a mail's own text
 * as a disclaimer does, so v[i] and all after it go. */
static bool is_meeting_join(const struct line *v, size_t i, size_t n)
{
	static const char *const heads[] = { "microsoft teams-möte", "microsoft teams meeting",
					     "microsoft teams behöver du hjälp",
					     "microsoft teams need help", "anslut till zoom-möte",
					     "join zoom meeting", "delta med google meet",
					     "anslut med google meet", "join with google meet", NULL };
	static const char *const joins[] = { "anslut", "delta", "join", "klicka här för att ansluta",
					     "click here to join", "mötes-id", "möte-id", "meeting id",
					     "lösenord", "passcode", "meet.google.com", "https://",
					     NULL };
	size_t k = i;

	/* the cheap test first: every heading starts with one of these */
	if (strchr("mMaAjJdD", v[i].t[0]) == NULL || !starts_any(v[i].t, heads) ||
	    count_words(v[i].t) > 6 || has_question_mark(v[i].t))
		return false;
	for (int seen = 0; seen < 3 && (k = next_nonblank(v, k + 1, n)) < n; seen++)
		if (starts_any(v[k].t, joins))
			return true;
	return false;
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

const char *const role_words[] = {
	"ordförande", "vice ordförande", "sekreterare", "kassör", "ledamot", "styrelseledamot",
	"samordnare", "ombud", "verksamhetsledare", "kanslist", "ersättare", "suppleant",
	"representant", "intressepolitisk", "ombudsman", "handläggare", "kontaktperson",
	"styrelsen", "chair", "secretary", "treasurer", NULL
};

const char *const association_words[] = {
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

				return cp_is_upper(ex_u8_next(q + 3, &n));
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
			if (!cp_is_upper(ex_u8_next(s, &n)))
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
const char *ps_rest(const char *t)
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
	if (k >= end)
		return;
	/* a body that is only a signature, a name over a role or a phone and
	 * no closing: the Subject asks, the body says nothing */
	if (!before) {
		if (strong > 0 && names >= 1 && strong + names <= 8)
			ls->n = k;
		return;
	}
	if (strong > 0 || (names <= 2 && k > 0 && line_blank(&v[k - 1])) ||
	    (names == 1 && k > 0 && last_char(v[k - 1].t) != '\0' &&
	     strchr(".?!", last_char(v[k - 1].t)) != NULL))
		ls->n = k;
}

/* The lines v[from..n) are a signature: each a name, a role, a phone
 * number or an address, and few. */
static bool only_signature(const struct line *v, size_t from, size_t n)
{
	size_t lines = 0;

	for (size_t i = from; i < n; i++) {
		if (line_blank(&v[i]))
			continue;
		if (++lines > 8 || (signature_score(v[i].t) == 0 && !is_phone_footer(v[i].t) &&
				    !is_footer_line(v[i].t)))
			return false;
	}
	return true;
}

/* Whether one of v[0..n) says the answers follow in the quoted text ("Svarar
 * direkt i ditt mejl nedan."); asked at a closing only, which is rare. */
static bool answers_noted(const struct line *v, size_t n)
{
	/* the cheap test first: every note names answers or comments */
	for (size_t i = 0; i < n; i++)
		if (!line_blank(&v[i]) &&
		    (strstr(v[i].t, "svar") != NULL || strstr(v[i].t, "Svar") != NULL ||
		     strstr(v[i].t, "ommentar") != NULL) &&
		    is_answers_note(v[i].t))
			return true;
	return false;
}

/* Whether one of v[0..n) says that a letter or an excerpt is pasted below
 * ("Här kommer en gemensam skrivelse ...", "jag klistrar in det som rör
 * LSS-samverkan ur protokollet"); asked at a closing only. */
static bool pasted_noted(const struct line *v, size_t n)
{
	static const char *const cues[] = { "klistrar in", "klistrat in", "nedan följer",
					    "följer nedan", "utdrag ur", "här kommer en gemensam",
					    "här kommer vår skrivelse", "här kommer skrivelsen",
					    "här kommer föreningens skrivelse", NULL };

	/* the cheap test first: every cue has one of these */
	for (size_t i = 0; i < n; i++)
		if (!line_blank(&v[i]) &&
		    (strstr(v[i].t, "klistra") != NULL || strstr(v[i].t, "nedan") != NULL ||
		     strstr(v[i].t, "utdrag") != NULL || strstr(v[i].t, "är kommer") != NULL) &&
		    contains_any(v[i].t, cues))
			return true;
	return false;
}

/* Cuts the signature, footers and disclaimers and drops the greeting. */
void clean_lines(struct lines *ls)
{
	struct line *v = ls->v;
	size_t n = ls->n, first;
	bool content = false, closing;

	for (size_t i = 0; i < n; i++) {
		const char *t = v[i].t;

		if (line_blank(&v[i]))
			continue;
		if (is_signature_delimiter(t)) {
			n = i;
			break;
		}
		/* "Svarar direkt i ditt mejl nedan.\n\n/Kjell" above the answers
		 * typed between the quoted lines: the closing ends the note on
		 * top, and the answers follow */
		closing = content && is_closing(t);
		/* and "Här kommer vår skrivelse.\n\nHälsningar\nAnnika" above
		 * the letter pasted under the signature */
		if (closing && (answers_noted(v, i) || pasted_noted(v, i)) &&
		    !only_signature(v, i + 1, n)) {
			for (; i < n && !line_blank(&v[i]); i++)
				blank_line(&v[i]);
			continue;
		}
		if (closing) {
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
		if (is_meeting_join(v, i, n)) {
			n = i;
			break;
		}
		if (is_phone_footer(t) || is_footer_line(t)) {
			blank_line(&v[i]);
			continue;
		}
		/* a body that is only a closing and a signature: the Subject
		 * asks, the body says nothing */
		if (is_closing(t) && only_signature(v, i + 1, n)) {
			n = i;
			break;
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

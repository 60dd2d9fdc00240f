/* test_triage.c - bounces, auto-replies, lists, calendar replies, own mail and
 * the association of a sender, one table row per case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "unit.h"

#include "agendad/triage.h"
#include "agendad/util.h"

#define MAX_HEADERS 8

static char *fub_addrs[] = { "@fub-exempelstad.se", "fub.exempelstad@gmail.com" };
static char *autism_addrs[] = { "@autism-exempelstad.se" };
static char *dhr_addrs[] = { "lena.ek@gmail.com" };
static char *funk_addrs[] = { "@funktionsratt-exempelstad.se" };
static char *neuro_addrs[] = { "ake.sjogren@funktionsratt-exempelstad.se", "@neuro.se" };
static char *parent_addrs[] = { "@exempel.org" };
static char *rbu_addrs[] = { "@rbu.exempel.org" };

static const struct config_association associations[] = {
	{ "FUB Exempelstad", fub_addrs, 2 },
	{ "Autism- och Aspergerföreningen Exempelstad", autism_addrs, 1 },
	{ "DHR Exempelstad", dhr_addrs, 1 },
	{ "Funktionsrätt Exempelstad", funk_addrs, 1 },
	{ "NEURO Exempelstad", neuro_addrs, 2 },
	{ "Föreningar i Exempel", parent_addrs, 1 },
	{ "RBU Exempel", rbu_addrs, 1 },
};

static const char *const own_addresses[] = { "sekreterare@exempelstad.se",
					     "agendad@exempelstad.se" };

static const struct triage_input input = {
	associations,
	N_ELEMENTS(associations),
	own_addresses,
	N_ELEMENTS(own_addresses),
};

struct triage_case {
	const char *name;
	const char *from; /* from_addr as mime.c gives it (lowercased) */
	const char *subject;
	const char *content_type; /* top-level type, lowercase */
	const char *headers; /* "Name: value\n" lines */
	const char *body;
	const char *forwarded_from;
	enum triage_verdict verdict;
	const char *association; /* name, or NULL */
	const char *reason; /* a part of the reason */
	bool may_acknowledge;
};

static const struct triage_case cases[] = {
	/* associations */
	{ "domain", "birgitta@fub-exempelstad.se", "Frågor", "text/plain", "", "Hur?", NULL,
	  TRIAGE_QUESTION, "FUB Exempelstad", "fråga från FUB Exempelstad (birgitta@fub-exempelstad.se)",
	  true },
	{ "exact gmail address", "fub.exempelstad@gmail.com", "Frågor", "text/plain", "", "", NULL,
	  TRIAGE_QUESTION, "FUB Exempelstad", "fråga från FUB Exempelstad", true },
	{ "another gmail user is unknown", "anna.privat1984@gmail.com", "Fråga om LSS",
	  "text/plain", "", "", NULL, TRIAGE_UNKNOWN_SENDER, NULL,
	  "okänd avsändare: anna.privat1984@gmail.com", false },
	{ "exact address beats domain", "ake.sjogren@funktionsratt-exempelstad.se", "Frågor",
	  "text/plain", "", "", NULL, TRIAGE_QUESTION, "NEURO Exempelstad", "NEURO", true },
	{ "domain of the umbrella", "marta@funktionsratt-exempelstad.se", "Frågor", "text/plain",
	  "", "", NULL, TRIAGE_QUESTION, "Funktionsrätt Exempelstad", "Funktionsrätt", true },
	{ "subdomain", "anna@mail.fub-exempelstad.se", "Frågor", "text/plain", "", "", NULL,
	  TRIAGE_QUESTION, "FUB Exempelstad", "FUB", true },
	{ "longest domain wins", "sofia@rbu.exempel.org", "Frågor", "text/plain", "", "", NULL,
	  TRIAGE_QUESTION, "RBU Exempel", "RBU", true },
	{ "parent domain", "sofia@annat.exempel.org", "Frågor", "text/plain", "", "", NULL,
	  TRIAGE_QUESTION, "Föreningar i Exempel", "Föreningar", true },
	{ "look-alike domain is no subdomain", "x@notfub-exempelstad.se", "Frågor", "text/plain",
	  "", "", NULL, TRIAGE_UNKNOWN_SENDER, NULL, "okänd avsändare: x@notfub-exempelstad.se",
	  false },
	{ "uppercase address", "Birgitta@FUB-Exempelstad.SE", "Frågor", "text/plain", "", "", NULL,
	  TRIAGE_QUESTION, "FUB Exempelstad", "FUB", true },
	{ "no From", NULL, "Frågor", "text/plain", "", "", NULL, TRIAGE_UNKNOWN_SENDER, NULL,
	  "okänd avsändare: ingen avsändaradress", false },
	{ "Reply-To fallback", "noreply@formular.exempelstad.se", "Webbformulär: fråga",
	  "text/plain", "Reply-To: Birgitta Åström <birgitta@fub-exempelstad.se>\n", "", NULL,
	  TRIAGE_QUESTION, "FUB Exempelstad", "(Reply-To: birgitta@fub-exempelstad.se)", false },
	{ "Sender fallback", "styrelsen@lists.exempel.net", "Frågor", "text/plain",
	  "Sender: jorgen@autism-exempelstad.se\n", "", NULL, TRIAGE_QUESTION,
	  "Autism- och Aspergerföreningen Exempelstad", "(Sender: jorgen@autism-exempelstad.se)",
	  true },
	{ "robot address of an association is never answered", "no-reply@fub-exempelstad.se",
	  "Nyhetsbrev", "text/plain", "", "", NULL, TRIAGE_QUESTION, "FUB Exempelstad", "FUB",
	  false },
	{ "forwarded member: From decides", "birgitta@fub-exempelstad.se", "VB: Fråga",
	  "text/plain", "", "", "eva.holm@webbmejl.se", TRIAGE_QUESTION, "FUB Exempelstad",
	  "fråga från FUB Exempelstad", true },
	{ "unknown forwarder of an association's mail: From decides", "someone@webbmejl.se",
	  "Fwd: Frågor", "text/plain", "", "", "birgitta@fub-exempelstad.se",
	  TRIAGE_UNKNOWN_SENDER, NULL, "okänd avsändare: someone@webbmejl.se", false },

	/* our own mail */
	{ "own address", "sekreterare@exempelstad.se", "Dagordning LSS-samverkan", "text/plain",
	  "", "", NULL, TRIAGE_AUTO_REPLY, NULL, "eget meddelande (från sekreterare@exempelstad.se)",
	  false },
	{ "own address, other case", "Agendad@Exempelstad.se", "Kvittens", "text/plain", "", "",
	  NULL, TRIAGE_AUTO_REPLY, NULL, "eget meddelande", false },
	{ "secretary forwards an association's mail", "sekreterare@exempelstad.se",
	  "VB: Frågor från FUB", "text/plain", "", "", "birgitta@fub-exempelstad.se",
	  TRIAGE_QUESTION, "FUB Exempelstad",
	  "fråga från FUB Exempelstad (birgitta@fub-exempelstad.se), vidarebefordrad av "
	  "sekreterare@exempelstad.se",
	  false },
	{ "secretary forwards a stranger's mail", "sekreterare@exempelstad.se", "VB: Fråga",
	  "text/plain", "", "", "anna@webbmejl.se", TRIAGE_UNKNOWN_SENDER, NULL,
	  "okänd avsändare: anna@webbmejl.se (vidarebefordrad av sekreterare@exempelstad.se)",
	  false },

	/* RFC 3834 and friends */
	{ "Auto-Submitted auto-replied", "birgitta@fub-exempelstad.se",
	  "Automatiskt svar: Frågor till nästa möte", "text/plain",
	  "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n", "", NULL,
	  TRIAGE_AUTO_REPLY, NULL, "automatiskt svar (Auto-Submitted: auto-replied)", false },
	{ "Auto-Submitted auto-generated with parameters", "info@fub-exempelstad.se", "Kvitto",
	  "text/plain", "Auto-Submitted: auto-generated; owner-email=\"x@y.se\"\n", "", NULL,
	  TRIAGE_AUTO_REPLY, NULL, "automatiskt svar (Auto-Submitted: auto-generated", false },
	{ "Auto-Submitted no", "birgitta@fub-exempelstad.se", "Frågor", "text/plain",
	  "Auto-Submitted: no\n", "", NULL, TRIAGE_QUESTION, "FUB Exempelstad", "FUB", true },
	{ "X-Autoreply", "lena.ek@gmail.com", "Semester", "text/plain", "X-Autoreply: yes\n", "",
	  NULL, TRIAGE_AUTO_REPLY, NULL, "automatiskt svar (X-Autoreply: yes)", false },
	/* iCloud's vacation reply keeps the Subject it answers */
	{ "iCloud vacation", "maria.sandberg@icloud.com", "Frågor till mötet", "text/plain",
	  "X-Apple-Action: VACATION\n", "", NULL, TRIAGE_AUTO_REPLY, NULL,
	  "frånvaromeddelande (X-Apple-Action: VACATION)", false },
	{ "X-Autorespond", "lena.ek@gmail.com", "Re: Frågor", "text/plain",
	  "X-Autorespond: Jag är ledig\n", "", NULL, TRIAGE_AUTO_REPLY, NULL,
	  "(X-Autorespond: Jag är ledig)", false },
	{ "X-Auto-Response-Suppress OOF in a list", "info@neuro.se", "Frågor", "text/plain",
	  "X-Auto-Response-Suppress: DR, RN, NRN, OOF\n", "", NULL, TRIAGE_AUTO_REPLY, NULL,
	  "X-Auto-Response-Suppress: DR, RN, NRN, OOF", false },
	{ "X-Auto-Response-Suppress without OOF", "info@neuro.se", "Frågor", "text/plain",
	  "X-Auto-Response-Suppress: DR, RN\n", "", NULL, TRIAGE_QUESTION, "NEURO Exempelstad",
	  "NEURO", true },
	{ "Precedence bulk", "info@autism-exempelstad.se", "Nyhetsbrev november", "text/plain",
	  "Precedence: bulk\n", "", NULL, TRIAGE_AUTO_REPLY, NULL, "massutskick (Precedence: bulk)",
	  false },
	{ "Precedence junk", "info@autism-exempelstad.se", "x", "text/plain", "Precedence: Junk\n",
	  "", NULL, TRIAGE_AUTO_REPLY, NULL, "skräppost (Precedence: junk)", false },
	{ "List-Id", "jorgen@autism-exempelstad.se", "[styrelsen] Frågor", "text/plain",
	  "List-Id: Styrelsen <styrelsen.autism-exempelstad.se>\n", "", NULL, TRIAGE_AUTO_REPLY,
	  NULL, "e-postlista (List-Id: Styrelsen <styrelsen.autism-exempelstad.se>)", false },
	{ "List-Unsubscribe", "nyhetsbrev@fub-exempelstad.se", "FUB informerar", "text/plain",
	  "List-Unsubscribe: <mailto:unsubscribe@fub-exempelstad.se>\n", "", NULL,
	  TRIAGE_AUTO_REPLY, NULL, "e-postlista (List-Unsubscribe:", false },
	{ "Frånvaromeddelande subject, upper case", "lena.ek@gmail.com",
	  "FRÅNVAROMEDDELANDE: Frågor till mötet", "text/plain", "", "", NULL, TRIAGE_AUTO_REPLY,
	  NULL, "frånvaromeddelande (Ämne: FRÅNVAROMEDDELANDE: Frågor till mötet)", false },
	{ "Automatiskt svar subject", "info@fub-exempelstad.se", "Automatiskt svar: Dagordning",
	  "text/plain", "", "", NULL, TRIAGE_AUTO_REPLY, NULL, "automatiskt svar (Ämne:", false },
	{ "Out of office subject", "info@fub-exempelstad.se", "Out of Office: Dagordning",
	  "text/plain", "", "", NULL, TRIAGE_AUTO_REPLY, NULL, "frånvaromeddelande", false },
	{ "Abwesenheitsnotiz subject", "info@fub-exempelstad.se", "Abwesenheitsnotiz: Dagordning",
	  "text/plain", "", "", NULL, TRIAGE_AUTO_REPLY, NULL, "frånvaromeddelande", false },
	{ "Autosvar after SV:", "info@fub-exempelstad.se", "SV: Autosvar", "text/plain", "", "",
	  NULL, TRIAGE_AUTO_REPLY, NULL, "automatiskt svar", false },

	/* calendar replies */
	{ "Accepterat subject", "birgitta@fub-exempelstad.se",
	  "Accepterat: LSS-samverkan 12 november", "multipart/alternative", "", "", NULL,
	  TRIAGE_AUTO_REPLY, NULL, "kalendersvar (Ämne: Accepterat: LSS-samverkan 12 november)",
	  false },
	{ "Tackat nej subject", "birgitta@fub-exempelstad.se", "Tackat nej: LSS-samverkan",
	  "multipart/alternative", "", "", NULL, TRIAGE_AUTO_REPLY, NULL, "kalendersvar", false },
	{ "Tentative subject", "birgitta@fub-exempelstad.se", "Tentative: LSS-samverkan",
	  "multipart/alternative", "", "", NULL, TRIAGE_AUTO_REPLY, NULL, "kalendersvar", false },
	{ "METHOD=REPLY content type", "birgitta@fub-exempelstad.se", "Svar: Möte",
	  "text/calendar", "Content-Type: text/calendar; charset=utf-8; method=REPLY\n", "", NULL,
	  TRIAGE_AUTO_REPLY, NULL, "kalendersvar (METHOD:REPLY)", false },
	{ "METHOD:REPLY in the body", "birgitta@fub-exempelstad.se", "Möte", "multipart/mixed", "",
	  "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", NULL, TRIAGE_AUTO_REPLY, NULL,
	  "kalendersvar", false },

	/* bounces and reports (RFC 3464, RFC 8098) */
	{ "multipart/report delivery-status", "mailer-daemon@mx1.exempelstad.se",
	  "Undelivered Mail Returned to Sender", "multipart/report",
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\n", "", NULL,
	  TRIAGE_BOUNCE, NULL, "studsat meddelande (multipart/report)", false },
	/* a read receipt: delivered and opened, its client answered by itself */
	{ "read report", "birgitta@fub-exempelstad.se", "Läst: Dagordning", "multipart/report",
	  "Content-Type: multipart/report; report-type=disposition-notification; boundary=x\n",
	  "", NULL, TRIAGE_AUTO_REPLY, NULL, "läskvitto (multipart/report; disposition-notification)",
	  false },
	{ "null Return-Path", "birgitta@fub-exempelstad.se", "Frågor", "text/plain",
	  "Return-Path: <>\n", "", NULL, TRIAGE_BOUNCE, NULL, "studsat meddelande (Return-Path: <>)",
	  false },
	/* Exchange sends its out-of-office replies from the null sender too */
	{ "out of office from the null sender", "birgitta@fub-exempelstad.se",
	  "Automatic reply: Dagordning", "text/plain",
	  "Return-Path: <>\nAuto-Submitted: auto-generated\n", "", NULL, TRIAGE_AUTO_REPLY, NULL,
	  "Auto-Submitted", false },
	{ "out of office subject, null sender", "birgitta@fub-exempelstad.se",
	  "Automatiskt svar: Dagordning", "text/plain", "Return-Path: <>\n", "", NULL,
	  TRIAGE_AUTO_REPLY, NULL, "automatiskt svar", false },
	{ "MAILER-DAEMON without type", "mailer-daemon@googlemail.com", "Delivery Status Notification",
	  "text/plain", "", "", NULL, TRIAGE_BOUNCE, NULL,
	  "studsat meddelande (From: mailer-daemon@googlemail.com)", false },
	{ "postmaster", "postmaster@outlook.com", "Olevererbart: Dagordning", "text/plain", "",
	  "", NULL, TRIAGE_BOUNCE, NULL, "studsat meddelande (From: postmaster@outlook.com)",
	  false },
	{ "Olevererbart subject", "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@exempelstad.se",
	  "Olevererbart: Dagordning", "text/plain", "", "", NULL, TRIAGE_BOUNCE, NULL,
	  "studsat meddelande", false },
	{ "Undeliverable subject from a person's domain", "birgitta@fub-exempelstad.se",
	  "Undeliverable: Dagordning LSS-samverkan", "text/plain", "", "", NULL, TRIAGE_BOUNCE,
	  NULL, "studsat meddelande (Ämne: Undeliverable: Dagordning LSS-samverkan)", false },
	{ "Mail delivery failed", "root@mx.fub-exempelstad.se",
	  "Mail delivery failed: returning message to sender", "text/plain", "", "", NULL,
	  TRIAGE_BOUNCE, NULL, "studsat meddelande", false },
	{ "Läst subject", "birgitta@fub-exempelstad.se", "Läst: Frågor till LSS-samverkan",
	  "text/plain", "", "", NULL, TRIAGE_AUTO_REPLY, NULL,
	  "läskvitto (Ämne: Läst: Frågor till LSS-samverkan)", false },
	{ "Read subject", "birgitta@fub-exempelstad.se", "Read: Agenda", "text/plain", "", "",
	  NULL, TRIAGE_AUTO_REPLY, NULL, "läskvitto", false },

	/* not robots */
	{ "a subject that merely mentions delivery", "birgitta@fub-exempelstad.se",
	  "Leverans av hjälpmedel", "text/plain", "", "", NULL, TRIAGE_QUESTION, "FUB Exempelstad",
	  "FUB", true },
	{ "a subject that starts with Läste", "birgitta@fub-exempelstad.se",
	  "Läste ni vår skrivelse?", "text/plain", "", "", NULL, TRIAGE_QUESTION,
	  "FUB Exempelstad", "FUB", true },
};

static bool valid_utf8(const char *s)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t len = strlen(s);

	while (len > 0) {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
		if (n <= 0)
			return false;
		s += n;
		len -= (size_t)n;
	}
	return true;
}

struct test_mail {
	struct mail_text mail;
	struct mail_header headers[MAX_HEADERS];
	char header_text[1024];
};

/* Builds a mail_text by hand from a case (mime.c is not linked here). */
static void build(struct test_mail *t, const struct triage_case *c)
{
	char *p;

	memset(t, 0, sizeof(*t));
	snprintf(t->header_text, sizeof(t->header_text), "%s", c->headers);
	t->mail.headers = t->headers;
	for (p = t->header_text; *p != '\0';) {
		char *nl = strchr(p, '\n'), *colon = strchr(p, ':');

		assert_non_null(nl);
		assert_non_null(colon);
		assert_true(t->mail.n_headers < MAX_HEADERS);
		*nl = '\0';
		*colon = '\0';
		t->headers[t->mail.n_headers].name = p;
		t->headers[t->mail.n_headers].value = colon + 1 + (colon[1] == ' ');
		t->mail.n_headers++;
		p = nl + 1;
	}
	t->mail.from_addr = (char *)(uintptr_t)c->from;
	t->mail.subject = (char *)(uintptr_t)c->subject;
	t->mail.content_type = (char *)(uintptr_t)c->content_type;
	t->mail.body = (char *)(uintptr_t)c->body;
}

/* question: the text of the one question extraction kept, or NULL (none);
 * method: the mail's calendar_method, or NULL */
static void run_case(const struct triage_case *c, const char *question, const char *method)
{
	struct extraction ex = { 0 };
	struct question_draft q = { 0 };
	struct triage_result r;
	struct test_mail t;

	build(&t, c);
	t.mail.calendar_method = (char *)(uintptr_t)method;
	ex.forwarded_from = (char *)(uintptr_t)c->forwarded_from;
	if (question != NULL) {
		q.title = q.text = (char *)(uintptr_t)question;
		ex.questions = &q;
		ex.n_questions = 1;
	}
	memset(&r, 0x55, sizeof(r));
	triage_message(&t.mail, &ex, &input, &r);
	if (r.verdict != c->verdict || strstr(r.reason, c->reason) == NULL ||
	    r.may_acknowledge != c->may_acknowledge)
		print_message("case '%s': verdict %d, reason '%s', may_acknowledge %d\n", c->name,
			      r.verdict, r.reason, r.may_acknowledge);
	assert_int_equal(r.verdict, c->verdict);
	assert_non_null(strstr(r.reason, c->reason));
	assert_int_equal(r.may_acknowledge, c->may_acknowledge);
	assert_true(valid_utf8(r.reason));
	if (c->association == NULL) {
		assert_null(r.association);
	} else {
		assert_non_null(r.association);
		assert_string_equal(r.association->name, c->association);
	}
	/* only a question from a known association is ever acknowledged */
	if (r.may_acknowledge)
		assert_int_equal(r.verdict, TRIAGE_QUESTION);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++)
		run_case(&cases[i], NULL, NULL);
}

/* A calendar answer is the client's doing unless a person typed a question
 * into it (a '?' in what extraction kept). */
static const struct {
	struct triage_case c;
	const char *question;
	const char *method; /* of the mail's text/calendar part */
} calendar_cases[] = {
	{ { "Godkänt with a typed question", "birgitta@fub-exempelstad.se",
	    "Godkänt: LSS-samverkan 20 mars", "multipart/alternative", "", "", NULL,
	    TRIAGE_QUESTION, "FUB Exempelstad", "fråga från FUB Exempelstad", true },
	  "Jag kommer. Kan vi ta upp färdtjänstens nya beställningscentral?", NULL },
	{ { "Godkänt with only its subject kept", "birgitta@fub-exempelstad.se",
	    "Godkänt: LSS-samverkan 20 mars", "multipart/alternative", "", "", NULL,
	    TRIAGE_AUTO_REPLY, NULL, "kalendersvar (Ämne: Godkänt", false },
	  "LSS-samverkan 20 mars", NULL },
	{ { "METHOD:REPLY with a statement", "birgitta@fub-exempelstad.se", "Möte",
	    "multipart/mixed", "",
	    "Jag kommer.\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", NULL,
	    TRIAGE_AUTO_REPLY, NULL, "kalendersvar", false },
	  "Jag kommer.", NULL },
	{ { "METHOD=REPLY with a typed question", "birgitta@fub-exempelstad.se", "Svar: Möte",
	    "text/calendar", "Content-Type: text/calendar; charset=utf-8; method=REPLY\n", "",
	    NULL, TRIAGE_QUESTION, "FUB Exempelstad", "fråga från", true },
	  "Hur blir det med tolk?", NULL },
	/* Outlook: the answer's text beside a text/calendar part, which mime
	 * notes as the mail's calendar_method */
	{ { "Outlook answer by its calendar part", "birgitta@fub-exempelstad.se", "Möte 20 mars",
	    "multipart/alternative", "", "", NULL, TRIAGE_AUTO_REPLY, NULL,
	    "kalendersvar (text/calendar; method=REPLY)", false },
	  NULL, "REPLY" },
	{ { "Outlook invitation", "birgitta@fub-exempelstad.se", "Möte 20 mars",
	    "multipart/alternative", "", "", NULL, TRIAGE_QUESTION, "FUB Exempelstad",
	    "fråga från", true },
	  "Kan vi ta upp färdtjänsten?", "REQUEST" },
};

static void test_calendar_typed(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(calendar_cases); i++)
		run_case(&calendar_cases[i].c, calendar_cases[i].question,
			 calendar_cases[i].method);
}

/* A delivery report names the address it is about (mime's bounced_to), so
 * that the secretary can mend it. */
static void test_bounce_recipient(void **state)
{
	static const struct triage_case c = {
		"multipart/report naming its recipient", "mailer-daemon@mx1.exempelstad.se",
		"Undelivered Mail Returned to Sender", "multipart/report",
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\n", "",
		NULL, TRIAGE_BOUNCE, NULL,
		"studsat meddelande till ulla.nyman@bredband.net (multipart/report)", false
	};
	struct extraction ex = { 0 };
	struct triage_result r;
	struct test_mail t;

	(void)state;
	build(&t, &c);
	t.mail.bounced_to = (char *)(uintptr_t) "ulla.nyman@bredband.net";
	triage_message(&t.mail, &ex, &input, &r);
	assert_int_equal(r.verdict, TRIAGE_BOUNCE);
	assert_string_equal(r.reason, c.reason);
	assert_false(r.may_acknowledge);
	/* a warning that delivery is delayed says so */
	t.mail.bounce_delayed = true;
	triage_message(&t.mail, &ex, &input, &r);
	assert_int_equal(r.verdict, TRIAGE_BOUNCE);
	assert_string_equal(r.reason, "försenad leverans till ulla.nyman@bredband.net "
				      "(multipart/report; delayed)");
}

static void test_status(void **state)
{
	static const struct {
		enum triage_verdict verdict;
		const char *status;
	} table[] = {
		{ TRIAGE_QUESTION, "processed" },
		{ TRIAGE_UNKNOWN_SENDER, "unknown-sender" },
		{ TRIAGE_AUTO_REPLY, "auto-reply" },
		{ TRIAGE_BOUNCE, "bounce" },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(table); i++)
		assert_string_equal(triage_status(table[i].verdict), table[i].status);
}

static void test_find_association(void **state)
{
	static const struct {
		const char *addr;
		const char *name; /* or NULL */
	} table[] = {
		{ "birgitta@fub-exempelstad.se", "FUB Exempelstad" },
		{ "<Birgitta@FUB-exempelstad.se>", "FUB Exempelstad" },
		{ "birgitta@fub-exempelstad.se.", "FUB Exempelstad" },
		{ "x@a.b.fub-exempelstad.se", "FUB Exempelstad" },
		{ "fub-exempelstad.se", NULL },
		{ "@fub-exempelstad.se", NULL },
		{ "birgitta@", NULL },
		{ "", NULL },
		{ "lena.ek@gmail.com", "DHR Exempelstad" },
		{ "LENA.EK@GMAIL.COM", "DHR Exempelstad" },
		{ "lena.ek2@gmail.com", NULL },
		{ "ake.sjogren@funktionsratt-exempelstad.se", "NEURO Exempelstad" },
		{ "ake@neuro.se", "NEURO Exempelstad" },
		{ "x@rbu.exempel.org", "RBU Exempel" },
		{ "x@sub.rbu.exempel.org", "RBU Exempel" },
		{ "x@exempel.org", "Föreningar i Exempel" },
		{ "x@xexempel.org", NULL },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(table); i++) {
		const struct config_association *a =
			triage_find_association(associations, N_ELEMENTS(associations), table[i].addr);

		if (table[i].name == NULL) {
			assert_null(a);
		} else {
			assert_non_null(a);
			assert_string_equal(a->name, table[i].name);
		}
	}
	assert_null(triage_find_association(associations, N_ELEMENTS(associations), NULL));
	assert_null(triage_find_association(NULL, 0, "a@fub-exempelstad.se"));
}

/* A long subject with åäö in the reason is cut at a character, never in one;
 * odd bytes in headers never leak control characters. */
static void test_reason_bounds(void **state)
{
	struct buf subject = { 0 };
	struct triage_case c = { 0 };
	struct test_mail t;
	struct triage_result r;

	(void)state;
	for (int shift = 0; shift < 3; shift++) {
		/* move the cut across the bytes of a character */
		buf_reset(&subject);
		buf_append_str(&subject, "Automatiskt svar: ");
		for (int i = 0; i < shift; i++)
			buf_append_char(&subject, 'x');
		for (int i = 0; i < 200; i++)
			buf_append_str(&subject, "åäö");
		c.from = "info@fub-exempelstad.se";
		c.subject = subject.data;
		c.content_type = "text/plain";
		c.headers = "";
		c.body = "";
		build(&t, &c);
		triage_message(&t.mail, NULL, &input, &r);
		assert_int_equal(r.verdict, TRIAGE_AUTO_REPLY);
		assert_true(strlen(r.reason) < sizeof(r.reason));
		assert_true(valid_utf8(r.reason));
	}
	buf_free(&subject);

	c.from = "birgitta@fub-exempelstad.se";
	c.subject = "Frågor";
	c.headers = "Auto-Submitted: auto-replied\x01\x7f\xff\xfe; x\n";
	build(&t, &c);
	triage_message(&t.mail, NULL, NULL, &r);
	assert_int_equal(r.verdict, TRIAGE_AUTO_REPLY);
	assert_true(valid_utf8(r.reason));
	for (const char *p = r.reason; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);

	/* no input, no extraction, no subject: still a verdict */
	memset(&t, 0, sizeof(t));
	triage_message(&t.mail, NULL, NULL, &r);
	assert_int_equal(r.verdict, TRIAGE_UNKNOWN_SENDER);
	assert_false(r.may_acknowledge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_calendar_typed),
		cmocka_unit_test(test_bounce_recipient),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_find_association),
		cmocka_unit_test(test_reason_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

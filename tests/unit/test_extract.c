/* test_extract.c - question extraction: inline cases, the mail cases under
 * tests/data/extract/, subjects, titles and limits.
 *
 * A data case is two files: NAME.txt is a decoded mail (header lines such as
 * "Subject:", "From:", "In-Reply-To:", "Attachment: FILE; TYPE" and
 * "Body-From-Html: yes", a blank line, then the body as mime.c hands it over) and NAME.expect holds the
 * expected questions, one per line, after optional "title: ..." lines (one
 * per question, in order), "forwarded_from: ADDR" and "attachment_only: yes".
 * Adding a case means adding two files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "unit.h"

#include "agendad/extract.h"
#include "agendad/util.h"
/* the word-list helpers of extract_text.c, tested on their own */
#include "../../src/extract_p.h"

#define MAX_HEADERS 16
#define MAX_ATTACHMENTS 4
#define MAX_EXPECTED 8

/* A hand-built decoded mail: what mime.c would produce. */
struct test_mail {
	struct mail_text mail;
	struct mail_header headers[MAX_HEADERS];
	struct mail_attachment attachments[MAX_ATTACHMENTS];
};

static void mail_build(struct test_mail *t, const char *subject, const char *from,
		       const char *body)
{
	memset(t, 0, sizeof(*t));
	t->mail.subject = (char *)(uintptr_t)(subject != NULL ? subject : "");
	t->mail.from_addr = (char *)(uintptr_t)from;
	t->mail.body = (char *)(uintptr_t)(body != NULL ? body : "");
	t->mail.headers = t->headers;
	t->mail.attachments = t->attachments;
	t->mail.content_type = (char *)(uintptr_t) "text/plain";
}

static void mail_add_header(struct test_mail *t, const char *name, const char *value)
{
	assert_true(t->mail.n_headers < MAX_HEADERS);
	t->headers[t->mail.n_headers].name = (char *)(uintptr_t)name;
	t->headers[t->mail.n_headers].value = (char *)(uintptr_t)value;
	t->mail.n_headers++;
}

static void mail_add_attachment(struct test_mail *t, const char *filename, const char *type)
{
	assert_true(t->mail.n_attachments < MAX_ATTACHMENTS);
	t->attachments[t->mail.n_attachments].filename = (char *)(uintptr_t)filename;
	t->attachments[t->mail.n_attachments].content_type = (char *)(uintptr_t)type;
	t->attachments[t->mail.n_attachments].size = 12345;
	t->mail.n_attachments++;
}

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

/* Every extraction, whatever the input: valid UTF-8, single-spaced
 * paragraphs, no empty title or text, within the limits. */
static void check_invariants(const struct extraction *ex, const struct extract_limits *limits)
{
	assert_non_null(ex->clean_subject);
	assert_true(valid_utf8(ex->clean_subject));
	if (limits != NULL && limits->max_questions > 0)
		assert_true(ex->n_questions <= (size_t)limits->max_questions);
	for (size_t i = 0; i < ex->n_questions; i++) {
		const struct question_draft *q = &ex->questions[i];

		assert_non_null(q->title);
		assert_non_null(q->text);
		assert_true(q->title[0] != '\0');
		assert_true(q->text[0] != '\0');
		assert_true(valid_utf8(q->title));
		assert_true(valid_utf8(q->text));
		assert_null(strchr(q->text, '\n'));
		assert_null(strstr(q->text, "  "));
		assert_true(q->text[strlen(q->text) - 1] != ' ');
		if (limits != NULL && limits->max_question_bytes > 0)
			assert_true(strlen(q->text) <= limits->max_question_bytes);
	}
}

/* ------------------------------------------------------------------------ */
/* Inline cases: short mails, one form each. */

struct inline_case {
	const char *name;
	const char *subject;
	const char *body;
	const char *attachment; /* file name of one attachment, or NULL */
	const char *attachment_type;
	const char *questions[MAX_EXPECTED]; /* NULL-terminated */
	bool attachment_only;
	const char *forwarded_from;
};

static const struct inline_case inline_cases[] = {
	{ "god morgon greeting",
	  "Resor till daglig verksamhet",
	  "God morgon,\n\nKan kommunen se över reglerna för resor till och från daglig "
	  "verksamhet?\n\nHälsningar\nLena",
	  NULL, NULL,
	  { "Kan kommunen se över reglerna för resor till och från daglig verksamhet?" }, false, NULL },
	{ "star bullets after intro",
	  "Frågor till LSS-samverkan",
	  "Hej alla,\n\nVi har några frågor som vi vill ta upp:\n\n* Hur många väntar på "
	  "korttidsplats?\n* Varför har avgiften för korttids höjts?\n\nMvh\nPer",
	  NULL, NULL,
	  { "Hur många väntar på korttidsplats?", "Varför har avgiften för korttids höjts?" }, false, NULL },
	/* a lead-in that counts what follows asks nothing of its own */
	{ "a lead-in of its own between two questions",
	  "Sommaren",
	  "Hej,\n\nVarför stänger badhuset i juli?\n\nJag vill också veta en sak.\n\n"
	  "Får man ta med ledsagare gratis på bussen?\n\nMvh Eva",
	  NULL, NULL,
	  { "Varför stänger badhuset i juli?", "Får man ta med ledsagare gratis på bussen?" },
	  false, NULL },
	{ "a counting lead-in above a question",
	  "Frågor",
	  "Hej!\n\nTvå saker från RBU.\n\nHur många platser finns det på sommarfritids i "
	  "år?\n\nHälsningar\nPer",
	  NULL, NULL,
	  { "Hur många platser finns det på sommarfritids i år?" }, false, NULL },
	/* thanks for the council's acknowledgement: its Subject is no question */
	{ "a reply that only thanks",
	  "Sv: SV: Skolskjuts under sommarlovet",
	  "Tack för beskedet, skönt att den kom fram!\n\n/Anna\n\nSkickat från min iPhone",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a reply that thanks and asks to take it up again",
	  "SV: Skolskjuts under sommarlovet",
	  "Tack för svaret. Kan ni ta upp frågan igen på nästa möte?\n\n/Anna",
	  NULL, NULL,
	  { "Kan ni ta upp frågan igen på nästa möte?" }, false, NULL },
	{ "a new mail that only thanks in advance keeps its Subject",
	  "Skolskjuts under sommarlovet",
	  "Tack på förhand!\n\n/Anna",
	  NULL, NULL,
	  { "Skolskjuts under sommarlovet" }, false, NULL },
	/* a lowercase question after a full stop, without its '?' */
	{ "a lowercase why after a full stop is a question of its own",
	  "Korttids",
	  "hej\n\nvarför får min son inte gå kvar på korttidstillsynen i sommar??\n\nsen har "
	  "taxan för färdtjänst gått upp i höstas. varför har den höjts så mycket\n\nmvh Jenny",
	  NULL, NULL,
	  { "Varför får min son inte gå kvar på korttidstillsynen i sommar??",
	    "Sen har taxan för färdtjänst gått upp i höstas. varför har den höjts så mycket" },
	  false, NULL },
	/* a writer who never capitalises still ends sentences with a full stop */
	{ "a lowercase self-introduction before a lowercase question",
	  "Skolskjuts",
	  "hej\n\njag skriver för rbu, jag är ny i styrelsen. varför har skolskjutsen blivit "
	  "sämre i år? t.ex. kommer bussen ofta sent.\n\nmvh Lisa",
	  NULL, NULL,
	  { "Varför har skolskjutsen blivit sämre i år? t.ex. kommer bussen ofta sent." }, false,
	  NULL },
	/* leaving the mailing list, and why, is for the secretary */
	{ "mailing list request only",
	  "Avregistrering",
	  "Hej,\n\nJag har slutat i styrelsen efter årsmötet. Var vänlig ta bort mig från "
	  "utskickslistan för kallelser.\n\nNya kontaktuppgifter till föreningen får ni av "
	  "vår sekreterare.\n\nHälsningar\nBo",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "mailing list request beside a question",
	  "Frågor",
	  "Hej,\n\nTa bort min gamla adress från er sändlista.\n\nHur många väntar på "
	  "plats i gruppbostad just nu?\n\nMvh\nEva",
	  NULL, NULL,
	  { "Hur många väntar på plats i gruppbostad just nu?" }, false, NULL },
	{ "greeting and closing only, generic subject",
	  "Frågor",
	  "Hej!\n\nHälsningar\nAnna Svensson\nFUB Exempelstad",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "empty body, prefixed specific subject",
	  "SV: VB: Re: Fråga: Parkeringstillstånd för ledsagare",
	  "",
	  NULL, NULL,
	  { "Parkeringstillstånd för ledsagare" }, false, NULL },
	{ "attachment only",
	  "Frågor inför mötet",
	  "Hej!\n\nSe bifogad fil.\n\nMvh\nMärta",
	  "Frågor.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  { NULL }, true, NULL },
	{ "says attached but nothing attached",
	  "Frågor inför mötet",
	  "Hej!\n\nSe bifogad fil.\n\nMvh\nMärta",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "only a signature logo attached",
	  "Frågor till mötet",
	  "",
	  "image001.png", "image/png",
	  { NULL }, false, NULL },
	{ "bifogar intro with questions in body too",
	  "Frågor till LSS-samverkan",
	  "Hej,\n\nBifogar våra frågor inför mötet. Dessutom undrar vi när hissen i stadshuset "
	  "lagas?\n\n/Lena",
	  "fragor.pdf", "application/pdf",
	  /* the file holds questions too: the secretary is told to open it */
	  { "Dessutom undrar vi när hissen i stadshuset lagas?" }, true, NULL },
	{ "a file that is not the questions, beside a question",
	  "Fråga",
	  "Hej,\n\nBifogar protokollet från vårt årsmöte. Dessutom undrar vi när hissen i "
	  "stadshuset lagas?\n\n/Lena",
	  "protokoll.pdf", "application/pdf",
	  { "Dessutom undrar vi när hissen i stadshuset lagas?" }, false, NULL },
	{ "documentation and pdf in the matter are not the attachment",
	  "Fråga",
	  "Hej!\n\nIVO har riktat kritik för brister i dokumentationen. Familjerna har fått "
	  "beslutet som pdf utan förklaring. Vad gör förvaltningen åt det?\n\n/Lena",
	  NULL, NULL,
	  { "IVO har riktat kritik för brister i dokumentationen. Familjerna har fått beslutet "
	    "som pdf utan förklaring. Vad gör förvaltningen åt det?" }, false, NULL },
	{ "also wants to know, without a question mark",
	  "Frågor",
	  "Hej!\n\nVi vill veta hur många som väntar på plats i daglig verksamhet.\n\n"
	  "Vi vill också veta när den nya verksamheten på Söder öppnar.\n\n/Lena",
	  NULL, NULL,
	  { "Vi vill veta hur många som väntar på plats i daglig verksamhet.",
	    "Vi vill också veta när den nya verksamheten på Söder öppnar." }, false, NULL },
	{ "sent from my iphone, english",
	  "Fråga",
	  "Varför har habiliteringsersättningen inte höjts sedan 2019?\n\nSent from my iPhone",
	  NULL, NULL,
	  { "Varför har habiliteringsersättningen inte höjts sedan 2019?" }, false, NULL },
	{ "outlook for android footer",
	  "Fråga",
	  "Hej Karin!\nHur många timvikarier används i gruppbostäderna?\n\nSkickat från Outlook "
	  "för Android",
	  NULL, NULL,
	  { "Hur många timvikarier används i gruppbostäderna?" }, false, NULL },
	{ "absence notice only",
	  "Inför mötet",
	  "Hej!\n\nJag kan tyvärr inte närvara på mötet den 12 november.\n\nMvh Anna",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "attendance before a question in one paragraph",
	  "Fråga om boendestöd",
	  "Hej! Vi kommer att vara två från föreningen på mötet. Vi undrar varför boendestödet "
	  "har minskat i omfattning?",
	  NULL, NULL,
	  { "Vi undrar varför boendestödet har minskat i omfattning?" }, false, NULL },
	{ "interleaved, minimal",
	  "SV: Frågor",
	  "Hej Karin,\n\n> Vilka frågor har ni?\n\nVarför är handläggningstiderna så "
	  "långa?\n\n> Något mer?\n\nNej, det var allt.\n",
	  NULL, NULL,
	  { "Varför är handläggningstiderna så långa?" }, false, NULL },
	{ "en dash bullets",
	  "Frågor till LSS-samverkan",
	  "Hej!\n\n– Hur många har fått avslag på ledsagarservice?\n– Hur många har överklagat?\n",
	  NULL, NULL,
	  { "Hur många har fått avslag på ledsagarservice?", "Hur många har överklagat?" }, false, NULL },
	{ "intro line and a prose question",
	  "Frågor",
	  "Hej!\n\nHär kommer våra frågor:\n\nHur säkerställs kontinuiteten i hemtjänsten för "
	  "personer med autism?\n\nMvh",
	  NULL, NULL,
	  { "Hur säkerställs kontinuiteten i hemtjänsten för personer med autism?" }, false, NULL },
	{ "non-breaking spaces from HTML",
	  "Fråga",
	  "Hej!\n\nHur\xc2\xa0 många\xc2\xa0platser finns?\n",
	  NULL, NULL,
	  { "Hur många platser finns?" }, false, NULL },
	{ "invalid UTF-8 is repaired, not split",
	  "Fr\xe5ga",
	  "Hur m\xe5nga st\xe5r i k\xf6?\n",
	  NULL, NULL,
	  { "Hur m\xef\xbf\xbdnga st\xef\xbf\xbdr i k\xef\xbf\xbd?" }, false, NULL },
	{ "CRLF line ends",
	  "Fråga",
	  "Hej!\r\n\r\nNär öppnar den nya gruppbostaden?\r\n\r\nMvh\r\nAnna\r\n",
	  NULL, NULL,
	  { "När öppnar den nya gruppbostaden?" }, false, NULL },
	{ "two greeting lines",
	  "Frågor",
	  "Hej Karin!\nTill LSS-samverkan\n\nHur många elever saknar fritidshem?\n",
	  NULL, NULL,
	  { "Hur många elever saknar fritidshem?" }, false, NULL },
	{ "ISO date attribution",
	  "Re: Frågor",
	  "Varför har avgifterna höjts?\n\nDen 2026-11-03 10:12 skrev Karin Lindqvist "
	  "<karin@exempelstad.se>:\n> Hej! Har ni frågor?\n",
	  NULL, NULL,
	  { "Varför har avgifterna höjts?" }, false, NULL },
	{ "english attribution and iphone",
	  "Re: Questions",
	  "Hur ser planen för nya LSS-bostäder ut?\n\nSent from my iPhone\n\nOn 3 Nov 2026, at "
	  "10:12, Karin Lindqvist <karin@exempelstad.se> wrote:\n\n> Any questions?\n",
	  NULL, NULL,
	  { "Hur ser planen för nya LSS-bostäder ut?" }, false, NULL },
	{ "gmail forward, note is only a request",
	  "Fwd: Fråga",
	  "Kan ni ta upp detta?\n\n---------- Forwarded message ---------\nFrom: Eva Holm "
	  "<Eva.Holm@Webbmejl.SE>\nDate: Mon, 2 Nov 2026\nSubject: Fråga\n\nHej!\nVarför stänger "
	  "simhallen för gruppbostäderna?\nEva\n",
	  NULL, NULL,
	  { "Varför stänger simhallen för gruppbostäderna?" }, false, "eva.holm@webbmejl.se" },
	{ "uppercase swedish closing",
	  "Fråga",
	  "Varför tar bostadsanpassningen så lång tid?\n\nMED VÄNLIGA HÄLSNINGAR\nÖRJAN "
	  "ÅSTRÖM\nORDFÖRANDE",
	  NULL, NULL,
	  { "Varför tar bostadsanpassningen så lång tid?" }, false, NULL },
	{ "a line presenting what follows is no background",
	  "Ledsagarservice",
	  "Hej!\n\nHär följer vår sammanställning:\n\nHur många har fått avslag på ansökan om "
	  "ledsagarservice i år?\n\nMvh\nPer",
	  NULL, NULL,
	  { "Hur många har fått avslag på ansökan om ledsagarservice i år?" }, false, NULL },
	{ "who attends, by name, after the question",
	  "Hemtjänst",
	  "Varför har taxan för hemtjänst höjts?\n\nFrån FUB Exempelstad kommer Anna Berg "
	  "(ordförande) och jag.\n\n/Per",
	  NULL, NULL,
	  { "Varför har taxan för hemtjänst höjts?" }, false, NULL },
	{ "names that do not attend stay",
	  "Hjälpmedel",
	  "Region Exempelstad kommer från och med januari att ta över förskrivningen av "
	  "hjälpmedel. Hur påverkar det våra medlemmar?",
	  NULL, NULL,
	  { "Region Exempelstad kommer från och med januari att ta över förskrivningen av "
	    "hjälpmedel. Hur påverkar det våra medlemmar?" }, false, NULL },
	{ "an apology for being late is no background",
	  "Fråga inför mötet",
	  "Hej! Sorry sent men hinner inte mer nu. Min son har adhd och börjar sjuan i höst. Vad "
	  "finns det för korttidstillsyn efter skolan för barn över 12?\n\nMaria",
	  NULL, NULL,
	  { "Min son har adhd och börjar sjuan i höst. Vad finns det för korttidstillsyn efter "
	    "skolan för barn över 12?" }, false, NULL },
	{ "who attends, after the meeting and its day",
	  "Hemtjänst",
	  "Varför har taxan för hemtjänst höjts?\n\nTill LSS-samverkan den 11 februari kommer "
	  "Göran Ek och Margareta Lund från SRF.\n\n/Per",
	  NULL, NULL,
	  { "Varför har taxan för hemtjänst höjts?" }, false, NULL },
	{ "the minutes once more, for the writer",
	  "Hemtjänst",
	  "Hej!\n\nJag hittar inte mötesanteckningarna från novembermötet, kan du skicka dem "
	  "igen?\n\nVarför har taxan för hemtjänst höjts?\n\n/Per",
	  NULL, NULL,
	  { "Varför har taxan för hemtjänst höjts?" }, false, NULL },
	{ "the meeting's link, for the writer",
	  "Hemtjänst",
	  "Varför har taxan för hemtjänst höjts?\n\nJag kan inte komma själv. Skicka gärna "
	  "Teams-länken till mig ändå så lyssnar jag in.\n\n/Per",
	  NULL, NULL,
	  { "Varför har taxan för hemtjänst höjts?" }, false, NULL },
	{ "links in the municipality's services are a matter",
	  "Digitala möten",
	  "Kan vi få länken till daglig verksamhets digitala träffar, så att medlemmarna kan vara "
	  "med hemifrån?",
	  NULL, NULL,
	  { "Kan vi få länken till daglig verksamhets digitala träffar, så att medlemmarna kan "
	    "vara med hemifrån?" }, false, NULL },
	{ "who books the meeting's interpreters, after the notice",
	  "Fråga",
	  "Varför har taxan för hemtjänst höjts?\n\nFrån oss kommer Ingrid Dahl och Tomas Berg. Vi "
	  "behöver skrivtolk under hela mötet, och Tomas behöver teckenspråkstolk. Beställer ni "
	  "tolkarna eller ska vi göra det?\n\n/Ingrid",
	  NULL, NULL,
	  { "Varför har taxan för hemtjänst höjts?" }, false, NULL },
	{ "the question we sent is withdrawn, a new one asked",
	  "Handläggare",
	  "Ang. frågan vi skickade den 6 maj om nattbemanningen på stödboendet Tallen: den kan ni "
	  "stryka från dagordningen.\n\nKan förvaltningen se till att man får behålla samma "
	  "handläggare?\n\n/Bosse",
	  NULL, NULL,
	  { "Kan förvaltningen se till att man får behålla samma handläggare?" }, false, NULL },
	{ "an answer typed under a quote that asks in words, beside a question on top",
	  "SV: Inbjudan",
	  "Hej Karin,\n\nNär får föreningarna se utkastet till den nya planen?\n\nEva\n\n"
	  "Den 12 jan. 2027 kl. 15:47 skrev Karin Lindqvist <karin.lindqvist@exempelstad.se>:\n"
	  "> Menar ni bostadsanpassningen eller kön till bostad med särskild service?\n\n"
	  "Kön. Vi vill veta hur många som väntar på en bostad med särskild service just nu.\n\n"
	  "> Vill ni att vi bjuder in någon?\n\nNej, inte den här gången.\n",
	  NULL, NULL,
	  { "När får föreningarna se utkastet till den nya planen?",
	    "Kön. Vi vill veta hur många som väntar på en bostad med särskild service just nu." },
	  false, NULL },
	{ "the Subject's question, told in the text that points at it",
	  "Fråga: Personal som kan teckenspråk på Lindgården?",
	  "Hej\n\nSom rubriken säger. Vi har två medlemmar som bor på Lindgårdens gruppbostad "
	  "och som använder teckenspråk, men ingen av personalen där kan mer än några enstaka "
	  "tecken.\n\nEn sak till: kan ni se till att kommunens instruktionsfilmer textas?\n\n"
	  "Mvh Anders",
	  NULL, NULL,
	  { "Personal som kan teckenspråk på Lindgården? Vi har två medlemmar som bor på "
	    "Lindgårdens gruppbostad och som använder teckenspråk, men ingen av personalen där "
	    "kan mer än några enstaka tecken.",
	    "Kan ni se till att kommunens instruktionsfilmer textas?" },
	  false, NULL },
	{ "an offer of the figures after the question is no background of it",
	  "Assistans",
	  "Hur ser kommunen på att yngre personer med neurologiska sjukdomar får hemtjänst i "
	  "stället för personlig assistans?\n\nVi har underlaget bakom siffrorna om någon vill "
	  "se det.\n\nKjell",
	  NULL, NULL,
	  { "Hur ser kommunen på att yngre personer med neurologiska sjukdomar får hemtjänst i "
	    "stället för personlig assistans?" }, false, NULL },
	{ "the letter sent before stands",
	  "SV: Gemensam skrivelse",
	  "Vi glömde en fråga.\n\nHur många gynnande beslut enligt LSS har inte verkställts inom "
	  "tre månader?\n\nSkrivelsen nedan gäller som tidigare.\n\nAnnika",
	  NULL, NULL,
	  { "Vi glömde en fråga. Hur många gynnande beslut enligt LSS har inte verkställts inom "
	    "tre månader?" },
	  false, NULL },
	{ "a Subject of the writer's own that asks, over only who attends",
	  "[EXTERN] Fråga: Får man ta med rullatorn i färdtjänsten?",
	  "Hej!\n\nJag kommer på mötet den 16 maj tillsammans med min man.\n\nMvh Gun",
	  NULL, NULL,
	  { "Får man ta med rullatorn i färdtjänsten?" }, false, NULL },
	{ "a member's letter, photographed",
	  "Brev från Gunnel",
	  "Här är ett brev från vår medlem Gunnel som hon vill ha med till mötet.\n\nSkickat från "
	  "min iPhone",
	  "IMG_0412.jpeg", "image/jpeg",
	  { NULL }, true, NULL },
	{ "where in the attached file the questions stand",
	  "Skrivelse från RSMH inför mötet 8 april",
	  "Bifogat finns vår skrivelse. Den blev för lång för att klistra in i mejlet, så vi "
	  "skickar den som Word-fil. Frågorna står under rubriken Frågor i slutet.\n\nAnneli",
	  "Skrivelse från RSMH.docx",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  { NULL }, true, NULL },
	{ "a letter pasted under the cover note's signature",
	  "Gemensam skrivelse",
	  "Hej Karin,\n\nHär kommer en gemensam skrivelse från Funktionsrätt och DHR inför "
	  "mötet.\n\nHälsningar\nAnnika\n\nTill LSS-samverkan\n\nSedan den 1 januari sköts "
	  "beställningen av färdtjänst av en ny central. Hur följer kommunen upp avtalet med den "
	  "nya beställningscentralen?\n\nFör Funktionsrätt Exempelstad\nAnnika Berglund",
	  NULL, NULL,
	  { "Sedan den 1 januari sköts beställningen av färdtjänst av en ny central. Hur följer "
	    "kommunen upp avtalet med den nya beställningscentralen?" },
	  false, NULL },
	{ "what follows a signature is no letter unless the note says so",
	  "Fråga",
	  "Hej Karin,\n\nVarför har taxan för hemtjänst höjts?\n\nHälsningar\nAnnika\n\n"
	  "Funktionsrätt Exempelstad arbetar för allas rätt att delta. Vill du bli medlem?",
	  NULL, NULL,
	  { "Varför har taxan för hemtjänst höjts?" }, false, NULL },
	{ "the answer the writer was given, forwarded below the question, is no background",
	  "Fwd: SV: Skolskjuts",
	  "Hej!\n\nTaxin kommer ofta för sent. Vem ansvarar för att skolskjutsen kommer i "
	  "tid?\n\nJenny\n\n---------- Vidarebefordrat meddelande ---------\nFrån: Mats Ek "
	  "<mats.ek@exempelstad.se>\nDate: ons 3 mars 2027 kl 15:12\nSubject: SV: Skolskjuts\n"
	  "To: Jenny Palm <jenny@x.se>\n\nHej Jenny,\n\nSkolskjutsen utförs av Taxi Exempelstad "
	  "AB enligt avtal med kommunen.\n\nMed vänlig hälsning\nMats Ek\n",
	  NULL, NULL,
	  { "Taxin kommer ofta för sent. Vem ansvarar för att skolskjutsen kommer i tid?" },
	  false, "mats.ek@exempelstad.se" },
	{ "the Subject asks, the text only sends it along",
	  "Fråga: Höjs matkostnaden på korttidshemmen efter nyår?",
	  "Skickar med den här till dec-mötet, flera föräldrar har hört av sig om det.\n\n/Lena FUB",
	  NULL, NULL,
	  { "Höjs matkostnaden på korttidshemmen efter nyår? Skickar med den här till dec-mötet, "
	    "flera föräldrar har hört av sig om det." },
	  false, NULL },
	{ "a day that brings a decision, not a person",
	  "Daglig verksamhet",
	  "Den 11 februari kommer beslutet om daglig verksamhet. Hur påverkar det våra medlemmar?",
	  NULL, NULL,
	  { "Den 11 februari kommer beslutet om daglig verksamhet. Hur påverkar det våra "
	    "medlemmar?" }, false, NULL },
	{ "a member who forgot something is no aside",
	  "Omprövning",
	  "Min son glömde skicka in ansökan i tid och fick avslag. Kan kommunen ompröva beslutet?",
	  NULL, NULL,
	  { "Min son glömde skicka in ansökan i tid och fick avslag. Kan kommunen ompröva "
	    "beslutet?" }, false, NULL },
	{ "no questions about one thing, but a question",
	  "Boendestöd",
	  "Vi har inga frågor om avgifterna, men när kommer beslutet om boendestöd?",
	  NULL, NULL,
	  { "Vi har inga frågor om avgifterna, men när kommer beslutet om boendestöd?" },
	  false, NULL },
	{ "DS outside a postscript is Down's syndrome",
	  "Daglig verksamhet",
	  "Vår son har DS. Hur får han en plats i daglig verksamhet nära hemmet?",
	  NULL, NULL,
	  { "Vår son har DS. Hur får han en plats i daglig verksamhet nära hemmet?" }, false, NULL },
	{ "lowercase start is capitalised",
	  "Fråga",
	  "Hej, är det sant att korttidsboendet Solgläntan ska stänga?",
	  NULL, NULL,
	  { "Är det sant att korttidsboendet Solgläntan ska stänga?" }, false, NULL },
	{ "a body pointing at the subject",
	  "Hur lång är kön till boendestöd?",
	  "Se rubrik. Tack!\n\nMvh Anna",
	  NULL, NULL,
	  { "Hur lång är kön till boendestöd?" }, false, NULL },
	{ "answers typed between the quoted lines, under a note signed at the top",
	  "Re: Hållplatsen vid Torget",
	  "Hej Karin,\nsvarar direkt i ditt mejl nedan.\n\n/Kjell\n\nDen tis 1 sep. 2026 kl "
	  "09:41 skrev Karin Lindqvist <karin.lindqvist@exempelstad.se>:\n\n> Hej Kjell!\n>\n> "
	  "1. Gäller det hållplatsen vid Torget eller den vid Vårdcentralen Norr?\n>\n\nTorget. "
	  "Den byggdes om i juni och nu är kantstenen för hög för bussens ramp.\n\n> 2. Vill ni "
	  "att någon från trafikenheten är med på mötet?\n>\n\nJa gärna. Vi vill att de "
	  "förklarar varför ingen tillgänglighetsgranskning gjordes innan hållplatsen vid Torget "
	  "byggdes om?\n\n> Vänliga hälsningar\n> Karin Lindqvist\n",
	  NULL, NULL,
	  { "Ja gärna. Vi vill att de förklarar varför ingen tillgänglighetsgranskning gjordes "
	    "innan hållplatsen vid Torget byggdes om?" },
	  false, NULL },
	{ "a closing shortened to 'hälsn' and the name on its line",
	  "Boendestöd",
	  "hej karin\n\nsen undrar vi hur lång väntetiden är för personligt ombud nu, flera "
	  "medlemmar har väntat sen i höstas\n\nhälsn bosse lindgren rsmh exempelstad\n\n"
	  "Skickat från min Galaxy",
	  NULL, NULL,
	  { "Sen undrar vi hur lång väntetiden är för personligt ombud nu, flera medlemmar har "
	    "väntat sen i höstas" },
	  false, NULL },
	{ "a one-line phone mail signed after a slash",
	  "Korttids i sommar",
	  "hej! stänger korttidshemmet Solrosen v 28-31 i sommar igen? förra året fick vi veta det "
	  "i slutet av maj och då hann vi inte ordna nåt annat. tack på förhand! /Sara mamma till "
	  "Elsa 8 år\n\nSkickat från min iPhone",
	  NULL, NULL,
	  { "Stänger korttidshemmet Solrosen v 28-31 i sommar igen? förra året fick vi veta det i "
	    "slutet av maj och då hann vi inte ordna nåt annat." },
	  false, NULL },
	{ "a phone's photo of a letter sent along",
	  "Brev från medlem",
	  "Hej! Här kommer ett brev från en av våra medlemmar, Gun-Britt, som inte har dator. Hon "
	  "bad mig skicka det till er inför mötet i juni.\nHälsningar Birgitta, "
	  "Reumatikerföreningen",
	  "image0.jpeg", "image/jpeg",
	  { NULL }, true, NULL },
	{ "how the writer is reached is no part of the question",
	  "Fråga från tidningen",
	  "Hej!\n\nJag är reporter på Exempelstads Tidning. Hur ofta träffas rådet och vilka "
	  "frågor tar det upp? Jag nås enklast på 070-123 45 67. Om något är oklart går det bra "
	  "att ringa mig.\n\nMvh\nLisa",
	  NULL, NULL,
	  { "Jag är reporter på Exempelstads Tidning. Hur ofta träffas rådet och vilka frågor tar "
	    "det upp?" },
	  false, NULL },
	{ "what the attached plan says is no background of the question",
	  "Verksamhetsplan",
	  "Hej Karin,\n\nBifogat finns NEURO:s verksamhetsplan för 2027, för kännedom. Där står "
	  "bland annat att vi vill ordna en temadag om MS i höst.\n\nVi har en fråga till "
	  "mötet:\n\nSocialnämnden har fått ett sparkrav. Vilka besparingar planeras inom "
	  "funktionsstöd?\n\nMvh\nKarl",
	  "verksamhetsplan-2027.pdf", "application/pdf",
	  { "Socialnämnden har fått ett sparkrav. Vilka besparingar planeras inom funktionsstöd?" },
	  false, NULL },
	{ "an association's initials and the meeting name no topic",
	  "RBU inför mötet 23/10",
	  "Hej!\n\nVåra frågor finns i den bifogade filen.\n\nMvh\nLotta",
	  "fragor-rbu.pdf", "application/pdf",
	  { NULL }, true, NULL },
	{ "an apology in English for the language",
	  "Frågor",
	  "Hej alla,\n\nSorry for the mix of Swedish and English, I have had meetings in English "
	  "all day and my brain refuses to switch. Varför har personalen på Kompassen bytts ut fem "
	  "gånger sedan sommaren?\n\nThanks a lot\nMaria",
	  NULL, NULL,
	  { "Varför har personalen på Kompassen bytts ut fem gånger sedan sommaren?" },
	  false, NULL },
	{ "a writer who hopes it is all right to write",
	  "Fråga från Ekbackaskolan",
	  "Hej!\n\nJag är speciallärare på Ekbackaskolan. Jag hoppas att det går bra att jag "
	  "skriver, fast jag inte representerar någon förening.\n\nEleverna hämtas av skoltaxin "
	  "en timme innan skoldagen slutar. Vem ansvarar för att skoltaxin anpassas efter "
	  "skoldagen?\n\nMed vänliga hälsningar\nAnna",
	  NULL, NULL,
	  { "Jag är speciallärare på Ekbackaskolan. Eleverna hämtas av skoltaxin en timme innan "
	    "skoldagen slutar. Vem ansvarar för att skoltaxin anpassas efter skoldagen?" },
	  false, NULL },
	{ "a body pointing at the subject and asking for an answer at the meeting",
	  "Varför stänger träffpunkten Fyren mellan jul och trettondagen?",
	  "Se ämnet. Vill ha svar på mötet\n\nMvh Bosse RSMH\n\n\n\nSkickat från min Galaxy",
	  NULL, NULL,
	  { "Varför stänger träffpunkten Fyren mellan jul och trettondagen?" }, false, NULL },
	{ "an answer asked for beside a question is no question of its own",
	  "Fråga",
	  "Hej!\nVarför kommer färdtjänsten så sent till Verkstan? Vi önskar skriftligt svar före "
	  "mötet.\n\nMvh Bosse",
	  NULL, NULL,
	  { "Varför kommer färdtjänsten så sent till Verkstan?" }, false, NULL },
	{ "an answer asked for about a matter it names is a question",
	  "Fråga",
	  "Hej!\nVi vill ha svar om färdtjänsten till Verkstan på mötet.\n\nMvh Bosse",
	  NULL, NULL,
	  { "Vi vill ha svar om färdtjänsten till Verkstan på mötet." }, false, NULL },
	{ "a reply to the agenda that finds it fine and is glad, joined by och",
	  "Re: Dagordning LSS-samverkan 11 december",
	  "Tack Karin! Dagordningen ser bra ut och skönt att bassängen kom med. Vi ses på "
	  "torsdag.\n\nMargareta",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "finding the agenda fine, then a question joined by och",
	  "Re: Dagordning LSS-samverkan 11 december",
	  "Dagordningen ser bra ut och vi undrar när bassängen öppnar igen.\n\nMargareta",
	  NULL, NULL,
	  { "Dagordningen ser bra ut och vi undrar när bassängen öppnar igen." }, false, NULL },
	{ "requests with vänligen, one paragraph each",
	  "Till mötet",
	  "Hej!\n\nFUB har två punkter till dagordningen.\n\nVänligen förklara varför avgiften "
	  "för korttids har höjts.\n\nVänligen redogör för väntetiden till gruppbostad.\n\n"
	  "Hälsningar\nLena",
	  NULL, NULL,
	  { "Vänligen förklara varför avgiften för korttids har höjts.",
	    "Vänligen redogör för väntetiden till gruppbostad." }, false, NULL },
	{ "an apology for the language and a joint sender are no question",
	  "Färdtjänst",
	  "FUB och RBU står gemensamt bakom den här frågan.\n\nFörlåt min dåliga svenska. "
	  "Varför har färdtjänsten blivit dyrare?",
	  NULL, NULL,
	  { "Varför har färdtjänsten blivit dyrare?" }, false, NULL },
	{ "a board's signature signed by one member (gm) goes",
	  "Boendestöd",
	  "Hej,\n\nFöreningen vill att förvaltningen berättar varför boendestöd inte längre "
	  "beviljas på kvällar.\n\nStyrelsen, RSMH Exempelstad\ngm Sanna Ek",
	  NULL, NULL,
	  { "Föreningen vill att förvaltningen berättar varför boendestöd inte längre beviljas "
	    "på kvällar." }, false, NULL },
	{ "an 'Info:' item that tells is no question",
	  "Frågor från Attention",
	  "Här kommer våra frågor:\n\n* Hur många elever med npf har varit hemma från skolan "
	  "i vår?\n* Info: vi har bytt kassör, nya kassören heter Ahmed Noor.\n\nHälsningar\n"
	  "Nadia",
	  NULL, NULL,
	  { "Hur många elever med npf har varit hemma från skolan i vår?" }, false, NULL },
	{ "'och vi undrar också' in one sentence is a second question",
	  "Två frågor från HRF",
	  "Hej!\n\nVi undrar hur många unga vuxna som väntar på en plats i daglig verksamhet "
	  "och vi undrar också när personalen på Tallbacken ska få utbildning i teckenspråk.\n\n"
	  "Tack på förhand!\nBirgitta",
	  NULL, NULL,
	  { "Vi undrar hur många unga vuxna som väntar på en plats i daglig verksamhet",
	    "Vi undrar också när personalen på Tallbacken ska få utbildning i teckenspråk." },
	  false, NULL },
	{ "'och vi' that adds no question does not split",
	  "Daglig verksamhet",
	  "Vi undrar hur många unga vuxna som väntar på en plats i daglig verksamhet och vi "
	  "vet att kön har vuxit i år.",
	  NULL, NULL,
	  { "Vi undrar hur många unga vuxna som väntar på en plats i daglig verksamhet och vi "
	    "vet att kön har vuxit i år." }, false, NULL },
	{ "the body points at a question in the Subject and asks another",
	  "Varför har ledsagarservicen minskats till 8 timmar i månaden?",
	  "Hej Karin!\n\nFrågan i ämnesraden har många medlemmar ställt till oss, ta gärna med "
	  "den på mötet. Dessutom undrar vi när e-tjänsten för färdtjänst ska gå att använda "
	  "med skärmläsare?\n\nHälsningar\nInger",
	  NULL, NULL,
	  { "Varför har ledsagarservicen minskats till 8 timmar i månaden?",
	    "Dessutom undrar vi när e-tjänsten för färdtjänst ska gå att använda med "
	    "skärmläsare?" }, false, NULL },
	{ "a newsletter: sections under capital headings, questions to the reader",
	  "Månadsbrev mars 2025",
	  "Hej alla!\n\nHär kommer föreningens månadsbrev för mars till medlemmarna och till "
	  "LSS-samverkan.\n\nÅRSMÖTE\nÅrsmötet hålls den 12 april i Folkets hus. Vill du vara "
	  "med och påverka? Anmäl dig till kansliet senast den 5 april.\n\nTILL LSS-SAMVERKAN\n"
	  "Varför har kommunen inte bjudit in föreningarna till samråd om den nya riktlinjen?\n\n"
	  "MEDLEMSAVGIFTEN\nGlöm inte att betala avgiften för 2025. Har du frågor om avgiften? "
	  "Kontakta kassören.\n\nHälsningar\nStyrelsen",
	  NULL, NULL,
	  { "Varför har kommunen inte bjudit in föreningarna till samråd om den nya "
	    "riktlinjen?" }, false, NULL },
	{ "a mail all in capitals has no section headings",
	  "Korttids",
	  "HEJ\n\nMIN SON HAR FÅTT AVSLAG PÅ\nKORTTIDSVISTELSE OCH VI UNDRAR\nVARFÖR DET "
	  "BLEV SÅ?\n\nMVH ANNA",
	  NULL, NULL,
	  { "MIN SON HAR FÅTT AVSLAG PÅ KORTTIDSVISTELSE OCH VI UNDRAR VARFÖR DET BLEV SÅ?" },
	  false, NULL },
	{ "a table in Gmail's text/plain: one cell a line, rows numbered",
	  "RBU:s frågor",
	  "Hej,\n\nVåra frågor i en tabell:\n\nNr\nFråga\nVarför vi frågar\n1\nHur många barn "
	  "väntar på plats på korttidshemmet?\nFlera familjer har väntat över ett år.\n2\nNär får "
	  "skolan en specialpedagog på heltid?\nFöräldrar hör av sig varje vecka.\n\nTack på "
	  "förhand!\n\nAnneli",
	  NULL, NULL,
	  { "Hur många barn väntar på plats på korttidshemmet?",
	    "När får skolan en specialpedagog på heltid?" }, false, NULL },
	{ "two member mails attached side by side: the first keeps its background",
	  "Två frågor från medlemmar",
	  "Hej Karin!\n\nJag bifogar två mejl från medlemmar.\n\nHälsningar\nLena\n\n"
	  "---------- Vidarebefordrat meddelande ----------\nFrån: Birgitta Olsson "
	  "<birgitta@example.com>\nÄmne: Hyran\n\nHej Lena!\n\nMin dotter bor på gruppbostaden "
	  "Lärkan och hyran har höjts två gånger i år.\n\nVarför höjs hyrorna i kommunens "
	  "gruppbostäder så mycket?\n\nHälsningar\nBirgitta\n\n"
	  "---------- Vidarebefordrat meddelande ----------\nFrån: Ahmed Karimi "
	  "<ahmed@example.com>\nÄmne: Snickeriet\n\nHej!\n\nVem har beslutat att Snickeriet ska "
	  "slås ihop med Verkstan?\n\nMvh Ahmed",
	  NULL, NULL,
	  { "Min dotter bor på gruppbostaden Lärkan och hyran har höjts två gånger i år. Varför "
	    "höjs hyrorna i kommunens gruppbostäder så mycket?",
	    "Vem har beslutat att Snickeriet ska slås ihop med Verkstan?" },
	  false, "birgitta@example.com" },
	{ "a comment typed into a calendar answer: coming is no question",
	  "Godkänt: LSS-samverkan 3 april",
	  "Vi kommer, och vår kassör Per Ek följer med. Kan vi ta upp den nya hemtjänstavgiften "
	  "på mötet? Flera medlemmar har fått högre räkningar.\n\n/Maria",
	  NULL, NULL,
	  { "Kan vi ta upp den nya hemtjänstavgiften på mötet? Flera medlemmar har fått högre "
	    "räkningar." }, false, NULL },
	{ "when and where the meeting is: asked of the secretary, not the council",
	  "Frågor till LSS-samverkan",
	  "Hej!\n\n1. Hur många väntar på plats i gruppbostad?\n\n2. Varför har avgiften för "
	  "trygghetslarm höjts?\n\nEn sak till: slutar mötet kl. 15.00 som vanligt? Jag måste "
	  "beställa färdtjänst hem.\n\nKan mötena hållas på kvällstid så att fler kan "
	  "delta?\n\nKan vi presentera vår enkät om ledsagning på mötet kl. 14?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Hur många väntar på plats i gruppbostad?",
	    "Varför har avgiften för trygghetslarm höjts?",
	    "Kan mötena hållas på kvällstid så att fler kan delta?",
	    "Kan vi presentera vår enkät om ledsagning på mötet kl. 14?" }, false, NULL },
	{ "where the meeting is, in prose",
	  "Frågor",
	  "Hej Karin,\n\nNär öppnar den nya gruppbostaden på Ekvägen?\n\nVar hålls mötet den 3 "
	  "april? Jag hittar ingen adress i kallelsen.\n\nHälsningar\nOla",
	  NULL, NULL,
	  { "När öppnar den nya gruppbostaden på Ekvägen?" }, false, NULL },
	{ "a table in Outlook's text/plain: one cell a line, blank lines between",
	  "NEURO:s frågor",
	  "Hej,\n\nVåra frågor i tabellform:\n\nNr\n\nFråga\n\nBakgrund\n\n1\n\nHur många "
	  "har fått avslag på ledsagarservice i år?\n\nAllt fler medlemmar hör av sig om "
	  "avslag.\n\n2\n\nNär öppnar den nya träffpunkten i Norrby?\n\nDen skulle ha öppnat "
	  "i januari.\n\n\nMed vänlig hälsning\n\nPer",
	  NULL, NULL,
	  { "Hur många har fått avslag på ledsagarservice i år?",
	    "När öppnar den nya träffpunkten i Norrby?" }, false, NULL },
	{ "a chain of forwards: the colleague asked to pass it on is no question",
	  "VB: VB: Ledsagning",
	  "Hej Karin,\n\nVidarebefordrar en fråga från en medlem, se längst ner.\n\nHälsningar\n"
	  "Eva Ek\n\n________________________________\nFrån: Olle Berg "
	  "<olle@dhr-exempelstad.se>\nSkickat: den 2 mars 2025 19:47\nTill: Eva Ek "
	  "<eva@dhr-exempelstad.se>\nÄmne: VB: Ledsagning\n\nEva, kan du skicka den här vidare "
	  "till kommunen? Du sitter ju i rådet.\n\n/Olle\n\n\nFrån: Siv Holm "
	  "<siv.holm@example.com>\nSkickat: söndag, 2 mars 2025 10:12\nTill: "
	  "info@dhr-exempelstad.se\nÄmne: Ledsagning\n\nHej!\n\nVarför har ledsagarservicen "
	  "dragits ner till tio timmar i månaden?\n\nMvh Siv",
	  NULL, NULL,
	  { "Varför har ledsagarservicen dragits ner till tio timmar i månaden?" }, false,
	  "olle@dhr-exempelstad.se" },
	{ "no punctuation: greeting, writer and closing go, 'och sen undrar vi också' is one more",
	  "fråga",
	  "hej eva det är jonas från rbu vi undrar när den nya korttidsgruppen ska öppna och sen "
	  "undrar vi också om det blir något sommarläger för barnen i år mvh jonas\n\nSkickat "
	  "från min Galaxy",
	  NULL, NULL,
	  { "Vi undrar när den nya korttidsgruppen ska öppna",
	    "Sen undrar vi också om det blir något sommarläger för barnen i år" }, false, NULL },
	{ "no punctuation: 'hej karin och alla jag heter jonas'",
	  "fråga",
	  "hej karin och alla jag heter jonas vi undrar när den nya korttidsgruppen ska öppna för "
	  "barnen i kommunen",
	  NULL, NULL,
	  { "Vi undrar när den nya korttidsgruppen ska öppna för barnen i kommunen" }, false,
	  NULL },
	{ "regrets with an adverb in 'har förhinder', a substitute: attendance",
	  "Frågor",
	  "Hej Karin,\n\nJag har tyvärr förhinder den 10 december, vi har styrelsemöte i "
	  "förbundet samma dag.\n\nHälsningar\nPer",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "thanks and no questions: the reply's Subject is no question",
	  "SV: Mötesanteckning LSS-samverkan 24 september",
	  "Hej Karin!\n\nTack för mötesanteckningarna, de var tydliga. Vi har inga frågor till "
	  "nästa möte den här gången, men vi kommer gärna.\n\nHälsningar\nEva",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "regrets under a specific Subject: no question",
	  "Förhinder 10 december",
	  "Hej Karin,\n\nJag kan inte komma den 10 december. Birgitta Ahl kommer i mitt "
	  "ställe.\n\nHälsningar\nPer",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "empty body under a specific Subject: the Subject asks",
	  "Parkering vid Medborgarhuset",
	  "Hej!\n\nTack på förhand.\n\nHälsningar\nPer",
	  NULL, NULL,
	  { "Parkering vid Medborgarhuset" }, false, NULL },
	{ "questions in the file: a statement beside them is no question",
	  "Frågor inför mötet",
	  "Hej,\n\nBifogar våra frågor inför mötet. Vi har samlat dem från våra "
	  "medlemsföreningar.\n\nMvh\nMaria",
	  "Frågor inför mötet.docx",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  { NULL }, true, NULL },
	{ "a long request to take a member's question to the meeting passes it on",
	  "Fwd: Daglig verksamhet Verkstan flyttar",
	  "Hej Karin! Kan vi ta med den här frågan från en av våra medlemmar till mötet den "
	  "10/12?\n/Anna\n\n---------- Forwarded message ---------\nFrån: Monica Persson "
	  "<monica.persson@telia.com>\nDate: sön 22 nov. 2026 kl 19:03\nSubject: Daglig "
	  "verksamhet Verkstan flyttar\nTo: <anna@fub-exempelstad.se>\n\nHej Anna\nVi har "
	  "fått veta att Verkstan ska flytta till Norrby. Varför flyttas verksamheten så långt "
	  "bort?\n\nKan du ta upp det på nästa möte med kommunen?\n\nHälsningar Monica\n",
	  NULL, NULL,
	  { "Vi har fått veta att Verkstan ska flytta till Norrby. Varför flyttas verksamheten "
	    "så långt bort?" }, false, "monica.persson@telia.com" },
	{ "in what capacity the writer writes is no background",
	  "Ledsagning",
	  "Hej!\n\nJag är medlem i FUB men skriver privat, jag har pratat med Anna om det. Min "
	  "bror har inte fått någon ledsagare sedan i somras. Vad gör kommunen när det inte "
	  "finns någon ledsagare?\n\nMvh Ahmed",
	  NULL, NULL,
	  { "Min bror har inte fått någon ledsagare sedan i somras. Vad gör kommunen när det "
	    "inte finns någon ledsagare?" }, false, NULL },
	{ "a long letter: background far above the question stays out",
	  "Korttidsvistelse",
	  "Hej!\n\nRBU Exempelstad har ett sextiotal medlemsfamiljer och har funnits i "
	  "kommunen i mer än fyrtio år.\n\nUnder hösten har vi fått många samtal från föräldrar "
	  "som berättar att deras barn har fått vänta länge på ett beslut om korttidsvistelse. "
	  "Flera av dem har väntat mer än ett halvår, och under tiden har familjerna fått klara "
	  "sig själva utan avlösning. Några föräldrar har blivit sjukskrivna, och syskonen får "
	  "mindre tid med sina föräldrar än de behöver.\n\nKorttidshemmet Ekbacken kan inte ta "
	  "emot barn som behöver hjälp på natten, eftersom det saknas personal med delegering på "
	  "kvällar och helger. Familjerna får i stället erbjudande om vistelse dagtid på "
	  "vardagar, vilket inte hjälper dem som behöver sova. Vistelser ställs också in med "
	  "kort varsel.\n\nHur många barn väntar i dag på ett beslut om korttidsvistelse?\n\n"
	  "Hälsningar\nLinda",
	  NULL, NULL,
	  { "Under hösten har vi fått många samtal från föräldrar som berättar att deras barn "
	    "har fått vänta länge på ett beslut om korttidsvistelse. Flera av dem har väntat mer "
	    "än ett halvår, och under tiden har familjerna fått klara sig själva utan avlösning. "
	    "Några föräldrar har blivit sjukskrivna, och syskonen får mindre tid med sina "
	    "föräldrar än de behöver. Korttidshemmet Ekbacken kan inte ta emot barn som behöver "
	    "hjälp på natten, eftersom det saknas personal med delegering på kvällar och helger. "
	    "Familjerna får i stället erbjudande om vistelse dagtid på vardagar, vilket inte "
	    "hjälper dem som behöver sova. Vistelser ställs också in med kort varsel. Hur många "
	    "barn väntar i dag på ett beslut om korttidsvistelse?" }, false, NULL },
	{ "numbered headings between blank lines head their paragraphs",
	  "Frågor inför mötet",
	  "Hej alla!\n\n1. Korttidsboende för tonåringar\n\nFlera familjer väntar länge. "
	  "Hur många platser finns i dag?\n\n2. Ledsagning på kvällar\n\nKan kommunen "
	  "ge fler timmar?\n\nHälsningar\nEva",
	  NULL, NULL,
	  { "Korttidsboende för tonåringar: Flera familjer väntar länge. Hur många platser "
	    "finns i dag?",
	    "Ledsagning på kvällar: Kan kommunen ge fler timmar?" }, false, NULL },
	{ "one paragraph, asked in words, greeting and signature run in",
	  "Frågor från föreningen",
	  "Hej Eva och alla i gruppen, jag skriver för föreningen i det här mejlet. Det gäller "
	  "korttidshemmet Ekbacken där personalen byts ut hela tiden, och vi undrar vad "
	  "kommunen gör för att behålla personalen där. Sedan har avgiften för fritidsresor "
	  "blivit högre i år, så vi vill veta om kommunen tänker sänka taxan för resorna nästa "
	  "år. Tack på förhand och hälsningar från Birgitta Åkesson, styrelseledamot, tel "
	  "070-123 45 67",
	  NULL, NULL,
	  { "Det gäller korttidshemmet Ekbacken där personalen byts ut hela tiden, och vi "
	    "undrar vad kommunen gör för att behålla personalen där.",
	    "Sedan har avgiften för fritidsresor blivit högre i år, så vi vill veta om kommunen "
	    "tänker sänka taxan för resorna nästa år." }, false, NULL },
	{ "a paragraph announcing the things to bring up",
	  "Inför mötet",
	  "Hej!\n\nJag har talat med några medlemmar om två saker som vi gärna tar upp i "
	  "vår.\n\nFritidsgården stänger klockan 19. Kan den vara öppen längre?\n\n"
	  "Skolskjutsen kommer ofta sent. Vem följer upp det?\n\nVänligen\nEva",
	  NULL, NULL,
	  { "Fritidsgården stänger klockan 19. Kan den vara öppen längre?",
	    "Skolskjutsen kommer ofta sent. Vem följer upp det?" }, false, NULL },
	{ "who comes instead, after an attendance notice, goes with it",
	  "Frågor om skolan",
	  "Hej Karin,\n\nHur många elever har en problematisk skolfrånvaro i dag?\n\nJag kan "
	  "tyvärr inte komma på mötet den 10 december. Lena Berg från vår styrelse kommer i "
	  "stället.\n\nHälsningar\nMaria",
	  NULL, NULL,
	  { "Hur många elever har en problematisk skolfrånvaro i dag?" }, false, NULL },
	{ "another who cannot come either is part of the attendance notice",
	  "Mötet i december",
	  "Hej Karin!\n\nJag kan tyvärr inte komma på mötet på torsdag. Anna kan inte heller "
	  "den dagen, hon är bortrest. Vi har inga nya frågor.\n\nHälsningar\nPer",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a greeting ended by a full stop is a sentence of its own",
	  "Mötet i december",
	  "Hej Karin. Jag har tyvärr förhinder på torsdag. Vi har inga nya frågor. Hälsningar Per",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a question after a comma without its '?' asks by word order",
	  "Frågor från föreningen",
	  "Hej!\n\nHur många väntar på bostad med särskild service? Lunchen på daglig "
	  "verksamhet kostar nu 75 kr, varför har priset höjts så mycket.\n\nHälsningar\nTomasz",
	  NULL, NULL,
	  { "Hur många väntar på bostad med särskild service?",
	    "Lunchen på daglig verksamhet kostar nu 75 kr, varför har priset höjts så mycket." },
	  false, NULL },
	{ "a verb first without its '?' asks by word order",
	  "Fritid",
	  "Hej!\n\nVarför stänger fritidsgården redan klockan sju? kan ungdomarna få "
	  "ledsagare till simhallen på helgerna\n\nHälsningar\nSara",
	  NULL, NULL,
	  { "Varför stänger fritidsgården redan klockan sju?",
	    "Kan ungdomarna få ledsagare till simhallen på helgerna" }, false, NULL },
	{ "a verb first that opens a condition asks nothing",
	  "Fritid",
	  "Hej!\n\nVarför stänger fritidsgården redan klockan sju? Har man en ledsagare så kan "
	  "man stanna längre.\n\nHälsningar\nSara",
	  NULL, NULL,
	  { "Varför stänger fritidsgården redan klockan sju? Har man en ledsagare så kan man "
	    "stanna längre." }, false, NULL },
	{ "a verb first that opens a condition before a comma asks nothing",
	  "Fritid",
	  "Hej!\n\nVarför stänger fritidsgården redan klockan sju? Har ni synpunkter på "
	  "öppettiderna, hör av er till vårt kansli.\n\nHälsningar\nSara",
	  NULL, NULL,
	  { "Varför stänger fritidsgården redan klockan sju? Har ni synpunkter på öppettiderna, "
	    "hör av er till vårt kansli." }, false, NULL },
	{ "two long questions that share a stem or two by chance are two",
	  "Frågor från FUB",
	  "Hej!\n\nHabiliteringsersättningen i daglig verksamhet är fortfarande tio kronor per "
	  "dag här men femton kronor i grannkommunen, när ska kommunen höja ersättningen till "
	  "samma nivå? Många deltagare åker färdtjänst till verksamheten och blir hämtade en "
	  "timme för tidigt varje morgon så att de står och väntar ute i kylan, kan kommunen "
	  "prata med färdtjänst om detta?\n\nHälsningar\nTomasz",
	  NULL, NULL,
	  { "Habiliteringsersättningen i daglig verksamhet är fortfarande tio kronor per dag här "
	    "men femton kronor i grannkommunen, när ska kommunen höja ersättningen till samma "
	    "nivå?",
	    "Många deltagare åker färdtjänst till verksamheten och blir hämtade en timme för "
	    "tidigt varje morgon så att de står och väntar ute i kylan, kan kommunen prata med "
	    "färdtjänst om detta?" }, false, NULL },
	{ "a question for something instead is no follow-up",
	  "Korttids",
	  "Hej!\n\nVarför får min son inte plats på korttidshemmet fast han har beslut? Kan han "
	  "få avlösare hemma i stället tills det finns plats?\n\nHälsningar\nAmina",
	  NULL, NULL,
	  { "Varför får min son inte plats på korttidshemmet fast han har beslut?",
	    "Kan han få avlösare hemma i stället tills det finns plats?" }, false, NULL },
	{ "an announcement of the questions makes the story's question background",
	  "Vår situation",
	  "Hej!\n\nVår son har väntat på ett beslut om avlösning sedan i höstas och vi sover "
	  "dåligt båda två. Hur länge ska vi klara det här?\n\nSå våra frågor till mötet "
	  "är:\n\nVarför tar handläggningen av avlösning så lång tid?\n\nKan kommunen ordna "
	  "tillfällig avlösning medan vi väntar?\n\nHälsningar\nSara",
	  NULL, NULL,
	  { "Vår son har väntat på ett beslut om avlösning sedan i höstas och vi sover dåligt "
	    "båda två. Hur länge ska vi klara det här? Varför tar handläggningen av avlösning "
	    "så lång tid?",
	    "Kan kommunen ordna tillfällig avlösning medan vi väntar?" }, false, NULL },
	{ "a lead-in that opens a new matter closes the one before it",
	  "fråga",
	  "hej min son går på daglig verksamhet men han vill hellre jobba i en affär med "
	  "stöd finns det någon i kommunen som hjälper till med det\n\nsen en fråga till "
	  "varför har avgiften för maten höjts igen\n\nanna rbu",
	  NULL, NULL,
	  { "Min son går på daglig verksamhet men han vill hellre jobba i en affär med stöd "
	    "finns det någon i kommunen som hjälper till med det",
	    "Sen en fråga till varför har avgiften för maten höjts igen" }, false, NULL },
	{ "a body of only a closing and a signature leaves the Subject the question",
	  "Fråga: Hur lång är kön till gruppbostad?",
	  "\nMvh\nPer Ek\nKassör, RBU Exempelstad\n070-123 45 67\n",
	  NULL, NULL,
	  { "Hur lång är kön till gruppbostad?" }, false, NULL },
	{ "a body of only a signature, no closing, leaves the Subject the question",
	  "Fråga: Varför sänks timmarna för ledsagarservice?",
	  "\n\nAnders Wikström\nOrdförande\nSynskadades Riksförbund Exempelstad\n"
	  "073-456 12 90\n",
	  NULL, NULL,
	  { "Varför sänks timmarna för ledsagarservice?" }, false, NULL },
	{ "the second of two announced matters leaves the first its own question",
	  "Två frågor från NEURO",
	  "Hej Karin!\n\nVi i NEURO har två saker som vi vill ta upp på mötet.\n\nDen första "
	  "gäller personlig assistans. Flera medlemmar har fått sina timmar sänkta. Vi undrar "
	  "varför timmarna sänks.\n\nDen andra gäller samarbetet med regionen. Det tar ofta "
	  "flera veckor innan ett SIP-möte blir av. Hur ser rutinen för SIP ut i dag?\n\n"
	  "Hälsningar\nBirgitta",
	  NULL, NULL,
	  { "Den första gäller personlig assistans. Flera medlemmar har fått sina timmar sänkta. "
	    "Vi undrar varför timmarna sänks.",
	    "Den andra gäller samarbetet med regionen. Det tar ofta flera veckor innan ett "
	    "SIP-möte blir av. Hur ser rutinen för SIP ut i dag?" },
	  false, NULL },
	{ "the last item's question on the line under its long background line",
	  "Skrivelse till LSS-samverkan",
	  "Följande frågor anmäls till sammanträdet.\n\n1) Enligt 9 § förvaltningslagen ska ett "
	  "ärende handläggas så enkelt och snabbt som möjligt, men handläggningen tar månader.\n"
	  "Vilka åtgärder avser nämnden att vidta?\n\n2) Enligt 15 § 6 LSS ska kommunen samverka "
	  "med organisationer som företräder människor med funktionsnedsättning.\nHur avser "
	  "nämnden att uppfylla denna skyldighet?\n\nMed vänlig hälsning\nGunnar",
	  NULL, NULL,
	  { "Enligt 9 § förvaltningslagen ska ett ärende handläggas så enkelt och snabbt som "
	    "möjligt, men handläggningen tar månader. Vilka åtgärder avser nämnden att vidta?",
	    "Enligt 15 § 6 LSS ska kommunen samverka med organisationer som företräder människor "
	    "med funktionsnedsättning. Hur avser nämnden att uppfylla denna skyldighet?" },
	  false, NULL },
	{ "who attends, said as a cleft sentence, goes",
	  "Avgifter",
	  "Hej!\n\nDet blir jag och Per Ek som kommer. Varför har avgiften för korttids "
	  "höjts?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "lettered points under numbered ones are one question per number",
	  "Frågor inför mötet",
	  "Hej!\n\n1. Färdtjänst\n   a) Varför dröjer bilarna?\n   b) Vem ansvarar för "
	  "förseningarna?\n\n2. Korttids\n   a) Hur många platser finns i sommar?\n\nMvh\n"
	  "Anna",
	  NULL, NULL,
	  { "Färdtjänst: a) Varför dröjer bilarna? b) Vem ansvarar för förseningarna?",
	    "Korttids: a) Hur många platser finns i sommar?" }, false, NULL },
	{ "lettered points under no number are a question each",
	  "Frågor inför mötet",
	  "Hej!\n\nVi har två frågor om färdtjänsten:\n   a) Varför dröjer bilarna?\n   b) Vem "
	  "ansvarar för förseningarna?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför dröjer bilarna?", "Vem ansvarar för förseningarna?" }, false, NULL },
	{ "an announcement of another question starts a question of its own",
	  "Frågor till mötet i maj",
	  "Hej!\n\nVi undrar hur många barn som står i kö till korttidsvistelse just "
	  "nu.\n\nEn annan fråga gäller skolskjutsen: varför får eleverna vänta en timme "
	  "efter skolan?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Vi undrar hur många barn som står i kö till korttidsvistelse just nu.",
	    "En annan fråga gäller skolskjutsen: varför får eleverna vänta en timme efter "
	    "skolan?" }, false, NULL },
	{ "relief and see-you-soon ask nothing, nor does the Subject then",
	  "SV: Anteckningar från mötet i mars",
	  "Vad glädjande att ledsagningen till simhallen nu fungerar igen. Vi ses i "
	  "juni!\n\nHälsningar\nPer",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a remark on the meeting's practicalities beside an attendance notice goes",
	  "Anmälan till mötet",
	  "Hej,\n\nFrån oss kommer jag och Eva Holm till mötet den 12 maj.\n\nEva "
	  "använder rullstol, så vi räknar med att rampen vid entrén är på plats som "
	  "förra gången.\n\nMvh\nAnna",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a writer's introduction of themselves is no part of the question",
	  "Frågor till mötet",
	  "Hej!\n\nJag heter Eva Ek och är ny i styrelsen för DHR Exempelstad. Det här är "
	  "första gången jag hör av mig till er, så säg till om något ska göras "
	  "annorlunda.\n\nVarför har avgiften för korttids höjts?\n\nMvh\nEva",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "writing as a parent and board member is no background",
	  "Skolskjuts",
	  "Hej!\n\nJag skriver som förälder och ledamot i RBU:s styrelse. Skolskjutsen har "
	  "nya chaufförer varje vecka. Kan kommunen kräva fasta chaufförer?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Skolskjutsen har nya chaufförer varje vecka. Kan kommunen kräva fasta "
	    "chaufförer?" },
	  false, NULL },
	{ "writing on an association's behalf is no background",
	  "Frågor till mötet",
	  "Hej Karin,\n\nJag skriver på uppdrag av NEURO Exempelstad, som inte har någon "
	  "anställd själva.\n\nStämmer det att korttidshemmet Lärkan stänger i juli?\n\nMvh\n"
	  "Kent",
	  NULL, NULL,
	  { "Stämmer det att korttidshemmet Lärkan stänger i juli?" }, false, NULL },
	{ "an introduction that goes on to the writer's child stays as background",
	  "Korttids",
	  "Hej!\n\nJag heter Amina och är mamma till Leo.\n\nVarför får han ingen plats på "
	  "korttids?\n\nMvh\nAmina",
	  NULL, NULL,
	  { "Jag heter Amina och är mamma till Leo. Varför får han ingen plats på korttids?" },
	  false, NULL },
	{ "who attends, with a role between commas, goes",
	  "Frågor till mötet",
	  "Hej!\n\nVarför har avgiften för korttids höjts?\n\nEva Ek, vår kassör, kommer "
	  "från DHR.\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "who attends after a short label goes",
	  "Frågor till mötet",
	  "Hej!\n\nLite praktiskt först: vi kommer att vara två från HRF.\n\nVarför har "
	  "avgiften för korttids höjts?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "booking an interpreter for the meeting is for the secretary",
	  "Frågor till mötet",
	  "Hej!\n\nKan ni boka teckentolk till mötet?\n\nVarför har avgiften för korttids "
	  "höjts?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "the room's loop, asked after the meeting's time, is for the secretary",
	  "Frågor till mötet",
	  "Hej!\n\nBörjar mötet kl. 13? Och finns det hiss i salen?\n\nVarför har "
	  "avgiften för korttids höjts?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "the room's loop, asked beside who attends, is for the secretary",
	  "Frågor till mötet",
	  "Hej!\n\nFrån oss kommer Eva Holm och Per Ek. Finns det hörslinga i "
	  "salen?\n\nVarför har avgiften för korttids höjts?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "a question on the meeting's needs keeps its paragraph whole",
	  "Frågor till mötet",
	  "Hej!\n\nPer behöver skrivtolk, kan ni boka det till mötet? Och fungerar "
	  "hörslingan i sal Ekbacken nu? Förra gången var den trasig.\n\nVarför har "
	  "avgiften för korttids höjts?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "hearing loops in the municipality's own premises are a matter",
	  "Frågor till mötet",
	  "Hej!\n\nFrån oss kommer Eva Holm och Per Ek. Varför saknar kommunens simhall "
	  "hörslinga?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför saknar kommunens simhall hörslinga?" }, false, NULL },
	/* conversation: replies to the council's acknowledgement and agenda */
	{ "thanks and see-you in a reply to the acknowledgement ask nothing",
	  "Re: SV: Rehabilitering efter stroke",
	  "Tack för snabbt besked! Då ses vi den 21 oktober.\n\nHälsningar\nGunilla",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "finding the agenda fine and correcting it asks nothing",
	  "Re: Förslag till dagordning LSS-samverkan 21 oktober",
	  "Hej Karin!\n\nDet ser bra ut. En liten rättelse bara: i punkt 4.5 står det att "
	  "frågan kommer från NEURO, men det var Reumatikerföreningen.\n\nHälsningar\nGunilla",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a withdrawn question is no question, nor is its Subject",
	  "Re: SV: Skolskjuts till Ekbackens skola",
	  "Hej!\n\nVi stryker vår fråga om skolskjutsen till Ekbackens skola. Det har löst "
	  "sig efter ett möte med skolan, så den behöver inte tas upp på mötet.\n\nTack "
	  "ändå!\nAnna",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a withdrawal beside a new question is no part of it",
	  "SV: Frågor från DHR till höstmötet",
	  "Hej!\n\nVi stryker vår fråga om bostadsanpassningsbidragen. Handläggaren har hört "
	  "av sig och ärendet är löst. Frågan om hissen på Kulturhuset står kvar.\n\nDäremot "
	  "vill vi lägga till en ny fråga: Hur många av kommunens gruppbostäder är fullt "
	  "tillgängliga för den som använder elrullstol?\n\nVänliga hälsningar\nMargareta",
	  NULL, NULL,
	  { "Hur många av kommunens gruppbostäder är fullt tillgängliga för den som använder "
	    "elrullstol?" }, false, NULL },
	{ "where an earlier question stands asks nothing new",
	  "SV: Frågor från DHR till höstmötet",
	  "Hej!\n\nVår fråga om hissen på Kulturhuset står kvar.\n\nVarför saknar "
	  "biblioteket ramp?\n\nHälsningar\nMargareta",
	  NULL, NULL,
	  { "Varför saknar biblioteket ramp?" }, false, NULL },
	{ "how the agenda's items are arranged is for the secretary",
	  "SV: Förslag till dagordning LSS-samverkan 21 oktober",
	  "Hej Karin!\n\nTack för förslaget. Två saker från oss:\n\nPunkt 4.3 om personlig "
	  "assistans och punkt 4.4 om ledsagning hänger ihop. Kanske kan de tas upp efter "
	  "varandra som en punkt?\n\nVi vill också lägga till en fråga: Vilka åtgärder har "
	  "förvaltningen vidtagit efter IVO:s tillsyn?\n\nHälsningar\nLars",
	  NULL, NULL,
	  { "Vilka åtgärder har förvaltningen vidtagit efter IVO:s tillsyn?" }, false, NULL },
	{ "an interpreter needed at the meeting, and who books it, is for the secretary",
	  "SV: Förslag till dagordning LSS-samverkan 21 oktober",
	  "Hej!\n\nVarför går e-tjänsten bara att komplettera per telefon?\n\nEn praktisk "
	  "sak också: vi behöver skrivtolk på mötet. Kan ni beställa det, eller ska vi göra "
	  "det själva?\n\nHälsningar\nKerstin",
	  NULL, NULL,
	  { "Varför går e-tjänsten bara att komplettera per telefon?" }, false, NULL },
	{ "who comes with whom, a diet and the agenda in Word are for the secretary",
	  "SV: Inför mötet 21 oktober",
	  "Hej Karin!\n\nFrån SRF kommer jag, Gunnar Eklund, tillsammans med min ledsagare "
	  "Mona Ek. Jag äter vegetariskt. Dagordningen vill jag gärna ha i Word-format i "
	  "förväg, eftersom jag använder skärmläsare.\n\nVarför har ledsagarservicen "
	  "sänkts?\n\nHälsningar\nGunnar",
	  NULL, NULL,
	  { "Varför har ledsagarservicen sänkts?" }, false, NULL },
	{ "documents in Word from the municipality's services are a matter",
	  "Frågor till mötet",
	  "Hej!\n\nVarför får inte synskadade sina beslut i Word-format?\n\nMvh\nAnna",
	  NULL, NULL,
	  { "Varför får inte synskadade sina beslut i Word-format?" }, false, NULL },
	{ "answers typed into the quoted mail are the new text",
	  "SV: Inför mötet 21 oktober – anmälan och frågor",
	  "Hej Karin, se mina svar nedan i rött.\n\n/Petra\n\nFrån: LSS-samverkan "
	  "<lss-samverkan@exempelstad.se>\nSkickat: den 24 september 2026 15:30\nTill: "
	  "petra@rsmh-exempelstad.se\nÄmne: Inför mötet 21 oktober – anmälan och "
	  "frågor\n\nHej!\n\n1. Vilka kommer från er förening?\nSVAR: Petra Hellström och Bo "
	  "Lindgren.\n\n2. Har ni frågor som ni vill ta upp på mötet?\nSVAR: Ja. Kompassen "
	  "ska slås ihop med daglig verksamhet. Får deltagarna vara kvar?\n\nVi bjuder på "
	  "kaffe.\n\nMed vänlig hälsning\nKarin",
	  NULL, NULL,
	  { "Kompassen ska slås ihop med daglig verksamhet. Får deltagarna vara kvar?" }, false,
	  NULL },
	{ "without a note on answers below, marked lines in the quote are the thread",
	  "SV: Inför mötet 21 oktober – anmälan och frågor",
	  "Hej Karin, tack för informationen.\n\n/Petra\n\nFrån: LSS-samverkan "
	  "<lss-samverkan@exempelstad.se>\nSkickat: den 24 september 2026 15:30\nTill: "
	  "petra@rsmh-exempelstad.se\nÄmne: Inför mötet 21 oktober – anmälan och "
	  "frågor\n\nSvar: Får deltagarna vara kvar på Kompassen?\n",
	  NULL, NULL,
	  { NULL }, false, NULL },
	{ "a lead-in that ends in a colon opens the question and goes",
	  "Re: SV: Stöd i skolan för elever med ADHD",
	  "Hej igen!\n\nEn sak till som vi glömde: flera föräldrar har barn som fyller 13 i "
	  "år. Kan kommunen erbjuda korttidstillsyn enligt LSS?\n\n/Maria",
	  NULL, NULL,
	  { "Flera föräldrar har barn som fyller 13 i år. Kan kommunen erbjuda korttidstillsyn "
	    "enligt LSS?" }, false, NULL },
	{ "a seat on the association's board says who writes",
	  "Sänkt boendestöd",
	  "Hej\n\nJag sitter i RSMH Exempelstads styrelse och skriver för föreningens "
	  "räkning.\n\nVarför har boendestödet minskat?\n\nBo",
	  NULL, NULL,
	  { "Varför har boendestödet minskat?" }, false, NULL },
	{ "sitting in a wheelchair is the matter's background",
	  "Färdtjänst",
	  "Hej\n\nJag sitter i rullstol sedan en olycka.\n\nVarför får jag inte åka "
	  "färdtjänst ensam?\n\nBo",
	  NULL, NULL,
	  { "Jag sitter i rullstol sedan en olycka. Varför får jag inte åka färdtjänst ensam?" },
	  false, NULL },
	{ "a forwarded parent's request to the association goes with the board's question",
	  "VB: FW: Personalens kompetens på Solrosen",
	  "Hej Karin,\n\nVidarebefordrar en fråga från vår styrelseledamot Jonas Berg. Se hans "
	  "mejl nedan.\n\nEva\n\nFrån: Jonas Berg <jonas.berg@autism-exempelstad.se>\n"
	  "Skickat: den 30 september 2026 21:48\nTill: Eva <eva@autism-exempelstad.se>\n"
	  "Ämne: FW: Personalens kompetens på Solrosen\n\nHej Eva,\n\nSe nedan från en "
	  "förälder. Förslag på fråga:\n\nHur säkerställer förvaltningen att personalen på "
	  "Solrosen har utbildning om autism?\n\n/Jonas\n\nFrom: Sara Nyström "
	  "<sara@gmail.com>\nSent: Tuesday, September 29, 2026 8:14 PM\nTo: Jonas Berg "
	  "<jonas.berg@autism-exempelstad.se>\nSubject: Personalens kompetens på "
	  "Solrosen\n\nHej Jonas!\n\nVår son var på Solrosen i helgen och personalen visste "
	  "inte vad de skulle göra. Kan föreningen ta upp detta?\n\nMvh Sara",
	  NULL, NULL,
	  { "Hur säkerställer förvaltningen att personalen på Solrosen har utbildning om autism? "
	    "Vår son var på Solrosen i helgen och personalen visste inte vad de skulle göra." },
	  false, "jonas.berg@autism-exempelstad.se" },
	/* greeting_rest(): a run of marks after the name is the greeting's */
	{ "a greeting with two exclamation marks leaves none of them",
	  "stöd i skolan",
	  "hej karin!!\nvi har fått många samtal från föräldrar. när kommer det en ny "
	  "specialpedagog till norrskolan\n\nmvh\nJenny",
	  NULL, NULL,
	  { "Vi har fått många samtal från föräldrar. när kommer det en ny specialpedagog till "
	    "norrskolan" }, false, NULL },
	/* is_capacity(): how the writer came to write, that they write for no
	 * association */
	{ "how the writer found the address goes",
	  "Korttids",
	  "Hej!\n\nJag fick den här adressen av en bekant som är med i FUB. Jag är inte med i "
	  "någon förening själv.\n\nVarför flyttas barnen från Solrosen?\n\nLinda",
	  NULL, NULL,
	  { "Varför flyttas barnen från Solrosen?" }, false, NULL },
	{ "a tip to write here goes from the question's paragraph",
	  "Avgifter",
	  "Hej!\n\nMin handläggare tipsade mig om att skriva hit. Vi tillhör ingen förening. "
	  "Varför har avgiften för korttids höjts?\n\nBo",
	  NULL, NULL,
	  { "Varför har avgiften för korttids höjts?" }, false, NULL },
	{ "the address of a service is the question's background",
	  "Korttidshemmet",
	  "Hej!\n\nJag hittade inte adressen till korttidshemmet på kommunens hemsida. Varför "
	  "finns den inte där?\n\nBo",
	  NULL, NULL,
	  { "Jag hittade inte adressen till korttidshemmet på kommunens hemsida. Varför finns den "
	    "inte där?" }, false, NULL },
	{ "no member but a son's refusal is the question's background",
	  "Korttids",
	  "Hej!\n\nJag är inte medlem i någon förening men min son har fått avslag på "
	  "korttids. Varför fick han avslag?\n\nBo",
	  NULL, NULL,
	  { "Jag är inte medlem i någon förening men min son har fått avslag på korttids. Varför "
	    "fick han avslag?" }, false, NULL },
	/* is_ordinal_matter(): the next announced matter, asked in words */
	{ "the second matter stated in words is a question of its own",
	  "Frågor till mötet",
	  "Hej,\n\nDet första gäller skolskjutsen till Ekbacken. Varför kommer bussen ofta "
	  "sent?\n\nDet andra är personalens kunskap om autism på gruppbostäderna. Vi vill "
	  "veta hur många av de anställda som har gått en utbildning.\n\nTill sist undrar vi "
	  "över fritiden. Finns det planer på en fritidsklubb?\n\nJohanna",
	  NULL, NULL,
	  { "Det första gäller skolskjutsen till Ekbacken. Varför kommer bussen ofta sent?",
	    "Det andra är personalens kunskap om autism på gruppbostäderna. Vi vill veta hur "
	    "många av de anställda som har gått en utbildning.",
	    "Till sist undrar vi över fritiden. Finns det planer på en fritidsklubb?" },
	  false, NULL },
	{ "the writer's own count opens a matter asked in words",
	  "Frågor till mötet",
	  "Hej,\n\nVarför kommer skolskjutsen ofta sent?\n\nFör det andra vill vi veta hur "
	  "många som väntar på korttidsplats.\n\nJohanna",
	  NULL, NULL,
	  { "Varför kommer skolskjutsen ofta sent?",
	    "För det andra vill vi veta hur många som väntar på korttidsplats." }, false, NULL },
	{ "another group home asked about in words is background",
	  "Avgifter",
	  "Hej,\n\nVarför har avgiften på Björken höjts?\n\nDen andra gruppbostaden har samma "
	  "avgift och vi vill veta varför.\n\nJohanna",
	  NULL, NULL,
	  { "Varför har avgiften på Björken höjts? Den andra gruppbostaden har samma avgift och "
	    "vi vill veta varför." }, false, NULL },
	/* table_blocks(): a header that names the question's column */
	{ "a table's question column asks even without a question mark",
	  "Frågor från DHR",
	  "Hej!\n\nNr | Fråga | Bakgrund\n1 | Vem ansvarar för snöröjningen vid "
	  "hållplatserna? | Flera medlemmar kommer inte fram till bussen.\n2 | Vi undrar om "
	  "kommunen kan prioritera bostadsanpassning. | En medlem har väntat sedan oktober på "
	  "att få en tröskel borttagen i sitt badrum.\n\nLars",
	  NULL, NULL,
	  { "Vem ansvarar för snöröjningen vid hållplatserna?",
	    "Vi undrar om kommunen kan prioritera bostadsanpassning." }, false, NULL },
	{ "a table without a header: the cell that asks in words before the longest",
	  "Frågor från DHR",
	  "Hej!\n\n1 | Vem ansvarar för snöröjningen vid hållplatserna? | Flera medlemmar "
	  "kommer inte fram.\n2 | Vi undrar om kommunen kan prioritera bostadsanpassning. | "
	  "En medlem har väntat sedan oktober på att få en tröskel borttagen i sitt "
	  "badrum.\n\nLars",
	  NULL, NULL,
	  { "Vem ansvarar för snöröjningen vid hållplatserna?",
	    "Vi undrar om kommunen kan prioritera bostadsanpassning." }, false, NULL },
	/* an earlier exchange pasted under a new mail's own questions: the
	 * block is a reply (SV:, RE:), so it is background, not a forward */
	{ "an Outlook block of an earlier reply under a new mail's question",
	  "Frågor om ledsagning",
	  "Hej!\n\nVarför har ledsagartimmarna sänkts för våra medlemmar?\n\nMvh Kjell\n\n"
	  "________________________________\nFrån: Anna Virtanen <anna.virtanen@exempelstad.se>\n"
	  "Skickat: den 3 maj 2027 11:02\nTill: SRF <srf@example.se>\nÄmne: SV: Ledsagning\n\n"
	  "Tack för ditt mejl. Timmarna har setts över enligt riktlinjerna.\n\nAnna",
	  NULL, NULL,
	  { "Varför har ledsagartimmarna sänkts för våra medlemmar?" }, false, NULL },
	{ "an original-message block of an earlier RE: under a new mail's question",
	  "Ledsagning",
	  "Hej,\n\nVi undrar när kommunen svarar på vår skrivelse om ledsagning?\n\n"
	  "-----Ursprungligt meddelande-----\nFrom: Anna <anna@exempelstad.se>\n"
	  "Sent: den 3 maj 2027 11:02\nTo: SRF <srf@example.se>\nSubject: RE: Skrivelse\n\n"
	  "Vi återkommer efter sommaren med ett svar på era synpunkter.\n\nAnna",
	  NULL, NULL,
	  { "Vi undrar när kommunen svarar på vår skrivelse om ledsagning?" }, false, NULL },
	/* a note that asks nothing forwards the member's reply, which asks */
	{ "an edited forward of a member's reply that asks stays a forward",
	  "Medlemsfråga",
	  "Hej,\n\nVi skickar vidare en fråga från en medlem, se nedan.\n\nPer\n\n"
	  "Från: Eva Dahl <eva.dahl@example.se>\nSkickat: den 3 maj 2027 11:02\n"
	  "Till: FUB <fub@example.se>\nÄmne: SV: Frågor till LSS-samverkan\n\n"
	  "Varför stänger korttidshemmet Linden i juli?\n\nEva",
	  NULL, NULL,
	  { "Varför stänger korttidshemmet Linden i juli?" }, false, "eva.dahl@example.se" },
	/* a Subject naming only which meeting, with the questions in the file */
	{ "a Subject naming a meeting by a compound is generic",
	  "Frågor från DHR inför junimötet",
	  "Hej!\n\nHär kommer våra frågor till mötet, se bifogat Word-dokument.\n\nLena",
	  "Frågor.docx",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	  { NULL }, true, NULL },
	{ "a Subject naming the season's meeting is generic",
	  "RBU:s frågor till vårens sammanträde",
	  "Hej!\n\nSe bifogad fil.\n\nPer",
	  "Frågor.pdf", "application/pdf",
	  { NULL }, true, NULL },
	{ "a Subject naming the autumn council meeting is generic",
	  "Frågor till höstsammanträdet",
	  "Hej!\n\nSe bifogad fil.\n\nPer",
	  "Frågor.pdf", "application/pdf",
	  { NULL }, true, NULL },
	{ "a Subject about how staff meet people names a matter",
	  "Frågor om bemötandet på korttids",
	  "Hej!\n\nSe bifogad fil.\n\nPer",
	  "Frågor.pdf", "application/pdf",
	  { "Frågor om bemötandet på korttids" }, true, NULL },
	/* a file of comments beside questions asked in the text */
	{ "a file of comments beside a question in the text",
	  "Funktionshinderplanen",
	  "Hej!\n\nVi har lämnat synpunkter på förslaget till ny plan, se bifogad fil. Vi vill "
	  "veta hur förvaltningen kommer att återkoppla till föreningarna?\n\nAhmed",
	  "Synpunkter.pdf", "application/pdf",
	  { "Vi vill veta hur förvaltningen kommer att återkoppla till föreningarna?" }, false,
	  NULL },
	{ "a file of more questions beside a question in the text",
	  "Funktionshinderplanen",
	  "Hej!\n\nFler frågor finns i bifogad fil. Vi vill veta hur förvaltningen kommer "
	  "att återkoppla till föreningarna?\n\nAhmed",
	  "Frågor.pdf", "application/pdf",
	  { "Vi vill veta hur förvaltningen kommer att återkoppla till föreningarna?" }, true,
	  NULL },
	{ "a file of agenda items beside a question in the text",
	  "Funktionshinderplanen",
	  "Hej!\n\nVåra punkter till dagordningen finns i bifogad fil. Vi vill veta hur "
	  "förvaltningen kommer att återkoppla till föreningarna?\n\nAhmed",
	  "Punkter.pdf", "application/pdf",
	  { "Vi vill veta hur förvaltningen kommer att återkoppla till föreningarna?" }, true,
	  NULL },
	{ "comments only in the file: the file holds what the mail asks",
	  "Frågor från FUB",
	  "Hej!\n\nVåra synpunkter finns i bifogad fil.\n\nAhmed",
	  "Synpunkter.pdf", "application/pdf",
	  { NULL }, true, NULL },
	/* round 18: an earlier exchange forwarded under questions of the
	 * writer's own ("FW: SV: ...") is their background, not part of them;
	 * a forwarded reply that asks still counts */
	{ "an English Outlook exchange forwarded under the writer's questions",
	  "FW: SV: Funktionshinderplanen",
	  "Hej,\n\nJag skickar med Pers svar nedan.\n\nVi vill ha en redovisning av var arbetet "
	  "med planen står.\n\nVi undrar också hur föreningarna ska vara med i arbetet?\n\n"
	  "Mikael\n\nFrom: Per Olsson <per.olsson@exempelstad.se>\nSent: Thursday, August 26, "
	  "2027 3:41 PM\nTo: Mikael <mikael@example.se>\nSubject: SV: Funktionshinderplanen\n\n"
	  "Hej Mikael,\n\nPlanen är försenad, men vi skickar ut ett förslag på remiss i oktober. "
	  "Föreningarna får sex veckor på sig att svara.\n\nPer",
	  NULL, NULL,
	  { "Vi vill ha en redovisning av var arbetet med planen står.",
	    "Vi undrar också hur föreningarna ska vara med i arbetet?" }, false,
	  "per.olsson@exempelstad.se" },
	{ "a Swedish Outlook exchange forwarded under the writer's question",
	  "VB: Re: Bostadskön",
	  "Hej!\n\nVarför har kön till bostad med särskild service blivit längre i år?\n\n"
	  "Lena\n\nFrån: Anna Berg <anna.berg@exempelstad.se>\nSkickat: den 3 maj 2027 11:02\n"
	  "Till: Lena <lena@example.se>\nÄmne: Re: Bostadskön\n\nJust nu väntar trettio personer "
	  "på en plats och det nya boendet öppnar i vår.\n\nAnna",
	  NULL, NULL,
	  { "Varför har kön till bostad med särskild service blivit längre i år?" }, false,
	  "anna.berg@exempelstad.se" },
	{ "a forwarded member's reply that asks stays a question under the note's own",
	  "VB: SV: Frågor till LSS-samverkan",
	  "Hej,\n\nHär är Evas fråga. Vi undrar också varför avgiften för korttids har höjts?\n\n"
	  "Per\n\nFrån: Eva Dahl <eva.dahl@example.se>\nSkickat: den 3 maj 2027 11:02\n"
	  "Till: FUB <fub@example.se>\nÄmne: SV: Frågor till LSS-samverkan\n\n"
	  "Varför stänger korttidshemmet Linden i juli?\n\nEva",
	  NULL, NULL,
	  { "Här är Evas fråga. Vi undrar också varför avgiften för korttids har höjts?",
	    "Varför stänger korttidshemmet Linden i juli?" }, false, "eva.dahl@example.se" },
	/* a lead-in naming another matter, as a sentence of its own */
	{ "a paragraph opened by 'En annan sak:' that asks in words is a question of its own",
	  "Korttids och hjälpmedel",
	  "Hej,\n\nVarför stänger korttidshemmet Solrosen över jul och nyår?\n\nEn annan sak: Elias "
	  "väntade i sju månader på en ny rullstol. Vi vill veta varför det tar så lång tid att "
	  "få hjälpmedel.\n\nSara",
	  NULL, NULL,
	  { "Varför stänger korttidshemmet Solrosen över jul och nyår?",
	    "Elias väntade i sju månader på en ny rullstol. Vi vill veta varför det tar så lång "
	    "tid att få hjälpmedel." }, false, NULL },
	{ "a paragraph opened by 'Och en sak till.' that asks in words is a question of its own",
	  "Korttids och hjälpmedel",
	  "Hej,\n\nVarför stänger korttidshemmet Solrosen över jul och nyår?\n\nOch en sak till. "
	  "Elias väntade i sju månader på en ny rullstol. Vi undrar varför det tar så lång tid "
	  "att få hjälpmedel.\n\nSara",
	  NULL, NULL,
	  { "Varför stänger korttidshemmet Solrosen över jul och nyår?",
	    "Elias väntade i sju månader på en ny rullstol. Vi undrar varför det tar så lång tid "
	    "att få hjälpmedel." }, false, NULL },
	{ "a wish in words after a question, with no lead-in, stays its background",
	  "Korttids",
	  "Hej,\n\nVarför stänger korttidshemmet Solrosen över jul och nyår?\n\nFamiljerna har "
	  "ingen annan avlösning under helgerna. Vi vill gärna veta mer om hur det blir.\n\nSara",
	  NULL, NULL,
	  { "Varför stänger korttidshemmet Solrosen över jul och nyår? Familjerna har ingen annan "
	    "avlösning under helgerna. Vi vill gärna veta mer om hur det blir." }, false, NULL },
	/* one paragraph, several asks the writer marks as more */
	{ "asks marked 'också' and 'Slutligen' in one paragraph are questions of their own",
	  "Daglig verksamhet",
	  "Hej,\n\nHur många platser finns det inom daglig verksamhet med inriktning mot autism? "
	  "Vi undrar också om kommunen planerar att starta en ny verksamhet för unga vuxna. "
	  "Slutligen vill vi veta hur personalen på daglig verksamhet får utbildning om autism."
	  "\n\nJonas",
	  NULL, NULL,
	  { "Hur många platser finns det inom daglig verksamhet med inriktning mot autism?",
	    "Vi undrar också om kommunen planerar att starta en ny verksamhet för unga vuxna.",
	    "Slutligen vill vi veta hur personalen på daglig verksamhet får utbildning om autism." },
	  false, NULL },
	{ "an ask opened by 'Till sist' in a paragraph is a question of its own",
	  "Färdtjänst",
	  "Hej,\n\nVarför kommer färdtjänstbilarna så ofta för sent till daglig verksamhet? Till "
	  "sist undrar vi när det nya avtalet med taxibolaget börjar gälla.\n\nLeif",
	  NULL, NULL,
	  { "Varför kommer färdtjänstbilarna så ofta för sent till daglig verksamhet?",
	    "Till sist undrar vi när det nya avtalet med taxibolaget börjar gälla." }, false,
	  NULL },
	{ "a follow-up marked 'också' on the same matter stays with its question",
	  "Bostadskön",
	  "Hej,\n\nHur många väntar på bostad med särskild service? Vi undrar också hur länge "
	  "de har väntat.\n\nEva",
	  NULL, NULL,
	  { "Hur många väntar på bostad med särskild service? Vi undrar också hur länge de har "
	    "väntat." }, false, NULL },
	/* leave asked to add a question is no question */
	{ "asking leave to add a question introduces the question that follows",
	  "SV: Dagordning",
	  "Hej Karin\nTack för dagordningen. Kan vi få lägga till en fråga? Vid nya kulturhuset "
	  "finns bara två parkeringsplatser för rörelsehindrade. Kommer kommunen att göra fler "
	  "handikapparkeringar där?\nMvh Leif",
	  NULL, NULL,
	  { "Vid nya kulturhuset finns bara två parkeringsplatser för rörelsehindrade. Kommer "
	    "kommunen att göra fler handikapparkeringar där?" }, false, NULL },
	{ "asking leave to add a point in a paragraph of its own",
	  "Frågor",
	  "Hej!\n\nGår det bra att ta upp en sak till på dagordningen?\n\nVarför har "
	  "ledsagartimmarna sänkts för våra medlemmar?\n\nMvh Eva",
	  NULL, NULL,
	  { "Varför har ledsagartimmarna sänkts för våra medlemmar?" }, false, NULL },
	{ "asking to raise a question that names its matter is the question",
	  "Ledsagning",
	  "Hej!\n\nKan vi ta upp en fråga om ledsagningen till simhallen på mötet?\n\nMvh Eva",
	  NULL, NULL,
	  { "Kan vi ta upp en fråga om ledsagningen till simhallen på mötet?" }, false, NULL },
	{ "asking the council to add a question to its survey is the question",
	  "Brukarenkäten",
	  "Hej!\n\nKan kommunen lägga till en fråga om tillgänglighet i brukarenkäten?\n\n"
	  "Mvh Eva",
	  NULL, NULL,
	  { "Kan kommunen lägga till en fråga om tillgänglighet i brukarenkäten?" }, false, NULL },
	{ "thanks run into the last sentence without punctuation go",
	  "Ledsagning",
	  "Hej!\n\nKan kommunen ordna ledsagare till simhallen på helgerna tack så mycket "
	  "Sara",
	  NULL, NULL,
	  { "Kan kommunen ordna ledsagare till simhallen på helgerna" }, false, NULL },
	/* two paragraphs on unrelated matters, the second asking in words:
	 * two questions; the same matter, or a wish that points back or names
	 * nothing, stays background (see "a wish in words after a question") */
	{ "a second matter asked in words after a question is its own",
	  "Två saker",
	  "Hej,\n\nDen nya e-tjänsten för bostadsanpassning fungerar inte med skärmläsare. "
	  "När blir den tillgänglig?\n\nFlera medlemmar har fått besked om att färdtjänsten "
	  "inte kör på midsommarafton. Vi undrar hur man då ska ta sig till släkten i Norrtälje "
	  "under helgen.\n\nMvh Eva",
	  NULL, NULL,
	  { "Den nya e-tjänsten för bostadsanpassning fungerar inte med skärmläsare. När blir den "
	    "tillgänglig?",
	    "Flera medlemmar har fått besked om att färdtjänsten inte kör på midsommarafton. Vi "
	    "undrar hur man då ska ta sig till släkten i Norrtälje under helgen." },
	  false, NULL },
	{ "a wish in words on the same matter after a question stays its background",
	  "Solrosen",
	  "Hej,\n\nVarför stänger korttidshemmet Solrosen i juli?\n\nFlera familjer har ingen "
	  "annan avlösning på sommaren. Vi vill veta vart familjerna ska vända sig när Solrosen "
	  "är stängd i juli.\n\nSara",
	  NULL, NULL,
	  { "Varför stänger korttidshemmet Solrosen i juli? Flera familjer har ingen annan "
	    "avlösning på sommaren. Vi vill veta vart familjerna ska vända sig när Solrosen är "
	    "stängd i juli." },
	  false, NULL },
	{ "who else wonders, after a question, stays its background",
	  "Lovtillsyn",
	  "Hej,\n\nVad finns det för tillsyn under sommarlovet för barn över 12 år?\n\nJag "
	  "frågar för föreningens räkning också, vi är flera föräldrar som undrar.\n\nMaria",
	  NULL, NULL,
	  { "Vad finns det för tillsyn under sommarlovet för barn över 12 år? Jag frågar för "
	    "föreningens räkning också, vi är flera föräldrar som undrar." },
	  false, NULL },
	/* a story's cry above a list of the real questions is background; a
	 * question to the council in the same place is one */
	{ "a story ending in a cry above a list of questions is background",
	  "Korttids",
	  "Hej,\n\nVi har pratat med många familjer. Flera har väntat på korttidsvistelse i "
	  "över ett år. Hur länge ska de orka?\n\n1. Hur många barn väntar på "
	  "korttidsvistelse?\n2. När öppnar det nya korttidshemmet på Ekvägen?\n\nMvh Eva",
	  NULL, NULL,
	  { "Hur många barn väntar på korttidsvistelse?",
	    "När öppnar det nya korttidshemmet på Ekvägen?" },
	  false, NULL },
	{ "a question to the council above a list of questions stays one",
	  "Korttids",
	  "Hej,\n\nVi har pratat med många familjer. Flera har väntat på korttidsvistelse i "
	  "över ett år. Hur länge ska kommunen låta dem vänta?\n\n1. Hur många barn väntar på "
	  "korttidsvistelse?\n2. När öppnar det nya korttidshemmet på Ekvägen?\n\nMvh Eva",
	  NULL, NULL,
	  { "Vi har pratat med många familjer. Flera har väntat på korttidsvistelse i över ett "
	    "år. Hur länge ska kommunen låta dem vänta?",
	    "Hur många barn väntar på korttidsvistelse?",
	    "När öppnar det nya korttidshemmet på Ekvägen?" },
	  false, NULL },
};

static void test_inline_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(inline_cases); i++) {
		const struct inline_case *c = &inline_cases[i];
		struct test_mail t;
		struct extraction *ex = NULL;
		struct error error = { 0 };
		size_t n = 0;

		mail_build(&t, c->subject, "anna@fub-exempelstad.se", c->body);
		if (c->attachment != NULL)
			mail_add_attachment(&t, c->attachment, c->attachment_type);
		assert_int_equal(extract_questions(&t.mail, NULL, &ex, &error), 0);
		check_invariants(ex, NULL);
		while (n < MAX_EXPECTED && c->questions[n] != NULL)
			n++;
		if (ex->n_questions != n)
			print_message("case '%s': %zu questions, expected %zu\n", c->name,
				      ex->n_questions, n);
		assert_int_equal(ex->n_questions, n);
		for (size_t k = 0; k < n; k++) {
			if (strcmp(ex->questions[k].text, c->questions[k]) != 0)
				print_message("case '%s': question %zu\n", c->name, k);
			assert_string_equal(ex->questions[k].text, c->questions[k]);
		}
		if (ex->attachment_only != c->attachment_only)
			print_message("case '%s': attachment_only\n", c->name);
		assert_int_equal(ex->attachment_only, c->attachment_only);
		if (c->forwarded_from == NULL)
			assert_null(ex->forwarded_from);
		else
			assert_string_equal(ex->forwarded_from, c->forwarded_from);
		extract_free(&ex);
		assert_null(ex);
	}
}

/* ------------------------------------------------------------------------ */
/* Notes for the secretary: what went because it is for her, not the agenda. */

static void test_notes(void **state)
{
	static const struct {
		const char *name, *subject, *body;
		size_t n_questions;
		const char *notes; /* exactly, or NULL */
		const char *absent; /* not in the notes, or NULL */
	} cases[] = {
		{ "a need and a question on the room in the paragraph after the notice",
		  "Anmälan",
		  "Hej!\n\nFrån NEURO Exempelstad kommer Kjell Åberg och jag, Siv Nordin, den 24 "
		  "april.\n\nJag kör elrullstol. Finns det hiss upp till sal Ekorren och en "
		  "handikapptoalett på samma plan?\n\nHälsningar\nSiv Nordin",
		  0,
		  "Från NEURO Exempelstad kommer Kjell Åberg och jag, Siv Nordin, den 24 april.\n"
		  "Jag kör elrullstol. Finns det hiss upp till sal Ekorren och en handikapptoalett på "
		  "samma plan?",
		  NULL },
		{ "a matter in the paragraph after the notice stays a question",
		  "Anmälan",
		  "Hej!\n\nFrån NEURO Exempelstad kommer Kjell Åberg och jag, Siv Nordin, den 24 "
		  "april.\n\nJag kör elrullstol. Varför saknar kommunens träffpunkter hiss?\n\n"
		  "Hälsningar\nSiv Nordin",
		  1,
		  "Från NEURO Exempelstad kommer Kjell Åberg och jag, Siv Nordin, den 24 april.",
		  NULL },
		{ "the association's representatives, and one who leaves early",
		  "Representanter",
		  "Hej Karin,\n\nVåra representanter i LSS-samverkan under 2027 är Helena Strand "
		  "(ordförande) och jag.\n\nVarför stänger Solgläntan fyra veckor i juli?\n\nHelena "
		  "kan tyvärr bara vara med till kl. 14.30 den dagen.\n\nJonas",
		  1,
		  "Våra representanter i LSS-samverkan under 2027 är Helena Strand (ordförande) och "
		  "jag.\nHelena kan tyvärr bara vara med till kl. 14.30 den dagen.",
		  NULL },
		{ "a new representative",
		  "Föreningsbidrag",
		  "Hej Karin,\n\nJag tar över som Neuros representant i LSS-samverkan efter Birgitta "
		  "Holm från januari.\n\nKommer bidragen till handikappföreningarna att höjas?\n\n"
		  "Hassan",
		  1,
		  "Jag tar över som Neuros representant i LSS-samverkan efter Birgitta Holm från "
		  "januari.",
		  NULL },
		{ "what the minutes say, denied in the next sentence, and the request to change it",
		  "Re: Mötesanteckningar",
		  "Hej Karin\n\nI anteckningarna under punkt 4.8 står det att DHR var nöjda med svaret. "
		  "Det stämmer inte riktigt. Vi sa att vi vill följa upp frågan i september. Kan du rätta "
		  "det?\n\nHur lång är väntetiden just nu för bostadsanpassning?\n\n/Ali",
		  1,
		  "I anteckningarna under punkt 4.8 står det att DHR var nöjda med svaret. Det stämmer "
		  "inte riktigt. Vi sa att vi vill följa upp frågan i september. Kan du rätta det?",
		  NULL },
		{ "corrections in paragraphs of their own, and the request to change them after",
		  "SV: Mötesanteckningar",
		  "Hej Karin!\n\nEn rättelse: under punkt 4.2 står det att förvaltningen ska återkomma "
		  "om matkostnaden på korttidshemmen.\n\nUnder närvarande står också att Margareta "
		  "Olsson var med från FUB, men det var Stig Åberg och jag.\n\nKan du ändra det innan "
		  "anteckningarna läggs ut på kommunens webbplats?\n\nBirgitta",
		  0,
		  "En rättelse: under punkt 4.2 står det att förvaltningen ska återkomma om "
		  "matkostnaden på korttidshemmen.\nUnder närvarande står också att Margareta Olsson "
		  "var med från FUB, men det var Stig Åberg och jag.\nKan du ändra det innan "
		  "anteckningarna läggs ut på kommunens webbplats?",
		  NULL },
		{ "a question added after the last day, for the secretary to allow",
		  "Re: Dagordning",
		  "Hej!\n\nJag vet att sista dag för frågor var den 31 maj, men går det att lägga till "
		  "en fråga under övriga frågor?\n\nVad gäller om en rullstol går sönder i juli?\n\n"
		  "Per-Olof",
		  1,
		  "Jag vet att sista dag för frågor var den 31 maj, men går det att lägga till en fråga "
		  "under övriga frågor?",
		  NULL },
		{ "who attends, as the answer to the secretary's question",
		  "Re: Vilka kommer till mötet den 11 november?",
		  "Hej Karin,\n\nSvar på din fråga om vilka som kommer: från Hörselskadades förening "
		  "kommer jag, Gunnel Ivarsson, och Per Ström.\n\nVi har inga egna frågor till "
		  "dagordningen den här gången.\n\nGunnel",
		  0,
		  "Svar på din fråga om vilka som kommer: från Hörselskadades förening kommer jag, "
		  "Gunnel Ivarsson, och Per Ström.",
		  NULL },
		{ "a question missing from the agenda",
		  "SV: Dagordning",
		  "Hej Karin!\n\nTack för dagordningen. Vi saknar vår fråga om trygghetslarmen, som jag "
		  "mejlade hit den 27 maj.\n\nVem hjälper de brukare som inte har wifi hemma?\n\nEva",
		  1,
		  "Vi saknar vår fråga om trygghetslarmen, som jag mejlade hit den 27 maj.",
		  NULL },
		{ "a question sent before, replaced",
		  "Rättelse",
		  "Hej igen!\n\nFörra veckan skickade jag en fråga om hyrorna. Tyvärr blev den fel, så vi "
		  "vill ersätta den med frågan här under.\n\nHur har kommunen räknat fram "
		  "hyreshöjningen på 9 procent?\n\n(Och förlåt alla andra, jag råkade trycka på Svara "
		  "alla.)\n\nLotta",
		  1,
		  "Tyvärr blev den fel, så vi vill ersätta den med frågan här under.",
		  "Svara alla" },
		{ "a withdrawal of a question by its number, and the questions that stand",
		  "Ändring av frågor",
		  "Hej!\n\nVi skickade Attentions frågor i förra veckan. Fråga 2 om läxhjälp på "
		  "korttidstillsynen drar vi tillbaka, vi har fått svar direkt från enhetschefen. Tack "
		  "för det!\n\nMaria Sandberg skickade i lördags några frågor från sin privata adress. "
		  "De gäller också och ska vara med.\n\nI stället för fråga 2 vill vi ställa den här "
		  "frågan: Hur informerar kommunen familjer om avlösarservice?\n\nVänliga "
		  "hälsningar\nErik",
		  1,
		  "Fråga 2 om läxhjälp på korttidstillsynen drar vi tillbaka, vi har fått svar direkt "
		  "från enhetschefen.\nDe gäller också och ska vara med.",
		  NULL },
		{ "who comes, named between dashes, after a list",
		  "Frågor",
		  "Hej!\n\nHär kommer två frågor.\n\n1. När öppnar bassängen igen?\n\n2. Varför "
		  "blev höjningen av avgiften så stor?\n\nVi i styrelsen – Astrid, Gunnel och Bertil – "
		  "kommer alla tre på mötet.\n\nMed vänlig hälsning\nAstrid",
		  2,
		  "Vi i styrelsen – Astrid, Gunnel och Bertil – kommer alla tre på mötet.",
		  NULL },
		{ "a notice of more than 30 words above a list",
		  "SV: Kallelse",
		  "Hej Karin,\n\nFrån Hörselskadades förening kommer jag och Ulf Bergman den 28 "
		  "januari. Vi behöver skrivtolk under mötet, och det vore bra om någon kontrollerar att "
		  "hörslingan i Ekorren fungerar innan vi börjar, eftersom den inte fungerade sist.\n\n"
		  "Vi har två frågor:\n\n1. Kan man nå kontaktcenter med sms?\n\n2. Hur många i "
		  "hemtjänsten har fått utbildning i att sköta hörapparater?\n\nVänliga "
		  "hälsningar\nMaria",
		  2,
		  "Från Hörselskadades förening kommer jag och Ulf Bergman den 28 januari. Vi behöver "
		  "skrivtolk under mötet, och det vore bra om någon kontrollerar att hörslingan i "
		  "Ekorren fungerar innan vi börjar, eftersom den inte fungerade sist.",
		  NULL },
		{ "a withdrawal of the writer's question by its ordinal",
		  "SV: Frågor om nya avgifter",
		  "Hej igen!\n\nVi drar tillbaka vår tredje fråga nedan, den om "
		  "habiliteringsersättningen.\n\nDäremot har vi en ny fråga: Hur många står i kö till "
		  "bostad med särskild service just nu?\n\nHälsningar\nBirgitta",
		  1,
		  "Vi drar tillbaka vår tredje fråga nedan, den om habiliteringsersättningen.",
		  NULL },
		{ "an offer to bring a member to the meeting",
		  "Gemensam fråga om e-tjänster",
		  "Hej!\n\nHar kommunen testat de nya e-tjänsterna med skärmläsare innan de "
		  "infördes?\n\nVi tar gärna med en medlem som kan visa problemen på mötet, om det "
		  "passar.\n\nMed vänlig hälsning\nGunnel",
		  1,
		  "Vi tar gärna med en medlem som kan visa problemen på mötet, om det passar.",
		  NULL },
		{ "attendees coming late after a notice by count",
		  "DHR till mötet 17 sept",
		  "Hej Karin!\n\nVi blir tre från DHR på mötet: jag, Kjell Persson och Lena Ahmadi. "
		  "Kjell och Lena kommer ca 20 min sent eftersom färdtjänsten inte kunde lova en "
		  "tidigare tid.\n\nFrågor från DHR:\nHur går upphandlingen av den nya "
		  "färdtjänsten?\n\nHälsningar Birgit",
		  1,
		  "Vi blir tre från DHR på mötet: jag, Kjell Persson och Lena Ahmadi. Kjell och Lena "
		  "kommer ca 20 min sent eftersom färdtjänsten inte kunde lova en tidigare tid.",
		  NULL },
		{ "a member's wish to stay anonymous",
		  "Fråga om fritids",
		  "Hej Karin,\n\nMedlemmen vill vara anonym, så ta bort namnet innan frågan går ut "
		  "med dagordningen.\n\nVarför får inte barn över 12 år gå på fritids?\n\nHälsningar "
		  "Sara",
		  1,
		  "Medlemmen vill vara anonym, så ta bort namnet innan frågan går ut med "
		  "dagordningen.",
		  NULL },
		{ "anonymous complaints are a matter",
		  "Klagomål",
		  "Hej,\n\nHur hanteras anonyma klagomål på gruppbostäderna?\n\nHälsningar Sara",
		  1, NULL, NULL },
		{ "attendance on the meeting's weekday, a need, an informal closing",
		  "Närvaro 11/12",
		  "Hej Karin!\nFrån Attention kommer jag och Jonas Ek på torsdag. Jonas är "
		  "glutenintolerant om det blir fika \xF0\x9F\x98\x8A\nKram Maria\n\nSkickat från min "
		  "iPhone",
		  0,
		  "Från Attention kommer jag och Jonas Ek på torsdag. Jonas är glutenintolerant om det "
		  "blir fika \xF0\x9F\x98\x8A",
		  "Kram" },
		{ "attendance with an interpreter request beside a question",
		  "Till mötet den 10 december",
		  "Hej Karin,\n\nFrån HRF kommer jag och Per Ahlqvist. Per behöver skrivtolk, kan ni "
		  "boka det till mötet?\n\nVi har också en fråga: Varför har väntetiden till "
		  "hörcentralen blivit så lång?\n\nTack på förhand!\n\nMvh\nIngrid Sjö\nHRF "
		  "Exempelstad\n070-123 45 67",
		  1,
		  "Från HRF kommer jag och Per Ahlqvist. Per behöver skrivtolk, kan ni boka det till "
		  "mötet?",
		  "Ingrid" },
		{ "a withdrawal, and why, without the thanks",
		  "SV: Skolskjuts till Ekbacken",
		  "Hej,\n\nVi stryker vår fråga om skolskjutsen, den har löst sig. Tack för "
		  "hjälpen!\n\nHälsningar\nAnna\n\nDen 3 nov. 2026 skrev LSS-samverkan:\n> Tack för "
		  "er fråga.\n> Från FUB kommer Eva.\n",
		  0, "Vi stryker vår fråga om skolskjutsen, den har löst sig.", "Tack" },
		{ "a withdrawal with an adverb inside its verb",
		  "SV: Bassängen på Åsen",
		  "Hej,\n\nVi drar härmed tillbaka vår fråga om bassängen på Åsen.\n\n"
		  "Hälsningar\nSara",
		  0, "Vi drar härmed tillbaka vår fråga om bassängen på Åsen.", NULL },
		{ "the municipality taking something back is a matter",
		  "Ledsagning",
		  "Hej,\n\nVarför tar kommunen nu tillbaka besluten om ledsagning för våra "
		  "medlemmar? Frågan gäller många.\n\nMvh\nSara",
		  1, NULL, "Hälsningar" },
		{ "a question that stands",
		  "SV: Korttidsboendet",
		  "Hej!\n\nFrågan om korttidsboendet står kvar.\n\n/Per", 0,
		  "Frågan om korttidsboendet står kvar.", NULL },
		{ "attendance and a diet, paragraphs a line each",
		  "Mötet",
		  "Hej,\n\nJag kommer på mötet.\n\nDagordningen vill jag gärna ha i Word-format i "
		  "förväg, eftersom jag använder skärmläsare.\n\nMvh Lars",
		  0,
		  "Jag kommer på mötet.\nDagordningen vill jag gärna ha i Word-format i förväg, "
		  "eftersom jag använder skärmläsare.",
		  NULL },
		{ "the mailing list",
		  "Utskick",
		  "Hej,\n\nVar snäll och ta bort mig från er sändlista, jag har lämnat styrelsen.\n\n"
		  "Mvh Gunnel",
		  0, "Var snäll och ta bort mig från er sändlista, jag har lämnat styrelsen.", NULL },
		{ "a plain question has none",
		  "Färdtjänst",
		  "Hej,\n\nVarför har färdtjänsten blivit dyrare i år?\n\nMvh Eva", 1, NULL, NULL },
		{ "attendance with the day, a support person and a diet, then a question",
		  "DHR till mötet",
		  "Hej Karin,\n\nJag och Maja Ek kommer från DHR den 12 mars. Maja har med sig sin "
		  "stödperson från boendestödet. Vi vill gärna ha vegetarisk lunch om det serveras "
		  "mat.\n\nVår fråga: Varför har färdtjänsten blivit dyrare i år?\n\nMvh\nEva",
		  1,
		  "Jag och Maja Ek kommer från DHR den 12 mars. Maja har med sig sin stödperson från "
		  "boendestödet. Vi vill gärna ha vegetarisk lunch om det serveras mat.",
		  NULL },
		{ "who comes to the meeting after the question, and a need during it",
		  "Korttidsvistelsen",
		  "Hej,\n\nHur ska kommunen verkställa besluten om korttidsvistelse?\n\nTill mötet "
		  "kommer jag och Jonas Berg från styrelsen. Jonas behöver sitta nära dörren och kan "
		  "behöva ta en kort paus under mötet.\n\nHälsningar\nSara",
		  1,
		  "Till mötet kommer jag och Jonas Berg från styrelsen. Jonas behöver sitta nära "
		  "dörren och kan behöva ta en kort paus under mötet.",
		  NULL },
		{ "a long request about the loop and the interpreter beside attendance",
		  "Till mötet",
		  "Hej!\n\nVi kommer två från HRF på mötet, jag och Per Holm. Kan ni se till att "
		  "hörslingan i sal Insikten fungerar och att det finns skrivtolk beställd? Per hör "
		  "nästan ingenting utan skrivtolk.\n\nVår fråga: Varför saknar kommunens lokaler "
		  "hörslinga?\n\nHälsningar\nEva",
		  1,
		  "Vi kommer två från HRF på mötet, jag och Per Holm. Kan ni se till att hörslingan i "
		  "sal Insikten fungerar och att det finns skrivtolk beställd? Per hör nästan "
		  "ingenting utan skrivtolk.",
		  NULL },
		{ "an assistant comes along, parking and a diet, no questions",
		  "Mötet 21 januari",
		  "Hej Karin!\n\nJag kommer till mötet den 21 januari för RBU. Min personliga "
		  "assistent Elin följer med, så vi blir två. Jag kör elrullstol och kommer med en "
		  "specialbyggd bil, finns det en handikapparkering nära entrén till stadshuset som "
		  "vi kan använda? Jag äter glutenfritt om det blir fika.\n\nVi har inga egna frågor "
		  "den här gången.\n\nHälsningar\nJohan",
		  0,
		  "Jag kommer till mötet den 21 januari för RBU. Min personliga assistent Elin följer "
		  "med, så vi blir två. Jag kör elrullstol och kommer med en specialbyggd bil, finns "
		  "det en handikapparkering nära entrén till stadshuset som vi kan använda? Jag äter "
		  "glutenfritt om det blir fika.",
		  NULL },
		{ "the writer comes with a wheelchair, a paragraph of its own below a question",
		  "Färdtjänst",
		  "Hej,\n\nVarför får man inte åka färdtjänst till en annan kommun på helgen?\n\n"
		  "Jag kommer själv till mötet och kör permobil, så jag behöver plats vid "
		  "dörren.\n\nMvh\nOla",
		  1,
		  "Jag kommer själv till mötet och kör permobil, så jag behöver plats vid dörren.",
		  NULL },
		{ "we come three from the association, one with an allergy, above a question",
		  "Mötet i maj",
		  "Hej!\n\nFrån NEURO kommer vi två personer till mötet: jag och Berit Lund. Berit "
		  "är allergisk mot gluten, så fikat behöver vara glutenfritt.\n\nVarför har "
		  "kommunen slutat med bassängträning?\n\nHälsningar\nEva",
		  1,
		  "Från NEURO kommer vi två personer till mötet: jag och Berit Lund. Berit är "
		  "allergisk mot gluten, så fikat behöver vara glutenfritt.",
		  NULL },
		{ "the writer comes with a companion, alone in the mail",
		  "Anmälan",
		  "Hej Karin,\n\nJag kommer till LSS-samverkan den 3 juni tillsammans med min "
		  "assistent Per Ek.\n\nHälsningar\nOla",
		  0,
		  "Jag kommer till LSS-samverkan den 3 juni tillsammans med min assistent Per Ek.",
		  NULL },
		{ "the writer corrects their own question, then sends it again",
		  "SV: Korttidshemmet Björken",
		  "Hej,\n\nJag skrev tyvärr fel namn i min fråga. Det gäller Eken, inte Björken. "
		  "Frågan ska alltså vara:\n\nVarför har korttidshemmet Eken stängt i "
		  "juli?\n\nMvh\nSara",
		  1, "Jag skrev tyvärr fel namn i min fråga. Det gäller Eken, inte Björken.",
		  NULL },
		{ "a mistake in a form is the story of a question",
		  "Bostadsanpassning",
		  "Hej,\n\nJag skrev fel på blanketten och fick avslag. Varför får man inte rätta "
		  "en ansökan om bostadsanpassning?\n\nMvh\nSara",
		  1, NULL, NULL },
		{ "parking as a matter stays a question",
		  "Parkering",
		  "Hej,\n\nVarför har kommunen tagit bort handikapparkeringen vid vårdcentralen?\n\n"
		  "Mvh Eva",
		  1, NULL, NULL },
		{ "whether the writer may attend, after a question",
		  "Boendestöd",
		  "hej\n\när detta ett beslut av nämnden och kan man överklaga det??\n\nsen undrar "
		  "jag om man får komma på mötet fast man inte är ordförande\n\nmvh bosse",
		  1, "sen undrar jag om man får komma på mötet fast man inte är ordförande", NULL },
		{ "a question withdrawn by its number, the other stands",
		  "SV: Två frågor",
		  "Hej,\n\nVi drar tillbaka fråga 1 om skolskjutsen till Ekbackeskolan.\n\nFråga 2 "
		  "om fritidsaktiviteterna står kvar.\n\nHälsningar\nSara",
		  0,
		  "Vi drar tillbaka fråga 1 om skolskjutsen till Ekbackeskolan.\nFråga 2 om "
		  "fritidsaktiviteterna står kvar.",
		  NULL },
		{ "nothing more to add",
		  "SV: Dagordning",
		  "Tack Karin, dagordningen ser bra ut. Vi har inget mer att lägga till.\n\n"
		  "Hälsningar Anders",
		  0, NULL, NULL },
		{ "thanks and see-you are none",
		  "SV: Dagordning",
		  "Hej Karin,\n\nTack för ett bra möte i går! Det ser bra ut. Vi ses i december.\n\n"
		  "Hälsningar\nEva",
		  0, NULL, NULL },
		/* is_attendance_detail(): how the room worked last time, and the
		 * writer's own need, after a need of the meeting */
		{ "last time's trouble and the writer's need beside attendance",
		  "Ramp och närvaro",
		  "Hej!\n\nFrån DHR kommer jag och Lars Berg. Finns det ramp vid entrén till "
		  "sal Björken? Sist vi var där fick vi vänta ute i regnet. Vi behöver någon som "
		  "hämtar oss vid busshållplatsen.\n\nVarför har färdtjänsten blivit dyrare i "
		  "år?\n\nMvh\nEva",
		  1,
		  "Från DHR kommer jag och Lars Berg. Finns det ramp vid entrén till sal Björken? "
		  "Sist vi var där fick vi vänta ute i regnet. Vi behöver någon som hämtar oss vid "
		  "busshållplatsen.",
		  NULL },
		{ "what the municipality promised at the last meeting stays the question",
		  "Skolskjuts",
		  "Hej,\n\nFrån FUB kommer Lena Holm. Förra mötet lovade kommunen att återkomma om "
		  "skolskjutsen. Varför har ingenting hänt?\n\nMvh\nEva",
		  1, "Från FUB kommer Lena Holm.", "lovade" },
		{ "a need of the services after attendance stays the question",
		  "Korttidstillsyn",
		  "Hej,\n\nFrån Attention kommer Maria Sandberg. Vi behöver fler platser i "
		  "korttidstillsynen för tonåringar. Hur ska det lösas?\n\nMvh\nEva",
		  1, "Från Attention kommer Maria Sandberg.", "platser" },
		{ "help with a matter after attendance stays the question's background",
		  "Ledsagning",
		  "Hej,\n\nFrån FUB kommer Lena Holm. Vi behöver hjälp med att förstå de nya "
		  "reglerna för ledsagarservice. Kan någon från förvaltningen förklara dem på "
		  "mötet?\n\nMvh\nEva",
		  1, "Från FUB kommer Lena Holm.", "reglerna" },
		{ "a matter raised at the last meeting stays the question",
		  "Boendestöd",
		  "Hej,\n\nVi kommer två från RSMH. Förra mötet tog vi upp boendestödet och fick "
		  "inget svar.\n\nMvh\nOve",
		  1, "Vi kommer två från RSMH.", "boendestödet" },
		/* is_attendee_detail(): the writer who comes, their aids and
		 * companions */
		{ "the writer's wheelchair, assistant and parking beside attendance",
		  "SV: Dagordning",
		  "Hej Karin,\n\nTill mötet kommer jag och Lars Öberg. Jag kör elrullstol och har "
		  "med mig min personliga assistent Emma. Finns det parkering för rörelsehindrade "
		  "nära entrén till Stadshuset? Lars äter glutenfritt om det blir fika.\n\nFatima",
		  0,
		  "Till mötet kommer jag och Lars Öberg. Jag kör elrullstol och har med mig min "
		  "personliga assistent Emma. Finns det parkering för rörelsehindrade nära entrén "
		  "till Stadshuset? Lars äter glutenfritt om det blir fika.",
		  NULL },
		{ "the writers bring a guide dog",
		  "SV: Dagordning",
		  "Hej!\n\nVi kommer båda till mötet. Vi har ledarhund med oss.\n\nMats",
		  0, "Vi kommer båda till mötet. Vi har ledarhund med oss.", NULL },
		{ "the writer's walker and seat",
		  "SV: Dagordning",
		  "Hej!\n\nJag kommer på mötet. Jag använder rollator och behöver sitta nära "
		  "dörren.\n\nMats",
		  0, "Jag kommer på mötet. Jag använder rollator och behöver sitta nära dörren.",
		  NULL },
		{ "the writer's wheelchair in a story stays the question's background",
		  "Badhuset",
		  "Hej!\n\nFrån DHR kommer jag och Lars Berg. Jag sitter i rullstol och kommer "
		  "inte in på badhuset. Varför har badhuset ingen ramp?\n\nMats",
		  1, "Från DHR kommer jag och Lars Berg.", "badhuset" },
		{ "the writer's refusal stays the question's background",
		  "Färdtjänst",
		  "Hej!\n\nJag kommer på mötet. Jag kör elrullstol och har fått avslag på "
		  "färdtjänst. Hur ska jag ta mig till jobbet?\n\nMats",
		  1, "Jag kommer på mötet.", "avslag" },
		{ "parking as a matter after attendance stays the question",
		  "Parkering",
		  "Hej!\n\nJag kommer på mötet. Varför finns det ingen parkering för "
		  "rörelsehindrade vid Kulturhuset?\n\nMats",
		  1, "Jag kommer på mötet.", "Kulturhuset" },
		/* is_small_wish() */
		{ "a water bowl beside a guide dog",
		  "SV: Dagordning",
		  "Hej!\n\nJag kommer på mötet och har med mig min ledarhund. En vattenskål vore "
		  "bra.\n\nBirgitta",
		  0, "Jag kommer på mötet och har med mig min ledarhund. En vattenskål vore bra.",
		  NULL },
		{ "a seat near the door, gladly",
		  "SV: Dagordning",
		  "Hej!\n\nVi kommer två till mötet. Gärna en plats nära dörren. Det vore fint med "
		  "en stol med armstöd.\n\nBirgitta",
		  0,
		  "Vi kommer två till mötet. Gärna en plats nära dörren. Det vore fint med en stol "
		  "med armstöd.",
		  NULL },
		{ "more staff would be good is a matter",
		  "Korttids",
		  "Hej!\n\nVi kommer två till mötet. Mer personal på korttids vore bra. Hur ska "
		  "det lösas?\n\nBirgitta",
		  1, "Vi kommer två till mötet.", "personal" },
		/* is_arranging_request() */
		{ "the secretary asked to book the interpreter named",
		  "SV: Dagordning",
		  "Hej Karin!\n\nVi behöver skrivtolk under hela mötet. Jag har inte beställt "
		  "någon själv, kan du boka via tolkcentralen som förra gången?\n\nGunilla",
		  0,
		  "Vi behöver skrivtolk under hela mötet. Jag har inte beställt någon själv, kan "
		  "du boka via tolkcentralen som förra gången?",
		  NULL },
		{ "the secretary asked to reserve a seat beside attendance",
		  "SV: Dagordning",
		  "Hej!\n\nVi kommer två till mötet. Kan ni reservera en plats nära skärmen åt "
		  "oss?\n\nGunilla",
		  0, "Vi kommer två till mötet. Kan ni reservera en plats nära skärmen åt oss?",
		  NULL },
		{ "an interpreter from the municipality is a matter",
		  "Tolk",
		  "Hej!\n\nVi kommer två till mötet. Kan kommunen ordna tolk vid "
		  "LSS-handläggningen?\n\nGunilla",
		  1, "Vi kommer två till mötet.", "tolk" },
		{ "more places asked of the council is a matter",
		  "Korttids",
		  "Hej!\n\nVi kommer två till mötet. Kan ni ordna så att fler får "
		  "korttidsplats?\n\nGunilla",
		  1, "Vi kommer två till mötet.", "korttidsplats" },
		/* is_attendee_detail() */
		{ "an attendee named in the notice brings a guide dog",
		  "Närvaro 4 maj",
		  "Hej Karin!\n\nFrån SRF kommer jag och Gunnar Berg på mötet den 4 maj. Gunnar "
		  "har sin ledarhund med sig.\n\nHälsningar\nMats",
		  0,
		  "Från SRF kommer jag och Gunnar Berg på mötet den 4 maj. Gunnar har sin "
		  "ledarhund med sig.",
		  NULL },
		{ "an attendee named in the notice on a matter stays the question",
		  "Ledsagning",
		  "Hej,\n\nFrån FUB kommer jag och Eva Holm. Eva har sett att kommunen har slutat "
		  "med ledsagning på kvällarna. Hur ska medlemmarna ta sig till "
		  "föreningen?\n\nMvh\nPer",
		  1, "Från FUB kommer jag och Eva Holm.", "ledsagning" },
		{ "an attendee's story after the notice stays the question's background",
		  "Björken",
		  "Hej,\n\nFrån FUB kommer Lena Holm och Per Ek. Per har en dotter på Björken där "
		  "nästan all personal har slutat. Hur säkerställer ni kontinuiteten?\n\nMvh\nEva",
		  1, "Från FUB kommer Lena Holm och Per Ek.", "dotter" },
		/* is_attendance_need() */
		{ "who attends and a need of the meeting asked in one sentence",
		  "SV: Dagordning 12 maj",
		  "Tack för dagordningen! Jag kommer själv på torsdag, finns det hiss upp till sal "
		  "Eken?\n\n/Anna",
		  0, "Jag kommer själv på torsdag, finns det hiss upp till sal Eken?", NULL },
		{ "the writer comes alone this time",
		  "SV: Dagordning",
		  "Hej!\n\nJag kommer ensam den här gången.\n\n/Sofia",
		  0, "Jag kommer ensam den här gången.", NULL },
		{ "who attends and a matter asked in one sentence stays the question",
		  "Parkering",
		  "Hej,\n\nJag kommer på mötet, men varför har kommunen tagit bort "
		  "handikapparkeringen vid stadshuset?\n\nMvh\nAnna",
		  1, NULL, NULL },
		/* is_correction(): the council's papers say something wrong */
		{ "what the minutes say is wrong, and a request to change it",
		  "SV: Minnesanteckningar 3 juni",
		  "Hej Karin!\n\nI minnesanteckningarna står det att frågan om ledsagning kom från "
		  "RBU, men det var FUB som ställde den. Kan du rätta det?\n\nMvh\nEva",
		  0,
		  "I minnesanteckningarna står det att frågan om ledsagning kom från RBU, men det "
		  "var FUB som ställde den. Kan du rätta det?",
		  NULL },
		{ "a correction of the agenda's date, then a new question",
		  "SV: Dagordning",
		  "Hej,\n\nEn rättelse: i punkt 4 står det 1 juli. Det ska vara 1 augusti.\n\n"
		  "Varför har avgiften för trygghetslarm höjts?\n\nMvh\nGöran",
		  1, "En rättelse: i punkt 4 står det 1 juli. Det ska vara 1 augusti.", NULL },
		{ "a correction that asks which of two is right",
		  "SV: Dagordning",
		  "Hej,\n\nEn rättelse: i punkt 4 står det 1 juli, men i kallelsen 1 augusti. "
		  "Vilket gäller?\n\nMvh\nGöran",
		  0,
		  "En rättelse: i punkt 4 står det 1 juli, men i kallelsen 1 augusti. Vilket "
		  "gäller?",
		  NULL },
		{ "what the minutes call settled, followed up, stays the question",
		  "SV: Minnesanteckningar 3 juni",
		  "Hej,\n\nI anteckningarna står det att frågan om skolskjutsen är avslutad, men "
		  "problemen finns kvar. Vi vill att den tas upp igen.\n\nMvh\nEva",
		  1, NULL, NULL },
		{ "what the minutes say the municipality was to do stays the question",
		  "SV: Minnesanteckningar 3 juni",
		  "Hej,\n\nI protokollet står det att kommunen skulle återkomma om skolskjutsen, "
		  "men vi har inte fått något svar. Vad händer nu?\n\nMvh\nEva",
		  1, NULL, NULL },
		/* approval of what the council did with the matter, attending,
		 * correcting one's own question, joining the council: for the
		 * secretary; the same words as a matter for the council stay */
		{ "approval of the agenda in a reply asks nothing",
		  "SV: Färdtjänst på morgonen",
		  "Tack för svaret! Fint att frågan finns med på dagordningen, det är det som "
		  "medlemmarna pratar om. Vi ses i juni.\n\nHälsningar Hasse",
		  0, NULL, NULL },
		{ "approval of a municipal change before a question stays background",
		  "E-tjänsten",
		  "Hej,\n\nBra att kommunen har infört en ny e-tjänst. Varför fungerar den inte med "
		  "skärmläsare?\n\nMvh Birgitta",
		  1, NULL, NULL },
		{ "asking to come to the meeting is a note",
		  "Egenmaktsgruppen",
		  "Hej!\n\nVarför har lunchen blivit dyrare?\n\nVi vill gärna komma till mötet och "
		  "berätta själva. Kan vi få vara med på mötet i juni?\n\nHälsningar",
		  1,
		  "Vi vill gärna komma till mötet och berätta själva. Kan vi få vara med på mötet i "
		  "juni?",
		  NULL },
		{ "parents at another meeting stay a question",
		  "Möten med handläggaren",
		  "Hej,\n\nFår föräldrar vara med på mötet med handläggaren när beslutet om "
		  "assistans ska fattas?\n\nMvh Anna",
		  1, NULL, NULL },
		{ "correcting one's own question is a note",
		  "SV: Korttids",
		  "Hej,\n\nJag behöver korrigera min fråga från i måndags.\n\nHur många barn väntar "
		  "på korttidsvistelse i Exempelstad?\n\nMvh Eva",
		  1, "Jag behöver korrigera min fråga från i måndags.", NULL },
		{ "asking the council to correct decisions stays a question",
		  "Assistansbeslut",
		  "Hej,\n\nVi vill att kommunen rättar felen i besluten om assistans. Hur många "
		  "beslut har ändrats?\n\nMvh Eva",
		  1, NULL, NULL },
		{ "a wish to join the council is for the secretary",
		  "Epilepsi och personalens utbildning",
		  "Hej,\n\nVilken utbildning om epilepsi får personalen på gruppbostäderna?\n\n"
		  "Vi skulle gärna vilja vara med i samverkan framöver, så hör gärna av er.\n\n"
		  "Mvh Camilla",
		  1, "Vi skulle gärna vilja vara med i samverkan framöver, så hör gärna av er.",
		  NULL },
		{ "why an association may not join the council stays a question",
		  "Rådet",
		  "Hej,\n\nVarför får inte RSMH vara med i funktionshinderrådet?\n\nMvh Bosse",
		  1, NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		struct test_mail t;
		struct extraction *ex = NULL;
		struct error error = { 0 };

		mail_build(&t, cases[i].subject, "anna@fub-exempelstad.se", cases[i].body);
		assert_int_equal(extract_questions(&t.mail, NULL, &ex, &error), 0);
		check_invariants(ex, NULL);
		if (ex->n_questions != cases[i].n_questions ||
		    (ex->notes == NULL) != (cases[i].notes == NULL) ||
		    (ex->notes != NULL && strcmp(ex->notes, cases[i].notes) != 0))
			fail_msg("case '%s': %zu questions, notes '%s'", cases[i].name,
				 ex->n_questions, ex->notes != NULL ? ex->notes : "(none)");
		if (ex->notes != NULL) {
			assert_true(valid_utf8(ex->notes));
			assert_null(strstr(ex->notes, "> "));
			if (cases[i].absent != NULL)
				assert_null(strstr(ex->notes, cases[i].absent));
		}
		extract_free(&ex);
	}
}

/* ------------------------------------------------------------------------ */
/* Data cases under tests/data/extract/. */

static char *read_data(const char *path)
{
	char *data = NULL;
	size_t size;

	if (util_read_file(path, 1 << 20, &data, &size) < 0)
		fail_msg("cannot read %s", path);
	return data;
}

/* Parses NAME.txt into t (pointing into data). */
static void parse_case_mail(struct test_mail *t, char *data)
{
	char *p = data, *body = NULL;

	mail_build(t, "", NULL, "");
	for (;;) {
		char *nl = strchr(p, '\n'), *colon, *value;

		if (nl == NULL)
			fail_msg("no blank line after the header lines");
		*nl = '\0';
		if (*p == '\0') {
			body = nl + 1;
			break;
		}
		colon = strchr(p, ':');
		if (colon == NULL)
			fail_msg("bad header line '%s'", p);
		*colon = '\0';
		value = colon + 1;
		while (*value == ' ')
			value++;
		if (str_eq_ci(p, "Subject")) {
			t->mail.subject = value;
		} else if (str_eq_ci(p, "Body-From-Html")) {
			t->mail.body_from_html = str_eq_ci(value, "yes");
		} else if (str_eq_ci(p, "From")) {
			t->mail.from_addr = value;
		} else if (str_eq_ci(p, "Attachment")) {
			char *semi = strchr(value, ';');

			if (semi == NULL)
				fail_msg("Attachment: needs 'FILE; TYPE'");
			*semi = '\0';
			mail_add_attachment(t, value, str_trim(semi + 1));
		} else {
			mail_add_header(t, p, value);
		}
		p = nl + 1;
	}
	t->mail.body = body;
}

struct expectation {
	char *questions[32];
	size_t n_questions;
	char *titles[32];
	size_t n_titles;
	char *forwarded_from;
	bool attachment_only;
};

static void parse_expect(struct expectation *e, char *data)
{
	memset(e, 0, sizeof(*e));
	for (char *line = strtok(data, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (str_is_blank(line))
			continue;
		if (strncmp(line, "title: ", 7) == 0) {
			assert_true(e->n_titles < N_ELEMENTS(e->titles));
			e->titles[e->n_titles++] = line + 7;
		} else if (strncmp(line, "forwarded_from: ", 16) == 0) {
			e->forwarded_from = line + 16;
		} else if (strcmp(line, "attachment_only: yes") == 0) {
			e->attachment_only = true;
		} else {
			assert_true(e->n_questions < N_ELEMENTS(e->questions));
			e->questions[e->n_questions++] = line;
		}
	}
}

/* Returns the number of mismatches, each printed. */
static int run_data_case(const char *dir, const char *name)
{
	char path[4096];
	char *mail_data, *expect_data;
	struct test_mail t;
	struct expectation e;
	struct extraction *ex = NULL;
	struct error error = { 0 };
	struct extract_limits limits = { 20, 4096 };
	int bad = 0;

	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	mail_data = read_data(path);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, name);
	expect_data = read_data(path);
	parse_case_mail(&t, mail_data);
	parse_expect(&e, expect_data);

	assert_int_equal(extract_questions(&t.mail, &limits, &ex, &error), 0);
	check_invariants(ex, &limits);
	if (ex->n_questions != e.n_questions) {
		print_message("%s: %zu questions, expected %zu\n", name, ex->n_questions,
			      e.n_questions);
		bad++;
	}
	for (size_t i = 0; i < ex->n_questions && i < e.n_questions; i++)
		if (strcmp(ex->questions[i].text, e.questions[i]) != 0) {
			print_message("%s: question %zu\n   got: %s\n  want: %s\n", name, i + 1,
				      ex->questions[i].text, e.questions[i]);
			bad++;
		}
	for (size_t i = 0; i < e.n_titles; i++)
		if (i >= ex->n_questions || strcmp(ex->questions[i].title, e.titles[i]) != 0) {
			print_message("%s: title %zu\n   got: %s\n  want: %s\n", name, i + 1,
				      i < ex->n_questions ? ex->questions[i].title : "(none)",
				      e.titles[i]);
			bad++;
		}
	if ((ex->forwarded_from == NULL) != (e.forwarded_from == NULL) ||
	    (e.forwarded_from != NULL && strcmp(ex->forwarded_from, e.forwarded_from) != 0)) {
		print_message("%s: forwarded_from %s, want %s\n", name,
			      ex->forwarded_from ? ex->forwarded_from : "(none)",
			      e.forwarded_from ? e.forwarded_from : "(none)");
		bad++;
	}
	if (ex->attachment_only != e.attachment_only) {
		print_message("%s: attachment_only %d, want %d\n", name, ex->attachment_only,
			      e.attachment_only);
		bad++;
	}
	extract_free(&ex);
	free(mail_data);
	free(expect_data);
	return bad;
}

static int txt_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".txt") == 0;
}

static void test_data_cases(void **state)
{
	const char *dir = TEST_DATA "/extract";
	struct dirent **list = NULL;
	int n = scandir(dir, &list, txt_filter, alphasort);
	int bad = 0;

	(void)state;
	if (n < 0)
		fail_msg("cannot list %s", dir);
	/* the suite is meant to cover every form; a lost directory must fail */
	assert_true(n >= 40);
	for (int i = 0; i < n; i++) {
		char name[256];

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(list[i]->d_name) - 4),
			 list[i]->d_name);
		bad += run_data_case(dir, name);
		free(list[i]);
	}
	free(list);
	assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------------ */
/* Subjects. */

static const struct {
	const char *subject;
	const char *clean;
} subject_cases[] = {
	{ "SV: VB: Re: Fråga: Ledsagning", "Ledsagning" },
	{ "RE:RE: Frågor", "Frågor" },
	{ "Sv:Sv:Frågor", "Frågor" },
	{ "[Extern] SV: Färdtjänst", "Färdtjänst" },
	{ "[EXTERNAL] FW: Färdtjänst", "Färdtjänst" },
	{ "Fwd: Fw: AW: WG: Korttids", "Korttids" },
	{ "Re[2]: Korttids", "Korttids" },
	{ "VB:  Frågor   inför  mötet ", "Frågor inför mötet" },
	{ "Vb: Återkoppling", "Återkoppling" },
	{ "Frågor till mötet", "Frågor till mötet" },
	{ "Svar på fråga om boende", "Svar på fråga om boende" },
	{ "Revision av LSS-boenden", "Revision av LSS-boenden" },
	{ "Fråga om boende", "Fråga om boende" },
	{ "Fwd:Fråga:", "" },
	{ "SV: SV:", "" },
	{ "", "" },
	{ "Sv: Fr\xe5ga", "Fr\xef\xbf\xbd" "ga" },
	/* an answer to an invitation names the meeting */
	{ "Godkänt: LSS-samverkan 20 mars", "LSS-samverkan 20 mars" },
	{ "Tackat nej: Samverkansmöte om boende", "Samverkansmöte om boende" },
	{ "Preliminärt accepterat: LSS-samverkan", "LSS-samverkan" },
};

static void test_clean_subject(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(subject_cases); i++) {
		char *s = extract_clean_subject(subject_cases[i].subject);

		assert_string_equal(s, subject_cases[i].clean);
		free(s);
	}
	char *s = extract_clean_subject(NULL);
	assert_string_equal(s, "");
	free(s);
}

/* ------------------------------------------------------------------------ */
/* Titles. */

static const struct {
	const char *subject;
	const char *body;
	const char *titles[4];
} title_cases[] = {
	/* one question, specific subject: the subject */
	{ "SV: färdtjänst i sommar", "Hur blir det med färdtjänsten i sommar?",
	  { "Färdtjänst i sommar" } },
	/* the counted questions: a phone's "Vill veta" and an added "Och" are
	 * no part of their titles */
	{ "Inför februarimötet",
	  "Två frågor från NEURO: Vill veta varför den dagliga verksamheten på Kvarnen bara har "
	  "öppet på förmiddagarna sedan nyår. Och finns det någon daglig verksamhet som är "
	  "anpassad för yngre med förvärvad hjärnskada?",
	  { "Varför den dagliga verksamheten på Kvarnen bara har öppet",
	    "Finns det någon daglig verksamhet som är anpassad" } },
	/* the Subject names the question withdrawn, not the new one */
	{ "Ang. vår fråga om nattbemanningen",
	  "Ang. frågan vi skickade den 6 maj om nattbemanningen på stödboendet Tallen: den kan ni "
	  "stryka från dagordningen.\n\nKan förvaltningen se till att man får behålla samma "
	  "handläggare?",
	  { "Kan förvaltningen se till att man får behålla samma handläggare" } },
	{ "Frågor",
	  "Det vore också bra att få veta hur lång kön till boendestöd är just nu.",
	  { "Hur lång kön till boendestöd är just nu" } },
	{ "Frågor",
	  "Sen undrar jag om ni kan ta upp korttidstillsynen efter skolan för barn över tolv år",
	  { "Om ni kan ta upp korttidstillsynen efter skolan" } },
	{ "Frågor",
	  "Jag skulle vilja att kommunen förklarar varför det tar över fem månader att få besked.",
	  { "Varför det tar över fem månader att få besked" } },
	/* an abbreviation's full stop ends no clause of the title */
	{ "Frågor",
	  "Varför hämtar skolskjutsen henne nu först kl. 8.40 när skolan börjar 8.15?",
	  { "Varför hämtar skolskjutsen henne nu först kl. 8.40 när skolan börjar 8.15" } },
	/* one question, generic subject: from the question */
	{ "Frågor till LSS-samverkan",
	  "Vi undrar hur många personer som står i kö till gruppbostad, och hur länge de väntat.",
	  { "Hur många personer som står i kö till gruppbostad" } },
	/* several questions: each from its own text, first clause */
	{ "Frågor om boende",
	  "1. När öppnar gruppbostaden på Björkvägen? Vi har väntat länge.\n2. Kan de boende "
	  "själva välja sina måltider, eller bestämmer personalen?\n",
	  { "När öppnar gruppbostaden på Björkvägen", "Kan de boende själva välja sina måltider" } },
	/* a long first clause is cut at about eight words without a dangling word */
	{ "Frågor",
	  "- Hur arbetar kommunen med att förbättra tillgängligheten i alla kommunens lokaler "
	  "och på webben?\n- Varför?\n",
	  { "Hur arbetar kommunen med att förbättra tillgängligheten", "Varför" } },
	/* background first, the question asked in words and without '?': the
	 * title comes from the sentence that asks */
	{ "Frågor till LSS-samverkan",
	  "Funktionsrätt har under hösten samlat in erfarenheter från medlemmar. Många beskriver "
	  "långa väntetider. Vi undrar därför om kommunen kan utse en särskild handläggare för "
	  "unga vuxna.",
	  { "Om kommunen kan utse en särskild handläggare för unga vuxna" } },
	/* a short lead-in before ':' is not the title */
	{ "Frågor",
	  "En annan sak: hur många platser i daglig verksamhet finns det på Söder?",
	  { "Hur många platser i daglig verksamhet finns det på Söder" } },
	/* a question that only points back: the sentence before it */
	{ "Frågor till LSS-samverkan",
	  "Många synskadade medlemmar har fått sin ledsagarservice minskad till tio timmar i "
	  "månaden. Räcker det för att kunna handla och gå till vården?",
	  { "Många synskadade medlemmar har fått sin ledsagarservice minskad" } },
	{ "Fråga",
	  "Kommunen planerar att stänga korttidshemmet Solrosen under sommaren. Hur ser ni på "
	  "det?",
	  { "Kommunen planerar att stänga korttidshemmet Solrosen under sommaren" } },
	/* a question whose own words say it all keeps them */
	{ "Fråga",
	  "Vi har väntat länge. Hur går det med bygget av den nya gruppbostaden på Ekvägen?",
	  { "Hur går det med bygget av den nya gruppbostaden på Ekvägen" } },
	/* "sen undrar vi också om" announces the question */
	{ "Frågor",
	  "hej vi undrar när den nya korttidsgruppen ska öppna och sen undrar vi också om det "
	  "blir något sommarläger för barnen i år",
	  { "När den nya korttidsgruppen ska öppna",
	    "Om det blir något sommarläger för barnen i år" } },
	/* a heading line over each question's paragraph: the title */
	{ "Frågor",
	  "Hej!\n\nKorttidsboendet Solrosen\nUnder sommaren stänger Solrosen i sex veckor. "
	  "Vart ska barnen ta vägen då?\n\nSkolskjutsen till Västerskolan\nVarför kommer bilen "
	  "så ofta för sent?\n\nMvh\nEva",
	  { "Korttidsboendet Solrosen", "Skolskjutsen till Västerskolan" } },
	/* "Fråga 1. Heading", background and question: one item, under its
	 * heading, also the last one before the closing text */
	{ "Frågor",
	  "Fråga 1. Avgiften för trygghetslarm i ordinärt boende\nAvgiften höjdes i januari "
	  "från 250 till 395 kronor i månaden.\nVad grundar sig höjningen på?\n\nFråga 2. "
	  "Väntetiden till gruppbostad\nFlera av våra medlemmar har väntat i över ett år på "
	  "sitt beslut.\nHur många står i kö i dag?\n\nVi ser fram emot ert svar.",
	  { "Avgiften för trygghetslarm i ordinärt boende", "Väntetiden till gruppbostad" } },
	/* one question: its heading beats the subject */
	{ "Parkering",
	  "Parkeringen vid Stadshuset\nSedan ombyggnaden finns bara en plats för "
	  "rörelsehindrade kvar. Varför togs de andra bort?",
	  { "Parkeringen vid Stadshuset" } },
	/* "Angående" leads in to what the heading names */
	{ "Frågor",
	  "Angående korttidsboendet Solrosen\nUnder sommaren stänger Solrosen i sex veckor. Vart "
	  "ska barnen ta vägen då?",
	  { "Korttidsboendet Solrosen" } },
	/* a wrapped sentence whose next line starts with a name is no heading */
	{ "Frågor",
	  "Min dotter bor på gruppbostaden\nLärkan sedan 2019 och har fått höjd hyra två gånger. "
	  "Varför har hyran höjts så mycket?",
	  { "Varför har hyran höjts så mycket" } },
	/* a calendar answer's subject names the meeting; what is to be taken up
	 * names the question */
	{ "Godkänt: LSS-samverkan 3 april",
	  "Vi kommer, och vår kassör Per Ek följer med. Kan vi ta upp den nya "
	  "hemtjänstavgiften på mötet? Flera medlemmar har fått högre räkningar.",
	  { "Den nya hemtjänstavgiften" } },
	/* a short topic before ':' and a question that only points back at it:
	 * the topic leads the title; a question that names its matter needs none */
	{ "Frågor",
	  "- Hjälpmedel: väntetiden för en ny elrullstol är nu ett halvår. Hur kan det bli "
	  "kortare?\n- Simhallen: bassängen har varit stängd sedan september. När öppnar den "
	  "igen?\n- Skolskjuts: barnen får vänta länge på taxin. Kan kommunen ställa krav på "
	  "kortare väntetid?\n",
	  { "Hjälpmedel: hur kan det bli kortare", "Simhallen: när öppnar den igen",
	    "Kan kommunen ställa krav på kortare väntetid" } },
	/* a reply's Subject that asks is the question of the mail replied to:
	 * the writer's own question, which asks something else, titles it */
	{ "SV: Vilka kommer från RBU den 3 juni?",
	  "Hej!\n\nDet blir jag och Per Ek som kommer.\n\nSen har vi en ny fråga till mötet: "
	  "Varför har avgiften för korttidsvistelse höjts?\n\nMvh\nAnna",
	  { "Varför har avgiften för korttidsvistelse höjts" } },
	/* the question of a story told before "Så våra frågor är:" titles none */
	{ "Vår situation",
	  "Vår son har väntat på ett beslut sedan i höstas. Hur länge ska vi klara det "
	  "här?\n\nSå våra frågor till mötet är:\n\nVarför tar handläggningen så lång tid?\n\n"
	  "Kan kommunen ordna avlösning medan vi väntar?",
	  { "Varför tar handläggningen så lång tid", "Kan kommunen ordna avlösning medan vi väntar" } },
	/* a lead-in that opens a new matter names nothing */
	{ "fråga",
	  "min son har inte fått någon plats på korttids fast han har beslut\n\noch en sak "
	  "till när kommer protokollet från förra mötet",
	  { "Min son har inte fått någon plats", "När kommer protokollet från förra mötet" } },
	/* a short question that names nothing but a pronoun takes its title
	 * from the sentence that names the matter */
	{ "Frågor",
	  "Kommunens nya webbplats går inte att använda med skärmläsare. När kommer det att "
	  "åtgärdas?",
	  { "Kommunens nya webbplats går inte att använda med skärmläsare" } },
	{ "Frågor",
	  "Väntetiden hos regionens hörselvård är nu över ett år. Vet kommunen hur det "
	  "påverkar de boende på LSS-boendena?",
	  { "Väntetiden hos regionens hörselvård är nu över ett år" } },
	{ "Frågor",
	  "Förvaltningen skulle undersöka om tillsyn kan erbjudas på gymnasiet. Finns det "
	  "något besked?",
	  { "Förvaltningen skulle undersöka om tillsyn kan erbjudas på gymnasiet" } },
	/* ... but not one that names it after "att", a long word or a name,
	 * or whose "det" is only the formal subject */
	{ "Frågor",
	  "Vi har hört rykten från flera familjer. Stämmer det att korttidshemmet Lärkan "
	  "stänger i juli?",
	  { "Stämmer det att korttidshemmet Lärkan stänger i juli" } },
	{ "Frågor",
	  "Många familjer väntar på plats. När kommer det att byggas fler gruppbostäder?",
	  { "När kommer det att byggas fler gruppbostäder" } },
	{ "Frågor", "Många familjer väntar på plats. När öppnar det nya boendet?",
	  { "När öppnar det nya boendet" } },
	{ "Frågor",
	  "Min son bor på Eken sedan i våras. Varför kom det så många nya personer?",
	  { "Varför kom det så många nya personer" } },
	/* a reply to the acknowledgement of an earlier question, announcing a
	 * new one: the Subject names the earlier one */
	{ "SV: Kö till gruppbostad",
	  "Vi kom på en sak till som vi vill ta upp på mötet:\n\nBrukarna på daglig "
	  "verksamhet Verkstan ska flytta. Varför fick de inte vara med i planeringen?",
	  { "Varför fick de inte vara med i planeringen" } },
	/* a follow-up on the minutes announces nothing and keeps the Subject */
	{ "SV: Minnesanteckningar 13 mars",
	  "Apropå lovskolan: förvaltningen skulle undersöka saken. Kan ni återkomma med "
	  "besked om det?",
	  { "Minnesanteckningar 13 mars" } },
	/* a reply that withdraws the question its Subject names and asks
	 * another: the Subject is the withdrawn one's, though the two share
	 * "Kulturhuset" */
	{ "SV: Hissen på Kulturhuset",
	  "Vi stryker frågan om hissen på Kulturhuset, den är lagad nu.\n\nI stället vill vi ta "
	  "upp en annan fråga. Kulturhuset har inga ledsagare på kvällarna. Varför får inte "
	  "synskadade ledsagare till föreställningarna?",
	  { "Varför får inte synskadade ledsagare till föreställningarna" } },
	/* one that withdraws another question keeps the Subject of its own */
	{ "SV: Skolskjuts till Ekbacken",
	  "Vi stryker vår fråga om hissen, den är lagad.\n\nOm skolskjutsen: varför kommer "
	  "bilen ofta en halvtimme för sent?",
	  { "Skolskjuts till Ekbacken" } },
	/* a reply to the acknowledgement of an earlier question (its thanks,
	 * "we forgot one thing") asks something new: the Subject is the
	 * earlier question's */
	{ "SV: Personligt ombud",
	  "Tack för bekräftelsen. Vi glömde en sak när vi skickade frågan. Hur ska de som har "
	  "svårt att prata kunna larma med de nya trygghetslarmen?",
	  { "Hur ska de som har svårt" } },
	{ "SV: Ledsagning på kvällarna",
	  "Jag kom på en sak till. Varför har taxan för färdtjänst höjts?",
	  { "Varför har taxan för färdtjänst höjts" } },
	/* a follow-up on the matter the Subject names keeps it */
	{ "SV: Färdtjänst",
	  "Tack för bekräftelsen. Hur lång tid tar det att få beslut om färdtjänst?",
	  { "Färdtjänst" } },
	/* what the council forgot is a story, not one more question */
	{ "SV: Skolskjuts till Ekbacken",
	  "Kommunen glömde att skicka beslutet. Varför dröjer det?",
	  { "Skolskjuts till Ekbacken" } },
	/* a newsletter's subject names the letter, not a matter */
	{ "Nyhetsbrev från FUB Exempelstad",
	  "Hur går det med bygget av den nya gruppbostaden på Ekvägen?",
	  { "Hur går det med bygget av den nya gruppbostaden på Ekvägen" } },
};

static void test_titles(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(title_cases); i++) {
		struct test_mail t;
		struct extraction *ex = NULL;
		struct error error = { 0 };
		size_t n = 0;

		mail_build(&t, title_cases[i].subject, NULL, title_cases[i].body);
		assert_int_equal(extract_questions(&t.mail, NULL, &ex, &error), 0);
		while (n < 4 && title_cases[i].titles[n] != NULL)
			n++;
		assert_int_equal(ex->n_questions, n);
		for (size_t k = 0; k < n; k++)
			assert_string_equal(ex->questions[k].title, title_cases[i].titles[k]);
		extract_free(&ex);
	}
}

/* ------------------------------------------------------------------------ */
/* Limits. */

static void test_max_questions(void **state)
{
	const char *body = "1. Första frågan om boende?\n2. Andra frågan om resor?\n"
			   "3. Tredje frågan om skolan?\n4. Fjärde frågan om avgifter?\n"
			   "5. Femte frågan om personal?\n";
	struct extract_limits limits = { 3, 4096 };
	struct test_mail t;
	struct extraction *ex = NULL;
	struct error error = { 0 };

	(void)state;
	mail_build(&t, "Frågor", NULL, body);
	assert_int_equal(extract_questions(&t.mail, &limits, &ex, &error), 0);
	check_invariants(ex, &limits);
	assert_int_equal(ex->n_questions, 3);
	assert_true(ex->truncated);
	assert_string_equal(ex->questions[0].text, "Första frågan om boende?");
	assert_string_equal(ex->questions[2].text,
			    "Tredje frågan om skolan? Fjärde frågan om avgifter? Femte frågan om "
			    "personal?");
	extract_free(&ex);

	limits.max_questions = 5;
	assert_int_equal(extract_questions(&t.mail, &limits, &ex, &error), 0);
	assert_int_equal(ex->n_questions, 5);
	assert_false(ex->truncated);
	extract_free(&ex);
}

static void test_max_question_bytes(void **state)
{
	/* "Vad händer" is 11 bytes, the cut at 12 would split "å" */
	const char *body = "Vad händer åäö åäö åäö åäö?";
	struct test_mail t;
	struct error error = { 0 };

	(void)state;
	mail_build(&t, "Fråga", NULL, body);
	for (size_t max = 1; max <= strlen(body) + 1; max++) {
		struct extract_limits limits = { 10, max };
		struct extraction *ex = NULL;

		assert_int_equal(extract_questions(&t.mail, &limits, &ex, &error), 0);
		assert_int_equal(ex->n_questions, 1);
		assert_true(strlen(ex->questions[0].text) <= max);
		assert_true(strlen(ex->questions[0].title) <= max);
		assert_true(valid_utf8(ex->questions[0].text));
		assert_true(valid_utf8(ex->questions[0].title));
		assert_true(strncmp(ex->questions[0].text, body, strlen(ex->questions[0].text)) == 0);
		extract_free(&ex);
	}
}

/* Outside input of any shape: long lines, many markers, deep forwards,
 * nothing but quotes; never a crash, always the invariants. */
static void test_odd_input(void **state)
{
	struct buf b = { 0 };
	struct extract_limits limits = { 50, 2000 };
	struct test_mail t;
	struct error error = { 0 };
	struct extraction *ex = NULL;

	(void)state;
	for (int i = 0; i < 3000; i++)
		buf_printf(&b, "%d. Fråga nummer %d om ärende?\n", i % 99 + 1, i);
	for (int i = 0; i < 30; i++)
		buf_append_str(&b, "---------- Forwarded message ---------\nFrom: a@b.se\n\n"
				   "Kan ni ta upp detta?\n");
	for (int i = 0; i < 20000; i++)
		buf_append_str(&b, "åäö ");
	buf_append_str(&b, "\n> > > citat\n>\n-- \n");
	mail_build(&t, "VB: VB: VB:", NULL, b.data);
	assert_int_equal(extract_questions(&t.mail, &limits, &ex, &error), 0);
	check_invariants(ex, &limits);
	assert_int_equal(ex->n_questions, 50);
	assert_true(ex->truncated);
	assert_string_equal(ex->forwarded_from, "a@b.se");
	extract_free(&ex);
	buf_free(&b);

	mail_build(&t, NULL, NULL, NULL);
	t.mail.subject = NULL;
	t.mail.body = NULL;
	assert_int_equal(extract_questions(&t.mail, NULL, &ex, &error), 0);
	assert_int_equal(ex->n_questions, 0);
	assert_false(ex->attachment_only);
	extract_free(&ex);
	extract_free(&ex);
	extract_free(NULL);
}

/* The word-list helpers (extract_text.c) that every rule uses: case and
 * Unicode form, word boundaries, the fold each thread keeps (the same
 * bytes at another address, other bytes at the same address), and a text
 * too long to keep. */
static const char *const list_vi[] = { "vi undrar", "frågar", "|", NULL };
static const char *const list_stem[] = { "bifoga", "mvh", NULL };

static const struct {
	const char *text;
	bool any;  /* contains_any(list_vi) */
	bool word; /* contains_word_any(list_stem) */
	bool stem; /* contains_stem_any(list_stem) */
	bool starts; /* starts_any(list_vi) */
} list_cases[] = {
	{ "VI UNDRAR om färdtjänsten", true, false, false, true },
	{ "Nu Frågar vi igen", true, false, false, false },
	{ "Föreningen FRÅGAR", true, false, false, false },
	{ "Jag bifogar en fil", false, false, true, false },
	{ "En obifogad fil", false, false, false, false },
	{ "Mvh Anna", false, true, true, false },
	{ "mvhälsning", false, false, true, false },
	{ "a | b", true, false, false, false },
	{ "", false, false, false, false },
};

static void test_word_lists(void **state)
{
	char buf[64], *long_text;
	size_t n;

	(void)state;
	for (int round = 0; round < 2; round++) /* the second round finds them kept */
		for (size_t i = 0; i < N_ELEMENTS(list_cases); i++) {
			const char *t = list_cases[i].text;

			/* the same buffer each time: a kept fold must not be
			 * taken for another text at the same address */
			snprintf(buf, sizeof(buf), "%s", t);
			assert_int_equal(contains_any(buf, list_vi), list_cases[i].any);
			assert_int_equal(contains_word_any(buf, list_stem), list_cases[i].word);
			assert_int_equal(contains_stem_any(buf, list_stem), list_cases[i].stem);
			assert_int_equal(starts_any(buf, list_vi), list_cases[i].starts);
		}
	/* same length, other bytes, same address */
	snprintf(buf, sizeof(buf), "vi undrar");
	assert_true(contains_any(buf, list_vi));
	snprintf(buf, sizeof(buf), "vi sjunger");
	buf[9] = '\0';
	assert_false(contains_any(buf, list_vi));
	/* contains_any_within() reads no further than it is told */
	assert_false(contains_any_within("Hej, vi undrar", 8, list_vi));
	assert_true(contains_any_within("Hej, vi undrar", 14, list_vi));

	/* too long to keep: the text is folded for the call */
	long_text = xmalloc(4096);
	n = 0;
	while (n + 20 < 4000)
		n += (size_t)snprintf(long_text + n, 4096 - n, "Åtta ÄLGAR betar. ");
	snprintf(long_text + n, 4096 - n, "Vi UNDRAR.");
	assert_true(contains_any(long_text, list_vi));
	assert_false(contains_word_any(long_text, list_stem));
	free(long_text);
}

/* A fold is kept without its pair filter after a search of a short list
 * and gets one for a long list (more than four patterns); either order. */
static const char *const list_short[] = { "kaffe", "bifoga", NULL };
static const char *const list_long[] = { "hörslinga", "teckentolk", "ramp", "hiss", "kaffe",
					 "@[`{", NULL };
static const char *const list_start[] = { "kaffe", "abcdefghijklmnopqrstuvwxyz", NULL };

static const struct {
	const char *text;
	bool short_any; /* contains_any(list_short) */
	bool long_any; /* contains_any(list_long) */
	bool starts; /* starts_any(list_start) */
} fold_cases[] = {
	{ "Vi dricker KAFFE och fika i salen efter mötet", true, true, false },
	{ "Finns det HISS i huset där mötet hålls i år?", false, true, false },
	{ "Vi har ingenting att tillägga den här gången", false, false, false },
	/* every capital, and the bytes beside A and Z */
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZ", false, false, true },
	{ "@[`{ står kvar som de är", false, true, false },
	{ "`ABCDEFGHIJKLMNOPQRSTUVWXYZ", false, false, false },
	/* U+212A KELVIN SIGN lowers to 'k' before the first byte is compared */
	{ "\xe2\x84\xaa" "AFFE efter mötet i stora salen", true, true, true },
	{ "Vi BIFOGAR en fil med våra frågor till mötet", true, false, false },
	/* Latin-1 and two-byte capitals among ASCII */
	{ "ÅTERKOMMER OM HÖRSLINGAN I SALEN ÄR TRASIG", false, true, false },
};

static void test_fold_kept(void **state)
{
	char buf[96];

	(void)state;
	for (int order = 0; order < 2; order++)
		for (size_t i = 0; i < N_ELEMENTS(fold_cases); i++) {
			const char *t = fold_cases[i].text;

			snprintf(buf, sizeof(buf), "%s", t);
			if (order == 0) {
				assert_int_equal(contains_any(buf, list_short), fold_cases[i].short_any);
				assert_int_equal(contains_any(buf, list_long), fold_cases[i].long_any);
			} else {
				assert_int_equal(contains_any(buf, list_long), fold_cases[i].long_any);
				assert_int_equal(contains_any(buf, list_short), fold_cases[i].short_any);
			}
			assert_int_equal(contains_stem_any(buf, list_short), fold_cases[i].short_any);
			assert_int_equal(starts_any(buf, list_start), fold_cases[i].starts);
		}
}

/* Words are counted eight bytes at a time: words across the steps, blanks
 * of each kind, and the bytes left after the last step. */
static const struct {
	const char *text;
	size_t words;
} word_cases[] = {
	{ "", 0 },
	{ "   ", 0 },
	{ "ett", 1 },
	{ "ett två", 2 },
	{ "1234567", 1 },
	{ "12345678", 1 },
	{ "1234567 9", 2 },
	{ "12345678 ", 1 },
	{ " 2345678 a", 2 },
	{ "\t\n \t\n \t\nord", 1 },
	{ "a b c d e f g h i j k l m n o p", 16 },
	{ "Hur   länge\tska\nvi vänta på besked om   assistansen?", 9 },
	{ "åäö ÅÄÖ éü", 3 },
	{ "ordordordordordordordord", 1 },
};

/* The words of s by the definition, a byte at a time. */
static size_t words_by_bytes(const char *s)
{
	size_t n = 0;

	for (size_t i = 0; s[i] != '\0'; i++)
		if (strchr(" \t\n", s[i]) == NULL && (i == 0 || strchr(" \t\n", s[i - 1]) != NULL))
			n++;
	return n;
}

static void test_count_words(void **state)
{
	const char *mix = "ab \tcd\nef  gh i\n\nj klmnopq rs";
	char buf[64];

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(word_cases); i++)
		assert_int_equal(count_words(word_cases[i].text), word_cases[i].words);
	/* every length and start of a text with blanks of each kind */
	for (size_t from = 0; from < 8; from++)
		for (size_t len = 0; from + len <= strlen(mix); len++) {
			snprintf(buf, sizeof(buf), "%.*s", (int)len, mix + from);
			assert_int_equal(count_words(buf), words_by_bytes(buf));
		}
}

/* Who attends by the party's count, and the meeting's access asked for as
 * a "that" beside such a notice (is_attendance(), is_attendance_detail());
 * beside each form the agenda questions and stories it must leave alone. */
static const struct {
	const char *text;
	bool attendance, detail;
} notice_cases[] = {
	{ "Vi blir två från DHR på torsdag, jag och Kjell Berg.", true, false },
	{ "Vi är två som kommer.", true, false },
	{ "Det blir jag och Kjell från DHR.", true, false },
	{ "Vi blir tre från FUB.", true, false },
	{ "Från RSMH blir vi två.", true, false },
	{ "Det blir två från oss på mötet.", true, false },
	{ "Vi blir två personer den 25 januari.", true, false },
	{ "Vi är tre från Autism- och Aspergerföreningen som kommer.", true, false },
	{ "Vi blir två.", true, false },
	{ "Det kommer två från styrelsen.", true, false },
	{ "Vi är två från föreningen som deltar, jag och Per Ek.", true, false },
	{ "Från Attention blir det tre personer.", true, false },
	{ "Det blir jag och Lena Holm.", true, false },
	{ "Vi är två föräldrar som har fått avslag på korttids.", false, false },
	{ "Det blir tre veckor utan personal.", false, false },
	{ "Vi blir två familjer utan plats på Solrosen.", false, false },
	{ "Vi är två.", false, false },
	{ "Det blir Solrosen från vecka 8.", false, false },
	{ "Vi är tre som delar på en assistent.", false, false },
	{ "Vi blir fler och fler som väntar på bostad.", false, false },
	{ "Det blir två från oss som undrar över färdtjänsten.", false, false },
	{ "Vi är båda föräldrar till barn med autism.", false, false },
	{ "Varför blir vi två i varje rum på korttids?", false, false },
	{ "Ahmed använder rullstol, så vi vill gärna veta att hissen vid entrén fungerar – den "
	  "var trasig förra gången.",
	  false, true },
	{ "Vi vill försäkra oss om att hörslingan i salen är påslagen.", false, true },
	{ "Vi hoppas att det finns parkering nära entrén.", false, true },
	{ "Jag vill gärna få bekräftat att tolken är bokad.", false, true },
	{ "Vi utgår från att rampen är på plats.", false, true },
	{ "Vi räknar med att det finns glutenfri fika.", false, true },
	{ "Kan ni kontrollera att hissen fungerar innan vi kommer?", false, true },
	{ "Vi vill veta att tolken kommer i tid.", false, true },
	{ "Se till att mikrofonen fungerar, för Per hör dåligt.", false, true },
	{ "Jag hoppas att hörslingan fungerar den här gången.", false, true },
	{ "Varför fungerar inte hissen på Kulturhuset för rullstolsburna?", false, false },
	{ "Vi vill gärna veta att hissen på Kulturhuset blir lagad, våra medlemmar kommer inte "
	  "dit.",
	  false, false },
	{ "Vi vill veta att kommunen ser till att hissarna på gruppbostäderna fungerar.", false,
	  false },
	{ "Vi vill veta att tolken alltid bokas till LSS-handläggningen.", false, false },
	{ "Vi vill veta att kommunen ordnar parkering vid alla gruppbostäder.", false, false },
	{ "Vi vill veta om det finns teckentolk på vårdcentralen.", false, false },
};

static void test_notice_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(notice_cases); i++) {
		bool a = is_attendance(notice_cases[i].text);
		/* a notice may also read as a detail of one before it */
		bool d = !a && is_attendance_detail(notice_cases[i].text);

		if (a != notice_cases[i].attendance || d != notice_cases[i].detail)
			print_message("'%s': attendance %d, detail %d\n", notice_cases[i].text, a,
				      d);
		assert_int_equal(a, notice_cases[i].attendance);
		assert_int_equal(d, notice_cases[i].detail);
	}
}

/* How many questions a paragraph or two make: a follow-up that points back
 * stays with its question, a paragraph that is only the writer's ask is one
 * of its own before a '?', and their look-alikes that name their own thing
 * or tell a story stay as they were. */
static const struct {
	const char *body;
	size_t n_questions;
} count_cases[] = {
	/* a reply to the minutes with nothing to correct */
	{ "Tack Karin för anteckningarna! Vi har inget att rätta.\n\nVi ses den 24 april.\n\n"
	  "Ingrid\nHRF",
	  0 },
	{ "Tack för anteckningarna! Varför står det inget om färdtjänsten under punkt 4?\n\n"
	  "Ingrid\nHRF",
	  1 },
	/* a sentence reading on in the minutes the question named follows it */
	{ "Hej Karin!\nSen undrar jag vad som hände med frågan om parkeringsplatser för "
	  "rörelsehindrade vid Sjöbadet under punkt 6. Där står att förvaltningen skulle återkomma "
	  "före sommaren, har det kommit något besked om fler platser närmare entrén?\n\n"
	  "Hälsningar Britt-Marie",
	  1 },
	/* dictation that writes the mark as a word; the word itself is no mark */
	{ "hej det är Leif på DHR jag undrar varför färdtjänsten inte kan garantera att man blir "
	  "hämtad i tid på nationaldagen när firandet var slut frågetecken och kan man förboka "
	  "hemresan redan nu frågetecken hälsningar Leif Ahlström DHR",
	  2 },
	{ "Hej!\n\nDet finns ett stort frågetecken kring budgeten för daglig verksamhet. Vi "
	  "undrar när den kommer.\n\nMvh Leif",
	  1 },
	/* the writer's one question, announced: what the story above asks is
	 * background */
	{ "Hej\n\nMin son Elias är 16 år och har adhd och autism. I vår har han knappt varit i "
	  "skolan. Han har inga betyg i flera ämnen.\n\nElias kommer att sitta ensam hemma hela "
	  "sommaren. Vem orkar ringa tio samtal om dagen för att få hjälp? Jag gör det ändå, men "
	  "jag är så trött.\n\nSå min fråga till mötet är: hur fungerar det kommunala "
	  "aktivitetsansvaret för ungdomar som inte kommer in på gymnasiet?\n\nTack för att ni "
	  "läser.\nMaria",
	  1 },
	/* satisfaction with what was done asks nothing */
	{ "Hej Karin!\n\nStort tack för det snabba svaret! Vi är jättenöjda med att Fyren har "
	  "öppet på lördagar igen, det betyder mycket för många av våra medlemmar. Vi ses den 12 "
	  "mars.\n\nVarma hälsningar\nCamilla",
	  0 },
	{ "Hej Karin!\n\nVi är nöjda med att Fyren har öppet igen, men varför stänger den redan "
	  "kl. 15?\n\nVarma hälsningar\nCamilla",
	  1 },
	/* a matter handed on up a chain of forwards is no question of its own */
	{ "Lena, det här är väl något för LSS-samverkan? Kan du ta det vidare?\n\n"
	  "Varför kommer det så många olika personer från hemtjänsten sedan de nya schemana "
	  "infördes?",
	  1 },
	/* a dash quoting a news item's source is no list item */
	{ "Hej!\n\nVi läste det här i tidningen:\n\nDaglig verksamhet flyttar\nSocialnämnden "
	  "beslutade att Verkstan ska flytta till industriområdet den 1 maj.\n– Lokalerna är "
	  "ändamålsenliga, säger enhetschefen Anders Wik.\nLäs mer: https://www.exempelstadstidning"
	  ".se/nyheter/verkstan<https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
	  "www.exempelstadstidning.se%2Fnyheter%2Fverkstan&data=05%7C02%7C&reserved=0>\n\nVår fråga "
	  "till mötet: Hur ska deltagarna ta sig till industriområdet?\n\nMvh Henrik",
	  1 },
	{ "Hej!\n\nVåra frågor:\n– Varför höjs avgiften för korttids?\n– När öppnar "
	  "gruppbostaden på Ekvägen?\n\nMvh Henrik",
	  2 },
	/* a line opened by "Och" goes on with the question above it; one that
	 * names its own matter is still a question of its own */
	{ "Hej\n\nTräffpunkten Navet på Storgatan var stängd hela juli och första veckan i "
	  "augusti. Varför stängdes Navet så länge i år?\nOch kommer det att vara stängt på samma "
	  "sätt nästa sommar?\n\nMvh Bosse",
	  1 },
	{ "Hej!\n\nHur många väntar på bostad med särskild service?\nOch när öppnar det nya "
	  "korttidshemmet på Ekvägen?\n\nMvh Bosse",
	  2 },
	/* "något annat" points back at what the writer was offered */
	{ "Hej!\nMin son är 13 år. Vi har ansökt om korttidstillsyn men handläggaren säger att "
	  "utredningen tar minst tre månader. Vad ska vi göra under tiden när vi båda jobbar "
	  "heltid? Finns det något annat kommunen kan erbjuda?\n\nTacksam för svar\nJenny Ek",
	  1 },
	{ "Hej!\nVi har ansökt om korttidstillsyn. Varför tar utredningen så lång tid? Finns det "
	  "någon annan verksamhet för ungdomar över 12 år på eftermiddagarna?\n\nMvh Jenny",
	  2 },
	/* thanks after a story, and approval of a follow-up: nothing asked */
	{ "Hej Karin!\n\nJag har varit bortrest i sommar och har inte hunnit skriva förrän nu, "
	  "men jag vill tacka för mötet i juni. Särskilt bra att ni följde upp frågan om "
	  "hemsjukvårdens delegeringar.\n\nVi ses i september!\n\nVänliga hälsningar\nIngrid",
	  0 },
	{ "hej\nvarför har boendestödet slutat komma på helgerna till dom som bor i egen "
	  "lägenhet? min son har haft boendestöd varje lördag i tre år och nu säger dom att det "
	  "inte finns personal. vem har bestämt de och kommer det tillbaka\n\nmvh sara",
	  1 },
	{ "Hej,\n\nVarför har boendestödet slutat komma på helgerna? Min son har haft "
	  "boendestöd varje lördag i tre år. Hur kan det vara så här?\n\nMvh Sara",
	  1 },
	{ "Hej,\n\nVarför har boendestödet slutat komma på helgerna? Min son har haft "
	  "boendestöd varje lördag i tre år. Vem har egentligen bestämt det?\n\nMvh Sara",
	  1 },
	{ "Hej,\n\nVarför har ledsagarservicen dragits in för dem som bor på gruppbostad? "
	  "Ingen har fått något nytt beslut. Stämmer det verkligen att ni kan göra så?\n\nMvh Sara",
	  1 },
	{ "Hej,\n\nVarför har boendestödet slutat komma på helgerna? Min son har haft "
	  "boendestöd varje lördag i tre år. Hur många platser finns det på korttidshemmet "
	  "Solrosen?\n\nMvh Sara",
	  2 },
	{ "Hej,\n\nMin son har varit på korttidshemmet Solrosen varannan helg i fem år. Nu ska "
	  "Solrosen stänga hela vecka 8 för renovering.\n\nVi undrar därför hur kommunen har "
	  "planerat korttidsvistelsen för barnen på Solrosen under sportlovet.\n\nKan familjer "
	  "som inte kan använda Vitsippan få avlösarservice i hemmet i stället?\n\nMvh Maria",
	  2 },
	{ "Hej,\n\nJag vill gärna veta hur förvaltningen planerar boendestödet för dem som bor "
	  "i egen lägenhet under helgerna i vår.\n\nVarför har ledsagarservicen dragits in för "
	  "alla som bor på gruppbostad?\n\nMvh Maria",
	  2 },
	{ "Hej,\n\nMin son har fått avslag på korttidsvistelse två gånger. Vi vill gärna veta "
	  "mer om hur kommunen tänker kring korttidsvistelse.\n\nVarför får inte fler barn "
	  "korttidsvistelse på Solrosen?\n\nMvh Maria",
	  1 },
	{ "Hej,\n\nVi undrar över detta med korttidsvistelsen och hur den ska fungera under "
	  "sportlovet för barnen.\n\nVarför stänger Solrosen hela vecka 8?\n\nMvh Maria",
	  1 },
	/* a Teams join block under the question, with no closing above it */
	{ "Hej!\n\nVarför har avgiften för korttids höjts?\n\n"
	  "________________________________________________________________________________\n"
	  "Microsoft Teams-möte\nAnslut på datorn, mobilappen eller rumsenheten\n"
	  "Klicka här för att ansluta till mötet<https://teams.microsoft.com/l/meetup-join/19>\n"
	  "Mötes-ID: 345 678 912 345\nLösenord: aB3cD4\n"
	  "Vill du ringa in? Ring +46 8 505 234 00,,12345# Sverige, Stockholm\n"
	  "________________________________________________________________________________\n",
	  1 },
	/* "it would be good to know" asks, beside a question with a '?' */
	{ "Hej!\n\nHur tänker kommunen kring unga vuxna som varken får daglig verksamhet eller "
	  "klarar den öppna arbetsmarknaden?\n\nDet vore också bra att få veta hur lång kön till "
	  "boendestöd är just nu, Viktor vill flytta hemifrån men klarar inte det helt "
	  "själv.\n\nJohanna",
	  2 },
	/* dictated without a mark: "och sen undrar jag" starts one more */
	{ "hej karin det är petra från rbu skolskjutsen till emils skola har ändrats nu ska han "
	  "hämtas kvart i sju och taxin kör runt så han sitter i bilen en och en halv timme hur "
	  "tänker kommunen kring så långa restider för små barn och sen undrar jag om ni kan ta "
	  "upp korttidstillsynen efter skolan för barn över tolv år hälsningar petra",
	  2 },
	/* "och sen" after a story that asks nothing is its background */
	{ "hej karin det är petra från rbu min son har fått avslag på ansökan om plats och sen "
	  "undrar jag om ni kan ta upp korttidstillsynen efter skolan för barn över tolv år "
	  "hälsningar petra",
	  1 },
	/* relief at an answer given, then a new question */
	{ "Hej Karin,\n\nTack för anteckningarna. Det var skönt att få svar om "
	  "varmvattenbassängen, våra medlemmar blev mycket glada att den håller öppet hela "
	  "hösten.\n\nEn ny fråga till september: hur informerar kommunen om det särskilda "
	  "tandvårdsstödet till dem som får hemtjänst?\n\nHälsningar\nGun-Britt",
	  1 },
	/* a wish in words before a '?' that says it is one more */
	{ "Hej!\n\nVi har ringt tre gånger och fått olika besked.\n\nJag skulle vilja att kommunen "
	  "förklarar varför det tar över fem månader att få besked om bostadsanpassning.\n\nKan "
	  "ni också ta upp om man kan få hjälp med att duscha någon annanstans under "
	  "väntetiden?\n\nLena",
	  2 },
	/* how the writer is reached, after the question */
	{ "Hej!\n\nVarför har taxan för hemtjänst höjts?\n\nHör av dig om något är oklart!\n\n/Eva",
	  1 },
	/* thanks, and a good autumn */
	{ "Hej!\n\nTack för ett bra möte i september.\n\nHa en fin höst!\n\n/Eva", 0 },
	/* thanks for the meeting, and a summer: nothing asked */
	{ "Hej!\n\nVill bara säga tack för ett bra möte idag.\n\nHa en riktigt skön sommar!\n\n"
	  "/Eva",
	  0 },
	/* did the question sent before arrive? a resend, nothing new asked */
	{ "Hej igen,\n\nSkickar igen, fick inget svar. Har ni fått vår fråga? Den skickades den 18 "
	  "maj men vi har inte fått någon bekräftelse.\n\n/Tomas",
	  0 },
	/* thanks for the minutes, passed on, and a good week: nothing asked */
	{ "Hej Karin!\n\nTack för anteckningarna, de var tydliga och bra. Jag har skickat dem "
	  "vidare till våra medlemsföreningar.\n\nHa en fin vecka!\n\nMarianne Lund",
	  0 },
	/* no questions this time, and why, after the comma */
	{ "Hej Karin,\n\nTack för påminnelsen. Vi i RSMH har inga frågor från föreningen till det "
	  "här mötet, det vi tog upp i juni har ni redan svarat på.\n\nHälsningar\nEva",
	  0 },
	/* taking part from afar, after a notice that the writers cannot come */
	{ "Hej,\n\nVarför kommer färdtjänsten för sent?\n\nVi har svårt att komma på mötet den "
	  "16:e pga att båda i styrelsen är bortresta. Går det att delta via Teams den här "
	  "gången?\n\nMvh Kjell",
	  1 },
	/* the same words as a matter of the municipality's */
	{ "Hej,\n\nMånga medlemmar har svårt att ta sig till kommunens informationsmöten. Varför "
	  "går det inte att delta via Teams?\n\nMvh Kjell",
	  1 },
	/* the paragraph counts its questions: the one in words is one of them */
	{ "Hej Karin\n\nTvå frågor från NEURO: Vill veta varför den dagliga verksamheten på "
	  "Kvarnen bara har öppet på förmiddagarna sedan nyår. Och finns det någon daglig "
	  "verksamhet som är anpassad för yngre med förvärvad hjärnskada?\n\nMvh Lars-Erik",
	  2 },
	/* uncounted, the words are the background of the question with a '?' */
	{ "Hej Karin\n\nVi vill veta varför den dagliga verksamheten på Kvarnen bara har öppet "
	  "på förmiddagarna sedan nyår. Och finns det någon daglig verksamhet som är anpassad "
	  "för yngre med förvärvad hjärnskada?\n\nMvh Lars-Erik",
	  1 },
	/* the words without the block: a question like any other */
	{ "Hej!\n\nVarför har avgiften för korttids höjts?\n\nMicrosoft Teams-möten på daglig "
	  "verksamhet\nVarför får deltagarna på Verkstan inte vara med på sina möten via "
	  "datorn?\n\nMvh Maria",
	  2 },
};

static void test_question_count(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(count_cases); i++) {
		struct test_mail t;
		struct extraction *ex = NULL;
		struct error error = { 0 };

		mail_build(&t, "Fråga till mötet", "anna@fub-exempelstad.se", count_cases[i].body);
		assert_int_equal(extract_questions(&t.mail, NULL, &ex, &error), 0);
		check_invariants(ex, NULL);
		if (ex->n_questions != count_cases[i].n_questions)
			print_message("case %zu: %zu questions, expected %zu, first '%s'\n", i,
				      ex->n_questions, count_cases[i].n_questions,
				      ex->n_questions > 0 ? ex->questions[0].text : "");
		assert_int_equal(ex->n_questions, count_cases[i].n_questions);
		extract_free(&ex);
	}
}

/* sentence_asks() keeps its last answers: texts of one length, texts that
 * differ only after their last eight-byte step or only in length, asked in
 * turn, twice. */
static const struct {
	const char *text;
	int asks;
} asks_cases[] = {
	{ "Vi undrar om bussen går i tid", 1 },
	{ "Vi tycker om bussen som går i tid", 0 },
	{ "Vi undrar om bussen går i ti", 1 },
	{ "Vi tycker om bussen som går i ti", 0 },
	{ "Redovisa gärna hur många som väntar", 2 },
	{ "Redovisa", 2 },
	{ "Redovis", 0 },
	/* ask_adverbs inside a phrase directed at the administration */
	{ "Vi ber då förvaltningen se över turerna", 2 },
	{ "Vi önskar gärna att nämnden ser över turerna", 2 },
	{ "Vi åkte då till förvaltningen med turerna", 0 },
};

static void test_sentence_asks_kept(void **state)
{
	(void)state;
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < N_ELEMENTS(asks_cases); i++)
			assert_int_equal(sentence_asks(asks_cases[i].text), asks_cases[i].asks);
}

static const struct {
	const char *text, *pattern;
	size_t max;
	int at; /* byte offset of the match, -1: none */
} find_cases[] = {
	{ "Hej! Vi UNDRAR", "undrar", SIZE_MAX, 8 },
	{ "Hej! Vi UNDRAR", "undrar", 8, -1 },
	{ "Hej! Vi UNDRAR", "undrar", 9, 8 },
	{ "ÖVERKLAGA beslutet", "överklaga", SIZE_MAX, 0 },
	{ "Det gäller även oss", "även", SIZE_MAX, 12 },
	{ "Det gäller ÄVEN oss", "även", SIZE_MAX, 12 },
	/* U+212A KELVIN SIGN folds to 'k', so it can start a match */
	{ "ett \xe2\x84\xaa" "affe", "kaffe", SIZE_MAX, 4 },
	{ "www.fub.se", "www.", SIZE_MAX, 0 },
	{ "inget här", "undrar", SIZE_MAX, -1 },
};

static void test_ci_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(find_cases); i++) {
		const char *t = find_cases[i].text;
		const char *r = ci_find_within(t, find_cases[i].pattern, find_cases[i].max);

		if (find_cases[i].at < 0)
			assert_null(r);
		else {
			assert_non_null(r);
			assert_int_equal(r - t, find_cases[i].at);
		}
		if (find_cases[i].max == SIZE_MAX)
			assert_ptr_equal(ci_find(t, find_cases[i].pattern), r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_cases),	  cmocka_unit_test(test_data_cases),
		cmocka_unit_test(test_clean_subject),	  cmocka_unit_test(test_titles),
		cmocka_unit_test(test_max_questions),	  cmocka_unit_test(test_max_question_bytes),
		cmocka_unit_test(test_odd_input),	  cmocka_unit_test(test_word_lists),
		cmocka_unit_test(test_ci_find),		  cmocka_unit_test(test_fold_kept),
		cmocka_unit_test(test_count_words),	  cmocka_unit_test(test_sentence_asks_kept),
		cmocka_unit_test(test_notes),		  cmocka_unit_test(test_notice_forms),
		cmocka_unit_test(test_question_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

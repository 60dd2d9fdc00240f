/* test_outbox.c - composing mail and the outbox state machine.
 *
 * Composition is checked by what a real MIME parser makes of the output:
 * tests/data/outbox/mailparse.py runs Python's email package on each mail
 * and reports headers, decoded values, structure, parts and defects as JSON.
 * The state machine runs against a real store in a temporary directory. */
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "agendad/outbox.h"
#include "agendad/store.h"
#include "agendad/util.h"

#define PYTHON "/usr/bin/python3"
#define PARSER TEST_DATA "/outbox/mailparse.py"

static char tmpdir[] = "/tmp/agendad-test-outbox-XXXXXX";

/* ---- fixtures ---------------------------------------------------------------- */

static unsigned char blob[5000]; /* every byte value, NULs included */

#define LONG_SV_SUBJECT                                                                      \
	"Fråga om gruppbostäder, korttidsvistelse och daglig verksamhet för unga "        \
	"vuxna med autism i Östra stadsdelen – hur säkrar förvaltningen "                  \
	"kontinuiteten i personalgruppen när ordinarie personal går på semester, och "     \
	"vilka åtgärder planeras inför hösten när verksamheten flyttar till nya "          \
	"lokaler på Åbyvägen? Föräldrarna önskar svar före mötet."

#define LONG_SV_NAME                                                                         \
	"Riksförbundet för barn, unga och vuxna med utvecklingsstörning, FUB "             \
	"Exempelstads lokalförening, styrelsens arbetsutskott för LSS-frågor och "         \
	"boendefrågor"

#define LONG_PDF_NAME                                                                        \
	"Bilaga till frågan om gruppbostäder och korttidsvistelse i Östra "               \
	"stadsdelen, med föräldrarnas synpunkter från vårens möten.pdf"

static const struct outbox_attachment attachments[] = {
	{ "Mötesanteckning 2026-12-03.docx",
	  "application/vnd.openxmlformats-officedocument.wordprocessingml.document", blob,
	  sizeof(blob) },
	{ "Möte 2026-12-03.ics", "text/calendar; charset=utf-8; method=PUBLISH",
	  "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 31 },
	{ LONG_PDF_NAME,
	  "application/pdf", blob, 100 },
	{ "../../etc/passwd\r\nX-Evil: yes", "text/plain\r\nBcc: x@evil.example", blob, 3 },
	{ "plain-name.txt", NULL, "", 0 },
};

static const char *const attachment_names[] = {
	"Mötesanteckning 2026-12-03.docx",
	"Möte 2026-12-03.ics",
	LONG_PDF_NAME,
	".._.._etc_passwd X-Evil: yes",
	"plain-name.txt",
};

static const char *const attachment_types[] = {
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"text/calendar",
	"application/pdf",
	"application/octet-stream",
	"application/octet-stream",
};

static int group_setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (unsigned char)(i * 7 + i / 256);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	return 0;
}

static int group_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	(void)!system(cmd);
	free(cmd);
	return 0;
}

/* What Python's email package sees in raw. The caller json_decref()s it. */
static json_t *parse_mail(const struct buf *raw)
{
	char *path = xasprintf("%s/mail.eml", tmpdir);
	char *cmd = xasprintf("%s %s %s", PYTHON, PARSER, path);
	struct buf out = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "wb");
	json_error_t jerr;
	json_t *root;

	assert_non_null(f);
	assert_int_equal(fwrite(raw->data, 1, raw->len, f), raw->len);
	fclose(f);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	root = json_loadb(out.data, out.len, 0, &jerr);
	if (root == NULL)
		fail_msg("parser output is not JSON: %s", jerr.text);
	buf_free(&out);
	free(cmd);
	free(path);
	return root;
}

static const char *jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* What a text body looks like after the round trip: LF line ends, ending in
 * one, and U+FFFD for bytes that are not UTF-8 (the cases use no others). */
static char *expected_text(const char *text)
{
	struct buf b = { 0 };

	buf_append(&b, "", 0);
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\r') {
			if (p[1] == '\n')
				p++;
			buf_append_char(&b, '\n');
		} else if ((unsigned char)*p == 0xff) {
			buf_append_str(&b, "\xef\xbf\xbd");
		} else {
			buf_append_char(&b, *p);
		}
	}
	if (b.len == 0 || b.data[b.len - 1] != '\n')
		buf_append_char(&b, '\n');
	return buf_steal(&b);
}

/* ---- outbox_compose ---------------------------------------------------------- */

struct compose_case {
	const char *name;
	struct outbox_mail mail;
	/* expectations: decoded values (NULL: no such header / no display name) */
	const char *subject;
	const char *from_name;
	const char *to_name;
	const char *in_reply_to;
	const char *references;
	const char *structure;
};

#define FROM "lss-samverkan@kommun.example.se"
#define TO "fragor@fub-exempelstad.example.org"
#define TEXT "Hej!\n\nTack för din fråga. Den tas upp på mötet.\n\nMed vänlig hälsning\n"

static const struct compose_case compose_cases[] = {
	{ "plain ASCII",
	  { .from_addr = FROM, .to_addr = TO, .subject = "Agenda", .text = "Hello\n" },
	  "Agenda", NULL, NULL, NULL, NULL, "text/plain" },
	{ "Swedish subject and names",
	  { .from_addr = FROM, .from_name = "LSS-samverkan Exempelstad", .to_addr = TO,
	    .to_name = "Åsa Öberg", .subject = "SV: Fråga om korttidsboende på Ängsgården",
	    .text = TEXT },
	  "SV: Fråga om korttidsboende på Ängsgården", "LSS-samverkan Exempelstad",
	  "Åsa Öberg", NULL, NULL, "text/plain" },
	{ "300-character Swedish subject, long Swedish name",
	  { .from_addr = FROM, .from_name = LONG_SV_NAME, .to_addr = TO, .to_name = NULL,
	    .subject = LONG_SV_SUBJECT, .text = TEXT },
	  LONG_SV_SUBJECT, LONG_SV_NAME, NULL, NULL, NULL, "text/plain" },
	{ "subject of mostly non-Latin text (B encoding)",
	  { .from_addr = FROM, .to_addr = TO,
	    .subject = "Вопрос о жилье — 住宅についての質問 — سؤال حول السكن 🏠🏠🏠",
	    .text = "x" },
	  "Вопрос о жилье — 住宅についての質問 — سؤال حول السكن 🏠🏠🏠", NULL, NULL, NULL, NULL,
	  "text/plain" },
	{ "hostile subject: CRLF and a Bcc header",
	  { .from_addr = FROM, .to_addr = TO, .subject = "Hej\r\nBcc: x@evil.example",
	    .text = "x" },
	  "Hej Bcc: x@evil.example", NULL, NULL, NULL, NULL, "text/plain" },
	{ "hostile subject: bare LF, only LF, control characters",
	  { .from_addr = FROM, .to_addr = TO,
	    .subject = "\n\x01\x1b[31mRöd\x7f\tflik\x0b\x0c\xc2\x85slut\xe2\x80\xa8\n",
	    .text = "x" },
	  "[31mRöd flik slut", NULL, NULL, NULL, NULL, "text/plain" },
	{ "hostile subject: only a line break",
	  { .from_addr = FROM, .to_addr = TO, .subject = "\r\n", .text = "x" },
	  "", NULL, NULL, NULL, NULL, "text/plain" },
	{ "hostile names",
	  { .from_addr = FROM, .from_name = "Eva\r\nBcc: evil@example.com", .to_addr = TO,
	    .to_name = "\"Kalle\" <kalle@evil.example>,\nCc: evil@example.com",
	    .subject = "x", .text = "x" },
	  "x", "Eva Bcc: evil@example.com", "\"Kalle\" <kalle@evil.example>, Cc: evil@example.com",
	  NULL, NULL, "text/plain" },
	{ "names with specials, quotes and backslashes",
	  { .from_addr = FROM, .from_name = "Svensson, Anna S.", .to_addr = TO,
	    .to_name = "FUB \"Riks\" \\ test", .subject = "x", .text = "x" },
	  "x", "Svensson, Anna S.", "FUB \"Riks\" \\ test", NULL, NULL, "text/plain" },
	{ "text that looks like encoded words stays literal",
	  { .from_addr = FROM, .from_name = "=?utf-8?B?SGVq?=", .to_addr = TO,
	    .subject = "=?utf-8?Q?Hej?= =?utf-8?B?SGVq?=", .text = "x" },
	  "=?utf-8?Q?Hej?= =?utf-8?B?SGVq?=", "=?utf-8?B?SGVq?=", NULL, NULL, NULL,
	  "text/plain" },
	{ "a 200-character ASCII word in the subject",
	  { .from_addr = FROM, .to_addr = TO,
	    .subject = "Lank: https://www.example.se/"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa slut",
	    .text = "x" },
	  "Lank: https://www.example.se/"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa slut",
	  NULL, NULL, NULL, NULL, "text/plain" },
	{ "whitespace runs collapse",
	  { .from_addr = FROM, .to_addr = TO, .subject = "  Hej   där\t\tvärlden  ",
	    .text = "x" },
	  "Hej där världen", NULL, NULL, NULL, NULL, "text/plain" },
	{ "threaded acknowledgement",
	  { .from_addr = FROM, .to_addr = TO, .subject = "SV: Fråga", .text = TEXT,
	    .in_reply_to = "CAB+x=y@mail.gmail.com",
	    .references = "a1@example.org DB9PR10MB1234.eurprd10.prod.outlook.com@x.example "
			  "CAB+x=y@mail.gmail.com",
	    .auto_submitted = "auto-replied" },
	  "SV: Fråga", NULL, NULL, "<CAB+x=y@mail.gmail.com>",
	  "<a1@example.org> <DB9PR10MB1234.eurprd10.prod.outlook.com@x.example> "
	  "<CAB+x=y@mail.gmail.com>",
	  "text/plain" },
	{ "hostile message ids and auto-submitted",
	  { .from_addr = FROM, .to_addr = TO, .subject = "x", .text = "x",
	    .in_reply_to = "<abc@x.example>\r\nBcc: y@evil.example",
	    .references = "\r\n\t<>  nonsense <@> ok@ok.example\r\n",
	    .auto_submitted = "auto-generated\r\nBcc: z@evil.example" },
	  "x", NULL, NULL, "<abc@x.example> <y@evil.example>", "<ok@ok.example>",
	  "text/plain" },
	{ "twenty references keep the first and the last eleven",
	  { .from_addr = FROM, .to_addr = TO, .subject = "x", .text = "x",
	    .references = "r1@x r2@x r3@x r4@x r5@x r6@x r7@x r8@x r9@x r10@x r11@x r12@x "
			  "r13@x r14@x r15@x r16@x r17@x r18@x r19@x r20@x" },
	  "x", NULL, NULL, NULL,
	  "<r1@x> <r10@x> <r11@x> <r12@x> <r13@x> <r14@x> <r15@x> <r16@x> <r17@x> <r18@x> "
	  "<r19@x> <r20@x>",
	  "text/plain" },
	{ "body: long lines, CR, CRLF, trailing spaces, From, dots, invalid UTF-8",
	  { .from_addr = FROM, .to_addr = TO, .subject = "x",
	    .text = "En mycket lång rad med åäö som fortsätter och fortsätter och fortsätter "
		    "och fortsätter och fortsätter och fortsätter och fortsätter och "
		    "fortsätter och fortsätter och fortsätter och fortsätter och fortsätter "
		    "och fortsätter och fortsätter ända till slutet.\r\n"
		    "From here\rslutet med mellanslag   \r\n.\n..två punkter\n"
		    "tab\t\nfel byte \xff här\n=?utf-8?Q?x?= = lika\n" },
	  "x", NULL, NULL, NULL, NULL, "text/plain" },
	{ "a 5000-character line without spaces",
	  { .from_addr = FROM, .to_addr = TO, .subject = "x",
	    .text = NULL /* filled in by the test */ },
	  "x", NULL, NULL, NULL, NULL, "text/plain" },
	{ "empty text",
	  { .from_addr = FROM, .to_addr = TO, .subject = "", .text = "" },
	  "", NULL, NULL, NULL, NULL, "text/plain" },
	{ "text and HTML",
	  { .from_addr = FROM, .from_name = "LSS-samverkan", .to_addr = TO,
	    .subject = "Dagordning", .text = TEXT,
	    .html = "<html><body><h1>Dagordning</h1><p>Inkomna frågor från föreningar</p>"
		    "<p style=\"font-family:Calibri\">=?utf-8?Q?x?= --=_agendad_</p>"
		    "</body></html>\n" },
	  "Dagordning", "LSS-samverkan", NULL, NULL, NULL,
	  "multipart/alternative(text/plain,text/html)" },
	{ "text, HTML and attachments",
	  { .from_addr = FROM, .to_addr = TO, .subject = "Mötesanteckning", .text = TEXT,
	    .html = "<p>Mötesanteckning</p>", .attachments = attachments,
	    .n_attachments = sizeof(attachments) / sizeof(attachments[0]) },
	  "Mötesanteckning", NULL, NULL, NULL, NULL,
	  "multipart/mixed(multipart/alternative(text/plain,text/html),application/"
	  "vnd.openxmlformats-officedocument.wordprocessingml.document,text/calendar,"
	  "application/pdf,application/octet-stream,application/octet-stream)" },
	{ "text and one attachment",
	  { .from_addr = FROM, .to_addr = TO, .subject = "Bilaga", .text = TEXT,
	    .attachments = attachments, .n_attachments = 1 },
	  "Bilaga", NULL, NULL, NULL, NULL,
	  "multipart/mixed(text/plain,application/"
	  "vnd.openxmlformats-officedocument.wordprocessingml.document)" },
};

static void check_headers(json_t *r, const struct outbox_mail *mail)
{
	const char *want[20];
	size_t n = 0;
	json_t *got = json_object_get(r, "headers");

	want[n++] = "Date";
	want[n++] = "From";
	want[n++] = "To";
	want[n++] = "Subject";
	want[n++] = "Message-ID";
	if (mail->in_reply_to != NULL)
		want[n++] = "In-Reply-To";
	if (mail->references != NULL)
		want[n++] = "References";
	if (mail->auto_submitted != NULL) {
		want[n++] = "Auto-Submitted";
		want[n++] = "X-Auto-Response-Suppress";
	}
	want[n++] = "MIME-Version";
	want[n++] = "Content-Language";
	want[n++] = "X-Mailer";
	want[n++] = "Content-Type";
	if (mail->html == NULL && mail->n_attachments == 0)
		want[n++] = "Content-Transfer-Encoding";
	/* exactly these, each once: no header smuggled in by any field */
	assert_int_equal(json_array_size(got), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(got, i)), want[i]);
}

static void check_parts(json_t *r, const struct outbox_mail *mail, const char *text)
{
	json_t *parts = json_object_get(r, "parts");
	size_t k = 0;
	char *want_text = expected_text(text);

	json_t *p = json_array_get(parts, k++);
	assert_string_equal(jstr(p, "type"), "text/plain");
	assert_string_equal(jstr(p, "charset"), "utf-8");
	assert_string_equal(jstr(p, "cte"), "quoted-printable");
	assert_string_equal(jstr(p, "text"), want_text);
	assert_true(json_integer_value(json_object_get(p, "max_line")) <= 76);
	free(want_text);
	if (mail->html != NULL) {
		p = json_array_get(parts, k++);
		want_text = expected_text(mail->html);
		assert_string_equal(jstr(p, "type"), "text/html");
		assert_string_equal(jstr(p, "text"), want_text);
		assert_true(json_integer_value(json_object_get(p, "max_line")) <= 76);
		free(want_text);
	}
	for (size_t i = 0; i < mail->n_attachments; i++) {
		const struct outbox_attachment *a = &mail->attachments[i];
		char hex[65];
		p = json_array_get(parts, k++);
		util_sha256_hex(a->data, a->size, hex);
		assert_string_equal(jstr(p, "type"), attachment_types[i]);
		assert_string_equal(jstr(p, "cte"), "base64");
		assert_string_equal(jstr(p, "disposition"), "attachment");
		assert_string_equal(jstr(p, "filename"), attachment_names[i]);
		assert_string_equal(jstr(p, "sha256"), hex);
		assert_int_equal(json_integer_value(json_object_get(p, "size")), a->size);
		assert_true(json_integer_value(json_object_get(p, "max_line")) <= 76);
	}
	assert_int_equal(json_array_size(parts), k);
}

static void test_compose(void **state)
{
	const time_t date = 1764091860; /* 2025-11-25 17:31:00 UTC */
	char *long_line = xmalloc(5001);

	(void)state;
	/* "åäö=abc" is 10 bytes: 500 of them, no space anywhere */
	long_line[0] = '\0';
	for (size_t i = 0; i < 500; i++)
		strcat(long_line, "åäö=abc");
	for (size_t c = 0; c < N_ELEMENTS(compose_cases); c++) {
		const struct compose_case *tc = &compose_cases[c];
		struct outbox_mail mail = tc->mail;
		struct buf raw = { 0 };
		struct error err = { 0 };
		char *id = outbox_new_message_id(mail.from_addr), *msgid;
		json_t *r;

		print_message("compose: %s\n", tc->name);
		if (mail.text == NULL)
			mail.text = long_line;
		assert_int_equal(outbox_compose(&mail, id, date, &raw, &err), 0);
		r = parse_mail(&raw);
		if (json_array_size(json_object_get(r, "defects")) != 0)
			fail_msg("%s: defects: %s", tc->name,
				 json_dumps(json_object_get(r, "defects"), 0));
		if (json_array_size(json_object_get(r, "bad_words")) != 0)
			fail_msg("%s: bad encoded words: %s", tc->name,
				 json_dumps(json_object_get(r, "bad_words"), 0));
		assert_false(json_is_true(json_object_get(r, "bare_eol")));
		/* headers folded before 78, bodies at 76: far below 998 */
		assert_true(json_integer_value(json_object_get(r, "max_line")) <= 78);
		check_headers(r, &mail);
		assert_str_or_null(jstr(r, "subject"), tc->subject);
		assert_string_equal(jstr(r, "from_addr"), mail.from_addr);
		assert_string_equal(jstr(r, "to_addr"), mail.to_addr);
		assert_int_equal(json_integer_value(json_object_get(r, "from_count")), 1);
		assert_int_equal(json_integer_value(json_object_get(r, "to_count")), 1);
		assert_string_equal(jstr(r, "from_name"), tc->from_name ? tc->from_name : "");
		assert_string_equal(jstr(r, "to_name"), tc->to_name ? tc->to_name : "");
		/* and the same through a strict RFC 2047 decoder */
		assert_string_equal(jstr(r, "subject_strict"), tc->subject);
		assert_string_equal(jstr(r, "from_name_strict"),
				    tc->from_name ? tc->from_name : "");
		assert_string_equal(jstr(r, "to_name_strict"), tc->to_name ? tc->to_name : "");
		msgid = xasprintf("<%s>", id);
		assert_string_equal(jstr(r, "message_id"), msgid);
		assert_str_or_null(jstr(r, "in_reply_to"), tc->in_reply_to);
		assert_str_or_null(jstr(r, "references"), tc->references);
		if (mail.auto_submitted != NULL)
			assert_string_equal(jstr(r, "auto_submitted"),
					    strncmp(mail.auto_submitted, "auto-replied", 12) == 0
						    ? "auto-replied"
						    : "auto-generated");
		assert_int_equal(json_integer_value(json_object_get(r, "date_ts")), date);
		assert_string_equal(jstr(r, "structure"), tc->structure);
		check_parts(r, &mail, mail.text);
		/* pure: the same input gives the same bytes */
		{
			struct buf again = { 0 };
			assert_int_equal(outbox_compose(&mail, id, date, &again, &err), 0);
			assert_int_equal(again.len, raw.len);
			assert_memory_equal(again.data, raw.data, raw.len);
			buf_free(&again);
		}
		json_decref(r);
		free(msgid);
		free(id);
		buf_free(&raw);
	}
	free(long_line);
}

/* The Date header is local time with the zone's offset (TZ=Europe/Stockholm). */
static const struct {
	time_t t;
	const char *header;
} date_cases[] = {
	{ 1764091860, "Date: Tue, 25 Nov 2025 18:31:00 +0100\r\n" },
	{ 1751371200, "Date: Tue, 1 Jul 2025 14:00:00 +0200\r\n" },
	{ 1767225599, "Date: Thu, 1 Jan 2026 00:59:59 +0100\r\n" },
};

static void test_compose_date(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(date_cases); i++) {
		struct outbox_mail mail = { .from_addr = FROM, .to_addr = TO, .subject = "x",
					    .text = "x" };
		struct buf raw = { 0 };
		struct error err = { 0 };
		assert_int_equal(outbox_compose(&mail, "a@b.example", date_cases[i].t, &raw, &err),
				 0);
		assert_true(strncmp(raw.data, date_cases[i].header, strlen(date_cases[i].header)) ==
			    0);
		buf_free(&raw);
	}
}

/* Addresses outside addr-spec and unusable ids are refused: ERR_MESSAGE. */
static const struct {
	const char *from, *to, *id;
} invalid_cases[] = {
	{ FROM, "x@y.example\r\nBcc: z@evil.example", "a@b" },
	{ FROM, "x@y.example\n", "a@b" },
	{ FROM, "<x@y.example>", "a@b" },
	{ FROM, "Anna <x@y.example>", "a@b" },
	{ FROM, "x y@y.example", "a@b" },
	{ FROM, "x@y.example, z@w.example", "a@b" },
	{ FROM, "x@", "a@b" },
	{ FROM, "@y.example", "a@b" },
	{ FROM, "x@@y.example", "a@b" },
	{ FROM, "x", "a@b" },
	{ FROM, "", "a@b" },
	{ FROM, NULL, "a@b" },
	{ FROM, ".x@y.example", "a@b" },
	{ FROM, "x..y@y.example", "a@b" },
	{ FROM, "x@y..example", "a@b" },
	{ FROM, "x@-y.example", "a@b" },
	{ FROM, "x@y_z.example", "a@b" },
	{ FROM, "åsa@y.example", "a@b" },
	{ FROM, "x@exempel.sö", "a@b" },
	{ FROM,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@y.example", "a@b" },
	{ "lss\r\n@kommun.example.se", TO, "a@b" },
	{ FROM, TO, NULL },
	{ FROM, TO, "" },
	{ FROM, TO, "no-at-sign" },
	{ FROM, TO, "\r\n<>" },
};

static void test_compose_invalid(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(invalid_cases); i++) {
		struct outbox_mail mail = { .from_addr = invalid_cases[i].from,
					    .to_addr = invalid_cases[i].to,
					    .subject = "x",
					    .text = "x" };
		struct buf raw = { 0 };
		struct error err = { 0 };
		assert_int_equal(outbox_compose(&mail, invalid_cases[i].id, 0, &raw, &err), -1);
		assert_int_equal(err.kind, ERR_MESSAGE);
		/* the error text is safe to log: no line breaks */
		assert_null(strpbrk(err.text, "\r\n"));
		buf_free(&raw);
	}
}

/* Valid but unusual addresses go through unchanged. */
static const char *const valid_addresses[] = {
	"o'brien+lss@example.org",
	"info@fub.se",
	"a.b.c@sub.domain-x.example",
	"x@localhost",
	"{weird}#$%&*=?^_`|~!@example.org",
};

static void test_compose_valid_addresses(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(valid_addresses); i++) {
		struct outbox_mail mail = { .from_addr = FROM, .to_addr = valid_addresses[i],
					    .to_name = "Anna", .subject = "x", .text = "x" };
		struct buf raw = { 0 };
		struct error err = { 0 };
		json_t *r;
		assert_int_equal(outbox_compose(&mail, "a@b.example", 0, &raw, &err), 0);
		r = parse_mail(&raw);
		assert_string_equal(jstr(r, "to_addr"), valid_addresses[i]);
		json_decref(r);
		buf_free(&raw);
	}
}

/* ---- outbox_new_message_id -------------------------------------------------------- */

static const struct {
	const char *from;
	const char *domain;
} msgid_cases[] = {
	{ "lss@kommun.example.se", "@kommun.example.se" },
	{ "LSS@Kommun.Example.SE", "@kommun.example.se" },
	{ "a@b@c.example", "@c.example" },
	{ "no-domain", "@agendad.invalid" },
	{ "x@bad domain\r\n", "@agendad.invalid" },
	{ NULL, "@agendad.invalid" },
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_message_id(void **state)
{
	char *ids[1000];

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(msgid_cases); i++) {
		char *id = outbox_new_message_id(msgid_cases[i].from);
		assert_true(str_suffix_ci(id, msgid_cases[i].domain));
		assert_string_equal(id + strlen(id) - strlen(msgid_cases[i].domain),
				    msgid_cases[i].domain);
		for (const char *p = id; *p != '\0'; p++)
			assert_true(*p > ' ' && *p < 0x7f && strchr("<>\"\\ ", *p) == NULL);
		assert_int_equal(strchr(id, '@'), strrchr(id, '@'));
		free(id);
	}
	for (size_t i = 0; i < N_ELEMENTS(ids); i++)
		ids[i] = outbox_new_message_id("x@example.org");
	qsort(ids, N_ELEMENTS(ids), sizeof(ids[0]), cmp_str);
	for (size_t i = 0; i < N_ELEMENTS(ids); i++) {
		if (i > 0)
			assert_string_not_equal(ids[i - 1], ids[i]);
	}
	for (size_t i = 0; i < N_ELEMENTS(ids); i++)
		free(ids[i]);
}

/* ---- outbox_backoff ------------------------------------------------------------ */

static const struct {
	int attempts;
	int min, max;
} backoff_cases[] = {
	{ -1, 0, 0 },	       { 0, 0, 0 },	       { 1, 45, 60 },	      { 2, 90, 120 },
	{ 3, 180, 240 },       { 5, 720, 960 },	       { 6, 1440, 1920 },     { 7, 2700, 3600 },
	{ 12, 2700, 3600 },    { 1000, 2700, 3600 },
};

static void test_backoff(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(backoff_cases); i++) {
		int lo = 1 << 30, hi = -1;
		for (int k = 0; k < 300; k++) {
			int d = outbox_backoff(backoff_cases[i].attempts);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		assert_in_range(lo, backoff_cases[i].min, backoff_cases[i].max);
		assert_in_range(hi, backoff_cases[i].min, backoff_cases[i].max);
		/* jittered: 300 draws are not all the same */
		if (backoff_cases[i].max > 0)
			assert_true(lo < hi);
	}
}

/* ---- the state machine ------------------------------------------------------------ */

struct machine {
	struct store *store;
	char *path;
};

static int machine_setup(void **state)
{
	static int serial;
	struct machine *m = xcalloc(1, sizeof(*m));
	struct error err = { 0 };

	m->path = xasprintf("%s/outbox-%d.db", tmpdir, ++serial);
	if (store_open(m->path, &m->store, &err) != 0) {
		print_error("store_open: %s\n", err.text);
		return -1;
	}
	*state = m;
	return 0;
}

static int machine_teardown(void **state)
{
	struct machine *m = *state;

	store_close(&m->store);
	free(m->path);
	free(m);
	return 0;
}

/* Queues n mails (ids "mN@kommun.example.se", raw "raw N") and returns
 * their rows as due now. */
static void queue_mails(struct machine *m, size_t n, struct store_outbox_row **rows_r,
			size_t *n_r)
{
	struct store_outgoing mails[8];
	char ids[8][64], raws[8][32];
	struct error err = { 0 };

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		static int serial;
		snprintf(ids[i], sizeof(ids[i]), "m%d@kommun.example.se", ++serial);
		snprintf(raws[i], sizeof(raws[i]), "raw %zu\r\n", i);
		mails[i] = (struct store_outgoing){ .kind = "notice", .message_id = ids[i],
						    .mail_from = FROM, .rcpt = TO, .subject = "x",
						    .raw = raws[i], .raw_size = strlen(raws[i]) };
	}
	assert_int_equal(store_outbox_queue(m->store, mails, n, 0, NULL, false, &err), 0);
	assert_int_equal(store_outbox_due(m->store, time(NULL), rows_r, n_r, &err), 0);
	assert_int_equal(*n_r, n);
}

/* One row as the store has it now (by id). */
static struct store_outbox_row *row_now(struct machine *m, int64_t id, struct store_outbox_row **all,
					size_t *n)
{
	struct error err = { 0 };

	assert_int_equal(store_outbox_list(m->store, NULL, all, n, &err), 0);
	for (size_t i = 0; i < *n; i++)
		if ((*all)[i].id == id)
			return &(*all)[i];
	fail_msg("outbox row %lld is gone", (long long)id);
	return NULL;
}

static const struct {
	const char *name;
	enum outbox_result result;
	long age; /* seconds since the row was queued, at settle time */
	const char *reply;
	const char *status;
	long next_min, next_max; /* next_attempt - now, for queued */
	const char *error_has; /* substring of last_error, or NULL for none */
} settle_cases[] = {
	{ "sent", OUTBOX_SENT, 5, "250 2.0.0 Ok", "sent", 0, 0, NULL },
	{ "temporary failure", OUTBOX_TEMPFAIL, 5, "RCPT: 451 4.3.0 try later", "queued", 45, 60,
	  "451 4.3.0" },
	{ "permanent failure", OUTBOX_PERMFAIL, 5, "RCPT: 550 5.1.1 no such user", "failed", 0, 0,
	  "550 5.1.1 no such user" },
	{ "temporary failure after a day", OUTBOX_TEMPFAIL, 86400, "451 later", "queued", 45, 60,
	  "451 later" },
	{ "temporary failure past two days", OUTBOX_TEMPFAIL, 2 * 86400 + 1, "451 still",
	  "failed", 0, 0, "given up after 1 attempts in 48 hours; last: 451 still" },
	{ "permanent failure without a reply", OUTBOX_PERMFAIL, 5, NULL, "failed", 0, 0,
	  "no reply" },
};

static void test_claim_settle(void **state)
{
	struct machine *m = *state;

	for (size_t c = 0; c < N_ELEMENTS(settle_cases); c++) {
		struct store_outbox_row *due, *all, *row;
		size_t n_due, n_all;
		struct error err = { 0 };
		time_t now;

		print_message("settle: %s\n", settle_cases[c].name);
		queue_mails(m, 1, &due, &n_due);
		assert_string_equal(due[0].status, "queued");
		assert_int_equal(due[0].attempts, 0);
		assert_int_equal(outbox_claim(m->store, &due[0], &err), 0);
		row = row_now(m, due[0].id, &all, &n_all);
		assert_string_equal(row->status, "sending");
		store_outbox_rows_free(all, n_all);
		/* rule 2: a second claim of the same row is refused */
		assert_int_equal(outbox_claim(m->store, &due[0], &err), -1);
		assert_int_equal(err.kind, ERR_FATAL);

		now = due[0].created + settle_cases[c].age;
		assert_int_equal(outbox_settle(m->store, &due[0], settle_cases[c].result,
					       settle_cases[c].reply, now, &err),
				 0);
		row = row_now(m, due[0].id, &all, &n_all);
		assert_string_equal(row->status, settle_cases[c].status);
		assert_int_equal(row->attempts, 1);
		assert_string_equal(row->message_id, due[0].message_id);
		if (strcmp(settle_cases[c].status, "queued") == 0)
			assert_in_range(row->next_attempt - now, settle_cases[c].next_min,
					settle_cases[c].next_max);
		if (strcmp(settle_cases[c].status, "sent") == 0)
			assert_true(row->sent > 0);
		if (settle_cases[c].error_has == NULL)
			assert_null(row->last_error);
		else {
			assert_non_null(row->last_error);
			assert_non_null(strstr(row->last_error, settle_cases[c].error_has));
		}
		store_outbox_rows_free(all, n_all);
		/* rule 7 and 2: settling again is refused, whatever the row is now */
		assert_int_equal(outbox_settle(m->store, &due[0], OUTBOX_SENT, NULL, now, &err),
				 -1);
		store_outbox_rows_free(due, n_due);
	}
}

/* A row that keeps failing comes back later each time, then is given up. */
static void test_retry_until_given_up(void **state)
{
	struct machine *m = *state;
	struct store_outbox_row *due, *all, *row;
	size_t n_due, n_all;
	struct error err = { 0 };
	time_t created, now, last_next = 0;
	int attempts = 0;

	queue_mails(m, 1, &due, &n_due);
	created = now = due[0].created;
	for (;;) {
		assert_int_equal(outbox_claim(m->store, &due[0], &err), 0);
		assert_int_equal(outbox_settle(m->store, &due[0], OUTBOX_TEMPFAIL, "421 busy", now,
					       &err),
				 0);
		attempts++;
		store_outbox_rows_free(due, n_due);
		assert_int_equal(store_outbox_list(m->store, NULL, &all, &n_all, &err), 0);
		row = &all[0];
		assert_int_equal(row->attempts, attempts);
		if (strcmp(row->status, "failed") == 0) {
			store_outbox_rows_free(all, n_all);
			break;
		}
		assert_string_equal(row->status, "queued");
		assert_true(row->next_attempt - now >= last_next * 3 / 4);
		last_next = row->next_attempt - now;
		now = row->next_attempt;
		store_outbox_rows_free(all, n_all);
		/* not due before next_attempt, due at it */
		assert_int_equal(store_outbox_due(m->store, now - 1, &due, &n_due, &err), 0);
		assert_int_equal(n_due, 0);
		store_outbox_rows_free(due, n_due);
		assert_int_equal(store_outbox_due(m->store, now, &due, &n_due, &err), 0);
		assert_int_equal(n_due, 1);
		assert_true(attempts < 200);
	}
	/* about two days at one try an hour after the first few */
	assert_in_range(attempts, 40, 80);
	assert_true(now - created >= 2 * 86400);
}

static const struct {
	long age; /* of the row when the process restarts */
	const char *status;
	const char *error_has;
} recover_cases[] = {
	{ 0, "queued", "interrupted while sending; sent again with the same Message-ID" },
	{ 86400, "queued", "interrupted while sending" },
	{ 2 * 86400 + 10, "failed", "it may have been delivered" },
};

static void age_rows(struct machine *m, long seconds)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(m->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *sql = sqlite3_mprintf("UPDATE outbox SET created = created - %ld", seconds);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
}

/* Rule 4: after a crash in "sending", the same mail (same Message-ID, same
 * bytes) is due again, unless it is past giving up. */
static void test_recover(void **state)
{
	struct machine *m = *state;

	for (size_t c = 0; c < N_ELEMENTS(recover_cases); c++) {
		struct store_outbox_row *due, *after, *all;
		size_t n_due, n_after, n_all;
		struct error err = { 0 };
		int n = -1;

		assert_int_equal(outbox_recover(m->store, &n, &err), 0);
		assert_int_equal(n, 0);
		queue_mails(m, 3, &due, &n_due);
		for (size_t i = 0; i < n_due; i++)
			assert_int_equal(outbox_claim(m->store, &due[i], &err), 0);
		age_rows(m, recover_cases[c].age);
		/* the process dies here; the next start-up recovers */
		assert_int_equal(outbox_recover(m->store, &n, &err), 0);
		assert_int_equal(n, 3);
		assert_int_equal(store_outbox_list(m->store, "sending", &all, &n_all, &err), 0);
		assert_int_equal(n_all, 0);
		store_outbox_rows_free(all, n_all);
		assert_int_equal(store_outbox_list(m->store, recover_cases[c].status, &all, &n_all,
						   &err),
				 0);
		assert_int_equal(n_all, 3);
		for (size_t i = 0; i < n_all; i++) {
			assert_int_equal(all[i].attempts, 1);
			assert_non_null(strstr(all[i].last_error, recover_cases[c].error_has));
		}
		store_outbox_rows_free(all, n_all);
		if (strcmp(recover_cases[c].status, "queued") == 0) {
			assert_int_equal(store_outbox_due(m->store, time(NULL), &after, &n_after, &err),
					 0);
			assert_int_equal(n_after, 3);
			for (size_t i = 0; i < 3; i++) {
				assert_int_equal(after[i].id, due[i].id);
				assert_string_equal(after[i].message_id, due[i].message_id);
				assert_int_equal(after[i].raw_size, due[i].raw_size);
				assert_memory_equal(after[i].raw, due[i].raw, due[i].raw_size);
				/* clear the way for the next case */
				assert_int_equal(outbox_claim(m->store, &after[i], &err), 0);
				assert_int_equal(outbox_settle(m->store, &after[i], OUTBOX_SENT,
							       NULL, time(NULL), &err),
						 0);
			}
			store_outbox_rows_free(after, n_after);
		}
		store_outbox_rows_free(due, n_due);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_compose_date),
		cmocka_unit_test(test_compose_invalid),
		cmocka_unit_test(test_compose_valid_addresses),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test_setup_teardown(test_claim_settle, machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_retry_until_given_up, machine_setup,
						machine_teardown),
		cmocka_unit_test_setup_teardown(test_recover, machine_setup, machine_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

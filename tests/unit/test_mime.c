/* test_mime.c - the MIME stage: real-looking mail from tests/data/mime/ (CRLF
 * .eml files) with the expected outcome of each in one table, and tables of
 * their own for header decoding, dates, addresses and header look-up. Every
 * decoded mail is also checked for the output promises of mime.h: valid
 * UTF-8, LF only, no controls, no line past the limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "agendad/mime.h"
#include "agendad/util.h"

#include "../../src/mime_p.h"

#define MB     (1024 * 1024)
#define ABSENT "\001absent" /* the field must be NULL */

enum expect_bool {
	ANY = 0, /* not checked */
	YES,
	NO,
};

static const struct mime_limits defaults = {25 * MB, 10, 100, 10000};
static const struct mime_limits small_message = {4096, 10, 100, 10000};
static const struct mime_limits short_lines = {25 * MB, 10, 100, 100};
static const struct mime_limits depth_3 = {25 * MB, 3, 100, 10000};
static const struct mime_limits depth_2 = {25 * MB, 2, 100, 10000};
static const struct mime_limits parts_7 = {25 * MB, 10, 7, 10000};
static const struct mime_limits parts_6 = {25 * MB, 10, 6, 10000};

struct att_expect {
	const char *filename; /* ABSENT: no file name */
	const char *type;
	size_t size;
};

struct mime_case {
	const char *file;
	const struct mime_limits *limits; /* NULL: defaults */
	const char *error;                /* mime_decode must fail with this reason */
	const char *subject;              /* exact; NULL: not checked */
	const char *from_addr;
	const char *from_name;
	const char *message_id;
	time_t date; /* 0: not checked */
	const char *content_type;
	enum expect_bool from_html;
	const char *contains[8]; /* substrings of the body */
	const char *lacks[8];    /* not in the body */
	int n_att;               /* the attachments in att; 0 with no_att unset: not checked */
	bool no_att;
	struct att_expect att[3];
	const char *calendar_method; /* NULL: not checked; ABSENT: none */
	const char *bounced_to;      /* NULL: not checked; ABSENT: none */
	enum expect_bool bounce_delayed;
	const char *header[2]; /* name, decoded value */
	const char *body;      /* the whole body, exactly */
};

static const struct mime_case mime_cases[] = {
    {.file = "plain_utf8.eml",
     .subject = "Frågor till nästa möte",
     .from_addr = "anna.andersson@fub.se",
     .from_name = "Andersson, Anna",
     .message_id = "20250203101500.12345@fub.se",
     .date = 1738574100, /* (CET) comment after the zone */
     .content_type = "text/plain",
     .from_html = NO,
     .contains = {"1. Hur många platser finns det på korttidsboendet i Björkängen?\n2. När",
		  "Med vänliga hälsningar\nAnna Andersson"},
     .no_att = true,
     .calendar_method = ABSENT,
     .bounced_to = ABSENT,
     .header = {"received", "from mail.fub.se (mail.fub.se [192.0.2.10]) by mx.kommun.se "
			    "with ESMTPS id 4Rx; Mon, 03 Feb 2025 10:15:02 +0100"}},
    {.file = "outlook_html_only.eml",
     .subject = "SV: Inbjudan till samverkansmöte",
     .from_addr = "karin.ek@autism.se",
     .from_name = "Karin Ek",
     .message_id = "DB9PR01MB9361D0A2B1C@DB9PR01MB9361.eurprd01.prod.exchangelabs.com",
     .date = 1738656072,
     .content_type = "text/html",
     .from_html = YES,
     .contains = {"Hej!\n\nAutism- och Aspergerföreningen har följande frågor",
		  "\n- Hur många barn väntar på plats i korttidsvistelse?\n- Vilka “rutiner”",
		  "Verksamhet | Antal platser\nKorttids Tallen | 12",
		  "Karin Ek & styrelsen\n\nFrån: LSS-samverkan <lss-samverkan@kommun.se>\n"
		  "Skickat: den 20 januari 2025 14:02\nTill: Karin Ek",
		  "Ämne: Inbjudan till samverkansmöte\n\nVälkomna med frågor"},
     .lacks = {"mso", "<o:p>", "Cambria", "Ignorera mig", "dold text", "alert", "[if", "·"},
     .header = {"thread-topic", "Inbjudan till samverkansmöte"}},
    /* Word's second list level: indented under its first-level item, so
     * that extraction reads the item above as their topic */
    {.file = "word_list_levels.eml",
     .subject = "Frågor",
     .from_addr = "per@hrf-exempelstad.se",
     .from_name = "Per Nystrom",
     .message_id = "word-levels@hrf-exempelstad.se",
     .date = 1738574100,
     .content_type = "text/html",
     .from_html = YES,
     .contains = {"1. Personalens kunskap\n  - Hur många i personalen kan teckenspråk?\n2. Mötena"},
     .lacks = {"mso", "Times New Roman", "o "},
     .no_att = true},
    {.file = "gmail_alternative.eml",
     .subject = "Re: Välkomna med frågor",
     .from_addr = "lars.berg@gmail.com",
     .from_name = "Lars Berg",
     .message_id = "CAF=+x8Yq2b3Lq@mail.gmail.com",
     .date = 1738656765,
     .content_type = "multipart/alternative",
     .from_html = NO,
     .contains = {"Vi undrar hur det går med ledsagarservicen i sommar?",
		  "skrev LSS-samverkan <lss-samverkan@kommun.se>:\n\n> Välkomna med frågor"},
     .lacks = {"<div", "gmail_quote", "=C3"},
     .no_att = true},
    {.file = "alternative_stub.eml",
     .subject = "Fråga om färdtjänst",
     .from_addr = "info@rbu.se",
     .from_name = ABSENT,
     .from_html = YES,
     .body = "Hej!\n\nVarför får inte rullstolsburna åka färdtjänst i länet?\n\n"
	     "> Tidigare svar: vi utreder.\n>\n> Andra stycket.\n\nTack & hälsningar\nRBU",
     .no_att = true},
    {.file = "iphone.eml",
     .subject = "Protokoll",
     .from_addr = "maria.sjoberg@icloud.com",
     .from_name = "Maria Sjöberg",
     .date = 1738823480,
     .from_html = NO,
     .body = "Hej!\n\nKommer protokollet från förra mötet snart?\n\nSkickat från min iPhone"},
    {.file = "latin1_qp.eml",
     .subject = "Fråga om korttidsboende och väntetider för bästa möjliga stöd",
     .from_addr = "goran.aberg@dhr.se",
     .from_name = "Göran Åberg",
     .date = 1738929900, /* no day name, no seconds */
     .contains = {"Fråga om korttidsboende: får man välja boende själv?\nÖvriga",
		  "Göran Åberg\nDHR Malmö"},
     .lacks = {"=E5", "\xef\xbf\xbd"}},
    {.file = "cp1252_as_ascii.eml",
     .subject = "Trygghetslarm – kostnad",
     .body = "Hej,\n\nVi på NEURO undrar: vad kostar “trygghetslarm” nu – 250 € i månaden?\n"
	     "Är det rätt?\n\nÅsa Öberg"},
    {.file = "cp1252_as_utf8.eml",
     .subject = "Fråga om daglig verksamhet", /* raw 8-bit header */
     .from_name = "Björn Lind",               /* =F6 in a utf-8 encoded word */
     .body = "Hej!\nFår deltagarna i daglig verksamhet ersättning även i juli?\nMvh Björn"},
    {.file = "split_encoded_word.eml",
     .subject = "Frågor om boende och stöd (viktigt)",
     .from_name = "Åsa Öst",
     .from_addr = "asa@funktionsratt.se"},
    {.file = "rfc2231_filename.eml",
     .subject = "Frågor bifogade",
     .content_type = "multipart/mixed",
     .body = "Hej, frågorna finns i bifogad fil.",
     .n_att = 1,
     .att = {{"Frågor till mötet.pdf", "application/pdf", 2345}}},
    {.file = "base64_garbage.eml",
     .body = "Hej!\nKan kommunen erbjuda fler platser i daglig verksamhet för unga vuxna?\n"
	     "Hälsningar Olle"},
    {.file = "nested_mixed_alt_related.eml",
     .from_name = "Sara Nyberg (NEURO)",
     .content_type = "multipart/mixed",
     .from_html = NO,
     .body = "Hej! Här kommer vår fråga om habiliteringen: varför är kön så lång?",
     .n_att = 1,
     .att = {{"Underlag höst.docx",
	      "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 5000}}},
    /* Apple Mail: a file dropped into the text sits in the HTML alternative,
     * which loses to text/plain; the file is listed, the HTML's logo is not */
    {.file = "apple_alternative_file.eml",
     .content_type = "multipart/alternative",
     .from_html = NO,
     .contains = {"Hur fungerar synpunktshanteringen i hemtjänsten?"},
     .lacks = {"<div", "logo.png"},
     .n_att = 1,
     .att = {{"Enkät hösten.pdf", "application/pdf", 77}}},
    {.file = "nested_mixed_alt_related.eml", .limits = &depth_3, .n_att = 1},
    /* Outlook's rich text through Exchange: the files inside winmail.dat
     * are listed (names in the stream's code page, 1252), not winmail.dat */
    {.file = "tnef_files.eml",
     .body = "Hej, frågorna finns i bifogad fil.",
     .n_att = 2,
     .att = {{"Frågor inför mötet.docx",
	      "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 3072},
	     {"Enkät.pdf", "application/pdf", 900}}},
    /* a stream cut short is listed as it came */
    {.file = "tnef_cut.eml",
     .n_att = 1,
     .att = {{"winmail.dat", "application/ms-tnef", 3719}}},
    {.file = "nested_mixed_alt_related.eml",
     .limits = &depth_2,
     .error = "MIME-strukturen är djupare än 2 nivåer"},
    {.file = "nested_mixed_alt_related.eml", .limits = &parts_7, .n_att = 1},
    {.file = "nested_mixed_alt_related.eml",
     .limits = &parts_6,
     .error = "meddelandet har fler än 6 MIME-delar"},
    {.file = "forward_rfc822.eml",
     .subject = "VB: Fråga från medlem",
     .from_addr = "sekreterare@fub.se",
     .body = "Se vidarebefordrad fråga nedan.\n\n"
	     "---------- Vidarebefordrat meddelande ----------\n"
	     "Från: Per Åkesson <per.akesson@example.se>\n"
	     "Datum: Tue, 11 Feb 2025 20:45:00 +0100\n"
	     "Ämne: Fråga från medlem\n\n"
	     "Varför har min son inte fått något beslut om boendestöd än?",
     .n_att = 1,
     .att = {{"beslut.pdf", "application/pdf", 999}}},
    {.file = "forward_base64.eml",
     .body = "---------- Vidarebefordrat meddelande ----------\n"
	     "Från: Inre <inre@example.se>\n"
	     "Datum: Mon, 24 Feb 2025 08:00:00 +0100\n"
	     "Ämne: Inre ämne\n\n"
	     "Inre brödtext om assistans.",
     .no_att = true},
    {.file = "flowed_delsp.eml",
     .body = "Vi undrar om kommunen planerar att bygga fler lägenheter med särskild service "
	     "under 2025. Det är viktigt.\n\n> Citerad rad som är ombruten.\nFrom the start.\n"
	     "-- \nNils"},
    {.file = "flowed_plain.eml", .body = "Hur ser kön ut till gruppbostäder i centrala staden?"},
    {.file = "depth_bomb.eml", .error = "MIME-strukturen är djupare än 10 nivåer"},
    {.file = "parts_bomb.eml", .error = "meddelandet har fler än 100 MIME-delar"},
    {.file = "oversized.eml", .limits = &small_message, .error = "meddelandet är större än 4 kB"},
    {.file = "oversized.eml", .contains = {"xxxx\nxxxx"}},
    {.file = "truncated.eml",
     .subject = "Avbrutet",
     .body = "Frågan om assistans står först.",
     .n_att = 1,
     .att = {{"bilaga.pdf", "application/pdf", 666}}},
    {.file = "empty.eml", .error = "meddelandet är tomt"},
    {.file = "nul_byte.eml",
     .subject = "Nollbyte",
     .from_addr = "nul@example.se",
     .body = "Föreefter\nkontrolltecken och\nvagnretur"},
    {.file = "missing_final_boundary.eml",
     .body = "Första raden.\n-- \nUlla, FUB\nSista raden efter signaturen."},
    {.file = "calendar.eml",
     .subject = "Accepterat: LSS-samverkan",
     .body = "Jag kommer.",
     .lacks = {"SECRET-SUMMARY", "VCALENDAR"},
     /* the answer is no file to list: its method only */
     .no_att = true,
     .calendar_method = "REPLY"},
    {.file = "ndr_report.eml",
     .content_type = "multipart/report",
     .contains = {"Det gick inte att leverera"},
     .lacks = {"Reporting-MTA", "Final-Recipient"},
     /* the report's machine-readable parts are no files to list, but the
      * address it is about is noted */
     .no_att = true,
     .bounced_to = "nils.berg@fub-exempelstad.se",
     .bounce_delayed = NO},
    /* Exchange's warning that delivery is delayed: a report, not a failure */
    {.file = "delay_report.eml",
     .content_type = "multipart/report",
     .no_att = true,
     .bounced_to = "maria.holmgren@hrf-exempelstad.se",
     .bounce_delayed = YES},
    {.file = "related_start.eml",
     .from_html = YES,
     .body = "Rotdelen med frågan om bostadsanpassning.",
     .no_att = true},
    {.file = "mixed_inline_text.eml",
     .body = "Första delen av brevet.\n\nAndra delen efter bilden.",
     .n_att = 2,
     .att = {{"bild.jpg", "image/jpeg", 13}, {"ATT00001.txt", "text/plain", 33}}},
    {.file = "headers_8bit.eml",
     .subject = "Rå UTF-8 i ämnesraden",
     .from_addr = "renee@dhr.se",
     .from_name = "Renée Ström",
     .body = "Brödtext utan charset.",
     .header = {"X-Snäll", "ok"}},
    {.file = "no_text.eml",
     .content_type = "application/pdf",
     .body = "",
     .n_att = 1,
     .att = {{"scan_0001.pdf", "application/pdf", 1500}}},
    {.file = "iso8859_15.eml", .body = "Avgiften är 100 € per månad."},
    {.file = "latin1_label_utf8.eml", .body = "Vårdnadshavare önskar svar på frågan."},
    {.file = "unknown_charset_utf8.eml", .body = "Hälsningar från Älvsjö."},
    {.file = "unknown_charset_cp1252.eml", .body = "Hälsningar från Älvsjö."},
    {.file = "html_lists_tables.eml",
     .from_html = YES,
     .body = "Frågor\n\nInledning med ä, & och € samt mellanslag.\n\n- Första punkten\n"
	     "- Andra punkten\n  - Underpunkt\n3. Tredje\n4. Fjärde\nFråga | Ansvarig\n"
	     "Ledsagning | Socialtjänsten\n\nSlut."},
    {.file = "long_line.eml",
     .limits = &short_lines,
     .contains = {"ordet ordet", "åå\nåå", "\nkort rad"},
     .lacks = {"\xef\xbf\xbd"}},
    {.file = "no_boundary_param.eml", .body = "Texten hittas ändå."},
    {.file = "boundary_prefix.eml",
     .body = "Texten i alternativet.",
     .n_att = 1,
     .att = {{"a.pdf", "application/pdf", 9}}},
    {.file = "garbage.eml", .subject = "", .from_addr = ABSENT},
    {.file = "apple_html_quote.eml",
     .from_html = YES,
     .body = "Vi vill ta upp skolskjutsarna.\n\nHelena\n\n"
	     "> 25 feb. 2025 kl. 10:00 skrev LSS-samverkan <lss@kommun.se>:\n>\n"
	     "> Kallelse till möte.\n> Rad två."},
    {.file = "controls.eml", .body = "Rad ett\nRad två\nRad tre\tflik"},
    {.file = "thunderbird_html.eml",
     .body = "Hej,\n\nvi vill lägga till en punkt om\nhjälpmedel i skolan.\n\n"
	     "Den 2025-02-25 kl. 09:00, skrev LSS-samverkan:\n\n"
	     "> Här är förslaget till dagordning.\n\n-- \nBo Lund\nFunktionsrätt"},
    {.file = "outlook_web_reply.eml",
     .from_name = "Nilsson, Eva",
     .body = "Vi anmäler två frågor:\n1. Boendestöd på helger\n2. Köer till korttids\n\n"
	     "Från: LSS-samverkan <lss-samverkan@kommun.se>\n"
	     "Skickat: den 26 februari 2025 08:00\nTill: Nilsson, Eva <eva.nilsson@rbu.se>\n"
	     "Ämne: Kallelse\n\nVälkomna till mötet."},
    /* found by tests/fuzz/fuzz_mime.c */
    {.file = "fuzz_param_without_name.eml", .subject = "Okänd"}, /* "; =x" looped */
};

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		int n = *p < 0x80                  ? 0
			: *p >= 0xC2 && *p <= 0xDF ? 1
			: *p >= 0xE0 && *p <= 0xEF ? 2
			: *p >= 0xF0 && *p <= 0xF4 ? 3
						   : -1;
		if (n < 0)
			return false;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n + 1;
	}
	return true;
}

/* The promises of mime.h that hold for every decoded mail. */
static void check_output(const struct mail_text *m, const struct mime_limits *limits,
			 const char *file)
{
	size_t line = 0;

	assert_non_null(m->body);
	assert_non_null(m->subject);
	assert_non_null(m->content_type);
	assert_true(valid_utf8(m->body));
	assert_true(valid_utf8(m->subject));
	for (const char *p = m->body; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 && c != '\n' && c != '\t') {
			print_error("%s: control 0x%02x in body\n", file, c);
			fail();
		}
		line = c == '\n' ? 0 : line + 1;
		if (line > limits->max_line_length) {
			print_error("%s: line longer than %zu\n", file, limits->max_line_length);
			fail();
		}
	}
	for (size_t i = 0; i < m->n_headers; i++) {
		assert_true(valid_utf8(m->headers[i].name));
		assert_true(valid_utf8(m->headers[i].value));
		assert_null(strpbrk(m->headers[i].value, "\r\n"));
	}
	for (const char *p = m->content_type; *p != '\0'; p++)
		assert_false(*p >= 'A' && *p <= 'Z');
	for (size_t i = 0; i < m->n_attachments; i++) {
		assert_non_null(m->attachments[i].content_type);
		if (m->attachments[i].filename != NULL)
			assert_true(valid_utf8(m->attachments[i].filename));
	}
}

static void check_string(const char *what, const char *got, const char *want, const char *file)
{
	if (want == NULL)
		return;
	if (strcmp(want, ABSENT) == 0) {
		if (got != NULL) {
			print_error("%s: %s is \"%s\", want none\n", file, what, got);
			fail();
		}
		return;
	}
	if (got == NULL || strcmp(got, want) != 0) {
		print_error("%s: %s is \"%s\", want \"%s\"\n", file, what, got ? got : "(null)",
			    want);
		fail();
	}
}

static void test_mime_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(mime_cases); i++) {
		const struct mime_case *c = &mime_cases[i];
		const struct mime_limits *limits = c->limits ? c->limits : &defaults;
		struct mail_text *m = NULL;
		struct error error = {0};
		char path[512], *data;
		size_t size;
		int ret;

		snprintf(path, sizeof(path), "%s/mime/%s", TEST_DATA, c->file);
		if (util_read_file(path, 64 * MB, &data, &size) != 0) {
			print_error("cannot read %s\n", path);
			fail();
		}
		ret = mime_decode(data, size, limits, &m, &error);
		if (c->error != NULL) {
			if (ret != -1 || m != NULL || error.kind != ERR_MESSAGE ||
			    strcmp(error.text, c->error) != 0) {
				print_error("%s: want failure \"%s\", got %d \"%s\"\n", c->file,
					    c->error, ret, error.text);
				fail();
			}
			free(data);
			continue;
		}
		if (ret != 0) {
			print_error("%s: failed: %s\n", c->file, error.text);
			fail();
		}
		check_output(m, limits, c->file);
		check_string("subject", m->subject, c->subject, c->file);
		check_string("from_addr", m->from_addr, c->from_addr, c->file);
		check_string("from_name", m->from_name, c->from_name, c->file);
		check_string("message_id", m->message_id, c->message_id, c->file);
		check_string("content_type", m->content_type, c->content_type, c->file);
		check_string("body", m->body, c->body, c->file);
		if (c->date != 0 && m->date != c->date) {
			print_error("%s: date %ld, want %ld\n", c->file, (long)m->date,
				    (long)c->date);
			fail();
		}
		if (c->from_html != ANY && m->body_from_html != (c->from_html == YES)) {
			print_error("%s: body_from_html is %d\n", c->file, m->body_from_html);
			fail();
		}
		for (size_t k = 0; k < N_ELEMENTS(c->contains) && c->contains[k]; k++)
			if (strstr(m->body, c->contains[k]) == NULL) {
				print_error("%s: body lacks \"%s\":\n%s\n", c->file, c->contains[k],
					    m->body);
				fail();
			}
		for (size_t k = 0; k < N_ELEMENTS(c->lacks) && c->lacks[k]; k++)
			if (strstr(m->body, c->lacks[k]) != NULL) {
				print_error("%s: body has \"%s\":\n%s\n", c->file, c->lacks[k],
					    m->body);
				fail();
			}
		if ((c->n_att > 0 || c->no_att) && m->n_attachments != (size_t)c->n_att) {
			print_error("%s: %zu attachments, want %d\n", c->file, m->n_attachments,
				    c->n_att);
			fail();
		}
		for (int k = 0; k < c->n_att && c->att[k].type != NULL; k++) {
			const struct mail_attachment *a = &m->attachments[k];
			check_string("attachment name", a->filename, c->att[k].filename, c->file);
			check_string("attachment type", a->content_type, c->att[k].type, c->file);
			if (a->size != c->att[k].size) {
				print_error("%s: attachment %d has %zu bytes, want %zu\n", c->file,
					    k, a->size, c->att[k].size);
				fail();
			}
		}
		if (c->calendar_method != NULL)
			check_string("calendar method", m->calendar_method, c->calendar_method,
				     c->file);
		check_string("bounced recipient", m->bounced_to, c->bounced_to, c->file);
		if (c->bounce_delayed != ANY && m->bounce_delayed != (c->bounce_delayed == YES)) {
			print_error("%s: bounce_delayed is %d\n", c->file, m->bounce_delayed);
			fail();
		}
		if (c->header[0] != NULL)
			check_string(c->header[0], mime_header(m, c->header[0]), c->header[1],
				     c->file);
		mime_free(&m);
		assert_null(m);
		free(data);
	}
}

static const struct {
	const char *in;
	const char *out;
} header_cases[] = {
    {"=?UTF-8?Q?Fr=C3=A5ga?=", "Fråga"},
    {"=?utf-8?B?w6XDpMO2?=", "åäö"},
    {"=?iso-8859-1?q?G=F6ran?= =?iso-8859-1?q?_=C5berg?=", "Göran Åberg"},
    /* one character split over two words, and over a folded line */
    {"=?UTF-8?B?RnLD?= =?UTF-8?B?pWdh?=", "Fråga"},
    {"=?UTF-8?B?RnLD?=\r\n =?UTF-8?B?pWdh?=", "Fråga"},
    {"=?utf-8?Q?Fr=C3?=\r\n\t=?UTF-8?Q?=A5ga?=", "Fråga"},
    {"=?utf-8?Q?x?==?utf-8?Q?y?=", "xy"},
    {"Re: =?utf-8?Q?m=C3=B6te?= i morgon", "Re: möte i morgon"},
    {"=?utf-8?Q?a?= b =?utf-8?Q?c?=", "a b c"},
    {"=?windows-1252?Q?=93Citat=94?=", "“Citat”"},
    {"=?ISO-8859-15?Q?=A4?=", "€"},
    {"=?us-ascii?Q?G=F6ran?=", "Göran"},
    {"=?utf-8?Q?Bj=F6rn?=", "Björn"},
    {"=?UTF-8*sv?Q?Hej?=", "Hej"},
    {"=?x-unknown-charset?Q?H=C3=A4j?=", "Häj"},
    {"=?utf-8?Q?nul=00byte?=", "nulbyte"},
    {"Fr\xe5ga", "Fråga"},
    {"Fr\xc3\xa5ga", "Fråga"},
    {"=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
    {"=?utf-8?Q?unterminated", "=?utf-8?Q?unterminated"},
    {"=?=?=?", "=?=?=?"},
    /* no encoded word: cleaned in one pass, repaired as before */
    {"Fr\xe5gor om m\xf6tet den 13 mars\r\n\t(andra f\xf6rs\xf6ket)",
     "Frågor om mötet den 13 mars (andra försöket)"},
    {"a \x81 b\r\x9d\nc", "a b c"},
    /* an empty word between two halves of a character keeps them apart */
    {"abc\303=?utf-8?q?\?=\245def", "abcÃ¥def"},
    {"  a\tb  \r\n c  ", "a b c"},
    {"", ""},
};

static void test_mime_decode_header(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(header_cases); i++) {
		char *got = mime_decode_header(header_cases[i].in);
		if (strcmp(got, header_cases[i].out) != 0) {
			print_error("\"%s\" -> \"%s\", want \"%s\"\n", header_cases[i].in, got,
				    header_cases[i].out);
			fail();
		}
		free(got);
	}
}

/* Decodes a message made of one header and a short body. */
static struct mail_text *decode_header_line(const char *name, const char *value)
{
	struct mail_text *m = NULL;
	struct error error = {0};
	char *raw = xasprintf("%s: %s\r\nSubject: x\r\n\r\nText\r\n", name, value);

	assert_int_equal(mime_decode(raw, strlen(raw), &defaults, &m, &error), 0);
	free(raw);
	return m;
}

static const struct {
	const char *date;
	time_t want;
} date_cases[] = {
    {"Mon, 3 Feb 2025 10:15:00 +0100", 1738574100},
    {"Mon, 3 Feb 2025 10:15:00 +0100 (CET)", 1738574100},
    {"Mon, 03 Feb 2025 10:15:00 +01:00", 1738574100},
    {"3 Feb 2025 10:15 +0100", 1738574100},
    {"Mon, 3 Feb 25 09:15:00 GMT", 1738574100},
    {"Mon, 3 Feb 2025 09:15:00 UT", 1738574100},
    {"Mon, 3 Feb 2025 04:15:00 EST", 1738574100},
    {"Mon, 3 Feb 2025 10:15:00 (CET)", 1738574100},
    {"Mon, 3 Feb 2025 10:15:00 CET", 1738574100},
    {"Mon, 3 Feb 2025 11:15:00 CEST", 1738574100},
    {"Mon Feb  3 09:15:00 2025", 1738574100},
    {"Mon, 3 Feb 2025 09:15:00", 1738574100},
    {"Mon,\r\n 3 Feb 2025\r\n 10:15:00 +0100", 1738574100},
    {"Monday, 3 February 2025 10:15:00 +0100", 1738574100},
    {"Sat, 3 Maj 2025 08:00:00 +0200", 1746252000},
    {"Thu, 29 Feb 2024 12:00:00 +0000", 1709208000},
    {"Fri, 30 Feb 2024 12:00:00 +0000", 0},
    {"Mon, 3 Feb 2025 25:00:00 +0100", 0},
    {"Sat, 31 Dec 1960 12:00:00 +0000", 0},
    {"i morgon", 0},
    {"", 0},
};

static void test_mime_date(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(date_cases); i++) {
		struct mail_text *m = decode_header_line("Date", date_cases[i].date);
		if (m->date != date_cases[i].want) {
			print_error("\"%s\" -> %ld, want %ld\n", date_cases[i].date, (long)m->date,
				    (long)date_cases[i].want);
			fail();
		}
		mime_free(&m);
	}
}

static const struct {
	const char *from;
	const char *addr; /* NULL: none */
	const char *name;
} address_cases[] = {
    {"\"Andersson, Anna\" <Anna.Andersson@FUB.se>", "anna.andersson@fub.se", "Andersson, Anna"},
    {"Andersson, Anna <anna@fub.se>", "anna@fub.se", "Andersson, Anna"},
    {"anna@fub.se", "anna@fub.se", NULL},
    {"<anna@fub.se>", "anna@fub.se", NULL},
    {"anna@fub.se (Anna Andersson)", "anna@fub.se", "Anna Andersson"},
    {"Anna <anna@fub.se> (FUB)", "anna@fub.se", "Anna"},
    {"=?utf-8?Q?=C3=85sa_=C3=96st?= <asa@x.se>", "asa@x.se", "Åsa Öst"},
    {"\"=?utf-8?Q?=C3=85sa?=\" <asa@x.se>", "asa@x.se", "Åsa"},
    {"'Karin Ek' <karin@x.se>", "karin@x.se", "Karin Ek"},
    {"Ren\xe9"
     "e <renee@x.se>",
     "renee@x.se", "Renée"},
    {"\"Lars \\\"Lasse\\\" Berg\" <lars@x.se>", "lars@x.se", "Lars \"Lasse\" Berg"},
    {"a@x.se, Bo <b@y.se>", "a@x.se", NULL},
    {"Mail Delivery System <MAILER-DAEMON@mx.kommun.se>", "mailer-daemon@mx.kommun.se",
     "Mail Delivery System"},
    {"MAILER-DAEMON (Mail Delivery System)", "mailer-daemon", "Mail Delivery System"},
    {"Anna\r\n <anna@fub.se>", "anna@fub.se", "Anna"},
    {"undisclosed-recipients:;", NULL, NULL},
    {"\"Anna\"", NULL, NULL},
    {"", NULL, NULL},
};

static void test_mime_address(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(address_cases); i++) {
		struct mail_text *m = decode_header_line("From", address_cases[i].from);
		const char *file = address_cases[i].from;
		check_string("addr", m->from_addr,
			     address_cases[i].addr ? address_cases[i].addr : ABSENT, file);
		check_string("name", m->from_name,
			     address_cases[i].name ? address_cases[i].name : ABSENT, file);
		mime_free(&m);
	}
}

static const struct {
	const char *name;
	const char *value; /* NULL: not there */
} lookup_cases[] = {
    {"Subject", "Två rader"}, {"subject", "Två rader"}, {"X-COUNT", "1"}, /* the first of two */
    {"x-empty", ""},          {"X-Missing", NULL},      {"Subjec", NULL},
};

static void test_mime_header(void **state)
{
	static const char raw[] = "X-Count: 1\r\nSubject: =?utf-8?Q?Tv=C3=A5?=\r\n rader\r\n"
				  "x-count: 2\r\nX-Empty:\r\n\r\nText\r\n";
	struct mail_text *m = NULL;
	struct error error = {0};

	(void)state;
	/* no limits: those of config.c */
	assert_int_equal(mime_decode(raw, sizeof(raw) - 1, NULL, &m, &error), 0);
	assert_int_equal(m->n_headers, 4);
	assert_string_equal(m->headers[2].name, "x-count");
	for (size_t i = 0; i < N_ELEMENTS(lookup_cases); i++) {
		const char *got = mime_header(m, lookup_cases[i].name);
		if (lookup_cases[i].value == NULL)
			assert_null(got);
		else {
			assert_non_null(got);
			assert_string_equal(got, lookup_cases[i].value);
		}
	}
	mime_free(&m);
	mime_free(&m); /* NULL is fine */
}

/* The text helpers of mime_p.h. Their fast paths (eight bytes at a time,
 * charset conversion and clean-up in one pass, decoders writing in place)
 * must give what the plain byte-by-byte walk gave: the rows put the odd
 * byte on either side of an eight-byte word, at the end, and between a CR
 * and its LF. */
static const struct {
	const char *charset;
	const char *in;
	size_t in_len; /* 0: strlen(in) */
	const char *out;
} text_cases[] = {
    {"utf-8", "Hej p\xc3\xa5 dig,\r\nvi ses i m\xc3\xb6rgon.\r\n", 0,
     "Hej p\xc3\xa5 dig,\nvi ses i m\xc3\xb6rgon.\n"},
    {NULL, "tab\there\r\nCRLF\rCR\r", 0, "tab\there\nCRLF\nCR\n"},
    /* Windows-1252's undefined bytes are dropped, also between CR and LF */
    {"utf-8", "a\r\x9d\nb\r\x81\x8d\nc\r\x9d", 0, "a\nb\nc\n"},
    /* any other byte between them keeps the CR a line break of its own */
    {"utf-8", "a\r\x01\nb\r\x85\nc", 0, "a\n\nb\n\xe2\x80\xa6\nc"},
    {"us-ascii", "abcdefg\x85hijklmn\x7fopqrstu\x01vwxyz", 0,
     "abcdefg\xe2\x80\xa6hijklmnopqrstuvwxyz"},
    {"us-ascii", "abcdefgh\0ijklmnop\0", 17, "abcdefghijklmnop"},
    {"utf-8", "x\xc2\x85y\xef\xbb\xbfz\xc2\xa0", 0, "xyz\xc2\xa0"},
    {"utf-8", "abcdefg\xc3", 0, "abcdefg\xc3\x83"},
    {"utf-8", "\xed\xa0\x80\xf4\x90\x80\x80\xf0\x9f\x98\x80", 0,
     "\xc3\xad\xc2\xa0\xe2\x82\xac\xc3\xb4\xe2\x82\xac\xe2\x82\xac\xf0\x9f\x98\x80"},
    {"iso-8859-1", "f\xc3\xb6r", 0, "f\xc3\xb6r"}, /* UTF-8 under a Latin-1 label */
    {"iso-8859-1", "f\xf6r\x80", 0, "f\xc3\xb6r\xe2\x82\xac"},
    {"windows-1250", "\x8a\xe8", 0, "\xc5\xa0\xc4\x8d"},
    {"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4\r\n", 0,
     "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n"},
    {"utf-8", "", 0, ""},
};

static void test_mime_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(text_cases); i++) {
		const char *in = text_cases[i].in;
		size_t len = text_cases[i].in_len ? text_cases[i].in_len : strlen(in);
		struct buf got = {0}, utf = {0}, two_step = {0};

		mime_text_to_utf8(text_cases[i].charset, in, len, &got);
		mime_charset_to_utf8(text_cases[i].charset, in, len, &utf);
		mime_clean_text(utf.data, utf.len, &two_step);
		if (got.data == NULL || strcmp(got.data, text_cases[i].out) != 0 ||
		    strcmp(two_step.data, text_cases[i].out) != 0) {
			print_error("row %zu: \"%s\" and \"%s\", want \"%s\"\n", i,
				    got.data ? got.data : "(null)", two_step.data,
				    text_cases[i].out);
			fail();
		}
		buf_free(&got);
		buf_free(&utf);
		buf_free(&two_step);
	}
}

static const struct {
	const char *in;
	const char *out;
} line_cases[] = {
    {"  a \x01 b\r\n\tc  ", " a b c "},
    {"a \x81 b", "a b"}, /* a dropped byte does not end the space */
    {"a\201b", "ab"},
    {"Thread-Index: AdmZyQ4a7wAbCdEfGh12 ==", "Thread-Index: AdmZyQ4a7wAbCdEfGh12 =="},
    {"abcdefg\xe5hij\xc2\x85k\x7f", "abcdefg\xc3\xa5hijk"},
    {"", ""},
};

static void test_mime_clean_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(line_cases); i++) {
		struct buf got = {0};

		mime_clean_line(line_cases[i].in, strlen(line_cases[i].in), &got);
		if (got.data == NULL || strcmp(got.data, line_cases[i].out) != 0) {
			print_error("\"%s\" -> \"%s\", want \"%s\"\n", line_cases[i].in,
				    got.data ? got.data : "(null)", line_cases[i].out);
			fail();
		}
		buf_free(&got);
	}
}

static const struct {
	const char *in;
	const char *out;
} base64_cases[] = {
    {"w6XDpMO2", "\xc3\xa5\xc3\xa4\xc3\xb6"},
    {"w6X\r\nDpM\r\nO2\r\n", "\xc3\xa5\xc3\xa4\xc3\xb6"}, /* quanta across lines */
    {"w6U=w6Q=", "\xc3\xa5\xc3\xa4"},                     /* two streams glued */
    {"w6-_", "\xc3\xaf\xbf"},                             /* URL-safe alphabet */
    {"Y*W*J*j", "abc"},
    {"YQ", "a"},
    {"YWI", "ab"},
    {"YW=JjZA==", "a&6@"}, /* "=" drops the bits before it, decoding goes on */
    {"====", ""},
    {"", ""},
};

static void test_mime_base64(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(base64_cases); i++) {
		const char *in = base64_cases[i].in;
		struct buf got = {0};

		mime_base64_decode(in, strlen(in), &got);
		if (got.data == NULL || strcmp(got.data, base64_cases[i].out) != 0 ||
		    got.len != strlen(base64_cases[i].out) ||
		    mime_base64_size(in, strlen(in)) != got.len) {
			print_error("\"%s\" -> \"%s\" (%zu, size %zu), want \"%s\"\n", in,
				    got.data ? got.data : "(null)", got.len,
				    mime_base64_size(in, strlen(in)), base64_cases[i].out);
			fail();
		}
		buf_free(&got);
	}
}

static const struct {
	const char *in;
	bool header;
	const char *out;
} qp_cases[] = {
    {"f=C3=B6r=0D=0A", false, "f\xc3\xb6r\r\n"},
    {"a=\r\nb=\nc= \t\nd=\re", false, "abcde"},
    {"x=3d=3D", false, "x=="},
    {"a=G1 b=4", false, "a=G1 b=4"},
    {"end=", false, "end"},
    {"=4", false, "=4"},
    {"a_b=5Fc", false, "a_b_c"},
    {"a_b=5Fc", true, "a b_c"},
    {"", false, ""},
};

static void test_mime_qp(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(qp_cases); i++) {
		const char *in = qp_cases[i].in;
		struct buf got = {0};

		mime_qp_decode(in, strlen(in), qp_cases[i].header, &got);
		if (got.data == NULL || strcmp(got.data, qp_cases[i].out) != 0) {
			print_error("\"%s\" -> \"%s\", want \"%s\"\n", in,
				    got.data ? got.data : "(null)", qp_cases[i].out);
			fail();
		}
		buf_free(&got);
	}
}

/* HTML with the entities mime_html.c decodes before parsing: the text must
 * be what libxml2 made of them, also where it leaves them alone. */
static const struct {
	const char *in;
	const char *out;
} html_cases[] = {
    {"<p>F&ouml;r&nbsp;&auml;ndring &Aring;r&nbsp;&nbsp;2025</p><p>&eacute;n</p>",
     "F\xc3\xb6r \xc3\xa4ndring \xc3\x85r 2025\n\n\xc3\xa9n"},
    {"<p>&aumlx; &auml &amp;auml; &&auml;; &AUML;</p>", "&aumlx; &auml &auml; &\xc3\xa4; &AUML;"},
    {"<!-- &ouml; --><div title=\"&auml;\" style=\"mso-hide:all\">dold</div>synlig", "synlig"},
    /* style text inside Outlook's list marker is kept as it is */
    {"<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span "
     "style='mso-list:Ignore'><style>&auml;</style>1.&nbsp;</span>Punkt</p>",
     "&auml;1. Punkt"},
};

static void test_mime_html(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(html_cases); i++) {
		struct buf got = {0};

		mime_html_to_text(html_cases[i].in, strlen(html_cases[i].in), &got);
		if (got.data == NULL || strcmp(got.data, html_cases[i].out) != 0) {
			print_error("\"%s\" -> \"%s\", want \"%s\"\n", html_cases[i].in,
				    got.data ? got.data : "(null)", html_cases[i].out);
			fail();
		}
		buf_free(&got);
	}
}

/* Big and hostile inputs: each must decode in linear time. The bound is
 * generous (sanitizers, a shared machine); quadratic behaviour on these
 * sizes would take minutes. */
static char *big_realistic(size_t *size_r)
{
	struct buf b = {0};

	buf_append_str(&b, "From: stor@fub.se\r\nSubject: Stor\r\nMIME-Version: 1.0\r\n"
			   "Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n"
			   "--big\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
			   "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	for (int i = 0; i < 20000; i++)
		buf_append_str(&b, "Fr=C3=A5ga nummer ett om boende och st=C3=B6d i kommunen, "
				   "rad f=C3=B6r rad.\r\n");
	buf_append_str(&b, "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>");
	for (int i = 0; i < 40000; i++)
		buf_append_str(&b, "<p class=MsoNormal>Fråga om <b>boende</b> &amp; stöd<o:p></o:p>"
				   "</p>\r\n");
	buf_append_str(&b, "</body></html>\r\n--alt--\r\n--big\r\nContent-Type: application/pdf; "
			   "name=\"stor.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	while (b.len < 25 * MB - 100)
		buf_append_str(&b,
			       "JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PC9UeXBlL0NhdGFsb2cvUGFnZXMgMiAw"
			       "IFI+PgplbmRv\r\n");
	buf_append_str(&b, "--big--\r\n");
	*size_r = b.len;
	return buf_steal(&b);
}

static char *big_html_only(size_t *size_r)
{
	struct buf b = {0};

	buf_append_str(&b, "From: a@b.se\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n");
	while (b.len < 8 * MB)
		buf_append_str(&b,
			       "<div><table><tr><td><p>F\xf6rs\xf6k</p></td><td>&nbsp;</td></tr>"
			       "</table><br><blockquote>Citat</blockquote></div>\r\n");
	*size_r = b.len;
	return buf_steal(&b);
}

static char *hostile_words(size_t *size_r)
{
	struct buf b = {0};

	buf_append_str(&b, "Subject: ");
	while (b.len < 8 * MB)
		buf_append_str(&b, "=?a?Q?x =?utf-8?Q?");
	buf_append_str(&b, "?=\r\nFrom: ");
	while (b.len < 12 * MB)
		buf_append_str(&b, "\"(<,");
	buf_append_str(&b, "\r\n\r\nText\r\n");
	*size_r = b.len;
	return buf_steal(&b);
}

static char *hostile_boundaries(size_t *size_r)
{
	struct buf b = {0};

	buf_append_str(&b, "Content-Type: multipart/mixed; boundary=a\r\n\r\n");
	for (int i = 0; i < 9; i++)
		buf_printf(&b, "--%.*s\r\nContent-Type: multipart/mixed; boundary=%.*s\r\n\r\n",
			   i + 1, "aaaaaaaaaaa", i + 2, "aaaaaaaaaaa");
	buf_append_str(&b, "--aaaaaaaaaa\r\nContent-Type: text/plain\r\n\r\n");
	while (b.len < 20 * MB)
		buf_append_str(&b, "--baaaaaaaaaa\r\n--\r\n-\r\n");
	*size_r = b.len;
	return buf_steal(&b);
}

static const struct {
	const char *name;
	char *(*make)(size_t *size_r);
	double max_seconds;
} speed_cases[] = {
    {"25 MB realistic", big_realistic, 10.0},
    {"8 MB of HTML", big_html_only, 10.0},
    {"hostile encoded words and address", hostile_words, 10.0},
    {"hostile boundary lines", hostile_boundaries, 10.0},
};

static void test_mime_speed(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(speed_cases); i++) {
		struct mail_text *m = NULL;
		struct error error = {0};
		struct timespec a, b;
		size_t size;
		char *raw = speed_cases[i].make(&size);

		clock_gettime(CLOCK_MONOTONIC, &a);
		assert_int_equal(mime_decode(raw, size, &defaults, &m, &error), 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		printf("# %s: %zu bytes in %.3f s\n", speed_cases[i].name, size, s);
		if (s > speed_cases[i].max_seconds) {
			print_error("%s took %.1f s\n", speed_cases[i].name, s);
			fail();
		}
		check_output(m, &defaults, speed_cases[i].name);
		mime_free(&m);
		free(raw);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mime_decode),     cmocka_unit_test(test_mime_decode_header),
	    cmocka_unit_test(test_mime_date),       cmocka_unit_test(test_mime_address),
	    cmocka_unit_test(test_mime_header),     cmocka_unit_test(test_mime_text),
	    cmocka_unit_test(test_mime_clean_line), cmocka_unit_test(test_mime_base64),
	    cmocka_unit_test(test_mime_qp),         cmocka_unit_test(test_mime_html),
	    cmocka_unit_test(test_mime_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

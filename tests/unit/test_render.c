/* test_render.c - the template engine, the agenda and minutes (text, HTML,
 * JSON, .docx), the .ics, the acknowledgements and Swedish dates.
 *
 * The agendas are built by hand (the store is not linked: TESTMODS_render).
 * Whole documents are compared with golden files in tests/data/render/;
 * after a deliberate change to a template or to the model, regenerate them
 * with RENDER_REGENERATE=1 and read the diff before committing. */
#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "unit.h"

#include "agendad/render.h"
#include "agendad/util.h"
#include "../../src/render_p.h"

#define TEMPLATES CONFIG_DIR "/templates"
#define GOLDEN    TEST_DATA "/render"

/* ---- the hand-built agenda ------------------------------------------------------ */

static const struct config_council council = {
    .name = "LSS-samverkan",
    .organisation = "Exempelstads kommun, Socialförvaltningen",
    .secretary = "lss-samverkan@exempelstad.se",
    .secretary_name = "Karin Lindqvist",
    .chair = "Per Holm",
    .cutoff_days = 14,
    .draft_days = 7,
    .timezone = "Europe/Stockholm",
};

/* only the required keys */
static const struct config_council bare_council = {
    .name = "LSS-samverkan",
    .secretary = "lss-samverkan@exempelstad.se",
    .cutoff_days = 7,
    .timezone = "Europe/Stockholm",
};

static const struct store_meeting meetings[] = {
    {.date = "2026-12-10", .time = "17:00", .end = "19:00", .place = "Stadshuset, sal Båten"},
    {.date = "2027-02-04", .time = "17:00", .end = "19:00", .place = "Stadshuset"},
};

static char hostile_text[] =
    "Stämmer det att brandlarmet <script>alert(1)</script> inte fungerar på "
    "Solgården? Vi & andra \"oroliga\" föräldrar undrar. Tecken:\x01\x7f \xff\xef\xbf\xbf slut.";

static struct store_question carried_q[] = {
    {.id = 7,
     .message = 3,
     .association = "RBU Exempelstad",
     .from_addr = "rbu@example.org",
     .category = "fritid-kultur",
     .confident = true,
     .meeting = "2026-10-08",
     .item = 5,
     .item_number = 3,
     .title = "Ledsagarservice på kvällar och helger",
     .text = "Varför beviljas ledsagarservice bara till kl. 21 på vardagar? Våra "
	     "ungdomar vill kunna gå på konsert.",
     .status = "queued",
     .received = 1790848800},
};
static struct store_question boende_q[] = {
    {.id = 40,
     .message = 20,
     .association = "FUB Exempelstad",
     .from_addr = "ordforande@fub-exempelstad.se",
     .category = "boende",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 21,
     .item_number = 1,
     .title = "Kö till gruppbostad",
     .text = "Hur lång är kön till gruppbostad i dag, och hur många väntar längre än sex "
	     "månader?\r\n\r\n\r\nVi har fått flera frågor från föräldrar.",
     .status = "queued",
     .received = 1795034400,
     .attachments = "Kösituation FUB 2026.pdf (application/pdf, 182 kB)"},
    {.id = 41,
     .message = 21,
     .association = "Autism- och Aspergerföreningen Exempelstad",
     .from_addr = "info@autism-exempelstad.se",
     .category = "boende",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 21,
     .item_number = 1,
     .title = "Väntetid för gruppbostad",
     .text = "Hur många personer väntar på plats i gruppbostad eller servicebostad?",
     .status = "queued",
     .received = 1795068720},
};
static struct store_question brand_q[] = {
    {.id = 42,
     .message = 22,
     .association = "NEURO Exempelstad",
     .from_addr = "neuro@example.org",
     .category = "boende",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 22,
     .item_number = 2,
     .title = "Brandskydd i <servicebostäder>",
     .text = hostile_text,
     .status = "queued",
     .received = 1795166100},
};
static struct store_question hyra_q[] = {
    {.id = 34,
     .message = 23,
     .association = "Attention Exempelstad",
     .from_addr = "styrelsen@attention-exempelstad.se",
     .category = "boende",
     .score = 0.21,
     .confident = false,
     .evidence = "lägenhet, hyra",
     .meeting = "2026-12-10",
     .item = 23,
     .item_number = 3,
     .title = "Hjälp med hyran",
     .text = "Kan man få hjälp med hyran om man bor i egen lägenhet med stöd?",
     .status = "queued",
     .received = 1795262400},
};
static struct store_question daglig_q[] = {
    {.id = 43,
     .message = 20,
     .association = "FUB Exempelstad",
     .from_addr = "ordforande@fub-exempelstad.se",
     .category = "daglig-verksamhet",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 24,
     .item_number = 4,
     .title = "Habiliteringsersättning 2027",
     .text = "Kommer habiliteringsersättningen att höjas 2027?",
     .status = "queued",
     .received = 1795034400},
};
static struct store_question resor_q[] = {
    {.id = 44,
     .message = 24,
     .association = "DHR Exempelstad",
     .from_addr = "dhr@example.org",
     .category = "resor",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 25,
     .item_number = 5,
     .title = "Färdtjänst till daglig verksamhet",
     .text =
	 "Flera av våra medlemmar har fått vänta mer än 45 minuter på färdtjänsten "
	 "till och från daglig verksamhet under hösten. Vad gör kommunen för att "
	 "förbättra punktligheten, och kan avvikelserna redovisas på nästa möte? Se "
	 "https://www.example.org/rapporter/fardtjanst-avvikelser-hosten-2026-sammanstallning.pdf",
     .status = "queued",
     .received = 1795535100,
     .attachments = "Sammanställning avvikelser.xlsx (application/vnd.openxmlformats-"
		    "officedocument.spreadsheetml.sheet, 24 kB)\nBild (1).jpg (image/jpeg, "
		    "1.2 MB)\n"},
};
static struct store_item carried_items[] = {
    {.id = 5,
     .meeting = "2026-10-08",
     .number = 3,
     .category = "fritid-kultur",
     .heading = "Fritid och kultur",
     .title = "Ledsagarservice på kvällar och helger",
     .status = "deferred",
     .carried_from = "2026-10-08",
     .questions = carried_q,
     .n_questions = 1},
};
static struct store_item items[] = {
    {.id = 21,
     .meeting = "2026-12-10",
     .number = 1,
     .category = "boende",
     .heading = "Boende",
     .title = "Kö till gruppbostad",
     .status = "open",
     .questions = boende_q,
     .n_questions = 2},
    {.id = 22,
     .meeting = "2026-12-10",
     .number = 2,
     .category = "boende",
     .heading = "Boende",
     .title = "Brandskydd i <servicebostäder>",
     .status = "open",
     .questions = brand_q,
     .n_questions = 1},
    {.id = 23,
     .meeting = "2026-12-10",
     .number = 3,
     .category = "boende",
     .heading = "Boende",
     .title = "Hjälp med hyran",
     .status = "open",
     .questions = hyra_q,
     .n_questions = 1},
    {.id = 24,
     .meeting = "2026-12-10",
     .number = 4,
     .category = "daglig-verksamhet",
     .heading = "Daglig verksamhet",
     .title = "Habiliteringsersättning 2027",
     .status = "open",
     .questions = daglig_q,
     .n_questions = 1},
    {.id = 25,
     .meeting = "2026-12-10",
     .number = 5,
     .category = "resor",
     .heading = "Resor och färdtjänst",
     .title = "Färdtjänst till daglig verksamhet",
     .status = "open",
     .questions = resor_q,
     .n_questions = 1},
};
static char *associations[] = {
    "Attention Exempelstad", "Autism- och Aspergerföreningen Exempelstad",
    "DHR Exempelstad",       "FUB Exempelstad",
    "NEURO Exempelstad",
};
static struct store_message review_messages[] = {
    {.id = 12,
     .from_addr = "eva.berg@gmail.com",
     .from_name = "Eva Berg",
     .subject = "Fråga om korttidsboende",
     .status = "unknown-sender",
     .reason = "sender not in any association",
     .received = 1795424400},
    {.id = 13,
     .from_addr = "info@attention-exempelstad.se",
     .subject = "Frågor inför mötet",
     .status = "unparseable",
     .reason = "MIME nesting deeper than 20",
     .received = 1795601460},
};
static struct store_question review_questions[] = {
    {.id = 34,
     .message = 23,
     .association = "Attention Exempelstad",
     .from_addr = "styrelsen@attention-exempelstad.se",
     .category = "boende",
     .score = 0.21,
     .confident = false,
     .evidence = "lägenhet, hyra",
     .meeting = "2026-12-10",
     .item = 23,
     .item_number = 3,
     .title = "Hjälp med hyran",
     .text = "Kan man få hjälp med hyran om man bor i egen lägenhet med stöd?",
     .status = "queued",
     .received = 1795262400},
    {.id = 35,
     .message = 25,
     .association = "FUB Exempelstad",
     .from_addr = "ordforande@fub-exempelstad.se",
     .category = "ovrigt",
     .confident = false,
     .meeting = "2026-12-10",
     .title = "Frågor i bifogad fil",
     .text = "",
     .status = "held",
     .received = 1795334400,
     .attachments = "Frågor till LSS-samverkan.docx (application/vnd.openxmlformats-"
		    "officedocument.wordprocessingml.document, 31 kB)"},
    {.id = 36,
     .message = 26,
     .association = "RBU Exempelstad",
     .from_addr = "rbu@example.org",
     .category = "korttid",
     .confident = true,
     .title = "Korttidsvistelse under sommaren",
     .text = "Hur många dygn korttid kan beviljas under sommaren?",
     .status = "queued",
     .received = 1795601460},
};

/* The full agenda: carried items, several categories, a joined item,
 * attachments, hostile text and review entries. */
static struct store_agenda full_agenda(void)
{
	struct store_agenda a = {
	    .has_previous = true,
	    .has_next = true,
	    .carried = carried_items,
	    .n_carried = N_ELEMENTS(carried_items),
	    .items = items,
	    .n_items = N_ELEMENTS(items),
	    .associations = associations,
	    .n_associations = N_ELEMENTS(associations),
	    .review_messages = review_messages,
	    .n_review_messages = N_ELEMENTS(review_messages),
	    .review_questions = review_questions,
	    .n_review_questions = N_ELEMENTS(review_questions),
	};
	a.meeting = meetings[0];
	a.previous = (struct store_meeting){
	    .date = "2026-10-08", .time = "17:00", .end = "19:00", .place = "Stadshuset"};
	a.next = meetings[1];
	return a;
}

/* A first meeting: nothing carried, no questions, nothing to review, no
 * next meeting and no end time. */
static struct store_agenda empty_agenda(void)
{
	struct store_agenda a = {0};

	a.meeting = (struct store_meeting){.date = "2027-02-04", .time = "09:30"};
	return a;
}

static struct render_context context(bool updated)
{
	struct render_context ctx = {
	    .council = &council,
	    .cutoff_days = 14,
	    .now = 1796113800, /* 2026-12-01 09:30 in Stockholm */
	    .updated = updated,
	    .meetings = meetings,
	    .n_meetings = N_ELEMENTS(meetings),
	};
	return ctx;
}

static struct render_templates *load_templates(void)
{
	struct render_templates *t = NULL;
	struct error error = {0};

	if (render_templates_load(TEMPLATES, &t, &error) < 0)
		fail_msg("render_templates_load: %s", error.text);
	return t;
}

/* Every question the agenda holds, for "holds every question" checks. */
static void each_question(const struct store_agenda *a,
			  void (*cb)(const struct store_question *q, void *arg), void *arg)
{
	for (size_t i = 0; i < a->n_carried; i++)
		for (size_t k = 0; k < a->carried[i].n_questions; k++)
			cb(&a->carried[i].questions[k], arg);
	for (size_t i = 0; i < a->n_items; i++)
		for (size_t k = 0; k < a->items[i].n_questions; k++)
			cb(&a->items[i].questions[k], arg);
}

/* ---- golden files ------------------------------------------------------------ */

static void check_golden(const char *name, const char *actual, size_t len)
{
	char *path = xasprintf("%s/%s", GOLDEN, name), *expected = NULL;
	size_t size = 0;

	if (getenv("RENDER_REGENERATE") != NULL) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(actual, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		print_message("regenerated %s\n", path);
	}
	if (util_read_file(path, 1 << 24, &expected, &size) < 0)
		fail_msg("%s: %s (RENDER_REGENERATE=1 writes it)", path, strerror(errno));
	if (size != len || memcmp(expected, actual, len) != 0) {
		char *got = xasprintf("/tmp/test_render.%s", name);
		FILE *f = fopen(got, "wb");
		if (f != NULL) {
			fwrite(actual, 1, len, f);
			fclose(f);
		}
		fail_msg("%s differs from the golden file; got %s (diff them)", path, got);
	}
	free(expected);
	free(path);
}

/* RENDER_DUMP=DIR keeps a binary document for looking at it as a person
 * would (LibreOffice, a calendar). */
static void dump(const char *name, const void *data, size_t len)
{
	const char *dir = getenv("RENDER_DUMP");
	char *path;
	FILE *f;

	if (dir == NULL)
		return;
	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

/* ---- the template engine -------------------------------------------------------- */

struct tmpl_case {
	const char *template;
	const char *model; /* JSON */
	bool html;
	const char *expect; /* NULL: an error */
	const char *error;  /* a part of the error text */
};

static const struct tmpl_case tmpl_cases[] = {
    {"Hej {{name}}!", "{\"name\":\"Anna\"}", false, "Hej Anna!", NULL},
    {"{{ name }}", "{\"name\":\"Anna\"}", false, "Anna", NULL},
    {"{{meeting.date}} {{meeting.place.room}}",
     "{\"meeting\":{\"date\":\"2026-12-10\",\"place\":{\"room\":\"Båten\"}}}", false,
     "2026-12-10 Båten", NULL},
    {"{{n}} {{r}}", "{\"n\":42,\"r\":0.5}", false, "42 0.5", NULL},
    {"{{x}}", "{\"x\":\"<b>&\\\"'</b>\"}", true, "&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;", NULL},
    {"{{x}}", "{\"x\":\"<b>&\"}", false, "<b>&", NULL},
    {"{{{x}}}|{{&x}}", "{\"x\":\"<b>&\"}", true, "<b>&|<b>&", NULL},
    {"{{#l}}[{{.}}]{{/l}}", "{\"l\":[1,\"två\",3]}", false, "[1][två][3]", NULL},
    {"{{#l}}{{a}}{{top}};{{/l}}", "{\"top\":\"T\",\"l\":[{\"a\":1},{\"a\":2}]}", false, "1T;2T;",
     NULL},
    {"{{#o}}{{a}}{{/o}}", "{\"o\":{\"a\":\"x\"}}", false, "x", NULL},
    {"{{#t}}ja{{/t}}{{#f}}nej{{/f}}{{#n}}null{{/n}}{{#e}}tom{{/e}}{{#z}}noll{{/z}}",
     "{\"t\":true,\"f\":false,\"n\":null,\"e\":\"\",\"z\":0}", false, "ja", NULL},
    {"{{^l}}tom{{/l}}{{^t}}inte{{/t}}{{^s}}ingen{{/s}}", "{\"l\":[],\"t\":true,\"s\":null}", false,
     "tomingen", NULL},
    {"{{#s}}<{{.}}>{{/s}}", "{\"s\":\"a&b\"}", true, "<a&amp;b>", NULL},
    {"{{next.date}}|", "{\"next\":null}", false, "|", NULL},
    {"a{{! en kommentar }}b{{!\nflera\nrader}}c", "{}", false, "abc", NULL},
    /* a block tag alone on its line takes the line, CRLF too */
    {"a\n{{#t}}\nb\n{{/t}}\nc\n", "{\"t\":true}", false, "a\nb\nc\n", NULL},
    {"a\r\n  {{#t}}  \r\nb\r\n{{/t}}\r\nc", "{\"t\":true}", false, "a\r\nb\r\nc", NULL},
    {"{{! kommentar }}\nx\n{{^t}}\nnej\n{{/t}}", "{\"t\":true}", false, "x\n", NULL},
    {"a {{#t}}b{{/t}} c\n", "{\"t\":true}", false, "a b c\n", NULL},
    {"  {{x}}\n", "{\"x\":\"v\"}", false, "  v\n", NULL},
    {"", "{}", false, "", NULL},
    /* errors at parse time name the file and line */
    {"x\n{{#items}}\ny\n", "{}", false, NULL, "t.txt:2: unclosed section 'items'"},
    {"{{#a}}\n{{/b}}", "{}", false, NULL, "t.txt:2: '{{/b}}' does not close section 'a' (line 1)"},
    {"\n\n{{/a}}", "{}", false, NULL, "t.txt:3: '{{/a}}' closes no section"},
    {"ok\n{{name", "{}", false, NULL, "t.txt:2: unclosed tag '{{'"},
    {"{{{name}}", "{}", false, NULL, "t.txt:1: unclosed tag '{{{'"},
    {"{{}}", "{}", false, NULL, "t.txt:1: empty tag"},
    {"{{a b}}", "{}", false, NULL, "t.txt:1: invalid name 'a b'"},
    {"{{a..b}}", "{}", false, NULL, "t.txt:1: invalid name 'a..b'"},
    {"{{>partial}}", "{}", false, NULL, "t.txt:1: partials"},
    {"{{=<% %>=}}", "{}", false, NULL, "t.txt:1: delimiter changes"},
    /* errors at render time too */
    {"a\n\n{{nope}}", "{}", false, NULL, "t.txt:3: unknown name 'nope'"},
    {"{{meeting.dat}}", "{\"meeting\":{\"date\":\"x\"}}", false, NULL,
     "t.txt:1: unknown name 'meeting.dat'"},
    {"{{#nope}}x{{/nope}}", "{}", false, NULL, "t.txt:1: unknown name 'nope'"},
    {"{{a.b}}", "{\"a\":\"s\"}", false, NULL, "'a.b': 'b' has no parts"},
    {"{{l}}", "{\"l\":[]}", false, NULL, "t.txt:1: 'l' is a list"},
    {"{{t}}", "{\"t\":true}", false, NULL, "t.txt:1: 't' is yes or no"},
    {"{{o}}", "{\"o\":{}}", false, NULL, "t.txt:1: 'o' has parts"},
};

static void test_template_engine(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(tmpl_cases); i++) {
		const struct tmpl_case *c = &tmpl_cases[i];
		struct tmpl *t = NULL;
		struct error error = {0};
		struct buf out = {0};
		json_t *model = json_loads(c->model, 0, NULL);
		int ret;

		assert_non_null(model);
		ret = tmpl_parse("t.txt", c->template, strlen(c->template), &t, &error);
		if (ret == 0)
			ret = tmpl_render(t, model, c->html, &out, &error);
		if (c->expect != NULL) {
			if (ret != 0)
				fail_msg("case %zu '%s': %s", i, c->template, error.text);
			assert_string_equal(out.data, c->expect);
		} else {
			if (ret == 0)
				fail_msg("case %zu '%s': no error", i, c->template);
			if (strstr(error.text, c->error) == NULL)
				fail_msg("case %zu: '%s' lacks '%s'", i, error.text, c->error);
			assert_int_equal(error.kind, ERR_FATAL);
		}
		tmpl_free(&t);
		assert_null(t);
		buf_free(&out);
		json_decref(model);
	}
}

/* The bounds: depth, size of the source, of the output and of the work. */
static void test_template_caps(void **state)
{
	struct {
		const char *what;
		int nest;          /* sections nested over the list */
		size_t body;       /* bytes of text in the innermost body */
		size_t source_pad; /* extra bytes of source */
		const char *error;
	} cases[] = {
	    {"depth", TMPL_MAX_DEPTH + 1, 1, 0, "nested deeper than"},
	    {"output", 3, 20000, 0, "output larger than"},
	    {"work", 6, 0, 0, "too much work"},
	    {"source", 0, 0, TMPL_MAX_SOURCE + 1, "template larger than"},
	    {"within", 2, 10, 0, NULL},
	};
	json_t *model = json_object(), *list = json_array();

	(void)state;
	for (int i = 0; i < 100; i++)
		json_array_append_new(list, json_integer(i));
	json_object_set_new(model, "l", list);

	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		struct buf src = {0}, out = {0};
		struct tmpl *t = NULL;
		struct error error = {0};
		int ret;

		for (int k = 0; k < cases[i].nest; k++)
			buf_append_str(&src, "{{#l}}");
		for (size_t k = 0; k < cases[i].body; k++)
			buf_append_char(&src, 'x');
		for (size_t k = 0; k < cases[i].source_pad; k++)
			buf_append_char(&src, ' ');
		for (int k = 0; k < cases[i].nest; k++)
			buf_append_str(&src, "{{/l}}");
		ret = tmpl_parse("caps.txt", src.data != NULL ? src.data : "", src.len, &t, &error);
		if (ret == 0)
			ret = tmpl_render(t, model, false, &out, &error);
		if (cases[i].error == NULL) {
			assert_int_equal(ret, 0);
			assert_int_equal(out.len, 100 * 100 * cases[i].body);
		} else {
			if (ret == 0)
				fail_msg("%s: no error", cases[i].what);
			if (strstr(error.text, cases[i].error) == NULL)
				fail_msg("%s: '%s' lacks '%s'", cases[i].what, error.text,
					 cases[i].error);
			assert_true(out.len <= TMPL_MAX_OUTPUT + 20000);
		}
		tmpl_free(&t);
		buf_free(&src);
		buf_free(&out);
	}
	json_decref(model);
}

/* ---- loading templates ---------------------------------------------------------- */

static void copy_templates(const char *to)
{
	static const char *const names[] = {"agenda.txt", "agenda.html", "minutes.txt",
					    "minutes.html", "ack.txt"};

	for (size_t i = 0; i < N_ELEMENTS(names); i++) {
		char *from = xasprintf("%s/%s", TEMPLATES, names[i]);
		char *dest = xasprintf("%s/%s", to, names[i]), *data = NULL;
		size_t size = 0;
		FILE *f;

		assert_int_equal(util_read_file(from, 1 << 20, &data, &size), 0);
		f = fopen(dest, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(data, 1, size, f), size);
		fclose(f);
		free(data);
		free(from);
		free(dest);
	}
}

static void test_templates_load(void **state)
{
	static const struct {
		const char *file;
		const char *content; /* NULL: remove the file */
		const char *error;   /* NULL: loads */
	} cases[] = {
	    {NULL, NULL, NULL},
	    {"ack.txt", NULL, "template ack.txt is missing"},
	    {"agenda.txt", "Dagordning\n\n{{#items}}\n{{title}}\n",
	     "agenda.txt:3: unclosed section 'items'"},
	    {"minutes.html", "<p>{{meeting.date}}</p>\n<p>{{meeting.dat}}</p>\n",
	     "minutes.html:2: unknown name 'meeting.dat'"},
	    {"ack.txt", "Hej!\n{{council.name\n", "ack.txt:2: unclosed tag"},
	    {"agenda.html", "{{#review.questions}}{{commands}}{{/review.questions}}",
	     "agenda.html:1: unknown name 'commands'"},
	    {"minutes.txt", "{{council.name}} {{meeting.date_long}}\n", NULL},
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		char dir[] = "/tmp/test_render.XXXXXX";
		struct render_templates *t = NULL;
		struct error error = {0};
		int ret;

		assert_non_null(mkdtemp(dir));
		copy_templates(dir);
		if (cases[i].file != NULL) {
			char *path = xasprintf("%s/%s", dir, cases[i].file);
			if (cases[i].content == NULL) {
				assert_int_equal(unlink(path), 0);
			} else {
				FILE *f = fopen(path, "w");
				assert_non_null(f);
				fputs(cases[i].content, f);
				fclose(f);
			}
			free(path);
		}
		ret = render_templates_load(dir, &t, &error);
		if (cases[i].error == NULL) {
			if (ret != 0)
				fail_msg("case %zu: %s", i, error.text);
			assert_non_null(t);
		} else {
			assert_int_equal(ret, -1);
			assert_null(t);
			if (strstr(error.text, cases[i].error) == NULL)
				fail_msg("case %zu: '%s' lacks '%s'", i, error.text,
					 cases[i].error);
		}
		render_templates_free(&t);
		render_templates_free(&t); /* NULL is fine */
		char *cmd = xasprintf("rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
}

/* ---- Swedish dates --------------------------------------------------------------- */

static void test_swedish_date(void **state)
{
	static const struct {
		const char *date, *expect;
	} cases[] = {
	    {"2026-12-10", "torsdag 10 december 2026"},
	    {"2026-12-03", "torsdag 3 december 2026"},
	    {"2027-02-04", "torsdag 4 februari 2027"},
	    {"2024-02-29", "torsdag 29 februari 2024"},
	    {"2026-03-01", "söndag 1 mars 2026"},
	    {"2026-06-06", "lördag 6 juni 2026"},
	    {"2000-01-01", "lördag 1 januari 2000"},
	    {"2026-05-04", "måndag 4 maj 2026"},
	    {"2026-02-30", "2026-02-30"}, /* not a date: shown as it is */
	    {"i morgon", "i morgon"},
	    {"", ""},
	    {NULL, ""},
	};
	static const struct {
		const char *time, *expect;
	} times[] = {
	    {"17:00", "17.00"},
	    {"09:05", "09.05"},
	    {"25:00", "25:00"},
	    {NULL, ""},
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		char out[64];
		render_swedish_date(cases[i].date, out);
		assert_string_equal(out, cases[i].expect);
	}
	for (size_t i = 0; i < N_ELEMENTS(times); i++) {
		char out[16];
		render_swedish_time(times[i].time, out);
		assert_string_equal(out, times[i].expect);
	}
}

/* ---- the agenda and the minutes ------------------------------------------------- */

/* needles that must appear in this order */
#define MAX_NEEDLES 24

struct document_case {
	const char *golden;
	bool minutes;
	enum render_format format;
	bool full; /* full_agenda(), else empty_agenda() */
	bool updated;
	const char *in_order[MAX_NEEDLES];
	const char *absent[8];
};

static const struct document_case document_cases[] = {
    {"agenda-full.txt",
     false,
     RENDER_TEXT,
     true,
     false,
     {"LSS-samverkan",
      "Exempelstads kommun, Socialförvaltningen",
      "DAGORDNING",
      "torsdag 10 december 2026",
      "kl. 17.00\xe2\x80\x93"
      "19.00",
      "Stadshuset, sal Båten",
      "1. Inledning",
      "2. Föregående mötesanteckningar",
      "torsdag 8 oktober 2026",
      "3. Punkter från föregående möte",
      "3.1 Ledsagarservice",
      "4. Inkomna frågor från föreningar",
      "Boende",
      "4.1 Kö till gruppbostad",
      "FUB Exempelstad och Autism- och Aspergerföreningen Exempelstad",
      "Kösituation FUB 2026.pdf",
      "<script>alert(1)</script>",
      "Daglig verksamhet",
      "4.4 Habiliteringsersättning",
      "Resor och färdtjänst",
      "5. Övriga frågor",
      "6. Inför nästa möte och avslutning",
      "torsdag 4 februari 2027",
      "FÖR SEKRETERAREN"},
     {"UPPDATERAD", "{{", "\x01", "\xff"}},
    {"agenda-updated.txt",
     false,
     RENDER_TEXT,
     true,
     true,
     {"DAGORDNING – UPPDATERAD tisdag 1 december 2026 kl. 09.30", "FÖR SEKRETERAREN",
      "Mejl 12: okänd avsändare", "agendactl approve 12 --association \"FÖRENINGENS NAMN\"",
      "Mejl 13: mejlet kunde inte läsas", "agendactl reprocess 13",
      "Fråga 34 (punkt 4.3): Hjälp med hyran", "gissad boende (Boende)",
      "agendactl recategorize 34 boende", "Fråga 35",
      "bara i en bilaga (Frågor till LSS-samverkan.docx)", "agendactl move 35 --meeting 2026-12-10",
      "Fråga 36", "Väntar på ett möte", "agendactl move 36 --meeting 2026-12-10",
      "Kategorier: boende"},
     {NULL}},
    {"agenda-empty.txt",
     false,
     RENDER_TEXT,
     false,
     false,
     {"torsdag 4 februari 2027", "kl. 09.30", "Inga punkter från föregående möte.",
      "Inga frågor har kommit in.", "Datum för nästa möte bestäms."},
     {"FÖR SEKRETERAREN", "Plats:", "3.1", "4.1"}},
    {"agenda-full.html",
     false,
     RENDER_HTML,
     true,
     true,
     {"<!DOCTYPE html>", "<html lang=\"sv\">", "Uppdaterad dagordning", "torsdag 10 december 2026",
      "3.1", "4.1", "Kö till gruppbostad", "Brandskydd i &lt;servicebostäder&gt;",
      "brandlarmet &lt;script&gt;alert(1)&lt;/script&gt;",
      "Vi &amp; andra &quot;oroliga&quot; föräldrar", "Bild (1).jpg",
      "För sekreteraren &ndash; att granska",
      "agendactl approve 12 --association &quot;FÖRENINGENS NAMN&quot;",
      "agendactl recategorize 34 boende"},
     {"<script>", "src=", "<link", "url(", "<style", "{{"}},
    {"minutes-full.txt",
     true,
     RENDER_TEXT,
     true,
     false,
     {"Exempelstads kommun\nSocialförvaltningen\n",
      "MÖTESANTECKNING",
      "Datum:",
      "2026-12-10",
      "Vårt diarienummer:",
      "Handläggare:        Karin Lindqvist",
      "Närvarande representanter från föreningar:",
      "Attention Exempelstad: ....",
      "NEURO Exempelstad: ....",
      "Närvarande från förvaltningen:",
      "Per Holm, ordförande",
      "1. Inledning",
      "Anteckningar:",
      "3.1 Ledsagarservice",
      "Anteckningar:",
      "4.1 Kö till gruppbostad",
      "Anteckningar:",
      "4.5 Färdtjänst",
      "Anteckningar:",
      "Nästa möte: torsdag 4 februari 2027",
      "Vid protokollet",
      "Justeras"},
     {"FÖR SEKRETERAREN", "agendactl", "{{"}},
    {"minutes-full.html",
     true,
     RENDER_HTML,
     true,
     false,
     {"MÖTESANTECKNING", "Handläggare", "Karin Lindqvist", "Vårt diarienummer",
      "Närvarande representanter från föreningar:", "Närvarande från förvaltningen:",
      "1. Inledning", "4.2", "brandlarmet &lt;script&gt;", "Nästa möte", "Vid protokollet",
      "Justeras"},
     {"<script>", "agendactl", "{{"}},
    {"minutes-empty.txt",
     true,
     RENDER_TEXT,
     false,
     false,
     {"LSS-samverkan\n\nMÖTESANTECKNING", "Handläggare:        lss-samverkan@exempelstad.se",
      "...., ordförande", "...., sekreterare", "Inga frågor har kommit in.", "Nästa möte: ....",
      "Ordförande"},
     {"4.1", "Exempelstads kommun"}},
};

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_documents(void **state)
{
	struct render_templates *templates = load_templates();

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(document_cases); i++) {
		const struct document_case *c = &document_cases[i];
		struct store_agenda agenda = c->full ? full_agenda() : empty_agenda();
		struct render_context ctx = context(c->updated);
		struct error error = {0};
		char *out = NULL;
		const char *at;

		if (!c->full)
			ctx.council = &bare_council;
		int ret;

		ret = c->minutes ? render_minutes(templates, &ctx, &agenda, c->format, &out, &error)
				 : render_agenda(templates, &ctx, &agenda, c->format, &out, &error);
		if (ret != 0)
			fail_msg("%s: %s", c->golden, error.text);
		at = out;
		for (size_t k = 0; k < MAX_NEEDLES && c->in_order[k] != NULL; k++) {
			const char *found = strstr(at, c->in_order[k]);
			if (found == NULL)
				fail_msg("%s: '%s' missing or out of order", c->golden,
					 c->in_order[k]);
			at = found + strlen(c->in_order[k]);
		}
		for (size_t k = 0; k < N_ELEMENTS(c->absent) && c->absent[k] != NULL; k++)
			if (strstr(out, c->absent[k]) != NULL)
				fail_msg("%s: holds '%s'", c->golden, c->absent[k]);
		if (c->format == RENDER_HTML) {
			assert_int_equal(count(out, "<table"), count(out, "</table>"));
			assert_int_equal(count(out, "<tr>") + count(out, "<tr "),
					 count(out, "</tr>"));
		} else {
			/* no trailing blanks, no runs of more than three empty lines */
			const char *blank = strstr(out, " \n");
			if (blank != NULL)
				fail_msg("%s: trailing blank at ...%.40s", c->golden,
					 blank - 40 > out ? blank - 40 : out);
			if (strstr(out, "\n\n\n\n\n") != NULL)
				fail_msg("%s: four empty lines", c->golden);
		}
		check_golden(c->golden, out, strlen(out));
		free(out);
	}
	render_templates_free(&templates);
}

/* ---- JSON ------------------------------------------------------------------------ */

struct json_check {
	const json_t *root;
	size_t found;
};

/* The question with id somewhere under key lists of the model. */
static const json_t *find_question(const json_t *root, json_int_t id)
{
	static const char *const lists[] = {"carried", "items"};
	const json_t *item, *q;
	size_t i, k;

	for (size_t l = 0; l < N_ELEMENTS(lists); l++) {
		for (i = 0; (item = json_array_get(json_object_get(root, lists[l]), i)) != NULL;
		     i++) {
			for (k = 0;
			     (q = json_array_get(json_object_get(item, "questions"), k)) != NULL;
			     k++) {
				if (json_integer_value(json_object_get(q, "id")) == id)
					return q;
			}
		}
	}
	return NULL;
}

static void check_json_question(const struct store_question *q, void *arg)
{
	struct json_check *check = arg;
	const json_t *jq = find_question(check->root, q->id);
	char *clean = render_clean_text(q->text);

	if (jq == NULL)
		fail_msg("question %lld is not in the JSON", (long long)q->id);
	assert_string_equal(json_string_value(json_object_get(jq, "text")), clean);
	assert_string_equal(json_string_value(json_object_get(jq, "association")), q->association);
	free(clean);
	check->found++;
}

static void test_agenda_json(void **state)
{
	struct render_templates *templates = load_templates();
	struct store_agenda agenda = full_agenda();
	struct render_context ctx = context(false);
	struct error error = {0};
	json_error_t jerr;
	char *out = NULL;
	json_t *root;
	struct json_check check = {0};
	const json_t *categories, *review;

	(void)state;
	assert_int_equal(render_agenda(templates, &ctx, &agenda, RENDER_JSON, &out, &error), 0);
	root = json_loads(out, 0, &jerr);
	if (root == NULL)
		fail_msg("JSON: %s at line %d", jerr.text, jerr.line);
	check.root = root;
	each_question(&agenda, check_json_question, &check);
	assert_int_equal(check.found, 7);

	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(root, "meeting"), "date_long")),
	    "torsdag 10 december 2026");
	categories = json_object_get(root, "categories");
	assert_int_equal(json_array_size(categories), 3);
	assert_string_equal(render_model_str(json_array_get(categories, 0), "heading"), "Boende");
	assert_int_equal(json_array_size(json_object_get(json_array_get(categories, 0), "items")),
			 3);
	assert_string_equal(
	    render_model_str(json_array_get(json_object_get(root, "carried"), 0), "number"), "3.1");
	assert_true(json_is_true(
	    json_object_get(json_array_get(json_object_get(root, "items"), 0), "joined")));
	review = json_object_get(root, "review");
	assert_int_equal(json_integer_value(json_object_get(review, "count")), 5);
	assert_int_equal(json_array_size(json_object_get(review, "questions")), 3);
	/* control characters and invalid UTF-8 never reach the model */
	assert_null(strchr(out, '\x01'));
	assert_null(strstr(out, "\\u0001"));
	assert_null(strchr(out, '\xff'));
	assert_non_null(
	    strstr(out, "Tecken: \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd slut."));
	json_decref(root);
	free(out);
	render_templates_free(&templates);
}

/* ---- notes for the secretary ------------------------------------------------------ */

static struct store_message note_messages[] = {
    {.id = 41,
     .from_addr = "ingrid.sjo@hrf-exempelstad.se",
     .subject = "Till mötet",
     .status = "processed",
     .association = "HRF Exempelstad",
     .notes = "Några praktiska saker först: vi kommer att vara två från HRF, jag och Per "
	      "Ahlqvist. Per behöver skrivtolk, kan ni boka det till mötet?\nJag äter "
	      "vegetariskt.",
     .received = 1795601460}, /* 2026-11-25 */
    {.id = 44,
     .from_addr = "anna@rbu.example.org",
     .subject = "SV: Skolskjuts",
     .status = "processed",
     .association = "RBU <Exempelstad>",
     .notes = "Vi stryker vår fråga om skolskjutsen, den har löst sig.",
     .received = 1795687860}, /* 2026-11-26 */
};

/* The part "Meddelanden till sekreteraren" of the secretary's section: on
 * the full agenda after the held mails, and alone it opens the section. */
static void test_agenda_notes(void **state)
{
	static const struct {
		bool full;
		enum render_format format;
		const char *in_order[12];
		const char *absent[4];
	} cases[] = {
	    {true,
	     RENDER_TEXT,
	     {"FÖR SEKRETERAREN", "Mejl som hållits kvar:", "Meddelanden till sekreteraren:",
	      "\n  Mejl 41 från HRF Exempelstad, mottaget onsdag 25 november 2026:\n",
	      "      Några praktiska saker först: vi kommer att vara två från HRF, jag",
	      "\n      och Per Ahlqvist. Per behöver skrivtolk, kan ni boka det till",
	      "\n      Jag äter vegetariskt.\n",
	      "\n  Mejl 44 från RBU <Exempelstad>, mottaget torsdag 26 november 2026:\n",
	      "      Vi stryker vår fråga om skolskjutsen, den har löst sig.\n",
	      "Frågor att titta på:"},
	     {NULL}},
	    {false,
	     RENDER_TEXT,
	     {"Mötet avslutas.", "FÖR SEKRETERAREN",
	      "Meddelanden till sekreteraren:", "Mejl 41 från HRF Exempelstad", "Mejl 44 från RBU"},
	     {"Mejl som hållits kvar", "Frågor att titta på", "Kategorier:"}},
	    {true,
	     RENDER_HTML,
	     {"För sekreteraren &ndash; att granska", "Meddelanden till sekreteraren",
	      "<b>Mejl 41 från HRF Exempelstad, mottaget onsdag 25 november 2026:</b>",
	      "kan ni boka det till mötet?<br>Jag äter vegetariskt.<br>",
	      "Mejl 44 från RBU &lt;Exempelstad&gt;", "Frågor att titta på"},
	     {"<Exempelstad>", "{{"}},
	};
	struct render_templates *templates = load_templates();

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		struct store_agenda agenda = cases[i].full ? full_agenda() : empty_agenda();
		struct render_context ctx = context(false);
		struct error error = {0};
		char *out = NULL;
		const char *at;

		agenda.notes = note_messages;
		agenda.n_notes = N_ELEMENTS(note_messages);
		if (render_agenda(templates, &ctx, &agenda, cases[i].format, &out, &error) != 0)
			fail_msg("case %zu: %s", i, error.text);
		at = out;
		for (size_t k = 0;
		     k < N_ELEMENTS(cases[i].in_order) && cases[i].in_order[k] != NULL; k++) {
			const char *found = strstr(at, cases[i].in_order[k]);
			if (found == NULL) {
				fprintf(stderr, "%s", out);
				fail_msg("case %zu: '%s' missing or out of order", i,
					 cases[i].in_order[k]);
			}
			at = found + strlen(cases[i].in_order[k]);
		}
		for (size_t k = 0; k < N_ELEMENTS(cases[i].absent) && cases[i].absent[k] != NULL;
		     k++)
			if (strstr(out, cases[i].absent[k]) != NULL)
				fail_msg("case %zu: holds '%s'", i, cases[i].absent[k]);
		if (cases[i].format == RENDER_TEXT && strstr(out, " \n") != NULL)
			fail_msg("case %zu: a trailing blank", i);
		free(out);
	}

	/* the model: review.notes, counted for has_review */
	{
		struct store_agenda agenda = empty_agenda();
		struct render_context ctx = context(false);
		struct error error = {0};
		char *out = NULL;
		json_error_t jerr;
		json_t *root;
		const json_t *review, *note;

		agenda.notes = note_messages;
		agenda.n_notes = N_ELEMENTS(note_messages);
		assert_int_equal(render_agenda(templates, &ctx, &agenda, RENDER_JSON, &out, &error),
				 0);
		root = json_loads(out, 0, &jerr);
		if (root == NULL)
			fail_msg("JSON: %s at line %d", jerr.text, jerr.line);
		assert_true(json_is_true(json_object_get(root, "has_review")));
		review = json_object_get(root, "review");
		assert_int_equal(json_integer_value(json_object_get(review, "count")), 2);
		assert_true(json_is_true(json_object_get(review, "has_notes")));
		assert_int_equal(json_array_size(json_object_get(review, "notes")), 2);
		note = json_array_get(json_object_get(review, "notes"), 0);
		assert_int_equal(json_integer_value(json_object_get(note, "id")), 41);
		assert_string_equal(render_model_str(note, "association"), "HRF Exempelstad");
		assert_string_equal(render_model_str(note, "received_day"), "2026-11-25");
		assert_string_equal(render_model_str(note, "text"), note_messages[0].notes);
		assert_int_equal(json_array_size(json_object_get(note, "text_lines")), 2);
		json_decref(root);
		free(out);
	}
	render_templates_free(&templates);
}

/* ---- docx ------------------------------------------------------------------------ */

static char *zip_entry(zip_t *zip, const char *name, size_t *size_r)
{
	zip_stat_t st;
	zip_file_t *f;
	char *data;

	if (zip_stat(zip, name, 0, &st) < 0)
		fail_msg("docx lacks %s", name);
	data = xmalloc((size_t)st.size + 1);
	f = zip_fopen(zip, name, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	data[st.size] = '\0';
	*size_r = (size_t)st.size;
	return data;
}

struct docx_check {
	const char *text; /* all text of document.xml, paragraphs joined by newlines */
	size_t found;
};

static void collect_text(xmlNode *node, struct buf *out)
{
	for (; node != NULL; node = node->next) {
		if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, "t") == 0) {
			xmlChar *s = xmlNodeGetContent(node);
			buf_append_str(out, (const char *)s);
			xmlFree(s);
		} else if (node->type == XML_ELEMENT_NODE &&
			   strcmp((const char *)node->name, "br") == 0) {
			buf_append_char(out, '\n');
		}
		collect_text(node->children, out);
		if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, "p") == 0)
			buf_append_char(out, '\n');
	}
}

static void check_docx_question(const struct store_question *q, void *arg)
{
	struct docx_check *check = arg;
	char *clean = render_clean_text(q->text), *save = NULL;

	for (char *line = strtok_r(clean, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(check->text, line) == NULL)
			fail_msg("docx lacks question %lld line '%s'", (long long)q->id, line);
	free(clean);
	check->found++;
}

static void test_minutes_docx(void **state)
{
	static const char *const parts[] = {
	    "[Content_Types].xml", "_rels/.rels",
	    "word/document.xml",   "word/_rels/document.xml.rels",
	    "word/styles.xml",     "word/numbering.xml",
	    "word/settings.xml",   "word/header1.xml",
	    "docProps/core.xml",   "docProps/app.xml",
	};
	static const struct {
		bool full;
		const char *in_text[8];
	} cases[] = {
	    {true,
	     {"MÖTESANTECKNING", "Vårt diarienummer", "Karin Lindqvist",
	      "Närvarande representanter från föreningar:", "4.1 Kö till gruppbostad",
	      "brandlarmet <script>alert(1)</script>", "Vid protokollet", "Justeras"}},
	    {false, {"Inga frågor har kommit in.", "Nästa möte: bestäms senare."}},
	};

	(void)state;
	for (size_t c = 0; c < N_ELEMENTS(cases); c++) {
		struct store_agenda agenda = cases[c].full ? full_agenda() : empty_agenda();
		struct render_context ctx = context(false);
		struct error error = {0};
		void *docx = NULL, *again = NULL;
		size_t size = 0, size2 = 0;
		zip_error_t zerr;
		zip_source_t *src;
		zip_t *zip;
		struct buf text = {0};
		struct docx_check check = {0};

		if (render_minutes_docx(&ctx, &agenda, &docx, &size, &error) != 0)
			fail_msg("docx: %s", error.text);
		assert_true(size > 1000);
		dump(cases[c].full ? "minutes-full.docx" : "minutes-empty.docx", docx, size);
		assert_memory_equal(docx, "PK\x03\x04", 4);
		/* the same input gives the same bytes */
		assert_int_equal(render_minutes_docx(&ctx, &agenda, &again, &size2, &error), 0);
		assert_int_equal(size, size2);
		assert_memory_equal(docx, again, size);
		free(again);

		zip_error_init(&zerr);
		src = zip_source_buffer_create(docx, size, 0, &zerr);
		assert_non_null(src);
		zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
		if (zip == NULL)
			fail_msg("docx is not a valid zip: %s", zip_error_strerror(&zerr));
		assert_int_equal(zip_get_num_entries(zip, 0), (zip_int64_t)N_ELEMENTS(parts));
		assert_string_equal(zip_get_name(zip, 0, 0), "[Content_Types].xml");
		for (size_t i = 0; i < N_ELEMENTS(parts); i++) {
			size_t len;
			char *xml = zip_entry(zip, parts[i], &len);
			xmlDoc *doc = xmlReadMemory(xml, (int)len, parts[i], "UTF-8",
						    XML_PARSE_NONET | XML_PARSE_NOERROR |
							XML_PARSE_NOWARNING);
			if (doc == NULL)
				fail_msg("docx part %s is not well-formed XML", parts[i]);
			if (strcmp(parts[i], "word/document.xml") == 0)
				collect_text(xmlDocGetRootElement(doc), &text);
			if (strcmp(parts[i], "word/header1.xml") == 0)
				collect_text(xmlDocGetRootElement(doc), &text);
			if (strcmp(parts[i], "word/styles.xml") == 0) {
				static const char *const styles[] = {
				    "w:styleId=\"Title\"",      "w:styleId=\"Heading1\"",
				    "w:styleId=\"Heading2\"",   "w:styleId=\"Heading3\"",
				    "w:styleId=\"ListBullet\"", "w:styleId=\"Quote\"",
				};
				for (size_t s = 0; s < N_ELEMENTS(styles); s++)
					assert_non_null(strstr(xml, styles[s]));
			}
			xmlFreeDoc(doc);
			free(xml);
		}
		check.text = text.data;
		each_question(&agenda, check_docx_question, &check);
		assert_int_equal(check.found, cases[c].full ? 7 : 0);
		for (size_t k = 0; k < N_ELEMENTS(cases[c].in_text) && cases[c].in_text[k]; k++)
			if (strstr(text.data, cases[c].in_text[k]) == NULL)
				fail_msg("docx lacks '%s'", cases[c].in_text[k]);
		zip_close(zip);
		buf_free(&text);
		free(docx);
	}
}

/* python-docx, another reader, opens the .docx and sees every question in
 * its styles; skipped where python3-docx is not installed. */
static void test_minutes_docx_python(void **state)
{
	static const char *const expect[] = {
	    "Title\tLSS-samverkan",
	    "Heading 1\t4. Inkomna frågor från föreningar",
	    "Heading 2\tBoende",
	    "Heading 3\t4.1 Kö till gruppbostad",
	    "List Bullet\tFUB Exempelstad:\t",
	    "Quote\tStämmer det att brandlarmet <script>alert(1)</script> inte fungerar",
	    "Header\tMÖTESANTECKNING",
	};
	struct store_agenda agenda = full_agenda();
	struct render_context ctx = context(false);
	struct error error = {0};
	char path[] = "/tmp/test_render.XXXXXX.docx";
	struct buf text = {0};
	char chunk[4096], *cmd;
	struct docx_check check = {0};
	void *docx = NULL;
	size_t size = 0, n;
	FILE *f;
	int fd;

	(void)state;
	if (system("/usr/bin/python3 -c 'import docx' 2>/dev/null") != 0)
		skip();
	assert_int_equal(render_minutes_docx(&ctx, &agenda, &docx, &size, &error), 0);
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, docx, size), (ssize_t)size);
	close(fd);
	cmd = xasprintf("/usr/bin/python3 %s/render/docx_text.py %s", TEST_DATA, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&text, chunk, n);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	assert_non_null(text.data);
	check.text = text.data;
	each_question(&agenda, check_docx_question, &check);
	assert_int_equal(check.found, 7);
	for (size_t i = 0; i < N_ELEMENTS(expect); i++)
		if (strstr(text.data, expect[i]) == NULL)
			fail_msg("python-docx does not see '%s'", expect[i]);
	buf_free(&text);
	free(cmd);
	free(docx);
}

/* ---- ics ------------------------------------------------------------------------- */

static bool valid_utf8(const char *s, size_t len)
{
	char *copy = xstrndup(s, len), *clean = render_clean_text(copy);
	bool same = strcmp(copy, clean) == 0;

	free(copy);
	free(clean);
	return same;
}

/* Checks the physical lines and returns the unfolded logical lines, joined by
 * '\n'. */
static char *ics_unfold(const char *ics)
{
	struct buf out = {0};
	const char *p = ics;

	assert_true(strlen(ics) > 2);
	assert_string_equal(ics + strlen(ics) - 2, "\r\n");
	while (*p != '\0') {
		const char *crlf = strstr(p, "\r\n");
		size_t len;

		assert_non_null(crlf);
		len = (size_t)(crlf - p);
		if (len > 75)
			fail_msg("line of %zu octets: %.*s", len, (int)len, p);
		assert_null(memchr(p, '\n', len));
		assert_null(memchr(p, '\r', len));
		/* folded at a character boundary: each line is valid UTF-8 alone */
		if (!valid_utf8(p, len))
			fail_msg("fold inside a UTF-8 character: %.*s", (int)len, p);
		if (*p == ' ') {
			assert_true(out.len > 0);
			buf_append(&out, p + 1, len - 1);
		} else {
			if (out.len > 0)
				buf_append_char(&out, '\n');
			buf_append(&out, p, len);
		}
		p = crlf + 2;
	}
	return buf_steal(&out);
}

static void test_meeting_ics(void **state)
{
	static const struct {
		const char *timezone;
		const char *place;
		const char *end;
		const char *uid_domain;
		const char *in_order[16];
		const char *absent[4];
	} cases[] = {
	    {"Europe/Stockholm",
	     "Stadshuset, sal Båten",
	     "19:00",
	     "exempelstad.se",
	     {"BEGIN:VCALENDAR", "VERSION:2.0", "METHOD:PUBLISH", "BEGIN:VTIMEZONE",
	      "TZID:Europe/Stockholm", "TZNAME:CET", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	      "TZNAME:CEST", "BEGIN:VEVENT", "UID:20261210-lss-samverkan@exempelstad.se",
	      "DTSTAMP:20261201T083000Z", "DTSTART;TZID=Europe/Stockholm:20261210T170000",
	      "DTEND;TZID=Europe/Stockholm:20261210T190000", "SUMMARY:LSS-samverkan",
	      "LOCATION:Stadshuset\\, sal Båten", "END:VCALENDAR"},
	     {"METHOD:REQUEST", "\n\n"}},
	    {"Europe/Helsinki",
	     "Rum; \"A\\B\"",
	     NULL,
	     NULL,
	     {"TZID:Europe/Helsinki", "TZOFFSETTO:+0300", "UID:20261210-lss-samverkan@",
	      "DTSTART;TZID=Europe/Helsinki:20261210T170000", "DURATION:PT2H",
	      "LOCATION:Rum\\; \"A\\\\B\""},
	     {"DTEND"}},
	    /* a zone without written rules: floating local time */
	    {"America/New_York",
	     "Kommunhuset",
	     "19:00",
	     "k.se",
	     {"DTSTART:20261210T170000", "DTEND:20261210T190000"},
	     {"VTIMEZONE", "TZID"}},
	    /* a long place with åäö folds across several lines */
	    {"Europe/Stockholm",
	     "Medborgarhuset i Åsele, stora sammanträdesrummet på våning två, ingång från "
	     "torget (följ skyltarna mot Socialförvaltningen) – ring på klockan",
	     "19:00",
	     "exempelstad.se",
	     {"LOCATION:Medborgarhuset i Åsele\\, stora sammanträdesrummet på våning två\\, "
	      "ingång från torget (följ skyltarna mot Socialförvaltningen) – ring på "
	      "klockan"},
	     {NULL}},
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		struct store_agenda agenda = full_agenda();
		struct config_council c = council;
		struct render_context ctx = context(false);
		struct error error = {0};
		char *ics = NULL, *logical;
		const char *at;

		c.timezone = (char *)(uintptr_t)cases[i].timezone;
		ctx.council = &c;
		agenda.meeting.place = (char *)(uintptr_t)cases[i].place;
		agenda.meeting.end = (char *)(uintptr_t)cases[i].end;
		if (render_meeting_ics(&ctx, &agenda, cases[i].uid_domain, &ics, &error) != 0)
			fail_msg("ics: %s", error.text);
		logical = ics_unfold(ics);
		if (i == 0)
			dump("meeting.ics", ics, strlen(ics));
		at = logical;
		for (size_t k = 0; k < N_ELEMENTS(cases[i].in_order) && cases[i].in_order[k]; k++) {
			const char *found = strstr(at, cases[i].in_order[k]);
			if (found == NULL)
				fail_msg("case %zu: '%s' missing or out of order in\n%s", i,
					 cases[i].in_order[k], logical);
			at = found + strlen(cases[i].in_order[k]);
		}
		for (size_t k = 0; k < N_ELEMENTS(cases[i].absent) && cases[i].absent[k]; k++)
			if (strstr(logical, cases[i].absent[k]) != NULL)
				fail_msg("case %zu: holds '%s'", i, cases[i].absent[k]);
		assert_non_null(
		    strstr(logical, "DESCRIPTION:LSS-samverkan\\, Exempelstads kommun"));
		assert_non_null(strstr(logical, "\\n   4.1 Kö till gruppbostad\\n"));
		assert_non_null(strstr(logical, "\\n   3.1 Ledsagarservice"));
		if (i == 3) /* folded: the place alone is longer than a line */
			assert_true(count(ics, "\r\n ") >= 2);
		free(logical);
		free(ics);
	}
}

/* ---- acknowledgements ----------------------------------------------------------- */

static struct store_question ack_placed_q[] = {
    {.id = 40,
     .meeting = "2026-12-10",
     .item = 21,
     .item_number = 1,
     .association = "FUB Exempelstad",
     .title = "Kö till gruppbostad",
     .text = "Hur lång är kön till gruppbostad i dag?",
     .status = "queued",
     .confident = true},
    {.id = 43,
     .meeting = "2026-12-10",
     .item = 27,
     .item_number = 3,
     .association = "FUB Exempelstad",
     .title = "Habiliteringsersättning 2027",
     .text = "Kommer habiliteringsersättningen att höjas 2027?",
     .status = "queued",
     .confident = true},
};
static struct store_question ack_later_q[] = {
    {.id = 60,
     .meeting = "2027-02-04",
     .item = 30,
     .item_number = 2,
     .association = "DHR Exempelstad",
     .title = "Tillgänglighet i simhallen",
     .text = "När blir simhallens omklädningsrum tillgängliga för rullstol?",
     .status = "queued",
     .confident = true},
};
static struct store_question ack_waiting_q[] = {
    {.id = 70,
     .association = "RBU Exempelstad",
     .title = "Korttid under sommaren",
     .text = "Hur många dygn korttid kan beviljas under sommaren?",
     .status = "queued",
     .confident = true},
};
static struct store_question ack_mixed_q[] = {
    {.id = 80,
     .meeting = "2026-12-10",
     .item_number = 6,
     .title = "Placerad",
     .text = "En vanlig fråga.",
     .status = "queued",
     .confident = true},
    {.id = 81,
     .meeting = "2026-12-10",
     .title = "Bilaga",
     .text = "",
     .status = "held",
     .attachments = "frågor.pdf (application/pdf, 10 kB)"},
    {.id = 82,
     .meeting = "2026-12-10",
     .title = "Igen",
     .text = "En vanlig fråga.",
     .status = "duplicate",
     .duplicate_of = 80},
};

static void test_ack(void **state)
{
	static const struct {
		const char *golden;
		const char *subject;
		const char *expect_subject;
		time_t received;
		const struct store_question *questions;
		size_t n_questions;
		bool no_meetings;
		const char *in_order[6];
		const char *absent[3];
	} cases[] = {
	    {"ack-placed.txt",
	     "Frågor till LSS-samverkan i december",
	     "SV: Frågor till LSS-samverkan i december",
	     1795166100,
	     ack_placed_q,
	     2,
	     false,
	     {"Tack för dina frågor till LSS-samverkan", "fredag 20 november 2026",
	      "1. Kö till gruppbostad",
	      "Frågan tas upp på mötet torsdag 10 december 2026, preliminärt som punkt 4.1.",
	      "2. Habiliteringsersättning 2027",
	      "Frågan tas upp på mötet torsdag 10 december 2026, preliminärt som punkt 4.3."},
	     {"Sista dag", "inget planerat möte"}},
	    {"ack-later.txt",
	     "SV: Re: Simhallen",
	     "SV: Simhallen",
	     1796022300,
	     ack_later_q,
	     1,
	     false,
	     {"Tack för din fråga", "måndag 30 november 2026", "Tillgänglighet i simhallen",
	      "Sista dag för frågor till mötet torsdag 10 december 2026",
	      "var torsdag 26 november 2026.",
	      "mötet torsdag 4 februari 2027, preliminärt som punkt 4.2."},
	     {"Frågan tas upp"}},
	    {"ack-waiting.txt",
	     NULL,
	     "SV: Er fråga till LSS-samverkan",
	     1799578800,
	     ack_waiting_q,
	     1,
	     true,
	     {"Tack för din fråga", "Korttid under sommaren", "Det finns ännu inget planerat möte"},
	     {"Frågan tas upp", "Sista dag"}},
	    {"ack-mixed.txt",
	     "VB: Frågor\r\n från styrelsen",
	     "SV: VB: Frågor från styrelsen",
	     1795166100,
	     ack_mixed_q,
	     3,
	     false,
	     {"1. Placerad", "punkt 4.6.", "2. Bilaga", "Sekreteraren går igenom frågan", "3. Igen",
	      "har kommit in tidigare"},
	     {NULL}},
	    {"ack-none.txt",
	     "sv:",
	     "SV: Er fråga till LSS-samverkan",
	     1795166100,
	     NULL,
	     0,
	     false,
	     {"Tack för ditt mejl", "Vi hittade ingen fråga"},
	     {"Så här", "Punkternas nummer"}},
	};
	struct render_templates *templates = load_templates();

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		struct store_message message = {
		    .id = 50,
		    .from_addr = "ordforande@fub-exempelstad.se",
		    .from_name = "Anna Svensson",
		    .subject = (char *)(uintptr_t)cases[i].subject,
		    .association = "FUB Exempelstad",
		    .status = "processed",
		    .received = cases[i].received,
		};
		struct render_context ctx = context(false);
		struct error error = {0};
		char *subject = NULL, *text = NULL;
		const char *at;

		if (cases[i].no_meetings) {
			ctx.meetings = NULL;
			ctx.n_meetings = 0;
		}
		if (render_ack(templates, &ctx, &message, cases[i].questions, cases[i].n_questions,
			       &subject, &text, &error) != 0)
			fail_msg("%s: %s", cases[i].golden, error.text);
		assert_string_equal(subject, cases[i].expect_subject);
		at = text;
		for (size_t k = 0; k < N_ELEMENTS(cases[i].in_order) && cases[i].in_order[k]; k++) {
			const char *found = strstr(at, cases[i].in_order[k]);
			if (found == NULL)
				fail_msg("%s: '%s' missing or out of order in\n%s", cases[i].golden,
					 cases[i].in_order[k], text);
			at = found + strlen(cases[i].in_order[k]);
		}
		for (size_t k = 0; k < N_ELEMENTS(cases[i].absent) && cases[i].absent[k]; k++)
			if (strstr(text, cases[i].absent[k]) != NULL)
				fail_msg("%s: holds '%s'", cases[i].golden, cases[i].absent[k]);
		assert_non_null(strstr(text, "Med vänliga hälsningar\nLSS-samverkan\n"
					     "Exempelstads kommun\nSocialförvaltningen\n"));
		check_golden(cases[i].golden, text, strlen(text));
		free(subject);
		free(text);
	}
	render_templates_free(&templates);
}

/* ---- text cleaning ---------------------------------------------------------------- */

static void test_clean_text(void **state)
{
	static const struct {
		const char *in, *expect;
	} cases[] = {
	    {"åäö ÅÄÖ", "åäö ÅÄÖ"},
	    {"a\r\nb\rc\n", "a\nb\nc\n"},
	    {"tab\there", "tab\there"},
	    {"bell\x07 nul-free \x1b[31m", "bell nul-free [31m"},
	    {"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xc3", "\xef\xbf\xbd"},                                 /* cut in the middle */
	    {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong */
	    {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
	    {"\xc2\x85x", "x"},                                       /* C1 control */
	    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
	    {"\xef\xbf\xbe", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* U+FFFE */
	    {NULL, ""},
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		char *out = render_clean_text(cases[i].in);
		assert_string_equal(out, cases[i].expect);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_template_engine),
	    cmocka_unit_test(test_template_caps),
	    cmocka_unit_test(test_templates_load),
	    cmocka_unit_test(test_swedish_date),
	    cmocka_unit_test(test_clean_text),
	    cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_agenda_json),
	    cmocka_unit_test(test_agenda_notes),
	    cmocka_unit_test(test_minutes_docx),
	    cmocka_unit_test(test_minutes_docx_python),
	    cmocka_unit_test(test_meeting_ics),
	    cmocka_unit_test(test_ack),
	};

	/* dates and "received" are local days of the council */
	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

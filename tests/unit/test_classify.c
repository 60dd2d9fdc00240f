/* test_classify.c - categories.conf, the text pipeline, keywords inside
 * compounds, the trained classifier on questions it has not seen,
 * corrections, the fallback and near-duplicates.
 *
 * The trained classifier is built once, as the daemon does: from
 * CONFIG_DIR/categories.conf and every TEST_DATA/classify .tsv file
 * concatenated. None of the questions below is in those files (a test
 * checks that). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "agendad/classify.h"
#include "agendad/util.h"

/* A table row that does not match is reported and counted, so that one run
 * shows every wrong row, not only the first. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			print_error(__VA_ARGS__);                                                  \
			print_error("\n");                                                         \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define MAX_FILE (16 * 1024 * 1024)

static char *conf_text;
static char *training; /* every labelled line, as cat *.tsv gives them */
static struct classifier *trained;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int setup(void **state)
{
	struct strlist names = {0};
	struct buf all = {0};
	struct error error = {0};
	struct dirent *d;
	DIR *dp;
	size_t size;

	(void)state;
	if (util_read_file(CONFIG_DIR "/categories.conf", MAX_FILE, &conf_text, &size) < 0)
		return -1;
	dp = opendir(TEST_DATA "/classify");
	if (dp == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (str_suffix_ci(d->d_name, ".tsv"))
			strlist_push(&names, xasprintf(TEST_DATA "/classify/%s", d->d_name));
	closedir(dp);
	qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		char *data;

		if (util_read_file(names.v[i], MAX_FILE, &data, &size) < 0)
			return -1;
		buf_append(&all, data, size);
		free(data);
	}
	strlist_free(&names);
	training = buf_steal(&all);
	if (classify_new(conf_text, "categories.conf", &trained, &error) < 0 ||
	    classify_train_tsv(trained, training, "cat *.tsv", &error) < 0) {
		print_error("setup: %s\n", error.text);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	classify_free(&trained);
	free(conf_text);
	free(training);
	return 0;
}

static struct classifier *new_classifier(const char *text)
{
	struct classifier *cl = NULL;
	struct error error = {0};

	if (classify_new(text, "categories.conf", &cl, &error) < 0)
		fail_msg("classify_new: %s", error.text);
	return cl;
}

/* The shipped config with its whole [id] section removed. */
static char *without_section(const char *id)
{
	char header[64];
	const char *start, *end;

	snprintf(header, sizeof(header), "\n[%s]\n", id);
	start = strstr(conf_text, header);
	assert_non_null(start);
	end = strstr(start + 1, "\n[");
	if (end == NULL)
		end = start + strlen(start);
	return xasprintf("%.*s%s", (int)(start - conf_text), conf_text, end);
}

/* ---- categories.conf ---------------------------------------------------- */

static const struct {
	const char *text;
	const char *error; /* NULL: valid */
} conf_cases[] = {
    {"[boende]\nheading = Boende\nfoo = bar\n", "t.conf:3: unknown key 'foo' in [boende]"},
    {"# comment\n\n[bogus]\n", "t.conf:3: unknown category id 'bogus'"},
    {"heading = Boende\n", "t.conf:1: 'heading' outside a [category] section"},
    {"[boende]\nheading = Boende\n[boende]\n",
     "t.conf:3: category 'boende' defined twice (first at line 1)"},
    {"[boende]\nheading = Boende\n0 = gruppbostad\n",
     "t.conf:3: bad weight '0' (a number above 0, at most 100)"},
    {"[boende]\nheading = Boende\n2x = gruppbostad\n", "t.conf:3: bad weight '2x'"},
    {"[boende]\nheading = Boende\n2 kontext = gruppbostad\n",
     "t.conf:3: unknown mark 'kontext' after weight 2 (only 'context')"},
    {"[boende]\nheading = Boende\nx context = gruppbostad\n",
     "t.conf:3: unknown key 'x context' in [boende]"},
    {"[boende]\nheading = Boende\n3 = ,\n", "t.conf:3: empty keyword list"},
    {"[boende]\nheading = Boende\n3 = gruppbostad, --\n",
     "t.conf:3: keyword '--' has no letters or digits"},
    {"[boende]\nheading = Boende\n3 = grupp|bostad\n",
     "t.conf:3: '|' marks a word boundary only at the start or end of 'grupp|bostad'"},
    {"[boende]\nheading = Boende\n  gruppbostad\n",
     "t.conf:3: indented line continues no keyword list"},
    {"[boende]\nheading = Boende\n3 = gruppbostad,\n    servicebostad\n[resor]\n"
     "heading = Resor\n2 = färdtjänst,\n  Servicebostad\n",
     "t.conf:8: keyword 'Servicebostad' is already in [boende]"},
    {"[boende]\n3 = gruppbostad\n[resor]\nheading = Resor\n", "t.conf:1: [boende] has no heading"},
    {"[boende]\nheading = Boende\nheading = Bostad\n", "t.conf:3: heading given twice in [boende]"},
    {"threshold = 2\n", "t.conf:1: threshold must be a number from 0 to 1"},
    {"[boende\n", "t.conf:1: expected '[category-id]'"},
    {"[boende]\nheading Boende\n", "t.conf:2: expected 'key = value'"},
    {"[boende]\nheading = Boende\n", "t.conf:2: category 'daglig-verksamhet' is missing"},
};

static void test_conf_errors(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(conf_cases); i++) {
		struct classifier *cl = NULL;
		struct error error = {0};
		int ret = classify_new(conf_cases[i].text, "t.conf", &cl, &error);

		CHECK(ret == -1 && cl == NULL, "case %zu: accepted", i);
		CHECK(strncmp(error.text, conf_cases[i].error, strlen(conf_cases[i].error)) == 0,
		      "case %zu: got '%s', want '%s'", i, error.text, conf_cases[i].error);
		classify_free(&cl);
	}
	assert_int_equal(failures, 0);
}

static void test_conf_shipped(void **state)
{
	static const char *const agenda[] = {
	    "boende",
	    "daglig-verksamhet",
	    "korttid",
	    "assistans-stod",
	    "handlaggning",
	    "ekonomi",
	    "personal-kompetens",
	    "halsa-vard",
	    "fritid-kultur",
	    "resor",
	    "digitalisering",
	    "kvalitet-tillsyn",
	    "samverkan-delaktighet",
	    "barn-skola",
	    "ovrigt",
	};
	struct classifier *cl = new_classifier(conf_text);
	char *missing = without_section("korttid");
	struct error error = {0};
	struct classifier *bad = NULL;

	(void)state;
	assert_int_equal(classify_n_categories(cl), N_ELEMENTS(agenda));
	for (size_t i = 0; i < N_ELEMENTS(agenda); i++) {
		const struct classify_category *c = classify_category_at(cl, i);

		assert_string_equal(c->id, agenda[i]);
		assert_ptr_equal(classify_category(cl, agenda[i]), c);
		assert_true(c->heading != NULL && c->heading[0] != '\0');
	}
	assert_null(classify_category_at(cl, N_ELEMENTS(agenda)));
	assert_null(classify_category(cl, "nope"));
	assert_string_equal(classify_category(cl, "ovrigt")->heading, "Övrigt");
	assert_string_equal(classify_category(cl, "korttid")->heading,
			    "Korttidsvistelse och korttidstillsyn");
	assert_int_equal(classify_new(missing, "categories.conf", &bad, &error), -1);
	assert_non_null(strstr(error.text, "category 'korttid' is missing"));
	free(missing);
	classify_free(&cl);
	classify_free(&cl); /* NULL after the first */
}

static void test_conf_official(void **state)
{
	char *rest = without_section("ovrigt");
	char *text =
	    xasprintf("%s\n[ovrigt]\nheading = Övrigt\nofficial = Karin Lindqvist\n", rest);
	struct classifier *cl = new_classifier(text);

	(void)state;
	free(rest);
	assert_string_equal(classify_category(cl, "ovrigt")->official, "Karin Lindqvist");
	assert_null(classify_category(cl, "boende")->official);
	classify_free(&cl);
	free(text);
}

/* ---- training files ----------------------------------------------------- */

static const struct {
	const char *tsv;
	const char *error; /* NULL: valid */
} tsv_cases[] = {
    {"# a comment\n\nboende\tVar finns lediga lägenheter?\r\n", NULL},
    {"\xEF\xBB\xBFresor\tFärdtjänst till jobbet\n", NULL},
    {"resor\t?!\n", NULL}, /* a question without a word trains nothing, harmlessly */
    {"boende\n", "x.tsv:1: expected CATEGORY<TAB>QUESTION"},
    {"# one\n# two\nbogus\tEn fråga\n", "x.tsv:3: unknown category 'bogus'"},
    {"resor\tFärdtjänst\nresor\t\n", "x.tsv:2: expected CATEGORY<TAB>QUESTION"},
};

static void test_train_tsv(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(tsv_cases); i++) {
		struct classifier *cl = new_classifier(conf_text);
		struct error error = {0};
		int ret = classify_train_tsv(cl, tsv_cases[i].tsv, "x.tsv", &error);

		if (tsv_cases[i].error == NULL)
			CHECK(ret == 0, "case %zu: %s", i, error.text);
		else
			CHECK(ret == -1 && strcmp(error.text, tsv_cases[i].error) == 0,
			      "case %zu: got '%s', want '%s'", i, error.text, tsv_cases[i].error);
		classify_free(&cl);
	}
	{
		struct classifier *cl = new_classifier(conf_text);
		struct error error = {0};

		assert_int_equal(classify_train(cl, "En fråga", "nope", &error), -1);
		assert_int_equal(error.kind, ERR_MESSAGE);
		classify_free(&cl);
	}
	assert_int_equal(failures, 0);
}

/* ---- the text pipeline -------------------------------------------------- */

static const struct {
	const char *text;
	const char *tokens; /* stems, space-separated */
} token_cases[] = {
    {"Gruppbostäderna", "gruppbostäd"},
    {"GRUPPBOSTÄDERNA", "gruppbostäd"},
    {"Gruppbosta\xCC\x88"
     "derna",
     "gruppbostäd"}, /* NFD: a + combining diaeresis */
    {"ÅTGÄRDSPROGRAMMEN", "åtgärdsprogramm"},
    {"Korttidstillsynen", "korttidstillsyn"},
    {"LSS-boendet", "lss boendet"},
    {"DV:n", "dv n"},
    {"9 § 9 LSS", "9 § 9 lss"},
    {"9§9", "9 § 9"},
    {"grupp\xC2\xAD"
     "bostad",
     "gruppbost"}, /* soft hyphen */
    {"”Färdtjänst”–resor", "färdtjänst res"},
    {"Hej! Vi undrar varför det är så.", ""},  /* only stopwords */
    {"gruppbostad\xFF\xFEkö", "gruppbost kö"}, /* invalid UTF-8 */
    {"Straße", "strass"},
    {"", ""},
};

static void test_tokenize(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(token_cases); i++) {
		struct strlist tokens = {0};
		struct buf joined = {0};

		classify_tokenize(trained, token_cases[i].text, &tokens);
		buf_append_str(&joined, "");
		for (size_t k = 0; k < tokens.n; k++) {
			if (k > 0)
				buf_append_char(&joined, ' ');
			buf_append_str(&joined, tokens.v[k]);
		}
		CHECK(strcmp(joined.data, token_cases[i].tokens) == 0,
		      "tokenize '%s': got '%s', want '%s'", token_cases[i].text, joined.data,
		      token_cases[i].tokens);
		buf_free(&joined);
		strlist_free(&tokens);
	}
	assert_int_equal(failures, 0);
}

/* Keywords alone (an untrained classifier): inside compounds and
 * inflections, with and without å, ä and ö, and never across them. */
static const struct {
	const char *text;
	const char *category;
	const char *evidence; /* must appear in the evidence */
} keyword_cases[] = {
    {"Korttidstillsynen stänger tidigt", "korttid", "korttidstillsyn"},
    {"Gruppbostäderna i Norrby", "boende", "gruppbostad"},
    {"Kön till LSS-boendet", "boende", "lss-boende"},
    {"Info om ny dagligverksamhet", "daglig-verksamhet", "daglig verksamhet"},
    {"Färdtjänstresor på helger", "resor", "färdtjänst"},
    {"fardtjansten ar sen", "resor", "färdtjänst"},
    {"Beslut enligt 9 § 9", "boende", "9 § 9"},
    {"Habiliteringsersättningen höjs inte", "daglig-verksamhet", "habiliteringsersättning"},
    {"Avgifterna för hemtjänst", "ekonomi", "avgift"},
    {"Lex Sarah-anmälningarna", "kvalitet-tillsyn", "lex sarah"},
    {"IVO:s granskning", "kvalitet-tillsyn", "ivo"},
    {"Ny funktionshinderplan", "samverkan-delaktighet", "funktionshinderplan"},
    {"BankID-inloggningen krånglar", "digitalisering", "bankid"},
    {"Elevassistenterna försvinner", "barn-skola", "elevassistent"},
    {"Tåget går för sällan", "resor", "tåget"},
    /* context keywords (a place, the people there) do not add up and count
     * less beside another topic: the school is where the bus goes, the
     * staff are where the swimming is */
    {"Skolskjutsen för eleverna på fritidshemmet och i anpassade grundskolan", "resor",
     "skolskjuts"},
    {"Det fanns alltid personal på simhallen som kunde hjälpa till", "fritid-kultur", "simhall"},
    {"Läkemedel på korttidshemmet", "halsa-vard", "läkemed"},
    /* with nothing else, context decides as usual */
    {"Personalen i gruppbostäderna", "personal-kompetens", "personal"},
    {"Eleverna i anpassade grundskolan", "barn-skola", "anpassade grundskola"},
    {"Hjälp från dörr till dörr", "resor", "dörr till dörr"},
    {"Anpassade simtider i badhuset", "fritid-kultur", "simtid"},
};

static void test_keywords(void **state)
{
	struct classifier *cl = new_classifier(conf_text);
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(keyword_cases); i++) {
		struct classification r;

		classify_text(cl, keyword_cases[i].text, &r);
		CHECK(strcmp(r.category, keyword_cases[i].category) == 0 &&
			  strstr(r.evidence, keyword_cases[i].evidence) != NULL,
		      "'%s': got %s [%s], want %s [%s]", keyword_cases[i].text, r.category,
		      r.evidence, keyword_cases[i].category, keyword_cases[i].evidence);
	}
	/* "tåg" is a short keyword: the skeleton "tag" of "ta tag i" is not it */
	{
		struct classification r;

		classify_text(cl, "Hur får man tag i någon?", &r);
		CHECK(strstr(r.evidence, "tåg") == NULL, "'tag' matched 'tåg': %s", r.evidence);
	}
	classify_free(&cl);
	assert_int_equal(failures, 0);
}

/* ---- the trained classifier --------------------------------------------- */

/* Questions written for this test, none in the labelled set: compounds,
 * inflections, abbreviations, typos and missing å, ä and ö. */
static const struct {
	const char *text;
	const char *category;
} unseen_cases[] = {
    {"Hur många väntar på plats i gruppbostäderna just nu?", "boende"},
    {"Servicebostäderna i Öster – finns lediga lägenheter?", "boende"},
    {"Vi undrar när LSS-bostäderna på Kvarnbacken blir inflyttningsklara", "boende"},
    {"Boendestödjarna hinner bara komma en gång i veckan, räcker boendestödet?", "boende"},
    {"Kan vuxna med autism få en egen lägenhet med stöd i närheten av föräldrarna?", "boende"},
    {"Dagligverksamheten på Åsen stänger över sommaren", "daglig-verksamhet"},
    {"Habiliteringsersattningen per dag – varför så låg?", "daglig-verksamhet"},
    {"Fler DV-platser med arbetsuppgifter ute på företag", "daglig-verksamhet"},
    {"Deltagarna på dagverksamheten vill ha mer praktik", "daglig-verksamhet"},
    {"Korttidstillsynen för tonåringar under jullovet", "korttid"},
    {"KTT-platserna räcker inte till alla högstadieelever", "korttid"},
    {"Korttidsboendets helgvistelser har halverats", "korttid"},
    {"Avlösarservicen i hemmet – hur många timmar?", "korttid"},
    {"Finns det stödfamiljer för barn med flerfunktionsnedsättning?", "korttid"},
    {"Assistansersättningen från FK har dragits in för flera medlemmar", "assistans-stod"},
    {"Ledsagarservicen räcker inte till föreningsmötena", "assistans-stod"},
    {"Kontaktpersonerna slutar efter några månader", "assistans-stod"},
    {"Godmanskap för unga vuxna som fyllt 18", "assistans-stod"},
    {"Personliga assistenter i kommunens egen regi", "assistans-stod"},
    {"Handläggningstiderna för ansökningar om bostad är för långa", "handlaggning"},
    {"Biståndshandläggarna byts ut hela tiden", "handlaggning"},
    {"Överklagandena till förvaltningsrätten – hur många vann kommunen?", "handlaggning"},
    {"Varför får så många avslag på sina ansökningar om insatser?", "handlaggning"},
    {"Avgiftshöjningarna för boendet 2026", "ekonomi"},
    {"Budgetläget för socialnämnden inför nästa år", "ekonomi"},
    {"Hyreshöjningen i servicebostäderna drabbar dem med sjukersättning", "ekonomi"},
    {"Besparingarna inom funktionshinderomsorgen – vad tas bort?", "ekonomi"},
    {"Personalomsättningen på boendena är hög", "personal-kompetens"},
    {"Kompetensutvecklingen för stödpedagogerna", "personal-kompetens"},
    {"Timvikarierna kan inte tecken som stöd", "personal-kompetens"},
    {"Nattbemanningen i servicebostäderna", "personal-kompetens"},
    {"Tandvårdsstödet – vem hjälper till att söka?", "halsa-vard"},
    {"Vuxenhabiliteringens väntetider", "halsa-vard"},
    {"Läkemedelshanteringen på korttidshemmet", "halsa-vard"},
    {"Hjälpmedlen tar flera månader att få", "halsa-vard"},
    {"Psykiatrins bemötande av personer med IF", "halsa-vard"},
    {"Fritidsaktiviteterna för vuxna på helgerna", "fritid-kultur"},
    {"Simhallens anpassade tider har tagits bort", "fritid-kultur"},
    {"Kulturskolans musikkurser för ungdomar med funktionsnedsättning", "fritid-kultur"},
    {"Teaterkvällarna för vuxna med intellektuell funktionsnedsättning", "fritid-kultur"},
    {"Discokvällarna för vuxna med LSS", "fritid-kultur"},
    {"Färdtjänstbilarna är sena varje morgon", "resor"},
    {"Riksfärdtjänsten till sommarstugan", "resor"},
    {"Skolskjutsarna till anpassade skolan", "resor"},
    {"Skolskjutsen till fritids går inte längre för eleverna i anpassade skolan", "resor"},
    {"Turbundna resorna till DV tar för lång tid", "resor"},
    {"fardtjansten kom inte idag heller", "resor"},
    {"E-tjänsterna kräver BankID", "digitalisering"},
    {"Wifi-nätet i servicebostäderna", "digitalisering"},
    {"Surfplattorna till de boende har inte kommit", "digitalisering"},
    {"Välfärdstekniken på natten – kameror istället för personal?", "digitalisering"},
    {"IVO:s tillsynsrapport om korttidshemmet", "kvalitet-tillsyn"},
    {"Lex Sarah-rapporterna under året", "kvalitet-tillsyn"},
    {"Avvikelserapporteringen fungerar inte", "kvalitet-tillsyn"},
    {"Brukarundersökningens resultat för gruppbostäderna", "kvalitet-tillsyn"},
    {"Klagomålshanteringen – svar dröjer månader", "kvalitet-tillsyn"},
    {"Funktionshinderplanens uppföljning", "samverkan-delaktighet"},
    {"Funktionshindersrådets arbetsformer och föreningarnas inflytande", "samverkan-delaktighet"},
    {"SIP-mötena – föräldrarna kallas inte", "samverkan-delaktighet"},
    {"Lättlästa versioner av kommunens beslut och planer", "samverkan-delaktighet"},
    {"Elevassistenterna i anpassade grundskolan", "barn-skola"},
    {"Grundsärskolans elever får inte följa med på utflykter", "barn-skola"},
    {"Fritidshemmen för barn med autism", "barn-skola"},
    {"Hemmasittarna – vad gör skolan?", "barn-skola"},
    {"Åtgärdsprogrammen följs inte i skolorna", "barn-skola"},
    {"Övriga frågor från föreningarna", "ovrigt"},
    {"Datum för nästa möte i rådet", "ovrigt"},
    {"Mötestiderna under våren", "ovrigt"},
};

static void test_unseen(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(unseen_cases); i++) {
		struct classification r;

		/* the table is of questions the classifier has not seen */
		CHECK(strstr(training, unseen_cases[i].text) == NULL, "'%s' is in the labelled set",
		      unseen_cases[i].text);
		classify_text(trained, unseen_cases[i].text, &r);
		CHECK(strcmp(r.category, unseen_cases[i].category) == 0 && r.score >= 0 &&
			  r.score <= 1,
		      "'%s': got %s (%.2f) [%s], want %s", unseen_cases[i].text, r.category,
		      r.score, r.evidence, unseen_cases[i].category);
	}
	assert_int_equal(failures, 0);
}

/* A correction of a question counts for that question at once, and the next
 * ones teach the model the phrasing. */
static void test_correction(void **state)
{
	static const char *const text = "Vem ansvarar för nycklarna till föreningens förråd?";
	struct classifier *cl = new_classifier(conf_text);
	struct classification before, after;
	struct error error = {0};

	(void)state;
	assert_int_equal(classify_train_tsv(cl, training, "cat *.tsv", &error), 0);
	classify_text(cl, text, &before);
	assert_string_not_equal(before.category, "ekonomi");
	assert_int_equal(classify_train(cl, text, "ekonomi", &error), 0);
	classify_text(cl, text, &after);
	assert_string_equal(after.category, "ekonomi");
	assert_true(after.confident);
	/* corrected back: the latest correction wins a tie */
	assert_int_equal(classify_train(cl, text, before.category, &error), 0);
	classify_text(cl, text, &after);
	assert_string_equal(after.category, before.category);
	/* punctuation and case are not the phrasing */
	assert_int_equal(classify_train(cl, text, "ekonomi", &error), 0);
	assert_int_equal(classify_train(cl, text, "ekonomi", &error), 0);
	classify_text(cl, "VEM ansvarar för nycklarna till föreningens förråd", &after);
	assert_string_equal(after.category, "ekonomi");
	classify_free(&cl);
}

static void test_fallback(void **state)
{
	char *strict = xasprintf("threshold = 0.99\n%s", strstr(conf_text, "\n[boende]"));
	struct classifier *cl = new_classifier(strict);
	struct classification r;

	(void)state;
	/* one keyword is not enough for 0.99: the best guess is kept as evidence */
	classify_text(cl, "Kön till gruppbostad", &r);
	assert_string_equal(r.category, CLASSIFY_FALLBACK);
	assert_false(r.confident);
	assert_true(r.score > 0.3 && r.score < 0.99);
	assert_non_null(strstr(r.evidence, "gruppbostad"));
	/* nothing to go on */
	classify_text(cl, "", &r);
	assert_string_equal(r.category, CLASSIFY_FALLBACK);
	assert_false(r.confident);
	classify_free(&cl);
	free(strict);

	/* with the shipped threshold and model: a heading that says nothing */
	classify_text(trained, "Planering", &r);
	assert_string_equal(r.category, CLASSIFY_FALLBACK);
	assert_false(r.confident);
	assert_true(r.score < 0.30);
	assert_string_equal(r.evidence, "planering");
}

/* ---- near-duplicates ---------------------------------------------------- */

static const struct {
	const char *a, *b;
	double min, max;
} similarity_cases[] = {
    /* the same text, and the same words in another case and punctuation */
    {"Hur lång är kön till gruppbostad?", "Hur lång är kön till gruppbostad?", 1.0, 1.0},
    {"Hur lång är kön till gruppbostad?", "HUR LÅNG ÄR KÖN TILL GRUPPBOSTAD", 1.0, 1.0},
    /* the same concrete question from two associations */
    {"Hur lång är kön till gruppbostad idag?",
     "Vi undrar hur lång kön till gruppbostäderna är just nu", 0.55, 1.0},
    {"Varför har habiliteringsersättningen inte höjts sedan 2015?",
     "Habiliteringsersättningen har inte höjts på många år. Varför?", 0.55, 1.0},
    {"Färdtjänsten kommer ofta för sent på morgnarna",
     "Färdtjänsten kommer för sent på morgonen, varför?", 0.55, 1.0},
    {"Wifi i gruppbostäderna", "Finns det wifi på gruppbostaden?", 0.55, 1.0},
    {"Avgiften för trygghetslarm har höjts", "Varför höjs avgiften för trygghetslarmet?", 0.55,
     1.0},
    {"Korttidstillsynen stänger kl 16, men föräldrarna jobbar till 17",
     "Föräldrar jobbar till 17 men korttidstillsynen stänger redan 16", 0.55, 1.0},
    {"Hur många lex Sarah-anmälningar har gjorts i år?",
     "Antal lex Sarah-anmälningar hittills i år", 0.55, 1.0},
    {"BankID saknas för många – hur ska de logga in i e-tjänsterna?",
     "Hur loggar man in i kommunens e-tjänster utan BankID?", 0.55, 1.0},
    /* different questions in the same category */
    {"Hur lång är kön till gruppbostad?", "Får man ha husdjur i servicebostaden?", 0.0, 0.4},
    {"Färdtjänsten kommer ofta för sent", "Skolskjuts för elever i anpassad skola", 0.0, 0.4},
    {"Varför har habiliteringsersättningen inte höjts?",
     "Daglig verksamhet med inriktning på djur och natur", 0.0, 0.4},
    {"Hur många lex Sarah-anmälningar har gjorts i år?",
     "Brukarundersökningen – när kommer resultaten?", 0.0, 0.4},
    {"Elevassistenterna tas bort – varför?", "Skolmaten för barn med selektivt ätande", 0.0, 0.4},
    /* nothing in common, or nothing at all */
    {"Färdtjänsten", "Tandvård", 0.0, 0.1},
    {"", "", 1.0, 1.0},
    {"", "Tandvård", 0.0, 0.0},
};

static void test_similarity(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(similarity_cases); i++) {
		double s =
		    classify_similarity(trained, similarity_cases[i].a, similarity_cases[i].b);
		double t =
		    classify_similarity(trained, similarity_cases[i].b, similarity_cases[i].a);

		CHECK(s >= similarity_cases[i].min && s <= similarity_cases[i].max,
		      "'%s' ~ '%s': %.3f, want %.2f..%.2f", similarity_cases[i].a,
		      similarity_cases[i].b, s, similarity_cases[i].min, similarity_cases[i].max);
		CHECK(s == t, "not symmetric: %.6f and %.6f", s, t);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf_errors),   cmocka_unit_test(test_conf_shipped),
	    cmocka_unit_test(test_conf_official), cmocka_unit_test(test_train_tsv),
	    cmocka_unit_test(test_tokenize),      cmocka_unit_test(test_keywords),
	    cmocka_unit_test(test_unseen),        cmocka_unit_test(test_correction),
	    cmocka_unit_test(test_fallback),      cmocka_unit_test(test_similarity),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_corpus.c - the mail corpus: every tests/data/mail/NAME.eml through the
 * pure stages, in the order of process_message() in src/cycle.c (mime,
 * extract, triage, classify), compared with the outcome a careful secretary
 * expects, written in NAME.expect (format: tests/data/mail/README.md).
 *
 * Adding a case means adding two files. The test prints one line per case
 * that differs, naming each difference, then the figures (cases passed,
 * questions right, categories right); CORPUS_VERBOSE=1 prints every case's
 * whole outcome, CORPUS_CASE=NAME runs one case. */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "agendad/classify.h"
#include "agendad/config.h"
#include "agendad/extract.h"
#include "agendad/mime.h"
#include "agendad/triage.h"
#include "agendad/util.h"

/* another directory of cases with -DCORPUS_DIR=... (CPPFLAGS) or, without
 * a rebuild, CORPUS_DIR=... in the environment: new cases being written,
 * before they join this one */
#ifndef CORPUS_DIR
#define CORPUS_DIR TEST_DATA "/mail"
#endif
#define MAX_FILE (64u << 20)
/* the environment's CORPUS_DIR, else the built-in one */
#define CASES_DIR (getenv("CORPUS_DIR") != NULL ? getenv("CORPUS_DIR") : CORPUS_DIR)
#define MAX_EXPECTED_QUESTIONS 32
#define MAX_EXPECTED_ATTACHMENTS 16
#define MAX_ABSENT 16
#define MAX_NOTES 8
/* the brief of issue 4: the corpus covers every case with at least this many mails */
#define MIN_CASES 40

static const char *const statuses[] = { "processed", "unknown-sender", "auto-reply", "bounce",
					"unparseable", NULL };

struct expected_question {
	char *category;
	char *phrase; /* the question's text contains it */
	char *title; /* the question's exact title, or NULL: not checked */
};

struct expectation {
	char *status;
	char *association; /* NULL for "-" */
	int n_questions; /* -1 until read */
	struct expected_question questions[MAX_EXPECTED_QUESTIONS];
	size_t n_listed;
	bool attachments_checked;
	char *attachments[MAX_EXPECTED_ATTACHMENTS];
	size_t n_attachments;
	bool attachment_only;
	char *reason; /* the reason contains it, or NULL */
	/* no question's text or title contains these (a signature, an
	 * attendance notice, quoted text) */
	char *absent[MAX_ABSENT];
	size_t n_absent;
	/* the notes for the secretary contain these (an interpreter request,
	 * a withdrawal) */
	char *notes[MAX_NOTES];
	size_t n_notes;
};

/* What the pipeline made of one mail. */
struct outcome {
	const char *status;
	const char *association;
	char reason[512];
	struct mail_text *mail;
	struct extraction *extraction;
	/* the questions that process_message() would store: the extraction's,
	 * for a question or an unknown sender; none for robots */
	size_t n_questions;
	struct classification *classes;
	bool attachment_only;
	/* the extraction's notes that process_message() would store (a
	 * question or an unknown sender), or NULL */
	const char *notes;
};

struct corpus {
	struct config *config;
	struct classifier *classifier;
	const char *own[3];
	size_t n_own;
	struct strlist names; /* case names, sorted */
};

/* The counts of the summary. */
struct figures {
	size_t cases, cases_passed;
	size_t questions, questions_found;
	size_t categories_right;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path)
{
	char *data = NULL;
	size_t size;

	if (util_read_file(path, MAX_FILE, &data, &size) < 0)
		fail_msg("cannot read %s", path);
	return data;
}

/* Files of dir ending in suffix, sorted, with the suffix cut off. */
static void list_names(const char *dir, const char *suffix, struct strlist *names_r)
{
	DIR *dp = opendir(dir);
	struct dirent *d;
	size_t sl = strlen(suffix);

	if (dp == NULL)
		fail_msg("cannot open %s", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t len = strlen(d->d_name);
		if (d->d_name[0] != '.' && len > sl && strcmp(d->d_name + len - sl, suffix) == 0)
			strlist_push(names_r, xstrndup(d->d_name, len - sl));
	}
	closedir(dp);
	if (names_r->n > 1)
		qsort(names_r->v, names_r->n, sizeof(*names_r->v), cmp_str);
}

/* ---- the pipeline ---------------------------------------------------------- */

static void load_classifier(const char *council, struct classifier **classifier_r)
{
	struct strlist tsv = { 0 };
	struct error error;
	char *text = read_file(CONFIG_DIR "/categories.conf");

	if (classify_new(text, CONFIG_DIR "/categories.conf", classifier_r, &error) != 0 ||
	    classify_set_council(*classifier_r, council, &error) != 0)
		fail_msg("categories.conf: %s", error.text);
	free(text);
	list_names(TEST_DATA "/classify", ".tsv", &tsv);
	assert_true(tsv.n > 0);
	for (size_t i = 0; i < tsv.n; i++) {
		char *path = xasprintf(TEST_DATA "/classify/%s.tsv", tsv.v[i]);
		text = read_file(path);
		if (classify_train_tsv(*classifier_r, text, path, &error) != 0)
			fail_msg("%s: %s", path, error.text);
		free(text);
		free(path);
	}
	strlist_free(&tsv);
}

static int setup(void **state)
{
	struct corpus *c = xcalloc(1, sizeof(*c));
	char *path = xasprintf("%s/corpus.conf", CASES_DIR);
	struct error error;

	if (config_load(path, &c->config, &error) != 0)
		fail_msg("corpus.conf: %s", error.text);
	free(path);
	load_classifier(c->config->council.name, &c->classifier);
	/* the same own addresses as cycle.c's set_own_addresses() */
	c->own[c->n_own++] = c->config->smtp.from;
	c->own[c->n_own++] = c->config->council.secretary;
	if (strchr(c->config->imap.username, '@') != NULL)
		c->own[c->n_own++] = c->config->imap.username;
	list_names(CASES_DIR, ".eml", &c->names);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct corpus *c = *state;

	strlist_free(&c->names);
	classify_free(&c->classifier);
	config_free(&c->config);
	free(c);
	return 0;
}

static void outcome_free(struct outcome *o)
{
	free(o->classes);
	extract_free(&o->extraction);
	mime_free(&o->mail);
}

/* The call sequence of process_message(), without the store. */
static void run_pipeline(const struct corpus *c, const char *raw, size_t size, struct outcome *o)
{
	const struct config *cfg = c->config;
	struct mime_limits limits = mime_limits_of(&cfg->limits);
	struct extract_limits ex_limits = extract_limits_of(&cfg->limits);
	struct triage_input tin = {
		.associations = cfg->associations,
		.n_associations = cfg->n_associations,
		.own_addresses = c->own,
		.n_own_addresses = c->n_own,
	};
	struct triage_result tr;
	struct error error;

	memset(o, 0, sizeof(*o));
	if (mime_decode(raw, size, &limits, &o->mail, &error) != 0 ||
	    extract_questions(o->mail, &ex_limits, &o->extraction, &error) != 0) {
		o->status = "unparseable";
		snprintf(o->reason, sizeof(o->reason), "%s", error.text);
		return;
	}
	triage_message(o->mail, o->extraction, &tin, &tr);
	o->status = triage_status(tr.verdict);
	o->association = tr.association != NULL ? tr.association->name : NULL;
	snprintf(o->reason, sizeof(o->reason), "%s", tr.reason);
	if (tr.verdict != TRIAGE_QUESTION && tr.verdict != TRIAGE_UNKNOWN_SENDER)
		return;
	o->attachment_only = o->extraction->attachment_only;
	o->notes = o->extraction->notes;
	o->n_questions = o->extraction->n_questions;
	o->classes = xcalloc(o->n_questions + 1, sizeof(*o->classes));
	for (size_t i = 0; i < o->n_questions; i++) {
		const struct question_draft *q = &o->extraction->questions[i];
		char *both = xasprintf("%s\n%s", q->title, q->text);
		classify_text(c->classifier, both, &o->classes[i]);
		free(both);
	}
}

/* ---- NAME.expect --------------------------------------------------------------- */

static void expectation_free(struct expectation *e)
{
	free(e->status);
	free(e->association);
	free(e->reason);
	for (size_t i = 0; i < e->n_listed; i++) {
		free(e->questions[i].category);
		free(e->questions[i].phrase);
		free(e->questions[i].title);
	}
	for (size_t i = 0; i < e->n_attachments; i++)
		free(e->attachments[i]);
	for (size_t i = 0; i < e->n_absent; i++)
		free(e->absent[i]);
	for (size_t i = 0; i < e->n_notes; i++)
		free(e->notes[i]);
}

static bool known_status(const char *s)
{
	for (const char *const *p = statuses; *p != NULL; p++)
		if (strcmp(*p, s) == 0)
			return true;
	return false;
}

/* One "key: value" line of a .expect file into e; where is "FILE:LINE". A
 * malformed line fails the test. */
static void parse_key(const struct corpus *c, const char *where, const char *key, char *value,
		      struct expectation *e)
{
	if (strcmp(key, "status") == 0) {
		if (e->status != NULL || !known_status(value))
			fail_msg("%s: a second or unknown status '%s'", where, value);
		e->status = xstrdup(value);
	} else if (strcmp(key, "association") == 0) {
		bool known = strcmp(value, "-") == 0;
		for (size_t i = 0; i < c->config->n_associations && !known; i++)
			known = strcmp(c->config->associations[i].name, value) == 0;
		if (!known || e->association != NULL)
			fail_msg("%s: a second association, or no [association %s] in corpus.conf",
				 where, value);
		e->association = strcmp(value, "-") == 0 ? NULL : xstrdup(value);
	} else if (strcmp(key, "questions") == 0) {
		char *end;
		long n = strtol(value, &end, 10);
		if (*end != '\0' || end == value || n < 0 || n > MAX_EXPECTED_QUESTIONS)
			fail_msg("%s: bad question count '%s'", where, value);
		e->n_questions = (int)n;
	} else if (strcmp(key, "question") == 0) {
		char *bar = strchr(value, '|');
		struct expected_question *q;
		if (bar == NULL || e->n_listed == MAX_EXPECTED_QUESTIONS)
			fail_msg("%s: expected 'question: CATEGORY | PHRASE' (at most %d)", where,
				 MAX_EXPECTED_QUESTIONS);
		*bar = '\0';
		q = &e->questions[e->n_listed++];
		q->category = xstrdup(str_trim(value));
		q->phrase = xstrdup(str_trim(bar + 1));
		if (classify_category(c->classifier, q->category) == NULL || *q->phrase == '\0')
			fail_msg("%s: unknown category '%s' or empty phrase", where, q->category);
	} else if (strcmp(key, "title") == 0) {
		if (e->n_listed == 0 || e->questions[e->n_listed - 1].title != NULL)
			fail_msg("%s: 'title' must follow its 'question'", where);
		e->questions[e->n_listed - 1].title = xstrdup(value);
	} else if (strcmp(key, "attachment") == 0) {
		if (e->n_attachments == MAX_EXPECTED_ATTACHMENTS)
			fail_msg("%s: more than %d attachments", where, MAX_EXPECTED_ATTACHMENTS);
		e->attachments_checked = true;
		e->attachments[e->n_attachments++] = xstrdup(value);
	} else if (strcmp(key, "attachments") == 0) {
		if (strcmp(value, "none") != 0)
			fail_msg("%s: 'attachments' takes only 'none'", where);
		e->attachments_checked = true;
	} else if (strcmp(key, "attachment_only") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			fail_msg("%s: attachment_only is yes or no", where);
		e->attachment_only = strcmp(value, "yes") == 0;
	} else if (strcmp(key, "reason") == 0) {
		if (e->reason != NULL)
			fail_msg("%s: a second reason", where);
		e->reason = xstrdup(value);
	} else if (strcmp(key, "absent") == 0) {
		if (e->n_absent == MAX_ABSENT || *value == '\0')
			fail_msg("%s: empty or more than %d 'absent' phrases", where, MAX_ABSENT);
		e->absent[e->n_absent++] = xstrdup(value);
	} else if (strcmp(key, "note") == 0) {
		if (e->n_notes == MAX_NOTES || *value == '\0')
			fail_msg("%s: empty or more than %d 'note' phrases", where, MAX_NOTES);
		e->notes[e->n_notes++] = xstrdup(value);
	} else {
		fail_msg("%s: unknown key '%s'", where, key);
	}
}

/* Reads path into e; a malformed file fails the test, naming the line. */
static void parse_expect(const struct corpus *c, const char *path, struct expectation *e)
{
	char *text = read_file(path), *line, *next;
	int lineno = 0;

	memset(e, 0, sizeof(*e));
	e->n_questions = -1;
	for (line = text; line != NULL; line = next) {
		char where[PATH_MAX + 16], *key, *colon;

		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		key = str_trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		colon = strchr(key, ':');
		if (colon == NULL)
			fail_msg("%s: expected 'key: value'", where);
		*colon = '\0';
		parse_key(c, where, str_trim(key), str_trim(colon + 1), e);
	}
	free(text);
	if (e->status == NULL || e->n_questions < 0)
		fail_msg("%s: 'status' and 'questions' are required", path);
	if ((size_t)e->n_questions != e->n_listed)
		fail_msg("%s: 'questions: %d' but %zu 'question' lines", path, e->n_questions,
			 e->n_listed);
	if (strcmp(e->status, "processed") != 0 && strcmp(e->status, "unknown-sender") != 0 &&
	    e->n_questions != 0)
		fail_msg("%s: a %s mail has no questions", path, e->status);
	if ((strcmp(e->status, "processed") == 0) != (e->association != NULL))
		fail_msg("%s: a processed mail, and only that, has an association", path);
}

/* ---- comparing --------------------------------------------------------------- */

static void diff_add(struct buf *diff, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void diff_add(struct buf *diff, const char *fmt, ...)
{
	va_list ap;
	char text[1024];

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (diff->len > 0)
		buf_append_str(diff, "; ");
	buf_append_str(diff, text);
}

/* The first 60 bytes of s, cut at a character, for a diff line. */
static void excerpt(char out[72], const char *s)
{
	size_t n = strlen(s);

	if (n <= 60) {
		memcpy(out, s, n + 1);
		return;
	}
	n = 60;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
}

static const char *or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

/* Each expected question is looked for among the questions not matched yet,
 * so a split or a merge shows as the questions it lost. */
static void compare_questions(const struct expectation *e, const struct outcome *o,
			      struct buf *diff, struct figures *f)
{
	bool *used = xcalloc(o->n_questions + 1, sizeof(*used));
	char ex[72];

	f->questions += e->n_listed;
	for (size_t i = 0; i < e->n_listed; i++) {
		const struct expected_question *q = &e->questions[i];
		const struct classification *cl;
		size_t k;

		for (k = 0; k < o->n_questions; k++)
			if (!used[k] && str_find_ci(o->extraction->questions[k].text, q->phrase))
				break;
		excerpt(ex, q->phrase);
		if (k == o->n_questions) {
			diff_add(diff, "question %zu '%s' not found", i + 1, ex);
			continue;
		}
		used[k] = true;
		f->questions_found++;
		cl = &o->classes[k];
		if (strcmp(cl->category, q->category) == 0)
			f->categories_right++;
		else
			diff_add(diff, "question %zu '%s' in %s (%.2f: %s), expected %s", i + 1,
				 ex, cl->category, cl->score, cl->evidence, q->category);
		if (q->title != NULL && strcmp(o->extraction->questions[k].title, q->title) != 0)
			diff_add(diff, "question %zu title '%s', expected '%s'", i + 1,
				 o->extraction->questions[k].title, q->title);
	}
	for (size_t k = 0; k < o->n_questions; k++) {
		if (!used[k]) {
			excerpt(ex, o->extraction->questions[k].text);
			diff_add(diff, "unexpected question '%s'", ex);
		}
	}
	free(used);

	for (size_t i = 0; i < e->n_absent; i++) {
		for (size_t k = 0; k < o->n_questions; k++) {
			const struct question_draft *q = &o->extraction->questions[k];
			if (str_find_ci(q->text, e->absent[i]) != NULL ||
			    str_find_ci(q->title, e->absent[i]) != NULL) {
				excerpt(ex, e->absent[i]);
				diff_add(diff, "'%s' is in question %zu", ex, k + 1);
				break;
			}
		}
	}
}

static void compare_attachments(const struct expectation *e, const struct outcome *o,
				struct buf *diff)
{
	size_t n = o->mail != NULL ? o->mail->n_attachments : 0;
	bool same = n == e->n_attachments;
	struct buf got = { 0 };

	for (size_t i = 0; i < n && same; i++) {
		const char *name = o->mail->attachments[i].filename;
		same = name != NULL && strcmp(name, e->attachments[i]) == 0;
	}
	if (same)
		return;
	for (size_t i = 0; i < n; i++)
		buf_printf(&got, "%s%s (%s)", i ? ", " : "",
			   or_dash(o->mail->attachments[i].filename),
			   o->mail->attachments[i].content_type);
	diff_add(diff, "attachments [%s], expected %zu", got.data ? got.data : "",
		 e->n_attachments);
	buf_free(&got);
}

static void compare(const struct expectation *e, const struct outcome *o, struct buf *diff,
		    struct figures *f)
{
	if (strcmp(e->status, o->status) != 0)
		diff_add(diff, "status %s, expected %s (%s)", o->status, e->status, o->reason);
	if ((e->association == NULL) != (o->association == NULL) ||
	    (e->association != NULL && strcmp(e->association, o->association) != 0))
		diff_add(diff, "association %s, expected %s", or_dash(o->association),
			 or_dash(e->association));
	if (e->reason != NULL && strstr(o->reason, e->reason) == NULL)
		diff_add(diff, "reason '%s' lacks '%s'", o->reason, e->reason);
	if ((size_t)e->n_questions != o->n_questions)
		diff_add(diff, "%zu questions, expected %d", o->n_questions, e->n_questions);
	if (e->attachment_only != o->attachment_only)
		diff_add(diff, "attachment_only %s, expected %s", o->attachment_only ? "yes" : "no",
			 e->attachment_only ? "yes" : "no");
	compare_questions(e, o, diff, f);
	for (size_t i = 0; i < e->n_notes; i++)
		if (o->notes == NULL || str_find_ci(o->notes, e->notes[i]) == NULL)
			diff_add(diff, "notes lack '%s'", e->notes[i]);
	if (e->attachments_checked)
		compare_attachments(e, o, diff);
}

static void print_outcome(const char *name, const struct outcome *o)
{
	printf("%s: %s, %s, %zu question(s)%s; %s\n", name, o->status, or_dash(o->association),
	       o->n_questions, o->attachment_only ? ", attachment_only" : "", o->reason);
	for (size_t i = 0; i < o->n_questions; i++)
		printf("    [%s %.2f] %s | %s\n", o->classes[i].category, o->classes[i].score,
		       o->extraction->questions[i].title, o->extraction->questions[i].text);
	for (size_t i = 0; o->mail != NULL && i < o->mail->n_attachments; i++)
		printf("    attachment: %s (%s, %zu bytes)\n",
		       or_dash(o->mail->attachments[i].filename),
		       o->mail->attachments[i].content_type, o->mail->attachments[i].size);
	for (const char *n = o->notes, *nl; n != NULL && *n != '\0'; n = nl + (*nl != '\0')) {
		nl = n + strcspn(n, "\n");
		printf("    note: %.*s\n", (int)(nl - n), n);
	}
}

/* ---- the tests ---------------------------------------------------------------- */

/* The corpus itself: pairs complete, CRLF mail, every status and category. */
static void test_corpus_complete(void **state)
{
	const struct corpus *c = *state;
	struct strlist expects = { 0 };
	bool seen_status[N_ELEMENTS(statuses)] = { false };
	size_t n_categories = classify_n_categories(c->classifier);
	bool *seen_category = xcalloc(n_categories, sizeof(*seen_category));

	list_names(CASES_DIR, ".expect", &expects);
	assert_true(c->names.n >= MIN_CASES);
	for (size_t i = 0; i < expects.n; i++)
		if (!strlist_contains_ci(&c->names, expects.v[i]))
			fail_msg("%s.expect has no %s.eml", expects.v[i], expects.v[i]);
	for (size_t i = 0; i < c->names.n; i++) {
		char *path = xasprintf("%s/%s.expect", CASES_DIR, c->names.v[i]);
		struct expectation e;
		char *raw;

		if (!strlist_contains_ci(&expects, c->names.v[i]))
			fail_msg("%s.eml has no %s.expect", c->names.v[i], c->names.v[i]);
		parse_expect(c, path, &e);
		for (size_t s = 0; statuses[s] != NULL; s++)
			if (strcmp(statuses[s], e.status) == 0)
				seen_status[s] = true;
		for (size_t q = 0; q < e.n_listed; q++)
			for (size_t k = 0; k < n_categories; k++)
				if (strcmp(classify_category_at(c->classifier, k)->id,
					   e.questions[q].category) == 0)
					seen_category[k] = true;
		expectation_free(&e);
		free(path);

		/* mail as IMAP hands it over (FACTS.md 13): every line ends in CRLF */
		path = xasprintf("%s/%s.eml", CASES_DIR, c->names.v[i]);
		raw = read_file(path);
		for (const char *p = raw; (p = strchr(p, '\n')) != NULL; p++)
			if (p == raw || p[-1] != '\r')
				fail_msg("%s: a line ends in a bare LF", path);
		free(raw);
		free(path);
	}
	for (size_t s = 0; statuses[s] != NULL; s++)
		if (!seen_status[s])
			fail_msg("no case expects status %s", statuses[s]);
	for (size_t k = 0; k < n_categories; k++)
		if (!seen_category[k])
			fail_msg("no case expects category %s",
				 classify_category_at(c->classifier, k)->id);
	free(seen_category);
	strlist_free(&expects);
}

static void test_corpus_cases(void **state)
{
	const struct corpus *c = *state;
	const char *only = getenv("CORPUS_CASE");
	const char *verbose = getenv("CORPUS_VERBOSE");
	struct figures f = { 0 };

	for (size_t i = 0; i < c->names.n; i++) {
		const char *name = c->names.v[i];
		char *path;
		char *raw;
		size_t size;
		struct expectation e;
		struct outcome o;
		struct buf diff = { 0 };

		if (only != NULL && *only != '\0' && strcmp(only, name) != 0)
			continue;
		path = xasprintf("%s/%s.eml", CASES_DIR, name);
		if (util_read_file(path, MAX_FILE, &raw, &size) < 0)
			fail_msg("cannot read %s", path);
		free(path);
		path = xasprintf("%s/%s.expect", CASES_DIR, name);
		parse_expect(c, path, &e);
		free(path);

		run_pipeline(c, raw, size, &o);
		compare(&e, &o, &diff, &f);
		f.cases++;
		if (diff.len == 0)
			f.cases_passed++;
		else
			printf("FAIL %s: %s\n", name, diff.data);
		if (verbose != NULL && *verbose != '\0' && *verbose != '0')
			print_outcome(name, &o);

		buf_free(&diff);
		outcome_free(&o);
		expectation_free(&e);
		free(raw);
	}
	printf("corpus: %zu/%zu cases passed, questions %zu/%zu right, categories %zu/%zu right\n",
	       f.cases_passed, f.cases, f.questions_found, f.questions, f.categories_right,
	       f.questions);
	assert_int_equal(f.cases_passed, f.cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_complete),
		cmocka_unit_test(test_corpus_cases),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* eval_classify.c - how well classify sorts questions it has not seen, and
 * how fast (make eval).
 *
 * The labelled set (the .tsv files in TEST_DATA/classify) is dealt into FOLDS folds,
 * stratified by category after a shuffle with a fixed seed. For each fold
 * a fresh classifier is trained on the other folds and measured on this
 * one, so no question is ever judged by a model that saw it. Three
 * variants show what each half of the classifier is worth:
 *   combined       config/categories.conf as shipped, trained
 *   keywords only  the same config, not trained
 *   model only     the config without its keyword lists and threshold,
 *                  trained
 * A sweep over the threshold (the combined classifier with threshold 0,
 * fallback applied here) shows what the shipped threshold costs and buys.
 * Throughput is classify_text() on one core over GENERATED_LINES lines
 * made by joining the halves of two random labelled questions.
 *
 * Cross-validation still flatters the classifier: the labelled set was
 * written by the same few people, so its folds share their phrasing. -H FILE
 * measures it on a held-out set instead (tests/data/classify_holdout/, written
 * apart from the labelled set and never trained on): the shipped classifier,
 * trained on all of TSV_DIR, sorts every line of FILE.
 *
 * Every classifier is told the council's name, as agendad tells it the
 * [council] name of its config: the labelled and held-out questions are
 * written to a council called "LSS-samverkan".
 *
 * Usage: eval_classify [-v|-q] [-c NAME] [-s SEED] [-H FILE] [CATEGORIES_CONF [TSV_DIR]]
 *   -v       also list every question the combined classifier got wrong
 *   -c NAME  the council's name (default LSS-samverkan)
 *   -s SEED  another shuffle of the folds: the fitted model moves a few
 *            borderline questions whenever its training texts change, so
 *            a change is judged over several seeds
 *   -q       skip the throughput run
 *   -H FILE  only the held-out measurement on FILE (CATEGORY<TAB>QUESTION
 *            lines), listing every question it got wrong */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agendad/classify.h"
#include "agendad/util.h"

#ifndef TEST_DATA
#define TEST_DATA "tests/data"
#endif
#ifndef CONFIG_DIR
#define CONFIG_DIR "config"
#endif

#define FOLDS           10
#define SEED            20250601u
#define GENERATED_LINES 200000
#define MAX_FILE        (16 * 1024 * 1024)

static const char *council_name = "LSS-samverkan";

struct example {
	char *category;
	char *text;
	int fold;
};

struct examples {
	struct example *v;
	size_t n, cap;
};

struct outcome {
	size_t truth, predicted; /* category indexes */
	double score;
	char evidence[256];
};

static uint64_t rng_state = SEED;
static unsigned long fold_seed = SEED;

static uint32_t rng_next(void)
{
	/* xorshift64*: deterministic across machines, unlike rand() */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_tsv(struct examples *ex, const char *path, struct buf *all)
{
	char *data, *line, *save = NULL;
	size_t size;

	if (util_read_file(path, MAX_FILE, &data, &size) < 0) {
		perror(path);
		exit(1);
	}
	buf_append(all, data, size);
	if (size > 0 && data[size - 1] != '\n')
		buf_append_char(all, '\n');
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#' || tab == NULL)
			continue;
		*tab = '\0';
		if (ex->n == ex->cap) {
			ex->cap = ex->cap ? ex->cap * 2 : 1024;
			ex->v = xreallocarray(ex->v, ex->cap, sizeof(*ex->v));
		}
		ex->v[ex->n].category = xstrdup(str_trim(line));
		ex->v[ex->n].text = xstrdup(str_trim(tab + 1));
		ex->n++;
	}
	free(data);
}

static void load_dir(struct examples *ex, const char *dir, struct buf *all)
{
	struct strlist names = {0};
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (dp == NULL) {
		perror(dir);
		exit(1);
	}
	while ((d = readdir(dp)) != NULL)
		if (str_suffix_ci(d->d_name, ".tsv"))
			strlist_push(&names, xasprintf("%s/%s", dir, d->d_name));
	closedir(dp);
	qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++)
		load_tsv(ex, names.v[i], all);
	strlist_free(&names);
}

/* The config without keyword lists: lines whose key is a weight or
 * "decides" (which names keywords of the lists), and the indented lines
 * that continue them. */
static char *strip_keywords(const char *conf)
{
	struct buf out = {0};
	bool in_list = false;

	for (const char *p = conf; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p + 1) : strlen(p);
		bool indented = p[0] == ' ' || p[0] == '\t';

		if (indented && in_list) {
			p += len;
			continue;
		}
		in_list = (p[0] >= '0' && p[0] <= '9') || p[0] == '.' ||
			  strncmp(p, "decides", 7) == 0;
		if (!in_list)
			buf_append(&out, p, len);
		p += len;
	}
	return buf_steal(&out);
}

/* The config with its threshold replaced. */
static char *with_threshold(const char *conf, const char *threshold)
{
	struct buf out = {0};

	buf_printf(&out, "threshold = %s\n", threshold);
	for (const char *p = conf; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p + 1) : strlen(p);

		if (strncmp(p, "threshold", 9) != 0)
			buf_append(&out, p, len);
		p += len;
	}
	return buf_steal(&out);
}

static struct classifier *new_classifier(const char *conf)
{
	struct classifier *cl;
	struct error error = {0};

	if (classify_new(conf, "categories.conf", &cl, &error) < 0 ||
	    classify_set_council(cl, council_name, &error) < 0) {
		fprintf(stderr, "eval: %s\n", error.text);
		exit(1);
	}
	return cl;
}

static size_t index_of(const struct classifier *cl, const char *id)
{
	const struct classify_category *c = classify_category(cl, id);

	for (size_t i = 0; i < classify_n_categories(cl); i++)
		if (classify_category_at(cl, i) == c)
			return i;
	fprintf(stderr, "eval: unknown category '%s'\n", id);
	exit(1);
}

/* Cross-validates conf; trained=false leaves the model empty. Training goes
 * through classify_train_tsv(), as in the daemon. */
static void cross_validate(const struct examples *ex, const char *conf, bool trained,
			   struct outcome *out)
{
	for (int fold = 0; fold < FOLDS; fold++) {
		struct classifier *cl = new_classifier(conf);
		struct error error = {0};
		struct buf tsv = {0};

		for (size_t i = 0; trained && i < ex->n; i++)
			if (ex->v[i].fold != fold)
				buf_printf(&tsv, "%s\t%s\n", ex->v[i].category, ex->v[i].text);
		if (trained && classify_train_tsv(cl, tsv.data, "training folds", &error) < 0) {
			fprintf(stderr, "eval: %s\n", error.text);
			exit(1);
		}
		buf_free(&tsv);
		for (size_t i = 0; i < ex->n; i++) {
			struct classification r;

			if (ex->v[i].fold != fold)
				continue;
			classify_text(cl, ex->v[i].text, &r);
			out[i].truth = index_of(cl, ex->v[i].category);
			out[i].predicted = index_of(cl, r.category);
			out[i].score = r.score;
			memcpy(out[i].evidence, r.evidence, sizeof(out[i].evidence));
		}
		classify_free(&cl);
	}
}

struct figures {
	double accuracy, macro_f1;
	double precision[64], recall[64], f1[64];
	size_t support[64];
};

static void figures(const struct outcome *out, size_t n, size_t n_cat, struct figures *f)
{
	size_t correct = 0;

	memset(f, 0, sizeof(*f));
	for (size_t c = 0; c < n_cat; c++) {
		size_t tp = 0, pred = 0, truth = 0;

		for (size_t i = 0; i < n; i++) {
			tp += out[i].truth == c && out[i].predicted == c;
			pred += out[i].predicted == c;
			truth += out[i].truth == c;
		}
		f->precision[c] = pred ? (double)tp / pred : 0;
		f->recall[c] = truth ? (double)tp / truth : 0;
		f->f1[c] = f->precision[c] + f->recall[c] > 0 ? 2 * f->precision[c] * f->recall[c] /
								    (f->precision[c] + f->recall[c])
							      : 0;
		f->support[c] = truth;
		f->macro_f1 += f->f1[c] / (double)n_cat;
	}
	for (size_t i = 0; i < n; i++)
		correct += out[i].truth == out[i].predicted;
	f->accuracy = (double)correct / (double)n;
}

static void print_confusion(const struct classifier *cl, const struct outcome *out, size_t n,
			    const char *label)
{
	size_t n_cat = classify_n_categories(cl);

	printf("\nconfusion (%s; rows: true category, columns: predicted)\n%-4s", label, "");
	for (size_t c = 0; c < n_cat; c++)
		printf("%4zu", c + 1);
	printf("\n");
	for (size_t t = 0; t < n_cat; t++) {
		printf("%3zu ", t + 1);
		for (size_t p = 0; p < n_cat; p++) {
			size_t k = 0;

			for (size_t i = 0; i < n; i++)
				k += out[i].truth == t && out[i].predicted == p;
			if (k == 0)
				printf("%4s", ".");
			else
				printf("%4zu", k);
		}
		printf("  %s\n", classify_category_at(cl, t)->id);
	}
}

static void print_per_category(const struct classifier *cl, const struct figures *f,
			       const char *label)
{
	printf("\nper category (%s)\n%-22s %9s %9s %9s %8s\n", label, "category", "precision",
	       "recall", "F1", "support");
	for (size_t c = 0; c < classify_n_categories(cl); c++)
		printf("%-22s %9.3f %9.3f %9.3f %8zu\n", classify_category_at(cl, c)->id,
		       f->precision[c], f->recall[c], f->f1[c], f->support[c]);
}

/* The classifier cl (already trained on everything) on the held-out file. */
static int holdout(const struct classifier *cl, const char *path)
{
	struct examples ho = {0};
	struct buf ignored = {0};
	struct outcome *out;
	struct figures f;
	size_t n_cat = classify_n_categories(cl), fallback = index_of(cl, CLASSIFY_FALLBACK);
	size_t unsure = 0;

	load_tsv(&ho, path, &ignored);
	buf_free(&ignored);
	if (ho.n == 0) {
		fprintf(stderr, "eval: %s: no labelled questions\n", path);
		return 1;
	}
	out = xcalloc(ho.n, sizeof(*out));
	for (size_t i = 0; i < ho.n; i++) {
		struct classification r;

		classify_text(cl, ho.v[i].text, &r);
		out[i].truth = index_of(cl, ho.v[i].category);
		out[i].predicted = index_of(cl, r.category);
		out[i].score = r.score;
		memcpy(out[i].evidence, r.evidence, sizeof(out[i].evidence));
		unsure += out[i].predicted == fallback && out[i].truth != fallback;
	}
	figures(out, ho.n, n_cat, &f);
	printf("agendad classify held-out evaluation: %zu questions in %s, %zu categories\n\n",
	       ho.n, path, n_cat);
	printf("accuracy %.3f  macro-F1 %.3f  (sent to %s by mistake: %zu)\n", f.accuracy,
	       f.macro_f1, CLASSIFY_FALLBACK, unsure);
	print_per_category(cl, &f, "held out");
	print_confusion(cl, out, ho.n, "held out");
	printf("\nwrong: true -> predicted (confidence) [evidence] question\n");
	for (size_t i = 0; i < ho.n; i++)
		if (out[i].truth != out[i].predicted)
			printf("%s -> %s (%.2f) [%s] %s\n",
			       classify_category_at(cl, out[i].truth)->id,
			       classify_category_at(cl, out[i].predicted)->id, out[i].score,
			       out[i].evidence, ho.v[i].text);
	for (size_t i = 0; i < ho.n; i++) {
		free(ho.v[i].category);
		free(ho.v[i].text);
	}
	free(ho.v);
	free(out);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A line made of the first half of one question and the second half of
 * another, so the throughput run does not classify 600 texts over and over. */
static char *generated_line(const struct examples *ex)
{
	const char *a = ex->v[rng_next() % ex->n].text, *b = ex->v[rng_next() % ex->n].text;
	const char *cut_a = a + strlen(a) / 2, *cut_b = b + strlen(b) / 2;

	while (*cut_a != '\0' && *cut_a != ' ')
		cut_a++;
	while (*cut_b != '\0' && *cut_b != ' ')
		cut_b++;
	return xasprintf("%.*s%s", (int)(cut_a - a), a, cut_b);
}

int main(int argc, char **argv)
{
	bool verbose = false, quick = false;
	const char *holdout_path = NULL, *conf_path, *tsv_dir;
	struct examples ex = {0};
	struct buf all = {0};
	struct outcome *combined, *keywords, *model, *raw;
	struct figures f;
	struct classifier *cl;
	char *conf, *model_conf, *raw_conf, **lines;
	size_t size, n_cat, *order, unsure = 0;
	double t0, elapsed, sum_score = 0;
	int opt;

	while ((opt = getopt(argc, argv, "vqc:s:H:")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'q':
			quick = true;
			break;
		case 'c':
			council_name = optarg;
			break;
		case 's':
			fold_seed = strtoul(optarg, NULL, 10);
			rng_state = fold_seed;
			break;
		case 'H':
			holdout_path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: eval_classify [-v|-q] [-c NAME] [-s SEED] [-H FILE] "
				"[CATEGORIES_CONF [TSV_DIR]]\n");
			return 64;
		}
	}
	conf_path = optind < argc ? argv[optind] : CONFIG_DIR "/categories.conf";
	tsv_dir = optind + 1 < argc ? argv[optind + 1] : TEST_DATA "/classify";
	if (util_read_file(conf_path, MAX_FILE, &conf, &size) < 0) {
		perror(conf_path);
		return 1;
	}
	load_dir(&ex, tsv_dir, &all);
	cl = new_classifier(conf);
	n_cat = classify_n_categories(cl);
	{
		struct error error = {0};

		/* the daemon trains from the same files concatenated */
		if (classify_train_tsv(cl, all.data, "cat *.tsv", &error) < 0) {
			fprintf(stderr, "eval: %s\n", error.text);
			return 1;
		}
	}
	if (holdout_path != NULL) {
		int rc = holdout(cl, holdout_path);

		for (size_t i = 0; i < ex.n; i++) {
			free(ex.v[i].category);
			free(ex.v[i].text);
		}
		free(ex.v);
		free(conf);
		buf_free(&all);
		classify_free(&cl);
		return rc;
	}
	for (size_t i = 0; i < ex.n; i++)
		for (size_t j = i + 1; j < ex.n; j++)
			if (strcmp(ex.v[i].text, ex.v[j].text) == 0)
				printf("warning: the same question twice: %s\n", ex.v[i].text);
	/* stratified folds: shuffle, then deal each category round-robin */
	order = xmalloc(ex.n * sizeof(*order));
	for (size_t i = 0; i < ex.n; i++)
		order[i] = i;
	for (size_t i = ex.n; i > 1; i--) {
		size_t j = rng_next() % i, t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	for (size_t c = 0, next = 0; c < n_cat; c++)
		for (size_t k = 0; k < ex.n; k++) {
			struct example *e = &ex.v[order[k]];

			if (strcmp(e->category, classify_category_at(cl, c)->id) == 0)
				e->fold = (int)(next++ % FOLDS);
		}

	combined = xcalloc(ex.n, sizeof(*combined));
	keywords = xcalloc(ex.n, sizeof(*keywords));
	model = xcalloc(ex.n, sizeof(*model));
	raw = xcalloc(ex.n, sizeof(*raw));
	{
		/* the model alone, without the fallback (whose threshold is set for
		 * the combination) */
		char *stripped = strip_keywords(conf);

		model_conf = with_threshold(stripped, "0");
		free(stripped);
	}
	raw_conf = with_threshold(conf, "0");
	cross_validate(&ex, conf, true, combined);
	cross_validate(&ex, conf, false, keywords);
	cross_validate(&ex, model_conf, true, model);
	cross_validate(&ex, raw_conf, true, raw);

	printf("agendad classify evaluation: %zu labelled questions, %zu categories, "
	       "%d-fold cross-validation (seed %lu)\n\n",
	       ex.n, n_cat, FOLDS, fold_seed);
	printf("%-15s %9s %9s\n", "variant", "accuracy", "macro-F1");
	figures(combined, ex.n, n_cat, &f);
	printf("%-15s %9.3f %9.3f\n", "combined", f.accuracy, f.macro_f1);
	figures(keywords, ex.n, n_cat, &f);
	printf("%-15s %9.3f %9.3f\n", "keywords only", f.accuracy, f.macro_f1);
	figures(model, ex.n, n_cat, &f);
	printf("%-15s %9.3f %9.3f\n", "model only", f.accuracy, f.macro_f1);

	figures(combined, ex.n, n_cat, &f);
	print_per_category(cl, &f, "combined");
	print_confusion(cl, combined, ex.n, "combined");

	printf("\nthreshold sweep (combined; below the threshold a question goes to %s)\n",
	       CLASSIFY_FALLBACK);
	printf("%9s %9s %9s %18s\n", "threshold", "accuracy", "to-ovrigt", "accuracy-of-rest");
	for (int step = 0; step <= 12; step++) {
		double t = step * 0.05;
		size_t correct = 0, moved = 0, rest = 0, rest_ok = 0;
		size_t fallback = index_of(cl, CLASSIFY_FALLBACK);

		for (size_t i = 0; i < ex.n; i++) {
			size_t p = raw[i].score < t ? fallback : raw[i].predicted;

			correct += p == raw[i].truth;
			if (raw[i].score < t) {
				moved++;
			} else {
				rest++;
				rest_ok += raw[i].predicted == raw[i].truth;
			}
		}
		printf("%9.2f %9.3f %8.1f%% %18.3f\n", t, (double)correct / ex.n,
		       100.0 * moved / ex.n, rest ? (double)rest_ok / rest : 0);
	}
	for (size_t i = 0; i < ex.n; i++) {
		sum_score += combined[i].score;
		unsure += combined[i].predicted == index_of(cl, CLASSIFY_FALLBACK) &&
			  combined[i].truth != combined[i].predicted;
	}
	printf("mean confidence %.3f; sent to %s by mistake: %zu\n", sum_score / ex.n,
	       CLASSIFY_FALLBACK, unsure);

	if (verbose) {
		printf("\nwrong (combined): true -> predicted (confidence) [evidence] question\n");
		for (size_t i = 0; i < ex.n; i++)
			if (combined[i].truth != combined[i].predicted)
				printf("%s -> %s (%.2f) [%s] %s\n",
				       classify_category_at(cl, combined[i].truth)->id,
				       classify_category_at(cl, combined[i].predicted)->id,
				       combined[i].score, combined[i].evidence, ex.v[i].text);
	}

	lines = xmalloc(GENERATED_LINES * sizeof(*lines));
	size = 0;
	for (size_t i = 0; i < GENERATED_LINES && !quick; i++) {
		lines[i] = generated_line(&ex);
		size += strlen(lines[i]) + 1;
	}
	if (!quick) {
		struct classification r;
		size_t checksum = 0;

		for (size_t i = 0; i < 1000; i++) /* warm the buffers */
			classify_text(cl, lines[i], &r);
		t0 = now();
		for (size_t i = 0; i < GENERATED_LINES; i++) {
			classify_text(cl, lines[i], &r);
			checksum += r.category[0];
		}
		elapsed = now() - t0;
		printf("\nthroughput: %d questions (%.1f MB) in %.2f s on one core: "
		       "%.0f questions/s (checksum %zu)\n",
		       GENERATED_LINES, size / 1e6, elapsed, GENERATED_LINES / elapsed, checksum);
	}

	for (size_t i = 0; i < GENERATED_LINES && !quick; i++)
		free(lines[i]);
	free(lines);
	for (size_t i = 0; i < ex.n; i++) {
		free(ex.v[i].category);
		free(ex.v[i].text);
	}
	free(ex.v);
	free(order);
	free(combined);
	free(keywords);
	free(model);
	free(raw);
	free(conf);
	free(model_conf);
	free(raw_conf);
	buf_free(&all);
	classify_free(&cl);
	return 0;
}

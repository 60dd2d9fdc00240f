/* classify.h - the topic of a question, and how alike two questions are.
 *
 * Pure stage. A classifier holds the categories of categories.conf (id,
 * Swedish heading, weighted keywords and phrases, responsible official) and a
 * learned model (logistic regression over stems, character n-grams and the
 * keyword scores) trained from labelled examples; the keyword score and the
 * model are combined. Text is NFC-normalised and case-folded with utf8proc and stemmed
 * with libstemmer's Swedish stemmer; keywords also match inside compounds
 * ("korttidstillsynen", "LSS-boendet"). */
#ifndef AGENDAD_CLASSIFY_H
#define AGENDAD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "agendad/err.h"
#include "agendad/util.h"

#define CLASSIFY_FALLBACK "ovrigt"

struct classifier;

struct classify_category {
	const char *id; /* "boende" */
	const char *heading; /* "Boende enligt LSS och SoL" */
	const char *official; /* responsible official, or NULL */
};

struct classification {
	const char *category; /* borrowed from the classifier */
	double score; /* confidence in [0,1] */
	bool confident; /* false: placed under CLASSIFY_FALLBACK for the secretary to check */
	char evidence[256]; /* the words that decided, comma-separated */
};

/* Parses categories.conf text (filename is for error messages: "FILE:LINE:
 * ..."). The 15 category ids of DESIGN.md must all be present. The caller owns
 * *classifier_r. */
int classify_new(const char *categories_text, const char *filename,
		 struct classifier **classifier_r, struct error *error_r);
void classify_free(struct classifier **classifier);

/* Adds one labelled example to the model; takes effect at once. Returns -1
 * when category is not a known id. */
int classify_train(struct classifier *classifier, const char *text, const char *category,
		   struct error *error_r);
/* Parses "category<TAB>text" lines (blank lines and # comments skipped) and
 * trains on each. */
int classify_train_tsv(struct classifier *classifier, const char *tsv, const char *filename,
		       struct error *error_r);

void classify_text(const struct classifier *classifier, const char *text,
		   struct classification *result_r);

/* Similarity of two questions in [0,1], for near-duplicates. */
double classify_similarity(const struct classifier *classifier, const char *a, const char *b);

size_t classify_n_categories(const struct classifier *classifier);
/* i < classify_n_categories(); order is that of categories.conf, which is the
 * order of the agenda. */
const struct classify_category *classify_category_at(const struct classifier *classifier,
						     size_t i);
const struct classify_category *classify_category(const struct classifier *classifier,
						  const char *id);

/* Normalised tokens (stems) of text, appended to tokens_r; exposed for tests
 * and the fuzzer. */
void classify_tokenize(const struct classifier *classifier, const char *text,
		       struct strlist *tokens_r);

#endif

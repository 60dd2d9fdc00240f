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

/* The format of classify_export(). Bump it when the format, the fitting or the
 * features change in code (a change of categories.conf, of the constants of the
 * decision, of the stopwords or of what libstemmer and utf8proc make of words
 * is noticed by classify_import() itself). */
#define CLASSIFY_MODEL_VERSION 3

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

/* The council's own name ([council] name, "LSS-samverkan") is no topic: a
 * question about the council's meetings names it, and its words
 * ("samverkan") are keywords of a category. It is taken out of every text
 * before anything reads it (keywords, model, similarity, tokens): as whole
 * words, whatever the case and accents, with "-" and spaces alike, also
 * inflected ("LSS-samverkans", "KFR:s") and as the first part of a compound
 * ("LSS-samverkansmötet" reads as "mötet"). Call it before any training or
 * import (-1 with ERR_FATAL after): a model learned with another name is
 * another model, which classify_import() refuses. NULL or "" takes nothing
 * out. */
int classify_set_council(struct classifier *classifier, const char *name, struct error *error_r);

/* Adds one labelled example to the model; takes effect at once. Returns -1
 * when category is not a known id. */
int classify_train(struct classifier *classifier, const char *text, const char *category,
		   struct error *error_r);
/* A secretary's correction: trained as classify_train() does, and
 * remembered, because one example among a thousand moves the model little.
 * For a later text whose similarity (classify_similarity()) to the nearest
 * corrected one is sim >= CLASSIFY_CORRECTION_NEAR, the probabilities become
 * (1 - a) * p + a * [her category], a = min(1, sim / CLASSIFY_CORRECTION_SAME):
 * above SAME / 2 her category wins, at SAME it is the answer. */
#define CLASSIFY_CORRECTION_NEAR 0.2
#define CLASSIFY_CORRECTION_SAME 0.55
int classify_correct(struct classifier *classifier, const char *text, const char *category,
		     struct error *error_r);
/* Parses "category<TAB>text" lines (blank lines and # comments skipped) and
 * trains on each. */
int classify_train_tsv(struct classifier *classifier, const char *tsv, const char *filename,
		       struct error *error_r);

/* Everything classify_train() and classify_train_tsv() learned (weights,
 * vocabulary, document frequencies for the similarity, the remembered texts,
 * the kept training texts that a later full fit starts from) as bytes in a
 * versioned, little-endian format ending in a checksum, for a cache: a
 * classifier that imports them behaves bit for bit as this one. The caller
 * frees *blob_r. Cost: about 2 MB and a few ms for the shipped set. */
void classify_export(const struct classifier *classifier, void **blob_r, size_t *size_r);
/* Replaces the learned state of classifier (built by classify_new() from the
 * same categories text, trained or not) by an exported one. Returns -1 with
 * ERR_FATAL, leaving the classifier as it was, when the blob is of another
 * format version, was made with other categories or another text pipeline, or
 * is damaged (truncated, a byte changed, empty): the caller then fits anew.
 * The blob is only read; the caller keeps it. */
int classify_import(struct classifier *classifier, const void *blob, size_t size,
		    struct error *error_r);

void classify_text(const struct classifier *classifier, const char *text,
		   struct classification *result_r);

/* A reader classifies with a classifier's learned state on another thread:
 * it has its own working space and stemmer and only reads the classifier's
 * tables, so readers (and classify_text() on the classifier itself) may run
 * at the same time, each on one thread. Its answers are those of
 * classify_text(). It must be freed before the classifier is trained again
 * or freed. */
struct classify_reader;
struct classify_reader *classify_reader_new(const struct classifier *classifier);
void classify_read(struct classify_reader *reader, const char *text,
		   struct classification *result_r);
void classify_reader_free(struct classify_reader **reader);

/* Similarity of two questions in [0,1], for near-duplicates: the cosine of
 * their idf-weighted stems and n-grams, 1 for the same features. */
double classify_similarity(const struct classifier *classifier, const char *a, const char *b);

/* The same, for a text compared with many: its features computed once (the
 * cost of a similarity is nearly all in them). A vector belongs to the
 * classifier state it was made with: training changes the weights, so
 * vectors are made again after classify_train(). text may be NULL (empty). */
struct classify_vector;
struct classify_vector *classify_vector_new(const struct classifier *classifier,
					    const char *text);
double classify_vector_similarity(const struct classify_vector *a,
				  const struct classify_vector *b);
void classify_vector_free(struct classify_vector **vector);

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

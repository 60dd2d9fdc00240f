/* classify_p.h - private to the classify module: classify.c (the public
 * API and the decision), classify_conf.c (categories.conf), classify_model.c
 * (the learned model) and classify_text.c (the text pipeline).
 *
 * One text goes through one pipeline, whatever it is used for (training,
 * classification, similarity, keywords in categories.conf):
 *   UTF-8 -> code points, NFC and case-folded (utf8proc; a fast path for
 *   ASCII and Latin-1 that needs no table look-up) -> words (letters, marks
 *   and digits; "§" is a word of its own) -> per word: the folded form (what
 *   the stemmer and the evidence see) and the skeleton (accents stripped, so
 *   "fardtjanst" and "färdtjänst" meet, and so do "servicebostad" and
 *   "servicebostäder") -> the keyword stream " w1 w2 ... " of skeletons,
 *   and the model features (stems, character n-grams within the word with
 *   boundary markers, stem bigrams) as 64-bit hashes.
 * All of it lives in a reusable struct classify_doc, so classifying a text
 * allocates nothing once the buffers have grown to fit. */
#ifndef AGENDAD_CLASSIFY_P_H
#define AGENDAD_CLASSIFY_P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agendad/classify.h"
#include "agendad/err.h"
#include "agendad/util.h"

struct sb_stemmer;

/* DESIGN.md fixes 15; room for a few more keeps the arrays fixed-size. */
#define CLASSIFY_MAX_CATEGORIES 32

/* Bytes of a text that are looked at; the rest of a longer text is ignored
 * (a question with a long background is decided by its first 16 KiB). */
#define CLASSIFY_MAX_TEXT 16384
/* Longer words are cut (no Swedish word in this domain comes close). */
#define CLASSIFY_MAX_WORD 48

enum classify_feature_kind {
	FEAT_STEM,
	FEAT_GRAM,
	FEAT_BIGRAM,
	FEAT_KINDS,
};

struct classify_word {
	uint32_t fold_off; /* into doc->fold, NUL-terminated */
	uint32_t skel_off; /* into doc->stream */
	uint16_t fold_len, skel_len;
	uint64_t stem_hash; /* of the skeleton of the stem; 0 for stopwords */
	bool stop;
	/* in a sentence that asks (ends with "?", or "undrar", "vill veta"),
	 * or in the title line before the first newline */
	bool asks;
};

struct classify_feature {
	uint64_t hash;
	uint32_t word; /* index into doc->words */
	uint8_t kind;  /* enum classify_feature_kind */
};

struct classify_match {
	uint32_t start, end; /* byte span in doc->stream */
	uint32_t keyword;    /* index into the classifier's keywords */
	uint32_t pattern;
};

/* A phrase taken out of every text (classify_set_council()): its folded
 * code points as skeletons, each run of separators as one PHRASE_GAP. */
#define PHRASE_GAP (-1)
struct classify_phrase {
	int32_t *cps; /* NULL: none */
	size_t n;
};

/* A word's stem hash, remembered (classify_doc_words()): the stemmer was
 * nearly a tenth of a classification, and questions say the same words
 * again. */
#define STEM_MEMO_SLOTS 2048 /* a power of two */
#define STEM_MEMO_WORD  23   /* longer folded words are not remembered */
struct classify_stem_memo {
	uint64_t stem_hash;
	uint8_t len; /* of word; 0: empty */
	char word[STEM_MEMO_WORD];
};

struct classify_doc {
	int32_t *cps; /* code points, NFC and case-folded */
	size_t n_cps, cps_cap;
	struct buf clean;   /* the input with invalid UTF-8 replaced, when needed */
	struct buf fold;    /* each word's folded UTF-8, NUL-terminated */
	struct buf stream;  /* " skel1 skel2 ... " for the keyword automaton */
	struct buf stem_in; /* scratch for the stemmer */
	struct classify_word *words;
	size_t n_words, words_cap;
	struct classify_feature *feats;
	size_t n_feats, feats_cap;
	struct classify_match *matches;
	size_t n_matches, matches_cap;
	/* words in asking sentences; when some are and some are not, the
	 * others are background (classify_doc_words()) */
	size_t n_asking;
	/* where the text's first asking sentence after the title starts (a
	 * byte offset in stream; UINT32_MAX: none), and how many words after
	 * it do not ask: the background that follows a question */
	uint32_t asked_at;
	size_t n_after;
	/* words of the title line before the first line break (0: none) */
	size_t n_title;
	/* STEM_MEMO_SLOTS of them by a hash of the folded word, or NULL; valid
	 * for the stemmer stem_memo_of only */
	struct classify_stem_memo *stem_memo;
	const struct sb_stemmer *stem_memo_of;
};

/* Keywords of categories.conf, matched by one Aho-Corasick automaton over the
 * keyword stream. A keyword matches anywhere, so inside compounds
 * ("korttidstillsyn" in "korttidstillsynen"), unless "|" marks a word
 * boundary ("|kö|"); a keyword of several words also matches written as one
 * ("dagligverksamhet"). */
struct classify_keyword {
	char *display; /* as written in categories.conf, without "|" */
	uint32_t category;
	float weight;
	/* says where or among whom a question is set (a place, a service, a
	 * group of people: "gruppbostad", "skolan", "personal"), not what it
	 * asks: see keyword_scores() in classify.c */
	bool context;
	/* names no topic though a keyword is inside it ("hur jobbar kommunen"
	 * is no work): it hides the keywords it overlaps and weighs nothing;
	 * category is 0 */
	bool neutral;
	/* in the sentences that ask, it decides the category whatever else
	 * they name ("decides =" in categories.conf: a fee is a question on
	 * the economy, whatever it is a fee for); see decided_topic() */
	bool decides;
};

struct classify_automaton {
	uint8_t byte_class[256]; /* 0: a byte no pattern contains */
	uint32_t n_classes;
	/* n_states * n_classes, a complete DFA: the next state, in 16 bits
	 * where the states fit (next16; the table is a classifier's largest
	 * allocation), else in 32 (next32); the other is NULL. States are
	 * numbered breadth first, so the shallow states that most bytes visit
	 * share cache lines. */
	uint16_t *next16;
	uint32_t *next32;
	uint8_t *ends;   /* per state: some pattern ends there or on its failure chain */
	int32_t *trie;   /* while building: the trie, then the DFA, unnumbered */
	int32_t *out;    /* pattern that ends in this state, or -1 */
	int32_t *dict;   /* nearest state on the failure chain with out >= 0, or -1 */
	uint32_t *depth; /* bytes from the root: the span of a match */
	/* of the longest pattern */
	uint32_t max_depth;
	size_t n_states;
	/* Of the patterns only those that can be a compound written apart
	 * (apart_matches() in classify_text.c); NULL when there are none. */
	struct classify_automaton *apart;
};

struct classify_pattern {
	char *bytes; /* skeleton, with ' ' for word boundaries */
	/* For a short keyword with å, ä or ö: its folded form, which the text
	 * must have too, so that "tåg" does not match "tag". NULL otherwise. */
	char *exact;
	uint32_t keyword;
};

/* The keywords a misspelt word may still be (classify_fuzzy_match()): the
 * patterns of one word of at least FUZZY_MIN_KEYWORD letters, by their
 * first letter. */
#define FUZZY_MIN_KEYWORD 7
struct classify_fuzzy {
	uint32_t *pattern;   /* indexes into the patterns, by first byte */
	uint8_t *skip, *len; /* per entry of pattern: boundary bytes before the letters, letters */
	uint32_t start[257]; /* of each first byte in pattern */
};

struct classify_stopwords {
	uint64_t *slots; /* open addressing over skeleton hashes, 0 empty */
	size_t mask;
};

/* The constants of the decision, set by cross-validation (make eval). */
struct classify_params {
	int gram_min, gram_max;           /* character n-gram lengths */
	bool bigrams;                     /* stem bigrams as features */
	float model_scale, keyword_scale; /* weights of the two scores */
	float sim_weight[FEAT_KINDS];     /* of stems and n-grams in the similarity */
	float threshold;                  /* below it: CLASSIFY_FALLBACK */
	float keyword_value;              /* of a matched keyword as a feature of its own */
	float context_value;              /* of context keywords beside another topic */
	float background_value;           /* of keywords only outside the asking sentences */
	float temperature;                /* of the softmax: calibrates the confidence */
	int epochs;                       /* of a full fit */
	float rate, l2;                   /* of stochastic gradient descent */
};

/* 8 bytes, so the table of a large model stays small in the cache: the low
 * bits of a feature hash choose the slot, the high 32 bits must match. */
struct classify_slot {
	uint32_t tag;   /* hash >> 32 */
	uint32_t row_1; /* row + 1; 0: empty */
};

/* Multinomial logistic regression over the features of a text (each once,
 * valued 1/sqrt of the number of features) and the keyword scores, so the
 * model learns how far to trust each category's keywords next to others
 * ("Wifi i gruppbostäderna" is about wifi). */
struct classify_model {
	struct classify_slot *slots; /* feature hash -> row, open addressing */
	size_t mask;
	size_t n_rows, rows_cap;
	uint64_t *hash; /* per row */
	float *w;       /* n_rows * n_categories */
	uint32_t *df;   /* training texts with the feature, for the similarity */
	float bias[CLASSIFY_MAX_CATEGORIES];
	float kw_w[CLASSIFY_MAX_CATEGORIES * CLASSIFY_MAX_CATEGORIES];
	uint32_t n_docs;
	/* every training text, for full fits: rows, value, keywords, label */
	uint32_t *ex_off, *ex_n, *ex_nk; /* rows: ex_n text features, then ex_nk keywords */
	uint8_t *ex_label;
	float *ex_x, *ex_kw;
	size_t n_ex, ex_cap;
	uint32_t *ex_rows;
	size_t n_ex_rows, ex_rows_cap;
	bool bulk; /* inside classify_train_tsv(): one fit at the end */
};

/* Texts trained before, keyed by their stem sequence. */
struct classify_memo {
	uint64_t key; /* 0: empty */
	uint16_t count[CLASSIFY_MAX_CATEGORIES];
	uint8_t last;
};

struct classify_memory {
	struct classify_memo *slots;
	size_t mask, n;
};

struct classify_sim_entry {
	uint64_t hash;
	float weight;
};

/* The secretary's corrections (classify_correct()), with their similarity
 * vectors. A vector depends on the document frequencies, which every
 * training changes: they are made again, lazily, when model.n_docs is no
 * longer the one they were made with. */
struct classify_correction {
	char *text;
	size_t category;
	struct classify_vector *vec;
};

struct classify_corrections {
	struct classify_correction *v;
	size_t n, cap;
	size_t made_at; /* model.n_docs when the vectors were made; SIZE_MAX: never */
};

struct classify_scratch {
	struct classify_doc doc[2];
	uint64_t *seen;    /* a bit per model row: see seen_reserve() in classify.c */
	size_t seen_cap;   /* in words */
	int32_t *feat_row; /* per feature of doc[0]: its row when first seen, or -1 */
	size_t feat_row_cap;
	uint32_t *rows; /* the known rows of doc[0], each once */
	size_t rows_cap;
	struct classify_sim_entry *sim; /* a hash set, see sim_vector() in classify.c */
	size_t sim_cap, sim_size;
};

struct classifier {
	size_t n_categories;
	struct classify_category categories[CLASSIFY_MAX_CATEGORIES];
	char *owned[CLASSIFY_MAX_CATEGORIES * 2]; /* headings and officials */
	size_t n_owned;
	size_t fallback; /* index of CLASSIFY_FALLBACK */
	struct classify_keyword *keywords;
	size_t n_keywords, keywords_cap;
	struct classify_pattern *patterns;
	size_t n_patterns, patterns_cap;
	struct classify_automaton ac;
	struct classify_fuzzy fuzzy;
	struct classify_stopwords stop;
	struct classify_phrase council; /* the council's name, taken out of texts */
	struct sb_stemmer *stemmer;     /* mutable behind const: see classify.c */
	struct classify_params params;
	struct classify_model model;
	struct classify_memory memory;
	struct classify_scratch *scratch; /* mutable behind const: see classify.c */
	struct classify_corrections *corrections; /* mutable behind const: vectors */
	/* What a learned model depends on besides its training texts, set by
	 * classify_new() (fingerprints() in classify.c): the setup (categories,
	 * keywords, parameters) and the text pipeline (stopwords, libstemmer,
	 * utf8proc). An exported model carries both; an import checks them. */
	uint64_t setup_fingerprint, pipeline_fingerprint;
};

/* The head of an exported model (classify_model.c has the whole format):
 * offsets of its little-endian fields, for the tests and the fuzzer. */
enum classify_blob_head {
	BLOB_MAGIC = 0,    /* 8 bytes, CLASSIFY_BLOB_MAGIC */
	BLOB_VERSION = 8,  /* u32, CLASSIFY_MODEL_VERSION */
	BLOB_N_CATEGORIES = 12,
	BLOB_SETUP = 16,    /* u64, classifier->setup_fingerprint */
	BLOB_PIPELINE = 24, /* u64, classifier->pipeline_fingerprint */
	BLOB_N_ROWS = 32,  /* u32 each from here */
	BLOB_N_DOCS = 36,
	BLOB_N_EX = 40,
	BLOB_N_EX_ROWS = 44,
	BLOB_N_MEMOS = 48,
	BLOB_RESERVED = 52, /* u32, 0 */
	BLOB_HEAD = 56,    /* bytes of the head */
	BLOB_CHECKSUM = 8, /* bytes of the trailing classify_checksum() */
};
#define CLASSIFY_BLOB_MAGIC "AGDMODEL"

/* classify_conf.c: fills categories, keywords and patterns. */
int classify_conf_parse(struct classifier *cl, const char *text, const char *filename,
			struct error *error_r);
int classify_category_index(const struct classifier *cl, const char *id);

/* classify_model.c */
/* The row of a feature, or -1. Inline: a text looks up every one of its
 * features, hundreds. */
static inline int64_t classify_model_find(const struct classify_model *m, uint64_t hash)
{
	uint32_t tag = (uint32_t)(hash >> 32);

	if (m->slots == NULL)
		return -1;
	for (size_t j = hash & m->mask; m->slots[j].row_1 != 0; j = (j + 1) & m->mask)
		if (m->slots[j].tag == tag)
			return (int64_t)m->slots[j].row_1 - 1;
	return -1;
}
/* The row of a feature, added when new. */
uint32_t classify_model_row(struct classifier *cl, uint64_t hash);
/* Logits z of a text: its known rows (each once), the value x of each, and
 * the keyword scores kw. */
void classify_model_logits(const struct classifier *cl, const uint32_t *rows, size_t n,
			   size_t n_key, float x, const float *kw, float *z);
/* Keeps a training text; returns its index. */
size_t classify_model_keep(struct classifier *cl, const uint32_t *rows, size_t n, size_t n_key,
			   float x, const float *kw, size_t label);
/* One gradient step on kept text e. */
void classify_model_step(struct classifier *cl, size_t e, float rate);
/* Fits the model to every kept text from scratch. */
void classify_model_fit(struct classifier *cl);
void classify_model_free(struct classify_model *m);
/* The checksum that ends an exported model (classify_export()): it changes
 * whenever any one 8-byte word of data changes, so any one flipped byte. */
uint64_t classify_checksum(const void *data, size_t len);
const struct classify_memo *classify_memory_find(const struct classify_memory *mem, uint64_t key);
void classify_memory_add(struct classify_memory *mem, uint64_t key, size_t category);

/* Hints that classify_model_find(m, hash), or the weights of row, are
 * wanted soon: they start the fetch from memory and change nothing. */
static inline void classify_model_prefetch(const struct classify_model *m, uint64_t hash)
{
	if (m->slots != NULL)
		__builtin_prefetch(&m->slots[hash & m->mask]);
}

static inline void classify_model_prefetch_row(const struct classifier *cl, uint32_t row)
{
	const float *w = &cl->model.w[(size_t)row * cl->n_categories];

	/* a row of 15 floats spans two cache lines as often as not */
	__builtin_prefetch(w);
	__builtin_prefetch(w + cl->n_categories - 1);
}

/* classify_text.c */
uint64_t classify_hash(const void *data, size_t len, uint64_t seed);
void classify_stopwords_init(struct classify_stopwords *sw);
void classify_stopwords_free(struct classify_stopwords *sw);
/* Fills doc->cps, words, fold and stream from text (at most
 * CLASSIFY_MAX_TEXT bytes), with every occurrence of phrase blanked out
 * (phrase may be NULL). stemmer may be NULL: then no stems (the keyword
 * patterns of categories.conf need none). */
void classify_doc_words(struct classify_doc *doc, const char *text,
			const struct classify_stopwords *sw, struct sb_stemmer *stemmer,
			const struct classify_phrase *phrase);
/* Folds text into phrase (replacing what it held); an empty text, or one
 * without letters or digits, makes an empty phrase. */
void classify_phrase_set(struct classify_phrase *phrase, const char *text);
void classify_phrase_free(struct classify_phrase *phrase);
/* The model features of the words of doc (after classify_doc_words). */
void classify_doc_features(struct classify_doc *doc, int gram_min, int gram_max, bool bigrams);
/* The stem of a folded word, as UTF-8 in doc->stem_in (NUL-terminated). */
const char *classify_doc_stem(struct classify_doc *doc, struct sb_stemmer *stemmer,
			      const char *fold, size_t len, size_t *len_r);
void classify_doc_free(struct classify_doc *doc);

void classify_automaton_build(struct classify_automaton *ac, const struct classify_pattern *pats,
			      size_t n_pats);
/* Appends the keyword matches in doc->stream to doc->matches, dropping any
 * match that lies inside a longer one ("tillsyn" inside "korttidstillsyn"). */
void classify_automaton_match(const struct classify_automaton *ac,
			      const struct classify_pattern *pats, struct classify_doc *doc);
void classify_automaton_free(struct classify_automaton *ac);
void classify_fuzzy_build(struct classify_fuzzy *fz, const struct classify_pattern *pats,
			  size_t n_pats);
/* Appends to doc->matches, for each word of doc that no keyword matched
 * and that starts with a keyword but for one letter left out, added,
 * changed or two swapped after the first ("färdjänsten", "assistens"),
 * that keyword (the longest); a word shorter than the keyword plus one is
 * left alone, and so is a word whose stem the model known has seen
 * ("föreningens" is no misspelt "försening"). */
void classify_fuzzy_match(const struct classify_fuzzy *fz, const struct classify_pattern *pats,
			  const struct classify_model *known, struct classify_doc *doc);
void classify_fuzzy_free(struct classify_fuzzy *fz);

#endif

/* classify_conf.c - parses categories.conf (the format is documented at the
 * top of config/categories.conf) into the categories, keywords and keyword
 * patterns of a classifier.
 *
 * Every problem is "FILE:LINE: what is wrong", the first one found. A
 * keyword becomes one pattern per form it may take in the keyword stream
 * (classify_p.h): as written, and for several words also written as one
 * and with a word before the last inflected (add_inflections()). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_p.h"

/* categories.conf is written by people; a longer line is a mistake */
#define MAX_CONF_LINE 8192

/* The fixed ids of DESIGN.md; categories.conf must define each once. */
static const char *const fixed_ids[] = {
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
    CLASSIFY_FALLBACK,
};
#define N_FIXED (sizeof(fixed_ids) / sizeof(fixed_ids[0]))

int classify_category_index(const struct classifier *cl, const char *id)
{
	for (size_t i = 0; i < cl->n_categories; i++)
		if (strcmp(cl->categories[i].id, id) == 0)
			return (int)i;
	return -1;
}

struct conf_parse {
	struct classifier *cl;
	const char *filename;
	struct error *error;
	int line;
	int section_line[CLASSIFY_MAX_CATEGORIES];
	int current;       /* category index, -1 before the first section */
	float list_weight; /* of the keyword list being continued, 0: none */
	bool list_context; /* the list being continued holds context keywords */
	bool list_neutral; /* the list being continued is "neutral =" */
	bool list_decides; /* the list being continued is "decides =" */
	struct classify_doc doc;
	/* pattern strings seen so far, for duplicates */
	uint64_t *seen;
	uint32_t *seen_keyword;
	size_t seen_mask, n_seen;
};

static int conf_fail(struct conf_parse *cp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int conf_fail(struct conf_parse *cp, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_set(cp->error, ERR_FATAL, "%s:%d: %s", cp->filename, cp->line, what);
}

static char *own(struct classifier *cl, const char *s)
{
	char *copy = xstrdup(s);

	cl->owned[cl->n_owned++] = copy;
	return copy;
}

static int fixed_index(const char *id)
{
	for (size_t i = 0; i < N_FIXED; i++)
		if (strcmp(fixed_ids[i], id) == 0)
			return (int)i;
	return -1;
}

static void seen_grow(struct conf_parse *cp)
{
	size_t cap = cp->seen_mask ? (cp->seen_mask + 1) * 2 : 1024;
	uint64_t *keys = xcalloc(cap, sizeof(*keys));
	uint32_t *kws = xcalloc(cap, sizeof(*kws));

	for (size_t i = 0; cp->seen_mask && i <= cp->seen_mask; i++) {
		size_t j;

		if (cp->seen[i] == 0)
			continue;
		for (j = cp->seen[i] & (cap - 1); keys[j] != 0; j = (j + 1) & (cap - 1))
			;
		keys[j] = cp->seen[i];
		kws[j] = cp->seen_keyword[i];
	}
	free(cp->seen);
	free(cp->seen_keyword);
	cp->seen = keys;
	cp->seen_keyword = kws;
	cp->seen_mask = cap - 1;
}

/* Adds one pattern of keyword kw. A pattern already known from another
 * category is an error when it is the keyword as written (explicit) and is
 * skipped when it is only a variant ("dagligverksamhet"). */
static int add_pattern(struct conf_parse *cp, const char *bytes, const char *exact, uint32_t kw,
		       bool explicit)
{
	struct classifier *cl = cp->cl;
	uint64_t h = classify_hash(bytes, strlen(bytes), 99);

	/* the skeleton "tag" of "|tåg|" is not taken: "tåg" must be exact */
	if (exact != NULL)
		h = classify_hash(exact, strlen(exact), h);
	size_t j;

	if (cp->n_seen * 2 >= cp->seen_mask)
		seen_grow(cp);
	for (j = h & cp->seen_mask; cp->seen[j] != 0; j = (j + 1) & cp->seen_mask) {
		const struct classify_keyword *other;

		if (cp->seen[j] != h)
			continue;
		other = &cl->keywords[cp->seen_keyword[j]];
		if (explicit && (other->category != cl->keywords[kw].category ||
				 other->neutral != cl->keywords[kw].neutral))
			return conf_fail(cp, "keyword '%s' is already in %s%s%s",
					 cl->keywords[kw].display, other->neutral ? "" : "[",
					 other->neutral ? "neutral"
							: cl->categories[other->category].id,
					 other->neutral ? "" : "]");
		/* the same keyword twice in one category: the first weight holds */
		return 0;
	}
	cp->seen[j] = h;
	cp->seen_keyword[j] = kw;
	cp->n_seen++;
	if (cl->n_patterns == cl->patterns_cap) {
		cl->patterns_cap = cl->patterns_cap ? cl->patterns_cap * 2 : 256;
		cl->patterns = xreallocarray(cl->patterns, cl->patterns_cap, sizeof(*cl->patterns));
	}
	cl->patterns[cl->n_patterns].bytes = xstrdup(bytes);
	cl->patterns[cl->n_patterns].exact = exact != NULL ? xstrdup(exact) : NULL;
	cl->patterns[cl->n_patterns].keyword = kw;
	cl->n_patterns++;
	return 0;
}

static int add_keyword(struct conf_parse *cp, char *word)
{
	struct classifier *cl = cp->cl;
	struct classify_doc *doc = &cp->doc;
	struct classify_keyword *k;
	bool left, right;
	struct buf pat = {0}, joined = {0};
	size_t len, letters = 0;
	bool accents = false;
	const char *exact;
	uint32_t kw;
	int ret = 0;

	word = str_trim(word);
	len = strlen(word);
	left = len > 0 && word[0] == '|';
	right = len > 1 && word[len - 1] == '|';
	if (right)
		word[--len] = '\0';
	if (left)
		word = str_trim(word + 1);
	else
		word = str_trim(word);
	if (*word == '\0')
		return conf_fail(cp, "empty keyword in list");
	if (strchr(word, '|') != NULL)
		return conf_fail(cp, "'|' marks a word boundary only at the start or end of '%s'",
				 word);
	classify_doc_words(doc, word, NULL, NULL, NULL);
	if (doc->n_words == 0)
		return conf_fail(cp, "keyword '%s' has no letters or digits", word);
	if (cl->n_keywords == cl->keywords_cap) {
		cl->keywords_cap = cl->keywords_cap ? cl->keywords_cap * 2 : 256;
		cl->keywords = xreallocarray(cl->keywords, cl->keywords_cap, sizeof(*cl->keywords));
	}
	kw = (uint32_t)cl->n_keywords++;
	k = &cl->keywords[kw];
	k->display = xstrdup(word);
	k->category = cp->list_neutral ? 0 : (uint32_t)cp->current;
	k->weight = cp->list_neutral ? 0 : cp->list_weight;
	k->context = cp->list_context;
	k->neutral = cp->list_neutral;
	k->decides = false; /* "decides =" below its list may set it */
	if (left)
		buf_append_char(&pat, ' ');
	for (size_t i = 0; i < doc->n_words; i++) {
		const struct classify_word *w = &doc->words[i];

		if (i > 0)
			buf_append_char(&pat, ' ');
		buf_append(&pat, doc->stream.data + w->skel_off, w->skel_len);
		buf_append(&joined, doc->stream.data + w->skel_off, w->skel_len);
		letters += w->skel_len;
		accents = accents || w->fold_len != w->skel_len;
	}
	if (right)
		buf_append_char(&pat, ' ');
	/* a short keyword with å, ä or ö would meet other words as a skeleton */
	exact = accents && letters <= 5 && doc->n_words == 1 ? doc->fold.data : NULL;
	ret = add_pattern(cp, pat.data, exact, kw, true);
	if (ret == 0 && doc->n_words > 1) {
		buf_reset(&pat);
		if (left)
			buf_append_char(&pat, ' ');
		buf_append(&pat, joined.data, joined.len);
		if (right)
			buf_append_char(&pat, ' ');
		ret = add_pattern(cp, pat.data, NULL, kw, false);
	}
	buf_free(&pat);
	buf_free(&joined);
	return ret;
}

/* Endings a word inside a keyword of several words may take in a text:
 * definite, plural, genitive and adjective forms ("introduktionen för nya";
 * the last word's end is open anyway). Twice as many (-or, -ens, -arna, ...)
 * measured the same and cost half as much again in automaton. */
static const char *const inner_endings[] = {"a", "s", "n", "en", "et", "na", "ar", "er"};

/* Adds the variants of pattern bytes (len bytes) of keyword kw that have
 * one of inner_endings after the word ending at byte end. */
static void add_inflected_word(struct conf_parse *cp, const char *bytes, size_t len, size_t end,
			       uint32_t kw, struct buf *pat)
{
	for (size_t e = 0; e < sizeof(inner_endings) / sizeof(*inner_endings); e++) {
		buf_reset(pat);
		buf_append(pat, bytes, end);
		buf_append(pat, inner_endings[e], strlen(inner_endings[e]));
		buf_append(pat, bytes + end, len - end);
		(void)add_pattern(cp, pat->data, NULL, kw, false);
	}
}

/* The inflected forms of every keyword of several words: one word before
 * the last (of at least four letters, no digit) with one of inner_endings,
 * as variants, which give way to any keyword written so. Added after all
 * keywords are known, so that a variant never stands in the way of a
 * keyword that another category writes out. Cost: 8 patterns per such
 * word, which makes the automaton's table 4.2 MiB instead of 1.7; the time
 * per text stays the same (make eval). */
static void add_inflections(struct conf_parse *cp)
{
	struct classifier *cl = cp->cl;
	size_t n = cl->n_patterns;
	struct buf pat = {0};

	for (size_t p = 0; p < n; p++) {
		char *bytes;
		uint32_t kw = cl->patterns[p].keyword;
		size_t len, start;

		if (cl->keywords[kw].neutral || cl->patterns[p].exact != NULL)
			continue;
		/* a copy: add_pattern() may move the patterns */
		bytes = xstrdup(cl->patterns[p].bytes);
		len = strlen(bytes);
		start = bytes[0] == ' ' ? 1 : 0;
		for (size_t i = start; i + 1 < len; i++) {
			bool letters = i - start >= 4;

			if (bytes[i] != ' ')
				continue;
			for (size_t j = start; j < i && letters; j++)
				letters = !(bytes[j] >= '0' && bytes[j] <= '9');
			if (letters)
				add_inflected_word(cp, bytes, len, i, kw, &pat);
			start = i + 1;
		}
		free(bytes);
	}
	buf_free(&pat);
}

static int add_keyword_list(struct conf_parse *cp, char *list)
{
	char *save = NULL;
	char *word;

	/* a trailing comma lets a list go on at the next line */
	list = str_trim(list);
	if (*list != '\0' && list[strlen(list) - 1] == ',')
		list[strlen(list) - 1] = '\0';
	if (str_is_blank(list))
		return conf_fail(cp, "empty keyword list");
	for (word = strtok_r(list, ",", &save); word != NULL; word = strtok_r(NULL, ",", &save))
		if (add_keyword(cp, word) < 0)
			return -1;
	return 0;
}

static bool parse_weight(const char *s, float *weight_r)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v > 0.0) || v > 100.0)
		return false;
	*weight_r = (float)v;
	return true;
}

static int conf_section(struct conf_parse *cp, char *line)
{
	struct classifier *cl = cp->cl;
	char *id;
	size_t len = strlen(line);
	int fixed;

	if (line[len - 1] != ']')
		return conf_fail(cp, "expected '[category-id]'");
	line[len - 1] = '\0';
	id = str_trim(line + 1);
	fixed = fixed_index(id);
	if (fixed < 0)
		return conf_fail(cp, "unknown category id '%s'", id);
	for (size_t i = 0; i < cl->n_categories; i++)
		if (strcmp(cl->categories[i].id, id) == 0)
			return conf_fail(cp, "category '%s' defined twice (first at line %d)", id,
					 cp->section_line[i]);
	cp->current = (int)cl->n_categories++;
	cp->section_line[cp->current] = cp->line;
	cl->categories[cp->current].id = fixed_ids[fixed];
	cp->list_weight = 0;
	cp->list_neutral = false;
	cp->list_decides = false;
	return 0;
}

/* "decides = avgift, |taxa, ...": keywords of this category, as written in
 * a list above, that decide it where a question asks with them. */
static int mark_decisive(struct conf_parse *cp, char *value)
{
	struct classifier *cl = cp->cl;

	for (char *save = NULL, *item = strtok_r(value, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *word = str_trim(item);
		size_t len = strlen(word);
		bool found = false;

		if (len > 0 && word[len - 1] == '|')
			word[--len] = '\0';
		if (*word == '|')
			word++;
		if (*word == '\0')
			continue; /* "a, b," at the end of a continued line */
		for (size_t k = 0; k < cl->n_keywords; k++) {
			struct classify_keyword *kw = &cl->keywords[k];

			if (!kw->neutral && kw->category == (uint32_t)cp->current &&
			    strcmp(kw->display, word) == 0) {
				kw->decides = true;
				found = true;
			}
		}
		if (!found)
			return conf_fail(cp, "decides: '%s' is no keyword of [%s] above", word,
					 cl->categories[cp->current].id);
	}
	return 0;
}

static int conf_key(struct conf_parse *cp, char *key, char *value)
{
	struct classifier *cl = cp->cl;
	struct classify_category *cat;
	float weight;

	cp->list_weight = 0;
	cp->list_neutral = false;
	cp->list_decides = false;
	if (cp->current < 0) {
		if (strcmp(key, "threshold") == 0) {
			char *end;
			double v = strtod(value, &end);

			if (end == value || *end != '\0' || !(v >= 0.0 && v <= 1.0))
				return conf_fail(cp, "threshold must be a number from 0 to 1");
			cl->params.threshold = (float)v;
			return 0;
		}
		if (strcmp(key, "neutral") == 0) {
			cp->list_neutral = true;
			cp->list_context = false;
			return add_keyword_list(cp, value);
		}
		return conf_fail(cp, "'%s' outside a [category] section", key);
	}
	cat = &cl->categories[cp->current];
	if (strcmp(key, "heading") == 0) {
		if (*value == '\0')
			return conf_fail(cp, "empty heading");
		if (cat->heading != NULL)
			return conf_fail(cp, "heading given twice in [%s]", cat->id);
		cat->heading = own(cl, value);
		return 0;
	}
	if (strcmp(key, "official") == 0) {
		if (cat->official != NULL)
			return conf_fail(cp, "official given twice in [%s]", cat->id);
		cat->official = *value != '\0' ? own(cl, value) : NULL;
		return 0;
	}
	if (strcmp(key, "decides") == 0) {
		cp->list_decides = true;
		return mark_decisive(cp, value);
	}
	if ((key[0] >= '0' && key[0] <= '9') || key[0] == '.') {
		/* "2.5 context = gruppbostad, ...": a list of context keywords */
		char *mark = strpbrk(key, " \t");
		bool context = false;

		if (mark != NULL) {
			*mark = '\0';
			mark = str_trim(mark + 1);
			if (strcmp(mark, "context") != 0)
				return conf_fail(
				    cp, "unknown mark '%s' after weight %s (only 'context')", mark,
				    key);
			context = true;
		}
		if (!parse_weight(key, &weight))
			return conf_fail(cp, "bad weight '%s' (a number above 0, at most 100)",
					 key);
		cp->list_weight = weight;
		cp->list_context = context;
		return add_keyword_list(cp, value);
	}
	return conf_fail(cp, "unknown key '%s' in [%s]", key, cat->id);
}

static int conf_line(struct conf_parse *cp, char *raw)
{
	char *line, *eq;
	bool continued = raw[0] == ' ' || raw[0] == '\t';

	line = str_trim(raw);
	if (*line == '\0' || *line == '#')
		return 0;
	if (continued && (cp->list_weight > 0 || cp->list_neutral))
		return add_keyword_list(cp, line);
	if (continued && cp->list_decides)
		return mark_decisive(cp, line);
	if (continued)
		return conf_fail(cp, "indented line continues no keyword list");
	if (*line == '[')
		return conf_section(cp, line);
	eq = strchr(line, '=');
	if (eq == NULL)
		return conf_fail(cp, "expected 'key = value'");
	*eq = '\0';
	return conf_key(cp, str_trim(line), str_trim(eq + 1));
}

int classify_conf_parse(struct classifier *cl, const char *text, const char *filename,
			struct error *error_r)
{
	struct conf_parse cp = {
	    .cl = cl,
	    .filename = filename,
	    .error = error_r,
	    .current = -1,
	};
	const char *p = text;
	int ret = 0;

	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p != '\0' && ret == 0) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line;

		cp.line++;
		if (len > MAX_CONF_LINE) {
			ret = conf_fail(&cp, "line longer than %d bytes", MAX_CONF_LINE);
			break;
		}
		line = xstrndup(p, len);
		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		ret = conf_line(&cp, line);
		free(line);
		p = nl != NULL ? nl + 1 : p + len;
	}
	if (ret == 0)
		add_inflections(&cp);
	for (size_t i = 0; ret == 0 && i < cl->n_categories; i++)
		if (cl->categories[i].heading == NULL) {
			cp.line = cp.section_line[i];
			ret = conf_fail(&cp, "[%s] has no heading", cl->categories[i].id);
		}
	for (size_t i = 0; ret == 0 && i < N_FIXED; i++)
		if (classify_category_index(cl, fixed_ids[i]) < 0)
			ret = conf_fail(&cp, "category '%s' is missing", fixed_ids[i]);
	classify_doc_free(&cp.doc);
	free(cp.seen);
	free(cp.seen_keyword);
	return ret;
}

/* classify_text.c - from UTF-8 text to words, stems, features and keyword
 * matches for the classify module; see classify_p.h for the pipeline.
 *
 * Cost: this runs for every question and every training example, so the
 * common case (ASCII and Latin-1 Swedish, possibly with typographic quotes
 * and dashes) is folded by hand without utf8proc's tables, and no step
 * allocates once the buffers in struct classify_doc have grown. Anything
 * else (NFD input, other scripts, invalid UTF-8) goes the general way
 * through utf8proc, which gives the same result for the common case. */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "classify_p.h"

/* Function words, greetings and the words every question has ("undrar",
 * "fråga"), as skeletons (accents stripped). They carry no topic and would
 * make two unrelated questions look alike. */
static const char *const stopword_list[] = {
    "alla",     "allt",   "alltid", "alltsa",   "an",     "andra",   "annan",    "annat",
    "att",      "av",     "bara",   "bast",     "bor",    "bra",     "da",       "dag",
    "dar",      "darfor", "de",     "dem",      "den",    "denna",   "deras",    "dess",
    "det",      "detta",  "dig",    "din",      "ditt",   "dom",     "du",       "efter",
    "eftersom", "ej",     "eller",  "en",       "er",     "era",     "ert",      "ett",
    "finns",    "for",    "fore",   "forst",    "fran",   "fraga",   "fragan",   "fragor",
    "fragorna", "ga",     "gar",    "gor",      "gora",   "ha",      "hade",     "halsningar",
    "han",      "har",    "hej",    "hela",     "hen",    "henne",   "hennes",   "hon",
    "honom",    "hur",    "i",      "idag",     "in",     "inom",    "inte",     "ja",
    "jag",      "kan",    "kunde",  "kunna",    "man",    "med",     "mellan",   "men",
    "mig",      "min",    "mitt",   "mot",      "mvh",    "mycket",  "manga",    "nagon",
    "nagot",    "nagra",  "nar",    "nej",      "ni",     "nu",      "och",      "ocksa",
    "om",       "oss",    "pa",     "samma",    "sedan",  "sig",     "sin",      "sina",
    "sitt",     "ska",    "skall",  "skulle",   "som",    "sa",      "sadan",    "sadana",
    "tack",     "till",   "tva",    "undrar",   "under",  "upp",     "ut",       "utan",
    "vad",      "var",    "vara",   "varfor",   "vart",   "vem",     "vi",       "vid",
    "vilka",    "vilken", "vilket", "vill",     "vore",   "vanliga", "vanlig",   "ar",
    "aven",     "ater",   "over",   "halsning", "via",    "blir",    "bli",      "blivit",
    "fa",       "far",    "fatt",   "gjort",    "gjorde", "galler",  "angaende", "ang",
    "the",      "re",     "sv",     "fw",       "vfr",    "fwd",
};

/* Skeleton of U+00E0..U+00FF (after case folding): the Swedish letters and
 * their neighbours lose their accents, so "fardtjanst" meets "färdtjänst". */
static const char latin1_skeleton[32] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

/* classify_hash() in three steps, for callers that hash many short
 * strings with one seed (classify_doc_features()). */
static inline uint64_t hash_start(uint64_t seed)
{
	return 0xcbf29ce484222325ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
}

static inline uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static inline uint64_t hash_end(uint64_t h)
{
	/* FNV-1a alone leaves the low bits, which index the tables, weak */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

uint64_t classify_hash(const void *data, size_t len, uint64_t seed)
{
	return hash_end(hash_bytes(hash_start(seed), data, len));
}

void classify_stopwords_init(struct classify_stopwords *sw)
{
	size_t n = sizeof(stopword_list) / sizeof(stopword_list[0]), cap = 16;

	while (cap < n * 4)
		cap *= 2;
	sw->slots = xcalloc(cap, sizeof(*sw->slots));
	sw->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = classify_hash(stopword_list[i], strlen(stopword_list[i]), FEAT_KINDS);
		size_t j = h & sw->mask;

		while (sw->slots[j] != 0 && sw->slots[j] != h)
			j = (j + 1) & sw->mask;
		sw->slots[j] = h;
	}
}

void classify_stopwords_free(struct classify_stopwords *sw)
{
	free(sw->slots);
	sw->slots = NULL;
}

static bool is_stopword(const struct classify_stopwords *sw, const char *skel, size_t len)
{
	uint64_t h = classify_hash(skel, len, FEAT_KINDS);

	for (size_t j = h & sw->mask; sw->slots[j] != 0; j = (j + 1) & sw->mask)
		if (sw->slots[j] == h)
			return true;
	return false;
}

static void cps_reserve(struct classify_doc *doc, size_t n)
{
	if (doc->cps_cap >= n)
		return;
	doc->cps_cap = n + n / 2 + 64;
	doc->cps = xreallocarray(doc->cps, doc->cps_cap, sizeof(*doc->cps));
}

/* Folds ASCII, Latin-1 and the general punctuation block by hand. Returns
 * false (having written garbage) when the text holds anything else, which
 * includes every combining mark and so all NFD input. */
static bool fold_fast(struct classify_doc *doc, const uint8_t *s, size_t len)
{
	int32_t *out;
	size_t i = 0, n = 0;

	cps_reserve(doc, len + 1);
	out = doc->cps;
	while (i < len) {
		uint8_t b = s[i], c;
		int32_t cp;

		if (b < 0x80) {
			out[n++] = (b >= 'A' && b <= 'Z') ? b + 32 : b;
			i++;
			continue;
		}
		if (i + 1 >= len || ((c = s[i + 1]) & 0xC0) != 0x80)
			return false;
		if (b == 0xC3) {
			cp = 0xC0 + (c & 0x3F);
			if (cp == 0xDF) { /* ß folds to "ss" */
				out[n++] = 's';
				out[n++] = 's';
			} else {
				out[n++] = (cp <= 0xDE && cp != 0xD7) ? cp + 0x20 : cp;
			}
			i += 2;
			continue;
		}
		if (b == 0xC2) {
			cp = 0x80 + (c & 0x3F);
			if (cp == 0xB5) /* µ folds to μ */
				return false;
			if (cp != 0xAD) /* a soft hyphen is ignorable: the word stays whole */
				out[n++] = cp;
			i += 2;
			continue;
		}
		if (b == 0xE2 && (c == 0x80 || c == 0x81) && i + 2 < len &&
		    (s[i + 2] & 0xC0) == 0x80) {
			cp = 0x2000 + ((c & 0x3F) << 6) + (s[i + 2] & 0x3F);
			if (cp >= 0x2070) /* superscripts: letters and digits */
				return false;
			/* zero-width and bidi controls are ignorable, the rest is
			 * punctuation and space */
			if (!((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
			      cp >= 0x2060))
				out[n++] = cp;
			i += 3;
			continue;
		}
		return false;
	}
	doc->n_cps = n;
	return true;
}

static void fold_general(struct classify_doc *doc, const uint8_t *s, size_t len)
{
	const utf8proc_option_t opt =
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	utf8proc_ssize_t r;
	size_t i = 0;
	bool valid = true;

	while (i < len) {
		utf8proc_int32_t cp;

		r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (r < 0) {
			valid = false;
			break;
		}
		i += (size_t)r;
	}
	if (!valid) {
		/* invalid bytes become spaces: the words around them survive */
		buf_reset(&doc->clean);
		for (i = 0; i < len;) {
			utf8proc_int32_t cp;

			r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
			if (r < 0) {
				buf_append_char(&doc->clean, ' ');
				i++;
			} else {
				buf_append(&doc->clean, s + i, (size_t)r);
				i += (size_t)r;
			}
		}
		s = (const uint8_t *)doc->clean.data;
		len = doc->clean.len;
	}
	for (;;) {
		r = utf8proc_decompose(s, (utf8proc_ssize_t)len, doc->cps,
				       (utf8proc_ssize_t)doc->cps_cap, opt);
		if (r < 0) {
			doc->n_cps = 0;
			return;
		}
		if ((size_t)r <= doc->cps_cap)
			break;
		cps_reserve(doc, (size_t)r);
	}
	r = utf8proc_normalize_utf32(doc->cps, r, opt);
	doc->n_cps = r < 0 ? 0 : (size_t)r;
}

enum cp_kind {
	CP_SEP,
	CP_WORD,
	CP_MARK, /* part of a word, but not of its skeleton */
	CP_SOLO, /* a word by itself: "§" */
};

static enum cp_kind cp_kind_other(int32_t cp);

/* Inline for ASCII, which is nearly every code point of a text. */
static inline enum cp_kind cp_kind(int32_t cp)
{
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
		    (cp >= 'A' && cp <= 'Z'))
			return CP_WORD;
		return CP_SEP;
	}
	return cp_kind_other(cp);
}

static enum cp_kind cp_kind_other(int32_t cp)
{
	if (cp == 0xA7)
		return CP_SOLO;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return CP_WORD;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return CP_MARK;
	default:
		return CP_SEP;
	}
}

/* buf_append_char() without the call: the words are built a byte at a
 * time, and the calls were nearly a tenth of a classification. */
static inline void put_byte(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

static void append_cp(struct buf *b, int32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t n;

	if (cp < 0x80) {
		put_byte(b, (char)cp);
		return;
	}
	n = utf8proc_encode_char(cp, tmp);
	if (n > 0)
		buf_append(b, tmp, (size_t)n);
}

static void append_skeleton(struct buf *b, int32_t cp)
{
	utf8proc_int32_t parts[8];
	utf8proc_ssize_t n;
	int last = 0;

	if (cp < 0x80) {
		put_byte(b, (char)cp);
		return;
	}
	if (cp >= 0xE0 && cp <= 0xFF) {
		put_byte(b, latin1_skeleton[cp - 0xE0]);
		return;
	}
	n = utf8proc_decompose_char(cp, parts, 8, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &last);
	if (n <= 0 || n > 8) {
		if (n == 0)
			return;
		append_cp(b, cp);
		return;
	}
	for (utf8proc_ssize_t i = 0; i < n; i++)
		append_cp(b, parts[i]);
}

const char *classify_doc_stem(struct classify_doc *doc, struct sb_stemmer *stemmer,
			      const char *fold, size_t len, size_t *len_r)
{
	const sb_symbol *stem = sb_stemmer_stem(stemmer, (const sb_symbol *)fold, (int)len);
	int n;

	buf_reset(&doc->stem_in);
	if (stem == NULL) { /* out of memory inside libstemmer: keep the word */
		buf_append(&doc->stem_in, fold, len);
	} else {
		n = sb_stemmer_length(stemmer);
		buf_append(&doc->stem_in, stem, n > 0 ? (size_t)n : 0);
	}
	if (doc->stem_in.data == NULL)
		buf_append_char(&doc->stem_in, '\0');
	*len_r = doc->stem_in.len;
	return doc->stem_in.data;
}

static uint64_t stem_hash(struct classify_doc *doc, struct sb_stemmer *stemmer,
			  const struct classify_word *w)
{
	const char *fold = doc->fold.data + w->fold_off;
	const char *stem;
	char tmp[CLASSIFY_MAX_WORD * 4 + 8];
	size_t stem_len, t = 0, i = 0;
	bool ascii = true;

	for (size_t k = 0; k < w->fold_len; k++)
		if ((uint8_t)fold[k] >= 0x80)
			ascii = false;
	stem = classify_doc_stem(doc, stemmer, fold, w->fold_len, &stem_len);
	if (ascii)
		return classify_hash(stem, stem_len, FEAT_STEM);
	/* The stemmer only cuts suffixes, so the stem's skeleton is the
	 * skeleton of its first code points: stems of "färdtjänsten" and
	 * "fardtjansten" meet. */
	while (i < stem_len && t < sizeof(tmp) - 4) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)stem + i,
						      (utf8proc_ssize_t)(stem_len - i), &cp);

		if (r <= 0)
			break;
		i += (size_t)r;
		if (cp < 0x80)
			tmp[t++] = (char)cp;
		else if (cp >= 0xE0 && cp <= 0xFF)
			tmp[t++] = latin1_skeleton[cp - 0xE0];
		else if (cp_kind(cp) != CP_MARK)
			t += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)tmp + t);
	}
	return classify_hash(tmp, t, FEAT_STEM);
}

/* stem_hash(), remembered in doc->stem_memo. The stemmer keeps nothing
 * from one word to the next, so a word's stem is the same every time. */
static uint64_t stem_hash_memo(struct classify_doc *doc, struct sb_stemmer *stemmer,
			       const struct classify_word *w)
{
	const char *fold = doc->fold.data + w->fold_off;
	struct classify_stem_memo *e;

	if (w->fold_len > STEM_MEMO_WORD)
		return stem_hash(doc, stemmer, w);
	if (doc->stem_memo == NULL)
		doc->stem_memo = xmalloc(STEM_MEMO_SLOTS * sizeof(*doc->stem_memo));
	if (doc->stem_memo_of != stemmer) {
		for (size_t i = 0; i < STEM_MEMO_SLOTS; i++)
			doc->stem_memo[i].len = 0;
		doc->stem_memo_of = stemmer;
	}
	e = &doc->stem_memo[classify_hash(fold, w->fold_len, 0) & (STEM_MEMO_SLOTS - 1)];
	if (e->len != w->fold_len || memcmp(e->word, fold, w->fold_len) != 0) {
		e->stem_hash = stem_hash(doc, stemmer, w);
		e->len = (uint8_t)w->fold_len;
		memcpy(e->word, fold, w->fold_len);
	}
	return e->stem_hash;
}

static void push_word(struct classify_doc *doc, size_t fold_start, size_t skel_start,
		      const struct classify_stopwords *sw, struct sb_stemmer *stemmer)
{
	struct classify_word *w;
	const char *skel = doc->stream.data + skel_start;
	size_t skel_len = doc->stream.len - skel_start;

	if (doc->n_words == doc->words_cap) {
		doc->words_cap = doc->words_cap ? doc->words_cap * 2 : 64;
		doc->words = xreallocarray(doc->words, doc->words_cap, sizeof(*doc->words));
	}
	w = &doc->words[doc->n_words++];
	w->fold_off = (uint32_t)fold_start;
	w->fold_len = (uint16_t)(doc->fold.len - fold_start);
	w->skel_off = (uint32_t)skel_start;
	w->skel_len = (uint16_t)skel_len;
	put_byte(&doc->fold, '\0');
	w->stop = sw != NULL && is_stopword(sw, skel, skel_len);
	w->asks = false;
	w->stem_hash = 0;
	if (!w->stop && stemmer != NULL)
		w->stem_hash = stem_hash_memo(doc, stemmer, w);
}

/* The skeleton of one folded code point, as the keyword stream has it, for
 * the code points that are one letter there. */
static int32_t cp_skeleton(int32_t cp)
{
	return cp >= 0xE0 && cp <= 0xFF ? (int32_t)(uint8_t)latin1_skeleton[cp - 0xE0] : cp;
}

static bool cp_in_word(int32_t cp)
{
	enum cp_kind k = cp_kind(cp);

	return k == CP_WORD || k == CP_MARK;
}

void classify_phrase_set(struct classify_phrase *phrase, const char *text)
{
	struct classify_doc doc = {0};
	bool gap = false;

	classify_phrase_free(phrase);
	if (text == NULL || *text == '\0')
		return;
	if (!fold_fast(&doc, (const uint8_t *)text, strnlen(text, CLASSIFY_MAX_TEXT)))
		fold_general(&doc, (const uint8_t *)text, strnlen(text, CLASSIFY_MAX_TEXT));
	phrase->cps = xreallocarray(NULL, doc.n_cps + 1, sizeof(*phrase->cps));
	for (size_t i = 0; i < doc.n_cps; i++) {
		enum cp_kind k = cp_kind(doc.cps[i]);

		if (k == CP_WORD) {
			if (gap && phrase->n > 0)
				phrase->cps[phrase->n++] = PHRASE_GAP;
			gap = false;
			phrase->cps[phrase->n++] = cp_skeleton(doc.cps[i]);
		} else if (k != CP_MARK) {
			/* "§" too: the name is matched as words */
			gap = true;
		}
	}
	classify_doc_free(&doc);
	if (phrase->n == 0)
		classify_phrase_free(phrase);
}

void classify_phrase_free(struct classify_phrase *phrase)
{
	free(phrase->cps);
	phrase->cps = NULL;
	phrase->n = 0;
}

/* Whether cps[from, to) is, as skeletons, the ASCII text s. */
static bool cps_are(const int32_t *cps, size_t from, size_t to, const char *s)
{
	size_t n = strlen(s);

	if (to - from != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (cp_skeleton(cps[from + i]) != (uint8_t)s[i])
			return false;
	return true;
}

/* Blanks every occurrence of phrase in doc->cps: word-bounded at its start,
 * its gaps any run of separators ("LSS samverkan", "LSS-samverkan"), with
 * an inflection ("LSS-samverkans", "rådet:s") or as the first part of a
 * compound, of which the rest stays a word ("LSS-samverkansmötet" is
 * "mötet"). Cost: one comparison per code point but where the phrase's first
 * letter starts a word. */
static void drop_phrase(struct classify_doc *doc, const struct classify_phrase *phrase)
{
	/* endings of the last word that keep it the name (genitive, definite) */
	static const char *const endings[] = {"s",  "n",   "ns", "en", "ens",
					      "et", "ets", "na", "nas"};
	int32_t *t = doc->cps;
	const int32_t *p = phrase->cps;
	size_t n = doc->n_cps, m = phrase->n;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0, k = i, e, end;

		if (cp_skeleton(t[i]) != p[0] || (i > 0 && cp_in_word(t[i - 1])))
			continue;
		while (j < m && k < n) {
			if (p[j] == PHRASE_GAP) {
				if (cp_in_word(t[k]) || cp_kind(t[k]) == CP_SOLO)
					break;
				while (k < n && !cp_in_word(t[k]) && cp_kind(t[k]) != CP_SOLO)
					k++;
			} else if (cp_skeleton(t[k]) != p[j]) {
				break;
			} else {
				k++;
			}
			j++;
		}
		if (j < m)
			continue;
		for (e = k; e < n && cp_in_word(t[e]); e++)
			;
		end = k;
		if (e == k) {
			/* "KFR:s" */
			if (k + 1 < n && t[k] == ':' && cp_skeleton(t[k + 1]) == 's' &&
			    (k + 2 == n || !cp_in_word(t[k + 2])))
				end = k + 2;
		} else {
			bool inflected = false;

			for (size_t x = 0; x < sizeof(endings) / sizeof(endings[0]); x++)
				inflected = inflected || cps_are(t, k, e, endings[x]);
			if (inflected)
				end = e;
			else if (e - k >= 4 && cp_skeleton(t[k]) == 's')
				end = k + 1; /* the linking s of a compound */
			else if (e - k < 3)
				continue; /* another word that starts like the name */
		}
		for (size_t x = i; x < end; x++)
			t[x] = ' ';
		i = end - 1;
	}
}

/* Whether word w's skeleton is s (a NUL-terminated skeleton). */
static bool skel_is(const struct classify_doc *doc, const struct classify_word *w, const char *s)
{
	size_t n = strlen(s);

	return w->skel_len == n && memcmp(doc->stream.data + w->skel_off, s, n) == 0;
}

/* Whether the word just pushed makes its sentence one that asks:
 * "undrar", "vill veta", "vill fråga" (a question written without "?"),
 * also with adverbs between ("vill också veta", "vill därför gärna fråga"),
 * as extraction reads them (ask_adverbs in extract_sentence.c). */
static bool word_asks(const struct classify_doc *doc)
{
	/* skeletons: without diacritics */
	static const char *const adverbs[] = { "ocksa", "aven", "dessutom", "vidare", "darfor",
					       "alltsa", "sarskilt", "harmed", "nu", "garna",
					       "da", NULL };
	const struct classify_word *w = &doc->words[doc->n_words - 1];
	size_t k = doc->n_words - 1, skipped = 0;

	if (skel_is(doc, w, "undrar") || skel_is(doc, w, "undra") || skel_is(doc, w, "undrade"))
		return true;
	if (!skel_is(doc, w, "veta") && !skel_is(doc, w, "fraga"))
		return false;
	while (k > 0 && skipped <= 2) {
		const struct classify_word *prev = &doc->words[--k];
		bool adverb = false;

		if (skel_is(doc, prev, "vill"))
			return true;
		for (const char *const *a = adverbs; *a != NULL && !adverb; a++)
			adverb = skel_is(doc, prev, *a);
		if (!adverb)
			return false;
		skipped++;
	}
	return false;
}

/* Ends the sentence whose first word is *first: its words ask or not. */
static void end_sentence(struct classify_doc *doc, size_t *first, bool *asks)
{
	for (size_t i = *first; i < doc->n_words; i++)
		doc->words[i].asks = *asks;
	if (*asks)
		doc->n_asking += doc->n_words - *first;
	*first = doc->n_words;
	*asks = false;
}

/* Two-letter words that end Swedish sentences ("... en fläkt att dela
 * på."), unlike the abbreviations of two letters ("kl.", "ca.", "t.ex."),
 * as skeletons. */
static const char short_sentence_ends[][3] = {
    "pa", "in", "ut", "av", "nu", "sa", "da", "ju", "ja", "en", "ni",
    "vi", "du", "de", "om", "ar", "ga", "ge", "ta", "fa", "bo", "se",
};

/* Whether the "." or "!" at cps[i] ends a sentence: a space or the end
 * follows, and the word before it is no abbreviation ("t.ex.", "kl.",
 * "bl.a."): at least three letters, or one of short_sentence_ends[] that
 * no "." comes right before. */
static bool cps_sentence_end(const struct classify_doc *doc, size_t i)
{
	size_t letters = 0;

	if (i + 1 < doc->n_cps && cp_kind(doc->cps[i + 1]) != CP_SEP)
		return false;
	if (doc->cps[i] == '!')
		return true;
	for (size_t j = i; j > 0 && cp_in_word(doc->cps[j - 1]); j--)
		letters++;
	if (letters >= 3)
		return true;
	if (letters != 2 || (i > 2 && doc->cps[i - 3] == '.'))
		return false;
	for (size_t k = 0; k < sizeof(short_sentence_ends) / sizeof(short_sentence_ends[0]); k++)
		if (cp_skeleton(doc->cps[i - 2]) == short_sentence_ends[k][0] &&
		    cp_skeleton(doc->cps[i - 1]) == short_sentence_ends[k][1])
			return true;
	return false;
}

void classify_doc_words(struct classify_doc *doc, const char *text,
			const struct classify_stopwords *sw, struct sb_stemmer *stemmer,
			const struct classify_phrase *phrase)
{
	size_t len = strnlen(text, CLASSIFY_MAX_TEXT);
	size_t fold_start = 0, skel_start = 0, word_cps = 0, sent_first = 0;
	size_t title_words = 0; /* none without a line break */
	bool in_word = false, sent_asks = false, title = true;

	/* never cut a UTF-8 sequence in two at the limit */
	while (len > 0 && len == CLASSIFY_MAX_TEXT && ((uint8_t)text[len] & 0xC0) == 0x80)
		len--;
	doc->n_words = 0;
	doc->n_feats = 0;
	doc->n_matches = 0;
	doc->n_asking = 0;
	buf_reset(&doc->fold);
	buf_reset(&doc->stream);
	if (!fold_fast(doc, (const uint8_t *)text, len))
		fold_general(doc, (const uint8_t *)text, len);
	if (phrase != NULL && phrase->n > 0)
		drop_phrase(doc, phrase);
	put_byte(&doc->stream, ' ');
	for (size_t i = 0; i <= doc->n_cps; i++) {
		int32_t cp = i < doc->n_cps ? doc->cps[i] : ' ';
		enum cp_kind k = cp_kind(cp);

		if (k == CP_MARK && !in_word)
			k = CP_SEP;
		if (in_word && (k == CP_SEP || k == CP_SOLO)) {
			push_word(doc, fold_start, skel_start, sw, stemmer);
			put_byte(&doc->stream, ' ');
			in_word = false;
			sent_asks = sent_asks || word_asks(doc);
		}
		if (k == CP_SEP) {
			if (cp == '?')
				sent_asks = true;
			if (i == doc->n_cps || cp == '?' ||
			    ((cp == '.' || cp == '!') && cps_sentence_end(doc, i))) {
				end_sentence(doc, &sent_first, &sent_asks);
			} else if (cp == '\n' && title) {
				/* the title, the subject or the question cut short,
				 * says what is asked */
				sent_asks = true;
				end_sentence(doc, &sent_first, &sent_asks);
			}
			if (cp == '\n' && title) {
				title = false;
				title_words = doc->n_words;
			}
			continue;
		}
		if (k == CP_SOLO) {
			fold_start = doc->fold.len;
			skel_start = doc->stream.len;
			append_cp(&doc->fold, cp);
			append_cp(&doc->stream, cp);
			push_word(doc, fold_start, skel_start, sw, stemmer);
			put_byte(&doc->stream, ' ');
			continue;
		}
		if (!in_word) {
			in_word = true;
			word_cps = 0;
			fold_start = doc->fold.len;
			skel_start = doc->stream.len;
		}
		if (++word_cps > CLASSIFY_MAX_WORD)
			continue;
		append_cp(&doc->fold, cp);
		if (k == CP_WORD)
			append_skeleton(&doc->stream, cp);
	}
	doc->asked_at = UINT32_MAX;
	doc->n_after = 0;
	doc->n_title = title_words;
	for (size_t i = title_words; i < doc->n_words; i++) {
		if (doc->asked_at == UINT32_MAX && doc->words[i].asks)
			doc->asked_at = doc->words[i].skel_off;
		else if (doc->asked_at != UINT32_MAX && !doc->words[i].asks)
			doc->n_after++;
	}
}

/* The next feature; the caller made room (classify_doc_features()). */
static inline void push_feature(struct classify_doc *doc, uint64_t hash, size_t word,
				enum classify_feature_kind kind)
{
	doc->feats[doc->n_feats++] =
	    (struct classify_feature){.hash = hash, .word = (uint32_t)word, .kind = (uint8_t)kind};
}

/* The character n-grams of pad[0, plen) for n in [gram_min, gram_max], by n
 * then by start: classify_hash(pad + j, n, FEAT_GRAM + 16 * n). */
static void push_grams(struct classify_doc *doc, const uint8_t *pad, size_t plen, size_t word,
		       int gram_min, int gram_max)
{
	for (int n = gram_min; n <= gram_max; n++) {
		uint64_t start = hash_start(FEAT_GRAM + 16 * (uint64_t)n);

		for (size_t j = 0; j + (size_t)n <= plen; j++)
			push_feature(doc, hash_end(hash_bytes(start, pad + j, (size_t)n)), word,
				     FEAT_GRAM);
	}
}

void classify_doc_features(struct classify_doc *doc, int gram_min, int gram_max, bool bigrams)
{
	uint64_t prev_stem = 0;

	doc->n_feats = 0;
	for (size_t i = 0; i < doc->n_words; i++) {
		const struct classify_word *w = &doc->words[i];
		const char *skel = doc->stream.data + w->skel_off;
		uint8_t pad[CLASSIFY_MAX_WORD * 4 + 2];
		size_t plen, room;

		if (w->stop || w->stem_hash == 0)
			continue;
		/* one letter is an initial or the tail of "DV:n", never a topic */
		if (w->skel_len < 2 && !(skel[0] >= '0' && skel[0] <= '9'))
			continue;
		plen = w->skel_len < sizeof(pad) - 2 ? w->skel_len : sizeof(pad) - 2;
		pad[0] = '<';
		memcpy(pad + 1, skel, plen);
		pad[plen + 1] = '>';
		plen += 2;
		/* the stem, the bigram and at most plen + 1 n-grams of each length */
		room =
		    2 + (gram_max >= gram_min ? (size_t)(gram_max - gram_min + 1) * (plen + 1) : 0);
		if (doc->feats_cap - doc->n_feats < room) {
			doc->feats_cap = (doc->n_feats + room) * 2 + 256;
			doc->feats = xreallocarray(doc->feats, doc->feats_cap, sizeof(*doc->feats));
		}
		push_feature(doc, w->stem_hash, i, FEAT_STEM);
		if (bigrams && prev_stem != 0) {
			uint64_t pair[2] = {prev_stem, w->stem_hash};

			push_feature(doc, classify_hash(pair, sizeof(pair), FEAT_BIGRAM), i,
				     FEAT_BIGRAM);
		}
		prev_stem = w->stem_hash;
		push_grams(doc, pad, plen, i, gram_min, gram_max);
	}
}

void classify_doc_free(struct classify_doc *doc)
{
	free(doc->cps);
	buf_free(&doc->clean);
	buf_free(&doc->fold);
	buf_free(&doc->stream);
	buf_free(&doc->stem_in);
	free(doc->words);
	free(doc->feats);
	free(doc->matches);
	free(doc->stem_memo);
	memset(doc, 0, sizeof(*doc));
}

/* a compound written apart ("habiliterings ersättningen") is read as one
 * when the keyword has this many letters and its first part four */
#define APART_MIN_KEYWORD 10
#define APART_MIN_FIRST   4

/* The automaton of the patterns only[0, n_pats) of pats, or of the first
 * n_pats when only is NULL; out[] holds indexes into pats either way. */
static void build_dfa(struct classify_automaton *ac, const struct classify_pattern *pats,
		      const uint32_t *only, size_t n_pats)
{
	size_t max_states = 1, nc, n = 1, head = 0, tail = 0;
	int32_t *fail, *queue;

	memset(ac->byte_class, 0, sizeof(ac->byte_class));
	ac->n_classes = 1;
	for (size_t k = 0; k < n_pats; k++)
		for (const uint8_t *b = (const uint8_t *)pats[only != NULL ? only[k] : k].bytes;
		     *b != '\0'; b++) {
			if (ac->byte_class[*b] == 0)
				ac->byte_class[*b] = (uint8_t)ac->n_classes++;
			max_states++;
		}
	nc = ac->n_classes;
	ac->trie = xcalloc(max_states * nc, sizeof(*ac->trie));
	ac->out = xmalloc(max_states * sizeof(*ac->out));
	ac->dict = xmalloc(max_states * sizeof(*ac->dict));
	ac->depth = xcalloc(max_states, sizeof(*ac->depth));
	for (size_t s = 0; s < max_states; s++)
		ac->out[s] = ac->dict[s] = -1;
	for (size_t k = 0; k < n_pats; k++) {
		size_t p = only != NULL ? only[k] : k, s = 0;

		for (const uint8_t *b = (const uint8_t *)pats[p].bytes; *b != '\0'; b++) {
			int32_t *t = &ac->trie[s * nc + ac->byte_class[*b]];

			if (*t == 0) {
				*t = (int32_t)n;
				ac->depth[n] = ac->depth[s] + 1;
				n++;
			}
			s = (size_t)*t;
		}
		if (ac->out[s] < 0)
			ac->out[s] = (int32_t)p;
	}
	ac->n_states = n;
	ac->max_depth = 0;
	for (size_t st = 0; st < n; st++)
		if (ac->depth[st] > ac->max_depth)
			ac->max_depth = ac->depth[st];
	/* Breadth first, so a state's failure link is final before its
	 * children need it; missing transitions are filled from the failure
	 * state, which turns the trie into a DFA. */
	fail = xcalloc(n, sizeof(*fail));
	queue = xmalloc(n * sizeof(*queue));
	for (size_t c = 0; c < nc; c++)
		if (ac->trie[c] != 0)
			queue[tail++] = ac->trie[c];
	while (head < tail) {
		int32_t r = queue[head++];

		for (size_t c = 0; c < nc; c++) {
			int32_t s = ac->trie[(size_t)r * nc + c];
			int32_t f = ac->trie[(size_t)fail[r] * nc + c];

			if (s == 0) {
				ac->trie[(size_t)r * nc + c] = f;
				continue;
			}
			fail[s] = f;
			ac->dict[s] = ac->out[f] >= 0 ? f : ac->dict[f];
			queue[tail++] = s;
		}
	}
	/* renumber breadth first (root first), in place: the table is a
	 * classifier's largest allocation (megabytes), and a second one beside
	 * it would double the peak memory of agendad and agendactl at start */
	{
		uint32_t *id = xmalloc(n * sizeof(*id)), *row = xmalloc(nc * sizeof(*row));
		int32_t *out = xmalloc(n * sizeof(*out)), *dict = xmalloc(n * sizeof(*dict));
		uint32_t *depth = xmalloc(n * sizeof(*depth));
		uint32_t *next = (uint32_t *)ac->trie; /* the same cells, next's meaning */
		uint8_t *ends = xmalloc(n);
		bool *placed = xcalloc(n, sizeof(*placed));

		id[0] = 0;
		for (size_t i = 0; i < tail; i++)
			id[queue[i]] = (uint32_t)(i + 1);
		for (size_t old = 0; old < n; old++) {
			uint32_t s = id[old];

			out[s] = ac->out[old];
			dict[s] = ac->dict[old] >= 0 ? (int32_t)id[ac->dict[old]] : -1;
			depth[s] = ac->depth[old];
		}
		for (size_t s = 0; s < n; s++)
			ends[s] = out[s] >= 0 || dict[s] >= 0;
		for (size_t k = 0; k < n * nc; k++)
			next[k] = id[ac->trie[k]];
		/* row old goes to row id[old], one cycle of the permutation at a
		 * time: row carries the row that is on its way */
		for (size_t start = 0; start < n; start++) {
			size_t cur = start;

			if (placed[start])
				continue;
			memcpy(row, &next[start * nc], nc * sizeof(*row));
			do {
				size_t to = id[cur];

				for (size_t c = 0; c < nc; c++) {
					uint32_t t = next[to * nc + c];

					next[to * nc + c] = row[c];
					row[c] = t;
				}
				placed[cur] = true;
				cur = to;
			} while (cur != start);
		}
		free(ac->out);
		free(ac->dict);
		free(ac->depth);
		ac->trie = NULL;
		if (n <= (size_t)UINT16_MAX + 1) {
			/* narrowed in place: entry k's two bytes go where entries
			 * up to k, already read, were */
			for (size_t k = 0; k < n * nc; k++) {
				uint16_t v = (uint16_t)next[k];

				memcpy((unsigned char *)next + k * sizeof(v), &v, sizeof(v));
			}
			ac->next16 = xreallocarray(next, n * nc, sizeof(*ac->next16));
		} else {
			/* the trie was allocated for every byte of every pattern */
			ac->next32 = xreallocarray(next, n * nc, sizeof(*next));
		}
		ac->ends = ends;
		ac->out = out;
		ac->dict = dict;
		ac->depth = depth;
		free(placed);
		free(row);
		free(id);
	}
	free(fail);
	free(queue);
}

static size_t dfa_next(const struct classify_automaton *ac, size_t state, uint8_t byte)
{
	size_t k = state * ac->n_classes + ac->byte_class[byte];

	return ac->next16 != NULL ? ac->next16[k] : ac->next32[k];
}

void classify_automaton_build(struct classify_automaton *ac, const struct classify_pattern *pats,
			      size_t n_pats)
{
	uint32_t *only = xreallocarray(NULL, n_pats + 1, sizeof(*only));
	size_t n_only = 0;

	build_dfa(ac, pats, NULL, n_pats);
	/* The patterns that apart_matches() can count: one word of at least
	 * APART_MIN_KEYWORD bytes, not exact. Of patterns with the same bytes
	 * the first is the one the full automaton reports (the state's out),
	 * so only that one is taken: apart_matches() then finds what the full
	 * automaton found in the stream without spaces, less what it turned
	 * away (most of which was a keyword inside one word). */
	for (size_t p = 0; p < n_pats; p++) {
		const char *b = pats[p].bytes;
		size_t state = 0, len = strlen(b);

		if (len < APART_MIN_KEYWORD || pats[p].exact != NULL || memchr(b, ' ', len) != NULL)
			continue;
		for (size_t i = 0; i < len; i++)
			state = dfa_next(ac, state, (uint8_t)b[i]);
		if (ac->out[state] == (int32_t)p)
			only[n_only++] = (uint32_t)p;
	}
	if (n_only > 0) {
		ac->apart = xcalloc(1, sizeof(*ac->apart));
		build_dfa(ac->apart, pats, only, n_only);
	}
	free(only);
}

/* Whether the text at the skeleton span [start, end) has the folded form
 * exact (a short keyword with å, ä or ö). The span lies in one word whose
 * skeleton has one byte per code point; anything else is not a match. */
static bool exact_match(const struct classify_doc *doc, uint32_t start, uint32_t end,
			const char *exact)
{
	const struct classify_word *w = NULL;
	const uint8_t *fold, *want = (const uint8_t *)exact;
	size_t lo = 0, hi = doc->n_words, cps = 0, i = 0, skip;

	while (lo < hi) { /* the last word starting at or before start */
		size_t mid = (lo + hi) / 2;

		if (doc->words[mid].skel_off <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return false;
	w = &doc->words[lo - 1];
	if (end > w->skel_off + w->skel_len)
		return false;
	fold = (const uint8_t *)doc->fold.data + w->fold_off;
	for (size_t k = 0; k < w->fold_len; k++)
		cps += (fold[k] & 0xC0) != 0x80;
	if (cps != w->skel_len)
		return false;
	for (skip = start - w->skel_off; skip > 0 && i < w->fold_len; skip--)
		for (i++; i < w->fold_len && (fold[i] & 0xC0) == 0x80; i++)
			;
	for (size_t n = end - start; n > 0; n--) {
		do {
			if (i >= w->fold_len || *want == '\0' || fold[i] != *want)
				return false;
			i++;
			want++;
		} while (i < w->fold_len && (fold[i] & 0xC0) == 0x80);
	}
	return *want == '\0';
}

static int match_cmp(const void *a, const void *b)
{
	const struct classify_match *x = a, *y = b;
	uint32_t lx = x->end - x->start, ly = y->end - y->start;

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* a keyword list mentioned hundreds of times says no more than ten */
#define MAX_MATCHES 256

static void add_match(struct classify_doc *doc, size_t start, size_t end,
		      const struct classify_pattern *pats, uint32_t pattern)
{
	struct classify_match *m;

	if (doc->n_matches == doc->matches_cap) {
		doc->matches_cap = doc->matches_cap ? doc->matches_cap * 2 : 16;
		doc->matches = xreallocarray(doc->matches, doc->matches_cap, sizeof(*doc->matches));
	}
	m = &doc->matches[doc->n_matches++];
	m->start = (uint32_t)start;
	m->end = (uint32_t)end;
	m->keyword = pats[pattern].keyword;
	m->pattern = pattern;
}

/* Appends to m[*n] the matches that end in state at end (one past), as
 * far as MAX_MATCHES of them. */
static void matches_at(const struct classify_automaton *ac, const struct classify_pattern *pats,
		       size_t state, size_t end, struct classify_match *m, size_t *n)
{
	for (int32_t t = ac->out[state] >= 0 ? (int32_t)state : ac->dict[state];
	     t >= 0 && *n < MAX_MATCHES; t = ac->dict[t])
		m[(*n)++] = (struct classify_match){(uint32_t)(end - ac->depth[t]), (uint32_t)end,
						    pats[ac->out[t]].keyword, (uint32_t)ac->out[t]};
}

/* Below this many bytes past twice the longest pattern a stream is read
 * in one piece (run_automaton()). */
#define SPLIT_MIN 64

/* Fills doc->matches with the matches of the automaton in s[0, len), by
 * end, the longer first at the same end, as far as MAX_MATCHES of them.
 * Reading is a chain of look-ups in a table of megabytes, each waiting
 * for the one before, so two independent chains take little more time
 * than one: a longer stream is read in two halves side by side. The state
 * after a byte depends only on the last max_depth bytes (it is the longest
 * of their ends that begins a pattern), so the second half starts from the
 * root max_depth bytes early and reports nothing until it reaches its own
 * half; its matches are kept aside and added after the first half's. */
static void run_automaton(const struct classify_automaton *ac, const uint8_t *s, size_t len,
			  struct classify_doc *doc, const struct classify_pattern *pats)
{
	struct classify_match later[MAX_MATCHES];
	size_t half = len, i2 = len, s1 = 0, s2 = 0, n = 0, n_later = 0;

	if (doc->matches_cap < MAX_MATCHES) {
		doc->matches_cap = MAX_MATCHES;
		doc->matches = xreallocarray(doc->matches, doc->matches_cap, sizeof(*doc->matches));
	}
	if (len >= 2 * (size_t)ac->max_depth + SPLIT_MIN) {
		half = (len + ac->max_depth) / 2;
		i2 = half - ac->max_depth;
	}
	/* the second half is as long as the first, or a byte longer */
	for (size_t i1 = 0; i1 < half && n < MAX_MATCHES; i1++) {
		s1 = dfa_next(ac, s1, s[i1]);
		if (i2 < len) {
			s2 = dfa_next(ac, s2, s[i2]);
			if (ac->ends[s2] && i2 >= half)
				matches_at(ac, pats, s2, i2 + 1, later, &n_later);
			i2++;
		}
		if (ac->ends[s1])
			matches_at(ac, pats, s1, i1 + 1, doc->matches, &n);
	}
	for (; i2 < len && n < MAX_MATCHES && n_later < MAX_MATCHES; i2++) {
		s2 = dfa_next(ac, s2, s[i2]);
		if (ac->ends[s2])
			matches_at(ac, pats, s2, i2 + 1, later, &n_later);
	}
	for (size_t k = 0; k < n_later && n < MAX_MATCHES; k++)
		doc->matches[n++] = later[k];
	doc->n_matches = n;
}

static int apart_cmp(const void *a, const void *b)
{
	const struct classify_match *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Appends the compounds written apart: a keyword of one word, long enough,
 * over exactly two words of the stream, from the start of the first, whose
 * first part is long enough. "för skolan" is not "förskolan", and a match
 * inside one word was found in the stream already. Such a match begins
 * where a word does, so instead of a second reading of the whole stream
 * without its spaces, the trie of ac->apart is walked from each word's
 * start over that word and the next, which mostly ends after a byte or
 * two. The matches are added in the order a reading would find them (by
 * end, the longer first, so by start), as far as MAX_MATCHES allows. */
static void apart_matches(const struct classify_automaton *ac, const struct classify_pattern *pats,
			  struct classify_doc *doc)
{
	const char *s = doc->stream.data;
	size_t len = doc->stream.len, first = doc->n_matches;

	if (first >= MAX_MATCHES)
		return;
	for (size_t from = 1; from < len; from++) {
		size_t state = 0, space = from, n_spaces = 0, end;

		if (s[from] == ' ' || s[from - 1] != ' ')
			continue;
		/* no walk where no match could count: a first word too short
		 * ("och", "att"), two words too short together, or two spaces */
		while (space < len && s[space] != ' ')
			space++;
		for (end = space + 1; end < len && s[end] != ' '; end++)
			;
		if (space - from < APART_MIN_FIRST || end - from - 1 < APART_MIN_KEYWORD ||
		    end == space + 1)
			continue;
		for (size_t i = from; i < len; i++) {
			size_t next;

			if (s[i] == ' ') {
				if (++n_spaces > 1)
					break;
				space = i;
				continue;
			}
			next = dfa_next(ac, state, (uint8_t)s[i]);
			/* off the trie: no pattern starts at from with these bytes */
			if (ac->depth[next] != ac->depth[state] + 1)
				break;
			state = next;
			if (ac->out[state] >= 0 && n_spaces == 1 && space - from >= APART_MIN_FIRST)
				add_match(doc, from, i + 1, pats, (uint32_t)ac->out[state]);
		}
	}
	if (doc->n_matches - first > 1)
		qsort(doc->matches + first, doc->n_matches - first, sizeof(*doc->matches),
		      apart_cmp);
	if (doc->n_matches > MAX_MATCHES)
		doc->n_matches = MAX_MATCHES;
}

void classify_automaton_match(const struct classify_automaton *ac,
			      const struct classify_pattern *pats, struct classify_doc *doc)
{
	const uint8_t *s = (const uint8_t *)doc->stream.data;
	size_t kept = 0;

	doc->n_matches = 0;
	if (ac->n_states == 0 || s == NULL)
		return;
	run_automaton(ac, s, doc->stream.len, doc, pats);
	/* Swedish compounds are often written apart (särskrivning), the
	 * more by a phone's keyboard or a writer whose Swedish is new */
	if (ac->apart != NULL)
		apart_matches(ac->apart, pats, doc);
	/* Longest first, a match survives when it overlaps no longer match
	 * that survived: "korttidsboendet" is korttid, not boende. Spans exclude
	 * the boundary spaces of "|" patterns, so " dv " and " lss " in
	 * " dv lss " do not overlap. Equal lengths both survive. */
	for (size_t i = 0; i < doc->n_matches; i++) {
		struct classify_match *m = &doc->matches[i];

		if (s[m->start] == ' ')
			m->start++;
		if (m->end > m->start && s[m->end - 1] == ' ')
			m->end--;
		if (pats[m->pattern].exact != NULL &&
		    !exact_match(doc, m->start, m->end, pats[m->pattern].exact))
			m->end = m->start; /* empty: dropped below */
	}
	if (doc->n_matches > 1)
		qsort(doc->matches, doc->n_matches, sizeof(*doc->matches), match_cmp);
	for (size_t i = 0; i < doc->n_matches; i++) {
		const struct classify_match m = doc->matches[i];
		bool beaten = false;

		for (size_t j = 0; j < kept && !beaten; j++) {
			const struct classify_match *o = &doc->matches[j];

			beaten = o->end - o->start > m.end - m.start && o->start < m.end &&
				 m.start < o->end;
		}
		if (!beaten && m.end > m.start)
			doc->matches[kept++] = m;
	}
	doc->n_matches = kept;
}

void classify_automaton_free(struct classify_automaton *ac)
{
	if (ac->apart != NULL) {
		classify_automaton_free(ac->apart);
		free(ac->apart);
	}
	free(ac->trie);
	free(ac->next16);
	free(ac->next32);
	free(ac->ends);
	free(ac->out);
	free(ac->dict);
	free(ac->depth);
	memset(ac, 0, sizeof(*ac));
}

/* The letters of a fuzzy pattern: its bytes without the boundary spaces;
 * 0 when it is not one word of at least FUZZY_MIN_KEYWORD letters. */
static size_t fuzzy_letters(const struct classify_pattern *pat, const char **letters_r)
{
	const char *b = pat->bytes;
	size_t len;

	if (pat->exact != NULL)
		return 0;
	if (*b == ' ')
		b++;
	len = strlen(b);
	if (len > 0 && b[len - 1] == ' ')
		len--;
	if (len < FUZZY_MIN_KEYWORD || len >= UINT8_MAX || memchr(b, ' ', len) != NULL)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)b[i] >= 0x80 || (b[i] >= '0' && b[i] <= '9'))
			return 0;
	*letters_r = b;
	return len;
}

void classify_fuzzy_build(struct classify_fuzzy *fz, const struct classify_pattern *pats,
			  size_t n_pats)
{
	uint32_t count[257] = {0};
	size_t n = 0;

	for (size_t p = 0; p < n_pats; p++) {
		const char *b;

		if (fuzzy_letters(&pats[p], &b) > 0) {
			count[(uint8_t)b[0] + 1]++;
			n++;
		}
	}
	for (size_t c = 1; c < 257; c++)
		count[c] += count[c - 1];
	memcpy(fz->start, count, sizeof(fz->start));
	fz->pattern = xreallocarray(NULL, n + 1, sizeof(*fz->pattern));
	fz->skip = xmalloc(n + 1);
	fz->len = xmalloc(n + 1);
	for (size_t p = 0; p < n_pats; p++) {
		const char *b;
		size_t len = fuzzy_letters(&pats[p], &b), j;

		if (len == 0)
			continue;
		j = count[(uint8_t)b[0]]++;
		fz->pattern[j] = (uint32_t)p;
		fz->skip[j] = (uint8_t)(b - pats[p].bytes);
		fz->len[j] = (uint8_t)(len < UINT8_MAX ? len : UINT8_MAX);
	}
}

void classify_fuzzy_free(struct classify_fuzzy *fz)
{
	free(fz->pattern);
	free(fz->skip);
	free(fz->len);
	memset(fz, 0, sizeof(*fz));
}

/* The length of the start of w (n bytes) that is k (len bytes) but for one
 * edit, or 0. k is no prefix of w (the automaton would have found it). */
static size_t one_edit_prefix(const char *k, size_t len, const char *w, size_t n)
{
	size_t x = 0;

	while (x < len && x < n && k[x] == w[x])
		x++;
	if (x == len)
		return 0;
	/* changed: k[x] is w[x] */
	if (len <= n && memcmp(k + x + 1, w + x + 1, len - x - 1) == 0)
		return len;
	/* left out: w lacks k[x] */
	if (len - 1 <= n && memcmp(k + x + 1, w + x, len - x - 1) == 0)
		return len - 1;
	/* added: w has one letter more at x */
	if (len + 1 <= n && memcmp(k + x, w + x + 1, len - x) == 0)
		return len + 1;
	/* two swapped */
	if (x + 1 < len && len <= n && k[x] == w[x + 1] && k[x + 1] == w[x] &&
	    memcmp(k + x + 2, w + x + 2, len - x - 2) == 0)
		return len;
	return 0;
}

void classify_fuzzy_match(const struct classify_fuzzy *fz, const struct classify_pattern *pats,
			  const struct classify_model *known, struct classify_doc *doc)
{
	size_t n_exact = doc->n_matches;

	for (size_t i = 0; i < doc->n_words; i++) {
		const struct classify_word *w = &doc->words[i];
		const char *skel = doc->stream.data + w->skel_off;
		uint8_t first = (uint8_t)skel[0];
		size_t best = SIZE_MAX, best_len = 0, best_span = 0;
		bool matched = false;

		if (w->stop || w->skel_len < FUZZY_MIN_KEYWORD)
			continue;
		/* a word of the training texts is spelt as people spell it */
		if (w->stem_hash != 0 && classify_model_find(known, w->stem_hash) >= 0)
			continue;
		for (size_t m = 0; m < n_exact && !matched; m++)
			matched = doc->matches[m].start < w->skel_off + w->skel_len &&
				  doc->matches[m].end > w->skel_off;
		if (matched)
			continue;
		for (uint32_t j = fz->start[first]; j < fz->start[first + 1]; j++) {
			const char *k = pats[fz->pattern[j]].bytes + fz->skip[j];
			size_t len = fz->len[j], span;

			if (len <= best_len || len > (size_t)w->skel_len + 1)
				continue;
			/* one edit after the first letter leaves the second or the
			 * third where it was, or moves the second by one: most
			 * keywords end here */
			if (k[1] != skel[1] && k[2] != skel[2] && k[1] != skel[2] &&
			    k[2] != skel[1])
				continue;
			span = one_edit_prefix(k, len, skel, w->skel_len);
			/* "|word|": the whole word */
			if (span == 0 || (k[len] == ' ' && span != w->skel_len))
				continue;
			best = fz->pattern[j];
			best_len = len;
			best_span = span;
		}
		if (best == SIZE_MAX)
			continue;
		if (doc->n_matches == doc->matches_cap) {
			doc->matches_cap = doc->matches_cap ? doc->matches_cap * 2 : 16;
			doc->matches =
			    xreallocarray(doc->matches, doc->matches_cap, sizeof(*doc->matches));
		}
		doc->matches[doc->n_matches++] =
		    (struct classify_match){w->skel_off, (uint32_t)(w->skel_off + best_span),
					    pats[best].keyword, (uint32_t)best};
	}
}

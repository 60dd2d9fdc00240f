/* classify_model.c - the learned half of the classifier: a multinomial
 * logistic regression (see struct classify_model), the table from feature
 * hashes to its rows, and the memory of trained texts.
 *
 * Why this model: in 10-fold cross-validation on the labelled set it beat
 * multinomial naive Bayes over the same features (0.62 against 0.61 alone at
 * 621 questions, and the gap grew with the data), and with the keyword
 * scores and the matched keywords among its inputs it learns which
 * category wins when two categories' keywords meet, which lifts the
 * combination above the keywords alone (make eval prints all three).
 *
 * Training: classify_train_tsv() keeps every text and fits once at the end
 * (epochs of stochastic gradient descent over a fixed shuffle, so the same
 * files give the same model); classify_train() keeps the text and takes a
 * few steps on it alone, so a correction counts before the next full fit.
 * Cost: a fit of 1,000 texts takes about 0.2 s.
 *
 * Export (classify_export()), so that a start need not fit again: every
 * number little-endian, floats as IEEE 754 bits, arrays whole, nc the
 * number of categories:
 *   head (BLOB_HEAD bytes, enum classify_blob_head): magic, version, nc,
 *        the fingerprints of the setup and of the text pipeline (struct
 *        classifier), the counts
 *        n_rows, n_docs, n_ex, n_ex_rows, n_memos, a zero
 *   bias f32[nc], kw_w f32[nc*nc]
 *   rows: hash u64[n_rows], df u32[n_rows], w f32[n_rows*nc]
 *   kept texts: ex_n u32[n_ex], ex_nk u32[n_ex], ex_label u8[n_ex],
 *        ex_x f32[n_ex], ex_kw f32[n_ex*nc], ex_rows u32[n_ex_rows]
 *        (ex_off is their running sum)
 *   memory, by key: key u64[n_memos], last u8[n_memos], count u16[n_memos*nc]
 *   classify_checksum() of all the above, u64
 * The counts fix the size, so a blob of another size is refused before
 * anything is allocated; the checksum catches any changed byte; and each
 * value a later use trusts (a row index, a category, a weight that must
 * not overflow) is checked too, for a blob that is wrong but whole. The
 * feature table is not stored: classify_import() rebuilds it slot for slot
 * (build_slots()). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify_p.h"

/* Steps on a single new text: enough to move it, not enough to unlearn the
 * rest. */
#define SINGLE_STEPS 5

/* The slot for hash in slots (mask + 1 of them): its own or the empty one
 * where it belongs. */
static struct classify_slot *slot_for(struct classify_slot *slots, size_t mask, uint64_t hash)
{
	size_t j = hash & mask;

	while (slots[j].row_1 != 0 && slots[j].tag != (uint32_t)(hash >> 32))
		j = (j + 1) & mask;
	return &slots[j];
}

/* The first size of the feature table; it doubles when half full. */
#define FIRST_SLOTS 4096

/* Fills a new table of cap slots with every row, in row order. The table of
 * a model is always that of its rows inserted in order into its final size
 * (classify_model_row() inserts a new row where this would), which is how
 * classify_import() rebuilds it slot for slot. */
static void build_slots(struct classify_model *m, size_t cap)
{
	struct classify_slot *slots = xcalloc(cap, sizeof(*slots));

	/* the rows remember their hashes, the slots only half of them */
	for (size_t r = 0; r < m->n_rows; r++)
		*slot_for(slots, cap - 1, m->hash[r]) =
		    (struct classify_slot){(uint32_t)(m->hash[r] >> 32), (uint32_t)r + 1};
	free(m->slots);
	m->slots = slots;
	m->mask = cap - 1;
}

static void rehash(struct classify_model *m)
{
	build_slots(m, m->slots != NULL ? (m->mask + 1) * 2 : FIRST_SLOTS);
}

uint32_t classify_model_row(struct classifier *cl, uint64_t hash)
{
	struct classify_model *m = &cl->model;
	size_t nc = cl->n_categories;
	int64_t found = classify_model_find(m, hash);
	uint32_t r;

	if (found >= 0)
		return (uint32_t)found;
	if (m->slots == NULL || (m->n_rows + 1) * 2 > m->mask + 1)
		rehash(m);
	if (m->n_rows == m->rows_cap) {
		m->rows_cap = m->rows_cap ? m->rows_cap * 2 : 4096;
		m->w = xreallocarray(m->w, m->rows_cap * nc, sizeof(*m->w));
		m->df = xreallocarray(m->df, m->rows_cap, sizeof(*m->df));
		m->hash = xreallocarray(m->hash, m->rows_cap, sizeof(*m->hash));
	}
	r = (uint32_t)m->n_rows++;
	memset(&m->w[(size_t)r * nc], 0, nc * sizeof(*m->w));
	m->df[r] = 0;
	m->hash[r] = hash;
	*slot_for(m->slots, m->mask, hash) = (struct classify_slot){(uint32_t)(hash >> 32), r + 1};
	return r;
}

/* The categories of DESIGN.md. The loops over the categories of a row are
 * written out for this number (logits_rows() and step_rows() called with
 * it as a constant): the compiler then keeps a text's logits in registers
 * and needs no loop and no check of overlap per row, which made the loops
 * over rows cost half as much again. The arithmetic is the same, element
 * by element and in the same order, for any number. */
#define USUAL_CATEGORIES 15

/* acc += each row of w (of nc floats) times v: x for the first n rows,
 * keyword_value for the rest. acc is the caller's own array. */
static inline void logits_rows(const float *w, const uint32_t *rows, size_t n, size_t n_key,
			       float x, float keyword_value, size_t nc, float *acc)
{
	for (size_t i = 0; i < n + n_key; i++) {
		const float *r = &w[(size_t)rows[i] * nc];
		float v = i < n ? x : keyword_value;

		for (size_t c = 0; c < nc; c++)
			acc[c] += v * r[c];
	}
}

void classify_model_logits(const struct classifier *cl, const uint32_t *rows, size_t n,
			   size_t n_key, float x, const float *kw, float *z)
{
	const struct classify_model *m = &cl->model;
	size_t nc = cl->n_categories;
	float acc[CLASSIFY_MAX_CATEGORIES];

	for (size_t c = 0; c < nc; c++)
		acc[c] = m->bias[c];
	if (nc == USUAL_CATEGORIES)
		logits_rows(m->w, rows, n, n_key, x, cl->params.keyword_value, USUAL_CATEGORIES,
			    acc);
	else
		logits_rows(m->w, rows, n, n_key, x, cl->params.keyword_value, nc, acc);
	for (size_t c = 0; c < nc; c++)
		z[c] = acc[c];
	for (size_t j = 0; j < nc; j++)
		if (kw[j] != 0)
			for (size_t c = 0; c < nc; c++)
				z[c] += kw[j] * m->kw_w[j * nc + c];
}

static void softmax(float *z, size_t n)
{
	float max = z[0], sum = 0;

	for (size_t c = 1; c < n; c++)
		if (z[c] > max)
			max = z[c];
	for (size_t c = 0; c < n; c++) {
		z[c] = expf(z[c] - max);
		sum += z[c];
	}
	for (size_t c = 0; c < n; c++)
		z[c] /= sum;
}

/* Each row of w (of nc floats) decays and moves against the gradient g
 * times v: x for the first n rows, keyword_value for the rest. */
static inline void step_rows(float *w, const uint32_t *rows, size_t n, size_t n_key, float x,
			     float keyword_value, const float *g, float decay, size_t nc)
{
	for (size_t i = 0; i < n + n_key; i++) {
		float *r = &w[(size_t)rows[i] * nc];
		float v = i < n ? x : keyword_value;

		for (size_t c = 0; c < nc; c++)
			r[c] = r[c] * decay - g[c] * v;
	}
}

void classify_model_step(struct classifier *cl, size_t e, float rate)
{
	struct classify_model *m = &cl->model;
	size_t nc = cl->n_categories;
	const uint32_t *rows = &m->ex_rows[m->ex_off[e]];
	const float *kw = &m->ex_kw[e * nc];
	float x = m->ex_x[e], g[CLASSIFY_MAX_CATEGORIES];
	/* L2 only on the weights this text touches: a full decay per step
	 * would cost every row each time */
	float decay = 1.0f - rate * cl->params.l2;

	classify_model_logits(cl, rows, m->ex_n[e], m->ex_nk[e], x, kw, g);
	softmax(g, nc);
	g[m->ex_label[e]] -= 1.0f; /* the gradient of the cross-entropy */
	for (size_t c = 0; c < nc; c++) {
		g[c] *= rate;
		m->bias[c] -= g[c];
	}
	if (nc == USUAL_CATEGORIES)
		step_rows(m->w, rows, m->ex_n[e], m->ex_nk[e], x, cl->params.keyword_value, g,
			  decay, USUAL_CATEGORIES);
	else
		step_rows(m->w, rows, m->ex_n[e], m->ex_nk[e], x, cl->params.keyword_value, g,
			  decay, nc);
	for (size_t j = 0; j < nc; j++)
		if (kw[j] != 0)
			for (size_t c = 0; c < nc; c++)
				m->kw_w[j * nc + c] -= g[c] * kw[j];
}

void classify_model_fit(struct classifier *cl)
{
	struct classify_model *m = &cl->model;
	size_t nc = cl->n_categories, *order;
	uint64_t rng = 0x9E3779B97F4A7C15ULL;

	if (m->w != NULL)
		memset(m->w, 0, m->n_rows * nc * sizeof(*m->w));
	memset(m->bias, 0, sizeof(m->bias));
	memset(m->kw_w, 0, sizeof(m->kw_w));
	if (m->n_ex == 0)
		return;
	order = xmalloc(m->n_ex * sizeof(*order));
	for (size_t i = 0; i < m->n_ex; i++)
		order[i] = i;
	for (int epoch = 0; epoch < cl->params.epochs; epoch++) {
		float rate = cl->params.rate / (1.0f + 0.2f * (float)epoch);

		for (size_t i = m->n_ex; i > 1; i--) { /* xorshift: the same on every machine */
			size_t j, t;

			rng ^= rng >> 12;
			rng ^= rng << 25;
			rng ^= rng >> 27;
			j = (size_t)((rng * 0x2545F4914F6CDD1DULL) >> 33) % i;
			t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < m->n_ex; i++)
			classify_model_step(cl, order[i], rate);
	}
	free(order);
}

size_t classify_model_keep(struct classifier *cl, const uint32_t *rows, size_t n, size_t n_key,
			   float x, const float *kw, size_t label)
{
	struct classify_model *m = &cl->model;
	size_t nc = cl->n_categories, e = m->n_ex;

	if (m->n_ex == m->ex_cap) {
		m->ex_cap = m->ex_cap ? m->ex_cap * 2 : 1024;
		m->ex_off = xreallocarray(m->ex_off, m->ex_cap, sizeof(*m->ex_off));
		m->ex_n = xreallocarray(m->ex_n, m->ex_cap, sizeof(*m->ex_n));
		m->ex_nk = xreallocarray(m->ex_nk, m->ex_cap, sizeof(*m->ex_nk));
		m->ex_label = xreallocarray(m->ex_label, m->ex_cap, sizeof(*m->ex_label));
		m->ex_x = xreallocarray(m->ex_x, m->ex_cap, sizeof(*m->ex_x));
		m->ex_kw = xreallocarray(m->ex_kw, m->ex_cap * nc, sizeof(*m->ex_kw));
	}
	n += n_key;
	while (m->n_ex_rows + n > m->ex_rows_cap) {
		m->ex_rows_cap = m->ex_rows_cap ? m->ex_rows_cap * 2 : 65536;
		m->ex_rows = xreallocarray(m->ex_rows, m->ex_rows_cap, sizeof(*m->ex_rows));
	}
	if (n > 0)
		memcpy(&m->ex_rows[m->n_ex_rows], rows, n * sizeof(*rows));
	m->ex_off[e] = (uint32_t)m->n_ex_rows;
	m->ex_n[e] = (uint32_t)(n - n_key);
	m->ex_nk[e] = (uint32_t)n_key;
	m->n_ex_rows += n;
	m->ex_label[e] = (uint8_t)label;
	m->ex_x[e] = x;
	memcpy(&m->ex_kw[e * nc], kw, nc * sizeof(*kw));
	m->n_ex++;
	if (!m->bulk)
		for (int i = 0; i < SINGLE_STEPS; i++)
			classify_model_step(cl, e, cl->params.rate);
	return e;
}

void classify_model_free(struct classify_model *m)
{
	free(m->slots);
	free(m->hash);
	free(m->w);
	free(m->df);
	free(m->ex_off);
	free(m->ex_n);
	free(m->ex_nk);
	free(m->ex_label);
	free(m->ex_x);
	free(m->ex_kw);
	free(m->ex_rows);
	memset(m, 0, sizeof(*m));
}

const struct classify_memo *classify_memory_find(const struct classify_memory *mem, uint64_t key)
{
	if (mem->slots == NULL)
		return NULL;
	for (size_t j = key & mem->mask; mem->slots[j].key != 0; j = (j + 1) & mem->mask)
		if (mem->slots[j].key == key)
			return &mem->slots[j];
	return NULL;
}

void classify_memory_add(struct classify_memory *mem, uint64_t key, size_t category)
{
	struct classify_memo *e;
	size_t j;

	if (mem->slots == NULL || (mem->n + 1) * 2 > mem->mask + 1) {
		size_t cap = mem->slots != NULL ? (mem->mask + 1) * 2 : 1024;
		struct classify_memo *slots = xcalloc(cap, sizeof(*slots));

		for (size_t i = 0; mem->slots != NULL && i <= mem->mask; i++) {
			if (mem->slots[i].key == 0)
				continue;
			for (j = mem->slots[i].key & (cap - 1); slots[j].key != 0;
			     j = (j + 1) & (cap - 1))
				;
			slots[j] = mem->slots[i];
		}
		free(mem->slots);
		mem->slots = slots;
		mem->mask = cap - 1;
	}
	for (j = key & mem->mask; mem->slots[j].key != 0 && mem->slots[j].key != key;
	     j = (j + 1) & mem->mask)
		;
	e = &mem->slots[j];
	if (e->key == 0) {
		e->key = key;
		mem->n++;
	}
	if (e->count[category] < UINT16_MAX)
		e->count[category]++;
	e->last = (uint8_t)category;
}

/* ---- export and import -------------------------------------------------------- */

/* Values are stored little-endian; floats as their IEEE 754 bit patterns. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_LE 1
#else
#define HOST_LE 0
#endif

_Static_assert(sizeof(float) == sizeof(uint32_t), "floats are stored as 32 bits");

/* No learned value of a sane model comes near these (the weights of the
 * shipped set stay below 20); past them a logit could overflow to inf and
 * the confidence become NaN. */
#define MAX_WEIGHT  1e6f
#define MAX_KEYWORD 1e6f

#define CK_P1 0x9E3779B185EBCA87ULL
#define CK_P2 0xC2B2AE3D27D4EB4FULL
#define CK_P3 0x165667B19E3779F9ULL

static uint64_t get_le(const uint8_t *p, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t **p, uint64_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		(*p)[i] = (uint8_t)(v >> (8 * i));
	*p += bytes;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return HOST_LE ? v : get_le(p, 8);
}

static uint64_t rotl64(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/* Each step below is a bijection of the state for a fixed input word and of
 * the input word for a fixed state, so two inputs that differ in a single
 * 8-byte word (or tail byte) always give two checksums that differ. */
static uint64_t ck_round(uint64_t lane, uint64_t word)
{
	return rotl64(lane + word * CK_P2, 31) * CK_P1;
}

uint64_t classify_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t lane[4] = {CK_P1 + CK_P2, CK_P2, 0, 0 - CK_P1}, h = (uint64_t)len * CK_P3;
	size_t i = 0;

	/* four independent lanes keep the multiplier busy: about 1 ms per MB at -O0 */
	for (; i + 32 <= len; i += 32)
		for (int k = 0; k < 4; k++)
			lane[k] = ck_round(lane[k], load64(p + i + 8 * k));
	for (int k = 0; k < 4; k++)
		h = rotl64(h ^ lane[k], 27) * CK_P1 + CK_P2;
	for (; i + 8 <= len; i += 8)
		h = rotl64(h ^ ck_round(0, load64(p + i)), 27) * CK_P1 + CK_P2;
	for (; i < len; i++)
		h = rotl64(h ^ (p[i] * CK_P1), 11) * CK_P2;
	h ^= h >> 33;
	h *= CK_P2;
	h ^= h >> 29;
	h *= CK_P3;
	h ^= h >> 32;
	return h;
}

/* Appends n values of width bytes (1, 2, 4 or 8) each. */
static void put_array(uint8_t **p, const void *src, size_t n, size_t width)
{
	const uint8_t *s = src;

	if (n == 0)
		return;
	if (HOST_LE || width == 1) {
		memcpy(*p, src, n * width);
		*p += n * width;
		return;
	}
	for (size_t i = 0; i < n; i++, s += width) {
		uint64_t v = 0;

		if (width == 2) {
			uint16_t x;

			memcpy(&x, s, 2);
			v = x;
		} else if (width == 4) {
			uint32_t x;

			memcpy(&x, s, 4);
			v = x;
		} else {
			memcpy(&v, s, 8);
		}
		put_le(p, v, width);
	}
}

struct blob_reader {
	const uint8_t *p, *end;
};

/* Takes n values of width bytes each into dst; false past the end. */
static bool get_array(struct blob_reader *r, void *dst, size_t n, size_t width)
{
	uint8_t *d = dst;

	if (n > (size_t)(r->end - r->p) / width)
		return false;
	if (n == 0)
		return true;
	if (HOST_LE || width == 1) {
		memcpy(dst, r->p, n * width);
		r->p += n * width;
		return true;
	}
	for (size_t i = 0; i < n; i++, d += width, r->p += width) {
		uint64_t v = get_le(r->p, width);

		if (width == 2) {
			uint16_t x = (uint16_t)v;

			memcpy(d, &x, 2);
		} else if (width == 4) {
			uint32_t x = (uint32_t)v;

			memcpy(d, &x, 4);
		} else {
			memcpy(d, &v, 8);
		}
	}
	return true;
}

/* The exact size of a model's blob, in 64 bits: no count is above 2^32 and
 * there are at most CLASSIFY_MAX_CATEGORIES categories, so nothing wraps. */
static uint64_t blob_size(uint64_t nc, uint64_t n_rows, uint64_t n_ex, uint64_t n_ex_rows,
			  uint64_t n_memos)
{
	return BLOB_HEAD + 4 * nc + 4 * nc * nc + n_rows * (8 + 4 + 4 * nc) +
	       n_ex * (4 + 4 + 1 + 4 + 4 * nc) + 4 * n_ex_rows + n_memos * (8 + 1 + 2 * nc) +
	       BLOB_CHECKSUM;
}

static int memo_cmp(const void *a, const void *b)
{
	uint64_t x = (*(const struct classify_memo *const *)a)->key;
	uint64_t y = (*(const struct classify_memo *const *)b)->key;

	return x < y ? -1 : x > y;
}

void classify_export(const struct classifier *cl, void **blob_r, size_t *size_r)
{
	const struct classify_model *m = &cl->model;
	const struct classify_memory *mem = &cl->memory;
	size_t nc = cl->n_categories, n_memos = 0, size;
	const struct classify_memo **memos = xcalloc(mem->n + 1, sizeof(*memos));
	uint8_t *blob, *p;

	for (size_t j = 0; mem->slots != NULL && j <= mem->mask; j++)
		if (mem->slots[j].key != 0)
			memos[n_memos++] = &mem->slots[j];
	/* by key, not by slot: the slots of a table depend on its history, and
	 * the same model should give the same bytes */
	qsort(memos, n_memos, sizeof(*memos), memo_cmp);
	size = (size_t)blob_size(nc, m->n_rows, m->n_ex, m->n_ex_rows, n_memos);
	blob = xmalloc(size);
	p = blob;
	memcpy(p, CLASSIFY_BLOB_MAGIC, 8);
	p += 8;
	put_le(&p, CLASSIFY_MODEL_VERSION, 4);
	put_le(&p, nc, 4);
	put_le(&p, cl->setup_fingerprint, 8);
	put_le(&p, cl->pipeline_fingerprint, 8);
	put_le(&p, m->n_rows, 4);
	put_le(&p, m->n_docs, 4);
	put_le(&p, m->n_ex, 4);
	put_le(&p, m->n_ex_rows, 4);
	put_le(&p, n_memos, 4);
	put_le(&p, 0, 4);
	put_array(&p, m->bias, nc, 4);
	put_array(&p, m->kw_w, nc * nc, 4);
	put_array(&p, m->hash, m->n_rows, 8);
	put_array(&p, m->df, m->n_rows, 4);
	put_array(&p, m->w, m->n_rows * nc, 4);
	put_array(&p, m->ex_n, m->n_ex, 4);
	put_array(&p, m->ex_nk, m->n_ex, 4);
	put_array(&p, m->ex_label, m->n_ex, 1);
	put_array(&p, m->ex_x, m->n_ex, 4);
	put_array(&p, m->ex_kw, m->n_ex * nc, 4);
	put_array(&p, m->ex_rows, m->n_ex_rows, 4);
	for (size_t i = 0; i < n_memos; i++)
		put_le(&p, memos[i]->key, 8);
	for (size_t i = 0; i < n_memos; i++)
		put_le(&p, memos[i]->last, 1);
	for (size_t i = 0; i < n_memos; i++)
		put_array(&p, memos[i]->count, nc, 2);
	put_le(&p, classify_checksum(blob, (size_t)(p - blob)), 8);
	free(memos);
	*blob_r = blob;
	*size_r = size;
}

/* Whether each of the n floats is finite and within [lo, hi]. */
static bool floats_within(const float *v, size_t n, float lo, float hi)
{
	bool ok = true;

	/* no early exit: the loop vectorises, and NaN fails both comparisons */
	for (size_t i = 0; i < n; i++)
		ok &= v[i] >= lo && v[i] <= hi;
	return ok;
}

/* Reads the learned state after the head into m and mem (empty on entry)
 * and checks every value a later use would trust; returns what is wrong, or
 * NULL. The caller frees m and mem either way. */
static const char *read_model(struct blob_reader *r, size_t nc, struct classify_model *m,
			      struct classify_memory *mem, size_t n_memos)
{
	uint64_t *keys = NULL;
	uint8_t *last = NULL;
	const char *what = NULL;
	uint64_t rows = 0;

	if (!get_array(r, m->bias, nc, 4) || !get_array(r, m->kw_w, nc * nc, 4))
		return "short";
	if (!floats_within(m->bias, nc, -MAX_WEIGHT, MAX_WEIGHT) ||
	    !floats_within(m->kw_w, nc * nc, -MAX_WEIGHT, MAX_WEIGHT))
		return "a weight out of range";
	if (m->n_rows > 0) {
		m->rows_cap = m->n_rows;
		m->hash = xreallocarray(NULL, m->n_rows, sizeof(*m->hash));
		m->df = xreallocarray(NULL, m->n_rows, sizeof(*m->df));
		m->w = xreallocarray(NULL, m->n_rows * nc, sizeof(*m->w));
	}
	if (!get_array(r, m->hash, m->n_rows, 8) || !get_array(r, m->df, m->n_rows, 4) ||
	    !get_array(r, m->w, m->n_rows * nc, 4))
		return "short";
	if (!floats_within(m->w, m->n_rows * nc, -MAX_WEIGHT, MAX_WEIGHT))
		return "a weight out of range";
	for (size_t i = 0; i < m->n_rows; i++)
		if (m->df[i] > m->n_docs)
			return "a document frequency above the number of documents";
	if (m->n_ex > 0) {
		m->ex_cap = m->n_ex;
		m->ex_off = xreallocarray(NULL, m->n_ex, sizeof(*m->ex_off));
		m->ex_n = xreallocarray(NULL, m->n_ex, sizeof(*m->ex_n));
		m->ex_nk = xreallocarray(NULL, m->n_ex, sizeof(*m->ex_nk));
		m->ex_label = xreallocarray(NULL, m->n_ex, sizeof(*m->ex_label));
		m->ex_x = xreallocarray(NULL, m->n_ex, sizeof(*m->ex_x));
		m->ex_kw = xreallocarray(NULL, m->n_ex * nc, sizeof(*m->ex_kw));
	}
	if (m->n_ex_rows > 0) {
		m->ex_rows_cap = m->n_ex_rows;
		m->ex_rows = xreallocarray(NULL, m->n_ex_rows, sizeof(*m->ex_rows));
	}
	if (!get_array(r, m->ex_n, m->n_ex, 4) || !get_array(r, m->ex_nk, m->n_ex, 4) ||
	    !get_array(r, m->ex_label, m->n_ex, 1) || !get_array(r, m->ex_x, m->n_ex, 4) ||
	    !get_array(r, m->ex_kw, m->n_ex * nc, 4) ||
	    !get_array(r, m->ex_rows, m->n_ex_rows, 4))
		return "short";
	for (size_t e = 0; e < m->n_ex; e++) {
		if (m->ex_label[e] >= nc)
			return "a training text with an unknown category";
		m->ex_off[e] = (uint32_t)rows; /* below n_ex_rows, checked next */
		rows += (uint64_t)m->ex_n[e] + m->ex_nk[e];
		if (rows > m->n_ex_rows)
			return "training texts with more features than it holds";
	}
	if (rows != m->n_ex_rows)
		return "training texts with fewer features than it holds";
	for (size_t i = 0; i < m->n_ex_rows; i++)
		if (m->ex_rows[i] >= m->n_rows)
			return "a training text with a feature it does not have";
	if (!floats_within(m->ex_x, m->n_ex, 1e-30f, 1.0f) ||
	    !floats_within(m->ex_kw, m->n_ex * nc, 0.0f, MAX_KEYWORD))
		return "a training text with a value out of range";
	if (m->n_rows > 0) {
		size_t cap = FIRST_SLOTS;

		/* the size classify_model_row() would have grown it to */
		while (m->n_rows * 2 > cap)
			cap *= 2;
		build_slots(m, cap);
	}

	if (n_memos == 0)
		return NULL;
	keys = xreallocarray(NULL, n_memos, sizeof(*keys));
	last = xmalloc(n_memos);
	mem->mask = 1023;
	while ((n_memos + 1) * 2 > mem->mask + 1)
		mem->mask = mem->mask * 2 + 1;
	mem->slots = xcalloc(mem->mask + 1, sizeof(*mem->slots));
	if (!get_array(r, keys, n_memos, 8) || !get_array(r, last, n_memos, 1))
		what = "short";
	for (size_t i = 0; i < n_memos && what == NULL; i++) {
		struct classify_memo *e;
		size_t j;

		for (j = keys[i] & mem->mask; mem->slots[j].key != 0 && mem->slots[j].key != keys[i];
		     j = (j + 1) & mem->mask)
			;
		e = &mem->slots[j];
		if (keys[i] == 0 || e->key != 0) {
			what = "a remembered text twice, or with key 0";
			break;
		}
		e->key = keys[i];
		e->last = last[i];
		mem->n++;
		if (!get_array(r, e->count, nc, 2))
			what = "short";
		else if (e->last >= nc || e->count[e->last] == 0)
			what = "a remembered text with a wrong latest category";
	}
	free(keys);
	free(last);
	return what;
}

int classify_import(struct classifier *cl, const void *blob, size_t size, struct error *error_r)
{
	const uint8_t *b = blob;
	size_t nc = cl->n_categories, n_memos;
	struct classify_model m = {0};
	struct classify_memory mem = {0};
	struct blob_reader r;
	uint64_t version;
	const char *what;

	if (b == NULL || size < BLOB_HEAD + BLOB_CHECKSUM)
		return err_set(error_r, ERR_FATAL, "classifier model: %zu bytes, too short", size);
	if (memcmp(b + BLOB_MAGIC, CLASSIFY_BLOB_MAGIC, 8) != 0)
		return err_set(error_r, ERR_FATAL, "classifier model: not one (wrong magic)");
	version = get_le(b + BLOB_VERSION, 4);
	if (version != CLASSIFY_MODEL_VERSION)
		return err_set(error_r, ERR_FATAL,
			       "classifier model: format version %llu, this program has %d",
			       (unsigned long long)version, CLASSIFY_MODEL_VERSION);
	if (get_le(b + size - BLOB_CHECKSUM, 8) != classify_checksum(b, size - BLOB_CHECKSUM))
		return err_set(error_r, ERR_FATAL, "classifier model: damaged (wrong checksum)");
	if (get_le(b + BLOB_N_CATEGORIES, 4) != nc ||
	    get_le(b + BLOB_SETUP, 8) != cl->setup_fingerprint)
		return err_set(error_r, ERR_FATAL,
			       "classifier model: made with other categories or parameters");
	if (get_le(b + BLOB_PIPELINE, 8) != cl->pipeline_fingerprint)
		return err_set(error_r, ERR_FATAL,
			       "classifier model: made with another text pipeline (stopwords, "
			       "libstemmer or utf8proc)");
	m.n_rows = (size_t)get_le(b + BLOB_N_ROWS, 4);
	m.n_docs = (uint32_t)get_le(b + BLOB_N_DOCS, 4);
	m.n_ex = (size_t)get_le(b + BLOB_N_EX, 4);
	m.n_ex_rows = (size_t)get_le(b + BLOB_N_EX_ROWS, 4);
	n_memos = (size_t)get_le(b + BLOB_N_MEMOS, 4);
	/* the size check bounds every allocation below by the size of the blob */
	if (get_le(b + BLOB_RESERVED, 4) != 0 || m.n_docs != m.n_ex || m.n_rows >= UINT32_MAX ||
	    blob_size(nc, m.n_rows, m.n_ex, m.n_ex_rows, n_memos) != size)
		return err_set(error_r, ERR_FATAL,
			       "classifier model: damaged (its counts do not fit its size)");
	r.p = b + BLOB_HEAD;
	r.end = b + size - BLOB_CHECKSUM;
	what = read_model(&r, nc, &m, &mem, n_memos);
	if (what == NULL && r.p != r.end)
		what = "bytes left over";
	if (what != NULL) {
		classify_model_free(&m);
		free(mem.slots);
		return err_set(error_r, ERR_FATAL, "classifier model: damaged (%s)", what);
	}
	classify_model_free(&cl->model);
	cl->model = m;
	free(cl->memory.slots);
	cl->memory = mem;
	return 0;
}

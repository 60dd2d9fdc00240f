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
 * Cost: a fit of 1,000 texts takes about 0.2 s. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify_p.h"

/* Steps on a single new text: enough to move it, not enough to unlearn the
 * rest. */
#define SINGLE_STEPS 5

int64_t classify_model_find(const struct classify_model *m, uint64_t hash)
{
	uint32_t tag = (uint32_t)(hash >> 32);

	if (m->slots == NULL)
		return -1;
	for (size_t j = hash & m->mask; m->slots[j].row_1 != 0; j = (j + 1) & m->mask)
		if (m->slots[j].tag == tag)
			return (int64_t)m->slots[j].row_1 - 1;
	return -1;
}

/* The slot for hash in slots (mask + 1 of them): its own or the empty one
 * where it belongs. */
static struct classify_slot *slot_for(struct classify_slot *slots, size_t mask, uint64_t hash)
{
	size_t j = hash & mask;

	while (slots[j].row_1 != 0 && slots[j].tag != (uint32_t)(hash >> 32))
		j = (j + 1) & mask;
	return &slots[j];
}

static void rehash(struct classify_model *m)
{
	size_t cap = m->slots != NULL ? (m->mask + 1) * 2 : 4096;
	struct classify_slot *slots = xcalloc(cap, sizeof(*slots));

	/* the rows remember their hashes, the slots only half of them */
	for (size_t r = 0; r < m->n_rows; r++)
		*slot_for(slots, cap - 1, m->hash[r]) =
		    (struct classify_slot){(uint32_t)(m->hash[r] >> 32), (uint32_t)r + 1};
	free(m->slots);
	m->slots = slots;
	m->mask = cap - 1;
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

void classify_model_logits(const struct classifier *cl, const uint32_t *rows, size_t n,
			   size_t n_key, float x, const float *kw, float *z)
{
	const struct classify_model *m = &cl->model;
	size_t nc = cl->n_categories;

	for (size_t c = 0; c < nc; c++)
		z[c] = m->bias[c];
	for (size_t i = 0; i < n + n_key; i++) {
		const float *w = &m->w[(size_t)rows[i] * nc];
		float v = i < n ? x : cl->params.keyword_value;

		for (size_t c = 0; c < nc; c++)
			z[c] += v * w[c];
	}
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
	for (size_t i = 0; i < m->ex_n[e] + m->ex_nk[e]; i++) {
		float *w = &m->w[(size_t)rows[i] * nc];
		float v = i < m->ex_n[e] ? x : cl->params.keyword_value;

		for (size_t c = 0; c < nc; c++)
			w[c] = w[c] * decay - g[c] * v;
	}
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

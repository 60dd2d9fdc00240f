/* extract_block.c - step 4 of extraction, the shape of the text: lists,
 * headings, tables and paragraphs as blocks; see extract_p.h.
 *
 * build_blocks() makes an item of each list marker (a short item over deeper
 * ones labels them), a row of each table row (also of the one-cell-a-line
 * text Gmail and Outlook make of a table) and a paragraph of each run of
 * lines, with a short line over it as its heading; a paragraph that asks
 * about several things becomes one block each. Which blocks are questions
 * is decided in extract.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_p.h"

/* a question of this many words tells its matter too (distinct_questions()) */
#define LONG_QUESTION_WORDS 20

/* The text after a list marker ("1.", "2)", "3 -", "Fråga 1:", "Punkt 2.",
 * "a)", "-", "•"), or NULL. */
const char *list_marker(const char *t, enum marker *kind_r)
{
	static const char *const labels[] = { "fråga", "punkt", "question", NULL };
	static const char *const bullets[] = { "-", "*", "•", "–", "—", "·", "▪", "◦", "●",
					       "○", "►", "➢", "✓", "→", "\xEF\x82\xB7", NULL };
	const char *s = t, *r;
	enum marker kind = MARK_NONE;

	for (const char *const *l = labels; *l != NULL; l++) {
		if ((r = ci_word_prefix(t, *l)) == NULL)
			continue;
		r = skip_blanks(r);
		if ((s = ci_word_prefix(r, "nr")) != NULL)
			r = skip_blanks(*s == '.' ? s + 1 : s);
		if (*r == '#')
			r++;
		if (*r >= '0' && *r <= '9') {
			s = r;
			while (*s >= '0' && *s <= '9' && s - r < 3)
				s++;
			s = skip_blanks(s);
			if (*s == ':' || *s == '.' || *s == ')' || *s == '-')
				s++;
			else if (ci_prefix(s, "–") != NULL)
				s = ci_prefix(s, "–");
			if (*s == '\0' || is_blank_char(*s)) {
				kind = MARK_LABEL;
				goto found;
			}
		}
		break;
	}
	s = t;
	if (*s == '(')
		s++;
	if (*s >= '0' && *s <= '9') {
		const char *d = s;

		while (*s >= '0' && *s <= '9')
			s++;
		if (s - d <= 2) {
			if ((*s == '.' || *s == ')' || *s == ':') &&
			    (is_blank_char(s[1]) || s[1] == '\0' ||
			     (*s == '.' && sentence_start_at(s + 1) && !(s[1] >= '0' && s[1] <= '9')))) {
				s++;
				kind = MARK_NUMBER;
				goto found;
			}
			r = skip_blanks(s);
			if (r > s && (*r == '-' || ci_prefix(r, "–") != NULL)) {
				r = *r == '-' ? r + 1 : ci_prefix(r, "–");
				if (is_blank_char(*r)) {
					s = r;
					kind = MARK_NUMBER;
					goto found;
				}
			}
		}
		return NULL;
	}
	s = t;
	if (((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) && s[1] == ')' &&
	    (is_blank_char(s[2]) || s[2] == '\0')) {
		s += 2;
		kind = MARK_LETTER;
		goto found;
	}
	/* every line of every list comes here, and few start with a bullet's
	 * first byte */
	for (const char *const *b = bullets; *b != NULL; b++) {
		size_t bl;

		if (*t != (*b)[0])
			continue;
		bl = strlen(*b);
		if (strncmp(t, *b, bl) == 0 && is_blank_char(t[bl])) {
			s = t + bl;
			/* "– Lokalerna är ändamålsenliga, säger enhetschefen.":
			 * a dash opens a quoted reply in a pasted news item */
			if ((strcmp(*b, "-") == 0 || strcmp(*b, "–") == 0 || strcmp(*b, "—") == 0) &&
			    (strstr(s, ", säger ") != NULL || strstr(s, ", sa ") != NULL ||
			     strstr(s, ", sade ") != NULL || strstr(s, ", menar ") != NULL))
				return NULL;
			kind = MARK_BULLET;
			goto found;
		}
	}
	/* Outlook writes a second-level bullet of a Word list as "o" and
	 * padding in the plain text ("o   När öppnar ...") */
	if (*t == 'o' && (t[1] == '\t' || (t[1] == ' ' && t[2] == ' '))) {
		s = t + 1;
		kind = MARK_BULLET;
		goto found;
	}
	return NULL;
found:
	if (kind_r != NULL)
		*kind_r = kind;
	return skip_blanks(s);
}

struct block *blocks_add(struct blocks *bs, bool item, char *text)
{
	struct block *b;

	if (bs->n == bs->cap) {
		bs->cap = bs->cap ? bs->cap * 2 : 16;
		bs->v = xreallocarray(bs->v, bs->cap, sizeof(*bs->v));
	}
	b = &bs->v[bs->n++];
	memset(b, 0, sizeof(*b));
	b->item = item;
	b->text = text;
	b->words = count_words(text);
	return b;
}

void blocks_free(struct blocks *bs)
{
	for (size_t i = 0; i < bs->n; i++) {
		free(bs->v[i].text);
		free(bs->v[i].heading);
		buf_free(&bs->v[i].pre);
		buf_free(&bs->v[i].post);
	}
	free(bs->v);
}

/* The headings of one question's own parts ("Bakgrund", "Fråga 2",
 * "Förslag"): never the heading of a question or of a section. */
static const char *const question_parts[] = { "bakgrund", "fråg", "förslag", "yrkande",
					      "sammanfattning", "svar", NULL };

/* A line shaped as a heading: short, capitalised, at most eight words and
 * no sentence (no end punctuation), neither a question's part nor a
 * greeting or closing. The callers add what their place needs. */
static bool heading_shaped(const char *t)
{
	size_t len = strlen(t), n;

	if (len == 0 || len >= 70 || strchr(".?!:,;", last_char(t)) != NULL ||
	    !cp_is_upper(ex_u8_next(t, &n)))
		return false;
	n = count_words(t);
	return n >= 1 && n <= 8 && !contains_stem_any(t, question_parts) &&
	       greeting_rest(t) == NULL && !is_closing(t);
}

/* "Nattbemanningen i gruppbostäderna" over "Från och med den 1 april
 * ersätts ...": a short line of its own, not a sentence, naming a matter,
 * directly over text that starts a sentence on the next line, and no
 * longer than that line (a hard-wrapped paragraph's first line is as long
 * as the rest). A heading names, it does not tell: a line with a pronoun or
 * a common verb is the start of a wrapped sentence ("Min dotter bor på
 * gruppbostaden\nLärkan ..."), and so is a greeting, a thank-you or a
 * wish ("Tack för senast"). The parts of one question ("Bakgrund",
 * "Fråga"), a generic line ("Frågor från FUB") and a letterhead or a name
 * ("FUB Exempelstad", "Styrelsen", "Lena Holm") are not its heading. */
static bool is_heading_over(const char *t, const struct line *next)
{
	static const char *const clause[] = {
		"jag", "vi", "du", "ni", "han", "hon", "hen", "de", "dem", "den", "det", "min",
		"mitt", "mina", "vår", "vårt", "våra", "er", "ert", "era", "sin", "sitt", "sina",
		"är", "har", "hade", "var", "kan", "ska", "skulle", "vill", "kommer", "får", "fick",
		"finns", "blir", "blev", "bor", "undrar", "går", "gick", "gör", "att", "som", NULL
	};
	/* "Tack för senast", "God fortsättning": said to the reader */
	static const char *const wishes[] = { "god", "gott", "glad", "glada", "trevlig", NULL };
	size_t n;

	if (next == NULL || line_blank(next) || !heading_shaped(t) ||
	    !cp_is_upper(ex_u8_next(next->t, &n)) || strlen(next->t) < strlen(t) ||
	    list_marker(next->t, NULL) != NULL)
		return false;
	if (contains_word_any(t, clause) || contains_word_any(t, association_words) ||
	    contains_word_any(t, role_words) || ci_find(t, "förening") != NULL ||
	    ci_find(t, "förbund") != NULL || starts_any(t, wishes) || is_pleasantry(t))
		return false;
	if (count_words(t) >= 2) {
		/* a person's name: short words, each capitalised */
		bool name = true;
		size_t cl;

		for (const char *w = t; *w != '\0' && name; w = skip_blanks(w)) {
			const char *start = w;

			name = cp_is_upper(ex_u8_next(w, &cl));
			while (*w != '\0' && !is_blank_char(*w))
				w++;
			name = name && w - start <= 10;
		}
		if (name)
			return false;
	}
	return !subject_is_generic(t);
}

static bool is_marker_line(const struct line *l)
{
	return !line_blank(l) && list_marker(l->t, NULL) != NULL;
}

/* "1. Barn som inte går till skolan", a blank line, then a paragraph that
 * asks, then "2. Information efter diagnos" and its paragraph: a newsletter's
 * numbered headings (Outlook's text of <h2>), each over the text it names. The
 * item stands alone between blank lines, so no wrapped sentence can start on
 * it, and the list is loose: a paragraph lies between it and the list's next
 * or previous item, which a list of topics ("1. Färdtjänst\n\n2. Boende")
 * and its closing paragraph never have. Returns the line of the paragraph
 * under the item, or 0. */
static size_t item_heads_paragraph(const struct line *v, size_t i, size_t n, const char *rest)
{
	size_t k, e, len;
	bool asks = false;

	if (i + 2 >= n || !line_blank(&v[i + 1]) || (i > 0 && !line_blank(&v[i - 1])) ||
	    !heading_shaped(rest))
		return 0;
	k = next_nonblank(v, i + 1, n);
	if (k >= n || is_marker_line(&v[k]) || !cp_is_upper(ex_u8_next(v[k].t, &len)))
		return 0;
	for (e = k; e < n && !line_blank(&v[e]) && !is_marker_line(&v[e]); e++)
		asks = asks || strchr(v[e].t, '?') != NULL;
	if (!asks)
		return 0;
	e = next_nonblank(v, e, n);
	if (e < n && is_marker_line(&v[e]))
		return k;
	/* back over the previous item's paragraph to that item */
	bool text = false;
	for (size_t j = i; j-- > 0 && i - j <= 40;) {
		if (line_blank(&v[j]))
			continue;
		if (is_marker_line(&v[j]))
			return text ? k : 0;
		text = true;
	}
	return 0;
}

/* "3) Enligt 15 § 6 LSS ska kommunen samverka ... budget 2027.\nHur avser
 * nämnden att uppfylla denna skyldighet?": the last item's background,
 * one long line (format=flowed), and its question on the next, as the
 * items above it have theirs: the item's own question, not the closing.
 * item: the item's text so far; v[i]: the line after it. */
static bool question_under_statement(const struct buf *item, const struct line *v, size_t i,
				     size_t n)
{
	if (item->len == 0 || memchr(item->data, '?', item->len) != NULL || is_meta(v[i].t))
		return false;
	for (; i < n && !line_blank(&v[i]) && !is_marker_line(&v[i]); i++)
		if (strchr(v[i].t, '?') != NULL)
			return true;
	return false;
}

/* Builds item and paragraph blocks. Paragraph text is filtered sentence by
 * sentence; items keep their text as written. */
/* A line break that ends a paragraph although no blank line follows (HTML
 * paragraphs without spacing, a writer who never leaves a blank line): the
 * line ends a sentence, the next starts one, and the line is no line of
 * hard-wrapped text, which would be 50 to 90 columns wide. */
/* "Varför stängdes Navet så länge?\nOch kommer det att vara stängt nästa
 * sommar?": a line opened by "Och" or "Eller" goes on with the line before
 * it, in one paragraph (split_independent() decides whether it is another
 * question). */
static bool goes_on(const char *t)
{
	static const char *const going_on[] = { "och", "eller", "samt", NULL };

	return starts_any(t, going_on);
}

static bool soft_break(const struct line *prev, const struct line *next, bool from_html)
{
	static const char *const topic_labels[] = { "ämne:", "angående:", "ang:", "ang.", "rubrik:",
						    "gäller:", "ärende:", NULL };
	char c = last_char(prev->t);
	size_t len = strlen(prev->t) + (size_t)prev->indent;

	/* "Ämne: Färdtjänst" written in the body is a heading of its own */
	if (len < 80 && starts_any(prev->t, topic_labels))
		return true;
	if (c == '\0' || strchr(".?!", c) == NULL || !sentence_start_at(next->t) ||
	    goes_on(next->t))
		return false;
	return from_html || len < 50 || len > 90;
}

static bool is_table_row(const struct line *l)
{
	/* strchr() first: strstr() sets up for every line and few have a '|' */
	return !line_blank(l) && strchr(l->t, '|') != NULL && strstr(l->t, " | ") != NULL;
}

/* The cell of row t at column col (counted from 0), or NULL; *len_r is its
 * length. */
static const char *table_cell(const char *t, size_t col, size_t *len_r)
{
	const char *bar;

	for (; col > 0; col--) {
		if ((bar = strstr(t, " | ")) == NULL)
			return NULL;
		t = bar + 3;
	}
	bar = strstr(t, " | ");
	*len_r = bar != NULL ? (size_t)(bar - t) : strlen(t);
	return t;
}

#define TABLE_MAX_COLUMNS 8

enum table_column {
	COLUMN_OTHER,
	COLUMN_QUESTION,
	COLUMN_BACKGROUND,
};

/* A header row that names the question's column ("Nr | Fråga | Bakgrund",
 * "Vår fråga | Motivering", "Frågeställning | Beskrivning | Svar"): every
 * cell a short label that neither asks nor ends a sentence, one of them a
 * question's; the columns it names go in columns_r. */
static bool table_header(const char *t, enum table_column *columns_r)
{
	static const char *const question[] = { "fråga", "frågan", "frågor", "frågeställning",
						"frågeställningar", "vår fråga", "våra frågor",
						"fråga till kommunen", "fråga till mötet",
						"fråga/önskemål", "fråga / önskemål", NULL };
	static const char *const background[] = { "bakgrund", "bakgrunden", "bakgrund/motivering",
						  "motivering", "beskrivning", "förklaring",
						  "kommentar", "kommentarer", "varför",
						  "varför vi frågar", "exempel", "situation",
						  "problem", "problemet", "problembeskrivning",
						  NULL };
	struct buf cell = { 0 };
	bool named = false, label = true;
	size_t len, col;
	const char *c;

	for (col = 0; label && (c = table_cell(t, col, &len)) != NULL; col++) {
		if (col == TABLE_MAX_COLUMNS)
			label = false;
		buf_reset(&cell);
		buf_append(&cell, c, len);
		trim_buf(&cell);
		if (!label || count_words(cell.data) > 4 || strchr(cell.data, '?') != NULL ||
		    last_char(cell.data) == '.') {
			label = false;
			break;
		}
		/* "Fråga:", "*Bakgrund*": the label without its marks */
		while (cell.len > 0 && strchr(":*_", cell.data[cell.len - 1]) != NULL)
			cell.data[--cell.len] = '\0';
		c = cell.data;
		while (*c == '*' || *c == '_')
			c++;
		columns_r[col] = equals_any(c, question)     ? COLUMN_QUESTION :
				 equals_any(c, background) ? COLUMN_BACKGROUND :
							     COLUMN_OTHER;
		named = named || columns_r[col] == COLUMN_QUESTION;
	}
	buf_free(&cell);
	for (; col < TABLE_MAX_COLUMNS; col++)
		columns_r[col] = COLUMN_OTHER;
	return label && named;
}

/* A table pasted from Word reaches us as rows of "cell | cell | cell"
 * (mime.c's HTML conversion). When a cell asks, each row is a question: the
 * cells with a question mark, else the cell that asks in words ("Vi undrar
 * om ..."), else the row's longest cell; a header row ("Nr | Fråga | Svar")
 * is none. A header that names the question's column ("Nr | Fråga |
 * Bakgrund") says it for every row, asked or not. The background column
 * goes, as the other cells of a row always have: joined to the question it
 * would move the classifier off the question's own words (a cost the raw
 * mail makes up for; the way up is a background field of its own). Returns
 * false when the rows ask nothing, so that they are read as text. */
static bool table_blocks(const struct line *v, size_t from, size_t to, int section,
			 struct blocks *bs)
{
	enum table_column columns[TABLE_MAX_COLUMNS];
	bool asks = false, header = from < to && table_header(v[from].t, columns);

	for (size_t i = from; i < to && !asks; i++)
		asks = strchr(v[i].t, '?') != NULL;
	if (!asks && !header)
		return false;
	for (size_t i = header ? from + 1 : from; i < to; i++) {
		struct buf q = { 0 }, longest = { 0 }, cell = { 0 }, asking = { 0 };
		const char *s = v[i].t;
		size_t longest_words = 0;

		for (size_t col = 0;; col++) {
			const char *bar = strstr(s, " | ");
			size_t len = bar != NULL ? (size_t)(bar - s) : strlen(s);
			enum table_column kind = header && col < TABLE_MAX_COLUMNS ? columns[col] :
										   COLUMN_OTHER;

			buf_reset(&cell);
			buf_append(&cell, s, len);
			if (cell.len == 0 || (header && kind != COLUMN_QUESTION)) {
				/* the number, the background, the answer */
			} else if (kind == COLUMN_QUESTION) {
				append_words(&q, cell.data);
			} else if (strchr(cell.data, '?') != NULL) {
				append_words(&q, cell.data);
			} else if (asking.len == 0 && sentence_asks(cell.data) > 0) {
				append_words(&asking, cell.data);
			} else if (count_words(cell.data) > longest_words) {
				longest_words = count_words(cell.data);
				buf_reset(&longest);
				append_words(&longest, cell.data);
			}
			if (bar == NULL)
				break;
			s = bar + 3;
		}
		if (q.len == 0 && asking.len > 0)
			append_words(&q, asking.data);
		else if (q.len == 0 && longest_words >= 4)
			append_words(&q, longest.data);
		trim_buf(&q);
		if (q.len > 0) {
			struct block *blk = blocks_add(bs, true, buf_steal(&q));

			blk->strength = sentence_asks(blk->text);
			blk->section = section;
		}
		buf_free(&q);
		buf_free(&longest);
		buf_free(&asking);
		buf_free(&cell);
	}
	return true;
}

/* "12": a line that is only a row number. */
static bool is_bare_number(const char *t, unsigned *num_r)
{
	unsigned num = 0;
	size_t k = 0;

	for (; k < 3 && t[k] >= '0' && t[k] <= '9'; k++)
		num = num * 10 + (unsigned)(t[k] - '0');
	*num_r = num;
	return k > 0 && t[k] == '\0';
}

/* The line of the cell after the one at k, or n: the next line in Gmail's
 * form, the line after one blank in Outlook's (spaced). */
static size_t next_cell(const struct line *v, size_t k, size_t n, bool spaced)
{
	if (spaced)
		return k + 2 < n && line_blank(&v[k + 1]) && !line_blank(&v[k + 2]) ? k + 2 : n;
	return k + 1 < n && !line_blank(&v[k + 1]) ? k + 1 : n;
}

/* The text/plain of a table (pasted from Google Docs or Word) puts each
 * cell on a line of its own, in Gmail's form one after the other
 * ("Nr\nFråga\nBakgrund\n1\nHur ...?\nFlera ...\n2\n..."), in Outlook's
 * with a blank line between any two. Where a paragraph starts with such
 * rows (numbered 1, 2, ..., each with as many cells as the first, under an
 * optional header of one short label per column), they are read back as
 * rows "cell | cell" for table_blocks(); the header row goes. Returns
 * whether it made blocks, with *end_r the line after the table. */
static bool cell_table_blocks(const struct line *v, size_t i, size_t n, int section,
			      struct blocks *bs, size_t *end_r)
{
	struct line *rows;
	size_t one = i, header = 0, cells = 0, k, last = i, n_rows = 0;
	unsigned num = 0, expect = 1;
	bool spaced = i + 1 < n && line_blank(&v[i + 1]), made;

	while (one < n && header < 9 && !(is_bare_number(v[one].t, &num) && num == 1)) {
		one = next_cell(v, one, n, spaced);
		header++;
	}
	if (one >= n || header >= 9)
		return false;
	for (k = next_cell(v, one, n, spaced); k < n && cells <= 8 && !is_bare_number(v[k].t, &num);
	     k = next_cell(v, k, n, spaced))
		cells++;
	if (cells == 0 || cells > 8 || (header > 0 && header != cells + 1))
		return false;
	for (k = i; k != one; k = next_cell(v, k, n, spaced))
		if (count_words(v[k].t) > 5 || strchr(".?!", last_char(v[k].t)) != NULL)
			return false;
	rows = xcalloc(n - one + 1, sizeof(*rows));
	/* the header's labels over the cells (not the one over the numbers),
	 * for table_blocks() to read which column asks */
	if (header > 0) {
		struct buf row = { 0 };

		for (k = next_cell(v, i, n, spaced); k != one; k = next_cell(v, k, n, spaced)) {
			if (row.len > 0)
				buf_append_str(&row, " | ");
			buf_append_str(&row, v[k].t);
		}
		rows[n_rows++].t = buf_steal(&row);
	}
	k = one;
	while (k < n && is_bare_number(v[k].t, &num) && num == expect) {
		struct buf row = { 0 };
		size_t c = 0;

		for (k = next_cell(v, k, n, spaced);
		     k < n && c < cells && !is_bare_number(v[k].t, &num);
		     k = next_cell(v, k, n, spaced), c++) {
			if (c > 0)
				buf_append_str(&row, " | ");
			buf_append_str(&row, v[k].t);
			last = k;
		}
		if (c == 0) {
			buf_free(&row);
			break;
		}
		rows[n_rows++].t = buf_steal(&row);
		expect++;
	}
	made = n_rows >= (header > 0 ? 3 : 2) && table_blocks(rows, 0, n_rows, section, bs);
	for (size_t r = 0; r < n_rows; r++)
		free((char *)(uintptr_t)rows[r].t);
	free(rows);
	*end_r = last + 1;
	return made;
}

/* Two questions in a row are about different things when they share no word
 * stem. Questions asked in words, and any two of LONG_QUESTION_WORDS or more,
 * are long sentences that tell their matter too ("... vi undrar vad
 * kommunen gör ...", a writer's whole story run into one sentence with its
 * question), where a stem or two in common ("kommunen") is chance: there a
 * follow-up shares a quarter of its stems. A question for something instead
 * ("Varför får hon inte plats? Kan hon få avlösare i stället?") asks for
 * another measure, not more of the same. */
static bool distinct_questions(const char *p, const char *q, bool in_words)
{
	static const char *const instead[] = { "i stället", "istället", NULL };
	char stems[OVERLAP_MAX_WORDS][24];
	size_t common = overlap(p, q), np, nq;

	if (common > 0 && contains_word_any(q, instead))
		return true;
	if (!in_words && count_words(p) >= LONG_QUESTION_WORDS &&
	    count_words(q) >= LONG_QUESTION_WORDS)
		in_words = true;
	if (common == 0 || !in_words)
		return common == 0;
	np = word_stems(p, stems, OVERLAP_MAX_WORDS);
	nq = word_stems(q, stems, OVERLAP_MAX_WORDS);
	return common * 4 < (np < nq ? np : nq);
}

static bool opens_next_ask(const char *s);

/* "vem har bestämt det och kommer det tillbaka", "Stämmer det verkligen?",
 * "Hur kan det vara så?", "Vem ansvarar för det?", "Varför då?", "Är det
 * lagligt?", "När ändrades det?", "Vem tog det beslutet?": a short question
 * that names no thing of its own and points back with "det", "de", "dom",
 * "detta" or "dessa" at what the writer just told; it follows up that
 * question, not one more. "Finns det fler platser på korttids?" and "Hur
 * blir det med färdtjänsten i sommar?" name their own. */
static bool points_back(const char *s)
{
	/* "annat": "Finns det något annat kommunen kan erbjuda?" after what
	 * the writer was offered */
	static const char *const back[] = { "det", "de", "dom", "dem", "detta", "dessa", "då",
					    "så", "annat", NULL };
	/* the words of such a question that name nothing: question words,
	 * pronouns, auxiliaries, verbs of deciding and being, adverbs */
	static const char *const bare[] = {
		"vem", "vilka", "vilken", "vad", "hur", "när", "var", "varför", "vart", "och",
		"eller", "men", "att", "som", "om", "för", "till", "med", "på", "av", "i", "det",
		"de", "dom", "dem", "detta", "dessa", "den", "då", "så", "här", "nu", "sen",
		"sedan", "igen", "tillbaka", "längre", "verkligen", "egentligen", "alls", "inte",
		"ens", "ni", "vi", "man", "någon", "nån", "ingen", "har", "hade", "ha", "är",
		"vara", "blir", "bli", "blev", "kommer", "komma", "kan", "kunde", "ska", "skall",
		"skulle", "får", "fick", "gör", "göra", "gjorde", "gjort", "går", "gick", "finns",
		"bestämt", "bestämde", "bestämmer", "beslutat", "beslutade", "beslutar", "beslutet",
		"ändrat", "ändrades", "ändras", "ändra", "gäller", "gällde", "stämmer", "ansvarar",
		"ansvarig", "ansvaret", "menar", "menade", "tänker", "tycker", "vet", "veta",
		"visste", "lagligt", "rimligt", "rätt", "okej", "ok", "möjligt", "tog", "tagit",
		"sagt", "sa", "sade", "hänt", "hände", "händer", "just", "också", "även", "något",
		"nåt", "annat", "kommunen", "erbjuda", "hjälpa", NULL
	};
	const char *w, *e, *next = s;
	bool pointing = false;

	if (count_words(s) > 12)
		return false;
	while ((next = next_word(next, &w, &e)) != NULL) {
		/* next_word() leaves a '?' or '!' on the word */
		while (e > w && (e[-1] == '?' || e[-1] == '!'))
			e--;
		if (!word_in(w, e, bare))
			return false;
		pointing = pointing || word_in(w, e, back);
	}
	return pointing;
}

/* A sentence that asks, for split_independent(): with a '?' (also one left
 * out, asks_by_word_order()), or in words with a word that adds it to others
 * ("Vi undrar också om ..."). */
static bool is_further_question(const char *s)
{
	static const char *const adding[] = { "också", "även", "dessutom", NULL };

	if (has_question_mark(s) || asks_by_word_order(s))
		return true;
	/* the cheap test first: most sentences have none of these words */
	return (((ci_find(s, "också") != NULL || ci_find(s, "även") != NULL ||
		  ci_find(s, "dessutom") != NULL) &&
		 contains_word_any(s, adding)) ||
		opens_next_ask(s)) &&
	       sentence_asks(s) > 0;
}

/* The writer's own word that a sentence is one more ask, not a follow-up:
 * it opens with a word of sequence ("Slutligen vill vi veta ...", "Till
 * sist undrar vi ...", "Vidare ...", "Sedan undrar vi ...", "Avslutningsvis
 * ..."), a lead-in naming another matter ("En annan sak: ...") or one more
 * question announced ("Vi undrar också om ...", "En annan fråga är ..."). */
static bool opens_next_ask(const char *s)
{
	static const char *const sequence[] = { "slutligen", "avslutningsvis", "till sist",
						"till slut", "sist", "vidare", "därefter",
						"sedan undrar", "sen undrar", "sedan vill",
						"sen vill", "och sist", "och slutligen",
						"dessutom", "ytterligare", "också", NULL };

	return starts_any(s, sequence) || new_matter_rest(s) != NULL || announces_another(s);
}

/* "Två frågor från NEURO: Vill veta varför ...": the paragraph opens by
 * counting its questions, before a colon, so a sentence of it that asks in
 * words is one of them although others have a '?'. */
static bool counts_its_questions(const char *text)
{
	static const char *const counts[] = { "två frågor", "tre frågor", "fyra frågor",
					      "fem frågor", "ett par frågor", "några frågor", NULL };
	const char *colon = strchr(text, ':');
	char *lead;
	bool counted;

	if (colon == NULL || colon - text > 60)
		return false;
	lead = xstrndup(text, (size_t)(colon - text));
	counted = count_words(lead) <= 8 && contains_any(lead, counts);
	free(lead);
	return counted;
}

/* "Hur många står i kö till bostad? Och när ska vikarierna på Solrosen få
 * en introduktion? Vi undrar också om avgiften för ...": one paragraph, but
 * questions about different things, each an item of its own. A paragraph is
 * split after each of its questions when it has two or more, each of five
 * words or more, and no two in a row share a word stem (a follow-up, "Hur
 * många väntar? Och hur länge har de väntat?", stays with its question).
 * Returns whether it split [start, end) into blocks. */
static bool split_independent(const char *text, int indent, int section, struct blocks *bs)
{
	static const char *const asking[] = { "undrar", "veta", "frågar", NULL };
	static const char *const reading_on[] = { "där står", "där stod", "där skrev", "där sägs",
						  "där sades", NULL };
	struct sentence *sv = NULL;
	bool *asks = NULL;
	size_t n, n_q = 0, prev_q = SIZE_MAX, from = 0;
	bool split = true;
	/* "... vi undrar vad ... . ... så vi vill veta om ... . ... så vi frågar
	 * hur ...": a writer who never uses '?' asks in words, each sentence a
	 * question of its own (an older writer's one long paragraph) */
	bool in_words = strchr(text, '?') == NULL;
	bool counted = !in_words && counts_its_questions(text);

	/* the cheap tests first: two asking sentences of five words are 60
	 * bytes at least, and most paragraphs ask in none of these words */
	if (in_words && (strlen(text) < 60 || !contains_any(text, asking)))
		return false;
	n = split_sentences(text, &sv);
	asks = xcalloc(n + 1, sizeof(*asks));
	for (size_t i = 0; i < n && split; i++) {
		char *q = xstrndup(text + sv[i].start, sv[i].len);

		/* "Per behöver skrivtolk, kan ni boka det till mötet? Och
		 * fungerar hörslingan i salen?": a question on this meeting's
		 * practicalities is for the secretary and keeps the paragraph
		 * whole, so that what follows it is read beside it */
		asks[i] = in_words ? sentence_asks(q) > 0
				   : (is_further_question(q) || (counted && sentence_asks(q) > 0)) &&
					     !is_meeting_practical(q) && !asks_to_add(q);
		/* a follow-up that points back stays with its question, as does
		 * one that reads on in the paper the question named ("... under
		 * punkt 6. Där står att förvaltningen skulle återkomma, har det
		 * kommit något besked?") */
		if (asks[i] && prev_q != SIZE_MAX && (points_back(q) || starts_any(q, reading_on)))
			asks[i] = false;
		if (asks[i]) {
			if (count_words(q) < 5 || is_meta(q))
				split = false;
			else if (prev_q != SIZE_MAX) {
				char *p = xstrndup(text + sv[prev_q].start, sv[prev_q].len);

				/* the writer says it is one more ("Vi undrar också
				 * om ...", "Slutligen vill vi veta ..."): a word of
				 * the paragraph's topic in both is no follow-up */
				split = counted || distinct_questions(p, q, in_words || opens_next_ask(q));
				free(p);
			}
			prev_q = i;
			n_q++;
		}
		free(q);
	}
	split = split && n_q >= 2;
	for (size_t i = 0; i < n && split; i++) {
		/* a part ends at its question; what follows the last one stays */
		if ((asks[i] && --n_q > 0) || i + 1 == n) {
			size_t to = sv[i].start + sv[i].len;
			struct block *blk =
			    blocks_add(bs, false, xstrndup(text + sv[from].start, to - sv[from].start));

			blk->raw = true;
			blk->qmark = has_question_mark(blk->text);
			blk->indented = indent >= 2;
			blk->section = section;
			blk->counted = counted;
			from = i + 1;
		}
	}
	free(asks);
	free(sv);
	return split;
}

/* "Vi undrar hur många som väntar på en plats och vi undrar också när
 * ...": one sentence, two questions, where the writer's "också" says that
 * the second is one more. Only for a paragraph without a '?' (those are
 * split_independent()'s); it is cut once, at the first such " och ".
 * Returns whether it split text into two blocks. */
static bool split_coordinated(const char *text, int indent, int section, struct blocks *bs)
{
	static const char *const subjects[] = { "vi", "jag", "föreningen", "styrelsen", NULL };
	/* "... och sen undrar vi också om ...", "... och så undrar vi även ..." */
	static const char *const then[] = { "sen", "sedan", "så", NULL };
	static const char *const asking[] = { "undrar", "vill", NULL };
	static const char *const question_words[] = { "hur", "varför", "när", "vad", "vilka",
						       "vilken", "vem", NULL };
	bool split = false;

	if (strchr(text, '?') != NULL)
		return false;
	for (const char *at = strstr(text, " och "); at != NULL && !split;
	     at = strstr(at + 1, " och ")) {
		const char *r = NULL, *rest = at + 5, *stop;
		size_t len, cut = (size_t)(at - text);
		char *clause;

		/* the cheap tests first: "och" is everywhere, "och vi" less so,
		 * and is_further_question() needs one of the adding words */
		const char *subject = rest;

		if (strchr("vjfsuVJFSU", *rest) == NULL)
			continue;
		stop = strstr(rest, ". ");
		len = stop != NULL ? (size_t)(stop - rest) : strlen(rest);
		for (const char *const *w = then; *w != NULL && subject == rest; w++)
			if ((r = ci_word_prefix(rest, *w)) != NULL)
				subject = skip_blanks(r);
		r = NULL;
		for (const char *const *w = subjects; *w != NULL && r == NULL; w++)
			r = ci_word_prefix(subject, *w);
		/* "... och sen undrar jag om ...": then, and the asking verb
		 * first, says it is one more as "också" does */
		bool then_asks = false;
		for (const char *const *w = asking; *w != NULL && r == NULL; w++)
			if ((r = ci_word_prefix(subject, *w)) != NULL)
				then_asks = subject != rest;
		if (r == NULL || (!then_asks && memmem(rest, len, "också", strlen("också")) == NULL &&
				  memmem(rest, len, "även", strlen("även")) == NULL &&
				  memmem(rest, len, "dessutom", strlen("dessutom")) == NULL))
			continue;
		clause = xstrndup(rest, len);
		if (count_words(clause) >= 5 && is_further_question(clause)) {
			struct sentence *sv = NULL;
			char *first, *last;
			size_t n;

			if (cut > 0 && text[cut - 1] == ',')
				cut--;
			first = xstrndup(text, cut);
			n = split_sentences(first, &sv);
			last = n > 0 ? xstrndup(first + sv[n - 1].start, sv[n - 1].len) : NULL;
			/* after "och sen undrar jag", what came first asks too
			 * where it has a question word ("... hur tänker kommunen
			 * kring så långa restider"), punctuated or not */
			split = last != NULL && count_words(last) >= 5 &&
				(sentence_asks(last) > 0 ||
				 (then_asks && contains_word_any(last, question_words)));
			if (split) {
				char *parts[2] = { first, u8_capitalize(rest) };

				for (size_t p = 0; p < 2; p++) {
					struct block *blk = blocks_add(bs, false, parts[p]);

					blk->raw = true;
					blk->indented = indent >= 2;
					blk->section = section;
				}
			} else {
				free(first);
			}
			free(last);
			free(sv);
		}
		free(clause);
	}
	return split;
}

/* "* Färdtjänsten\n   * Hur ska man göra när ...?": a short item with
 * deeper items under it names their topic; it is no question itself, its
 * words go in front of each of them ("Färdtjänsten: Hur ska man ..."). */
/* "- Hur ska man göra när taxin inte kommer\n- och ingen svarar hos
 * beställningscentralen?": an item in lower case after one that did not
 * end its sentence goes on with it. */
static void join_continued_items(struct blocks *bs)
{
	/* "- långa väntetider\n- bilar utan ramp" are points of their own */
	static const char *const conjunctions[] = { "och", "men", "eller", "samt", "så att",
						    "för att", "eftersom", NULL };
	size_t out = 0;

	for (size_t i = 0; i < bs->n; i++) {
		struct block *b = &bs->v[i];
		struct block *prev = out > 0 ? &bs->v[out - 1] : NULL;
		size_t len;

		if (prev != NULL && b->item && prev->item && prev->indent == b->indent &&
		    strchr(".?!:;", last_char(prev->text)) == NULL && prev->words >= 4 &&
		    *b->text != '\0' && !cp_is_upper(ex_u8_next(b->text, &len)) &&
		    starts_any(b->text, conjunctions)) {
			char *t = xasprintf("%s %s", prev->text, b->text);

			free(prev->text);
			prev->text = t;
			prev->words = count_words(t);
			prev->strength = is_meta(t) ? 0 : sentence_asks(t);
			prev->qmark = has_question_mark(t);
			free(b->text);
			buf_free(&b->pre);
			buf_free(&b->post);
			continue;
		}
		if (out != i)
			bs->v[out] = *b;
		out++;
	}
	bs->n = out;
}

/* Item b is under item top: indented further, or (Outlook's plain text,
 * which flattens the indent) another bullet than top's. */
static bool deeper(const struct block *top, const struct block *b)
{
	return b->indent > top->indent ||
	       (b->indent == top->indent && top->marker[0] != '\0' && b->marker[0] != '\0' &&
		strcmp(top->marker, b->marker) != 0);
}

/* "1. Korttidstillsyn\n   a) Hur många platser ...?\n   b) Varför får
 * ...?\n2. Skolskjuts\n   a) ...": the writer grouped the lettered points
 * under numbered ones, so each numbered point is one question, its lettered
 * points inside its text ("a) Hur många ...? b) Varför ...?"), under its
 * short text as the heading. Letters not under a number stay items. */
static void group_lettered(struct blocks *bs)
{
	size_t out = 0;

	for (size_t i = 0; i < bs->n;) {
		struct block *b = &bs->v[i];
		struct buf acc = { 0 };
		size_t k = i + 1;

		if (b->item && (b->kind == MARK_NUMBER || b->kind == MARK_LABEL))
			for (; k < bs->n && bs->v[k].item && bs->v[k].kind == MARK_LETTER &&
			       bs->v[k].indent >= b->indent;
			     k++) {
				if (acc.len > 0)
					buf_append_char(&acc, ' ');
				buf_printf(&acc, "%c) %s", bs->v[k].letter, bs->v[k].text);
			}
		if (k > i + 1) {
			bool label = b->heading == NULL && !b->qmark && b->words <= 5;
			char *t;

			if (label) {
				b->heading = b->text;
				t = buf_steal(&acc);
			} else {
				t = xasprintf("%s %s", b->text, acc.data);
				free(b->text);
				buf_free(&acc);
			}
			b->text = t;
			b->words = count_words(t);
			b->strength = is_meta(t) ? 0 : sentence_asks(t);
			b->qmark = has_question_mark(t);
			for (size_t j = i + 1; j < k; j++) {
				free(bs->v[j].text);
				free(bs->v[j].heading);
				buf_free(&bs->v[j].pre);
				buf_free(&bs->v[j].post);
			}
		}
		if (out != i)
			bs->v[out] = *b;
		out++;
		i = k;
	}
	bs->n = out;
}

static void mark_labels(struct blocks *bs)
{
	for (size_t i = 0; i + 1 < bs->n; i++) {
		struct block *b = &bs->v[i];
		const char *label;

		if (!b->item || b->qmark || count_words(b->text) > 5 || !bs->v[i + 1].item ||
		    !deeper(b, &bs->v[i + 1]))
			continue;
		label = b->text;
		for (size_t k = i + 1; k < bs->n && bs->v[k].item && deeper(b, &bs->v[k]); k++) {
			char *t = xasprintf("%s%s %s", label,
					    strchr(":.", last_char(label)) != NULL ? "" : ":",
					    bs->v[k].text);

			free(bs->v[k].text);
			bs->v[k].text = t;
			bs->v[k].strength = is_meta(t) ? 0 : sentence_asks(t);
		}
		b->label = true;
	}
}

/* "ÅRSMÖTE", "TILL LSS-SAMVERKAN": a heading in capitals over a section of
 * a letter that tells of several things (a newsletter); background does not
 * reach across it. The headings of one question's parts ("BAKGRUND",
 * "FRÅGA") do not count, nor does a line of a mail written all in
 * capitals: the text under a heading is not. */
static bool is_section_heading(const char *t)
{
	size_t letters = 0, len;
	char end;

	/* most lines fail on their second letter: read them first */
	for (const char *s = t; *s != '\0'; s += len) {
		int32_t c = ex_u8_next(s, &len);

		if (s - t > 60 || cp_is_lower(c))
			return false;
		if (cp_is_upper(c))
			letters++;
	}
	end = last_char(t);
	return letters >= 5 && count_words(t) <= 6 && (end == '\0' || !strchr(".?!,;", end)) &&
	       !contains_stem_any(t, question_parts);
}

static bool has_lower(const char *t)
{
	size_t len;

	for (; *t != '\0'; t += len)
		if (cp_is_lower(ex_u8_next(t, &len)))
			return true;
	return false;
}

/* v[i] is a section heading with ordinary text under it. */
bool section_heading_at(const struct line *v, size_t i, size_t n)
{
	size_t k;

	if (!is_section_heading(v[i].t))
		return false;
	k = next_nonblank(v, i + 1, n);
	return k < n && has_lower(v[k].t);
}

void build_blocks(const struct line *v, size_t n, bool from_html, struct blocks *bs)
{
	size_t i = 0, last_marker = 0;
	int section = 0;

	for (size_t k = 0; k < n; k++)
		if (is_marker_line(&v[k]))
			last_marker = k;

	while (i < n) {
		const char *rest;
		enum marker kind = MARK_NONE;
		size_t table_end;

		if (line_blank(&v[i])) {
			if (v[i].gap)
				section++;
			i++;
			continue;
		}
		if ((i == 0 || line_blank(&v[i - 1])) &&
		    cell_table_blocks(v, i, n, section, bs, &table_end)) {
			i = table_end;
			continue;
		}
		if (is_table_row(&v[i]) && i + 1 < n && is_table_row(&v[i + 1])) {
			size_t end = i;

			while (end < n && is_table_row(&v[end]))
				end++;
			if (table_blocks(v, i, end, section, bs)) {
				i = end;
				continue;
			}
		}
		rest = list_marker(v[i].t, &kind);
		if (rest != NULL) {
			struct buf b = { 0 };
			int indent = v[i].indent;
			size_t start_line = i;
			size_t first_words = count_words(rest);
			/* "Fråga 3. Avgiften för lunch\nAvgiften höjdes ...\nVilket
			 * ...?": a heading, and the item is what is under it */
			bool headed = i + 1 < n && is_heading_over(rest, &v[i + 1]);
			size_t under = headed ? 0 : item_heads_paragraph(v, i, n, rest);
			bool cont, asked = false;
			struct block *blk;

			if (under > 0) {
				headed = true;
				i = under - 1;
			}
			cont = headed;

			if (!headed)
				append_words(&b, rest);
			for (i++; i < n && !line_blank(&v[i]) && !is_marker_line(&v[i]); i++) {
				size_t len;
				char end = b.len > 0 ? b.data[b.len - 1] : '\0';

				/* after the last item, a new sentence on a line of its
				 * own starts the closing text, unless indented under
				 * the item or the item's heading has not yet come to
				 * its question */
				if (i > last_marker && !(v[i].indent > indent && v[i].indent >= 2) &&
				    !(headed && !asked) && soft_break(&v[i - 1], &v[i], from_html) &&
				    !question_under_statement(&b, v, i, n))
					break;

				/* "1. Färdtjänst\nVarför ..." reads as "Färdtjänst: Varför" */
				if (!cont && first_words > 0 && first_words <= 4 &&
				    strchr(".?!:,;", end) == NULL &&
				    cp_is_upper(ex_u8_next(v[i].t, &len)))
					buf_append_str(&b, ":");
				append_words(&b, v[i].t);
				cont = true;
				asked = asked || strchr(v[i].t, '?') != NULL;
			}
			/* an indented paragraph right under the item */
			for (;;) {
				size_t k = next_nonblank(v, i, n);

				if (k >= n || k == i || is_marker_line(&v[k]) ||
				    v[k].indent <= indent || v[k].indent < 2)
					break;
				for (; k < n && !line_blank(&v[k]) && !is_marker_line(&v[k]); k++)
					append_words(&b, v[k].t);
				i = k;
			}
			trim_buf(&b);
			if (b.len == 0) {
				buf_free(&b);
				continue;
			}
			blk = blocks_add(bs, true, buf_steal(&b));
			blk->heading = headed ? xstrdup(rest) : NULL;
			blk->strength = is_meta(blk->text) ? 0 : sentence_asks(blk->text);
			blk->qmark = has_question_mark(blk->text);
			blk->indent = indent;
			blk->kind = kind;
			if (kind == MARK_LETTER)
				blk->letter = v[start_line].t[0];
			if (kind == MARK_BULLET) {
				size_t ml = strcspn(v[start_line].t, " \t");

				snprintf(blk->marker, sizeof(blk->marker), "%.*s",
					 (int)(ml < sizeof(blk->marker) ? ml : 0), v[start_line].t);
			}
			blk->section = section;
			continue;
		}

		/* a paragraph; several lines that each end in '?' are separate
		 * questions */
		size_t start = i, end = i, qlines = 0;
		int indent = v[i].indent;

		bool heading = section_heading_at(v, i, n);

		if (heading)
			section++;

		while (end < n && !line_blank(&v[end]) && !(heading && end > start) &&
		       (end == start ||
			(!is_marker_line(&v[end]) && !soft_break(&v[end - 1], &v[end], from_html)))) {
			if (last_char(v[end].t) == '?' && !is_meta(v[end].t) &&
			    (end == start || !goes_on(v[end].t)))
				qlines++;
			end++;
		}
		i = end;
		size_t parts = (qlines == end - start && qlines >= 2) ? qlines : 1;
		if (parts == 1) {
			/* one text for the splitters and, when they leave it
			 * whole, for the block */
			struct buf b = { 0 };
			struct block *blk;
			char *text;
			/* "Nattbemanningen i gruppbostäderna\nFrån och med ...":
			 * the first line heads the paragraph */
			bool headed = !heading && end - start >= 2 &&
				      is_heading_over(v[start].t, &v[start + 1]);

			for (size_t k = start; k < end; k++)
				append_words(&b, v[k].t);
			trim_buf(&b);
			if (b.len == 0) {
				buf_free(&b);
				continue;
			}
			text = buf_steal(&b);
			if (split_independent(text, indent, section, bs) ||
			    split_coordinated(text, indent, section, bs)) {
				free(text);
				continue;
			}
			if (headed) {
				free(text);
				for (size_t k = start + 1; k < end; k++)
					append_words(&b, v[k].t);
				trim_buf(&b);
				text = buf_steal(&b);
			}
			blk = blocks_add(bs, false, text);
			blk->heading = headed ? xstrdup(v[start].t) : NULL;
			blk->raw = true;
			blk->qmark = has_question_mark(blk->text);
			blk->indented = indent >= 2;
			blk->section = section;
			continue;
		}
		for (size_t p = 0; p < parts; p++) {
			struct buf b = { 0 };
			struct block *blk;
			append_words(&b, v[start + p].t);
			trim_buf(&b);
			if (b.len == 0) {
				buf_free(&b);
				continue;
			}
			blk = blocks_add(bs, false, buf_steal(&b));
			blk->raw = true;
			blk->qmark = has_question_mark(blk->text);
			blk->indented = indent >= 2;
			blk->section = section;
		}
	}
	join_continued_items(bs);
	group_lettered(bs);
	mark_labels(bs);
}

/* mime_html.c - HTML mail to plain text with libxml2's HTML parser; see
 * mime_p.h.
 *
 * The text is what a reader sees, laid out so that extraction can work on it:
 * block elements end lines, paragraphs are separated by a blank line, list
 * items start with "- " or "1. ", table rows become lines of cells joined by
 * " | ", blockquotes become "> " lines (Gmail's and Apple Mail's quotes), and
 * Outlook's reply header (the border-top div with "Från:"/"From:") stays as
 * text on lines of its own. Nothing comes from head, style, script, comments
 * (Outlook's conditional comments are comments) or hidden elements.
 *
 * Word-generated HTML (Outlook) needs two repairs before parsing: libxml2
 * reads <o:p> as <p>, which would put a paragraph break after every line, and
 * it turns the downlevel-revealed <![if !supportLists]> markers into text. So
 * tags with a namespace prefix and those markers are stripped first; what they
 * enclose stays.
 *
 * Newlines are lazy: a block boundary only raises the number of line breaks
 * wanted before the next text, so nested blocks do not stack blank lines and
 * a table cell's paragraphs do not break its row. The parser is driven
 * through SAX events, so memory stays proportional to the text, not to the
 * markup, and nothing recurses over the document. */
#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mime_p.h"

#define MAX_LIST  16 /* deeper lists reuse the last level's counter */
#define MAX_TABLE 16 /* deeper tables are laid out as their innermost */

struct table_state {
	bool row_has_content;
	bool in_cell;
	bool cell_fresh; /* in a cell that has no text yet */
};

struct open_element {
	const struct tag_def *def;
	int breaks;
	size_t mark;  /* out.len when it opened */
	bool content; /* it had text or elements in it */
};

struct html_text {
	struct buf out;
	int pending;    /* line breaks wanted before the next text */
	int nl;         /* line breaks at the end of out */
	bool started;   /* any text written */
	bool space;     /* collapsed whitespace before the next text */
	int quote;      /* blockquote depth */
	int last_quote; /* blockquote depth of the last line with text */
	int pre;
	int list_depth;
	int counter[MAX_LIST];
	bool ordered[MAX_LIST];
	bool li_marker; /* write the item marker before the next text */
	bool cell_sep;  /* write " | " before the next text */
	int table_depth;
	struct table_state table[MAX_TABLE + 1];

	/* the open elements, outermost first */
	struct open_element *open;
	size_t depth, cap;
	size_t skip_depth;   /* inside a skipped element opened at this depth */
	size_t marker_depth; /* inside Outlook's list marker opened here */
	struct buf marker;
	int mso_level; /* "mso-list:l0 level2" of the paragraph: its list level */
	bool raw_text; /* script or style text reached the output */
};

enum tag {
	T_OTHER,
	T_SKIP, /* no text from it or from anything in it */
	T_BR,
	T_P,
	T_DIV,
	T_BLOCKQUOTE,
	T_PRE,
	T_LIST, /* ul, ol */
	T_LI,
	T_TABLE,
	T_TR,
	T_CELL, /* td, th */
};

struct tag_def {
	const char *name;
	enum tag tag;
	int breaks; /* line breaks around it: 1 a line, 2 a paragraph */
};

/* Sorted by name (strcmp) for bsearch(). */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static const struct tag_def tag_defs[] = {
    {"address", T_OTHER, 2},
    {"applet", T_SKIP, 0},
    {"article", T_OTHER, 1},
    {"aside", T_OTHER, 1},
    {"audio", T_SKIP, 0},
    {"base", T_SKIP, 0},
    {"blockquote", T_BLOCKQUOTE, 1},
    {"body", T_OTHER, 1},
    {"br", T_BR, 0},
    {"button", T_SKIP, 0},
    {"canvas", T_SKIP, 0},
    {"caption", T_OTHER, 1},
    {"center", T_OTHER, 1},
    {"dd", T_OTHER, 1},
    {"details", T_OTHER, 1},
    {"div", T_DIV, 1},
    {"dl", T_OTHER, 2},
    {"dt", T_OTHER, 1},
    {"embed", T_SKIP, 0},
    {"fieldset", T_OTHER, 2},
    {"figcaption", T_OTHER, 1},
    {"figure", T_OTHER, 2},
    {"footer", T_OTHER, 1},
    {"form", T_OTHER, 1},
    {"frame", T_SKIP, 0},
    {"frameset", T_SKIP, 0},
    {"h1", T_OTHER, 2},
    {"h2", T_OTHER, 2},
    {"h3", T_OTHER, 2},
    {"h4", T_OTHER, 2},
    {"h5", T_OTHER, 2},
    {"h6", T_OTHER, 2},
    {"head", T_SKIP, 0},
    {"header", T_OTHER, 1},
    {"hr", T_OTHER, 2},
    {"html", T_OTHER, 1},
    {"iframe", T_SKIP, 0},
    {"legend", T_OTHER, 1},
    {"li", T_LI, 1},
    {"link", T_SKIP, 0},
    {"main", T_OTHER, 1},
    {"map", T_SKIP, 0},
    {"math", T_SKIP, 0},
    {"meta", T_SKIP, 0},
    {"nav", T_OTHER, 1},
    {"noscript", T_SKIP, 0},
    {"object", T_SKIP, 0},
    {"ol", T_LIST, 1},
    {"option", T_SKIP, 0},
    {"p", T_P, 2},
    {"pre", T_PRE, 2},
    {"script", T_SKIP, 0},
    {"section", T_OTHER, 1},
    {"select", T_SKIP, 0},
    {"style", T_SKIP, 0},
    {"summary", T_OTHER, 1},
    {"svg", T_SKIP, 0},
    {"table", T_TABLE, 1},
    {"tbody", T_OTHER, 1},
    {"td", T_CELL, 0},
    {"template", T_SKIP, 0},
    {"tfoot", T_OTHER, 1},
    {"th", T_CELL, 0},
    {"thead", T_OTHER, 1},
    {"title", T_SKIP, 0},
    {"tr", T_TR, 1},
    {"ul", T_LIST, 1},
    {"video", T_SKIP, 0},
    {"xml", T_SKIP, 0},
};

static int tag_cmp(const void *key, const void *def)
{
	return strcmp(key, ((const struct tag_def *)def)->name);
}

static const struct tag_def other_tag = {"", T_OTHER, 0};

static const struct tag_def *tag_of(const xmlChar *name)
{
	const struct tag_def *d = NULL;

	if (name != NULL)
		d = bsearch(name, tag_defs, sizeof(tag_defs) / sizeof(tag_defs[0]),
			    sizeof(tag_defs[0]), tag_cmp);
	return d != NULL ? d : &other_tag;
}

/* The value of attribute name in a SAX attribute array ("" when it has
 * none), or NULL. Borrowed. */
static const char *attr(const xmlChar **attrs, const char *name)
{
	for (; attrs != NULL && attrs[0] != NULL; attrs += 2)
		if (strcasecmp((const char *)attrs[0], name) == 0)
			return attrs[1] != NULL ? (const char *)attrs[1] : "";
	return NULL;
}

/* Whether a CSS declaration list contains needle, ignoring case and
 * whitespace ("Display: none" matches "display:none"). */
static bool style_has(const char *style, const char *needle)
{
	char norm[2048];
	size_t n = 0;

	if (style == NULL)
		return false;
	for (; *style != '\0' && n < sizeof(norm) - 1; style++) {
		char c = *style;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		norm[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	norm[n] = '\0';
	return strstr(norm, needle) != NULL;
}

static bool hidden(const xmlChar **attrs, const char *style)
{
	return attr(attrs, "hidden") != NULL || style_has(style, "display:none") ||
	       style_has(style, "mso-hide:all");
}

static void want_breaks(struct html_text *h, int k)
{
	struct table_state *t = &h->table[h->table_depth];

	/* a block at the start of a table cell must not break the row */
	if (t->in_cell && t->cell_fresh)
		return;
	if (h->pending < k)
		h->pending = k;
}

static void strip_trailing_spaces(struct html_text *h)
{
	while (h->out.len > 0 && h->out.data[h->out.len - 1] == ' ')
		h->out.data[--h->out.len] = '\0';
}

static void raw_newline(struct html_text *h)
{
	strip_trailing_spaces(h);
	/* an empty line inside a quote stays part of the quote */
	if (h->quote > 0 && h->last_quote > 0 && h->nl > 0)
		buf_append_char(&h->out, '>');
	buf_append_char(&h->out, '\n');
	h->nl++;
	h->space = false;
}

static void flush_breaks(struct html_text *h)
{
	if (h->started)
		while (h->nl < h->pending)
			raw_newline(h);
	h->pending = 0;
}

/* Writes a piece of text that contains no line break. */
static void put_text(struct html_text *h, const char *s, size_t len)
{
	struct table_state *t = &h->table[h->table_depth];

	if (len == 0)
		return;
	flush_breaks(h);
	if (h->nl > 0 || !h->started) {
		for (int i = 0; i < h->quote; i++)
			buf_append_str(&h->out, "> ");
		if (h->li_marker) {
			int d = h->list_depth > 0 ? h->list_depth : 1;
			int level = d < MAX_LIST ? d : MAX_LIST - 1;
			for (int i = 1; i < d; i++)
				buf_append_str(&h->out, "  ");
			if (h->list_depth > 0 && h->ordered[level])
				buf_printf(&h->out, "%d. ", h->counter[level]);
			else
				buf_append_str(&h->out, "- ");
		}
	} else if (h->cell_sep)
		buf_append_str(&h->out, " | ");
	else if (h->space)
		buf_append_char(&h->out, ' ');
	h->li_marker = false;
	h->cell_sep = false;
	h->space = false;
	buf_append(&h->out, s, len);
	h->last_quote = h->quote;
	h->nl = 0;
	h->started = true;
	t->row_has_content = true;
	t->cell_fresh = false;
}

static bool is_space_at(const char *s, size_t len, size_t i, size_t *n_r)
{
	unsigned char c = (unsigned char)s[i];

	*n_r = 1;
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
		return true;
	if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) { /* &nbsp; */
		*n_r = 2;
		return true;
	}
	return false;
}

static void put_collapsed(struct html_text *h, const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if (is_space_at(s, len, i, &n)) {
			h->space = true;
			i += n;
			continue;
		}
		/* words with one space between them go out as they are */
		size_t st = i;
		while (i < len && (!is_space_at(s, len, i, &n) ||
				   (s[i] == ' ' && i + 1 < len && !is_space_at(s, len, i + 1, &n))))
			i++;
		put_text(h, s + st, i - st);
	}
}

static void put_pre(struct html_text *h, const char *s, size_t len)
{
	size_t st = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		size_t e = i;
		if (e > st && s[e - 1] == '\r')
			e--;
		put_text(h, s + st, e - st);
		if (i < len) {
			flush_breaks(h);
			raw_newline(h);
		}
		st = i + 1;
	}
}

/* The level of a Word list paragraph (style "mso-list:l0 level2 lfo1"), 0
 * when it is none. */
static int mso_list_level(const char *style)
{
	const char *m = style != NULL ? strcasestr(style, "mso-list:") : NULL;
	const char *l = m != NULL ? strcasestr(m, "level") : NULL;
	int level = 0;

	if (l == NULL || l - m > 24)
		return 0;
	for (l += 5; *l >= '0' && *l <= '9' && level < 100; l++)
		level = level * 10 + (*l - '0');
	return level;
}

/* Outlook's list marker (<span style="mso-list:Ignore">·&nbsp;&nbsp;</span>):
 * a bullet becomes "- ", a number stays; a deeper level of a Word list is
 * indented two spaces a level, as the list looked ("  - Hur ...?" under
 * "1. Personalens kunskap"). */
static void put_list_marker(struct html_text *h)
{
	const char *s = h->marker.data != NULL ? h->marker.data : "";
	size_t len = h->marker.len, i = 0, k;
	struct buf b = {0};

	for (int lv = 1; lv < h->mso_level && lv < 8; lv++)
		buf_append_str(&b, "  ");

	while (i < len) {
		if (is_space_at(s, len, i, &k))
			i += k;
		else
			buf_append_char(&b, s[i++]);
	}
	if (b.len > 0 && b.data[b.len - 1] != ' ') {
		size_t pad = strspn(b.data, " ");
		bool numbered = strpbrk(b.data, "0123456789") != NULL ||
				((b.data[b.len - 1] == '.' || b.data[b.len - 1] == ')') &&
				 b.len - pad > 1);
		if (!numbered) {
			b.len = pad;
			buf_append_char(&b, '-');
		}
		put_text(h, b.data, b.len);
		h->space = true;
	}
	buf_free(&b);
	buf_reset(&h->marker);
}

/* Word makes every line its own MsoNormal paragraph and blank lines empty
 * paragraphs: one line break each, as it looks. */
static int p_breaks(const xmlChar **attrs)
{
	const char *cls = attr(attrs, "class");

	return cls != NULL && strncasecmp(cls, "mso", 3) == 0 ? 1 : 2;
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct html_text *h = ctx;

	if (h->depth > 0)
		h->open[h->depth - 1].content = true;
	if (h->skip_depth > 0 || len <= 0)
		return;
	if (h->marker_depth > 0)
		buf_append(&h->marker, ch, (size_t)len);
	else if (h->pre > 0)
		put_pre(h, (const char *)ch, (size_t)len);
	else
		put_collapsed(h, (const char *)ch, (size_t)len);
}

/* The text of script and style: the only text libxml2 does not decode
 * entities in that can reach the output (inside Outlook's list marker). */
static void on_raw_text(void *ctx, const xmlChar *ch, int len)
{
	struct html_text *h = ctx;

	if (h->skip_depth == 0 && len > 0)
		h->raw_text = true;
	on_text(ctx, ch, len);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **attrs)
{
	struct html_text *h = ctx;
	struct open_element *e;

	if (h->depth > 0)
		h->open[h->depth - 1].content = true;
	if (h->depth == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->open = xreallocarray(h->open, h->cap, sizeof(*h->open));
	}
	e = &h->open[h->depth++];
	*e = (struct open_element){&other_tag, 0, h->out.len, false};
	if (h->skip_depth > 0 || h->marker_depth > 0)
		return;

	const struct tag_def *d = tag_of(name);
	const char *style = attr(attrs, "style");
	if (d->tag == T_SKIP || hidden(attrs, style)) {
		h->skip_depth = h->depth;
		return;
	}
	if (style_has(style, "mso-list:ignore")) {
		h->marker_depth = h->depth;
		return;
	}
	if (d->tag == T_P)
		h->mso_level = mso_list_level(style);
	e->def = d;
	e->breaks = d->tag == T_P ? p_breaks(attrs) : d->breaks;
	want_breaks(h, e->breaks);
	switch (d->tag) {
	case T_BR:
		flush_breaks(h);
		raw_newline(h);
		break;
	case T_DIV:
		if (style_has(style, "border-top:") && !style_has(style, "border-top:none"))
			want_breaks(h, 2); /* Outlook's reply header */
		break;
	case T_BLOCKQUOTE:
		h->quote++;
		break;
	case T_PRE:
		h->pre++;
		break;
	case T_LIST: {
		h->list_depth++;
		int level = h->list_depth < MAX_LIST ? h->list_depth : MAX_LIST - 1;
		const char *start = attr(attrs, "start");
		h->ordered[level] = strcmp((const char *)name, "ol") == 0;
		h->counter[level] = start != NULL ? atoi(start) - 1 : 0;
		break;
	}
	case T_LI: {
		int level = h->list_depth < MAX_LIST ? h->list_depth : MAX_LIST - 1;
		h->counter[level]++;
		h->li_marker = true;
		break;
	}
	case T_TABLE:
		if (h->table_depth < MAX_TABLE)
			h->table_depth++;
		h->table[h->table_depth] = (struct table_state){0};
		break;
	case T_TR:
		h->table[h->table_depth].row_has_content = false;
		break;
	case T_CELL: {
		struct table_state *t = &h->table[h->table_depth];
		if (t->row_has_content) {
			/* what the previous cell's blocks wanted is dropped */
			h->pending = 0;
			h->cell_sep = true;
		}
		t->in_cell = true;
		t->cell_fresh = true;
		break;
	}
	default:
		break;
	}
}

static void on_end(void *ctx, const xmlChar *name)
{
	struct html_text *h = ctx;
	struct open_element e;

	(void)name; /* libxml2 closes elements in order, auto-closed ones too */
	if (h->depth == 0)
		return;
	e = h->open[--h->depth];
	if (h->skip_depth > 0) {
		if (h->depth < h->skip_depth)
			h->skip_depth = 0;
		return;
	}
	if (h->marker_depth > 0) {
		if (h->depth < h->marker_depth) {
			h->marker_depth = 0;
			put_list_marker(h);
		}
		return;
	}
	switch (e.def->tag) {
	case T_CELL: {
		struct table_state *t = &h->table[h->table_depth];
		t->in_cell = false;
		t->cell_fresh = false;
		h->cell_sep = false;
		return;
	}
	case T_BLOCKQUOTE:
		if (h->quote > 0)
			h->quote--;
		break;
	case T_PRE:
		if (h->pre > 0)
			h->pre--;
		break;
	case T_LIST:
		if (h->list_depth > 0)
			h->list_depth--;
		break;
	case T_LI:
		h->li_marker = false;
		break;
	case T_TABLE:
		if (h->table_depth > 0)
			h->table_depth--;
		break;
	case T_P:
	case T_DIV:
		/* <div>&nbsp;</div> and Word's empty paragraph are blank lines */
		if (h->out.len == e.mark && e.content && h->started) {
			flush_breaks(h);
			raw_newline(h);
		}
		break;
	default:
		break;
	}
	want_breaks(h, e.breaks);
}

/* Strips <o:p>, <st1:City> and other prefixed tags, and Word's
 * <![if ...]>/<![endif]> markers, keeping comments whole. */
static void strip_word_markup(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, run = 0;

	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);
		if (lt == NULL)
			break;
		i = (size_t)(lt - s);
		size_t rest = len - i;
		if (rest >= 4 && memcmp(lt, "<!--", 4) == 0) {
			const char *e = mime_find(lt + 4, rest - 4, "-->", 3);
			i = e != NULL ? (size_t)(e - s) + 3 : len;
			continue;
		}
		size_t skip = 0;
		if (rest >= 10 && strncasecmp(lt, "<![endif]>", 10) == 0)
			skip = 10;
		else if (rest >= 5 && strncasecmp(lt, "<![if", 5) == 0) {
			const char *e = mime_find(lt, rest < 256 ? rest : 256, "]>", 2);
			if (e != NULL)
				skip = (size_t)(e - lt) + 2;
		} else {
			size_t j = 1;
			bool colon = false;
			if (j < rest && lt[j] == '/')
				j++;
			while (j < rest && (isalnum((unsigned char)lt[j]) || lt[j] == ':' ||
					    lt[j] == '_' || lt[j] == '-' || lt[j] == '.')) {
				colon |= lt[j] == ':';
				j++;
			}
			if (colon) {
				const char *gt = memchr(lt + j, '>', rest - j);
				skip = gt != NULL ? (size_t)(gt - lt) + 1 : rest;
			}
		}
		if (skip == 0) {
			i++;
			continue;
		}
		buf_append(out, s + run, i - run);
		i += skip;
		run = i;
	}
	buf_append(out, s + run, len - run);
}

/* Blank lines at most one in a row, no trailing spaces (but "-- "), no blank
 * lines at either end, and the controls libxml2 lets through from &#1;
 * removed. */
static void tidy(const char *s, size_t len, struct buf *out)
{
	struct buf clean = {0};
	size_t pos = 0;
	int blank = 0;
	bool any = false;

	mime_clean_text(s, len, &clean);
	while (pos < clean.len) {
		const char *nl = memchr(clean.data + pos, '\n', clean.len - pos);
		size_t end = nl != NULL ? (size_t)(nl - clean.data) : clean.len;
		size_t e = end;
		while (e > pos && (clean.data[e - 1] == ' ' || clean.data[e - 1] == '\t'))
			e--;
		bool empty = true;
		for (size_t i = pos; i < e; i++)
			if (clean.data[i] != '>' && clean.data[i] != ' ')
				empty = false;
		if (empty && (e == pos || !any)) {
			blank++;
		} else {
			if (any && blank > 0)
				buf_append_char(out, '\n');
			if (any)
				buf_append_char(out, '\n');
			buf_append(out, clean.data + pos, e - pos);
			/* the signature separator lost its space with the
			 * trailing blanks */
			if (e - pos == 2 && memcmp(clean.data + pos, "--", 2) == 0)
				buf_append_char(out, ' ');
			any = true;
			blank = 0;
		}
		pos = end + 1;
	}
	buf_free(&clean);
}

/* Entities libxml2 finds by a linear search of its table of 253 (some 70
 * string comparisons for each of åäö), each splitting the text around it into
 * three callbacks: in Swedish HTML mail, a good part of the parse. */
static const struct {
	const char *name; /* between '&' and ';' */
	const char *text;
} text_entities[] = {
    {"nbsp", "\xC2\xA0"}, {"auml", "ä"},  {"aring", "å"}, {"ouml", "ö"},
    {"Auml", "Ä"},        {"Aring", "Å"}, {"Ouml", "Ö"},  {"eacute", "é"},
};

/* Copies s to out with the entities above decoded, which the parser then
 * reads as the text it would have made of them: it decodes them in text and
 * in attribute values alike, and where it does not (comments, markup, script
 * and style) nothing reaches the output, but for on_raw_text(). A decoded
 * character is never markup. Returns false, out untouched, when s has none. */
static bool decode_entities(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, run = 0;
	bool any = false;

	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		if (amp == NULL)
			break;
		i = (size_t)(amp - s) + 1;
		for (size_t k = 0; k < N_ELEMENTS(text_entities); k++) {
			size_t n = strlen(text_entities[k].name);
			if (len - i <= n || memcmp(s + i, text_entities[k].name, n) != 0 ||
			    s[i + n] != ';')
				continue;
			if (!any)
				buf_reserve(out, len);
			buf_append(out, s + run, (size_t)(amp - s) - run);
			buf_append_str(out, text_entities[k].text);
			any = true;
			i += n + 1;
			run = i;
			break;
		}
	}
	if (any)
		buf_append(out, s + run, len - run);
	return any;
}

/* Runs the parser over src into h; false when it could not start. */
static bool parse_html(const char *src, size_t len, struct html_text *h)
{
	/* SAX, not a tree: a tree costs some 20 times the size of dense
	 * markup, and a hostile 25 MB part must not cost half a gigabyte */
	htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(src, (int)len);

	if (ctxt == NULL)
		return false;
	memset(ctxt->sax, 0, sizeof(*ctxt->sax));
	ctxt->sax->startElement = on_start;
	ctxt->sax->endElement = on_end;
	ctxt->sax->characters = on_text;
	ctxt->sax->cdataBlock = on_raw_text;
	ctxt->sax->ignorableWhitespace = on_text;
	ctxt->userData = h;
	/* The text is UTF-8 already (converted by its MIME charset), so a
	 * <meta charset> in it must not switch libxml2 to another one. */
	htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				     HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
	htmlParseDocument(ctxt);
	htmlFreeParserCtxt(ctxt);
	return true;
}

static void html_text_free(struct html_text *h)
{
	free(h->open);
	buf_free(&h->marker);
	buf_free(&h->out);
	*h = (struct html_text){0};
}

void mime_html_to_text(const char *html, size_t len, struct buf *out)
{
	struct html_text h = {0};
	struct buf src = {0}, decoded = {0};
	bool parsed = false;

	buf_append(out, "", 0);
	strip_word_markup(html, len, &src);
	if (src.len == 0 || src.len > INT_MAX) {
		buf_free(&src);
		return;
	}
	/* libxml2 sets up its globals on first use: once, since mime_decode()
	 * runs on several threads (cycle.c, analyze_group()) */
	pthread_once(&xml_once, xmlInitParser);
	if (decode_entities(src.data, src.len, &decoded)) {
		parsed = parse_html(decoded.data, decoded.len, &h);
		if (parsed && h.raw_text) { /* rare: the source as it is decides */
			html_text_free(&h);
			parsed = false;
		}
		buf_free(&decoded);
	}
	if (!parsed && !parse_html(src.data, src.len, &h)) {
		buf_free(&src);
		return;
	}
	buf_free(&src);
	tidy(h.out.data != NULL ? h.out.data : "", h.out.len, out);
	html_text_free(&h);
}

char *mime_html_meta_charset(const char *html, size_t len)
{
	size_t n = len < 4096 ? len : 4096;
	const char *p = html, *end = html + n;

	while (p < end) {
		const char *hit = NULL;
		for (const char *q = p; q + 8 <= end; q++)
			if (strncasecmp(q, "charset=", 8) == 0) {
				hit = q;
				break;
			}
		if (hit == NULL)
			return NULL;
		const char *v = hit + 8, *e;
		while (v < end && (*v == '"' || *v == '\'' || *v == ' '))
			v++;
		e = v;
		while (e < end && (isalnum((unsigned char)*e) || *e == '-' || *e == '_' ||
				   *e == ':' || *e == '.'))
			e++;
		if (e > v && e - v < 64)
			return xstrndup(v, (size_t)(e - v));
		p = hit + 8;
	}
	return NULL;
}

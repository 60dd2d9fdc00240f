/* render_tmpl.c - the template engine of the render module. The language
 * (a strict Mustache subset) is described in render_p.h.
 *
 * A template is parsed once into a flat array of nodes; a section node
 * records the index just past its body, so rendering is a loop over a range
 * that recurses only into section bodies. Recursion depth is therefore the
 * nesting depth of the template (at most TMPL_MAX_DEPTH), whatever the data.
 * Work is bounded by TMPL_MAX_STEPS node visits and output by
 * TMPL_MAX_OUTPUT bytes; both are checked as the rendering goes, so a hostile
 * template fails with a reason rather than eating the machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_p.h"

enum node_kind {
	NODE_TEXT,
	NODE_VAR, /* escaped when rendering HTML */
	NODE_RAW,
	NODE_SECTION,
	NODE_INVERTED,
};

struct node {
	enum node_kind kind;
	int line;
	size_t start, len; /* NODE_TEXT: the bytes in tmpl->source */
	char *name;        /* other kinds */
	size_t end;        /* sections: index of the first node after the body */
};

struct tmpl {
	char *name;
	char *source;
	struct node *nodes;
	size_t n_nodes, cap;
};

struct parser {
	struct tmpl *tmpl;
	const char *src;
	size_t len;
	int line; /* the line of counted_to */
	size_t counted_to;
	size_t open[TMPL_MAX_DEPTH]; /* node indexes of the open sections */
	int depth;
};

const char *tmpl_name(const struct tmpl *tmpl)
{
	return tmpl->name;
}

void tmpl_free(struct tmpl **tmplp)
{
	struct tmpl *tmpl = *tmplp;

	if (tmpl == NULL)
		return;
	for (size_t i = 0; i < tmpl->n_nodes; i++)
		free(tmpl->nodes[i].name);
	free(tmpl->nodes);
	free(tmpl->source);
	free(tmpl->name);
	free(tmpl);
	*tmplp = NULL;
}

/* The line number of pos; positions are asked for in increasing order. */
static int line_at(struct parser *p, size_t pos)
{
	for (; p->counted_to < pos; p->counted_to++)
		if (p->src[p->counted_to] == '\n')
			p->line++;
	return p->line;
}

static struct node *add_node(struct parser *p, enum node_kind kind, int line)
{
	struct tmpl *t = p->tmpl;
	struct node *n;

	if (t->n_nodes == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof(*t->nodes));
	}
	n = &t->nodes[t->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	return n;
}

static void add_text(struct parser *p, size_t from, size_t to, int line)
{
	struct node *n;

	if (to <= from)
		return;
	n = add_node(p, NODE_TEXT, line);
	n->start = from;
	n->len = to - from;
}

/* "." or dot-separated words of letters, digits, '_' and '-'. */
static bool valid_name(const char *s, size_t len)
{
	bool word = false;

	if (len == 1 && s[0] == '.')
		return true;
	if (len == 0 || len > TMPL_MAX_NAME)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (!word)
				return false;
			word = false;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '_' || c == '-') {
			word = true;
		} else {
			return false;
		}
	}
	return word;
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

/* A printable rendering of a bad name for an error text. */
static void quote_name(const char *s, size_t len, char out[48])
{
	size_t j = 0;

	for (size_t i = 0; i < len && j < 40; i++)
		out[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (len > 40) {
		memcpy(out + j, "...", 3);
		j += 3;
	}
	out[j] = '\0';
}

static int parse(struct parser *p, struct error *error_r)
{
	const char *src = p->src;
	const char *name = p->tmpl->name;
	size_t text_start = 0, pos = 0;

	for (;;) {
		const char *open = memmem(src + pos, p->len - pos, "{{", 2);
		size_t tag_start, content, content_end, tag_end;
		char sigil = '\0';
		int line;

		if (open == NULL) {
			add_text(p, text_start, p->len, line_at(p, text_start));
			break;
		}
		tag_start = (size_t)(open - src);
		int text_line = line_at(p, text_start);
		line = line_at(p, tag_start);
		if (tag_start + 2 < p->len && src[tag_start + 2] == '{') {
			const char *close =
			    memmem(src + tag_start + 3, p->len - tag_start - 3, "}}}", 3);
			if (close == NULL)
				return err_set(error_r, ERR_FATAL, "%s:%d: unclosed tag '{{{'",
					       name, line);
			sigil = '&';
			content = tag_start + 3;
			content_end = (size_t)(close - src);
			tag_end = content_end + 3;
		} else {
			const char *close =
			    memmem(src + tag_start + 2, p->len - tag_start - 2, "}}", 2);
			if (close == NULL)
				return err_set(error_r, ERR_FATAL, "%s:%d: unclosed tag '{{'", name,
					       line);
			content = tag_start + 2;
			content_end = (size_t)(close - src);
			tag_end = content_end + 2;
			while (content < content_end && is_blank_char(src[content]))
				content++;
			if (content < content_end && strchr("#^/!&>=", src[content]) != NULL)
				sigil = src[content++];
		}
		while (content < content_end && is_blank_char(src[content]))
			content++;
		while (content_end > content && is_blank_char(src[content_end - 1]))
			content_end--;

		if (sigil == '>')
			return err_set(error_r, ERR_FATAL,
				       "%s:%d: partials ({{>...}}) are not supported", name, line);
		if (sigil == '=')
			return err_set(error_r, ERR_FATAL,
				       "%s:%d: delimiter changes ({{=...=}}) are not supported",
				       name, line);
		if (sigil != '!' && !valid_name(src + content, content_end - content)) {
			char shown[48];
			quote_name(src + content, content_end - content, shown);
			if (content == content_end)
				return err_set(error_r, ERR_FATAL, "%s:%d: empty tag", name, line);
			return err_set(error_r, ERR_FATAL, "%s:%d: invalid name '%s'", name, line,
				       shown);
		}

		/* A block tag alone on its line takes the line with it. */
		bool block = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!';
		size_t ls = tag_start, after = tag_end;
		while (ls > text_start && is_blank_char(src[ls - 1]))
			ls--;
		while (after < p->len && is_blank_char(src[after]))
			after++;
		bool left = ls == 0 || src[ls - 1] == '\n';
		bool right = after == p->len || src[after] == '\n' ||
			     (src[after] == '\r' && after + 1 < p->len && src[after + 1] == '\n');
		if (block && left && right) {
			add_text(p, text_start, ls, text_line);
			if (after < p->len)
				after += src[after] == '\r' ? 2 : 1;
			text_start = after;
		} else {
			add_text(p, text_start, tag_start, text_line);
			text_start = tag_end;
		}
		pos = text_start;

		char *tag_name = xstrndup(src + content, content_end - content);
		struct node *n;
		switch (sigil) {
		case '!':
			free(tag_name);
			break;
		case '#':
		case '^':
			if (p->depth == TMPL_MAX_DEPTH) {
				free(tag_name);
				return err_set(error_r, ERR_FATAL,
					       "%s:%d: sections nested deeper than %d", name, line,
					       TMPL_MAX_DEPTH);
			}
			n = add_node(p, sigil == '#' ? NODE_SECTION : NODE_INVERTED, line);
			n->name = tag_name;
			p->open[p->depth++] = p->tmpl->n_nodes - 1;
			break;
		case '/': {
			if (p->depth == 0) {
				err_set(error_r, ERR_FATAL, "%s:%d: '{{/%s}}' closes no section",
					name, line, tag_name);
				free(tag_name);
				return -1;
			}
			struct node *section = &p->tmpl->nodes[p->open[p->depth - 1]];
			if (strcmp(section->name, tag_name) != 0) {
				err_set(error_r, ERR_FATAL,
					"%s:%d: '{{/%s}}' does not close section '%s' (line %d)",
					name, line, tag_name, section->name, section->line);
				free(tag_name);
				return -1;
			}
			free(tag_name);
			section->end = p->tmpl->n_nodes;
			p->depth--;
			break;
		}
		default:
			n = add_node(p, sigil == '&' ? NODE_RAW : NODE_VAR, line);
			n->name = tag_name;
			break;
		}
	}
	if (p->depth > 0) {
		const struct node *section = &p->tmpl->nodes[p->open[p->depth - 1]];
		return err_set(error_r, ERR_FATAL, "%s:%d: unclosed section '%s'", name,
			       section->line, section->name);
	}
	return 0;
}

int tmpl_parse(const char *name, const char *source, size_t len, struct tmpl **tmpl_r,
	       struct error *error_r)
{
	struct tmpl *t;
	struct parser p = {0};

	*tmpl_r = NULL;
	if (len > TMPL_MAX_SOURCE)
		return err_set(error_r, ERR_FATAL, "%s: template larger than %d bytes", name,
			       TMPL_MAX_SOURCE);
	const char *nul = memchr(source, '\0', len);
	if (nul != NULL) {
		int line = 1;
		for (const char *c = source; c < nul; c++)
			line += *c == '\n';
		return err_set(error_r, ERR_FATAL, "%s:%d: NUL byte in template", name, line);
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->source = xstrndup(source, len);
	p.tmpl = t;
	p.src = t->source;
	p.len = len;
	p.line = 1;
	if (parse(&p, error_r) < 0) {
		tmpl_free(&t);
		return -1;
	}
	*tmpl_r = t;
	return 0;
}

/* ---- rendering ------------------------------------------------------------ */

struct renderer {
	const struct tmpl *tmpl;
	bool html;
	struct buf *out;
	size_t out_start;
	const json_t *stack[TMPL_MAX_DEPTH + 1];
	int depth;
	long steps;
	struct error *error_r;
};

void render_escape_xml(struct buf *out, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *rep;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_append(out, run, (size_t)(s - run));
		buf_append_str(out, rep);
		run = s + 1;
	}
	buf_append(out, run, (size_t)(s - run));
}

static int fail(struct renderer *r, const struct node *n, const char *fmt, const char *a,
		const char *b)
{
	char what[400];

	snprintf(what, sizeof(what), fmt, a, b);
	return err_set(r->error_r, ERR_FATAL, "%s:%d: %s", r->tmpl->name, n->line, what);
}

/* Mustache's rule: the first word of a dotted name is looked up from the
 * innermost context outwards, the rest strictly inside it. A null on the
 * way ({{next.date}} with no next meeting) is null, not an error. */
static int lookup(struct renderer *r, const struct node *n, const json_t **value_r)
{
	const char *name = n->name, *word = name;
	const json_t *v = NULL;
	char key[TMPL_MAX_NAME + 1];

	*value_r = NULL;
	if (strcmp(name, ".") == 0) {
		*value_r = r->stack[r->depth - 1];
		return 0;
	}
	for (bool first = true;; first = false) {
		const char *dot = strchr(word, '.');
		size_t len = dot != NULL ? (size_t)(dot - word) : strlen(word);

		memcpy(key, word, len);
		key[len] = '\0';
		if (first) {
			for (int i = r->depth - 1; i >= 0 && v == NULL; i--)
				if (json_is_object(r->stack[i]))
					v = json_object_get(r->stack[i], key);
			if (v == NULL)
				return fail(r, n, "unknown name '%s'%s", name, "");
		} else {
			if (json_is_null(v))
				break;
			if (!json_is_object(v))
				return fail(r, n, "'%s': '%s' has no parts", name, key);
			v = json_object_get(v, key);
			if (v == NULL)
				return fail(r, n, "unknown name '%s'%s", name, "");
		}
		if (dot == NULL)
			break;
		word = dot + 1;
	}
	*value_r = v;
	return 0;
}

static bool truthy(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	default:
		return false;
	}
}

static int check_output(struct renderer *r, const struct node *n)
{
	if (r->out->len - r->out_start > TMPL_MAX_OUTPUT) {
		char cap[32];
		snprintf(cap, sizeof(cap), "%d", TMPL_MAX_OUTPUT);
		return fail(r, n, "output larger than %s bytes%s", cap, "");
	}
	return 0;
}

static int emit_value(struct renderer *r, const struct node *n, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (r->html && n->kind == NODE_VAR)
			render_escape_xml(r->out, json_string_value(v));
		else
			buf_append(r->out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(r->out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		buf_printf(r->out, "%g", json_real_value(v));
		break;
	case JSON_NULL:
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		return fail(r, n, "'%s' is yes or no: test it with {{#%s}}...{{/...}}", n->name,
			    n->name);
	case JSON_ARRAY:
		return fail(r, n, "'%s' is a list: loop over it with {{#%s}}...{{/...}}", n->name,
			    n->name);
	case JSON_OBJECT:
		return fail(r, n, "'%s' has parts: name one, as in {{%s.date}}", n->name, n->name);
	}
	return check_output(r, n);
}

static int render_range(struct renderer *r, size_t from, size_t to);

static int render_body(struct renderer *r, const struct node *n, size_t index,
		       const json_t *context)
{
	int ret;

	if (context != NULL)
		r->stack[r->depth++] = context;
	ret = render_range(r, index + 1, n->end);
	if (context != NULL)
		r->depth--;
	return ret;
}

static int render_range(struct renderer *r, size_t from, size_t to)
{
	const struct tmpl *t = r->tmpl;

	for (size_t i = from; i < to; i++) {
		const struct node *n = &t->nodes[i];
		const json_t *v;

		if (++r->steps > TMPL_MAX_STEPS)
			return fail(r, n, "too much work (nested loops over long lists?)%s%s", "",
				    "");
		switch (n->kind) {
		case NODE_TEXT:
			buf_append(r->out, t->source + n->start, n->len);
			if (check_output(r, n) < 0)
				return -1;
			break;
		case NODE_VAR:
		case NODE_RAW:
			if (lookup(r, n, &v) < 0 || emit_value(r, n, v) < 0)
				return -1;
			break;
		case NODE_SECTION:
			if (lookup(r, n, &v) < 0)
				return -1;
			if (json_is_array(v)) {
				for (size_t k = 0; k < json_array_size(v); k++)
					if (render_body(r, n, i, json_array_get(v, k)) < 0)
						return -1;
			} else if (truthy(v)) {
				if (render_body(r, n, i, json_is_true(v) ? NULL : v) < 0)
					return -1;
			}
			i = n->end - 1;
			break;
		case NODE_INVERTED:
			if (lookup(r, n, &v) < 0)
				return -1;
			if (!truthy(v) && render_body(r, n, i, NULL) < 0)
				return -1;
			i = n->end - 1;
			break;
		}
	}
	return 0;
}

int tmpl_render(const struct tmpl *tmpl, const json_t *model, bool html, struct buf *out,
		struct error *error_r)
{
	struct renderer r = {
	    .tmpl = tmpl,
	    .html = html,
	    .out = out,
	    .out_start = out->len,
	    .error_r = error_r,
	};

	r.stack[r.depth++] = model;
	/* an empty template still yields a NUL-terminated buffer */
	buf_append(out, "", 0);
	return render_range(&r, 0, tmpl->n_nodes);
}

/* mime_header.c - header fields for the MIME stage: RFC 2047 encoded words,
 * RFC 2045/2231 parameters, addresses, Message-ID and dates; see mime_p.h.
 *
 * Written by hand rather than with libetpan's mailimf parsers, which reject a
 * whole field on the first oddity (8-bit bytes, an unquoted comma in a display
 * name, an encoded word inside quotes, a date without seconds) where real mail
 * needs the field read as well as it can be. Every scan is linear: header
 * values can be megabytes long in a hostile message. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime_p.h"

#define MAX_PARAMS   256 /* per structured value; the rest are ignored */
#define MAX_SECTIONS 64  /* RFC 2231 continuations of one parameter */
#define MAX_CHARSET  64

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool mime_is_field_line(const char *line, size_t len)
{
	size_t i = 0;

	/* 8-bit bytes are tolerated in a name: ending the header block at
	 * "X-Snäll:" would push the rest of the header into the body */
	while (len - i >= 8) {
		uint64_t x = mime_load8((const unsigned char *)line + i);
		uint64_t m = mime_below8(x, 0x21) | mime_equal8(x, 0x7F) | mime_equal8(x, ':');
		if (m != 0) {
			i += mime_first8(m);
			break;
		}
		i += 8;
	}
	while (i < len && line[i] != ':') {
		unsigned char c = (unsigned char)line[i];
		if (c <= 32 || c == 127)
			break;
		i++;
	}
	if (i == 0)
		return false;
	while (i < len && (line[i] == ' ' || line[i] == '\t')) /* obs-optional */
		i++;
	return i < len && line[i] == ':';
}

void mime_fields_foreach(const char *block, size_t len,
			 bool (*fn)(const struct mime_field *field, void *ctx), void *ctx)
{
	struct mime_field f = {0};
	bool have = false;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(block + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - block) : len;
		size_t next = nl != NULL ? end + 1 : len;
		const char *line = block + pos;
		size_t n = end - pos;

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			if (have)
				f.value_len = (size_t)(line + n - f.value);
		} else {
			if (have && !fn(&f, ctx))
				return;
			have = false;
			if (mime_is_field_line(line, n)) {
				const char *colon = memchr(line, ':', n);
				size_t nl_len = (size_t)(colon - line);
				while (nl_len > 0 &&
				       (line[nl_len - 1] == ' ' || line[nl_len - 1] == '\t'))
					nl_len--;
				f.name = line;
				f.name_len = nl_len;
				f.value = colon + 1;
				f.value_len = (size_t)(line + n - f.value);
				have = true;
			}
		}
		pos = next;
	}
	if (have)
		fn(&f, ctx);
}

char *mime_unfold(const char *value, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++)
		if (value[i] != '\r' && value[i] != '\n' && value[i] != '\0')
			*o++ = value[i];
	*o = '\0';
	return out;
}

struct field_get {
	const char *const *names;
	char **values;
	size_t n, missing;
};

static bool field_get_fn(const struct mime_field *field, void *ctx)
{
	struct field_get *g = ctx;

	for (size_t k = 0; k < g->n; k++) {
		if (g->values[k] != NULL || field->name_len != strlen(g->names[k]) ||
		    strncasecmp(field->name, g->names[k], field->name_len) != 0)
			continue;
		g->values[k] = mime_unfold(field->value, field->value_len);
		g->missing--;
	}
	return g->missing > 0;
}

void mime_fields_get(const char *block, size_t len, const char *const *names, size_t n,
		     char **values_r)
{
	struct field_get g = {names, values_r, n, n};

	for (size_t k = 0; k < n; k++)
		values_r[k] = NULL;
	if (n > 0)
		mime_fields_foreach(block, len, field_get_fn, &g);
}

/* ---- RFC 2047 ---- */

struct words {
	struct buf out;     /* converted text, not yet cleaned */
	struct buf pending; /* decoded bytes of adjacent words in one charset */
	char charset[MAX_CHARSET + 1];
	bool have_pending;
};

static void flush_pending(struct words *w)
{
	if (!w->have_pending)
		return;
	mime_charset_to_utf8(w->charset, w->pending.data, w->pending.len, &w->out);
	buf_reset(&w->pending);
	w->have_pending = false;
}

static bool all_wsp(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_wsp(s[i]))
			return false;
	return true;
}

void mime_decode_words(const char *value, size_t len, struct buf *out)
{
	struct words w = {0};
	const char *end = value + len, *pos = value, *plain = value;
	const char *term = NULL; /* the first "?=" at or after some earlier point */
	bool no_term = false;

	/* no encoded word: mime_clean_line() repairs bytes that are not UTF-8
	 * as mime_charset_to_utf8() would */
	if (mime_find(value, len, "=?", 2) == NULL) {
		mime_clean_line(value, len, out);
		return;
	}
	while (pos < end && !no_term) {
		const char *q = mime_find(pos, (size_t)(end - pos), "=?", 2);
		if (q == NULL)
			break;
		/* =?charset?X?text?= */
		const char *cs = q + 2, *p = cs;
		while (p < end && p - cs <= MAX_CHARSET && *p != '?' && !is_wsp(*p))
			p++;
		if (p + 3 > end || *p != '?' || p == cs || p - cs > MAX_CHARSET || p[2] != '?' ||
		    strchr("BbQq", p[1]) == NULL || p[1] == '\0') {
			pos = q + 2;
			continue;
		}
		char enc = lower(p[1]);
		const char *text = p + 3;
		/* Caching the terminator keeps this linear: a value full of "=?"
		 * with one "?=" at the far end would otherwise be rescanned from
		 * every start. */
		if (term == NULL || term < text) {
			term = mime_find(text, (size_t)(end - text), "?=", 2);
			if (term == NULL) {
				no_term = true;
				break;
			}
		}
		/* between two encoded words, whitespace (folding too) is dropped;
		 * anything else is plain text */
		if (!(w.have_pending && all_wsp(plain, (size_t)(q - plain)))) {
			flush_pending(&w);
			mime_charset_to_utf8(NULL, plain, (size_t)(q - plain), &w.out);
		}
		char charset[MAX_CHARSET + 1];
		size_t cl = (size_t)(p - cs);
		memcpy(charset, cs, cl);
		charset[cl] = '\0';
		char *star = strchr(charset, '*'); /* RFC 2231 language */
		if (star != NULL)
			*star = '\0';
		if (w.have_pending && strcasecmp(charset, w.charset) != 0)
			flush_pending(&w);
		if (!w.have_pending) {
			memcpy(w.charset, charset, strlen(charset) + 1);
			w.have_pending = true;
		}
		if (enc == 'b')
			mime_base64_decode(text, (size_t)(term - text), &w.pending);
		else
			mime_qp_decode(text, (size_t)(term - text), true, &w.pending);
		pos = plain = term + 2;
	}
	flush_pending(&w);
	mime_charset_to_utf8(NULL, plain, (size_t)(end - plain), &w.out);
	mime_clean_line(w.out.data, w.out.len, out);
	buf_free(&w.out);
	buf_free(&w.pending);
}

/* ---- parameters (RFC 2045, RFC 2231) ---- */

struct param {
	char name[64]; /* lowercased, without the RFC 2231 suffix */
	int section;   /* -1 when not a continuation */
	bool extended; /* RFC 2231 charset'lang'%XX form */
	const char *value;
	size_t value_len;
	bool quoted; /* value is a quoted-string: unescape */
};

static const char *skip_comment(const char *p)
{
	int depth = 0;

	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

/* Skips the type token: everything up to ';', whitespace or a comment. */
static const char *skip_token(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p != '\0' && *p != ';' && *p != ' ' && *p != '\t' && *p != '(')
		p++;
	return p;
}

char *mime_value_token(const char *value)
{
	const char *p = value, *e;

	while (*p == ' ' || *p == '\t' || *p == '"')
		p++;
	if (*p == '(')
		p = skip_comment(p);
	while (*p == ' ' || *p == '\t' || *p == '"')
		p++;
	e = p;
	while (*e != '\0' && *e != ';' && *e != ' ' && *e != '\t' && *e != '(' && *e != '"')
		e++;
	return str_lower_ascii(xstrndup(p, (size_t)(e - p)));
}

/* Parses the parameters of value into *v_r (the caller frees it); returns
 * how many. Values point into value. */
static size_t parse_params(const char *value, struct param **v_r)
{
	const char *p = skip_token(value);
	struct param *v = NULL;
	size_t n = 0, cap = 0;

	while (*p != '\0' && n < MAX_PARAMS) {
		if (*p == ';' || *p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p == '(') {
			p = skip_comment(p);
			continue;
		}
		const char *name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		const char *name_end = p;
		if (name_end == name) { /* "=value" without a name */
			p++;
			continue;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		struct param *pa = &v[n];
		memset(pa, 0, sizeof(*pa));
		if (*p == '"') {
			pa->value = ++p;
			while (*p != '\0' && *p != '"') {
				if (*p == '\\' && p[1] != '\0')
					p++;
				p++;
			}
			pa->value_len = (size_t)(p - pa->value);
			pa->quoted = true;
			if (*p == '"')
				p++;
		} else {
			/* unquoted values run to ';' so that a file name with
			 * spaces a sloppy mailer did not quote survives */
			pa->value = p;
			while (*p != '\0' && *p != ';')
				p++;
			const char *e = p;
			while (e > pa->value && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			pa->value_len = (size_t)(e - pa->value);
		}
		/* name, name*, name*N, name*N* */
		size_t nl = (size_t)(name_end - name), i;
		const char *star = memchr(name, '*', nl);
		size_t base = star != NULL ? (size_t)(star - name) : nl;
		if (base == 0 || base >= sizeof(pa->name))
			continue;
		for (i = 0; i < base; i++)
			pa->name[i] = lower(name[i]);
		pa->name[i] = '\0';
		pa->section = -1;
		if (star != NULL) {
			const char *s = star + 1;
			if (s < name_end && isdigit((unsigned char)*s)) {
				int sec = 0;
				while (s < name_end && isdigit((unsigned char)*s)) {
					if (sec < 10000)
						sec = sec * 10 + (*s - '0');
					s++;
				}
				pa->section = sec;
			}
			pa->extended = s < name_end && *s == '*';
			if (pa->section < 0)
				pa->extended = true;
		}
		n++;
	}
	*v_r = v;
	return n;
}

static void append_unquoted(const struct param *pa, struct buf *out)
{
	for (size_t i = 0; i < pa->value_len; i++) {
		if (pa->quoted && pa->value[i] == '\\' && i + 1 < pa->value_len)
			i++;
		buf_append_char(out, pa->value[i]);
	}
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void append_pct_decoded(const char *s, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			buf_append_char(out, (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2])));
			i += 2;
		} else
			buf_append_char(out, s[i]);
	}
}

static const struct param *find_param(const struct param *v, size_t n, const char *name,
				      int section, bool extended_only)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].section == section && strcmp(v[i].name, name) == 0 &&
		    (!extended_only || v[i].extended))
			return &v[i];
	return NULL;
}

static char *finish_param(struct buf *raw, const char *charset, bool decode, bool words)
{
	struct buf out = {0};

	if (!decode)
		return buf_steal(raw);
	if (words)
		mime_decode_words(raw->data != NULL ? raw->data : "", raw->len, &out);
	else {
		struct buf conv = {0};
		mime_charset_to_utf8(charset, raw->data != NULL ? raw->data : "", raw->len, &conv);
		mime_clean_line(conv.data, conv.len, &out);
		buf_free(&conv);
	}
	buf_free(raw);
	char *s = buf_steal(&out);
	char *t = str_trim(s);
	if (t != s)
		memmove(s, t, strlen(t) + 1);
	return s;
}

char *mime_param(const char *value, const char *name, bool decode)
{
	struct param *v;
	struct buf raw = {0};
	char charset[MAX_CHARSET + 1] = "";
	const struct param *pa;
	size_t n;

	if (value == NULL)
		return NULL;
	n = parse_params(value, &v);

	/* RFC 2231 wins over a plain value sent beside it for old readers */
	pa = find_param(v, n, name, -1, true);
	if (pa == NULL)
		pa = find_param(v, n, name, 0, false);
	if (pa != NULL) {
		for (int sec = pa->section; sec < MAX_SECTIONS; sec++) {
			const struct param *s = sec < 0 ? pa : find_param(v, n, name, sec, false);
			if (s == NULL)
				break;
			const char *val = s->value;
			size_t len = s->value_len;
			if (s->extended && sec <= 0) {
				/* charset'language'text; a value without the two
				 * quotes is taken as text alone */
				const char *q1 = memchr(val, '\'', len);
				const char *q2 =
				    q1 != NULL ? memchr(q1 + 1, '\'', len - (size_t)(q1 + 1 - val))
					       : NULL;
				if (q2 != NULL) {
					size_t cl = (size_t)(q1 - val);
					if (cl > MAX_CHARSET)
						cl = MAX_CHARSET;
					memcpy(charset, val, cl);
					charset[cl] = '\0';
					len -= (size_t)(q2 + 1 - val);
					val = q2 + 1;
				}
			}
			if (s->extended)
				append_pct_decoded(val, len, &raw);
			else {
				struct param tmp = *s;
				tmp.value = val;
				tmp.value_len = len;
				append_unquoted(&tmp, &raw);
			}
			if (sec < 0)
				break;
		}
		bool any_extended = pa->extended;
		free(v);
		/* RFC 2047 inside a plain value is wrong but common (Outlook,
		 * Gmail for file names) */
		return finish_param(&raw, charset, decode, !any_extended);
	}
	pa = find_param(v, n, name, -1, false);
	if (pa == NULL) {
		free(v);
		return NULL;
	}
	append_unquoted(pa, &raw);
	free(v);
	return finish_param(&raw, NULL, decode, true);
}

/* ---- addresses ---- */

/* Appends the display-name text of s[0..len): quoted strings unquoted,
 * comments left out (their text is kept in comment_r when there is no other
 * name). */
static void name_text(const char *s, size_t len, struct buf *out, struct buf *comment)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				buf_append_char(out, s[i]);
			}
		} else if (c == '(') {
			bool first = comment->len == 0;
			int depth = 1;
			for (i++; i < len; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0)
					break;
				if (first)
					buf_append_char(comment, s[i]);
			}
		} else
			buf_append_char(out, c);
	}
}

static char *finish_name(const char *raw, size_t len)
{
	struct buf text = {0}, comment = {0}, dec = {0};
	char *s, *t;

	name_text(raw, len, &text, &comment);
	if (text.data == NULL || str_is_blank(text.data)) {
		buf_free(&text);
		text = comment;
		comment = (struct buf){0};
	}
	mime_decode_words(text.data != NULL ? text.data : "", text.len, &dec);
	buf_free(&text);
	buf_free(&comment);
	s = buf_steal(&dec);
	t = str_trim(s);
	/* Outlook's 'Anna Andersson' and leftover quotes */
	size_t n = strlen(t);
	while (n >= 2 && ((t[0] == '\'' && t[n - 1] == '\'') || (t[0] == '"' && t[n - 1] == '"'))) {
		t[n - 1] = '\0';
		t++;
		t = str_trim(t);
		n = strlen(t);
	}
	if (*t == '\0') {
		free(s);
		return NULL;
	}
	memmove(s, t, n + 1);
	return s;
}

/* The addr-spec from s[0..len): comments, whitespace and a source route
 * removed, lowercased, 8-bit bytes as UTF-8. */
static char *finish_addr(const char *s, size_t len)
{
	struct buf raw = {0}, out = {0};
	size_t i = 0;

	for (; i < len; i++) {
		char c = s[i];
		if (c == '(') {
			int depth = 1;
			for (i++; i < len && depth > 0; i++) {
				if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0)
					break;
			}
		} else if (!is_wsp(c) && c != '<' && c != '>')
			buf_append_char(&raw, c);
	}
	if (raw.len == 0) {
		buf_free(&raw);
		return NULL;
	}
	const char *a = raw.data;
	if (strncasecmp(a, "mailto:", 7) == 0)
		a += 7;
	if (a[0] == '@' && strchr(a, ':') != NULL) /* obs-route "@a,@b:user@c" */
		a = strchr(a, ':') + 1;
	size_t alen = strlen(a);
	while (alen > 0 && (a[alen - 1] == ';' || a[alen - 1] == ',' || a[alen - 1] == '.'))
		alen--;
	mime_charset_to_utf8(NULL, a, alen, &out);
	buf_free(&raw);
	if (out.len == 0) {
		buf_free(&out);
		return NULL;
	}
	return str_lower_ascii(buf_steal(&out));
}

/* Splits at top-level commas, honouring quotes, comments and angle brackets. */
static size_t segment_end(const char *s, size_t pos, size_t len)
{
	int paren = 0;
	bool quote = false, angle = false;

	for (; pos < len; pos++) {
		char c = s[pos];
		if (c == '\\' && pos + 1 < len) {
			pos++;
			continue;
		}
		if (quote) {
			quote = c != '"';
			continue;
		}
		if (paren > 0) {
			if (c == '(')
				paren++;
			else if (c == ')')
				paren--;
			continue;
		}
		if (c == '"')
			quote = true;
		else if (c == '(')
			paren = 1;
		else if (c == '<')
			angle = true;
		else if (c == '>')
			angle = false;
		else if (c == ',' && !angle)
			return pos;
	}
	return len;
}

/* The position of the first '<' outside quotes and comments, or len. */
static size_t find_angle(const char *s, size_t len)
{
	int paren = 0;
	bool quote = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (quote)
			quote = c != '"';
		else if (paren > 0)
			paren += c == '(' ? 1 : c == ')' ? -1 : 0;
		else if (c == '"')
			quote = true;
		else if (c == '(')
			paren = 1;
		else if (c == '<')
			return i;
	}
	return len;
}

/* The first token containing '@' outside quotes... of a bare mailbox. */
static bool bare_addr(const char *s, size_t len, size_t *start_r, size_t *end_r)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && (is_wsp(s[i]) || s[i] == ':'))
			i++;
		if (i < len && s[i] == '(') {
			int depth = 0;
			for (; i < len; i++) {
				if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0) {
					i++;
					break;
				}
			}
			continue;
		}
		size_t st = i;
		bool quote = false;
		while (i < len && (quote || (!is_wsp(s[i]) && s[i] != '('))) {
			if (s[i] == '"')
				quote = !quote;
			i++;
		}
		const char *at = memchr(s + st, '@', i - st);
		if (at != NULL) {
			/* "Group:user@x" */
			const char *colon = memchr(s + st, ':', (size_t)(at - (s + st)));
			*start_r = colon != NULL ? (size_t)(colon + 1 - s) : st;
			*end_r = i;
			return true;
		}
	}
	return false;
}

void mime_parse_address(const char *value, char **addr_r, char **name_r)
{
	size_t len = strlen(value), pos = 0, name_from = 0;

	*addr_r = NULL;
	*name_r = NULL;
	while (pos < len) {
		size_t end = segment_end(value, pos, len);
		const char *seg = value + pos;
		size_t seg_len = end - pos;
		size_t lt = find_angle(seg, seg_len);

		if (lt < seg_len) {
			const char *gt = memchr(seg + lt, '>', seg_len - lt);
			size_t inner_end = gt != NULL ? (size_t)(gt - seg) : seg_len;
			char *addr = finish_addr(seg + lt + 1, inner_end - lt - 1);
			if (addr != NULL) {
				*addr_r = addr;
				/* "Andersson, Anna <anna@x.se>": an unquoted comma
				 * split a name that has no address of its own */
				*name_r = finish_name(value + name_from,
						      (size_t)(seg + lt - (value + name_from)));
				return;
			}
		}
		size_t as, ae;
		if (bare_addr(seg, seg_len, &as, &ae)) {
			*addr_r = finish_addr(seg + as, ae - as);
			/* "anna@x.se (Anna Andersson)" */
			struct buf text = {0}, comment = {0};
			name_text(seg + ae, seg_len - ae, &text, &comment);
			if (comment.len > 0)
				*name_r = finish_name(seg + ae, seg_len - ae);
			buf_free(&text);
			buf_free(&comment);
			return;
		}
		pos = end < len ? end + 1 : len;
	}
	/* "MAILER-DAEMON" alone or "<MAILER-DAEMON>": an address without a
	 * domain is still the best thing triage can have */
	size_t lt = find_angle(value, len);
	if (lt < len) {
		const char *gt = memchr(value + lt, '>', len - lt);
		if (gt != NULL)
			*addr_r = finish_addr(value + lt + 1, (size_t)(gt - value - lt - 1));
		if (*addr_r != NULL)
			*name_r = finish_name(value, lt);
		return;
	}
	/* "MAILER-DAEMON (Mail Delivery System)" */
	char *t = xstrdup(value), *s = str_trim(t);
	size_t n = strcspn(s, " \t(");
	if (n > 0 && strcspn(s, "\",;:<>") >= n) {
		*addr_r = finish_addr(s, n);
		*name_r = finish_name(s + n, strlen(s + n));
	}
	free(t);
}

char *mime_parse_msgid(const char *value)
{
	const char *lt = strchr(value, '<'), *s, *e;
	struct buf b = {0};

	if (lt != NULL) {
		s = lt + 1;
		e = strchr(s, '>');
		if (e == NULL)
			e = s + strlen(s);
	} else {
		s = value;
		while (is_wsp(*s))
			s++;
		e = s;
		while (*e != '\0' && !is_wsp(*e) && *e != '(')
			e++;
	}
	for (; s < e; s++)
		if (!is_wsp(*s))
			buf_append_char(&b, *s);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	if (!mime_utf8_valid(b.data, b.len)) {
		struct buf u = {0};
		mime_charset_to_utf8(NULL, b.data, b.len, &u);
		buf_free(&b);
		b = u;
	}
	return buf_steal(&b);
}

/* ---- dates (RFC 5322 3.3 and 4.3) ---- */

struct zone_name {
	const char *name;
	int minutes;
};

static const struct zone_name zones[] = {
    {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"z", 0},      {"wet", 0},    {"west", 60},
    {"bst", 60},   {"cet", 60},   {"met", 60},   {"mez", 60},   {"cest", 120}, {"mest", 120},
    {"mesz", 120}, {"eet", 120},  {"eest", 180}, {"est", -300}, {"edt", -240}, {"cst", -360},
    {"cdt", -300}, {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
};

static const char *const months[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

static int month_of(const char *w)
{
	char m[4];

	if (strlen(w) < 3)
		return -1;
	for (int i = 0; i < 3; i++)
		m[i] = lower(w[i]);
	m[3] = '\0';
	for (int i = 0; i < 12; i++)
		if (strcmp(m, months[i]) == 0)
			return i;
	if (strcmp(m, "maj") == 0) /* a Swedish client now and then */
		return 4;
	if (strcmp(m, "okt") == 0)
		return 9;
	return -1;
}

static bool zone_of(const char *w, int *minutes_r)
{
	char z[8];
	size_t n = strlen(w);

	if (n >= sizeof(z))
		return false;
	for (size_t i = 0; i <= n; i++)
		z[i] = lower(w[i]);
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(z, zones[i].name) == 0) {
			*minutes_r = zones[i].minutes;
			return true;
		}
	/* military zones were specified backwards; RFC 5322 says to read
	 * them as -0000, unknown, which is UTC here */
	if (n == 1 && isalpha((unsigned char)w[0]) && lower(w[0]) != 'j') {
		*minutes_r = 0;
		return true;
	}
	return false;
}

/* Digits at *pp as an int (capped), moving *pp past them. */
static int read_int(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	while (isdigit((unsigned char)*p)) {
		if (v < 100000)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return v;
}

static int days_in_month(int year, int month)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 1 && leap ? 29 : dm[month];
}

time_t mime_parse_date(const char *value)
{
	int day = -1, month = -1, year = -1, hour = 0, min = 0, sec = 0;
	int zone = 0;
	bool have_time = false, have_zone = false, have_comment_zone = false;
	int comment_zone = 0;
	const char *p = value;

	while (*p != '\0') {
		unsigned char c = (unsigned char)*p;
		if (c == '(') {
			/* "(CET)": used only when there is no other zone */
			const char *e = skip_comment(p);
			char w[8];
			size_t n = (size_t)(e - p);
			if (n >= 3 && n - 2 < sizeof(w)) {
				memcpy(w, p + 1, n - 2);
				w[n - 2] = '\0';
				int m;
				if (!have_comment_zone && zone_of(str_trim(w), &m)) {
					comment_zone = m;
					have_comment_zone = true;
				}
			}
			p = e;
		} else if (isalpha(c)) {
			char w[16];
			size_t n = 0;
			while (isalpha((unsigned char)*p)) {
				if (n < sizeof(w) - 1)
					w[n++] = *p;
				p++;
			}
			w[n] = '\0';
			int m = month_of(w), zm;
			if (m >= 0 && month < 0)
				month = m;
			else if (have_time && !have_zone && zone_of(w, &zm)) {
				zone = zm;
				have_zone = true;
			}
		} else if (isdigit(c)) {
			const char *st = p;
			long v = 0;
			while (isdigit((unsigned char)*p)) {
				if (v < 100000)
					v = v * 10 + (*p - '0');
				p++;
			}
			size_t nd = (size_t)(p - st);
			if (*p == ':' && isdigit((unsigned char)p[1]) && !have_time) {
				hour = (int)v;
				p++;
				min = read_int(&p);
				if (*p == ':' && isdigit((unsigned char)p[1])) {
					p++;
					sec = read_int(&p);
				}
				have_time = true;
			} else if (nd <= 2 && day < 0 && v >= 1 && v <= 31 && year < 0)
				day = (int)v;
			else if (year < 0 && nd >= 2 && nd <= 4) {
				year = (int)v;
				if (nd == 2)
					year += year < 50 ? 2000 : 1900;
				else if (nd == 3)
					year += 1900;
			}
		} else if ((c == '+' || c == '-') && isdigit((unsigned char)p[1]) && have_time &&
			   !have_zone) {
			int sign = c == '-' ? -1 : 1;
			const char *st = ++p;
			int v = 0;
			while (isdigit((unsigned char)*p)) {
				if (v < 100000)
					v = v * 10 + (*p - '0');
				p++;
			}
			size_t nd = (size_t)(p - st);
			int h, m = 0;
			if (nd <= 2) {
				h = v;
				if (*p == ':' && isdigit((unsigned char)p[1])) {
					p++;
					m = read_int(&p);
				}
			} else {
				h = v / 100;
				m = v % 100;
			}
			if (h <= 23 && m < 60) {
				zone = sign * (h * 60 + m);
				have_zone = true;
			}
		} else
			p++;
	}
	if (!have_zone && have_comment_zone)
		zone = comment_zone;
	if (day < 0 || month < 0 || year < 1970 || year > 9999)
		return 0;
	if (day > days_in_month(year, month) || hour > 23 || min > 59 || sec > 60 || hour < 0 ||
	    min < 0 || sec < 0)
		return 0;
	if (sec == 60)
		sec = 59;
	struct tm tm = {0};
	tm.tm_year = year - 1900;
	tm.tm_mon = month;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	time_t t = timegm(&tm) - (time_t)zone * 60;
	return t > 0 ? t : 0;
}

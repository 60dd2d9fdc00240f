/* mime.c - decode a raw RFC 5322 / MIME message into UTF-8 text; see
 * include/agendad/mime.h and, for the helpers, src/mime_p.h.
 *
 * The structure is parsed here by hand, not with libetpan's mailmime_parse(),
 * because for mail from outside that parser is weak where it matters:
 *  - it recurses once per nesting level with no bound and applies no limit
 *    while parsing, so a small message nested thousands deep exhausts the
 *    stack before a depth limit could be checked on its result;
 *  - each multipart level rescans its whole body for its boundary, so cost
 *    grows with depth times size;
 *  - Debian's 1.9.4 has bugs fixed only upstream since: an out-of-bounds
 *    write in mailmime_extract_boundary() on boundary="\"" (libetpan commit
 *    3f14913) and a size_t wrap of the preamble length when a boundary is
 *    missing (24c4854); and when the final boundary is missing it cuts the
 *    last part at its last line starting with '-' ("-- " signatures);
 *  - its header parsers reject a field on the first oddity (8-bit bytes, an
 *    unquoted comma in a display name) instead of reading what they can.
 * What is done instead is Dovecot's message-parser design: one pass over the
 * lines with a stack of the active boundaries, each line starting with "--"
 * checked against them innermost first, an outer boundary ending every
 * inner part (a missing close is no problem), and the depth and part limits
 * checked before each part is entered. Cost is linear in the message size
 * (times the depth only for lines that start with "--").
 *
 * Decoding then walks the tree of parts: multipart/alternative prefers
 * text/plain unless it is an empty stub, multipart/related renders its root,
 * multipart/mixed (and any other multipart) takes its first text as the body
 * and appends later inline text, message/rfc822 becomes an inline forward
 * block, and everything else is an attachment. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agendad/mime.h"
#include "agendad/util.h"
#include "mime_p.h"

/* Whatever the configured limit, the parser recurses at most this deep. */
#define HARD_MAX_DEPTH 200
/* Top-level header fields kept; a message with more is hostile. */
#define MAX_HEADERS 5000
/* A text/plain part this short that says "HTML" is a stub for the HTML part. */
#define STUB_MAX_BYTES 400

#define FORWARD_LINE "---------- Vidarebefordrat meddelande ----------\n"

static const struct mime_limits default_limits = {
    .max_message_bytes = 25 * 1024 * 1024,
    .max_depth = 10,
    .max_parts = 100,
    .max_line_length = 10000,
};

enum part_kind {
	PART_LEAF,
	PART_MULTIPART,
	PART_MESSAGE, /* message/rfc822: its one child is the inner message */
};

struct part {
	const char *hdr; /* raw header block */
	size_t hdr_len;
	const char *body; /* raw body, still transfer-encoded */
	size_t body_len;
	char *type;      /* lowercase "text/plain" */
	char *ctype;     /* unfolded Content-Type, or NULL */
	char *disp;      /* unfolded Content-Disposition, or NULL */
	char *disp_type; /* lowercase "attachment", or NULL */
	char *cte;       /* lowercase Content-Transfer-Encoding, or NULL */
	char *cid;       /* Content-ID without brackets, or NULL */
	char *filename;  /* decoded, or NULL */
	char *boundary;
	char *decoded; /* the decoded body of an encoded message/rfc822 */
	enum part_kind kind;
	int parent, first_child, last_child, next;
	int depth;
};

struct boundary {
	const char *s;
	size_t len;
};

enum parse_failure {
	FAIL_NONE = 0,
	FAIL_DEPTH,
	FAIL_PARTS,
};

struct parser {
	const char *data;
	size_t size;
	size_t pos; /* start of the next line */
	int max_depth, max_parts;
	struct part *parts;
	int n_parts;
	size_t cap;
	/* active boundaries, innermost last; those below bnd_base belong to an
	 * outer message and are not visible inside an encoded message/rfc822 */
	struct boundary bnd[HARD_MAX_DEPTH + 2];
	int n_bnd, bnd_base;
	enum parse_failure fail;
};

#define STOP_EOF  (-1)
#define STOP_FAIL (-2)

/* Why parsing of an entity stopped: the boundary line at level (its index in
 * bnd) that starts at line_start, the end of data, or a limit. */
struct stop {
	int level;
	bool close;
	size_t line_start;
};

static bool next_line(struct parser *p, size_t *start_r, size_t *len_r)
{
	size_t st = p->pos, end;
	const char *nl;

	if (st >= p->size)
		return false;
	nl = memchr(p->data + st, '\n', p->size - st);
	end = nl != NULL ? (size_t)(nl - p->data) : p->size;
	p->pos = nl != NULL ? end + 1 : p->size;
	if (end > st && p->data[end - 1] == '\r')
		end--;
	*start_r = st;
	*len_r = end - st;
	return true;
}

/* The level of the boundary this line is, or -1. An exact match (only
 * blanks after the boundary and its optional "--") wins over a prefix match,
 * so that boundaries that are prefixes of each other still work. */
static int boundary_level(const struct parser *p, const char *line, size_t len, bool *close_r)
{
	if (len < 3 || line[0] != '-' || line[1] != '-')
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = p->n_bnd - 1; i >= p->bnd_base; i--) {
			const struct boundary *b = &p->bnd[i];
			if (len - 2 < b->len || memcmp(line + 2, b->s, b->len) != 0)
				continue;
			const char *rest = line + 2 + b->len;
			size_t rlen = len - 2 - b->len, k;
			bool close = rlen >= 2 && rest[0] == '-' && rest[1] == '-';
			if (pass == 0) {
				for (k = close ? 2 : 0;
				     k < rlen && (rest[k] == ' ' || rest[k] == '\t'); k++)
					;
				if (k != rlen)
					continue;
			}
			*close_r = close;
			return i;
		}
	}
	return -1;
}

static struct stop scan_to_boundary(struct parser *p)
{
	struct stop st = {STOP_EOF, false, p->size};
	size_t ls, ll;

	if (p->n_bnd == p->bnd_base) {
		p->pos = p->size;
		return st;
	}
	while (next_line(p, &ls, &ll)) {
		const char *line = p->data + ls;
		if (ll < 3 || line[0] != '-' || line[1] != '-')
			continue;
		int level = boundary_level(p, line, ll, &st.close);
		if (level >= 0) {
			st.level = level;
			st.line_start = ls;
			return st;
		}
	}
	st.close = false;
	return st;
}

/* The end of a body that stopped at st: the line break before a boundary
 * belongs to the boundary (RFC 2046 5.1.1). */
static size_t body_end(const struct parser *p, size_t start, const struct stop *st)
{
	size_t end = st->level >= 0 ? st->line_start : p->size;

	if (st->level >= 0) {
		if (end > start && p->data[end - 1] == '\n')
			end--;
		if (end > start && p->data[end - 1] == '\r')
			end--;
	}
	return end < start ? start : end;
}

static int add_part(struct parser *p, int parent, int depth)
{
	struct part *pt;
	int idx;

	if (p->n_parts >= p->max_parts) {
		p->fail = FAIL_PARTS;
		return -1;
	}
	if ((size_t)p->n_parts == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->parts = xreallocarray(p->parts, p->cap, sizeof(*p->parts));
	}
	idx = p->n_parts++;
	pt = &p->parts[idx];
	memset(pt, 0, sizeof(*pt));
	pt->parent = parent;
	pt->first_child = pt->last_child = pt->next = -1;
	pt->depth = depth;
	if (parent >= 0) {
		struct part *pp = &p->parts[parent];
		if (pp->last_child >= 0)
			p->parts[pp->last_child].next = idx;
		else
			pp->first_child = idx;
		pp->last_child = idx;
	}
	return idx;
}

static bool type_is(const struct part *pt, const char *type)
{
	return strcmp(pt->type, type) == 0;
}

/* A multipart without a boundary parameter: the first "--" line of the body
 * is almost always its boundary. */
static char *guess_boundary(const struct parser *p)
{
	struct parser probe = *p;
	size_t ls, ll;

	for (int i = 0; i < 64 && next_line(&probe, &ls, &ll); i++) {
		const char *line = p->data + ls;
		if (ll > 2 && line[0] == '-' && line[1] == '-') {
			while (ll > 2 && (line[ll - 1] == ' ' || line[ll - 1] == '\t'))
				ll--;
			if (ll > 2)
				return xstrndup(line + 2, ll - 2);
		}
	}
	return NULL;
}

static void read_part_headers(struct parser *p, int idx, size_t hdr_start, size_t hdr_end,
			      const char *default_type)
{
	static const char *const fields[] = {
	    "Content-Type",
	    "Content-Disposition",
	    "Content-Transfer-Encoding",
	    "Content-ID",
	};
	struct part *pt = &p->parts[idx];
	char *values[N_ELEMENTS(fields)], *cte, *cid;

	pt->hdr = p->data + hdr_start;
	pt->hdr_len = hdr_end - hdr_start;
	mime_fields_get(pt->hdr, pt->hdr_len, fields, N_ELEMENTS(fields), values);
	pt->ctype = values[0];
	pt->disp = values[1];
	cte = values[2];
	cid = values[3];
	if (pt->ctype != NULL) {
		pt->type = mime_value_token(pt->ctype);
		/* "text" or garbage: RFC 2045 5.2 says to use the default */
		const char *slash = strchr(pt->type, '/');
		if (slash == NULL || slash == pt->type || slash[1] == '\0') {
			free(pt->type);
			pt->type = NULL;
		}
	}
	if (pt->type == NULL)
		pt->type = xstrdup(default_type);
	if (pt->disp != NULL)
		pt->disp_type = mime_value_token(pt->disp);
	if (cte != NULL) {
		pt->cte = mime_value_token(cte);
		free(cte);
	}
	if (cid != NULL) {
		pt->cid = mime_parse_msgid(cid);
		free(cid);
	}
	pt->filename = mime_param(pt->disp, "filename", true);
	if (pt->filename == NULL)
		pt->filename = mime_param(pt->ctype, "name", true);
	if (pt->filename != NULL) {
		/* C:\Users\...\fil.pdf from old clients */
		char *base = pt->filename, *s;
		if ((s = strrchr(base, '/')) != NULL)
			base = s + 1;
		if ((s = strrchr(base, '\\')) != NULL)
			base = s + 1;
		memmove(pt->filename, base, strlen(base) + 1);
		if (pt->filename[0] == '\0') {
			free(pt->filename);
			pt->filename = NULL;
		}
	}
	if (strncmp(pt->type, "multipart/", 10) == 0) {
		pt->boundary = mime_param(pt->ctype, "boundary", false);
		if (pt->boundary == NULL || pt->boundary[0] == '\0') {
			free(pt->boundary);
			pt->boundary = guess_boundary(p);
		}
		if (pt->boundary != NULL)
			pt->kind = PART_MULTIPART;
		else {
			free(pt->type);
			pt->type = xstrdup("text/plain");
		}
	} else if (type_is(pt, "message/rfc822") || type_is(pt, "message/global"))
		pt->kind = PART_MESSAGE;
}

static bool cte_is(const struct part *pt, const char *cte)
{
	return pt->cte != NULL && strcmp(pt->cte, cte) == 0;
}

/* Parses one entity (headers and body) starting at p->pos, and everything
 * nested in it; returns why it stopped. */
static struct stop parse_entity(struct parser *p, int parent, int depth, const char *default_type)
{
	struct stop st = {STOP_FAIL, false, 0};
	size_t hdr_start = p->pos, hdr_end = p->size, ls, ll, body_start;
	bool first = true;
	int idx;

	if (depth > p->max_depth) {
		p->fail = FAIL_DEPTH;
		return st;
	}
	idx = add_part(p, parent, depth);
	if (idx < 0)
		return st;

	st = (struct stop){STOP_EOF, false, p->size};
	for (;;) {
		size_t save = p->pos;
		if (!next_line(p, &ls, &ll))
			break;
		const char *line = p->data + ls;
		if (ll == 0) {
			hdr_end = ls;
			break;
		}
		int level = boundary_level(p, line, ll, &st.close);
		if (level >= 0) {
			/* a part that is all headers */
			read_part_headers(p, idx, hdr_start, ls, default_type);
			p->parts[idx].body = line;
			p->parts[idx].kind = PART_LEAF;
			st.level = level;
			st.line_start = ls;
			return st;
		}
		bool field = line[0] == ' ' || line[0] == '\t' || mime_is_field_line(line, ll) ||
			     (first && parent < 0 && ll >= 5 && memcmp(line, "From ", 5) == 0);
		first = false;
		if (!field) {
			/* no blank line: the body starts at the first line that
			 * is not a header field */
			p->pos = save;
			hdr_end = ls;
			break;
		}
	}
	st.close = false;
	read_part_headers(p, idx, hdr_start, hdr_end, default_type);
	body_start = p->pos;

	struct part *pt = &p->parts[idx];
	if (pt->kind == PART_MULTIPART && p->n_bnd <= HARD_MAX_DEPTH) {
		int level = p->n_bnd;
		const char *child_type =
		    type_is(pt, "multipart/digest") ? "message/rfc822" : "text/plain";
		p->bnd[level] = (struct boundary){pt->boundary, strlen(pt->boundary)};
		p->n_bnd++;
		st = scan_to_boundary(p); /* the preamble */
		while (st.level == level && !st.close) {
			st = parse_entity(p, idx, depth + 1, child_type);
			if (st.level == STOP_FAIL) {
				p->n_bnd = level;
				return st;
			}
		}
		p->n_bnd = level;
		if (st.level == level) /* the epilogue, up to an outer boundary */
			st = scan_to_boundary(p);
	} else if (pt->kind == PART_MESSAGE &&
		   (cte_is(pt, "base64") || cte_is(pt, "quoted-printable"))) {
		/* RFC 2046 forbids encoding message/rfc822, some mailers do it
		 * anyway: decode, then parse the copy on its own */
		st = scan_to_boundary(p);
		size_t end = body_end(p, body_start, &st);
		struct buf dec = {0};
		if (cte_is(pt, "base64"))
			mime_base64_decode(p->data + body_start, end - body_start, &dec);
		else
			mime_qp_decode(p->data + body_start, end - body_start, false, &dec);
		size_t dec_len = dec.len;
		char *decoded = buf_steal(&dec);
		p->parts[idx].decoded = decoded;

		const char *saved_data = p->data;
		size_t saved_size = p->size, saved_pos = p->pos;
		int saved_base = p->bnd_base;
		p->data = decoded;
		p->size = dec_len;
		p->pos = 0;
		p->bnd_base = p->n_bnd;
		struct stop inner = parse_entity(p, idx, depth + 1, "text/plain");
		p->data = saved_data;
		p->size = saved_size;
		p->pos = saved_pos;
		p->bnd_base = saved_base;
		if (inner.level == STOP_FAIL)
			return inner;
	} else if (pt->kind == PART_MESSAGE) {
		st = parse_entity(p, idx, depth + 1, "text/plain");
		if (st.level == STOP_FAIL)
			return st;
	} else {
		p->parts[idx].kind = PART_LEAF;
		st = scan_to_boundary(p);
	}
	p->parts[idx].body = p->data + body_start;
	p->parts[idx].body_len = body_end(p, body_start, &st) - body_start;
	return st;
}

static void parser_free(struct parser *p)
{
	for (int i = 0; i < p->n_parts; i++) {
		struct part *pt = &p->parts[i];
		free(pt->type);
		free(pt->ctype);
		free(pt->disp);
		free(pt->disp_type);
		free(pt->cte);
		free(pt->cid);
		free(pt->filename);
		free(pt->boundary);
		free(pt->decoded);
	}
	free(p->parts);
	p->parts = NULL;
	p->n_parts = 0;
}

/* ---- from parts to text ---- */

struct render {
	const struct parser *p;
	struct mail_attachment *att;
	size_t n_att, cap_att;
	char *calendar_method; /* of the first text/calendar part */
	bool from_html;
};

static bool blank(const struct buf *b)
{
	return b->data == NULL || str_is_blank(b->data);
}

/* Appends a section of text, separated from what is there by a blank line. */
static void append_section(struct buf *out, const struct buf *text)
{
	const char *s;

	if (blank(text))
		return;
	s = text->data;
	while (*s == '\n')
		s++;
	if (out->len > 0) {
		while (out->len > 0 &&
		       (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' ' ||
			out->data[out->len - 1] == '\t'))
			out->data[--out->len] = '\0';
		buf_append_str(out, "\n\n");
	}
	buf_append_str(out, s);
}

static void transfer_decode(const struct part *pt, struct buf *out)
{
	if (cte_is(pt, "base64"))
		mime_base64_decode(pt->body, pt->body_len, out);
	else if (cte_is(pt, "quoted-printable"))
		mime_qp_decode(pt->body, pt->body_len, false, out);
	else
		buf_append(out, pt->body, pt->body_len);
}

static size_t decoded_size(const struct part *pt)
{
	struct buf b = {0};
	size_t n;

	if (cte_is(pt, "base64"))
		return mime_base64_size(pt->body, pt->body_len);
	if (!cte_is(pt, "quoted-printable"))
		return pt->body_len;
	transfer_decode(pt, &b);
	n = b.len;
	buf_free(&b);
	return n;
}

static bool is_calendar(const struct part *pt)
{
	return type_is(pt, "text/calendar") || type_is(pt, "application/ics");
}

/* filename is taken over */
static void push_attachment(struct render *r, char *filename, const char *type, size_t size)
{
	struct mail_attachment *a;

	if (r->n_att == r->cap_att) {
		r->cap_att = r->cap_att ? r->cap_att * 2 : 8;
		r->att = xreallocarray(r->att, r->cap_att, sizeof(*r->att));
	}
	a = &r->att[r->n_att++];
	a->filename = filename;
	a->content_type = xstrdup(type);
	a->size = size;
}

/* The type of a file inside winmail.dat, which names no type: by the
 * ending of its name, for the files associations send. */
static const char *type_of_name(const char *name)
{
	static const char *const types[][2] = {
		{ ".pdf", "application/pdf" },
		{ ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ ".doc", "application/msword" },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ ".xls", "application/vnd.ms-excel" },
		{ ".odt", "application/vnd.oasis.opendocument.text" },
		{ ".rtf", "application/rtf" },
		{ ".txt", "text/plain" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".png", "image/png" },
	};

	for (size_t i = 0; name != NULL && i < N_ELEMENTS(types); i++)
		if (str_suffix_ci(name, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

/* winmail.dat: the files it carries, or nothing when it carries only the
 * mail's formatting; itself when it cannot be read. */
static bool add_tnef_files(struct render *r, const struct part *pt)
{
	struct mime_tnef_file files[16];
	struct buf raw = {0};
	size_t n;
	int rc;

	transfer_decode(pt, &raw);
	rc = mime_tnef_files(raw.data, raw.len, files, N_ELEMENTS(files), &n);
	buf_free(&raw);
	if (rc != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		push_attachment(r, files[i].name, type_of_name(files[i].name), files[i].size);
	return true;
}

static void add_attachment(struct render *r, const struct part *pt)
{
	if ((type_is(pt, "application/ms-tnef") || type_is(pt, "application/vnd.ms-tnef")) &&
	    add_tnef_files(r, pt))
		return;
	push_attachment(r, pt->filename != NULL ? xstrdup(pt->filename) : NULL, pt->type,
			decoded_size(pt));
}

/* An invitation or an answer to one (text/calendar) is the mail in another
 * form, for the calendar, not a file for the secretary: only its method is
 * kept, as a .vcf is not listed at all. */
static void note_calendar(struct render *r, const struct part *pt)
{
	if (r->calendar_method != NULL)
		return;
	r->calendar_method = mime_param(pt->ctype, "method", false);
	for (char *m = r->calendar_method; m != NULL && *m != '\0'; m++)
		*m = (char)toupper((unsigned char)*m);
}

/* Forgets attachments recorded while trying an alternative that lost. */
static void drop_attachments(struct render *r, size_t keep)
{
	while (r->n_att > keep) {
		r->n_att--;
		free(r->att[r->n_att].filename);
		free(r->att[r->n_att].content_type);
	}
}

/* Parts about the mail or its sender, not content worth listing on the
 * agenda: a signature of the mail, a business card, the machine-readable
 * part of a delivery or read report (RFC 3464, 8098) and the headers it
 * returns. */
static bool is_no_file(const struct part *pt)
{
	return type_is(pt, "message/delivery-status") ||
	       type_is(pt, "message/global-delivery-status") ||
	       type_is(pt, "message/disposition-notification") ||
	       type_is(pt, "message/global-disposition-notification") ||
	       type_is(pt, "text/rfc822-headers") || type_is(pt, "message/rfc822-headers") ||
	       type_is(pt, "message/global-headers") || type_is(pt, "message/feedback-report") ||
	       type_is(pt, "application/pgp-signature") ||
	       type_is(pt, "application/pkcs7-signature") ||
	       type_is(pt, "application/x-pkcs7-signature") || type_is(pt, "text/vcard") ||
	       type_is(pt, "text/x-vcard") || type_is(pt, "text/directory") ||
	       (pt->filename != NULL && str_suffix_ci(pt->filename, ".vcf"));
}

static bool disposition_attachment(const struct part *pt)
{
	return pt->disp_type != NULL && strcmp(pt->disp_type, "attachment") == 0;
}

static bool is_text_body(const struct part *pt)
{
	return (type_is(pt, "text/plain") || type_is(pt, "text/html")) &&
	       !disposition_attachment(pt) && pt->filename == NULL;
}

static void leaf_text(struct render *r, const struct part *pt, struct buf *out)
{
	struct buf decoded = {0}, clean = {0}, text = {0};
	bool html = type_is(pt, "text/html");
	char *charset = mime_param(pt->ctype, "charset", false);
	const char *raw = pt->body;
	size_t raw_len = pt->body_len;

	/* 7bit, 8bit and binary bodies are read where they are */
	if (cte_is(pt, "base64") || cte_is(pt, "quoted-printable")) {
		transfer_decode(pt, &decoded);
		raw = decoded.data;
		raw_len = decoded.len;
	}
	if (html && (charset == NULL || charset[0] == '\0')) {
		free(charset);
		charset = mime_html_meta_charset(raw, raw_len);
	}
	mime_text_to_utf8(charset, raw, raw_len, &clean);
	buf_free(&decoded);
	if (html) {
		mime_html_to_text(clean.data, clean.len, &text);
		if (!blank(&text))
			r->from_html = true;
	} else {
		char *format = mime_param(pt->ctype, "format", false);
		if (format != NULL && strcasecmp(format, "flowed") == 0) {
			char *delsp = mime_param(pt->ctype, "delsp", false);
			mime_unflow(clean.data, clean.len,
				    delsp != NULL && strcasecmp(delsp, "yes") == 0, &text);
			free(delsp);
		} else {
			text = clean;
			clean = (struct buf){0};
		}
		free(format);
	}
	buf_free(&clean);
	free(charset);
	append_section(out, &text);
	buf_free(&text);
}

/* A text/plain alternative that only says "view the HTML version". */
static bool is_stub(const struct buf *text)
{
	static const char *const fillers[] = {
	    "html", "view this message", "view this email", "visa meddelandet", "webbläsare", NULL,
	};

	if (blank(text))
		return true;
	if (text->len > STUB_MAX_BYTES)
		return false;
	for (const char *const *f = fillers; *f != NULL; f++)
		if (str_find_ci(text->data, *f) != NULL)
			return true;
	return false;
}

static void render_entity(struct render *r, int idx, struct buf *out);

static void append_decoded(struct buf *out, const char *value)
{
	char *s = mime_decode_header(value);

	buf_append_str(out, s);
	free(s);
}

static void render_forward(struct render *r, const struct part *msg, struct buf *out)
{
	static const char *const fields[] = {"From", "Date", "Subject"};
	const struct part *inner;
	struct buf block = {0}, body = {0};
	char *values[N_ELEMENTS(fields)], *from, *date, *subject;

	if (msg->first_child < 0)
		return;
	inner = &r->p->parts[msg->first_child];
	mime_fields_get(inner->hdr, inner->hdr_len, fields, N_ELEMENTS(fields), values);
	from = values[0];
	date = values[1];
	subject = values[2];
	buf_append_str(&block, FORWARD_LINE);
	if (from != NULL) {
		char *addr, *name;
		mime_parse_address(from, &addr, &name);
		buf_append_str(&block, "Från: ");
		if (addr != NULL && name != NULL)
			buf_printf(&block, "%s <%s>", name, addr);
		else if (addr != NULL)
			buf_append_str(&block, addr);
		else
			append_decoded(&block, from);
		buf_append_char(&block, '\n');
		free(addr);
		free(name);
	}
	if (date != NULL) {
		buf_append_str(&block, "Datum: ");
		append_decoded(&block, date);
		buf_append_char(&block, '\n');
	}
	if (subject != NULL) {
		buf_append_str(&block, "Ämne: ");
		append_decoded(&block, subject);
		buf_append_char(&block, '\n');
	}
	render_entity(r, msg->first_child, &body);
	if (!blank(&body)) {
		const char *s = body.data;
		while (*s == '\n')
			s++;
		buf_append_char(&block, '\n');
		buf_append_str(&block, s);
	}
	append_section(out, &block);
	buf_free(&block);
	buf_free(&body);
	free(from);
	free(date);
	free(subject);
}

/* The files in an alternative that lost to text/plain: Apple Mail puts a
 * file dropped into the text inside the HTML alternative (alternative
 * [plain, mixed [html, pdf, html]]), and the plain text says nothing of it.
 * Bodies, calendars and signatures are no files; images that are not marked
 * as attachments are the HTML's own pictures (a logo, a cid: image). The
 * tree is as deep as max_mime_depth allows, so the recursion is bounded. */
static void collect_files(struct render *r, int idx)
{
	const struct part *pt = &r->p->parts[idx];

	if (pt->kind == PART_MULTIPART) {
		for (int c = pt->first_child; c >= 0; c = r->p->parts[c].next)
			collect_files(r, c);
		return;
	}
	if (pt->kind != PART_LEAF || is_calendar(pt) || is_no_file(pt) || is_text_body(pt) ||
	    strncmp(pt->type, "multipart/", 10) == 0)
		return;
	if (disposition_attachment(pt) || (pt->cid == NULL && strncmp(pt->type, "image/", 6) != 0))
		add_attachment(r, pt);
}

static void render_alternative(struct render *r, const struct part *mp, struct buf *out)
{
	const struct parser *p = r->p;
	struct buf stub = {0};
	int plain = -1;

	for (int c = mp->first_child; c >= 0; c = p->parts[c].next) {
		const struct part *cp = &p->parts[c];
		if (is_calendar(cp))
			note_calendar(r, cp); /* an invitation: noted, never text */
		else if (plain < 0 && type_is(cp, "text/plain") && !disposition_attachment(cp))
			plain = c;
	}
	if (plain >= 0) {
		bool html_mark = r->from_html;
		leaf_text(r, &p->parts[plain], &stub);
		if (!is_stub(&stub)) {
			append_section(out, &stub);
			buf_free(&stub);
			for (int c = mp->first_child; c >= 0; c = p->parts[c].next)
				if (c != plain)
					collect_files(r, c);
			return;
		}
		r->from_html = html_mark;
	}
	/* the richest alternative is the last one */
	int *children = xreallocarray(NULL, (size_t)p->n_parts, sizeof(*children));
	size_t n = 0;
	for (int c = mp->first_child; c >= 0; c = p->parts[c].next)
		children[n++] = c;
	while (n > 0) {
		int c = children[--n];
		const struct part *cp = &p->parts[c];
		if (c == plain || is_calendar(cp) || disposition_attachment(cp))
			continue;
		if (cp->kind == PART_LEAF && strncmp(cp->type, "text/", 5) != 0)
			continue;
		struct buf text = {0};
		size_t att_mark = r->n_att;
		bool html_mark = r->from_html;
		render_entity(r, c, &text);
		if (!blank(&text)) {
			append_section(out, &text);
			buf_free(&text);
			buf_free(&stub);
			free(children);
			return;
		}
		buf_free(&text);
		drop_attachments(r, att_mark);
		r->from_html = html_mark;
	}
	free(children);
	append_section(out, &stub);
	buf_free(&stub);
}

static void render_related(struct render *r, const struct part *mp, struct buf *out)
{
	const struct parser *p = r->p;
	char *start = mime_param(mp->ctype, "start", false);
	char *start_id = start != NULL ? mime_parse_msgid(start) : NULL;
	int root = mp->first_child;

	for (int c = mp->first_child; start_id != NULL && c >= 0; c = p->parts[c].next)
		if (p->parts[c].cid != NULL && strcmp(p->parts[c].cid, start_id) == 0) {
			root = c;
			break;
		}
	free(start);
	free(start_id);
	if (root < 0)
		return;
	render_entity(r, root, out);
	for (int c = mp->first_child; c >= 0; c = p->parts[c].next) {
		const struct part *cp = &p->parts[c];
		if (c == root || cp->kind != PART_LEAF)
			continue;
		if (is_calendar(cp)) {
			note_calendar(r, cp);
			continue;
		}
		/* images and style sheets the root refers to by cid: are part
		 * of the text, not attachments */
		if (disposition_attachment(cp) ||
		    (cp->cid == NULL &&
		     (cp->filename != NULL || strncmp(cp->type, "text/", 5) != 0)))
			add_attachment(r, cp);
	}
}

static void render_mixed(struct render *r, const struct part *mp, struct buf *out)
{
	const struct parser *p = r->p;

	for (int c = mp->first_child; c >= 0; c = p->parts[c].next) {
		const struct part *cp = &p->parts[c];
		if (cp->kind != PART_LEAF) {
			struct buf text = {0};
			render_entity(r, c, &text);
			append_section(out, &text);
			buf_free(&text);
		} else if (is_calendar(cp))
			note_calendar(r, cp);
		else if (is_no_file(cp))
			continue;
		else if (is_text_body(cp))
			leaf_text(r, cp, out);
		else
			add_attachment(r, cp);
	}
}

static void render_entity(struct render *r, int idx, struct buf *out)
{
	const struct part *pt = &r->p->parts[idx];

	if (pt->kind == PART_MESSAGE)
		render_forward(r, pt, out);
	else if (pt->kind == PART_LEAF &&
		 (strncmp(pt->type, "multipart/", 10) == 0 || type_is(pt, "message/rfc822")))
		return; /* a container cut short: headers and no body */
	else if (pt->kind == PART_MULTIPART) {
		if (type_is(pt, "multipart/alternative"))
			render_alternative(r, pt, out);
		else if (type_is(pt, "multipart/related"))
			render_related(r, pt, out);
		else
			render_mixed(r, pt, out);
	} else if (is_calendar(pt))
		note_calendar(r, pt);
	else if ((type_is(pt, "text/plain") || type_is(pt, "text/html")) &&
		 !disposition_attachment(pt))
		leaf_text(r, pt, out);
	else if (strncmp(pt->type, "text/", 5) == 0 && !disposition_attachment(pt) &&
		 pt->filename == NULL && pt->parent >= 0 &&
		 type_is(&r->p->parts[pt->parent], "multipart/alternative"))
		leaf_text(r, pt, out); /* text/enriched and friends as an alternative */
	else if (!is_no_file(pt))
		add_attachment(r, pt);
}

/* What a delivery report's fields (RFC 3464) say, read by
 * mime_fields_foreach(): the first Final-Recipient, lowercased, and its
 * Actions. */
struct delivery {
	char *recipient;
	bool delayed, other;
};

static bool delivery_field(const struct mime_field *f, void *ctx)
{
	struct delivery *d = ctx;
	char *v;

	if (f->name_len == strlen("Action") && strncasecmp(f->name, "Action", f->name_len) == 0) {
		v = mime_unfold(f->value, f->value_len);
		if (strncasecmp(v + strspn(v, " \t"), "delayed", strlen("delayed")) == 0)
			d->delayed = true;
		else
			d->other = true;
		free(v);
	} else if (d->recipient == NULL && f->name_len == strlen("Final-Recipient") &&
		   strncasecmp(f->name, "Final-Recipient", f->name_len) == 0) {
		/* "rfc822; ulla@example.se" */
		const char *a, *b;

		v = mime_unfold(f->value, f->value_len);
		if ((a = strchr(v, ';')) != NULL) {
			a += strspn(a + 1, " \t<") + 1;
			for (b = a; (unsigned char)*b > ' ' && *b != '>' && *b < 0x7f; b++)
				;
			if (b - a >= 3 && b - a <= 254 && memchr(a, '@', (size_t)(b - a)) != NULL)
				d->recipient = str_lower_ascii(xstrndup(a, (size_t)(b - a)));
		}
		free(v);
	}
	return true;
}

/* The first Final-Recipient of the delivery reports among the parts, or
 * NULL: which address a bounce is about; *delayed_r: every Action of them
 * is "delayed" (a warning, not a failure). A report is field groups
 * separated by blank lines; only one sent as it is (7bit, 8bit or no
 * encoding), as every MTA sends it, is read. */
static char *bounced_recipient(const struct parser *p, bool *delayed_r)
{
	struct delivery d = {0};

	for (int i = 0; i < p->n_parts; i++) {
		const struct part *pt = &p->parts[i];
		size_t pos = 0;

		if ((!type_is(pt, "message/delivery-status") &&
		     !type_is(pt, "message/global-delivery-status")) ||
		    (pt->cte != NULL && strcmp(pt->cte, "7bit") != 0 && strcmp(pt->cte, "8bit") != 0))
			continue;
		while (pos < pt->body_len) {
			const char *nl;

			mime_fields_foreach(pt->body + pos, pt->body_len - pos, delivery_field, &d);
			/* past the blank line that ended the group */
			while ((nl = memchr(pt->body + pos, '\n', pt->body_len - pos)) != NULL) {
				size_t line = (size_t)(nl - (pt->body + pos));

				pos += line + 1;
				if (line == 0 || (line == 1 && nl[-1] == '\r'))
					break;
			}
			if (nl == NULL)
				break;
		}
	}
	*delayed_r = d.delayed && !d.other;
	return d.recipient;
}

/* ---- the mail ---- */

/* The raw (unfolded, undecoded) values of the top-level fields mime_decode()
 * reads itself, looked up in the same pass that collects the headers. */
static const char *const top_fields[] = {"From", "Message-ID", "Date"};

struct header_collect {
	struct mail_text *mail;
	size_t cap;
	char *raw[N_ELEMENTS(top_fields)]; /* the first of each, or NULL */
	size_t raw_missing;
};

/* The first value of each of top_fields, as mime_fields_get() would find. */
static void note_top_field(struct header_collect *hc, const struct mime_field *f)
{
	for (size_t k = 0; k < N_ELEMENTS(top_fields); k++)
		if (hc->raw[k] == NULL && f->name_len == strlen(top_fields[k]) &&
		    strncasecmp(f->name, top_fields[k], f->name_len) == 0) {
			hc->raw[k] = mime_unfold(f->value, f->value_len);
			hc->raw_missing--;
		}
}

static bool collect_header(const struct mime_field *f, void *ctx)
{
	struct header_collect *hc = ctx;
	struct mail_text *m = hc->mail;
	struct buf value = {0};
	char *v, *t;

	if (hc->raw_missing > 0)
		note_top_field(hc, f);
	/* past MAX_HEADERS only the fields above are still looked for */
	if (m->n_headers >= MAX_HEADERS)
		return hc->raw_missing > 0;
	if (m->n_headers == hc->cap) {
		hc->cap = hc->cap ? hc->cap * 2 : 32;
		m->headers = xreallocarray(m->headers, hc->cap, sizeof(*m->headers));
	}
	mime_decode_words(f->value, f->value_len, &value);
	v = buf_steal(&value);
	t = str_trim(v);
	memmove(v, t, strlen(t) + 1);
	struct buf name = {0};
	mime_charset_to_utf8(NULL, f->name, f->name_len, &name);
	m->headers[m->n_headers].name = buf_steal(&name);
	m->headers[m->n_headers].value = v;
	m->n_headers++;
	return m->n_headers < MAX_HEADERS || hc->raw_missing > 0;
}

/* Leading blank lines and trailing whitespace removed. */
static char *finish_body(struct buf *body, size_t max_line)
{
	char *s = buf_steal(body), *start = s, *p = s;
	size_t n;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\n')
			break;
		start = ++p;
	}
	n = strlen(start);
	while (n > 0 && (start[n - 1] == '\n' || start[n - 1] == ' ' || start[n - 1] == '\t'))
		n--;
	memmove(s, start, n);
	s[n] = '\0';
	if (!mime_utf8_valid(s, n)) { /* cannot happen; the output promise is kept anyway */
		struct buf fixed = {0};
		mime_charset_to_utf8(NULL, s, n, &fixed);
		free(s);
		s = buf_steal(&fixed);
	}
	return mime_split_long_lines(s, max_line);
}

static void size_text(size_t bytes, char *out, size_t len)
{
	if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
		snprintf(out, len, "%zu MB", bytes / (1024 * 1024));
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(out, len, "%zu kB", bytes / 1024);
	else
		snprintf(out, len, "%zu byte", bytes);
}

struct mime_limits mime_limits_of(const struct config_limits *limits)
{
	return (struct mime_limits){
		.max_message_bytes = limits->max_message_bytes,
		.max_depth = limits->max_mime_depth,
		.max_parts = limits->max_mime_parts,
		.max_line_length = limits->max_line_length,
	};
}

int mime_decode(const void *raw, size_t size, const struct mime_limits *limits,
		struct mail_text **mail_r, struct error *error_r)
{
	struct parser p = {0};
	struct render r = {0};
	struct header_collect hc = {0};
	struct buf body = {0};
	struct mail_text *m;
	const struct part *top;
	char **v = hc.raw;

	*mail_r = NULL;
	if (limits == NULL)
		limits = &default_limits;
	if (size > limits->max_message_bytes) {
		char max[32];
		size_text(limits->max_message_bytes, max, sizeof(max));
		return err_set(error_r, ERR_MESSAGE, "meddelandet är större än %s", max);
	}
	if (size == 0)
		return err_set(error_r, ERR_MESSAGE, "meddelandet är tomt");

	p.data = raw;
	p.size = size;
	p.max_depth = limits->max_depth < 0                ? 0
		      : limits->max_depth > HARD_MAX_DEPTH ? HARD_MAX_DEPTH
							   : limits->max_depth;
	p.max_parts = limits->max_parts < 1 ? 1 : limits->max_parts;
	parse_entity(&p, -1, 0, "text/plain");
	if (p.fail != FAIL_NONE) {
		parser_free(&p);
		if (p.fail == FAIL_DEPTH)
			return err_set(error_r, ERR_MESSAGE,
				       "MIME-strukturen är djupare än %d nivåer",
				       limits->max_depth);
		return err_set(error_r, ERR_MESSAGE, "meddelandet har fler än %d MIME-delar",
			       limits->max_parts);
	}

	m = xcalloc(1, sizeof(*m));
	top = &p.parts[0];
	hc.mail = m;
	hc.raw_missing = N_ELEMENTS(top_fields);
	mime_fields_foreach(top->hdr, top->hdr_len, collect_header, &hc);
	if (v[0] != NULL)
		mime_parse_address(v[0], &m->from_addr, &m->from_name);
	if (v[1] != NULL)
		m->message_id = mime_parse_msgid(v[1]);
	if (v[2] != NULL)
		m->date = mime_parse_date(v[2]);
	for (size_t k = 0; k < N_ELEMENTS(hc.raw); k++)
		free(v[k]);
	const char *subject = mime_header(m, "Subject");
	m->subject = xstrdup(subject != NULL ? subject : "");
	m->content_type = xstrdup(top->type);

	r.p = &p;
	render_entity(&r, 0, &body);
	m->body = finish_body(&body, limits->max_line_length);
	m->body_from_html = r.from_html;
	m->attachments = r.att;
	m->n_attachments = r.n_att;
	m->calendar_method = r.calendar_method;
	m->bounced_to = bounced_recipient(&p, &m->bounce_delayed);
	parser_free(&p);
	*mail_r = m;
	return 0;
}

void mime_free(struct mail_text **mail)
{
	struct mail_text *m = *mail;

	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_headers; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	free(m->message_id);
	free(m->from_addr);
	free(m->from_name);
	free(m->subject);
	free(m->content_type);
	free(m->body);
	for (size_t i = 0; i < m->n_attachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
	}
	free(m->attachments);
	free(m->calendar_method);
	free(m->bounced_to);
	free(m);
	*mail = NULL;
}

const char *mime_header(const struct mail_text *mail, const char *name)
{
	for (size_t i = 0; i < mail->n_headers; i++)
		if (str_eq_ci(mail->headers[i].name, name))
			return mail->headers[i].value;
	return NULL;
}

char *mime_decode_header(const char *value)
{
	struct buf out = {0};
	char *s, *t;

	mime_decode_words(value, strlen(value), &out);
	s = buf_steal(&out);
	t = str_trim(s);
	memmove(s, t, strlen(t) + 1);
	return s;
}

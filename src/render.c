/* render.c - the secretary's documents and the acknowledgements; see
 * include/agendad/render.h.
 *
 * I/O: render_templates_load() is the module's only I/O. It reads the
 * template files of config/templates/ once (at start-up and on SIGHUP) and
 * checks each one by rendering it against a built-in sample agenda, so that a
 * typo in a municipality's edited template is reported when it is loaded,
 * with its file and line, and not on the day the draft is due. Everything
 * else is pure: store records in, text out, no globals.
 *
 * Every document is made from one JSON model (render_agenda_model()), which
 * is also what RENDER_JSON prints: the text and HTML templates, the .docx
 * (render_docx.c) and the .ics (render_ics.c) cannot disagree on numbers or
 * names. The numbering follows real Swedish minutes and is fixed:
 *   1 Inledning, 2 Föregående mötesanteckningar, 3 Punkter från föregående
 *   möte (3.1, 3.2 ... in carried order), 4 Inkomna frågor från föreningar
 *   (4.N with N = store_item.number, under one heading per category in item
 *   order), 5 Övriga frågor, 6 Inför nästa möte och avslutning. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_p.h"

enum template_id {
	T_AGENDA_TXT,
	T_AGENDA_HTML,
	T_MINUTES_TXT,
	T_MINUTES_HTML,
	T_ACK_TXT,
	N_TEMPLATES,
};

static const char *const template_files[N_TEMPLATES] = {
    "agenda.txt", "agenda.html", "minutes.txt", "minutes.html", "ack.txt",
};

struct render_templates {
	struct tmpl *tmpl[N_TEMPLATES];
};

/* Plain-text documents wrap question texts at this many characters, so that
 * indented quotes stay indented in a mail reader of 80 columns. */
#define TEXT_WRAP 66
/* An acknowledgement quotes at most this many bytes of each question. */
#define ACK_EXCERPT 600

#define SECTION_CARRIED   3
#define SECTION_QUESTIONS 4

/* The category ids of DESIGN.md, listed for the secretary under review. */
static const char *const category_ids =
    "boende, daglig-verksamhet, korttid, assistans-stod, handlaggning, ekonomi, "
    "personal-kompetens, halsa-vard, fritid-kultur, resor, digitalisering, "
    "kvalitet-tillsyn, samverkan-delaktighet, barn-skola, ovrigt";

/* ---- Swedish dates and text ------------------------------------------------ */

static const char *const weekdays[7] = {
    "söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag",
};
static const char *const months[12] = {
    "januari", "februari", "mars",      "april",   "maj",      "juni",
    "juli",    "augusti",  "september", "oktober", "november", "december",
};

void render_swedish_date(const char *date, char out[64])
{
	int y, m, d;
	struct tm tm = {0};

	if (date == NULL || !util_valid_date(date) || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3) {
		snprintf(out, 64, "%s", date != NULL && strlen(date) < 64 ? date : "");
		return;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	(void)timegm(&tm); /* fills tm_wday */
	snprintf(out, 64, "%s %d %s %d", weekdays[tm.tm_wday % 7], d, months[(m - 1) % 12], y);
}

void render_swedish_time(const char *hhmm, char out[16])
{
	if (util_valid_time(hhmm))
		snprintf(out, 16, "%.2s.%.2s", hhmm, hhmm + 3);
	else
		snprintf(out, 16, "%s", hhmm != NULL && strlen(hhmm) < 16 ? hhmm : "");
}

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) and its code point, or 0. A
 * NUL fails the continuation test, so this never reads past the string. */
static size_t utf8_sequence(const unsigned char *p, unsigned int *cp_r)
{
	unsigned int c = p[0], cp, min;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* U+FFFE and U+FFFF are not characters, and XML 1.0 (the .docx) refuses
	 * them */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	*cp_r = cp;
	return n;
}

char *render_clean_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	struct buf b = {0};

	while (*p != '\0') {
		unsigned int c = *p, cp = 0;
		size_t n;

		if (c == '\r') {
			buf_append_char(&b, '\n');
			p += p[1] == '\n' ? 2 : 1;
		} else if (c < 0x80) {
			if ((c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t')
				buf_append_char(&b, (char)c);
			p++;
		} else if ((n = utf8_sequence(p, &cp)) == 0) {
			buf_append_str(&b, "\xef\xbf\xbd"); /* U+FFFD for each bad byte */
			p++;
		} else {
			if (cp > 0x9f) /* C1 controls are dropped like C0 ones */
				buf_append(&b, p, n);
			p += n;
		}
	}
	return buf_steal(&b);
}

const char *render_model_str(const json_t *object, const char *key)
{
	const char *s = json_string_value(json_object_get(object, key));

	return s != NULL ? s : "";
}

/* ---- model building blocks -------------------------------------------------- */

static void set(json_t *object, const char *key, json_t *value)
{
	json_object_set_new(object, key, value);
}

static json_t *jtext(const char *s)
{
	char *clean = render_clean_text(s);
	json_t *v = json_string(clean);

	free(clean);
	return v;
}

static json_t *jtext_or_null(const char *s)
{
	return s != NULL ? jtext(s) : json_null();
}

/* A one-line version of s: whitespace runs, newlines included, become one
 * space (subjects, titles, names). The caller frees it. */
static char *one_line(const char *s)
{
	char *clean = render_clean_text(s), *r = clean, *w = clean;
	bool space = false;

	for (; *r != '\0'; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			space = w != clean;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
	return clean;
}

static json_t *jline(const char *s)
{
	char *line = one_line(s);
	json_t *v = json_string(line);

	free(line);
	return v;
}

static json_t *jline_or_null(const char *s)
{
	return s != NULL ? jline(s) : json_null();
}

static json_t *jdate_long(const char *date)
{
	char out[64];

	render_swedish_date(date, out);
	return jtext(out);
}

/* Code points in s[0..len). */
static size_t utf8_width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* The lines of clean text: trailing blanks cut, a run of blank lines made
 * one, none at either end. */
static json_t *text_lines(const char *clean)
{
	json_t *lines = json_array();
	size_t blank = 0;

	for (const char *p = clean; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0) {
			blank++;
		} else {
			if (blank > 0 && json_array_size(lines) > 0)
				json_array_append_new(lines, json_string(""));
			blank = 0;
			json_array_append_new(lines, json_stringn(p, len));
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return lines;
}

/* lines (from text_lines()) word-wrapped at width characters for the plain
 * text documents; a word longer than width (a URL) is left whole. */
static json_t *wrap_lines(const json_t *lines, size_t width)
{
	json_t *out = json_array();
	size_t i;
	json_t *line;

	for (i = 0; (line = json_array_get(lines, i)) != NULL; i++) {
		const char *s = json_string_value(line);
		size_t len = json_string_length(line);

		while (utf8_width(s, len) > width) {
			size_t cut = 0, w = 0;
			/* the last space within width, else the first one after */
			for (size_t k = 0; k < len; k++) {
				if (s[k] == ' ' && (w <= width || cut == 0))
					cut = k;
				w += ((unsigned char)s[k] & 0xc0) != 0x80;
				if (w > width && cut != 0)
					break;
			}
			if (cut == 0)
				break;
			json_array_append_new(out, json_stringn(s, cut));
			while (cut < len && s[cut] == ' ')
				cut++;
			s += cut;
			len -= cut;
		}
		if (len > 0 || json_string_length(line) == 0)
			json_array_append_new(out, json_stringn(s, len));
	}
	return out;
}

/* text, text_lines and text_wrapped of a piece of text. */
static void set_text(json_t *object, const char *prefix, const char *s)
{
	char *clean = render_clean_text(s);
	char key[64];
	json_t *lines = text_lines(clean);

	snprintf(key, sizeof(key), "%s", prefix);
	set(object, key, json_string(clean));
	snprintf(key, sizeof(key), "%s_lines", prefix);
	set(object, key, json_incref(lines));
	snprintf(key, sizeof(key), "%s_wrapped", prefix);
	set(object, key, wrap_lines(lines, TEXT_WRAP));
	json_decref(lines);
	free(clean);
}

/* "kl. 17.00–19.00", "kl. 17.00", or "" without a valid time. */
static void time_text(const char *time, const char *end, char out[64])
{
	char t1[16], t2[16];

	out[0] = '\0';
	if (!util_valid_time(time))
		return;
	render_swedish_time(time, t1);
	if (util_valid_time(end)) {
		render_swedish_time(end, t2);
		snprintf(out, 64, "kl. %s\xe2\x80\x93%s", t1, t2);
	} else {
		snprintf(out, 64, "kl. %s", t1);
	}
}

static json_t *meeting_model(const struct store_meeting *m, int cutoff_days)
{
	json_t *o = json_object();
	char text[64], cutoff[11];

	set(o, "date", jtext(m->date));
	set(o, "date_long", jdate_long(m->date));
	set(o, "time", jtext_or_null(m->time));
	set(o, "end", jtext_or_null(m->end));
	time_text(m->time, m->end, text);
	set(o, "time_text", json_string(text));
	set(o, "place", jline_or_null(m->place));
	util_date_add(m->date, -cutoff_days, cutoff);
	set(o, "cutoff", json_string(cutoff));
	set(o, "cutoff_long", jdate_long(cutoff));
	return o;
}

static json_t *council_model(const struct render_context *ctx)
{
	const struct config_council *c = ctx->council;
	json_t *o = json_object();
	const char *name = c != NULL && c->name != NULL ? c->name : "LSS-samverkan";
	const char *secretary_name = c != NULL ? c->secretary_name : NULL;
	const char *secretary = c != NULL ? c->secretary : NULL;
	json_t *lines = json_array();

	set(o, "name", jline(name));
	set(o, "organisation", jline(c != NULL && c->organisation != NULL ? c->organisation : ""));
	/* "Exempelstads kommun, Socialförvaltningen" is two lines in a letterhead */
	if (c != NULL && c->organisation != NULL) {
		char *org = one_line(c->organisation), *save = NULL;
		for (char *part = strtok_r(org, ",", &save); part != NULL;
		     part = strtok_r(NULL, ",", &save))
			if (!str_is_blank(part))
				json_array_append_new(lines, json_string(str_trim(part)));
		free(org);
	}
	set(o, "organisation_lines", lines);
	set(o, "secretary", jline_or_null(secretary));
	set(o, "secretary_name", jline_or_null(secretary_name));
	set(o, "handlaggare",
	    jline(secretary_name != NULL ? secretary_name
		  : secretary != NULL    ? secretary
					 : ""));
	set(o, "chair", jline_or_null(c != NULL ? c->chair : NULL));
	return o;
}

/* Store attachments are "name (type, size)" lines; a name may itself hold
 * parentheses, so the info is the last parenthesised part. */
static json_t *attachments_model(const char *attachments, struct buf *names)
{
	json_t *list = json_array();
	char *clean = render_clean_text(attachments), *save = NULL;

	for (char *line = strtok_r(clean, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = str_trim(line), *info = NULL;
		size_t len = strlen(name);
		json_t *a;

		if (len == 0)
			continue;
		if (name[len - 1] == ')') {
			char *open = NULL;
			for (char *p = strstr(name, " ("); p != NULL; p = strstr(p + 1, " ("))
				open = p;
			if (open != NULL && open != name) {
				name[len - 1] = '\0';
				*open = '\0';
				info = open + 2;
			}
		}
		a = json_object();
		set(a, "name", json_string(name));
		set(a, "info", json_string(info != NULL ? info : ""));
		json_array_append_new(list, a);
		if (names->len > 0)
			buf_append_str(names, ", ");
		buf_append_str(names, name);
	}
	free(clean);
	return list;
}

/* Who asked, for people: the association, else the sender's address. */
static const char *asker(const struct store_question *q)
{
	if (q->association != NULL && !str_is_blank(q->association))
		return q->association;
	if (q->from_addr != NULL && !str_is_blank(q->from_addr))
		return q->from_addr;
	return "okänd avsändare";
}

/* number: the number this question shows under ("4.3"), or NULL. */
static json_t *question_model(const struct store_question *q, const char *number)
{
	json_t *o = json_object();
	struct buf names = {0};
	char day[11], iso[21];
	json_t *attachments;

	set(o, "id", json_integer(q->id));
	set(o, "message", json_integer(q->message));
	set(o, "message_id", jline_or_null(q->message_id));
	set(o, "association", jline_or_null(q->association));
	set(o, "asker", jline(asker(q)));
	set(o, "from", jline_or_null(q->from_addr));
	set(o, "category", jline_or_null(q->category));
	set(o, "score", json_real(q->score));
	set(o, "confident", json_boolean(q->confident));
	set(o, "evidence", jline_or_null(q->evidence));
	set(o, "meeting", jtext_or_null(q->meeting));
	set(o, "meeting_long", q->meeting != NULL ? jdate_long(q->meeting) : json_null());
	set(o, "item", q->item != 0 ? json_integer(q->item) : json_null());
	set(o, "item_number", q->item_number != 0 ? json_integer(q->item_number) : json_null());
	set(o, "number", number != NULL ? json_string(number) : json_null());
	set(o, "title", jline(q->title != NULL && !str_is_blank(q->title) ? q->title : "Fråga"));
	set_text(o, "text", q->text);
	set(o, "status", jline(q->status != NULL ? q->status : "queued"));
	set(o, "duplicate_of", q->duplicate_of != 0 ? json_integer(q->duplicate_of) : json_null());
	util_iso8601_utc(q->received, iso);
	set(o, "received", json_string(iso));
	util_local_day(q->received, day);
	set(o, "received_day", json_string(day));
	set(o, "received_long", jdate_long(day));
	attachments = attachments_model(q->attachments, &names);
	set(o, "has_attachments", json_boolean(json_array_size(attachments) > 0));
	set(o, "attachments", attachments);
	set(o, "attachments_text", json_string(names.len > 0 ? names.data : ""));
	buf_free(&names);
	return o;
}

/* "A", "A och B", "A, B och C" */
static void join_swedish(const json_t *names, struct buf *out)
{
	size_t n = json_array_size(names);

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_append_str(out, i + 1 == n ? " och " : ", ");
		buf_append_str(out, json_string_value(json_array_get(names, i)));
	}
}

static json_t *item_model(const struct store_item *item, int section, int n)
{
	json_t *o = json_object(), *questions = json_array(), *associations = json_array();
	json_t *attachments = json_array();
	struct buf text = {0};
	char number[32];
	const char *title = item->title;

	snprintf(number, sizeof(number), "%d.%d", section, n);
	for (size_t i = 0; i < item->n_questions; i++) {
		const struct store_question *q = &item->questions[i];
		json_t *qm = question_model(q, number);
		const char *who = json_string_value(json_object_get(qm, "asker"));
		bool seen = false;
		size_t k;
		json_t *v;

		for (k = 0; (v = json_array_get(associations, k)) != NULL; k++) {
			if (strcmp(json_string_value(v), who) == 0)
				seen = true;
		}
		if (!seen)
			json_array_append_new(associations, json_string(who));
		for (k = 0; (v = json_array_get(json_object_get(qm, "attachments"), k)) != NULL;
		     k++) {
			json_array_append(attachments, v);
		}
		if ((title == NULL || str_is_blank(title)) && q->title != NULL)
			title = q->title;
		json_array_append_new(questions, qm);
	}
	set(o, "id", json_integer(item->id));
	set(o, "number", json_string(number));
	set(o, "n", json_integer(item->number));
	set(o, "meeting", jtext(item->meeting));
	set(o, "category", jline_or_null(item->category));
	set(o, "heading",
	    jline(item->heading != NULL    ? item->heading
		  : item->category != NULL ? item->category
					   : "Övrigt"));
	set(o, "title", jline(title != NULL && !str_is_blank(title) ? title : "Fråga"));
	set(o, "status", jline(item->status != NULL ? item->status : "open"));
	set(o, "deferred",
	    json_boolean(item->status != NULL && strcmp(item->status, "deferred") == 0));
	set(o, "carried_from", jtext_or_null(item->carried_from));
	set(o, "carried_from_long",
	    item->carried_from != NULL ? jdate_long(item->carried_from) : json_null());
	set(o, "n_questions", json_integer((json_int_t)item->n_questions));
	set(o, "questions", questions);
	join_swedish(associations, &text);
	set(o, "associations_text", json_string(text.len > 0 ? text.data : ""));
	set(o, "joined", json_boolean(json_array_size(associations) > 1));
	set(o, "associations", associations);
	set(o, "has_attachments", json_boolean(json_array_size(attachments) > 0));
	set(o, "attachments", attachments);
	buf_free(&text);
	return o;
}

/* ---- the secretary's review -------------------------------------------------- */

/* A command line argument for a POSIX shell, in double quotes as a person
 * would type it ("FUB Exempelstad"). */
static void shell_quote(struct buf *out, const char *s)
{
	buf_append_char(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$' || *s == '`')
			buf_append_char(out, '\\');
		buf_append_char(out, *s);
	}
	buf_append_char(out, '"');
}

static void add_action(json_t *actions, const char *text, const char *command)
{
	json_t *a = json_object();

	set(a, "text", json_string(text));
	set(a, "command", command != NULL ? json_string(command) : json_null());
	json_array_append_new(actions, a);
}

static const char *message_status_text(const char *status)
{
	static const struct {
		const char *status, *text;
	} map[] = {
	    {"unknown-sender", "okänd avsändare"},
	    {"unparseable", "mejlet kunde inte läsas"},
	    {"auto-reply", "automatiskt svar"},
	    {"bounce", "studsat mejl"},
	    {"duplicate", "möjlig dubblett"},
	    {"new", "inte behandlat än"},
	    {"processed", "behandlat"},
	};

	for (size_t i = 0; status != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].status, status) == 0)
			return map[i].text;
	return status != NULL ? status : "";
}

static json_t *review_message_model(const struct store_message *m)
{
	json_t *o = json_object(), *actions = json_array();
	struct buf cmd = {0}, sender = {0};
	char iso[21], day[11];
	const char *status = m->status != NULL ? m->status : "";
	char *name = one_line(m->from_name), *addr = one_line(m->from_addr);

	set(o, "id", json_integer(m->id));
	set(o, "from", json_string(addr));
	set(o, "from_name", json_string(name));
	if (*name != '\0' && *addr != '\0')
		buf_printf(&sender, "%s <%s>", name, addr);
	else
		buf_append_str(&sender, *addr != '\0' ? addr : *name != '\0' ? name : "okänd");
	set(o, "sender", json_string(sender.data));
	set(o, "subject",
	    jline(m->subject != NULL && !str_is_blank(m->subject) ? m->subject : "(inget ämne)"));
	util_iso8601_utc(m->received, iso);
	set(o, "received", json_string(iso));
	util_local_day(m->received, day);
	set(o, "received_day", json_string(day));
	set(o, "received_long", jdate_long(day));
	set(o, "status", jline(status));
	set(o, "status_text", json_string(message_status_text(status)));
	set(o, "reason", jline_or_null(m->reason));
	set(o, "association", jline_or_null(m->association));

	if (strcmp(status, "unknown-sender") == 0) {
		buf_printf(&cmd, "agendactl approve %lld --association ", (long long)m->id);
		char *assoc = one_line(m->forced_association != NULL ? m->forced_association
				       : m->association != NULL      ? m->association
								     : "FÖRENINGENS NAMN");
		shell_quote(&cmd, assoc);
		free(assoc);
		add_action(actions,
			   "Hör avsändaren till en förening? Godkänn mejlet för den:", cmd.data);
		add_action(actions,
			   "Lägg också till adressen under föreningen i agendad.conf, så hålls "
			   "nästa mejl inte kvar.",
			   NULL);
	} else if (strcmp(status, "unparseable") == 0) {
		buf_printf(&cmd, "agendactl reprocess %lld", (long long)m->id);
		add_action(actions,
			   "Läs mejlet i brevlådan och för in frågorna för hand, eller läs in "
			   "det igen när felet är åtgärdat:",
			   cmd.data);
	} else {
		buf_printf(&cmd, "agendactl reprocess %lld", (long long)m->id);
		add_action(actions,
			   "Läs mejlet. Innehåller det en fråga, läs in det igen:", cmd.data);
	}
	set(o, "actions", actions);
	buf_free(&cmd);
	buf_free(&sender);
	free(name);
	free(addr);
	return o;
}

/* A message whose writer said something for the secretary rather than the
 * agenda: who attends, an interpreter to book, a question withdrawn. */
static json_t *review_note_model(const struct store_message *m)
{
	json_t *o = json_object();
	char iso[21], day[11];

	set(o, "id", json_integer(m->id));
	set(o, "association", jline(m->association != NULL ? m->association : "okänd förening"));
	set(o, "from", jline_or_null(m->from_addr));
	set(o, "subject", jline_or_null(m->subject));
	util_iso8601_utc(m->received, iso);
	set(o, "received", json_string(iso));
	util_local_day(m->received, day);
	set(o, "received_day", json_string(day));
	set(o, "received_long", jdate_long(day));
	set_text(o, "text", m->notes != NULL ? m->notes : "");
	return o;
}

/* The heading of category id on this agenda, or NULL. */
static const char *category_heading(const struct store_agenda *agenda, const char *id)
{
	for (size_t i = 0; id != NULL && i < agenda->n_items; i++)
		if (agenda->items[i].category != NULL && strcmp(agenda->items[i].category, id) == 0)
			return agenda->items[i].heading;
	for (size_t i = 0; id != NULL && i < agenda->n_carried; i++)
		if (agenda->carried[i].category != NULL &&
		    strcmp(agenda->carried[i].category, id) == 0)
			return agenda->carried[i].heading;
	return NULL;
}

static json_t *review_question_model(const struct store_agenda *agenda,
				     const struct store_question *q)
{
	json_t *o, *reasons = json_array(), *actions = json_array();
	struct buf text = {0}, cmd = {0};
	const char *status = q->status != NULL ? q->status : "";
	const char *meeting = agenda->meeting.date;
	char number[32], when[64];
	bool attachment_only = str_is_blank(q->text != NULL ? q->text : "") &&
			       q->attachments != NULL && !str_is_blank(q->attachments);
	bool elsewhere = q->meeting == NULL || strcmp(q->meeting, meeting) != 0;

	snprintf(number, sizeof(number), "%d.%d", SECTION_QUESTIONS, q->item_number);
	o = question_model(q, q->item_number > 0 && !elsewhere ? number : NULL);

	if (attachment_only) {
		buf_printf(&text,
			   "Frågan finns bara i en bilaga (%s): läs bilagan och skriv in "
			   "frågan på dagordningen.",
			   render_model_str(o, "attachments_text"));
		json_array_append_new(reasons, json_string(text.data));
		buf_reset(&text);
	}
	if (strcmp(status, "held") == 0) {
		json_array_append_new(reasons, json_string("Hållen för granskning: står inte på "
							   "dagordningen förrän den placerats."));
		buf_printf(&cmd, "agendactl move %lld --meeting %s", (long long)q->id, meeting);
		add_action(actions, "Placera frågan på mötet:", cmd.data);
		buf_reset(&cmd);
	} else if (strcmp(status, "duplicate") == 0) {
		buf_printf(&text, "Ser ut som en dubblett av fråga %lld.",
			   (long long)q->duplicate_of);
		json_array_append_new(reasons, json_string(text.data));
		buf_reset(&text);
		buf_printf(&cmd, "agendactl move %lld --meeting %s", (long long)q->id, meeting);
		add_action(actions,
			   "Om det inte är en dubblett, placera frågan på mötet:", cmd.data);
		buf_reset(&cmd);
	} else if (elsewhere) {
		if (q->meeting != NULL) {
			render_swedish_date(q->meeting, when);
			buf_printf(&text, "Ligger på mötet %s.", when);
		} else {
			buf_append_str(&text, "Väntar på ett möte.");
		}
		json_array_append_new(reasons, json_string(text.data));
		buf_reset(&text);
		buf_printf(&cmd, "agendactl move %lld --meeting %s", (long long)q->id, meeting);
		add_action(actions, "Flytta frågan till detta möte:", cmd.data);
		buf_reset(&cmd);
	}
	if (!q->confident) {
		const char *heading = category_heading(agenda, q->category);
		char *category = one_line(q->category != NULL ? q->category : "ovrigt");

		buf_printf(&text, "Osäker kategori: gissad %s", category);
		if (heading != NULL) {
			char *h = one_line(heading);
			buf_printf(&text, " (%s)", h);
			free(h);
		}
		if (q->evidence != NULL && !str_is_blank(q->evidence)) {
			char *e = one_line(q->evidence);
			buf_printf(&text, ", utifrån: %s", e);
			free(e);
		}
		buf_append_str(&text, ".");
		json_array_append_new(reasons, json_string(text.data));
		buf_reset(&text);
		buf_printf(&cmd, "agendactl recategorize %lld %s", (long long)q->id, category);
		add_action(actions, "Bekräfta kategorin, eller byt sista ordet mot rätt kategori:",
			   cmd.data);
		buf_reset(&cmd);
		free(category);
	}
	if (json_array_size(reasons) == 0)
		json_array_append_new(reasons, json_string("Behöver granskas."));
	set(o, "reasons", reasons);
	set(o, "actions", actions);
	buf_free(&text);
	buf_free(&cmd);
	return o;
}

/* ---- the agenda model ------------------------------------------------------- */

static json_t *document_model(const struct render_context *ctx)
{
	json_t *o = json_object();
	char day[11], iso[21], clock[16];
	struct tm tm;

	util_iso8601_utc(ctx->now, iso);
	util_local_day(ctx->now, day);
	localtime_r(&ctx->now, &tm);
	snprintf(clock, sizeof(clock), "%02d.%02d", tm.tm_hour, tm.tm_min);
	set(o, "generated", json_string(iso));
	set(o, "generated_day", json_string(day));
	set(o, "generated_long", jdate_long(day));
	set(o, "generated_time", json_string(clock));
	set(o, "updated", json_boolean(ctx->updated));
	return o;
}

json_t *render_agenda_model(const struct render_context *ctx, const struct store_agenda *agenda)
{
	json_t *root = json_object(), *carried = json_array(), *items = json_array();
	json_t *categories = json_array(), *associations = json_array();
	json_t *review = json_object(), *review_messages = json_array();
	json_t *review_questions = json_array(), *review_notes = json_array(), *category = NULL;
	int n_questions = 0;

	set(root, "council", council_model(ctx));
	set(root, "document", document_model(ctx));
	set(root, "updated", json_boolean(ctx->updated));
	set(root, "meeting", meeting_model(&agenda->meeting, ctx->cutoff_days));
	set(root, "previous",
	    agenda->has_previous ? meeting_model(&agenda->previous, ctx->cutoff_days)
				 : json_null());
	set(root, "next",
	    agenda->has_next ? meeting_model(&agenda->next, ctx->cutoff_days) : json_null());

	for (size_t i = 0; i < agenda->n_carried; i++) {
		json_array_append_new(carried,
				      item_model(&agenda->carried[i], SECTION_CARRIED, (int)i + 1));
		n_questions += (int)agenda->carried[i].n_questions;
	}
	/* One heading per run of items of one category: the store numbers items
	 * in category order, so each category is one run. */
	for (size_t i = 0; i < agenda->n_items; i++) {
		const struct store_item *item = &agenda->items[i];
		json_t *im = item_model(item, SECTION_QUESTIONS, item->number);
		const char *id = item->category != NULL ? item->category : "";

		if (category == NULL || strcmp(render_model_str(category, "id"), id) != 0) {
			category = json_object();
			set(category, "id", jline(id));
			set(category, "heading", json_incref(json_object_get(im, "heading")));
			set(category, "items", json_array());
			json_array_append_new(categories, category);
		}
		json_array_append(json_object_get(category, "items"), im);
		json_array_append_new(items, im);
		n_questions += (int)item->n_questions;
	}
	for (size_t i = 0; i < agenda->n_associations; i++)
		json_array_append_new(associations, jline(agenda->associations[i]));
	for (size_t i = 0; i < agenda->n_review_messages; i++)
		json_array_append_new(review_messages,
				      review_message_model(&agenda->review_messages[i]));
	for (size_t i = 0; i < agenda->n_review_questions; i++)
		json_array_append_new(review_questions,
				      review_question_model(agenda, &agenda->review_questions[i]));
	for (size_t i = 0; i < agenda->n_notes; i++)
		json_array_append_new(review_notes, review_note_model(&agenda->notes[i]));

	set(root, "has_carried", json_boolean(json_array_size(carried) > 0));
	set(root, "carried", carried);
	set(root, "has_items", json_boolean(json_array_size(items) > 0));
	set(root, "items", items);
	set(root, "categories", categories);
	set(root, "n_questions", json_integer(n_questions));
	set(root, "has_associations", json_boolean(json_array_size(associations) > 0));
	set(root, "associations", associations);
	set(review, "count",
	    json_integer((json_int_t)(json_array_size(review_messages) +
				      json_array_size(review_questions) +
				      json_array_size(review_notes))));
	set(review, "has_messages", json_boolean(json_array_size(review_messages) > 0));
	set(review, "messages", review_messages);
	set(review, "has_questions", json_boolean(json_array_size(review_questions) > 0));
	set(review, "questions", review_questions);
	set(review, "has_notes", json_boolean(json_array_size(review_notes) > 0));
	set(review, "notes", review_notes);
	set(review, "category_ids", json_string(category_ids));
	set(root, "has_review",
	    json_boolean(json_integer_value(json_object_get(review, "count")) > 0));
	set(root, "review", review);
	return root;
}

/* ---- the acknowledgement model ---------------------------------------------- */

/* The nearest meeting that a question arriving on arrival_day missed by its
 * cutoff, when it was placed at a later one; NULL when it missed none. */
static const struct store_meeting *missed_meeting(const struct render_context *ctx,
						  const char *arrival_day, const char *placed)
{
	for (size_t i = 0; ctx->meetings != NULL && i < ctx->n_meetings; i++) {
		const struct store_meeting *m = &ctx->meetings[i];
		char cutoff[11];

		if (strcmp(m->date, arrival_day) < 0)
			continue;
		if (strcmp(m->date, placed) >= 0)
			return NULL;
		util_date_add(m->date, -ctx->cutoff_days, cutoff);
		if (strcmp(cutoff, arrival_day) < 0)
			return m;
		/* open for questions when the mail came: the secretary moved it */
		return NULL;
	}
	return NULL;
}

static json_t *ack_question_model(const struct render_context *ctx,
				  const struct store_message *message,
				  const struct store_question *q, int index)
{
	const char *status = q->status != NULL ? q->status : "queued";
	const struct store_meeting *missed = NULL;
	bool held = strcmp(status, "held") == 0, duplicate = strcmp(status, "duplicate") == 0;
	bool waiting = !held && !duplicate && (q->meeting == NULL || q->meeting[0] == '\0');
	char number[32], arrival[11], cutoff[11];
	json_t *o, *excerpt;
	char *clean;

	snprintf(number, sizeof(number), "%d.%d", SECTION_QUESTIONS, q->item_number);
	o = question_model(q, q->item_number > 0 ? number : NULL);
	util_local_day(message->received != 0 ? message->received : q->received, arrival);
	if (!held && !duplicate && !waiting)
		missed = missed_meeting(ctx, arrival, q->meeting);

	set(o, "index", json_integer(index));
	set(o, "held", json_boolean(held));
	set(o, "duplicate", json_boolean(duplicate));
	set(o, "waiting", json_boolean(waiting));
	set(o, "later", json_boolean(missed != NULL));
	set(o, "placed", json_boolean(!held && !duplicate && !waiting && missed == NULL));
	set(o, "has_number", json_boolean(q->item_number > 0));
	set(o, "missed", missed != NULL ? meeting_model(missed, ctx->cutoff_days) : json_null());
	if (missed != NULL) {
		util_date_add(missed->date, -ctx->cutoff_days, cutoff);
		set(o, "missed_cutoff_long", jdate_long(cutoff));
	} else {
		set(o, "missed_cutoff_long", json_null());
	}

	/* a long question is quoted in part: the association wrote it */
	clean = render_clean_text(q->text);
	if (strlen(clean) > ACK_EXCERPT) {
		size_t cut = ACK_EXCERPT;
		while (cut > 0 && ((unsigned char)clean[cut] & 0xc0) == 0x80)
			cut--;
		while (cut > ACK_EXCERPT / 2 && clean[cut] != ' ' && clean[cut] != '\n')
			cut--;
		strcpy(clean + cut, " \xe2\x80\xa6");
	}
	excerpt = text_lines(clean);
	set(o, "excerpt_wrapped", wrap_lines(excerpt, TEXT_WRAP));
	set(o, "excerpt_lines", excerpt);
	free(clean);
	return o;
}

static json_t *ack_model(const struct render_context *ctx, const struct store_message *message,
			 const struct store_question *questions, size_t n_questions)
{
	json_t *root = json_object(), *m = json_object(), *list = json_array();
	char iso[21], day[11];

	set(root, "council", council_model(ctx));
	set(root, "document", document_model(ctx));
	set(m, "id", json_integer(message->id));
	set(m, "from", jline_or_null(message->from_addr));
	set(m, "from_name", jline_or_null(message->from_name));
	set(m, "subject", jline_or_null(message->subject));
	set(m, "association", jline_or_null(message->association));
	util_iso8601_utc(message->received, iso);
	set(m, "received", json_string(iso));
	util_local_day(message->received, day);
	set(m, "received_day", json_string(day));
	set(m, "received_long", jdate_long(day));
	set(root, "message", m);
	for (size_t i = 0; i < n_questions; i++)
		json_array_append_new(list,
				      ack_question_model(ctx, message, &questions[i], (int)i + 1));
	set(root, "questions", list);
	set(root, "n_questions", json_integer((json_int_t)n_questions));
	set(root, "one_question", json_boolean(n_questions == 1));
	set(root, "many_questions", json_boolean(n_questions > 1));
	set(root, "cutoff_days", json_integer(ctx->cutoff_days));
	return root;
}

/* "SV: " + subject, without the reply prefixes a thread has piled up
 * ("Re: SV: Sv: Fråga" -> "SV: Fråga"). Forward prefixes stay: they say
 * what the mail was. */
static char *ack_subject(const struct render_context *ctx, const char *subject)
{
	char *line = one_line(subject), *s = line, *r;

	for (;;) {
		static const char *const prefixes[] = {"sv:", "re:", "aw:", "antw:", "svar:"};
		bool cut = false;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			if (str_prefix_ci(s, prefixes[i])) {
				s += strlen(prefixes[i]);
				while (*s == ' ')
					s++;
				cut = true;
			}
		}
		if (!cut)
			break;
	}
	if (*s == '\0') {
		const char *name = ctx->council != NULL && ctx->council->name != NULL
				       ? ctx->council->name
				       : "LSS-samverkan";
		char *n = one_line(name);
		r = xasprintf("SV: Er fråga till %s", n);
		free(n);
	} else {
		r = xasprintf("SV: %s", s);
	}
	free(line);
	return r;
}

/* ---- the built-in sample that checks templates at load time ------------------ */

static struct store_question sample_carried_q[] = {
    {.id = 3,
     .message = 2,
     .association = "FUB Exempelstad",
     .from_addr = "fub@example.org",
     .category = "fritid-kultur",
     .confident = true,
     .meeting = "2026-10-08",
     .item = 2,
     .item_number = 2,
     .title = "Ledsagarservice",
     .text = "Hur ser det ut?",
     .status = "queued",
     .received = 1788000000},
};
static struct store_question sample_item_q[] = {
    {.id = 10,
     .message = 5,
     .association = "FUB Exempelstad",
     .from_addr = "fub@example.org",
     .category = "boende",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 7,
     .item_number = 1,
     .title = "Kö till gruppbostad",
     .text = "Hur lång är kön?\n\nTack.",
     .status = "queued",
     .received = 1794000000,
     .attachments = "kö.pdf (application/pdf, 12 kB)"},
    {.id = 11,
     .message = 6,
     .association = "Autism- och Aspergerföreningen",
     .from_addr = "info@autism.example.org",
     .category = "boende",
     .confident = true,
     .meeting = "2026-12-10",
     .item = 7,
     .item_number = 1,
     .title = "Gruppbostad",
     .text = "Hur många väntar?",
     .status = "queued",
     .received = 1794000100},
};
static struct store_question sample_review_q[] = {
    {.id = 12,
     .message = 7,
     .from_addr = "x@example.org",
     .category = "resor",
     .confident = false,
     .evidence = "färdtjänst",
     .meeting = "2026-12-10",
     .title = "Bilaga",
     .text = "",
     .status = "held",
     .received = 1794000200,
     .attachments = "fråga.docx (application/msword, 20 kB)"},
};
static struct store_item sample_carried[] = {
    {.id = 2,
     .meeting = "2026-10-08",
     .number = 2,
     .category = "fritid-kultur",
     .heading = "Fritid och kultur",
     .title = "Ledsagarservice",
     .status = "deferred",
     .carried_from = "2026-10-08",
     .questions = sample_carried_q,
     .n_questions = 1},
};
static struct store_item sample_items[] = {
    {.id = 7,
     .meeting = "2026-12-10",
     .number = 1,
     .category = "boende",
     .heading = "Boende",
     .title = "Kö till gruppbostad",
     .status = "open",
     .questions = sample_item_q,
     .n_questions = 2},
};
static char *sample_associations[] = {"Autism- och Aspergerföreningen", "FUB Exempelstad"};
static struct store_message sample_messages[] = {
    {.id = 8,
     .from_addr = "okand@example.org",
     .from_name = "Okänd",
     .subject = "Fråga",
     .status = "unknown-sender",
     .reason = "unknown sender",
     .received = 1794000300},
};
static struct store_message sample_notes[] = {
    {.id = 9,
     .from_addr = "ingrid@hrf.example.org",
     .subject = "Till mötet",
     .status = "processed",
     .association = "HRF Exempelstad",
     .notes = "Från HRF kommer jag och Per. Per behöver skrivtolk.",
     .received = 1794000400},
};
static const struct store_agenda sample_agenda = {
    .meeting = {.date = "2026-12-10", .time = "17:00", .end = "19:00", .place = "Stadshuset"},
    .has_previous = true,
    .previous = {.date = "2026-10-08", .time = "17:00", .end = "19:00", .place = "Stadshuset"},
    .has_next = true,
    .next = {.date = "2027-02-04", .time = "17:00", .end = "19:00", .place = "Stadshuset"},
    .carried = sample_carried,
    .n_carried = 1,
    .items = sample_items,
    .n_items = 1,
    .associations = sample_associations,
    .n_associations = 2,
    .review_messages = sample_messages,
    .n_review_messages = 1,
    .review_questions = sample_review_q,
    .n_review_questions = 1,
    .notes = sample_notes,
    .n_notes = 1,
};
static const struct store_meeting sample_meetings[] = {
    {.date = "2026-12-10", .time = "17:00"},
    {.date = "2027-02-04", .time = "17:00"},
};
static struct store_question sample_ack_q[] = {
    {.id = 20,
     .meeting = "2026-12-10",
     .item_number = 3,
     .title = "Placerad",
     .text = "Fråga",
     .status = "queued",
     .confident = true},
    {.id = 21,
     .meeting = "2027-02-04",
     .item_number = 1,
     .title = "Sen",
     .text = "Fråga",
     .status = "queued",
     .confident = true},
    {.id = 22, .title = "Väntar", .text = "Fråga", .status = "queued", .confident = true},
    {.id = 23, .title = "Hållen", .text = "Fråga", .status = "held"},
    {.id = 24, .title = "Dubblett", .text = "Fråga", .status = "duplicate", .duplicate_of = 20},
};
static const struct store_message sample_ack_message = {
    .id = 9,
    .from_addr = "fub@example.org",
    .from_name = "Anna",
    .subject = "Frågor",
    .association = "FUB Exempelstad",
    .status = "processed",
    .received = 1795000000, /* 2026-11-17, after the cutoff of 2026-12-10 */
};

/* Renders every template against the sample, so that an unknown name in an
 * edited template is found now. */
static int check_templates(const struct render_templates *templates, struct error *error_r)
{
	static const struct config_council council = {
	    .name = "LSS-samverkan",
	    .organisation = "Exempelstads kommun, Socialförvaltningen",
	    .secretary = "sekreterare@example.org",
	    .secretary_name = "Sekreterare",
	    .chair = "Ordförande",
	};
	struct render_context ctx = {
	    .council = &council,
	    .cutoff_days = 14,
	    .now = 1795000000,
	    .updated = true,
	    .meetings = sample_meetings,
	    .n_meetings = 2,
	};
	char *out = NULL, *subject = NULL;

	for (int format = RENDER_TEXT; format <= RENDER_HTML; format++) {
		if (render_agenda(templates, &ctx, &sample_agenda, (enum render_format)format, &out,
				  error_r) < 0)
			return -1;
		free(out);
		if (render_minutes(templates, &ctx, &sample_agenda, (enum render_format)format,
				   &out, error_r) < 0)
			return -1;
		free(out);
	}
	if (render_ack(templates, &ctx, &sample_ack_message, sample_ack_q,
		       sizeof(sample_ack_q) / sizeof(sample_ack_q[0]), &subject, &out, error_r) < 0)
		return -1;
	free(subject);
	free(out);
	return 0;
}

/* Plain text never ends a line in blanks: an indented template line whose
 * value is an empty line (a blank line inside a question) would, and
 * trailing blanks mean a soft line break to format=flowed readers. */
static void trim_line_ends(struct buf *b)
{
	size_t w = 0;

	for (size_t r = 0; r < b->len; r++) {
		if (b->data[r] == '\n' || b->data[r] == '\r')
			while (w > 0 && (b->data[w - 1] == ' ' || b->data[w - 1] == '\t'))
				w--;
		b->data[w++] = b->data[r];
	}
	b->len = w;
	if (b->data != NULL)
		b->data[w] = '\0';
}

/* ---- public functions -------------------------------------------------------- */

int render_templates_load(const char *dir, struct render_templates **templates_r,
			  struct error *error_r)
{
	struct render_templates *t = xcalloc(1, sizeof(*t));

	*templates_r = NULL;
	for (int i = 0; i < N_TEMPLATES; i++) {
		char *path = xasprintf("%s/%s", dir, template_files[i]), *data = NULL;
		size_t size = 0;
		int ret;

		if (util_read_file(path, TMPL_MAX_SOURCE, &data, &size) < 0) {
			if (errno == ENOENT)
				err_set(error_r, ERR_FATAL, "%s: template %s is missing", path,
					template_files[i]);
			else if (errno == EFBIG)
				err_set(error_r, ERR_FATAL, "%s: template larger than %d bytes",
					path, TMPL_MAX_SOURCE);
			else
				err_set(error_r, ERR_FATAL, "%s: %s", path, strerror(errno));
			free(path);
			render_templates_free(&t);
			return -1;
		}
		free(path);
		ret = tmpl_parse(template_files[i], data, size, &t->tmpl[i], error_r);
		free(data);
		if (ret < 0) {
			render_templates_free(&t);
			return -1;
		}
	}
	if (check_templates(t, error_r) < 0) {
		render_templates_free(&t);
		return -1;
	}
	*templates_r = t;
	return 0;
}

void render_templates_free(struct render_templates **templatesp)
{
	struct render_templates *t = *templatesp;

	if (t == NULL)
		return;
	for (int i = 0; i < N_TEMPLATES; i++)
		tmpl_free(&t->tmpl[i]);
	free(t);
	*templatesp = NULL;
}

static int render_document(const struct render_templates *templates, enum template_id text_id,
			   const struct render_context *ctx, const struct store_agenda *agenda,
			   enum render_format format, char **out_r, struct error *error_r)
{
	json_t *model;
	struct buf out = {0};
	int ret = 0;

	*out_r = NULL;
	model = render_agenda_model(ctx, agenda);
	if (format == RENDER_JSON) {
		char *json = json_dumps(model, JSON_INDENT(2));
		if (json == NULL)
			ret = err_set(error_r, ERR_FATAL, "render: cannot serialise the agenda");
		else
			buf_printf(&out, "%s\n", json);
		free(json);
	} else {
		const struct tmpl *tmpl =
		    templates->tmpl[format == RENDER_HTML ? text_id + 1 : text_id];
		ret = tmpl_render(tmpl, model, format == RENDER_HTML, &out, error_r);
		if (format == RENDER_TEXT)
			trim_line_ends(&out);
	}
	json_decref(model);
	if (ret < 0) {
		buf_free(&out);
		return -1;
	}
	*out_r = buf_steal(&out);
	return 0;
}

int render_agenda(const struct render_templates *templates, const struct render_context *ctx,
		  const struct store_agenda *agenda, enum render_format format, char **out_r,
		  struct error *error_r)
{
	return render_document(templates, T_AGENDA_TXT, ctx, agenda, format, out_r, error_r);
}

int render_minutes(const struct render_templates *templates, const struct render_context *ctx,
		   const struct store_agenda *agenda, enum render_format format, char **out_r,
		   struct error *error_r)
{
	return render_document(templates, T_MINUTES_TXT, ctx, agenda, format, out_r, error_r);
}

int render_ack(const struct render_templates *templates, const struct render_context *ctx,
	       const struct store_message *message, const struct store_question *questions,
	       size_t n_questions, char **subject_r, char **text_r, struct error *error_r)
{
	json_t *model = ack_model(ctx, message, questions, n_questions);
	struct buf out = {0};

	*subject_r = *text_r = NULL;
	if (tmpl_render(templates->tmpl[T_ACK_TXT], model, false, &out, error_r) < 0) {
		json_decref(model);
		buf_free(&out);
		return -1;
	}
	json_decref(model);
	trim_line_ends(&out);
	*subject_r = ack_subject(ctx, message->subject);
	*text_r = buf_steal(&out);
	return 0;
}

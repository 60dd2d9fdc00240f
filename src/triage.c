/* triage.c - what kind of mail this is and who sent it; see triage.h.
 *
 * The checks run from the surest to the weakest, and the first that fires
 * decides: bounces and delivery or read reports (RFC 3464, RFC 8098), then
 * machine-sent mail (RFC 3834 Auto-Submitted and the de-facto headers of
 * Exchange and others), mailing lists (RFC 2369, RFC 2919), calendar replies,
 * subjects that only robots write, the council's own mail, and last the
 * sender's association. A robot must never get a question on the agenda or
 * an acknowledgement (two auto-responders answering each other never stop),
 * so anything that looks automatic is held, with the evidence in the reason;
 * the secretary can still approve it by hand.
 *
 * Reasons are Swedish: the secretary reads them in the review list. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "agendad/triage.h"
#include "agendad/util.h"

/* header values quoted in a reason are cut to this many bytes */
#define REASON_VALUE_MAX 80

/* Case-insensitive matching with Unicode simple case mapping, so that
 * "FRÅNVAROMEDDELANDE" and "LÄST:" match: the text is lowercased once and
 * searched with strstr() for the (lowercase) patterns below. Input may be any
 * bytes; a byte that starts no valid sequence is copied as it is. */
static char *fold_dup(const char *s)
{
	size_t len = strlen(s), n = 0, i = 0;
	char *out = xmalloc(len * 2 + 1);

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;
		utf8proc_uint8_t enc[4];

		if (c < 0x80) {
			out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			out[n++] = (char)c;
			i++;
			continue;
		}
		utf8proc_ssize_t e = utf8proc_encode_char(utf8proc_tolower(cp), enc);
		if (e > 0 && e <= k + 1) {
			memcpy(out + n, enc, (size_t)e);
			n += (size_t)e;
		} else {
			memcpy(out + n, s + i, (size_t)k);
			n += (size_t)k;
		}
		i += (size_t)k;
	}
	out[n] = '\0';
	return out;
}

/* The length of the character at s, or 0 for a byte that starts no valid
 * sequence. */
static size_t u8_len(const char *s)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
					      (utf8proc_ssize_t)strnlen(s, 4), &cp);

	return n > 0 ? (size_t)n : 0;
}

static bool ci_contains(const char *h, const char *p)
{
	char *f = fold_dup(h);
	bool hit = strstr(f, p) != NULL;

	free(f);
	return hit;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Subject prefixes may come after "[Extern]" tags and "SV:"/"VB:" ones:
 * "SV: Läst: ..." is still a read receipt. subject is folded. */
static bool subject_starts(const char *subject, const char *const *list, const char **hit_r)
{
	const char *s = skip_space(subject);

	for (int round = 0; round < 4 && *s != '\0'; round++) {
		for (const char *const *p = list; *p != NULL; p++)
			if (strncmp(s, *p, strlen(*p)) == 0) {
				*hit_r = *p;
				return true;
			}
		if (*s == '[') {
			const char *end = strchr(s, ']');

			if (end == NULL)
				break;
			s = skip_space(end + 1);
			continue;
		}
		const char *colon = strchr(s, ':');
		if (colon == NULL || colon - s > 6)
			break;
		s = skip_space(colon + 1);
	}
	return false;
}

static bool subject_contains(const char *subject, const char *const *list, const char **hit_r)
{
	for (const char *const *p = list; *p != NULL; p++)
		if (strstr(subject, *p) != NULL) {
			*hit_r = *p;
			return true;
		}
	return false;
}

static const char *header(const struct mail_text *mail, const char *name)
{
	for (size_t i = 0; i < mail->n_headers; i++)
		if (mail->headers[i].name != NULL && str_eq_ci(mail->headers[i].name, name))
			return mail->headers[i].value != NULL ? mail->headers[i].value : "";
	return NULL;
}

/* Copies at most max bytes of src for a reason: control characters become
 * spaces, bytes that are no UTF-8 become U+FFFD, no character is split, "…"
 * marks a cut. */
static void shorten(char *dst, size_t size, const char *src, size_t max)
{
	size_t n = 0, i = 0;
	bool cut = false;

	if (max + 4 > size)
		max = size - 4;
	src = skip_space(src != NULL ? src : "");
	while (src[i] != '\0') {
		unsigned char c = (unsigned char)src[i];
		const char *piece = src + i;
		size_t len = 1, out = 1;

		if (c >= 0x80) {
			len = out = u8_len(src + i);
			if (len == 0) {
				piece = "\xEF\xBF\xBD";
				len = 1;
				out = 3;
			}
		} else if (c < 0x20 || c == 0x7f) {
			piece = " ";
		}
		if (n + out > max) {
			cut = true;
			break;
		}
		memcpy(dst + n, piece, out);
		n += out;
		i += len;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	if (cut) {
		memcpy(dst + n, "\xE2\x80\xA6", 3);
		n += 3;
	}
	dst[n] = '\0';
}

/* Cuts a string that snprintf truncated back to a whole character. */
static void fix_utf8_tail(char *s)
{
	size_t n = strlen(s), k = n, need;
	unsigned char c;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80 && n - k < 4)
		k--;
	if (k == 0)
		return;
	c = (unsigned char)s[k - 1];
	if (c < 0x80)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (n - (k - 1) < need)
		s[k - 1] = '\0';
}

static void set_reason(struct triage_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct triage_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	fix_utf8_tail(r->reason);
}

/* The first token of a header value ("auto-replied; owner=..."), lowercase. */
static void first_token(const char *value, char *out, size_t size)
{
	size_t n = 0;

	value = skip_space(value);
	while (*value != '\0' && *value != ';' && *value != ' ' && *value != '\t' &&
	       *value != ',' && n + 1 < size)
		out[n++] = *value++;
	out[n] = '\0';
	str_lower_ascii(out);
}

static bool is_null_path(const char *value)
{
	const char *s = skip_space(value);

	if (*s != '<')
		return false;
	s = skip_space(s + 1);
	return *s == '>';
}

/* The local part of a lowercased address, as a pointer into a copy. */
static bool local_part_is(const char *addr, const char *const *names, bool prefix)
{
	const char *at = strchr(addr, '@');
	size_t len = at != NULL ? (size_t)(at - addr) : strlen(addr);

	for (const char *const *n = names; *n != NULL; n++) {
		size_t m = strlen(*n);

		if ((prefix ? len >= m : len == m) && strncasecmp(addr, *n, m) == 0)
			return true;
	}
	return false;
}

/* A read receipt (RFC 8098: multipart/report; report-type=
 * disposition-notification, or Outlook's "Läst:" Subject): the mail was
 * delivered and opened, and the reader's client answered by itself. An
 * automatic reply, not a failed delivery: every tester of the unseen rounds
 * filed it so. */
static bool check_read_receipt(const struct mail_text *mail, const char *subject,
			       struct triage_result *r)
{
	static const char *const read_subjects[] = { "läst:", "read:", "ej läst:", "not read:",
						     "läskvitto", "read receipt",
						     "return receipt", "gelesen:", NULL };
	const char *ct = header(mail, "Content-Type");
	const char *hit;
	char value[REASON_VALUE_MAX + 4];

	if (ct != NULL && str_prefix_ci(skip_space(ct), "multipart/report") &&
	    ci_contains(ct, "disposition-notification")) {
		set_reason(r, "läskvitto (multipart/report; disposition-notification)");
		return true;
	}
	if (subject_starts(subject, read_subjects, &hit)) {
		shorten(value, sizeof(value), mail->subject, REASON_VALUE_MAX);
		set_reason(r, "läskvitto (Ämne: %s)", value);
		return true;
	}
	return false;
}

static bool check_bounce(const struct mail_text *mail, const char *subject,
			 struct triage_result *r)
{
	static const char *const daemons[] = { "mailer-daemon", "postmaster", "mail-daemon",
					       "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e",
					       NULL };
	static const char *const bounce_subjects[] = {
		"undeliverable", "olevererbart", "olevererbar", "ej levererbart",
		"kunde inte levereras", "unzustellbar", "nicht zustellbar", "returned mail",
		"mail delivery failed", "mail delivery failure", "undelivered mail",
		"delivery status notification", "delivery failure", "delivery has failed",
		"failure notice", "message not delivered", "leveransfel", "leveransrapport",
		"delivery notification", "delivered:", "levererat:", "relayed:", NULL
	};
	const char *ct = header(mail, "Content-Type");
	const char *hit;
	char value[REASON_VALUE_MAX + 4];

	if ((mail->content_type != NULL && str_eq_ci(mail->content_type, "multipart/report")) ||
	    (ct != NULL && str_prefix_ci(skip_space(ct), "multipart/report"))) {
		if (mail->bounced_to != NULL && mail->bounce_delayed)
			set_reason(r, "försenad leverans till %s (multipart/report; delayed)",
				   mail->bounced_to);
		else if (mail->bounced_to != NULL)
			set_reason(r, "studsat meddelande till %s (multipart/report)",
				   mail->bounced_to);
		else
			set_reason(r, "studsat meddelande (multipart/report)");
		return true;
	}
	if (mail->from_addr != NULL && local_part_is(mail->from_addr, daemons, false)) {
		shorten(value, sizeof(value), mail->from_addr, REASON_VALUE_MAX);
		set_reason(r, "studsat meddelande (From: %s)", value);
		return true;
	}
	if (subject_starts(subject, bounce_subjects, &hit) ||
	    subject_contains(subject, (const char *const[]){ "delivery status notification",
							     "undelivered mail returned",
							     "mail delivery failed", NULL },
			     &hit)) {
		shorten(value, sizeof(value), mail->subject, REASON_VALUE_MAX);
		set_reason(r, "studsat meddelande (Ämne: %s)", value);
		return true;
	}
	return false;
}

/* A null sender (Return-Path: <>) with nothing else to say what the mail
 * is: a bounce. Asked after the auto-reply tests, since an out-of-office
 * reply is sent from the null sender too (RFC 3834 3.3) and says so in
 * its headers or Subject. */
static bool check_null_sender(const struct mail_text *mail, struct triage_result *r)
{
	const char *rp = header(mail, "Return-Path");

	if (rp == NULL || !is_null_path(rp))
		return false;
	set_reason(r, "studsat meddelande (Return-Path: <>)");
	return true;
}

/* RFC 3834 and the headers Exchange, Gmail and list servers set. */
static bool check_automatic(const struct mail_text *mail, struct triage_result *r)
{
	static const char *const autoreply_headers[] = { "X-Autoreply", "X-Autorespond",
							 "X-Autoresponder", "X-Autogenerated",
							 NULL };
	static const char *const list_headers[] = { "List-Id", "List-Unsubscribe", "List-Post",
						    NULL };
	const char *v;
	char token[64], value[REASON_VALUE_MAX + 4];

	if ((v = header(mail, "Auto-Submitted")) != NULL) {
		first_token(v, token, sizeof(token));
		if (token[0] != '\0' && strcmp(token, "no") != 0) {
			shorten(value, sizeof(value), v, REASON_VALUE_MAX);
			set_reason(r, "automatiskt svar (Auto-Submitted: %s)", value);
			return true;
		}
	}
	for (const char *const *h = autoreply_headers; *h != NULL; h++) {
		if ((v = header(mail, *h)) == NULL)
			continue;
		first_token(v, token, sizeof(token));
		if (strcmp(token, "no") == 0 || strcmp(token, "false") == 0 || strcmp(token, "0") == 0)
			continue;
		shorten(value, sizeof(value), v, REASON_VALUE_MAX);
		set_reason(r, "automatiskt svar (%s: %s)", *h, value);
		return true;
	}
	/* iCloud's vacation reply keeps the Subject and sets no Auto-Submitted */
	if ((v = header(mail, "X-Apple-Action")) != NULL && ci_contains(v, "vacation")) {
		shorten(value, sizeof(value), v, REASON_VALUE_MAX);
		set_reason(r, "frånvaromeddelande (X-Apple-Action: %s)", value);
		return true;
	}
	if ((v = header(mail, "X-Auto-Response-Suppress")) != NULL) {
		/* "DR, RN, NRN, OOF, AutoReply": Exchange marks its own robots */
		const char *s = v;

		while (*s != '\0') {
			first_token(s, token, sizeof(token));
			if (strcmp(token, "all") == 0 || strcmp(token, "oof") == 0 ||
			    strcmp(token, "autoreply") == 0) {
				shorten(value, sizeof(value), v, REASON_VALUE_MAX);
				set_reason(r, "automatiskt svar (X-Auto-Response-Suppress: %s)", value);
				return true;
			}
			s = skip_space(s);
			while (*s != '\0' && *s != ',' && *s != ' ' && *s != ';')
				s++;
			while (*s == ',' || *s == ' ' || *s == ';' || *s == '\t')
				s++;
		}
	}
	if ((v = header(mail, "Precedence")) != NULL) {
		first_token(v, token, sizeof(token));
		const char *what = strcmp(token, "bulk") == 0	      ? "massutskick"
				   : strcmp(token, "list") == 0	      ? "e-postlista"
				   : strcmp(token, "junk") == 0	      ? "skräppost"
				   : strcmp(token, "auto_reply") == 0 ? "automatiskt svar"
								      : NULL;
		if (what != NULL) {
			set_reason(r, "%s (Precedence: %s)", what, token);
			return true;
		}
	}
	for (const char *const *h = list_headers; *h != NULL; h++) {
		if ((v = header(mail, *h)) == NULL)
			continue;
		shorten(value, sizeof(value), v, REASON_VALUE_MAX);
		set_reason(r, "e-postlista (%s: %s)", *h, value);
		return true;
	}
	return false;
}

static bool line_in_body(const char *body, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = body; s != NULL && *s != '\0';) {
		if (strncasecmp(s, line, n) == 0 && (s[n] == '\0' || s[n] == '\r' || s[n] == '\n'))
			return true;
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	return false;
}

static bool check_calendar(const struct mail_text *mail, const char *subject,
			   struct triage_result *r)
{
	static const char *const replies[] = {
		"accepterat:", "accepted:", "tackat nej:", "avböjt:", "avböjd:", "declined:",
		"preliminärt accepterat:", "preliminärt:", "tentative:", "tentatively accepted:",
		"nytt tidsförslag:", "new time proposed:", "angenommen:", "abgelehnt:",
		"mit vorbehalt angenommen:", "godkänd:", "godkänt:", "accepterad:",
		"preliminärt godkänd:", "preliminär:", "nekad:", "avvisad:", NULL
	};
	const char *ct = header(mail, "Content-Type");
	const char *hit;
	char value[REASON_VALUE_MAX + 4];

	if ((ct != NULL && ci_contains(ct, "method=reply")) ||
	    (ct != NULL && ci_contains(ct, "method=\"reply\"")) ||
	    (mail->body != NULL && line_in_body(mail->body, "METHOD:REPLY"))) {
		set_reason(r, "kalendersvar (METHOD:REPLY)");
		return true;
	}
	/* Outlook: multipart/alternative of the text and a text/calendar part */
	if (mail->calendar_method != NULL && strcmp(mail->calendar_method, "REPLY") == 0) {
		set_reason(r, "kalendersvar (text/calendar; method=REPLY)");
		return true;
	}
	if (subject_starts(subject, replies, &hit)) {
		shorten(value, sizeof(value), mail->subject, REASON_VALUE_MAX);
		set_reason(r, "kalendersvar (Ämne: %s)", value);
		return true;
	}
	return false;
}

/* A person's question typed into a calendar answer (Outlook's "Godkänt:"
 * with a comment): a '?' in what extraction kept of the text. The answer
 * alone has none; its Subject, kept as a question when nothing else is,
 * is the meeting's name. */
static bool has_typed_question(const struct extraction *extraction)
{
	for (size_t i = 0; extraction != NULL && i < extraction->n_questions; i++)
		if (strchr(extraction->questions[i].text, '?') != NULL)
			return true;
	return false;
}

static bool check_autoreply_subject(const struct mail_text *mail, const char *subject,
				    struct triage_result *r)
{
	static const char *const robots[] = {
		"frånvaromeddelande", "automatiskt svar", "automatiskt meddelande", "autosvar",
		"automatisk svar", "out of office", "out of the office", "automatic reply",
		"auto reply", "auto-reply", "autoreply", "abwesenheitsnotiz", "automatische antwort",
		"fraværsmelding", "autosvar:", NULL
	};
	const char *hit;
	char value[REASON_VALUE_MAX + 4];

	if (!subject_contains(subject, robots, &hit))
		return false;
	shorten(value, sizeof(value), mail->subject, REASON_VALUE_MAX);
	set_reason(r, "%s (Ämne: %s)",
		   strstr(hit, "frånvaro") != NULL || strstr(hit, "office") != NULL ||
				   strstr(hit, "abwesenheit") != NULL || strstr(hit, "fravær") != NULL
			   ? "frånvaromeddelande"
			   : "automatiskt svar",
		   value);
	return true;
}

static bool is_own_address(const struct triage_input *input, const char *addr)
{
	if (addr == NULL || input == NULL)
		return false;
	for (size_t i = 0; i < input->n_own_addresses; i++)
		if (input->own_addresses[i] != NULL && str_eq_ci(input->own_addresses[i], addr))
			return true;
	return false;
}

/* RFC 3834 section 2: never answer an address that is itself a robot's. */
static bool answerable_address(const char *addr)
{
	static const char *const robots[] = { "noreply", "no-reply", "no_reply", "donotreply",
					      "do-not-reply", "do_not_reply", "owner-",
					      "mailer-daemon", "postmaster", "bounce", NULL };
	const char *at;
	size_t local;

	if (addr == NULL || (at = strchr(addr, '@')) == NULL || at == addr || at[1] == '\0')
		return false;
	local = (size_t)(at - addr);
	if (local_part_is(addr, robots, true))
		return false;
	if (local >= 8 && strncasecmp(at - 8, "-request", 8) == 0)
		return false;
	return true;
}

/* Addresses in a header value ("Namn <a@b.se>, c@d.se"): calls back with each
 * until one matches. */
static const struct config_association *
find_in_header(const struct triage_input *input, const char *value, char *addr_r, size_t size)
{
	const char *s = value;

	while ((s = strchr(s, '@')) != NULL) {
		const char *start = s, *end = s + 1;
		char addr[320];

		while (start > value && start[-1] != '<' && start[-1] != ' ' && start[-1] != ',' &&
		       start[-1] != '"' && start[-1] != '\t' && start[-1] != ':' && start[-1] != '(')
			start--;
		while (*end != '\0' && *end != '>' && *end != ' ' && *end != ',' && *end != '"' &&
		       *end != ';' && *end != ')' && *end != '\t')
			end++;
		s = end;
		if ((size_t)(end - start) >= sizeof(addr))
			continue;
		memcpy(addr, start, (size_t)(end - start));
		addr[end - start] = '\0';
		str_lower_ascii(addr);
		const struct config_association *a =
			triage_find_association(input->associations, input->n_associations, addr);
		if (a != NULL) {
			snprintf(addr_r, size, "%s", addr);
			return a;
		}
	}
	return NULL;
}

void triage_message(const struct mail_text *mail, const struct extraction *extraction,
		    const struct triage_input *input, struct triage_result *result_r)
{
	static const struct triage_input no_input = { 0 };
	struct triage_result *r = result_r;
	const char *from = mail != NULL ? mail->from_addr : NULL;
	const char *forwarded = extraction != NULL ? extraction->forwarded_from : NULL;
	const struct config_association *a = NULL;
	char value[REASON_VALUE_MAX + 4], other[REASON_VALUE_MAX + 4], addr[320];
	const char *via = NULL;
	char *subject;

	memset(r, 0, sizeof(*r));
	r->verdict = TRIAGE_UNKNOWN_SENDER;
	if (input == NULL)
		input = &no_input;
	if (mail == NULL) {
		set_reason(r, "okänd avsändare: inget meddelande");
		return;
	}
	if (from != NULL && from[0] == '\0')
		from = NULL;

	subject = fold_dup(mail->subject != NULL ? mail->subject : "");
	if (check_read_receipt(mail, subject, r))
		r->verdict = TRIAGE_AUTO_REPLY;
	else if (check_bounce(mail, subject, r))
		r->verdict = TRIAGE_BOUNCE;
	else if (check_automatic(mail, r) ||
		 (!has_typed_question(extraction) && check_calendar(mail, subject, r)) ||
		 check_autoreply_subject(mail, subject, r))
		r->verdict = TRIAGE_AUTO_REPLY;
	else if (check_null_sender(mail, r))
		r->verdict = TRIAGE_BOUNCE;
	free(subject);
	if (r->verdict == TRIAGE_BOUNCE || r->verdict == TRIAGE_AUTO_REPLY)
		return;
	if (is_own_address(input, from)) {
		/* The secretary forwarding an association's mail is a question
		 * from that association; anything else from our own addresses
		 * is our own mail coming back. A forward from someone unknown
		 * is a person's doing, so it is held for review, not filed as
		 * a robot's. */
		shorten(value, sizeof(value), from, REASON_VALUE_MAX);
		if (forwarded != NULL) {
			shorten(other, sizeof(other), forwarded, REASON_VALUE_MAX);
			a = triage_find_association(input->associations, input->n_associations,
						    forwarded);
			if (a != NULL) {
				r->verdict = TRIAGE_QUESTION;
				r->association = a;
				set_reason(r, "fråga från %s (%s), vidarebefordrad av %s", a->name,
					   other, value);
				return;
			}
			r->verdict = TRIAGE_UNKNOWN_SENDER;
			set_reason(r, "okänd avsändare: %s (vidarebefordrad av %s)", other,
				   value);
			return;
		}
		r->verdict = TRIAGE_AUTO_REPLY;
		set_reason(r, "eget meddelande (från %s)", value);
		return;
	}

	if (from != NULL)
		a = triage_find_association(input->associations, input->n_associations, from);
	if (a == NULL) {
		const char *names[] = { "Reply-To", "Sender" };

		for (size_t i = 0; i < 2 && a == NULL; i++) {
			const char *v = header(mail, names[i]);

			if (v != NULL && (a = find_in_header(input, v, addr, sizeof(addr))) != NULL)
				via = names[i];
		}
	}
	if (a == NULL) {
		if (from != NULL) {
			shorten(value, sizeof(value), from, REASON_VALUE_MAX);
			set_reason(r, "okänd avsändare: %s", value);
		} else {
			set_reason(r, "okänd avsändare: ingen avsändaradress");
		}
		return;
	}
	r->verdict = TRIAGE_QUESTION;
	r->association = a;
	r->may_acknowledge = answerable_address(from);
	shorten(value, sizeof(value), via != NULL ? addr : from, REASON_VALUE_MAX);
	if (via != NULL)
		set_reason(r, "fråga från %s (%s: %s)", a->name, via, value);
	else
		set_reason(r, "fråga från %s (%s)", a->name, value);
}

const char *triage_status(enum triage_verdict verdict)
{
	switch (verdict) {
	case TRIAGE_QUESTION:
		return "processed";
	case TRIAGE_UNKNOWN_SENDER:
		return "unknown-sender";
	case TRIAGE_AUTO_REPLY:
		return "auto-reply";
	case TRIAGE_BOUNCE:
		return "bounce";
	}
	return "unknown-sender";
}

/* Exact address first. Then domains: "@fub.se" covers fub.se and its
 * subdomains (mail.fub.se), because associations' mail often leaves through a
 * host name; the entry naming the longest domain wins, and an exact domain
 * beats a parent one. */
const struct config_association *triage_find_association(const struct config_association *list,
							  size_t n, const char *addr)
{
	const struct config_association *best = NULL;
	char a[320];
	const char *domain;
	size_t len, best_score = 0, dlen;

	if (list == NULL || addr == NULL)
		return NULL;
	addr = skip_space(addr);
	if (*addr == '<')
		addr++;
	len = strlen(addr);
	while (len > 0 && (addr[len - 1] == '>' || addr[len - 1] == ' ' || addr[len - 1] == '.'))
		len--;
	if (len == 0 || len >= sizeof(a))
		return NULL;
	memcpy(a, addr, len);
	a[len] = '\0';
	str_lower_ascii(a);
	domain = strrchr(a, '@');
	if (domain == NULL || domain == a || domain[1] == '\0')
		return NULL;
	domain++;
	dlen = strlen(domain);

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < list[i].n_addresses; k++) {
			const char *e = list[i].addresses[k];

			if (e != NULL && e[0] != '@' && strchr(e, '@') != NULL && str_eq_ci(e, a))
				return &list[i];
		}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < list[i].n_addresses; k++) {
			const char *e = list[i].addresses[k];
			size_t el, score = 0;

			if (e == NULL || (e[0] != '@' && strchr(e, '@') != NULL))
				continue;
			if (e[0] == '@')
				e++;
			el = strlen(e);
			if (el == 0)
				continue;
			if (el == dlen && strcasecmp(e, domain) == 0)
				score = 2 * el + 1;
			else if (dlen > el && domain[dlen - el - 1] == '.' &&
				 strcasecmp(domain + dlen - el, e) == 0)
				score = 2 * el;
			if (score > best_score) {
				best_score = score;
				best = &list[i];
			}
		}
	return best;
}

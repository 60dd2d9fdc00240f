/* mime.h - decode a raw RFC 5322 / MIME message into UTF-8 text.
 *
 * Pure stage: bytes in, struct out, no I/O, no globals. Header values are
 * unfolded and RFC 2047-decoded to UTF-8; the body is the best text part
 * (text/plain unless it is an empty stub, else HTML turned into text),
 * charset-converted to UTF-8 with LF line endings. Forwarded message/rfc822
 * parts are appended to the body as an inline forward block:
 *
 *     ---------- Vidarebefordrat meddelande ----------
 *     Från: Name <addr>
 *     Datum: ...
 *     Ämne: ...
 *
 *     body...
 *
 * so that extraction handles attached and inline forwards alike. Attachments
 * are listed, never read as text. */
#ifndef AGENDAD_MIME_H
#define AGENDAD_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "agendad/config.h"
#include "agendad/err.h"

struct mime_limits {
	size_t max_message_bytes;
	int max_depth; /* multipart nesting */
	int max_parts;
	size_t max_line_length; /* longer lines are split, not refused */
};

struct mail_header {
	char *name; /* as in the message, e.g. "Auto-Submitted" */
	char *value; /* unfolded, RFC 2047-decoded UTF-8 */
};

struct mail_attachment {
	char *filename; /* UTF-8 (RFC 2231 / RFC 2047 decoded), or NULL */
	char *content_type; /* lowercase "application/pdf" */
	size_t size; /* decoded bytes */
};

struct mail_text {
	/* every top-level header, in order */
	struct mail_header *headers;
	size_t n_headers;

	char *message_id; /* without angle brackets, or NULL */
	char *from_addr; /* lowercased addr-spec of From, or NULL */
	char *from_name; /* display name of From, or NULL */
	char *subject; /* decoded; "" when absent */
	time_t date; /* Date header as UTC; 0 when absent or unparseable */
	char *content_type; /* top-level type/subtype, lowercase */

	char *body; /* UTF-8, LF line endings, never NULL */
	bool body_from_html; /* the body was converted from text/html */

	/* files worth listing: no signature, business card or calendar part */
	struct mail_attachment *attachments;
	size_t n_attachments;
	/* the method of the mail's first text/calendar part ("REQUEST" for an
	 * invitation, "REPLY" for an answer to one), uppercase; NULL when it
	 * has none. The part itself is neither body text nor an attachment. */
	char *calendar_method;
	/* the first Final-Recipient of a delivery report part (RFC 3464), the
	 * address a bounce is about, lowercased; NULL when it has none */
	char *bounced_to;
	/* the delivery report only warns that delivery is delayed (every
	 * Action: delayed), it does not say it failed */
	bool bounce_delayed;
};

/* The limits of [limits] in agendad.conf. */
struct mime_limits mime_limits_of(const struct config_limits *limits);

/* Decodes raw. Returns 0 and a mail_text the caller owns, or -1 with
 * ERR_MESSAGE and a reason in Swedish fit to show the secretary ("MIME-
 * strukturen är djupare än 10 nivåer", "meddelandet är tomt") when the
 * message is over a limit or empty. A message that is merely odd (bad charset
 * label, broken base64, no text part: body "") decodes as well as it can and
 * does not fail. limits NULL means the defaults of config.c. */
int mime_decode(const void *raw, size_t size, const struct mime_limits *limits,
		struct mail_text **mail_r, struct error *error_r);
void mime_free(struct mail_text **mail);

/* The decoded value of the first header called name (case-insensitive), or
 * NULL. Borrowed from mail. */
const char *mime_header(const struct mail_text *mail, const char *name);

/* Decodes RFC 2047 encoded words in a header value to UTF-8 (also repairing
 * raw 8-bit headers that are not UTF-8). The caller frees the result. */
char *mime_decode_header(const char *value);

#endif

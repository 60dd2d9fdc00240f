/* outbox.h - outgoing mail: composing RFC 5322 / MIME messages and the state
 * machine of a mail in the outbox (queued -> sending -> sent | failed). The
 * invariants and the state diagram are at the top of outbox.c. */
#ifndef AGENDAD_OUTBOX_H
#define AGENDAD_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "agendad/err.h"
#include "agendad/store.h"
#include "agendad/util.h"

struct outbox_attachment {
	const char *filename; /* UTF-8; encoded per RFC 2231 */
	const char *content_type; /* "application/vnd.openxmlformats-..." */
	const void *data;
	size_t size;
};

/* A mail to compose; every string is borrowed and UTF-8. No CR or LF from
 * any field ever reaches a header: header fields are folded and encoded by
 * outbox_compose(), and control characters are dropped. */
struct outbox_mail {
	const char *from_addr;
	const char *from_name; /* or NULL */
	const char *to_addr;
	const char *to_name; /* or NULL */
	const char *subject;
	const char *in_reply_to; /* Message-ID without <>, or NULL */
	const char *references; /* space-separated Message-IDs without <>, or NULL */
	/* "auto-replied" for acknowledgements, "auto-generated" for drafts
	 * (RFC 3834), or NULL */
	const char *auto_submitted;
	const char *text; /* text/plain body */
	const char *html; /* optional text/html alternative */
	const struct outbox_attachment *attachments;
	size_t n_attachments;
};

/* A new globally unique Message-ID (without <>) in the domain of from_addr.
 * The caller frees it. */
char *outbox_new_message_id(const char *from_addr);

/* Builds the message: CRLF line endings, lines under 998 octets
 * (quoted-printable bodies), Date, Message-ID, MIME-Version, RFC 2047
 * subject and display names. The caller owns out (appended to). */
int outbox_compose(const struct outbox_mail *mail, const char *message_id, time_t date,
		   struct buf *out, struct error *error_r);

/* How one delivery attempt ended. */
enum outbox_result {
	OUTBOX_SENT = 0, /* the server accepted it */
	OUTBOX_TEMPFAIL, /* connection failure or 4xx: try again later */
	OUTBOX_PERMFAIL, /* 5xx: give up, show the secretary */
};

/* At start-up: rows left in "sending" by a crash go back to "queued" (the
 * SMTP transaction did not finish as far as we know; see outbox.c rule 4). */
int outbox_recover(struct store *store, int *n_r, struct error *error_r);
/* Commit point: queued -> sending, before the SMTP transaction starts. */
int outbox_claim(struct store *store, const struct store_outbox_row *row,
		 struct error *error_r);
/* Commit point: sending -> sent, -> queued with backoff, or -> failed. */
int outbox_settle(struct store *store, const struct store_outbox_row *row,
		  enum outbox_result result, const char *server_reply, time_t now,
		  struct error *error_r);
/* The delay before attempt number attempts+1 (exponential, capped, jittered). */
int outbox_backoff(int attempts);

#endif

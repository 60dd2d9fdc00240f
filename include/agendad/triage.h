/* triage.h - decide what kind of mail this is and who sent it.
 *
 * Pure stage. Auto-replies, bounces and delivery reports, mailing-list mail
 * and calendar replies are recognised (RFC 3834, RFC 3464) and never become
 * questions or get an acknowledgement; the sender is matched against the
 * configured associations (case-insensitive, addresses and @domains); an
 * unknown sender is held for the secretary, never dropped. */
#ifndef AGENDAD_TRIAGE_H
#define AGENDAD_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "agendad/config.h"
#include "agendad/extract.h"
#include "agendad/mime.h"

enum triage_verdict {
	TRIAGE_QUESTION = 0, /* from a configured association */
	TRIAGE_UNKNOWN_SENDER, /* held for the secretary */
	TRIAGE_AUTO_REPLY, /* also mailing lists, calendar replies, our own mail */
	TRIAGE_BOUNCE, /* also delivery and read reports */
};

struct triage_input {
	const struct config_association *associations;
	size_t n_associations;
	/* the council's own addresses (IMAP user, SMTP from, secretary): mail
	 * from them is never acknowledged */
	const char *const *own_addresses;
	size_t n_own_addresses;
};

struct triage_result {
	enum triage_verdict verdict;
	const struct config_association *association; /* borrowed; NULL unless known */
	/* why, in Swedish, naming the evidence: the secretary reads it in the
	 * review list ("automatiskt svar (Auto-Submitted: auto-replied)",
	 * "okänd avsändare: anna@example.com"); valid UTF-8, never cut mid-character */
	char reason[256];
	/* RFC 3834: may we send an automatic reply to this mail at all; only ever
	 * true for TRIAGE_QUESTION from a real, non-robot From address */
	bool may_acknowledge;
};

/* Mail from one of own_addresses is TRIAGE_AUTO_REPLY, except a forward
 * (extraction->forwarded_from): from an association's address it is that
 * association's question, from anyone else it is held as an unknown sender.
 * Otherwise From decides (Reply-To, then Sender, as a fallback); a forwarded
 * member's address never overrides it. extraction may be NULL. */
void triage_message(const struct mail_text *mail, const struct extraction *extraction,
		    const struct triage_input *input, struct triage_result *result_r);

/* The message status of DESIGN.md for a verdict: "processed", "unknown-sender",
 * "auto-reply", "bounce". */
const char *triage_status(enum triage_verdict verdict);

/* The association whose addresses match addr (case-insensitive; an exact
 * address wins over an @domain entry), or NULL. "@fub.se" also covers
 * subdomains such as mail.fub.se; the longest matching domain wins. */
const struct config_association *triage_find_association(const struct config_association *list,
							  size_t n, const char *addr);

#endif

/* smtp.h - deliver one composed mail with libcurl: STARTTLS or SMTPS, AUTH
 * (password or XOAUTH2), certificate verification always on. */
#ifndef AGENDAD_SMTP_H
#define AGENDAD_SMTP_H

#include <stddef.h>

#include "agendad/config.h"
#include "agendad/err.h"
#include "agendad/outbox.h"

struct smtp_credentials {
	const char *username; /* NULL: no AUTH */
	const char *password;
	const char *access_token; /* auth = xoauth2 */
};

/* reply_r starts with this when the server refused the credentials: with
 * auth = xoauth2 the caller forces a new token (oauth2_token(..., true))
 * before the next attempt. The mail itself is kept (OUTBOX_TEMPFAIL). */
#define SMTP_REPLY_AUTH_FAILED "authentication failed"
/* reply_r starts with this when the server refused MAIL FROM with 5xx: the
 * mail fails (OUTBOX_PERMFAIL), and the rest of the queue, sent from the same
 * address, is held back until the next cycle. */
#define SMTP_REPLY_SENDER_REFUSED \
	"sender refused (check [smtp] from and the account's right to send as it)"

/* Sends raw (CRLF, dot-stuffing is libcurl's) from mail_from to rcpt.
 * Returns the outcome; reply_r (256 bytes) gets the server's last reply or the
 * connection error, with no secrets in it. */
enum outbox_result smtp_send(const struct config_smtp *cfg, const struct smtp_credentials *cred,
			     const char *mail_from, const char *rcpt, const void *raw,
			     size_t size, char reply_r[256]);

/* Once util_stopping(), a mail in transfer gets SMTP_STOP_GRACE_S more
 * seconds to finish, then the transfer is given up (OUTBOX_TEMPFAIL, reply
 * "interrupted, agendad is stopping"; the mail is sent at the next start)
 * instead of waiting out a stalled server's timeouts. */
#define SMTP_STOP_GRACE_S 10

#endif

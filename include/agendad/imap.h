/* imap.h - the IMAP client (libetpan): connect with TLS and verify the server
 * certificate ourselves (libetpan does not), log in, list and fetch new
 * messages in batches, mark imported messages, wait for new mail with IDLE.
 *
 * Stage 1 of the data flow: it hands raw bytes to the store and knows nothing
 * of what they mean. Every function returns 0 or -1 with error_r set;
 * ERR_TEMP for anything a reconnect may cure (including a server that sends
 * an over-long line or literal, or too much in answer to one command: the
 * connection is dropped), ERR_FATAL for configuration problems (bad URL,
 * certificate that does not verify, login refused). */
#ifndef AGENDAD_IMAP_H
#define AGENDAD_IMAP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agendad/config.h"
#include "agendad/err.h"

struct imap_session;

/* What to log in with: a password, or an OAuth 2.0 access token (XOAUTH2). */
struct imap_credentials {
	const char *username;
	const char *password; /* auth = password */
	const char *access_token; /* auth = xoauth2 */
};

/* One message on the server, before its body is fetched. */
struct imap_entry {
	uint32_t uid;
	uint32_t size; /* RFC822.SIZE */
	time_t internaldate; /* the server's arrival time, UTC */
};

/* A fetched message; raw is borrowed for the duration of the callback. */
struct imap_message {
	uint32_t uid;
	time_t internaldate;
	const unsigned char *raw;
	size_t size;
	bool header_only; /* only the header was fetched (the message was over the size limit) */
};

/* Connects, checks the certificate against cfg->ca_file (or the system store)
 * and the host name before any credential is sent, and logs in. */
int imap_open(const struct config_imap *cfg, const struct imap_credentials *cred,
	      struct imap_session **session_r, struct error *error_r);
void imap_close(struct imap_session **session);

/* Selects mailbox (read-write). */
int imap_select(struct imap_session *session, const char *mailbox, uint32_t *uidvalidity_r,
		struct error *error_r);

/* Lists the messages with UID greater than after_uid, in UID order, at most
 * max_entries of them (the rest come on the next call). The caller frees
 * *entries_r. */
int imap_list_new(struct imap_session *session, uint32_t after_uid, size_t max_entries,
		  struct imap_entry **entries_r, size_t *n_r, struct error *error_r);

/* Called once per fetched message, in UID order. Return 0 to go on, -1 (with
 * error_r set) to stop the fetch. */
typedef int imap_message_cb(void *ctx, const struct imap_message *message,
			    struct error *error_r);

/* Fetches BODY.PEEK[] (or BODY.PEEK[HEADER] for uids listed in header_only)
 * of the given uids with as few UID FETCH commands as it can. expected_bytes
 * is the sum of the RFC822.SIZEs (imap_entry.size) of uids, those in
 * header_only not counted: a server that sends much more than that (twice
 * it, with room for headers and protocol) is cut off with ERR_TEMP, so that
 * memory stays bounded whatever it sends. */
int imap_fetch(struct imap_session *session, const uint32_t *uids, size_t n_uids,
	       const uint32_t *header_only, size_t n_header_only, size_t expected_bytes,
	       imap_message_cb *cb, void *ctx, struct error *error_r);

/* Marks imported messages: moves them to processed_mailbox when it is set
 * (MOVE, or COPY + \Deleted + UID EXPUNGE), else sets \Seen. Must only be
 * called after the store has committed them. */
int imap_mark_imported(struct imap_session *session, const uint32_t *uids, size_t n_uids,
		       const char *processed_mailbox, struct error *error_r);

bool imap_has_idle(const struct imap_session *session);

/* Once util_stopping(), a command waiting for the server fails at once
 * ("interrupted") instead of after the I/O timeout of a stalled server. */

/* Waits in IDLE (or sleeps, when the server lacks it) until the mailbox
 * changes, timeout_s passes, or *stop becomes non-zero. *changed_r tells
 * whether the server reported new mail. */
int imap_wait(struct imap_session *session, int timeout_s, volatile sig_atomic_t *stop,
	      bool *changed_r, struct error *error_r);

#endif

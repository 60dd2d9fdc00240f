/* store.h - the SQLite database: raw messages, questions, agenda items,
 * meetings, the outbox, training examples and daemon state.
 *
 * Stage 2 of the data flow and the one module that speaks SQL (prepared
 * statements only). The invariants and the state diagram of a message are
 * written at the top of store.c; every function below that changes state is
 * one transaction (one commit point) unless it says otherwise.
 *
 * Records returned by the store are owned by the caller and freed with the
 * matching *_free() function; string members may be NULL where noted. */
#ifndef AGENDAD_STORE_H
#define AGENDAD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agendad/err.h"

struct store;

/* PRAGMA user_version of a database this program made or migrated. */
#define STORE_SCHEMA_VERSION 5

/* ---- opening ------------------------------------------------------------ */

/* Every ERR_FATAL and ERR_TEMP from this module names the database: its text
 * starts with "database ". A main tells a database error (exit 74) from a
 * configuration error (78) with store_error(). */
bool store_error(const struct error *error);

/* Opens (creating with mode 0600 if needed) and migrates the database to the
 * current schema (PRAGMA user_version). WAL mode, foreign keys on. ERR_FATAL
 * for a database that is corrupt or newer than this program, ERR_TEMP when it
 * is locked. */
int store_open(const char *path, struct store **store_r, struct error *error_r);
void store_close(struct store **store);

/* Test-only fault injection: when the environment variable
 * AGENDAD_CRASH_AFTER_COMMIT=N is set, the process _exit()s right after its
 * Nth commit point (counted across every store in the process). */
int store_commit_count(const struct store *store);

/* Free space the disk of the database must have before a mail is handed to
 * the SMTP server: recording that it was sent must not fail for want of
 * space, or it would be sent again (outbox.c rule 4). */
#define STORE_WRITE_RESERVE (1024u * 1024u)
/* ERR_TEMP ("database ...") when the database's file system has less than
 * STORE_WRITE_RESERVE bytes free for this user; 0 when it has more or the
 * space cannot be read. */
int store_check_reserve(struct store *store, struct error *error_r);

/* ---- intake: the IMAP watermark and raw messages ------------------------- */

struct store_mailbox_state {
	uint32_t uidvalidity;
	uint32_t last_uid; /* every UID <= last_uid of this uidvalidity is stored */
};

/* *found_r is false for a mailbox never fetched. */
int store_mailbox_state(struct store *store, const char *mailbox,
			struct store_mailbox_state *state_r, bool *found_r, struct error *error_r);

/* A message as fetched; borrowed by store_import_batch(). */
struct store_incoming {
	uint32_t uid;
	time_t internaldate;
	const void *raw;
	size_t size;
	/* over max_message_bytes: raw holds only the header, and the message is
	 * kept as unparseable with reason */
	bool truncated;
	size_t full_size;
};

/* Commit point. Stores every message of the batch and moves the mailbox
 * watermark to last_uid, in one transaction. A message already stored (same
 * mailbox, uidvalidity and uid; or, after a UIDVALIDITY change, the same
 * Message-ID or the same raw bytes) is not stored again: its server location
 * is updated instead so that it is marked again. *n_new_r counts new rows. */
int store_import_batch(struct store *store, const char *mailbox, uint32_t uidvalidity,
		       const struct store_incoming *messages, size_t n_messages,
		       uint32_t last_uid, size_t *n_new_r, struct error *error_r);

/* UIDs stored but not yet marked (flagged or moved) on the server. The caller
 * frees *uids_r. */
int store_unmarked(struct store *store, const char *mailbox, uint32_t uidvalidity,
		   uint32_t **uids_r, size_t *n_r, struct error *error_r);
/* Commit point: the server has flagged or moved these. */
int store_set_marked(struct store *store, const char *mailbox, uint32_t uidvalidity,
		     const uint32_t *uids, size_t n_uids, struct error *error_r);

/* ---- messages ------------------------------------------------------------ */

struct store_message {
	int64_t id;
	char *message_id; /* Message-ID without <>, or NULL */
	char *mailbox;
	uint32_t uidvalidity;
	uint32_t uid;
	time_t received; /* IMAP INTERNALDATE (the Date header when there is none) */
	char *from_addr; /* NULL until processed */
	char *from_name;
	char *subject;
	/* new | processed | unknown-sender | auto-reply | bounce | unparseable | duplicate */
	char *status;
	char *reason; /* why, or NULL */
	char *association; /* NULL unless known */
	char *forced_association; /* set by agendactl approve */
	int n_questions;
	bool truncated;
	size_t size;
	/* what the writer said for the secretary rather than the agenda
	 * (struct extraction's notes), or NULL; cleared with the sender when
	 * the message expires */
	char *notes;
	/* only filled by store_message_load() */
	unsigned char *raw;
	size_t raw_size;
};

void store_message_free(struct store_message **message);
void store_messages_free(struct store_message *messages, size_t n);

/* The oldest messages with status "new" and id > after_id, with their raw
 * bytes, in id order into messages_r[0 .. *n_r) (an array of max_n that the
 * caller provides; the messages are the caller's): max_n of them, or fewer
 * once their raw bytes reach max_bytes (at least one); *n_r is 0 when there
 * is none. One statement for them all. */
int store_next_new_chunk(struct store *store, int64_t after_id, size_t max_n, size_t max_bytes,
			 struct store_message **messages_r, size_t *n_r, struct error *error_r);
/* One message with its raw bytes; ERR_MESSAGE when there is no such id. */
int store_message_load(struct store *store, int64_t id, struct store_message **message_r,
		       struct error *error_r);
/* Messages without raw bytes, oldest first; status NULL for all. */
int store_messages(struct store *store, const char *status, struct store_message **messages_r,
		   size_t *n_r, struct error *error_r);

/* The earliest other message with this Message-ID, or 0. */
int store_find_message_id(struct store *store, const char *message_id, int64_t exclude,
			  int64_t *id_r, struct error *error_r);

/* ---- processing results ------------------------------------------------- */

/* A question to store with its message; borrowed. */
struct store_new_question {
	const char *title;
	const char *text;
	const char *category;
	double score;
	bool confident;
	const char *evidence;
	const char *meeting; /* YYYY-MM-DD, or NULL: waits for a meeting */
	/* an existing agenda item this question joins (near-duplicate from another
	 * association, or a reply in the same thread), or 0 for a new item */
	int64_t join_item;
	const char *status; /* queued | held | duplicate */
	int64_t duplicate_of; /* 0 or a question id */
	const char *attachments; /* "name (type, size)" lines, or NULL */
};

/* The outcome of processing one message; borrowed. */
struct store_outcome {
	int64_t message;
	const char *status;
	const char *reason;
	const char *association;
	const char *message_id;
	const char *from_addr;
	const char *from_name;
	const char *subject;
	const char *in_reply_to; /* Message-IDs, space-separated, or NULL */
	const char *references;
	const char *body_hash; /* hex SHA-256 of the normalised body text, or NULL */
	bool acknowledge; /* queue an acknowledgement for this message */
	const char *notes; /* for the secretary (struct extraction's), or NULL */
	const struct store_new_question *questions;
	size_t n_questions;
};

/* Groups the outcomes of several messages into one transaction, so that a
 * large import is not one fsync per message: between store_batch_begin() and
 * store_batch_end() each store_record_outcome() is a savepoint (it fails or
 * succeeds alone, and later lookups see it), and store_batch_end(keep = true)
 * is the one commit point. A crash before it leaves those messages "new", to
 * be processed again: processing is deterministic and idempotent. Nothing
 * outside the store may depend on a batched outcome before the batch ends
 * (acknowledgements are queued after it, in cycle_queue_due()). */
int store_batch_begin(struct store *store, struct error *error_r);
int store_batch_end(struct store *store, bool keep, struct error *error_r);

/* Commit point (or a step of a batch): the message's status, reason and
 * parsed fields, its questions, new agenda items and renumbering, in one
 * transaction. Any earlier questions of the message are replaced
 * (reprocessing). */
int store_record_outcome(struct store *store, const struct store_outcome *outcome,
			 struct error *error_r);

/* A processed message with the same sender and body hash, other than
 * exclude, or 0: the same mail sent twice under a new Message-ID. */
int store_find_same_body(struct store *store, const char *from_addr, const char *body_hash,
			 int64_t exclude, int64_t *id_r, struct error *error_r);

/* The open agenda item (and its meeting) of a question or acknowledgement
 * whose Message-ID is one of ids (In-Reply-To and References of a new mail,
 * newest first), or 0 and "". */
int store_find_thread_item(struct store *store, const char *const *ids, size_t n_ids,
			   int64_t *item_r, char meeting_r[11], struct error *error_r);

/* Commit point: sets the message back to "new" (and forced association, if
 * not NULL) and deletes its questions and notes, so that it is processed
 * again. */
int store_reset_message(struct store *store, int64_t id, const char *forced_association,
			struct error *error_r);
/* Resets every message (reprocess --all); one transaction. */
int store_reset_all(struct store *store, int *n_r, struct error *error_r);

/* ---- categories ---------------------------------------------------------- */

/* Makes the categories table match categories.conf (id, heading, order),
 * which fixes the order of items on the agenda. */
int store_sync_categories(struct store *store, const char *const *ids,
			  const char *const *headings, size_t n, struct error *error_r);

/* ---- meetings ------------------------------------------------------------ */

struct store_meeting {
	char date[11];
	char *time; /* HH:MM */
	char *end; /* HH:MM or NULL */
	char *place; /* or NULL */
	int n_items;
	time_t draft_sent; /* 0: not yet */
	time_t draft_updated; /* last "Uppdaterad" draft, or 0 */
};

void store_meetings_free(struct store_meeting *meetings, size_t n);

/* Adds or updates a meeting (date is the key). */
int store_meeting_upsert(struct store *store, const char *date, const char *time,
			 const char *end, const char *place, struct error *error_r);
/* All meetings in date order. */
int store_meetings(struct store *store, struct store_meeting **meetings_r, size_t *n_r,
		   struct error *error_r);

/* ---- questions and items -------------------------------------------------- */

struct store_question {
	int64_t id;
	int64_t message;
	char *message_id; /* of the mail it came in */
	char *association; /* or NULL */
	char *from_addr;
	char *category;
	double score;
	bool confident;
	char *evidence;
	char *meeting; /* YYYY-MM-DD or NULL */
	int64_t item; /* 0: none */
	int item_number; /* 0: none */
	char *title;
	char *text;
	char *status; /* queued | held | duplicate */
	int64_t duplicate_of;
	time_t received;
	char *attachments; /* or NULL */
};

void store_questions_free(struct store_question *questions, size_t n);

/* Questions of one meeting (meeting NULL: every question; "" : those that
 * wait for a meeting), in agenda order. */
int store_questions(struct store *store, const char *meeting,
		    struct store_question **questions_r, size_t *n_r, struct error *error_r);

/* The queued questions of one meeting, in agenda order, with only id,
 * association, item, status and text set: what the near-duplicate check
 * compares a new question with, read for every new question. */
int store_meeting_queued(struct store *store, const char *meeting,
			 struct store_question **questions_r, size_t *n_r, struct error *error_r);

/* The questions of one message, in their order in the mail. */
int store_message_questions(struct store *store, int64_t message,
			    struct store_question **questions_r, size_t *n_r, struct error *error_r);

/* When the newest question placed in meeting was processed, or 0. */
int store_meeting_newest(struct store *store, const char *meeting, time_t *when_r,
			 struct error *error_r);

/* Commit point: places every question that waits for a meeting and arrived
 * on or before cutoff (local day YYYY-MM-DD) into meeting. *n_r counts them. */
int store_place_waiting(struct store *store, const char *arrived_until, const char *meeting,
			int *n_r, struct error *error_r);

/* Commit points for the secretary's corrections (agendactl). */
int store_move_question(struct store *store, int64_t id, const char *meeting,
			struct error *error_r);
/* Also records the correction as a training example. */
int store_recategorize(struct store *store, int64_t id, const char *category,
		       struct error *error_r);
/* status: "deferred" carries the item to the next meeting, "closed" marks it
 * answered. */
int store_item_set_status(struct store *store, int64_t item, const char *status,
			  struct error *error_r);

struct store_item {
	int64_t id;
	char meeting[11];
	int number; /* position under "Inkomna frågor från föreningar" */
	char *category;
	char *heading; /* the category's heading */
	char *title;
	char *status; /* open | deferred | closed */
	char *carried_from; /* the meeting it was deferred from, or NULL */
	struct store_question *questions;
	size_t n_questions;
};

/* Everything a draft agenda or minutes skeleton shows. */
struct store_agenda {
	struct store_meeting meeting;
	bool has_previous;
	struct store_meeting previous;
	bool has_next;
	struct store_meeting next;
	/* items deferred from earlier meetings, then this meeting's items, each in
	 * number order */
	struct store_item *carried;
	size_t n_carried;
	struct store_item *items;
	size_t n_items;
	/* associations that sent questions to this meeting, sorted */
	char **associations;
	size_t n_associations;
	/* for the secretary: messages held or unparseable, and questions that
	 * need a look (held, low confidence) */
	struct store_message *review_messages;
	size_t n_review_messages;
	struct store_question *review_questions;
	size_t n_review_questions;
	/* for the secretary: processed messages from associations with notes
	 * (attendance, an interpreter, a withdrawn question), received after
	 * the previous meeting's day up to this meeting's day, in id order */
	struct store_message *notes;
	size_t n_notes;
};

int store_load_agenda(struct store *store, const char *meeting, struct store_agenda **agenda_r,
		      struct error *error_r);
void store_agenda_free(struct store_agenda **agenda);

/* ---- training examples --------------------------------------------------- */

typedef int store_training_cb(void *ctx, const char *text, const char *category,
			      struct error *error_r);
/* Calls cb for every stored training example (the secretary's corrections)
 * with an id above after_id, oldest first; *last_id_r is the last id seen (or
 * after_id), so that a running daemon can pick up what agendactl added. */
int store_training(struct store *store, int64_t after_id, store_training_cb *cb, void *ctx,
		   int64_t *last_id_r, struct error *error_r);

/* ---- outbox -------------------------------------------------------------- */

/* A mail to queue; borrowed. */
struct store_outgoing {
	const char *kind; /* agenda | minutes | ack | notice */
	const char *message_id; /* fixed when queued */
	const char *mail_from;
	const char *rcpt;
	const char *subject; /* for listings */
	const void *raw;
	size_t raw_size;
	const char *meeting; /* or NULL */
	int64_t message; /* the message acknowledged, or 0 */
};

struct store_outbox_row {
	int64_t id;
	char *kind;
	char *message_id;
	char *mail_from;
	char *rcpt;
	char *subject;
	char *status; /* queued | sending | sent | failed */
	int attempts;
	time_t created;
	time_t next_attempt;
	time_t sent;
	char *last_error; /* the server's reply, or NULL */
	char *meeting;
	int64_t message;
	/* only filled by store_outbox_due() */
	unsigned char *raw;
	size_t raw_size;
};

void store_outbox_rows_free(struct store_outbox_row *rows, size_t n);

/* Commit point: queues mails together with the state change they belong to.
 * ack_for: the processed message whose acknowledgement this is (its ack is
 * marked done), or 0. draft_for: the meeting whose draft this is (its
 * draft_sent, or draft_updated when updated, is set), or NULL. Either way the
 * state and the outgoing mail commit together or not at all. */
int store_outbox_queue(struct store *store, const struct store_outgoing *mails, size_t n_mails,
		       int64_t ack_for, const char *draft_for, bool updated, struct error *error_r);

/* Processed messages whose acknowledgement is still to be queued (oldest
 * first; no raw bytes). */
int store_ack_pending(struct store *store, struct store_message **messages_r, size_t *n_r,
		      struct error *error_r);
/* Commit point: no acknowledgement will be sent for this message (rate
 * limit, RFC 3834); reason is recorded. */
int store_ack_skip(struct store *store, int64_t message, const char *reason,
		   struct error *error_r);
/* When an acknowledgement was last queued to addr, or 0. */
int store_last_ack_to(struct store *store, const char *addr, time_t *when_r,
		      struct error *error_r);

/* Rows that are queued with next_attempt <= now, with raw bytes. */
int store_outbox_due(struct store *store, time_t now, struct store_outbox_row **rows_r,
		     size_t *n_r, struct error *error_r);
/* Every row, newest first, without raw bytes; status NULL for all. */
int store_outbox_list(struct store *store, const char *status, struct store_outbox_row **rows_r,
		      size_t *n_r, struct error *error_r);
/* Commit point: moves row id from status from to status to, with the other
 * fields; fails with ERR_FATAL when the row was not in status from (the
 * state machine is in outbox.c). */
int store_outbox_transition(struct store *store, int64_t id, const char *from, const char *to,
			    int attempts, time_t next_attempt, const char *last_error,
			    struct error *error_r);

/* ---- classifier cache ------------------------------------------------------- */

/* The exported classifier (classify_export()) fitted to categories.conf and
 * the shipped training set, keyed by a digest of both: fitting takes a third
 * of a second at every start of agendad and agendactl, loading a few ms. It
 * holds no mail (corrections are applied on top after loading). *blob_r is
 * NULL when no entry has this key; the caller frees it. */
int store_model_get(struct store *store, const char *key, void **blob_r, size_t *size_r,
		    struct error *error_r);
/* Replaces the cache by this one entry. */
int store_model_put(struct store *store, const char *key, const void *blob, size_t size,
		    struct error *error_r);

/* ---- daemon state, status and personal data -------------------------------- */

/* A small key-value table: last_fetch, last_delivery, last_error... */
int store_state_set(struct store *store, const char *key, const char *value,
		    struct error *error_r);
/* *value_r NULL when unset; the caller frees it. */
int store_state_get(struct store *store, const char *key, char **value_r, struct error *error_r);

struct store_counts {
	int messages;
	int held; /* unknown-sender + unparseable */
	int questions;
	int waiting; /* questions without a meeting */
	int outbox_queued;
	int outbox_failed;
	int outbox_sending;
};
int store_counts(struct store *store, struct store_counts *counts_r, struct error *error_r);

/* Removes raw messages (with their sender and notes) and question texts
 * whose meeting (or arrival, when they have none) is older than before_day;
 * *n_r counts rows changed. */
int store_expire(struct store *store, const char *before_day, int *n_r, struct error *error_r);
/* Removes everything stored from addr (messages, questions, outbox rows to
 * it) and records that it did so (when, how many rows), without the data. */
int store_erase_address(struct store *store, const char *addr, int *n_r, struct error *error_r);
/* A consistent copy through SQLite's online backup API, mode 0600. */
int store_backup(struct store *store, const char *path, struct error *error_r);

#endif

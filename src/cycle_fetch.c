/* cycle_fetch.c - imap -> store: new messages in batches, each stored in one
 * transaction on the import thread while the next comes over the network,
 * then flagged or moved on the server; and waiting for mail (IDLE or
 * polling). See cycle_p.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "agendad/imap.h"
#include "agendad/log.h"
#include "agendad/oauth2.h"
#include "agendad/util.h"
#include "cycle_p.h"

/* How many UIDs one listing covers, and how much one store transaction
 * holds: the fetch streams through these, so memory stays flat however
 * large the mailbox is. */
#define LIST_BATCH 1000
#define FETCH_BATCH_MESSAGES 250
#define FETCH_BATCH_BYTES (4u << 20)

static int imap_connect(struct cycle *c, struct error *error_r)
{
	const struct config *cfg = c->config;
	struct imap_credentials cred = { .username = cfg->imap.username };
	char *password = NULL;
	const char *token = NULL;
	int rc;

	if (cfg->imap.auth == CONFIG_AUTH_XOAUTH2) {
		if (oauth2_token(c->oauth2, cfg, false, &token, error_r) != 0)
			return -1;
		cred.access_token = token;
	} else {
		if (config_read_secret(cfg,
				       cfg->imap.password_file ? cfg->imap.password_file
							       : "imap-password",
				       &password, error_r) != 0)
			return -1;
		cred.password = password;
	}
	rc = imap_open(&cfg->imap, &cred, &c->imap, error_r);
	if (rc != 0 && cfg->imap.auth == CONFIG_AUTH_XOAUTH2 && error_r->kind == ERR_FATAL) {
		/* a refused token may just have expired early: one fresh try */
		if (oauth2_token(c->oauth2, cfg, true, &token, error_r) == 0) {
			cred.access_token = token;
			rc = imap_open(&cfg->imap, &cred, &c->imap, error_r);
		}
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	return rc;
}

/* The messages of one UID FETCH, copied out of libetpan's buffers so that
 * they can be stored in one transaction. */
struct fetch_batch {
	struct store_incoming *messages;
	char **copies; /* owned; messages[i].raw borrows copies[i] */
	size_t n;
	size_t cap;
	const struct imap_entry *entries; /* for the full size of truncated ones */
	size_t n_entries;
	uint32_t last_uid; /* the watermark of its transaction */
};

static int collect_message(void *ctx, const struct imap_message *msg, struct error *error_r)
{
	struct fetch_batch *b = ctx;
	struct store_incoming *in;
	char *copy;

	(void)error_r;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->messages = xreallocarray(b->messages, b->cap, sizeof(*b->messages));
		b->copies = xreallocarray(b->copies, b->cap, sizeof(*b->copies));
	}
	copy = xmalloc(msg->size + 1);
	b->copies[b->n] = copy;
	memcpy(copy, msg->raw, msg->size);
	in = &b->messages[b->n++];
	memset(in, 0, sizeof(*in));
	in->uid = msg->uid;
	in->internaldate = msg->internaldate;
	in->raw = copy;
	in->size = msg->size;
	in->truncated = msg->header_only;
	if (msg->header_only) {
		for (size_t i = 0; i < b->n_entries; i++)
			if (b->entries[i].uid == msg->uid)
				in->full_size = b->entries[i].size;
	}
	return 0;
}

static void fetch_batch_clear(struct fetch_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->copies[i]);
	b->n = 0;
}

static void fetch_batch_free(struct fetch_batch *b)
{
	fetch_batch_clear(b);
	free(b->messages);
	free(b->copies);
	memset(b, 0, sizeof(*b));
}

/* Flags or moves what the store has but the server does not know about yet
 * (store.c rule 1), and records that it did. */
static int mark_imported(struct cycle *c, const char *mailbox, uint32_t uidvalidity,
			 struct error *error_r)
{
	uint32_t *uids = NULL;
	size_t n = 0;
	int rc;

	if (store_unmarked(c->store, mailbox, uidvalidity, &uids, &n, error_r) != 0)
		return -1;
	if (n == 0) {
		free(uids);
		return 0;
	}
	rc = imap_mark_imported(c->imap, uids, n, c->config->imap.processed_mailbox, error_r);
	if (rc == 0)
		rc = store_set_marked(c->store, mailbox, uidvalidity, uids, n, error_r);
	free(uids);
	return rc;
}

/* The first UID of entries[from, to) that the fetch did not return, or 0.
 * Both lists are in UID order. */
static uint32_t first_missing(const struct imap_entry *entries, size_t from, size_t to,
			      const struct fetch_batch *batch)
{
	size_t k = 0;

	for (size_t i = from; i < to; i++) {
		while (k < batch->n && batch->messages[k].uid < entries[i].uid)
			k++;
		if (k == batch->n || batch->messages[k].uid != entries[i].uid)
			return entries[i].uid;
	}
	return 0;
}

/* Fetches entries[from, to) in one UID FETCH into b, and sets b->last_uid,
 * the watermark of its transaction: it covers them all, except when the
 * server left one out of its answer; then it stops below that one, which is
 * asked for again next time (it may have been expunged meanwhile, or the
 * server is broken; either way nothing is skipped for good). */
static int fetch_batch(struct cycle *c, const struct imap_entry *entries, size_t from, size_t to,
		       struct fetch_batch *b, bool *complete_r, struct error *error_r)
{
	uint32_t *uids = xcalloc(to - from, sizeof(*uids));
	uint32_t *big = xcalloc(to - from, sizeof(*big));
	uint32_t missing = 0;
	size_t n_uids = 0, n_big = 0, expected = 0;
	int rc;

	b->entries = entries + from;
	b->n_entries = to - from;
	b->last_uid = entries[to - 1].uid;
	for (size_t i = from; i < to; i++) {
		if (entries[i].size > c->config->limits.max_message_bytes) {
			big[n_big++] = entries[i].uid;
		} else {
			uids[n_uids++] = entries[i].uid;
			expected += entries[i].size;
		}
	}
	rc = imap_fetch(c->imap, uids, n_uids, big, n_big, expected, collect_message, b, error_r);
	if (rc == 0 && (missing = first_missing(entries, from, to, b)) != 0) {
		log_warn("imap: the server's answer left out message UID %u; it is asked for again"
			 " at the next fetch",
			 missing);
		b->last_uid = missing - 1;
	}
	*complete_r = missing == 0;
	free(uids);
	free(big);
	return rc;
}

/* The store transaction of one fetched batch, run on its own thread while
 * the next batch comes over the network: the store is used by that thread
 * alone until import_wait() (nothing else in the fetch touches it
 * meanwhile), so the commit points and their order are those of doing one
 * after the other. */
struct import {
	struct cycle *c;
	const char *mailbox;
	uint32_t uidvalidity;
	struct fetch_batch batch;
	bool started; /* a batch is given and not yet waited for */
	bool running; /* its thread started, not yet joined */
	pthread_t thread;
	int rc;
	size_t n_new;
	struct error error;
};

static void *import_main(void *arg)
{
	struct import *im = arg;
	struct fetch_batch *b = &im->batch;
	size_t n_import = 0;

	/* what came after a gap is stored next time, with its watermark */
	while (n_import < b->n && b->messages[n_import].uid <= b->last_uid)
		n_import++;
	im->rc = store_import_batch(im->c->store, im->mailbox, im->uidvalidity, b->messages,
				    n_import, b->last_uid, &im->n_new, &im->error);
	return NULL;
}

/* Starts storing im->batch; where no thread can be started, stores it now. */
static void import_start(struct import *im)
{
	im->n_new = 0;
	im->started = true;
	if (pthread_create(&im->thread, NULL, import_main, im) == 0)
		im->running = true;
	else
		import_main(im);
}

/* Waits for the batch of import_start() and returns its result; then,
 * when mark, flags or moves it on the server. */
static int import_wait(struct import *im, bool mark, size_t *n_new_r, struct error *error_r)
{
	int rc;

	if (!im->started)
		return 0;
	im->started = false;
	if (im->running) {
		pthread_join(im->thread, NULL);
		im->running = false;
	}
	rc = im->rc;
	*n_new_r += im->n_new;
	if (rc != 0)
		*error_r = im->error;
	fetch_batch_clear(&im->batch);
	im->rc = 0;
	im->n_new = 0;
	if (rc == 0 && mark)
		rc = mark_imported(im->c, im->mailbox, im->uidvalidity, error_r);
	return rc;
}

int cycle_fetch(struct cycle *c, volatile sig_atomic_t *stop, size_t *n_new_r,
		struct error *error_r)
{
	const char *mailbox = c->config->imap.mailbox;
	struct store_mailbox_state state;
	struct import im = { .c = c, .mailbox = mailbox };
	struct fetch_batch next = { 0 };
	struct error ignored;
	uint32_t uidvalidity, after;
	bool found;
	size_t n_new = 0;
	int rc = 0;

	*n_new_r = 0;
	if (c->imap == NULL && imap_connect(c, error_r) != 0)
		return -1;
	if (imap_select(c->imap, mailbox, &uidvalidity, error_r) != 0 ||
	    store_mailbox_state(c->store, mailbox, &state, &found, error_r) != 0)
		goto fail;
	im.uidvalidity = uidvalidity;
	after = found && state.uidvalidity == uidvalidity ? state.last_uid : 0;
	if (found && state.uidvalidity != uidvalidity)
		log_notice("imap: UIDVALIDITY of %s changed (%u -> %u): scanning it again,"
			   " deduplicated by Message-ID",
			   mailbox, state.uidvalidity, uidvalidity);
	/* a crash after a commit and before the server heard of it */
	if (mark_imported(c, mailbox, uidvalidity, error_r) != 0)
		goto fail;

	/* batch k is stored (im) while batch k+1 is fetched (next) */
	while (!*stop) {
		struct imap_entry *entries = NULL;
		size_t n = 0, from = 0;
		bool complete = true;

		if (imap_list_new(c->imap, after, LIST_BATCH, &entries, &n, error_r) != 0)
			goto fail;
		if (n == 0) {
			free(entries);
			break;
		}
		sd_notifyf(0, "STATUS=fetching %zu messages\nWATCHDOG=1", n);
		while (from < n && rc == 0 && complete && !*stop) {
			size_t to = from, bytes = 0;
			/* one transaction per batch: bounded in count and bytes */
			while (to < n && to - from < FETCH_BATCH_MESSAGES &&
			       (to == from || bytes + entries[to].size <= FETCH_BATCH_BYTES)) {
				if (entries[to].size <= c->config->limits.max_message_bytes)
					bytes += entries[to].size;
				to++;
			}
			rc = fetch_batch(c, entries, from, to, &next, &complete, error_r);
			if (rc == 0)
				rc = import_wait(&im, true, &n_new, error_r);
			if (rc == 0) {
				/* the batch's buffers go to im; im's (emptied) come back */
				struct fetch_batch t = im.batch;

				im.batch = next;
				next = t;
				import_start(&im);
			}
			from = to;
		}
		after = entries[from > 0 ? from - 1 : 0].uid;
		free(entries);
		if (rc != 0)
			goto fail;
		if (!complete)
			break; /* the rest waits for the next cycle, from below the gap */
	}
	if (import_wait(&im, true, &n_new, error_r) != 0)
		goto fail;
	fetch_batch_free(&im.batch);
	fetch_batch_free(&next);
	*n_new_r = n_new;
	return 0;
fail:
	/* a batch being stored is committed or not; either way it is not lost */
	import_wait(&im, false, &n_new, &ignored);
	fetch_batch_free(&im.batch);
	fetch_batch_free(&next);
	*n_new_r = n_new;
	/* the session is in an unknown state after any error: start over */
	imap_close(&c->imap);
	return -1;
}

void cycle_wait(struct cycle *c, int timeout_s, volatile sig_atomic_t *stop)
{
	struct error err;
	bool changed;

	if (c->imap != NULL && c->config->imap.idle && imap_has_idle(c->imap)) {
		sd_notify(0, "STATUS=idle (waiting for mail)");
		if (imap_wait(c->imap, timeout_s, stop, &changed, &err) == 0)
			return;
		log_info("imap: IDLE ended: %s", err.text);
		imap_close(&c->imap);
		return;
	}
	sd_notify(0, "STATUS=idle (polling)");
	for (int i = 0; i < timeout_s && !*stop; i++)
		sleep(1);
}

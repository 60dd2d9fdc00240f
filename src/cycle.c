/* cycle.c - the order of the stages; see cycle.h.
 *
 * This is the only file that knows the data flow of DESIGN.md. Each arrow
 * of the flow is one call here; the modules it calls know nothing of each
 * other. It is also where errors are decided about and logged: a message
 * that cannot be read is recorded with its reason and the cycle goes on; a
 * server that cannot be reached ends the step and is retried later. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "agendad/cycle.h"
#include "agendad/extract.h"
#include "agendad/imap.h"
#include "agendad/log.h"
#include "agendad/mime.h"
#include "agendad/oauth2.h"
#include "agendad/outbox.h"
#include "agendad/schedule.h"
#include "agendad/smtp.h"
#include "agendad/triage.h"
#include "agendad/util.h"

/* How many UIDs one listing covers, and how much one store transaction
 * holds: the fetch streams through these, so memory stays flat however
 * large the mailbox is. */
#define LIST_BATCH 1000
#define FETCH_BATCH_MESSAGES 250
#define FETCH_BATCH_BYTES (4u << 20)
/* Messages whose outcomes share one transaction (store_batch_begin). Few
 * enough that the write lock, which agendactl waits for (10 s at most), is
 * held well under a second even under ASan; a count, not a time, so that the
 * commit points of a run are the same on a fast and a slow machine (the
 * crash test names them). */
#define PROCESS_BATCH 50
/* A transaction's messages are read and analysed together: PROCESS_BATCH of
 * them, or fewer when their raw bytes reach CHUNK_BYTES. Two such chunks are
 * in memory at once (one analysed while the other is stored), each with its
 * decoded text. */
#define CHUNK_BYTES (8u << 20)
#define ANALYZE_THREADS_MAX 4
/* At most one acknowledgement per sender per hour (a burst of mails). */
#define ACK_INTERVAL 3600
/* The largest training file read at start-up. */
#define TRAINING_MAX_BYTES (16u << 20)

/* The similarity vectors of questions of a meeting, by question id: each new
 * question is compared with every queued one of its meeting, and making the
 * vectors is nearly all the cost of a comparison. An entry counts only while
 * its question still has the text it was made from (agendactl may reprocess
 * a mail between two batches); the memo is emptied whenever the classifier
 * changes (vectors depend on its weights) and when it grows past
 * SIM_MEMO_MAX entries. */
#define SIM_MEMO_MAX 20000

struct sim_entry {
	int64_t id;
	char *text;
	struct classify_vector *all;
	struct classify_vector *asking; /* NULL: no sentence of it asks */
};

struct sim_memo {
	struct sim_entry *v; /* sorted by id */
	size_t n, cap;
};

static void sim_memo_clear(struct sim_memo *memo);

struct cycle {
	const struct config *config;
	struct store *store;
	struct classifier *classifier;
	struct render_templates *templates;
	struct imap_session *imap;
	struct oauth2_cache *oauth2;
	/* the council's own addresses: never acknowledged, never a sender */
	const char *own[3];
	size_t n_own;
	int lock_fd; /* the instance lock of a delivering daemon, or -1 */
	int64_t trained_upto; /* the last correction (training row) the classifier has */
	struct sim_memo sim_memo; /* see near_duplicate_item() */
	size_t analyze_threads; /* see struct analyzer */
};

/* ---- opening ------------------------------------------------------------------ */

static int train_cb(void *ctx, const char *text, const char *category, struct error *error_r)
{
	/* a correction to a category that categories.conf no longer has is
	 * skipped, not fatal */
	struct error ignored;

	(void)error_r;
	classify_correct(ctx, text, category, &ignored);
	return 0;
}

/* The cache key of a model: what it was fitted from, and the format. */
static void model_key(const char *categories, const char *training, char key_r[65])
{
	char *all = xasprintf("agendad model %d\n%s%c%s", CLASSIFY_MODEL_VERSION, categories, 0,
			      training);
	size_t n = strlen(all) + 1 + strlen(training);

	util_sha256_hex(all, n, key_r);
	free(all);
}

/* Fits c to the shipped training set, or loads the fit an earlier start
 * stored: fitting costs about a third of a second of CPU at every start of
 * agendad and agendactl. A cache that cannot be read or written only costs
 * that time, so its errors are logged here and not returned. */
static int train_shipped(const struct config *config, struct store *store, struct classifier *c,
			 const char *categories, struct error *error_r)
{
	char *path = config_data_path(config, "training.tsv"), *text = NULL, key[65];
	struct error e = {0};
	void *blob = NULL;
	size_t size;
	int rc = -1;

	if (path == NULL) {
		log_warn("classify: no training.tsv found; keywords only");
		return 0;
	}
	if (util_read_file(path, TRAINING_MAX_BYTES, &text, NULL) != 0) {
		err_set(error_r, ERR_FATAL, "%s: %s", path, strerror(errno));
		goto out;
	}
	model_key(categories, text, key);
	if (store_model_get(store, key, &blob, &size, &e) != 0) {
		log_warn("classify: the stored model cannot be read (%s); fitting anew", e.text);
	} else if (blob != NULL) {
		if (classify_import(c, blob, size, &e) == 0) {
			log_debug("classify: model of %s loaded from the database", path);
			rc = 0;
			goto out;
		}
		log_warn("classify: the stored model is refused (%s); fitting anew", e.text);
	}
	free(blob);
	blob = NULL;
	if (classify_train_tsv(c, text, path, error_r) != 0)
		goto out;
	classify_export(c, &blob, &size);
	if (store_model_put(store, key, blob, size, &e) != 0)
		log_warn("classify: the model cannot be stored (%s); the next start fits it again",
			 e.text);
	rc = 0;
out:
	free(blob);
	free(text);
	free(path);
	return rc;
}

static int load_classifier(const struct config *config, struct store *store,
			   struct classifier **classifier_r, int64_t *trained_r,
			   struct error *error_r)
{
	char *path = config_data_path(config, "categories.conf"), *text = NULL;
	struct classifier *c = NULL;
	size_t n;

	if (path == NULL)
		return err_set(error_r, ERR_FATAL,
			       "categories.conf not found beside %s or in the data directory",
			       config->path);
	if (util_read_file(path, TRAINING_MAX_BYTES, &text, NULL) != 0) {
		err_set(error_r, ERR_FATAL, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (classify_new(text, path, &c, error_r) != 0 ||
	    classify_set_council(c, config->council.name, error_r) != 0) {
		classify_free(&c);
		free(text);
		free(path);
		return -1;
	}
	free(path);

	/* the shipped labelled set, then the secretary's corrections on top */
	if (train_shipped(config, store, c, text, error_r) != 0) {
		free(text);
		classify_free(&c);
		return -1;
	}
	free(text);
	if (store_training(store, 0, train_cb, c, trained_r, error_r) != 0) {
		classify_free(&c);
		return -1;
	}

	/* the agenda's category order lives in the store, for numbering */
	n = classify_n_categories(c);
	{
		const char **ids = xcalloc(n, sizeof(*ids));
		const char **headings = xcalloc(n, sizeof(*headings));
		int rc;
		for (size_t i = 0; i < n; i++) {
			ids[i] = classify_category_at(c, i)->id;
			headings[i] = classify_category_at(c, i)->heading;
		}
		rc = store_sync_categories(store, ids, headings, n, error_r);
		free(ids);
		free(headings);
		if (rc != 0) {
			classify_free(&c);
			return -1;
		}
	}
	*classifier_r = c;
	return 0;
}

static int load_templates(const struct config *config, struct render_templates **templates_r,
			  struct error *error_r)
{
	char *dir = config_data_path(config, "templates");
	int rc;

	if (dir == NULL)
		return err_set(error_r, ERR_FATAL,
			       "templates/ not found beside %s or in the data directory",
			       config->path);
	rc = render_templates_load(dir, templates_r, error_r);
	free(dir);
	return rc;
}

/* The [meeting] sections of the config are meetings like any other. */
static int sync_meetings(struct cycle *c, struct error *error_r)
{
	for (size_t i = 0; i < c->config->n_meetings; i++) {
		const struct config_meeting *m = &c->config->meetings[i];
		if (store_meeting_upsert(c->store, m->date, m->time, m->end, m->place, error_r) != 0)
			return -1;
	}
	return 0;
}

static void set_own_addresses(struct cycle *c)
{
	c->n_own = 0;
	c->own[c->n_own++] = c->config->smtp.from;
	c->own[c->n_own++] = c->config->council.secretary;
	if (c->config->imap.username != NULL && strchr(c->config->imap.username, '@') != NULL)
		c->own[c->n_own++] = c->config->imap.username;
}

int cycle_open(const struct config *config, struct store *store, struct cycle **cycle_r,
	       struct error *error_r)
{
	struct cycle *c = xcalloc(1, sizeof(*c));
	int placed;

	c->config = config;
	c->store = store;
	c->lock_fd = -1;
	{
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		c->analyze_threads = cores < 1 ? 1 : cores > ANALYZE_THREADS_MAX ? ANALYZE_THREADS_MAX
										 : (size_t)cores;
	}
	set_own_addresses(c);
	/* dates are the council's local days (cutoffs, "received" days) */
	setenv("TZ", config->council.timezone, 1);
	tzset();
	if (load_classifier(config, c->store, &c->classifier, &c->trained_upto, error_r) != 0 ||
	    load_templates(config, &c->templates, error_r) != 0 || sync_meetings(c, error_r) != 0 ||
	    cycle_place_waiting(c, &placed, error_r) != 0) {
		cycle_close(&c);
		return -1;
	}
	c->oauth2 = oauth2_cache_new();
	*cycle_r = c;
	return 0;
}

void cycle_close(struct cycle **cycle)
{
	struct cycle *c = *cycle;

	if (c == NULL)
		return;
	imap_close(&c->imap);
	oauth2_cache_free(&c->oauth2);
	render_templates_free(&c->templates);
	sim_memo_clear(&c->sim_memo);
	free(c->sim_memo.v);
	classify_free(&c->classifier);
	store_close(&c->store);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
	*cycle = NULL;
}

int cycle_start_daemon(struct cycle *c, struct error *error_r)
{
	char *path = xasprintf("%s.lock", c->config->store.database);
	int n = 0;

	/* one deliverer per database: two would both claim and send the outbox */
	c->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (c->lock_fd < 0) {
		err_set(error_r, ERR_FATAL, "cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		err_set(error_r, ERR_TEMP, "another agendad is running on %s (%s is locked)",
			c->config->store.database, path);
		free(path);
		close(c->lock_fd);
		c->lock_fd = -1;
		return -1;
	}
	free(path);
	if (outbox_recover(c->store, &n, error_r) != 0)
		return -1;
	if (n > 0)
		log_warn("outbox: %d mail(s) were being sent when agendad stopped; they will be"
			 " sent again with the same Message-ID",
			 n);
	return 0;
}

int cycle_reload(struct cycle *c, const struct config *config, struct error *error_r)
{
	struct classifier *classifier = NULL;
	struct render_templates *templates = NULL;
	struct store *store = NULL;
	int placed;

	if (strcmp(config->store.database, c->config->store.database) != 0) {
		if (store_open(config->store.database, &store, error_r) != 0)
			return -1;
	}
	int64_t trained = 0;

	if (load_classifier(config, store != NULL ? store : c->store, &classifier, &trained,
			    error_r) != 0 ||
	    load_templates(config, &templates, error_r) != 0) {
		classify_free(&classifier);
		store_close(&store);
		return -1;
	}
	if (store != NULL) {
		store_close(&c->store);
		c->store = store;
	}
	sim_memo_clear(&c->sim_memo);
	classify_free(&c->classifier);
	c->classifier = classifier;
	c->trained_upto = trained;
	render_templates_free(&c->templates);
	c->templates = templates;
	/* new server settings take effect at the next connection */
	imap_close(&c->imap);
	oauth2_cache_free(&c->oauth2);
	c->oauth2 = oauth2_cache_new();
	c->config = config;
	set_own_addresses(c);
	setenv("TZ", config->council.timezone, 1);
	tzset();
	if (sync_meetings(c, error_r) != 0 || cycle_place_waiting(c, &placed, error_r) != 0)
		return -1;
	return 0;
}

struct store *cycle_store(struct cycle *c)
{
	return c->store;
}

const struct classifier *cycle_classifier(const struct cycle *c)
{
	return c->classifier;
}

const struct render_templates *cycle_templates(const struct cycle *c)
{
	return c->templates;
}

void cycle_render_context(const struct cycle *c, bool updated, struct render_context *ctx_r)
{
	memset(ctx_r, 0, sizeof(*ctx_r));
	ctx_r->council = &c->config->council;
	ctx_r->cutoff_days = c->config->council.cutoff_days;
	ctx_r->now = time(NULL);
	ctx_r->updated = updated;
}

/* Meeting dates in order, borrowed from meetings. */
static const char **meeting_dates(const struct store_meeting *meetings, size_t n)
{
	const char **dates = xcalloc(n + 1, sizeof(*dates));

	for (size_t i = 0; i < n; i++)
		dates[i] = meetings[i].date;
	return dates;
}

int cycle_resolve_meeting(struct cycle *c, const char *spec, char out[11], struct error *error_r)
{
	struct store_meeting *meetings;
	size_t n;
	char today[11];
	int rc = -1;

	if (store_meetings(c->store, &meetings, &n, error_r) != 0)
		return -1;
	if (spec == NULL || *spec == '\0' || strcmp(spec, "next") == 0) {
		const char **dates = meeting_dates(meetings, n);
		int i;
		util_local_day(time(NULL), today);
		i = schedule_next_meeting(today, dates, n);
		free(dates);
		if (i < 0)
			err_set(error_r, ERR_MESSAGE,
				"inget kommande möte är planerat (agendactl meeting add DATUM TID)");
		else {
			memcpy(out, meetings[i].date, 11);
			rc = 0;
		}
	} else {
		for (size_t i = 0; i < n && rc != 0; i++) {
			if (strcmp(meetings[i].date, spec) == 0) {
				memcpy(out, meetings[i].date, 11);
				rc = 0;
			}
		}
		if (rc != 0)
			err_set(error_r, ERR_MESSAGE, "inget möte den %s (agendactl meeting list)",
				spec);
	}
	store_meetings_free(meetings, n);
	return rc;
}

/* ---- imap -> store -------------------------------------------------------------- */

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

/* ---- store -> mime -> extract -> triage -> classify -> schedule -> store ---- */

/* Questions of one mail on their way into the store. */
struct pending_question {
	struct store_new_question q; /* borrows the owned fields below */
	char *title;
	char *text;
	char *meeting;
	char evidence[256];
};

static char *attachment_lines(const struct mail_text *mail)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < mail->n_attachments; i++) {
		const struct mail_attachment *a = &mail->attachments[i];
		size_t kb = (a->size + 1023) / 1024;
		buf_printf(&b, "%s%s (%s, %zu kB)", b.len ? "\n" : "",
			   a->filename ? a->filename : "namnlös bilaga", a->content_type, kb);
	}
	return b.len ? buf_steal(&b) : NULL;
}

/* Space-separated Message-IDs (without <>) of In-Reply-To and References,
 * newest first, into ids. */
static void thread_ids(const struct mail_text *mail, struct strlist *ids)
{
	const char *fields[2] = { mime_header(mail, "In-Reply-To"), mime_header(mail, "References") };

	for (size_t f = 0; f < 2; f++) {
		struct strlist found = { 0 };
		const char *p = fields[f];
		while (p != NULL && (p = strchr(p, '<')) != NULL) {
			const char *end = strchr(p, '>');
			if (end == NULL)
				break;
			if (end - p > 1 && end - p < 500)
				strlist_push(&found, xstrndup(p + 1, (size_t)(end - p - 1)));
			p = end + 1;
		}
		/* References lists the oldest first */
		for (size_t i = found.n; i > 0; i--)
			if (!strlist_contains_ci(ids, found.v[i - 1]))
				strlist_add(ids, found.v[i - 1]);
		strlist_free(&found);
	}
}

/* Which meeting a message arriving at t goes to, or NULL (none planned). */
static int pick_meeting(struct cycle *c, time_t t, char out[11], bool *found_r,
			struct error *error_r)
{
	struct store_meeting *meetings;
	const char **dates;
	char day[11];
	size_t n;
	int i;

	if (store_meetings(c->store, &meetings, &n, error_r) != 0)
		return -1;
	dates = meeting_dates(meetings, n);
	util_local_day(t, day);
	i = schedule_pick_meeting(day, dates, n, c->config->council.cutoff_days);
	*found_r = i >= 0;
	if (i >= 0)
		memcpy(out, dates[i], 11);
	free(dates);
	store_meetings_free(meetings, n);
	return 0;
}

/* The sentences of text that ask (end in '?'), joined, or NULL when none
 * does. Background sentences differ between two associations asking the same
 * thing, so near-duplicates are also compared on these alone. */
static char *asking_sentences(const char *text)
{
	struct buf b = { 0 };
	const char *start = text;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '.' || *p == '!' || *p == '?' || *p == '\n') {
			if (*p == '?') {
				while (*start == ' ' || *start == '\n')
					start++;
				if (b.len > 0)
					buf_append_char(&b, ' ');
				buf_append(&b, start, (size_t)(p - start + 1));
			}
			start = p + 1;
		}
	}
	return b.len > 0 ? buf_steal(&b) : NULL;
}

static void sim_entry_set(const struct classifier *classifier, struct sim_entry *e,
			  const char *text)
{
	char *asking = asking_sentences(text);

	e->all = classify_vector_new(classifier, text);
	e->asking = asking != NULL ? classify_vector_new(classifier, asking) : NULL;
	free(asking);
}

static void sim_entry_free(struct sim_entry *e)
{
	free(e->text);
	classify_vector_free(&e->all);
	classify_vector_free(&e->asking);
}

static void sim_memo_clear(struct sim_memo *memo)
{
	for (size_t i = 0; i < memo->n; i++)
		sim_entry_free(&memo->v[i]);
	memo->n = 0;
}

/* The vectors of question id with text, made now if the memo lacks them. */
static const struct sim_entry *sim_memo_get(struct cycle *c, int64_t id, const char *text)
{
	struct sim_memo *memo = &c->sim_memo;
	size_t lo = 0, hi = memo->n;
	struct sim_entry *e;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memo->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	e = &memo->v[lo];
	if (lo < memo->n && e->id == id) {
		if (strcmp(e->text, text) == 0)
			return e;
		sim_entry_free(e); /* another text under the same id */
	} else {
		if (memo->n == SIM_MEMO_MAX) {
			sim_memo_clear(memo);
			lo = 0;
		}
		if (memo->n == memo->cap) {
			memo->cap = memo->cap > 0 ? memo->cap * 2 : 256;
			memo->v = xreallocarray(memo->v, memo->cap, sizeof(*memo->v));
		}
		e = &memo->v[lo];
		memmove(e + 1, e, (memo->n - lo) * sizeof(*e));
		memo->n++;
	}
	e->id = id;
	e->text = xstrdup(text);
	sim_entry_set(c->classifier, e, text);
	return e;
}

/* Two questions are as alike as their texts, or as the sentences that ask
 * when those are more alike. */
static double question_similarity(const struct sim_entry *a, const struct sim_entry *b)
{
	double sim = classify_vector_similarity(a->all, b->all);

	if (a->asking != NULL && b->asking != NULL) {
		double asking = classify_vector_similarity(a->asking, b->asking);
		if (asking > sim)
			sim = asking;
	}
	return sim;
}

/* Near-duplicates: an existing question of the same meeting from another
 * association, asked in other words, makes this one join its item. */
static int near_duplicate_item(struct cycle *c, const char *meeting, const char *association,
			       const char *text, int64_t *item_r, int64_t *exact_r,
			       struct error *error_r)
{
	struct store_question *existing;
	struct sim_entry new = { 0 };
	double *similarity;
	size_t n;

	*item_r = 0;
	*exact_r = 0;
	if (store_meeting_queued(c->store, meeting, &existing, &n, error_r) != 0)
		return -1;
	similarity = xcalloc(n + 1, sizeof(*similarity));
	sim_entry_set(c->classifier, &new, text);
	for (size_t i = 0; i < n; i++) {
		bool same_sender = association != NULL && existing[i].association != NULL &&
				   strcmp(association, existing[i].association) == 0;
		if (strcmp(existing[i].status, "queued") != 0)
			continue;
		similarity[i] = question_similarity(
		    &new, sim_memo_get(c, existing[i].id,
					existing[i].text != NULL ? existing[i].text : ""));
		/* the same association asking the very same thing again is a
		 * duplicate, not a second voice on the item */
		if (same_sender) {
			if (similarity[i] >= 0.95 && *exact_r == 0)
				*exact_r = existing[i].id;
			similarity[i] = 0;
		}
	}
	*item_r = schedule_join_item(existing, similarity, n);
	sim_entry_free(&new);
	free(similarity);
	store_questions_free(existing, n);
	return 0;
}

static void free_built(struct pending_question *pq, size_t n)
{
	for (size_t i = 0; pq != NULL && i < n; i++) {
		free(pq[i].title);
		free(pq[i].text);
		free(pq[i].meeting);
	}
	free(pq);
}

/* Builds the questions of a mail (classified, scheduled) into *pq_r. */
/* The title and text of question i of an extraction: its questions, then
 * for a mail whose questions are in an attachment one that points there. */
static void question_texts(const struct extraction *ex, size_t i, const char *attachments,
			   char **title_r, char **text_r)
{
	if (i < ex->n_questions) {
		*title_r = xstrdup(ex->questions[i].title);
		*text_r = xstrdup(ex->questions[i].text);
	} else {
		/* the questions are in the attachment: the secretary must look */
		*title_r = xstrdup(*ex->clean_subject ? ex->clean_subject : "Bifogade frågor");
		*text_r = xasprintf("Frågorna finns troligen i bifogad fil: %s",
				    attachments ? attachments : "(bilaga)");
	}
}

static size_t n_question_texts(const struct extraction *ex)
{
	return ex->n_questions + (ex->attachment_only ? 1 : 0);
}

/* cls: the classification of each question_texts() (analyze_message()) */
static int build_questions(struct cycle *c, const struct store_message *msg,
			   const struct mail_text *mail, const struct extraction *ex,
			   const char *association, bool held, const char *attachments,
			   const struct classification *cls, struct pending_question **pq_r,
			   size_t *n_r, struct error *error_r)
{
	struct pending_question *pq;
	struct strlist ids = { 0 };
	char meeting[11];
	bool has_meeting = false;
	int64_t thread_item = 0;
	size_t n = n_question_texts(ex);
	int rc = 0;

	pq = xcalloc(n + 1, sizeof(*pq));
	if (!held && pick_meeting(c, msg->received, meeting, &has_meeting, error_r) != 0) {
		free(pq);
		return -1;
	}
	thread_ids(mail, &ids);
	if (!held && ids.n > 0) {
		char thread_meeting[11], today[11];
		if (store_find_thread_item(c->store, (const char *const *)ids.v, ids.n,
					   &thread_item, thread_meeting, error_r) != 0) {
			rc = -1;
		} else if (thread_item != 0) {
			/* a complement goes with the item it completes, cutoff or
			 * not, as long as that meeting is still to come */
			util_local_day(time(NULL), today);
			if (strcmp(thread_meeting, today) >= 0) {
				memcpy(meeting, thread_meeting, sizeof(meeting));
				has_meeting = true;
			} else {
				thread_item = 0;
			}
		}
	}
	strlist_free(&ids);

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct pending_question *p = &pq[i];
		int64_t near = 0, exact = 0;

		question_texts(ex, i, attachments, &p->title, &p->text);
		snprintf(p->evidence, sizeof(p->evidence), "%s", cls[i].evidence);
		p->q.title = p->title;
		p->q.text = p->text;
		p->q.category = cls[i].category;
		p->q.score = cls[i].score;
		p->q.confident = cls[i].confident;
		p->q.evidence = p->evidence;
		p->q.attachments = attachments;
		p->q.status = held || i >= ex->n_questions ? "held" : "queued";
		p->meeting = !held && has_meeting ? xstrdup(meeting) : NULL;
		p->q.meeting = p->meeting;
		if (p->q.meeting != NULL && strcmp(p->q.status, "queued") == 0) {
			rc = near_duplicate_item(c, meeting, association, p->text, &near, &exact,
						 error_r);
			if (exact != 0) {
				p->q.status = "duplicate";
				p->q.duplicate_of = exact;
			}
			/* a reply in a thread belongs to the item it answers */
			p->q.join_item = thread_item != 0 ? thread_item : near;
		}
	}
	if (rc != 0) {
		free_built(pq, n);
		return -1;
	}
	*pq_r = pq;
	*n_r = n;
	return 0;
}

static char *body_hash(const char *body)
{
	size_t len = strlen(body), n = 0;
	char *norm = xmalloc(len + 1), hex[65];

	/* whitespace differences do not make a different mail */
	for (const char *p = body; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (n > 0 && norm[n - 1] != ' ')
				norm[n++] = ' ';
		} else {
			norm[n++] = *p;
		}
	}
	util_sha256_hex(norm, n, hex);
	free(norm);
	return xstrdup(hex);
}

static bool is_own_address(const struct cycle *c, const char *addr)
{
	for (size_t i = 0; i < c->n_own && addr != NULL; i++)
		if (str_eq_ci(c->own[i], addr))
			return true;
	return false;
}

/* What the pure stages (mime, extract, triage) make of one message. They
 * touch neither the store nor the classifier nor any other shared state, so
 * the messages of a chunk are analysed at once on every core
 * (struct analyzer); what follows them is done in order, one message at a
 * time, in the store's transaction (process_message()). */
struct analysis {
	const struct store_message *msg;
	bool mime_failed; /* mail is NULL; error says why */
	bool extract_failed; /* ex is NULL; error says why */
	struct mail_text *mail;
	struct extraction *ex;
	struct triage_result tr;
	char *hash;
	/* for a mail that asks (or may ask: an unknown sender's) */
	char *attachments;
	struct classification *cls; /* one per question_texts() */
	struct error error;
};

/* reader: this thread's (classify_reader_new()), or NULL on the thread
 * that owns the classifier */
static void analyze_message(const struct cycle *c, struct classify_reader *reader,
			    struct analysis *a)
{
	const struct config *cfg = c->config;
	struct mime_limits limits = {
		.max_message_bytes = cfg->limits.max_message_bytes,
		.max_depth = cfg->limits.max_mime_depth,
		.max_parts = cfg->limits.max_mime_parts,
		.max_line_length = cfg->limits.max_line_length,
	};
	struct extract_limits ex_limits = {
		.max_questions = cfg->limits.max_questions_per_mail,
		.max_question_bytes = 16384,
	};
	struct triage_input tin = {
		.associations = cfg->associations,
		.n_associations = cfg->n_associations,
		.own_addresses = c->own,
		.n_own_addresses = c->n_own,
	};
	const struct store_message *msg = a->msg;

	if (msg->truncated)
		return;
	if (mime_decode(msg->raw, msg->raw_size, &limits, &a->mail, &a->error) != 0) {
		a->mime_failed = true;
		return;
	}
	a->hash = body_hash(a->mail->body);
	if (extract_questions(a->mail, &ex_limits, &a->ex, &a->error) != 0) {
		a->extract_failed = true;
		return;
	}
	triage_message(a->mail, a->ex, &tin, &a->tr);
	if (a->tr.verdict != TRIAGE_QUESTION && a->tr.verdict != TRIAGE_UNKNOWN_SENDER)
		return;
	a->attachments = attachment_lines(a->mail);
	a->cls = xcalloc(n_question_texts(a->ex) + 1, sizeof(*a->cls));
	for (size_t i = 0; i < n_question_texts(a->ex); i++) {
		char *title, *text, *both;

		question_texts(a->ex, i, a->attachments, &title, &text);
		both = xasprintf("%s\n%s", title, text);
		if (reader != NULL)
			classify_read(reader, both, &a->cls[i]);
		else
			classify_text(c->classifier, both, &a->cls[i]);
		free(both);
		free(title);
		free(text);
	}
}

static void analysis_clear(struct analysis *a)
{
	extract_free(&a->ex);
	mime_free(&a->mail);
	free(a->hash);
	a->hash = NULL;
	free(a->attachments);
	a->attachments = NULL;
	free(a->cls);
	a->cls = NULL;
}

/* One analysed message into one store transaction. */
static int process_message(struct cycle *c, struct analysis *a, struct error *error_r)
{
	const struct config *cfg = c->config;
	const struct store_message *msg = a->msg;
	struct store_outcome out = { .message = msg->id };
	struct mail_text *mail = a->mail;
	struct extraction *ex = a->ex;
	struct triage_result tr = a->tr;
	struct pending_question *pq = NULL;
	struct store_new_question *questions = NULL;
	char reason[512];
	size_t n_pq = 0;
	int64_t dup = 0;
	int rc;

	if (msg->truncated) {
		out.status = "unparseable";
		snprintf(reason, sizeof(reason),
			 "meddelandet är %zu kB, större än max_message_bytes (%zu kB); bara"
			 " huvudet sparades, resten ligger kvar på servern",
			 msg->size / 1024, cfg->limits.max_message_bytes / 1024);
		out.reason = reason;
		return store_record_outcome(c->store, &out, error_r);
	}
	if (a->mime_failed) {
		out.status = "unparseable";
		snprintf(reason, sizeof(reason), "%s", a->error.text);
		out.reason = reason;
		log_info("cycle: message %lld unparseable: %s", (long long)msg->id, a->error.text);
		return store_record_outcome(c->store, &out, error_r);
	}
	out.message_id = mail->message_id;
	out.from_addr = mail->from_addr;
	out.from_name = mail->from_name;
	out.subject = mail->subject;
	out.in_reply_to = mime_header(mail, "In-Reply-To");
	out.references = mime_header(mail, "References");
	out.body_hash = a->hash;

	if (a->extract_failed) {
		out.status = "unparseable";
		snprintf(reason, sizeof(reason), "%s", a->error.text);
		out.reason = reason;
		return store_record_outcome(c->store, &out, error_r);
	}
	if (msg->forced_association != NULL &&
	    (tr.verdict == TRIAGE_UNKNOWN_SENDER || tr.verdict == TRIAGE_QUESTION)) {
		/* the secretary approved this sender for an association */
		tr.verdict = TRIAGE_QUESTION;
		tr.association = NULL;
		tr.may_acknowledge = !is_own_address(c, mail->from_addr) && mail->from_addr != NULL;
	}
	out.association = msg->forced_association != NULL ? msg->forced_association
			  : tr.association != NULL	   ? tr.association->name
							   : NULL;
	out.status = triage_status(tr.verdict);
	out.reason = tr.reason[0] ? tr.reason : NULL;

	/* the same mail again: by Message-ID, or the same text from the same sender */
	if (tr.verdict == TRIAGE_QUESTION || tr.verdict == TRIAGE_UNKNOWN_SENDER) {
		if (mail->message_id != NULL &&
		    store_find_message_id(c->store, mail->message_id, msg->id, &dup, error_r) != 0)
			return -1;
		if (dup != 0) {
			snprintf(reason, sizeof(reason), "samma Message-ID som meddelande %lld",
				 (long long)dup);
		} else if (mail->from_addr != NULL &&
			   store_find_same_body(c->store, mail->from_addr, a->hash, msg->id, &dup,
						error_r) != 0) {
			return -1;
		} else if (dup != 0) {
			snprintf(reason, sizeof(reason),
				 "samma avsändare och samma text som meddelande %lld (skickat igen)",
				 (long long)dup);
		}
		if (dup != 0) {
			out.status = "duplicate";
			out.reason = reason;
			return store_record_outcome(c->store, &out, error_r);
		}
	}
	if (tr.verdict == TRIAGE_QUESTION || tr.verdict == TRIAGE_UNKNOWN_SENDER) {
		if (build_questions(c, msg, mail, ex, out.association,
				    tr.verdict == TRIAGE_UNKNOWN_SENDER, a->attachments, a->cls, &pq,
				    &n_pq, error_r) != 0) {
			rc = -1;
			goto done;
		}
		questions = xcalloc(n_pq + 1, sizeof(*questions));
		for (size_t i = 0; i < n_pq; i++)
			questions[i] = pq[i].q;
		out.questions = questions;
		out.n_questions = n_pq;
		if (n_pq == 0 && tr.verdict == TRIAGE_QUESTION) {
			out.reason = "inga frågor hittades i meddelandet";
		}
	}
	out.acknowledge = cfg->council.acknowledge && tr.verdict == TRIAGE_QUESTION &&
			  tr.may_acknowledge && n_pq > 0 && !is_own_address(c, mail->from_addr);
	rc = store_record_outcome(c->store, &out, error_r);
	if (rc == 0)
		log_info("cycle: message %lld from %s: %s, %zu question(s)%s%s", (long long)msg->id,
			 out.association ? out.association : "unknown sender", out.status, n_pq,
			 out.reason ? ": " : "", out.reason ? out.reason : "");
done:
	free(questions);
	free_built(pq, n_pq);
	return rc;
}

/* The messages of one store transaction, read and analysed together. */
struct chunk {
	struct analysis a[PROCESS_BATCH];
	struct store_message *msgs[PROCESS_BATCH];
	size_t n;
};

static void chunk_clear(struct chunk *k)
{
	for (size_t i = 0; i < k->n; i++) {
		analysis_clear(&k->a[i]);
		store_message_free(&k->msgs[i]);
	}
	k->n = 0;
}

/* Reads the next new messages after *last into k: PROCESS_BATCH of them, or
 * fewer when their raw bytes reach CHUNK_BYTES (but at least one). */
static int chunk_read(struct cycle *c, int64_t *last, struct chunk *k, struct error *error_r)
{
	size_t bytes = 0;

	while (k->n < PROCESS_BATCH && bytes < CHUNK_BYTES) {
		bool found;

		if (store_next_new(c->store, *last, &k->msgs[k->n], &found, error_r) != 0)
			return -1;
		if (!found)
			break;
		*last = k->msgs[k->n]->id;
		bytes += k->msgs[k->n]->raw_size;
		memset(&k->a[k->n], 0, sizeof(k->a[k->n]));
		k->a[k->n].msg = k->msgs[k->n];
		k->n++;
	}
	return 0;
}

/* Analyses the next chunk on other threads while this one stores the
 * outcomes of the current: the pure stages take most of the CPU, and the
 * store part must stay in order on one thread. Each thread has its own
 * classify_reader; this thread, when it helps (analyzer_finish()), uses
 * the classifier itself, which it does not otherwise touch then. Nothing
 * trains the classifier while an analyzer lives. */
struct analyzer;

struct analyzer_thread {
	struct analyzer *an;
	struct classify_reader *reader;
	pthread_t thread;
};

struct analyzer {
	const struct cycle *c;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a chunk was given, or quit */
	pthread_cond_t done; /* the chunk's last message is analysed */
	/* under lock: the chunk, the next message to take, how many are done */
	struct analysis *a;
	size_t n, next, finished;
	bool quit;
	struct analyzer_thread threads[ANALYZE_THREADS_MAX];
	size_t n_threads;
};

static void *analyzer_main(void *arg)
{
	struct analyzer_thread *t = arg;
	struct analyzer *an = t->an;

	pthread_mutex_lock(&an->lock);
	for (;;) {
		size_t i;

		while (!an->quit && an->next >= an->n)
			pthread_cond_wait(&an->work, &an->lock);
		if (an->quit)
			break;
		i = an->next++;
		pthread_mutex_unlock(&an->lock);
		analyze_message(an->c, t->reader, &an->a[i]);
		pthread_mutex_lock(&an->lock);
		if (++an->finished == an->n)
			pthread_cond_signal(&an->done);
	}
	pthread_mutex_unlock(&an->lock);
	return NULL;
}

/* An analyzer with up to n_threads threads besides this one; where a
 * thread cannot be started this one does its share. The results do not
 * depend on how many run. */
static struct analyzer *analyzer_new(const struct cycle *c, size_t n_threads)
{
	struct analyzer *an = xcalloc(1, sizeof(*an));

	an->c = c;
	pthread_mutex_init(&an->lock, NULL);
	pthread_cond_init(&an->work, NULL);
	pthread_cond_init(&an->done, NULL);
	for (size_t i = 0; i < n_threads && i < ANALYZE_THREADS_MAX; i++) {
		struct analyzer_thread *t = &an->threads[an->n_threads];

		t->an = an;
		t->reader = classify_reader_new(c->classifier);
		if (pthread_create(&t->thread, NULL, analyzer_main, t) != 0) {
			classify_reader_free(&t->reader);
			break;
		}
		an->n_threads++;
	}
	return an;
}

static void analyzer_start(struct analyzer *an, struct chunk *k)
{
	pthread_mutex_lock(&an->lock);
	an->a = k->a;
	an->n = k->n;
	an->next = 0;
	an->finished = 0;
	pthread_cond_broadcast(&an->work);
	pthread_mutex_unlock(&an->lock);
}

/* Returns when the chunk of analyzer_start() is analysed, helping with it. */
static void analyzer_finish(struct analyzer *an)
{
	pthread_mutex_lock(&an->lock);
	while (an->next < an->n) {
		size_t i = an->next++;

		pthread_mutex_unlock(&an->lock);
		analyze_message(an->c, NULL, &an->a[i]);
		pthread_mutex_lock(&an->lock);
		an->finished++;
	}
	while (an->finished < an->n)
		pthread_cond_wait(&an->done, &an->lock);
	pthread_mutex_unlock(&an->lock);
}

/* Waits for a chunk given and not finished, then ends the threads. */
static void analyzer_free(struct analyzer **anp)
{
	struct analyzer *an = *anp;

	if (an == NULL)
		return;
	analyzer_finish(an);
	pthread_mutex_lock(&an->lock);
	an->quit = true;
	pthread_cond_broadcast(&an->work);
	pthread_mutex_unlock(&an->lock);
	for (size_t i = 0; i < an->n_threads; i++) {
		pthread_join(an->threads[i].thread, NULL);
		classify_reader_free(&an->threads[i].reader);
	}
	pthread_cond_destroy(&an->done);
	pthread_cond_destroy(&an->work);
	pthread_mutex_destroy(&an->lock);
	free(an);
	*anp = NULL;
}

/* Stores the outcomes of cur in one transaction; a stop commits what is
 * done, and the rest stays "new" (it is analysed again next time). */
static int chunk_store(struct cycle *c, struct chunk *cur, volatile sig_atomic_t *stop,
		       size_t *n_r, struct error *error_r)
{
	struct error ignored;

	if (store_batch_begin(c->store, error_r) != 0)
		return -1;
	for (size_t i = 0; i < cur->n && !*stop; i++) {
		if (process_message(c, &cur->a[i], error_r) != 0) {
			/* what was processed in this batch stays "new" */
			store_batch_end(c->store, false, &ignored);
			return -1;
		}
		(*n_r)++;
	}
	return store_batch_end(c->store, true, error_r);
}

int cycle_process(struct cycle *c, volatile sig_atomic_t *stop, size_t *n_r, struct error *error_r)
{
	struct chunk *chunks = xcalloc(2, sizeof(*chunks)), *cur = &chunks[0], *next = &chunks[1];
	struct chunk *swap;
	struct analyzer *an = NULL;
	int64_t last = 0, trained;
	size_t n = 0;
	int rc = -1;

	*n_r = 0;
	/* corrections agendactl made since: the next classification follows them */
	trained = c->trained_upto;
	if (store_training(c->store, c->trained_upto, train_cb, c->classifier, &c->trained_upto,
			   error_r) != 0)
		goto out;
	if (c->trained_upto != trained)
		sim_memo_clear(&c->sim_memo);
	if (chunk_read(c, &last, cur, error_r) != 0)
		goto out;
	/* threads only when there is more than one mail to share out: a cycle
	 * with nothing new (most of them) starts none */
	an = analyzer_new(c, cur->n > 1 ? c->analyze_threads - 1 : 0);
	if (cur->n > 0) {
		analyzer_start(an, cur);
		analyzer_finish(an);
	}
	while (cur->n > 0 && !*stop) {
		if (chunk_read(c, &last, next, error_r) != 0)
			goto out;
		if (next->n > 0)
			analyzer_start(an, next);
		if (chunk_store(c, cur, stop, &n, error_r) != 0)
			goto out;
		sd_notify(0, "WATCHDOG=1");
		chunk_clear(cur);
		analyzer_finish(an);
		swap = cur;
		cur = next;
		next = swap;
	}
	rc = 0;
out:
	analyzer_free(&an);
	chunk_clear(&chunks[0]);
	chunk_clear(&chunks[1]);
	free(chunks);
	*n_r = n;
	return rc;
}

int cycle_place_waiting(struct cycle *c, int *n_r, struct error *error_r)
{
	struct store_meeting *meetings;
	char today[11];
	size_t n;
	int total = 0;

	*n_r = 0;
	if (store_meetings(c->store, &meetings, &n, error_r) != 0)
		return -1;
	util_local_day(time(NULL), today);
	/* each waiting question goes to the first meeting whose cutoff it made */
	for (size_t i = 0; i < n; i++) {
		char cutoff[11];
		int placed = 0;
		if (strcmp(meetings[i].date, today) < 0)
			continue;
		schedule_cutoff(meetings[i].date, c->config->council.cutoff_days, cutoff);
		if (store_place_waiting(c->store, cutoff, meetings[i].date, &placed, error_r) != 0) {
			store_meetings_free(meetings, n);
			return -1;
		}
		if (placed > 0)
			log_info("schedule: %d waiting question(s) placed on the meeting of %s",
				 placed, meetings[i].date);
		total += placed;
	}
	store_meetings_free(meetings, n);
	*n_r = total;
	return 0;
}

/* ---- render -> outbox ---------------------------------------------------------------- */

/* Composes mail and fills out (which borrows the returned buffer). */
static int compose(struct cycle *c, const struct outbox_mail *mail, const char *kind,
		   const char *meeting, int64_t message, struct buf *raw, char **message_id_r,
		   struct store_outgoing *out, struct error *error_r)
{
	char *message_id = outbox_new_message_id(c->config->smtp.from);

	if (outbox_compose(mail, message_id, time(NULL), raw, error_r) != 0) {
		free(message_id);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->message_id = message_id;
	out->mail_from = c->config->smtp.from;
	out->rcpt = mail->to_addr;
	out->subject = mail->subject;
	out->raw = raw->data;
	out->raw_size = raw->len;
	out->meeting = meeting;
	out->message = message;
	*message_id_r = message_id;
	return 0;
}

static int queue_ack(struct cycle *c, const struct store_message *msg, time_t now,
		     size_t *n_r, struct error *error_r)
{
	struct store_question *questions = NULL;
	struct render_context ctx;
	struct store_outgoing out;
	struct buf raw = { 0 };
	char *subject = NULL, *text = NULL, *message_id = NULL;
	struct store_meeting *meetings = NULL;
	size_t n, n_meetings = 0;
	time_t last;
	int rc;

	if (msg->from_addr == NULL || is_own_address(c, msg->from_addr))
		return store_ack_skip(c->store, msg->id, "ingen avsändare att svara", error_r);
	if (store_last_ack_to(c->store, msg->from_addr, &last, error_r) != 0)
		return -1;
	if (last != 0 && now - last < ACK_INTERVAL)
		return 0; /* a burst: this one waits for the hour to pass */
	if (store_message_questions(c->store, msg->id, &questions, &n, error_r) != 0)
		return -1;
	if (store_meetings(c->store, &meetings, &n_meetings, error_r) != 0) {
		store_questions_free(questions, n);
		return -1;
	}
	cycle_render_context(c, false, &ctx);
	/* lets the ack say that a question missed a nearer meeting's cutoff */
	ctx.meetings = meetings;
	ctx.n_meetings = n_meetings;
	rc = render_ack(c->templates, &ctx, msg, questions, n, &subject, &text, error_r);
	if (rc == 0) {
		struct outbox_mail mail = {
			.from_addr = c->config->smtp.from,
			.from_name = c->config->council.name,
			.to_addr = msg->from_addr,
			.to_name = msg->from_name,
			.subject = subject,
			.in_reply_to = msg->message_id,
			.references = msg->message_id,
			.auto_submitted = "auto-replied",
			.text = text,
		};
		rc = compose(c, &mail, "ack", n > 0 ? questions[0].meeting : NULL, msg->id, &raw,
			     &message_id, &out, error_r);
		if (rc == 0)
			rc = store_outbox_queue(c->store, &out, 1, msg->id, NULL, false, error_r);
		if (rc == 0)
			(*n_r)++;
	}
	store_questions_free(questions, n);
	store_meetings_free(meetings, n_meetings);
	buf_free(&raw);
	free(subject);
	free(text);
	free(message_id);
	return rc;
}

static void meeting_subject_date(const struct store_meeting *m, char out[64])
{
	render_swedish_date(m->date, out);
}

/* The draft agenda (with the meeting as .ics) and the minutes skeleton
 * (with a .docx) to the secretary, queued together with the meeting's
 * draft state (store.c rule 5). */
static int queue_draft(struct cycle *c, const char *meeting, bool updated, struct error *error_r)
{
	const struct config *cfg = c->config;
	struct store_agenda *agenda = NULL;
	struct render_context ctx;
	char *agenda_text = NULL, *agenda_html = NULL, *minutes_text = NULL, *minutes_html = NULL;
	char *ics = NULL, *subject[2] = { NULL, NULL }, *ids[2] = { NULL, NULL };
	void *docx = NULL;
	size_t docx_size = 0;
	struct buf raw[2] = { { 0 }, { 0 } };
	struct store_outgoing out[2];
	char date[64], *domain;
	int rc;

	if (store_load_agenda(c->store, meeting, &agenda, error_r) != 0)
		return -1;
	cycle_render_context(c, updated, &ctx);
	domain = strchr(cfg->smtp.from, '@');
	rc = render_agenda(c->templates, &ctx, agenda, RENDER_TEXT, &agenda_text, error_r);
	if (rc == 0)
		rc = render_agenda(c->templates, &ctx, agenda, RENDER_HTML, &agenda_html, error_r);
	if (rc == 0)
		rc = render_minutes(c->templates, &ctx, agenda, RENDER_TEXT, &minutes_text, error_r);
	if (rc == 0)
		rc = render_minutes(c->templates, &ctx, agenda, RENDER_HTML, &minutes_html, error_r);
	if (rc == 0)
		rc = render_minutes_docx(&ctx, agenda, &docx, &docx_size, error_r);
	if (rc == 0)
		rc = render_meeting_ics(&ctx, agenda, domain ? domain + 1 : "agendad.invalid", &ics,
					error_r);
	if (rc == 0) {
		meeting_subject_date(&agenda->meeting, date);
		subject[0] = xasprintf("%sDagordning %s %s", updated ? "Uppdaterad: " : "",
				       cfg->council.name, date);
		subject[1] = xasprintf("%sMötesanteckning (utkast) %s %s",
				       updated ? "Uppdaterad: " : "", cfg->council.name, date);
		char *ics_name = xasprintf("%s %s.ics", cfg->council.name, meeting);
		char *docx_name = xasprintf("Mötesanteckning %s %s.docx", cfg->council.name, meeting);
		struct outbox_attachment ics_att = { ics_name, "text/calendar; method=PUBLISH", ics,
						     strlen(ics) };
		struct outbox_attachment docx_att = {
			docx_name,
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			docx, docx_size
		};
		struct outbox_mail mails[2] = {
			{ .from_addr = cfg->smtp.from,
			  .from_name = cfg->council.name,
			  .to_addr = cfg->council.secretary,
			  .to_name = cfg->council.secretary_name,
			  .subject = subject[0],
			  .auto_submitted = "auto-generated",
			  .text = agenda_text,
			  .html = agenda_html,
			  .attachments = &ics_att,
			  .n_attachments = 1 },
			{ .from_addr = cfg->smtp.from,
			  .from_name = cfg->council.name,
			  .to_addr = cfg->council.secretary,
			  .to_name = cfg->council.secretary_name,
			  .subject = subject[1],
			  .auto_submitted = "auto-generated",
			  .text = minutes_text,
			  .html = minutes_html,
			  .attachments = &docx_att,
			  .n_attachments = 1 },
		};
		rc = compose(c, &mails[0], "agenda", meeting, 0, &raw[0], &ids[0], &out[0], error_r);
		if (rc == 0)
			rc = compose(c, &mails[1], "minutes", meeting, 0, &raw[1], &ids[1], &out[1],
				     error_r);
		if (rc == 0)
			rc = store_outbox_queue(c->store, out, 2, 0, meeting, updated, error_r);
		free(ics_name);
		free(docx_name);
	}
	if (rc == 0)
		log_info("outbox: %sdraft agenda and minutes of %s queued for the secretary",
			 updated ? "updated " : "", meeting);
	for (int i = 0; i < 2; i++) {
		buf_free(&raw[i]);
		free(subject[i]);
		free(ids[i]);
	}
	free(agenda_text);
	free(agenda_html);
	free(minutes_text);
	free(minutes_html);
	free(ics);
	free(docx);
	store_agenda_free(&agenda);
	return rc;
}

int cycle_queue_draft(struct cycle *c, const char *meeting, struct error *error_r)
{
	struct store_meeting *meetings;
	bool updated = false;
	size_t n;

	if (store_meetings(c->store, &meetings, &n, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(meetings[i].date, meeting) == 0)
			updated = meetings[i].draft_sent != 0;
	store_meetings_free(meetings, n);
	return queue_draft(c, meeting, updated, error_r);
}

int cycle_queue_due(struct cycle *c, time_t now, size_t *n_r, struct error *error_r)
{
	struct store_message *pending = NULL;
	struct store_meeting *meetings = NULL;
	char today[11];
	size_t n_pending = 0, n_meetings = 0, queued = 0;
	int rc = 0;

	*n_r = 0;
	if (store_ack_pending(c->store, &pending, &n_pending, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n_pending && rc == 0; i++)
		rc = queue_ack(c, &pending[i], now, &queued, error_r);
	store_messages_free(pending, n_pending);
	if (rc != 0)
		return -1;

	if (store_meetings(c->store, &meetings, &n_meetings, error_r) != 0)
		return -1;
	util_local_day(now, today);
	for (size_t i = 0; i < n_meetings && rc == 0; i++) {
		const struct store_meeting *m = &meetings[i];
		time_t newest;
		if (strcmp(m->date, today) < 0)
			continue;
		if (m->draft_sent == 0) {
			if (schedule_draft_due(m->date, c->config->council.draft_days, today)) {
				rc = queue_draft(c, m->date, false, error_r);
				queued += 2;
			}
			continue;
		}
		rc = store_meeting_newest(c->store, m->date, &newest, error_r);
		if (rc == 0 && schedule_update_due(m->draft_sent, m->draft_updated, newest, now)) {
			rc = queue_draft(c, m->date, true, error_r);
			queued += 2;
		}
	}
	store_meetings_free(meetings, n_meetings);
	*n_r = queued;
	return rc;
}

/* ---- outbox -> smtp ------------------------------------------------------------------ */

int cycle_deliver(struct cycle *c, time_t now, volatile sig_atomic_t *stop, size_t *n_sent_r,
		  size_t *n_deferred_r, struct error *error_r)
{
	const struct config *cfg = c->config;
	struct store_outbox_row *rows = NULL;
	struct smtp_credentials cred = { .username = cfg->smtp.username };
	char *password = NULL;
	size_t n = 0, sent = 0, deferred = 0;
	int rc = 0;

	*n_sent_r = *n_deferred_r = 0;
	if (store_outbox_due(c->store, now, &rows, &n, error_r) != 0)
		return -1;
	if (n == 0) {
		free(rows);
		return 0;
	}
	if (cfg->smtp.username != NULL) {
		if (cfg->smtp.auth == CONFIG_AUTH_XOAUTH2) {
			if (oauth2_token(c->oauth2, cfg, false, &cred.access_token, error_r) != 0) {
				store_outbox_rows_free(rows, n);
				return -1;
			}
		} else {
			if (config_read_secret(cfg,
					       cfg->smtp.password_file ? cfg->smtp.password_file
								       : "smtp-password",
					       &password, error_r) != 0) {
				store_outbox_rows_free(rows, n);
				return -1;
			}
			cred.password = password;
		}
	}
	sd_notifyf(0, "STATUS=sending %zu mails", n);
	for (size_t i = 0; i < n && rc == 0 && !*stop; i++) {
		struct store_outbox_row *row = &rows[i];
		enum outbox_result result;
		char reply[256] = "";

		sd_notify(0, "WATCHDOG=1");
		if (store_check_reserve(c->store, error_r) != 0 ||
		    outbox_claim(c->store, row, error_r) != 0) {
			rc = -1;
			break;
		}
		result = smtp_send(&cfg->smtp, &cred, row->mail_from, row->rcpt, row->raw,
				   row->raw_size, reply);
		if (outbox_settle(c->store, row, result, reply, time(NULL), error_r) != 0) {
			rc = -1;
			break;
		}
		/* addresses are personal data that erase cannot reach in the journal:
		 * the outbox id identifies the mail (agendactl outbox) */
		log_debug("smtp: outbox %lld goes to %s", (long long)row->id, row->rcpt);
		if (result == OUTBOX_SENT) {
			sent++;
			log_info("smtp: %s, outbox %lld, sent (%s)", row->kind, (long long)row->id,
				 row->message_id);
		} else if (result == OUTBOX_PERMFAIL) {
			log_err("smtp: %s, outbox %lld, refused for good: %s", row->kind,
				(long long)row->id, reply);
			/* the same sender would be refused for every other mail: the
			 * rest waits for the next cycle (agendactl status shows the
			 * failed one, so this is no error of the cycle itself) */
			if (strncmp(reply, SMTP_REPLY_SENDER_REFUSED,
				    strlen(SMTP_REPLY_SENDER_REFUSED)) == 0)
				break;
		} else {
			bool auth_failed = strncmp(reply, SMTP_REPLY_AUTH_FAILED,
						   strlen(SMTP_REPLY_AUTH_FAILED)) == 0;
			deferred++;
			log_warn("smtp: %s, outbox %lld, deferred: %s", row->kind, (long long)row->id,
				 reply);
			if (auth_failed && cfg->smtp.auth == CONFIG_AUTH_XOAUTH2) {
				/* an expired token: the next attempt fetches a new one */
				const char *fresh;
				struct error ignored;
				oauth2_token(c->oauth2, cfg, true, &fresh, &ignored);
			}
			/* the server itself is in trouble, or refuses us: do not hammer
			 * it with the rest */
			if (auth_failed || strstr(reply, "connect") != NULL ||
			    strstr(reply, "timed out") != NULL || strstr(reply, "TLS") != NULL ||
			    strstr(reply, "certificate") != NULL) {
				err_set(error_r, ERR_TEMP, "smtp: %s", reply);
				rc = -1;
			}
		}
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	store_outbox_rows_free(rows, n);
	*n_sent_r = sent;
	*n_deferred_r = deferred;
	if (sent > 0) {
		char stamp[21];
		struct error ignored;
		util_iso8601_utc(time(NULL), stamp);
		store_state_set(c->store, "last_delivery", stamp, &ignored);
	}
	return rc;
}

int cycle_expire(struct cycle *c, time_t now, struct error *error_r)
{
	char today[11], before[11];
	int n = 0;

	util_local_day(now, today);
	util_date_add(today, -c->config->council.retention_days, before);
	if (store_expire(c->store, before, &n, error_r) != 0)
		return -1;
	if (n > 0)
		log_info("store: removed personal data of %d row(s) older than %s (retention_days)",
			 n, before);
	return 0;
}

/* ---- one full cycle ---------------------------------------------------------------------- */

int cycle_run(struct cycle *c, volatile sig_atomic_t *stop, struct cycle_stats *stats_r,
	      struct error *error_r)
{
	struct error err;
	time_t now;
	int64_t t0 = util_now_ms(), t1, t2;
	int rc = 0;

	memset(stats_r, 0, sizeof(*stats_r));
	err_clear(error_r);
	/* a fetch failure does not stop the rest: what is stored is processed
	 * and what is due is delivered */
	if (cycle_fetch(c, stop, &stats_r->fetched, &err) != 0) {
		*error_r = err;
		rc = -1;
	} else {
		char stamp[21];
		util_iso8601_utc(time(NULL), stamp);
		if (store_state_set(c->store, "last_fetch", stamp, &err) != 0)
			log_warn("store: %s", err.text);
	}
	t1 = util_now_ms();
	if (cycle_process(c, stop, &stats_r->processed, &err) != 0) {
		*error_r = err;
		return -1;
	}
	t2 = util_now_ms();
	/* where a slow cycle spends its time (make bench reads it) */
	log_debug("cycle: fetch %lld ms, process %lld ms", (long long)(t1 - t0),
		  (long long)(t2 - t1));
	now = time(NULL);
	if (*stop)
		return rc;
	if (cycle_queue_due(c, now, &stats_r->queued, &err) != 0) {
		*error_r = err;
		return -1;
	}
	/* what was queued just now is due now, however long rendering took */
	now = time(NULL);
	if (cycle_deliver(c, now, stop, &stats_r->sent, &stats_r->deferred, &err) != 0) {
		if (rc == 0)
			*error_r = err;
		rc = -1;
	}
	if (cycle_expire(c, now, &err) != 0)
		log_warn("%s", err.text);
	return rc;
}

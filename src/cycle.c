/* cycle.c - the order of the stages; see cycle.h and cycle_p.h.
 *
 * This module is the only one that knows the data flow of DESIGN.md, and this
 * file says in what order it runs: each arrow of the flow is one call in
 * cycle_run(), at the end of this file; the modules it calls know nothing of
 * each other. It is also where errors are decided about and logged: a message
 * that cannot be read is recorded with its reason and the cycle goes on; a
 * server that cannot be reached ends the step and is retried later.
 *
 *   imap -> store                       cycle_fetch()      cycle_fetch.c
 *   store -> mime -> extract -> triage
 *     -> classify -> schedule -> store  cycle_process()    cycle_process.c
 *   render -> outbox                    cycle_queue_due()  cycle_send.c
 *   outbox -> smtp                      cycle_deliver()    cycle_send.c
 *
 * This file holds the rest: opening, reloading and closing a cycle (the
 * classifier, the templates, the [meeting] sections of the config) and what
 * agendactl asks of an open one. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "agendad/log.h"
#include "agendad/outbox.h"
#include "agendad/schedule.h"
#include "agendad/util.h"
#include "cycle_p.h"

/* The largest training file read at start-up. */
#define TRAINING_MAX_BYTES (16u << 20)

/* ---- opening ------------------------------------------------------------------ */

int cycle_train_cb(void *ctx, const char *text, const char *category, struct error *error_r)
{
	/* a correction to a category that categories.conf no longer has is
	 * skipped, not fatal */
	struct error ignored;

	(void)error_r;
	classify_correct(ctx, text, category, &ignored);
	return 0;
}

/* The cache key of a model: what it was fitted from, and the format. The
 * council's name is part of it: it is taken out of the training texts too
 * (classify_set_council()), so another name fits another model. */
static void model_key(const char *categories, const char *council, const char *training,
		      char key_r[65])
{
	char *all = xasprintf("agendad model %d\n%s%c%s%c%s", CLASSIFY_MODEL_VERSION, categories,
			      0, council, 0, training);
	size_t n = strlen(all) + 1 + strlen(council) + 1 + strlen(training);

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
	model_key(categories, config->council.name != NULL ? config->council.name : "", text, key);
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
	if (store_training(store, 0, cycle_train_cb, c, trained_r, error_r) != 0) {
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

bool cycle_is_own_address(const struct cycle *c, const char *addr)
{
	for (size_t i = 0; i < c->n_own && addr != NULL; i++)
		if (str_eq_ci(c->own[i], addr))
			return true;
	return false;
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
const char **meeting_dates(const struct store_meeting *meetings, size_t n)
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

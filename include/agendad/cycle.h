/* cycle.h - the one place that knows the order of the stages (DESIGN.md):
 *
 *   imap (fetch) -> store -> mime -> extract -> triage -> classify ->
 *   schedule -> render -> outbox -> smtp
 *
 * A struct cycle holds what a running agendad (or one agendactl command)
 * needs across stages: the store, the classifier, the templates, the IMAP
 * session and the OAuth token cache. agendad runs cycle_run() in its loop;
 * agendactl calls the single steps. Every function logs the errors it
 * decides about and returns the rest. */
#ifndef AGENDAD_CYCLE_H
#define AGENDAD_CYCLE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "agendad/classify.h"
#include "agendad/config.h"
#include "agendad/err.h"
#include "agendad/render.h"
#include "agendad/store.h"

struct cycle;

/* What one cycle did, for logs and sd_notify STATUS. */
struct cycle_stats {
	size_t fetched;
	size_t processed;
	size_t queued;
	size_t sent;
	size_t deferred; /* delivery attempts that will be retried */
};

/* Takes the open store (closing it on failure too), loads categories, the
 * training set, the corrections and the templates, and brings the [meeting]
 * sections of config into the store. config is borrowed and must outlive the
 * cycle (see cycle_reload). The caller opens the store itself so that it
 * can tell a database error (exit 74) from a configuration error (78). */
int cycle_open(const struct config *config, struct store *store, struct cycle **cycle_r,
	       struct error *error_r);
void cycle_close(struct cycle **cycle);

/* Only for the process that delivers mail (agendad), once at start-up: takes
 * the database's instance lock (a second agendad on the same database is
 * refused with ERR_TEMP) and returns mails a crash left in "sending" to the
 * queue. agendactl never calls it: a row "sending" may be in a running
 * daemon's hands. */
int cycle_start_daemon(struct cycle *cycle, struct error *error_r);

/* SIGHUP: switches to a new, already valid config (borrowed), reloading what
 * depends on it. On failure the cycle keeps the old config. */
int cycle_reload(struct cycle *cycle, const struct config *config, struct error *error_r);

struct store *cycle_store(struct cycle *cycle);
const struct classifier *cycle_classifier(const struct cycle *cycle);
const struct render_templates *cycle_templates(const struct cycle *cycle);
/* The render context for this council; now is the current time. */
void cycle_render_context(const struct cycle *cycle, bool updated, struct render_context *ctx_r);

/* Resolves "next" (the next meeting from today), "" or NULL (the same) or a
 * date to a planned meeting date in out; ERR_MESSAGE when there is none. */
int cycle_resolve_meeting(struct cycle *cycle, const char *spec, char out[11],
			  struct error *error_r);

/* imap -> store: imports every new message, then marks it on the server.
 * ERR_TEMP when the server cannot be reached, ERR_FATAL for certificate or
 * login problems. */
int cycle_fetch(struct cycle *cycle, volatile sig_atomic_t *stop, size_t *n_new_r,
		struct error *error_r);

/* store -> mime -> extract -> triage -> classify -> schedule -> store, for
 * every message waiting to be processed. */
int cycle_process(struct cycle *cycle, volatile sig_atomic_t *stop, size_t *n_r,
		  struct error *error_r);

/* Places questions that wait for a meeting into meetings added since. */
int cycle_place_waiting(struct cycle *cycle, int *n_r, struct error *error_r);

/* render -> outbox: acknowledgements that are pending, drafts that are due
 * (draft_days before a meeting, once) and updated drafts (at most daily). */
int cycle_queue_due(struct cycle *cycle, time_t now, size_t *n_r, struct error *error_r);

/* render -> outbox: the draft agenda and minutes skeleton of one meeting,
 * now (agendactl send-draft). */
int cycle_queue_draft(struct cycle *cycle, const char *meeting, struct error *error_r);

/* outbox -> smtp: delivers every mail that is due. */
int cycle_deliver(struct cycle *cycle, time_t now, volatile sig_atomic_t *stop, size_t *n_sent_r,
		  size_t *n_deferred_r, struct error *error_r);

/* Removes personal data past retention_days after its meeting. */
int cycle_expire(struct cycle *cycle, time_t now, struct error *error_r);

/* One full cycle: fetch, process, queue what is due, deliver. Stops early
 * when *stop is set. Returns -1 with the first error that the caller should
 * act on (a server unreachable: ERR_TEMP); the other stages still ran. */
int cycle_run(struct cycle *cycle, volatile sig_atomic_t *stop, struct cycle_stats *stats_r,
	      struct error *error_r);

/* Waits for new mail (IMAP IDLE, or a sleep when the server has none or
 * cannot be reached) for at most timeout_s, or until *stop or *wake. */
void cycle_wait(struct cycle *cycle, int timeout_s, volatile sig_atomic_t *stop);

#endif

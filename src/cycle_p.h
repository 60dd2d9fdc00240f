/* cycle_p.h - private to the cycle module, whose files are the arrows of the
 * data flow (DESIGN.md), in the order cycle_run() calls them:
 *
 *   cycle.c          opening, reloading and closing a cycle; cycle_run(), the
 *                    order of one full cycle
 *   cycle_fetch.c    imap -> store: fetch batches, the import thread, marking
 *                    on the server, waiting for mail
 *   cycle_process.c  store -> mime -> extract -> triage -> classify ->
 *                    schedule -> store: the analyzer threads, chunks,
 *                    near-duplicates, building questions
 *   cycle_send.c     render -> outbox (acks, drafts) and outbox -> smtp
 *                    (delivery, expiry)
 *
 * Only these files see struct cycle. */
#ifndef AGENDAD_CYCLE_P_H
#define AGENDAD_CYCLE_P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agendad/cycle.h"
#include "agendad/err.h"
#include "agendad/imap.h"
#include "agendad/oauth2.h"

/* Threads that analyse messages at once (struct analyzer, cycle_process.c);
 * cycle_open() takes one per core up to this many. */
#define ANALYZE_THREADS_MAX 4

/* The similarity vectors of questions of a meeting, by question id: each new
 * question is compared with every queued one of its meeting, and making the
 * vectors is nearly all the cost of a comparison. An entry counts only while
 * its question still has the text it was made from (agendactl may reprocess
 * a mail between two batches); the memo is emptied whenever the classifier
 * changes (vectors depend on its weights) and when it grows past
 * SIM_MEMO_MAX entries. */
struct sim_entry;

struct sim_memo {
	struct sim_entry *v; /* sorted by id */
	size_t n, cap;
};

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
	struct sim_memo sim_memo; /* see near_duplicate_item() (cycle_process.c) */
	size_t analyze_threads; /* see struct analyzer (cycle_process.c) */
};

/* ---- cycle.c ---- */

/* store_training() callback: one correction of the secretary's into the
 * classifier ctx. */
int cycle_train_cb(void *ctx, const char *text, const char *category, struct error *error_r);
/* Meeting dates in order, borrowed from meetings. */
const char **meeting_dates(const struct store_meeting *meetings, size_t n);
/* Whether addr is one of the council's own addresses (c->own). */
bool cycle_is_own_address(const struct cycle *c, const char *addr);

/* ---- cycle_process.c ---- */

/* Empties the memo (its array stays allocated). */
void sim_memo_clear(struct sim_memo *memo);

#endif

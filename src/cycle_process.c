/* cycle_process.c - store -> mime -> extract -> triage -> classify ->
 * schedule -> store: every new message is analysed by the pure stages (on
 * the analyzer's threads, a chunk at a time), then its outcome, questions,
 * meeting and near-duplicates go into the store in order, one transaction a
 * chunk; and waiting questions are placed on meetings. See cycle_p.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "agendad/extract.h"
#include "agendad/log.h"
#include "agendad/mime.h"
#include "agendad/schedule.h"
#include "agendad/triage.h"
#include "agendad/util.h"
#include "cycle_p.h"

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

/* The entries of struct sim_memo (cycle_p.h), and how many it holds. */
#define SIM_MEMO_MAX 20000

struct sim_entry {
	int64_t id;
	char *text;
	struct classify_vector *all;
	struct classify_vector *asking; /* NULL: no sentence of it asks */
};

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

void sim_memo_clear(struct sim_memo *memo)
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
	struct mime_limits limits = mime_limits_of(&cfg->limits);
	struct extract_limits ex_limits = extract_limits_of(&cfg->limits);
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
		tr.may_acknowledge =
		    !cycle_is_own_address(c, mail->from_addr) && mail->from_addr != NULL;
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
		/* what the writer said for the secretary; a robot says nothing */
		out.notes = ex->notes;
		/* a mail that only says who attends or what they need has
		 * nothing wrong with it: the secretary reads its notes */
		if (n_pq == 0 && tr.verdict == TRIAGE_QUESTION)
			out.reason = ex->notes != NULL ? "inga frågor, bara upplysningar till sekreteraren"
						       : "inga frågor hittades i meddelandet";
	}
	out.acknowledge = cfg->council.acknowledge && tr.verdict == TRIAGE_QUESTION &&
			  tr.may_acknowledge && n_pq > 0 &&
			  !cycle_is_own_address(c, mail->from_addr);
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
	if (store_next_new_chunk(c->store, *last, PROCESS_BATCH, CHUNK_BYTES, k->msgs, &k->n,
				 error_r) != 0)
		return -1;
	for (size_t i = 0; i < k->n; i++) {
		memset(&k->a[i], 0, sizeof(k->a[i]));
		k->a[i].msg = k->msgs[i];
	}
	if (k->n > 0)
		*last = k->msgs[k->n - 1]->id;
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
	if (store_training(c->store, c->trained_upto, cycle_train_cb, c->classifier,
			   &c->trained_upto, error_r) != 0)
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

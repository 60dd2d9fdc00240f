/* agendactl.c - the secretary's and the administrator's tool: reads and
 * edits the same database as agendad, through the same modules (a thin main
 * over cycle.c and store.c). Messages to people are in Swedish; every
 * command exits non-zero with a one-line reason on bad input. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "agendad/classify.h"
#include "agendad/config.h"
#include "agendad/cycle.h"
#include "agendad/render.h"
#include "agendad/schedule.h"
#include "agendad/store.h"
#include "agendad/util.h"

/* A status older than this without a successful fetch means the daemon is
 * not doing its job. */
#define STATUS_STALE_FETCH (30 * 60)
/* Mail waits too long: queued after this many refused attempts, or failed
 * for good within this window (older failures are history, or a monitoring
 * check would warn for the whole retention period). At most STATUS_PROBLEMS
 * of them are shown. */
#define STATUS_RETRIED       3
#define STATUS_FAILED_WINDOW (7 * 86400)
#define STATUS_PROBLEMS      10

struct ctl {
	struct config *config;
	struct cycle *cycle;
	struct store *store; /* borrowed from cycle */
};

struct command {
	const char *name;
	const char *sub; /* "add" for "meeting add", or NULL */
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *usage;
};

static int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("agendactl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* Exit code for an error from a lower layer. */
static int fail_err(const struct error *err)
{
	int code = err->kind == ERR_MESSAGE ? EX_DATAERR
		   : err->kind == ERR_TEMP  ? EX_TEMPFAIL
					    : EX_SOFTWARE;
	return fail(code, "%s", err->text);
}

/* ---- argument helpers ------------------------------------------------------------ */

/* Finds "--name VALUE" (or "--name=VALUE") in argv and removes it; returns
 * the value, or NULL. *bad is set when the option is there without a value. */
static const char *take_option(int *argc, char **argv, const char *name, bool *bad)
{
	size_t len = strlen(name);

	for (int i = 0; i < *argc; i++) {
		const char *v = NULL;
		int used = 0;
		if (strcmp(argv[i], name) == 0) {
			if (i + 1 >= *argc) {
				*bad = true;
				return NULL;
			}
			v = argv[i + 1];
			used = 2;
		} else if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
			v = argv[i] + len + 1;
			used = 1;
		}
		if (used > 0) {
			memmove(&argv[i], &argv[i + used], sizeof(*argv) * (size_t)(*argc - i - used));
			*argc -= used;
			return v;
		}
	}
	return NULL;
}

static bool take_flag(int *argc, char **argv, const char *name)
{
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			memmove(&argv[i], &argv[i + 1], sizeof(*argv) * (size_t)(*argc - i - 1));
			(*argc)--;
			return true;
		}
	}
	return false;
}

static int64_t parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return 0;
	return (int64_t)v;
}

/* Leftover arguments are an error: every command says exactly what it takes. */
static int no_more(int argc, char **argv, const char *usage)
{
	if (argc > 0) {
		if (argv[0][0] == '-')
			return fail(EX_USAGE, "okänd flagga '%s' (%s)", argv[0], usage);
		return fail(EX_USAGE, "oväntat argument '%s' (%s)", argv[0], usage);
	}
	return 0;
}

static int resolve_meeting(struct ctl *ctl, const char *spec, char out[11])
{
	struct error err;

	if (cycle_resolve_meeting(ctl->cycle, spec, out, &err) != 0)
		return fail_err(&err);
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *time_json(time_t t)
{
	char stamp[21];

	if (t == 0)
		return json_null();
	util_iso8601_utc(t, stamp);
	return json_string(stamp);
}

static json_t *question_json(const struct store_question *q)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(q->id));
	json_object_set_new(o, "message_id", str_or_null(q->message_id));
	json_object_set_new(o, "message", json_integer(q->message));
	json_object_set_new(o, "association", str_or_null(q->association));
	json_object_set_new(o, "category", json_string(q->category));
	json_object_set_new(o, "score", json_real(q->score));
	json_object_set_new(o, "confident", json_boolean(q->confident));
	json_object_set_new(o, "meeting", str_or_null(q->meeting));
	json_object_set_new(o, "item", q->item_number > 0 ? json_integer(q->item_number)
							  : json_null());
	json_object_set_new(o, "item_id", q->item > 0 ? json_integer(q->item) : json_null());
	json_object_set_new(o, "title", json_string(q->title));
	json_object_set_new(o, "text", json_string(q->text));
	json_object_set_new(o, "status", json_string(q->status));
	json_object_set_new(o, "duplicate_of",
			    q->duplicate_of > 0 ? json_integer(q->duplicate_of) : json_null());
	json_object_set_new(o, "received", time_json(q->received));
	json_object_set_new(o, "attachments", str_or_null(q->attachments));
	return o;
}

static json_t *message_json(const struct store_message *m)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "message_id", str_or_null(m->message_id));
	json_object_set_new(o, "from", str_or_null(m->from_addr));
	json_object_set_new(o, "from_name", str_or_null(m->from_name));
	json_object_set_new(o, "subject", str_or_null(m->subject));
	json_object_set_new(o, "received", time_json(m->received));
	json_object_set_new(o, "status", json_string(m->status));
	json_object_set_new(o, "reason", str_or_null(m->reason));
	json_object_set_new(o, "association", str_or_null(m->association));
	json_object_set_new(o, "questions", json_integer(m->n_questions));
	/* what the writer said for the secretary rather than the agenda */
	json_object_set_new(o, "notes", str_or_null(m->notes));
	json_object_set_new(o, "size", json_integer((json_int_t)m->size));
	return o;
}

static json_t *meeting_json(const struct store_meeting *m, int cutoff_days)
{
	json_t *o = json_object();
	char cutoff[11];

	schedule_cutoff(m->date, cutoff_days, cutoff);
	json_object_set_new(o, "date", json_string(m->date));
	json_object_set_new(o, "time", str_or_null(m->time));
	json_object_set_new(o, "end", str_or_null(m->end));
	json_object_set_new(o, "place", str_or_null(m->place));
	json_object_set_new(o, "cutoff", json_string(cutoff));
	json_object_set_new(o, "items", json_integer(m->n_items));
	json_object_set_new(o, "draft_sent", time_json(m->draft_sent));
	return o;
}

static json_t *outbox_json(const struct store_outbox_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "kind", json_string(r->kind));
	json_object_set_new(o, "message_id", json_string(r->message_id));
	json_object_set_new(o, "to", json_string(r->rcpt));
	json_object_set_new(o, "subject", str_or_null(r->subject));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "created", time_json(r->created));
	json_object_set_new(o, "next_attempt",
			    strcmp(r->status, "queued") == 0 ? time_json(r->next_attempt)
							     : json_null());
	json_object_set_new(o, "sent", time_json(r->sent));
	json_object_set_new(o, "last_error", str_or_null(r->last_error));
	json_object_set_new(o, "meeting", str_or_null(r->meeting));
	return o;
}

static void print_json(json_t *value)
{
	json_dumpf(value, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0);
	fputc('\n', stdout);
	json_decref(value);
}

/* ---- meetings ----------------------------------------------------------------------- */

static const char MEETING_ADD_USAGE[] = "meeting add DATUM TID [--end TID] [--place TEXT]";

static int cmd_meeting_add(struct ctl *ctl, int argc, char **argv)
{
	bool bad = false;
	const char *end = take_option(&argc, argv, "--end", &bad);
	const char *place = take_option(&argc, argv, "--place", &bad);
	struct error err;
	int placed;

	if (bad || argc < 2)
		return fail(EX_USAGE, "användning: agendactl %s", MEETING_ADD_USAGE);
	if (no_more(argc - 2, argv + 2, MEETING_ADD_USAGE) != 0)
		return EX_USAGE;
	if (!util_valid_date(argv[0]))
		return fail(EX_USAGE, "ogiltigt datum '%s': skriv ÅÅÅÅ-MM-DD", argv[0]);
	if (!util_valid_time(argv[1]))
		return fail(EX_USAGE, "ogiltig tid '%s': skriv TT:MM", argv[1]);
	if (end != NULL && !util_valid_time(end))
		return fail(EX_USAGE, "ogiltig sluttid '%s': skriv TT:MM", end);
	if (end != NULL && strcmp(end, argv[1]) <= 0)
		return fail(EX_USAGE, "sluttiden %s är inte efter starttiden %s", end, argv[1]);
	if (store_meeting_upsert(ctl->store, argv[0], argv[1], end, place, &err) != 0 ||
	    cycle_place_waiting(ctl->cycle, &placed, &err) != 0)
		return fail_err(&err);
	printf("Mötet %s kl. %s är inlagt.", argv[0], argv[1]);
	if (placed > 0)
		printf(" %d väntande fråg%s placerades på mötet.", placed, placed == 1 ? "a" : "or");
	printf("\n");
	return EX_OK;
}

static int cmd_meeting_list(struct ctl *ctl, int argc, char **argv)
{
	bool json = take_flag(&argc, argv, "--json");
	struct store_meeting *meetings;
	struct error err;
	size_t n;

	if (no_more(argc, argv, "meeting list [--json]") != 0)
		return EX_USAGE;
	if (store_meetings(ctl->store, &meetings, &n, &err) != 0)
		return fail_err(&err);
	if (json) {
		json_t *array = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(array, meeting_json(&meetings[i],
								  ctl->config->council.cutoff_days));
		print_json(array);
	} else if (n == 0) {
		printf("Inga möten är inlagda (agendactl meeting add DATUM TID).\n");
	} else {
		printf("%-10s  %-11s  %-10s  %6s  %s\n", "Datum", "Tid", "Sista dag", "Punkter",
		       "Plats");
		for (size_t i = 0; i < n; i++) {
			char cutoff[11], when[16];
			schedule_cutoff(meetings[i].date, ctl->config->council.cutoff_days, cutoff);
			snprintf(when, sizeof(when), "%s%s%s", meetings[i].time,
				 meetings[i].end ? "–" : "", meetings[i].end ? meetings[i].end : "");
			printf("%-10s  %-11s  %-10s  %7d  %s\n", meetings[i].date, when, cutoff,
			       meetings[i].n_items, meetings[i].place ? meetings[i].place : "");
		}
	}
	store_meetings_free(meetings, n);
	return EX_OK;
}

/* ---- documents ------------------------------------------------------------------------ */

static int render_document(struct ctl *ctl, int argc, char **argv, bool minutes)
{
	bool bad = false;
	const char *spec = take_option(&argc, argv, "--meeting", &bad);
	const char *format = take_option(&argc, argv, "--format", &bad);
	const char *docx_path = minutes ? take_option(&argc, argv, "--docx", &bad) : NULL;
	const char *usage = minutes ? "minutes [--meeting DATUM|next] [--format text|html]"
				      " [--docx FIL]"
				    : "agenda [--meeting DATUM|next] [--format text|html|json]";
	enum render_format fmt = RENDER_TEXT;
	struct store_agenda *agenda = NULL;
	struct render_context ctx;
	struct error err;
	char meeting[11], *out = NULL;
	int rc;

	if (bad || no_more(argc, argv, usage) != 0)
		return fail(EX_USAGE, "användning: agendactl %s", usage);
	if (format == NULL || strcmp(format, "text") == 0)
		fmt = RENDER_TEXT;
	else if (strcmp(format, "html") == 0)
		fmt = RENDER_HTML;
	else if (strcmp(format, "json") == 0 && !minutes)
		fmt = RENDER_JSON;
	else
		return fail(EX_USAGE, "okänt format '%s' (%s)", format, usage);
	if ((rc = resolve_meeting(ctl, spec, meeting)) != 0)
		return rc;
	if (store_load_agenda(ctl->store, meeting, &agenda, &err) != 0)
		return fail_err(&err);
	cycle_render_context(ctl->cycle, false, &ctx);
	if (docx_path != NULL) {
		void *docx = NULL;
		size_t size = 0;
		FILE *f;
		rc = render_minutes_docx(&ctx, agenda, &docx, &size, &err);
		store_agenda_free(&agenda);
		if (rc != 0)
			return fail_err(&err);
		f = fopen(docx_path, "wbx");
		if (f == NULL || fwrite(docx, 1, size, f) != size) {
			int saved = errno;
			if (f != NULL)
				fclose(f);
			free(docx);
			return fail(EX_CANTCREAT, "kan inte skriva %s: %s", docx_path,
				    strerror(saved));
		}
		fclose(f);
		free(docx);
		printf("Mötesanteckningen för %s är sparad i %s.\n", meeting, docx_path);
		return EX_OK;
	}
	rc = minutes ? render_minutes(cycle_templates(ctl->cycle), &ctx, agenda, fmt, &out, &err)
		     : render_agenda(cycle_templates(ctl->cycle), &ctx, agenda, fmt, &out, &err);
	store_agenda_free(&agenda);
	if (rc != 0)
		return fail_err(&err);
	fputs(out, stdout);
	if (*out != '\0' && out[strlen(out) - 1] != '\n')
		fputc('\n', stdout);
	free(out);
	return EX_OK;
}

static int cmd_agenda(struct ctl *ctl, int argc, char **argv)
{
	return render_document(ctl, argc, argv, false);
}

static int cmd_minutes(struct ctl *ctl, int argc, char **argv)
{
	return render_document(ctl, argc, argv, true);
}

static int cmd_send_draft(struct ctl *ctl, int argc, char **argv)
{
	bool bad = false;
	const char *spec = take_option(&argc, argv, "--meeting", &bad);
	struct error err;
	char meeting[11];
	int rc;

	if (bad || no_more(argc, argv, "send-draft [--meeting DATUM|next]") != 0)
		return fail(EX_USAGE, "användning: agendactl send-draft [--meeting DATUM|next]");
	if ((rc = resolve_meeting(ctl, spec, meeting)) != 0)
		return rc;
	if (cycle_queue_draft(ctl->cycle, meeting, &err) != 0)
		return fail_err(&err);
	printf("Dagordning och mötesanteckning för mötet %s ligger i utkorgen till %s;"
	       " agendad skickar dem inom någon minut.\n",
	       meeting, ctl->config->council.secretary);
	return EX_OK;
}

/* ---- questions and messages -------------------------------------------------------------- */

static int cmd_questions(struct ctl *ctl, int argc, char **argv)
{
	bool bad = false;
	const char *spec = take_option(&argc, argv, "--meeting", &bad);
	bool json = take_flag(&argc, argv, "--json");
	struct store_question *qs;
	struct error err;
	char meeting[11];
	size_t n;
	int rc;

	if (bad || no_more(argc, argv, "questions [--meeting DATUM|next] [--json]") != 0)
		return fail(EX_USAGE, "användning: agendactl questions [--meeting DATUM|next] [--json]");
	if (spec != NULL && (rc = resolve_meeting(ctl, spec, meeting)) != 0)
		return rc;
	if (store_questions(ctl->store, spec != NULL ? meeting : NULL, &qs, &n, &err) != 0)
		return fail_err(&err);
	if (json) {
		json_t *array = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(array, question_json(&qs[i]));
		print_json(array);
	} else {
		for (size_t i = 0; i < n; i++) {
			char item[16] = "-";
			if (qs[i].item_number > 0)
				snprintf(item, sizeof(item), "4.%d", qs[i].item_number);
			printf("%5lld  %-10s  %-5s  %-22s  %-9s  %s: %s\n", (long long)qs[i].id,
			       qs[i].meeting ? qs[i].meeting : "(väntar)", item, qs[i].category,
			       qs[i].status, qs[i].association ? qs[i].association : "(okänd)",
			       qs[i].title);
		}
		if (n == 0)
			printf("Inga frågor.\n");
	}
	store_questions_free(qs, n);
	return EX_OK;
}

static int cmd_messages(struct ctl *ctl, int argc, char **argv)
{
	static const char *const statuses[] = { "new", "processed", "unknown-sender", "auto-reply",
						 "bounce", "unparseable", "duplicate" };
	bool bad = false;
	const char *status = take_option(&argc, argv, "--status", &bad);
	bool json = take_flag(&argc, argv, "--json");
	struct store_message *ms;
	struct error err;
	size_t n;
	bool known = status == NULL;

	if (bad || no_more(argc, argv, "messages [--status STATUS] [--json]") != 0)
		return fail(EX_USAGE, "användning: agendactl messages [--status STATUS] [--json]");
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]) && !known; i++)
		known = strcmp(status, statuses[i]) == 0;
	if (!known)
		return fail(EX_USAGE,
			    "okänd status '%s' (processed, unknown-sender, auto-reply, bounce,"
			    " unparseable, duplicate, new)",
			    status);
	if (store_messages(ctl->store, status, &ms, &n, &err) != 0)
		return fail_err(&err);
	if (json) {
		json_t *array = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(array, message_json(&ms[i]));
		print_json(array);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%5lld  %-14s  %-32s  %s%s%s\n", (long long)ms[i].id, ms[i].status,
			       ms[i].from_addr ? ms[i].from_addr : "?",
			       ms[i].subject ? ms[i].subject : "",
			       ms[i].reason ? "  — " : "", ms[i].reason ? ms[i].reason : "");
			if (ms[i].notes != NULL)
				printf("       Till sekreteraren: %s\n", ms[i].notes);
		}
		if (n == 0)
			printf("Inga meddelanden.\n");
	}
	store_messages_free(ms, n);
	return EX_OK;
}

static int cmd_classify(struct ctl *ctl, int argc, char **argv)
{
	bool json = take_flag(&argc, argv, "--json");
	const struct classifier *classifier = cycle_classifier(ctl->cycle);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (no_more(argc, argv, "classify [--json]") != 0)
		return EX_USAGE;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		struct classification c;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		classify_text(classifier, line, &c);
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "category", json_string(c.category));
			json_object_set_new(o, "score", json_real(c.score));
			json_object_set_new(o, "confident", json_boolean(c.confident));
			json_object_set_new(o, "evidence", json_string(c.evidence));
			json_object_set_new(o, "text", json_stringn_nocheck(line, (size_t)len));
			json_dumpf(o, stdout, JSON_COMPACT);
			fputc('\n', stdout);
			json_decref(o);
		} else {
			fputs(c.category, stdout);
			fputc('\t', stdout);
			fwrite(line, 1, (size_t)len, stdout);
			fputc('\n', stdout);
		}
	}
	free(line);
	return ferror(stdout) ? fail(EX_IOERR, "kan inte skriva resultatet") : EX_OK;
}

/* ---- corrections ------------------------------------------------------------------------ */

/* Runs the pipeline over messages that were reset, so that the secretary
 * sees the result at once. */
static int process_now(struct ctl *ctl)
{
	volatile sig_atomic_t never = 0;
	struct error err;
	size_t n;

	if (cycle_process(ctl->cycle, &never, &n, &err) != 0)
		return fail_err(&err);
	return EX_OK;
}

static int cmd_move(struct ctl *ctl, int argc, char **argv)
{
	bool bad = false;
	const char *spec = take_option(&argc, argv, "--meeting", &bad);
	struct error err;
	char meeting[11];
	int64_t id;
	int rc;

	if (bad || spec == NULL || argc != 1 || (id = parse_id(argv[0])) == 0)
		return fail(EX_USAGE, "användning: agendactl move FRÅGE-ID --meeting DATUM");
	if ((rc = resolve_meeting(ctl, spec, meeting)) != 0)
		return rc;
	if (store_move_question(ctl->store, id, meeting, &err) != 0)
		return fail_err(&err);
	printf("Fråga %lld är flyttad till mötet %s.\n", (long long)id, meeting);
	return EX_OK;
}

static int cmd_recategorize(struct ctl *ctl, int argc, char **argv)
{
	struct error err;
	int64_t id;

	if (argc != 2 || (id = parse_id(argv[0])) == 0)
		return fail(EX_USAGE, "användning: agendactl recategorize FRÅGE-ID KATEGORI");
	if (classify_category(cycle_classifier(ctl->cycle), argv[1]) == NULL) {
		const struct classifier *c = cycle_classifier(ctl->cycle);
		struct buf ids = { 0 };
		for (size_t i = 0; i < classify_n_categories(c); i++)
			buf_printf(&ids, "%s%s", i ? ", " : "", classify_category_at(c, i)->id);
		fail(EX_USAGE, "okänd kategori '%s' (%s)", argv[1], ids.data);
		buf_free(&ids);
		return EX_USAGE;
	}
	if (store_recategorize(ctl->store, id, argv[1], &err) != 0)
		return fail_err(&err);
	printf("Fråga %lld har nu kategorin %s; klassificeringen lär sig av rättelsen.\n",
	       (long long)id, argv[1]);
	return EX_OK;
}

static int cmd_approve(struct ctl *ctl, int argc, char **argv)
{
	bool bad = false;
	const char *name = take_option(&argc, argv, "--association", &bad);
	struct error err;
	bool known = false;
	int64_t id;

	if (bad || name == NULL || argc != 1 || (id = parse_id(argv[0])) == 0)
		return fail(EX_USAGE,
			    "användning: agendactl approve MEDDELANDE-ID --association NAMN");
	for (size_t i = 0; i < ctl->config->n_associations && !known; i++)
		known = strcmp(ctl->config->associations[i].name, name) == 0;
	if (!known)
		return fail(EX_USAGE,
			    "föreningen '%s' finns inte i konfigurationen ([association %s])",
			    name, name);
	if (store_reset_message(ctl->store, id, name, &err) != 0)
		return fail_err(&err);
	if (process_now(ctl) != EX_OK)
		return EX_SOFTWARE;
	printf("Meddelande %lld är godkänt som från %s och har behandlats på nytt.\n",
	       (long long)id, name);
	return EX_OK;
}

static int item_status(struct ctl *ctl, int argc, char **argv, const char *status)
{
	struct error err;
	int64_t id;

	if (argc != 1 || (id = parse_id(argv[0])) == 0)
		return fail(EX_USAGE, "användning: agendactl %s PUNKT-ID",
			    strcmp(status, "deferred") == 0 ? "defer" : "close");
	if (store_item_set_status(ctl->store, id, status, &err) != 0)
		return fail_err(&err);
	if (strcmp(status, "deferred") == 0)
		printf("Punkt %lld flyttas till nästa möte under \"Punkter från föregående möte\".\n",
		       (long long)id);
	else
		printf("Punkt %lld är avslutad (besvarad).\n", (long long)id);
	return EX_OK;
}

static int cmd_defer(struct ctl *ctl, int argc, char **argv)
{
	return item_status(ctl, argc, argv, "deferred");
}

static int cmd_close(struct ctl *ctl, int argc, char **argv)
{
	return item_status(ctl, argc, argv, "closed");
}

static int cmd_reprocess(struct ctl *ctl, int argc, char **argv)
{
	bool all = take_flag(&argc, argv, "--all");
	struct error err;
	int64_t id = 0;
	int n = 1;

	if ((all && argc != 0) || (!all && (argc != 1 || (id = parse_id(argv[0])) == 0)))
		return fail(EX_USAGE, "användning: agendactl reprocess MEDDELANDE-ID|--all");
	if (all ? store_reset_all(ctl->store, &n, &err) : store_reset_message(ctl->store, id, NULL, &err))
		return fail_err(&err);
	if (process_now(ctl) != EX_OK)
		return EX_SOFTWARE;
	printf("%d meddelande%s behandlades på nytt.\n", n, n == 1 ? "" : "n");
	return EX_OK;
}

/* ---- export, status, outbox ------------------------------------------------------------- */

static int cmd_export(struct ctl *ctl, int argc, char **argv)
{
	bool json = take_flag(&argc, argv, "--json");
	struct store_meeting *meetings = NULL;
	struct store_message *messages = NULL;
	struct store_question *questions = NULL;
	struct store_outbox_row *outbox = NULL;
	size_t n_meetings = 0, n_messages = 0, n_questions = 0, n_outbox = 0;
	struct error err;
	json_t *root, *array;

	if (!json || no_more(argc, argv, "export --json") != 0)
		return fail(EX_USAGE, "användning: agendactl export --json");
	if (store_meetings(ctl->store, &meetings, &n_meetings, &err) != 0 ||
	    store_messages(ctl->store, NULL, &messages, &n_messages, &err) != 0 ||
	    store_questions(ctl->store, NULL, &questions, &n_questions, &err) != 0 ||
	    store_outbox_list(ctl->store, NULL, &outbox, &n_outbox, &err) != 0) {
		store_meetings_free(meetings, n_meetings);
		store_messages_free(messages, n_messages);
		store_questions_free(questions, n_questions);
		return fail_err(&err);
	}
	root = json_object();
	json_object_set_new(root, "council", json_string(ctl->config->council.name));
	array = json_array();
	for (size_t i = 0; i < n_meetings; i++)
		json_array_append_new(array,
				      meeting_json(&meetings[i], ctl->config->council.cutoff_days));
	json_object_set_new(root, "meetings", array);
	array = json_array();
	for (size_t i = 0; i < n_messages; i++)
		json_array_append_new(array, message_json(&messages[i]));
	json_object_set_new(root, "messages", array);
	array = json_array();
	for (size_t i = 0; i < n_questions; i++)
		json_array_append_new(array, question_json(&questions[i]));
	json_object_set_new(root, "questions", array);
	array = json_array();
	for (size_t i = 0; i < n_outbox; i++)
		json_array_append_new(array, outbox_json(&outbox[i]));
	json_object_set_new(root, "outbox", array);
	print_json(root);
	store_meetings_free(meetings, n_meetings);
	store_messages_free(messages, n_messages);
	store_questions_free(questions, n_questions);
	store_outbox_rows_free(outbox, n_outbox);
	return EX_OK;
}

static time_t parse_stamp(const char *s)
{
	struct tm tm;

	if (s == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return 0;
	return timegm(&tm);
}

/* Outgoing mail that makes the health degraded: failed within the window,
 * or queued after STATUS_RETRIED refusals. Moves the first of them into
 * problems (at most STATUS_PROBLEMS in all) and counts them all. */
static int outbox_problems(struct ctl *ctl, const char *status, time_t now,
			   struct store_outbox_row *problems, size_t *n_problems, int *count_r,
			   struct error *error_r)
{
	struct store_outbox_row *rows;
	size_t n;

	if (store_outbox_list(ctl->store, status, &rows, &n, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_outbox_row *r = &rows[i];
		bool problem = strcmp(status, "failed") == 0
				   ? now - r->created <= STATUS_FAILED_WINDOW
				   : r->attempts >= STATUS_RETRIED;
		if (!problem)
			continue;
		(*count_r)++;
		if (*n_problems < STATUS_PROBLEMS) {
			/* moved out: the rows' strings change owner */
			problems[(*n_problems)++] = *r;
			memset(r, 0, sizeof(*r));
		}
	}
	store_outbox_rows_free(rows, n);
	return 0;
}

static json_t *problem_json(const struct store_outbox_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "kind", json_string(r->kind));
	json_object_set_new(o, "to", json_string(r->rcpt));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "created", time_json(r->created));
	json_object_set_new(o, "last_error", str_or_null(r->last_error));
	return o;
}

static int cmd_status(struct ctl *ctl, int argc, char **argv)
{
	static const char *const health_names[] = { "healthy", "degraded", "failing" };
	bool json = take_flag(&argc, argv, "--json");
	struct store_meeting *meetings = NULL;
	struct store_outbox_row *problems;
	size_t n_problems = 0;
	int n_failed = 0, n_retried = 0;
	struct store_counts counts;
	struct error err;
	char *last_fetch = NULL, *last_delivery = NULL, *failing = NULL, today[11];
	char draft_day[11] = "";
	const struct store_meeting *next = NULL;
	time_t now = time(NULL), fetched;
	size_t n_meetings = 0;
	int health = 0;

	if (no_more(argc, argv, "status [--json]") != 0)
		return EX_USAGE;
	/* freed with store_outbox_rows_free(), which takes the array too */
	problems = xcalloc(STATUS_PROBLEMS, sizeof(*problems));
	if (store_counts(ctl->store, &counts, &err) != 0 ||
	    store_state_get(ctl->store, "last_fetch", &last_fetch, &err) != 0 ||
	    store_state_get(ctl->store, "last_delivery", &last_delivery, &err) != 0 ||
	    store_state_get(ctl->store, "failing", &failing, &err) != 0 ||
	    store_meetings(ctl->store, &meetings, &n_meetings, &err) != 0 ||
	    outbox_problems(ctl, "failed", now, problems, &n_problems, &n_failed, &err) != 0 ||
	    outbox_problems(ctl, "queued", now, problems, &n_problems, &n_retried, &err) != 0) {
		free(last_fetch);
		free(last_delivery);
		free(failing);
		store_meetings_free(meetings, n_meetings);
		store_outbox_rows_free(problems, n_problems);
		return fail(2, "%s", err.text);
	}
	util_local_day(now, today);
	for (size_t i = 0; i < n_meetings && next == NULL; i++)
		if (strcmp(meetings[i].date, today) >= 0)
			next = &meetings[i];
	if (next != NULL)
		util_date_add(next->date, -ctl->config->council.draft_days, draft_day);
	fetched = parse_stamp(last_fetch);
	/* failing: the daemon cannot do its job; degraded: it can, but mail
	 * waits (failed of late, or refused again and again). A row "sending" is
	 * not counted: the daemon holds one for every mail in flight, and one
	 * that a crash left behind is sent again at the next start. */
	if (failing != NULL || fetched == 0 || now - fetched > STATUS_STALE_FETCH)
		health = 2;
	else if (n_failed > 0 || n_retried > 0)
		health = 1;
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "health", json_string(health_names[health]));
		json_object_set_new(o, "last_fetch", str_or_null(last_fetch));
		json_object_set_new(o, "last_delivery", str_or_null(last_delivery));
		json_object_set_new(o, "error", str_or_null(failing));
		json_object_set_new(o, "messages", json_integer(counts.messages));
		json_object_set_new(o, "held", json_integer(counts.held));
		json_object_set_new(o, "questions", json_integer(counts.questions));
		json_object_set_new(o, "waiting", json_integer(counts.waiting));
		json_object_set_new(o, "outbox_queued", json_integer(counts.outbox_queued));
		json_object_set_new(o, "outbox_failed", json_integer(counts.outbox_failed));
		json_object_set_new(o, "outbox_failed_recently", json_integer(n_failed));
		json_object_set_new(o, "outbox_retried", json_integer(n_retried));
		{
			json_t *array = json_array();
			for (size_t i = 0; i < n_problems; i++)
				json_array_append_new(array, problem_json(&problems[i]));
			json_object_set_new(o, "outbox_problems", array);
		}
		json_object_set_new(o, "next_meeting", next ? json_string(next->date) : json_null());
		json_object_set_new(o, "draft_sent", next ? time_json(next->draft_sent) : json_null());
		json_object_set_new(o, "draft_due",
				    next && next->draft_sent == 0 ? json_string(draft_day)
								  : json_null());
		print_json(o);
	} else {
		static const char *const health_sv[] = { "fungerar", "fungerar med problem",
							 "fungerar inte" };
		printf("Tillstånd:            %s\n", health_sv[health]);
		if (failing != NULL)
			printf("Fel:                  %s\n", failing);
		printf("Senaste hämtning:     %s\n", last_fetch ? last_fetch : "aldrig");
		printf("Senaste utskick:      %s\n", last_delivery ? last_delivery : "aldrig");
		printf("Meddelanden:          %d (%d väntar på granskning)\n", counts.messages,
		       counts.held);
		printf("Frågor:               %d (%d väntar på ett möte)\n", counts.questions,
		       counts.waiting);
		printf("Utkorgen:             %d i kö, %d misslyckade\n", counts.outbox_queued,
		       counts.outbox_failed);
		for (size_t i = 0; i < n_problems; i++)
			printf("  %s till %s: %s efter %d försök: %s\n", problems[i].kind,
			       problems[i].rcpt,
			       strcmp(problems[i].status, "failed") == 0 ? "misslyckades"
									 : "väntar",
			       problems[i].attempts,
			       problems[i].last_error ? problems[i].last_error : "inget svar");
		if (next != NULL) {
			printf("Nästa möte:           %s kl. %s\n", next->date, next->time);
			if (next->draft_sent != 0)
				printf("Utkastet:             skickat\n");
			else
				printf("Utkastet skickas:     %s\n", draft_day);
		} else {
			printf("Nästa möte:           inget planerat\n");
		}
	}
	free(last_fetch);
	free(last_delivery);
	free(failing);
	store_meetings_free(meetings, n_meetings);
	store_outbox_rows_free(problems, n_problems);
	return health;
}

static int cmd_outbox(struct ctl *ctl, int argc, char **argv)
{
	bool json = take_flag(&argc, argv, "--json");
	struct store_outbox_row *rows;
	struct error err;
	size_t n;

	if (no_more(argc, argv, "outbox [--json]") != 0)
		return EX_USAGE;
	if (store_outbox_list(ctl->store, NULL, &rows, &n, &err) != 0)
		return fail_err(&err);
	if (json) {
		json_t *array = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(array, outbox_json(&rows[i]));
		print_json(array);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%5lld  %-7s  %-8s  %-32s  %s%s%s\n", (long long)rows[i].id,
			       rows[i].status, rows[i].kind, rows[i].rcpt,
			       rows[i].subject ? rows[i].subject : "",
			       rows[i].last_error ? "  — " : "",
			       rows[i].last_error ? rows[i].last_error : "");
		if (n == 0)
			printf("Utkorgen är tom.\n");
	}
	store_outbox_rows_free(rows, n);
	return EX_OK;
}

static int cmd_erase(struct ctl *ctl, int argc, char **argv)
{
	bool bad = false;
	const char *addr = take_option(&argc, argv, "--address", &bad);
	struct error err;
	int n;

	if (bad || addr == NULL || strchr(addr, '@') == NULL ||
	    no_more(argc, argv, "erase --address ADRESS") != 0)
		return fail(EX_USAGE, "användning: agendactl erase --address ADRESS");
	if (store_erase_address(ctl->store, addr, &n, &err) != 0)
		return fail_err(&err);
	printf("%d rad%s med uppgifter från %s är borttagna.\n", n, n == 1 ? "" : "er", addr);
	return EX_OK;
}

static int cmd_backup(struct ctl *ctl, int argc, char **argv)
{
	struct error err;

	if (argc != 1)
		return fail(EX_USAGE, "användning: agendactl backup FIL");
	if (store_backup(ctl->store, argv[0], &err) != 0)
		return fail_err(&err);
	printf("Säkerhetskopian är sparad i %s.\n", argv[0]);
	return EX_OK;
}

/* ---- main ---------------------------------------------------------------------------- */

static const struct command commands[] = {
	{ "meeting", "add", cmd_meeting_add, MEETING_ADD_USAGE },
	{ "meeting", "list", cmd_meeting_list, "meeting list [--json]" },
	{ "agenda", NULL, cmd_agenda, "agenda [--meeting DATUM|next] [--format text|html|json]" },
	{ "minutes", NULL, cmd_minutes, "minutes [--meeting DATUM|next] [--format text|html] [--docx FIL]" },
	{ "questions", NULL, cmd_questions, "questions [--meeting DATUM|next] [--json]" },
	{ "messages", NULL, cmd_messages, "messages [--status STATUS] [--json]" },
	{ "classify", NULL, cmd_classify, "classify [--json]  (en fråga per rad på stdin)" },
	{ "send-draft", NULL, cmd_send_draft, "send-draft [--meeting DATUM|next]" },
	{ "move", NULL, cmd_move, "move FRÅGE-ID --meeting DATUM" },
	{ "recategorize", NULL, cmd_recategorize, "recategorize FRÅGE-ID KATEGORI" },
	{ "approve", NULL, cmd_approve, "approve MEDDELANDE-ID --association NAMN" },
	{ "defer", NULL, cmd_defer, "defer PUNKT-ID" },
	{ "close", NULL, cmd_close, "close PUNKT-ID" },
	{ "reprocess", NULL, cmd_reprocess, "reprocess MEDDELANDE-ID|--all" },
	{ "export", NULL, cmd_export, "export --json" },
	{ "status", NULL, cmd_status, "status [--json]" },
	{ "outbox", NULL, cmd_outbox, "outbox [--json]" },
	{ "erase", NULL, cmd_erase, "erase --address ADRESS" },
	{ "backup", NULL, cmd_backup, "backup FIL" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "användning: agendactl [-c FIL] KOMMANDO ...\nKommandon:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	const char *path = CONFIG_DEFAULT_PATH;
	const struct command *cmd = NULL;
	struct store *store = NULL;
	struct ctl ctl = { 0 };
	struct error err;
	int i = 1, rc;

	while (i < argc && argv[i][0] == '-') {
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
			path = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return EX_OK;
		} else {
			usage(stderr);
			return fail(EX_USAGE, "okänd flagga '%s'", argv[i]);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	for (size_t k = 0; k < N_COMMANDS && cmd == NULL; k++) {
		if (strcmp(commands[k].name, argv[i]) != 0)
			continue;
		if (commands[k].sub == NULL)
			cmd = &commands[k];
		else if (i + 1 < argc && strcmp(commands[k].sub, argv[i + 1]) == 0)
			cmd = &commands[k];
	}
	if (cmd == NULL) {
		usage(stderr);
		return fail(EX_USAGE, "okänt kommando '%s%s%s'", argv[i],
			    i + 1 < argc && strcmp(argv[i], "meeting") == 0 ? " " : "",
			    i + 1 < argc && strcmp(argv[i], "meeting") == 0 ? argv[i + 1] : "");
	}
	i += cmd->sub != NULL ? 2 : 1;

	if (config_load(path, &ctl.config, &err) != 0)
		return fail(EX_CONFIG, "%s", err.text);
	if (store_open(ctl.config->store.database, &store, &err) != 0) {
		config_free(&ctl.config);
		return fail(err.kind == ERR_TEMP ? EX_TEMPFAIL : EX_IOERR, "%s", err.text);
	}
	if (cycle_open(ctl.config, store, &ctl.cycle, &err) != 0) {
		config_free(&ctl.config);
		return fail(err.kind == ERR_TEMP ? EX_TEMPFAIL
			    : store_error(&err)	   ? EX_IOERR
						   : EX_CONFIG,
			    "%s", err.text);
	}
	ctl.store = cycle_store(ctl.cycle);
	rc = cmd->run(&ctl, argc - i, argv + i);
	cycle_close(&ctl.cycle);
	config_free(&ctl.config);
	if (fflush(stdout) != 0 && rc == EX_OK)
		rc = EX_IOERR;
	return rc;
}

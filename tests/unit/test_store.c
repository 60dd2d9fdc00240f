/* test_store.c - the SQLite store against the invariants written at the top
 * of src/store.c: idempotent import with a watermark that moves with its
 * rows (1, 2), re-mapping after a UIDVALIDITY change (3), whole outcomes (4),
 * mail queued with its state and never twice (5), item numbers 1..N in
 * category order (6); and the crash switch that the durability tests rely on.
 *
 * Each test gets its own database in a fresh directory under /tmp. The test
 * looks at the database through a second SQLite connection ("peek"), so what
 * it sees is what was committed. Times are read in Europe/Stockholm. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "agendad/store.h"
#include "agendad/util.h"

#define DEC "2026-12-10"
#define MAR "2027-03-11"

#define OK(call)                                                                                   \
	do {                                                                                       \
		struct error ok_error_ = {0};                                                      \
		if ((call) != 0)                                                                   \
			fail_msg("%s: %s (kind %d)", #call, ok_error_.text, ok_error_.kind);       \
	} while (0)
/* inside OK(), &OKE is the error_r of the call */
#define OKE ok_error_

struct fx {
	char dir[PATH_MAX];
	char *db;
	struct store *st;
	sqlite3 *peek;
};

static void fx_dir(struct fx *f)
{
	char tmpl[] = "/tmp/agendad-test-store-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, f->dir));
	f->db = xasprintf("%s/agendad.db", f->dir);
}

static void fx_peek(struct fx *f)
{
	assert_int_equal(sqlite3_open_v2(f->db, &f->peek, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(f->peek, 5000);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	fx_dir(f);
	OK(store_open(f->db, &f->st, &OKE));
	fx_peek(f);
	*state = f;
	return 0;
}

static int setup_dir(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	fx_dir(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	store_close(&f->st);
	if (f->peek != NULL)
		sqlite3_close(f->peek);
	if (system(cmd) != 0)
		print_error("cannot remove %s\n", f->dir);
	free(cmd);
	free(f->db);
	free(f);
	return 0;
}

/* ---- looking at the database ------------------------------------------- */

static sqlite3_stmt *peek_prepare(struct fx *f, const char *sql, const char *arg)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(f->peek, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(f->peek));
	if (arg != NULL)
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
	return s;
}

/* The first column of the first row as an integer (0 without rows); arg
 * binds ?1 when not NULL. */
static long long peek_int(struct fx *f, const char *sql, const char *arg)
{
	sqlite3_stmt *s = peek_prepare(f, sql, arg);
	long long v = 0;
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		fail_msg("%s: %s", sql, sqlite3_errmsg(f->peek));
	sqlite3_finalize(s);
	return v;
}

/* The same as a new string, or NULL for no row or a NULL value. */
static char *peek_text(struct fx *f, const char *sql, const char *arg)
{
	sqlite3_stmt *s = peek_prepare(f, sql, arg);
	char *v = NULL;
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		fail_msg("%s: %s", sql, sqlite3_errmsg(f->peek));
	sqlite3_finalize(s);
	return v;
}

static void peek_exec(struct fx *f, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(f->peek, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* The items of a meeting as "category#number(questions)" in number order. */
static char *items_of(struct fx *f, const char *meeting)
{
	char *s =
	    peek_text(f,
		      "SELECT coalesce(group_concat(d, ' '), '') FROM (SELECT i.category || '#'"
		      " || i.number || '(' || (SELECT count(*) FROM questions q WHERE q.item ="
		      " i.id) || ')' AS d FROM items i WHERE i.meeting = ?1 ORDER BY i.number,"
		      " i.id)",
		      meeting);
	return s != NULL ? s : xstrdup("");
}

static int64_t question_id(struct fx *f, const char *title)
{
	return peek_int(f, "SELECT id FROM questions WHERE title = ?1", title);
}

static int64_t item_of(struct fx *f, const char *title)
{
	return peek_int(f, "SELECT coalesce(item, 0) FROM questions WHERE title = ?1", title);
}

/* ---- building data ------------------------------------------------------- */

static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

/* A mail as the IMAP server hands it over: CRLF, Message-ID optional. */
static char *mail(const char *message_id, const char *from, const char *subject, const char *body)
{
	struct buf b = {0};

	buf_printf(&b, "Return-Path: <%s>\r\n", from);
	buf_printf(&b, "From: %s\r\n", from);
	buf_append_str(&b, "To: lss-samverkan@exempelstad.se\r\n");
	buf_printf(&b, "Subject: %s\r\n", subject);
	if (message_id != NULL)
		buf_printf(&b, "Message-ID: <%s>\r\n", message_id);
	buf_append_str(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	buf_printf(&b, "%s\r\n", body);
	return buf_steal(&b);
}

/* Imports one message at uid under uidvalidity 1 of INBOX; returns its id. */
static int64_t import_one(struct fx *f, uint32_t uid, time_t received, const char *raw)
{
	struct store_incoming in = {uid, received, raw, strlen(raw), false, 0};
	size_t n_new = 0;
	char *sql;
	int64_t id;

	OK(store_import_batch(f->st, "INBOX", 1, &in, 1, uid, &n_new, &OKE));
	assert_int_equal(n_new, 1);
	sql = xasprintf("SELECT id FROM messages WHERE uidvalidity = 1 AND uid = %u", uid);
	id = peek_int(f, sql, NULL);
	free(sql);
	assert_true(id > 0);
	return id;
}

static int64_t import_mail(struct fx *f, uint32_t uid, const char *from, const char *subject)
{
	char *id = xasprintf("m%u@example.org", uid);
	char *raw = mail(id, from, subject, "Hej! En fråga till LSS-samverkan.");
	int64_t r = import_one(f, uid, utc(2026, 11, 20, 10, 0) + uid, raw);

	free(raw);
	free(id);
	return r;
}

static struct store_new_question question(const char *title, const char *category,
					  const char *meeting)
{
	struct store_new_question q = {0};

	q.title = title;
	q.text = title;
	q.category = category;
	q.score = 0.8;
	q.confident = true;
	q.meeting = meeting;
	q.status = "queued";
	return q;
}

static void record(struct fx *f, int64_t message, const char *status, const char *association,
		   const char *from, bool ack, const struct store_new_question *qs, size_t n)
{
	struct store_outcome o = {0};

	o.message = message;
	o.status = status;
	o.association = association;
	o.from_addr = from;
	o.from_name = "Avsändare";
	o.subject = "Frågor till LSS-samverkan";
	o.acknowledge = ack;
	o.questions = qs;
	o.n_questions = n;
	OK(store_record_outcome(f->st, &o, &OKE));
}

static const char *const category_ids[] = {"boende", "daglig-verksamhet", "korttid", "ovrigt"};
static const char *const category_headings[] = {"Boende", "Daglig verksamhet", "Korttidsvistelse",
						"Övriga frågor"};

static void sync_categories(struct fx *f, const char *order)
{
	const char *ids[8], *headings[8];
	char *copy = xstrdup(order), *save = NULL;
	size_t n = 0;

	for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t j = 0;
		while (j < N_ELEMENTS(category_ids) && strcmp(category_ids[j], tok) != 0)
			j++;
		assert_true(j < N_ELEMENTS(category_ids));
		ids[n] = category_ids[j];
		headings[n] = category_headings[j];
		n++;
	}
	OK(store_sync_categories(f->st, ids, headings, n, &OKE));
	free(copy);
}

/* ---- opening ---------------------------------------------------------------- */

static const char *const tables[] = {"mailboxes", "messages", "categories", "meetings", "items",
				     "questions", "outbox",   "training",   "state",    "erasures",
				     "model_cache"};

static void test_open(void **state)
{
	struct fx *f = *state;
	struct stat st;
	char *path = xasprintf("%s/var/agendad.db", f->dir), *dir = xasprintf("%s/var", f->dir);
	char *schema, *schema2, *value = NULL;

	/* the file is created 0600 and its directory 0700, whatever the umask */
	umask(0);
	OK(store_open(path, &f->st, &OKE));
	umask(022);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	OK(store_state_set(f->st, "probe", "ett", &OKE));
	assert_int_equal(store_commit_count(f->st), 0); /* opening is no commit point */
	store_close(&f->st);
	assert_null(f->st);
	store_close(&f->st);

	free(f->db);
	f->db = path;
	fx_peek(f);
	assert_int_equal(peek_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	{
		char *mode = peek_text(f, "PRAGMA journal_mode", NULL);
		assert_string_equal(mode, "wal");
		free(mode);
	}
	for (size_t i = 0; i < N_ELEMENTS(tables); i++)
		if (peek_int(
			f, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
			tables[i]) != 1)
			fail_msg("table %s missing", tables[i]);
	schema = peek_text(f, "SELECT group_concat(sql, ';') FROM sqlite_master", NULL);

	/* reopening migrates nothing and keeps the data */
	OK(store_open(path, &f->st, &OKE));
	assert_int_equal(peek_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	schema2 = peek_text(f, "SELECT group_concat(sql, ';') FROM sqlite_master", NULL);
	assert_string_equal(schema, schema2);
	OK(store_state_get(f->st, "probe", &value, &OKE));
	assert_string_equal(value, "ett");
	free(value);
	free(schema);
	free(schema2);
	free(dir);
}

/* Files that store_open must refuse, and leave as they were. */
enum bad_db { NEWER_SCHEMA, NOT_A_DATABASE, DIRECTORY, NO_PARENT };

static const struct {
	const char *what;
	enum bad_db kind;
	const char *text; /* a part of the error */
} refuse_cases[] = {
    {"a newer schema", NEWER_SCHEMA, "newer than this agendad"},
    {"not a database", NOT_A_DATABASE, ""},
    {"a directory", DIRECTORY, ""},
    {"a directory that cannot be made", NO_PARENT, "cannot create"},
};

static void test_open_refused(void **state)
{
	struct fx *f = *state;
	int failures = 0;

	for (size_t i = 0; i < N_ELEMENTS(refuse_cases); i++) {
		char *path = xasprintf("%s/case%zu.db", f->dir, i);
		struct store *st = NULL;
		struct error error = {0};
		sqlite3 *db;

		switch (refuse_cases[i].kind) {
		case NEWER_SCHEMA:
			assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
			{
				char *sql = xasprintf("CREATE TABLE future (x);"
						      " PRAGMA user_version = %d",
						      STORE_SCHEMA_VERSION + 1);
				assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
						 SQLITE_OK);
				free(sql);
			}
			sqlite3_close(db);
			break;
		case NOT_A_DATABASE: {
			FILE *fp = fopen(path, "w");
			for (int j = 0; j < 200; j++)
				fputs("Detta är ingen databas utan en vanlig textfil.\n", fp);
			fclose(fp);
			break;
		}
		case DIRECTORY:
			assert_int_equal(mkdir(path, 0700), 0);
			break;
		case NO_PARENT:
			free(path);
			path = xstrdup("/proc/agendad-no-such-dir/agendad.db");
			break;
		}
		CHECK(store_open(path, &st, &error) == -1, "%s: opened", refuse_cases[i].what);
		CHECK(st == NULL, "%s: handle set", refuse_cases[i].what);
		CHECK(error.kind == ERR_FATAL, "%s: kind %d (%s)", refuse_cases[i].what, error.kind,
		      error.text);
		CHECK(strstr(error.text, refuse_cases[i].text) != NULL, "%s: '%s' lacks '%s'",
		      refuse_cases[i].what, error.text, refuse_cases[i].text);
		store_close(&st);
		if (refuse_cases[i].kind == NEWER_SCHEMA) {
			/* untouched: still the newer version, no tables of ours */
			assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
			sqlite3_stmt *s;
			sqlite3_prepare_v2(db,
					   "SELECT (SELECT user_version FROM pragma_user_version),"
					   " (SELECT count(*) FROM sqlite_master)",
					   -1, &s, NULL);
			assert_int_equal(sqlite3_step(s), SQLITE_ROW);
			CHECK(sqlite3_column_int(s, 0) == STORE_SCHEMA_VERSION + 1,
			      "newer schema: version changed");
			CHECK(sqlite3_column_int(s, 1) == 1, "newer schema: tables added");
			sqlite3_finalize(s);
			sqlite3_close(db);
		}
		free(path);
	}
	assert_int_equal(failures, 0);
}

/* ---- schema version 5: CHECK constraints without IN ----------------------------- */

/* What each CHECK constraint lets through and refuses, before and after the
 * migration that rewrites it (the same test, another form). */
static const struct {
	const char *table;
	const char *column;
	const char *allowed; /* space-separated */
	const char *refused;
	/* the constraint as version 1 wrote it, which a database of version 4 has */
	const char *v1_text;
} check_cases[] = {
    {"messages", "status", "new processed unknown-sender auto-reply bounce unparseable duplicate",
     "sent Processed new- held",
     "CHECK (status IN ('new', 'processed',    'unknown-sender', 'auto-reply', 'bounce',"
     " 'unparseable', 'duplicate'))"},
    {"messages", "ack", "none pending queued skipped", "sent None pending-",
     "CHECK (ack IN ('none', 'pending', 'queued', 'skipped'))"},
    {"items", "status", "open deferred closed", "queued Open",
     "CHECK (status IN ('open', 'deferred', 'closed'))"},
    {"questions", "status", "queued held duplicate", "open Queued new",
     "CHECK (status IN ('queued', 'held', 'duplicate'))"},
    {"outbox", "status", "queued sending sent failed", "held Sent",
     "CHECK (status IN ('queued', 'sending', 'sent', 'failed'))"},
};

/* Each allowed value can be written to the first row of its table and each
 * refused one fails the CHECK; nothing is kept. */
static int check_constraints(struct fx *f, const char *when)
{
	int failures = 0;

	for (size_t c = 0; c < N_ELEMENTS(check_cases); c++) {
		char *sql =
		    xasprintf("UPDATE %s SET %s = ?1 WHERE rowid = (SELECT min(rowid) FROM"
			      " %s)",
			      check_cases[c].table, check_cases[c].column, check_cases[c].table);
		for (int refused = 0; refused < 2; refused++) {
			char *values =
			    xstrdup(refused ? check_cases[c].refused : check_cases[c].allowed);
			char *save = NULL;

			for (char *v = strtok_r(values, " ", &save); v != NULL;
			     v = strtok_r(NULL, " ", &save)) {
				sqlite3_stmt *st;
				int rc;

				peek_exec(f, "SAVEPOINT probe");
				st = peek_prepare(f, sql, v);
				rc = sqlite3_step(st);
				sqlite3_finalize(st);
				peek_exec(f, "ROLLBACK TO probe; RELEASE probe");
				CHECK(refused ? rc == SQLITE_CONSTRAINT : rc == SQLITE_DONE,
				      "%s: %s.%s = '%s': %d", when, check_cases[c].table,
				      check_cases[c].column, v, rc);
			}
			free(values);
		}
		free(sql);
	}
	return failures;
}

/* A row in every table with a CHECK: a message, a question on an item, a mail. */
static void rows_for_checks(struct fx *f)
{
	struct store_new_question q = question("Kö till gruppbostad", "boende", DEC);
	struct store_outgoing mail_out = {"agenda",
					  "c1@agendad",
					  "lss@exempelstad.se",
					  "karin@exempelstad.se",
					  "Dagordning",
					  "x",
					  1,
					  DEC,
					  0};
	int64_t id = import_mail(f, 1, "kansli@fub.se", "Frågor");

	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	record(f, id, "processed", "FUB", "kansli@fub.se", true, &q, 1);
	OK(store_outbox_queue(f->st, &mail_out, 1, 0, NULL, false, &OKE));
}

static int64_t in_checks(struct fx *f)
{
	return peek_int(f,
			"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND sql LIKE"
			" '%CHECK (% IN (%'",
			NULL);
}

/* The database as version 4 left it: the CHECK texts v1_texts (those of
 * version 1, or others), no messages_unmarked; then opened again. */
static void reopen_as_v4(struct fx *f, const char *const *v1_texts)
{
	long long cookie;
	char *text;

	store_close(&f->st);
	peek_exec(f, "BEGIN IMMEDIATE; PRAGMA writable_schema = ON");
	for (size_t c = 0; c < N_ELEMENTS(check_cases); c++) {
		sqlite3_stmt *st;
		char *like, *sql, *edited;
		const char *start, *end;

		/* the column's constraint as it is now: from "CHECK (col " to the
		 * first "')", which ends it (the quote of its last value) */
		sql = peek_text(f,
				"SELECT sql FROM sqlite_master WHERE type = 'table' AND"
				" name = ?1",
				check_cases[c].table);
		like = xasprintf("CHECK (%s ", check_cases[c].column);
		start = strstr(sql, like);
		assert_non_null(start);
		end = strstr(start, "')");
		assert_non_null(end);
		edited = xasprintf("%.*s%s%s", (int)(start - sql), sql, v1_texts[c], end + 2);
		st = peek_prepare(f,
				  "UPDATE sqlite_master SET sql = ?2 WHERE type = 'table' AND"
				  " name = ?1",
				  check_cases[c].table);
		sqlite3_bind_text(st, 2, edited, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		free(edited);
		free(like);
		free(sql);
	}
	cookie = peek_int(f, "PRAGMA schema_version", NULL);
	{
		char *sql =
		    xasprintf("PRAGMA writable_schema = OFF; PRAGMA schema_version = %lld;"
			      " DROP INDEX messages_unmarked; PRAGMA user_version = 4; COMMIT",
			      cookie + 1);
		peek_exec(f, sql);
		free(sql);
	}
	for (size_t c = 0; c < N_ELEMENTS(check_cases); c++) {
		char *sql = xasprintf("SELECT instr(sql, ?1) > 0 FROM sqlite_master WHERE"
				      " type = 'table' AND name = '%s'",
				      check_cases[c].table);
		assert_int_equal(peek_int(f, sql, v1_texts[c]), 1);
		free(sql);
	}
	text = peek_text(f, "PRAGMA integrity_check", NULL);
	assert_string_equal(text, "ok");
	free(text);
	OK(store_open(f->db, &f->st, &OKE));
}

static void test_checks(void **state)
{
	struct fx *f = *state;
	const char *v1_texts[N_ELEMENTS(check_cases)];
	const char *hand_edited[N_ELEMENTS(check_cases)];
	char *text;
	int failures = 0;

	rows_for_checks(f);
	/* a new database */
	CHECK(in_checks(f) == 0, "new: %lld CHECKs with IN", (long long)in_checks(f));
	assert_int_equal(peek_int(f,
				  "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
				  " name = 'messages_unmarked'",
				  NULL),
			 1);
	failures += check_constraints(f, "new");

	/* version 4, as a database made before it: rewritten, the rows kept */
	for (size_t c = 0; c < N_ELEMENTS(check_cases); c++)
		v1_texts[c] = check_cases[c].v1_text;
	reopen_as_v4(f, v1_texts);
	assert_int_equal(peek_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	CHECK(in_checks(f) == 0, "migrated: %lld CHECKs with IN", (long long)in_checks(f));
	assert_int_equal(peek_int(f,
				  "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
				  " name = 'messages_unmarked'",
				  NULL),
			 1);
	text = peek_text(f, "PRAGMA integrity_check", NULL);
	assert_string_equal(text, "ok");
	free(text);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM messages", NULL), 1);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM questions", NULL), 1);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM outbox", NULL), 1);
	failures += check_constraints(f, "migrated");
	/* the store's own statements on the new text */
	{
		struct store_new_question q = question("Ny fråga", "korttid", DEC);
		int64_t id = import_mail(f, 2, "kansli@fub.se", "Frågor");
		record(f, id, "processed", "FUB", "kansli@fub.se", false, &q, 1);
		assert_int_equal(peek_int(f, "SELECT count(*) FROM questions", NULL), 2);
	}

	/* a text edited by hand is left as it is, the others are rewritten */
	for (size_t c = 0; c < N_ELEMENTS(check_cases); c++)
		hand_edited[c] = check_cases[c].v1_text;
	hand_edited[0] = "CHECK (status IN ('new', 'processed', 'unknown-sender', 'auto-reply',"
			 " 'bounce', 'unparseable', 'duplicate'))";
	reopen_as_v4(f, hand_edited);
	assert_int_equal(peek_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	CHECK(in_checks(f) == 1, "hand-edited: %lld CHECKs with IN", (long long)in_checks(f));
	CHECK(peek_int(f, "SELECT instr(sql, ?1) > 0 FROM sqlite_master WHERE name = 'messages'",
		       hand_edited[0]) == 1,
	      "hand-edited: the text changed");
	failures += check_constraints(f, "hand-edited");
	assert_int_equal(failures, 0);
}

/* ---- import ------------------------------------------------------------------ */

/* The raw messages the batches below refer to by index. */
static const struct {
	const char *message_id;   /* NULL: none */
	const char *extra_header; /* makes the bytes differ */
	const char *body;
} raw_messages[] = {
    /* 0 */ {"fub-1@fub-exempelstad.se", "", "Fråga om korttidsboende."},
    /* 1 */ {"autism-1@autism-exempelstad.se", "", "Fråga om skolskjuts."},
    /* 2 */ {NULL, "", "Hej! Den här har inget Message-ID."},
    /* 3 */ {"rbu-1@rbu.se", "", "Fråga om assistans."},
    /* 4: message 0 again, after the server rewrote a header */
    {"fub-1@fub-exempelstad.se", "X-Spam-Status: No\r\n", "Fråga om korttidsboende."},
    /* 5: no Message-ID and other bytes than 2: a new message */
    {NULL, "", "Hej! Också utan Message-ID, men en annan text."},
    /* 6 */ {"dhr-1@dhr.se", "", "Fråga om färdtjänst."},
    /* 7: too big; only the header was fetched */
    {"big@attention.se", "", ""},
};

static char *raw_message(size_t i)
{
	char *m =
	    mail(raw_messages[i].message_id, "kansli@example.org", "Fråga", raw_messages[i].body);
	char *r = xasprintf("%s%s", raw_messages[i].extra_header, m);

	free(m);
	return r;
}

struct in_msg {
	uint32_t uid;
	int raw; /* index into raw_messages */
};

static const struct {
	const char *what;
	const char *mailbox;
	uint32_t uidvalidity;
	struct in_msg in[8];
	size_t n_in;
	uint32_t last_uid;
	uint32_t mark[8]; /* store_set_marked after the import */
	size_t n_mark;
	/* expected */
	size_t n_new;
	int rows; /* in the whole table */
	uint32_t state_last_uid;
	uint32_t unmarked[8];
	size_t n_unmarked;
} batches[] = {
    {"first batch", "INBOX", 100, {{1, 0}, {2, 1}, {3, 2}}, 3, 3, {0}, 0, 3, 3, 3, {1, 2, 3}, 3},
    {"overlap: stored uids are not stored twice",
     "INBOX",
     100,
     {{2, 1}, {3, 2}, {4, 3}},
     3,
     4,
     {1, 2, 3},
     3,
     1,
     4,
     4,
     {4},
     1},
    {"the watermark never moves back", "INBOX", 100, {{0}}, 0, 2, {0}, 0, 0, 4, 4, {4}, 1},
    {"an empty batch moves the watermark", "INBOX", 100, {{0}}, 0, 9, {4}, 1, 0, 4, 9, {0}, 0},
    /* UIDVALIDITY changed: everything comes again under new uids */
    {"UIDVALIDITY change re-maps, inserts only what is new",
     "INBOX",
     200,
     {{11, 4}, {12, 1}, {13, 2}, {14, 3}, {15, 5}, {16, 6}},
     6,
     16,
     {0},
     0,
     2,
     6,
     16,
     {11, 12, 13, 14, 15, 16},
     6},
    {"the same batch again",
     "INBOX",
     200,
     {{11, 4}, {12, 1}, {13, 2}, {14, 3}, {15, 5}, {16, 6}},
     6,
     16,
     {11, 12, 13},
     3,
     0,
     6,
     16,
     {14, 15, 16},
     3},
    /* another mailbox has its own watermark and its own identity */
    {"another mailbox", "Arkiv", 7, {{1, 0}}, 1, 1, {0}, 0, 1, 7, 1, {1}, 1},
    {"a truncated message", "INBOX", 200, {{17, 7}}, 1, 17, {0}, 0, 1, 8, 17, {14, 15, 16, 17}, 4},
};

static void test_import(void **state)
{
	struct fx *f = *state;
	struct store_mailbox_state ms;
	bool found = true;
	int failures = 0;

	OK(store_mailbox_state(f->st, "INBOX", &ms, &found, &OKE));
	assert_false(found);
	for (size_t b = 0; b < N_ELEMENTS(batches); b++) {
		struct store_incoming in[8];
		char *raws[8];
		size_t n_new = 99;
		uint32_t *uids = NULL;
		size_t n_uids = 0;

		for (size_t i = 0; i < batches[b].n_in; i++) {
			int r = batches[b].in[i].raw;
			raws[i] = raw_message((size_t)r);
			in[i].uid = batches[b].in[i].uid;
			in[i].internaldate = utc(2026, 11, 1, 8, 0) + r;
			in[i].raw = raws[i];
			in[i].size = strlen(raws[i]);
			in[i].truncated = r == 7;
			in[i].full_size = r == 7 ? 30000000 : 0;
		}
		OK(store_import_batch(f->st, batches[b].mailbox, batches[b].uidvalidity, in,
				      batches[b].n_in, batches[b].last_uid, &n_new, &OKE));
		for (size_t i = 0; i < batches[b].n_in; i++)
			free(raws[i]);
		if (batches[b].n_mark > 0)
			OK(store_set_marked(f->st, batches[b].mailbox, batches[b].uidvalidity,
					    batches[b].mark, batches[b].n_mark, &OKE));
		CHECK(n_new == batches[b].n_new, "%s: %zu new, expected %zu", batches[b].what,
		      n_new, batches[b].n_new);
		CHECK(peek_int(f, "SELECT count(*) FROM messages", NULL) == batches[b].rows,
		      "%s: %lld rows, expected %d", batches[b].what,
		      peek_int(f, "SELECT count(*) FROM messages", NULL), batches[b].rows);
		OK(store_mailbox_state(f->st, batches[b].mailbox, &ms, &found, &OKE));
		CHECK(found && ms.uidvalidity == batches[b].uidvalidity &&
			  ms.last_uid == batches[b].state_last_uid,
		      "%s: state %u/%u, expected %u/%u", batches[b].what, ms.uidvalidity,
		      ms.last_uid, batches[b].uidvalidity, batches[b].state_last_uid);
		OK(store_unmarked(f->st, batches[b].mailbox, batches[b].uidvalidity, &uids, &n_uids,
				  &OKE));
		CHECK(n_uids == batches[b].n_unmarked &&
			  (n_uids == 0 ||
			   memcmp(uids, batches[b].unmarked, n_uids * sizeof(*uids)) == 0),
		      "%s: %zu unmarked, expected %zu (first %u)", batches[b].what, n_uids,
		      batches[b].n_unmarked, n_uids ? uids[0] : 0);
		free(uids);
	}
	/* nothing is left under the old uidvalidity */
	{
		uint32_t *uids = NULL;
		size_t n = 99;
		OK(store_unmarked(f->st, "INBOX", 100, &uids, &n, &OKE));
		assert_int_equal(n, 0);
		free(uids);
		assert_int_equal(
		    peek_int(f, "SELECT count(*) FROM messages WHERE uidvalidity = 100", NULL), 0);
	}
	/* the re-mapped message keeps the bytes it was first stored with */
	{
		char *raw0 = raw_message(0), *raw2 = raw_message(2);
		struct store_message *m = NULL;
		int64_t id = peek_int(f,
				      "SELECT id FROM messages WHERE mailbox = 'INBOX' AND"
				      " message_id = ?1",
				      "fub-1@fub-exempelstad.se");
		OK(store_message_load(f->st, id, &m, &OKE));
		assert_int_equal(m->uidvalidity, 200);
		assert_int_equal(m->uid, 11);
		assert_int_equal(m->raw_size, strlen(raw0));
		assert_memory_equal(m->raw, raw0, m->raw_size);
		assert_string_equal(m->status, "new");
		store_message_free(&m);
		assert_null(m);
		/* the one without Message-ID was found by its bytes */
		id = peek_int(f, "SELECT id FROM messages WHERE mailbox = 'INBOX' AND uid = 13",
			      NULL);
		OK(store_message_load(f->st, id, &m, &OKE));
		assert_null(m->message_id);
		assert_memory_equal(m->raw, raw2, m->raw_size);
		store_message_free(&m);
		free(raw0);
		free(raw2);
	}
	/* the truncated one: flagged, with the size of the whole message */
	{
		struct store_message *list = NULL;
		size_t n = 0;
		bool seen = false;
		OK(store_messages(f->st, NULL, &list, &n, &OKE));
		assert_int_equal(n, 8);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				assert_true(list[i].id > list[i - 1].id);
			if (list[i].uid == 17 && list[i].uidvalidity == 200) {
				seen = true;
				assert_true(list[i].truncated);
				assert_int_equal(list[i].size, 30000000);
			} else {
				assert_false(list[i].truncated);
			}
			assert_null(list[i].raw);
		}
		assert_true(seen);
		store_messages_free(list, n);
	}
	assert_int_equal(failures, 0);
}

/* ---- store_next_new_chunk, one at a time -------------------------------------- */

static void test_next_new(void **state)
{
	struct fx *f = *state;
	int64_t ids[4];
	char *raws[4];
	struct store_message *m = NULL;
	bool found = false;
	int failures = 0;
	/* after processing message 1: from each id, which message comes next */
	static const struct {
		int after;  /* index into ids, -1: from the start */
		int expect; /* index, -1: none */
	} steps[] = {{-1, 0}, {0, 2}, {1, 2}, {2, 3}, {3, -1}};

	for (int i = 0; i < 4; i++) {
		char *id = xasprintf("n%d@fub.se", i);
		raws[i] = mail(id, "kansli@fub.se", "Fråga", i == 3 ? "åäö ÅÄÖ" : "Hej");
		ids[i] = import_one(f, (uint32_t)(10 - i), utc(2026, 11, 2, 8, 0), raws[i]);
		free(id);
	}
	record(f, ids[1], "processed", "FUB", "kansli@fub.se", false, NULL, 0);
	for (size_t s = 0; s < N_ELEMENTS(steps); s++) {
		int64_t after = steps[s].after < 0 ? 0 : ids[steps[s].after];
		size_t n = 0;

		OK(store_next_new_chunk(f->st, after, 1, SIZE_MAX, &m, &n, &OKE));
		found = n > 0;
		if (steps[s].expect < 0) {
			CHECK(!found, "after %d: found %lld", steps[s].after,
			      found ? (long long)m->id : 0LL);
		} else {
			CHECK(found && m->id == ids[steps[s].expect],
			      "after %d: %lld, expected %lld", steps[s].after,
			      found ? (long long)m->id : 0LL, (long long)ids[steps[s].expect]);
			if (found) {
				const char *raw = raws[steps[s].expect];
				assert_string_equal(m->status, "new");
				assert_int_equal(m->raw_size, strlen(raw));
				assert_memory_equal(m->raw, raw, m->raw_size);
				assert_int_equal(m->raw[m->raw_size], '\0');
			}
		}
		if (found)
			store_message_free(&m);
	}
	/* an id that is not there */
	{
		struct error error = {0};
		assert_int_equal(store_message_load(f->st, 999999, &m, &error), -1);
		assert_int_equal(error.kind, ERR_MESSAGE);
	}
	for (int i = 0; i < 4; i++)
		free(raws[i]);
	assert_int_equal(failures, 0);
}

/* store_next_new_chunk over messages m0..m4 whose raw sizes are 300 bytes
 * apart, m1 processed: which come back for a start and the two limits. */
static const struct {
	const char *what;
	int after; /* index of the last message seen, -1: from the start */
	size_t max_n;
	/* max_bytes: the raw bytes of the new ones of m0..m(bytes_upto) plus
	 * bytes_plus; bytes_upto -1: no limit */
	int bytes_upto;
	int bytes_plus;
	const char *expect; /* indexes in order */
} chunk_cases[] = {
    {"all, in id order, without the processed one", -1, 50, -1, 0, "0 2 3 4"},
    {"after an id", 2, 50, -1, 0, "3 4"},
    {"after the processed one", 1, 50, -1, 0, "2 3 4"},
    {"nothing after the last", 4, 50, -1, 0, ""},
    {"max_n", -1, 2, -1, 0, "0 2"},
    {"max_n of one", 2, 1, -1, 0, "3"},
    {"the bytes: it stops once they are reached", -1, 50, 2, 0, "0 2"},
    {"the bytes: one short of them, one more", -1, 50, 2, 1, "0 2 3"},
    {"the bytes: below the first message's, that one", -1, 50, 0, -1, "0"},
    {"the bytes: after an id, below its next one's", 0, 50, 0, -100, "2"},
};

static void test_next_new_chunk(void **state)
{
	struct fx *f = *state;
	int64_t ids[5];
	char *raws[5];
	size_t sizes[5];
	int failures = 0;

	for (int i = 0; i < 5; i++) {
		char *id = xasprintf("c%d@fub.se", i), *body = xcalloc(1, (size_t)i * 300 + 2);
		memset(body, 'x', (size_t)i * 300 + 1);
		raws[i] = mail(id, "kansli@fub.se", "Fråga", body);
		sizes[i] = strlen(raws[i]);
		ids[i] = import_one(f, (uint32_t)(20 + i), utc(2026, 11, 2, 8, 0), raws[i]);
		free(body);
		free(id);
	}
	record(f, ids[1], "processed", "FUB", "kansli@fub.se", false, NULL, 0);
	for (size_t c = 0; c < N_ELEMENTS(chunk_cases); c++) {
		struct store_message *got[50];
		size_t n = 99, max_bytes = SIZE_MAX;
		struct buf b = {0};

		if (chunk_cases[c].bytes_upto >= 0) {
			max_bytes = 0;
			for (int i = 0; i <= chunk_cases[c].bytes_upto; i++)
				max_bytes += i == 1 ? 0 : sizes[i]; /* m1 is not new */
			if (chunk_cases[c].bytes_plus < 0)
				max_bytes -= (size_t)-chunk_cases[c].bytes_plus;
			else
				max_bytes += (size_t)chunk_cases[c].bytes_plus;
		}
		OK(store_next_new_chunk(f->st,
					chunk_cases[c].after < 0 ? 0 : ids[chunk_cases[c].after],
					chunk_cases[c].max_n, max_bytes, got, &n, &OKE));
		for (size_t i = 0; i < n; i++) {
			int k = 0;
			while (k < 5 && ids[k] != got[i]->id)
				k++;
			buf_printf(&b, "%s%d", i ? " " : "", k);
			/* the row and its raw bytes */
			CHECK(k < 5 && strcmp(got[i]->status, "new") == 0 &&
				  got[i]->raw_size == sizes[k] &&
				  memcmp(got[i]->raw, raws[k], sizes[k]) == 0 &&
				  got[i]->raw[got[i]->raw_size] == '\0' && got[i]->n_questions == 0,
			      "%s: message %d as read", chunk_cases[c].what, k);
			store_message_free(&got[i]);
		}
		CHECK(strcmp(b.len ? b.data : "", chunk_cases[c].expect) == 0,
		      "%s: '%s', expected '%s'", chunk_cases[c].what, b.len ? b.data : "",
		      chunk_cases[c].expect);
		free(b.data);
	}
	for (int i = 0; i < 5; i++)
		free(raws[i]);
	assert_int_equal(failures, 0);
}

/* ---- store_record_outcome ------------------------------------------------------- */

struct q_in {
	const char *title;
	const char *category;
	const char *meeting;
	const char *join;   /* join the item of the question with this title */
	const char *status; /* NULL: queued */
};

/* Messages A..F processed in turn (some twice: reprocessing replaces), and
 * the agenda items each meeting has afterwards. */
static const struct {
	const char *what;
	int message;            /* 0..5, or -1 for a category change */
	const char *categories; /* for -1 */
	const char *status;
	const char *association;
	bool ack;
	struct q_in q[3];
	size_t n_q;
	const char *items_dec;
	const char *items_mar;
	int waiting;
} outcome_steps[] = {
    {"categories",
     -1,
     "boende,daglig-verksamhet,korttid,ovrigt",
     NULL,
     NULL,
     false,
     {{0}},
     0,
     "",
     "",
     0},
    {"two questions, numbered in category order",
     0,
     NULL,
     "processed",
     "FUB Exempelstad",
     true,
     {{"Korttid i sommar", "korttid", DEC, NULL, NULL},
      {"Kö till gruppbostad", "boende", DEC, NULL, NULL}},
     2,
     "boende#1(1) korttid#2(1)",
     "",
     0},
    {"a question joins an item",
     1,
     NULL,
     "processed",
     "Autism- och Aspergerföreningen",
     true,
     {{"Gruppbostad igen", "boende", DEC, "Kö till gruppbostad", NULL}},
     1,
     "boende#1(2) korttid#2(1)",
     "",
     0},
    {"a new item renumbers the rest",
     2,
     NULL,
     "processed",
     "RBU",
     false,
     {{"Daglig verksamhet i centrum", "daglig-verksamhet", DEC, NULL, NULL}},
     1,
     "boende#1(2) daglig-verksamhet#2(1) korttid#3(1)",
     "",
     0},
    {"no joining across meetings",
     3,
     NULL,
     "processed",
     "DHR",
     false,
     {{"Till mars", "boende", MAR, "Kö till gruppbostad", NULL}},
     1,
     "boende#1(2) daglig-verksamhet#2(1) korttid#3(1)",
     "boende#1(1)",
     0},
    {"reprocessing replaces the questions",
     0,
     NULL,
     "processed",
     "FUB Exempelstad",
     false,
     {{"Korttid i sommar", "korttid", DEC, NULL, NULL}},
     1,
     "boende#1(1) daglig-verksamhet#2(1) korttid#3(1)",
     "boende#1(1)",
     0},
    {"an emptied item is dropped",
     1,
     NULL,
     "auto-reply",
     NULL,
     false,
     {{0}},
     0,
     "daglig-verksamhet#1(1) korttid#2(1)",
     "boende#1(1)",
     0},
    {"a new category order renumbers",
     -1,
     "korttid,daglig-verksamhet,boende,ovrigt",
     NULL,
     NULL,
     false,
     {{0}},
     0,
     "korttid#1(1) daglig-verksamhet#2(1)",
     "boende#1(1)",
     0},
    {"duplicates, waiting and unknown categories",
     4,
     NULL,
     "processed",
     "FUB Exempelstad",
     false,
     {{"Dubblett", "korttid", DEC, NULL, "duplicate"},
      {"Väntar på ett möte", "ovrigt", NULL, NULL, NULL},
      {"Okänd kategori", "ny-kategori", DEC, NULL, NULL}},
     3,
     "korttid#1(1) daglig-verksamhet#2(1) ny-kategori#3(1)",
     "boende#1(1)",
     1},
    {"held questions get items",
     5,
     NULL,
     "processed",
     "NEURO",
     false,
     {{"Osäker fråga", "boende", DEC, NULL, "held"}},
     1,
     "korttid#1(1) daglig-verksamhet#2(1) boende#3(1) ny-kategori#4(1)",
     "boende#1(1)",
     1},
};

static void run_outcomes(struct fx *f, int64_t ids[6], int *failures_r)
{
	int failures = 0;

	OK(store_meeting_upsert(f->st, DEC, "17:00", "19:00", "Stadshuset", &OKE));
	OK(store_meeting_upsert(f->st, MAR, "17:00", NULL, NULL, &OKE));
	for (int i = 0; i < 6; i++)
		ids[i] = import_mail(f, (uint32_t)(i + 1), "kansli@example.org", "Frågor");
	for (size_t s = 0; s < N_ELEMENTS(outcome_steps); s++) {
		struct store_new_question qs[3];
		char *got;

		if (outcome_steps[s].message < 0) {
			sync_categories(f, outcome_steps[s].categories);
		} else {
			for (size_t i = 0; i < outcome_steps[s].n_q; i++) {
				const struct q_in *in = &outcome_steps[s].q[i];
				qs[i] = question(in->title, in->category, in->meeting);
				if (in->status != NULL)
					qs[i].status = in->status;
				if (in->join != NULL) {
					qs[i].join_item = item_of(f, in->join);
					assert_true(qs[i].join_item > 0);
				}
				if (in->status != NULL && strcmp(in->status, "duplicate") == 0)
					qs[i].duplicate_of = question_id(f, "Korttid i sommar");
			}
			record(f, ids[outcome_steps[s].message], outcome_steps[s].status,
			       outcome_steps[s].association, "kansli@example.org",
			       outcome_steps[s].ack, qs, outcome_steps[s].n_q);
		}
		got = items_of(f, DEC);
		CHECK(strcmp(got, outcome_steps[s].items_dec) == 0,
		      "%s: %s has '%s', expected '%s'", outcome_steps[s].what, DEC, got,
		      outcome_steps[s].items_dec);
		free(got);
		got = items_of(f, MAR);
		CHECK(strcmp(got, outcome_steps[s].items_mar) == 0,
		      "%s: %s has '%s', expected '%s'", outcome_steps[s].what, MAR, got,
		      outcome_steps[s].items_mar);
		free(got);
		CHECK(peek_int(f, "SELECT count(*) FROM questions WHERE meeting IS NULL", NULL) ==
			  outcome_steps[s].waiting,
		      "%s: waiting questions", outcome_steps[s].what);
		/* rule 6: numbers are 1..N in every meeting */
		CHECK(
		    peek_int(
			f,
			"SELECT count(*) FROM (SELECT meeting, max(number) AS mx, count(*) AS n,"
			" min(number) AS mn FROM items GROUP BY meeting) WHERE mx <> n OR mn <> 1",
			NULL) == 0,
		    "%s: item numbers are not 1..N", outcome_steps[s].what);
	}
	*failures_r += failures;
}

static void test_record_outcome(void **state)
{
	struct fx *f = *state;
	int64_t ids[6];
	int failures = 0;
	struct store_message *m = NULL, *pending = NULL;
	struct store_question *qs = NULL;
	size_t n = 0;

	run_outcomes(f, ids, &failures);

	/* the message's fields, and the Message-ID kept from the import */
	OK(store_message_load(f->st, ids[0], &m, &OKE));
	assert_string_equal(m->status, "processed");
	assert_string_equal(m->association, "FUB Exempelstad");
	assert_string_equal(m->from_addr, "kansli@example.org");
	assert_string_equal(m->from_name, "Avsändare");
	assert_string_equal(m->subject, "Frågor till LSS-samverkan");
	assert_string_equal(m->message_id, "m1@example.org");
	assert_int_equal(m->n_questions, 1);
	store_message_free(&m);
	OK(store_message_load(f->st, ids[1], &m, &OKE));
	assert_string_equal(m->status, "auto-reply");
	assert_null(m->association);
	assert_int_equal(m->n_questions, 0);
	store_message_free(&m);

	/* the message's own questions, in their order in the mail */
	OK(store_message_questions(f->st, ids[4], &qs, &n, &OKE));
	assert_int_equal(n, 3);
	assert_string_equal(qs[0].title, "Dubblett");
	assert_string_equal(qs[0].status, "duplicate");
	assert_int_equal(qs[0].item, 0);
	assert_int_equal(qs[0].duplicate_of, question_id(f, "Korttid i sommar"));
	assert_string_equal(qs[1].title, "Väntar på ett möte");
	assert_null(qs[1].meeting);
	assert_int_equal(qs[1].item, 0);
	assert_string_equal(qs[2].title, "Okänd kategori");
	assert_int_equal(qs[2].item_number, 4);
	assert_string_equal(qs[2].association, "FUB Exempelstad");
	assert_string_equal(qs[2].message_id, "m5@example.org");
	assert_int_equal(qs[2].received, utc(2026, 11, 20, 10, 0) + 5);
	store_questions_free(qs, n);

	/* acknowledgements: message A was reprocessed without, B became an
	 * auto-reply: nothing is pending any more */
	OK(store_ack_pending(f->st, &pending, &n, &OKE));
	assert_int_equal(n, 0);
	store_messages_free(pending, n);

	/* a message that is not there */
	{
		struct store_outcome o = {0};
		struct error error = {0};
		o.message = 424242;
		o.status = "processed";
		assert_int_equal(store_record_outcome(f->st, &o, &error), -1);
		assert_int_equal(error.kind, ERR_FATAL);
	}
	assert_int_equal(failures, 0);
}

/* Rule 8: every way back to "new" leaves a message without questions, so
 * that recording its outcome again (which deletes earlier questions only of
 * a message that was not "new") replaces them and never adds a second set.
 * Each case records two questions, goes back to "new" (or not) one way,
 * then records three. */
enum back_to_new { NOT_NEW, RESET_MESSAGE, RESET_ALL, BATCH_ROLLED_BACK, SAME_BATCH };

static const struct {
	const char *what;
	enum back_to_new how;
	const char *status_between; /* the message's status before the second outcome */
	int questions_between;
} rerecord_cases[] = {
    {"recorded twice: replaced", NOT_NEW, "processed", 2},
    {"reset (approve, reprocess MSGID), then recorded", RESET_MESSAGE, "new", 0},
    {"reset with every message (reprocess --all), then recorded", RESET_ALL, "new", 0},
    {"a batch rolled back, then recorded", BATCH_ROLLED_BACK, "new", 0},
    {"recorded twice in one batch", SAME_BATCH, "processed", 2},
};

static void test_rerecord(void **state)
{
	struct fx *f = *state;
	struct store_new_question first[2] = {question("Första", "boende", DEC),
					      question("Andra", "korttid", NULL)};
	struct store_new_question second[3] = {question("Ett", "boende", DEC),
					       question("Två", "korttid", DEC),
					       question("Tre", "ovrigt", NULL)};
	int failures = 0;

	sync_categories(f, "boende,daglig-verksamhet,korttid,ovrigt");
	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	for (size_t c = 0; c < N_ELEMENTS(rerecord_cases); c++) {
		int64_t id = import_mail(f, (uint32_t)(100 + c), "kansli@fub.se", "Frågor");
		char *sql =
		    xasprintf("SELECT count(*) FROM questions WHERE message = %lld", (long long)id);
		char *status_sql =
		    xasprintf("SELECT status FROM messages WHERE id = %lld", (long long)id);
		char *status;
		int n;
		bool batch = rerecord_cases[c].how == BATCH_ROLLED_BACK ||
			     rerecord_cases[c].how == SAME_BATCH;

		if (batch)
			OK(store_batch_begin(f->st, &OKE));
		record(f, id, "processed", "FUB", "kansli@fub.se", false, first, 2);
		switch (rerecord_cases[c].how) {
		case NOT_NEW:
		case SAME_BATCH:
			break;
		case RESET_MESSAGE:
			OK(store_reset_message(f->st, id, NULL, &OKE));
			break;
		case RESET_ALL:
			OK(store_reset_all(f->st, NULL, &OKE));
			break;
		case BATCH_ROLLED_BACK:
			OK(store_batch_end(f->st, false, &OKE));
			break;
		}
		if (rerecord_cases[c].how != SAME_BATCH) {
			status = peek_text(f, status_sql, NULL);
			CHECK(status != NULL &&
				  strcmp(status, rerecord_cases[c].status_between) == 0,
			      "%s: status '%s' between, expected '%s'", rerecord_cases[c].what,
			      status ? status : "(none)", rerecord_cases[c].status_between);
			free(status);
			n = (int)peek_int(f, sql, NULL);
			CHECK(n == rerecord_cases[c].questions_between,
			      "%s: %d questions between, expected %d", rerecord_cases[c].what, n,
			      rerecord_cases[c].questions_between);
		}
		if (rerecord_cases[c].how == BATCH_ROLLED_BACK)
			OK(store_batch_begin(f->st, &OKE));
		record(f, id, "processed", "FUB", "kansli@fub.se", false, second, 3);
		if (batch)
			OK(store_batch_end(f->st, true, &OKE));
		n = (int)peek_int(f, sql, NULL);
		CHECK(n == 3, "%s: %d questions after, expected 3", rerecord_cases[c].what, n);
		/* numbered 1..3 in the mail's order, none of the first outcome left */
		CHECK(peek_int(f,
			       "SELECT count(*) FROM questions WHERE title IN ('Första', 'Andra')",
			       NULL) == 0,
		      "%s: questions of the first outcome left", rerecord_cases[c].what);
		free(sql);
		free(status_sql);
		/* the next case starts without these */
		OK(store_reset_message(f->st, id, NULL, &OKE));
		record(f, id, "auto-reply", NULL, "kansli@fub.se", false, NULL, 0);
	}
	/* rule 6 over it all: the items left are numbered 1..N */
	CHECK(peek_int(f,
		       "SELECT count(*) FROM (SELECT meeting, max(number) AS mx, count(*) AS n,"
		       " min(number) AS mn FROM items GROUP BY meeting) WHERE mx <> n OR mn <> 1",
		       NULL) == 0,
	      "item numbers are not 1..N");
	CHECK(peek_int(f,
		       "SELECT count(*) FROM items WHERE NOT EXISTS (SELECT 1 FROM questions q"
		       " WHERE q.item = items.id)",
		       NULL) == 0,
	      "an item without questions is left");
	assert_int_equal(failures, 0);
}

/* The Message-ID an outcome brings (MIME's parse) against the one import
 * found in the raw header: the outcome's wins; none keeps import's. */
static const struct {
	const char *imported; /* NULL: the mail has none */
	const char *outcome;
	const char *expect;
} outcome_message_ids[] = {
    {"a@fub.se", NULL, "a@fub.se"},
    {"b@fub.se", "b@fub.se", "b@fub.se"},
    {NULL, "c@fub.se", "c@fub.se"},
    {NULL, NULL, NULL},
    {"d@fub.se", "D-annan@fub.se", "D-annan@fub.se"},
    /* the same letters in another case are another Message-ID */
    {"e@fub.se", "E@fub.se", "E@fub.se"},
};

static void test_outcome_message_id(void **state)
{
	struct fx *f = *state;
	int failures = 0;

	for (size_t c = 0; c < N_ELEMENTS(outcome_message_ids); c++) {
		char *raw = mail(outcome_message_ids[c].imported, "kansli@fub.se", "Fråga", "Hej");
		int64_t id = import_one(f, (uint32_t)(200 + c), utc(2026, 11, 2, 8, 0), raw);
		struct store_outcome o = {0};
		char *sql =
		    xasprintf("SELECT message_id FROM messages WHERE id = %lld", (long long)id);
		char *got;

		o.message = id;
		o.status = "processed";
		o.message_id = outcome_message_ids[c].outcome;
		OK(store_record_outcome(f->st, &o, &OKE));
		got = peek_text(f, sql, NULL);
		CHECK((got == NULL && outcome_message_ids[c].expect == NULL) ||
			  (got != NULL && outcome_message_ids[c].expect != NULL &&
			   strcmp(got, outcome_message_ids[c].expect) == 0),
		      "case %zu: '%s', expected '%s'", c, got ? got : "(null)",
		      outcome_message_ids[c].expect ? outcome_message_ids[c].expect : "(null)");
		free(got);
		free(sql);
		free(raw);
	}
	assert_int_equal(failures, 0);
}

/* Which questions store_questions returns for a filter, in order. */
static const struct {
	const char *meeting;
	const char *titles;
} question_filters[] = {
    {NULL, "Korttid i sommar|Daglig verksamhet i centrum|Osäker fråga|Okänd kategori|Dubblett|"
	   "Till mars|Väntar på ett möte"},
    {"", "Väntar på ett möte"},
    {DEC, "Korttid i sommar|Daglig verksamhet i centrum|Osäker fråga|Okänd kategori|Dubblett"},
    {MAR, "Till mars"},
    {"2030-01-01", ""},
};

static void test_questions(void **state)
{
	struct fx *f = *state;
	int64_t ids[6];
	int failures = 0;

	run_outcomes(f, ids, &failures);
	for (size_t i = 0; i < N_ELEMENTS(question_filters); i++) {
		struct store_question *qs = NULL;
		size_t n = 0;
		struct buf b = {0};

		OK(store_questions(f->st, question_filters[i].meeting, &qs, &n, &OKE));
		for (size_t j = 0; j < n; j++) {
			if (j > 0)
				buf_append_char(&b, '|');
			buf_append_str(&b, qs[j].title);
			if (question_filters[i].meeting != NULL &&
			    *question_filters[i].meeting != '\0')
				CHECK(qs[j].meeting != NULL &&
					  strcmp(qs[j].meeting, question_filters[i].meeting) == 0,
				      "filter %s: question in %s", question_filters[i].meeting,
				      qs[j].meeting ? qs[j].meeting : "(none)");
		}
		char *got = buf_steal(&b);
		CHECK(strcmp(got, question_filters[i].titles) == 0,
		      "filter %s:\n  got      %s\n  expected %s",
		      question_filters[i].meeting ? question_filters[i].meeting : "NULL", got,
		      question_filters[i].titles);
		free(got);
		/* store_meeting_queued(): the queued ones of these, in the same
		 * order, with their text */
		if (question_filters[i].meeting != NULL && *question_filters[i].meeting != '\0') {
			struct store_question *qq = NULL;
			size_t nq = 0, k = 0;

			OK(store_meeting_queued(f->st, question_filters[i].meeting, &qq, &nq, &OKE));
			for (size_t j = 0; j < n; j++) {
				if (strcmp(qs[j].status, "queued") != 0)
					continue;
				CHECK(k < nq && qq[k].id == qs[j].id && qq[k].item == qs[j].item &&
					  strcmp(qq[k].text, qs[j].text) == 0,
				      "queued of %s: question %lld not %zu-th",
				      question_filters[i].meeting, (long long)qs[j].id, k);
				k++;
			}
			CHECK(k == nq, "queued of %s: %zu, want %zu", question_filters[i].meeting,
			      nq, k);
			store_questions_free(qq, nq);
		}
		store_questions_free(qs, n);
	}
	assert_int_equal(failures, 0);
}

/* ---- store_place_waiting -------------------------------------------------------- */

/* Questions waiting for a meeting, by when they arrived (UTC); the cutoff is
 * the local day 2026-11-30 in Stockholm. */
static const struct {
	const char *title;
	int y, mo, d, h, mi;
	const char *status;
	const char *category;
	bool placed;
} waiting_cases[] = {
    {"Före cutoff", 2026, 11, 20, 10, 0, "queued", "korttid", true},
    {"Cutoff-dagen 23.30", 2026, 11, 30, 22, 30, "queued", "boende", true},
    /* 00:30 on December 1st in Stockholm, still November 30th in UTC */
    {"Efter midnatt", 2026, 11, 30, 23, 30, "queued", "boende", false},
    {"Dagen efter", 2026, 12, 1, 12, 0, "queued", "boende", false},
    {"Hållen", 2026, 11, 1, 12, 0, "held", "boende", false},
};

static void test_place_waiting(void **state)
{
	struct fx *f = *state;
	int placed = -1, failures = 0, expect = 0;
	char *got;

	sync_categories(f, "boende,daglig-verksamhet,korttid,ovrigt");
	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(waiting_cases); i++) {
		char *id = xasprintf("w%zu@fub.se", i);
		char *raw = mail(id, "kansli@fub.se", "Fråga", waiting_cases[i].title);
		int64_t msg =
		    import_one(f, (uint32_t)i + 1,
			       utc(waiting_cases[i].y, waiting_cases[i].mo, waiting_cases[i].d,
				   waiting_cases[i].h, waiting_cases[i].mi),
			       raw);
		struct store_new_question q =
		    question(waiting_cases[i].title, waiting_cases[i].category, NULL);
		q.status = waiting_cases[i].status;
		record(f, msg, "processed", "FUB", "kansli@fub.se", false, &q, 1);
		expect += waiting_cases[i].placed;
		free(raw);
		free(id);
	}
	OK(store_place_waiting(f->st, "2026-11-30", DEC, &placed, &OKE));
	assert_int_equal(placed, expect);
	for (size_t i = 0; i < N_ELEMENTS(waiting_cases); i++) {
		char *meeting = peek_text(f, "SELECT meeting FROM questions WHERE title = ?1",
					  waiting_cases[i].title);
		if (waiting_cases[i].placed)
			CHECK(meeting != NULL && strcmp(meeting, DEC) == 0 &&
				  item_of(f, waiting_cases[i].title) != 0,
			      "%s: not placed", waiting_cases[i].title);
		else
			CHECK(meeting == NULL && item_of(f, waiting_cases[i].title) == 0,
			      "%s: placed in %s", waiting_cases[i].title, meeting);
		free(meeting);
	}
	got = items_of(f, DEC);
	assert_string_equal(got, "boende#1(1) korttid#2(1)");
	free(got);
	/* again: nothing more to place */
	OK(store_place_waiting(f->st, "2026-11-30", DEC, &placed, &OKE));
	assert_int_equal(placed, 0);
	assert_int_equal(failures, 0);
}

/* ---- corrections: move, recategorize, training -------------------------------------- */

enum op { MOVE, RECATEGORIZE };

static const struct {
	const char *what;
	enum op op;
	const char *title;
	const char *to; /* meeting or category */
	bool same_item; /* the question keeps its item (it was alone in it) */
	const char *items_dec;
	const char *items_mar;
	int training;
} correction_steps[] = {
    {"move a question alone in its item: the item goes along", MOVE, "Ensam", MAR, true,
     "boende#1(3)", "korttid#1(1)", 0},
    {"move a question that shares an item: an item of its own", MOVE, "Delad 3", MAR, false,
     "boende#1(2)", "boende#1(1) korttid#2(1)", 0},
    {"recategorize a shared question", RECATEGORIZE, "Delad 2", "ovrigt", false,
     "boende#1(1) ovrigt#2(1)", "boende#1(1) korttid#2(1)", 1},
    {"recategorize a question alone in its item", RECATEGORIZE, "Delad 1", "korttid", true,
     "korttid#1(1) ovrigt#2(1)", "boende#1(1) korttid#2(1)", 2},
    {"recategorize in the other meeting", RECATEGORIZE, "Ensam", "boende", true,
     "korttid#1(1) ovrigt#2(1)", "boende#1(1) boende#2(1)", 3},
    {"recategorize a waiting question", RECATEGORIZE, "Väntar", "ovrigt", false,
     "korttid#1(1) ovrigt#2(1)", "boende#1(1) boende#2(1)", 4},
};

struct training_seen {
	char *pairs[8];
	size_t n;
	size_t stop_after; /* fail on this call (0: never) */
};

static int training_cb(void *ctx, const char *text, const char *category, struct error *error_r)
{
	struct training_seen *t = ctx;

	if (t->stop_after != 0 && t->n + 1 == t->stop_after)
		return err_set(error_r, ERR_FATAL, "stopped at %zu", t->n + 1);
	assert_true(t->n < N_ELEMENTS(t->pairs));
	t->pairs[t->n++] = xasprintf("%s=%s", text, category);
	return 0;
}

static void test_corrections(void **state)
{
	struct fx *f = *state;
	static const char *const titles[] = {"Delad 1", "Delad 2", "Delad 3", "Ensam", "Väntar"};
	int64_t msgs[5];
	int failures = 0;

	sync_categories(f, "boende,daglig-verksamhet,korttid,ovrigt");
	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, MAR, "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(titles); i++) {
		struct store_new_question q =
		    question(titles[i], i < 3 ? "boende" : "korttid", i < 4 ? DEC : NULL);
		msgs[i] = import_mail(f, (uint32_t)i + 1, "kansli@example.org", titles[i]);
		if (i == 1 || i == 2)
			q.join_item = item_of(f, "Delad 1");
		q.confident = false;
		q.score = 0.2;
		record(f, msgs[i], "processed", "FUB", "kansli@example.org", false, &q, 1);
	}
	{
		char *got = items_of(f, DEC);
		assert_string_equal(got, "boende#1(3) korttid#2(1)");
		free(got);
	}
	for (size_t s = 0; s < N_ELEMENTS(correction_steps); s++) {
		int64_t id = question_id(f, correction_steps[s].title);
		int64_t before = item_of(f, correction_steps[s].title), after;
		char *got;

		if (correction_steps[s].op == MOVE)
			OK(store_move_question(f->st, id, correction_steps[s].to, &OKE));
		else
			OK(store_recategorize(f->st, id, correction_steps[s].to, &OKE));
		after = item_of(f, correction_steps[s].title);
		if (before != 0)
			CHECK((after == before) == correction_steps[s].same_item,
			      "%s: item %lld -> %lld", correction_steps[s].what, (long long)before,
			      (long long)after);
		got = items_of(f, DEC);
		CHECK(strcmp(got, correction_steps[s].items_dec) == 0,
		      "%s: %s has '%s', expected '%s'", correction_steps[s].what, DEC, got,
		      correction_steps[s].items_dec);
		free(got);
		got = items_of(f, MAR);
		CHECK(strcmp(got, correction_steps[s].items_mar) == 0,
		      "%s: %s has '%s', expected '%s'", correction_steps[s].what, MAR, got,
		      correction_steps[s].items_mar);
		free(got);
		CHECK(peek_int(f, "SELECT count(*) FROM training", NULL) ==
			  correction_steps[s].training,
		      "%s: training rows", correction_steps[s].what);
		if (correction_steps[s].op == RECATEGORIZE) {
			char *cat = peek_text(f, "SELECT category FROM questions WHERE title = ?1",
					      correction_steps[s].title);
			CHECK(strcmp(cat, correction_steps[s].to) == 0, "%s: category %s",
			      correction_steps[s].what, cat);
			free(cat);
			/* the secretary's word is certain */
			CHECK(peek_int(f, "SELECT confident FROM questions WHERE title = ?1",
				       correction_steps[s].title) == 1,
			      "%s: not confident", correction_steps[s].what);
		}
	}
	/* mistakes are the caller's, and change nothing */
	{
		struct error error = {0};
		long long items = peek_int(f, "SELECT count(*) FROM items", NULL);
		assert_int_equal(store_move_question(f->st, 999999, DEC, &error), -1);
		assert_int_equal(error.kind, ERR_MESSAGE);
		assert_int_equal(
		    store_move_question(f->st, question_id(f, "Ensam"), "2030-01-01", &error), -1);
		assert_int_equal(error.kind, ERR_MESSAGE);
		assert_int_equal(store_recategorize(f->st, 999999, "boende", &error), -1);
		assert_int_equal(error.kind, ERR_MESSAGE);
		assert_int_equal(peek_int(f, "SELECT count(*) FROM items", NULL), items);
		assert_int_equal(peek_int(f, "SELECT count(*) FROM training", NULL), 4);
	}
	/* the classifier learns from the corrections, oldest first */
	{
		static const char *const expect[] = {"Delad 2=ovrigt", "Delad 1=korttid",
						     "Ensam=boende", "Väntar=ovrigt"};
		struct training_seen seen = {0};
		struct error error = {0};
		int64_t last = 0, last_all = 0;

		OK(store_training(f->st, 0, training_cb, &seen, &last_all, &OKE));
		assert_int_equal(seen.n, N_ELEMENTS(expect));
		assert_true(last_all > 0);
		for (size_t i = 0; i < seen.n; i++) {
			assert_string_equal(seen.pairs[i], expect[i]);
			free(seen.pairs[i]);
		}
		/* an error from the callback stops the walk and comes back */
		memset(&seen, 0, sizeof(seen));
		seen.stop_after = 2;
		assert_int_equal(store_training(f->st, 0, training_cb, &seen, &last, &error), -1);
		assert_string_equal(error.text, "stopped at 2");
		assert_int_equal(seen.n, 1);
		free(seen.pairs[0]);
		/* and the store is usable afterwards */
		memset(&seen, 0, sizeof(seen));
		OK(store_training(f->st, 0, training_cb, &seen, &last, &OKE));
		assert_int_equal(seen.n, 4);
		for (size_t i = 0; i < seen.n; i++)
			free(seen.pairs[i]);
		/* a running daemon asks only for what came after what it has */
		memset(&seen, 0, sizeof(seen));
		OK(store_training(f->st, last_all, training_cb, &seen, &last, &OKE));
		assert_int_equal(seen.n, 0);
		assert_true(last == last_all);
	}
	assert_int_equal(failures, 0);
}

/* ---- deferring and closing items ---------------------------------------------------- */

static const struct {
	const char *what;
	const char *title; /* the item of this question; NULL: an id that is not there */
	const char *status;
	int rc;
	enum err_kind kind;
	/* afterwards */
	const char *item_status;
	const char *carried_to; /* NULL: none */
} item_steps[] = {
    {"defer to the next meeting", "Punkt 1", "deferred", 0, ERR_NONE, "deferred", "2026-06-04"},
    {"defer again: the meeting after", "Punkt 1", "deferred", 0, ERR_NONE, "deferred",
     "2026-09-17"},
    {"defer past the last meeting", "Punkt 1", "deferred", -1, ERR_MESSAGE, "deferred",
     "2026-09-17"},
    {"defer from the last meeting", "Punkt 3", "deferred", -1, ERR_MESSAGE, "open", NULL},
    {"close", "Punkt 2", "closed", 0, ERR_NONE, "closed", NULL},
    {"an item that is not there", NULL, "closed", -1, ERR_MESSAGE, NULL, NULL},
};

static void test_item_status(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *title;
		const char *meeting;
	} setup_items[] = {
	    {"Punkt 1", "2026-03-12"}, {"Punkt 2", "2026-03-12"}, {"Punkt 3", "2026-09-17"}};
	int failures = 0;

	OK(store_meeting_upsert(f->st, "2026-03-12", "17:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, "2026-06-04", "17:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, "2026-09-17", "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(setup_items); i++) {
		struct store_new_question q =
		    question(setup_items[i].title, "boende", setup_items[i].meeting);
		int64_t msg = import_mail(f, (uint32_t)i + 1, "kansli@example.org", "x");
		record(f, msg, "processed", "FUB", "kansli@example.org", false, &q, 1);
	}
	for (size_t s = 0; s < N_ELEMENTS(item_steps); s++) {
		int64_t item = item_steps[s].title ? item_of(f, item_steps[s].title) : 999999;
		struct error error = {0};
		int rc = store_item_set_status(f->st, item, item_steps[s].status, &error);
		char *sql, *status, *carried;

		CHECK(rc == item_steps[s].rc, "%s: rc %d (%s)", item_steps[s].what, rc, error.text);
		if (rc != 0)
			CHECK(error.kind == item_steps[s].kind, "%s: kind %d", item_steps[s].what,
			      error.kind);
		if (item_steps[s].title == NULL)
			continue;
		sql = xasprintf("SELECT status FROM items WHERE id = %lld", (long long)item);
		status = peek_text(f, sql, NULL);
		free(sql);
		sql = xasprintf("SELECT carried_to FROM items WHERE id = %lld", (long long)item);
		carried = peek_text(f, sql, NULL);
		free(sql);
		CHECK(status != NULL && strcmp(status, item_steps[s].item_status) == 0,
		      "%s: status %s", item_steps[s].what, status);
		if (item_steps[s].carried_to == NULL)
			CHECK(carried == NULL, "%s: carried to %s", item_steps[s].what, carried);
		else
			CHECK(carried != NULL && strcmp(carried, item_steps[s].carried_to) == 0,
			      "%s: carried to %s", item_steps[s].what, carried);
		free(status);
		free(carried);
	}
	/* with a later meeting the last one can be deferred too */
	OK(store_meeting_upsert(f->st, "2026-12-10", "17:00", NULL, NULL, &OKE));
	OK(store_item_set_status(f->st, item_of(f, "Punkt 3"), "deferred", &OKE));
	{
		char *c = peek_text(f,
				    "SELECT carried_to FROM items WHERE id = (SELECT item FROM"
				    " questions WHERE title = ?1)",
				    "Punkt 3");
		assert_string_equal(c, "2026-12-10");
		free(c);
	}
	assert_int_equal(failures, 0);
}

/* ---- the agenda --------------------------------------------------------------------- */

static void test_load_agenda(void **state)
{
	struct fx *f = *state;
	struct store_agenda *a = NULL;
	struct error error = {0};
	/* the questions of the meeting before (M0) and of the meeting (DEC) */
	static const struct {
		const char *title;
		const char *meeting;
		const char *category;
		const char *association; /* NULL: none */
		const char *status;
		bool confident;
		const char *join;
	} qs[] = {
	    {"Gammal punkt", "2026-09-17", "korttid", "FUB Exempelstad", "queued", true, NULL},
	    {"Avslutad punkt", "2026-09-17", "boende", "FUB Exempelstad", "queued", true, NULL},
	    {"Boende 1", DEC, "boende", "FUB Exempelstad", "queued", true, NULL},
	    {"Boende 2", DEC, "boende", "Autism- och Aspergerföreningen", "queued", true,
	     "Boende 1"},
	    {"Dubblett", DEC, "boende", "DHR Exempelstad", "duplicate", true, NULL},
	    {"Osäker", DEC, "daglig-verksamhet", NULL, "queued", false, NULL},
	    {"Hållen", DEC, "ovrigt", "FUB Exempelstad", "held", true, NULL},
	    {"Okänd kategori", DEC, "ny-kategori", "FUB Exempelstad", "queued", true, NULL},
	};
	static const struct {
		const char *status;
	} others[] = {{"unknown-sender"}, {"auto-reply"}, {"unparseable"}, {"bounce"}};
	int64_t review[2];
	size_t n_review = 0;

	sync_categories(f, "boende,daglig-verksamhet,korttid,ovrigt");
	OK(store_meeting_upsert(f->st, "2026-09-17", "17:00", NULL, "Stadshuset", &OKE));
	OK(store_meeting_upsert(f->st, DEC, "17:00", "19:00", "Stadshuset, sal Ljusnan", &OKE));
	OK(store_meeting_upsert(f->st, MAR, "09:30", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(qs); i++) {
		struct store_new_question q = question(qs[i].title, qs[i].category, qs[i].meeting);
		int64_t msg = import_mail(f, (uint32_t)i + 1, "kansli@example.org", qs[i].title);
		q.status = qs[i].status;
		q.confident = qs[i].confident;
		if (strcmp(qs[i].status, "duplicate") == 0)
			q.duplicate_of = question_id(f, "Boende 1");
		if (qs[i].join != NULL)
			q.join_item = item_of(f, qs[i].join);
		record(f, msg, "processed", qs[i].association, "kansli@example.org", false, &q, 1);
	}
	for (size_t i = 0; i < N_ELEMENTS(others); i++) {
		int64_t msg = import_mail(f, (uint32_t)(100 + i), "okand@example.com", "Hej");
		record(f, msg, others[i].status, NULL, "okand@example.com", false, NULL, 0);
		if (strcmp(others[i].status, "unknown-sender") == 0 ||
		    strcmp(others[i].status, "unparseable") == 0)
			review[n_review++] = msg;
	}
	OK(store_item_set_status(f->st, item_of(f, "Gammal punkt"), "deferred", &OKE));
	OK(store_item_set_status(f->st, item_of(f, "Avslutad punkt"), "closed", &OKE));

	OK(store_load_agenda(f->st, DEC, &a, &OKE));
	assert_string_equal(a->meeting.date, DEC);
	assert_string_equal(a->meeting.time, "17:00");
	assert_string_equal(a->meeting.end, "19:00");
	assert_string_equal(a->meeting.place, "Stadshuset, sal Ljusnan");
	assert_true(a->has_previous);
	assert_string_equal(a->previous.date, "2026-09-17");
	assert_true(a->has_next);
	assert_string_equal(a->next.date, MAR);
	assert_string_equal(a->next.time, "09:30");

	/* the deferred item is carried here, numbered on its own */
	assert_int_equal(a->n_carried, 1);
	assert_string_equal(a->carried[0].title, "Gammal punkt");
	assert_string_equal(a->carried[0].carried_from, "2026-09-17");
	assert_string_equal(a->carried[0].heading, "Korttidsvistelse");
	assert_string_equal(a->carried[0].status, "deferred");
	assert_int_equal(a->carried[0].number, 1);
	assert_int_equal(a->carried[0].n_questions, 1);

	/* this meeting's items in number order, duplicates left out */
	{
		static const struct {
			const char *category, *heading;
			int number;
			const char *questions;
		} expect[] = {
		    {"boende", "Boende", 1, "Boende 1|Boende 2"},
		    {"daglig-verksamhet", "Daglig verksamhet", 2, "Osäker"},
		    {"ovrigt", "Övriga frågor", 3, "Hållen"},
		    {"ny-kategori", "ny-kategori", 4, "Okänd kategori"},
		};
		assert_int_equal(a->n_items, N_ELEMENTS(expect));
		for (size_t i = 0; i < a->n_items; i++) {
			struct buf b = {0};
			char *got;
			assert_string_equal(a->items[i].category, expect[i].category);
			assert_string_equal(a->items[i].heading, expect[i].heading);
			assert_int_equal(a->items[i].number, expect[i].number);
			assert_string_equal(a->items[i].meeting, DEC);
			assert_null(a->items[i].carried_from);
			for (size_t j = 0; j < a->items[i].n_questions; j++) {
				if (j > 0)
					buf_append_char(&b, '|');
				buf_append_str(&b, a->items[i].questions[j].title);
			}
			got = buf_steal(&b);
			assert_string_equal(got, expect[i].questions);
			free(got);
		}
	}
	/* who sent questions: sorted, once each, not the duplicate's sender */
	assert_int_equal(a->n_associations, 2);
	assert_string_equal(a->associations[0], "Autism- och Aspergerföreningen");
	assert_string_equal(a->associations[1], "FUB Exempelstad");
	/* for the secretary */
	assert_int_equal(a->n_review_messages, n_review);
	for (size_t i = 0; i < n_review; i++)
		assert_int_equal(a->review_messages[i].id, review[i]);
	assert_int_equal(a->n_review_questions, 2);
	assert_string_equal(a->review_questions[0].title, "Osäker");
	assert_string_equal(a->review_questions[1].title, "Hållen");
	store_agenda_free(&a);
	assert_null(a);
	store_agenda_free(&a);

	/* the last meeting: the one before, none after */
	OK(store_load_agenda(f->st, MAR, &a, &OKE));
	assert_true(a->has_previous);
	assert_string_equal(a->previous.date, DEC);
	assert_false(a->has_next);
	assert_int_equal(a->n_items, 0);
	assert_int_equal(a->n_carried, 0);
	store_agenda_free(&a);

	assert_int_equal(store_load_agenda(f->st, "2030-01-01", &a, &error), -1);
	assert_int_equal(error.kind, ERR_MESSAGE);
	assert_null(a);
}

/* ---- the outbox ----------------------------------------------------------------------- */

struct mail_out {
	const char *kind;
	const char *message_id;
	const char *rcpt;
};

enum target { NONE, ACKED, NOT_PENDING };

static const struct {
	const char *what;
	struct mail_out mails[2];
	size_t n_mails;
	enum target ack_for;
	const char *draft_for;
	bool updated;
	int rc;
	int rows; /* in the outbox afterwards */
} queue_steps[] = {
    {"an acknowledgement",
     {{"ack", "ack-1@agendad.exempelstad.se", "Kansli@FUB-Exempelstad.se"}},
     1,
     ACKED,
     NULL,
     false,
     0,
     1},
    {"the same acknowledgement again",
     {{"ack", "ack-2@agendad.exempelstad.se", "kansli@fub-exempelstad.se"}},
     1,
     ACKED,
     NULL,
     false,
     -1,
     1},
    {"an acknowledgement nobody asked for",
     {{"ack", "ack-3@agendad.exempelstad.se", "x@y.se"}},
     1,
     NOT_PENDING,
     NULL,
     false,
     -1,
     1},
    {"the draft",
     {{"agenda", "agenda-1@agendad.exempelstad.se", "karin@exempelstad.se"},
      {"minutes", "minutes-1@agendad.exempelstad.se", "karin@exempelstad.se"}},
     2,
     NONE,
     DEC,
     false,
     0,
     3},
    {"an updated draft",
     {{"agenda", "agenda-2@agendad.exempelstad.se", "karin@exempelstad.se"}},
     1,
     NONE,
     DEC,
     true,
     0,
     4},
    {"a Message-ID used before",
     {{"notice", "ack-1@agendad.exempelstad.se", "karin@exempelstad.se"},
      {"notice", "new@agendad.exempelstad.se", "karin@exempelstad.se"}},
     2,
     NONE,
     NULL,
     false,
     -1,
     4},
};

static void test_outbox_queue(void **state)
{
	struct fx *f = *state;
	int64_t acked, plain;
	int failures = 0;
	time_t t0 = time(NULL), old_sent = utc(2026, 12, 5, 8, 0);

	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	acked = import_mail(f, 1, "kansli@fub-exempelstad.se", "Fråga");
	plain = import_mail(f, 2, "kansli@autism.se", "Fråga");
	record(f, acked, "processed", "FUB", "kansli@fub-exempelstad.se", true, NULL, 0);
	record(f, plain, "processed", "Autism", "kansli@autism.se", false, NULL, 0);
	{
		struct store_message *pending = NULL;
		size_t n = 0;
		OK(store_ack_pending(f->st, &pending, &n, &OKE));
		assert_int_equal(n, 1);
		assert_int_equal(pending[0].id, acked);
		store_messages_free(pending, n);
	}
	for (size_t s = 0; s < N_ELEMENTS(queue_steps); s++) {
		struct store_outgoing out[2];
		char *raws[2];
		struct error error = {0};
		int64_t ack_for = queue_steps[s].ack_for == ACKED         ? acked
				  : queue_steps[s].ack_for == NOT_PENDING ? plain
									  : 0;
		int rc;

		if (queue_steps[s].updated) {
			/* the first draft went out days ago */
			char *sql =
			    xasprintf("UPDATE meetings SET draft_sent = %lld", (long long)old_sent);
			peek_exec(f, sql);
			free(sql);
		}
		for (size_t i = 0; i < queue_steps[s].n_mails; i++) {
			const struct mail_out *m = &queue_steps[s].mails[i];
			raws[i] = xasprintf("Message-ID: <%s>\r\nTo: %s\r\nSubject: =?UTF-8?Q?"
					    "Dagordning?=\r\n\r\nHej!\r\n",
					    m->message_id, m->rcpt);
			memset(&out[i], 0, sizeof(out[i]));
			out[i].kind = m->kind;
			out[i].message_id = m->message_id;
			out[i].mail_from = "lss-samverkan@exempelstad.se";
			out[i].rcpt = m->rcpt;
			out[i].subject = "Dagordning";
			out[i].raw = raws[i];
			out[i].raw_size = strlen(raws[i]);
			out[i].meeting = queue_steps[s].draft_for;
			out[i].message = ack_for;
		}
		rc = store_outbox_queue(f->st, out, queue_steps[s].n_mails, ack_for,
					queue_steps[s].draft_for, queue_steps[s].updated, &error);
		CHECK(rc == queue_steps[s].rc, "%s: rc %d (%s)", queue_steps[s].what, rc,
		      error.text);
		if (rc != 0)
			CHECK(error.kind == ERR_FATAL, "%s: kind %d", queue_steps[s].what,
			      error.kind);
		CHECK(peek_int(f, "SELECT count(*) FROM outbox", NULL) == queue_steps[s].rows,
		      "%s: %lld rows, expected %d", queue_steps[s].what,
		      peek_int(f, "SELECT count(*) FROM outbox", NULL), queue_steps[s].rows);
		for (size_t i = 0; i < queue_steps[s].n_mails; i++)
			free(raws[i]);
	}
	/* the ack's state went with its mail; the other message never had one */
	{
		char *ack = peek_text(f, "SELECT ack FROM messages WHERE uid = 1", NULL);
		assert_string_equal(ack, "queued");
		free(ack);
		ack = peek_text(f, "SELECT ack FROM messages WHERE uid = 2", NULL);
		assert_string_equal(ack, "none");
		free(ack);
	}
	/* draft_sent kept from the first draft, draft_updated now */
	{
		struct store_meeting *ms = NULL;
		size_t n = 0;
		OK(store_meetings(f->st, &ms, &n, &OKE));
		assert_int_equal(n, 1);
		assert_int_equal(ms[0].draft_sent, old_sent);
		assert_true(ms[0].draft_updated >= t0 && ms[0].draft_updated <= time(NULL));
		store_meetings_free(ms, n);
	}
	/* a first draft sets draft_sent and leaves draft_updated alone */
	{
		struct store_outgoing o = {"agenda",
					   "agenda-mar@agendad.exempelstad.se",
					   "lss@exempelstad.se",
					   "karin@exempelstad.se",
					   "Dagordning",
					   "x",
					   1,
					   MAR,
					   0};
		struct store_meeting *ms = NULL;
		size_t n = 0;
		OK(store_meeting_upsert(f->st, MAR, "17:00", NULL, NULL, &OKE));
		OK(store_outbox_queue(f->st, &o, 1, 0, MAR, false, &OKE));
		OK(store_meetings(f->st, &ms, &n, &OKE));
		assert_int_equal(n, 2);
		assert_string_equal(ms[1].date, MAR);
		assert_true(ms[1].draft_sent >= t0);
		assert_int_equal(ms[1].draft_updated, 0);
		store_meetings_free(ms, n);
	}
	assert_int_equal(failures, 0);
}

/* Outbox rows moving through queued -> sending -> sent | queued | failed. */
static const struct {
	const char *what;
	int row; /* index in queue order, -1: an id that is not there */
	const char *from, *to;
	int attempts;
	int next_in; /* next_attempt = now + next_in */
	const char *last_error;
	int rc;
} transition_steps[] = {
    {"take the first", 0, "queued", "sending", 1, 0, NULL, 0},
    {"take it twice", 0, "queued", "sending", 1, 0, NULL, -1},
    {"sent", 0, "sending", "sent", 1, 0, NULL, 0},
    {"take the second", 1, "queued", "sending", 1, 0, NULL, 0},
    {"temporary failure: later", 1, "sending", "queued", 1, 600, "451 4.3.0 Try again later", 0},
    {"take the third", 2, "queued", "sending", 1, 0, NULL, 0},
    {"permanent failure", 2, "sending", "failed", 1, 0, "550 5.1.1 User unknown", 0},
    {"a row that is not there", -1, "queued", "sending", 1, 0, NULL, -1},
    {"from a state it is not in", 2, "sending", "sent", 2, 0, NULL, -1},
};

static void test_outbox_due(void **state)
{
	struct fx *f = *state;
	static const char *const rcpts[] = {"karin@exempelstad.se", "Kansli@FUB-Exempelstad.se",
					    "nobody@example.org", "ordf@rbu.se"};
	int64_t ids[4];
	struct store_outbox_row *rows = NULL;
	size_t n = 0;
	time_t now;
	int failures = 0;

	for (size_t i = 0; i < N_ELEMENTS(rcpts); i++) {
		char *msgid = xasprintf("out-%zu@agendad", i);
		char *raw = xasprintf("Message-ID: <%s>\r\n\r\nBrödtext %zu med åäö\r\n", msgid, i);
		struct store_outgoing o = {i == 1 ? "ack" : "agenda",
					   msgid,
					   "lss@exempelstad.se",
					   rcpts[i],
					   "Ämne",
					   raw,
					   strlen(raw),
					   NULL,
					   0};
		OK(store_outbox_queue(f->st, &o, 1, 0, NULL, false, &OKE));
		ids[i] = peek_int(f, "SELECT id FROM outbox WHERE message_id = ?1", msgid);
		free(raw);
		free(msgid);
	}
	now = time(NULL);
	/* all due now, in queue order, with their bytes */
	OK(store_outbox_due(f->st, now, &rows, &n, &OKE));
	assert_int_equal(n, N_ELEMENTS(rcpts));
	for (size_t i = 0; i < n; i++) {
		char *raw = xasprintf(
		    "Message-ID: <out-%zu@agendad>\r\n\r\nBrödtext %zu med åäö\r\n", i, i);
		assert_int_equal(rows[i].id, ids[i]);
		assert_string_equal(rows[i].status, "queued");
		assert_string_equal(rows[i].rcpt, rcpts[i]);
		assert_int_equal(rows[i].raw_size, strlen(raw));
		assert_memory_equal(rows[i].raw, raw, rows[i].raw_size);
		assert_int_equal(rows[i].attempts, 0);
		free(raw);
	}
	store_outbox_rows_free(rows, n);
	/* nothing is due before it was queued */
	OK(store_outbox_due(f->st, now - 3600, &rows, &n, &OKE));
	assert_int_equal(n, 0);
	store_outbox_rows_free(rows, n);

	for (size_t s = 0; s < N_ELEMENTS(transition_steps); s++) {
		struct error error = {0};
		int64_t id = transition_steps[s].row < 0 ? 999999 : ids[transition_steps[s].row];
		int rc = store_outbox_transition(
		    f->st, id, transition_steps[s].from, transition_steps[s].to,
		    transition_steps[s].attempts, now + transition_steps[s].next_in,
		    transition_steps[s].last_error, &error);
		CHECK(rc == transition_steps[s].rc, "%s: rc %d (%s)", transition_steps[s].what, rc,
		      error.text);
		if (rc != 0)
			CHECK(error.kind == ERR_FATAL, "%s: kind %d", transition_steps[s].what,
			      error.kind);
	}
	/* where every row ended */
	{
		static const struct {
			const char *status;
			bool sent;
			const char *last_error;
		} expect[] = {{"sent", true, NULL},
			      {"queued", false, "451 4.3.0 Try again later"},
			      {"failed", false, "550 5.1.1 User unknown"},
			      {"queued", false, NULL}};
		OK(store_outbox_list(f->st, NULL, &rows, &n, &OKE));
		assert_int_equal(n, 4);
		for (size_t i = 0; i < n; i++) {
			/* newest first */
			size_t k = n - 1 - i;
			assert_int_equal(rows[i].id, ids[k]);
			assert_string_equal(rows[i].status, expect[k].status);
			assert_int_equal(rows[i].sent != 0, expect[k].sent);
			if (expect[k].last_error == NULL)
				assert_null(rows[i].last_error);
			else
				assert_string_equal(rows[i].last_error, expect[k].last_error);
			assert_null(rows[i].raw);
		}
		store_outbox_rows_free(rows, n);
		OK(store_outbox_list(f->st, "failed", &rows, &n, &OKE));
		assert_int_equal(n, 1);
		assert_int_equal(rows[0].id, ids[2]);
		store_outbox_rows_free(rows, n);
	}
	/* the one put back is due again only at its next attempt */
	OK(store_outbox_due(f->st, now + 599, &rows, &n, &OKE));
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, ids[3]);
	store_outbox_rows_free(rows, n);
	OK(store_outbox_due(f->st, now + 600, &rows, &n, &OKE));
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, ids[1]);
	assert_int_equal(rows[0].attempts, 1);
	store_outbox_rows_free(rows, n);
	assert_int_equal(failures, 0);
}

static void test_last_ack_to(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *addr;
		bool acked;
	} cases[] = {
	    {"kansli@fub-exempelstad.se", true},
	    {"KANSLI@FUB-EXEMPELSTAD.SE", true},
	    /* the secretary got the agenda, not an acknowledgement */
	    {"karin@exempelstad.se", false},
	    {"kansli@autism.se", false},
	};
	time_t t0 = time(NULL), t1;
	int failures = 0;
	struct store_outgoing mails[] = {
	    {"ack", "a1@agendad", "lss@exempelstad.se", "Kansli@FUB-Exempelstad.se", "Tack", "x", 1,
	     NULL, 0},
	    {"agenda", "g1@agendad", "lss@exempelstad.se", "karin@exempelstad.se", "Dagordning",
	     "x", 1, NULL, 0},
	};

	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		time_t when = 1;
		OK(store_last_ack_to(f->st, cases[i].addr, &when, &OKE));
		CHECK(when == 0, "%s before any mail: %lld", cases[i].addr, (long long)when);
	}
	OK(store_outbox_queue(f->st, mails, N_ELEMENTS(mails), 0, NULL, false, &OKE));
	t1 = time(NULL);
	for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
		time_t when = 1;
		OK(store_last_ack_to(f->st, cases[i].addr, &when, &OKE));
		if (cases[i].acked)
			CHECK(when >= t0 && when <= t1, "%s: %lld", cases[i].addr, (long long)when);
		else
			CHECK(when == 0, "%s: %lld", cases[i].addr, (long long)when);
	}
	assert_int_equal(failures, 0);
}

/* ---- state and counts ------------------------------------------------------------------- */

static const struct {
	const char *key;
	const char *set;    /* NULL: only get */
	const char *expect; /* NULL: unset */
} state_steps[] = {
    {"last_fetch", NULL, NULL},
    {"last_fetch", "2026-11-25T17:04:05Z", "2026-11-25T17:04:05Z"},
    {"last_fetch", "2026-11-25T17:09:00Z", "2026-11-25T17:09:00Z"},
    {"last_error", "imap: anslutningen bröts (åäö)", "imap: anslutningen bröts (åäö)"},
    {"last_fetch", NULL, "2026-11-25T17:09:00Z"},
    {"last_error", "", ""},
    {"LAST_FETCH", NULL, NULL},
};

/* Categories as they already are need no write: a start of agendactl while
 * the daemon holds the write lock goes on (here the peek connection holds
 * it); a change is written, in the new order. */
static void test_sync_categories_reader(void **state)
{
	struct fx *f = *state;

	sync_categories(f, "boende,korttid,ovrigt");
	assert_int_equal(sqlite3_exec(f->peek, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sync_categories(f, "boende,korttid,ovrigt");
	assert_int_equal(sqlite3_exec(f->peek, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sync_categories(f, "korttid,boende,daglig-verksamhet,ovrigt");
	assert_int_equal(peek_int(f, "SELECT count(*) FROM categories", NULL), 4);
	assert_int_equal(peek_int(f, "SELECT position FROM categories WHERE id = 'korttid'", NULL),
			 0);
	sync_categories(f, "korttid,boende");
	assert_int_equal(peek_int(f, "SELECT count(*) FROM categories", NULL), 2);
}

/* The model cache: a miss, a hit that gives back the bytes, one entry only. */
static void test_model_cache(void **state)
{
	struct fx *f = *state;
	unsigned char big[70000];
	void *blob = (void *)1;
	size_t size = 1;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + i / 256); /* NUL bytes included */
	OK(store_model_get(f->st, "k1", &blob, &size, &OKE));
	assert_null(blob);
	assert_int_equal(size, 0);
	OK(store_model_put(f->st, "k1", big, sizeof(big), &OKE));
	OK(store_model_get(f->st, "k1", &blob, &size, &OKE));
	assert_non_null(blob);
	assert_int_equal(size, sizeof(big));
	assert_memory_equal(blob, big, sizeof(big));
	free(blob);
	OK(store_model_get(f->st, "k2", &blob, &size, &OKE));
	assert_null(blob);
	/* another key replaces the entry */
	OK(store_model_put(f->st, "k2", "abc", 3, &OKE));
	OK(store_model_get(f->st, "k1", &blob, &size, &OKE));
	assert_null(blob);
	OK(store_model_get(f->st, "k2", &blob, &size, &OKE));
	assert_int_equal(size, 3);
	assert_memory_equal(blob, "abc", 3);
	free(blob);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM model_cache", NULL), 1);
	/* a cache, not a commit point of the data flow */
	assert_int_equal(store_commit_count(f->st), 0);
}

static void test_state(void **state)
{
	struct fx *f = *state;
	int failures = 0;

	for (size_t i = 0; i < N_ELEMENTS(state_steps); i++) {
		char *value = (char *)1;
		if (state_steps[i].set != NULL)
			OK(store_state_set(f->st, state_steps[i].key, state_steps[i].set, &OKE));
		OK(store_state_get(f->st, state_steps[i].key, &value, &OKE));
		if (state_steps[i].expect == NULL)
			CHECK(value == NULL, "step %zu: %s = '%s'", i, state_steps[i].key, value);
		else
			CHECK(value != NULL && strcmp(value, state_steps[i].expect) == 0,
			      "step %zu: %s = '%s'", i, state_steps[i].key,
			      value ? value : "(null)");
		free(value);
	}
	assert_int_equal(failures, 0);
}

static void test_counts(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *status;
		const char *q_status; /* a question of that status, or NULL */
		const char *meeting;
	} msgs[] = {
	    {"processed", "queued", DEC},    {"processed", "queued", NULL},
	    {"processed", "duplicate", DEC}, {"processed", "held", DEC},
	    {"processed", "held", NULL},     {"unknown-sender", NULL, NULL},
	    {"unparseable", NULL, NULL},     {"auto-reply", NULL, NULL},
	    {"bounce", NULL, NULL},          {"new", NULL, NULL},
	};
	static const char *const outbox_states[] = {"queued", "queued", "sending", "failed",
						    "sent"};
	struct store_counts c;

	memset(&c, 0xff, sizeof(c));
	OK(store_counts(f->st, &c, &OKE));
	assert_int_equal(c.messages, 0);
	assert_int_equal(c.outbox_queued, 0);

	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(msgs); i++) {
		int64_t id = import_mail(f, (uint32_t)i + 1, "kansli@example.org", "x");
		if (strcmp(msgs[i].status, "new") == 0)
			continue;
		if (msgs[i].q_status != NULL) {
			char *title = xasprintf("Fråga %zu", i);
			struct store_new_question q = question(title, "boende", msgs[i].meeting);
			q.status = msgs[i].q_status;
			if (strcmp(q.status, "duplicate") == 0)
				q.duplicate_of = question_id(f, "Fråga 0");
			record(f, id, msgs[i].status, "FUB", "kansli@example.org", false, &q, 1);
			free(title);
		} else {
			record(f, id, msgs[i].status, NULL, "kansli@example.org", false, NULL, 0);
		}
	}
	for (size_t i = 0; i < N_ELEMENTS(outbox_states); i++) {
		char *msgid = xasprintf("c%zu@agendad", i);
		struct store_outgoing o = {"agenda", msgid, "a@b.se", "c@d.se", "s",
					   "x",      1,     NULL,     0};
		OK(store_outbox_queue(f->st, &o, 1, 0, NULL, false, &OKE));
		int64_t id = peek_int(f, "SELECT id FROM outbox WHERE message_id = ?1", msgid);
		if (strcmp(outbox_states[i], "queued") != 0)
			OK(store_outbox_transition(f->st, id, "queued", "sending", 1, 0, NULL,
						   &OKE));
		if (strcmp(outbox_states[i], "failed") == 0 ||
		    strcmp(outbox_states[i], "sent") == 0)
			OK(store_outbox_transition(f->st, id, "sending", outbox_states[i], 1, 0,
						   NULL, &OKE));
		free(msgid);
	}
	OK(store_counts(f->st, &c, &OKE));
	assert_int_equal(c.messages, 10);
	assert_int_equal(c.held, 2);      /* unknown-sender + unparseable */
	assert_int_equal(c.questions, 4); /* not the duplicate */
	assert_int_equal(c.waiting, 1);   /* queued without a meeting */
	assert_int_equal(c.outbox_queued, 2);
	assert_int_equal(c.outbox_sending, 1);
	assert_int_equal(c.outbox_failed, 1);
}

/* ---- retention ---------------------------------------------------------------------- */

static const struct {
	const char *title;
	int y, mo, d; /* arrival (noon UTC) */
	const char *status;
	const char *meeting; /* of its question; NULL: no question */
	bool keeps_raw;
	bool keeps_text;
} expire_cases[] = {
    {"Gammalt möte", 2024, 3, 1, "processed", "2024-03-14", false, false},
    /* arrived long ago, but its question is on a meeting still to come */
    {"Flyttad fråga", 2024, 3, 1, "processed", DEC, true, true},
    {"Aldrig behandlat", 2024, 2, 1, "new", NULL, true, true},
    {"Okänd avsändare", 2024, 2, 1, "unknown-sender", NULL, false, true},
    {"Nytt", 2026, 11, 1, "processed", DEC, true, true},
    /* on the boundary: the day before_day itself is kept */
    {"Gränsdagen", 2025, 1, 1, "unknown-sender", NULL, true, true},
};

static void test_expire(void **state)
{
	struct fx *f = *state;
	int n = -1, expect = 0, failures = 0;

	OK(store_meeting_upsert(f->st, "2024-03-14", "17:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(expire_cases); i++) {
		char *id = xasprintf("e%zu@fub.se", i);
		char *raw = mail(id, "anna@fub.se", expire_cases[i].title, "Text");
		int64_t msg = import_one(
		    f, (uint32_t)i + 1,
		    utc(expire_cases[i].y, expire_cases[i].mo, expire_cases[i].d, 12, 0), raw);
		if (strcmp(expire_cases[i].status, "new") != 0) {
			struct store_new_question q =
			    question(expire_cases[i].title, "boende", expire_cases[i].meeting);
			record(f, msg, expire_cases[i].status, "FUB", "anna@fub.se", false, &q,
			       expire_cases[i].meeting != NULL);
		}
		expect += !expire_cases[i].keeps_raw + !expire_cases[i].keeps_text;
		free(raw);
		free(id);
	}
	/* an old sent mail goes, a queued one stays */
	{
		struct store_outgoing o[] = {
		    {"ack", "old@agendad", "a@b.se", "anna@fub.se", "s", "x", 1, NULL, 0},
		    {"ack", "queued@agendad", "a@b.se", "anna@fub.se", "s", "x", 1, NULL, 0},
		};
		char *sql;
		OK(store_outbox_queue(f->st, o, 2, 0, NULL, false, &OKE));
		sql =
		    xasprintf("UPDATE outbox SET created = %lld", (long long)utc(2024, 3, 2, 9, 0));
		peek_exec(f, sql);
		free(sql);
		peek_exec(f, "UPDATE outbox SET status = 'sent' WHERE message_id = 'old@agendad'");
		expect++;
	}
	OK(store_expire(f->st, "2025-01-01", &n, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(expire_cases); i++) {
		char *sql =
		    xasprintf("SELECT count(*) FROM message_raw r JOIN messages m ON m.id ="
			      " r.message WHERE m.uid = %zu", i + 1);
		bool raw = peek_int(f, sql, NULL) != 0;
		free(sql);
		CHECK(raw == expire_cases[i].keeps_raw, "%s: raw %s", expire_cases[i].title,
		      raw ? "kept" : "removed");
		if (expire_cases[i].meeting != NULL) {
			char *text = peek_text(f, "SELECT text FROM questions WHERE title = ?1",
					       expire_cases[i].title);
			CHECK((text != NULL && *text != '\0') == expire_cases[i].keeps_text,
			      "%s: text '%s'", expire_cases[i].title, text);
			free(text);
		}
	}
	CHECK(n == expect, "%d rows changed, expected %d", n, expect);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM outbox", NULL), 1);
	/* titles stay for the minutes' history */
	assert_int_equal(
	    peek_int(f, "SELECT count(*) FROM questions WHERE title = 'Gammalt möte'", NULL), 1);
	/* a second run finds nothing more */
	OK(store_expire(f->st, "2025-01-01", &n, &OKE));
	CHECK(n == 0, "second run changed %d rows", n);
	assert_int_equal(failures, 0);
}

/* ---- notes for the secretary ---------------------------------------------------------- */

/* Which meeting's agenda shows a message's notes: received after the
 * previous meeting's local day, up to the meeting's own. */
static const struct {
	const char *what;
	int y, mo, d, h, mi; /* received, UTC */
	const char *status;
	const char *association; /* NULL: none */
	const char *notes;       /* NULL: none */
	const char *agenda;      /* the meeting whose agenda lists it, or NULL */
} note_cases[] = {
    {"on the previous meeting's day", 2026, 9, 17, 12, 0, "processed", "FUB", "Eva kommer.",
     "2026-09-17"},
    {"the day after it", 2026, 9, 18, 8, 0, "processed", "FUB", "Per behöver skrivtolk.", DEC},
    {"from no association", 2026, 11, 1, 8, 0, "unknown-sender", NULL, "Jag kommer.", NULL},
    {"without notes", 2026, 11, 2, 8, 0, "processed", "RBU", NULL, NULL},
    {"a robot", 2026, 11, 3, 8, 0, "auto-reply", NULL, "Frånvarande.", NULL},
    {"on the meeting's day", 2026, 12, 10, 20, 0, "processed", "RBU",
     "Vi stryker vår fråga om skolskjutsen.", DEC},
    /* 00:30 in Stockholm: the next day, so the next meeting's */
    {"after midnight local time", 2026, 12, 10, 23, 30, "processed", "HRF", "Jag äter vegetariskt.",
     MAR},
};

static void test_notes(void **state)
{
	struct fx *f = *state;
	int64_t ids[N_ELEMENTS(note_cases)], first;
	struct store_message *m = NULL;
	int failures = 0, n = 0;

	/* a database of the previous version, with a processed message in it */
	OK(store_open(f->db, &f->st, &OKE));
	{
		char *raw = mail("v3@fub.se", "anna@fub.se", "Frågor", "Text");
		fx_peek(f);
		first = import_one(f, 100, utc(2026, 9, 1, 8, 0), raw);
		record(f, first, "processed", "FUB", "anna@fub.se", false, NULL, 0);
		free(raw);
	}
	store_close(&f->st);
	peek_exec(f, "ALTER TABLE messages DROP COLUMN notes");
	peek_exec(f, "PRAGMA user_version = 3");
	/* 3 -> 4 adds the notes; 5 touches no column */
	assert_int_equal(STORE_SCHEMA_VERSION, 5);
	/* opening it migrates: the data stays, the column is added */
	OK(store_open(f->db, &f->st, &OKE));
	assert_int_equal(peek_int(f, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
	assert_int_equal(
	    peek_int(f, "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'notes'",
		     NULL),
	    1);
	OK(store_message_load(f->st, first, &m, &OKE));
	assert_string_equal(m->status, "processed");
	assert_string_equal(m->from_addr, "anna@fub.se");
	assert_non_null(m->raw);
	assert_null(m->notes);
	store_message_free(&m);

	OK(store_meeting_upsert(f->st, "2026-09-17", "17:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, MAR, "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(note_cases); i++) {
		char *id = xasprintf("n%zu@example.org", i);
		char *raw = mail(id, "anna@fub.se", note_cases[i].what, "Text");
		struct store_outcome o = {0};

		ids[i] = import_one(f, (uint32_t)i + 1,
				    utc(note_cases[i].y, note_cases[i].mo, note_cases[i].d,
					note_cases[i].h, note_cases[i].mi),
				    raw);
		o.message = ids[i];
		o.status = note_cases[i].status;
		o.association = note_cases[i].association;
		o.from_addr = "anna@fub.se";
		o.notes = note_cases[i].notes;
		OK(store_record_outcome(f->st, &o, &OKE));
		free(raw);
		free(id);
	}
	/* the notes round-trip */
	for (size_t i = 0; i < N_ELEMENTS(note_cases); i++) {
		OK(store_message_load(f->st, ids[i], &m, &OKE));
		CHECK((m->notes == NULL) == (note_cases[i].notes == NULL) &&
			  (m->notes == NULL || strcmp(m->notes, note_cases[i].notes) == 0),
		      "%s: notes '%s'", note_cases[i].what, m->notes);
		store_message_free(&m);
	}
	/* each agenda lists the notes of its own messages, in id order */
	{
		const char *meetings[] = {"2026-09-17", DEC, MAR};

		for (size_t k = 0; k < N_ELEMENTS(meetings); k++) {
			struct store_agenda *a = NULL;
			size_t j = 0;

			OK(store_load_agenda(f->st, meetings[k], &a, &OKE));
			for (size_t i = 0; i < N_ELEMENTS(note_cases); i++) {
				if (note_cases[i].agenda == NULL ||
				    strcmp(note_cases[i].agenda, meetings[k]) != 0)
					continue;
				CHECK(j < a->n_notes && a->notes[j].id == ids[i] &&
					  strcmp(a->notes[j].notes, note_cases[i].notes) == 0 &&
					  strcmp(a->notes[j].association,
						 note_cases[i].association) == 0,
				      "%s: not note %zu of %s", note_cases[i].what, j, meetings[k]);
				j++;
			}
			CHECK(a->n_notes == j, "%s: %zu notes, expected %zu", meetings[k],
			      a->n_notes, j);
			store_agenda_free(&a);
		}
	}
	/* processing the message again starts without them */
	OK(store_reset_message(f->st, ids[1], NULL, &OKE));
	{
		char *sql =
		    xasprintf("SELECT count(*) FROM messages WHERE id = %lld AND notes IS NULL",
			      (long long)ids[1]);
		assert_int_equal(peek_int(f, sql, NULL), 1);
		free(sql);
	}
	/* notes are personal data: they expire with the sender */
	OK(store_expire(f->st, "2027-06-01", &n, &OKE));
	assert_true(n > 0);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM messages WHERE notes IS NOT NULL", NULL),
			 0);
	assert_int_equal(failures, 0);
}

/* ---- erasure ------------------------------------------------------------------------- */

#define ERASED "anna.svensson@fub-exempelstad.se"

/* True when some text or blob anywhere in the database contains needle
 * (ASCII case-insensitive); names the place in *where_r. */
static bool database_contains(struct fx *f, const char *needle, char **where_r)
{
	sqlite3_stmt *t =
	    peek_prepare(f, "SELECT name FROM sqlite_master WHERE type = 'table'", NULL);
	bool found = false;

	while (!found && sqlite3_step(t) == SQLITE_ROW) {
		char *table = xstrdup((const char *)sqlite3_column_text(t, 0));
		char *info = xasprintf("SELECT name FROM pragma_table_info('%s')", table);
		sqlite3_stmt *c = peek_prepare(f, info, NULL);

		while (!found && sqlite3_step(c) == SQLITE_ROW) {
			const char *column = (const char *)sqlite3_column_text(c, 0);
			char *sql =
			    xasprintf("SELECT count(*) FROM \"%s\" WHERE instr(lower(CAST(\"%s\""
				      " AS TEXT)), lower(?1)) > 0",
				      table, column);
			if (peek_int(f, sql, needle) > 0) {
				found = true;
				*where_r = xasprintf("%s.%s", table, column);
			}
			free(sql);
		}
		sqlite3_finalize(c);
		free(info);
		free(table);
	}
	sqlite3_finalize(t);
	return found;
}

static bool file_contains(const char *path, const char *needle)
{
	char *data = NULL;
	size_t size = 0;
	bool found = false;

	if (util_read_file(path, 1 << 28, &data, &size) != 0)
		return false;
	for (size_t i = 0; i + strlen(needle) <= size && !found; i++)
		found = strncasecmp(data + i, needle, strlen(needle)) == 0;
	free(data);
	return found;
}

static void test_erase_address(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *from;
		const char *title;
		const char *join;
	} msgs[] = {
	    {ERASED, "Annas fråga om boende", NULL},
	    {"kansli@autism-exempelstad.se", "Autisms fråga om boende", "Annas fråga om boende"},
	    {ERASED, "Annas andra fråga", NULL},
	    {"kansli@autism-exempelstad.se", "Autisms andra fråga", NULL},
	};
	int64_t ids[4];
	int n = -1;
	char *where = NULL, *erased = NULL;
	time_t t0 = time(NULL);
	int failures = 0;

	sync_categories(f, "boende,daglig-verksamhet,korttid,ovrigt");
	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	for (size_t i = 0; i < N_ELEMENTS(msgs); i++) {
		char *id = xasprintf("x%zu@example.org", i);
		char *raw = mail(id, msgs[i].from, msgs[i].title, msgs[i].title);
		struct store_new_question q =
		    question(msgs[i].title, i < 2 ? "boende" : "korttid", DEC);
		ids[i] = import_one(f, (uint32_t)i + 1, utc(2026, 11, 2, 9, 0), raw);
		if (msgs[i].join != NULL)
			q.join_item = item_of(f, msgs[i].join);
		record(f, ids[i], "processed", "FUB", msgs[i].from, true, &q, 1);
		free(raw);
		free(id);
	}
	/* a correction that became a training example, and her acknowledgement */
	OK(store_recategorize(f->st, question_id(f, "Annas andra fråga"), "ovrigt", &OKE));
	{
		struct store_outgoing ack = {"ack",
					     "ack-anna@agendad",
					     "lss@exempelstad.se",
					     "Anna.Svensson@FUB-Exempelstad.se",
					     "Tack för din fråga",
					     "To: Anna Svensson <" ERASED ">\r\n\r\nTack!\r\n",
					     0,
					     DEC,
					     ids[0]};
		ack.raw_size = strlen(ack.raw);
		OK(store_outbox_queue(f->st, &ack, 1, ids[0], NULL, false, &OKE));
	}
	assert_true(database_contains(f, ERASED, &where));
	free(where);
	where = NULL;
	/* as in a daemon that has run for a while: the rows are in the main
	 * file, not only in the WAL */
	peek_exec(f, "PRAGMA wal_checkpoint(TRUNCATE)");
	assert_true(file_contains(f->db, ERASED));

	OK(store_erase_address(f->st, "Anna.Svensson@FUB-exempelstad.se", &n, &OKE));
	/* 2 messages, 2 questions, 1 training example, 1 outbox row */
	assert_int_equal(n, 6);
	CHECK(!database_contains(f, ERASED, &where), "the erased address is still in %s", where);
	free(where);
	where = NULL;
	/* nor anything she wrote: an item she started keeps no title of hers */
	CHECK(!database_contains(f, "Annas", &where), "text of the erased sender is still in %s",
	      where);
	free(where);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM messages", NULL), 2);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM questions", NULL), 2);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM training", NULL), 0);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM outbox", NULL), 0);
	/* her item kept the other association's question; her own item went */
	erased = items_of(f, DEC);
	assert_string_equal(erased, "boende#1(1) korttid#2(1)");
	free(erased);
	/* the record says when and how much, never whom */
	assert_int_equal(peek_int(f, "SELECT count(*) FROM erasures", NULL), 1);
	assert_int_equal(peek_int(f, "SELECT rows FROM erasures", NULL), 6);
	assert_true(peek_int(f, "SELECT at FROM erasures", NULL) >= t0);
	assert_true(peek_int(f, "SELECT at FROM erasures", NULL) <= time(NULL));
	/* an address with nothing stored: nothing removed, still recorded */
	OK(store_erase_address(f->st, "nobody@example.org", &n, &OKE));
	assert_int_equal(n, 0);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM erasures", NULL), 2);

	/* not in the file either once it is closed (secure_delete, checkpoint) */
	store_close(&f->st);
	sqlite3_close(f->peek);
	f->peek = NULL;
	{
		char *wal = xasprintf("%s-wal", f->db);
		CHECK(!file_contains(f->db, ERASED), "the erased address is in the file %s", f->db);
		CHECK(!file_contains(wal, ERASED), "the erased address is in the file %s", wal);
		free(wal);
	}
	fx_peek(f);
	assert_int_equal(failures, 0);
}

/* ---- backup --------------------------------------------------------------------------- */

static void test_backup(void **state)
{
	struct fx *f = *state;
	char *path = xasprintf("%s/backup.db", f->dir);
	char *nodir = xasprintf("%s/no/such/dir/backup.db", f->dir);
	struct store *copy = NULL;
	struct store_counts c1, c2;
	struct error error = {0};
	struct stat st;
	char *value = NULL;

	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	for (uint32_t i = 1; i <= 20; i++) {
		int64_t id = import_mail(f, i, "kansli@fub.se", "Fråga");
		struct store_new_question q = question("Fråga", "boende", DEC);
		record(f, id, "processed", "FUB", "kansli@fub.se", false, &q, 1);
	}
	OK(store_state_set(f->st, "last_fetch", "2026-11-25T17:04:05Z", &OKE));

	umask(0);
	OK(store_backup(f->st, path, &OKE));
	umask(022);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	OK(store_open(path, &copy, &OKE));
	OK(store_counts(f->st, &c1, &OKE));
	OK(store_counts(copy, &c2, &OKE));
	assert_memory_equal(&c1, &c2, sizeof(c1));
	assert_int_equal(c2.messages, 20);
	OK(store_state_get(copy, "last_fetch", &value, &OKE));
	assert_string_equal(value, "2026-11-25T17:04:05Z");
	free(value);
	store_close(&copy);

	/* never over an existing file */
	{
		off_t size;
		assert_int_equal(stat(path, &st), 0);
		size = st.st_size;
		assert_int_equal(store_backup(f->st, path, &error), -1);
		assert_int_equal(error.kind, ERR_FATAL);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, size);
		OK(store_open(path, &copy, &OKE));
		store_close(&copy);
	}
	assert_int_equal(store_backup(f->st, nodir, &error), -1);
	assert_int_equal(error.kind, ERR_FATAL);
	/* the live store goes on */
	OK(store_state_set(f->st, "after", "backup", &OKE));
	free(nodir);
	free(path);
}

/* ---- look-ups, resets, meetings --------------------------------------------------- */

static void test_lookups(void **state)
{
	struct fx *f = *state;
	int64_t m1, m2, m3, found = -1, item;
	time_t t0 = time(NULL), newest = -1;
	int n = -1, failures = 0;
	struct store_new_question q = question("Trådens fråga", "boende", DEC);
	char *raw;

	OK(store_meeting_upsert(f->st, DEC, "17:00", NULL, NULL, &OKE));
	raw = mail("same@fub.se", "kansli@fub.se", "Fråga", "Samma text");
	m1 = import_one(f, 1, utc(2026, 11, 2, 9, 0), raw);
	free(raw);
	raw = mail("same@fub.se", "kansli@fub.se", "Fråga", "Samma text igen");
	m2 = import_one(f, 2, utc(2026, 11, 3, 9, 0), raw);
	free(raw);
	raw = mail("other@fub.se", "kansli@fub.se", "Fråga", "Annan");
	m3 = import_one(f, 3, utc(2026, 11, 4, 9, 0), raw);
	free(raw);

	/* the earliest other message with the Message-ID */
	{
		static const struct {
			const char *message_id;
			int exclude; /* 1..3 */
			int expect;  /* 0: none, else 1..3 */
		} cases[] = {
		    {"same@fub.se", 2, 1},  {"same@fub.se", 3, 1},
		    {"same@fub.se", 1, 0}, /* it is the first one itself */
		    {"other@fub.se", 3, 0}, {"none@fub.se", 3, 0},
		};
		const int64_t ids[] = {0, m1, m2, m3};
		for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
			OK(store_find_message_id(f->st, cases[i].message_id, ids[cases[i].exclude],
						 &found, &OKE));
			CHECK(found == ids[cases[i].expect], "find_message_id(%s, m%d) = %lld",
			      cases[i].message_id, cases[i].exclude, (long long)found);
		}
	}

	/* the same body from the same sender, processed */
	{
		struct store_outcome o = {0};
		o.message = m1;
		o.status = "processed";
		o.from_addr = "kansli@fub.se";
		o.body_hash = "cafe";
		o.acknowledge = true;
		o.questions = &q;
		o.n_questions = 1;
		OK(store_record_outcome(f->st, &o, &OKE));
		o.message = m2;
		o.status = "duplicate";
		o.questions = NULL;
		o.n_questions = 0;
		o.acknowledge = false;
		OK(store_record_outcome(f->st, &o, &OKE));
	}
	{
		static const struct {
			const char *from, *hash;
			int exclude, expect;
		} cases[] = {
		    {"kansli@fub.se", "cafe", 2, 1},
		    {"kansli@fub.se", "cafe", 3, 1},
		    /* the other one is a duplicate, not processed */
		    {"kansli@fub.se", "cafe", 1, 0},
		    {"annan@fub.se", "cafe", 3, 0},
		    {"kansli@fub.se", "beef", 3, 0},
		};
		const int64_t ids[] = {0, m1, m2, m3};
		for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
			OK(store_find_same_body(f->st, cases[i].from, cases[i].hash,
						ids[cases[i].exclude], &found, &OKE));
			CHECK(found == ids[cases[i].expect], "find_same_body(%s, %s, m%d) = %lld",
			      cases[i].from, cases[i].hash, cases[i].exclude, (long long)found);
		}
	}

	/* a reply finds the item of the mail it answers, or of our ack */
	item = item_of(f, "Trådens fråga");
	assert_true(item > 0);
	{
		struct store_outgoing ack = {"ack",
					     "ack-same@agendad",
					     "lss@exempelstad.se",
					     "kansli@fub.se",
					     "Tack",
					     "x",
					     1,
					     NULL,
					     m1};
		static const struct {
			const char *ids[3];
			size_t n;
			bool found;
		} cases[] = {
		    {{"same@fub.se"}, 1, true},
		    {{"ack-same@agendad"}, 1, true},
		    {{"unknown@x", "also-unknown@x", "ack-same@agendad"}, 3, true},
		    {{"other@fub.se"}, 1, false}, /* m3 has no questions */
		    {{"unknown@x"}, 1, false},
		    {{NULL}, 0, false},
		};
		OK(store_outbox_queue(f->st, &ack, 1, m1, NULL, false, &OKE));
		for (size_t i = 0; i < N_ELEMENTS(cases); i++) {
			char found_meeting[11];
			OK(store_find_thread_item(f->st, cases[i].ids, cases[i].n, &found,
						  found_meeting, &OKE));
			CHECK(found == (cases[i].found ? item : 0), "thread case %zu: %lld", i,
			      (long long)found);
		}
	}

	/* when the newest question of a meeting was processed */
	OK(store_meeting_newest(f->st, DEC, &newest, &OKE));
	assert_true(newest >= t0 && newest <= time(NULL));
	OK(store_meeting_newest(f->st, MAR, &newest, &OKE));
	assert_int_equal(newest, 0);

	/* no acknowledgement for m3, with the reason */
	{
		struct store_outcome o = {0};
		struct store_message *pending = NULL;
		size_t np = 0;
		o.message = m3;
		o.status = "processed";
		o.acknowledge = true;
		OK(store_record_outcome(f->st, &o, &OKE));
		OK(store_ack_skip(f->st, m3, "ingen avsändare att svara", &OKE));
		OK(store_ack_pending(f->st, &pending, &np, &OKE));
		assert_int_equal(np, 0);
		store_messages_free(pending, np);
		char *ack = peek_text(
		    f, "SELECT ack || ':' || ack_reason FROM messages WHERE uid = 3", NULL);
		assert_string_equal(ack, "skipped:ingen avsändare att svara");
		free(ack);
	}

	/* approve: back to new with a forced association, questions gone; the
	 * ack already queued stays queued so it is never sent twice */
	OK(store_reset_message(f->st, m1, "FUB Exempelstad", &OKE));
	{
		struct store_message *m = NULL;
		OK(store_message_load(f->st, m1, &m, &OKE));
		assert_string_equal(m->status, "new");
		assert_null(m->reason);
		assert_string_equal(m->forced_association, "FUB Exempelstad");
		assert_int_equal(m->n_questions, 0);
		store_message_free(&m);
		char *ack = peek_text(f, "SELECT ack FROM messages WHERE uid = 1", NULL);
		assert_string_equal(ack, "queued");
		free(ack);
		char *items = items_of(f, DEC);
		assert_string_equal(items, "");
		free(items);
	}
	{
		struct error error = {0};
		assert_int_equal(store_reset_message(f->st, 999999, NULL, &error), -1);
		assert_int_equal(error.kind, ERR_MESSAGE);
	}
	/* reprocess --all: every message that is not new */
	OK(store_reset_all(f->st, &n, &OKE));
	assert_int_equal(n, 2);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM messages WHERE status = 'new'", NULL),
			 3);
	/* a forced association survives a reset without one */
	assert_int_equal(peek_int(f,
				  "SELECT count(*) FROM messages WHERE forced_association ="
				  " 'FUB Exempelstad'",
				  NULL),
			 1);
	assert_int_equal(failures, 0);
}

static const struct {
	const char *what;
	const char *date, *time, *end, *place;
	int rc;
	/* the meeting afterwards */
	const char *expect_time, *expect_end, *expect_place;
} meeting_steps[] = {
    {"add", DEC, "17:00", "19:00", "Stadshuset", 0, "17:00", "19:00", "Stadshuset"},
    {"move the time, keep the rest", DEC, "18:00", NULL, NULL, 0, "18:00", "19:00", "Stadshuset"},
    {"a new place", DEC, "18:00", NULL, "Kulturhuset, sal 2", 0, "18:00", "19:00",
     "Kulturhuset, sal 2"},
    {"a date that does not exist", "2026-02-29", "17:00", NULL, NULL, -1, NULL, NULL, NULL},
    {"not a date", "10 december", "17:00", NULL, NULL, -1, NULL, NULL, NULL},
};

static void test_meetings(void **state)
{
	struct fx *f = *state;
	int failures = 0;
	struct store_meeting *ms = NULL;
	size_t n = 0;

	for (size_t s = 0; s < N_ELEMENTS(meeting_steps); s++) {
		struct error error = {0};
		int rc = store_meeting_upsert(f->st, meeting_steps[s].date, meeting_steps[s].time,
					      meeting_steps[s].end, meeting_steps[s].place, &error);
		CHECK(rc == meeting_steps[s].rc, "%s: rc %d (%s)", meeting_steps[s].what, rc,
		      error.text);
		if (rc != 0) {
			CHECK(error.kind == ERR_MESSAGE, "%s: kind %d", meeting_steps[s].what,
			      error.kind);
			continue;
		}
		OK(store_meetings(f->st, &ms, &n, &OKE));
		CHECK(n == 1 && strcmp(ms[0].date, meeting_steps[s].date) == 0 &&
			  strcmp(ms[0].time, meeting_steps[s].expect_time) == 0 &&
			  strcmp(ms[0].end, meeting_steps[s].expect_end) == 0 &&
			  strcmp(ms[0].place, meeting_steps[s].expect_place) == 0,
		      "%s: %s %s-%s %s", meeting_steps[s].what, ms[0].date, ms[0].time,
		      ms[0].end ? ms[0].end : "", ms[0].place ? ms[0].place : "");
		store_meetings_free(ms, n);
	}
	/* in date order, whatever the order they were added in */
	OK(store_meeting_upsert(f->st, "2026-03-12", "09:00", NULL, NULL, &OKE));
	OK(store_meeting_upsert(f->st, "2027-01-14", "09:00", NULL, NULL, &OKE));
	OK(store_meetings(f->st, &ms, &n, &OKE));
	assert_int_equal(n, 3);
	assert_string_equal(ms[0].date, "2026-03-12");
	assert_null(ms[0].end);
	assert_null(ms[0].place);
	assert_int_equal(ms[0].draft_sent, 0);
	assert_string_equal(ms[1].date, DEC);
	assert_string_equal(ms[2].date, "2027-01-14");
	store_meetings_free(ms, n);
	assert_int_equal(failures, 0);
}

/* ---- the crash switch ------------------------------------------------------------------ */

#define CRASH_EXIT 86

/* Runs in a fresh process (the test binary again): imports three batches of
 * one message each; AGENDAD_CRASH_AFTER_COMMIT=2 must stop it after the
 * second commit. */
static int crash_child(const char *db)
{
	struct store *st = NULL;
	struct error error = {0};

	if (store_open(db, &st, &error) != 0) {
		fprintf(stderr, "crash child: %s\n", error.text);
		return 2;
	}
	for (uint32_t uid = 1; uid <= 3; uid++) {
		char *id = xasprintf("crash-%u@fub.se", uid);
		char *raw = mail(id, "kansli@fub.se", "Fråga", "Hej");
		struct store_incoming in = {uid, 1764000000, raw, strlen(raw), false, 0};
		if (store_import_batch(st, "INBOX", 5, &in, 1, uid, NULL, &error) != 0) {
			fprintf(stderr, "crash child: %s\n", error.text);
			return 3;
		}
		free(raw);
		free(id);
	}
	store_close(&st);
	return 0; /* the switch did not fire */
}

static void test_crash_switch(void **state)
{
	struct fx *f = *state;
	struct store_mailbox_state ms;
	bool found = false;
	int status = 0;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* exec, so that the child's commit count starts at zero and
		 * not at what this process has done so far */
		setenv("AGENDAD_CRASH_AFTER_COMMIT", "2", 1);
		execl("/proc/self/exe", "test_store", "--crash-child", f->db, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), CRASH_EXIT);

	/* both commits before the crash are there, the third never happened */
	store_close(&f->st);
	OK(store_open(f->db, &f->st, &OKE));
	OK(store_mailbox_state(f->st, "INBOX", &ms, &found, &OKE));
	assert_true(found);
	assert_int_equal(ms.uidvalidity, 5);
	assert_int_equal(ms.last_uid, 2);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM messages", NULL), 2);
	assert_int_equal(peek_int(f, "SELECT count(*) FROM messages WHERE uid = 3", NULL), 0);
	/* this process has no switch set: its commits go on */
	{
		char *raw = mail("crash-3@fub.se", "kansli@fub.se", "Fråga", "Hej");
		struct store_incoming in = {3, 1764000000, raw, strlen(raw), false, 0};
		size_t n_new = 0;
		int before = store_commit_count(f->st);
		OK(store_import_batch(f->st, "INBOX", 5, &in, 1, 3, &n_new, &OKE));
		assert_int_equal(n_new, 1);
		assert_int_equal(store_commit_count(f->st), before + 1);
		free(raw);
	}
}

/* An argument runs only the tests it matches (a cmocka pattern: "test_out*"). */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open, setup_dir, teardown),
	    cmocka_unit_test_setup_teardown(test_open_refused, setup_dir, teardown),
	    cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_model_cache, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_categories_reader, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_new, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_new_chunk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_record_outcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rerecord, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outcome_message_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_questions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_place_waiting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrections, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_item_status, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load_agenda, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outbox_queue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outbox_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_last_ack_to, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notes, setup_dir, teardown),
	    cmocka_unit_test_setup_teardown(test_erase_address, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_meetings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_switch, setup, teardown),
	};

	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	if (argc == 3 && strcmp(argv[1], "--crash-child") == 0)
		return crash_child(argv[2]);
	unsetenv("AGENDAD_CRASH_AFTER_COMMIT");
	umask(022);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

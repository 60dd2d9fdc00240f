/* store.c - the SQLite database; see store.h.
 *
 * Invariants (debug builds assert what can be asserted cheaply):
 *
 *  1. A message is in the database before anything happens to it on the
 *     server: store_import_batch() commits the raw bytes, and only then does
 *     the caller flag or move it (imap_mark_imported), and only after that
 *     does store_set_marked() record it. A crash between the two leaves
 *     marked = 0, and the next cycle marks it again; it is never imported
 *     twice because (mailbox, uidvalidity, uid) is UNIQUE and the watermark
 *     moved in the same transaction as the rows it covers.
 *  2. mailboxes.last_uid only grows while uidvalidity stays the same, and it
 *     moves in the same transaction as the messages it covers.
 *  3. After a UIDVALIDITY change every message is fetched again; one whose
 *     Message-ID (or, without one, raw SHA-256) is already stored under the
 *     old uidvalidity is the same message: its location is updated, nothing
 *     is inserted.
 *  4. A message's questions, items and status change in one transaction
 *     (store_record_outcome); a message is never half processed.
 *  5. An outgoing mail is queued in the same transaction as the state it
 *     belongs to (ack = 'queued', meetings.draft_sent); so a crash can never
 *     queue a mail twice or lose one. Its Message-ID is fixed when queued.
 *  6. Item numbers of a meeting are 1..N in (category order, id) order; they
 *     are recomputed in every transaction that adds, moves or removes items.
 *  7. Every SQL statement is prepared with bound parameters.
 *  8. A message whose status is "new" has no questions. Only
 *     store_record_outcome() adds questions, and it moves the message out of
 *     "new" in the same transaction (never into it); store_reset_message()
 *     and store_reset_all() delete the questions in the transaction that
 *     sets a message back to "new"; a batch rolled back takes both back
 *     together. store_record_outcome() relies on it: it deletes earlier
 *     questions only of a message that was not "new".
 *
 * A message's status:
 *
 *      store_import_batch                store_record_outcome
 *   (none) --------------> new ------------------------------> processed
 *                           ^         |                        unknown-sender
 *                           |         |                        auto-reply
 *                           |         |                        bounce
 *                           |         |                        unparseable
 *                           |         +----------------------> duplicate
 *                           |                                      |
 *                           +-------- store_reset_message ---------+
 *                                     (approve, reprocess)
 *
 * Its acknowledgement: none -> pending (store_record_outcome, when it may be
 * acknowledged) -> queued (store_outbox_queue) | skipped (store_ack_skip).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "agendad/store.h"
#include "agendad/util.h"

#define SCHEMA_VERSION 1
#define STMT_CACHE     128

struct stmt_slot {
	const char *sql; /* a string literal: its address is the key */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	struct stmt_slot cache[STMT_CACHE];
	size_t n_cached;
	int commits;
	bool batch; /* inside store_batch_begin() .. store_batch_end() */
};

/* Test-only crash switch (AGENDAD_CRASH_AFTER_COMMIT=N), counted across the
 * process so that a test can stop at every commit point in turn. */
static long crash_after = -1;
static long commit_total;

/* ---- schema ----------------------------------------------------------------- */

static const char *const migrations[] = {
	/* version 1 */
	"CREATE TABLE mailboxes ("
	"  name TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL);"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  marked INTEGER NOT NULL DEFAULT 0,"
	"  message_id TEXT,"
	"  raw_hash TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  truncated INTEGER NOT NULL DEFAULT 0,"
	"  received INTEGER NOT NULL,"
	"  imported INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'processed',"
	"    'unknown-sender', 'auto-reply', 'bounce', 'unparseable', 'duplicate')),"
	"  reason TEXT,"
	"  from_addr TEXT,"
	"  from_name TEXT,"
	"  subject TEXT,"
	"  association TEXT,"
	"  forced_association TEXT,"
	"  in_reply_to TEXT,"
	"  refs TEXT,"
	"  body_hash TEXT,"
	"  ack TEXT NOT NULL DEFAULT 'none' CHECK (ack IN ('none', 'pending', 'queued', 'skipped')),"
	"  ack_reason TEXT,"
	"  processed INTEGER,"
	/* the raw bytes: moved to message_raw by version 3 */
	"  raw BLOB,"
	"  UNIQUE (mailbox, uidvalidity, uid));"
	"CREATE INDEX messages_message_id ON messages (message_id);"
	"CREATE INDEX messages_status ON messages (status);"
	"CREATE INDEX messages_from ON messages (from_addr, body_hash);"
	"CREATE INDEX messages_hash ON messages (raw_hash);"
	"CREATE TABLE categories ("
	"  id TEXT PRIMARY KEY,"
	"  heading TEXT NOT NULL,"
	"  position INTEGER NOT NULL);"
	"CREATE TABLE meetings ("
	"  date TEXT PRIMARY KEY,"
	"  time TEXT NOT NULL,"
	"  end_time TEXT,"
	"  place TEXT,"
	"  draft_sent INTEGER,"
	"  draft_updated INTEGER,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  meeting TEXT NOT NULL REFERENCES meetings (date) ON UPDATE CASCADE,"
	"  number INTEGER NOT NULL DEFAULT 0,"
	"  category TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'deferred', 'closed')),"
	"  carried_to TEXT REFERENCES meetings (date),"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX items_meeting ON items (meeting);"
	"CREATE TABLE questions ("
	"  id INTEGER PRIMARY KEY,"
	"  message INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  association TEXT,"
	"  category TEXT NOT NULL,"
	"  score REAL NOT NULL DEFAULT 0,"
	"  confident INTEGER NOT NULL DEFAULT 1,"
	"  evidence TEXT,"
	"  meeting TEXT REFERENCES meetings (date),"
	"  item INTEGER REFERENCES items (id),"
	"  title TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('queued', 'held', 'duplicate')),"
	"  duplicate_of INTEGER REFERENCES questions (id) ON DELETE SET NULL,"
	"  received INTEGER NOT NULL,"
	"  attachments TEXT);"
	"CREATE INDEX questions_message ON questions (message);"
	"CREATE INDEX questions_meeting ON questions (meeting);"
	"CREATE INDEX questions_item ON questions (item);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  mail_from TEXT NOT NULL,"
	"  rcpt TEXT NOT NULL,"
	"  subject TEXT,"
	"  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  next_attempt INTEGER NOT NULL,"
	"  sent INTEGER,"
	"  last_error TEXT,"
	"  meeting TEXT,"
	"  message INTEGER REFERENCES messages (id) ON DELETE SET NULL,"
	"  raw BLOB);"
	"CREATE INDEX outbox_status ON outbox (status, next_attempt);"
	"CREATE TABLE training ("
	"  id INTEGER PRIMARY KEY,"
	"  text TEXT NOT NULL,"
	"  category TEXT NOT NULL,"
	"  question INTEGER REFERENCES questions (id) ON DELETE SET NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE state ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT);"
	"CREATE TABLE erasures ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  rows INTEGER NOT NULL);",
	/* version 2: the classifier fitted to the shipped training set, so that
	 * a start does not fit it again (store_model_get()). It holds no mail:
	 * the secretary's corrections are applied after loading it. */
	"CREATE TABLE model_cache ("
	"  key TEXT PRIMARY KEY,"
	"  created INTEGER NOT NULL,"
	"  blob BLOB NOT NULL);",
	/* version 3: the raw bytes in a table of their own. Recording a
	 * message's outcome updates its row, and SQLite rewrites a whole row on
	 * UPDATE: with the raw mail in it every message was written twice (and
	 * its old overflow pages zeroed, secure_delete). */
	"CREATE TABLE message_raw ("
	"  message INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,"
	"  raw BLOB NOT NULL);"
	"INSERT INTO message_raw (message, raw) SELECT id, raw FROM messages WHERE raw IS NOT NULL;"
	"ALTER TABLE messages DROP COLUMN raw;",
	/* version 4: what the writer said for the secretary rather than the
	 * agenda (extraction's notes: who attends, an interpreter, a withdrawn
	 * question). Personal data like the sender: store_expire() clears it
	 * with from_addr, store_erase_address() deletes it with the row. */
	"ALTER TABLE messages ADD COLUMN notes TEXT;",
	/* version 5: the CHECK constraints without IN (rewrite_checks());
	 * and the messages not yet marked on the server, which
	 * store_unmarked() reads after every batch of an import: through the
	 * UNIQUE index it walked every message of the mailbox each time,
	 * O(n^2) over a large first import. Its entries come and go with
	 * marked. */
	("CREATE INDEX IF NOT EXISTS messages_unmarked ON messages (mailbox, uidvalidity, uid)"
	 " WHERE marked = 0;"),
};
/* the version whose migration also runs rewrite_checks() */
#define CHECKS_WITHOUT_IN 5

/* Version 5 edits the CHECK constraints of version 1 in place. SQLite tests
 * "x IN (three or more constants)" against a temporary b-tree of the list,
 * built anew at every execution of a statement that writes x: some 35,000
 * instructions, twice for every message imported and every outcome recorded
 * and once for every question; more than half of what those statements cost
 * (and a third of the store's CPU on intake). The same test as a chain of
 * "=" builds nothing. Only the text in sqlite_schema changes, no stored row:
 * SQLite's documented procedure for such a change ("Making Other Kinds Of
 * Table Schema Changes" in lang_altertable.html), in the migration's
 * transaction. A text that is not what version 1 wrote is left as it is:
 * the same constraint, only slower. */
static const struct {
	const char *table;
	const char *in; /* as version 1 wrote it */
	const char *eq;
} check_rewrites[] = {
    {"messages",
     "CHECK (status IN ('new', 'processed',    'unknown-sender', 'auto-reply', 'bounce',"
     " 'unparseable', 'duplicate'))",
     "CHECK (status = 'new' OR status = 'processed' OR status = 'unknown-sender' OR"
     " status = 'auto-reply' OR status = 'bounce' OR status = 'unparseable' OR"
     " status = 'duplicate')"},
    {"messages", "CHECK (ack IN ('none', 'pending', 'queued', 'skipped'))",
     "CHECK (ack = 'none' OR ack = 'pending' OR ack = 'queued' OR ack = 'skipped')"},
    {"items", "CHECK (status IN ('open', 'deferred', 'closed'))",
     "CHECK (status = 'open' OR status = 'deferred' OR status = 'closed')"},
    {"questions", "CHECK (status IN ('queued', 'held', 'duplicate'))",
     "CHECK (status = 'queued' OR status = 'held' OR status = 'duplicate')"},
    {"outbox", "CHECK (status IN ('queued', 'sending', 'sent', 'failed'))",
     "CHECK (status = 'queued' OR status = 'sending' OR status = 'sent' OR"
     " status = 'failed')"},
};

#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))
_Static_assert(N_MIGRATIONS == STORE_SCHEMA_VERSION, "a migration for every schema version");

/* ---- statement helpers --------------------------------------------------- */

static int db_error(struct store *st, struct error *error_r, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);
	int primary = code & 0xff;
	enum err_kind kind = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? ERR_TEMP : ERR_FATAL;

	return err_set(error_r, kind, "database %s: %s: %s", st->path, what,
		       sqlite3_errmsg(st->db));
}

/* Returns a cached prepared statement for sql (a string literal), reset and
 * with its bindings cleared. NULL on error (error_r set). */
static sqlite3_stmt *stmt(struct store *st, const char *sql, struct error *error_r)
{
	sqlite3_stmt *s;

	for (size_t i = 0; i < st->n_cached; i++) {
		if (st->cache[i].sql == sql) {
			s = st->cache[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		db_error(st, error_r, "prepare");
		return NULL;
	}
	if (st->n_cached < STMT_CACHE) {
		st->cache[st->n_cached].sql = sql;
		st->cache[st->n_cached].stmt = s;
		st->n_cached++;
	}
	/* a full cache would leak s; 128 slots hold every statement of this file */
	return s;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v == NULL ? NULL : xstrdup((const char *)v);
}

/* Runs a statement that returns no rows (or ignores them). */
static int run(struct store *st, sqlite3_stmt *s, struct error *error_r)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		return db_error(st, error_r, "step");
	return 0;
}

static int exec(struct store *st, const char *sql, struct error *error_r)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(error_r, ERR_FATAL, "database %s: %s", st->path, msg ? msg : "error");
		if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY)
			error_r->kind = ERR_TEMP;
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* A transaction's BEGIN, SAVEPOINT, RELEASE or COMMIT (sql: a string
 * literal), prepared once: through exec() each was parsed again at every
 * use, and a batch of outcomes runs a SAVEPOINT and a RELEASE per message.
 * Fails as exec() does. */
static int control(struct store *st, const char *sql, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, sql, error_r);
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		db_error(st, error_r, sql);
	/* a statement left unreset would count as one in progress */
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* BEGIN IMMEDIATE: take the write lock up front, so that a busy database is
 * an ERR_TEMP before anything was done, never a failure halfway. */
static int begin(struct store *st, struct error *error_r)
{
	/* inside a batch (store_batch_begin) each step is a savepoint, which
	 * rolls back alone; the batch's COMMIT is the commit point */
	if (st->batch)
		return control(st, "SAVEPOINT step", error_r);
	/* one commit point is one transaction: never nested */
	assert(sqlite3_get_autocommit(st->db));
	return control(st, "BEGIN IMMEDIATE", error_r);
}

static void rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Every commit point goes through here. */
static int commit(struct store *st, struct error *error_r)
{
	assert(!sqlite3_get_autocommit(st->db));
	if (control(st, "COMMIT", error_r) != 0) {
		rollback(st);
		return -1;
	}
	st->commits++;
	commit_total++;
	if (crash_after > 0 && commit_total == crash_after) {
		/* the test-only crash switch: die right after the commit is durable,
		 * before anything that depends on it happens */
		static const char msg[] = "store: AGENDAD_CRASH_AFTER_COMMIT reached, exiting\n";
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(86);
	}
	return 0;
}

/* Ends a transaction: commit when rc is 0, else roll back. Returns rc. */
static int finish(struct store *st, int rc, struct error *error_r)
{
	if (st->batch) {
		if (rc == 0)
			return control(st, "RELEASE step", error_r);
		sqlite3_exec(st->db, "ROLLBACK TO step; RELEASE step", NULL, NULL, NULL);
		return -1;
	}
	if (rc == 0)
		return commit(st, error_r);
	rollback(st);
	return -1;
}

int store_batch_begin(struct store *st, struct error *error_r)
{
	assert(!st->batch);
	if (control(st, "BEGIN IMMEDIATE", error_r) != 0)
		return -1;
	st->batch = true;
	return 0;
}

int store_batch_end(struct store *st, bool keep, struct error *error_r)
{
	assert(st->batch);
	st->batch = false;
	if (keep)
		return commit(st, error_r);
	rollback(st);
	return 0;
}

bool store_error(const struct error *error)
{
	return error->kind != ERR_MESSAGE && strncmp(error->text, "database ", 9) == 0;
}

int store_commit_count(const struct store *store)
{
	return store->commits;
}

int store_check_reserve(struct store *st, struct error *error_r)
{
	char *dir = xstrdup(st->path), *slash = strrchr(dir, '/');
	struct statvfs vfs;
	unsigned long long avail;
	int rc;

	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	rc = statvfs(slash != NULL ? dir : ".", &vfs);
	free(dir);
	if (rc != 0)
		return 0; /* cannot tell: the commits will say */
	avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	if (avail >= STORE_WRITE_RESERVE)
		return 0;
	return err_set(error_r, ERR_TEMP,
		       "database %s: only %llu kB free on its disk, less than the %u kB kept to "
		       "record what is sent; no mail is sent until there is more",
		       st->path, avail / 1024, STORE_WRITE_RESERVE / 1024);
}

/* Reads the current row of s into row, an element of the array that
 * collect_rows() grows; clear_row frees what a reader allocated. */
typedef void row_reader(sqlite3_stmt *s, void *row);
typedef void row_clearer(void *row);

/* Steps s to the end, reading each row into a new element of an array the
 * caller owns (*list_r, *n_r); on a database error nothing is returned. */
static int collect_rows(struct store *st, sqlite3_stmt *s, size_t size, row_reader *read_row,
			row_clearer *clear_row, void **list_r, size_t *n_r, struct error *error_r)
{
	char *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, size);
		}
		read_row(s, list + n * size);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < n; i++)
			clear_row(list + i * size);
		free(list);
		return db_error(st, error_r, "read");
	}
	*list_r = list;
	*n_r = n;
	return 0;
}

/* ---- opening -------------------------------------------------------------- */

static int schema_version(struct store *st, int *version_r, struct error *error_r)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return db_error(st, error_r, "user_version");
	*version_r = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return 0;
}

/* Version 5 (check_rewrites), inside the migration's transaction. */
static int rewrite_checks(struct store *st, struct error *error_r)
{
	sqlite3_stmt *s = NULL;
	int defensive = 0, cookie = 0, rc;
	char pragma[64];

	if (sqlite3_prepare_v2(st->db, "PRAGMA schema_version", -1, &s, NULL) != SQLITE_OK)
		return db_error(st, error_r, "schema_version");
	if (sqlite3_step(s) == SQLITE_ROW)
		cookie = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	/* a library that refuses writes to sqlite_schema by default
	 * (SQLITE_DBCONFIG_DEFENSIVE) allows them for this transaction */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 0, (int *)NULL);
	rc = exec(st, "PRAGMA writable_schema = ON", error_r);
	/* prepared after the pragma, which it needs; once in a database's life */
	if (rc == 0 && sqlite3_prepare_v2(st->db,
					  "UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3)"
					  " WHERE type = 'table' AND name = ?1",
					  -1, &s, NULL) != SQLITE_OK)
		rc = db_error(st, error_r, "prepare");
	for (size_t i = 0; i < sizeof(check_rewrites) / sizeof(check_rewrites[0]) && rc == 0; i++) {
		sqlite3_reset(s);
		bind_text(s, 1, check_rewrites[i].table);
		bind_text(s, 2, check_rewrites[i].in);
		bind_text(s, 3, check_rewrites[i].eq);
		rc = run(st, s, error_r);
	}
	sqlite3_finalize(s);
	sqlite3_exec(st->db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, defensive, (int *)NULL);
	/* a new schema cookie: every connection, this one with its next
	 * statement, parses the edited text (a text SQLite could not parse
	 * fails that statement, and the transaction rolls back) */
	snprintf(pragma, sizeof(pragma), "PRAGMA schema_version = %d", cookie + 1);
	return rc == 0 ? exec(st, pragma, error_r) : -1;
}

/* Before anything is changed: a newer program's database stays untouched. */
static int check_version(struct store *st, struct error *error_r)
{
	int version;

	if (schema_version(st, &version, error_r) != 0)
		return -1;
	if (version > (int)N_MIGRATIONS)
		return err_set(error_r, ERR_FATAL,
			       "database %s has schema version %d, newer than this agendad (%d)",
			       st->path, version, (int)N_MIGRATIONS);
	return 0;
}

static int migrate(struct store *st, struct error *error_r)
{
	int version, rc;

	if (schema_version(st, &version, error_r) != 0)
		return -1;
	for (int v = version; v < (int)N_MIGRATIONS; v++) {
		char pragma[64];
		if (begin(st, error_r) != 0)
			return -1;
		/* another process (agendactl beside agendad) may have migrated
		 * between our first look and the write lock: look again under it */
		if (schema_version(st, &version, error_r) != 0) {
			rollback(st);
			return -1;
		}
		if (version > v) {
			rollback(st);
			v = version - 1;
			continue;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		rc = exec(st, migrations[v], error_r);
		if (rc == 0 && v + 1 == CHECKS_WITHOUT_IN)
			rc = rewrite_checks(st, error_r);
		if (rc != 0 || exec(st, pragma, error_r) != 0) {
			rollback(st);
			return err_prefix(error_r, "migrating to schema version %d", v + 1);
		}
		if (exec(st, "COMMIT", error_r) != 0) {
			rollback(st);
			return -1;
		}
	}
	return 0;
}

/* Creates the file 0600 (and its directory 0700) before SQLite does, because
 * SQLite would create it with the process umask and the mail in it is
 * personal data. */
static int create_private(const char *path, struct error *error_r)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			err_set(error_r, ERR_FATAL, "database %s: cannot create its directory: %s",
				path, strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(error_r, ERR_FATAL, "database %s: cannot create: %s", path,
			       strerror(errno));
	close(fd);
	return 0;
}

int store_open(const char *path, struct store **store_r, struct error *error_r)
{
	struct store *st;
	const char *crash = getenv("AGENDAD_CRASH_AFTER_COMMIT");

	if (crash != NULL && *crash != '\0')
		crash_after = strtol(crash, NULL, 10);
	if (access(path, F_OK) != 0 && create_private(path, error_r) != 0)
		return -1;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		err_set(error_r, ERR_FATAL, "database %s: cannot open: %s", path,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(&st);
		return -1;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	if (check_version(st, error_r) != 0 ||
	    exec(st, "PRAGMA journal_mode = WAL", error_r) != 0 ||
	    exec(st, "PRAGMA foreign_keys = ON", error_r) != 0 ||
	    exec(st, "PRAGMA synchronous = FULL", error_r) != 0 ||
	    exec(st, "PRAGMA secure_delete = ON", error_r) != 0 ||
	    /* the savepoint journal of each outcome in a batch (and any sort)
	     * stays in memory: as a file in /var/tmp it took copies of pages
	     * of mail (personal data) and six times the mail's size in writes */
	    exec(st, "PRAGMA temp_store = MEMORY", error_r) != 0 || migrate(st, error_r) != 0) {
		store_close(&st);
		return -1;
	}
	*store_r = st;
	return 0;
}

void store_close(struct store **store)
{
	struct store *st = *store;

	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n_cached; i++)
		sqlite3_finalize(st->cache[i].stmt);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
	*store = NULL;
}

/* ---- intake --------------------------------------------------------------- */

int store_mailbox_state(struct store *st, const char *mailbox, struct store_mailbox_state *state_r,
			bool *found_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT uidvalidity, last_uid FROM mailboxes WHERE name = ?1",
			       error_r);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, mailbox);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		state_r->uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		state_r->last_uid = (uint32_t)sqlite3_column_int64(s, 1);
		*found_r = true;
	} else if (rc == SQLITE_DONE) {
		memset(state_r, 0, sizeof(*state_r));
		*found_r = false;
	} else {
		return db_error(st, error_r, "mailbox state");
	}
	sqlite3_reset(s);
	return 0;
}

/* The Message-ID of a raw message, without <>, or NULL. Only what the store
 * needs for deduplication; the MIME stage does the real parsing. */
static char *raw_message_id(const unsigned char *raw, size_t size)
{
	size_t i = 0;

	while (i < size) {
		size_t line = i;
		while (i < size && raw[i] != '\n')
			i++;
		size_t len = i - line;
		if (len == 0 || (len == 1 && raw[line] == '\r'))
			break; /* end of header */
		if (len > 11 && strncasecmp((const char *)raw + line, "Message-ID:", 11) == 0) {
			/* the value may be folded onto the next line */
			size_t j = line + 11, end;
			while (j < size && (raw[j] == ' ' || raw[j] == '\t' || raw[j] == '\r' ||
					    raw[j] == '\n'))
				j++;
			if (j < size && raw[j] == '<')
				j++;
			end = j;
			while (end < size && raw[end] != '>' && raw[end] != '\r' && raw[end] != '\n' &&
			       raw[end] != ' ' && end - j < 998)
				end++;
			return end > j ? xstrndup((const char *)raw + j, end - j) : NULL;
		}
		i++;
	}
	return NULL;
}

int store_import_batch(struct store *st, const char *mailbox, uint32_t uidvalidity,
		       const struct store_incoming *messages, size_t n_messages, uint32_t last_uid,
		       size_t *n_new_r, struct error *error_r)
{
	sqlite3_stmt *s;
	size_t n_new = 0;
	int rc = 0;
	time_t now = time(NULL);

	if (begin(st, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n_messages && rc == 0; i++) {
		const struct store_incoming *m = &messages[i];
		char hash[65], *msgid;
		int64_t existing = 0;

		/* rule 2: the watermark covers every message of its batch */
		assert(m->uid <= last_uid);

		s = stmt(st,
			 "SELECT id FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3",
			 error_r);
		if (s == NULL) {
			rc = -1;
			break;
		}
		bind_text(s, 1, mailbox);
		sqlite3_bind_int64(s, 2, uidvalidity);
		sqlite3_bind_int64(s, 3, m->uid);
		if (sqlite3_step(s) == SQLITE_ROW)
			existing = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (existing != 0)
			continue;

		msgid = raw_message_id(m->raw, m->size);
		/* the hash only stands in for a missing Message-ID (rule 3), and
		 * hashing every message would cost more than the insert */
		if (msgid == NULL)
			util_sha256_hex(m->raw, m->size, hash);
		else
			snprintf(hash, sizeof(hash), "%s", "-");
		/* rule 3: the same message under an older uidvalidity */
		/* two statements, not one with a CASE: each predicate must be a
		 * plain equality for SQLite to search its index instead of
		 * walking every row of the mailbox (O(n^2) over an import) */
		s = msgid != NULL ? stmt(st,
					 "SELECT id FROM messages WHERE message_id = ?3 AND"
					 " mailbox = ?1 AND uidvalidity <> ?2 ORDER BY id LIMIT 1",
					 error_r)
				  : stmt(st,
					 "SELECT id FROM messages WHERE raw_hash = ?3 AND"
					 " mailbox = ?1 AND uidvalidity <> ?2 ORDER BY id LIMIT 1",
					 error_r);
		if (s == NULL) {
			free(msgid);
			rc = -1;
			break;
		}
		bind_text(s, 1, mailbox);
		sqlite3_bind_int64(s, 2, uidvalidity);
		bind_text(s, 3, msgid != NULL ? msgid : hash);
		if (sqlite3_step(s) == SQLITE_ROW)
			existing = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (existing != 0) {
			s = stmt(st,
				 "UPDATE messages SET uidvalidity = ?2, uid = ?3, marked = 0 WHERE id = ?1",
				 error_r);
			if (s == NULL) {
				free(msgid);
				rc = -1;
				break;
			}
			sqlite3_bind_int64(s, 1, existing);
			sqlite3_bind_int64(s, 2, uidvalidity);
			sqlite3_bind_int64(s, 3, m->uid);
			rc = run(st, s, error_r);
			free(msgid);
			continue;
		}
		s = stmt(st,
			 "INSERT INTO messages (mailbox, uidvalidity, uid, message_id, raw_hash,"
			 " size, truncated, received, imported) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
			 " ?7, ?8, ?9)",
			 error_r);
		if (s == NULL) {
			free(msgid);
			rc = -1;
			break;
		}
		bind_text(s, 1, mailbox);
		sqlite3_bind_int64(s, 2, uidvalidity);
		sqlite3_bind_int64(s, 3, m->uid);
		bind_text(s, 4, msgid);
		bind_text(s, 5, hash);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)(m->truncated ? m->full_size : m->size));
		sqlite3_bind_int(s, 7, m->truncated);
		sqlite3_bind_int64(s, 8, m->internaldate);
		sqlite3_bind_int64(s, 9, now);
		rc = run(st, s, error_r);
		free(msgid);
		if (rc == 0) {
			s = stmt(st, "INSERT INTO message_raw (message, raw) VALUES (?1, ?2)",
				 error_r);
			if (s == NULL) {
				rc = -1;
				break;
			}
			sqlite3_bind_int64(s, 1, sqlite3_last_insert_rowid(st->db));
			sqlite3_bind_blob64(s, 2, m->raw, m->size, SQLITE_STATIC);
			rc = run(st, s, error_r);
		}
		if (rc == 0)
			n_new++;
	}
	if (rc == 0) {
		s = stmt(st,
			 "INSERT INTO mailboxes (name, uidvalidity, last_uid) VALUES (?1, ?2, ?3)"
			 " ON CONFLICT (name) DO UPDATE SET uidvalidity = ?2,"
			 " last_uid = CASE WHEN uidvalidity = ?2 THEN max(last_uid, ?3) ELSE ?3 END",
			 error_r);
		if (s == NULL)
			rc = -1;
		else {
			bind_text(s, 1, mailbox);
			sqlite3_bind_int64(s, 2, uidvalidity);
			sqlite3_bind_int64(s, 3, last_uid);
			rc = run(st, s, error_r);
		}
	}
	if (finish(st, rc, error_r) != 0)
		return -1;
	if (n_new_r != NULL)
		*n_new_r = n_new;
	return 0;
}

int store_unmarked(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t **uids_r,
		   size_t *n_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT uid FROM messages WHERE mailbox = ?1 AND uidvalidity = ?2"
			       " AND marked = 0 ORDER BY uid",
			       error_r);
	uint32_t *uids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, mailbox);
	sqlite3_bind_int64(s, 2, uidvalidity);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			uids = xreallocarray(uids, cap, sizeof(*uids));
		}
		uids[n++] = (uint32_t)sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(uids);
		return db_error(st, error_r, "unmarked");
	}
	*uids_r = uids;
	*n_r = n;
	return 0;
}

int store_set_marked(struct store *st, const char *mailbox, uint32_t uidvalidity,
		     const uint32_t *uids, size_t n_uids, struct error *error_r)
{
	int rc = 0;

	if (begin(st, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n_uids && rc == 0; i++) {
		sqlite3_stmt *s = stmt(st,
				       "UPDATE messages SET marked = 1 WHERE mailbox = ?1 AND"
				       " uidvalidity = ?2 AND uid = ?3",
				       error_r);
		if (s == NULL) {
			rc = -1;
			break;
		}
		bind_text(s, 1, mailbox);
		sqlite3_bind_int64(s, 2, uidvalidity);
		sqlite3_bind_int64(s, 3, uids[i]);
		rc = run(st, s, error_r);
	}
	return finish(st, rc, error_r);
}

/* ---- messages ------------------------------------------------------------- */

#define MESSAGE_COLUMNS                                                                     \
	"id, message_id, mailbox, uidvalidity, uid, received, from_addr, from_name, subject," \
	" status, reason, association, forced_association,"                                 \
	" (SELECT count(*) FROM questions q WHERE q.message = messages.id), truncated, size," \
	" notes"
/* how many MESSAGE_COLUMNS has: a column after them is number MESSAGE_N_COLUMNS */
#define MESSAGE_N_COLUMNS 17

static void read_message(sqlite3_stmt *s, void *row)
{
	struct store_message *m = row;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(s, 0);
	m->message_id = col_dup(s, 1);
	m->mailbox = col_dup(s, 2);
	m->uidvalidity = (uint32_t)sqlite3_column_int64(s, 3);
	m->uid = (uint32_t)sqlite3_column_int64(s, 4);
	m->received = (time_t)sqlite3_column_int64(s, 5);
	m->from_addr = col_dup(s, 6);
	m->from_name = col_dup(s, 7);
	m->subject = col_dup(s, 8);
	m->status = col_dup(s, 9);
	m->reason = col_dup(s, 10);
	m->association = col_dup(s, 11);
	m->forced_association = col_dup(s, 12);
	m->n_questions = sqlite3_column_int(s, 13);
	m->truncated = sqlite3_column_int(s, 14) != 0;
	m->size = (size_t)sqlite3_column_int64(s, 15);
	m->notes = col_dup(s, 16);
}

static void message_clear(void *row)
{
	struct store_message *m = row;

	free(m->message_id);
	free(m->mailbox);
	free(m->from_addr);
	free(m->from_name);
	free(m->subject);
	free(m->status);
	free(m->reason);
	free(m->association);
	free(m->forced_association);
	free(m->notes);
	free(m->raw);
}

void store_message_free(struct store_message **message)
{
	if (*message == NULL)
		return;
	message_clear(*message);
	free(*message);
	*message = NULL;
}

void store_messages_free(struct store_message *messages, size_t n)
{
	for (size_t i = 0; i < n; i++)
		message_clear(&messages[i]);
	free(messages);
}

/* Column col of s (a blob; col < 0: none) into m->raw, NUL-terminated. */
static void read_raw(sqlite3_stmt *s, int col, struct store_message *m)
{
	const void *blob = col >= 0 ? sqlite3_column_blob(s, col) : NULL;
	int n = blob != NULL ? sqlite3_column_bytes(s, col) : 0;

	m->raw = xmalloc((size_t)n + 1);
	if (n > 0)
		memcpy(m->raw, blob, (size_t)n);
	m->raw[n] = '\0';
	m->raw_size = (size_t)n;
}

static int load_raw(struct store *st, struct store_message *m, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT raw FROM message_raw WHERE message = ?1", error_r);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, m->id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return db_error(st, error_r, "raw message");
	}
	/* SQLITE_DONE: expired by the retention, an empty message */
	read_raw(s, rc == SQLITE_ROW ? 0 : -1, m);
	sqlite3_reset(s);
	return 0;
}

int store_next_new_chunk(struct store *st, int64_t after_id, size_t max_n, size_t max_bytes,
			 struct store_message **messages_r, size_t *n_r, struct error *error_r)
{
	/* one statement for the chunk, with the raw bytes joined: a statement
	 * per message and another for its raw bytes cost a read transaction
	 * and a reset each */
	sqlite3_stmt *s =
	    stmt(st,
		 "SELECT " MESSAGE_COLUMNS ", r.raw FROM messages LEFT JOIN message_raw r"
		 " ON r.message = messages.id WHERE status = 'new' AND id > ?1"
		 " ORDER BY id LIMIT ?2",
		 error_r);
	size_t n = 0, bytes = 0;
	int rc = SQLITE_DONE;

	*n_r = 0;
	if (s == NULL)
		return -1;
	/* the raw bytes are the column after MESSAGE_COLUMNS */
	assert(sqlite3_column_count(s) == MESSAGE_N_COLUMNS + 1);
	sqlite3_bind_int64(s, 1, after_id);
	sqlite3_bind_int64(s, 2, max_n > INT64_MAX ? INT64_MAX : (sqlite3_int64)max_n);
	while (n < max_n && bytes < max_bytes && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_message *m = xcalloc(1, sizeof(*m));

		read_message(s, m);
		/* NULL: expired by the retention, an empty message */
		read_raw(s, MESSAGE_N_COLUMNS, m);
		messages_r[n++] = m;
		bytes += m->raw_size;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		for (size_t i = 0; i < n; i++)
			store_message_free(&messages_r[i]);
		return db_error(st, error_r, "next messages");
	}
	*n_r = n;
	return 0;
}

int store_message_load(struct store *st, int64_t id, struct store_message **message_r,
		       struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT " MESSAGE_COLUMNS " FROM messages WHERE id = ?1", error_r);
	struct store_message *m;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return err_set(error_r, ERR_MESSAGE, "inget meddelande med id %lld", (long long)id);
	}
	m = xcalloc(1, sizeof(*m));
	read_message(s, m);
	sqlite3_reset(s);
	if (load_raw(st, m, error_r) != 0) {
		store_message_free(&m);
		return -1;
	}
	*message_r = m;
	return 0;
}

/* The messages of s (MESSAGE_COLUMNS) into *list_r. */
static int collect_messages(struct store *st, sqlite3_stmt *s, struct store_message **list_r,
			    size_t *n_r, struct error *error_r)
{
	void *list;

	if (collect_rows(st, s, sizeof(**list_r), read_message, message_clear, &list, n_r,
			 error_r) != 0)
		return -1;
	*list_r = list;
	return 0;
}

int store_messages(struct store *st, const char *status, struct store_message **messages_r,
		   size_t *n_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT " MESSAGE_COLUMNS " FROM messages WHERE ?1 IS NULL OR"
			       " status = ?1 ORDER BY id",
			       error_r);

	if (s == NULL)
		return -1;
	bind_text(s, 1, status);
	return collect_messages(st, s, messages_r, n_r, error_r);
}

static int select_id(struct store *st, sqlite3_stmt *s, int64_t *id_r, struct error *error_r)
{
	int rc = sqlite3_step(s);

	*id_r = 0;
	if (rc == SQLITE_ROW)
		*id_r = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, error_r, "lookup");
	return 0;
}

int store_find_message_id(struct store *st, const char *message_id, int64_t exclude,
			  int64_t *id_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT id FROM messages WHERE message_id = ?1 AND"
			       " id < ?2 ORDER BY id LIMIT 1",
			       error_r);

	if (s == NULL)
		return -1;
	bind_text(s, 1, message_id);
	sqlite3_bind_int64(s, 2, exclude);
	return select_id(st, s, id_r, error_r);
}

int store_find_same_body(struct store *st, const char *from_addr, const char *body_hash,
			 int64_t exclude, int64_t *id_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT id FROM messages WHERE from_addr = ?1 AND body_hash = ?2 AND"
			       " id <> ?3 AND status = 'processed' ORDER BY id LIMIT 1",
			       error_r);

	if (s == NULL)
		return -1;
	bind_text(s, 1, from_addr);
	bind_text(s, 2, body_hash);
	sqlite3_bind_int64(s, 3, exclude);
	return select_id(st, s, id_r, error_r);
}

int store_find_thread_item(struct store *st, const char *const *ids, size_t n_ids,
			   int64_t *item_r, char meeting_r[11], struct error *error_r)
{
	*item_r = 0;
	meeting_r[0] = '\0';
	/* the newest reference first: In-Reply-To, then References from the end */
	for (size_t i = 0; i < n_ids && *item_r == 0; i++) {
		sqlite3_stmt *s = stmt(st,
				       "SELECT i.id, i.meeting FROM questions q JOIN messages m ON"
				       " m.id = q.message JOIN items i ON i.id = q.item"
				       " WHERE m.message_id = ?1 AND i.status = 'open'"
				       " UNION ALL"
				       " SELECT i.id, i.meeting FROM outbox o JOIN questions q ON"
				       " q.message = o.message JOIN items i ON i.id = q.item"
				       " WHERE o.message_id = ?1 AND i.status = 'open' LIMIT 1",
				       error_r);
		int rc;

		if (s == NULL)
			return -1;
		bind_text(s, 1, ids[i]);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*item_r = sqlite3_column_int64(s, 0);
			snprintf(meeting_r, 11, "%s", (const char *)sqlite3_column_text(s, 1));
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_error(st, error_r, "thread");
	}
	return 0;
}

/* ---- items and numbering --------------------------------------------------- */

/* Rule 6. */
static int renumber(struct store *st, const char *meeting, struct error *error_r)
{
	sqlite3_stmt *s;

	if (meeting == NULL)
		return 0;
	s = stmt(st,
		 "UPDATE items SET number = (SELECT r.n FROM (SELECT i.id AS id, row_number() OVER"
		 " (ORDER BY coalesce(c.position, 1000000), i.id) AS n FROM items i LEFT JOIN"
		 " categories c ON c.id = i.category WHERE i.meeting = ?1) r WHERE r.id = items.id)"
		 " WHERE meeting = ?1",
		 error_r);
	if (s == NULL)
		return -1;
	bind_text(s, 1, meeting);
	return run(st, s, error_r);
}

/* Deletes open items of meeting that no question points at any more. */
static int drop_empty_items(struct store *st, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "DELETE FROM items WHERE status = 'open' AND NOT EXISTS"
			       " (SELECT 1 FROM questions q WHERE q.item = items.id)",
			       error_r);

	return s == NULL ? -1 : run(st, s, error_r);
}

static int new_item(struct store *st, const char *meeting, const char *category, const char *title,
		    int64_t *item_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "INSERT INTO items (meeting, category, title, created) VALUES"
			       " (?1, ?2, ?3, ?4)",
			       error_r);

	if (s == NULL)
		return -1;
	bind_text(s, 1, meeting);
	bind_text(s, 2, category);
	bind_text(s, 3, title);
	sqlite3_bind_int64(s, 4, time(NULL));
	if (run(st, s, error_r) != 0)
		return -1;
	*item_r = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* Every meeting that has items, renumbered (after changes that may touch
 * several). Cheap: a council has a handful of meetings a year. */
static int renumber_all(struct store *st, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT date FROM meetings", error_r);
	struct strlist dates = { 0 };
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strlist_push(&dates, col_dup(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		strlist_free(&dates);
		return db_error(st, error_r, "meetings");
	}
	rc = 0;
	for (size_t i = 0; i < dates.n && rc == 0; i++)
		rc = renumber(st, dates.v[i], error_r);
	strlist_free(&dates);
	return rc;
}

/* ---- processing results ---------------------------------------------------- */

static int insert_question(struct store *st, int64_t message, int seq, const char *association,
			   time_t received, const struct store_new_question *q, int64_t item,
			   struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "INSERT INTO questions (message, seq, association, category, score,"
			       " confident, evidence, meeting, item, title, text, status, duplicate_of,"
			       " received, attachments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			       " ?11, ?12, ?13, ?14, ?15)",
			       error_r);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, message);
	sqlite3_bind_int(s, 2, seq);
	bind_text(s, 3, association);
	bind_text(s, 4, q->category);
	sqlite3_bind_double(s, 5, q->score);
	sqlite3_bind_int(s, 6, q->confident);
	bind_text(s, 7, q->evidence);
	bind_text(s, 8, q->meeting);
	bind_id(s, 9, item);
	bind_text(s, 10, q->title);
	bind_text(s, 11, q->text);
	bind_text(s, 12, q->status);
	bind_id(s, 13, q->duplicate_of);
	sqlite3_bind_int64(s, 14, received);
	bind_text(s, 15, q->attachments);
	return run(st, s, error_r);
}

int store_record_outcome(struct store *st, const struct store_outcome *o, struct error *error_r)
{
	sqlite3_stmt *s;
	time_t received = 0;
	bool was_new, same_message_id;
	int rc, deleted = 0;

	/* the diagram: an outcome leaves "new" for good (rule 8) */
	assert(o->status != NULL && strcmp(o->status, "new") != 0);
	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st, "SELECT received, status = 'new', message_id FROM messages WHERE id = ?1",
		 error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	sqlite3_bind_int64(s, 1, o->message);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		err_set(error_r, ERR_FATAL, "database %s: message %lld vanished", st->path,
			(long long)o->message);
		return finish(st, -1, error_r);
	}
	received = (time_t)sqlite3_column_int64(s, 0);
	was_new = sqlite3_column_int(s, 1) != 0;
	/* compared here rather than by an UPDATE ... WHERE message_id IS NOT ?:
	 * the same bytes, and one statement less for nearly every mail */
	same_message_id = o->message_id == NULL ||
			  (sqlite3_column_type(s, 2) == SQLITE_TEXT &&
			   strcmp((const char *)sqlite3_column_text(s, 2), o->message_id) == 0);
	sqlite3_reset(s);

	s = stmt(st,
		 "UPDATE messages SET status = ?2, reason = ?3, association = ?4,"
		 " from_addr = ?6, from_name = ?7,"
		 " subject = ?8, in_reply_to = ?9, refs = ?10, body_hash = ?11,"
		 " ack = CASE WHEN ?12 THEN 'pending' ELSE 'none' END, processed = ?13,"
		 " notes = ?14 WHERE id = ?1",
		 error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	sqlite3_bind_int64(s, 1, o->message);
	bind_text(s, 2, o->status);
	bind_text(s, 3, o->reason);
	bind_text(s, 4, o->association);
	bind_text(s, 6, o->from_addr);
	bind_text(s, 7, o->from_name);
	bind_text(s, 8, o->subject);
	bind_text(s, 9, o->in_reply_to);
	bind_text(s, 10, o->references);
	bind_text(s, 11, o->body_hash);
	sqlite3_bind_int(s, 12, o->acknowledge);
	sqlite3_bind_int64(s, 13, time(NULL));
	bind_text(s, 14, o->notes);
	rc = run(st, s, error_r);
	/* a separate statement, for the few mails whose Message-ID import did
	 * not see: SQLite rewrites an index entry of every row whose column is
	 * assigned, changed or not, and this index is in random order (it made
	 * a third of the pages each batch of outcomes wrote) */
	if (rc == 0 && !same_message_id) {
		s = stmt(st, "UPDATE messages SET message_id = ?2 WHERE id = ?1", error_r);
		if (s == NULL)
			rc = -1;
		else {
			sqlite3_bind_int64(s, 1, o->message);
			bind_text(s, 2, o->message_id);
			rc = run(st, s, error_r);
		}
	}

	/* reprocessing replaces what an earlier run stored; a "new" message
	 * has none (rule 8), and that is nearly every message recorded */
	if (rc == 0 && !was_new) {
		s = stmt(st, "DELETE FROM questions WHERE message = ?1", error_r);
		if (s == NULL)
			rc = -1;
		else {
			sqlite3_bind_int64(s, 1, o->message);
			rc = run(st, s, error_r);
			deleted = sqlite3_changes(st->db);
		}
	}
	for (size_t i = 0; i < o->n_questions && rc == 0; i++) {
		const struct store_new_question *q = &o->questions[i];
		int64_t item = 0;

		if (q->meeting != NULL && strcmp(q->status, "duplicate") != 0) {
			item = q->join_item;
			if (item != 0) {
				/* join only an item of the same meeting that still exists */
				s = stmt(st, "SELECT id FROM items WHERE id = ?1 AND meeting = ?2",
					 error_r);
				if (s == NULL) {
					rc = -1;
					break;
				}
				sqlite3_bind_int64(s, 1, item);
				bind_text(s, 2, q->meeting);
				rc = select_id(st, s, &item, error_r);
			}
			if (rc == 0 && item == 0)
				rc = new_item(st, q->meeting, q->category, q->title, &item, error_r);
		}
		if (rc == 0)
			rc = insert_question(st, o->message, (int)i + 1, o->association, received, q,
					     item, error_r);
	}
	/* rule 6 for the meetings this changed: all of them when earlier
	 * questions of the message were replaced, else only those its new
	 * questions went to (renumbering every meeting for every mail made a
	 * long history cost O(items) per mail) */
	if (rc == 0 && deleted > 0)
		rc = drop_empty_items(st, error_r);
	if (rc == 0 && deleted > 0)
		rc = renumber_all(st, error_r);
	for (size_t i = 0; i < o->n_questions && rc == 0 && deleted == 0; i++) {
		const char *m = o->questions[i].meeting;
		bool seen = m == NULL;

		for (size_t j = 0; j < i && !seen; j++)
			seen = o->questions[j].meeting != NULL && strcmp(o->questions[j].meeting, m) == 0;
		if (!seen)
			rc = renumber(st, m, error_r);
	}
	return finish(st, rc, error_r);
}

int store_reset_message(struct store *st, int64_t id, const char *forced_association,
			struct error *error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st,
		 "UPDATE messages SET status = 'new', reason = NULL, notes = NULL,"
		 " forced_association = coalesce(?2, forced_association),"
		 " ack = CASE WHEN ack = 'queued' THEN 'queued' ELSE 'none' END WHERE id = ?1",
		 error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, forced_association);
	rc = run(st, s, error_r);
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = err_set(error_r, ERR_MESSAGE, "inget meddelande med id %lld", (long long)id);
	if (rc == 0) {
		s = stmt(st, "DELETE FROM questions WHERE message = ?1", error_r);
		rc = s == NULL ? -1 : (sqlite3_bind_int64(s, 1, id), run(st, s, error_r));
	}
	if (rc == 0)
		rc = drop_empty_items(st, error_r);
	if (rc == 0)
		rc = renumber_all(st, error_r);
	return finish(st, rc, error_r);
}

int store_reset_all(struct store *st, int *n_r, struct error *error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st,
		 "UPDATE messages SET status = 'new', reason = NULL, notes = NULL,"
		 " ack = CASE WHEN ack = 'queued' THEN 'queued' ELSE 'none' END"
		 " WHERE status <> 'new' AND id IN (SELECT message FROM message_raw)",
		 error_r);
	rc = s == NULL ? -1 : run(st, s, error_r);
	if (rc == 0 && n_r != NULL)
		*n_r = sqlite3_changes(st->db);
	if (rc == 0)
		rc = exec(st,
			  "DELETE FROM questions WHERE message IN (SELECT id FROM messages WHERE"
			  " status = 'new')",
			  error_r);
	if (rc == 0)
		rc = drop_empty_items(st, error_r);
	if (rc == 0)
		rc = renumber_all(st, error_r);
	return finish(st, rc, error_r);
}

/* ---- categories ------------------------------------------------------------- */

/* Whether the categories table already holds ids and headings in this order:
 * then every start of agendactl (status, backup...) stays a reader, and does
 * not wait for the daemon's write lock. */
static int categories_match(struct store *st, const char *const *ids,
			    const char *const *headings, size_t n, bool *match_r,
			    struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT id, heading FROM categories ORDER BY position", error_r);
	size_t i = 0;
	int rc;

	*match_r = false;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *heading = (const char *)sqlite3_column_text(s, 1);

		if (i >= n || id == NULL || heading == NULL || strcmp(id, ids[i]) != 0 ||
		    strcmp(heading, headings[i]) != 0)
			break;
		i++;
	}
	*match_r = rc == SQLITE_DONE && i == n;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, error_r, "categories");
	return 0;
}

int store_sync_categories(struct store *st, const char *const *ids, const char *const *headings,
			  size_t n, struct error *error_r)
{
	bool match;
	int rc;

	if (categories_match(st, ids, headings, n, &match, error_r) != 0)
		return -1;
	if (match)
		return 0;
	if (begin(st, error_r) != 0)
		return -1;
	rc = exec(st, "DELETE FROM categories", error_r);
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_stmt *s = stmt(st,
				       "INSERT INTO categories (id, heading, position) VALUES (?1, ?2, ?3)",
				       error_r);
		if (s == NULL) {
			rc = -1;
			break;
		}
		bind_text(s, 1, ids[i]);
		bind_text(s, 2, headings[i]);
		sqlite3_bind_int(s, 3, (int)i);
		rc = run(st, s, error_r);
	}
	if (rc == 0)
		rc = renumber_all(st, error_r);
	return finish(st, rc, error_r);
}

/* ---- meetings ---------------------------------------------------------------- */

#define MEETING_COLUMNS                                                               \
	"date, time, end_time, place, (SELECT count(*) FROM items i WHERE i.meeting ="  \
	" meetings.date AND i.status <> 'closed'), coalesce(draft_sent, 0),"           \
	" coalesce(draft_updated, 0)"

static void read_meeting(sqlite3_stmt *s, int col, struct store_meeting *m)
{
	const unsigned char *date = sqlite3_column_text(s, col);

	memset(m, 0, sizeof(*m));
	snprintf(m->date, sizeof(m->date), "%s", date ? (const char *)date : "");
	m->time = col_dup(s, col + 1);
	m->end = col_dup(s, col + 2);
	m->place = col_dup(s, col + 3);
	m->n_items = sqlite3_column_int(s, col + 4);
	m->draft_sent = (time_t)sqlite3_column_int64(s, col + 5);
	m->draft_updated = (time_t)sqlite3_column_int64(s, col + 6);
}

static void meeting_row(sqlite3_stmt *s, void *row)
{
	read_meeting(s, 0, row);
}

static void meeting_clear(void *row)
{
	struct store_meeting *m = row;

	free(m->time);
	free(m->end);
	free(m->place);
	memset(m, 0, sizeof(*m));
}

void store_meetings_free(struct store_meeting *meetings, size_t n)
{
	for (size_t i = 0; i < n; i++)
		meeting_clear(&meetings[i]);
	free(meetings);
}

int store_meeting_upsert(struct store *st, const char *date, const char *time_s, const char *end,
			 const char *place, struct error *error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (!util_valid_date(date))
		return err_set(error_r, ERR_MESSAGE, "ogiltigt datum '%s' (ÅÅÅÅ-MM-DD)", date);
	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st,
		 "INSERT INTO meetings (date, time, end_time, place, created) VALUES (?1, ?2, ?3,"
		 " ?4, ?5) ON CONFLICT (date) DO UPDATE SET time = ?2,"
		 " end_time = coalesce(?3, end_time), place = coalesce(?4, place)",
		 error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	bind_text(s, 1, date);
	bind_text(s, 2, time_s);
	bind_text(s, 3, end);
	bind_text(s, 4, place);
	sqlite3_bind_int64(s, 5, time(NULL));
	rc = run(st, s, error_r);
	return finish(st, rc, error_r);
}

int store_meetings(struct store *st, struct store_meeting **meetings_r, size_t *n_r,
		   struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT " MEETING_COLUMNS " FROM meetings ORDER BY date", error_r);
	void *list;

	if (s == NULL)
		return -1;
	if (collect_rows(st, s, sizeof(**meetings_r), meeting_row, meeting_clear, &list, n_r,
			 error_r) != 0)
		return -1;
	*meetings_r = list;
	return 0;
}

/* ---- questions ----------------------------------------------------------------- */

#define QUESTION_COLUMNS                                                                     \
	"q.id, q.message, m.message_id, q.association, m.from_addr, q.category, q.score,"  \
	" q.confident, q.evidence, q.meeting, coalesce(q.item, 0), coalesce(i.number, 0),"   \
	" q.title, q.text, q.status, coalesce(q.duplicate_of, 0), q.received, q.attachments"
#define QUESTION_FROM \
	" FROM questions q JOIN messages m ON m.id = q.message LEFT JOIN items i ON i.id = q.item"

static void read_question(sqlite3_stmt *s, void *row)
{
	struct store_question *q = row;

	memset(q, 0, sizeof(*q));
	q->id = sqlite3_column_int64(s, 0);
	q->message = sqlite3_column_int64(s, 1);
	q->message_id = col_dup(s, 2);
	q->association = col_dup(s, 3);
	q->from_addr = col_dup(s, 4);
	q->category = col_dup(s, 5);
	q->score = sqlite3_column_double(s, 6);
	q->confident = sqlite3_column_int(s, 7) != 0;
	q->evidence = col_dup(s, 8);
	q->meeting = col_dup(s, 9);
	q->item = sqlite3_column_int64(s, 10);
	q->item_number = sqlite3_column_int(s, 11);
	q->title = col_dup(s, 12);
	q->text = col_dup(s, 13);
	q->status = col_dup(s, 14);
	q->duplicate_of = sqlite3_column_int64(s, 15);
	q->received = (time_t)sqlite3_column_int64(s, 16);
	q->attachments = col_dup(s, 17);
}

static void question_clear(void *row)
{
	struct store_question *q = row;

	free(q->message_id);
	free(q->association);
	free(q->from_addr);
	free(q->category);
	free(q->evidence);
	free(q->meeting);
	free(q->title);
	free(q->text);
	free(q->status);
	free(q->attachments);
}

void store_questions_free(struct store_question *questions, size_t n)
{
	for (size_t i = 0; i < n; i++)
		question_clear(&questions[i]);
	free(questions);
}

/* Collects every row of a question query. */
static int collect_questions(struct store *st, sqlite3_stmt *s, struct store_question **list_r,
			     size_t *n_r, struct error *error_r)
{
	void *list;

	if (collect_rows(st, s, sizeof(**list_r), read_question, question_clear, &list, n_r,
			 error_r) != 0)
		return -1;
	*list_r = list;
	return 0;
}

int store_questions(struct store *st, const char *meeting, struct store_question **questions_r,
		    size_t *n_r, struct error *error_r)
{
	sqlite3_stmt *s;

	/* one meeting by its own statement: the predicate of all three cases
	 * in one (an OR) kept SQLite from the index on q.meeting, and the
	 * near-duplicate check reads a meeting for every new question */
	if (meeting != NULL && meeting[0] != '\0')
		s = stmt(st,
			 "SELECT " QUESTION_COLUMNS QUESTION_FROM " WHERE q.meeting = ?1"
			 " ORDER BY coalesce(i.number, 1000000), q.id",
			 error_r);
	else
		s = stmt(st,
			 "SELECT " QUESTION_COLUMNS QUESTION_FROM
			 " WHERE ?1 IS NULL OR (?1 = '' AND q.meeting IS NULL)"
			 " ORDER BY q.meeting IS NULL, q.meeting, coalesce(i.number, 1000000), q.id",
			 error_r);
	if (s == NULL)
		return -1;
	bind_text(s, 1, meeting);
	return collect_questions(st, s, questions_r, n_r, error_r);
}

static void read_queued(sqlite3_stmt *s, void *row)
{
	struct store_question *q = row;

	memset(q, 0, sizeof(*q));
	q->id = sqlite3_column_int64(s, 0);
	q->association = col_dup(s, 1);
	q->item = sqlite3_column_int64(s, 2);
	q->text = col_dup(s, 3);
	q->status = xstrdup("queued");
}

int store_meeting_queued(struct store *st, const char *meeting, struct store_question **questions_r,
			 size_t *n_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT q.id, q.association, coalesce(q.item, 0), q.text FROM questions q"
			       " LEFT JOIN items i ON i.id = q.item"
			       " WHERE q.meeting = ?1 AND q.status = 'queued'"
			       " ORDER BY coalesce(i.number, 1000000), q.id",
			       error_r);
	void *list;

	if (s == NULL)
		return -1;
	bind_text(s, 1, meeting);
	if (collect_rows(st, s, sizeof(**questions_r), read_queued, question_clear, &list, n_r,
			 error_r) != 0)
		return -1;
	*questions_r = list;
	return 0;
}

int store_message_questions(struct store *st, int64_t message, struct store_question **questions_r,
			    size_t *n_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT " QUESTION_COLUMNS QUESTION_FROM " WHERE q.message = ?1"
			       " ORDER BY q.seq",
			       error_r);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, message);
	return collect_questions(st, s, questions_r, n_r, error_r);
}

int store_meeting_newest(struct store *st, const char *meeting, time_t *when_r,
			 struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT coalesce(max(m.processed), 0) FROM questions q JOIN messages m"
			       " ON m.id = q.message WHERE q.meeting = ?1 AND q.status <> 'duplicate'",
			       error_r);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, meeting);
	rc = sqlite3_step(s);
	*when_r = rc == SQLITE_ROW ? (time_t)sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_error(st, error_r, "newest question");
	return 0;
}

int store_place_waiting(struct store *st, const char *arrived_until, const char *meeting,
			int *n_r, struct error *error_r)
{
	struct store_question *waiting = NULL;
	size_t n = 0;
	int placed = 0, rc;
	sqlite3_stmt *s;

	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st,
		 "SELECT " QUESTION_COLUMNS QUESTION_FROM
		 " WHERE q.meeting IS NULL AND q.status = 'queued' AND"
		 " date(q.received, 'unixepoch', 'localtime') <= ?1 ORDER BY q.id",
		 error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	bind_text(s, 1, arrived_until);
	rc = collect_questions(st, s, &waiting, &n, error_r);
	for (size_t i = 0; i < n && rc == 0; i++) {
		int64_t item;
		rc = new_item(st, meeting, waiting[i].category, waiting[i].title, &item, error_r);
		if (rc != 0)
			break;
		s = stmt(st, "UPDATE questions SET meeting = ?2, item = ?3 WHERE id = ?1", error_r);
		if (s == NULL) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(s, 1, waiting[i].id);
		bind_text(s, 2, meeting);
		sqlite3_bind_int64(s, 3, item);
		rc = run(st, s, error_r);
		placed++;
	}
	store_questions_free(waiting, n);
	if (rc == 0)
		rc = renumber(st, meeting, error_r);
	if (finish(st, rc, error_r) != 0)
		return -1;
	if (n_r != NULL)
		*n_r = placed;
	return 0;
}

static int meeting_exists(struct store *st, const char *meeting, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT 1 FROM meetings WHERE date = ?1", error_r);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, meeting);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return err_set(error_r, ERR_MESSAGE, "inget möte den %s (agendactl meeting list)",
			       meeting);
	return db_error(st, error_r, "meeting");
}

/* Loads one question by id inside a transaction. */
static int question_get(struct store *st, int64_t id, struct store_question *q_r,
			struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT " QUESTION_COLUMNS QUESTION_FROM " WHERE q.id = ?1",
			       error_r);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_question(s, q_r);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return err_set(error_r, ERR_MESSAGE, "ingen fråga med id %lld", (long long)id);
	return db_error(st, error_r, "question");
}

static int item_size(struct store *st, int64_t item, int *n_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT count(*) FROM questions WHERE item = ?1", error_r);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, item);
	*n_r = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_reset(s);
	return 0;
}

/* Points question q at a new or moved item for (meeting, category): a
 * question alone in its item takes the item along; one that shares an item
 * with others gets an item of its own. */
static int rehome_question(struct store *st, const struct store_question *q, const char *meeting,
			   const char *category, struct error *error_r)
{
	sqlite3_stmt *s;
	int64_t item = q->item;
	int size = 0;

	if (item != 0 && item_size(st, item, &size, error_r) != 0)
		return -1;
	if (item != 0 && size == 1) {
		s = stmt(st, "UPDATE items SET meeting = ?2, category = ?3 WHERE id = ?1", error_r);
		if (s == NULL)
			return -1;
		sqlite3_bind_int64(s, 1, item);
		bind_text(s, 2, meeting);
		bind_text(s, 3, category);
		if (run(st, s, error_r) != 0)
			return -1;
	} else if (new_item(st, meeting, category, q->title, &item, error_r) != 0) {
		return -1;
	}
	s = stmt(st, "UPDATE questions SET meeting = ?2, category = ?3, item = ?4 WHERE id = ?1",
		 error_r);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, q->id);
	bind_text(s, 2, meeting);
	bind_text(s, 3, category);
	sqlite3_bind_int64(s, 4, item);
	return run(st, s, error_r);
}

int store_move_question(struct store *st, int64_t id, const char *meeting, struct error *error_r)
{
	struct store_question q;
	int rc;

	if (begin(st, error_r) != 0)
		return -1;
	rc = meeting_exists(st, meeting, error_r);
	if (rc == 0)
		rc = question_get(st, id, &q, error_r);
	if (rc != 0)
		return finish(st, -1, error_r);
	rc = rehome_question(st, &q, meeting, q.category, error_r);
	question_clear(&q);
	if (rc == 0)
		rc = drop_empty_items(st, error_r);
	if (rc == 0)
		rc = renumber_all(st, error_r);
	return finish(st, rc, error_r);
}

int store_recategorize(struct store *st, int64_t id, const char *category, struct error *error_r)
{
	struct store_question q;
	sqlite3_stmt *s;
	int rc;

	if (begin(st, error_r) != 0)
		return -1;
	if (question_get(st, id, &q, error_r) != 0)
		return finish(st, -1, error_r);
	if (q.meeting != NULL)
		rc = rehome_question(st, &q, q.meeting, category, error_r);
	else {
		s = stmt(st, "UPDATE questions SET category = ?2 WHERE id = ?1", error_r);
		rc = s == NULL ? -1 : (sqlite3_bind_int64(s, 1, id), bind_text(s, 2, category),
				       run(st, s, error_r));
	}
	if (rc == 0) {
		s = stmt(st, "UPDATE questions SET confident = 1, score = 1.0 WHERE id = ?1", error_r);
		rc = s == NULL ? -1 : (sqlite3_bind_int64(s, 1, id), run(st, s, error_r));
	}
	if (rc == 0) {
		s = stmt(st,
			 "INSERT INTO training (text, category, question, created) VALUES (?1, ?2,"
			 " ?3, ?4)",
			 error_r);
		if (s == NULL)
			rc = -1;
		else {
			bind_text(s, 1, q.text);
			bind_text(s, 2, category);
			sqlite3_bind_int64(s, 3, id);
			sqlite3_bind_int64(s, 4, time(NULL));
			rc = run(st, s, error_r);
		}
	}
	question_clear(&q);
	if (rc == 0)
		rc = drop_empty_items(st, error_r);
	if (rc == 0)
		rc = renumber_all(st, error_r);
	return finish(st, rc, error_r);
}

int store_item_set_status(struct store *st, int64_t item, const char *status,
			  struct error *error_r)
{
	sqlite3_stmt *s;
	char *meeting = NULL, *carried = NULL, *next = NULL;
	int rc = 0;

	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st, "SELECT meeting, carried_to FROM items WHERE id = ?1", error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	sqlite3_bind_int64(s, 1, item);
	if (sqlite3_step(s) == SQLITE_ROW) {
		meeting = col_dup(s, 0);
		carried = col_dup(s, 1);
	} else {
		rc = err_set(error_r, ERR_MESSAGE, "ingen punkt med id %lld", (long long)item);
	}
	sqlite3_reset(s);
	if (rc == 0 && strcmp(status, "deferred") == 0) {
		/* carried to the meeting after the one it was last on */
		s = stmt(st, "SELECT min(date) FROM meetings WHERE date > ?1", error_r);
		if (s == NULL)
			rc = -1;
		else {
			bind_text(s, 1, carried != NULL ? carried : meeting);
			if (sqlite3_step(s) == SQLITE_ROW)
				next = col_dup(s, 0);
			sqlite3_reset(s);
			if (next == NULL)
				rc = err_set(error_r, ERR_MESSAGE,
					     "inget senare möte än %s finns; lägg till ett med"
					     " agendactl meeting add",
					     carried != NULL ? carried : meeting);
		}
	}
	if (rc == 0) {
		s = stmt(st, "UPDATE items SET status = ?2, carried_to = coalesce(?3, carried_to)"
			     " WHERE id = ?1",
			 error_r);
		if (s == NULL)
			rc = -1;
		else {
			sqlite3_bind_int64(s, 1, item);
			bind_text(s, 2, status);
			bind_text(s, 3, next);
			rc = run(st, s, error_r);
		}
	}
	free(meeting);
	free(carried);
	free(next);
	return finish(st, rc, error_r);
}

/* ---- the agenda --------------------------------------------------------------- */

static void item_clear(void *row)
{
	struct store_item *it = row;

	free(it->category);
	free(it->heading);
	free(it->title);
	free(it->status);
	free(it->carried_from);
	store_questions_free(it->questions, it->n_questions);
}

static void read_item(sqlite3_stmt *s, void *row)
{
	struct store_item *it = row;

	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(s, 0);
	snprintf(it->meeting, sizeof(it->meeting), "%s", sqlite3_column_text(s, 1));
	it->number = sqlite3_column_int(s, 2);
	it->category = col_dup(s, 3);
	it->heading = col_dup(s, 4);
	it->title = col_dup(s, 5);
	it->status = col_dup(s, 6);
	it->carried_from = col_dup(s, 7);
}

/* Items with their questions (duplicates left out). */
static int load_items(struct store *st, sqlite3_stmt *s, struct store_item **items_r, size_t *n_r,
		      struct error *error_r)
{
	struct store_item *items;
	void *list;
	size_t n;

	if (collect_rows(st, s, sizeof(*items), read_item, item_clear, &list, &n, error_r) != 0)
		return -1;
	items = list;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *q = stmt(st,
				       "SELECT " QUESTION_COLUMNS QUESTION_FROM
				       " WHERE q.item = ?1 AND q.status <> 'duplicate' ORDER BY q.id",
				       error_r);
		if (q == NULL || (sqlite3_bind_int64(q, 1, items[i].id),
				  collect_questions(st, q, &items[i].questions,
						    &items[i].n_questions, error_r)) != 0) {
			for (size_t j = 0; j < n; j++)
				item_clear(&items[j]);
			free(items);
			return -1;
		}
	}
	*items_r = items;
	*n_r = n;
	return 0;
}

#define ITEM_COLUMNS                                                                       \
	"i.id, i.meeting, i.number, i.category, coalesce(c.heading, i.category), i.title," \
	" i.status"

static int load_meeting_row(struct store *st, const char *sql, const char *date,
			    struct store_meeting *m_r, bool *found_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, sql, error_r);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, date);
	rc = sqlite3_step(s);
	*found_r = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		read_meeting(s, 0, m_r);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, error_r, "meeting");
	return 0;
}

int store_load_agenda(struct store *st, const char *meeting, struct store_agenda **agenda_r,
		      struct error *error_r)
{
	struct store_agenda *a = xcalloc(1, sizeof(*a));
	bool found;
	sqlite3_stmt *s;
	int rc;

	if (load_meeting_row(st, "SELECT " MEETING_COLUMNS " FROM meetings WHERE date = ?1",
			     meeting, &a->meeting, &found, error_r) != 0)
		goto fail;
	if (!found) {
		err_set(error_r, ERR_MESSAGE, "inget möte den %s (agendactl meeting list)", meeting);
		goto fail;
	}
	if (load_meeting_row(st,
			     "SELECT " MEETING_COLUMNS " FROM meetings WHERE date < ?1 ORDER BY"
			     " date DESC LIMIT 1",
			     meeting, &a->previous, &a->has_previous, error_r) != 0 ||
	    load_meeting_row(st,
			     "SELECT " MEETING_COLUMNS " FROM meetings WHERE date > ?1 ORDER BY"
			     " date LIMIT 1",
			     meeting, &a->next, &a->has_next, error_r) != 0)
		goto fail;

	s = stmt(st,
		 "SELECT " ITEM_COLUMNS ", i.meeting FROM items i LEFT JOIN categories c ON"
		 " c.id = i.category WHERE i.status = 'deferred' AND i.carried_to = ?1"
		 " ORDER BY i.meeting, i.number",
		 error_r);
	if (s == NULL)
		goto fail;
	bind_text(s, 1, meeting);
	if (load_items(st, s, &a->carried, &a->n_carried, error_r) != 0)
		goto fail;
	for (size_t i = 0; i < a->n_carried; i++)
		a->carried[i].number = (int)i + 1;

	s = stmt(st,
		 "SELECT " ITEM_COLUMNS ", NULL FROM items i LEFT JOIN categories c ON"
		 " c.id = i.category WHERE i.meeting = ?1 ORDER BY i.number",
		 error_r);
	if (s == NULL)
		goto fail;
	bind_text(s, 1, meeting);
	if (load_items(st, s, &a->items, &a->n_items, error_r) != 0)
		goto fail;

	s = stmt(st,
		 "SELECT DISTINCT association FROM questions WHERE meeting = ?1 AND association"
		 " IS NOT NULL AND status <> 'duplicate' ORDER BY association",
		 error_r);
	if (s == NULL)
		goto fail;
	bind_text(s, 1, meeting);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a->associations = xreallocarray(a->associations, a->n_associations + 1,
						sizeof(*a->associations));
		a->associations[a->n_associations++] = col_dup(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		db_error(st, error_r, "associations");
		goto fail;
	}

	s = stmt(st,
		 "SELECT " MESSAGE_COLUMNS " FROM messages WHERE status IN ('unknown-sender',"
		 " 'unparseable') ORDER BY id",
		 error_r);
	if (s == NULL)
		goto fail;
	if (collect_messages(st, s, &a->review_messages, &a->n_review_messages, error_r) != 0)
		goto fail;

	s = stmt(st,
		 "SELECT " QUESTION_COLUMNS QUESTION_FROM
		 " WHERE q.meeting = ?1 AND (q.status = 'held' OR q.confident = 0)"
		 " ORDER BY i.number, q.id",
		 error_r);
	if (s == NULL)
		goto fail;
	bind_text(s, 1, meeting);
	if (collect_questions(st, s, &a->review_questions, &a->n_review_questions, error_r) != 0)
		goto fail;

	/* the notes of the mail between the two meetings, by local day as
	 * questions are placed; a notice sent on the previous meeting's day is
	 * that meeting's */
	s = stmt(st,
		 "SELECT " MESSAGE_COLUMNS " FROM messages WHERE status = 'processed' AND"
		 " association IS NOT NULL AND notes IS NOT NULL AND notes <> '' AND"
		 " date(received, 'unixepoch', 'localtime') <= ?1 AND"
		 " (?2 IS NULL OR date(received, 'unixepoch', 'localtime') > ?2) ORDER BY id",
		 error_r);
	if (s == NULL)
		goto fail;
	bind_text(s, 1, meeting);
	bind_text(s, 2, a->has_previous ? a->previous.date : NULL);
	if (collect_messages(st, s, &a->notes, &a->n_notes, error_r) != 0)
		goto fail;
	*agenda_r = a;
	return 0;
fail:
	store_agenda_free(&a);
	return -1;
}

void store_agenda_free(struct store_agenda **agenda)
{
	struct store_agenda *a = *agenda;

	if (a == NULL)
		return;
	meeting_clear(&a->meeting);
	meeting_clear(&a->previous);
	meeting_clear(&a->next);
	for (size_t i = 0; i < a->n_carried; i++)
		item_clear(&a->carried[i]);
	free(a->carried);
	for (size_t i = 0; i < a->n_items; i++)
		item_clear(&a->items[i]);
	free(a->items);
	for (size_t i = 0; i < a->n_associations; i++)
		free(a->associations[i]);
	free(a->associations);
	store_messages_free(a->review_messages, a->n_review_messages);
	store_questions_free(a->review_questions, a->n_review_questions);
	store_messages_free(a->notes, a->n_notes);
	free(a);
	*agenda = NULL;
}

/* ---- training ------------------------------------------------------------------ */

int store_training(struct store *st, int64_t after_id, store_training_cb *cb, void *ctx,
		   int64_t *last_id_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT id, text, category FROM training WHERE id > ?1 ORDER BY id",
			       error_r);
	int rc;

	*last_id_r = after_id;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*last_id_r = sqlite3_column_int64(s, 0);
		if (cb(ctx, (const char *)sqlite3_column_text(s, 1),
		       (const char *)sqlite3_column_text(s, 2), error_r) != 0) {
			sqlite3_reset(s);
			return -1;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_error(st, error_r, "training");
	return 0;
}

/* ---- outbox --------------------------------------------------------------------- */

int store_outbox_queue(struct store *st, const struct store_outgoing *mails, size_t n_mails,
		       int64_t ack_for, const char *draft_for, bool updated, struct error *error_r)
{
	sqlite3_stmt *s;
	time_t now = time(NULL);
	int rc = 0;

	if (begin(st, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n_mails && rc == 0; i++) {
		const struct store_outgoing *m = &mails[i];
		s = stmt(st,
			 "INSERT INTO outbox (kind, message_id, mail_from, rcpt, subject, raw, created,"
			 " next_attempt, meeting, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7,"
			 " ?8, ?9)",
			 error_r);
		if (s == NULL) {
			rc = -1;
			break;
		}
		bind_text(s, 1, m->kind);
		bind_text(s, 2, m->message_id);
		bind_text(s, 3, m->mail_from);
		bind_text(s, 4, m->rcpt);
		bind_text(s, 5, m->subject);
		sqlite3_bind_blob64(s, 6, m->raw, m->raw_size, SQLITE_STATIC);
		sqlite3_bind_int64(s, 7, now);
		bind_text(s, 8, m->meeting);
		bind_id(s, 9, m->message);
		rc = run(st, s, error_r);
	}
	if (rc == 0 && ack_for != 0) {
		s = stmt(st, "UPDATE messages SET ack = 'queued' WHERE id = ?1 AND ack = 'pending'",
			 error_r);
		rc = s == NULL ? -1 : (sqlite3_bind_int64(s, 1, ack_for), run(st, s, error_r));
		/* rule 5: a second queueing of the same ack must not happen */
		if (rc == 0 && sqlite3_changes(st->db) != 1)
			rc = err_set(error_r, ERR_FATAL,
				     "database %s: acknowledgement of message %lld is not pending",
				     st->path, (long long)ack_for);
	}
	if (rc == 0 && draft_for != NULL) {
		s = stmt(st,
			 "UPDATE meetings SET draft_sent = CASE WHEN ?2 THEN coalesce(draft_sent, ?3)"
			 " ELSE ?3 END, draft_updated = CASE WHEN ?2 THEN ?3 ELSE draft_updated END"
			 " WHERE date = ?1",
			 error_r);
		if (s == NULL)
			rc = -1;
		else {
			bind_text(s, 1, draft_for);
			sqlite3_bind_int(s, 2, updated);
			sqlite3_bind_int64(s, 3, now);
			rc = run(st, s, error_r);
		}
	}
	return finish(st, rc, error_r);
}

int store_ack_pending(struct store *st, struct store_message **messages_r, size_t *n_r,
		      struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT " MESSAGE_COLUMNS " FROM messages WHERE ack = 'pending'"
			       " ORDER BY id",
			       error_r);

	if (s == NULL)
		return -1;
	return collect_messages(st, s, messages_r, n_r, error_r);
}

int store_ack_skip(struct store *st, int64_t message, const char *reason, struct error *error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st, "UPDATE messages SET ack = 'skipped', ack_reason = ?2 WHERE id = ?1", error_r);
	rc = s == NULL ? -1
		       : (sqlite3_bind_int64(s, 1, message), bind_text(s, 2, reason),
			  run(st, s, error_r));
	return finish(st, rc, error_r);
}

int store_last_ack_to(struct store *st, const char *addr, time_t *when_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT max(created) FROM outbox WHERE kind = 'ack' AND rcpt = ?1"
			       " COLLATE NOCASE",
			       error_r);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, addr);
	rc = sqlite3_step(s);
	*when_r = rc == SQLITE_ROW ? (time_t)sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, error_r, "last acknowledgement");
	return 0;
}

#define OUTBOX_COLUMNS                                                                       \
	"id, kind, message_id, mail_from, rcpt, subject, status, attempts, created,"       \
	" next_attempt, coalesce(sent, 0), last_error, meeting, coalesce(message, 0)"

static void read_outbox(sqlite3_stmt *s, struct store_outbox_row *r, bool with_raw)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->kind = col_dup(s, 1);
	r->message_id = col_dup(s, 2);
	r->mail_from = col_dup(s, 3);
	r->rcpt = col_dup(s, 4);
	r->subject = col_dup(s, 5);
	r->status = col_dup(s, 6);
	r->attempts = sqlite3_column_int(s, 7);
	r->created = (time_t)sqlite3_column_int64(s, 8);
	r->next_attempt = (time_t)sqlite3_column_int64(s, 9);
	r->sent = (time_t)sqlite3_column_int64(s, 10);
	r->last_error = col_dup(s, 11);
	r->meeting = col_dup(s, 12);
	r->message = sqlite3_column_int64(s, 13);
	if (with_raw) {
		int n = sqlite3_column_bytes(s, 14);
		r->raw = xmalloc((size_t)n + 1);
		if (n > 0)
			memcpy(r->raw, sqlite3_column_blob(s, 14), (size_t)n);
		r->raw[n] = '\0';
		r->raw_size = (size_t)n;
	}
}

static void outbox_clear(void *row)
{
	struct store_outbox_row *r = row;

	free(r->kind);
	free(r->message_id);
	free(r->mail_from);
	free(r->rcpt);
	free(r->subject);
	free(r->status);
	free(r->last_error);
	free(r->meeting);
	free(r->raw);
}

void store_outbox_rows_free(struct store_outbox_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outbox_clear(&rows[i]);
	free(rows);
}

static void outbox_row(sqlite3_stmt *s, void *row)
{
	read_outbox(s, row, false);
}

static void outbox_row_raw(sqlite3_stmt *s, void *row)
{
	read_outbox(s, row, true);
}

static int collect_outbox(struct store *st, sqlite3_stmt *s, bool with_raw,
			  struct store_outbox_row **rows_r, size_t *n_r, struct error *error_r)
{
	void *list;

	if (collect_rows(st, s, sizeof(**rows_r), with_raw ? outbox_row_raw : outbox_row,
			 outbox_clear, &list, n_r, error_r) != 0)
		return -1;
	*rows_r = list;
	return 0;
}

int store_outbox_due(struct store *st, time_t now, struct store_outbox_row **rows_r, size_t *n_r,
		     struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT " OUTBOX_COLUMNS ", raw FROM outbox WHERE status = 'queued'"
			       " AND next_attempt <= ?1 ORDER BY id",
			       error_r);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	return collect_outbox(st, s, true, rows_r, n_r, error_r);
}

int store_outbox_list(struct store *st, const char *status, struct store_outbox_row **rows_r,
		      size_t *n_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE ?1 IS NULL OR status = ?1"
			       " ORDER BY id DESC",
			       error_r);

	if (s == NULL)
		return -1;
	bind_text(s, 1, status);
	return collect_outbox(st, s, false, rows_r, n_r, error_r);
}

int store_outbox_transition(struct store *st, int64_t id, const char *from, const char *to,
			    int attempts, time_t next_attempt, const char *last_error,
			    struct error *error_r)
{
	sqlite3_stmt *s;
	int rc;

	/* the diagram of outbox.c: these are the only transitions */
	assert((strcmp(from, "queued") == 0 && strcmp(to, "sending") == 0) ||
	       (strcmp(from, "sending") == 0 &&
		(strcmp(to, "sent") == 0 || strcmp(to, "queued") == 0 || strcmp(to, "failed") == 0)));
	if (begin(st, error_r) != 0)
		return -1;
	s = stmt(st,
		 "UPDATE outbox SET status = ?3, attempts = ?4, next_attempt = ?5,"
		 " last_error = ?6, sent = CASE WHEN ?3 = 'sent' THEN ?7 ELSE sent END"
		 " WHERE id = ?1 AND status = ?2",
		 error_r);
	if (s == NULL)
		return finish(st, -1, error_r);
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, from);
	bind_text(s, 3, to);
	sqlite3_bind_int(s, 4, attempts);
	sqlite3_bind_int64(s, 5, next_attempt);
	bind_text(s, 6, last_error);
	sqlite3_bind_int64(s, 7, time(NULL));
	rc = run(st, s, error_r);
	if (rc == 0 && sqlite3_changes(st->db) != 1)
		rc = err_set(error_r, ERR_FATAL, "database %s: outbox row %lld is not %s", st->path, (long long)id,
			     from);
	return finish(st, rc, error_r);
}

/* ---- state, counts, personal data ------------------------------------------------ */

int store_state_set(struct store *st, const char *key, const char *value, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "INSERT INTO state (key, value) VALUES (?1, ?2) ON CONFLICT (key)"
			       " DO UPDATE SET value = ?2",
			       error_r);

	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	/* autocommit: a status line, not a commit point of the data flow */
	return run(st, s, error_r);
}

int store_state_get(struct store *st, const char *key, char **value_r, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT value FROM state WHERE key = ?1", error_r);
	int rc;

	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	*value_r = rc == SQLITE_ROW ? col_dup(s, 0) : NULL;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, error_r, "state");
	return 0;
}

int store_model_get(struct store *st, const char *key, void **blob_r, size_t *size_r,
		    struct error *error_r)
{
	sqlite3_stmt *s = stmt(st, "SELECT blob FROM model_cache WHERE key = ?1", error_r);
	int rc;

	*blob_r = NULL;
	*size_r = 0;
	if (s == NULL)
		return -1;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(s, 0);
		const void *data = sqlite3_column_blob(s, 0);

		*blob_r = xmalloc(n > 0 ? n : 1);
		if (n > 0)
			memcpy(*blob_r, data, n);
		*size_r = n;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, error_r, "model cache");
	return 0;
}

int store_model_put(struct store *st, const char *key, const void *blob, size_t size,
		    struct error *error_r)
{
	sqlite3_stmt *del, *ins;

	assert(!st->batch); /* its own transaction, at loading */
	if (begin(st, error_r) != 0)
		return -1;
	del = stmt(st, "DELETE FROM model_cache", error_r);
	if (del == NULL || run(st, del, error_r) != 0)
		goto fail;
	ins = stmt(st, "INSERT INTO model_cache (key, created, blob) VALUES (?1, ?2, ?3)",
		   error_r);
	if (ins == NULL)
		goto fail;
	bind_text(ins, 1, key);
	sqlite3_bind_int64(ins, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_blob64(ins, 3, blob, size, SQLITE_STATIC);
	if (run(st, ins, error_r) != 0)
		goto fail;
	/* a cache, not a commit point of the data flow: not counted */
	if (exec(st, "COMMIT", error_r) != 0)
		goto fail;
	return 0;
fail:
	rollback(st);
	return -1;
}

int store_counts(struct store *st, struct store_counts *c, struct error *error_r)
{
	sqlite3_stmt *s = stmt(st,
			       "SELECT (SELECT count(*) FROM messages),"
			       " (SELECT count(*) FROM messages WHERE status IN ('unknown-sender',"
			       " 'unparseable')),"
			       " (SELECT count(*) FROM questions WHERE status <> 'duplicate'),"
			       " (SELECT count(*) FROM questions WHERE meeting IS NULL AND"
			       " status = 'queued'),"
			       " (SELECT count(*) FROM outbox WHERE status = 'queued'),"
			       " (SELECT count(*) FROM outbox WHERE status = 'failed'),"
			       " (SELECT count(*) FROM outbox WHERE status = 'sending')",
			       error_r);

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return db_error(st, error_r, "counts");
	}
	c->messages = sqlite3_column_int(s, 0);
	c->held = sqlite3_column_int(s, 1);
	c->questions = sqlite3_column_int(s, 2);
	c->waiting = sqlite3_column_int(s, 3);
	c->outbox_queued = sqlite3_column_int(s, 4);
	c->outbox_failed = sqlite3_column_int(s, 5);
	c->outbox_sending = sqlite3_column_int(s, 6);
	sqlite3_reset(s);
	return 0;
}

/* A message of messages (the outer row) whose mail is past the retention
 * (?1: the first day kept) and none of whose questions is still current. */
#define EXPIRED_MESSAGE                                                                      \
	" status <> 'new' AND date(received, 'unixepoch', 'localtime') < ?1 AND NOT EXISTS"  \
	" (SELECT 1 FROM questions q WHERE q.message = messages.id AND"                       \
	" coalesce(q.meeting, '9999-12-31') >= ?1)"

int store_expire(struct store *st, const char *before_day, int *n_r, struct error *error_r)
{
	sqlite3_stmt *s;
	int rc, n = 0;

	if (begin(st, error_r) != 0)
		return -1;
	/* question texts of meetings long past: the agenda history keeps the
	 * item titles, categories and associations the minutes need */
	s = stmt(st,
		 "UPDATE questions SET text = '', evidence = NULL, attachments = NULL"
		 " WHERE text <> '' AND coalesce(meeting, date(received, 'unixepoch', 'localtime'))"
		 " < ?1",
		 error_r);
	rc = s == NULL ? -1 : (bind_text(s, 1, before_day), run(st, s, error_r));
	n += sqlite3_changes(st->db);
	if (rc == 0) {
		/* raw mail and sender details of messages none of whose questions is
		 * still current */
		s = stmt(st,
			 "UPDATE messages SET from_name = NULL, subject = NULL, from_addr = NULL,"
			 " notes = NULL WHERE id IN (SELECT message FROM message_raw) AND" EXPIRED_MESSAGE,
			 error_r);
		rc = s == NULL ? -1 : (bind_text(s, 1, before_day), run(st, s, error_r));
		n += sqlite3_changes(st->db);
	}
	if (rc == 0) {
		/* the same messages (their sender is gone now); not counted twice */
		s = stmt(st,
			 "DELETE FROM message_raw WHERE message IN (SELECT id FROM messages WHERE"
			 EXPIRED_MESSAGE ")",
			 error_r);
		rc = s == NULL ? -1 : (bind_text(s, 1, before_day), run(st, s, error_r));
	}
	if (rc == 0) {
		s = stmt(st,
			 "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND"
			 " date(created, 'unixepoch', 'localtime') < ?1",
			 error_r);
		rc = s == NULL ? -1 : (bind_text(s, 1, before_day), run(st, s, error_r));
		n += sqlite3_changes(st->db);
	}
	if (finish(st, rc, error_r) != 0)
		return -1;
	if (n_r != NULL)
		*n_r = n;
	return 0;
}

int store_erase_address(struct store *st, const char *addr, int *n_r, struct error *error_r)
{
	static const char *const deletes[] = {
		"DELETE FROM training WHERE question IN (SELECT q.id FROM questions q JOIN"
		" messages m ON m.id = q.message WHERE m.from_addr = ?1 COLLATE NOCASE)",
		"DELETE FROM outbox WHERE rcpt = ?1 COLLATE NOCASE OR message IN (SELECT id FROM"
		" messages WHERE from_addr = ?1 COLLATE NOCASE)",
		"DELETE FROM questions WHERE message IN (SELECT id FROM messages WHERE"
		" from_addr = ?1 COLLATE NOCASE)",
		"DELETE FROM messages WHERE from_addr = ?1 COLLATE NOCASE",
		/* not processed yet, so no from_addr: the raw header is all there is */
		"DELETE FROM messages WHERE from_addr IS NULL AND id IN (SELECT message FROM"
		" message_raw WHERE instr(lower(CAST(raw AS TEXT)), lower(?1)) > 0)",
	};
	int rc = 0, n = 0;

	if (begin(st, error_r) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(deletes) / sizeof(deletes[0]) && rc == 0; i++) {
		sqlite3_stmt *s = stmt(st, deletes[i], error_r);
		rc = s == NULL ? -1 : (bind_text(s, 1, addr), run(st, s, error_r));
		n += sqlite3_changes(st->db);
	}
	if (rc == 0)
		rc = drop_empty_items(st, error_r);
	if (rc == 0)
		/* an item that another association joined keeps no title of hers */
		rc = exec(st,
			  "UPDATE items SET title = (SELECT q.title FROM questions q WHERE"
			  " q.item = items.id ORDER BY q.id LIMIT 1) WHERE EXISTS (SELECT 1 FROM"
			  " questions q WHERE q.item = items.id)",
			  error_r);
	if (rc == 0)
		rc = renumber_all(st, error_r);
	if (rc == 0) {
		/* the record of the erasure keeps when and how much, never whom */
		sqlite3_stmt *s = stmt(st, "INSERT INTO erasures (at, rows) VALUES (?1, ?2)",
				       error_r);
		rc = s == NULL ? -1
			       : (sqlite3_bind_int64(s, 1, time(NULL)), sqlite3_bind_int(s, 2, n),
				  run(st, s, error_r));
	}
	if (finish(st, rc, error_r) != 0)
		return -1;
	if (n_r != NULL)
		*n_r = n;
	return 0;
}

int store_backup(struct store *st, const char *path, struct error *error_r)
{
	sqlite3 *dest = NULL;
	sqlite3_backup *b;
	int fd, rc;

	/* O_EXCL: never overwrite a file someone else owns; 0600: it is personal data */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(error_r, ERR_FATAL, "backup %s: %s", path, strerror(errno));
	close(fd);
	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set(error_r, ERR_FATAL, "backup %s: %s", path,
			dest ? sqlite3_errmsg(dest) : "out of memory");
		sqlite3_close(dest);
		unlink(path);
		return -1;
	}
	b = sqlite3_backup_init(dest, "main", st->db, "main");
	if (b == NULL) {
		err_set(error_r, ERR_FATAL, "backup %s: %s", path, sqlite3_errmsg(dest));
		sqlite3_close(dest);
		unlink(path);
		return -1;
	}
	/* in steps, so that the daemon is never locked out for long */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		err_set(error_r, ERR_FATAL, "backup %s: %s", path, sqlite3_errstr(rc));
		sqlite3_close(dest);
		unlink(path);
		return -1;
	}
	sqlite3_close(dest);
	return 0;
}

#!/usr/bin/env bash
# t_model.sh - the classifier fitted to the shipped training set is kept in the
# database (table model_cache, schema version 2) so that a start does not fit it
# again, and the cache never changes what agendactl classify answers:
#   1. a new database: the model is fitted and stored (one row, keyed by the
#      SHA-256 of the format version, categories.conf, the council's name and
#      training.tsv)
#   2. the next start loads it: the same answers, no warning, the row unchanged
#   3. a damaged row (a byte changed, cut short, empty, another format version): refused with a warning,
#      fitted anew, the same answers, and the row replaced by a sound one
#   4. another training.tsv: another key, the row replaced, not added to; and
#      another council name (taken out of the training texts too): another key
#   5. a schema version 1 database (before the cache) is migrated to the current
#      version (4: the notes for the secretary came last) with its
#      data kept
#   6. a database that cannot be written: classify still answers (the cache is
#      only time) with a warning that it cannot be stored
# The secretary's corrections on top of a loaded model: t_meetings.sh step 8.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init model
command -v sqlite3 >/dev/null || fatal "sqlite3 missing (make deps installs it)"
DB=$T_DIR/cfg/agendad.db
mkdir -p "$T_DIR/cfg"
printf 'hemligt\n' >"$T_DIR/pw"
# no servers: classify needs only the configuration and the database
PASSWORD_FILE=$T_DIR/pw IMAPS_URL=imaps://127.0.0.1:1 MAIL_LOGIN=lss@exempelstad.example \
	CAFILE=/etc/ssl/certs/ca-certificates.crt SMTP_URL=smtp://127.0.0.1:2 \
	write_conf "$T_DIR/cfg/agendad.conf"

# every 7th labelled question of the test data, one per line
QUESTIONS=$T_DIR/questions.txt
cat "$T_ROOT"/tests/data/classify/*.tsv | grep -v '^#' | awk -F'\t' 'NR % 7 == 0 { print $2 }' \
	>"$QUESTIONS"
NQ=$(wc -l <"$QUESTIONS")
[ "$NQ" -ge 50 ] || fatal "only $NQ questions from tests/data/classify"

classify() { # classify LOG: agendactl classify of $QUESTIONS
	actl "$1" classify <"$QUESTIONS"
	expect_rc 0 $? "agendactl classify ($1)"
}
row() { sqlite3 "$DB" "SELECT key || ' ' || length(blob) || ' ' || created FROM model_cache"; }
rows() { sqlite3 "$DB" "SELECT count(*) FROM model_cache"; }
same_answers() { # same_answers LOG MSG
	if cmp -s "$T_DIR/log/fit.out" "$T_DIR/log/$1.out"; then
		pass "$2: the same answers as the fit"
	else
		fail "$2: other answers than the fit ($(diff "$T_DIR/log/fit.out" "$T_DIR/log/$1.out" | head -3))"
	fi
}
no_warning() { # no_warning LOG MSG
	if grep -q 'model' "$T_DIR/log/$1.err"; then
		fail "$2: $(grep 'model' "$T_DIR/log/$1.err" | head -1)"
	else
		pass "$2: no warning about the model"
	fi
}

# 1. a new database
classify fit
[ "$(wc -l <"$T_DIR/log/fit.out")" = "$NQ" ] && pass "an answer per question" ||
	fail "$(wc -l <"$T_DIR/log/fit.out") answers for $NQ questions"
no_warning fit "first start"
[ "$(rows)" = 1 ] && pass "the fitted model is stored" || fail "$(rows) rows in model_cache"
KEY=$(sqlite3 "$DB" "SELECT key FROM model_cache")
[[ "$KEY" =~ ^[0-9a-f]{64}$ ]] && pass "its key is a SHA-256" || fail "key '$KEY'"
SIZE=$(sqlite3 "$DB" "SELECT length(blob) FROM model_cache")
[ "$SIZE" -gt 10000 ] && pass "the model has $SIZE bytes" || fail "the model has $SIZE bytes"
ROW1=$(row)

# 2. the next start loads it
classify load
same_answers load "loaded model"
no_warning load "loaded model"
[ "$(row)" = "$ROW1" ] && pass "the stored row is left as it was" || fail "row changed: $(row)"

# 3. damaged rows
damage() { # damage NAME PYTHON-EXPRESSION-OF-b-FOR-THE-NEW-BLOB
	"$PY" - "$DB" "$2" <<'EOF' || fatal "damaging the model ($1)"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
b = bytearray(db.execute("SELECT blob FROM model_cache").fetchone()[0])
db.execute("UPDATE model_cache SET blob = ?", (bytes(eval(sys.argv[2])),))
db.commit()
EOF
	classify "$1"
	same_answers "$1" "$1"
	if grep -q 'stored model is refused' "$T_DIR/log/$1.err"; then
		pass "$1: refused with a warning"
	else
		fail "$1: no warning that the stored model is refused"
	fi
	[ "$(rows)" = 1 ] && [ "$(sqlite3 "$DB" "SELECT length(blob) FROM model_cache")" = "$SIZE" ] &&
		pass "$1: replaced by a sound model" || fail "$1: model_cache now $(row)"
	classify "$1-again"
	no_warning "$1-again" "$1, the start after"
	same_answers "$1-again" "$1, the start after"
}
# one byte in the middle changed (the checksum at the end catches it), cut short, empty
damage changed 'b[:len(b) // 2] + bytes([b[len(b) // 2] ^ 1]) + b[len(b) // 2 + 1:]'
damage truncated 'b[:-100]'
damage empty 'b""'
# a newer format version (the head: 8 bytes of magic, then the version)
damage version 'b[:8] + bytes([b[8] + 1]) + b[9:]'

# 4. another training set
mkdir -p "$T_DIR/data"
cp "$AGENDAD_BUILD/share/training.tsv" "$T_DIR/data/training.tsv"
printf 'resor\tFärdtjänstens kundtjänst svarar inte på kvällarna\n' >>"$T_DIR/data/training.tsv"
AGENDAD_DATADIR=$T_ROOT/config:$T_DIR/data actl other classify <"$QUESTIONS"
expect_rc 0 $? "classify with another training.tsv"
KEY2=$(sqlite3 "$DB" "SELECT key FROM model_cache")
[ "$(rows)" = 1 ] && [ "$KEY2" != "$KEY" ] && pass "another training set: another key, one row" ||
	fail "another training set: $(rows) rows, key $KEY2"
grep -q 'refused' "$T_DIR/log/other.err" && fail "another training set is refused, not a miss" ||
	pass "another training set is a miss, not a refusal"

# 4b. another council: its name is taken out of the training texts too, so it is another fit
sed 's/^name = .*/name = Funktionshinderrådet/' "$CONF" >"$T_DIR/cfg/council.conf"
grep -q '^name = Funktionshinderrådet' "$T_DIR/cfg/council.conf" || fatal "no [council] name to change"
CONF=$T_DIR/cfg/council.conf actl council classify <"$QUESTIONS"
expect_rc 0 $? "classify with another council name"
KEY3=$(sqlite3 "$DB" "SELECT key FROM model_cache")
[ "$(rows)" = 1 ] && [ "$KEY3" != "$KEY2" ] && pass "another council name: another key, one row" ||
	fail "another council name: $(rows) rows, key $KEY3 (was $KEY2)"

# 5. a database of schema version 1 (no model cache, the raw mail in messages.raw)
sqlite3 "$DB" "DROP TABLE model_cache; DROP TABLE message_raw; ALTER TABLE messages DROP COLUMN notes;
	ALTER TABLE messages ADD COLUMN raw BLOB; PRAGMA user_version = 1;
	INSERT INTO state (key, value) VALUES ('probe', 'kvar');
	INSERT INTO messages (mailbox, uidvalidity, uid, raw_hash, size, received, imported, raw)
	VALUES ('INBOX', 1, 1, '-', 5, 0, 0, X'68656A0D0A')" || fatal "making a v1 database"
classify v1
same_answers v1 "schema version 1"
[ "$(sqlite3 "$DB" "PRAGMA user_version")" = 5 ] && pass "migrated to schema version 5" ||
	fail "schema version $(sqlite3 "$DB" "PRAGMA user_version") after the migration"
[ "$(sqlite3 "$DB" "SELECT value FROM state WHERE key = 'probe'")" = kvar ] &&
	pass "the migration keeps the data" || fail "the migration lost the state row"
[ "$(sqlite3 "$DB" "SELECT hex(r.raw) FROM messages m JOIN message_raw r ON r.message = m.id
	WHERE m.uid = 1")" = 68656A0D0A ] && pass "the migration moves the raw mail to message_raw" ||
	fail "the raw mail was not moved to message_raw"
sqlite3 "$DB" "SELECT raw FROM messages" >/dev/null 2>&1 &&
	fail "messages still has its raw column" || pass "messages has no raw column any more"
[ "$(rows)" = 1 ] && pass "the migrated database has the model" || fail "$(rows) models"

# 6. a database that cannot be written (the cache is refused by a trigger)
sqlite3 "$DB" "DELETE FROM model_cache; CREATE TRIGGER no_cache BEFORE INSERT ON model_cache
	BEGIN SELECT RAISE(ABORT, 'read-only for the test'); END" || fatal "trigger"
classify unwritable
same_answers unwritable "a cache that cannot be written"
grep -q 'model cannot be stored' "$T_DIR/log/unwritable.err" && pass "a warning that it cannot be stored" ||
	fail "no warning that the model cannot be stored"
t_done

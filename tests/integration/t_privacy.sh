#!/usr/bin/env bash
# t_privacy.sh - personal data (issue 7, GDPR): retention, erasure, backup, file modes,
# secrets and logs, against a real database with agendad running as a daemon on the
# harness's Dovecot and SMTP sink, agendactl working beside it, and the SQLite file
# read with sqlite3 afterwards.
#
#   retention  retention_days = 30; a question sent for a meeting 60 days ago: at the end
#              of the daemon's cycle its text, the raw mail, sender and subject are gone,
#              the agenda item's title (what the minutes need) is kept; a current mail is
#              untouched
#   erase      `agendactl erase --address` (in other case) while the daemon runs: no
#              message, question, item or outbox row of the sender is left, the erasures
#              table records when and how many rows and nothing else, the daemon goes on
#              importing; after the daemon stopped, neither the address nor the words of
#              the mail are anywhere in the database file (secure_delete)
#   backup     `agendactl backup FILE` while the daemon imports 200 mails: mode 0600,
#              integrity_check ok, no foreign key errors, the IMAP watermark consistent
#              with the rows (one transaction); an existing FILE is refused; a backup
#              taken when the daemon is idle has the same rows as the live database
#   modes      database, its WAL and lock file 0600; a secret readable by others is
#              refused (exit 78) with a reason
#   logs       nothing in agendad's or agendactl's log (default level) holds the
#              password or a sentence of a mail body
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init privacy
DAEMON_PID=""
daemon_kill() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	DAEMON_PID=""
}
trap 'rc_=$?; daemon_kill; (exit $rc_); t_cleanup' EXIT
command -v sqlite3 >/dev/null || fatal "sqlite3 missing (apt-get install sqlite3)"

mkmail() { # mkmail FILE FROM DATE SUBJECT BODY: plain UTF-8, CRLF
	"$PY" - "$@" <<'EOF'
import email.header, hashlib, sys
path, frm, date, subject, body = sys.argv[1:6]
mid = hashlib.sha1((frm + date + subject).encode()).hexdigest()[:16]
head = ["Date: " + date, "From: " + frm, "To: lss-samverkan@exempelstad.example",
        "Message-ID: <%s@t-privacy.example>" % mid,
        "Subject: " + email.header.Header(subject, "utf-8").encode(),
        "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit"]
open(path, "wb").write(("\r\n".join(head) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode())
EOF
}
rfc_date() { TZ=Europe/Stockholm date -R -d "$1"; }
q() { sqlite3 -batch -noheader "$DB" "$@"; } # one query against the live database
mode_of() { stat -c %a "$1"; }

# wait_for SECONDS SQL WANT: until the query prints WANT
wait_for() {
	local t=$(($1 * 5)) got
	while got=$(q "$2" 2>/dev/null); [ "$got" != "$3" ]; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.2
	done
}

mail_start mail
mail_use mail
write_conf "$T_DIR/agendad.conf"
sed -i 's/^retention_days = .*/retention_days = 30/' "$CONF"
grep -q '^retention_days = 30$' "$CONF" || fatal "could not set retention_days"
DB=$T_DIR/agendad.db
PAST=$(day_plus -60) FUTURE=$(day_plus 21)
actl m1 meeting add "$PAST" 17:00 --place "Stadshuset"
expect_rc 0 $? "meeting add $PAST (60 days ago)"
actl m2 meeting add "$FUTURE" 17:00 --place "Stadshuset"
expect_rc 0 $? "meeting add $FUTURE"

# Three mails with words that appear nowhere else: the old one (for the past meeting,
# sent before its cutoff), the one to erase (a FUB member), and one that must stay.
OLD_WORDS="Saga Lindholm har svår epilepsi"
ERASE_WORDS="Olof Rademark väntar fortfarande"
# FUB by its @domain; an address genmail.py never writes from
ERASE_ADDR=per.rademark@fubexempelstad.example
KEEP_WORDS="Granhagens gruppbostad saknar personal"
mkdir -p "$T_DIR/mails"
mkmail "$T_DIR/mails/old.eml" "Berit Holm <berit.holm@fubexempelstad.example>" \
	"$(rfc_date '-70 days')" "Fråga om korttidsvistelse" \
	"Hej!

Vår dotter $OLD_WORDS och har inte fått någon korttidsvistelse sedan i våras. Varför har kommunen inte tillräckligt med platser på korttidsboendet?

Hälsningar
Berit Holm"
mkmail "$T_DIR/mails/erase.eml" "Per Rademark <$ERASE_ADDR>" \
	"$(rfc_date '-1 day')" "Ledsagarservice" \
	"Hej,

Min son $ERASE_WORDS på beslut om ledsagarservice efter fyra månader. Hur lång är handläggningstiden för ledsagarservice just nu?

Mvh Per Rademark"
mkmail "$T_DIR/mails/keep.eml" "Sara Ek <sara.ek@autism-exempelstad.example>" \
	"$(rfc_date '-1 day')" "Bemanning i boende" \
	"Hej,

$KEEP_WORDS på kvällarna. Hur ska kommunen säkra bemanningen i gruppbostäderna?

Sara Ek"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR"/mails/{old,erase,keep}.eml \
	>/dev/null || fatal "could not load the mails"

"$AGENDAD_BUILD/agendad" -c "$CONF" >"$T_DIR/log/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 30 "SELECT count(*) FROM messages WHERE status = 'processed'" 3 ||
	fatal "agendad did not process the 3 mails within 30 s"
wait_mails 2 30 || fail "the acknowledgements did not reach the sink"

# --- retention: at the end of the cycle that imported them ------------------------------
OLD_ID=$(q "SELECT id FROM messages WHERE message_id LIKE '%t-privacy.example' AND received < strftime('%s', 'now', '-60 days')")
[ -n "$OLD_ID" ] || fatal "the old mail is not in the database"
# the expiry runs after delivery in the same cycle
if wait_for 30 "SELECT count(*) FROM message_raw WHERE message = $OLD_ID" 0; then
	pass "retention: the raw mail of a question for a meeting 60 days ago is removed"
else
	fail "retention: the old mail's raw bytes are still stored"
fi
[ "$(q "SELECT count(*) FROM messages WHERE id = $OLD_ID AND from_addr IS NULL AND from_name IS NULL AND subject IS NULL")" = 1 ] &&
	pass "retention: sender and subject of the old mail removed" ||
	fail "retention: the old mail keeps sender or subject"
[ "$(q "SELECT count(*) FROM questions WHERE message = $OLD_ID AND text <> ''")" = 0 ] &&
	pass "retention: the old question's text is removed" ||
	fail "retention: the old question's text is still stored"
[ "$(q "SELECT count(*) FROM questions q JOIN items i ON i.id = q.item WHERE q.message = $OLD_ID AND q.meeting = '$PAST' AND i.title <> ''")" = 1 ] &&
	pass "retention: the agenda item of the past meeting keeps its title" ||
	fail "retention: the past meeting's agenda item or its title is gone"
[ "$(q "SELECT count(*) FROM messages WHERE id <> $OLD_ID AND id IN (SELECT message FROM message_raw) AND from_addr IS NOT NULL")" = 2 ] &&
	pass "retention: the current mails are untouched" ||
	fail "retention: a current mail lost data"
if q "SELECT text FROM questions" | grep -qF "$KEEP_WORDS"; then
	pass "retention: the current question keeps its text"
else
	fail "retention: the current question's text is gone"
fi

# --- erase, while the daemon runs -------------------------------------------------------
n_before=$(q "SELECT count(*) FROM messages WHERE from_addr = '$ERASE_ADDR'")
[ "$n_before" = 1 ] || fail "erase: want 1 message from $ERASE_ADDR before erasing, got $n_before"
[ "$(q "SELECT count(*) FROM outbox WHERE rcpt = '$ERASE_ADDR'")" = 1 ] ||
	fail "erase: want the acknowledgement to $ERASE_ADDR in the outbox before erasing"
actl erase erase --address "Per.Rademark@FUBexempelstad.example"
expect_rc 0 $? "agendactl erase --address (other case) while agendad runs"
for t in messages questions outbox; do
	n=$(sqlite3 "$DB" ".dump $t" | grep -ci "rademark")
	[ "$n" = 0 ] && pass "erase: no row of $t mentions the sender" ||
		fail "erase: $n line(s) of $t still mention the sender"
done
if sqlite3 "$DB" .dump | grep -qF "$ERASE_WORDS"; then
	fail "erase: the words of the erased mail are still in the database"
else
	pass "erase: the words of the erased mail are nowhere in the database"
fi
[ "$(q "SELECT count(*) FROM items WHERE meeting = '$FUTURE'")" = 1 ] &&
	pass "erase: only the other association's agenda item is left for $FUTURE" ||
	fail "erase: want 1 item for $FUTURE after erasing, got $(q "SELECT count(*) FROM items WHERE meeting = '$FUTURE'")"
n_rows=$(grep -o '^[0-9]*' "$T_DIR/log/erase.out")
[ "$(q "SELECT count(*) FROM erasures WHERE rows = ${n_rows:-0} AND rows > 0 AND at >= strftime('%s', 'now', '-1 hour')")" = 1 ] &&
	pass "erase: recorded when and how many rows ($n_rows), as agendactl said" ||
	fail "erase: no erasures row for the $n_rows rows agendactl reported"
[ "$(q "SELECT group_concat(name) FROM pragma_table_info('erasures')")" = "id,at,rows" ] &&
	pass "erase: the record holds no column for whom" ||
	fail "erase: erasures has columns $(q "SELECT group_concat(name) FROM pragma_table_info('erasures')")"
actl erase-bad erase --address "not-an-address"
rc=$?
[ $rc -ne 0 ] && pass "erase refuses a value that is not an address (exit $rc)" ||
	fail "erase accepted 'not-an-address'"

# --- backup, while the daemon imports ----------------------------------------------------
"$PY" "$T_HARNESS/genmail.py" --meeting "$FUTURE" --until "$(day_plus 0)" --weeks 2 \
	"$T_DIR/gen" 200 >/dev/null || fatal "genmail.py failed"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR"/gen/*.eml >/dev/null ||
	fatal "could not load the generated mails"
# the daemon sees them through IDLE; take the backup while it is importing
wait_for 20 "SELECT count(*) > 3 FROM messages" 1 || fail "the daemon did not start importing"
actl backup1 backup "$T_DIR/backup-busy.db"
expect_rc 0 $? "agendactl backup while agendad imports"
n_live=$(q "SELECT count(*) FROM messages")
[ "$(mode_of "$T_DIR/backup-busy.db")" = 600 ] && pass "backup: the copy is mode 0600" ||
	fail "backup: the copy is mode $(mode_of "$T_DIR/backup-busy.db")"
[ "$(sqlite3 "$T_DIR/backup-busy.db" 'PRAGMA integrity_check')" = ok ] &&
	pass "backup taken under load: integrity_check ok" || fail "backup: integrity_check failed"
[ -z "$(sqlite3 "$T_DIR/backup-busy.db" 'PRAGMA foreign_key_check')" ] &&
	pass "backup taken under load: no foreign key errors" || fail "backup: foreign key errors"
# the watermark moves in the same transaction as the rows it covers
w=$(sqlite3 "$T_DIR/backup-busy.db" "SELECT (SELECT count(*) FROM messages m JOIN mailboxes b ON b.name = m.mailbox AND b.uidvalidity = m.uidvalidity WHERE m.uid > b.last_uid) || ',' || (SELECT count(*) FROM messages) || ',' || (SELECT last_uid FROM mailboxes)")
case "$w" in
0,*) pass "backup taken under load is one consistent state (rows beyond the watermark, rows, watermark: $w)" ;;
*) fail "backup: rows beyond the IMAP watermark: $w" ;;
esac
# a message's questions and status change in one transaction
[ "$(sqlite3 "$T_DIR/backup-busy.db" "SELECT count(*) FROM questions q JOIN messages m ON m.id = q.message WHERE m.status = 'new'")" = 0 ] &&
	pass "backup taken under load: no message half processed" ||
	fail "backup: questions of messages still 'new'"
echo "# backup under load: $(echo "$w" | cut -d, -f2) messages in the copy ($(sqlite3 "$T_DIR/backup-busy.db" "SELECT count(*) FROM messages WHERE status = 'new'") not processed yet), $n_live in the live database just after"
actl backup2 backup "$T_DIR/backup-busy.db"
rc=$?
[ $rc -ne 0 ] && pass "backup refuses to overwrite an existing file (exit $rc)" ||
	fail "backup overwrote an existing file"
[ "$(sqlite3 "$T_DIR/backup-busy.db" 'PRAGMA integrity_check')" = ok ] ||
	fail "the refused second backup damaged the first"
wait_for 60 "SELECT count(*) FROM messages WHERE status = 'new'" 0 ||
	fail "the daemon did not finish the 200 mails within 60 s"
wait_for 60 "SELECT count(*) FROM messages" 202 ||
	fail "want 202 messages (3 - 1 erased + 200), got $(q 'SELECT count(*) FROM messages')"
# hold it still for a comparable copy, between two of its transactions: a
# daemon stopped inside one (a slow machine, ASan) would hold the write lock
# that agendactl waits for
held=0
for _ in $(seq 30); do
	kill -STOP "$DAEMON_PID"
	if sqlite3 -cmd ".timeout 200" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; then
		held=1
		break
	fi
	kill -CONT "$DAEMON_PID"
	sleep 1
done
[ $held = 1 ] || fail "the daemon held the write lock for 30 s after its import"
actl backup3 backup "$T_DIR/backup-idle.db"
expect_rc 0 $? "agendactl backup with the daemon idle"
for t in messages questions items outbox meetings state erasures; do
	a=$(q "SELECT count(*) FROM $t")
	b=$(sqlite3 "$T_DIR/backup-idle.db" "SELECT count(*) FROM $t")
	[ "$a" = "$b" ] && pass "backup of the idle daemon: $t has the same $a rows" ||
		fail "backup of the idle daemon: $t has $b rows, the database $a"
done
kill -CONT "$DAEMON_PID"

# --- the daemon still works after all that ------------------------------------------------
mkmail "$T_DIR/mails/late.eml" "Sara Ek <sara.ek@autism-exempelstad.example>" \
	"$(rfc_date 'now')" "En fråga till" "Hej, när kommer nästa nyhetsbrev om LSS ut?

Sara Ek"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR/mails/late.eml" >/dev/null
wait_for 30 "SELECT count(*) FROM messages" 203 && pass "agendad goes on importing after erase and backup" ||
	fail "agendad did not import a mail loaded after erase and backup"

# --- file modes, secrets ---------------------------------------------------------------------
for f in "$DB" "$DB-wal" "$DB.lock"; do
	if [ -e "$f" ]; then
		[ "$(mode_of "$f")" = 600 ] && pass "$(basename "$f") is mode 0600" ||
			fail "$(basename "$f") is mode $(mode_of "$f")"
	else
		fail "$(basename "$f") does not exist while the daemon runs"
	fi
done
chmod 0644 "$T_DIR/mail.password"
ad secret-open -n
expect_rc 78 $? "agendad -n refuses a secret file readable by others (exit 78)"
grep -q "readable by others" "$T_DIR/log/secret-open.log" && pass "and says why" ||
	fail "no reason given for the refused secret: $(cat "$T_DIR/log/secret-open.log")"
chmod 0600 "$T_DIR/mail.password"

# --- stop; then the file itself ------------------------------------------------------------
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
expect_rc 0 $? "agendad exits 0 on SIGTERM"
DAEMON_PID=""
[ ! -e "$DB-wal" ] && pass "the WAL is checkpointed and gone once agendad stopped" ||
	fail "the WAL is still there after agendad stopped"
for words in "$ERASE_ADDR" "$ERASE_WORDS" "$OLD_WORDS"; do
	if grep -qaF -- "$words" "$DB"; then
		fail "the database file still holds '$words' (erased or expired)"
	else
		pass "the database file's bytes do not hold '$words'"
	fi
done
grep -qaF -- "$KEEP_WORDS" "$DB" && pass "(and the file does hold the words of the kept mail)" ||
	fail "the kept mail's words are not in the database file: the check above proves nothing"

# --- logs ------------------------------------------------------------------------------------
password=$(cat "$PASSWORD_FILE")
leaked=""
for words in "$password" "$OLD_WORDS" "$ERASE_WORDS" "$KEEP_WORDS" "när kommer nästa nyhetsbrev"; do
	grep -qF -- "$words" "$T_DIR"/log/*.log "$T_DIR"/log/*.err && leaked="$leaked '$words'"
done
[ -z "$leaked" ] && pass "no password and no sentence of a mail body in agendad's or agendactl's logs" ||
	fail "in the logs:$leaked"
t_done

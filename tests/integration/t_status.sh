#!/usr/bin/env bash
# t_status.sh - `agendactl status [--json]` against a running agendad (issue 7): the
# exit code a monitoring check reads, 0 healthy, 1 degraded, 2 failing.
#
#   before agendad ever fetched                      2 failing (no last fetch)
#   agendad running, mail fetched and acknowledged   0 healthy, with last fetch and
#                                                    delivery, held count, next meeting and
#                                                    the day its draft goes out
#   Dovecot stopped under the running daemon         2 failing once agendad has recorded
#                                                    the failure, with its error
#   Dovecot back (and SIGHUP to skip the backoff)    0 healthy again
#   an acknowledgement the SMTP server refuses       1 degraded (a failed outbox row), with
#                                                    the address and the server's reply
#   the same failure 8 days later                    0 (history, not a lasting warning)
#   agendad stopped, last fetch long ago             2 failing (stale)
# and agendad's own log: the failure logged once as an error, "working again" after it,
# SIGTERM ends the daemon with exit 0.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init status
DAEMON_PID=""
daemon_kill() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	DAEMON_PID=""
}
# the daemon goes before the mail servers; t_cleanup reads the exit status in $?
trap 'rc_=$?; daemon_kill; (exit $rc_); t_cleanup' EXIT

# mkmail FILE FROM DATE SUBJECT BODY: a plain UTF-8 mail with CRLF line ends
mkmail() {
	"$PY" - "$@" <<'EOF'
import email.header, hashlib, sys
path, frm, date, subject, body = sys.argv[1:6]
mid = hashlib.sha1((frm + date + subject).encode()).hexdigest()[:16]
head = ["Date: " + date, "From: " + frm, "To: lss-samverkan@exempelstad.example",
        "Message-ID: <%s@t-status.example>" % mid, "Subject: " + email.header.Header(subject, "utf-8").encode(),
        "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit"]
open(path, "wb").write(("\r\n".join(head) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode())
EOF
}

rfc_date() { TZ=Europe/Stockholm date -R -d "$1"; }

# status_is WANT MSG: agendactl status --json exits WANT (and prints JSON)
status_rc() {
	actl status status --json
	echo $?
}

# wait_status WANT SECONDS: until status exits WANT; true if it did
wait_status() {
	local want=$1 t=$(($2 * 5))
	while [ "$(status_rc)" != "$want" ]; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.2
	done
}

mail_start mail
mail_use mail
write_conf "$T_DIR/agendad.conf"
DB=$T_DIR/agendad.db
MEETING=$(day_plus 21)
actl meeting meeting add "$MEETING" 17:00 --end 19:00 --place "Stadshuset"
expect_rc 0 $? "meeting add $MEETING"

# --- never fetched: failing -----------------------------------------------------------
actl status0 status --json
expect_rc 2 $? "status before agendad ever ran: exit 2"
json_assert "$T_DIR/log/status0.out" 'd["health"] == "failing" and d["last_fetch"] is None' \
	"status --json before any fetch: health failing, last_fetch null"

# --- running: healthy -----------------------------------------------------------------
mkdir -p "$T_DIR/mails"
mkmail "$T_DIR/mails/1.eml" "Lena Holm <lena.holm@fubexempelstad.example>" \
	"$(rfc_date '-1 day')" "Frågor till LSS-samverkan" \
	"Hej!

Hur många platser finns det på korttidsboendet i dag, och hur lång är kön?

Med vänlig hälsning
Lena Holm, FUB Exempelstad"
# an unknown sender: held for the secretary
mkmail "$T_DIR/mails/2.eml" "Okänd Person <okand.person@webbmejl.example>" \
	"$(rfc_date '-1 day')" "Fråga" \
	"Hej, varför dröjer beslutet om ledsagarservice så länge?

Mvh Okänd"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR"/mails/{1,2}.eml >/dev/null ||
	fatal "could not load the mails"

"$AGENDAD_BUILD/agendad" -c "$CONF" >"$T_DIR/log/daemon.log" 2>&1 &
DAEMON_PID=$!
if wait_status 0 30; then
	pass "status exits 0 (healthy) once the running agendad has fetched"
else
	fatal "status did not become healthy within 30 s (last exit $(status_rc))"
fi
wait_mails 1 20 || fail "no acknowledgement reached the SMTP sink"
# the acknowledgement is sent in the same cycle; last_delivery follows it
sleep 1
actl status1 status --json
expect_rc 0 $? "status --json: exit 0 while healthy"
draft_day=$(TZ=Europe/Stockholm date -d "$MEETING -5 days" +%F)
json_assert "$T_DIR/log/status1.out" \
	"d['health'] == 'healthy' and d['error'] is None and d['last_fetch'] and d['last_delivery']" \
	"healthy: last fetch and last delivery recorded, no error"
json_assert "$T_DIR/log/status1.out" "d['held'] == 1 and d['messages'] == 2" \
	"healthy: 2 messages, 1 held for review (the unknown sender)"
json_assert "$T_DIR/log/status1.out" \
	"d['next_meeting'] == '$MEETING' and d['draft_due'] == '$draft_day' and d['draft_sent'] is None" \
	"healthy: next meeting $MEETING, its draft due $draft_day (draft_days 5)"
json_assert "$T_DIR/log/status1.out" "d['outbox_queued'] == 0 and d['outbox_failed'] == 0" \
	"healthy: outbox empty, nothing failed"
actl status1t status
expect_rc 0 $? "status (text): exit 0 while healthy"
for want in "Tillstånd:            fungerar" "Senaste hämtning:" "Senaste utskick:" \
	"1 väntar på granskning" "Nästa möte:           $MEETING" "Utkastet skickas:     $draft_day"; do
	if grep -qF -- "$want" "$T_DIR/log/status1t.out"; then
		pass "status text shows '$want'"
	else
		fail "status text lacks '$want': $(tr '\n' '|' <"$T_DIR/log/status1t.out")"
	fi
done

# --- IMAP server gone: failing --------------------------------------------------------
dpid=$(cat "$T_DIR/mail/dovecot.pid")
kill -TERM "$dpid"
for ((t = 0; t < 100; t++)); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$dpid" 2>/dev/null && fatal "Dovecot did not stop"
if wait_status 2 60; then
	pass "status exits 2 (failing) after Dovecot stopped under the running daemon"
else
	fail "status did not turn failing within 60 s of Dovecot stopping (exit $(status_rc))"
fi
actl status2 status --json
json_assert "$T_DIR/log/status2.out" "d['health'] == 'failing' and d['error']" \
	"failing: status --json carries the daemon's error"
actl status2t status
if grep -q "^Fel: " "$T_DIR/log/status2t.out"; then
	pass "status text names the error while failing"
else
	fail "status text shows no 'Fel:' line while failing"
fi
kill -0 "$DAEMON_PID" 2>/dev/null && pass "agendad keeps running while the server is away" ||
	fail "agendad exited when the IMAP server went away"

# --- back: healthy again ------------------------------------------------------------------
dovecot -c "$DOVECOT_CONF" || fatal "Dovecot did not start again"
for ((t = 0; t < 100; t++)); do [ -s "$T_DIR/mail/run/master.pid" ] && break; sleep 0.1; done
cp "$T_DIR/mail/run/master.pid" "$T_DIR/mail/dovecot.pid" # so that mailserver.sh stop finds it
sleep 1
kill -HUP "$DAEMON_PID" # ends the backoff now
if wait_status 0 60; then
	pass "status exits 0 again once Dovecot is back"
else
	fail "status did not return to healthy within 60 s (exit $(status_rc))"
fi
n_err=$(grep -c '^<3>' "$T_DIR/log/daemon.log")
if [ "$n_err" -ge 1 ] && [ "$n_err" -le 2 ]; then
	pass "the outage is logged as an error once (not once per retry): $n_err line(s)"
else
	fail "the outage gave $n_err error lines in agendad's log"
fi
grep -q "working again" "$T_DIR/log/daemon.log" && pass "agendad logs that it works again" ||
	fail "no 'working again' in agendad's log"

# --- a refused acknowledgement: degraded ----------------------------------------------
# the sink refuses RCPT to local parts starting with "reject"
mkmail "$T_DIR/mails/3.eml" "Reject Testsson <reject.testsson@fubexempelstad.example>" \
	"$(rfc_date 'now')" "En fråga om färdtjänst" \
	"Hej,

Varför får inte färdtjänstresenärer ta med sig en ledsagare gratis?

Hälsningar
Reject Testsson"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR/mails/3.eml" >/dev/null ||
	fatal "could not load mail 3"
kill -HUP "$DAEMON_PID"
if wait_status 1 60; then
	pass "status exits 1 (degraded) with an acknowledgement the server refused"
else
	fail "status did not turn degraded within 60 s (exit $(status_rc))"
fi
actl status3 status --json
json_assert "$T_DIR/log/status3.out" "d['health'] == 'degraded' and d['outbox_failed'] == 1" \
	"degraded: one failed outbox row"
json_assert "$T_DIR/log/status3.out" \
	"[(p['to'], p['status']) for p in d['outbox_problems']] == [('reject.testsson@fubexempelstad.example', 'failed')] and 'recipient rejected' in d['outbox_problems'][0]['last_error']" \
	"degraded: status --json names the refused mail with the server's reply"
actl status3t status
expect_rc 1 $? "status (text): exit 1 while degraded"
grep -q "reject.testsson@fubexempelstad.example: misslyckades efter 1 försök: .*recipient rejected" \
	"$T_DIR/log/status3t.out" && pass "status text names the refused mail with the server's reply" ||
	fail "status text lacks the refused mail: $(tr '\n' '|' <"$T_DIR/log/status3t.out")"
actl outbox outbox --json
json_assert "$T_DIR/log/outbox.out" \
	"[r['to'] for r in d if r['status'] == 'failed'] == ['reject.testsson@fubexempelstad.example'] and all(r['last_error'] for r in d if r['status'] == 'failed')" \
	"outbox --json: the failed row is the refused acknowledgement, with its error"

# --- stopped: SIGTERM, exit 0; a stale last fetch is failing --------------------------
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
expect_rc 0 $? "agendad exits 0 on SIGTERM"
DAEMON_PID=""
grep -q "stopping" "$T_DIR/log/daemon.log" && pass "agendad logs that it stops" ||
	fail "no 'stopping' in agendad's log"
# a failure more than 7 days old is history, not a warning that never ends
sqlite3 "$DB" "UPDATE outbox SET created = created - 8 * 86400 WHERE status = 'failed';
	UPDATE state SET value = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE key = 'last_fetch'" ||
	fail "sqlite3 could not age the failed row"
actl status5 status --json
expect_rc 0 $? "status: exit 0 when the only failed mail failed more than 7 days ago"
json_assert "$T_DIR/log/status5.out" "d['outbox_failed'] == 1 and d['outbox_problems'] == []" \
	"status --json still counts the old failed mail, but not as a problem"
sqlite3 "$DB" "UPDATE state SET value = '2020-01-01T00:00:00Z' WHERE key = 'last_fetch'" ||
	fail "sqlite3 could not age last_fetch"
actl status4 status --json
expect_rc 2 $? "status: exit 2 when the last fetch is long ago (agendad not running)"

# nothing above debug level prints a password
if grep -qF -- "$(cat "$PASSWORD_FILE")" "$T_DIR"/log/*; then
	fail "the mail password appears in a log"
else
	pass "the mail password appears in no log"
fi
t_done

#!/usr/bin/env bash
# t_outbox.sh - every outgoing mail is delivered exactly once, whatever the SMTP server
# does and wherever agendad dies (issue 6, "## Outbox and SMTP" and "## Tests").
#
# Real Dovecot and the SMTP sink (tests/harness/mailserver.sh), whose answers the test
# sets through its control file (smtp-mode: ok, tempfail = 451 to every MAIL, reject =
# 550) and its rule that refuses RCPT to local parts starting with "reject". Mail from
# tests/data/e2e/outbox-*.eml.
#   A. 451: the mail stays queued with the server's reply (outbox --json, status, which
#      exits degraded or failing), a --once before its time tries nothing, and each retry
#      comes later (backoff about 60, 120, 240 s). Time is made to pass by editing
#      next_attempt in the SQLite file with the sqlite3 CLI.
#   B. The server accepts again: the mail is delivered once, with its Message-ID.
#   C. 550: the row is failed at once with the server's reply, shown by outbox and
#      status (degraded), and not tried again; a refused RCPT fails only its own mail.
#   D. The SMTP server down (agendad --once exits 75), then up: delivered exactly once.
#   E. A crash right after each commit point in turn (AGENDAD_CRASH_AFTER_COMMIT=N) of a
#      run that fetches, acknowledges and sends the draft, then a restart: the sink holds
#      the same mails as after an uninterrupted run (recipient, subject, In-Reply-To),
#      each once, none missing, and every outbox row is sent.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init outbox
# categories.conf and the templates, without the build's training set: the classifier
# sorts by keywords only, which is all this test needs, and it saves training the model
# at each of some 60 starts (a second each under ASan)
export AGENDAD_DATADIR=$T_ROOT/config

load() { # load MAILBOX FILE...
	local mbox=$1
	shift
	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" "$mbox" "$@" >/dev/null ||
		fatal "could not load $*"
}

smtp_mode() { echo "$1" >"$SMTP_MODE_FILE"; }

mail_from_count() { grep -c "MAIL FROM\|RCPT TO\|stored " "$SMTP_LOG" || true; }


port_listening() { # as mailserver.sh: from /proc, without a probe connection
	local hex
	hex=$(printf ':%04X' "$1")
	awk -v p="$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# The SMTP sink alone goes down and comes back on the same ports (Dovecot stays up). It
# is started as mailserver.sh starts it, with its pid in the same file, so that
# mailserver.sh stop (the harness's cleanup) stops it. SMTP_PORT, SMTPS_PORT and MAIL_HOST
# come from mail_use.
# shellcheck disable=SC2153
sink_stop() {
	local pid
	pid=$(cat "$MAILSERVER_DIR/smtp.pid")
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null || fatal "the SMTP sink (pid $pid) did not stop"
	for _ in $(seq 50); do port_listening "$SMTP_PORT" || break; sleep 0.1; done
}

sink_start() {
	local d=$MAILSERVER_DIR
	rm -f "$d/smtp.ready"
	"$PY" "$T_HARNESS/smtpsink.py" --dir "$d" --host "$MAIL_HOST" --port "$SMTP_PORT" \
		--tls-port "$SMTPS_PORT" --cert "$d/tls/server.pem" --key "$d/tls/server.key" \
		--users "$d/users" --auth optional --require-tls 1 --ready "$d/smtp.ready" \
		</dev/null >>"$SMTP_LOG" 2>&1 &
	echo $! >"$d/smtp.pid"
	for _ in $(seq 100); do
		[ -e "$d/smtp.ready" ] && port_listening "$SMTP_PORT" && port_listening "$SMTPS_PORT" && return 0
		sleep 0.1
	done
	fatal "the SMTP sink did not come back on port $SMTP_PORT"
}

# never_tried: rows that a --once queued and left without a single attempt. A --once
# delivers what it queued (cycle_run() once handed cycle_deliver() a `now` taken before
# queueing, older than the rows' next_attempt whenever the clock's second ticked in
# between). Should a run leave such rows, settle runs --once again, as the daemon's next
# cycle would, so that the checks after it stay about their own subject; the end of the
# test fails with the count.
never_tried() { sqlite3 "$1" "SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts = 0"; }
LAZY=0 RUNS=0
settle() { # settle DB LOG: after a --once that exited 0
	RUNS=$((RUNS + 1))
	if [ "$(never_tried "$1")" != 0 ]; then
		LAZY=$((LAZY + 1))
		ad "$2-next" --once || fail "the --once after $2 failed"
	fi
}

mail_start mail
mail_use mail
export SMTP_OUT
DB=$T_DIR/agendad.db
M=$(day_plus 10)
write_conf "$T_DIR/agendad.conf" CUTOFF_DAYS=7 DRAFT_DAYS=2
MAIN_CONF=$CONF
actl meeting meeting add "$M" 17:00 --end 19:00 --place "Stadshuset, sal Ljusnan"
expect_rc 0 $? "agendactl meeting add $M"

# ---- A. the server answers 451: queued, retried with backoff ---------------------------
smtp_mode tempfail
load INBOX "$(e2e_mail outbox-01-rbu-korttid.eml "-1 10:00")"
t0=$(date +%s)
ad a1 --once
expect_rc 0 $? "agendad --once while the server answers 451 (a 4xx about one mail is no outage)"
settle "$DB" a1
actl outbox-a1 outbox --json
n_mail_from=$(mail_from_count)
ad a2 --once
actl outbox-a2 outbox --json
if [ "$(mail_from_count)" = "$n_mail_from" ]; then
	pass "a --once before the backoff is over tries nothing"
else
	fail "a --once before the backoff is over tried again"
fi
force_due "$DB"
t3=$(date +%s)
ad a3 --once
actl outbox-a3 outbox --json
force_due "$DB"
t4=$(date +%s)
ad a4 --once
actl outbox-a4 outbox --json
actl status-a status
status_rc=$?
actl status-a-json status --json
status_json_rc=$?
if [ $status_rc -ne 0 ]; then
	pass "agendactl status exits $status_rc while mail waits after 3 attempts"
else
	fail "agendactl status exits 0 (healthy) while a mail has been refused 3 times with 451"
fi
[ $status_json_rc = $status_rc ] || fail "status --json exits $status_json_rc, status $status_rc"
pycheck "$T_DIR/log" "$t0" "$t3" "$t4" <<'EOF'
logd, t0, t3, t4 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def ts(s):
    return int(datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())
rows = [load("%s/outbox-%s.out" % (logd, t)) for t in ("a1", "a2", "a3", "a4")]
ok(all(len(r) == 1 for r in rows), "one outbox row: the acknowledgement (got %s)" % [len(r) for r in rows])
r1, r2, r3, r4 = (r[0] for r in rows)
ok(r1["status"] == "queued" and r1["attempts"] == 1, "after a 451 the row is queued, attempt 1 (got %s, %d)"
   % (r1["status"], r1["attempts"]))
ok("451" in (r1["last_error"] or "") and "temporarily unavailable" in (r1["last_error"] or ""),
   "outbox --json shows the server's reply: %r" % r1["last_error"])
d1 = ts(r1["next_attempt"]) - t0
ok(40 <= d1 <= 70, "the first retry is about a minute later (%d s)" % d1)
ok(r2["attempts"] == 1 and r2["next_attempt"] == r1["next_attempt"], "a --once before it is due changes nothing")
ok(r3["status"] == "queued" and r3["attempts"] == 2, "second 451: queued, attempt 2 (got %s, %d)" % (r3["status"], r3["attempts"]))
ok(r4["status"] == "queued" and r4["attempts"] == 3, "third 451: queued, attempt 3 (got %s, %d)" % (r4["status"], r4["attempts"]))
d3, d4 = ts(r3["next_attempt"]) - t3, ts(r4["next_attempt"]) - t4
ok(85 <= d3 <= 130 and 170 <= d4 <= 250, "the backoff doubles: %d s, %d s, %d s" % (d1, d3, d4))
ok(ts(r4["next_attempt"]) > ts(r3["next_attempt"]) > ts(r1["next_attempt"]), "next_attempt moves later each time")
ok(not mails(), "nothing reached the sink")
st_text = open(logd + "/status-a.out", encoding="utf-8").read()
st = load(logd + "/status-a-json.out")
ok(st.get("outbox_queued") == 1, "status --json counts one queued mail (got %r)" % st.get("outbox_queued"))
ok(st.get("health") in ("degraded", "failing"), "status --json: health degraded or failing (got %r)" % st.get("health"))
ok("451" in st_text, "agendactl status shows the server's reply (451 ...): %r" % st_text)
ok("451" in json.dumps(st), "agendactl status --json shows the server's reply (451 ...)")
EOF

# ---- B. the server accepts again: delivered, once ----------------------------------------
smtp_mode ok
force_due "$DB"
ad b1 --once
expect_rc 0 $? "agendad --once when the server accepts again"
ad b2 --once
actl outbox-b outbox --json
actl status-b status --json
expect_rc 0 $? "agendactl status exits 0 again"
pycheck "$T_DIR/log" <<'EOF'
logd = sys.argv[1]
r = load(logd + "/outbox-b.out")[0]
ok(r["status"] == "sent" and r["attempts"] == 4 and r["last_error"] is None,
   "the row is sent on attempt 4 and shows no error (got %s, %d, %r)" % (r["status"], r["attempts"], r["last_error"]))
got = [x for x in mails() if "rbuexempelstad@webbmejl.example" in x["meta"]["rcpt_tos"]]
ok(len(got) == 1, "the sink received the acknowledgement once (got %d)" % len(got))
ok(len(got) == 1 and "<%s>" % r["message_id"] == got[0]["msg"]["Message-ID"], "with the Message-ID fixed when queued")
EOF

# ---- C. 550: failed at once with the reply; a refused recipient holds back nothing else ----
smtp_mode reject
load INBOX "$(e2e_mail outbox-02-attention-skola.eml "-1 11:00")"
ad c1 --once
expect_rc 0 $? "agendad --once while the server answers 550"
settle "$DB" c1
smtp_mode ok
n_mail_from=$(mail_from_count)
ad c2 --once
if [ "$(mail_from_count)" = "$n_mail_from" ]; then
	pass "a failed mail is not tried again"
else
	fail "a failed mail was tried again"
fi
load INBOX "$(e2e_mail outbox-03-neuro-avvisad-mottagare.eml "-1 12:00")" \
	"$(e2e_mail outbox-04-srf-tillganglighet.eml "-1 12:30")"
ad c3 --once
expect_rc 0 $? "agendad --once with one refused recipient"
settle "$DB" c3
actl outbox-c outbox --json
actl outbox-c-text outbox
actl status-c status
expect_rc 1 $? "agendactl status exits 1 (degraded) with a failed mail"
actl status-c-json status --json
pycheck "$T_DIR/log" <<'EOF'
logd = sys.argv[1]
rows = {r["to"]: r for r in load(logd + "/outbox-c.out")}
a = rows.get("jonas.ekstrom@attention-exempelstad.example")
if ok(a is not None, "the acknowledgement to Attention is an outbox row"):
    ok(a["status"] == "failed" and a["attempts"] == 1, "after a 550 it is failed at once (got %s, %d)"
       % (a["status"], a["attempts"]))
    ok("550" in (a["last_error"] or "") and "Not accepted" in (a["last_error"] or ""),
       "outbox --json shows the server's reply: %r" % a["last_error"])
    ok(a["next_attempt"] is None, "and no next attempt")
text = open(logd + "/outbox-c-text.out", encoding="utf-8").read()
ok("550" in text and "recipient rejected" in text, "agendactl outbox shows the reply")
st_text = open(logd + "/status-c.out", encoding="utf-8").read()
st = load(logd + "/status-c-json.out")
n_failed = len([r for r in rows.values() if r["status"] == "failed"])
ok(st.get("health") == "degraded" and st.get("outbox_failed") == n_failed,
   "status --json: degraded, %d failed (got %r, %r)" % (n_failed, st.get("health"), st.get("outbox_failed")))
ok("recipient rejected" in st_text, "agendactl status shows the server's reply (550 ... recipient rejected): %r" % st_text)
ok("recipient rejected" in json.dumps(st), "agendactl status --json shows the server's reply (550 ...)")
ok(not [x for x in mails() if "jonas.ekstrom@attention-exempelstad.example" in x["meta"]["rcpt_tos"]],
   "nothing went to Attention")
r = rows.get("reject.info@neuro-exempelstad.example")
if ok(r is not None, "the acknowledgement to the refused recipient is an outbox row"):
    ok(r["status"] == "failed" and "550" in (r["last_error"] or "") and "recipient rejected" in (r["last_error"] or ""),
       "a 550 to RCPT fails it with the reply (got %s, %r)" % (r["status"], r["last_error"]))
s = rows.get("gunnel.backstrom@srf-exempelstad.example")
ok(s is not None and s["status"] == "sent", "the other mail of the same run is sent (got %s)" % (s and s["status"]))
ok(len([x for x in mails() if "gunnel.backstrom@srf-exempelstad.example" in x["meta"]["rcpt_tos"]]) == 1,
   "and received once")
EOF

# ---- D. the server is down, then up: delivered exactly once ------------------------------
sink_stop
load INBOX "$(e2e_mail outbox-05-dhr-tva-fragor.eml "-1 13:00")"
ad d1 --once
expect_rc 75 $? "agendad --once with the SMTP server down exits 75 (EX_TEMPFAIL)"
actl outbox-d1 outbox --json
sink_start
ad d2 --once
actl outbox-d2 outbox --json
force_due "$DB"
ad d3 --once
expect_rc 0 $? "agendad --once when the SMTP server is back"
ad d4 --once
actl outbox-d4 outbox --json
pycheck "$T_DIR/log" <<'EOF'
logd = sys.argv[1]
def row(tag):
    r = [r for r in load("%s/outbox-%s.out" % (logd, tag)) if r["to"] == "goran.westerberg@dhr-exempelstad.example"]
    return r[0] if r else None
r1, r2, r4 = row("d1"), row("d2"), row("d4")
if ok(r1 is not None, "the acknowledgement to DHR is queued while the server is down"):
    ok(r1["status"] == "queued" and r1["attempts"] == 1 and bool(r1["last_error"]),
       "queued, attempt 1, with the reason: %r" % r1["last_error"])
    ok(r2["attempts"] == 1, "the server back, a --once before the backoff is over waits for it")
    ok(r4["status"] == "sent" and r4["attempts"] == 2, "then it is sent (got %s, attempt %d)" % (r4["status"], r4["attempts"]))
got = [x for x in mails() if "goran.westerberg@dhr-exempelstad.example" in x["meta"]["rcpt_tos"]]
ok(len(got) == 1, "the sink received it exactly once (got %d)" % len(got))
ok(len(got) == 1 and "AM9PR05MB7742B5D7F9A1C3E5B7D9F1A3C5E7B" in (got[0]["msg"]["In-Reply-To"] or ""),
   "it is the acknowledgement of DHR's mail")
EOF

# ---- E. a crash at every commit point, then a restart: each mail once ----------------------
# Its own mailbox and database, and a meeting whose draft is due, so that one run queues
# and delivers acknowledgements and the draft (with attachments). AGENDAD_CRASH_AFTER_COMMIT
# makes the process _exit(86) right after its Nth commit (store.c); N goes from 1 until a
# run gets through without reaching it.
mkdir -p "$T_DIR/crash"
MC=$(day_plus 3)
write_conf "$T_DIR/crash/agendad.conf" CUTOFF_DAYS=2 DRAFT_DAYS=5
sed -i 's/^mailbox = INBOX$/mailbox = Krasch/' "$CONF"
printf '\n[meeting %s]\ntime = 18:00\nend = 20:00\nplace = Kommunhuset, sal Dalälven\n' "$MC" >>"$CONF"
grep -q '^mailbox = Krasch$' "$CONF" || fatal "could not point the crash config at Krasch"
load Krasch "$(e2e_mail outbox-04-srf-tillganglighet.eml "-1 12:30")" \
	"$(e2e_mail outbox-05-dhr-tva-fragor.eml "-1 13:00")"
CDB=$T_DIR/crash/agendad.db
fresh_db() { rm -f "$CDB" "$CDB-wal" "$CDB-shm" "$CDB-journal"; }

# sent_since N: recipient, subject and In-Reply-To of each mail the sink got after N
sent_since() {
	"$PY" -c "$PY_PRELUDE"'
for x in mails():
    if int(x["file"][:6]) > int(sys.argv[1]):
        print("%s | %s | %s" % (x["meta"]["rcpt_tos"], norm(header(x["msg"], "Subject")),
                                (x["msg"]["In-Reply-To"] or "").strip()))' "$1" | sort
}

fresh_db
before=$(mail_count)
ad crash-ref --once
expect_rc 0 $? "crash test: an uninterrupted run"
settle "$CDB" crash-ref
sent_since "$before" >"$T_DIR/log/crash-ref.txt"
n_ref=$(wc -l <"$T_DIR/log/crash-ref.txt")
if [ "$n_ref" = 4 ]; then
	pass "crash test: the uninterrupted run sends 2 acknowledgements and the draft (2 mails)"
else
	fail "crash test: the uninterrupted run sent $n_ref mails, not 4: $(cat "$T_DIR/log/crash-ref.txt")"
fi
crashes=0
for n in $(seq 1 80); do
	fresh_db
	before=$(mail_count)
	AGENDAD_CRASH_AFTER_COMMIT=$n ad "crash-$n" --once
	rc=$?
	if [ $rc = 0 ]; then
		settle "$CDB" "crash-$n"
		break
	fi
	if [ $rc != 86 ]; then
		fail "crash test: the run with AGENDAD_CRASH_AFTER_COMMIT=$n exited $rc, not 86"
		continue
	fi
	crashes=$((crashes + 1))
	ad "restart-$n" --once
	rc=$?
	[ $rc = 0 ] || fail "crash test: the restart after commit $n exited $rc"
	settle "$CDB" "restart-$n"
	sent_since "$before" >"$T_DIR/log/crash-$n.txt"
	if cmp -s "$T_DIR/log/crash-ref.txt" "$T_DIR/log/crash-$n.txt"; then
		pass "crash after commit $n, restart: each mail sent exactly once"
	else
		fail "crash after commit $n, restart: the mails sent differ from an uninterrupted run:
$(diff "$T_DIR/log/crash-ref.txt" "$T_DIR/log/crash-$n.txt")"
	fi
	actl "crash-outbox-$n" outbox --json
	json_assert "$T_DIR/log/crash-outbox-$n.out" 'len(d) == 4 and all(r["status"] == "sent" for r in d)' \
		"crash after commit $n, restart: 4 outbox rows, all sent"
done
if [ "$crashes" -ge 15 ]; then
	pass "crash test: $crashes commit points crashed and recovered"
else
	fail "crash test: only $crashes commit points (expected at least 15 for 2 mails and a draft)"
fi
if [ $LAZY = 0 ]; then
	pass "every one of $RUNS runs of agendad --once delivered all the mail it queued"
else
	fail "$LAZY of $RUNS runs of agendad --once left mail it had queued itself unsent and untried"
fi
CONF=$MAIN_CONF

t_done

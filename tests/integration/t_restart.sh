#!/usr/bin/env bash
# t_restart.sh - the mail servers go away and come back while agendad runs as a daemon
# (issue 4 "## Tests and figures", issue 8 "## Faults" second bullet).
#
# Part 1, Dovecot stopped and restarted in the middle of a fetch: a mailbox of
# RESTART_MAILS (2000) generated mails; agendad in daemon mode (with IDLE) starts to
# import it; as soon as the first batch is stored, Dovecot is stopped (its imap
# processes killed, its master stopped by pid), kept down for 8 seconds and started
# again. agendad must log the failure once, back off (no busy loop: a handful of
# reconnection attempts, not hundreds), reconnect, say that it works again, and end in
# the same state as an uninterrupted `agendad --once` of the same mailbox: every message
# in the database exactly once, every one \Seen on the server, the same questions, the
# same acknowledgements at the SMTP server.
#
# Part 2, the SMTP server down for a while, then answering 451, then up: a small
# mailbox (20 mails, a few senders) and a draft (send-draft) give queued mail. While the
# server is down the mail stays queued and `agendactl outbox --json` shows the error;
# while it answers 451 likewise, with the reply; once it is up every mail arrives
# exactly once, and a later cycle sends nothing more. The outbox's backoff (a minute,
# doubling; unit-tested in test_outbox) is skipped by moving next_attempt to now in the
# database, and the daemon is woken by a new mail (an auto-reply, which changes nothing
# else), as IDLE would wake it: the test takes seconds instead of minutes.
#
# Part 3, SIGTERM in the middle of a fetch (part 1's mailbox, a new database), while
# agendad waits for Dovecot's answer (the imap process is frozen for a moment): agendad
# exits 0 at once, logs no error and leaves no "failing" state for agendactl status (a
# stop is not a failure of the server); the next start completes the import.
#
# RESTART_PARTS="1 3 2" (default) selects the parts (3 needs 1); VERBOSE=1 shows every
# passing check.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init restart
N_MAILS=${RESTART_MAILS:-2000}
PARTS=${RESTART_PARTS:-1 3 2}
TODAY=$(day_plus 0)
MEETING=$(day_plus 24)
GEN=$T_HARNESS/genmail.py
MS() { bash "$T_HARNESS/mailserver.sh" "$@"; }

mail_start mail
mail_use mail
MAILDIR=$MAILSERVER_DIR/mail/$MAIL_LOGIN/Maildir
PID=""
# shellcheck disable=SC2154 # rc is set in the trap itself
trap 'rc=$?; [ -z "$PID" ] || kill -KILL "$PID" 2>/dev/null; (exit $rc); t_cleanup' EXIT

# ---- the servers, stopped and started by pid (mailserver.sh stop would stop both) -----

port_listening() { # as mailserver.sh: from /proc, a probe would log an error
	local hex
	hex=$(printf ':%04X' "$1")
	awk -v p="$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
descendants() {
	local child
	for child in $(pgrep -P "$1" 2>/dev/null || true); do
		echo "$child"
		descendants "$child"
	done
}
stop_pid_tree() { # stop_pid_tree PID: SIGTERM, wait up to 15 s for it and its children
	local pid=$1 all t=0 p any
	all="$pid $(descendants "$pid" | tr '\n' ' ')"
	kill -TERM "$pid" 2>/dev/null
	while [ $t -lt 150 ]; do
		any=0
		for p in $all; do alive "$p" && any=1; done
		[ $any = 0 ] && return 0
		sleep 0.1
		t=$((t + 1))
	done
	return 1
}
dovecot_stop() {
	stop_pid_tree "$(cat "$MAILSERVER_DIR/dovecot.pid")" || fatal "Dovecot did not stop"
}
dovecot_start() {
	local t=0
	rm -f "$MAILSERVER_DIR/run/master.pid"
	dovecot -c "$DOVECOT_CONF" </dev/null >>"$MAILSERVER_DIR/log/dovecot.stderr" 2>&1 ||
		fatal "Dovecot did not start again"
	until [ -s "$MAILSERVER_DIR/run/master.pid" ] && port_listening "$IMAP_PORT" &&
		port_listening "$IMAPS_PORT"; do
		t=$((t + 1))
		[ $t -lt 100 ] || fatal "Dovecot did not listen again"
		sleep 0.1
	done
	# so that mailserver.sh stop finds it
	cp "$MAILSERVER_DIR/run/master.pid" "$MAILSERVER_DIR/dovecot.pid"
}
sink_stop() {
	stop_pid_tree "$(cat "$MAILSERVER_DIR/smtp.pid")" || fatal "the SMTP sink did not stop"
}
sink_start() { # the command line of mailserver.sh's start_sink, with its defaults
	local t=0
	rm -f "$MAILSERVER_DIR/smtp.ready"
	"$PY" "$T_HARNESS/smtpsink.py" --dir "$MAILSERVER_DIR" --host "$MAIL_HOST" \
		--port "$SMTP_PORT" --tls-port "$SMTPS_PORT" --cert "$MAILSERVER_DIR/tls/server.pem" \
		--key "$MAILSERVER_DIR/tls/server.key" --users "$MAILSERVER_DIR/users" --auth optional \
		--require-tls 1 --ready "$MAILSERVER_DIR/smtp.ready" \
		</dev/null >>"$SMTP_LOG" 2>&1 &
	echo $! >"$MAILSERVER_DIR/smtp.pid"
	until [ -e "$MAILSERVER_DIR/smtp.ready" ] && port_listening "$SMTP_PORT"; do
		t=$((t + 1))
		[ $t -lt 100 ] || fatal "the SMTP sink did not start again"
		sleep 0.1
	done
}

# ---- agendad ------------------------------------------------------------------------

conf() { # conf NAME MAILBOX: a config with its own database under $T_DIR/NAME
	write_conf "$T_DIR/$1/agendad.conf"
	sed -i "s/^mailbox = INBOX\$/mailbox = $2/" "$CONF"
	DB=$(sed -n 's/^database = //p' "$CONF")
}
start_daemon() { # start_daemon LOG: agendad -v in the background, until its loop runs
	local n t=0
	DLOG=$T_DIR/log/$1.log
	touch "$DLOG"
	n=$(grep -c 'running for' "$DLOG")
	"$AGENDAD_BUILD/agendad" -c "$CONF" -v >>"$DLOG" 2>&1 &
	PID=$!
	until [ "$(grep -c 'running for' "$DLOG")" -gt "$n" ] || [ $t -ge 100 ]; do
		sleep 0.1
		t=$((t + 1))
	done
}
stop_daemon() {
	local rc
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
	rc=$?
	PID=""
	return $rc
}
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1" 2>/dev/null; }
# wait_for SECONDS SQL WANT: until the query gives WANT
wait_for() {
	local t=0
	until [ "$(q "$2")" = "$3" ]; do
		t=$((t + 1))
		[ $t -le $(($1 * 10)) ] || return 1
		sleep 0.1
	done
}

capture() { # capture DIR: as t_crash.sh
	local dir=$1
	mkdir -p "$dir"
	actl cap-m messages --json && cp "$T_DIR/log/cap-m.out" "$dir/messages.json"
	actl cap-q questions --json && cp "$T_DIR/log/cap-q.out" "$dir/questions.json"
	actl cap-o outbox --json && cp "$T_DIR/log/cap-o.out" "$dir/outbox.json"
	"$PY" -c "$PY_PRELUDE"'
json.dump([{"rcpt": sorted(r.lower() for r in x["meta"]["rcpt_tos"]),
            "subject": norm(header(x["msg"], "Subject")),
            "in_reply_to": (x["msg"].get("In-Reply-To") or "").strip(),
            "message_id": (x["msg"].get("Message-ID") or "").strip().strip("<>")}
           for x in mails(sys.argv[1])], open(sys.argv[2], "w"))' "$SMTP_OUT" "$dir/sink.json"
}

if [[ " $PARTS " == *" 1 "* ]]; then
	# ---- part 1: Dovecot stopped and started in the middle of a fetch ------------------
	"$PY" "$GEN" "$T_DIR/gen1" "$N_MAILS" --seed 21 --noise 10 --until "$TODAY" --weeks 8 \
		--meeting "$MEETING" 2>/dev/null || fatal "genmail.py failed"
	MS load "$MAILSERVER_DIR" Stor "$T_DIR"/gen1/*.eml || fatal "loading the mailbox failed"
	rm -rf "$T_DIR/snap1" && cp -a "$MAILDIR" "$T_DIR/snap1"

	conf ref Stor
	ad ref --once
	expect_rc 0 $? "uninterrupted agendad --once imports $N_MAILS mails"
	# should a --once leave mail it queued itself for the next cycle (t_crash.sh checks
	# that it does not), a second run sends it, so that the comparison below is fair
	if [ "$(q "SELECT count(*) FROM outbox WHERE status = 'queued'")" != 0 ]; then
		echo "# the reference --once left mail it had queued unsent; a second --once sends it"
		ad ref2 --once
	fi
	capture "$T_DIR/ref"

	rm -rf "$MAILDIR" && cp -a "$T_DIR/snap1" "$MAILDIR"
	rm -f "$SMTP_OUT"/*
	conf down Stor
	# Dovecot goes down the moment the first batch (250 mails) is stored: the whole fetch
	# takes well under a second here, too short to catch from a shell loop
	"$PY" - "$DB" "$(cat "$MAILSERVER_DIR/dovecot.pid")" <<'EOF' >"$T_DIR/stopper.out" 2>&1 &
import os, signal, sqlite3, sys, time
db, master = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 60
while time.time() < deadline:
    try:
        if not os.path.exists(db):  # connect() would create it
            raise sqlite3.Error
        c = sqlite3.connect(db, timeout=5)
        n = c.execute("SELECT count(*) FROM messages").fetchone()[0]
        c.close()
    except sqlite3.Error:
        n = 0
    if n > 0:
        # a stopping master lets the sessions in hand run on for a second, long enough
        # to finish this fetch: the imap processes die at once, as in a crash
        kids, todo = [], [master]
        while todo:
            p = todo.pop()
            for d in os.listdir("/proc"):
                try:
                    with open("/proc/%s/stat" % d) as f:
                        st = f.read()
                except (OSError, ValueError):
                    continue
                comm, rest = st[st.index("(") + 1:st.rindex(")")], st[st.rindex(")") + 2:].split()
                if d.isdigit() and int(rest[1]) == p:
                    todo.append(int(d))
                    if comm == "imap":
                        kids.append(int(d))
        for k in kids:
            os.kill(k, signal.SIGKILL)
        os.kill(master, signal.SIGTERM)
        print("%d (%d imap process(es) killed)" % (n, len(kids)))
        sys.exit(0)
    time.sleep(0.003)
sys.exit(1)
EOF
	stopper=$!
	start_daemon down
	wait "$stopper" || fail "agendad starts to import"
	dovecot_stop
	at_stop=$(q "SELECT count(*) FROM messages")
	echo "# Dovecot got SIGTERM with $(cat "$T_DIR/stopper.out") messages stored; $at_stop when it was gone"
	if [ "$at_stop" -lt "$N_MAILS" ]; then
		pass "Dovecot stopped in the middle of the fetch ($at_stop of $N_MAILS stored)"
	else
		fail "Dovecot stopped in the middle of the fetch (all $at_stop were stored already)"
	fi
	sleep 8
	retries=$(grep -c 'still failing' "$DLOG")
	errors=$(grep -c '^<3>' "$DLOG")
	[ "$(q "SELECT count(*) FROM messages")" = "$at_stop" ] ||
		fail "nothing is stored while Dovecot is down"
	dovecot_start
	wait_for 90 "SELECT count(*) || ' ' || sum(status <> 'new') || ' ' || (SELECT count(*) FROM
		outbox WHERE status <> 'sent') FROM messages" "$N_MAILS $N_MAILS 0" ||
		fail "agendad imports the rest after Dovecot is back ($(q "SELECT count(*) FROM messages"))"
	wait_for 10 "SELECT count(*) FROM outbox" "$(json_get "$T_DIR/ref/outbox.json" 'len(d)')" ||
		fail "agendad queues as many acknowledgements as the uninterrupted run"
	wait_for 10 "SELECT count(*) FROM outbox WHERE status <> 'sent'" 0 || true
	t=0
	until grep -q 'working again' "$DLOG" || [ $t -ge 100 ]; do sleep 0.1; t=$((t + 1)); done
	stop_daemon
	expect_rc 0 $? "agendad exits 0 on SIGTERM"
	# an error logged once for the outage (the connection lost), then only debug lines
	# until it works again; a few retries in 8 s, with backoff (5 s, then 10 s)
	if [ "$errors" -ge 1 ] && [ "$errors" -le 2 ]; then
		pass "the outage is logged once as an error ($errors line(s))"
	else
		fail "the outage is logged once as an error (got $errors error lines)"
	fi
	if [ "$retries" -le 3 ]; then
		pass "agendad backs off while Dovecot is down ($retries retries in 8 s)"
	else
		fail "agendad backs off while Dovecot is down ($retries retries in 8 s: a busy loop)"
	fi
	if grep -q 'working again' "$DLOG"; then pass "agendad logs that it works again"
	else fail "agendad logs that it works again"; fi
	capture "$T_DIR/down"
	unseen=$(MS count "$MAILSERVER_DIR" Stor unseen)
	if [ "$unseen" = 0 ]; then pass "every message is \\Seen on the server after the restart"
	else fail "every message is \\Seen on the server after the restart ($unseen unseen)"; fi
	pycheck "$T_DIR/ref" "$T_DIR/down" "$T_DIR/gen1/manifest.tsv" <<'EOF'
ref, cur, manifest = sys.argv[1:4]
from collections import Counter
R = {f: load("%s/%s.json" % (ref, f)) for f in ("messages", "questions", "outbox", "sink")}
C = {f: load("%s/%s.json" % (cur, f)) for f in ("messages", "questions", "outbox", "sink")}
box = Counter(l.split("\t")[1] for l in open(manifest, encoding="utf-8") if not l.startswith("file\t"))
got = Counter((m["message_id"] or "").strip("<>") for m in C["messages"])
ok(got == box, "every message in the database exactly once after the restart (%d rows, %d missing, %d extra)"
   % (len(C["messages"]), sum((box - got).values()), sum((got - box).values())))
mk = lambda d: Counter((m["message_id"], m["status"], m["questions"], m["from"], m["received"]) for m in d)
ok(mk(C["messages"]) == mk(R["messages"]), "the messages are those of the uninterrupted run")
qk = lambda d: Counter((q["message_id"], q["title"], q["text"], q["category"], q["status"]) for q in d)
ok(qk(C["questions"]) == qk(R["questions"]), "the questions are those of the uninterrupted run (%d)" % len(R["questions"]))
sk = lambda d: Counter((tuple(x["rcpt"]), x["subject"], x["in_reply_to"]) for x in d)
ok(sk(C["sink"]) == sk(R["sink"]), "the same acknowledgements reached the SMTP server, once each (%d, want %d)"
   % (len(C["sink"]), len(R["sink"])))
ok(all(o["status"] == "sent" for o in C["outbox"]), "every outgoing mail is sent")
EOF
fi

if [[ " $PARTS " == *" 1 "* ]] && [[ " $PARTS " == *" 3 "* ]]; then
	# ---- part 3: SIGTERM in the middle of the fetch -----------------------------------
	# DESIGN.md: agendad runs until SIGTERM, finishes the message in hand, exits 0. A stop
	# is not a failure of the server: nothing may be logged as an error, and agendactl
	# status may not say "failing" afterwards. The next start completes the import.
	conf term Stor
	# The stop must come while agendad waits for the server, which is where a signal can
	# cut a command short: once the first batch is stored, Dovecot's imap process is
	# frozen (SIGSTOP), agendad gets SIGTERM while it waits for the answer, and the imap
	# process is thawed half a second later.
	start_daemon term
	"$PY" - "$DB" "$PID" "$(cat "$MAILSERVER_DIR/dovecot.pid")" <<'EOF' >"$T_DIR/term.out" 2>&1
import os, signal, sqlite3, sys, time
db, pid, master = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def imap_processes():
    out, todo = [], [master]
    while todo:
        p = todo.pop()
        for d in os.listdir("/proc"):
            try:
                st = open("/proc/%s/stat" % d).read()
            except (OSError, ValueError):
                continue
            if d.isdigit() and int(st[st.rindex(")") + 2:].split()[1]) == p:
                todo.append(int(d))
                if st[st.index("(") + 1:st.rindex(")")] == "imap":
                    out.append(int(d))
    return out
deadline = time.time() + 60
while time.time() < deadline:
    n = 0
    if os.path.exists(db):
        try:
            c = sqlite3.connect(db, timeout=5)
            n = c.execute("SELECT count(*) FROM messages").fetchone()[0]
            c.close()
        except sqlite3.Error:
            pass
    if n > 0:
        frozen = imap_processes()
        for k in frozen:
            os.kill(k, signal.SIGSTOP)
        time.sleep(0.3)
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.5)
        for k in frozen:
            os.kill(k, signal.SIGCONT)
        print("%d stored, %d imap process(es) frozen" % (n, len(frozen)))
        sys.exit(0)
    time.sleep(0.003)
sys.exit(1)
EOF
	rc=$?
	t=0
	while alive "$PID" && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
	if alive "$PID"; then fail "SIGTERM while agendad waits for the server: it exits within 10 s"; fi
	stop_daemon
	expect_rc 0 $? "SIGTERM while agendad waits for the server ($(cat "$T_DIR/term.out")): exit 0"
	[ $rc = 0 ] || fail "SIGTERM during the fetch: the fetch was caught"
	errors=$(grep '^<3>' "$DLOG" | sort | uniq -c | head -3)
	if [ -z "$errors" ]; then pass "SIGTERM during the fetch: nothing is logged as an error"
	else fail "SIGTERM during the fetch: nothing is logged as an error (got: $errors)"; fi
	actl term-status status --json
	health=$(json_get "$T_DIR/log/term-status.out" 'd.get("error")')
	if [ "$health" = null ]; then pass "SIGTERM during the fetch: agendactl status records no error"
	else fail "SIGTERM during the fetch: agendactl status records no error (got \"$health\")"; fi
	ad term-resume --once
	expect_rc 0 $? "after a SIGTERM during the fetch, agendad --once completes the import"
	actl term-m messages --json
	pycheck "$T_DIR/log/term-m.out" "$T_DIR/gen1/manifest.tsv" <<'EOF'
from collections import Counter
m = load(sys.argv[1])
box = Counter(l.split("\t")[1] for l in open(sys.argv[2], encoding="utf-8") if not l.startswith("file\t"))
got = Counter((x["message_id"] or "").strip("<>") for x in m)
ok(got == box and all(x["status"] != "new" for x in m),
   "after a SIGTERM during the fetch and a restart: every message once, all processed (%d rows)" % len(m))
EOF
fi

if [[ " $PARTS " == *" 2 "* ]]; then
	# ---- part 2: the SMTP server down, then 451, then up --------------------------------
	"$PY" "$GEN" "$T_DIR/gen2" 20 --seed 22 --senders 6 --until "$TODAY" --weeks 2 \
		--meeting "$MEETING" 2>/dev/null || fatal "genmail.py failed"
	conf smtp Del2
	actl meeting meeting add "$MEETING" 17:00 --place "Stadshuset"
	expect_rc 0 $? "meeting add $MEETING"
	sink_stop
	rm -f "$SMTP_OUT"/*
	MS load "$MAILSERVER_DIR" Del2 "$T_DIR"/gen2/*.eml || fatal "loading the mailbox failed"
	start_daemon smtp
	wait_for 30 "SELECT count(*) || ' ' || sum(status <> 'new') FROM messages" "20 20" ||
		fail "agendad imports the 20 mails while the SMTP server is down"
	wait_for 15 "SELECT count(*) > 0 AND count(*) = sum(status = 'queued') AND
		sum(last_error IS NOT NULL) > 0 FROM outbox" 1 ||
		fail "the acknowledgements stay queued, with an error, while the SMTP server is down"
	actl smtp-draft send-draft --meeting "$MEETING"
	expect_rc 0 $? "send-draft --meeting $MEETING while the SMTP server is down"

	# wake: a new mail (an auto-reply: no question, no acknowledgement) starts a cycle
	WAKES=0
	wake() {
		WAKES=$((WAKES + 1))
		printf '%s\r\n' "From: Lena Ek <lena.ek@dhr-exempelstad.example>" \
			"To: lss-samverkan@exempelstad.example" "Subject: Automatiskt svar: Dagordning" \
			"Date: $(date -R)" "Message-ID: <wake$WAKES.$$@dhr-exempelstad.example>" \
			"Auto-Submitted: auto-replied" "MIME-Version: 1.0" \
			"Content-Type: text/plain; charset=utf-8" "" "Jag är ledig till och med måndag." \
			>"$T_DIR/wake$WAKES.eml"
		MS load "$MAILSERVER_DIR" Del2 "$T_DIR/wake$WAKES.eml" || fail "loading a wake-up mail"
	}
	# the backoff, skipped: every queued mail is due now
	due_now() { q "UPDATE outbox SET next_attempt = strftime('%s', 'now') WHERE status = 'queued'" >/dev/null; }

	# still down: the drafts are tried too, and stay queued
	due_now
	wake
	wait_for 20 "SELECT count(*) FROM messages WHERE status <> 'new'" 21 ||
		fail "the wake-up mail is processed"
	sleep 1
	actl smtp-down outbox --json
	pycheck "$T_DIR/log/smtp-down.out" "$SMTP_OUT" <<'EOF'
o = load(sys.argv[1])
ok(len(o) >= 3 and all(x["status"] == "queued" for x in o),
   "SMTP down: outbox --json shows every mail queued (%s)" % [(x["kind"], x["status"]) for x in o])
errs = [x["last_error"] for x in o if x.get("last_error")]
ok(errs and all(x["attempts"] >= 1 for x in o if x.get("last_error")),
   "SMTP down: outbox --json shows the error of the failed attempts (%s)" % errs[:1])
ok("agenda" in [x["kind"] for x in o], "SMTP down: the draft is queued too")
ok(not glob.glob(os.path.join(sys.argv[2], "*.eml")), "SMTP down: nothing reached the server")
EOF
	actl smtp-status status --json
	st=$?
	echo "# SMTP down: agendactl status exits $st: $(tr -d '\n' <"$T_DIR/log/smtp-status.out" | cut -c1-200)"

	# 451 to every transaction: still queued, with the server's reply
	echo tempfail >"$SMTP_MODE_FILE"
	sink_start
	attempts=$(q "SELECT sum(attempts) FROM outbox")
	due_now
	wake
	wait_for 20 "SELECT count(*) = sum(status = 'queued' AND last_error LIKE '%451%') FROM outbox" 1 ||
		fail "SMTP 451: every mail stays queued with the 451 reply as its error"
	actl smtp-451 outbox --json
	pycheck "$T_DIR/log/smtp-451.out" "$SMTP_OUT" "$attempts" <<'EOF'
o = load(sys.argv[1])
ok(all(x["status"] == "queued" and "451" in (x["last_error"] or "") for x in o),
   "SMTP 451: outbox --json shows every mail queued with the server's 451 reply")
ok(sum(x["attempts"] for x in o) >= int(sys.argv[3]) + len(o), "SMTP 451: each mail was tried again")
ok(not glob.glob(os.path.join(sys.argv[2], "*.eml")), "SMTP 451: nothing was accepted")
EOF

	# up: delivered, exactly once
	echo ok >"$SMTP_MODE_FILE"
	due_now
	wake
	wait_for 20 "SELECT count(*) = sum(status = 'sent') FROM outbox" 1 ||
		fail "SMTP up: every queued mail is sent"
	# and once more: nothing is sent twice
	wake
	wait_for 20 "SELECT count(*) FROM messages WHERE status <> 'new'" $((20 + WAKES)) ||
		fail "the last wake-up mail is processed"
	sleep 1
	stop_daemon
	expect_rc 0 $? "agendad exits 0 on SIGTERM"
	actl smtp-up outbox --json
	pycheck "$T_DIR/log/smtp-up.out" "$SMTP_OUT" <<'EOF'
from collections import Counter
o = load(sys.argv[1])
got = mails(sys.argv[2])
ids = Counter((x["msg"].get("Message-ID") or "").strip().strip("<>") for x in got)
ok(all(x["status"] == "sent" for x in o), "SMTP up: outbox --json shows every mail sent")
ok(len(got) == len(o), "SMTP up: the server received %d mails, one per outbox row (got %d)" % (len(o), len(got)))
ok(all(ids[x["message_id"]] == 1 for x in o), "SMTP up: each mail arrived exactly once (%s)"
   % {k: v for k, v in ids.items() if v != 1})
ok(sorted((x["to"], x["subject"]) for x in o) ==
   sorted((x["meta"]["rcpt_tos"][0], norm(header(x["msg"], "Subject"))) for x in got),
   "SMTP up: to the right recipients, with the right subjects")
EOF
	actl smtp-final status
	expect_rc 0 $? "agendactl status says healthy once the mail is out"
fi
t_done

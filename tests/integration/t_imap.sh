#!/usr/bin/env bash
# t_imap.sh - agendad's IMAP side against real Dovecot (issue 4, "## IMAP").
#
# Dovecot writes every IMAP session to a rawlog (mailserver.sh IMAP_RAWLOG=1), so the
# checks see the commands agendad sent, with their times, besides what it stored.
#
# 1. processed_mailbox "Behandlade frågor" (a Swedish name: modified UTF-7 on the wire):
#    with MOVE (Dovecot's default) every imported mail is moved there with UID MOVE and
#    the INBOX is empty; without MOVE (a second Dovecot whose imap_capability leaves it
#    out) with UID COPY, \Deleted and UID EXPUNGE; without MOVE and UIDPLUS (the same
#    Dovecot reloaded) with COPY and \Deleted only: never a plain EXPUNGE, which would
#    also remove what the user deleted. A second run imports and fetches nothing again.
# 2. IDLE: agendad as a daemon stores each newly delivered mail within 2 s (measured
#    from the moment the file lands in the maildir's new/ to the moment its row is in the
#    database, read every 0.05 s; `agendactl messages --json` must list it too, and the
#    figures of both are printed), also two mails in a row, the second arriving while
#    the first is being processed. With idle = no and poll_interval = 5 it polls
#    instead: no IDLE command, a SELECT every ~5 s, a new mail stored within the
#    interval. SIGTERM ends the daemon at once with exit 0.
# 3. UIDVALIDITY: the mailbox is deleted and created again (new UIDVALIDITY) and the
#    same mails (one of them without Message-ID) are loaded again with two new ones:
#    the next --once logs the change, adds only the two new ones (Message-IDs unique,
#    the one without by the hash of its bytes), sends no second acknowledgement, and
#    leaves every message \Seen.
# 4. Connection loss, server restart and login failure under a running daemon (on a
#    Dovecot of its own, beside parts 1-3, which keeps the test short): Dovecot is
#    stopped until agendad's first retry has failed too (7-9 s) and started again;
#    agendad logs one error (not one per retry), retries after ~5 s and then ~10 s (no
#    busy loop), recovers by itself and stores a mail delivered while it was down and
#    one delivered after; `agendactl status` says failing (exit 2) while down and
#    healthy (exit 0) after. Then the password changes on the server and the session is
#    kicked: one login failure logged, status failing; with the password back it
#    recovers.
# T_PARTS="processed idle uidvalidity restart" (default) selects the parts.
# "check && pass ... || fail ...": pass never fails (SC2015); functions run from traps and
# subshells (SC2317)
# shellcheck disable=SC2015,SC2317
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init imap
PARTS=${T_PARTS:-processed idle uidvalidity restart}
has_part() { [[ " $PARTS " == *" $1 "* ]]; }
MS() { bash "$T_HARNESS/mailserver.sh" "$@"; }
DPID="" SPID="" BG_PID=""
: >"$T_DIR/daemons" # the pid of every agendad started, to stop them on any exit
on_exit() {
	local rc=$? p
	[ -z "$BG_PID" ] || kill -TERM "$BG_PID" 2>/dev/null
	while read -r p; do
		{ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "$T_DIR/" &&
			kill -KILL "$p" 2>/dev/null
	done <"$T_DIR/daemons"
	[ -z "$BG_PID" ] || wait "$BG_PID" 2>/dev/null
	(exit "$rc")
	t_cleanup
}
trap on_exit EXIT
# Dovecot 2.3's default CAPABILITY after login, less MOVE
CAPS_NO_MOVE="IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY \
THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT \
CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES \
WITHIN CONTEXT=SEARCH LIST-STATUS BINARY SPECIAL-USE"
PROCESSED="Behandlade frågor"

# ---- helpers -------------------------------------------------------------------------

# mail_start_bg NAME [VAR=V...]: mail_start in the background (openssl and Dovecot's
# start take a second or two each); mail_wait_bg waits for all of them
BG_STARTS=()
mail_start_bg() {
	local name=$1
	shift
	T_SERVERS+=("$T_DIR/$name")
	env "$@" bash "$T_HARNESS/mailserver.sh" start "$T_DIR/$name" >"$T_DIR/log/start-$name.out" 2>&1 &
	BG_STARTS+=("$!:$name")
}
mail_wait_bg() {
	local s
	for s in "${BG_STARTS[@]}"; do
		wait "${s%%:*}" || { cat "$T_DIR/log/start-${s#*:}.out"; fatal "mail servers '${s#*:}' did not start"; }
	done
	BG_STARTS=()
}

# bg_part NAME FUNCTION: FUNCTION in a background subshell (with its own servers and
# daemon), its output in log/NAME.checks; bg_wait counts its checks here
bg_part() {
	(
		trap '[ -z "$DPID" ] || kill -KILL "$DPID" 2>/dev/null' EXIT
		trap 'exit 130' INT TERM
		VERBOSE=1 T_PASS=0 T_FAIL=0
		"$2"
	) >"$T_DIR/log/$1.checks" 2>&1 &
	BG_PID=$!
}
bg_wait() {
	local rc line
	wait "$BG_PID"
	rc=$?
	BG_PID=""
	while IFS= read -r line; do
		case "$line" in
		"ok   - "*) pass "${line#ok   - }" ;;
		"FAIL - "*) fail "${line#FAIL - }" ;;
		*) echo "$line" ;;
		esac
	done <"$T_DIR/log/$1.checks"
	[ "$rc" = 0 ] || fail "part $1 stopped early (exit $rc)"
}

# gen DIR TAG N [NOID...]: N question mails DIR/TAG-1.eml ... from N members of FUB
# (distinct senders and questions), dated two minutes ago; the numbers in NOID get no
# Message-ID. Prints nothing; the Message-ID of TAG-i is in DIR/TAG-i.mid.
GEN_SEQ=0
gen() {
	local dir=$1 tag=$2 n=$3
	shift 3
	mkdir -p "$dir"
	"$PY" - "$dir" "$tag" "$n" "$GEN_SEQ" "$@" <<'EOF' || fatal "gen $tag"
import datetime, email.utils, os, sys, uuid
d, tag, n, seq = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
noid = {int(x) for x in sys.argv[5:]}
QUESTIONS = [
    ("Kön till gruppbostad", "Hur lång är kön till gruppbostad i kommunen just nu, och hur många har väntat längre än sex månader på sitt beslut?"),
    ("Daglig verksamhet Solrosen", "Varför har öppettiderna på daglig verksamhet Solrosen minskats till fyra dagar i veckan, och vad gör deltagarna den femte dagen?"),
    ("Korttidsvistelse i sommar", "Kan kommunen erbjuda korttidsvistelse även i juli, när ordinarie personal har semester och många familjer behöver avlösning?"),
    ("Utbildning om epilepsi", "Hur säkerställer socialförvaltningen att nyanställda personliga assistenter får utbildning i epilepsi innan de arbetar ensamma?"),
    ("Ledsagarservice", "Varför tar handläggningen av ansökningar om ledsagarservice över tre månader, när riktlinjen säger fyra veckor?"),
    ("Habiliteringsersättning", "Kommer habiliteringsersättningen att höjas nästa år, och i så fall med hur många kronor per dag?"),
    ("Personalkontinuitet på Eken", "Hur arbetar kommunen med kontinuiteten i personalgruppen på LSS-boendet Eken, där de boende möter nya vikarier varje vecka?"),
    ("Fritid på helger", "Vilka fritidsaktiviteter erbjuds vuxna med intellektuell funktionsnedsättning på helgerna, nu när träffpunkten har stängt på lördagar?"),
    ("Sena färdtjänstresor", "Varför kommer färdtjänsten ofta mer än en halvtimme för sent till daglig verksamhet på morgonen?"),
    ("Digitala beslut", "Kan kallelser och beslut skickas digitalt, med en lättläst sammanfattning överst?"),
    ("Klagomål på bemötande", "Hur följer kommunen upp klagomål på bemötandet inom hemtjänsten för personer med autism?"),
    ("Funktionshinderplanen", "Hur ska föreningarna involveras i arbetet med den nya funktionshinderplanen innan den går till nämnden?"),
    ("Stöd i skolan", "Vilket stöd får elever med NPF-diagnos när de inte orkar vara i klassrummet hela skoldagen?"),
    ("Korttidstillsyn för ungdomar", "Hur många platser i korttidstillsyn finns det för ungdomar över tolv år, och hur lång är väntetiden?"),
    ("Servicebostaden på Norrgatan", "När öppnar den nya servicebostaden på Norrgatan, och hur fördelas lägenheterna mellan dem som står i kö?"),
    ("Avgift för matdistribution", "Varför har avgiften för matdistribution höjts utan att brukarna informerades i förväg?"),
    ("Kontaktperson", "Hur lång tid tar det i dag att få en kontaktperson efter beslut, och hur rekryterar kommunen fler?"),
    ("Tillgänglighet i simhallen", "När blir omklädningsrummen i simhallen tillgängliga för rullstolsburna besökare?"),
    ("Hjälpmedel", "Varför har väntetiden för elrullstolar från hjälpmedelscentralen blivit så lång i år?"),
    ("Boendestöd", "Hur många timmar boendestöd i veckan får en person i genomsnitt, och har det minskat sedan förra året?"),
    ("Syntolkning", "Kan kommunens informationsfilmer få syntolkning och textning, så att alla medlemmar kan ta del av dem?"),
    ("Ansökan om assistans", "Hur hjälper kommunen familjer som får avslag på assistans från Försäkringskassan att ansöka om insatser enligt LSS?"),
    ("Lokaler för daglig verksamhet", "Stämmer det att daglig verksamhet Verkstan ska flytta, och får deltagarna vara med och välja nya lokaler?"),
    ("Avlösarservice", "Varför erbjuds avlösarservice bara dagtid, när många föräldrar behöver avlösning på kvällar?"),
]
when = email.utils.format_datetime(
    (datetime.datetime.now().astimezone() - datetime.timedelta(minutes=2)).replace(microsecond=0))
for i in range(1, n + 1):
    subject, question = QUESTIONS[(seq + i - 1) % len(QUESTIONS)]
    local = "medlem.%s.%d" % (tag.lower(), i)
    mid = "%s-%d.%s@fubexempelstad.example" % (tag, i, uuid.uuid4().hex[:12])
    head = ["From: Medlem %s %d <%s@fubexempelstad.example>" % (tag, i, local),
            "To: LSS-samverkan <lss-samverkan@exempelstad.example>",
            "Subject: =?UTF-8?Q?%s?=" % "".join(
                c if c.isascii() and c.isalnum() else "_" if c == " " else
                "".join("=%02X" % b for b in c.encode()) for c in "Fråga: " + subject),
            "Date: " + when]
    if i not in noid:
        head.append("Message-ID: <%s>" % mid)
    head += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit"]
    body = "Hej!\n\n%s\n\nMed vänlig hälsning\nMedlem %s %d\nFUB Exempelstad\n" % (question, tag, i)
    raw = ("\n".join(head) + "\n\n" + body).replace("\n", "\r\n").encode("utf-8")
    with open(os.path.join(d, "%s-%d.eml" % (tag, i)), "wb") as f:
        f.write(raw)
    with open(os.path.join(d, "%s-%d.mid" % (tag, i)), "w") as f:
        f.write("" if i in noid else mid)
EOF
	GEN_SEQ=$((GEN_SEQ + n))
}

# conf NAME [SED-EXPR...]: a config with its own database under $T_DIR/NAME for the
# servers of the last mail_use, edited by the sed expressions
conf() {
	local name=$1 e
	shift
	write_conf "$T_DIR/$name/agendad.conf"
	for e in "$@"; do sed -i "$e" "$CONF"; done
}

count() { MS count "$MAILSERVER_DIR" "$@"; }

# Rawlog sessions: rl_mark remembers the sessions so far; rl_new lists the *.in files
# of the sessions since (what the client sent, a "TIME TAG COMMAND" line each).
RL_SEEN=""
rl_mark() {
	local f
	RL_SEEN=""
	for f in "$RAW"/*.in; do [ -e "$f" ] && RL_SEEN+="$f "; done
}
rl_new() {
	local f
	for f in "$RAW"/*.in; do
		[ -e "$f" ] || continue
		case " $RL_SEEN " in *" $f "*) ;; *) echo "$f" ;; esac
	done
}
rl_grep() { # rl_grep PATTERN: lines of the new sessions matching the extended regex
	local files
	files=$(rl_new)
	[ -n "$files" ] || return 0
	# shellcheck disable=SC2086
	cat $files | tr -d '\r' | grep -E -- "$1" || true
}
rl_count() { rl_grep "$1" | grep -c . || true; }

# wait_stored LIMIT MESSAGE-ID T0 [MESSAGE-ID T0...]: one line per message, "DB CTL":
# the seconds from its T0 until it is in agendad's database (the store's messages table,
# read every 0.05 s: when it is stored) and until `agendactl messages --json` lists it
# (run every 0.1 s; each run takes 0.2-1 s, mostly loading the classifier), or "timeout"
# after LIMIT seconds
wait_stored() {
	"$PY" - "$AGENDAD_BUILD/agendactl" "$CONF" "$@" <<'EOF'
import json, re, sqlite3, subprocess, sys, time
ctl, conf, limit, rest = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
want = [(rest[i], float(rest[i + 1])) for i in range(0, len(rest), 2)]
deadline = min(t for _, t in want) + limit
db = re.search(r"^database = (.*)$", open(conf, encoding="utf-8").read(), re.M).group(1).strip()
in_db, listed = {}, {}
con = sqlite3.connect(db, timeout=5)
while len(in_db) < len(want) and time.time() < deadline:
    for mid, t0 in want:
        if mid not in in_db and con.execute("SELECT 1 FROM messages WHERE message_id = ?",
                                            (mid,)).fetchone():
            in_db[mid] = time.time() - t0
    time.sleep(0.05)
con.close()
while len(listed) < len(want) and time.time() < deadline + 5:
    out = subprocess.run([ctl, "-c", conf, "messages", "--json"], capture_output=True).stdout
    now = time.time()
    try:
        ids = {m.get("message_id") for m in json.loads(out)}
    except ValueError:
        ids = set()
    for mid, t0 in want:
        if mid in ids and mid not in listed:
            listed[mid] = now - t0
    time.sleep(0.1)
fmt = lambda d, k: "%.2f" % d[k] if k in d else "timeout"
for mid, _ in want:
    print(fmt(in_db, mid), fmt(listed, mid))
EOF
}
# within SECONDS MAX: SECONDS is a number <= MAX
within() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "timeout" && a + 0 <= b + 0) }'; }

# deliver FILE: load one mail into the INBOX now; DELIVERED_AT is the moment it landed
# in the maildir's new/ (where Dovecot's inotify sees it), LOAD_TOOK how long the whole
# `mailserver.sh load` took (it also asks doveadm before and after)
deliver() {
	local times=$T_DIR/load.times.$BASHPID start=$EPOCHREALTIME
	rm -f "$times"
	LOAD_TIMES=$times MS load "$MAILSERVER_DIR" INBOX "$1" || fatal "load $1"
	DELIVERED_AT=$(cut -d' ' -f1 "$times")
	LOAD_TOOK=$("$PY" -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' \
		"$start" "$EPOCHREALTIME")
}

# The daemon: agendad -v in the background, every line of its log with the time it was
# written (epoch seconds) in front.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }
start_daemon() { # start_daemon LOG
	DLOG=$T_DIR/log/$1.log
	rm -f "$T_DIR/$1.fifo"
	mkfifo "$T_DIR/$1.fifo"
	stamp <"$T_DIR/$1.fifo" >"$DLOG" &
	SPID=$!
	"$AGENDAD_BUILD/agendad" -c "$CONF" -v >"$T_DIR/$1.fifo" 2>&1 &
	DPID=$!
	echo "$DPID" >>"$T_DIR/daemons"
}
# stop_daemon WHAT: SIGTERM; it must exit 0 within 5 s
stop_daemon() {
	local t=0 rc
	kill -TERM "$DPID" 2>/dev/null
	while kill -0 "$DPID" 2>/dev/null && [ $t -lt 50 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if kill -0 "$DPID" 2>/dev/null; then
		fail "$1: agendad still runs 5 s after SIGTERM"
		kill -KILL "$DPID" 2>/dev/null
	fi
	wait "$DPID"
	rc=$?
	DPID=""
	wait "$SPID" 2>/dev/null
	expect_rc 0 $rc "$1: agendad exits 0 on SIGTERM"
}
# wait_log PATTERN SECONDS: until the daemon's log has a line matching PATTERN
wait_log() {
	local t=0
	until grep -qE -- "$1" "$DLOG"; do
		t=$((t + 1))
		[ "$t" -le $(($2 * 10)) ] || return 1
		sleep 0.1
	done
}
# wait_idle SECONDS: until a session since the last rl_mark has sent IDLE
wait_idle() {
	local t=0
	until [ "$(rl_count ' IDLE$')" -gt 0 ]; do
		t=$((t + 1))
		[ $t -le $(($1 * 10)) ] || return 1
		sleep 0.1
	done
}
mids_of() { # Message-IDs of .mid files
	local f
	for f; do printf '%s ' "$(cat "$f")"; done
}

# ---- 1. processed_mailbox ------------------------------------------------------------

part_processed() {
	echo "# --- processed_mailbox ---"
	local box="$PROCESSED" n
	gen "$T_DIR/proc" P 3
	conf move "s|^mailbox = INBOX\$|mailbox = INBOX\\nprocessed_mailbox = $box|"
	MS load "$MAILSERVER_DIR" INBOX "$T_DIR"/proc/P-*.eml || fatal "load P"
	rl_mark
	ad move-once1 --once
	expect_rc 0 $? "MOVE: agendad --once with processed_mailbox = $box"
	actl move-m1 messages --json
	json_assert "$T_DIR/log/move-m1.out" "len(d) == 3" "MOVE: 3 messages stored"
	[ "$(count INBOX)" = 0 ] && pass "MOVE: the INBOX is empty afterwards" ||
		fail "MOVE: the INBOX still holds $(count INBOX) messages"
	[ "$(count "$box")" = 3 ] && pass "MOVE: the 3 mails are in '$box'" ||
		fail "MOVE: '$box' holds $(count "$box") messages, want 3"
	[ "$(rl_count 'UID MOVE [0-9:,]+ "?Behandlade fr&AOU-gor"?$')" -ge 1 ] &&
		pass "MOVE: agendad sent UID MOVE to the modified UTF-7 name" ||
		fail "MOVE: no UID MOVE to \"Behandlade fr&AOU-gor\" in the rawlog ($(rl_grep 'MOVE|COPY' | cut -c1-120))"
	[ "$(rl_count 'COPY|EXPUNGE')" = 0 ] && pass "MOVE: no COPY or EXPUNGE where MOVE is offered" ||
		fail "MOVE: COPY or EXPUNGE although the server offers MOVE"
	rl_mark
	ad move-once2 --once
	expect_rc 0 $? "MOVE: a second --once"
	actl move-m2 messages --json
	json_assert "$T_DIR/log/move-m2.out" "len(d) == 3" "MOVE: nothing imported twice"
	[ "$(rl_count 'BODY.PEEK\[\]|MOVE')" = 0 ] && pass "MOVE: the second run fetches and moves nothing" ||
		fail "MOVE: the second run fetched or moved again: $(rl_grep 'BODY.PEEK|MOVE' | cut -c1-120)"
	[ "$(count "$box")" = 3 ] || fail "MOVE: '$box' holds $(count "$box") messages after the second run"

	# a server without MOVE: COPY + \Deleted + UID EXPUNGE (UIDPLUS)
	mail_use nomove
	local raw_main=$RAW
	RAW=$MAILSERVER_DIR/rawlog
	conf nomove "s|^mailbox = INBOX\$|mailbox = INBOX\\nprocessed_mailbox = $box|" \
		's/^acknowledge = yes/acknowledge = no/'
	gen "$T_DIR/proc" Q 3
	MS load "$MAILSERVER_DIR" INBOX "$T_DIR"/proc/Q-*.eml || fatal "load Q"
	rl_mark
	ad nomove-once1 --once
	expect_rc 0 $? "no MOVE: agendad --once with processed_mailbox"
	n=$(rl_new | head -n 1)
	if [ -n "$n" ] && ! grep -q MOVE "${n%.in}.out" && grep -q UIDPLUS "${n%.in}.out"; then
		pass "no MOVE: Dovecot announced UIDPLUS and no MOVE"
	else
		fail "no MOVE: the session's CAPABILITY is not what the test needs"
	fi
	actl nomove-m1 messages --json
	json_assert "$T_DIR/log/nomove-m1.out" "len(d) == 3" "no MOVE: 3 messages stored"
	[ "$(count INBOX)" = 0 ] && pass "no MOVE: the INBOX is empty afterwards (UID EXPUNGE)" ||
		fail "no MOVE: the INBOX still holds $(count INBOX) messages"
	[ "$(count "$box")" = 3 ] && pass "no MOVE: the 3 mails are in '$box'" ||
		fail "no MOVE: '$box' holds $(count "$box") messages, want 3"
	if [ "$(rl_count 'UID COPY [0-9:,]+ "?Behandlade fr&AOU-gor"?$')" -ge 1 ] &&
		[ "$(rl_count 'UID STORE [0-9:,]+ \+FLAGS.SILENT \(\\Deleted\)')" -ge 1 ] &&
		[ "$(rl_count 'UID EXPUNGE [0-9:,]+$')" -ge 1 ] && [ "$(rl_count 'MOVE| EXPUNGE$')" = 0 ]; then
		pass "no MOVE: UID COPY, UID STORE \\Deleted and UID EXPUNGE, no MOVE, no plain EXPUNGE"
	else
		fail "no MOVE: not COPY + \\Deleted + UID EXPUNGE: $(rl_grep 'COPY|STORE|EXPUNGE|MOVE' | cut -c1-100 | tr '\n' '|')"
	fi
	rl_mark
	ad nomove-once2 --once
	expect_rc 0 $? "no MOVE: a second --once"
	actl nomove-m2 messages --json
	json_assert "$T_DIR/log/nomove-m2.out" "len(d) == 3" "no MOVE: nothing imported twice"
	[ "$(count "$box")" = 3 ] && pass "no MOVE: '$box' still holds 3 after the second run" ||
		fail "no MOVE: '$box' holds $(count "$box") after the second run"

	# neither MOVE nor UIDPLUS (the same Dovecot, reloaded): a plain EXPUNGE would also
	# remove what the user marked \Deleted, so the imported ones stay, \Deleted
	sed -i "s/^imap_capability = .*/imap_capability = ${CAPS_NO_MOVE/ UIDPLUS/}/" "$DOVECOT_CONF"
	doveadm -c "$DOVECOT_CONF" reload || fail "doveadm reload"
	sleep 0.5
	gen "$T_DIR/proc" R 2
	MS load "$MAILSERVER_DIR" INBOX "$T_DIR"/proc/R-*.eml || fatal "load R"
	rl_mark
	ad nomove-once3 --once
	expect_rc 0 $? "no MOVE, no UIDPLUS: agendad --once"
	n=$(rl_new | head -n 1)
	[ -n "$n" ] && ! grep -q 'UIDPLUS' "${n%.in}.out" ||
		fail "no UIDPLUS: Dovecot still announces UIDPLUS after the reload"
	actl nomove-m3 messages --json
	json_assert "$T_DIR/log/nomove-m3.out" "len(d) == 5" "no UIDPLUS: 2 more messages stored"
	[ "$(count "$box")" = 5 ] && pass "no UIDPLUS: the 2 new mails are copied to '$box'" ||
		fail "no UIDPLUS: '$box' holds $(count "$box"), want 5"
	[ "$(count INBOX deleted)" = 2 ] && [ "$(count INBOX)" = 2 ] &&
		pass "no UIDPLUS: they stay in the INBOX marked \\Deleted (no plain EXPUNGE)" ||
		fail "no UIDPLUS: INBOX holds $(count INBOX) messages, $(count INBOX deleted) \\Deleted; want 2 and 2"
	[ "$(rl_count 'EXPUNGE')" = 0 ] && pass "no UIDPLUS: no EXPUNGE of any kind" ||
		fail "no UIDPLUS: agendad sent $(rl_grep EXPUNGE | cut -c1-80)"
	rl_mark
	ad nomove-once4 --once
	expect_rc 0 $? "no UIDPLUS: a second --once"
	actl nomove-m4 messages --json
	json_assert "$T_DIR/log/nomove-m4.out" "len(d) == 5" "no UIDPLUS: the \\Deleted ones are not imported again"
	[ "$(count "$box")" = 5 ] && pass "no UIDPLUS: nothing copied twice" ||
		fail "no UIDPLUS: '$box' holds $(count "$box") after the second run, want 5"

	bash "$T_HARNESS/mailserver.sh" stop "$MAILSERVER_DIR" >/dev/null 2>&1 &
	NOMOVE_STOPPER=$!
	mail_use mail
	RAW=$raw_main
}

# ---- 2. IDLE and polling -------------------------------------------------------------

LAT_IDLE=() LAT_CTL=()
part_idle() {
	echo "# --- IDLE and polling ---"
	local i lat ctl mid
	gen "$T_DIR/idle" I 6
	conf daemon
	rl_mark
	start_daemon idle
	wait_idle 15 || fatal "IDLE: agendad never sent IDLE (log: $(tail -n 3 "$DLOG" | tr '\n' '|'))"
	pass "IDLE: the daemon waits in IDLE"
	local took=()
	for i in 1 2 3 4; do
		sleep "0.$((RANDOM % 6 + 2))"
		mid=$(cat "$T_DIR/idle/I-$i.mid")
		deliver "$T_DIR/idle/I-$i.eml"
		took+=("$LOAD_TOOK")
		read -r lat ctl < <(wait_stored 10 "$mid" "$DELIVERED_AT")
		LAT_IDLE+=("$lat")
		LAT_CTL+=("$ctl")
		within "$lat" 2.0 && pass "IDLE: mail $i stored ${lat}s after its delivery" ||
			fail "IDLE: mail $i stored ${lat}s after its delivery (want <= 2 s)"
		[ "$ctl" != timeout ] || fail "IDLE: agendactl messages --json does not list mail $i"
	done
	# two in a row: the second arrives while the first is being fetched and processed
	local t5 res
	deliver "$T_DIR/idle/I-5.eml"
	t5=$DELIVERED_AT
	deliver "$T_DIR/idle/I-6.eml"
	mapfile -t res < <(wait_stored 10 "$(cat "$T_DIR/idle/I-5.mid")" "$t5" \
		"$(cat "$T_DIR/idle/I-6.mid")" "$DELIVERED_AT")
	for i in 0 1; do
		read -r lat ctl <<<"${res[$i]:-timeout timeout}"
		LAT_IDLE+=("$lat")
		LAT_CTL+=("$ctl")
		within "$lat" 2.0 && pass "IDLE: mail $((i + 5)) of two in a row stored ${lat}s after its delivery" ||
			fail "IDLE: mail $((i + 5)) of two in a row stored ${lat}s after its delivery (want <= 2 s)"
		[ "$ctl" != timeout ] || fail "IDLE: agendactl messages --json does not list mail $((i + 5))"
	done
	echo "# IDLE latencies (s) from the mail landing in the maildir to its row in the database:" \
		"${LAT_IDLE[*]}; to agendactl messages --json listing it: ${LAT_CTL[*]}" \
		"(mailserver.sh load itself took ${took[*]} s)"
	[ "$(rl_count ' DONE$')" -ge 1 ] && pass "IDLE: agendad ends IDLE with DONE to fetch" ||
		fail "IDLE: no DONE in the rawlog"
	# where the time goes: Dovecot's "* N EXISTS" to agendad's UID FETCH, from the rawlog
	# shellcheck disable=SC2046 # rawlog names have no blanks
	"$PY" - $(rl_new) <<'EOF'
import sys
ev = []
for f in sys.argv[1:]:
    for name, kind in ((f, "in"), (f[:-3] + ".out", "out")):
        for line in open(name, encoding="utf-8", errors="replace"):
            t, _, rest = line.rstrip("\r\n").partition(" ")
            ev.append((float(t), kind, rest))
ev.sort()
gaps, seen, idling = [], None, False
for t, kind, rest in ev:
    if kind == "in" and rest.split(" ")[-1] in ("IDLE", "DONE"):
        idling = rest.endswith("IDLE")
    elif kind == "out" and rest.endswith(" EXISTS") and idling and seen is None:
        seen = t
    elif kind == "in" and " UID FETCH " in rest and "BODY.PEEK[]" in rest and seen is not None:
        gaps.append("%.0f" % ((t - seen) * 1000))
        seen = None
print("#   of that, from Dovecot's EXISTS to agendad's UID FETCH (rawlog, ms): " + " ".join(gaps))
EOF
	stop_daemon "IDLE"
	grep -qE '^[0-9.]+ <[0-3]>' "$DLOG" && fail "IDLE: the daemon logged an error: $(grep -E '^[0-9.]+ <[0-3]>' "$DLOG" | head -n 2)"

	# idle = no, poll_interval = 5: no IDLE, a SELECT every ~5 s
	sed -i 's/^idle = yes/idle = no/; s/^poll_interval = .*/poll_interval = 5/' "$CONF"
	gen "$T_DIR/idle" J 1
	rl_mark
	local start=$EPOCHREALTIME
	start_daemon poll
	local t=0
	until [ "$(rl_count ' SELECT ')" -ge 1 ]; do
		t=$((t + 1))
		[ $t -le 150 ] || fatal "poll: the daemon never selected the mailbox"
		sleep 0.1
	done
	sleep 0.5
	deliver "$T_DIR/idle/J-1.eml"
	read -r lat ctl < <(wait_stored 12 "$(cat "$T_DIR/idle/J-1.mid")" "$DELIVERED_AT")
	within "$lat" 6.5 && pass "poll: a new mail stored ${lat}s after delivery (poll_interval 5)" ||
		fail "poll: a new mail stored ${lat}s after delivery (want <= poll_interval + 1.5 s)"
	[ "$ctl" != timeout ] || fail "poll: agendactl messages --json does not list the mail"
	stop_daemon "poll"
	# shellcheck disable=SC2046 # rawlog names have no blanks
	pycheck "$start" $(rl_new) <<'EOF'
start, files = float(sys.argv[1]), sys.argv[2:]
lines = [l.rstrip("\r\n").split(" ", 2) for f in files for l in open(f, encoding="utf-8", errors="replace")]
selects = sorted(float(l[0]) for l in lines if len(l) == 3 and l[2].startswith("SELECT "))
gaps = [round(b - a, 2) for a, b in zip(selects, selects[1:])]
print("poll: SELECTs %.1f s after the start, gaps %s" % (selects[0] - start if selects else -1, gaps))
ok(not [l for l in lines if len(l) == 3 and l[2].strip() == "IDLE"], "poll: no IDLE with idle = no")
ok(len(selects) >= 2, "poll: the mail came with the second poll or later (%d SELECTs)" % len(selects))
ok(gaps and all(4.8 <= g <= 8.0 for g in gaps), "poll: one poll every ~5 s (gaps %s)" % gaps)
EOF
	grep -qE '^[0-9.]+ <[0-3]>' "$DLOG" && fail "poll: the daemon logged an error: $(grep -E '^[0-9.]+ <[0-3]>' "$DLOG" | head -n 2)"
	sed -i 's/^idle = no/idle = yes/' "$CONF"
}

# ---- 3. UIDVALIDITY ------------------------------------------------------------------

part_uidvalidity() {
	echo "# --- UIDVALIDITY ---"
	local box=Samverkan v1 v2
	gen "$T_DIR/uidv" U 6 4 6 # U-4 and U-6 without Message-ID
	conf uidv "s/^mailbox = INBOX\$/mailbox = $box/"
	MS load "$MAILSERVER_DIR" "$box" "$T_DIR"/uidv/U-{1,2,3,4}.eml || fatal "load U"
	ad uidv-once1 --once
	expect_rc 0 $? "UIDVALIDITY: the first --once"
	actl uidv-m1 messages --json
	json_assert "$T_DIR/log/uidv-m1.out" "len(d) == 4" "UIDVALIDITY: 4 messages stored"
	local acks1
	acks1=$(mail_count)
	v1=$(doveadm -c "$DOVECOT_CONF" -f flow mailbox status -u "$MAIL_LOGIN" uidvalidity "$box" | sed 's/.*uidvalidity=//')
	doveadm -c "$DOVECOT_CONF" mailbox delete -u "$MAIL_LOGIN" "$box" || fatal "doveadm mailbox delete"
	doveadm -c "$DOVECOT_CONF" mailbox create -u "$MAIL_LOGIN" "$box" || fatal "doveadm mailbox create"
	v2=$(doveadm -c "$DOVECOT_CONF" -f flow mailbox status -u "$MAIL_LOGIN" uidvalidity "$box" | sed 's/.*uidvalidity=//')
	[ -n "$v1" ] && [ "$v1" != "$v2" ] || fatal "UIDVALIDITY did not change ($v1 -> $v2)"
	MS load "$MAILSERVER_DIR" "$box" "$T_DIR"/uidv/U-{1,2,3,4,5,6}.eml || fatal "load U again"
	ad uidv-once2 --once
	expect_rc 0 $? "UIDVALIDITY: --once after the change"
	grep -q "UIDVALIDITY of $box changed ($v1 -> $v2)" "$T_DIR/log/uidv-once2.log" &&
		pass "UIDVALIDITY: the change $v1 -> $v2 is logged" ||
		fail "UIDVALIDITY: no 'UIDVALIDITY of $box changed ($v1 -> $v2)' in the log"
	actl uidv-m2 messages --json
	# shellcheck disable=SC2046 # Message-IDs have no blanks
	pycheck "$T_DIR/log/uidv-m1.out" "$T_DIR/log/uidv-m2.out" $(mids_of "$T_DIR"/uidv/U-{1,2,3,5}.mid) <<'EOF'
before, after, want = load(sys.argv[1]), load(sys.argv[2]), set(sys.argv[3:])
ids = [m["message_id"] for m in after]
ok(len(after) == 6, "UIDVALIDITY: 6 messages after the re-scan: the 4 old ones once, the 2 new ones (got %d)" % len(after))
ok(len([i for i in ids if i]) == len(set(i for i in ids if i)), "UIDVALIDITY: every Message-ID once (%s)" % sorted(i for i in ids if i))
ok(set(i for i in ids if i) == want, "UIDVALIDITY: the Message-IDs are exactly those loaded")
ok(len([i for i in ids if not i]) == 2, "UIDVALIDITY: the old mail without Message-ID is known by its bytes, the new one is added (%d without)" % len([i for i in ids if not i]))
old = {m["id"]: (m["status"], m["questions"]) for m in before}
ok(all((m["status"], m["questions"]) == old[m["id"]] for m in after if m["id"] in old),
   "UIDVALIDITY: the old messages keep their id, status and questions")
ok(not [m for m in after if m["status"] == "duplicate"], "UIDVALIDITY: nothing recorded as a duplicate")
EOF
	[ "$(count "$box" unseen)" = 0 ] && [ "$(count "$box")" = 6 ] &&
		pass "UIDVALIDITY: all 6 messages \\Seen on the server" ||
		fail "UIDVALIDITY: $(count "$box" unseen) of $(count "$box") messages unseen"
	[ "$(mail_count)" = $((acks1 + 2)) ] && pass "UIDVALIDITY: acknowledgements for the 2 new mails only" ||
		fail "UIDVALIDITY: $(($(mail_count) - acks1)) acknowledgements after the re-scan, want 2"
	ad uidv-once3 --once
	expect_rc 0 $? "UIDVALIDITY: one more --once"
	actl uidv-m3 messages --json
	json_assert "$T_DIR/log/uidv-m3.out" "len(d) == 6" "UIDVALIDITY: nothing more imported"
}

# ---- 4. connection loss, restart, login failure --------------------------------------

# status_is WANT-HEALTH WANT-RC WHAT
status_is() {
	local rc
	"$AGENDAD_BUILD/agendactl" -c "$CONF" status --json >"$T_DIR/log/status.json" 2>/dev/null
	rc=$?
	local h
	h=$(json_get "$T_DIR/log/status.json" 'd["health"]' 2>/dev/null)
	if [ "$h" = "$1" ] && [ "$rc" = "$2" ]; then
		pass "$3: agendactl status says $1 (exit $rc)"
	else
		fail "$3: agendactl status says '$h' (exit $rc), want $1 (exit $2)"
	fi
}

part_restart() {
	echo "# --- connection loss, restart, login failure ---"
	local t0 up mid lat ctl
	mail_use down
	RAW=$MAILSERVER_DIR/rawlog
	gen "$T_DIR/restart" K 3
	conf restart
	rl_mark
	start_daemon restart
	wait_idle 15 || fatal "restart: agendad never sent IDLE"
	status_is healthy 0 "before the restart"

	t0=$EPOCHREALTIME
	MS imap-stop "$MAILSERVER_DIR" || fatal "imap-stop"
	wait_log '<3>' 5 || fail "down: no error logged within 5 s of the loss"
	status_is failing 2 "while Dovecot is down"
	json_assert "$T_DIR/log/status.json" 'd["error"]' "while down: agendactl status --json has the error"
	echo "#   status error while down: $(json_get "$T_DIR/log/status.json" 'd["error"]')"
	# down until the first retry (after ~5 s) has failed too
	wait_log 'still failing' 15 || fail "down: no second attempt within 15 s"
	MS imap-start "$MAILSERVER_DIR" || fatal "imap-start"
	up=$EPOCHREALTIME
	deliver "$T_DIR/restart/K-1.eml" # while agendad still waits to retry
	wait_log 'working again' 25 || fail "agendad did not recover within 25 s of the restart"
	mid=$(cat "$T_DIR/restart/K-1.mid")
	read -r lat ctl < <(wait_stored 30 "$mid" "$DELIVERED_AT")
	[ "$ctl" != timeout ] &&
		pass "after the restart: the mail delivered while agendad was retrying is stored" ||
		fail "after the restart: the mail delivered while agendad was retrying is not stored"
	wait_idle 5 || true
	sleep 0.3
	deliver "$T_DIR/restart/K-2.eml"
	read -r lat ctl < <(wait_stored 10 "$(cat "$T_DIR/restart/K-2.mid")" "$DELIVERED_AT")
	within "$lat" 2.0 && pass "after the restart: back in IDLE, a new mail stored in ${lat}s" ||
		fail "after the restart: a new mail stored in ${lat}s (want <= 2 s)"
	status_is healthy 0 "after the recovery"
	pycheck "$DLOG" "$t0" "$up" <<'EOF'
log, t0, up = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = []
for line in open(log, encoding="utf-8", errors="replace"):
    t, _, text = line.rstrip("\n").partition(" ")
    rows.append((float(t), text))
recovered = [t for t, x in rows if "working again" in x and t > t0]
end = recovered[0] if recovered else rows[-1][0]
window = [(t, x) for t, x in rows if t0 <= t <= end]
errors = [(t, x) for t, x in window if x[:3] in ("<0>", "<1>", "<2>", "<3>")]
attempts = [t for t, x in window if x[:3] == "<3>" or "still failing" in x]
print("restart: Dovecot down %.1f s; failed attempts at %s s; recovered at %s s (after the stop)"
      % (up - t0, [round(a - t0, 1) for a in attempts], round(end - t0, 1) if recovered else None))
ok(len(errors) == 1, "restart: the failure is logged once at error level (%d: %s)" % (len(errors), [x for _, x in errors]))
ok(2 <= len(attempts) <= 3, "restart: %d failed connection attempts in %.0f s down, no busy loop" % (len(attempts), up - t0))
gaps = [b - a for a, b in zip(attempts + [end], attempts[1:] + [end])][:len(attempts)]
ok(len(gaps) >= 2 and gaps[0] >= 4.5 and gaps[1] >= 9.5 and gaps[1] > gaps[0] * 1.5,
   "restart: the retry interval grows (%s s)" % [round(g, 1) for g in gaps])
ok(bool(recovered) and end - up < 15, "restart: agendad recovered by itself %.1f s after Dovecot was back" % (end - up))
EOF

	# login failure: the password changes on the server, the session is kicked
	local users=$MAILSERVER_DIR/users fails0 fails1 logerr0
	cp "$users" "$T_DIR/users.good"
	sed -i "s/^\\($MAIL_LOGIN:{PLAIN}\\)[^:]*/\\1changed-on-the-server/" "$users"
	fails0=$(grep -c "auth failed" "$DOVECOT_LOG")
	logerr0=$(grep -cE '^[0-9.]+ <3>' "$DLOG")
	t0=$EPOCHREALTIME
	doveadm -c "$DOVECOT_CONF" kick "$MAIL_LOGIN" >/dev/null || fatal "doveadm kick"
	local t=0
	# generous, and the kick repeated every 2 s: on a loaded machine a kick can miss
	# a session that Dovecot's anvil has not registered yet
	until [ "$(grep -c "auth failed" "$DOVECOT_LOG")" -gt "$fails0" ]; do
		t=$((t + 1))
		[ "$t" -le 600 ] || break
		[ $((t % 20)) != 0 ] || doveadm -c "$DOVECOT_CONF" kick "$MAIL_LOGIN" >/dev/null 2>&1
		sleep 0.1
	done
	echo "#   login failure: Dovecot saw the refused login $((t / 10)) s after the kick"
	wait_log 'login as .*(AUTHENTICATIONFAILED|[Aa]uthentication failed)' 30 &&
		pass "login failure: logged, with the server's words" ||
		fail "login failure: no error naming the failed login in the log"
	status_is failing 2 "after a login failure"
	cp "$T_DIR/users.good" "$users"
	t=0
	until [ "$(grep -c 'working again' "$DLOG")" -ge 2 ] || [ "$t" -gt 150 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	[ "$(grep -c 'working again' "$DLOG")" -ge 2 ] && pass "login failure: recovers once the password is right" ||
		fail "login failure: no recovery within 15 s of fixing the password"
	fails1=$(grep -c "auth failed" "$DOVECOT_LOG")
	[ $((fails1 - fails0)) = 1 ] && pass "login failure: one failed login at Dovecot, no retry storm" ||
		fail "login failure: $((fails1 - fails0)) failed logins at Dovecot"
	[ "$(grep -cE '^[0-9.]+ <3>' "$DLOG")" = $((logerr0 + 1)) ] &&
		pass "login failure: logged once at error level" ||
		fail "login failure: $(($(grep -cE '^[0-9.]+ <3>' "$DLOG") - logerr0)) error lines"
	deliver "$T_DIR/restart/K-3.eml"
	read -r lat ctl < <(wait_stored 10 "$(cat "$T_DIR/restart/K-3.mid")" "$DELIVERED_AT")
	[ "$ctl" != timeout ] && pass "login failure: after the recovery a new mail is stored (${lat}s)" ||
		fail "login failure: a new mail is not stored after the recovery"
	status_is healthy 0 "after the login recovery"
	stop_daemon "restart"
}

# ---- main: the restart part on its own Dovecot, beside the others ----------------------

mail_start_bg mail IMAP_RAWLOG=1
has_part processed && mail_start_bg nomove IMAP_RAWLOG=1 SMTP=0 IMAP_CAPABILITY="$CAPS_NO_MOVE"
has_part restart && mail_start_bg down IMAP_RAWLOG=1
mail_wait_bg
mail_use mail
RAW=$MAILSERVER_DIR/rawlog

NOMOVE_STOPPER=""
has_part restart && bg_part restart part_restart
for part in $PARTS; do
	case "$part" in
	processed) part_processed ;;
	idle) part_idle ;;
	uidvalidity) part_uidvalidity ;;
	restart) ;;
	*) fatal "unknown part '$part' in T_PARTS (processed idle uidvalidity restart)" ;;
	esac
done
[ -z "$NOMOVE_STOPPER" ] || wait "$NOMOVE_STOPPER"
[ -z "$BG_PID" ] || bg_wait restart
t_done

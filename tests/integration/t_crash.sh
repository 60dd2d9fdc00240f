#!/usr/bin/env bash
# t_crash.sh - exactly once, proven against real Dovecot and a real SMTP server (issue 4
# "## IMAP" last bullet, issue 8 "## Faults" first bullet).
#
# Part 1, a crash at every kind of commit point (isync's run-tests.pl does the same): a
# mailbox of CRASH_MAILS (260) generated mails (tests/harness/genmail.py, with noise:
# auto-replies, bounces, unknown senders, resends, redeliveries). First one uninterrupted
# run in its own database gives the reference result and the number T of commit points
# (AGENDAD_CRASH_AFTER_COMMIT=N makes agendad _exit(86) right after its Nth commit: the
# smallest N with which a run completes is T + 1). Then, for each chosen N, from the same
# starting state: `agendad --once` with the switch, then `agendad --once` without it, and
# the result must equal the reference: every message in the database exactly once
# (messages --json: Message-IDs and counts, against the mailbox too), every one \Seen on
# the server (or moved to processed_mailbox in the second variant), the same questions
# with the same items, every outgoing mail sent, and the same mail at the SMTP sink (acks
# and drafts by recipient + subject + In-Reply-To, since Message-IDs are random): no
# duplicate, none missing.
#   Two phases, because they hold different commit points: phase 1 imports the mailbox
# with no meeting planned (import, mark, one outcome per message, acknowledgements queued,
# claimed and settled); phase 2 starts from the reference database after phase 1, with
# two meetings (the draft of the first is due, so agendad queues it; the draft of the
# second was queued by `agendactl send-draft`) and CRASH_LATER (5) new mails, which are
# scheduled on a meeting as they are processed, and the four drafts are delivered.
#   Which N: phase 1 has about 290 commit points, phase 2 about 20, and each N costs a
# whole run (2-4 s here), so every N would take a quarter of an hour. The kind of commit N
# is read from the database right after the crash (what changed: a batch stored, marked,
# a message processed, a mail queued, claimed, settled). We run the first 6 (start-up,
# both import batches and their marks, the first outcome), the last 2 (the last settle,
# the expiry), one outcome in between, and the N on both sides of every change of kind
# as the reference run predicts them (last outcome, first and last queued mail, first
# claim and settle); then every gap between two chosen N whose kinds differ is bisected
# until none is left, which finds what the prediction missed (import/mark and
# claim/settle, which alternate, count as one kind there). So every kind of commit point
# is hit, with its first and last instance. Phase 2 likewise (the first 5, the last 2,
# the changes of kind); it runs in full when it has at most CRASH_FULL (12) commit
# points. The move variant runs the first 3 (start-up, import, mark) and the last N of
# phase 1: only the server side differs. CRASH_SPREAD (1) sets the evenly spaced N of
# phase 1, CRASH_ALL=1 runs every N of every phase (slow).
#
# Part 2, SIGKILL at random moments: a larger mailbox (CRASH_BIG, 1000 mails); agendad in
# daemon mode is killed CRASH_KILLS (20) times after random delays (CRASH_SEED, printed),
# restarted each time, first during the import, then during the delivery of the drafts,
# and must end in the same state as an uninterrupted run. A mail delivered twice with the
# SAME Message-ID is outbox.c's documented at-least-once window (a kill between the
# server's 250 and the commit of "sent"): it is reported, and fails the test only with
# CRASH_STRICT=1. A duplicate with another Message-ID, or a missing mail, always fails.
#
# Both parts also check that a --once delivers the drafts it queued itself, however long
# rendering took (the draft of part 2's meeting takes seconds to render); a regression
# there (cycle_run handing cycle_deliver a time taken before cycle_queue_due) made the
# result depend on whether the clock's second turned while queueing.
#
# CRASH_PARTS="1 2" (default) selects the parts; VERBOSE=1 shows every passing check.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init crash
N_MAILS=${CRASH_MAILS:-260}
N_LATER=${CRASH_LATER:-5}
N_BIG=${CRASH_BIG:-1000}
KILLS=${CRASH_KILLS:-20}
SPREAD=${CRASH_SPREAD:-1}
FULL=${CRASH_FULL:-12}
PARTS=${CRASH_PARTS:-1 2}
SEED=${CRASH_SEED:-$(($(date +%s) % 100000))}
echo "# CRASH_SEED=$SEED (random delays of part 2; set it to repeat a run)"
RANDOM=$SEED
TODAY=$(day_plus 0)
MEETING_A=$(day_plus 3)  # draft_days 5: its draft is due, agendad queues it
MEETING_B=$(day_plus 24) # its draft goes out by send-draft
PROCESSED=Behandlat
GEN=$T_HARNESS/genmail.py

# The maildir and its saved copies live in memory when /dev/shm is there: every N
# restores a maildir, and creating files on this disk costs about 1 ms each (a third of
# a second per restore). Dovecot follows the symbolic link ~/Maildir. Nothing here tests
# the disk.
mail_start mail
mail_use mail
MAILHOME=$MAILSERVER_DIR/mail/$MAIL_LOGIN
MAILDIR=$MAILHOME/Maildir
SNAP=$T_DIR/snap
SHM=""
if [ -d /dev/shm ] && [ -w /dev/shm ] && SHM=$(mktemp -d /dev/shm/agendad-crash.XXXXXX); then
	chmod 755 "$SHM"
	# shellcheck disable=SC2154 # rc is set in the trap itself
	trap 'rc=$?; rm -rf "$SHM"; (exit $rc); t_cleanup' EXIT
	{ mv "$MAILDIR" "$SHM/Maildir" && ln -s "$SHM/Maildir" "$MAILDIR"; } || fatal "moving the maildir to $SHM"
	MAILDIR=$SHM/Maildir
	SNAP=$SHM/snap
fi
mkdir -p "$SNAP"
MS() { bash "$T_HARNESS/mailserver.sh" "$@"; }

# conf NAME [processed|mailbox=BOX]: a config with its own database under $T_DIR/NAME
conf() {
	local name=$1 extra=${2:-}
	write_conf "$T_DIR/$name/agendad.conf"
	case "$extra" in
	processed) sed -i "s/^mailbox = INBOX\$/&\nprocessed_mailbox = $PROCESSED/" "$CONF" ;;
	mailbox=*) sed -i "s/^mailbox = INBOX\$/mailbox = ${extra#mailbox=}/" "$CONF" ;;
	esac
}
db_of() { sed -n 's/^database = //p' "$1"; }

# The state of the server's maildir and of a database are saved and restored as files:
# the UIDs and UIDVALIDITY come back exactly, so a saved database stays valid. Dovecot
# keeps nothing open between agendad's sessions.
snap_mail() { rm -rf "$1" && cp -a "$MAILDIR" "$1"; }
restore_mail() { rm -rf "$MAILDIR" && cp -a "$1" "$MAILDIR"; }
clear_db() { rm -f "$1" "$1-wal" "$1-shm"; }
restore_db() {
	clear_db "$2"
	[ -z "$1" ] || cp "$1" "$2"
}
clear_sink() { rm -f "$SMTP_OUT"/*.eml "$SMTP_OUT"/*.json; }

# counts DB: what a crash left, for naming the kind of commit it crashed after
counts() {
	# the sqlite3 shell would create a missing database (with the umask's mode)
	[ -s "$1" ] || { echo "0|0|0|0|0|0|0|0|-"; return; }
	sqlite3 -cmd '.timeout 5000' "$1" "SELECT (SELECT count(*) FROM messages),
	 (SELECT count(*) FROM messages WHERE marked), (SELECT count(*) FROM messages WHERE
	 status <> 'new'), (SELECT count(*) FROM messages WHERE ack = 'skipped'),
	 (SELECT count(*) FROM questions WHERE meeting IS NOT NULL),
	 (SELECT count(*) FROM outbox), (SELECT count(*) FROM outbox WHERE status = 'sending'),
	 (SELECT count(*) FROM outbox WHERE status = 'sent'),
	 coalesce((SELECT kind FROM outbox ORDER BY id DESC LIMIT 1), '-')" 2>/dev/null ||
		echo "0|0|0|0|0|0|0|0|-"
}

# kind BASE NOW: the kind of the last commit, from the counts before the run and after it
kind() {
	local IFS='|' b c
	read -r -a b <<<"$1"
	read -r -a c <<<"$2"
	if [ "${c[6]}" -gt 0 ]; then echo claim
	elif [ "${c[7]}" -gt "${b[7]}" ]; then echo settle
	elif [ "${c[5]}" -gt "${b[5]}" ]; then
		case "${c[8]}" in ack) echo queue-ack ;; *) echo queue-draft ;; esac
	elif [ "${c[3]}" -gt "${b[3]}" ]; then echo ack-skip
	elif [ "${c[2]}" -gt "${b[2]}" ]; then echo outcome
	elif [ "${c[0]}" -gt "${b[0]}" ]; then
		if [ "${c[1]}" -lt "${c[0]}" ]; then echo import; else echo mark; fi
	elif [ "${c[4]}" -gt "${b[4]}" ]; then echo place-waiting
	else echo start-up
	fi
}

# capture DIR [MAILBOX_OF_CONF]: what the result is made of, for compare
capture() {
	local dir=$1 box boxes
	mkdir -p "$dir"
	# messages --json as DESIGN.md has it; export --json holds the same question and
	# outbox objects as questions --json and outbox --json, in one process
	actl cap-m messages --json && cp "$T_DIR/log/cap-m.out" "$dir/messages.json"
	actl cap-e export --json
	box=$(sed -n 's/^mailbox = //p' "$CONF")
	boxes=$box
	if grep -q '^processed_mailbox' "$CONF"; then boxes="$box $PROCESSED"; fi
	# shellcheck disable=SC2086 # one word per mailbox
	doveadm -c "$DOVECOT_CONF" -f flow mailbox status -u "$MAIL_LOGIN" 'messages unseen' \
		$boxes >"$T_DIR/log/cap-s.out" 2>&1
	"$PY" -c "$PY_PRELUDE"'
export, status, smtp_out, dir, box = sys.argv[1:6]
e = json.load(open(export, encoding="utf-8"))
for k in ("questions", "outbox"):
    json.dump(e[k], open("%s/%s.json" % (dir, k), "w", encoding="utf-8"))
sink = [{"rcpt": sorted(r.lower() for r in x["meta"]["rcpt_tos"]),
         "subject": norm(header(x["msg"], "Subject")),
         "in_reply_to": (x["msg"].get("In-Reply-To") or "").strip(),
         "message_id": (x["msg"].get("Message-ID") or "").strip().strip("<>")}
        for x in mails(smtp_out)]
json.dump(sink, open(dir + "/sink.json", "w"))
with open(dir + "/server", "w") as f:
    for line in open(status):  # "INBOX messages=260 unseen=0"
        name, _, rest = line.strip().partition(" ")
        v = dict(w.split("=", 1) for w in rest.split() if "=" in w)
        if "messages" not in v:
            continue
        if name == box:
            f.write("mailbox %s\nunseen %s\n" % (v["messages"], v["unseen"]))
        else:
            f.write("processed %s\n" % v["messages"])' \
		"$T_DIR/log/cap-e.out" "$T_DIR/log/cap-s.out" "$SMTP_OUT" "$dir" "$box"
}

# compare LABEL REFDIR DIR WANT_IN_MAILBOX WANT_PROCESSED MANIFEST...: the result in DIR
# against the reference; the MANIFESTs list every mail the server holds
compare() {
	pycheck "$@" <<'EOF'
label, ref, cur, want_box, want_done = sys.argv[1:6]
manifests = sys.argv[6:]
strict = os.environ.get("CRASH_STRICT", "0") == "1"
from collections import Counter
def L(d, f):
    try:
        return load(os.path.join(d, f))
    except Exception as e:
        return None
R = {f: L(ref, f + ".json") for f in ("messages", "questions", "outbox", "sink")}
C = {f: L(cur, f + ".json") for f in ("messages", "questions", "outbox", "sink")}
if not ok(all(v is not None for v in C.values()), "%s: messages, questions, outbox --json and the sink read" % label):
    sys.exit(0)
mailbox = Counter()
for mf in manifests:
    for line in open(mf, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] != "file":
            mailbox[f[1]] += 1
got = Counter((m["message_id"] or "").strip("<>") for m in C["messages"])
ok(got == mailbox, "%s: every message of the mailbox is in the database exactly once (%d rows; "
   "missing %s, extra %s)" % (label, len(C["messages"]), list((mailbox - got).items())[:3],
   list((got - mailbox).items())[:3]))
ms = lambda d: Counter((m["message_id"], m["status"], m["reason"], m["questions"], m["from"],
                        m["subject"], m["received"]) for m in d)
mdiff = (ms(C["messages"]) - ms(R["messages"])) + (ms(R["messages"]) - ms(C["messages"]))
ok(not mdiff, "%s: messages --json equals the uninterrupted run's (%d differ, e.g. %s)"
   % (label, sum(mdiff.values()), [k[:3] for k in list(mdiff)[:2]]))
ok(not [m for m in C["messages"] if m["status"] == "new"], "%s: no message is left unprocessed" % label)
qk = lambda q: (q["message_id"], q["title"], q["text"], q["category"], q["status"], q["meeting"],
                q["association"])
qs = lambda d: Counter(qk(q) for q in d)
diff = (qs(C["questions"]) - qs(R["questions"])) + (qs(R["questions"]) - qs(C["questions"]))
ok(not diff, "%s: the same %d questions as the uninterrupted run (%d differ, e.g. %s)"
   % (label, len(R["questions"]), sum(diff.values()), [k[:2] for k in list(diff)[:2]]))
def items(d):
    by = {}
    for q in d:
        if q.get("item_id") is not None:
            by.setdefault(q["item_id"], []).append(qk(q))
    return Counter(tuple(sorted(v)) for v in by.values())
ok(items(C["questions"]) == items(R["questions"]), "%s: the same agenda items, with the same questions" % label)
ok(all(o["status"] == "sent" for o in C["outbox"]), "%s: every outgoing mail is sent (%s; %s)"
   % (label, Counter(o["status"] for o in C["outbox"]),
      sorted({o["last_error"] for o in C["outbox"] if o["status"] != "sent"}, key=str)[:2]))
ok_ = lambda d: Counter((o["kind"], o["to"], o["subject"]) for o in d)
ok(ok_(C["outbox"]) == ok_(R["outbox"]), "%s: the outbox holds the same mails as the uninterrupted run (%d, want %d)"
   % (label, len(C["outbox"]), len(R["outbox"])))
sk = lambda d: Counter((tuple(x["rcpt"]), x["subject"], x["in_reply_to"]) for x in d)
want, have = sk(R["sink"]), sk(C["sink"])
missing, extra = want - have, have - want
ids = Counter(x["message_id"] for x in C["sink"])
again = {i: n for i, n in ids.items() if n > 1}
ok(not missing, "%s: no mail missing at the SMTP server (%d of %d missing: %s)"
   % (label, sum(missing.values()), sum(want.values()), [k[:2] for k in missing][:3]))
extra_other = Counter(k for k in extra.elements())
if again:
    print("%s: %d mail(s) delivered again with the same Message-ID (outbox.c rule 4, "
          "at-least-once): %s" % (label, sum(n - 1 for n in again.values()), list(again)[:3]))
    for x in C["sink"]:
        k = (tuple(x["rcpt"]), x["subject"], x["in_reply_to"])
        if again.get(x["message_id"], 0) > 1 and extra_other[k] > 0:
            extra_other[k] -= 1
            again[x["message_id"]] -= 1
    extra_other = +extra_other
ok(not extra_other, "%s: no mail sent twice (%d extra: %s)" % (label, sum(extra_other.values()),
   [k[:2] for k in extra_other][:3]))
if strict:
    ok(not again, "%s: no mail delivered twice even with the same Message-ID (CRASH_STRICT)" % label)
before = set(os.environ.get("SENT_BEFORE", "").split())
sent_ids = [o["message_id"] for o in C["outbox"] if o["status"] == "sent" and o["message_id"] not in before]
ok(all(ids.get(i, 0) >= 1 for i in sent_ids), "%s: every mail the outbox says it sent reached the server"
   " (%d did not)" % (label, len([i for i in sent_ids if ids.get(i, 0) < 1])))
srv = dict(l.split() for l in open(os.path.join(cur, "server")))
want_box, want_done = int(want_box), int(want_done)
ok(int(srv["mailbox"]) == want_box, "%s: %d messages in the mailbox on the server (got %s)" % (label, want_box, srv["mailbox"]))
if "processed" in srv:
    ok(int(srv["processed"]) == want_done, "%s: all %d messages moved to processed_mailbox (got %s)"
       % (label, want_done, srv["processed"]))
else:
    ok(int(srv["unseen"]) == 0, "%s: every message is \\Seen on the server (%s unseen)" % (label, srv["unseen"]))
EOF
}

# complete LOG: agendad --once, and again while mail it queued is due and unsent (at
# most twice more). Should a --once again leave mail it queued for the next cycle (see
# the top), that is checked once, in the references; here the extra runs are counted
# (LATE) so that the other checks still compare like with like.
LATE=0
complete() {
	local log=$1 rc i
	ad "$log" --once
	rc=$?
	for i in 1 2; do
		if [ $rc != 0 ] || [ "$(due_unsent "$(db_of "$CONF")")" = 0 ]; then break; fi
		LATE=$((LATE + 1))
		cat "$T_DIR/log/$log.log" >>"$T_DIR/log/$log.first"
		ad "$log" --once
		rc=$?
	done
	return $rc
}
due_unsent() { # due_unsent DB: queued mails that are due and were never tried
	sqlite3 -cmd '.timeout 5000' "$1" "SELECT count(*) FROM outbox WHERE status = 'queued'
	 AND attempts = 0 AND next_attempt <= strftime('%s', 'now')"
}

# crash_point PHASE N BASEDB SNAP REFDIR BOX DONE MANIFEST...: from the saved state, one
# run that crashes at commit N and one that completes; compares; records KIND[N]
declare -A KIND
crash_point() {
	local phase=$1 n=$2 base=$3 snap=$4 ref=$5 box=$6 done=$7 rc db before fails f
	shift 7
	db=$(db_of "$CONF")
	restore_mail "$snap"
	restore_db "$base" "$db"
	clear_sink
	before=$(counts "$db")
	fails=$T_FAIL
	SENT_BEFORE=$(sent_ids "$db")
	export SENT_BEFORE
	AGENDAD_CRASH_AFTER_COMMIT=$n ad "$phase-crash" --once
	rc=$?
	if [ $rc != 86 ]; then
		fail "$phase N=$n: agendad --once with AGENDAD_CRASH_AFTER_COMMIT=$n exits 86 (got $rc)"
		KIND[$n]=none
	else
		KIND[$n]=$(kind "$before" "$(counts "$db")")
		complete "$phase-resume"
		rc=$?
		expect_rc 0 $rc "$phase N=$n (${KIND[$n]}): the next agendad --once completes"
		capture "$T_DIR/cur"
		compare "$phase N=$n (${KIND[$n]})" "$ref" "$T_DIR/cur" "$box" "$done" "$@"
	fi
	# the logs of a failing N are shown here; the others are kept out of the summary
	if [ "$T_FAIL" != "$fails" ]; then
		for f in "$T_DIR/log/$phase-crash.log" "$T_DIR/log/$phase-resume.log"; do
			[ -s "$f" ] || continue
			echo "# $phase N=$n: $(basename "$f"):"
			grep -v 'cycle: message [0-9]* from' "$f" | tail -n 8 | sed 's/^/#   /'
		done
	fi
	mkdir -p "$T_DIR/runs"
	for f in "$T_DIR/log/$phase-crash.log" "$T_DIR/log/$phase-resume.log"; do
		[ ! -e "$f" ] || mv "$f" "$T_DIR/runs/$n-$(basename "$f")"
	done
	unset SENT_BEFORE
	RUNS=$((RUNS + 1))
}
sent_ids() { # the Message-IDs a database says were sent already
	[ -s "$1" ] || return 0
	sqlite3 -cmd '.timeout 5000' "$1" "SELECT message_id FROM outbox WHERE status = 'sent'" |
		tr '\n' ' '
}

# commit_points BASEDB SNAP GUESS: T, the number of commit points of an uninterrupted run
# from this state: the largest N with which the run still crashes (starting at GUESS)
crashes_at() { # crashes_at BASEDB SNAP N
	local db
	db=$(db_of "$CONF")
	restore_mail "$2"
	restore_db "$1" "$db"
	clear_sink
	AGENDAD_CRASH_AFTER_COMMIT=$3 ad probe --once
	local rc=$?
	case $rc in
	86) return 0 ;;
	0) return 1 ;;
	*) fail "counting commit points: agendad --once with N=$3 exits 86 or 0 (got $rc)"
		return 1 ;;
	esac
}
commit_points() {
	local base=$1 snap=$2 lo hi step=1
	# exponential search for a bracket [lo crashes, hi completes], then bisection
	if crashes_at "$base" "$snap" "$3"; then
		lo=$3 hi=$(($3 + step))
		while crashes_at "$base" "$snap" $hi; do lo=$hi step=$((step * 2)) hi=$((hi + step)); done
	else
		hi=$3 lo=$(($3 - step))
		while [ $lo -gt 0 ] && ! crashes_at "$base" "$snap" $lo; do
			hi=$lo step=$((step * 2)) lo=$((lo - step))
		done
		[ $lo -gt 0 ] || lo=0
	fi
	while [ $((hi - lo)) -gt 1 ]; do
		local mid=$(((lo + hi) / 2))
		if crashes_at "$base" "$snap" $mid; then lo=$mid; else hi=$mid; fi
	done
	echo "$lo"
}

# sweep PHASE T HEAD TAIL SPREAD ARGS...: the chosen N of one phase (see the top)
sweep() {
	local phase=$1 t=$2 head=$3 tail=$4 spread=$5 extra=$6 n i a b todo
	shift 6
	KIND=()
	todo=""
	if [ "${CRASH_ALL:-0}" = 1 ] || [ "$t" -le "$FULL" ]; then
		todo=$(seq 1 "$t")
	else
		todo=$( {
			seq 1 $((head < t ? head : t))
			seq $((t - tail + 1 > 1 ? t - tail + 1 : 1)) "$t"
			for ((i = 1; i <= spread; i++)); do echo $((head + (t - head - tail) * i / (spread + 1))); done
			for n in $extra; do [ "$n" -lt 1 ] || [ "$n" -gt "$t" ] || echo "$n"; done
		} | sort -nu)
	fi
	for n in $todo; do crash_point "$phase" "$n" "$@"; done
	[ -n "$extra$spread" ] && [ "$extra$spread" != 0 ] || return 0
	while :; do
		local sorted=() found=0
		mapfile -t sorted < <(printf '%s\n' "${!KIND[@]}" | sort -n)
		for ((i = 0; i + 1 < ${#sorted[@]}; i++)); do
			a=${sorted[i]} b=${sorted[i + 1]}
			if [ "$(region "${KIND[$a]}")" != "$(region "${KIND[$b]}")" ] && [ $((b - a)) -gt 1 ]; then
				crash_point "$phase" $(((a + b) / 2)) "$@"
				found=1
				break
			fi
		done
		[ $found = 1 ] || break
	done
}

# region KIND: kinds that alternate by nature (import and mark of each batch, claim and
# settle of each mail) are one region for the bisection, which would otherwise try every
# N between them
region() {
	case $1 in
	import | mark) echo fetch ;;
	claim | settle) echo deliver ;;
	*) echo "$1" ;;
	esac
}

# kinds_hit PHASE KIND...: every listed kind of commit point was crashed at
kinds_hit() {
	local phase=$1 k n seen=" "
	shift
	for n in "${!KIND[@]}"; do seen="$seen${KIND[$n]} "; done
	for k in "$@"; do
		if [[ $seen == *" $k "* ]]; then pass "$phase: crashed after a commit of kind $k"
		else fail "$phase: no crash after a commit of kind $k (hit:$seen)"; fi
	done
	echo "# $phase: $(printf '%s\n' "${!KIND[@]}" | sort -n | while read -r n; do
		printf '%s:%s ' "$n" "${KIND[$n]}"; done)"
}

# guess REFDIR PREVDIR [BASEDB]: about how many commits the run of REFDIR made (after
# the run of PREVDIR, from BASEDB): one per message, two per mail sent, one per
# acknowledgement or pair of drafts queued, a few more (start-up, batches, expiry)
guess() {
	"$PY" - "$1" "$2" "$(all_ids "${3:-}")" "$(sent_ids "${3:-}")" <<'EOF'
import json, sys
ref, prev, before, sent_before = sys.argv[1], sys.argv[2], set(sys.argv[3].split()), set(sys.argv[4].split())
n = lambda d: len(json.load(open(d + "/messages.json"))) if d else 0
o = json.load(open(ref + "/outbox.json"))
s = len([x for x in o if x["status"] == "sent" and x["message_id"] not in sent_before])
q = len([x for x in o if x["message_id"] not in before and x["kind"] in ("ack", "agenda")])
print(n(ref) - n(prev) + 2 * s + q + 6)
EOF
}

# boundaries REFDIR T [BASEDB]: the N on both sides of each change of kind, counted back
# from T (cycle.c's order): the last commit expires old data; before it a claim and a
# settle per mail sent; before them one commit per acknowledgement or pair of drafts
# queued; before them the outcome of each message. Mail in BASEDB was there before.
# The sweep checks each guess by the kind it finds, and bisects where it was wrong.
boundaries() {
	"$PY" - "$1" "$2" "$(all_ids "${3:-}")" "$(sent_ids "${3:-}")" <<'EOF'
import json, sys
ref, t, before, sent_before = sys.argv[1], int(sys.argv[2]), set(sys.argv[3].split()), set(sys.argv[4].split())
o = json.load(open(ref + "/outbox.json"))
sent = [x for x in o if x["status"] == "sent" and x["message_id"] not in sent_before]
queued = [x for x in o if x["message_id"] not in before and x["kind"] in ("ack", "agenda")]
s, q = len(sent), len(queued)
print(" ".join(str(n) for n in (t - 2 * s - q - 1, t - 2 * s - q, t - 2 * s - 1, t - 2 * s, t - 2 * s + 1)))
EOF
}
all_ids() { # the Message-IDs of every mail in a database's outbox
	[ -s "$1" ] || return 0
	sqlite3 -cmd '.timeout 5000' "$1" "SELECT message_id FROM outbox" | tr '\n' ' '
}

summary() { # summary REFDIR: one line on what the reference run produced
	"$PY" -c 'import json, sys, collections
d = sys.argv[1]
m = json.load(open(d + "/messages.json")); q = json.load(open(d + "/questions.json"))
o = json.load(open(d + "/outbox.json"))
print("# reference: %d messages (%s), %d questions, %d mails sent (%s)" % (len(m),
      ", ".join("%d %s" % (n, s) for s, n in sorted(collections.Counter(x["status"] for x in m).items())),
      len(q), len(o), ", ".join("%d %s" % (n, s) for s, n in sorted(collections.Counter(x["kind"] for x in o).items()))))' "$1"
}

RUNS=0
START=$SECONDS
if [[ " $PARTS " == *" 1 "* ]]; then
	# ---- part 1: every kind of commit point --------------------------------------------
	"$PY" "$GEN" "$T_DIR/gen1" "$N_MAILS" --seed 11 --noise 10 --senders 6 --until "$TODAY" --weeks 5 \
		--meeting "$MEETING_A" --cutoff-days 7 2>/dev/null || fatal "genmail.py failed"
	"$PY" "$GEN" "$T_DIR/gen2" "$N_LATER" --seed 12 --senders 6 --until "$TODAY" --weeks 0.4 \
		--meeting "$MEETING_B" --cutoff-days 7 2>/dev/null || fatal "genmail.py failed"
	MS load "$MAILSERVER_DIR" INBOX "$T_DIR"/gen1/*.eml || fatal "loading the mailbox failed"
	snap_mail "$SNAP/0"

	# the reference: phase 1, then the set-up of phase 2 (saved), then phase 2
	conf ref
	ad ref1 --once
	expect_rc 0 $? "reference: agendad --once imports the mailbox"
	capture "$T_DIR/ref1"
	summary "$T_DIR/ref1"
	compare "reference phase 1" "$T_DIR/ref1" "$T_DIR/ref1" "$N_MAILS" "$N_MAILS" "$T_DIR/gen1/manifest.tsv"
	actl ref-ma meeting add "$MEETING_A" 17:00 --end 19:00 --place "Stadshuset"
	expect_rc 0 $? "reference: meeting add $MEETING_A"
	actl ref-mb meeting add "$MEETING_B" 17:00
	expect_rc 0 $? "reference: meeting add $MEETING_B"
	actl ref-sd send-draft --meeting "$MEETING_B"
	expect_rc 0 $? "reference: send-draft --meeting $MEETING_B"
	MS load "$MAILSERVER_DIR" INBOX "$T_DIR"/gen2/*.eml || fatal "loading the later mails failed"
	snap_mail "$SNAP/1"
	cp "$(db_of "$CONF")" "$T_DIR/base2.db"
	clear_sink
	ad ref2 --once
	expect_rc 0 $? "reference: agendad --once, phase 2"
	n=$(due_unsent "$(db_of "$CONF")")
	if [ "$n" = 0 ]; then
		pass "reference phase 2: the --once that queued the draft delivered it"
	else
		fail "reference phase 2: the --once that queued the draft delivered it ($n mail(s) left" \
			"queued and due: cycle_run hands cycle_deliver a time taken before" \
			"cycle_queue_due; a mail queued after the second turned waits for the next cycle)"
		ad ref2b --once
	fi
	capture "$T_DIR/ref2"
	summary "$T_DIR/ref2"
	pycheck "$T_DIR/ref2" <<'EOF'
o = load(sys.argv[1] + "/outbox.json")
kinds = sorted(x["kind"] for x in o if x["status"] == "sent" and x["kind"] != "ack")
ok(kinds == ["agenda", "agenda", "minutes", "minutes"], "reference phase 2: the drafts of both meetings are sent (got %s)" % kinds)
q = load(sys.argv[1] + "/questions.json")
ok(len({x["meeting"] for x in q if x["status"] != "held"}) == 2, "reference phase 2: the questions are on both meetings")
EOF
	BOX2=$((N_MAILS + N_LATER))

	# phase 1 of the crash runs starts from an empty database every time
	conf seen
	T1=$(commit_points "" "$SNAP/0" "$(guess "$T_DIR/ref1" "")")
	echo "# phase 1: $T1 commit points"
	# outcomes are committed in batches (store_batch_begin), so there are fewer
	# commit points than messages; the kinds of commit point are checked below
	[ "$T1" -gt 3 ] || fail "phase 1 has commit points of import, processing and outbox (got $T1)"
	sweep phase1 "$T1" 6 2 "$SPREAD" "$(boundaries "$T_DIR/ref1" "$T1")" "" "$SNAP/0" "$T_DIR/ref1" "$N_MAILS" "$N_MAILS" \
		"$T_DIR/gen1/manifest.tsv"
	kinds_hit phase1 start-up import mark outcome queue-ack claim settle

	T2=$(commit_points "$T_DIR/base2.db" "$SNAP/1" \
		"$(guess "$T_DIR/ref2" "$T_DIR/ref1" "$T_DIR/base2.db")")
	echo "# phase 2: $T2 commit points"
	sweep phase2 "$T2" 5 2 0 "$(boundaries "$T_DIR/ref2" "$T2" "$T_DIR/base2.db")" \
		"$T_DIR/base2.db" "$SNAP/1" "$T_DIR/ref2" "$BOX2" \
		"$BOX2" "$T_DIR/gen1/manifest.tsv" "$T_DIR/gen2/manifest.tsv"
	kinds_hit phase2 start-up import mark outcome queue-draft claim settle

	# the move variant: processed_mailbox set
	conf move processed
	restore_mail "$SNAP/0"
	clear_sink
	ad refm --once
	expect_rc 0 $? "move variant: agendad --once imports the mailbox"
	capture "$T_DIR/refm"
	compare "move reference" "$T_DIR/refm" "$T_DIR/refm" 0 "$N_MAILS" "$T_DIR/gen1/manifest.tsv"
	pycheck "$T_DIR/ref1" "$T_DIR/refm" <<'EOF'
a, b = load(sys.argv[1] + "/messages.json"), load(sys.argv[2] + "/messages.json")
key = lambda d: sorted((m["message_id"], m["status"]) for m in d)
ok(key(a) == key(b), "move variant: the same messages as with \\Seen")
EOF
	TM=$(commit_points "" "$SNAP/0" "$T1")
	echo "# move variant: $TM commit points"
	sweep move "$TM" 3 1 0 "" "" "$SNAP/0" "$T_DIR/refm" 0 "$N_MAILS" "$T_DIR/gen1/manifest.tsv"
	kinds_hit move import mark settle
	echo "# part 1: $RUNS crash runs in $((SECONDS - START)) s; $LATE needed a second --once" \
		"to deliver what the first had queued"
fi

if [[ " $PARTS " == *" 2 "* ]]; then
	# ---- part 2: SIGKILL at random moments -----------------------------------------------
	START2=$SECONDS
	"$PY" "$GEN" "$T_DIR/gen3" "$N_BIG" --seed 13 --noise 10 --until "$TODAY" --weeks 8 \
		--meeting "$MEETING_A" --cutoff-days 7 2>/dev/null || fatal "genmail.py failed"
	MS load "$MAILSERVER_DIR" Stor "$T_DIR"/gen3/*.eml || fatal "loading the large mailbox failed"
	snap_mail "$SNAP/3"

	# the reference: the import, then the drafts of two meetings
	conf bigref mailbox=Stor
	clear_sink
	ad big-ref1 --once
	expect_rc 0 $? "large mailbox: uninterrupted agendad --once"
	capture "$T_DIR/bigref1"
	actl big-ma meeting add "$MEETING_A" 17:00 --end 19:00 --place "Stadshuset"
	actl big-mb meeting add "$MEETING_B" 17:00
	actl big-sd send-draft --meeting "$MEETING_B"
	expect_rc 0 $? "large mailbox: send-draft --meeting $MEETING_B"
	ad big-ref2 --once
	expect_rc 0 $? "large mailbox: agendad --once queues the due draft and delivers the drafts"
	n=$(due_unsent "$(db_of "$CONF")")
	nq=$(json_get "$T_DIR/bigref1/questions.json" 'len(d)')
	if [ "$n" = 0 ]; then
		pass "large mailbox: the --once that queued the draft of a meeting with $nq questions delivered it"
	else
		fail "large mailbox: the --once that queued the draft of a meeting with $nq questions" \
			"delivered it ($n mail(s) left queued and due: rendering took more than a second," \
			"and cycle_run hands cycle_deliver the time taken before cycle_queue_due)"
		ad big-ref3 --once
	fi
	capture "$T_DIR/bigref"
	summary "$T_DIR/bigref"
	WANT_A=$(json_get "$T_DIR/bigref1/outbox.json" 'len(d)')
	WANT_B=$(json_get "$T_DIR/bigref/outbox.json" 'len(d)')

	conf bigkill mailbox=Stor
	restore_mail "$SNAP/3"
	clear_sink
	DB=$(db_of "$CONF")
	KLOG=$T_DIR/log/kill.log
	: >"$KLOG"
	PID=""
	# shellcheck disable=SC2154 # rc is set in the trap itself
	trap 'rc=$?; [ -z "$PID" ] || kill -KILL "$PID" 2>/dev/null; rm -rf "$SHM"; (exit $rc); t_cleanup' EXIT
	start_daemon() {
		"$AGENDAD_BUILD/agendad" -c "$CONF" >>"$KLOG" 2>&1 &
		PID=$!
	}
	kill_daemon() {
		kill -KILL "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
		PID=""
	}
	stop_daemon() {
		local rc
		[ -n "$PID" ] || return 0
		kill -TERM "$PID" 2>/dev/null
		wait "$PID"
		rc=$?
		PID=""
		return $rc
	}
	rand_sleep() { # rand_sleep MIN_MS MAX_MS
		local ms=$(($1 + RANDOM % ($2 - $1 + 1)))
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	}
	# done_with ROWS: every message processed, ROWS mails in the outbox, all sent
	done_with() {
		[ "$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT (SELECT count(*) FROM messages WHERE
			status = 'new') || ' ' || (SELECT count(*) FROM outbox) || ' ' || (SELECT count(*)
			FROM outbox WHERE status <> 'sent')")" = "0 $1 0" ] &&
			[ "$(sqlite3 "$DB" "SELECT count(*) FROM messages")" = "$N_BIG" ]
	}
	# run_until ROWS WHAT: the daemon runs until done_with ROWS. A daemon that queued mail
	# after its cycle's clock (the bug above) delivers it only when IDLE next wakes, up to
	# a minute later: after 15 s it is restarted once, which starts a cycle at once.
	# ready: agendad has started its loop (a SIGTERM before would find no handler yet)
	ready() {
		local t=0
		until [ "$(grep -c 'running for' "$KLOG")" -gt "$1" ] || [ $t -ge 100 ]; do
			sleep 0.1
			t=$((t + 1))
		done
	}
	run_until() {
		local t=0 restarted=0 n
		n=$(grep -c 'running for' "$KLOG")
		start_daemon
		ready "$n"
		until done_with "$1"; do
			sleep 0.5
			t=$((t + 1))
			if [ $t = 30 ] && [ $restarted = 0 ]; then
				echo "#   $2: not done after 15 s; restarting agendad once: $(counts "$DB")"
				stop_daemon
				n=$(grep -c 'running for' "$KLOG")
				start_daemon
				ready "$n"
				restarted=1
			fi
			if [ $t -ge 180 ]; then
				fail "large mailbox: $2 ends within 90 s ($(counts "$DB"))"
				break
			fi
		done
		# let a cycle in hand end: a SIGTERM in the middle of an IMAP command ends the
		# cycle with an error, which the daemon records as "failing" in the database
		# (agendactl status then says failing after a clean stop)
		sleep 2
		stop_daemon
		expect_rc 0 $? "large mailbox: agendad exits 0 on SIGTERM after $2"
	}
	# the import, processing and acknowledgements: lives of 0.2-1.7 s
	kills_a=$((KILLS * 3 / 4))
	for ((k = 1; k <= kills_a; k++)); do
		start_daemon
		rand_sleep 200 1700
		kill_daemon
		echo "--- SIGKILL $k: $(counts "$DB")" >>"$KLOG"
	done
	run_until "$WANT_A" "the import"
	actl big-ma meeting add "$MEETING_A" 17:00 --end 19:00 --place "Stadshuset"
	actl big-mb meeting add "$MEETING_B" 17:00
	actl big-sd send-draft --meeting "$MEETING_B"
	expect_rc 0 $? "large mailbox: send-draft --meeting $MEETING_B"
	# the drafts: placing, rendering (seconds for this meeting), queueing, delivery
	for ((k = kills_a + 1; k <= KILLS; k++)); do
		start_daemon
		rand_sleep 300 4000
		kill_daemon
		echo "--- SIGKILL $k: $(counts "$DB")" >>"$KLOG"
	done
	run_until "$WANT_B" "the drafts"
	echo "# part 2: the state at each SIGKILL (messages|marked|processed|ack-skipped|on a" \
		"meeting|outbox|sending|sent|newest outbox row):"
	grep -- '^--- SIGKILL' "$KLOG" | sed 's/^--- /#   /'
	capture "$T_DIR/bigkill"
	compare "large mailbox, $KILLS x SIGKILL" "$T_DIR/bigref" "$T_DIR/bigkill" "$N_BIG" "$N_BIG" \
		"$T_DIR/gen3/manifest.tsv"
	actl big-status status
	expect_rc 0 $? "large mailbox: agendactl status says healthy at the end"
	echo "# part 2: $((SECONDS - START2)) s"
fi
t_done

#!/usr/bin/env bash
# t_diskfull.sh - the database's disk full, then freed (issue 8, "## Faults").
#
# The database lives on its own small tmpfs (root only: without root, or where mounting
# is refused, the test is skipped with a message and passes). Dovecot holds N generated
# association mails (tests/harness/genmail.py). The filesystem is filled so that only
# FREE bytes are left, for a rising series of FREE from nothing to a few MB,
# and `agendad --once` runs each time: the import, the processing or the delivery runs
# out of space somewhere different each time. Every run must end with exit 0, 74 or 75
# (never a crash or a sanitizer report), a failing one with an error line in its log;
# after each run the database must pass PRAGMA integrity_check and no mail may be
# flagged \Seen on the server that the database does not hold (store.c rule 1).
# Then the space is freed and `agendad --once` must import everything: each mail exactly
# once, no message left "new", every mail \Seen, and messages and questions identical to
# a reference database built from the same mailbox without faults. No mail is
# acknowledged twice, and a last --once fetches and sends nothing.
# N (default 120) and FREE_STEPS (kB, default "0 4 64 512 1024 1536 2048 2304 2560 3072") can be set.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init diskfull
N=${N:-120}
FREE_STEPS=${FREE_STEPS:-"0 4 64 512 1024 1536 2048 2304 2560 3072"}
FS=$T_DIR/dbfs
MOUNTED=0

unmount() {
	[ $MOUNTED = 1 ] || return 0
	umount "$FS" 2>/dev/null || umount -l "$FS" 2>/dev/null
	MOUNTED=0
}
trap 'rc=$?; unmount; (exit $rc); t_cleanup' EXIT

mkdir -p "$FS"
if [ "$(id -u)" != 0 ]; then
	echo "# SKIPPED: mounting a small filesystem for the database needs root"
	t_done
fi
if ! mount -t tmpfs -o size=16m,mode=0755 agendad-diskfull "$FS" 2>"$T_DIR/log/mount.err"; then
	echo "# SKIPPED: cannot mount a tmpfs here: $(head -n 1 "$T_DIR/log/mount.err")"
	t_done
fi
MOUNTED=1

avail() { # bytes free on $FS
	local blocks size
	read -r blocks size < <(stat -f -c '%a %S' "$FS")
	echo $((blocks * size))
}

# fill KB: leaves about KB kilobytes free on $FS (whole pages), by a file of zeros
fill() {
	local want=$(($1 * 1024)) have
	rm -f "$FS/filler"
	have=$(avail)
	if [ "$have" -gt "$want" ]; then
		head -c $((have - want)) /dev/zero >"$FS/filler" 2>/dev/null
	fi
	# tmpfs rounds to pages: take the rest, for "nothing left"
	[ "$1" = 0 ] && cat /dev/zero >>"$FS/filler" 2>/dev/null
	return 0
}

unfill() { rm -f "$FS/filler"; }

db() { # db SQL: one query on the database under test (read only)
	sqlite3 -readonly -batch -noheader "$FS/agendad.db" "$1"
}

seen_on_server() {
	bash "$T_HARNESS/mailserver.sh" count "$T_DIR/mail" INBOX seen
}

mail_start mail
mail_use mail
meeting=$(day_plus 20)
/usr/bin/python3 "$T_HARNESS/genmail.py" --seed 8 --meeting "$meeting" --until "$(day_plus 0)" \
	"$T_DIR/gen" "$N" >/dev/null || fatal "genmail.py"
write_conf "$T_DIR/etc/agendad.conf" DATABASE="$FS/agendad.db"
# the database, its schema and the meeting first, with room to spare
ad init --once
expect_rc 0 $? "agendad --once creates the database on the small filesystem"
actl meeting meeting add "$meeting" 17:00 --end 19:00 --place "Stadshuset"
expect_rc 0 $? "agendactl meeting add"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR"/gen/*.eml >/dev/null ||
	fatal "loading $N mails"

failed_runs=0
for free in $FREE_STEPS; do
	fill "$free"
	ad "full-$free" --once
	rc=$?
	left=$(avail)
	unfill
	case $rc in
	0) pass "free ${free} kB: agendad --once succeeded" ;;
	74 | 75)
		failed_runs=$((failed_runs + 1))
		if grep -a -q -E '^<[0-3]>.*(full|disk|database|store)' "$T_DIR/log/full-$free.log"; then
			pass "free ${free} kB: agendad --once fails cleanly (exit $rc) and logs why"
		else
			fail "free ${free} kB: exit $rc but no error line about the database in its log"
		fi
		;;
	*) fail "free ${free} kB: agendad --once exited $rc (want 0, 74 or 75)" ;;
	esac
	if grep -a -E 'AddressSanitizer|runtime error:|LeakSanitizer' "$T_DIR/log/full-$free.log" >/dev/null; then
		fail "free ${free} kB: sanitizer report"
	fi
	echo "#   free ${free} kB: exit $rc, $left bytes left; $(grep -a -m 1 '^<[0-3]>' \
		"$T_DIR/log/full-$free.log" | cut -c 1-150)"
	check=$(db "PRAGMA integrity_check")
	[ "$check" = ok ] && pass "free ${free} kB: the database is intact" ||
		fail "free ${free} kB: integrity_check says: $check"
	stored=$(db "SELECT count(*) FROM messages")
	seen=$(seen_on_server)
	if [ "$seen" -le "$stored" ]; then
		pass "free ${free} kB: no mail flagged on the server before it is stored ($seen <= $stored)"
	else
		fail "free ${free} kB: $seen mails \\Seen on the server but only $stored stored"
	fi
done
[ $failed_runs -gt 0 ] && pass "the full disk made $failed_runs run(s) fail" ||
	fail "no run failed: the filesystem never ran full (raise N or lower FREE_STEPS)"

# freed: everything arrives, once
ad freed --once
expect_rc 0 $? "agendad --once succeeds once the space is free"
acks_before_ref=$(mail_count)
ad again --once
expect_rc 0 $? "a last agendad --once succeeds"
if grep -a -q 'cycle: fetched 0, processed 0, queued 0, sent 0' "$T_DIR/log/again.log"; then
	pass "the last --once fetches, processes and sends nothing"
else
	fail "the last --once still did something: $(grep -a 'cycle:' "$T_DIR/log/again.log")"
fi
[ "$(mail_count)" = "$acks_before_ref" ] || fail "the last --once sent mail"
seen=$(seen_on_server)
[ "$seen" = "$N" ] && pass "all $N mails are \\Seen on the server" ||
	fail "$seen of $N mails are \\Seen on the server"

# the reference: the same mailbox into a fresh database on an ordinary disk, without
# acknowledgements (the sink already holds the test's)
REF_CONF=$T_DIR/ref/agendad.conf
mkdir -p "$T_DIR/ref"
sed -e "s|^database = .*|database = $T_DIR/ref/agendad.db|" -e 's/^acknowledge = yes/acknowledge = no/' \
	"$CONF" >"$REF_CONF"
cp "$T_DIR/etc/mail.password" "$T_DIR/ref/"
SAVED_CONF=$CONF
CONF=$REF_CONF
actl refmeeting meeting add "$meeting" 17:00 --end 19:00 --place "Stadshuset"
ad reference --once
expect_rc 0 $? "the reference run succeeds"
actl refmessages messages --json
actl refquestions questions --json
CONF=$SAVED_CONF
actl messages messages --json
actl questions questions --json

export SMTP_OUT
pycheck "$T_DIR/log" "$N" <<'EOF'
d, n = sys.argv[1], int(sys.argv[2])
msgs, qs = load(d + "/messages.out"), load(d + "/questions.out")
rmsgs, rqs = load(d + "/refmessages.out"), load(d + "/refquestions.out")
ok(len(msgs) == n, "%d messages stored, one per mail (want %d)" % (len(msgs), n))
mids = [m["message_id"] for m in msgs]
ok(len(set(mids)) == len(mids), "no Message-ID is stored twice")
ok(not [m for m in msgs if m["status"] == "new"], "no message is left unprocessed")
def mkey(m):
    return (m["message_id"], m["status"], m["from"], m["subject"], m["received"], m["questions"])
ok(sorted(map(mkey, msgs)) == sorted(map(mkey, rmsgs)),
   "every message has the status, sender and question count of the reference run")
by_id = {m["id"]: m["message_id"] for m in msgs}
rby_id = {m["id"]: m["message_id"] for m in rmsgs}
def qkey(q, ids):
    return (ids.get(q["message_id"], q["message_id"]), q["association"], q["category"],
            q["meeting"], q["title"], q["text"], q["status"])
a, b = sorted(qkey(q, by_id) for q in qs), sorted(qkey(q, rby_id) for q in rqs)
ok(a == b, "the questions are those of the reference run (%d vs %d; first difference %s)"
   % (len(a), len(b), next(((x, y) for x, y in zip(a, b) if x != y), None)))
acks = [m for m in mails() if m["msg"]["In-Reply-To"]]
irt = [m["msg"]["In-Reply-To"] for m in acks]
ok(len(set(irt)) == len(irt), "no mail is acknowledged twice (%d acks, %d distinct)"
   % (len(irt), len(set(irt))))
ids = [m["msg"]["Message-ID"] for m in mails()]
ok(len(set(ids)) == len(ids), "no mail left the outbox twice")
EOF
t_done

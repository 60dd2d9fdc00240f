#!/usr/bin/env bash
# t_sighup.sh - SIGHUP with a bad config keeps the running one (issue 8, "## Faults").
#
# agendad runs as a daemon (IDLE on a real Dovecot, acknowledgements to the real SMTP
# sink). Its config file is replaced, in turn, by garbage, an unknown key, a bad value,
# half a file, a valid file naming a database that cannot be opened, a file it may not
# read (mode 000: as root with CAP_DAC_OVERRIDE dropped), a missing file and a
# directory; each time it gets SIGHUP. Each time the daemon must log
# "config: reload failed, keeping the running configuration" with the reason, keep
# running, and still import and process the next mail with the old config. Then a valid
# config with a new [meeting] and a new [association] is applied ("config: reloaded"):
# the meeting is in the store and a mail from the new association is attributed to it.
# At the end: every mail stored once and processed, SIGTERM ends the daemon with 0.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init sighup
EXAMPLES=$T_ROOT/config/examples
DAEMON_PID=""

stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID" 2>/dev/null
	local t=100
	while kill -0 "$DAEMON_PID" 2>/dev/null && [ $t -gt 0 ]; do
		sleep 0.1
		t=$((t - 1))
	done
	kill -KILL "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=""
}
trap 'rc=$?; stop_daemon; (exit $rc); t_cleanup' EXIT

# wait_for TENTHS CMD...: true once CMD succeeds, polled every 0.1 s
wait_for() {
	local t=$1
	shift
	until "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.1
	done
}

log_count() { # log_count PATTERN: lines of the daemon's log matching PATTERN
	grep -a -c -- "$1" "$T_DIR/log/daemon.log"
}

log_more() { # log_more PATTERN N: more than N lines of the daemon's log match PATTERN
	[ "$(log_count "$1")" -gt "$2" ]
}

# messages_done N: N messages stored, none left "new"
messages_done() {
	actl messages messages --json || return 1
	"$PY" -c 'import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if len(m) == int(sys.argv[2]) and all(x["status"] != "new" for x in m) else 1)' \
		"$T_DIR/log/messages.out" "$1"
}

mail_start mail
mail_use mail
mkdir -p "$T_DIR/etc"
write_conf "$T_DIR/etc/agendad.conf"
DAEMON_CONF=$CONF
# agendactl reads a copy that stays valid while the daemon's file is broken
cp "$DAEMON_CONF" "$T_DIR/etc/good.conf"
CONF=$T_DIR/etc/good.conf

mails=("$EXAMPLES"/0[1-9]-*.eml "$EXAMPLES"/1[01]-*.eml)
n_loaded=0
load_next() { # delivers the next example mail
	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "${mails[$n_loaded]}" >/dev/null ||
		fatal "loading ${mails[$n_loaded]}"
	n_loaded=$((n_loaded + 1))
}

# as root, a file of mode 000 is unreadable only without CAP_DAC_OVERRIDE: the daemon
# runs with it (and CAP_DAC_READ_SEARCH) taken out of its bounding set
NOCAP=()
if [ "$(id -u)" = 0 ] && setpriv --bounding-set=-dac_override,-dac_read_search true 2>/dev/null; then
	# shellcheck disable=SC2054 # one argument with commas
	NOCAP=(setpriv --bounding-set=-dac_override,-dac_read_search)
fi
load_next
"${NOCAP[@]}" "$AGENDAD_BUILD/agendad" -c "$DAEMON_CONF" -v >"$T_DIR/log/daemon.log" 2>&1 &
DAEMON_PID=$!
# agendactl only after the daemon's first cycle: two processes creating a new database at
# the same moment can collide in the schema migration (see the report of issue 8)
wait_for 300 grep -q 'cycle: fetched' "$T_DIR/log/daemon.log" ||
	fatal "the daemon did not complete a first cycle within 30 s"
if wait_for 300 messages_done 1; then
	pass "the daemon imported and processed the first mail"
else
	fatal "the daemon did not import the first mail within 30 s"
fi

# bad_reload LABEL: the daemon's config is bad now; SIGHUP must be refused, then the
# next mail still processed
bad_reload() {
	local label=$1 before
	before=$(log_count 'config: reload failed, keeping the running configuration')
	kill -HUP "$DAEMON_PID"
	if wait_for 150 log_more 'config: reload failed, keeping the running configuration' "$before"; then
		pass "$label: the reload is refused and logged"
	else
		fail "$label: no 'config: reload failed' in the log within 15 s of SIGHUP"
	fi
	kill -0 "$DAEMON_PID" 2>/dev/null || fatal "$label: the daemon died on SIGHUP"
	load_next
	if wait_for 300 messages_done "$n_loaded"; then
		pass "$label: the daemon still imports and processes new mail"
	else
		fail "$label: mail $n_loaded was not processed within 30 s after the bad reload"
	fi
	kill -0 "$DAEMON_PID" 2>/dev/null || fatal "$label: the daemon died"
}

good=$(cat "$T_DIR/etc/good.conf")
head -c 3000 /dev/urandom | tr -d '\n' >"$DAEMON_CONF"
bad_reload "garbage"
printf '%s\n' "$good" | sed 's/^idle = yes$/idel = yes/' >"$DAEMON_CONF"
grep -q '^idel = yes' "$DAEMON_CONF" || fatal "the unknown-key config was not written"
bad_reload "unknown key"
printf '%s\n' "$good" | sed 's/^cutoff_days = .*/cutoff_days = sju/' >"$DAEMON_CONF"
bad_reload "bad value"
printf '%s\n' "$good" | head -n 12 >"$DAEMON_CONF"
bad_reload "half a file"
printf '%s\n' "$good" | sed "s|^database = .*|database = /proc/agendad-nowhere/agendad.db|" \
	>"$DAEMON_CONF"
bad_reload "database cannot be opened"
grep -a -q 'agendad-nowhere' "$T_DIR/log/daemon.log" &&
	pass "the refused reload names the database it could not open" ||
	fail "the refused reload does not name the database"

printf '%s\n' "$good" >"$DAEMON_CONF"
chmod 000 "$DAEMON_CONF"
if [ "$(id -u)" != 0 ] || [ ${#NOCAP[@]} -gt 0 ]; then
	bad_reload "unreadable (mode 000)"
	grep -a -q 'Permission denied' "$T_DIR/log/daemon.log" &&
		pass "the refused reload says the config could not be read" ||
		fail "no 'Permission denied' in the log for the unreadable config"
else
	echo "# skipped: mode 000 (root, and setpriv cannot drop CAP_DAC_OVERRIDE here)"
fi
chmod 600 "$DAEMON_CONF"
rm -f "$DAEMON_CONF"
bad_reload "missing file"
mkdir "$DAEMON_CONF"
bad_reload "a directory"
rmdir "$DAEMON_CONF"
grep -a 'config: reload failed' "$T_DIR/log/daemon.log" | cut -c 1-160 | sed 's/^/#   /'

# a valid, changed config: a new meeting and a new association take effect
meeting=$(day_plus 40)
{
	printf '%s\n' "$good"
	printf '\n[meeting %s]\ntime = 17:30\nend = 19:00\nplace = Stadshuset, sal Ljusnan\n' "$meeting"
	printf '\n[association Ny förening Exempelstad]\naddresses = @ny-forening.example\n'
} >"$DAEMON_CONF.new"
mv "$DAEMON_CONF.new" "$DAEMON_CONF"
cp "$DAEMON_CONF" "$CONF"
kill -HUP "$DAEMON_PID"
if wait_for 150 log_more "config: reloaded $DAEMON_CONF" 0; then
	pass "a valid config is applied on SIGHUP ('config: reloaded')"
else
	fail "no 'config: reloaded' within 15 s of SIGHUP with a valid config"
fi
actl meetings meeting list --json
json_assert "$T_DIR/log/meetings.out" \
	"[m['time'] for m in d if m['date'] == '$meeting'] == ['17:30']" \
	"the new [meeting $meeting] is in the store after the reload"

cat >"$T_DIR/new-association.eml" <<EOF
From: Karin Ny <karin@ny-forening.example>
To: $MAIL_LOGIN
Subject: =?UTF-8?Q?Fr=C3=A5ga_om_ledsagarservice?=
Date: $(date -R)
Message-ID: <sighup-new-association@ny-forening.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Hej!

Hur många timmar ledsagarservice beviljas i genomsnitt per månad, och har
kommunen ändrat riktlinjerna för ledsagning till fritidsaktiviteter?

Med vänlig hälsning
Karin Ny
Ny förening Exempelstad
EOF
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_DIR/new-association.eml" >/dev/null ||
	fatal "loading new-association.eml"
n_loaded=$((n_loaded + 1))
if wait_for 300 messages_done "$n_loaded"; then
	pass "the mail after the valid reload is processed"
else
	fail "the mail after the valid reload was not processed within 30 s"
fi

actl questions questions --json
pycheck "$T_DIR/log/messages.out" "$T_DIR/log/questions.out" "$n_loaded" <<'EOF'
msgs, qs, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
ok(len(msgs) == n, "%d mails delivered, %d stored" % (n, len(msgs)))
ids = [m["message_id"] for m in msgs]
ok(len(set(ids)) == len(ids), "no mail is stored twice")
ok(all(m["status"] == "processed" for m in msgs),
   "every mail is processed (%s)" % sorted({m["status"] for m in msgs}))
new = [m for m in msgs if "ny-forening" in (m["from"] or "")]
ok(len(new) == 1, "the mail of the new association is stored")
nq = [q for q in qs if new and q["message_id"] in (new[0]["id"], new[0]["message_id"])]
ok(len(nq) == 1 and nq[0]["association"] == "Ny förening Exempelstad",
   "its question is attributed to the association added by the reload (got %r)"
   % [q["association"] for q in nq])
EOF

kill -0 "$DAEMON_PID" 2>/dev/null && pass "the daemon is still running" ||
	fail "the daemon is gone"
grep -a -E 'ERROR: AddressSanitizer|runtime error:' "$T_DIR/log/daemon.log" &&
	fail "sanitizer report in the daemon's log"
kill -TERM "$DAEMON_PID"
wait_for 150 eval '! kill -0 "$DAEMON_PID" 2>/dev/null'
wait "$DAEMON_PID"
expect_rc 0 $? "SIGTERM ends the daemon with exit 0"
DAEMON_PID=""
t_done

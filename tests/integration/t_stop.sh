#!/usr/bin/env bash
# t_stop.sh - SIGTERM while the SMTP server stalls (systemd's stop, TimeoutStopSec=90s).
#
# The SMTP sink stops answering MAIL FROM (smtp-mode stall) while agendad sends the
# acknowledgement of a mail from a known association. SIGTERM to the daemon: the mail in
# transfer gets SMTP_STOP_GRACE_S (10 s) to finish, then the transfer is given up
# instead of waiting out libcurl's timeouts (2 minutes without a byte): agendad exits 0
# well within systemd's 90 s, with the outbox row queued again (not left 'sending') and
# the reason "interrupted". With the server answering again, the next run sends the
# acknowledgement exactly once. (A stalled IMAP server: t_hostile_imap.sh.)
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init stop
DAEMON_PID=""
trap 'rc_=$?; [ -z "$DAEMON_PID" ] || kill -KILL "$DAEMON_PID" 2>/dev/null; (exit $rc_); t_cleanup' EXIT
mail_start mail
mail_use mail
write_conf "$T_DIR/cfg/agendad.conf"
DB=$T_DIR/cfg/agendad.db
FUB=$T_ROOT/config/examples/01-fub-boende-thunderbird.eml
RCPT=$(sed -n 's/^From:.*<\(.*\)>.*/\1/p' "$FUB" | head -1)
[ -n "$RCPT" ] || fatal "no From address in $FUB"

echo stall >"$SMTP_MODE_FILE"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$FUB" >/dev/null || fatal "load"
"$AGENDAD_BUILD/agendad" -c "$CONF" >"$T_DIR/log/daemon.log" 2>&1 &
DAEMON_PID=$!
t=0
until grep -q 'stalling (smtp-mode stall)' "$SMTP_LOG" 2>/dev/null; do
	t=$((t + 1))
	[ $t -le 300 ] || fatal "agendad never reached the SMTP server's stall (30 s)"
	sleep 0.1
done
sleep 1
term_wait "$DAEMON_PID" 60
DAEMON_PID=""
rc=$TERM_RC ms=$TERM_MS
echo "# SIGTERM during a stalled SMTP transfer: exit $rc after $ms ms"
expect_rc 0 $rc "agendad exits 0 on SIGTERM during a stalled SMTP transfer"
[ "$ms" -ge 9000 ] && pass "the mail in transfer had its grace (${ms} ms >= 9 s)" ||
	fail "the transfer was given up after ${ms} ms, before its 10 s grace"
[ "$ms" -le 30000 ] && pass "agendad ended ${ms} ms after SIGTERM, well within systemd's 90 s" ||
	fail "agendad took ${ms} ms to end after SIGTERM"
grep -a -E '^<[0-2]>' "$T_DIR/log/daemon.log" >/dev/null &&
	fail "an error worse than a warning is logged: $(grep -a -m1 -E '^<[0-2]>' "$T_DIR/log/daemon.log")" ||
	pass "no error logged for the stop"

row=$(sqlite3 "$DB" "SELECT status || '|' || coalesce(last_error, '') FROM outbox WHERE rcpt = '$RCPT'")
case "$row" in
queued\|*interrupted*) pass "the acknowledgement is queued again with the reason: $row" ;;
*) fail "the acknowledgement's outbox row after the stop: '$row'" ;;
esac

# the server answers again; the backoff is skipped in the database
echo ok >"$SMTP_MODE_FILE"
force_due "$DB"
ad again --once
expect_rc 0 $? "the next agendad --once"
n=$(grep -l "$RCPT" "$SMTP_OUT"/*.json 2>/dev/null | wc -l)
[ "$n" = 1 ] && pass "the acknowledgement reached the server exactly once" ||
	fail "the acknowledgement reached the server $n time(s)"
[ "$(sqlite3 "$DB" "SELECT status FROM outbox WHERE rcpt = '$RCPT'")" = sent ] &&
	pass "its outbox row is sent" || fail "its outbox row is not sent"
t_done

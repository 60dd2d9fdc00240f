#!/usr/bin/env bash
# demo.sh BUILD_DIR - what `make demo` runs: a throw-away Dovecot and SMTP server on
# 127.0.0.1 under a temporary directory, the example mails of config/examples/ in the
# council's mailbox, one meeting three weeks ahead, `agendad --once`, `send-draft`, and
# then the draft agenda exactly as the secretary's mailbox received it. Everything is
# stopped and removed at the end, also on failure (KEEP=1 keeps the directory).
set -euo pipefail

if [ $# -ne 1 ] || [ ! -x "$1/agendad" ] || [ ! -x "$1/agendactl" ]; then
	echo "usage: scripts/demo.sh BUILD_DIR (holding agendad and agendactl; run make first)" >&2
	exit 64
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export AGENDAD_BUILD
AGENDAD_BUILD=$(cd "$1" && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/harness/lib.sh
. "$ROOT/tests/harness/lib.sh"

# the binaries find categories.conf and templates/ in the source tree and the
# training set in the build
export AGENDAD_DATADIR=$ROOT/config:$AGENDAD_BUILD/share
unset CREDENTIALS_DIRECTORY
SECRETARY=sekreterare@exempelstad.example

T_DIR=$(mktemp -d /tmp/agendad-demo.XXXXXX)
chmod 755 "$T_DIR" # Dovecot's users (nobody, dovecot) must reach the maildirs
mkdir -p "$T_DIR/log"

cleanup() {
	local rc=$?
	trap - EXIT
	mail_stop_all >/dev/null 2>&1 || true
	if [ "${KEEP:-0}" = 1 ]; then
		echo "demo: kept $T_DIR"
	else
		rm -rf "$T_DIR"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "demo: $*"; }

# run WHAT LOG COMMAND...: stop the demo with the command's own words when it fails
run() {
	local what=$1 log=$2 rc=0
	shift 2
	"$@" || rc=$?
	if [ $rc -ne 0 ]; then
		say "$what failed (exit $rc):" >&2
		cat "$T_DIR/log/$log".* >&2 2>/dev/null || true
		exit 1
	fi
}

say "starting Dovecot (IMAPS) and an SMTP server on 127.0.0.1 under $T_DIR"
mail_start mail
mail_use mail
write_conf "$T_DIR/agendad.conf"

examples=("$ROOT"/config/examples/*.eml)
say "delivering ${#examples[@]} example mails from config/examples/ to $MAIL_LOGIN"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "${examples[@]}"

date=$(day_plus 21)
say "adding the meeting of $date, 17:00-19:00, Stadshuset, sal Ljusnan"
run "agendactl meeting add" meeting \
	actl meeting meeting add "$date" 17:00 --end 19:00 --place "Stadshuset, sal Ljusnan"

say "agendad --once: fetching, sorting and acknowledging the questions"
run "agendad --once" once1 ad once1 --once
run "agendactl messages" messages actl messages messages --json
"$PY" -c 'import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
by = {}
for x in m:
    by[x["status"]] = by.get(x["status"], 0) + 1
print("demo: %d mails: %d with %d questions from associations, %s" % (len(m),
      by.pop("processed", 0), sum(x["questions"] for x in m if x["status"] == "processed"),
      ", ".join("%d %s" % (n, s) for s, n in sorted(by.items())) or "nothing held"))' \
	"$T_DIR/log/messages.out"

say "agendactl send-draft --meeting next, then agendad --once to deliver it"
run "agendactl send-draft" send actl send send-draft --meeting next
run "agendad --once" once2 ad once2 --once

say "the draft agenda as $SECRETARY received it:"
echo
"$PY" -c "$PY_PRELUDE"'
secretary, out = sys.argv[1], sys.argv[2]
found = [x for x in mails(out) if secretary in [r.lower() for r in x["meta"]["rcpt_tos"]]
         and (header(x["msg"], "Subject") or "").startswith("Dagordning")]
if not found:
    sys.exit("demo: no mail to %s with a subject starting \"Dagordning\" in %s"
             % (secretary, out))
msg = found[-1]["msg"]
for h in ("From", "To", "Date", "Subject"):
    print("%s: %s" % (h, header(msg, h)))
print()
sys.stdout.write(found[-1]["text"])' "$SECRETARY" "$SMTP_OUT"

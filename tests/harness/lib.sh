# shellcheck shell=bash
# lib.sh - bash helpers for tests/integration/t_*.sh (scripts/demo.sh uses a few).
# Source it, then:
#   t_init NAME                 temp dir $T_DIR under /tmp, a trap that always stops the
#                               servers and removes $T_DIR (KEEP=1 keeps it), the binaries
#                               from $AGENDAD_BUILD (the Makefile exports it)
#   mail_start NAME [VAR=V...]  mailserver.sh start $T_DIR/NAME (VARs: its environment)
#   mail_use NAME               source $T_DIR/NAME/env (IMAP_PORT, CAFILE, SMTP_OUT...)
#   mail_get NAME KEY           one value of another instance's env; mail_stop_all
#   day_plus N                  today + N days (YYYY-MM-DD, Europe/Stockholm)
#   write_conf FILE [KEY=V...]  agendad.conf from config/examples/agendad.conf.in; sets CONF
#   ad LOG ARGS...              agendad -c $CONF ARGS, output in $T_DIR/log/LOG.log
#   actl LOG ARGS...            agendactl -c $CONF ARGS, stdout in $T_DIR/log/LOG.out
#   pass MSG / fail MSG / fatal MSG / expect_rc WANT GOT MSG / t_done
#   e2e_mail NAME WHEN [K=V...] tests/data/e2e/NAME dated WHEN into $T_DIR/in; prints the path
#   force_due DB                every queued outbox row due now
#   term_wait PID SECONDS       SIGTERM, wait; sets TERM_RC and TERM_MS
#   json_assert FILE EXPR MSG   EXPR: Python over d (the parsed JSON)
#   json_get FILE EXPR          prints EXPR (str as is, anything else as JSON)
#   pycheck [ARGS...] <<'EOF'   Python checks; ok(cond, msg) becomes pass or fail; see
#                               PY_PRELUDE for mails(), text_of(), load()
#   wait_mails N [SECONDS]      until $SMTP_OUT holds N mails; mail_count; mail_text FILE
# Every check is a pass or a fail (VERBOSE=1 shows the passes too); t_done and the trap
# print the summary and turn any failure into exit status 1.

T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T_HARNESS=$T_ROOT/tests/harness
PY=/usr/bin/python3 # Debian's: python3 on PATH may be another build (FACTS.md 14)
T_PASS=0
T_FAIL=0
T_SERVERS=()
T_DIR=""
T_NAME=""
CONF=""

# Passing checks are counted, and shown with VERBOSE=1; failures are always shown.
pass() {
	T_PASS=$((T_PASS + 1))
	[ "${VERBOSE:-0}" = 0 ] || echo "ok   - $*"
}

fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL - $*"
}

# A failure that makes the remaining checks meaningless.
fatal() {
	fail "$*"
	exit 1
}

expect_rc() { # expect_rc WANT GOT MSG
	if [ "$2" = "$1" ]; then pass "$3"; else fail "$3 (exit $2, want $1)"; fi
}

day_plus() { # YYYY-MM-DD of today + N days in the council's time zone
	TZ=Europe/Stockholm date -d "+$1 days" +%F
}

t_init() {
	T_NAME=$1
	: "${AGENDAD_BUILD:=$T_ROOT/build}"
	local b
	for b in agendad agendactl; do
		[ -x "$AGENDAD_BUILD/$b" ] || {
			echo "FAIL - $AGENDAD_BUILD/$b missing: build first (make), or set AGENDAD_BUILD"
			exit 1
		}
	done
	# mode 0755: as root, Dovecot's users (nobody, dovecot) must reach the maildirs
	T_DIR=$(mktemp -d "/tmp/agendad-$T_NAME.XXXXXX")
	chmod 755 "$T_DIR"
	mkdir -p "$T_DIR/log"
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
	# templates and categories.conf come from the source tree, the training set
	# from the build (make builds BUILD/share/training.tsv), not an installed copy
	export AGENDAD_DATADIR=$T_ROOT/config:$AGENDAD_BUILD/share
	unset CREDENTIALS_DIRECTORY
	echo "# $T_NAME: $T_DIR, binaries from $AGENDAD_BUILD"
}

mail_start() { # mail_start NAME [VAR=VALUE...]
	local name=$1
	shift
	T_SERVERS+=("$T_DIR/$name")
	env "$@" bash "$T_HARNESS/mailserver.sh" start "$T_DIR/$name" ||
		fatal "mail servers '$name' did not start"
}

mail_use() {
	# shellcheck disable=SC1090
	. "$T_DIR/$1/env"
}

mail_get() { # mail_get NAME KEY: one value from another instance's env
	(
		# shellcheck disable=SC1090
		. "$T_DIR/$1/env"
		printf '%s\n' "${!2}"
	)
}

mail_stop_all() {
	local i
	for ((i = ${#T_SERVERS[@]} - 1; i >= 0; i--)); do
		bash "$T_HARNESS/mailserver.sh" stop "${T_SERVERS[$i]}" || true
	done
	T_SERVERS=()
}

t_cleanup() {
	local rc=$? f
	trap - EXIT
	if [ "$T_FAIL" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "# --- logs of $T_NAME (last lines; KEEP=1 keeps them all, VERBOSE=1 shows every check) ---"
		for f in "$T_DIR"/log/*.log "$T_DIR"/*/log/dovecot.log "$T_DIR"/*/log/smtp.log; do
			[ -s "$f" ] || continue
			echo "# $f"
			tail -n 15 "$f" | sed 's/^/#   /'
		done
		# agendactl's stderr: only errors (sd-daemon <0>-<3>) and unprefixed lines
		for f in "$T_DIR"/log/*.err; do
			grep -qv '^<[4-7]>' "$f" 2>/dev/null || continue
			echo "# $f"
			grep -v '^<[4-7]>' "$f" | tail -n 15 | sed 's/^/#   /'
		done
	fi
	mail_stop_all
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# kept $T_DIR"
	elif [ -n "$T_DIR" ]; then
		rm -rf "$T_DIR"
	fi
	echo "# $T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] && [ "$rc" -eq 0 ] || exit 1
	exit 0
}

t_done() {
	exit 0 # t_cleanup prints the summary and turns failures into the exit status
}

# write_conf FILE [KEY=VALUE...]: the demo/test config for the servers of the last
# mail_use. An empty VALUE drops the lines holding @KEY@ (e.g. CA_FILE= tests the
# system trust store). The password is copied beside FILE with mode 0600.
write_conf() {
	local file=$1 dir
	shift
	dir=$(dirname "$file")
	mkdir -p "$dir"
	install -m 0600 "$PASSWORD_FILE" "$dir/mail.password"
	"$PY" - "$T_ROOT/config/examples/agendad.conf.in" "$file" \
		IMAP_URL="$IMAPS_URL" IMAP_STARTTLS=no MAIL_LOGIN="$MAIL_LOGIN" \
		PASSWORD_FILE=mail.password CA_FILE="$CAFILE" SMTP_URL="$SMTP_URL" \
		CUTOFF_DAYS=7 DRAFT_DAYS=5 DATABASE="$dir/agendad.db" "$@" <<'EOF' ||
import re, sys
src, dst, pairs = sys.argv[1], sys.argv[2], dict(a.split('=', 1) for a in sys.argv[3:])
out = []
for line in open(src, encoding='utf-8'):
    keys = [] if line.lstrip().startswith('#') else re.findall(r'@([A-Z_]+)@', line)
    if any(pairs.get(k) == '' for k in keys):
        continue
    for k in keys:
        if k not in pairs:
            sys.exit('write_conf: no value for @%s@' % k)
        line = line.replace('@%s@' % k, pairs[k])
    out.append(line)
open(dst, 'w', encoding='utf-8').write(''.join(out))
EOF
		fatal "write_conf $file"
	CONF=$file
}

# ad LOG ARGS...: agendad with $CONF; a hung binary is killed after T_TIMEOUT seconds
ad() {
	local log=$1
	shift
	timeout -k 5 "${T_TIMEOUT:-120}" "$AGENDAD_BUILD/agendad" -c "$CONF" "$@" \
		>"$T_DIR/log/$log.log" 2>&1
}

actl() {
	local log=$1
	shift
	timeout -k 5 "${T_TIMEOUT:-120}" "$AGENDAD_BUILD/agendactl" -c "$CONF" "$@" \
		>"$T_DIR/log/$log.out" 2>"$T_DIR/log/$log.err"
}

# e2e_mail NAME WHEN [KEY=VALUE...]: tests/data/e2e/NAME with every @DATE@ set to WHEN
# ("D HH:MM": today + D days at HH:MM in Europe/Stockholm; "now-M": M minutes ago) and
# every other @KEY@ replaced, into $T_DIR/in/; prints the path. Fixtures must be CRLF.
e2e_mail() {
	mkdir -p "$T_DIR/in"
	"$PY" - "$T_ROOT/tests/data/e2e/$1" "$T_DIR/in/$1" "${@:2}" <<'EOF' || fatal "e2e_mail $*"
import datetime, email.utils, re, sys
from zoneinfo import ZoneInfo
src, dst, when = sys.argv[1:4]
pairs = dict(a.split("=", 1) for a in sys.argv[4:])
raw = open(src, "rb").read()
if b"\n" in raw.replace(b"\r\n", b""):
    sys.exit("%s: not CRLF" % src)
tz = ZoneInfo("Europe/Stockholm")
now = datetime.datetime.now(tz).replace(microsecond=0)
if when.startswith("now-"):
    t = now - datetime.timedelta(minutes=int(when[4:]))
else:
    days, hhmm = when.split()
    d = now.date() + datetime.timedelta(days=int(days))
    h, m = map(int, hhmm.split(":"))
    t = datetime.datetime(d.year, d.month, d.day, h, m, 17, tzinfo=tz)
pairs.setdefault("DATE", email.utils.format_datetime(t))
for k, v in pairs.items():
    raw = raw.replace(("@%s@" % k).encode(), v.encode())
left = re.findall(rb"@[A-Z_]+@", raw)
if left:
    sys.exit("%s: no value for %s" % (src, left[0].decode()))
open(dst, "wb").write(raw)
print(dst)
EOF
}

# force_due DB: every queued outbox row becomes due now, as it would be once its backoff
# is over: time passes in a test by editing the database (agendad never does this)
force_due() {
	sqlite3 "$1" "UPDATE outbox SET next_attempt = strftime('%s', 'now') - 1 WHERE status = 'queued'" ||
		fatal "sqlite3 could not make the outbox due"
}

# term_wait PID SECONDS: SIGTERM to PID (a child of this shell), and wait for its end; a
# failure and SIGKILL after SECONDS. Sets TERM_RC (its exit status) and TERM_MS (ms from
# the signal to its end).
term_wait() {
	local pid=$1 t=0 t0
	t0=$(date +%s%N)
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null && [ $t -lt $(($2 * 10)) ]; do
		t=$((t + 1))
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "process $pid still runs $2 s after SIGTERM"
		kill -KILL "$pid"
	fi
	wait "$pid"
	# shellcheck disable=SC2034 # for the caller
	TERM_RC=$?
	# shellcheck disable=SC2034
	TERM_MS=$((($(date +%s%N) - t0) / 1000000))
}

json_assert() { # json_assert FILE EXPR MSG
	if "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null; then
		pass "$3"
	else
		fail "$3 ($2 is false for $1)"
	fi
}

json_get() { # json_get FILE EXPR
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))' "$1" "$2"
}

mail_count() {
	local n=0 f
	for f in "$SMTP_OUT"/*.eml; do [ -e "$f" ] && n=$((n + 1)); done
	echo $n
}

wait_mails() { # wait_mails N [SECONDS]: true once $SMTP_OUT holds at least N mails
	local want=$1 t=$((${2:-10} * 10))
	while [ "$(mail_count)" -lt "$want" ]; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.1
	done
}

# Python helpers for pycheck and mail_text. mails(DIR) lists what the sink received:
# dicts with file, meta (the sink's .json), msg (email.message.EmailMessage), raw, text
# (the first text/plain part that is not an attachment, decoded).
PY_PRELUDE='
import datetime, email, glob, json, os, re, sys
from email import policy
from email.header import decode_header, make_header
try:
    from zoneinfo import ZoneInfo
    TZ = ZoneInfo("Europe/Stockholm")
except Exception:
    TZ = datetime.timezone(datetime.timedelta(hours=1))

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)

def text_of(msg):
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            return part.get_content()
    return ""

def header(msg, name):
    v = msg.get(name)
    return None if v is None else str(make_header(decode_header(str(v))))

def mails(d=None):
    d = d or os.environ["SMTP_OUT"]
    out = []
    for f in sorted(glob.glob(os.path.join(d, "*.eml"))):
        raw = open(f, "rb").read()
        msg = email.message_from_bytes(raw, policy=policy.default)
        out.append({"file": os.path.basename(f), "meta": load(f[:-4] + ".json"),
                    "msg": msg, "raw": raw, "text": text_of(msg)})
    return out

def norm(s):
    return " ".join((s or "").split())

def local_day(iso):
    t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.astimezone(TZ).date().isoformat()

def ok(cond, msg):
    print(("PASS\t" if cond else "FAIL\t") + msg.replace("\n", " "))
    return cond
'

# pycheck [ARGS...] <<'EOF' ... EOF: runs the Python on stdin after PY_PRELUDE (ARGS in
# sys.argv[1:]); each "PASS\tmsg" or "FAIL\tmsg" line it prints is counted; a crash of
# the check itself is a failure.
pycheck() {
	local code line out rc
	code=$(cat)
	out=$("$PY" -c "$PY_PRELUDE$code" "$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		PASS$'\t'*) pass "${line#PASS$'\t'}" ;;
		FAIL$'\t'*) fail "${line#FAIL$'\t'}" ;;
		*) echo "#   $line" ;;
		esac
	done <<<"$out"
	[ $rc -eq 0 ] || fail "a Python check crashed (exit $rc)"
}

mail_text() { # mail_text FILE: the decoded text/plain part
	"$PY" -c "$PY_PRELUDE"'
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
sys.stdout.write(text_of(msg))' "$1"
}

#!/usr/bin/env bash
# t_systemd.sh - the units and agendad's side of the systemd contract (issue 7). systemd
# is not PID 1 on the test machines, so the units are checked with systemd-analyze and
# agendad is run by hand in the environment a unit would give it:
#
#   verify     `systemd-analyze verify --man=no` of agendad.service and of an instance
#              of agendad@.service prints nothing (it only warns on a typo, with exit 0:
#              FACTS.md), and a unit with a typo does print (so the check can fail)
#   security   `systemd-analyze security --offline=yes`: overall exposure 1.5 or lower
#   contents   Type=notify, a WatchdogSec above the slowest healthy step (the network
#              timeouts in src/smtp.c, src/oauth2.c, src/imap.c) and above the 60 s wake
#              interval, DynamicUser, StateDirectory, no capabilities, the three
#              LoadCredential= IDs that agendad reads by default, the instance's own
#              configuration, state directory and credentials
#   notify     agendad under a NOTIFY_SOCKET (as Type=notify): READY=1, STATUS=, WATCHDOG=1,
#              RELOADING=1 and READY=1 on SIGHUP, STOPPING=1 and exit 0 on SIGTERM
#   credentials  bare password_file names found in $CREDENTIALS_DIRECTORY (0400 files as
#              systemd makes them); a missing one refused with exit 78 and a pointer to
#              /etc/credstore; an xoauth2 setup needs no password credential
#   syscalls   (where strace is installed) a full `agendad --once` cycle uses no system call
#              outside the unit's SystemCallFilter, no socket family outside
#              RestrictAddressFamilies, and writes nowhere but its database directory
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init systemd
command -v systemd-analyze >/dev/null || fatal "systemd-analyze missing (apt-get install systemd)"
PIDS=()
kill_pids() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	PIDS=()
}
trap 'rc_=$?; kill_pids; (exit $rc_); t_cleanup' EXIT

UNITS=$T_DIR/units
mkdir -p "$UNITS"
for u in agendad.service agendad@.service; do
	sed -e "s|@SBINDIR@|$AGENDAD_BUILD|g" -e "s|@SYSCONFDIR@|/etc|g" "$T_ROOT/systemd/$u" \
		>"$UNITS/$u" || fatal "cannot render $u"
done
cp "$UNITS/agendad@.service" "$UNITS/agendad@lss.service"

# --- verify ---------------------------------------------------------------------------------
for u in agendad.service agendad@lss.service; do
	out=$(cd "$UNITS" && systemd-analyze verify --man=no "./$u" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		pass "systemd-analyze verify $u: clean"
	else
		fail "systemd-analyze verify $u (exit $rc): $out"
	fi
done
sed 's/^ProtectSystem=/ProtectSystm=/' "$UNITS/agendad.service" >"$UNITS/typo.service"
out=$(cd "$UNITS" && systemd-analyze verify --man=no ./typo.service 2>&1)
[ -n "$out" ] && pass "verify does report a typo (the check above can fail)" ||
	fail "verify said nothing about ProtectSystm="
rm -f "$UNITS/typo.service"

# --- security --------------------------------------------------------------------------------
for u in agendad.service agendad@lss.service; do
	out=$(cd "$UNITS" && systemd-analyze security --offline=yes "./$u" 2>&1)
	level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
	if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 1.5) }'; then
		pass "systemd-analyze security --offline=yes $u: exposure $level (goal 1.5 or lower)"
	else
		fail "systemd-analyze security $u: exposure '${level:-?}', want 1.5 or lower"
		printf '%s\n' "$out" | grep '✗' | sed 's/^/#   /'
	fi
	echo "# $u: exposure $level"
	(cd "$UNITS" && systemd-analyze security --offline=yes --threshold=15 "./$u" >/dev/null 2>&1)
	expect_rc 0 $? "systemd-analyze security --threshold=15 $u"
done

# --- contents ----------------------------------------------------------------------------------
has() { # has UNIT LINE: the unit has this exact line
	if grep -qxF -- "$2" "$UNITS/$1"; then pass "$1: $2"; else fail "$1 lacks '$2'"; fi
}
for u in agendad.service agendad@.service; do
	for line in Type=notify DynamicUser=yes CapabilityBoundingSet= NoNewPrivileges=yes \
		ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
		MemoryDenyWriteExecute=yes RestrictNamespaces=yes LockPersonality=yes \
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" SystemCallFilter=@system-service \
		UMask=0077 StateDirectoryMode=0700 ConfigurationDirectory=agendad; do
		has "$u" "$line"
	done
done
has agendad.service StateDirectory=agendad
has agendad.service "ExecStart=$AGENDAD_BUILD/agendad -c /etc/agendad/agendad.conf"
has agendad@.service StateDirectory=agendad-%i
has agendad@.service "ExecStart=$AGENDAD_BUILD/agendad -c /etc/agendad/%i.conf"
has agendad@.service "ConditionPathExists=/etc/agendad/%i.conf"
# the credential IDs are the names agendad reads when password_file is not set
for id in imap-password smtp-password oauth2-client-secret; do
	grep -q "\"$id\"" "$T_ROOT/src/cycle.c" "$T_ROOT/src/agendad.c" "$T_ROOT/src/oauth2.c" ||
		fail "no default secret name \"$id\" in the sources"
	has agendad.service "LoadCredential=$id:agendad.$id"
	has agendad@.service "LoadCredential=$id:agendad-%i.$id"
done

# WatchdogSec against the slowest step that sends no WATCHDOG=1
seconds() { # 10min, 90s, 600 -> seconds
	case "$1" in
	*min) echo $((${1%min} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}
define() { # define FILE NAME: the number of a #define
	sed -n "s/^#define $2[[:space:]]*\([0-9]*\)L\{0,1\}.*/\1/p" "$T_ROOT/src/$1" | head -n 1
}
wd=$(seconds "$(sed -n 's/^WatchdogSec=//p' "$UNITS/agendad.service")")
smtp=$(($(define smtp.c CONNECT_TIMEOUT) + $(define smtp.c TRANSFER_TIMEOUT)))
oauth=$(($(define oauth2.c CONNECT_TIMEOUT) + $(define oauth2.c REQUEST_TIMEOUT)))
imap=$((3 * $(define imap.c IMAP_TIMEOUT_S))) # connect, TLS handshake, LOGIN
wake=$(define agendad.c WAKE_INTERVAL)
slowest=$((smtp > oauth + imap ? smtp : oauth + imap))
if [ "${wd:-0}" -gt "$slowest" ] && [ "$wd" -gt "${wake:-9999}" ]; then
	pass "WatchdogSec ${wd}s exceeds the slowest step (${slowest}s: SMTP ${smtp}s, token ${oauth}s + IMAP ${imap}s) and the ${wake}s wake interval"
else
	fail "WatchdogSec ${wd:-?}s does not exceed the slowest step ${slowest}s / wake interval ${wake:-?}s"
fi
if cmp -s <(grep -v '%i\|^#\|^Description=\|^User=' "$UNITS/agendad@.service") \
	<(grep -v '^#\|^Description=\|^ExecStart=\|^StateDirectory=\|^LoadCredential=\|^ConditionPathExists=' "$UNITS/agendad.service"); then
	pass "agendad@.service differs from agendad.service only in its per-instance lines"
else
	fail "agendad@.service and agendad.service differ beyond the per-instance lines: $(diff <(grep -v '%i\|^#\|^Description=\|^User=' "$UNITS/agendad@.service") <(grep -v '^#\|^Description=\|^ExecStart=\|^StateDirectory=\|^LoadCredential=\|^ConditionPathExists=' "$UNITS/agendad.service") | tr '\n' ' ')"
fi

# --- mail servers for the rest ---------------------------------------------------------------
mail_start mail
mail_use mail
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_ROOT"/config/examples/0{1,2,3}-*.eml \
	>/dev/null || fatal "could not load the examples"

# --- sd_notify ---------------------------------------------------------------------------------
write_conf "$T_DIR/notify/agendad.conf"
"$PY" - "$T_DIR/notify.sock" "$T_DIR/notify.txt" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        data = s.recv(4096).decode("utf-8", "replace")
        for line in data.split("\n"):
            out.write(line + "\n")
EOF
PIDS+=($!)
for ((t = 0; t < 50; t++)); do [ -S "$T_DIR/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$T_DIR/notify.sock "$AGENDAD_BUILD/agendad" -c "$CONF" >"$T_DIR/log/notify.log" 2>&1 &
apid=$!
PIDS=("$apid" "${PIDS[@]}")
notified() { grep -qx -- "$1" "$T_DIR/notify.txt" 2>/dev/null; }
wait_notify() { # wait_notify LINE SECONDS
	local t=$(($2 * 10))
	until notified "$1"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.1
	done
}
wait_notify READY=1 20 && pass "notify: READY=1 once agendad is up" || fail "notify: no READY=1"
# the examples are fetched and acknowledged, then it waits for mail
wait_notify "STATUS=idle (waiting for mail)" 30 && pass "notify: STATUS=idle (waiting for mail)" ||
	fail "notify: no STATUS=idle"
grep -q '^STATUS=fetching [0-9]* messages$' "$T_DIR/notify.txt" &&
	pass "notify: STATUS=fetching N messages" || fail "notify: no STATUS=fetching N"
grep -q '^STATUS=sending [0-9]* mails$' "$T_DIR/notify.txt" &&
	pass "notify: STATUS=sending N mails" || fail "notify: no STATUS=sending N"
notified WATCHDOG=1 && pass "notify: WATCHDOG=1" || fail "notify: no WATCHDOG=1"
[ "$(head -n 1 "$T_DIR/notify.txt")" = READY=1 ] && pass "notify: READY=1 comes first" ||
	fail "notify: the first message is '$(head -n 1 "$T_DIR/notify.txt")'"
n_ready=$(grep -cx READY=1 "$T_DIR/notify.txt")
kill -HUP "$apid"
wait_notify RELOADING=1 10 && pass "notify: RELOADING=1 on SIGHUP" || fail "notify: no RELOADING=1"
for ((t = 0; t < 100; t++)); do [ "$(grep -cx READY=1 "$T_DIR/notify.txt")" -gt "$n_ready" ] && break; sleep 0.1; done
[ "$(grep -cx READY=1 "$T_DIR/notify.txt")" -gt "$n_ready" ] &&
	pass "notify: READY=1 again after the reload" || fail "notify: no READY=1 after RELOADING=1"
kill -TERM "$apid"
wait "$apid"
expect_rc 0 $? "agendad exits 0 on SIGTERM"
PIDS=("${PIDS[@]:1}")
wait_notify STOPPING=1 5 && pass "notify: STOPPING=1 on SIGTERM" || fail "notify: no STOPPING=1"

# --- credentials --------------------------------------------------------------------------------
# systemd's credentials directory: read-only files of the service's user
CREDS=$T_DIR/creds
mkdir -p "$CREDS"
install -m 0400 "$PASSWORD_FILE" "$CREDS/imap-password"
install -m 0400 "$PASSWORD_FILE" "$CREDS/smtp-password"
chmod 0500 "$CREDS"
write_conf "$T_DIR/cred/agendad.conf" PASSWORD_FILE=imap-password
sed -i '/^\[smtp\]/,/^\[/s/^password_file = imap-password$/password_file = smtp-password/' "$CONF"
rm -f "$T_DIR/cred/mail.password" # nothing beside the config: only the credentials
grep -q '^password_file = smtp-password$' "$CONF" || fatal "could not set smtp's password_file"
CREDENTIALS_DIRECTORY=$CREDS timeout 60 "$AGENDAD_BUILD/agendad" -c "$CONF" -n \
	>"$T_DIR/log/cred-n.log" 2>&1
expect_rc 0 $? "agendad -n finds imap-password and smtp-password in \$CREDENTIALS_DIRECTORY"
grep -qx "configuration OK" "$T_DIR/log/cred-n.log" && pass "and prints 'configuration OK'" ||
	fail "agendad -n printed: $(cat "$T_DIR/log/cred-n.log")"
CREDENTIALS_DIRECTORY=$CREDS timeout 60 "$AGENDAD_BUILD/agendad" -c "$CONF" --once \
	>"$T_DIR/log/cred-once.log" 2>&1
expect_rc 0 $? "agendad --once logs in to IMAP and SMTP with the credentials"
timeout 60 "$AGENDAD_BUILD/agendad" -c "$CONF" -n >"$T_DIR/log/cred-missing.log" 2>&1
expect_rc 78 $? "agendad -n without the credential (and no file beside the config): exit 78"
grep -q "/etc/credstore/agendad.imap-password" "$T_DIR/log/cred-missing.log" &&
	pass "the refusal says where the credential goes" ||
	fail "the refusal does not name /etc/credstore: $(cat "$T_DIR/log/cred-missing.log")"
CREDENTIALS_DIRECTORY=$CREDS timeout 60 "$AGENDAD_BUILD/agendad" -c "$CONF" >"$T_DIR/log/cred-start.log" 2>&1 </dev/null &
PIDS=($! "${PIDS[@]}")
sleep 0.5
kill -TERM "${PIDS[0]}" 2>/dev/null
wait "${PIDS[0]}"
rc=$?
PIDS=("${PIDS[@]:1}")
[ $rc -eq 0 ] && pass "agendad (daemon) starts with its credentials" || fail "agendad with credentials exited $rc"
# xoauth2: only the client secret; no password credential exists, and none is needed
OCREDS=$T_DIR/ocreds
mkdir -p "$OCREDS"
echo "client-secret-value" >"$OCREDS/oauth2-client-secret"
chmod 0400 "$OCREDS/oauth2-client-secret"
chmod 0500 "$OCREDS"
write_conf "$T_DIR/oauth/agendad.conf"
"$PY" - "$CONF" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r"(?m)^password_file = .*\n", "", s)
s = re.sub(r"(?m)^auth = password$", "auth = xoauth2", s)
s = s.replace("[council]", "[oauth2]\ntoken_url = http://127.0.0.1:9/token\n"
              "client_id = 00000000-0000-0000-0000-000000000000\n"
              "scope = https://outlook.office365.com/.default\n\n[council]", 1)
open(p, "w", encoding="utf-8").write(s)
EOF
[ "$(grep -c '^auth = xoauth2$' "$CONF")" = 2 ] || fatal "could not write the xoauth2 config"
rm -f "$T_DIR/oauth/mail.password"
CREDENTIALS_DIRECTORY=$OCREDS timeout 60 "$AGENDAD_BUILD/agendad" -c "$CONF" -n \
	>"$T_DIR/log/oauth-n.log" 2>&1
expect_rc 0 $? "xoauth2: agendad -n needs only oauth2-client-secret (no password credentials)"

# --- system calls, socket families, writes ---------------------------------------------------------
if ! command -v strace >/dev/null; then
	echo "# strace is not installed: the system call check is skipped (apt-get install strace)"
	t_done
fi
# a sanitizer's runtime makes calls of its own that the installed binary never makes
if grep -qa __asan_init "$AGENDAD_BUILD/agendad"; then
	echo "# a sanitizer build: the system call check is skipped"
	t_done
fi
write_conf "$T_DIR/trace/agendad.conf"
bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$T_ROOT"/config/examples/0{4,5,6}-*.eml \
	>/dev/null || fatal "could not load more examples"
# a fresh database: the trace covers creating it too
timeout -k 5 120 strace -f -qq -s 256 -o "$T_DIR/trace.txt" \
	"$AGENDAD_BUILD/agendad" -c "$CONF" --once >"$T_DIR/log/trace.log" 2>&1
expect_rc 0 $? "agendad --once under strace"
"$PY" - "$T_DIR/trace.txt" "$T_DIR/trace" "$UNITS/agendad.service" <<'EOF' >"$T_DIR/trace.check"
import re, subprocess, sys
trace, dbdir, unit = sys.argv[1:4]

def expand(group, seen=None):
    seen = set() if seen is None else seen
    out = set()
    if group in seen:
        return out
    seen.add(group)
    text = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True,
                          text=True, check=True).stdout
    for line in text.splitlines()[1:]:
        w = line.strip()
        if not w or w.startswith("#"):
            continue
        out |= expand(w, seen) if w.startswith("@") else {w}
    return out

allow, deny = {"@default"}, set()
for line in open(unit):
    m = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
    if m:
        (deny if m.group(1) else allow).update(m.group(2).split())
allowed = set().union(*(expand(g) if g.startswith("@") else {g} for g in allow))
denied = set().union(*(expand(g) if g.startswith("@") else {g} for g in deny))
families = set(re.search(r"RestrictAddressFamilies=(.*)", open(unit).read()).group(1).split())

used, bad_fam, writes = set(), set(), set()
call = re.compile(r"^\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]")
for line in open(trace, errors="replace"):
    m = call.match(line)
    if not m or "resumed>" in line and not line.split()[1].startswith("<..."):
        pass
    if m:
        used.add(m.group(1))
    m = re.search(r"socket\((AF_[A-Z0-9]+)", line)
    if m and m.group(1) not in families:
        bad_fam.add(m.group(1))
    m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]+)", ([A-Z_|]+)', line)
    if m and re.search(r"O_WRONLY|O_RDWR|O_CREAT", m.group(2)):
        path = m.group(1)
        if not path.startswith(dbdir + "/") and path not in ("/dev/null",):
            writes.add(path)
# SQLite gives a new WAL file the database's owner only when it runs as root, which the
# unit's dynamic user never is; the tests run as root
outside = sorted(s for s in used if (s not in allowed or s in denied) and s != "fchown")
print("used %d system calls" % len(used))
print(("PASS\t" if not outside else "FAIL\t") +
      "every system call of a full cycle is allowed by the unit's SystemCallFilter%s"
      % ("" if not outside else ": not allowed: " + " ".join(outside)))
print(("PASS\t" if not bad_fam else "FAIL\t") +
      "socket families within RestrictAddressFamilies (%s)%s"
      % (" ".join(sorted(families)), "" if not bad_fam else ": also " + " ".join(sorted(bad_fam))))
print(("PASS\t" if not writes else "FAIL\t") +
      "agendad opens files for writing only in its database directory%s"
      % ("" if not writes else ": also " + " ".join(sorted(writes))))
EOF
while IFS= read -r line; do
	case "$line" in
	PASS$'\t'*) pass "${line#PASS$'\t'}" ;;
	FAIL$'\t'*) fail "${line#FAIL$'\t'}" ;;
	*) echo "# $line" ;;
	esac
done <"$T_DIR/trace.check"
[ -s "$T_DIR/trace.check" ] || fail "the system call check printed nothing"
t_done

#!/usr/bin/env bash
# t_oauth2.sh - auth = xoauth2 for IMAP and SMTP, the way Microsoft 365 wants it (issue 4,
# "## IMAP", second bullet), against real Dovecot.
#
# tests/harness/tokenserver.py plays Entra ID's token endpoint (client-credentials grant,
# at a Microsoft-style path /TENANT/oauth2/v2.0/token on 127.0.0.1, where config.c allows
# http); Dovecot checks XOAUTH2 logins with an oauth2 passdb that asks the token server's
# tokeninfo URL, and the SMTP sink checks AUTH XOAUTH2 the same way (mailserver.sh
# OAUTH2_TOKENINFO_URL). No password is configured or present beside the config.
#   - agendad -n accepts the config; without the client secret file it exits 78.
#   - --once imports the example mails over XOAUTH2 (Dovecot logs method=XOAUTH2) and
#     sends the acknowledgements with AUTH XOAUTH2; the token server is asked once: the
#     token is cached across the IMAP login and every SMTP session of the run.
#   - as a daemon: the token is revoked on the server and the IMAP session kicked; the
#     login with the cached token is refused, agendad gets a fresh token and logs in
#     again without logging an error. The token is revoked again, now with a 4 s
#     lifetime for the next ones: the next acknowledgement's AUTH is refused (535), the
#     mail waits, agendad gets a fresh token; when the mail is due again (the outbox's
#     one-minute backoff is skipped in the database) that token has passed the point
#     where agendad renews it, so agendad gets another one before AUTH, and the mail goes
#     out; the daemon logs the failure once, recovers, and exits 0 on SIGTERM.
#   - a wrong client secret: a clear error (invalid_client) and exit 75 or 78 (the test
#     says which; DESIGN.md's codes say 78 for configuration, 75 for a server that
#     could not be reached), one request to the token endpoint, no login attempt at
#     Dovecot with anything.
#   - neither the client secret nor any access token appears in any log.
# "check && pass ... || fail ...": pass never fails (SC2015); functions run from traps and
# subshells (SC2317)
# shellcheck disable=SC2015,SC2317
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init oauth2
MS() { bash "$T_HARNESS/mailserver.sh" "$@"; }
LOGIN=lss-samverkan@exempelstad.example
CLIENT_ID=agendad-test-client
SCOPE=https://outlook.office365.com/.default
TENANT=4f2c1a9e-7d3b-4c8e-9a61-0b5e2d7f3c10
SECRET="Kx8~$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')" # Entra ID secrets hold a ~
WRONG_SECRET="Kx8~$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"
TPID="" DPID="" SPID=""
on_exit() {
	local rc=$?
	[ -z "$DPID" ] || kill -KILL "$DPID" 2>/dev/null
	if [ -n "$TPID" ]; then
		kill -TERM "$TPID" 2>/dev/null
		wait "$TPID" 2>/dev/null
	fi
	(exit "$rc")
	t_cleanup
}
trap on_exit EXIT

# ---- the token server and the mail servers -------------------------------------------

umask 077
printf '%s\n' "$SECRET" >"$T_DIR/tokenserver.secret"
"$PY" "$T_HARNESS/tokenserver.py" --port-file "$T_DIR/token.port" --client-id "$CLIENT_ID" \
	--client-secret-file "$T_DIR/tokenserver.secret" --username "$LOGIN" --verbose \
	2>"$T_DIR/log/tokenserver.log" &
TPID=$!
umask 022
for _ in $(seq 100); do [ -s "$T_DIR/token.port" ] && break; sleep 0.1; done
[ -s "$T_DIR/token.port" ] || fatal "the token server did not start"
TPORT=$(cat "$T_DIR/token.port")
TOKEN_URL=http://127.0.0.1:$TPORT
mail_start mail IMAP_RAWLOG=1 MAILSERVER_USERS="$LOGIN:unused-$RANDOM$RANDOM" \
	OAUTH2_TOKENINFO_URL="$TOKEN_URL/tokeninfo?access_token="
mail_use mail
RAW=$MAILSERVER_DIR/rawlog

# tok PATH [JSON]: GET PATH, or POST JSON to PATH, at the token server; prints the answer
# (Python's urllib: the curl program is not on a fresh machine, only libcurl)
tok() {
	"$PY" - "$TOKEN_URL$1" "${2-}" "$#" <<'EOF'
import sys, urllib.error, urllib.request
url, body, argc = sys.argv[1], sys.argv[2], int(sys.argv[3])
req = urllib.request.Request(url, data=body.encode() if argc > 1 else None,
                             headers={"Content-Type": "application/json"} if argc > 1 else {})
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
except OSError as e:
    sys.exit("tok: %s: %s" % (url, e))
EOF
}
tok_stat() { tok /stats | "$PY" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# the config: write_conf's, with auth = xoauth2 for both and an [oauth2] section; the
# client secret beside it (mode 0600), no password anywhere
write_conf "$T_DIR/agendad/agendad.conf" PASSWORD_FILE= CUTOFF_DAYS=7 DRAFT_DAYS=2
rm -f "$T_DIR/agendad/mail.password"
sed -i 's/^auth = password$/auth = xoauth2/' "$CONF"
cat >>"$CONF" <<EOF

[oauth2]
token_url = $TOKEN_URL/$TENANT/oauth2/v2.0/token
client_id = $CLIENT_ID
client_secret_file = oauth2-client.secret
scope = $SCOPE
EOF
install -m 0600 "$T_DIR/tokenserver.secret" "$T_DIR/agendad/oauth2-client.secret"
DB=$T_DIR/agendad/agendad.db
[ "$(grep -c '^auth = xoauth2$' "$CONF")" = 2 ] && ! grep -q password_file "$CONF" ||
	fatal "the test config is not xoauth2 only"

# ---- -n ------------------------------------------------------------------------------

mv "$T_DIR/agendad/oauth2-client.secret" "$T_DIR/agendad/away.secret"
ad check-nosecret -n
expect_rc 78 $? "agendad -n without the client secret file"
grep -q 'oauth2-client.secret' "$T_DIR/log/check-nosecret.log" &&
	pass "agendad -n names the missing client secret file" ||
	fail "agendad -n does not name the missing client secret file"
mv "$T_DIR/agendad/away.secret" "$T_DIR/agendad/oauth2-client.secret"
ad check -n
expect_rc 0 $? "agendad -n accepts the xoauth2 config"
grep -q 'configuration OK' "$T_DIR/log/check.log" || fail "agendad -n does not say configuration OK"
echo "# agendad -n asked the token server $(tok_stat token_requests) time(s)"
tok /control '{"reset": true}' >/dev/null

# ---- --once: IMAP and SMTP over XOAUTH2, one token ---------------------------------------

actl meeting meeting add "$(day_plus 21)" 17:00 --end 19:00 --place "Stadshuset, sal Ljusnan"
expect_rc 0 $? "agendactl meeting add"
MS load "$MAILSERVER_DIR" INBOX "$T_ROOT"/config/examples/*.eml || fatal "load the examples"
examples=("$T_ROOT"/config/examples/*.eml)
n_examples=${#examples[@]}
ad once1 --once
expect_rc 0 $? "agendad --once with auth = xoauth2 for IMAP and SMTP"
actl messages1 messages --json
json_assert "$T_DIR/log/messages1.out" "len(d) == $n_examples" "--once: all $n_examples example mails stored"
[ "$(MS count "$MAILSERVER_DIR" INBOX unseen)" = 0 ] && pass "--once: every imported mail is \\Seen" ||
	fail "--once: unseen mail is left on the server"
grep -q "Login: user=<$LOGIN>, method=XOAUTH2, .*TLS" "$DOVECOT_LOG" &&
	pass "--once: Dovecot logged the login with method=XOAUTH2 over TLS" ||
	fail "--once: no XOAUTH2 login in Dovecot's log"
grep -q "Login: .*method=PLAIN" "$DOVECOT_LOG" && fail "--once: a PLAIN login at Dovecot"
pycheck "$LOGIN" "$SMTP_OUT" <<'EOF'
login, out = sys.argv[1], mails(sys.argv[2])
ok(len(out) >= 5, "--once: the acknowledgements went out (%d mails)" % len(out))
bad = [(x["file"], x["meta"].get("auth_mechanism"), x["meta"].get("auth_user")) for x in out
       if x["meta"].get("auth_mechanism") != "XOAUTH2" or x["meta"].get("auth_user") != login
       or not x["meta"]["tls"]]
ok(not bad, "--once: every mail was sent over TLS after AUTH XOAUTH2 as %s (not: %s)" % (login, bad))
EOF
n_sent=$(mail_count)
tok /stats >"$T_DIR/log/stats1.json"
json_assert "$T_DIR/log/stats1.json" 'd["token_requests"] == 1 and d["issued"] == 1' \
	"--once: one token request for the IMAP login and $n_sent SMTP sessions"
json_assert "$T_DIR/log/stats1.json" "d['introspections'] >= 1 + $n_sent" \
	"--once: Dovecot and the SMTP sink checked the token at each login ($(json_get "$T_DIR/log/stats1.json" 'd["introspections"]'))"
json_assert "$T_DIR/log/stats1.json" "d['last_client_id'] == '$CLIENT_ID' and d['last_scope'] == '$SCOPE'" \
	"--once: the grant names client_id and scope from [oauth2]"

# ---- a daemon: refresh on a refused login, on a refused AUTH, and before expiry ----------

stamp() { while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done; }
start_daemon() {
	DLOG=$T_DIR/log/$1.log
	mkfifo "$T_DIR/$1.fifo"
	stamp <"$T_DIR/$1.fifo" >"$DLOG" &
	SPID=$!
	"$AGENDAD_BUILD/agendad" -c "$CONF" -v >"$T_DIR/$1.fifo" 2>&1 &
	DPID=$!
}
stop_daemon() {
	local t=0 rc
	kill -TERM "$DPID" 2>/dev/null
	while kill -0 "$DPID" 2>/dev/null && [ $t -lt 50 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	kill -0 "$DPID" 2>/dev/null && { fail "agendad still runs 5 s after SIGTERM"; kill -KILL "$DPID"; }
	wait "$DPID"
	rc=$?
	DPID=""
	wait "$SPID" 2>/dev/null
	expect_rc 0 $rc "the daemon exits 0 on SIGTERM"
}
# until COMMAND gives a number >= N (in SECONDS); until_ge SECONDS N COMMAND...
until_ge() {
	local limit=$(($1 * 10)) n=$2 t=0
	shift 2
	until [ "$("$@")" -ge "$n" ]; do
		t=$((t + 1))
		[ $t -le $limit ] || return 1
		sleep 0.1
	done
}
idle_sessions() { cat "$RAW"/*.in 2>/dev/null | tr -d '\r' | grep -c ' IDLE$' || true; }
logins() { grep -c "Login: user=<$LOGIN>, method=XOAUTH2" "$DOVECOT_LOG" || true; }
failed_logins() { grep -c "auth failed" "$DOVECOT_LOG" || true; }
sink_failed() { grep -c "AUTH XOAUTH2 .*FAILED" "$SMTP_LOG" || true; }
errors() { grep -cE '^[0-9.]+ <[0-3]>' "$DLOG" || true; }
stored() { sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM messages" 2>/dev/null || echo 0; }

# one more question mail from a new FUB member, so that it is acknowledged at once
n_new=0
new_mail() {
	n_new=$((n_new + 1))
	"$PY" - "$T_DIR/new-$n_new.eml" "$n_new" <<'EOF'
import email.utils, sys, uuid
path, n = sys.argv[1], sys.argv[2]
body = ("Hej!\n\nHur många platser i korttidsvistelse finns det i kommunen i år (fråga %s),"
        " och hur lång är väntetiden för en ny ansökan?\n\nMed vänlig hälsning\nMedlem %s\n"
        "FUB Exempelstad\n" % (n, n))
head = ("From: Medlem %s <medlem.oauth.%s@fubexempelstad.example>\n"
        "To: LSS-samverkan <lss-samverkan@exempelstad.example>\n"
        "Subject: =?UTF-8?Q?Fr=C3=A5ga_om_korttidsvistelse_%s?=\nDate: %s\n"
        "Message-ID: <%s@fubexempelstad.example>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
        % (n, n, n, email.utils.formatdate(localtime=True), uuid.uuid4()))
open(path, "wb").write((head + body).replace("\n", "\r\n").encode("utf-8"))
EOF
	MS load "$MAILSERVER_DIR" INBOX "$T_DIR/new-$n_new.eml" || fatal "load a new mail"
}

tok /control '{"reset": true}' >/dev/null
idle0=$(idle_sessions)
start_daemon daemon
until_ge 15 $((idle0 + 1)) idle_sessions || fatal "the daemon never reached IDLE"
[ "$(tok_stat token_requests)" = 1 ] && pass "daemon: one token at the start" ||
	fail "daemon: $(tok_stat token_requests) token requests at the start, want 1"

# 1. the token is revoked and the session kicked: the login with the cached token is
# refused, agendad gets a fresh one at once and logs in with it, and says nothing
logins0=$(logins) failed0=$(failed_logins)
tok /control '{"revoke": true}' >/dev/null
doveadm -c "$DOVECOT_CONF" kick "$LOGIN" >/dev/null || fatal "doveadm kick"
until_ge 15 $((logins0 + 1)) logins || fail "daemon: no new XOAUTH2 login within 15 s of the kick"
[ $(($(failed_logins) - failed0)) = 1 ] && pass "daemon: Dovecot refused the revoked token once" ||
	fail "daemon: $(($(failed_logins) - failed0)) refused logins at Dovecot, want 1"
[ "$(tok_stat token_requests)" = 2 ] && pass "daemon: a refused login fetches one fresh token" ||
	fail "daemon: $(tok_stat token_requests) token requests after a refused login, want 2"
[ "$(errors)" = 0 ] && pass "daemon: the refresh after a refused login logs no error" ||
	fail "daemon: errors logged: $(grep -E '^[0-9.]+ <[0-3]>' "$DLOG" | head -n 2 | tr '\n' '|')"
until_ge 10 $((idle0 + 2)) idle_sessions || fail "daemon: not back in IDLE after the new login"

# a new mail: stored, acknowledged with the fresh token, no new request
sent0=$(mail_count) stored0=$(stored)
new_mail
until_ge 10 $((stored0 + 1)) stored || fail "daemon: the new mail is not stored within 10 s"
wait_mails $((sent0 + 1)) 10 && pass "daemon: the acknowledgement goes out with the fresh token" ||
	fail "daemon: no acknowledgement within 10 s"
[ "$(tok_stat token_requests)" = 2 ] || fail "daemon: $(tok_stat token_requests) token requests, want still 2"

# 2. revoked again, the next tokens live 4 s: the acknowledgement's AUTH is refused
sink0=$(sink_failed) sent0=$(mail_count) stored0=$(stored) errors0=$(errors)
tok /control '{"revoke": true, "expires_in": 4}' >/dev/null
new_mail
until_ge 10 $((sink0 + 1)) sink_failed || fail "daemon: the SMTP sink saw no refused AUTH"
until_ge 5 3 tok_stat token_requests && pass "daemon: a refused AUTH fetches a fresh token" ||
	fail "daemon: $(tok_stat token_requests) token requests after a refused AUTH, want 3"
[ "$(mail_count)" = "$sent0" ] || fail "daemon: a mail went out with a revoked token"
until_ge 5 $((errors0 + 1)) errors && pass "daemon: the refused AUTH is logged" ||
	fail "daemon: the refused AUTH is not logged"
actl outbox1 outbox --json
json_assert "$T_DIR/log/outbox1.out" \
	'[r for r in d if r["status"] == "queued" and r.get("last_error") and "535" in r["last_error"]]' \
	"daemon: the acknowledgement waits in the outbox with the server's 535"
# make it due now (skips the outbox's one-minute backoff); the daemon's own backoff is 5 s
sqlite3 -cmd '.timeout 5000' "$DB" \
	"UPDATE outbox SET next_attempt = strftime('%s', 'now') WHERE status = 'queued'" ||
	fail "cannot make the outbox due"
# the daemon tries again after its backoff (5-6 s): by then the 4 s token has passed
# the point where agendad renews it (half its life) and has expired at the server
wait_mails $((sent0 + 1)) 15 && pass "daemon: the acknowledgement goes out at the next attempt" ||
	fail "daemon: the acknowledgement did not go out within 15 s of being due"
[ "$(tok_stat token_requests)" = 4 ] &&
	pass "daemon: a token past its renewal point is replaced before use (4 requests)" ||
	fail "daemon: $(tok_stat token_requests) token requests, want 4 (the 4 s token renewed)"
[ "$(sink_failed)" = $((sink0 + 1)) ] && pass "daemon: the renewed token is accepted, no second refusal" ||
	fail "daemon: $(($(sink_failed) - sink0)) refused AUTHs at the sink, want 1"
[ "$(errors)" = $((errors0 + 1)) ] && pass "daemon: the failure is logged once" ||
	fail "daemon: $(($(errors) - errors0)) error lines for one failure"
grep -q 'working again' "$DLOG" && pass "daemon: recovers by itself" || fail "daemon: no 'working again'"
tok /control '{"expires_in": 3600}' >/dev/null
stop_daemon
pycheck "$SMTP_OUT" "$LOGIN" <<'EOF'
out, login = mails(sys.argv[1]), sys.argv[2]
bad = [x["file"] for x in out if x["meta"].get("auth_mechanism") != "XOAUTH2" or x["meta"].get("auth_user") != login]
ok(not bad, "every mail the sink accepted came with AUTH XOAUTH2 as %s (not: %s)" % (login, bad))
EOF

# ---- a wrong client secret --------------------------------------------------------------

tok /control '{"reset": true}' >/dev/null
printf '%s\n' "$WRONG_SECRET" >"$T_DIR/agendad/oauth2-client.secret"
logins0=$(grep -c 'Login: \|auth failed' "$DOVECOT_LOG")
ad wrong --once
rc=$?
if [ $rc = 78 ] || [ $rc = 75 ]; then
	pass "wrong client secret: agendad --once exits $rc"
else
	fail "wrong client secret: agendad --once exits $rc, want 75 or 78"
fi
echo "# wrong client secret: exit $rc ($([ $rc = 78 ] && echo "EX_CONFIG, as DESIGN.md's 'config error'" ||
	echo "EX_TEMPFAIL; DESIGN.md has 75 for 'a server could not be reached (temporary)' and 78 for a config error"))"
grep -qE '^<[0-3]>.*invalid_client' "$T_DIR/log/wrong.log" &&
	pass "wrong client secret: the error names invalid_client" ||
	fail "wrong client secret: no error naming invalid_client"
echo "#   $(grep -E '^<[0-3]>' "$T_DIR/log/wrong.log" | head -n 1)"
[ "$(tok_stat token_requests)" = 1 ] && pass "wrong client secret: one request to the token endpoint" ||
	fail "wrong client secret: $(tok_stat token_requests) token requests, want 1"
[ "$(grep -c 'Login: \|auth failed' "$DOVECOT_LOG")" = "$logins0" ] &&
	pass "wrong client secret: no login attempt at Dovecot" ||
	fail "wrong client secret: agendad tried to log in at Dovecot anyway"

# ---- no secret in any log ----------------------------------------------------------------

pycheck "$SECRET" "$WRONG_SECRET" "$T_DIR"/log/* "$MAILSERVER_DIR"/log/* <<'EOF'
import base64, binascii
secrets, files = sys.argv[1:3], sys.argv[3:]
leaks = [f for f in files for s in secrets if s in open(f, encoding="utf-8", errors="replace").read()]
ok(not leaks, "no log holds the client secret, right or wrong (%s)" % leaks)
ours = [f for f in files if os.path.basename(f) not in ("dovecot.log", "smtp.log", "tokenserver.log",
                                                       "dovecot.stderr")]
def tokens_in(text):
    found = "agendad-test." in text
    for word in re.findall(r"[A-Za-z0-9+/=]{24,}", text):
        try:
            found = found or b"auth=Bearer" in base64.b64decode(word + "=" * (-len(word) % 4))
        except (binascii.Error, ValueError):
            pass
    return found
leaks = [f for f in ours if tokens_in(open(f, encoding="utf-8", errors="replace").read())]
ok(not leaks, "agendad's and agendactl's logs hold no access token, plain or in SASL base64 (%s)" % leaks)
EOF
t_done

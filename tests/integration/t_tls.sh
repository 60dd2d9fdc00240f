#!/usr/bin/env bash
# t_tls.sh - agendad talks to a server only after it has checked the server's certificate
# against ca_file (or the system trust store) and the host name: libetpan does not do it
# (FACTS.md 3), so a mistake here sends the password to anyone on the path.
#
# Three Dovecot + SMTP sink pairs, with the same user and password:
#   good       the CA in ca_file, certificate for 127.0.0.1
#   otherca    a certificate from another CA
#   wrongname  ca_file's CA, but a certificate for mail.other.example only
# For IMAPS and for STARTTLS: agendad --once against good works; against otherca and
# wrongname, and against good without ca_file, it exits 75, says "certificate", and
# Dovecot logs a connection that ended with "no auth attempts" and no login. For SMTP:
# acknowledgements are not handed to otherca's or wrongname's sink and no AUTH reaches it.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init tls
EXAMPLES=$T_ROOT/config/examples
N_MAILS=$(find "$EXAMPLES" -name '*.eml' | wc -l)
N_PROCESSED=$(awk -F'\t' '$2 == "processed"' "$EXAMPLES/expected.tsv" | wc -l)

mail_start good
mail_use good
SAME_USER="$MAIL_LOGIN:$(cat "$PASSWORD_FILE")"
mail_start otherca MAILSERVER_USERS="$SAME_USER"
mail_start wrongname MAILSERVER_USERS="$SAME_USER" CA_FROM="$T_DIR/good" \
	CERT_SANS=DNS:mail.other.example
for s in good otherca wrongname; do
	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/$s" INBOX "$EXAMPLES"/*.eml ||
		fatal "could not load the examples into $s"
done

# count LOGFILE PATTERN: matching lines (0 when there is no file yet)
count() {
	local n
	n=$(grep -c -- "$2" "$1" 2>/dev/null) || true
	echo "${n:-0}"
}

# refused NAME SERVER URL STARTTLS [write_conf KEY=VALUE...]
refused() {
	local name=$1 server=$2 url=$3 starttls=$4 log rc t
	shift 4
	mail_use good
	write_conf "$T_DIR/$name/agendad.conf" IMAP_URL="$url" IMAP_STARTTLS="$starttls" "$@"
	log=$(mail_get "$server" DOVECOT_LOG)
	local no_auth logins failed
	no_auth=$(count "$log" 'no auth attempts')
	logins=$(count "$log" 'Login: user=')
	failed=$(count "$log" 'auth failed')
	ad "$name" --once
	rc=$?
	expect_rc 75 $rc "$name: agendad --once exits 75 (server refused)"
	if grep -qi certificate "$T_DIR/log/$name.log"; then
		pass "$name: agendad's log says why: certificate"
	else
		fail "$name: agendad's log does not mention the certificate"
	fi
	# the disconnect reaches Dovecot's log a moment after agendad exits
	for ((t = 0; t < 50; t++)); do
		[ "$(count "$log" 'no auth attempts')" -gt "$no_auth" ] && break
		sleep 0.1
	done
	if [ "$(count "$log" 'no auth attempts')" -gt "$no_auth" ]; then
		pass "$name: Dovecot saw the connection end with no auth attempts"
	else
		fail "$name: Dovecot logged no connection that ended before authentication"
	fi
	if [ "$(count "$log" 'Login: user=')" = "$logins" ] &&
		[ "$(count "$log" 'auth failed')" = "$failed" ]; then
		pass "$name: no LOGIN reached Dovecot"
	else
		fail "$name: agendad logged in (or tried to) despite the certificate"
	fi
	actl "$name-messages" messages --json
	json_assert "$T_DIR/log/$name-messages.out" 'd == []' "$name: nothing was imported"
}

# --- the control: the same config against the right server works -----------------------
mail_use good
write_conf "$T_DIR/control/agendad.conf"
ad control --once
expect_rc 0 $? "control: agendad --once over IMAPS with the right CA"
actl control-messages messages --json
json_assert "$T_DIR/log/control-messages.out" "len(d) == $N_MAILS" \
	"control: the $N_MAILS examples imported"
if grep -q "Login: user=<$MAIL_LOGIN>.*, TLS" "$DOVECOT_LOG"; then
	pass "control: Dovecot logged the login over TLS"
else
	fail "control: no login over TLS in good's Dovecot log"
fi

# --- IMAP: refused before LOGIN ---------------------------------------------------------
refused imaps-otherca otherca "$(mail_get otherca IMAPS_URL)" no
refused starttls-otherca otherca "$(mail_get otherca IMAP_URL)" yes
refused imaps-wrongname wrongname "$(mail_get wrongname IMAPS_URL)" no
refused starttls-wrongname wrongname "$(mail_get wrongname IMAP_URL)" yes
# without ca_file the system store decides, and it does not know the test CA
refused imaps-system-store good "$(mail_get good IMAPS_URL)" no CA_FILE=

# --- SMTP: no mail and no password to a server with the wrong certificate ---------------
for s in otherca wrongname; do
	name=smtp-$s
	mail_use good
	write_conf "$T_DIR/$name/agendad.conf" SMTP_URL="$(mail_get "$s" SMTP_URL)"
	ad "$name" --once
	rc=$?
	if [ $rc = 0 ] || [ $rc = 75 ]; then
		pass "$name: agendad --once ends with 0 or 75 (exit $rc)"
	else
		fail "$name: agendad --once exit $rc"
	fi
	actl "$name-messages" messages --json
	json_assert "$T_DIR/log/$name-messages.out" \
		'len([m for m in d if m["status"] == "processed"]) == '"$N_PROCESSED" \
		"$name: the mail is imported and processed (IMAP is fine)"
	out=$(mail_get "$s" SMTP_OUT)
	n=$(find "$out" -name '*.eml' | wc -l)
	if [ "$n" = 0 ]; then
		pass "$name: nothing was handed to the SMTP server"
	else
		fail "$name: $n mail(s) reached the SMTP server"
	fi
	if grep -q AUTH "$(mail_get "$s" SMTP_LOG)"; then
		fail "$name: agendad sent AUTH to a server whose certificate is wrong"
	else
		pass "$name: no AUTH reached the SMTP server"
	fi
	if grep -qi certificate "$T_DIR/log/$name.log"; then
		pass "$name: agendad's log says why: certificate"
	else
		fail "$name: agendad's log does not mention the certificate"
	fi
done

t_done

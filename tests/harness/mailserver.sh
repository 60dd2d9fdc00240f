#!/usr/bin/env bash
# mailserver.sh - a throw-away mail environment for agendad's integration tests and
# `make demo`: Dovecot (IMAP with STARTTLS, and IMAPS) and an SMTP sink (smtpsink.py),
# with their own CA, certificate, users and maildirs, everything under one directory.
#
#   mailserver.sh start DIR                   start both, write DIR/env (sourceable)
#   mailserver.sh stop DIR                    stop what start DIR started (by pid)
#   mailserver.sh load DIR MAILBOX FILE...    deliver .eml files byte for byte into the
#                                             first user's MAILBOX; INTERNALDATE = Date:
#                                             (LOAD_TIMES=FILE: append "EPOCH FILE" per
#                                             mail at the moment it lands in new/)
#   mailserver.sh count DIR [MAILBOX [QUERY]] number of messages (QUERY: doveadm search
#                                             query such as "unseen")
#   mailserver.sh imap-stop DIR               stop Dovecot only (by pid; the sink runs on)
#   mailserver.sh imap-start DIR              start it again after imap-stop: the same
#                                             config, ports, users and mail
#
# Environment for start:
#   IMAP_PORT IMAPS_PORT SMTP_PORT SMTPS_PORT   a number, or "auto" (default): free ports,
#                              so that tests can run in parallel
#   MAILSERVER_HOST            127.0.0.1 (default) or another loopback address. Dovecot
#                              counts a connection with local IP == remote IP as secured
#                              and then allows LOGIN without TLS; on 127.0.0.2 it does not.
#   MAILSERVER_USERS           "name:password ..." (default: lss-samverkan@exempelstad.example
#                              with a random password); the first is MAIL_LOGIN below
#   SMTP=0                     no SMTP sink (a second Dovecot for certificate tests)
#   SMTP_AUTH                  optional (default) | required | off
#   SMTP_REQUIRE_TLS           1 (default): MAIL before STARTTLS gets 530 on SMTP_PORT
#   CA_FROM=OTHERDIR           sign the server certificate with OTHERDIR's CA instead of a
#                              new one. Without it every start makes its own CA, so a
#                              second instance is "a server whose certificate does not
#                              match ca_file" for the first one's CAFILE.
#   CERT_SANS                  subjectAltName of the server certificate (default
#                              DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:::1)
#   IMAP_CAPABILITY            Dovecot's imap_capability: the CAPABILITY list it
#                              announces (e.g. one without MOVE, or without UIDPLUS)
#                              instead of its default
#   IMAP_RAWLOG=1              Dovecot writes each IMAP session after login (what the
#                              client sent, *.in, and got, *.out) to DIR/rawlog/
#   OAUTH2_TOKENINFO_URL       e.g. http://127.0.0.1:PORT/tokeninfo?access_token= of
#                              tokenserver.py (whose --username is the mail user): Dovecot
#                              also offers AUTH=XOAUTH2 and OAUTHBEARER with an oauth2
#                              passdb that asks this URL, and the sink offers AUTH XOAUTH2
#                              checked against it. Passwords work as before.
#
# DIR/env: MAILSERVER_DIR MAIL_HOST IMAP_PORT IMAPS_PORT SMTP_PORT SMTPS_PORT IMAP_URL
#   IMAPS_URL SMTP_URL SMTPS_URL CAFILE MAIL_LOGIN PASSWORD_FILE (mode 0600) SMTP_ENABLED
#   SMTP_OUT SMTP_MODE_FILE DOVECOT_CONF DOVECOT_LOG SMTP_LOG MAIL_UID MAIL_GID
# DIR must be reachable by the mail user (use a directory under /tmp). As root, Dovecot
# runs as its internal user and the mail users get the uid of nobody (Dovecot refuses
# mail access as uid 0); as non-root everything runs as the caller.
# Logs: DIR/log/dovecot.log, DIR/log/smtp.log. Mail the sink accepted: DIR/smtp-out/.
# The sink answers by DIR/smtp-mode ("ok", "tempfail", "reject"); see smtpsink.py.
# shellcheck disable=SC2153 # IMAP_PORT and friends are set with printf -v
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3     # Debian's, with python3-aiosmtpd (not a python3 earlier on PATH)

die() { echo "$PROG: $*" >&2; exit 1; }

absdir() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }

# Is a socket LISTENing on TCP port $1? Read from /proc: a probe connection would put
# an error into the server's log.
port_listening() {
	local hex
	hex=$(printf ':%04X' "$1")
	awk -v p="$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Does pid $1 still run a command line naming $2? Guards against a reused pid.
runs() {
	alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}

descendants() {
	local child
	for child in $(pgrep -P "$1" 2>/dev/null || true); do
		echo "$child"
		descendants "$child"
	done
}

# wait_gone TENTHS PID...: true when every pid has exited within TENTHS/10 seconds
wait_gone() {
	local t=$1 p any
	shift
	while [ "$t" -gt 0 ]; do
		any=0
		for p in "$@"; do alive "$p" && any=1; done
		[ $any = 0 ] && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

load_env() {
	DIR=$(absdir "$1")
	[ -f "$DIR/env" ] || die "$DIR/env not found (run: $PROG start $DIR)"
	# shellcheck disable=SC1091
	. "$DIR/env"
}

make_certs() {
	local d=$1 ca_from=$2
	local sans=${CERT_SANS:-DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:::1}
	mkdir -p "$d"
	if [ -n "$ca_from" ]; then
		[ -s "$ca_from/tls/ca.key" ] || die "CA_FROM=$ca_from has no tls/ca.key"
		cp "$ca_from/tls/ca.pem" "$ca_from/tls/ca.key" "$d/"
	else
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
			-subj "/O=agendad test CA $$/CN=agendad test CA" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" \
			-keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || die "openssl: CA"
	fi
	openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=agendad test/CN=localhost" \
		-keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || die "openssl: key"
	printf '%s\n' "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$sans" >"$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 825 -sha256 -extfile "$d/server.ext" \
		-out "$d/server.pem" >/dev/null 2>&1 || die "openssl: server certificate"
	if [ -s /usr/share/dovecot/dh.pem ]; then
		cp /usr/share/dovecot/dh.pem "$d/dh.pem"
	else
		openssl dhparam -dsaparam -out "$d/dh.pem" 2048 >/dev/null 2>&1 || die "openssl: dh"
	fi
	chmod 600 "$d/ca.key" "$d/server.key"
}

write_dovecot_conf() {
	local run_user=$1 run_group=$2 login_user=$3 mail_uid=$4 base_dir=$5
	local nonroot="" imap_extra="" mechanisms="plain login" oauth2_passdb=""
	if [ -n "${IMAP_CAPABILITY:-}" ]; then
		imap_extra="imap_capability = $IMAP_CAPABILITY"
	fi
	if [ "${IMAP_RAWLOG:-0}" = 1 ]; then
		mkdir -p "$DIR/rawlog"
		chown "$mail_uid" "$DIR/rawlog"
		imap_extra+=$'\n'"rawlog_dir = $DIR/rawlog"
	fi
	if [ -n "${OAUTH2_TOKENINFO_URL:-}" ]; then
		case "$OAUTH2_TOKENINFO_URL" in
		http://127.*) ;;
		*) die "OAUTH2_TOKENINFO_URL must be http://127.x.y.z:PORT/..." ;;
		esac
		mechanisms="plain login xoauth2 oauthbearer"
		printf '%s\n' "tokeninfo_url = $OAUTH2_TOKENINFO_URL" "username_attribute = username" \
			"timeout_msecs = 5000" >"$DIR/dovecot-oauth2.conf.ext"
		chmod 644 "$DIR/dovecot-oauth2.conf.ext"
		oauth2_passdb=$'passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n'
		oauth2_passdb+="  args = $DIR/dovecot-oauth2.conf.ext"$'\n}'
	fi
	if [ "$(id -u)" -ne 0 ]; then
		# an unprivileged master cannot chroot()
		nonroot=$'service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}'
	fi
	cat >"$DIR/dovecot.conf" <<EOF
# written by tests/harness/mailserver.sh: a throw-away test instance
instance_name = agendad-test-$IMAP_PORT
base_dir = $base_dir
state_dir = $DIR/state
log_path = $DIR/log/dovecot.log
info_log_path = $DIR/log/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S "
protocols = imap
listen = $MAIL_HOST
default_internal_user = $run_user
default_internal_group = $run_group
default_login_user = $login_user
first_valid_uid = $mail_uid
last_valid_uid = 0
first_valid_gid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
}
ssl = required
ssl_cert = <$DIR/tls/server.pem
ssl_key = <$DIR/tls/server.key
ssl_dh = <$DIR/tls/dh.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = $mechanisms
auth_verbose = yes
auth_failure_delay = 0
$oauth2_passdb
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DIR/users
}
service imap-login {
  inet_listener imap {
    address = $MAIL_HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = $MAIL_HOST
    port = $IMAPS_PORT
    ssl = yes
  }
}
$nonroot
$imap_extra
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
}

# Starts Dovecot; returns 1 (after cleaning up) when it did not come up, so that the
# caller can try other ports.
start_dovecot() {
	local base_dir=$1 t=0
	rm -f "$base_dir/master.pid"
	dovecot -c "$DIR/dovecot.conf" </dev/null >>"$DIR/log/dovecot.stderr" 2>&1 || return 1
	while ! { [ -s "$base_dir/master.pid" ] && port_listening "$IMAP_PORT" &&
		port_listening "$IMAPS_PORT"; }; do
		t=$((t + 1))
		if [ $t -gt 100 ]; then
			[ -s "$base_dir/master.pid" ] && kill "$(cat "$base_dir/master.pid")" 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
	cp "$base_dir/master.pid" "$DIR/dovecot.pid"
}

start_sink() {
	local pid t=0
	rm -f "$DIR/smtp.ready"
	"$PY" "$HERE/smtpsink.py" --dir "$DIR" --host "$MAIL_HOST" --port "$SMTP_PORT" \
		--tls-port "$SMTPS_PORT" --cert "$DIR/tls/server.pem" --key "$DIR/tls/server.key" \
		--users "$DIR/users" --auth "${SMTP_AUTH:-optional}" \
		--require-tls "${SMTP_REQUIRE_TLS:-1}" --ready "$DIR/smtp.ready" \
		${OAUTH2_TOKENINFO_URL:+--oauth2-tokeninfo "$OAUTH2_TOKENINFO_URL"} \
		</dev/null >>"$DIR/log/smtp.log" 2>&1 &
	pid=$!
	echo "$pid" >"$DIR/smtp.pid"
	while ! { [ -e "$DIR/smtp.ready" ] && port_listening "$SMTP_PORT" &&
		port_listening "$SMTPS_PORT"; }; do
		t=$((t + 1))
		if [ $t -gt 100 ] || ! alive "$pid"; then
			tail -n 20 "$DIR/log/smtp.log" >&2 || true
			return 1
		fi
		sleep 0.1
	done
}

cmd_start() {
	[ $# -eq 1 ] || die "usage: $PROG start DIR"
	command -v dovecot >/dev/null || die "dovecot missing (apt-get install dovecot-imapd)"
	command -v doveadm >/dev/null || die "doveadm missing (apt-get install dovecot-core)"
	command -v openssl >/dev/null || die "openssl missing (apt-get install openssl)"
	DIR=$(absdir "$1")
	case "$DIR" in *[!A-Za-z0-9/._+-]*) die "DIR may only hold [A-Za-z0-9/._+-]: $DIR" ;; esac
	if [ -e "$DIR/dovecot.pid" ] || [ -e "$DIR/smtp.pid" ]; then
		die "already started under $DIR (stop it first)"
	fi
	MAIL_HOST=${MAILSERVER_HOST:-127.0.0.1}
	case "$MAIL_HOST" in 127.*) ;; *) die "MAILSERVER_HOST must be a loopback address 127.x.y.z" ;; esac
	local -A want=([IMAP_PORT]=${IMAP_PORT:-auto} [IMAPS_PORT]=${IMAPS_PORT:-auto}
		[SMTP_PORT]=${SMTP_PORT:-auto} [SMTPS_PORT]=${SMTPS_PORT:-auto})
	local attempt p port taken
	for p in "${!want[@]}"; do
		[ "${want[$p]}" = auto ] || ! port_listening "${want[$p]}" ||
			die "$p ${want[$p]} is in use (leave it unset for a free port)"
	done
	local with_smtp=${SMTP:-1}
	if [ "$with_smtp" = 1 ]; then
		"$PY" -c 'import aiosmtpd' 2>/dev/null ||
			die "$PY lacks aiosmtpd (apt-get install python3-aiosmtpd)"
	fi

	local mail_user run_user login_user
	if [ "$(id -u)" -eq 0 ]; then
		mail_user=nobody run_user=dovecot login_user=dovenull
	else
		mail_user=$(id -un) run_user=$(id -un) login_user=$(id -un)
	fi
	local mail_uid mail_gid run_group
	mail_uid=$(id -u "$mail_user") mail_gid=$(id -g "$mail_user") run_group=$(id -gn "$run_user")

	mkdir -p "$DIR"/{log,state,mail,smtp-out,secrets}
	chmod 755 "$DIR" "$DIR/mail"
	chmod 700 "$DIR/secrets"
	echo ok >"$DIR/smtp-mode"
	if [ "$(id -u)" -eq 0 ] &&
		! setpriv --reuid="$mail_uid" --regid="$mail_gid" --clear-groups test -x "$DIR/mail"; then
		die "the mail user cannot reach $DIR (a parent is not world-searchable): use /tmp"
	fi
	# unix socket paths must stay under ~107 bytes
	local base_dir=$DIR/run
	if [ ${#DIR} -gt 60 ]; then
		base_dir=$(mktemp -d /tmp/agendad-run.XXXXXX)
		ln -sfn "$base_dir" "$DIR/run"
	else
		mkdir -p "$base_dir"
	fi
	chmod 755 "$base_dir"
	make_certs "$DIR/tls" "${CA_FROM:+$(absdir "${CA_FROM}")}"
	chmod 755 "$DIR/tls"

	local users=${MAILSERVER_USERS:-} up name pass
	if [ -z "$users" ]; then
		users="lss-samverkan@exempelstad.example:$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	fi
	: >"$DIR/users"
	for up in $users; do
		name=${up%%:*} pass=${up#*:}
		echo "$name:{PLAIN}$pass:$mail_uid:$mail_gid::$DIR/mail/$name::" >>"$DIR/users"
		mkdir -p "$DIR/mail/$name"
		chown "$mail_uid:$mail_gid" "$DIR/mail/$name"
		printf '%s\n' "$pass" >"$DIR/secrets/$name.password"
		chmod 600 "$DIR/secrets/$name.password"
	done
	# read by Dovecot's auth process (internal user) and by the sink (us)
	chgrp "$run_group" "$DIR/users"
	chmod 640 "$DIR/users"

	for attempt in 1 2 3; do
		# an "auto" port is free now but can be taken before Dovecot binds it: then
		# Dovecot fails, and we choose again
		taken=" "
		for p in IMAP_PORT IMAPS_PORT SMTP_PORT SMTPS_PORT; do
			port=${want[$p]}
			if [ "$port" = auto ]; then
				port=$(free_port)
				while [[ $taken == *" $port "* ]]; do port=$(free_port); done
			fi
			taken="$taken$port "
			printf -v "$p" '%s' "$port"
		done
		write_dovecot_conf "$run_user" "$run_group" "$login_user" "$mail_uid" "$base_dir"
		start_dovecot "$base_dir" && break
		if [ "${want[IMAP_PORT]}${want[IMAPS_PORT]}" != autoauto ] || [ $attempt = 3 ]; then
			tail -n 20 "$DIR/log/dovecot.stderr" "$DIR/log/dovecot.log" >&2 2>/dev/null || true
			cleanup_run_dir
			die "dovecot did not start on $MAIL_HOST:$IMAP_PORT/$IMAPS_PORT"
		fi
	done
	for attempt in 1 2 3; do
		[ "$with_smtp" = 1 ] || break
		start_sink && break
		if [ "${want[SMTP_PORT]}${want[SMTPS_PORT]}" != autoauto ] || [ $attempt = 3 ]; then
			cmd_stop "$DIR" >/dev/null 2>&1 || true
			die "the SMTP sink did not start on $MAIL_HOST:$SMTP_PORT/$SMTPS_PORT"
		fi
		SMTP_PORT=$(free_port) SMTPS_PORT=$(free_port)
	done

	local first=${users%% *}
	cat >"$DIR/env" <<EOF
# written by mailserver.sh start; source it
MAILSERVER_DIR=$DIR
MAIL_HOST=$MAIL_HOST
IMAP_PORT=$IMAP_PORT
IMAPS_PORT=$IMAPS_PORT
SMTP_PORT=$SMTP_PORT
SMTPS_PORT=$SMTPS_PORT
IMAP_URL=imap://$MAIL_HOST:$IMAP_PORT
IMAPS_URL=imaps://$MAIL_HOST:$IMAPS_PORT
SMTP_URL=smtp://$MAIL_HOST:$SMTP_PORT
SMTPS_URL=smtps://$MAIL_HOST:$SMTPS_PORT
CAFILE=$DIR/tls/ca.pem
MAIL_LOGIN=${first%%:*}
PASSWORD_FILE=$DIR/secrets/${first%%:*}.password
SMTP_ENABLED=$with_smtp
SMTP_OUT=$DIR/smtp-out
SMTP_MODE_FILE=$DIR/smtp-mode
DOVECOT_CONF=$DIR/dovecot.conf
DOVECOT_LOG=$DIR/log/dovecot.log
SMTP_LOG=$DIR/log/smtp.log
MAIL_UID=$mail_uid
MAIL_GID=$mail_gid
EOF
	# creates each INBOX as the mail user, and proves that the userdb works
	for up in $users; do
		doveadm -c "$DIR/dovecot.conf" mailbox status -u "${up%%:*}" messages INBOX >/dev/null || {
			cmd_stop "$DIR" >/dev/null 2>&1 || true
			die "doveadm cannot open ${up%%:*}'s INBOX (see $DIR/log/dovecot.log)"
		}
	done
}

cleanup_run_dir() {
	if [ -L "$DIR/run" ]; then
		local target
		target=$(readlink "$DIR/run")
		case "$target" in /tmp/agendad-run.*) rm -rf "$target" ;; esac
		rm -f "$DIR/run"
	fi
}

cmd_stop() {
	[ $# -eq 1 ] || die "usage: $PROG stop DIR"
	DIR=$(absdir "$1")
	[ -d "$DIR" ] || return 0
	local mains="" all="" pid name needle
	for name in smtp dovecot; do
		pid=$(cat "$DIR/$name.pid" 2>/dev/null || true)
		if [ $name = smtp ]; then needle="--dir $DIR "; else needle="$DIR/dovecot.conf"; fi
		if runs "$pid" "$needle"; then
			mains="$mains $pid"
			all="$all $pid $(descendants "$pid" | tr '\n' ' ')"
		fi
	done
	if [ -n "$mains" ]; then
		# shellcheck disable=SC2086
		kill -TERM $mains 2>/dev/null || true
		# shellcheck disable=SC2086
		if ! wait_gone 150 $all; then
			echo "$PROG: pid(s)$all ignored SIGTERM for 15 s: SIGKILL" >&2
			for pid in $all; do kill -KILL "$pid" 2>/dev/null || true; done
			# shellcheck disable=SC2086
			wait_gone 50 $all || die "could not stop pid(s)$all"
		fi
	fi
	rm -f "$DIR/smtp.pid" "$DIR/dovecot.pid" "$DIR/smtp.ready"
	cleanup_run_dir
}

# Byte-exact delivery: each file goes to tmp/, gets the Date header's time as mtime
# (Dovecot's maildir INTERNALDATE) and is renamed into new/. The names sort in argument
# order, and Dovecot assigns UIDs to new files in name order.
py_load() {
	cat <<'EOF'
import email.utils, os, re, sys, time
dest, uid, gid, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
for sub in ('tmp', 'new', 'cur'):
    d = os.path.join(dest, sub)
    if not os.path.isdir(d):
        os.makedirs(d, mode=0o700)
        os.chown(d, uid, gid)
date_re = re.compile(rb'^Date:[ \t]*(.*(?:\r?\n[ \t].*)*)', re.M | re.I)
now = int(time.time())
for i, path in enumerate(files):
    with open(path, 'rb') as f:
        data = f.read()
    if not data:
        sys.exit('load: empty file: ' + path)
    vsize = len(data) + data.count(b'\n') - data.count(b'\r\n')
    name = '%d.M%06dP%d.agendad-test,S=%d,W=%d' % (now, i, os.getpid(), len(data), vsize)
    tmp = os.path.join(dest, 'tmp', name)
    with open(tmp, 'wb') as f:
        f.write(data)
    os.chown(tmp, uid, gid)
    head = re.split(rb'\r?\n\r?\n', data, maxsplit=1)[0]
    m = date_re.search(head)
    if m is None:
        sys.exit('load: no Date header: ' + path)
    t = email.utils.parsedate_to_datetime(m.group(1).decode('ascii', 'replace').strip()).timestamp()
    os.utime(tmp, (t, t))
    os.rename(tmp, os.path.join(dest, 'new', name))
    if os.environ.get('LOAD_TIMES'):
        with open(os.environ['LOAD_TIMES'], 'a') as f:
            f.write('%.6f %s\n' % (time.time(), path))
print(len(files))
EOF
}

doveadm_() { doveadm -c "$DOVECOT_CONF" "$@"; }

messages_in() { # messages_in MAILBOX
	doveadm_ -f flow mailbox status -u "$MAIL_LOGIN" messages "$1" | sed 's/.*messages=//'
}

cmd_load() {
	[ $# -ge 3 ] || die "usage: $PROG load DIR MAILBOX FILE..."
	load_env "$1"
	local mbox=$2 before after path n f
	shift 2
	for f in "$@"; do [ -f "$f" ] || die "no such file: $f"; done
	if [ "$mbox" != INBOX ]; then doveadm_ mailbox create -u "$MAIL_LOGIN" "$mbox" 2>/dev/null || true; fi
	before=$(messages_in "$mbox") || die "cannot open $MAIL_LOGIN's mailbox $mbox"
	path=$(doveadm_ mailbox path -u "$MAIL_LOGIN" "$mbox") || die "no path for $MAIL_LOGIN's $mbox"
	# shellcheck disable=SC2153 # MAIL_UID and MAIL_GID come from DIR/env
	n=$("$PY" -c "$(py_load)" "$path" "$MAIL_UID" "$MAIL_GID" "$@") || die "load failed"
	# a status call makes Dovecot pick up the new files (and assign UIDs) now
	after=$(messages_in "$mbox")
	[ "$after" -eq $((before + n)) ] || die "loaded $n into $mbox, which went from $before to $after"
}

cmd_count() {
	[ $# -ge 1 ] || die "usage: $PROG count DIR [MAILBOX [QUERY...]]"
	load_env "$1"
	local mbox=${2:-INBOX}
	if [ $# -le 2 ]; then
		messages_in "$mbox"
	else
		shift 2
		doveadm_ search -u "$MAIL_LOGIN" mailbox "$mbox" "$@" | wc -l
	fi
}

# imap-stop DIR / imap-start DIR: Dovecot alone goes away and comes back (a server
# restart, a connection loss) with everything else as it was
cmd_imap_stop() {
	[ $# -eq 1 ] || die "usage: $PROG imap-stop DIR"
	load_env "$1"
	local pid all
	pid=$(cat "$DIR/dovecot.pid" 2>/dev/null || true)
	runs "$pid" "$DIR/dovecot.conf" || die "Dovecot of $DIR is not running"
	all="$pid $(descendants "$pid" | tr '\n' ' ')"
	# the imap processes too: a master alone lets a session in IDLE run on for
	# another 8-10 s before it tells the client "BYE Server shutting down"
	# shellcheck disable=SC2046
	kill -TERM "$pid" $(pgrep -P "$pid" -x imap) 2>/dev/null || true
	# shellcheck disable=SC2086
	if ! wait_gone 150 $all; then
		for pid in $all; do kill -KILL "$pid" 2>/dev/null || true; done
		# shellcheck disable=SC2086
		wait_gone 50 $all || die "could not stop Dovecot (pids$all)"
	fi
	rm -f "$DIR/dovecot.pid"
}

cmd_imap_start() {
	[ $# -eq 1 ] || die "usage: $PROG imap-start DIR"
	load_env "$1"
	[ ! -e "$DIR/dovecot.pid" ] || die "Dovecot of $DIR runs already (imap-stop it first)"
	start_dovecot "$DIR/run" || {
		tail -n 20 "$DIR/log/dovecot.stderr" "$DIR/log/dovecot.log" >&2 2>/dev/null || true
		die "dovecot did not start again on $MAIL_HOST:$IMAP_PORT/$IMAPS_PORT"
	}
}

case "${1:-}" in
start) shift; cmd_start "$@" ;;
imap-stop) shift; cmd_imap_stop "$@" ;;
imap-start) shift; cmd_imap_start "$@" ;;
stop) shift; cmd_stop "$@" ;;
load) shift; cmd_load "$@" ;;
count) shift; cmd_count "$@" ;;
*)
	sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
	exit 64
	;;
esac

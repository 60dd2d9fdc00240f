#!/usr/bin/python3
"""smtpsink.py - the SMTP server of agendad's tests: accepts mail and keeps it.

Started by mailserver.sh (Debian's /usr/bin/python3 with python3-aiosmtpd 1.4).
Listens with STARTTLS on --port and with implicit TLS on --tls-port. AUTH PLAIN and
LOGIN check the users of a Dovecot passwd-file (user:{PLAIN}password:...), offered
only after TLS on --port. With --oauth2-tokeninfo URL it also offers AUTH XOAUTH2
(SASL-IR: base64 of "user=U^Aauth=Bearer TOKEN^A^A"), and accepts it when URL + TOKEN
(tokenserver.py's /tokeninfo?access_token=) answers 200 with "username" U; else 535,
as Microsoft 365 answers. Tokens are never logged.

Every accepted mail becomes DIR/smtp-out/NNNNNN.json (mail_from, rcpt_tos, tls,
auth_user, auth_mechanism, helo, peer, size, received) and DIR/smtp-out/NNNNNN.eml (the bytes after
DATA, dot-unstuffed), each written to a temporary name and renamed, the .json first:
whoever sees an .eml also sees its .json.

Rules for fault tests:
  RCPT to a local part starting with "reject" gets 550, "tempfail" gets 451;
  DIR/smtp-mode, read at every MAIL FROM: "ok" (or missing), "tempfail" (451 to
  every transaction), "reject" (550 to every transaction) or "stall" (no answer to
  MAIL FROM for 10 minutes, the connection open).
"""
import argparse
import asyncio
import base64
import binascii
import json
import logging
import os
import signal
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

warnings.filterwarnings('ignore', message='Session.login_data')
# aiosmtpd warns through logging on every AUTH that Session.login_data is deprecated
logging.getLogger('mail.log').setLevel(logging.ERROR)
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--dir', required=True)
ap.add_argument('--host', default='127.0.0.1')
ap.add_argument('--port', type=int, required=True)
ap.add_argument('--tls-port', type=int, required=True)
ap.add_argument('--cert', required=True)
ap.add_argument('--key', required=True)
ap.add_argument('--users', required=True)
ap.add_argument('--auth', choices=('optional', 'required', 'off'), default='optional')
ap.add_argument('--require-tls', type=int, default=1)
ap.add_argument('--ready', required=True, help='file created once both ports listen')
ap.add_argument('--oauth2-tokeninfo', metavar='URL',
                help='offer AUTH XOAUTH2, checking tokens with URL + token')
args = ap.parse_args()

OUT = os.path.join(args.dir, 'smtp-out')
MODE_FILE = os.path.join(args.dir, 'smtp-mode')
os.makedirs(OUT, exist_ok=True)

USERS = {}
with open(args.users, encoding='utf-8') as f:
    for line in f:
        fields = line.rstrip('\n').split(':')
        if len(fields) > 1 and fields[1].startswith('{PLAIN}'):
            USERS[fields[0]] = fields[1][len('{PLAIN}'):]

# numbering goes on after a restart in the same directory
seq = max([int(n[:6]) for n in os.listdir(OUT) if n[:6].isdigit()] + [0])


def log(msg):
    sys.stdout.write(time.strftime('%Y-%m-%dT%H:%M:%S ') + msg + '\n')
    sys.stdout.flush()


def mode():
    try:
        with open(MODE_FILE, encoding='ascii') as f:
            return f.read().strip() or 'ok'
    except OSError:
        return 'ok'


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    user = auth_data.login.decode('utf-8', 'replace')
    ok = user in USERS and USERS[user] == auth_data.password.decode('utf-8', 'replace')
    log('AUTH %s user=%s %s' % (mechanism, user, 'ok' if ok else 'FAILED'))
    # handled=False makes aiosmtpd answer 535; anything else leaves the client waiting
    if not ok:
        return AuthResult(success=False, handled=False)
    session.auth_mechanism = mechanism
    return AuthResult(success=True, auth_data=user)


def tokeninfo_user(token):
    """The username the token server vouches for, or None (refused, expired, down)."""
    url = args.oauth2_tokeninfo + urllib.parse.quote(token, safe='')
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            info = json.loads(r.read().decode('utf-8'))
    except (urllib.error.URLError, OSError, ValueError):
        return None
    user = info.get('username') if isinstance(info, dict) else None
    return user if isinstance(user, str) else None


def write_atomically(path, data):
    tmp = os.path.join(OUT, '.%s.tmp' % os.path.basename(path))
    with open(tmp, 'wb') as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class Sink:
    def __init__(self, implicit_tls):
        self.implicit_tls = implicit_tls

    # SASL XOAUTH2 as Gmail and Microsoft 365 take it; offered only with
    # --oauth2-tokeninfo (main() excludes it otherwise)
    async def auth_XOAUTH2(self, server, auth_args):
        if len(auth_args) == 2:
            blob = auth_args[1].encode()
        else:
            blob = await server.challenge_auth('', encode_to_b64=False)
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)
            blob = base64.b64encode(blob)
        try:
            fields = base64.b64decode(blob, validate=True).decode('utf-8').split('\x01')
        except (binascii.Error, UnicodeDecodeError):
            log('AUTH XOAUTH2 undecodable FAILED')
            return AuthResult(success=False, handled=False)
        kv = dict(f.split('=', 1) for f in fields if '=' in f)
        user, bearer = kv.get('user', ''), kv.get('auth', '')
        token = bearer[7:] if bearer.lower().startswith('bearer ') else ''
        loop = asyncio.get_running_loop()
        vouched = await loop.run_in_executor(None, tokeninfo_user, token) if token else None
        ok = vouched is not None and vouched.lower() == user.lower() and user != ''
        log('AUTH XOAUTH2 user=%s %s' % (user, 'ok' if ok else 'FAILED'))
        if not ok:
            return AuthResult(success=False, handled=False,
                              message='535 5.7.3 Authentication unsuccessful')
        server.session.auth_mechanism = 'XOAUTH2'
        return AuthResult(success=True, auth_data=user)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        m = mode()
        if m == 'tempfail':
            log('MAIL FROM:<%s> 451 (smtp-mode tempfail)' % address)
            return '451 4.3.2 Service temporarily unavailable (test sink: smtp-mode tempfail)'
        if m == 'stall':
            log('MAIL FROM:<%s> stalling (smtp-mode stall)' % address)
            await asyncio.sleep(600)
            return '451 4.3.2 Too late (test sink: smtp-mode stall)'
        if m == 'reject':
            log('MAIL FROM:<%s> 550 (smtp-mode reject)' % address)
            return '550 5.7.1 Not accepted (test sink: smtp-mode reject)'
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 2.1.0 OK'

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@', 1)[0].lower()
        if local.startswith('reject'):
            log('RCPT TO:<%s> 550 (rule)' % address)
            return '550 5.1.1 <%s>: recipient rejected (test sink rule)' % address
        if local.startswith('tempfail'):
            log('RCPT TO:<%s> 451 (rule)' % address)
            return '451 4.3.0 <%s>: try again later (test sink rule)' % address
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        global seq
        seq += 1
        name = '%06d' % seq
        data = envelope.original_content or b''
        meta = {
            'file': name + '.eml',
            'mail_from': envelope.mail_from,
            'rcpt_tos': envelope.rcpt_tos,
            'tls': self.implicit_tls or session.ssl is not None,
            'auth_user': session.auth_data if session.authenticated else None,
            'auth_mechanism': getattr(session, 'auth_mechanism', None)
            if session.authenticated else None,
            'helo': session.host_name,
            'peer': list(session.peer) if session.peer else None,
            'size': len(data),
            'received': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        }
        write_atomically(os.path.join(OUT, name + '.json'),
                         json.dumps(meta, ensure_ascii=False, indent=1).encode('utf-8'))
        write_atomically(os.path.join(OUT, name + '.eml'), data)
        log('stored %s.eml from=<%s> to=%s size=%d tls=%s auth=%s' % (
            name, envelope.mail_from, ','.join(envelope.rcpt_tos), len(data), meta['tls'],
            meta['auth_user']))
        return '250 2.0.0 Ok: queued as %s' % name


def tls_context():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


async def main():
    loop = asyncio.get_running_loop()
    if args.auth == 'off':
        auth = dict(auth_exclude_mechanism=['PLAIN', 'LOGIN', 'XOAUTH2'])
    else:
        auth = dict(authenticator=authenticator, auth_required=args.auth == 'required')
        if not args.oauth2_tokeninfo:
            auth['auth_exclude_mechanism'] = ['XOAUTH2']

    def starttls_server():
        return SMTP(Sink(False), hostname='sink.agendad.test', ident='agendad test sink',
                    enable_SMTPUTF8=True, tls_context=tls_context(),
                    require_starttls=bool(args.require_tls), auth_require_tls=True, **auth)

    def implicit_tls_server():
        # the connection is TLS from the start, which aiosmtpd does not know about
        return SMTP(Sink(True), hostname='sink.agendad.test', ident='agendad test sink (TLS)',
                    enable_SMTPUTF8=True, tls_context=None, auth_require_tls=False, **auth)

    servers = [
        await loop.create_server(starttls_server, args.host, args.port),
        await loop.create_server(implicit_tls_server, args.host, args.tls_port,
                                 ssl=tls_context()),
    ]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with open(args.ready, 'w') as f:
        f.write('%d\n' % os.getpid())
    log('listening on %s:%d (STARTTLS) and %s:%d (TLS), auth %s%s, require TLS %d' % (
        args.host, args.port, args.host, args.tls_port, args.auth,
        ' (with XOAUTH2)' if args.oauth2_tokeninfo and args.auth != 'off' else '',
        args.require_tls))
    await stop.wait()
    for s in servers:
        s.close()
    log('stopped')
    # nothing is pending; the interpreter's asyncio teardown would take another second
    os._exit(0)


asyncio.run(main())

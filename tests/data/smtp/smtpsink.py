#!/usr/bin/python3
"""smtpsink.py - an SMTP server for tests/unit/test_smtp.c (aiosmtpd).

Listeners on 127.0.0.1, free ports, written as JSON to --port-file once all
accept connections:
  plain     no STARTTLS, no AUTH
  starttls  STARTTLS required before MAIL, then AUTH PLAIN/LOGIN/XOAUTH2 optional
  smtps     implicit TLS, AUTH optional
  authreq   STARTTLS required, AUTH required (530 without it)
Accepted mail: DIR/NNNNNN.json (mail_from, rcpt_tos, helo, auth_user, tls) and
then DIR/NNNNNN.eml (the bytes after DATA, dot-unstuffed).

Rules by local part: RCPT "tempfail*" -> 451, "reject*" -> 550; "datafail*"
-> 554 and "datatemp*" -> 452 after the data; MAIL FROM "badsender*" -> 550,
"bigsender*" -> 552.
Usage: smtpsink.py --dir DIR --port-file F --cert PEM --key PEM
           --user NAME:PASSWORD --token TOKEN
"""
import argparse, asyncio, base64, json, os, signal, ssl, warnings

warnings.filterwarnings('ignore')
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument('--dir', required=True)
ap.add_argument('--port-file', required=True)
ap.add_argument('--cert', required=True)
ap.add_argument('--key', required=True)
ap.add_argument('--user', required=True)
ap.add_argument('--token', required=True)
a = ap.parse_args()
USER, _, PASSWORD = a.user.partition(':')
seq = 0


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    ok = (auth_data.login.decode('utf-8', 'replace') == USER and
          auth_data.password.decode('utf-8', 'replace') == PASSWORD)
    if not ok:
        return AuthResult(success=False, handled=False)  # 535; handled=True hangs curl
    return AuthResult(success=True, auth_data=USER)


class Sink:
    async def auth_XOAUTH2(self, server, args):
        # "user=" USER "\x01auth=Bearer " TOKEN "\x01\x01" (Google's and Microsoft's XOAUTH2)
        if len(args) == 1:
            blob = await server.challenge_auth('')
            if blob is MISSING:
                return AuthResult(success=False, handled=True)
        else:
            blob = base64.b64decode(args[1])
        fields = blob.decode('utf-8', 'replace').split('\x01')
        user = fields[0][5:] if fields[0].startswith('user=') else None
        if user == USER and len(fields) > 1 and fields[1] == 'auth=Bearer ' + a.token:
            return AuthResult(success=True, auth_data=user)
        # the error challenge, answered by an empty response, then 535
        await server.challenge_auth(json.dumps({'status': '401', 'schemes': 'bearer',
                                                'scope': 'https://outlook.office365.com/'}))
        return AuthResult(success=False, handled=False)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        local = address.split('@', 1)[0].lower()
        if local.startswith('badsender'):
            return '550 5.7.60 SMTP; Client does not have permissions to send as this sender'
        if local.startswith('bigsender'):
            return '552 5.3.4 Message size exceeds fixed maximum message size'
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 2.1.0 OK'

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@', 1)[0].lower()
        if local.startswith('reject'):
            return '550 5.1.1 <%s>: Recipient address rejected: User unknown' % address
        if local.startswith('tempfail'):
            return '451 4.3.0 <%s>: Temporary lookup failure' % address
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 OK'

    async def handle_DATA(self, server, session, envelope):
        global seq
        local = envelope.rcpt_tos[0].split('@', 1)[0].lower()
        if local.startswith('datafail'):
            return '554 5.6.0 Message rejected: content policy'
        if local.startswith('datatemp'):
            return '452 4.3.1 Insufficient system storage'
        seq += 1
        name = os.path.join(a.dir, '%06d' % seq)
        meta = {'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos,
                'helo': session.host_name,
                'auth_user': session.auth_data if session.authenticated else None,
                'tls': bool(session.ssl) or getattr(server, 'implicit_tls', False)}
        with open(name + '.tmp', 'w') as f:
            json.dump(meta, f)
        os.rename(name + '.tmp', name + '.json')
        with open(name + '.tmp', 'wb') as f:
            f.write(envelope.original_content or b'')
        os.rename(name + '.tmp', name + '.eml')
        return '250 2.0.0 Ok: queued as %06d' % seq


def tls_context():
    c = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    c.load_cert_chain(a.cert, a.key)
    return c


async def main():
    loop = asyncio.get_running_loop()
    handler = Sink()
    auth = dict(authenticator=authenticator)

    def plain():
        return SMTP(handler, hostname='sink.test', auth_exclude_mechanism=['PLAIN', 'LOGIN'])

    def starttls():
        return SMTP(handler, hostname='sink.test', tls_context=tls_context(),
                    require_starttls=True, auth_require_tls=True, **auth)

    def authreq():
        return SMTP(handler, hostname='sink.test', tls_context=tls_context(),
                    require_starttls=True, auth_require_tls=True, auth_required=True, **auth)

    def smtps():
        s = SMTP(handler, hostname='sink.test', auth_require_tls=False, **auth)
        s.implicit_tls = True
        return s

    ports = {}
    servers = []
    for name, factory, ctx in (('plain', plain, None), ('starttls', starttls, None),
                               ('authreq', authreq, None), ('smtps', smtps, tls_context())):
        srv = await loop.create_server(factory, '127.0.0.1', 0, ssl=ctx)
        servers.append(srv)
        ports[name] = srv.sockets[0].getsockname()[1]
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: os._exit(0))
    with open(a.port_file + '.tmp', 'w') as f:
        json.dump(ports, f)
    os.rename(a.port_file + '.tmp', a.port_file)
    await asyncio.Event().wait()


asyncio.run(main())

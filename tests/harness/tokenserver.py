#!/usr/bin/python3
"""tokenserver.py - a local OAuth 2.0 token endpoint for agendad's tests.

Speaks the client-credentials grant (RFC 6749 4.4) the way Microsoft's
identity platform does, and lets a test check and steer it:

  POST /token (and /TENANT/oauth2/v2.0/token)
      form: grant_type=client_credentials, client_id, client_secret, scope
      (client authentication in the body, or HTTP Basic per RFC 6749 2.3.1)
      200 {"token_type": "Bearer", "expires_in": N, "access_token": "..."}
      400/401 {"error": ..., "error_description": ...} as in RFC 6749 5.2
  GET  /tokeninfo?access_token=T      token information (Dovecot oauth2 passdb
                                      tokeninfo_url); 401 for a bad token
  POST /introspect  token=T           RFC 7662 ({"active": false} for a bad
  GET  /introspect  Authorization: Bearer T   token); for introspection_mode
                                      = post or auth
  GET  /stats       {"token_requests", "issued", "introspections", "last_scope",
                     "last_client_id", "fail", "expires_in"}
  POST /control     JSON: {"fail": MODE or null, "expires_in": N,
                     "revoke": true (forget every issued token), "reset": true
                     (zero the counters)}; answers with /stats

Failure modes (persistent until changed): invalid_client (401),
invalid_scope (400), server_error (500, HTML body), throttle (429),
garbage (200, not JSON), close (drop the connection without an answer),
bad_token (200 with a token containing a space), string_expires (200 with
expires_in as a string, like old Azure endpoints), no_json_4xx (403 HTML).

Dovecot's oauth2 passdb (checked with Dovecot 2.3.19, XOAUTH2 over IMAPS):
    tokeninfo_url = http://127.0.0.1:PORT/tokeninfo?access_token=
    username_attribute = username
or  introspection_mode = post
    introspection_url = http://127.0.0.1:PORT/introspect
    username_attribute = username
    active_attribute = active
    active_value = true
with --username naming the IMAP user the tokens are for.

Usage: tokenserver.py --port-file FILE [--host 127.0.0.1] [--pidfile FILE]
           [--client-id ID] [--client-secret S | --client-secret-file F]
           [--expires-in 3600] [--username USER] [--verbose]
Listens on a free port on 127.0.0.1 and writes it to --port-file (atomically,
once it accepts connections). SIGTERM stops it. Secrets are never logged.
"""
import argparse
import base64
import hmac
import json
import os
import secrets
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument('--host', default='127.0.0.1')
ap.add_argument('--port', type=int, default=0)
ap.add_argument('--port-file', required=True)
ap.add_argument('--pidfile')
ap.add_argument('--client-id', default='agendad-test-client')
ap.add_argument('--client-secret')
ap.add_argument('--client-secret-file')
ap.add_argument('--expires-in', type=int, default=3600)
ap.add_argument('--username', default='sekreterare@example.org',
                help='the mailbox a token gives access to (tokeninfo/introspection)')
ap.add_argument('--verbose', action='store_true')
a = ap.parse_args()

if a.client_secret_file:
    with open(a.client_secret_file, encoding='utf-8') as f:
        SECRET = f.read().rstrip('\r\n')
else:
    SECRET = a.client_secret if a.client_secret is not None else 'agendad-test-secret'

lock = threading.Lock()
state = {
    'token_requests': 0, 'issued': 0, 'introspections': 0, 'last_scope': None,
    'last_client_id': None, 'fail': None, 'expires_in': a.expires_in,
}
tokens = {}  # token -> expiry (epoch seconds)


def log(msg):
    if a.verbose:
        sys.stderr.write(time.strftime('%H:%M:%S ') + 'tokenserver: ' + msg + '\n')


def token_info(token):
    with lock:
        exp = tokens.get(token)
    if exp is None or exp < time.time():
        return None
    return {'active': True, 'sub': a.username, 'username': a.username, 'email': a.username,
            'upn': a.username, 'client_id': a.client_id, 'exp': int(exp),
            'expires_in': max(int(exp - time.time()), 1),
            'scope': state['last_scope'] or ''}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'tokenserver'

    def log_message(self, fmt, *args):  # the default logs the query string: tokens
        log('%s %s' % (self.command, self.path.split('?', 1)[0]))

    def answer(self, code, obj=None, raw=None, ctype='application/json'):
        body = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(body)

    def oauth_error(self, code, error, description):
        self.answer(code, {'error': error, 'error_description': description,
                           'error_codes': [7000215], 'trace_id': secrets.token_hex(8)})

    def read_body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n > 0 else b''

    def stats(self):
        with lock:
            return dict(state)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == '/stats':
            return self.answer(200, self.stats())
        if url.path == '/tokeninfo':
            q = urllib.parse.parse_qs(url.query)
            return self.introspect((q.get('access_token') or [''])[0], rfc7662=False)
        if url.path == '/introspect':
            auth = self.headers.get('Authorization') or ''
            token = auth[7:] if auth.lower().startswith('bearer ') else ''
            return self.introspect(token, rfc7662=True)
        self.answer(404, {'error': 'not_found'})

    def introspect(self, token, rfc7662):
        with lock:
            state['introspections'] += 1
        info = token_info(token)
        if info is not None:
            return self.answer(200, info)
        if rfc7662:
            return self.answer(200, {'active': False})
        return self.answer(401, {'error': 'invalid_token'})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        body = self.read_body()
        if url.path == '/control':
            try:
                ctl = json.loads(body or b'{}')
            except ValueError:
                return self.answer(400, {'error': 'bad control JSON'})
            with lock:
                if 'fail' in ctl:
                    state['fail'] = ctl['fail']
                if 'expires_in' in ctl:
                    state['expires_in'] = int(ctl['expires_in'])
                if ctl.get('revoke'):
                    tokens.clear()
                if ctl.get('reset'):
                    state.update(token_requests=0, issued=0, introspections=0)
            return self.answer(200, self.stats())
        if url.path == '/introspect':
            form = urllib.parse.parse_qs(body.decode('utf-8', 'replace'))
            return self.introspect((form.get('token') or [''])[0], rfc7662=True)
        if url.path == '/token' or url.path.endswith('/oauth2/v2.0/token'):
            return self.token(body)
        self.answer(404, {'error': 'not_found'})

    def token(self, body):
        with lock:
            state['token_requests'] += 1
            fail = state['fail']
            expires_in = state['expires_in']
        ctype = (self.headers.get('Content-Type') or '').split(';')[0].strip().lower()
        if ctype != 'application/x-www-form-urlencoded':
            return self.oauth_error(400, 'invalid_request', 'Content-Type must be '
                                    'application/x-www-form-urlencoded')
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode('utf-8', 'replace'),
                                                          keep_blank_values=True).items()}
        client_id, secret = form.get('client_id'), form.get('client_secret')
        auth = self.headers.get('Authorization') or ''
        if auth.lower().startswith('basic '):
            try:
                user, _, pw = base64.b64decode(auth[6:]).decode().partition(':')
                client_id = urllib.parse.unquote_plus(user)
                secret = urllib.parse.unquote_plus(pw)
            except ValueError:
                return self.oauth_error(400, 'invalid_request', 'bad Basic credentials')
        with lock:
            state['last_client_id'] = client_id
            state['last_scope'] = form.get('scope')
        if fail == 'close':
            self.close_connection = True
            self.connection.shutdown(2)
            return None
        if fail == 'server_error':
            return self.answer(500, raw=b'<html><body>Internal error</body></html>',
                               ctype='text/html')
        if fail == 'throttle':
            return self.oauth_error(429, 'temporarily_unavailable', 'Too many requests')
        if fail == 'no_json_4xx':
            return self.answer(403, raw=b'<html><body>Forbidden</body></html>',
                               ctype='text/html')
        if fail == 'garbage':
            return self.answer(200, raw=b'<html>not a token</html>', ctype='text/html')
        if form.get('grant_type') != 'client_credentials':
            return self.oauth_error(400, 'unsupported_grant_type',
                                    'AADSTS70003: The app requested an unsupported grant type.')
        if fail == 'invalid_client' or client_id != a.client_id or secret is None or \
                not hmac.compare_digest(secret.encode(), SECRET.encode()):
            return self.oauth_error(401, 'invalid_client',
                                    'AADSTS7000215: Invalid client secret provided.\r\n'
                                    'Trace ID: 0000\r\nCorrelation ID: 0000')
        if fail == 'invalid_scope' or not form.get('scope'):
            return self.oauth_error(400, 'invalid_scope',
                                    'AADSTS1002012: The provided value for scope is not '
                                    'valid.')
        token = 'agendad-test.' + secrets.token_urlsafe(32)
        if fail == 'bad_token':
            token = 'agendad test\r\nA1 LOGOUT'
        with lock:
            tokens[token] = time.time() + expires_in
            state['issued'] += 1
        grant = {'token_type': 'Bearer', 'expires_in': expires_in,
                 'ext_expires_in': expires_in, 'access_token': token}
        if fail == 'string_expires':
            grant['expires_in'] = str(expires_in)
        log('issued a token (expires_in %d)' % expires_in)
        return self.answer(200, grant)


def write_atomic(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    server = ThreadingHTTPServer((a.host, a.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    if a.pidfile:
        write_atomic(a.pidfile, '%d\n' % os.getpid())
    # the socket listens already: a client that reads the port can connect
    write_atomic(a.port_file, '%d\n' % server.server_address[1])
    log('listening on %s:%d' % server.server_address[:2])
    server.serve_forever()


main()

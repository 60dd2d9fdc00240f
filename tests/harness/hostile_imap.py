#!/usr/bin/python3
"""hostile_imap.py - a small scripted IMAP server over TLS on 127.0.0.1 that misbehaves
on purpose, for tests/integration/t_hostile_imap.sh (issue 8, "## Faults").

    hostile_imap.py --cert PEM --key PEM --scenario-file FILE --ready FILE [--log FILE]

Listens on a free port of 127.0.0.1 (implicit TLS, like imaps://), writes the port to
the --ready file, and serves each connection by the scenario named in --scenario-file at
the moment the connection comes in, so that one server plays every part in turn. The
mailbox INBOX holds three small, valid association mails, UIDVALIDITY 777, UIDs 1-3.
Every command and what the scenario did goes to --log (one line each).

Scenarios (where the trouble starts: greeting, select, list (FETCH of UID, RFC822.SIZE,
INTERNALDATE), body (UID FETCH BODY.PEEK[]), store (UID STORE +FLAGS)):
  ok                    a correct server
  greeting-garbage      binary bytes instead of "* OK"
  greeting-bye          "* BYE [UNAVAILABLE]" and close
  select-malformed      broken UIDVALIDITY and FLAGS in the SELECT response
  list-malformed        a listing with a negative size and an impossible date
  body-malformed        a FETCH response with junk after the literal
  body-huge-literal     BODY[] {2000000000}, then ENDLESS_MB (default 256) MB, then close
  body-max-literal      BODY[] {4294967295}, the same
  body-close-mid-literal  BODY[] {5000}, 1000 bytes, close
  body-stall            BODY[] {5000}, 1000 bytes, then silence with the connection open
  body-endless-line     a FETCH line that never ends: ENDLESS_MB MB without CRLF at full
                        speed, then close
  body-bye              the first message, then "* BYE" in the middle of the response
  body-omits            tagged OK, but the message with UID 2 is left out
  store-bye             bodies fine, "* BYE" in answer to UID STORE (after the import)
A scenario ends the connection after its trouble (except body-stall, which waits until
the client goes, at most STALL_MAX seconds, default 300). Standard library only; stop
it with SIGTERM.
"""
import argparse
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time

UIDVALIDITY = 777
INTERNALDATE = "25-Nov-2026 10:%02d:00 +0100"
CAPS = "IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE"

MAILS = []
for i, (name, addr, subject, question) in enumerate([
    ("Birgitta Sjöberg", "birgitta.sjoberg@fubexempelstad.example", "Fråga om korttidsboende",
     "Hur många barn väntar just nu på plats i korttidsboende, och hur lång är väntetiden?"),
    ("Kent Nyström", "kent.nystrom@autism-exempelstad.example", "Daglig verksamhet",
     "Vilka planer finns för fler platser inom daglig verksamhet under nästa år?"),
    ("Åsa Lindgren", "asa.lindgren@neuro-exempelstad.example", "Personlig assistans",
     "Hur många beslut om personlig assistans har omprövats under året?"),
], start=1):
    body = ("Hej!\r\n\r\n%s\r\n\r\nVänliga hälsningar\r\n%s\r\n" % (question, name))
    MAILS.append((
        "From: %s <%s>\r\n"
        "To: lss-samverkan@exempelstad.example\r\n"
        "Subject: %s\r\n"
        "Date: Wed, 25 Nov 2026 10:%02d:00 +0100\r\n"
        "Message-ID: <hostile-%d@imap.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n%s" % (name, addr, subject, i, i, body)).encode("utf-8"))

LOCK = threading.Lock()
LOG = None


def log(conn_id, text):
    with LOCK:
        LOG.write("%s #%d %s\n" % (time.strftime("%H:%M:%S"), conn_id, text))
        LOG.flush()


class Closed(Exception):
    pass


class Session:
    def __init__(self, sock, conn_id, scenario):
        self.sock = sock
        self.id = conn_id
        self.scenario = scenario
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def readline(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > 65536:
                raise Closed("client line too long")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed("client closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        # a synchronising literal in a command (LOGIN with odd characters)
        m = re.search(rb"\{(\d+)(\+?)\}$", line)
        while m:
            n = int(m.group(1))
            if not m.group(2):
                self.send("+ go ahead\r\n")
            while len(self.buf) < n + 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise Closed("client closed in a literal")
                self.buf += chunk
            line = line + b"\r\n" + self.buf[:n]
            rest = self.buf[n:]
            end = rest.find(b"\r\n")
            line += rest[:end]
            self.buf = rest[end + 2:]
            m = re.search(rb"\{(\d+)(\+?)\}$", line)
        return line.decode("utf-8", "replace")

    def flood(self, byte):
        """ENDLESS_MB of byte, as fast as the client takes it; the bytes sent."""
        total = int(os.environ.get("ENDLESS_MB", "256")) << 20
        chunk = byte * 65536
        sent = 0
        try:
            while sent < total:
                self.send(chunk)
                sent += len(chunk)
        except OSError:
            pass
        return sent

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    # ---- the conversation

    def run(self):
        s = self.scenario
        if s == "greeting-garbage":
            self.send(b"\x16\x03\x01\x02\x00\xff\xfe garbage \x00\x01\r\n")
            log(self.id, "sent a garbage greeting")
            time.sleep(0.5)
            return
        if s == "greeting-bye":
            self.send("* BYE [UNAVAILABLE] the server is too busy\r\n")
            log(self.id, "sent BYE as greeting")
            return
        self.send("* OK [CAPABILITY %s] hostile test server ready\r\n" % CAPS)
        while True:
            line = self.readline()
            log(self.id, "C: %s" % re.sub(r"(?i)^(\S+ LOGIN \S+) .*", r"\1 ***", line))
            parts = line.split(" ", 2)
            if len(parts) < 2:
                self.send("* BAD what?\r\n")
                continue
            tag, cmd = parts[0], parts[1].upper()
            args = parts[2] if len(parts) > 2 else ""
            if cmd == "UID":
                sub = args.split(" ", 1)
                cmd, args = "UID " + sub[0].upper(), sub[1] if len(sub) > 1 else ""
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY %s\r\n%s OK CAPABILITY done\r\n" % (CAPS, tag))
            elif cmd == "LOGIN":
                self.send("%s OK [CAPABILITY %s] logged in\r\n" % (tag, CAPS))
            elif cmd in ("SELECT", "EXAMINE"):
                self.select(tag)
            elif cmd == "NOOP":
                self.send("%s OK NOOP done\r\n" % tag)
            elif cmd in ("FETCH", "UID FETCH"):
                if not self.fetch(tag, args, cmd == "UID FETCH"):
                    return
            elif cmd in ("STORE", "UID STORE"):
                if s == "store-bye":
                    self.send("* BYE [UNAVAILABLE] shutting down for maintenance\r\n")
                    log(self.id, "sent BYE in answer to STORE")
                    return
                self.send("%s OK STORE done\r\n" % tag)
            elif cmd == "IDLE":
                self.send("+ idling\r\n")
                while self.readline().upper() != "DONE":
                    pass
                self.send("%s OK IDLE done\r\n" % tag)
            elif cmd == "LOGOUT":
                self.send("* BYE logging out\r\n%s OK LOGOUT done\r\n" % tag)
                return
            else:
                self.send("%s BAD unknown command\r\n" % tag)

    def select(self, tag):
        if self.scenario == "select-malformed":
            self.send("* 3 EXISTS\r\n* OK [UIDVALIDITY 4294967296999] broken\r\n"
                      "* FLAGS (\\Seen \\Deleted\r\n* 0 RECENT )))((( \x01\x02\r\n"
                      "%s OK [READ-WRITE] SELECT done\r\n" % tag)
            log(self.id, "sent a malformed SELECT response")
            return
        self.send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                  "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] flags\r\n"
                  "* %d EXISTS\r\n* 0 RECENT\r\n"
                  "* OK [UIDVALIDITY %d] uids valid\r\n* OK [UIDNEXT %d] next\r\n"
                  "%s OK [READ-WRITE] SELECT done\r\n"
                  % (len(MAILS), UIDVALIDITY, len(MAILS) + 1, tag))

    @staticmethod
    def numbers(spec, top):
        out = []
        for part in spec.split(","):
            a, _, b = part.partition(":")
            lo = top if a == "*" else int(a)
            hi = lo if not b else (top if b == "*" else int(b))
            lo, hi = min(lo, hi), max(lo, hi)
            out.extend(range(lo, min(hi, top) + 1))
        return sorted(set(out))

    def fetch(self, tag, args, by_uid):
        """Answers one FETCH; False when the scenario ends the connection."""
        s = self.scenario
        spec, _, items = args.partition(" ")
        items = items.upper()
        wants_body = "BODY" in items
        header_only = "BODY.PEEK[HEADER]" in items
        seqs = self.numbers(spec, len(MAILS))  # UID n is sequence number n
        if not wants_body and s == "list-malformed" and "RFC822.SIZE" in items:
            for n in seqs:
                self.send('* %d FETCH (UID %d RFC822.SIZE -5 INTERNALDATE "31-Feb-2026 99:99:99'
                          ' +9999")\r\n' % (n, n))
            self.send("%s OK FETCH done\r\n" % tag)
            log(self.id, "sent a malformed listing")
            return True
        for n in seqs:
            raw = MAILS[n - 1]
            if header_only:
                raw = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            fields = []
            if by_uid or "UID" in items:
                fields.append("UID %d" % n)
            if "RFC822.SIZE" in items:
                fields.append("RFC822.SIZE %d" % len(MAILS[n - 1]))
            if "INTERNALDATE" in items:
                fields.append('INTERNALDATE "%s"' % (INTERNALDATE % n))
            head = "* %d FETCH (%s" % (n, " ".join(fields))
            if not wants_body:
                self.send(head + ")\r\n")
                continue
            section = "BODY[HEADER]" if header_only else "BODY[]"
            if s == "body-omits" and n == 2:
                log(self.id, "left out UID 2")
                continue
            if s in ("body-huge-literal", "body-max-literal"):
                size = 2000000000 if s == "body-huge-literal" else 4294967295
                self.send("%s %s {%d}\r\n" % (head, section, size))
                sent = self.flood(b"x")
                log(self.id, "sent %d bytes of a literal of %d, closing" % (sent, size))
                return False
            if s in ("body-close-mid-literal", "body-stall"):
                self.send("%s %s {5000}\r\n" % (head, section) + "y" * 1000)
                if s == "body-close-mid-literal":
                    log(self.id, "closed in the middle of a literal")
                    return False
                log(self.id, "stalling in the middle of a literal")
                self.sock.settimeout(float(os.environ.get("STALL_MAX", "300")))
                try:
                    while self.sock.recv(4096):
                        pass
                except (OSError, socket.timeout):
                    pass
                log(self.id, "the client went away during the stall")
                return False
            if s == "body-endless-line":
                self.send(head + " X-ENDLESS ")
                sent = self.flood(b"A")
                log(self.id, "sent %d bytes of one line, closing" % sent)
                return False
            if s == "body-malformed":
                self.send(("%s %s {%d}\r\n" % (head, section, len(raw))).encode() + raw +
                          b" GARBAGE ((( \"unterminated\r\n")
                self.send("%s OK FETCH done\r\n" % tag)
                log(self.id, "sent junk after a literal")
                return True
            self.send(("%s %s {%d}\r\n" % (head, section, len(raw))).encode() + raw + b")\r\n")
            if s == "body-bye":
                self.send("* BYE [UNAVAILABLE] server shutting down\r\n")
                log(self.id, "sent BYE in the middle of a FETCH response")
                return False
        self.send("%s OK FETCH done\r\n" % tag)
        return True


def serve(conn, conn_id, ctx, scenario_file):
    try:
        scenario = open(scenario_file).read().strip()
    except OSError:
        scenario = "ok"
    log(conn_id, "connection, scenario %s" % scenario)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError) as e:
        log(conn_id, "TLS handshake failed: %s" % e)
        conn.close()
        return
    session = Session(tls, conn_id, scenario)
    try:
        session.run()
    except (Closed, OSError, ssl.SSLError) as e:
        log(conn_id, "ended: %s" % e)
    finally:
        session.close()
        log(conn_id, "closed")


def main():
    global LOG
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--scenario-file", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--log", default="/dev/stderr")
    opts = ap.parse_args()
    LOG = open(opts.log, "a", encoding="utf-8")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opts.cert, opts.key)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    with open(opts.ready + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(opts.ready + ".tmp", opts.ready)
    n = 0
    while True:
        conn, _ = srv.accept()
        n += 1
        threading.Thread(target=serve, args=(conn, n, ctx, opts.scenario_file),
                         daemon=True).start()


if __name__ == "__main__":
    main()

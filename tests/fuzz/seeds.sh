#!/usr/bin/env bash
# seeds.sh NAME DIR - puts the seed corpus of the fuzz harness fuzz_NAME into DIR, built
# from the test data of the source tree. Each seed is named by the SHA-1 of its content,
# as libFuzzer names what it finds, so seeding a corpus again adds nothing twice.
#   mime      tests/data/mime/*.eml, tests/data/mail/*.eml, config/examples/*.eml
#   html      the text/html parts of those mails (decoded), config/templates/*.html
#   extract   tests/data/extract/*.txt as the harness reads them (first line the
#             subject, then the body), and the bodies of the example mails
#   classify  each labelled question of tests/data/classify/*.tsv, and whole files
#   template  config/templates/*
#   config    config/agendad.conf.example, config/examples/agendad.conf.in (filled
#             in), tests/data/config/*.conf
# An unknown NAME gets every file of tests/data/NAME/, if there is one.
set -euo pipefail

[ $# -eq 2 ] || {
	echo "usage: seeds.sh NAME DIR" >&2
	exit 64
}
name=$1
dir=$2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$dir"

/usr/bin/python3 - "$name" "$dir" "$ROOT" <<'EOF'
import email, glob, hashlib, os, re, sys
from email import policy

name, out, root = sys.argv[1:4]
n = 0

def seed(data):
    global n
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data:
        return
    path = os.path.join(out, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        n += 1

def files(*patterns):
    for p in patterns:
        for f in sorted(glob.glob(os.path.join(root, p))):
            if os.path.isfile(f):
                yield f

def raw(f):
    with open(f, "rb") as fh:
        return fh.read()

MAILS = ("tests/data/mime/*.eml", "tests/data/mail/*.eml", "config/examples/*.eml")

def parts(f, ctype):
    """Decoded payloads of the parts of type ctype; a mail too broken for Python's
    parser gives none (the mime corpus has it whole)."""
    try:
        msg = email.message_from_bytes(raw(f), policy=policy.compat32)
        for part in msg.walk():
            if part.get_content_type() == ctype:
                data = part.get_payload(decode=True)
                if data:
                    yield data
    except Exception:
        return

if name == "mime":
    for f in files(*MAILS):
        seed(raw(f))
elif name == "html":
    for f in files(*MAILS):
        for data in parts(f, "text/html"):
            seed(data)
    for f in files("config/templates/*.html", "tests/data/mime/*.html"):
        seed(raw(f))
elif name == "extract":
    for f in files("tests/data/extract/*.txt"):
        data = raw(f)
        seed(data)
        head, _, body = data.partition(b"\n\n")
        subject = re.search(rb"^Subject: *(.*)$", head, re.M)
        seed((subject.group(1) if subject else b"") + b"\n" + body)
    for f in files(*MAILS):
        for data in parts(f, "text/plain"):
            seed(data)
elif name == "classify":
    for f in files("tests/data/classify/*.tsv"):
        data = raw(f)
        seed(data)
        for line in data.split(b"\n"):
            if line and not line.startswith(b"#"):
                seed(line.split(b"\t", 1)[-1])
elif name == "template":
    for f in files("config/templates/*"):
        seed(raw(f))
elif name == "config":
    for f in files("config/agendad.conf.example", "tests/data/config/*.conf"):
        seed(raw(f))
    for f in files("config/examples/agendad.conf.in"):
        text = raw(f).decode("utf-8")
        fill = {"IMAP_URL": "imaps://127.0.0.1:993", "IMAP_STARTTLS": "no",
                "MAIL_LOGIN": "lss@exempelstad.example", "PASSWORD_FILE": "mail.password",
                "CA_FILE": "ca.pem", "SMTP_URL": "smtp://127.0.0.1:587",
                "CUTOFF_DAYS": "7", "DRAFT_DAYS": "5", "DATABASE": "/tmp/fuzz.db"}
        seed(text)
        filled = re.sub(r"@([A-Z_]+)@", lambda m: fill.get(m.group(1), m.group(0)), text)
        seed(filled)
        seed(filled + "\n[meeting 2026-03-12]\ntime = 17:00\nend = 19:00\nplace = Sal A; plan 2\n")
else:
    for f in files("tests/data/%s/*" % name):
        seed(raw(f))
print("seeds.sh: %s: %d new seed(s) in %s" % (name, n, out))
EOF

#!/usr/bin/env bash
# t_mail.sh - every mail agendad sends, as a real MIME parser reads it (issue 6,
# "## Acknowledgements", "## Outbox and SMTP", "## Tests", and the draft timing of
# "## Documents").
#
# Real Dovecot and the SMTP sink (tests/harness/mailserver.sh), the real agendad and
# agendactl; mail from tests/data/e2e/mail-*.eml, dated relative to today. Meetings in 5
# and 6 days; cutoff_days 2 and draft_days 5, so the first one's draft is due today and
# questions still come in after it; the second one's is not due yet. Everything the sink receives is parsed with Python's email package:
#   - every mail: CRLF, no line over 998 octets, an ASCII header with exactly the fields
#     agendad writes (no Bcc or other field injected from hostile incoming subjects and
#     display names: encoded CR LF, "Bcc:", U+2028, a very long Swedish subject), one
#     envelope recipient that is the To address, From the council, Date now, its
#     Message-ID an outbox row whose subject is the decoded Subject;
#   - acknowledgements: to the sender of a processed mail, "SV: " and its subject,
#     In-Reply-To and References its Message-ID, Auto-Submitted: auto-replied, Swedish
#     text that names the meeting date and each question's item number; none to an
#     out-of-office reply, a bounce, a newsletter, an unknown sender or the council's
#     own address; one now for two mails in a burst from one address;
#   - the draft goes out with the first `agendad --once` (no send-draft) and once only:
#     multipart/mixed with text and HTML alternatives holding every question, Auto-
#     Submitted: auto-generated; the agenda with an .ics (VCALENDAR, VTIMEZONE
#     Europe/Stockholm, VEVENT with DTSTART;TZID=Europe/Stockholm at 17:00, CRLF, lines
#     of at most 75 octets), the minutes skeleton with a .docx (a valid zip, well-formed
#     XML, every question in word/document.xml, opened by python3-docx);
#   - a late question after the draft: an updated draft ("Uppdaterad: ...") with it;
#     a second late question the same day: no second update.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init mail
# the classifier with the shipped training set of the build (as make runs the tests)
export AGENDAD_DATADIR=$T_ROOT/config:$AGENDAD_BUILD/share

load() { # load FILE...: into the council's INBOX
	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$@" >/dev/null ||
		fatal "could not load $*"
}

snap() { # snap TAG: what agendactl says, as JSON in the log directory
	local rc=0
	actl "questions-$1" questions --json || rc=$?
	actl "messages-$1" messages --json || rc=$?
	actl "outbox-$1" outbox --json || rc=$?
	expect_rc 0 $rc "agendactl questions, messages and outbox --json ($1)"
}

mail_start mail
mail_use mail
export SMTP_OUT MAIL_LOGIN
SECRETARY=sekreterare@exempelstad.example
COUNCIL=lss-samverkan@exempelstad.example
# cutoff 2 days and draft 5 days before: M's draft is due today, its first day, and
# questions still come in for M after it went out (the late questions of issue 6); M2's
# draft is due only tomorrow
M=$(day_plus 5) M2=$(day_plus 6)
export M M2 SECRETARY COUNCIL
write_conf "$T_DIR/agendad.conf" CUTOFF_DAYS=2 DRAFT_DAYS=5
actl meeting meeting add "$M" 17:00 --end 19:00 --place "Stadshuset, sal Ljusnan"
expect_rc 0 $? "agendactl meeting add $M"
actl meeting2 meeting add "$M2" 13:00 --end 15:00 --place "Träffpunkten, Storgatan 3"
expect_rc 0 $? "agendactl meeting add $M2"

# ---- 1. one run: acknowledgements, and the draft because it is due ----------------------
files=(
	"$(e2e_mail mail-01-fub-servicebostad.eml "-2 19:42")"
	"$(e2e_mail mail-02-autism-tva-fragor.eml "-1 08:17")"
	"$(e2e_mail mail-03-dhr-skur-1.eml "-1 09:02")"
	"$(e2e_mail mail-04-dhr-skur-2.eml "-1 09:11")"
	"$(e2e_mail mail-05-neuro-franvaro.eml "-1 10:00")"
	"$(e2e_mail mail-06-studsning.eml "-1 10:30")"
	"$(e2e_mail mail-07-fub-nyhetsbrev.eml "-1 07:00")"
	"$(e2e_mail mail-08-okand-privatperson.eml "-1 20:37")"
	"$(e2e_mail mail-09-egen-adress.eml "-1 08:00")"
	"$(e2e_mail mail-10-funktionsratt-fientligt-amne.eml "-1 13:03")"
	"$(e2e_mail mail-11-rbu-fientligt-namn.eml "-1 21:12")"
	"$(e2e_mail mail-12-srf-langt-amne.eml now-120)"
)
load "${files[@]}"
ad once1 --once
expect_rc 0 $? "agendad --once (no send-draft)"
snap 1
N1=$(mail_count)
export N1

# every check of what the sink received, over the mails numbered FIRST..LAST
check_mail() { # check_mail TAG FIRST LAST
	pycheck "$T_DIR/log" "$@" <<'EOF'
import io, html.parser, xml.dom.minidom, zipfile
logd, tag, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
M, SECRETARY, COUNCIL = os.environ["M"], os.environ["SECRETARY"], os.environ["COUNCIL"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
DAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
dm = datetime.date.fromisoformat(M)
M_LONG = "%s %d %s %d" % (DAYS[dm.weekday()], dm.day, MONTHS[dm.month - 1], dm.year)
msgs, qs, outbox = (load("%s/%s-%s.out" % (logd, k, tag)) for k in ("messages", "questions", "outbox"))
all_out = mails()
out = [x for x in all_out if first <= int(x["file"][:6]) <= last]
row_of = {"<%s>" % r["message_id"]: r for r in outbox}

def raw_headers(raw):
    """[(name, value)] of the header block as sent, unfolded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    fields = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1][1] += line
        else:
            name, _, value = line.partition(":")
            fields.append([name, value])
    return fields

# every mail: RFC 5322 form, and no header that we did not mean to send
KNOWN = {"date", "from", "to", "subject", "message-id", "in-reply-to", "references",
         "auto-submitted", "x-auto-response-suppress", "mime-version", "content-language",
         "x-mailer", "content-type", "content-transfer-encoding"}
for x in out:
    raw, msg, what = x["raw"], x["msg"], "mail %s" % x["file"]
    ok(b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""),
       "%s: every line ends in CRLF" % what)
    longest = max(len(l) for l in raw.split(b"\r\n"))
    ok(longest <= 998, "%s: no line over 998 octets (longest %d)" % (what, longest))
    fields = raw_headers(raw)
    names = [n.strip().lower() for n, v in fields]
    ok(all(n in KNOWN for n in names), "%s: only the header fields agendad writes (got %s)"
       % (what, sorted(set(names) - KNOWN)))
    ok(all(names.count(h) == 1 for h in ("date", "from", "to", "subject", "message-id", "mime-version")),
       "%s: Date, From, To, Subject, Message-ID and MIME-Version once each" % what)
    ok(all(ord(c) < 128 for n, v in fields for c in n + v), "%s: the header is ASCII" % what)
    ok(len(x["meta"]["rcpt_tos"]) == 1, "%s: one envelope recipient (got %s)" % (what, x["meta"]["rcpt_tos"]))
    to = msg["To"].addresses
    ok(len(to) == 1 and to[0].addr_spec.lower() == x["meta"]["rcpt_tos"][0].lower(),
       "%s: To is the envelope recipient" % what)
    for h in ("Subject", "To", "From"):
        v = header(msg, h) or ""
        ok(not any(c in v for c in "\r\n\u2028\u2029\x00"), "%s: %s decodes to one line: %r" % (what, h, v[:120]))
    frm = msg["From"].addresses
    ok(len(frm) == 1 and frm[0].addr_spec == COUNCIL and frm[0].display_name == "LSS-samverkan",
       "%s: From is LSS-samverkan <%s> (got %s)" % (what, COUNCIL, msg["From"]))
    ok(msg["MIME-Version"] == "1.0", "%s: MIME-Version 1.0" % what)
    try:
        sent = email.utils.parsedate_to_datetime(msg["Date"])
        age = abs((datetime.datetime.now(datetime.timezone.utc) - sent).total_seconds())
    except Exception:
        sent, age = None, None
    ok(sent is not None and sent.tzinfo is not None and age < 600, "%s: Date is now, with a zone (%s)"
       % (what, msg["Date"]))
    row = row_of.get((msg["Message-ID"] or "").strip())
    if ok(row is not None, "%s: its Message-ID %s is an outbox row" % (what, msg["Message-ID"])):
        ok(norm(header(msg, "Subject")) == norm(row["subject"]),
           "%s: the subject decodes to what agendactl outbox says: %r" % (what, row["subject"][:100]))
        ok(row["status"] == "sent" and row["to"].lower() == x["meta"]["rcpt_tos"][0].lower(),
           "%s: the row is sent, to the same address" % what)
ok(len({x["msg"]["Message-ID"] for x in out}) == len(out), "every mail has its own Message-ID")

# acknowledgements
by_mid = {m["message_id"]: m for m in msgs}
acks = [x for x in out if x["meta"]["rcpt_tos"][0].lower() != SECRETARY]
for x in acks:
    msg, what = x["msg"], "acknowledgement %s to %s" % (x["file"], x["meta"]["rcpt_tos"][0])
    irt = (msg["In-Reply-To"] or "").strip()
    m = by_mid.get(irt.strip("<>"))
    if not ok(m is not None, "%s answers a stored message (In-Reply-To %s)" % (what, irt)):
        continue
    ok(m["status"] == "processed", "%s answers a processed message (got %s)" % (what, m["status"]))
    ok((msg["References"] or "").strip() == irt, "%s: References is the original's Message-ID" % what)
    ok(m["from"].lower() == x["meta"]["rcpt_tos"][0].lower(), "%s goes to the original's sender" % what)
    ok((msg.get("Auto-Submitted") or "").strip() == "auto-replied", "%s: Auto-Submitted: auto-replied" % what)
    subject = header(msg, "Subject")
    want = "SV: " + norm(" ".join(re.sub("[\u0000-\u001f\u007f\u2028\u2029]", " ", m["subject"]).split()))
    ok(norm(subject) == want, "%s: the subject is %r (got %r)" % (what, want[:100], subject[:100]))
    body = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
    ok(len(body) == 1 and body[0].get_content_charset() == "utf-8", "%s: one UTF-8 text/plain part" % what)
    t = norm(x["text"])
    ok("Tack för" in t and "automatisk bekräftelse" in t, "%s is the Swedish acknowledgement" % what)
    mine = [q for q in qs if q["message"] == m["id"]]
    ok(bool(mine), "%s: the message has questions" % what)
    for q in mine:
        ok(q["meeting"] == M and M_LONG in t, "%s names the meeting %s" % (what, M_LONG))
        ok(isinstance(q["item"], int) and "punkt 4.%d" % q["item"] in t,
           "%s names item 4.%s of question %d" % (what, q["item"], q["id"]))
        ok(norm(q["text"])[:60] in t, "%s quotes the question as understood" % what)
print("ACKS %d" % len(acks))
EOF
}

# the draft to the secretary: structure, text, HTML, .ics and .docx
check_draft() { # check_draft TAG FIRST LAST UPDATED(0|1) MUST_HOLD_FILE...
	pycheck "$T_DIR/log" "$@" <<'EOF'
import io, html, html.parser, xml.dom.minidom, zipfile
import docx
logd, tag, first, last, updated = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
M, SECRETARY = os.environ["M"], os.environ["SECRETARY"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
DAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
dm = datetime.date.fromisoformat(M)
M_LONG = "%s %d %s %d" % (DAYS[dm.weekday()], dm.day, MONTHS[dm.month - 1], dm.year)
qs = load("%s/questions-%s.out" % (logd, tag))
mine = [q for q in qs if q["meeting"] == M and q["status"] == "queued"]
out = [x for x in mails() if first <= int(x["file"][:6]) <= last]
to_sec = [x for x in out if x["meta"]["rcpt_tos"][0].lower() == SECRETARY]
pre = "Uppdaterad: " if updated else ""
agenda = [x for x in to_sec if (header(x["msg"], "Subject") or "").startswith(pre + "Dagordning")]
minutes = [x for x in to_sec if (header(x["msg"], "Subject") or "").startswith(pre + "Mötesanteckning")]
ok(len(agenda) == 1 and len(minutes) == 1 and len(to_sec) == 2,
   "one %sDagordning and one %sMötesanteckning to the secretary (got %s)"
   % (pre, pre, [header(x["msg"], "Subject") for x in to_sec]))
ok(bool(mine), "the meeting has questions")

class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.tags = [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
    def handle_data(self, data):
        self.parts.append(data)

def parts(msg):
    return [p for p in msg.walk() if not p.is_multipart()]

def common(x, kind):
    msg = x["msg"]
    what = "%s%s %s" % (pre, kind, x["file"])
    subject = header(msg, "Subject")
    ok("LSS-samverkan" in subject and M_LONG in subject, "%s: the subject names the council and %s: %r"
       % (what, M_LONG, subject))
    ok((msg.get("Auto-Submitted") or "").strip() == "auto-generated", "%s: Auto-Submitted: auto-generated" % what)
    ok(msg["To"].addresses[0].display_name == "Maria Ek", "%s: To is Maria Ek <%s>" % (what, SECRETARY))
    ok(msg.get_content_type() == "multipart/mixed", "%s is multipart/mixed (got %s)" % (what, msg.get_content_type()))
    alt = [p for p in msg.walk() if p.get_content_type() == "multipart/alternative"]
    ok(len(alt) == 1, "%s has one multipart/alternative" % what)
    inner = [p.get_content_type() for p in alt[0].iter_parts()] if alt else []
    ok(inner == ["text/plain", "text/html"], "%s: the alternative is text then HTML (got %s)" % (what, inner))
    plain = [p for p in parts(msg) if p.get_content_type() == "text/plain" and not p.is_attachment()]
    htmlp = [p for p in parts(msg) if p.get_content_type() == "text/html" and not p.is_attachment()]
    text = norm(plain[0].get_content()) if plain else ""
    ok(bool(plain) and plain[0].get_content_charset() == "utf-8", "%s: the text is UTF-8" % what)
    h = Text()
    if htmlp:
        ok(htmlp[0].get_content_charset() == "utf-8", "%s: the HTML is UTF-8" % what)
        h.feed(htmlp[0].get_content())
    htext = norm(" ".join(h.parts))
    ok("html" in h.tags and "body" in h.tags, "%s: the HTML has html and body" % what)
    for q in mine:
        ok(norm(q["text"]) in text, "%s: the text holds question %d: %.50s" % (what, q["id"], q["text"]))
        ok(norm(q["text"]) in htext, "%s: the HTML holds question %d" % (what, q["id"]))
    if updated and kind == "Dagordning":
        # the minutes skeleton is the secretary's working copy: its subject says it
        ok("UPPDATERAD" in text.upper(), "%s: the text says that it is updated" % what)
    atts = [p for p in parts(msg) if p.is_attachment()]
    return text, atts

if agenda:
    x = agenda[0]
    text, atts = common(x, "Dagordning")
    ok("Inkomna frågor från föreningar" in text and "Övriga frågor" in text,
       "the agenda has the headings of real minutes")
    ics = [p for p in atts if p.get_content_type() == "text/calendar"]
    if ok(len(ics) == 1 and (ics[0].get_filename() or "").endswith(".ics"),
          "the agenda carries one text/calendar .ics (got %s)" % [(p.get_content_type(), p.get_filename()) for p in atts]):
        raw = ics[0].get_payload(decode=True)
        ok(b"\n" not in raw.replace(b"\r\n", b"") and raw.endswith(b"\r\n"), ".ics: CRLF line ends")
        ok(max(len(l) for l in raw.split(b"\r\n")) <= 75, ".ics: no line over 75 octets (RFC 5545 3.1)")
        lines = raw.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
        ok(lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR", ".ics: one VCALENDAR")
        ok("VERSION:2.0" in lines and any(l.startswith("PRODID:") for l in lines), ".ics: VERSION and PRODID")
        for b in ("VTIMEZONE", "VEVENT", "STANDARD", "DAYLIGHT"):
            ok(lines.count("BEGIN:" + b) == 1 and lines.count("END:" + b) == 1, ".ics: one %s" % b)
        ok("TZID:Europe/Stockholm" in lines, ".ics: VTIMEZONE Europe/Stockholm")
        ev = lines[lines.index("BEGIN:VEVENT"):lines.index("END:VEVENT")] if "BEGIN:VEVENT" in lines else []
        day = M.replace("-", "")
        ok("DTSTART;TZID=Europe/Stockholm:%sT170000" % day in ev, ".ics: DTSTART;TZID=Europe/Stockholm:%sT170000 (got %s)"
           % (day, [l for l in ev if l.startswith("DTSTART")]))
        ok("DTEND;TZID=Europe/Stockholm:%sT190000" % day in ev, ".ics: DTEND at 19:00")
        ok(any(l.startswith("UID:") for l in ev) and any(l.startswith("DTSTAMP:") and l.endswith("Z") for l in ev),
           ".ics: UID and a UTC DTSTAMP")
        loc = [l.split(":", 1)[1] for l in ev if l.startswith("LOCATION")]
        ok(loc == ["Stadshuset\\, sal Ljusnan"], ".ics: LOCATION with its comma escaped (got %s)" % loc)
        ok(any(l.startswith("SUMMARY") and "LSS-samverkan" in l for l in ev), ".ics: SUMMARY names the council")

if minutes:
    x = minutes[0]
    text, atts = common(x, "Mötesanteckning")
    ok("Närvarande representanter från föreningar" in text, "the minutes skeleton lists who was there")
    dx = [p for p in atts if (p.get_filename() or "").endswith(".docx")]
    if ok(len(dx) == 1, "the minutes carry one .docx (got %s)" % [p.get_filename() for p in atts]):
        p = dx[0]
        ok(p.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".docx: its content type is WordprocessingML (got %s)" % p.get_content_type())
        ok("Mötesanteckning" in p.get_filename(), ".docx: the file name decodes to Swedish: %r" % p.get_filename())
        data = p.get_payload(decode=True)
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
            bad = z.testzip()
            names = z.namelist()
        except Exception as e:
            z, bad, names = None, str(e), []
        ok(z is not None and bad is None, ".docx: a valid zip (%s)" % bad)
        ok({"[Content_Types].xml", "word/document.xml", "_rels/.rels"} <= set(names),
           ".docx: has [Content_Types].xml, _rels/.rels and word/document.xml (got %s)" % names)
        doc_text = ""
        if "word/document.xml" in names:
            try:
                dom = xml.dom.minidom.parseString(z.read("word/document.xml"))
                paras = []
                for para in dom.getElementsByTagName("w:p"):
                    paras.append("".join(t.firstChild.data if t.firstChild else ""
                                         for t in para.getElementsByTagName("w:t")))
                doc_text = norm(" ".join(paras))
                ok(True, ".docx: word/document.xml is well-formed XML")
            except Exception as e:
                ok(False, ".docx: word/document.xml is not well-formed: %s" % e)
        for name in names:
            if name.endswith(".xml") or name.endswith(".rels"):
                try:
                    xml.dom.minidom.parseString(z.read(name))
                except Exception as e:
                    ok(False, ".docx: %s is not well-formed: %s" % (name, e))
        ok("MÖTESANTECKNING" in doc_text.upper(), ".docx: it is a mötesanteckning")
        for q in mine:
            ok(norm(q["text"]) in doc_text, ".docx: document.xml holds question %d: %.50s" % (q["id"], q["text"]))
        try:
            d = docx.Document(io.BytesIO(data))
            ptext = norm(" ".join(par.text for par in d.paragraphs) + " " +
                         " ".join(c.text for t in d.tables for r in t.rows for c in r.cells))
            styles = {par.style.name for par in d.paragraphs}
            ok(True, ".docx: python3-docx opens it")
            ok(all(norm(q["text"]) in ptext for q in mine), ".docx: python3-docx reads every question")
            ok(any(s.startswith("Heading") or s == "Title" for s in styles),
               ".docx: it uses real heading styles (got %s)" % sorted(styles))
        except Exception as e:
            ok(False, ".docx: python3-docx cannot open it: %s: %s" % (type(e).__name__, e))
EOF
}

check_mail 1 1 "$N1"
check_draft 1 1 "$N1" 0
pycheck "$T_DIR/log" <<'EOF'
logd = sys.argv[1]
msgs = load(logd + "/messages-1.out")
out = mails()
st = {m["message_id"]: m["status"] for m in msgs}
for mid, want, what in (("GV0P278MB0718D4F6A8C0E2B4D6F8A0C2E4F6A@GV0P278MB0718.CHEP278.PROD.OUTLOOK.EXAMPLE", "auto-reply", "the out-of-office reply"),
                        ("20261120081502.4Rq6Ii0Jj1z9tPp@smtp.dhr-exempelstad.example", "bounce", "the bounce"),
                        ("1122334455.6677889.1763650000111@mail.webbmejl.example", "unknown-sender", "the private person's mail")):
    ok(st.get(mid) == want, "%s has status %s (got %s)" % (what, want, st.get(mid)))
for mid, what in (("nb.2026-11.84213.lss-samverkan=exempelstad.example@nyhetsbrevtjanst.example", "the newsletter (List-Id)"),
                  ("EX01MB4471C2E4A6B8D0F2A4C6E8B0D2F4A@exch01.exempelstad.example", "the council's own mail")):
    ok(st.get(mid) not in (None, "processed"), "%s is not taken for a question mail (got %s)" % (what, st.get(mid)))
NEVER = ["asa.lindgren@neuro-exempelstad.example", "mailer-daemon@dhr-exempelstad.example",
         "nyhetsbrev@fubexempelstad.example", "info@fubexempelstad.example",
         "lars.pettersson61@webbmejl.example", os.environ["COUNCIL"]]
for addr in NEVER:
    got = [x["file"] for x in out if addr in [r.lower() for r in x["meta"]["rcpt_tos"]]
           or addr in str(x["msg"]["To"]).lower()]
    ok(not got, "no mail to %s (got %s)" % (addr, got))
d2 = datetime.date.fromisoformat(os.environ["M2"])
m2 = "%d %s %d" % (d2.day, ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                            "september", "oktober", "november", "december"][d2.month - 1], d2.year)
ok(not [x for x in out if m2 in (header(x["msg"], "Subject") or "")],
   "no draft for %s, which is 6 days ahead (draft_days 5)" % os.environ["M2"])
dhr = [x for x in out if "marianne.aberg@dhr-exempelstad.example" in x["meta"]["rcpt_tos"]]
ok(len(dhr) == 1, "two mails in a burst from one address: one acknowledgement now (got %d)" % len(dhr))
if dhr:
    ok("7E1C0B2A-5D4F-4A8E-9B3C-2F6D8E0A1C35" in (dhr[0]["msg"]["In-Reply-To"] or ""),
       "it acknowledges the first of the two")
acks = [x for x in out if x["meta"]["rcpt_tos"][0] != os.environ["SECRETARY"]]
ok(len(acks) == 6, "six acknowledgements: FUB, Autism, DHR once, Funktionsrätt, RBU, SRF (got %s)"
   % sorted(x["meta"]["rcpt_tos"][0] for x in acks))
# the hostile ones: answered, with the sender's address and nothing else
for addr, what in (("ordforande@funktionsratt-exempelstad.example", "the subject with CR LF and Bcc:"),
                   ("rbuexempelstad@webbmejl.example", "the display name with CR LF and Bcc:")):
    a = [x for x in acks if x["meta"]["rcpt_tos"] == [addr]]
    if ok(len(a) == 1, "%s is acknowledged, to %s only" % (what, addr)):
        raw = a[0]["raw"].split(b"\r\n\r\n", 1)[0]
        ok(not re.search(rb"(?im)^(bcc|cc|x-injected)\s*:", raw), "%s: no injected header" % what)
        ok(a[0]["msg"]["To"].addresses[0].addr_spec == addr, "%s: To is %s" % (what, addr))
srf = [x for x in acks if x["meta"]["rcpt_tos"] == ["gunnel.backstrom@srf-exempelstad.example"]]
if ok(len(srf) == 1, "the mail with a very long subject is acknowledged"):
    s = header(srf[0]["msg"], "Subject")
    ok(s.startswith("SV: Fråga till LSS-samverkan om ledsagarservice") and s.endswith("störst för föräldrarna"),
       "its whole subject comes back, encoded and folded (%d characters)" % len(s))
EOF

# ---- 2. nothing new: nothing sent, the draft not again ------------------------------------
ad once2 --once
expect_rc 0 $? "agendad --once with nothing new"
if [ "$(mail_count)" = "$N1" ]; then
	pass "a second --once sends nothing: the draft goes out once"
else
	fail "a second --once sent $(($(mail_count) - N1)) more mail(s)"
fi

# ---- 3. a late question: an updated draft -------------------------------------------------
# An update goes out at most once a day, counting the first draft: the draft is made to
# have gone out yesterday by editing the database (a test may; agendad never needs to).
sqlite3 "$T_DIR/agendad.db" \
	"UPDATE meetings SET draft_sent = draft_sent - 86400 WHERE date = '$M' AND draft_sent IS NOT NULL" ||
	fatal "sqlite3 could not move draft_sent back a day"
load "$(e2e_mail mail-13-attention-sen-fraga.eml now-5)"
ad once3 --once
expect_rc 0 $? "agendad --once with a late question"
snap 3
N3=$(mail_count)
check_mail 3 $((N1 + 1)) "$N3"
check_draft 3 $((N1 + 1)) "$N3" 1
pycheck "$N1" "$N3" <<'EOF'
n1, n3 = int(sys.argv[1]), int(sys.argv[2])
new = [x for x in mails() if n1 < int(x["file"][:6]) <= n3]
ok(len(new) == 3, "the late question: its acknowledgement and the updated agenda and minutes (got %s)"
   % [header(x["msg"], "Subject") for x in new])
EOF

# ---- 4. another late question the same day: no second update ------------------------------
load "$(e2e_mail mail-14-neuro-sen-fraga.eml now-3)"
ad once4 --once
expect_rc 0 $? "agendad --once with a second late question"
snap 4
N4=$(mail_count)
check_mail 4 $((N3 + 1)) "$N4"
pycheck "$N3" "$N4" <<'EOF'
n3, n4 = int(sys.argv[1]), int(sys.argv[2])
new = [x for x in mails() if n3 < int(x["file"][:6]) <= n4]
ok([x["meta"]["rcpt_tos"] for x in new] == [["info@neuro-exempelstad.example"]],
   "a second late question the same day: only its acknowledgement, no second update (got %s)"
   % [header(x["msg"], "Subject") for x in new])
EOF

t_done

#!/usr/bin/env bash
# t_pipeline.sh - the whole pipeline, end to end, on real servers (issue 3, "## Tests").
#
# Real Dovecot and the real SMTP sink (tests/harness/mailserver.sh), the real agendad and
# agendactl from $AGENDAD_BUILD. Runs twice: over IMAPS, and over IMAP with STARTTLS on
# 127.0.0.2, where Dovecot refuses LOGIN before STARTTLS. Each run loads
# config/examples/*.eml, whose expected outcome is config/examples/expected.tsv, and checks
# through `agendactl --json` and the mail the sink received:
#   - every message's status, sender, subject and arrival time, and every question's
#     association, status, text and meeting (first meeting whose cutoff is on or after
#     the day it arrived), meetings from `meeting add` and from [meeting] in the config;
#   - the unknown sender held, the auto-reply recorded and never acknowledged;
#   - one acknowledgement per processed mail, to its sender, threaded (In-Reply-To),
#     RFC 5322 correct, over TLS with AUTH; nothing else leaves before send-draft;
#   - a mail loaded later is imported by the next --once, and a --once with nothing new
#     imports, changes and sends nothing;
#   - send-draft: the draft agenda to the secretary holds every question of its meeting
#     and none of another meeting's.
# T_MODES="imaps" runs one mode only.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init pipeline
EXAMPLES=$T_ROOT/config/examples
SECRETARY=sekreterare@exempelstad.example

# check_intake MODE TAG: messages, questions and meetings against every expected.tsv
# given as DIR (expected.tsv beside its .eml files)
check_intake() {
	local mode=$1 tag=$2
	shift 2
	pycheck "$mode" "$T_DIR/log/$mode-messages-$tag.out" "$T_DIR/log/$mode-questions-$tag.out" \
		"$T_DIR/log/$mode-meetings-$tag.out" "$@" <<'EOF'
mode, mf, qf, mtf = sys.argv[1:5]
dirs = sys.argv[5:]
CATEGORIES = {"boende", "daglig-verksamhet", "korttid", "assistans-stod", "handlaggning",
              "ekonomi", "personal-kompetens", "halsa-vard", "fritid-kultur", "resor",
              "digitalisering", "kvalitet-tillsyn", "samverkan-delaktighet", "barn-skola",
              "ovrigt"}
# what extraction must have dropped: quoted call, greetings, signatures, forward headers
NOT_IN_QUESTIONS = ["nu är det dags att skicka in", "hälsning", "skickat från min iphone",
                    "org.nr", "vidarebefordrat meddelande", "skrev lss-samverkan", "skickat:"]
msgs, qs, mts = load(mf), load(qf), load(mtf)
ok(isinstance(msgs, list) and isinstance(qs, list) and isinstance(mts, list),
   "%s: messages, questions and meeting list --json print JSON arrays" % mode)

def strip_id(s):
    return (s or "").strip().strip("<>")

expected = []
for d in dirs:
    for line in open(os.path.join(d, "expected.tsv"), encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if not line.strip() or line.startswith("#") or f[0] == "file":
            continue
        raw = open(os.path.join(d, f[0]), "rb").read()
        m = email.message_from_bytes(raw, policy=policy.default)
        expected.append(dict(file=f[0], status=f[1], association=None if f[2] == "-" else f[2],
                             n=int(f[3]), phrases=[] if f[4] == "-" else f[4].split("|"),
                             message_id=strip_id(m["Message-ID"]),
                             sender=m["From"].addresses[0].addr_spec.lower(),
                             subject=norm(header(m, "Subject")),
                             date=email.utils.parsedate_to_datetime(m["Date"])))
ok(len(msgs) == len(expected), "%s: %d messages stored, one per mail in the mailbox (want %d)"
   % (mode, len(msgs), len(expected)))
fields = {"id", "message_id", "from", "subject", "received", "status", "reason", "questions"}
ok(all(fields <= set(m) for m in msgs), "%s: every message has the fields of DESIGN.md" % mode)

cutoffs = sorted((m["date"], m["cutoff"]) for m in mts)
def meeting_for(received):
    day = local_day(received)
    for date, cutoff in cutoffs:
        if cutoff >= day:
            return date
    return None

by_mid = {strip_id(m.get("message_id")): m for m in msgs}
for e in expected:
    f = e["file"]
    m = by_mid.get(e["message_id"])
    if not ok(m is not None, "%s: %s is stored under its Message-ID" % (mode, f)):
        continue
    ok(m["status"] == e["status"], "%s: %s has status %s (got %s, reason %s)"
       % (mode, f, e["status"], m["status"], m.get("reason")))
    ok(m["questions"] == e["n"], "%s: %s has %d question(s) (got %s)" % (mode, f, e["n"], m["questions"]))
    ok(e["sender"] in (m["from"] or "").lower(), "%s: %s: from is %s (got %s)" % (mode, f, e["sender"], m["from"]))
    ok(norm(m["subject"]) == e["subject"], "%s: %s: subject decoded to %r (got %r)"
       % (mode, f, e["subject"], m["subject"]))
    try:
        got = datetime.datetime.fromisoformat(m["received"].replace("Z", "+00:00"))
        delta = abs((got - e["date"]).total_seconds())
    except Exception:
        delta = None
    ok(delta is not None and delta < 1.5, "%s: %s: received is the INTERNALDATE %s (got %s)"
       % (mode, f, e["date"].isoformat(), m["received"]))
    if e["status"] == "unknown-sender":
        ok(bool(m.get("reason")), "%s: %s: a held message says why (reason)" % (mode, f))
    mq = [q for q in qs if q.get("message_id") == m["id"] or strip_id(str(q.get("message_id"))) == e["message_id"]]
    ok(len(mq) == e["n"], "%s: %s: %d question(s) listed by questions --json (got %d)" % (mode, f, e["n"], len(mq)))
    for q in mq:
        qid = "%s: %s question %s" % (mode, f, q.get("id"))
        ok(q.get("association") == e["association"], "%s is from association %r (got %r)"
           % (qid, e["association"], q.get("association")))
        ok(q.get("category") in CATEGORIES, "%s has a category id of DESIGN.md (got %r)" % (qid, q.get("category")))
        ok(bool(norm(q.get("title"))) and bool(norm(q.get("text"))), "%s has a title and a text" % qid)
        low = norm(q.get("text")).lower()
        bad = [p for p in NOT_IN_QUESTIONS if p in low]
        ok(not bad, "%s holds no quote, greeting or signature (found %s)" % (qid, bad))
        ok(q.get("received") is not None and local_day(q["received"]) == local_day(m["received"]),
           "%s has the message's arrival day" % qid)
        if e["status"] == "processed":
            want = meeting_for(m["received"])
            ok(q.get("status") == "queued", "%s is queued (got %s)" % (qid, q.get("status")))
            ok(q.get("meeting") == want, "%s is under meeting %s, the first whose cutoff is on or after %s (got %s)"
               % (qid, want, local_day(m["received"]), q.get("meeting")))
            ok(isinstance(q.get("item"), int), "%s is an agenda item (got %r)" % (qid, q.get("item")))
        else:
            ok(q.get("status") == "held", "%s is held (got %s)" % (qid, q.get("status")))
            ok(q.get("item") is None, "%s is not on an agenda (item %r)" % (qid, q.get("item")))
    texts = [norm(q.get("text")).lower() for q in mq]
    for p in e["phrases"]:
        hits = [t for t in texts if norm(p).lower() in t]
        ok(len(hits) == 1, "%s: %s: exactly one question contains %r (%d do)" % (mode, f, p, len(hits)))
ok(len({q.get("id") for q in qs}) == len(qs), "%s: question ids are unique" % mode)
ok(all(q.get("message_id") in {m["id"] for m in msgs} or strip_id(str(q.get("message_id"))) in by_mid for q in qs),
   "%s: every question belongs to a stored message" % mode)

# meetings: the ones from `meeting add` and the one from [meeting] in the config
want_meetings = json.loads(os.environ["WANT_MEETINGS"])
for date, (time, end, place) in sorted(want_meetings.items()):
    m = [x for x in mts if x.get("date") == date]
    if not ok(len(m) == 1, "%s: meeting %s listed once by meeting list --json" % (mode, date)):
        continue
    m = m[0]
    ok((m.get("time"), m.get("end"), m.get("place")) == (time, end, place),
       "%s: meeting %s is at %s-%s in %r (got %s-%s in %r)" % (mode, date, time, end, place,
       m.get("time"), m.get("end"), m.get("place")))
    cut = (datetime.date.fromisoformat(date) - datetime.timedelta(days=7)).isoformat()
    ok(m.get("cutoff") == cut, "%s: meeting %s has cutoff %s, 7 days before (got %s)" % (mode, date, cut, m.get("cutoff")))
    items = {q["item"] for q in qs if q.get("meeting") == date and q.get("status") == "queued"}
    ok(m.get("items") == len(items), "%s: meeting %s has %d agenda item(s) (got %s)" % (mode, date, len(items), m.get("items")))
ok(len(mts) == len(want_meetings), "%s: %d meetings (got %d)" % (mode, len(want_meetings), len(mts)))
EOF
}

# check_per_meeting MODE TAG DATE...: `questions --meeting DATE --json` lists exactly the
# queued questions that `questions --json` puts under DATE
check_per_meeting() {
	local mode=$1 tag=$2 date rc
	shift 2
	for date in "$@"; do
		actl "$mode-questions-$tag-$date" questions --meeting "$date" --json
		rc=$?
		expect_rc 0 $rc "$mode: agendactl questions --meeting $date --json"
		[ $rc = 0 ] || continue
		pycheck "$mode" "$date" "$T_DIR/log/$mode-questions-$tag.out" \
			"$T_DIR/log/$mode-questions-$tag-$date.out" <<'EOF'
mode, date, allf, onef = sys.argv[1:5]
want = sorted(q["id"] for q in load(allf) if q.get("meeting") == date and q.get("status") == "queued")
got = sorted(q["id"] for q in load(onef))
ok(got == want, "%s: questions --meeting %s lists its %d question(s) (got %d)" % (mode, date, len(want), len(got)))
EOF
	done
}

# check_acks MODE TAG DIR...: one acknowledgement per processed message, and no other mail
# than acknowledgements and mail to the secretary (no Dagordning yet)
check_acks() {
	local mode=$1 tag=$2
	shift 2
	pycheck "$mode" "$T_DIR/log/$mode-messages-$tag.out" "$T_DIR/log/$mode-questions-$tag.out" \
		"$@" <<'EOF'
mode, mf, qf = sys.argv[1:4]
SECRETARY = os.environ["SECRETARY"]
msgs, qs = load(mf), load(qf)
senders = {}
for d in sys.argv[4:]:
    for f in glob.glob(os.path.join(d, "*.eml")):
        m = email.message_from_bytes(open(f, "rb").read(), policy=policy.default)
        senders[m["Message-ID"].strip().strip("<>")] = m["From"].addresses[0].addr_spec.lower()
out = mails()
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
def acks_for(mid):
    return [x for x in out if "<%s>" % mid in (x["msg"].get("In-Reply-To") or "")]
acked = set()
for m in msgs:
    mid = (m.get("message_id") or "").strip("<>")
    sender = senders.get(mid, "?")
    a = acks_for(mid)
    if m["status"] != "processed" or m["questions"] == 0:
        # nothing to acknowledge in a mail without questions (an attendance notice)
        ok(not a, "%s: no acknowledgement for the %s message %s with %d question(s)"
           % (mode, m["status"], mid, m["questions"]))
        if m["status"] != "processed":
            ok(not [x for x in out if sender in [r.lower() for r in x["meta"]["rcpt_tos"]]],
               "%s: no mail at all to %s (%s)" % (mode, sender, m["status"]))
        continue
    if not ok(len(a) == 1, "%s: one acknowledgement for %s (got %d)" % (mode, mid, len(a))):
        continue
    x = a[0]
    acked.add(x["file"])
    msg, meta, raw = x["msg"], x["meta"], x["raw"]
    what = "%s: acknowledgement %s of %s" % (mode, x["file"], mid)
    ok([r.lower() for r in meta["rcpt_tos"]] == [sender], "%s goes to %s (got %s)" % (what, sender, meta["rcpt_tos"]))
    ok(msg["To"] is not None and sender in str(msg["To"]).lower(), "%s: To names %s" % (what, sender))
    ok(msg["From"] is not None and "lss-samverkan@exempelstad.example" in str(msg["From"]).lower(),
       "%s: From is the council's address" % what)
    ok((msg.get("Auto-Submitted") or "").strip().lower().startswith("auto-replied"),
       "%s: Auto-Submitted: auto-replied (got %r)" % (what, msg.get("Auto-Submitted")))
    ok(meta["tls"] is True and meta["auth_user"] == os.environ["MAIL_LOGIN"],
       "%s: sent over TLS after AUTH (tls %s, auth %s)" % (what, meta["tls"], meta["auth_user"]))
    ok(all(msg.get(h) for h in ("Date", "Message-ID", "MIME-Version", "Subject")),
       "%s has Date, Message-ID, MIME-Version and Subject" % what)
    ok(b"\n" not in raw.replace(b"\r\n", b"") and max(len(l) for l in raw.split(b"\r\n")) <= 998,
       "%s has CRLF line ends only and lines under 998 octets" % what)
    ok(all(ord(c) < 128 for c in raw.split(b"\r\n\r\n")[0].decode("latin-1")),
       "%s: the header is ASCII (RFC 2047 for the rest)" % what)
    body = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
    ok(bool(body) and body[0].get_content_charset() == "utf-8" and bool(x["text"].strip()),
       "%s has a UTF-8 text/plain body" % what)
    for date in sorted({q["meeting"] for q in qs if (q.get("message_id") == m["id"] or
                        str(q.get("message_id")).strip("<>") == mid) and q.get("meeting")}):
        d = datetime.date.fromisoformat(date)
        forms = [date, "%d %s" % (d.day, MONTHS[d.month - 1])]
        ok(any(f in x["text"] for f in forms), "%s names the meeting %s" % (what, date))
others = [x for x in out if x["file"] not in acked]
ok(all(SECRETARY in [r.lower() for r in x["meta"]["rcpt_tos"]] for x in others),
   "%s: every other mail goes to the secretary (%s)" % (mode, [(x["file"], x["meta"]["rcpt_tos"]) for x in others]))
ok(not [x for x in others if (header(x["msg"], "Subject") or "").startswith("Dagordning")],
   "%s: no draft agenda goes out before it is due or asked for" % mode)
ids = [x["msg"].get("Message-ID") for x in out]
ok(len(set(ids)) == len(ids), "%s: every mail sent has its own Message-ID" % mode)
EOF
}

# check_draft MODE TAG DATE FIRSTFILE [NOTE]: the mails from FIRSTFILE on hold one draft
# agenda (Dagordning) for meeting DATE to the secretary, with every queued question of DATE and
# none of the other meetings'; NOTE "+TEXT": the secretary's part holds TEXT under
# "Meddelanden till sekreteraren", "-TEXT": the draft does not hold TEXT
check_draft() {
	local mode=$1 tag=$2 date=$3 first=$4 note=${5:-}
	pycheck "$mode" "$date" "$first" "$T_DIR/log/$mode-questions-$tag.out" "$note" <<'EOF'
mode, date, first, qf, note = sys.argv[1:6]
SECRETARY = os.environ["SECRETARY"]
qs = load(qf)
new = [x for x in mails() if x["file"] >= first]
drafts = [x for x in new if SECRETARY in [r.lower() for r in x["meta"]["rcpt_tos"]]
          and (header(x["msg"], "Subject") or "").startswith("Dagordning")]
if ok(len(drafts) == 1, "%s: send-draft %s: one Dagordning to the secretary (got %d of %d new mails)"
      % (mode, date, len(drafts), len(new))):
    x = drafts[0]
    msg, text = x["msg"], norm(x["text"])
    # the agenda proper; a review part for the secretary (held mail, questions to
    # check, from any meeting) may follow it
    agenda = text.split("FÖR SEKRETERAREN")[0]
    what = "%s: draft %s (%s)" % (mode, date, x["file"])
    ok("lss-samverkan@exempelstad.example" in str(msg["From"]).lower(), "%s: From is the council" % what)
    ok(SECRETARY in str(msg["To"]).lower(), "%s: To is the secretary" % what)
    ok((msg.get("Auto-Submitted") or "").strip().lower().startswith("auto-generated"),
       "%s: Auto-Submitted: auto-generated (got %r)" % (what, msg.get("Auto-Submitted")))
    ok(x["meta"]["tls"] is True, "%s went over TLS" % what)
    ok(b"\n" not in x["raw"].replace(b"\r\n", b""), "%s has CRLF line ends only" % what)
    ok("Inkomna frågor från föreningar" in agenda, "%s has the heading 'Inkomna frågor från föreningar'" % what)
    MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    d = datetime.date.fromisoformat(date)
    ok(date in text or "%d %s" % (d.day, MONTHS[d.month - 1]) in text, "%s names the meeting date" % what)
    mine = [q for q in qs if q.get("meeting") == date and q.get("status") == "queued"]
    ok(bool(mine), "%s: the meeting has questions to show" % what)
    for q in mine:
        ok(norm(q["text"]) in agenda, "%s holds question %s: %.60s..." % (what, q["id"], norm(q["text"])))
        ok(q["association"] in agenda, "%s names %s" % (what, q["association"]))
    for q in qs:
        if q.get("status") == "queued" and q.get("meeting") not in (None, date):
            ok(norm(q["text"]) not in agenda, "%s leaves out question %s of meeting %s" % (what, q["id"], q["meeting"]))
    if note.startswith("+"):
        review = text.split("Meddelanden till sekreteraren:")[1:]
        ok(bool(review) and norm(note[1:]) in review[0].split("Frågor att titta på")[0],
           "%s: the secretary's part holds the note '%s'" % (what, note[1:]))
    elif note.startswith("-"):
        ok(norm(note[1:]) not in text, "%s leaves out the note '%s'" % (what, note[1:]))
alltext = " ".join([header(x["msg"], "Subject") or "" for x in new] + [x["text"] for x in new] +
                   [p.get_filename() or "" for x in new for p in x["msg"].walk()])
ok("Mötesanteckning" in alltext or "mötesanteckning" in alltext.lower(),
   "%s: send-draft %s also sends the minutes skeleton (Mötesanteckning)" % (mode, date))
EOF
}

# snapshot MODE TAG: messages, questions and meetings as JSON into the log directory
snapshot() {
	local mode=$1 tag=$2 rc
	actl "$mode-messages-$tag" messages --json
	rc=$?
	actl "$mode-questions-$tag" questions --json || rc=$?
	actl "$mode-meetings-$tag" meeting list --json || rc=$?
	expect_rc 0 $rc "$mode: agendactl messages, questions and meeting list --json ($tag)"
}

# same_state MODE TAG1 TAG2: nothing stored changed between two snapshots (in the fields
# of DESIGN.md: others, such as when a draft went out, may change)
same_state() {
	pycheck "$@" "$T_DIR/log" <<'EOF'
mode, a, b, logd = sys.argv[1:5]
FIELDS = {"messages": ["id", "message_id", "from", "subject", "received", "status", "reason", "questions"],
          "questions": ["id", "message_id", "association", "category", "meeting", "item", "title",
                        "text", "status", "duplicate_of", "received"],
          "meetings": ["date", "time", "end", "place", "cutoff", "items"]}
for kind in ("messages", "questions", "meetings"):
    x = load(os.path.join(logd, "%s-%s-%s.out" % (mode, kind, a)))
    y = load(os.path.join(logd, "%s-%s-%s.out" % (mode, kind, b)))
    key = lambda r: json.dumps([r.get(f) for f in FIELDS[kind]])
    ok(sorted(map(key, x)) == sorted(map(key, y)), "%s: %s unchanged from %s to %s" % (mode, kind, a, b))
EOF
}

# new_mail DIR: one more question mail from FUB, dated a few minutes ago, with an
# interpreter request for the next meeting (a note for the secretary) and its
# expected.tsv: arrives after the first import, goes to the meeting whose cutoff is ahead.
# From an address that has had no acknowledgement yet: agendad sends at most one an hour
# to the same address (the rest wait).
new_mail() {
	mkdir -p "$1"
	"$PY" - "$1" <<'EOF'
import datetime, email.utils, os, sys, uuid
d = sys.argv[1]
t = datetime.datetime.now().astimezone() - datetime.timedelta(minutes=5)
date = email.utils.format_datetime(t.replace(microsecond=0))
body = ("Hej!\n\nEn fråga till till nästa möte från FUB Exempelstad.\n\n"
        "Från FUB kommer jag och Eva Holm. Eva behöver teckentolk, kan ni boka det till "
        "mötet?\n\n"
        "Varför har korttidstillsynen för skolungdomar över 12 år på Björkskolan minskat från "
        "fem till tre eftermiddagar i veckan, och vilka alternativ erbjuds familjerna som "
        "arbetar heltid?\n\nMed vänlig hälsning\nMats Lindberg\nSekreterare, FUB Exempelstad\n")
head = ("From: Mats Lindberg <mats.lindberg@fubexempelstad.example>\n"
        "To: LSS-samverkan <lss-samverkan@exempelstad.example>\n"
        "Subject: =?UTF-8?Q?Korttidstillsyn_f=C3=B6r_ungdomar_=C3=B6ver_12_=C3=A5r?=\n"
        "Date: %s\nMessage-ID: <%s@fubexempelstad.example>\nMIME-Version: 1.0\n"
        "User-Agent: Mozilla Thunderbird\n"
        "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
        "Content-Transfer-Encoding: 8bit\n\n" % (date, uuid.uuid4()))
with open(os.path.join(d, "fresh.eml"), "wb") as f:
    f.write((head + body).replace("\n", "\r\n").encode("utf-8"))
# an attendance notice and its needs from another association: no question, no
# acknowledgement, the notes for the secretary
notice = ("Hej Karin,\n\nFrån RBU kommer jag och Jonas Berg på mötet. Jonas använder "
          "rullstol och vi behöver en parkeringsplats nära entrén.\n\nHälsningar\n"
          "Lena Ek\nRBU Exempelstad\n")
head2 = ("From: Lena Ek <rbuexempelstad@webbmejl.example>\n"
         "To: LSS-samverkan <lss-samverkan@exempelstad.example>\n"
         "Subject: =?UTF-8?Q?Anm=C3=A4lan_till_m=C3=B6tet?=\n"
         "Date: %s\nMessage-ID: <%s@rbuexempelstad.example>\nMIME-Version: 1.0\n"
         "Content-Type: text/plain; charset=UTF-8\n"
         "Content-Transfer-Encoding: 8bit\n\n" % (date, uuid.uuid4()))
with open(os.path.join(d, "notice.eml"), "wb") as f:
    f.write((head2 + notice).replace("\n", "\r\n").encode("utf-8"))
with open(os.path.join(d, "expected.tsv"), "w", encoding="utf-8") as f:
    f.write("fresh.eml\tprocessed\tFUB Exempelstad\t1\tkorttidstillsynen för skolungdomar\n")
    f.write("notice.eml\tprocessed\tRBU Exempelstad\t0\t-\n")
EOF
}

scenario() {
	local mode=$1 rc url starttls n_before n_after first
	echo "# --- $mode ---"
	if [ "$mode" = imaps ]; then
		mail_start "$mode-mail"
	else
		# on 127.0.0.2 Dovecot refuses LOGIN before STARTTLS (FACTS.md 7)
		mail_start "$mode-mail" MAILSERVER_HOST=127.0.0.2
	fi
	mail_use "$mode-mail"
	if [ "$mode" = imaps ]; then url=$IMAPS_URL starttls=no; else url=$IMAP_URL starttls=yes; fi
	# M0's cutoff is 4 days ago: older mail goes to M0, newer to M1. The draft of M0 is
	# due only tomorrow (draft_days 2), so nothing is sent before send-draft.
	local m0 m1 m2
	m0=$(day_plus 3) m1=$(day_plus 21) m2=$(day_plus 60)
	write_conf "$T_DIR/$mode/agendad.conf" IMAP_URL="$url" IMAP_STARTTLS=$starttls \
		CUTOFF_DAYS=7 DRAFT_DAYS=2
	printf '\n[meeting %s]\ntime = 18:00\nend = 20:00\nplace = Kommunhuset, sal Dalälven\n' \
		"$m2" >>"$CONF"
	export WANT_MEETINGS MAIL_LOGIN SMTP_OUT SECRETARY
	WANT_MEETINGS=$("$PY" -c 'import json, sys
print(json.dumps({sys.argv[1]: ["17:00", "19:00", "Stadshuset, sal Ljusnan"],
                  sys.argv[2]: ["13:00", "15:30", "Träffpunkten, Storgatan 3"],
                  sys.argv[3]: ["18:00", "20:00", "Kommunhuset, sal Dalälven"]}))' "$m0" "$m1" "$m2")

	ad "$mode-check" -n
	rc=$?
	expect_rc 0 $rc "$mode: agendad -n accepts the test config"
	if grep -q 'configuration OK' "$T_DIR/log/$mode-check.log"; then
		pass "$mode: agendad -n says configuration OK"
	else
		fail "$mode: agendad -n does not say 'configuration OK'"
	fi
	[ $rc = 0 ] || fatal "$mode: the config is refused; nothing else can work"

	actl "$mode-meeting-m0" meeting add "$m0" 17:00 --end 19:00 --place "Stadshuset, sal Ljusnan"
	expect_rc 0 $? "$mode: agendactl meeting add $m0"
	actl "$mode-meeting-m1" meeting add "$m1" 13:00 --end 15:30 --place "Träffpunkten, Storgatan 3"
	expect_rc 0 $? "$mode: agendactl meeting add $m1"

	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/$mode-mail" INBOX "$EXAMPLES"/*.eml ||
		fatal "$mode: could not load the examples"
	ad "$mode-once1" --once
	expect_rc 0 $? "$mode: agendad --once imports the examples"
	if grep -q "Login: user=<$MAIL_LOGIN>.*, TLS" "$DOVECOT_LOG"; then
		pass "$mode: Dovecot logged agendad's login over TLS"
	else
		fail "$mode: no login over TLS in Dovecot's log"
	fi
	if [ "$(bash "$T_HARNESS/mailserver.sh" count "$T_DIR/$mode-mail" INBOX unseen)" = 0 ]; then
		pass "$mode: every imported message is \\Seen on the server"
	else
		fail "$mode: unseen messages are left on the server after the import"
	fi

	snapshot "$mode" 1
	check_intake "$mode" 1 "$EXAMPLES"
	check_per_meeting "$mode" 1 "$m0" "$m1" "$m2"
	check_acks "$mode" 1 "$EXAMPLES"

	# a mail that arrives later is imported by the next run, and only that one
	new_mail "$T_DIR/$mode/new"
	n_before=$(mail_count)
	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/$mode-mail" INBOX "$T_DIR/$mode/new/fresh.eml" \
		"$T_DIR/$mode/new/notice.eml" ||
		fatal "$mode: could not load a new mail"
	ad "$mode-once2" --once
	expect_rc 0 $? "$mode: agendad --once imports the new mail"
	snapshot "$mode" 2
	check_intake "$mode" 2 "$EXAMPLES" "$T_DIR/$mode/new"
	check_acks "$mode" 2 "$EXAMPLES" "$T_DIR/$mode/new"
	pycheck "$mode" "$T_DIR/log/$mode-messages-2.out" <<'EOF'
mode, path = sys.argv[1:3]
fresh = [m for m in load(path) if "Korttidstillsyn" in (m.get("subject") or "")]
ok(len(fresh) == 1 and "teckentolk" in (fresh[0].get("notes") or ""),
   "%s: agendactl messages --json shows the new mail's note for the secretary" % mode)
notice = [m for m in load(path) if (m.get("subject") or "").startswith("Anmälan till mötet")]
ok(len(notice) == 1 and notice[0]["questions"] == 0 and "parkeringsplats" in (notice[0].get("notes") or "")
   and "sekreteraren" in (notice[0].get("reason") or ""),
   "%s: an attendance notice is no question; its needs are notes and its reason says so (%r)"
   % (mode, notice and (notice[0].get("notes"), notice[0].get("reason"))))
ok(all(m.get("notes") is None or m["notes"] for m in load(path)),
   "%s: messages --json has notes as text or null" % mode)
EOF
	n_after=$(mail_count)
	if [ "$n_after" = $((n_before + 1)) ]; then
		pass "$mode: one more mail sent: the new acknowledgement"
	else
		fail "$mode: $((n_after - n_before)) mails sent for one new question mail"
	fi

	# nothing new: nothing imported twice, nothing changed, nothing sent
	n_before=$(mail_count)
	ad "$mode-once3" --once
	expect_rc 0 $? "$mode: agendad --once with nothing new"
	snapshot "$mode" 3
	same_state "$mode" 2 3
	if [ "$(mail_count)" = "$n_before" ]; then
		pass "$mode: a --once with nothing new sends nothing"
	else
		fail "$mode: a --once with nothing new sent $(($(mail_count) - n_before)) mail(s)"
	fi

	# the drafts: "next" is M0, then M1 by date
	first=$(printf '%06d.eml' $(($(mail_count) + 1)))
	actl "$mode-send-next" send-draft --meeting next
	expect_rc 0 $? "$mode: agendactl send-draft --meeting next"
	ad "$mode-once4" --once
	expect_rc 0 $? "$mode: agendad --once delivers the draft"
	# the fresh mail's interpreter request is for this meeting, which its question missed
	check_draft "$mode" 3 "$m0" "$first" "+Eva behöver teckentolk, kan ni boka det till mötet?"

	first=$(printf '%06d.eml' $(($(mail_count) + 1)))
	actl "$mode-send-m1" send-draft --meeting "$m1"
	expect_rc 0 $? "$mode: agendactl send-draft --meeting $m1"
	ad "$mode-once5" --once
	expect_rc 0 $? "$mode: agendad --once delivers the second draft"
	check_draft "$mode" 3 "$m1" "$first" "-Eva behöver teckentolk"

	n_before=$(mail_count)
	ad "$mode-once6" --once
	expect_rc 0 $? "$mode: agendad --once after the drafts"
	snapshot "$mode" 6
	same_state "$mode" 3 6
	if [ "$(mail_count)" = "$n_before" ]; then
		pass "$mode: drafts and acknowledgements are sent once"
	else
		fail "$mode: a --once after the drafts sent $(($(mail_count) - n_before)) more mail(s)"
	fi

	mail_stop_all
}

for mode in ${T_MODES:-imaps starttls}; do
	case "$mode" in
	imaps | starttls) scenario "$mode" ;;
	*) fatal "unknown mode '$mode' in T_MODES (imaps, starttls)" ;;
	esac
done
t_done

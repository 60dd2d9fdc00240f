#!/usr/bin/env bash
# t_duplicates.sh - the same question never becomes two agenda items (issue 5,
# "## Duplicates and threads"), end to end on real servers.
#
# Real Dovecot and the SMTP sink (tests/harness/mailserver.sh), the real agendad and
# agendactl; mail from tests/data/e2e/dup-*.eml, dated relative to today, for one meeting
# in 14 days (cutoff_days 7).
#   1. One mail twice on the server (same Message-ID): the second copy has status
#      "duplicate" and no question. The same text sent again under a new Message-ID:
#      "duplicate" too. One question and one acknowledgement in all.
#      The same question from two associations in other words is one agenda item that
#      names both (agenda --format json and text): NEURO and DHR about a broken lift in
#      nearly the same words, and Autism and Funktionsrätt about habiliteringsersättning,
#      each in its own words and with its own lead-in sentence, as associations write.
#      RBU's other question in the same field stays an item of its own.
#   2. A reply to agendad's acknowledgement (In-Reply-To and References: the
#      acknowledgement's Message-ID only) and a reply to an association's own question
#      (In-Reply-To: the question mail's Message-ID) each add their complement to the item
#      they answer; no new item, and the quoted text stays out.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init duplicates
# the classifier with the shipped training set of the build (as make runs the tests)
export AGENDAD_DATADIR=$T_ROOT/config:$AGENDAD_BUILD/share

load() { # load FILE...: into the council's INBOX
	bash "$T_HARNESS/mailserver.sh" load "$T_DIR/mail" INBOX "$@" >/dev/null ||
		fatal "could not load $*"
}

# snap TAG: questions, messages and the agenda of M as JSON, and the agenda as text
snap() {
	local rc=0
	actl "questions-$1" questions --json || rc=$?
	actl "messages-$1" messages --json || rc=$?
	actl "agenda-$1" agenda --meeting "$M" --format json || rc=$?
	actl "agendatext-$1" agenda --meeting "$M" || rc=$?
	expect_rc 0 $rc "agendactl questions, messages, agenda --json and agenda ($1)"
}

mail_start mail
mail_use mail
export SMTP_OUT
M=$(day_plus 14)
export M
write_conf "$T_DIR/agendad.conf" CUTOFF_DAYS=7 DRAFT_DAYS=2
actl meeting meeting add "$M" 17:00 --end 19:00 --place "Stadshuset, sal Ljusnan"
expect_rc 0 $? "agendactl meeting add $M"

# ---- 1. the same mail twice, a resend, and one question from two associations -------------
D1=$(e2e_mail dup-01-fub-korttidstillsyn.eml "-6 09:14")
D2=$(e2e_mail dup-02-fub-korttidstillsyn-igen.eml "-4 08:02")
D3=$(e2e_mail dup-03-autism-habersattning.eml "-5 10:31")
D4=$(e2e_mail dup-04-funktionsratt-habersattning.eml "-3 14:03")
D5=$(e2e_mail dup-05-rbu-verkstan.eml "-2 20:41")
D8=$(e2e_mail dup-08-neuro-hissen.eml "-4 11:20")
D9=$(e2e_mail dup-09-dhr-hissen.eml "-2 09:05")
# D1 twice: the server holds two copies (two UIDs) of one mail, as after a resend by a
# mail server or a copy made by a rule
load "$D1" "$D1" "$D2" "$D3" "$D8" "$D4" "$D9" "$D5"
ad once1 --once
expect_rc 0 $? "agendad --once"
snap 1
pycheck "$T_DIR/log" <<'EOF'
logd = sys.argv[1]
msgs, qs, ag = load(logd + "/messages-1.out"), load(logd + "/questions-1.out"), load(logd + "/agenda-1.out")
text = open(logd + "/agendatext-1.out", encoding="utf-8").read()
D1 = "3f9c2d71-8a45-4e06-b2c1-9d7e5f3a1b68@webbmejl.example"
D2 = "b71e0a94-2c58-4f3d-9e16-5a8c0d2f7e49@webbmejl.example"
D3 = "000a01db3c27$1d4e8b20$57dba160$@autism-exempelstad.example"
D4 = "DB9PR05MB81237F2A4C6E8B0D1F3A5C7E9B1D3@DB9PR05MB8123.eurprd05.prod.outlook.example"
D5 = "CAH8kP2q9LmR3tV6xZ1bN4cQ7wE0yU5iO8pA2sD6fG9hJ3kTr1Q@mail.gmail.com"
D8 = "CAJq9vX5tU9vW2yZ5aB8dE1gH4jL7mO0qR3tW6zC9fI2kN5pBv@mail.gmail.com"
D9 = "C5E7A9B1-3D5F-4C7E-9A1B-3C5E7A9B1D4F@dhr-exempelstad.example"
ok(len(msgs) == 8, "eight messages stored, one per copy on the server (got %d)" % len(msgs))

# the same mail twice
d1 = [m for m in msgs if m["message_id"] == D1]
if ok(len(d1) == 2, "both copies of the same mail are stored (got %d)" % len(d1)):
    first, second = sorted(d1, key=lambda m: m["id"])
    ok(first["status"] == "processed" and first["questions"] == 1,
       "the first copy is processed with one question (%s, %d)" % (first["status"], first["questions"]))
    ok(second["status"] == "duplicate", "the second copy has status duplicate (got %s)" % second["status"])
    ok(second["questions"] == 0, "the second copy has no question of its own (got %d)" % second["questions"])
    ok(bool(second["reason"]) and "Message-ID" in second["reason"],
       "its reason names the Message-ID (got %r)" % second["reason"])
# the resend under a new Message-ID
d2 = [m for m in msgs if m["message_id"] == D2]
if ok(len(d2) == 1, "the resend is stored"):
    ok(d2[0]["status"] == "duplicate", "the resend with the same text has status duplicate (got %s, %r)"
       % (d2[0]["status"], d2[0]["reason"]))
    ok(d2[0]["questions"] == 0, "the resend has no question of its own (got %d)" % d2[0]["questions"])
ktt = [q for q in qs if "Ekbacken" in q["text"]]
ok(len(ktt) == 1, "one question about Ekbacken in all, not two or three (got %d)" % len(ktt))
ok(sum(1 for it in ag["items"] for q in it["questions"] if "Ekbacken" in q["text"]) == 1,
   "and the agenda shows it once")
to_fub = [x for x in mails() if "per.gustafsson.fub@webbmejl.example" in x["meta"]["rcpt_tos"]]
ok(len(to_fub) == 1, "one acknowledgement to the sender of the mail that came three times (got %d)" % len(to_fub))

# one question from two associations in other words
by = {q["message_id"]: q for q in qs}
def one_item(qa, qb, names, what):
    if not ok(qa is not None and qb is not None, "%s: both questions are stored" % what):
        return
    ok(qa["meeting"] == qb["meeting"] == os.environ["M"], "%s: both are for %s" % (what, os.environ["M"]))
    ok(qb["status"] == "queued", "%s: the second association's question is queued, not a duplicate (got %s)"
       % (what, qb["status"]))
    ok(qa["item_id"] is not None and qa["item_id"] == qb["item_id"],
       "%s: both questions share one agenda item (items %s and %s)" % (what, qa["item_id"], qb["item_id"]))
    items = [it for it in ag["items"] if it["id"] == qa["item_id"]]
    if ok(len(items) == 1, "%s: agenda --format json has the item" % what):
        it = items[0]
        ok(set(it["associations"]) == set(names), "%s: the item names both associations (got %s)"
           % (what, it["associations"]))
        ok(it["n_questions"] == 2 and it["joined"] is True, "%s: with both questions (n %s, joined %s)"
           % (what, it["n_questions"], it["joined"]))
        block = text.split("\n   " + it["number"] + " ", 1)[-1].split("\n\n", 1)[0]
        ok(all(n in norm(block) for n in names), "%s: the text agenda's item %s names both: %r"
           % (what, it["number"], norm(block)[:200]))
# nearly the same words
one_item(by.get(D8), by.get(D9), ["NEURO Exempelstad", "DHR Exempelstad"], "the lift at Lärkgatan")
# the same question, each association in its own words with its own lead-in, as they write
one_item(by.get(D3), by.get(D4), ["Autism- och Aspergerföreningen Exempelstad", "Funktionsrätt Exempelstad"],
         "habiliteringsersättningen")
q5 = by.get(D5)
ok(q5 is not None and q5["item_id"] is not None and
   q5["item_id"] not in [by[x]["item_id"] for x in (D3, D4, D8, D9) if x in by],
   "RBU's other question about daglig verksamhet has an item of its own")
EOF

# ---- 2. replies in a thread complement the item they answer ---------------------------------
ACK3=$(pycheck <<'EOF' | sed -n 's/^#   ACK //p'
a = [x for x in mails() if "helena.berglund@autism-exempelstad.example" in x["meta"]["rcpt_tos"]]
if len(a) == 1:
    print("ACK " + a[0]["msg"]["Message-ID"].strip())
EOF
)
[ -n "$ACK3" ] || fatal "no acknowledgement to Autism's sender to reply to"
# a reply to agendad's acknowledgement: only its Message-ID ties it to the question (some
# clients put only the parent in References)
D6=$(e2e_mail dup-06-autism-svar-pa-bekraftelse.eml now-30 IN_REPLY_TO="$ACK3" REFERENCES="$ACK3")
# RBU adds to its own mail: In-Reply-To and References are the original's Message-ID
D7=$(e2e_mail dup-07-rbu-tillagg.eml now-20)
load "$D6" "$D7"
ad once2 --once
expect_rc 0 $? "agendad --once with the replies"
snap 2
pycheck "$T_DIR/log" <<'EOF'
logd = sys.argv[1]
msgs, qs, ag = load(logd + "/messages-2.out"), load(logd + "/questions-2.out"), load(logd + "/agenda-2.out")
before = load(logd + "/questions-1.out")
ag_before = load(logd + "/agenda-1.out")
n_of = {it["id"]: it["n_questions"] for it in ag_before["items"]}
D3 = "000a01db3c27$1d4e8b20$57dba160$@autism-exempelstad.example"
D5 = "CAH8kP2q9LmR3tV6xZ1bN4cQ7wE0yU5iO8pA2sD6fG9hJ3kTr1Q@mail.gmail.com"
D6 = "000b01db3d41$6f2a9c80$4d7fd580$@autism-exempelstad.example"
D7 = "CAH8kP2rT5yU8iO1pA4sD7fG0hJ3kL6zX9cV2bN5mQ8wE1rTy4W@mail.gmail.com"
by_m = {m["message_id"]: m for m in msgs}
item_of = {q["message_id"]: q["item_id"] for q in before}
for mid, parent, what in ((D6, D3, "the reply to the acknowledgement"),
                          (D7, D5, "RBU's reply to its own question")):
    m = by_m.get(mid)
    if not ok(m is not None and m["status"] == "processed", "%s is processed (got %s)"
              % (what, m and m["status"])):
        continue
    mine = [q for q in qs if q["message_id"] == mid]
    ok(len(mine) == 1, "%s gives one question, the complement (got %d)" % (what, len(mine)))
    for q in mine:
        ok(q["status"] == "queued", "%s: the complement is queued (got %s)" % (what, q["status"]))
        ok(q["item_id"] == item_of.get(parent) and q["item_id"] is not None,
           "%s joins the item of the question it answers (item %s, want %s)"
           % (what, q["item_id"], item_of.get(parent)))
        low = q["text"].lower()
        ok("automatisk bekräftelse" not in low and "> " not in q["text"] and "skrev" not in low,
           "%s: the quoted mail is not part of the complement: %r" % (what, q["text"][:200]))
ok(len(ag["items"]) == len(ag_before["items"]), "no new agenda item (%d before, %d after)"
   % (len(ag_before["items"]), len(ag["items"])))
for parent, what in ((D3, "Autism's item"), (D5, "RBU's item")):
    it = [it for it in ag["items"] if it["id"] == item_of.get(parent)]
    n = n_of.get(item_of.get(parent), 0) + 1
    ok(len(it) == 1 and it[0]["n_questions"] == n, "%s now holds %d questions (got %s)"
       % (what, n, [i["n_questions"] for i in it]))
texts = [q["text"] for it in ag["items"] for q in it["questions"]]
ok(any("privat utförare" in t for t in texts) and any("lyft och skötrum" in t for t in texts),
   "the agenda shows both complements")
EOF

t_done

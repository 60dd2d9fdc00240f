#!/usr/bin/env bash
# run.sh BUILD_DIR - what `make bench` runs (bench/README.md says what each figure means
# and how to reproduce it). Prints one table from one run:
#   * ingest: for each size of BENCH_SIZES (5000 20000) generated mails in a local
#     Dovecot (IMAPS, loaded once per size): `agendad --once` (fetch, store, decode,
#     extract, triage, classify, in a fresh database), the bare libetpan fetch of the
#     same mailbox (BUILD_DIR/barefetch) and mbsync downloading it; wall time, messages
#     per second and peak RSS, the median of BENCH_RUNS (3) runs taken in turns; the
#     ratios agendad/barefetch and agendad/mbsync and the goals of issue 4;
#   * classification: `agendactl classify` on BENCH_CLASSIFY (200000) generated lines;
#   * a meeting with about BENCH_QUESTIONS (1000) questions: the import that builds it
#     (every question is compared with the meeting's others: near-duplicates) and the
#     rendering of its agenda and minutes by agendactl;
#   * idle: CPU time of the daemon over BENCH_IDLE (60) seconds in IDLE.
# Machines are shared and noisy: compare the ratios of one run, not seconds across runs.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1/agendad" ] || [ ! -x "$1/agendactl" ] || [ ! -x "$1/barefetch" ]; then
	echo "usage: bench/run.sh BUILD_DIR (with agendad, agendactl and barefetch: make bench)" >&2
	exit 64
fi
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export AGENDAD_BUILD
AGENDAD_BUILD=$(cd "$1" && pwd)
BUILD=$AGENDAD_BUILD
# shellcheck source-path=SCRIPTDIR source=../tests/harness/lib.sh
. "$ROOT/tests/harness/lib.sh"
# categories.conf and templates from the source tree, the shipped training set from the
# build, as an installed agendad finds them
export AGENDAD_DATADIR=$ROOT/config:$BUILD/share
unset CREDENTIALS_DIRECTORY
SIZES=${BENCH_SIZES:-5000 20000}
RUNS=${BENCH_RUNS:-3}
IDLE=${BENCH_IDLE:-60}
N_CLASSIFY=${BENCH_CLASSIFY:-200000}
N_QUESTIONS=${BENCH_QUESTIONS:-1000}
GEN=$ROOT/tests/harness/genmail.py
command -v mbsync >/dev/null || { echo "bench: mbsync missing (apt-get install isync)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

T_DIR=$(mktemp -d /tmp/agendad-bench.XXXXXX)
chmod 755 "$T_DIR" # Dovecot's users (nobody, dovecot) must reach the maildirs
mkdir -p "$T_DIR/log"
PID=""
cleanup() {
	local rc=$?
	trap - EXIT
	[ -z "$PID" ] || kill -TERM "$PID" 2>/dev/null
	mail_stop_all >/dev/null 2>&1 || true
	if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $T_DIR"; else rm -rf "$T_DIR"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

say "starting Dovecot (IMAPS) and an SMTP server on 127.0.0.1 under $T_DIR"
mail_start mail
mail_use mail
# the figures are about intake: no acknowledgements (they would time the SMTP server),
# no meeting (see bench/README.md: the near-duplicate check has its own line)
write_conf "$T_DIR/conf/agendad.conf" || die "write_conf"
sed -i 's/^acknowledge = yes$/acknowledge = no/' "$CONF"
BASECONF=$CONF
DB=$(sed -n 's/^database = //p' "$CONF")
conf_for() { # conf_for MAILBOX: the config reading that mailbox
	sed "s/^mailbox = INBOX\$/mailbox = $1/" "$BASECONF" >"$T_DIR/conf/$1.conf"
	CONF=$T_DIR/conf/$1.conf
}

# timed LOG CMD...: runs CMD under /usr/bin/time; sets WALL (s), RSS (kB), RC
timed() {
	local log=$1
	shift
	/usr/bin/time -f '%e %M' -o "$T_DIR/time.out" "$@" >"$T_DIR/log/$log.log" 2>&1
	RC=$?
	read -r WALL RSS <"$T_DIR/time.out" || { WALL=0 RSS=0; }
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# mbsync: a Far store on Dovecot (localhost: mbsync does not match IP SANs, FACTS.md 6)
# and a Near Maildir, pull only, no fsync (as FACTS.md measured it)
write_mbsyncrc() { # write_mbsyncrc MAILBOX
	cat >"$T_DIR/mbsyncrc" <<EOF
FSync no

IMAPAccount bench
Host localhost
Port $IMAPS_PORT
User $MAIL_LOGIN
PassCmd "cat $PASSWORD_FILE"
SSLType IMAPS
CertificateFile $CAFILE
PipelineDepth 50

IMAPStore far
Account bench

MaildirStore near
Path $T_DIR/near/
Inbox $T_DIR/near/INBOX

Channel bench
Far :far:$1
Near :near:$1
Sync Pull New
Create Near
SyncState *
EOF
}

MACHINE="$(nproc) CPU(s), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
say "machine: $MACHINE; load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A R
for size in $SIZES; do
	box=bench$size
	say "generating $size mails"
	"$PY" "$GEN" "$T_DIR/gen$size" "$size" --seed 7 --noise 5 --weeks 12 2>"$T_DIR/log/gen$size.log" ||
		die "genmail.py failed"
	say "loading them into $box ($(du -sh "$T_DIR/gen$size" | cut -f1))"
	bash "$T_HARNESS/mailserver.sh" load "$MAILSERVER_DIR" "$box" "$T_DIR/gen$size"/*.eml ||
		die "loading $box failed"
	R[$size.bytes]=$(awk -F'\t' 'NR > 1 { s += $12 } END { print s }' "$T_DIR/gen$size/manifest.tsv")
	conf_for "$box"
	write_mbsyncrc "$box"
	a_wall=() a_rss=() b_wall=() b_rss=() m_wall=() m_rss=()
	for ((run = 1; run <= RUNS; run++)); do
		say "$size mails, run $run of $RUNS: agendad --once, barefetch, mbsync"
		rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"
		timed "agendad-$size-$run" "$BUILD/agendad" -c "$CONF" --once
		[ "$RC" = 0 ] || die "agendad --once exited $RC (see $T_DIR/log/agendad-$size-$run.log)"
		n=$(sqlite3 "$DB" "SELECT count(*) FROM messages WHERE status <> 'new'")
		[ "$n" = "$size" ] || die "agendad stored and processed $n of $size messages"
		a_wall+=("$WALL") a_rss+=("$RSS")

		timed "barefetch-$size-$run" "$BUILD/barefetch" "$MAIL_HOST" "$IMAPS_PORT" "$MAIL_LOGIN" \
			"$PASSWORD_FILE" "$box"
		if [ "$RC" != 0 ] || ! grep -q "^barefetch: $size messages" "$T_DIR/log/barefetch-$size-$run.log"; then
			die "barefetch failed: $(cat "$T_DIR/log/barefetch-$size-$run.log")"
		fi
		b_wall+=("$WALL") b_rss+=("$RSS")

		rm -rf "$T_DIR/near"
		mkdir -p "$T_DIR/near"
		timed "mbsync-$size-$run" mbsync -q -c "$T_DIR/mbsyncrc" bench
		n=$(find "$T_DIR/near/$box" -type f -path '*/new/*' -o -type f -path '*/cur/*' 2>/dev/null | wc -l)
		if [ "$RC" != 0 ] || [ "$n" != "$size" ]; then
			die "mbsync exited $RC with $n of $size messages: $(tail -3 "$T_DIR/log/mbsync-$size-$run.log")"
		fi
		m_wall+=("$WALL") m_rss+=("$RSS")
	done
	R[$size.a_wall]=$(median "${a_wall[@]}") R[$size.a_rss]=$(median "${a_rss[@]}")
	R[$size.b_wall]=$(median "${b_wall[@]}") R[$size.b_rss]=$(median "${b_rss[@]}")
	R[$size.m_wall]=$(median "${m_wall[@]}") R[$size.m_rss]=$(median "${m_rss[@]}")
	R[$size.a_all]="${a_wall[*]}" R[$size.b_all]="${b_wall[*]}" R[$size.m_all]="${m_wall[*]}"
done

# ---- classification -------------------------------------------------------------------
say "classifying $N_CLASSIFY generated questions"
"$PY" "$GEN" --questions "$T_DIR/questions.txt" "$N_CLASSIFY" --seed 5 || die "genmail.py --questions"
CONF=$BASECONF
c_wall=()
for ((run = 1; run <= RUNS; run++)); do
	/usr/bin/time -f '%e %M' -o "$T_DIR/time.out" "$BUILD/agendactl" -c "$CONF" classify \
		<"$T_DIR/questions.txt" >"$T_DIR/classified.txt" 2>"$T_DIR/log/classify.err" ||
		die "agendactl classify failed: $(head -3 "$T_DIR/log/classify.err")"
	read -r WALL RSS <"$T_DIR/time.out"
	[ "$(wc -l <"$T_DIR/classified.txt")" = "$N_CLASSIFY" ] || die "classify printed a wrong number of lines"
	c_wall+=("$WALL")
done
R[classify]=$(median "${c_wall[@]}")

# ---- the classifier at start: fitted on a new database, or loaded from its cache -------
say "agendactl's start: a new database (fits the classifier) and the next (cached model)"
s_fit=() s_load=()
for ((run = 1; run <= RUNS; run++)); do
	rm -f "$DB" "$DB-wal" "$DB-shm"
	timed start-fit "$BUILD/agendactl" -c "$CONF" meeting list
	[ "$RC" = 0 ] || die "agendactl meeting list failed (new database)"
	s_fit+=("$WALL")
	timed start-load "$BUILD/agendactl" -c "$CONF" meeting list
	[ "$RC" = 0 ] || die "agendactl meeting list failed (cached model)"
	s_load+=("$WALL")
done
R[s_fit]=$(median "${s_fit[@]}") R[s_load]=$(median "${s_load[@]}")

# ---- a meeting with about N_QUESTIONS questions ---------------------------------------
# about 1.9 questions per generated mail (1-4, most often 1); all before the cutoff of
# one meeting, so that each is compared with the meeting's others as it is processed
n_mails=$((N_QUESTIONS * 100 / 186))
meeting=$(day_plus 30)
say "importing $n_mails mails into one meeting ($meeting)"
"$PY" "$GEN" "$T_DIR/genq" "$n_mails" --seed 9 --weeks 6 --until "$(day_plus 0)" \
	2>"$T_DIR/log/genq.log" || die "genmail.py failed"
bash "$T_HARNESS/mailserver.sh" load "$MAILSERVER_DIR" meeting "$T_DIR/genq"/*.eml ||
	die "loading failed"
conf_for meeting
rm -f "$DB" "$DB-wal" "$DB-shm"
actl meeting meeting add "$meeting" 17:00 --end 19:00 --place Stadshuset || die "meeting add failed"
timed import-meeting "$BUILD/agendad" -c "$CONF" --once
[ "$RC" = 0 ] || die "agendad --once exited $RC"
R[q_import]=$WALL R[q_import_rss]=$RSS R[q_mails]=$n_mails
R[q_n]=$(sqlite3 "$DB" "SELECT count(*) FROM questions WHERE meeting = '$meeting'")
r_base=() r_at=() r_ah=() r_mt=()
for ((run = 1; run <= RUNS; run++)); do
	timed render-base "$BUILD/agendactl" -c "$CONF" meeting list
	r_base+=("$WALL")
	timed render-agenda-text "$BUILD/agendactl" -c "$CONF" agenda --meeting "$meeting" --format text
	[ "$RC" = 0 ] || die "agendactl agenda failed"
	r_at+=("$WALL")
	timed render-agenda-html "$BUILD/agendactl" -c "$CONF" agenda --meeting "$meeting" --format html
	r_ah+=("$WALL")
	timed render-minutes "$BUILD/agendactl" -c "$CONF" minutes --meeting "$meeting"
	[ "$RC" = 0 ] || die "agendactl minutes failed"
	r_mt+=("$WALL") R[render_rss]=$RSS
done
R[r_base]=$(median "${r_base[@]}") R[r_at]=$(median "${r_at[@]}") R[r_ah]=$(median "${r_ah[@]}")
R[r_mt]=$(median "${r_mt[@]}")

# ---- idle ---------------------------------------------------------------------------------
say "the daemon in IDLE for $IDLE s"
"$BUILD/agendad" -c "$CONF" >"$T_DIR/log/idle.log" 2>&1 &
PID=$!
t=0
until grep -q 'running for' "$T_DIR/log/idle.log" || [ $t -ge 100 ]; do sleep 0.1; t=$((t + 1)); done
sleep 3 # its first cycle (nothing new) is over
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
c0=$(cpu)
sleep "$IDLE"
c1=$(cpu)
rss_idle=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status")
kill -TERM "$PID"
wait "$PID"
PID=""
R[idle_ms]=$(((c1 - c0) * 1000 / $(getconf CLK_TCK)))

# ---- the table --------------------------------------------------------------------------
"$PY" - "$SIZES" "$RUNS" "$MACHINE" "$IDLE" "$N_CLASSIFY" "$rss_idle" "$(mbsync --version)" <<EOF
import sys
sizes, runs, machine, idle, n_classify, rss_idle, mbsync = sys.argv[1].split(), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
R = {$(for k in "${!R[@]}"; do printf '"%s": "%s", ' "$k" "${R[$k]}"; done)}
f = lambda k: float(R[k])
import builtins
print = lambda *a: builtins.print(" ".join(str(x) for x in a).rstrip())
print()
print("agendad bench: median of %d runs, Dovecot over IMAPS on 127.0.0.1, %s" % (runs, machine))
print()
print("%-34s %s" % ("ingest", "".join("%-36s" % ("%s mails (%.1f MB)" % (format(int(s), ","), f(s + ".bytes") / 1e6)) for s in sizes)))
print("%-34s %s" % ("", "".join("%-36s" % "wall s    msg/s   peak RSS" for s in sizes)))
rows = [("agendad --once (whole pipeline)", "a"), ("bare libetpan fetch (barefetch)", "b"), (mbsync + " (FSync no)", "m")]
for name, k in rows:
    cells = []
    for s in sizes:
        w, rss = f(s + "." + k + "_wall"), f(s + "." + k + "_rss") / 1024
        cells.append("%-36s" % ("%7.2f %8.0f %7.1f MiB" % (w, int(s) / w if w else 0, rss)))
    print("%-34s %s" % (name, "".join(cells)))
def verdict(ok):
    return "goal met" if ok else "goal MISSED"
for name, k, goal, test in (("agendad / barefetch (wall)", "b", "<= 3", lambda r: r <= 3),
                            ("agendad / mbsync (wall)", "m", "< 1", lambda r: r < 1)):
    cells = []
    for s in sizes:
        r = f(s + ".a_wall") / f(s + "." + k + "_wall")
        cells.append("%-36s" % ("%7.2f   goal %s: %s" % (r, goal, verdict(test(r)))))
    print("%-34s %s" % (name, "".join(cells)))
cells = ["%-36s" % ("%7.1f MiB goal < 32 MiB: %s" % (f(s + ".a_rss") / 1024, verdict(f(s + ".a_rss") < 32 * 1024))) for s in sizes]
print("%-34s %s" % ("agendad peak RSS", "".join(cells)))
print()
print("classification    agendactl classify, %s generated questions: %.2f s, %.0f questions/s"
      % (format(n_classify, ","), f("classify"), n_classify / f("classify")))
print("meeting           %s questions from %s mails in one meeting: import %.2f s (%.0f msg/s, peak RSS %.1f MiB)"
      % (format(int(R["q_n"]), ","), R["q_mails"], f("q_import"), int(R["q_mails"]) / f("q_import"), f("q_import_rss") / 1024))
print("start-up          agendactl meeting list: on a new database %.2f s (fits the classifier and caches it), then %.2f s (loads the cached model)"
      % (f("s_fit"), f("s_load")))
print("rendering         agenda text %.2f s, agenda html %.2f s, minutes %.2f s (agendactl; its start-up alone, meeting list: %.2f s)"
      % (f("r_at"), f("r_ah"), f("r_mt"), f("r_base")))
print("idle              the daemon in IDLE for %d s: %d ms CPU (%.3f %%), RSS %.1f MiB"
      % (idle, int(R["idle_ms"]), int(R["idle_ms"]) / 10 / idle, rss_idle / 1024))
print()
print("all runs (wall s): " + "; ".join("%s: agendad %s, barefetch %s, mbsync %s" % (s, R[s + ".a_all"], R[s + ".b_all"], R[s + ".m_all"]) for s in sizes))
EOF

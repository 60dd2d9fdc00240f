#!/usr/bin/env bash
# t_install.sh - `make install` and `make uninstall` (issue 7), into a DESTDIR:
#
#   default    PREFIX=/usr/local: binaries (0755), data (categories.conf, templates/,
#              training.tsv, agendad.conf.example), the three man pages, the docs, both
#              units with the install's paths and no placeholder left, an empty
#              /etc/agendad; the installed units pass `systemd-analyze verify` including
#              its check that the Documentation= man pages exist (MANPATH of the install)
#   run        the installed binaries with the installed data only: the installed example
#              configuration passes `agendad -n`, agendactl renders an agenda with the
#              installed templates, the classifier finds the installed training set
#   packaging  PREFIX=/usr SYSCONFDIR=/opt/etc UNITDIR=/usr/lib/systemd/system lands where
#              it says, and the units point there
#   uninstall  removes every file install made, and leaves the administrator's
#              configuration alone
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init install

# make install in a subshell, without the outer make's variables (PREFIX etc. are ours);
# -o all: install what $AGENDAD_BUILD holds, never rebuild it (with other flags)
mk() { # mk LOG TARGET VAR=VALUE...
	local log=$1
	shift
	(unset MAKEFLAGS MFLAGS MAKELEVEL
		make -C "$T_ROOT" --no-print-directory -o all BUILD="$AGENDAD_BUILD" "$@") \
		>"$T_DIR/log/$log.log" 2>&1
}
mode_of() { stat -c %a "$1"; }
check_file() { # check_file PATH MODE
	if [ ! -f "$1" ]; then
		fail "missing: ${1#"$T_DIR"/}"
	elif [ "$(mode_of "$1")" != "$2" ]; then
		fail "${1#"$T_DIR"/} is mode $(mode_of "$1"), want $2"
	else
		pass "${1#"$T_DIR"/} ($2)"
	fi
}

# --- default install ---------------------------------------------------------------------------
D=$T_DIR/root
mk install install DESTDIR="$D"
expect_rc 0 $? "make install DESTDIR=... (PREFIX=/usr/local)"
P=$D/usr/local
check_file "$P/sbin/agendad" 755
check_file "$P/bin/agendactl" 755
for f in categories.conf agendad.conf.example training.tsv; do
	check_file "$P/share/agendad/$f" 644
done
for f in "$T_ROOT"/config/templates/*; do
	check_file "$P/share/agendad/templates/$(basename "$f")" 644
	cmp -s "$f" "$P/share/agendad/templates/$(basename "$f")" ||
		fail "installed template $(basename "$f") differs from the source"
done
cmp -s "$AGENDAD_BUILD/share/training.tsv" "$P/share/agendad/training.tsv" ||
	fail "installed training.tsv differs from the built one"
[ -s "$P/share/agendad/training.tsv" ] || fail "the installed training.tsv is empty"
check_file "$P/share/man/man8/agendad.8" 644
check_file "$P/share/man/man1/agendactl.1" 644
check_file "$P/share/man/man5/agendad.conf.5" 644
check_file "$P/share/doc/agendad/microsoft365.md" 644
for u in agendad.service agendad@.service; do
	check_file "$D/lib/systemd/system/$u" 644
done
[ -d "$D/etc/agendad" ] && [ -z "$(ls -A "$D/etc/agendad")" ] &&
	pass "an empty /etc/agendad (the configuration is the administrator's)" ||
	fail "/etc/agendad is missing or not empty"
if grep -q '@[A-Z]*@' "$D"/lib/systemd/system/*.service; then
	fail "a placeholder is left in an installed unit: $(grep -h '@[A-Z]*@' "$D"/lib/systemd/system/*.service)"
else
	pass "no @PLACEHOLDER@ left in the installed units"
fi
grep -qx 'ExecStart=/usr/local/sbin/agendad -c /etc/agendad/agendad.conf' "$D/lib/systemd/system/agendad.service" &&
	pass "agendad.service starts /usr/local/sbin/agendad with /etc/agendad/agendad.conf" ||
	fail "agendad.service: $(grep ^ExecStart "$D/lib/systemd/system/agendad.service")"
grep -qx 'ExecStart=/usr/local/sbin/agendad -c /etc/agendad/%i.conf' "$D/lib/systemd/system/agendad@.service" &&
	pass "agendad@.service starts /usr/local/sbin/agendad with /etc/agendad/%i.conf" ||
	fail "agendad@.service: $(grep ^ExecStart "$D/lib/systemd/system/agendad@.service")"
# the data directory the binaries look in is the installed one
for b in "$P/sbin/agendad" "$P/bin/agendactl"; do
	grep -qa "/usr/local/share/agendad" "$b" && pass "$(basename "$b") looks for its data in /usr/local/share/agendad" ||
		fail "$(basename "$b") does not have /usr/local/share/agendad compiled in (was it built with another PREFIX?)"
done

# verify the installed units with their man pages: ExecStart must exist on this machine,
# so a copy points at the DESTDIR binary; Documentation= is checked through MANPATH
V=$T_DIR/verify
mkdir -p "$V"
for u in agendad.service agendad@.service; do
	sed "s|^ExecStart=/usr/local/sbin/|ExecStart=$P/sbin/|" "$D/lib/systemd/system/$u" >"$V/$u"
done
cp "$V/agendad@.service" "$V/agendad@lss.service"
for u in agendad.service agendad@lss.service; do
	out=$(cd "$V" && MANPATH=$P/share/man systemd-analyze verify "./$u" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ -z "$out" ] &&
		pass "systemd-analyze verify (man pages included) of the installed $u: clean" ||
		fail "systemd-analyze verify of the installed $u (exit $rc): $out"
done
for page in agendad agendactl agendad.conf; do
	out=$(MANPATH=$P/share/man MANWIDTH=80 man --warnings "$page" 2>&1 >/dev/null)
	[ -z "$out" ] && pass "man $page finds and renders the installed page" || fail "man $page: $out"
done

# --- the installed binaries with the installed data --------------------------------------------
"$P/sbin/agendad" -V >"$T_DIR/log/version.log" 2>&1
expect_rc 0 $? "installed agendad -V"
grep -q '^agendad ' "$T_DIR/log/version.log" || fail "agendad -V printed: $(cat "$T_DIR/log/version.log")"
C=$T_DIR/etc
mkdir -p "$C"
sed "s|^database = .*|database = $T_DIR/db/agendad.db|" "$P/share/agendad/agendad.conf.example" >"$C/agendad.conf"
mkdir -p "$T_DIR/db"
printf 'imap-secret\n' >"$C/imap-password"
printf 'smtp-secret\n' >"$C/smtp-password"
chmod 0600 "$C/imap-password" "$C/smtp-password"
# only the installed data: no source tree on the search path, nothing beside the config
export AGENDAD_DATADIR=$P/share/agendad
"$P/sbin/agendad" -c "$C/agendad.conf" -n >"$T_DIR/log/check.log" 2>&1
expect_rc 0 $? "installed agendad -n accepts the installed agendad.conf.example (secrets beside it)"
grep -qx "configuration OK" "$T_DIR/log/check.log" && pass "and prints 'configuration OK'" ||
	fail "agendad -n printed: $(cat "$T_DIR/log/check.log")"
grep -q "no training.tsv" "$T_DIR/log/check.log" &&
	fail "the installed training.tsv was not found" || pass "the classifier loads the installed training.tsv"
"$P/bin/agendactl" -c "$C/agendad.conf" agenda --meeting 2026-12-10 >"$T_DIR/log/agenda.out" 2>"$T_DIR/log/agenda.err"
expect_rc 0 $? "installed agendactl renders the agenda of the example's [meeting 2026-12-10]"
grep -qi "^Dagordning$" "$T_DIR/log/agenda.out" && pass "with the installed templates (DAGORDNING)" ||
	fail "the agenda lacks 'Dagordning': $(head -c 300 "$T_DIR/log/agenda.out")"
echo "Hur många platser finns det på korttidsboendet?" |
	"$P/bin/agendactl" -c "$C/agendad.conf" classify >"$T_DIR/log/classify.out" 2>"$T_DIR/log/classify.err"
expect_rc 0 $? "installed agendactl classify"
grep -q "^korttid	" "$T_DIR/log/classify.out" && pass "classifies with the installed categories (korttid)" ||
	fail "classify printed: $(cat "$T_DIR/log/classify.out")"
unset AGENDAD_DATADIR

# --- uninstall -------------------------------------------------------------------------------------
printf '# the administrator\x27s\n' >"$D/etc/agendad/agendad.conf"
mk uninstall uninstall DESTDIR="$D"
expect_rc 0 $? "make uninstall DESTDIR=..."
left=$(cd "$D" && find . -type f ! -path ./etc/agendad/agendad.conf | sort)
[ -z "$left" ] && pass "uninstall removed every installed file" ||
	fail "uninstall left: $(echo "$left" | tr '\n' ' ')"
[ -f "$D/etc/agendad/agendad.conf" ] && pass "uninstall leaves /etc/agendad/agendad.conf alone" ||
	fail "uninstall removed the administrator's configuration"

# --- a packaging layout ------------------------------------------------------------------------------
D2=$T_DIR/root2
mk install2 install DESTDIR="$D2" PREFIX=/usr SYSCONFDIR=/opt/etc UNITDIR=/usr/lib/systemd/system
expect_rc 0 $? "make install PREFIX=/usr SYSCONFDIR=/opt/etc UNITDIR=/usr/lib/systemd/system"
for f in usr/sbin/agendad usr/bin/agendactl usr/share/agendad/categories.conf \
	usr/share/agendad/templates/agenda.txt usr/share/man/man5/agendad.conf.5 \
	usr/share/doc/agendad/microsoft365.md usr/lib/systemd/system/agendad.service \
	usr/lib/systemd/system/agendad@.service; do
	[ -f "$D2/$f" ] && pass "PREFIX=/usr: /$f" || fail "PREFIX=/usr: /$f missing"
done
[ -d "$D2/opt/etc/agendad" ] && pass "SYSCONFDIR=/opt/etc: /opt/etc/agendad made" ||
	fail "SYSCONFDIR=/opt/etc: no /opt/etc/agendad"
grep -qx 'ExecStart=/usr/sbin/agendad -c /opt/etc/agendad/agendad.conf' "$D2/usr/lib/systemd/system/agendad.service" &&
	grep -qx 'ConditionPathExists=/opt/etc/agendad/agendad.conf' "$D2/usr/lib/systemd/system/agendad.service" &&
	pass "the unit follows SBINDIR and SYSCONFDIR" ||
	fail "the unit does not follow SBINDIR and SYSCONFDIR: $(grep -E '^(ExecStart|ConditionPathExists)' "$D2/usr/lib/systemd/system/agendad.service" | tr '\n' ' ')"
[ ! -e "$D2/usr/local" ] && pass "nothing under /usr/local with PREFIX=/usr" || fail "files under /usr/local with PREFIX=/usr"
mk uninstall2 uninstall DESTDIR="$D2" PREFIX=/usr SYSCONFDIR=/opt/etc UNITDIR=/usr/lib/systemd/system
expect_rc 0 $? "make uninstall with the same variables"
left=$(cd "$D2" && find . -type f | sort)
[ -z "$left" ] && pass "uninstall removed every file of the packaging layout" ||
	fail "uninstall left: $(echo "$left" | tr '\n' ' ')"
t_done

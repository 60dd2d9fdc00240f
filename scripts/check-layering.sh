#!/usr/bin/env bash
# check-layering.sh - fails when a header includes a header of a stage downstream
# of it (STYLE.md: a header includes only the base headers and headers of stages
# upstream of it), or when a pure stage's source includes an I/O stage's header.
set -u
cd "$(dirname "$0")/.."
# The data flow of DESIGN.md, upstream first; base headers are rank 0.
rank() {
    case "$1" in
        err|util|log|config) echo 0 ;;
        imap) echo 1 ;; store) echo 2 ;; mime) echo 3 ;; extract) echo 4 ;;
        triage) echo 5 ;; classify) echo 6 ;; schedule) echo 7 ;; render) echo 8 ;;
        outbox) echo 9 ;; smtp) echo 10 ;; oauth2) echo 10 ;; cycle) echo 11 ;;
        *) echo 99 ;;
    esac
}
fail=0
for h in include/agendad/*.h; do
    me=$(basename "$h" .h)
    r=$(rank "$me")
    [ "$r" = 99 ] && { echo "layering: $h is not in the data flow table of $0"; fail=1; continue; }
    for inc in $(sed -n 's|^#include "agendad/\(.*\)\.h"|\1|p' "$h"); do
        ri=$(rank "$inc")
        if [ "$inc" != "$me" ] && [ "$ri" -ne 0 ] && [ "$ri" -ge "$r" ]; then
            echo "layering: $h (stage $me) includes agendad/$inc.h, which is not upstream of it"
            fail=1
        fi
    done
done
# pure stages do no I/O: they must not include the I/O stages' headers
for m in mime extract triage classify schedule render; do
    for f in src/$m.c src/${m}_*.c; do
        [ -f "$f" ] || continue
        if grep -qE '#include "agendad/(imap|smtp|oauth2|cycle)\.h"' "$f"; then
            echo "layering: $f (a pure stage) includes an I/O stage's header"
            fail=1
        fi
    done
done
[ $fail = 0 ] && echo "layering: ok"
exit $fail

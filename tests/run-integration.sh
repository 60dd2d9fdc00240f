#!/usr/bin/env bash
# run-integration.sh JOBS TEST... - runs the integration tests JOBS at a time (each
# has its own temporary directory and free ports, and most of their time is spent
# waiting for servers), prints each one's output whole as it finishes with its
# wall time, and exits 1 when any failed. The Makefile's `integration` target
# calls it with AGENDAD_BUILD and AGENDAD_DATADIR set.
set -u
jobs=${1:-2}
shift
out=$(mktemp -d /tmp/agendad-integration.XXXXXX)
trap 'rm -rf "$out"' EXIT
declare -A pid_of start_of
failed=()
running=0

finish_one() {
	local done_pid name rc
	wait -n -p done_pid
	rc=$?
	for name in "${!pid_of[@]}"; do
		[ "${pid_of[$name]}" = "$done_pid" ] || continue
		echo "== integration $name ($(( $(date +%s) - start_of[$name] ))s)"
		cat "$out/$(basename "$name").log"
		if [ "$rc" != 0 ]; then
			failed+=("$name")
			echo "FAILED: $name (exit $rc)"
		fi
		unset "pid_of[$name]"
	done
	running=$((running - 1))
}

for t in "$@"; do
	while [ "$running" -ge "$jobs" ]; do finish_one; done
	start_of[$t]=$(date +%s)
	bash "$t" >"$out/$(basename "$t").log" 2>&1 &
	pid_of[$t]=$!
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do finish_one; done

if [ ${#failed[@]} -gt 0 ]; then
	echo "integration tests FAILED: ${failed[*]}"
	exit 1
fi
echo "integration tests passed: $#"

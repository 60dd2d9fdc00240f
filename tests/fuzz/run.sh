#!/usr/bin/env bash
# run.sh FUZZ_DIR SECONDS NAME... - what `make fuzz` and `make fuzz-smoke` run: each
# harness FUZZ_DIR/fuzz_NAME for SECONDS on its corpus FUZZ_DIR/corpus/NAME, seeded from
# tests/data by seeds.sh (the corpus is kept and grows from run to run; it is never
# committed), with tests/fuzz/NAME.dict when there is one. Then one line per harness:
# executions, executions per second, coverage, corpus size, peak RSS.
#
# A crash, leak, timeout or out-of-memory leaves its input in FUZZ_DIR/artifacts/ and
# makes the exit status 1; the log (FUZZ_DIR/log/NAME.log) holds the stack. Reproduce
# with `FUZZ_DIR/fuzz_NAME FILE`; a real bug's input then belongs in
# tests/data/<module>/ as a regression case.
set -uo pipefail

if [ $# -lt 3 ]; then
	echo "usage: run.sh FUZZ_DIR SECONDS NAME..." >&2
	exit 64
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(cd "$1" && pwd) || exit 1
seconds=$2
shift 2
# harnesses may read data files relative to the source tree
cd "$HERE/../.." || exit 1
mkdir -p "$dir/log" "$dir/artifacts"
# leaks are bugs too; UBSan's findings stop the run like ASan's
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# per-harness options: the largest input worth trying
max_len() {
	case $1 in
	mime) echo 262144 ;;
	html) echo 131072 ;;
	extract) echo 65536 ;;
	*) echo 16384 ;;
	esac
}

stat_of() { # stat_of LOG KEY: a libFuzzer -print_final_stats value
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

failed=()
summary=()
for name in "$@"; do
	bin=$dir/fuzz_$name
	corpus=$dir/corpus/$name
	log=$dir/log/$name.log
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is missing (make fuzz-build)" >&2
		failed+=("$name")
		continue
	fi
	bash "$HERE/seeds.sh" "$name" "$corpus" || {
		failed+=("$name")
		continue
	}
	dict=()
	[ -f "$HERE/$name.dict" ] && dict=(-dict="$HERE/$name.dict")
	stamp=$dir/log/$name.start
	touch "$stamp"
	echo "fuzz: $name for ${seconds}s (log $log)"
	"$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
		-max_len="$(max_len "$name")" -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/$name-" "${dict[@]}" "$corpus" >"$log" 2>&1
	rc=$?
	new=$(find "$dir/artifacts" -type f -name "$name-*" -newer "$stamp")
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
	corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$done_line")
	summary+=("$(printf '%-10s %12s %10s %8s %14s %8s %s' "$name" \
		"$(stat_of "$log" number_of_executed_units)" \
		"$(stat_of "$log" average_exec_per_sec)" "${cov:--}" "${corp:--}" \
		"$(stat_of "$log" peak_rss_mb)" "$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")")")
	if [ $rc -ne 0 ] || [ -n "$new" ]; then
		failed+=("$name")
		echo "fuzz: $name FAILED (exit $rc); the end of $log:" >&2
		grep -E 'ERROR: |SUMMARY: |runtime error|#[0-9]+ 0x' "$log" | head -n 30 | sed 's/^/  /' >&2
		[ -z "$new" ] || sed "s|^|  reproduce: $bin |" <<<"$new" >&2
	fi
done

printf '\n%-10s %12s %10s %8s %14s %8s %s\n' harness executions exec/s cov corpus rss_mb result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}" >&2
	exit 1
fi

#!/usr/bin/env bash
# run.sh — runs every libFuzzer target of tests/fuzz for a set time and
# appends a dated table to bench/fuzz.md.  Called by `make fuzz`, which first
# builds the targets in build-fuzz (clang, -DOD_FUZZ=ON).
#
#   tests/fuzz/run.sh [BUILD_DIR]            (default build-fuzz)
#   FUZZ_SECONDS=60   time per target (each job runs this long)
#   FUZZ_JOBS=2       libFuzzer -jobs and -workers
#   FUZZ_TARGETS="policy time ..."  subset (default: all)
#   FUZZ_NOTE="..."   a line written under the table
#   FUZZ_BENCH=FILE   where the table goes (default bench/fuzz.md)
#   FUZZ_MAX_LEN=65536  libFuzzer -max_len (smaller is faster for policy/template)
#
# New inputs go to BUILD_DIR/fuzz-runs/<t>/corpus (the committed seeds in
# tests/fuzz/corpus/<t> are read, never written); crash/leak/timeout/oom
# reproducers to BUILD_DIR/fuzz-runs/<t>/artifacts.  Exit status 1 if any
# target produced an artifact.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build-fuzz}" && pwd) || exit 2
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
targets=${FUZZ_TARGETS:-policy config time template route backup_key utf8 json_fields query alertmanager zabbix events calendar_import}
bench=${FUZZ_BENCH:-$root/bench/fuzz.md}

rows=""
total_crashes=0
printf '%-12s %8s %14s %10s %8s %8s\n' target seconds executions exec/s crashes corpus
for t in $targets; do
    bin=$build/tests/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "run.sh: $bin missing (make fuzz builds it)" >&2; exit 2; }
    work=$build/fuzz-runs/$t
    mkdir -p "$work/corpus" "$work/artifacts"
    rm -f "$work"/fuzz-*.log
    dict=()
    [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
    before=$(ls "$work/artifacts" | wc -l)
    start=$(date +%s)
    (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -jobs="$jobs" -workers="$jobs" -max_total_time="$secs" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-65536}" "${dict[@]}" -artifact_prefix="$work/artifacts/" \
        "$work/corpus" "$root/tests/fuzz/corpus/$t" >"$work/driver.log" 2>&1)
    elapsed=$(( $(date +%s) - start ))
    execs=0
    for log in "$work"/fuzz-*.log; do
        [ -f "$log" ] || continue
        n=$(grep -a 'stat::number_of_executed_units' "$log" | tail -n 1 | awk '{print $2}')
        # a job that crashed may not print final stats: take its last "#N" line
        [ -n "$n" ] || n=$(grep -ao '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
        execs=$(( execs + ${n:-0} ))
    done
    crashes=$(( $(ls "$work/artifacts" | wc -l) - before ))
    total_crashes=$(( total_crashes + crashes ))
    corpus=$(ls "$work/corpus" | wc -l)
    rate=$(( elapsed > 0 ? execs / elapsed : execs ))
    printf '%-12s %8s %14s %10s %8s %8s\n' "$t" "$elapsed" "$execs" "$rate" "$crashes" "$corpus"
    rows+="| fuzz_$t | $elapsed | $jobs | $execs | $rate | $crashes | $corpus |"$'\n'
    if [ "$crashes" -gt 0 ]; then
        ls -t "$work/artifacts" | head -n "$crashes" | sed "s|^|    $work/artifacts/|"
    fi
done

{
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — FUZZ_SECONDS=$secs, $jobs jobs, $(nproc) CPUs, $(clang --version | head -n 1)"
    echo
    echo "| target | wall s | jobs | executions | exec/s | crashes | corpus |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s' "$rows"
    [ -n "${FUZZ_NOTE:-}" ] && { echo; echo "$FUZZ_NOTE"; }
} >>"$bench"
echo "appended to $bench"
[ "$total_crashes" -eq 0 ]

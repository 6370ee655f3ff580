#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (with AddressSanitizer) and runs each for a bounded time.
#   scripts/fuzz.sh [seconds per target] [target ...]      (default 300 s, every target)
# FUZZ_SEED=N fixes libFuzzer's random seed, so a run (as CI's) can be repeated.
# Each target starts from its committed seed corpus Fuzz/Corpus/<target>; inputs it finds go to
# $FUZZ_SCRATCH/corpus/<target> (kept between runs), crashes to $FUZZ_SCRATCH/crashes/<target>/.
# Exits non-zero when a target crashes or breaks a property; prints executions per target at the end.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/opt/swift/usr/bin
seconds=${1:-300}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(FuzzSafeTensors FuzzPalette FuzzLabelMap FuzzSessionRecord FuzzAutosave)
scratch=${FUZZ_SCRATCH:-.build-fuzz}
flags=(--package-path Fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld)
# lld: gold fails with an internal error on these links.

# SwiftPM reuses its build plan for the main package (a path dependency here) and misses source files added to it
# since the plan was made; without the plan it looks again (the compiled objects stay).
rm -f "$scratch/debug.yaml"
for target in "${targets[@]}"; do
    swift build "${flags[@]}" --product "$target" || { echo "fuzz: building $target failed" >&2; exit 1; }
done
bin=$(swift build "${flags[@]}" --show-bin-path)

# Leaks inside the Swift runtime libraries that are not ours are listed (with reasons) in scripts/lsan.supp.
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
status=0
summary=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target" crashes="$scratch/crashes/$target"
    mkdir -p "$corpus" "$crashes"
    log="$scratch/$target.log"
    echo "fuzz: $target for ${seconds}s"
    # One worker; inputs up to 16 KiB; an input that runs 10 s or takes 2 GB is a finding too.
    "$bin/$target" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        ${FUZZ_SEED:+-seed="$FUZZ_SEED"} -artifact_prefix="$crashes/" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    found=$(find "$crashes" -type f | wc -l)
    line="$target: ${runs:-?} executions in ${seconds}s, corpus $(find "$corpus" -type f | wc -l) inputs, $found findings kept in $crashes"
    if [ "$rc" -ne 0 ]; then
        status=1
        line="$line; FAILED (exit $rc), see $log"
        grep -m 3 -E "ERROR|Fatal error|property violated" "$log" | sed 's/^/    /'
    fi
    summary+=("$line")
done
echo
echo "== fuzz summary =="
printf '  %s\n' "${summary[@]}"
exit $status

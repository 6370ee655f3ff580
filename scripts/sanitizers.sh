#!/usr/bin/env bash
# Runs the Swift test suite, then the stress driver, under AddressSanitizer (+ LeakSanitizer) and under ThreadSanitizer.
#   scripts/sanitizers.sh [address] [thread]        (default: both)
# SANITIZE_FILTER=<regex> limits the run to matching tests (swift test --filter), e.g. for CI.
# Build folders: .build-asan and .build-tsan. Exits non-zero if a run fails or a sanitizer reports.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/opt/swift/usr/bin
kinds=("$@")
((${#kinds[@]})) || kinds=(address thread)
filter=()
[ -n "${SANITIZE_FILTER:-}" ] && filter=(--filter "$SANITIZE_FILTER")
# Leaks of the Swift runtime libraries, not ours, are listed with reasons in scripts/lsan.supp.
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export ASAN_OPTIONS=detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}
# A data race fails the run (exit 66), every report is printed; false reports on Mutex-guarded values are
# suppressed (scripts/tsan.supp says why).
export TSAN_OPTIONS=exitcode=66:suppressions=$PWD/scripts/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}
# After the tests, the instrumented stress driver: edits racing the render worker, cancellation and autosave.
STRESS_EDITS=${SANITIZE_STRESS_EDITS:-3000}

status=0
summary=()
for kind in "${kinds[@]}"; do
    case $kind in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
        *) echo "sanitizers: unknown kind '$kind' (address or thread)" >&2; exit 2 ;;
    esac
    mkdir -p "$scratch"
    log=$scratch/sanitizer.log
    start=$SECONDS
    if ! swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" >"$log" 2>&1; then
        grep -E "error:" "$log" | head -n 20
        summary+=("$kind: the build failed (log $log)")
        status=1
        continue
    fi
    # The same OpenBLAS kernels as the product (scripts/blas-kernels.sh), so the parity tests hold their tolerances.
    kernels=${OPENBLAS_CORETYPE:-$(scripts/blas-kernels.sh "$scratch/debug/clade-paint" 2>>"$log")}
    ${kernels:+env OPENBLAS_CORETYPE=$kernels} swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" "${filter[@]}" >>"$log" 2>&1
    rc=$?
    stress_out=$(mktemp -d)
    "$scratch/debug/reliability-driver" stress --edits "$STRESS_EDITS" --out "$stress_out" >>"$log" 2>&1
    stress_rc=$?
    rm -rf "$stress_out"
    [ "$rc" -eq 0 ] && rc=$stress_rc
    reports=$(grep -cE "^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread|Leak)Sanitizer)" "$log")
    result=$(grep -E "Test run with [0-9]+ tests?" "$log" | tail -n 1)
    line="$kind: exit $rc, $reports sanitizer reports, ${result:-no Swift Testing summary}; stress $STRESS_EDITS edits exit $stress_rc ($((SECONDS - start)) s incl. build; log $log)"
    if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
        status=1
        grep -m 20 -E "ERROR|WARNING: ThreadSanitizer|SUMMARY|✘" "$log" | sed 's/^/    /'
    fi
    summary+=("$line")
done
echo
echo "== sanitizer summary =="
printf '  %s\n' "${summary[@]}"
exit $status

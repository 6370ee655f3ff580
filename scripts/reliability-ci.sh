#!/usr/bin/env bash
# The bounded reliability run of CI (after `make test`), about 18 minutes on 2 cores from a cold build folder:
# fuzzing 120 s per target (fixed seed), the whole test suite under AddressSanitizer and ThreadSanitizer, 5000 stress edits,
# two painters saving 40 times each into one folder, 40 kills of one painter and 20 rounds of two painters killed on one
# state and output folder, the resource-error checks and SIGHUP in tmux. Runs every part even when one fails; exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
run() {
    echo "== reliability: $* =="
    "$@" || { status=1; echo "== reliability: FAILED: $* =="; }
}
FUZZ_SEED=${FUZZ_SEED:-1} run scripts/fuzz.sh "${CI_FUZZ_SECONDS:-120}"
run scripts/sanitizers.sh address thread
run scripts/stress.sh "${CI_STRESS_EDITS:-5000}" 1 "${CI_SAVES:-40}"
run scripts/crash.sh "${CI_KILLS:-40}" 1500 "${CI_PAIR_KILLS:-20}"
run scripts/resource.sh
run scripts/hangup.sh
exit $status

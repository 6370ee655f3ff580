#!/usr/bin/env bash
# The bench's own Python environment (.venv-bench): .venv's packages plus the peer runtimes of
# Training/requirements-bench.txt, so requirements.txt stays what training and the tests need. Idempotent: a stamp
# records what was installed, so a second run takes a moment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stamp=.venv-bench/.clade-paint-bench-setup
wanted="$(sha256sum Training/requirements-bench.txt | cut -d' ' -f1) $(.venv/bin/python --version 2>&1)"
if [ -x .venv-bench/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    exit 0
fi
echo "bench-setup: creating .venv-bench and installing Training/requirements-bench.txt (a minute or two)"
[ -x .venv-bench/bin/python ] || .venv/bin/python -m venv .venv-bench
rm -f "$stamp"
# .venv's site-packages on .venv-bench's path (a .pth line), after its own: PyTorch and the rest come from .venv.
base=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
own=$(.venv-bench/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$base" > "$own/clade-paint-venv.pth"
.venv-bench/bin/pip install -q -r Training/requirements-bench.txt
echo "$wanted" > "$stamp"
echo "bench-setup: ready"

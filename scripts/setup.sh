#!/usr/bin/env bash
# One idempotent set-up for a fresh machine: Debian packages, the Python virtual environment (.venv) and a
# check for the Swift toolchain. Each step is skipped when already done, so a second run takes a moment.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "setup: $*"; }

# Debian packages: C libraries the Swift targets link, tmux for terminal tests, and ncurses-term for the
# direct-colour terminfo entries (xterm-direct, tmux-direct) the painter's true colour needs.
packages=(libopenblas-dev libpng-dev libncursesw5-dev ncurses-term pkg-config tmux)
python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    packages+=(python3-venv)
fi
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Swift: on PATH, or in /opt/swift where the toolchain image puts it (the Makefile adds that folder to PATH).
if ! command -v swift >/dev/null && [ ! -x /opt/swift/usr/bin/swift ]; then
    say "no Swift toolchain: install Swift 6 (swift.org) and put its usr/bin on PATH" >&2
    exit 1
fi

# Python: .venv with the packages of requirements.txt. The stamp records what was installed, so an unchanged
# requirements file and interpreter skip this step.
stamp=.venv/.clade-paint-setup
wanted="$(sha256sum requirements.txt | cut -d' ' -f1) $("$python" --version 2>&1)"
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    exit 0
fi
say "creating .venv and installing $(grep -cvE '^\s*(#|$)' requirements.txt) Python packages (PyTorch takes a minute or two)"
[ -x .venv/bin/python ] || "$python" -m venv .venv
rm -f "$stamp"
# PyPI's Linux torch wheels carry CUDA (gigabytes); a CPU-only wheel offered by the machine's pip find-links
# (pip.conf / PIP_FIND_LINKS) is preferred. Its dependencies come from the index with the rest.
torch_requirement=$(grep -E '^torch\b' requirements.txt)
if .venv/bin/pip install -q --no-index --no-deps "$torch_requirement" 2>/dev/null; then
    say "PyTorch from a local wheel: $(.venv/bin/pip show torch | sed -n 's/^Version: //p')"
fi
.venv/bin/pip install -q -r requirements.txt
echo "$wanted" > "$stamp"
say "Python packages ready"

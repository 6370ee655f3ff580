#!/usr/bin/env bash
# Installs clade-paint under a prefix, or removes it again (make install / make uninstall):
#   scripts/install.sh install PREFIX BINARY [MANUAL_DIR]
#   scripts/install.sh uninstall PREFIX
# PREFIX/bin/clade-paint, the bundled model and palettes in PREFIX/share/clade-paint (where the binary looks, next to
# its own folder), shell completions from the binary (bash, zsh, fish) and the man pages generate-manual wrote into
# MANUAL_DIR (when given) in PREFIX/share/man/man1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { echo "usage: $0 install PREFIX BINARY [MANUAL_DIR] | uninstall PREFIX" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
prefix=$2
share="$prefix/share/clade-paint"
bash_completion="$prefix/share/bash-completion/completions/clade-paint"
zsh_completion="$prefix/share/zsh/site-functions/_clade-paint"
fish_completion="$prefix/share/fish/vendor_completions.d/clade-paint.fish"
man="$prefix/share/man/man1"

case "$action" in
install)
    [ $# -ge 3 ] || usage
    binary=$3
    manual=${4:-}
    [ -x "$binary" ] || { echo "install: $binary: no such executable (build it first: make install does)" >&2; exit 1; }
    install -d "$prefix/bin" "$share/Models" "$share/Palettes" "$(dirname "$bash_completion")" \
        "$(dirname "$zsh_completion")" "$(dirname "$fish_completion")"
    install -m 755 "$binary" "$prefix/bin/clade-paint"
    install -m 644 Models/landscape.safetensors Models/landscape.md "$share/Models/"
    install -m 644 Palettes/*.gpl "$share/Palettes/"
    # Written by the installed binary, so the completions know every subcommand and option it has.
    "$prefix/bin/clade-paint" --generate-completion-script bash > "$bash_completion"
    "$prefix/bin/clade-paint" --generate-completion-script zsh > "$zsh_completion"
    "$prefix/bin/clade-paint" --generate-completion-script fish > "$fish_completion"
    if [ -n "$manual" ]; then
        install -d "$man"
        install -m 644 "$manual"/*.1 "$man/"
    fi
    echo "installed clade-paint $("$prefix/bin/clade-paint" --version) in $prefix"
    ;;
uninstall)
    # Only what install put there: the man pages by name, the share folder as a whole (it holds nothing else).
    rm -f "$prefix/bin/clade-paint" "$bash_completion" "$zsh_completion" "$fish_completion" "$man"/clade-paint.1 "$man"/clade-paint-*.1
    rm -rf "$share"
    echo "removed clade-paint from $prefix"
    ;;
*)
    usage
    ;;
esac

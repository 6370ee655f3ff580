#!/usr/bin/env bash
# Resource errors: a full disk, a read-only output folder, the painter on a read-only state and output folder
# (small tmpfs mounts; needs root, else skipped),
# and a model file truncated and deleted while the painter uses it.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/reliability-driver.sh
work=$(mktemp -d)
mounted=()
cleanup() {
    for mount in "${mounted[@]}"; do umount "$mount" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
failed=0
check() { # check <what> <output> <pattern>...
    local what=$1 output=$2
    shift 2
    for pattern in "$@"; do
        if ! grep -qE "$pattern" <<<"$output"; then
            echo "resource: $what: FAILED, expected /$pattern/ in:"
            sed 's/^/    /' <<<"$output"
            failed=1
            return
        fi
    done
    echo "resource: $what: ok"
    grep -E "failed:|^start:|^said:|^w:" <<<"$output" | sed 's/^/    message: /'
}
# Every file left in a folder is whole: hidden temporaries would mean an interrupted write was not cleaned up.
no_leftovers() { # no_leftovers <what> <folder>
    local left
    left=$(find "$2" -maxdepth 1 -type f -name '.*' | wc -l)
    if [ "$left" -ne 0 ]; then echo "resource: $1: FAILED, $left temporary files left in $2"; failed=1; fi
}

small_fs() { # small_fs <folder> <size>: a tmpfs of that size, or return 1 without root
    mkdir -p "$1"
    mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null || return 1
    mounted+=("$1")
}

if small_fs "$work/full" 64k; then
    mkdir -p "$work/full/filler" "$work/state"
    dd if=/dev/zero of="$work/full/filler/blob" bs=4k 2>/dev/null
    out=$("$driver" save-once --out "$work/full" --state "$work/state" 2>&1)
    check "save to a full disk" "$out" "save failed: .*No space left on device" "unsaved changes kept: true" "autosave holds the canvas: true"
    no_leftovers "save to a full disk" "$work/full"

    # The autosave itself on the full disk: an error to show, and the last good autosave stays whole.
    # (The save of this run goes to a folder that does not exist, so it never clears the autosave.)
    rm "$work/full/filler/blob"
    out=$("$driver" save-once --out "$work/nowhere" --state "$work/full/state" --edits 5 --fill "$work/full/filler/blob" 2>&1)
    check "autosave to a full disk" "$out" "autosave failed: autosave to .*/autosave-[0-9a-f-]*\.json failed: No space left on device" \
        "previous autosave intact: true" "save failed: .*no such folder"
    no_leftovers "autosave to a full disk" "$work/full/state"

    small_fs "$work/readonly" 1m
    mount -o remount,ro "$work/readonly"
    out=$("$driver" save-once --out "$work/readonly" --state "$work/state" 2>&1)
    check "save to a read-only folder" "$out" "save failed: .*Read-only file system" "unsaved changes kept: true" "autosave holds the canvas: true"

    # The painter itself with its state folder and output folder read-only: it starts, paints and renders, and says
    # once what it cannot write (at the start: saves and autosave; at the first render: the preview picture).
    out=$("$driver" unwritable-paint --state "$work/readonly" --out "$work/readonly" 2>&1)
    check "painter on a read-only state and output folder" "$out" \
        "start: w cannot save: .*cannot be written: Read-only file system; autosave off: cannot create a file in .*: Read-only file system" \
        "said: .*the preview picture is not written: .*Read-only file system" "renders finished: [1-9][0-9]*, failed: 0" \
        "write problems said after the start: 1" "w: not saved: cannot save into .*: Read-only file system"
else
    echo "resource: full disk and read-only folder skipped: mounting a tmpfs needs root"
fi

cp Tests/CLADETests/Fixtures/clade_icpe_edges_vae_batch.model.safetensors "$work/model.safetensors"
out=$("$driver" model-gone --model "$work/model.safetensors" 2>&1)
check "model file deleted while in use" "$out" "rendering goes on"
exit $failed

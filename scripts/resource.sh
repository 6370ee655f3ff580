#!/usr/bin/env bash
# Resource errors: a full disk, a read-only output folder, the painter on a read-only state and output folder
# (small tmpfs mounts; needs root, else skipped), a model file truncated and deleted while the painter uses it, and
# hostile inputs to `render` under a memory limit: a named pipe as mask, a 1 MB PNG of 32000x32000 pixels,
# --size 65536x65536, a batch onto a full disk.
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
        if ! grep -qE -e "$pattern" <<<"$output"; then
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
    check "autosave to a full disk" "$out" "autosave failed: autosave to .*/autosave-[0-9a-f-]*\.json failed: write error: No space left on device" \
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

# Hostile inputs to render, each under a 4 GB address-space limit and a 20 s timeout: refused in words, exit 1.
swift build -c release --scratch-path "$scratch" --product clade-paint 2>&1 | tail -n 1
app=$PWD/$scratch/release/clade-paint
hostile="$work/hostile"
mkdir -p "$hostile/Palettes"
cp Tests/CLADETests/Fixtures/clade_instance.model.safetensors "$hostile/plain.safetensors"
printf 'GIMP Palette\nName: fixture\n200 30 30 a\n30 200 30 b\n30 30 200 c\n220 220 40 d\n40 220 220 e\n220 40 220 f\n' >"$hostile/Palettes/fixture.gpl"
python3 - "$hostile" <<'PY'
import struct, sys, zlib
def png(path, width, height):
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    packer, row = zlib.compressobj(9), bytes(1 + width)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", data) + chunk(b"IEND", b""))
png(sys.argv[1] + "/huge.png", 32000, 32000)
png(sys.argv[1] + "/grid.png", 8, 8)
PY
mkfifo "$hostile/pipe.png"
hostile_render() { # hostile_render <what> <pattern> <arguments>...: exit 1 with the pattern, within the limits
    local what=$1 pattern=$2 out rc
    shift 2
    out=$(cd "$hostile" && ulimit -v 4000000 && /usr/bin/time -f "peak RSS %M KiB, %e s" timeout 20 "$app" render --model plain.safetensors --threads 1 "$@" 2>&1)
    rc=$?
    if [ "$rc" -ne 1 ]; then
        echo "resource: $what: FAILED, exit status $rc (124: hung; 134: aborted) instead of 1:"; sed 's/^/    /' <<<"$out"; failed=1; return
    fi
    check "$what" "$out" "$pattern"
    grep -E "error:|peak RSS" <<<"$out" | sed 's/^/    /'
}
hostile_render "named pipe as mask" "pipe.png: this is a named pipe" pipe.png -o out.png
hostile_render "32000x32000 PNG as mask" "huge.png: the mask is 32000x32000 pixels" huge.png -o out.png
hostile_render "--size 65536x65536" "--size: a 65536x65536 picture: at most 8192x8192" grid.png --size 65536x65536 -o out.png
hostile_render "output onto /dev/null" "/dev/null: cannot write: this is a character device" grid.png -o /dev/null --force

# A batch that fails part-way (the disk fills up): the pictures already reported stay whole, the failing one
# leaves nothing, and the run ends with exit 1 naming it (documented in README's command-line section).
if small_fs "$work/batch" 100k; then
    for name in a b c d e f; do cp "$hostile/grid.png" "$hostile/$name.png"; done
    out=$(cd "$hostile" && "$app" render --model plain.safetensors --threads 1 --size 128x128 a.png b.png c.png d.png e.png f.png -o "$work/batch" 2>&1)
    rc=$?
    written=$(grep -c -- " -> " <<<"$out")
    check "batch onto a full disk" "$out" "error: $work/batch/[a-f].png: .*No space left on device"
    if [ "$rc" -ne 1 ] || [ "$written" -lt 1 ] || [ "$(find "$work/batch" -type f | wc -l)" -ne "$written" ]; then
        echo "resource: batch onto a full disk: FAILED, exit $rc, $written pictures reported, files: $(ls -A "$work/batch")"; failed=1
    else
        echo "resource: batch onto a full disk: $written pictures written before the disk was full, each whole, nothing else left"
        for picture in "$work"/batch/*.png; do
            python3 -c "import sys, zlib; d = open(sys.argv[1], 'rb').read(); assert d.endswith(b'IEND\xaeB\x60\x82')" "$picture" \
                || { echo "resource: batch onto a full disk: FAILED, $picture is not whole"; failed=1; }
        done
    fi
    no_leftovers "batch onto a full disk" "$work/batch"
else
    echo "resource: batch onto a full disk skipped: mounting a tmpfs needs root"
fi
exit $failed

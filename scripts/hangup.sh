#!/usr/bin/env bash
# The terminal goes away: clade-paint runs in tmux with the bundled model; after a few painted cells it gets
# (a) SIGHUP while its pane stays open (remain-on-exit), so the terminal's modes can be read afterwards, and
# (b) its tmux session killed, the way a closed terminal window ends it.
# Demands: the process ends by itself within 10 s, the pane is back on the normal screen with mouse reporting
# off (read from tmux's view of the pane), stderr says where the painting is, and the autosave holds the painted cells.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$PATH:/opt/swift/usr/bin
command -v tmux >/dev/null || { echo "hangup: skipped, no tmux"; exit 0; }
scratch=${RELIABILITY_SCRATCH:-.build-rel}
swift build -c release --scratch-path "$scratch" --product clade-paint 2>&1 | tail -n 1
app=$PWD/$scratch/release/clade-paint
work=$(mktemp -d)
server=clade-paint-hangup-$$
trap 'tmux -L "$server" kill-server 2>/dev/null; rm -rf "$work"' EXIT
failed=0

# Whether the painter's autosave (its own autosave-<pid>-<random>.json) has a cell of class 2 (mountain), which the
# scene (sky over grass) lacks.
painted() {
    grep -qE '"label" *: *2[,}]' "$1"/autosave-*.json 2>/dev/null
}

start() { # start <name>: the painter in a 100x40 pane; paints four mountain cells
    local name=$1
    mkdir -p "$work/$name/state" "$work/$name/out"
    tmux -L "$server" new-session -d -s "$name" -x 100 -y 40 \
        "exec '$app' paint --state-dir '$work/$name/state' --out '$work/$name/out' --threads 1 2>'$work/$name/stderr'"
    tmux -L "$server" set-option -t "$name" remain-on-exit on >/dev/null
    sleep 3
    tmux -L "$server" send-keys -t "$name" 3 Space l Space l Space l Space
    # Well inside the autosave's delay: the painting reaches disk only if the signal handling writes it.
    sleep 0.2
    pid=$(tmux -L "$server" display-message -p -t "$name" '#{pane_pid}')
}

gone_within() { # gone_within <pid> <seconds>: the process has exited (a zombie that tmux has not reaped yet counts)
    for ((tick = 0; tick < $2 * 10; tick++)); do
        case $(ps -o stat= -p "$1" 2>/dev/null) in "" | Z*) return 0 ;; esac
        sleep 0.1
    done
    return 1
}

verdict() { # verdict <what> <condition...>
    local what=$1
    shift
    if "$@"; then echo "hangup: $what: ok"; else echo "hangup: $what: FAILED"; failed=1; return 1; fi
}

start hup
kill -HUP "$pid"
verdict "SIGHUP: the painter ends" gone_within "$pid" 10 || ps -o pid,stat,wchan:32,cmd -p "$pid"
# tmux may take a moment to reap the process and record its status. (It reports the cursor as hidden for every
# dead pane, also after a clean quit, so the cursor is not checked.)
for ((tick = 0; tick < 50; tick++)); do
    [ "$(tmux -L "$server" display-message -p -t hup '#{pane_dead}')" = 1 ] && break
    sleep 0.1
done
modes=$(tmux -L "$server" display-message -p -t hup '#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_sgr_flag} #{pane_dead_status}')
echo "hangup: pane after SIGHUP: alternate screen, mouse any/button/sgr, exit status = $modes"
# tmux records no exit status while the process is an unreaped zombie; then its stderr line stands for it.
verdict "SIGHUP: normal screen, mouse reporting off, exit 129" grep -qE "^0 0 0 0 (129|)$" <<<"$modes"
verdict "SIGHUP: stderr says signal 1 and names the autosave" grep -q "stopped by signal 1; the painting is autosaved in" "$work/hup/stderr"
verdict "SIGHUP: the autosave holds the painted cells" painted "$work/hup/state"

start closed
tmux -L "$server" kill-session -t closed
verdict "terminal closed: the painter ends" gone_within "$pid" 10
verdict "terminal closed: the autosave holds the painted cells" painted "$work/closed/state"
sed 's/^/    stderr: /' "$work/hup/stderr"
exit $failed

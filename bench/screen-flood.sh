#!/bin/bash
# Flood benchmark of the screen. 256 MiB of 100-byte lines go through one pty
# task shown on screen, with forkscope in a detached tmux of 200x50; the same
# flood goes through a bare pty reader (bench/pty-reader) and a plain tmux
# pane. ROUNDS rounds (default 11: single rounds spread by a third here, see
# doc/benchmarks.md), the contenders taking turns in each round, the load
# printed before each run; TMUX_PANE=0 leaves the plain tmux pane out.
# Reports, as medians with min and max:
#  - CPU seconds of the reader itself, of forkscope (without its task), of the
#    tmux server, and the ratio forkscope / reader (target: at most 1.5);
#  - MB/s and the ratio forkscope / reader (target: at least 0.8).
# Each round's forkscope run is also set against the reader's run of the same
# round (a round's load weighs on both of its runs alike): a target is met
# when both the median of those paired ratios and the ratio of the medians
# meet it. FORKSCOPE_BEFORE=path adds another forkscope binary (an older build) as
# a contender; BURN=1 keeps a CPU busy with another process during the runs.
# Usage: bench/screen-flood.sh [MiB]   (from the build directory)
set -u
MIB=${1:-256}
ROUNDS=${ROUNDS:-11}
TMUX_PANE=${TMUX_PANE:-1}
BYTES=$((MIB * 1024 * 1024))
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FORKSCOPE=${FORKSCOPE:-./forkscope}
BEFORE=${FORKSCOPE_BEFORE:-}
READER=${READER:-./bench/pty-reader}
tmp=$(mktemp -d)
SOCK="fs-bench-$$"
# The busy loop is found by its pid file, which it writes first thing: an
# interrupt right after it starts must not leave it running.
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; [ -s "$tmp/burner.pid" ] && kill "$(cat "$tmp/burner.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT

# The flood: each line is 99 digits and a newline.
GEN="yes \$(printf %099d 0) | head -c $BYTES"
# The task: says it started, lets its host settle, then times the flood
# inside whatever runs it and writes the seconds to a file.
timed() { echo "touch $1.go; sleep 0.5; s=\$(date +%s.%N); $GEN; e=\$(date +%s.%N); echo \"\$s \$e\" > $1"; }

mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
elapsed() { awk '{ printf "%.3f", $2 - $1 }' "$1"; }
wait_file() { for _ in $(seq 2400); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
wait_exists() { for _ in $(seq 600); do [ -e "$1" ] && return 0; sleep 0.05; done; return 1; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1000 }'; }

# on_screen NAME BINARY: one forkscope run; appends seconds, MB/s, CPU s.
on_screen() {
    local name=$1 bin=$2 out="$tmp/run-$1"
    rm -f "$out" "$out.go"
    printf 'tasks:\n  flood:\n    shell: %s\n' "'$(timed "$out")'" >"$tmp/$name.yaml"
    tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$bin -f $tmp/$name.yaml"
    wait_exists "$out.go" || { echo "$name did not start"; return 1; }
    local pid c0
    pid=$(pgrep -o -f -- "^$bin -f $tmp/$name.yaml")
    c0=$(cpu_ms "$pid")
    wait_file "$out" || { echo "$name run did not finish"; return 1; }
    local c1 secs
    c1=$(cpu_ms "$pid")
    secs=$(elapsed "$out")
    LAST_CPU=$(sub "$c0" "$c1")
    LAST_MBPS=$(mbps "$secs")
    echo "$LAST_MBPS" >>"$tmp/$name.mbps"
    echo "$LAST_CPU" >>"$tmp/$name.cpu"
    echo "    $name: ${secs}s = $LAST_MBPS MB/s, CPU ${LAST_CPU}s (peak RSS $(awk '/VmHWM/ { print $2 }' /proc/"$pid"/status 2>/dev/null) KiB)"
    tmux -L "$SOCK" kill-server 2>/dev/null
    sleep 0.5
}

# The busy machine's other process runs in a session of its own, like a
# program started from another terminal. With the kernel's autogroups (on in
# Debian) a process started from this script would share the reader's
# scheduling group and not forkscope's, which runs in tmux's session: the two
# contenders would face the load differently (doc/benchmarks.md).
if [ "${BURN:-0}" = 1 ]; then
    setsid sh -c 'echo $$ >"$1"; while :; do :; done' sh "$tmp/burner.pid" &
    wait_file "$tmp/burner.pid"
    echo "BURN=1: a shell loop in its own session keeps one CPU busy during the runs (pid $(cat "$tmp/burner.pid"))"
fi
echo "== $MIB MiB of 100-byte lines through one pty, $ROUNDS rounds"
for r in $(seq "$ROUNDS"); do
    note_load "round $r"
    # 1. The floor: a bare pty reader.
    # In a session of its own, as forkscope is in tmux's.
    read -r got secs cpu < <(setsid -w "$READER" "$GEN")
    rmbps=$(mbps "$secs")
    echo "$rmbps" >>"$tmp/reader.mbps"
    echo "$cpu" >>"$tmp/reader.cpu"
    echo "    bare pty reader: $got bytes in ${secs}s = $rmbps MB/s, CPU ${cpu}s"
    # 2. forkscope (and the older build) on screen.
    on_screen forkscope "$FORKSCOPE" || exit 1
    awk -v f="$LAST_CPU" -v r="$cpu" 'BEGIN { printf "%.3f\n", f / r }' >>"$tmp/pair.cpu"
    awk -v f="$LAST_MBPS" -v r="$rmbps" 'BEGIN { printf "%.3f\n", f / r }' >>"$tmp/pair.mbps"
    echo "    this round: CPU forkscope/reader $(tail -1 "$tmp/pair.cpu"), MB/s $(tail -1 "$tmp/pair.mbps")"
    [ -n "$BEFORE" ] && { on_screen before "$BEFORE" || exit 1; }
    # 3. A plain tmux pane of the same size: the server's CPU.
    [ "$TMUX_PANE" = 1 ] || continue
    rm -f "$tmp/run-tmux" "$tmp/run-tmux.go"
    tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$(timed "$tmp/run-tmux")"
    wait_exists "$tmp/run-tmux.go" || { echo "tmux did not start"; exit 1; }
    spid=$(tmux -L "$SOCK" display -p '#{pid}')
    c0=$(cpu_ms "$spid")
    wait_file "$tmp/run-tmux" || { echo "tmux run did not finish"; exit 1; }
    c1=$(cpu_ms "$spid")
    tsecs=$(elapsed "$tmp/run-tmux")
    tmbps=$(mbps "$tsecs")
    tcpu=$(sub "$c0" "$c1")
    echo "$tmbps" >>"$tmp/tmux.mbps"
    echo "$tcpu" >>"$tmp/tmux.cpu"
    echo "    tmux pane: ${tsecs}s = $tmbps MB/s, CPU ${tcpu}s"
    tmux -L "$SOCK" kill-server 2>/dev/null
done

echo "CPU seconds (the process itself, not the writer):"
echo "  bare pty reader: $(stats "$tmp/reader.cpu")"
echo "  forkscope:       $(stats "$tmp/forkscope.cpu")"
[ -n "$BEFORE" ] && echo "  $BEFORE: $(stats "$tmp/before.cpu")"
[ "$TMUX_PANE" = 1 ] && echo "  tmux server:     $(stats "$tmp/tmux.cpu")"
echo "MB/s:"
echo "  bare pty reader: $(stats "$tmp/reader.mbps")"
echo "  forkscope:       $(stats "$tmp/forkscope.mbps")"
[ -n "$BEFORE" ] && echo "  $BEFORE: $(stats "$tmp/before.mbps")"
[ "$TMUX_PANE" = 1 ] && echo "  tmux pane:       $(stats "$tmp/tmux.mbps")"
echo "Paired ratios, forkscope / reader in the same round:"
echo "  CPU:  $(stats "$tmp/pair.cpu")"
echo "  MB/s: $(stats "$tmp/pair.mbps")"
awk -v fc="$(median_of "$tmp/forkscope.cpu")" -v rc="$(median_of "$tmp/reader.cpu")" \
    -v fm="$(median_of "$tmp/forkscope.mbps")" -v rm="$(median_of "$tmp/reader.mbps")" \
    -v tm="$([ "$TMUX_PANE" = 1 ] && median_of "$tmp/tmux.mbps")" -v pc="$(median_of "$tmp/pair.cpu")" \
    -v pm="$(median_of "$tmp/pair.mbps")" -v burn="${BURN:-0}" 'BEGIN {
    printf "CPU forkscope/reader: %.2f the median of the rounds, %.2f the ratio of the medians", pc, fc / rc
    printf " (target <= 1.5 by both: %s)\n", (pc <= 1.5 && fc / rc <= 1.5 ? "met" : "NOT met")
    printf "MB/s forkscope/reader: %.2f the median of the rounds, %.2f the ratio of the medians", pm, fm / rm
    if (burn == 1)
        printf " (target >= 0.8 by both on a busy machine: %s)\n", (pm >= 0.8 && fm / rm >= 0.8 ? "met" : "NOT met")
    else
        printf " (the 0.8 target is for a busy machine: BURN=1)\n"
    if (tm > 0)
        printf "MB/s forkscope/tmux: %.2f\n", fm / tm }'
busy_verdict

#!/bin/bash
# fork tasks: Node children use process.send() and process.on('message') with
# forkscope as the parent, in json and advanced serialization. Skipped, with a
# visible SKIP, when node is not installed (a failure under CI=true).
. "$FS_SRCDIR/tests/lib.sh"
N=25
plan $N
if ! command -v node >/dev/null; then
    skip_missing $N node
    finish
fi
F="$FS_SRCDIR/tests/fixtures/ipc-e2e"

for mode in json advanced; do
    cat >"$FS_TMP/echo-$mode.yaml" <<YAML
tasks:
  echo:
    fork: $F/echo.js
    serialization: $mode
YAML
    # Each send waits for what it answers: the child's ready message, then the echo.
    fs_bg --headless --json --control -f "$FS_TMP/echo-$mode.yaml"
    wait_for 30 grep -qF '"msg":{"ready":true' "$FS_TMP/out"
    ctl 'send echo {"q":"ünï","n":[1,2.5,true,null]}'
    wait_for 30 grep -qF '"msg":{"echo":' "$FS_TMP/out"
    ctl 'send echo {"bye":true}'
    wait_evs 30 1 exit echo
    fs_wait 30
    check "$mode: the child's first message arrives, Unicode and nesting intact" \
        grep -qF '"dir":"in","bytes":' "$FS_TMP/out"
    check "$mode: its content" grep -qF '"msg":{"ready":true,"unicode":"héllo ✓ 😀","nested":{"a":[1,2,{"b":null}]}}' "$FS_TMP/out"
    check "$mode: a message sent to the child is logged as out" \
        grep -qF '"dir":"out"' "$FS_TMP/out"
    check "$mode: the child answers it" grep -qF '"msg":{"echo":{"q":"ünï","n":[1,2.5,true,null]}}' "$FS_TMP/out"
    check "$mode: the child exits 0 on request" grep -qF '"ev":"exit","task":"echo"' "$FS_TMP/out"
done

# Invalid JSON is refused with the parser's position and never sent.
fs_bg --headless --json --control --names echo "fork:$F/echo.js"
wait_for 30 grep -qF '"msg":{"ready":true' "$FS_TMP/out"
ctl 'send echo {"a":}' 'send echo {"bye":true}'
wait_evs 30 1 exit echo
fs_wait 30
check "invalid JSON is refused with its position" grep -qE '"ev":"error".*invalid JSON at line 1, column' "$FS_TMP/out"
if [ "$(grep -c '"dir":"out"' "$FS_TMP/out")" = 1 ]; then ok "only the valid message was sent"; else not_ok "out messages: $(grep -c '"dir":"out"' "$FS_TMP/out")"; fi

# 100,000 messages arrive complete and in order.
timeout 300 "$FORKSCOPE" --headless --json "fork:$F/flood.js 100000" >"$FS_TMP/out" 2>"$FS_TMP/err"
grep '"ev":"message"' "$FS_TMP/out" | sed -n 's/.*"msg":{"i":\([0-9]*\)}.*/\1/p' >"$FS_TMP/seq"
if [ "$(wc -l <"$FS_TMP/seq")" = 100000 ] && seq 0 99999 | cmp -s - "$FS_TMP/seq"; then
    ok "100,000 messages arrive complete and in order"
else
    not_ok "got $(wc -l <"$FS_TMP/seq") messages, in order: $(seq 0 99999 | cmp - "$FS_TMP/seq" 2>&1 | head -1)"
fi

# A 10 MiB message from a child that exits right after sending it.
timeout 300 "$FORKSCOPE" --headless --json "fork:$F/big.js" >"$FS_TMP/out" 2>"$FS_TMP/err"
size=$(sed -n 's/.*"ev":"message".*"bytes":\([0-9]*\).*/\1/p' "$FS_TMP/out")
if [ "$size" = $((10 * 1024 * 1024 + 10)) ]; then ok "a 10 MiB message arrives whole ($size bytes)"; else not_ok "10 MiB message: bytes '$size'"; fi
check "its exit is clean" grep -qF '"code":0' "$FS_TMP/out"

# A child that sends and exits at once loses nothing.
timeout 120 "$FORKSCOPE" --headless --json "fork:$F/sendexit.js" >"$FS_TMP/out" 2>"$FS_TMP/err"
check "a message sent just before exit arrives" grep -qF '"msg":{"last":"words"}' "$FS_TMP/out"

# A child that passes a socket handle keeps talking after forkscope's ACK; the
# handle is logged with its kind, and forkscope keeps no descriptor of it.
sockets() { for f in /proc/"$1"/fd/*; do readlink "$f"; done 2>/dev/null | grep '^socket:' | sort -u; }
has() { grep -qF -- "$1" "$FS_TMP/out"; }
# forkscope's descriptors, but for files of /proc: the sampler holds some for
# an instant while it reads, whenever its timer fires.
fds() { for f in /proc/"$1"/fd/*; do readlink "$f"; done 2>/dev/null | grep -vc '^/proc'; }
fs_bg --headless --json --control --names h "fork:$F/handle.js"
wait_evs 30 1 start h
child=$(task_pid h)
before=$(fds "$FPID")
ctl 'send h {"go":true}'
wait_for 30 has '"msg":{"after":"ack"}'
after=$(fds "$FPID")
shared=$(comm -12 <(sockets "$FPID") <(sockets "$child"))
ctl 'send h {"bye":true}'
ctl quit
fs_wait 30
check "NODE_HANDLE arrives, tagged internal, with its listening TCP socket" \
    has '"msg":{"cmd":"NODE_HANDLE","type":"net.Server","msg":{"handle":"server"}},"internal":true,"handles":{"count":1,"kinds":["tcp-server"]}}'
check "forkscope answers NODE_HANDLE_ACK" has '"msg":{"cmd":"NODE_HANDLE_ACK"}'
check "the child's next message arrives after the ACK" has '"msg":{"after":"ack"}'
check "forkscope holds as many descriptors as before the handle ($before, then $after)" \
    test "$before" = "$after"
check "forkscope shares no socket with the child (the passed one was closed)" \
    test -n "$child" -a -z "$shared"

# A flood of sends through --control to a child that reads slowly: forkscope
# stops reading its input while the channel is full, so every message arrives,
# in order, and forkscope's memory stays flat although 100 MB go through.
# (A small ASan quarantine, so that a sanitizer build measures live memory.)
M=200000
ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=4" fs_bg --headless --json --control --interval 60 \
    --names slow "fork:$F/slowread.js $M"
(awk -v n="$M" 'BEGIN { pad = sprintf("%0480d", 0)
    for (i = 0; i < n; i++) printf "send slow {\"i\":%d,\"pad\":\"%s\"}\n", i, pad }' >&7) 2>/dev/null &
GEN=$!
summary() { grep -qF '"msg":{"got":' "$FS_TMP/out"; }
# 100 MB through a sanitizer build took more than 120 s on a loaded machine:
# the limit is for a flood that never ends.
wait_for 600 summary
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$FPID/status" 2>/dev/null)
kill "$GEN" 2>/dev/null
wait "$GEN" 2>/dev/null
ctl_close
fs_wait 30
if grep -qF "\"msg\":{\"got\":$M,\"inorder\":true}" "$FS_TMP/out"; then
    ok "$M sends through --control to a slow reader: all arrive, in order"
else
    not_ok "slow reader: $(grep -F '"got":' "$FS_TMP/out" | cut -c1-200)"; show "$FS_TMP/err"
fi
nout=$(grep -c '"dir":"out"' "$FS_TMP/out")
check "every one of them is logged as an out message ($nout)" test "$nout" -eq "$M"
check "no command was refused (no error event)" test "$(nevs error)" -eq 0
diag "forkscope's peak RSS: ${hwm:-?} KiB for $((M * 512 / 1000000)) MB sent"
if [ -n "$hwm" ] && [ "$hwm" -lt 65536 ]; then
    ok "forkscope's memory stays bounded: peak RSS ${hwm} KiB < 64 MiB"
else
    not_ok "forkscope's peak RSS ${hwm:-?} KiB"
fi
finish

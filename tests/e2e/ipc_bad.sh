#!/bin/bash
# Bad frames on a fork task's channel, from a C child (tests/helpers/fs-badframes):
# every kind in json and advanced mode is reported as a bad message with its
# size and first bytes, the valid messages after it still arrive where the
# framing allows, and a 200 MiB line does not make forkscope's memory grow.
. "$FS_SRCDIR/tests/lib.sh"
plan 35
H="$FS_HELPERS/fs-badframes"

# session MODE SERIALIZATION: a session file with one task running the helper.
session() {
    cat >"$FS_TMP/$1.yaml" <<YAML
tasks:
  bad:
    fork: $H $1
    serialization: $2
    max_message: 1KiB
YAML
}
# The seq numbers of the valid messages, in arrival order.
seqs() { evs message | sed -n 's/.*"msg":{"seq":\([0-9]*\)}.*/\1/p' | tr '\n' ' '; }
# bad_is BYTES TEXT: a bad message of BYTES bytes whose event contains TEXT.
bad_is() { evs message | grep -F '"bad":true' | grep -F "\"bytes\":$1," | grep -qF -- "$2"; }
nbad() { evs message | grep -cF '"bad":true'; }

# ---- json ----------------------------------------------------------------------------
session json json
run_fs --headless --json -f "$FS_TMP/json.yaml"
check "json: every valid message arrives, in order, after each bad one" test "$(seqs)" = "1 2 3 4 5 6 7 "
check "json: seven bad messages, fourteen in all" \
    test "$(nbad)/$(nevs message)" = "7/14"
check "json: a line that is not JSON: its size, the parser's position, its bytes" \
    bad_is 16 '"error":"invalid JSON at line 1, column 4 (position 4): invalid token near '"'this'"'","head":"this is not json"}'
e=$(printf '\303\251%.0s' $(seq 27))
check "json: a line over the limit: its full size, its first bytes cut before a split character" \
    bad_is 5000 '"error":"frame longer than the limit","head":"{\"long\":\"'"$e"'"}'
check "json: binary garbage: NUL and bytes that are not UTF-8, escaped" \
    bad_is 15 '"head":"\u0000\u0001\\xff\\xfe{\\xc3(}garbage","escaped":true}'
check "json: a JSON text that is not UTF-8 is bad" bad_is 10 'unable to decode byte 0xc0'
check "json: an empty line is bad" bad_is 0 '"head":""'
y=$(printf 'y%.0s' $(seq 64))
check "json: a long line that is not JSON shows its first 64 bytes only" bad_is 500 "\"head\":\"$y\"}"
check "json: a partial line at EOF is truncated, with the bytes received" \
    bad_is 14 '"error":"truncated frame","head":"{\"partial\":tru"}'
check "json: the child and forkscope end normally" test "$rc/$(nevs exit)" = "0/1"

# ---- advanced ------------------------------------------------------------------------
session advanced advanced
run_fs --headless --json -f "$FS_TMP/advanced.yaml"
check "advanced: every valid frame arrives, in order, after each bad one" \
    test "$(seqs)" = "1 2 3 4 5 "
check "advanced: five bad frames, ten in all" test "$(nbad)/$(nevs message)" = "5/10"
check "advanced: bad V8 bytes: where decoding stopped" \
    bad_is 5 '"error":"undecodable (5 bytes): unknown tag 0x01 at offset 3","head":"\\xff\u000F\u0001\u0002\u0003","escaped":true}'
check "advanced: garbage without a serializer header" \
    bad_is 6 '"error":"undecodable (6 bytes): no serializer header (0xFF) at offset 1"'
check "advanced: an empty frame" bad_is 0 'no serializer header (0xFF) at offset 0'
h=$(printf 'b%.0s' $(seq 61))
check "advanced: a frame over the limit is skipped; its size and first 64 bytes" \
    bad_is 4096 '"error":"frame longer than the limit","head":"\\xff\u000F\"'"$h"'","escaped":true}'
check "advanced: a truncated frame at EOF, with the bytes received" \
    bad_is 15 '"error":"truncated frame","head":"\\xff\u000F\"@truncat"'
check "advanced: the child and forkscope end normally" test "$rc/$(nevs exit)" = "0/1"

# ---- advanced, a length that cannot be a frame -----------------------------------------
session lost advanced
run_fs --headless --json -f "$FS_TMP/lost.yaml"
check "lost sync: the frame before it arrives, none after" test "$(seqs)" = "1 "
check "lost sync: the bad header, with the length it claimed" \
    bad_is 2054847098 '"error":"length over the limit without a serializer header: the stream is lost","head":"zzzz "}'
check "lost sync: every later byte is counted and reported at EOF" \
    bad_is 51 '"error":"bytes after a lost frame","head":" not a frame at all\u0000'
check "lost sync: three messages in all" test "$(nevs message)" = 3
check "lost sync: forkscope and the child end normally" test "$rc/$(nevs exit)" = "0/1"

# ---- a 200 MiB line: memory stays bounded by the limit -----------------------------------
cat >"$FS_TMP/big.yaml" <<YAML
tasks:
  big:
    fork: $H bigline 200
    max_message: 8MiB
YAML
fs_bg --headless --json --control -f "$FS_TMP/big.yaml"
has_after() { grep -qF '"msg":{"after":"big"}' "$FS_TMP/out"; }
if wait_for 60 has_after; then
    ok "the message after a 200 MiB line arrives"
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$FPID/status")
    diag "forkscope's peak RSS: $hwm KiB (the line: 204800 KiB, the limit: 8192 KiB)"
    # Generous for sanitizer builds; the line alone would be 200 MiB.
    check "forkscope's peak RSS stays well under the line's size" test "${hwm:-999999}" -lt 102400
else
    not_ok "the message after a 200 MiB line arrives"
    skip "no peak RSS without the message"
fi
ctl quit
fs_wait 30
check "the line is reported as too long, with its full size" \
    bad_is 209715210 '"error":"frame longer than the limit","head":"{\"big\":\"aaaa'
check "and is the only bad message" test "$(nbad)" = 1
check "forkscope quits on request" test "$rc" != 124

# ---- on screen: the channel's counts --------------------------------------------------
# Every message is checked as it arrives, so a line that frames well but is not
# JSON is counted as bad with the framing errors (doc/protocol.md, "Bad frames").
if command -v tmux >/dev/null; then
    SOCK="fs-ipcbad-$$"
    trap 'tmux -L "fs-ipcbad-$$" kill-server 2>/dev/null; tmux -L "fs-ipcbad2-$$" kill-server 2>/dev/null; _fs_cleanup' EXIT
    row() { tmux -L "$SOCK" capture-pane -p -t fs 2>/dev/null | grep -E "$1"; }
    tmux -L "$SOCK" new-session -d -s fs -x 160 -y 45 "'$FORKSCOPE' -f '$FS_TMP/json.yaml'; sleep 1000"
    check "screen, json: the table marks the task's bad messages" shown_re ' 14/0! '
    tmux -L "$SOCK" send-keys -t fs m
    # CHANNEL, MSG IN, MSG OUT, BYTES IN, BYTES OUT, BAD
    check "screen, json: all seven bad lines are counted, those that are not JSON too" \
        shown_re '^ bad +14 +0 +[0-9]+ +0 +7 '
    diag "$(row '^ bad ')"
    tmux -L "$SOCK" kill-server 2>/dev/null
    # A server of its own: a new session on a server still shutting down can fail.
    SOCK="fs-ipcbad2-$$"
    session advanced advanced
    tmux -L "$SOCK" new-session -d -s fs -x 160 -y 45 "'$FORKSCOPE' -f '$FS_TMP/advanced.yaml'; sleep 1000"
    tmux -L "$SOCK" send-keys -t fs m
    # The frame with a serializer header that does not decode is shown as
    # undecodable but not counted: that would take a full decode on arrival.
    check "screen, advanced: the four frames without a usable header are counted" \
        shown_re '^ bad +10 +0 +[0-9]+ +0 +4 '
    check "screen, advanced: the undecodable frame is shown with the decoder's reason" \
        shown_re 'undecodable \(5 bytes\): unknown tag 0x01 at offset 3'
    tmux -L "$SOCK" kill-server 2>/dev/null
else
    skip_missing 4 tmux
fi

# ---- the text front end -------------------------------------------------------------
session json json
run_fs --headless -f "$FS_TMP/json.yaml"
check "text: a bad frame is a line with its size" grep -qF 'bad = <- bad frame of 5000 bytes' "$FS_TMP/out"
check "text: the valid messages around it" grep -qF 'bad = <- {"seq":6}' "$FS_TMP/out"
check "text: seven bad frames" test "$(grep -c 'bad frame of' "$FS_TMP/out")" = 7
finish

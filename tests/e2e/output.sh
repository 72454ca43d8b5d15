#!/bin/bash
# Output lines: long lines split into marked pieces (nothing lost), bytes that are
# not UTF-8 escaped and flagged, a last line without newline flagged, a binary
# flood survived, and a large output delivered complete through a slow reader
# while forkscope's memory stays bounded (the slow reader pauses the task).
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 25

# data_of TASK: the data of TASK's output events, one a line, quotes removed.
data_of() { evs output "$1" | jfield data | sed 's/^"//; s/"$//'; }

# ---- long lines ---------------------------------------------------------------------
LONG='seq 1 50000 | tr -d "\n" | head -c 200000; echo'
seq 1 50000 | tr -d '\n' | head -c 200000 >"$FS_TMP/expected"
run_fs --headless --json --max-line 64k "$LONG"
check "long line: exit status 0" test "$rc" -eq 0
check "long line: 200,000 bytes arrive as 4 pieces" test "$(nevs output seq)" -eq 4
if [ "$(data_of seq | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')" -le 65536 ]; then
    ok "long line: every piece is at most 64 KiB"
else
    not_ok "long line: a piece is longer than 65536 bytes"
fi
if [ "$(evs output seq | head -n 3 | grep -c '"split":true')" -eq 3 ] &&
    ! evs output seq | tail -n 1 | grep -q '"split"'; then
    ok "long line: every piece but the last is marked split"
else
    not_ok "long line: split marks"; evs output seq | sed 's/"data":"[0-9]*"/"data":.../; s/^/#   /'
fi
if data_of seq | tr -d '\n' | cmp -s - "$FS_TMP/expected"; then
    ok "long line: the pieces put together are the line, nothing lost"
else
    not_ok "long line: the pieces differ from the line"
fi
check "long line: no piece is marked noeol (the line ended with a newline)" \
    sh -c "! grep -q '\"noeol\"' '$FS_TMP/out'"

# --max-line sets the piece size.
run_fs --headless --json --max-line 1k 'head -c 3000 /dev/zero | tr "\0" z; echo; echo short'
if [ "$(data_of head | head -n 3 | awk '{ printf "%d ", length($0) }')" = "1024 1024 952 " ] &&
    [ "$(data_of head | sed -n 4p)" = short ]; then
    ok "--max-line 1k: 3,000 bytes as 1024 + 1024 + 952, the next line whole"
else
    not_ok "--max-line 1k: pieces"; show "$FS_TMP/out"
fi

# Pieces are cut between UTF-8 characters: 1,000 three-byte characters with
# --max-line 1k give valid, unescaped pieces that join up to the line.
run_fs --headless --json --max-line 1k "awk 'BEGIN { for (i = 0; i < 1000; i++) printf \"\\346\\227\\245\"; print \"\" }'"
want=$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "\346\227\245" }')
if [ "$(nevs output awk)" -ge 3 ] && ! grep -q '"escaped"' "$FS_TMP/out" &&
    [ "$(data_of awk | tr -d '\n')" = "$want" ]; then
    ok "long UTF-8 line: pieces cut between characters, none escaped, nothing lost"
else
    not_ok "long UTF-8 line"; cut -c1-120 "$FS_TMP/out" | sed 's/^/#   /'
fi

# Text mode keeps all of a long line too: pieces marked '+', the last '|'.
run_fs --headless --max-line 1k 'head -c 3000 /dev/zero | tr "\0" z; echo'
if [ "$(cut -c1-7 "$FS_TMP/out" | tr '\n' ,)" = "head + ,head + ,head | ," ] &&
    [ "$(cut -c8- "$FS_TMP/out" | tr -d '\n' | wc -c)" -eq 3000 ] &&
    [ "$(cut -c8- "$FS_TMP/out" | tr -d 'z\n' | wc -c)" -eq 0 ]; then
    ok "text mode: a long line is 3 pieces marked + + |, holding all 3,000 bytes"
else
    not_ok "text mode long line"; cut -c1-20 "$FS_TMP/out" | sed 's/^/#   /'
fi

# ---- bytes that are not UTF-8, and the last line ---------------------------------------
cat >"$FS_TMP/bytes.sh" <<'SH'
printf 'a\377b\n'
printf 'c:\\dir\377\n'
printf 'ok\\x\n'
printf 'caf\303\251 \346\227\245\n'
printf 'dos\r\n'
printf last
SH
run_fs --headless --json 'sh "$FS_TMP/bytes.sh"'
check "invalid UTF-8: data a\\\\xffb with escaped:true" \
    grep -qF '"data":"a\\xffb","escaped":true' "$FS_TMP/out"
check "escaped data doubles its backslashes (c:\\dir + 0xff)" \
    grep -qF '"data":"c:\\\\dir\\xff","escaped":true' "$FS_TMP/out"
if grep -qF '"data":"ok\\x"' "$FS_TMP/out" && ! grep -F '"data":"ok\\x"' "$FS_TMP/out" | grep -q escaped; then
    ok "valid UTF-8 with a backslash: plain JSON escaping, no escaped flag"
else
    not_ok "valid line with a backslash"; show "$FS_TMP/out"
fi
if grep -qF '"data":"café 日"' "$FS_TMP/out" && ! grep -F 'café' "$FS_TMP/out" | grep -q escaped; then
    ok "valid multibyte UTF-8 passes as it is"
else
    not_ok "valid UTF-8"; show "$FS_TMP/out"
fi
check "CRLF: data is the line without its \\r\\n" grep -qF '"data":"dos"}' "$FS_TMP/out"
check "last line without newline: noeol:true" grep -qF '"data":"last","noeol":true' "$FS_TMP/out"
check "only that line is marked noeol" test "$(grep -c '"noeol"' "$FS_TMP/out")" -eq 1

# ---- a binary flood ------------------------------------------------------------------------
run_fs --headless --json 'head -c 2000000 /dev/urandom; echo' 'echo after'
if [ "$rc" -eq 0 ] && evs exit head | grep -q '"code":0' && evs output echo | grep -q '"data":"after"'; then
    ok "binary flood: no crash, both tasks end with 0"
else
    not_ok "binary flood: status $rc"; tail -n 3 "$FS_TMP/out" | cut -c1-200 | sed 's/^/#   /'
fi
if ! grep -v '^{"t":' "$FS_TMP/out" | grep -q . && grep -q '"escaped":true' "$FS_TMP/out"; then
    ok "binary flood: every line is an event; invalid bytes are escaped"
else
    not_ok "binary flood: stray lines or nothing escaped"
fi
if command -v jq >/dev/null 2>&1; then
    if jq -e . "$FS_TMP/out" >/dev/null 2>&1; then
        ok "binary flood: every event is valid JSON (jq)"
    else
        not_ok "binary flood: jq rejects the events"
    fi
else
    skip "jq is not installed"
fi

# ---- a reader that goes away ------------------------------------------------------------
# `forkscope ... | head -n 1`: once its standard output is closed, forkscope stops
# its tasks and ends, like any filter, instead of reading on. `yes` never ends,
# so a forkscope that read on would run until the time limit (status 124): the
# limit only matters on failure, and no fixed duration decides on a busy machine.
t0=$EPOCHREALTIME
timeout -k 2 60 "$FORKSCOPE" --headless --json 'yes' 2>"$FS_TMP/err" | head -n 1 >"$FS_TMP/first"
st=${PIPESTATUS[0]}
elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
if [ "$st" -le 1 ]; then
    ok "closed stdout: forkscope ends by itself (status $st, after $elapsed s)"
else
    not_ok "closed stdout: status $st after $elapsed s (124: still running at the limit)"
    show "$FS_TMP/err"
fi
YES=$(jfield pid <"$FS_TMP/first")
if [ -n "$YES" ] && wait_for 30 group_gone "$YES"; then
    ok "closed stdout: the task is stopped"
else
    not_ok "closed stdout: task group '$YES' still there"
    [ -n "$YES" ] && kill -9 -"$YES" 2>/dev/null
fi

# ---- a large output through a slow reader ----------------------------------------------------
# 60 MB of 999-byte lines. The reader starts 2 s late; meanwhile the task must be
# paused (it has not finished) and forkscope's memory must stay far below 60 MB.
# Under AddressSanitizer, freed memory waits in its quarantine (256 MB by
# default) before it is reused, so the RSS would count what forkscope already
# let go: a small quarantine keeps use-after-free checks and measures what
# forkscope holds.
BIG="head -c 60000000 /dev/zero | tr '\\0' x | fold -w 999; touch \"\$FS_TMP/producer-done\""
rm -f "$FS_TMP/fpid" "$FS_TMP/frc" "$FS_TMP/producer-done"
(
    ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=4" "$FORKSCOPE" --headless --json "$BIG" 2>"$FS_TMP/err" &
    echo $! >"$FS_TMP/fpid"
    frc=0
    wait $! || frc=$?
    echo "$frc" >"$FS_TMP/frc"
) | (sleep 2; cat) >"$FS_TMP/out" &
PIPE=$!
wait_for 30 test -s "$FS_TMP/fpid"
FP=$(cat "$FS_TMP/fpid")
max_rss=0
for _ in 1 2 3 4 5 6; do
    sleep 0.25
    r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$FP/status" 2>/dev/null)
    [ -n "$r" ] && [ "$r" -gt "$max_rss" ] && max_rss=$r
done
if [ -e "$FS_TMP/producer-done" ]; then
    not_ok "slow reader: the task wrote all 60 MB before anything was read (not paused)"
else
    ok "slow reader: the task is paused while nobody reads"
fi
if [ "$max_rss" -gt 0 ] && [ "$max_rss" -lt 51200 ]; then
    ok "slow reader: forkscope's RSS stays at $max_rss kB (< 50 MB)"
else
    not_ok "slow reader: forkscope's RSS reached $max_rss kB"
fi
# 60 MB of JSON events through a sanitizer build on a loaded machine took more
# than 30 s: the limit is for a run that never ends.
if ! wait_for 300 sh -c "! kill -0 $PIPE 2>/dev/null"; then
    kill -9 "$FP" 2>/dev/null
fi
wait "$PIPE" 2>/dev/null
check "slow reader: exit status 0 and the task finished" \
    sh -c "[ \"\$(cat '$FS_TMP/frc' 2>/dev/null)\" = 0 ] && [ -e '$FS_TMP/producer-done' ]"
lines=$(nevs output head)
bytes=$(evs output head | awk '{ match($0, /"data":"[^"]*"/); n += RLENGTH - 9 } END { print n + 0 }')
if [ "$lines" -eq 60061 ] && [ "$bytes" -eq 60000000 ]; then
    ok "slow reader: all 60,061 lines and 60,000,000 bytes arrive"
else
    not_ok "slow reader: $lines lines, $bytes bytes arrived (want 60061, 60000000)"
fi
finish

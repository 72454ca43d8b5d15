#!/bin/bash
# Buffer mode (buffer: true, like Node's exec()): a task's output is held until it
# ends, then delivered in order just before its exit event; past buffer_cap the
# task is stopped, the exit event says why, and no more than the cap is delivered.
. "$FS_SRCDIR/tests/lib.sh"
export FS_TMP
plan 14

# line_of PATTERN...: the number of the first line of $FS_TMP/out holding every PATTERN.
line_of() {
    local f="$FS_TMP/out"
    awk -v pats="$(printf '%s\037' "$@")" '
        BEGIN { n = split(pats, p, "\037") - 1 }
        { for (i = 1; i <= n; i++) if (index($0, p[i]) == 0) next; print NR; exit }' "$f"
}

cat >"$FS_TMP/held.yaml" <<'YAML'
tasks:
  held:
    shell: echo one; echo two >&2; sleep 0.4; echo three
    buffer: true
  quick:
    shell: sleep 0.1; echo fast
YAML
run_fs --headless --json -f "$FS_TMP/held.yaml"
check "held and quick tasks end with 0: status 0" test "$rc" -eq 0
check "held: three output events in the order written, streams kept" \
    test "$(evs output held | jfield stream | tr '\n' ' ')$(evs output held | jfield data | tr '\n' ' ')" \
    = '"stdout" "stderr" "stdout" "one" "two" "three" '
fast=$(line_of '"ev":"output"' '"task":"quick"')
first_held=$(line_of '"ev":"output"' '"task":"held"')
held_exit=$(line_of '"ev":"exit"' '"task":"held"')
if [ -n "$fast" ] && [ -n "$first_held" ] && [ "$first_held" -gt "$fast" ]; then
    ok "held: its output comes after the other task's later output"
else
    not_ok "held: output order (quick at $fast, held at $first_held)"; show "$FS_TMP/out"
fi
# The held block: the three output events right before the exit event.
if [ -n "$held_exit" ] && [ "$first_held" -eq $((held_exit - 3)) ] &&
    [ "$(sed -n "$((held_exit - 3)),$((held_exit - 1))p" "$FS_TMP/out" | grep -c '"task":"held"')" -eq 3 ]; then
    ok "held: all its output events come together, right before its exit event"
else
    not_ok "held: output block"; show "$FS_TMP/out"
fi
t_first=$(evs output held | head -n 1 | jfield t)
check "held: even the first line is delivered only after the task ended (t >= 0.4)" \
    fcmp "$t_first" '>=' 0.399

# In text mode, too.
run_fs --headless -f "$FS_TMP/held.yaml"
if [ "$(cat "$FS_TMP/out" | tr '\n' ' ')" = "quick | fast held  | one held  | three " ] &&
    grep -qx 'held  | two' "$FS_TMP/err"; then
    ok "text mode: held lines come after the quick task's line, prefixed"
else
    not_ok "text mode held output"; show "$FS_TMP/out"; show "$FS_TMP/err"
fi

# ---- the cap ---------------------------------------------------------------------------
cat >"$FS_TMP/cap.yaml" <<'YAML'
tasks:
  big:
    shell: head -c 100000 /dev/zero | tr '\0' x | fold -w 99; sleep 5
    buffer: true
    buffer_cap: 1k
YAML
run_fs --headless --json -f "$FS_TMP/cap.yaml"
reason=$(evs exit big | jfield reason)
if printf '%s' "$reason" | grep -qi 'buffer' && printf '%s' "$reason" | grep -qi 'cap'; then
    ok "over the cap: the exit event has a reason naming the buffer cap ($reason)"
else
    not_ok "over the cap: reason is '$reason'"; show "$FS_TMP/out"
fi
if fcmp "$(evs exit big | jfield t)" '<' 3 && [ "$(evs exit big | jfield signal)" != null ]; then
    ok "over the cap: the task is stopped (by a signal, well before its sleep 5 ends)"
else
    not_ok "over the cap: the task was not stopped"; show "$FS_TMP/out"
fi
# Bytes delivered: each line's data plus its newline (none for a noeol piece).
delivered=$(evs output big | awk '{ match($0, /"data":"[^"]*"/); n += RLENGTH - 9; if ($0 !~ /"noeol":true/) n++ } END { print n + 0 }')
if [ "$delivered" -gt 0 ] && [ "$delivered" -le 1024 ]; then
    ok "over the cap: $delivered bytes delivered, at most the 1 KiB cap"
else
    not_ok "over the cap: $delivered bytes delivered"
fi
check "over the cap: what is delivered is the start of the output, in order" \
    sh -c "[ \"\$(grep '\"task\":\"big\"' '$FS_TMP/out' | grep '\"ev\":\"output\"' | head -n 3 | grep -c '\"data\":\"x\{99\}\"')\" -eq 3 ]"
check "over the cap: exit status 1 (the task did not end with 0)" test "$rc" -eq 1

# `buffer: SIZE` turns buffering on with that cap.
cat >"$FS_TMP/size.yaml" <<'YAML'
tasks:
  sized:
    shell: seq 1 1000; sleep 5
    buffer: 512
  other:
    shell: echo other
YAML
run_fs --headless --json -f "$FS_TMP/size.yaml"
if [ -n "$(evs exit sized | jfield reason)" ] && fcmp "$(evs exit sized | jfield t)" '<' 3; then
    ok "buffer: 512 holds at most 512 bytes and stops the task past it"
else
    not_ok "buffer: 512"; show "$FS_TMP/out"
fi
n_sized=$(nevs output sized)
sized_exit=$(line_of '"ev":"exit"' '"task":"sized"')
if [ "$(evs output sized | head -n 1 | jfield data)" = '"1"' ] &&
    [ "$(line_of '"ev":"output"' '"task":"sized"')" -eq $((sized_exit - n_sized)) ]; then
    ok "buffer: 512: output starts at line 1, delivered in one block before its exit event"
else
    not_ok "buffer: 512: order"; show "$FS_TMP/out"
fi

# Under the cap nothing is cut and no reason is given.
cat >"$FS_TMP/under.yaml" <<'YAML'
tasks:
  under:
    shell: seq 1 100
    buffer: true
    buffer_cap: 1k
YAML
run_fs --headless --json -f "$FS_TMP/under.yaml"
if [ "$(nevs output under)" -eq 100 ] && [ "$(evs output under | tail -n 1 | jfield data)" = '"100"' ] &&
    [ -z "$(evs exit under | jfield reason)" ] && [ "$rc" -eq 0 ]; then
    ok "under the cap: every line delivered, no reason, status 0"
else
    not_ok "under the cap (status $rc)"; show "$FS_TMP/out"
fi
finish

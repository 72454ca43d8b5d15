#!/bin/bash
# The example children of doc/protocol.md, taken from the document itself and
# run as fork: tasks under forkscope: Python and shell in json mode, C in
# advanced mode. Each says hello (or sends its frames), answers what forkscope
# sends, and ends when forkscope disconnects it. Then the built-in `ipc` demo.
. "$FS_SRCDIR/tests/lib.sh"
plan 18
DOC="$FS_SRCDIR/doc/protocol.md"

# block LANG: the first fenced block of that language after "## Example children".
block() {
    awk -v fence='```'"$1" '/^## Example children/ { on = 1 }
        on && $0 == fence { grab = 1; next }
        grab && $0 == "```" { exit }
        grab { print }' "$DOC"
}
block python >"$FS_TMP/child.py"
block sh >"$FS_TMP/child.sh"
block c >"$FS_TMP/child.c"
check "doc/protocol.md has a Python, a shell and a C example" \
    test -s "$FS_TMP/child.py" -a -s "$FS_TMP/child.sh" -a -s "$FS_TMP/child.c"

has_msg() { evs message "$1" | grep -qF -- "$2"; }
exited_0() { evs exit "$1" | grep -qF '"code":0'; }

# json_child NAME COMMAND: hello, an echo of a message sent with --control,
# and a clean exit once forkscope disconnects it.
json_child() {
    local name=$1 hello=$3
    fs_bg --headless --json --control --names "$name" "fork:$2"
    check "$name: its hello arrives" wait_for 30 has_msg "$name" "$hello"
    ctl "send $name {\"x\":[1,\"two\",{\"three\":null}]}"
    check "$name: it echoes what forkscope sent" \
        wait_for 30 has_msg "$name" '"dir":"in","bytes":39,"msg":{"echo":{"x":[1,"two",{"three":null}]}}'
    ctl "disconnect $name"
    check "$name: it ends with status 0 when forkscope disconnects it" wait_for 30 exited_0 "$name"
    ctl quit
    fs_wait 30
    [ "$rc" = 0 ] || { diag "forkscope: $rc"; show "$FS_TMP/err"; }
}

if command -v python3 >/dev/null; then
    json_child py "python3 $FS_TMP/child.py" '"msg":{"hello":"from python","pid":'
else
    for i in 1 2 3; do skip "python3 is not installed"; done
fi
json_child sh "sh $FS_TMP/child.sh" '"msg":{"hello":"from sh","pid":'

# ---- C, advanced mode ----
if ${CC:-cc} -o "$FS_TMP/child" "$FS_TMP/child.c" 2>"$FS_TMP/cc.err"; then
    cat >"$FS_TMP/c.yaml" <<YAML
tasks:
  c:
    fork: $FS_TMP/child
    serialization: advanced
YAML
    fs_bg --headless --json --control -f "$FS_TMP/c.yaml"
    got_n() { [ "$(evs message c | grep -c '"msg":{"n":')" = 5 ]; }
    check "c: its five frames arrive, decoded" wait_for 30 got_n
    check "c: in order" test "$(evs message c | sed -n 's/.*"msg":{"n":\([0-9]*\)}.*/\1/p' | tr '\n' ' ')" = "0 1 2 3 4 "
    ctl 'send c {"a":1}'
    # {a: 1} in V8 bytes: FF 0F 6F 22 01 61 49 02 7B 01.
    said() { evs output c | grep -qF 'child got a 10-byte message'; }
    check "c: it receives forkscope's V8 frame whole" wait_for 30 said
    ctl "disconnect c"
    check "c: it ends with status 0 when forkscope disconnects it" wait_for 30 exited_0 c
    ctl quit
    fs_wait 30
else
    show "$FS_TMP/cc.err"
    for i in 1 2 3 4; do not_ok "c: the example compiles"; done
fi
check "no example leaves a process behind" test -z "$(pgrep -f "$FS_TMP/child" || true)"

# ---- forkscope demo ipc ----
fs_bg --headless --json --control demo ipc
ticks() { [ "$(evs message ticker | grep -c '"msg":{"tick":')" -ge 3 ]; }
check "demo ipc: the ticker's messages arrive" wait_for 30 ticks
first_round() { [ "$(evs message flood | grep -c '"msg":{"round":0,')" = 20000 ]; }
check "demo ipc: the flood's first burst of 20,000 arrives whole" wait_for 30 first_round
check "demo ipc: the line that is not JSON is the one bad message" \
    test "$(evs message garbage | grep -c '"bad":true')/$(nevs message garbage)" = "1/3"
ctl 'send echo-sh {"q":1}' 'send echo-thread {"q":2}'
check "demo ipc: the shell child answers" wait_for 30 has_msg echo-sh '"msg":{"echo":{"q":1}}'
check "demo ipc: the worker thread answers" wait_for 30 has_msg echo-thread '"msg":{"echo":{"q":2}}'
if command -v node >/dev/null; then
    check "demo ipc: Node's advanced message is decoded (a Map, a BigInt, a Buffer)" wait_for 30 sh -c \
        "grep -F '\"task\":\"node\"' '$FS_TMP/out' | grep -F '\"map\":{\"\$map\":[[\"a\",1],[\"b\",2]]}' | grep -F '\"big\":\"12345678901234567890n\"' | grep -qF '\"\$type\":\"Buffer\"'"
else
    skip_missing 1 node
fi
ctl quit
fs_wait 30
finish

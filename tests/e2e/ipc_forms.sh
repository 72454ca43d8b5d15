#!/bin/bash
# Sending what JSON lacks on an advanced channel: the display forms of
# doc/protocol.md ({"$map":..}, {"$set":..}, {"$date":..}, "123n", {"$type":
# "Buffer",..}) arrive in a node child as a real Map, Set, Date, BigInt and
# Buffer; on a json channel they are the plain objects and strings they read
# as. Skipped, with a visible SKIP, when node is not installed.
. "$FS_SRCDIR/tests/lib.sh"
N=8
plan $N
if ! command -v node >/dev/null; then
    skip_missing $N node
    finish
fi
F="$FS_SRCDIR/tests/fixtures/ipc-e2e"
MSG='{"map":{"$map":[["k",42]]},"set":{"$set":["x"]},"date":{"$date":"2024-02-29T12:34:56.789Z"},"big":"123456789012345678901234567890n","buf":{"$type":"Buffer","head":"68656c6c6f"}}'

has() { grep -qF -- "$1" "$FS_TMP/out"; }
for mode in advanced json; do
    cat >"$FS_TMP/t.yaml" <<YAML
tasks:
  t:
    fork: $F/types.js
    serialization: $mode
YAML
    fs_bg --headless --json --control -f "$FS_TMP/t.yaml"
    wait_for 30 has '"msg":{"ready":true}'
    ctl "send t $MSG"
    wait_for 30 has '"types":'
    ctl 'send t {"bye":true}'
    wait_evs 30 1 exit t
    fs_wait 30
    if [ $mode = advanced ]; then
        check "advanced: each form arrives as the real type" \
            has '"types":{"map":"Map","set":"Set","date":"Date","big":"bigint","buf":"Buffer"}'
        check "advanced: the Map's entry and the Set's member" has '"map_k":42,"set_x":true'
        check "advanced: the Date's time to the millisecond" has '"date":"2024-02-29T12:34:56.789Z"'
        check "advanced: the BigInt's digits, past 2^64" has '"big_plus_1":"123456789012345678901234567891"'
        check "advanced: the Buffer's bytes" has '"buf":"hello"'
    else
        check "json: the forms are plain objects and a string" \
            has '"types":{"map":"object","set":"object","date":"object","big":"string","buf":"object"}'
    fi
done
# A form that cannot be sent is refused with its reason, and nothing is sent.
sed -i 's/serialization: json/serialization: advanced/' "$FS_TMP/t.yaml"
fs_bg --headless --json --control -f "$FS_TMP/t.yaml"
ctl 'send t {"d":{"$date":"soon"}}' 'send t {"bye":true}'
wait_evs 30 1 exit t
fs_wait 30
check "a broken form is refused with its reason" has '$date \"soon\" is not YYYY-MM-DDTHH:MM:SS.sssZ'
if [ "$(grep -c '"dir":"out"' "$FS_TMP/out")" = 1 ]; then ok "only the good message was sent"; else not_ok "out messages: $(grep -c '"dir":"out"' "$FS_TMP/out")"; show "$FS_TMP/out"; fi
finish

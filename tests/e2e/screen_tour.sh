#!/bin/bash
# The tour on the screen: bare forkscope at 80x24 in an empty directory starts
# the first demo with its caption and says how to quit; c hides and shows the
# caption; ] steps through every demo (the previous demo's tasks leave the
# table and its processes end; the next demo's tasks arrive), [ steps back;
# quitting leaves no process behind.
. "$FS_SRCDIR/tests/lib.sh"
N=12
plan $N
screen_begin $N tour

# The demos in tour order, from `forkscope demo`'s list.
DEMOS=$("$FORKSCOPE" demo | sed -n 's/^  \([^ ]*\) .*/\1/p')
NDEMOS=$(wc -l <<<"$DEMOS")
demo_name() { sed -n "${1}p" <<<"$DEMOS"; }
FIRST=$(demo_name 1)

# descendants PID: the live (not zombie) processes under PID, one a line, but
# forkscope's watchdog (a fork of forkscope: the same command line), which
# lives as long as forkscope does.
descendants() {
    local p self
    self=$(tr '\0' ' ' <"/proc/$1/cmdline")
    for p in $(_descendants "$1"); do
        [ "$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")" = "$self" ] || echo "$p"
    done
}
_descendants() {
    ps -e -o pid=,ppid=,stat= | awk -v root="$1" '
        { parent[$1] = $2; stat[$1] = $3 }
        END {
            under[root] = 1
            for (more = 1; more;) {
                more = 0
                for (p in parent)
                    if (!(p in under) && (parent[p] in under)) { under[p] = 1; more = 1 }
            }
            for (p in under) if (p != root && stat[p] !~ /^Z/) print p
        }'
}
# alive PID...: true while one of them is a live process.
alive() {
    local p
    for p in "$@"; do
        ps -o stat= -p "$p" 2>/dev/null | grep -qv '^Z' && return 0
    done
    return 1
}
none_alive() { ! alive "$@"; }
# The names in the table's rows shown (from the screen's third line to the
# caption or the first pane), on one line.
table_names() {
    T capture-pane -p -t fs | awk 'NR >= 3 { if ($0 ~ /^(──|┌)/ || $0 == "") exit; print $1 }' |
        tr '\n' ' '
}
# table_not NAMES: the table shows rows, and not these.
table_not() { local r; r=$(table_names); [ -n "$r" ] && [ "$r" != "$1" ]; }

mkdir "$FS_TMP/empty"
T new-session -d -s fs -x 80 -y 24 \
    "cd '$FS_TMP/empty' && '$FORKSCOPE'; echo forkscope-exited-\$?; sleep 1000"
wait_for 30 find_fs || diag "forkscope did not start"
check "bare forkscope starts the tour at its first demo, $FIRST, with a caption" \
    shown "demo $FIRST (1 of $NDEMOS)"
# The caption's text is the line under its title, indented by one blank.
caption_text() { T capture-pane -p -t fs | grep -A1 -F "demo $FIRST (1 of" | sed -n '2p' | grep -q '^ [^ ─]'; }
check "the caption's text is shown under its title" wait_for 30 caption_text
check "80x24: the hint line says how to quit and how to go on" shown_re '^\?:help +\]:next demo .*q:quit *$'

T send-keys -t fs c
check "c hides the caption, saying so" shown "caption hidden (c shows it)"
check "... and its title is gone" gone "demo $FIRST (1 of"
T send-keys -t fs c
check "c again shows it" shown "demo $FIRST (1 of $NDEMOS)"

# ] through every demo and back to the first.
ALL=""
LIVE_AT_STEP=0
steps_ok=1
for ((k = 1; k <= NDEMOS; k++)); do
    next=$((k % NDEMOS + 1))
    wait_for 30 table_not "" || diag "demo $(demo_name "$k"): no task in the table"
    rows=$(table_names)
    before=$(descendants "$FPID")
    ALL="$ALL $before"
    alive $before && LIVE_AT_STEP=$((LIVE_AT_STEP + 1))
    T send-keys -t fs ']'
    if ! shown "demo $(demo_name "$next") ($next of $NDEMOS)"; then
        steps_ok=0
        diag "] from $(demo_name "$k") did not show demo $(demo_name "$next")"
    elif ! wait_for 30 table_not "$rows"; then
        steps_ok=0
        diag "after ] from $(demo_name "$k"), the table still shows its tasks: $rows"
    elif ! wait_for 30 none_alive $before; then
        steps_ok=0
        diag "after ] from $(demo_name "$k"), its processes live on: $(ps -o pid=,args= -p "$(echo $before | tr ' ' ,)")"
    fi
done
check "] steps through all $NDEMOS demos: each one's tasks leave the table, the next one's arrive" \
    test "$steps_ok" = 1
check "the processes of each demo end when ] leaves it ($LIVE_AT_STEP demos had some running)" \
    sh -c "[ $steps_ok = 1 ] && [ $LIVE_AT_STEP -ge 1 ]"
check "] after the last demo comes back to the first" shown "demo $FIRST (1 of $NDEMOS)"
T send-keys -t fs '['
check "[ steps back (to the last demo)" shown "demo $(demo_name "$NDEMOS") ($NDEMOS of $NDEMOS)"

ALL="$ALL $(descendants "$FPID")"
T send-keys -t fs q
# Status 1: tasks were stopped by a signal. Not 70 (a handle left open) nor a
# sanitizer's report.
check "q quits the tour (status 1: tasks stopped by a signal)" shown_re '^forkscope-exited-1$'
if wait_for 30 none_alive $ALL; then
    ok "no process of any demo is left"
else
    not_ok "processes left: $(ps -o pid=,args= -p "$(echo $ALL | tr ' ' ,)")"
fi
finish

#!/bin/bash
# The man page, doc/forkscope.1, against the sources: groff has nothing to warn
# about, and every long option, key, JSON event, --control command, session-file
# key and environment variable the code knows is documented in its section, as
# the tag of a .TP item (the line after .TP). Each check lists what is missing,
# so adding any of these to the code without the page fails here.
. "$FS_SRCDIR/tests/lib.sh"
plan 9

PAGE=$FS_SRCDIR/doc/forkscope.1
SRC=$FS_SRCDIR/src

# tag_words SECTION [PAGE]: the words of the .TP tags in the page's section
# SECTION (.SH SECTION up to the next .SH), one a line: fonts and \& dropped,
# \- and \(dq read as - and ", words split at blanks and commas.
tag_words() {
    awk -v want="$1" '
        /^\.SH/ { sec = $0; sub(/^\.SH[ \t]+/, "", sec); gsub(/"/, "", sec); in_sec = sec == want; next }
        in_sec && /^\.TP/ { tag = 1; next }
        in_sec && tag { tag = 0; print }
    ' "${2:-$PAGE}" |
        sed -e 's/^\.[A-Z]*[ \t]*//' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(dq/"/g' \
            -e 's/\\&//g' -e 's/"//g' |
        tr ' ,\t' '\n\n\n' | sed '/^$/d' | sort -u
}

# missing SECTION PREFIX [PAGE] < NAMES: the names (one a line) that are not
# the tag word PREFIX+NAME in SECTION.
missing() {
    local words
    words=$(tag_words "$1" "${3:-$PAGE}")
    sed '/^$/d' | sort -u | while read -r name; do
        grep -qxF -- "$2$name" <<<"$words" || echo "$2$name"
    done
}

# documented WHAT SECTION PREFIX FROM < NAMES: one check, that every name read
# from FROM (a description of where) is in SECTION; no names at all is a
# failure too (the table moved: this test must follow it). Not in a pipeline:
# the TAP count lives in this shell.
documented() {
    local what=$1 section=$2 prefix=$3 from=$4 names lost
    names=$(sed '/^$/d' | sort -u)
    if [ -z "$names" ]; then
        not_ok "$what: none found in $from; update tests/e2e/manpage.sh"
        return
    fi
    lost=$(missing "$section" "$prefix" <<<"$names")
    if [ -z "$lost" ]; then
        ok "every $what of $from ($(wc -l <<<"$names") of them) is in $section"
    else
        not_ok "$what of $from missing from the page's $section: $(echo $lost)"
        diag "add a .TP item for each to doc/forkscope.1"
    fi
}

# 1. groff -wall has nothing to say.
if command -v groff >/dev/null; then
    groff -man -wall -Tutf8 "$PAGE" >/dev/null 2>"$FS_TMP/groff"
    if [ ! -s "$FS_TMP/groff" ]; then
        ok "groff -man -wall prints no warning"
    else
        not_ok "groff -man -wall warns"; show "$FS_TMP/groff"
    fi
else
    skip_missing 1 groff "groff -man -wall (Debian: groff-base)"
fi

# 2. No trailing blanks.
if grep -n '[[:blank:]]$' "$PAGE" >"$FS_TMP/blanks"; then
    not_ok "lines of the page end in blanks"; show "$FS_TMP/blanks"
else
    ok "no line of the page ends in a blank"
fi

# The long options of main.c's struct option table.
options() {
    awk '/struct option/ { on = 1 } on && /^};/ { on = 0 } on' "$SRC/main.c" |
        sed -nE 's/^[[:space:]]*\{"([a-z0-9-]+)",.*/\1/p'
}
documented "long option" OPTIONS -- src/main.c < <(options)

# The key table of src/ui/keys.c: each word of each label (the third field).
key_labels() {
    awk '/struct ui_key keys\[\]/ { on = 1 } on && /^};/ { on = 0 } on' "$SRC/ui/keys.c" |
        sed -nE 's/^[[:space:]]*\{.*, (true|false), "([^"]*)".*/\2/p' | tr ' ' '\n'
}
documented "key" KEYS "" src/ui/keys.c < <(key_labels)

# JSON events: the types the headless front end emits, and those doc/headless.md
# lists in its table of events.
event_types() {
    cat "$SRC"/headless/*.c |
        sed -nE -e 's/.*event_new\([^,]*, *"([a-z_]+)".*/\1/p' \
            -e 's/.*"ev", *json_string\("([a-z_]+)"\).*/\1/p'
    awk '/^\| event \|/ { on = 1; next } on && !/^\|/ { on = 0 } on' "$FS_SRCDIR/doc/headless.md" |
        sed -nE 's/^\| `([a-z_]+)` \|.*/\1/p'
}
documented "JSON event type" "HEADLESS OUTPUT" "" "src/headless/*.c and doc/headless.md" \
    < <(event_types)

# --control commands: src/model/control.c's table.
documented "--control command" "CONTROL COMMANDS" "" src/model/control.c \
    < <(sed -nE 's/^[[:space:]]*\{"([a-z_-]+)", FS_CONTROL_.*/\1/p' "$SRC/model/control.c")

# Session-file keys: the key tables of src/config/*.c (top level, task, mprocs)
# and the backoff fields.
documented "session-file key" "SESSION FILES" "" "src/config/*.c" \
    < <(sed -nE 's/^[[:space:]]*\{"([a-z_$-]+)", (MODE|BO)_.*/\1/p' "$SRC"/config/*.c)

# Environment variables read anywhere in src/.
env_names() {
    find "$SRC" -name '*.c' -exec cat {} + | grep -oE 'getenv\("[A-Za-z0-9_]+"\)' |
        sed -E 's/getenv\("(.*)"\)/\1/'
}
documented "environment variable" ENVIRONMENT "" "getenv() in src/" < <(env_names)

# 9. The option check catches a page without one documented option: a copy of
# the page whose every --NAME of the last option is renamed.
last=$(options | tail -n 1)
esc=$(sed 's/-/\\\\-/g' <<<"$last")
sed "s/\\\\-\\\\-$esc/\\\\-\\\\-gone/g" "$PAGE" >"$FS_TMP/copy.1"
lost=$(options | missing OPTIONS -- "$FS_TMP/copy.1")
if [ -n "$last" ] && [ "$lost" = "--$last" ]; then
    ok "a copy of the page without --$last fails the option check (missing: $lost)"
else
    not_ok "a copy of the page without --$last: the check found '$(echo $lost)' missing"
fi

finish

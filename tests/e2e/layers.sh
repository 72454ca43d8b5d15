#!/bin/bash
# The layers hold (tools/check-layers, doc/architecture.md): no include in src/
# crosses a layer the wrong way. Then the checker is shown to catch each kind
# of mistake: a copy of src/ gets one planted include at a time, and the
# checker must fail and name that file and line.
. "$FS_SRCDIR/tests/lib.sh"
CHECK="$FS_SRCDIR/tools/check-layers"
# FILE (under src/) and the include planted at its end.
PLANTS=(
    'model/task.c|#include <curses.h>'
    'config/config.c|#include <ncursesw/curses.h>'
    'app/app.h|#include <uv.h>'
    'ui/ui.c|#include <uv.h>'
    'headless/headless.h|#include "rt/rt.h"'
    'ui/ui.h|#include "rt/rt.h"'
    'worker/port.c|#include "app/app.h"'
    'sample/procfs.c|#include "ui/ui.h"'
    'ipc/ipc.c|#include "headless/headless.h"'
    'util/xalloc.c|#include "model/task.h"'
    'model/session.c|#include "ipc/ipc.h"'
    'term/term.c|#include "worker/port.h"'
    'rt/rt.h|#include "app/app.h"'
    'app/app.h|#include "ui/ui.h"'
    'ui/ui.c|#include "headless/headless.h"'
    'model/task.c|#include <vterm.h>'
    'ipc/ipc.c|#include <yaml.h>'
    'util/bytes.c|#include "config.h"'
)
# The same mistakes fail to build: each library is compiled with its layer's
# FS_LAYER_ flag (Makefile.am), and the headers of the layers above refuse it.
# FLAG|HEADER|whether it must build.
BUILDS=(
    'FS_LAYER_PLAIN|rt/rt.h|no'
    'FS_LAYER_FRONT|rt/proc.h|no'
    'FS_LAYER_RT|app/app.h|no'
    'FS_LAYER_APP|ui/ui.h|no'
    'FS_LAYER_PLAIN|headless/headless.h|no'
    'FS_LAYER_APP|rt/rt.h|yes'
    'FS_LAYER_FRONT|app/app.h|yes'
)
plan $((2 + ${#PLANTS[@]} + ${#BUILDS[@]}))

if "$CHECK" "$FS_SRCDIR/src" >"$FS_TMP/out" 2>&1; then
    ok "every include in src/ follows the layers"
else
    not_ok "every include in src/ follows the layers"
    show "$FS_TMP/out"
fi

# A folder that is not a layer is refused too, and bad usage is status 2.
cp -r "$FS_SRCDIR/src" "$FS_TMP/src"
mkdir "$FS_TMP/src/misc" && echo 'int x;' >"$FS_TMP/src/misc/x.c"
rc=0
"$CHECK" "$FS_TMP/src" >"$FS_TMP/out" 2>&1 || rc=$?
rm -r "$FS_TMP/src/misc"
rc2=0
"$CHECK" "$FS_TMP/nowhere" >/dev/null 2>&1 || rc2=$?
if [ $rc = 1 ] && grep -q '^src/misc/x.c:1: misc/ is not a layer' "$FS_TMP/out" && [ $rc2 = 2 ]; then
    ok "an unknown folder fails (1), a missing tree is bad usage (2)"
else
    not_ok "an unknown folder fails (1), a missing tree is bad usage (2): got $rc, $rc2"
    show "$FS_TMP/out"
fi

for p in "${PLANTS[@]}"; do
    file=${p%%|*}
    inc=${p#*|}
    cp "$FS_SRCDIR/src/$file" "$FS_TMP/saved"
    echo "$inc" >>"$FS_TMP/src/$file"
    line=$(wc -l <"$FS_TMP/src/$file")
    rc=0
    "$CHECK" "$FS_TMP/src" >"$FS_TMP/out" 2>&1 || rc=$?
    cp "$FS_TMP/saved" "$FS_TMP/src/$file"
    if [ $rc = 1 ] && grep -q "^src/$file:$line: " "$FS_TMP/out" && [ "$(wc -l <"$FS_TMP/out")" = 1 ]; then
        ok "planted in src/$file, caught: $(cat "$FS_TMP/out")"
    else
        not_ok "planted '$inc' in src/$file (line $line), status $rc"
        show "$FS_TMP/out"
    fi
done
CC=${CC:-cc}
for b in "${BUILDS[@]}"; do
    IFS='|' read -r flag header want <<<"$b"
    got=yes
    echo "#include \"$header\"" |
        "$CC" -fsyntax-only -D"$flag" -I"$FS_SRCDIR/src" -I"$FS_SRCDIR/include" -x c - \
            >"$FS_TMP/cc.out" 2>&1 || got=no
    if [ "$got" = "$want" ] && { [ "$want" = yes ] || grep -q '#error' "$FS_TMP/cc.out"; }; then
        ok "-D$flag with $header: builds $want"
    else
        not_ok "-D$flag with $header: builds $got, should be $want"
        show "$FS_TMP/cc.out"
    fi
done
finish

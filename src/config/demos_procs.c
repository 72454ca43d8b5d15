/*
 * The demos of child processes: basics, spawn-exec, injection, fork-ipc,
 * crash-isolation, ipc and node (node/lessons' programs), each a session file
 * as a string (config/demo.h).
 * Their programs are a shell's or forkscope's own (`"$FORKSCOPE" child ...`).
 */
#include <config.h>

#include "config/demo.h"

const struct fs_demo fs_demo_basics = {
    "basics",
    "shell and cmd tasks: output, exit codes, signal, restart",
    "On the screen: five shell and cmd tasks, one pane each, and the table above.\n"
    "Watch: counter ticks; failing exits 3; flaky fails and is restarted with a\n"
    "backoff; sleeper is killed by its own SIGTERM; the table keeps each exit.\n"
    "Keys: j/k select, r restart, x stop, S send a signal, z zoom, ? all keys.\n",
    "tasks:\n"
    "  counter:\n"
    "    shell: for i in 1 2 3 4 5; do echo \"tick $i\"; sleep 0.4; done\n"
    "  listing:\n"
    "    cmd: [ls, -l, /]\n"
    "  failing:\n"
    "    shell: echo 'about to fail' >&2; sleep 0.5; exit 3\n"
    "  flaky:\n"
    "    shell: echo \"attempt at $(date +%T)\"; sleep 0.3; exit 1\n"
    "    restart: on-failure\n"
    "    backoff: { base: 0.2, factor: 2, cap: 1, max: 3 }\n"
    "  sleeper:\n"
    "    shell: echo 'sleeping 1 s, then SIGTERM to itself'; sleep 1; kill -TERM $$\n",
};

const struct fs_demo fs_demo_spawn_exec = {
    "spawn-exec",
    "output streamed (spawn), buffered (exec), capped",
    "On the screen: the same script run streamed (spawn) and buffered (exec,\n"
    "buffer: true), and maxbuffer, which writes without end into a 64 KiB buffer.\n"
    "Watch: exec's lines appear all at once when it exits, with spawn's times;\n"
    "maxbuffer is stopped at its cap (maxBuffer) and its row keeps the reason.\n"
    "Keys: j/k select, r run a task again, z zoom.\n",
    "tasks:\n"
    "  spawn:\n"
    "    shell: |\n"
    "      echo 'spawn: each line shows as it is written'\n"
    "      for i in 1 2 3 4 5; do echo \"line $i, written at $(date +%T)\"; sleep 0.5; done\n"
    "  exec:\n"
    "    buffer: true\n"
    "    shell: |\n"
    "      echo 'exec (buffer: true): nothing shows until the end'\n"
    "      for i in 1 2 3 4 5; do echo \"line $i, written at $(date +%T)\"; sleep 0.5; done\n"
    "  maxbuffer:\n"
    "    buffer: true\n"
    "    buffer_cap: 64k\n"
    "    shell: |\n"
    "      i=0\n"
    "      while :; do echo \"line $i of output that nobody reads before the end\"; i=$((i + 1)); "
    "done\n",
};

const struct fs_demo fs_demo_injection = {
    "injection",
    "one hostile argument to a shell task and a cmd task",
    "On the screen: the input `x; touch PWNED` given to a shell task (like exec,\n"
    "a command line) and to a cmd task (like execFile, an argv), each in a fresh\n"
    "temporary directory.\n"
    "Watch: the shell ran `touch PWNED`; the cmd task printed it as text. verdict\n"
    "lists what each left behind. Keys: j/k select, z zoom.\n",
    "tasks:\n"
    "  exec:\n"
    "    shell: echo hello x; touch PWNED\n"
    "    cwd: @MKTEMP:shell@\n"
    "  execFile:\n"
    "    cmd: [echo, hello, \"x; touch PWNED\"]\n"
    "    cwd: @MKTEMP:cmd@\n"
    "  verdict:\n"
    "    shell: |\n"
    "      echo 'the input was: x; touch PWNED'\n"
    "      i=0\n"
    "      while [ ! -e @MKTEMP:shell@/PWNED ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done\n"
    "      for d in @MKTEMP:shell@ @MKTEMP:cmd@; do\n"
    "        if [ -e \"$d/PWNED\" ]; then echo \"$d: PWNED was created\"; else echo \"$d: nothing "
    "created\"; fi\n"
    "      done\n",
};

const struct fs_demo fs_demo_fork_ipc = {
    "fork-ipc",
    "the channel: json vs advanced serialization, ping-pong",
    "On the screen: one Node script forked twice, json and advanced\n"
    "serialization, sending a Map, a Set, a Date, a BigInt, a Buffer and a\n"
    "circular object; pinger answers what you send it. (Without node, only pinger.)\n"
    "Watch: json turns the Map into {} and refuses the BigInt and the circular\n"
    "object; advanced sends them all. Keys: m traffic view, M send (to pinger:\n"
    "{\"ping\":1}), d disconnect (the child sees it), j/k select.\n",
    "x-node: &node\n"
    "  - sh\n"
    "  - -c\n"
    "  - |\n"
    "    command -v node >/dev/null || { echo 'node is not installed: this task has nothing to "
    "show'; exit 0; }\n"
    "    exec node -e '\n"
    "      const circular = { name: \"circular\" };\n"
    "      circular.self = circular;\n"
    "      const values = { map: new Map([[\"a\", 1], [\"b\", 2]]), set: new Set([1, 2, 3]),\n"
    "                       date: new Date(0), bigint: 12345678901234567890n,\n"
    "                       buffer: Buffer.from(\"hello\"), circular };\n"
    "      for (const [k, v] of Object.entries(values)) {\n"
    "        try { process.send({ [k]: v }); console.log(\"sent \" + k); }\n"
    "        catch (e) { console.log(\"cannot send \" + k + \": \" + e.message);\n"
    "                    process.send({ refused: k, error: e.message }); }\n"
    "      }\n"
    "      process.on(\"message\", (m) => { console.log(\"got\", m); process.send({ pong: m }); "
    "});\n"
    "      process.on(\"disconnect\", () => { console.log(\"disconnect event: the channel is "
    "closed\"); process.exit(0); });\n"
    "      setTimeout(() => { console.log(\"20 s without a disconnect: done\"); process.exit(0); "
    "}, 20000);'\n"
    "tasks:\n"
    "  node-json:\n"
    "    fork: *node\n"
    "  node-advanced:\n"
    "    serialization: advanced\n"
    "    fork: *node\n"
    "  pinger:\n"
    "    fork: [sh, -c, 'echo \"answers each message: select me, press M, type {\\\"ping\\\":1}\"; "
    "exec \"$FORKSCOPE\" child echo 30']\n",
};

const struct fs_demo fs_demo_crash_isolation = {
    "crash-isolation",
    "a segfault, an exit 1, a missing program, a dead worker",
    "On the screen: a child that segfaults, one that exits 1, a program that\n"
    "does not exist, a worker module that crashes (in a host process of its own),\n"
    "and two survivors, a process and a thread.\n"
    "Watch: SIGSEGV, exit 1 and the start error each stay on their own row; the\n"
    "survivors keep going. Keys: j/k select, r restart one, ? all keys.\n",
    "tasks:\n"
    "  segfault:\n"
    "    shell: echo 'dereferences NULL in 1 s'; sleep 1; exec \"$FORKSCOPE\" child crash\n"
    "  exits-1:\n"
    "    shell: echo 'exits with status 1 in 1 s'; sleep 1; exec \"$FORKSCOPE\" child fail 1\n"
    "  missing:\n"
    "    cmd: [no-such-program-in-forkscope-demo]\n"
    "  crashing-worker:\n"
    "    worker: crash\n"
    "  survivor:\n"
    "    shell: for i in 1 2 3 4 5 6 7 8 9 10; do echo \"still alive ($i)\"; sleep 0.5; done\n"
    "  survivor-thread:\n"
    "    worker: sleep\n"
    "    args: \"5000\"\n",
};

const struct fs_demo fs_demo_ipc = {
    "ipc",
    "messages under load: sh and Node, a flood, a bad line",
    "On the screen: fork children in sh and Node, an echo worker thread, a\n"
    "flood of messages and a line that is not JSON.\n"
    "Watch: the MSG/S and BAD columns; the traffic view keeps the bad line.\n"
    "Keys: m traffic view, M send to the selected task, j/k select.\n",
    "tasks:\n"
    "  ticker:\n"
    "    fork:\n"
    "      - sh\n"
    "      - -c\n"
    "      - |\n"
    "        echo 'sends {\"tick\":N} on its channel every 0.5 s; press m for the traffic "
    "view'\n"
    "        i=0\n"
    "        while [ $i -lt 240 ]; do\n"
    "          printf '{\"tick\":%d,\"at\":\"%s\"}\\n' $i \"$(date +%T)\" >&3\n"
    "          i=$((i + 1)); sleep 0.5\n"
    "        done\n"
    "  echo-sh:\n"
    "    fork:\n"
    "      - sh\n"
    "      - -c\n"
    "      - |\n"
    "        echo 'a shell child: answers each message; select it and press M to send one'\n"
    "        printf '{\"hello\":\"from sh\",\"pid\":%d}\\n' $$ >&3\n"
    "        while IFS= read -r line <&3; do\n"
    "          echo \"got $line\"\n"
    "          printf '{\"echo\":%s}\\n' \"$line\" >&3\n"
    "        done\n"
    "  echo-thread:\n"
    "    worker: echo\n"
    "  flood:\n"
    "    fork:\n"
    "      - sh\n"
    "      - -c\n"
    "      - |\n"
    "        echo 'bursts of 20,000 messages, as fast as a shell can, once a second for 10 s "
    "(MSG/S)'\n"
    "        r=0\n"
    "        while [ $r -lt 10 ]; do\n"
    "          i=0\n"
    "          while [ $i -lt 20000 ]; do printf '{\"round\":%d,\"i\":%d}\\n' $r $i; i=$((i + 1)); "
    "done >&3\n"
    "          r=$((r + 1)); sleep 1\n"
    "        done\n"
    "  garbage:\n"
    "    fork:\n"
    "      - sh\n"
    "      - -c\n"
    "      - |\n"
    "        echo 'sends a line that is not JSON between two that are: BAD counts it'\n"
    "        printf '{\"ok\":1}\\nthis is not JSON\\n{\"ok\":2}\\n' >&3\n"
    "        exec sleep 100000\n"
    "  node:\n"
    "    serialization: advanced\n"
    "    fork:\n"
    "      - sh\n"
    "      - -c\n"
    "      - |\n"
    "        command -v node >/dev/null || { echo 'node is not installed: nothing to show'; "
    "exit 0; }\n"
    "        echo 'a Node child, advanced serialization: a Map, a Set, a Date, a BigInt and a "
    "Buffer'\n"
    "        exec node -e '\n"
    "          process.send({ map: new Map([[\"a\", 1], [\"b\", 2]]), set: new Set([1, 2, "
    "3]),\n"
    "                         when: new Date(), big: 12345678901234567890n, buf: "
    "Buffer.from(\"hello\") });\n"
    "          process.on(\"message\", (m) => process.send({ echo: m }));'\n",
};

/* One lesson of node/lessons as a task of that name: $FORKSCOPE_LESSONS is set
 * for every task. */
#define LESSON(name)                                                                               \
    "  " name ":\n"                                                                                \
    "    shell: |\n"                                                                               \
    "      command -v node >/dev/null || { echo 'node is not installed: this lesson has nothing "  \
    "to show'; exit 0; }\n"                                                                        \
    "      [ -n \"$FORKSCOPE_LESSONS\" ] || { echo 'the lessons are not installed'; exit 1; }\n"   \
    "      exec node \"$FORKSCOPE_LESSONS/" name ".js\"\n"

const struct fs_demo fs_demo_node = {
    "node",
    "node lessons, traced: fork, exec, workers, a pool",
    "On the screen: four lessons of forkscope's node/lessons run as plain node\n"
    "tasks: fork with messages, spawn/exec/execFile with errors, workers adding\n"
    "primes with Atomics, a pool of workers. Each prints what it shows.\n"
    "Keys: f unfolds a task's tree (its kids and the API that started them); m\n"
    "its messages and their routes (main, kid 1234, worker 2), A every task's; &\n"
    "keeps one end (& worker). Without node, each task says so and ends.\n",
    "tasks:\n" LESSON("fork-messages") LESSON("spawn-exec") LESSON("workers-atomics")
        LESSON("worker-pool"),
};

/*
 * The built-in demos. Each is a session file held as a string and parsed by the
 * same reader as user files, so demos exercise exactly what users write.
 */
#include <config.h>

#include "config/demo.h"

#include <stdio.h>
#include <string.h>

#include "config/config.h"

static const struct fs_demo demos[] = {
    {
        "basics",
        "shell and cmd tasks side by side: output, exit codes, a signal, a restart",
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
        "Five shell and cmd tasks: watch the STATE column for exit codes, a signal and a restart.",
    },
    {
        "pools",
        "the same jobs on a pool of 2 worker threads and a pool of 2 processes; "
        "atomics vs a data race on shared memory",
        "tasks:\n"
        "  threads:\n"
        "    worker: primes\n"
        "    pool: 2\n"
        "    jobs: [\"4000000\", \"8000000\", \"2000000\", \"6000000\", \"3000000\", \"5000000\"]\n"
        "  processes:\n"
        "    cmd: [sh, -c, 'n=0; i=0; while [ $i -lt $(($0 / 20)) ]; do i=$((i+1)); done; "
        "echo \"job $FORKSCOPE_JOB: looped to $i\"']\n"
        "    pool: 2\n"
        "    jobs: [\"4000000\", \"8000000\", \"2000000\", \"6000000\", \"3000000\", \"5000000\"]\n"
        "  counter:\n"
        "    worker: counter\n"
        "    args: \"10000000\"\n"
        "    shared: atomic\n"
        "    replicas: 2\n"
        "  racer:\n"
        "    worker: racer\n"
        "    args: \"10000000\"\n"
        "    shared: racy\n"
        "    replicas: 2\n",
        "The same jobs on a pool of threads and a pool of processes; counter (atomic) against "
        "racer (a data race).",
    },
    {
        "ipc",
        "message passing: fork children in sh and Node (json and advanced), a worker thread, "
        "a flood, a bad line; m shows the traffic, M sends",
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
        "        echo 'bursts of 20,000 messages, as fast as a shell can, once a second for 10 s (MSG/S)'\n"
        "        r=0\n"
        "        while [ $r -lt 10 ]; do\n"
        "          i=0\n"
        "          while [ $i -lt 20000 ]; do printf '{\"round\":%d,\"i\":%d}\\n' $r $i; i=$((i + 1)); done >&3\n"
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
        "Fork children and a worker thread send messages: press m for the traffic view, M to send.",
    },
};

#define NDEMOS (sizeof demos / sizeof demos[0])

const struct fs_demo *
fs_demo_default(void)
{
    return &demos[0];
}

size_t
fs_demo_count(void)
{
    return NDEMOS;
}

const struct fs_demo *
fs_demo_at(size_t i)
{
    return i < NDEMOS ? &demos[i] : NULL;
}

const struct fs_demo *
fs_demo_find(const char *name)
{
    for (size_t i = 0; i < NDEMOS; i++)
        if (strcmp(demos[i].name, name) == 0)
            return &demos[i];
    return NULL;
}

void
fs_demo_list(void)
{
    printf("Demos (run one with: forkscope demo NAME):\n");
    for (size_t i = 0; i < NDEMOS; i++)
        printf("  %-10s %s\n", demos[i].name, demos[i].summary);
}

int
fs_demo_load(const struct fs_demo *d, struct fs_session *s, char **err)
{
    /* Messages name the demo as if it were a file. */
    char name[64];
    snprintf(name, sizeof name, "<demo %s>", d->name);
    return fs_config_parse_yaml(s, name, d->yaml, strlen(d->yaml), err);
}

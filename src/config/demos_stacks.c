/*
 * The demo of a service stack: tasks that wait for each other (depends_on)
 * and say when they are ready (ready: probes), as a project's database,
 * cache, migration, API and web server do. A session file as a string
 * (config/demo.h). The servers are forkscope's own `serve` worker module run
 * as processes, on free loopback ports (@PORT:NAME@); the database and the
 * others are shell scripts. Every task ends by itself, so the demo does too.
 */
#include <config.h>

#include "config/demo.h"

const struct fs_demo fs_demo_stacks = {
    "stacks",
    "a service stack: dependencies and readiness probes",
    "On the screen: a database (ready on a log line), a cache (tcp) and an API\n"
    "(http) on loopback ports, a migration that must succeed, a queue that crashes\n"
    "once, and a web task that waits for them all. Watch: waiting and what for,\n"
    "ready once a probe passes, each task starting only after its dependencies.\n"
    "Keys: w the dependency graph, j/k select, r restart, ? all keys.\n",
    "tasks:\n"
    "  db:\n"
    "    shell: >-\n"
    "      echo 'db: starting, replaying the journal'; sleep 1.5;\n"
    "      echo 'db: database system is ready to accept connections';\n"
    "      sleep 14; echo 'db: shutting down'\n"
    "    ready: {log: 'ready to accept connections'}\n"
    "  cache:\n"
    "    shell: exec \"$FORKSCOPE\" child serve tcp port=@PORT:cache@ delay=1000 ttl=14\n"
    "    ready: {tcp: @PORT:cache@, interval: 250ms}\n"
    "  migrate:\n"
    "    shell: >-\n"
    "      echo 'migrate: 3 steps'; for s in 1 2 3; do echo \"migrate: step $s\"; sleep 0.5;\n"
    "      done; echo 'migrate: done'\n"
    "    depends_on: {db: ready}\n"
    "  api:\n"
    "    shell: exec \"$FORKSCOPE\" child serve http port=@PORT:api@ delay=800 ttl=10\n"
    "    depends_on: {db: ready, cache: ready}\n"
    "    ready: {http: 'http://127.0.0.1:@PORT:api@/health', interval: 250ms}\n"
    "  queue:\n"
    "    shell: >-\n"
    "      if [ -e @MKTEMP:stacks@/crashed ]; then echo 'queue: connected, working';\n"
    "      sleep 6; echo 'queue: done'; else touch @MKTEMP:stacks@/crashed;\n"
    "      echo 'queue: lost the cache, crashing' >&2; sleep 0.5; exit 1; fi\n"
    "    depends_on: {cache: ready}\n"
    "    restart: on-failure\n"
    "    backoff: {base: 0.5, max: 3}\n"
    "  web:\n"
    "    shell: >-\n"
    "      echo 'web: api, migration and queue are there, serving'; sleep 5;\n"
    "      echo 'web: done'\n"
    "    depends_on: {api: ready, migrate: succeeded, queue: started}\n",
};

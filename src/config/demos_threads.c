/*
 * The demos of threads and their costs: threads-vs-processes, shared-memory,
 * pools, blocking and io-bound, each a session file as a string (config/demo.h).
 * The same job runs as a worker thread (`worker: MODULE`) and as a process
 * (`"$FORKSCOPE" child MODULE`): one implementation, two ways to run it.
 */
#include <config.h>

#include "config/demo.h"

const struct fs_demo fs_demo_threads_vs_processes = {
    "threads-vs-processes",
    "the same job on 4 threads and 4 processes: the costs",
    "On the screen: one job (count the primes below 500 million) on 4 worker\n"
    "threads and on 4 processes (forkscope child primes), and an echo of each kind.\n"
    "Watch: the processes take longer to start and each has its own memory (MEM);\n"
    "the threads share forkscope's. CPU per task is alike. Keys: m traffic, M send\n"
    "to ping-thread or ping-process (a round trip), T threads, j/k select.\n",
    "tasks:\n"
    "  thread:\n"
    "    worker: primes\n"
    "    args: \"500000000\"\n"
    "    replicas: 4\n"
    "  process:\n"
    "    fork: [sh, -c, 'exec \"$FORKSCOPE\" child primes 500000000']\n"
    "    replicas: 4\n"
    "  ping-thread:\n"
    "    worker: echo\n"
    "    args: \"30\"\n"
    "  ping-process:\n"
    "    fork: [sh, -c, 'exec \"$FORKSCOPE\" child echo 30']\n",
};

const struct fs_demo fs_demo_shared_memory = {
    "shared-memory",
    "atomic against racy updates of a shared counter",
    "On the screen: two counter threads adding 1 to one shared block with an\n"
    "atomic add, two racer threads doing a plain read-modify-write; 5 million each.\n"
    "Watch: counter ends at exactly 10000000; racer ends below it, every run (its\n"
    "pane and the traffic view show the final values). Keys: R reruns all four\n"
    "together, r one, m traffic.\n",
    "tasks:\n"
    "  counter:\n"
    "    worker: counter\n"
    "    args: \"5000000\"\n"
    "    shared: atomic\n"
    "    replicas: 2\n"
    "  racer:\n"
    "    worker: racer\n"
    "    args: \"5000000 2\"\n"
    "    shared: racy\n"
    "    replicas: 2\n",
};

const struct fs_demo fs_demo_pools = {
    "pools",
    "a pool of 2 vs 20 at once; 200 threads vs 200 processes",
    "On the screen: 20 jobs through a pool of 2 processes and the same 20 all at once\n"
    "(a pool of 20); 200 threads and 200 processes (sleep 3) sleeping 3 s, in pools.\n"
    "Watch: a pool row sums its members: all-at-once shares the CPUs and peaks far\n"
    "higher in memory (RSS; the peak once ended). A pool's pane ends with its time,\n"
    "when its last job started (processes start slower than threads) and its peak\n"
    "memory. Keys: j/k select, T threads, ? all keys.\n",
    "tasks:\n"
    "  pool-of-2:\n"
    "    shell: exec \"$FORKSCOPE\" child primes 200000000\n"
    "    pool: 2\n"
    "    jobs: 20\n"
    "  all-at-once:\n"
    "    shell: exec \"$FORKSCOPE\" child primes 200000000\n"
    "    pool: 20\n"
    "    jobs: 20\n"
    "  threads-200:\n"
    "    worker: sleep\n"
    "    args: \"3000\"\n"
    "    pool: 200\n"
    "    jobs: 200\n"
    "  processes-200:\n"
    "    shell: exec sleep 3\n"
    "    pool: 200\n"
    "    jobs: 200\n",
};

const struct fs_demo fs_demo_blocking = {
    "blocking",
    "a heartbeat late while a CPU job blocks its loop",
    "On the screen: two heartbeats ticking every 100 ms and printing how late each\n"
    "tick came; at the 5th tick each starts 1.5 s of CPU work.\n"
    "Watch: same-loop's ticks come 1.5 s late (the job blocks its loop);\n"
    "on-a-worker's stay on time (the job runs on a thread). Keys: r rerun, z zoom.\n",
    "tasks:\n"
    "  same-loop:\n"
    "    shell: exec \"$FORKSCOPE\" child heartbeat 40 1500\n"
    "  on-a-worker:\n"
    "    shell: exec \"$FORKSCOPE\" child heartbeat 40 1500 worker\n",
};

const struct fs_demo fs_demo_io_bound = {
    "io-bound",
    "the myth: workers do not speed up waiting for I/O",
    "On the screen: 200 requests that each take 2 s to answer, waited for by one\n"
    "loop (a process), and the same 200 split over 4 worker threads.\n"
    "Watch: both take about 2 s: waiting together costs nothing, and the workers\n"
    "only add threads and memory. Keys: m traffic (the times), T threads, r rerun.\n",
    "tasks:\n"
    "  one-loop:\n"
    "    shell: exec \"$FORKSCOPE\" child io 200 2000\n"
    "  four-workers:\n"
    "    worker: io\n"
    "    args: \"50 2000\"\n"
    "    replicas: 4\n",
};

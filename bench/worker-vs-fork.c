/*
 * Worker threads against forked children, side by side in one run, each
 * through forkscope's own mechanisms on forkscope's runtime (one libuv loop;
 * bench/side.c drives each end as the app does):
 *
 *  - a worker is started as app/worker.c starts one: a runtime wake-up
 *    (uv_async), a port whose wake function sends it, fs_worker_start; its
 *    messages are drained whole on the loop, the thread joined once done;
 *  - a child is started as a fork task: fs_proc_spawn with a channel (a
 *    socket pair on fd 3, NODE_CHANNEL_FD set, its own process group put on the
 *    watchdog's list before exec), its channel read by libuv and split by
 *    forkscope's framer and classifier (ipc/ipc.h), its exit status reaped
 *    by the runtime's SIGCHLD watcher, stopped with SIGTERM to its group.
 *
 * Measured: start-up (from the start call to the first message on the loop)
 * and teardown (from the stop request until the thread is joined, or the
 * child reaped and its pipes at EOF); the round trip of {"i":k} to an echoing
 * worker (the built-in `echo` module) and an echoing C child, each message
 * encoded by fs_ipc_encode as forkscope's sends are; messages per second one
 * way from a worker posting and a child writing, one message at a time, as
 * fast as they can (and the same child writing 64 KiB at a time, for scale).
 * A Node child (`node -e`, process.send) is measured too when node is there.
 * Round trips and throughput are measured in three placements (see below).
 *
 *     make bench/worker-vs-fork && bench/worker-vs-fork [-s starts] [-r round trips]
 *                                  [-t messages] [-n node starts] [-m MiB]
 *
 * -m makes the process hold (and touch) that much memory first: fork copies
 * the parent's page tables, so a real forkscope with full scrollbacks forks
 * slower than this small process. Never part of `make check`.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt/rt.h"
#include "side.h"
#include "worker/modules.h"

#define RTT_WARMUP 1000 /* round trips of each round left out of the figures */
#define ROUNDS 3        /* round-trip and throughput rounds, the sides alternating */
#define PHASE_LIMIT 600 /* seconds: SIGALRM ends a benchmark that hangs */

/* ---- statistics ------------------------------------------------------------------ */

struct samples {
    double *v;
    size_t n, cap;
};

static void
add(struct samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (s->v == NULL)
            abort();
    }
    s->v[s->n++] = x;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The p-quantile (nearest rank); 0 when there are no samples. */
static double
quantile(struct samples *s, double p)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp_double);
    return s->v[(size_t)(p * (double)(s->n - 1) + 0.5)];
}

static double
us(uint64_t from, uint64_t to)
{
    return (double)(to - from) / 1e3;
}

/* ---- where the two ends run ---------------------------------------------------------- */

/*
 * On a machine of few CPUs a round trip costs mostly what the scheduler does:
 * when the two ends share a CPU, each wake-up is a context switch; when they
 * are on two CPUs, each wake-up may have to bring an idle CPU back (an
 * inter-processor interrupt, on a virtual machine an exit to the host). So the
 * message measures run three times: with both ends on one CPU, with the loop
 * on one CPU and the worker or child on another, and where the scheduler puts
 * them. A thread and a forked child inherit the mask of the thread that
 * starts them, so the loop's thread takes the other end's mask for the start.
 */
enum place { FREE, ONE_CPU, TWO_CPUS, NPLACES };

static const char *const place_names[NPLACES] = {"not pinned", "one CPU", "two CPUs"};

static cpu_set_t all_cpus; /* the mask the benchmark was started with */
static int cpu_a = -1, cpu_b = -1;

static void
find_cpus(void)
{
    if (sched_getaffinity(0, sizeof all_cpus, &all_cpus) != 0)
        abort();
    for (int c = 0; c < CPU_SETSIZE && cpu_b < 0; c++)
        if (CPU_ISSET(c, &all_cpus))
            *(cpu_a < 0 ? &cpu_a : &cpu_b) = c;
}

/* Sets the loop thread's mask: one CPU, or all (-1). */
static void
run_on(int cpu)
{
    cpu_set_t one;

    CPU_ZERO(&one);
    if (cpu >= 0)
        CPU_SET(cpu, &one);
    if (pthread_setaffinity_np(pthread_self(), sizeof one, cpu >= 0 ? &one : &all_cpus) != 0)
        abort();
}

/* Before starting the other end / after. */
static void
place_other(enum place pl)
{
    run_on(pl == FREE ? -1 : pl == ONE_CPU ? cpu_a : cpu_b);
}

static void
place_loop(enum place pl)
{
    run_on(pl == FREE ? -1 : cpu_a);
}

/* ---- the three measures ----------------------------------------------------------- */

enum who { W_WORKER, W_CHILD, W_NODE, NWHO };

struct startup {
    struct samples first; /* start call -> first message, µs */
    struct samples call;  /* inside the start call, µs */
    struct samples down;  /* stop request -> joined / reaped, µs */
};

/* Returns false when the child's program is not there. */
static bool
startup_once(struct fs_rt *rt, enum side_kind k, char *const *argv, struct startup *out)
{
    struct side s = {.rt = rt};
    uint64_t t0 = side_now_ns(), t_call;

    if (k == SIDE_WORKER)
        side_start_worker(&s, side_hello_main, "");
    else if (side_start_child(&s, argv) != 0)
        return false;
    t_call = side_now_ns();
    side_turn_until_got(&s, 1);
    uint64_t t_stop = side_now_ns();
    side_stop(&s);
    add(&out->first, us(t0, s.t_first));
    add(&out->call, us(t0, t_call));
    add(&out->down, us(t_stop, s.t_gone));
    side_free(&s);
    return true;
}

static void
start_placed(struct side *s, enum side_kind k, enum place pl, fs_worker_entry entry,
             const char *args, char *const *argv)
{
    place_other(pl);
    if (k == SIDE_WORKER)
        side_start_worker(s, entry, args);
    else if (side_start_child(s, argv) != 0)
        exit(1);
    place_loop(pl);
}

static void
round_trips(struct fs_rt *rt, enum side_kind k, enum place pl, char *const *argv, long count,
            struct samples *out)
{
    struct side s = {.rt = rt, .ping = true};
    fs_worker_entry echo;
    bool unsafe;
    char *err = NULL;

    if (fs_worker_load("echo", &echo, &unsafe, &err) != 0) {
        fprintf(stderr, "worker-vs-fork: %s\n", err);
        exit(1);
    }
    start_placed(&s, k, pl, echo, "", argv);
    for (long i = 0; i < RTT_WARMUP + count; i++) {
        side_ping(&s, i);
        side_turn_until_got(&s, i + 1);
        if (i >= RTT_WARMUP)
            add(out, us(s.t_sent, s.t_last));
    }
    s.ping = false;
    side_stop(&s);
    side_free(&s);
    place_loop(FREE);
}

/* Messages per second one way, from the first message to the last. */
static double
one_way(struct fs_rt *rt, enum side_kind k, enum place pl, char *const *argv, long count)
{
    struct side s = {.rt = rt};
    char args[32];

    snprintf(args, sizeof args, "%ld", count);
    start_placed(&s, k, pl, side_flood_main, args, argv);
    side_turn_until_got(&s, count);
    double rate = (double)(count - 1) / ((double)(s.t_last - s.t_first) / 1e9);
    side_stop(&s);
    side_free(&s);
    place_loop(FREE);
    return rate;
}

/* ---- the run ------------------------------------------------------------------------ */

struct opts {
    long starts, rtts, msgs, node_starts, ballast_mib;
};

/* The programs the children run, and their arguments. */
struct progs {
    char *hello, *child, *batched;
    char count[32];
    char *hello_argv[2], *echo_argv[3], *flood_argv[4], *batched_argv[4];
    char *node_hello_argv[4], *node_echo_argv[4];
};

struct results {
    struct startup start[NWHO];
    struct samples rtt[NPLACES][NWHO];
    struct samples rate[NPLACES][NWHO]; /* W_NODE: the C child writing 64 KiB at a time */
    bool node;
};

/* The directory of this program, where the children are built. */
static char *
sibling(const char *name)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *path;

    if (n <= 0)
        return NULL;
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    path = malloc(strlen(self) + strlen(name) + 2);
    if (path != NULL)
        sprintf(path, "%s/%s", self, name);
    return path;
}

static void
progs_init(struct progs *p, long msgs)
{
    static char node[] = "node", e[] = "-e", echo[] = "echo", flood[] = "flood";
    static char devnull[] = "/dev/null";
    static char node_hello[] = "process.send({ready: 1})";
    static char node_echo[] = "process.on('message', (m) => process.send({echo: m}))";

    p->hello = sibling("fork-hello");
    p->child = sibling("fork-child");
    p->batched = sibling("ipc-flood-child");
    snprintf(p->count, sizeof p->count, "%ld", msgs);
    memcpy(p->hello_argv, (char *[]){p->hello, NULL}, sizeof p->hello_argv);
    memcpy(p->echo_argv, (char *[]){p->child, echo, NULL}, sizeof p->echo_argv);
    memcpy(p->flood_argv, (char *[]){p->child, flood, p->count, NULL}, sizeof p->flood_argv);
    memcpy(p->batched_argv, (char *[]){p->batched, p->count, devnull, NULL},
           sizeof p->batched_argv);
    memcpy(p->node_hello_argv, (char *[]){node, e, node_hello, NULL}, sizeof p->node_hello_argv);
    memcpy(p->node_echo_argv, (char *[]){node, e, node_echo, NULL}, sizeof p->node_echo_argv);
}

/* Start-up, not pinned: a worker and a child in turn, so both see the same
 * load; a Node child every so often. */
static void
run_startups(struct fs_rt *rt, const struct opts *o, struct progs *p, struct results *r)
{
    long node_every =
        o->starts > o->node_starts && o->node_starts > 0 ? o->starts / o->node_starts : 1;

    r->node = o->node_starts > 0;
    alarm(PHASE_LIMIT);
    for (long i = 0; i < o->starts; i++) {
        startup_once(rt, SIDE_WORKER, NULL, &r->start[W_WORKER]);
        if (!startup_once(rt, SIDE_CHILD, p->hello_argv, &r->start[W_CHILD])) {
            fprintf(stderr, "worker-vs-fork: %s is not built\n", p->hello);
            exit(1);
        }
        if (r->node && i % node_every == 0 && (long)r->start[W_NODE].first.n < o->node_starts)
            r->node = startup_once(rt, SIDE_CHILD, p->node_hello_argv, &r->start[W_NODE]);
    }
}

/* Round trips and throughput: in rounds, the sides alternating, each round in
 * every placement (two CPUs only where there are two). */
static void
run_messages(struct fs_rt *rt, const struct opts *o, struct progs *p, struct results *r)
{
    for (int i = 0; i < ROUNDS; i++) {
        alarm(PHASE_LIMIT);
        for (enum place pl = FREE; pl < NPLACES; pl++) {
            if (pl == TWO_CPUS && cpu_b < 0)
                break;
            round_trips(rt, SIDE_WORKER, pl, NULL, o->rtts, &r->rtt[pl][W_WORKER]);
            round_trips(rt, SIDE_CHILD, pl, p->echo_argv, o->rtts, &r->rtt[pl][W_CHILD]);
            if (r->node)
                round_trips(rt, SIDE_CHILD, pl, p->node_echo_argv, o->rtts / 4,
                            &r->rtt[pl][W_NODE]);
            add(&r->rate[pl][W_WORKER], one_way(rt, SIDE_WORKER, pl, NULL, o->msgs));
            add(&r->rate[pl][W_CHILD], one_way(rt, SIDE_CHILD, pl, p->flood_argv, o->msgs));
            add(&r->rate[pl][W_NODE], one_way(rt, SIDE_CHILD, pl, p->batched_argv, o->msgs));
        }
    }
    alarm(0);
}

/* One line of the table: the worker's figure, the C child's and the Node
 * child's, each child's with its ratio to the worker. */
static void
row(const char *what, struct samples *w, struct samples *c, struct samples *n, double q)
{
    double wv = quantile(w, q), cv = quantile(c, q);

    printf("%-40s %9.1f %9.1f %6.1fx", what, wv, cv, cv / wv);
    if (n->n > 0)
        printf(" %10.1f %7.1fx", quantile(n, q), quantile(n, q) / wv);
    printf("\n");
}

#define START_ROW(what, r, field, q)                                                               \
    row(what, &(r)->start[W_WORKER].field, &(r)->start[W_CHILD].field, &(r)->start[W_NODE].field, q)

static void
print_table(struct results *r)
{
    char what[64];

    printf("\n%-40s %9s %9s %7s", "us (ratio: child / worker)", "worker", "C child", "C/w");
    if (r->start[W_NODE].first.n > 0)
        printf(" %10s %8s", "Node child", "Node/w");
    printf("\n");
    START_ROW("start -> first message, median", r, first, 0.5);
    START_ROW("start -> first message, p90", r, first, 0.9);
    START_ROW("  of which in the start call, median", r, call, 0.5);
    START_ROW("stop -> joined / reaped, median", r, down, 0.5);
    for (enum place pl = FREE; pl < NPLACES && r->rtt[pl][W_WORKER].n > 0; pl++) {
        snprintf(what, sizeof what, "round trip, %s, median", place_names[pl]);
        row(what, &r->rtt[pl][W_WORKER], &r->rtt[pl][W_CHILD], &r->rtt[pl][W_NODE], 0.5);
        snprintf(what, sizeof what, "round trip, %s, p99", place_names[pl]);
        row(what, &r->rtt[pl][W_WORKER], &r->rtt[pl][W_CHILD], &r->rtt[pl][W_NODE], 0.99);
    }
    printf("\nmessages/s one way, median of %d    worker port   C child  worker/C  C child, "
           "64 KiB writes\n",
           ROUNDS);
    for (enum place pl = FREE; pl < NPLACES && r->rate[pl][W_WORKER].n > 0; pl++) {
        double w = quantile(&r->rate[pl][W_WORKER], 0.5), c = quantile(&r->rate[pl][W_CHILD], 0.5);
        printf("  %-36s %11.0f %9.0f %8.1fx %10.0f\n", place_names[pl], w, c, w / c,
               quantile(&r->rate[pl][W_NODE], 0.5));
    }
    double w = quantile(&r->rate[FREE][W_WORKER], 0.5);
    printf("port target >= 1,000,000 messages/s one way (not pinned): %s\n",
           w >= 1e6 ? "met" : "NOT MET");
    if (r->start[W_NODE].first.n == 0)
        printf("Node: not measured (-n 0, or node is not in PATH)\n");
}

static void
results_free(struct results *r)
{
    for (int i = 0; i < NWHO; i++) {
        free(r->start[i].first.v);
        free(r->start[i].call.v);
        free(r->start[i].down.v);
        for (int pl = 0; pl < NPLACES; pl++) {
            free(r->rtt[pl][i].v);
            free(r->rate[pl][i].v);
        }
    }
}

/* A non-negative decimal number, or -1. */
static long
arg_long(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return end != s && *end == '\0' && v >= 0 ? v : -1;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){200, 20000, 2000000, 20, 0};
    for (int c; (c = getopt(argc, argv, "s:r:t:n:m:")) != -1;) {
        long v = c == '?' ? -1 : arg_long(optarg);
        if (v < 0 || (v == 0 && (c == 's' || c == 'r' || c == 't')))
            return -1;
        *(c == 's'   ? &o->starts
          : c == 'r' ? &o->rtts
          : c == 't' ? &o->msgs
          : c == 'n' ? &o->node_starts
                     : &o->ballast_mib) = v;
    }
    return optind == argc ? 0 : -1;
}

int
main(int argc, char **argv)
{
    struct opts o;
    struct progs p;
    struct results r;
    char *mem = NULL, *err = NULL;

    if (parse_opts(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: %s [-s starts] [-r round trips] [-t messages] [-n node starts] "
                "[-m MiB held]\n",
                argv[0]);
        return 2;
    }
    if (o.ballast_mib > 0) {
        mem = malloc((size_t)o.ballast_mib << 20);
        if (mem == NULL)
            return 1;
        memset(mem, 1, (size_t)o.ballast_mib << 20);
    }
    find_cpus();
    struct fs_rt *rt = fs_rt_new(&err);
    if (rt == NULL) {
        fprintf(stderr, "worker-vs-fork: %s\n", err);
        return 1;
    }
    progs_init(&p, o.msgs);
    memset(&r, 0, sizeof r);
    printf("worker threads vs forked children: %ld CPUs online, %ld MiB held; %ld starts "
           "(Node %ld), %d x %ld round trips (Node %ld), %d x %ld messages one way\n",
           sysconf(_SC_NPROCESSORS_ONLN), o.ballast_mib, o.starts, o.node_starts, ROUNDS, o.rtts,
           o.rtts / 4, ROUNDS, o.msgs);
    fflush(stdout);
    run_startups(rt, &o, &p, &r);
    run_messages(rt, &o, &p, &r);
    print_table(&r);

    results_free(&r);
    free(mem);
    free(p.hello);
    free(p.child);
    free(p.batched);
    int left = fs_rt_free(rt);
    if (left != 0)
        fprintf(stderr, "worker-vs-fork: the loop did not close cleanly (%d)\n", left);
    return left != 0;
}

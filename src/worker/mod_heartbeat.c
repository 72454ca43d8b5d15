/*
 * The `heartbeat` worker: the blocking lesson. `heartbeat TICKS JOB_MS [worker]`
 * ticks every 100 ms and posts how late each tick came ({"tick":i,"late_ms":L});
 * at the fifth tick it starts a CPU job of JOB_MS milliseconds, on its own
 * thread (the job blocks the ticks, as a computation blocks Node's event loop)
 * or, with `worker`, on a thread of its own (the ticks stay on time). It ends
 * with {"ticks":N,"max_late_ms":M,"job":"inline"|"worker"}.
 */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker/modules.h"

#define TICK_MS 100u
#define JOB_AT 5u

/* Burns the CPU for ms milliseconds of wall time. */
static void
burn(uint64_t ms)
{
    uint64_t end = fs_worker_now_ms() + ms;
    volatile uint64_t x = 0;

    while (fs_worker_now_ms() < end)
        for (int i = 0; i < 10000; i++)
            x += (uint64_t)i;
}

static void *
job_thread(void *arg)
{
    burn(*(uint64_t *)arg);
    return NULL;
}

static void
sleep_until_ms(uint64_t at)
{
    struct timespec ts = {(time_t)(at / 1000u), (long)(at % 1000u) * 1000000L};

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
        ;
}

static int
start_job(struct fs_port *p, bool on_worker, uint64_t *job_ms, pthread_t *tid)
{
    fs_worker_postf(p, "{\"job\":\"%s\",\"ms\":%llu}", on_worker ? "worker" : "inline",
                    (unsigned long long)*job_ms);
    if (!on_worker) {
        burn(*job_ms);
        return 0;
    }
    if (pthread_create(tid, NULL, job_thread, job_ms) != 0) {
        fs_worker_post_error(p, "heartbeat: cannot start the job's thread");
        return -1;
    }
    return 1;
}

int
fs_mod_heartbeat(struct fs_port *p, const char *args)
{
    uint64_t ticks, job_ms, max_late = 0;
    const char *rest;
    pthread_t tid;
    int joined = 0;

    if (fs_worker_arg_u64(p, "heartbeat", args, 10000, false, &ticks) != 0)
        return 2;
    rest = strchr(args + strspn(args, " "), ' ');
    if (rest == NULL || fs_worker_arg_u64(p, "heartbeat", rest, 60000, true, &job_ms) != 0)
        return 2;
    bool on_worker = strstr(rest, "worker") != NULL;
    uint64_t start = fs_worker_now_ms();
    for (uint64_t i = 1; i <= ticks && !fs_port_stop_requested(p); i++) {
        uint64_t due = start + i * TICK_MS;
        sleep_until_ms(due);
        uint64_t late = fs_worker_now_ms() - due;
        if (late > max_late)
            max_late = late;
        fs_worker_postf(p, "{\"tick\":%llu,\"late_ms\":%llu}", (unsigned long long)i,
                        (unsigned long long)late);
        if (i == JOB_AT && job_ms > 0 && (joined = start_job(p, on_worker, &job_ms, &tid)) < 0)
            return 1;
    }
    if (joined == 1)
        pthread_join(tid, NULL);
    fs_worker_postf(p, "{\"ticks\":%llu,\"max_late_ms\":%llu,\"job\":\"%s\"}",
                    (unsigned long long)ticks, (unsigned long long)max_late,
                    on_worker ? "worker" : "inline");
    return 0;
}

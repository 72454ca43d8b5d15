/*
 * Holds on the --control input. Something that forkscope queues for a task
 * (a fork task's full channel, rt/chanq.c; the messages waiting for room in a
 * worker's inbox, src/app/worker.c) holds back standard input while it is over
 * its mark: the runtime stops reading commands until every hold is released,
 * so a program that floods `send` lines waits for the slow task instead of
 * having its messages refused, and forkscope's memory stays bounded. A hold
 * whose task takes nothing for the send timeout stalls: the input goes on
 * without it, and the sends that would wait for it are refused (the holder
 * asks fs_rt_hold_stalled) until the task takes something again.
 */
#ifndef FS_RT_HOLD_H
#define FS_RT_HOLD_H
/* The layer guard: see tools/check-layers and Makefile.am's FS_LAYER_ flags. */
#if defined(FS_LAYER_PLAIN) || defined(FS_LAYER_FRONT)
#error "rt/ is for app/ alone: the layers below and the front ends never see it (doc/architecture.md)"
#endif

#include <stdbool.h>
#include <stddef.h>

struct fs_rt;

struct fs_rt_hold {
    /* Bytes still waiting for the task: less than at the last look is
     * progress. */
    size_t (*queued)(struct fs_rt_hold *h);
    /* The runtime's: */
    bool on, stalled, moved;
    double progress_at;
    size_t last_queued;
    struct fs_rt_hold *next;
};

/* Starts holding the input back (a no-op when h already holds). */
void fs_rt_hold_start(struct fs_rt *rt, struct fs_rt_hold *h);
/* Releases h (a no-op when it does not hold). */
void fs_rt_hold_stop(struct fs_rt *rt, struct fs_rt_hold *h);
/* The task took some of what waits for it. */
static inline void
fs_rt_hold_moved(struct fs_rt_hold *h)
{
    h->moved = true;
}
/* Holding, but the task has taken nothing for the send timeout. */
static inline bool
fs_rt_hold_stalled(const struct fs_rt_hold *h)
{
    return h->on && h->stalled;
}

#endif

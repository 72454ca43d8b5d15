/*
 * Holds on the --control input (see hold.h): the runtime's list of holds, how
 * many of them still hold (those not stalled), and a timer that looks for
 * holds whose task stopped taking anything.
 */
#include <config.h>

#include "rt/hold.h"

#include "rt/rt_int.h"

static void on_stall_tick(void *arg);

static void
stall_timer_start(struct fs_rt *rt)
{
    if (rt->shut)
        return;
    if (rt->stall_timer == NULL) {
        rt->stall_timer = fs_timer_new(rt, on_stall_tick, rt);
        fs_timer_weak(rt->stall_timer);
    }
    double period = rt->send_timeout / 4;
    fs_timer_start(rt->stall_timer, period < 0.05 ? 0.05 : period > 1 ? 1 : period);
}

void
fs_rt_hold_start(struct fs_rt *rt, struct fs_rt_hold *h)
{
    if (h->on)
        return;
    h->on = true;
    h->stalled = false;
    h->moved = false;
    h->progress_at = fs_rt_now(rt);
    h->last_queued = h->queued(h);
    h->next = rt->holds;
    rt->holds = h;
    if (rt->waiting++ == 0) {
        fs_rt_input_flow(rt);
        stall_timer_start(rt);
    }
}

void
fs_rt_hold_stop(struct fs_rt *rt, struct fs_rt_hold *h)
{
    if (!h->on)
        return;
    struct fs_rt_hold **pp = &rt->holds;
    while (*pp != h)
        pp = &(*pp)->next;
    *pp = h->next;
    h->on = false;
    if (!h->stalled && --rt->waiting == 0)
        fs_rt_input_flow(rt);
    h->stalled = false;
    if (rt->holds == NULL && rt->stall_timer != NULL)
        fs_timer_stop(rt->stall_timer);
}

/* Every so often while something holds: has its task taken anything since the
 * last look? One that took nothing for the send timeout is stalled: the input
 * goes on without it. One that takes again holds the input back again. */
static void
on_stall_tick(void *arg)
{
    struct fs_rt *rt = arg;
    double now = fs_rt_now(rt);
    unsigned waiting = rt->waiting;
    for (struct fs_rt_hold *h = rt->holds; h != NULL; h = h->next) {
        size_t queued = h->queued(h);
        if (h->moved || queued < h->last_queued) {
            h->progress_at = now;
            if (h->stalled) {
                h->stalled = false;
                rt->waiting++;
            }
        } else if (!h->stalled && now - h->progress_at >= rt->send_timeout) {
            h->stalled = true;
            rt->waiting--;
        }
        h->moved = false;
        h->last_queued = queued;
    }
    if ((waiting == 0) != (rt->waiting == 0))
        fs_rt_input_flow(rt);
    if (rt->holds != NULL)
        stall_timer_start(rt);
}

/*
 * Who holds each end of node's MessagePorts (doc/tracing.md, "Ports handed
 * over"): a bounded table, per traced process, of the names the tracer gives
 * port ends and of where each end went. An end made by a MessageChannel is
 * named "T.C.1" or "T.C.2" (the C-th channel made in thread T, which holds it
 * until it moves); an end that arrived in a message is named "T.aC" by its
 * receiver, after the link it came on, the kind of message, its number and
 * the end's index in it; the sender tells the same four about the ends it
 * moves. Links: "wN:down" (to worker N), "wN:up" (from it), "p:NAME" (over
 * the port NAME, as the reporting thread calls it). Plain C; the oldest entry
 * goes when the table is full, and what can no longer be resolved is unknown.
 */
#ifndef FS_PORTTAB_H
#define FS_PORTTAB_H

#include <stddef.h>

struct fs_porttab;

/* A table of at most cap entries (an end's move, arrival or holder, or a
 * worker's parent each take one). */
struct fs_porttab *fs_porttab_new(size_t cap);
void fs_porttab_free(struct fs_porttab *t);

/* Thread `parent` of process pid started worker `worker`. */
void fs_porttab_worker(struct fs_porttab *t, long long pid, long long worker, long long parent);
/* A sender moves ends[0..nends) on link via, as the n-th message of kind k:
 * they are now held by the thread at the link's other end. A NULL end is
 * one the sender had no name for. */
void fs_porttab_move(struct fs_porttab *t, long long pid, const char *via, const char *k,
                     long long n, const char *const *ends, size_t nends);
/* A move that did not happen (the post threw): thread holds the ends again. */
void fs_porttab_stay(struct fs_porttab *t, long long pid, long long thread, const char *const *ends,
                     size_t nends);
/* A receiver names `as` the i-th end of the n-th message of kind k on via. */
void fs_porttab_arrive(struct fs_porttab *t, long long pid, const char *via, const char *k,
                       long long n, long long i, const char *as);
/* The thread holding the twin of the end named `end`: where a message posted
 * on it goes; for "wN:up" (worker N's parentPort), the thread that started
 * worker N. -1 when not known. */
long long fs_porttab_peer(struct fs_porttab *t, long long pid, const char *end);

#endif

/*
 * A pool member's thread: instead of running its module once, it takes jobs
 * from its port one at a time. Each job is a message forkscope sends,
 * {"job":N,"args":"..."} ("args" null when the pool gives none); the module
 * runs with those arguments, and when it returns the thread posts {"job":N},
 * or {"job":N,"error":"..."} when it returned non-zero. A stop request (the
 * pool has no job left, or the user stopped the member) ends the loop.
 */
#ifndef FS_WORKER_JOBS_H
#define FS_WORKER_JOBS_H

#include <stddef.h>

#include "forkscope/worker.h"

/* The loop of fs_worker_start_loop (worker/thread.h) for a pool member.
 * Runs jobs until a stop is requested or the port closes; returns 0, or the
 * last job's non-zero code when the module returned on a stop request. */
int fs_worker_run_jobs(fs_worker_main_fn entry, struct fs_port *port);

/* Parses a job message. Returns 0 and sets *job and *args (allocated, NULL when
 * the job has none), or -1 when it is not one. */
int fs_worker_parse_job(const char *json, size_t len, long long *job, char **args);

#endif

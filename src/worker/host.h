/*
 * `forkscope worker-host MODULE [ARGS]`: runs one worker module in a process
 * of its own, for modules that may take their process down (crash). The
 * process is started by forkscope as a task with an IPC channel; the module's
 * port is relayed to that channel as JSON lines, both ways.
 *
 * `forkscope child MODULE [ARGS...]` (hidden; the demos' programs) is the same
 * relay for a built-in module: the same job a `worker:` task runs as a thread,
 * run as a process. With a channel (a fork task) it speaks it; without one its
 * messages are its standard output, one JSON text a line.
 */
#ifndef FS_WORKER_HOST_H
#define FS_WORKER_HOST_H

/* argv[0] is the module, argv[1] its arguments (may be absent). Returns the
 * module's exit code, or 2 for bad usage. */
int fs_worker_host_main(int argc, char **argv);
/* argv[0] is a built-in module, the rest its arguments, joined by spaces.
 * Returns the module's exit code, or 2 for bad usage. */
int fs_worker_child_main(int argc, char **argv);

#endif

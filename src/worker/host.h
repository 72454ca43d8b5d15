/*
 * `forkscope worker-host MODULE [ARGS]`: runs one worker module in a process
 * of its own, for modules that may take their process down (crash). The
 * process is started by forkscope as a task with an IPC channel; the module's
 * port is relayed to that channel as JSON lines, both ways.
 */
#ifndef FS_WORKER_HOST_H
#define FS_WORKER_HOST_H

/* argv[0] is the module, argv[1] its arguments (may be absent). Returns the
 * module's exit code, or 2 for bad usage. */
int fs_worker_host_main(int argc, char **argv);

#endif

/*
 * The files of one process or thread directory (/proc/PID or /proc/PID/task/TID):
 * parsers for stat, statm, status and schedstat that fill plain structs, readers that fetch
 * a file into a stack buffer and parse it, and the CPU% arithmetic shared by
 * every figure that is a rate of jiffies.
 *
 * Nothing here allocates or keeps state.
 */
#ifndef FS_PIDSTAT_H
#define FS_PIDSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The longest comm the kernel shows is 15 bytes (TASK_COMM_LEN - 1), longer for
 * kernel workers; longer names are cut to fit. */
#define FS_PIDSTAT_COMM_MAX 64

/* The fields of /proc/PID/stat that forkscope shows. */
struct fs_pidstat {
    char comm[FS_PIDSTAT_COMM_MAX]; /* between the first '(' and the last ')' */
    char state;                     /* R S D T t Z X I ... */
    pid_t ppid;
    pid_t pgrp;         /* its process group */
    uint64_t utime;     /* jiffies (clock ticks) */
    uint64_t stime;     /* jiffies */
    int64_t threads;    /* num_threads (process-wide, also in task/TID/stat) */
    uint64_t starttime; /* jiffies after boot; with the pid, a process's identity */
    uint64_t vsize;     /* bytes */
    uint64_t rss;       /* pages (process-wide); 0 for a zombie */
    int exit_code;      /* field 52 (Linux 3.5+): a zombie's wait status, read only
                           when the state is Z; -1 otherwise or when not shown */
};

/* The fields of /proc/PID/statm, all in pages. */
struct fs_pidstatm {
    uint64_t size;
    uint64_t resident;
    uint64_t shared;
    uint64_t text;
    uint64_t data;
};

/* The fields of /proc/PID/status that stat does not have. */
struct fs_pidstatus {
    uint64_t ctx_vol;   /* voluntary_ctxt_switches */
    uint64_t ctx_invol; /* nonvoluntary_ctxt_switches */
};

/* The three numbers of schedstat (Linux's CONFIG_SCHED_INFO): all three
 * change whenever the process or thread ran, and only then (the wait grows
 * while it is runnable). Kernels without sched_info show "0 0 0". */
struct fs_pidsched {
    uint64_t run_ns;  /* time spent on a CPU */
    uint64_t wait_ns; /* time spent runnable, waiting for a CPU */
    uint64_t slices;  /* times it was given a CPU */
};

/* Buffer sizes of the readers (on the stack). A stat line is under 400 bytes; a
 * status file is about 1.5 KiB and grows with the CPU count (Cpus_allowed). */
#define FS_PIDSTAT_STAT_BUF 1024
#define FS_PIDSTAT_STATM_BUF 256
#define FS_PIDSTAT_STATUS_BUF 4096
#define FS_PIDSTAT_SCHED_BUF 128

/* Parses the text of a stat file. The comm is found between the first '(' and
 * the LAST ')', since it may itself hold spaces and parentheses. Returns 0 or
 * -EINVAL when the text is not a stat line. */
int fs_pidstat_parse(const char *text, size_t len, struct fs_pidstat *out);

/* Parses the text of a statm file. Returns 0 or -EINVAL. */
int fs_pidstat_parse_statm(const char *text, size_t len, struct fs_pidstatm *out);

/* Parses the context switch lines of a status file (searched from the end, where
 * they are). Returns 0, or -ENODATA when either line is missing. */
int fs_pidstat_parse_status(const char *text, size_t len, struct fs_pidstatus *out);

/* Read "DIR/stat", "DIR/statm" or "DIR/status" relative to rootfd, where dir is
 * "PID" or "PID/task/TID" (fs_procfs_pid_path), and parse it. Return 0, or a
 * negative errno: -ENOENT or -ESRCH when the process or thread is gone. */
int fs_pidstat_read(int rootfd, const char *dir, size_t dirlen, struct fs_pidstat *out);
int fs_pidstat_read_statm(int rootfd, const char *dir, size_t dirlen, struct fs_pidstatm *out);
int fs_pidstat_read_status(int rootfd, const char *dir, size_t dirlen, struct fs_pidstatus *out);
/* Reads a status file kept open (fd) again from its start: 0, -ENODATA when
 * the fields are missing, or the negative errno of the read (-ESRCH once the
 * process is gone). */
int fs_pidstat_reread_status(int fd, struct fs_pidstatus *out);

/* Parses the text of a schedstat file. Returns 0 or -EINVAL. */
int fs_pidstat_parse_schedstat(const char *text, size_t len, struct fs_pidsched *out);
/* Reads schedstat: from the start of the file kept open at fd, or, when fd is
 * negative, "DIR/schedstat" relative to rootfd. Returns 0 or a negative errno
 * (-ESRCH once the process of a file kept open is gone). */
int fs_pidstat_read_schedstat(int rootfd, int fd, const char *dir, size_t dirlen,
                              struct fs_pidsched *out);

/* CPU% over an interval, where 100 is one full core:
 *     (ticks - prev_ticks) / (seconds * clk_tck) * 100
 * ticks are utime + stime. Returns NAN (unknown) when the interval is not
 * positive, clk_tck is not positive, or the counter went backwards (a wrap or a
 * reused pid: the caller starts over as on a first sample). */
double fs_pidstat_cpu_pct(uint64_t prev_ticks, uint64_t ticks, double seconds, long clk_tck);

/* A counter's rate per second, NAN under the same conditions. */
double fs_pidstat_rate(uint64_t prev, uint64_t cur, double seconds);

#endif

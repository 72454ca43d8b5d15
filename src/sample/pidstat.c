/*
 * Parsers and readers for the files of one process or thread directory: stat,
 * statm, status and schedstat. Each reader reads one file into a stack buffer
 * (fs_procfs_read) and parses it by hand. Also the CPU% and rate arithmetic.
 * Owns nothing.
 */
#include <config.h>

#include "sample/pidstat.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "sample/procfs.h"

/* Copies the comm between open (just after '(') and close (the last ')'), cut to fit. */
static void
copy_comm(char *dst, const char *open, const char *close)
{
    size_t n = (size_t)(close - open);
    if (n > FS_PIDSTAT_COMM_MAX - 1)
        n = FS_PIDSTAT_COMM_MAX - 1;
    memcpy(dst, open, n);
    dst[n] = '\0';
}

/* Finds the last ')' of text. No field after the comm holds one, and the comm may
 * hold anything, even a newline (prctl(PR_SET_NAME)), so the search starts at the end. */
static const char *
last_paren(const char *text, size_t len)
{
    return memrchr(text, ')', len);
}

/* The numeric fields of stat that are kept, numbered as in proc(5) (3 is the state). */
enum {
    F_PPID = 4,
    F_PGRP = 5,
    F_UTIME = 14,
    F_STIME = 15,
    F_THREADS = 20,
    F_START = 22,
    F_VSIZE = 23,
    F_RSS = 24
};

/* Parses fields 4..24 in one pass into f[]; a negative value is kept as 0. */
static int
parse_fields(const char *p, const char *end, uint64_t f[F_RSS + 1])
{
    for (unsigned k = F_PPID; k <= F_RSS; k++) {
        while (p < end && *p == ' ')
            p++;
        bool neg = p < end && *p == '-';
        p += neg;
        const char *digits = p;
        uint64_t v = 0;
        while (p < end && (unsigned char)(*p - '0') < 10)
            v = v * 10 + (uint64_t)(*p++ - '0');
        if (p == digits)
            return -EINVAL;
        f[k] = neg ? 0 : v;
    }
    return 0;
}

int
fs_pidstat_parse(const char *text, size_t len, struct fs_pidstat *out)
{
    const char *end = text + len;
    const char *open = memchr(text, '(', len);
    const char *close = last_paren(text, len);
    if (open == NULL || close == NULL || close < open)
        return -EINVAL;
    copy_comm(out->comm, open + 1, close);

    const char *p = close + 1;
    while (p < end && *p == ' ')
        p++;
    if (p >= end || *p == '\n')
        return -EINVAL;
    out->state = *p++;

    uint64_t f[F_RSS + 1];
    if (parse_fields(p, end, f) != 0)
        return -EINVAL;
    /* A zombie's exit status is field 52: fields 4 to 51 come first. */
    uint64_t code;
    const char *q = p;
    out->exit_code = out->state == 'Z' && fs_procfs_skip_fields(&q, end, 48) &&
                             fs_procfs_parse_u64(&q, end, &code) && code <= 0xffff
                         ? (int)code
                         : -1;
    out->ppid = (pid_t)f[F_PPID];
    out->pgrp = (pid_t)f[F_PGRP];
    out->utime = f[F_UTIME];
    out->stime = f[F_STIME];
    out->threads = (int64_t)f[F_THREADS];
    out->starttime = f[F_START];
    out->vsize = f[F_VSIZE];
    out->rss = f[F_RSS];
    return 0;
}

int
fs_pidstat_parse_statm(const char *text, size_t len, struct fs_pidstatm *out)
{
    const char *p = text;
    const char *end = text + len;
    if (!fs_procfs_parse_u64(&p, end, &out->size) ||
        !fs_procfs_parse_u64(&p, end, &out->resident) ||
        !fs_procfs_parse_u64(&p, end, &out->shared) || !fs_procfs_parse_u64(&p, end, &out->text) ||
        !fs_procfs_skip_fields(&p, end, 1) || /* lib: always 0 since Linux 2.6 */
        !fs_procfs_parse_u64(&p, end, &out->data))
        return -EINVAL;
    return 0;
}

int
fs_pidstat_parse_status(const char *text, size_t len, struct fs_pidstatus *out)
{
    const char *end = text + len;
    const char *vol = fs_procfs_find_key_rev(text, len, "voluntary_ctxt_switches:");
    const char *invol = fs_procfs_find_key_rev(text, len, "nonvoluntary_ctxt_switches:");
    if (vol == NULL || invol == NULL || !fs_procfs_parse_u64(&vol, end, &out->ctx_vol) ||
        !fs_procfs_parse_u64(&invol, end, &out->ctx_invol))
        return -ENODATA;
    return 0;
}

/* Reads DIR/name into buf; returns its length or a negative errno. */
static ssize_t
read_file(int rootfd, const char *dir, size_t dirlen, const char *name, char *buf, size_t size)
{
    char path[FS_PROCFS_PATH_MAX];
    int r = fs_procfs_join(path, dir, dirlen, name);
    if (r != 0)
        return r;
    return fs_procfs_read(rootfd, path, buf, size, NULL);
}

int
fs_pidstat_read(int rootfd, const char *dir, size_t dirlen, struct fs_pidstat *out)
{
    char buf[FS_PIDSTAT_STAT_BUF];
    ssize_t n = read_file(rootfd, dir, dirlen, "stat", buf, sizeof buf);
    if (n < 0)
        return (int)n;
    return fs_pidstat_parse(buf, (size_t)n, out);
}

int
fs_pidstat_read_statm(int rootfd, const char *dir, size_t dirlen, struct fs_pidstatm *out)
{
    char buf[FS_PIDSTAT_STATM_BUF];
    ssize_t n = read_file(rootfd, dir, dirlen, "statm", buf, sizeof buf);
    if (n < 0)
        return (int)n;
    return fs_pidstat_parse_statm(buf, (size_t)n, out);
}

int
fs_pidstat_read_status(int rootfd, const char *dir, size_t dirlen, struct fs_pidstatus *out)
{
    char buf[FS_PIDSTAT_STATUS_BUF];
    ssize_t n = read_file(rootfd, dir, dirlen, "status", buf, sizeof buf);
    if (n < 0)
        return (int)n;
    return fs_pidstat_parse_status(buf, (size_t)n, out);
}

/* Reads a file kept open (fd) again from its start into buf, NUL-terminated;
 * returns its length or a negative errno. */
static ssize_t
reread(int fd, char *buf, size_t size)
{
    ssize_t n;
    do {
        n = pread(fd, buf, size - 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return n;
}

int
fs_pidstat_reread_status(int fd, struct fs_pidstatus *out)
{
    char buf[FS_PIDSTAT_STATUS_BUF];
    ssize_t n = reread(fd, buf, sizeof buf);
    if (n < 0)
        return (int)n;
    return fs_pidstat_parse_status(buf, (size_t)n, out);
}

int
fs_pidstat_parse_schedstat(const char *text, size_t len, struct fs_pidsched *out)
{
    const char *p = text, *end = text + len;
    if (!fs_procfs_parse_u64(&p, end, &out->run_ns) ||
        !fs_procfs_parse_u64(&p, end, &out->wait_ns) || !fs_procfs_parse_u64(&p, end, &out->slices))
        return -EINVAL;
    return 0;
}

int
fs_pidstat_read_schedstat(int rootfd, int fd, const char *dir, size_t dirlen,
                          struct fs_pidsched *out)
{
    char buf[FS_PIDSTAT_SCHED_BUF];
    ssize_t n = fd >= 0 ? reread(fd, buf, sizeof buf)
                        : read_file(rootfd, dir, dirlen, "schedstat", buf, sizeof buf);
    if (n < 0)
        return (int)n;
    return fs_pidstat_parse_schedstat(buf, (size_t)n, out);
}

double
fs_pidstat_cpu_pct(uint64_t prev_ticks, uint64_t ticks, double seconds, long clk_tck)
{
    if (!(seconds > 0) || clk_tck <= 0 || ticks < prev_ticks)
        return NAN;
    return (double)(ticks - prev_ticks) * 100.0 / (seconds * (double)clk_tck);
}

double
fs_pidstat_rate(uint64_t prev, uint64_t cur, double seconds)
{
    if (!(seconds > 0) || cur < prev)
        return NAN;
    return (double)(cur - prev) / seconds;
}

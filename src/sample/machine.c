/*
 * The machine's figures for the header line: the "cpu" totals of /proc/stat,
 * MemTotal and MemAvailable of /proc/meminfo, and /proc/uptime. Each file is read
 * into a small stack buffer: only the beginning of /proc/stat is needed. Owns the
 * previous CPU totals inside struct fs_machine.
 */
#include <config.h>

#include "sample/machine.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "sample/procfs.h"

/* Buffer sizes: the "cpu" line is first in /proc/stat; the memory lines we read
 * are the first five of /proc/meminfo. */
#define STAT_BUF 1024
#define MEMINFO_BUF 1024
#define UPTIME_BUF 128

void
fs_machine_init(struct fs_machine *m)
{
    memset(m, 0, sizeof *m);
    m->cpu = NAN;
}

int
fs_machine_parse_stat(const char *text, size_t len, struct fs_machine_cpu *out)
{
    const char *end = text + len;
    if (len < 4 || memcmp(text, "cpu ", 4) != 0)
        return -EINVAL;
    const char *p = text + 3;
    /* user nice system idle iowait irq softirq steal; guest and guest_nice are
     * already counted in user and nice. Old kernels show fewer fields. */
    uint64_t f[8] = {0};
    unsigned n = 0;
    while (n < 8 && fs_procfs_parse_u64(&p, end, &f[n]))
        n++;
    if (n < 4)
        return -EINVAL;
    uint64_t total = 0;
    for (unsigned i = 0; i < 8; i++)
        total += f[i];
    uint64_t idle = f[3] + f[4];
    out->total = total;
    out->busy = total - idle;
    return 0;
}

/* Parses the "NNN kB" after a meminfo key into bytes; false if key is missing. */
static bool
meminfo_field(const char *text, size_t len, const char *key, uint64_t *bytes)
{
    const char *p = fs_procfs_find_key(text, len, key);
    uint64_t kb;
    if (p == NULL || !fs_procfs_parse_u64(&p, text + len, &kb))
        return false;
    *bytes = kb * 1024;
    return true;
}

int
fs_machine_parse_meminfo(const char *text, size_t len, uint64_t *total, uint64_t *available)
{
    if (!meminfo_field(text, len, "MemTotal:", total))
        return -EINVAL;
    if (meminfo_field(text, len, "MemAvailable:", available))
        return 0;
    /* Kernels before 3.14 have no MemAvailable: estimate it as htop does. */
    uint64_t free_ = 0, buffers = 0, cached = 0;
    meminfo_field(text, len, "MemFree:", &free_);
    meminfo_field(text, len, "Buffers:", &buffers);
    meminfo_field(text, len, "Cached:", &cached);
    *available = free_ + buffers + cached;
    if (*available > *total)
        *available = *total;
    return 0;
}

int
fs_machine_parse_uptime(const char *text, size_t len, double *uptime)
{
    const char *p = text;
    const char *end = text + len;
    uint64_t whole;
    if (!fs_procfs_parse_u64(&p, end, &whole))
        return -EINVAL;
    double v = (double)whole;
    if (p < end && *p == '.') {
        double scale = 0.1;
        for (p++; p < end && *p >= '0' && *p <= '9'; p++, scale /= 10)
            v += (*p - '0') * scale;
    }
    *uptime = v;
    return 0;
}

double
fs_machine_cpu_pct(const struct fs_machine_cpu *prev, const struct fs_machine_cpu *cur)
{
    if (cur->total <= prev->total)
        return NAN;
    /* iowait may go backwards on some kernels, so busy may too: count it as 0. */
    uint64_t busy = cur->busy > prev->busy ? cur->busy - prev->busy : 0;
    uint64_t total = cur->total - prev->total;
    if (busy > total)
        busy = total;
    return (double)busy * 100.0 / (double)total;
}

/* Reads one machine file into buf; records the first error in *err. */
static ssize_t
read_or_note(int rootfd, const char *name, char *buf, size_t size, int *err)
{
    ssize_t n = fs_procfs_read(rootfd, name, buf, size, NULL);
    if (n < 0 && *err == 0)
        *err = (int)n;
    return n;
}

static void
sample_cpu(struct fs_machine *m, int rootfd, int *err)
{
    char buf[STAT_BUF];
    struct fs_machine_cpu cur;
    ssize_t n = read_or_note(rootfd, "stat", buf, sizeof buf, err);
    if (n < 0)
        return;
    int r = fs_machine_parse_stat(buf, (size_t)n, &cur);
    if (r != 0) {
        if (*err == 0)
            *err = r;
        m->cpu = NAN;
        return;
    }
    m->cpu = m->have_prev ? fs_machine_cpu_pct(&m->prev, &cur) : NAN;
    m->prev = cur;
    m->have_prev = true;
}

int
fs_machine_sample(struct fs_machine *m, int rootfd)
{
    int err = 0;
    char buf[MEMINFO_BUF];
    sample_cpu(m, rootfd, &err);

    ssize_t n = read_or_note(rootfd, "meminfo", buf, sizeof buf, &err);
    if (n >= 0) {
        int r = fs_machine_parse_meminfo(buf, (size_t)n, &m->mem_total, &m->mem_available);
        if (r != 0 && err == 0)
            err = r;
    }
    n = read_or_note(rootfd, "uptime", buf, UPTIME_BUF, &err);
    if (n >= 0 && fs_machine_parse_uptime(buf, (size_t)n, &m->uptime) != 0 && err == 0)
        err = -EINVAL;
    m->err = err;
    return err;
}

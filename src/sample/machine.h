/*
 * The machine's figures for the header line: CPU use of the whole machine from
 * the "cpu" line of /proc/stat (deltas between two samples), memory from
 * /proc/meminfo, and the uptime from /proc/uptime (to place process start times).
 *
 * A struct fs_machine is embedded in its owner (fs_machine_init, nothing to
 * free); it keeps the previous CPU totals between samples.
 */
#ifndef FS_MACHINE_H
#define FS_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The CPU totals of the "cpu" line, in jiffies. */
struct fs_machine_cpu {
    uint64_t busy;  /* total minus idle and iowait */
    uint64_t total; /* user + nice + system + idle + iowait + irq + softirq + steal */
};

struct fs_machine {
    /* The figures of the last sample. */
    int err;                /* 0, or the negative errno of the first file that failed */
    double cpu;             /* % of the whole machine (100: every CPU busy); NAN unknown */
    uint64_t mem_total;     /* bytes */
    uint64_t mem_available; /* bytes (MemAvailable, or MemFree + Buffers + Cached) */
    double uptime;          /* seconds since boot; 0 unknown */
    /* State between samples. */
    struct fs_machine_cpu prev;
    bool have_prev;
};

void fs_machine_init(struct fs_machine *m);

/* Reads stat, meminfo and uptime relative to rootfd and updates m. The first
 * sample (and one after the totals went backwards) leaves m->cpu NAN. Returns 0
 * or a negative errno (also kept in m->err); figures that could be read are set. */
int fs_machine_sample(struct fs_machine *m, int rootfd);

/* Parses the first line of /proc/stat ("cpu  user nice system idle ..."). At least
 * the first four numbers must be there. Returns 0 or -EINVAL. */
int fs_machine_parse_stat(const char *text, size_t len, struct fs_machine_cpu *out);

/* Parses /proc/meminfo into bytes. Returns 0 or -EINVAL without MemTotal. */
int fs_machine_parse_meminfo(const char *text, size_t len, uint64_t *total, uint64_t *available);

/* Parses /proc/uptime's first number. Returns 0 or -EINVAL. */
int fs_machine_parse_uptime(const char *text, size_t len, double *uptime);

/* The machine's CPU% between two totals: Δbusy / Δtotal × 100. NAN when the
 * total did not grow (zero period) or went backwards. */
double fs_machine_cpu_pct(const struct fs_machine_cpu *prev, const struct fs_machine_cpu *cur);

#endif

/*
 * Flood benchmark for src/term/: 64 MiB of 100-byte lines (plain digits, and
 * a variant with SGR colours) fed in pty-sized chunks into (a) libvterm with
 * its screen layer, (b) libvterm's parser and state layer with callbacks that
 * do nothing, (c) fs_term without its fast path for plain lines and (d) with
 * it; on a 100x50 screen. Then a memory check: 16
 * fs_terms each filled with 10,000 lines of 100 characters, and the growth of
 * the process's RSS. Usage: term-throughput [MiB] [chunk bytes]
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#include "term/term.h"

#define ROWS 50
#define COLS 100

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fills buf with whole 100-byte lines ending in \r\n, as a pty delivers
 * `printf "%098d\n"`; returns the bytes used. */
static size_t
make_lines(char *buf, size_t size, bool sgr)
{
    size_t n = 0;
    for (unsigned i = 0; n + 101 <= size; i++) {
        int k;
        if (sgr)
            k = snprintf(buf + n, 101, "\033[3%um%038u\033[1;38;5;%03um%039u\033[m\r\n", i % 8,
                         i, i % 256, i);
        else
            k = snprintf(buf + n, 101, "%098u\r\n", i);
        n += (size_t)k;
    }
    return n;
}

struct feeder {
    void (*feed)(void *obj, const char *data, size_t len);
    void *obj;
};

static double
run(struct feeder f, const char *buf, size_t len, size_t chunk)
{
    double t0 = now();
    for (size_t off = 0; off < len; off += chunk)
        f.feed(f.obj, buf + off, len - off < chunk ? len - off : chunk);
    return (double)len / (now() - t0) / 1e6;
}

static void
feed_vterm(void *obj, const char *data, size_t len)
{
    vterm_input_write(obj, data, len);
}

static void
feed_fs(void *obj, const char *data, size_t len)
{
    fs_term_write(obj, data, len);
}

/* (a): the screen layer, saving lines to a scrollback that drops them. */
static int
sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
    return 1;
}

static const VTermScreenCallbacks screen_cbs = {.sb_pushline = sb_pushline};

static double
bench_screen(const char *buf, size_t len, size_t chunk)
{
    VTerm *vt = vterm_new(ROWS, COLS);
    vterm_set_utf8(vt, 1);
    VTermScreen *s = vterm_obtain_screen(vt);
    vterm_screen_set_callbacks(s, &screen_cbs, NULL);
    vterm_screen_reset(s, 1);
    double r = run((struct feeder){feed_vterm, vt}, buf, len, chunk);
    vterm_free(vt);
    return r;
}

/* (b): parser and state with no-op callbacks. */
static int
nop_glyph(VTermGlyphInfo *info, VTermPos pos, void *user)
{
    return 1;
}

static int
nop_cursor(VTermPos pos, VTermPos old, int visible, void *user)
{
    return 1;
}

static int
nop_scroll(VTermRect rect, int down, int right, void *user)
{
    return 1;
}

static int
nop_erase(VTermRect rect, int selective, void *user)
{
    return 1;
}

static int
nop_pen(VTermAttr attr, VTermValue *val, void *user)
{
    return 1;
}

static const VTermStateCallbacks state_cbs = {
    .putglyph = nop_glyph, .movecursor = nop_cursor, .scrollrect = nop_scroll,
    .erase = nop_erase, .setpenattr = nop_pen,
};

static double
bench_state(const char *buf, size_t len, size_t chunk)
{
    VTerm *vt = vterm_new(ROWS, COLS);
    vterm_set_utf8(vt, 1);
    VTermState *st = vterm_obtain_state(vt);
    vterm_state_set_callbacks(st, &state_cbs, NULL);
    vterm_state_reset(st, 1);
    double r = run((struct feeder){feed_vterm, vt}, buf, len, chunk);
    vterm_free(vt);
    return r;
}

static double
bench_fs(const char *buf, size_t len, size_t chunk, bool fast, double *fast_share)
{
    struct fs_term *t = fs_term_new(ROWS, COLS, NULL);
    fs_term_set_fast_path(t, fast);
    double r = run((struct feeder){feed_fs, t}, buf, len, chunk);
    *fast_share = (double)fs_term_fast_lines(t) / (double)(len / 100);
    fs_term_free(t);
    return r;
}

static long
rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &size, &res) != 2)
        res = 0;
    fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
bench_memory(void)
{
    enum { NTERM = 16, NLINES = 10000 };
    char line[128];
    long before = rss_kib();
    struct fs_term *t[NTERM];
    size_t accounted = 0;
    for (int i = 0; i < NTERM; i++) {
        t[i] = fs_term_new(ROWS, COLS, NULL);
        for (int k = 0; k < NLINES + ROWS; k++) {
            int n = snprintf(line, sizeof(line), "%08d %091d\r\n", k, k * 7 + i);
            fs_term_write(t[i], line, (size_t)n);
        }
        accounted += fs_term_memory(t[i]);
    }
    long after = rss_kib();
    printf("memory: %d terms x %zu scrollback lines of 100 chars: RSS +%.1f MiB "
           "(fs_term_memory %.1f MiB)\n",
           NTERM, fs_term_scrollback_lines(t[0]), (double)(after - before) / 1024.0,
           (double)accounted / 1048576.0);
    for (int i = 0; i < NTERM; i++)
        fs_term_free(t[i]);
}

int
main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
    size_t chunk = argc > 2 ? strtoul(argv[2], NULL, 10) : 4096;
    if (mib == 0 || chunk == 0)
        return 2;
    bench_memory();
    char *buf = malloc(mib << 20);
    if (buf == NULL)
        return 1;
    for (int sgr = 0; sgr <= 1; sgr++) {
        size_t len = make_lines(buf, mib << 20, sgr);
        const char *what = sgr ? "sgr  " : "plain";
        printf("%s %zu MiB in %zu-byte chunks, %dx%d:\n", what, len >> 20, chunk, COLS, ROWS);
        printf("  (a) libvterm screen layer   %7.1f MB/s\n", bench_screen(buf, len, chunk));
        printf("  (b) libvterm parser+state   %7.1f MB/s\n", bench_state(buf, len, chunk));
        double share;
        printf("  (c) fs_term, no fast path   %7.1f MB/s\n", bench_fs(buf, len, chunk, false,
                                                                      &share));
        double d = bench_fs(buf, len, chunk, true, &share);
        printf("  (d) fs_term, fast path      %7.1f MB/s (%.0f%% of lines past libvterm)\n", d,
               share * 100);
        fflush(stdout);
    }
    free(buf);
    return 0;
}

/*
 * The table of built-in worker modules, the loader of `worker:` values
 * (built-in names and dlopen'ed plugins, with their ABI checked), and the
 * helpers the built-in modules share. A new built-in module is one entry in
 * fs_worker_modules[] and one mod_<name>.c file.
 */
#include <config.h>

#include "worker/modules.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xalloc.h"

const struct fs_worker_module fs_worker_modules[] = {
    {"primes", "count the primes up to N, with progress", fs_mod_primes, false},
    {"sort", "sort N random numbers", fs_mod_sort, false},
    {"spin", "burn CPU for N ms", fs_mod_spin, false},
    {"sleep", "sleep for N ms", fs_mod_sleep, false},
    {"alloc", "allocate and touch N MiB, hold it for M ms (default: until stopped)", fs_mod_alloc,
     false},
    {"echo", "answer each message (echo N: until N s pass without one)", fs_mod_echo, false},
    {"counter", "add 1 to the shared counter N times, atomically", fs_mod_counter, false},
    {"racer", "add 1 to the shared counter N times, without atomics", fs_mod_racer, false},
    {"crash", "dereference NULL (runs in a host process)", fs_mod_crash, true},
    {"fail", "return exit code N (default 1)", fs_mod_fail, false},
    {"heartbeat",
     "tick every 100 ms for N ticks, saying how late each came; a CPU job of M ms "
     "at the 5th, inline or on a thread ('worker')",
     fs_mod_heartbeat, false},
    {"io", "N requests answered after M ms each, waited for together on one thread", fs_mod_io,
     false},
    {"serve",
     "listen on a loopback port for probes: port=N, http or tcp, delay=MS, fail_after=N, "
     "ttl=S (runs in a host process)",
     fs_mod_serve, true},
    {NULL, NULL, NULL, false},
};

const struct fs_worker_module *
fs_worker_module_find(const char *name)
{
    for (const struct fs_worker_module *m = fs_worker_modules; m->name != NULL; m++) {
        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

bool
fs_worker_spec_is_plugin(const char *spec)
{
    /* Only a path: dlopen would look a bare name up on the linker's search path
     * (LD_LIBRARY_PATH, the cache, /usr/lib), not where the user is. */
    return strchr(spec, '/') != NULL;
}

/* The built-in names, comma-separated; caller frees. */
static char *
known_modules(void)
{
    size_t cap = 256, len = 0;
    char *known = fs_xmalloc(cap);

    known[0] = '\0';
    for (const struct fs_worker_module *m = fs_worker_modules; m->name != NULL; m++) {
        len += (size_t)snprintf(known + len, cap - len, "%s%s", len > 0 ? ", " : "", m->name);
        if (len >= cap)
            break;
    }
    return known;
}

/* A .js, .mjs or .cjs file: a program for node, not a module. */
static bool
is_node_script(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot != NULL &&
           (strcmp(dot, ".js") == 0 || strcmp(dot, ".mjs") == 0 || strcmp(dot, ".cjs") == 0);
}

/* Why spec, a Node script or a file that is no shared library (what), is not
 * a worker module, what one is, and how a Node script runs. */
static char *
not_a_module(const char *spec, const char *what)
{
    char *known = known_modules();
    char *msg = fs_xasprintf(
        "'%s' is %s: a worker module is a built-in name (%s) or a shared library built "
        "against forkscope/worker.h (doc/workers.md)%s%s%s",
        spec, what, known,
        is_node_script(spec) ? "; to run a Node script, and see its worker_threads as threads, "
                               "use 'fork: node "
                             : "",
        is_node_script(spec) ? spec : "", is_node_script(spec) ? "'" : "");
    free(known);
    return msg;
}

static char *
unknown_module(const char *name)
{
    char *known, *msg;

    if (is_node_script(name))
        return not_a_module(name, "a Node script, not a worker module");
    known = known_modules();
    if (strstr(name, ".so") != NULL)
        msg = fs_xasprintf("unknown worker module '%s' (built in: %s; a plugin is named by its "
                           "path, with a '/': './%s')",
                           name, known, name);
    else
        msg = fs_xasprintf("unknown worker module '%s' (built in: %s)", name, known);
    free(known);
    return msg;
}

int
fs_worker_check_name(const char *spec, char **err)
{
    *err = NULL;
    if (spec == NULL || spec[0] == '\0') {
        *err = fs_xstrdup("empty worker module name");
        return -EINVAL;
    }
    if (fs_worker_spec_is_plugin(spec) || fs_worker_module_find(spec) != NULL)
        return 0;
    *err = unknown_module(spec);
    return -ENOENT;
}

/* Splits "path[:symbol]"; the colon counts only after the last slash. */
static void
split_spec(const char *spec, char **path, const char **symbol)
{
    const char *slash = strrchr(spec, '/');
    const char *colon = strrchr(slash != NULL ? slash : spec, ':');

    if (colon != NULL && colon[1] != '\0') {
        *path = fs_xstrndup(spec, (size_t)(colon - spec));
        *symbol = colon + 1;
    } else {
        *path = fs_xstrdup(spec);
        *symbol = "fs_worker_main";
    }
}

/* False only for a file that can be read and does not start as ELF does; a
 * missing or unreadable one is left for dlopen to explain. */
static bool
is_elf(const char *path)
{
    unsigned char magic[4];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return true;
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, "\177ELF", 4) == 0;
}

static int
load_plugin(const char *spec, fs_worker_entry *entry, char **err)
{
    const char *symbol;
    char *path;
    void *dl, *sym;
    const int *abi;
    int rc = 0;

    split_spec(spec, &path, &symbol);
    if (!is_elf(path)) {
        *err = not_a_module(path, is_node_script(path) ? "a Node script, not a worker module"
                                                       : "not a shared library");
        free(path);
        return -ENOEXEC;
    }
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        *err = fs_xasprintf("cannot load '%s': %s", path, dlerror());
        free(path);
        return -ENOENT;
    }
    abi = dlsym(dl, "fs_worker_abi");
    sym = dlsym(dl, symbol);
    if (abi == NULL) {
        *err = fs_xasprintf("'%s' has no symbol 'fs_worker_abi' (was it built with "
                            "FS_WORKER_PLUGIN?)",
                            path);
        rc = -ENOEXEC;
    } else if (*abi != FS_WORKER_ABI_VERSION) {
        *err = fs_xasprintf("'%s' was built for worker ABI %d, forkscope speaks %d", path, *abi,
                            FS_WORKER_ABI_VERSION);
        rc = -ENOEXEC;
    } else if (sym == NULL) {
        *err = fs_xasprintf("'%s' has no symbol '%s'", path, symbol);
        rc = -ENOENT;
    } else {
        /* POSIX: what dlsym returns for a function converts to a function pointer. */
        memcpy(entry, &sym, sizeof sym);
    }
    if (rc != 0)
        dlclose(dl);
    free(path);
    return rc;
}

int
fs_worker_load(const char *spec, fs_worker_entry *entry, bool *unsafe, char **err)
{
    const struct fs_worker_module *m;
    int rc;

    *entry = NULL;
    if (unsafe != NULL)
        *unsafe = false;
    rc = fs_worker_check_name(spec, err);
    if (rc != 0)
        return rc;
    if (fs_worker_spec_is_plugin(spec))
        return load_plugin(spec, entry, err);
    m = fs_worker_module_find(spec);
    *entry = m->entry;
    if (unsafe != NULL)
        *unsafe = m->unsafe;
    return 0;
}

/* Writes s as a JSON string body (no quotes) into buf; truncates to fit. */
static void
json_escape(char *buf, size_t cap, const char *s)
{
    size_t n = 0;

    for (; *s != '\0' && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(buf + n, cap - n, "\\u%04x", c);
        } else {
            buf[n++] = (char)c;
        }
    }
    buf[n] = '\0';
}

int
fs_worker_post_error(struct fs_port *p, const char *text)
{
    char esc[768];

    json_escape(esc, sizeof esc, text);
    return fs_worker_postf(p, "{\"error\":\"%s\"}", esc);
}

int
fs_worker_postf(struct fs_port *p, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1;
    return fs_port_post(p, buf, (size_t)n);
}

int
fs_worker_arg_u64(struct fs_port *p, const char *module, const char *args, uint64_t max,
                  bool allow_zero, uint64_t *out)
{
    char *end, *msg;
    unsigned long long v;

    while (*args == ' ' || *args == '\t')
        args++;
    errno = 0;
    v = (*args >= '0' && *args <= '9') ? strtoull(args, &end, 10) : 0;
    if (*args < '0' || *args > '9' || errno != 0 || (*end != '\0' && *end != ' ') || v > max ||
        (v == 0 && !allow_zero)) {
        msg = fs_xasprintf("%s: expected a number from %d to %llu, got '%s'", module,
                           allow_zero ? 0 : 1, (unsigned long long)max, args);
        fs_worker_post_error(p, msg);
        free(msg);
        return -1;
    }
    *out = v;
    return 0;
}

int
fs_worker_progress(struct fs_port *p, double x, double *last)
{
    if (x > 1.0)
        x = 1.0;
    if (x <= *last || (x < 1.0 && x < *last + 0.01))
        return 0;
    *last = x;
    return fs_worker_postf(p, "{\"progress\":%.2f}", x);
}

uint64_t
fs_worker_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

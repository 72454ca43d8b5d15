/*
 * The worker modules: a const table of the built-in ones (primes, sort, spin,
 * sleep, alloc, echo, counter, racer, crash,
 * fail, heartbeat, io, serve), and the loader that turns a task's
 * `worker:` value into an entry point, either a built-in name or a plugin
 * (a path with a '/': `./libmine.so` or `./libmine.so:symbol`, loaded with
 * dlopen, ABI checked).
 *
 * Also the small helpers the built-in modules share: argument parsing that
 * posts {"error":...} on bad input, and printf-style posting.
 */
#ifndef FS_WORKER_MODULES_H
#define FS_WORKER_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forkscope/worker.h"

typedef fs_worker_main_fn fs_worker_entry;

struct fs_worker_module {
    const char *name;
    const char *summary; /* one line, for --help and the docs */
    fs_worker_entry entry;
    bool unsafe; /* may crash: run it in a host process, never in forkscope's own */
};

/* The built-in modules, ending with a zeroed entry. */
extern const struct fs_worker_module fs_worker_modules[];

/* Returns the built-in module named `name`, or NULL. */
const struct fs_worker_module *fs_worker_module_find(const char *name);

/* True if `spec` names a plugin file rather than a built-in module: it has a
 * '/'. A bare name is a built-in module or nothing, never a library that the
 * dynamic linker would search for. */
bool fs_worker_spec_is_plugin(const char *spec);

/*
 * Checks what can be checked without loading anything: a path (a plugin, looked
 * at only when it runs) or the name of a built-in module. Returns 0, or a
 * negative errno with *err set as fs_worker_load sets it (the caller frees it).
 */
int fs_worker_check_name(const char *spec, char **err);

/*
 * Resolves a `worker:` value. On success returns 0 and sets *entry, and
 * *unsafe (when not NULL) to whether it must run in a host process. On failure
 * returns a negative errno and sets *err to a message the user sees (the
 * caller frees it):
 *   unknown worker module 'x' (built in: primes, sort, ...)
 *   cannot load './x.so': <dlerror>
 *   './x.so' has no symbol 'fs_worker_main'
 *   './x.so' was built for worker ABI 3, forkscope speaks 1
 * A plugin stays loaded for the life of the process (its code may still run).
 */
int fs_worker_load(const char *spec, fs_worker_entry *entry, bool *unsafe, char **err);

/* Helpers for the built-in modules. */

/*
 * Parses args as one decimal number from 1 to max (or 0 to max if allow_zero).
 * On bad input posts {"error":"<module>: ..."} and returns -1.
 */
int fs_worker_arg_u64(struct fs_port *p, const char *module, const char *args, uint64_t max,
                      bool allow_zero, uint64_t *out);
/* Posts a message formatted like printf (at most 1 KiB). Returns fs_port_post's result. */
int fs_worker_postf(struct fs_port *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Posts {"error":"<text>"} with the text escaped for JSON. */
int fs_worker_post_error(struct fs_port *p, const char *text);
/* Posts {"progress":x} when x has moved on by 1% since *last; updates *last. */
int fs_worker_progress(struct fs_port *p, double x, double *last);

/* The entry points, one file each (mod_*.c). */
int fs_mod_primes(struct fs_port *p, const char *args);
int fs_mod_sort(struct fs_port *p, const char *args);
int fs_mod_spin(struct fs_port *p, const char *args);
int fs_mod_sleep(struct fs_port *p, const char *args);
int fs_mod_alloc(struct fs_port *p, const char *args);
int fs_mod_echo(struct fs_port *p, const char *args);
int fs_mod_counter(struct fs_port *p, const char *args);
int fs_mod_racer(struct fs_port *p, const char *args);
int fs_mod_crash(struct fs_port *p, const char *args);
int fs_mod_fail(struct fs_port *p, const char *args);
int fs_mod_heartbeat(struct fs_port *p, const char *args);
int fs_mod_io(struct fs_port *p, const char *args);
int fs_mod_serve(struct fs_port *p, const char *args);

/* Monotonic milliseconds, for the modules that measure time. */
uint64_t fs_worker_now_ms(void);

#endif

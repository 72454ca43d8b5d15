/*
 * The lowest layer of the /proc readers: open the /proc root (any directory, so
 * tests run on fixture trees), read one small file relative to a directory fd
 * into a caller's buffer with openat/read/close, build "PID/name" paths without
 * stdio, and parse decimal numbers by hand (no sscanf in the hot path).
 *
 * Nothing here allocates; every buffer belongs to the caller.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest relative path the readers build: "PID/task/TID/status" and the like. */
#define FS_PROCFS_PATH_MAX 64

/* Opens `path` (NULL: "/proc") as a directory fd. Returns the fd (close-on-exec,
 * owned by the caller) or a negative errno. */
int fs_procfs_open_root(const char *path);

/* Reads the file `name` relative to `dirfd` into buf with one openat, one read and
 * one close, and NUL-terminates it. /proc files are generated whole on the first
 * read, so one read of a big enough buffer gets all of it; a file that fills the
 * buffer is cut at size - 1 bytes and *truncated (if not NULL) says so.
 * Returns the length read, or a negative errno (-ENOENT or -ESRCH: the process
 * is gone, which callers treat as a normal case). */
ssize_t fs_procfs_read(int dirfd, const char *name, char *buf, size_t size, bool *truncated);

/* Writes the decimal digits of v into buf (no NUL); returns the count (at most 20). */
size_t fs_procfs_utoa(char *buf, uint64_t v);

/* Builds "PID" or, when tid > 0, "PID/task/TID" into buf (FS_PROCFS_PATH_MAX
 * bytes) and NUL-terminates it. Returns its length. */
size_t fs_procfs_pid_path(char *buf, pid_t pid, pid_t tid);

/* Builds "DIR/NAME" into buf (FS_PROCFS_PATH_MAX bytes). Returns 0, or -ENAMETOOLONG. */
int fs_procfs_join(char *buf, const char *dir, size_t dirlen, const char *name);

/* Parses an unsigned decimal number at *p, skipping leading blanks, and moves *p
 * past it. A leading '-' gives 0 (and is skipped): /proc never shows a negative
 * value in the fields read as unsigned. Returns false if no digit was found. */
bool fs_procfs_parse_u64(const char **p, const char *end, uint64_t *out);

/* Skips n blank-separated fields at *p. Returns false if the text ended first. */
bool fs_procfs_skip_fields(const char **p, const char *end, unsigned n);

/* Returns the pid named by a /proc directory entry, or 0 when the name is not all
 * digits (self, sys, ...) or out of range. */
pid_t fs_procfs_name_pid(const char *name);

/* Reads the cmdline of process pid into buf (size > 0 bytes), its arguments
 * joined by spaces, NUL-terminated: a command line longer than size - 1 bytes
 * is cut there. Returns its length (0 for a zombie or a kernel thread, which
 * have none), or a negative errno. */
ssize_t fs_procfs_cmdline(int rootfd, pid_t pid, char *buf, size_t size);

/* Finds the line starting with `key` (which includes its ':') in text, searching
 * from the end, where status keeps the context switches. Returns a pointer just
 * past the key, or NULL. */
const char *fs_procfs_find_key_rev(const char *text, size_t len, const char *key);

/* Finds the line starting with `key` searching from the start (meminfo). */
const char *fs_procfs_find_key(const char *text, size_t len, const char *key);

#endif

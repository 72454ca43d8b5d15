/*
 * Private helpers shared by the session readers (config.c, config_yaml.c,
 * config_procfile.c): setting a task's command from text, names, reading a whole
 * file, and adopting a parsed temporary session into the caller's one. Not for
 * use outside src/config/config*.c.
 */
#ifndef FS_CONFIG_INT_H
#define FS_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/session.h"

/* Session files larger than this are refused rather than read into memory. */
#define FS_CONFIG_MAX_FILE ((size_t)4 << 20)
/* A session holds at most this many tasks; a screen could not show more. */
#define FS_CONFIG_MAX_TASKS 1000

/* Sets spec's kind and command from text: shell keeps the string, cmd and fork
 * split it into words (fork runs a .js/.mjs/.cjs first word with node), worker
 * takes the first word as the module and the rest as its arguments. Returns 0, or
 * -1 with *err set to "empty command" or the word splitter's message. */
int fs_config_set_command(struct fs_task_spec *spec, enum fs_kind kind, const char *text,
                          char **err);
/* Sets spec's kind to cmd or fork and takes ownership of argv, applying the node
 * rule for fork. Returns -1 with *err = "empty command" when argv has no words
 * or an empty first word (argv is then freed). */
int fs_config_set_argv(struct fs_task_spec *spec, enum fs_kind kind, char **argv, char **err);
/* True when text is empty or only blanks. */
int fs_config_blank(const char *text);

/* Returns 0 when name may name a task: non-empty, no blanks, no control
 * characters. With `blanks` (mprocs names, "Rust Server") single spaces inside
 * the name are allowed, and such a name may not hold a double quote, which
 * --control commands put around it. Otherwise -1 with *err saying why. */
int fs_config_check_name(const char *name, bool blanks, char **err);

/* Reads a whole file (at most FS_CONFIG_MAX_FILE bytes) into a NUL-terminated
 * buffer the caller frees. Returns NULL with *err = "PATH: what went wrong". */
char *fs_config_read_file(const char *path, size_t *len, char **err);
/* Looks at how a file's bytes are encoded before a reader parses them: a UTF-8
 * byte order mark is skipped (*buf and *len move past it); UTF-16, told by its
 * byte order mark or by NUL bytes in every other place, is refused with
 * *err = "PATH:1:1: the file is UTF-16 ...; save it as UTF-8". Returns 0 or -1. */
int fs_config_encoding(const char *path, const char **buf, size_t *len, char **err);
/* The directory part of path ("a/b.yaml" -> "a", "/b" -> "/"), or NULL when path
 * has none. Caller frees. */
char *fs_config_dir_of(const char *path);
/* Joins a relative path onto dir; returns a copy of path when it is absolute or
 * dir is NULL. Caller frees. */
char *fs_config_join(const char *dir, const char *path);

/* Moves the tasks of tmp (read from `path`) into dst after checking that none of
 * their names is taken in dst, and records path as dst's source. On error dst is
 * unchanged and *err names the task and both places. A theme set in tmp replaces
 * dst's. tmp is finished either way. */
int fs_config_adopt(struct fs_session *dst, struct fs_session *tmp, const char *path, char **err);

#endif

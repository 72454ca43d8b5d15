/*
 * Reading sessions: the kind prefixes of positional arguments, forkscope.yaml
 * session files, mprocs.yaml files and Procfiles. All of it is plain C on top of
 * libyaml. Every error message names the file, line and column and says what is
 * wrong; a session that failed to parse is left as it was, so nothing starts from
 * the file.
 *
 * Error strings are allocated and returned through `char **err`; the caller frees
 * them. Functions return 0 on success and -1 on error.
 */
#ifndef FS_CONFIG_H
#define FS_CONFIG_H

#include <stddef.h>

#include "model/session.h"

/* Splits "fork:node a.js" into its kind and the rest. No known prefix means
 * shell and the whole argument. */
void fs_config_split_prefix(const char *arg, enum fs_kind *kind, const char **rest);

/* Adds one task from a positional argument such as 'make -j2', 'cmd:ls -la' or
 * 'fork:child.js'. name may be NULL: the name is then derived from the command
 * (its first word's base name, made unique with a suffix). */
int fs_config_add_arg(struct fs_session *s, const char *arg, const char *name, char **err);

/* Reads a YAML session file: a forkscope one (`tasks:`) or an mprocs one
 * (`procs:`). On error s is left as it was. */
int fs_config_load_yaml(struct fs_session *s, const char *path, char **err);
/* The same from memory; `path` is used in messages only. */
int fs_config_parse_yaml(struct fs_session *s, const char *path, const char *buf, size_t len,
                         char **err);

/* How a Procfile's tasks are set up, as foreman does. */
struct fs_procfile_opts {
    int port_base;        /* PORT of the first entry, +100 for each next one; 0: 5000 */
    const char *env_file; /* NULL: the .env beside the Procfile, when there is one; "": none */
};

/* Reads a Procfile ("name: command" per line, # comments) and its .env; o may be
 * NULL for the defaults. Warnings (lines foreman ignores, repeated names) go to
 * s->warnings. */
int fs_config_load_procfile(struct fs_session *s, const char *path,
                            const struct fs_procfile_opts *o, char **err);
/* The same from memory with PORT from 5000 and no .env. */
int fs_config_parse_procfile(struct fs_session *s, const char *path, const char *buf,
                             size_t len, char **err);
/* The same with another port base (0: 5000) and KEY=VALUE variables for every
 * task (NULL: none). */
int fs_config_parse_procfile_env(struct fs_session *s, const char *path, const char *buf,
                                 size_t len, int port_base, char *const *env, char **err);
/* Reads a .env file's text into *vars (KEY=VALUE, NULL-terminated, to free with
 * fs_strv_free; a key given again replaces the earlier one); lines of another
 * shape are ignored with a warning added to warn_to. Returns 0, or -1 with *err
 * for a UTF-16 file or a NUL byte. */
int fs_config_parse_dotenv(struct fs_session *warn_to, const char *path, const char *buf,
                           size_t len, char ***vars, char **err);

/* Parses a duration: a number of seconds ("1.5"), or with a unit: "250ms",
 * "5s", "2m", "1h". */
int fs_config_parse_duration(const char *text, double *seconds);
/* Parses a size: bytes ("4096"), or with a unit: "64k", "64KiB", "1M", "1MiB",
 * "2G" (binary multiples). */
int fs_config_parse_size(const char *text, size_t *bytes);

#endif

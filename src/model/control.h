/*
 * The --control command language: one command a line on standard input, such as
 * `stop api` or `signal api USR1`. Parsing is table-driven and plain C; the app
 * carries the commands out.
 */
#ifndef FS_CONTROL_H
#define FS_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

enum fs_control_op {
    FS_CONTROL_START,
    FS_CONTROL_STOP,
    FS_CONTROL_KILL,
    FS_CONTROL_RESTART,
    FS_CONTROL_SIGNAL,
    FS_CONTROL_SEND,
    FS_CONTROL_DISCONNECT,
    FS_CONTROL_QUIT
};

struct fs_control_cmd {
    enum fs_control_op op;
    char *task; /* NULL for quit */
    int sig;    /* FS_CONTROL_SIGNAL */
    char *json; /* FS_CONTROL_SEND: the rest of the line, unparsed */
};

/* Parses one line (without its newline). Returns 0, or -1 with *err set to an
 * allocated message; blank lines and lines starting with '#' give 1 (nothing to
 * do). */
int fs_control_parse(const char *line, size_t len, struct fs_control_cmd *cmd, char **err);
void fs_control_cmd_fini(struct fs_control_cmd *cmd);
/* True when word names the task `name` as a command may: name itself, or for
 * a name with a blank its short name, lower case with each run of other
 * characters than letters and digits written '-' ("Rust Server" is
 * rust-server, "Tailwind (v3)" tailwind-v3). */
bool fs_control_short_name_is(const char *name, const char *word);
/* The usage text: one line per command. */
const char *fs_control_usage(void);

#endif

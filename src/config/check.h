/*
 * `forkscope check FILE...`: reads session files, mprocs files and Procfiles as
 * a run would, runs nothing, and reports what a run would do with each task
 * (kind, argv, cwd, environment changes, policies) and every warning. Owns
 * nothing past the call.
 */
#ifndef FS_CHECK_H
#define FS_CHECK_H

#include <stdio.h>

#include "config/config.h"

/* What a run checks of a session beyond its files' readers (the worker module
 * names, which only layers above config/ know): returns -1 after printing the
 * error on standard error, else 0. */
typedef int (*fs_check_fn)(const struct fs_session *s);

/* Checks each of the n files on its own: a name ending in .yaml or .yml is a
 * session or mprocs file, anything else a Procfile (read with o, which may be
 * NULL); then `more` (may be NULL) checks the session. The report goes to out,
 * errors to err as "forkscope: PATH:LINE:COL: what". Returns 0 when every file
 * is clean, 1 when one has warnings, 2 when one has an error. */
int fs_check_files(char *const *paths, int n, const struct fs_procfile_opts *o, fs_check_fn more,
                   FILE *out, FILE *err);

#endif

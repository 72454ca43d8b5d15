/*
 * Signal names and numbers, both ways, from one const table.
 */
#ifndef FS_SIGNAME_H
#define FS_SIGNAME_H

/* "SIGTERM" for 15; NULL for a number without a name. */
const char *fs_signame(int sig);
/* Accepts "TERM", "SIGTERM", "sigterm" or "15"; returns the number, or -1. */
int fs_signum(const char *name);

#endif

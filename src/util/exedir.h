/*
 * The directory of the running binary (/proc/self/exe): where a build tree
 * keeps what the installed program finds under its data directory (themes,
 * node's tracer).
 */
#ifndef FS_EXEDIR_H
#define FS_EXEDIR_H

/* The binary's directory, allocated; NULL when /proc/self/exe cannot be read. */
char *fs_exe_dir(void);

#endif

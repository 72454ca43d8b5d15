/*
 * Allocation wrappers that abort on out-of-memory, and small string helpers.
 * Every other module allocates through these, so an allocation failure is one
 * clear message rather than a NULL dereference somewhere later.
 */
#ifndef FS_XALLOC_H
#define FS_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *fs_xmalloc(size_t size);
void *fs_xcalloc(size_t n, size_t size);
void *fs_xrealloc(void *ptr, size_t size);
/* Grows an array of n elements of `size` bytes; aborts on overflow. */
void *fs_xreallocarray(void *ptr, size_t n, size_t size);
char *fs_xstrdup(const char *s);
char *fs_xstrndup(const char *s, size_t n);
/* Returns a new string formatted like printf; the caller frees it. */
char *fs_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *fs_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Frees a NULL-terminated vector of strings and the vector itself. */
void fs_strv_free(char **v);
/* Returns a deep copy of a NULL-terminated string vector (NULL for NULL). */
char **fs_strv_dup(char *const *v);
size_t fs_strv_len(char *const *v);
/* Appends a copy of s to *v (which may be NULL), keeping it NULL-terminated. */
void fs_strv_push(char ***v, const char *s);

#endif

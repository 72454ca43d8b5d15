/*
 * UTF-8 checks and escaping for output that must be valid UTF-8 (JSON events).
 */
#ifndef FS_UTF8_H
#define FS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool fs_utf8_valid(const char *s, size_t len);
/* The largest n <= len such that s[0..n) does not end inside a multi-byte
 * sequence that s[n..len) would complete; used to split long lines. */
size_t fs_utf8_boundary(const char *s, size_t len);
/* Returns a copy of s in which every byte that is not part of valid UTF-8 is
 * written as the four characters \xNN and every backslash as \\, so the result
 * is valid UTF-8 and the original bytes can be recovered. *outlen gets its
 * length; the result is NUL-terminated; the caller frees it. */
char *fs_utf8_escape(const char *s, size_t len, size_t *outlen);

#endif

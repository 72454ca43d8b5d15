/*
 * Substring search with smartcase, as less and vim do it: case-insensitive
 * (ASCII letters) unless the needle has an uppercase letter. The panes'
 * search (term/search.c) and the traffic view's (ui/traffic.c) both use it.
 */
#ifndef FS_SMARTCASE_H
#define FS_SMARTCASE_H

#include <stdbool.h>
#include <stddef.h>

/* A needle prepared for searching: folded to lowercase when icase. */
struct fs_smartcase {
    char *needle; /* owned */
    size_t len;
    bool icase;
};

/* Prepares needle (NUL-terminated); fs_smartcase_fini frees it. */
void fs_smartcase_init(struct fs_smartcase *s, const char *needle);
void fs_smartcase_fini(struct fs_smartcase *s);
/* The first match in h[0, hlen), or NULL. */
const char *fs_smartcase_find(const struct fs_smartcase *s, const char *h, size_t hlen);

#endif

/*
 * Removes terminal escape sequences from a byte stream, for log files: CSI
 * (colours, cursor moves), OSC (titles, hyperlinks), DCS, SOS, PM and APC
 * strings, two- and three-byte escapes (ESC 7, ESC ( B), and the C0 controls
 * other than tab and newline; "\r\n" becomes "\n" and a lone "\r" is dropped.
 * Everything else (UTF-8 text included) passes as it is. Pure and bounded: it
 * keeps a few bytes of state and no buffer, so a sequence may be split across
 * calls anywhere; a string or CSI that never ends is given up after
 * FS_ANSISTRIP_MAX_SEQ bytes, and what follows is text again.
 */
#ifndef FS_ANSISTRIP_H
#define FS_ANSISTRIP_H

#include <stddef.h>

/* The longest escape sequence swallowed before the stripper gives up on it. */
#define FS_ANSISTRIP_MAX_SEQ 4096

struct fs_ansistrip {
    int state;
    size_t seq_len;               /* bytes of the sequence being skipped */
    unsigned long long sequences; /* escape sequences removed */
    unsigned long long abandoned; /* sequences given up at FS_ANSISTRIP_MAX_SEQ */
};

void fs_ansistrip_init(struct fs_ansistrip *s);
/* Strips len bytes of in into out, which has room for len bytes (the output
 * is never longer than the input); returns the bytes written. in and out may
 * be the same buffer. */
size_t fs_ansistrip_feed(struct fs_ansistrip *s, const char *in, size_t len, char *out);

#endif

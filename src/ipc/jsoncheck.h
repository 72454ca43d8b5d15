/*
 * Whether a json-mode message is JSON, decided as it arrives. Every message
 * from a task is checked so that the channel's bad count includes lines that
 * are not JSON, not only frames that break the framing. jansson's parser builds
 * the whole value to say so, about 250 ns for a 13-byte message (4 M messages
 * a second, -O2, bench/ipc-framer), which would cap what forkscope can ingest
 * below what a C child writes. So a recognizer that allocates nothing goes
 * first (about 20× as fast, same bench) and answers for the common case; what it
 * cannot vouch for goes to jansson, which has the last word. The recognizer
 * only ever says "valid" for text jansson accepts too (tests/check_jsoncheck.c
 * compares them on random and mutated texts).
 */
#ifndef FS_JSONCHECK_H
#define FS_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* True when the recognizer alone can tell that `text` is one JSON value that
 * fs_ipc_parse_json() accepts. False says only that it cannot tell: no NUL
 * byte, no \u0000, no lone or unpaired surrogate escape, nesting at most
 * FS_JSONCHECK_DEPTH, no number that could overflow a double. */
bool fs_jsoncheck_plain(const char *text, size_t len);

/* True when `text` is one JSON value fs_ipc_parse_json() accepts: the
 * recognizer, then jansson for what the recognizer left open. */
bool fs_jsoncheck_valid(const char *text, size_t len);

#define FS_JSONCHECK_DEPTH 512

#endif

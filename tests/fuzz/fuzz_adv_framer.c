/*
 * libFuzzer target: the IPC framer in advanced mode (Node's
 * serialization: 'advanced': a 4-byte big-endian length, then V8 bytes), cut
 * into chunks as fuzz_json_framer.c describes; each good frame is classified
 * and decoded as the app does.
 */
#define FUZZ_IPC_MODE FS_IPC_ADVANCED
#include "fuzz_json_framer.c"

/*
 * libFuzzer target: the YAML session reader on mprocs.yaml files (`procs:`).
 * The reader tells the two formats apart by their top-level key, so this target
 * differs from fuzz_config_yaml.c by its seeds (tests/fuzz/seeds/mprocs), which
 * keep the fuzzer in the mprocs branch of the reader, and by the file name in
 * its messages (fuzz_session.h has the body).
 */
#include <config.h>

#define FUZZ_READER fs_config_parse_yaml
#define FUZZ_PATH "fuzz/mprocs.yaml"
#include "fuzz_session.h"

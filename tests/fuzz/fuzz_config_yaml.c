/*
 * libFuzzer target: the YAML session reader (config/config_yaml*.c) on
 * arbitrary file contents, as `forkscope -f` reads a forkscope.yaml
 * (fuzz_session.h has the body).
 */
#include <config.h>

#define FUZZ_READER fs_config_parse_yaml
#define FUZZ_PATH "fuzz/forkscope.yaml"
#include "fuzz_session.h"

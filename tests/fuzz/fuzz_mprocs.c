/*
 * libFuzzer target: the YAML session reader on mprocs.yaml files (`procs:`).
 * The code is fuzz_config_yaml.c's; this target differs by its seeds
 * (tests/fuzz/seeds/mprocs), which keep the fuzzer in the mprocs branch of the
 * reader, and by the file name in its messages.
 */
#define FUZZ_YAML_PATH "fuzz/mprocs.yaml"
#include "fuzz_config_yaml.c"

/*
 * libFuzzer target: the Procfile reader (config/config_procfile.c) on arbitrary
 * file contents (fuzz_session.h has the body).
 */
#include <config.h>

#define FUZZ_READER fs_config_parse_procfile
#define FUZZ_PATH "fuzz/Procfile"
#include "fuzz_session.h"

/*
 * The table of task kinds (kind.h): what each kind is, as plain data that the
 * readers, the app and the front ends look properties up in.
 */
#include <config.h>

#include "model/kind.h"

#include <string.h>

static const struct fs_kind_info kinds[FS_KIND_COUNT] = {
    [FS_KIND_SHELL] =
        {
            .kind = FS_KIND_SHELL,
            .key = "shell",
            .label = "shell",
            .pipe_label = true,
            .argv = FS_ARGV_SHELL,
            .in_mprocs = true,
        },
    [FS_KIND_CMD] =
        {
            .kind = FS_KIND_CMD,
            .key = "cmd",
            .label = "cmd",
            .pipe_label = true,
            .argv = FS_ARGV_WORDS,
            .in_mprocs = true,
        },
    [FS_KIND_FORK] =
        {
            .kind = FS_KIND_FORK,
            .key = "fork",
            .label = "fork",
            .argv = FS_ARGV_WORDS,
            .has_channel = true,
            .channel_options = true,
            .node_scripts = true,
            .jobs_by_message = true,
        },
    [FS_KIND_WORKER] =
        {
            .kind = FS_KIND_WORKER,
            .key = "worker",
            .label = "worker",
            .argv = FS_ARGV_MODULE,
            .has_channel = true,
            .in_process = true,
            .jobs_by_message = true,
        },
};

const struct fs_kind_info *
fs_kind_info(enum fs_kind kind)
{
    return (unsigned)kind < FS_KIND_COUNT ? &kinds[kind] : NULL;
}

const struct fs_kind_info *
fs_kind_by_key(const char *key)
{
    size_t n = strlen(key);
    enum fs_kind kind;
    return fs_kind_from_name(key, n, &kind) == 0 ? &kinds[kind] : NULL;
}

enum fs_kind
fs_kind_default(void)
{
    return FS_KIND_SHELL;
}

const char *
fs_kind_name(enum fs_kind kind)
{
    return (unsigned)kind < FS_KIND_COUNT ? kinds[kind].key : "?";
}

int
fs_kind_from_name(const char *name, size_t len, enum fs_kind *kind)
{
    for (size_t i = 0; i < FS_KIND_COUNT; i++) {
        if (strlen(kinds[i].key) == len && memcmp(kinds[i].key, name, len) == 0) {
            *kind = kinds[i].kind;
            return 0;
        }
    }
    return -1;
}

/*
 * Parser for --control commands. One const table lists each command, its
 * operation and the arguments it takes; the parser and the usage text both come
 * from it. A task's name with blanks (mprocs' "Rust Server") is written between
 * double quotes.
 */
#include <config.h>

#include "model/control.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/signame.h"
#include "util/xalloc.h"

enum arg_shape { ARGS_NONE, ARGS_TASK, ARGS_TASK_SIGNAL, ARGS_TASK_REST };

static const struct command {
    const char *name;
    enum fs_control_op op;
    enum arg_shape shape;
    const char *usage;
} commands[] = {
    {"start", FS_CONTROL_START, ARGS_TASK, "start TASK"},
    {"stop", FS_CONTROL_STOP, ARGS_TASK, "stop TASK"},
    {"kill", FS_CONTROL_KILL, ARGS_TASK, "kill TASK"},
    {"restart", FS_CONTROL_RESTART, ARGS_TASK, "restart TASK"},
    {"signal", FS_CONTROL_SIGNAL, ARGS_TASK_SIGNAL, "signal TASK SIG"},
    {"send", FS_CONTROL_SEND, ARGS_TASK_REST, "send TASK JSON"},
    {"disconnect", FS_CONTROL_DISCONNECT, ARGS_TASK, "disconnect TASK"},
    {"quit", FS_CONTROL_QUIT, ARGS_NONE, "quit"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Cuts the next blank-separated word from [*p, end). */
static bool
next_word(const char **p, const char *end, const char **w, size_t *wlen)
{
    while (*p < end && is_blank(**p))
        (*p)++;
    if (*p == end)
        return false;
    *w = *p;
    while (*p < end && !is_blank(**p))
        (*p)++;
    *wlen = (size_t)(*p - *w);
    return true;
}

/* Cuts the task's name: a word, or a name with blanks between double quotes
 * ("Rust Server"). Returns 1, 0 when there is none, -1 for an open quote. */
static int
next_task(const char **p, const char *end, const char **w, size_t *wlen)
{
    if (!next_word(p, end, w, wlen))
        return 0;
    if (**w != '"')
        return 1;
    const char *close = memchr(*w + 1, '"', (size_t)(end - *w - 1));
    if (close == NULL)
        return -1;
    *w += 1;
    *wlen = (size_t)(close - *w);
    *p = close + 1;
    return *p == end || is_blank(**p) ? 1 : -1;
}

static bool
rest_is_blank(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p == end;
}

int
fs_control_parse(const char *line, size_t len, struct fs_control_cmd *cmd, char **err)
{
    const char *p = line, *end = line + len, *w;
    size_t wlen;
    memset(cmd, 0, sizeof *cmd);
    *err = NULL;
    if (!next_word(&p, end, &w, &wlen) || w[0] == '#')
        return 1;
    const struct command *c = NULL;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strlen(commands[i].name) == wlen && memcmp(commands[i].name, w, wlen) == 0)
            c = &commands[i];
    if (c == NULL) {
        *err = fs_xasprintf("unknown command '%.*s' (commands: start, stop, kill, restart, "
                            "signal, send, disconnect, quit)", (int)wlen, w);
        return -1;
    }
    cmd->op = c->op;
    if (c->shape == ARGS_NONE) {
        if (!rest_is_blank(p, end)) {
            *err = fs_xasprintf("'%s' takes no arguments", c->name);
            return -1;
        }
        return 0;
    }
    int got = next_task(&p, end, &w, &wlen);
    if (got <= 0) {
        *err = got < 0 ? fs_xstrdup("a task name in double quotes needs its closing quote, "
                                    "then a blank")
                       : fs_xasprintf("usage: %s", c->usage);
        return -1;
    }
    cmd->task = fs_xstrndup(w, wlen);
    switch (c->shape) {
    case ARGS_TASK_SIGNAL:
        if (!next_word(&p, end, &w, &wlen) || !rest_is_blank(p, end)) {
            *err = fs_xasprintf("usage: %s", c->usage);
            break;
        }
        char *name = fs_xstrndup(w, wlen);
        cmd->sig = fs_signum(name);
        if (cmd->sig < 0)
            *err = fs_xasprintf("unknown signal '%s'", name);
        free(name);
        break;
    case ARGS_TASK_REST:
        while (p < end && is_blank(*p))
            p++;
        if (p == end)
            *err = fs_xasprintf("usage: %s", c->usage);
        else
            cmd->json = fs_xstrndup(p, (size_t)(end - p));
        break;
    default:
        if (!rest_is_blank(p, end))
            *err = fs_xasprintf("usage: %s", c->usage);
        break;
    }
    if (*err != NULL) {
        fs_control_cmd_fini(cmd);
        return -1;
    }
    return 0;
}

void
fs_control_cmd_fini(struct fs_control_cmd *cmd)
{
    if (cmd == NULL)
        return;
    free(cmd->task);
    free(cmd->json);
    cmd->task = cmd->json = NULL;
}

static bool
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

bool
fs_control_short_name_is(const char *name, const char *word)
{
    if (strchr(name, ' ') == NULL)
        return false;
    const unsigned char *n = (const unsigned char *)name, *w = (const unsigned char *)word;
    while (*n != '\0' && !is_alnum(*n))
        n++;
    while (*n != '\0') {
        if (is_alnum(*n)) {
            unsigned char c = *n >= 'A' && *n <= 'Z' ? (unsigned char)(*n - 'A' + 'a') : *n;
            if (*w++ != c)
                return false;
            n++;
            continue;
        }
        while (*n != '\0' && !is_alnum(*n))
            n++;
        if (*n != '\0' && *w++ != '-')
            return false;
    }
    return *w == '\0';
}

const char *
fs_control_usage(void)
{
    static char text[512];
    if (text[0] == '\0') {
        size_t o = 0;
        for (size_t i = 0; i < NCOMMANDS && o < sizeof text; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "  %s\n", commands[i].usage);
    }
    return text;
}

/*
 * forkscope's command line: options, positional tasks, session files, demos,
 * then the front end. Usage and session-file errors exit with status 2 before
 * anything starts.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/check.h"
#include "config/config.h"
#include "config/demo.h"
#include "headless/headless.h"
#include "model/session.h"
#include "rt/rt.h"
#include "ui/ui.h"
#include "util/xalloc.h"
#include "worker/host.h"
#include "worker/modules.h"

#define EXIT_USAGE 2

static const char usage_text[] =
    "Usage: forkscope [OPTIONS] [COMMAND...]\n"
    "       forkscope demo [NAME]\n"
    "       forkscope check FILE...\n"
    "\n"
    "Launches tasks and shows them side by side while they run: their output,\n"
    "state, exit codes, and the messages on their IPC channels.\n"
    "\n"
    "Each COMMAND is one task. A prefix picks its kind (none means shell):\n"
    "  shell:STRING    run with /bin/sh -c STRING\n"
    "  cmd:ARGV        run a program directly, nothing is interpolated\n"
    "  fork:ARGV       a program with an IPC channel on fd 3 (.js runs with node)\n"
    "  worker:MODULE   a thread inside forkscope\n"
    "\n"
    "Options:\n"
    "  -f, --file FILE      read tasks from a session file (forkscope.yaml,\n"
    "                       mprocs.yaml or process-compose.yaml format); the first\n"
    "                       of ./forkscope.yaml, ./mprocs.yaml,\n"
    "                       ./process-compose.yml and ./process-compose.yaml is\n"
    "                       read when no task is given; may be repeated\n"
    "      --procfile FILE  read tasks from a Procfile; may be repeated\n"
    "      --port-base N    PORT of a Procfile's first entry, +100 for each next\n"
    "                       one (default 5000)\n"
    "      --env-file FILE  variables for a Procfile's tasks (default: the .env\n"
    "                       beside it); --env-file '' or --no-env-file: none\n"
    "  -n, --names A,B,...  names for the COMMAND tasks, in order\n"
    "      --headless       no screen: print events on standard output\n"
    "      --json           with --headless: one JSON event per line\n"
    "      --control        with --headless: read commands on standard input\n"
    "                       (start, stop, kill, restart, signal TASK SIG,\n"
    "                       send TASK JSON, disconnect TASK, quit)\n"
    "      --send-timeout SECS  with --control: a send to a task that has read\n"
    "                       nothing of its full channel for this long is refused\n"
    "                       (default 10); until then, commands wait for it\n"
    "      --max-line SIZE  split output lines longer than this (default 64KiB)\n"
    "      --interval SECS  seconds between /proc samples (default 1)\n"
    "      --proc-root DIR  read process figures from DIR instead of /proc\n"
    "      --theme NAME     colour theme of the screen: default, dark, light,\n"
    "                       mono, or a theme file\n"
    "      --message-log COUNT[,SIZE]  the screen's message log keeps the last\n"
    "                       COUNT messages and at most SIZE bytes of them\n"
    "                       (default 10000,16MiB)\n"
    "      --no-trace       do not trace the node programs of the tasks (the\n"
    "                       processes and threads they start, their messages)\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n"
    "\n"
    "On the screen, ? lists the keys: j/k select, z zooms, x stops, r restarts,\n"
    "i types into a task (Ctrl-] leaves), q quits.\n"
    "\n"
    "Exit status: 0 when every task ended with 0, 1 when one did not, 2 for a\n"
    "usage or session-file error.\n"
    "Without arguments or a session file, forkscope starts the tour of its demos\n"
    "(on the screen: ] next demo, [ previous, c hides the caption).\n"
    "See forkscope(1) for every option, key, session-file key and event.\n";

enum {
    OPT_PROCFILE = 256,
    OPT_HEADLESS,
    OPT_JSON,
    OPT_CONTROL,
    OPT_MAX_LINE,
    OPT_THEME,
    OPT_INTERVAL,
    OPT_PROC_ROOT,
    OPT_SEND_TIMEOUT,
    OPT_MESSAGE_LOG,
    OPT_PORT_BASE,
    OPT_ENV_FILE,
    OPT_NO_ENV_FILE,
    OPT_NO_TRACE
};

static const struct option long_options[] = {
    {"file", required_argument, NULL, 'f'},
    {"procfile", required_argument, NULL, OPT_PROCFILE},
    {"names", required_argument, NULL, 'n'},
    {"headless", no_argument, NULL, OPT_HEADLESS},
    {"json", no_argument, NULL, OPT_JSON},
    {"control", no_argument, NULL, OPT_CONTROL},
    {"max-line", required_argument, NULL, OPT_MAX_LINE},
    {"theme", required_argument, NULL, OPT_THEME},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"proc-root", required_argument, NULL, OPT_PROC_ROOT},
    {"send-timeout", required_argument, NULL, OPT_SEND_TIMEOUT},
    {"message-log", required_argument, NULL, OPT_MESSAGE_LOG},
    {"port-base", required_argument, NULL, OPT_PORT_BASE},
    {"env-file", required_argument, NULL, OPT_ENV_FILE},
    {"no-env-file", no_argument, NULL, OPT_NO_ENV_FILE},
    {"no-trace", no_argument, NULL, OPT_NO_TRACE},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

#define MAX_FILES 32

struct cli {
    /* Session files and Procfiles, read in the order given. */
    const char *files[MAX_FILES];
    bool is_procfile[MAX_FILES];
    int nfiles;
    char *names;
    bool headless;
    struct fs_headless_opts hl;
    const char *theme;
    size_t msglog_count, msglog_bytes; /* --message-log; 0: the default */
    const struct fs_demo *demo;        /* the session is this demo (the tour) */
    struct fs_procfile_opts procfile;  /* --port-base, --env-file, --no-env-file */
    bool no_trace;                     /* --no-trace */
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "forkscope: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'forkscope --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}

/* Adds the positional commands, named from --names when given. */
static int
add_commands(struct fs_session *s, char **args, int nargs, char *names)
{
    char **namev = NULL;
    if (names != NULL) {
        for (char *save = NULL, *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save))
            fs_strv_push(&namev, n);
        if ((int)fs_strv_len(namev) != nargs) {
            fprintf(stderr, "forkscope: --names gives %zu names for %d commands\n",
                    fs_strv_len(namev), nargs);
            fs_strv_free(namev);
            return -1;
        }
    }
    for (int i = 0; i < nargs; i++) {
        char *err = NULL;
        if (fs_config_add_arg(s, args[i], namev ? namev[i] : NULL, &err) != 0) {
            fprintf(stderr, "forkscope: argument %d ('%s'): %s\n", i + 1, args[i], err);
            free(err);
            fs_strv_free(namev);
            return -1;
        }
    }
    fs_strv_free(namev);
    return 0;
}

static int
load_file(struct fs_session *s, const char *path, bool procfile, const struct cli *cli)
{
    char *err = NULL;
    int r = procfile ? fs_config_load_procfile(s, path, &cli->procfile, &err)
                     : fs_config_load_yaml(s, path, &err);
    if (r != 0) {
        fprintf(stderr, "forkscope: %s\n", err);
        free(err);
    }
    return r;
}

/* `forkscope demo [NAME]`, and the tour's first demo without a NAME. */
static int
load_demo(struct fs_session *s, const char *name, struct cli *cli)
{
    const struct fs_demo *d = name ? fs_demo_find(name) : fs_demo_default();
    if (d == NULL) {
        fprintf(stderr, "forkscope: no demo named '%s'\n", name);
        fs_demo_list();
        return -1;
    }
    cli->demo = d;
    char *err = NULL;
    if (fs_demo_load(d, s, &err) != 0) {
        fprintf(stderr, "forkscope: %s\n", err);
        free(err);
        return -1;
    }
    return 0;
}

/* --message-log COUNT[,SIZE]. */
static int
parse_message_log(const char *arg, struct cli *cli)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (errno != 0 || end == arg || *arg == '-' || n < 1 || n > 10000000)
        return -1;
    cli->msglog_count = (size_t)n;
    if (*end == '\0')
        return 0;
    if (*end != ',' || fs_config_parse_size(end + 1, &cli->msglog_bytes) != 0 ||
        cli->msglog_bytes < 64 * 1024)
        return -1;
    return 0;
}

/* --port-base N: a port from 1 to 65535. */
static int
parse_port_base(const char *arg, int *port)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || n < 1 || n > 65535)
        return -1;
    *port = (int)n;
    return 0;
}

/* An option getopt did not take (c is '?' or ':'), said the way every other
 * usage error is. `arg` is the word being read: a long option's name is cut
 * at '=', a short one is named by optopt. */
static int
bad_option(int c, const char *arg)
{
    char name[64];
    if (arg != NULL && strncmp(arg, "--", 2) == 0)
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    else
        snprintf(name, sizeof name, "-%c", optopt);
    if (c == ':')
        fprintf(stderr,
                "forkscope: option '%s' needs an argument (forkscope --help lists the options)\n",
                name);
    else
        fprintf(stderr, "forkscope: unknown option '%s' (forkscope --help lists the options)\n",
                name);
    return EXIT_USAGE;
}

static int
parse_options(int argc, char **argv, struct cli *cli)
{
    opterr = 0; /* getopt's own messages name the binary's path: bad_option says it */
    for (;;) {
        int at = optind; /* the word getopt reads next (a short-option cluster stays on it) */
        int c = getopt_long(argc, argv, "+:f:n:hV", long_options, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'f':
        case OPT_PROCFILE:
            if (cli->nfiles == MAX_FILES)
                return usage_error("more than %d session files", MAX_FILES);
            cli->is_procfile[cli->nfiles] = c == OPT_PROCFILE;
            cli->files[cli->nfiles++] = optarg;
            break;
        case 'n':
            cli->names = optarg;
            break;
        case OPT_PORT_BASE:
            if (parse_port_base(optarg, &cli->procfile.port_base) != 0)
                return usage_error("--port-base: '%s' is not a port from 1 to 65535", optarg);
            break;
        case OPT_ENV_FILE:
            cli->procfile.env_file = optarg;
            break;
        case OPT_NO_ENV_FILE:
            cli->procfile.env_file = "";
            break;
        case OPT_HEADLESS:
            cli->headless = true;
            break;
        case OPT_JSON:
            cli->hl.json = true;
            break;
        case OPT_CONTROL:
            cli->hl.control = true;
            break;
        case OPT_MAX_LINE:
            if (fs_config_parse_size(optarg, &cli->hl.max_line) != 0 || cli->hl.max_line < 16)
                return usage_error("--max-line: '%s' is not a size of at least 16 bytes", optarg);
            break;
        case OPT_THEME:
            cli->theme = optarg;
            break;
        case OPT_INTERVAL:
            if (fs_config_parse_duration(optarg, &cli->hl.interval) != 0 ||
                cli->hl.interval < 0.1 || cli->hl.interval > 3600)
                return usage_error("--interval: '%s' is not a duration from 0.1 s to 1 h", optarg);
            break;
        case OPT_PROC_ROOT:
            cli->hl.proc_root = optarg;
            break;
        case OPT_SEND_TIMEOUT:
            if (fs_config_parse_duration(optarg, &cli->hl.send_timeout) != 0 ||
                cli->hl.send_timeout < 0.1 || cli->hl.send_timeout > 3600)
                return usage_error("--send-timeout: '%s' is not a duration from 0.1 s to 1 h",
                                   optarg);
            break;
        case OPT_MESSAGE_LOG:
            if (parse_message_log(optarg, cli) != 0)
                return usage_error("--message-log: '%s' is not COUNT (1 to 10000000) or "
                                   "COUNT,SIZE (SIZE at least 64KiB)",
                                   optarg);
            break;
        case OPT_NO_TRACE:
            cli->no_trace = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        case 'V':
            printf("forkscope %s\n", PACKAGE_VERSION);
            exit(0);
        default:
            return bad_option(c, at < argc ? argv[at] : NULL);
        }
    }
    if ((cli->hl.json || cli->hl.control) && !cli->headless)
        return usage_error("%s needs --headless", cli->hl.json ? "--json" : "--control");
    if (cli->msglog_count > 0 && cli->headless)
        return usage_error("--message-log is for the screen (--headless prints every message)");
    if (cli->hl.send_timeout > 0 && !cli->hl.control)
        return usage_error("--send-timeout needs --control");
    if (cli->hl.send_timeout == 0)
        cli->hl.send_timeout = FS_RT_SEND_TIMEOUT;
    return 0;
}

/* A session file's worker task names a built-in module or a plugin's path: a
 * bare name that is neither is an error of the file, found before anything
 * starts. (A plugin's file is looked at only when its task starts: it may be
 * built by then.) */
static int
check_worker_names(const struct fs_session *s)
{
    for (size_t i = 0; i < s->ntasks; i++) {
        const struct fs_task_spec *t = &s->tasks[i];
        char *err = NULL;
        if (fs_kind_info(t->kind)->argv != FS_ARGV_MODULE || t->file == NULL ||
            fs_worker_check_name(t->module, &err) == 0)
            continue;
        fprintf(stderr, "forkscope: %s:%d:%d: task '%s': %s\n", t->file, t->line, t->col, t->name,
                err);
        free(err);
        return -1;
    }
    return 0;
}

/* Builds the session from files, arguments, or the default places. */
static int
build_session(struct fs_session *s, struct cli *cli, int nargs, char **args)
{
    if (nargs > 0 && strcmp(args[0], "demo") == 0 && cli->nfiles == 0) {
        if (nargs > 2)
            return usage_error("'demo' takes one NAME at most");
        if (nargs == 1) {
            fs_demo_list();
            exit(0);
        }
        return load_demo(s, args[1], cli) == 0 ? 0 : EXIT_USAGE;
    }
    if (cli->names && nargs == 0)
        return usage_error("--names needs commands to name");
    for (int i = 0; i < cli->nfiles; i++)
        if (load_file(s, cli->files[i], cli->is_procfile[i], cli) != 0)
            return EXIT_USAGE;
    if (add_commands(s, args, nargs, cli->names) != 0)
        return EXIT_USAGE;
    if (s->ntasks > 0 || cli->nfiles > 0)
        return 0;
    /* The first of these in the current directory, as each tool finds its
     * own; process-compose's compose.y(a)ml is left out: most such files
     * are Docker Compose's (doc/session-file.md). */
    static const char *const found[] = {"forkscope.yaml", "mprocs.yaml", "process-compose.yml",
                                        "process-compose.yaml"};
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++)
        if (access(found[i], F_OK) == 0)
            return load_file(s, found[i], false, cli) == 0 ? 0 : EXIT_USAGE;
    return load_demo(s, NULL, cli) == 0 ? 0 : EXIT_USAGE;
}

int
main(int argc, char **argv)
{
    struct cli cli = {0};
    cli.hl.max_line = 64 * 1024;
    cli.hl.interval = 1.0;
    /* jansson's allocations abort on out-of-memory like forkscope's own, so no
     * caller has to handle a NULL from json_dumps or json_pack (app_pool.c). */
    json_set_alloc_funcs(fs_xmalloc, free);
    if (argc >= 2 && strcmp(argv[1], "worker-host") == 0)
        return fs_worker_host_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "child") == 0)
        return fs_worker_child_main(argc - 2, argv + 2);
    int r = parse_options(argc, argv, &cli);
    if (r != 0)
        return r;
    if (optind < argc && strcmp(argv[optind], "check") == 0 && cli.nfiles == 0) {
        if (optind + 1 == argc)
            return usage_error("'check' needs the files to check");
        return fs_check_files(argv + optind + 1, argc - optind - 1, &cli.procfile,
                              check_worker_names, stdout, stderr);
    }
    struct fs_session s;
    fs_session_init(&s);
    r = build_session(&s, &cli, argc - optind, argv + optind);
    /* Warnings go out before the screen or the first event, on standard error. */
    for (char **w = s.warnings; w != NULL && *w != NULL; w++)
        fprintf(stderr, "forkscope: %s\n", *w);
    if (r == 0 && check_worker_names(&s) != 0)
        r = EXIT_USAGE;
    if (r != 0) {
        fs_session_fini(&s);
        return r;
    }
    for (size_t i = 0; cli.no_trace && i < s.ntasks; i++)
        s.tasks[i].trace = false;
    if (cli.headless) {
        r = fs_headless_run(&s, &cli.hl);
    } else {
        struct fs_ui_opts ui = {.theme = cli.theme,
                                .interval = cli.hl.interval,
                                .proc_root = cli.hl.proc_root,
                                .msglog_count = cli.msglog_count,
                                .msglog_bytes = cli.msglog_bytes,
                                .demo = cli.demo};
        r = fs_ui_run(&s, &ui);
    }
    fs_session_fini(&s);
    return r;
}

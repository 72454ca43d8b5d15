/*
 * Spawning a task process (fs_proc_spawn), everything up to exec: the task's
 * environment and the lookup of its program in PATH, its pipes or pty, the
 * fork, and the child's setup between fork and exec, whose failures are
 * reported by stage. Once the program runs, rt/proc.c owns the process object
 * and its streams.
 *
 * The child, between fork and exec, only makes async-signal-safe calls: it joins
 * its own group, asks for SIGKILL when forkscope dies, resets signals, wires its
 * standard streams, changes directory, and waits until forkscope has put its
 * group on the watchdog's list before it executes anything. Everything that
 * allocates (argv, environment, the program's path) is prepared before fork.
 * A failure in the child is reported over a close-on-exec pipe, as libuv does.
 */
#include <config.h>

#include "rt/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt/proc_int.h"
#include "util/xalloc.h"

extern char **environ;

/* The descriptor limit forkscope was started with, given back to each task
 * (fs_proc_raise_fd_limit); unset until raised. */
static struct rlimit start_nofile;
static bool nofile_raised;

void
fs_proc_raise_fd_limit(void)
{
    struct rlimit rl;
    if (nofile_raised || getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
        return;
    start_nofile = rl;
    rl.rlim_cur = rl.rlim_max;
    nofile_raised = setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* The steps of the child between fork and exec, in order. Each failure is
 * reported with its stage and errno; none ends in a silent exit 127. */
enum child_stage {
    STAGE_GROUP,    /* setsid (pty) or setpgid */
    STAGE_DEATHSIG, /* prctl(PR_SET_PDEATHSIG), and forkscope still its parent */
    STAGE_SIGNALS,  /* the signal mask */
    STAGE_TTY,      /* the pty as controlling terminal */
    STAGE_STDIO,    /* standard input, output and error */
    STAGE_CHANNEL,  /* the channel on fd 3 */
    STAGE_CHDIR,    /* the task's cwd */
    STAGE_GO,       /* waiting for forkscope's go-ahead */
    STAGE_EXEC,
    STAGE_COUNT
};

/* What each stage did, for messages; the names are those of the test hook. */
static const struct {
    const char *name;
    const char *what;
} child_stages[STAGE_COUNT] = {
    [STAGE_GROUP] = {"group", "make its own process group"},
    [STAGE_DEATHSIG] = {"deathsig", "ask for SIGKILL when forkscope dies"},
    [STAGE_SIGNALS] = {"signals", "reset its signal mask"},
    [STAGE_TTY] = {"tty", "take its pty as controlling terminal"},
    [STAGE_STDIO] = {"stdio", "set up its standard input, output and error"},
    [STAGE_CHANNEL] = {"channel", "put its channel on fd 3"},
    [STAGE_CHDIR] = {"chdir", "change directory"},
    [STAGE_GO] = {"go", "wait for forkscope's go-ahead"},
    [STAGE_EXEC] = {"exec", "execute the program"},
};

/* What the child reports when it fails before exec. */
struct child_error {
    int stage; /* enum child_stage */
    int err;
};

/* ---- before fork: program path and environment ------------------------------ */

static bool
env_name_matches(const char *entry, const char *name, size_t nlen)
{
    return strncmp(entry, name, nlen) == 0 && entry[nlen] == '=';
}

/* forkscope's environment with the task's additions and removals. */
static char **
build_env(char *const *set, char *const *unset)
{
    char **env = NULL;
    for (char **e = environ; e && *e; e++) {
        bool drop = false;
        for (char *const *u = unset; u && *u && !drop; u++)
            drop = env_name_matches(*e, *u, strlen(*u));
        for (char *const *s = set; s && *s && !drop; s++) {
            const char *eq = strchr(*s, '=');
            drop = eq && env_name_matches(*e, *s, (size_t)(eq - *s));
        }
        if (!drop)
            fs_strv_push(&env, *e);
    }
    for (char *const *s = set; s && *s; s++)
        fs_strv_push(&env, *s);
    if (env == NULL)
        env = fs_xcalloc(1, sizeof *env);
    return env;
}

static const char *
env_get(char *const *env, const char *name)
{
    size_t n = strlen(name);
    for (char *const *e = env; e && *e; e++)
        if (env_name_matches(*e, name, n))
            return *e + n + 1;
    return NULL;
}

/* Finds argv0 in the task's PATH. Returns an allocated path, or NULL with errno
 * ENOENT (not found) or EACCES (found, not executable). */
static char *
find_program(const char *argv0, char *const *env, const char *cwd)
{
    if (strchr(argv0, '/') != NULL) {
        char *path = (argv0[0] == '/' || cwd == NULL) ? fs_xstrdup(argv0)
                                                       : fs_xasprintf("%s/%s", cwd, argv0);
        struct stat sb;
        if (stat(path, &sb) != 0) {
            free(path);
            errno = ENOENT;
            return NULL;
        }
        if (S_ISDIR(sb.st_mode) || access(path, X_OK) != 0) {
            free(path);
            errno = EACCES;
            return NULL;
        }
        /* exec from the task's cwd resolves a relative path itself. */
        free(path);
        return fs_xstrdup(argv0);
    }
    const char *path = env_get(env, "PATH");
    if (path == NULL)
        path = "/usr/local/bin:/usr/bin:/bin";
    int saw_eacces = 0;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        char *cand = len ? fs_xasprintf("%.*s/%s", (int)len, path, argv0)
                         : fs_xasprintf("./%s", argv0);
        struct stat sb;
        if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (access(cand, X_OK) == 0)
                return cand;
            saw_eacces = 1;
        }
        free(cand);
        path += len + (colon ? 1 : 0);
    }
    errno = saw_eacces ? EACCES : ENOENT;
    return NULL;
}

/* ---- the child ----------------------------------------------------------------- */

/* What the child needs, prepared before fork. */
struct child_setup {
    pid_t parent;
    const char *path;
    char **argv;
    char **env;
    const char *cwd;
    bool pty;
    int in_fd, out_fd, err_fd; /* for a pty: all three are the slave */
    int channel_fd;            /* placed on fd 3, or -1 */
    int go_fd;                 /* read end: forkscope says go */
    int errpipe;               /* write end, close-on-exec */
    int fault;                 /* a stage made to fail with EIO (the test hook), or -1 */
    const struct rlimit *nofile; /* the descriptor limit to give back, or NULL */
};

static void __attribute__((noreturn))
child_fail(int errfd, int stage, int err)
{
    struct child_error ce = {stage, err};
    ssize_t w = write(errfd, &ce, sizeof ce);
    (void)w;
    _exit(127);
}

/* Ends the child when a stage failed (bad: its call failed, errno set) or
 * the test hook makes it fail. */
static void
child_check(const struct child_setup *c, int stage, bool bad)
{
    if (c->fault == stage) {
        bad = true;
        errno = EIO;
    }
    if (bad)
        child_fail(c->errpipe, stage, errno);
}

static void __attribute__((noreturn))
child_main(const struct child_setup *c)
{
    /* A pty task leads a new session so the pty can become its controlling
     * terminal; either way it leads its own process group. */
    child_check(c, STAGE_GROUP, c->pty ? setsid() < 0 : setpgid(0, 0) < 0);
    bool bad = prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0;
    /* forkscope died before the death signal was armed: nobody reads the
     * report, but the child must not run on. */
    if (!bad && getppid() != c->parent) {
        bad = true;
        errno = ESRCH;
    }
    child_check(c, STAGE_DEATHSIG, bad);
    /* Undo what forkscope set for itself: ignored SIGPIPE, its handlers, and the
     * mask, which blocks every signal from the fork until here (fs_proc_spawn).
     * (signal() refuses SIGKILL, SIGSTOP and the ones libc keeps: harmless.) */
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    child_check(c, STAGE_SIGNALS, sigprocmask(SIG_SETMASK, &none, NULL) != 0);

    child_check(c, STAGE_TTY, c->pty && ioctl(c->out_fd, TIOCSCTTY, 0) < 0);
    child_check(c, STAGE_STDIO,
                dup2(c->in_fd, 0) < 0 || dup2(c->out_fd, 1) < 0 || dup2(c->err_fd, 2) < 0);
    /* The channel goes to fd 3, where NODE_CHANNEL_FD says it is; dup2 clears
     * close-on-exec on the copy (and when it already is fd 3, fcntl does). */
    child_check(c, STAGE_CHANNEL,
                c->channel_fd == 3 ? fcntl(3, F_SETFD, 0) < 0
                                   : c->channel_fd >= 0 && dup2(c->channel_fd, 3) < 0);
    child_check(c, STAGE_CHDIR, c->cwd != NULL && chdir(c->cwd) != 0);
    /* Wait until the group is on the watchdog's list. EOF means forkscope gave
     * up on this child (its write failed: it reports why). */
    char go;
    ssize_t r;
    do
        r = read(c->go_fd, &go, 1);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        errno = EPIPE;
    child_check(c, STAGE_GO, r != 1);
    /* Lowering the soft limit cannot fail: it is never below the hard one. */
    if (c->nofile != NULL)
        (void)setrlimit(RLIMIT_NOFILE, c->nofile);
    child_check(c, STAGE_EXEC, false);
    execve(c->path, c->argv, c->env);
    child_fail(c->errpipe, STAGE_EXEC, errno);
}

/* The test hook: FS_PROC_FAULT=STAGE (a name of child_stages) makes that
 * stage of every spawn fail with EIO, so that the stages nothing outside can
 * break are tested too. Builds with assertions only (--enable-debug). */
static int
fault_stage(void)
{
#ifndef NDEBUG
    const char *f = getenv("FS_PROC_FAULT");
    for (int i = 0; f != NULL && i < STAGE_COUNT; i++)
        if (strcmp(f, child_stages[i].name) == 0)
            return i;
#endif
    return -1;
}

/* ---- spawning ------------------------------------------------------------------- */

static void
close_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static char *
describe_child_error(const struct child_error *ce, const char *argv0, const char *cwd)
{
    switch (ce->stage) {
    case STAGE_CHDIR:
        return fs_xasprintf("cannot change to directory '%s' (stage chdir): %s", cwd ? cwd : ".",
                            strerror(ce->err));
    case STAGE_EXEC:
        return fs_xasprintf("cannot execute '%s' (stage exec): %s", argv0, strerror(ce->err));
    default:
        if (ce->stage < 0 || ce->stage >= STAGE_COUNT)
            return fs_xasprintf("the process failed before exec: %s", strerror(ce->err));
        return fs_xasprintf("the process could not %s (stage %s): %s", child_stages[ce->stage].what,
                            child_stages[ce->stage].name, strerror(ce->err));
    }
}

/* Reads the child's report: 0 when it executed, else -1 and its failure.
 * Returning only after exec also means the child's process group exists by
 * then. A child killed before it could report reads as executed: its death
 * is then reported as its exit. */
static int
await_exec(int errpipe, struct child_error *ce)
{
    ssize_t r;
    do
        r = read(errpipe, ce, sizeof *ce);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        /* Whether the program runs is unknown: treated as a failure. */
        ce->stage = STAGE_GO;
        ce->err = errno;
        return -1;
    }
    return r == (ssize_t)sizeof *ce ? -1 : 0;
}

/* Opens a pty pair sized rows×cols; the master is close-on-exec. */
static int
open_pty(int *master, int *slave, int rows, int cols)
{
    *master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*master < 0)
        return -errno;
    char name[64];
    if (grantpt(*master) != 0 || unlockpt(*master) != 0 ||
        ptsname_r(*master, name, sizeof name) != 0 ||
        (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        int e = -errno;
        close(*master);
        *master = -1;
        return e;
    }
    struct winsize ws = {(unsigned short)(rows > 0 ? rows : 24),
                         (unsigned short)(cols > 0 ? cols : 80), 0, 0};
    ioctl(*master, TIOCSWINSZ, &ws);
    return 0;
}

/* The descriptors of one spawn: output (pipes or pty), go and error pipes. */
enum { OUT_R, OUT_W, ERR_R, ERR_W, GO_R, GO_W, EP_R, EP_W, NUL, CH_P, CH_C, NFDS };

static int
make_fds(const struct fs_proc_opts *o, int *fds, char **err)
{
    int rc = 0;
    for (int i = 0; i < NFDS; i++)
        fds[i] = -1;
    if (o->pty)
        rc = open_pty(&fds[OUT_R], &fds[OUT_W], o->rows, o->cols);
    else if (pipe2(fds + OUT_R, O_CLOEXEC) != 0 || pipe2(fds + ERR_R, O_CLOEXEC) != 0)
        rc = -errno;
    if (rc == 0 && (pipe2(fds + GO_R, O_CLOEXEC) != 0 || pipe2(fds + EP_R, O_CLOEXEC) != 0))
        rc = -errno;
    if (rc == 0 && !o->pty && o->stdin_fd < 0 &&
        (fds[NUL] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
        rc = -errno;
    /* A fork task's channel: a stream socket pair (a pipe does not work with
     * Node), both ends close-on-exec so no other child inherits them. */
    if (rc == 0 && o->channel && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds + CH_P) != 0)
        rc = -errno;
    if (rc != 0) {
        *err = fs_xasprintf("cannot create %s: %s", o->pty ? "a pty" : "pipes", strerror(-rc));
        close_fds(fds, NFDS);
    }
    return rc;
}

int
fs_proc_spawn(struct fs_rt *rt, const struct fs_proc_opts *o, const struct fs_proc_cbs *cbs,
              void *arg, struct fs_proc **out, char **err)
{
    *out = NULL;
    *err = NULL;
    if (o->argv == NULL || o->argv[0] == NULL) {
        *err = fs_xstrdup("empty command");
        return -EINVAL;
    }
    char **env = build_env(o->env_set, o->env_unset);
    char *path = find_program(o->argv[0], env, o->cwd);
    if (path == NULL) {
        int e = errno;
        *err = e == ENOENT
                   ? fs_xasprintf("program '%s' not found: %s", o->argv[0], strerror(e))
                   : fs_xasprintf("program '%s' is not executable: %s", o->argv[0], strerror(e));
        fs_strv_free(env);
        return -e;
    }
    char **argv = fs_strv_dup(o->argv);
    int fds[NFDS];
    int rc = make_fds(o, fds, err);
    if (rc != 0)
        goto out;
    struct child_setup c = {
        .parent = getpid(),
        .path = path,
        .argv = argv,
        .env = env,
        .cwd = o->cwd,
        .pty = o->pty,
        .in_fd = o->pty ? fds[OUT_W] : o->stdin_fd >= 0 ? o->stdin_fd : fds[NUL],
        .out_fd = fds[OUT_W],
        .err_fd = o->pty ? fds[OUT_W] : fds[ERR_W],
        .channel_fd = o->channel ? fds[CH_C] : -1,
        .go_fd = fds[GO_R],
        .errpipe = fds[EP_W],
        .fault = fault_stage(),
        .nofile = nofile_raised ? &start_nofile : NULL,
    };
    /* The child starts with every signal blocked and takes them back only once
     * their dispositions are the defaults (child_main). Until it has left
     * forkscope's process group it gets the group's signals (SIGWINCH from the
     * terminal on every resize), and a handler inherited from forkscope, libuv's,
     * would run there: it waits on libuv's lock pipe, which the fork handler is
     * making anew, and the child never reaches exec while forkscope waits for
     * it (tests/e2e/forksignal.sh). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    int fork_errno = errno;
    if (pid == 0)
        child_main(&c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        rc = -fork_errno;
        *err = fs_xasprintf("cannot fork: %s", strerror(-rc));
        close_fds(fds, NFDS);
        goto out;
    }

    fs_watchdog_add(&rt->wd, pid);
    int child_ends[] = {OUT_W, ERR_W, GO_R, EP_W, NUL, CH_C};
    for (size_t i = 0; i < sizeof child_ends / sizeof child_ends[0]; i++)
        if (fds[child_ends[i]] >= 0)
            close(fds[child_ends[i]]);
    ssize_t w;
    do
        w = write(fds[GO_W], "g", 1);
    while (w < 0 && errno == EINTR);
    int go_err = w == 1 ? 0 : w < 0 ? errno : EIO;
    close(fds[GO_W]);
    struct child_error ce;
    int failed = await_exec(fds[EP_R], &ce);
    close(fds[EP_R]);
    if (go_err != 0 && (!failed || ce.stage == STAGE_GO)) {
        /* The child saw no go-ahead and reported that; forkscope knows why.
         * (A child that failed earlier is gone: its own report stands.) */
        failed = -1;
        ce.stage = STAGE_GO;
        ce.err = go_err;
    }

    int open_err;
    int slot_fds[3] = {fds[OUT_R], fds[ERR_R], fds[CH_P]};
    struct fs_proc *p = fs_proc_new(rt, pid, cbs, arg, slot_fds, o->pty, &open_err);
    if (!failed && open_err != 0) {
        /* The program runs, but its output could not be read: it is killed
         * (fs_proc_release) rather than left with a stream that never ends. */
        *err = fs_xasprintf("cannot read the task's output: %s", uv_strerror(open_err));
        rc = open_err;
        fs_proc_release(p);
        goto out;
    }
    if (failed) {
        /* The child exits 127 and is reaped like any other; the caller gets
         * no callbacks from it. */
        *err = describe_child_error(&ce, o->argv[0], o->cwd);
        rc = -ce.err;
        fs_proc_release(p);
        goto out;
    }
    *out = p;
    fs_proc_flow_all(rt);
out:
    free(path);
    fs_strv_free(argv);
    fs_strv_free(env);
    return rc;
}

/*
 * Task processes: fork+exec in a new process group, output pipes read through
 * libuv, exit status from the runtime's SIGCHLD watcher.
 *
 * The child, between fork and exec, only makes async-signal-safe calls: it joins
 * its own group, asks for SIGKILL when forkscope dies, resets signals, wires its
 * standard streams, changes directory, and waits until forkscope has put its
 * group on the watchdog's list before it executes anything. Everything that
 * allocates (argv, environment, the program's path) is prepared before fork.
 * A failure in the child is reported over a close-on-exec pipe, as libuv does.
 */
#include "config.h"

#include "rt/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt/rt_int.h"
#include "util/xalloc.h"

extern char **environ;

struct fs_proc {
    struct fs_rt *rt;
    struct fs_proc *next; /* in rt->procs */
    pid_t pid;
    uv_pipe_t pipes[2];   /* stdout, stderr */
    bool pipe_open[2];    /* initialised and not yet closed */
    bool pipe_eof[2];
    unsigned closing;     /* close callbacks still to come */
    bool reaped;
    bool released;
    unsigned busy;        /* inside a callback: the owner may release, not free */
    struct fs_proc_cbs cbs;
    void *arg;
};

/* What the child reports when it fails before exec. */
struct child_error {
    int stage; /* 0 chdir, 1 exec, 2 setup */
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

static void __attribute__((noreturn))
child_fail(int errfd, int stage, int err)
{
    struct child_error ce = {stage, err};
    ssize_t w = write(errfd, &ce, sizeof ce);
    (void)w;
    _exit(127);
}

static void __attribute__((noreturn))
child_main(pid_t parent, const char *path, char **argv, char **env, const char *cwd,
           int in_fd, int out_fd, int err_fd, int go_fd, int errpipe)
{
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
        _exit(127);
    /* Undo what forkscope set for itself: ignored SIGPIPE, blocked signals. */
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        child_fail(errpipe, 2, errno);
    if (cwd != NULL && chdir(cwd) != 0)
        child_fail(errpipe, 0, errno);
    /* Wait until the group is on the watchdog's list. EOF means forkscope gave
     * up on this child. */
    char go;
    ssize_t r;
    do
        r = read(go_fd, &go, 1);
    while (r < 0 && errno == EINTR);
    if (r != 1)
        _exit(127);
    execve(path, argv, env);
    child_fail(errpipe, 1, errno);
}

/* ---- spawning ------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

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
    case 0:
        return fs_xasprintf("cannot change to directory '%s': %s", cwd, strerror(ce->err));
    case 1:
        return fs_xasprintf("cannot execute '%s': %s", argv0, strerror(ce->err));
    default:
        return fs_xasprintf("cannot set up the process: %s", strerror(ce->err));
    }
}

/* Reads the child's report: 0 when it executed, else its failure. */
static int
await_exec(int errpipe, struct child_error *ce)
{
    ssize_t r;
    do
        r = read(errpipe, ce, sizeof *ce);
    while (r < 0 && errno == EINTR);
    return r == (ssize_t)sizeof *ce ? -1 : 0;
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
        *err = e == ENOENT ? fs_xasprintf("program '%s' not found", o->argv[0])
                           : fs_xasprintf("program '%s' is not executable", o->argv[0]);
        fs_strv_free(env);
        return -e;
    }
    char **argv = fs_strv_dup(o->argv);

    /* fds: stdout r/w, stderr r/w, go r/w, errpipe r/w, /dev/null */
    int fds[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    int rc = 0;
    if (pipe2(fds + 0, O_CLOEXEC) || pipe2(fds + 2, O_CLOEXEC) || pipe2(fds + 4, O_CLOEXEC) ||
        pipe2(fds + 6, O_CLOEXEC)) {
        rc = -errno;
    } else if (o->stdin_fd < 0 && (fds[8] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        rc = -errno;
    }
    if (rc != 0) {
        *err = fs_xasprintf("cannot create pipes: %s", strerror(-rc));
        close_fds(fds, 9);
        goto out;
    }
    int in_fd = o->stdin_fd >= 0 ? o->stdin_fd : fds[8];
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        rc = -errno;
        *err = fs_xasprintf("cannot fork: %s", strerror(-rc));
        close_fds(fds, 9);
        goto out;
    }
    if (pid == 0)
        child_main(parent, path, argv, env, o->cwd, in_fd, fds[1], fds[3], fds[4], fds[7]);

    /* Both sides set the group, so it exists whichever runs first. */
    setpgid(pid, pid);
    fs_watchdog_add(&rt->wd, pid);
    close(fds[1]);
    close(fds[3]);
    close(fds[4]);
    close(fds[7]);
    if (fds[8] >= 0)
        close(fds[8]);
    ssize_t w = write(fds[5], "g", 1);
    (void)w;
    close(fds[5]);
    struct child_error ce;
    int failed = await_exec(fds[6], &ce);
    close(fds[6]);

    struct fs_proc *p = fs_xcalloc(1, sizeof *p);
    p->rt = rt;
    p->pid = pid;
    p->cbs = *cbs;
    p->arg = arg;
    p->next = rt->procs;
    rt->procs = p;
    for (int i = 0; i < 2; i++) {
        uv_pipe_init(&rt->loop, &p->pipes[i], 0);
        p->pipes[i].data = p;
        p->pipe_open[i] = true;
        uv_pipe_open(&p->pipes[i], fds[i * 2]);
    }
    if (failed) {
        /* The child exits 127 and is reaped like any other; the caller gets
         * no callbacks from it. */
        *err = describe_child_error(&ce, o->argv[0], o->cwd);
        rc = -ce.err;
        p->released = true;
        for (int i = 0; i < 2; i++)
            p->pipe_eof[i] = true;
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

int
fs_proc_pid(const struct fs_proc *p)
{
    return p->pid;
}

unsigned
fs_proc_streams(const struct fs_proc *p)
{
    (void)p;
    return 2;
}

int
fs_proc_signal(struct fs_proc *p, int sig)
{
    if (p->reaped && kill(-p->pid, 0) != 0)
        return -ESRCH;
    return kill(-p->pid, sig) == 0 ? 0 : -errno;
}

/* ---- reading -------------------------------------------------------------------- */

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct fs_proc *p = h->data;
    (void)suggested;
    *buf = uv_buf_init(p->rt->read_buf, sizeof p->rt->read_buf);
}

static void maybe_free(struct fs_proc *p);

static void
pipe_closed(uv_handle_t *h)
{
    struct fs_proc *p = h->data;
    p->closing--;
    maybe_free(p);
}

static void
close_pipe(struct fs_proc *p, int i)
{
    if (!p->pipe_open[i])
        return;
    p->pipe_open[i] = false;
    p->closing++;
    uv_close((uv_handle_t *)&p->pipes[i], pipe_closed);
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct fs_proc *p = s->data;
    int i = s == (uv_stream_t *)&p->pipes[0] ? 0 : 1;
    enum fs_stream stream = i == 0 ? FS_STREAM_STDOUT : FS_STREAM_STDERR;
    if (n > 0) {
        if (!p->released && p->cbs.output) {
            p->busy++;
            p->cbs.output(p->arg, stream, buf->base, (size_t)n);
            p->busy--;
            maybe_free(p);
        }
        return;
    }
    if (n == 0)
        return;
    /* EOF or a read error: either way this stream is over. */
    p->pipe_eof[i] = true;
    close_pipe(p, i);
    if (!p->released && p->cbs.eof) {
        p->busy++;
        p->cbs.eof(p->arg, stream);
        p->busy--;
    }
    maybe_free(p);
}

/* Reading runs unless standard output is over its mark. */
static void
flow(struct fs_proc *p)
{
    for (int i = 0; i < 2; i++) {
        if (!p->pipe_open[i] || p->pipe_eof[i])
            continue;
        if (p->rt->output_paused)
            uv_read_stop((uv_stream_t *)&p->pipes[i]);
        else
            uv_read_start((uv_stream_t *)&p->pipes[i], on_alloc, on_read);
    }
}

void
fs_proc_flow_all(struct fs_rt *rt)
{
    for (struct fs_proc *p = rt->procs; p; p = p->next)
        flow(p);
}

/* ---- exit and release ------------------------------------------------------------- */

void
fs_proc_reaped(struct fs_rt *rt, int pid, int status)
{
    struct fs_proc *p;
    for (p = rt->procs; p && p->pid != pid; p = p->next)
        ;
    if (p == NULL)
        return; /* an orphaned descendant re-parented to forkscope */
    p->reaped = true;
    /* Group members that outlive the leader stay on the watchdog's list and are
     * killed when forkscope quits; an empty group is taken off. */
    if (kill(-pid, 0) == 0)
        fs_rt_add_lingering(rt, pid);
    else
        fs_watchdog_remove(&rt->wd, pid);
    if (!p->released && p->cbs.exit) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        p->busy++;
        p->cbs.exit(p->arg, code, sig);
        p->busy--;
    }
    maybe_free(p);
}

static void
maybe_free(struct fs_proc *p)
{
    if (!p->released || !p->reaped || p->busy > 0 || p->closing > 0 || p->pipe_open[0] ||
        p->pipe_open[1])
        return;
    struct fs_proc **pp = &p->rt->procs;
    while (*pp != p)
        pp = &(*pp)->next;
    *pp = p->next;
    free(p);
}

void
fs_proc_release(struct fs_proc *p)
{
    if (p == NULL)
        return;
    p->released = true;
    if (!p->reaped)
        kill(-p->pid, SIGKILL);
    for (int i = 0; i < 2; i++)
        close_pipe(p, i);
    maybe_free(p);
}

void
fs_proc_reap_remaining(struct fs_rt *rt)
{
    /* Only reached when a process outlived its task's bookkeeping (a bug or an
     * abnormal exit path): make sure it dies and is not left as a zombie. */
    struct fs_proc *p = rt->procs;
    while (p != NULL) {
        struct fs_proc *next = p->next;
        if (!p->reaped) {
            int status;
            kill(-p->pid, SIGKILL);
            while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
                ;
            p->reaped = true;
            fs_watchdog_remove(&rt->wd, p->pid);
        }
        p->released = true;
        for (int i = 0; i < 2; i++)
            close_pipe(p, i);
        maybe_free(p);
        p = next;
    }
}

/*
 * The built-in demos: their order (the tour's), the lookup, the list, and the
 * loader. Each demo is a session file held as a string (config/demos_*.c) and
 * parsed by the same reader as user files, so demos exercise exactly what
 * users write. The loader owns nothing past its call but the directories it
 * made for @MKTEMP:NAME@, which stay for the user to look into; @PORT:NAME@
 * is a free loopback port.
 */
#include <config.h>

#include "config/demo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "util/bytes.h"
#include "util/xalloc.h"

static const struct fs_demo *const tour[] = {
    &fs_demo_basics,
    &fs_demo_spawn_exec,
    &fs_demo_injection,
    &fs_demo_fork_ipc,
    &fs_demo_threads_vs_processes,
    &fs_demo_shared_memory,
    &fs_demo_pools,
    &fs_demo_blocking,
    &fs_demo_io_bound,
    &fs_demo_crash_isolation,
    &fs_demo_ipc,
    &fs_demo_node,
    &fs_demo_stacks,
};

#define NDEMOS (sizeof tour / sizeof tour[0])

/* The most distinct @MKTEMP:NAME@ a demo may use. */
#define MAX_TEMPS 4

const struct fs_demo *
fs_demo_default(void)
{
    return tour[0];
}

size_t
fs_demo_count(void)
{
    return NDEMOS;
}

const struct fs_demo *
fs_demo_at(size_t i)
{
    return i < NDEMOS ? tour[i] : NULL;
}

const struct fs_demo *
fs_demo_find(const char *name)
{
    for (size_t i = 0; i < NDEMOS; i++)
        if (strcmp(tour[i]->name, name) == 0)
            return tour[i];
    return NULL;
}

void
fs_demo_list(void)
{
    printf("Demos (run one with: forkscope demo NAME; forkscope alone starts the tour):\n");
    for (size_t i = 0; i < NDEMOS; i++)
        printf("  %-21s %s\n", tour[i]->name, tour[i]->summary);
}

struct temps {
    size_t n;
    char name[MAX_TEMPS][32];
    char *path[MAX_TEMPS];
};

/* The directory for NAME (len bytes), made on first use; NULL with *err set. */
static const char *
temp_dir(struct temps *t, const char *name, size_t len, char **err)
{
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->name[i]) == len && memcmp(t->name[i], name, len) == 0)
            return t->path[i];
    if (t->n == MAX_TEMPS || len == 0 || len >= sizeof t->name[0]) {
        *err = fs_xasprintf("demo: bad or too many @MKTEMP:NAME@ (at most %d)", MAX_TEMPS);
        return NULL;
    }
    const char *tmp = getenv("TMPDIR");
    char *path =
        fs_xasprintf("%s/forkscope-demo-%.*s-XXXXXX", tmp && *tmp ? tmp : "/tmp", (int)len, name);
    if (mkdtemp(path) == NULL) {
        *err = fs_xasprintf("demo: cannot make a directory %s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    memcpy(t->name[t->n], name, len);
    t->name[t->n][len] = '\0';
    t->path[t->n] = path;
    return t->path[t->n++];
}

/* The most distinct @PORT:NAME@ a demo may use. */
#define MAX_PORTS 8

/* Free loopback ports, one per NAME; their sockets stay bound until the
 * demo's text is made, so that no two names get the same port. */
struct ports {
    size_t n;
    char name[MAX_PORTS][32];
    int port[MAX_PORTS];
    int fd[MAX_PORTS];
};

/* The port for NAME (len bytes), found on first use; -1 with *err set. */
static int
free_port(struct ports *t, const char *name, size_t len, char **err)
{
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->name[i]) == len && memcmp(t->name[i], name, len) == 0)
            return t->port[i];
    if (t->n == MAX_PORTS || len == 0 || len >= sizeof t->name[0]) {
        *err = fs_xasprintf("demo: bad or too many @PORT:NAME@ (at most %d)", MAX_PORTS);
        return -1;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        *err = fs_xasprintf("demo: cannot find a free port on 127.0.0.1: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    memcpy(t->name[t->n], name, len);
    t->name[t->n][len] = '\0';
    t->fd[t->n] = fd;
    t->port[t->n] = ntohs(sa.sin_port);
    return t->port[t->n++];
}

/* The demo's YAML with every @MKTEMP:NAME@ replaced by a new directory's
 * path and every @PORT:NAME@ by a free loopback port; 0 or -1 with *err set. */
static int
expand(const char *yaml, struct fs_bytes *out, char **err)
{
    static const char mktemp_tag[] = "@MKTEMP:", port_tag[] = "@PORT:";
    struct temps t = {0};
    struct ports ports = {0};
    const char *p = yaml, *at;
    int rc = 0;

    while ((at = strchr(p, '@')) != NULL) {
        bool is_dir = strncmp(at, mktemp_tag, sizeof mktemp_tag - 1) == 0;
        bool is_port = strncmp(at, port_tag, sizeof port_tag - 1) == 0;
        fs_bytes_add(out, p, (size_t)(at - p + !(is_dir || is_port)));
        p = at + 1;
        if (!is_dir && !is_port)
            continue;
        const char *name = at + (is_dir ? sizeof mktemp_tag : sizeof port_tag) - 1;
        const char *end = strchr(name, '@');
        if (end == NULL) {
            *err = fs_xasprintf("demo: %s without its closing @", is_dir ? mktemp_tag : port_tag);
            rc = -1;
            break;
        }
        size_t len = (size_t)(end - name);
        if (is_dir) {
            const char *dir = temp_dir(&t, name, len, err);
            if (dir == NULL) {
                rc = -1;
                break;
            }
            fs_bytes_add(out, dir, strlen(dir));
        } else {
            int port = free_port(&ports, name, len, err);
            if (port < 0) {
                rc = -1;
                break;
            }
            char num[16];
            fs_bytes_add(out, num, (size_t)snprintf(num, sizeof num, "%d", port));
        }
        p = end + 1;
    }
    if (rc == 0)
        fs_bytes_add(out, p, strlen(p));
    for (size_t i = 0; i < t.n; i++)
        free(t.path[i]);
    for (size_t i = 0; i < ports.n; i++)
        close(ports.fd[i]);
    return rc;
}

int
fs_demo_load(const struct fs_demo *d, struct fs_session *s, char **err)
{
    /* The demos' programs are this binary's `child` subcommand. */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        setenv("FORKSCOPE", exe, 1);
    }
    struct fs_bytes yaml = FS_BYTES_INIT;
    int rc = expand(d->yaml, &yaml, err);
    if (rc == 0) {
        /* Messages name the demo as if it were a file. */
        char name[64];
        snprintf(name, sizeof name, "<demo %s>", d->name);
        rc = fs_config_parse_yaml(s, name, yaml.data, yaml.len, err);
    }
    fs_bytes_fini(&yaml);
    return rc;
}

/*
 * The table of node's port ends (model/porttab.h): a ring of entries, each a
 * key and what it maps to, searched newest first; it owns its entries. Names
 * are resolved when a message is posted, so an end's arrival may be told
 * before the sender's move is.
 */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/porttab.h"
#include "util/xalloc.h"

#define KEY_MAX 96
#define DEPTH_MAX 8

enum kind { MOVE = 1, ARRIVAL, HOLDER, PARENT };

struct entry {
    long long pid;
    enum kind kind;
    char key[KEY_MAX];
    char val[KEY_MAX]; /* MOVE: the end moved; ARRIVAL: "via|k|n|i" */
    long long thread;  /* HOLDER, PARENT */
};

struct fs_porttab {
    struct entry *e;
    size_t cap, n, next; /* next: the slot the next new entry takes */
};

struct fs_porttab *
fs_porttab_new(size_t cap)
{
    struct fs_porttab *t = fs_xcalloc(1, sizeof *t);
    t->cap = cap > 0 ? cap : 1;
    t->e = fs_xcalloc(t->cap, sizeof *t->e);
    return t;
}

void
fs_porttab_free(struct fs_porttab *t)
{
    if (t == NULL)
        return;
    free(t->e);
    free(t);
}

static struct entry *
find(struct fs_porttab *t, long long pid, enum kind kind, const char *key)
{
    for (size_t k = 1; k <= t->n; k++) {
        struct entry *e = &t->e[(t->next + t->cap - k) % t->cap];
        if (e->kind == kind && e->pid == pid && strcmp(e->key, key) == 0)
            return e;
    }
    return NULL;
}

/* The entry of that key, a new one (the oldest out) when there is none. */
static struct entry *
put(struct fs_porttab *t, long long pid, enum kind kind, const char *key)
{
    struct entry *e = find(t, pid, kind, key);
    if (e != NULL)
        return e;
    e = &t->e[t->next];
    t->next = (t->next + 1) % t->cap;
    if (t->n < t->cap)
        t->n++;
    memset(e, 0, sizeof *e);
    e->pid = pid;
    e->kind = kind;
    snprintf(e->key, sizeof e->key, "%s", key);
    return e;
}

/* A channel's end as its creator named it: "T.C.1" or "T.C.2". */
static bool
pair_end(const char *s)
{
    size_t a = strspn(s, "0123456789");
    if (a == 0 || s[a] != '.')
        return false;
    size_t b = strspn(s + a + 1, "0123456789");
    const char *r = s + a + 1 + b;
    return b > 0 && r[0] == '.' && (r[1] == '1' || r[1] == '2') && r[2] == '\0';
}

static bool canon(struct fs_porttab *t, long long pid, const char *name, char *out, int depth);

/* The key of a link, the same from both ends: "wN:down", "wN:up", or "e:END"
 * with END the end that receives on it. A sender's "p:NAME" receives at the
 * twin of NAME, a receiver's at NAME itself. */
static bool
link_key(struct fs_porttab *t, long long pid, const char *via, bool sender, char *out, int depth)
{
    if (strncmp(via, "p:", 2) != 0) {
        if (via[0] != 'w' || strlen(via) >= KEY_MAX)
            return false;
        strcpy(out, via);
        return true;
    }
    char c[KEY_MAX];
    if (!canon(t, pid, via + 2, c, depth + 1))
        return false;
    if (sender)
        c[strlen(c) - 1] ^= '1' ^ '2';
    return snprintf(out, KEY_MAX, "e:%s", c) < KEY_MAX;
}

/* The name of a move: "LINK|k|n|i". */
static bool
move_key(char *out, const char *link, const char *k, long long n, long long i)
{
    int w = snprintf(out, KEY_MAX, "%s|%s|%lld|%lld", link, k, n, i);
    return w > 0 && w < KEY_MAX;
}

/* The end a name stands for, as its channel's creator named it. */
static bool
canon(struct fs_porttab *t, long long pid, const char *name, char *out, int depth)
{
    if (depth > DEPTH_MAX || strlen(name) >= KEY_MAX)
        return false;
    if (pair_end(name)) {
        strcpy(out, name);
        return true;
    }
    const struct entry *a = find(t, pid, ARRIVAL, name);
    if (a == NULL)
        return false;
    char via[KEY_MAX], k[8], link[KEY_MAX], key[KEY_MAX];
    long long n, i;
    const char *bar = strchr(a->val, '|');
    if (bar == NULL || (size_t)(bar - a->val) >= sizeof via)
        return false;
    memcpy(via, a->val, (size_t)(bar - a->val));
    via[bar - a->val] = '\0';
    if (sscanf(bar + 1, "%7[^|]|%lld|%lld", k, &n, &i) != 3 ||
        !link_key(t, pid, via, false, link, depth) || !move_key(key, link, k, n, i))
        return false;
    const struct entry *m = find(t, pid, MOVE, key);
    if (m == NULL)
        return false;
    strcpy(out, m->val);
    return true;
}

/* The thread holding a (canonical) end: where it moved last, else its
 * creator. */
static long long
holder(struct fs_porttab *t, long long pid, const char *end)
{
    const struct entry *h = find(t, pid, HOLDER, end);
    return h != NULL ? h->thread : atoll(end);
}

/* The thread at the receiving end of a link. */
static long long
receiver(struct fs_porttab *t, long long pid, const char *link)
{
    if (strncmp(link, "e:", 2) == 0)
        return holder(t, pid, link + 2);
    long long w = atoll(link + 1);
    if (strstr(link, ":down") != NULL)
        return w;
    const struct entry *p = find(t, pid, PARENT, link + 1);
    return p != NULL ? p->thread : -1;
}

void
fs_porttab_worker(struct fs_porttab *t, long long pid, long long worker, long long parent)
{
    char key[32];
    snprintf(key, sizeof key, "%lld:up", worker);
    put(t, pid, PARENT, key)->thread = parent;
}

void
fs_porttab_move(struct fs_porttab *t, long long pid, const char *via, const char *k, long long n,
                const char *const *ends, size_t nends)
{
    char link[KEY_MAX], key[KEY_MAX], c[KEY_MAX];
    if (via == NULL || k == NULL || !link_key(t, pid, via, true, link, 0))
        return;
    long long to = receiver(t, pid, link);
    for (size_t i = 0; i < nends; i++) {
        if (ends[i] == NULL || !canon(t, pid, ends[i], c, 0) ||
            !move_key(key, link, k, n, (long long)i))
            continue;
        snprintf(put(t, pid, MOVE, key)->val, KEY_MAX, "%s", c);
        put(t, pid, HOLDER, c)->thread = to;
    }
}

void
fs_porttab_stay(struct fs_porttab *t, long long pid, long long thread, const char *const *ends,
                size_t nends)
{
    char c[KEY_MAX];
    for (size_t i = 0; i < nends; i++)
        if (ends[i] != NULL && canon(t, pid, ends[i], c, 0))
            put(t, pid, HOLDER, c)->thread = thread;
}

void
fs_porttab_arrive(struct fs_porttab *t, long long pid, const char *via, const char *k, long long n,
                  long long i, const char *as)
{
    char val[KEY_MAX];
    if (via == NULL || k == NULL || as == NULL || strlen(as) >= KEY_MAX)
        return;
    int w = snprintf(val, sizeof val, "%s|%s|%lld|%lld", via, k, n, i);
    if (w > 0 && w < KEY_MAX)
        memcpy(put(t, pid, ARRIVAL, as)->val, val, (size_t)w + 1);
}

long long
fs_porttab_peer(struct fs_porttab *t, long long pid, const char *end)
{
    char c[KEY_MAX];
    if (end != NULL && end[0] == 'w' && strlen(end) < KEY_MAX && strstr(end, ":up") != NULL)
        return receiver(t, pid, end); /* a worker's parentPort */
    if (end == NULL || !canon(t, pid, end, c, 0))
        return -1;
    c[strlen(c) - 1] ^= '1' ^ '2';
    return holder(t, pid, c);
}

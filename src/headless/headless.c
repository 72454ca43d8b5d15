/*
 * The headless front end: what its two printers share. It runs the session
 * through fs_app_run with the text printer (text.c) or the JSON one (json.c),
 * splits each task's output into lines per stream with a bounded line buffer
 * and hands each line to the printer, and reads --control commands from
 * standard input. It owns the line buffers and the printer's state.
 */
#include <config.h>

#include "headless/headless.h"

#include <stdlib.h>
#include <string.h>

#include "headless/headless_int.h"
#include "ipc/jsontext.h"
#include "model/control.h"
#include "util/xalloc.h"

/* Where the line callback writes. */
struct line_ctx {
    struct hl *hl;
    const struct fs_task *t;
    enum fs_stream stream;
};

static struct hl_task *
hl_task(struct hl *hl, const struct fs_task *t)
{
    for (size_t i = 0; i < hl->ntasks; i++)
        if (fs_app_task(hl->app, i) == t)
            return &hl->tasks[i];
    return NULL;
}

/* ---- lines of task output ------------------------------------------------------------------ */

static void
on_line(void *arg, const char *line, size_t len, unsigned flags)
{
    struct line_ctx *c = arg;
    c->hl->mode->line(c->hl, c->t, c->stream, line, len, flags);
}

void
hl_output(void *fe, const struct fs_task *t, enum fs_stream stream, const char *data, size_t len)
{
    struct hl *hl = fe;
    /* Nobody reads standard output any more (EPIPE): forkscope is quitting, and
     * formatting what cannot be delivered would only delay that. */
    if (fs_app_output_broken(hl->app, hl->mode->stderr_apart ? stream : FS_STREAM_STDOUT))
        return;
    struct hl_task *ht = hl_task(hl, t);
    struct line_ctx c = {hl, t, stream};
    fs_linebuf_feed(&ht->lines[stream - 1], data, len, on_line, &c);
}

void
hl_eof(void *fe, const struct fs_task *t, enum fs_stream stream)
{
    struct hl *hl = fe;
    struct hl_task *ht = hl_task(hl, t);
    struct line_ctx c = {hl, t, stream};
    fs_linebuf_flush(&ht->lines[stream - 1], on_line, &c);
}

bool
hl_verbatim(const struct fs_msg *m)
{
    return !(m->flags & FS_IPC_BAD) && !m->internal && m->fds == NULL && m->mode == FS_IPC_JSON &&
           (m->printed ? fs_jsontext_spelled_verbatim(m->data, m->len)
                       : fs_jsontext_verbatim(m->data, m->len));
}

/* ---- --control ------------------------------------------------------------------------------ */

/* A bad or refused command; t is the task it named, when there is one. */
static void
control_error(struct hl *hl, const struct fs_task *t, const char *what)
{
    char *msg = fs_xasprintf("control line %lu: %s", hl->control_line, what);
    hl->mode->ops->error(hl, t, msg);
    free(msg);
}

static const struct fs_task *
named_task(struct hl *hl, const char *name)
{
    for (size_t i = 0; name != NULL && i < fs_app_ntasks(hl->app); i++)
        if (strcmp(fs_app_task(hl->app, i)->spec.name, name) == 0)
            return fs_app_task(hl->app, i);
    return NULL;
}

static void
on_control_line(void *arg, const char *line, size_t len, unsigned flags)
{
    struct hl *hl = arg;
    /* A line longer than the buffer arrives in pieces: it is one bad line,
     * reported once, and none of its pieces is carried out. */
    if (flags & FS_LINE_SPLIT) {
        if (!hl->control_discard) {
            hl->control_line++;
            hl->control_discard = true;
            control_error(hl, NULL, "command line too long");
        }
        return;
    }
    if (hl->control_discard) {
        hl->control_discard = false;
        return;
    }
    hl->control_line++;
    struct fs_control_cmd cmd;
    char *err = NULL;
    int r = fs_control_parse(line, len, &cmd, &err);
    if (r == 0 && fs_app_command(hl->app, &cmd, &err) != 0)
        control_error(hl, named_task(hl, cmd.task), err);
    else if (err != NULL)
        control_error(hl, NULL, err);
    if (r == 0)
        fs_control_cmd_fini(&cmd);
    free(err);
}

/* Standard input; at its end the session ends once every task has settled
 * (fs_app_run sees to that). */
static void
on_control_input(void *fe, const char *data, size_t len)
{
    struct hl *hl = fe;
    if (len > 0)
        fs_linebuf_feed(&hl->control, data, len, on_control_line, hl);
    else
        fs_linebuf_flush(&hl->control, on_control_line, hl);
}

/* ---- the run -------------------------------------------------------------------------------- */

static void
on_ready(void *fe, struct fs_app *app)
{
    struct hl *hl = fe;
    hl->app = app;
    for (char *const *w = hl->warnings; hl->mode->warning != NULL && w != NULL && *w != NULL; w++)
        hl->mode->warning(hl, *w);
}

static void
hl_init(struct hl *hl, const struct fs_session *s, const struct fs_headless_opts *opts)
{
    hl->mode = opts->json ? &hl_json_mode : &hl_text_mode;
    hl->opts = *opts;
    hl->ntasks = s->ntasks;
    hl->warnings = s->warnings;
    hl->tasks = fs_xcalloc(s->ntasks, sizeof *hl->tasks);
    for (size_t i = 0; i < s->ntasks; i++) {
        int w = (int)strlen(s->tasks[i].name);
        if (w > hl->name_width)
            hl->name_width = w < 32 ? w : 32;
        fs_linebuf_init(&hl->tasks[i].lines[0], opts->max_line);
        fs_linebuf_init(&hl->tasks[i].lines[1], opts->max_line);
    }
    fs_linebuf_init(&hl->control, 1 << 20);
}

static void
hl_fini(struct hl *hl)
{
    for (size_t i = 0; i < hl->ntasks; i++) {
        fs_linebuf_fini(&hl->tasks[i].lines[0]);
        fs_linebuf_fini(&hl->tasks[i].lines[1]);
    }
    fs_linebuf_fini(&hl->control);
    json_decref(hl->menv);
    fs_bytes_fini(&hl->ebuf);
    free(hl->tasks);
}

int
fs_headless_run(const struct fs_session *s, const struct fs_headless_opts *opts)
{
    struct hl hl = {0};
    hl_init(&hl, s, opts);
    const struct fs_app_run_opts run = {
        .input = opts->control ? FS_APP_INPUT_COMMANDS : FS_APP_INPUT_NONE,
        .exit_when_settled = true,
        .send_wait = opts->control ? opts->send_timeout : 0,
        .interval = hl.mode->sample_flags != 0 ? opts->interval : 0,
        .proc_root = opts->proc_root,
        .sample_flags = hl.mode->sample_flags,
        .ready = on_ready,
        .quit_signal = hl.mode->quit_signal,
        .commands = on_control_input,
    };
    int status = fs_app_run(s, &run, hl.mode->ops, &hl);
    hl_fini(&hl);
    return status;
}

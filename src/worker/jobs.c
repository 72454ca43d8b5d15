/*
 * The job loop of a pool member's thread (see jobs.h). Job messages are parsed
 * with jansson; the answers are formatted with fs_worker_postf.
 */
#include <config.h>

#include "worker/jobs.h"

#include <jansson.h>
#include <stdlib.h>

#include "util/xalloc.h"
#include "worker/modules.h"

int
fs_worker_parse_job(const char *json, size_t len, long long *job, char **args)
{
    json_t *v = json_loadb(json, len, 0, NULL);
    json_t *id = json_object_get(v, "job"), *a = json_object_get(v, "args");
    int r = -1;
    if (json_is_integer(id) && json_integer_value(id) >= 0 &&
        (a == NULL || json_is_null(a) || json_is_string(a))) {
        *job = json_integer_value(id);
        *args = json_is_string(a) ? fs_xstrdup(json_string_value(a)) : NULL;
        r = 0;
    }
    json_decref(v);
    return r;
}

int
fs_worker_run_jobs(fs_worker_main_fn entry, struct fs_port *port)
{
    for (;;) {
        char *msg;
        size_t len;
        if (fs_port_recv(port, &msg, &len, -1) != 0)
            return 0; /* stop requested or closed: no more jobs */
        long long job;
        char *args;
        int ok = fs_worker_parse_job(msg, len, &job, &args);
        fs_port_free_msg(port, msg);
        if (ok != 0) {
            fs_worker_post_error(port, "a pool member got a message that is not a job");
            continue;
        }
        int rc = entry(port, args != NULL ? args : "");
        free(args);
        if (fs_port_stop_requested(port)) {
            /* It may have returned early: the job is not done. */
            fs_worker_postf(port, "{\"job\":%lld,\"error\":\"stopped\"}", job);
            return rc;
        }
        if (rc == 0)
            fs_worker_postf(port, "{\"job\":%lld}", job);
        else
            fs_worker_postf(port, "{\"job\":%lld,\"error\":\"the module returned %d\"}", job, rc);
    }
}

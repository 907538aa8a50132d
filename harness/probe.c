/* probe.c - describe a plugin from a child process (see probe.h). */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "runner.h"

/* ---- The child: gcbench __probe NAME ------------------------------------ */

static json_t *describe(const loader_plugin *p)
{
    const gcb_collector *c = p->gc;
    json_t *opts = json_array();
    for (uint32_t i = 0; i < c->noptions; i++) {
        const gcb_option_desc *d = &c->options[i];
        json_array_append_new(opts, json_pack("{s:s?, s:i, s:s?, s:s?, s:f, s:f, s:s?, s:s?}",
                                              "name", d->name, "type", (int)d->type, "def", d->def,
                                              "help", d->help, "min", d->min, "max", d->max,
                                              "choices", d->choices, "special", d->special));
    }
    return json_pack("{s:s, s:s, s:s, s:I, s:o}", "path", p->path, "name", c->name,
                     "description", c->description, "caps", (json_int_t)c->caps,
                     "options", opts);
}

int probe_child_main(const char *name_or_path)
{
    char err[2048];
    loader_plugin p;
    json_t *answer;
    if (loader_open(name_or_path, &p, err, sizeof err) != 0) {
        answer = json_pack("{s:s}", "error", err);
    } else {
        answer = describe(&p);
        if (answer == NULL)
            answer = json_pack("{s:s}", "error", "the plugin's names or option texts are not "
                               "valid UTF-8");
        /* No dlclose: a plugin's destructors are not ours to run here. */
    }
    if (answer == NULL)
        return 3;
    int rc = json_dumpfd(answer, 3, JSON_COMPACT) == 0 ? 0 : 3;
    json_decref(answer);
    return rc;
}

/* ---- The parent --------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the probe child; its answer (NUL-terminated, malloc'd) in *text.
 * Returns 0, or an errno value with "how the probe ended" in why. */
static int spawn(const char *name_or_path, char **text, char *why, size_t whylen)
{
    int rec[2];
    *text = NULL;
    if (pipe2(rec, O_CLOEXEC) != 0) {
        snprintf(why, whylen, "cannot start the probe: %s", strerror(errno));
        return errno;
    }
    char *tunables;
    char **env = runner_child_env(&tunables);
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        snprintf(why, whylen, "cannot start the probe: %s", strerror(e));
        close(rec[0]); close(rec[1]); free(env); free(tunables);
        return e;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int r3 = fcntl(rec[1], F_DUPFD_CLOEXEC, 10);
        int nul = open("/dev/null", O_RDONLY);
        /* stdout is the parent's (`gcbench list --json`): a plugin that
         * prints while loading writes to stderr instead. */
        if (r3 < 0 || dup2(r3, 3) < 0 || (nul >= 0 && dup2(nul, 0) < 0) || dup2(2, 1) < 0)
            _exit(127);
        char *argv[] = {"gcbench", "__probe", (char *)name_or_path, NULL};
        execve("/proc/self/exe", argv, env);
        _exit(127);
    }
    free(env);
    free(tunables);
    close(rec[1]);
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    double deadline = now_s() + PROBE_TIMEOUT_S;
    int timed_out = 0;
    while (buf != NULL) {
        double left = deadline - now_s();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {.fd = rec[0], .events = POLLIN};
        int pr = poll(&pf, 1, (int)(left * 1000) + 1);
        if (pr <= 0)
            continue;
        if (n + 1024 > cap) {
            char *b = cap < (64u << 20) ? realloc(buf, cap *= 2) : NULL;
            if (b == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
        }
        ssize_t r = read(rec[0], buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(rec[0]);
    int status = 0;
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (buf)
        buf[n] = '\0';
    if (timed_out) {
        snprintf(why, whylen, "loading the plugin took over %g s (probe killed)", PROBE_TIMEOUT_S);
        free(buf);
        return ETIMEDOUT;
    }
    if (WIFSIGNALED(status)) {
        snprintf(why, whylen, "loading the plugin killed its process with signal %d (%s)",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
        free(buf);
        return ENOEXEC;
    }
    if (buf == NULL || n == 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, whylen, "loading the plugin ended its process with exit status %d "
                 "before it was described", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        free(buf);
        return ENOEXEC;
    }
    *text = buf;
    return 0;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int probe_open(const char *name_or_path, probe_collector *out, char *err, size_t errlen)
{
    char why[1024];
    memset(out, 0, sizeof *out);
    /* Resolve here first: a missing file is refused without a process. */
    int rc = loader_resolve(name_or_path, out->path, sizeof out->path, err, errlen);
    if (rc != 0)
        return rc;
    char *text;
    rc = spawn(name_or_path, &text, why, sizeof why);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", out->path, why);
        return rc;
    }
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    free(text);
    if (!json_is_object(j)) {
        snprintf(err, errlen, "%s: the probe's answer is not JSON: %s", out->path, e.text);
        json_decref(j);
        return EINVAL;
    }
    if (str(j, "error")) {
        snprintf(err, errlen, "%s", str(j, "error"));
        json_decref(j);
        return EINVAL;
    }
    json_t *opts = json_object_get(j, "options");
    size_t n = json_array_size(opts);
    out->options = calloc(n + 1, sizeof *out->options);
    if (out->options == NULL || !str(j, "name") || !str(j, "description")) {
        snprintf(err, errlen, "%s: incomplete probe answer", out->path);
        json_decref(j);
        free(out->options);
        out->options = NULL;
        return EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(opts, i);
        gcb_option_desc *d = &out->options[i];
        d->name = str(o, "name");
        d->type = (gcb_option_type)json_integer_value(json_object_get(o, "type"));
        d->def = str(o, "def");
        d->help = str(o, "help");
        d->min = json_number_value(json_object_get(o, "min"));
        d->max = json_number_value(json_object_get(o, "max"));
        d->choices = str(o, "choices");
        d->special = str(o, "special");
    }
    out->j = j;
    out->gc.abi = GCB_ABI_VERSION;
    out->gc.size = sizeof out->gc;
    out->gc.name = str(j, "name");
    out->gc.description = str(j, "description");
    out->gc.caps = (uint32_t)json_integer_value(json_object_get(j, "caps"));
    out->gc.noptions = (uint32_t)n;
    out->gc.options = out->options;
    if (str(j, "path"))
        snprintf(out->path, sizeof out->path, "%s", str(j, "path"));
    return 0;
}

void probe_close(probe_collector *p)
{
    if (p == NULL)
        return;
    free(p->options);
    json_decref(p->j);
    memset(p, 0, sizeof *p);
}

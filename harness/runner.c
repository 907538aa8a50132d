/* runner.c - validate a request and run each repetition in a fresh child
 * process (see runner.h).  The parent never loads a heap: it only sends the
 * spec, waits with a deadline and appends the record it gets back (or one
 * it synthesizes for a child that died or hung). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gopeer.h"
#include "oomwatch.h"
#include "pin.h"
#include "resultsfile.h"
#include "common/record_build.h"
#include "common/clock.h"
#include "runner.h"
#include "common/provenance.h"
#include "runspec.h"

#define RECORD_MAX (256u << 20)  /* bytes; a child's record larger than this is refused */

int runner_validate(const run_spec *s, char *err, size_t errlen)
{
    runspec_resolved r;
    int rc = runspec_check(s, &r, err, errlen);
    if (rc == 0)
        runspec_release(&r);
    return rc;
}

/* One line, one write() on an O_APPEND descriptor, then fsync: a crash
 * anywhere leaves whole earlier lines behind (resultsfile.h). */
static int append(const char *path, json_t *rec, char *err, size_t errlen)
{
    char *text = json_dumps(rec, JSON_COMPACT);
    if (text == NULL) {
        snprintf(err, errlen, "cannot serialize a run record");
        return -1;
    }
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (line == NULL) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    int rc = resultsfile_append(path, line, n + 1, err, errlen);
    free(line);
    return rc != 0 ? -1 : 0;
}

static double now_s(void)
{
    return (double)clock_now_ns() / 1e9;
}

extern char **environ;

/* The child's environment: ours, with glibc's optional static TLS raised so
 * plugins that dlopen a library with initial-exec TLS (jemalloc) load.
 * Returns a malloc'd array whose strings are ours or one malloc'd entry. */
char **runner_child_env(char **tunables)
{
    static const char want[] = "glibc.rtld.optional_static_tls=16384";
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    *tunables = NULL;
    if (env == NULL)
        return NULL;
    size_t j = 0;
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "GLIBC_TUNABLES=", 15) == 0) {
            found = 1;
            if (strstr(environ[i], "optional_static_tls") == NULL &&
                asprintf(tunables, "%s:%s", environ[i], want) > 0) {
                env[j++] = *tunables;
                continue;
            }
        }
        env[j++] = environ[i];
    }
    if (!found && asprintf(tunables, "GLIBC_TUNABLES=%s", want) > 0)
        env[j++] = *tunables;
    env[j] = NULL;
    return env;
}

typedef struct child_out {
    char *buf;          /* the record text read from fd 3, NUL-terminated */
    size_t n;
    int status;         /* waitpid status */
    int timed_out;
    int spawn_errno;    /* fork/pipe failure */
    oomwatch watch;     /* RSS samples and OOM evidence, for a SIGKILL */
} child_out;

/* Fork + exec `gcbench __child` (or, with go, the Go twin: gopeer.h), feed
 * it the spec, collect its record. */
static void run_child(const char *spec_text, double timeout, const gopeer_launch *go,
                      child_out *o)
{
    int in[2], rec[2];
    memset(o, 0, sizeof *o);
    if (pipe2(in, O_CLOEXEC) != 0) {
        o->spawn_errno = errno;
        return;
    }
    if (pipe2(rec, O_CLOEXEC) != 0) {
        o->spawn_errno = errno;
        close(in[0]);
        close(in[1]);
        return;
    }
    char *tunables = NULL;
    char **env = go ? NULL : runner_child_env(&tunables);
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        o->spawn_errno = errno;
        free(env);
        free(tunables);
        close(in[0]); close(in[1]); close(rec[0]); close(rec[1]);
        return;
    }
    if (pid == 0) {
        /* The child dies with its parent (SIGKILL or SIGTERM of gcbench
         * must not leave a run burning CPU); checked again after the call
         * in case the parent died before it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        /* Move both ends above 3 first (either may be 0..3 when the parent
         * runs with closed standard descriptors); dup2 then clears
         * close-on-exec on 0 and 3. */
        int i0 = fcntl(in[0], F_DUPFD_CLOEXEC, 10);
        int r3 = fcntl(rec[1], F_DUPFD_CLOEXEC, 10);
        if (i0 < 0 || r3 < 0 || dup2(i0, 0) < 0 || dup2(r3, 3) < 0)
            _exit(127);
        if (go) {
            gopeer_exec(go);
            _exit(127);
        }
        char *argv[] = {"gcbench", "__child", NULL};
        execve("/proc/self/exe", argv, env ? env : environ);
        fprintf(stderr, "gcbench: cannot exec /proc/self/exe: %s\n", strerror(errno));
        _exit(127);
    }
    free(env);
    free(tunables);
    close(in[0]);
    close(rec[1]);
    oomwatch_start(&o->watch, pid);

    /* The spec is a few hundred bytes: it fits the pipe, so this never
     * blocks; a child dead already gives EPIPE, not SIGPIPE. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    size_t len = strlen(spec_text), off = 0;
    while (off < len) {
        ssize_t w = write(in[1], spec_text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(in[1]);
    sigaction(SIGPIPE, &old, NULL);

    double deadline = now_s() + timeout;
    size_t cap = 1 << 16;
    o->buf = malloc(cap);
    int eof = 0;
    while (!eof) {
        double left = deadline - now_s();
        if (left <= 0) {
            o->timed_out = 1;
            break;
        }
        struct pollfd pf = {.fd = rec[0], .events = POLLIN};
        int pr = poll(&pf, 1, left > OOMWATCH_PERIOD_S ? (int)(OOMWATCH_PERIOD_S * 1000)
                                                       : (int)(left * 1000) + 1);
        oomwatch_sample(&o->watch);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        if (o->n + 4096 > cap && cap < RECORD_MAX) {
            cap *= 2;
            char *b = realloc(o->buf, cap);
            if (b == NULL)
                break;
            o->buf = b;
        }
        ssize_t r = read(rec[0], o->buf + o->n, cap - o->n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            eof = 1;
        else
            o->n += (size_t)r;
    }
    close(rec[0]);
    if (o->buf)
        o->buf[o->n] = '\0';

    /* The record is in; the child may still be tearing down. */
    for (;;) {
        pid_t w = waitpid(pid, &o->status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        if (o->timed_out || now_s() >= deadline) {
            o->timed_out = 1;
            kill(pid, SIGKILL);
            waitpid(pid, &o->status, 0);
            break;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* The record for repetition `rep`: the child's own, or a synthesized one. */
static json_t *outcome(const record_req *q, const child_out *o)
{
    char msg[1024];
    json_t *rec = NULL;
    if (o->n > 0) {
        json_error_t e;
        rec = json_loads(o->buf, 0, &e);
        if (rec != NULL && !json_is_object(rec)) {
            json_decref(rec);
            rec = NULL;
        }
    }
    if (o->spawn_errno) {
        rec = record_new(q);
        snprintf(msg, sizeof msg, "cannot start the child process: %s", strerror(o->spawn_errno));
        record_fail(rec, "crashed", msg);
        return rec;
    }
    if (o->timed_out) {
        json_decref(rec);
        rec = record_new(q);
        snprintf(msg, sizeof msg, "run exceeded timeout of %g s", q->spec->timeout);
        record_fail(rec, "timeout", msg);
        return rec;
    }
    if (WIFSIGNALED(o->status)) {
        int sig = WTERMSIG(o->status);
        json_decref(rec);
        rec = record_new(q);
        /* The child's fault handler may have said what the address was. */
        const char *note = o->n > 0 ? strstr(o->buf, "gcbench-fault: ") : NULL;
        if (note != NULL) {
            note += strlen("gcbench-fault: ");
            int len = (int)strcspn(note, "\n");
            snprintf(msg, sizeof msg, "%.*s (child killed by signal %d, %s)", len, note, sig,
                     strsignal(sig));
        } else {
            snprintf(msg, sizeof msg, "child killed by signal %d (%s)", sig, strsignal(sig));
        }
        if (sig == SIGKILL)
            oomwatch_explain(&o->watch, msg, sizeof msg);
        record_fail(rec, "crashed", msg);
        return rec;
    }
    if (rec == NULL) {
        rec = record_new(q);
        if (WIFEXITED(o->status))
            snprintf(msg, sizeof msg, "child exited with status %d without a record",
                     WEXITSTATUS(o->status));
        else
            snprintf(msg, sizeof msg, "child ended without a record");
        record_fail(rec, "crashed", msg);
        return rec;
    }
    if (WIFEXITED(o->status) && WEXITSTATUS(o->status) != 0 &&
        strcmp(json_string_value(json_object_get(rec, "status")) ?: "", "ok") == 0) {
        snprintf(msg, sizeof msg, "child exited with status %d after writing its record",
                 WEXITSTATUS(o->status));
        record_fail(rec, "crashed", msg);
    }
    return rec;
}

int runner_run(const run_spec *s, json_t **records, char *err, size_t errlen)
{
    runspec_resolved r;
    *records = NULL;
    int rc = runspec_check(s, &r, err, errlen);
    if (rc != 0)
        return rc;

    char topo[512] = "";
    pin_plan *plan = NULL;
    char msg[256];
    if (pin_plan_new(s->pin ? s->pin : "none", s->pus, s->npus, s->threads, &plan, msg,
                     sizeof msg) == 0) {
        pin_topology_summary(plan, topo, sizeof topo);
        pin_plan_free(plan);
    }

    gopeer_launch go;
    int is_go = gopeer_is(s->collector);
    if (is_go && (rc = gopeer_prepare(s, r.opts, &go, err, errlen)) != 0) {
        runspec_release(&r);
        return rc;
    }

    json_t *all = json_array();
    int failed = 0;
    for (int rep = 0; rep < s->repeat; rep++) {
        record_req q = {.spec = s, .gc = r.gc, .opts = r.opts, .w = r.w, .params = r.params,
                        .ops = r.ops, .repetition = rep, .topology = topo};
        clock_gettime(CLOCK_REALTIME, &q.start);
        char *spec_text;
        if (is_go) {
            json_t *base = record_new(&q);
            spec_text = gopeer_spec_text(&go, s, r.w, r.params, r.opts, r.ops, base);
            json_decref(base);
        } else {
            json_t *sj = runspec_to_json(s, rep);
            spec_text = json_dumps(sj, JSON_COMPACT);
            json_decref(sj);
        }
        child_out o;
        run_child(spec_text ? spec_text : "{}", s->timeout, is_go ? &go : NULL, &o);
        free(spec_text);
        json_t *rec = outcome(&q, &o);
        free(o.buf);
        if (is_go)
            gopeer_finish(rec);
        provenance_stamp(rec);
        const char *st = json_string_value(json_object_get(rec, "status"));
        if (st == NULL || strcmp(st, "ok") != 0)
            failed = 1;
        if (s->out_path != NULL && append(s->out_path, rec, err, errlen) != 0) {
            json_decref(rec);
            json_decref(all);
            if (is_go)
                gopeer_launch_free(&go);
            runspec_release(&r);
            return 2;
        }
        json_array_append_new(all, rec);
    }
    if (is_go)
        gopeer_launch_free(&go);
    runspec_release(&r);
    *records = all;
    return failed ? 1 : 0;
}

/* runner.c - validate a request and run each repetition in a fresh child
 * process (see runner.h).  The parent never loads a heap: it only sends the
 * spec, waits with a deadline and appends the record it gets back (or one
 * it synthesizes for a child that died or hung). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
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
#include "resume.h"
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
                      const cpu_set_t *slot, child_out *o)
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
        /* --jobs: this run's own cores; the child's hwloc topology then
         * holds only them, so its pin plan stays inside. */
        if (slot != NULL && sched_setaffinity(0, sizeof *slot, slot) != 0)
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
     * blocks; a child dead already gives EPIPE, not SIGPIPE: SIGPIPE is
     * blocked in this thread (other threads may be here at once, so not
     * sigaction) and a pending one is consumed before unblocking. */
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
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
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);

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

/* One request of a plan. */
typedef struct plan_req {
    const run_spec *s;
    runspec_resolved r;
    char topo[512];
    int is_go;
    gopeer_launch go;
    int repeat;              /* s->repeat (free needs no s: it may be gone) */
    json_t **recs;           /* repeat records, filled as runs end */
} plan_req;

/* One run: repetition rep of request req. */
typedef struct plan_run {
    size_t req;
    int rep;
} plan_run;

struct runner_plan {
    runner_exec *ex;
    plan_req *reqs;
    size_t nreqs, capreqs;
    plan_run *runs;          /* the runs to execute (reused ones are not here) */
    size_t nruns, next;      /* next: the first run no worker has taken */
    pthread_mutex_t mu;      /* guards next, failed, werr and appends */
    int failed;              /* some record is not ok */
    int werr;                /* an append failed: stop taking runs */
    long reused;             /* runs taken from ex->resume */
    char err[1024];
};

static record_req req_of(const plan_req *pr, int rep)
{
    record_req q = {.spec = pr->s, .gc = pr->r.gc, .opts = pr->r.opts, .w = pr->r.w,
                    .params = pr->r.params, .ops = pr->r.ops, .repetition = rep,
                    .topology = pr->topo};
    return q;
}

runner_plan *runner_plan_new(runner_exec *ex)
{
    runner_plan *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->ex = ex;
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

int runner_plan_add(runner_plan *p, const run_spec *s, char *err, size_t errlen)
{
    if (p->nreqs == p->capreqs) {
        size_t cap = p->capreqs ? 2 * p->capreqs : 8;
        plan_req *r = realloc(p->reqs, cap * sizeof *r);
        if (r == NULL) {
            snprintf(err, errlen, "out of memory");
            return 2;
        }
        p->reqs = r;
        p->capreqs = cap;
    }
    plan_req *pr = &p->reqs[p->nreqs];
    memset(pr, 0, sizeof *pr);
    pr->s = s;
    pr->repeat = s->repeat;
    int rc = runspec_check(s, &pr->r, err, errlen);
    if (rc != 0)
        return rc;
    pin_plan *plan = NULL;
    char msg[256];
    if (pin_plan_new(s->pin ? s->pin : "none", s->pus, s->npus, s->threads, &plan, msg,
                     sizeof msg) == 0) {
        pin_topology_summary(plan, pr->topo, sizeof pr->topo);
        pin_plan_free(plan);
    }
    pr->is_go = gopeer_is(s->collector);
    if (pr->is_go && (rc = gopeer_prepare(s, pr->r.opts, &pr->go, err, errlen)) != 0) {
        runspec_release(&pr->r);
        return rc;
    }
    pr->recs = calloc((size_t)s->repeat, sizeof *pr->recs);
    plan_run *runs = realloc(p->runs, (p->nruns + (size_t)s->repeat) * sizeof *runs);
    if (pr->recs == NULL || runs == NULL) {
        free(pr->recs);
        if (runs != NULL)
            p->runs = runs;
        if (pr->is_go)
            gopeer_launch_free(&pr->go);
        runspec_release(&pr->r);
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    p->runs = runs;
    for (int rep = 0; rep < s->repeat; rep++) {
        record_req q = req_of(pr, rep);
        char hash[32], key[64];
        record_run_key(&q, hash, sizeof hash);
        snprintf(key, sizeof key, "%s-%d", hash, rep);
        json_t *stored = p->ex ? resume_take(p->ex->resume, key) : NULL;
        if (stored != NULL) {
            pr->recs[rep] = stored;
            p->ex->reused++;
            p->reused++;
        } else {
            p->runs[p->nruns++] = (plan_run){.req = p->nreqs, .rep = rep};
        }
    }
    p->nreqs++;
    return 0;
}

/* Run one run (any thread; slot: its cores or NULL) and append its record. */
static void execute(runner_plan *p, const plan_run *run, const cpu_set_t *slot)
{
    plan_req *pr = &p->reqs[run->req];
    const run_spec *s = pr->s;
    record_req q = req_of(pr, run->rep);
    clock_gettime(CLOCK_REALTIME, &q.start);
    char *spec_text;
    if (pr->is_go) {
        json_t *base = record_new(&q);
        spec_text = gopeer_spec_text(&pr->go, s, pr->r.w, pr->r.params, pr->r.opts, pr->r.ops,
                                     base);
        json_decref(base);
    } else {
        json_t *sj = runspec_to_json(s, run->rep);
        spec_text = json_dumps(sj, JSON_COMPACT);
        json_decref(sj);
    }
    child_out o;
    run_child(spec_text ? spec_text : "{}", s->timeout, pr->is_go ? &pr->go : NULL, slot, &o);
    free(spec_text);
    json_t *rec = outcome(&q, &o);
    free(o.buf);
    if (pr->is_go)
        gopeer_finish(rec);
    const char *st = json_string_value(json_object_get(rec, "status"));
    char err[1024];
    pthread_mutex_lock(&p->mu);
    /* Under the lock: provenance is built once, on first use, and workers
     * of --jobs run this at once. */
    provenance_stamp(rec);
    if (st == NULL || strcmp(st, "ok") != 0)
        p->failed = 1;
    if (!p->werr && s->out_path != NULL && append(s->out_path, rec, err, sizeof err) != 0) {
        p->werr = 1;
        snprintf(p->err, sizeof p->err, "%s", err);
    }
    pr->recs[run->rep] = rec;
    pthread_mutex_unlock(&p->mu);
}

/* The next run for a worker, or NULL; go runs only when serial (the go
 * peer's launch is single-threaded, gopeer.h). */
static plan_run *take(runner_plan *p, int serial)
{
    plan_run *r = NULL;
    pthread_mutex_lock(&p->mu);
    while (!p->werr && p->next < p->nruns) {
        plan_run *c = &p->runs[p->next++];
        if (!serial && p->reqs[c->req].is_go)
            continue;     /* left for the serial pass */
        r = c;
        break;
    }
    pthread_mutex_unlock(&p->mu);
    return r;
}

typedef struct worker {
    runner_plan *p;
    cpu_set_t slot;
    int pinned;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    plan_run *r;
    while ((r = take(w->p, 0)) != NULL)
        execute(w->p, r, w->pinned ? &w->slot : NULL);
    return NULL;
}

static int execute_slurm(runner_plan *p, char *err, size_t errlen);

int runner_plan_execute(runner_plan *p, char *err, size_t errlen)
{
    if (p->ex && p->ex->slurm && p->nruns > 0) {
        int rc = execute_slurm(p, err, errlen);
        if (rc != 0)
            return rc;
        p->next = p->nruns;      /* every run has its record */
    }
    int jobs = p->ex && p->ex->jobs > 1 ? p->ex->jobs : 1;
    if (jobs > 1) {
        worker *ws = calloc((size_t)jobs, sizeof *ws);
        pthread_t *tids = calloc((size_t)jobs, sizeof *tids);
        int started = 0;
        for (int j = 0; ws && tids && j < jobs; j++) {
            ws[j].p = p;
            CPU_ZERO(&ws[j].slot);
            if (p->ex->slots != NULL) {
                ws[j].pinned = 1;
                for (int i = 0; i < p->ex->slots[j].npus; i++)
                    if (p->ex->slots[j].pus[i] < CPU_SETSIZE)
                        CPU_SET(p->ex->slots[j].pus[i], &ws[j].slot);
            }
            if (pthread_create(&tids[j], NULL, work, &ws[j]) == 0)
                started++;
            else
                break;
        }
        for (int j = 0; j < started; j++)
            pthread_join(tids[j], NULL);
        free(ws);
        free(tids);
        /* Go runs (and anything left if no worker started) run serially. */
        p->next = 0;
        for (size_t i = 0; i < p->nruns; i++)
            if (p->reqs[p->runs[i].req].recs[p->runs[i].rep] != NULL)
                p->runs[i].rep = -1;      /* done */
    }
    plan_run *r;
    while ((r = take(p, 1)) != NULL)
        if (r->rep >= 0)
            execute(p, r, NULL);
    if (p->werr) {
        snprintf(err, errlen, "%s", p->err);
        return 2;
    }
    for (size_t i = 0; i < p->nreqs; i++)
        for (int rep = 0; rep < p->reqs[i].s->repeat; rep++) {
            const char *st = json_string_value(json_object_get(p->reqs[i].recs[rep], "status"));
            if (st == NULL || strcmp(st, "ok") != 0)
                p->failed = 1;
        }
    return p->failed ? 1 : 0;
}

json_t *runner_plan_records(runner_plan *p, size_t i)
{
    json_t *all = json_array();
    for (int rep = 0; i < p->nreqs && rep < p->reqs[i].s->repeat; rep++)
        if (p->reqs[i].recs[rep] != NULL)
            json_array_append(all, p->reqs[i].recs[rep]);
    return all;
}

long runner_plan_reused(const runner_plan *p)
{
    return p->reused;
}

void runner_plan_free(runner_plan *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nreqs; i++) {
        plan_req *pr = &p->reqs[i];
        for (int rep = 0; rep < pr->repeat; rep++)
            json_decref(pr->recs[rep]);
        free(pr->recs);
        if (pr->is_go)
            gopeer_launch_free(&pr->go);
        runspec_release(&pr->r);
    }
    free(p->reqs);
    free(p->runs);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int runner_run(const run_spec *s, json_t **records, char *err, size_t errlen)
{
    *records = NULL;
    runner_plan *p = runner_plan_new(NULL);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    int rc = runner_plan_add(p, s, err, errlen);
    if (rc == 0)
        rc = runner_plan_execute(p, err, errlen);
    if (rc != 2)
        *records = runner_plan_records(p, 0);
    runner_plan_free(p);
    return rc;
}

/* ---- The slurm executor: one sbatch --array per plan. ----
 * The plan's runs are written to DIR/tasks.json (DIR is OUT.slurm/PID-N
 * next to the results file, which must be on a path the compute nodes
 * share); task i runs `gcbench __slurm-task DIR` and leaves
 * DIR/task-i.json.  gcbench polls squeue until the job is gone, then
 * gathers the records in plan order; a task without a record gets one
 * synthesized from its Slurm state (scontrol show job): TIMEOUT ->
 * "timeout", anything else (FAILED, CANCELLED, NODE_FAIL, OUT_OF_MEMORY)
 * -> "crashed" with the state in `error`. */

/* Run a shell command, its stdout into buf; returns the exit status. */
static int capture(const char *cmd, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Single-quote s for sh into out. */
static void quote(const char *s, char *out, size_t len)
{
    size_t o = 0;
    if (o < len - 1) out[o++] = '\'';
    for (; *s && o + 5 < len; s++) {
        if (*s == '\'') {
            memcpy(out + o, "'\\''", 4);
            o += 4;
        } else {
            out[o++] = *s;
        }
    }
    if (o < len - 1) out[o++] = '\'';
    out[o] = '\0';
}

static void field(const char *text, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    const char *f = strstr(text, name);
    if (f == NULL)
        return;
    f += strlen(name);
    size_t n = strcspn(f, " \n");
    if (n >= len)
        n = len - 1;
    memcpy(out, f, n);
    out[n] = '\0';
}

static int execute_slurm(runner_plan *p, char *err, size_t errlen)
{
    static int seq;
    const char *out = p->reqs[p->runs[0].req].s->out_path;
    char dir[4096], path[4200], cmd[16384], q[4300], buf[65536];
    snprintf(dir, sizeof dir, "%s.slurm", out ? out : "gcbench");
    mkdir(dir, 0777);
    snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/%ld-%d", (long)getpid(), seq++);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "slurm: cannot create '%s': %s", dir, strerror(errno));
        return 2;
    }
    json_t *tasks = json_array();
    for (size_t i = 0; i < p->nruns; i++) {
        const plan_run *r = &p->runs[i];
        json_array_append_new(tasks, runspec_to_json(p->reqs[r->req].s, r->rep));
    }
    snprintf(path, sizeof path, "%s/tasks.json", dir);
    int drc = json_dump_file(tasks, path, JSON_COMPACT);
    json_decref(tasks);
    if (drc != 0) {
        snprintf(err, errlen, "slurm: cannot write '%s'", path);
        return 2;
    }
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        snprintf(err, errlen, "slurm: cannot find the gcbench binary");
        return 2;
    }
    self[sl] = '\0';
    char wrap[8500], qs[4200], qd[4200];
    quote(self, qs, sizeof qs);
    quote(dir, qd, sizeof qd);
    snprintf(wrap, sizeof wrap, "exec %s __slurm-task %s", qs, qd);
    quote(wrap, q, sizeof q);
    char logs[4300];
    snprintf(path, sizeof path, "%s/task-%%a.log", dir);
    quote(path, logs, sizeof logs);
    int n = snprintf(cmd, sizeof cmd, "sbatch --parsable --job-name=gcbench --array=0-%zu "
                     "--ntasks=1 --output=%s", p->nruns - 1, logs);
    if (p->ex->partition) {
        quote(p->ex->partition, qs, sizeof qs);
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --partition=%s", qs);
    }
    if (p->ex->time_limit) {
        quote(p->ex->time_limit, qs, sizeof qs);
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --time=%s", qs);
    }
    for (int i = 0; i < p->ex->nslurm_opts; i++) {
        quote(p->ex->slurm_opts[i], qs, sizeof qs);
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %s", qs);
    }
    snprintf(cmd + n, sizeof cmd - (size_t)n, " --wrap=%s", q);
    fflush(NULL);
    if (capture(cmd, buf, sizeof buf) != 0) {
        snprintf(err, errlen, "slurm: sbatch failed: %s", cmd);
        return 2;
    }
    char job[64];
    snprintf(job, sizeof job, "%.*s", (int)strcspn(buf, ";\n"), buf);
    fprintf(stderr, "gcbench: slurm job %s: %zu tasks (%s)\n", job, p->nruns, dir);

    /* Wait for the array to leave the queue (no sacct without accounting
     * storage: squeue while it runs, scontrol show job after). */
    int tty = isatty(2);
    long last_pending = -1, last_running = -1;
    for (;;) {
        snprintf(cmd, sizeof cmd, "squeue -h -r -j %s -o %%T 2>/dev/null", job);
        int rc = capture(cmd, buf, sizeof buf);
        long pending = 0, running = 0;
        for (char *l = buf; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0)) {
            if (strncmp(l, "PENDING", 7) == 0)
                pending++;
            else if (*l != '\n')
                running++;
        }
        if (rc == 0 && pending + running == 0)
            break;
        if (rc != 0) {
            /* squeue refuses a job id it forgot: the job is over. */
            break;
        }
        /* The progress line: rewritten in place on a terminal, else one
         * line per change. */
        if (pending != last_pending || running != last_running) {
            fprintf(stderr, "%sgcbench: slurm job %s: %ld pending, %ld running, %zu done%s", tty ? "\r" : "",
                    job, pending, running, p->nruns - (size_t)(pending + running),
                    tty ? "   " : "\n");
            last_pending = pending;
            last_running = running;
        }
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "%sgcbench: slurm job %s: %zu tasks done%s\n", tty ? "\r" : "", job,
            p->nruns, tty ? "                        " : "");

    for (size_t i = 0; i < p->nruns; i++) {
        plan_run *r = &p->runs[i];
        plan_req *pr = &p->reqs[r->req];
        snprintf(path, sizeof path, "%s/task-%zu.json", dir, i);
        json_t *rec = json_load_file(path, 0, NULL);
        if (rec == NULL || !json_is_object(rec)) {
            json_decref(rec);
            record_req rq = req_of(pr, r->rep);
            clock_gettime(CLOCK_REALTIME, &rq.start);
            rec = record_new(&rq);
            snprintf(cmd, sizeof cmd, "scontrol -o show job %s_%zu 2>/dev/null", job, i);
            capture(cmd, buf, sizeof buf);
            char state[64], node[256], reason[128], code[32];
            field(buf, "JobState=", state, sizeof state);
            field(buf, "NodeList=", node, sizeof node);
            field(buf, "Reason=", reason, sizeof reason);
            field(buf, "ExitCode=", code, sizeof code);
            char msg[512];
            snprintf(msg, sizeof msg, "slurm task %s_%zu ended %s (reason %s, exit code %s) "
                     "without a record", job, i, state[0] ? state : "in an unknown state",
                     reason[0] ? reason : "?", code[0] ? code : "?");
            record_fail(rec, strcmp(state, "TIMEOUT") == 0 ? "timeout" : "crashed", msg);
            json_t *sj = json_object();
            json_object_set_new(sj, "job_id", json_string(job));
            json_object_set_new(sj, "array_task_id", json_integer((json_int_t)i));
            json_object_set_new(sj, "node", json_string(node));
            json_object_set_new(rec, "slurm", sj);
        }
        /* A task's record carries its node's provenance; the script is
         * the submitting gcbench's. */
        json_t *pv = json_object_get(rec, "provenance");
        if (!json_is_object(pv)) {
            provenance_stamp(rec);
        } else {
            json_t *mine = provenance_get();
            json_object_set(pv, "script", json_object_get(mine, "script"));
            json_object_set(pv, "script_hash", json_object_get(mine, "script_hash"));
        }
        const char *st = json_string_value(json_object_get(rec, "status"));
        if (st == NULL || strcmp(st, "ok") != 0)
            p->failed = 1;
        if (!p->werr && pr->s->out_path != NULL &&
            append(pr->s->out_path, rec, p->err, sizeof p->err) != 0)
            p->werr = 1;
        pr->recs[r->rep] = rec;
    }
    if (p->werr) {
        snprintf(err, errlen, "%s", p->err);
        return 2;
    }
    return 0;
}

int runner_slurm_task_main(const char *dir)
{
    const char *id = getenv("SLURM_ARRAY_TASK_ID");
    char path[4200], tmp[4300], err[2048];
    if (id == NULL) {
        fprintf(stderr, "gcbench __slurm-task: not in a Slurm array task\n");
        return 2;
    }
    long i = strtol(id, NULL, 10);
    snprintf(path, sizeof path, "%s/tasks.json", dir);
    json_t *tasks = json_load_file(path, 0, NULL);
    json_t *spec = json_array_get(tasks, (size_t)i);
    runspec_parsed ps;
    if (spec == NULL || runspec_from_json(json_incref(spec), &ps, err, sizeof err) != 0) {
        fprintf(stderr, "gcbench __slurm-task: task %ld of %s: %s\n", i, path,
                spec ? err : "no such task");
        json_decref(tasks);
        return 2;
    }
    json_decref(tasks);
    ps.s.out_path = NULL;
    runner_plan *p = runner_plan_new(NULL);
    int rc = p ? runner_plan_add(p, &ps.s, err, sizeof err) : 2;
    if (rc != 0) {
        fprintf(stderr, "gcbench __slurm-task: %s\n", err);
        runner_plan_free(p);
        runspec_parsed_free(&ps);
        return 2;
    }
    p->runs[0].rep = ps.repetition;    /* this task's one run */
    p->nruns = 1;
    runner_plan_execute(p, err, sizeof err);
    json_t *rec = p->reqs[0].recs[ps.repetition];
    json_t *sj = json_object();
    const char *job = getenv("SLURM_ARRAY_JOB_ID"), *node = getenv("SLURMD_NODENAME");
    json_object_set_new(sj, "job_id", json_string(job ? job : ""));
    json_object_set_new(sj, "array_task_id", json_integer((json_int_t)i));
    json_object_set_new(sj, "node", json_string(node ? node : ""));
    json_object_set_new(rec, "slurm", sj);
    snprintf(path, sizeof path, "%s/task-%ld.json", dir, i);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    rc = json_dump_file(rec, tmp, JSON_COMPACT) == 0 && rename(tmp, path) == 0 ? 0 : 2;
    if (rc != 0)
        fprintf(stderr, "gcbench __slurm-task: cannot write %s: %s\n", path, strerror(errno));
    runner_plan_free(p);
    runspec_parsed_free(&ps);
    return rc;
}

/* oomwatch.c - attribute a SIGKILL to the OOM killer (see oomwatch.h). */
#define _GNU_SOURCE
#include "oomwatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long long oomwatch_oom_kills(const char *text)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, "oom_kill ", 9) == 0)
            return strtoll(p + 9, NULL, 10);
    return -1;
}

/* Whole small file into buf; 0 or -1. */
static int slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    return 0;
}

static long long read_kills(const char *path)
{
    char text[1024];
    if (path[0] == '\0' || slurp(path, text, sizeof text) != 0)
        return -1;
    return oomwatch_oom_kills(text);
}

/* Our memory cgroup's file holding "oom_kill N" (v2 memory.events, v1
 * memory.oom_control) into w->events, and its limit file into limit; ""
 * when none is readable.  The child starts in our cgroup. */
static void find_cgroup(oomwatch *w, char *limit, size_t limitlen)
{
    char text[2048], dir[440];
    w->events[0] = limit[0] = '\0';
    if (slurp("/proc/self/cgroup", text, sizeof text) != 0)
        return;
    char *save = NULL; /* strtok_r: runner threads (--jobs) look at once */
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        const char *v2 = strncmp(line, "0::", 3) == 0 ? line + 3 : NULL;
        const char *v1 = strstr(line, ":memory:");
        const char *rel = v2 ? v2 : v1 ? v1 + 8 : NULL;
        if (rel == NULL)
            continue;
        /* In a cgroup namespace the mount may already be our cgroup. */
        for (int pass = 0; pass < 2; pass++) {
            snprintf(dir, sizeof dir, "/sys/fs/cgroup%s%.390s", v2 ? "" : "/memory",
                     pass == 0 && strcmp(rel, "/") ? rel : "");
            snprintf(w->events, sizeof w->events, "%s/%s", dir,
                     v2 ? "memory.events" : "memory.oom_control");
            if (access(w->events, R_OK) == 0) {
                snprintf(limit, limitlen, "%s/%s", dir, v2 ? "memory.max" : "memory.limit_in_bytes");
                return;
            }
        }
        w->events[0] = '\0';
    }
}

void oomwatch_start(oomwatch *w, pid_t pid)
{
    memset(w, 0, sizeof *w);
    w->pid = pid;
    find_cgroup(w, w->limit, sizeof w->limit);
    w->oom_kills0 = read_kills(w->events);
}

void oomwatch_sample(oomwatch *w)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)w->pid);
    unsigned long long size, resident;
    if (slurp(path, text, sizeof text) != 0 || sscanf(text, "%llu %llu", &size, &resident) != 2)
        return;
    w->rss_bytes = resident * (uint64_t)sysconf(_SC_PAGESIZE);
    if (w->rss_bytes > w->peak_bytes)
        w->peak_bytes = w->rss_bytes;
}

/* The memory the child could have: the smaller of the cgroup's limit and
 * MemTotal.  0 when unknown. */
static uint64_t memory_limit(const oomwatch *w)
{
    char text[4096];
    uint64_t total = 0, cg = 0;
    if (slurp("/proc/meminfo", text, sizeof text) == 0) {
        const char *p = strstr(text, "MemTotal:");
        if (p)
            total = strtoull(p + 9, NULL, 10) * 1024;
    }
    if (w->limit[0] && slurp(w->limit, text, sizeof text) == 0 && text[0] >= '0' && text[0] <= '9')
        cg = strtoull(text, NULL, 10);
    return cg > 0 && (total == 0 || cg < total) ? cg : total;
}

static double mib(uint64_t b)
{
    return (double)b / (1024.0 * 1024.0);
}

void oomwatch_explain(const oomwatch *w, char *buf, size_t len)
{
    size_t n = strlen(buf);
    if (w->peak_bytes)
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
                              "; last sampled RSS %.1f MiB (peak %.1f MiB)", mib(w->rss_bytes),
                              mib(w->peak_bytes));
    else
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "; no RSS sampled");
    long long kills = read_kills(w->events);
    uint64_t limit = memory_limit(w);
    if (w->oom_kills0 >= 0 && kills > w->oom_kills0)
        snprintf(buf + n, n < len ? len - n : 0,
                 "; out of memory: the kernel's OOM killer fired during the run (%s oom_kill "
                 "%lld -> %lld)", w->events, w->oom_kills0, kills);
    else if (limit > 0 && w->peak_bytes >= limit / 10 * 9)
        snprintf(buf + n, n < len ? len - n : 0,
                 "; probably out of memory: its peak RSS came within 10 %% of the %.0f MiB "
                 "available", mib(limit));
}

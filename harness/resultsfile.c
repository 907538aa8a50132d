/* resultsfile.c - check and append to the results file (resultsfile.h). */
#define _GNU_SOURCE
#include "resultsfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p of the directory holding `path`; stops at the first failure
 * (so a bad path creates nothing beyond its first bad component). */
static int make_parents(const char *path, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            snprintf(err, errlen, "results file '%s': cannot create directory '%s': %s", path,
                     dir, strerror(e));
            return e;
        }
        *p = c;
        if (c == '\0')
            return 0;
    }
}

static int open_append(const char *path, char *err, size_t errlen)
{
    /* Read access too, to see the last byte (resultsfile_append). */
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EACCES)
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "results file '%s': %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "results file '%s': not a regular file", path);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

int resultsfile_check(const char *path, int *created, char *err, size_t errlen)
{
    *created = 0;
    if (path == NULL || path[0] == '\0') {
        snprintf(err, errlen, "results file: empty path");
        return EINVAL;
    }
    size_t len = strlen(path);
    if (len >= PATH_MAX) {
        snprintf(err, errlen, "results file '%.60s...': path is %zu bytes, at most %d allowed",
                 path, len, PATH_MAX - 1);
        return ENAMETOOLONG;
    }
    int rc = make_parents(path, err, errlen);
    if (rc != 0)
        return rc;
    *created = access(path, F_OK) != 0;
    int fd = open_append(path, err, errlen);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

int resultsfile_append(const char *path, const char *text, size_t n, char *err, size_t errlen)
{
    int rc = make_parents(path, err, errlen);
    if (rc != 0)
        return rc;
    int fd = open_append(path, err, errlen);
    if (fd < 0)
        return errno;
    /* A partial last line (a writer killed mid-line) gets its '\n' first,
     * in the same write as the record. */
    char last = '\n';
    off_t end = lseek(fd, 0, SEEK_END);
    if (end > 0 && pread(fd, &last, 1, end - 1) != 1)
        last = '\n';
    const char *buf = text;
    char *joined = NULL;
    size_t len = n;
    if (last != '\n') {
        joined = malloc(n + 1);
        if (joined == NULL) {
            snprintf(err, errlen, "results file '%s': out of memory", path);
            close(fd);
            return ENOMEM;
        }
        joined[0] = '\n';
        memcpy(joined + 1, text, n);
        buf = joined;
        len = n + 1;
    }
    ssize_t w = write(fd, buf, len);
    int e = errno;
    free(joined);
    if (w != (ssize_t)len) {
        snprintf(err, errlen, "results file '%s': short write: %s", path,
                 w < 0 ? strerror(e) : "disk full?");
        close(fd);
        return w < 0 ? e : ENOSPC;
    }
    fsync(fd);
    close(fd);
    return 0;
}

/* fuzz_records - libFuzzer target for the record reader that `report` and
 * `compare` use (harness/records.c), and for what they build from it: the
 * group keys, every report metric's values, and the trace of each run.
 * The input is a records file's bytes, read through a memfd so rec_load
 * sees a real file.  A crash, a hang, a leak or a sanitizer report is a
 * bug; a refusal (status 2 with "FILE:LINE: why") is the right answer. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analysis/record_file.h"
#include "analysis/report_metric.h"
#include "analysis/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("records.jsonl", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    rec_set s = {0};
    rec_load(&s, path);  /* 0 or 2: either way s holds what was read */
    for (size_t g = 0; g < s.ngroups; g++)
        for (size_t m = 0; m < rmetric_count; m++) {
            double *v = NULL;
            size_t n = rec_values(&s, &s.groups[g], rmetric_table[m].path, &v);
            for (size_t i = 0; i < n; i++)
                if (v[i] != v[i])
                    abort();  /* rec_values promises no NaN */
            free(v);
        }
    for (size_t i = 0; i < s.n; i++)
        json_decref(trace_build(s.runs[i].j));
    rec_free(&s);
    close(fd);
    return 0;
}

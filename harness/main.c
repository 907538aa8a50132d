/* main.c - the gcbench command line (shared/RESULTS.md).
 *
 * Exit status: 0 all runs ok; 1 at least one run failed; 2 the request
 * itself is wrong (usage, unknown collector or workload, bad option, script
 * error).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "analysis/compare.h"
#include "gcb/version.h"
#include "lgcb.h"
#include "analysis/report.h"
#include "probe.h"
#include "pin.h"
#include "resultsfile.h"
#include "resume.h"
#include "runner.h"

static const char usage[] =
    "usage: gcbench COMMAND [ARGS]\n"
    "\n"
    "  gcbench list [--json]\n"
    "      collectors (name, description, capabilities, options with\n"
    "      type/default/help) and workloads (params with type/default/help)\n"
    "  gcbench run SCRIPT.lua [--out FILE] [--resume] [--jobs N]\n"
    "              [--executor local|slurm [--partition P] [--time T]\n"
    "              [--slurm-opt ARG]...] [-- ARGS...]\n"
    "      run an experiment script; every run record is appended to FILE\n"
    "      (JSON Lines; default results/SCRIPT-YYYYmmdd-HHMMSS.jsonl);\n"
    "      ARGS reach the script as `arg`\n"
    "      --resume   runs whose key already has an ok record in FILE are not\n"
    "                 run again: the script gets the stored record\n"
    "      --jobs N   the runs of a gcb.sweep (and of a repeat) N at once, each\n"
    "                 pinned to its own cores; N may not exceed the core count\n"
    "      --executor local|slurm   local (the default) runs on this machine;\n"
    "                 slurm submits each gcb.sweep (and each repeat) as one\n"
    "                 sbatch --array; FILE's folder and the build must be on\n"
    "                 paths every node shares\n"
    "      --partition P, --time T, --slurm-opt ARG (repeatable)   for sbatch\n"
    "  gcbench report RECORDS.jsonl... [options]   tables and plots (--help)\n"
    "  gcbench compare BASE.jsonl NEW.jsonl [options]   regression verdict (--help)\n"
    "  gcbench --version\n"
    "\n"
    "Environment: GCBENCH_PLUGIN_DIR overrides where collectors are found.\n"
    "Exit status: 0 all runs ok; 1 a run failed; 2 the request is wrong.\n";

/* results/<script basename>-<UTC time>.jsonl */
static void default_out(const char *script, char *buf, size_t len)
{
    const char *base = strrchr(script, '/');
    base = base ? base + 1 : script;
    size_t n = strcspn(base, ".");
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(buf, len, "results/%.*s-%s.jsonl", (int)n, base, stamp);
}

static int cmd_run(int argc, char **argv)
{
    const char *script = NULL, *out = NULL;
    int i, resume = 0, jobs = 0, slurm = 0, nslurm_opts = 0;
    const char *partition = NULL, *time_limit = NULL;
    const char *slurm_opts[64];
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--resume") == 0) {
            resume = 1;
        } else if (strcmp(argv[i], "--jobs") == 0 || strncmp(argv[i], "--jobs=", 7) == 0) {
            const char *v = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[++i] : NULL;
            char *end = NULL;
            long n = v ? strtol(v, &end, 10) : 0;
            if (v == NULL || *v == '\0' || *end != '\0' || n < 1 || n > 4096) {
                fprintf(stderr, "gcbench run: option '--jobs' needs a run count >= 1, not '%s'\n",
                        v ? v : "");
                return 2;
            }
            jobs = (int)n;
        } else if (strcmp(argv[i], "--executor") == 0 || strncmp(argv[i], "--executor=", 11) == 0) {
            const char *v = argv[i][10] == '=' ? argv[i] + 11 : i + 1 < argc ? argv[++i] : NULL;
            if (v == NULL || (strcmp(v, "local") != 0 && strcmp(v, "slurm") != 0)) {
                fprintf(stderr, "gcbench run: --executor '%s': expected 'local' or 'slurm'\n",
                        v ? v : "");
                return 2;
            }
            slurm = strcmp(v, "slurm") == 0;
        } else if (strcmp(argv[i], "--partition") == 0 || strcmp(argv[i], "--time") == 0 ||
                   strcmp(argv[i], "--slurm-opt") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gcbench run: option '%s' needs a value\n", argv[i]);
                return 2;
            }
            if (nslurm_opts == 64) {
                fprintf(stderr, "gcbench run: more than 64 --slurm-opt\n");
                return 2;
            }
            if (argv[i][2] == 'p')
                partition = argv[++i];
            else if (argv[i][2] == 't')
                time_limit = argv[++i];
            else
                slurm_opts[nslurm_opts++] = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gcbench run: option '--out' needs a value (the results file)\n");
                return 2;
            }
            out = argv[++i];
        } else if (strncmp(argv[i], "--out=", 6) == 0) {
            out = argv[i] + 6;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "gcbench run: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        } else if (script == NULL) {
            script = argv[i];
        } else {
            fprintf(stderr, "gcbench run: unexpected argument '%s' (script arguments go after --)\n",
                    argv[i]);
            return 2;
        }
    }
    if (script == NULL) {
        fprintf(stderr, "gcbench run: no SCRIPT.lua given\n%s", usage);
        return 2;
    }
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "gcbench run: cannot read script '%s': %s\n", script, strerror(errno));
        return 2;
    }
    const char *clock = getenv("GCBENCH_OPCLOCK");
    if (clock != NULL && clock[0] != '\0' && strcmp(clock, "monotonic") != 0) {
        fprintf(stderr, "gcbench run: GCBENCH_OPCLOCK='%s': expected 'monotonic' "
                "(or unset: the TSC where usable)\n", clock);
        return 2;
    }
    char outbuf[4096], err[1024];
    if (out == NULL) {
        default_out(script, outbuf, sizeof outbuf);
        out = outbuf;
    }
    /* Before the first run: an unusable results file costs no run. */
    int created;
    if (resultsfile_check(out, &created, err, sizeof err) != 0) {
        fprintf(stderr, "gcbench run: %s\n", err);
        return 2;
    }
    if (!slurm && (partition || time_limit || nslurm_opts)) {
        fprintf(stderr, "gcbench run: --partition, --time and --slurm-opt need --executor slurm\n");
        return 2;
    }
    if (slurm && jobs > 1) {
        fprintf(stderr, "gcbench run: --jobs is for --executor local (Slurm places the tasks)\n");
        return 2;
    }
    runner_exec ex = {.jobs = jobs, .slurm = slurm, .partition = partition,
                      .time_limit = time_limit, .slurm_opts = slurm_opts,
                      .nslurm_opts = nslurm_opts};
    pin_set *slots = NULL;
    if (jobs > 1) {
        slots = calloc((size_t)jobs, sizeof *slots);
        if (slots == NULL || pin_partition_cores(jobs, slots, err, sizeof err) != 0) {
            fprintf(stderr, "gcbench run: %s\n", slots ? err : "out of memory");
            free(slots);
            if (created)
                unlink(out);
            return 2;
        }
        ex.slots = slots;
    }
    if (resume && (ex.resume = resume_load(out, err, sizeof err)) == NULL) {
        fprintf(stderr, "gcbench run: %s\n", err);
        free(slots);
        return 2;
    }
    int rc = lgcb_run_script(script, argv + i, argc - i, out, &ex);
    json_decref(ex.resume);
    free(slots);
    struct stat st;
    if (created && stat(out, &st) == 0 && st.st_size == 0)
        unlink(out);  /* no record written: leave no empty file behind */
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "__child") == 0)
        return runner_child_main();
    if (strcmp(cmd, "__slurm-task") == 0 && argc == 3)
        return runner_slurm_task_main(argv[2]);
    if (strcmp(cmd, "__probe") == 0 && argc == 3)
        return probe_child_main(argv[2]);
    if (strcmp(cmd, "list") == 0) {
        int json = 0;
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--json") == 0) {
                json = 1;
            } else {
                fprintf(stderr, "gcbench list: unknown argument '%s'\n%s", argv[i], usage);
                return 2;
            }
        }
        return catalog_print(json);
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return report_main(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return compare_main(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("gcbench %s (ABI %d, record %s)\n", GCB_VERSION, GCB_ABI_VERSION, GCB_RECORD_SCHEMA);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    fprintf(stderr, "gcbench: unknown command '%s'\n%s", cmd, usage);
    return 2;
}

/* harness.h - the harness's one error policy (parent, child, analysis).
 *
 * Every failure belongs to exactly one of four classes, and each class has
 * one way out:
 *
 * 1. The request is wrong (usage, script, field, option, param, plugin,
 *    results file, record file, environment variable).  Reported, never
 *    fatal where it is found: the function returns 2 (or an errno value)
 *    with a message in the caller's err buffer that names the input at
 *    fault: "FILE:LINE: ..." for scripts and record files, the field /
 *    option / param with its value and the allowed values, the plugin or
 *    results file by path.  Lua turns it into a script error; the command
 *    exits 2.  Nothing has run, or the runs so far are recorded whole.
 *    A refusal inside gcb.run frees what it allocated (Lua-owned scratch),
 *    so even LeakSanitizer sees exit 2.
 * 2. A run fails (crash, timeout, SIGKILL, validation, the collector's
 *    heap_new refuses).  Recorded, not raised: the run's record says
 *    status and `error` in words, the script goes on, the command exits 1.
 *    The child reports what it can on fd 3 as a "gcbench-fault: " line
 *    before it dies (faults it can explain, running out of memory).
 * 3. The machine cannot carry the request out: out of memory in the parent
 *    or in analysis (report, compare).  harness_oom(): a message naming
 *    what was being built, then exit 2.  Records already appended stay
 *    whole (each is one write()); nothing is half-written.
 * 4. An invariant of our own code is broken (a bug, never an input).
 *    assert().  No abort() stands for anything else: out of memory and bad
 *    input are classes 2 and 3, however unlikely.
 */
#ifndef GCB_HARNESS_HARNESS_H
#define GCB_HARNESS_HARNESS_H

/* Class 3, parent and analysis: "gcbench: out of memory while building
 * WHAT" on stderr, exit status 2.  Never returns. */
__attribute__((noreturn)) void harness_oom(const char *what);

/* Class 2, in a run's child: "gcbench-fault: out of memory while building
 * WHAT" on the record channel (fd 3) and stderr, then abort(), so the
 * parent records the run as crashed with that reason.  Async-signal-safe;
 * never returns. */
__attribute__((noreturn)) void harness_child_oom(const char *what);

#endif

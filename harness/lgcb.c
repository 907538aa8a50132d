/* lgcb.c - the `gcb` Lua module and the script runner.
 *
 * Every Lua error (syntax, runtime, or a request gcb.run refuses) ends the
 * script with exit status 2 and a message that starts with file:line, plus
 * a traceback.  Runs that fail do not raise: they come back as records with
 * status ~= "ok", and the script's exit status becomes 1.
 */
#include <errno.h>
#include <limits.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "common/quantile.h"
#include "gcb/version.h"
#include "lgcb.h"
#include "common/provenance.h"
#include "analysis/report.h"
#include "runner.h"
#include "runspec.h"

/* State shared by the module's functions (an upvalue, never a global). */
typedef struct lgcb_state {
    const char *out_path; /* results file */
    int any_failed;       /* a run's status was not "ok" */
    long runs;            /* records written */
    runner_exec *exec;    /* --jobs, --resume */
} lgcb_state;

static int free_plan(lua_State *L)
{
    runner_plan **pp = luaL_checkudata(L, 1, "gcb.plan");
    runner_plan_free(*pp);
    *pp = NULL;
    return 0;
}

/* Scratch memory of one gcb.run call lives in Lua: strings and arrays are
 * anchored in a table (the scratch, at stack index k) that the Lua state
 * owns, so a luaL_error raised anywhere in the call frees them with it and
 * nothing leaks (refusals must exit 2 under LeakSanitizer too).  Lua never
 * moves a string or userdata, so the pointers stay valid while anchored. */
typedef int scratch;

static const char *keep(lua_State *L, scratch k, const char *s)
{
    lua_pushstring(L, s);
    const char *p = lua_tostring(L, -1);
    lua_rawseti(L, k, (lua_Integer)lua_rawlen(L, k) + 1);
    return p;
}

/* A zeroed array of n elements of `size` bytes, anchored in the scratch. */
static void *keep_array(lua_State *L, scratch k, size_t n, size_t size)
{
    size_t bytes = (n ? n : 1) * size;
    void *p = lua_newuserdatauv(L, bytes, 0);
    memset(p, 0, bytes);
    lua_rawseti(L, k, (lua_Integer)lua_rawlen(L, k) + 1);
    return p;
}

static void push_json(lua_State *L, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *v;
        lua_createtable(L, 0, (int)json_object_size(j));
        json_object_foreach(j, key, v) {
            if (json_is_null(v))
                continue;
            push_json(L, v);
            lua_setfield(L, -2, key);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        lua_createtable(L, (int)json_array_size(j), 0);
        json_array_foreach(j, i, v) {
            push_json(L, v);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(j));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(j));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    default:
        lua_pushnil(L);
    }
}

/* Text of an option value as a user would write it: 100, 0.5, true, "off". */
static const char *value_text(lua_State *L, int idx, const char *what, const char *key, scratch k)
{
    char buf[64];
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
        else
            snprintf(buf, sizeof buf, "%.17g", lua_tonumber(L, idx));
        return keep(L, k, buf);
    case LUA_TBOOLEAN:
        return keep(L, k, lua_toboolean(L, idx) ? "true" : "false");
    case LUA_TSTRING:
        return keep(L, k, lua_tostring(L, idx));
    default:
        luaL_error(L, "gcb.run: %s '%s' must be a number, boolean or string, not %s", what, key,
                   luaL_typename(L, idx));
        return NULL;
    }
}

/* Read table field `field` (at table index t) into kv pairs. */
static size_t read_kv(lua_State *L, int t, const char *field, opt_kv **out, scratch k)
{
    size_t n = 0, cap = 0;
    opt_kv *kv = NULL;
    lua_getfield(L, t, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *out = NULL;
        return 0;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "gcb.run: '%s' must be a table of name = value, not %s", field,
                   luaL_typename(L, -1));
    int tab = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, tab)) {
        cap++;
        lua_pop(L, 1);
    }
    kv = keep_array(L, k, cap, sizeof *kv);
    lua_pushnil(L);
    while (lua_next(L, tab)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "gcb.run: '%s' keys must be option names (strings)", field);
        kv[n].key = keep(L, k, lua_tostring(L, -2));
        kv[n].value = value_text(L, -1, strcmp(field, "options") ? "param" : "option", kv[n].key, k);
        n++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *out = kv;
    return n;
}

static const char *const run_keys[] = {
    "collector", "options", "workload", "params", "threads", "pin", "ops", "duration",
    "repeat", "timeout", "sample_hz", "record_latency", NULL,
};

static double num_field(lua_State *L, int t, const char *f, double def, double lo, double hi)
{
    /* Not lua_isnumber: "12" is a string, and strings are refused. */
    lua_getfield(L, t, f);
    double v = def;
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "gcb.run: '%s' must be a number, not %s", f, luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
        if (!(v >= lo && v <= hi)) {
            /* lua_pushfstring knows no %g: format the numbers here. */
            char msg[256];
            snprintf(msg, sizeof msg, "gcb.run: '%s' = %.17g is out of range [%g, %g]", f, v, lo, hi);
            luaL_error(L, "%s", msg);
        }
    }
    lua_pop(L, 1);
    return v;
}

/* An integer field: a number without a fraction (2 or 2.0, never 2.7),
 * in [lo, hi]. */
static double int_field(lua_State *L, int t, const char *f, double def, double lo, double hi)
{
    lua_getfield(L, t, f);
    if (lua_type(L, -1) == LUA_TNUMBER && !lua_isinteger(L, -1)) {
        double v = lua_tonumber(L, -1);
        if (v != floor(v)) {
            char msg[256];
            snprintf(msg, sizeof msg, "gcb.run: '%s' = %.15g must be an integer", f, v);
            luaL_error(L, "%s", msg);
        }
    }
    lua_pop(L, 1);
    return num_field(L, t, f, def, lo, hi);
}

/* Read the request table at index t into *s; its strings and arrays are
 * anchored in scratch k.  Raises on a malformed request. */
static void read_spec(lua_State *L, int t, scratch k, run_spec *s, const char *out_path)
{
    /* Unknown keys are mistakes (a typo would silently use a default). */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int known = 0;
        if (lua_type(L, -2) == LUA_TSTRING)
            for (int i = 0; run_keys[i]; i++)
                known |= strcmp(lua_tostring(L, -2), run_keys[i]) == 0;
        if (!known) {
            const char *name = luaL_tolstring(L, -2, NULL); /* pushed: value at -2 now */
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (int i = 0; run_keys[i]; i++) {
                luaL_addstring(&b, i ? ", " : "");
                luaL_addstring(&b, run_keys[i]);
            }
            luaL_pushresult(&b);
            luaL_error(L, "gcb.run: unknown field '%s' (known: %s)", name, lua_tostring(L, -1));
        }
        lua_pop(L, 1);
    }

    opt_kv *opts = NULL, *params = NULL;
    int *pus = NULL;
    runspec_init(s);
    s->out_path = out_path;

    lua_getfield(L, t, "collector");
    if (!lua_isstring(L, -1))
        luaL_error(L, "gcb.run: 'collector' is required (a name from `gcbench list` or a path to a .so)");
    s->collector = keep(L, k, lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, t, "workload");
    if (!lua_isstring(L, -1))
        luaL_error(L, "gcb.run: 'workload' is required (a name from `gcbench list`)");
    s->workload = keep(L, k, lua_tostring(L, -1));
    lua_pop(L, 1);

    s->noptions = read_kv(L, t, "options", &opts, k);
    s->options = opts;
    s->nparams = read_kv(L, t, "params", &params, k);
    s->params = params;
    s->threads = (int)int_field(L, t, "threads", 1, 1, 1024);
    /* Absent ops and duration mean the workload's default op count; an
     * explicit 0 is refused rather than silently meaning that. */
    s->ops = (uint64_t)int_field(L, t, "ops", 0, 1, 1e15);
    s->duration = num_field(L, t, "duration", 0, 1e-6, 1e6);
    s->repeat = (int)int_field(L, t, "repeat", 1, 1, 100000);
    s->timeout = num_field(L, t, "timeout", s->timeout, 0.001, 1e6);
    s->sample_hz = num_field(L, t, "sample_hz", s->sample_hz, 0.001, 100000);
    lua_getfield(L, t, "record_latency");
    if (lua_isboolean(L, -1))
        s->record_latency = lua_toboolean(L, -1);
    else if (!lua_isnil(L, -1))
        luaL_error(L, "gcb.run: 'record_latency' must be a boolean (true or false), not %s",
                   luaL_typename(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, t, "pin");
    if (lua_type(L, -1) == LUA_TSTRING) {
        s->pin = keep(L, k, lua_tostring(L, -1));
    } else if (lua_istable(L, -1)) {
        size_t n = lua_rawlen(L, -1);
        pus = keep_array(L, k, n, sizeof *pus);
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            if (!lua_isinteger(L, -1))
                luaL_error(L, "gcb.run: 'pin' list entry %d must be a PU number", (int)i + 1);
            lua_Integer pu = lua_tointeger(L, -1);
            if (pu < 0 || pu > INT_MAX)
                luaL_error(L, "gcb.run: 'pin' list entry %d = %I is not a PU number "
                           "(`gcbench list` shows none that large)", (int)i + 1, pu);
            pus[i] = (int)pu;
            lua_pop(L, 1);
        }
        s->pin = "list";
        s->pus = pus;
        s->npus = n;
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "gcb.run: 'pin' must be \"none\", \"core\", \"pu\" or a list of PU numbers");
    }
    lua_pop(L, 1);
}

/* The plan of one gcb.run / gcb.sweep call, as a userdata whose __gc
 * frees it, so a raised error frees it too. */
static runner_plan **new_plan(lua_State *L, lgcb_state *st)
{
    runner_plan **pp = lua_newuserdatauv(L, sizeof *pp, 0);
    *pp = NULL;
    if (luaL_newmetatable(L, "gcb.plan")) {
        lua_pushcfunction(L, free_plan);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    *pp = runner_plan_new(st->exec);
    if (*pp == NULL)
        luaL_error(L, "gcb: out of memory");
    return pp;
}

/* Execute the plan and push request i's records for every i, in order,
 * each as a list (list_of_lists) or the only request's list. */
static void run_plan(lua_State *L, lgcb_state *st, runner_plan *p, size_t n, int list_of_lists,
                     const char *who)
{
    char err[2048];
    int rc = runner_plan_execute(p, err, sizeof err);
    if (rc == 2)
        luaL_error(L, "%s: %s", who, err);
    if (rc != 0)
        st->any_failed = 1;
    long fresh = 0;
    if (list_of_lists)
        lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        json_t *records = runner_plan_records(p, i);
        fresh += (long)json_array_size(records);
        push_json(L, records);
        json_decref(records);
        if (list_of_lists)
            lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    st->runs += fresh - runner_plan_reused(p);
}

/* gcb.run{...} -> array of run records */
static int l_run(lua_State *L)
{
    lgcb_state *st = lua_touserdata(L, lua_upvalueindex(1));
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_newtable(L);
    scratch k = lua_gettop(L);
    run_spec s;
    read_spec(L, 1, k, &s, st->out_path);
    runner_plan **pp = new_plan(L, st);
    char err[2048];
    if (runner_plan_add(*pp, &s, err, sizeof err) != 0)
        return luaL_error(L, "gcb.run: %s", err);
    run_plan(L, st, *pp, 1, 0, "gcb.run");
    runner_plan_free(*pp);   /* now: s lives on this C stack */
    *pp = NULL;
    return 1;
}

/* gcb.sweep{spec, spec, ...} -> { records of spec 1, records of spec 2, ... }
 * Every spec is validated before any run; the runs then execute in any
 * order (in parallel with --jobs), and each list comes back in repetition
 * order, as gcb.run would return it. */
static int l_sweep(lua_State *L)
{
    lgcb_state *st = lua_touserdata(L, lua_upvalueindex(1));
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t n = (size_t)lua_rawlen(L, 1);
    lua_newtable(L);
    scratch k = lua_gettop(L);
    run_spec *specs = keep_array(L, k, n, sizeof *specs);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 1, (lua_Integer)i + 1);
        if (!lua_istable(L, -1))
            return luaL_error(L, "gcb.sweep: entry %d must be a table (what gcb.run takes), not %s",
                              (int)i + 1, luaL_typename(L, -1));
        read_spec(L, lua_gettop(L), k, &specs[i], st->out_path);
        lua_pop(L, 1);
    }
    runner_plan **pp = new_plan(L, st);
    char err[2048];
    for (size_t i = 0; i < n; i++)
        if (runner_plan_add(*pp, &specs[i], err, sizeof err) != 0)
            return luaL_error(L, "gcb.sweep: entry %d: %s", (int)i + 1, err);
    run_plan(L, st, *pp, n, 1, "gcb.sweep");
    runner_plan_free(*pp);
    *pp = NULL;
    return 1;
}

/* gcb.report{ files = {...}, out = DIR, format = FMT, plots = bool, trace = ID }
 * -> true, or raises.  What `gcbench report` does (report_run) on the given
 * records files (default: this script's results file, gcb.out); every option
 * is optional. */
static int l_report(lua_State *L)
{
    lgcb_state *st = lua_touserdata(L, lua_upvalueindex(1));
    report_opts o;
    report_opts_init(&o);
    int t = lua_isnoneornil(L, 1) ? 0 : 1;
    if (t && !lua_istable(L, 1))
        return luaL_error(L, "gcb.report: expects a table { files, out, format, plots, trace }, not %s",
                          luaL_typename(L, 1));
    if (t) {
        lua_pushnil(L);
        while (lua_next(L, t)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
            if (strcmp(k, "files") && strcmp(k, "out") && strcmp(k, "format") &&
                strcmp(k, "plots") && strcmp(k, "trace"))
                return luaL_error(L, "gcb.report: unknown field '%s' (known: files, out, format, plots, trace)",
                                  luaL_tolstring(L, -2, NULL));
            lua_pop(L, 1);
        }
        lua_getfield(L, t, "files");
        int list = lua_gettop(L);
        if (lua_istable(L, list)) {
            size_t n = (size_t)lua_rawlen(L, list);
            /* Userdata, so a raised error frees it; the strings stay in the list. */
            o.files = lua_newuserdatauv(L, (n + 1) * sizeof *o.files, 0);
            for (lua_Integer i = 1; i <= (lua_Integer)n; i++) {
                lua_rawgeti(L, list, i);
                if (lua_type(L, -1) != LUA_TSTRING)
                    return luaL_error(L, "gcb.report: files[%d] must be a file name (string), not %s",
                                      (int)i, luaL_typename(L, -1));
                o.files[o.nfiles++] = lua_tostring(L, -1);
                lua_pop(L, 1);
            }
        } else if (!lua_isnil(L, list)) {
            return luaL_error(L, "gcb.report: 'files' must be a list of records files, not %s",
                              luaL_typename(L, list));
        }
        /* Strings stay valid: the argument table holds them. */
        static const char *const opt[] = {"out", "format", "trace"};
        const char **dst[] = {&o.out, &o.format, &o.trace};
        for (size_t i = 0; i < 3; i++) {
            lua_getfield(L, t, opt[i]);
            if (lua_type(L, -1) == LUA_TSTRING)
                *dst[i] = lua_tostring(L, -1);
            else if (!lua_isnil(L, -1))
                return luaL_error(L, "gcb.report: '%s' must be a string%s, not %s", opt[i],
                                  i == 0 ? " (a directory)" : "", luaL_typename(L, -1));
            lua_pop(L, 1);
        }
        lua_getfield(L, t, "plots");
        if (lua_isboolean(L, -1) && !lua_toboolean(L, -1))
            o.noplots = 1;
        else if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
            return luaL_error(L, "gcb.report: 'plots' must be a boolean, not %s", luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    const char *deflt[1] = { st->out_path };
    if (o.nfiles == 0) {
        o.files = deflt;
        o.nfiles = 1;
    }
    fflush(stdout);
    int rc = report_run(&o);
    fflush(stdout);
    if (rc != 0)
        return luaL_error(L, "gcb.report: gcbench report exited with status %d", rc);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_collectors(lua_State *L)
{
    json_t *c = catalog_collectors();
    push_json(L, c);
    json_decref(c);
    return 1;
}

static int l_workloads(lua_State *L)
{
    json_t *w = catalog_workloads();
    push_json(L, w);
    json_decref(w);
    return 1;
}

/* The value at dotted `path` ("pauses.p99_s") of the table at index t,
 * pushed; nil when a step is missing. */
static void push_path(lua_State *L, int t, const char *path)
{
    lua_pushvalue(L, t);
    while (*path && lua_istable(L, -1)) {
        size_t n = strcspn(path, ".");
        lua_pushlstring(L, path, n);
        lua_gettable(L, -2);
        lua_remove(L, -2);
        path += n + (path[n] == '.');
    }
}

/* gcb.median(runs, field): the median of a numeric field over the runs
 * whose status is "ok"; field is a dotted path ("pauses.p99_s") or a
 * function(run) returning a number.  NaN when no run is ok.  The report's
 * median (common/quantile.h): even counts take the mean of the two middle
 * values. */
static int l_median(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int fn = lua_isfunction(L, 2);
    const char *path = fn ? NULL : luaL_checkstring(L, 2);
    lua_Integer n = luaL_len(L, 1);
    double *v = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *v, 0);
    size_t k = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        int run = lua_gettop(L);
        lua_getfield(L, run, "status");
        int ok = lua_isstring(L, -1) && strcmp(lua_tostring(L, -1), "ok") == 0;
        lua_pop(L, 1);
        if (ok) {
            if (fn) {
                lua_pushvalue(L, 2);
                lua_pushvalue(L, run);
                lua_call(L, 1, 1);
            } else {
                push_path(L, run, path);
            }
            int isnum = 0;
            double x = lua_tonumberx(L, -1, &isnum);
            if (!isnum)
                return luaL_error(L, "gcb.median: field '%s' of run %d is %s, not a number",
                                  fn ? "(function result)" : path, (int)i, luaL_typename(L, -1));
            v[k++] = x;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if (k == 0) {
        lua_pushnumber(L, NAN);
        return 1;
    }
    lua_pushnumber(L, quantile_median(v, k));
    return 1;
}

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL)
        msg = luaL_tolstring(L, 1, NULL);
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* The module table; also what `require "gcb"` returns. */
static int open_gcb(lua_State *L, lgcb_state *st)
{
    lua_newtable(L);
    lua_pushlightuserdata(L, st);
    lua_pushcclosure(L, l_run, 1);
    lua_setfield(L, -2, "run");
    lua_pushlightuserdata(L, st);
    lua_pushcclosure(L, l_sweep, 1);
    lua_setfield(L, -2, "sweep");
    lua_pushlightuserdata(L, st);
    lua_pushcclosure(L, l_report, 1);
    lua_setfield(L, -2, "report");
    lua_pushcfunction(L, l_collectors);
    lua_setfield(L, -2, "collectors");
    lua_pushcfunction(L, l_workloads);
    lua_setfield(L, -2, "workloads");
    lua_pushcfunction(L, l_median);
    lua_setfield(L, -2, "median");
    lua_pushstring(L, st->out_path);
    lua_setfield(L, -2, "out");
    lua_pushstring(L, GCB_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}

int lgcb_run_script(const char *script, char **args, int nargs, const char *out_path,
                    runner_exec *exec)
{
    lgcb_state st = {.out_path = out_path, .exec = exec};
    provenance_set_script(script);
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "gcbench: cannot create a Lua state\n");
        return 2;
    }
    luaL_openlibs(L);
    open_gcb(L, &st);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "gcb");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "gcb");
    lua_pop(L, 2);

    lua_createtable(L, nargs, 1);
    lua_pushstring(L, script);
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < nargs; i++) {
        lua_pushstring(L, args[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setglobal(L, "arg");

    int status = 0;
    lua_pushcfunction(L, traceback);
    /* Text only: Lua's binary chunks are unchecked bytecode. */
    if (luaL_loadfilex(L, script, "t") != LUA_OK) {
        /* The message reads "file:line: ..." or names the file, except
         * for a binary chunk refused by mode "t". */
        const char *msg = lua_tostring(L, -1);
        if (strstr(msg, script) != NULL)
            fprintf(stderr, "gcbench: %s\n", msg);
        else
            fprintf(stderr, "gcbench: %s: %s\n", script, msg);
        status = 2;
    } else {
        /* Each argument takes a stack slot (Lua guarantees only 20). */
        if (!lua_checkstack(L, nargs + LUA_MINSTACK)) {
            fprintf(stderr, "gcbench: %s: too many script arguments (%d)\n", script, nargs);
            lua_close(L);
            return 2;
        }
        for (int i = 0; i < nargs; i++)
            lua_pushstring(L, args[i]);
        if (lua_pcall(L, nargs, 0, 1) != LUA_OK) {
            fprintf(stderr, "gcbench: %s\n", lua_tostring(L, -1));
            status = 2;
        } else if (st.any_failed) {
            status = 1;
        }
    }
    if (st.runs > 0)
        fprintf(stderr, "gcbench: %ld run record%s appended to %s%s\n", st.runs,
                st.runs == 1 ? "" : "s", out_path, st.any_failed ? " (some runs failed)" : "");
    if (exec != NULL && exec->resume != NULL)
        fprintf(stderr, "gcbench: %ld run%s reused from %s (--resume)\n", exec->reused,
                exec->reused == 1 ? "" : "s", out_path);
    lua_close(L);
    return status;
}

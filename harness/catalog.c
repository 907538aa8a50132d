/* catalog.c - collectors and workloads with their options, as JSON. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "gopeer.h"
#include "loader.h"
#include "options.h"
#include "probe.h"
#include "registry.h"

static const struct {
    unsigned bit;
    const char *name;
} capnames[] = {
    {GCB_CAP_COLLECTS, "collects"}, {GCB_CAP_CONCURRENT, "concurrent"},
    {GCB_CAP_PRECISE, "precise"},   {GCB_CAP_FREE, "free"},
    {GCB_CAP_TRACKED, "tracked"},   {GCB_CAP_ARENAS, "arenas"},
    {GCB_CAP_REGIONS, "regions"},   {GCB_CAP_DEAD, "dead"},
    {GCB_CAP_MANUAL, "manual"},
};

json_t *catalog_caps(uint32_t caps)
{
    json_t *a = json_array();
    for (size_t k = 0; k < sizeof capnames / sizeof capnames[0]; k++)
        if (caps & capnames[k].bit)
            json_array_append_new(a, json_string(capnames[k].name));
    return a;
}

json_t *catalog_option(const gcb_option_desc *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "type", json_string(opt_type_name(d->type)));
    json_object_set_new(o, "default", json_string(d->def ? d->def : ""));
    json_object_set_new(o, "help", json_string(d->help ? d->help : ""));
    if (d->type == GCB_OPT_INT || d->type == GCB_OPT_BYTES || d->type == GCB_OPT_DOUBLE) {
        json_object_set_new(o, "min", json_real(d->min));
        json_object_set_new(o, "max", json_real(d->max));
    }
    if (d->choices)
        json_object_set_new(o, "choices", json_string(d->choices));
    if (d->special)
        json_object_set_new(o, "special", json_string(d->special));
    return o;
}

static json_t *options_json(const gcb_option_desc *d, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, catalog_option(&d[i]));
    return a;
}

json_t *catalog_collectors(void)
{
    json_t *a = json_array();
    char **names = NULL;
    size_t n = loader_list(&names);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object();
        char err[1024];
        probe_collector p;  /* never loaded here: a bad plugin costs its entry only */
        json_object_set_new(c, "name", json_string(names[i]));
        if (probe_open(names[i], &p, err, sizeof err) != 0) {
            json_object_set_new(c, "error", json_string(err));
        } else {
            const gcb_collector *gc = &p.gc;
            json_t *caps = catalog_caps(gc->caps);
            json_object_set_new(c, "description", json_string(gc->description));
            json_object_set_new(c, "path", json_string(p.path));
            json_object_set_new(c, "capabilities", caps);
            json_object_set_new(c, "options", options_json(gc->options, gc->noptions));
            probe_close(&p);
        }
        json_array_append_new(a, c);
        free(names[i]);
    }
    free(names);
    json_array_append_new(a, gopeer_catalog_entry());  /* the real Go runtime, always listed */
    return a;
}

json_t *catalog_workloads(void)
{
    json_t *a = json_array();
    size_t n;
    const gcb_workload *const *w = workload_all(&n);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(w[i]->name));
        json_object_set_new(o, "description", json_string(w[i]->description));
        json_object_set_new(o, "default_ops", json_integer((json_int_t)w[i]->default_ops));
        json_object_set_new(o, "params", options_json(w[i]->params, w[i]->nparams));
        json_array_append_new(a, o);
    }
    return a;
}

static void print_options(json_t *opts)
{
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        const char *choices = json_string_value(json_object_get(o, "choices"));
        const char *special = json_string_value(json_object_get(o, "special"));
        json_t *min = json_object_get(o, "min"), *max = json_object_get(o, "max");
        printf("    %-18s %-6s default %-8s %s", json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "type")),
               json_string_value(json_object_get(o, "default")),
               json_string_value(json_object_get(o, "help")));
        if (choices)
            printf(" (%s)", choices);
        else if (min && max)
            printf(" [%.15g, %.15g]", json_number_value(min), json_number_value(max));
        if (special)
            printf(" or %s", special);
        printf("\n");
    }
}

int catalog_print(int as_json)
{
    DIR *dir = opendir(loader_plugin_dir());
    if (dir == NULL) {
        fprintf(stderr, "gcbench list: plugin dir '%s'%s: %s\n", loader_plugin_dir(),
                getenv("GCBENCH_PLUGIN_DIR") ? " (GCBENCH_PLUGIN_DIR)" : "", strerror(errno));
        return 2;
    }
    closedir(dir);
    json_t *c = catalog_collectors(), *w = catalog_workloads();
    if (as_json) {
        json_t *all = json_pack("{s:o, s:o}", "collectors", c, "workloads", w);
        json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(all);
        return 0;
    }
    size_t i;
    json_t *o;
    printf("Collectors (plugin dir %s):\n", loader_plugin_dir());
    json_array_foreach(c, i, o) {
        const char *err = json_string_value(json_object_get(o, "error"));
        if (err) {
            printf("  %-12s REFUSED: %s\n", json_string_value(json_object_get(o, "name")), err);
            continue;
        }
        printf("  %-12s %s\n", json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "description")));
        const char *unavailable = json_string_value(json_object_get(o, "unavailable"));
        if (unavailable)
            printf("    UNAVAILABLE: %s\n", unavailable);
        else if (json_object_get(o, "version"))
            printf("    version: %s\n", json_string_value(json_object_get(o, "version")));
        printf("    capabilities:");
        size_t k;
        json_t *cap;
        json_array_foreach(json_object_get(o, "capabilities"), k, cap)
            printf(" %s", json_string_value(cap));
        printf("\n");
        print_options(json_object_get(o, "options"));
    }
    printf("\nWorkloads:\n");
    json_array_foreach(w, i, o) {
        printf("  %-12s %s\n", json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "description")));
        print_options(json_object_get(o, "params"));
    }
    json_decref(c);
    json_decref(w);
    return 0;
}

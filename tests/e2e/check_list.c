/* check_list.c: read `gcbench list --json` on stdin and check that the
 * foundation's collectors and workloads are there with their options. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static json_t *find(json_t *arr, const char *name)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
        if (strcmp(json_string_value(json_object_get(o, "name")), name) == 0)
            return o;
    return NULL;
}

static int expect(json_t *arr, const char *kind, const char *name, const char *optfield,
                  const char *opt)
{
    json_t *o = find(arr, name);
    if (o == NULL) {
        fprintf(stderr, "check_list: %s '%s' missing\n", kind, name);
        return 1;
    }
    if (json_object_get(o, "error")) {
        fprintf(stderr, "check_list: %s '%s' refused: %s\n", kind, name,
                json_string_value(json_object_get(o, "error")));
        return 1;
    }
    if (opt && find(json_object_get(o, optfield), opt) == NULL) {
        fprintf(stderr, "check_list: %s '%s' lacks %s '%s'\n", kind, name, optfield, opt);
        return 1;
    }
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(o, optfield), i, d) {
        static const char *const keys[] = {"name", "type", "default", "help"};
        for (size_t k = 0; k < 4; k++)
            if (!json_is_string(json_object_get(d, keys[k]))) {
                fprintf(stderr, "check_list: %s '%s': an entry of %s lacks '%s'\n", kind, name,
                        optfield, keys[k]);
                return 1;
            }
    }
    return 0;
}

int main(void)
{
    json_error_t e;
    json_t *all = json_loadf(stdin, 0, &e);
    if (all == NULL) {
        fprintf(stderr, "check_list: not JSON: line %d: %s\n", e.line, e.text);
        return 1;
    }
    json_t *c = json_object_get(all, "collectors"), *w = json_object_get(all, "workloads");
    int bad = !json_is_array(c) || !json_is_array(w);
    if (bad) {
        fprintf(stderr, "check_list: no collectors/workloads arrays\n");
        return 1;
    }
    bad |= expect(c, "collector", "nogc", "options", "chunk");
    bad |= expect(c, "collector", "malloc", "options", NULL);
    bad |= expect(w, "workload", "builder", "params", "writes");
    bad |= expect(w, "workload", "builder", "params", "piece");
    bad |= expect(w, "workload", "binarytrees", "params", "depth");
    bad |= expect(w, "workload", "binarytrees", "params", "long_lived_depth");
    if (!bad)
        printf("check_list: ok (%zu collectors, %zu workloads)\n", json_array_size(c),
               json_array_size(w));
    json_decref(all);
    return bad;
}

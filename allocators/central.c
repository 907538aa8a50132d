/* central.c - per-class span lists indexed by sweep generation. */
#include "central.h"

#include <stdio.h>
#include <string.h>

void central_init(span_central *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
}

void central_destroy(span_central *c) { pthread_mutex_destroy(&c->lock); }

void central_push(span_central *c, span *s, uint32_t sg)
{
    unsigned i = central_swept(sg);
    pthread_mutex_lock(&c->lock);
    span **l = s->nalloc < s->nelems ? &c->partial[i] : &c->full[i];
    s->next = *l;
    *l = s;
    c->nspans++;
    pthread_mutex_unlock(&c->lock);
}

static span *pop(span_central *c, span **l)
{
    span *s = *l;
    if (s != NULL) {
        *l = s->next;
        s->next = NULL;
        c->nspans--;
    }
    return s;
}

span *central_pop_swept(span_central *c, uint32_t sg)
{
    pthread_mutex_lock(&c->lock);
    span *s = pop(c, &c->partial[central_swept(sg)]);
    pthread_mutex_unlock(&c->lock);
    return s;
}

span *central_pop_unswept(span_central *c, uint32_t sg)
{
    unsigned i = central_swept(sg) ^ 1;
    pthread_mutex_lock(&c->lock);
    span *s = pop(c, &c->partial[i]);
    if (s == NULL)
        s = pop(c, &c->full[i]);
    pthread_mutex_unlock(&c->lock);
    return s;
}

void central_each(span_central *c, void (*fn)(span *s, void *arg), void *arg)
{
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < 2; i++) {
        for (span *s = c->partial[i]; s; s = s->next)
            fn(s, arg);
        for (span *s = c->full[i]; s; s = s->next)
            fn(s, arg);
    }
    pthread_mutex_unlock(&c->lock);
}

int central_is_valid(span_central *c, unsigned sizeclass, int noscan, uint32_t sg,
                     char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&c->lock);
    size_t n = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        uint32_t want = i == (int)central_swept(sg) ? sg : sg - 2;
        for (int full = 0; full < 2 && rc == 0; full++) {
            for (span *s = full ? c->full[i] : c->partial[i]; s; s = s->next) {
                n++;
                if (span_is_valid(s, err, errlen) != 0) {
                    rc = -1;
                    break;
                }
                if (s->sizeclass != sizeclass || s->noscan != (noscan != 0) || s->incache) {
                    snprintf(err, errlen, "central %u/%d: span %p of class %u/%u (cached %u)",
                             sizeclass, noscan, (void *)s, s->sizeclass, s->noscan, s->incache);
                    rc = -1;
                    break;
                }
                if (atomic_load(&s->sweepgen) != want) {
                    snprintf(err, errlen, "central %u/%d: span %p sweepgen %u on a list of %u",
                             sizeclass, noscan, (void *)s, atomic_load(&s->sweepgen), want);
                    rc = -1;
                    break;
                }
                if (want == sg && !full != (s->nalloc < s->nelems)) {
                    snprintf(err, errlen, "central %u/%d: span %p with %u/%u slots on the %s list",
                             sizeclass, noscan, (void *)s, s->nalloc, s->nelems,
                             full ? "full" : "partial");
                    rc = -1;
                    break;
                }
            }
        }
    }
    if (rc == 0 && n != c->nspans) {
        snprintf(err, errlen, "central %u/%d: %zu spans listed, count says %zu", sizeclass, noscan,
                 n, c->nspans);
        rc = -1;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

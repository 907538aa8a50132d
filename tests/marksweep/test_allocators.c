/* test_allocators.c - size classes, span bitmaps and sweeping, page heap
 * coalescing, scavenger returning pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "central.h"
#include "pageheap.h"
#include "sizeclass.h"
#include "span.h"

static void test_sizeclasses(void **state)
{
    assert_int_equal(sc_is_valid(), 0);
    /* spot checks against Go's runtime/sizeclasses.go */
    assert_int_equal(sc_class_size[1], 8);
    assert_int_equal(sc_class_pages[1], 1);
    assert_int_equal(sc_class_size[5], 48);
    assert_int_equal(sc_class_size[35], 1408);
    assert_int_equal(sc_class_pages[35], 2);
    assert_int_equal(sc_class_size[48], 6528);
    assert_int_equal(sc_class_pages[48], 4);
    assert_int_equal(sc_class_size[52], 9472);
    assert_int_equal(sc_class_pages[52], 7);
    assert_int_equal(sc_class_size[67], 32768);
    assert_int_equal(sc_class_pages[67], 4);
    assert_int_equal(sc_class_of(33), 5);
    assert_int_equal(sc_class_of(1025), 33);
    assert_int_equal(sc_class_of(32769), 0);
}

static void test_span_bitmaps(void **state)
{
    page_heap ph;
    assert_int_equal(ph_init(&ph, (size_t)64 << 20, (size_t)8 << 20), 0);
    span *s = ph_alloc(&ph, sc_class_pages[3]);
    assert_non_null(s);
    span_init(s, 3, 0); /* 24 B slots */
    span_clear_slots(s, 1);
    /* scan span of 24 B slots: 128 B of heap bits reserved at its tail */
    assert_int_equal(s->nelems, (8192 - 128) / 24);
    assert_ptr_equal(s->heapbits, (uint64_t *)(s->base + 8192 - 128));
    char err[256];
    assert_int_equal(span_is_valid(s, err, sizeof err), 0);
    /* allocate slots 0..9, mark 2, 5 and 9 */
    for (size_t i = 0; i < 10; i++) {
        span_set_bit(s->allocbits, i);
        memset(span_slot(s, i), 0x11, 24);
    }
    s->nalloc = 10;
    assert_int_equal(span_set_bit(s->markbits, 2), 1);
    assert_int_equal(span_set_bit(s->markbits, 2), 0);
    span_set_bit(s->markbits, 5);
    span_set_bit(s->markbits, 9);
    assert_int_equal(span_index(s, span_slot(s, 9) + 23), 9);
    uint64_t *oldmark = s->markbits;
    assert_int_equal(span_sweep(s, 1), 7);
    assert_ptr_equal(s->allocbits, oldmark); /* mark bits became alloc bits */
    assert_int_equal(s->nalloc, 3);
    assert_true(span_bit(s->allocbits, 5));
    assert_false(span_bit(s->allocbits, 4));
    assert_int_equal(span_count(s, s->markbits), 0);
    assert_int_equal(span_check_poison(s, span_slot(s, 4)), 0); /* freed: poisoned */
    assert_int_not_equal(span_check_poison(s, span_slot(s, 5)), 0); /* live: untouched */
    assert_int_equal(span_is_valid(s, err, sizeof err), 0);
    ph_free(&ph, s);
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    ph_destroy(&ph);
}

/* Go's divMul replaces the division in span_index for every class. */
static void test_span_index_all_classes(void **state)
{
    span s;
    memset(&s, 0, sizeof s);
    s.base = (char *)(uintptr_t)0x100000000ull;
    for (unsigned c = 1; c < SC_NCLASSES; c++) {
        s.npages = sc_class_pages[c];
        span_init(&s, c, 0);
        for (size_t i = 0; i < s.nelems; i++) {
            assert_int_equal(span_index(&s, span_slot(&s, i)), i);
            assert_int_equal(span_index(&s, span_slot(&s, i) + s.elemsize - 1), i);
        }
    }
}

static void test_pageheap_coalescing(void **state)
{
    page_heap ph;
    char err[256];
    assert_int_equal(ph_init(&ph, (size_t)64 << 20, (size_t)4 << 20), 0);
    span *a = ph_alloc(&ph, 3), *b = ph_alloc(&ph, 5), *c = ph_alloc(&ph, 7);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_ptr_equal(b->base, a->base + 3 * SC_PAGE_SIZE);
    assert_ptr_equal(ph_lookup(&ph, b->base + 4 * SC_PAGE_SIZE + 5), b);
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    char *base = a->base;
    ph_free(&ph, a);
    ph_free(&ph, c); /* merges with the arena's free tail */
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    assert_null(ph_lookup(&ph, base));
    ph_free(&ph, b); /* merges left and right: one free run for the arena */
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    span *run = ph.page_map[0];
    assert_int_equal(run->state, SPAN_FREE);
    assert_int_equal(run->npages, ((size_t)4 << 20) / SC_PAGE_SIZE);
    /* a 15-page request now reuses the start of the coalesced run */
    span *d = ph_alloc(&ph, 15);
    assert_ptr_equal(d->base, base);
    assert_int_equal(atomic_load(&ph.inuse_bytes), 15 * SC_PAGE_SIZE);
    ph_free(&ph, d);
    ph_destroy(&ph);
}

static size_t rss(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%ld %ld", &pages, &res), 2);
    fclose(f);
    return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

static void test_scavenger(void **state)
{
    page_heap ph;
    char err[256];
    const size_t big = (size_t)32 << 20;
    assert_int_equal(ph_init(&ph, (size_t)256 << 20, (size_t)64 << 20), 0);
    span *s = ph_alloc(&ph, big / SC_PAGE_SIZE);
    assert_non_null(s);
    memset(s->base, 0xab, big);
    size_t before = rss();
    ph_free(&ph, s);
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    /* retaining everything releases nothing */
    assert_int_equal(ph_scavenge(&ph, SIZE_MAX), 0);
    size_t released = ph_scavenge(&ph, 0);
    assert_true(released >= big);
    size_t after = rss();
    assert_true(after + big / 2 < before);
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    /* scavenged pages come back zeroed and need no clearing */
    span *t = ph_alloc(&ph, 4);
    assert_int_equal(t->needzero, 0);
    assert_int_equal(((unsigned char *)t->base)[100], 0);
    ph_destroy(&ph);
}

/* Released pages stay released when a freed span merges with them (Go's
 * scavenged bitmap; heapFree counts the unreleased free pages only): a
 * 4-page span freed next to the arena's released tail adds 4 resident
 * free pages, not the whole run; the scavenger then releases just those. */
static void test_scavenged_merge(void **state)
{
    page_heap ph;
    char err[256];
    const size_t arena = (size_t)8 << 20, pg = SC_PAGE_SIZE;
    assert_int_equal(ph_init(&ph, (size_t)64 << 20, arena), 0);
    span *a = ph_alloc(&ph, 4);
    assert_non_null(a);
    assert_int_equal(a->needzero, 0); /* fresh pages read as zero */
    memset(a->base, 0xcd, 4 * pg);
    assert_int_equal(atomic_load(&ph.scavenged_bytes), arena - 4 * pg);
    ph_free(&ph, a); /* merges with the released rest of the arena */
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(atomic_load(&ph.free_bytes), arena);
    assert_int_equal(atomic_load(&ph.scavenged_bytes), arena - 4 * pg);
    span *b = ph_alloc(&ph, 2); /* first fit: the dirty front of the run */
    assert_non_null(b);
    assert_int_equal(b->needzero, 1);
    assert_int_equal(atomic_load(&ph.scavenged_bytes), arena - 4 * pg);
    assert_int_equal(ph_scavenge(&ph, 0), 2 * pg); /* the two dirty pages left */
    assert_int_equal(atomic_load(&ph.scavenged_bytes), arena - 2 * pg);
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    span *c = ph_alloc(&ph, 2); /* released pages: no clearing needed */
    assert_int_equal(c->needzero, 0);
    ph_free(&ph, b);
    ph_free(&ph, c);
    if (ph_is_valid(&ph, err, sizeof err) != 0) fail_msg("%s", err);
    ph_destroy(&ph);
}

static void test_central(void **state)
{
    page_heap ph;
    span_central c;
    char err[256];
    assert_int_equal(ph_init(&ph, (size_t)64 << 20, (size_t)4 << 20), 0);
    central_init(&c);
    span *s = ph_alloc(&ph, 1);
    span_init(s, 2, 1);
    atomic_store(&s->sweepgen, 4);
    central_push(&c, s, 4);
    assert_int_equal(central_is_valid(&c, 2, 1, 4, err, sizeof err), 0);
    /* after the flip the span is unswept */
    assert_null(central_pop_swept(&c, 6));
    assert_int_equal(central_is_valid(&c, 2, 1, 6, err, sizeof err), 0);
    assert_ptr_equal(central_pop_unswept(&c, 6), s);
    assert_int_equal(c.nspans, 0);
    central_destroy(&c);
    ph_destroy(&ph);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizeclasses),
        cmocka_unit_test(test_span_bitmaps),
        cmocka_unit_test(test_span_index_all_classes),
        cmocka_unit_test(test_pageheap_coalescing),
        cmocka_unit_test(test_scavenger),
        cmocka_unit_test(test_scavenged_merge),
        cmocka_unit_test(test_central),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

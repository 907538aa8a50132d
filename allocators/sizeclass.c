/* sizeclass.c - Go's size class table and its lookup tables.
 *
 * The lookup tables are constant data derived from sc_class_size (each
 * entry is the smallest class whose size fits); sc_is_valid() re-derives
 * them and the unit test checks that they agree.
 */
#include "sizeclass.h"

/* bytes/obj, from Go's runtime/sizeclasses.go. */
const uint32_t sc_class_size[SC_NCLASSES] = {
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
    240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896,
    1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456,
    4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
    12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
    28672, 32768,
};

/* bytes/span / 8 KiB, from the same table. */
const uint8_t sc_class_pages[SC_NCLASSES] = {
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5,
    6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4,
};

/* class of n <= 1024 bytes, by (n + 7) / 8. */
const uint8_t sc_size_to_class8[SC_SMALL_SIZE_MAX / SC_SMALL_SIZE_DIV + 1] = {
    0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 19, 19, 19, 19, 20, 20, 20,
    20, 21, 21, 21, 21, 22, 22, 22, 22, 23, 23, 23, 23, 24, 24, 24, 24, 25,
    25, 25, 25, 26, 26, 26, 26, 27, 27, 27, 27, 27, 27, 27, 27, 28, 28, 28,
    28, 28, 28, 28, 28, 29, 29, 29, 29, 29, 29, 29, 29, 30, 30, 30, 30, 30,
    30, 30, 30, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31,
    31, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
};

/* class of 1024 < n <= 32768 bytes, by (n - 1024 + 127) / 128. */
const uint8_t sc_size_to_class128[(SC_MAX_SMALL - SC_SMALL_SIZE_MAX) / SC_LARGE_SIZE_DIV + 1] = {
    32, 33, 34, 35, 36, 37, 37, 38, 38, 39, 39, 40, 40, 40, 41, 41, 41, 42,
    43, 43, 44, 44, 44, 44, 44, 45, 45, 45, 45, 45, 45, 46, 46, 46, 46, 47,
    47, 47, 47, 47, 47, 48, 48, 48, 49, 49, 50, 51, 51, 51, 51, 51, 51, 51,
    51, 51, 51, 52, 52, 52, 52, 52, 52, 52, 52, 52, 52, 53, 53, 54, 54, 54,
    54, 55, 55, 55, 55, 55, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 57,
    57, 57, 57, 57, 57, 57, 57, 57, 57, 58, 58, 58, 58, 58, 58, 59, 59, 59,
    59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 60, 60, 60, 60, 60,
    60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 61, 61, 61, 61, 61, 62, 62,
    62, 62, 62, 62, 62, 62, 62, 62, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    63, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 64, 64, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65, 65,
    65, 65, 65, 65, 65, 65, 65, 65, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
    66, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
    67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67, 67,
};

/* The smallest class that holds n bytes, by linear search. */
static unsigned slow_class_of(size_t n)
{
    for (unsigned c = 1; c < SC_NCLASSES; c++)
        if (sc_class_size[c] >= n)
            return c;
    return 0;
}

int sc_is_valid(void)
{
    for (unsigned c = 2; c < SC_NCLASSES; c++) {
        if (sc_class_size[c] <= sc_class_size[c - 1] || sc_class_size[c] % 8 != 0)
            return -1;
        /* A span holds at least one object of its class. */
        if ((size_t)sc_class_pages[c] * SC_PAGE_SIZE < sc_class_size[c])
            return -1;
    }
    for (size_t n = 1; n <= SC_MAX_SMALL; n++)
        if (sc_class_of(n) != slow_class_of(n))
            return -1;
    return 0;
}

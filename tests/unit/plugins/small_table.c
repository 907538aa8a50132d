/* a 16-byte table: refused with both sizes. */
#define STUB_SIZE 16
#include "stub.h"

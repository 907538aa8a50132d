/* collect is NULL: refused naming the method. */
#define STUB_COLLECT NULL
#include "stub.h"

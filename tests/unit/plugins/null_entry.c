/* the entry returns NULL. */
#define STUB_TABLE NULL
#include "stub.h"

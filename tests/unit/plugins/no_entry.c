/* no gcb_collector_entry symbol. */
#define STUB_NO_ENTRY 1
#include "stub.h"

#define STUB_NAME "good"
#include "stub.h"

/* abi 999: refused with both ABI numbers. */
#define STUB_ABI 999
#include "stub.h"

// The driver is libFuzzer's (linked by -sanitize=fuzzer); this target only carries its declaration.
#include "fuzz_driver.h"

#ifndef CLADE_PAINT_FUZZ_DRIVER_H
#define CLADE_PAINT_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, FuzzerInterface.h): parses libFuzzer's command line and calls `callback` with
/// each input. Called from the fuzz targets' own `main`, since SwiftPM gives every executable one.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif

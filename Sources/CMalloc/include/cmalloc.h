#ifndef CMALLOC_H
#define CMALLOC_H
// glibc's malloc tuning (mallopt, mallinfo2), which the Glibc module does not export.
#include <malloc.h>
#endif

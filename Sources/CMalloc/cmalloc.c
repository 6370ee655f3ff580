// A C target needs a source file; the module is the header alone.
#include "cmalloc.h"

// glibc's allocator tuning (mallopt, malloc_trim), which Swift's Glibc module leaves out.
#include <malloc.h>

#include <zlib.h>

/* inflateInit2 is a macro over inflateInit2_ (it passes the library's version and stream size),
   which Swift cannot call: one wrapper. */
static inline int swiftrack_inflate_init2(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}
static inline int swiftrack_deflate_init2(z_streamp stream, int level, int window_bits) {
    return deflateInit2(stream, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}

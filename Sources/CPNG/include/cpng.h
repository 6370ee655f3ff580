#ifndef CLADE_PAINT_CPNG_H
#define CLADE_PAINT_CPNG_H
// libpng behind functions that own the setjmp: every libpng error longjmps back into C and comes out
// as a 0 return plus a message, so no longjmp ever crosses a Swift frame.
#include <stddef.h>
#include <stdint.h>

/// Larger images are refused before any allocation: a corrupt header must not ask for gigabytes.
/// The most pixels a side, and the most bytes of decoded pixels (1 GiB).
#define CPNG_MAX_SIDE 65535u
#define CPNG_MAX_BYTES 1073741824u

/// How the pixels of a `cpng_image` are stored.
typedef enum {
    /// Colour type 3: one raw palette index per byte; colours in `palette`.
    CPNG_INDEXED = 1,
    /// Grey without alpha: one raw sample per pixel (values are not rescaled: a 1-bit file holds 0 or 1).
    /// One byte per sample for bit depths up to 8, two (host byte order) for 16.
    CPNG_GREY = 2,
    /// Three bytes per pixel (16-bit files are scaled down to 8 bits).
    CPNG_RGB = 3,
    /// Four bytes per pixel: colour or grey with an alpha channel (16-bit files scaled down to 8 bits).
    CPNG_RGBA = 4,
} cpng_layout;

/// A decoded image, or the description of one to encode. Pixels are row-major, `width * height * channels`
/// samples of `bytes_per_sample` bytes each, without row padding.
typedef struct {
    uint32_t width;
    uint32_t height;
    cpng_layout layout;
    /// Bits per sample as stored in the file (1, 2, 4, 8 or 16); for writing: 8, or 16 for CPNG_GREY.
    int bit_depth;
    /// 1 or 2 (2 only for 16-bit CPNG_GREY).
    int bytes_per_sample;
    /// 1 (indexed, grey), 3 (RGB) or 4 (RGBA).
    int channels;
    /// malloc'd by cpng_read (release with cpng_free); borrowed by the writer.
    unsigned char *pixels;
    /// Number of palette entries (CPNG_INDEXED only, 1 ... 256) and their colours as R, G, B bytes.
    int palette_count;
    unsigned char palette[256 * 3];
} cpng_image;

/// Reads the PNG file at `path` into `image`. Returns 1 on success; on failure returns 0, leaves nothing
/// to free, and writes a NUL-terminated message (without the file name) into `message`.
int cpng_read(const char *path, cpng_image *image, char *message, size_t message_size);

/// Frees the pixels of an image filled by cpng_read.
void cpng_free(cpng_image *image);

/// Writes `image` as a PNG to `path`, which must not exist yet (the caller picks a fresh temporary name
/// and renames it). Supported: CPNG_INDEXED (8-bit indices, every index < palette_count), CPNG_GREY (8 or
/// 16 bit), CPNG_RGB and CPNG_RGBA (8 bit). Returns 1 on success; on failure returns 0, removes whatever
/// it had written and writes a message into `message`. `fast` non-zero trades size for speed (zlib level 1,
/// the Sub filter on every row) for files that live only moments, such as previews.
int cpng_write(const char *path, const cpng_image *image, int fast, char *message, size_t message_size);

#endif

#include "cpng.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Everything the error path must release lives on the heap behind one pointer that never changes after
// setjmp, so its contents are well-defined after a longjmp.
typedef struct {
    FILE *file;
    char *message;
    size_t message_size;
    unsigned char *pixels;
    png_bytep *rows;
} cpng_context;

static void set_message(char *message, size_t size, const char *text) {
    if (size > 0) {
        snprintf(message, size, "%s", text);
    }
}

static void on_error(png_structp png, png_const_charp text) {
    cpng_context *context = png_get_error_ptr(png);
    set_message(context->message, context->message_size, text);
    png_longjmp(png, 1);
}

// Warnings (odd colour profiles, unknown chunks) do not stop a read; the image is still correct.
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_data(png_structp png, png_bytep data, size_t length) {
    cpng_context *context = png_get_io_ptr(png);
    if (fread(data, 1, length, context->file) != length) {
        if (ferror(context->file)) {
            char text[200];
            snprintf(text, sizeof text, "read error: %s", strerror(errno));
            png_error(png, text);
        }
        png_error(png, "the file ends early: the PNG is truncated");
    }
}

static void write_data(png_structp png, png_bytep data, size_t length) {
    cpng_context *context = png_get_io_ptr(png);
    if (fwrite(data, 1, length, context->file) != length) {
        char text[200];
        snprintf(text, sizeof text, "write error: %s", strerror(errno));
        png_error(png, text);
    }
}

static void flush_data(png_structp png) {
    cpng_context *context = png_get_io_ptr(png);
    if (fflush(context->file) != 0) {
        char text[200];
        snprintf(text, sizeof text, "write error: %s", strerror(errno));
        png_error(png, text);
    }
}

static int pixel_bytes(uint32_t width, uint32_t height, int channels, int bytes_per_sample, size_t *result) {
    if (width == 0 || height == 0 || width > CPNG_MAX_SIDE || height > CPNG_MAX_SIDE) {
        return 0;
    }
    size_t bytes = (size_t)width * height * (size_t)channels * (size_t)bytes_per_sample;
    if (bytes > (size_t)CPNG_MAX_BYTES) {
        return 0;
    }
    *result = bytes;
    return 1;
}

// Chooses libpng transformations so that the decoded rows have one of the four cpng layouts.
static void configure_read(png_structp png, png_infop info, cpng_image *image) {
    int colour_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    image->bit_depth = bit_depth;
    image->bytes_per_sample = 1;
    switch (colour_type) {
    case PNG_COLOR_TYPE_PALETTE: {
        png_colorp palette = NULL;
        int count = 0;
        if (png_get_PLTE(png, info, &palette, &count) != PNG_INFO_PLTE || count < 1) {
            png_error(png, "indexed PNG without a palette (PLTE chunk)");
        }
        image->layout = CPNG_INDEXED;
        image->channels = 1;
        image->palette_count = count;
        for (int i = 0; i < count; i++) {
            image->palette[3 * i] = palette[i].red;
            image->palette[3 * i + 1] = palette[i].green;
            image->palette[3 * i + 2] = palette[i].blue;
        }
        if (bit_depth < 8) {
            png_set_packing(png);
        }
        break;
    }
    case PNG_COLOR_TYPE_GRAY:
        image->layout = CPNG_GREY;
        image->channels = 1;
        if (bit_depth < 8) {
            png_set_packing(png);
        } else if (bit_depth == 16) {
            image->bytes_per_sample = 2;
            {
                const uint16_t probe = 1;
                if (*(const unsigned char *)&probe == 1) {
                    png_set_swap(png);
                }
            }
        }
        break;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        image->layout = CPNG_RGBA;
        image->channels = 4;
        png_set_gray_to_rgb(png);
        if (bit_depth == 16) {
            png_set_scale_16(png);
        }
        break;
    case PNG_COLOR_TYPE_RGB:
        image->layout = CPNG_RGB;
        image->channels = 3;
        if (bit_depth == 16) {
            png_set_scale_16(png);
        }
        break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
        image->layout = CPNG_RGBA;
        image->channels = 4;
        if (bit_depth == 16) {
            png_set_scale_16(png);
        }
        break;
    default:
        png_error(png, "unknown PNG colour type");
    }
    png_set_interlace_handling(png);
}

static void release(cpng_context *context) {
    free(context->rows);
    free(context->pixels);
    if (context->file != NULL) {
        fclose(context->file);
    }
    free(context);
}

// A context with `path` opened in `mode`, or NULL with the message set ("cannot <verb> the file: ...").
static cpng_context *open_context(const char *path, const char *mode, const char *verb, char *message,
                                  size_t message_size) {
    cpng_context *context = calloc(1, sizeof *context);
    if (context == NULL) {
        set_message(message, message_size, "out of memory");
        return NULL;
    }
    context->message = message;
    context->message_size = message_size;
    context->file = fopen(path, mode);
    if (context->file == NULL) {
        char text[200];
        snprintf(text, sizeof text, "cannot %s the file: %s", verb, strerror(errno));
        set_message(message, message_size, text);
        release(context);
        return NULL;
    }
    return context;
}

int cpng_read(const char *path, cpng_image *image, char *message, size_t message_size) {
    memset(image, 0, sizeof *image);
    cpng_context *context = open_context(path, "rb", "open", message, message_size);
    if (context == NULL) return 0;
    unsigned char signature[8];
    size_t got = fread(signature, 1, sizeof signature, context->file);
    if (got < sizeof signature || png_sig_cmp(signature, 0, sizeof signature) != 0) {
        set_message(message, message_size,
                    got == 0 ? "the file is empty, not a PNG image" : "not a PNG image (the PNG signature is missing)");
        release(context);
        return 0;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, context, on_error, on_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        set_message(message, message_size, "out of memory");
        release(context);
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        release(context);
        memset(image, 0, sizeof *image);
        return 0;
    }
    png_set_read_fn(png, context, read_data);
    png_set_sig_bytes(png, sizeof signature);
    png_set_user_limits(png, CPNG_MAX_SIDE, CPNG_MAX_SIDE);
    png_read_info(png, info);
    image->width = png_get_image_width(png, info);
    image->height = png_get_image_height(png, info);
    configure_read(png, info, image);
    png_read_update_info(png, info);

    size_t bytes = 0;
    if (!pixel_bytes(image->width, image->height, image->channels, image->bytes_per_sample, &bytes)) {
        png_error(png, "the image is too large");
    }
    size_t row_bytes = (size_t)image->width * (size_t)image->channels * (size_t)image->bytes_per_sample;
    if (png_get_rowbytes(png, info) != row_bytes) {
        png_error(png, "unexpected row size after conversion");
    }
    context->pixels = malloc(bytes);
    context->rows = malloc(sizeof(png_bytep) * image->height);
    if (context->pixels == NULL || context->rows == NULL) {
        png_error(png, "out of memory");
    }
    for (uint32_t y = 0; y < image->height; y++) {
        context->rows[y] = context->pixels + (size_t)y * row_bytes;
    }
    png_read_image(png, context->rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);

    image->pixels = context->pixels;
    context->pixels = NULL;
    release(context);
    return 1;
}

void cpng_free(cpng_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}

// Checks the description before any file is created, so an invalid request leaves nothing behind.
static const char *invalid_for_write(const cpng_image *image) {
    size_t bytes = 0;
    switch (image->layout) {
    case CPNG_INDEXED:
        if (image->channels != 1 || image->bit_depth != 8 || image->bytes_per_sample != 1) {
            return "indexed images are written with one 8-bit index per pixel";
        }
        if (image->palette_count < 1 || image->palette_count > 256) {
            return "an indexed image needs 1 to 256 palette entries";
        }
        break;
    case CPNG_GREY:
        if (image->channels != 1 || !((image->bit_depth == 8 && image->bytes_per_sample == 1) ||
                                      (image->bit_depth == 16 && image->bytes_per_sample == 2))) {
            return "grey images are written with 8 or 16 bits per pixel";
        }
        break;
    case CPNG_RGB:
    case CPNG_RGBA:
        if (image->channels != (image->layout == CPNG_RGB ? 3 : 4) || image->bit_depth != 8 ||
            image->bytes_per_sample != 1) {
            return "colour images are written with 8 bits per channel";
        }
        break;
    default:
        return "unknown pixel layout";
    }
    if (!pixel_bytes(image->width, image->height, image->channels, image->bytes_per_sample, &bytes)) {
        return "the image size is zero or too large";
    }
    if (image->pixels == NULL) {
        return "no pixels to write";
    }
    if (image->layout == CPNG_INDEXED) {
        for (size_t i = 0; i < bytes; i++) {
            if (image->pixels[i] >= image->palette_count) {
                return "a palette index is beyond the palette";
            }
        }
    }
    return NULL;
}

int cpng_write(const char *path, const cpng_image *image, int fast, char *message, size_t message_size) {
    const char *invalid = invalid_for_write(image);
    if (invalid != NULL) {
        set_message(message, message_size, invalid);
        return 0;
    }
    // "x": never overwrite; the caller renames the finished file into place.
    cpng_context *context = open_context(path, "wbx", "create", message, message_size);
    if (context == NULL) return 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, context, on_error, on_warning);
    png_infop info = png == NULL ? NULL : png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        set_message(message, message_size, "out of memory");
        release(context);
        remove(path);
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        release(context);
        remove(path);
        return 0;
    }
    png_set_write_fn(png, context, write_data, flush_data);
    int colour_type = PNG_COLOR_TYPE_GRAY;
    switch (image->layout) {
    case CPNG_INDEXED: colour_type = PNG_COLOR_TYPE_PALETTE; break;
    case CPNG_GREY: colour_type = PNG_COLOR_TYPE_GRAY; break;
    case CPNG_RGB: colour_type = PNG_COLOR_TYPE_RGB; break;
    case CPNG_RGBA: colour_type = PNG_COLOR_TYPE_RGB_ALPHA; break;
    }
    png_set_IHDR(png, info, image->width, image->height, image->bit_depth, colour_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (fast) {
        png_set_compression_level(png, 1);
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    }
    if (image->layout == CPNG_INDEXED) {
        png_color palette[256];
        for (int i = 0; i < image->palette_count; i++) {
            palette[i].red = image->palette[3 * i];
            palette[i].green = image->palette[3 * i + 1];
            palette[i].blue = image->palette[3 * i + 2];
        }
        png_set_PLTE(png, info, palette, image->palette_count);
    }
    png_write_info(png, info);
    if (image->bytes_per_sample == 2) {
        const uint16_t probe = 1;
        if (*(const unsigned char *)&probe == 1) {
            png_set_swap(png);
        }
    }
    size_t row_bytes = (size_t)image->width * (size_t)image->channels * (size_t)image->bytes_per_sample;
    for (uint32_t y = 0; y < image->height; y++) {
        png_write_row(png, image->pixels + (size_t)y * row_bytes);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);

    FILE *file = context->file;
    context->file = NULL;
    // The data must be on disk before the caller's rename makes the file visible.
    int synced = fflush(file) == 0 && fsync(fileno(file)) == 0;
    int closed = fclose(file) == 0 && synced;
    int saved_errno = errno;
    release(context);
    if (!closed) {
        char text[200];
        snprintf(text, sizeof text, "write error: %s", strerror(saved_errno));
        set_message(message, message_size, text);
        remove(path);
        return 0;
    }
    return 1;
}

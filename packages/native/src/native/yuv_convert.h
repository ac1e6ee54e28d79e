// Colour conversion between the addon's 32-bit BGRX frames and the I420 pictures H.264 codes.
//
// Matrix and range: BT.709, full range (Y 0-255, chroma centred on 128, no 16-235 head room). MS-RDPEGFX names
// BT.709 for AVC420 without a range; FreeRDP 2.11, the reference client (its primitives' YUV420 to RGB, used behind
// both its OpenH264 and its ffmpeg decoder; the generic and the SSSE3 code compute the same), reads the planes as
// full-range BT.709 with 8-bit integer weights (R = Y + 403/256 V', G = Y - 48/256 U' - 120/256 V',
// B = Y + 475/256 U', each shifted down with floor and clamped). The
// encoder therefore writes full-range BT.709, and the decoder uses exactly those integer weights so that our viewer
// shows the same pixels as xfreerdp for the same stream. The encoder also states BT.709 full range in the stream's
// VUI so that decoders that honour it (ffmpeg, browsers) convert the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rect.h"

namespace rdshare {

/** Three planes of a 4:2:0 picture; chroma planes are (width + 1) / 2 by (height + 1) / 2. */
struct I420View {
  uint8_t* y;
  uint8_t* u;
  uint8_t* v;
  size_t y_stride;
  size_t uv_stride;
};

/** Three full-resolution planes of a 4:4:4 picture, all rows `stride` bytes apart. */
struct Yuv444View {
  uint8_t* y;
  uint8_t* u;
  uint8_t* v;
  size_t stride;
};

/** BGRX (byte 3 ignored) to I420, chroma of each 2x2 block from the block's mean colour. Even sizes only. */
void BgrxToI420(const uint8_t* bgrx, size_t stride, int width, int height, const I420View& out);

/**
 * BgrxToI420 of the parts of a `width` x `height` picture that `rects` cover, each grown to whole 2x2 blocks (a
 * chroma sample covers one) and clipped to the picture; the rest of `out` is left as it is.
 */
void BgrxToI420Rects(const uint8_t* bgrx, size_t stride, int width, int height, const I420View& out,
                     const std::vector<Rect>& rects);

/**
 * BGRX (byte 3 ignored) to YUV 4:4:4 with the same weights as BgrxToI420, one chroma sample per pixel: averaging
 * each 2x2 block of its chroma (rounding half up) gives what BgrxToI420 writes, give or take the rounding of the
 * per-pixel values.
 */
void BgrxToYuv444(const uint8_t* bgrx, size_t stride, int width, int height, const Yuv444View& out);

/**
 * I420 to BGRA with alpha 255, nearest chroma (each chroma sample covers its 2x2 block), as FreeRDP does. Even
 * widths only, as every 4:2:0 H.264 picture has.
 */
void I420ToBgra(const uint8_t* y, const uint8_t* u, const uint8_t* v, size_t y_stride, size_t uv_stride, int width,
                int height, uint8_t* bgra, size_t stride);

}  // namespace rdshare

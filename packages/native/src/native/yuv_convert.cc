#include "yuv_convert.h"

#include <algorithm>

namespace rdshare {

namespace {
// BT.709 full-range RGB to Y'CbCr in 14-bit fixed point; each row of Y sums to 1 << 14, so Y never overflows.
constexpr int kShift = 14;
constexpr int kYR = 3483, kYG = 11718, kYB = 1183;   // 0.2126, 0.7152, 0.0722
constexpr int kUR = -1877, kUG = -6315, kUB = 8192;  // -0.1146, -0.3854, 0.5
constexpr int kVR = 8192, kVG = -7441, kVB = -751;   // 0.5, -0.4542, -0.0458

// FreeRDP's inverse weights in 8-bit fixed point (see the header for why exactly these).
constexpr int kRV = 403, kGU = -48, kGV = -120, kBU = 475;

inline uint8_t Clamp255(int value) { return static_cast<uint8_t>(std::min(255, std::max(0, value))); }
}  // namespace

// The loops below are written for the compiler's vectoriser (plain integer arithmetic over restrict pointers, no
// calls). x86-64 baseline SSE2 has no 32-bit multiply, so on glibc (which dispatches through ifunc) an AVX2 clone
// is compiled as well and chosen at load time where the CPU has it.
#if defined(__x86_64__) && defined(__GLIBC__) && (defined(__GNUC__) || defined(__clang__))
#define RDSHARE_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define RDSHARE_VECTOR_CLONES
#endif

RDSHARE_VECTOR_CLONES
void BgrxToI420(const uint8_t* bgrx, size_t stride, int width, int height, const I420View& out) {
  constexpr int kRound = 1 << (kShift - 1);
  // The chroma of a 2x2 block comes from the sum of its four pixels, hence two more bits of shift.
  constexpr int kChromaShift = kShift + 2;
  constexpr int kChromaBias = (128 << kChromaShift) + (1 << (kChromaShift - 1));
  for (int row = 0; row < height; row += 2) {
    const uint8_t* __restrict top = bgrx + stride * row;
    const uint8_t* __restrict bottom = top + stride;
    uint8_t* __restrict y0 = out.y + out.y_stride * row;
    uint8_t* __restrict y1 = y0 + out.y_stride;
    uint8_t* __restrict u = out.u + out.uv_stride * (row / 2);
    uint8_t* __restrict v = out.v + out.uv_stride * (row / 2);
    for (int x = 0; x < width; x++) {
      const uint8_t* a = top + x * 4;
      const uint8_t* b = bottom + x * 4;
      y0[x] = static_cast<uint8_t>((kYR * a[2] + kYG * a[1] + kYB * a[0] + kRound) >> kShift);
      y1[x] = static_cast<uint8_t>((kYR * b[2] + kYG * b[1] + kYB * b[0] + kRound) >> kShift);
    }
    for (int x = 0; x < width / 2; x++) {
      const uint8_t* a = top + x * 8;
      const uint8_t* b = bottom + x * 8;
      const int blue = a[0] + a[4] + b[0] + b[4];
      const int green = a[1] + a[5] + b[1] + b[5];
      const int red = a[2] + a[6] + b[2] + b[6];
      u[x] = Clamp255((kUR * red + kUG * green + kUB * blue + kChromaBias) >> kChromaShift);
      v[x] = Clamp255((kVR * red + kVG * green + kVB * blue + kChromaBias) >> kChromaShift);
    }
  }
}

void BgrxToI420Rects(const uint8_t* bgrx, size_t stride, int width, int height, const I420View& out,
                     const std::vector<Rect>& rects) {
  for (const Rect& r : rects) {
    const int64_t x0 = std::max<int64_t>(0, r.x & ~int64_t{1});
    const int64_t y0 = std::max<int64_t>(0, r.y & ~int64_t{1});
    const int64_t x1 = std::min<int64_t>(width, (int64_t{r.x} + r.width + 1) & ~int64_t{1});
    const int64_t y1 = std::min<int64_t>(height, (int64_t{r.y} + r.height + 1) & ~int64_t{1});
    if (x1 <= x0 || y1 <= y0) continue;
    const I420View at{out.y + out.y_stride * y0 + x0, out.u + out.uv_stride * (y0 / 2) + x0 / 2,
                      out.v + out.uv_stride * (y0 / 2) + x0 / 2, out.y_stride, out.uv_stride};
    BgrxToI420(bgrx + stride * y0 + x0 * 4, stride, static_cast<int>(x1 - x0), static_cast<int>(y1 - y0), at);
  }
}

RDSHARE_VECTOR_CLONES
void BgrxToYuv444(const uint8_t* bgrx, size_t stride, int width, int height, const Yuv444View& out) {
  constexpr int kRound = 1 << (kShift - 1);
  constexpr int kChromaBias = (128 << kShift) + kRound;
  for (int row = 0; row < height; row++) {
    const uint8_t* __restrict in = bgrx + stride * row;
    uint8_t* __restrict y = out.y + out.stride * row;
    uint8_t* __restrict u = out.u + out.stride * row;
    uint8_t* __restrict v = out.v + out.stride * row;
    for (int x = 0; x < width; x++) {
      const int blue = in[x * 4], green = in[x * 4 + 1], red = in[x * 4 + 2];
      y[x] = static_cast<uint8_t>((kYR * red + kYG * green + kYB * blue + kRound) >> kShift);
      u[x] = Clamp255((kUR * red + kUG * green + kUB * blue + kChromaBias) >> kShift);
      v[x] = Clamp255((kVR * red + kVG * green + kVB * blue + kChromaBias) >> kShift);
    }
  }
}

RDSHARE_VECTOR_CLONES
void I420ToBgra(const uint8_t* y, const uint8_t* u, const uint8_t* v, size_t y_stride, size_t uv_stride, int width,
                int height, uint8_t* bgra, size_t stride) {
  for (int row = 0; row < height; row++) {
    const uint8_t* __restrict luma = y + y_stride * row;
    const uint8_t* __restrict cb = u + uv_stride * (row / 2);
    const uint8_t* __restrict cr = v + uv_stride * (row / 2);
    uint8_t* __restrict out = bgra + stride * row;
    // Each chroma sample covers two pixels of the row (4:2:0 pictures crop in steps of 2, so width is even).
    for (int x = 0; x < width / 2; x++) {
      const int d = cb[x] - 128;
      const int e = cr[x] - 128;
      const int blue = kBU * d, green = kGU * d + kGV * e, red = kRV * e;
      const int left = luma[2 * x] << 8;
      const int right = luma[2 * x + 1] << 8;
      uint8_t* p = out + x * 8;
      p[0] = Clamp255((left + blue) >> 8);
      p[1] = Clamp255((left + green) >> 8);
      p[2] = Clamp255((left + red) >> 8);
      p[3] = 255;
      p[4] = Clamp255((right + blue) >> 8);
      p[5] = Clamp255((right + green) >> 8);
      p[6] = Clamp255((right + red) >> 8);
      p[7] = 255;
    }
  }
}

}  // namespace rdshare

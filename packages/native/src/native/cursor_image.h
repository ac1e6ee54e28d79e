#pragma once

#include <X11/Xlib.h>

#include <cstdint>
#include <vector>

namespace rdshare {

/** The cursor as XFixes reports it; pixels are ARGB32 with premultiplied alpha, row-major, no padding. */
struct CursorImage {
  int32_t width = 0;
  int32_t height = 0;
  int32_t xhot = 0;
  int32_t yhot = 0;
  int32_t x = 0;  // pointer position when the image was read
  int32_t y = 0;
  uint32_t serial = 0;
  std::vector<uint32_t> pixels;
};

bool ReadCursorImage(Display* dpy, CursorImage* out);

}  // namespace rdshare

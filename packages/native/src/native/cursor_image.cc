#include "cursor_image.h"

#include <X11/extensions/Xfixes.h>

namespace rdshare {

bool ReadCursorImage(Display* dpy, CursorImage* out) {
  XFixesCursorImage* image = XFixesGetCursorImage(dpy);
  if (image == nullptr) return false;
  out->width = image->width;
  out->height = image->height;
  out->xhot = image->xhot;
  out->yhot = image->yhot;
  out->x = image->x;
  out->y = image->y;
  out->serial = static_cast<uint32_t>(image->cursor_serial);
  // Xlib widens each 32-bit pixel to an unsigned long; narrow it back.
  size_t count = static_cast<size_t>(image->width) * image->height;
  out->pixels.resize(count);
  for (size_t i = 0; i < count; i++) out->pixels[i] = static_cast<uint32_t>(image->pixels[i]);
  XFree(image);
  return true;
}

}  // namespace rdshare

// Screen capture through one MIT-SHM segment that is reused for every frame and only grows when the
// screen does.
#pragma once

#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace rdshare {

class ShmCapture {
 public:
  ShmCapture() = default;
  ~ShmCapture() { Release(); }
  ShmCapture(const ShmCapture&) = delete;
  ShmCapture& operator=(const ShmCapture&) = delete;

  /** Checks MIT-SHM and the pixel format; `error` explains a refusal. */
  bool Init(Display* dpy, std::string* error);

  /**
   * Reads the root window rectangle (x, y, width, height) and writes it as 32-bit BGRX rows of
   * `dst_stride` bytes. Formats other than 32-bit x888 are converted on the way.
   */
  bool Capture(int x, int y, int width, int height, uint8_t* dst, size_t dst_stride, std::string* error);

  void Release();

 private:
  bool Ensure(size_t width, size_t height, std::string* error);

  Display* dpy_ = nullptr;
  Window root_ = 0;
  Visual* visual_ = nullptr;
  int depth_ = 0;
  XShmSegmentInfo segment_{};
  XImage* image_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace rdshare

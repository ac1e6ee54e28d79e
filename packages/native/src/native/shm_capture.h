// Screen capture through MIT-SHM: one bounce segment reused for every capture (it only grows when the screen
// does), and frames shared with the X server, which captures write into without a copy.
#pragma once

#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

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

  /**
   * Maps `bytes` of zeroed memory that the X server can write into, for frames that captures fill without a copy;
   * the first capture into it attaches it to the server. Null when it cannot (shared memory limits, or
   * kMaxSharedFrames alive): use ordinary memory then. Makes no X request, so a stalled server never blocks it.
   * The memory stays mapped until FreeShared, even after Release.
   */
  uint8_t* AllocateShared(size_t bytes);

  /** Unmaps memory from AllocateShared; the next capture detaches it from the server. No X request either. */
  void FreeShared(uint8_t* data);

  void Release();

  /** Captures written straight into a shared frame. */
  uint64_t in_place() const { return in_place_; }

 private:
  bool Ensure(size_t width, size_t height, std::string* error);
  /** Creates a segment of `bytes` and maps it; `error` explains a failure. */
  static bool MapSegment(size_t bytes, XShmSegmentInfo* segment, std::string* error);
  /** Attaches a mapped segment to the server, waiting for its answer. */
  bool AttachToServer(XShmSegmentInfo* segment, std::string* error);
  /** MapSegment then AttachToServer, unmapping on failure. */
  bool Attach(size_t bytes, XShmSegmentInfo* segment, std::string* error);
  /** Tells the server to let go of the segments FreeShared released. */
  void DetachFreed();
  /** The shared segment holding [data, data + bytes), attached to the server, if any. */
  bool SharedTarget(const uint8_t* data, size_t bytes, XShmSegmentInfo* segment);

  Display* dpy_ = nullptr;
  Window root_ = 0;
  Visual* visual_ = nullptr;
  int depth_ = 0;
  XShmSegmentInfo segment_{};
  XImage* image_ = nullptr;
  size_t capacity_ = 0;
  struct Shared {
    XShmSegmentInfo segment;
    size_t bytes;
    enum State { kMapped, kAttached, kRefused } state;
  };
  // Guards shared_ and detached_, which the JS thread changes; never held across an X request.
  std::mutex shared_mu_;
  // A program allocates a frame or two per size it captures; one that allocates in a loop gets ordinary memory
  // past this, rather than using up the system's segments (SHMMNI) for every other X client.
  static constexpr size_t kMaxSharedFrames = 16;
  std::vector<Shared> shared_;
  std::vector<XShmSegmentInfo> detached_;
  std::atomic<uint64_t> in_place_{0};
};

}  // namespace rdshare

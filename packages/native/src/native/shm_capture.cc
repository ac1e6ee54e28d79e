#include "shm_capture.h"

#include <X11/Xutil.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <cstring>

#include "x_errors.h"

namespace rdshare {

namespace {
// 5-6-5 fields widened by bit replication so that full intensity stays 0xff.
void Convert565Row(const uint16_t* src, uint8_t* dst, int width) {
  for (int i = 0; i < width; i++) {
    uint16_t p = src[i];
    uint8_t r = (p >> 11) & 0x1f, g = (p >> 5) & 0x3f, b = p & 0x1f;
    dst[i * 4 + 0] = static_cast<uint8_t>((b << 3) | (b >> 2));
    dst[i * 4 + 1] = static_cast<uint8_t>((g << 2) | (g >> 4));
    dst[i * 4 + 2] = static_cast<uint8_t>((r << 3) | (r >> 2));
    dst[i * 4 + 3] = 0;
  }
}
}  // namespace

bool ShmCapture::Init(Display* dpy, std::string* error) {
  dpy_ = dpy;
  if (!XShmQueryExtension(dpy)) {
    *error = "the X server does not offer MIT-SHM (start it with +extension MIT-SHM, or connect locally)";
    return false;
  }
  int screen = DefaultScreen(dpy);
  root_ = RootWindow(dpy, screen);
  visual_ = DefaultVisual(dpy, screen);
  depth_ = DefaultDepth(dpy, screen);
  if (depth_ != 24 && depth_ != 32 && depth_ != 16) {
    *error = "unsupported screen depth " + std::to_string(depth_) + " (16, 24 and 32 are supported)";
    return false;
  }
  return Ensure(DisplayWidth(dpy, screen), DisplayHeight(dpy, screen), error);
}

bool ShmCapture::Ensure(size_t width, size_t height, std::string* error) {
  if (image_ != nullptr && width * height <= capacity_) return true;
  Release();
  image_ = XShmCreateImage(dpy_, visual_, depth_, ZPixmap, nullptr, &segment_, width, height);
  if (image_ == nullptr) {
    *error = "XShmCreateImage failed";
    return false;
  }
  bool bgrx = image_->bits_per_pixel == 32 && visual_->red_mask == 0xff0000 && visual_->blue_mask == 0xff;
  bool rgb565 = image_->bits_per_pixel == 16 && visual_->red_mask == 0xf800 && visual_->blue_mask == 0x1f;
  if (!bgrx && !rgb565) {
    *error = "unsupported pixel format (depth " + std::to_string(depth_) + ", " +
             std::to_string(image_->bits_per_pixel) + " bits per pixel); BGRX or RGB565 is needed";
    XDestroyImage(image_);
    image_ = nullptr;
    return false;
  }
  if (!Attach(static_cast<size_t>(image_->bytes_per_line) * height, &segment_, error)) {
    XDestroyImage(image_);
    image_ = nullptr;
    return false;
  }
  image_->data = segment_.shmaddr;
  capacity_ = width * height;
  return true;
}

bool ShmCapture::MapSegment(size_t bytes, XShmSegmentInfo* segment, std::string* error) {
  segment->shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
  if (segment->shmid < 0) {
    *error = std::string("shmget failed: ") + strerror(errno);
    return false;
  }
  segment->shmaddr = static_cast<char*>(shmat(segment->shmid, nullptr, 0));
  segment->readOnly = False;
  // Marked for removal right away: the kernel frees it once every side detaches, even after a crash. Linux lets
  // the server attach a marked segment while this process holds it.
  shmctl(segment->shmid, IPC_RMID, nullptr);
  if (segment->shmaddr == reinterpret_cast<char*>(-1)) {
    *error = std::string("shmat failed: ") + strerror(errno);
    return false;
  }
  return true;
}

bool ShmCapture::AttachToServer(XShmSegmentInfo* segment, std::string* error) {
  XErrorTrap trap;
  Status attached = XShmAttach(dpy_, segment);
  XSync(dpy_, False);
  if (!attached || trap.code() != 0) {
    *error = "XShmAttach failed (the X server cannot share memory with this process; is it on another host?)";
    return false;
  }
  return true;
}

bool ShmCapture::Attach(size_t bytes, XShmSegmentInfo* segment, std::string* error) {
  if (!MapSegment(bytes, segment, error)) return false;
  if (AttachToServer(segment, error)) return true;
  shmdt(segment->shmaddr);
  return false;
}

uint8_t* ShmCapture::AllocateShared(size_t bytes) {
  XShmSegmentInfo segment{};
  std::string error;
  std::lock_guard<std::mutex> lock(shared_mu_);
  if (shared_.size() + detached_.size() >= kMaxSharedFrames || !MapSegment(bytes, &segment, &error)) return nullptr;
  shared_.push_back({segment, bytes, Shared::kMapped});
  return reinterpret_cast<uint8_t*>(segment.shmaddr);
}

void ShmCapture::FreeShared(uint8_t* data) {
  std::lock_guard<std::mutex> lock(shared_mu_);
  for (auto it = shared_.begin(); it != shared_.end(); ++it) {
    if (reinterpret_cast<uint8_t*>(it->segment.shmaddr) != data) continue;
    if (it->state == Shared::kAttached) detached_.push_back(it->segment);
    shmdt(it->segment.shmaddr);
    shared_.erase(it);
    return;
  }
}

void ShmCapture::DetachFreed() {
  std::vector<XShmSegmentInfo> freed;
  {
    std::lock_guard<std::mutex> lock(shared_mu_);
    freed.swap(detached_);
  }
  if (freed.empty()) return;
  XErrorTrap trap;
  for (XShmSegmentInfo& segment : freed) XShmDetach(dpy_, &segment);
  XSync(dpy_, False);
}

bool ShmCapture::SharedTarget(const uint8_t* data, size_t bytes, XShmSegmentInfo* segment) {
  auto holding = [&]() -> Shared* {
    for (Shared& s : shared_) {
      const uint8_t* base = reinterpret_cast<const uint8_t*>(s.segment.shmaddr);
      if (data >= base && data + bytes <= base + s.bytes) return &s;
    }
    return nullptr;
  };
  {
    std::lock_guard<std::mutex> lock(shared_mu_);
    Shared* s = holding();
    if (s == nullptr || s->state == Shared::kRefused) return false;
    *segment = s->segment;
    if (s->state == Shared::kAttached) return true;
  }
  // First capture into this frame: the server attaches it here, off the JS thread, so that a stalled server never
  // blocks an allocation. The capture holds the frame, so it is still there after; other frames may come and go.
  std::string ignored;
  bool attached = AttachToServer(segment, &ignored);
  std::lock_guard<std::mutex> lock(shared_mu_);
  Shared* s = holding();
  s->segment = *segment;
  s->state = attached ? Shared::kAttached : Shared::kRefused;
  return attached;
}

bool ShmCapture::Capture(int x, int y, int width, int height, uint8_t* dst, size_t dst_stride, std::string* error) {
  if (!Ensure(width, height, error)) return false;
  int bytes_per_pixel = image_->bits_per_pixel / 8;
  // The segment is sized for the screen; a smaller request reuses it with a tighter geometry.
  image_->width = width;
  image_->height = height;
  image_->bytes_per_line = width * bytes_per_pixel;
  DetachFreed();
  // The server writes rows back to back: a frame it shares takes them in place when they are whole rows of it
  // (a full-width band: a maximized window, a full-screen scroll or video), saving the copy below.
  size_t row_bytes = static_cast<size_t>(width) * 4;
  XShmSegmentInfo shared{};
  bool direct = bytes_per_pixel == 4 && (dst_stride == row_bytes || height == 1) &&
                SharedTarget(dst, row_bytes * static_cast<size_t>(height), &shared);
  XErrorTrap trap;
  Bool ok;
  if (direct) {
    XPointer bounce = image_->obdata;
    image_->data = reinterpret_cast<char*>(dst);
    image_->obdata = reinterpret_cast<XPointer>(&shared);
    ok = XShmGetImage(dpy_, root_, image_, x, y, AllPlanes);
    image_->data = segment_.shmaddr;
    image_->obdata = bounce;
  } else {
    ok = XShmGetImage(dpy_, root_, image_, x, y, AllPlanes);
  }
  if (!ok || trap.code() != 0) {
    *error = "XShmGetImage failed for " + std::to_string(width) + "x" + std::to_string(height) + "+" +
             std::to_string(x) + "+" + std::to_string(y) + " (X error " + std::to_string(trap.code()) + ")";
    return false;
  }
  if (direct) {
    in_place_++;
    return true;
  }
  const uint8_t* src = reinterpret_cast<const uint8_t*>(image_->data);
  size_t src_stride = image_->bytes_per_line;
  for (int row = 0; row < height; row++) {
    const uint8_t* s = src + row * src_stride;
    uint8_t* d = dst + row * dst_stride;
    if (bytes_per_pixel == 4) {
      memcpy(d, s, static_cast<size_t>(width) * 4);
    } else {
      Convert565Row(reinterpret_cast<const uint16_t*>(s), d, width);
    }
  }
  return true;
}

void ShmCapture::Release() {
  if (image_ == nullptr) return;
  XShmDetach(dpy_, &segment_);
  XSync(dpy_, False);
  shmdt(segment_.shmaddr);
  image_->data = nullptr;
  XDestroyImage(image_);
  image_ = nullptr;
  capacity_ = 0;
}

}  // namespace rdshare

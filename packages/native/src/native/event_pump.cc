#include "event_pump.h"

#include <X11/XKBlib.h>
#include <X11/extensions/XInput2.h>
#include <X11/extensions/Xfixes.h>
#include <X11/extensions/Xrandr.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cstdio>

#include "x_errors.h"

namespace rdshare {

bool EventPump::Open(const std::string& name, std::string* code, std::string* error) {
  dpy_ = XOpenDisplay(name.c_str());
  if (dpy_ == nullptr) {
    *code = "DISPLAY_REFUSED";
    *error = "cannot connect to X display " + name;
    return false;
  }
  WatchConnection(dpy_, &dead_);
  root_ = DefaultRootWindow(dpy_);
  depth_ = DefaultDepth(dpy_, DefaultScreen(dpy_));
  width_ = DisplayWidth(dpy_, DefaultScreen(dpy_));
  height_ = DisplayHeight(dpy_, DefaultScreen(dpy_));
  int error_base, major = 0, minor = 0;
  *code = "MISSING_EXTENSION";
  if (!XDamageQueryExtension(dpy_, &damage_event_, &error_base) || !XDamageQueryVersion(dpy_, &major, &minor)) {
    *error = "X display " + name + " does not offer DAMAGE";
    return false;
  }
  if (!XFixesQueryExtension(dpy_, &fixes_event_, &error_base) || !XFixesQueryVersion(dpy_, &major, &minor) ||
      major < 2) {
    *error = "X display " + name + " does not offer XFIXES 2 or later";
    return false;
  }
  if (!XRRQueryExtension(dpy_, &randr_event_, &error_base)) {
    *error = "X display " + name + " does not offer RANDR (start Xvfb with +extension RANDR)";
    return false;
  }
  int xkb_major = XkbMajorVersion, xkb_minor = XkbMinorVersion;
  if (!XkbQueryExtension(dpy_, nullptr, &xkb_event_, &error_base, &xkb_major, &xkb_minor)) {
    *error = "X display " + name + " does not offer XKEYBOARD";
    return false;
  }
  // Optional: without XI 2 the pointer is sampled instead. 2.2 is announced because from 2.1 on raw
  // events reach the root even while another client grabs the pointer; any 2.x answer will do.
  int xi_opcode = 0, xi_event = 0, xi_major = 2, xi_minor = 2;
  if (XQueryExtension(dpy_, "XInputExtension", &xi_opcode, &xi_event, &error_base) &&
      XIQueryVersion(dpy_, &xi_major, &xi_minor) == Success && xi_major >= 2)
    xi_opcode_ = xi_opcode;
  XRRSelectInput(dpy_, root_, RRScreenChangeNotifyMask);
  XFixesSelectCursorInput(dpy_, root_, XFixesDisplayCursorNotifyMask);
  XkbSelectEvents(dpy_, XkbUseCoreKbd, XkbIndicatorStateNotifyMask, XkbIndicatorStateNotifyMask);
  XSelectInput(dpy_, root_, SubstructureNotifyMask | PropertyChangeMask);
  const char* names[] = {"Caps Lock", "Num Lock", "Scroll Lock"};
  int* indices[] = {&caps_index_, &num_index_, &scroll_index_};
  for (int i = 0; i < 3; i++) {
    int index = -1;
    Bool on = False;
    if (XkbGetNamedIndicator(dpy_, XInternAtom(dpy_, names[i], False), &index, &on, nullptr, nullptr))
      *indices[i] = index;
  }
  unsigned int state = 0;
  XkbGetIndicatorState(dpy_, XkbUseCoreKbd, &state);
  ReadLocks(state);
  lister_ = std::make_unique<WindowLister>(dpy_);
  WindowSnapshot snapshot = lister_->Snapshot();
  windows_ = std::move(snapshot.windows);
  popups_ = std::move(snapshot.popups);
  RefreshCursor();
  pending_ = Delivery{};
  code->clear();
  return true;
}

void EventPump::Start(std::function<void()> notify) {
  notify_ = std::move(notify);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void EventPump::Stop() {
  if (thread_.joinable()) {
    stop_ = true;
    Wake();
    thread_.join();
  }
  if (wake_fd_ >= 0) close(wake_fd_);
  wake_fd_ = -1;
  if (dpy_ != nullptr) {
    lister_.reset();
    // Safe on a dead connection too: Xlib sends nothing once it has seen the I/O error, and closing
    // frees the socket and the Display.
    XCloseDisplay(dpy_);
    dpy_ = nullptr;
  }
}

void EventPump::Wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void EventPump::SetInterest(bool damage, bool pointer, int damage_interval_ms) {
  want_damage_ = damage;
  want_pointer_ = pointer;
  damage_interval_ms_ = damage_interval_ms;
  Wake();
}

void EventPump::ApplyInterest() {
  if (want_damage_ && damage_ == 0) {
    damage_ = XDamageCreate(dpy_, root_, XDamageReportNonEmpty);
    region_ = XFixesCreateRegion(dpy_, nullptr, 0);
  } else if (!want_damage_ && damage_ != 0) {
    XDamageDestroy(dpy_, damage_);
    XFixesDestroyRegion(dpy_, region_);
    damage_ = 0;
    region_ = 0;
    std::lock_guard<std::mutex> lock(mu_);
    pending_.damage.clear();
  }
  if (xi_opcode_ >= 0 && want_pointer_ != motion_selected_) {
    // Raw events go to every client that selects them on the root, whoever owns the pointer, and
    // include XTest motion; an empty mask stops them.
    unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {};
    if (want_pointer_) XISetMask(bits, XI_RawMotion);
    XIEventMask mask{XIAllMasterDevices, static_cast<int>(sizeof bits), bits};
    XISelectEvents(dpy_, root_, &mask, 1);
    motion_selected_ = want_pointer_;
    // One query establishes where the pointer is now: it may have moved while nobody listened.
    motion_seen_ = motion_selected_;
  }
  XFlush(dpy_);
}

// Callers hold `lock`; the owner is told once until it takes the delivery, which caps deliveries
// at one per turn of the JavaScript event loop.
void EventPump::Signal(std::unique_lock<std::mutex>& lock) {
  if (signalled_) return;
  signalled_ = true;
  lock.unlock();
  notify_();
  lock.lock();
}

Delivery EventPump::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  Delivery out = std::move(pending_);
  pending_ = Delivery{};
  signalled_ = false;
  out.damage = CoalesceRects(std::move(out.damage));
  return out;
}

std::shared_ptr<const CursorImage> EventPump::cursor() {
  std::lock_guard<std::mutex> lock(mu_);
  return cursor_;
}

std::vector<WindowRecord> EventPump::windows() {
  std::lock_guard<std::mutex> lock(mu_);
  return windows_;
}

std::vector<WindowRecord> EventPump::popups() {
  std::lock_guard<std::mutex> lock(mu_);
  return popups_;
}

LockState EventPump::locks() {
  std::lock_guard<std::mutex> lock(mu_);
  return locks_;
}

void EventPump::RefreshCursor() {
  auto image = std::make_shared<CursorImage>();
  if (!ReadCursorImage(dpy_, image.get())) return;
  std::unique_lock<std::mutex> lock(mu_);
  cursor_ = image;
  if (started_) {
    pending_.cursor = image;
    Signal(lock);
  }
}

void EventPump::ReadLocks(unsigned int state) {
  auto bit = [state](int index) { return index >= 0 && (state & (1u << index)) != 0; };
  LockState now{bit(caps_index_), bit(num_index_), bit(scroll_index_)};
  std::unique_lock<std::mutex> lock(mu_);
  if (!(now != locks_) && started_) return;
  locks_ = now;
  if (started_) {
    pending_.locks_changed = true;
    pending_.locks = now;
    Signal(lock);
  }
}

void EventPump::RefreshWindows() {
  windows_dirty_ = false;
  WindowSnapshot now = lister_->Snapshot();
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<WindowChange> changes = WindowLister::Diff(windows_, now.windows);
  windows_ = std::move(now.windows);
  bool popups_changed = now.popups != popups_;
  if (popups_changed) popups_ = std::move(now.popups);
  if (changes.empty() && !popups_changed) return;
  for (WindowChange& c : changes) pending_.window_changes.push_back(std::move(c));
  if (popups_changed) {
    pending_.popups_changed = true;
    pending_.popups = popups_;
  }
  Signal(lock);
}

void EventPump::QueryPointer() {
  Window root, child;
  int x, y, wx, wy;
  unsigned int mask;
  pointer_queries_++;
  if (!XQueryPointer(dpy_, root_, &root, &child, &x, &y, &wx, &wy, &mask) || (x == pointer_x_ && y == pointer_y_))
    return;
  pointer_x_ = x;
  pointer_y_ = y;
  std::unique_lock<std::mutex> lock(mu_);
  pending_.moved = true;
  pending_.pointer_x = x;
  pending_.pointer_y = y;
  Signal(lock);
}

void EventPump::Handle(XEvent& event) {
  // Only raw motion is selected, and its payload (device deltas) is not needed: the position is
  // queried once after the burst, so the cookie's data is never fetched.
  if (event.type == GenericEvent && event.xcookie.extension == xi_opcode_) {
    motion_seen_ = true;
    return;
  }
  if (event.type == damage_event_ + XDamageNotify) {
    if (damage_ == 0) return;
    // Subtracting into a region collects everything damaged since the last notification in one
    // round trip; the next notification comes only after new damage.
    XDamageSubtract(dpy_, damage_, None, region_);
    int count = 0;
    XRectangle* rects = XFixesFetchRegion(dpy_, region_, &count);
    std::lock_guard<std::mutex> lock(mu_);
    for (int i = 0; i < count; i++) pending_.damage.push_back({rects[i].x, rects[i].y, rects[i].width, rects[i].height});
    if (rects) XFree(rects);
    return;
  }
  if (event.type == fixes_event_ + XFixesCursorNotify) {
    RefreshCursor();
    return;
  }
  if (event.type == randr_event_ + RRScreenChangeNotify) {
    XRRUpdateConfiguration(&event);
    int w = DisplayWidth(dpy_, DefaultScreen(dpy_)), h = DisplayHeight(dpy_, DefaultScreen(dpy_));
    if (w == width_ && h == height_) return;
    width_ = w;
    height_ = h;
    std::unique_lock<std::mutex> lock(mu_);
    pending_.resized = true;
    pending_.width = w;
    pending_.height = h;
    Signal(lock);
    windows_dirty_ = true;
    return;
  }
  if (event.type == xkb_event_) {
    auto* xkb = reinterpret_cast<XkbEvent*>(&event);
    if (xkb->any.xkb_type == XkbIndicatorStateNotify) ReadLocks(xkb->indicators.state);
    return;
  }
  switch (event.type) {
    case CreateNotify:
    case DestroyNotify:
    case MapNotify:
    case UnmapNotify:
    case ConfigureNotify:
    case ReparentNotify:
    case CirculateNotify:
      windows_dirty_ = true;
      break;
    case PropertyNotify:
      if (lister_->Relevant(event.xproperty.atom)) windows_dirty_ = true;
      break;
    default:
      break;
  }
}

void EventPump::Run() {
  using Clock = std::chrono::steady_clock;
  const int pointer_sample_ms = 16;  // only without XI 2
  ApplyInterest();
  while (!stop_) {
    while (!dead_ && XPending(dpy_) > 0) {
      XEvent event;
      XNextEvent(dpy_, &event);
      Handle(event);
    }
    if (dead_) {
      std::unique_lock<std::mutex> lock(mu_);
      pending_.lost = true;
      Signal(lock);
      return;
    }
    if (windows_dirty_) RefreshWindows();
    // Every pending event was read above, so a burst of raw motion costs one query.
    bool query = xi_opcode_ < 0 || motion_seen_;
    motion_seen_ = false;
    if (want_pointer_ && query) QueryPointer();
    int timeout = want_pointer_ && xi_opcode_ < 0 ? pointer_sample_ms : -1;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!pending_.damage.empty() && !signalled_) {
        auto due = last_damage_signal_ + std::chrono::milliseconds(damage_interval_ms_.load());
        auto now = Clock::now();
        if (now >= due) {
          last_damage_signal_ = now;
          Signal(lock);
        } else {
          int wait = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(due - now).count());
          timeout = timeout < 0 ? wait : std::min(timeout, wait);
        }
      }
    }
    // Anything Xlib already buffered must be handled before sleeping on the socket.
    if (XPending(dpy_) > 0) continue;
    pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    poll(fds, 2, timeout);
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      ssize_t ignored = read(wake_fd_, &count, sizeof count);
      (void)ignored;
      ApplyInterest();
    }
  }
}

}  // namespace rdshare

#include "x_errors.h"

#include <mutex>

namespace rdshare {

namespace {
thread_local XErrorTrap* current_trap = nullptr;

int HandleIoError(Display*) { return 0; }

void MarkDead(Display* dpy, void* flag) {
  static_cast<std::atomic<bool>*>(flag)->store(true);
  // _XIOError takes the display's user-level lock for the exit() it expects and never gives it back:
  // left held, closing the display from any other thread would wait forever.
  XUnlockDisplay(dpy);
}
}  // namespace

// Errors outside a trap are asynchronous leftovers (a window vanished between two requests);
// they carry no information the caller could act on, so they are dropped.
int HandleXError(Display*, XErrorEvent* event) {
  if (current_trap != nullptr && current_trap->code_ == 0) current_trap->code_ = event->error_code;
  return 0;
}

void InitXlib() {
  static std::once_flag once;
  std::call_once(once, [] {
    XInitThreads();
    XSetErrorHandler(HandleXError);
    XSetIOErrorHandler(HandleIoError);
  });
}

void WatchConnection(Display* dpy, std::atomic<bool>* dead) { XSetIOErrorExitHandler(dpy, MarkDead, dead); }

XErrorTrap::XErrorTrap() : previous_(current_trap) { current_trap = this; }

XErrorTrap::~XErrorTrap() { current_trap = previous_; }

}  // namespace rdshare

// Process-wide Xlib error policy: protocol errors are trapped per thread instead of aborting the
// process, and a lost connection marks its display dead instead of calling exit().
#pragma once

#include <X11/Xlib.h>

#include <atomic>

namespace rdshare {

/** Calls XInitThreads and installs the error handlers; safe to call many times. */
void InitXlib();

/** Makes a broken connection set `*dead` instead of terminating the process. */
void WatchConnection(Display* dpy, std::atomic<bool>* dead);

/** Collects the first X protocol error raised on this thread while it is alive. */
class XErrorTrap {
 public:
  XErrorTrap();
  ~XErrorTrap();
  XErrorTrap(const XErrorTrap&) = delete;
  XErrorTrap& operator=(const XErrorTrap&) = delete;

  /** 0 when no error was seen, otherwise the X error code (BadWindow, BadMatch, ...). */
  int code() const { return code_; }

 private:
  friend int HandleXError(Display*, XErrorEvent*);
  int code_ = 0;
  XErrorTrap* previous_;
};

}  // namespace rdshare

#include "window_activation.h"

#include "window_list.h"
#include "x_errors.h"

namespace rdshare {

namespace {
// EWMH _NET_ACTIVE_WINDOW source indication: a pager or taskbar acting for the user, which managers
// obey without their focus-stealing prevention (1 would be a plain application).
constexpr long kSourcePager = 2;
}  // namespace

bool ActivateWindow(Display* dpy, Window client, std::string* error) {
  Window root = DefaultRootWindow(dpy);
  XErrorTrap trap;
  if (WindowManagerPresent(dpy, root)) {
    XEvent event{};
    event.xclient.type = ClientMessage;
    event.xclient.window = client;
    event.xclient.message_type = XInternAtom(dpy, "_NET_ACTIVE_WINDOW", False);
    event.xclient.format = 32;
    event.xclient.data.l[0] = kSourcePager;
    event.xclient.data.l[1] = CurrentTime;
    event.xclient.data.l[2] = None;  // the requester has no active window of its own
    XSendEvent(dpy, root, False, SubstructureRedirectMask | SubstructureNotifyMask, &event);
  } else {
    Window top = TopLevelOf(dpy, root, client);
    if (top == None) {
      *error = "the window no longer exists";
      return false;
    }
    XRaiseWindow(dpy, top);
    XSetInputFocus(dpy, client, RevertToPointerRoot, CurrentTime);
  }
  XSync(dpy, False);
  if (trap.code() != 0) {
    *error = "the X server refused to raise and focus it (X error " + std::to_string(trap.code()) +
             "; is it unmapped or gone?)";
    return false;
  }
  return true;
}

}  // namespace rdshare

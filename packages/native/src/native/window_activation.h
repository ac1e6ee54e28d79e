// Bringing a top-level window to the front with the input focus, the way a taskbar does.
#pragma once

#include <X11/Xlib.h>

#include <string>

namespace rdshare {

/**
 * Raises `client` and gives it the input focus: through the window manager (an EWMH `_NET_ACTIVE_WINDOW`
 * request, which also restores a minimized window) when one runs, else directly (XRaiseWindow on its
 * top-level window, XSetInputFocus). Waits until the server has processed the requests; false with
 * `error` set when it refused them.
 */
bool ActivateWindow(Display* dpy, Window client, std::string* error);

}  // namespace rdshare

// Top-level window enumeration: EWMH when a window manager announces itself, otherwise the root's
// children with ICCCM rules (WM_STATE marks a client, override-redirect windows are not top-levels).
#pragma once

#include <X11/Xlib.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace rdshare {

struct WindowRecord {
  uint32_t id = 0;
  std::string title;
  int32_t pid = 0;
  std::string application;  // WM_CLASS class
  std::string instance;     // WM_CLASS instance
  int32_t x = 0, y = 0, width = 0, height = 0;  // the client area
  // The top-level window (the window manager's frame, else the client itself), border included: what
  // the window covers on screen.
  int32_t frame_x = 0, frame_y = 0, frame_width = 0, frame_height = 0;
  bool mapped = false;
  int32_t stack_index = 0;  // 0 is the bottom

  bool operator==(const WindowRecord& o) const {
    return id == o.id && title == o.title && pid == o.pid && application == o.application &&
           instance == o.instance && x == o.x && y == o.y && width == o.width && height == o.height &&
           frame_x == o.frame_x && frame_y == o.frame_y && frame_width == o.frame_width &&
           frame_height == o.frame_height && mapped == o.mapped && stack_index == o.stack_index;
  }
};

/**
 * Whether an EWMH window manager runs: `_NET_SUPPORTING_WM_CHECK` on the root names a window that names
 * itself (a dead manager's stale check window does not).
 */
bool WindowManagerPresent(Display* dpy, Window root);

/** The child of the root that contains `w` (its frame under a reparenting manager), or None. */
Window TopLevelOf(Display* dpy, Window root, Window w);

struct WindowChange {
  enum Type { kOpened, kClosed, kUpdated } type;
  WindowRecord window;
};

/** Everything on the screen's top level, each list bottom to top. */
struct WindowSnapshot {
  std::vector<WindowRecord> windows;  // application windows
  // Mapped override-redirect windows (menus, tooltips, notifications): not application windows, but they
  // cover what lies beneath them.
  std::vector<WindowRecord> popups;
};

class WindowLister {
 public:
  explicit WindowLister(Display* dpy);

  /** Reads the current top-level windows and popups and subscribes to their property changes. */
  WindowSnapshot Snapshot();

  /** Whether a PropertyNotify for `atom` can change the list. */
  bool Relevant(Atom atom) const;

  static std::vector<WindowChange> Diff(const std::vector<WindowRecord>& before,
                                        const std::vector<WindowRecord>& after);

 private:
  bool ReadRecord(Window client, Window frame, WindowRecord* out);
  Window FindClient(Window frame, int depth);
  bool HasProperty(Window w, Atom atom);
  int32_t ServerKnownPid(Window client);
  std::vector<Window> ManagedClients(bool* managed);

  Display* dpy_;
  Window root_;
  Atom net_client_list_stacking_, net_client_list_, net_wm_name_, net_wm_pid_, net_supporting_wm_check_,
      wm_state_, utf8_string_;
  std::set<Window> watched_;
  bool has_client_ids_ = false;           // X-Resource 1.2: the server tells a local client's pid
  std::map<Window, int32_t> server_pids_;  // a window's client never changes, so neither does its pid
};

}  // namespace rdshare

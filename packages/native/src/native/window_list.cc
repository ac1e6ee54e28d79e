#include "window_list.h"

#include <X11/Xatom.h>
#include <X11/Xutil.h>
#include <X11/extensions/XRes.h>

#include <algorithm>
#include <map>

#include "x_errors.h"

namespace rdshare {

namespace {
std::string Latin1ToUtf8(const unsigned char* s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && s[i] != 0; i++) {
    if (s[i] < 0x80) {
      out += static_cast<char>(s[i]);
    } else {
      out += static_cast<char>(0xc0 | (s[i] >> 6));
      out += static_cast<char>(0x80 | (s[i] & 0x3f));
    }
  }
  return out;
}

struct Property {
  Atom type = None;
  int format = 0;
  unsigned long count = 0;
  unsigned char* data = nullptr;
  ~Property() {
    if (data) XFree(data);
  }
};

bool GetProperty(Display* dpy, Window w, Atom atom, Atom type, Property* out) {
  unsigned long after = 0;
  return XGetWindowProperty(dpy, w, atom, 0, 1 << 16, False, type, &out->type, &out->format, &out->count, &after,
                            &out->data) == Success &&
         out->type != None && out->data != nullptr && out->count > 0;
}
}  // namespace

WindowLister::WindowLister(Display* dpy) : dpy_(dpy), root_(DefaultRootWindow(dpy)) {
  net_client_list_stacking_ = XInternAtom(dpy, "_NET_CLIENT_LIST_STACKING", False);
  net_client_list_ = XInternAtom(dpy, "_NET_CLIENT_LIST", False);
  net_wm_name_ = XInternAtom(dpy, "_NET_WM_NAME", False);
  net_wm_pid_ = XInternAtom(dpy, "_NET_WM_PID", False);
  net_supporting_wm_check_ = XInternAtom(dpy, "_NET_SUPPORTING_WM_CHECK", False);
  wm_state_ = XInternAtom(dpy, "WM_STATE", False);
  utf8_string_ = XInternAtom(dpy, "UTF8_STRING", False);
  int event_base = 0, error_base = 0, major = 0, minor = 0;
  has_client_ids_ = XResQueryExtension(dpy, &event_base, &error_base) && XResQueryVersion(dpy, &major, &minor) &&
                    (major > 1 || (major == 1 && minor >= 2));
}

int32_t WindowLister::ServerKnownPid(Window client) {
  auto cached = server_pids_.find(client);
  if (cached != server_pids_.end()) return cached->second;
  int32_t pid = 0;
  XResClientIdSpec spec{client, XRES_CLIENT_ID_PID_MASK};
  long count = 0;
  XResClientIdValue* ids = nullptr;
  if (XResQueryClientIds(dpy_, 1, &spec, &count, &ids) == Success) {
    for (long i = 0; i < count; i++) {
      pid_t found = XResGetClientPid(&ids[i]);
      if (found > 0) pid = static_cast<int32_t>(found);
    }
    XResClientIdsDestroy(count, ids);
  }
  server_pids_[client] = pid;
  return pid;
}

bool WindowLister::Relevant(Atom atom) const {
  return atom == net_client_list_stacking_ || atom == net_client_list_ || atom == net_wm_name_ ||
         atom == XA_WM_NAME || atom == XA_WM_CLASS || atom == net_wm_pid_ || atom == wm_state_ ||
         atom == net_supporting_wm_check_;
}

bool WindowLister::HasProperty(Window w, Atom atom) {
  Property p;
  return GetProperty(dpy_, w, atom, AnyPropertyType, &p);
}

Window WindowLister::FindClient(Window frame, int depth) {
  if (HasProperty(frame, wm_state_)) return frame;
  if (depth == 0) return None;
  Window root, parent, *children = nullptr;
  unsigned int count = 0;
  if (!XQueryTree(dpy_, frame, &root, &parent, &children, &count)) return None;
  Window found = None;
  for (unsigned int i = 0; i < count && found == None; i++) found = FindClient(children[i], depth - 1);
  if (children) XFree(children);
  return found;
}

bool WindowManagerPresent(Display* dpy, Window root) {
  Atom check_atom = XInternAtom(dpy, "_NET_SUPPORTING_WM_CHECK", False);
  Property check;
  if (!GetProperty(dpy, root, check_atom, XA_WINDOW, &check) || check.format != 32) return false;
  Window wm = static_cast<Window>(reinterpret_cast<unsigned long*>(check.data)[0]);
  XErrorTrap trap;  // the check window of a dead manager no longer exists
  Property self;
  return GetProperty(dpy, wm, check_atom, XA_WINDOW, &self) && self.format == 32 &&
         reinterpret_cast<unsigned long*>(self.data)[0] == wm;
}

Window TopLevelOf(Display* dpy, Window root, Window w) {
  // Reparenting managers nest a client one or two levels deep; a few more levels cost little.
  for (int depth = 0; depth < 8 && w != None; depth++) {
    Window root_return, parent, *children = nullptr;
    unsigned int count = 0;
    if (!XQueryTree(dpy, w, &root_return, &parent, &children, &count)) return None;
    if (children) XFree(children);
    if (parent == root) return w;
    w = parent;
  }
  return None;
}

std::vector<Window> WindowLister::ManagedClients(bool* managed) {
  *managed = false;
  if (!WindowManagerPresent(dpy_, root_)) return {};
  Property list;
  if (!GetProperty(dpy_, root_, net_client_list_stacking_, XA_WINDOW, &list) &&
      !GetProperty(dpy_, root_, net_client_list_, XA_WINDOW, &list))
    return {};
  *managed = true;
  std::vector<Window> out;
  for (unsigned long i = 0; i < list.count; i++) out.push_back(reinterpret_cast<unsigned long*>(list.data)[i]);
  return out;
}

bool WindowLister::ReadRecord(Window client, Window frame, WindowRecord* out) {
  XWindowAttributes attrs;
  if (!XGetWindowAttributes(dpy_, frame, &attrs)) return false;
  XWindowAttributes client_attrs = attrs;
  if (client != frame && !XGetWindowAttributes(dpy_, client, &client_attrs)) return false;
  int x = 0, y = 0;
  Window child;
  if (!XTranslateCoordinates(dpy_, client, root_, 0, 0, &x, &y, &child)) return false;
  out->id = static_cast<uint32_t>(client);
  out->x = x;
  out->y = y;
  out->width = client_attrs.width;
  out->height = client_attrs.height;
  // A frame is a child of the root, so its position is already in root coordinates.
  out->frame_x = attrs.x;
  out->frame_y = attrs.y;
  out->frame_width = attrs.width + 2 * attrs.border_width;
  out->frame_height = attrs.height + 2 * attrs.border_width;
  out->mapped = attrs.map_state == IsViewable && client_attrs.map_state == IsViewable;
  // Titles come as UTF8_STRING or, from older tools, as Latin-1 STRING under either property.
  for (Atom atom : {net_wm_name_, static_cast<Atom>(XA_WM_NAME)}) {
    Property name;
    if (!GetProperty(dpy_, client, atom, AnyPropertyType, &name) || name.format != 8) continue;
    out->title = name.type == utf8_string_ ? std::string(reinterpret_cast<char*>(name.data), name.count)
                                           : Latin1ToUtf8(name.data, name.count);
    break;
  }
  {
    Property pid;
    if (GetProperty(dpy_, client, net_wm_pid_, XA_CARDINAL, &pid) && pid.format == 32 && pid.count > 0)
      out->pid = static_cast<int32_t>(reinterpret_cast<unsigned long*>(pid.data)[0]);
  }
  // Many clients (Xt programs, most popups) never set _NET_WM_PID; the server knows the pid of a local one.
  if (out->pid == 0 && has_client_ids_) out->pid = ServerKnownPid(client);
  {
    XClassHint hint{};
    if (XGetClassHint(dpy_, client, &hint)) {
      if (hint.res_name) out->instance = hint.res_name;
      if (hint.res_class) out->application = hint.res_class;
      if (hint.res_name) XFree(hint.res_name);
      if (hint.res_class) XFree(hint.res_class);
    }
  }
  if (watched_.insert(client).second) XSelectInput(dpy_, client, PropertyChangeMask | StructureNotifyMask);
  return true;
}

WindowSnapshot WindowLister::Snapshot() {
  XErrorTrap trap;  // windows may vanish between requests; each read checks its own status
  // The root's children in the server's stacking order, bottom to top: the order that decides what is
  // visible. Managers' _NET_CLIENT_LIST_STACKING is not trusted for it (JWM 2.4 writes it top first).
  std::vector<Window> stack;
  {
    Window root, parent, *children = nullptr;
    unsigned int count = 0;
    if (XQueryTree(dpy_, root_, &root, &parent, &children, &count)) stack.assign(children, children + count);
    if (children) XFree(children);
  }
  WindowSnapshot snapshot;
  std::vector<WindowRecord>& out = snapshot.windows;
  for (Window top : stack) {
    XWindowAttributes attrs;
    if (!XGetWindowAttributes(dpy_, top, &attrs) || !attrs.override_redirect || attrs.c_class != InputOutput ||
        attrs.map_state != IsViewable)
      continue;
    WindowRecord record;
    if (ReadRecord(top, top, &record)) snapshot.popups.push_back(record);
  }
  bool managed = false;
  std::vector<Window> clients = ManagedClients(&managed);
  if (managed) {
    std::map<Window, size_t> position;
    for (size_t i = 0; i < stack.size(); i++) position[stack[i]] = i;
    std::vector<std::pair<size_t, WindowRecord>> placed;
    for (Window client : clients) {
      auto frame = position.find(TopLevelOf(dpy_, root_, client));
      WindowRecord record;
      if (frame != position.end() && ReadRecord(client, frame->first, &record)) placed.emplace_back(frame->second, record);
    }
    std::stable_sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [index, record] : placed) out.push_back(std::move(record));
  } else {
    for (Window top : stack) {
      XWindowAttributes attrs;
      if (!XGetWindowAttributes(dpy_, top, &attrs)) continue;
      if (attrs.override_redirect || attrs.c_class == InputOnly) continue;
      Window client = FindClient(top, 2);
      // Without a window manager nothing sets WM_STATE; a mapped top-level is then the client.
      if (client == None) {
        if (attrs.map_state == IsUnmapped) continue;
        client = top;
      }
      WindowRecord record;
      if (ReadRecord(client, top, &record)) out.push_back(record);
    }
  }
  std::set<Window> alive;
  for (std::vector<WindowRecord>* list : {&snapshot.windows, &snapshot.popups}) {
    for (size_t i = 0; i < list->size(); i++) {
      (*list)[i].stack_index = static_cast<int32_t>(i);
      alive.insert((*list)[i].id);
    }
  }
  for (auto it = watched_.begin(); it != watched_.end();) it = alive.count(*it) ? std::next(it) : watched_.erase(it);
  for (auto it = server_pids_.begin(); it != server_pids_.end();)
    it = alive.count(it->first) ? std::next(it) : server_pids_.erase(it);
  return snapshot;
}

std::vector<WindowChange> WindowLister::Diff(const std::vector<WindowRecord>& before,
                                             const std::vector<WindowRecord>& after) {
  std::map<uint32_t, const WindowRecord*> old;
  for (const WindowRecord& r : before) old[r.id] = &r;
  std::vector<WindowChange> changes;
  for (const WindowRecord& r : after) {
    auto found = old.find(r.id);
    if (found == old.end()) {
      changes.push_back({WindowChange::kOpened, r});
    } else {
      if (!(*found->second == r)) changes.push_back({WindowChange::kUpdated, r});
      old.erase(found);
    }
  }
  for (const auto& [id, r] : old) changes.push_back({WindowChange::kClosed, *r});
  return changes;
}

}  // namespace rdshare

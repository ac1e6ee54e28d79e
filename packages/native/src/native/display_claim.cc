#include "display_claim.h"

#include <X11/Xatom.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "js_error.h"
#include "x_errors.h"

namespace rdshare {

namespace {
// Properties of the owner window that tell a refused session who holds the display.
constexpr const char* kSessionNameProperty = "_RDSHARE_SESSION_NAME";
constexpr const char* kPidProperty = "_NET_WM_PID";

struct Holder {
  long pid = 0;
  std::string name;
  std::string host;
};

std::string ReadString(Display* dpy, Window w, Atom property) {
  Atom type = None;
  int format = 0;
  unsigned long count = 0, after = 0;
  unsigned char* data = nullptr;
  std::string out;
  if (XGetWindowProperty(dpy, w, property, 0, 1024, False, AnyPropertyType, &type, &format, &count, &after, &data) ==
          Success &&
      data != nullptr && format == 8)
    out.assign(reinterpret_cast<char*>(data), count);
  if (data) XFree(data);
  return out;
}

Holder ReadHolder(Display* dpy, Window owner) {
  XErrorTrap trap;  // the owner may be a foreign client's window, or vanish meanwhile
  Holder holder;
  Atom type = None;
  int format = 0;
  unsigned long count = 0, after = 0;
  unsigned char* data = nullptr;
  if (XGetWindowProperty(dpy, owner, XInternAtom(dpy, kPidProperty, False), 0, 1, False, XA_CARDINAL, &type, &format,
                         &count, &after, &data) == Success &&
      data != nullptr && format == 32 && count == 1)
    holder.pid = static_cast<long>(reinterpret_cast<unsigned long*>(data)[0]);
  if (data) XFree(data);
  holder.name = ReadString(dpy, owner, XInternAtom(dpy, kSessionNameProperty, False));
  holder.host = ReadString(dpy, owner, XA_WM_CLIENT_MACHINE);
  return holder;
}
}  // namespace

Napi::Function DisplayClaim::Define(Napi::Env env) {
  return DefineClass(env, "DisplayClaim", {InstanceMethod<&DisplayClaim::Release>("release")});
}

DisplayClaim::DisplayClaim(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DisplayClaim>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsNumber()) {
    ThrowCoded(env, "INVALID_ARGUMENT", "DisplayClaim(display: string, name: string, pid: number)");
    return;
  }
  std::string display = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  unsigned long pid = static_cast<unsigned long>(info[2].As<Napi::Number>().Int64Value());
  InitXlib();
  dpy_ = XOpenDisplay(display.c_str());
  if (dpy_ == nullptr) {
    ThrowCoded(env, "DISPLAY_REFUSED", "cannot connect to X display " + display);
    return;
  }
  WatchConnection(dpy_, &dead_);
  Window root = DefaultRootWindow(dpy_);
  selection_ = XInternAtom(dpy_, ("_RDSHARE_SHARING_S" + std::to_string(DefaultScreen(dpy_))).c_str(), False);

  // Never mapped, input-only and override-redirect: no window manager or window list ever sees it.
  XSetWindowAttributes attrs{};
  attrs.override_redirect = True;
  window_ = XCreateWindow(dpy_, root, -1, -1, 1, 1, 0, 0, InputOnly, CopyFromParent, CWOverrideRedirect, &attrs);
  XChangeProperty(dpy_, window_, XInternAtom(dpy_, kPidProperty, False), XA_CARDINAL, 32, PropModeReplace,
                  reinterpret_cast<unsigned char*>(&pid), 1);
  XChangeProperty(dpy_, window_, XInternAtom(dpy_, kSessionNameProperty, False),
                  XInternAtom(dpy_, "UTF8_STRING", False), 8, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(name.data()), static_cast<int>(name.size()));
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  XChangeProperty(dpy_, window_, XA_WM_CLIENT_MACHINE, XA_STRING, 8, PropModeReplace,
                  reinterpret_cast<unsigned char*>(host), static_cast<int>(strlen(host)));

  // Xlib has no test-and-set for selections; with the server grabbed, "owner is None, take it, check it is
  // ours" cannot interleave with another claimant doing the same.
  XGrabServer(dpy_);
  Window owner = XGetSelectionOwner(dpy_, selection_);
  Holder holder;
  if (owner == None) {
    XSetSelectionOwner(dpy_, selection_, window_, CurrentTime);
    owned_ = XGetSelectionOwner(dpy_, selection_) == window_;
  } else {
    holder = ReadHolder(dpy_, owner);
  }
  XUngrabServer(dpy_);
  XSync(dpy_, False);
  if (owned_ && !dead_) return;

  Drop();
  if (dead_) {
    ThrowCoded(env, "DISPLAY_LOST", DisplayLostMessage(display));
    return;
  }
  Napi::Error error = CodedError(env, "DISPLAY_IN_USE", "X display " + display + " is already shared");
  error.Value().Set("holderPid", Napi::Number::New(env, static_cast<double>(holder.pid)));
  error.Value().Set("holderName", Napi::String::New(env, holder.name));
  error.Value().Set("holderHost", Napi::String::New(env, holder.host));
  error.ThrowAsJavaScriptException();
}

DisplayClaim::~DisplayClaim() { Drop(); }

void DisplayClaim::Drop() {
  if (dpy_ == nullptr) return;
  if (!dead_) {
    // Given up explicitly and synchronised, so that a claim made right after release() finds it free
    // (closing alone would leave that to whenever the server reads the end of the stream).
    if (owned_) XSetSelectionOwner(dpy_, selection_, None, CurrentTime);
    if (window_ != None) XDestroyWindow(dpy_, window_);
    XSync(dpy_, False);
  }
  XCloseDisplay(dpy_);
  dpy_ = nullptr;
  owned_ = false;
}

Napi::Value DisplayClaim::Release(const Napi::CallbackInfo& info) {
  Drop();
  return info.Env().Undefined();
}

}  // namespace rdshare

// An exclusive, cross-process claim on an X screen: ownership of a selection named for rdshare. The X
// server itself releases it when the owning connection goes away, so a crashed sharer leaves no stale lock.
#pragma once

#include <X11/Xlib.h>
#include <napi.h>

#include <atomic>

namespace rdshare {

class DisplayClaim : public Napi::ObjectWrap<DisplayClaim> {
 public:
  static Napi::Function Define(Napi::Env env);
  /** DisplayClaim(display: string, name: string, pid: number); throws DISPLAY_IN_USE when taken. */
  explicit DisplayClaim(const Napi::CallbackInfo& info);
  ~DisplayClaim() override;

 private:
  Napi::Value Release(const Napi::CallbackInfo& info);
  void Drop();

  Display* dpy_ = nullptr;
  std::atomic<bool> dead_{false};
  Atom selection_ = None;
  Window window_ = None;
  bool owned_ = false;
};

}  // namespace rdshare

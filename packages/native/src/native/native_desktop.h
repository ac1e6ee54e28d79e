// The JavaScript face of one X display: three connections (event thread, off-thread requests, input)
// behind one object so that closing it releases all of them.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "event_pump.h"
#include "input_injector.h"
#include "shm_capture.h"

namespace rdshare {

/** The connection that worker threads use for replies (capture, pointer queries), one at a time. */
struct RequestConnection {
  std::string display;
  Display* dpy = nullptr;
  std::mutex mu;
  ShmCapture shm;
  std::atomic<bool> dead{false};
  ~RequestConnection();
};

class NativeDesktop : public Napi::ObjectWrap<NativeDesktop> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit NativeDesktop(const Napi::CallbackInfo& info);
  ~NativeDesktop() override;

 private:
  bool Open(Napi::Env env, const std::string& name, Napi::Function callback);
  bool CheckOpen(Napi::Env env);
  void Shutdown();
  void Deliver(Napi::Env env, Napi::Function callback);

  Napi::Value Geometry(const Napi::CallbackInfo& info);
  Napi::Value Capture(const Napi::CallbackInfo& info);
  Napi::Value AllocateShared(const Napi::CallbackInfo& info);
  Napi::Value SetInterest(const Napi::CallbackInfo& info);
  Napi::Value SetRef(const Napi::CallbackInfo& info);
  Napi::Value Cursor(const Napi::CallbackInfo& info);
  Napi::Value Pointer(const Napi::CallbackInfo& info);
  Napi::Value Windows(const Napi::CallbackInfo& info);
  Napi::Value Activate(const Napi::CallbackInfo& info);
  Napi::Value Popups(const Napi::CallbackInfo& info);
  Napi::Value Locks(const Napi::CallbackInfo& info);
  Napi::Value Key(const Napi::CallbackInfo& info);
  Napi::Value Unicode(const Napi::CallbackInfo& info);
  Napi::Value Move(const Napi::CallbackInfo& info);
  Napi::Value Button(const Napi::CallbackInfo& info);
  Napi::Value SetLocks(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  bool open_ = false;
  std::string name_;
  std::shared_ptr<EventPump> pump_;
  std::shared_ptr<RequestConnection> requests_;
  Display* input_dpy_ = nullptr;
  std::atomic<bool> input_dead_{false};
  InputInjector input_;
  Napi::ThreadSafeFunction tsfn_;
  bool referenced_ = false;
  std::optional<Napi::Env::CleanupHook<std::function<void()>>> cleanup_;
};

}  // namespace rdshare

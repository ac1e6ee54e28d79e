#include "native_desktop.h"

#include <sys/shm.h>

#include "cursor_image.h"
#include "js_error.h"
#include "window_activation.h"
#include "x_errors.h"

namespace rdshare {

namespace {
Napi::Object ToJs(Napi::Env env, const WindowRecord& w) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", Napi::Number::New(env, w.id));
  o.Set("title", Napi::String::New(env, w.title));
  o.Set("pid", Napi::Number::New(env, w.pid));
  o.Set("application", Napi::String::New(env, w.application));
  o.Set("instance", Napi::String::New(env, w.instance));
  o.Set("x", Napi::Number::New(env, w.x));
  o.Set("y", Napi::Number::New(env, w.y));
  o.Set("width", Napi::Number::New(env, w.width));
  o.Set("height", Napi::Number::New(env, w.height));
  o.Set("frameX", Napi::Number::New(env, w.frame_x));
  o.Set("frameY", Napi::Number::New(env, w.frame_y));
  o.Set("frameWidth", Napi::Number::New(env, w.frame_width));
  o.Set("frameHeight", Napi::Number::New(env, w.frame_height));
  o.Set("mapped", Napi::Boolean::New(env, w.mapped));
  o.Set("stackIndex", Napi::Number::New(env, w.stack_index));
  return o;
}

Napi::Array WindowsToJs(Napi::Env env, const std::vector<WindowRecord>& windows) {
  Napi::Array out = Napi::Array::New(env, windows.size());
  for (size_t i = 0; i < windows.size(); i++) out[i] = ToJs(env, windows[i]);
  return out;
}

Napi::Object ToJs(Napi::Env env, const CursorImage& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("width", Napi::Number::New(env, c.width));
  o.Set("height", Napi::Number::New(env, c.height));
  o.Set("xhot", Napi::Number::New(env, c.xhot));
  o.Set("yhot", Napi::Number::New(env, c.yhot));
  o.Set("x", Napi::Number::New(env, c.x));
  o.Set("y", Napi::Number::New(env, c.y));
  o.Set("serial", Napi::Number::New(env, c.serial));
  size_t bytes = c.pixels.size() * 4;
  Napi::Uint8Array pixels = Napi::Uint8Array::New(env, bytes);
  if (bytes) memcpy(pixels.Data(), c.pixels.data(), bytes);
  o.Set("pixels", pixels);
  return o;
}

Napi::Object ToJs(Napi::Env env, const LockState& l) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("caps", Napi::Boolean::New(env, l.caps));
  o.Set("num", Napi::Boolean::New(env, l.num));
  o.Set("scroll", Napi::Boolean::New(env, l.scroll));
  return o;
}

Napi::Int32Array RectsToJs(Napi::Env env, const std::vector<Rect>& rects) {
  Napi::Int32Array out = Napi::Int32Array::New(env, rects.size() * 4);
  for (size_t i = 0; i < rects.size(); i++) {
    out[i * 4] = rects[i].x;
    out[i * 4 + 1] = rects[i].y;
    out[i * 4 + 2] = rects[i].width;
    out[i * 4 + 3] = rects[i].height;
  }
  return out;
}

/** Reads the root rectangle into a caller-owned array that is kept alive until the promise settles. */
class CaptureWorker : public Napi::AsyncWorker {
 public:
  CaptureWorker(Napi::Env env, std::shared_ptr<RequestConnection> conn, Napi::Uint8Array target, Rect rect,
                size_t offset, size_t stride)
      : Napi::AsyncWorker(env, "rdshare.capture"),
        deferred_(Napi::Promise::Deferred::New(env)),
        conn_(std::move(conn)),
        target_(Napi::Persistent(target)),
        data_(target.Data() + offset),
        rect_(rect),
        stride_(stride) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::lock_guard<std::mutex> lock(conn_->mu);
    std::string error;
    if (conn_->dead || !conn_->shm.Capture(rect_.x, rect_.y, rect_.width, rect_.height, data_, stride_, &error)) {
      code_ = conn_->dead ? "DISPLAY_LOST" : "CAPTURE_FAILED";
      SetError(conn_->dead ? DisplayLostMessage(conn_->display) : error);
    }
  }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(CodedError(Env(), code_, e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<RequestConnection> conn_;
  Napi::Reference<Napi::Uint8Array> target_;
  uint8_t* data_;
  Rect rect_;
  size_t stride_;
  std::string code_;
};

class PointerWorker : public Napi::AsyncWorker {
 public:
  PointerWorker(Napi::Env env, std::shared_ptr<RequestConnection> conn)
      : Napi::AsyncWorker(env, "rdshare.pointer"), deferred_(Napi::Promise::Deferred::New(env)), conn_(std::move(conn)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::lock_guard<std::mutex> lock(conn_->mu);
    Window root, child;
    int wx, wy;
    unsigned int mask;
    if (conn_->dead ||
        !XQueryPointer(conn_->dpy, DefaultRootWindow(conn_->dpy), &root, &child, &x_, &y_, &wx, &wy, &mask))
      SetError(DisplayLostMessage(conn_->display));
  }

  void OnOK() override {
    Napi::Object o = Napi::Object::New(Env());
    o.Set("x", x_);
    o.Set("y", y_);
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(CodedError(Env(), "DISPLAY_LOST", e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<RequestConnection> conn_;
  int x_ = 0, y_ = 0;
};

class ActivateWorker : public Napi::AsyncWorker {
 public:
  ActivateWorker(Napi::Env env, std::shared_ptr<RequestConnection> conn, Window window)
      : Napi::AsyncWorker(env, "rdshare.activate"),
        deferred_(Napi::Promise::Deferred::New(env)),
        conn_(std::move(conn)),
        window_(window) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::lock_guard<std::mutex> lock(conn_->mu);
    std::string error;
    if (conn_->dead || !ActivateWindow(conn_->dpy, window_, &error)) {
      code_ = conn_->dead ? "DISPLAY_LOST" : "NO_SUCH_WINDOW";
      SetError(conn_->dead ? DisplayLostMessage(conn_->display) : error);
    }
  }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(CodedError(Env(), code_, e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<RequestConnection> conn_;
  Window window_;
  std::string code_;
};
}  // namespace

RequestConnection::~RequestConnection() {
  if (dpy == nullptr) return;
  shm.Release();
  XCloseDisplay(dpy);  // also on a dead connection: Xlib then only frees the socket and memory
}

Napi::Function NativeDesktop::Define(Napi::Env env) {
  return DefineClass(env, "NativeDesktop",
                     {
                         InstanceMethod<&NativeDesktop::Geometry>("geometry"),
                         InstanceMethod<&NativeDesktop::Capture>("capture"),
                         InstanceMethod<&NativeDesktop::AllocateShared>("allocateShared"),
                         InstanceMethod<&NativeDesktop::SetInterest>("setInterest"),
                         InstanceMethod<&NativeDesktop::SetRef>("setRef"),
                         InstanceMethod<&NativeDesktop::Cursor>("cursor"),
                         InstanceMethod<&NativeDesktop::Pointer>("pointer"),
                         InstanceMethod<&NativeDesktop::Windows>("windows"),
                         InstanceMethod<&NativeDesktop::Activate>("activate"),
                         InstanceMethod<&NativeDesktop::Popups>("popups"),
                         InstanceMethod<&NativeDesktop::Locks>("locks"),
                         InstanceMethod<&NativeDesktop::Key>("key"),
                         InstanceMethod<&NativeDesktop::Unicode>("unicode"),
                         InstanceMethod<&NativeDesktop::Move>("move"),
                         InstanceMethod<&NativeDesktop::Button>("button"),
                         InstanceMethod<&NativeDesktop::SetLocks>("setLocks"),
                         InstanceMethod<&NativeDesktop::Stats>("stats"),
                         InstanceMethod<&NativeDesktop::Close>("close"),
                     });
}

NativeDesktop::NativeDesktop(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeDesktop>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsFunction()) {
    ThrowCoded(env, "INVALID_ARGUMENT", "NativeDesktop(display: string, onEvent: function)");
    return;
  }
  InitXlib();
  if (!Open(env, info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Function>())) Shutdown();
}

NativeDesktop::~NativeDesktop() { Shutdown(); }

bool NativeDesktop::Open(Napi::Env env, const std::string& name, Napi::Function callback) {
  std::string code, error;
  pump_ = std::make_shared<EventPump>();
  if (!pump_->Open(name, &code, &error)) {
    ThrowCoded(env, code, error);
    return false;
  }
  name_ = name;
  requests_ = std::make_shared<RequestConnection>();
  requests_->display = name;
  requests_->dpy = XOpenDisplay(name.c_str());
  input_dpy_ = XOpenDisplay(name.c_str());
  if (requests_->dpy == nullptr || input_dpy_ == nullptr) {
    ThrowCoded(env, "DISPLAY_REFUSED", "cannot open more connections to X display " + name);
    return false;
  }
  WatchConnection(requests_->dpy, &requests_->dead);
  WatchConnection(input_dpy_, &input_dead_);
  if (!requests_->shm.Init(requests_->dpy, &error)) {
    ThrowCoded(env, "MISSING_EXTENSION", error);
    return false;
  }
  if (!input_.Init(input_dpy_, &error)) {
    ThrowCoded(env, "MISSING_EXTENSION", error);
    return false;
  }
  tsfn_ = Napi::ThreadSafeFunction::New(env, callback, "rdshare.x11-events", 0, 1);
  tsfn_.Unref(env);
  std::weak_ptr<EventPump> weak = pump_;
  Napi::ThreadSafeFunction tsfn = tsfn_;
  pump_->Start([tsfn, weak, this]() mutable {
    tsfn.NonBlockingCall([weak, this](Napi::Env env, Napi::Function fn) {
      if (weak.lock()) Deliver(env, fn);
    });
  });
  // Wrapper deletes the hook's data itself after running it, so the hook must not Remove() itself.
  cleanup_.emplace(env.AddCleanupHook(std::function<void()>([this] {
    cleanup_.reset();
    Shutdown();
  })));
  open_ = true;
  return true;
}

void NativeDesktop::Deliver(Napi::Env env, Napi::Function callback) {
  if (!open_) return;
  Delivery d = pump_->Take();
  Napi::Object event = Napi::Object::New(env);
  if (!d.damage.empty()) event.Set("damage", RectsToJs(env, d.damage));
  if (d.resized) {
    Napi::Object size = Napi::Object::New(env);
    size.Set("width", d.width);
    size.Set("height", d.height);
    event.Set("resize", size);
  }
  if (d.cursor) event.Set("cursor", ToJs(env, *d.cursor));
  if (d.moved) {
    Napi::Object p = Napi::Object::New(env);
    p.Set("x", d.pointer_x);
    p.Set("y", d.pointer_y);
    event.Set("pointer", p);
  }
  if (!d.window_changes.empty()) {
    Napi::Array changes = Napi::Array::New(env, d.window_changes.size());
    static const char* kTypes[] = {"opened", "closed", "updated"};
    for (size_t i = 0; i < d.window_changes.size(); i++) {
      Napi::Object c = Napi::Object::New(env);
      c.Set("type", kTypes[d.window_changes[i].type]);
      c.Set("window", ToJs(env, d.window_changes[i].window));
      changes[i] = c;
    }
    event.Set("windows", changes);
  }
  if (d.popups_changed) event.Set("popups", WindowsToJs(env, d.popups));
  if (d.locks_changed) event.Set("locks", ToJs(env, d.locks));
  if (d.lost) event.Set("lost", true);
  callback.Call({event});
}

void NativeDesktop::Shutdown() {
  bool had_tsfn = open_;
  open_ = false;
  // Nothing is restored on a server that is gone: every request would only meet the broken socket.
  bool pump_lost = pump_ && pump_->lost();
  if (pump_) pump_->Stop();
  pump_.reset();
  requests_.reset();  // in-flight workers keep it until they finish
  if (input_dpy_ != nullptr) {
    if (!input_dead_ && !pump_lost) input_.Restore();
    XCloseDisplay(input_dpy_);
    input_dpy_ = nullptr;
  }
  if (had_tsfn) tsfn_.Release();
  if (cleanup_) {
    cleanup_->Remove(Env());
    cleanup_.reset();
  }
}

bool NativeDesktop::CheckOpen(Napi::Env env) {
  if (!open_) {
    ThrowCoded(env, "CLOSED", "the display connection is closed");
    return false;
  }
  if (pump_->lost() || requests_->dead || input_dead_) {
    ThrowCoded(env, "DISPLAY_LOST", DisplayLostMessage(name_));
    return false;
  }
  return true;
}

Napi::Value NativeDesktop::Geometry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  Napi::Object o = Napi::Object::New(env);
  o.Set("width", pump_->width());
  o.Set("height", pump_->height());
  o.Set("depth", pump_->depth());
  return o;
}

// capture(x, y, width, height, target: Uint8Array, offset, stride): Promise<void>
Napi::Value NativeDesktop::Capture(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (info.Length() < 7 || !info[4].IsTypedArray() ||
      info[4].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    return ThrowCoded(env, "INVALID_ARGUMENT", "capture(x, y, width, height, target: Uint8Array, offset, stride)");
  Rect r{info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
         info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value()};
  Napi::Uint8Array target = info[4].As<Napi::Uint8Array>();
  int64_t offset = info[5].As<Napi::Number>().Int64Value(), stride = info[6].As<Napi::Number>().Int64Value();
  int w = pump_->width(), h = pump_->height();
  if (r.width <= 0 || r.height <= 0 || r.x < 0 || r.y < 0 || r.x + r.width > w || r.y + r.height > h)
    return ThrowCoded(env, "OUT_OF_BOUNDS",
                      "rectangle " + std::to_string(r.width) + "x" + std::to_string(r.height) + "+" +
                          std::to_string(r.x) + "+" + std::to_string(r.y) + " is empty or outside the " +
                          std::to_string(w) + "x" + std::to_string(h) + " screen");
  int64_t needed = offset + stride * (r.height - 1) + static_cast<int64_t>(r.width) * 4;
  if (offset < 0 || stride < static_cast<int64_t>(r.width) * 4 || needed > static_cast<int64_t>(target.ByteLength()))
    return ThrowCoded(env, "OUT_OF_BOUNDS", "the target frame is too small for the captured rectangle");
  auto* worker = new CaptureWorker(env, requests_, target, r, static_cast<size_t>(offset), static_cast<size_t>(stride));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

/** What the finalizer of a shared frame's buffer needs: the memory, and the connection that may still hold it. */
struct SharedFrame {
  uint8_t* data;
  std::weak_ptr<RequestConnection> conn;
};

// allocateShared(bytes): ArrayBuffer | undefined. Zeroed memory the X server captures into without a copy;
// undefined when shared memory runs out (or external buffers are not allowed): allocate ordinary memory then.
Napi::Value NativeDesktop::AllocateShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsNumber() || info[0].As<Napi::Number>().DoubleValue() < 1)
    return ThrowCoded(env, "INVALID_ARGUMENT", "allocateShared(bytes: positive integer)");
  size_t bytes = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  uint8_t* data = requests_->shm.AllocateShared(bytes);
  if (data == nullptr) return env.Undefined();
  auto* hint = new SharedFrame{data, requests_};
  napi_value buffer;
  napi_status status = napi_create_external_arraybuffer(
      env, data, bytes,
      [](napi_env, void*, void* h) {
        std::unique_ptr<SharedFrame> frame(static_cast<SharedFrame*>(h));
        if (auto conn = frame->conn.lock()) {
          conn->shm.FreeShared(frame->data);
        } else {
          // The connection closed, and the server let go of the segment with it.
          shmdt(frame->data);
        }
      },
      hint, &buffer);
  if (status != napi_ok) {
    delete hint;
    requests_->shm.FreeShared(data);
    // The pending exception of a refused external buffer is cleared: the caller falls back to its own memory.
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return env.Undefined();
  }
  return Napi::Value(env, buffer);
}

// setInterest(damage: boolean, pointer: boolean, damageIntervalMs: number)
Napi::Value NativeDesktop::SetInterest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  pump_->SetInterest(info[0].ToBoolean(), info[1].ToBoolean(), info[2].ToNumber().Int32Value());
  return env.Undefined();
}

// setRef(keepAlive: boolean): whether pending event listeners keep the process alive.
Napi::Value NativeDesktop::SetRef(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!open_) return env.Undefined();
  bool want = info[0].ToBoolean();
  if (want && !referenced_) tsfn_.Ref(env);
  if (!want && referenced_) tsfn_.Unref(env);
  referenced_ = want;
  return env.Undefined();
}

Napi::Value NativeDesktop::Cursor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  auto cursor = pump_->cursor();
  return cursor ? ToJs(env, *cursor) : env.Null();
}

Napi::Value NativeDesktop::Pointer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  auto* worker = new PointerWorker(env, requests_);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value NativeDesktop::Windows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  return WindowsToJs(env, pump_->windows());
}

Napi::Value NativeDesktop::Popups(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  return WindowsToJs(env, pump_->popups());
}

// activate(id): Promise<void>; only listed windows, so that no other client's windows can be poked.
Napi::Value NativeDesktop::Activate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  int64_t id = info[0].ToNumber().Int64Value();
  bool listed = false;
  for (const WindowRecord& w : pump_->windows()) listed = listed || w.id == id;
  if (!listed)
    return ThrowCoded(env, "NO_SUCH_WINDOW", "window " + std::to_string(id) + " is not a listed top-level window");
  auto* worker = new ActivateWorker(env, requests_, static_cast<Window>(id));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value NativeDesktop::Locks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  return ToJs(env, pump_->locks());
}

// key(scancode, extended, down)
Napi::Value NativeDesktop::Key(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  int64_t code = info[0].ToNumber().Int64Value();
  bool extended = info[1].ToBoolean();
  int keycode = code >= 0 && code < 128 ? input_.KeycodeForScancode(static_cast<uint8_t>(code), extended) : 0;
  if (keycode == 0) {
    char hex[8];
    snprintf(hex, sizeof hex, "0x%02llx", static_cast<long long>(code & 0xffff));
    return ThrowCoded(env, "INVALID_SCANCODE",
                      std::string("scancode ") + (extended ? "E0 " : "") + hex +
                          " names no key of this keyboard (set-1 make codes are 0x01-0x7f)");
  }
  input_.Key(keycode, info[2].ToBoolean());
  return env.Undefined();
}

// unicode(codePoint, down)
Napi::Value NativeDesktop::Unicode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  int64_t cp = info[0].ToNumber().Int64Value();
  if (cp < 0 || cp > 0x10ffff || !input_.Unicode(static_cast<uint32_t>(cp), info[1].ToBoolean()))
    return ThrowCoded(env, "INVALID_ARGUMENT", "code point " + std::to_string(cp) + " cannot be typed");
  return env.Undefined();
}

Napi::Value NativeDesktop::Move(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  input_.Move(info[0].ToNumber().Int32Value(), info[1].ToNumber().Int32Value());
  return env.Undefined();
}

Napi::Value NativeDesktop::Button(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  input_.Button(info[0].ToNumber().Int32Value(), info[1].ToBoolean());
  return env.Undefined();
}

Napi::Value NativeDesktop::SetLocks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  input_.SetLocks(info[0].ToBoolean(), info[1].ToBoolean(), info[2].ToBoolean());
  return env.Undefined();
}

// stats(): how the event thread follows the pointer, for tests and diagnostics.
Napi::Value NativeDesktop::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  Napi::Object o = Napi::Object::New(env);
  o.Set("rawMotion", Napi::Boolean::New(env, pump_->raw_motion()));
  o.Set("pointerQueries", Napi::Number::New(env, static_cast<double>(pump_->pointer_queries())));
  o.Set("capturesInPlace", Napi::Number::New(env, static_cast<double>(requests_->shm.in_place())));
  return o;
}

Napi::Value NativeDesktop::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

}  // namespace rdshare

#include "yuv_bindings.h"

#include "js_error.h"
#include "napi_bytes.h"
#include "yuv_convert.h"

namespace rdshare {

namespace {
class Yuv444Worker : public Napi::AsyncWorker {
 public:
  Yuv444Worker(Napi::Env env, Napi::Uint8Array frame, size_t stride, int width, int height, Napi::Uint8Array y,
               Napi::Uint8Array u, Napi::Uint8Array v, size_t plane_stride)
      : Napi::AsyncWorker(env, "rdshare.bgrxToYuv444"),
        deferred_(Napi::Promise::Deferred::New(env)),
        refs_{Napi::Persistent(frame), Napi::Persistent(y), Napi::Persistent(u), Napi::Persistent(v)},
        frame_(frame.Data()),
        stride_(stride),
        width_(width),
        height_(height),
        out_{y.Data(), u.Data(), v.Data(), plane_stride} {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { BgrxToYuv444(frame_, stride_, width_, height_, out_); }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Uint8Array> refs_[4];
  const uint8_t* frame_;
  size_t stride_;
  int width_, height_;
  Yuv444View out_;
};
}  // namespace

Napi::Value BgrxToYuv444Async(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 8 || !IsBytes(info[0]) || !IsBytes(info[4]) || !IsBytes(info[5]) || !IsBytes(info[6]))
    return ThrowCoded(env, "INVALID_ARGUMENT", "bgrxToYuv444: expected a frame, its geometry and three planes");
  auto num = [&](int i) { return info[i].ToNumber().Int64Value(); };
  const int64_t stride = num(1), width = num(2), height = num(3), plane_stride = num(7);
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384 || stride < width * 4 || plane_stride < width)
    return ThrowCoded(env, "INVALID_ARGUMENT", "bgrxToYuv444: invalid size or stride");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
  Napi::Uint8Array planes[3] = {info[4].As<Napi::Uint8Array>(), info[5].As<Napi::Uint8Array>(),
                                info[6].As<Napi::Uint8Array>()};
  // The TypeScript layer validates first; this re-check keeps a bad call from touching memory out of bounds.
  if (static_cast<int64_t>(frame.ByteLength()) < stride * (height - 1) + width * 4)
    return ThrowCoded(env, "OUT_OF_BOUNDS", "bgrxToYuv444: the frame is smaller than its size says");
  for (const Napi::Uint8Array& plane : planes) {
    if (static_cast<int64_t>(plane.ByteLength()) < plane_stride * (height - 1) + width)
      return ThrowCoded(env, "OUT_OF_BOUNDS", "bgrxToYuv444: a plane is smaller than the frame");
  }
  auto* worker = new Yuv444Worker(env, frame, static_cast<size_t>(stride), static_cast<int>(width),
                                  static_cast<int>(height), planes[0], planes[1], planes[2],
                                  static_cast<size_t>(plane_stride));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace rdshare

#include "yuv_bindings.h"

#include "js_error.h"
#include <vector>

#include "napi_bytes.h"
#include "plane_shuffle.h"
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
class ShuffleWorker : public Napi::AsyncWorker {
 public:
  ShuffleWorker(Napi::Env env, std::vector<Napi::Reference<Napi::Uint8Array>> refs, std::vector<PlaneView> planes,
                std::vector<PlaneCopy> copies)
      : Napi::AsyncWorker(env, "rdshare.shufflePlanes"),
        deferred_(Napi::Promise::Deferred::New(env)),
        refs_(std::move(refs)),
        planes_(std::move(planes)),
        copies_(std::move(copies)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { ShufflePlanes(planes_.data(), copies_.data(), copies_.size()); }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::Reference<Napi::Uint8Array>> refs_;
  std::vector<PlaneView> planes_;
  std::vector<PlaneCopy> copies_;
};

// The last byte a copy touches in plane `view` of `length` bytes, reading (rows, columns) from its origin with the
// given steps; false when it falls outside.
bool Inside(int64_t x, int64_t y, int64_t step_x, int64_t step_y, int64_t width, int64_t height, int64_t extra,
            size_t stride, size_t length) {
  if (x < 0 || y < 0 || step_x < 1 || step_y < 1 || width < 0 || height < 0) return false;
  if (width == 0 || height == 0) return true;
  const int64_t last_x = x + (width - 1) * step_x + extra, last_y = y + (height - 1) * step_y + extra;
  return last_x < static_cast<int64_t>(stride) && last_y * static_cast<int64_t>(stride) + last_x < static_cast<int64_t>(length);
}
}  // namespace

Napi::Value ShufflePlanesAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsArray() || !info[1].IsArray() || !info[2].IsTypedArray() ||
      info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    return ThrowCoded(env, "INVALID_ARGUMENT", "shufflePlanes: expected planes, their strides and an Int32Array");
  Napi::Array list = info[0].As<Napi::Array>(), strides = info[1].As<Napi::Array>();
  if (list.Length() != strides.Length() || list.Length() > 64)
    return ThrowCoded(env, "INVALID_ARGUMENT", "shufflePlanes: one stride per plane, at most 64 planes");
  std::vector<Napi::Reference<Napi::Uint8Array>> refs;
  std::vector<PlaneView> planes;
  std::vector<size_t> lengths;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value plane = list.Get(i);
    int64_t stride = strides.Get(i).ToNumber().Int64Value();
    if (!IsBytes(plane) || stride < 1) return ThrowCoded(env, "INVALID_ARGUMENT", "shufflePlanes: a plane is not a Uint8Array with a stride");
    Napi::Uint8Array bytes = plane.As<Napi::Uint8Array>();
    refs.push_back(Napi::Persistent(bytes));
    planes.push_back(PlaneView{bytes.Data(), static_cast<size_t>(stride)});
    lengths.push_back(bytes.ByteLength());
  }
  Napi::Int32Array fields = info[2].As<Napi::Int32Array>();
  if (fields.ElementLength() % kPlaneCopyFields != 0)
    return ThrowCoded(env, "INVALID_ARGUMENT", "shufflePlanes: the copies are not whole records");
  std::vector<PlaneCopy> copies;
  for (size_t at = 0; at < fields.ElementLength(); at += kPlaneCopyFields) {
    const int32_t* f = fields.Data() + at;
    PlaneCopy k{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10] != 0};
    const int64_t count = static_cast<int64_t>(planes.size());
    if (k.from < 0 || k.from >= count || k.to < 0 || k.to >= count ||
        !Inside(k.from_x, k.from_y, k.step_x, k.step_y, k.width, k.height, k.mean ? 1 : 0, planes[k.from].stride,
                lengths[k.from]) ||
        !Inside(k.to_x, k.to_y, 1, 1, k.width, k.height, 0, planes[k.to].stride, lengths[k.to]))
      return ThrowCoded(env, "OUT_OF_BOUNDS", "shufflePlanes: a copy reaches outside its planes");
    copies.push_back(k);
  }
  auto* worker = new ShuffleWorker(env, std::move(refs), std::move(planes), std::move(copies));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

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

#include "tile_bindings.h"

#include "js_error.h"
#include "napi_bytes.h"
#include "tile_diff.h"

namespace rdshare {

namespace {
class DiffWorker : public Napi::AsyncWorker {
 public:
  DiffWorker(Napi::Env env, Napi::Uint8Array stored, FrameView stored_view, Napi::Uint8Array incoming,
             FrameView incoming_view, Rect region, int tile, bool copy)
      : Napi::AsyncWorker(env, "rdshare.diffTiles"),
        deferred_(Napi::Promise::Deferred::New(env)),
        stored_ref_(Napi::Persistent(stored)),
        incoming_ref_(Napi::Persistent(incoming)),
        stored_(stored_view),
        incoming_(incoming_view),
        region_(region),
        tile_(tile),
        copy_(copy) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { DiffTiles(stored_, incoming_, region_, tile_, copy_, &changed_); }

  void OnOK() override {
    Napi::Int32Array out = Napi::Int32Array::New(Env(), changed_.size() * 4);
    for (size_t i = 0; i < changed_.size(); i++) {
      out[i * 4] = changed_[i].x;
      out[i * 4 + 1] = changed_[i].y;
      out[i * 4 + 2] = changed_[i].width;
      out[i * 4 + 3] = changed_[i].height;
    }
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Uint8Array> stored_ref_, incoming_ref_;
  FrameView stored_, incoming_;
  Rect region_;
  int tile_;
  bool copy_;
  std::vector<Rect> changed_;
};

// The TypeScript layer validates first; this re-check keeps a bad call from reading out of bounds.
bool Fits(Napi::Uint8Array bytes, int64_t offset, int64_t stride, const Rect& r) {
  if (offset < 0 || stride <= 0) return false;
  int64_t last = offset + stride * (r.y + r.height - 1) + static_cast<int64_t>(r.x + r.width) * 4;
  return last <= static_cast<int64_t>(bytes.ByteLength());
}
}  // namespace

Napi::Value DiffTilesAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12 || !IsBytes(info[0]) || !IsBytes(info[3]))
    return ThrowCoded(env, "INVALID_ARGUMENT", "diffTiles: expected two Uint8Array frames and a region");
  auto num = [&](int i) { return info[i].ToNumber().Int64Value(); };
  Rect region{static_cast<int32_t>(num(6)), static_cast<int32_t>(num(7)), static_cast<int32_t>(num(8)),
              static_cast<int32_t>(num(9))};
  int64_t tile = num(10);
  Napi::Uint8Array stored = info[0].As<Napi::Uint8Array>(), incoming = info[3].As<Napi::Uint8Array>();
  if (region.x < 0 || region.y < 0 || region.width < 0 || region.height < 0 || tile < 1 || tile > 4096)
    return ThrowCoded(env, "INVALID_ARGUMENT", "diffTiles: negative region or tile size outside 1..4096");
  if (region.width > 0 && region.height > 0 &&
      (!Fits(stored, num(1), num(2), region) || !Fits(incoming, num(4), num(5), region)))
    return ThrowCoded(env, "OUT_OF_BOUNDS", "diffTiles: the region does not fit inside both frames");
  FrameView stored_view{stored.Data() + num(1), static_cast<size_t>(num(2))};
  FrameView incoming_view{incoming.Data() + num(4), static_cast<size_t>(num(5))};
  auto* worker = new DiffWorker(env, stored, stored_view, incoming, incoming_view, region, static_cast<int>(tile),
                                info[11].ToBoolean());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace rdshare

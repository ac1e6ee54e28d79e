#pragma once

#include <napi.h>

#include <memory>

namespace rdshare {

struct H264EncoderState;

/**
 * An OpenH264 encoder for one picture size: `new H264Encoder(width, height, frameRate, bitrate, screen,
 * temporalLayers, qp)` (qp 0: rate control), then `encode(data, stride, output, keyFrame, changed?)` (BGRX;
 * `changed`, an Int32Array of x, y, width, height quads, limits the conversion to what changed since the last) or
 * `encodeI420(y, u, v, yStride, uvStride, output, keyFrame)` resolves `{ byteLength, keyFrame }` after encoding on a
 * libuv worker; `setRate(frameRate, bitrate)` changes the rate control's plan from the next encode on.
 * One encode at a time (ENCODER_BUSY otherwise). OpenH264 must have been loaded with loadOpenH264() first.
 */
class H264Encoder : public Napi::ObjectWrap<H264Encoder> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit H264Encoder(const Napi::CallbackInfo& info);

 private:
  Napi::Value Encode(const Napi::CallbackInfo& info);
  void SetRate(const Napi::CallbackInfo& info);
  Napi::Value EncodeI420(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  // Shared with the worker of an encode in flight, so close() or garbage collection never frees it under the worker.
  std::shared_ptr<H264EncoderState> state_;
};

}  // namespace rdshare

#pragma once

#include <napi.h>

#include <memory>

namespace rdshare {

struct H264DecoderState;

/**
 * An OpenH264 decoder: `decode(accessUnit, output, planes)` decodes on a libuv worker into `output` as BGRA (stride
 * width * 4), or with `planes` as the picture's Y, U and V planes one after another (rows of width and
 * ceil(width / 2) bytes), and resolves `{ width, height }`, or undefined when no picture came out. One decode at a time
 * (DECODER_BUSY otherwise; the TypeScript layer queues). OpenH264 must have been loaded with loadOpenH264() first.
 */
class H264Decoder : public Napi::ObjectWrap<H264Decoder> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit H264Decoder(const Napi::CallbackInfo& info);

 private:
  Napi::Value Decode(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  std::shared_ptr<H264DecoderState> state_;
};

}  // namespace rdshare

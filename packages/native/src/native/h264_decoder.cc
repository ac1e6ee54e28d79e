#include "h264_decoder.h"

#include <algorithm>
#include <sstream>
#include <string>

#include "coded_promise_worker.h"
#include "js_error.h"
#include "napi_bytes.h"
#include "openh264_library.h"
#include "yuv_convert.h"

namespace rdshare {

struct H264DecoderState {
  const OpenH264* library = nullptr;
  ISVCDecoder* decoder = nullptr;
  bool busy = false;  // touched on the JS thread only
  bool closed = false;

  ~H264DecoderState() { Destroy(); }

  void Destroy() {
    if (decoder == nullptr) return;
    decoder->Uninitialize();
    library->destroy_decoder(decoder);
    decoder = nullptr;
  }
};

namespace {
// States after which the input itself is at fault; the others (no parameter sets yet, a lost reference, a picture
// still pending) only mean that no picture is ready.
constexpr int kFatalStates = dsBitstreamError | dsInvalidArgument | dsInitialOptExpected | dsOutOfMemory;

class DecodeWorker : public CodedPromiseWorker<H264DecoderState> {
 public:
  DecodeWorker(Napi::Env env, std::shared_ptr<H264DecoderState> state, Napi::Uint8Array input,
               Napi::Uint8Array output, bool planes)
      : CodedPromiseWorker(env, "rdshare.h264Decode", std::move(state)),
        planes_(planes),
        input_ref_(Napi::Persistent(input)),
        output_ref_(Napi::Persistent(output)),
        input_(input.Data()),
        input_length_(input.ByteLength()),
        output_(output.Data()),
        capacity_(output.ByteLength()) {}

  void Execute() override {
    uint8_t* planes[3] = {nullptr, nullptr, nullptr};
    SBufferInfo info{};
    ISVCDecoder* decoder = state().decoder;
    int status = decoder->DecodeFrameNoDelay(input_, static_cast<int>(input_length_), planes, &info);
    // Outside the baseline profiles OpenH264 keeps decoded pictures for display reordering and hands each out only
    // when the next one arrives (x264's High profile, as freerdp-shadow-cli sends, included). RDP streams have no
    // B-frames, so decoding order is display order: the newest decoded picture is the one to show now, not after the
    // next update, which may never come once motion stops.
    int remaining = 0;
    while (decoder->GetOption(DECODER_OPTION_NUM_OF_FRAMES_REMAINING_IN_BUFFER, &remaining) == cmResultSuccess &&
           remaining > 0) {
      uint8_t* flushed[3] = {nullptr, nullptr, nullptr};
      SBufferInfo flushed_info{};
      decoder->FlushFrame(flushed, &flushed_info);
      if (flushed_info.iBufferStatus != 1) break;
      std::copy(flushed, flushed + 3, planes);
      info = flushed_info;
    }
    if (info.iBufferStatus != 1) {
      if (status & kFatalStates) {
        std::ostringstream message;
        message << "OpenH264 could not decode the access unit (decoding state 0x" << std::hex << status << ")";
        Fail("DECODE_FAILED", message.str());
      }
      return;
    }
    const SSysMEMBuffer& picture = info.UsrData.sSystemBuffer;
    const size_t width = picture.iWidth;
    const size_t height = picture.iHeight;
    const size_t chroma_width = (width + 1) / 2;
    const size_t chroma_height = (height + 1) / 2;
    const size_t needed = planes_ ? width * height + 2 * chroma_width * chroma_height : width * height * 4;
    if (needed > capacity_) {
      Fail("OUTPUT_TOO_SMALL", "the decoded " + std::to_string(width) + "x" + std::to_string(height) +
                                   " picture needs " + std::to_string(needed) + " bytes and the output holds " +
                                   std::to_string(capacity_));
      return;
    }
    if (planes_) {
      CopyPlane(planes[0], picture.iStride[0], width, height, output_);
      CopyPlane(planes[1], picture.iStride[1], chroma_width, chroma_height, output_ + width * height);
      CopyPlane(planes[2], picture.iStride[1], chroma_width, chroma_height,
                output_ + width * height + chroma_width * chroma_height);
    } else {
      I420ToBgra(planes[0], planes[1], planes[2], picture.iStride[0], picture.iStride[1], picture.iWidth,
                 picture.iHeight, output_, width * 4);
    }
    width_ = picture.iWidth;
    height_ = picture.iHeight;
  }

  Napi::Value Result() override {
    if (width_ == 0) return Env().Undefined();
    Napi::Object result = Napi::Object::New(Env());
    result.Set("width", Napi::Number::New(Env(), width_));
    result.Set("height", Napi::Number::New(Env(), height_));
    return result;
  }

 private:
  static void CopyPlane(const uint8_t* from, size_t stride, size_t width, size_t height, uint8_t* to) {
    for (size_t row = 0; row < height; row++) {
      std::copy(from + row * stride, from + row * stride + width, to + row * width);
    }
  }

  bool planes_;
  Napi::Reference<Napi::Uint8Array> input_ref_, output_ref_;
  const uint8_t* input_;
  size_t input_length_;
  uint8_t* output_;
  size_t capacity_;
  int width_ = 0;
  int height_ = 0;
};
}  // namespace

Napi::Function H264Decoder::Define(Napi::Env env) {
  return DefineClass(env, "H264Decoder",
                     {InstanceMethod<&H264Decoder::Decode>("decode"), InstanceMethod<&H264Decoder::Close>("close")});
}

H264Decoder::H264Decoder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<H264Decoder>(info) {
  Napi::Env env = info.Env();
  const OpenH264* library = LoadedOpenH264();
  if (library == nullptr) {
    ThrowCoded(env, "H264_UNAVAILABLE", "OpenH264 is not loaded");
    return;
  }
  auto state = std::make_shared<H264DecoderState>();
  state->library = library;
  if (library->create_decoder(&state->decoder) != 0 || state->decoder == nullptr) {
    state->decoder = nullptr;
    ThrowCoded(env, "DECODE_FAILED", "OpenH264 could not create a decoder");
    return;
  }
  int log_level = WELS_LOG_QUIET;  // a stream joined mid-way or a damaged one is reported through the promise
  state->decoder->SetOption(DECODER_OPTION_TRACE_LEVEL, &log_level);
  SDecodingParam param{};
  param.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
  // No concealment: a picture that lost its reference is not shown, the viewer keeps the last good one until the
  // next key frame instead of drawing smeared blocks.
  param.eEcActiveIdc = ERROR_CON_DISABLE;
  if (state->decoder->Initialize(&param) != cmResultSuccess) {
    ThrowCoded(env, "DECODE_FAILED", "OpenH264 refused the decoder settings");
    return;
  }
  state_ = std::move(state);
}

Napi::Value H264Decoder::Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state_ || state_->closed) return ThrowCoded(env, "CLOSED", "the H.264 decoder is closed");
  if (state_->busy) return ThrowCoded(env, "DECODER_BUSY", "the H.264 decoder is still decoding");
  if (info.Length() < 2 || !IsBytes(info[0]) || !IsBytes(info[1]))
    return ThrowCoded(env, "INVALID_ARGUMENT", "decode: expected an access unit and an output Uint8Array");
  const bool planes = info.Length() > 2 && info[2].ToBoolean().Value();
  Napi::Uint8Array input = info[0].As<Napi::Uint8Array>();
  if (input.ByteLength() == 0 || input.ByteLength() > INT32_MAX)
    return ThrowCoded(env, "INVALID_ARGUMENT", "decode: the access unit is empty or larger than 2 GiB");
  return (new DecodeWorker(env, state_, input, info[1].As<Napi::Uint8Array>(), planes))->Start();
}

void H264Decoder::Close(const Napi::CallbackInfo&) {
  if (!state_) return;
  state_->closed = true;
  if (!state_->busy) state_->Destroy();
}

}  // namespace rdshare

#include "h264_encoder.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "coded_promise_worker.h"
#include "js_error.h"
#include "napi_bytes.h"
#include "openh264_library.h"
#include "yuv_convert.h"

namespace rdshare {

struct H264EncoderState {
  const OpenH264* library = nullptr;
  ISVCEncoder* encoder = nullptr;
  int width = 0;
  int height = 0;
  std::vector<uint8_t> planes;  // the I420 picture handed to OpenH264, reused by every encode
  // Whether `planes` hold the conversion of the last BGRX frame, so that an encode told what changed since
  // converts only that.
  bool planes_hold_frame = false;
  bool busy = false;            // touched on the JS thread only
  bool closed = false;
  // Set when an encoded picture was dropped (the output was too small): the decoder misses a reference, so the next
  // picture must not depend on it.
  bool force_key_frame = false;
  // The rate control's settings: the worker applies a change before the next encode (OpenH264 is not thread-safe).
  float frame_rate = 0;
  int bitrate = 0;
  bool screen = false;
  // The next picture's timestamp in ms; see EncodeWorker::Execute.
  double timestamp = 0;
  // What setRate() asked for last, handed to each encode when it is queued (the JS thread's copy).
  float wanted_frame_rate = 0;
  int wanted_bitrate = 0;
  int temporal_layers = 1;
  int qp = 0;  // 0: rate control

  ~H264EncoderState() { Destroy(); }

  /** A new encoder with the same settings, whose first frame is an IDR. Returns why not, or "". */
  std::string Open();

  /** Has the encoder plan with `rate` frames per second and `bits` per second from the next picture on. */
  std::string SetRate(float rate, int bits);

  void Destroy() {
    if (encoder == nullptr) return;
    encoder->Uninitialize();
    library->destroy_encoder(encoder);
    encoder = nullptr;
  }
};

namespace {
// The finest quantiser the rate control may pick. Finer buys nothing a sharer needs (still content goes lossless),
// and with a budget above a byte per pixel, P-frames of noise-like content overflow OpenH264 2.3's bitstream buffer
// (ENC_RETURN_MEMOVERFLOW, measured: fails at 18, fits at 22) and break the encoder for good.
constexpr int kMinQp = 22;

// Slices per picture (fewer in pictures of fewer macroblock rows), each coded on its own thread where cores allow.
constexpr int kSlices = 4;

bool ValidRate(double frame_rate, int64_t bitrate) {
  return frame_rate > 0 && frame_rate <= 240 && bitrate > 0 && bitrate <= 240'000'000;
}

// Real-time sharing: constrained baseline (no B-frames, CAVLC: every RDP client decodes it), one picture in, one
// access unit out (no frame skipping, no lookahead), no periodic IDR, parameter sets with constant ids so any key
// frame restarts any decoder.
//
// The usage type, measured with OpenH264 2.3.1 at 1280x800, 6 Mbit/s, 30 frames/s (CPU per frame, bits per frame,
// luma PSNR), camera mode with scene-change detection off vs screen mode:
//   diagonal pan of text:   7 ms, 113 kbit, 38.9 dB  vs  21 ms, 2365 kbit, 31.8 dB (an IDR on every frame)
//   vertical scroll:        6 ms, 113 kbit, 40.1 dB  vs  14 ms, 23 kbit, 34.4 dB (camera at 0.7 Mbit/s: 30.4 dB)
//   one square moving:      3 ms, 24 kbit, 37.3 dB   vs   9 ms, 6 kbit, 34.5 dB
// Screen mode codes still and scrolled text in a quarter of the bits, but costs 2-3 times the CPU and its
// scene-change detection, which it cannot run without (its parameter validation turns it back on), turns general
// motion into a key frame per frame. The sharer hands the encoder the regions in motion and sends still text
// losslessly, so camera mode is the default and screen mode an option.
std::string Configure(ISVCEncoder* encoder, int width, int height, float frame_rate, int bitrate, bool screen,
                      int temporal_layers, int qp) {
  int log_level = WELS_LOG_ERROR;
  encoder->SetOption(ENCODER_OPTION_TRACE_LEVEL, &log_level);
  SEncParamExt p;
  if (encoder->GetDefaultParams(&p) != cmResultSuccess) return "GetDefaultParams failed";
  p.iUsageType = screen ? SCREEN_CONTENT_REAL_TIME : CAMERA_VIDEO_REAL_TIME;
  p.iPicWidth = width;
  p.iPicHeight = height;
  p.iTargetBitrate = bitrate;
  p.iMaxBitrate = UNSPECIFIED_BIT_RATE;
  // Each frame gets bitrate / frameRate (see the timestamps in EncodeWorker). Quality mode, measured as above,
  // spent 5-50 % more bits for an equal or lower PSNR.
  p.iRCMode = RC_BITRATE_MODE;
  p.fMaxFrameRate = frame_rate;
  // With two layers every second frame is a non-reference frame predicted from the one before it, and the others
  // predict only from each other: two interleaved pictures per instant (AVC444's views) share one stream.
  p.iTemporalLayerNum = temporal_layers;
  p.iSpatialLayerNum = 1;
  p.uiIntraPeriod = 0;
  p.eSpsPpsIdStrategy = CONSTANT_ID;
  p.bPrefixNalAddingCtrl = false;
  p.bEnableSSEI = false;
  p.bSimulcastAVC = false;
  p.iEntropyCodingModeFlag = 0;
  p.bEnableFrameSkip = false;
  p.iMinQp = kMinQp;
  p.bEnableLongTermReference = false;
  // Slices coded on threads of their own: the sharer encodes each surface once and one picture at a time, so the
  // time one encode takes bounds the frames per second every viewer gets. Measured (bench/h264.ts, OpenH264
  // 2.3.1, 1920x1088 full-screen motion, a 2-core machine shared with other work): 25-50 % less wall time per
  // encode with 2 or 4 slices on two threads than in one slice, in each of three runs, for the same CPU time and
  // bits and 0.3-0.7 dB more luma PSNR. The 1280x800 moving box: 35-37 kbit a frame instead of 50-56, 0.6-0.8 dB
  // less. A fixed slice count keeps the stream the same on every machine; only the threads follow the cores.
  const int slices = std::min(kSlices, (height + 15) / 16);
  p.iMultipleThreadIdc = static_cast<unsigned short>(
      std::max(1, std::min(slices, static_cast<int>(std::thread::hardware_concurrency()))));
  p.bEnableDenoise = false;
  p.bEnableSceneChangeDetect = screen;  // else key frames come only first and when asked for
  // Skipping still macroblocks: the moving box over a still background costs 47 kbit a frame with it, 55 without.
  p.bEnableBackgroundDetection = true;
  // The library's default complexity; with it adaptive quantisation changed not one bit of the output (measured
  // on both workloads), so its pass over the picture is saved. MEDIUM_COMPLEXITY coded 3-10 % smaller for up to
  // 0.4 dB more at a higher CPU cost.
  p.iComplexityMode = LOW_COMPLEXITY;
  p.bEnableAdaptiveQuant = false;
  p.bEnableFrameCroppingFlag = true;
  SSpatialLayerConfig& layer = p.sSpatialLayers[0];
  layer.iVideoWidth = width;
  layer.iVideoHeight = height;
  layer.fFrameRate = frame_rate;
  layer.iSpatialBitrate = bitrate;
  layer.iMaxSpatialBitrate = UNSPECIFIED_BIT_RATE;
  layer.uiProfileIdc = PRO_BASELINE;
  layer.uiLevelIdc = LEVEL_UNKNOWN;
  layer.sSliceArgument.uiSliceMode = slices > 1 ? SM_FIXEDSLCNUM_SLICE : SM_SINGLE_SLICE;
  layer.sSliceArgument.uiSliceNum = static_cast<unsigned int>(slices);
  // The colours as yuv_convert.h writes them, for decoders that read the VUI.
  layer.bVideoSignalTypePresent = true;
  layer.uiVideoFormat = VF_UNDEF;
  layer.bFullRange = true;
  layer.bColorDescriptionPresent = true;
  layer.uiColorPrimaries = CP_BT709;
  layer.uiTransferCharacteristics = TRC_BT709;
  layer.uiColorMatrix = CM_BT709;
  if (qp > 0) {
    // A fixed quantiser: OpenH264 codes base-layer frames at qp - 3 and the frames between them at qp.
    p.iRCMode = RC_OFF_MODE;
    layer.iDLayerQp = qp;
  }
  int rc = encoder->InitializeExt(&p);
  if (rc != cmResultSuccess) return "InitializeExt failed with " + std::to_string(rc);
  int format = videoFormatI420;
  encoder->SetOption(ENCODER_OPTION_DATAFORMAT, &format);
  return "";
}

}  // namespace

std::string H264EncoderState::SetRate(float rate, int bits) {
  if (rate == frame_rate && bits == bitrate) return "";
  frame_rate = rate;
  bitrate = bits;
  if (encoder == nullptr) return "";  // Open() configures the new rate
  if (encoder->SetOption(ENCODER_OPTION_FRAME_RATE, &rate) != cmResultSuccess) return "OpenH264 refused the frame rate";
  SBitrateInfo info{SPATIAL_LAYER_ALL, bits};
  if (encoder->SetOption(ENCODER_OPTION_BITRATE, &info) != cmResultSuccess) return "OpenH264 refused the bitrate";
  return "";
}

std::string H264EncoderState::Open() {
  Destroy();
  timestamp = 0;
  if (library->create_encoder(&encoder) != 0 || encoder == nullptr) {
    encoder = nullptr;
    return "OpenH264 could not create an encoder";
  }
  std::string error = Configure(encoder, width, height, frame_rate, bitrate, screen, temporal_layers, qp);
  if (!error.empty()) {
    Destroy();
    return "OpenH264 refused the encoder settings: " + error;
  }
  return "";
}

namespace {
class EncodeWorker : public CodedPromiseWorker<H264EncoderState> {
 public:
  /** Encodes a BGRX frame; with `changed`, only those parts of it differ from the last BGRX frame encoded. */
  EncodeWorker(Napi::Env env, std::shared_ptr<H264EncoderState> state, Napi::Uint8Array frame, size_t stride,
               Napi::Uint8Array output, bool key_frame, float frame_rate, int bitrate,
               std::optional<std::vector<Rect>> changed = std::nullopt)
      : CodedPromiseWorker(env, "rdshare.h264Encode", std::move(state)),
        changed_(std::move(changed)),
        frame_ref_(Napi::Persistent(frame)),
        output_ref_(Napi::Persistent(output)),
        frame_(frame.Data()),
        stride_(stride),
        output_(output.Data()),
        capacity_(output.ByteLength()),
        key_frame_(key_frame),
        frame_rate_(frame_rate),
        bitrate_(bitrate) {}

  /** Encodes the caller's I420 planes as they are (no conversion, no copy). */
  EncodeWorker(Napi::Env env, std::shared_ptr<H264EncoderState> state, Napi::Uint8Array planes[3], size_t y_stride,
               size_t uv_stride, Napi::Uint8Array output, bool key_frame, float frame_rate, int bitrate)
      : EncodeWorker(env, std::move(state), planes[0], y_stride, output, key_frame, frame_rate, bitrate) {
    for (int i = 0; i < 3; i++) {
      plane_refs_[i] = Napi::Persistent(planes[i]);
      planes_[i] = planes[i].Data();
    }
    uv_stride_ = uv_stride;
  }

  void Execute() override {
    H264EncoderState& s = state();
    const int w = s.width, h = s.height;
    I420View yuv{s.planes.data(), s.planes.data() + w * h, s.planes.data() + w * h + (w / 2) * (h / 2),
                 static_cast<size_t>(w), static_cast<size_t>(w / 2)};
    // Converted first, whatever happens to the encode: the next frame's changes are relative to this one.
    if (planes_[0] != nullptr) {
      yuv = I420View{planes_[0], planes_[1], planes_[2], stride_, uv_stride_};
    } else if (changed_ && s.planes_hold_frame) {
      BgrxToI420Rects(frame_, stride_, w, h, yuv, *changed_);
    } else {
      BgrxToI420(frame_, stride_, w, h, yuv);
      s.planes_hold_frame = true;
    }
    if (s.encoder == nullptr) {  // a reopen after a failure failed too
      std::string error = s.Open();
      if (!error.empty()) {
        Fail("ENCODE_FAILED", error);
        return;
      }
    }
    std::string rate_error = s.SetRate(frame_rate_, bitrate_);
    if (!rate_error.empty()) {
      Fail("ENCODE_FAILED", rate_error);
      return;
    }
    if (key_frame_ || s.force_key_frame) s.encoder->ForceIntraFrame(true);
    SSourcePicture picture{};
    picture.iColorFormat = videoFormatI420;
    picture.iPicWidth = w;
    picture.iPicHeight = h;
    picture.iStride[0] = static_cast<int>(yuv.y_stride);
    picture.iStride[1] = picture.iStride[2] = static_cast<int>(yuv.uv_stride);
    picture.pData[0] = yuv.y;
    picture.pData[1] = yuv.u;
    picture.pData[2] = yuv.v;
    // Timestamps as if every frame came at the configured rate, so each frame's budget is bitrate / frameRate: with
    // wall-clock time a desktop that changes twice a second would hand each change half the second's bits.
    picture.uiTimeStamp = static_cast<long long>(s.timestamp);
    s.timestamp += 1000.0 / s.frame_rate;
    SFrameBSInfo info{};
    int rc = s.encoder->EncodeFrame(&picture, &info);
    if (rc != cmResultSuccess) {
      // After a failed frame (see kMinQp) OpenH264 fails every later one; a fresh encoder starts over with an IDR.
      std::string error = s.Open();
      if (!error.empty()) {
        Fail("ENCODE_FAILED", "OpenH264 EncodeFrame failed with " + std::to_string(rc) + ", then " + error);
        return;
      }
      picture.uiTimeStamp = 0;
      s.timestamp = 1000.0 / s.frame_rate;
      info = SFrameBSInfo{};
      rc = s.encoder->EncodeFrame(&picture, &info);
    }
    if (rc != cmResultSuccess) {
      Fail("ENCODE_FAILED", "OpenH264 EncodeFrame failed with " + std::to_string(rc) + ", also with a new encoder");
      return;
    }
    size_t total = 0;
    if (info.eFrameType != videoFrameTypeSkip) {
      for (int l = 0; l < info.iLayerNum; l++) {
        const SLayerBSInfo& layer = info.sLayerInfo[l];
        for (int n = 0; n < layer.iNalCount; n++) total += layer.pNalLengthInByte[n];
      }
    }
    if (total > capacity_) {
      s.force_key_frame = true;
      Fail("OUTPUT_TOO_SMALL", "the access unit needs " + std::to_string(total) + " bytes and the output holds " +
                                   std::to_string(capacity_) +
                                   "; this frame is dropped and the next encode is a key frame");
      return;
    }
    s.force_key_frame = false;
    size_t at = 0;
    if (info.eFrameType != videoFrameTypeSkip) {
      for (int l = 0; l < info.iLayerNum; l++) {
        const SLayerBSInfo& layer = info.sLayerInfo[l];
        size_t bytes = 0;
        for (int n = 0; n < layer.iNalCount; n++) bytes += layer.pNalLengthInByte[n];
        std::copy(layer.pBsBuf, layer.pBsBuf + bytes, output_ + at);  // NALs already carry Annex-B start codes
        at += bytes;
      }
    }
    byte_length_ = total;
    idr_ = info.eFrameType == videoFrameTypeIDR;
  }

  Napi::Value Result() override {
    Napi::Object result = Napi::Object::New(Env());
    result.Set("byteLength", Napi::Number::New(Env(), static_cast<double>(byte_length_)));
    result.Set("keyFrame", Napi::Boolean::New(Env(), idr_));
    return result;
  }

 private:
  std::optional<std::vector<Rect>> changed_;
  Napi::Reference<Napi::Uint8Array> frame_ref_, output_ref_, plane_refs_[3];
  const uint8_t* frame_;
  size_t stride_;
  uint8_t* planes_[3] = {nullptr, nullptr, nullptr};  // I420 input, when given instead of a BGRX frame
  size_t uv_stride_ = 0;
  uint8_t* output_;
  size_t capacity_;
  bool key_frame_;
  float frame_rate_;
  int bitrate_;
  size_t byte_length_ = 0;
  bool idr_ = false;
};
}  // namespace

Napi::Function H264Encoder::Define(Napi::Env env) {
  return DefineClass(env, "H264Encoder",
                     {InstanceMethod<&H264Encoder::Encode>("encode"), InstanceMethod<&H264Encoder::EncodeI420>("encodeI420"),
                      InstanceMethod<&H264Encoder::SetRate>("setRate"),
                      InstanceMethod<&H264Encoder::Close>("close")});
}

H264Encoder::H264Encoder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<H264Encoder>(info) {
  Napi::Env env = info.Env();
  const OpenH264* library = LoadedOpenH264();
  if (library == nullptr) {
    ThrowCoded(env, "H264_UNAVAILABLE", "OpenH264 is not loaded");
    return;
  }
  int64_t width = info[0].ToNumber().Int64Value(), height = info[1].ToNumber().Int64Value();
  double frame_rate = info[2].ToNumber().DoubleValue();
  int64_t bitrate = info[3].ToNumber().Int64Value();
  bool screen = info[4].ToBoolean();
  int64_t temporal_layers = info.Length() > 5 ? info[5].ToNumber().Int64Value() : 1;
  int64_t qp = info.Length() > 6 ? info[6].ToNumber().Int64Value() : 0;
  // The TypeScript layer validates with friendlier messages; this keeps a bad call from reaching the library.
  if (width < 2 || height < 2 || width > 4096 || height > 4096 || width % 2 != 0 || height % 2 != 0 ||
      !ValidRate(frame_rate, bitrate) || temporal_layers < 1 || temporal_layers > 2 || qp < 0 || qp > 51) {
    ThrowCoded(env, "INVALID_ARGUMENT", "H264Encoder: invalid size, frame rate or bitrate");
    return;
  }
  auto state = std::make_shared<H264EncoderState>();
  state->library = library;
  state->width = static_cast<int>(width);
  state->height = static_cast<int>(height);
  state->frame_rate = state->wanted_frame_rate = static_cast<float>(frame_rate);
  state->bitrate = state->wanted_bitrate = static_cast<int>(bitrate);
  state->screen = screen;
  state->temporal_layers = static_cast<int>(temporal_layers);
  state->qp = static_cast<int>(qp);
  state->planes.resize(width * height * 3 / 2);
  std::string error = state->Open();
  if (!error.empty()) {
    ThrowCoded(env, "ENCODE_FAILED", error);
    return;
  }
  state_ = std::move(state);
}

Napi::Value H264Encoder::Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state_ || state_->closed) return ThrowCoded(env, "ENCODER_CLOSED", "the H.264 encoder is closed");
  if (state_->busy)
    return ThrowCoded(env, "ENCODER_BUSY", "the H.264 encoder is still encoding the previous frame");
  if (info.Length() < 4 || !IsBytes(info[0]) || !IsBytes(info[2]))
    return ThrowCoded(env, "INVALID_ARGUMENT", "encode: expected a frame Uint8Array, a stride and an output Uint8Array");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>(), output = info[2].As<Napi::Uint8Array>();
  int64_t stride = info[1].ToNumber().Int64Value();
  const int64_t w = state_->width, h = state_->height;
  if (stride < w * 4 || static_cast<int64_t>(frame.ByteLength()) < stride * (h - 1) + w * 4)
    return ThrowCoded(env, "OUT_OF_BOUNDS", "encode: the frame is smaller than the encoder's picture");
  std::optional<std::vector<Rect>> changed;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
        info[4].As<Napi::Int32Array>().ElementLength() % 4 != 0)
      return ThrowCoded(env, "INVALID_ARGUMENT", "encode: changed rectangles come as an Int32Array of x, y, w, h");
    Napi::Int32Array quads = info[4].As<Napi::Int32Array>();
    changed.emplace();
    for (size_t i = 0; i < quads.ElementLength(); i += 4)
      changed->push_back(Rect{quads[i], quads[i + 1], quads[i + 2], quads[i + 3]});
  }
  return (new EncodeWorker(env, state_, frame, static_cast<size_t>(stride), output, info[3].ToBoolean(),
                           state_->wanted_frame_rate, state_->wanted_bitrate, std::move(changed)))
      ->Start();
}

void H264Encoder::SetRate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state_ || state_->closed) {
    ThrowCoded(env, "ENCODER_CLOSED", "the H.264 encoder is closed");
    return;
  }
  double frame_rate = info[0].ToNumber().DoubleValue();
  int64_t bitrate = info[1].ToNumber().Int64Value();
  if (!ValidRate(frame_rate, bitrate)) {
    ThrowCoded(env, "INVALID_ARGUMENT", "setRate: invalid frame rate or bitrate");
    return;
  }
  // Taken by the next encode: one in flight keeps the rate it started with.
  state_->wanted_frame_rate = static_cast<float>(frame_rate);
  state_->wanted_bitrate = static_cast<int>(bitrate);
}

Napi::Value H264Encoder::EncodeI420(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!state_ || state_->closed) return ThrowCoded(env, "ENCODER_CLOSED", "the H.264 encoder is closed");
  if (state_->busy)
    return ThrowCoded(env, "ENCODER_BUSY", "the H.264 encoder is still encoding the previous frame");
  if (info.Length() < 7 || !IsBytes(info[0]) || !IsBytes(info[1]) || !IsBytes(info[2]) || !IsBytes(info[5]))
    return ThrowCoded(env, "INVALID_ARGUMENT",
                      "encodeI420: expected Y, U and V Uint8Arrays, their strides and an output Uint8Array");
  Napi::Uint8Array planes[3] = {info[0].As<Napi::Uint8Array>(), info[1].As<Napi::Uint8Array>(),
                                info[2].As<Napi::Uint8Array>()};
  const int64_t y_stride = info[3].ToNumber().Int64Value(), uv_stride = info[4].ToNumber().Int64Value();
  const int64_t w = state_->width, h = state_->height;
  if (y_stride < w || uv_stride < w / 2 ||
      static_cast<int64_t>(planes[0].ByteLength()) < y_stride * (h - 1) + w ||
      static_cast<int64_t>(planes[1].ByteLength()) < uv_stride * (h / 2 - 1) + w / 2 ||
      static_cast<int64_t>(planes[2].ByteLength()) < uv_stride * (h / 2 - 1) + w / 2)
    return ThrowCoded(env, "OUT_OF_BOUNDS", "encodeI420: a plane is smaller than the encoder's picture");
  return (new EncodeWorker(env, state_, planes, static_cast<size_t>(y_stride), static_cast<size_t>(uv_stride),
                           info[5].As<Napi::Uint8Array>(), info[6].ToBoolean(), state_->wanted_frame_rate,
                           state_->wanted_bitrate))
      ->Start();
}

void H264Encoder::Close(const Napi::CallbackInfo&) {
  if (!state_) return;
  state_->closed = true;
  if (!state_->busy) state_->Destroy();
}

}  // namespace rdshare

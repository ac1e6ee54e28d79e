// Entry point of the rdshare native addon: X11 desktop access, the pixel kernels and H.264 through OpenH264.
#include <napi.h>

#include "display_claim.h"
#include "h264_decoder.h"
#include "h264_encoder.h"
#include "native_desktop.h"
#include "openh264_binding.h"
#include "tile_bindings.h"
#include "yuv_bindings.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("DisplayClaim", rdshare::DisplayClaim::Define(env));
  exports.Set("NativeDesktop", rdshare::NativeDesktop::Define(env));
  exports.Set("diffTiles", Napi::Function::New<rdshare::DiffTilesAsync>(env, "diffTiles"));
  exports.Set("loadOpenH264", Napi::Function::New<rdshare::LoadOpenH264Binding>(env, "loadOpenH264"));
  exports.Set("H264Encoder", rdshare::H264Encoder::Define(env));
  exports.Set("H264Decoder", rdshare::H264Decoder::Define(env));
  exports.Set("bgrxToYuv444", Napi::Function::New<rdshare::BgrxToYuv444Async>(env, "bgrxToYuv444"));
  exports.Set("shufflePlanes", Napi::Function::New<rdshare::ShufflePlanesAsync>(env, "shufflePlanes"));
  return exports;
}
}  // namespace

NODE_API_MODULE(rdshare_native, Init)

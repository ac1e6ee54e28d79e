// Entry point of the rdshare native addon: X11 desktop access and the pixel kernels.
#include <napi.h>

#include "display_claim.h"
#include "native_desktop.h"
#include "tile_bindings.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("DisplayClaim", rdshare::DisplayClaim::Define(env));
  exports.Set("NativeDesktop", rdshare::NativeDesktop::Define(env));
  exports.Set("diffTiles", Napi::Function::New<rdshare::DiffTilesAsync>(env, "diffTiles"));
  return exports;
}
}  // namespace

NODE_API_MODULE(rdshare_native, Init)

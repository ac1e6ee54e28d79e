#pragma once

#include <napi.h>

namespace rdshare {

/** bgrxToYuv444(frame, stride, width, height, y, u, v, planeStride): Promise<void>, converted on a libuv worker. */
Napi::Value BgrxToYuv444Async(const Napi::CallbackInfo& info);

}  // namespace rdshare

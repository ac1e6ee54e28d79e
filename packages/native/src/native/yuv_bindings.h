#pragma once

#include <napi.h>

namespace rdshare {

/** bgrxToYuv444(frame, stride, width, height, y, u, v, planeStride): Promise<void>, converted on a libuv worker. */
Napi::Value BgrxToYuv444Async(const Napi::CallbackInfo& info);

/**
 * shufflePlanes(planes: Uint8Array[], strides: number[], copies: Int32Array): Promise<void>, the copies (11 int32
 * fields each, see plane_shuffle.h) done in order on a libuv worker.
 */
Napi::Value ShufflePlanesAsync(const Napi::CallbackInfo& info);

}  // namespace rdshare

#pragma once

#include <napi.h>

namespace rdshare {

/** diffTiles(stored, storedOffset, storedStride, incoming, incomingOffset, incomingStride, x, y, w, h, tile, copy): Promise<Int32Array> */
Napi::Value DiffTilesAsync(const Napi::CallbackInfo& info);

}  // namespace rdshare

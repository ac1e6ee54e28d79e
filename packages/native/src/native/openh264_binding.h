#pragma once

#include <napi.h>

namespace rdshare {

/**
 * loadOpenH264(candidates: string[]): `{ path, version }` of the library now loaded, or `{ attempts: [{ path, error
 * }] }` when none of the candidates could be used. Once one has loaded, later calls return it.
 */
Napi::Value LoadOpenH264Binding(const Napi::CallbackInfo& info);

}  // namespace rdshare

// Argument checks shared by the bindings that take caller-owned byte buffers.
#pragma once

#include <napi.h>

namespace rdshare {

inline bool IsBytes(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

}  // namespace rdshare

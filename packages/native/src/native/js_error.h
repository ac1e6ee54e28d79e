// Errors thrown to JavaScript carry a stable `code` that the TypeScript layer maps to NativeError.
#pragma once

#include <napi.h>

#include <string>

namespace rdshare {

/** The message of `DISPLAY_LOST`: the X server behind `display` exited or dropped this client. */
inline std::string DisplayLostMessage(const std::string& display) {
  return "the X server of display " + display + " is gone (it exited or closed the connection)";
}

inline Napi::Error CodedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Value().Set("code", Napi::String::New(env, code));
  return error;
}

inline Napi::Value ThrowCoded(Napi::Env env, const std::string& code, const std::string& message) {
  CodedError(env, code, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace rdshare

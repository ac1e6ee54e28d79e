#include "openh264_binding.h"

#include <string>
#include <vector>

#include "js_error.h"
#include "openh264_library.h"

namespace rdshare {

Napi::Value LoadOpenH264Binding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray())
    return ThrowCoded(env, "INVALID_ARGUMENT", "loadOpenH264: expected an array of library paths");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<std::string> candidates;
  for (uint32_t i = 0; i < list.Length(); i++) candidates.push_back(list.Get(i).ToString().Utf8Value());
  std::vector<OpenH264Attempt> attempts;
  const OpenH264* library = LoadOpenH264(candidates, &attempts);
  Napi::Object result = Napi::Object::New(env);
  if (library != nullptr) {
    const OpenH264Version& v = library->version;
    result.Set("path", library->path);
    result.Set("version", std::to_string(v.uMajor) + "." + std::to_string(v.uMinor) + "." + std::to_string(v.uRevision));
    return result;
  }
  Napi::Array tried = Napi::Array::New(env, attempts.size());
  for (size_t i = 0; i < attempts.size(); i++) {
    Napi::Object attempt = Napi::Object::New(env);
    attempt.Set("path", attempts[i].path);
    attempt.Set("error", attempts[i].error);
    tried.Set(static_cast<uint32_t>(i), attempt);
  }
  result.Set("attempts", tried);
  return result;
}

}  // namespace rdshare

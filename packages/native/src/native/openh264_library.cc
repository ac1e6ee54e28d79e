#include "openh264_library.h"

#include <dlfcn.h>

#include <mutex>

namespace rdshare {

namespace {
std::mutex load_mutex;
OpenH264 library;
bool loaded = false;

template <typename F>
bool Resolve(void* handle, const char* name, F* out, std::string* error) {
  *out = reinterpret_cast<F>(dlsym(handle, name));
  if (*out == nullptr) *error = std::string("it does not export ") + name;
  return *out != nullptr;
}

bool TryOpen(const std::string& path, std::string* error) {
  // RTLD_LOCAL keeps its symbols out of the global namespace, where another copy (ffmpeg's, a browser's) may live.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = dlerror();
    *error = reason ? reason : "dlopen failed";
    return false;
  }
  OpenH264 candidate{};
  OpenH264Version (*get_version)() = nullptr;
  if (!Resolve(handle, "WelsCreateSVCEncoder", &candidate.create_encoder, error) ||
      !Resolve(handle, "WelsDestroySVCEncoder", &candidate.destroy_encoder, error) ||
      !Resolve(handle, "WelsCreateDecoder", &candidate.create_decoder, error) ||
      !Resolve(handle, "WelsDestroyDecoder", &candidate.destroy_decoder, error) ||
      !Resolve(handle, "WelsGetCodecVersion", &get_version, error)) {
    dlclose(handle);
    return false;
  }
  candidate.version = get_version();
  // The encoder and decoder are C++ interfaces whose vtables changed with each soname bump; 2.3 to 2.5 (soname 7)
  // share the layout of the headers this addon is compiled with.
  if (candidate.version.uMajor != 2 || candidate.version.uMinor < 3 ||
      candidate.version.uMinor > 5) {
    *error = "it is OpenH264 " + std::to_string(candidate.version.uMajor) + "." +
             std::to_string(candidate.version.uMinor) + "." + std::to_string(candidate.version.uRevision) +
             ", this addon needs 2.3 to 2.5 (soname 7)";
    dlclose(handle);
    return false;
  }
  candidate.path = path;
  library = candidate;
  return true;
}
}  // namespace

const OpenH264* LoadOpenH264(const std::vector<std::string>& candidates, std::vector<OpenH264Attempt>* attempts) {
  std::lock_guard<std::mutex> lock(load_mutex);
  if (loaded) return &library;
  for (const std::string& path : candidates) {
    std::string error;
    if (TryOpen(path, &error)) {
      loaded = true;
      return &library;
    }
    attempts->push_back({path, error});
  }
  return nullptr;
}

const OpenH264* LoadedOpenH264() {
  std::lock_guard<std::mutex> lock(load_mutex);
  return loaded ? &library : nullptr;
}

}  // namespace rdshare

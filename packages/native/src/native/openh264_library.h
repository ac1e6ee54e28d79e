// OpenH264 is opened with dlopen at first use, never linked: the addon then loads on machines without it and only
// the H.264 classes report that it is missing.
#pragma once

#include <wels/codec_api.h>

#include <string>
#include <vector>

namespace rdshare {

/** The entry points the addon calls, resolved from the shared library. */
struct OpenH264 {
  int (*create_encoder)(ISVCEncoder**);
  void (*destroy_encoder)(ISVCEncoder*);
  long (*create_decoder)(ISVCDecoder**);  // NOLINT(runtime/int): the library's signature
  void (*destroy_decoder)(ISVCDecoder*);
  OpenH264Version version;
  std::string path;
};

/** One library file the loader tried and why it could not use it. */
struct OpenH264Attempt {
  std::string path;
  std::string error;
};

/**
 * Opens the first of `candidates` that loads, exports the entry points and reports an ABI this addon was compiled
 * for; later calls return that library whatever they pass. Returns nullptr and fills `attempts` when none does.
 * Thread-safe.
 */
const OpenH264* LoadOpenH264(const std::vector<std::string>& candidates, std::vector<OpenH264Attempt>* attempts);

/** The library loaded by an earlier successful LoadOpenH264, else nullptr. */
const OpenH264* LoadedOpenH264();

}  // namespace rdshare

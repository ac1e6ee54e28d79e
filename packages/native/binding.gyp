{
  "targets": [
    {
      "target_name": "rdshare_native",
      "sources": ["src/native/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17"],
      "libraries": ["-lX11", "-lXext", "-lXdamage", "-lXfixes", "-lXtst", "-lXrandr"]
    }
  ]
}

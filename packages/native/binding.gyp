{
  "targets": [
    {
      "target_name": "rdshare_native",
      "sources": [
        "src/native/addon.cc",
        "src/native/cursor_image.cc",
        "src/native/display_claim.cc",
        "src/native/event_pump.cc",
        "src/native/h264_decoder.cc",
        "src/native/h264_encoder.cc",
        "src/native/input_injector.cc",
        "src/native/native_desktop.cc",
        "src/native/openh264_binding.cc",
        "src/native/openh264_library.cc",
        "src/native/plane_shuffle.cc",
        "src/native/rect.cc",
        "src/native/scancodes.cc",
        "src/native/shm_capture.cc",
        "src/native/tile_bindings.cc",
        "src/native/tile_diff.cc",
        "src/native/window_activation.cc",
        "src/native/window_list.cc",
        "src/native/x_errors.cc",
        "src/native/yuv_bindings.cc",
        "src/native/yuv_convert.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-Wall"],
      "libraries": ["-lX11", "-lXext", "-lXdamage", "-lXfixes", "-lXtst", "-lXrandr", "-lXi", "-lXRes", "-ldl"]
    }
  ]
}

// PC keyboard scancode set 1 (make codes) named the way XKB names the physical key, so the X keycode
// comes from the server's own keycode table (evdev, xfree86, ...) rather than from an assumed one.
#pragma once

#include <cstdint>

namespace rdshare {

/**
 * The XKB key name (e.g. "AE01", "RCTL") of a set-1 scancode, or nullptr when the scancode names no
 * key. `extended` is the E0 prefix.
 */
const char* XkbKeyNameForScancode(uint8_t scancode, bool extended);

}  // namespace rdshare

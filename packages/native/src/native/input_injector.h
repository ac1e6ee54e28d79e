// Keyboard and pointer injection through XTest on a connection that only this object uses, so no
// call here waits for a reply from the X server.
#pragma once

#include <X11/Xlib.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rdshare {

class InputInjector {
 public:
  /** Reads the keymap once (the only round trips) and picks keycodes that carry no symbols. */
  bool Init(Display* dpy, std::string* error);

  /** X keycode of a set-1 scancode, or 0 when this keyboard has no such key. */
  int KeycodeForScancode(uint8_t scancode, bool extended) const;

  void Key(int keycode, bool down);

  /** Types one Unicode code point; false when it has no keysym. */
  bool Unicode(uint32_t code_point, bool down);

  void Move(int x, int y);
  void Button(int button, bool down);
  void SetLocks(bool caps, bool num, bool scroll);

  /** Gives the borrowed keycodes their empty mapping back. */
  void Restore();

 private:
  struct Spare {
    int keycode;
    unsigned long keysym;
    uint64_t last_used;
    bool down;
  };

  void DrainEvents();
  int SpareFor(unsigned long keysym);

  Display* dpy_ = nullptr;
  std::array<uint8_t, 256> by_scancode_{};
  std::vector<std::pair<unsigned long, int>> plain_keysyms_;  // keysym reachable without modifiers
  std::vector<Spare> spares_;
  uint64_t clock_ = 0;
  unsigned int num_lock_mask_ = 0;
  Atom scroll_lock_atom_ = None;
};

}  // namespace rdshare

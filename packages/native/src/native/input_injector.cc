#include "input_injector.h"

#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include <cstring>
#include <map>

#include "scancodes.h"

namespace rdshare {

namespace {
unsigned long KeysymForCodePoint(uint32_t cp) {
  switch (cp) {
    case 0x08:
      return XK_BackSpace;
    case 0x09:
      return XK_Tab;
    case 0x0a:
    case 0x0d:
      return XK_Return;
    case 0x1b:
      return XK_Escape;
    case 0x7f:
      return XK_Delete;
    default:
      break;
  }
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  if (cp >= 0x100 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) return 0x01000000 | cp;
  return NoSymbol;
}
}  // namespace

bool InputInjector::Init(Display* dpy, std::string* error) {
  dpy_ = dpy;
  int event_base, error_base, major, minor;
  if (!XTestQueryExtension(dpy, &event_base, &error_base, &major, &minor)) {
    *error = "the X server does not offer XTEST (start it with +extension XTEST)";
    return false;
  }
  int xkb_major = XkbMajorVersion, xkb_minor = XkbMinorVersion;
  if (!XkbLibraryVersion(&xkb_major, &xkb_minor) ||
      !XkbQueryExtension(dpy, nullptr, nullptr, nullptr, &xkb_major, &xkb_minor)) {
    *error = "the X server does not offer XKEYBOARD";
    return false;
  }
  XkbDescPtr desc = XkbGetMap(dpy, 0, XkbUseCoreKbd);
  if (desc == nullptr || XkbGetNames(dpy, XkbKeyNamesMask | XkbKeyAliasesMask, desc) != Success) {
    if (desc) XkbFreeKeyboard(desc, 0, True);
    *error = "could not read the XKB key names";
    return false;
  }
  std::map<std::string, int> by_name;
  for (int kc = desc->min_key_code; kc <= desc->max_key_code; kc++) {
    std::string name(desc->names->keys[kc].name, strnlen(desc->names->keys[kc].name, XkbKeyNameLength));
    if (!name.empty()) by_name.emplace(name, kc);
  }
  for (int i = 0; i < desc->names->num_key_aliases; i++) {
    const XkbKeyAliasRec& alias = desc->names->key_aliases[i];
    std::string real(alias.real, strnlen(alias.real, XkbKeyNameLength));
    std::string name(alias.alias, strnlen(alias.alias, XkbKeyNameLength));
    auto found = by_name.find(real);
    if (found != by_name.end()) by_name.emplace(name, found->second);
  }
  for (int ext = 0; ext < 2; ext++) {
    for (int code = 0; code < 128; code++) {
      const char* name = XkbKeyNameForScancode(static_cast<uint8_t>(code), ext == 1);
      if (name == nullptr) continue;
      auto found = by_name.find(name);
      if (found == by_name.end() && strcmp(name, "COMP") == 0) found = by_name.find("MENU");
      if (found != by_name.end()) by_scancode_[ext * 128 + code] = static_cast<uint8_t>(found->second);
    }
  }
  int min_kc = desc->min_key_code, max_kc = desc->max_key_code;
  XkbFreeKeyboard(desc, 0, True);

  int per_keycode = 0;
  KeySym* map = XGetKeyboardMapping(dpy, min_kc, max_kc - min_kc + 1, &per_keycode);
  if (map == nullptr) {
    *error = "could not read the keyboard mapping";
    return false;
  }
  for (int kc = max_kc; kc >= min_kc; kc--) {
    const KeySym* syms = map + (kc - min_kc) * per_keycode;
    bool empty = true;
    for (int i = 0; i < per_keycode; i++) empty = empty && syms[i] == NoSymbol;
    // Keycodes 8..255 with no symbols at all are unused by the layout and safe to borrow.
    if (empty && spares_.size() < 8) spares_.push_back({kc, NoSymbol, 0, false});
    // Only group 1, level 1 is reachable without pressing modifiers the user may not hold.
    if (!empty && per_keycode > 0 && syms[0] != NoSymbol) plain_keysyms_.emplace_back(syms[0], kc);
  }
  XFree(map);
  num_lock_mask_ = XkbKeysymToModifiers(dpy, XK_Num_Lock);
  scroll_lock_atom_ = XInternAtom(dpy, "Scroll Lock", False);
  return true;
}

int InputInjector::KeycodeForScancode(uint8_t scancode, bool extended) const {
  if (scancode >= 128) return 0;
  return by_scancode_[(extended ? 128 : 0) + scancode];
}

void InputInjector::DrainEvents() {
  // The server sends MappingNotify to every client, this one included; reading them keeps Xlib's
  // queue from growing and its keymap cache current. XPending never blocks.
  while (XPending(dpy_) > 0) {
    XEvent event;
    XNextEvent(dpy_, &event);
    if (event.type == MappingNotify) XRefreshKeyboardMapping(&event.xmapping);
  }
}

void InputInjector::Key(int keycode, bool down) {
  XTestFakeKeyEvent(dpy_, keycode, down ? True : False, CurrentTime);
  XFlush(dpy_);
  DrainEvents();
}

int InputInjector::SpareFor(unsigned long keysym) {
  Spare* chosen = nullptr;
  for (Spare& s : spares_) {
    if (s.keysym == keysym) {
      s.last_used = ++clock_;
      return s.keycode;
    }
    if (!s.down && (chosen == nullptr || s.last_used < chosen->last_used)) chosen = &s;
  }
  if (chosen == nullptr) return 0;
  KeySym syms[2] = {keysym, keysym};
  // Both levels carry the symbol so Shift or Caps Lock held by the user cannot change it.
  XChangeKeyboardMapping(dpy_, chosen->keycode, 2, syms, 1);
  chosen->keysym = keysym;
  chosen->last_used = ++clock_;
  return chosen->keycode;
}

bool InputInjector::Unicode(uint32_t code_point, bool down) {
  unsigned long keysym = KeysymForCodePoint(code_point);
  if (keysym == NoSymbol) return false;
  int keycode = 0;
  for (const auto& [sym, kc] : plain_keysyms_) {
    if (sym == keysym) {
      keycode = kc;
      break;
    }
  }
  if (keycode == 0) keycode = SpareFor(keysym);
  if (keycode == 0) return false;
  for (Spare& s : spares_)
    if (s.keycode == keycode) s.down = down;
  Key(keycode, down);
  return true;
}

void InputInjector::Move(int x, int y) {
  XTestFakeMotionEvent(dpy_, DefaultScreen(dpy_), x, y, CurrentTime);
  XFlush(dpy_);
  DrainEvents();
}

void InputInjector::Button(int button, bool down) {
  XTestFakeButtonEvent(dpy_, button, down ? True : False, CurrentTime);
  XFlush(dpy_);
  DrainEvents();
}

void InputInjector::SetLocks(bool caps, bool num, bool scroll) {
  // Caps and Num Lock are locked modifiers and are set absolutely. Scroll Lock usually drives only
  // an indicator, which XKB lets a client set explicitly.
  unsigned int affect = LockMask | num_lock_mask_;
  unsigned int values = (caps ? LockMask : 0) | (num ? num_lock_mask_ : 0);
  XkbLockModifiers(dpy_, XkbUseCoreKbd, affect, values);
  XkbSetNamedIndicator(dpy_, scroll_lock_atom_, True, scroll ? True : False, False, nullptr);
  XFlush(dpy_);
  DrainEvents();
}

void InputInjector::Restore() {
  if (dpy_ == nullptr) return;
  for (Spare& s : spares_) {
    if (s.down) XTestFakeKeyEvent(dpy_, s.keycode, False, CurrentTime);
    if (s.keysym == NoSymbol) continue;
    KeySym none = NoSymbol;
    XChangeKeyboardMapping(dpy_, s.keycode, 1, &none, 1);
    s.keysym = NoSymbol;
  }
  XFlush(dpy_);
}

}  // namespace rdshare

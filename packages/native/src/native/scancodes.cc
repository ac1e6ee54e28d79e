#include "scancodes.h"

namespace rdshare {

namespace {
struct Entry {
  uint8_t code;
  const char* name;
};

constexpr Entry kBase[] = {
    {0x01, "ESC"},  {0x02, "AE01"}, {0x03, "AE02"}, {0x04, "AE03"}, {0x05, "AE04"}, {0x06, "AE05"}, {0x07, "AE06"},
    {0x08, "AE07"}, {0x09, "AE08"}, {0x0a, "AE09"}, {0x0b, "AE10"}, {0x0c, "AE11"}, {0x0d, "AE12"}, {0x0e, "BKSP"},
    {0x0f, "TAB"},  {0x10, "AD01"}, {0x11, "AD02"}, {0x12, "AD03"}, {0x13, "AD04"}, {0x14, "AD05"}, {0x15, "AD06"},
    {0x16, "AD07"}, {0x17, "AD08"}, {0x18, "AD09"}, {0x19, "AD10"}, {0x1a, "AD11"}, {0x1b, "AD12"}, {0x1c, "RTRN"},
    {0x1d, "LCTL"}, {0x1e, "AC01"}, {0x1f, "AC02"}, {0x20, "AC03"}, {0x21, "AC04"}, {0x22, "AC05"}, {0x23, "AC06"},
    {0x24, "AC07"}, {0x25, "AC08"}, {0x26, "AC09"}, {0x27, "AC10"}, {0x28, "AC11"}, {0x29, "TLDE"}, {0x2a, "LFSH"},
    {0x2b, "BKSL"}, {0x2c, "AB01"}, {0x2d, "AB02"}, {0x2e, "AB03"}, {0x2f, "AB04"}, {0x30, "AB05"}, {0x31, "AB06"},
    {0x32, "AB07"}, {0x33, "AB08"}, {0x34, "AB09"}, {0x35, "AB10"}, {0x36, "RTSH"}, {0x37, "KPMU"}, {0x38, "LALT"},
    {0x39, "SPCE"}, {0x3a, "CAPS"}, {0x3b, "FK01"}, {0x3c, "FK02"}, {0x3d, "FK03"}, {0x3e, "FK04"}, {0x3f, "FK05"},
    {0x40, "FK06"}, {0x41, "FK07"}, {0x42, "FK08"}, {0x43, "FK09"}, {0x44, "FK10"}, {0x45, "NMLK"}, {0x46, "SCLK"},
    {0x47, "KP7"},  {0x48, "KP8"},  {0x49, "KP9"},  {0x4a, "KPSU"}, {0x4b, "KP4"},  {0x4c, "KP5"},  {0x4d, "KP6"},
    {0x4e, "KPAD"}, {0x4f, "KP1"},  {0x50, "KP2"},  {0x51, "KP3"},  {0x52, "KP0"},  {0x53, "KPDL"}, {0x56, "LSGT"},
    {0x57, "FK11"}, {0x58, "FK12"}, {0x70, "HKTG"}, {0x73, "AB11"}, {0x79, "HENK"}, {0x7b, "MUHE"}, {0x7d, "AE13"},
};

constexpr Entry kExtended[] = {
    {0x1c, "KPEN"}, {0x1d, "RCTL"}, {0x35, "KPDV"}, {0x37, "PRSC"}, {0x38, "RALT"}, {0x46, "PAUS"},
    {0x47, "HOME"}, {0x48, "UP"},   {0x49, "PGUP"}, {0x4b, "LEFT"}, {0x4d, "RGHT"}, {0x4f, "END"},
    {0x50, "DOWN"}, {0x51, "PGDN"}, {0x52, "INS"},  {0x53, "DELE"}, {0x5b, "LWIN"}, {0x5c, "RWIN"},
    {0x5d, "COMP"},
};
}  // namespace

const char* XkbKeyNameForScancode(uint8_t scancode, bool extended) {
  if (extended) {
    for (const Entry& e : kExtended)
      if (e.code == scancode) return e.name;
  } else {
    for (const Entry& e : kBase)
      if (e.code == scancode) return e.name;
  }
  return nullptr;
}

}  // namespace rdshare

#include "plane_shuffle.h"

#include <cstring>

namespace rdshare {

void ShufflePlanes(const PlaneView* planes, const PlaneCopy* copies, size_t count) {
  for (size_t c = 0; c < count; c++) {
    const PlaneCopy& k = copies[c];
    const PlaneView& from = planes[k.from];
    const PlaneView& to = planes[k.to];
    for (int j = 0; j < k.height; j++) {
      const uint8_t* in = from.data + from.stride * (k.from_y + static_cast<size_t>(j) * k.step_y) + k.from_x;
      uint8_t* out = to.data + to.stride * (k.to_y + static_cast<size_t>(j)) + k.to_x;
      if (k.mean) {
        const uint8_t* below = in + from.stride;
        for (int i = 0; i < k.width; i++) {
          const int x = i * k.step_x;
          out[i] = static_cast<uint8_t>((in[x] + in[x + 1] + below[x] + below[x + 1] + 2) >> 2);
        }
      } else if (k.step_x == 1) {
        std::memcpy(out, in, static_cast<size_t>(k.width));
      } else {
        for (int i = 0; i < k.width; i++) out[i] = in[i * k.step_x];
      }
    }
  }
}

}  // namespace rdshare

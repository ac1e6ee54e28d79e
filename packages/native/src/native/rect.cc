#include "rect.h"

#include <algorithm>

namespace rdshare {

namespace {
int64_t Area(const Rect& r) { return static_cast<int64_t>(r.width) * r.height; }

Rect Union(const Rect& a, const Rect& b) {
  int32_t x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  int32_t x1 = std::max(a.x + a.width, b.x + b.width), y1 = std::max(a.y + a.height, b.y + b.height);
  return {x0, y0, x1 - x0, y1 - y0};
}

int64_t OverlapArea(const Rect& a, const Rect& b) {
  int64_t w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  int64_t h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

// Merging is worth it when the union wastes no more area than the two already cover, which holds
// for overlapping bands and for neighbours that share an edge.
bool ShouldMerge(const Rect& a, const Rect& b) {
  return Area(Union(a, b)) <= Area(a) + Area(b) - OverlapArea(a, b);
}
}  // namespace

std::vector<Rect> CoalesceRects(std::vector<Rect> rects, size_t limit) {
  rects.erase(std::remove_if(rects.begin(), rects.end(), [](const Rect& r) { return r.width <= 0 || r.height <= 0; }),
              rects.end());
  bool merged = true;
  while (merged && rects.size() > 1) {
    merged = false;
    for (size_t i = 0; i < rects.size() && !merged; i++) {
      for (size_t j = i + 1; j < rects.size(); j++) {
        if (ShouldMerge(rects[i], rects[j])) {
          rects[i] = Union(rects[i], rects[j]);
          rects.erase(rects.begin() + j);
          merged = true;
          break;
        }
      }
    }
  }
  if (rects.size() > limit) {
    Rect box = rects[0];
    for (const Rect& r : rects) box = Union(box, r);
    rects.assign(1, box);
  }
  return rects;
}

}  // namespace rdshare

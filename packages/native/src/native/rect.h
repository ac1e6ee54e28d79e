#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rdshare {

struct Rect {
  int32_t x = 0;
  int32_t y = 0;
  int32_t width = 0;
  int32_t height = 0;
};

/**
 * Merges overlapping and touching rectangles so one delivery carries few, disjoint-ish areas;
 * past `limit` rectangles the bounding box is cheaper for the consumer than the detail.
 */
std::vector<Rect> CoalesceRects(std::vector<Rect> rects, size_t limit = 64);

}  // namespace rdshare

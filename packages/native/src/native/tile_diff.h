// The tile kernel of the graphics pipeline: which fixed-size tiles of a region differ between two
// 32-bit frames, optionally bringing the stored frame up to date in the same pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rect.h"

namespace rdshare {

struct FrameView {
  uint8_t* data;
  size_t stride;
};

/**
 * Compares `incoming` with `stored` inside `region` on a grid of `tile`-sized cells anchored at (0, 0)
 * and appends each changed cell, clipped to `region`, to `changed`. With `copy`, changed cells are
 * copied from `incoming` into `stored`.
 */
void DiffTiles(FrameView stored, FrameView incoming, Rect region, int tile, bool copy, std::vector<Rect>* changed);

}  // namespace rdshare

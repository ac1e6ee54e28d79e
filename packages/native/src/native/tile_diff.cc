#include "tile_diff.h"

#include <algorithm>
#include <cstring>

namespace rdshare {

void DiffTiles(FrameView stored, FrameView incoming, Rect region, int tile, bool copy, std::vector<Rect>* changed) {
  const int x0 = region.x, x1 = region.x + region.width;
  const int y0 = region.y, y1 = region.y + region.height;
  const int first_column = x0 / tile;
  const int columns = x1 > x0 ? (x1 - 1) / tile - first_column + 1 : 0;
  std::vector<int> first_diff_row(columns);
  // A band of tile rows is walked row by row across all columns so memory is read in address order.
  for (int band = (y0 / tile) * tile; band < y1; band += tile) {
    const int top = std::max(band, y0), bottom = std::min(band + tile, y1);
    std::fill(first_diff_row.begin(), first_diff_row.end(), -1);
    int pending = columns;
    for (int y = top; y < bottom && pending > 0; y++) {
      const uint8_t* a = stored.data + y * stored.stride;
      const uint8_t* b = incoming.data + y * incoming.stride;
      for (int c = 0; c < columns; c++) {
        if (first_diff_row[c] >= 0) continue;
        const int left = std::max((first_column + c) * tile, x0), right = std::min((first_column + c + 1) * tile, x1);
        if (memcmp(a + left * 4, b + left * 4, static_cast<size_t>(right - left) * 4) != 0) {
          first_diff_row[c] = y;
          pending--;
        }
      }
    }
    for (int c = 0; c < columns; c++) {
      if (first_diff_row[c] < 0) continue;
      const int left = std::max((first_column + c) * tile, x0), right = std::min((first_column + c + 1) * tile, x1);
      changed->push_back({left, top, right - left, bottom - top});
      if (!copy) continue;
      // Rows above the first difference are already equal.
      for (int y = first_diff_row[c]; y < bottom; y++)
        memcpy(stored.data + y * stored.stride + left * 4, incoming.data + y * incoming.stride + left * 4,
               static_cast<size_t>(right - left) * 4);
    }
  }
}

}  // namespace rdshare

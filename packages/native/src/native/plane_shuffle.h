// Moving 8-bit samples between planes: strided copies and 2x2 means, the building blocks of chroma layouts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rdshare {

struct PlaneView {
  uint8_t* data;
  size_t stride;
};

/**
 * One step of a shuffle: `width` x `height` samples written at (to_x, to_y) of plane `to`, sample (i, j) read at
 * (from_x + i * step_x, from_y + j * step_y) of plane `from`, or with `mean` the rounded mean of the 2x2 block
 * there.
 */
struct PlaneCopy {
  int from, from_x, from_y, step_x, step_y;
  int to, to_x, to_y;
  int width, height;
  bool mean;
};

/** The number of int32 fields of one PlaneCopy in the addon's flat encoding, in the order above. */
constexpr int kPlaneCopyFields = 11;

void ShufflePlanes(const PlaneView* planes, const PlaneCopy* copies, size_t count);

}  // namespace rdshare

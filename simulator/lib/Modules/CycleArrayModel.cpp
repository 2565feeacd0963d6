//===- CycleArrayModel.cpp - Register-level model of the MAC array --------===//
#include "npusim/Modules/CycleArrayModel.h"

#include "npu/Golden/Arith.h"

#include <algorithm>

namespace npu::sim {

CycleArrayModel::CycleArrayModel(unsigned rows, unsigned cols, unsigned accBits,
                                 OverflowPolicy policy)
    : rows(rows), cols(cols), accBits(accBits), policy(policy),
      lo(-(int64_t(1) << (accBits - 1))), hi((int64_t(1) << (accBits - 1)) - 1),
      w(size_t(rows) * cols, 0), a(size_t(rows) * cols, 0),
      aTag(size_t(rows) * cols, 0), pTag(size_t(rows) * cols, 0),
      p(size_t(rows) * cols, 0), aValid(size_t(rows) * cols, 0),
      pValid(size_t(rows) * cols, 0) {}

int64_t CycleArrayModel::fit(int64_t v, uint64_t &events) const {
  if (v >= lo && v <= hi)
    return v;
  ++events;
  return policy == OverflowPolicy::Wrap ? golden::wrapBits(v, accBits)
                                        : std::clamp(v, lo, hi);
}

void CycleArrayModel::step(const Inputs &in, Outputs &out) {
  const unsigned active = std::min(in.activeCols, cols);
  out.accValid.assign(cols, 0);
  out.acc.assign(cols, 0);
  out.accTag.assign(cols, 0);
  out.peEvents = out.accEvents = 0;

  // Accumulator stage: consumes the bottom row's registered partial sums.
  for (unsigned c = 0; c < active; ++c) {
    const size_t b = idx(rows - 1, c);
    if (!pValid[b])
      continue;
    int64_t v = fit(p[b] * (int64_t(1) << in.accShift), out.accEvents);
    if (in.accumulate)
      v = fit(in.accIn[c] + v, out.accEvents);
    out.accValid[c] = 1;
    out.acc[c] = v;
    out.accTag[c] = pTag[b];
  }

  // Weight preload shifts rows down.
  if (in.weightShift) {
    for (unsigned r = rows - 1; r > 0; --r)
      std::copy_n(w.begin() + idx(r - 1, 0), cols, w.begin() + idx(r, 0));
    std::copy_n(in.weightRow.begin(), cols, w.begin());
  }

  // PEs, bottom-right first so every read sees the previous edge's value.
  for (unsigned r = rows; r-- > 0;)
    for (unsigned c = active; c-- > 0;) {
      const size_t i = idx(r, c);
      const bool valid = c == 0 ? in.actValid[r] != 0 : aValid[idx(r, c - 1)];
      const int32_t act = c == 0 ? in.act[r] : a[idx(r, c - 1)];
      const int32_t tag = c == 0 ? in.actTag[r] : aTag[idx(r, c - 1)];
      const int64_t above = r == 0 ? 0 : p[idx(r - 1, c)];
      const bool aboveValid = r == 0 ? valid : pValid[idx(r - 1, c)];
      const int32_t aboveTag = r == 0 ? tag : pTag[idx(r - 1, c)];
      a[i] = act;
      aValid[i] = valid;
      aTag[i] = tag;
      const int64_t sum = above + (valid ? int64_t(act) * w[i] : 0);
      p[i] = aboveValid ? fit(sum, out.peEvents) : sum;
      pValid[i] = aboveValid;
      pTag[i] = aboveTag;
    }
}

} // namespace npu::sim

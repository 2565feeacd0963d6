//===- CycleArrayModel.cpp - Register-level MAC array model ---------------===//
#include "npusim/Array/CycleArrayModel.h"

#include "npu/Golden/Arith.h"

#include <algorithm>

namespace npu::sim {

uint64_t ArrayOutputs::events() const {
  auto count = [](const std::vector<uint8_t> &v) {
    return static_cast<uint64_t>(std::count(v.begin(), v.end(), 1));
  };
  return count(peOverflow) + count(accOverflowShift) + count(accOverflowAdd);
}

CycleArrayModel::CycleArrayModel(unsigned rows, unsigned cols, unsigned accBits,
                                 OverflowPolicy policy)
    : rows(rows), cols(cols), accBits(accBits), policy(policy),
      w(size_t(rows) * cols, 0), a(size_t(rows) * cols, 0),
      p(size_t(rows) * cols, 0), aValid(size_t(rows) * cols, 0),
      pValid(size_t(rows) * cols, 0) {}

int64_t CycleArrayModel::fit(int64_t v, uint8_t &flag) const {
  bool overflowed = false;
  v = golden::fitAccumulator(v, accBits, policy == OverflowPolicy::Saturate,
                             overflowed);
  flag |= overflowed;
  return v;
}

void CycleArrayModel::evaluate(const ArrayInputs &in, ArrayOutputs &out) {
  const unsigned active = std::min(in.activeCols, cols);
  std::fill(out.accValid.begin(), out.accValid.end(), 0);
  std::fill(out.acc.begin(), out.acc.end(), 0);
  std::fill(out.peOverflow.begin(), out.peOverflow.end(), 0);
  std::fill(out.accOverflowShift.begin(), out.accOverflowShift.end(), 0);
  std::fill(out.accOverflowAdd.begin(), out.accOverflowAdd.end(), 0);

  // Accumulator stage: consumes the bottom row's registered partial sums.
  for (unsigned c = 0; c < active; ++c) {
    const size_t b = idx(rows - 1, c);
    if (!pValid[b])
      continue;
    int64_t v =
        fit(p[b] * (int64_t(1) << in.accShift), out.accOverflowShift[c]);
    if (in.accumulate)
      v = fit(in.accIn[c] + v, out.accOverflowAdd[c]);
    out.accValid[c] = 1;
    out.acc[c] = v;
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
      const int64_t above = r == 0 ? 0 : p[idx(r - 1, c)];
      const bool aboveValid = r == 0 ? valid : pValid[idx(r - 1, c)];
      a[i] = act;
      aValid[i] = valid;
      const int64_t sum = above + (valid ? int64_t(act) * w[i] : 0);
      // An invalid sum is never used; keep it in the register's width
      // like the hardware.
      p[i] = aboveValid ? fit(sum, out.peOverflow[i])
                        : golden::wrapBits(sum, accBits);
      pValid[i] = aboveValid;
    }
}

} // namespace npu::sim

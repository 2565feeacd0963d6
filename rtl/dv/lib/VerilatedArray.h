//===- VerilatedArray.h - A Verilated npu_array as an ArrayPort -*- C++ -*-===//
//
// Template over the Verilated class of one configuration (V<prefix>, built
// by rtl/CMakeLists.txt). Packs ArrayInputs into the module's ports, clocks
// it, and unpacks its outputs; optionally dumps a VCD of every half cycle.
//
//===----------------------------------------------------------------------===//
#ifndef NPURTL_VERILATEDARRAY_H
#define NPURTL_VERILATEDARRAY_H

#include "npurtl/RtlArrays.h"
#include "npusim/Array/ArrayPort.h"

// Verilator's headers are not -Wextra clean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <verilated.h>
#include <verilated_vcd_c.h>
#pragma GCC diagnostic pop

#include <memory>
#include <string>
#include <type_traits>

namespace npu::rtl {

// Bit fields of Verilator port values: integers up to 64 bits, VlWide
// (arrays of 32-bit words) beyond.
template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
void putBits(T &signal, unsigned lsb, unsigned width, uint64_t value) {
  const uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  uint64_t word = static_cast<uint64_t>(signal);
  word = (word & ~(mask << lsb)) | ((value & mask) << lsb);
  signal = static_cast<T>(word);
}

template <std::size_t N>
void putBits(VlWide<N> &signal, unsigned lsb, unsigned width, uint64_t value) {
  while (width) {
    const unsigned word = lsb / 32, bit = lsb % 32;
    const unsigned n = std::min(width, 32 - bit);
    const uint32_t mask = n == 32 ? ~uint32_t(0) : ((uint32_t(1) << n) - 1);
    signal[word] = (signal[word] & ~(mask << bit)) |
                   ((static_cast<uint32_t>(value) & mask) << bit);
    value >>= n;
    lsb += n;
    width -= n;
  }
}

template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
uint64_t getBits(const T &signal, unsigned lsb, unsigned width) {
  const uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  return (static_cast<uint64_t>(signal) >> lsb) & mask;
}

template <std::size_t N>
uint64_t getBits(const VlWide<N> &signal, unsigned lsb, unsigned width) {
  uint64_t value = 0;
  unsigned done = 0;
  while (done < width) {
    const unsigned word = lsb / 32, bit = lsb % 32;
    const unsigned n = std::min(width - done, 32 - bit);
    const uint32_t mask = n == 32 ? ~uint32_t(0) : ((uint32_t(1) << n) - 1);
    value |= uint64_t((signal[word] >> bit) & mask) << done;
    done += n;
    lsb += n;
  }
  return value;
}

inline int64_t signExtend(uint64_t value, unsigned width) {
  const uint64_t sign = uint64_t(1) << (width - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

template <typename V> class VerilatedArray : public sim::ArrayPort {
public:
  VerilatedArray(unsigned rows, unsigned cols, unsigned weightBits,
                 unsigned accBits, const std::string &vcdPath)
      : rows(rows), cols(cols), weightBits(weightBits), accBits(accBits),
        context(std::make_unique<VerilatedContext>()) {
    if (!vcdPath.empty())
      context->traceEverOn(true);
    top = std::make_unique<V>(context.get(), "npu_array");
    if (!vcdPath.empty()) {
      vcd = std::make_unique<VerilatedVcdC>();
      top->trace(vcd.get(), 99);
      vcd->open(vcdPath.c_str());
    }
    top->rst = 1;
    top->clk = 0;
    top->eval();
    clockEdge();
    top->rst = 0;
    top->eval();
  }
  VerilatedArray(const VerilatedArray &) = delete;
  VerilatedArray &operator=(const VerilatedArray &) = delete;
  ~VerilatedArray() override {
    if (vcd)
      vcd->close();
    top->final();
  }

  unsigned numRows() const override { return rows; }
  unsigned numCols() const override { return cols; }

  void evaluate(const sim::ArrayInputs &in, sim::ArrayOutputs &out) override {
    top->w_shift = in.weightShift;
    for (unsigned c = 0; c < cols; ++c)
      putBits(top->w_row, c * portBits, portBits,
              static_cast<uint64_t>(in.weightRow[c]));
    for (unsigned r = 0; r < rows; ++r) {
      putBits(top->act_valid, r, 1, in.actValid[r]);
      putBits(top->act, r * 9, 9, static_cast<uint64_t>(in.act[r]));
    }
    top->active_cols = in.activeCols;
    top->acc_shift = in.accShift;
    top->accumulate = in.accumulate;
    for (unsigned c = 0; c < cols; ++c)
      putBits(top->acc_in, c * accBits, accBits,
              static_cast<uint64_t>(in.accIn[c]));
    top->eval();
    dump();
    for (unsigned c = 0; c < cols; ++c) {
      out.accValid[c] = getBits(top->acc_valid, c, 1);
      out.acc[c] =
          signExtend(getBits(top->acc_out, c * accBits, accBits), accBits);
      out.accOverflowShift[c] = getBits(top->acc_ovf_shift, c, 1);
      out.accOverflowAdd[c] = getBits(top->acc_ovf_add, c, 1);
    }
    for (unsigned i = 0; i < rows * cols; ++i)
      out.peOverflow[i] = getBits(top->pe_ovf, i, 1);
  }

  void clockEdge() override {
    top->clk = 1;
    top->eval();
    dump();
    top->clk = 0;
    top->eval();
  }

  void partialSums(std::vector<int64_t> &value,
                   std::vector<uint8_t> &valid) const override {
    value.resize(size_t(rows) * cols);
    valid.resize(size_t(rows) * cols);
    for (unsigned i = 0; i < rows * cols; ++i) {
      value[i] =
          signExtend(getBits(top->dbg_psum, i * accBits, accBits), accBits);
      valid[i] = getBits(top->dbg_psum_valid, i, 1);
    }
  }

private:
  /// One VCD sample per half cycle (time in half cycles).
  void dump() {
    if (vcd)
      vcd->dump(context->time());
    context->timeInc(1);
  }

  unsigned rows, cols, weightBits, accBits;
  unsigned portBits = weightPortBits(weightBits);
  std::unique_ptr<VerilatedContext> context;
  std::unique_ptr<V> top;
  std::unique_ptr<VerilatedVcdC> vcd;
};

} // namespace npu::rtl

#endif // NPURTL_VERILATEDARRAY_H

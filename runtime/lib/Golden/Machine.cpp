//===- Machine.cpp - The golden executor at speed -------------------------===//
//
// The Machine executes every instruction exactly as the reference
// (Reference.cpp, the normative definition) does, bit for bit and event for
// event. Operands are bounds-checked by checkInstruction before anything
// runs.
//
// The simulator calls execute for the data of every instruction, so the hot
// instructions (gemm, vec.dwconv, ppu, DMA) take faster routes: DMA copies
// whole runs of bytes, and the others run the data-parallel kernels of
// Kernels.h. A sum is reordered (e.g. into a dot product) only where no
// partial sum can leave the accumulator range for any input, so that every
// order gives the same bits and no event; otherwise the MACs run in the
// pseudo-code's order, fitted one by one, in parallel across independent
// accumulators. The other instructions call the reference directly.
//
// The kernels are chosen when a Machine is constructed: the AVX-512/VNNI
// table on x86-64 hosts that have those features, else the portable one.
// NPU_GOLDEN_KERNELS=portable in the environment forces the portable
// kernels (the unit tests compare both with the reference).
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Machine.h"

#include "Kernels.h"
#include "npu/Golden/Loader.h"
#include "npu/Golden/Reference.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Verify.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>

namespace npu::golden {

using namespace isa;
using kernels::DwArgs;
using kernels::GemmArgs;
using kernels::Kernels;
using kernels::kLanes;
using kernels::LaneFit;
using kernels::LaneShiftFit;
using kernels::PpuArgs;
using kernels::PpuEvents;
using kernels::PpuStore;
using kernels::StoreArgs;

namespace {

#if NPU_GOLDEN_X86_KERNELS
bool hostHasAvx512Vnni() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt");
}
#endif

/// The best kernels this host runs, unless NPU_GOLDEN_KERNELS=portable.
const Kernels &hostKernels() {
#if NPU_GOLDEN_X86_KERNELS
  static const bool hasAvx512Vnni = hostHasAvx512Vnni();
  const char *choice = std::getenv("NPU_GOLDEN_KERNELS");
  const bool portable = choice && std::strcmp(choice, "portable") == 0;
  if (hasAvx512Vnni && !portable)
    return kernels::kAvx512VnniKernels;
#endif
  return kernels::kPortableKernels;
}

/// Largest |x - zp| of an int8 input x. Products with an int8 weight are at
/// most 255 * 128 = 32640 in magnitude and fit in int16.
int64_t maxAbsInput(int32_t zp) {
  return std::max(std::abs(-128 - zp), std::abs(127 - zp));
}

/// Scratch space of `size` int32s, grown on demand and kept.
int32_t *scratchOf(std::vector<int32_t> &scratch, size_t size) {
  if (scratch.size() < size)
    scratch.resize(size);
  return scratch.data();
}

} // namespace

Machine::Machine(const ArchConfig &config, uint64_t dramSize)
    : state(config, dramSize), kernelTable(&hostKernels()),
      paddedCols((size_t(config.array.cols) + kLanes - 1) / kLanes * kLanes) {
  repackWeights();
}

void Machine::repackWeights() {
  const size_t rows = state.arch.array.rows, cols = state.arch.array.cols;
  weightRows.assign(rows * paddedCols, 0);
  weightQuads.assign((rows + 3) / 4 * paddedCols * 4, 0);
  columnSums.assign((rows + 1) * cols, 0);
  columnAbsSums.assign((rows + 1) * cols, 0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const int16_t w = state.weights[r * cols + c];
      weightRows[r * paddedCols + c] = w;
      weightQuads[((r / 4) * paddedCols + c) * 4 + r % 4] =
          static_cast<int8_t>(w);
      columnSums[(r + 1) * cols + c] = columnSums[r * cols + c] + w;
      columnAbsSums[(r + 1) * cols + c] =
          columnAbsSums[r * cols + c] + std::abs(w);
    }
}

struct Machine::Exec {
  /// Most input vectors a gemm kernel call takes.
  static constexpr size_t kMaxGemmChunk = 64;

  Machine &m;
  Counters &counters;

  std::vector<uint8_t> &buf(Buffer b) { return m.state.sram(b); }
  LaneFit accFit() const {
    return LaneFit(static_cast<unsigned>(m.state.arch.array.accBits),
                   m.state.arch.array.overflow == OverflowPolicy::Saturate);
  }

  /// Whether a transposed ppu writes ABUF bytes it reads: then a row's
  /// results may land on accumulators of later rows and columns, and only
  /// the pseudo-code's element order gives the right bits.
  static bool transposedOutputOverlapsInput(const Ppu &p,
                                            const PpuConfig &cfg) {
    if (p.dstBuf != Buffer::ABuf || p.pixels == 0 || p.channels == 0)
      return false;
    const int64_t srcEnd = int64_t(p.srcAddr) +
                           int64_t(p.pixels - 1) * p.srcStride +
                           4 * int64_t(p.channels);
    const int64_t dstEnd = int64_t(p.dstAddr) +
                           int64_t(p.channels - 1) * p.dstStride +
                           int64_t(p.pixels) * elementBytes(cfg.outType);
    return p.dstAddr < srcEnd && p.srcAddr < dstEnd;
  }

  /// Instructions with no faster route run as the reference defines them.
  template <typename I> Status operator()(const I &instr) {
    return reference::run(m.state, instr, counters);
  }

  Status operator()(const LoadWeights &l) {
    NPU_TRY(reference::run(m.state, l, counters));
    m.repackWeights();
    return Status::success();
  }

  Status operator()(const DmaLoad &d) {
    std::vector<uint8_t> &dst = buf(d.buf);
    const uint32_t rowsTotal = d.padTop + d.rows + d.padBottom;
    const int64_t leftBytes = int64_t(d.padLeft) * d.elemBytes;
    const int64_t dataBytes = int64_t(d.cols) * d.elemBytes;
    const int64_t rightBytes = int64_t(d.padRight) * d.elemBytes;
    const int64_t rowBytes = leftBytes + dataBytes + rightBytes;
    if (rowsTotal == 0 || rowBytes == 0)
      return Status::success();
    const auto pad = static_cast<uint8_t>(d.padValue);
    // Rows do not overlap (checked), DRAM is not a scratchpad: each row is
    // padding, data and padding, in any order.
    for (uint32_t r = 0; r < rowsTotal; ++r) {
      uint8_t *row = dst.data() + d.sramAddr + int64_t(r) * d.sramRowStride;
      if (r < d.padTop || r >= d.padTop + d.rows) {
        std::memset(row, pad, rowBytes);
        continue;
      }
      std::memset(row, pad, leftBytes);
      std::memset(row + leftBytes + dataBytes, pad, rightBytes);
      if (dataBytes == 0)
        continue;
      const uint8_t *src = m.state.dram.data() + d.dramAddr +
                           int64_t(r - d.padTop) * d.dramRowStride;
      uint8_t *out = row + leftBytes;
      if (d.dramColStride == d.elemBytes) {
        std::memcpy(out, src, dataBytes);
        continue;
      }
      for (uint32_t c = 0; c < d.cols; ++c)
        std::memcpy(out + int64_t(c) * d.elemBytes,
                    src + int64_t(c) * d.dramColStride, d.elemBytes);
    }
    return Status::success();
  }

  Status operator()(const DmaStore &d) {
    const std::vector<uint8_t> &src = buf(d.buf);
    const int64_t rowBytes = int64_t(d.cols) * d.elemBytes;
    if (d.rows == 0 || rowBytes == 0)
      return Status::success();
    // Rows in order: DRAM rows and elements may overlap (the later wins).
    for (uint32_t r = 0; r < d.rows; ++r) {
      uint8_t *to =
          m.state.dram.data() + d.dramAddr + int64_t(r) * d.dramRowStride;
      const uint8_t *from =
          src.data() + d.sramAddr + int64_t(r) * d.sramRowStride;
      if (d.dramColStride == d.elemBytes) {
        std::memcpy(to, from, rowBytes);
      } else if (d.dramColStride == 0) {
        // Every element lands on the same bytes; the last one stays.
        std::memcpy(to, from + rowBytes - d.elemBytes, d.elemBytes);
      } else {
        for (uint32_t c = 0; c < d.cols; ++c)
          std::memcpy(to + int64_t(c) * d.dramColStride,
                      from + int64_t(c) * d.elemBytes, d.elemBytes);
      }
    }
    return Status::success();
  }

  Status operator()(const Gemm &g) {
    const uint64_t vectors = uint64_t(g.outH) * g.outW;
    counters.macs += vectors * g.cols * g.k;
    if (vectors == 0)
      return Status::success();
    const Kernels &kernel = *m.kernelTable;
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    const LaneFit fit = accFit();
    const size_t arrayCols = m.state.arch.array.cols, width = m.paddedCols;

    // If no partial sum of a column can leave the accumulator range for
    // any input, the column is a plain dot product: every summation order
    // gives the same bits and no event. Otherwise the columns are
    // accumulated as written (in order, fitted after every MAC).
    const int64_t maxInput = maxAbsInput(g.inZp);
    const int32_t *absSums = m.columnAbsSums.data() + g.k * arrayCols;
    bool ordered = false;
    for (uint32_t c = 0; c < g.cols; ++c)
      ordered |= maxInput * absSums[c] > (fit.hi >> g.accShift);

    // Chunks of vectors whose results stay in L1.
    const size_t chunk = std::clamp<size_t>(4096 / width, 1, kMaxGemmChunk);
    int32_t *out = scratchOf(m.scratch, chunk * width + width);
    int32_t *negCorrection = out + chunk * width;
    if (!ordered) {
      const int32_t *sums = m.columnSums.data() + g.k * arrayCols;
      std::fill_n(negCorrection, width, 0);
      for (size_t c = 0; c < arrayCols; ++c)
        negCorrection[c] = -(128 + g.inZp) * sums[c];
    }
    GemmArgs args{/*inputs=*/nullptr,
                  /*count=*/0,
                  g.k,
                  g.inZp,
                  g.cols,
                  width,
                  m.weightRows.data(),
                  m.weightQuads.data(),
                  negCorrection,
                  LaneShiftFit(fit, g.accShift),
                  out};
    StoreArgs store{/*values=*/out,
                    /*valueStride=*/g.cols,
                    /*count=*/0, g.cols,
                    /*dst=*/nullptr,
                    /*dstStride=*/g.accStride,
                    // The ordered kernel's results are already shifted.
                    /*shift=*/ordered ? 0 : g.accShift, g.accumulate, fit};

    std::array<const uint8_t *, kMaxGemmChunk> inputs;
    args.inputs = inputs.data();
    uint32_t y = 0, x = 0;
    for (uint64_t first = 0; first < vectors; first += chunk) {
      args.count = std::min<uint64_t>(chunk, vectors - first);
      for (size_t i = 0; i < args.count; ++i) {
        inputs[i] = ibuf.data() + g.inAddr + int64_t(y) * g.inStrideY +
                    int64_t(x) * g.inStrideX;
        if (++x == g.outW)
          x = 0, ++y;
      }
      if (ordered)
        counters.accOverflow += kernel.gemmOrdered(args);
      else
        kernel.gemmSums(args);
      store.count = args.count;
      store.dst = abuf.data() + g.accAddr + first * g.accStride;
      counters.accOverflow += kernel.storeResults(store);
    }
    return Status::success();
  }

  Status operator()(const Ppu &p) {
    const PpuConfig &cfg = *m.state.ppu;
    if (p.transpose && transposedOutputOverlapsInput(p, cfg))
      return reference::run(m.state, p, counters); // order matters
    const std::vector<uint8_t> &pbuf = buf(Buffer::PBuf);
    const size_t channels = p.channels;
    // Transposed, row px is channel ch_offset + px: the parameters are per
    // row, and each row runs as one pixel with them in every lane.
    const size_t numParams = p.transpose ? p.pixels : channels;
    const size_t laneParams = p.transpose ? channels : 0;
    const size_t stagingWords = p.transpose ? (2 * channels + 3) / 4 : 0;
    int32_t *biases = scratchOf(m.scratch, 2 * numParams + channels +
                                               2 * laneParams + stagingWords);
    int32_t *mults = biases + numParams, *row = mults + numParams;
    int32_t *laneBiases = row + channels, *laneMults = laneBiases + laneParams;
    auto *staging = reinterpret_cast<uint8_t *>(laneMults + laneParams);
    if (m.scratchWide.size() < 3 * (numParams + laneParams))
      m.scratchWide.resize(3 * (numParams + laneParams));
    int64_t *shifts = m.scratchWide.data(), *roundUp = shifts + numParams;
    int64_t *roundDown = roundUp + numParams;
    int64_t *laneShifts = roundDown + numParams;
    int64_t *laneUp = laneShifts + laneParams, *laneDown = laneUp + laneParams;
    // Resolve per-channel parameters first so an invalid table entry
    // changes nothing.
    for (uint32_t c = 0; c < numParams; ++c) {
      Result<PpuChannel> params =
          readPpuChannel(cfg, pbuf.data(), int64_t(p.chOffset) + c);
      if (!params)
        return params.error();
      const int shift = params->shift;
      mults[c] = params->mult;
      shifts[c] = shift;
      biases[c] = params->bias;
      // apply_scale_32's rounding term (Arith.h).
      const int64_t round = int64_t(1) << (shift - 1);
      const int64_t doubleRound =
          cfg.doubleRound && shift > 31 ? int64_t(1) << 30 : 0;
      roundUp[c] = round + doubleRound;
      roundDown[c] = round - doubleRound;
    }
    if (p.pixels == 0 || p.channels == 0)
      return Status::success(); // no operand addresses to form
    const auto lo = static_cast<int32_t>(elementMin(cfg.outType));
    const auto hi = static_cast<int32_t>(elementMax(cfg.outType));
    PpuArgs args{buf(Buffer::ABuf).data() + p.srcAddr,
                 p.srcStride,
                 p.pixels,
                 channels,
                 buf(p.dstBuf).data() + p.dstAddr,
                 p.dstStride,
                 cfg.hasLut                  ? PpuStore::Lut
                 : cfg.outType == DType::I16 ? PpuStore::Int16
                                             : PpuStore::Byte,
                 cfg.hasLut ? pbuf.data() + cfg.lutAddr : nullptr,
                 biases,
                 mults,
                 shifts,
                 roundUp,
                 roundDown,
                 m.state.arch.array.overflow == OverflowPolicy::Saturate,
                 cfg.outZp,
                 lo,
                 hi,
                 std::max(cfg.clampMin, lo),
                 std::min(cfg.clampMax, hi),
                 row};
    if (!p.transpose) {
      const PpuEvents events = m.kernelTable->ppu(args);
      counters.accOverflow += events.accOverflow;
      counters.saturation += events.saturation;
      return Status::success();
    }
    // Each row into `staging`, then scattered down its column.
    const size_t outSize = elementBytes(cfg.outType);
    uint8_t *dst = args.dst;
    args.pixels = 1;
    args.dst = staging;
    args.bias = laneBiases;
    args.mult = laneMults;
    args.shift = laneShifts;
    args.roundUp = laneUp;
    args.roundDown = laneDown;
    for (uint32_t px = 0; px < p.pixels; ++px) {
      std::fill_n(laneBiases, channels, biases[px]);
      std::fill_n(laneMults, channels, mults[px]);
      std::fill_n(laneShifts, channels, shifts[px]);
      std::fill_n(laneUp, channels, roundUp[px]);
      std::fill_n(laneDown, channels, roundDown[px]);
      args.src =
          buf(Buffer::ABuf).data() + p.srcAddr + int64_t(px) * p.srcStride;
      const PpuEvents events = m.kernelTable->ppu(args);
      counters.accOverflow += events.accOverflow;
      counters.saturation += events.saturation;
      uint8_t *column = dst + px * outSize;
      for (size_t c = 0; c < channels; ++c)
        std::memcpy(column + c * p.dstStride, staging + c * outSize, outSize);
    }
    return Status::success();
  }

  Status operator()(const DwConv &d) {
    counters.macs += uint64_t(d.outH) * d.outW * d.channels * d.kh * d.kw;
    if (uint64_t(d.outH) * d.outW == 0)
      return Status::success();
    const Kernels &kernel = *m.kernelTable;
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    const uint8_t *weights = buf(Buffer::WBuf).data() + d.wAddr;
    std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    const LaneFit fit = accFit();
    const size_t channels = d.channels, taps = size_t(d.kh) * d.kw;
    // With depth_mult > 1 each pixel's window is first gathered into
    // [tap][output channel] bytes.
    const bool gather = d.depthMult != 1;
    const size_t gatherWords = gather ? (taps * channels + 3) / 4 : 0;
    int32_t *out = scratchOf(m.scratch, channels + 2 * taps + gatherWords);
    int32_t *tapOffsets = out + channels, *denseOffsets = tapOffsets + taps;
    auto *gathered = reinterpret_cast<uint8_t *>(denseOffsets + taps);
    for (uint32_t ky = 0; ky < d.kh; ++ky)
      for (uint32_t kx = 0; kx < d.kw; ++kx) {
        const size_t t = size_t(ky) * d.kw + kx;
        tapOffsets[t] =
            static_cast<int32_t>(int64_t(ky) * d.dilH * d.inRowStride +
                                 int64_t(kx) * d.dilW * d.inPixStride);
        denseOffsets[t] = static_cast<int32_t>(t * channels);
      }

    // As for gemm: sums whose partial sums provably stay in range for any
    // input are plain sums; otherwise every channel accumulates as written.
    const int64_t maxInput = maxAbsInput(d.inZp);
    bool ordered = false;
    for (size_t oc = 0; oc < channels && !ordered; ++oc) {
      int64_t absSum = 0;
      for (size_t t = 0; t < taps; ++t)
        absSum += std::abs(static_cast<int8_t>(weights[t * channels + oc]));
      ordered = maxInput * absSum > fit.hi;
    }

    DwArgs args{/*window=*/nullptr,
                /*tapOffsets=*/gather ? denseOffsets : tapOffsets,
                taps,
                weights,
                channels,
                d.inZp,
                fit,
                out};
    StoreArgs store{/*values=*/out,
                    /*valueStride=*/channels,
                    /*count=*/1,
                    /*cols=*/channels,
                    /*dst=*/nullptr,
                    /*dstStride=*/0,
                    /*shift=*/0,
                    d.accumulate,
                    fit};
    for (uint32_t y = 0; y < d.outH; ++y)
      for (uint32_t x = 0; x < d.outW; ++x) {
        const uint8_t *window = ibuf.data() + d.inAddr +
                                int64_t(y) * d.strideH * d.inRowStride +
                                int64_t(x) * d.strideW * d.inPixStride;
        if (gather) {
          for (size_t t = 0; t < taps; ++t)
            for (size_t oc = 0; oc < channels; ++oc)
              gathered[t * channels + oc] =
                  window[tapOffsets[t] + oc / d.depthMult];
          window = gathered;
        }
        args.window = window;
        if (ordered)
          counters.accOverflow += kernel.dwOrdered(args);
        else
          kernel.dwSums(args);
        store.dst =
            abuf.data() + d.accAddr + (int64_t(y) * d.outW + x) * d.accStride;
        counters.accOverflow += kernel.storeResults(store);
      }
    return Status::success();
  }
};

Status Machine::execute(const Instruction &instr, Counters &counters) {
  NPU_TRY(reference::check(state, instr));
  Counters local;
  Exec exec{*this, local};
  Status status = std::visit(exec, instr);
  if (!status)
    return status;
  ++local.instructions;
  counters += local;
  return Status::success();
}

Status checkInputTensor(const Program &program, size_t index,
                        const Tensor &tensor) {
  const TensorDesc &desc = program.tensors[index];
  if (tensor.type != desc.type)
    return makeError("input '", desc.name, "' expects ",
                     elementTypeName(desc.type), ", got ",
                     elementTypeName(tensor.type));
  if (tensor.shape != desc.shape)
    return makeError("input '", desc.name, "' expects shape ",
                     formatShape(desc.shape), ", got ",
                     formatShape(tensor.shape));
  if (tensor.data.size() != desc.byteSize())
    return makeError("input '", desc.name, "' holds ", tensor.data.size(),
                     " bytes, expected ", desc.byteSize());
  return Status::success();
}

Result<RunResult> runProgram(const Program &program,
                             const std::vector<Tensor> &inputs) {
  NPU_TRY(verifyProgram(program));
  Result<ArchConfig> config = program.recordedArch();
  if (!config)
    return config.error();
  if (program.dramSize > static_cast<uint64_t>(config->dramBytes()))
    return makeError("program needs ", program.dramSize,
                     " bytes of DRAM, the configuration provides ",
                     config->dramBytes());
  Machine machine(*config, program.dramSize);
  NPU_TRY(loadProgram(machine, program, inputs));

  std::vector<uint32_t> layerOf(program.instructions.size(),
                                DebugRange::kNoLayer);
  for (const DebugRange &r : program.debug)
    std::fill_n(layerOf.begin() + r.firstInstr, r.numInstrs, r.layer);

  RunResult result;
  result.perLayer.resize(program.layers.size());
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    Counters counters;
    Status status = machine.execute(program.instructions[i], counters);
    if (!status)
      return status.error().withContext(
          "instruction " + std::to_string(i) + " (" +
          mnemonicOf(program.instructions[i]) + ")");
    result.total += counters;
    if (layerOf[i] != DebugRange::kNoLayer)
      result.perLayer[layerOf[i]] += counters;
  }

  result.outputs = readOutputs(machine, program);
  return result;
}

} // namespace npu::golden

//===- GoldenBench.cpp - Throughput of the golden executor ----------------===//
//
// Times Machine::execute on the instructions that dominate real networks:
// gemm (items/s = multiply-accumulates/s) for the three presets' arrays and
// a range of vector counts N, vec.dwconv (MACs/s), ppu (accumulators/s) and
// dma.load / dma.store (bytes/s). Scratchpads hold deterministic
// pseudo-random data. Where N vectors would not fit a preset's scratchpads
// the buffers are enlarged (the array shape, which is what is measured,
// stays the preset's).
//
//   build/bin/npu-golden-bench [--benchmark_filter=gemm] [...]
//
// NPU_GOLDEN_KERNELS=portable in the environment times the baseline-ISA
// kernels instead of the host's best (see Machine.cpp).
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Machine.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace npu;
using namespace npu::golden;
using namespace npu::isa;

namespace {

const char *const kPresets[] = {"npu-tiny", "npu-base", "npu-large"};

ArchConfig presetConfig(int64_t index) {
  Result<ArchConfig> config = resolveArchConfig(kPresets[index]);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().getMessage().c_str());
    std::abort();
  }
  return *config;
}

/// Grows a scratchpad capacity (KiB) to hold at least `bytes`.
void ensureKiB(int64_t &kib, int64_t bytes) {
  kib = std::max(kib, (bytes + 1023) / 1024);
}

/// Deterministic pseudo-random bytes (splitmix64).
void fillRandom(std::vector<uint8_t> &bytes, uint64_t seed) {
  uint64_t state = seed;
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    for (size_t b = 0; b < 8 && i + b < bytes.size(); ++b)
      bytes[i + b] = static_cast<uint8_t>(z >> (8 * b));
  }
}

void fillAll(Machine &m) {
  for (unsigned b = 0; b < 5; ++b)
    fillRandom(m.sram(static_cast<Buffer>(b)), 1 + b);
  fillRandom(m.dram(), 42);
}

void mustRun(benchmark::State &state, Machine &m, const Instruction &instr,
             Counters &counters) {
  Status status = m.execute(instr, counters);
  if (!status)
    state.SkipWithError(status.error().getMessage().c_str());
}

/// Shrinks every little-endian int32 in `bytes` to |value| < 2^(31 - shift).
void shrinkInt32s(std::vector<uint8_t> &bytes, int shift) {
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4)
    storeLE<int32_t>(bytes.data() + i,
                     loadLE<int32_t>(bytes.data() + i) >> shift);
}

/// Runs `instr` repeatedly; `items` per execution are reported as items/s.
void timeInstruction(benchmark::State &state, Machine &m,
                     const Instruction &instr, int64_t items) {
  Counters counters;
  if (Status s = m.execute(instr, counters); !s) {
    state.SkipWithError(s.error().getMessage().c_str());
    return;
  }
  counters = Counters();
  for (auto _ : state) {
    Status s = m.execute(instr, counters);
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * items);
  state.counters["overflows"] = benchmark::Counter(
      double(counters.accOverflow) / std::max<double>(1, state.iterations()));
}

//===----------------------------------------------------------------------===//
// Fixed cost of one instruction
//===----------------------------------------------------------------------===//

/// `token` does nothing: its time is the fixed cost of execute (dispatch and
/// the operand checks every instruction gets).
void token(benchmark::State &state) {
  Machine m(presetConfig(0), 64);
  timeInstruction(state, m, Token(), 1);
}
BENCHMARK(token);

/// checkInstruction alone on an 8x8 gemm (part of execute's fixed cost).
void checkGemm(benchmark::State &state) {
  const ArchConfig arch = presetConfig(0);
  Gemm g;
  g.outH = g.outW = 1;
  g.k = g.cols = 8;
  g.accStride = 32;
  for (auto _ : state) {
    Status s = checkInstruction(g, arch, 64, nullptr, nullptr);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(checkGemm);

//===----------------------------------------------------------------------===//
// gemm
//===----------------------------------------------------------------------===//

/// Args: preset index, N (= out_h * out_w vectors), accumulate, acc_bits
/// (32 = the preset's; 16 = narrow saturating accumulators, for which the
/// full-range random weights take the ordered, MAC-by-MAC path).
void gemm(benchmark::State &state) {
  ArchConfig arch = presetConfig(state.range(0));
  const int64_t n = state.range(1);
  const bool accumulate = state.range(2) != 0;
  const int64_t accBits = state.range(3);
  if (accBits != arch.array.accBits) {
    arch.array.accBits = accBits;
    arch.array.overflow = OverflowPolicy::Saturate;
  }
  const uint32_t k = static_cast<uint32_t>(arch.array.rows);
  const uint32_t cols = static_cast<uint32_t>(arch.array.cols);
  ensureKiB(arch.sram.ibufKiB, n * k);
  ensureKiB(arch.sram.abufKiB, n * cols * 4);
  Machine m(arch, 64);
  fillAll(m);
  shrinkInt32s(m.sram(Buffer::ABuf), 8); // partial sums of earlier passes
  Counters counters;
  LoadWeights lw;
  lw.rows = k;
  lw.cols = cols;
  lw.wStride = cols;
  mustRun(state, m, lw, counters);

  Gemm g;
  g.outW = static_cast<uint32_t>(std::min<int64_t>(n, 64));
  g.outH = static_cast<uint32_t>(n / g.outW);
  g.k = k;
  g.inStrideX = k;
  g.inStrideY = g.outW * k;
  g.inZp = -3;
  g.cols = cols;
  g.accStride = 4 * cols;
  g.accumulate = accumulate;
  timeInstruction(state, m, g, n * k * cols);
  state.SetLabel(std::string(kPresets[state.range(0)]) + " " +
                 std::to_string(k) + "x" + std::to_string(cols));
}

void gemmArgs(benchmark::internal::Benchmark *b) {
  b->ArgNames({"preset", "N", "acc", "acc_bits"});
  for (int64_t preset = 0; preset < 3; ++preset) {
    for (int64_t n : {1, 16, 64, 256, 1024, 4096})
      b->Args({preset, n, 1, 32});
    b->Args({preset, 1024, 0, 32});
    b->Args({preset, 1024, 1, 16});
  }
}
BENCHMARK(gemm)->Apply(gemmArgs);

//===----------------------------------------------------------------------===//
// vec.dwconv
//===----------------------------------------------------------------------===//

/// Args: channels, output size (square), kernel (square), stride,
/// accumulate. MobileNet-style depthwise layers.
void dwconv(benchmark::State &state) {
  ArchConfig arch = presetConfig(1);
  const auto channels = static_cast<uint32_t>(state.range(0));
  const auto out = static_cast<uint32_t>(state.range(1));
  const auto kernel = static_cast<uint32_t>(state.range(2));
  const auto stride = static_cast<uint32_t>(state.range(3));
  const uint32_t in = (out - 1) * stride + kernel;
  ensureKiB(arch.sram.ibufKiB, int64_t(in) * in * channels);
  ensureKiB(arch.sram.abufKiB, int64_t(out) * out * channels * 4);
  Machine m(arch, 64);
  fillAll(m);
  DwConv d;
  d.channels = channels;
  d.outH = d.outW = out;
  d.kh = d.kw = kernel;
  d.strideH = d.strideW = stride;
  d.inPixStride = channels;
  d.inRowStride = in * channels;
  d.inZp = 5;
  d.accStride = 4 * channels;
  d.accumulate = state.range(4) != 0;
  timeInstruction(state, m, d, int64_t(out) * out * channels * kernel * kernel);
}
BENCHMARK(dwconv)
    ->ArgNames({"C", "out", "k", "stride", "acc"})
    ->Args({16, 16, 3, 1, 0})
    ->Args({32, 16, 3, 1, 0})
    ->Args({64, 8, 3, 1, 0})
    ->Args({64, 8, 3, 2, 0})
    ->Args({128, 8, 3, 1, 1})
    ->Args({32, 16, 5, 1, 0});

//===----------------------------------------------------------------------===//
// ppu
//===----------------------------------------------------------------------===//

/// Args: pixels, channels, per-channel scales (0: per-layer + k_c table).
void ppu(benchmark::State &state) {
  const ArchConfig arch = presetConfig(1);
  const auto pixels = static_cast<uint32_t>(state.range(0));
  const auto channels = static_cast<uint32_t>(state.range(1));
  const bool perChannel = state.range(2) != 0;
  Machine m(arch, 64);
  fillAll(m);
  // Accumulators of a realistic magnitude (|acc| < 2^14) and valid tables:
  // per-channel multipliers and shifts, or one multiplier with a k_c table.
  shrinkInt32s(m.sram(Buffer::ABuf), 17);
  PpuParams params;
  params.form = perChannel ? PpuForm::PerChannel : PpuForm::ShiftTable;
  for (uint32_t c = 0; c < channels; ++c) {
    params.bias.push_back(static_cast<int32_t>((c * 2654435761u) >> 20) - 2048);
    params.mult.push_back(static_cast<int32_t>((1u << 30) + c * 12345u));
    params.shift.push_back(static_cast<int32_t>(36 + c % 4));
    params.kshift.push_back(static_cast<int32_t>(c % 8));
  }
  if (!perChannel) {
    params.mult = {1 << 30};
    params.shift = {30};
  }
  params.outType = DType::I8;
  params.outZp = -7;
  params.doubleRound = true;
  const PpuImage image = packPpuTables(params, 0, channels);
  std::copy(image.bytes.begin(), image.bytes.end(),
            m.sram(Buffer::PBuf).begin());
  Counters counters;
  mustRun(state, m, image.config, counters);
  Ppu p;
  p.pixels = pixels;
  p.channels = channels;
  p.srcStride = 4 * channels;
  p.dstStride = channels;
  timeInstruction(state, m, p, int64_t(pixels) * channels);
}
BENCHMARK(ppu)
    ->ArgNames({"pixels", "C", "per_channel"})
    ->Args({256, 16, 1})
    ->Args({64, 128, 1})
    ->Args({256, 16, 0});

//===----------------------------------------------------------------------===//
// dma.load / dma.store
//===----------------------------------------------------------------------===//

/// Args: tile height = width, channels (element bytes), padding. Loads an
/// NHWC tile out of a 64-pixel-wide tensor (bytes/s counts written bytes).
void dmaLoad(benchmark::State &state) {
  const ArchConfig arch = presetConfig(1);
  const auto tile = static_cast<uint32_t>(state.range(0));
  const auto channels = static_cast<uint32_t>(state.range(1));
  const auto pad = static_cast<uint32_t>(state.range(2));
  Machine m(arch, 1 << 20);
  fillAll(m);
  DmaLoad d;
  d.buf = Buffer::IBuf;
  d.dramAddr = 1000;
  d.dramColStride = channels;
  d.dramRowStride = 64 * channels;
  d.rows = d.cols = tile;
  d.elemBytes = channels;
  d.padTop = d.padBottom = d.padLeft = d.padRight = pad;
  d.padValue = -3;
  d.sramRowStride = (tile + 2 * pad) * channels;
  const int64_t bytes = int64_t(tile + 2 * pad) * d.sramRowStride;
  timeInstruction(state, m, d, bytes);
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(dmaLoad)
    ->ArgNames({"tile", "C", "pad"})
    ->Args({16, 32, 1})
    ->Args({16, 8, 1})
    ->Args({32, 3, 1})
    ->Args({16, 64, 0});

/// Args: tile height = width, channels. Stores a dense tile into a
/// 64-pixel-wide NHWC tensor.
void dmaStore(benchmark::State &state) {
  const ArchConfig arch = presetConfig(1);
  const auto tile = static_cast<uint32_t>(state.range(0));
  const auto channels = static_cast<uint32_t>(state.range(1));
  Machine m(arch, 1 << 20);
  fillAll(m);
  DmaStore d;
  d.buf = Buffer::OBuf;
  d.dramAddr = 1000;
  d.dramColStride = channels;
  d.dramRowStride = 64 * channels;
  d.rows = d.cols = tile;
  d.elemBytes = channels;
  d.sramRowStride = tile * channels;
  const int64_t bytes = int64_t(tile) * tile * channels;
  timeInstruction(state, m, d, bytes);
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(dmaStore)->ArgNames({"tile", "C"})->Args({16, 32})->Args({16, 8});

} // namespace

BENCHMARK_MAIN();

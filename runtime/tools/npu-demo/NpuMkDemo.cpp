//===- NpuMkDemo.cpp - Build the hand-written demo convolution ------------===//
//
// npu-mkdemo OUTDIR [--arch NAME|FILE] [--set KEY=VALUE]...
// Writes OUTDIR/conv.bin: a 3x3 convolution (8x8x4 int8 input, SAME padding,
// 8 output channels, per-channel requantization, bias, ReLU) hand-assembled
// from NPU instructions, with its input embedded; OUTDIR/input.npy; and
// OUTDIR/expected.npy, the same convolution computed directly from the TOSA
// CONV2D + RESCALE + CLAMP definitions by plain loops in this file.
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Builder.h"

#include "../common/CommandLine.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace po = boost::program_options;
using namespace npu;
using namespace npu::isa;

namespace {

constexpr int kH = 8, kW = 8, kCin = 4, kCout = 8, kK = 3;
constexpr int kInZp = -3, kOutZp = 5;

/// Deterministic pseudo-random int8 values.
struct Lcg {
  uint32_t state;
  int8_t next(int lo, int hi) {
    state = state * 1664525u + 1013904223u;
    return static_cast<int8_t>(lo + int((state >> 8) % uint32_t(hi - lo + 1)));
  }
};

struct Demo {
  std::vector<int8_t> input;   // [H][W][Cin]
  std::vector<int8_t> weights; // [Cout][K][K][Cin] (TOSA OHWI)
  std::vector<int32_t> bias;   // [Cout]
  std::vector<int32_t> mult;   // [Cout]
  std::vector<int32_t> shift;  // [Cout]
};

Demo makeDemo() {
  Demo d;
  Lcg rng{12345};
  for (int i = 0; i < kH * kW * kCin; ++i)
    d.input.push_back(rng.next(-128, 127));
  for (int i = 0; i < kCout * kK * kK * kCin; ++i)
    d.weights.push_back(rng.next(-127, 127));
  for (int c = 0; c < kCout; ++c) {
    d.bias.push_back(int32_t(rng.next(-128, 127)) * 37);
    // Effective scale input_scale * weight_scale[c] / output_scale.
    const double scale = 0.0009 * (1.0 + 0.37 * c);
    golden::ScaleFactor f = golden::quantizeMultiplier(scale);
    d.mult.push_back(f.multiplier);
    d.shift.push_back(f.shift);
  }
  return d;
}

/// TOSA CONV2D (pad 1, stride 1) + per-channel RESCALE (double_round) +
/// CLAMP, written directly from the specification's pseudo-code.
std::vector<int8_t> reference(const Demo &d) {
  std::vector<int8_t> out;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x)
      for (int co = 0; co < kCout; ++co) {
        int64_t acc = d.bias[co];
        for (int ky = 0; ky < kK; ++ky)
          for (int kx = 0; kx < kK; ++kx)
            for (int ci = 0; ci < kCin; ++ci) {
              const int iy = y + ky - 1, ix = x + kx - 1;
              if (iy < 0 || iy >= kH || ix < 0 || ix >= kW)
                continue; // padding contributes (zp - zp) = 0
              const int a = d.input[(iy * kW + ix) * kCin + ci] - kInZp;
              const int w = d.weights[((co * kK + ky) * kK + kx) * kCin + ci];
              acc += a * w;
            }
        const int s = d.shift[co];
        int64_t round = int64_t(1) << (s - 1);
        if (s > 31)
          round += acc >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
        int64_t v = (acc * d.mult[co] + round) >> s;
        v += kOutZp;
        v = std::max<int64_t>(-128, std::min<int64_t>(127, v));
        v = std::max<int64_t>(kOutZp, v); // ReLU in the quantized domain
        out.push_back(static_cast<int8_t>(v));
      }
  return out;
}

template <typename T> std::vector<uint8_t> bytesOf(const std::vector<T> &v) {
  std::vector<uint8_t> out(v.size() * sizeof(T));
  for (size_t i = 0; i < v.size(); ++i)
    for (size_t b = 0; b < sizeof(T); ++b)
      out[i * sizeof(T) + b] =
          static_cast<uint8_t>(static_cast<uint64_t>(v[i]) >> (8 * b));
  return out;
}

Program buildProgram(const ArchConfig &config, const Demo &d) {
  ProgramBuilder b(config);
  // Weights regrouped per kernel position: block (ky,kx) is a Cin x Cout
  // matrix, row = input channel, column = output channel.
  std::vector<uint8_t> wblocks;
  for (int ky = 0; ky < kK; ++ky)
    for (int kx = 0; kx < kK; ++kx)
      for (int ci = 0; ci < kCin; ++ci)
        for (int co = 0; co < kCout; ++co)
          wblocks.push_back(static_cast<uint8_t>(
              d.weights[((co * kK + ky) * kK + kx) * kCin + ci]));
  const uint64_t wAddr = b.addConstant(wblocks);
  // PPU parameters: per-channel bias, multiplier and shift tables.
  PpuParams ppuParams;
  ppuParams.form = PpuForm::PerChannel;
  ppuParams.bias = d.bias;
  ppuParams.mult = d.mult;
  ppuParams.shift = d.shift;
  ppuParams.outType = DType::I8;
  ppuParams.outZp = kOutZp;
  ppuParams.clampMin = kOutZp; // fused ReLU
  ppuParams.clampMax = 127;
  ppuParams.doubleRound = true;
  const PpuImage ppuImage = packPpuTables(ppuParams, 0, kCout);
  const std::vector<uint8_t> &params = ppuImage.bytes;
  const uint64_t pAddr = b.addConstant(params);

  TensorDesc in{"input",
                TensorRole::Input,
                ElementType::I8,
                {1, kH, kW, kCin},
                0.05,
                kInZp,
                0};
  TensorDesc out{"output",
                 TensorRole::Output,
                 ElementType::I8,
                 {1, kH, kW, kCout},
                 0.1,
                 kOutZp,
                 0};
  const size_t inIndex = b.addTensor(in);
  const size_t outIndex = b.addTensor(out);
  b.setDefaultInput(inIndex, bytesOf(d.input));

  LayerInfo layer;
  layer.name = "conv3x3";
  layer.kind = "conv2d";
  layer.macs = uint64_t(kH) * kW * kCout * kK * kK * kCin;
  b.beginLayer(layer, "NpuMkDemo.cpp:buildProgram");

  const uint32_t paddedRow = (kW + 2) * kCin;
  // Load queue: padded input tile, weights, PPU parameters.
  DmaLoad loadIn;
  loadIn.buf = Buffer::IBuf;
  loadIn.dramAddr = static_cast<uint32_t>(b.tensorAddr(inIndex));
  loadIn.dramRowStride = kW * kCin;
  loadIn.dramColStride = kCin;
  loadIn.sramRowStride = paddedRow;
  loadIn.rows = kH;
  loadIn.cols = kW;
  loadIn.elemBytes = kCin;
  loadIn.padTop = loadIn.padBottom = loadIn.padLeft = loadIn.padRight = 1;
  loadIn.padValue = kInZp;
  b.emit(loadIn);
  DmaLoad loadW;
  loadW.buf = Buffer::WBuf;
  loadW.dramAddr = static_cast<uint32_t>(wAddr);
  loadW.rows = 1;
  loadW.cols = 1;
  loadW.elemBytes = static_cast<uint32_t>(wblocks.size());
  b.emit(loadW);
  DmaLoad loadP;
  loadP.buf = Buffer::PBuf;
  loadP.dramAddr = static_cast<uint32_t>(pAddr);
  loadP.rows = 1;
  loadP.cols = 1;
  loadP.elemBytes = static_cast<uint32_t>(params.size());
  loadP.deps.pushNext = true; // all three loads done -> compute may start
  b.emit(loadP);

  // Compute queue: nine accumulate passes, one per kernel position.
  for (int pos = 0; pos < kK * kK; ++pos) {
    LoadWeights lw;
    lw.wAddr = static_cast<uint32_t>(pos * kCin * kCout);
    lw.wStride = kCout;
    lw.rows = kCin;
    lw.cols = kCout;
    lw.deps.popPrev = pos == 0;
    b.emit(lw);
    Gemm g;
    g.inAddr =
        static_cast<uint32_t>((pos / kK) * paddedRow + (pos % kK) * kCin);
    g.inStrideY = paddedRow;
    g.inStrideX = kCin;
    g.outH = kH;
    g.outW = kW;
    g.k = kCin;
    g.inZp = kInZp;
    g.accAddr = 0;
    g.accStride = 4 * kCout;
    g.cols = kCout;
    g.accumulate = pos > 0;
    b.emit(g);
  }
  b.emit(ppuImage.config);
  Ppu ppu;
  ppu.srcAddr = 0;
  ppu.srcStride = 4 * kCout;
  ppu.pixels = kH * kW;
  ppu.channels = kCout;
  ppu.dstBuf = Buffer::OBuf;
  ppu.dstAddr = 0;
  ppu.dstStride = kCout;
  ppu.deps.pushNext = true; // results ready -> store may start
  b.emit(ppu);

  // Store queue.
  DmaStore store;
  store.buf = Buffer::OBuf;
  store.dramAddr = static_cast<uint32_t>(b.tensorAddr(outIndex));
  store.rows = 1;
  store.cols = 1;
  store.elemBytes = kH * kW * kCout;
  store.deps.popPrev = true;
  b.emit(store);
  return b.finish();
}

} // namespace

int main(int argc, char **argv) {
  po::options_description options("npu-mkdemo options");
  options.add_options()("help,h", "show this help")(
      "arch", po::value<std::string>()->default_value("npu-tiny"),
      "preset name or YAML file")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "KEY=VALUE: override one ArchConfig field")(
      "outdir", po::value<std::string>(), "output directory");
  po::variables_map vm;
  if (std::optional<int> exit = tools::parseCommandLine(
          argc, argv, "npu-mkdemo",
          "npu-mkdemo OUTDIR [--arch NAME|FILE] [--set K=V]...", options,
          "outdir", vm))
    return *exit;
  Result<ArchConfig> config = resolveArchConfig(vm["arch"].as<std::string>());
  if (!config)
    return tools::fail("npu-mkdemo", config.error().getMessage());
  if (vm.count("set"))
    for (const std::string &assignment :
         vm["set"].as<std::vector<std::string>>()) {
      Status status = applyArchOverride(*config, assignment);
      if (!status)
        return tools::fail("npu-mkdemo", "--set " + assignment + ": " +
                                             status.error().getMessage());
    }
  if (config->array.rows < kCin || config->array.cols < kCout) {
    std::fprintf(stderr,
                 "npu-mkdemo: the demo needs an array of at least "
                 "%dx%d PEs\n",
                 kCin, kCout);
    return 1;
  }
  const std::string dir = vm["outdir"].as<std::string>();
  std::filesystem::create_directories(dir);
  const Demo demo = makeDemo();
  const Program program = buildProgram(*config, demo);

  Tensor input(ElementType::I8, {1, kH, kW, kCin});
  input.data = bytesOf(demo.input);
  Tensor expected(ElementType::I8, {1, kH, kW, kCout});
  expected.data = bytesOf(reference(demo));
  for (Status s : {writeProgramFile(dir + "/conv.bin", program),
                   writeNpy(dir + "/input.npy", input),
                   writeNpy(dir + "/expected.npy", expected)})
    if (!s)
      return tools::fail("npu-mkdemo", s.error().getMessage());
  std::printf("wrote %s/conv.bin (%zu instructions, arch %s), input.npy, "
              "expected.npy\n",
              dir.c_str(), program.instructions.size(), config->name.c_str());
  return 0;
}

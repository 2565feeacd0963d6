//===- Verify.cpp - Semantic checks of programs ---------------------------===//
#include "npu/Program/Verify.h"

#include "npu/Isa/Access.h"
#include "npu/Isa/Encoding.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Program.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <set>
#include <string>

namespace npu {

using namespace isa;

int64_t bufferBytes(const ArchConfig &config, Buffer buffer) {
  switch (buffer) {
  case Buffer::IBuf:
    return config.ibufBytes();
  case Buffer::WBuf:
    return config.wbufBytes();
  case Buffer::ABuf:
    return config.abufBytes();
  case Buffer::OBuf:
    return config.obufBytes();
  case Buffer::PBuf:
    return config.pbufBytes();
  }
  return 0;
}

namespace {

/// Checks the limits of one instruction's fields (everything but memory
/// bounds, which checkInstruction checks on its accesses). Errors are
/// prefixed by the caller.
class LimitChecker {
public:
  LimitChecker(const ArchConfig &config, const PpuConfig *ppu,
               const EltwiseConfig *eltwise)
      : config(config), ppu(ppu), eltwise(eltwise) {}

  static Status aligned(uint64_t value, unsigned alignment, const char *what) {
    if (value % alignment)
      return makeError(what, " (", value, ") is not a multiple of ", alignment);
    return Status::success();
  }

  static Status operand(const Operand &op, const char *what) {
    return aligned(op.addr, elementBytes(op.type), what);
  }

  static Status shiftRange(int64_t shift, const char *what) {
    if (shift < kMinScaleShift || shift > kMaxScaleShift)
      return makeError(what, " ", shift, " is outside [", kMinScaleShift, ", ",
                       kMaxScaleShift, "]");
    return Status::success();
  }

  static Status zeroPoint8(int64_t zp, const char *what) {
    if (zp < -128 || zp > 127)
      return makeError(what, " ", zp, " is outside [-128, 127]");
    return Status::success();
  }

  Status operator()(const Halt &) const { return Status::success(); }
  Status operator()(const Token &) const { return Status::success(); }

  Status operator()(const DmaLoad &d) const {
    const int64_t rowsTotal = int64_t(d.padTop) + d.rows + d.padBottom;
    const int64_t rowBytes =
        (int64_t(d.padLeft) + d.cols + d.padRight) * d.elemBytes;
    if (rowsTotal > 1 && rowBytes > d.sramRowStride)
      return makeError("sram_row_stride ", d.sramRowStride,
                       " is smaller than a row of ", rowBytes,
                       " bytes (rows would overlap)");
    return Status::success();
  }

  Status operator()(const DmaStore &) const { return Status::success(); }

  Status operator()(const LoadWeights &l) const {
    if (l.rows < 1 || l.rows > config.array.rows || l.cols < 1 ||
        l.cols > config.array.cols)
      return makeError("weight block ", l.rows, "x", l.cols,
                       " does not fit the ", config.array.rows, "x",
                       config.array.cols, " array");
    if (l.int4 && l.int2)
      return makeError("int4 and int2 are exclusive");
    if (config.array.weightBits == 4 && !l.int4)
      return makeError("the array has 4-bit weights; int4 must be set");
    if (config.array.weightBits == 2 && !l.int2)
      return makeError("the array has 2-bit weights; int2 must be set");
    if (l.lowPoint && !l.int4 && !l.int2)
      return makeError("low_point needs int4 or int2 (packed unsigned "
                       "weights)");
    const int64_t rowBytes = static_cast<int64_t>(weightRowBytes(l));
    if (l.rows > 1 && rowBytes > l.wStride)
      return makeError("w_stride ", l.wStride, " is smaller than a row of ",
                       rowBytes, " bytes");
    return Status::success();
  }

  Status operator()(const Gemm &g) const {
    if (g.k < 1 || g.k > config.array.rows)
      return makeError("k ", g.k, " is outside [1, ", config.array.rows, "]");
    if (g.cols < 1 || g.cols > config.array.cols)
      return makeError("cols ", g.cols, " is outside [1, ", config.array.cols,
                       "]");
    NPU_TRY(zeroPoint8(g.inZp, "in_zp"));
    NPU_TRY(aligned(g.accAddr, 4, "acc_addr"));
    NPU_TRY(aligned(g.accStride, 4, "acc_stride"));
    if (int64_t(g.outH) * g.outW > 1 && g.accStride < 4 * g.cols)
      return makeError("acc_stride ", g.accStride, " is smaller than ",
                       4 * g.cols, " bytes of one output vector");
    return Status::success();
  }

  Status operator()(const PpuConfig &p) const {
    if (p.outType == DType::I32)
      return makeError("out_type i32 is not a PPU output type "
                       "(use vec.rescale)");
    if (!ppuSupports(config.ppu.rescale, ppuFormOf(p)))
      return makeError("the ", ppuFormName(ppuFormOf(p)),
                       " requantization form is beyond this PPU (ppu.rescale ",
                       ppuRescaleName(config.ppu.rescale), ")");
    if (!p.perChannel) {
      if (p.mult < 0)
        return makeError("mult ", p.mult, " is negative");
      if (!p.hasKshift)
        NPU_TRY(shiftRange(p.shift, "shift"));
    }
    if (p.clampMin > p.clampMax)
      return makeError("clamp_min ", p.clampMin, " exceeds clamp_max ",
                       p.clampMax);
    {
      // The clamp is intersected with the output type's range; an empty
      // intersection leaves no value to produce.
      const int64_t lo = elementMin(p.outType), hi = elementMax(p.outType);
      if (std::max<int64_t>(p.clampMin, lo) > std::min<int64_t>(p.clampMax, hi))
        return makeError("clamp [", p.clampMin, ", ", p.clampMax,
                         "] leaves no value of out_type ",
                         isa::EnumInfo<DType>::names[int(p.outType)]);
    }
    if (p.hasLut && p.outType != DType::I8)
      return makeError("the LUT applies to i8 outputs only");
    if (p.perChannel)
      NPU_TRY(aligned(p.multAddr, kMultEntryBytes, "mult_addr"));
    if (p.hasBias)
      NPU_TRY(aligned(p.biasAddr, kBiasEntryBytes, "bias_addr"));
    if (p.hasLut && int64_t(p.lutAddr) + kPpuLutEntries > config.pbufBytes())
      return makeError("LUT touches pbuf bytes [", p.lutAddr, ", ",
                       p.lutAddr + kPpuLutEntries, ") outside its ",
                       config.pbufBytes(), " bytes");
    return Status::success();
  }

  Status operator()(const Ppu &p) const {
    if (!ppu)
      return makeError("no ppu.cfg precedes this instruction");
    NPU_TRY(aligned(p.srcAddr, 4, "src_addr"));
    NPU_TRY(aligned(p.srcStride, 4, "src_stride"));
    // Transposed, dst_stride separates the elements of a row.
    if (p.transpose)
      NPU_TRY(aligned(p.dstStride, elementBytes(ppu->outType), "dst_stride"));
    return aligned(p.dstAddr, elementBytes(ppu->outType), "dst_addr");
  }

  Status operator()(const DwConv &d) const {
    if (d.channels < 1 || d.depthMult < 1 || d.kh < 1 || d.kw < 1 ||
        d.strideH < 1 || d.strideW < 1 || d.dilH < 1 || d.dilW < 1)
      return makeError("channels, depth_mult, kernel, strides and dilations "
                       "must be at least 1");
    NPU_TRY(zeroPoint8(d.inZp, "in_zp"));
    NPU_TRY(aligned(d.accAddr, 4, "acc_addr"));
    NPU_TRY(aligned(d.accStride, 4, "acc_stride"));
    if (int64_t(d.outH) * d.outW > 1 && d.accStride < 4 * d.channels)
      return makeError("acc_stride ", d.accStride, " is smaller than ",
                       4 * d.channels, " bytes of one output pixel");
    return Status::success();
  }

  Status operator()(const Pool &p) const {
    if (p.channels < 1 || p.kh < 1 || p.kw < 1 || p.strideH < 1 ||
        p.strideW < 1 || p.inH < 1 || p.inW < 1)
      return makeError("channels, kernel, strides and input size must be at "
                       "least 1");
    if (p.clampMin > p.clampMax)
      return makeError("clamp_min ", p.clampMin, " exceeds clamp_max ",
                       p.clampMax);
    // Every window must cover at least one input element.
    auto covers = [](int64_t out, int64_t stride, int64_t pad, int64_t k,
                     int64_t in) {
      for (int64_t o = 0; o < out; ++o) {
        const int64_t lo = o * stride - pad, hi = lo + k;
        if (hi <= 0 || lo >= in)
          return false;
      }
      return true;
    };
    if (!covers(p.outH, p.strideH, p.padTop, p.kh, p.inH) ||
        !covers(p.outW, p.strideW, p.padLeft, p.kw, p.inW))
      return makeError("a pooling window lies entirely in the padding");
    return Status::success();
  }

  Status operator()(const Rescale &r) const {
    if (r.mult < 0)
      return makeError("mult ", r.mult, " is negative");
    NPU_TRY(shiftRange(r.shift, "shift"));
    if (r.accumulate && r.dst.type != DType::I32)
      return makeError("accumulate needs an i32 destination");
    NPU_TRY(operand(r.src, "source"));
    return operand(r.dst, "destination");
  }

  Status operator()(const Alu &a) const {
    if (a.shift != 0 && a.op != AluOp::Mul)
      return makeError("shift is only used by mul");
    if (a.shift > kMaxScaleShift)
      return makeError("shift ", a.shift, " is outside [0, ", kMaxScaleShift,
                       "]");
    if (a.round && a.op != AluOp::AShr)
      return makeError("round is only used by ashr");
    NPU_TRY(operand(a.src1, "src1"));
    if (!isUnaryAluOp(a.op))
      NPU_TRY(operand(a.src2, "src2"));
    return operand(a.dst, "destination");
  }

  Status operator()(const Reduce &r) const {
    if (r.nOuter > 0 && r.nInner > 0 && r.nRed == 0)
      return makeError("n_red must be at least 1");
    NPU_TRY(aligned(r.srcAddr, elementBytes(r.srcType), "src_addr"));
    return aligned(r.dstAddr, elementBytes(r.dstType), "destination");
  }

  Status operator()(const Table &t) const {
    switch (t.mode) {
    case TableMode::I8:
      if (t.src.type != DType::I8 || t.dst.type != DType::I8)
        return makeError("i8 table mode reads and writes i8");
      break;
    case TableMode::I16:
      if (t.src.type != DType::I16 || t.dst.type != DType::I32)
        return makeError("i16 table mode reads i16 and writes i32");
      NPU_TRY(aligned(t.tableAddr, 2, "table_addr"));
      break;
    case TableMode::I32:
      if ((t.src.type != DType::I8 && t.src.type != DType::U8) ||
          t.dst.type != DType::I32)
        return makeError("i32 table mode reads i8 or u8 and writes i32");
      NPU_TRY(aligned(t.tableAddr, 4, "table_addr"));
      break;
    }
    NPU_TRY(operand(t.src, "source"));
    return operand(t.dst, "destination");
  }

  Status operator()(const EltwiseConfig &e) const {
    if (e.mult1 < 0)
      return makeError("mult1 ", e.mult1, " is negative");
    if (e.mult2 < 0)
      return makeError("mult2 ", e.mult2, " is negative");
    // A field limit, checked here too: larger shifts would not be exact.
    if (e.leftShift > fieldMax<EltwiseConfig>("left_shift"))
      return makeError("left_shift ", e.leftShift, " is outside [0, ",
                       fieldMax<EltwiseConfig>("left_shift"), "]");
    NPU_TRY(shiftRange(e.shift1, "shift1"));
    NPU_TRY(shiftRange(e.shift2, "shift2"));
    if (e.mulShift > kMaxScaleShift)
      return makeError("mul_shift ", e.mulShift, " is outside [0, ",
                       kMaxScaleShift, "]");
    if (e.mulShift != 0 && e.op != EltOp::Mul)
      return makeError("mul_shift is only used by mul");
    return Status::success();
  }

  Status operator()(const Eltwise &e) const {
    if (!eltwise)
      return makeError("no vec.ecfg precedes this instruction");
    if (!ppu)
      return makeError("no ppu.cfg precedes this instruction");
    // The output stage is the PPU's per-layer requantization.
    if (ppu->perChannel)
      return makeError("the ppu.cfg in force has per_channel set "
                       "(vec.eltwise requantizes per layer)");
    if (ppu->hasBias)
      return makeError("the ppu.cfg in force has has_bias set "
                       "(vec.eltwise adds no bias)");
    if (ppu->hasKshift)
      return makeError("the ppu.cfg in force has has_kshift set "
                       "(vec.eltwise has no channel shifts)");
    if (e.dst.type != ppu->outType)
      return makeError("dst_type ", EnumInfo<DType>::names[int(e.dst.type)],
                       " differs from the ppu.cfg's out_type ",
                       EnumInfo<DType>::names[int(ppu->outType)]);
    NPU_TRY(operand(e.src1, "src1"));
    NPU_TRY(operand(e.src2, "src2"));
    return operand(e.dst, "destination");
  }

private:
  const ArchConfig &config;
  const PpuConfig *ppu;
  const EltwiseConfig *eltwise;
};

/// The four token FIFOs: load->compute, compute->load, compute->store,
/// store->compute.
enum TokenChannel {
  kLoadToCompute,
  kComputeToLoad,
  kComputeToStore,
  kStoreToCompute
};

const char *channelName(int channel) {
  static const char *names[] = {"load->compute", "compute->load",
                                "compute->store", "store->compute"};
  return names[channel];
}

} // namespace

Status checkInstruction(const Instruction &instr, const ArchConfig &config,
                        uint64_t dramSize, const PpuConfig *ppu,
                        const EltwiseConfig *eltwise) {
  NPU_TRY(checkDeps(instr));
  NPU_TRY(std::visit(LimitChecker(config, ppu, eltwise), instr));
  for (const Access &a : accessesOf(instr, ppu)) {
    if (a.space == Space::Dram) {
      if (a.lo < 0 || static_cast<uint64_t>(a.hi) > dramSize)
        return makeError(a.what, " touches DRAM bytes [", a.lo, ", ", a.hi,
                         ") outside the program's ", dramSize, " bytes");
      continue;
    }
    const int64_t capacity = bufferBytes(config, static_cast<Buffer>(a.space));
    if (a.lo < 0 || a.hi > capacity)
      return makeError(a.what, " touches ", spaceName(a.space), " bytes [",
                       a.lo, ", ", a.hi, ") outside its ", capacity, " bytes");
  }
  return Status::success();
}

Status verifyProgram(const Program &program) {
  Result<ArchConfig> config = program.recordedArch();
  if (!config)
    return config.error();
  for (const ArchFieldInfo &info : archFieldInfos()) {
    if (!info.affectsProgram)
      continue;
    bool recorded = false;
    for (const auto &field : program.archFields)
      recorded |= field.first == info.key;
    if (!recorded)
      return makeError("ARCH record lacks ", info.key);
  }
  if (program.dramSize == 0 || program.dramSize > (uint64_t(1) << 32))
    return makeError("DRAM size ", program.dramSize,
                     " is outside [1, 4 GiB] (DMA addresses are 32-bit)");

  // Constants: inside DRAM, not overlapping.
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (size_t i = 0; i < program.constants.size(); ++i) {
    const ConstSegment &c = program.constants[i];
    if (c.dramAddr > program.dramSize ||
        c.data.size() > program.dramSize - c.dramAddr)
      return makeError("constant segment ", i, " lies outside DRAM");
    if (!c.data.empty())
      ranges.emplace_back(c.dramAddr, c.dramAddr + c.data.size());
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second)
      return makeError("constant segments overlap at DRAM address ",
                       ranges[i].first);

  // Tensors.
  std::set<std::string> names;
  for (size_t i = 0; i < program.tensors.size(); ++i) {
    const TensorDesc &t = program.tensors[i];
    std::string what = "tensor " + std::to_string(i) + " '" + t.name + "'";
    if (t.name.empty())
      return makeError("tensor ", i, " has no name");
    if (!names.insert(t.name).second)
      return makeError(what, ": duplicate name");
    uint64_t elements = 1;
    for (int64_t d : t.shape) {
      if (d < 1)
        return makeError(what, ": dimension ", d, " is not positive");
      if (elements > program.dramSize / static_cast<uint64_t>(d))
        return makeError(what, ": larger than DRAM");
      elements *= static_cast<uint64_t>(d);
    }
    if (t.floatInterface &&
        (t.type != ElementType::I8 && t.type != ElementType::I16))
      return makeError(what, ": a float interface needs an int8 or int16 "
                             "tensor");
    if (t.floatInterface && !(std::isfinite(t.scale) && t.scale > 0))
      return makeError(what, ": a float interface needs a positive scale");
    uint64_t bytes = elements * elementBytes(t.type);
    if (t.dramAddr > program.dramSize || bytes > program.dramSize - t.dramAddr)
      return makeError(what, ": DRAM range lies outside the program's ",
                       program.dramSize, " bytes");
  }
  for (const DefaultInput &input : program.defaultInputs) {
    if (input.tensorIndex >= program.tensors.size() ||
        program.tensors[input.tensorIndex].role != TensorRole::Input)
      return makeError("default input for tensor ", input.tensorIndex,
                       " which is not an input");
    const TensorDesc &t = program.tensors[input.tensorIndex];
    if (input.data.size() != t.byteSize())
      return makeError("default input for '", t.name, "' has ",
                       input.data.size(), " bytes, the tensor ", t.byteSize());
  }

  // Debug ranges: sorted, disjoint, inside the code, valid layer indices.
  uint64_t previousEnd = 0;
  for (size_t i = 0; i < program.debug.size(); ++i) {
    const DebugRange &r = program.debug[i];
    uint64_t end = uint64_t(r.firstInstr) + r.numInstrs;
    if (r.firstInstr < previousEnd || end > program.instructions.size())
      return makeError("debug range ", i, " [", r.firstInstr, ", ", end,
                       ") overlaps another or lies outside the ",
                       program.instructions.size(), " instructions");
    if (r.layer != DebugRange::kNoLayer && r.layer >= program.layers.size())
      return makeError("debug range ", i, " names layer ", r.layer, " of ",
                       program.layers.size());
    previousEnd = end;
  }

  // Instructions: operands, tokens, final HALT.
  if (program.instructions.empty() ||
      !std::holds_alternative<Halt>(program.instructions.back()))
    return makeError("the last instruction must be halt");
  std::array<uint64_t, 4> tokens{};
  std::optional<PpuConfig> ppu;
  std::optional<EltwiseConfig> eltwise;
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const Instruction &instr = program.instructions[i];
    auto context = [&] {
      return "instruction " + std::to_string(i) + " (" + mnemonicOf(instr) +
             ")";
    };
    if (std::holds_alternative<Halt>(instr) &&
        i + 1 != program.instructions.size())
      return makeError(context(), ": halt before the end of the program");
    Status status =
        checkInstruction(instr, *config, program.dramSize,
                         ppu ? &*ppu : nullptr, eltwise ? &*eltwise : nullptr);
    if (!status)
      return status.error().withContext(context());
    if (const auto *cfg = std::get_if<PpuConfig>(&instr))
      ppu = *cfg;
    if (const auto *cfg = std::get_if<EltwiseConfig>(&instr))
      eltwise = *cfg;

    const Deps &d = depsOf(instr);
    int popPrev = -1, popNext = -1, pushPrev = -1, pushNext = -1;
    switch (queueOf(instr)) {
    case Queue::Load:
      popNext = kComputeToLoad;
      pushNext = kLoadToCompute;
      break;
    case Queue::Compute:
      popPrev = kLoadToCompute;
      popNext = kStoreToCompute;
      pushPrev = kComputeToLoad;
      pushNext = kComputeToStore;
      break;
    case Queue::Store:
      popPrev = kComputeToStore;
      pushPrev = kStoreToCompute;
      break;
    }
    for (auto [flag, channel] :
         {std::pair{d.popPrev, popPrev}, std::pair{d.popNext, popNext}}) {
      if (!flag)
        continue;
      if (tokens[channel] == 0)
        return makeError(context(), ": pops a ", channelName(channel),
                         " token that no earlier instruction pushed "
                         "(the queues would deadlock)");
      --tokens[channel];
    }
    if (d.pushPrev)
      ++tokens[pushPrev];
    if (d.pushNext)
      ++tokens[pushNext];
  }
  return Status::success();
}

} // namespace npu

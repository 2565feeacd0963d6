//===- LowerToInstructions.cpp - Tiling and instruction emission ----------===//
//
// Turns the memory-planned graph of @main into an npu.program:
//
// * MAC layers (conv2d, fully_connected, matmul) become weight-stationary
//   gemm sequences. The weights are re-laid out at compile time as a
//   K x OC matrix whose K order follows the reduction steps: for each
//   input-channel group and kernel row, the (kx, ic) run that is contiguous
//   in an NHWC input tile (implicit im2col), split into chunks of at most
//   array.rows. Per output tile: one load.weights + one gemm per chunk and
//   column pass, accumulating in ABUF, then the PPU and a store.
// * Depthwise convolution and pooling run on the vector unit per tile and
//   channel group.
// * Element-wise, rescale, table, clamp, reduction and layout ops move
//   tiles through the scratchpads with strided DMA.
//
// Tile sizes fit the scratchpads (halves when sram.double_buffer is set, so
// the next tile's loads can overlap this tile's compute) and the ISA's field
// widths. Consecutive tiles alternate halves; npu-schedule derives the
// dependency tokens from the resulting memory footprints.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/Isa.h"
#include "npu/Program/Verify.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>
#include <optional>

namespace mlir::npu {
#define GEN_PASS_DEF_NPULOWERTOINSTRUCTIONS
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;
namespace npuisa = ::npu::isa;
using npuisa::Buffer;

namespace {

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

unsigned elemBytes(Type type) {
  return (getElementTypeOrSelf(type).getIntOrFloatBitWidth() + 7) / 8;
}

npuisa::DType dtypeOf(Type type) {
  auto i = cast<IntegerType>(getElementTypeOrSelf(type));
  switch (i.getWidth()) {
  case 8:
    return i.isUnsigned() ? npuisa::DType::U8 : npuisa::DType::I8;
  case 16:
    return npuisa::DType::I16;
  default:
    return npuisa::DType::I32;
  }
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// Row-major byte strides of a dense tensor.
SmallVector<int64_t> denseStrides(ArrayRef<int64_t> shape, int64_t elem) {
  SmallVector<int64_t> strides(shape.size());
  int64_t s = elem;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/// Little-endian bytes of an integer constant.
std::vector<uint8_t> constantBytes(DenseIntElementsAttr attr) {
  const unsigned width = attr.getElementType().getIntOrFloatBitWidth();
  const unsigned bytes = (width + 7) / 8;
  std::vector<uint8_t> out;
  out.reserve(attr.getNumElements() * bytes);
  for (const APInt &v : attr.getValues<APInt>()) {
    const uint64_t raw = v.getZExtValue();
    for (unsigned b = 0; b < bytes; ++b)
      out.push_back(static_cast<uint8_t>(raw >> (8 * b)));
  }
  return out;
}

std::vector<int64_t> constantInts(DenseIntElementsAttr attr) {
  std::vector<int64_t> out;
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(v.getSExtValue());
  return out;
}

template <typename T> void appendLE(std::vector<uint8_t> &out, T value) {
  for (size_t b = 0; b < sizeof(T); ++b)
    out.push_back(
        static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * b)));
}

/// An N-d strided view of DRAM: element idx at base + sum(idx[d]*strides[d]).
struct DramView {
  int64_t base = 0;
  SmallVector<int64_t> shape, strides;
  int64_t elem = 1;

  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }

  /// The sub-box starting at `start` with sizes `sizes`.
  DramView box(ArrayRef<int64_t> start, ArrayRef<int64_t> sizes) const {
    DramView v = *this;
    for (size_t d = 0; d < shape.size(); ++d)
      v.base += start[d] * strides[d];
    v.shape.assign(sizes.begin(), sizes.end());
    return v;
  }
};

/// A box of an N-d index space.
struct Box {
  SmallVector<int64_t> start, sizes;
  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t s : sizes)
      n *= s;
    return n;
  }
};

/// Splits `shape` into boxes of at most `maxElems` elements: trailing dims
/// whole, one dim chunked, leading dims one at a time.
std::vector<Box> tileBoxes(ArrayRef<int64_t> shape, int64_t maxElems) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  int64_t split = rank; // dims [split, rank) are whole
  int64_t inner = 1;
  while (split > 0 && inner * shape[split - 1] <= maxElems) {
    inner *= shape[split - 1];
    --split;
  }
  std::vector<Box> boxes;
  if (split == 0) {
    boxes.push_back({SmallVector<int64_t>(rank, 0),
                     SmallVector<int64_t>(shape.begin(), shape.end())});
    return boxes;
  }
  const int64_t chunkDim = split - 1;
  const int64_t chunk = std::max<int64_t>(1, maxElems / inner);
  SmallVector<int64_t> index(rank, 0);
  // Iterate over leading dims [0, chunkDim) and chunks of chunkDim.
  while (true) {
    for (int64_t c = 0; c < shape[chunkDim]; c += chunk) {
      Box b;
      b.start = index;
      b.start[chunkDim] = c;
      b.sizes.assign(rank, 1);
      b.sizes[chunkDim] = std::min(chunk, shape[chunkDim] - c);
      for (int64_t d = split; d < rank; ++d)
        b.sizes[d] = shape[d];
      boxes.push_back(std::move(b));
    }
    int64_t d = chunkDim - 1;
    while (d >= 0 && ++index[d] == shape[d])
      index[d--] = 0;
    if (d < 0)
      break;
  }
  return boxes;
}

/// Layer name: the NameLoc of the source op if any, else kind + line.
std::string layerName(Operation *op, StringRef kind, unsigned counter) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    loc = fused.getLocations().front(); // the source op of a fused chain
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return llvm::formatv("{0}_L{1}", kind, file.getLine()).str();
  return llvm::formatv("{0}_{1}", kind, counter).str();
}

//===----------------------------------------------------------------------===//
// The emitter: DRAM segments, layers and instructions of one program
//===----------------------------------------------------------------------===//

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp func, ProgramOp program,
           const ::npu::ArchConfig &arch, int64_t arena)
      : module(module), func(func), program(program), arch(arch),
        builder(program.getBody()), constTop(alignTo(arena, kDramAlignment)) {
    builder.setInsertionPointToEnd(&program.getBody().front());
  }

  LogicalResult run();

private:
  //--- DRAM ----------------------------------------------------------------

  int64_t addSegment(const std::vector<uint8_t> &bytes, Location loc) {
    const int64_t addr = constTop;
    auto type = RankedTensorType::get({static_cast<int64_t>(bytes.size())},
                                      builder.getIntegerType(8));
    ArrayRef<char> raw(reinterpret_cast<const char *>(bytes.data()),
                       bytes.size());
    OpBuilder::InsertionGuard guard(builder);
    if (Operation *first = firstNonSegment())
      builder.setInsertionPoint(first);
    else
      builder.setInsertionPointToEnd(&program.getBody().front());
    builder.create<SegmentOp>(loc, builder.getI64IntegerAttr(addr),
                              DenseElementsAttr::getFromRawBuffer(type, raw));
    constTop =
        alignTo(constTop + std::max<int64_t>(1, bytes.size()), kDramAlignment);
    return addr;
  }

  /// Segments and tensor declarations come first in the program.
  Operation *firstNonSegment() {
    for (Operation &op : program.getBody().front())
      if (!isa<SegmentOp, TensorOp>(op))
        return &op;
    return nullptr;
  }

  /// DRAM address of a tensor value (planned buffer or constant segment).
  FailureOr<int64_t> dramAddr(Value v) {
    if (auto it = constAddrs.find(v); it != constAddrs.end())
      return it->second;
    DenseIntElementsAttr value;
    if (matchPattern(v, m_Constant(&value))) {
      const int64_t addr = addSegment(constantBytes(value), v.getLoc());
      constAddrs[v] = addr;
      return addr;
    }
    if (auto arg = dyn_cast<BlockArgument>(v))
      if (auto a = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(),
                                                      kDramAttrName))
        return a.getInt();
    if (Operation *def = v.getDefiningOp())
      if (auto a = def->getAttrOfType<IntegerAttr>(kDramAttrName))
        return a.getInt();
    return emitError(v.getLoc(), "tensor has no DRAM placement (run "
                                 "npu-plan-memory first)");
  }

  FailureOr<DramView> denseView(Value v) {
    FailureOr<int64_t> addr = dramAddr(v);
    if (failed(addr))
      return failure();
    DramView view;
    view.base = *addr;
    view.elem = elemBytes(v.getType());
    view.shape.assign(shapeOf(v).begin(), shapeOf(v).end());
    view.strides = denseStrides(view.shape, view.elem);
    return view;
  }

  /// Declares an input or output. TOSA carries no scales: scale 0 means
  /// "unknown" unless the importer recorded npu.scale / npu.zero_point on
  /// the argument or result; otherwise the zero point comes from the ops
  /// that use the tensor.
  void declareTensor(Location loc, const std::string &name, StringRef role,
                     Type type, int64_t addr, int32_t zeroPoint,
                     DictionaryAttr attrs) {
    double scale = 0.0;
    if (attrs) {
      if (auto s = attrs.getAs<FloatAttr>("npu.scale"))
        scale = s.getValueAsDouble();
      if (auto z = attrs.getAs<IntegerAttr>("npu.zero_point"))
        zeroPoint = static_cast<int32_t>(z.getInt());
    }
    builder.create<TensorOp>(
        loc, builder.getStringAttr(name), builder.getStringAttr(role),
        TypeAttr::get(type), builder.getI64IntegerAttr(addr),
        builder.getF64FloatAttr(scale), builder.getI32IntegerAttr(zeroPoint));
  }

  //--- Layers and instructions --------------------------------------------

  void beginLayer(Operation *src, StringRef kind, int64_t macs) {
    int64_t bound = 0, bits = 0;
    if (auto b = src->getAttrOfType<IntegerAttr>("acc_bound"))
      bound = b.getInt();
    if (auto b = src->getAttrOfType<IntegerAttr>("acc_bits"))
      bits = b.getInt();
    builder.setInsertionPointToEnd(&program.getBody().front());
    auto layer = builder.create<LayerOp>(
        src->getLoc(), layerName(src, kind, layerCounter++), kind, macs, bound,
        static_cast<int32_t>(bits), bits > arch.array.accBits);
    layer.getBody().emplaceBlock();
    builder.setInsertionPointToEnd(&layer.getBody().front());
    currentLoc = src->getLoc();
  }

  void emit(const npuisa::Instruction &instr) {
    createInstr(builder, currentLoc, instr);
  }

  /// Capacity of a scratchpad half (the whole scratchpad without double
  /// buffering).
  int64_t half(Buffer b) const {
    const int64_t bytes = ::npu::bufferBytes(arch, b);
    return arch.sram.doubleBuffer ? bytes / 2 : bytes;
  }
  /// Base address of slot `i` (alternating halves).
  int64_t slot(Buffer b, int64_t i) const {
    return arch.sram.doubleBuffer ? (i % 2) * half(b) : 0;
  }

  //--- DMA ------------------------------------------------------------------

  /// Simplifies a view for DMA: drops unit dims, merges contiguous dims and
  /// folds a contiguous innermost dim into the element size.
  static DramView simplify(DramView v) {
    DramView out;
    out.base = v.base;
    out.elem = v.elem;
    for (size_t d = 0; d < v.shape.size(); ++d)
      if (v.shape[d] != 1) {
        out.shape.push_back(v.shape[d]);
        out.strides.push_back(v.strides[d]);
      }
    for (size_t d = out.shape.size(); d-- > 1;)
      if (out.strides[d - 1] == out.strides[d] * out.shape[d]) {
        out.shape[d - 1] *= out.shape[d];
        out.strides[d - 1] = out.strides[d];
        out.shape.erase(out.shape.begin() + d);
        out.strides.erase(out.strides.begin() + d);
      }
    while (!out.shape.empty() && out.strides.back() == out.elem &&
           out.elem * out.shape.back() <= 65535) {
      out.elem *= out.shape.back();
      out.shape.pop_back();
      out.strides.pop_back();
    }
    return out;
  }

  /// Largest row or column count (and element size) of one DMA.
  static constexpr int64_t kMaxDmaCount = 65535;

  template <typename Dma>
  static Dma dmaFields(Buffer buf, int64_t dram, int64_t rowStride,
                       int64_t colStride, int64_t sram, int64_t sramRowStride,
                       int64_t rows, int64_t cols, int64_t elem) {
    Dma d;
    d.buf = buf;
    d.dramAddr = static_cast<uint32_t>(dram);
    d.dramRowStride = static_cast<uint32_t>(rowStride);
    d.dramColStride = static_cast<uint32_t>(colStride);
    d.sramAddr = static_cast<uint32_t>(sram);
    d.sramRowStride = static_cast<uint32_t>(sramRowStride);
    d.rows = static_cast<uint32_t>(rows);
    d.cols = static_cast<uint32_t>(cols);
    d.elemBytes = static_cast<uint32_t>(elem);
    return d;
  }

  /// Emits 2-d DMAs copying `view` densely to/from `buf` at `sramAddr`.
  LogicalResult transfer(const DramView &raw, Buffer buf, int64_t sramAddr,
                         bool load) {
    DramView v = simplify(raw);
    // Keep at most two dims per DMA; loop over the leading ones.
    const size_t rank = v.shape.size();
    const size_t lead = rank > 2 ? rank - 2 : 0;
    SmallVector<int64_t> index(lead, 0);
    int64_t rows = rank >= 2 ? v.shape[rank - 2] : 1;
    int64_t cols = rank >= 1 ? v.shape[rank - 1] : 1;
    int64_t rowStride = rank >= 2 ? v.strides[rank - 2] : 0;
    int64_t colStride = rank >= 1 ? v.strides[rank - 1] : 0;
    const int64_t rowBytes = cols * v.elem;
    if (v.elem > kMaxDmaCount || rowStride >= (1 << 24) ||
        colStride >= (1 << 24) || rowStride < 0 || colStride < 0 ||
        rowBytes >= (1 << 24))
      return emitError(currentLoc, "tensor layout exceeds the DMA's field "
                                   "widths");
    int64_t sram = sramAddr;
    while (true) {
      int64_t base = v.base;
      for (size_t d = 0; d < lead; ++d)
        base += index[d] * v.strides[d];
      // Rows and columns beyond the 16-bit counts take several DMAs.
      for (int64_t r0 = 0; r0 < rows; r0 += kMaxDmaCount)
        for (int64_t c0 = 0; c0 < cols; c0 += kMaxDmaCount) {
          const int64_t dram = base + r0 * rowStride + c0 * colStride;
          const int64_t at = sram + r0 * rowBytes + c0 * v.elem;
          const int64_t n = std::min(rows - r0, kMaxDmaCount);
          const int64_t m = std::min(cols - c0, kMaxDmaCount);
          if (load)
            emit(dmaFields<npuisa::DmaLoad>(buf, dram, rowStride, colStride, at,
                                            rowBytes, n, m, v.elem));
          else
            emit(dmaFields<npuisa::DmaStore>(buf, dram, rowStride, colStride,
                                             at, rowBytes, n, m, v.elem));
        }
      sram += rows * rowBytes;
      int64_t d = static_cast<int64_t>(lead) - 1;
      while (d >= 0 && ++index[d] == v.shape[d])
        index[d--] = 0;
      if (d < 0)
        break;
    }
    return success();
  }

  LogicalResult gather(const DramView &v, Buffer buf, int64_t sramAddr) {
    return transfer(v, buf, sramAddr, /*load=*/true);
  }
  LogicalResult scatter(Buffer buf, int64_t sramAddr, const DramView &v) {
    return transfer(v, buf, sramAddr, /*load=*/false);
  }

  /// Loads constant bytes (placed in DRAM) into `buf` at `sramAddr`.
  int64_t loadConstant(const std::vector<uint8_t> &bytes, Buffer buf,
                       int64_t sramAddr) {
    const int64_t addr = addSegment(bytes, currentLoc);
    DramView v;
    v.base = addr;
    v.shape = {static_cast<int64_t>(bytes.size())};
    v.strides = {1};
    v.elem = 1;
    (void)gather(v, buf, sramAddr);
    return addr;
  }

  //--- PPU ------------------------------------------------------------------

  /// Per-channel PPU tables of a MAC layer and their pbuf layout.
  struct PpuTables {
    std::vector<int32_t> bias;
    std::vector<int32_t> mult;
    std::vector<int32_t> shift;
    std::vector<int32_t> kshift;
    std::vector<int32_t> lut;
    std::string form; // per_layer | shift_table | per_channel
    int32_t outputZp = 0, clampMin = 0, clampMax = 0;
    bool doubleRound = false;
    npuisa::DType outType = npuisa::DType::I8;
  };

  template <typename OpT> PpuTables ppuTables(OpT op, int64_t channels) {
    PpuTables t;
    ArrayRef<int32_t> mult = op.getMultiplier(), shift = op.getShift();
    // npu-fold-rescale picks the form; unfolded ops use tables unless the
    // parameters are per layer already.
    if (auto form = op.getPpuForm())
      t.form = form->str();
    else
      t.form = mult.size() == 1 ? "per_layer" : "per_channel";
    for (int64_t c = 0; c < channels; ++c) {
      t.mult.push_back(mult.size() == 1 ? mult[0] : mult[c]);
      t.shift.push_back(shift.size() == 1 ? shift[0] : shift[c]);
    }
    if (auto k = op.getKshift())
      t.kshift.assign(k->begin(), k->end());
    if (auto lut = op.getLut())
      t.lut.assign(lut->begin(), lut->end());
    t.outputZp = op.getOutputZp();
    t.clampMin = op.getClampMin();
    t.clampMax = op.getClampMax();
    t.doubleRound = op.getDoubleRound();
    t.outType = dtypeOf(op.getOutput().getType());
    return t;
  }

  /// Bytes of the pbuf image for channels [c0, c0 + n): bias, multipliers,
  /// shifts, channel shifts, LUT (each 4-byte aligned).
  struct PbufImage {
    std::vector<uint8_t> bytes;
    int64_t biasAddr = 0, multAddr = 0, shiftAddr = 0, kshiftAddr = 0,
            lutAddr = 0;
  };

  PbufImage pbufImage(const PpuTables &t, int64_t c0, int64_t n) {
    PbufImage img;
    auto pad4 = [&] {
      while (img.bytes.size() % 4)
        img.bytes.push_back(0);
    };
    if (!t.bias.empty()) {
      img.biasAddr = static_cast<int64_t>(img.bytes.size());
      for (int64_t c = c0; c < c0 + n; ++c)
        appendLE<int32_t>(img.bytes, t.bias[c]);
    }
    if (t.form == "per_channel") {
      img.multAddr = static_cast<int64_t>(img.bytes.size());
      for (int64_t c = c0; c < c0 + n; ++c)
        appendLE<int32_t>(img.bytes, t.mult[c]);
      img.shiftAddr = static_cast<int64_t>(img.bytes.size());
      for (int64_t c = c0; c < c0 + n; ++c)
        img.bytes.push_back(static_cast<uint8_t>(t.shift[c]));
      pad4();
    }
    if (t.form == "shift_table") {
      img.kshiftAddr = static_cast<int64_t>(img.bytes.size());
      for (int64_t c = c0; c < c0 + n; ++c)
        img.bytes.push_back(static_cast<uint8_t>(t.kshift[c]));
      pad4();
    }
    if (!t.lut.empty()) {
      img.lutAddr = static_cast<int64_t>(img.bytes.size());
      for (int32_t v : t.lut)
        img.bytes.push_back(static_cast<uint8_t>(v));
    }
    return img;
  }

  /// Most channels whose PPU tables fit pbuf at once (0 if none do).
  int64_t maxTableChannels(const PpuTables &t) const {
    const int64_t perChannel = (t.bias.empty() ? 0 : 4) +
                               (t.form == "per_channel" ? 5 : 0) +
                               (t.form == "shift_table" ? 1 : 0);
    const int64_t fixed = static_cast<int64_t>(t.lut.size()) + 8; // padding
    const int64_t room = ::npu::bufferBytes(arch, Buffer::PBuf) - fixed;
    if (room < 0)
      return 0;
    return perChannel ? room / perChannel : INT64_MAX;
  }

  npuisa::PpuConfig ppuConfig(const PpuTables &t, const PbufImage &img) {
    npuisa::PpuConfig cfg;
    cfg.perChannel = t.form == "per_channel";
    cfg.mult = t.mult.empty() ? 0 : t.mult[0];
    cfg.shift = t.shift.empty() ? 0 : static_cast<uint32_t>(t.shift[0]);
    cfg.multAddr = static_cast<uint32_t>(img.multAddr);
    cfg.shiftAddr = static_cast<uint32_t>(img.shiftAddr);
    cfg.hasBias = !t.bias.empty();
    cfg.biasAddr = static_cast<uint32_t>(img.biasAddr);
    cfg.hasKshift = t.form == "shift_table";
    cfg.kshiftAddr = static_cast<uint32_t>(img.kshiftAddr);
    cfg.outType = t.outType;
    cfg.outZp = t.outputZp;
    cfg.clampMin = t.clampMin;
    cfg.clampMax = t.clampMax;
    cfg.hasLut = !t.lut.empty();
    cfg.lutAddr = static_cast<uint32_t>(img.lutAddr);
    cfg.doubleRound = t.doubleRound;
    return cfg;
  }

  /// Emits ppu instructions for `pixels` x `channels` accumulators
  /// (splitting channels above the 12-bit field).
  void emitPpu(int64_t srcAddr, int64_t srcStride, int64_t pixels,
               int64_t channels, int64_t chOffset, Buffer dst, int64_t dstAddr,
               int64_t dstStride, int64_t outSize) {
    for (int64_t c0 = 0; c0 < channels; c0 += 4095) {
      const int64_t n = std::min<int64_t>(4095, channels - c0);
      for (int64_t p0 = 0; p0 < pixels; p0 += 65535) {
        const int64_t np = std::min<int64_t>(65535, pixels - p0);
        npuisa::Ppu p;
        p.srcAddr = static_cast<uint32_t>(srcAddr + p0 * srcStride + 4 * c0);
        p.srcStride = static_cast<uint32_t>(srcStride);
        p.pixels = static_cast<uint32_t>(np);
        p.channels = static_cast<uint32_t>(n);
        p.chOffset = static_cast<uint32_t>(chOffset + c0);
        p.dstBuf = dst;
        p.dstAddr =
            static_cast<uint32_t>(dstAddr + p0 * dstStride + c0 * outSize);
        p.dstStride = static_cast<uint32_t>(dstStride);
        emit(p);
      }
    }
  }

  //--- Layer lowerings --------------------------------------------------------

  struct GemmLayer {
    int64_t batches = 1;
    int64_t IH = 1, IW = 1, IC = 1, OH = 1, OW = 1, OC = 1;
    int64_t KH = 1, KW = 1, SH = 1, SW = 1, DH = 1, DW = 1;
    int64_t PT = 0, PB = 0, PL = 0, PR = 0;
    int32_t inZp = 0;
    std::function<int64_t(int64_t)> inAddr, outAddr;
    /// Weights: a constant OHWI tensor (re-laid out here), or a K x OC
    /// row-major matrix per batch already in DRAM (matmul's b).
    std::optional<std::vector<int64_t>> constWeights; // OHWI values
    std::function<int64_t(int64_t)> weightMatrixAddr;
    PpuTables ppu;
  };

  LogicalResult lowerGemm(Operation *src, GemmLayer &g);
  LogicalResult lowerDepthwise(DepthwiseConv2DOp op);
  LogicalResult lowerPool(PoolOp op);
  /// Moves the output of an element-wise op through the scratchpads in
  /// tiles of at most `maxElems` elements: gathers each input view (dense,
  /// 4-byte aligned) into IBUF, calls `compute`, scatters OBUF to `out`.
  LogicalResult
  tiled(ArrayRef<int64_t> shape, int64_t maxElems, ArrayRef<DramView> inputs,
        const DramView &out,
        llvm::function_ref<void(int64_t count, ArrayRef<int64_t> inAddrs,
                                int64_t outAddr)>
            compute);
  LogicalResult lowerEltwise(EltwiseOp op);
  LogicalResult lowerAlu(AluOp op);
  LogicalResult lowerRescale(RescaleOp op);
  LogicalResult lowerClamp(ClampOp op);
  LogicalResult lowerTable(TableOp op);
  LogicalResult lowerReduce(ReduceOp op);
  LogicalResult lowerCopy(Operation *src, StringRef kind,
                          ArrayRef<std::pair<DramView, DramView>> copies);
  LogicalResult lowerPad(PadOp op);
  LogicalResult lowerOp(Operation *op);

  /// Broadcast view of operand `v` against result shape `out`.
  FailureOr<DramView> broadcastView(Value v, ArrayRef<int64_t> out) {
    FailureOr<DramView> view = denseView(v);
    if (failed(view))
      return failure();
    for (size_t d = 0; d < out.size(); ++d)
      if (view->shape[d] == 1 && out[d] != 1)
        view->strides[d] = 0;
    view->shape.assign(out.begin(), out.end());
    return view;
  }

  ModuleOp module;
  func::FuncOp func;
  ProgramOp program;
  const ::npu::ArchConfig &arch;
  OpBuilder builder;
  int64_t constTop;
  llvm::DenseMap<Value, int64_t> constAddrs;
  unsigned layerCounter = 0;
  Location currentLoc = UnknownLoc::get(module.getContext());
};

//===----------------------------------------------------------------------===//
// MAC layers
//===----------------------------------------------------------------------===//

LogicalResult Lowering::lowerGemm(Operation *src, GemmLayer &g) {
  const int64_t R = arch.array.rows, C = arch.array.cols;
  const int64_t hi = half(Buffer::IBuf), hw = half(Buffer::WBuf);
  const int64_t accBytes = ::npu::bufferBytes(arch, Buffer::ABuf);
  const int64_t ho = half(Buffer::OBuf);
  const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
  const int64_t winH = (g.KH - 1) * g.DH + 1, winW = (g.KW - 1) * g.DW + 1;
  if (arch.array.weightBits != 8)
    return src->emitError("int8 weights need array.weight_bits = 8 (4-bit "
                          "arrays run multi-point weights, not lowered yet)");

  // Input-channel group: the whole window of one output pixel must fit.
  const int64_t ict = std::min<int64_t>({g.IC, hi / (winH * winW), 65535});
  if (ict < 1)
    return src->emitError("sram.ibuf_kib is too small for one ")
           << winH << "x" << winW << " input window";
  const int64_t icGroups = ceilDiv(g.IC, ict);

  // Output-channel group (its PPU tables must fit pbuf).
  int64_t oct = std::min<int64_t>({g.OC, accBytes / 4, ho / outSize, hw / R,
                                   4095, 16383, maxTableChannels(g.ppu)});
  if (oct < g.OC && oct >= C)
    oct = oct / C * C;
  if (oct < 1)
    return src->emitError("scratchpads too small for one output channel "
                          "(wbuf must hold array.rows weights, abuf 4 bytes)");

  // Reduction steps (chunks of at most R rows) and the K x OC row order.
  struct Chunk {
    int64_t icg;    ///< Input-channel group.
    int64_t ky;     ///< Kernel row.
    int64_t within; ///< Byte offset of the chunk within the window row.
    int64_t rows;   ///< Reduction length (array rows used).
    int64_t k;      ///< First row in the K x OC weight matrix.
  };
  struct WeightRow {
    int64_t ky, kx, ic;
  };
  std::vector<Chunk> chunks;
  std::vector<WeightRow> rows;
  for (int64_t gi = 0; gi < icGroups; ++gi) {
    const int64_t ic0 = gi * ict, n = std::min(ict, g.IC - ic0);
    for (int64_t ky = 0; ky < g.KH; ++ky) {
      // Runs of contiguous bytes in the tile: all (kx, ic) when DW == 1.
      SmallVector<std::pair<int64_t, int64_t>> runs; // (kx0, kxCount)
      if (g.DW == 1)
        runs.push_back({0, g.KW});
      else
        for (int64_t kx = 0; kx < g.KW; ++kx)
          runs.push_back({kx, 1});
      for (auto [kx0, kxn] : runs) {
        const int64_t len = kxn * n;
        for (int64_t j = 0; j < len; j += R) {
          const int64_t L = std::min(R, len - j);
          chunks.push_back({gi, ky, kx0 * g.DW * n + j, L,
                            static_cast<int64_t>(rows.size())});
          for (int64_t t = j; t < j + L; ++t)
            rows.push_back({ky, kx0 + t / n, ic0 + t % n});
        }
      }
    }
  }
  const int64_t K = static_cast<int64_t>(rows.size());

  // Weight groups: consecutive chunks (of one input-channel group) whose
  // rows fit a wbuf half at oct columns.
  const int64_t maxRows = hw / oct;
  struct WeightGroup {
    size_t firstChunk, endChunk;
    int64_t k0, k1;
  };
  std::vector<WeightGroup> wgroups;
  for (size_t c = 0; c < chunks.size();) {
    WeightGroup wg{c, c, chunks[c].k, chunks[c].k};
    while (wg.endChunk < chunks.size() &&
           chunks[wg.endChunk].icg == chunks[c].icg &&
           chunks[wg.endChunk].k + chunks[wg.endChunk].rows - wg.k0 <=
               maxRows) {
      wg.k1 = chunks[wg.endChunk].k + chunks[wg.endChunk].rows;
      ++wg.endChunk;
    }
    wgroups.push_back(wg);
    c = wg.endChunk;
  }

  // Weights in DRAM as a K x OC matrix (row k = reduction index).
  std::function<int64_t(int64_t)> weightsAt = g.weightMatrixAddr;
  if (g.constWeights) {
    std::vector<uint8_t> matrix(K * g.OC);
    const std::vector<int64_t> &w = *g.constWeights; // OHWI
    for (int64_t k = 0; k < K; ++k)
      for (int64_t oc = 0; oc < g.OC; ++oc)
        matrix[k * g.OC + oc] = static_cast<uint8_t>(
            w[((oc * g.KH + rows[k].ky) * g.KW + rows[k].kx) * g.IC +
              rows[k].ic]);
    const int64_t addr = addSegment(matrix, src->getLoc());
    weightsAt = [addr](int64_t) { return addr; };
  }

  // PPU tables: layer-wide when they fit pbuf, else per output-channel group.
  const int64_t pbufBytes = ::npu::bufferBytes(arch, Buffer::PBuf);
  const bool layerTables =
      static_cast<int64_t>(pbufImage(g.ppu, 0, g.OC).bytes.size()) <= pbufBytes;
  if (!layerTables &&
      static_cast<int64_t>(pbufImage(g.ppu, 0, oct).bytes.size()) > pbufBytes)
    return src->emitError("sram.pbuf_kib is too small for the PPU tables of ")
           << oct << " channels";

  // Spatial tile.
  const int64_t maxPixels =
      std::min<int64_t>({accBytes / (4 * oct), ho / (oct * outSize), 65535});
  auto inRows = [&](int64_t oh) { return (oh - 1) * g.SH + winH; };
  auto inCols = [&](int64_t ow) { return (ow - 1) * g.SW + winW; };
  int64_t owt = std::min(g.OW, maxPixels);
  while (owt > 1 && (inRows(1) * inCols(owt) * ict > hi ||
                     inCols(owt) * ict > 65535 || g.SW * ict > 65535))
    --owt;
  int64_t oht = std::min(g.OH, std::max<int64_t>(1, maxPixels / owt));
  while (oht > 1 && inRows(oht) * inCols(owt) * ict > hi)
    --oht;
  if (inRows(oht) * inCols(owt) * ict > hi || g.SW * ict > 65535)
    return src->emitError("sram.ibuf_kib is too small for one output pixel");

  const bool weightsResident = wgroups.size() == 1 && oct == g.OC;
  int64_t loads = 0, wloads = 0, stores = 0; // slot counters

  auto loadWeights = [&](int64_t b, const WeightGroup &wg, int64_t oc0,
                         int64_t ocn) -> int64_t {
    const int64_t base = slot(Buffer::WBuf, wloads++);
    DramView v;
    v.base = weightsAt(b) + wg.k0 * g.OC + oc0;
    v.shape = {wg.k1 - wg.k0, ocn};
    v.strides = {g.OC, 1};
    v.elem = 1;
    (void)gather(v, Buffer::WBuf, base);
    return base;
  };

  auto loadTables = [&](int64_t oc0, int64_t ocn) {
    PbufImage img = pbufImage(g.ppu, oc0, ocn);
    if (!img.bytes.empty())
      loadConstant(img.bytes, Buffer::PBuf, 0);
    emit(ppuConfig(g.ppu, img));
  };

  if (layerTables)
    loadTables(0, g.OC);
  std::optional<int64_t> residentBase;
  for (int64_t b = 0; b < g.batches; ++b) {
    if (weightsResident && (!residentBase || !g.constWeights))
      residentBase = loadWeights(b, wgroups[0], 0, g.OC);
    for (int64_t oy0 = 0; oy0 < g.OH; oy0 += oht)
      for (int64_t ox0 = 0; ox0 < g.OW; ox0 += owt) {
        const int64_t th = std::min(oht, g.OH - oy0);
        const int64_t tw = std::min(owt, g.OW - ox0);
        const int64_t pixels = th * tw;
        const int64_t tileRows = inRows(th), tileCols = inCols(tw);
        std::optional<int64_t> inputBase;
        int64_t inputGroup = -1;
        for (int64_t oc0 = 0; oc0 < g.OC; oc0 += oct) {
          const int64_t ocn = std::min(oct, g.OC - oc0);
          if (!layerTables)
            loadTables(oc0, ocn);
          bool first = true;
          for (const WeightGroup &wg : wgroups) {
            const int64_t gi = chunks[wg.firstChunk].icg;
            const int64_t ic0 = gi * ict, icn = std::min(ict, g.IC - ic0);
            if (inputGroup != gi || !inputBase) {
              // Input tile with convolution padding filled with the zero
              // point.
              const int64_t iy = oy0 * g.SH - g.PT, ix = ox0 * g.SW - g.PL;
              const int64_t y0 = std::max<int64_t>(0, iy);
              const int64_t y1 = std::min(g.IH, iy + tileRows);
              const int64_t x0 = std::max<int64_t>(0, ix);
              const int64_t x1 = std::min(g.IW, ix + tileCols);
              npuisa::DmaLoad d;
              d.buf = Buffer::IBuf;
              d.sramAddr = static_cast<uint32_t>(slot(Buffer::IBuf, loads++));
              d.sramRowStride = static_cast<uint32_t>(tileCols * icn);
              d.elemBytes = static_cast<uint32_t>(icn);
              d.padValue = g.inZp;
              const int64_t dataRows = std::max<int64_t>(0, y1 - y0);
              const int64_t dataCols = std::max<int64_t>(0, x1 - x0);
              d.padTop = static_cast<uint32_t>(dataRows ? y0 - iy : tileRows);
              d.rows = static_cast<uint32_t>(dataCols ? dataRows : 0);
              d.padBottom = static_cast<uint32_t>(
                  dataRows ? tileRows - d.padTop - dataRows : 0);
              if (!dataCols) {
                d.padTop = static_cast<uint32_t>(tileRows);
                d.padBottom = 0;
              }
              d.padLeft = static_cast<uint32_t>(dataCols ? x0 - ix : tileCols);
              d.cols = static_cast<uint32_t>(dataCols);
              d.padRight = static_cast<uint32_t>(
                  dataCols ? tileCols - d.padLeft - dataCols : 0);
              d.dramAddr = static_cast<uint32_t>(g.inAddr(b) +
                                                 (y0 * g.IW + x0) * g.IC + ic0);
              d.dramRowStride = static_cast<uint32_t>(g.IW * g.IC);
              d.dramColStride = static_cast<uint32_t>(g.IC);
              if (d.padTop > 255 || d.padBottom > 255 || d.padLeft > 255 ||
                  d.padRight > 255)
                return src->emitError("padding wider than 255 elements");
              emit(d);
              inputBase = d.sramAddr;
              inputGroup = gi;
            }
            const int64_t wbase =
                weightsResident ? *residentBase : loadWeights(b, wg, oc0, ocn);
            const int64_t rowStride = tileCols * icn;
            for (size_t c = wg.firstChunk; c < wg.endChunk; ++c) {
              const Chunk &ch = chunks[c];
              for (int64_t cp = 0; cp < ocn; cp += C) {
                const int64_t cols = std::min(C, ocn - cp);
                npuisa::LoadWeights lw;
                lw.wAddr =
                    static_cast<uint32_t>(wbase + (ch.k - wg.k0) * ocn + cp);
                lw.wStride = static_cast<uint32_t>(ocn);
                lw.rows = static_cast<uint32_t>(ch.rows);
                lw.cols = static_cast<uint32_t>(cols);
                emit(lw);
                npuisa::Gemm gm;
                gm.inAddr = static_cast<uint32_t>(
                    *inputBase + ch.ky * g.DH * rowStride + ch.within);
                gm.inStrideY = static_cast<uint32_t>(g.SH * rowStride);
                gm.inStrideX = static_cast<uint32_t>(g.SW * icn);
                gm.outH = static_cast<uint32_t>(th);
                gm.outW = static_cast<uint32_t>(tw);
                gm.k = static_cast<uint32_t>(ch.rows);
                gm.inZp = g.inZp;
                gm.accAddr = static_cast<uint32_t>(4 * cp);
                gm.accStride = static_cast<uint32_t>(4 * ocn);
                gm.cols = static_cast<uint32_t>(cols);
                gm.accumulate = !first;
                emit(gm);
              }
              first = false;
            }
          }
          // Requantize and store the tile.
          const int64_t obase = slot(Buffer::OBuf, stores++);
          emitPpu(0, 4 * ocn, pixels, ocn, layerTables ? oc0 : 0, Buffer::OBuf,
                  obase, ocn * outSize, outSize);
          DramView out;
          out.base = g.outAddr(b) + ((oy0 * g.OW + ox0) * g.OC + oc0) * outSize;
          out.shape = {th, tw, ocn};
          out.strides = {g.OW * g.OC * outSize, g.OC * outSize, outSize};
          out.elem = outSize;
          if (failed(scatter(Buffer::OBuf, obase, out)))
            return failure();
        }
      }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Vector unit: depthwise convolution and pooling
//===----------------------------------------------------------------------===//

LogicalResult Lowering::lowerDepthwise(DepthwiseConv2DOp op) {
  auto in = shapeOf(op.getInput()), w = shapeOf(op.getWeights()),
       out = shapeOf(op.getOutput());
  const int64_t N = in[0], IH = in[1], IW = in[2], IC = in[3];
  const int64_t KH = w[0], KW = w[1], M = w[3];
  const int64_t OH = out[1], OW = out[2], OC = out[3];
  auto s = op.getStride(), d = op.getDilation(), p = op.getPad();
  if (KH > 31 || KW > 31 || s[0] > 15 || s[1] > 15 || d[0] > 15 || d[1] > 15 ||
      M > 255)
    return op.emitError("depthwise kernel, stride, dilation or depth "
                        "multiplier exceeds the vector unit's limits");
  PpuTables tables = ppuTables(op, OC);
  DenseIntElementsAttr bias;
  if (!matchPattern(op.getBias(), m_Constant(&bias)))
    return op.emitError("bias must be a constant");
  for (int64_t v : constantInts(bias))
    tables.bias.push_back(static_cast<int32_t>(v));
  DenseIntElementsAttr weights;
  if (!matchPattern(op.getWeights(), m_Constant(&weights)))
    return op.emitError("weights must be a constant");
  // [KH, KW, C, M] is already [KH*KW][OC] row-major.
  const int64_t wAddr = addSegment(constantBytes(weights), op.getLoc());
  FailureOr<int64_t> inAddr = dramAddr(op.getInput());
  FailureOr<int64_t> outAddr = dramAddr(op.getOutput());
  if (failed(inAddr) || failed(outAddr))
    return failure();

  const int64_t hi = half(Buffer::IBuf), hw = half(Buffer::WBuf);
  const int64_t accBytes = ::npu::bufferBytes(arch, Buffer::ABuf);
  const int64_t ho = half(Buffer::OBuf);
  const int64_t outSize = ::npu::elementBytes(tables.outType);
  const int64_t winH = (KH - 1) * d[0] + 1, winW = (KW - 1) * d[1] + 1;

  // Channel group: a multiple of the depth multiplier.
  int64_t ict = std::min<int64_t>({IC, hi / (winH * winW), hw / (KH * KW * M),
                                   accBytes / (4 * M), ho / (M * outSize),
                                   4095 / M, maxTableChannels(tables) / M});
  if (ict < 1)
    return op.emitError("scratchpads too small for one depthwise channel");
  const int64_t oct = ict * M;
  const int64_t pbufBytes = ::npu::bufferBytes(arch, Buffer::PBuf);
  const bool layerTables =
      static_cast<int64_t>(pbufImage(tables, 0, OC).bytes.size()) <= pbufBytes;
  if (!layerTables &&
      static_cast<int64_t>(pbufImage(tables, 0, oct).bytes.size()) > pbufBytes)
    return op.emitError("sram.pbuf_kib is too small for the PPU tables");

  const int64_t maxPixels =
      std::min<int64_t>({accBytes / (4 * oct), ho / (oct * outSize), 65535});
  auto inRows = [&](int64_t oh) { return (oh - 1) * s[0] + winH; };
  auto inCols = [&](int64_t ow) { return (ow - 1) * s[1] + winW; };
  int64_t owt = std::min<int64_t>({OW, maxPixels, 4095});
  while (owt > 1 &&
         (inRows(1) * inCols(owt) * ict > hi || inCols(owt) * ict > 65535))
    --owt;
  int64_t oht =
      std::min<int64_t>({OH, std::max<int64_t>(1, maxPixels / owt), 4095});
  while (oht > 1 && inRows(oht) * inCols(owt) * ict > hi)
    --oht;
  if (inRows(oht) * inCols(owt) * ict > hi || inCols(owt) * ict > 65535)
    return op.emitError("sram.ibuf_kib is too small for one output pixel");

  const auto mac = static_cast<int64_t>(N * OH * OW * OC * KH * KW);
  beginLayer(op, "depthwise_conv2d", mac);
  const bool weightsResident = oct == OC;
  auto loadWeights = [&](int64_t oc0, int64_t ocn, int64_t base) {
    DramView v;
    v.base = wAddr + oc0;
    v.shape = {KH * KW, ocn};
    v.strides = {OC, 1};
    v.elem = 1;
    (void)gather(v, Buffer::WBuf, base);
  };
  auto loadTables = [&](int64_t oc0, int64_t ocn) {
    PbufImage img = pbufImage(tables, oc0, ocn);
    if (!img.bytes.empty())
      loadConstant(img.bytes, Buffer::PBuf, 0);
    emit(ppuConfig(tables, img));
  };
  if (layerTables)
    loadTables(0, OC);
  if (weightsResident)
    loadWeights(0, OC, 0);
  int64_t loads = 0, wloads = 0, stores = 0;
  for (int64_t b = 0; b < N; ++b)
    for (int64_t oy0 = 0; oy0 < OH; oy0 += oht)
      for (int64_t ox0 = 0; ox0 < OW; ox0 += owt)
        for (int64_t oc0 = 0; oc0 < OC; oc0 += oct) {
          const int64_t th = std::min(oht, OH - oy0),
                        tw = std::min(owt, OW - ox0);
          const int64_t ocn = std::min(oct, OC - oc0), icn = ocn / M;
          const int64_t ic0 = oc0 / M;
          const int64_t tileRows = inRows(th), tileCols = inCols(tw);
          if (!layerTables)
            loadTables(oc0, ocn);
          const int64_t iy = oy0 * s[0] - p[0], ix = ox0 * s[1] - p[2];
          const int64_t y0 = std::max<int64_t>(0, iy),
                        y1 = std::min(IH, iy + tileRows);
          const int64_t x0 = std::max<int64_t>(0, ix),
                        x1 = std::min(IW, ix + tileCols);
          const int64_t dataRows = std::max<int64_t>(0, y1 - y0);
          const int64_t dataCols = std::max<int64_t>(0, x1 - x0);
          npuisa::DmaLoad dl;
          dl.buf = Buffer::IBuf;
          dl.sramAddr = static_cast<uint32_t>(slot(Buffer::IBuf, loads++));
          dl.sramRowStride = static_cast<uint32_t>(tileCols * icn);
          dl.elemBytes = static_cast<uint32_t>(icn);
          dl.padValue = op.getInputZp();
          if (dataRows && dataCols) {
            dl.padTop = static_cast<uint32_t>(y0 - iy);
            dl.rows = static_cast<uint32_t>(dataRows);
            dl.padBottom =
                static_cast<uint32_t>(tileRows - dl.padTop - dataRows);
            dl.padLeft = static_cast<uint32_t>(x0 - ix);
            dl.cols = static_cast<uint32_t>(dataCols);
            dl.padRight =
                static_cast<uint32_t>(tileCols - dl.padLeft - dataCols);
          } else {
            dl.padTop = static_cast<uint32_t>(tileRows);
            dl.padLeft = static_cast<uint32_t>(tileCols);
          }
          if (dl.padTop > 255 || dl.padBottom > 255 || dl.padLeft > 255 ||
              dl.padRight > 255)
            return op.emitError("padding wider than 255 elements");
          dl.dramAddr = static_cast<uint32_t>(
              *inAddr + ((b * IH + y0) * IW + x0) * IC + ic0);
          dl.dramRowStride = static_cast<uint32_t>(IW * IC);
          dl.dramColStride = static_cast<uint32_t>(IC);
          emit(dl);
          int64_t wbase = 0;
          if (!weightsResident) {
            wbase = slot(Buffer::WBuf, wloads++);
            loadWeights(oc0, ocn, wbase);
          }
          npuisa::DwConv dw;
          dw.inAddr = dl.sramAddr;
          dw.inRowStride = static_cast<uint32_t>(tileCols * icn);
          dw.inPixStride = static_cast<uint32_t>(icn);
          dw.channels = static_cast<uint32_t>(ocn);
          dw.depthMult = static_cast<uint32_t>(M);
          dw.outH = static_cast<uint32_t>(th);
          dw.outW = static_cast<uint32_t>(tw);
          dw.kh = static_cast<uint32_t>(KH);
          dw.kw = static_cast<uint32_t>(KW);
          dw.strideH = static_cast<uint32_t>(s[0]);
          dw.strideW = static_cast<uint32_t>(s[1]);
          dw.dilH = static_cast<uint32_t>(d[0]);
          dw.dilW = static_cast<uint32_t>(d[1]);
          dw.inZp = op.getInputZp();
          dw.wAddr = static_cast<uint32_t>(wbase);
          dw.accAddr = 0;
          dw.accStride = static_cast<uint32_t>(4 * ocn);
          emit(dw);
          const int64_t obase = slot(Buffer::OBuf, stores++);
          emitPpu(0, 4 * ocn, th * tw, ocn, layerTables ? oc0 : 0, Buffer::OBuf,
                  obase, ocn * outSize, outSize);
          DramView o;
          o.base =
              *outAddr + (((b * OH + oy0) * OW + ox0) * OC + oc0) * outSize;
          o.shape = {th, tw, ocn};
          o.strides = {OW * OC * outSize, OC * outSize, outSize};
          o.elem = outSize;
          if (failed(scatter(Buffer::OBuf, obase, o)))
            return failure();
        }
  return success();
}

LogicalResult Lowering::lowerPool(PoolOp op) {
  auto in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  const int64_t N = in[0], IH = in[1], IW = in[2], C = in[3];
  const int64_t OH = out[1], OW = out[2];
  auto k = op.getKernel(), s = op.getStride(), p = op.getPad();
  if (k[0] > 63 || k[1] > 63 || s[0] > 15 || s[1] > 15 ||
      llvm::any_of(p, [](int64_t v) { return v > 15; }))
    return op.emitError("pooling window, stride or padding exceeds the "
                        "vector unit's limits (63, 15, 15)");
  FailureOr<int64_t> inAddr = dramAddr(op.getInput());
  FailureOr<int64_t> outAddr = dramAddr(op.getOutput());
  if (failed(inAddr) || failed(outAddr))
    return failure();
  const int64_t hi = half(Buffer::IBuf), ho = half(Buffer::OBuf);
  const int64_t winH = k[0], winW = k[1];
  int64_t ct = std::min<int64_t>({C, hi / (winH * winW), ho, 4095});
  if (ct < 1)
    return op.emitError("sram.ibuf_kib is too small for one pooling window");
  auto inRows = [&](int64_t oh) { return (oh - 1) * s[0] + winH; };
  auto inCols = [&](int64_t ow) { return (ow - 1) * s[1] + winW; };
  int64_t owt = std::min<int64_t>({OW, ho / ct, 4095});
  while (owt > 1 &&
         (inRows(1) * inCols(owt) * ct > hi || inCols(owt) * ct > 65535))
    --owt;
  int64_t oht =
      std::min<int64_t>({OH, std::max<int64_t>(1, ho / (ct * owt)), 4095});
  while (oht > 1 && inRows(oht) * inCols(owt) * ct > hi)
    --oht;

  beginLayer(op, op.getKind() == "max" ? "max_pool2d" : "avg_pool2d", 0);
  int64_t loads = 0, stores = 0;
  for (int64_t b = 0; b < N; ++b)
    for (int64_t oy0 = 0; oy0 < OH; oy0 += oht)
      for (int64_t ox0 = 0; ox0 < OW; ox0 += owt)
        for (int64_t c0 = 0; c0 < C; c0 += ct) {
          const int64_t th = std::min(oht, OH - oy0),
                        tw = std::min(owt, OW - ox0);
          const int64_t cn = std::min(ct, C - c0);
          const int64_t iy = oy0 * s[0] - p[0], ix = ox0 * s[1] - p[2];
          const int64_t y0 = std::max<int64_t>(0, iy);
          const int64_t y1 = std::min(IH, iy + inRows(th));
          const int64_t x0 = std::max<int64_t>(0, ix);
          const int64_t x1 = std::min(IW, ix + inCols(tw));
          const int64_t ibase = slot(Buffer::IBuf, loads++);
          DramView v;
          v.base = *inAddr + ((b * IH + y0) * IW + x0) * C + c0;
          v.shape = {y1 - y0, x1 - x0, cn};
          v.strides = {IW * C, C, 1};
          if (failed(gather(v, Buffer::IBuf, ibase)))
            return failure();
          npuisa::Pool pl;
          pl.mode = op.getKind() == "max"        ? npuisa::PoolMode::Max
                    : op.getKind() == "avg_tosa" ? npuisa::PoolMode::AvgTosa
                                                 : npuisa::PoolMode::AvgTflite;
          pl.inAddr = static_cast<uint32_t>(ibase);
          pl.inRowStride = static_cast<uint32_t>((x1 - x0) * cn);
          pl.inPixStride = static_cast<uint32_t>(cn);
          pl.channels = static_cast<uint32_t>(cn);
          pl.outH = static_cast<uint32_t>(th);
          pl.outW = static_cast<uint32_t>(tw);
          pl.kh = static_cast<uint32_t>(k[0]);
          pl.kw = static_cast<uint32_t>(k[1]);
          pl.strideH = static_cast<uint32_t>(s[0]);
          pl.strideW = static_cast<uint32_t>(s[1]);
          pl.padTop = static_cast<uint32_t>(y0 - iy);
          pl.padLeft = static_cast<uint32_t>(x0 - ix);
          pl.padBottom =
              static_cast<uint32_t>(std::max<int64_t>(0, iy + inRows(th) - y1));
          pl.padRight =
              static_cast<uint32_t>(std::max<int64_t>(0, ix + inCols(tw) - x1));
          pl.inH = static_cast<uint32_t>(y1 - y0);
          pl.inW = static_cast<uint32_t>(x1 - x0);
          pl.inZp = op.getInputZp();
          pl.outZp = op.getOutputZp();
          pl.clampMin = op.getClampMin();
          pl.clampMax = op.getClampMax();
          pl.dstBuf = Buffer::OBuf;
          pl.dstAddr = static_cast<uint32_t>(slot(Buffer::OBuf, stores++));
          emit(pl);
          DramView o;
          o.base = *outAddr + ((b * OH + oy0) * OW + ox0) * C + c0;
          o.shape = {th, tw, cn};
          o.strides = {OW * C, C, 1};
          if (failed(scatter(Buffer::OBuf, pl.dstAddr, o)))
            return failure();
        }
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise and data movement
//===----------------------------------------------------------------------===//

/// A dense vector operand of `n` elements at `addr`.
npuisa::Operand dense(Buffer buf, int64_t addr, npuisa::DType type) {
  return npuisa::Operand{buf, static_cast<uint32_t>(addr), type, 0, 1};
}

LogicalResult Lowering::tiled(
    ArrayRef<int64_t> shape, int64_t maxElems, ArrayRef<DramView> inputs,
    const DramView &out,
    llvm::function_ref<void(int64_t count, ArrayRef<int64_t> inAddrs,
                            int64_t outAddr)>
        compute) {
  if (maxElems < 1)
    return emitError(currentLoc, "scratchpads too small for one element "
                                 "of this operation");
  int64_t tiles = 0;
  for (const Box &box : tileBoxes(shape, maxElems)) {
    const int64_t count = box.numElements();
    const int64_t ib = slot(Buffer::IBuf, tiles),
                  ob = slot(Buffer::OBuf, tiles);
    ++tiles;
    SmallVector<int64_t, 2> addrs;
    int64_t at = ib;
    for (const DramView &v : inputs) {
      addrs.push_back(at);
      if (failed(gather(v.box(box.start, box.sizes), Buffer::IBuf, at)))
        return failure();
      at = alignTo(at + count * v.elem, 4);
    }
    compute(count, addrs, ob);
    if (failed(scatter(Buffer::OBuf, ob, out.box(box.start, box.sizes))))
      return failure();
  }
  return success();
}

/// Bytes of IBUF a tile of n elements of `inputs` needs: each input 4-byte
/// aligned.
static int64_t maxTileElems(int64_t ibufBytes, ArrayRef<DramView> inputs) {
  int64_t perElem = 0;
  for (const DramView &v : inputs)
    perElem += v.elem;
  return (ibufBytes - 4 * static_cast<int64_t>(inputs.size())) / perElem;
}

LogicalResult Lowering::lowerEltwise(EltwiseOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> lhs = broadcastView(op.getLhs(), shape);
  FailureOr<DramView> rhs = broadcastView(op.getRhs(), shape);
  FailureOr<DramView> out = denseView(op.getOutput());
  if (failed(lhs) || failed(rhs) || failed(out))
    return failure();
  const int64_t os = out->elem;
  const int64_t n =
      std::min<int64_t>({maxTileElems(half(Buffer::IBuf), {*lhs, *rhs}),
                         ::npu::bufferBytes(arch, Buffer::ABuf) / 8,
                         half(Buffer::OBuf) / os, 65535});
  PpuTables t = ppuTables(op, 1);
  t.form = "per_layer";
  beginLayer(op, op.getKind().str(), 0);
  emit(ppuConfig(t, PbufImage{}));
  return tiled(
      shape, n, {*lhs, *rhs}, *out,
      [&](int64_t count, ArrayRef<int64_t> in, int64_t ob) {
        // Both inputs rescaled to int32 in ABUF; add accumulates the second.
        npuisa::Rescale a;
        a.src = dense(Buffer::IBuf, in[0], dtypeOf(op.getLhs().getType()));
        a.dst = dense(Buffer::ABuf, 0, npuisa::DType::I32);
        a.nOuter = 1;
        a.nInner = static_cast<uint32_t>(count);
        a.inZp = op.getLhsZp();
        a.mult = op.getLhsMultiplier();
        a.shift = static_cast<uint32_t>(op.getLhsShift());
        a.doubleRound = op.getLhsDoubleRound();
        emit(a);
        npuisa::Rescale b = a;
        b.src = dense(Buffer::IBuf, in[1], dtypeOf(op.getRhs().getType()));
        b.inZp = op.getRhsZp();
        b.mult = op.getRhsMultiplier();
        b.shift = static_cast<uint32_t>(op.getRhsShift());
        b.doubleRound = op.getRhsDoubleRound();
        if (op.getKind() == "add") {
          b.accumulate = true;
          emit(b);
        } else {
          b.dst = dense(Buffer::ABuf, 4 * count, npuisa::DType::I32);
          emit(b);
          npuisa::Alu alu;
          alu.op =
              op.getKind() == "sub" ? npuisa::AluOp::Sub : npuisa::AluOp::Mul;
          alu.src1 = dense(Buffer::ABuf, 0, npuisa::DType::I32);
          alu.src2 = dense(Buffer::ABuf, 4 * count, npuisa::DType::I32);
          alu.dst = alu.src1;
          alu.nOuter = 1;
          alu.nInner = static_cast<uint32_t>(count);
          alu.shift = static_cast<uint32_t>(op.getMulShift());
          emit(alu);
        }
        // The PPU reads the accumulators as rows of at most 4095 channels.
        const int64_t width = std::min<int64_t>(count, 4095);
        const int64_t full = count / width;
        emitPpu(0, 4 * width, full, width, 0, Buffer::OBuf, ob, width * os, os);
        if (count % width)
          emitPpu(4 * full * width, 4 * width, 1, count % width, 0,
                  Buffer::OBuf, ob + full * width * os, width * os, os);
      });
}

LogicalResult Lowering::lowerAlu(AluOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  SmallVector<DramView, 2> ins;
  for (Value v : op.getInputs()) {
    FailureOr<DramView> view = broadcastView(v, shape);
    if (failed(view))
      return failure();
    ins.push_back(*view);
  }
  FailureOr<DramView> out = denseView(op.getOutput());
  if (failed(out))
    return failure();
  const int64_t n = std::min<int64_t>({maxTileElems(half(Buffer::IBuf), ins),
                                       half(Buffer::OBuf) / out->elem, 65535});
  static const std::pair<const char *, npuisa::AluOp> kOps[] = {
      {"add", npuisa::AluOp::Add},   {"sub", npuisa::AluOp::Sub},
      {"mul", npuisa::AluOp::Mul},   {"max", npuisa::AluOp::Max},
      {"min", npuisa::AluOp::Min},   {"shl", npuisa::AluOp::Shl},
      {"ashr", npuisa::AluOp::AShr}, {"lshr", npuisa::AluOp::LShr},
      {"and", npuisa::AluOp::And},   {"or", npuisa::AluOp::Or},
      {"xor", npuisa::AluOp::Xor},   {"clz", npuisa::AluOp::Clz},
      {"abs", npuisa::AluOp::Abs},   {"neg", npuisa::AluOp::Neg},
      {"copy", npuisa::AluOp::Copy}};
  npuisa::AluOp aluOp = npuisa::AluOp::Add;
  for (auto [name, code] : kOps)
    if (op.getOp() == name)
      aluOp = code;
  beginLayer(op, op.getOp() == "copy" ? "cast" : op.getOp().str(), 0);
  return tiled(
      shape, n, ins, *out,
      [&](int64_t count, ArrayRef<int64_t> in, int64_t ob) {
        npuisa::Alu a;
        a.op = aluOp;
        a.src1 =
            dense(Buffer::IBuf, in[0], dtypeOf(op.getInputs()[0].getType()));
        a.src2 = ins.size() > 1 ? dense(Buffer::IBuf, in[1],
                                        dtypeOf(op.getInputs()[1].getType()))
                                : a.src1;
        a.dst = dense(Buffer::OBuf, ob, dtypeOf(op.getOutput().getType()));
        a.nOuter = 1;
        a.nInner = static_cast<uint32_t>(count);
        a.shift = static_cast<uint32_t>(op.getShift());
        a.round = op.getRound();
        emit(a);
      });
}

LogicalResult Lowering::lowerRescale(RescaleOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> in = denseView(op.getInput());
  FailureOr<DramView> out = denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const bool perChannel = op.getMultiplier().size() > 1;
  const int64_t channels = perChannel ? shape.back() : 1;
  int64_t n = std::min<int64_t>({maxTileElems(half(Buffer::IBuf), {*in}),
                                 half(Buffer::OBuf) / out->elem, 65535});
  // Per-channel: tiles hold whole pixels (the last dimension stays whole).
  n = n / channels * channels;
  beginLayer(op, "rescale", 0);
  return tiled(
      shape, n, {*in}, *out,
      [&](int64_t count, ArrayRef<int64_t> ib, int64_t ob) {
        // One instruction per channel, stepping over pixels.
        for (int64_t c = 0; c < channels; ++c) {
          npuisa::Rescale r;
          r.src = {Buffer::IBuf, static_cast<uint32_t>(ib[0] + c * in->elem),
                   dtypeOf(op.getInput().getType()),
                   static_cast<int32_t>(channels), 0};
          r.dst = {Buffer::OBuf, static_cast<uint32_t>(ob + c * out->elem),
                   dtypeOf(op.getOutput().getType()),
                   static_cast<int32_t>(channels), 0};
          r.nOuter = static_cast<uint32_t>(count / channels);
          r.nInner = 1;
          r.inZp = op.getInputZp();
          r.outZp = op.getOutputZp();
          r.mult = op.getMultiplier()[perChannel ? c : 0];
          r.shift = static_cast<uint32_t>(op.getShift()[perChannel ? c : 0]);
          r.doubleRound = op.getDoubleRound();
          emit(r);
        }
      });
}

LogicalResult Lowering::lowerClamp(ClampOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> in = denseView(op.getInput());
  FailureOr<DramView> out = denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t n = std::min<int64_t>({maxTileElems(half(Buffer::IBuf), {*in}),
                                       half(Buffer::OBuf) / out->elem, 65535});
  beginLayer(op, "clamp", 0);
  // The bounds as two int32 constants in pbuf, broadcast with stride 0.
  std::vector<uint8_t> bounds;
  appendLE<int32_t>(bounds, static_cast<int32_t>(op.getMin()));
  appendLE<int32_t>(bounds, static_cast<int32_t>(op.getMax()));
  loadConstant(bounds, Buffer::PBuf, 0);
  const npuisa::DType type = dtypeOf(op.getOutput().getType());
  return tiled(shape, n, {*in}, *out,
               [&](int64_t count, ArrayRef<int64_t> ib, int64_t ob) {
                 npuisa::Alu lo;
                 lo.op = npuisa::AluOp::Max;
                 lo.src1 = dense(Buffer::IBuf, ib[0], type);
                 lo.src2 = {Buffer::PBuf, 0, npuisa::DType::I32, 0, 0};
                 lo.dst = dense(Buffer::OBuf, ob, type);
                 lo.nOuter = 1;
                 lo.nInner = static_cast<uint32_t>(count);
                 emit(lo);
                 npuisa::Alu up = lo;
                 up.op = npuisa::AluOp::Min;
                 up.src1 = lo.dst;
                 up.src2 = {Buffer::PBuf, 4, npuisa::DType::I32, 0, 0};
                 emit(up);
               });
}

LogicalResult Lowering::lowerTable(TableOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> in = denseView(op.getInput());
  FailureOr<DramView> out = denseView(op.getOutput());
  DenseIntElementsAttr table;
  if (failed(in) || failed(out) ||
      !matchPattern(op.getTable(), m_Constant(&table)))
    return failure();
  const int64_t n = std::min<int64_t>({maxTileElems(half(Buffer::IBuf), {*in}),
                                       half(Buffer::OBuf) / out->elem, 65535});
  beginLayer(op, "table", 0);
  loadConstant(constantBytes(table), Buffer::PBuf, 0);
  const bool wide = in->elem == 2;
  return tiled(shape, n, {*in}, *out,
               [&](int64_t count, ArrayRef<int64_t> ib, int64_t ob) {
                 npuisa::Table t;
                 t.mode = wide ? npuisa::TableMode::I16 : npuisa::TableMode::I8;
                 t.src = dense(Buffer::IBuf, ib[0],
                               wide ? npuisa::DType::I16 : npuisa::DType::I8);
                 t.dst = dense(Buffer::OBuf, ob,
                               wide ? npuisa::DType::I32 : npuisa::DType::I8);
                 t.nOuter = 1;
                 t.nInner = static_cast<uint32_t>(count);
                 t.tableAddr = 0;
                 emit(t);
               });
}

LogicalResult Lowering::lowerReduce(ReduceOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getInput());
  const int64_t axis = op.getAxis();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  const int64_t red = shape[axis];
  FailureOr<DramView> in = denseView(op.getInput());
  FailureOr<DramView> out = denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t ie = in->elem, oe = out->elem;
  // 3-d views [outer, red, inner] and [outer, inner].
  DramView in3 = *in, out2 = *out;
  in3.shape = {outer, red, inner};
  in3.strides = {red * inner * ie, inner * ie, ie};
  out2.shape = {outer, inner};
  out2.strides = {inner * oe, oe};
  const int64_t hi = half(Buffer::IBuf), ho = half(Buffer::OBuf);
  if (red * ie > hi)
    return op.emitError("the reduced axis does not fit sram.ibuf_kib");
  // Tile over (outer, inner) with the whole reduced axis in each tile.
  const int64_t maxOut = std::min<int64_t>({hi / (red * ie), ho / oe, 65535});
  beginLayer(op, "reduce_" + op.getKind().str(), 0);
  int64_t tiles = 0;
  for (const Box &box : tileBoxes(out2.shape, maxOut)) {
    const int64_t to = box.sizes[0], ti = box.sizes[1];
    const int64_t ib = slot(Buffer::IBuf, tiles),
                  ob = slot(Buffer::OBuf, tiles);
    ++tiles;
    if (failed(gather(in3.box({box.start[0], 0, box.start[1]}, {to, red, ti}),
                      Buffer::IBuf, ib)))
      return failure();
    npuisa::Reduce r;
    r.op = op.getKind() == "sum"   ? npuisa::ReduceOp::Sum
           : op.getKind() == "max" ? npuisa::ReduceOp::Max
                                   : npuisa::ReduceOp::Min;
    r.srcBuf = Buffer::IBuf;
    r.srcAddr = static_cast<uint32_t>(ib);
    r.srcType = dtypeOf(op.getInput().getType());
    r.srcStrideOuter = static_cast<int32_t>(red * ti);
    r.srcStrideRed = static_cast<int32_t>(ti);
    r.srcStrideInner = 1;
    r.dstBuf = Buffer::OBuf;
    r.dstAddr = static_cast<uint32_t>(ob);
    r.dstType = dtypeOf(op.getOutput().getType());
    r.dstStrideOuter = static_cast<int32_t>(ti);
    r.dstStrideInner = 1;
    r.nOuter = static_cast<uint32_t>(to);
    r.nRed = static_cast<uint32_t>(red);
    r.nInner = static_cast<uint32_t>(ti);
    if (red * ti > 32767 || ti > 32767)
      return op.emitError("reduction tile exceeds the vector unit's strides");
    emit(r);
    if (failed(scatter(Buffer::OBuf, ob, out2.box(box.start, box.sizes))))
      return failure();
  }
  return success();
}

LogicalResult
Lowering::lowerCopy(Operation *src, StringRef kind,
                    ArrayRef<std::pair<DramView, DramView>> copies) {
  beginLayer(src, kind, 0);
  const int64_t hi = half(Buffer::IBuf);
  int64_t tiles = 0;
  for (const auto &[from, to] : copies) {
    const int64_t n = std::max<int64_t>(1, hi / from.elem);
    for (const Box &box : tileBoxes(from.shape, n)) {
      const int64_t ib = slot(Buffer::IBuf, tiles++);
      if (failed(gather(from.box(box.start, box.sizes), Buffer::IBuf, ib)) ||
          failed(scatter(Buffer::IBuf, ib, to.box(box.start, box.sizes))))
        return failure();
    }
  }
  return success();
}

LogicalResult Lowering::lowerPad(PadOp op) {
  FailureOr<DramView> in = denseView(op.getInput());
  FailureOr<DramView> out = denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t elem = out->elem;
  // The pad value as bytes; DMA padding repeats one byte.
  const int64_t value = op.getPadValue();
  const uint8_t byte = static_cast<uint8_t>(value);
  for (int64_t b = 1; b < elem; ++b)
    if (static_cast<uint8_t>(value >> (8 * b)) != byte)
      return op.emitError("pad value ")
             << value << " is not one repeated byte for this element type";
  beginLayer(op, "pad", 0);
  // Fill a scratchpad region with the pad value (a DMA that writes only
  // padding: up to 255 rows of up to 255 elements), store it over the whole
  // output, then copy the input into the interior.
  const int64_t hi = half(Buffer::IBuf);
  const int64_t fillElems =
      std::min<int64_t>({hi / elem, out->numElements(), 255 * 255});
  const int64_t perRow = std::min<int64_t>(255, fillElems);
  const int64_t fullRows = fillElems / perRow;
  npuisa::DmaLoad fillRows;
  fillRows.buf = Buffer::IBuf;
  fillRows.elemBytes = static_cast<uint32_t>(elem);
  fillRows.padValue = static_cast<int8_t>(byte);
  fillRows.padTop = static_cast<uint32_t>(fullRows);
  fillRows.padLeft = static_cast<uint32_t>(perRow);
  fillRows.sramRowStride = static_cast<uint32_t>(perRow * elem);
  emit(fillRows);
  if (fullRows * perRow < fillElems) {
    npuisa::DmaLoad rest = fillRows;
    rest.sramAddr = static_cast<uint32_t>(fullRows * perRow * elem);
    rest.padTop = 1;
    rest.padLeft = static_cast<uint32_t>(fillElems - fullRows * perRow);
    emit(rest);
  }
  for (const Box &box : tileBoxes(out->shape, fillElems))
    if (failed(scatter(Buffer::IBuf, 0, out->box(box.start, box.sizes))))
      return failure();
  // Interior.
  ArrayRef<int64_t> padding = op.getPadding();
  SmallVector<int64_t> start;
  for (size_t d = 0; d < in->shape.size(); ++d)
    start.push_back(padding[2 * d]);
  DramView interior = out->box(start, in->shape);
  const int64_t slotElems = std::max<int64_t>(1, hi / elem);
  int64_t tiles = 1; // slot 0 holds the fill pattern
  for (const Box &box : tileBoxes(in->shape, slotElems)) {
    const int64_t ib = slot(Buffer::IBuf, tiles++);
    if (failed(gather(in->box(box.start, box.sizes), Buffer::IBuf, ib)) ||
        failed(scatter(Buffer::IBuf, ib, interior.box(box.start, box.sizes))))
      return failure();
  }
  return success();
}

LogicalResult Lowering::lowerOp(Operation *op) {
  if (auto c = dyn_cast<Conv2DOp>(op)) {
    auto in = shapeOf(c.getInput()), w = shapeOf(c.getWeights()),
         out = shapeOf(c.getOutput());
    GemmLayer g;
    g.batches = in[0];
    g.IH = in[1], g.IW = in[2], g.IC = in[3];
    g.OH = out[1], g.OW = out[2], g.OC = out[3];
    g.KH = w[1], g.KW = w[2];
    g.SH = c.getStride()[0], g.SW = c.getStride()[1];
    g.DH = c.getDilation()[0], g.DW = c.getDilation()[1];
    g.PT = c.getPad()[0], g.PB = c.getPad()[1];
    g.PL = c.getPad()[2], g.PR = c.getPad()[3];
    g.inZp = c.getInputZp();
    DenseIntElementsAttr wv, bias;
    if (!matchPattern(c.getWeights(), m_Constant(&wv)) ||
        !matchPattern(c.getBias(), m_Constant(&bias)))
      return c.emitError("weights and bias must be constants");
    g.constWeights = constantInts(wv);
    g.ppu = ppuTables(c, g.OC);
    for (int64_t v : constantInts(bias))
      g.ppu.bias.push_back(static_cast<int32_t>(v));
    FailureOr<int64_t> inAddr = dramAddr(c.getInput()),
                       outAddr = dramAddr(c.getOutput());
    if (failed(inAddr) || failed(outAddr))
      return failure();
    const int64_t inImage = g.IH * g.IW * g.IC, outImage = g.OH * g.OW * g.OC;
    const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
    g.inAddr = [=](int64_t b) { return *inAddr + b * inImage; };
    g.outAddr = [=](int64_t b) { return *outAddr + b * outImage * outSize; };
    beginLayer(c, "conv2d",
               g.batches * g.OH * g.OW * g.OC * g.KH * g.KW * g.IC);
    return lowerGemm(op, g);
  }
  if (auto f = dyn_cast<FullyConnectedOp>(op)) {
    auto in = shapeOf(f.getInput()), w = shapeOf(f.getWeights());
    GemmLayer g;
    g.IW = g.OW = in[0];
    g.IC = in[1];
    g.OC = w[0];
    g.inZp = f.getInputZp();
    DenseIntElementsAttr wv, bias;
    if (!matchPattern(f.getWeights(), m_Constant(&wv)) ||
        !matchPattern(f.getBias(), m_Constant(&bias)))
      return f.emitError("weights and bias must be constants");
    g.constWeights = constantInts(wv); // [OC, IC] == OHWI with H = W = 1
    g.ppu = ppuTables(f, g.OC);
    for (int64_t v : constantInts(bias))
      g.ppu.bias.push_back(static_cast<int32_t>(v));
    FailureOr<int64_t> inAddr = dramAddr(f.getInput()),
                       outAddr = dramAddr(f.getOutput());
    if (failed(inAddr) || failed(outAddr))
      return failure();
    g.inAddr = [=](int64_t) { return *inAddr; };
    g.outAddr = [=](int64_t) { return *outAddr; };
    beginLayer(f, "fully_connected", in[0] * g.OC * g.IC);
    return lowerGemm(op, g);
  }
  if (auto m = dyn_cast<MatMulOp>(op)) {
    auto a = shapeOf(m.getA()), b = shapeOf(m.getB());
    GemmLayer g;
    g.batches = a[0];
    g.IW = g.OW = a[1];
    g.IC = b[1];
    g.OC = b[2];
    g.inZp = m.getAZp();
    g.ppu = ppuTables(m, g.OC);
    FailureOr<int64_t> aAddr = dramAddr(m.getA()), bAddr = dramAddr(m.getB()),
                       outAddr = dramAddr(m.getOutput());
    if (failed(aAddr) || failed(bAddr) || failed(outAddr))
      return failure();
    const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
    const int64_t H = a[1], C = b[1], W = b[2];
    g.inAddr = [=](int64_t n) { return *aAddr + n * H * C; };
    g.outAddr = [=](int64_t n) { return *outAddr + n * H * W * outSize; };
    g.weightMatrixAddr = [=](int64_t n) { return *bAddr + n * C * W; };
    beginLayer(m, "matmul", a[0] * H * W * C);
    return lowerGemm(op, g);
  }
  if (auto d = dyn_cast<DepthwiseConv2DOp>(op))
    return lowerDepthwise(d);
  if (auto p = dyn_cast<PoolOp>(op))
    return lowerPool(p);
  if (auto e = dyn_cast<EltwiseOp>(op))
    return lowerEltwise(e);
  if (auto a = dyn_cast<AluOp>(op))
    return lowerAlu(a);
  if (auto r = dyn_cast<RescaleOp>(op))
    return lowerRescale(r);
  if (auto c = dyn_cast<ClampOp>(op))
    return lowerClamp(c);
  if (auto t = dyn_cast<TableOp>(op))
    return lowerTable(t);
  if (auto r = dyn_cast<ReduceOp>(op))
    return lowerReduce(r);
  if (auto r = dyn_cast<ReshapeOp>(op)) {
    // Aliased by the memory plan: no data moves, unless the input is a
    // constant or lives elsewhere.
    FailureOr<int64_t> from = dramAddr(r.getInput()),
                       to = dramAddr(r.getOutput());
    if (failed(from) || failed(to))
      return failure();
    if (*from == *to)
      return success();
    FailureOr<DramView> in = denseView(r.getInput()),
                        out = denseView(r.getOutput());
    DramView flatIn = *in, flatOut = *out;
    flatIn.shape = {in->numElements()};
    flatIn.strides = {in->elem};
    flatOut.shape = flatIn.shape;
    flatOut.strides = flatIn.strides;
    return lowerCopy(op, "reshape", {{flatIn, flatOut}});
  }
  if (auto t = dyn_cast<TransposeOp>(op)) {
    FailureOr<DramView> in = denseView(t.getInput()),
                        out = denseView(t.getOutput());
    if (failed(in) || failed(out))
      return failure();
    DramView from = *in;
    from.shape = out->shape;
    for (size_t d = 0; d < out->shape.size(); ++d)
      from.strides[d] = in->strides[t.getPerms()[d]];
    return lowerCopy(op, "transpose", {{from, *out}});
  }
  if (auto s = dyn_cast<SliceOp>(op)) {
    FailureOr<DramView> in = denseView(s.getInput()),
                        out = denseView(s.getOutput());
    if (failed(in) || failed(out))
      return failure();
    return lowerCopy(op, "slice", {{in->box(s.getStart(), out->shape), *out}});
  }
  if (auto c = dyn_cast<ConcatOp>(op)) {
    FailureOr<DramView> out = denseView(c.getOutput());
    if (failed(out))
      return failure();
    SmallVector<std::pair<DramView, DramView>, 4> copies;
    SmallVector<int64_t> start(out->shape.size(), 0);
    for (Value v : c.getInputs()) {
      FailureOr<DramView> in = denseView(v);
      if (failed(in))
        return failure();
      copies.push_back({*in, out->box(start, in->shape)});
      start[c.getAxis()] += in->shape[c.getAxis()];
    }
    return lowerCopy(op, "concat", copies);
  }
  if (auto p = dyn_cast<PadOp>(op))
    return lowerPad(p);
  return op->emitError("no instruction lowering for '") << op->getName() << "'";
}

//===----------------------------------------------------------------------===//
// Program assembly
//===----------------------------------------------------------------------===//

/// Name of function argument/result `i`: npu.name (set by the TFLite
/// importer) or iree.identifier, else the tf.entry_function list, else
/// argN / outputN.
std::string tensorName(func::FuncOp func, unsigned i, bool input) {
  DictionaryAttr attrs =
      input ? func.getArgAttrDict(i) : func.getResultAttrDict(i);
  if (attrs)
    for (StringRef key : {"npu.name", "iree.identifier"})
      if (auto id = attrs.getAs<StringAttr>(key))
        return id.str();
  if (auto entry = func->getAttrOfType<DictionaryAttr>("tf.entry_function"))
    if (auto list = entry.getAs<StringAttr>(input ? "inputs" : "outputs")) {
      SmallVector<StringRef> names;
      list.getValue().split(names, ',');
      if (i < names.size())
        return names[i].trim().str();
    }
  return (input ? "arg" : "output") + std::to_string(i);
}

/// Zero point of an input, from the first op that consumes it.
int32_t inputZeroPoint(Value arg) {
  for (Operation *user : arg.getUsers()) {
    if (auto r = dyn_cast<ReshapeOp>(user))
      return inputZeroPoint(r.getResult());
    if (auto a = user->getAttrOfType<IntegerAttr>("input_zp"))
      return static_cast<int32_t>(a.getInt());
    if (auto e = dyn_cast<EltwiseOp>(user))
      return e.getLhs() == arg ? e.getLhsZp() : e.getRhsZp();
  }
  return 0;
}

/// Zero point of an output, from the op that produces it.
int32_t outputZeroPoint(Value v) {
  Operation *def = v.getDefiningOp();
  while (auto r = dyn_cast_or_null<ReshapeOp>(def))
    def = r.getInput().getDefiningOp();
  if (!def)
    return 0;
  if (auto a = def->getAttrOfType<IntegerAttr>("output_zp"))
    return static_cast<int32_t>(a.getInt());
  return 0;
}

LogicalResult Lowering::run() {
  // Input and output declarations.
  for (BlockArgument arg : func.getArguments()) {
    FailureOr<int64_t> addr = dramAddr(arg);
    if (failed(addr))
      return failure();
    declareTensor(arg.getLoc(), tensorName(func, arg.getArgNumber(), true),
                  "input", arg.getType(), *addr, inputZeroPoint(arg),
                  func.getArgAttrDict(arg.getArgNumber()));
  }
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<int64_t> addr = dramAddr(v);
    if (failed(addr))
      return failure();
    declareTensor(v.getLoc(), tensorName(func, i, false), "output", v.getType(),
                  *addr, outputZeroPoint(v), func.getResultAttrDict(i));
  }
  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    if (failed(lowerOp(&op)))
      return failure();
  }
  builder.setInsertionPointToEnd(&program.getBody().front());
  auto halt =
      builder.create<LayerOp>(func.getLoc(), "halt", "control", 0, 0, 0, false);
  halt.getBody().emplaceBlock();
  builder.setInsertionPointToEnd(&halt.getBody().front());
  createInstr(builder, func.getLoc(), npuisa::Halt{});
  // Drop layers without instructions (aliased reshapes).
  for (LayerOp layer : llvm::make_early_inc_range(program.getOps<LayerOp>()))
    if (layer.getBody().front().empty())
      layer.erase();
  program.setDramSize(constTop);
  return success();
}

struct LowerToInstructionsPass
    : mlir::npu::impl::NpuLowerToInstructionsBase<LowerToInstructionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<::npu::ArchConfig> arch = getArchConfig(module);
    FailureOr<func::FuncOp> func = getEntryFunction(module);
    if (failed(arch) || failed(func))
      return signalPassFailure();
    auto arena = module->getAttrOfType<IntegerAttr>(kArenaAttrName);
    if (!arena) {
      module.emitError("no memory plan (run npu-plan-memory first)");
      return signalPassFailure();
    }
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<NamedAttribute> fields;
    for (const auto &[key, value] : ::npu::archProgramFields(*arch))
      fields.push_back(b.getNamedAttr(key, b.getStringAttr(value)));
    auto program = b.create<ProgramOp>(
        func->getLoc(), func->getName(), b.getDictionaryAttr(fields),
        arch->name, static_cast<int64_t>(::npu::archConfigHash(*arch)), 0);
    program.getBody().emplaceBlock();
    Lowering lowering(module, *func, program, *arch, arena.getInt());
    if (failed(lowering.run()))
      return signalPassFailure();
    func->erase();
  }
};

} // namespace

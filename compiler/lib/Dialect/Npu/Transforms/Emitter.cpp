//===- Emitter.cpp - DRAM segments, layers, instructions and DMA ----------===//
#include "Common.h"
#include "Lowering.h"

#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

npuisa::DType lowering::dtypeOf(Type type) {
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

std::vector<uint8_t> lowering::constantBytes(DenseIntElementsAttr attr) {
  const unsigned bytes = elemBytes(attr.getElementType());
  std::vector<uint8_t> out;
  out.reserve(attr.getNumElements() * bytes);
  for (const APInt &v : attr.getValues<APInt>()) {
    const uint64_t raw = v.getZExtValue();
    for (unsigned b = 0; b < bytes; ++b)
      out.push_back(static_cast<uint8_t>(raw >> (8 * b)));
  }
  return out;
}

std::vector<int64_t> lowering::constantInts(DenseIntElementsAttr attr) {
  std::vector<int64_t> out;
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(v.getSExtValue());
  return out;
}

int64_t DramView::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

DramView DramView::box(ArrayRef<int64_t> start, ArrayRef<int64_t> sizes) const {
  DramView v = *this;
  for (size_t d = 0; d < shape.size(); ++d)
    v.base += start[d] * strides[d];
  v.shape.assign(sizes.begin(), sizes.end());
  return v;
}

int64_t Box::numElements() const {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s;
  return n;
}

std::vector<Box> lowering::tileBoxes(ArrayRef<int64_t> shape,
                                     int64_t maxElems) {
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

namespace {

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

/// Layer name: the NameLoc of the source op if any, else kind + line.
std::string layerName(Operation *op, LayerKind kind, unsigned counter) {
  if (std::optional<std::string> name = sourceName(op))
    return *name;
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    loc = fused.getLocations().front(); // the source op of a fused chain
  const StringRef kindName = stringifyLayerKind(kind);
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return llvm::formatv("{0}_L{1}", kindName, file.getLine()).str();
  return llvm::formatv("{0}_{1}", kindName, counter).str();
}

/// The zero point the convolutions reading `v` pad it with.
int32_t haloValue(Value v) {
  for (Operation *user : v.getUsers()) {
    if (auto conv = dyn_cast<Conv2DOp>(user))
      return conv.getInputZp();
    if (auto dw = dyn_cast<DepthwiseConv2DOp>(user))
      return dw.getInputZp();
  }
  return 0;
}

// The DMA's field limits (dma.load and dma.store share their fields).
constexpr int64_t kMaxDmaRows = npuisa::fieldMax<npuisa::DmaLoad>("rows");
constexpr int64_t kMaxDmaCols = npuisa::fieldMax<npuisa::DmaLoad>("cols");
constexpr int64_t kMaxDmaRowStride =
    npuisa::fieldMax<npuisa::DmaLoad>("dram_row_stride");
constexpr int64_t kMaxDmaColStride =
    npuisa::fieldMax<npuisa::DmaLoad>("dram_col_stride");
constexpr int64_t kMaxSramRowStride =
    npuisa::fieldMax<npuisa::DmaLoad>("sram_row_stride");

/// Simplifies a view for DMA: drops unit dims, merges contiguous dims and
/// folds a contiguous innermost dim into the element size.
DramView simplify(const DramView &v) {
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
         out.elem * out.shape.back() <= kMaxDmaElemBytes) {
    out.elem *= out.shape.back();
    out.shape.pop_back();
    out.strides.pop_back();
  }
  return out;
}

template <typename Dma>
Dma dmaFields(Buffer buf, int64_t dram, int64_t rowStride, int64_t colStride,
              int64_t sram, int64_t sramRowStride, int64_t rows, int64_t cols,
              int64_t elem) {
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

} // namespace

//===----------------------------------------------------------------------===//
// ProgramEmitter
//===----------------------------------------------------------------------===//

ProgramEmitter::ProgramEmitter(func::FuncOp func, ProgramOp program,
                               const ::npu::ArchConfig &arch, int64_t arena)
    : func(func), program(program), archConfig(arch),
      builder(program.getBody()), constTop(alignTo(arena, kDramAlignment)),
      currentLoc(UnknownLoc::get(program.getContext())) {
  builder.setInsertionPointToEnd(&program.getBody().front());
}

int64_t ProgramEmitter::addSegment(const std::vector<uint8_t> &bytes,
                                   Location loc) {
  auto [it, added] = segmentAddrs.try_emplace(bytes, constTop);
  if (!added)
    return it->second;
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

Operation *ProgramEmitter::firstNonSegment() {
  for (Operation &op : program.getBody().front())
    if (!isa<SegmentOp, TensorOp>(op))
      return &op;
  return nullptr;
}

FailureOr<int64_t> ProgramEmitter::dramAddr(Value v) {
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

FailureOr<DramView> ProgramEmitter::denseView(Value v) {
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

FailureOr<DramView> ProgramEmitter::broadcastView(Value v,
                                                  ArrayRef<int64_t> out) {
  FailureOr<DramView> view = denseView(v);
  if (failed(view))
    return failure();
  for (size_t d = 0; d < out.size(); ++d)
    if (view->shape[d] == 1 && out[d] != 1)
      view->strides[d] = 0;
  view->shape.assign(out.begin(), out.end());
  return view;
}

/// TOSA carries no scales: scale 0 means "unknown" unless the importer
/// recorded npu.scale / npu.zero_point on the argument or result; otherwise
/// the zero point is the one given (from the ops that use the tensor).
void ProgramEmitter::declareTensor(Location loc, const std::string &name,
                                   TensorRole role, Type type, int64_t addr,
                                   int32_t zeroPoint, DictionaryAttr attrs) {
  double scale = 0.0;
  bool floatInterface = false;
  if (attrs) {
    if (auto s = attrs.getAs<FloatAttr>("npu.scale"))
      scale = s.getValueAsDouble();
    if (auto z = attrs.getAs<IntegerAttr>("npu.zero_point"))
      zeroPoint = static_cast<int32_t>(z.getInt());
    floatInterface = attrs.contains("npu.float_interface");
  }
  builder.create<TensorOp>(loc, builder.getStringAttr(name),
                           TensorRoleAttr::get(builder.getContext(), role),
                           TypeAttr::get(type), builder.getI64IntegerAttr(addr),
                           builder.getF64FloatAttr(scale),
                           builder.getI32IntegerAttr(zeroPoint),
                           floatInterface ? builder.getUnitAttr() : UnitAttr());
}

void ProgramEmitter::beginLayer(Operation *src, LayerKind kind, int64_t macs) {
  int64_t bound = 0, bits = 0;
  if (auto requant = dyn_cast<RequantOpInterface>(src)) {
    bound = requant.getAccBound().value_or(0);
    bits = requant.getAccBits().value_or(0);
  }
  builder.setInsertionPointToEnd(&program.getBody().front());
  ++layersBegun;
  auto layer = builder.create<LayerOp>(
      src->getLoc(), layerName(src, kind, layerCounter++), kind, macs, bound,
      static_cast<int32_t>(bits), bits > archConfig.array.accBits,
      /*id=*/nullptr);
  layer.getBody().emplaceBlock();
  builder.setInsertionPointToEnd(&layer.getBody().front());
  currentLoc = src->getLoc();
  if (src->getNumResults() == 1)
    if (std::optional<SramHome> home = getSramHome(src->getResult(0));
        home && !home->halo.empty())
      fillHalo(*home, haloValue(src->getResult(0)));
}

void ProgramEmitter::fillHalo(const SramHome &home, int32_t value) {
  // One padding-only dma.load writes `rows` rows of `bytes` bytes,
  // `pitch` apart, starting at `addr`.
  auto fill = [&](int64_t addr, int64_t bytes, int64_t rows, int64_t pitch) {
    if (bytes <= 0 || rows <= 0)
      return;
    for (int64_t r0 = 0; r0 < rows; r0 += kMaxDmaPad)
      for (int64_t b0 = 0; b0 < bytes; b0 += kMaxDmaElemBytes) {
        npuisa::DmaLoad d;
        d.buf = home.buf;
        d.sramAddr = static_cast<uint32_t>(addr + r0 * pitch + b0);
        d.sramRowStride = static_cast<uint32_t>(pitch);
        d.elemBytes =
            static_cast<uint32_t>(std::min(kMaxDmaElemBytes, bytes - b0));
        d.padTop = static_cast<uint32_t>(std::min(kMaxDmaPad, rows - r0));
        d.padLeft = 1;
        d.padValue = value;
        emit(d);
      }
  };
  const Halo &h = home.halo;
  const int64_t pix = home.pixPitch(), row = home.rowPitch();
  for (int64_t n = 0; n < home.shape.n; ++n) {
    // Top rows and the left halo of row 0 are contiguous; so are the right
    // halo of each row and the left halo of the next, and the right halo
    // of the last row and the bottom rows.
    fill(home.addr(n, -h.top, -h.left), h.top * row + h.left * pix, 1, 0);
    fill(home.addr(n, 0, home.shape.w), (h.right + h.left) * pix,
         home.shape.h - 1, row);
    fill(home.addr(n, home.shape.h - 1, home.shape.w),
         h.right * pix + h.bottom * row, 1, 0);
  }
}

void ProgramEmitter::emit(const npuisa::Instruction &instr) {
  createInstr(builder, currentLoc, instr);
}

void ProgramEmitter::finish(Location loc) {
  builder.setInsertionPointToEnd(&program.getBody().front());
  auto halt =
      builder.create<LayerOp>(loc, "halt", LayerKind::Control, 0, 0, 0, false,
                              /*id=*/nullptr);
  halt.getBody().emplaceBlock();
  builder.setInsertionPointToEnd(&halt.getBody().front());
  createInstr(builder, loc, npuisa::Halt{});
  // Drop layers without instructions (aliased reshapes).
  for (LayerOp layer : llvm::make_early_inc_range(program.getOps<LayerOp>()))
    if (layer.getBody().front().empty())
      layer.erase();
  program.setDramSize(constTop);
}

namespace {
/// The op's working area in `b` as (base, size), or the whole scratchpad.
std::pair<int64_t, int64_t> workArea(const WorkAreas &w, Buffer b,
                                     int64_t bytes) {
  if (b == Buffer::IBuf && w.ibufSize > 0)
    return {w.ibufBase, w.ibufSize};
  if (b == Buffer::OBuf && w.obufSize > 0)
    return {w.obufBase, w.obufSize};
  return {0, bytes};
}
} // namespace

std::pair<int64_t, int64_t> ProgramEmitter::layerHalf(Buffer b) const {
  const int64_t h = bufferBytes(b) / 2 / kSramAlignment * kSramAlignment;
  // The current layer is number layersBegun - 1; the first takes half 0.
  return {((layersBegun + 1) % 2) * h, h};
}

int64_t ProgramEmitter::half(Buffer b) const {
  const auto [base, bytes] = workArea(workAreas, b, bufferBytes(b));
  (void)base;
  return archConfig.sram.doubleBuffer
             ? bytes / 2 / kSramAlignment * kSramAlignment
             : bytes;
}

std::optional<int64_t> ProgramEmitter::takeIbufTail(int64_t bytes) {
  bytes = alignTo(bytes, kSramAlignment);
  if (bytes <= 0 || workAreas.ibufSize < bytes)
    return std::nullopt;
  workAreas.ibufSize -= bytes;
  return workAreas.ibufBase + workAreas.ibufSize;
}

int64_t ProgramEmitter::slot(Buffer b, int64_t i) const {
  const auto [base, bytes] = workArea(workAreas, b, bufferBytes(b));
  (void)bytes;
  return base + (archConfig.sram.doubleBuffer ? (i % 2) * half(b) : 0);
}

LogicalResult ProgramEmitter::transfer(const DramView &raw, Buffer buf,
                                       int64_t sramAddr, bool load) {
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
  if (v.elem > kMaxDmaElemBytes || rowStride > kMaxDmaRowStride ||
      colStride > kMaxDmaColStride || rowStride < 0 || colStride < 0 ||
      rowBytes > kMaxSramRowStride)
    return emitError(currentLoc, "tensor layout exceeds the DMA's field "
                                 "widths");
  int64_t sram = sramAddr;
  while (true) {
    int64_t base = v.base;
    for (size_t d = 0; d < lead; ++d)
      base += index[d] * v.strides[d];
    // Rows and columns beyond the DMA's counts take several DMAs.
    for (int64_t r0 = 0; r0 < rows; r0 += kMaxDmaRows)
      for (int64_t c0 = 0; c0 < cols; c0 += kMaxDmaCols) {
        const int64_t dram = base + r0 * rowStride + c0 * colStride;
        const int64_t at = sram + r0 * rowBytes + c0 * v.elem;
        const int64_t n = std::min(rows - r0, kMaxDmaRows);
        const int64_t m = std::min(cols - c0, kMaxDmaCols);
        if (load)
          emit(dmaFields<npuisa::DmaLoad>(buf, dram, rowStride, colStride, at,
                                          rowBytes, n, m, v.elem));
        else
          emit(dmaFields<npuisa::DmaStore>(buf, dram, rowStride, colStride, at,
                                           rowBytes, n, m, v.elem));
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

int64_t ProgramEmitter::loadConstant(const std::vector<uint8_t> &bytes,
                                     Buffer buf, int64_t sramAddr) {
  const int64_t addr = addSegment(bytes, currentLoc);
  DramView v;
  v.base = addr;
  v.shape = {static_cast<int64_t>(bytes.size())};
  v.strides = {1};
  v.elem = 1;
  (void)gather(v, buf, sramAddr);
  return addr;
}

//===- Lowering.h - Instruction emission for npu-lower-to-instructions ---===//
//
// Private to the npu transforms. ProgramEmitter builds one npu.program:
// DRAM segments, tensor declarations, layers and their instructions, and the
// strided DMA transfers between DRAM views and the scratchpads. The lowering
// of each graph op (one overload of lowerOp per op, grouped by family in
// Lower*.cpp) tiles the op to the scratchpads and emits through it; Ppu.cpp
// lays out the PPU's tables with the runtime's packPpuTables.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_LIB_DIALECT_NPU_TRANSFORMS_LOWERING_H
#define NPU_LIB_DIALECT_NPU_TRANSFORMS_LOWERING_H

#include "Common.h"
#include "SramHome.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Isa/Isa.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Verify.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <vector>

namespace mlir::npu::lowering {

namespace npuisa = ::npu::isa;
using npuisa::Buffer;

//===----------------------------------------------------------------------===//
// Instruction field limits shared by the lowerings
//===----------------------------------------------------------------------===//

/// Bytes of one DMA element (dma.load and dma.store share their fields).
inline constexpr int64_t kMaxDmaElemBytes =
    npuisa::fieldMax<npuisa::DmaLoad>("elem_bytes");
/// Elements of DMA padding on each side.
inline constexpr int64_t kMaxDmaPad =
    npuisa::fieldMax<npuisa::DmaLoad>("pad_top");
static_assert(kMaxDmaPad == npuisa::fieldMax<npuisa::DmaLoad>("pad_bottom") &&
              kMaxDmaPad == npuisa::fieldMax<npuisa::DmaLoad>("pad_left") &&
              kMaxDmaPad == npuisa::fieldMax<npuisa::DmaLoad>("pad_right"));
/// Channels and pixels of one ppu instruction.
inline constexpr int64_t kMaxPpuChannels =
    npuisa::fieldMax<npuisa::Ppu>("channels");
inline constexpr int64_t kMaxPpuPixels =
    npuisa::fieldMax<npuisa::Ppu>("pixels");

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Bytes of one element of a tensor type (or an element type).
inline unsigned elemBytes(Type type) {
  return (getElementTypeOrSelf(type).getIntOrFloatBitWidth() + 7) / 8;
}

/// The vector unit's element type of an integer tensor type.
npuisa::DType dtypeOf(Type type);

inline ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// Little-endian bytes of an integer constant.
std::vector<uint8_t> constantBytes(DenseIntElementsAttr attr);
std::vector<int64_t> constantInts(DenseIntElementsAttr attr);

/// An N-d strided view of DRAM: element idx at base + sum(idx[d]*strides[d]).
struct DramView {
  int64_t base = 0;
  SmallVector<int64_t> shape, strides;
  int64_t elem = 1;

  int64_t numElements() const;
  /// The sub-box starting at `start` with sizes `sizes`.
  DramView box(ArrayRef<int64_t> start, ArrayRef<int64_t> sizes) const;
};

/// A box of an N-d index space.
struct Box {
  SmallVector<int64_t> start, sizes;
  int64_t numElements() const;
};

/// Splits `shape` into boxes of at most `maxElems` elements: trailing dims
/// whole, one dim chunked, leading dims one at a time.
std::vector<Box> tileBoxes(ArrayRef<int64_t> shape, int64_t maxElems);

//===----------------------------------------------------------------------===//
// The emitter
//===----------------------------------------------------------------------===//

/// DRAM segments, tensors, layers and instructions of one npu.program.
class ProgramEmitter {
public:
  ProgramEmitter(func::FuncOp func, ProgramOp program,
                 const ::npu::ArchConfig &arch, int64_t arena);

  const ::npu::ArchConfig &arch() const { return archConfig; }
  /// Location of the layer being emitted.
  Location loc() const { return currentLoc; }

  //--- DRAM ---------------------------------------------------------------

  /// Places constant bytes after the arena; returns their DRAM address
  /// (the same address for the same bytes: a table reloaded per tile is
  /// stored once).
  int64_t addSegment(const std::vector<uint8_t> &bytes, Location loc);
  /// DRAM address of a tensor value (planned buffer or constant segment).
  FailureOr<int64_t> dramAddr(Value v);
  /// dramAddr, or 0 for a tensor with an on-chip home (never read then).
  FailureOr<int64_t> dramAddrOrZero(Value v) {
    if (getSramHome(v))
      return 0;
    return dramAddr(v);
  }
  /// The dense row-major view of a tensor value.
  FailureOr<DramView> denseView(Value v);
  /// Broadcast view of operand `v` against result shape `out`.
  FailureOr<DramView> broadcastView(Value v, ArrayRef<int64_t> out);
  /// Declares an input or output of the program.
  void declareTensor(Location loc, const std::string &name, TensorRole role,
                     Type type, int64_t addr, int32_t zeroPoint,
                     DictionaryAttr attrs);

  //--- Layers and instructions --------------------------------------------

  /// Starts the layer of graph op `src`; instructions go there until the
  /// next beginLayer. When `src`'s result has an on-chip home with a halo,
  /// first fills the halo with the zero point its convolutions pad with.
  void beginLayer(Operation *src, LayerKind kind, int64_t macs);
  /// Uses `work` as the op's IBUF and OBUF tile space (half() and slot()).
  void setWorkAreas(const WorkAreas &work) { workAreas = work; }
  const WorkAreas &currentWorkAreas() const { return workAreas; }
  /// Takes the last `bytes` of the op's IBUF working area out of it (tile
  /// slots use the rest) and returns their base; nullopt when the op has no
  /// working area that large.
  std::optional<int64_t> takeIbufTail(int64_t bytes);
  /// The current layer's half of WBUF or PBUF (layers alternate halves, so
  /// the next layer's weights and tables can load while this one computes)
  /// as (base, size).
  std::pair<int64_t, int64_t> layerHalf(Buffer b) const;
  /// Where `bytes` of the current layer's constants go in WBUF or PBUF: its
  /// half when they fit there, else address 0 (the whole buffer; the
  /// caller checks they fit it).
  int64_t layerConstantBase(Buffer b, int64_t bytes) const {
    const auto [base, size] = layerHalf(b);
    return bytes <= size ? base : 0;
  }
  /// WBUF bytes a layer's weights may take: its half (where weights that
  /// stay for the layer go), also without double buffering.
  int64_t weightHalf() const {
    return std::min(half(Buffer::WBuf), layerHalf(Buffer::WBuf).second);
  }
  void emit(const npuisa::Instruction &instr);
  /// Ends the program with the halt layer, drops empty layers and records
  /// the DRAM size.
  void finish(Location loc);

  //--- Scratchpads --------------------------------------------------------

  int64_t bufferBytes(Buffer b) const {
    return ::npu::bufferBytes(archConfig, b);
  }
  /// Capacity of a tile slot: half the op's working area in IBUF/OBUF, or
  /// half the scratchpad (the whole of either without double buffering).
  int64_t half(Buffer b) const;
  /// Base address of slot `i` (alternating halves).
  int64_t slot(Buffer b, int64_t i) const;
  /// Fills the halo of `home` with `value` (padding-only DMA loads).
  void fillHalo(const SramHome &home, int32_t value);

  //--- DMA ----------------------------------------------------------------

  /// DMAs copying `v` densely into `buf` at `sramAddr`.
  LogicalResult gather(const DramView &v, Buffer buf, int64_t sramAddr) {
    return transfer(v, buf, sramAddr, /*load=*/true);
  }
  /// DMAs copying `buf` at `sramAddr` densely out to `v`.
  LogicalResult scatter(Buffer buf, int64_t sramAddr, const DramView &v) {
    return transfer(v, buf, sramAddr, /*load=*/false);
  }
  /// Places constant bytes in DRAM and loads them into `buf` at `sramAddr`.
  int64_t loadConstant(const std::vector<uint8_t> &bytes, Buffer buf,
                       int64_t sramAddr);

private:
  LogicalResult transfer(const DramView &raw, Buffer buf, int64_t sramAddr,
                         bool load);
  /// Segments and tensor declarations come first in the program.
  Operation *firstNonSegment();

  func::FuncOp func;
  ProgramOp program;
  const ::npu::ArchConfig &archConfig;
  OpBuilder builder;
  int64_t constTop;
  llvm::DenseMap<Value, int64_t> constAddrs;
  /// DRAM address of each distinct constant segment's bytes.
  std::map<std::vector<uint8_t>, int64_t> segmentAddrs;
  WorkAreas workAreas;
  /// Layers begun so far.
  int64_t layersBegun = 0;
  unsigned layerCounter = 0;
  Location currentLoc;
};

//===----------------------------------------------------------------------===//
// Element-wise tensors on chip (OnChip.cpp)
//===----------------------------------------------------------------------===//

/// A tensor an element-wise op reads or writes in a scratchpad: element
/// (i0, i1, ...) of the op's index space at base + sum(i_d * strides[d])
/// elements.
struct OnChipTensor {
  Buffer buf = Buffer::IBuf;
  int64_t base = 0;
  npuisa::DType type = npuisa::DType::I8;
  SmallVector<int64_t> strides;
  /// A result staged in the OBUF working area, stored to DRAM afterwards.
  bool staged = false;
};

/// True when every operand of `op` is on chip or fits the op's IBUF working
/// area whole, and its result is on chip or fits its OBUF working area.
bool canRunOnChip(const ProgramEmitter &e, Operation *op);
/// Operand `v` broadcast to `shape`: in its home, or (constants and DRAM
/// tensors) loaded into the IBUF working area at `cursor`, which advances.
FailureOr<OnChipTensor> onChipOperand(ProgramEmitter &e, Value v,
                                      ArrayRef<int64_t> shape, int64_t &cursor);
/// Where result `v` is written: its home, or staged in the OBUF working area.
FailureOr<OnChipTensor> onChipResult(ProgramEmitter &e, Value v);
/// Stores a staged result to its DRAM buffer.
LogicalResult storeResult(ProgramEmitter &e, Value v, const OnChipTensor &t);
/// Cuts the index space `shape` into 2-d pieces of at most maxOuter x
/// maxInner (and maxElems in all) elements that every tensor addresses with
/// one outer and one inner stride; calls `fn` with one operand per tensor,
/// in order, and the piece's outer and inner counts.
LogicalResult forEachPiece(
    ProgramEmitter &e, ArrayRef<int64_t> shape,
    ArrayRef<const OnChipTensor *> tensors, int64_t maxOuter, int64_t maxInner,
    int64_t maxElems,
    llvm::function_ref<void(ArrayRef<npuisa::Operand>, int64_t, int64_t)> fn);

//===----------------------------------------------------------------------===//
// The PPU (Ppu.cpp)
//===----------------------------------------------------------------------===//

/// The requantization of `op` for `channels` output channels, in the form
/// npu-fold-rescale chose (per layer or per channel when it did not run),
/// without bias.
npuisa::PpuParams ppuParams(RequantOpInterface op, int64_t channels);
/// Appends the constant `bias` to `params`.
LogicalResult addBias(npuisa::PpuParams &params, Value bias);

/// Most channels whose tables fit PBUF at once (INT64_MAX when the tables
/// do not grow with the channel count).
int64_t ppuMaxChannels(const ProgramEmitter &e,
                       const npuisa::PpuParams &params);

/// Where a layer's PPU tables go: loaded once for all its channels, or per
/// output-channel group.
enum class TablePlacement { Layer, PerGroup, TooLarge };
TablePlacement placePpuTables(const ProgramEmitter &e,
                              const npuisa::PpuParams &params, int64_t channels,
                              int64_t groupChannels);

/// Loads the tables of channels [first, first + count) at PBUF 0 and emits
/// the ppu.cfg that reads them.
void loadPpuTables(ProgramEmitter &e, const npuisa::PpuParams &params,
                   int64_t first, int64_t count);

/// `params` of `channels` channels with the per-channel tables written
/// twice (channel c + channels is channel c): a ppu may then take two
/// pixels of a small channel count as one pixel of twice the channels.
npuisa::PpuParams repeatChannels(const npuisa::PpuParams &params,
                                 int64_t channels);

/// Emits ppu instructions for `pixels` x `channels` accumulators, splitting
/// them at the instruction's field limits.
void emitPpu(ProgramEmitter &e, int64_t srcAddr, int64_t srcStride,
             int64_t pixels, int64_t channels, int64_t chOffset, Buffer dst,
             int64_t dstAddr, int64_t dstStride, int64_t outSize);

//===----------------------------------------------------------------------===//
// Op lowerings
//===----------------------------------------------------------------------===//

// MAC layers on the systolic array (LowerMac.cpp).
LogicalResult lowerOp(ProgramEmitter &e, Conv2DOp op);
LogicalResult lowerOp(ProgramEmitter &e, FullyConnectedOp op);
LogicalResult lowerOp(ProgramEmitter &e, MatMulOp op);
// The vector unit's windowed ops (LowerVector.cpp).
LogicalResult lowerOp(ProgramEmitter &e, DepthwiseConv2DOp op);
/// True when a depthwise convolution runs faster as a convolution on the
/// array (one input channel) than on the vector unit (LowerMac.cpp).
bool depthwiseFasterOnArray(const ::npu::ArchConfig &arch,
                            DepthwiseConv2DOp op);
LogicalResult lowerDepthwiseOnArray(ProgramEmitter &e, DepthwiseConv2DOp op);
/// IBUF bytes a convolution (or depthwise convolution on the array) wants
/// for an im2col buffer: one input channel, where copying the windows into
/// rows of kh x kw bytes (vector unit) costs less than the extra array
/// passes of one pass per kernel row; 0 otherwise. npu-plan-sram reserves
/// them at the end of the op's working area.
int64_t im2colBytes(const ::npu::ArchConfig &arch, Operation *op);
/// IBUF bytes a 1x1 convolution on a small map wants for two chunks of
/// streamed weights when the cost model runs it activation stationary
/// (LowerMacTransposed.cpp); 0 otherwise. npu-plan-sram reserves them at
/// the end of the op's working area.
int64_t transposedWeightBytes(const ::npu::ArchConfig &arch, Operation *op);
LogicalResult lowerOp(ProgramEmitter &e, PoolOp op);
// Element-wise ops (LowerElementwise.cpp).
LogicalResult lowerOp(ProgramEmitter &e, EltwiseOp op);
LogicalResult lowerOp(ProgramEmitter &e, AluOp op);
LogicalResult lowerOp(ProgramEmitter &e, RescaleOp op);
LogicalResult lowerOp(ProgramEmitter &e, ClampOp op);
LogicalResult lowerOp(ProgramEmitter &e, TableOp op);
LogicalResult lowerOp(ProgramEmitter &e, ReduceOp op);
// TFLite's int8 softmax (LowerSoftmax.cpp).
LogicalResult lowerOp(ProgramEmitter &e, SoftmaxOp op);
// Data movement (LowerDataMovement.cpp).
LogicalResult lowerOp(ProgramEmitter &e, ReshapeOp op);
LogicalResult lowerOp(ProgramEmitter &e, TransposeOp op);
LogicalResult lowerOp(ProgramEmitter &e, SliceOp op);
LogicalResult lowerOp(ProgramEmitter &e, ConcatOp op);
LogicalResult lowerOp(ProgramEmitter &e, PadOp op);

} // namespace mlir::npu::lowering

#endif // NPU_LIB_DIALECT_NPU_TRANSFORMS_LOWERING_H

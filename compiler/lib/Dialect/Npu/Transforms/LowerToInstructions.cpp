//===- LowerToInstructions.cpp - Tiling and instruction emission ----------===//
//
// Turns the memory-planned graph of @main into an npu.program: declares its
// inputs and outputs, lowers each graph op to one layer of instructions and
// ends with the halt.
//
// * MAC layers (conv2d, fully_connected, matmul) become weight-stationary
//   gemm sequences on the array (LowerMac.cpp).
// * Depthwise convolution and pooling run on the vector unit per tile and
//   channel group (LowerVector.cpp).
// * Element-wise, rescale, table, clamp and reduction ops move tiles
//   through the scratchpads with strided DMA (LowerElementwise.cpp), layout
//   ops are DMA copies (LowerDataMovement.cpp).
//
// Tile sizes fit the scratchpads (halves when sram.double_buffer is set, so
// the next tile's loads can overlap this tile's compute) and the ISA's field
// widths. Consecutive tiles alternate halves; npu-schedule derives the
// dependency tokens from the resulting memory footprints. ProgramEmitter
// (Emitter.cpp) owns the program being built.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::npu {
#define GEN_PASS_DEF_NPULOWERTOINSTRUCTIONS
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;

namespace {

LogicalResult lowerGraphOp(ProgramEmitter &e, Operation *op) {
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case<Conv2DOp, FullyConnectedOp, MatMulOp, DepthwiseConv2DOp, PoolOp,
            EltwiseOp, AluOp, RescaleOp, ClampOp, TableOp, ReduceOp, SoftmaxOp,
            ReshapeOp, TransposeOp, SliceOp, ConcatOp, PadOp>(
          [&](auto graphOp) { return lowerOp(e, graphOp); })
      .Default([](Operation *op) {
        return op->emitError("no instruction lowering for '")
               << op->getName() << "'";
      });
}

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
    // A MAC op's activation operand (matmul's b has zero point 0).
    if (auto mac = dyn_cast<MacOpInterface>(user))
      return mac.getMacInput() == arg ? mac.getMacInputZp() : 0;
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

/// Lowers the body of `func` into `program`.
LogicalResult lowerFunction(func::FuncOp func, ProgramOp program,
                            const ::npu::ArchConfig &arch, int64_t arena) {
  ProgramEmitter e(func, program, arch, arena);
  // Input and output declarations.
  for (BlockArgument arg : func.getArguments()) {
    FailureOr<int64_t> addr = e.dramAddr(arg);
    if (failed(addr))
      return failure();
    e.declareTensor(arg.getLoc(), tensorName(func, arg.getArgNumber(), true),
                    TensorRole::Input, arg.getType(), *addr,
                    inputZeroPoint(arg),
                    func.getArgAttrDict(arg.getArgNumber()));
  }
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<int64_t> addr = e.dramAddr(v);
    if (failed(addr))
      return failure();
    e.declareTensor(v.getLoc(), tensorName(func, i, false), TensorRole::Output,
                    v.getType(), *addr, outputZeroPoint(v),
                    func.getResultAttrDict(i));
  }
  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    e.setWorkAreas(getWorkAreas(&op));
    if (failed(lowerGraphOp(e, &op)))
      return failure();
  }
  e.finish(func.getLoc());
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
    if (failed(lowerFunction(*func, program, *arch, arena.getInt())))
      return signalPassFailure();
    func->erase();
  }
};

} // namespace

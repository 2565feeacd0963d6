//===- EmitProgram.cpp - npu.program to prog.bin --------------------------===//
//
// The compiler writes binaries only through the runtime: this builds a
// ::npu::Program (the runtime's in-memory form) and the runtime's writer
// encodes it, so the compiler never restates the file format.
//
//===----------------------------------------------------------------------===//
#include "npu/Target/EmitProgram.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

FailureOr<::npu::ElementType> elementType(Operation *op, Type type) {
  auto i = dyn_cast<IntegerType>(type);
  if (i && i.getWidth() == 8)
    return i.isUnsigned() ? ::npu::ElementType::U8 : ::npu::ElementType::I8;
  if (i && i.getWidth() == 16)
    return ::npu::ElementType::I16;
  if (i && i.getWidth() == 32)
    return ::npu::ElementType::I32;
  return op->emitError("unsupported tensor element type ") << type;
}

std::string locationText(Location loc) {
  std::string text;
  loc->walk([&](Location l) {
    // Imported TFLite ops: "model.tflite: operator N (KIND)".
    if (auto name = dyn_cast<NameLoc>(l);
        name && isa<UnknownLoc>(name.getChildLoc()))
      text = name.getName().str();
    if (auto file = dyn_cast<FileLineColLoc>(l)) {
      text = llvm::formatv("{0}:{1}:{2}", file.getFilename().getValue(),
                           file.getLine(), file.getColumn())
                 .str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return text;
}

} // namespace

FailureOr<::npu::Program> mlir::npu::buildProgram(ProgramOp program) {
  ::npu::Program p;
  p.archName = program.getArchName().str();
  p.archHash = static_cast<uint64_t>(program.getArchHash());
  for (NamedAttribute field : program.getArch())
    p.archFields.emplace_back(field.getName().str(),
                              cast<StringAttr>(field.getValue()).str());
  p.dramSize = static_cast<uint64_t>(program.getDramSize());
  llvm::DenseMap<int64_t, uint32_t> layerIndex;

  for (Operation &op : program.getBody().front()) {
    if (auto seg = dyn_cast<SegmentOp>(op)) {
      auto data = cast<DenseIntElementsAttr>(seg.getData());
      ::npu::ConstSegment c;
      c.dramAddr = static_cast<uint64_t>(seg.getAddr());
      c.data.reserve(data.getNumElements());
      for (const APInt &v : data.getValues<APInt>())
        c.data.push_back(static_cast<uint8_t>(v.getZExtValue()));
      p.constants.push_back(std::move(c));
    } else if (auto t = dyn_cast<TensorOp>(op)) {
      auto type = cast<RankedTensorType>(t.getType());
      FailureOr<::npu::ElementType> elem =
          elementType(t, type.getElementType());
      if (failed(elem))
        return failure();
      ::npu::TensorDesc desc;
      desc.name = t.getName().str();
      desc.role = toRuntime(t.getRole());
      desc.type = *elem;
      desc.shape.assign(type.getShape().begin(), type.getShape().end());
      desc.scale = t.getScale().convertToDouble();
      desc.zeroPoint = t.getZeroPoint();
      desc.floatInterface = t.getFloatInterface();
      desc.dramAddr = static_cast<uint64_t>(t.getAddr());
      p.tensors.push_back(std::move(desc));
    } else if (auto layer = dyn_cast<LayerOp>(op)) {
      const auto first = static_cast<uint32_t>(p.instructions.size());
      for (Operation &inner : layer.getBody().front()) {
        auto instr = dyn_cast<InstrOp>(inner);
        if (!instr)
          return inner.emitError("only npu.instr may appear in a layer");
        ::npu::Result<::npu::isa::Instruction> decoded = toInstruction(instr);
        if (!decoded)
          return instr.emitError(decoded.error().getMessage());
        p.instructions.push_back(decoded.take());
      }
      if (layer.getKind() == LayerKind::Control)
        continue;
      // Pieces of one layer (same id) share its LayerInfo.
      uint32_t index = 0;
      std::optional<int64_t> id = layer.getId();
      if (auto it = id ? layerIndex.find(*id) : layerIndex.end();
          it != layerIndex.end()) {
        index = it->second;
      } else {
        ::npu::LayerInfo info;
        info.name = layer.getName().str();
        info.kind = stringifyLayerKind(layer.getKind()).str();
        info.macs = static_cast<uint64_t>(layer.getMacs());
        info.accBound = static_cast<uint64_t>(layer.getAccBound());
        info.accBitsNeeded = static_cast<uint32_t>(layer.getAccBits());
        info.mayOverflow = layer.getMayOverflow();
        p.layers.push_back(std::move(info));
        index = static_cast<uint32_t>(p.layers.size() - 1);
        if (id)
          layerIndex[*id] = index;
      }
      ::npu::DebugRange range;
      range.firstInstr = first;
      range.numInstrs = static_cast<uint32_t>(p.instructions.size()) - first;
      range.layer = index;
      range.location = locationText(layer.getLoc());
      if (range.numInstrs)
        p.debug.push_back(std::move(range));
    } else {
      return op.emitError("unexpected operation in npu.program");
    }
  }
  ::npu::Status valid = ::npu::verifyProgram(p);
  if (!valid)
    return program.emitError("emitted program is invalid: ")
           << valid.error().getMessage();
  return p;
}

FailureOr<::npu::Program> mlir::npu::buildModuleProgram(ModuleOp module) {
  auto programs = module.getOps<ProgramOp>();
  if (programs.empty())
    return module.emitError("no npu.program was produced");
  return buildProgram(*programs.begin());
}

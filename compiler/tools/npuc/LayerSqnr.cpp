//===- LayerSqnr.cpp - Output SQNR at each layer's own output -------------===//
#include "LayerSqnr.h"

#include "QuantEval.h"

#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace npuc {

namespace {

/// The layer an imported op belongs to: its NameLoc ("CONV_2D_3").
std::optional<std::string> layerOf(Operation *op) {
  return mlir::npu::sourceName(op);
}

func::FuncOp mainOf(ModuleOp module) {
  return module.lookupSymbol<func::FuncOp>("main");
}

/// The zero point of an int8 value: the output zero point of the rescale
/// that makes it, through clamps, casts and reshapes; 0 if there is none.
int32_t zeroPointOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto rescale = dyn_cast<tosa::RescaleOp>(def))
      return rescale.getOutputZp();
    if (!isa<tosa::ClampOp, tosa::CastOp, tosa::ReshapeOp>(def))
      break;
    v = def->getOperand(0);
  }
  return 0;
}

} // namespace

std::vector<std::string> macLayerNames(ModuleOp imported) {
  std::vector<std::string> names;
  func::FuncOp main = mainOf(imported);
  if (!main)
    return names;
  main.walk([&](Operation *op) {
    if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::FullyConnectedOp,
             tosa::TransposeConv2DOp, tosa::MatMulOp>(op))
      return;
    std::optional<std::string> name = layerOf(op);
    if (name && !llvm::is_contained(names, *name))
      names.push_back(*name);
  });
  return names;
}

OwningOpRef<ModuleOp> cutAfterLayer(ModuleOp imported,
                                    const std::string &layer) {
  OwningOpRef<ModuleOp> cut = imported.clone();
  func::FuncOp main = mainOf(*cut);
  if (!main || main.getBody().getBlocks().size() != 1)
    return nullptr;
  Block &body = main.getBody().front();
  // The layer's output: the last op it made (the importer defines the
  // operator's output last).
  Operation *last = nullptr;
  for (Operation &op : body)
    if (!isa<tosa::ConstOp>(op) && layerOf(&op) == layer)
      last = &op;
  if (!last || last->getNumResults() != 1)
    return nullptr;
  Value out = last->getResult(0);
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  ret->setOperands(out);
  main.setType(FunctionType::get(cut->getContext(), main.getArgumentTypes(),
                                 {out.getType()}));
  Builder b(cut->getContext());
  SmallVector<Attribute> attrs{b.getDictionaryAttr(
      {b.getNamedAttr("npu.name", b.getStringAttr(layer)),
       b.getNamedAttr("npu.zero_point",
                      b.getI32IntegerAttr(zeroPointOf(out)))})};
  main.setAllResultAttrs(attrs);
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (&op != ret && op.use_empty())
      op.erase();
  return cut;
}

::npu::Result<LayerSqnrs> layerOutputSqnr(ModuleOp imported,
                                          const CutCompiler &compile,
                                          const std::vector<Sample> &samples) {
  LayerSqnrs sqnr;
  for (const std::string &layer : macLayerNames(imported)) {
    OwningOpRef<ModuleOp> cut = cutAfterLayer(imported, layer);
    if (!cut)
      continue;
    ::npu::Result<::npu::Program> exact = compile(*cut, /*exact=*/true);
    if (!exact)
      return exact.error().withContext("layer " + layer + " (exact)");
    ::npu::Result<::npu::Program> program = compile(*cut, /*exact=*/false);
    if (!program)
      return program.error().withContext("layer " + layer);
    auto want = runSamples(*exact, samples);
    if (!want)
      return want.error();
    auto got = runSamples(*program, samples);
    if (!got)
      return got.error();
    sqnr.emplace_back(layer, noiseEnergy(*exact, *want, *got).sqnrDb());
  }
  return sqnr;
}

} // namespace npuc

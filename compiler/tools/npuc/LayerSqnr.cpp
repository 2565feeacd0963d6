//===- LayerSqnr.cpp - Output SQNR at each layer's own output -------------===//
#include "LayerSqnr.h"

#include "QuantEval.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/Isa.h"
#include "npu/Target/EmitProgram.h"

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

::npu::Result<LayerSqnrs> layerFloatSqnr(ModuleOp imported,
                                         const CutCompiler &compile,
                                         const std::vector<Sample> &samples,
                                         const FloatLayerValues &floatValues) {
  LayerSqnrs sqnr;
  auto quant = imported->getAttrOfType<DictionaryAttr>("npu.layer_outputs");
  if (!quant)
    return sqnr;
  std::vector<std::string> layers;
  std::vector<unsigned> operators;
  for (const std::string &layer : macLayerNames(imported)) {
    unsigned index = 0;
    if (!quant.get(layer) ||
        llvm::StringRef(layer).rsplit('_').second.getAsInteger(10, index))
      continue;
    layers.push_back(layer);
    operators.push_back(index);
  }
  auto want = floatValues(operators);
  if (!want)
    return want.error();
  for (size_t l = 0; l < layers.size(); ++l) {
    auto params = cast<ArrayAttr>(quant.get(layers[l]));
    const double scale = cast<FloatAttr>(params[0]).getValueAsDouble();
    const double zeroPoint = cast<FloatAttr>(params[1]).getValueAsDouble();
    OwningOpRef<ModuleOp> cut = cutAfterLayer(imported, layers[l]);
    if (!cut)
      continue;
    ::npu::Result<::npu::Program> program = compile(*cut, /*exact=*/false);
    if (!program)
      return program.error().withContext("layer " + layers[l]);
    auto got = runSamples(*program, samples);
    if (!got)
      return got.error();
    NoiseEnergy e;
    for (size_t s = 0; s < samples.size(); ++s) {
      const ::npu::Tensor &out = (*got)[s][0];
      const std::vector<float> &ref = (*want)[s][l];
      if (static_cast<int64_t>(ref.size()) != out.numElements())
        return ::npu::makeError("layer ", layers[l], ": the float model's ",
                                ref.size(), " values, the program's ",
                                out.numElements());
      for (int64_t i = 0; i < out.numElements(); ++i) {
        const double r = ref[i];
        const double d = r - scale * (double(out.getInt(i)) - zeroPoint);
        e.signal += r * r;
        e.noise += d * d;
      }
    }
    sqnr.emplace_back(layers[l], e.sqnrDb());
  }
  return sqnr;
}

::npu::Result<std::pair<LayerSqnrs, LayerSqnrs>>
measureLayerSqnr(ModuleOp imported, const CutPlan &plan, const CutPipeline &run,
                 const std::vector<Sample> &samples, bool againstExact,
                 const FloatLayerValues *floatValues) {
  // A plan names the points of the whole model's low-bit layers (or pass
  // groups) and their rescale modes in order; a cut model keeps some of
  // them.
  std::vector<std::string> planNames, layerNames;
  bool groups = false;
  const bool planned = !plan.points.empty() || !plan.rescale.empty();
  int maxPoints = 1;
  if (planned) {
    OwningOpRef<ModuleOp> graph = imported.clone();
    if (!run(*graph, false, true, &plan))
      return ::npu::makeError("the per-layer SQNR: the model does not "
                              "compile");
    planNames = mlir::npu::pointLayerNames(*graph);
    layerNames = mlir::npu::layerNames(mlir::npu::rescaleLayers(*graph));
    if (!plan.points.empty() && planNames.size() != plan.points.size()) {
      planNames = mlir::npu::pointGroupNames(*graph);
      groups = true;
    }
    if (FailureOr<::npu::ArchConfig> arch = mlir::npu::getArchConfig(*graph);
        succeeded(arch))
      maxPoints = static_cast<int>(::npu::isa::maxWeightPoints(
          static_cast<unsigned>(arch->array.weightBits)));
  }
  CutCompiler compile = [&](ModuleOp cut,
                            bool exact) -> ::npu::Result<::npu::Program> {
    CutPlan cutPlan;
    if (!exact && planned) {
      OwningOpRef<ModuleOp> graph = cut.clone();
      if (!run(*graph, true, true, nullptr))
        return ::npu::makeError("a cut model does not compile");
      if (!plan.points.empty())
        for (const std::string &name :
             groups ? mlir::npu::pointGroupNames(*graph)
                    : mlir::npu::pointLayerNames(*graph)) {
          auto at = llvm::find(planNames, name);
          cutPlan.points.push_back(
              at == planNames.end()
                  ? maxPoints
                  : plan.points[static_cast<size_t>(at - planNames.begin())]);
        }
      if (!plan.rescale.empty())
        for (const std::string &name :
             mlir::npu::layerNames(mlir::npu::rescaleLayers(*graph))) {
          auto at = llvm::find(layerNames, name);
          cutPlan.rescale.push_back(
              at == layerNames.end()
                  ? std::string("exact")
                  : plan.rescale[static_cast<size_t>(at - layerNames.begin())]);
        }
    }
    OwningOpRef<ModuleOp> m = cut.clone();
    if (!run(*m, exact, false, planned ? &cutPlan : nullptr))
      return ::npu::makeError("a cut model does not compile");
    FailureOr<::npu::Program> program = mlir::npu::buildModuleProgram(*m);
    if (failed(program))
      return ::npu::makeError("a cut model has no program");
    return std::move(*program);
  };
  std::pair<LayerSqnrs, LayerSqnrs> sqnr;
  if (againstExact) {
    auto measured = layerOutputSqnr(imported, compile, samples);
    if (!measured)
      return measured.error();
    sqnr.first = std::move(*measured);
  }
  if (floatValues) {
    auto measured = layerFloatSqnr(imported, compile, samples, *floatValues);
    if (!measured)
      return measured.error();
    sqnr.second = std::move(*measured);
  }
  return sqnr;
}

} // namespace npuc

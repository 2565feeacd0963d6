//===- Passes.h - npu dialect passes ----------------------------*- C++ -*-===//
#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_H
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_H

#include "npu/Arch/ArchConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/CommandLine.h"

#include <optional>
#include <string>

namespace mlir::npu {

/// How npu-requantize-weights re-expresses constant int8 weights (npuc
/// --rescale): unchanged (exact), with one scale per layer, or with one
/// scale per layer and a 4-bit power-of-two shift per output channel (WESS).
/// Auto is npuc's: the precision planner chooses one of the others per
/// layer (npuc --rescale=auto --precision-plan).
enum class RescaleMode { Exact, PerLayer, Wess, Auto };

/// "exact", "per-layer", "wess": the spelling of npuc --rescale.
inline llvm::StringRef rescaleModeName(RescaleMode mode) {
  switch (mode) {
  case RescaleMode::Exact:
    return "exact";
  case RescaleMode::PerLayer:
    return "per-layer";
  case RescaleMode::Wess:
    return "wess";
  case RescaleMode::Auto:
    return "auto";
  }
  return "?";
}

/// The mode spelled `name` (rescaleModeName's spellings), or nullopt.
inline std::optional<RescaleMode> parseRescaleMode(llvm::StringRef name) {
  for (RescaleMode mode : {RescaleMode::Exact, RescaleMode::PerLayer,
                           RescaleMode::Wess, RescaleMode::Auto})
    if (rescaleModeName(mode) == name)
      return mode;
  return std::nullopt;
}

/// The command-line values of a RescaleMode option (npuc --rescale, the
/// pipeline's and npu-requantize-weights' `rescale` / `mode`).
inline auto rescaleModeValues() {
  return llvm::cl::values(
      clEnumValN(RescaleMode::Exact, "exact",
                 "the model's own weights and scales (default)"),
      clEnumValN(RescaleMode::PerLayer, "per-layer",
                 "one weight scale per layer"),
      clEnumValN(RescaleMode::Wess, "wess",
                 "one scale per layer and a 4-bit shift per output channel "
                 "(WESS)"),
      clEnumValN(RescaleMode::Auto, "auto",
                 "chosen per layer by the precision planner (with a plan)"));
}

/// How many low-bit points a layer's int8 weights take on a 4-bit (2-bit)
/// array (npuc --weight-points): exact (all 2 (4), every weight
/// represented), a fixed count (the leading digits, rounded), or chosen per
/// group of output channels (auto).
enum class WeightPoints { Exact, One, Two, Three, Four, Auto };

/// The point count of a fixed WeightPoints value (nullopt for exact and
/// auto).
inline std::optional<int> fixedWeightPoints(WeightPoints points) {
  switch (points) {
  case WeightPoints::One:
    return 1;
  case WeightPoints::Two:
    return 2;
  case WeightPoints::Three:
    return 3;
  case WeightPoints::Four:
    return 4;
  default:
    return std::nullopt;
  }
}

/// The command-line values of a WeightPoints option.
inline auto weightPointsValues() {
  return llvm::cl::values(
      clEnumValN(WeightPoints::Exact, "exact",
                 "as many points as the weights need (default; two on a "
                 "4-bit array, four on a 2-bit one)"),
      clEnumValN(WeightPoints::One, "1", "one low-bit point per weight"),
      clEnumValN(WeightPoints::Two, "2",
                 "two points (exact for int8 on a 4-bit array)"),
      clEnumValN(WeightPoints::Three, "3", "three 2-bit points"),
      clEnumValN(WeightPoints::Four, "4", "four 2-bit points (exact for int8)"),
      clEnumValN(WeightPoints::Auto, "auto",
                 "more points only where the layer's weight SQNR budget "
                 "needs them"));
}

/// The layers npu-weight-points decomposes on a 4-bit array, in the order
/// its `plan` option counts them: convolutions and fully connected layers
/// with constant int8 weights (depthwise layers run on the vector unit).
SmallVector<Operation *> pointLayers(ModuleOp module);

/// The name the model gave `op` (the NameLoc of its location; of the source
/// op's location for a fused chain), if any: the layer names of reports.
inline std::optional<std::string> sourceName(Operation *op) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    loc = fused.getLocations().front();
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  return std::nullopt;
}

/// The names of `ops` (the model's, else op name and index in `ops`).
std::vector<std::string> layerNames(ArrayRef<Operation *> ops);

/// The names of pointLayers(module).
std::vector<std::string> pointLayerNames(ModuleOp module);

/// The layers whose mode a rescale plan sets (npu-requantize-weights'
/// `plan`), in order: MAC layers with constant int8 weights, depthwise
/// ones included (pointLayers without the depthwise exclusion).
SmallVector<Operation *> rescaleLayers(ModuleOp module);

/// A pass group of pointLayers(module): its layer (an index into
/// pointLayers), its share of the weight error one point leaves in that
/// layer, and its share of the layer's passes (each sums to 1 per layer).
struct PointGroup {
  size_t layer;
  double errorShare;
  double passShare;
};
/// The pass groups, in the order of pointGroupNames.
std::vector<PointGroup> pointGroups(ModuleOp module);

/// The pass groups of pointLayers(module) (array.cols output channels each,
/// one array pass), in the order a per-group `plan` counts them, named
/// "LAYER/gK".
std::vector<std::string> pointGroupNames(ModuleOp module);

/// Attribute npu-weight-points leaves on each layer it decomposes: the
/// number of points of each output channel (i32 array).
inline constexpr llvm::StringLiteral kWeightPointsAttrName =
    "npu.weight_points";

/// Attribute npu-requantize-weights leaves on each layer it re-quantizes:
/// the mode (rescaleModeName).
inline constexpr llvm::StringLiteral kRescaleAttrName = "npu.rescale";

/// Attribute npu-requantize-weights leaves on each layer it re-quantizes:
/// the SQNR (dB) of the new weights against the model's real weights.
inline constexpr llvm::StringLiteral kWeightSqnrAttrName = "npu.weight_sqnr_db";

#define GEN_PASS_DECL
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"

/// Name of the module attribute holding the ArchConfig.
inline constexpr llvm::StringLiteral kArchAttrName = "npu.arch";

/// Stores every field of `config` in the module's npu.arch attribute.
void setArchConfig(ModuleOp module, const ::npu::ArchConfig &config);

/// Reads the module's npu.arch attribute; emits an error on the module and
/// fails when it is missing or invalid.
FailureOr<::npu::ArchConfig> getArchConfig(ModuleOp module);

#define GEN_PASS_REGISTRATION
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"

} // namespace mlir::npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_PASSES_H

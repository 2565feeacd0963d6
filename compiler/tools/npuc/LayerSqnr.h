//===- LayerSqnr.h - Output SQNR at each layer's own output -----*- C++ -*-===//
//
// npuc --calib with --quant-report or -v: for every MAC layer, the imported
// model cut after that layer (its output made the only result) is compiled
// the way the command line compiles the model and the way the exact
// program is compiled; both run on the calibration samples (golden
// executor) and the SQNR of the cut output is the layer's output SQNR: the
// error of that layer and every layer before it, where the model-level
// figure sees only what reaches the model's output.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_TOOLS_NPUC_LAYERSQNR_H
#define NPU_TOOLS_NPUC_LAYERSQNR_H

#include "Calibration.h"

#include "npu/Program/Program.h"
#include "npu/Support/Result.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace npuc {

/// The names of the imported model's MAC layers (convolutions, fully
/// connected layers, matmuls), in program order.
std::vector<std::string> macLayerNames(mlir::ModuleOp imported);

/// `imported` with `layer`'s output as the only result of @main (the ops
/// nothing then reads removed); null if the layer has no single output.
mlir::OwningOpRef<mlir::ModuleOp> cutAfterLayer(mlir::ModuleOp imported,
                                                const std::string &layer);

/// (layer, output SQNR in dB or nullopt where exact), in program order.
using LayerSqnrs = std::vector<std::pair<std::string, std::optional<double>>>;

/// Compiles a cut module (`exact`: as the exact program; else as the
/// command line says).
using CutCompiler =
    std::function<npu::Result<npu::Program>(mlir::ModuleOp, bool exact)>;

/// Per layer: its output SQNR (dB) against the exact program's on
/// `samples`; nullopt where they are equal.
::npu::Result<LayerSqnrs> layerOutputSqnr(mlir::ModuleOp imported,
                                          const CutCompiler &compile,
                                          const std::vector<Sample> &samples);

/// A quantized float model's float values at the outputs of `operators`
/// (TFLite operator indices), per calibration sample, per operator.
using FloatLayerValues =
    std::function<::npu::Result<std::vector<std::vector<std::vector<float>>>>(
        const std::vector<unsigned> &operators)>;

/// Per layer of a quantized float model (`imported` carries
/// npu.layer_outputs): the SQNR of its cut program's dequantized output
/// (compiled as the command line says) against the float model's values
/// of that layer's output.
::npu::Result<LayerSqnrs> layerFloatSqnr(mlir::ModuleOp imported,
                                         const CutCompiler &compile,
                                         const std::vector<Sample> &samples,
                                         const FloatLayerValues &floatValues);

/// A per-unit plan: the weight-point plan (per layer or per pass group)
/// and the rescale plan (per layer; empty when not planned).
struct CutPlan {
  std::vector<int> points;
  std::vector<std::string> rescale;
};

/// Compiles `m` in place: exactly (`exact`), or as the command line says
/// with `plan` when given; `graphOnly` stops at the graph-level npu
/// dialect. False on an error.
using CutPipeline = std::function<bool(mlir::ModuleOp m, bool exact,
                                       bool graphOnly, const CutPlan *plan)>;

/// Both figures for every MAC layer: against the exact program (when
/// `againstExact`) and against the float model (when `floatValues`), the
/// cut models compiled by `run` with the command line's `plan` (of the
/// whole model) restricted to the layers each cut keeps.
::npu::Result<std::pair<LayerSqnrs, LayerSqnrs>>
measureLayerSqnr(mlir::ModuleOp imported, const CutPlan &plan,
                 const CutPipeline &run, const std::vector<Sample> &samples,
                 bool againstExact, const FloatLayerValues *floatValues);

} // namespace npuc

#endif // NPU_TOOLS_NPUC_LAYERSQNR_H

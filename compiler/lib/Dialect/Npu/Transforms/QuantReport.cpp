//===- QuantReport.cpp - Per-layer quantization report (JSON) -------------===//
//
// npuc --quant-report=FILE: after npu-fold-rescale and npu-acc-bound, one
// JSON object per MAC layer with what the compiler decided and what it can
// say without running the model: the rescale mode, weight bits, the PPU
// form, the 4-bit channel shifts k_c (min / mean / max), the weight bits
// and points per channel (npu-weight-points), the SQNR of the weights
// against the model's real weights (npu-requantize-weights and
// npu-weight-points; null when the model's own weights are kept) and the static
// accumulator bound and bits. Output-side figures (output SQNR, accuracy) need
// inputs and are measured by scripts/quant-eval. With `table` (npuc -v) the
// same entries are printed as a table on stderr.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/PpuTable.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUQUANTREPORT
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

/// {min, mean, max} of `values`; all `none` when there are none.
llvm::json::Object minMeanMax(ArrayRef<int32_t> values, int32_t none) {
  llvm::json::Object o;
  double sum = 0;
  for (int32_t v : values)
    sum += v;
  o["min"] = values.empty() ? none : *llvm::min_element(values);
  o["mean"] = values.empty() ? double(none) : sum / double(values.size());
  o["max"] = values.empty() ? none : *llvm::max_element(values);
  return o;
}

llvm::json::Object layerEntry(MacOpInterface mac, int64_t weightBits,
                              unsigned index) {
  Operation *op = mac.getOperation();
  auto requant = cast<RequantOpInterface>(op);
  llvm::json::Object entry;
  entry["name"] = sourceName(op).value_or(
      (op->getName().stripDialect() + "_" + llvm::Twine(index)).str());
  entry["op"] = op->getName().stripDialect().str();
  // Layers npu-requantize-weights leaves alone keep the model's weights.
  auto sqnr = op->getAttrOfType<FloatAttr>(kWeightSqnrAttrName);
  auto mode = op->getAttrOfType<StringAttr>(kRescaleAttrName);
  entry["mode"] = mode ? mode.getValue().str() : "exact";
  // npu-weight-points marks the layers that run 4-bit points (depthwise
  // layers keep int8 weights on the vector unit).
  auto points = op->getAttrOfType<DenseI32ArrayAttr>(kWeightPointsAttrName);
  entry["weight_bits"] = points ? weightBits : int64_t(8);
  entry["weight_points"] =
      minMeanMax(points ? points.asArrayRef() : ArrayRef<int32_t>{}, 1);
  entry["channels"] = mac.getMacWeightLayout().accumulators();
  if (std::optional<PpuForm> form = requant.getPpuForm())
    entry["ppu_form"] = std::string(::npu::isa::ppuFormName(toRuntime(*form)));
  std::optional<ArrayRef<int32_t>> k = requant.getKshift();
  entry["kshift"] = minMeanMax(k ? *k : ArrayRef<int32_t>{}, 0);
  // JSON has no infinity: an exact re-expression is reported as null with
  // "weights_exact": true.
  if (sqnr && std::isfinite(sqnr.getValueAsDouble()))
    entry["weight_sqnr_db"] = sqnr.getValueAsDouble();
  else
    entry["weight_sqnr_db"] = nullptr;
  entry["weights_exact"] = !sqnr || !std::isfinite(sqnr.getValueAsDouble());
  if (std::optional<int64_t> bound = requant.getAccBound())
    entry["acc_bound"] = *bound;
  if (std::optional<int32_t> bits = requant.getAccBits())
    entry["acc_bits"] = *bits;
  return entry;
}

/// The report's layers as a text table (npuc -v), from the same entries.
void printTable(const llvm::json::Array &layers, llvm::raw_ostream &os) {
  // One column layout for the header and the rows.
  constexpr const char *kRow =
      "{0,-40} {1,-18} {2,-10} {3,-12} {4,-12} {5,-6} {6,-12} {7,9} {8,8}\n";
  os << llvm::formatv(kRow, "layer", "op", "mode", "ppu form", "k min/mean/max",
                      "w bits", "points", "w SQNR", "acc bits");
  for (const llvm::json::Value &value : layers) {
    const llvm::json::Object &e = *value.getAsObject();
    auto range = [](const llvm::json::Object &o) {
      return llvm::formatv("{0}/{1:F1}/{2}", *o.getInteger("min"),
                           *o.getNumber("mean"), *o.getInteger("max"))
          .str();
    };
    std::string name = e.getString("name")->str();
    if (name.size() > 40)
      name = name.substr(0, 37) + "...";
    const std::string sqnr =
        e.getNumber("weight_sqnr_db")
            ? llvm::formatv("{0:F1} dB", *e.getNumber("weight_sqnr_db")).str()
            : std::string("exact");
    os << llvm::formatv(
        kRow, name, *e.getString("op"), *e.getString("mode"),
        e.getString("ppu_form").value_or("-"), range(*e.getObject("kshift")),
        *e.getInteger("weight_bits"), range(*e.getObject("weight_points")),
        sqnr, e.getInteger("acc_bits").value_or(0));
  }
}

struct QuantReportPass : mlir::npu::impl::NpuQuantReportBase<QuantReportPass> {
  using Base::Base;
  void runOnOperation() override {
    if (file.empty() && !table)
      return;
    ModuleOp module = getOperation();
    FailureOr<::npu::ArchConfig> config = getArchConfig(module);
    if (failed(config))
      return signalPassFailure();
    llvm::json::Array layers;
    unsigned index = 0;
    module.walk([&](MacOpInterface mac) {
      layers.push_back(layerEntry(mac, config->array.weightBits, index++));
    });
    llvm::json::Object report;
    report["arch"] = config->name;
    report["ppu_rescale"] =
        std::string(::npu::ppuRescaleName(config->ppu.rescale));
    report["array_acc_bits"] = config->array.accBits;

    if (table)
      printTable(layers, llvm::errs());
    report["layers"] = std::move(layers);
    if (file.empty())
      return;
    std::error_code error;
    llvm::raw_fd_ostream out(file, error, llvm::sys::fs::OF_Text);
    if (error) {
      module.emitError("cannot write the quantization report '")
          << file << "': " << error.message();
      return signalPassFailure();
    }
    out << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  }
};

} // namespace

//===- QuantReportOutput.cpp - npuc's model figures and plan out ----------===//
#include "QuantReportOutput.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>

using namespace npuc;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "npuc: " << message << "\n";
  return 1;
}

/// `v` as JSON: null when it is missing or not finite (JSON has no
/// infinities).
llvm::json::Value npuc::finiteOrNull(std::optional<double> v) {
  if (v && std::isfinite(*v))
    return *v;
  return nullptr;
}

/// Sets `key` of the quant report file (when one is written) to `value`,
/// and `perLayer`'s fields on the report's layers of the same name.
static int addToQuantReport(
    const npuc::ReportOutput &to, llvm::StringRef key, llvm::json::Object value,
    const std::map<std::string, llvm::json::Object> &perLayer = {}) {
  if (to.path.empty())
    return 0;
  auto text = llvm::MemoryBuffer::getFile(to.path);
  if (!text)
    return fail("cannot read '" + to.path + "'");
  llvm::Expected<llvm::json::Value> report =
      llvm::json::parse((*text)->getBuffer());
  if (!report || !report->getAsObject())
    return fail("'" + to.path + "' is not the quant report");
  (*report->getAsObject())[key] = std::move(value);
  if (llvm::json::Array *layers = report->getAsObject()->getArray("layers"))
    for (llvm::json::Value &layer : *layers) {
      llvm::json::Object *entry = layer.getAsObject();
      std::optional<llvm::StringRef> name =
          entry ? entry->getString("name") : std::nullopt;
      auto fields = name ? perLayer.find(name->str()) : perLayer.end();
      if (fields != perLayer.end())
        for (const auto &field : fields->second)
          (*entry)[field.first] = field.second;
    }
  std::error_code error;
  llvm::raw_fd_ostream out(to.path, error, llvm::sys::fs::OF_Text);
  if (error)
    return fail("cannot write '" + to.path + "': " + error.message());
  out << llvm::formatv("{0:2}", *report) << "\n";
  return 0;
}

/// Adds the model-level figures to the quant report (its "model" object)
/// and, with -v, prints them on stderr.
int npuc::reportQuantEval(const ReportOutput &to, const QuantEval &eval,
                          const std::optional<FloatEval> &vsFloat,
                          const LayerSqnrs &layerSqnr,
                          const LayerSqnrs &floatLayerSqnr) {
  const double samples = static_cast<double>(eval.samples);
  llvm::json::Object model;
  model["reference"] = "the exact program (the model's own weights and "
                       "scales), golden executor";
  model["inputs"] = static_cast<int64_t>(eval.samples);
  model["output_sqnr_db"] = finiteOrNull(eval.sqnrDb);
  model["outputs_exact"] = !eval.sqnrDb;
  model["top1_agreement"] = eval.agree / samples;
  if (eval.correct) {
    model["top1_accuracy"] = *eval.correct / samples;
    model["exact_top1_accuracy"] = *eval.exactCorrect / samples;
  }
  if (vsFloat) {
    model["float_reference"] = "the float32 model, run on the host "
                               "(npu-float-ref), dequantized outputs";
    model["float_samples"] = static_cast<int64_t>(vsFloat->samples);
    model["float_sqnr_db"] = finiteOrNull(vsFloat->sqnrDb);
    model["float_agreement"] =
        vsFloat->agree / static_cast<double>(vsFloat->samples);
  }
  if (to.verbose) {
    llvm::errs() << llvm::formatv(
        "model: {0} calibration inputs, output SQNR {1} against the exact "
        "program, top-1 agreement {2:P1}",
        eval.samples,
        eval.sqnrDb ? llvm::formatv("{0:F1} dB", *eval.sqnrDb).str()
                    : std::string("exact"),
        eval.agree / samples);
    if (vsFloat)
      llvm::errs() << llvm::formatv(
          "; against the float32 model: output SQNR {0}, top-1 agreement "
          "{1:P1}",
          vsFloat->sqnrDb ? llvm::formatv("{0:F1} dB", *vsFloat->sqnrDb).str()
                          : std::string("exact"),
          vsFloat->agree / static_cast<double>(vsFloat->samples));
    if (eval.correct)
      llvm::errs() << llvm::formatv(", top-1 accuracy {0:P1} (exact {1:P1})",
                                    *eval.correct / samples,
                                    *eval.exactCorrect / samples);
    llvm::errs() << "\n";
    for (const auto &[layer, sqnr] : layerSqnr)
      llvm::errs() << llvm::formatv(
          "  {0,-40} output SQNR {1} against the exact program\n", layer,
          sqnr ? llvm::formatv("{0:F1} dB", *sqnr).str()
               : std::string("exact"));
    for (const auto &[layer, sqnr] : floatLayerSqnr)
      llvm::errs() << llvm::formatv(
          "  {0,-40} output SQNR {1} against the float32 model\n", layer,
          sqnr ? llvm::formatv("{0:F1} dB", *sqnr).str()
               : std::string("exact"));
  }
  std::map<std::string, llvm::json::Object> perLayer;
  for (const auto &[layer, sqnr] : layerSqnr) {
    perLayer[layer]["output_sqnr_db"] = finiteOrNull(sqnr);
    perLayer[layer]["output_exact"] = !sqnr;
  }
  for (const auto &[layer, sqnr] : floatLayerSqnr)
    perLayer[layer]["float_output_sqnr_db"] = finiteOrNull(sqnr);
  return addToQuantReport(to, "model", std::move(model), perLayer);
}

/// Adds the precision plan to the quant report (its "plan" object) and,
/// with -v, prints it on stderr.
int npuc::reportPlan(const ReportOutput &to, const PlanResult &plan) {
  llvm::json::Object o;
  o["objective"] = to.objective == PlanObjective::Cycles ? "cycles" : "energy";
  o["error_budget_db"] = plan.budgetDb;
  o["margin_db"] = plan.marginDb;
  o["calibration_sqnr_db"] = plan.sqnrDb ? llvm::json::Value(*plan.sqnrDb)
                                         : llvm::json::Value(nullptr);
  o["cost"] = plan.cost;
  o["exact_cost"] = plan.exactCost;
  o["one_point_cost"] = plan.onePointCost;
  o["lambda"] = finiteOrNull(plan.lambda);
  o["units"] = plan.perGroup ? "pass groups" : "layers";
  o["refinements"] = plan.refinements;
  o["dual_rank_correlation"] = finiteOrNull(plan.rankCorrelation);
  llvm::json::Array layers;
  // The report's layer entries get their dual variable and brute-force
  // output SQNR too.
  std::map<std::string, llvm::json::Object> perLayer;
  for (const npuc::PlanLayer &l : plan.layers) {
    llvm::json::Object &fields = perLayer[l.name];
    fields["dual"] = finiteOrNull(l.dual);
    fields["alone_output_sqnr_db"] = finiteOrNull(l.aloneSqnrDb);
  }
  for (const npuc::PlanLayer &l : plan.layers) {
    llvm::json::Object e;
    e["name"] = l.name;
    e["points"] = l.hasPoints ? llvm::json::Value(l.choice.points)
                              : llvm::json::Value(nullptr);
    e["rescale"] = mlir::npu::rescaleModeName(l.choice.rescale).str();
    e["saving"] = l.saving;
    e["noise"] = l.noise;
    e["alone_sqnr_db"] = finiteOrNull(l.aloneSqnrDb);
    e["dual"] = finiteOrNull(l.dual);
    layers.push_back(std::move(e));
  }
  o["layers"] = std::move(layers);
  // The lists --weight-point-plan and --rescale-plan replay.
  llvm::json::Array points, modes;
  for (int p : plan.points)
    points.push_back(p);
  for (const npuc::PlanChoice &c : plan.choices)
    modes.push_back(mlir::npu::rescaleModeName(c.rescale).str());
  o["weight_point_plan"] = std::move(points);
  o["rescale_plan"] = std::move(modes);
  if (to.verbose) {
    constexpr const char *kRow = "{0,-40} {1,6} {2,10} {3,12} {4,14} {5,14}\n";
    llvm::errs() << llvm::formatv(kRow, "plan layer", "points", "rescale",
                                  "saving", "alone SQNR", "dual");
    for (const npuc::PlanLayer &l : plan.layers)
      llvm::errs() << llvm::formatv(
          kRow, l.name,
          l.hasPoints ? std::to_string(l.choice.points) : std::string("-"),
          mlir::npu::rescaleModeName(l.choice.rescale),
          llvm::formatv("{0:F0}", l.saving).str(),
          plan.perGroup   ? std::string("-")
          : l.aloneSqnrDb ? llvm::formatv("{0:F1} dB", *l.aloneSqnrDb).str()
                          : std::string("exact"),
          std::isfinite(l.dual) ? llvm::formatv("{0:E2}", l.dual).str()
                                : std::string("inf"));
    llvm::errs() << llvm::formatv(
        "plan: cost {0:F0} (exact {1:F0}, one point everywhere {2:F0}), "
        "calibration SQNR {3} for a {4:F1} dB budget + {5:F1} dB margin\n",
        plan.cost, plan.exactCost, plan.onePointCost,
        plan.sqnrDb ? llvm::formatv("{0:F1} dB", *plan.sqnrDb).str()
                    : std::string("exact"),
        plan.budgetDb, plan.marginDb);
  }
  return addToQuantReport(to, "plan", std::move(o), perLayer);
}

//===- QuantReportOutput.h - npuc's model figures and plan out --*- C++ -*-===//
//
// Adds the model-level figures (QuantEval.h) and the precision plan
// (PrecisionPlan.h) to the --quant-report file the pipeline wrote, and
// prints them on stderr with -v.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_TOOLS_NPUC_QUANTREPORTOUTPUT_H
#define NPU_TOOLS_NPUC_QUANTREPORTOUTPUT_H

#include "LayerSqnr.h"
#include "PrecisionPlan.h"
#include "QuantEval.h"

#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>

namespace npuc {

struct ReportOutput {
  std::string path; ///< the --quant-report file; empty: none
  bool verbose = false;
  PlanObjective objective = PlanObjective::Cycles;
};

/// `v` as JSON: null when it is missing or not finite (JSON has no
/// infinities).
llvm::json::Value finiteOrNull(std::optional<double> v);

/// The report's "model" object (and, for a quantized float32 model, its
/// figures against the float model), and each layer's output SQNR
/// (`output_sqnr_db`, LayerSqnr.h) and, for a quantized float model, its
/// output SQNR against the float model (`float_output_sqnr_db`) where
/// measured. Returns the exit status.
int reportQuantEval(const ReportOutput &to, const QuantEval &eval,
                    const std::optional<FloatEval> &vsFloat,
                    const LayerSqnrs &layerSqnr,
                    const LayerSqnrs &floatLayerSqnr);

/// The report's "plan" object and its per-layer fields.
int reportPlan(const ReportOutput &to, const PlanResult &plan);

} // namespace npuc

#endif // NPU_TOOLS_NPUC_QUANTREPORTOUTPUT_H

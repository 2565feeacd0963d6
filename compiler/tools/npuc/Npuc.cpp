//===- Npuc.cpp - The NPU compiler driver ---------------------------------===//
//
// npuc IN.mlir|IN.tflite -o prog.bin [--arch NAME|FILE] [--set k=v]...
//      [--emit=tosa|npu|npu-program|asm|bin] [--embed-input NAME=FILE.npy]...
//
// Parses a TOSA int8 network (or imports an int8 TFLite model into TOSA,
// see npu/Import/Tflite.h), runs the npu compile pipeline
// (npu/Pipeline/CompilePipeline.h) and writes a prog.bin through the
// runtime. MLIR's debugging flags (--mlir-print-ir-after-all, --mlir-timing,
// --mlir-pass-statistics, ...) apply; --help lists them and npuc's own
// options only. Every error is one line "file:line:col: error: message" and
// the exit status is 1.
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Import/Tflite.h"
#include "npu/Isa/Encoding.h"
#include "npu/Pipeline/CompilePipeline.h"
#include "npu/Program/Estimate.h"
#include "npu/Program/TensorIO.h"
#include "npu/Target/EmitProgram.h"

#include "Calibration.h"
#include "LayerSqnr.h"
#include "PlanPoints.h"
#include "PrecisionPlan.h"
#include "QuantEval.h"
#include "QuantReportOutput.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory npucCategory("npuc options");

cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<input .mlir or .tflite>"),
                               cl::cat(npucCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(npucCategory));
cl::opt<std::string> archOption("arch",
                                cl::desc("Target: preset name or YAML file"),
                                cl::init("npu-base"), cl::cat(npucCategory));
cl::list<std::string> setOptions("set",
                                 cl::desc("Override an ArchConfig field "
                                          "(key=value)"),
                                 cl::cat(npucCategory));
cl::list<std::string>
    embedInputs("embed-input",
                cl::desc("Embed NAME=FILE.npy as the default data of an input"),
                cl::cat(npucCategory));

cl::opt<bool> scheduleReport(
    "schedule-report",
    cl::desc("Print the cost model's estimate per layer (cycles, DRAM "
             "bytes, where inputs, outputs and weights live) on stdout"),
    cl::cat(npucCategory));

cl::opt<bool> listTfliteOperators(
    "list-tflite-operators",
    cl::desc("Print the TFLite builtin operators the importer supports, one "
             "per line, and exit"),
    cl::cat(npucCategory));

cl::opt<bool> cascadeOption(
    "cascade",
    cl::desc("Run chains of convolutions whose intermediates do not fit on "
             "chip band by band (default on; --cascade=false keeps whole "
             "layers and spills)"),
    cl::init(true), cl::cat(npucCategory));

cl::opt<mlir::npu::RescaleMode> rescaleOption(
    "rescale",
    cl::desc("Weight quantization of MAC layers (see docs/quantization.md)"),
    cl::init(mlir::npu::RescaleMode::Exact), mlir::npu::rescaleModeValues(),
    cl::cat(npucCategory));

cl::opt<mlir::npu::WeightPoints> weightPointsOption(
    "weight-points",
    cl::desc("Low-bit points per int8 weight on a 4-bit or 2-bit array "
             "(array.weight_bits=4 or 2; see docs/quantization.md)"),
    cl::init(mlir::npu::WeightPoints::Exact), mlir::npu::weightPointsValues(),
    cl::cat(npucCategory));

cl::opt<double> weightPointBudgetOption(
    "weight-point-budget",
    cl::desc("--weight-points=auto: the weight SQNR (dB) every layer must "
             "reach (default 30)"),
    cl::value_desc("DB"), cl::init(30.0), cl::cat(npucCategory));

cl::opt<npuc::PlanObjective> precisionPlanOption(
    "precision-plan",
    cl::desc("Choose one or two 4-bit points per layer for the lowest cost "
             "that keeps --error-budget on the --calib inputs"),
    cl::values(clEnumValN(npuc::PlanObjective::Cycles, "cycles",
                          "the cost model's cycles"),
               clEnumValN(npuc::PlanObjective::Energy, "energy",
                          "array MAC and DRAM energy")),
    cl::cat(npucCategory));

cl::opt<double> errorBudgetOption(
    "error-budget",
    cl::desc("--precision-plan, or --weight-points=auto per pass group: the "
             "lowest output SQNR (dB) against the exact program"),
    cl::value_desc("DB"), cl::cat(npucCategory));

cl::opt<double> planMarginOption(
    "plan-margin",
    cl::desc("--precision-plan: the calibration inputs must reach the "
             "budget plus this many dB (default 1), so that others keep it"),
    cl::value_desc("DB"), cl::init(1.0), cl::cat(npucCategory));

cl::list<std::string> rescalePlanOption(
    "rescale-plan",
    cl::desc("With --rescale=auto: the mode (exact, per-layer or wess) of "
             "each planned layer in order, e.g. from a quant report's "
             "\"plan\""),
    cl::value_desc("M1,M2,..."), cl::CommaSeparated, cl::cat(npucCategory));

cl::list<int> weightPointPlanOption(
    "weight-point-plan",
    cl::desc("Points (1 or 2) of each 4-bit layer in order, e.g. a plan "
             "from a quant report's \"plan\" (replaces --weight-points)"),
    cl::value_desc("P1,P2,..."), cl::CommaSeparated, cl::cat(npucCategory));

cl::opt<std::string> quantReportOption(
    "quant-report",
    cl::desc("Write the per-layer quantization report (JSON) to FILE"),
    cl::value_desc("FILE"), cl::cat(npucCategory));

cl::opt<bool> verboseOption(
    "v",
    cl::desc("Print the per-layer quantization table (the --quant-report "
             "content) on stderr"),
    cl::cat(npucCategory));

cl::opt<std::string> calibOption(
    "calib",
    cl::desc("Calibration inputs (DIR of .npy, or FILE.npy: one input or a "
             "batch along axis 0): a float32 model is quantized from them; "
             "the quant report and the planners measure on them"),
    cl::value_desc("FILE|DIR"), cl::cat(npucCategory));

cl::opt<mlir::npu::TfliteCalibration::Range> calibRangeOption(
    "calib-range",
    cl::desc("Float32 models: the activation range each tensor is quantized "
             "to"),
    cl::init(mlir::npu::TfliteCalibration::Range::MinMax),
    cl::values(clEnumValN(mlir::npu::TfliteCalibration::Range::MinMax, "minmax",
                          "the calibration inputs' min and max"),
               clEnumValN(mlir::npu::TfliteCalibration::Range::Percentile,
                          "percentile",
                          "--calib-percentile and its mirror (clips "
                          "outliers)")),
    cl::cat(npucCategory));

cl::opt<double> calibPercentileOption(
    "calib-percentile",
    cl::desc("--calib-range=percentile: the percentile kept (default "
             "99.99)"),
    cl::value_desc("P"), cl::init(99.99), cl::cat(npucCategory));

cl::opt<std::string> labelsOption(
    "labels",
    cl::desc("Class labels of the calibration inputs (one per line, or CSV "
             "with the label last): adds top-1 accuracy to the quant report"),
    cl::value_desc("FILE"), cl::cat(npucCategory));

enum class Emit { Tosa, Npu, NpuProgram, Asm, Bin };
cl::opt<Emit> emitOption(
    "emit", cl::desc("What to write"), cl::init(Emit::Bin),
    cl::values(clEnumValN(Emit::Tosa, "tosa", "the input TOSA"),
               clEnumValN(Emit::Npu, "npu", "graph-level npu dialect"),
               clEnumValN(Emit::NpuProgram, "npu-program",
                          "instruction-level npu dialect"),
               clEnumValN(Emit::Asm, "asm", "disassembled program"),
               clEnumValN(Emit::Bin, "bin", "prog.bin")),
    cl::cat(npucCategory));

/// Prints diagnostics as single lines "file:line:col: severity: message".
class OneLineDiagnostics {
public:
  explicit OneLineDiagnostics(MLIRContext &context)
      : handler(&context, [this](Diagnostic &diag) {
          print(diag);
          return success();
        }) {}

  bool hadError() const { return errors > 0; }
  /// Drops warnings (a second compile of the same model repeats them).
  void setQuietWarnings(bool quiet) { quietWarnings = quiet; }

private:
  void print(Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Note ||
        (quietWarnings && diag.getSeverity() == DiagnosticSeverity::Warning))
      return;
    std::string where = "npuc";
    diag.getLocation()->walk([&](Location l) {
      // Imported TFLite ops: "model.tflite: operator N (KIND)".
      if (auto name = dyn_cast<NameLoc>(l);
          name && isa<UnknownLoc>(name.getChildLoc()))
        where = name.getName().str();
      if (auto file = dyn_cast<FileLineColLoc>(l)) {
        where =
            (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine()) +
             ":" + llvm::Twine(file.getColumn()))
                .str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    const char *severity =
        diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
        : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                            : "remark";
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    std::string message = diag.str();
    for (char &c : message)
      if (c == '\n')
        c = ' ';
    llvm::errs() << where << ": " << severity << ": " << message << "\n";
  }

  ScopedDiagnosticHandler handler;
  int errors = 0;
  bool quietWarnings = false;
};

/// The MLIR options --help shows besides npuc's own: printing the IR around
/// passes, timing and statistics, and how the IR prints. Every other
/// option (LLVM's code generators, MLIR's other flags) stays accepted but
/// hidden.
void showOnlyNpucAndDebugOptions() {
  static cl::OptionCategory debugCategory("MLIR debugging options");
  static const char *const kDebugPrefixes[] = {
      "mlir-print-ir",        "mlir-timing",
      "mlir-pass-statistics", "mlir-elide-elementsattrs-if-larger",
      "mlir-print-debuginfo", "mlir-disable-threading",
      "mlir-pretty-debuginfo"};
  for (auto &entry : cl::getRegisteredOptions()) {
    StringRef name = entry.getKey();
    if (llvm::any_of(kDebugPrefixes, [&](const char *prefix) {
          return name.starts_with(prefix);
        }))
      entry.getValue()->addCategory(debugCategory);
  }
  cl::HideUnrelatedOptions({&npucCategory, &debugCategory});
}

int fail(const llvm::Twine &message) {
  llvm::errs() << "npuc: " << message << "\n";
  return 1;
}

} // namespace

/// The cost model's per-layer table (npuc --schedule-report).
static void printScheduleReport(llvm::raw_ostream &os,
                         const ::npu::ProgramEstimate &estimate) {
  auto where = [](uint64_t dramBytes) {
    return dramBytes ? "dram" : "sram";
  };
  os << llvm::formatv("{0,-32} {1,-18} {2,10} {3,8} {4,8} {5,8} {6,10} "
                      "{7,-5} {8,-5} {9,9}\n",
                      "layer", "kind", "cycles", "load", "compute", "store",
                      "DRAM B", "in", "out", "weight B");
  for (const ::npu::LayerEstimate &l : estimate.layers)
    os << llvm::formatv("{0,-32} {1,-18} {2,10} {3,8} {4,8} {5,8} {6,10} "
                        "{7,-5} {8,-5} {9,9}\n",
                        l.name, l.kind, l.cycles, l.loadCycles, l.computeCycles,
                        l.storeCycles, l.dramReadBytes + l.dramWriteBytes,
                        where(l.placement.input.dram()),
                        where(l.placement.output.dram()),
                        l.placement.weights.dram() + l.placement.tables.dram());
  os << llvm::formatv("predicted cycles {0}, DRAM bytes {1}\n",
                      estimate.cycles, estimate.dramBytes);
}

/// The target and tiling options of the command line (--arch, --set,
/// --cascade), shared by the compile and the exact compile --calib adds.
static void setTargetOptions(mlir::npu::NpuCompilePipelineOptions &options) {
  options.arch = archOption.getValue();
  options.overrides = ArrayRef<std::string>(
      std::vector<std::string>(setOptions.begin(), setOptions.end()));
  options.cascade = cascadeOption.getValue();
}

/// The program the pipeline left in `module` (an error when there is
/// none).
static FailureOr<::npu::Program> programOf(ModuleOp module) {
  return mlir::npu::buildModuleProgram(module);
}

/// Where --quant-report and -v send the model figures and the plan.
static npuc::ReportOutput reportOutput() {
  return {quantReportOption.getValue(), verboseOption.getValue(),
          precisionPlanOption.getValue()};
}

/// Runs the compile pipeline with `options` on `m` in place, warnings
/// dropped (the main compile already showed them); false on an error.
static bool
compileQuietly(MLIRContext &context, OneLineDiagnostics &diagnostics,
               ModuleOp m,
               const mlir::npu::NpuCompilePipelineOptions &options) {
  PassManager pm(&context);
  mlir::npu::buildNpuCompilePipeline(pm, options);
  diagnostics.setQuietWarnings(true);
  const bool ok = succeeded(pm.run(m)) && !diagnostics.hadError();
  diagnostics.setQuietWarnings(false);
  return ok;
}

/// npuc --precision-plan (PlanPoints.h) with the command line's target,
/// --calib and budget.
static ::npu::Result<npuc::PlanResult>
planPoints(MLIRContext &context, OneLineDiagnostics &diagnostics,
           ModuleOp module, const mlir::npu::NpuCompilePipelineOptions &base) {
  npuc::PlanRequest request{precisionPlanOption.getValue(),
                            errorBudgetOption.getValue(),
                            planMarginOption.getValue(), calibOption};
  npuc::ClonePipeline compile =
      [&](ModuleOp m, mlir::npu::NpuCompilePipelineOptions &options) {
        setTargetOptions(options);
        return compileQuietly(context, diagnostics, m, options);
      };
  return npuc::planPoints(module, base, request, compile);
}

/// Output SQNR at each MAC layer's own output (LayerSqnr.h), with the
/// command line's target and `pipeline`'s choices.
static ::npu::Result<std::pair<npuc::LayerSqnrs, npuc::LayerSqnrs>>
measureLayerSqnr(MLIRContext &context, OneLineDiagnostics &diagnostics,
                 ModuleOp imported,
                 const mlir::npu::NpuCompilePipelineOptions &pipeline,
                 const std::vector<npuc::Sample> &samples, bool againstExact,
                 const npuc::FloatLayerValues *floatValues) {
  npuc::CutPipeline run = [&](ModuleOp m, bool exact, bool graphOnly,
                              const npuc::CutPlan *plan) {
    mlir::npu::NpuCompilePipelineOptions options;
    setTargetOptions(options);
    options.graphOnly = graphOnly;
    if (!exact) {
      options.rescale = pipeline.rescale.getValue();
      options.weightPoints = pipeline.weightPoints.getValue();
      options.weightPointBudget = pipeline.weightPointBudget.getValue();
      if (plan) {
        options.weightPointPlan = ArrayRef<int>(plan->points);
        options.rescalePlan = ArrayRef<std::string>(plan->rescale);
      }
    }
    return compileQuietly(context, diagnostics, m, options);
  };
  npuc::CutPlan plan;
  plan.points.assign(pipeline.weightPointPlan.begin(),
                     pipeline.weightPointPlan.end());
  plan.rescale.assign(pipeline.rescalePlan.begin(), pipeline.rescalePlan.end());
  return npuc::measureLayerSqnr(imported, plan, run, samples, againstExact,
                                floatValues);
}

/// Imports a .tflite model; a float32 one (`floatModel` set) is quantized
/// from --calib.
static llvm::Expected<OwningOpRef<ModuleOp>>
importTflite(StringRef bytes, MLIRContext &context, bool &floatModel,
             std::optional<mlir::npu::TfliteCalibration> &calibration) {
  llvm::Expected<mlir::npu::TfliteSignature> signature =
      mlir::npu::readTfliteSignature(bytes, inputFile);
  if (!signature)
    return signature.takeError();
  floatModel = signature->computesInFloat;
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   message.str());
  };
  if (!floatModel && (calibRangeOption.getNumOccurrences() ||
                      calibPercentileOption.getNumOccurrences()))
    return error("--calib-range and --calib-percentile apply to float32 "
                 "models; '" +
                 inputFile + "' is already quantized");
  if (calibPercentileOption.getNumOccurrences() &&
      calibRangeOption != mlir::npu::TfliteCalibration::Range::Percentile)
    return error("--calib-percentile needs --calib-range=percentile");
  if (floatModel && !calibOption.empty()) {
    ::npu::Result<mlir::npu::TfliteCalibration> loaded =
        npuc::loadFloatCalibration(*signature, calibOption);
    if (!loaded)
      return error(loaded.error().getMessage());
    calibration = std::move(*loaded);
    calibration->range = calibRangeOption.getValue();
    calibration->percentile = calibPercentileOption.getValue();
  }
  return mlir::npu::importTflite(bytes, inputFile, context,
                                 calibration ? &*calibration : nullptr);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  showOnlyNpucAndDebugOptions();
  cl::ParseCommandLineOptions(argc, argv, "NPU compiler\n");
  if (listTfliteOperators) {
    for (const mlir::npu::TfliteOperator &op :
         mlir::npu::supportedTfliteOperators())
      llvm::outs() << op.name << "\n";
    return 0;
  }
  if (inputFile.empty())
    return fail("error: no input file (npuc MODEL.mlir|MODEL.tflite -o prog.bin)");

  DialectRegistry registry;
  registry.insert<mlir::npu::NpuDialect, tosa::TosaDialect, func::FuncDialect,
                  arith::ArithDialect, tensor::TensorDialect>();
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  context.printStackTraceOnDiagnostic(false);
  OneLineDiagnostics diagnostics(context);

  llvm::SourceMgr sourceMgr;
  std::string openError;
  auto buffer = openInputFile(inputFile, &openError);
  if (!buffer)
    return fail("cannot open '" + inputFile + "': " + openError);
  OwningOpRef<ModuleOp> module;
  bool floatModel = false;
  std::optional<mlir::npu::TfliteCalibration> floatCalibration;
  // The float model a float32 .tflite (or float TOSA) input is run as.
  std::string modelBytes = buffer->getBuffer().str();
  if (mlir::npu::isTfliteBuffer(buffer->getBuffer()) ||
      StringRef(inputFile).ends_with(".tflite")) {
    auto imported = importTflite(buffer->getBuffer(), context, floatModel,
                                 floatCalibration);
    if (!imported)
      return fail("error: " + llvm::toString(imported.takeError()));
    module = std::move(*imported);
  } else {
    sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1;
    // A float32 TOSA model becomes the float32 TFLite model computing the
    // same function, quantized like one.
    if (mlir::npu::isFloatTosa(*module)) {
      FailureOr<std::string> converted = mlir::npu::floatTosaToTflite(*module);
      if (failed(converted))
        return 1; // the diagnostic names the op
      modelBytes = std::move(*converted);
      auto imported =
          importTflite(modelBytes, context, floatModel, floatCalibration);
      if (!imported)
        return fail("error: " + llvm::toString(imported.takeError()));
      module = std::move(*imported);
    } else if (calibRangeOption.getNumOccurrences() ||
               calibPercentileOption.getNumOccurrences()) {
      return fail("--calib-range and --calib-percentile apply to float32 "
                  "models");
    }
  }

  std::string errorMessage;
  auto output = openOutputFile(outputFile, &errorMessage);
  if (!output)
    return fail(errorMessage);

  if (emitOption == Emit::Tosa) {
    module->print(output->os());
    output->keep();
    return 0;
  }

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  pm.enableTiming(timing);
  mlir::npu::NpuCompilePipelineOptions pipeline;
  setTargetOptions(pipeline);
  pipeline.graphOnly = emitOption == Emit::Npu;
  pipeline.rescale = rescaleOption.getValue();
  pipeline.weightPoints = weightPointsOption.getValue();
  pipeline.weightPointBudget = weightPointBudgetOption.getValue();
  if (weightPointBudgetOption.getNumOccurrences() &&
      pipeline.weightPoints != mlir::npu::WeightPoints::Auto)
    return fail("--weight-point-budget needs --weight-points=auto");
  if (!(pipeline.weightPointBudget >= 0 && pipeline.weightPointBudget < 200))
    return fail("--weight-point-budget: expected a dB figure in [0, 200)");
  pipeline.quantReport = quantReportOption.getValue();
  pipeline.quantTable = verboseOption.getValue();
  // --weight-points=auto chooses by output error (per pass group) when it
  // has an error budget, by weight error (per layer) when it has not.
  const bool groupPlanning =
      pipeline.weightPoints == mlir::npu::WeightPoints::Auto &&
      errorBudgetOption.getNumOccurrences() > 0;
  if (groupPlanning && weightPointBudgetOption.getNumOccurrences())
    return fail("--weight-point-budget is auto's weight-error budget; with "
                "--error-budget auto chooses by output error: give one");
  const bool planning =
      precisionPlanOption.getNumOccurrences() > 0 || groupPlanning;
  if (!calibOption.empty() && quantReportOption.empty() && !verboseOption &&
      !planning && !floatModel)
    return fail("--calib feeds the quant report or the precision plan (or "
                "quantizes a float32 model): give --quant-report, -v or "
                "--precision-plan");
  if (planning && calibOption.empty())
    return fail("--precision-plan and --error-budget need --calib (the "
                "inputs they measure the error on)");
  if (planning != (errorBudgetOption.getNumOccurrences() > 0))
    return fail("--error-budget=DB goes with --precision-plan or "
                "--weight-points=auto");
  if (planning && weightPointsOption.getNumOccurrences() && !groupPlanning)
    return fail("--precision-plan chooses the points: drop --weight-points "
                "(or give --weight-points=auto to plan per pass group)");
  if (!weightPointPlanOption.empty() &&
      (planning || weightPointsOption.getNumOccurrences()))
    return fail("--weight-point-plan gives the points: drop "
                "--weight-points and --precision-plan");
  const bool rescaleAuto = pipeline.rescale == mlir::npu::RescaleMode::Auto;
  if (rescaleAuto &&
      (groupPlanning || (!planning && rescalePlanOption.empty())))
    return fail("--rescale=auto lets --precision-plan choose each layer's "
                "mode: give --precision-plan (or a --rescale-plan)");
  if (!rescalePlanOption.empty() && (!rescaleAuto || planning))
    return fail("--rescale-plan gives the modes: with --rescale=auto and "
                "without --precision-plan");
  pipeline.rescalePlan = ArrayRef<std::string>(std::vector<std::string>(
      rescalePlanOption.begin(), rescalePlanOption.end()));
  pipeline.weightPointPlan = ArrayRef<int>(std::vector<int>(
      weightPointPlanOption.begin(), weightPointPlanOption.end()));
  if (planning && !(errorBudgetOption >= 0 && errorBudgetOption < 200))
    return fail("--error-budget: expected a dB figure in [0, 200)");
  if (planMarginOption.getNumOccurrences() && !planning)
    return fail("--plan-margin needs --precision-plan");
  if (!(planMarginOption >= 0 && planMarginOption < 50))
    return fail("--plan-margin: expected a dB figure in [0, 50)");
  if (!labelsOption.empty() && calibOption.empty())
    return fail("--labels needs --calib (the inputs they label)");
  const bool evaluating = !calibOption.empty() && (!quantReportOption.empty() ||
                                                   verboseOption || planning);
  if (evaluating && (emitOption != Emit::Bin && emitOption != Emit::Asm))
    return fail("--calib needs a program: --emit=bin or asm");
  // The exact program the calibration compares with, compiled from the
  // same import.
  OwningOpRef<ModuleOp> exactModule;
  const bool lossy =
      pipeline.rescale != mlir::npu::RescaleMode::Exact ||
      mlir::npu::fixedWeightPoints(pipeline.weightPoints).has_value() ||
      pipeline.weightPoints == mlir::npu::WeightPoints::Auto || planning ||
      !weightPointPlanOption.empty();
  OwningOpRef<ModuleOp> importedModule;
  if (evaluating && lossy)
    exactModule = module->clone();
  if (evaluating && (lossy || floatModel))
    importedModule = module->clone();
  std::optional<npuc::PlanResult> plan;
  if (planning) {
    ::npu::Result<npuc::PlanResult> planned =
        planPoints(context, diagnostics, *module, pipeline);
    if (!planned)
      return fail(planned.error().getMessage());
    plan = std::move(*planned);
    pipeline.weightPointPlan = ArrayRef<int>(plan->points);
    if (rescaleAuto)
      pipeline.rescalePlan =
          ArrayRef<std::string>(npuc::rescaleNames(plan->choices));
  }
  mlir::npu::buildNpuCompilePipeline(pm, pipeline);
  if (failed(pm.run(*module)) || diagnostics.hadError())
    return 1;
  if (emitOption == Emit::Npu || emitOption == Emit::NpuProgram) {
    module->print(output->os());
    output->keep();
    return 0;
  }

  FailureOr<::npu::Program> program = programOf(*module);
  if (failed(program))
    return 1;
  if (!embedInputs.empty()) {
    ::npu::Result<std::vector<::npu::Tensor>> bound =
        ::npu::bindInputs(*program, {embedInputs.begin(), embedInputs.end()});
    if (!bound)
      return fail(bound.error().getMessage());
    // Embed only the inputs given on the command line.
    const std::vector<size_t> inputs = program->inputIndices();
    for (const std::string &spec : embedInputs) {
      const std::string name = spec.substr(0, spec.find('='));
      for (size_t i = 0; i < inputs.size(); ++i)
        if (program->tensors[inputs[i]].name == name ||
            std::to_string(i) == name)
          program->defaultInputs.push_back(
              {static_cast<uint32_t>(inputs[i]), (*bound)[i].data});
    }
  }
  if (evaluating) {
    std::optional<::npu::Program> exactProgram;
    if (exactModule) {
      mlir::npu::NpuCompilePipelineOptions exactPipeline;
      setTargetOptions(exactPipeline);
      if (!compileQuietly(context, diagnostics, *exactModule, exactPipeline))
        return 1;
      FailureOr<::npu::Program> built = programOf(*exactModule);
      if (failed(built))
        return 1;
      exactProgram = std::move(*built);
    }
    ::npu::Result<std::vector<npuc::Sample>> samples =
        npuc::loadCalibration(*program, calibOption);
    if (!samples)
      return fail(samples.error().getMessage());
    std::optional<std::vector<int64_t>> labels;
    if (!labelsOption.empty()) {
      ::npu::Result<std::vector<int64_t>> loaded =
          npuc::loadLabels(labelsOption);
      if (!loaded)
        return fail(loaded.error().getMessage());
      labels = std::move(*loaded);
    }
    ::npu::Result<npuc::QuantEval> eval =
        npuc::evaluate(*program, exactProgram ? *exactProgram : *program,
                       *samples, labels ? &*labels : nullptr);
    if (!eval)
      return fail(eval.error().getMessage());
    std::optional<npuc::FloatEval> vsFloat;
    if (floatCalibration) {
      std::vector<std::vector<std::vector<float>>> floatOutputs;
      for (const auto &sample : floatCalibration->samples) {
        auto outs = mlir::npu::runTfliteFloat(modelBytes, inputFile, sample);
        if (!outs)
          return fail("error: " + llvm::toString(outs.takeError()));
        floatOutputs.push_back(std::move(*outs));
      }
      ::npu::Result<npuc::FloatEval> compared =
          npuc::evaluateAgainstFloat(*program, *samples, floatOutputs);
      if (!compared)
        return fail(compared.error().getMessage());
      vsFloat = *compared;
    }
    std::pair<npuc::LayerSqnrs, npuc::LayerSqnrs> layerSqnr;
    if (importedModule) {
      npuc::FloatLayerValues floatValues =
          [&](const std::vector<unsigned> &operators)
          -> ::npu::Result<std::vector<std::vector<std::vector<float>>>> {
        std::vector<std::vector<std::vector<float>>> values;
        for (const auto &sample : floatCalibration->samples) {
          auto v = mlir::npu::runTfliteFloatOperators(modelBytes, inputFile,
                                                      sample, operators);
          if (!v)
            return ::npu::makeError(llvm::toString(v.takeError()));
          values.push_back(std::move(*v));
        }
        return values;
      };
      auto measured =
          measureLayerSqnr(context, diagnostics, *importedModule, pipeline,
                           *samples, static_cast<bool>(exactModule),
                           floatCalibration ? &floatValues : nullptr);
      if (!measured)
        return fail(measured.error().getMessage());
      layerSqnr = std::move(*measured);
    }
    if (int status = npuc::reportQuantEval(reportOutput(), *eval, vsFloat,
                                           layerSqnr.first, layerSqnr.second))
      return status;
    if (plan)
      if (int status = npuc::reportPlan(reportOutput(), *plan))
        return status;
  }
  if (scheduleReport) {
    // The whole configuration compiled for: the binary records only the
    // fields that change its bits, not lanes, DRAM or clock.
    FailureOr<::npu::ArchConfig> arch = mlir::npu::getArchConfig(*module);
    if (failed(arch))
      return 1;
    printScheduleReport(llvm::outs(),
                        ::npu::estimateProgram(*program, *arch));
  }
  if (emitOption == Emit::Asm) {
    for (size_t i = 0; i < program->instructions.size(); ++i) {
      if (const ::npu::DebugRange *r = program->debugRangeFor(i);
          r && r->firstInstr == i)
        output->os() << "; " << program->layers[r->layer].name << " @ "
                     << r->location << "\n";
      output->os() << ::npu::isa::disassemble(program->instructions[i]) << "\n";
    }
    output->keep();
    return 0;
  }
  ::npu::Result<std::vector<uint8_t>> bytes = ::npu::writeProgram(*program);
  if (!bytes)
    return fail(bytes.error().getMessage());
  output->os().write(reinterpret_cast<const char *>(bytes->data()),
                     bytes->size());
  output->keep();
  return 0;
}

//===- TfliteEntry.cpp - The TFLite importer's public entry points --------===//
//
// What npu/Import/Tflite.h offers: the FlatBuffer check, a model's
// signature, running a float32 model on the host (FloatExecutor.h), and
// the import itself (TfliteImporter.cpp's Importer).
//
//===----------------------------------------------------------------------===//
#include "FloatExecutor.h"
#include "TfliteImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/STLExtras.h"

#include <map>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

bool mlir::npu::isTfliteBuffer(StringRef bytes) {
  return bytes.size() >= 8 && tfl::ModelBufferHasIdentifier(bytes.data());
}

Error tflite::checkOperands(StringRef fileName, const tfl::Model &model,
                            const tfl::SubGraph &graph,
                            ArrayRef<TensorInfo> tensors) {
  const uint32_t codes =
      model.operator_codes() ? model.operator_codes()->size() : 0;
  auto bad = [&](const flatbuffers::Vector<int32_t> *list) {
    return !list || llvm::any_of(*list, [&](int32_t t) {
      return t < -1 || t >= static_cast<int32_t>(tensors.size());
    });
  };
  if (graph.operators())
    for (auto [index, op] : llvm::enumerate(*graph.operators()))
      if (op->opcode_index() >= codes || bad(op->inputs()) ||
          bad(op->outputs()) || op->outputs()->size() == 0 ||
          llvm::is_contained(*op->outputs(), -1))
        return llvm::createStringError(
            llvm::inconvertibleErrorCode(),
            (fileName + ": operator " + Twine(index) +
             " has an invalid opcode index or operand list")
                .str());
  return Error::success();
}

namespace {

/// A verified FlatBuffer copy of `bytes` (aligned for in-place reading).
Expected<std::vector<uint8_t>> verifiedModel(StringRef bytes,
                                             StringRef fileName) {
  auto fail = [&](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  };
  if (bytes.size() < 8)
    return fail("file of " + Twine(bytes.size()) +
                " bytes is too short for a TFLite model");
  if (!isTfliteBuffer(bytes))
    return fail("not a TFLite model (no 'TFL3' file identifier)");
  // FlatBuffers are read in place; the verifier needs the start aligned.
  std::vector<uint8_t> aligned(bytes.begin(), bytes.end());
  flatbuffers::Verifier verifier(aligned.data(), aligned.size(),
                                 /*max_depth=*/64, /*max_tables=*/10000000);
  if (!tfl::VerifyModelBuffer(verifier))
    return fail("malformed TFLite FlatBuffer (truncated or corrupt: the "
                "FlatBuffers verifier rejects it)");
  return aligned;
}

/// The main subgraph and its tensor table.
struct MainGraph {
  const tfl::Model *model = nullptr;
  const tfl::SubGraph *graph = nullptr;
  std::vector<TensorInfo> tensors;
};

/// With `strict`, also checks every index the float executor follows;
/// without, only what a signature needs (the importer reports the rest).
Expected<MainGraph> readMainGraph(const std::vector<uint8_t> &aligned,
                                  StringRef fileName, bool strict) {
  MainGraph main;
  main.model = tfl::GetModel(aligned.data());
  if (!main.model->subgraphs() || main.model->subgraphs()->size() == 0 ||
      !main.model->operator_codes())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": the model has no subgraph "
                                               "or no operator codes")
                                       .str());
  main.graph = main.model->subgraphs()->Get(0);
  if (Error e =
          readTensorTable(fileName, *main.model, *main.graph, main.tensors))
    return std::move(e);
  auto bad = [&](const flatbuffers::Vector<int32_t> *list) {
    return !list || llvm::any_of(*list, [&](int32_t t) {
      return t < -1 || t >= static_cast<int32_t>(main.tensors.size());
    });
  };
  if (bad(main.graph->inputs()) || bad(main.graph->outputs()) ||
      llvm::is_contained(*main.graph->inputs(), -1) ||
      llvm::is_contained(*main.graph->outputs(), -1))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        (fileName + ": the subgraph's input or output list is invalid").str());
  if (strict)
    if (Error e =
            checkOperands(fileName, *main.model, *main.graph, main.tensors))
      return std::move(e);
  return main;
}

} // namespace

Expected<TfliteSignature> mlir::npu::readTfliteSignature(StringRef bytes,
                                                         StringRef fileName) {
  Expected<std::vector<uint8_t>> aligned = verifiedModel(bytes, fileName);
  if (!aligned)
    return aligned.takeError();
  TfliteSignature signature;
  Expected<MainGraph> main = readMainGraph(*aligned, fileName, false);
  if (!main) {
    // The importer says what is wrong, in more detail.
    llvm::consumeError(main.takeError());
    return signature;
  }
  auto describe = [&](int32_t t) -> TfliteInput {
    if (t < 0)
      return {"", {}};
    return {main->tensors[t].name,
            {main->tensors[t].shape.begin(), main->tensors[t].shape.end()}};
  };
  for (int32_t t : *main->graph->inputs())
    signature.inputs.push_back(describe(t));
  for (int32_t t : *main->graph->outputs())
    signature.outputs.push_back(describe(t));
  signature.computesInFloat =
      computesInFloat(*main->model, *main->graph, main->tensors);
  return signature;
}

/// Runs the float model; returns its outputs, or with `operators` the
/// first output of each of those operators.
static Expected<std::vector<std::vector<float>>>
runFloat(StringRef bytes, StringRef fileName,
         const std::vector<std::vector<float>> &inputs,
         const std::vector<unsigned> *operators) {
  Expected<std::vector<uint8_t>> aligned = verifiedModel(bytes, fileName);
  if (!aligned)
    return aligned.takeError();
  Expected<MainGraph> main = readMainGraph(*aligned, fileName, true);
  if (!main)
    return main.takeError();
  FloatExecutor executor(fileName, *main->model, *main->graph, main->tensors);
  if (Error e = executor.check())
    return std::move(e);
  if (!operators)
    return executor.run(inputs, [](int32_t, ArrayRef<float>) {});
  const uint32_t count =
      main->graph->operators() ? main->graph->operators()->size() : 0;
  std::map<int32_t, size_t> wanted; // output tensor -> position
  for (auto [k, index] : llvm::enumerate(*operators)) {
    if (index >= count)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          (fileName + ": no operator " + Twine(index)).str());
    wanted[main->graph->operators()->Get(index)->outputs()->Get(0)] = k;
  }
  std::vector<std::vector<float>> values(operators->size());
  Expected<std::vector<std::vector<float>>> outputs =
      executor.run(inputs, [&](int32_t t, ArrayRef<float> v) {
        if (auto it = wanted.find(t); it != wanted.end())
          values[it->second].assign(v.begin(), v.end());
      });
  if (!outputs)
    return outputs.takeError();
  return values;
}

Expected<std::vector<std::vector<float>>>
mlir::npu::runTfliteFloat(StringRef bytes, StringRef fileName,
                          const std::vector<std::vector<float>> &inputs) {
  return runFloat(bytes, fileName, inputs, nullptr);
}

Expected<std::vector<std::vector<float>>> mlir::npu::runTfliteFloatOperators(
    StringRef bytes, StringRef fileName,
    const std::vector<std::vector<float>> &inputs,
    const std::vector<unsigned> &operators) {
  return runFloat(bytes, fileName, inputs, &operators);
}

Expected<OwningOpRef<ModuleOp>>
mlir::npu::importTflite(StringRef bytes, StringRef fileName,
                        MLIRContext &context,
                        const TfliteCalibration *calibration) {
  Expected<std::vector<uint8_t>> aligned = verifiedModel(bytes, fileName);
  if (!aligned)
    return aligned.takeError();
  context.loadDialect<tosa::TosaDialect, func::FuncDialect>();
  Importer importer(context, fileName, *tfl::GetModel(aligned->data()),
                    calibration);
  return importer.run();
}

//===- NpuFloatRef.cpp - A float32 TFLite model run on the host -----------===//
//
// npu-float-ref MODEL.tflite|MODEL.mlir IN0.npy [IN1.npy ...] -o OUT.npy
//
// Runs a float32 model (TFLite, or float TOSA as the TFLite model npuc
// turns it into, npu/Import/Tflite.h floatTosaToTflite) with the float
// executor npuc calibrates with
// (npu/Import/Tflite.h, runTfliteFloat) and writes output k as float32
// (OUT.npy for one output; OUT.0.npy, OUT.1.npy, ... for several): the
// float reference that quantized programs are measured against. Every
// error is one line on stderr and exit status 1.
//
//===----------------------------------------------------------------------===//
#include "npu/Import/Tflite.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "npu/Tensor/Tensor.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <string>
#include <vector>

namespace {

int fail(const std::string &message) {
  llvm::errs() << "npu-float-ref: " << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string model, out;
  std::vector<std::string> inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o" && i + 1 < args.size())
      out = args[++i];
    else if (args[i] == "-h" || args[i] == "--help") {
      llvm::outs() << "usage: npu-float-ref MODEL.tflite|MODEL.mlir IN0.npy "
                      "[IN1.npy ...] -o OUT.npy\n";
      return 0;
    } else if (model.empty())
      model = args[i];
    else
      inputs.push_back(args[i]);
  }
  if (model.empty() || out.empty())
    return fail("usage: npu-float-ref MODEL.tflite|MODEL.mlir IN0.npy "
                "[IN1.npy ...] -o OUT.npy");
  auto file = llvm::MemoryBuffer::getFile(model);
  if (!file)
    return fail("cannot read '" + model + "'");
  std::string bytes = (*file)->getBuffer().str();
  if (!mlir::npu::isTfliteBuffer(bytes)) {
    mlir::MLIRContext context;
    context.loadDialect<mlir::func::FuncDialect, mlir::tosa::TosaDialect>();
    context.printOpOnDiagnostic(false);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(bytes, &context, model);
    if (!module)
      return fail(model + ": neither a TFLite model nor TOSA MLIR");
    mlir::FailureOr<std::string> converted =
        mlir::npu::floatTosaToTflite(*module);
    if (mlir::failed(converted))
      return 1; // the diagnostic names the op
    bytes = std::move(*converted);
  }
  auto signature = mlir::npu::readTfliteSignature(bytes, model);
  if (!signature)
    return fail(llvm::toString(signature.takeError()));
  if (!signature->computesInFloat)
    return fail(model + ": the model does not compute in float32");
  if (inputs.size() != signature->inputs.size())
    return fail(model + " has " + std::to_string(signature->inputs.size()) +
                " inputs; " + std::to_string(inputs.size()) + " given");
  std::vector<std::vector<float>> values;
  for (size_t k = 0; k < inputs.size(); ++k) {
    npu::Result<npu::Tensor> t = npu::readNpy(inputs[k]);
    if (!t)
      return fail(t.error().getMessage());
    if (t->type != npu::ElementType::F32 ||
        t->shape != signature->inputs[k].shape)
      return fail(inputs[k] + ": input '" + signature->inputs[k].name +
                  "' needs float32 of shape " +
                  npu::formatShape(signature->inputs[k].shape));
    std::vector<float> v(static_cast<size_t>(t->numElements()));
    std::memcpy(v.data(), t->data.data(), v.size() * sizeof(float));
    values.push_back(std::move(v));
  }
  auto outputs = mlir::npu::runTfliteFloat(bytes, model, values);
  if (!outputs)
    return fail(llvm::toString(outputs.takeError()));
  for (size_t k = 0; k < outputs->size(); ++k) {
    npu::Tensor t(npu::ElementType::F32, signature->outputs[k].shape);
    std::memcpy(t.data.data(), (*outputs)[k].data(),
                (*outputs)[k].size() * sizeof(float));
    std::string path = out;
    if (outputs->size() > 1) {
      const std::string stem =
          out.size() > 4 && out.compare(out.size() - 4, 4, ".npy") == 0
              ? out.substr(0, out.size() - 4)
              : out;
      path = stem + "." + std::to_string(k) + ".npy";
    }
    if (npu::Status ok = npu::writeNpy(path, t); !ok)
      return fail(ok.error().getMessage());
  }
  return 0;
}

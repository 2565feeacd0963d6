//===- EmitReshape.cpp - RESHAPE, SQUEEZE ---------------------------------===//
//
// RESHAPE and SQUEEZE: a TOSA reshape to the output tensor's shape (the
// shape operand and options are not needed: the output shape is known).
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

Error tflite::emitReshape(Importer &im, const OpContext &op) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  if (x.type != y.type || !im.elementType(x.type))
    return im.failOp(op,
                     "input and output types must be equal integers, found " +
                         typeName(x.type) + " and " + typeName(y.type));
  if (x.elements != y.elements)
    return im.failOp(op, "input shape " + shapeText(x.shape) +
                             " and output shape " + shapeText(y.shape) +
                             " have different element counts");
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  return im.define(op, im.reshape(op.loc, *input, y.shape));
}

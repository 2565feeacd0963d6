//===- NpuEnums.cpp - npu dialect enum attributes -------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"

#include "npu/Program/Program.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::npu;
namespace npuisa = ::npu::isa;

#include "npu/Dialect/Npu/IR/NpuEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/Npu/IR/NpuAttrs.cpp.inc"

void NpuDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "npu/Dialect/Npu/IR/NpuAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// The runtime's enums
//===----------------------------------------------------------------------===//

npuisa::PpuForm mlir::npu::toRuntime(PpuForm form) {
  switch (form) {
  case PpuForm::PerLayer:
    return npuisa::PpuForm::PerLayer;
  case PpuForm::ShiftTable:
    return npuisa::PpuForm::ShiftTable;
  case PpuForm::PerChannel:
    return npuisa::PpuForm::PerChannel;
  }
  llvm_unreachable("unknown PpuForm");
}

npuisa::PoolMode mlir::npu::toRuntime(PoolKind kind) {
  switch (kind) {
  case PoolKind::Max:
    return npuisa::PoolMode::Max;
  case PoolKind::AvgTosa:
    return npuisa::PoolMode::AvgTosa;
  case PoolKind::AvgTflite:
    return npuisa::PoolMode::AvgTflite;
  }
  llvm_unreachable("unknown PoolKind");
}

npuisa::AluOp mlir::npu::toRuntime(AluKind kind) {
  switch (kind) {
  case AluKind::Add:
    return npuisa::AluOp::Add;
  case AluKind::Sub:
    return npuisa::AluOp::Sub;
  case AluKind::Mul:
    return npuisa::AluOp::Mul;
  case AluKind::Max:
    return npuisa::AluOp::Max;
  case AluKind::Min:
    return npuisa::AluOp::Min;
  case AluKind::Shl:
    return npuisa::AluOp::Shl;
  case AluKind::AShr:
    return npuisa::AluOp::AShr;
  case AluKind::LShr:
    return npuisa::AluOp::LShr;
  case AluKind::And:
    return npuisa::AluOp::And;
  case AluKind::Or:
    return npuisa::AluOp::Or;
  case AluKind::Xor:
    return npuisa::AluOp::Xor;
  case AluKind::Clz:
    return npuisa::AluOp::Clz;
  case AluKind::Abs:
    return npuisa::AluOp::Abs;
  case AluKind::Neg:
    return npuisa::AluOp::Neg;
  case AluKind::Copy:
    return npuisa::AluOp::Copy;
  }
  llvm_unreachable("unknown AluKind");
}

npuisa::ReduceOp mlir::npu::toRuntime(ReduceKind kind) {
  switch (kind) {
  case ReduceKind::Sum:
    return npuisa::ReduceOp::Sum;
  case ReduceKind::Max:
    return npuisa::ReduceOp::Max;
  case ReduceKind::Min:
    return npuisa::ReduceOp::Min;
  }
  llvm_unreachable("unknown ReduceKind");
}

::npu::TensorRole mlir::npu::toRuntime(TensorRole role) {
  switch (role) {
  case TensorRole::Input:
    return ::npu::TensorRole::Input;
  case TensorRole::Output:
    return ::npu::TensorRole::Output;
  }
  llvm_unreachable("unknown TensorRole");
}

//===- NpuDialect.td - The npu dialect ---------------------*- tablegen -*-===//
#ifndef NPU_DIALECT_TD
#define NPU_DIALECT_TD

include "mlir/IR/OpBase.td"

def Npu_Dialect : Dialect {
  let name = "npu";
  let cppNamespace = "::mlir::npu";
  let summary = "A weight-stationary int8 NPU with fused requantization";
  let description = [{
    Two levels. Graph ops (`npu.conv2d`, `npu.eltwise`, `npu.pool`, ...)
    work on tensors and carry the fused post-processing (requantization,
    clamp, LUT) the NPU applies in hardware. The instruction level is an
    `npu.program` of DRAM segments, tensor declarations and layers of
    `npu.instr` operations that map one to one onto the instruction set
    (docs/isa.md).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the enum attributes (NpuEnums.cpp).
    void registerAttributes();
  }];
}

// A signless 32-bit integer attribute read back as int32_t (ODS's I32Attr
// returns uint32_t).
def Npu_I32Attr : TypedSignlessIntegerAttrBase<I32, "int32_t",
                                               "32-bit signed integer">;
def Npu_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                               "64-bit signed integer">;

class Npu_Op<string mnemonic, list<Trait> traits = []>
    : Op<Npu_Dialect, mnemonic, traits>;

#endif // NPU_DIALECT_TD

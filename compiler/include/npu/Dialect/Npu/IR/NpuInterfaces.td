//===- NpuInterfaces.td - npu dialect op interfaces --------*- tablegen -*-===//
#ifndef NPU_INTERFACES_TD
#define NPU_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Npu_RequantOpInterface : OpInterface<"RequantOpInterface"> {
  let cppNamespace = "::mlir::npu";
  let description = [{
    An op whose int32 results the PPU requantizes (the RequantArgs of
    NpuOps.td): multiplier and shift (one, or one per channel), output zero
    point, rounding, clamp, optional LUT, the PPU form chosen by
    npu-fold-rescale (with its channel shifts) and the accumulator bound
    recorded by npu-acc-bound.
  }];
  let methods = [
    InterfaceMethod<"Multipliers: one, or one per channel.",
      "::llvm::ArrayRef<int32_t>", "getMultiplier">,
    InterfaceMethod<"", "void", "setMultiplier",
      (ins "::llvm::ArrayRef<int32_t>":$value)>,
    InterfaceMethod<"Shifts: one, or one per channel.",
      "::llvm::ArrayRef<int32_t>", "getShift">,
    InterfaceMethod<"", "void", "setShift",
      (ins "::llvm::ArrayRef<int32_t>":$value)>,
    InterfaceMethod<"", "int32_t", "getOutputZp">,
    InterfaceMethod<"", "bool", "getDoubleRound">,
    InterfaceMethod<"", "int32_t", "getClampMin">,
    InterfaceMethod<"", "int32_t", "getClampMax">,
    InterfaceMethod<"The 256-entry int8 output LUT, if any.",
      "::std::optional<::llvm::ArrayRef<int32_t>>", "getLut">,
    InterfaceMethod<"The PPU form, once npu-fold-rescale has chosen it.",
      "::std::optional<::mlir::npu::PpuForm>", "getPpuForm">,
    InterfaceMethod<"", "void", "setPpuForm",
      (ins "::std::optional<::mlir::npu::PpuForm>":$value)>,
    InterfaceMethod<"Shift-table form: k_c per channel.",
      "::std::optional<::llvm::ArrayRef<int32_t>>", "getKshift">,
    InterfaceMethod<"", "void", "setKshift",
      (ins "::std::optional<::llvm::ArrayRef<int32_t>>":$value)>,
    InterfaceMethod<"", "::std::optional<int64_t>", "getAccBound">,
    InterfaceMethod<"", "void", "setAccBound",
      (ins "::std::optional<int64_t>":$value)>,
    InterfaceMethod<"", "::std::optional<int32_t>", "getAccBits">,
    InterfaceMethod<"", "void", "setAccBits",
      (ins "::std::optional<int32_t>":$value)>,
    InterfaceMethod<"The requantized result.", "::mlir::Value", "getOutput">,
    InterfaceMethod<[{
        Number of channels the multiplier and shift arrays may have one
        entry each for (1 when the requantization is per layer only).
      }], "int64_t", "getRequantChannels">
  ];
}

def Npu_MacOpInterface : OpInterface<"MacOpInterface"> {
  let cppNamespace = "::mlir::npu";
  let description = [{
    An op whose accumulators sum products (x - input_zp) * w of an int8
    activation and int8 weights: the convolutions, fully connected and
    matmul (whose `b` takes the weights' place). The weights are seen as
    [outer, reduction, inner] (see MacWeightLayout): accumulator
    (o, i) sums over the reduction.
  }];
  let methods = [
    InterfaceMethod<"The activation operand.", "::mlir::Value",
      "getMacInput">,
    InterfaceMethod<"The weights operand (a constant or an activation).",
      "::mlir::Value", "getMacWeights">,
    InterfaceMethod<"The int32 bias per accumulator, or null (matmul).",
      "::mlir::Value", "getMacBias">,
    InterfaceMethod<"Zero point of the activation.", "int32_t",
      "getMacInputZp">,
    InterfaceMethod<"Multiply-accumulates of the whole op.", "int64_t",
      "getMacCount">,
    InterfaceMethod<"Which weights feed which accumulator.",
      "::mlir::npu::MacWeightLayout", "getMacWeightLayout">
  ];
}

#endif // NPU_INTERFACES_TD

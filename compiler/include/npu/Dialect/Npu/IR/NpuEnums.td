//===- NpuEnums.td - npu dialect enum attributes -----------*- tablegen -*-===//
//
// The kinds of the graph ops and of the instruction-level layers. Where the
// runtime's ISA has the same enumeration (isa::PpuForm, isa::PoolMode,
// isa::AluOp, isa::ReduceOp, npu::TensorRole) the cases are the same, in the
// same order and with the same names; toRuntime() in NpuOps.h converts.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_ENUMS_TD
#define NPU_ENUMS_TD

include "npu/Dialect/Npu/IR/NpuDialect.td"
include "mlir/IR/EnumAttr.td"

class Npu_Enum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::mlir::npu";
  let genSpecializedAttr = 0;
}

// Printed as a bare keyword in op formats (`npu.pool max ...`; those op
// formats start with `` since the attribute prints its own leading space)
// and as #npu<mnemonic keyword> in attribute dictionaries.
class Npu_EnumAttr<Npu_Enum info, string mnemonic>
    : EnumAttr<Npu_Dialect, info, mnemonic>;

def Npu_PpuForm : Npu_Enum<"PpuForm", "form of a requantization in the PPU", [
  I32EnumAttrCase<"PerLayer", 0, "per_layer">,
  I32EnumAttrCase<"ShiftTable", 1, "shift_table">,
  I32EnumAttrCase<"PerChannel", 2, "per_channel">]>;
def Npu_PpuFormAttr : Npu_EnumAttr<Npu_PpuForm, "ppu_form">;

def Npu_PoolKind : Npu_Enum<"PoolKind", "pooling kind", [
  I32EnumAttrCase<"Max", 0, "max">,
  I32EnumAttrCase<"AvgTosa", 1, "avg_tosa">,
  I32EnumAttrCase<"AvgTflite", 2, "avg_tflite">]>;
def Npu_PoolKindAttr : Npu_EnumAttr<Npu_PoolKind, "pool_kind">;

def Npu_AluKind : Npu_Enum<"AluKind", "element-wise integer operation", [
  I32EnumAttrCase<"Add", 0, "add">,
  I32EnumAttrCase<"Sub", 1, "sub">,
  I32EnumAttrCase<"Mul", 2, "mul">,
  I32EnumAttrCase<"Max", 3, "max">,
  I32EnumAttrCase<"Min", 4, "min">,
  I32EnumAttrCase<"Shl", 5, "shl">,
  I32EnumAttrCase<"AShr", 6, "ashr">,
  I32EnumAttrCase<"LShr", 7, "lshr">,
  I32EnumAttrCase<"And", 8, "and">,
  I32EnumAttrCase<"Or", 9, "or">,
  I32EnumAttrCase<"Xor", 10, "xor">,
  I32EnumAttrCase<"Clz", 11, "clz">,
  I32EnumAttrCase<"Abs", 12, "abs">,
  I32EnumAttrCase<"Neg", 13, "neg">,
  I32EnumAttrCase<"Copy", 14, "copy">]>;
def Npu_AluKindAttr : Npu_EnumAttr<Npu_AluKind, "alu_kind">;

def Npu_ReduceKind : Npu_Enum<"ReduceKind", "reduction kind", [
  I32EnumAttrCase<"Sum", 0, "sum">,
  I32EnumAttrCase<"Max", 1, "max">,
  I32EnumAttrCase<"Min", 2, "min">]>;
def Npu_ReduceKindAttr : Npu_EnumAttr<Npu_ReduceKind, "reduce_kind">;

def Npu_EltwiseKind : Npu_Enum<"EltwiseKind",
                               "combination of two rescaled inputs", [
  I32EnumAttrCase<"Add", 0, "add">,
  I32EnumAttrCase<"Sub", 1, "sub">,
  I32EnumAttrCase<"Mul", 2, "mul">]>;
def Npu_EltwiseKindAttr : Npu_EnumAttr<Npu_EltwiseKind, "eltwise_kind">;

def Npu_TensorRole : Npu_Enum<"TensorRole", "role of a program tensor", [
  I32EnumAttrCase<"Input", 0, "input">,
  I32EnumAttrCase<"Output", 1, "output">]>;
def Npu_TensorRoleAttr : Npu_EnumAttr<Npu_TensorRole, "tensor_role">;

// The kind of an npu.layer. Its keyword is the kind string the program's
// LAYERS section records (LayerInfo::kind); `control` marks the final halt,
// which is not a layer of the network.
def Npu_LayerKind : Npu_Enum<"LayerKind", "kind of a program layer", [
  I32EnumAttrCase<"Conv2D", 0, "conv2d">,
  I32EnumAttrCase<"DepthwiseConv2D", 1, "depthwise_conv2d">,
  I32EnumAttrCase<"FullyConnected", 2, "fully_connected">,
  I32EnumAttrCase<"MatMul", 3, "matmul">,
  I32EnumAttrCase<"MaxPool2D", 4, "max_pool2d">,
  I32EnumAttrCase<"AvgPool2D", 5, "avg_pool2d">,
  I32EnumAttrCase<"Add", 6, "add">,
  I32EnumAttrCase<"Sub", 7, "sub">,
  I32EnumAttrCase<"Mul", 8, "mul">,
  I32EnumAttrCase<"Max", 9, "max">,
  I32EnumAttrCase<"Min", 10, "min">,
  I32EnumAttrCase<"Shl", 11, "shl">,
  I32EnumAttrCase<"AShr", 12, "ashr">,
  I32EnumAttrCase<"LShr", 13, "lshr">,
  I32EnumAttrCase<"And", 14, "and">,
  I32EnumAttrCase<"Or", 15, "or">,
  I32EnumAttrCase<"Xor", 16, "xor">,
  I32EnumAttrCase<"Clz", 17, "clz">,
  I32EnumAttrCase<"Abs", 18, "abs">,
  I32EnumAttrCase<"Neg", 19, "neg">,
  I32EnumAttrCase<"Cast", 20, "cast">,
  I32EnumAttrCase<"Rescale", 21, "rescale">,
  I32EnumAttrCase<"Clamp", 22, "clamp">,
  I32EnumAttrCase<"Table", 23, "table">,
  I32EnumAttrCase<"ReduceSum", 24, "reduce_sum">,
  I32EnumAttrCase<"ReduceMax", 25, "reduce_max">,
  I32EnumAttrCase<"ReduceMin", 26, "reduce_min">,
  I32EnumAttrCase<"Reshape", 27, "reshape">,
  I32EnumAttrCase<"Transpose", 28, "transpose">,
  I32EnumAttrCase<"Slice", 29, "slice">,
  I32EnumAttrCase<"Concat", 30, "concat">,
  I32EnumAttrCase<"Pad", 31, "pad">,
  I32EnumAttrCase<"Control", 32, "control">,
  I32EnumAttrCase<"Softmax", 33, "softmax">]>;
def Npu_LayerKindAttr : Npu_EnumAttr<Npu_LayerKind, "layer_kind">;

#endif // NPU_ENUMS_TD

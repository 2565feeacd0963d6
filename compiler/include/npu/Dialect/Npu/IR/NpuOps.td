//===- NpuOps.td - npu dialect operations ------------------*- tablegen -*-===//
#ifndef NPU_OPS_TD
#define NPU_OPS_TD

include "npu/Dialect/Npu/IR/NpuDialect.td"
include "npu/Dialect/Npu/IR/NpuEnums.td"
include "npu/Dialect/Npu/IR/NpuInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Graph level
//===----------------------------------------------------------------------===//

// Requantization applied by the PPU to 32-bit accumulators:
//   out = clamp(output_zp + apply_scale_32(acc + bias, multiplier[c],
//               shift[c] (+ kshift[c]), double_round), clamp_min, clamp_max)
// `multiplier`/`shift` have one entry (per layer) or one per output channel.
// `ppu_form` (set by npu-fold-rescale) is the hardware form chosen:
// per_layer, shift_table (one multiplier, base shift + 4-bit kshift per
// channel) or per_channel (multiplier and shift tables). The ops carrying
// these arguments implement RequantOpInterface.
defvar RequantArgs = (ins
  DenseI32ArrayAttr:$multiplier,
  DenseI32ArrayAttr:$shift,
  Npu_I32Attr:$output_zp,
  BoolAttr:$double_round,
  Npu_I32Attr:$clamp_min,
  Npu_I32Attr:$clamp_max,
  OptionalAttr<DenseI32ArrayAttr>:$lut,
  OptionalAttr<Npu_PpuFormAttr>:$ppu_form,
  OptionalAttr<DenseI32ArrayAttr>:$kshift,
  OptionalAttr<Npu_I64Attr>:$acc_bound,
  OptionalAttr<Npu_I32Attr>:$acc_bits
);

// RequantOpInterface, with the channel count each op defines.
defvar Npu_RequantTrait =
    DeclareOpInterfaceMethods<Npu_RequantOpInterface, ["getRequantChannels"]>;
defvar Npu_MacRequantTraits = [Npu_RequantTrait,
                               DeclareOpInterfaceMethods<Npu_MacOpInterface>];

class Npu_GraphOp<string mnemonic, list<Trait> traits = []>
    : Npu_Op<mnemonic, !listconcat(traits, [Pure])>;

def Npu_Conv2DOp : Npu_GraphOp<"conv2d", Npu_MacRequantTraits> {
  let summary = "2-D convolution with fused requantization (systolic array)";
  let description = [{
    TOSA CONV2D (input NHWC int8, weights OHWI int8, bias int32, weight zero
    point 0) followed by the requantization of its accumulators.

    With `split_input` the layer is an int16 convolution (TFLite's 16x8
    mode) on the int8 array: every int16 input pixel x is two int8 pixels
    along W, its high byte x >> 8 and its low byte (x & 255) - 128, and
    every kernel column two columns with the same weights. The products of
    the even (high-byte) columns count 256 times (the gemm's acc_shift of
    8); the bias carries 128 * sum(w) for the low bytes' offset. So the
    stride along W is twice the int16 one, the kernel width even, the W
    dilation 1 and the padding 0 (the int16 input is padded before it is
    split).
  }];
  let arguments = !con((ins
    AnyRankedTensor:$input, AnyRankedTensor:$weights, AnyRankedTensor:$bias,
    DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$dilation,
    DenseI64ArrayAttr:$pad, Npu_I32Attr:$input_zp,
    UnitAttr:$split_input), RequantArgs);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weights `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_DepthwiseConv2DOp
    : Npu_GraphOp<"depthwise_conv2d", Npu_MacRequantTraits> {
  let summary = "Depthwise 2-D convolution with fused requantization (vector unit)";
  let description = [{
    TOSA DEPTHWISE_CONV2D (weights [KH, KW, C, M]; output channel c * M + m
    reads input channel c) followed by requantization.
  }];
  let arguments = !con((ins
    AnyRankedTensor:$input, AnyRankedTensor:$weights, AnyRankedTensor:$bias,
    DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$dilation,
    DenseI64ArrayAttr:$pad, Npu_I32Attr:$input_zp), RequantArgs);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weights `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_FullyConnectedOp
    : Npu_GraphOp<"fully_connected", Npu_MacRequantTraits> {
  let summary = "Fully connected layer with fused requantization";
  let arguments = !con((ins
    AnyRankedTensor:$input, AnyRankedTensor:$weights, AnyRankedTensor:$bias,
    Npu_I32Attr:$input_zp), RequantArgs);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $weights `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_MatMulOp : Npu_GraphOp<"matmul", Npu_MacRequantTraits> {
  let summary = "Batched matrix multiply with fused requantization";
  let description = [{
    TOSA MATMUL [N, H, C] x [N, C, W] (b zero point 0) followed by
    requantization. `b` may be a constant or an activation.
  }];
  let arguments = !con((ins AnyRankedTensor:$a, AnyRankedTensor:$b,
                            Npu_I32Attr:$a_zp), RequantArgs);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $a `,` $b attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_EltwiseOp : Npu_GraphOp<"eltwise", [Npu_RequantTrait]> {
  let summary = "Element-wise add, sub or mul of rescaled inputs";
  let description = [{
    The TFLite/TOSA pattern rescale(lhs) op rescale(rhs) -> requantize:
    each input is rescaled to int32 (zero point removed, shifted left by
    `left_shift` exactly, multiplied), the two are combined (`kind` = add,
    sub or mul with `mul_shift`) and the int32 result is requantized.
    Shapes broadcast. One vec.eltwise instruction computes it.
  }];
  let arguments = !con((ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
    Npu_EltwiseKindAttr:$kind,
    Npu_I32Attr:$lhs_zp, Npu_I32Attr:$lhs_multiplier, Npu_I32Attr:$lhs_shift,
    BoolAttr:$lhs_double_round,
    Npu_I32Attr:$rhs_zp, Npu_I32Attr:$rhs_multiplier, Npu_I32Attr:$rhs_shift,
    BoolAttr:$rhs_double_round,
    DefaultValuedAttr<Npu_I32Attr, "0">:$left_shift,
    Npu_I32Attr:$mul_shift), RequantArgs);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    `` $kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_PoolOp : Npu_GraphOp<"pool"> {
  let summary = "Max or average pooling (vector unit)";
  let description = [{
    `kind` is max, avg_tosa (TOSA AVG_POOL2D: zero points, reciprocal
    scale, round half up) or avg_tflite (TFLite: raw average rounded half
    away from zero). Padding positions are not counted.
  }];
  let arguments = (ins AnyRankedTensor:$input, Npu_PoolKindAttr:$kind,
    DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$stride,
    DenseI64ArrayAttr:$pad, Npu_I32Attr:$input_zp, Npu_I32Attr:$output_zp,
    Npu_I32Attr:$clamp_min, Npu_I32Attr:$clamp_max);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    `` $kind $input attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// True if one vector-unit pool instruction can hold the window, the
    /// stride and the padding (the ISA's field widths).
    static bool fitsInstruction(::llvm::ArrayRef<int64_t> kernel,
                                ::llvm::ArrayRef<int64_t> stride,
                                ::llvm::ArrayRef<int64_t> pad);
    /// The limits fitsInstruction checks, as "(kernel, stride, pad)".
    static std::string instructionLimits();
  }];
}

def Npu_RescaleOp : Npu_GraphOp<"rescale"> {
  let summary = "TOSA RESCALE between integer types (vector unit)";
  let description = [{
    Per-layer (one multiplier/shift) or per-channel along the last
    dimension. Clamps to the result type.
  }];
  let arguments = (ins AnyRankedTensor:$input, Npu_I32Attr:$input_zp,
    DenseI32ArrayAttr:$multiplier, DenseI32ArrayAttr:$shift,
    Npu_I32Attr:$output_zp, BoolAttr:$double_round);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_AluOp : Npu_GraphOp<"alu"> {
  let summary = "Element-wise integer operation with broadcasting";
  let description = [{
    `op` is one of add, sub, mul (with `shift`), max, min, shl, ashr (with
    `round`), lshr, and, or, xor (binary) or clz, abs, neg, copy (unary;
    copy is an integer cast). Semantics of vec.alu in docs/isa.md.
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, Npu_AluKindAttr:$op,
    DefaultValuedAttr<Npu_I32Attr, "0">:$shift,
    DefaultValuedAttr<BoolAttr, "false">:$round);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    `` $op $inputs attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_ClampOp : Npu_GraphOp<"clamp"> {
  let summary = "Clamp integers to [min, max]";
  let arguments = (ins AnyRankedTensor:$input, Npu_I64Attr:$min, Npu_I64Attr:$max);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_ReduceOp : Npu_GraphOp<"reduce"> {
  let summary = "Reduce one axis with sum, max or min";
  let arguments = (ins AnyRankedTensor:$input, Npu_ReduceKindAttr:$kind,
                       Npu_I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    `` $kind $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_SoftmaxOp : Npu_GraphOp<"softmax"> {
  let summary = "TFLite's int8 softmax over the last axis (vector unit)";
  let description = [{
    TFLite's int8 SOFTMAX, bit for bit: with d = max(row) - x in [0, 255],
    e = exp_table[d] (gemmlowp's exp of -d * input scale * beta in Q0.31,
    0 below TFLite's diff_min), sum = sum of (e >> 12 rounded) over the row,
    r = vec.alu recip(sum), out = saturate_i8(((e * r) >> 31 rounded)
    >> (35 - clz(sum)) rounded - 128). Output scale 1/256, zero point -128.
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI32ArrayAttr:$exp_table);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_TableOp : Npu_GraphOp<"table"> {
  let summary = "TOSA TABLE: int8 256-entry or int16 513-entry interpolated";
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$table);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $table attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_ReshapeOp : Npu_GraphOp<"reshape"> {
  let summary = "Reshape (no data movement: the result aliases its input)";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_TransposeOp : Npu_GraphOp<"transpose"> {
  let summary = "Permute dimensions (DMA gather)";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perms);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_ConcatOp : Npu_GraphOp<"concat"> {
  let summary = "Concatenate along one axis (DMA)";
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, Npu_I64Attr:$axis);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_PadOp : Npu_GraphOp<"pad"> {
  let summary = "Pad with a constant (DMA padding)";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$padding,
                   Npu_I64Attr:$pad_value);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Npu_SliceOp : Npu_GraphOp<"slice"> {
  let summary = "Extract a rectangular block (DMA)";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$start);
  let results = (outs AnyRankedTensor:$output);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Instruction level
//===----------------------------------------------------------------------===//

def Npu_ProgramOp : Npu_Op<"program", [Symbol, SymbolTable, NoTerminator,
                                       SingleBlock, IsolatedFromAbove]> {
  let summary = "A whole NPU program, one to one with a prog.bin";
  let description = [{
    Holds `npu.segment` (DRAM constants), `npu.tensor` (inputs/outputs) and
    `npu.layer` ops in program order, ending with a halt. `arch` records
    the ArchConfig fields the program depends on (key -> value strings),
    `arch_name`/`arch_hash` identify the full configuration.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, DictionaryAttr:$arch,
                   StrAttr:$arch_name, Npu_I64Attr:$arch_hash, Npu_I64Attr:$dram_size);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
}

def Npu_SegmentOp : Npu_Op<"segment", [HasParent<"ProgramOp">]> {
  let summary = "Constant bytes placed in DRAM before the program runs";
  let arguments = (ins Npu_I64Attr:$addr, ElementsAttr:$data);
  let hasVerifier = 1;
  let assemblyFormat = "$addr `=` $data attr-dict";
}

def Npu_TensorOp : Npu_Op<"tensor", [HasParent<"ProgramOp">]> {
  let summary = "An input or output tensor of the program";
  let description = [{
    `float_interface`: the model's interface is float32 here; the host
    quantizes the input (dequantizes the output) with `scale` and
    `zero_point` at the edge.
  }];
  let arguments = (ins StrAttr:$name, Npu_TensorRoleAttr:$role, TypeAttr:$type,
                   Npu_I64Attr:$addr, F64Attr:$scale, Npu_I32Attr:$zero_point,
                   UnitAttr:$float_interface);
  let hasVerifier = 1;
  let assemblyFormat = "`` $role $name `:` $type `at` $addr attr-dict";
}

def Npu_LayerOp : Npu_Op<"layer", [HasParent<"ProgramOp">, NoTerminator,
                                    SingleBlock]> {
  let summary = "The instructions of one source layer";
  let description = [{
    Named after the source op; its location becomes the program's debug
    information. `kind` is what the program's LAYERS section records
    (`control` for the final halt, which is not recorded). `macs` and the
    accumulator bound feed the simulator's report. Layers with the same `id`
    are pieces of one source layer (npu-prefetch moves a layer's weight
    loads into the previous layer): the program records one layer with a
    debug range per piece.
  }];
  let arguments = (ins StrAttr:$name, Npu_LayerKindAttr:$kind, Npu_I64Attr:$macs,
                   Npu_I64Attr:$acc_bound, Npu_I32Attr:$acc_bits,
                   BoolAttr:$may_overflow, OptionalAttr<Npu_I64Attr>:$id);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`` $kind $name attr-dict-with-keyword $body";
}

def Npu_InstrOp : Npu_Op<"instr"> {
  let summary = "One NPU instruction";
  let description = [{
    `fields` maps every field name of the instruction `mnemonic` to its
    value (enums as numbers); `deps` is the token mask (1 pop_prev,
    2 pop_next, 4 push_prev, 8 push_next). Printed in the assembly syntax of
    docs/isa.md:

      npu.instr gemm(in_addr = 0x28, k = 4, ...) [pop_prev]

    The verifier builds the instruction with the runtime's ISA tables, so
    the field names, widths and enum values are exactly the encoder's.
  }];
  let arguments = (ins StrAttr:$mnemonic, DictionaryAttr:$fields,
                   Npu_I32Attr:$deps);
  let hasVerifier = 1;
  let hasCustomAssemblyFormat = 1;
}

#endif // NPU_OPS_TD

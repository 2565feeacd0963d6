// Tests the registered npu-compile-pipeline: npu-opt runs the pass sequence
// npuc runs (the same program for the same options), `set` overrides reach
// the ArchConfig, and graph-only stops at the graph-level npu dialect
// (npu-opt ends its output with one more blank line than npuc: diff -B).
// Accumulator bound (npu-acc-bound): the input's zero point is -128, so
// |x - zp| <= 255; the largest sum of |w| over a channel is 1 + ... + 16 =
// 136 (channel 0); 255 * 136 = 34680 < 2^16 needs 16 bits and a sign: 17.
// RUN: npu-opt %s --npu-compile-pipeline="arch=npu-tiny set=array.acc_bits=24,sram.obuf_kib=4" | FileCheck %s
// RUN: npu-opt %s --npu-compile-pipeline="arch=npu-tiny graph-only=true" | FileCheck %s --check-prefix=GRAPH
// RUN: npu-opt %s --npu-compile-pipeline="arch=npu-tiny" -o %t.opt.mlir
// RUN: npuc %s --emit=npu-program --arch npu-tiny -o %t.npuc.mlir
// RUN: diff -B %t.opt.mlir %t.npuc.mlir
// RUN: npu-opt %s --npu-compile-pipeline="arch=npu-tiny graph-only=true" -o %t.opt-graph.mlir
// RUN: npuc %s --emit=npu --arch npu-tiny -o %t.npuc-graph.mlir
// RUN: diff -B %t.opt-graph.mlir %t.npuc-graph.mlir

// CHECK: npu.program @main attributes {arch = {array.acc_bits = "24", {{.*}}sram.obuf_kib = "4"
// CHECK-SAME: arch_name = "npu-tiny"
// CHECK: npu.tensor input "arg0" : tensor<1x16xi8>
// CHECK: npu.layer fully_connected "fully_connected_L{{[0-9]+}}" attributes {acc_bits = 17 : i32, acc_bound = 34680 : i64
// CHECK: npu.instr gemm({{.*}}) [
// CHECK: npu.layer control "halt"
// CHECK-NOT: func.func

// GRAPH: func.func @main
// GRAPH: npu.fully_connected {{.*}}acc_bits = 17 : i32, acc_bound = 34680 : i64, {{.*}}ppu_form = #npu<ppu_form per_layer>
// GRAPH-NOT: npu.program
func.func @main(%x: tensor<1x16xi8>) -> tensor<1x3xi8> {
  %w = "tosa.const"() <{value = dense<[[1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]]> : tensor<3x16xi8>}> : () -> tensor<3x16xi8>
  %b = "tosa.const"() <{value = dense<[100, -50, 7]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %acc = tosa.fully_connected %x, %w, %b {quantization_info = #tosa.conv_quant<input_zp = -128, weight_zp = 0>} : (tensor<1x16xi8>, tensor<3x16xi8>, tensor<3xi32>) -> tensor<1x3xi32>
  %y = tosa.rescale %acc {input_zp = 0 : i32, output_zp = -4 : i32, multiplier = array<i32: 1500000000>, shift = array<i8: 38>, scale32 = true, double_round = true, per_channel = false} : (tensor<1x3xi32>) -> tensor<1x3xi8>
  return %y : tensor<1x3xi8>
}

// Tests the lowering of multi-point weights on a 4-bit array (npu-tiny with
// array.weight_bits=4): each int8 weight is w = 16 * hi + lo, hi a signed
// nibble whose pass shifts its sums by 4 (acc_shift = 4), lo an unsigned
// nibble (uint4) in a second pass that accumulates. Weight row k of the
// K x OC matrix holds the hi nibbles of its OC weights, low nibble first,
// then the lo nibbles.
// RUN: npu-opt %s --split-input-file --npu-set-arch="arch=npu-tiny set=array.weight_bits=4" --npu-plan-memory --npu-lower-to-instructions | FileCheck %s

// K x OC = 2 x 4: row 0 = [100, -1, 16, 7], row 1 = [-51, 8, 32, -7].
//   100 = 16*6 + 4, -1 = 16*-1 + 15, 16 = 16*1 + 0, 7 = 16*0 + 7
//   -51 = 16*-4 + 13, 8 = 16*0 + 8, 32 = 16*2 + 0, -7 = 16*-1 + 9
// Row 0: hi bytes 0xf6 0x01, lo bytes 0xf4 0x70; row 1: hi 0x0c 0xf2,
// lo 0x8d 0x90 (as i8: -10 1 -12 112 12 -14 -115 -112).
// CHECK-LABEL: npu.program @main
// CHECK-DAG: npu.segment {{[0-9]+}} = dense<[-10, 1, -12, 112, 12, -14, -115, -112]> : tensor<8xi8>
// CHECK: npu.instr load.weights(w_addr = 0x0, w_stride = 4, rows = 2, cols = 4, int4 = 1, low_point = 0, int2 = 0)
// CHECK-NEXT: npu.instr gemm({{.*}}k = 2, {{.*}}cols = 4, accumulate = 0, acc_shift = 4)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x2, w_stride = 4, rows = 2, cols = 4, int4 = 1, low_point = 1, int2 = 0)
// CHECK-NEXT: npu.instr gemm({{.*}}k = 2, {{.*}}cols = 4, accumulate = 1, acc_shift = 0)
// CHECK-NEXT: npu.instr ppu(
func.func @main(%x: tensor<1x2xi8>) -> tensor<1x4xi8> {
  %w = arith.constant dense<[[100, -51], [-1, 8], [16, 32], [7, -7]]> : tensor<4x2xi8>
  %b = arith.constant dense<[1000, -30, 0, 5]> : tensor<4xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<4x2xi8>, tensor<4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

// Weights that are all 16 * hi (one point, npuc --weight-points=1) need one
// pass: rows [-128, 16, 112, 0] and [32, -16, 0, 48] -> hi nibbles
// 0x18 0x07 and 0xf2 0x30.
// CHECK-LABEL: npu.program @main
// CHECK-DAG: npu.segment {{[0-9]+}} = dense<[24, 7, -14, 48]> : tensor<4xi8>
// CHECK: npu.instr load.weights(w_addr = 0x0, w_stride = 2, rows = 2, cols = 4, int4 = 1, low_point = 0, int2 = 0)
// CHECK-NEXT: npu.instr gemm({{.*}}accumulate = 0, acc_shift = 4)
// CHECK-NEXT: npu.instr ppu(
func.func @main(%x: tensor<1x2xi8>) -> tensor<1x4xi8> {
  %w = arith.constant dense<[[-128, 32], [16, -16], [112, 0], [0, 48]]> : tensor<4x2xi8>
  %b = arith.constant dense<[1000, -30, 0, 5]> : tensor<4xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<4x2xi8>, tensor<4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

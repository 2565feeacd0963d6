// Tests the lowering of multi-point weights on a 2-bit array (npu-tiny with
// array.weight_bits=2): each int8 weight is its four base-4 digits, the
// leading one signed (-2..1) in a pass whose sums are shifted by 6, the
// others unsigned (load.weights low_point) in accumulating passes shifted
// by 4, 2 and 0. Weight row k of the K x OC matrix holds each point's OC
// digits, four per byte (lowest bits first), leading point first.
// RUN: npu-opt %s --split-input-file --npu-set-arch="arch=npu-tiny set=array.weight_bits=2" --npu-plan-memory --npu-lower-to-instructions | FileCheck %s

// K x OC = 2 x 4: row 0 = [100, -1, 16, 7], row 1 = [-51, 8, 32, -7].
//   100 = 64*1 + 16*2 + 4*1 + 0     -1 = 64*-1 + 16*3 + 4*3 + 3
//   16 = 16*1                        7 = 4*1 + 3
//   -51 = 64*-1 + 4*3 + 1            8 = 4*2
//   32 = 16*2                        -7 = 64*-1 + 16*3 + 4*2 + 1
// Row 0 bytes, points 0..3: digits (1, -1, 0, 0) -> 0b00'00'11'01 = 13,
// (2, 3, 1, 0) -> 30, (1, 3, 0, 1) -> 77, (0, 3, 0, 3) -> 204 (i8 -52).
// Row 1: (-1, 0, 0, -1) -> 195 (-61), (0, 0, 2, 3) -> 224 (-32),
// (3, 2, 0, 2) -> 139 (-117), (1, 0, 0, 1) -> 65.
// CHECK-LABEL: npu.program @main
// CHECK-DAG: npu.segment {{[0-9]+}} = dense<[13, 30, 77, -52, -61, -32, -117, 65]> : tensor<8xi8>
// CHECK: npu.instr load.weights(w_addr = 0x0, w_stride = 4, rows = 2, cols = 4, int4 = 0, low_point = 0, int2 = 1)
// CHECK-NEXT: npu.instr gemm({{.*}}k = 2, {{.*}}cols = 4, accumulate = 0, acc_shift = 6)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x1, w_stride = 4, rows = 2, cols = 4, int4 = 0, low_point = 1, int2 = 1)
// CHECK-NEXT: npu.instr gemm({{.*}}k = 2, {{.*}}cols = 4, accumulate = 1, acc_shift = 4)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x2, w_stride = 4, rows = 2, cols = 4, int4 = 0, low_point = 1, int2 = 1)
// CHECK-NEXT: npu.instr gemm({{.*}}k = 2, {{.*}}cols = 4, accumulate = 1, acc_shift = 2)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x3, w_stride = 4, rows = 2, cols = 4, int4 = 0, low_point = 1, int2 = 1)
// CHECK-NEXT: npu.instr gemm({{.*}}k = 2, {{.*}}cols = 4, accumulate = 1, acc_shift = 0)
// CHECK-NEXT: npu.instr ppu(
func.func @main(%x: tensor<1x2xi8>) -> tensor<1x4xi8> {
  %w = arith.constant dense<[[100, -51], [-1, 8], [16, 32], [7, -7]]> : tensor<4x2xi8>
  %b = arith.constant dense<[1000, -30, 0, 5]> : tensor<4xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<4x2xi8>, tensor<4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// -----

// Weights that are multiples of 16 (two points, npuc --weight-points=2)
// need two passes: rows [-128, 16, 112, 0] and [32, -16, 0, 48] -> digits
// (-2, 0, 1, 0), (0, 1, 3, 0) = bytes 18, 52 and (0, -1, 0, 0),
// (2, 3, 0, 3) = 12, 206 (i8 -50).
// CHECK-LABEL: npu.program @main
// CHECK-DAG: npu.segment {{[0-9]+}} = dense<[18, 52, 12, -50]> : tensor<4xi8>
// CHECK: npu.instr load.weights(w_addr = 0x0, w_stride = 2, rows = 2, cols = 4, int4 = 0, low_point = 0, int2 = 1)
// CHECK-NEXT: npu.instr gemm({{.*}}accumulate = 0, acc_shift = 6)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x1, w_stride = 2, rows = 2, cols = 4, int4 = 0, low_point = 1, int2 = 1)
// CHECK-NEXT: npu.instr gemm({{.*}}accumulate = 1, acc_shift = 4)
// CHECK-NEXT: npu.instr ppu(
func.func @main(%x: tensor<1x2xi8>) -> tensor<1x4xi8> {
  %w = arith.constant dense<[[-128, 32], [16, -16], [112, 0], [0, 48]]> : tensor<4x2xi8>
  %b = arith.constant dense<[1000, -30, 0, 5]> : tensor<4xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<4x2xi8>, tensor<4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

// Tests npu-acc-bound: the recorded bound is max over channels of
// sum|w| * max|x - zp|, with x's range narrowed by the producer's clamp,
// and layers whose bound needs more bits than array.acc_bits get a warning.
// RUN: npu-opt %s --split-input-file --verify-diagnostics --npu-set-arch="arch=npu-tiny set=array.acc_bits=16" --npu-acc-bound | FileCheck %s

// Channel 0: |2|+|-3|+|1|+|0| = 6, channel 1: 4 * 127 = 508. Input zero
// point -128 over the full int8 range: max |x - zp| = 255.
// 508 * 255 = 129540 needs 18 bits > 16.
// CHECK-LABEL: @fc
// CHECK: acc_bits = 18 : i32, acc_bound = 129540 : i64
func.func @fc(%x: tensor<1x4xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[2, -3, 1, 0], [127, -127, 127, -127]]> : tensor<2x4xi8>
  %b = arith.constant dense<0> : tensor<2xi32>
  // expected-warning @+1 {{accumulator may overflow: worst case |acc| = 129540 needs 18 bits, array.acc_bits is 16 (policy wrap)}}
  %0 = npu.fully_connected %x, %w, %b {input_zp = -128 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

// The first layer's ReLU clamp [5, 127] limits the second layer's input:
// max |x - 5| = 122; weights sum 8 * 30 = 240: 29280 needs 16 bits, fits.
// CHECK-LABEL: @narrowed
// CHECK: npu.fully_connected
// CHECK: npu.fully_connected {{.*}}acc_bits = 16 : i32, acc_bound = 29280 : i64
func.func @narrowed(%x: tensor<1x4xi8>) -> tensor<1x1xi8> {
  %w = arith.constant dense<1> : tensor<8x4xi8>
  %b = arith.constant dense<0> : tensor<8xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 5 : i32, double_round = true, clamp_min = 5 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<8x4xi8>, tensor<8xi32>) -> tensor<1x8xi8>
  %w2 = arith.constant dense<30> : tensor<1x8xi8>
  %b2 = arith.constant dense<0> : tensor<1xi32>
  %1 = npu.fully_connected %0, %w2, %b2 {input_zp = 5 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x8xi8>, tensor<1x8xi8>, tensor<1xi32>) -> tensor<1x1xi8>
  return %1 : tensor<1x1xi8>
}

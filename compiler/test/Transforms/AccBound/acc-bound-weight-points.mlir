// Tests npu-acc-bound on a 4-bit array: the hi point's pass (16 * hi, with
// w = 16 * hi + lo and lo in 0..15) runs first, and its partial sum can be
// larger than the final one: w = -1 is -16 + 15.
// RUN: npu-opt %s --npu-set-arch="arch=npu-tiny set=array.weight_bits=4" --npu-acc-bound | FileCheck %s
// RUN: npu-opt %s --npu-set-arch="arch=npu-tiny" --npu-acc-bound | FileCheck %s --check-prefix=EIGHT
// RUN: npu-opt %s --npu-set-arch="arch=npu-tiny set=array.weight_bits=2" --npu-acc-bound | FileCheck %s --check-prefix=TWO

// Channel 0: sum |w| = 4, sum |16 * hi| = 4 * 16 = 64; channel 1:
// sum |w| = 40 = sum |16 * hi|. max |x - zp| = 255 (zero point -128).
// 4-bit: 64 * 255 = 16320; 8-bit: 40 * 255 = 10200.
// CHECK: acc_bits = 15 : i32, acc_bound = 16320 : i64
// EIGHT: acc_bits = 15 : i32, acc_bound = 10200 : i64
// 2-bit (four points, the leading one 64 * d0 with d0 in -2..1): the
// partial sums after one, two and three points. Channel 0: w = -1 is
// -64 + 48 + 12 + 3, so 4 * 64 = 256 after the first; channel 1's are
// 0 + 64 + 0 + 0, 16 + 16 + 0 + 0 and 16 + 16 + 0 + 8, below 40. 256 * 255
// = 65280.
// TWO: acc_bits = 17 : i32, acc_bound = 65280 : i64
func.func @fc(%x: tensor<1x4xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[-1, -1, -1, -1], [16, -16, 0, 8]]> : tensor<2x4xi8>
  %b = arith.constant dense<0> : tensor<2xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = -128 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

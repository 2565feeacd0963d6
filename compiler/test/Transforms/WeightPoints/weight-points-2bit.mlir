// Tests npu-weight-points on a 2-bit array with two columns (pass groups
// {0, 1} and {2, 3}), the weights of weight-points.mlir. n points keep the
// n leading base-4 digits: w rounded to a multiple of s = 4^(4 - n),
// clamped to [-128, 128 - s]. All channels share one scale; the signal is
// 47999.
// One point (s = 64, -128..64):
//   ch0 [100, -51, 3, 5]    -> [64, -64, 0, 0]     error^2 1499
//   ch1 [-1, 8, 127, -128]  -> [0, 0, 64, -128]    error^2 4034
//   ch2 [16, 32, -16, 0]    -> [0, 64, 0, 0]       error^2 1536
//   ch3 [7, -7, 24, -24]    -> [0, 0, 0, 0]        error^2 1250
//   10 log10(47999 / 8319) = 7.612 dB.
// Two points (s = 16) are the 4-bit array's one point (19.216 dB).
// Three points (s = 4, -128..124):
//   ch0 -> [100, -52, 4, 4] (3), ch1 -> [0, 8, 124, -128] (10),
//   ch2 unchanged, ch3 -> [8, -8, 24, -24] (2): 10 log10(47999 / 15)
//   = 35.051 dB.
// auto with budget 20: group noise at 1/2/3 points is 5533/349/13 and
// 2786/226/2. From 8319 the greedy gives group 0 its second point (gain
// 5184), group 1 its second (2560, now 575: 19.216 dB), then group 0 its
// third (336 > 224): 239, 10 log10(47999 / 239) = 23.028 dB.
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2,array.cols=2},npu-weight-points{points=1})" | FileCheck %s --check-prefix=ONE
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2,array.cols=2},npu-weight-points{points=2})" | FileCheck %s --check-prefix=TWO
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2,array.cols=2},npu-weight-points{points=3})" | FileCheck %s --check-prefix=THREE
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2,array.cols=2},npu-weight-points{points=4})" | FileCheck %s --check-prefix=FOUR
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2,array.cols=2},npu-weight-points{points=auto budget=20})" | FileCheck %s --check-prefix=AUTO20
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2,array.cols=2},npu-weight-points{plan=1,3})" | FileCheck %s --check-prefix=PLAN
// RUN: not npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4},npu-weight-points{points=3})" 2>&1 | FileCheck %s --check-prefix=TOOMANY
// RUN: not npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=2},npu-weight-points{plan=5})" 2>&1 | FileCheck %s --check-prefix=PLANVALUE

// ONE: arith.constant dense<{{\[}}[64, -64, 0, 0], [0, 0, 64, -128], [0, 64, 0, 0], [0, 0, 0, 0]]> : tensor<4x4xi8>
// ONE: npu.weight_points = array<i32: 1, 1, 1, 1>, npu.weight_sqnr_db = 7.611{{[0-9]*}} : f64
// TWO: arith.constant dense<{{\[}}[96, -48, 0, 0], [0, 16, 112, -128], [16, 32, -16, 0], [0, 0, 32, -32]]> : tensor<4x4xi8>
// TWO: npu.weight_points = array<i32: 2, 2, 2, 2>, npu.weight_sqnr_db = 19.215{{[0-9]*}} : f64
// THREE: arith.constant dense<{{\[}}[100, -52, 4, 4], [0, 8, 124, -128], [16, 32, -16, 0], [8, -8, 24, -24]]> : tensor<4x4xi8>
// THREE: npu.weight_points = array<i32: 3, 3, 3, 3>, npu.weight_sqnr_db = 35.051{{[0-9]*}} : f64
// FOUR: arith.constant dense<{{\[}}[100, -51, 3, 5], [-1, 8, 127, -128], [16, 32, -16, 0], [7, -7, 24, -24]]> : tensor<4x4xi8>
// FOUR-NOT: npu.weight_sqnr_db
// FOUR: npu.weight_points = array<i32: 4, 4, 4, 4>
// FOUR-NOT: npu.weight_sqnr_db
// AUTO20: arith.constant dense<{{\[}}[100, -52, 4, 4], [0, 8, 124, -128], [16, 32, -16, 0], [0, 0, 32, -32]]> : tensor<4x4xi8>
// AUTO20: npu.weight_points = array<i32: 3, 3, 2, 2>, npu.weight_sqnr_db = 23.028{{[0-9]*}} : f64
// PLAN: arith.constant dense<{{\[}}[64, -64, 0, 0], [0, 0, 64, -128], [16, 32, -16, 0], [8, -8, 24, -24]]> : tensor<4x4xi8>
// PLAN: npu.weight_points = array<i32: 1, 1, 3, 3>
// TOOMANY: error: --weight-points=3: a 4-bit array takes 1 to 2 points
// PLANVALUE: error: a planned layer takes 1 to 4 points per group
func.func @fc(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %w = arith.constant dense<[[100, -51, 3, 5], [-1, 8, 127, -128], [16, 32, -16, 0], [7, -7, 24, -24]]> : tensor<4x4xi8>
  %b = arith.constant dense<[1000, -30, 0, 5]> : tensor<4xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<4x4xi8>, tensor<4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

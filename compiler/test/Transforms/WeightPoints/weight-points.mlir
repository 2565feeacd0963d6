// Tests npu-weight-points (npuc --weight-points) on a 4-bit array with two
// columns, so output channels {0, 1} and {2, 3} are the two pass groups.
// All channels share one scale, so the SQNRs below are of the integers.
// One point rounds w to 16 * clamp(round(w / 16), -8, 7):
//   ch0 [100, -51, 3, 5]    -> [96, -48, 0, 0]     error^2 16+9+9+25 = 59
//   ch1 [-1, 8, 127, -128]  -> [0, 16, 112, -128]  error^2 1+64+225  = 290
//   ch2 [16, 32, -16, 0]    -> unchanged           0
//   ch3 [7, -7, 24, -24]    -> [0, 0, 32, -32]     error^2 49+49+64+64 = 226
// The signal is 47999, so one point everywhere gives 10 log10(47999 / 575)
// = 19.216 dB. auto with budget 22 gives group {0, 1} (error 349) its
// second point first: 10 log10(47999 / 226) = 23.271 dB, enough; with
// budget 25 both groups get two points and nothing changes. A plan with one
// entry per pass group (1, 2) puts group {0, 1} at one point:
// 10 log10(47999 / 349) = 21.384 dB.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points{points=1})" | FileCheck %s --check-prefix=ONE
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points{points=auto budget=22})" | FileCheck %s --check-prefix=AUTO22
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points{points=auto budget=25})" | FileCheck %s --check-prefix=AUTO25
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points)" | FileCheck %s --check-prefix=EXACT
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch,npu-weight-points)" | FileCheck %s --check-prefix=EIGHT
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch,npu-weight-points{points=1})" 2>&1 | FileCheck %s --check-prefix=REFUSED
// A plan (npuc --weight-point-plan, --precision-plan) overrides `points`:
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points{points=auto plan=1})" | FileCheck %s --check-prefix=ONE
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4},npu-weight-points{plan=1,2})" 2>&1 | FileCheck %s --check-prefix=PLANLENGTH
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4},npu-weight-points{plan=3})" 2>&1 | FileCheck %s --check-prefix=PLANVALUE
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points{plan=1,2})" | FileCheck %s --check-prefix=GROUPS
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=array.weight_bits=4,array.cols=2},npu-weight-points{plan=1,2,1})" 2>&1 | FileCheck %s --check-prefix=GROUPLENGTH

// ONE-LABEL: @fc
// ONE: arith.constant dense<{{\[}}[96, -48, 0, 0], [0, 16, 112, -128], [16, 32, -16, 0], [0, 0, 32, -32]]> : tensor<4x4xi8>
// ONE: npu.weight_points = array<i32: 1, 1, 1, 1>, npu.weight_sqnr_db = 19.215{{[0-9]*}} : f64
// AUTO22-LABEL: @fc
// AUTO22: arith.constant dense<{{\[}}[100, -51, 3, 5], [-1, 8, 127, -128], [16, 32, -16, 0], [0, 0, 32, -32]]> : tensor<4x4xi8>
// AUTO22: npu.weight_points = array<i32: 2, 2, 1, 1>, npu.weight_sqnr_db = 23.271{{[0-9]*}} : f64
// AUTO25-LABEL: @fc
// AUTO25: arith.constant dense<{{\[}}[100, -51, 3, 5], [-1, 8, 127, -128], [16, 32, -16, 0], [7, -7, 24, -24]]> : tensor<4x4xi8>
// AUTO25-NOT: npu.weight_sqnr_db
// AUTO25: npu.weight_points = array<i32: 2, 2, 2, 2>
// AUTO25-NOT: npu.weight_sqnr_db
// EXACT-LABEL: @fc
// EXACT: npu.weight_points = array<i32: 2, 2, 2, 2>
// EIGHT-LABEL: @fc
// EIGHT-NOT: npu.weight_points
// REFUSED: error: --weight-points needs a low-bit array (array.weight_bits=4 or 2)
// PLANLENGTH: error: the weight-point plan lists 2 entries; the model has 1 layers with 4-bit points (1 pass groups)
// PLANVALUE: error: a planned layer takes 1 to 2 points per group
// GROUPS-LABEL: @fc
// GROUPS: arith.constant dense<{{\[}}[96, -48, 0, 0], [0, 16, 112, -128], [16, 32, -16, 0], [7, -7, 24, -24]]> : tensor<4x4xi8>
// GROUPS: npu.weight_points = array<i32: 1, 1, 2, 2>, npu.weight_sqnr_db = 21.384{{[0-9]*}} : f64
// GROUPLENGTH: error: the weight-point plan lists 3 entries; the model has 1 layers with 4-bit points (2 pass groups)
func.func @fc(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %w = arith.constant dense<[[100, -51, 3, 5], [-1, 8, 127, -128], [16, 32, -16, 0], [7, -7, 24, -24]]> : tensor<4x4xi8>
  %b = arith.constant dense<[1000, -30, 0, 5]> : tensor<4xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<4x4xi8>, tensor<4xi32>) -> tensor<1x4xi8>
  return %0 : tensor<1x4xi8>
}

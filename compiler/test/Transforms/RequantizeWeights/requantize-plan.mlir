// Tests npu-requantize-weights' `plan` (npuc --rescale=auto
// --precision-plan): one mode per planned layer (convolutions and fully
// connected layers with constant int8 weights, in order). The layer below
// is requantize-weights.mlir's, twice: a plan of (wess, per-layer) gives
// the first layer that file's WESS weights and the second its per-layer
// ones; (exact, wess) leaves the first alone.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{mode=auto plan=wess,per-layer})" | FileCheck %s --check-prefix=MIXED
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{plan=exact,wess})" | FileCheck %s --check-prefix=SECOND
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{plan=wess})" 2>&1 | FileCheck %s --check-prefix=LENGTH
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{mode=auto})" 2>&1 | FileCheck %s --check-prefix=NOPLAN
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{plan=auto,wess})" 2>&1 | FileCheck %s --check-prefix=AUTO

// MIXED-LABEL: @two
// MIXED: dense<{{\[}}[127, -65], [61, 102]]> : tensor<2x2xi8>
// MIXED: npu.rescale = "wess"
// MIXED: dense<{{\[}}[127, -65], [15, 25]]> : tensor<2x2xi8>
// MIXED: npu.rescale = "per-layer"
// SECOND-LABEL: @two
// SECOND: dense<{{\[}}[100, -51], [3, 5]]> : tensor<2x2xi8>
// SECOND-NOT: npu.rescale = "wess"
// SECOND: npu.fully_connected
// SECOND-NOT: npu.rescale
// SECOND: npu.fully_connected
// SECOND-SAME: npu.rescale = "wess"
// LENGTH: error: the rescale plan lists 1 modes; the model has 2 layers it plans
// NOPLAN: error: --rescale=auto needs a plan: npuc --precision-plan chooses one
// AUTO: error: a rescale plan lists exact, per-layer or wess, not 'auto'
func.func @two(%x: tensor<1x2xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[100, -51], [3, 5]]> : tensor<2x2xi8>
  %b = arith.constant dense<[1000, -30]> : tensor<2xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 40, 38>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  %w2 = arith.constant dense<[[100, -51], [3, 5]]> : tensor<2x2xi8>
  %b2 = arith.constant dense<[1000, -30]> : tensor<2xi32>
  %1 = npu.fully_connected %0, %w2, %b2 {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 40, 38>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %1 : tensor<1x2xi8>
}

// Tests npu-requantize-weights (npuc --rescale). Channel 0's scale is 2^-10,
// channel 1's 2^-8; channel 0 holds the layer's largest contribution,
// 100 * 2^-10, so the layer scale is L = 100 * 2^-10 / 127 (multiplier
// 1690932006, shift 41: 0.787401... * 2^31 and 2^-10 = 2^31 * 2^-41).
// per-layer: w' = round(w * s_c / L): 100 -> 127, -51 -> -64.77 -> -65,
//   3 -> 15.24 -> 15, 5 -> 25.4 -> 25; bias 1000 -> 1270, -30 -> -152.4 -> -152.
// wess: channel 1 fits 2^2 times (5 * 2^-8 * 4 <= 100 * 2^-10 < * 8), so
//   k = [0, 2]: 3 -> 60.96 -> 61, 5 -> 101.6 -> 102, -30 -> -609.6 -> -610;
//   shifts 41 and 43, which npu-fold-rescale turns into the shift table.
// The weights' SQNR against the real weights (w * s_c), recorded for
// npuc --quant-report, worked out from the values above: per-layer
// 48.942 dB, wess 55.270 dB (the finer channel-1 grid).
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{mode=per-layer})" | FileCheck %s --check-prefix=LAYER
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{mode=wess},func.func(npu-fold-rescale))" | FileCheck %s --check-prefix=WESS
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-requantize-weights{mode=exact})" | FileCheck %s --check-prefix=EXACT

// LAYER-LABEL: @fc
// LAYER-DAG: arith.constant dense<{{\[}}[127, -65], [15, 25]]> : tensor<2x2xi8>
// LAYER-DAG: arith.constant dense<[1270, -152]> : tensor<2xi32>
// LAYER: multiplier = array<i32: 1690932006>, npu.rescale = "per-layer", npu.weight_sqnr_db = 48.942{{[0-9]*}} : f64, output_zp = 0 : i32, shift = array<i32: 41>
// WESS-LABEL: @fc
// WESS-DAG: arith.constant dense<{{\[}}[127, -65], [61, 102]]> : tensor<2x2xi8>
// WESS-DAG: arith.constant dense<[1270, -610]> : tensor<2xi32>
// WESS: kshift = array<i32: 0, 2>, multiplier = array<i32: 1690932006>, npu.rescale = "wess", npu.weight_sqnr_db = 55.270{{[0-9]*}} : f64, output_zp = 0 : i32, ppu_form = #npu<ppu_form shift_table>, shift = array<i32: 41>
// EXACT-LABEL: @fc
// EXACT-DAG: arith.constant dense<{{\[}}[100, -51], [3, 5]]> : tensor<2x2xi8>
// EXACT: multiplier = array<i32: 1073741824, 1073741824>, output_zp = 0 : i32, shift = array<i32: 40, 38>
func.func @fc(%x: tensor<1x2xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[100, -51], [3, 5]]> : tensor<2x2xi8>
  %b = arith.constant dense<[1000, -30]> : tensor<2xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 40, 38>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

// Weights that are not constant (a matmul of two activations) are kept.
// LAYER-LABEL: @activation_weights
// LAYER: multiplier = array<i32: 1073741824, 1073741824>
// WESS-LABEL: @activation_weights
// EXACT-LABEL: @activation_weights
func.func @activation_weights(%x: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi8> {
  %b = arith.constant dense<[1000, -30]> : tensor<2xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 40, 38>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

// A nearly empty channel: channel 0's scale is 2^-24 (layer scale 2^-24:
// multiplier 2^30, base shift 54), channel 1's 2^-32 with one weight of 1.
// WESS would shift channel 1 by 14 (127 * 2^8 = 32512 >= 2^14), but the
// total shift may not pass 62, so k is capped at 62 - 54 = 8 and the
// weight stays 1 (1 * 2^-32 / 2^-32). Per layer it rounds to 0 (2^-8).
// LAYER-LABEL: @near_empty_channel
// LAYER-DAG: arith.constant dense<{{\[}}[127, 0], [0, 0]]> : tensor<2x2xi8>
// LAYER: multiplier = array<i32: 1073741824>, {{.*}}shift = array<i32: 54>
// WESS-LABEL: @near_empty_channel
// WESS-DAG: arith.constant dense<{{\[}}[127, 0], [1, 0]]> : tensor<2x2xi8>
// WESS: kshift = array<i32: 0, 8>, multiplier = array<i32: 1073741824>, {{.*}}shift = array<i32: 54>
// EXACT-LABEL: @near_empty_channel
func.func @near_empty_channel(%x: tensor<1x2xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[127, 0], [1, 0]]> : tensor<2x2xi8>
  %b = arith.constant dense<0> : tensor<2xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 54, 62>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

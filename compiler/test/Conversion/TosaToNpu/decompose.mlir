// Tests that tosa-to-npu rewrites tosa.gather (constant indices),
// tosa.resize and tosa.transpose_conv2d into ops the NPU has, and names
// what it cannot rewrite. Their results are checked against MLIR's own
// lowering end to end (tests/e2e/tosa_resample_cases.py).
// RUN: npu-opt %s --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// CHECK-LABEL: func.func @gather
// CHECK: %[[A:.*]] = npu.slice %arg0 {start = array<i64: 0, 4, 0>}
// CHECK: %[[B:.*]] = npu.slice %arg0 {start = array<i64: 0, 1, 0>}
// CHECK: npu.concat %[[A]], %[[B]] {axis = 1 : i64}
func.func @gather(%v: tensor<1x5x3xi8>) -> tensor<1x2x3xi8> {
  %i = "tosa.const"() <{value = dense<[[4, 1]]> : tensor<1x2xi32>}> : () -> tensor<1x2xi32>
  %g = tosa.gather %v, %i : (tensor<1x5x3xi8>, tensor<1x2xi32>) -> tensor<1x2x3xi8>
  return %g : tensor<1x2x3xi8>
}

// -----

// Zero points inserted by a 6-D pad, the filter flipped, KH - 1 + out_pad
// rows of padding on the stride-1 convolution.
// CHECK-LABEL: func.func @transpose_conv
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}4], [3]], {{\[\[}}2], [1]]]]> : tensor<1x2x2x1xi8>
// CHECK: npu.pad {{.*}}{pad_value = 3 : i64, padding = array<i64: 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0>}
// CHECK: npu.conv2d %{{.*}}, %[[W]], {{.*}}input_zp = 3 : i32{{.*}}pad = array<i64: 1, 0, 1, 0>{{.*}}stride = array<i64: 1, 1>
func.func @transpose_conv(%x: tensor<1x2x2x1xi8>) -> tensor<1x4x4x1xi8> {
  %w = "tosa.const"() <{value = dense<[[[[1], [2]], [[3], [4]]]]> : tensor<1x2x2x1xi8>}> : () -> tensor<1x2x2x1xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %t = tosa.transpose_conv2d %x, %w, %b {out_pad = array<i64: 0, 0, 0, 0>, out_shape = array<i64: 1, 4, 4, 1>, quantization_info = #tosa.conv_quant<input_zp = 3, weight_zp = 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xi8>, tensor<1x2x2x1xi8>, tensor<1xi32>) -> tensor<1x4x4x1xi32>
  %r = tosa.rescale %t {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 31>} : (tensor<1x4x4x1xi32>) -> tensor<1x4x4x1xi8>
  return %r : tensor<1x4x4x1xi8>
}

// -----

// Offset -1: the first output row truncates to index 0 with dy = -1
// (weights 5 and -1), as MLIR's lowering and TFLite's kernel compute it.
// CHECK-LABEL: func.func @bilinear
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}5]], {{\[\[}}3]], {{\[\[}}1]], {{\[\[}}3]]]]> : tensor<1x4x1x1xi32>
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}-1]], {{\[\[}}1]], {{\[\[}}3]], {{\[\[}}1]]]]> : tensor<1x4x1x1xi32>
// CHECK: npu.alu copy {{.*}} -> tensor<1x4x2x1xi32>
// CHECK: npu.alu mul
// CHECK: npu.alu add {{.*}} -> tensor<1x4x2x1xi32>
// CHECK: npu.alu add {{.*}} -> tensor<1x4x4x1xi32>
func.func @bilinear(%x: tensor<1x2x2x1xi8>) -> tensor<1x4x4x1xi32> {
  %r = tosa.resize %x {mode = "BILINEAR", scale = array<i64: 4, 2, 4, 2>, offset = array<i64: -1, -1>, border = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>) -> tensor<1x4x4x1xi32>
  return %r : tensor<1x4x4x1xi32>
}

// -----

// Output rows 0..3 read input rows 0, 1, 1, 1 (2 dy >= n_y picks the upper).
// CHECK-LABEL: func.func @nearest
// CHECK: npu.slice %arg0 {start = array<i64: 0, 0, 0, 0>}
// CHECK-COUNT-3: npu.slice %arg0 {start = array<i64: 0, 1, 0, 0>}
// CHECK: npu.concat {{.*}}{axis = 1 : i64}
// CHECK: npu.concat {{.*}}{axis = 2 : i64}
func.func @nearest(%x: tensor<1x2x2x1xi8>) -> tensor<1x4x4x1xi8> {
  %r = tosa.resize %x {mode = "NEAREST_NEIGHBOR", scale = array<i64: 2, 1, 2, 1>, offset = array<i64: 0, 0>, border = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>) -> tensor<1x4x4x1xi8>
  return %r : tensor<1x4x4x1xi8>
}

// -----

func.func @gather_indices_not_constant(%v: tensor<1x5x3xi8>, %i: tensor<1x2xi32>) -> tensor<1x2x3xi8> {
  // expected-error @+1 {{unsupported operation 'tosa.gather': the indices must be constants inside the values' dimension 1}}
  %g = tosa.gather %v, %i : (tensor<1x5x3xi8>, tensor<1x2xi32>) -> tensor<1x2x3xi8>
  return %g : tensor<1x2x3xi8>
}

// -----

func.func @transpose_conv_weight_zp(%x: tensor<1x2x2x1xi8>) -> tensor<1x4x4x1xi32> {
  %w = "tosa.const"() <{value = dense<1> : tensor<1x2x2x1xi8>}> : () -> tensor<1x2x2x1xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  // expected-error @+1 {{unsupported operation 'tosa.transpose_conv2d': only int8 input and constant int8 filter with weight zero point 0 are supported}}
  %t = tosa.transpose_conv2d %x, %w, %b {out_pad = array<i64: 0, 0, 0, 0>, out_shape = array<i64: 1, 4, 4, 1>, quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 2>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xi8>, tensor<1x2x2x1xi8>, tensor<1xi32>) -> tensor<1x4x4x1xi32>
  return %t : tensor<1x4x4x1xi32>
}

// -----

func.func @bilinear_i16(%x: tensor<1x2x2x1xi16>) -> tensor<1x4x4x1xi48> {
  // expected-error @+1 {{unsupported operation 'tosa.resize': only int8/int16 NEAREST_NEIGHBOR and int8-to-int32 BILINEAR resizes are supported}}
  %r = tosa.resize %x {mode = "BILINEAR", scale = array<i64: 4, 2, 4, 2>, offset = array<i64: -1, -1>, border = array<i64: 1, 1>} : (tensor<1x2x2x1xi16>) -> tensor<1x4x4x1xi48>
  return %r : tensor<1x4x4x1xi48>
}

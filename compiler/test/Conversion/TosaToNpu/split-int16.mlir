// Tests that tosa-to-npu runs int16 x int8 conv2d and fully_connected
// (TFLite's 16x8 mode) as int8 convolutions over the input split into
// bytes (SplitInt16.cpp), and refuses one whose accumulator could leave
// int32. End to end against MLIR's lowering and TFLite Micro:
// tests/e2e/tosa_int16_cases.py and gen_tflite_ops.py's 16x8 cases.
// RUN: npu-opt %s --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// The input padded by 0, then hi = x >> 8 and lo = (x & 255) - 128 side by
// side along W (the input broadcast against (8, 0), (-1, 255), (0, 128)
// along a new axis of 2); each kernel column twice; W stride 2 x 1; the
// bias plus 128 * sum(w) = 128 * (1 + 2 - 3 + 4) = 512.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1], [1], [2], [2]], {{\[\[}}-3], [-3], [4], [4]]]]> : tensor<1x2x4x1xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<517> : tensor<1xi32>
// CHECK-DAG: %[[SH:.*]] = arith.constant dense<{{\[\[\[\[\[}}8], [0]]]]]> : tensor<1x1x1x2x1xi16>
// CHECK-DAG: %[[MASK:.*]] = arith.constant dense<{{\[\[\[\[\[}}-1], [255]]]]]> : tensor<1x1x1x2x1xi16>
// CHECK-DAG: %[[OFF:.*]] = arith.constant dense<{{\[\[\[\[\[}}0], [128]]]]]> : tensor<1x1x1x2x1xi16>
// CHECK: npu.pad %arg0 {pad_value = 0 : i64, padding = array<i64: 0, 0, 1, 0, 0, 1, 0, 0>}
// CHECK: npu.alu ashr %{{.*}}, %[[SH]] : (tensor<1x4x4x1x1xi16>, tensor<1x1x1x2x1xi16>) -> tensor<1x4x4x2x1xi16>
// CHECK: npu.alu and %{{.*}}, %[[MASK]]
// CHECK: npu.alu sub %{{.*}}, %[[OFF]]
// CHECK: npu.alu copy {{.*}} -> tensor<1x4x4x2x1xi8>
// CHECK: %[[S:.*]] = npu.reshape {{.*}} -> tensor<1x4x8x1xi8>
// CHECK: npu.conv2d %[[S]], %[[W]], %[[B]] {{.*}}double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, pad = array<i64: 0, 0, 0, 0>, shift = array<i32: 31>, split_input, stride = array<i64: 1, 2>} : (tensor<1x4x8x1xi8>, tensor<1x2x4x1xi8>, tensor<1xi32>) -> tensor<1x3x3x1xi16>
func.func @conv(%x: tensor<1x3x3x1xi16>) -> tensor<1x3x3x1xi16> {
  %w = "tosa.const"() <{value = dense<[[[[1], [2]], [[-3], [4]]]]> : tensor<1x2x2x1xi8>}> : () -> tensor<1x2x2x1xi8>
  %b = "tosa.const"() <{value = dense<5> : tensor<1xi48>}> : () -> tensor<1xi48>
  %c = tosa.conv2d %x, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 0, 1>, quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xi16>, tensor<1x2x2x1xi8>, tensor<1xi48>) -> tensor<1x3x3x1xi48>
  %r = tosa.rescale %c {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 31>} : (tensor<1x3x3x1xi48>) -> tensor<1x3x3x1xi16>
  return %r : tensor<1x3x3x1xi16>
}

// -----

// The batch rows of a fully_connected are one image row; its clamp moves
// with the requantization, so the conv2d still absorbs it.
// CHECK-LABEL: func.func @fully_connected
// CHECK: npu.reshape %arg0 : (tensor<3x4xi16>) -> tensor<1x1x3x1x4xi16>
// CHECK: npu.conv2d {{.*}}clamp_max = 100 : i32, clamp_min = -100 : i32{{.*}}split_input, stride = array<i64: 1, 2>} : (tensor<1x1x6x4xi8>, tensor<2x1x2x4xi8>, tensor<2xi32>) -> tensor<1x1x3x2xi16>
// CHECK: npu.reshape {{.*}} : (tensor<1x1x3x2xi16>) -> tensor<3x2xi16>
func.func @fully_connected(%x: tensor<3x4xi16>) -> tensor<3x2xi16> {
  %w = "tosa.const"() <{value = dense<[[1, 2, 3, 4], [-5, 6, -7, 8]]> : tensor<2x4xi8>}> : () -> tensor<2x4xi8>
  %b = "tosa.const"() <{value = dense<[10, -10]> : tensor<2xi48>}> : () -> tensor<2xi48>
  %f = tosa.fully_connected %x, %w, %b {quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>} : (tensor<3x4xi16>, tensor<2x4xi8>, tensor<2xi48>) -> tensor<3x2xi48>
  %r = tosa.rescale %f {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<3x2xi48>) -> tensor<3x2xi16>
  %c = tosa.clamp %r {max_int = 100 : i64, min_int = -100 : i64, min_fp = 0.0 : f32, max_fp = 0.0 : f32} : (tensor<3x2xi16>) -> tensor<3x2xi16>
  return %c : tensor<3x2xi16>
}

// -----

// 600 weights of 127: 32896 * 76200 exceeds int32, where the split layer
// could differ from the int48 result.
func.func @accumulator_too_wide(%x: tensor<1x600xi16>) -> tensor<1x1xi16> {
  %w = "tosa.const"() <{value = dense<127> : tensor<1x600xi8>}> : () -> tensor<1x600xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<1xi48>}> : () -> tensor<1xi48>
  // expected-error @+1 {{unsupported operation 'tosa.fully_connected': an int16 x int8 layer needs constant weights and bias, zero points 0, W dilation 1 and |bias| + 32896 * sum|w| within int32}}
  %f = tosa.fully_connected %x, %w, %b {quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>} : (tensor<1x600xi16>, tensor<1x600xi8>, tensor<1xi48>) -> tensor<1x1xi48>
  %r = tosa.rescale %f {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<1x1xi48>) -> tensor<1x1xi16>
  return %r : tensor<1x1xi16>
}

// -----

// 128 channels of 3x3: 147456 block-diagonal weights, beyond the 36864 the
// split depthwise takes.
func.func @depthwise_too_wide(%x: tensor<1x4x4x128xi16>) -> tensor<1x2x2x128xi16> {
  %w = "tosa.const"() <{value = dense<1> : tensor<3x3x128x1xi8>}> : () -> tensor<3x3x128x1xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<128xi48>}> : () -> tensor<128xi48>
  // expected-error @+1 {{a depthwise one at most 36864 block-diagonal weights (C^2 * KH * KW * M)}}
  %d = tosa.depthwise_conv2d %x, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x128xi16>, tensor<3x3x128x1xi8>, tensor<128xi48>) -> tensor<1x2x2x128xi48>
  %r = tosa.rescale %d {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<1x2x2x128xi48>) -> tensor<1x2x2x128xi16>
  return %r : tensor<1x2x2x128xi16>
}

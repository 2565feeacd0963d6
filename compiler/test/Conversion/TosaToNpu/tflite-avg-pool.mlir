// Tests that tosa-to-npu turns the TFLite importer's exact TOSA forms of
// int8 average pooling (raw sum, division rounded half away from zero;
// global, and windowed with per-position tap counts)
// into one vector-unit pool in TFLite mode, and leaves the ops alone when
// the rescale does not divide exactly or the form differs.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// A 2x2 window (n = 4): z = 2|acc| + 1, divided by 8 = 2^30 >> 33.
// CHECK-LABEL: func.func @global_2x2
// CHECK: %[[P:.*]] = npu.pool avg_tflite %arg0 {clamp_max = 127 : i32, clamp_min = 0 : i32, input_zp = 0 : i32, kernel = array<i64: 2, 2>, output_zp = 0 : i32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xi8>) -> tensor<1x1x1x3xi8>
// CHECK-NEXT: return %[[P]]
func.func @global_2x2(%x: tensor<1x2x2x3xi8>) -> tensor<1x1x1x3xi8> {
  %two = "tosa.const"() <{value = dense<2> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %one = "tosa.const"() <{value = dense<1> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %0 = tosa.cast %x : (tensor<1x2x2x3xi8>) -> tensor<1x2x2x3xi32>
  %1 = tosa.reduce_sum %0 {axis = 1 : i32} : (tensor<1x2x2x3xi32>) -> tensor<1x1x2x3xi32>
  %2 = tosa.reduce_sum %1 {axis = 2 : i32} : (tensor<1x1x2x3xi32>) -> tensor<1x1x1x3xi32>
  %3 = tosa.clamp %2 {max_fp = 0.0 : f32, max_int = 1 : i64, min_fp = 0.0 : f32, min_int = -1 : i64} : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %4 = tosa.abs %2 : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %5 = tosa.mul %4, %two {shift = 0 : i8} : (tensor<1x1x1x3xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x1x3xi32>
  %6 = tosa.add %5, %one : (tensor<1x1x1x3xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x1x3xi32>
  %7 = tosa.rescale %6 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 33>} : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %8 = tosa.mul %7, %3 {shift = 0 : i8} : (tensor<1x1x1x3xi32>, tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %9 = tosa.clamp %8 {max_fp = 0.0 : f32, max_int = 127 : i64, min_fp = 0.0 : f32, min_int = 0 : i64} : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %10 = tosa.cast %9 : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi8>
  return %10 : tensor<1x1x1x3xi8>
}

// -----

// The same with shift 34 (a division by 16): not the average, not fused.
// CHECK-LABEL: func.func @inexact_divider
// CHECK-NOT: npu.pool
// CHECK: npu.reduce
// CHECK: npu.rescale
func.func @inexact_divider(%x: tensor<1x2x2x3xi8>) -> tensor<1x1x1x3xi8> {
  %two = "tosa.const"() <{value = dense<2> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %one = "tosa.const"() <{value = dense<1> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %0 = tosa.cast %x : (tensor<1x2x2x3xi8>) -> tensor<1x2x2x3xi32>
  %1 = tosa.reduce_sum %0 {axis = 1 : i32} : (tensor<1x2x2x3xi32>) -> tensor<1x1x2x3xi32>
  %2 = tosa.reduce_sum %1 {axis = 2 : i32} : (tensor<1x1x2x3xi32>) -> tensor<1x1x1x3xi32>
  %3 = tosa.clamp %2 {max_fp = 0.0 : f32, max_int = 1 : i64, min_fp = 0.0 : f32, min_int = -1 : i64} : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %4 = tosa.abs %2 : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %5 = tosa.mul %4, %two {shift = 0 : i8} : (tensor<1x1x1x3xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x1x3xi32>
  %6 = tosa.add %5, %one : (tensor<1x1x1x3xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x1x3xi32>
  %7 = tosa.rescale %6 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 34>} : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %8 = tosa.mul %7, %3 {shift = 0 : i8} : (tensor<1x1x1x3xi32>, tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %9 = tosa.clamp %8 {max_fp = 0.0 : f32, max_int = 127 : i64, min_fp = 0.0 : f32, min_int = 0 : i64} : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi32>
  %10 = tosa.cast %9 : (tensor<1x1x1x3xi32>) -> tensor<1x1x1x3xi8>
  return %10 : tensor<1x1x1x3xi8>
}

// -----

// A windowed pool (2x2, stride 1, SAME on a 2x3 image): the sum by a
// depthwise convolution with ones, the tap counts 4 4 2 / 2 2 1 per output
// position in the offset and multiplier constants of one shift-3 MUL.
// CHECK-LABEL: func.func @windowed_same
// CHECK: %[[P:.*]] = npu.pool avg_tflite %arg0 {clamp_max = 127 : i32, clamp_min = -128 : i32, input_zp = 0 : i32, kernel = array<i64: 2, 2>, output_zp = 0 : i32, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x3x1xi8>) -> tensor<1x2x3x1xi8>
// CHECK-NEXT: return %[[P]]
func.func @windowed_same(%arg0: tensor<1x2x3x1xi8>) -> tensor<1x2x3x1xi8> {
  %0 = "tosa.const"() <{value = dense<1> : tensor<2x2x1x1xi8>}> : () -> tensor<2x2x1x1xi8>
  %1 = "tosa.const"() <{value = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %2 = tosa.depthwise_conv2d %arg0, %0, %1 {dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>, stride = array<i64: 1, 1>} : (tensor<1x2x3x1xi8>, tensor<2x2x1x1xi8>, tensor<1xi32>) -> tensor<1x2x3x1xi32>
  %3 = tosa.clamp %2 {max_fp = 0.000000e+00 : f32, max_int = 1 : i64, min_fp = 0.000000e+00 : f32, min_int = -1 : i64} : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %4 = tosa.abs %2 : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %5 = "tosa.const"() <{value = dense<2> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %6 = tosa.mul %4, %5 {shift = 0 : i8} : (tensor<1x2x3x1xi32>, tensor<1x1x1x1xi32>) -> tensor<1x2x3x1xi32>
  %7 = "tosa.const"() <{value = dense<[[[[1], [1], [1]], [[1], [1], [0]]]]> : tensor<1x2x3x1xi32>}> : () -> tensor<1x2x3x1xi32>
  %8 = tosa.add %6, %7 : (tensor<1x2x3x1xi32>, tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %9 = "tosa.const"() <{value = dense<[[[[1], [1], [2]], [[2], [2], [4]]]]> : tensor<1x2x3x1xi32>}> : () -> tensor<1x2x3x1xi32>
  %10 = tosa.mul %8, %9 {shift = 3 : i8} : (tensor<1x2x3x1xi32>, tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %11 = tosa.mul %10, %3 {shift = 0 : i8} : (tensor<1x2x3x1xi32>, tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %12 = tosa.clamp %11 {max_fp = 0.000000e+00 : f32, max_int = 127 : i64, min_fp = 0.000000e+00 : f32, min_int = -128 : i64} : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %13 = tosa.cast %12 : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi8>
  return %13 : tensor<1x2x3x1xi8>
}


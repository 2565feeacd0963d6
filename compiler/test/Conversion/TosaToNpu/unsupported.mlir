// Tests that tosa-to-npu rejects what the NPU cannot run with one error at
// the op: unknown ops, floating point, weight zero points, MAC results that
// are not requantized, dynamic shapes.
// RUN: npu-opt %s --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(tosa-to-npu))"

func.func @unsupported_op(%arg0: tensor<1x4xi32>) -> tensor<1x4xi32> {
  // expected-error @+1 {{unsupported operation 'tosa.reduce_prod': no NPU lowering exists for it}}
  %0 = tosa.reduce_prod %arg0 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
  %1 = tosa.add %arg0, %0 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
  return %1 : tensor<1x4xi32>
}

// -----

func.func @float(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unsupported operation 'tosa.sigmoid': the NPU computes on integers only}}
  %0 = tosa.sigmoid %arg0 : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @weight_zp(%arg0: tensor<1x4xi8>) -> tensor<1x2xi8> {
  %w = "tosa.const"() <{value = dense<1> : tensor<2x4xi8>}> : () -> tensor<2x4xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<2xi32>}> : () -> tensor<2xi32>
  // expected-error @+1 {{unsupported operation 'tosa.fully_connected': the weight zero point must be 0}}
  %0 = tosa.fully_connected %arg0, %w, %b {quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 3>} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<1x2xi32>) -> tensor<1x2xi8>
  return %1 : tensor<1x2xi8>
}

// -----

func.func @not_requantized(%arg0: tensor<1x4xi8>) -> tensor<1x2xi32> {
  %w = "tosa.const"() <{value = dense<1> : tensor<2x4xi8>}> : () -> tensor<2x4xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<2xi32>}> : () -> tensor<2xi32>
  // expected-error @+1 {{its int32 result must be requantized by a single tosa.rescale}}
  %0 = tosa.fully_connected %arg0, %w, %b {quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi32>
  return %0 : tensor<1x2xi32>
}

// -----

func.func @dynamic(%arg0: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // expected-error @+1 {{dynamic shapes are not supported ('tensor<?x4xi32>')}}
  %0 = tosa.clz %arg0 : (tensor<?x4xi32>) -> tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

// The importer's windowed average pool with the corner's multiplier for 2
// taps where it has 1: not the average, so not fused into npu.pool, and the
// depthwise sum alone has no NPU lowering.
func.func @windowed_avg_pool_wrong_count(%arg0: tensor<1x2x3x1xi8>) -> tensor<1x2x3x1xi8> {
  %0 = "tosa.const"() <{value = dense<1> : tensor<2x2x1x1xi8>}> : () -> tensor<2x2x1x1xi8>
  %1 = "tosa.const"() <{value = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  // expected-error @+1 {{unsupported operation 'tosa.depthwise_conv2d': its int32 result must be requantized by a single tosa.rescale to 8 or 16 bits (input zero point 0), which the NPU fuses}}
  %2 = tosa.depthwise_conv2d %arg0, %0, %1 {dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>, stride = array<i64: 1, 1>} : (tensor<1x2x3x1xi8>, tensor<2x2x1x1xi8>, tensor<1xi32>) -> tensor<1x2x3x1xi32>
  %3 = tosa.clamp %2 {max_fp = 0.000000e+00 : f32, max_int = 1 : i64, min_fp = 0.000000e+00 : f32, min_int = -1 : i64} : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %4 = tosa.abs %2 : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %5 = "tosa.const"() <{value = dense<2> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %6 = tosa.mul %4, %5 {shift = 0 : i8} : (tensor<1x2x3x1xi32>, tensor<1x1x1x1xi32>) -> tensor<1x2x3x1xi32>
  %7 = "tosa.const"() <{value = dense<[[[[1], [1], [1]], [[1], [1], [0]]]]> : tensor<1x2x3x1xi32>}> : () -> tensor<1x2x3x1xi32>
  %8 = tosa.add %6, %7 : (tensor<1x2x3x1xi32>, tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %9 = "tosa.const"() <{value = dense<[[[[1], [1], [2]], [[2], [2], [2]]]]> : tensor<1x2x3x1xi32>}> : () -> tensor<1x2x3x1xi32>
  %10 = tosa.mul %8, %9 {shift = 3 : i8} : (tensor<1x2x3x1xi32>, tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %11 = tosa.mul %10, %3 {shift = 0 : i8} : (tensor<1x2x3x1xi32>, tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %12 = tosa.clamp %11 {max_fp = 0.000000e+00 : f32, max_int = 127 : i64, min_fp = 0.000000e+00 : f32, min_int = -128 : i64} : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi32>
  %13 = tosa.cast %12 : (tensor<1x2x3x1xi32>) -> tensor<1x2x3x1xi8>
  return %13 : tensor<1x2x3x1xi8>
}

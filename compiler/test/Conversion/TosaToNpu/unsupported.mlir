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

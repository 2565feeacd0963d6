// Tests that tosa-to-npu folds an explicit tosa.pad of H and W by the input
// zero point into the convolution it feeds (PyTorch-exported models pad
// explicitly), and leaves any other pad alone.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// CHECK-LABEL: func.func @folded
// CHECK-NOT: npu.pad
// CHECK: npu.conv2d %arg0, {{.*}}input_zp = -5 : i32{{.*}}pad = array<i64: 1, 1, 1, 1>
func.func @folded(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x8xi8> {
  %pads = "tosa.const"() <{value = dense<[[0, 0], [1, 1], [1, 1], [0, 0]]> : tensor<4x2xi32>}> : () -> tensor<4x2xi32>
  %zp = "tosa.const"() <{value = dense<-5> : tensor<i8>}> : () -> tensor<i8>
  %p = tosa.pad %x, %pads, %zp : (tensor<1x6x6x4xi8>, tensor<4x2xi32>, tensor<i8>) -> tensor<1x8x8x4xi8>
  %w = "tosa.const"() <{value = dense<1> : tensor<8x3x3x4xi8>}> : () -> tensor<8x3x3x4xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<8xi32>}> : () -> tensor<8xi32>
  %c = tosa.conv2d %p, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, quantization_info = #tosa.conv_quant<input_zp = -5, weight_zp = 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<8x3x3x4xi8>, tensor<8xi32>) -> tensor<1x6x6x8xi32>
  %r = tosa.rescale %c {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 36>} : (tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xi8>
  return %r : tensor<1x6x6x8xi8>
}

// -----

// A pad value other than the zero point is a real value: not folded.
// CHECK-LABEL: func.func @pad_value_not_zero_point
// CHECK: npu.pad
// CHECK: npu.conv2d {{.*}}pad = array<i64: 0, 0, 0, 0>
func.func @pad_value_not_zero_point(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x8xi8> {
  %pads = "tosa.const"() <{value = dense<[[0, 0], [1, 1], [1, 1], [0, 0]]> : tensor<4x2xi32>}> : () -> tensor<4x2xi32>
  %zp = "tosa.const"() <{value = dense<0> : tensor<i8>}> : () -> tensor<i8>
  %p = tosa.pad %x, %pads, %zp : (tensor<1x6x6x4xi8>, tensor<4x2xi32>, tensor<i8>) -> tensor<1x8x8x4xi8>
  %w = "tosa.const"() <{value = dense<1> : tensor<8x3x3x4xi8>}> : () -> tensor<8x3x3x4xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<8xi32>}> : () -> tensor<8xi32>
  %c = tosa.conv2d %p, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, quantization_info = #tosa.conv_quant<input_zp = -5, weight_zp = 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<8x3x3x4xi8>, tensor<8xi32>) -> tensor<1x6x6x8xi32>
  %r = tosa.rescale %c {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 36>} : (tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xi8>
  return %r : tensor<1x6x6x8xi8>
}

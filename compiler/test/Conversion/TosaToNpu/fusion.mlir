// Tests the tosa-to-npu fusions: a MAC op with the rescale and clamp after
// it becomes one npu op carrying the requantization; TFLite-style
// element-wise add (rescale, rescale, add, rescale, clamp) becomes
// npu.eltwise; pooling absorbs its clamp.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// CHECK-LABEL: func.func @conv
// CHECK-NOT: tosa.
// CHECK: %[[R:.*]] = npu.conv2d %arg0, %{{.*}}, %{{.*}} {clamp_max = 127 : i32, clamp_min = 3 : i32, dilation = array<i64: 1, 1>, double_round = true, input_zp = -128 : i32, multiplier = array<i32: 1073741824, 1200000000>, output_zp = 3 : i32, pad = array<i64: 1, 1, 1, 1>, shift = array<i32: 35, 36>, stride = array<i64: 1, 1>}
// CHECK: return %[[R]]
func.func @conv(%arg0: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  %w = "tosa.const"() <{value = dense<1> : tensor<2x3x3x2xi8>}> : () -> tensor<2x3x3x2xi8>
  %b = "tosa.const"() <{value = dense<[5, -5]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %0 = tosa.conv2d %arg0, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, quantization_info = #tosa.conv_quant<input_zp = -128, weight_zp = 0>} : (tensor<1x4x4x2xi8>, tensor<2x3x3x2xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1200000000>, output_zp = 3 : i32, per_channel = true, scale32 = true, shift = array<i8: 35, 36>} : (tensor<1x4x4x2xi32>) -> tensor<1x4x4x2xi8>
  %2 = tosa.clamp %1 {max_fp = 0.0 : f32, max_int = 127 : i64, min_fp = 0.0 : f32, min_int = 3 : i64} : (tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %2 : tensor<1x4x4x2xi8>
}

// -----

// CHECK-LABEL: func.func @depthwise_and_fc
// CHECK: %[[D:.*]] = npu.depthwise_conv2d %arg0, {{.*}}clamp_max = 127 : i32, clamp_min = -128 : i32{{.*}}input_zp = 7 : i32
// CHECK: %[[S:.*]] = npu.reshape %[[D]] : (tensor<1x2x2x4xi8>) -> tensor<1x16xi8>
// CHECK: npu.fully_connected %[[S]], {{.*}}input_zp = -128 : i32{{.*}}output_zp = 5 : i32
func.func @depthwise_and_fc(%arg0: tensor<1x2x2x2xi8>) -> tensor<1x3xi8> {
  %w = "tosa.const"() <{value = dense<2> : tensor<1x1x2x2xi8>}> : () -> tensor<1x1x2x2xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<4xi32>}> : () -> tensor<4xi32>
  %0 = tosa.depthwise_conv2d %arg0, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, quantization_info = #tosa.conv_quant<input_zp = 7, weight_zp = 0>} : (tensor<1x2x2x2xi8>, tensor<1x1x2x2xi8>, tensor<4xi32>) -> tensor<1x2x2x4xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = -128 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<1x2x2x4xi32>) -> tensor<1x2x2x4xi8>
  %2 = tosa.reshape %1 {new_shape = array<i64: 1, 16>} : (tensor<1x2x2x4xi8>) -> tensor<1x16xi8>
  %fw = "tosa.const"() <{value = dense<1> : tensor<3x16xi8>}> : () -> tensor<3x16xi8>
  %fb = "tosa.const"() <{value = dense<0> : tensor<3xi32>}> : () -> tensor<3xi32>
  %3 = tosa.fully_connected %2, %fw, %fb {quantization_info = #tosa.conv_quant<input_zp = -128, weight_zp = 0>} : (tensor<1x16xi8>, tensor<3x16xi8>, tensor<3xi32>) -> tensor<1x3xi32>
  %4 = tosa.rescale %3 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 5 : i32, per_channel = false, scale32 = true, shift = array<i8: 33>} : (tensor<1x3xi32>) -> tensor<1x3xi8>
  return %4 : tensor<1x3xi8>
}

// -----

// CHECK-LABEL: func.func @add
// CHECK: npu.eltwise add %arg0, %arg1 {clamp_max = 127 : i32, clamp_min = -10 : i32, double_round = true, lhs_double_round = true, lhs_multiplier = 1073741824 : i32, lhs_shift = 10 : i32, lhs_zp = -4 : i32, mul_shift = 0 : i32, multiplier = array<i32: 1300000000>, output_zp = -10 : i32, rhs_double_round = true, rhs_multiplier = 1500000000 : i32, rhs_shift = 11 : i32, rhs_zp = 9 : i32, shift = array<i32: 40>}
func.func @add(%arg0: tensor<1x8xi8>, %arg1: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %0 = tosa.rescale %arg0 {double_round = true, input_zp = -4 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 10>} : (tensor<1x8xi8>) -> tensor<1x8xi32>
  %1 = tosa.rescale %arg1 {double_round = true, input_zp = 9 : i32, multiplier = array<i32: 1500000000>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 11>} : (tensor<1x8xi8>) -> tensor<1x8xi32>
  %2 = tosa.add %0, %1 : (tensor<1x8xi32>, tensor<1x8xi32>) -> tensor<1x8xi32>
  %3 = tosa.rescale %2 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1300000000>, output_zp = -10 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<1x8xi32>) -> tensor<1x8xi8>
  %4 = tosa.clamp %3 {max_fp = 0.0 : f32, max_int = 127 : i64, min_fp = 0.0 : f32, min_int = -10 : i64} : (tensor<1x8xi8>) -> tensor<1x8xi8>
  return %4 : tensor<1x8xi8>
}

// -----

// CHECK-LABEL: func.func @pool
// CHECK: npu.pool avg_tosa %arg0 {clamp_max = 100 : i32, clamp_min = -128 : i32, input_zp = -3 : i32, kernel = array<i64: 2, 2>, output_zp = 4 : i32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}
func.func @pool(%arg0: tensor<1x4x4x1xi8>) -> tensor<1x2x2x1xi8> {
  %0 = tosa.avg_pool2d %arg0 {acc_type = i32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>, quantization_info = #tosa.unary_quant<input_zp = -3, output_zp = 4>} : (tensor<1x4x4x1xi8>) -> tensor<1x2x2x1xi8>
  %1 = tosa.clamp %0 {max_fp = 0.0 : f32, max_int = 100 : i64, min_fp = 0.0 : f32, min_int = -128 : i64} : (tensor<1x2x2x1xi8>) -> tensor<1x2x2x1xi8>
  return %1 : tensor<1x2x2x1xi8>
}

// -----

// An int8 table after the requantization becomes the PPU's LUT.
// CHECK-LABEL: func.func @table_lut
// CHECK: %[[R:.*]] = npu.fully_connected {{.*}}clamp_min = 0 : i32{{.*}}lut = array<i32: -128, -127,
// CHECK-NOT: tosa.table
// CHECK: return %[[R]]
func.func @table_lut(%arg0: tensor<1x4xi8>) -> tensor<1x2xi8> {
  %w = "tosa.const"() <{value = dense<1> : tensor<2x4xi8>}> : () -> tensor<2x4xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<2xi32>}> : () -> tensor<2xi32>
  %lut = "tosa.const"() <{value = dense<[-128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<256xi8>}> : () -> tensor<256xi8>
  %0 = tosa.fully_connected %arg0, %w, %b {quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<1x2xi32>) -> tensor<1x2xi8>
  %2 = tosa.clamp %1 {max_fp = 0.0 : f32, max_int = 127 : i64, min_fp = 0.0 : f32, min_int = 0 : i64} : (tensor<1x2xi8>) -> tensor<1x2xi8>
  %3 = tosa.table %2, %lut : (tensor<1x2xi8>, tensor<256xi8>) -> tensor<1x2xi8>
  return %3 : tensor<1x2xi8>
}

// -----

// TFLite ADD as the importer writes it: each input shifted left by 20
// exactly ((x - zp) * 2^30 >> 10), then its own multiplier; one npu.eltwise
// with left_shift = 20.
// CHECK-LABEL: func.func @tflite_add
// CHECK: npu.eltwise add %arg0, %arg1 {{{.*}}left_shift = 20 : i32, lhs_double_round = true, lhs_multiplier = 1400000000 : i32, lhs_shift = 31 : i32, lhs_zp = -4 : i32{{.*}}rhs_multiplier = 1500000000 : i32, rhs_shift = 32 : i32, rhs_zp = 9 : i32
// CHECK-NOT: tosa.
func.func @tflite_add(%arg0: tensor<1x8xi8>, %arg1: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %0 = tosa.rescale %arg0 {double_round = true, input_zp = -4 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 10>} : (tensor<1x8xi8>) -> tensor<1x8xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1400000000>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 31>} : (tensor<1x8xi32>) -> tensor<1x8xi32>
  %2 = tosa.rescale %arg1 {double_round = true, input_zp = 9 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 10>} : (tensor<1x8xi8>) -> tensor<1x8xi32>
  %3 = tosa.rescale %2 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1500000000>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 32>} : (tensor<1x8xi32>) -> tensor<1x8xi32>
  %4 = tosa.add %1, %3 : (tensor<1x8xi32>, tensor<1x8xi32>) -> tensor<1x8xi32>
  %5 = tosa.rescale %4 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1300000000>, output_zp = -10 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<1x8xi32>) -> tensor<1x8xi8>
  return %5 : tensor<1x8xi8>
}

// -----

// A first rescale that rounds (multiplier 3 * 2^28) is no exact shift: the
// rescales and the add stay separate ops.
// CHECK-LABEL: func.func @inexact_shift
// CHECK-NOT: npu.eltwise
func.func @inexact_shift(%arg0: tensor<1x8xi8>, %arg1: tensor<1x8xi8>) -> tensor<1x8xi8> {
  %0 = tosa.rescale %arg0 {double_round = true, input_zp = -4 : i32, multiplier = array<i32: 805306368>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 10>} : (tensor<1x8xi8>) -> tensor<1x8xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1400000000>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 31>} : (tensor<1x8xi32>) -> tensor<1x8xi32>
  %2 = tosa.rescale %arg1 {double_round = true, input_zp = 9 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 10>} : (tensor<1x8xi8>) -> tensor<1x8xi32>
  %3 = tosa.rescale %2 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1500000000>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 32>} : (tensor<1x8xi32>) -> tensor<1x8xi32>
  %4 = tosa.add %1, %3 : (tensor<1x8xi32>, tensor<1x8xi32>) -> tensor<1x8xi32>
  %5 = tosa.rescale %4 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1300000000>, output_zp = -10 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<1x8xi32>) -> tensor<1x8xi8>
  return %5 : tensor<1x8xi8>
}

// Tests the one-to-one tosa-to-npu conversions that remain after fusion:
// integer element-wise ops, casts, reductions, tables, standalone rescale
// and clamp, layout ops; a clamp covering the whole type disappears and a
// reshape of a constant is folded.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// CHECK-LABEL: func.func @softmax_pieces
// CHECK: %[[M:.*]] = npu.reduce max %arg0 {axis = 1 : i64}
// CHECK: %[[S:.*]] = npu.alu sub %arg0, %[[M]]
// CHECK: %[[R:.*]] = npu.alu ashr %[[S]], %{{.*}} {round = true}
// CHECK: %[[Z:.*]] = npu.alu clz %[[R]]
// CHECK: %[[P:.*]] = npu.alu mul %[[Z]], %[[Z]] {shift = 31 : i32}
// CHECK: %[[C:.*]] = npu.alu copy %[[P]] : (tensor<1x4xi32>) -> tensor<1x4xi8>
// CHECK: return %[[C]]
func.func @softmax_pieces(%arg0: tensor<1x4xi32>) -> tensor<1x4xi8> {
  %k = "tosa.const"() <{value = dense<3> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
  %0 = tosa.reduce_max %arg0 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
  %1 = tosa.sub %arg0, %0 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
  %2 = tosa.arithmetic_right_shift %1, %k {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
  %3 = tosa.clz %2 : (tensor<1x4xi32>) -> tensor<1x4xi32>
  %4 = tosa.mul %3, %3 {shift = 31 : i8} : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
  %5 = tosa.cast %4 : (tensor<1x4xi32>) -> tensor<1x4xi8>
  return %5 : tensor<1x4xi8>
}

// -----

// CHECK-LABEL: func.func @rescale_clamp_table
// CHECK: %[[R:.*]] = npu.rescale %arg0 {double_round = false, input_zp = -1 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, shift = array<i32: 30>} : (tensor<2x8xi8>) -> tensor<2x8xi16>
// CHECK: %[[T:.*]] = npu.table %[[R]], %{{.*}} : (tensor<2x8xi16>, tensor<513xi16>) -> tensor<2x8xi32>
// CHECK: %[[C:.*]] = npu.clamp %[[T]] {max = 1000 : i64, min = -5 : i64}
// CHECK-NOT: npu.clamp
// CHECK: return %[[C]]
func.func @rescale_clamp_table(%arg0: tensor<2x8xi8>) -> tensor<2x8xi32> {
  %t = "tosa.const"() <{value = dense<7> : tensor<513xi16>}> : () -> tensor<513xi16>
  %0 = tosa.rescale %arg0 {double_round = false, input_zp = -1 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<2x8xi8>) -> tensor<2x8xi16>
  %1 = tosa.table %0, %t : (tensor<2x8xi16>, tensor<513xi16>) -> tensor<2x8xi32>
  %2 = tosa.clamp %1 {max_fp = 0.0 : f32, max_int = 1000 : i64, min_fp = 0.0 : f32, min_int = -5 : i64} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  %3 = tosa.clamp %2 {max_fp = 0.0 : f32, max_int = 2147483647 : i64, min_fp = 0.0 : f32, min_int = -2147483648 : i64} : (tensor<2x8xi32>) -> tensor<2x8xi32>
  return %3 : tensor<2x8xi32>
}

// -----

// CHECK-LABEL: func.func @layout
// CHECK: %[[W:.*]] = arith.constant dense<1> : tensor<1x4x4xi8>
// CHECK: %[[T:.*]] = npu.transpose %arg0 {perms = array<i64: 0, 2, 1>}
// CHECK: %[[S:.*]] = npu.slice %[[T]] {start = array<i64: 0, 1, 0>}
// CHECK: %[[P:.*]] = npu.pad %[[S]] {pad_value = -7 : i64, padding = array<i64: 0, 0, 1, 1, 0, 2>}
// CHECK: npu.concat %[[P]], %[[W]] {axis = 2 : i64}
func.func @layout(%arg0: tensor<1x2x3xi8>) -> tensor<1x4x8xi8> {
  %perms = "tosa.const"() <{value = dense<[0, 2, 1]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %0 = tosa.transpose %arg0, %perms : (tensor<1x2x3xi8>, tensor<3xi32>) -> tensor<1x3x2xi8>
  %1 = tosa.slice %0 {size = array<i64: 1, 2, 2>, start = array<i64: 0, 1, 0>} : (tensor<1x3x2xi8>) -> tensor<1x2x2xi8>
  %padding = "tosa.const"() <{value = dense<[[0, 0], [1, 1], [0, 2]]> : tensor<3x2xi32>}> : () -> tensor<3x2xi32>
  %value = "tosa.const"() <{value = dense<-7> : tensor<i8>}> : () -> tensor<i8>
  %2 = tosa.pad %1, %padding, %value : (tensor<1x2x2xi8>, tensor<3x2xi32>, tensor<i8>) -> tensor<1x4x4xi8>
  %c = "tosa.const"() <{value = dense<1> : tensor<16xi8>}> : () -> tensor<16xi8>
  %3 = tosa.reshape %c {new_shape = array<i64: 1, 4, 4>} : (tensor<16xi8>) -> tensor<1x4x4xi8>
  %4 = tosa.concat %2, %3 {axis = 2 : i32} : (tensor<1x4x4xi8>, tensor<1x4x4xi8>) -> tensor<1x4x8xi8>
  return %4 : tensor<1x4x8xi8>
}

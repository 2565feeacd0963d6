// Tests npu-cascade on npu-tiny (16 KiB IBUF): a 3x3 convolution whose
// 48x48x8 result (18,432 B) cannot stay on chip, feeding a
// 1x1 convolution, runs in row bands instead. Each band slices the rows of
// the input it needs (one more above and below, except at the image's
// edges, where the band keeps the layer's padding), runs both layers on
// them and the bands are concatenated along the rows. A chain whose
// intermediate fits on chip is left alone.
// RUN: npu-opt %s --split-input-file --npu-set-arch="arch=npu-tiny" --npu-cascade | FileCheck %s

// Two bands of 24 rows: a trial of npu-plan-sram keeps a 24-row band of
// the intermediate (9,216 B) on chip beside the first layer's input tiles.
// Band [0, 24) reads input rows [0, 25) with the top padding; [24, 48)
// reads rows [23, 48) with the bottom padding.
// CHECK-LABEL: func.func @big
// CHECK: %[[S0:.*]] = npu.slice %arg0 {start = array<i64: 0, 0, 0, 0>} : (tensor<1x48x48x1xi8>) -> tensor<1x25x48x1xi8>
// CHECK: %[[A0:.*]] = npu.conv2d %[[S0]], {{.*}}pad = array<i64: 1, 0, 1, 1>{{.*}} -> tensor<1x24x48x8xi8>
// CHECK: %[[B0:.*]] = npu.conv2d %[[A0]], {{.*}} -> tensor<1x24x48x8xi8>
// CHECK: %[[S1:.*]] = npu.slice %arg0 {start = array<i64: 0, 23, 0, 0>} : (tensor<1x48x48x1xi8>) -> tensor<1x25x48x1xi8>
// CHECK: %[[A1:.*]] = npu.conv2d %[[S1]], {{.*}}pad = array<i64: 0, 1, 1, 1>{{.*}} -> tensor<1x24x48x8xi8>
// CHECK: %[[B1:.*]] = npu.conv2d %[[A1]], {{.*}} -> tensor<1x24x48x8xi8>
// CHECK: %[[C:.*]] = npu.concat %[[B0]], %[[B1]] {axis = 1 : i64} : (tensor<1x24x48x8xi8>, tensor<1x24x48x8xi8>) -> tensor<1x48x48x8xi8>
// CHECK: return %[[C]]
func.func @big(%arg0: tensor<1x48x48x1xi8>) -> tensor<1x48x48x8xi8> {
  %w0 = arith.constant dense<1> : tensor<8x3x3x1xi8>
  %b0 = arith.constant dense<0> : tensor<8xi32>
  %w1 = arith.constant dense<1> : tensor<8x1x1x8xi8>
  %0 = npu.conv2d %arg0, %w0, %b0 {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>,
      pad = array<i64: 1, 1, 1, 1>, input_zp = 0 : i32,
      multiplier = array<i32: 1073741824>, shift = array<i32: 35>,
      output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32,
      clamp_max = 127 : i32} : (tensor<1x48x48x1xi8>, tensor<8x3x3x1xi8>, tensor<8xi32>) -> tensor<1x48x48x8xi8>
  %1 = npu.conv2d %0, %w1, %b0 {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>,
      pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i32,
      multiplier = array<i32: 1073741824>, shift = array<i32: 35>,
      output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32,
      clamp_max = 127 : i32} : (tensor<1x48x48x8xi8>, tensor<8x1x1x8xi8>, tensor<8xi32>) -> tensor<1x48x48x8xi8>
  return %1 : tensor<1x48x48x8xi8>
}

// -----

// The 16x16x8 intermediate (2,592 B with its halo) stays on chip: no bands.
// CHECK-LABEL: func.func @small
// CHECK-NOT: npu.slice
// CHECK-NOT: npu.concat
// CHECK: return
func.func @small(%arg0: tensor<1x16x16x1xi8>) -> tensor<1x16x16x8xi8> {
  %w0 = arith.constant dense<1> : tensor<8x3x3x1xi8>
  %b0 = arith.constant dense<0> : tensor<8xi32>
  %w1 = arith.constant dense<1> : tensor<8x3x3x8xi8>
  %0 = npu.conv2d %arg0, %w0, %b0 {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>,
      pad = array<i64: 1, 1, 1, 1>, input_zp = 0 : i32,
      multiplier = array<i32: 1073741824>, shift = array<i32: 35>,
      output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32,
      clamp_max = 127 : i32} : (tensor<1x16x16x1xi8>, tensor<8x3x3x1xi8>, tensor<8xi32>) -> tensor<1x16x16x8xi8>
  %1 = npu.conv2d %0, %w1, %b0 {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>,
      pad = array<i64: 1, 1, 1, 1>, input_zp = 0 : i32,
      multiplier = array<i32: 1073741824>, shift = array<i32: 35>,
      output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32,
      clamp_max = 127 : i32} : (tensor<1x16x16x8xi8>, tensor<8x3x3x8xi8>, tensor<8xi32>) -> tensor<1x16x16x8xi8>
  return %1 : tensor<1x16x16x8xi8>
}

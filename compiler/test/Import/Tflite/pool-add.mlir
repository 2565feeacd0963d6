// Tests the TFLite importer on Inputs/pool-add.json: ADD with a broadcast
// rank-1 operand and RELU, MAX_POOL_2D with SAME padding, a global
// AVERAGE_POOL_2D and SQUEEZE, and that the program compiles for the NPU.
// Hand-derived values: twice the larger input scale is 2.0, so the inputs
// are scaled by 1.0 / 2.0 = 2^-1 (shift 31) and 0.5 / 2.0 = 2^-2 (shift 32)
// after (x - zp) << 20 (multiplier 2^30, shift 10), and the sum by
// 2.0 / (2^20 * 2.0) = 2^-20 (shift 50); the 2x2 average divides
// z = 2|sum| + 1 by 2n = 8 (multiplier 2^30, shift 33).
// RUN: rm -rf %t && mkdir -p %t
// RUN: flatc -b -o %t %tflite_schema %S/Inputs/pool-add.json
// RUN: npuc %t/pool-add.bin --emit=tosa | FileCheck %s
// RUN: npuc %t/pool-add.bin --arch npu-tiny -o %t/pool-add.prog

// CHECK: tosa.rescale %arg0 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 10>}
// CHECK: tosa.rescale {{.*}}double_round = true, {{.*}}multiplier = array<i32: 1073741824>, {{.*}}shift = array<i8: 31>}
// CHECK: tosa.reshape %arg1 {new_shape = array<i64: 1, 1, 1, 2>}
// CHECK: shift = array<i8: 10>
// CHECK: tosa.rescale {{.*}}double_round = true, {{.*}}shift = array<i8: 32>}
// CHECK: tosa.add {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: tosa.rescale {{.*}}double_round = true, {{.*}}shift = array<i8: 50>} {{.*}} -> tensor<1x2x2x2xi8>
// CHECK: tosa.clamp {{.*}}max_int = 127 : i64, {{.*}}min_int = 0 : i64
// CHECK: tosa.max_pool2d {{.*}}kernel = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 1, 1>
// CHECK: tosa.cast {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: tosa.reduce_sum {{.*}}axis = 1
// CHECK: tosa.reduce_sum {{.*}}axis = 2
// CHECK: tosa.clamp {{.*}}max_int = 1 : i64, {{.*}}min_int = -1 : i64
// CHECK: tosa.abs
// CHECK: dense<2> : tensor<1x1x1x1xi32>
// CHECK: dense<1> : tensor<1x1x1x1xi32>
// CHECK: tosa.rescale {{.*}}multiplier = array<i32: 1073741824>, {{.*}}shift = array<i8: 33>}
// CHECK: tosa.mul
// CHECK: tosa.cast {{.*}} -> tensor<1x1x1x2xi8>
// CHECK: tosa.reshape {{.*}}new_shape = array<i64: 1, 2>

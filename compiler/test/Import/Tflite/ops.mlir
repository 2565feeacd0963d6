// Tests the TFLite importer on a small model built from Inputs/ops.json:
// CONV_2D (per-channel, SAME, stride 2, RELU6), DEPTHWISE_CONV_2D (depth
// multiplier 2, VALID, no bias), RESHAPE, FULLY_CONNECTED (per tensor) and
// SOFTMAX. Expected values are worked out by hand from the JSON's scales:
//   conv: 0.5 * {0.25, 0.5, 0.125} / 1.0 = 2^-3, 2^-2, 2^-4 -> multiplier
//         2^30 with shift 33, 32, 34; SAME on 4x4, 3x3, stride 2 pads 0/1;
//         RELU6 at scale 1, zero point -128 clamps to [-128, -122];
//   depthwise: 1.0 * 0.5 / 2.0 = 2^-2 -> shift 32; filter [1,2,2,6] is
//         [2,2,3,2] in TOSA;
//   fc: 2.0 * 0.75 / 3.0 = 2^-1 -> shift 31;
//   softmax: the gemmlowp constants of the reciprocal, 2r saturated as
//         gemmlowp's Rescale<0>, the >> (35 - clz).
// RUN: rm -rf %t && mkdir -p %t
// RUN: flatc -b -o %t %tflite_schema %S/Inputs/ops.json
// RUN: npuc %t/ops.bin --emit=tosa | FileCheck %s
// RUN: npuc %t/ops.bin --emit=npu | FileCheck %s --check-prefix=NPU
// RUN: npuc %t/ops.bin --arch npu-tiny --emit=asm | FileCheck %s --check-prefix=ASM
// RUN: npuc %t/ops.bin --arch npu-tiny -o %t/ops.prog
// RUN: npu-objdump --no-code %t/ops.prog | FileCheck %s --check-prefix=OBJ

// CHECK: func.func @main(%arg0: tensor<1x4x4x2xi8> {npu.name = "x", npu.scale = 5.000000e-01 : f64, npu.zero_point = -1 : i32}) -> (tensor<1x4xi8> {npu.name = "probs", npu.scale = 3.906250e-03 : f64, npu.zero_point = -128 : i32})
// CHECK: dense<[100, -200, 300]> : tensor<3xi32>
// CHECK: tosa.conv2d %arg0, {{.*}}pad = array<i64: 0, 1, 0, 1>, quantization_info = #tosa.conv_quant<input_zp = -1, weight_zp = 0>, stride = array<i64: 2, 2>}
// CHECK: tosa.rescale {{.*}}double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, output_zp = -128 : i32, per_channel = true, scale32 = true, shift = array<i8: 33, 32, 34>}
// CHECK: tosa.clamp {{.*}}max_int = -122 : i64, {{.*}}min_int = -128 : i64
// CHECK: tensor<2x2x3x2xi8>
// CHECK: tosa.depthwise_conv2d {{.*}}pad = array<i64: 0, 0, 0, 0>, quantization_info = #tosa.conv_quant<input_zp = -128, weight_zp = 0>{{.*}} -> tensor<1x1x1x6xi32>
// CHECK: tosa.rescale {{.*}}output_zp = 3 : i32, per_channel = false, scale32 = true, shift = array<i8: 32>}
// CHECK: tosa.reshape {{.*}}new_shape = array<i64: 1, 6>
// CHECK: tosa.fully_connected {{.*}}input_zp = 3, weight_zp = 0
// CHECK: tosa.rescale {{.*}}multiplier = array<i32: 1073741824>, output_zp = 0 : i32, {{.*}}shift = array<i8: 31>}
// CHECK: tosa.reduce_max {{.*}}axis = 1
// CHECK-COUNT-4: tosa.table {{.*}}tensor<513xi16>
// CHECK: tosa.reduce_sum
// CHECK: tosa.clz
// CHECK: dense<1515870810>
// CHECK: dense<-1010580540>
// CHECK: dense<1073741823>
// CHECK: tosa.minimum
// CHECK: tosa.mul {{.*}}shift = 31
// CHECK: dense<35>
// CHECK: tosa.arithmetic_right_shift
// CHECK: tosa.rescale {{.*}}npu.tflite_softmax, output_zp = -128 : i32{{.*}} -> tensor<1x4xi8>

// tosa-to-npu fuses the marked chain into one npu.softmax.
// NPU: npu.fully_connected
// NPU-NEXT: npu.softmax {{.*}}exp_table = array<i32: 2147483647,
// NPU-NOT: npu.alu

// Layers are named after the TFLite operator and located in the model.
// ASM: ; CONV_2D_0 @ {{.*}}ops.bin: operator 0 (CONV_2D)
// ASM: ; DEPTHWISE_CONV_2D_1 @ {{.*}}ops.bin: operator 1 (DEPTHWISE_CONV_2D)
// ASM: ; FULLY_CONNECTED_3 @ {{.*}}ops.bin: operator 3 (FULLY_CONNECTED)
// ASM: ; SOFTMAX_4 @ {{.*}}ops.bin: operator 4 (SOFTMAX)

// The program's tensors carry the TFLite names, scales and zero points.
// OBJ: input  0   x {{.*}}scale 0.5 zp -1
// OBJ: output 1   probs {{.*}}scale 0.00390625 zp -128

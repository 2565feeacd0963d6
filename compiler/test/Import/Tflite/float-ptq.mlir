// Tests post-training quantization of a float32 model (Inputs/float-fc.json:
// FULLY_CONNECTED with RELU, weights [[1, -0.5], [0.25, 2]], bias
// [0.25, -0.75]) from one calibration sample x = [2, -1].
// Hand-derived values:
//   input   range [-1, 2]: scale 3/255 = 0.0117647, zero point
//           round(-128 + 1 / (3/255)) = -43;
//   output  y = [2.75, -2.25], after RELU [2.75, 0]: range [0, 2.75],
//           scale 2.75/255 = 0.0107843, zero point -128;
//   weights per output channel: scale 1/127 -> [127, round(-63.5) = -64];
//           scale 2/127 -> [round(15.875) = 16, 127];
//   bias    0.25 / (3/255 * 1/127) = 2698.75 -> 2699;
//           -0.75 / (3/255 * 2/127) = -4048.125 -> -4048.
// The program keeps the float interface on both sides.
// RUN: rm -rf %t && mkdir -p %t
// RUN: flatc -b -o %t %tflite_schema %S/Inputs/float-fc.json
// RUN: %python -c "import sys; sys.path.insert(0, '%S/../../../../tests/e2e'); import npyio; npyio.write_npy('%t/calib.npy', 'f32', (1, 2), [2.0, -1.0])"
// RUN: npuc %t/float-fc.bin --calib=%t/calib.npy --emit=tosa | FileCheck %s
// RUN: npuc %t/float-fc.bin --calib=%t/calib.npy --arch npu-tiny -o %t/float-fc.prog
// RUN: not npuc %t/float-fc.bin -o %t/x.prog 2>&1 | FileCheck %s --check-prefix=NOCALIB

// CHECK: func.func @main(%arg0: tensor<1x2xi8> {npu.float_interface, npu.name = "x", npu.scale = 0.011764706{{[0-9]*}} : f64, npu.zero_point = -43 : i32}) -> (tensor<1x2xi8> {npu.float_interface, npu.name = "y", npu.scale = 0.010784314{{[0-9]*}} : f64, npu.zero_point = -128 : i32})
// CHECK: dense<[2699, -4048]> : tensor<2xi32>
// CHECK: dense<{{\[\[}}127, -64], [16, 127]]> : tensor<2x2xi8>
// CHECK: tosa.fully_connected {{.*}}input_zp = -43, weight_zp = 0

// NOCALIB: npuc: error: {{.*}}float-fc.bin: the model computes in float32: npuc quantizes it from calibration inputs; give --calib=FILE.npy|DIR

// Tests the import of TFLite's 16x8 mode (int16 activations, int8 filters)
// on a FULLY_CONNECTED built by tests/e2e/gen_tflite_ops.py's
// mac16x8_case, its scales set by hand: 0.5 (input) * 0.6 (filter) / 1.0
// (output) = 0.3 as a float, QuantizeMultiplier 1288490239 with shift -1;
// with the int64 bias TFLite Micro rounds the multiplier to 16 bits,
// (1288490239 + 2^15) >> 16 = 19661, and shifts once by 15 + 1: the TOSA
// rescale multiplier 19661 * 2^16 = 1288503296, shift 32, single rounding.
// The bias is int48, the accumulator int48. A DEPTHWISE_CONV_2D in 16x8
// mode is refused in one line.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; m = g.mac16x8_case('fc', 'fc', (2, 4), 2)[1]; t = m['subgraphs'][0]['tensors']; t[0]['quantization']['scale'] = [0.5]; t[1]['quantization']['scale'] = [1.0]; t[2]['quantization']['scale'] = [0.6]; json.dump(m, open('%t/fc.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; m = g.mac16x8_case('dw', 'conv', (1, 4, 4, 3), 3, (3, 3))[1]; m['operator_codes'][0] = {'deprecated_code': 4, 'code': 4}; m['subgraphs'][0]['operators'][0]['options_type'] = 'DepthwiseConv2DOptions'; json.dump(m, open('%t/dw.json', 'w'))"
// RUN: cd %t && flatc -b %tflite_schema fc.json dw.json
// RUN: npuc %t/fc.bin --emit=tosa | FileCheck %s
// RUN: npuc %t/fc.bin --emit=npu | FileCheck %s --check-prefix=NPU
// RUN: not npuc %t/dw.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=DW < %t/err

// CHECK: func.func @main(%arg0: tensor<2x4xi16> {{.*}}) -> (tensor<2x2xi16>
// CHECK: %[[B:.*]] = "tosa.const"() <{value = dense<{{.*}}> : tensor<2xi48>}>
// CHECK: %[[F:.*]] = tosa.fully_connected %arg0, %{{.*}}, %[[B]] {{.*}} -> tensor<2x2xi48>
// CHECK: tosa.rescale %[[F]] {double_round = false, {{.*}}multiplier = array<i32: 1288503296>{{.*}}shift = array<i8: 32>} : (tensor<2x2xi48>) -> tensor<2x2xi16>

// The split layer's worst case: 128 * 257 * (115 + 47 + 46 + 38).
// NPU: npu.conv2d {{.*}}acc_bound = 8092416 : i64{{.*}}split_input, stride = array<i64: 1, 2>}

// DW: npuc: error: {{.*}}dw.bin: operator 0 (DEPTHWISE_CONV_2D): int16 activations (16x8) are not supported for DEPTHWISE_CONV_2D yet

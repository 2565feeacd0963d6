// Tests the import of TFLite's 16x8 mode (int16 activations, int8 filters)
// on a FULLY_CONNECTED built by tests/e2e/tflite16x8_cases.py's
// mac16x8_case, its scales set by hand: 0.5 (input) * 0.6 (filter) / 1.0
// (output) = 0.3 as a float, QuantizeMultiplier 1288490239 with shift -1;
// with the int64 bias TFLite Micro rounds the multiplier to 16 bits,
// (1288490239 + 2^15) >> 16 = 19661, and shifts once by 15 + 1: the TOSA
// rescale multiplier 19661 * 2^16 = 1288503296, shift 32, single rounding.
// The bias is int48, the accumulator int48. A DEPTHWISE_CONV_2D in 16x8
// mode runs as the convolution with its block-diagonal weights. An int16
// LOGISTIC rescales by TFLite's 16-bit input multiplier (0.0004 * 4096 * 3
// = 4.9152, doubled while <= 32767 / 2: 12 times, 20132 >> 12) and looks
// up TFLite's sigmoid table twice (entry number << 7 as the int16 index).
// Refused in one line: a HARD_SWISH in 16x8 mode (TFLite has no int16
// kernel), an int16 LOGISTIC or SOFTMAX with an output scale other than
// 2^-15, an int16 LOGISTIC whose input scale needs a multiplier above
// TFLite's 16 bits, and an int16 TRANSPOSE_CONV with an int32 bias (TFLite
// Micro would read it as int64).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import tflite16x8_cases as g; m = g.mac16x8_case('fc', 'fc', (2, 4), 2)[1]; t = m['subgraphs'][0]['tensors']; t[0]['quantization']['scale'] = [0.5]; t[1]['quantization']['scale'] = [1.0]; t[2]['quantization']['scale'] = [0.6]; json.dump(m, open('%t/fc.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import tflite16x8_cases as g; m = g.mac16x8_case('dw', 'dw', (1, 4, 4, 3), 3, (3, 3), padding='SAME')[1]; json.dump(m, open('%t/dw.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g, tflite16x8_cases as c; json.dump(c.as16x8(g.unary_case(117, None, (2, 3), (2, 3), (0.1, 0), (0.1, 0))), open('%t/hswish.json', 'w')); json.dump(c.as16x8(g.unary_case(14, None, (2, 3), (2, 3), (0.0004, 0), (c.Q15, 0))), open('%t/logistic.json', 'w')); json.dump(c.as16x8(g.unary_case(14, None, (2, 3), (2, 3), (0.0004, 0), (1 / 256, 0))), open('%t/logistic256.json', 'w')); json.dump(c.as16x8(g.unary_case(25, 'SoftmaxOptions', (2, 3), (2, 3), (0.0004, 0), (1 / 65536, 0), options={'beta': 1.0})), open('%t/softmax.json', 'w')); json.dump(c.pool16x8_case('avg', 1, (1, 5, 5, 3), (1, 3, 3, 3), 'SAME', (3, 3), (2, 2))[1], open('%t/avg.json', 'w')); json.dump(c.as16x8(g.unary_case(14, None, (2, 3), (2, 3), (10.0, 0), (c.Q15, 0))), open('%t/logistic_big.json', 'w')); m = c.transpose_conv16x8_case('tc', (1, 3, 3, 4), (6, 6), 5, (2, 2), (2, 2), 'VALID')[1]; t = [t for t in m['subgraphs'][0]['tensors'] if t['name'] == 'bias'][0]; t['type'] = 'INT32'; m['buffers'][t['buffer']] = g.int_buffer([1] * 5); json.dump(m, open('%t/tc32.json', 'w'))"
// RUN: cd %t && flatc -b %tflite_schema fc.json dw.json hswish.json logistic.json logistic256.json softmax.json avg.json logistic_big.json tc32.json
// RUN: npuc %t/fc.bin --emit=tosa | FileCheck %s
// RUN: npuc %t/fc.bin --emit=npu | FileCheck %s --check-prefix=NPU
// RUN: npuc %t/dw.bin --emit=npu | FileCheck %s --check-prefix=DW
// RUN: npuc %t/logistic.bin --emit=tosa | FileCheck %s --check-prefix=LOGISTIC
// RUN: npuc %t/avg.bin --emit=tosa | FileCheck %s --check-prefix=AVG
// RUN: not npuc %t/hswish.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=HSWISH < %t/err
// RUN: not npuc %t/logistic256.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=LOGISTIC256 < %t/err
// RUN: not npuc %t/softmax.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=SOFTMAX < %t/err
// RUN: not npuc %t/logistic_big.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=LOGISTICBIG < %t/err
// RUN: not npuc %t/tc32.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=TC32 < %t/err

// CHECK: func.func @main(%arg0: tensor<2x4xi16> {{.*}}) -> (tensor<2x2xi16>
// CHECK: %[[B:.*]] = "tosa.const"() <{value = dense<{{.*}}> : tensor<2xi48>}>
// CHECK: %[[F:.*]] = tosa.fully_connected %arg0, %{{.*}}, %[[B]] {{.*}} -> tensor<2x2xi48>
// CHECK: tosa.rescale %[[F]] {double_round = false, {{.*}}multiplier = array<i32: 1288503296>{{.*}}shift = array<i8: 32>} : (tensor<2x2xi48>) -> tensor<2x2xi16>

// The split layer's worst case: 128 * 257 * (115 + 47 + 46 + 38).
// NPU: npu.conv2d {{.*}}acc_bound = 8092416 : i64{{.*}}split_input, stride = array<i64: 1, 2>}

// Padded (SAME, 3x3) before the split; [1, 3, 3, 3] weights as a
// block-diagonal [3, 3, 6, 3] (each column twice).
// DW: npu.pad %arg0 {pad_value = 0 : i64, padding = array<i64: 0, 0, 1, 1, 1, 1, 0, 0>}
// DW: npu.conv2d {{.*}}split_input, stride = array<i64: 1, 2>} : (tensor<1x6x12x3xi8>, tensor<3x3x6x3xi8>, tensor<3xi32>) -> tensor<1x4x4x3xi16>

// LOGISTIC: %[[V:.*]] = tosa.rescale %arg0 {{.*}}multiplier = array<i32: 20132>{{.*}}shift = array<i8: 12>} : (tensor<2x3xi16>) -> tensor<2x3xi32>
// LOGISTIC: tosa.abs %[[V]]
// LOGISTIC: %[[I:.*]] = tosa.cast {{.*}} -> tensor<2x3xi16>
// LOGISTIC: %[[A:.*]] = tosa.table %[[I]], %{{.*}} : (tensor<2x3xi16>, tensor<513xi16>) -> tensor<2x3xi32>
// LOGISTIC: %[[B:.*]] = tosa.table %[[I]], %{{.*}} : (tensor<2x3xi16>, tensor<513xi16>) -> tensor<2x3xi32>
// LOGISTIC: tosa.sub %[[B]], %[[A]]
// LOGISTIC: tosa.bitwise_xor
// LOGISTIC: -> tensor<2x3xi16>

// An int16 3x3 average pool: the two bytes' window sums on the int8
// depthwise unit, each exactly rescaled to int16, then 256 hi + lo + 128 n.
// AVG: tosa.arithmetic_right_shift %arg0
// AVG: tosa.bitwise_and %arg0
// AVG: tosa.depthwise_conv2d {{.*}} : (tensor<1x5x5x3xi8>, tensor<3x3x3x1xi8>, tensor<3xi32>) -> tensor<1x3x3x3xi32>
// AVG: tosa.depthwise_conv2d {{.*}} : (tensor<1x5x5x3xi8>, tensor<3x3x3x1xi8>, tensor<3xi32>) -> tensor<1x3x3x3xi32>
// AVG: tosa.logical_left_shift
// AVG: -> tensor<1x3x3x3xi16>

// HSWISH: npuc: error: {{.*}}hswish.bin: operator 0 (HARD_SWISH): input 'x' has type INT16; expected INT8
// LOGISTIC256: npuc: error: {{.*}}logistic256.bin: operator 0 (LOGISTIC): an int16 LOGISTIC needs the output scale 2^-15 (TFLite's)
// SOFTMAX: npuc: error: {{.*}}softmax.bin: operator 0 (SOFTMAX): the int16 output must have scale 2^-15, as TFLite requires
// LOGISTICBIG: npuc: error: {{.*}}logistic_big.bin: operator 0 (LOGISTIC): the input scale 10 is too large for TFLite's int16 LOGISTIC
// TC32: npuc: error: {{.*}}tc32.bin: operator 0 (TRANSPOSE_CONV): bias 'bias' has type INT32; an int16 TRANSPOSE_CONV takes INT64

// Tests the one-line errors of the operators added for issue 13 on models
// that TFLite would reject or that we do not support: MAXIMUM with inputs
// of different quantization, a STRIDED_SLICE with stride 0, a
// CONCATENATION with a fused activation, a PRELU whose alpha is not a
// constant, a TRANSPOSE_CONV filter quantized per channel along axis 3 (TFLite
// defines axis 0) and an activation quantized per axis. The
// models come from tests/e2e/gen_tflite_ops.py's builders, written by flatc.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; json.dump(g.binary_case(55, 'MaximumMinimumOptions', (2, 3), (2, 3), (2, 3), (0.1, 0), (0.2, 0), (0.1, 0)), open('%t/max.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; json.dump(g.build_multi([(4, 6)], [('begin', (2,), 'INT32', [0, 0]), ('end', (2,), 'INT32', [4, 6]), ('strides', (2,), 'INT32', [1, 0])], [('in', 0), ('const', 0), ('const', 1), ('const', 2)], [(4, 3)], 45, 'StridedSliceOptions', {}, (0.1, 0)), open('%t/strided.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; m = g.binary_case(2, 'ConcatenationOptions', (2, 3), (2, 3), (2, 6), (0.1, 0), (0.1, 0), (0.1, 0), {'axis': 1, 'activation': 'RELU'}); json.dump(m, open('%t/concat.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; json.dump(g.binary_case(54, None, (2, 3), (3,), (2, 3), (0.1, 0), (0.2, 0), (0.1, 0)), open('%t/prelu.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; m = g.transpose_conv_case('t', (1, 2, 2, 3), (4, 4), 3, (3, 3), (2, 2), 'SAME')[1]; m['subgraphs'][0]['tensors'][1]['quantization']['quantized_dimension'] = 3; json.dump(m, open('%t/axis.json', 'w'))"
// RUN: %python -c "import sys, json; sys.path.insert(0, '%S/../../../../tests/e2e'); import gen_tflite_ops as g; m = g.transpose_conv_case('t', (1, 2, 2, 3), (4, 4), 3, (3, 3), (2, 2), 'SAME')[1]; m['subgraphs'][0]['tensors'][2]['quantization'].update(scale=[0.1, 0.2, 0.3], zero_point=[0, 0, 0], quantized_dimension=3); json.dump(m, open('%t/peraxis.json', 'w'))"
// RUN: cd %t && flatc -b %tflite_schema max.json strided.json concat.json prelu.json axis.json peraxis.json
// RUN: not npuc %t/max.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=MAX < %t/err
// RUN: not npuc %t/strided.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=STRIDED < %t/err
// RUN: not npuc %t/concat.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=CONCAT < %t/err
// RUN: not npuc %t/prelu.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=PRELU < %t/err
// RUN: not npuc %t/axis.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=AXIS < %t/err
// RUN: not npuc %t/peraxis.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=PERAXIS < %t/err

// MAX: npuc: error: {{.*}}max.bin: operator 0 (MAXIMUM): inputs and output must share one scale and zero point
// STRIDED: npuc: error: {{.*}}strided.bin: operator 0 (STRIDED_SLICE): stride 0 in dimension 1
// CONCAT: npuc: error: {{.*}}concat.bin: operator 0 (CONCATENATION): a fused activation on CONCATENATION is not supported (TFLite Micro rejects it too)
// PRELU: npuc: error: {{.*}}prelu.bin: operator 0 (PRELU): alpha must be a constant
// AXIS: npuc: error: {{.*}}axis.bin: operator 0 (TRANSPOSE_CONV): filter quantization is neither per tensor nor per output channel
// PERAXIS: npuc: error: {{.*}}peraxis.bin: operator 0 (TRANSPOSE_CONV): tensor 'x' needs one quantization scale and zero point, found 3

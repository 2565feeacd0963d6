// Tests that the TFLite importer reports malformed and unsupported models as
// one line naming the model (and the operator and its index where there is
// one) with a non-zero exit: a truncated file, a file that is not a model,
// out-of-range tensor, buffer and opcode indices, a buffer of the wrong
// size, an output shape inconsistent with the operator, inconsistent
// quantization, a zero activation scale, an unsupported activation, type
// and operator, and operators out of order.
// RUN: rm -rf %t && mkdir -p %t
// RUN: head -c 5000 %models/kws_ref_model/kws_ref_model.tflite > %t/truncated.tflite
// RUN: not npuc %t/truncated.tflite --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=TRUNC < %t/err
// RUN: printf 'not a model, just some text\n' > %t/text.tflite
// RUN: not npuc %t/text.tflite --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=TEXT < %t/err
// RUN: not npuc %models/micro_speech/audio_preprocessor_int8.tflite -o %t/x.bin 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=CUSTOM < %t/err

// Malformed variants of Inputs/ops.json.
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/index.json "m['subgraphs'][0]['operators'][0]['inputs'][1] = 42"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/size.json "m['buffers'][1]['data'] = m['buffers'][1]['data'][:50]"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/buffer.json "m['subgraphs'][0]['tensors'][1]['buffer'] = 99"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/shape.json "m['subgraphs'][0]['tensors'][3]['shape'] = [1, 3, 3, 3]"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/opcode.json "m['subgraphs'][0]['operators'][2]['opcode_index'] = 9"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/quant.json "m['subgraphs'][0]['tensors'][1]['quantization']['zero_point'] = [0]"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/tanh.json "m['subgraphs'][0]['operators'][0]['options']['activation'] = 'TANH'"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/float.json "m['subgraphs'][0]['tensors'][0]['type'] = 'FLOAT32'"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/unsupported.json "m['operator_codes'][2] = {'deprecated_code': 8}"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/dequantize.json "m['operator_codes'][2] = {'deprecated_code': 6}"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/order.json "ops = m['subgraphs'][0]['operators']; ops[0], ops[1] = ops[1], ops[0]"
// RUN: %python %S/Inputs/mutate.py %S/Inputs/ops.json %t/zero.json "m['subgraphs'][0]['tensors'][0]['quantization']['scale'] = [0.0]"
// RUN: cd %t && flatc -b %tflite_schema index.json size.json buffer.json shape.json opcode.json quant.json tanh.json float.json unsupported.json dequantize.json order.json zero.json
// RUN: not npuc %t/index.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=INDEX < %t/err
// RUN: not npuc %t/size.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=SIZE < %t/err
// RUN: not npuc %t/buffer.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=BUFFER < %t/err
// RUN: not npuc %t/shape.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=SHAPE < %t/err
// RUN: not npuc %t/opcode.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=OPCODE < %t/err
// RUN: not npuc %t/quant.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=QUANT < %t/err
// RUN: not npuc %t/tanh.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=TANH < %t/err
// RUN: not npuc %t/float.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=FLOAT < %t/err
// RUN: not npuc %t/unsupported.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=NOTSUP < %t/err
// RUN: not npuc %t/dequantize.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=DEQ < %t/err
// RUN: not npuc %t/order.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=ORDER < %t/err
// RUN: not npuc %t/zero.bin --emit=tosa 2> %t/err; count 1 < %t/err; FileCheck %s --check-prefix=ZERO < %t/err

// TRUNC: npuc: error: {{.*}}truncated.tflite: malformed TFLite FlatBuffer
// TEXT: npuc: error: {{.*}}text.tflite: not a TFLite model (no 'TFL3' file identifier)
// CUSTOM: npuc: error: {{.*}}audio_preprocessor_int8.tflite: operator 0 (CUSTOM 'SignalWindow', output 'signal_window'): operator is not supported by the importer
// INDEX: npuc: error: {{.*}}index.bin: operator 0 (CONV_2D) input refers to tensor 42 but the subgraph has 12
// SIZE: npuc: error: {{.*}}size.bin: tensor 1 ('conv/w') has 50 bytes of data but shape [3, 3, 3, 2] of INT8 needs 54
// BUFFER: npuc: error: {{.*}}buffer.bin: tensor 1 ('conv/w') refers to buffer 99 but the model has 7 buffers
// SHAPE: npuc: error: {{.*}}shape.bin: operator 0 (CONV_2D): output 'conv/out' has shape [1, 3, 3, 3] but the operator computes [1, 2, 2, 3]
// OPCODE: npuc: error: {{.*}}opcode.bin: operator 2 has opcode index 9 but the model has 5 operator codes
// QUANT: npuc: error: {{.*}}quant.bin: tensor 1 ('conv/w') has 3 quantization scales but 1 zero points
// TANH: npuc: error: {{.*}}tanh.bin: operator 0 (CONV_2D): fused activation TANH is not supported
// FLOAT: npuc: error: {{.*}}float.bin: float32 input 'x' is read by operator 0, which is not a QUANTIZE to a per-tensor int8 or int16 tensor (only that conversion runs at the edge)
// NOTSUP: npuc: error: {{.*}}unsupported.bin: operator 2 (builtin operator 8, output 'flat'): operator is not supported by the importer
// DEQ: npuc: error: {{.*}}dequantize.bin: operator 2 (DEQUANTIZE): supported only from an int8 tensor to a float32 model output that nothing else reads
// ZERO: npuc: error: {{.*}}zero.bin: operator 0 (CONV_2D): tensor 'x' has quantization scale 0; activations need a positive scale
// ORDER: npuc: error: {{.*}}order.bin: operator 0 (DEPTHWISE_CONV_2D): input 0 (tensor 3 'conv/out') is neither a model input, a constant, nor produced by an earlier operator

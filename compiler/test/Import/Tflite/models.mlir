// Tests the TFLite importer on the bundled real models: the facts checked
// are read off each model (shapes, padding, strides, depth multipliers) and
// worked out by hand (TFLite SAME padding), not taken from the importer.
// RUN: npuc %models/kws_ref_model/kws_ref_model.tflite --emit=tosa | FileCheck %s --check-prefix=KWS
// RUN: npuc %models/person_detect/person_detect.tflite --emit=tosa | FileCheck %s --check-prefix=PERSON
// RUN: npuc %models/micro_speech/micro_speech_quantized.tflite --emit=tosa | FileCheck %s --check-prefix=SPEECH
// RUN: npuc %models/resnet8_cifar10/pretrainedResnet_quant.tflite --emit=tosa | FileCheck %s --check-prefix=RESNET
// RUN: npuc %models/hello_world/hello_world_int8.tflite --emit=tosa | FileCheck %s --check-prefix=HELLO

// DS-CNN: a 10x4 stride-2 SAME conv on 49x10 (output 25x5: rows pad 9 ->
// 4/5, cols pad 2 -> 1/1), per-channel over 64 filters, input zp 83.
// KWS: func.func @main(%arg0: tensor<1x49x10x1xi8> {npu.name = "input_1", {{.*}}npu.zero_point = 83 : i32})
// KWS: tosa.conv2d %arg0, {{.*}}pad = array<i64: 4, 5, 1, 1>, quantization_info = #tosa.conv_quant<input_zp = 83, weight_zp = 0>, stride = array<i64: 2, 2>}{{.*}} -> tensor<1x25x5x64xi32>
// KWS: tosa.rescale {{.*}}per_channel = true
// KWS: tosa.depthwise_conv2d {{.*}}pad = array<i64: 1, 1, 1, 1>{{.*}}tensor<3x3x64x1xi8>
// The 25x5 global average pool sums 125 values.
// KWS: tosa.reduce_sum {{.*}}axis = 1 : i32} : (tensor<1x25x5x64xi32>) -> tensor<1x1x5x64xi32>
// KWS: tosa.fully_connected {{.*}}tensor<12x64xi8>
// KWS-COUNT-4: tosa.table
// KWS: return {{.*}} : tensor<1x12xi8>

// MobileNet v1 (96x96): the first depthwise conv has depth multiplier 8
// on one input channel ([1,3,3,8] -> [3,3,1,8]), stride 2, SAME (pad 0/1).
// PERSON: tosa.depthwise_conv2d %arg0, {{.*}}pad = array<i64: 0, 1, 0, 1>, {{.*}}stride = array<i64: 2, 2>} : (tensor<1x96x96x1xi8>, tensor<3x3x1x8xi8>, tensor<8xi32>) -> tensor<1x48x48x8xi32>
// PERSON: tosa.clamp
// PERSON: return {{.*}} : tensor<1x2xi8>

// micro_speech: RESHAPE of the 1960 features to 49x40x1 first.
// SPEECH: tosa.reshape %arg0 {new_shape = array<i64: 1, 49, 40, 1>}
// SPEECH: tosa.depthwise_conv2d {{.*}}pad = array<i64: 4, 5, 3, 3>{{.*}}stride = array<i64: 2, 2>{{.*}}tensor<10x8x1x8xi8>

// ResNet-8: three residual ADDs, each input (x - zp) << 20 first.
// RESNET-COUNT-3: tosa.add {{.*}} -> tensor<1x{{[0-9]+}}x{{[0-9]+}}x{{[0-9]+}}xi32>
// RESNET: tosa.reduce_sum {{.*}}(tensor<1x8x8x64xi32>) -> tensor<1x1x8x64xi32>

// hello_world: three FULLY_CONNECTED layers, per tensor.
// HELLO-COUNT-3: tosa.fully_connected

// A one-layer TOSA network used by the npuc tests (not a test itself).
func.func @main(%arg0: tensor<1x16xi8> {iree.identifier = "x:0"}) -> (tensor<1x3xi8> {iree.identifier = "y/out"}) {
  %w = "tosa.const"() <{value = dense<3> : tensor<3x16xi8>}> : () -> tensor<3x16xi8>
  %b = "tosa.const"() <{value = dense<[1, 2, 3]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %0 = tosa.fully_connected %arg0, %w, %b {quantization_info = #tosa.conv_quant<input_zp = -128, weight_zp = 0>} : (tensor<1x16xi8>, tensor<3x16xi8>, tensor<3xi32>) -> tensor<1x3xi32>
  %1 = tosa.rescale %0 {double_round = true, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = -4 : i32, per_channel = false, scale32 = true, shift = array<i8: 40>} : (tensor<1x3xi32>) -> tensor<1x3xi8>
  return %1 : tensor<1x3xi8>
}

// A layer npu-requantize-weights has to keep (its weights are not
// constant) still needs per-channel tables; on a per-layer PPU the error
// says --rescale cannot help, instead of suggesting it.
// RUN: npu-opt %s --verify-diagnostics --pass-pipeline="builtin.module(npu-set-arch{set=ppu.rescale=per-layer},npu-requantize-weights{mode=per-layer},func.func(npu-fold-rescale))"

func.func @activation_weights(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  %b = arith.constant dense<0> : tensor<2xi32>
  // expected-error @+1 {{needs the per_channel requantization form, beyond this PPU (ppu.rescale per-layer); its weights cannot be re-quantized (TFLite's 16x8 mode or weights that are not constant)}}
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1300000000>, shift = array<i32: 30, 30>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// Tests that npu-fold-rescale refuses a layer whose requantization form the
// target's PPU lacks (ArchConfig ppu.rescale) and names the npuc option that
// fits it; a per-layer requantization fits every PPU.
// RUN: npu-opt %s --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(npu-set-arch{set=ppu.rescale=per-layer},func.func(npu-fold-rescale))"
// RUN: not npu-opt %s --split-input-file --pass-pipeline="builtin.module(npu-set-arch{set=ppu.rescale=shift-table},func.func(npu-fold-rescale))" 2>&1 | FileCheck %s --check-prefix=TABLE

// TABLE: error: needs the per_channel requantization form, beyond this PPU (ppu.rescale shift-table); compile with --rescale=wess or per-layer
func.func @per_channel(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<2xi32>) -> tensor<1x2xi8> {
  // expected-error @+1 {{needs the per_channel requantization form, beyond this PPU (ppu.rescale per-layer); compile with --rescale=per-layer}}
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1300000000>, shift = array<i32: 30, 30>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

// TABLE-NOT: error
func.func @per_layer(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<2xi32>) -> tensor<1x2xi8> {
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1200000000>, shift = array<i32: 30, 30>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

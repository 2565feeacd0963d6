// Tests npu-fold-rescale: the cheapest exact PPU form is chosen: equal
// (multiplier, shift) on every channel -> per_layer; one multiplier with
// shifts within 15 of each other -> shift_table (base shift + kshift);
// anything else -> per_channel tables.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(npu-fold-rescale))" | FileCheck %s

// CHECK-LABEL: @per_layer
// CHECK: multiplier = array<i32: 1200000000>, output_zp = 0 : i32, ppu_form = #npu<ppu_form per_layer>, shift = array<i32: 37>
func.func @per_layer(%x: tensor<1x4xi8>, %w: tensor<3x4xi8>, %b: tensor<3xi32>) -> tensor<1x3xi8> {
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1200000000, 1200000000>, shift = array<i32: 37, 37, 37>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

// CHECK-LABEL: @shift_table
// CHECK: kshift = array<i32: 4, 0, 15>, multiplier = array<i32: 1200000000>, output_zp = 0 : i32, ppu_form = #npu<ppu_form shift_table>, shift = array<i32: 30>
func.func @shift_table(%x: tensor<1x4xi8>, %w: tensor<3x4xi8>, %b: tensor<3xi32>) -> tensor<1x3xi8> {
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1200000000, 1200000000>, shift = array<i32: 34, 30, 45>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

// A shift spread of 16 does not fit the 4-bit channel shifts.
// CHECK-LABEL: @shift_spread
// CHECK: multiplier = array<i32: 1200000000, 1200000000>, output_zp = 0 : i32, ppu_form = #npu<ppu_form per_channel>, shift = array<i32: 30, 46>
func.func @shift_spread(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<2xi32>) -> tensor<1x2xi8> {
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1200000000>, shift = array<i32: 30, 46>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

// CHECK-LABEL: @per_channel
// CHECK: multiplier = array<i32: 1200000000, 1300000000>, output_zp = 0 : i32, ppu_form = #npu<ppu_form per_channel>, shift = array<i32: 30, 30>
func.func @per_channel(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<2xi32>) -> tensor<1x2xi8> {
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1200000000, 1300000000>, shift = array<i32: 30, 30>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

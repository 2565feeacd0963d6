// Tests the verifiers of the npu dialect: each malformed op is rejected
// with a diagnostic naming the problem.
// RUN: npu-opt %s --split-input-file --verify-diagnostics

func.func @shift_range(%x: tensor<1x4x4x1xi8>, %w: tensor<2x1x1x1xi8>, %b: tensor<2xi32>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{shift 63 is outside [2, 62]}}
  %0 = npu.conv2d %x, %w, %b {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i32, multiplier = array<i32: 1>, shift = array<i32: 63>, output_zp = 0 : i32, double_round = false, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4x4x1xi8>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi8>
  return %0 : tensor<1x4x4x2xi8>
}

// -----

func.func @conv_shape(%x: tensor<1x4x4x1xi8>, %w: tensor<2x3x3x1xi8>, %b: tensor<2xi32>) -> tensor<1x4x4x2xi8> {
  // expected-error @+1 {{result shape does not match the convolution (expected 2x2)}}
  %0 = npu.conv2d %x, %w, %b {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i32, multiplier = array<i32: 1>, shift = array<i32: 30>, output_zp = 0 : i32, double_round = false, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4x4x1xi8>, tensor<2x3x3x1xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi8>
  return %0 : tensor<1x4x4x2xi8>
}

// -----

func.func @channels(%x: tensor<1x4xi8>, %w: tensor<3x4xi8>, %b: tensor<3xi32>) -> tensor<1x3xi8> {
  // expected-error @+1 {{expected 1 or 3 multipliers, got 2}}
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1, 2>, shift = array<i32: 30, 30>, output_zp = 0 : i32, double_round = false, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

func.func @kshift(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<2xi32>) -> tensor<1x2xi8> {
  // expected-error @+1 {{kshift 16 is outside [0, 15]}}
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1>, shift = array<i32: 30>, kshift = array<i32: 0, 16>, ppu_form = #npu<ppu_form shift_table>, output_zp = 0 : i32, double_round = false, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<2xi32>) -> tensor<1x2xi8>
  return %0 : tensor<1x2xi8>
}

// -----

func.func @alu_arity(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'add' takes 2 operands}}
  %0 = npu.alu add %x : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @pool_kind(%x: tensor<1x4x4x1xi8>) -> tensor<1x2x2x1xi8> {
  // expected-error @+2 {{expected ::mlir::npu::PoolKind to be one of: max, avg_tosa, avg_tflite}}
  // expected-error @+1 {{failed to parse Npu_PoolKindAttr parameter 'value'}}
  %0 = npu.pool median %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i32, output_zp = 0 : i32, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4x4x1xi8>) -> tensor<1x2x2x1xi8>
  return %0 : tensor<1x2x2x1xi8>
}

// -----

func.func @transpose(%x: tensor<2x3xi8>) -> tensor<3x2xi8> {
  // expected-error @+1 {{perms is not a permutation}}
  %0 = npu.transpose %x {perms = array<i64: 0, 0>} : (tensor<2x3xi8>) -> tensor<3x2xi8>
  return %0 : tensor<3x2xi8>
}

// -----

npu.program @p attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 64} {
  npu.layer conv2d "l" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    // expected-error @+1 {{field k: 512 does not fit in 9 bits}}
    npu.instr gemm(k = 512)
  }
}

// -----

npu.program @p attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 64} {
  npu.layer conv2d "l" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    // expected-error @+1 {{unknown field 'nope'}}
    npu.instr gemm(nope = 1)
  }
}

// -----

npu.program @p attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 64} {
  npu.layer conv2d "l" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    // expected-error @+1 {{the load queue has no previous queue}}
    npu.instr dma.load(buf = ibuf) [pop_prev]
  }
}

// -----

npu.program @p attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 64} {
  npu.layer conv2d "l" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    // expected-error @+1 {{unknown mnemonic 'frob'}}
    npu.instr frob()
  }
}

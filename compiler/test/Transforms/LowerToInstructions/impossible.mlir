// Tests that a configuration whose scratchpads cannot hold one tile is a
// clear error at the op: a 25x25 window needs 625 bytes of one input
// channel; a 1 KiB double-buffered ibuf offers 512.
// RUN: npu-opt %s --verify-diagnostics --npu-set-arch="arch=npu-tiny set=sram.ibuf_kib=1" --npu-plan-memory --npu-lower-to-instructions

module {
  func.func @main(%arg0: tensor<1x25x25x1xi8>) -> tensor<1x1x1x1xi8> {
    %w = arith.constant dense<1> : tensor<1x25x25x1xi8>
    %b = arith.constant dense<0> : tensor<1xi32>
    // expected-error @+1 {{sram.ibuf_kib is too small for one 25x25 input window}}
    %0 = npu.conv2d %arg0, %w, %b {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 40>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x25x25x1xi8>, tensor<1x25x25x1xi8>, tensor<1xi32>) -> tensor<1x1x1x1xi8>
    return %0 : tensor<1x1x1x1xi8>
  }
}

// Tests npu-lower-to-instructions on a small convolution for npu-tiny
// (8x8 array): the program declares its tensors, places the re-laid-out
// weights after the activation arena, loads the PPU tables, the weights
// (resident for the layer) and the zero-point-padded input tile, then
// streams one load.weights + gemm per reduction chunk (kernel row x column
// pass), requantizes with the PPU and stores the tile.
// RUN: npu-opt %s --npu-set-arch="arch=npu-tiny" --npu-plan-memory --npu-lower-to-instructions | FileCheck %s

// K per kernel row = KW * IC = 3 * 4 = 12 -> chunks of 8 and 4 rows; three
// kernel rows -> 6 chunks; 8 output channels fit one column pass.
// CHECK: npu.program @main
// The arena holds input (64 B) and output (128 B): the weights start at
// 192, the PPU table (8 int32 biases) follows.
// CHECK-DAG: npu.segment 192 = dense<1> : tensor<288xi8>
// CHECK-DAG: npu.segment 512 = dense<[7, 0, 0, 0, 7, {{.*}}]> : tensor<32xi8>
// CHECK-DAG: npu.tensor input "arg0" : tensor<1x4x4x4xi8> at 0 {scale = 0.000000e+00 : f64, zero_point = -3 : i32}
// CHECK-DAG: npu.tensor output "output0" : tensor<1x4x4x8xi8> at 64
// CHECK: npu.layer conv2d "conv2d_L{{[0-9]+}}" attributes {acc_bits = 0 : i32, acc_bound = 0 : i64, macs = 4608 : i64, may_overflow = false}
// CHECK-NEXT: npu.instr dma.load(buf = pbuf, dram_addr = 0x200,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 0, mult = 1073741824, shift = 36, {{.*}}has_bias = 1, {{.*}}out_zp = 2, clamp_min = 2, clamp_max = 127,
// CHECK-NEXT: npu.instr dma.load(buf = wbuf, dram_addr = 0xc0, dram_row_stride = 0, dram_col_stride = 0, sram_addr = 0x0, sram_row_stride = 288, rows = 1, cols = 1, elem_bytes = 288,
// CHECK-NEXT: npu.instr dma.load(buf = ibuf, dram_addr = 0x0, dram_row_stride = 16, dram_col_stride = 4, sram_addr = 0x0, sram_row_stride = 24, rows = 4, cols = 4, elem_bytes = 4, pad_top = 1, pad_bottom = 1, pad_left = 1, pad_right = 1, pad_value = -3)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x0, w_stride = 8, rows = 8, cols = 8, int4 = 0, low_point = 0, int2 = 0)
// CHECK-NEXT: npu.instr gemm(in_addr = 0x0, in_stride_y = 24, in_stride_x = 4, out_h = 4, out_w = 4, k = 8, in_zp = -3, acc_addr = 0x0, acc_stride = 32, cols = 8, accumulate = 0, acc_shift = 0)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x40, w_stride = 8, rows = 4, cols = 8, int4 = 0, low_point = 0, int2 = 0)
// CHECK-NEXT: npu.instr gemm(in_addr = 0x8, in_stride_y = 24, in_stride_x = 4, out_h = 4, out_w = 4, k = 4, in_zp = -3, acc_addr = 0x0, acc_stride = 32, cols = 8, accumulate = 1, acc_shift = 0)
// CHECK-NEXT: npu.instr load.weights(w_addr = 0x60,
// CHECK-NEXT: npu.instr gemm(in_addr = 0x18,
// CHECK-COUNT-3: npu.instr load.weights
// CHECK: npu.instr ppu(src_addr = 0x0, src_stride = 32, pixels = 16, channels = 8, ch_offset = 0, dst_buf = obuf, dst_addr = 0x0, dst_stride = 8, transpose = 0)
// CHECK-NEXT: npu.instr dma.store(buf = obuf, dram_addr = 0x40, dram_row_stride = 0, dram_col_stride = 0, sram_addr = 0x0, sram_row_stride = 128, rows = 1, cols = 1, elem_bytes = 128)
// CHECK: npu.layer control "halt"
// CHECK-NEXT: npu.instr halt()
module {
  func.func @main(%arg0: tensor<1x4x4x4xi8>) -> tensor<1x4x4x8xi8> {
    %w = arith.constant dense<1> : tensor<8x3x3x4xi8>
    %b = arith.constant dense<7> : tensor<8xi32>
    %0 = npu.conv2d %arg0, %w, %b {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, input_zp = -3 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 36>, output_zp = 2 : i32, double_round = true, clamp_min = 2 : i32, clamp_max = 127 : i32} : (tensor<1x4x4x4xi8>, tensor<8x3x3x4xi8>, tensor<8xi32>) -> tensor<1x4x4x8xi8>
    return %0 : tensor<1x4x4x8xi8>
  }
}

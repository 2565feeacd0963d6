// Tests that npu graph ops and the instruction-level form parse, verify and
// print back identically.
// RUN: npu-opt %s | npu-opt | FileCheck %s

// CHECK-LABEL: func.func @graph
func.func @graph(%x: tensor<1x8x8x4xi8>, %w: tensor<8x3x3x4xi8>,
                 %b: tensor<8xi32>) -> tensor<1x8x8x8xi8> {
  // CHECK: npu.conv2d %{{.*}}, %{{.*}}, %{{.*}} {{{.*}}ppu_form = #npu<ppu_form shift_table>
  %0 = npu.conv2d %x, %w, %b {stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>,
      pad = array<i64: 1, 1, 1, 1>, input_zp = -3 : i32,
      multiplier = array<i32: 1073741824>, shift = array<i32: 35>,
      kshift = array<i32: 0, 1, 2, 3, 4, 5, 6, 15>, ppu_form = #npu<ppu_form shift_table>,
      output_zp = 5 : i32, double_round = true, clamp_min = 5 : i32,
      clamp_max = 127 : i32} : (tensor<1x8x8x4xi8>, tensor<8x3x3x4xi8>, tensor<8xi32>) -> tensor<1x8x8x8xi8>
  // CHECK: npu.pool avg_tosa
  %1 = npu.pool avg_tosa %0 {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>,
      pad = array<i64: 0, 1, 0, 1>, input_zp = 5 : i32, output_zp = 5 : i32,
      clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x8x8x8xi8>) -> tensor<1x8x8x8xi8>
  // CHECK: npu.alu max
  %2 = npu.alu max %1, %1 : (tensor<1x8x8x8xi8>, tensor<1x8x8x8xi8>) -> tensor<1x8x8x8xi8>
  return %2 : tensor<1x8x8x8xi8>
}

// CHECK-LABEL: npu.program @prog
// CHECK: npu.segment 0 = dense<[1, 2, 3]> : tensor<3xi8>
// CHECK: npu.tensor input "in:0" : tensor<1x4xi8> at 64
// CHECK: npu.layer conv2d "conv"
// CHECK: npu.instr gemm(in_addr = 0x28, in_stride_y = 0, in_stride_x = 0, out_h = 0, out_w = 0, k = 4, in_zp = -3, {{.*}}) [pop_prev, push_next]
// CHECK: npu.instr dma.load(buf = wbuf,
// CHECK: npu.instr vec.ecfg(op = sub, left_shift = 20, zp1 = -3, mult1 = 1073741824, shift1 = 40, double_round1 = 1, zp2 = 4, mult2 = 5, shift2 = 50, double_round2 = 0, mul_shift = 0)
// CHECK: npu.instr vec.eltwise(src1_buf = ibuf, {{.*}}, src2_buf = wbuf, {{.*}}, n_inner = 16)
// CHECK: npu.instr halt()
npu.program @prog attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 1024} {
  npu.segment 0 = dense<[1, 2, 3]> : tensor<3xi8>
  npu.tensor input "in:0" : tensor<1x4xi8> at 64 {scale = 0.5 : f64, zero_point = -1 : i32}
  npu.layer conv2d "conv" attributes {macs = 10, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr gemm(in_addr = 0x28, k = 4, in_zp = -3) [pop_prev, push_next]
    npu.instr dma.load(buf = wbuf, rows = 1, cols = 1, elem_bytes = 4)
    npu.instr vec.ecfg(op = sub, left_shift = 20, zp1 = -3, mult1 = 1073741824, shift1 = 40, double_round1 = 1, zp2 = 4, mult2 = 5, shift2 = 50)
    npu.instr vec.eltwise(src2_buf = wbuf, dst_buf = obuf, n_outer = 1, n_inner = 16)
    npu.instr halt()
  }
}

// Tests npu-prefetch: a layer's leading loads of DRAM constants move into
// the previous layer after its last load (once it computes) and after every
// instruction touching the same bytes; loads of non-constant DRAM stay.
// RUN: npu-opt %s --split-input-file --npu-prefetch | FileCheck %s

// Layer "b" starts with a weight load (constant segment at 0x100) and an
// activation load (0x0 is not a constant): only the first moves, behind
// "a"'s first compute instruction, as a piece with b's id; "a" is split around it.
// CHECK-LABEL: npu.program @moves
// CHECK:      npu.layer conv2d "a" attributes {{{.*}}id = 0
// CHECK-NEXT:   npu.instr dma.load(buf = wbuf, dram_addr = 0x0
// CHECK-NEXT:   npu.instr vec.alu(op = copy, src1_buf = wbuf
// CHECK-NEXT: }
// CHECK-NEXT: npu.layer conv2d "b" attributes {{{.*}}id = 1
// CHECK-NEXT:   npu.instr dma.load(buf = wbuf, dram_addr = 0x100
// CHECK-NEXT: }
// CHECK-NEXT: npu.layer conv2d "a" attributes {{{.*}}id = 0
// CHECK-NEXT:   npu.instr vec.alu(op = copy, src1_buf = abuf
// CHECK-NEXT: }
// CHECK-NEXT: npu.layer conv2d "b" attributes {{{.*}}id = 1
// CHECK-NEXT:   npu.instr dma.load(buf = ibuf, dram_addr = 0x0
// CHECK-NEXT:   npu.instr vec.alu
npu.program @moves attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 4096} {
  npu.segment 256 = dense<1> : tensor<16xi8>
  npu.layer conv2d "a" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr dma.load(buf = wbuf, dram_addr = 0x0, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr vec.alu(op = copy, src1_buf = wbuf, src1_addr = 0x0, src1_type = i8, dst_buf = abuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
    npu.instr vec.alu(op = copy, src1_buf = abuf, src1_addr = 0x0, src1_type = i8, dst_buf = obuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
  }
  npu.layer conv2d "b" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr dma.load(buf = wbuf, dram_addr = 0x100, sram_addr = 0x100, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x0, sram_addr = 0x100, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr vec.alu(op = copy, src1_buf = ibuf, src1_addr = 0x100, src1_type = i8, dst_buf = obuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
  }
  npu.layer control "halt" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr halt()
  }
}

// -----

// The weight load overwrites WBUF bytes "a"'s last instruction still reads:
// nothing in "a" may run after it, so nothing moves.
// CHECK-LABEL: npu.program @conflict
// CHECK:      npu.layer conv2d "a"
// CHECK-NEXT:   npu.instr dma.load
// CHECK-NEXT:   npu.instr vec.alu
// CHECK-NEXT:   npu.instr vec.alu(op = copy, src1_buf = wbuf
// CHECK-NEXT: }
// CHECK-NEXT: npu.layer conv2d "b"
// CHECK-NEXT:   npu.instr dma.load(buf = wbuf, dram_addr = 0x100
npu.program @conflict attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 4096} {
  npu.segment 256 = dense<1> : tensor<16xi8>
  npu.layer conv2d "a" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr dma.load(buf = ibuf, dram_addr = 0x0, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr vec.alu(op = copy, src1_buf = ibuf, src1_addr = 0x0, src1_type = i8, dst_buf = obuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
    npu.instr vec.alu(op = copy, src1_buf = wbuf, src1_addr = 0x0, src1_type = i8, dst_buf = obuf, dst_addr = 0x10, dst_type = i8, n_outer = 1, n_inner = 16)
  }
  npu.layer conv2d "b" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr dma.load(buf = wbuf, dram_addr = 0x100, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
  }
  npu.layer control "halt" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr halt()
  }
}

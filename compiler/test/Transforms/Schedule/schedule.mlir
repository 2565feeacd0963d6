// Tests npu-schedule: tokens follow the memory hazards between queues.
// RUN: npu-opt %s --npu-schedule | FileCheck %s

// 1. load ibuf[0,16)          -> the ALU reads it: push_next / pop_prev
// 2. alu ibuf -> obuf[0,16)   -> the store reads obuf: push_next / pop_prev
//                                 the reload of ibuf[0,16) overwrites what
//                                 the ALU read (WAR): push_prev / pop_next
// 3. store obuf -> dram[0,16)
// 4. load ibuf[0,16) again    (waits for the ALU)
// 5. load ibuf[16,32)         (independent: no flags)
// 6. load dram[0,16) -> ibuf[32,48): reads what the store wrote; load and
//    store share no FIFO, so a compute-queue token relays the dependency.
// CHECK:      npu.instr dma.load({{.*}}sram_addr = 0x0{{.*}}) [push_next]
// CHECK-NEXT: npu.instr vec.alu({{.*}}) [pop_prev, push_prev, push_next]
// CHECK-NEXT: npu.instr dma.store({{.*}}) [pop_prev, push_prev]
// CHECK-NEXT: npu.instr dma.load({{.*}}sram_addr = 0x0{{.*}}) [pop_next]
// CHECK-NEXT: npu.instr dma.load({{.*}}sram_addr = 0x10{{.*}}){{$}}
// CHECK-NEXT: npu.instr token(queue = compute) [pop_next, push_prev]
// CHECK-NEXT: npu.instr dma.load({{.*}}sram_addr = 0x20{{.*}}) [pop_next]
// CHECK-NEXT: npu.instr halt()
npu.program @p attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 4096} {
  npu.layer "l" attributes {kind = "x", macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr dma.load(buf = ibuf, dram_addr = 0x100, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr vec.alu(op = copy, src1_buf = ibuf, src1_addr = 0x0, src1_type = i8, dst_buf = obuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
    npu.instr dma.store(buf = obuf, dram_addr = 0x0, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x200, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x300, sram_addr = 0x10, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x0, sram_addr = 0x20, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr halt()
  }
}

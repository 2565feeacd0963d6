// Tests npu-schedule: tokens follow the memory hazards between queues.
// RUN: npu-opt %s --split-input-file --npu-schedule | FileCheck %s

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
  npu.layer conv2d "l" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr dma.load(buf = ibuf, dram_addr = 0x100, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr vec.alu(op = copy, src1_buf = ibuf, src1_addr = 0x0, src1_type = i8, dst_buf = obuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
    npu.instr dma.store(buf = obuf, dram_addr = 0x0, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x200, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x300, sram_addr = 0x10, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x0, sram_addr = 0x20, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr halt()
  }
}

// -----

// A relay token knows what the compute queue knows: it must not pop again
// for a store that a later compute instruction already waited for (that
// would take the token of a later pop and deadlock the queues).
// 1. alu reads ibuf[0,16)
// 2. store obuf[0,16) -> dram[0,16)
// 3. alu writes obuf[0,16)  (WAR on the store's read: pops from it)
// 4. load dram[0,16) -> ibuf[0,16): WAR on 1 and RAW on 2; the relay
//    inherits 3's knowledge of 2, so it pops nothing.
// CHECK-LABEL: npu.program @relay
// CHECK:      npu.instr vec.alu({{.*}}dst_buf = abuf{{.*}}){{$}}
// CHECK-NEXT: npu.instr dma.store({{.*}}) [push_prev]
// CHECK-NEXT: npu.instr vec.alu({{.*}}dst_buf = obuf{{.*}}) [pop_next]
// CHECK-NEXT: npu.instr token(queue = compute) [push_prev]
// CHECK-NEXT: npu.instr dma.load({{.*}}) [pop_next]
// CHECK-NEXT: npu.instr halt()
npu.program @relay attributes {arch = {}, arch_name = "x", arch_hash = 0, dram_size = 4096} {
  npu.layer conv2d "l" attributes {macs = 0, acc_bound = 0, acc_bits = 0 : i32, may_overflow = false} {
    npu.instr vec.alu(op = copy, src1_buf = ibuf, src1_addr = 0x0, src1_type = i8, dst_buf = abuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
    npu.instr dma.store(buf = obuf, dram_addr = 0x0, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr vec.alu(op = copy, src1_buf = abuf, src1_addr = 0x40, src1_type = i8, dst_buf = obuf, dst_addr = 0x0, dst_type = i8, n_outer = 1, n_inner = 16)
    npu.instr dma.load(buf = ibuf, dram_addr = 0x0, sram_addr = 0x0, rows = 1, cols = 1, elem_bytes = 16)
    npu.instr halt()
  }
}

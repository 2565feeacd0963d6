// Tests that npu.pad stays inside its working area: the fill pattern is
// made at the start of the area (IBUF 0x1000 here), not at address 0, where
// a tensor living across the pad on chip may be (found on a MobileNetV2
// whose residual tensor sat in IBUF while a PAD ran: the fill overwrote it).
// RUN: npu-opt %s --npu-set-arch="arch=npu-tiny" --npu-plan-memory --npu-lower-to-instructions | FileCheck %s

// CHECK: npu.layer pad
// The fill: padding-only DMAs into the area.
// CHECK-NEXT: npu.instr dma.load(buf = ibuf, dram_addr = 0x0, {{.*}}sram_addr = 0x1000, {{.*}}pad_value = 3
// CHECK-NOT: sram_addr = 0x0,
// CHECK: npu.instr dma.store(buf = ibuf, {{.*}}sram_addr = 0x1000,
// CHECK: npu.layer control "halt"
module {
  func.func @main(%arg0: tensor<1x4x4x8xi8>) -> tensor<1x6x6x8xi8> {
    %0 = npu.pad %arg0 {padding = array<i64: 0, 0, 1, 1, 1, 1, 0, 0>, pad_value = 3 : i64, npu.work = array<i64: 4096, 4096, 0, 0>} : (tensor<1x4x4x8xi8>) -> tensor<1x6x6x8xi8>
    return %0 : tensor<1x6x6x8xi8>
  }
}

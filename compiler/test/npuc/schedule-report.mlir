// Tests npuc --schedule-report: the cost model's table for a one-layer
// network on npu-tiny. The fully connected layer loads its PPU table and
// weights (60 constant bytes) and its input (16 bytes) from DRAM, and
// stores its 3-byte output: three loads of about one DRAM latency each
// dominate. The model uses the whole configuration compiled for, not only
// the fields the binary records: npu-tiny's 80-cycle latency, and 200
// cycles with --set dram.latency=200 (which leaves the program's bits as
// they are).
// RUN: npuc %S/Inputs/fc.mlir --arch npu-tiny -o %t.bin --schedule-report | FileCheck %s
// RUN: npuc %S/Inputs/fc.mlir --arch npu-tiny --set dram.latency=200 -o %t.bin --schedule-report | FileCheck %s --check-prefix=SLOW

// CHECK: layer {{ *}}kind {{ *}}cycles {{ *}}load {{ *}}compute {{ *}}store {{ *}}DRAM B in {{ *}}out {{ *}}weight B
// CHECK-NEXT: fully_connected_L5 {{ *}}fully_connected {{ *}}250 {{ *}}250 {{ *}}44 {{ *}}81 {{ *}}79 dram {{ *}}dram {{ *}}60
// CHECK-NEXT: predicted cycles 251, DRAM bytes 79

// SLOW: fully_connected_L5 {{ *}}fully_connected {{ *}}610 {{ *}}610 {{ *}}44 {{ *}}201 {{ *}}79 dram {{ *}}dram {{ *}}60
// SLOW-NEXT: predicted cycles 611, DRAM bytes 79

// Tests npuc --schedule-report: the cost model's table for a one-layer
// network on npu-tiny. The fully connected layer loads its PPU table and
// weights (60 constant bytes) and its input (16 bytes) from DRAM, and
// stores its 3-byte output: three loads of about one DRAM latency (100
// cycles) each dominate.
// RUN: npuc %S/Inputs/fc.mlir --arch npu-tiny -o %t.bin --schedule-report | FileCheck %s

// CHECK: layer {{ *}}kind {{ *}}cycles {{ *}}load {{ *}}compute {{ *}}store {{ *}}DRAM B in {{ *}}out {{ *}}weight B
// CHECK-NEXT: fully_connected_L5 {{ *}}fully_connected {{ *}}305 {{ *}}305 {{ *}}44 {{ *}}101 {{ *}}79 dram {{ *}}dram {{ *}}60
// CHECK-NEXT: predicted cycles 306, DRAM bytes 79

// Tests npu-plan-memory's views: a slice that cuts only the rows of a
// one-image NHWC tensor is a byte range of its input (same buffer, offset
// start row x row bytes); each part of a concatenation along the rows that
// nothing else reads is placed at its range of the result, so the copies
// disappear. A slice that cuts columns, and a part that is also read
// elsewhere, get buffers of their own.
// RUN: npu-opt %s --npu-plan-memory | FileCheck %s

// Rows of %arg0 are 8 B (4 pixels x 2 channels). %arg0: 64 B at 0.
// CHECK: func.func @main(%arg0: tensor<1x8x4x2xi8> {npu.dram = 0 : i64})
// %0: rows 2..5 of %arg0, at 0 + 2 x 8.
// CHECK: npu.slice %arg0 {npu.dram = 16 : i64
// The concatenation %4 is at 64; its first part %1 at 64, its second %3 at
// 64 + 4 rows x 8 B.
// CHECK: npu.alu copy %{{.*}} {npu.dram = 64 : i64}
// CHECK: npu.slice %arg0 {npu.dram = 0 : i64
// CHECK: npu.alu neg %{{.*}} {npu.dram = 96 : i64}
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 1 : i64, npu.dram = 64 : i64}
// Columns 2..3: not contiguous, a copy of its own after the concatenation.
// CHECK: npu.slice %arg0 {npu.dram = 128 : i64
// %6 is read twice by the concatenation and by the add: its own buffer;
// the concatenation %7 reuses %5's space, dead once %6 is computed, and
// the add goes after it.
// CHECK: npu.alu neg %{{.*}} {npu.dram = 192 : i64}
// CHECK: npu.concat %{{.*}}, %{{.*}} {axis = 2 : i64, npu.dram = 128 : i64}
// CHECK: npu.alu add %{{.*}}, %{{.*}} {npu.dram = 256 : i64}
module {
  func.func @main(%arg0: tensor<1x8x4x2xi8>) -> (tensor<1x8x4x2xi8>, tensor<1x8x4x2xi8>, tensor<1x8x2x2xi8>) {
    %0 = npu.slice %arg0 {start = array<i64: 0, 2, 0, 0>} : (tensor<1x8x4x2xi8>) -> tensor<1x4x4x2xi8>
    %1 = npu.alu copy %0 : (tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
    %2 = npu.slice %arg0 {start = array<i64: 0, 0, 0, 0>} : (tensor<1x8x4x2xi8>) -> tensor<1x4x4x2xi8>
    %3 = npu.alu neg %2 : (tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
    %4 = npu.concat %1, %3 {axis = 1 : i64} : (tensor<1x4x4x2xi8>, tensor<1x4x4x2xi8>) -> tensor<1x8x4x2xi8>
    %5 = npu.slice %arg0 {start = array<i64: 0, 0, 2, 0>} : (tensor<1x8x4x2xi8>) -> tensor<1x8x2x2xi8>
    %6 = npu.alu neg %5 : (tensor<1x8x2x2xi8>) -> tensor<1x8x2x2xi8>
    %7 = npu.concat %6, %6 {axis = 2 : i64} : (tensor<1x8x2x2xi8>, tensor<1x8x2x2xi8>) -> tensor<1x8x4x2xi8>
    %8 = npu.alu add %6, %6 : (tensor<1x8x2x2xi8>, tensor<1x8x2x2xi8>) -> tensor<1x8x2x2xi8>
    return %4, %7, %8 : tensor<1x8x4x2xi8>, tensor<1x8x4x2xi8>, tensor<1x8x2x2xi8>
  }
}

// Tests npu-plan-memory: tensors get 64-byte aligned DRAM offsets; a tensor
// whose last use is past reuses its space (first fit); reshapes alias their
// input; the input and the output keep their space for the whole program.
// RUN: npu-opt %s --npu-plan-memory | FileCheck %s

// Sizes: arg 256 B (pinned), %0 256 B, %1 (reshape of %0, same bytes),
// %2 64 B, %3 256 B (its inputs %1 and %2 are live while it runs, so it
// cannot overlap them), %4 256 B: %0/%1 are dead by then, so it reuses
// their space; it is the output (via the reshape %5) and stays there.
// CHECK: module attributes {npu.arena_size = 832 : i64}
// CHECK: func.func @main(%arg0: tensor<1x256xi8> {npu.dram = 0 : i64})
// CHECK: npu.alu copy %arg0 {npu.dram = 256 : i64}
// CHECK: npu.reshape %{{.*}} {npu.dram = 256 : i64}
// CHECK: npu.reduce sum %{{.*}} {axis = 1 : i64, npu.dram = 512 : i64}
// CHECK: npu.alu add %{{.*}}, %{{.*}} {npu.dram = 576 : i64}
// CHECK: npu.alu neg %{{.*}} {npu.dram = 256 : i64}
// CHECK: npu.reshape %{{.*}} {npu.dram = 256 : i64}
module {
  func.func @main(%arg0: tensor<1x256xi8>) -> tensor<1x256xi8> {
    %0 = npu.alu copy %arg0 : (tensor<1x256xi8>) -> tensor<1x256xi8>
    %1 = npu.reshape %0 : (tensor<1x256xi8>) -> tensor<16x16xi8>
    %2 = npu.reduce sum %1 {axis = 1 : i64} : (tensor<16x16xi8>) -> tensor<16x1xi8>
    %3 = npu.alu add %1, %2 : (tensor<16x16xi8>, tensor<16x1xi8>) -> tensor<16x16xi8>
    %4 = npu.alu neg %3 : (tensor<16x16xi8>) -> tensor<16x16xi8>
    %5 = npu.reshape %4 : (tensor<16x16xi8>) -> tensor<1x256xi8>
    return %5 : tensor<1x256xi8>
  }
}

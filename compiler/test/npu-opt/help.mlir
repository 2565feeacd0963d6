// Tests that npu-opt --help lists MLIR's opt options, the npu passes and the
// npu-compile-pipeline, and none of the options the LLVM libraries register
// on their own (code generators, ...).
// RUN: npu-opt --help | FileCheck %s
// RUN: npu-opt --help | not grep -i -e amdgpu -e aarch64 -e x86 -e nvptx -e riscv

// CHECK: OVERVIEW: npu-opt: the npu dialect's optimizer
// CHECK-DAG: --npu-compile-pipeline
// CHECK-DAG: --npu-lower-to-instructions
// CHECK-DAG: --npu-set-arch
// CHECK-DAG: --tosa-to-npu
// CHECK-DAG: --pass-pipeline=
// CHECK-DAG: --mlir-print-ir-after-all
// CHECK-DAG: --mlir-timing
// CHECK-DAG: --split-input-file
// CHECK-DAG: --verify-diagnostics

// Tests that npuc --help lists npuc's own options and MLIR's debugging
// options (IR printing around passes, timing, statistics), and none of the
// options the LLVM libraries register (code generators, ...), which stay
// accepted.
// RUN: npuc --help | FileCheck %s
// RUN: npuc --help | not grep -i -e amdgpu -e aarch64 -e x86 -e nvptx -e riscv
// RUN: npuc --help | not grep -e "--mlir-print-op-on-diagnostic" -e "--mlir-pass-pipeline-crash-reproducer"
// RUN: npuc %S/Inputs/fc.mlir --emit=npu --arch npu-tiny --x86-asm-syntax=intel | FileCheck %s --check-prefix=ACCEPTED

// CHECK: OVERVIEW: NPU compiler
// CHECK: MLIR debugging options:
// CHECK-DAG: --mlir-elide-elementsattrs-if-larger
// CHECK-DAG: --mlir-pass-statistics
// CHECK-DAG: --mlir-print-ir-after-all
// CHECK-DAG: --mlir-print-ir-before=
// CHECK-DAG: --mlir-print-ir-module-scope
// CHECK-DAG: --mlir-timing
// CHECK: npuc options:
// CHECK-DAG: --arch=<string>
// CHECK-DAG: --emit=<value>
// CHECK-DAG: --embed-input=<string>
// CHECK-DAG: -o <file>
// CHECK-DAG: --set=<string>

// ACCEPTED: npu.fully_connected

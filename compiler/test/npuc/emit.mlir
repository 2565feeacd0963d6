// Tests npuc's --emit stages on a one-layer network: the input TOSA, the
// graph-level npu dialect, the instruction-level program, the disassembly
// with its layer/location comments, and a binary npu-objdump reads back.
// RUN: npuc %S/Inputs/fc.mlir --emit=tosa | FileCheck %s --check-prefix=TOSA
// RUN: npuc %S/Inputs/fc.mlir --emit=npu --arch npu-tiny | FileCheck %s --check-prefix=NPU
// RUN: npuc %S/Inputs/fc.mlir --emit=npu-program --arch npu-tiny | FileCheck %s --check-prefix=PROG
// RUN: npuc %S/Inputs/fc.mlir --emit=asm --arch npu-tiny | FileCheck %s --check-prefix=ASM
// RUN: npuc %S/Inputs/fc.mlir -o %t.bin --arch npu-base --set array.acc_bits=24
// RUN: npu-objdump %t.bin | FileCheck %s --check-prefix=BIN

// TOSA: tosa.fully_connected
// TOSA: tosa.rescale

// NPU: npu.fully_connected %arg0, {{.*}}acc_bits = 15 : i32, acc_bound = 12240 : i64, {{.*}}ppu_form = #npu<ppu_form per_layer>

// PROG: npu.program @main
// PROG: npu.tensor input "x:0" : tensor<1x16xi8> at 0 {{.*}}zero_point = -128
// PROG: npu.tensor output "y/out" : tensor<1x3xi8> at 64 {{.*}}zero_point = -4
// PROG: npu.layer fully_connected "fully_connected_L{{[0-9]+}}"
// PROG: npu.instr gemm

// ASM: ; fully_connected_L{{[0-9]+}} @ {{.*}}fc.mlir:{{[0-9]+}}:{{[0-9]+}}
// ASM: load.weights w_addr=0x0 w_stride=3 rows=8 cols=3 int4=0 low_point=0 int2=0 pop_prev
// ASM: gemm {{.*}} k=8 in_zp=-128 {{.*}} cols=3 accumulate=0
// ASM: gemm {{.*}} k=8 in_zp=-128 {{.*}} cols=3 accumulate=1
// ASM: halt

// BIN: arch: npu-base
// BIN: array.acc_bits       24
// BIN: input  0   x:0
// BIN: output 1   y/out
// BIN: fully_connected_L{{[0-9]+}} fully_connected 48 MACs  acc bound 12240 (15 bits)

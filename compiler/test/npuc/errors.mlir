// Tests that npuc reports every bad input as one line with a location and
// exits non-zero: malformed MLIR, an unsupported op, a configuration whose
// scratchpads cannot hold a tile, an unknown preset, a missing file.
// RUN: not npuc %s -o %t.bin 2> %t.err; count 1 < %t.err; FileCheck %s --check-prefix=PARSE < %t.err
// RUN: not npuc %S/Inputs/unsupported.txt -o %t.bin 2> %t.err; count 1 < %t.err; FileCheck %s --check-prefix=UNSUP < %t.err
// RUN: not npuc %S/Inputs/big-window.txt -o %t.bin --arch npu-tiny --set sram.ibuf_kib=1 2> %t.err; count 1 < %t.err; FileCheck %s --check-prefix=CONFIG < %t.err
// RUN: not npuc %S/Inputs/fc.mlir -o %t.bin --arch npu-huge 2> %t.err; count 1 < %t.err; FileCheck %s --check-prefix=ARCH < %t.err
// RUN: not npuc %S/Inputs/missing.mlir -o %t.bin 2> %t.err; count 1 < %t.err; FileCheck %s --check-prefix=MISSING < %t.err

// PARSE: errors.mlir:17:58: error: expected '>' in tensor type
// UNSUP: unsupported.txt:3:8: error: 'tosa.reciprocal' in a float32 TOSA model: no TFLite form
// CONFIG: big-window.txt:5:8: error: sram.ibuf_kib is too small for one 25x25 input window
// ARCH: error: --arch 'npu-huge' is neither a preset
// MISSING: npuc: cannot open '{{.*}}missing.mlir'

func.func @main(%arg0: tensor<1x4xi8>) -> tensor<1x4xi8> {
  %0 = tosa.abs %arg0 : (tensor<1x4xi8>) -> tensor<1x4xi8
  return %0 : tensor<1x4xi8>
}

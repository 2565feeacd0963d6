// Tests npu-quant-report (npuc --quant-report): one JSON entry per MAC layer
// with its rescale mode, PPU form, channel shifts, weight SQNR and
// accumulator bound. Same layer as RequantizeWeights/requantize-weights.mlir:
// WESS shifts channel 1 by 2 (k = [0, 2]); the weights' SQNR is 55.270 dB;
// the bound is max_c sum|w_c| * max|x - 0| = (127 + 65) * 128 = 24576,
// 16 bits with the sign. The model as it is (exact) already has one
// multiplier and shifts 40 and 38: the shift table too, with its own weights.
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{arch=npu-tiny},npu-requantize-weights{mode=wess},func.func(npu-fold-rescale),npu-acc-bound,npu-quant-report{file=%t.json})" > /dev/null
// RUN: FileCheck %s --input-file=%t.json
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{arch=npu-tiny},func.func(npu-fold-rescale),npu-acc-bound,npu-quant-report{file=%t.exact.json})" > /dev/null
// RUN: FileCheck %s --input-file=%t.exact.json --check-prefix=EXACT
// RUN: not npu-opt %s --pass-pipeline="builtin.module(npu-set-arch,npu-quant-report{file=%t.missing/dir/r.json})" 2>&1 | FileCheck %s --check-prefix=UNWRITABLE
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{arch=npu-tiny},npu-requantize-weights{mode=wess},func.func(npu-fold-rescale),npu-acc-bound,npu-quant-report{table=true})" 2>&1 >/dev/null | FileCheck %s --check-prefix=TABLE
// On a 4-bit array with one point per weight (npu-weight-points): the
// weights become [[96, -48], [0, 0]]; at the channel scales 2^-10 and 2^-8
// the signal is (100^2 + 51^2) + 16 (3^2 + 5^2) = 13145 and the noise
// (4^2 + 3^2) + 16 (3^2 + 5^2) = 569 (units of 2^-20): 13.636 dB. The bound
// is (96 + 48) * 128 = 18432, 16 bits.
// RUN: npu-opt %s --pass-pipeline="builtin.module(npu-set-arch{arch=npu-tiny set=array.weight_bits=4},npu-weight-points{points=1},npu-acc-bound,npu-quant-report{table=true})" 2>&1 >/dev/null | FileCheck %s --check-prefix=POINTS

// CHECK:      "arch": "npu-tiny",
// CHECK:      "layers": [
// CHECK:          "acc_bits": 16,
// CHECK-NEXT:     "acc_bound": 24576,
// CHECK-NEXT:     "channels": 2,
// CHECK-NEXT:     "kshift": {
// CHECK-NEXT:       "max": 2,
// CHECK-NEXT:       "mean": 1,
// CHECK-NEXT:       "min": 0
// CHECK-NEXT:     },
// CHECK-NEXT:     "mode": "wess",
// CHECK-NEXT:     "name": "fc1",
// CHECK-NEXT:     "op": "fully_connected",
// CHECK-NEXT:     "ppu_form": "shift_table",
// CHECK-NEXT:     "weight_bits": 8,
// CHECK-NEXT:     "weight_points": {
// CHECK-NEXT:       "max": 1,
// CHECK-NEXT:       "mean": 1,
// CHECK-NEXT:       "min": 1
// CHECK-NEXT:     },
// CHECK-NEXT:     "weight_sqnr_db": 55.270{{[0-9]*}},
// CHECK-NEXT:     "weights_exact": false
// CHECK:      "ppu_rescale": "per-channel"

// EXACT:      "mode": "exact",
// EXACT:      "ppu_form": "shift_table",
// EXACT:      "weight_sqnr_db": null,
// EXACT-NEXT: "weights_exact": true

// TABLE:      layer op mode ppu form k min/mean/max w bits points w SQNR acc bits
// TABLE-NEXT: fc1 fully_connected wess shift_table 0/1.0/2 8 1/1.0/1 55.3 dB 16

// POINTS:      layer op mode ppu form k min/mean/max w bits points w SQNR acc bits
// POINTS-NEXT: fc1 fully_connected exact - 0/0.0/0 4 1/1.0/1 13.6 dB 16

// UNWRITABLE: error: cannot write the quantization report '{{.*}}r.json'
func.func @main(%x: tensor<1x2xi8>) -> tensor<1x2xi8> {
  %w = arith.constant dense<[[100, -51], [3, 5]]> : tensor<2x2xi8>
  %b = arith.constant dense<[1000, -30]> : tensor<2xi32>
  %0 = npu.fully_connected %x, %w, %b {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 40, 38>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x2xi8>, tensor<2x2xi8>, tensor<2xi32>) -> tensor<1x2xi8> loc("fc1")
  return %0 : tensor<1x2xi8>
}

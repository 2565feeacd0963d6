// Tests npu-set-arch: presets and --set overrides land in the module's
// npu.arch attribute; unknown presets and bad overrides are errors.
// RUN: npu-opt %s --npu-set-arch="arch=npu-tiny set=array.acc_bits=24,array.overflow=saturate" | FileCheck %s
// RUN: not npu-opt %s --npu-set-arch="arch=npu-huge" 2>&1 | FileCheck %s --check-prefix=PRESET
// RUN: not npu-opt %s --npu-set-arch="set=array.rows=0" 2>&1 | FileCheck %s --check-prefix=RANGE

// CHECK: module attributes {npu.arch = {
// CHECK-SAME: array.acc_bits = "24"
// CHECK-SAME: array.cols = "8"
// CHECK-SAME: array.overflow = "saturate"
// CHECK-SAME: name = "npu-tiny"
// PRESET: error: --arch 'npu-huge' is neither a preset (npu-base, npu-large, npu-tiny) nor a readable YAML file
// RANGE: error: --set array.rows=0: array.rows: 0 is out of range [1, 256] PEs
module {
}

// Tests the PBUF image npu-lower-to-instructions loads for the PPU in each
// form (per_layer, shift_table, per_channel), with and without a bias and
// a LUT, and the ppu.cfg that reads it. The expected bytes follow the
// layout of runtime/include/npu/Isa/PpuTable.h, worked out by hand below:
// tables in the order bias (int32 LE per channel), mult (int32 LE per
// channel) and shift (uint8 per channel) in the per-channel form, kshift
// (uint8 per channel) in the shift-table form, then the LUT (256 x int8,
// index value + 128); each table starts 4-byte aligned. The image is
// loaded at PBUF 0, so the addresses in ppu.cfg are offsets in the image.
// Segments print as i8 (in decimal, never hex), so a byte b >= 128 reads
// b - 256.
//
// DRAM (npu-tiny): the arena holds the 1x4 input and the 1x3 output, each
// 64-byte aligned: 128 bytes. fully_connected places its K x OC = 4 x 3
// weight matrix at 128 (12 bytes, next segment at 192 = 0xc0); matmul's
// constant b (12 bytes) is placed at 128 the same way. The PBUF image is
// the next segment: 192 = 0xc0.
//
// The LUT of these tests is the identity: lut[v + 128] = v, bytes -128,
// -127, ..., 127.
// RUN: npu-opt %s --split-input-file --npu-set-arch="arch=npu-tiny" --npu-plan-memory --npu-lower-to-instructions --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s

// per_layer with a bias: bias 10, -2, 300 at 0 (0a 00 00 00, fe ff ff ff,
// 2c 01 00 00); 12 bytes. mult and shift are the registers.
// CHECK-LABEL: npu.program @main
// CHECK: npu.segment 192 = dense<[10, 0, 0, 0, -2, -1, -1, -1, 44, 1, 0, 0]> : tensor<12xi8>
// CHECK: npu.instr dma.load(buf = pbuf, dram_addr = 0xc0, {{.*}}elem_bytes = 12,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 0, mult = 1073741824, shift = 33, mult_addr = 0x0, shift_addr = 0x0, has_bias = 1, bias_addr = 0x0, has_kshift = 0, kshift_addr = 0x0, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 0, lut_addr = 0x0, double_round = 1)
func.func @main(%x: tensor<1x4xi8>) -> tensor<1x3xi8> {
  %w = arith.constant dense<1> : tensor<3x4xi8>
  %bias = arith.constant dense<[10, -2, 300]> : tensor<3xi32>
  %0 = npu.fully_connected %x, %w, %bias {input_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 33>, ppu_form = #npu<ppu_form per_layer>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

// per_layer with a LUT and no bias (matmul): the LUT alone at 0, 256 bytes.
// CHECK-LABEL: npu.program @main
// CHECK: npu.segment 192 = dense<[-128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<256xi8>
// CHECK: npu.instr dma.load(buf = pbuf, dram_addr = 0xc0, {{.*}}elem_bytes = 256,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 0, mult = 1073741824, shift = 33, mult_addr = 0x0, shift_addr = 0x0, has_bias = 0, bias_addr = 0x0, has_kshift = 0, kshift_addr = 0x0, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 1, lut_addr = 0x0, double_round = 1)
func.func @main(%a: tensor<1x1x4xi8>) -> tensor<1x1x3xi8> {
  %b = arith.constant dense<1> : tensor<1x4x3xi8>
  %0 = npu.matmul %a, %b {a_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 33>, ppu_form = #npu<ppu_form per_layer>, lut = array<i32: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x1x4xi8>, tensor<1x4x3xi8>) -> tensor<1x1x3xi8>
  return %0 : tensor<1x1x3xi8>
}

// -----

// per_layer without bias or LUT: no table, nothing loaded into PBUF (the
// only segment is b).
// CHECK-LABEL: npu.program @main
// CHECK-NOT: buf = pbuf
// CHECK: npu.instr ppu.cfg(per_channel = 0, mult = 1073741824, shift = 33, mult_addr = 0x0, shift_addr = 0x0, has_bias = 0, bias_addr = 0x0, has_kshift = 0, kshift_addr = 0x0, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 0, lut_addr = 0x0, double_round = 1)
// CHECK-NOT: buf = pbuf
// CHECK: npu.layer control "halt"
func.func @main(%a: tensor<1x1x4xi8>) -> tensor<1x1x3xi8> {
  %b = arith.constant dense<1> : tensor<1x4x3xi8>
  %0 = npu.matmul %a, %b {a_zp = 0 : i32, multiplier = array<i32: 1073741824>, shift = array<i32: 33>, ppu_form = #npu<ppu_form per_layer>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x1x4xi8>, tensor<1x4x3xi8>) -> tensor<1x1x3xi8>
  return %0 : tensor<1x1x3xi8>
}

// -----

// shift_table with a bias and a LUT: bias 1, 2, 3 at 0 (12 bytes), kshift
// 4, 0, 15 at 12 = 0xc plus one alignment byte, the LUT at 16 = 0x10; 272
// bytes. The shift register holds the base shift.
// CHECK-LABEL: npu.program @main
// CHECK: npu.segment 192 = dense<[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 15, 0, -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<272xi8>
// CHECK: npu.instr dma.load(buf = pbuf, dram_addr = 0xc0, {{.*}}elem_bytes = 272,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 0, mult = 1200000000, shift = 30, mult_addr = 0x0, shift_addr = 0x0, has_bias = 1, bias_addr = 0x0, has_kshift = 1, kshift_addr = 0xc, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 1, lut_addr = 0x10, double_round = 1)
func.func @main(%x: tensor<1x4xi8>) -> tensor<1x3xi8> {
  %w = arith.constant dense<1> : tensor<3x4xi8>
  %bias = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  %0 = npu.fully_connected %x, %w, %bias {input_zp = 0 : i32, multiplier = array<i32: 1200000000>, shift = array<i32: 30>, kshift = array<i32: 4, 0, 15>, ppu_form = #npu<ppu_form shift_table>, lut = array<i32: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

// shift_table alone (matmul): kshift 4, 0, 15 at 0 plus one alignment byte.
// CHECK-LABEL: npu.program @main
// CHECK: npu.segment 192 = dense<[4, 0, 15, 0]> : tensor<4xi8>
// CHECK: npu.instr dma.load(buf = pbuf, dram_addr = 0xc0, {{.*}}elem_bytes = 4,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 0, mult = 1200000000, shift = 30, mult_addr = 0x0, shift_addr = 0x0, has_bias = 0, bias_addr = 0x0, has_kshift = 1, kshift_addr = 0x0, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 0, lut_addr = 0x0, double_round = 1)
func.func @main(%a: tensor<1x1x4xi8>) -> tensor<1x1x3xi8> {
  %b = arith.constant dense<1> : tensor<1x4x3xi8>
  %0 = npu.matmul %a, %b {a_zp = 0 : i32, multiplier = array<i32: 1200000000>, shift = array<i32: 30>, kshift = array<i32: 4, 0, 15>, ppu_form = #npu<ppu_form shift_table>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x1x4xi8>, tensor<1x4x3xi8>) -> tensor<1x1x3xi8>
  return %0 : tensor<1x1x3xi8>
}

// -----

// per_channel with a bias: bias -1, 0, 1 at 0 (ff ff ff ff, 00 00 00 00,
// 01 00 00 00); multipliers at 12 = 0xc: 1073741824 = 0x40000000 (00 00 00
// 40), 1200000000 = 0x47868c00 (00 8c 86 47), 1300000000 = 0x4d7c6d00 (00
// 6d 7c 4d); shifts 30, 31, 32 at 24 = 0x18 plus one alignment byte; 28
// bytes. The registers hold channel 0's multiplier and shift.
// CHECK-LABEL: npu.program @main
// CHECK: npu.segment 192 = dense<[-1, -1, -1, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64, 0, -116, -122, 71, 0, 109, 124, 77, 30, 31, 32, 0]> : tensor<28xi8>
// CHECK: npu.instr dma.load(buf = pbuf, dram_addr = 0xc0, {{.*}}elem_bytes = 28,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 1, mult = 1073741824, shift = 30, mult_addr = 0xc, shift_addr = 0x18, has_bias = 1, bias_addr = 0x0, has_kshift = 0, kshift_addr = 0x0, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 0, lut_addr = 0x0, double_round = 1)
func.func @main(%x: tensor<1x4xi8>) -> tensor<1x3xi8> {
  %w = arith.constant dense<1> : tensor<3x4xi8>
  %bias = arith.constant dense<[-1, 0, 1]> : tensor<3xi32>
  %0 = npu.fully_connected %x, %w, %bias {input_zp = 0 : i32, multiplier = array<i32: 1073741824, 1200000000, 1300000000>, shift = array<i32: 30, 31, 32>, ppu_form = #npu<ppu_form per_channel>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x4xi8>, tensor<3x4xi8>, tensor<3xi32>) -> tensor<1x3xi8>
  return %0 : tensor<1x3xi8>
}

// -----

// per_channel with a LUT and no bias (matmul): multipliers at 0 (as above),
// shifts 30, 31, 32 at 12 = 0xc plus one alignment byte, the LUT at 16 =
// 0x10; 272 bytes.
// CHECK-LABEL: npu.program @main
// CHECK: npu.segment 192 = dense<[0, 0, 0, 64, 0, -116, -122, 71, 0, 109, 124, 77, 30, 31, 32, 0, -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127]> : tensor<272xi8>
// CHECK: npu.instr dma.load(buf = pbuf, dram_addr = 0xc0, {{.*}}elem_bytes = 272,
// CHECK-NEXT: npu.instr ppu.cfg(per_channel = 1, mult = 1073741824, shift = 30, mult_addr = 0x0, shift_addr = 0xc, has_bias = 0, bias_addr = 0x0, has_kshift = 0, kshift_addr = 0x0, out_type = i8, out_zp = 0, clamp_min = -128, clamp_max = 127, has_lut = 1, lut_addr = 0x10, double_round = 1)
func.func @main(%a: tensor<1x1x4xi8>) -> tensor<1x1x3xi8> {
  %b = arith.constant dense<1> : tensor<1x4x3xi8>
  %0 = npu.matmul %a, %b {a_zp = 0 : i32, multiplier = array<i32: 1073741824, 1200000000, 1300000000>, shift = array<i32: 30, 31, 32>, ppu_form = #npu<ppu_form per_channel>, lut = array<i32: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>, output_zp = 0 : i32, double_round = true, clamp_min = -128 : i32, clamp_max = 127 : i32} : (tensor<1x1x4xi8>, tensor<1x4x3xi8>) -> tensor<1x1x3xi8>
  return %0 : tensor<1x1x3xi8>
}

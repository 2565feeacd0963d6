// Tests that tosa-to-npu fuses the TFLite importer's integer softmax (the
// chain EmitSoftmax.cpp writes, its final rescale marked npu.tflite_softmax)
// into npu.softmax, the exponential rebuilt as one table over
// d = max(x) - x, and leaves the chain alone without the marker or when
// a part differs. The
// byte tables here are zero but the last, whose entry i is i: term 4 is
// (T[256 - d] << 7) >> 7 rounded, so exp_table[d] = 256 - d.
// RUN: npu-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-npu))" | FileCheck %s

// CHECK-LABEL: func.func @marked
// CHECK-NEXT: %[[Y:.*]] = npu.softmax %arg0 {exp_table = array<i32: 256, 255, 254, 253,
// CHECK-SAME: 2, 1>} : (tensor<1x4xi8>) -> tensor<1x4xi8>
// CHECK-NEXT: return %[[Y]]
func.func @marked(%arg0: tensor<1x4xi8>) -> tensor<1x4xi8> {
    %14 = tosa.cast %arg0 : (tensor<1x4xi8>) -> tensor<1x4xi32>
    %15 = tosa.reduce_max %14 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
    %16 = tosa.sub %14, %15 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %17 = tosa.rescale %16 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 23>} : (tensor<1x4xi32>) -> tensor<1x4xi16>
    %18 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %19 = tosa.table %17, %18 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %20 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %21 = tosa.table %17, %20 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %22 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %23 = tosa.table %17, %22 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %24 = "tosa.const"() <{value = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512]> : tensor<513xi16>}> : () -> tensor<513xi16>
    %25 = tosa.table %17, %24 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %26 = "tosa.const"() <{value = dense<9> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %27 = tosa.logical_left_shift %21, %26 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %28 = "tosa.const"() <{value = dense<17> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %29 = tosa.logical_left_shift %19, %28 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %30 = tosa.add %29, %27 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %31 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %32 = tosa.logical_left_shift %23, %31 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %33 = tosa.add %30, %32 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %34 = "tosa.const"() <{value = dense<7> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %35 = tosa.arithmetic_right_shift %25, %34 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %36 = tosa.add %33, %35 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %37 = "tosa.const"() <{value = dense<12> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %38 = tosa.arithmetic_right_shift %36, %37 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %39 = tosa.reduce_sum %38 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
    %40 = tosa.clz %39 : (tensor<1x1xi32>) -> tensor<1x1xi32>
    %41 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %42 = tosa.sub %40, %41 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %43 = tosa.logical_left_shift %39, %42 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %44 = "tosa.const"() <{value = dense<1515870810> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %45 = "tosa.const"() <{value = dense<-1010580540> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %46 = tosa.mul %43, %45 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %47 = tosa.add %46, %44 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %48 = tosa.mul %47, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %49 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %50 = tosa.sub %49, %48 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %51 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %52 = tosa.mul %47, %50 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %53 = tosa.mul %52, %51 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %54 = tosa.add %47, %53 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %55 = tosa.mul %54, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %56 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %57 = tosa.sub %56, %55 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %58 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %59 = tosa.mul %54, %57 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %60 = tosa.mul %59, %58 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %61 = tosa.add %54, %60 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %62 = tosa.mul %61, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %63 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %64 = tosa.sub %63, %62 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %65 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %66 = tosa.mul %61, %64 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %67 = tosa.mul %66, %65 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %68 = tosa.add %61, %67 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %69 = "tosa.const"() <{value = dense<1073741823> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %70 = tosa.minimum %68, %69 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %71 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %72 = tosa.logical_left_shift %70, %71 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %73 = "tosa.const"() <{value = dense<30> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %74 = tosa.arithmetic_right_shift %68, %73 {round = false} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %75 = tosa.add %72, %74 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %76 = tosa.mul %36, %75 {shift = 31 : i8} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %77 = "tosa.const"() <{value = dense<35> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %78 = tosa.sub %77, %40 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %79 = tosa.arithmetic_right_shift %76, %78 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %80 = tosa.rescale %79 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, npu.tflite_softmax, output_zp = -128 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
    return %80 : tensor<1x4xi8>
}

// -----

// CHECK-LABEL: func.func @unmarked
// CHECK-NOT: npu.softmax
// CHECK: npu.table
// CHECK: npu.rescale
func.func @unmarked(%arg0: tensor<1x4xi8>) -> tensor<1x4xi8> {
    %14 = tosa.cast %arg0 : (tensor<1x4xi8>) -> tensor<1x4xi32>
    %15 = tosa.reduce_max %14 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
    %16 = tosa.sub %14, %15 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %17 = tosa.rescale %16 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 23>} : (tensor<1x4xi32>) -> tensor<1x4xi16>
    %18 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %19 = tosa.table %17, %18 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %20 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %21 = tosa.table %17, %20 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %22 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %23 = tosa.table %17, %22 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %24 = "tosa.const"() <{value = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512]> : tensor<513xi16>}> : () -> tensor<513xi16>
    %25 = tosa.table %17, %24 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %26 = "tosa.const"() <{value = dense<9> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %27 = tosa.logical_left_shift %21, %26 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %28 = "tosa.const"() <{value = dense<17> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %29 = tosa.logical_left_shift %19, %28 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %30 = tosa.add %29, %27 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %31 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %32 = tosa.logical_left_shift %23, %31 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %33 = tosa.add %30, %32 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %34 = "tosa.const"() <{value = dense<7> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %35 = tosa.arithmetic_right_shift %25, %34 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %36 = tosa.add %33, %35 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %37 = "tosa.const"() <{value = dense<12> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %38 = tosa.arithmetic_right_shift %36, %37 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %39 = tosa.reduce_sum %38 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
    %40 = tosa.clz %39 : (tensor<1x1xi32>) -> tensor<1x1xi32>
    %41 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %42 = tosa.sub %40, %41 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %43 = tosa.logical_left_shift %39, %42 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %44 = "tosa.const"() <{value = dense<1515870810> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %45 = "tosa.const"() <{value = dense<-1010580540> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %46 = tosa.mul %43, %45 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %47 = tosa.add %46, %44 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %48 = tosa.mul %47, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %49 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %50 = tosa.sub %49, %48 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %51 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %52 = tosa.mul %47, %50 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %53 = tosa.mul %52, %51 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %54 = tosa.add %47, %53 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %55 = tosa.mul %54, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %56 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %57 = tosa.sub %56, %55 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %58 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %59 = tosa.mul %54, %57 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %60 = tosa.mul %59, %58 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %61 = tosa.add %54, %60 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %62 = tosa.mul %61, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %63 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %64 = tosa.sub %63, %62 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %65 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %66 = tosa.mul %61, %64 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %67 = tosa.mul %66, %65 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %68 = tosa.add %61, %67 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %69 = "tosa.const"() <{value = dense<1073741823> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %70 = tosa.minimum %68, %69 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %71 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %72 = tosa.logical_left_shift %70, %71 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %73 = "tosa.const"() <{value = dense<30> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %74 = tosa.arithmetic_right_shift %68, %73 {round = false} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %75 = tosa.add %72, %74 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %76 = tosa.mul %36, %75 {shift = 31 : i8} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %77 = "tosa.const"() <{value = dense<35> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %78 = tosa.sub %77, %40 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %79 = tosa.arithmetic_right_shift %76, %78 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %80 = tosa.rescale %79 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = -128 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
    return %80 : tensor<1x4xi8>
}

// -----

// A marked chain whose index is not (x - max) * 128 is left alone.
// CHECK-LABEL: func.func @marked_index_not_times_128
// CHECK-NOT: npu.softmax
// CHECK: npu.table
func.func @marked_index_not_times_128(%arg0: tensor<1x4xi8>) -> tensor<1x4xi8> {
    %14 = tosa.cast %arg0 : (tensor<1x4xi8>) -> tensor<1x4xi32>
    %15 = tosa.reduce_max %14 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
    %16 = tosa.sub %14, %15 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %17 = tosa.rescale %16 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, output_zp = 0 : i32, per_channel = false, scale32 = true, shift = array<i8: 22>} : (tensor<1x4xi32>) -> tensor<1x4xi16>
    %18 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %19 = tosa.table %17, %18 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %20 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %21 = tosa.table %17, %20 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %22 = "tosa.const"() <{value = dense<0> : tensor<513xi16>}> : () -> tensor<513xi16>
    %23 = tosa.table %17, %22 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %24 = "tosa.const"() <{value = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512]> : tensor<513xi16>}> : () -> tensor<513xi16>
    %25 = tosa.table %17, %24 : (tensor<1x4xi16>, tensor<513xi16>) -> tensor<1x4xi32>
    %26 = "tosa.const"() <{value = dense<9> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %27 = tosa.logical_left_shift %21, %26 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %28 = "tosa.const"() <{value = dense<17> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %29 = tosa.logical_left_shift %19, %28 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %30 = tosa.add %29, %27 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %31 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %32 = tosa.logical_left_shift %23, %31 : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %33 = tosa.add %30, %32 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %34 = "tosa.const"() <{value = dense<7> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %35 = tosa.arithmetic_right_shift %25, %34 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %36 = tosa.add %33, %35 : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
    %37 = "tosa.const"() <{value = dense<12> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %38 = tosa.arithmetic_right_shift %36, %37 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %39 = tosa.reduce_sum %38 {axis = 1 : i32} : (tensor<1x4xi32>) -> tensor<1x1xi32>
    %40 = tosa.clz %39 : (tensor<1x1xi32>) -> tensor<1x1xi32>
    %41 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %42 = tosa.sub %40, %41 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %43 = tosa.logical_left_shift %39, %42 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %44 = "tosa.const"() <{value = dense<1515870810> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %45 = "tosa.const"() <{value = dense<-1010580540> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %46 = tosa.mul %43, %45 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %47 = tosa.add %46, %44 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %48 = tosa.mul %47, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %49 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %50 = tosa.sub %49, %48 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %51 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %52 = tosa.mul %47, %50 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %53 = tosa.mul %52, %51 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %54 = tosa.add %47, %53 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %55 = tosa.mul %54, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %56 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %57 = tosa.sub %56, %55 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %58 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %59 = tosa.mul %54, %57 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %60 = tosa.mul %59, %58 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %61 = tosa.add %54, %60 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %62 = tosa.mul %61, %43 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %63 = "tosa.const"() <{value = dense<536870912> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %64 = tosa.sub %63, %62 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %65 = "tosa.const"() <{value = dense<4> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %66 = tosa.mul %61, %64 {shift = 31 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %67 = tosa.mul %66, %65 {shift = 0 : i8} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %68 = tosa.add %61, %67 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %69 = "tosa.const"() <{value = dense<1073741823> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %70 = tosa.minimum %68, %69 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %71 = "tosa.const"() <{value = dense<1> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %72 = tosa.logical_left_shift %70, %71 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %73 = "tosa.const"() <{value = dense<30> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %74 = tosa.arithmetic_right_shift %68, %73 {round = false} : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %75 = tosa.add %72, %74 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %76 = tosa.mul %36, %75 {shift = 31 : i8} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %77 = "tosa.const"() <{value = dense<35> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
    %78 = tosa.sub %77, %40 : (tensor<1x1xi32>, tensor<1x1xi32>) -> tensor<1x1xi32>
    %79 = tosa.arithmetic_right_shift %76, %78 {round = true} : (tensor<1x4xi32>, tensor<1x1xi32>) -> tensor<1x4xi32>
    %80 = tosa.rescale %79 {double_round = false, input_zp = 0 : i32, multiplier = array<i32: 1073741824>, npu.tflite_softmax, output_zp = -128 : i32, per_channel = false, scale32 = true, shift = array<i8: 30>} : (tensor<1x4xi32>) -> tensor<1x4xi8>
    return %80 : tensor<1x4xi8>
}

#!/usr/bin/env python3
"""Write run_e2e.py case directories of small TFLite models built here.

    python3 gen_tflite_ops.py OUT_DIR --flatc FLATC --schema TFLITE_FBS

Each case is a one-operator model written as FlatBuffers JSON and turned
into OUT_DIR/<name>/model.tflite by flatc (against the importer's own
schema), with input sets under inputs/<set>/in0.npy. run_e2e.py checks the
compiled program against MLIR's lowering of the TOSA the importer makes.

The cases cover what the bundled networks do not: SOFTMAX over many rows
(npu.softmax groups rows at one stride), depths 1 and 256, beta != 1, and
rows of equal values, whose exponentials sum to a power of two (where
TFLite's reciprocal saturates to INT32_MAX); and one model per operator
the importer added for the operator work (MUL, MAXIMUM, MINIMUM, PAD,
PADV2, TRANSPOSE, CONCATENATION, EXPAND_DIMS, RELU, RELU6, RELU_N1_TO_1,
QUANTIZE, LOGISTIC, TANH, ELU, LEAKY_RELU, HARD_SWISH, SLICE,
STRIDED_SLICE, SPLIT, SPLIT_V, PACK, UNPACK, MEAN, RESIZE_NEAREST_NEIGHBOR,
SPACE_TO_DEPTH, DEPTH_TO_SPACE, GATHER, SQUARED_DIFFERENCE, SUM,
REDUCE_MAX, REDUCE_MIN, windowed AVERAGE_POOL_2D, RESIZE_BILINEAR,
TRANSPOSE_CONV, PRELU, BATCH_MATMUL), with broadcasting, zero points at
the extremes and rescale multipliers above 1 where the operator has them;
and the operators of TFLite's 16x8 mode (int16 activations), whose cases
are in tflite16x8_cases.py.

Two more, independent oracles: where tests/e2e/tflite-reference/<case>/
<set>/expected<k>.npy exist (made by TensorFlow Lite's own kernels, see
the README there), they are copied beside the inputs, and where
tests/e2e/tflm-reference/<case>/<set>/expected<k>.npy exist (TensorFlow
Lite Micro's reference kernels), they are copied as micro<k>.npy;
run_e2e.py checks the program against both.
"""

import argparse
import glob
import json
import os
import random
import shutil
import subprocess
import sys

import npyio


def softmax_model(shape, scale, zero_point, beta):
    """A model with one SOFTMAX operator (TFLite opcode 25)."""
    def tensor(name, q_scale, q_zp):
        return {"name": name, "shape": list(shape), "type": "INT8",
                "buffer": 0,
                "quantization": {"scale": [q_scale], "zero_point": [q_zp],
                                 "quantized_dimension": 0}}
    return {
        "version": 3,
        "operator_codes": [{"deprecated_code": 25}],
        "subgraphs": [{
            "tensors": [tensor("x", scale, zero_point),
                        tensor("probs", 1.0 / 256, -128)],
            "inputs": [0],
            "outputs": [1],
            "operators": [{"opcode_index": 0, "inputs": [0], "outputs": [1],
                           "options_type": "SoftmaxOptions",
                           "options": {"beta": beta}}],
        }],
        "description": "gen_tflite_ops.py",
        "buffers": [{}],
    }


def q_tensor(name, shape, scale, zp, buffer=0, dtype="INT8"):
    t = {"name": name, "shape": list(shape), "type": dtype, "buffer": buffer}
    if scale is not None:
        t["quantization"] = {"scale": [scale], "zero_point": [zp],
                             "quantized_dimension": 0}
    return t


def int_buffer(values, width=4):
    """A buffer of little-endian signed integers."""
    data = []
    for v in values:
        data += list((v & ((1 << (8 * width)) - 1)).to_bytes(width, "little"))
    return {"data": data}


def op_model(code, tensors, inputs, outputs, op_inputs, options_type=None,
             options=None, buffers=None):
    """A one-operator model: tensors (buffer 0 is empty), the graph's
    inputs and outputs and the operator's inputs (outputs: `outputs`)."""
    op = {"opcode_index": 0, "inputs": op_inputs, "outputs": outputs}
    if options_type:
        op["options_type"] = options_type
        op["options"] = options or {}
    return {
        "version": 3,
        "operator_codes": [{"deprecated_code": min(code, 127), "code": code}],
        "subgraphs": [{"tensors": tensors, "inputs": inputs,
                       "outputs": outputs, "operators": [op]}],
        "description": "gen_tflite_ops.py",
        "buffers": [{}] + (buffers or []),
    }


def binary_case(code, options_type, shape_a, shape_b, shape_out, qa, qb, qo,
                options=None):
    return op_model(code, [q_tensor("a", shape_a, *qa),
                           q_tensor("b", shape_b, *qb),
                           q_tensor("y", shape_out, *qo)],
                    [0, 1], [2], [0, 1], options_type, options)


def unary_case(code, options_type, shape_in, shape_out, qi, qo, extra=(),
               options=None):
    """`extra`: constant operand tensors (name, shape, type, values)."""
    tensors = [q_tensor("x", shape_in, *qi), q_tensor("y", shape_out, *qo)]
    buffers = []
    op_inputs = [0]
    for name, shape, dtype, values in extra:
        width = {"INT32": 4, "INT64": 8, "INT8": 1}[dtype]
        buffers.append(int_buffer(values, width))
        tensors.append(q_tensor(name, shape, None, None, len(buffers), dtype)
                       if dtype != "INT8" else
                       q_tensor(name, shape, qo[0], qo[1], len(buffers),
                                dtype))
        op_inputs.append(len(tensors) - 1)
    return op_model(code, tensors, [0], [1], op_inputs, options_type,
                    options, buffers)


# name, model, [input shapes]
OP_CASES = [
    ("mul_2x5x7x6_zp_extremes", binary_case(
        18, "MulOptions", (2, 5, 7, 6), (2, 5, 7, 6), (2, 5, 7, 6),
        (0.05, -128), (0.02, 127), (0.004, 3)), [(2, 5, 7, 6)] * 2),
    ("mul_broadcast_channel_relu", binary_case(
        18, "MulOptions", (1, 4, 6, 8), (8,), (1, 4, 6, 8),
        (0.1, 10), (0.01, -5), (0.02, -20), {"activation": "RELU"}),
     [(1, 4, 6, 8), (8,)]),
    # Multiplier 1.2 (above 1: a left shift). TFLite Micro takes
    # s1 * s2 / s_out in double, the TFLite 2.x runtime of the reference
    # in float; the multipliers differ in the last bits, which moves an
    # output only at an exact tie: with 1.2 no product is one (with 2.5 =
    # 0.5 * 0.25 / 0.05, 37 x 2.5 = 92.5 gives 92 in TFLite Micro's
    # arithmetic, which we follow, and 93 in TFLite's).
    ("mul_multiplier_above_1", binary_case(
        18, "MulOptions", (3, 33), (3, 33), (3, 33),
        (0.5, 0), (0.375, 1), (0.15625, 0)), [(3, 33)] * 2),
    ("squared_difference_broadcast", binary_case(
        99, None, (2, 4, 9), (9,), (2, 4, 9), (0.05, -12), (0.03, 20),
        (0.2, -128)), [(2, 4, 9), (9,)]),
    ("squared_difference_equal_scales", binary_case(
        99, None, (3, 50), (3, 50), (3, 50), (0.02, 0), (0.02, 0),
        (0.5, -100)), [(3, 50)] * 2),
    ("maximum_broadcast_row", binary_case(
        55, "MaximumMinimumOptions", (2, 3, 16), (1, 16), (2, 3, 16),
        (0.1, -7), (0.1, -7), (0.1, -7)), [(2, 3, 16), (1, 16)]),
    ("minimum_4d", binary_case(
        57, "MaximumMinimumOptions", (1, 6, 5, 9), (1, 6, 5, 9),
        (1, 6, 5, 9), (0.2, 30), (0.2, 30), (0.2, 30)),
     [(1, 6, 5, 9)] * 2),
    ("pad_4d_zp", unary_case(
        34, "PadOptions", (1, 5, 4, 3), (1, 8, 5, 4), (0.1, -9), (0.1, -9),
        [("paddings", (4, 2), "INT32", [0, 0, 2, 1, 0, 1, 1, 0])]),
     [(1, 5, 4, 3)]),
    ("padv2_value", unary_case(
        60, "PadV2Options", (2, 7), (3, 12), (0.3, 4), (0.3, 4),
        [("paddings", (2, 2), "INT32", [1, 0, 2, 3]),
         ("value", (1,), "INT8", [-100])]), [(2, 7)]),
    ("transpose_nchw_to_nhwc", unary_case(
        39, "TransposeOptions", (1, 3, 5, 7), (1, 5, 7, 3), (0.1, 2),
        (0.1, 2), [("perm", (4,), "INT32", [0, 2, 3, 1])]), [(1, 3, 5, 7)]),
    ("transpose_3d_201", unary_case(
        39, "TransposeOptions", (4, 6, 10), (10, 4, 6), (0.1, 0), (0.1, 0),
        [("perm", (3,), "INT32", [2, 0, 1])]), [(4, 6, 10)]),
    ("expand_dims_axis1", unary_case(
        70, "ExpandDimsOptions", (4, 9), (4, 1, 9), (0.1, 0), (0.1, 0),
        [("axis", (1,), "INT32", [1])]), [(4, 9)]),
    ("relu_requantize", unary_case(
        19, None, (1, 4, 4, 10), (1, 4, 4, 10), (0.05, 12), (0.03, -128)),
     [(1, 4, 4, 10)]),
    ("relu6_same_quant", unary_case(
        21, None, (2, 50), (2, 50), (0.04, -30), (0.04, -30)), [(2, 50)]),
    ("relu_n1_to_1_requantize", unary_case(
        20, None, (3, 40), (3, 40), (0.02, 5), (1.0 / 128, 0)), [(3, 40)]),
    ("quantize_int8_rescale_up", unary_case(
        114, None, (2, 3, 17), (2, 3, 17), (0.08, -3), (0.01, 7)),
     [(2, 3, 17)]),
    ("logistic", unary_case(
        14, None, (2, 4, 32), (2, 4, 32), (0.06, 3), (1.0 / 256, -128)),
     [(2, 4, 32)]),
    ("tanh", unary_case(
        28, None, (3, 90), (3, 90), (0.03, -10), (1.0 / 128, 0)), [(3, 90)]),
    ("elu", unary_case(
        111, None, (1, 5, 5, 12), (1, 5, 5, 12), (0.05, 20), (0.04, 0)),
     [(1, 5, 5, 12)]),
    ("leaky_relu_alpha_0.2", unary_case(
        98, "LeakyReluOptions", (4, 64), (4, 64), (0.05, -4), (0.04, 9),
        options={"alpha": 0.2}), [(4, 64)]),
    ("leaky_relu_alpha_3", unary_case(
        98, "LeakyReluOptions", (2, 128), (2, 128), (0.02, 0), (0.05, -2),
        options={"alpha": 3.0}), [(2, 128)]),
    ("hard_swish", unary_case(
        117, None, (1, 4, 8, 8), (1, 4, 8, 8), (0.05, -10), (0.03, -60)),
     [(1, 4, 8, 8)]),
    ("hard_swish_coarse_output", unary_case(
        117, None, (2, 160), (2, 160), (0.02, 5), (0.05, -120)), [(2, 160)]),
    ("quantize_int8_rescale_down", unary_case(
        114, None, (5, 24), (5, 24), (0.01, 100), (0.07, -128)), [(5, 24)]),
]


def avg_pool_case(name, shape_in, shape_out, padding, filt, stride,
                  activation="NONE"):
    q = (0.08, -6)
    return (name, unary_case(1, "Pool2DOptions", shape_in, shape_out, q, q,
                             options={"padding": padding,
                                      "filter_h": filt[0],
                                      "filter_w": filt[1],
                                      "stride_h": stride[0],
                                      "stride_w": stride[1],
                                      "activation": activation}),
            [shape_in])


OP_CASES += [
    avg_pool_case("avg_pool_3x3_s1_same", (1, 7, 9, 6), (1, 7, 9, 6), "SAME",
                  (3, 3), (1, 1)),
    avg_pool_case("avg_pool_3x3_s2_valid", (1, 9, 8, 5), (1, 4, 3, 5),
                  "VALID", (3, 3), (2, 2)),
    avg_pool_case("avg_pool_2x3_s2_same_relu6", (2, 5, 7, 4), (2, 3, 4, 4),
                  "SAME", (2, 3), (2, 2), "RELU6"),
    avg_pool_case("avg_pool_5x5_s3_same_wide_pad", (1, 6, 11, 3),
                  (1, 2, 4, 3), "SAME", (5, 5), (3, 3)),
]


def transpose_conv_case(name, shape_in, out_hw, oc, kernel, stride, padding,
                        activation="NONE", bias=True):
    """TRANSPOSE_CONV with a per-channel filter and (optionally) a bias, both
    constants drawn from a generator seeded by the case name."""
    rng = random.Random("weights:" + name)
    n, _, _, ic = shape_in
    kh, kw = kernel
    shape_out = (n, out_hw[0], out_hw[1], oc)
    weights = [rng.randint(-127, 127) for _ in range(oc * kh * kw * ic)]
    scales = [rng.uniform(0.002, 0.02) for _ in range(oc)]
    tensors = [q_tensor("output_shape", (4,), None, None, 1, "INT32"),
               {"name": "filter", "shape": [oc, kh, kw, ic], "type": "INT8",
                "buffer": 2,
                "quantization": {"scale": scales, "zero_point": [0] * oc,
                                 "quantized_dimension": 0}},
               q_tensor("x", shape_in, 0.05, -9),
               q_tensor("y", shape_out, 0.11, 4)]
    buffers = [int_buffer(shape_out), int_buffer(weights, 1)]
    op_inputs = [0, 1, 2]
    if bias:
        buffers.append(int_buffer([rng.randint(-3000, 3000)
                                   for _ in range(oc)]))
        tensors.append(q_tensor("bias", (oc,), None, None, 3, "INT32"))
        op_inputs.append(4)
    model = op_model(67, tensors, [2], [3], op_inputs, "TransposeConvOptions",
                     {"padding": padding, "stride_h": stride[0],
                      "stride_w": stride[1], "activation": activation},
                     buffers)
    return (name, model, [shape_in])


OP_CASES += [
    transpose_conv_case("transpose_conv_3x3_s2_same", (1, 4, 5, 6), (8, 10),
                        7, (3, 3), (2, 2), "SAME"),
    # The TFLite runtime of tools/tflite-reference predates TRANSPOSE_CONV's
    # fused activation and ignores it; TFLite Micro applies it.
    transpose_conv_case("transpose_conv_relu_2x2_s2_valid", (1, 3, 3, 4),
                        (6, 6), 5, (2, 2), (2, 2), "VALID", "RELU",
                        bias=False),
    transpose_conv_case("transpose_conv_4x3_s2x1_same", (2, 3, 4, 3), (6, 4),
                        4, (4, 3), (2, 1), "SAME"),
    transpose_conv_case("transpose_conv_3x3_s3_valid", (1, 2, 3, 5), (6, 9),
                        3, (3, 3), (3, 3), "VALID"),
]


def prelu_case(name, shape, alpha_shape, q_in, q_alpha, q_out):
    """PRELU with a constant int8 alpha drawn from a generator seeded by the
    case name."""
    rng = random.Random("alpha:" + name)
    count = 1
    for d in alpha_shape:
        count *= d
    alpha = [rng.randint(-128, 127) for _ in range(count)]
    tensors = [q_tensor("x", shape, *q_in), q_tensor("y", shape, *q_out),
               q_tensor("alpha", alpha_shape, *q_alpha, buffer=1)]
    model = op_model(54, tensors, [0], [1], [0, 2], None, None,
                     [int_buffer(alpha, 1)])
    return (name, model, [shape])


OP_CASES += [
    prelu_case("prelu_per_channel", (1, 5, 6, 8), (1, 1, 8), (0.05, -7),
               (0.01, 3), (0.04, 9)),
    prelu_case("prelu_full_alpha_multiplier_above_1", (2, 3, 4), (2, 3, 4),
               (0.06, 20), (0.02, -128), (0.02, -2)),
]


def batch_matmul_const_rhs_case():
    """BATCH_MATMUL with a constant right-hand side without batch (the
    left's batch folds into its rows)."""
    rng = random.Random("rhs:batch_matmul_const_rhs")
    rhs = [rng.randint(-127, 127) for _ in range(8 * 4)]
    tensors = [q_tensor("x", (2, 5, 8), 0.05, 3),
               q_tensor("y", (2, 5, 4), 0.5, -6),
               q_tensor("w", (8, 4), 0.02, 0, buffer=1)]
    model = op_model(126, tensors, [0], [1], [0, 2], "BatchMatMulOptions", {},
                     [int_buffer(rhs, 1)])
    return ("batch_matmul_const_rhs", model, [(2, 5, 8)])


OP_CASES += [
    ("batch_matmul_equal_batch", binary_case(
        126, "BatchMatMulOptions", (2, 3, 4, 5), (2, 3, 5, 6), (2, 3, 4, 6),
        (0.05, -5), (0.04, 0), (0.3, 2)), [(2, 3, 4, 5), (2, 3, 5, 6)]),
    ("batch_matmul_adj_y_rhs_zero_point", binary_case(
        126, "BatchMatMulOptions", (3, 4, 7), (3, 6, 7), (3, 4, 6),
        (0.05, 0), (0.03, 9), (0.2, -1), {"adj_y": True}),
     [(3, 4, 7), (3, 6, 7)]),
    ("batch_matmul_adj_x", binary_case(
        126, "BatchMatMulOptions", (2, 6, 3), (2, 6, 4), (2, 3, 4),
        (0.05, 7), (0.03, 0), (0.25, 0), {"adj_x": True}),
     [(2, 6, 3), (2, 6, 4)]),
    batch_matmul_const_rhs_case(),
]


def fully_connected_case(name, in_shape, out_features, q_in, w_scale, q_out,
                         weight_range):
    """FULLY_CONNECTED with a per-tensor constant filter drawn from a
    generator seeded by the case name (no bias)."""
    rng = random.Random("weights:" + name)
    depth = in_shape[-1]
    weights = [rng.randint(-weight_range, weight_range)
               for _ in range(out_features * depth)]
    tensors = [q_tensor("x", in_shape, *q_in),
               q_tensor("y", (in_shape[0], out_features), *q_out),
               q_tensor("w", (out_features, depth), w_scale, 0, buffer=1)]
    model = op_model(9, tensors, [0], [1], [0, 2, -1], "FullyConnectedOptions",
                     {}, [int_buffer(weights, 1)])
    return (name, model, [in_shape])


OP_CASES += [
    # s_in * s_w / s_out = 2.5: a left shift, and every odd accumulator is
    # an exact half (ties of TFLite's SaturatingRoundingDoublingHighMul).
    fully_connected_case("fully_connected_multiplier_2_5_ties", (8, 16), 4,
                         (0.5, 0), 0.5, (0.1, 0), 1),
    # s_in / s_out = 1.5: every odd input is an exact half.
    ("quantize_int8_ratio_1_5_ties", unary_case(
        114, None, (4, 64), (4, 64), (0.03, 0), (0.02, 0)), [(4, 64)]),
]


def concat_case():
    q = (0.125, -4)
    tensors = [q_tensor("a", (1, 4, 3, 5), *q), q_tensor("b", (1, 4, 2, 5), *q),
               q_tensor("c", (1, 4, 6, 5), *q), q_tensor("y", (1, 4, 11, 5), *q)]
    model = op_model(2, tensors, [0, 1, 2], [3], [0, 1, 2],
                     "ConcatenationOptions", {"axis": -2})
    return ("concatenation_3_inputs_axis_-2", model,
            [(1, 4, 3, 5), (1, 4, 2, 5), (1, 4, 6, 5)])


OP_CASES.append(concat_case())


def concat_rescaled_case():
    """Inputs quantized differently from the output (TFLite Micro refuses
    that; npuc requantizes each as QUANTIZE would): checked against MLIR's
    lowering only (scripts/tflm-reference finds no kernel that accepts it)."""
    tensors = [q_tensor("a", (2, 3, 4), 0.125, -4),
               q_tensor("b", (2, 3, 2), 0.5, 10),
               q_tensor("c", (2, 3, 3), 0.01, -128),
               q_tensor("y", (2, 3, 9), 0.1, 3)]
    model = op_model(2, tensors, [0, 1, 2], [3], [0, 1, 2],
                     "ConcatenationOptions", {"axis": 2})
    return ("concatenation_rescaled_inputs", model,
            [(2, 3, 4), (2, 3, 2), (2, 3, 3)])


OP_CASES.append(concat_rescaled_case())


def multi_case(name, code, options_type, options, inputs, consts, outputs,
               q=(0.1, -3)):
    """`inputs`: activation shapes; `consts`: (name, shape, type, values)
    operands, placed at the operator input positions given by their index
    in `order` (a list of ("in", k) / ("const", k)); `outputs`: shapes."""
    return name, inputs, consts, outputs, code, options_type, options, q


def build_multi(inputs, consts, order, outputs, code, options_type, options,
                q, qo=None):
    """`qo`: the outputs' quantization if not `q`'s."""
    tensors, buffers, op_inputs = [], [], []
    for k, shape in enumerate(inputs):
        tensors.append(q_tensor("x%d" % k, shape, *q))
    for cname, shape, dtype, values in consts:
        buffers.append(int_buffer(values, {"INT32": 4, "INT64": 8}[dtype]))
        tensors.append(q_tensor(cname, shape, None, None, len(buffers), dtype))
    for kind, k in order:
        op_inputs.append(k if kind == "in" else len(inputs) + k)
    first_out = len(tensors)
    for k, shape in enumerate(outputs):
        tensors.append(q_tensor("y%d" % k, shape, *(qo or q)))
    outs = list(range(first_out, len(tensors)))
    return op_model(code, tensors, list(range(len(inputs))), outs, op_inputs,
                    options_type, options, buffers)


SLICING = [
    # name, code, options type, options, activation inputs, constants,
    # operator input order, output shapes
    ("slice_3d_size_minus_1", 65, None, None, [(3, 10, 4)],
     [("begin", (3,), "INT32", [1, 2, 0]), ("size", (3,), "INT32", [2, 5, -1])],
     [("in", 0), ("const", 0), ("const", 1)], [(2, 5, 4)]),
    ("strided_slice_masks_shrink", 45, "StridedSliceOptions",
     {"begin_mask": 0, "end_mask": 4, "shrink_axis_mask": 1},
     [(1, 8, 9, 6)],
     [("begin", (4,), "INT32", [0, 1, -5, 0]), ("end", (4,), "INT32",
                                                [1, 7, 0, 4]),
      ("strides", (4,), "INT32", [1, 1, 1, 1])],
     [("in", 0), ("const", 0), ("const", 1), ("const", 2)], [(6, 5, 4)]),
    ("strided_slice_stride2_negative", 45, "StridedSliceOptions", {},
     [(2, 9, 10, 3)],
     [("begin", (4,), "INT32", [0, 1, -1, 0]),
      ("end", (4,), "INT32", [2, 9, 0, 3]),
      ("strides", (4,), "INT32", [1, 2, -3, 1])],
     [("in", 0), ("const", 0), ("const", 1), ("const", 2)], [(2, 4, 3, 3)]),
    ("strided_slice_reverse_masks", 45, "StridedSliceOptions",
     {"begin_mask": 1, "end_mask": 3}, [(6, 7)],
     [("begin", (2,), "INT32", [0, 0]), ("end", (2,), "INT32", [0, 0]),
      ("strides", (2,), "INT32", [-1, 2])],
     [("in", 0), ("const", 0), ("const", 1), ("const", 2)], [(6, 4)]),
    ("split_3_axis1", 49, "SplitOptions", {"num_splits": 3}, [(2, 12, 3)],
     [("axis", (1,), "INT32", [1])], [("const", 0), ("in", 0)],
     [(2, 4, 3)] * 3),
    ("split_v_minus_1_axis_-1", 102, "SplitVOptions", {"num_splits": 3},
     [(4, 10)],
     [("sizes", (3,), "INT32", [3, -1, 2]), ("axis", (1,), "INT32", [-1])],
     [("in", 0), ("const", 0), ("const", 1)], [(4, 3), (4, 5), (4, 2)]),
    ("mean_spatial_keep_dims", 40, "ReducerOptions", {"keep_dims": True},
     [(1, 7, 7, 24)], [("axis", (2,), "INT32", [1, 2])],
     [("in", 0), ("const", 0)], [(1, 1, 1, 24)]),
    ("mean_last_axis_drop", 40, "ReducerOptions", {"keep_dims": False},
     [(3, 5, 40)], [("axis", (1,), "INT32", [-1])],
     [("in", 0), ("const", 0)], [(3, 5)]),
    ("resize_nearest_2x", 97, "ResizeNearestNeighborOptions", {},
     [(1, 5, 7, 6)], [("size", (2,), "INT32", [10, 14])],
     [("in", 0), ("const", 0)], [(1, 10, 14, 6)]),
    ("resize_nearest_align_corners", 97, "ResizeNearestNeighborOptions",
     {"align_corners": True}, [(1, 4, 5, 3)],
     [("size", (2,), "INT32", [7, 9])], [("in", 0), ("const", 0)],
     [(1, 7, 9, 3)]),
    ("resize_nearest_half_pixel_down", 97, "ResizeNearestNeighborOptions",
     {"half_pixel_centers": True}, [(1, 9, 8, 4)],
     [("size", (2,), "INT32", [4, 5])], [("in", 0), ("const", 0)],
     [(1, 4, 5, 4)]),
    ("gather_axis1_repeats", 36, "GatherOptions", {"axis": 1},
     [(2, 6, 5)], [("indices", (2, 2), "INT32", [5, 0, 0, 3])],
     [("in", 0), ("const", 0)], [(2, 2, 2, 5)]),
    ("space_to_depth_2", 26, "SpaceToDepthOptions", {"block_size": 2},
     [(1, 6, 4, 3)], [], [("in", 0)], [(1, 3, 2, 12)]),
    ("depth_to_space_2", 5, "DepthToSpaceOptions", {"block_size": 2},
     [(1, 3, 2, 12)], [], [("in", 0)], [(1, 6, 4, 3)]),
    ("pack_3_axis1", 83, "PackOptions", {"values_count": 3, "axis": 1},
     [(2, 5)] * 3, [], [("in", 0), ("in", 1), ("in", 2)], [(2, 3, 5)]),
    ("unpack_axis0", 88, "UnpackOptions", {"num": 3, "axis": 0}, [(3, 4, 2)],
     [], [("in", 0)], [(4, 2)] * 3),
    ("sum_spatial_keep_dims", 74, "ReducerOptions", {"keep_dims": True},
     [(1, 5, 6, 8)], [("axis", (2,), "INT32", [1, 2])],
     [("in", 0), ("const", 0)], [(1, 1, 1, 8)], (2.0, 5)),
    ("sum_axis0_drop", 74, "ReducerOptions",
     {"keep_dims": False}, [(4, 3, 5)], [("axis", (1,), "INT32", [0])],
     [("in", 0), ("const", 0)], [(3, 5)], (0.45, -7)),
    # Most sums leave int8 here: TFLite Micro clamps them (the TFLite
    # runtime of tools/tflite-reference wraps them).
    ("sum_saturating_multiplier_above_1", 74, "ReducerOptions",
     {"keep_dims": False}, [(4, 3, 5)], [("axis", (1,), "INT32", [0])],
     [("in", 0), ("const", 0)], [(3, 5)], (0.07, -7)),
    ("resize_bilinear_2x", 23, "ResizeBilinearOptions", {},
     [(1, 5, 7, 6)], [("size", (2,), "INT32", [10, 14])],
     [("in", 0), ("const", 0)], [(1, 10, 14, 6)]),
    ("resize_bilinear_align_corners", 23, "ResizeBilinearOptions",
     {"align_corners": True}, [(1, 4, 5, 3)],
     [("size", (2,), "INT32", [7, 9])], [("in", 0), ("const", 0)],
     [(1, 7, 9, 3)]),
    ("resize_bilinear_half_pixel_8x", 23, "ResizeBilinearOptions",
     {"half_pixel_centers": True}, [(2, 3, 4, 5)],
     [("size", (2,), "INT32", [24, 32])], [("in", 0), ("const", 0)],
     [(2, 24, 32, 5)]),
    ("resize_bilinear_half_pixel_down", 23, "ResizeBilinearOptions",
     {"half_pixel_centers": True}, [(1, 9, 8, 4)],
     [("size", (2,), "INT32", [4, 5])], [("in", 0), ("const", 0)],
     [(1, 4, 5, 4)]),
    ("reduce_max_axes_1_3", 82, "ReducerOptions", {"keep_dims": False},
     [(2, 4, 5, 6)], [("axis", (2,), "INT32", [1, -1])],
     [("in", 0), ("const", 0)], [(2, 5)]),
    ("reduce_min_last_keep_dims", 89, "ReducerOptions", {"keep_dims": True},
     [(3, 7, 9)], [("axis", (1,), "INT32", [2])],
     [("in", 0), ("const", 0)], [(3, 7, 1)]),
]
for (name, code, otype, opts, ins, consts, order, outs, *qo) in SLICING:
    OP_CASES.append((name, build_multi(ins, consts, order, outs, code, otype,
                                       opts, (0.1, -3), *qo), ins))


def input_sets(rng, shape):
    """Random rows, rows of equal values (each exponential is 1, so the sum
    is depth * 2^19: a power of two for power-of-two depths) and rows with
    one large value."""
    depth = shape[-1]
    count = 1
    for d in shape:
        count *= d
    rows = count // depth
    equal = []
    for r in range(rows):
        equal += [rng.randint(-128, 127)] * depth
    peaked = []
    for r in range(rows):
        row = [rng.randint(-128, -100) for _ in range(depth)]
        row[rng.randrange(depth)] = 127
        peaked += row
    return {
        "random": [rng.randint(-128, 127) for _ in range(count)],
        "equal_rows": equal,
        "peaked_rows": peaked,
    }


CASES = [
    # name, shape, input scale, input zero point, beta
    ("softmax_2x3x10", (2, 3, 10), 0.1, 5, 1.0),
    ("softmax_5x4_pow2_sums", (5, 4), 0.05, -3, 1.0),
    ("softmax_3x1", (3, 1), 0.25, 0, 1.0),
    ("softmax_2x256_beta_half", (2, 256), 0.0625, -128, 0.5),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--flatc", required=True)
    parser.add_argument("--schema", required=True)
    args = parser.parse_args(argv)
    reference = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "tflite-reference")
    micro = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "tflm-reference")
    # TFLite's 16x8 mode's cases live beside (they import this module).
    from tflite16x8_cases import CASES_16X8
    for name, model, shapes in OP_CASES + CASES_16X8:
        # Each case's inputs depend only on its name.
        rng = random.Random("20261206:" + name)
        case = os.path.join(args.outdir, name)
        os.makedirs(case, exist_ok=True)
        model_json = os.path.join(case, "model.json")
        with open(model_json, "w") as f:
            json.dump(model, f, indent=1)
        subprocess.run([args.flatc, "-b", "-o", case, args.schema, model_json],
                       check=True)
        os.replace(os.path.join(case, "model.bin"),
                   os.path.join(case, "model.tflite"))
        # "ramp": every int8 value in turn (all 256 table entries where the
        # tensor has that many elements), shifted per input; int16 inputs
        # (16x8 cases) step by 257 through the int16 range.
        graph = model["subgraphs"][0]
        wide = graph["tensors"][graph["inputs"][0]]["type"] == "INT16"
        lo, hi = (-32768, 32767) if wide else (-128, 127)
        sets = {"random": [], "extremes": [], "ramp": []}
        for shape in shapes:
            count = 1
            for d in shape:
                count *= d
            sets["random"].append([rng.randint(lo, hi)
                                   for _ in range(count)])
            sets["extremes"].append([rng.choice((lo, lo + 1, 0, hi - 1, hi))
                                     for _ in range(count)])
            offset = 37 * len(sets["ramp"])
            step = 257 if wide else 1
            sets["ramp"].append([((i + offset) * step) % (hi - lo + 1) + lo
                                 for i in range(count)])
        for set_name, arrays in sets.items():
            folder = os.path.join(case, "inputs", set_name)
            os.makedirs(folder, exist_ok=True)
            for k, (shape, values) in enumerate(zip(shapes, arrays)):
                npyio.write_npy(os.path.join(folder, "in%d.npy" % k),
                                "i16" if wide else "i8", shape, values)
            for golden in sorted(glob.glob(os.path.join(
                    reference, name, set_name, "expected*.npy"))):
                shutil.copyfile(golden, os.path.join(
                    folder, os.path.basename(golden)))
            for golden in sorted(glob.glob(os.path.join(
                    micro, name, set_name, "expected*.npy"))):
                shutil.copyfile(golden, os.path.join(
                    folder, os.path.basename(golden).replace("expected",
                                                             "micro")))
    for name, shape, scale, zp, beta in CASES:
        rng = random.Random("20261206:" + name)
        case = os.path.join(args.outdir, name)
        os.makedirs(case, exist_ok=True)
        model_json = os.path.join(case, "model.json")
        with open(model_json, "w") as f:
            json.dump(softmax_model(shape, scale, zp, beta), f, indent=1)
        subprocess.run([args.flatc, "-b", "-o", case, args.schema, model_json],
                       check=True)
        os.replace(os.path.join(case, "model.bin"),
                   os.path.join(case, "model.tflite"))
        for set_name, values in input_sets(rng, shape).items():
            folder = os.path.join(case, "inputs", set_name)
            os.makedirs(folder, exist_ok=True)
            npyio.write_npy(os.path.join(folder, "in0.npy"), "i8", shape,
                            values)
    print("gen_tflite_ops: wrote %d cases to %s"
          % (len(CASES) + len(OP_CASES) + len(CASES_16X8), args.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())

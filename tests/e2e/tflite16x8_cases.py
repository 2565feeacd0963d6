"""TFLite's 16x8 mode (int16 activations with zero point 0, int8
weights): one-operator models for gen_tflite_ops.py, which writes them with
its other cases (this module imports its model builders).

MAC layers (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: SplitInt16.cpp
splits the int16 input into bytes for the int8 array), ADD, SUB, MUL,
MAXIMUM, MINIMUM, QUANTIZE between int8 and int16, MAX_POOL_2D, the
activations (RELU, RELU6, LEAKY_RELU; LOGISTIC and TANH with TFLite's
interpolated int16 sigmoid table, EmitActivation16.cpp) and data movement
(TRANSPOSE, PAD, CONCATENATION, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V,
PACK, UNPACK, RESIZE_NEAREST_NEIGHBOR, EXPAND_DIMS). Their independent
reference is TensorFlow Lite Micro's int16 kernels (tests/e2e/
tflm-reference/, made by scripts/tflm-reference).
"""

import random

import gen_tflite_ops as g

CASES_16X8 = []


def mac16x8_case(name, kind, shape_in, oc, kernel=(1, 1), stride=(1, 1),
                 dilation=(1, 1), padding="VALID", activation="NONE",
                 bias="INT64"):
    """TFLite's 16x8 mode: CONV_2D (kind "conv"), DEPTHWISE_CONV_2D ("dw",
    `oc` = channels x depth multiplier) or FULLY_CONNECTED ("fc") with
    int16 input and output (zero points 0), a per-channel (conv, dw) or
    per-tensor (fc) int8 filter and an int64, int32 or no bias (TFLite
    Micro accumulates in int64 unless the bias is int32; its depthwise
    kernel takes int64 only), drawn from a generator seeded by the case
    name."""
    rng = random.Random("weights:" + name)
    n = shape_in[0]
    kh, kw = kernel
    ic = shape_in[-1]
    if kind in ("conv", "dw"):
        def out_size(size, k, s, d):
            if padding == "SAME":
                return (size + s - 1) // s
            return (size - (k - 1) * d - 1) // s + 1
        shape_out = (n, out_size(shape_in[1], kh, stride[0], dilation[0]),
                     out_size(shape_in[2], kw, stride[1], dilation[1]), oc)
        w_shape = (oc, kh, kw, ic) if kind == "conv" else (1, kh, kw, oc)
    else:
        shape_out = (n, oc)
        w_shape = (oc, ic)
    count = 1
    for d in w_shape:
        count *= d
    weights = [rng.randint(-127, 127) for _ in range(count)]
    scales = ([rng.uniform(0.005, 0.02) for _ in range(oc)]
              if kind != "fc" else [0.01])
    tensors = [g.q_tensor("x", shape_in, 0.0005, 0, dtype="INT16"),
               g.q_tensor("y", shape_out, 0.004, 0, dtype="INT16"),
               {"name": "filter", "shape": list(w_shape), "type": "INT8",
                "buffer": 1,
                "quantization": {"scale": scales,
                                 "zero_point": [0] * len(scales),
                                 "quantized_dimension":
                                     3 if kind == "dw" else 0}}]
    buffers = [g.int_buffer(weights, 1)]
    op_inputs = [0, 2]
    if bias:
        width = 8 if bias == "INT64" else 4
        buffers.append(g.int_buffer([rng.randint(-2000000, 2000000)
                                   for _ in range(oc)], width))
        tensors.append(g.q_tensor("bias", (oc,), None, None, 2, bias))
        op_inputs.append(3)
    else:
        op_inputs.append(-1)
    if kind == "conv":
        model = g.op_model(3, tensors, [0], [1], op_inputs, "Conv2DOptions",
                         {"padding": padding, "stride_h": stride[0],
                          "stride_w": stride[1],
                          "dilation_h": dilation[0],
                          "dilation_w": dilation[1],
                          "activation": activation}, buffers)
    elif kind == "dw":
        model = g.op_model(4, tensors, [0], [1], op_inputs,
                         "DepthwiseConv2DOptions",
                         {"padding": padding, "stride_h": stride[0],
                          "stride_w": stride[1],
                          "depth_multiplier": oc // ic,
                          "dilation_h": dilation[0],
                          "dilation_w": dilation[1],
                          "activation": activation}, buffers)
    else:
        model = g.op_model(9, tensors, [0], [1], op_inputs,
                         "FullyConnectedOptions", {"activation": activation},
                         buffers)
    return (name, model, [shape_in])


CASES_16X8 += [
    mac16x8_case("conv16x8_3x3_same_int64_bias", "conv", (1, 6, 7, 5), 8,
                 (3, 3), padding="SAME"),
    mac16x8_case("conv16x8_2x3_s2_relu_int32_bias", "conv", (2, 7, 8, 3), 6,
                 (2, 3), (2, 2), padding="SAME", activation="RELU",
                 bias="INT32"),
    mac16x8_case("conv16x8_3x1_dilated_no_bias", "conv", (1, 9, 5, 4), 5,
                 (3, 1), (1, 1), (2, 1), bias=None),
    mac16x8_case("dw16x8_3x3_same_mult2", "dw", (1, 6, 5, 4), 8, (3, 3),
                 padding="SAME"),
    # (TFLite Micro's int16 depthwise kernel aborts without a bias.)
    mac16x8_case("dw16x8_3x3_s2_relu_batch2", "dw", (2, 7, 7, 3), 3,
                 (3, 3), (2, 2), activation="RELU"),
    mac16x8_case("fc16x8_int64_bias", "fc", (3, 40), 7),
    mac16x8_case("fc16x8_relu6_int32_bias", "fc", (2, 24), 9,
                 activation="RELU6", bias="INT32"),
]


def as16x8(model):
    """`model` with its int8 activations int16 (zero points 0)."""
    for t in model["subgraphs"][0]["tensors"]:
        if t["type"] == "INT8" and t.get("buffer", 0) == 0:
            t["type"] = "INT16"
            t["quantization"]["zero_point"] = [0]
    return model


def binary16x8_case(code, options_type, shape_a, shape_b, shape_out, scales,
                    options=None):
    """A binary operator in TFLite's 16x8 mode: int16 inputs and output,
    zero points 0."""
    return as16x8(g.binary_case(code, options_type, shape_a, shape_b,
                              shape_out, (scales[0], 0), (scales[1], 0),
                              (scales[2], 0), options))


CASES_16X8 += [
    ("add16x8_broadcast_relu", binary16x8_case(
        0, "AddOptions", (2, 5, 6), (6,), (2, 5, 6), (0.0004, 0.0003, 0.0006),
        {"activation": "RELU"}), [(2, 5, 6), (6,)]),
    ("sub16x8", binary16x8_case(
        41, "SubOptions", (3, 40), (3, 40), (3, 40), (0.0005, 0.0002, 0.0007)),
     [(3, 40)] * 2),
    ("mul16x8", binary16x8_case(
        18, "MulOptions", (4, 33), (4, 33), (4, 33), (0.001, 0.002, 0.07)),
     [(4, 33)] * 2),
]


def quantize16_case(shape, q_in, q_out, type_in, type_out):
    """QUANTIZE between int8 and int16."""
    model = g.unary_case(114, None, shape, shape, q_in, q_out)
    tensors = model["subgraphs"][0]["tensors"]
    tensors[0]["type"], tensors[1]["type"] = type_in, type_out
    return model


CASES_16X8 += [
    ("quantize16x8_int8_to_int16", quantize16_case(
        (2, 40), (0.05, 3), (0.0002, 0), "INT8", "INT16"), [(2, 40)]),
    ("quantize16x8_int16_to_int8", quantize16_case(
        (3, 33), (0.0003, 0), (0.06, -5), "INT16", "INT8"), [(3, 33)]),
    ("quantize16x8_int16_rescale", quantize16_case(
        (2, 50), (0.0004, 0), (0.0007, 0), "INT16", "INT16"), [(2, 50)]),
]


def pool16x8_case(name, code, shape_in, shape_out, padding, filt, stride,
                  activation="NONE"):
    """AVERAGE_POOL_2D (code 1) or MAX_POOL_2D (17) on int16."""
    q = (0.0005, 0)
    return (name, as16x8(g.unary_case(
        code, "Pool2DOptions", shape_in, shape_out, q, q,
        options={"padding": padding, "filter_h": filt[0],
                 "filter_w": filt[1], "stride_h": stride[0],
                 "stride_w": stride[1], "activation": activation})),
            [shape_in])


CASES_16X8 += [
    pool16x8_case("max_pool16x8_3x3_s2_same_relu", 17, (1, 7, 9, 4),
                  (1, 4, 5, 4), "SAME", (3, 3), (2, 2), "RELU"),
    pool16x8_case("max_pool16x8_2x2_s2_valid", 17, (2, 6, 6, 3),
                  (2, 3, 3, 3), "VALID", (2, 2), (2, 2)),
]


# Data movement in the 16x8 mode: the bytes move, the quantization stays.
CASES_16X8 += [
    ("transpose16x8_nchw_to_nhwc", as16x8(g.unary_case(
        39, "TransposeOptions", (1, 3, 5, 7), (1, 5, 7, 3), (0.001, 0),
        (0.001, 0), [("perm", (4,), "INT32", [0, 2, 3, 1])])),
     [(1, 3, 5, 7)]),
    ("pad16x8", as16x8(g.unary_case(
        34, "PadOptions", (1, 5, 4, 3), (1, 8, 5, 4), (0.001, 0), (0.001, 0),
        [("paddings", (4, 2), "INT32", [0, 0, 2, 1, 0, 1, 1, 0])])),
     [(1, 5, 4, 3)]),
    ("concatenation16x8_axis2", as16x8(g.binary_case(
        2, "ConcatenationOptions", (1, 4, 3, 5), (1, 4, 2, 5), (1, 4, 5, 5),
        (0.001, 0), (0.001, 0), (0.001, 0), {"axis": 2})),
     [(1, 4, 3, 5), (1, 4, 2, 5)]),
]


# Activations. LOGISTIC and TANH need zero points 0 and the output scale
# 2^-15; an input scale that is a power of two takes TFLite's shortcut
# (multiplier 3 << shift), any other its general multiplier.
Q15 = 1.0 / 32768
CASES_16X8 += [
    ("logistic16x8", as16x8(g.unary_case(
        14, None, (2, 5, 40), (2, 5, 40), (0.0004, 0), (Q15, 0))),
     [(2, 5, 40)]),
    ("logistic16x8_pot_scale", as16x8(g.unary_case(
        14, None, (3, 70), (3, 70), (1.0 / 4096, 0), (Q15, 0))), [(3, 70)]),
    ("tanh16x8", as16x8(g.unary_case(
        28, None, (1, 6, 7, 9), (1, 6, 7, 9), (0.00025, 0), (Q15, 0))),
     [(1, 6, 7, 9)]),
    ("tanh16x8_pot_scale_shift1", as16x8(g.unary_case(
        28, None, (4, 64), (4, 64), (1.0 / 2048, 0), (Q15, 0))), [(4, 64)]),
    ("leaky_relu16x8_alpha_0.2", as16x8(g.unary_case(
        98, "LeakyReluOptions", (3, 50), (3, 50), (0.0005, 0), (0.0004, 0),
        options={"alpha": 0.2})), [(3, 50)]),
    ("leaky_relu16x8_negative_alpha", as16x8(g.unary_case(
        98, "LeakyReluOptions", (2, 4, 16), (2, 4, 16), (0.0003, 0),
        (0.0006, 0), options={"alpha": -0.7})), [(2, 4, 16)]),
    ("relu16x8_requantize", as16x8(g.unary_case(
        19, None, (1, 4, 5, 12), (1, 4, 5, 12), (0.0005, 0), (0.0003, 0))),
     [(1, 4, 5, 12)]),
    ("relu6_16x8", as16x8(g.unary_case(
        21, None, (2, 60), (2, 60), (0.0004, 0), (0.0004, 0))), [(2, 60)]),
    ("maximum16x8_broadcast", binary16x8_case(
        55, "MaximumMinimumOptions", (2, 3, 16), (1, 16), (2, 3, 16),
        (0.001, 0.001, 0.001)), [(2, 3, 16), (1, 16)]),
    ("minimum16x8", binary16x8_case(
        57, "MaximumMinimumOptions", (1, 5, 4, 9), (1, 5, 4, 9),
        (1, 5, 4, 9), (0.002, 0.002, 0.002)), [(1, 5, 4, 9)] * 2),
]

# More data movement: slicing and stacking, resizing, a new axis.
MOVES_16X8 = [
    # name, code, options type, options, activation inputs, constants,
    # operator input order, output shapes (as gen_tflite_ops.SLICING)
    ("slice16x8", 65, None, None, [(3, 10, 4)],
     [("begin", (3,), "INT32", [1, 2, 0]), ("size", (3,), "INT32", [2, 5, -1])],
     [("in", 0), ("const", 0), ("const", 1)], [(2, 5, 4)]),
    ("strided_slice16x8_stride2_negative", 45, "StridedSliceOptions", {},
     [(2, 9, 10, 3)],
     [("begin", (4,), "INT32", [0, 1, -1, 0]),
      ("end", (4,), "INT32", [2, 9, 0, 3]),
      ("strides", (4,), "INT32", [1, 2, -3, 1])],
     [("in", 0), ("const", 0), ("const", 1), ("const", 2)], [(2, 4, 3, 3)]),
    ("split16x8_axis1", 49, "SplitOptions", {"num_splits": 3}, [(2, 12, 3)],
     [("axis", (1,), "INT32", [1])], [("const", 0), ("in", 0)],
     [(2, 4, 3)] * 3),
    ("split_v16x8", 102, "SplitVOptions", {"num_splits": 3}, [(4, 10)],
     [("sizes", (3,), "INT32", [3, -1, 2]), ("axis", (1,), "INT32", [-1])],
     [("in", 0), ("const", 0), ("const", 1)], [(4, 3), (4, 5), (4, 2)]),
    ("pack16x8_axis1", 83, "PackOptions", {"values_count": 3, "axis": 1},
     [(2, 5)] * 3, [], [("in", 0), ("in", 1), ("in", 2)], [(2, 3, 5)]),
    ("unpack16x8_axis0", 88, "UnpackOptions", {"num": 3, "axis": 0},
     [(3, 4, 2)], [], [("in", 0)], [(4, 2)] * 3),
    ("resize_nearest16x8_half_pixel", 97, "ResizeNearestNeighborOptions",
     {"half_pixel_centers": True}, [(1, 4, 5, 3)],
     [("size", (2,), "INT32", [7, 9])], [("in", 0), ("const", 0)],
     [(1, 7, 9, 3)]),
    ("expand_dims16x8", 70, "ExpandDimsOptions", None, [(4, 9)],
     [("axis", (1,), "INT32", [1])], [("in", 0), ("const", 0)], [(4, 1, 9)]),
]
for (name, code, otype, opts, ins, consts, order, outs) in MOVES_16X8:
    CASES_16X8.append((name, as16x8(g.build_multi(
        ins, consts, order, outs, code, otype, opts, (0.001, 0))), ins))

# SOFTMAX: TFLite's int16 kernel (two interpolated 513-entry tables), the
# output scale 2^-15.
CASES_16X8 += [
    ("softmax16x8_2x3x10", as16x8(g.unary_case(
        25, "SoftmaxOptions", (2, 3, 10), (2, 3, 10), (0.0005, 0), (Q15, 0),
        options={"beta": 1.0})), [(2, 3, 10)]),
    ("softmax16x8_3x100_beta_half", as16x8(g.unary_case(
        25, "SoftmaxOptions", (3, 100), (3, 100), (0.0003, 0), (Q15, 0),
        options={"beta": 0.5})), [(3, 100)]),
    ("softmax16x8_4x1", as16x8(g.unary_case(
        25, "SoftmaxOptions", (4, 1), (4, 1), (0.001, 0), (Q15, 0),
        options={"beta": 1.0})), [(4, 1)]),
]


# Pooling and reductions: int32 sums of int16 values, TFLite's rounded
# division (AVERAGE_POOL_2D) or its MEAN/SUM requantization.
CASES_16X8 += [
    pool16x8_case("avg_pool16x8_3x3_s2_same_relu", 1, (1, 7, 9, 4),
                  (1, 4, 5, 4), "SAME", (3, 3), (2, 2), "RELU"),
    pool16x8_case("avg_pool16x8_2x3_s1_valid", 1, (2, 5, 6, 3), (2, 4, 4, 3),
                  "VALID", (2, 3), (1, 1)),
    pool16x8_case("avg_pool16x8_global", 1, (1, 6, 5, 7), (1, 1, 1, 7),
                  "VALID", (6, 5), (1, 1)),
    # 256 taps: past the byte-split limit, the strided-view sum.
    pool16x8_case("avg_pool16x8_16x16_strided_views", 1, (1, 17, 16, 2),
                  (1, 2, 1, 2), "VALID", (16, 16), (1, 1)),
]
REDUCE_16X8 = [
    ("mean16x8_spatial_keep_dims", 40, "ReducerOptions", {"keep_dims": True},
     [(1, 7, 7, 24)], [("axis", (2,), "INT32", [1, 2])],
     [("in", 0), ("const", 0)], [(1, 1, 1, 24)], (0.0006, 0)),
    ("sum16x8_axis0_drop", 74, "ReducerOptions", {"keep_dims": False},
     [(4, 3, 5)], [("axis", (1,), "INT32", [0])], [("in", 0), ("const", 0)],
     [(3, 5)], (0.004, 0)),
    ("reduce_max16x8_axes_1_3", 82, "ReducerOptions", {"keep_dims": False},
     [(2, 4, 5, 6)], [("axis", (2,), "INT32", [1, -1])],
     [("in", 0), ("const", 0)], [(2, 5)], (0.001, 0)),
]
for (name, code, otype, opts, ins, consts, order, outs, qo) in REDUCE_16X8:
    CASES_16X8.append((name, as16x8(g.build_multi(
        ins, consts, order, outs, code, otype, opts, (0.001, 0), qo)), ins))


def transpose_conv16x8_case(name, shape_in, out_hw, oc, kernel, stride,
                            padding, activation="NONE", bias=True):
    """TRANSPOSE_CONV in the 16x8 mode: the int8 case's model with int16
    activations and an int64 bias (TFLite Micro's int16 kernel reads the
    bias as int64)."""
    _, model, shapes = g.transpose_conv_case(name, shape_in, out_hw, oc,
                                             kernel, stride, padding,
                                             activation, bias)
    graph = model["subgraphs"][0]
    for t in graph["tensors"]:
        if t["name"] in ("x", "y"):
            t["type"] = "INT16"
            t["quantization"]["zero_point"] = [0]
            t["quantization"]["scale"] = [0.0005 if t["name"] == "x"
                                          else 0.002]
        if t["name"] == "bias":
            rng = random.Random("bias16:" + name)
            t["type"] = "INT64"
            model["buffers"][t["buffer"]] = g.int_buffer(
                [rng.randint(-2000000, 2000000) for _ in range(oc)], 8)
    return (name, model, shapes)


CASES_16X8 += [
    transpose_conv16x8_case("transpose_conv16x8_3x3_s2_same", (1, 4, 5, 6),
                            (8, 10), 7, (3, 3), (2, 2), "SAME"),
    transpose_conv16x8_case("transpose_conv16x8_relu_2x2_s2_no_bias",
                            (1, 3, 3, 4), (6, 6), 5, (2, 2), (2, 2), "VALID",
                            "RELU", bias=False),
]


def prelu16x8_case(name, shape, alpha_shape, s_in, q_alpha, s_out):
    """PRELU in the 16x8 mode: int16 input and output, an int8 alpha."""
    _, model, shapes = g.prelu_case(name, shape, alpha_shape, (s_in, 0),
                                    q_alpha, (s_out, 0))
    return (name, as16x8(model), shapes)


CASES_16X8 += [
    prelu16x8_case("prelu16x8_per_channel", (1, 5, 6, 8), (1, 1, 8), 0.0005,
                   (0.01, 3), 0.0004),
    ("squared_difference16x8_broadcast", binary16x8_case(
        99, None, (2, 4, 9), (9,), (2, 4, 9), (0.0005, 0.0003, 0.02)),
     [(2, 4, 9), (9,)]),
]


def softmax_int8_to_int16_case(name, shape, q_in, beta):
    """SOFTMAX from int8 to int16 (TFLite's output scale 2^-16, zero point
    -32768)."""
    model = g.unary_case(25, "SoftmaxOptions", shape, shape, q_in,
                         (1.0 / 65536, -32768), options={"beta": beta})
    tensors = model["subgraphs"][0]["tensors"]
    tensors[1]["type"] = "INT16"
    return (name, model, [shape])


CASES_16X8 += [
    softmax_int8_to_int16_case("softmax_int8_to_int16_2x3x10", (2, 3, 10),
                               (0.1, 5), 1.0),
    softmax_int8_to_int16_case("softmax_int8_to_int16_4x64_beta_half",
                               (4, 64), (0.0625, -128), 0.5),
]

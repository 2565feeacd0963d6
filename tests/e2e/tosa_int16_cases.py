"""TOSA cases for TFLite's 16x8 mode: int16 x int8 MAC layers (conv2d,
depthwise_conv2d and fully_connected with int16 activations (zero point 0), int8 weights, an
int48 bias and accumulator, then a rescale to int16 and a clamp, as the
TFLite importer writes them; tosa-to-npu splits the int16 input into
bytes for the int8 array, SplitInt16.cpp), int16 ADD / MUL in the
importer's form (fused into one npu.eltwise) and int16 max_pool2d
(Decompose.cpp). Used by gen_tosa_ops.py; the
reference outputs come from MLIR 19's own lowering (tosa_ref.py).
"""

import gen_tosa_ops as g


def wide_requant(rng, acc_rms, channels, target=9000.0):
    """Per-channel (multiplier, shift) taking the accumulators to ~int16."""
    mults, shifts = [], []
    for chan_rms in acc_rms[:channels]:
        mult, shift = g.quantize_scale(
            target / max(chan_rms, 1.0) * rng.uniform(0.6, 1.5))
        mults.append(mult)
        shifts.append(shift)
    return mults, shifts


def build_conv16(b, rng, in_shape, oc, kernel, stride, dilation_h, pad,
                 relu):
    """conv2d (i16 x i8 -> i48) + rescale to i16 (+ a ReLU clamp)."""
    n, ih, iw, ic = in_shape
    kh, kw = kernel
    oh = g.window_out(ih, kh, stride[0], dilation_h, pad[0], pad[1])
    ow = g.window_out(iw, kw, stride[1], 1, pad[2], pad[3])
    x = b.arg(in_shape, "i16", g.rand_ints(rng, g.prod(in_shape),
                                          g.I16_MIN, g.I16_MAX))
    ws = g.weights_i8(rng, oc * kh * kw * ic)
    w = b.const((oc, kh, kw, ic), "i8", ws)
    taps = kh * kw * ic
    acc_rms = [18900.0 * g.rms(ws[c * taps:(c + 1) * taps]) * taps ** 0.5
               for c in range(oc)]
    bias = b.const((oc,), "i48", [rng.randint(-3000000, 3000000)
                                  for _ in range(oc)])
    acc = b.op("tosa.conv2d", [x, w, bias], {
        "pad": g.array_attr("i64", pad),
        "stride": g.array_attr("i64", stride),
        "dilation": g.array_attr("i64", (dilation_h, 1)),
        "quantization_info": g.conv_quant(0),
    }, (n, oh, ow, oc), "i48")
    mults, shifts = wide_requant(rng, acc_rms, oc)
    y = g.rescale(b, acc, "i16", mults, shifts, 0, 0, False, True, True)
    return [g.clamp(b, y, 0, g.I16_MAX) if relu else y]


def build_dw16(b, rng, in_shape, mult, kernel, stride, pad):
    """depthwise_conv2d (i16 x i8 -> i48) + per-channel rescale to i16."""
    n, ih, iw, c = in_shape
    kh, kw = kernel
    oh = g.window_out(ih, kh, stride[0], 1, pad[0], pad[1])
    ow = g.window_out(iw, kw, stride[1], 1, pad[2], pad[3])
    oc = c * mult
    x = b.arg(in_shape, "i16", g.rand_ints(rng, g.prod(in_shape),
                                          g.I16_MIN, g.I16_MAX))
    ws = g.weights_i8(rng, kh * kw * oc)
    w = b.const((kh, kw, c, mult), "i8", ws)
    acc_rms = [18900.0 * g.rms(ws[o::oc]) * (kh * kw) ** 0.5
               for o in range(oc)]
    bias = b.const((oc,), "i48", [rng.randint(-3000000, 3000000)
                                  for _ in range(oc)])
    acc = b.op("tosa.depthwise_conv2d", [x, w, bias], {
        "pad": g.array_attr("i64", pad),
        "stride": g.array_attr("i64", stride),
        "dilation": g.array_attr("i64", (1, 1)),
        "quantization_info": g.conv_quant(0),
    }, (n, oh, ow, oc), "i48")
    mults, shifts = wide_requant(rng, acc_rms, oc)
    return [g.rescale(b, acc, "i16", mults, shifts, 0, 0, False, True, True)]


def build_fc16(b, rng, batch, ic, oc, clamp_hi):
    """fully_connected (i16 x i8 -> i48) + per-tensor rescale + clamp."""
    x = b.arg((batch, ic), "i16", g.rand_ints(rng, batch * ic, g.I16_MIN,
                                             g.I16_MAX))
    ws = g.weights_i8(rng, oc * ic)
    w = b.const((oc, ic), "i8", ws)
    bias = b.const((oc,), "i48", [rng.randint(-3000000, 3000000)
                                  for _ in range(oc)])
    acc = b.op("tosa.fully_connected", [x, w, bias], {
        "quantization_info": g.conv_quant(0),
    }, (batch, oc), "i48")
    mults, shifts = wide_requant(rng, [18900.0 * g.rms(ws) * ic ** 0.5], 1)
    y = g.rescale(b, acc, "i16", mults, shifts, 0, 0, True, True, False)
    return [g.clamp(b, y, -20000, clamp_hi)]


def build_add16(b, rng, shape1, shape2, scales, sub):
    """TFLite int16 ADD/SUB as the importer writes it: each input << 15
    exactly, then its multiplier, add/sub in i32, rescale to i16."""
    s1, s2, so = scales
    x1 = b.arg(shape1, "i16", g.rand_ints(rng, g.prod(shape1), g.I16_MIN,
                                         g.I16_MAX))
    x2 = b.arg(shape2, "i16", g.rand_ints(rng, g.prod(shape2), g.I16_MIN,
                                         g.I16_MAX))
    max2x = 2.0 * max(s1, s2)
    inputs = []
    for x, s in ((x1, s1), (x2, s2)):
        shifted = g.rescale(b, x, "i32", [1 << 30], [15], 0, 0, False)
        m, sh = g.quantize_scale(s / max2x)
        inputs.append(g.rescale(b, shifted, "i32", [m], [sh], 0, 0, True))
    out_shape = tuple(max(a, c) for a, c in zip(shape1, shape2))
    total = b.op("tosa.sub" if sub else "tosa.add", inputs, {}, out_shape,
                 "i32")
    mo, sho = g.quantize_scale(max2x / (so * (1 << 15)))
    return [g.rescale(b, total, "i16", [mo], [sho], 0, 0, True)]


def build_mul16(b, rng, shape, scale):
    """TFLite int16 MUL: the product in i32, rescaled to i16."""
    xs = [b.arg(shape, "i16", g.rand_ints(rng, g.prod(shape), g.I16_MIN,
                                          g.I16_MAX)) for _ in range(2)]
    wide = [g.rescale(b, x, "i32", [1 << 30], [30], 0, 0, False) for x in xs]
    product = b.op("tosa.mul", wide, {"shift": "0 : i8"}, shape, "i32")
    mo, sho = g.quantize_scale(scale)
    return [g.clamp(b, g.rescale(b, product, "i16", [mo], [sho], 0, 0, True),
                    -30000, 30000)]


def build_maxpool16(b, rng, in_shape, kernel, stride, pad):
    """max_pool2d on int16 (decomposed into strided windows and maxima)."""
    n, ih, iw, c = in_shape
    oh = g.window_out(ih, kernel[0], stride[0], 1, pad[0], pad[1])
    ow = g.window_out(iw, kernel[1], stride[1], 1, pad[2], pad[3])
    x = b.arg(in_shape, "i16", g.rand_ints(rng, g.prod(in_shape), g.I16_MIN,
                                          g.I16_MAX))
    return [b.op("tosa.max_pool2d", [x], {
        "kernel": g.array_attr("i64", kernel),
        "stride": g.array_attr("i64", stride),
        "pad": g.array_attr("i64", pad),
    }, (n, oh, ow, c), "i16")]


def int16_cases():
    """(name, builder) pairs."""
    yield "conv16x8_3x3_s1_pad1", (lambda b, rng: build_conv16(
        b, rng, (1, 5, 6, 4), 6, (3, 3), (1, 1), 1, (1, 1, 1, 1), False))
    yield "conv16x8_2x3_s2_pad_asym_relu", (lambda b, rng: build_conv16(
        b, rng, (2, 7, 7, 3), 5, (2, 3), (2, 2), 1, (0, 1, 1, 1), True))
    yield "conv16x8_3x1_dil2_ic1", (lambda b, rng: build_conv16(
        b, rng, (1, 9, 4, 1), 7, (3, 1), (1, 1), 2, (0, 0, 0, 0), False))
    yield "conv16x8_1x1_ic40", (lambda b, rng: build_conv16(
        b, rng, (1, 3, 3, 40), 20, (1, 1), (1, 1), 1, (0, 0, 0, 0), False))
    yield "dw16x8_3x3_s1_pad1_mult2", (lambda b, rng: build_dw16(
        b, rng, (1, 5, 6, 3), 2, (3, 3), (1, 1), (1, 1, 1, 1)))
    yield "dw16x8_3x3_s2_valid", (lambda b, rng: build_dw16(
        b, rng, (2, 7, 7, 8), 1, (3, 3), (2, 2), (0, 0, 0, 0)))
    yield "add16x8_broadcast", (lambda b, rng: build_add16(
        b, rng, (1, 4, 5, 6), (1, 1, 1, 6), (0.0004, 0.0003, 0.0006), False))
    yield "sub16x8_importer_form", (lambda b, rng: build_add16(
        b, rng, (2, 30), (2, 30), (0.0005, 0.0002, 0.0007), True))
    yield "mul16x8_importer_form", (lambda b, rng: build_mul16(
        b, rng, (3, 24), 2.9e-5))
    yield "maxpool16x8_3x3_s2_pad", (lambda b, rng: build_maxpool16(
        b, rng, (1, 7, 9, 4), (3, 3), (2, 2), (1, 1, 1, 1)))
    yield "maxpool16x8_2x3_s1", (lambda b, rng: build_maxpool16(
        b, rng, (2, 5, 6, 3), (2, 3), (1, 1), (0, 1, 1, 0)))
    yield "fc16x8_batch3", (lambda b, rng: build_fc16(b, rng, 3, 50, 9,
                                                       25000))

"""TOSA cases for the operators tosa-to-npu decomposes (Decompose.cpp):
tosa.gather with constant indices, tosa.resize (NEAREST_NEIGHBOR int8 and
int16, BILINEAR int8 -> int32) and tosa.transpose_conv2d (int8, then the
rescale and clamp of a TFLite layer). Used by gen_tosa_ops.py; the
reference outputs come from MLIR 19's own lowering of these ops
(tosa_ref.py).
"""

import gen_tosa_ops as g


def build_gather(b, rng, values_shape, indices):
    """tosa.gather of int8 values [N, K, C] by constant indices [N, W]."""
    n, _, c = values_shape
    x = b.arg(values_shape, "i8", g.input_i8(rng, g.prod(values_shape)))
    w = len(indices[0])
    idx = b.const((n, w), "i32", [i for row in indices for i in row])
    return [b.op("tosa.gather", [x, idx], {}, (n, w, c), "i8")]


def resize_out(size, scale_n, scale_d, offset, border):
    """Output size of one resized axis (the specification's exact formula)."""
    num = (size - 1) * scale_n - offset + border
    if num % scale_d:
        raise ValueError("resize parameters do not divide exactly")
    return num // scale_d + 1


def build_resize(b, rng, in_shape, elem, mode, scale, offset, border,
                 rescale_to_i8=False):
    """tosa.resize; BILINEAR gives int32, optionally rescaled to int8 as
    TFLite's legalization does."""
    n, ih, iw, c = in_shape
    oh = resize_out(ih, scale[0], scale[1], offset[0], border[0])
    ow = resize_out(iw, scale[2], scale[3], offset[1], border[1])
    lo, hi = g.RANGES[elem]
    x = b.arg(in_shape, elem, g.rand_ints(rng, g.prod(in_shape), lo, hi))
    out_elem = "i32" if mode == "BILINEAR" else elem
    y = b.op("tosa.resize", [x], {
        "mode": '"%s"' % mode,
        "scale": g.array_attr("i64", scale),
        "offset": g.array_attr("i64", offset),
        "border": g.array_attr("i64", border),
    }, (n, oh, ow, c), out_elem)
    if rescale_to_i8:
        # Divide by n_y * n_x (a power of two here), as the legalization.
        total = scale[0] * scale[2]
        shift = total.bit_length() - 1 + 30
        y = g.rescale(b, y, "i8", [1 << 30], [shift], 0, rng.choice([-3, 5]),
                      True, True, False)
    return [y]


def build_transpose_conv(b, rng, in_shape, oc, kernel, stride, out_pad,
                         input_zp, act):
    """tosa.transpose_conv2d + per-channel rescale + activation clamp."""
    n, ih, iw, ic = in_shape
    kh, kw = kernel
    oh = (ih - 1) * stride[0] + out_pad[0] + out_pad[1] + kh
    ow = (iw - 1) * stride[1] + out_pad[2] + out_pad[3] + kw
    xs = g.input_i8(rng, g.prod(in_shape))
    x = b.arg(in_shape, "i8", xs)
    ws = g.weights_i8(rng, oc * kh * kw * ic)
    w = b.const((oc, kh, kw, ic), "i8", ws)
    taps = kh * kw * ic
    # Each output sees about 1 / (stride_y * stride_x) of the taps.
    per_chan = [ws[k * taps:(k + 1) * taps:stride[0] * stride[1]]
                for k in range(oc)]
    acc_rms, bias_vals = g.spread_and_bias(rng, xs, input_zp, per_chan)
    bias = b.const((oc,), "i32", bias_vals)
    acc = b.op("tosa.transpose_conv2d", [x, w, bias], {
        "out_pad": g.array_attr("i64", out_pad),
        "stride": g.array_attr("i64", stride),
        "out_shape": g.array_attr("i64", (n, oh, ow, oc)),
        "quantization_info": g.conv_quant(input_zp),
    }, (n, oh, ow, oc), "i32")
    mults, shifts = g.requant_params(rng, acc_rms, oc)
    output_zp = g.pick_output_zp(rng, act)
    y = g.rescale(b, acc, "i8", mults, shifts, 0, output_zp, True, True, True)
    return [g.activation(b, rng, y, act, output_zp)]


def resample_cases():
    """(name, builder) pairs."""
    yield "gather_i8_n1", (lambda b, rng: build_gather(
        b, rng, (1, 7, 5), [[3, 0, 6, 3]]))
    yield "gather_i8_n2_rows_differ", (lambda b, rng: build_gather(
        b, rng, (2, 6, 3), [[5, 1, 1, 0, 2], [0, 0, 4, 5, 3]]))
    # TFLite's legalization of a 2x upscale without half pixels.
    yield "resize_nearest_i8_x2", (lambda b, rng: build_resize(
        b, rng, (1, 3, 4, 5), "i8", "NEAREST_NEIGHBOR", (2, 1, 2, 1),
        (0, 0), (1, 1)))
    # Half-pixel centres: offset -1/4 of an input pixel.
    yield "resize_nearest_i8_half_pixel", (lambda b, rng: build_resize(
        b, rng, (1, 3, 4, 2), "i8", "NEAREST_NEIGHBOR", (4, 2, 4, 2),
        (-1, -1), (1, 1)))
    yield "resize_nearest_i8_down", (lambda b, rng: build_resize(
        b, rng, (2, 6, 5, 3), "i8", "NEAREST_NEIGHBOR", (1, 2, 3, 4),
        (0, 1), (-1, 1)))
    yield "resize_nearest_i16_x3", (lambda b, rng: build_resize(
        b, rng, (1, 2, 3, 4), "i16", "NEAREST_NEIGHBOR", (3, 1, 3, 1),
        (0, 0), (2, 2)))
    yield "resize_bilinear_i8_i32_half_pixel", (lambda b, rng: build_resize(
        b, rng, (1, 3, 4, 3), "i8", "BILINEAR", (4, 2, 4, 2),
        (-1, -1), (1, 1)))
    yield "resize_bilinear_i8_odd_scale", (lambda b, rng: build_resize(
        b, rng, (1, 4, 3, 2), "i8", "BILINEAR", (5, 3, 7, 4),
        (-4, -6), (-4, 0)))
    yield "resize_bilinear_i8_rescaled", (lambda b, rng: build_resize(
        b, rng, (1, 4, 4, 8), "i8", "BILINEAR", (4, 2, 4, 2),
        (-1, -1), (1, 1), rescale_to_i8=True))
    yield "transpose_conv_i8_s2", (lambda b, rng: build_transpose_conv(
        b, rng, (1, 3, 4, 6), 8, (3, 3), (2, 2), (0, 0, 0, 0), -7, "none"))
    # TFLite's SAME output: negative out_pad crops.
    yield "transpose_conv_i8_s2_crop_relu", (lambda b, rng: build_transpose_conv(
        b, rng, (1, 4, 3, 5), 6, (3, 3), (2, 2), (-1, 0, -1, 0), 4, "relu"))
    yield "transpose_conv_i8_s21_asym", (lambda b, rng: build_transpose_conv(
        b, rng, (2, 3, 3, 4), 5, (2, 3), (2, 1), (-1, -1, 0, -2), 0, "none"))
    # Positive out_pad beyond the kernel: bias-only border rows.
    yield "transpose_conv_i8_s1_outpad", (lambda b, rng: build_transpose_conv(
        b, rng, (1, 3, 3, 4), 4, (2, 2), (1, 1), (2, 1, 0, 3), -20, "relu6"))

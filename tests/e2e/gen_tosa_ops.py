"""Generate a deterministic per-op TOSA test set for the end-to-end harness.

Every case is a small ``func.func @main`` in MLIR 19's (pre-1.0) TOSA dialect
using the int8 patterns that the TFLite -> TOSA legalization produces
(conv2d/depthwise/fully_connected/matmul + rescale + clamp, TFLite-style
add/sub/mul, avg/max pool, table, data-layout ops, integer element-wise ops).
Activations are function arguments, weights/bias/tables are ``tosa.const``.
All inputs stay inside the range where the TOSA specification defines the
result (no int32 overflow, shift amounts in range, apply_scale preconditions).

Usage:

    python3 gen_tosa_ops.py OUTDIR            write OUTDIR/<case>/model.mlir
                                              and OUTDIR/<case>/in0.npy ...
    python3 gen_tosa_ops.py OUTDIR --check    also parse every model with
                                              mlir-opt and run tosa_ref.py
                                              on it; report failures
    python3 gen_tosa_ops.py --list            print the case names

Options: --filter SUBSTR (only matching cases), --jobs N (parallel checks,
default 2), --mlir-bin DIR (default /usr/lib/llvm-19/bin or $MLIR_BIN).
The output is identical on every run (each case has its own fixed seed).
"""

import argparse
import concurrent.futures
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import npyio  # noqa: E402  pylint: disable=wrong-import-position

DEFAULT_MLIR_BIN = "/usr/lib/llvm-19/bin"

I8_MIN, I8_MAX = -128, 127
I16_MIN, I16_MAX = -32768, 32767
I32_MIN, I32_MAX = -2 ** 31, 2 ** 31 - 1

RANGES = {
    "i8": (I8_MIN, I8_MAX),
    "i48": (-2 ** 47, 2 ** 47 - 1),
    "i16": (I16_MIN, I16_MAX),
    "i32": (I32_MIN, I32_MAX),
}
NPY_DTYPE = {"i8": "i8", "i16": "i16", "i32": "i32"}
STRUCT_CODE = {"i8": "b", "i16": "h", "i32": "i"}

# Constants with more elements than this are written as hex blobs.
MAX_LITERAL_ELEMENTS = 64


# -------------------------------------------------------------- utilities ---

def prod(values):
    """Product of a sequence of ints."""
    result = 1
    for value in values:
        result *= value
    return result


def tensor_type(shape, elem):
    """MLIR ranked tensor type text."""
    return "tensor<%s%s>" % ("".join("%dx" % d for d in shape), elem)


def array_attr(elem, values):
    """MLIR dense array attribute, e.g. array<i64: 1, 1>."""
    return "array<%s: %s>" % (elem, ", ".join(str(v) for v in values))


def nested_list(shape, values):
    """Format flat VALUES as a nested MLIR literal for SHAPE."""
    if not shape:
        return str(values[0])
    if len(shape) == 1:
        return "[" + ", ".join(str(v) for v in values) + "]"
    step = prod(shape[1:])
    parts = [nested_list(shape[1:], values[i * step:(i + 1) * step])
             for i in range(shape[0])]
    return "[" + ", ".join(parts) + "]"


def dense_attr(shape, elem, values):
    """MLIR dense elements attribute with its type."""
    if len(values) > MAX_LITERAL_ELEMENTS:
        blob = struct.pack("<%d%s" % (len(values), STRUCT_CODE[elem]),
                           *values)
        body = '"0x%s"' % blob.hex().upper()
    else:
        body = nested_list(list(shape), values)
    return "dense<%s> : %s" % (body, tensor_type(shape, elem))


def quantize_scale(scale):
    """Return (multiplier, shift) with multiplier in [2^30, 2^31).

    multiplier / 2^shift approximates SCALE, as TFLite computes it.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    mantissa, exponent = math.frexp(scale)
    multiplier = int(round(mantissa * (1 << 31)))
    if multiplier == 1 << 31:
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    if not 2 <= shift <= 62:
        raise ValueError("scale %g needs shift %d" % (scale, shift))
    return multiplier, shift


def rand_ints(rng, count, lo, hi, extremes=True):
    """COUNT random ints in [lo, hi]; with EXTREMES, lo and hi appear."""
    values = [rng.randint(lo, hi) for _ in range(count)]
    if extremes and count >= 8:
        planted = 4 if count >= 64 else 2
        for index, pos in enumerate(rng.sample(range(count), planted)):
            values[pos] = lo if index % 2 == 0 else hi
    return values


def same_padding(size, kernel, stride, dilation):
    """TFLite SAME padding: return (out, pad_before, pad_after)."""
    effective = (kernel - 1) * dilation + 1
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2, total - total // 2


def window_out(size, kernel, stride, dilation, before, after):
    """Output size of a TOSA window op; require exact division (spec)."""
    span = size - 1 + before + after - (kernel - 1) * dilation
    if span < 0 or span % stride:
        raise ValueError("window does not divide evenly: size %d kernel %d "
                         "stride %d dilation %d pad %d,%d"
                         % (size, kernel, stride, dilation, before, after))
    return span // stride + 1


def rms(values, offset=0):
    """Root mean square of (v - offset)."""
    return math.sqrt(sum((v - offset) ** 2 for v in values) / len(values))


def mean(values):
    """Arithmetic mean."""
    return sum(values) / len(values)


def std(values):
    """Population standard deviation."""
    return rms(values, mean(values))


# ---------------------------------------------------------------- builder ---

class Val:
    """An SSA value of ranked tensor type."""

    def __init__(self, name, shape, elem):
        self.name = name
        self.shape = tuple(shape)
        self.elem = elem

    @property
    def type(self):
        """MLIR type text."""
        return tensor_type(self.shape, self.elem)


class Builder:
    """Accumulates the body of func.func @main and its input data."""

    def __init__(self, style):
        # style "props": <{...}> property syntax; "attrs": {...} dictionary
        self.style = style
        self.args = []
        self.inputs = []
        self.lines = []
        self.counter = 0

    def arg(self, shape, elem, values):
        """Add a function argument with its input data."""
        if len(values) != prod(shape):
            raise ValueError("argument data does not match shape")
        lo, hi = RANGES[elem]
        if any(v < lo or v > hi for v in values):
            raise ValueError("argument data out of range for " + elem)
        val = Val("%%arg%d" % len(self.args), shape, elem)
        self.args.append(val)
        self.inputs.append((NPY_DTYPE[elem], tuple(shape), list(values)))
        return val

    def op(self, name, operands, attrs, shape, elem):
        """Emit a generic-form op with one result; return the result."""
        result = Val("%%%d" % self.counter, shape, elem)
        self.counter += 1
        text = '    %s = "%s"(%s)' % (
            result.name, name, ", ".join(o.name for o in operands))
        if attrs:
            body = ", ".join("%s = %s" % (k, attrs[k]) for k in sorted(attrs))
            if self.style == "props":
                text += " <{%s}>" % body
            else:
                text += " {%s}" % body
        text += " : (%s) -> %s" % (", ".join(o.type for o in operands),
                                   result.type)
        self.lines.append(text)
        return result

    def const(self, shape, elem, values):
        """Emit a tosa.const."""
        lo, hi = RANGES.get(elem, (I32_MIN, 2 ** 63 - 1))
        if any(v < lo or v > hi for v in values):
            raise ValueError("constant out of range for " + elem)
        return self.op("tosa.const", [], {
            "value": dense_attr(shape, elem, values)}, shape, elem)

    def module(self, results):
        """Return the complete module text returning RESULTS."""
        args = ", ".join("%s: %s" % (a.name, a.type) for a in self.args)
        if len(results) == 1:
            ret_types = results[0].type
        else:
            ret_types = "(%s)" % ", ".join(r.type for r in results)
        lines = ["module {",
                 "  func.func @main(%s) -> %s {" % (args, ret_types)]
        lines.extend(self.lines)
        lines.append("    return %s : %s" % (
            ", ".join(r.name for r in results),
            ", ".join(r.type for r in results)))
        lines.append("  }")
        lines.append("}")
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------- op helpers ---

def bool_attr(flag):
    """MLIR bool attribute text."""
    return "true" if flag else "false"


def i32_attr(value):
    """MLIR i32 integer attribute text."""
    return "%d : i32" % value


def rescale(b, x, out_elem, mults, shifts, input_zp=0, output_zp=0,
            double_round=True, scale32=True, per_channel=None):
    """Emit tosa.rescale."""
    if per_channel is None:
        per_channel = len(mults) > 1
    if per_channel and len(mults) != x.shape[-1]:
        raise ValueError("per-channel rescale needs one multiplier/channel")
    for mult, shift in zip(mults, shifts):
        limit = (1 << 31) if scale32 else (1 << 15)
        if not 0 <= mult < limit or not 2 <= shift <= 62:
            raise ValueError("bad multiplier/shift %d/%d" % (mult, shift))
    if double_round and not scale32:
        raise ValueError("double_round needs scale32")
    attrs = {
        "input_zp": i32_attr(input_zp),
        "output_zp": i32_attr(output_zp),
        "multiplier": array_attr("i32", mults),
        "shift": array_attr("i8", shifts),
        "scale32": bool_attr(scale32),
        "double_round": bool_attr(double_round),
        "per_channel": bool_attr(per_channel),
    }
    return b.op("tosa.rescale", [x], attrs, x.shape, out_elem)


def clamp(b, x, lo, hi):
    """Emit tosa.clamp with integer bounds."""
    attrs = {
        "min_int": "%d : i64" % lo,
        "max_int": "%d : i64" % hi,
        "min_fp": "0.000000e+00 : f32",
        "max_fp": "0.000000e+00 : f32",
    }
    return b.op("tosa.clamp", [x], attrs, x.shape, x.elem)


def conv_quant(input_zp, weight_zp=0):
    """#tosa.conv_quant attribute."""
    return "#tosa.conv_quant<input_zp = %d, weight_zp = %d>" % (
        input_zp, weight_zp)


def activation(b, rng, x, kind, output_zp):
    """Emit the clamp of a fused TFLite activation (int8 output)."""
    if kind == "none":
        return x
    if kind == "relu":
        return clamp(b, x, output_zp, I8_MAX)
    if kind == "relu6":
        return clamp(b, x, output_zp,
                     min(I8_MAX, output_zp + rng.randint(60, 120)))
    raise ValueError(kind)


def spread_and_bias(rng, xs, input_zp, chan_weights):
    """Per output channel: (accumulator spread, bias).

    The bias cancels most of the expected accumulator offset (the input
    zero point times the weight sum) so that the requantized outputs spread
    over the int8 range instead of saturating.
    """
    x_mean = mean(xs) - input_zp
    x_std = max(std(xs), 32.0)  # a single input value has no spread
    spreads, biases = [], []
    for weights in chan_weights:
        spread = max(x_std * rms(weights) * math.sqrt(len(weights)), 1.0)
        expected = x_mean * sum(weights)
        spreads.append(spread)
        biases.append(int(-expected + rng.uniform(-0.5, 0.5) * spread))
    return spreads, biases


def pick_output_zp(rng, act):
    """Output zero point: -128 is typical in front of a ReLU."""
    if act == "none":
        return rng.choice([-9, 0, 3, 17])
    return rng.choice([-128, -128, -20, 3])


def requant_params(rng, acc_rms, channels, target=45.0):
    """Per-channel (multipliers, shifts) mapping accumulators to ~int8."""
    mults, shifts = [], []
    for chan_rms in acc_rms[:channels]:
        scale = target / max(chan_rms, 1.0) * rng.uniform(0.6, 1.5)
        mult, shift = quantize_scale(scale)
        mults.append(mult)
        shifts.append(shift)
    return mults, shifts


def input_i8(rng, count, lo=I8_MIN, hi=I8_MAX):
    """Random int8 activation data including the extremes."""
    return rand_ints(rng, count, lo, hi)


def weights_i8(rng, count):
    """Random int8 weights (mostly symmetric, as TFLite makes them)."""
    values = [rng.randint(-127, 127) for _ in range(count)]
    if count >= 8:
        values[rng.randrange(count)] = -128
        values[rng.randrange(count)] = 127
        values[rng.randrange(count)] = -127
    return values


# ------------------------------------------------------------ case bodies ---

def build_conv2d(b, rng, in_shape, oc, kernel, stride, dilation, pad,
                 input_zp, act, x=None):
    """conv2d + per-channel rescale + activation clamp (of the function's
    argument, or of `x`, an earlier op's result)."""
    n, ih, iw, ic = in_shape
    kh, kw = kernel
    if pad == "same":
        oh, pt, pb = same_padding(ih, kh, stride[0], dilation[0])
        ow, pl, pr = same_padding(iw, kw, stride[1], dilation[1])
    else:
        pt = pb = pl = pr = 0
    oh = window_out(ih, kh, stride[0], dilation[0], pt, pb)
    ow = window_out(iw, kw, stride[1], dilation[1], pl, pr)
    xs = input_i8(rng, prod(in_shape))
    if x is None:
        x = b.arg(in_shape, "i8", xs)
    ws = weights_i8(rng, oc * kh * kw * ic)
    w = b.const((oc, kh, kw, ic), "i8", ws)
    taps = kh * kw * ic
    per_chan = [ws[c * taps:(c + 1) * taps] for c in range(oc)]
    acc_rms, bias_vals = spread_and_bias(rng, xs, input_zp, per_chan)
    bias = b.const((oc,), "i32", bias_vals)
    attrs = {
        "pad": array_attr("i64", (pt, pb, pl, pr)),
        "stride": array_attr("i64", stride),
        "dilation": array_attr("i64", dilation),
        "quantization_info": conv_quant(input_zp),
    }
    acc = b.op("tosa.conv2d", [x, w, bias], attrs, (n, oh, ow, oc), "i32")
    mults, shifts = requant_params(rng, acc_rms, oc)
    output_zp = pick_output_zp(rng, act)
    y = rescale(b, acc, "i8", mults, shifts, 0, output_zp, True, True, True)
    return [activation(b, rng, y, act, output_zp)]


def build_depthwise(b, rng, in_shape, mult, kernel, stride, dilation, pad,
                    input_zp, act, x=None):
    """depthwise_conv2d + per-channel rescale + activation clamp (of the
    function's argument, or of `x`, an earlier op's result)."""
    n, ih, iw, c = in_shape
    kh, kw = kernel
    if pad == "same":
        _, pt, pb = same_padding(ih, kh, stride[0], dilation[0])
        _, pl, pr = same_padding(iw, kw, stride[1], dilation[1])
    else:
        pt = pb = pl = pr = 0
    oh = window_out(ih, kh, stride[0], dilation[0], pt, pb)
    ow = window_out(iw, kw, stride[1], dilation[1], pl, pr)
    oc = c * mult
    xs = input_i8(rng, prod(in_shape))
    if x is None:
        x = b.arg(in_shape, "i8", xs)
    ws = weights_i8(rng, kh * kw * c * mult)
    w = b.const((kh, kw, c, mult), "i8", ws)
    acc_rms, bias_vals = spread_and_bias(
        rng, xs, input_zp, [ws[chan::oc] for chan in range(oc)])
    bias = b.const((oc,), "i32", bias_vals)
    attrs = {
        "pad": array_attr("i64", (pt, pb, pl, pr)),
        "stride": array_attr("i64", stride),
        "dilation": array_attr("i64", dilation),
        "quantization_info": conv_quant(input_zp),
    }
    acc = b.op("tosa.depthwise_conv2d", [x, w, bias], attrs,
               (n, oh, ow, oc), "i32")
    mults, shifts = requant_params(rng, acc_rms, oc)
    output_zp = pick_output_zp(rng, act)
    y = rescale(b, acc, "i8", mults, shifts, 0, output_zp, True, True, True)
    return [activation(b, rng, y, act, output_zp)]


def build_fully_connected(b, rng, batch, ic, oc, input_zp, act):
    """fully_connected + per-layer rescale + activation clamp."""
    xs = input_i8(rng, batch * ic)
    x = b.arg((batch, ic), "i8", xs)
    ws = weights_i8(rng, oc * ic)
    w = b.const((oc, ic), "i8", ws)
    chan_rms, bias_vals = spread_and_bias(
        rng, xs, input_zp, [ws[o * ic:(o + 1) * ic] for o in range(oc)])
    acc_rms = mean(chan_rms)
    bias = b.const((oc,), "i32", bias_vals)
    acc = b.op("tosa.fully_connected", [x, w, bias],
               {"quantization_info": conv_quant(input_zp)},
               (batch, oc), "i32")
    mults, shifts = requant_params(rng, [acc_rms], 1)
    output_zp = pick_output_zp(rng, act)
    y = rescale(b, acc, "i8", mults, shifts, 0, output_zp, True, True, False)
    return [activation(b, rng, y, act, output_zp)]


def build_matmul(b, rng, batch, h, c, w, a_zp, b_as_arg):
    """matmul (int8, a_zp != 0) + per-layer rescale to int8."""
    a_vals = input_i8(rng, batch * h * c)
    a = b.arg((batch, h, c), "i8", a_vals)
    b_vals = input_i8(rng, batch * c * w)
    if b_as_arg:
        rhs = b.arg((batch, c, w), "i8", b_vals)
    else:
        rhs = b.const((batch, c, w), "i8", b_vals)
    acc = b.op("tosa.matmul", [a, rhs], {
        "quantization_info": "#tosa.matmul_quant<a_zp = %d, b_zp = 0>"
                             % a_zp}, (batch, h, w), "i32")
    acc_rms = rms(a_vals, a_zp) * rms(b_vals) * math.sqrt(c)
    mults, shifts = requant_params(rng, [acc_rms], 1)
    output_zp = rng.choice([-9, 0, 11])
    return [rescale(b, acc, "i8", mults, shifts, 0, output_zp, True, True,
                    False)]


def build_rescale(b, rng, shape, in_elem, out_elem, scale, input_zp,
                  output_zp, double_round, scale32, per_channel):
    """A standalone tosa.rescale."""
    channels = shape[-1] if per_channel else 1
    mults, shifts = [], []
    for _ in range(channels):
        chan_scale = scale * (rng.uniform(0.5, 2.0) if per_channel else 1.0)
        mult, shift = quantize_scale(chan_scale)
        if not scale32:
            # 16-bit multiplier in [2^14, 2^15)
            mult = (mult + (1 << 15)) >> 16
            shift -= 16
            if mult == 1 << 15:
                mult >>= 1
                shift -= 1
        mults.append(mult)
        shifts.append(shift)
    lo, hi = RANGES[in_elem]
    # keep (value - input_zp) inside the apply_scale precondition
    # |v| < 2^(shift - 1) and the result inside int32
    min_shift = min(shifts)
    limit = (1 << (min_shift - 1)) - 1
    max_mult = max(mults)
    limit = min(limit, ((1 << 31) - 1024) * (1 << min_shift) // max(
        max_mult, 1) // 2)
    vlo = max(lo, -limit + input_zp)
    vhi = min(hi, limit + input_zp)
    # input span that maps onto a bit more than the output range
    span = 1.2 * RANGES[out_elem][1] / scale
    if span < vhi - input_zp:
        # mostly values that land in the output range, plus the extremes
        values = [min(max(int(rng.uniform(-span, span)) + input_zp, vlo),
                      vhi) for _ in range(prod(shape))]
        for index, pos in enumerate(rng.sample(range(len(values)), 4)):
            values[pos] = vlo if index % 2 == 0 else vhi
    else:
        values = rand_ints(rng, prod(shape), vlo, vhi)
    x = b.arg(shape, in_elem, values)
    return [rescale(b, x, out_elem, mults, shifts, input_zp, output_zp,
                    double_round, scale32, per_channel)]


def tflite_add_input_scale(scale, max_scale_2x, input_shift=20):
    """Scale of the input rescale in TFLite's quantized ADD/SUB."""
    return scale / max_scale_2x * (1 << input_shift)


def build_tflite_addsub(b, rng, opname, shape1, shape2, zps, scales, act):
    """TFLite int8 ADD/SUB: rescale both to i32, add/sub, rescale back."""
    zp1, zp2, zpo = zps
    s1, s2, so = scales
    x1 = b.arg(shape1, "i8", input_i8(rng, prod(shape1)))
    x2 = b.arg(shape2, "i8", input_i8(rng, prod(shape2)))
    max2x = 2.0 * max(s1, s2)
    m1, sh1 = quantize_scale(tflite_add_input_scale(s1, max2x))
    m2, sh2 = quantize_scale(tflite_add_input_scale(s2, max2x))
    r1 = rescale(b, x1, "i32", [m1], [sh1], zp1, 0, False)
    r2 = rescale(b, x2, "i32", [m2], [sh2], zp2, 0, False)
    out_shape = tuple(max(a, c) for a, c in zip(shape1, shape2))
    s = b.op(opname, [r1, r2], {}, out_shape, "i32")
    mo, sho = quantize_scale(max2x / (so * (1 << 20)))
    y = rescale(b, s, "i8", [mo], [sho], 0, zpo, True)
    return [activation(b, rng, y, act, zpo)]


def build_binary_i32(b, rng, opname, shape1, shape2, lo, hi, attrs=None,
                     lo2=None, hi2=None, out_elem="i32", elem="i32",
                     scalar=None):
    """Element-wise binary op on two arguments (with broadcasting).

    Operand 1 is drawn from [lo, hi], operand 2 from [lo2, hi2]; a
    one-element operand is drawn from the SCALAR range when given.
    """
    lo2 = lo if lo2 is None else lo2
    hi2 = hi if hi2 is None else hi2
    ranges = [(lo, hi), (lo2, hi2)]
    for index, shape in enumerate((shape1, shape2)):
        if scalar is not None and prod(shape) == 1:
            ranges[index] = scalar
    x1 = b.arg(shape1, elem, rand_ints(rng, prod(shape1), *ranges[0]))
    x2 = b.arg(shape2, elem, rand_ints(rng, prod(shape2), *ranges[1]))
    out_shape = tuple(max(a, c) for a, c in zip(shape1, shape2))
    return [b.op(opname, [x1, x2], attrs or {}, out_shape, out_elem)]


def build_tflite_mul(b, rng, shape1, shape2, zps, scales, act):
    """TFLite int8 MUL: rescale both to i32, mul (shift 0), rescale back."""
    zp1, zp2, zpo = zps
    s1, s2, so = scales
    x1 = b.arg(shape1, "i8", input_i8(rng, prod(shape1)))
    x2 = b.arg(shape2, "i8", input_i8(rng, prod(shape2)))
    r1 = rescale(b, x1, "i32", [1 << 30], [30], zp1, 0, False)
    r2 = rescale(b, x2, "i32", [1 << 30], [30], zp2, 0, False)
    out_shape = tuple(max(a, c) for a, c in zip(shape1, shape2))
    prod_val = b.op("tosa.mul", [r1, r2], {"shift": "0 : i8"}, out_shape,
                    "i32")
    mo, sho = quantize_scale(s1 * s2 / so)
    y = rescale(b, prod_val, "i8", [mo], [sho], 0, zpo, True)
    return [activation(b, rng, y, act, zpo)]


def build_unary(b, rng, opname, shape, elem, lo, hi, out_elem=None,
                attrs=None, special=()):
    """Unary op on one argument; SPECIAL values are planted in the data."""
    values = rand_ints(rng, prod(shape), lo, hi)
    for pos, value in zip(rng.sample(range(len(values)), len(special)),
                          special):
        values[pos] = value
    x = b.arg(shape, elem, values)
    return [b.op(opname, [x], attrs or {}, shape, out_elem or elem)]


def build_clz_magnitudes(b, rng, shape):
    """tosa.clz on values of every bit length, both signs."""
    values = []
    for _ in range(prod(shape)):
        value = rng.getrandbits(rng.randint(0, 31))
        values.append(-value if rng.random() < 0.3 else value)
    x = b.arg(shape, "i32", values)
    return [b.op("tosa.clz", [x], {}, shape, "i32")]


def build_clamp(b, rng, shape, elem, lo, hi):
    """Standalone clamp."""
    vlo, vhi = RANGES[elem]
    if elem == "i32":
        vlo, vhi = -3 * max(abs(lo), abs(hi)), 3 * max(abs(lo), abs(hi))
    x = b.arg(shape, elem, rand_ints(rng, prod(shape), vlo, vhi))
    return [clamp(b, x, lo, hi)]


def build_table_i8(b, rng, shape, kind):
    """tosa.table with a 256-entry int8 table."""
    table = lut_table(rng, kind)
    count = prod(shape)
    values = [(i % 256) - 128 for i in range(count)]
    rng.shuffle(values)
    x = b.arg(shape, "i8", values)
    t = b.const((256,), "i8", table)
    return [b.op("tosa.table", [x, t], {}, shape, "i8")]


def build_table_i16(b, rng, shape, kind):
    """tosa.table with int16 input, 513-entry int16 table, int32 output."""
    if kind == "exp":
        table = [max(I16_MIN, min(I16_MAX, int(round(
            32767 * math.exp((i - 512) / 64.0))))) for i in range(513)]
    else:
        table = [rng.randint(I16_MIN, I16_MAX) for _ in range(513)]
    values = rand_ints(rng, prod(shape), I16_MIN, I16_MAX)
    for pos, value in zip(rng.sample(range(len(values)), 6),
                          (0, -1, 1, 127, 128, -32641)):
        values[pos] = value
    x = b.arg(shape, "i16", values)
    t = b.const((513,), "i16", table)
    return [b.op("tosa.table", [x, t], {}, shape, "i32")]


def build_pool(b, rng, opname, in_shape, kernel, stride, pad, zps=None):
    """avg_pool2d / max_pool2d on int8."""
    n, ih, iw, c = in_shape
    pt, pb, pl, pr = pad
    if max(pt, pb) >= kernel[0] or max(pl, pr) >= kernel[1]:
        raise ValueError("pool padding must be smaller than the kernel")
    oh = window_out(ih, kernel[0], stride[0], 1, pt, pb)
    ow = window_out(iw, kernel[1], stride[1], 1, pl, pr)
    # per-channel offsets so that window averages are not all near zero
    means = [rng.randint(-100, 100) for _ in range(c)]
    values = [max(I8_MIN, min(I8_MAX, means[i % c] + rng.randint(-60, 60)))
              for i in range(prod(in_shape))]
    for index, pos in enumerate(rng.sample(range(len(values)), 4)):
        values[pos] = I8_MIN if index % 2 == 0 else I8_MAX
    x = b.arg(in_shape, "i8", values)
    attrs = {
        "kernel": array_attr("i64", kernel),
        "stride": array_attr("i64", stride),
        "pad": array_attr("i64", pad),
    }
    if opname == "tosa.avg_pool2d":
        attrs["acc_type"] = "i32"
        attrs["quantization_info"] = (
            "#tosa.unary_quant<input_zp = %d, output_zp = %d>" % zps)
    return [b.op(opname, [x], attrs, (n, oh, ow, c), "i8")]


def build_reshape(b, rng, in_shape, out_shape, elem):
    """tosa.reshape."""
    lo, hi = RANGES[elem]
    x = b.arg(in_shape, elem, rand_ints(rng, prod(in_shape), lo, hi))
    return [b.op("tosa.reshape", [x], {
        "new_shape": array_attr("i64", out_shape)}, out_shape, elem)]


def build_transpose(b, rng, in_shape, perm, elem):
    """tosa.transpose with a constant permutation."""
    lo, hi = RANGES[elem]
    x = b.arg(in_shape, elem, rand_ints(rng, prod(in_shape), lo, hi))
    p = b.const((len(perm),), "i32", list(perm))
    out_shape = tuple(in_shape[i] for i in perm)
    return [b.op("tosa.transpose", [x, p], {}, out_shape, elem)]


def build_concat(b, rng, shapes, axis, elem, const_index=None):
    """tosa.concat of several arguments (one may be a constant)."""
    lo, hi = RANGES[elem]
    vals = []
    for index, shape in enumerate(shapes):
        data = rand_ints(rng, prod(shape), lo, hi)
        if index == const_index:
            vals.append(b.const(shape, elem, data))
        else:
            vals.append(b.arg(shape, elem, data))
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    return [b.op("tosa.concat", vals, {"axis": i32_attr(axis)},
                 tuple(out_shape), elem)]


def build_pad(b, rng, in_shape, padding, elem, pad_const=None,
              quant_zp=None):
    """tosa.pad with a padding tensor and optional pad value/zero point."""
    lo, hi = RANGES[elem]
    x = b.arg(in_shape, elem, rand_ints(rng, prod(in_shape), lo, hi))
    flat = [v for pair in padding for v in pair]
    p = b.const((len(in_shape), 2), "i32", flat)
    operands = [x, p]
    if pad_const is not None:
        operands.append(b.const((), elem, [pad_const]))
    attrs = {}
    if quant_zp is not None:
        attrs["quantization_info"] = "#tosa.pad_quant<input_zp = %d>" % (
            quant_zp)
    out_shape = tuple(d + lo_ + hi_ for d, (lo_, hi_) in
                      zip(in_shape, padding))
    return [b.op("tosa.pad", operands, attrs, out_shape, elem)]


def build_slice(b, rng, in_shape, start, size, elem):
    """tosa.slice."""
    lo, hi = RANGES[elem]
    x = b.arg(in_shape, elem, rand_ints(rng, prod(in_shape), lo, hi))
    return [b.op("tosa.slice", [x], {
        "start": array_attr("i64", start),
        "size": array_attr("i64", size)}, tuple(size), elem)]


def build_const_add(b, rng, shape, two_outputs):
    """Return input + constant (and optionally the constant itself)."""
    lim = 2 ** 30 - 1
    x = b.arg(shape, "i32", rand_ints(rng, prod(shape), -lim, lim))
    c = b.const(shape, "i32", rand_ints(rng, prod(shape), -lim, lim))
    s = b.op("tosa.add", [x, c], {}, shape, "i32")
    if not two_outputs:
        return [s]
    c8 = b.const(shape, "i8", rand_ints(rng, prod(shape), I8_MIN, I8_MAX))
    return [s, c8]


def build_cast(b, rng, shape, in_elem, out_elem):
    """tosa.cast between integer types (full input range)."""
    lo, hi = RANGES[in_elem]
    specials = [lo, hi, 0, -1, 1]
    if in_elem != "i8":
        specials += [127, 128, -128, -129, 255, 256]
    return build_unary(b, rng, "tosa.cast", shape, in_elem, lo, hi,
                       out_elem=out_elem, special=specials)


def build_reduce(b, rng, opname, shape, axis, elem, lo=None, hi=None):
    """tosa.reduce_* along AXIS."""
    rlo, rhi = RANGES[elem]
    lo = rlo if lo is None else lo
    hi = rhi if hi is None else hi
    x = b.arg(shape, elem, rand_ints(rng, prod(shape), lo, hi))
    out_shape = list(shape)
    out_shape[axis] = 1
    return [b.op(opname, [x], {"axis": i32_attr(axis)}, tuple(out_shape),
                 elem)]


# ------------------------------------------------------------- case table ---

def conv2d_cases():
    """(name, builder) pairs for conv2d."""
    specs = [
        ("conv2d_1x1_s1_valid_zp-128_relu", (1, 6, 6, 8), 16, (1, 1),
         (1, 1), (1, 1), "valid", -128, "relu"),
        # A 65536-byte output: on npu-large one tile holds it all, more
        # contiguous bytes than one DMA counts (the compiler splits it).
        ("conv2d_1x1_s1_valid_big_zp3_relu", (1, 64, 32, 16), 32, (1, 1),
         (1, 1), (1, 1), "valid", 3, "relu"),
        ("conv2d_3x3_s1_same_zp-5_relu", (1, 8, 8, 3), 8, (3, 3),
         (1, 1), (1, 1), "same", -5, "relu"),
        ("conv2d_3x3_s2_same_zp7_relu6", (1, 9, 9, 4), 8, (3, 3),
         (2, 2), (1, 1), "same", 7, "relu6"),
        ("conv2d_3x3_s2_same_asym_zp-128_none", (1, 8, 8, 4), 8, (3, 3),
         (2, 2), (1, 1), "same", -128, "none"),
        ("conv2d_3x3_d2_valid_zp3_relu", (1, 9, 9, 2), 4, (3, 3),
         (1, 1), (2, 2), "valid", 3, "relu"),
        ("conv2d_3x3_d2_same_zp-1_relu6", (1, 7, 7, 3), 5, (3, 3),
         (1, 1), (2, 2), "same", -1, "relu6"),
        ("conv2d_10x4_s2_same_zp83_relu", (1, 49, 10, 1), 8, (10, 4),
         (2, 2), (1, 1), "same", 83, "relu"),
        ("conv2d_2x2_s2_valid_zp-128_none", (1, 8, 8, 4), 6, (2, 2),
         (2, 2), (1, 1), "valid", -128, "none"),
        ("conv2d_1x1_s2_same_zp-20_relu", (1, 9, 9, 8), 8, (1, 1),
         (2, 2), (1, 1), "same", -20, "relu"),
        ("conv2d_3x3_s1_valid_n2_zp12_relu", (2, 6, 6, 3), 4, (3, 3),
         (1, 1), (1, 1), "valid", 12, "relu"),
        ("conv2d_5x3_s1x2_same_zp-128_relu6", (1, 10, 9, 2), 6, (5, 3),
         (1, 2), (1, 1), "same", -128, "relu6"),
        ("conv2d_3x3_s1_same_zp127_ic16_none", (1, 5, 5, 16), 12, (3, 3),
         (1, 1), (1, 1), "same", 127, "none"),
        # 1x1 convolutions on small maps with many channels run activation
        # stationary (positions in the array's columns, weights streamed):
        # input channels not a multiple of the rows, a batch of two.
        ("conv2d_1x1_3x3map_ic250_oc256_zp-7_relu", (1, 3, 3, 250), 256,
         (1, 1), (1, 1), (1, 1), "valid", -7, "relu"),
        ("conv2d_1x1_3x3map_n2_ic192_oc224_zp100_none", (2, 3, 3, 192), 224,
         (1, 1), (1, 1), (1, 1), "valid", 100, "none"),
    ]
    for spec in specs:
        yield spec[0], (lambda b, rng, s=spec: build_conv2d(b, rng, *s[1:]))
    # Two of them in a row: the intermediate stays on chip, read and written
    # in place (and a map whose positions span rows of a column group).
    def chain(b, rng, in_shape, oc1, oc2):
        (y,) = build_conv2d(b, rng, in_shape, oc1, (1, 1), (1, 1), (1, 1),
                            "valid", -3, "relu")
        mid = in_shape[:3] + (oc1,)
        return build_conv2d(b, rng, mid, oc2, (1, 1), (1, 1), (1, 1),
                            "valid", 17, "relu6", x=y)
    yield ("conv2d_1x1_chain_3x3map_256_256_256",
           lambda b, rng: chain(b, rng, (1, 3, 3, 256), 256, 256))
    yield ("conv2d_1x1_chain_3x5map_200_240_176",
           lambda b, rng: chain(b, rng, (1, 3, 5, 200), 240, 176))

    # A chain whose intermediates (40x40x16, 25,600 B) do not fit npu-tiny's
    # IBUF: npu-cascade runs it in row bands there (a dilated 3x3, a
    # strided depthwise and a 1x1 convolution; bands overlap by the
    # dilated and strided windows' rows).
    def banded(b, rng):
        (y,) = build_conv2d(b, rng, (1, 40, 40, 4), 16, (3, 3), (1, 1),
                            (2, 2), "same", 5, "relu")
        (y,) = build_depthwise(b, rng, (1, 40, 40, 16), 1, (3, 3), (2, 2),
                               (1, 1), "same", -9, "relu6", x=y)
        return build_conv2d(b, rng, (1, 20, 20, 16), 24, (1, 1), (1, 1),
                            (1, 1), "valid", 3, "none", x=y)
    yield "conv2d_cascade_40x40_dil2_dw_s2_1x1", banded


def depthwise_cases():
    """(name, builder) pairs for depthwise_conv2d."""
    specs = [
        ("dw_3x3_s1_same_m1_zp-128_relu6", (1, 8, 8, 8), 1, (3, 3),
         (1, 1), (1, 1), "same", -128, "relu6"),
        ("dw_3x3_s2_same_m2_zp5_relu", (1, 9, 9, 4), 2, (3, 3),
         (2, 2), (1, 1), "same", 5, "relu"),
        ("dw_10x8_s2_same_c1_m8_zp-128_relu", (1, 49, 40, 1), 8, (10, 8),
         (2, 2), (1, 1), "same", -128, "relu"),
        ("dw_3x3_s2_same_asym_c1_m8_zp-1_relu6", (1, 16, 16, 1), 8, (3, 3),
         (2, 2), (1, 1), "same", -1, "relu6"),
        ("dw_3x3_s1_valid_m1_zp9_none", (1, 7, 7, 6), 1, (3, 3),
         (1, 1), (1, 1), "valid", 9, "none"),
        ("dw_3x3_d2_same_m3_zp-7_relu", (1, 7, 7, 2), 3, (3, 3),
         (1, 1), (2, 2), "same", -7, "relu"),
    ]
    for spec in specs:
        yield spec[0], (lambda b, rng, s=spec:
                        build_depthwise(b, rng, *s[1:]))


def lut_table(rng, kind):
    """A 256-entry int8 table: a tanh curve or random values."""
    if kind == "tanh":
        return [max(I8_MIN, min(I8_MAX, int(round(
            127 * math.tanh((i - 128 - 10) / 40.0))))) for i in range(256)]
    return [rng.randint(I8_MIN, I8_MAX) for _ in range(256)]


def with_table(builder, kind):
    """Wrap a builder: apply an int8 tosa.table to its (single) result, the
    pattern the compiler fuses into the PPU's lookup table."""
    def build(b, rng):
        (y,) = builder(b, rng)
        t = b.const((256,), "i8", lut_table(rng, kind))
        return [b.op("tosa.table", [y, t], {}, y.shape, "i8")]
    return build


def lut_cases():
    """(name, builder) pairs: MAC layers followed by an int8 table."""
    yield ("conv2d_3x3_s1_same_zp-5_relu_tanh_lut",
           with_table(lambda b, rng: build_conv2d(
               b, rng, (1, 6, 6, 3), 8, (3, 3), (1, 1), (1, 1), "same", -5,
               "relu"), "tanh"))
    yield ("fc_ic24_oc6_zp-128_none_random_lut",
           with_table(lambda b, rng: build_fully_connected(
               b, rng, 1, 24, 6, -128, "none"), "random"))
    # An element-wise ADD whose requantization the PPU applies: the table
    # must reach PBUF too.
    yield ("add_i8_tflite_relu_tanh_lut",
           with_table(lambda b, rng: build_tflite_addsub(
               b, rng, "tosa.add", (1, 4, 4, 8), (1, 4, 4, 8),
               (-128, 4, -128), (0.039394, 0.104195, 0.050946), "relu"),
               "tanh"))


def fc_cases():
    """(name, builder) pairs for fully_connected."""
    specs = [
        ("fc_ic1_oc16_zp-128_relu", 1, 1, 16, -128, "relu"),
        ("fc_ic16_oc16_zp-128_relu", 1, 16, 16, -128, "relu"),
        ("fc_ic64_oc12_zp83_none", 1, 64, 12, 83, "none"),
        ("fc_ic1000_oc5_zp-128_none", 1, 1000, 5, -128, "none"),
        ("fc_ic4000_oc4_zp-128_none", 1, 4000, 4, -128, "none"),
        ("fc_n3_ic20_oc10_zp4_relu6", 3, 20, 10, 4, "relu6"),
    ]
    for spec in specs:
        yield spec[0], (lambda b, rng, s=spec:
                        build_fully_connected(b, rng, *s[1:]))


def matmul_cases():
    """(name, builder) pairs for matmul."""
    specs = [
        ("matmul_1x4x8x6_const_b_azp-3", 1, 4, 8, 6, -3, False),
        ("matmul_1x4x8x5_arg_b_azp5", 1, 4, 8, 5, 5, True),
        ("matmul_2x3x16x4_arg_b_azp-128", 2, 3, 16, 4, -128, True),
        ("matmul_2x5x7x3_const_b_azp127", 2, 5, 7, 3, 127, False),
    ]
    for spec in specs:
        yield spec[0], (lambda b, rng, s=spec: build_matmul(b, rng, *s[1:]))


def rescale_cases():
    """(name, builder) pairs for standalone rescale."""
    specs = [
        # name, shape, in, out, scale, izp, ozp, double_round, scale32, pc
        ("rescale_i8_i32_zp-7_nodr", (1, 4, 4, 3), "i8", "i32",
         0.37 * (1 << 20), -7, 0, False, True, False),
        ("rescale_i8_i32_zp0_unit", (1, 40), "i8", "i32",
         1.0, 0, 0, False, True, False),
        ("rescale_i8_i32_perchannel_zp-128_dr", (1, 3, 3, 5), "i8", "i32",
         0.81 * (1 << 16), -128, 0, True, True, True),
        ("rescale_i32_i8_perchannel_dr_zp-3", (1, 4, 4, 6), "i32", "i8",
         0.0007, 0, -3, True, True, True),
        ("rescale_i32_i8_perchannel_nodr_zp-128", (1, 3, 3, 4), "i32", "i8",
         0.000013, 0, -128, False, True, True),
        ("rescale_i32_i8_perlayer_nodr_zp10", (1, 64), "i32", "i8",
         0.0021, 0, 10, False, True, False),
        ("rescale_i32_i8_perlayer_dr_zp-128", (2, 50), "i32", "i8",
         1.3e-6, 0, -128, True, True, False),
        ("rescale_i32_i8_perlayer_dr_s31", (1, 48), "i32", "i8",
         0.9, 0, 5, True, True, False),
        ("rescale_i8_i8_zp10_zp-20_dr", (1, 5, 5, 2), "i8", "i8",
         0.73, 10, -20, True, True, False),
        ("rescale_i8_i8_zp-128_zp0_nodr", (1, 64), "i8", "i8",
         0.49, -128, 0, False, True, False),
        ("rescale_i8_i8_perchannel_dr", (1, 2, 3, 7), "i8", "i8",
         0.45, -1, 4, True, True, True),
        ("rescale_i32_i16_dr", (1, 4, 8), "i32", "i16",
         0.0173, 0, 0, True, True, False),
        ("rescale_i32_i16_scale16", (1, 40), "i32", "i16",
         0.0031, 0, 0, False, False, False),
        ("rescale_i16_i32_nodr", (1, 6, 7), "i16", "i32",
         3.7, 0, 0, False, True, False),
        ("rescale_i16_i32_perchannel_dr", (1, 2, 5, 3), "i16", "i32",
         123.0, 0, 0, True, True, True),
        ("rescale_i16_i8_dr", (1, 50), "i16", "i8",
         0.0113, 0, -7, True, True, False),
        ("rescale_i8_i16_nodr", (1, 50), "i8", "i16",
         97.3, 25, 0, False, True, False),
        ("rescale_i32_i32_dr", (1, 30), "i32", "i32",
         0.4123, 0, 0, True, True, False),
    ]
    for spec in specs:
        yield spec[0], (lambda b, rng, s=spec:
                        build_rescale(b, rng, *s[1:]))


def addsub_cases():
    """(name, builder) pairs for TFLite-style and plain i32 add/sub."""
    tfl = [
        ("add_i8_tflite_relu", "tosa.add", (1, 4, 4, 8), (1, 4, 4, 8),
         (-128, 4, -128), (0.039394, 0.104195, 0.050946), "relu"),
        ("add_i8_tflite_none", "tosa.add", (1, 5, 3, 2), (1, 5, 3, 2),
         (3, -9, 1), (0.02, 0.013, 0.031), "none"),
        ("add_i8_tflite_bcast_c_relu6", "tosa.add", (1, 4, 4, 8),
         (1, 1, 1, 8), (-1, 127, -128), (0.5, 0.25, 0.6), "relu6"),
        ("sub_i8_tflite_none", "tosa.sub", (1, 16), (1, 16),
         (-128, -128, 0), (0.1, 0.1, 0.2), "none"),
        ("sub_i8_tflite_bcast_relu", "tosa.sub", (1, 3, 4, 5), (1, 3, 1, 5),
         (10, -30, -128), (0.07, 0.011, 0.05), "relu"),
    ]
    for spec in tfl:
        yield spec[0], (lambda b, rng, s=spec:
                        build_tflite_addsub(b, rng, *s[1:]))
    lim = 2 ** 30 - 1
    plain = [
        ("add_i32_bcast_1x1", "tosa.add", (1, 37), (1, 1)),
        ("add_i32_bcast_1x1_lhs", "tosa.add", (1, 1), (1, 20)),
        ("sub_i32_bcast_1x1", "tosa.sub", (1, 25), (1, 1)),
        ("sub_i32_bcast_1x1_lhs", "tosa.sub", (1, 1), (1, 25)),
        ("add_i32_same_2x3x4", "tosa.add", (2, 3, 4), (2, 3, 4)),
    ]
    for name, opname, s1, s2 in plain:
        yield name, (lambda b, rng, o=opname, a=s1, c=s2:
                     build_binary_i32(b, rng, o, a, c, -lim, lim))


def mul_cases():
    """(name, builder) pairs for mul."""
    tfl = [
        ("mul_i8_tflite_zp_none", (1, 4, 4, 3), (1, 4, 4, 3),
         (-128, 5, -3), (0.02, 0.05, 0.2), "none"),
        ("mul_i8_tflite_bcast_relu", (1, 2, 2, 8), (1, 1, 1, 8),
         (7, -128, -128), (0.1, 0.03, 0.6), "relu"),
    ]
    for spec in tfl:
        yield spec[0], (lambda b, rng, s=spec:
                        build_tflite_mul(b, rng, *s[1:]))
    full = I32_MAX
    yield "mul_i32_shift31", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.mul", (1, 40), (1, 40), -full, full,
        {"shift": "31 : i8"}))
    yield "mul_i32_shift31_bcast_1x1", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.mul", (1, 30), (1, 1), -full, full,
        {"shift": "31 : i8"}))
    yield "mul_i32_shift30_bcast_1x1", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.mul", (1, 30), (1, 1), -full, full,
        {"shift": "30 : i8"}, -2 ** 29, 2 ** 29))
    yield "mul_i32_shift0", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.mul", (2, 3, 5), (2, 3, 5), -46340, 46340,
        {"shift": "0 : i8"}))
    yield "mul_i32_shift0_bcast_1x1_lhs", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.mul", (1, 1), (1, 24), -65535, 65535,
        {"shift": "0 : i8"}, -32767, 32767))


def misc_elementwise_cases():
    """clamp, table, shifts, clz, min/max, bitwise, abs, negate."""
    yield "clamp_i8_-50_60", (lambda b, rng: build_clamp(
        b, rng, (2, 3, 4, 5), "i8", -50, 60))
    yield "clamp_i8_relu_zp-128", (lambda b, rng: build_clamp(
        b, rng, (1, 64), "i8", -128, 127))
    yield "clamp_i8_relu6_zp-3", (lambda b, rng: build_clamp(
        b, rng, (1, 4, 4, 4), "i8", -3, 90))
    yield "clamp_i32_-1000_100000", (lambda b, rng: build_clamp(
        b, rng, (1, 50), "i32", -1000, 100000))
    yield "table_i8_tanh", (lambda b, rng: build_table_i8(
        b, rng, (1, 16, 16), "tanh"))
    yield "table_i8_random", (lambda b, rng: build_table_i8(
        b, rng, (1, 300), "random"))
    yield "table_i16_exp", (lambda b, rng: build_table_i16(
        b, rng, (1, 64), "exp"))
    yield "table_i16_random", (lambda b, rng: build_table_i16(
        b, rng, (1, 4, 50), "random"))

    full_lo, full_hi = I32_MIN, I32_MAX
    yield "lls_i32_bcast_1x1", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.logical_left_shift", (1, 40), (1, 1), full_lo, full_hi,
        None, 0, 31, scalar=(3, 20)))
    yield "lls_i32_elementwise", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.logical_left_shift", (2, 40), (2, 40), full_lo,
        full_hi, None, 0, 31))
    yield "lls_i8_elementwise", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.logical_left_shift", (1, 50), (1, 50), I8_MIN, I8_MAX,
        None, 0, 7, "i8", "i8"))
    for rnd in (True, False):
        tag = "round" if rnd else "noround"
        attrs = {"round": bool_attr(rnd)}
        yield "ars_i32_%s_bcast_1x1" % tag, (
            lambda b, rng, a=attrs: build_binary_i32(
                b, rng, "tosa.arithmetic_right_shift", (1, 40), (1, 1),
                full_lo, full_hi, a, 0, 31, scalar=(3, 20)))
        yield "ars_i32_%s_elementwise" % tag, (
            lambda b, rng, a=attrs: build_binary_i32(
                b, rng, "tosa.arithmetic_right_shift", (2, 40), (2, 40),
                full_lo, full_hi, a, 0, 31))
        yield "ars_i8_%s_elementwise" % tag, (
            lambda b, rng, a=attrs: build_binary_i32(
                b, rng, "tosa.arithmetic_right_shift", (1, 60), (1, 60),
                I8_MIN, I8_MAX, a, 0, 7, "i8", "i8"))
    yield "ars_i32_round_bcast_1x1_lhs", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.arithmetic_right_shift", (1, 1), (1, 32), full_lo,
        full_hi, {"round": "true"}, 0, 31))
    yield "lrs_i32_bcast_1x1", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.logical_right_shift", (1, 40), (1, 1), full_lo,
        full_hi, None, 0, 31, scalar=(3, 20)))
    yield "lrs_i32_elementwise", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.logical_right_shift", (2, 32), (2, 32), full_lo,
        full_hi, None, 0, 31))
    yield "lrs_i8_elementwise", (lambda b, rng: build_binary_i32(
        b, rng, "tosa.logical_right_shift", (1, 50), (1, 50), I8_MIN, I8_MAX,
        None, 0, 7, "i8", "i8"))
    clz_specials = [0, -1, 1, I32_MIN, I32_MAX, 2, 3, 255, 256, 65536,
                    1 << 30, -(1 << 30), 7]
    yield "clz_i32", (lambda b, rng: build_unary(
        b, rng, "tosa.clz", (1, 64), "i32", -2 ** 20, 2 ** 20,
        special=clz_specials))
    yield "clz_i32_magnitudes", (lambda b, rng: build_clz_magnitudes(
        b, rng, (2, 3, 8)))
    for opname, short in (("tosa.maximum", "maximum"),
                          ("tosa.minimum", "minimum"),
                          ("tosa.bitwise_and", "bitwise_and"),
                          ("tosa.bitwise_or", "bitwise_or"),
                          ("tosa.bitwise_xor", "bitwise_xor")):
        yield "%s_i32_bcast_1x1" % short, (
            lambda b, rng, o=opname: build_binary_i32(
                b, rng, o, (1, 33), (1, 1), full_lo, full_hi,
                scalar=(-2 ** 27, 2 ** 27)))
        yield "%s_i32_bcast_1x1_lhs" % short, (
            lambda b, rng, o=opname: build_binary_i32(
                b, rng, o, (1, 1), (1, 21), full_lo, full_hi,
                scalar=(-2 ** 27, 2 ** 27)))
        yield "%s_i8_4d" % short, (
            lambda b, rng, o=opname: build_binary_i32(
                b, rng, o, (1, 3, 4, 5), (1, 3, 4, 5), I8_MIN, I8_MAX,
                None, None, None, "i8", "i8"))
    yield "abs_i32", (lambda b, rng: build_unary(
        b, rng, "tosa.abs", (1, 48), "i32", I32_MIN + 1, I32_MAX,
        special=[0, -1, 1, I32_MIN + 1, I32_MAX]))
    yield "negate_i32", (lambda b, rng: build_unary(
        b, rng, "tosa.negate", (1, 48), "i32", I32_MIN + 1, I32_MAX,
        special=[0, -1, 1, I32_MIN + 1, I32_MAX]))
    yield "abs_i32_3d", (lambda b, rng: build_unary(
        b, rng, "tosa.abs", (2, 3, 4), "i32", -1000, 1000))


def pool_cases():
    """(name, builder) pairs for avg_pool2d and max_pool2d."""
    avg = [
        ("avgpool_global_25x5_zp-128", (1, 25, 5, 8), (25, 5), (1, 1),
         (0, 0, 0, 0), (-128, -128)),
        ("avgpool_global_8x8_zp-5_7", (1, 8, 8, 6), (8, 8), (1, 1),
         (0, 0, 0, 0), (-5, 7)),
        ("avgpool_3x3_s2_pad1_zp3", (1, 7, 7, 4), (3, 3), (2, 2),
         (1, 1, 1, 1), (3, 3)),
        ("avgpool_2x2_s2_valid_zp0", (1, 8, 8, 3), (2, 2), (2, 2),
         (0, 0, 0, 0), (0, 0)),
        ("avgpool_3x3_s1_same_zp-128", (1, 5, 5, 2), (3, 3), (1, 1),
         (1, 1, 1, 1), (-128, -128)),
        ("avgpool_3x2_s2x1_asym_pad_zp20_-20", (1, 9, 6, 3), (3, 2), (2, 1),
         (1, 1, 1, 0), (20, -20)),
        ("avgpool_global_3x3_s2_zp-1", (1, 3, 3, 16), (3, 3), (2, 2),
         (0, 0, 0, 0), (-1, -1)),
    ]
    for name, shape, kernel, stride, pad, zps in avg:
        yield name, (lambda b, rng, s=shape, k=kernel, st=stride, p=pad,
                     z=zps: build_pool(b, rng, "tosa.avg_pool2d", s, k, st,
                                       p, z))
    # A global pool too large for npu-tiny's IBUF whose output stays on chip
    # for the table that follows: the pool splits its channels and writes
    # the on-chip output pixel by pixel.
    yield ("avgpool_global_7x7x384_on_chip_out_lut",
           with_table(lambda b, rng: build_pool(
               b, rng, "tosa.avg_pool2d", (1, 7, 7, 384), (7, 7), (1, 1),
               (0, 0, 0, 0), (-128, -128)), "random"))
    mx = [
        ("maxpool_2x2_s2_valid", (1, 8, 8, 4), (2, 2), (2, 2),
         (0, 0, 0, 0)),
        ("maxpool_3x3_s2_pad1", (1, 7, 7, 3), (3, 3), (2, 2), (1, 1, 1, 1)),
        ("maxpool_3x3_s1_same", (1, 6, 6, 2), (3, 3), (1, 1), (1, 1, 1, 1)),
        ("maxpool_2x3_s2_asym_pad", (1, 9, 8, 2), (2, 3), (2, 2),
         (1, 0, 2, 1)),
    ]
    for name, shape, kernel, stride, pad in mx:
        yield name, (lambda b, rng, s=shape, k=kernel, st=stride, p=pad:
                     build_pool(b, rng, "tosa.max_pool2d", s, k, st, p))


def layout_cases():
    """reshape, transpose, concat, pad, slice, const and cast."""
    yield "reshape_4d_to_2d_i8", (lambda b, rng: build_reshape(
        b, rng, (1, 4, 5, 6), (1, 120), "i8"))
    yield "reshape_2d_to_4d_i8", (lambda b, rng: build_reshape(
        b, rng, (1, 96), (1, 4, 8, 3), "i8"))
    yield "reshape_3d_i32", (lambda b, rng: build_reshape(
        b, rng, (2, 3, 4), (4, 6), "i32"))
    for perm in ((0, 3, 1, 2), (0, 2, 3, 1), (3, 2, 1, 0), (1, 0, 2, 3),
                 (0, 2, 1, 3)):
        tag = "".join(str(p) for p in perm)
        yield "transpose_%s_i8" % tag, (
            lambda b, rng, p=perm: build_transpose(b, rng, (2, 3, 4, 5), p,
                                                   "i8"))
    yield "transpose_1302_i32", (lambda b, rng: build_transpose(
        b, rng, (2, 3, 4, 5), (1, 3, 0, 2), "i32"))
    yield "concat_axis1_2in_i8", (lambda b, rng: build_concat(
        b, rng, [(1, 2, 3, 4), (1, 3, 3, 4)], 1, "i8"))
    yield "concat_axis2_3in_i8", (lambda b, rng: build_concat(
        b, rng, [(1, 2, 1, 4), (1, 2, 3, 4), (1, 2, 2, 4)], 2, "i8"))
    yield "concat_axis3_2in_i8", (lambda b, rng: build_concat(
        b, rng, [(1, 3, 3, 2), (1, 3, 3, 5)], 3, "i8"))
    yield "concat_axis3_3in_i32", (lambda b, rng: build_concat(
        b, rng, [(1, 2, 2, 3), (1, 2, 2, 1), (1, 2, 2, 4)], 3, "i32"))
    yield "concat_axis1_3in_const_i8", (lambda b, rng: build_concat(
        b, rng, [(1, 1, 4), (1, 2, 4), (1, 3, 4)], 1, "i8", 1))
    yield "pad_i8_const-128", (lambda b, rng: build_pad(
        b, rng, (1, 4, 4, 3), ((0, 0), (1, 2), (2, 1), (0, 0)), "i8",
        pad_const=-128))
    yield "pad_i8_quant_zp-5", (lambda b, rng: build_pad(
        b, rng, (1, 3, 5, 2), ((0, 0), (1, 1), (0, 3), (0, 0)), "i8",
        quant_zp=-5))
    yield "pad_i8_const127_channels", (lambda b, rng: build_pad(
        b, rng, (1, 2, 3, 3), ((0, 0), (0, 1), (1, 0), (2, 3)), "i8",
        pad_const=127))
    yield "pad_i32_zero", (lambda b, rng: build_pad(
        b, rng, (2, 3), ((1, 0), (0, 2)), "i32"))
    yield "slice_i8_4d", (lambda b, rng: build_slice(
        b, rng, (1, 6, 6, 4), (0, 1, 2, 0), (1, 4, 3, 4), "i8"))
    yield "slice_i8_channels", (lambda b, rng: build_slice(
        b, rng, (1, 5, 5, 6), (0, 0, 0, 1), (1, 5, 5, 2), "i8"))
    yield "slice_i32_2d", (lambda b, rng: build_slice(
        b, rng, (3, 10), (1, 2), (2, 5), "i32"))
    yield "const_add_i32", (lambda b, rng: build_const_add(
        b, rng, (1, 3, 4), False))
    yield "const_add_i32_two_outputs", (lambda b, rng: build_const_add(
        b, rng, (2, 5), True))
    for src, dst in (("i8", "i32"), ("i32", "i8"), ("i8", "i16"),
                     ("i16", "i8"), ("i16", "i32"), ("i32", "i16")):
        yield "cast_%s_%s" % (src, dst), (
            lambda b, rng, s=src, d=dst: build_cast(b, rng, (1, 64), s, d))


def reduce_cases():
    """(name, builder) pairs for reduce_max/min/sum."""
    specs = [
        ("reduce_max_i32_axis1", "tosa.reduce_max", (2, 5, 3), 1, "i32"),
        ("reduce_max_i8_axis3", "tosa.reduce_max", (1, 3, 4, 6), 3, "i8"),
        ("reduce_max_i32_axis1_1x4", "tosa.reduce_max", (1, 4), 1, "i32"),
        ("reduce_min_i32_axis0", "tosa.reduce_min", (4, 3, 2), 0, "i32"),
        ("reduce_min_i8_axis2", "tosa.reduce_min", (1, 3, 5, 2), 2, "i8"),
        ("reduce_min_i8_axis1", "tosa.reduce_min", (1, 6, 4, 3), 1, "i8"),
    ]
    for name, opname, shape, axis, elem in specs:
        yield name, (lambda b, rng, o=opname, s=shape, a=axis, e=elem:
                     build_reduce(b, rng, o, s, a, e))
    lim = 2 ** 31 // 16
    yield "reduce_sum_i32_axis1_1x4", (lambda b, rng: build_reduce(
        b, rng, "tosa.reduce_sum", (1, 4), 1, "i32", -lim, lim))
    yield "reduce_sum_i32_axis2", (lambda b, rng: build_reduce(
        b, rng, "tosa.reduce_sum", (2, 6, 3), 2, "i32", -lim, lim))
    yield "reduce_sum_i32_axis3", (lambda b, rng: build_reduce(
        b, rng, "tosa.reduce_sum", (1, 4, 4, 8), 3, "i32", -lim, lim))
    yield "reduce_sum_i8_axis0_nooverflow", (lambda b, rng: build_reduce(
        b, rng, "tosa.reduce_sum", (4, 3, 5), 0, "i8", -32, 31))


def all_cases():
    """Return the ordered list of (name, builder)."""
    # The decomposed operators' cases live beside (they import this module).
    from tosa_resample_cases import resample_cases
    from tosa_int16_cases import int16_cases
    cases = []
    for group in (conv2d_cases, depthwise_cases, fc_cases, lut_cases,
                  matmul_cases,
                  rescale_cases, addsub_cases, mul_cases,
                  misc_elementwise_cases, pool_cases, layout_cases,
                  reduce_cases, resample_cases, int16_cases):
        cases.extend(group())
    names = [n for n, _ in cases]
    if len(set(names)) != len(names):
        raise RuntimeError("duplicate case names")
    return cases


# ------------------------------------------------------------- generation ---

def generate_case(outdir, name, builder):
    """Write OUTDIR/NAME/model.mlir and in*.npy; return the case dir."""
    seed = zlib.crc32(name.encode("utf8"))
    rng = random.Random(seed)
    style = "props" if seed % 3 else "attrs"
    b = Builder(style)
    results = builder(b, rng)
    text = ("// Generated by tests/e2e/gen_tosa_ops.py (case %s); "
            "do not edit.\n" % name) + b.module(results)
    case_dir = os.path.join(outdir, name)
    os.makedirs(case_dir, exist_ok=True)
    for entry in os.listdir(case_dir):
        if entry == "model.mlir" or (entry.startswith("in")
                                     and entry.endswith(".npy")):
            os.remove(os.path.join(case_dir, entry))
    with open(os.path.join(case_dir, "model.mlir"), "w",
              encoding="utf8") as handle:
        handle.write(text)
    for index, (dtype, shape, values) in enumerate(b.inputs):
        npyio.write_npy(os.path.join(case_dir, "in%d.npy" % index), dtype,
                        shape, values)
    return case_dir


def check_case(case_dir, mlir_bin):
    """Parse the model with mlir-opt and run tosa_ref.py; return error."""
    model = os.path.join(case_dir, "model.mlir")
    proc = subprocess.run([os.path.join(mlir_bin, "mlir-opt"), model,
                           "-o", os.devnull], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf8", "replace").strip().splitlines()
        return "mlir-opt: " + (lines[0] if lines else "failed")
    inputs = sorted(e for e in os.listdir(case_dir)
                    if e.startswith("in") and e.endswith(".npy"))
    out_dir = tempfile.mkdtemp(prefix="gen_tosa_check_")
    try:
        cmd = [sys.executable, os.path.join(HERE, "tosa_ref.py"), model,
               "--output-dir", out_dir, "--mlir-bin", mlir_bin]
        for entry in inputs:
            cmd += ["--input", "%d=%s" % (int(entry[2:-4]),
                                          os.path.join(case_dir, entry))]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            return proc.stderr.decode("utf8", "replace").strip()
        outs = [e for e in os.listdir(out_dir) if e.endswith(".npy")]
        if not outs:
            return "tosa_ref.py produced no output"
        for entry in outs:
            npyio.read_npy(os.path.join(out_dir, entry))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return None


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Generate the per-op TOSA test set.")
    parser.add_argument("outdir", nargs="?")
    parser.add_argument("--check", action="store_true",
                        help="run mlir-opt and tosa_ref.py on every case")
    parser.add_argument("--list", action="store_true",
                        help="print the case names and exit")
    parser.add_argument("--filter", default="",
                        help="only cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mlir-bin",
                        default=os.environ.get("MLIR_BIN", DEFAULT_MLIR_BIN))
    args = parser.parse_args(argv)

    cases = [(n, f) for n, f in all_cases() if args.filter in n]
    if args.list:
        for name, _ in cases:
            print(name)
        return 0
    if not args.outdir:
        parser.error("OUTDIR is required")
    os.makedirs(args.outdir, exist_ok=True)
    case_dirs = []
    for name, builder in cases:
        case_dirs.append((name, generate_case(args.outdir, name, builder)))
    print("gen_tosa_ops: wrote %d cases to %s"
          % (len(case_dirs), args.outdir))
    if not args.check:
        return 0

    start = time.time()
    failures = []
    with concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, args.jobs)) as pool:
        futures = [(name, pool.submit(check_case, path, args.mlir_bin))
                   for name, path in case_dirs]
        for name, future in futures:
            error = future.result()
            if error:
                failures.append(name)
                print("FAIL %s: %s" % (name, error))
    elapsed = time.time() - start
    print("gen_tosa_ops --check: %d passed, %d failed (%.1f s)"
          % (len(case_dirs) - len(failures), len(failures), elapsed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""npuc on a float32 TOSA model: quantized post-training like a float TFLite one.

    float_tosa.py BIN_DIR WORK_DIR [--mlir-bin DIR]

Writes a small float32 TOSA network (convolution + ReLU, a 1x1
convolution added back as a residual, a strided depthwise convolution +
ReLU6, average pooling, reshape, fully connected; weights from a fixed
seed) and float32 inputs, and checks:

  * the float model npuc quantizes (npu-float-ref on the .mlir: the float
    executor on the TFLite model the TOSA becomes) computes what MLIR's own
    TOSA lowering computes (tosa_ref.py, mlir-cpu-runner) on held-out
    inputs, to the 6 digits the runner prints;
  * `npuc MODEL.mlir --calib=DIR` compiles it to a program that takes and
    returns float32, whose outputs on the held-out inputs stay within
    25 dB SQNR of MLIR's float results, golden = tile;
  * a float TOSA model without --calib, with an op it cannot express, or
    with padding TFLite has no form for is refused in one line.
"""
import argparse
import math
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npyio  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 14
CALIB = 16
HELD = 4


class Failure(Exception):
    pass


def run(cmd, expect_ok=True):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if expect_ok and proc.returncode != 0:
        raise Failure("%s failed: %s" % (" ".join(cmd[:2]),
                                         proc.stderr.strip()[:400]))
    return proc


def dense(rng, shape, scale):
    def nested(dims):
        if not dims:
            return "%.6e" % rng.uniform(-scale, scale)
        return "[%s]" % ", ".join(nested(dims[1:]) for _ in range(dims[0]))
    return "dense<%s> : tensor<%sxf32>" % (nested(list(shape)),
                                            "x".join(map(str, shape)))


def const(name, rng, shape, scale):
    ty = "tensor<%sxf32>" % "x".join(map(str, shape))
    return ('    %%%s = "tosa.const"() <{value = %s}> : () -> %s\n'
            % (name, dense(rng, shape, scale), ty))


def clamp(name, src, max_fp, max_int, ty):
    """A tosa.clamp of [0, max] (ReLU or ReLU6)."""
    return ("    %%%s = tosa.clamp %%%s {max_fp = %s : f32, max_int = %d : "
            "i64, min_fp = 0.000000e+00 : f32, min_int = 0 : i64} : (%s) -> "
            "%s\n" % (name, src, max_fp, max_int, ty, ty))


def model_text(pad="1, 1, 1, 1", extra=""):
    rng = random.Random(SEED)
    t = "tensor<%sxf32>"
    text = "func.func @main(%x: tensor<1x8x8x2xf32>) -> tensor<1x3xf32> {\n"
    text += const("w0", rng, (4, 3, 3, 2), 0.5) + const("b0", rng, (4,), 0.2)
    text += const("w1", rng, (4, 1, 1, 4), 0.5) + const("b1", rng, (4,), 0.2)
    text += const("w2", rng, (3, 3, 4, 1), 0.5) + const("b2", rng, (4,), 0.2)
    text += const("w3", rng, (3, 16), 0.5) + const("b3", rng, (3,), 0.2)
    conv = ("{dilation = array<i64: 1, 1>, pad = array<i64: %s>, "
            "stride = array<i64: %s>}")
    text += ("    %%c0 = tosa.conv2d %%x, %%w0, %%b0 %s : (%s, %s, %s) -> %s\n"
             % (conv % (pad, "1, 1"), t % "1x8x8x2", t % "4x3x3x2", t % "4",
                t % "1x8x8x4"))
    text += clamp("r0", "c0", "3.40282347E+38", 2147483647, t % "1x8x8x4")
    text += ("    %%c1 = tosa.conv2d %%r0, %%w1, %%b1 %s : (%s, %s, %s) -> %s\n"
             % (conv % ("0, 0, 0, 0", "1, 1"), t % "1x8x8x4", t % "4x1x1x4",
                t % "4", t % "1x8x8x4"))
    text += ("    %%a0 = tosa.add %%r0, %%c1 : (%s, %s) -> %s\n"
             % (t % "1x8x8x4", t % "1x8x8x4", t % "1x8x8x4"))
    text += extra
    # SAME for 8 -> 4 at stride 2 with a 3x3 window: 1 row and column of
    # padding, after.
    text += ("    %%d0 = tosa.depthwise_conv2d %%a0, %%w2, %%b2 %s : "
             "(%s, %s, %s) -> %s\n"
             % (conv % ("0, 1, 0, 1", "2, 2"), t % "1x8x8x4", t % "3x3x4x1",
                t % "4", t % "1x4x4x4"))
    text += clamp("r1", "d0", "6.000000e+00", 6, t % "1x4x4x4")
    text += ("    %%p0 = tosa.avg_pool2d %%r1 {acc_type = f32, kernel = "
             "array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = "
             "array<i64: 2, 2>} : (%s) -> %s\n" % (t % "1x4x4x4",
                                                   t % "1x2x2x4"))
    text += ("    %%f0 = tosa.reshape %%p0 {new_shape = array<i64: 1, 16>} : "
             "(%s) -> %s\n" % (t % "1x2x2x4", t % "1x16"))
    text += ("    %%y = tosa.fully_connected %%f0, %%w3, %%b3 : (%s, %s, %s) "
             "-> %s\n" % (t % "1x16", t % "3x16", t % "3", t % "1x3"))
    text += "    return %y : tensor<1x3xf32>\n}\n"
    return text


def write_inputs(folder, count, seed):
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for k in range(count):
        path = os.path.join(folder, "x%02d.npy" % k)
        npyio.write_npy(path, "f32", (1, 8, 8, 2),
                        [rng.uniform(-1, 1) for _ in range(128)])
        paths.append(path)
    return paths


def read_values(path):
    return npyio.read_npy(path)[2]


def npusim_float(npusim, prog, inp, out_dir, flags):
    shutil.rmtree(out_dir, ignore_errors=True)
    run([npusim, prog, "--input", "0=" + inp, "--output-dir", out_dir] +
        flags)
    files = [f for f in sorted(os.listdir(out_dir)) if f.endswith(".npy")]
    if len(files) != 1:
        raise Failure("npusim wrote %s" % files)
    dtype, shape, values = npyio.read_npy(os.path.join(out_dir, files[0]))
    if dtype != "f32" or tuple(shape) != (1, 3):
        raise Failure("the program's output is %s %s, not f32 [1, 3]"
                      % (dtype, list(shape)))
    return values


def check(args):
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    model = os.path.join(work, "float_model.mlir")
    with open(model, "w") as handle:
        handle.write(model_text())
    calib = os.path.join(work, "calib")
    write_inputs(calib, CALIB, SEED + 1)
    held = write_inputs(os.path.join(work, "held"), HELD, SEED + 2)
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")

    # MLIR's float lowering against the float model npuc calibrates with.
    reference = []
    worst = 0.0
    for k, inp in enumerate(held):
        ref_dir = os.path.join(work, "ref-%d" % k)
        cmd = [sys.executable, os.path.join(HERE, "tosa_ref.py"), model,
               "--input", "0=" + inp, "--output-dir", ref_dir]
        if args.mlir_bin:
            cmd += ["--mlir-bin", args.mlir_bin]
        run(cmd)
        want = read_values(os.path.join(ref_dir, "out0.npy"))
        reference.append(want)
        ours = os.path.join(work, "float-%d.npy" % k)
        run([os.path.join(args.bin, "npu-float-ref"), model, inp, "-o", ours])
        got = read_values(ours)
        for w, g in zip(want, got):
            error = abs(w - g) / max(1.0, abs(w))
            worst = max(worst, error)
            if error > 1e-5:
                raise Failure("held-out input %d: the float model gives %r, "
                              "MLIR's lowering %r" % (k, got, want))

    prog = os.path.join(work, "prog.bin")
    run([npuc, model, "--calib=" + calib, "-o", prog])
    signal = noise = 0.0
    for k, inp in enumerate(held):
        golden = npusim_float(npusim, prog, inp,
                              os.path.join(work, "golden-%d" % k),
                              ["--golden"])
        tile = npusim_float(npusim, prog, inp,
                            os.path.join(work, "tile-%d" % k),
                            ["--array-model", "tile"])
        if tile != golden:
            raise Failure("held-out input %d: tile differs from golden" % k)
        for w, g in zip(reference[k], golden):
            signal += w * w
            noise += (w - g) ** 2
    sqnr = float("inf") if noise == 0 else 10 * math.log10(signal / noise)
    if sqnr < 25:
        raise Failure("the quantized program's outputs are %.2f dB from "
                      "MLIR's float results (want >= 25)" % sqnr)
    print("float TOSA: float model = MLIR lowering (worst relative error "
          "%.1e); quantized program %.2f dB SQNR on %d held-out inputs"
          % (worst, sqnr, HELD))

    bad_pad = os.path.join(work, "bad_pad.mlir")
    with open(bad_pad, "w") as handle:
        handle.write(model_text(pad="2, 0, 1, 1"))
    bad_op = os.path.join(work, "bad_op.mlir")
    with open(bad_op, "w") as handle:
        handle.write(model_text(extra="    %e0 = tosa.exp %a0 : "
                                "(tensor<1x8x8x4xf32>) -> "
                                "tensor<1x8x8x4xf32>\n"))
    out = os.path.join(work, "x.bin")
    for argv, expected in [
            ([model, "-o", out], "--calib"),
            ([bad_pad, "--calib=" + calib, "-o", out],
             "error: 'tosa.conv2d' in a float32 TOSA model: padding other "
             "than SAME or VALID"),
            ([bad_op, "--calib=" + calib, "-o", out],
             "error: 'tosa.exp' in a float32 TOSA model: no TFLite form")]:
        proc = run([npuc] + argv, expect_ok=False)
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 0 or len(lines) != 1 or \
                expected not in lines[0]:
            raise Failure("npuc %s: want one line with %r, got rc %d: %r"
                          % (os.path.basename(argv[0]), expected,
                             proc.returncode, proc.stderr))
    print("float TOSA: 3 bad inputs refused in one line")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bin")
    parser.add_argument("work")
    parser.add_argument("--mlir-bin", default="")
    args = parser.parse_args()
    try:
        check(args)
    except Failure as exc:
        print("FAIL: %s" % exc)
        return 1
    print("PASS: float_tosa")
    return 0


if __name__ == "__main__":
    sys.exit(main())

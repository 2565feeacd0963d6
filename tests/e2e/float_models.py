#!/usr/bin/env python3
"""Float32 models in: npuc's post-training quantization.

    float_models.py BIN_DIR MODELS_DIR WORK_DIR --flatc FLATC --schema FBS

MLCommons Tiny ships float32 twins of the keyword spotter and ResNet-8
(tests/models/*/README.md). Checks:

  * the float executor npuc calibrates with (npu-float-ref) reproduces
    TensorFlow Lite Micro's float32 outputs of both models on their float
    sample inputs (expected-float/, written by tools/tflm-reference's
    tflm_run) to 1e-5 absolute + 1e-4 relative;
  * npuc quantizes ResNet-8 from its ten float sample inputs (--calib DIR)
    to a program with the float model's interface (float32 in, float32
    out); golden executor and tile array model agree bit for bit on every
    sample, its top-1 equals the float model's on at least 9 of 10, and
    its logits (both models cut before the final SOFTMAX) reach 20 dB SQNR
    against the float logits; the same ten samples as one batch .npy give
    the same prog.bin; --calib-range=percentile gives a different program
    that still reaches 15 dB; the keyword spotter (int8 weights kept as
    its file stores them) quantizes and runs with golden = tile;
  * the quantized model takes the rescale modes and multi-point weights:
    --rescale=wess runs with golden = tile, and two 4-bit points equal the
    8-bit array's program bit for bit;
  * npuc --quant-report on the float model reports the output SQNR and
    top-1 agreement against the float model itself, and each layer's
    output SQNR against the float model's value of that layer, which
    equals the one computed here from the float model cut after that
    operator;
  * bad uses are refused in one line.
"""
import json
import math
import os
import shutil
import sys

import npyio
import tflite_cut
from rescale_modes import (Failure, e2e_args, expect_one_line_errors,
                           golden_equals_tile, npusim_outputs, run,
                           run_checks)

RESNET = "resnet8_cifar10/pretrainedResnet.tflite"
KWS = "kws_ref_model/kws_ref_model_float32.tflite"
INT8_RESNET = "resnet8_cifar10/pretrainedResnet_quant.tflite"


def float_inputs(models, folder):
    directory = os.path.join(models, folder, "inputs-float")
    return [os.path.join(directory, f) for f in sorted(os.listdir(directory))]


def float_ref(args, model, npy, out):
    run([os.path.join(args.bin, "npu-float-ref"), model, npy, "-o", out])
    return npyio.read_npy(out)[2]


def argmax(values):
    return max(range(len(values)), key=lambda i: values[i])


def sqnr(reference, test):
    signal = sum(r * r for ref in reference for r in ref)
    noise = sum((r - t) ** 2 for ref, got in zip(reference, test)
                for r, t in zip(ref, got))
    return float("inf") if noise == 0 else 10 * math.log10(signal / noise)


def check_float_executor(args, work):
    for folder, model in (("resnet8_cifar10", RESNET),
                          ("kws_ref_model", KWS)):
        path = os.path.join(args.models, model)
        for npy in float_inputs(args.models, folder):
            got = float_ref(args, path, npy, os.path.join(work, "ref.npy"))
            want = npyio.read_npy(os.path.join(
                args.models, folder, "expected-float",
                os.path.basename(npy)))[2]
            if len(got) != len(want) or any(
                    abs(g - w) > 1e-5 + 1e-4 * abs(w)
                    for g, w in zip(got, want)):
                raise Failure("%s on %s: float executor %r, TFLM %r" % (
                    model, os.path.basename(npy), got, want))


def dequantized(npusim, prog, npy, out_dir, flags=()):
    """The float32 outputs of PROG (a float interface) on the tile model."""
    outs = npusim_outputs(npusim, prog, npy, out_dir,
                          list(flags) + ["--array-model", "tile"])
    if len(outs) != 1 or outs[0][0] != "f32":
        raise Failure("%s: expected one float32 output, got %r" % (
            prog, [o[:2] for o in outs]))
    return outs[0][2]


def check_resnet(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    model = os.path.join(args.models, RESNET)
    logits = os.path.join(work, "resnet_float_logits.tflite")
    tflite_cut.cut_before_last(model, logits, args.flatc, args.schema)
    calib = os.path.join(args.models, "resnet8_cifar10", "inputs-float")
    npys = float_inputs(args.models, "resnet8_cifar10")
    progs = {}
    for name, source, flags in (
            ("full", model, []), ("logits", logits, []),
            ("percentile", logits, ["--calib-range=percentile",
                                    "--calib-percentile=99.9"])):
        progs[name] = os.path.join(work, "resnet-%s.bin" % name)
        run([npuc, source, "--calib=" + calib, "-o", progs[name]] + flags)
    # The same samples as one [10, 32, 32, 3] batch.
    batch = []
    for npy in npys:
        batch += npyio.read_npy(npy)[2]
    batch_npy = os.path.join(work, "batch.npy")
    npyio.write_npy(batch_npy, "f32", (len(npys), 32, 32, 3), batch)
    batch_prog = os.path.join(work, "resnet-batch.bin")
    run([npuc, logits, "--calib=" + batch_npy, "-o", batch_prog])
    with open(batch_prog, "rb") as a, open(progs["logits"], "rb") as b:
        if a.read() != b.read():
            raise Failure("a batch .npy and a directory of the same samples "
                          "quantize differently")
    with open(progs["percentile"], "rb") as a, open(progs["logits"],
                                                    "rb") as b:
        if a.read() == b.read():
            raise Failure("--calib-range=percentile changed nothing")
    agree = 0
    want_logits, got_logits, pct_logits = [], [], []
    for npy in npys:
        golden_equals_tile(npusim, progs["full"], npy, work, [],
                           "ResNet-8 PTQ on " + os.path.basename(npy))
        probabilities = dequantized(npusim, progs["full"], npy,
                                    os.path.join(work, "out"))
        reference = float_ref(args, model, npy, os.path.join(work, "r.npy"))
        agree += argmax(probabilities) == argmax(reference)
        want_logits.append(float_ref(args, logits, npy,
                                     os.path.join(work, "r.npy")))
        got_logits.append(dequantized(npusim, progs["logits"], npy,
                                      os.path.join(work, "out")))
        pct_logits.append(dequantized(npusim, progs["percentile"], npy,
                                      os.path.join(work, "out")))
    minmax_db = sqnr(want_logits, got_logits)
    pct_db = sqnr(want_logits, pct_logits)
    print("ResNet-8 PTQ: top-1 agreement with float32 %d/%d, logits SQNR "
          "%.1f dB (min/max), %.1f dB (percentile 99.9)" % (
              agree, len(npys), minmax_db, pct_db))
    if agree < 9:
        raise Failure("PTQ top-1 agrees with the float model on only %d of "
                      "%d samples" % (agree, len(npys)))
    if minmax_db < 20 or pct_db < 15:
        raise Failure("PTQ logits SQNR %.1f / %.1f dB is below 20 / 15 dB"
                      % (minmax_db, pct_db))
    # Rescale modes and multi-point weights apply to the quantized model.
    wess = os.path.join(work, "resnet-wess.bin")
    run([npuc, logits, "--calib=" + calib, "--rescale=wess", "-o", wess])
    golden_equals_tile(npusim, wess, npys[0], work, [], "PTQ + wess")
    four = ["--set", "array.weight_bits=4"]
    two = os.path.join(work, "resnet-two-points.bin")
    run([npuc, logits, "--calib=" + calib, "--weight-points=2", "-o",
         two] + four)
    if (npusim_outputs(npusim, two, npys[0], os.path.join(work, "g4"),
                       four + ["--golden"]) !=
            npusim_outputs(npusim, progs["logits"], npys[0],
                           os.path.join(work, "g8"), ["--golden"])):
        raise Failure("PTQ: two 4-bit points differ from the 8-bit program")
    # The quant report measures against the float model.
    report = os.path.join(work, "report.json")
    run([npuc, logits, "--calib=" + calib, "--rescale=per-layer",
         "--quant-report=" + report, "-o", os.path.join(work, "pl.bin")])
    with open(report) as handle:
        figures = json.load(handle)["model"]
    if figures.get("float_samples") != len(npys):
        raise Failure("quant report: no float-model figures: %r" % figures)
    if not (figures["float_sqnr_db"] and 10 < figures["float_sqnr_db"] <
            60) or figures["float_agreement"] < 0.8:
        raise Failure("quant report: implausible float figures %r" % figures)
    check_layer_float_sqnr(args, work, calib, npys)


def check_layer_float_sqnr(args, work, calib, npys):
    """Each layer's float_output_sqnr_db in the quant report of the PTQ'd
    ResNet-8 (npuc cuts the imported TOSA after the layer) equals the SQNR
    computed here: the float model cut after that operator at the TFLite
    level, quantized by npuc from the same samples (the cut keeps the
    ranges of every tensor up to it), run on npusim's tile model, against
    npu-float-ref on the same cut."""
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    model = os.path.join(args.models, RESNET)
    report = os.path.join(work, "float-layers.json")
    run([npuc, model, "--calib=" + calib, "--quant-report=" + report, "-o",
         os.path.join(work, "fl.bin")])
    with open(report) as handle:
        layers = json.load(handle)["layers"]
    checked = 0
    for layer in layers:
        index = int(layer["name"].rsplit("_", 1)[1])
        cut = os.path.join(work, "float-cut%d.tflite" % index)
        tflite_cut.cut_after(model, cut, args.flatc, args.schema, index)
        prog = os.path.join(work, "float-cut%d.bin" % index)
        run([npuc, cut, "--calib=" + calib, "-o", prog])
        want, got = [], []
        for npy in npys:
            want.append(float_ref(args, cut, npy, os.path.join(work,
                                                               "r.npy")))
            got.append(dequantized(npusim, prog, npy,
                                   os.path.join(work, "out")))
        computed = sqnr(want, got)
        reported = layer.get("float_output_sqnr_db")
        if reported is None or abs(reported - computed) > 0.01:
            raise Failure("%s: float output SQNR %r in the report, %.4f "
                          "computed from the TFLite cut" % (
                              layer["name"], reported, computed))
        checked += 1
    if checked < 10:
        raise Failure("float output SQNR for %d layers only" % checked)


def check_kws(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    calib = os.path.join(args.models, "kws_ref_model", "inputs-float")
    prog = os.path.join(work, "kws.bin")
    run([npuc, os.path.join(args.models, KWS), "--calib=" + calib, "-o",
         prog])
    for npy in float_inputs(args.models, "kws_ref_model"):
        golden_equals_tile(npusim, prog, npy, work, [], "KWS PTQ")
        got = dequantized(npusim, prog, npy, os.path.join(work, "out"))
        want = float_ref(args, os.path.join(args.models, KWS), npy,
                         os.path.join(work, "r.npy"))
        if argmax(got) != argmax(want):
            raise Failure("KWS PTQ: top-1 differs from the float model")


def check_refusals(args, work):
    npuc = os.path.join(args.bin, "npuc")
    model = os.path.join(args.models, RESNET)
    int8 = os.path.join(args.models, INT8_RESNET)
    calib = os.path.join(args.models, "resnet8_cifar10", "inputs-float")
    out = ["-o", os.path.join(work, "x.bin")]
    int8_npy = os.path.join(work, "int8.npy")
    npyio.write_npy(int8_npy, "i8", (1, 32, 32, 3), [0] * 3072)
    shape_npy = os.path.join(work, "shape.npy")
    npyio.write_npy(shape_npy, "f32", (1, 32, 32, 1), [0.0] * 1024)
    nan_npy = os.path.join(work, "nan.npy")
    npyio.write_npy(nan_npy, "f32", (1, 32, 32, 3), [float("nan")] * 3072)
    empty = os.path.join(work, "empty")
    os.makedirs(empty, exist_ok=True)
    expect_one_line_errors(npuc, [
        ([model] + out, "give --calib=FILE.npy|DIR"),
        ([model, "--calib=" + int8_npy] + out, "needs float32 samples"),
        ([model, "--calib=" + shape_npy] + out, "expects shape"),
        ([model, "--calib=" + nan_npy] + out, "non-finite"),
        ([model, "--calib=" + empty] + out, "no .npy file"),
        ([int8, "--calib-range=percentile"] + out, "already quantized"),
        ([model, "--calib=" + calib, "--calib-percentile=99"] + out,
         "needs --calib-range=percentile"),
        ([model, "--calib=" + calib, "--calib-range=percentile",
          "--calib-percentile=30"] + out, "percentile must be in"),
    ])


def main():
    args = e2e_args(__doc__)

    def checks():
        check_float_executor(args, args.work)
        check_resnet(args, args.work)
        check_kws(args, args.work)
        check_refusals(args, args.work)
    return run_checks("float_models", checks)


if __name__ == "__main__":
    sys.exit(main())

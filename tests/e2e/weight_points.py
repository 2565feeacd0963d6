#!/usr/bin/env python3
"""npuc --weight-points: multi-point int8 weights on 4-bit and 2-bit arrays.

    weight_points.py BIN_DIR MODELS_DIR WORK_DIR --flatc FLATC --schema FBS
                     [--rtl]

On a 4-bit array (array.weight_bits=4) every int8 weight is w = 16 * hi + lo
with a signed hi and an unsigned lo nibble, one array pass each. Checks:

  * the keyword spotter's and ResNet-8's logits (cut before the final
    SOFTMAX, tflite_cut.py): with two points (the default, and
    --weight-points=2) the program's outputs equal the 8-bit array's
    program's bit for bit; with one point they differ, and --weight-points=
    auto with a 25 dB budget lands between the two (logits SQNR against the
    8-bit program's: one point < auto < two points); golden executor,
    tile and cycle array models agree on bits and the two array models on
    cycles; with --rtl, the Verilated RTL array on npu-tiny (4-bit) agrees
    too and npu-cosim runs each gemm on the RTL array and the register
    model in lockstep; one point costs fewer cycles than two;
  * the 2-bit array (array.weight_bits=2: four base-4 points, the leading
    one signed) on npu-tiny: four points (the default) equal the 8-bit
    program's logits bit for bit; 3, 2 and 1 points lose SQNR and save
    cycles in that order; golden, tile, cycle (and RTL, and npu-cosim's
    lockstep for four and three points) agree;
  * the quant report of auto: every 4-bit layer reaches the budget (or is
    exact), points per channel between 1 and 2;
  * every bundled network (model_cases.py's TOSA and real networks) on
    npu-tiny, npu-base and npu-large with array.weight_bits=4: the two-point
    program's golden outputs equal the 8-bit program's, and its tile
    outputs equal its golden ones; the one-point program on npu-base runs
    with golden = tile; on npu-base with array.weight_bits=2 the four-point
    program equals the 8-bit one too;
  * bad uses are refused in one line.

The 8-bit reference programs are the ones e2e.tosa_models and
e2e.real_models check bit for bit against TensorFlow Lite Micro.
"""
import json
import os
import sys

import model_cases
import tflite_cut
from rescale_modes import (Failure, e2e_args, expect_one_line_errors,
                           golden_equals_tile, npusim_outputs, run,
                           run_checks, sample_npys, sqnr_db, simulate)

FOUR = ["--set", "array.weight_bits=4"]
TWO = ["--set", "array.weight_bits=2"]
BUDGET = 25.0
MODELS = [
    ("kws", "kws_ref_model/kws_ref_model.tflite", "kws_ref_model",
     (1, 49, 10, 1), 2),
    ("resnet8", "resnet8_cifar10/pretrainedResnet_quant.tflite",
     "resnet8_cifar10", (1, 32, 32, 3), 4),
]
# (label, npuc flags)
VARIANTS = [
    ("8-bit", []),
    ("2 points", FOUR),
    ("2 points (explicit)", FOUR + ["--weight-points=2"]),
    ("auto %g dB" % BUDGET, FOUR + ["--weight-points=auto",
                                    "--weight-point-budget=%g" % BUDGET]),
    ("1 point", FOUR + ["--weight-points=1"]),
]
FLAGS = {"golden": ["--golden"], "tile": ["--array-model", "tile"],
         "cycle": ["--array-model", "cycle"], "rtl": ["--rtl"]}


def check_model(args, name, model, folder, shape, count, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    logits = os.path.join(work, name + "_logits.tflite")
    tflite_cut.cut_before_last(os.path.join(args.models, model), logits,
                               args.flatc, args.schema)
    inputs = sample_npys(args.models, folder, shape, count, work, name)
    presets = [("npu-base", ["tile", "cycle"]),
               ("npu-tiny", ["tile", "cycle"] + (["rtl"] if args.rtl else []))]
    values = {}  # (label, preset) -> concatenated golden logits
    costs = {}
    for k, (label, flags) in enumerate(VARIANTS):
        for preset, engines in presets:
            target = ["--arch", preset] + (flags[:2] if flags else [])
            prog = os.path.join(work, "%s-%d-%s.bin" % (name, k, preset))
            run([npuc, logits, "-o", prog, "--arch", preset] + flags)
            got_all = []
            for i, inp in enumerate(inputs):
                base = os.path.join(work, "%s-%d-%s-%d" % (name, k, preset, i))
                golden, _ = simulate(npusim, prog, inp, base + "-golden",
                                     FLAGS["golden"] + target)
                cycles = set()
                for engine in engines:
                    got, report = simulate(npusim, prog, inp,
                                           base + "-" + engine,
                                           FLAGS[engine] + target)
                    if got != golden:
                        raise Failure("%s %s %s input %d: %s differs from "
                                      "the golden executor" % (
                                          name, label, preset, i, engine))
                    cycles.add(report["cycles"])
                    if preset == "npu-base" and engine == "tile" and i == 0:
                        costs[label] = (report["cycles"],
                                        report["energy_pj"]["total"])
                if len(cycles) != 1:
                    raise Failure("%s %s %s: array models disagree on cycles "
                                  "%s" % (name, label, preset, sorted(cycles)))
                if args.rtl and preset == "npu-tiny" and i == 0 and flags:
                    proc = run([os.path.join(args.bin, "npu-cosim"),
                                "--program", prog, "--input", "0=" + inp])
                    if "no difference" not in proc.stdout:
                        raise Failure("%s %s: npu-cosim: %s" % (
                            name, label, proc.stdout.strip()[:300]))
                got_all.append(golden)
            values[(label, preset)] = got_all

    zero_point = values[("8-bit", "npu-base")][0][0]
    sqnr = {}
    for label, _ in VARIANTS:
        for preset, _ in presets:
            ref = [v for _, vs in values[("8-bit", preset)] for v in vs]
            test = [v for _, vs in values[(label, preset)] for v in vs]
            if label.startswith("2 points") and test != ref:
                raise Failure("%s %s %s: outputs differ from the 8-bit "
                              "program's" % (name, label, preset))
            if label == "1 point" and test == ref:
                raise Failure("%s one point: outputs equal the 8-bit "
                              "program's, the rounding changed nothing"
                              % name)
            if preset == "npu-base":
                sqnr[label] = sqnr_db(ref, test, zero_point)
    auto = "auto %g dB" % BUDGET
    if not sqnr["1 point"] < sqnr[auto]:
        raise Failure("%s: auto's logits SQNR %.2f dB is not above one "
                      "point's %.2f dB" % (name, sqnr[auto], sqnr["1 point"]))
    if not costs["1 point"][0] < costs["2 points"][0]:
        raise Failure("%s: one point takes %d cycles, two %d" % (
            name, costs["1 point"][0], costs["2 points"][0]))
    for label, _ in VARIANTS:
        cycles, energy = costs[label]
        print("%-8s %-20s logits SQNR %6.2f dB  npu-base %7d cycles "
              "%10.0f pJ" % (name, label, sqnr[label], cycles, energy))
    check_auto_report(npuc, name, logits, work)
    check_two_bit(args, name, logits, inputs[0], values, work)


def check_two_bit(args, name, logits, inp, values, work):
    """The 2-bit array: four points (the default) equal the 8-bit program
    bit for bit, fewer points lose precision in order, every engine (and
    on npu-tiny the RTL array in lockstep) agrees."""
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    variants = [("4 points", []), ("3 points", ["--weight-points=3"]),
                ("2 points", ["--weight-points=2"]),
                ("1 point", ["--weight-points=1"])]
    engines = ["tile", "cycle"] + (["rtl"] if args.rtl else [])
    zero_point = values[("8-bit", "npu-tiny")][0][0]
    ref = values[("8-bit", "npu-tiny")][0][1]
    sqnr, cycles = {}, {}
    for k, (label, flags) in enumerate(variants):
        prog = os.path.join(work, "%s-2bit-%d.bin" % (name, k))
        run([npuc, logits, "-o", prog, "--arch", "npu-tiny"] + TWO + flags)
        target = ["--arch", "npu-tiny"] + TWO
        base = os.path.join(work, "%s-2bit-%d" % (name, k))
        golden, _ = simulate(npusim, prog, inp, base + "-golden",
                             FLAGS["golden"] + target)
        seen = set()
        for engine in engines:
            got, report = simulate(npusim, prog, inp, base + "-" + engine,
                                   FLAGS[engine] + target)
            if got != golden:
                raise Failure("%s 2-bit %s: %s differs from the golden "
                              "executor" % (name, label, engine))
            seen.add(report["cycles"])
        if len(seen) != 1:
            raise Failure("%s 2-bit %s: array models disagree on cycles %s"
                          % (name, label, sorted(seen)))
        cycles[label] = seen.pop()
        if args.rtl and k < 2:
            proc = run([os.path.join(args.bin, "npu-cosim"), "--program",
                        prog, "--input", "0=" + inp])
            if "no difference" not in proc.stdout:
                raise Failure("%s 2-bit %s: npu-cosim: %s" % (
                    name, label, proc.stdout.strip()[:300]))
        test = golden[1]
        if label == "4 points" and test != ref:
            raise Failure("%s 2-bit: four points differ from the 8-bit "
                          "program's outputs" % name)
        sqnr[label] = sqnr_db(ref, test, zero_point)
    order = [label for label, _ in variants]
    for fewer, more in zip(order[1:], order):
        if not sqnr[fewer] <= sqnr[more]:
            raise Failure("%s 2-bit: %s's logits SQNR %.2f dB is above %s's "
                          "%.2f dB" % (name, fewer, sqnr[fewer], more,
                                       sqnr[more]))
        if not cycles[fewer] < cycles[more]:
            raise Failure("%s 2-bit: %s take %d cycles, %s %d" % (
                name, fewer, cycles[fewer], more, cycles[more]))
    if sqnr["1 point"] == sqnr["4 points"]:
        raise Failure("%s 2-bit: one point equals four" % name)
    for label in order:
        print("%-8s 2-bit %-10s logits SQNR %6.2f dB  npu-tiny %7d cycles"
              % (name, label, sqnr[label], cycles[label]))


def check_auto_report(npuc, name, model, work):
    path = os.path.join(work, name + "-auto-quant.json")
    run([npuc, model, "--emit=npu", "--quant-report=" + path,
         "--weight-points=auto", "--weight-point-budget=%g" % BUDGET] + FOUR)
    with open(path) as handle:
        layers = json.load(handle)["layers"]
    four = [layer for layer in layers if layer["weight_bits"] == 4]
    if not four:
        raise Failure("%s auto: no layer runs 4-bit points" % name)
    for layer in four:
        points = layer["weight_points"]
        sqnr = layer["weight_sqnr_db"]
        if not 1 <= points["min"] <= points["mean"] <= points["max"] <= 2:
            raise Failure("%s %s: points %s" % (name, layer["name"], points))
        if sqnr is not None and sqnr < BUDGET:
            raise Failure("%s %s: weight SQNR %.2f dB below the %g dB "
                          "budget" % (name, layer["name"], sqnr, BUDGET))
    mean = sum(layer["weight_points"]["mean"] for layer in four) / len(four)
    print("%s auto %g dB: %d 4-bit layers, %.2f points per channel on "
          "average" % (name, BUDGET, len(four), mean))


def check_every_network(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    count = 0
    for name, model, folder, shape, _ in (model_cases.TOSA_NETWORKS +
                                          model_cases.REAL_NETWORKS):
        npy = sample_npys(args.models, folder, shape, 1, work,
                          "every-" + name)[0]
        runs = [(preset, points) for preset in ("npu-tiny", "npu-base",
                                                "npu-large")
                for points in ("8", "2")] + [("npu-base", "1"),
                                             ("npu-base", "2-bit")]
        outs = {}
        for preset, points in runs:
            prog = os.path.join(work, "every.bin")
            flags = ([] if points == "8" else TWO if points == "2-bit" else
                     FOUR + ["--weight-points=" + points])
            run([npuc, os.path.join(args.models, model), "--arch", preset,
                 "-o", prog] + flags)
            target = ["--arch", preset] + flags[:2]
            if points == "8":
                outs[(preset, points)] = npusim_outputs(
                    npusim, prog, npy, os.path.join(work, "golden"),
                    target + ["--golden"])
            else:
                outs[(preset, points)] = golden_equals_tile(
                    npusim, prog, npy, work, target,
                    "%s %s %s points" % (name, preset, points))
            count += 1
            if (points in ("2", "2-bit") and
                    outs[(preset, points)] != outs[(preset, "8")]):
                raise Failure("%s %s: the %s program's outputs differ from "
                              "the 8-bit program's" % (
                                  name, preset, "2-bit array's four-point"
                                  if points == "2-bit" else "two-point"))
    print("every network: %d programs; two 4-bit points = four 2-bit "
          "points = 8 bits everywhere" % count)


def check_refusals(args, work):
    npuc = os.path.join(args.bin, "npuc")
    model = os.path.join(args.models, "kws_ref_model/kws_ref_model.tflite")
    out = os.path.join(work, "x.bin")
    bad = [
        ([model, "--weight-points=1", "-o", out],
         "--weight-points needs a low-bit array (array.weight_bits=4 or 2)"),
        ([model, "--weight-points=3", "-o", out] + FOUR,
         "--weight-points=3: a 4-bit array takes 1 to 2 points"),
        ([model, "--set", "array.weight_bits=3", "-o", out],
         "array.weight_bits: 3 is not supported (2, 4 or 8)"),
        ([model, "--weight-point-budget=20", "-o", out] + FOUR,
         "--weight-point-budget needs --weight-points=auto"),
        ([model, "--weight-points=auto", "--weight-point-budget=-3", "-o",
          out] + FOUR, "expected a dB figure"),
    ]
    expect_one_line_errors(npuc, bad)


def main():
    args = e2e_args(__doc__, rtl=True)

    def checks():
        for name, model, folder, shape, count in MODELS:
            check_model(args, name, model, folder, shape, count, args.work)
        check_refusals(args, args.work)
        check_every_network(args, args.work)
    return run_checks("weight_points", checks)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""npuc --rescale and ArchConfig ppu.rescale on real models.

    rescale_modes.py BIN_DIR MODELS_DIR WORK_DIR --flatc FLATC --schema FBS
                     [--rtl]

For the keyword spotter and ResNet-8, cut before their final SOFTMAX (whose
saturated int8 output hides the error of the layers before it;
tflite_cut.py), compiles the logits model with --rescale=exact, per-layer
and wess and checks:

  * every program's outputs are the same bits on the golden executor and
    the simulator's tile and cycle array models (and, with --rtl, the
    Verilated RTL array on npu-tiny), with the same cycles in tile and
    cycle (and rtl); with --rtl, npu-cosim also runs each npu-tiny program's
    gemms on the RTL array and the register model in lockstep;
  * per-layer leaves one requantization form (per_layer) in every MAC
    layer, wess only per_layer or shift_table forms, exact the model's own;
  * npuc --quant-report: every layer of the per-layer and wess reports is
    re-quantized in that mode, and WESS's weight SQNR is at least
    per-layer's in every layer (its channel grids refine the layer grid);
  * the logits' SQNR against the exact program's (dequantization cancels:
    one output scale) is higher with WESS than per layer on the keyword
    spotter (issue 14), and is printed for both models with cycles and
    energy;
  * a per-channel model on a PPU without tables is refused in one line that
    suggests --rescale, and compiles with it; npusim refuses a program on
    a PPU it was not compiled for;
  * npuc --calib/--labels: the quant report's model figures (output SQNR
    against the exact program, top-1 agreement and accuracy) for ResNet-8
    equal the ones computed here from npusim's outputs of both programs,
    and so does each layer's output SQNR (npuc cuts the TOSA after the
    layer; here the TFLite model is cut after the operator),
    for a directory of samples and for the same samples as one batch; a
    two-input model takes one subdirectory per sample; bad uses are
    refused in one line;
  * every bundled network (tests/e2e/model_cases.py's TOSA and real
    networks, and one SEANet 16x8 layer, which keeps its weights) compiles
    with --rescale=per-layer and wess on npu-tiny, npu-base and npu-large,
    and its golden and tile outputs agree bit for bit on its first sample
    input.

The reference for SQNR is our own exact program, which e2e.tosa_models and
e2e.real_models check bit for bit against TensorFlow Lite Micro.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys

import model_cases
import npyio
import tflite_cut

MODES = ("exact", "per-layer", "wess")
# (name, model, inputs folder, input shape, inputs used)
MODELS = [
    ("kws", "kws_ref_model/kws_ref_model.tflite", "kws_ref_model",
     (1, 49, 10, 1), 1),
    ("resnet8", "resnet8_cifar10/pretrainedResnet_quant.tflite",
     "resnet8_cifar10", (1, 32, 32, 3), 10),
]
FORM = re.compile(r"ppu_form = #npu<ppu_form (\w+)>")


class Failure(Exception):
    pass


def run(cmd, expect_ok=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if expect_ok and proc.returncode != 0:
        raise Failure("%s failed: %s" % (" ".join(cmd),
                                         proc.stderr.strip()[:400]))
    return proc


def expect_one_line_errors(tool, cases):
    """Runs TOOL with each (argv, expected) of CASES; fails unless it exits
    non-zero with one line on stderr that contains `expected`."""
    for argv, expected in cases:
        proc = run([tool] + argv, expect_ok=False)
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 0 or len(lines) != 1 or expected not in lines[0]:
            raise Failure("%s %s: want one line with %r, got rc %d: %r" % (
                os.path.basename(tool), " ".join(argv[1:]), expected,
                proc.returncode, proc.stderr))


def e2e_args(doc, rtl=False):
    """The command line the quantization tests share (BIN MODELS WORK
    --flatc --schema [--rtl]); WORK is emptied."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("bin")
    parser.add_argument("models")
    parser.add_argument("work")
    parser.add_argument("--flatc", default="flatc")
    parser.add_argument("--schema", required=True)
    if rtl:
        parser.add_argument("--rtl", action="store_true",
                            help="also run the Verilated RTL array "
                                 "(npu-tiny)")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    return args


def sample_npys(models, folder, shape, count, work, prefix):
    """The first COUNT raw int8 sample inputs of tests/models/FOLDER as .npy
    files named PREFIX_<sample>.npy in WORK; returns their paths."""
    sample_dir = os.path.join(models, folder, "inputs")
    paths = []
    for entry in sorted(os.listdir(sample_dir))[:count]:
        with open(os.path.join(sample_dir, entry), "rb") as handle:
            data = handle.read()
        path = os.path.join(work, "%s_%s.npy" % (prefix, entry[:-4]))
        npyio.write_npy(path, "i8", shape,
                        [b - 256 if b > 127 else b for b in data])
        paths.append(path)
    return paths


def npusim_outputs(npusim, prog, npy, out_dir, flags):
    """Every output npusim writes for PROG on input NPY (as read_npy
    tuples, by file name)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    run([npusim, prog, "--input", "0=" + npy, "--output-dir", out_dir] +
        flags)
    files = sorted(f for f in os.listdir(out_dir) if f.endswith(".npy"))
    return [npyio.read_npy(os.path.join(out_dir, f)) for f in files]


def golden_equals_tile(npusim, prog, npy, work, flags, what):
    """PROG's outputs on the golden executor; fails (naming WHAT) unless the
    tile array model computes the same."""
    golden = npusim_outputs(npusim, prog, npy, os.path.join(work, "golden"),
                            flags + ["--golden"])
    tile = npusim_outputs(npusim, prog, npy, os.path.join(work, "tile"),
                          flags + ["--array-model", "tile"])
    if golden != tile:
        raise Failure("%s: golden and tile outputs differ" % what)
    return golden


def run_checks(name, checks):
    """Runs CHECKS; prints NAME: ok, or NAME: FAIL and the reason. Returns
    the exit status."""
    try:
        checks()
    except (Failure, subprocess.SubprocessError, OSError) as exc:
        print("%s: FAIL: %s" % (name, exc))
        return 1
    print("%s: ok" % name)
    return 0


def outputs(out_dir):
    """(zero point, values) of the single output npusim wrote."""
    with open(os.path.join(out_dir, "outputs.json")) as handle:
        meta = json.load(handle)["outputs"][0]
    _, _, values = npyio.read_npy(os.path.join(out_dir, meta["file"]))
    return meta["zero_point"], values


def sqnr_db(reference, test, zero_point):
    signal = sum((r - zero_point) ** 2 for r in reference)
    noise = sum((r - t) ** 2 for r, t in zip(reference, test))
    return float("inf") if noise == 0 else 10 * math.log10(signal / noise)


def simulate(npusim, prog, inp, out_dir, flags):
    proc = run([npusim, prog, "--input", "0=" + inp, "--output-dir", out_dir,
                "--json"] + flags)
    return outputs(out_dir), (None if "--golden" in flags
                              else json.loads(proc.stdout))


def check_model(args, name, model, folder, shape, count, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    logits = os.path.join(work, name + "_logits.tflite")
    tflite_cut.cut_before_last(os.path.join(args.models, model), logits,
                               args.flatc, args.schema)
    inputs = sample_npys(args.models, folder, shape, count, work, name)

    presets = [("npu-base", ["tile", "cycle"])]
    presets.append(("npu-tiny", ["tile", "cycle"] + (["rtl"] if args.rtl
                                                       else [])))
    flags = {"golden": ["--golden"], "tile": ["--array-model", "tile"],
             "cycle": ["--array-model", "cycle"], "rtl": ["--rtl"]}
    logits_of = {}
    costs = {}
    for mode in MODES:
        graph = run([npuc, logits, "--rescale=" + mode, "--emit=npu"]).stdout
        forms = set(FORM.findall(graph))
        allowed = {"exact": {"per_layer", "shift_table", "per_channel"},
                   "per-layer": {"per_layer"},
                   "wess": {"per_layer", "shift_table"}}[mode]
        if not forms or not forms <= allowed:
            raise Failure("%s --rescale=%s: PPU forms %s" % (name, mode,
                                                             sorted(forms)))
        if mode == "wess" and "shift_table" not in forms:
            raise Failure("%s --rescale=wess: no layer uses the shift table"
                          % name)
        for preset, engines in presets:
            prog = os.path.join(work, "%s-%s-%s.bin" % (name, mode, preset))
            run([npuc, logits, "--rescale=" + mode, "--arch", preset, "-o",
                 prog])
            for k, inp in enumerate(inputs):
                base = os.path.join(work, "%s-%s-%s-%d" % (name, mode, preset,
                                                           k))
                golden, _ = simulate(npusim, prog, inp, base + "-golden",
                                     flags["golden"])
                cycles = set()
                for engine in engines:
                    got, report = simulate(npusim, prog, inp,
                                           base + "-" + engine,
                                           flags[engine])
                    if got != golden:
                        raise Failure("%s %s %s input %d: %s differs from "
                                      "the golden executor" % (
                                          name, mode, preset, k, engine))
                    cycles.add(report["cycles"])
                    if preset == "npu-base" and engine == "tile" and k == 0:
                        costs[mode] = (report["cycles"],
                                       report["energy_pj"]["total"])
                if args.rtl and preset == "npu-tiny" and k == 0:
                    proc = run([os.path.join(args.bin, "npu-cosim"),
                                "--program", prog, "--input", "0=" + inp])
                    if "no difference" not in proc.stdout:
                        raise Failure("%s %s: npu-cosim: %s" % (
                            name, mode, proc.stdout.strip()[:300]))
                if len(cycles) != 1:
                    raise Failure("%s %s %s: array models disagree on cycles "
                                  "%s" % (name, mode, preset, sorted(cycles)))
                if preset == "npu-base":
                    logits_of.setdefault(mode, []).append(golden)

    check_quant_reports(npuc, name, logits, work)
    zero_point = logits_of["exact"][0][0]
    reference = [v for _, values in logits_of["exact"] for v in values]
    result = {}
    for mode in MODES[1:]:
        test = [v for _, values in logits_of[mode] for v in values]
        if test == reference:
            raise Failure("%s --rescale=%s computes the exact program's "
                          "logits bit for bit: the mode changed nothing"
                          % (name, mode))
        result[mode] = sqnr_db(reference, test, zero_point)
    for mode in MODES:
        cycles, energy = costs[mode]
        sqnr = result.get(mode, float("inf"))
        print("%-8s %-10s logits SQNR %6.2f dB  npu-base %7d cycles "
              "%10.0f pJ" % (name, mode, sqnr, cycles, energy))
    return result, logits, inputs[0]


def check_quant_reports(npuc, name, model, work):
    reports = {}
    for mode in MODES[1:]:
        path = os.path.join(work, "%s-%s-quant.json" % (name, mode))
        run([npuc, model, "--rescale=" + mode, "--quant-report=" + path,
             "--emit=npu"])
        with open(path) as handle:
            reports[mode] = json.load(handle)["layers"]
    names = [[layer["name"] for layer in reports[m]] for m in MODES[1:]]
    if not names[0] or names[0] != names[1]:
        raise Failure("%s: quant reports name different layers: %s"
                      % (name, names))
    for flat, wess in zip(reports["per-layer"], reports["wess"]):
        if flat["mode"] != "per-layer" or wess["mode"] != "wess":
            raise Failure("%s %s: report modes %s / %s" % (
                name, flat["name"], flat["mode"], wess["mode"]))
        worse = (wess["weight_sqnr_db"] is not None and
                 (flat["weight_sqnr_db"] is None or
                  wess["weight_sqnr_db"] < flat["weight_sqnr_db"] - 1e-9))
        if worse:
            raise Failure("%s %s: WESS weight SQNR %s dB below per-layer's "
                          "%s dB" % (name, flat["name"],
                                     wess["weight_sqnr_db"],
                                     flat["weight_sqnr_db"]))


def check_refusals(args, logits, sample, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    prog = os.path.join(work, "refused.bin")
    proc = run([npuc, logits, "--set", "ppu.rescale=per-layer", "-o", prog],
               expect_ok=False)
    lines = proc.stderr.strip().splitlines()
    if proc.returncode == 0 or len(lines) != 1 or \
            "--rescale=per-layer" not in lines[0] or \
            "operator" not in lines[0]:
        raise Failure("a per-channel model on ppu.rescale=per-layer: want "
                      "one line naming the operator and --rescale, got rc "
                      "%d: %r" % (proc.returncode, proc.stderr))
    for hardware, mode in (("per-layer", "per-layer"),
                           ("shift-table", "wess")):
        run([npuc, logits, "--set", "ppu.rescale=" + hardware,
             "--rescale=" + mode, "-o", prog])
    # The program above was compiled for a shift-table PPU.
    proc = run([npusim, prog, "--golden", "--input", "0=" + sample, "--set",
                "ppu.rescale=per-layer"], expect_ok=False)
    lines = proc.stderr.strip().splitlines()
    if proc.returncode == 0 or len(lines) != 1 or \
            "ppu.rescale" not in lines[0]:
        raise Failure("npusim on a PPU the program was not compiled for: "
                      "want one line naming ppu.rescale, got rc %d: %r"
                      % (proc.returncode, proc.stderr))


CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
           "horse", "ship", "truck"]


def check_calibration_report(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    model = os.path.join(args.models,
                         "resnet8_cifar10/pretrainedResnet_quant.tflite")
    inputs = os.path.join(args.models, "resnet8_cifar10", "inputs")
    calib = os.path.join(work, "calib")
    os.makedirs(calib, exist_ok=True)
    labels, batch, paths = [], [], []
    for entry in sorted(os.listdir(inputs)):
        with open(os.path.join(inputs, entry), "rb") as handle:
            values = [b - 256 if b > 127 else b for b in handle.read()]
        path = os.path.join(calib, entry[:-4] + ".npy")
        npyio.write_npy(path, "i8", (1, 32, 32, 3), values)
        paths.append(path)
        batch += values
        # cifar10_NN_<class>.bin
        labels.append(CIFAR10.index(entry[:-4].split("_", 2)[2]))
    label_file = os.path.join(work, "labels.txt")
    with open(label_file, "w") as handle:
        handle.write("".join("%d\n" % label for label in labels))
    batch_file = os.path.join(work, "batch.npy")
    npyio.write_npy(batch_file, "i8", (len(paths), 32, 32, 3), batch)

    # The figures from npusim's outputs of both programs.
    outs = {}
    for mode in ("exact", "wess"):
        prog = os.path.join(work, "calib-%s.bin" % mode)
        run([npuc, model, "--rescale=" + mode, "-o", prog])
        outs[mode] = []
        for k, path in enumerate(paths):
            out_dir = os.path.join(work, "calib-out-%s-%d" % (mode, k))
            run([npusim, prog, "--golden", "--input", "0=" + path,
                 "--output-dir", out_dir])
            outs[mode].append(outputs(out_dir))
    zero_point = outs["exact"][0][0]
    ref = [v for _, values in outs["exact"] for v in values]
    got = [v for _, values in outs["wess"] for v in values]

    def top(values):
        return max(range(len(values)), key=lambda i: values[i])
    want = {
        "output_sqnr_db": sqnr_db(ref, got, zero_point),
        "top1_agreement": sum(
            top(a[1]) == top(b[1])
            for a, b in zip(outs["exact"], outs["wess"])) / len(paths),
        "top1_accuracy": sum(top(b[1]) == label for b, label in
                             zip(outs["wess"], labels)) / len(paths),
        "exact_top1_accuracy": sum(top(a[1]) == label for a, label in
                                   zip(outs["exact"], labels)) / len(paths),
    }
    for source in (calib, batch_file):
        report = os.path.join(work, "calib-report.json")
        run([npuc, model, "--rescale=wess", "--calib=" + source,
             "--labels=" + label_file, "--quant-report=" + report, "-o",
             os.path.join(work, "calib.bin")])
        with open(report) as handle:
            figures = json.load(handle)["model"]
        for key, value in want.items():
            if figures.get(key) is None or abs(figures[key] - value) > 1e-9:
                raise Failure("npuc --calib=%s: %s %s, computed here %s" % (
                    source, key, figures.get(key), value))
        if figures["inputs"] != len(paths):
            raise Failure("npuc --calib: %s inputs" % figures["inputs"])
    check_layer_sqnr(args, work, npuc, npusim, model, report, paths)
    bad = [
        ([model, "--calib=" + calib, "-o", os.path.join(work, "x.bin")],
         "--calib feeds the quant report"),
        ([model, "--labels=" + label_file, "-v", "-o",
          os.path.join(work, "x.bin")], "--labels needs --calib"),
        ([os.path.join(args.models, model_cases.LAYERS_DIR, "add0.tflite"),
          "--calib=" + calib, "-v", "-o", os.path.join(work, "x.bin")],
         "give a directory with one subdirectory per sample"),
    ]
    for argv, expected in bad:
        proc = run([npuc] + argv, expect_ok=False)
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 0 or not lines or expected not in lines[-1]:
            raise Failure("npuc %s: want a line with %r, got rc %d: %r" % (
                " ".join(argv[1:]), expected, proc.returncode, proc.stderr))
    # A model with two inputs: one subdirectory per sample, a file per
    # input by name or index.
    add0 = os.path.join(args.models, model_cases.LAYERS_DIR, "add0.tflite")
    pairs = os.path.join(work, "pairs")
    for k in range(2):
        sample = os.path.join(pairs, "sample%d" % k)
        os.makedirs(sample)
        for i in range(2):
            npyio.write_npy(os.path.join(sample, "%d.npy" % i), "i16",
                            (1, 1, 5, 64),
                            [(v * 37 + k * 11 + i) % 2001 - 1000
                             for v in range(320)])
    report = os.path.join(work, "pairs.json")
    run([npuc, add0, "--rescale=per-layer", "--calib=" + pairs,
         "--quant-report=" + report, "-o", os.path.join(work, "x.bin")])
    with open(report) as handle:
        if json.load(handle)["model"]["inputs"] != 2:
            raise Failure("npuc --calib with two-input samples: wrong count")
    os.remove(os.path.join(pairs, "sample1", "1.npy"))
    expect_one_line_errors(npuc, [([add0, "--calib=" + pairs,
                                    "--quant-report=" + report, "-o",
                                    os.path.join(work, "x.bin")],
                                   "has no")])
    print("calibration report: wess on ResNet-8's %d samples: SQNR %.2f dB, "
          "agreement %.0f %%, accuracy %.0f %% (exact %.0f %%)" % (
              len(paths), want["output_sqnr_db"],
              100 * want["top1_agreement"], 100 * want["top1_accuracy"],
              100 * want["exact_top1_accuracy"]))


def check_layer_sqnr(args, work, npuc, npusim, model, report, paths):
    """Each layer's output_sqnr_db in the wess quant REPORT (npuc cuts the
    imported TOSA after the layer) equals the SQNR computed here from the
    model cut after that operator at the TFLite level (tflite_cut.py),
    compiled exactly and with wess, run on npusim's golden executor."""
    with open(report) as handle:
        layers = json.load(handle)["layers"]
    checked = 0
    for layer in layers:
        kind, index = layer["name"].rsplit("_", 1)
        cut = os.path.join(work, "cut%s.tflite" % index)
        tflite_cut.cut_after(model, cut, args.flatc, args.schema, int(index))
        outs = {}
        for mode in ("exact", "wess"):
            prog = os.path.join(work, "cut%s-%s.bin" % (index, mode))
            run([npuc, cut, "--rescale=" + mode, "-o", prog])
            outs[mode] = []
            for k, path in enumerate(paths):
                out_dir = os.path.join(work, "cut-out")
                run([npusim, prog, "--golden", "--input", "0=" + path,
                     "--output-dir", out_dir])
                outs[mode].append(outputs(out_dir))
        zero_point = outs["exact"][0][0]
        want = sqnr_db([v for _, vs in outs["exact"] for v in vs],
                       [v for _, vs in outs["wess"] for v in vs], zero_point)
        got = layer.get("output_sqnr_db")
        exact = layer.get("output_exact")
        if (math.isinf(want) and not exact) or (
                not math.isinf(want) and (got is None or
                                          abs(got - want) > 1e-6)):
            raise Failure("%s %s: report's output SQNR %r (exact %r), "
                          "computed from the TFLite cut %r" % (
                              kind, index, got, exact, want))
        checked += 1
    if checked < 10:
        raise Failure("the report has output SQNR for %d layers" % checked)


def check_every_network(args, work):
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    networks = [(name, model, folder, shape)
                for name, model, folder, shape, _ in
                model_cases.TOSA_NETWORKS + model_cases.REAL_NETWORKS]
    # One layer of TFLite's 16x8 mode (int16 input as raw little-endian).
    networks.append(("seanet_conv0", model_cases.LAYERS_DIR + "/conv0.tflite",
                     None, None))
    count = 0
    for name, model, folder, shape in networks:
        if folder:
            inputs = os.path.join(args.models, folder, "inputs")
            first = sorted(os.listdir(inputs))[0]
            with open(os.path.join(inputs, first), "rb") as handle:
                values = [b - 256 if b > 127 else b for b in handle.read()]
            dtype = "i8"
        else:
            folder_path = os.path.join(args.models, model_cases.LAYERS_DIR)
            with open(os.path.join(folder_path, "layers.json")) as handle:
                layer = [e for e in json.load(handle)
                         if e["layer"] == "conv0"][0]
            inp = layer["inputs"][0]
            shape = tuple(inp["shape"])
            values = model_cases.raw_values(
                os.path.join(folder_path, "inputs", "conv0.in0.bin"),
                inp["type"])
            dtype = model_cases.NPY_TYPE[inp["type"]][0]
        npy = os.path.join(work, "every-%s.npy" % name)
        npyio.write_npy(npy, dtype, shape, values)
        for preset in ("npu-tiny", "npu-base", "npu-large"):
            for mode in MODES[1:]:
                prog = os.path.join(work, "every.bin")
                run([npuc, os.path.join(args.models, model), "--arch", preset,
                     "--rescale=" + mode, "-o", prog])
                golden_equals_tile(npusim, prog, npy, work, [],
                                   "%s %s --rescale=%s" % (name, preset,
                                                           mode))
                count += 1
    print("every network: %d (network, preset, mode) programs, golden = "
          "tile" % count)


def main():
    args = e2e_args(__doc__, rtl=True)

    def checks():
        results = {}
        for name, model, folder, shape, count in MODELS:
            results[name], logits, sample = check_model(
                args, name, model, folder, shape, count, args.work)
        check_refusals(args, logits, sample, args.work)
        check_calibration_report(args, args.work)
        check_every_network(args, args.work)
        kws = results["kws"]
        if not kws["wess"] > kws["per-layer"]:
            raise Failure("keyword spotter: WESS's logits SQNR %.2f dB is "
                          "not above per-layer's %.2f dB"
                          % (kws["wess"], kws["per-layer"]))
    return run_checks("rescale_modes", checks)


if __name__ == "__main__":
    sys.exit(main())

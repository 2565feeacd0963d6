#!/usr/bin/env python3
"""Float-interface TFLite models: QUANTIZE at the inputs, DEQUANTIZE at the
outputs, converted on the host.

    python3 float_edge.py BIN_DIR WORK_DIR --flatc FLATC --schema TFLITE_FBS

Writes the cases (one-operator int8 models wrapped in float32 QUANTIZE /
DEQUANTIZE, as TFLite's converter makes float-interface models), compiles
each with npuc for every preset, runs npusim (golden executor, tile and
cycle array models; npu-run --expect) on float32 .npy inputs and requires
every float32 output to equal, bit for bit, TensorFlow Lite Micro's output for the same
float input (tests/e2e/tflm-reference/<case>/<set>/expected<k>.npy, made by
scripts/tflm-reference). Also checks that the same program takes the
already-quantized int8 input and that a DEQUANTIZE inside the model is
refused with one line.

write_cases() is shared with scripts/tflm-reference.
"""
import argparse
import glob
import json
import os
import random
import shutil
import struct
import subprocess
import sys

import gen_tflite_ops as gen

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "tflm-reference")
PRESETS = ["npu-tiny", "npu-base", "npu-large"]
MODES = [["--golden"], ["--array-model", "tile"], ["--array-model", "cycle"]]


def float_tensor(name, shape):
    return {"name": name, "shape": list(shape), "type": "FLOAT32",
            "buffer": 0}


def model(ops, tensors, inputs, outputs, codes, buffers=None):
    """A model of several operators: `ops` are (code index, inputs, outputs,
    options type, options)."""
    operators = []
    for code_index, ins, outs, otype, opts in ops:
        op = {"opcode_index": code_index, "inputs": ins, "outputs": outs}
        if otype:
            op["options_type"], op["options"] = otype, opts or {}
        operators.append(op)
    return {"version": 3,
            "operator_codes": [{"deprecated_code": min(c, 127), "code": c}
                               for c in codes],
            "subgraphs": [{"tensors": tensors, "inputs": inputs,
                           "outputs": outputs, "operators": operators}],
            "description": "float_edge.py",
            "buffers": [{}] + (buffers or [])}


# QUANTIZE 114, DEQUANTIZE 6, LOGISTIC 14, ADD 0.
CASES = {
    # float x -> QUANTIZE -> LOGISTIC -> DEQUANTIZE -> float y
    "float_logistic": (model(
        [(0, [0], [1], None, None), (1, [1], [2], None, None),
         (2, [2], [3], None, None)],
        [float_tensor("x", (2, 5, 7)), gen.q_tensor("xq", (2, 5, 7), 0.05, -10),
         gen.q_tensor("yq", (2, 5, 7), 1.0 / 256, -128),
         float_tensor("y", (2, 5, 7))], [0], [3], [114, 14, 6]),
        [(2, 5, 7)], 0.05),
    # float x and int8 z -> ADD -> float y and the int8 sum itself
    "float_add_mixed_outputs": (model(
        [(0, [0], [1], None, None),
         (1, [1, 2], [3], "AddOptions", {}), (2, [3], [4], None, None)],
        [float_tensor("x", (1, 4, 6, 3)),
         gen.q_tensor("xq", (1, 4, 6, 3), 0.02, 7),
         gen.q_tensor("z", (1, 4, 6, 3), 0.03, -20),
         gen.q_tensor("sum", (1, 4, 6, 3), 0.04, 3),
         float_tensor("y", (1, 4, 6, 3))], [0, 2], [4, 3], [114, 0, 6]),
        [(1, 4, 6, 3), (1, 4, 6, 3)], 0.02),
}


def f32_npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        "".join("%d, " % d for d in shape))
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    with open(path, "wb") as handle:
        handle.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header))
                     + header.encode("latin1")
                     + struct.pack("<%df" % len(values), *values))


def write_cases(out, flatc, schema):
    """Write OUT/<case>/model.tflite and inputs/<set>/in<k>.npy (float32 for
    float inputs, int8 for the others)."""
    for name, (m, shapes, scale) in CASES.items():
        rng = random.Random("20261207:" + name)
        case = os.path.join(out, name)
        os.makedirs(case, exist_ok=True)
        with open(os.path.join(case, "model.json"), "w") as handle:
            json.dump(m, handle)
        subprocess.run([flatc, "-b", "-o", case, schema,
                        os.path.join(case, "model.json")], check=True)
        os.replace(os.path.join(case, "model.bin"),
                   os.path.join(case, "model.tflite"))
        tensors = m["subgraphs"][0]["tensors"]
        for set_name in ("random", "ties", "wide"):
            folder = os.path.join(case, "inputs", set_name)
            os.makedirs(folder, exist_ok=True)
            for k, (t, shape) in enumerate(zip(m["subgraphs"][0]["inputs"],
                                               shapes)):
                count = 1
                for d in shape:
                    count *= d
                path = os.path.join(folder, "in%d.npy" % k)
                if tensors[t]["type"] != "FLOAT32":
                    gen.npyio.write_npy(path, "i8", shape, [
                        rng.randint(-128, 127) for _ in range(count)])
                    continue
                if set_name == "random":
                    values = [rng.uniform(-4, 4) for _ in range(count)]
                elif set_name == "ties":  # exact halves of the scale
                    values = [scale * (rng.randint(-300, 300) + 0.5)
                              for _ in range(count)]
                else:  # far outside the int8 range (not beyond int32
                    # after the division: TFLite's cast is undefined there)
                    values = [rng.choice((-1e6, -1000.0, 0.0, -0.0, 1000.0,
                                          1e6)) for _ in range(count)]
                f32_npy(path, shape, values)


def npy_payload(path):
    """(descr, raw data bytes) of a .npy file."""
    blob = open(path, "rb").read()
    length = struct.unpack("<H", blob[8:10])[0]
    header = blob[10:10 + length].decode("latin1")
    return header.split("'descr': '")[1].split("'")[0], blob[10 + length:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bin")
    ap.add_argument("work")
    ap.add_argument("--flatc", required=True)
    ap.add_argument("--schema", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    write_cases(args.work, args.flatc, args.schema)
    npuc = os.path.join(args.bin, "npuc")
    npusim = os.path.join(args.bin, "npusim")
    failures = passes = 0
    for name in CASES:
        case = os.path.join(args.work, name)
        for preset in PRESETS:
            prog = os.path.join(case, preset + ".bin")
            subprocess.run([npuc, os.path.join(case, "model.tflite"), "--arch",
                            preset, "-o", prog], check=True)
            for folder in sorted(glob.glob(os.path.join(case, "inputs", "*"))):
                set_name = os.path.basename(folder)
                expected = sorted(glob.glob(os.path.join(
                    REFERENCE, name, set_name, "expected*.npy")))
                if not expected:
                    sys.exit("float_edge: no TFLite Micro reference for %s %s"
                             % (name, set_name))
                inputs = sorted(glob.glob(os.path.join(folder, "in*.npy")))
                for mode in MODES:
                    out = os.path.join(folder, "out-%s-%s" % (preset,
                                                             mode[-1]))
                    cmd = [npusim, prog, "--json", "--output-dir", out] + mode
                    for k, path in enumerate(inputs):
                        cmd += ["--input", "%d=%s" % (k, path)]
                    run = subprocess.run(cmd, capture_output=True, text=True)
                    error = None
                    if run.returncode:
                        error = run.stderr.strip()
                    else:
                        listing = json.load(open(os.path.join(
                            out, "outputs.json")))["outputs"]
                        for k, ref in enumerate(expected):
                            entry = listing[k]
                            got = npy_payload(os.path.join(out,
                                                           entry["file"]))
                            if got != npy_payload(ref):
                                error = "output %d differs from TFLite " \
                                        "Micro's (%s)" % (k, entry["dtype"])
                                break
                        if error is None and "--golden" not in mode:
                            report = json.loads(run.stdout)
                            edge = report["float_interface"]
                            if not edge["quantized_inputs"] or \
                                    not edge["dequantized_outputs"]:
                                error = "report misses the float interface"
                    if error is None and "--golden" in mode:
                        # npu-run --expect compares float32 outputs bit for
                        # bit with a float32 file.
                        cmd = [os.path.join(args.bin, "npu-run"), prog]
                        for k, path in enumerate(inputs):
                            cmd += ["--input", "%d=%s" % (k, path)]
                        for k, ref in enumerate(expected):
                            cmd += ["--expect", "%d=%s" % (k, ref)]
                        run = subprocess.run(cmd, capture_output=True,
                                             text=True)
                        if run.returncode:
                            error = "npu-run --expect: " + run.stderr.strip()
                    label = "%s [%s] %s %s" % (name, set_name, preset,
                                               " ".join(mode))
                    if error:
                        failures += 1
                        print("FAIL", label + ":", error)
                    else:
                        passes += 1
                        print("PASS", label)
    # A DEQUANTIZE inside the model is refused with one line.
    inner = os.path.join(args.work, "inner_dequantize")
    os.makedirs(inner, exist_ok=True)
    m = model([(0, [0], [1], None, None), (1, [1], [2], None, None)],
              [gen.q_tensor("x", (4,), 0.1, 0), float_tensor("f", (4,)),
               float_tensor("g", (4,))], [0], [2], [6, 114])
    m["subgraphs"][0]["operators"][1]["inputs"] = [1]
    with open(os.path.join(inner, "model.json"), "w") as handle:
        json.dump(m, handle)
    subprocess.run([args.flatc, "-b", "-o", inner, args.schema,
                    os.path.join(inner, "model.json")], check=True)
    run = subprocess.run([npuc, os.path.join(inner, "model.bin"), "-o",
                          os.path.join(inner, "p.bin")],
                         capture_output=True, text=True)
    lines = run.stderr.strip().splitlines()
    if run.returncode != 1 or len(lines) != 1 or "DEQUANTIZE" not in lines[0]:
        failures += 1
        print("FAIL inner DEQUANTIZE not refused with one line:", run.stderr)
    else:
        passes += 1
        print("PASS inner DEQUANTIZE refused:", lines[0])
    print("float_edge: %d passed, %d failed" % (passes, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

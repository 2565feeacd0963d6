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
TFLite's reciprocal saturates to INT32_MAX).
"""

import argparse
import json
import os
import random
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
    rng = random.Random(20261206)
    for name, shape, scale, zp, beta in CASES:
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
    print("gen_tflite_ops: wrote %d cases to %s" % (len(CASES), args.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())

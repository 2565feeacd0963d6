#!/usr/bin/env python3
"""Cut a .tflite model before its last operator, or after operator K.

    tflite_cut.py MODEL OUT --flatc FLATC --schema tflite.fbs [--after K]

Writes OUT: MODEL with its main subgraph's last operator removed and that
operator's first input made the subgraph's only output (e.g. the logits
before a final SOFTMAX, whose saturated int8 output says little about the
error of the layers before it); with --after K, MODEL up to and including
operator K, whose first output becomes the only output (to look at one
layer's output). Round-trips the FlatBuffer through flatc's JSON form;
nothing else of the model changes.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile


def operator_names(model, flatc, schema):
    """The builtin operator name of each operator of MODEL's main graph."""
    with open(schema) as handle:
        text = handle.read()
    block = re.search(r"enum OpCode\s*:\s*\w+\s*{([^}]*)}", text).group(1)
    number = {name: int(value) for name, value in
              re.findall(r"(\w+)\s*=\s*(\d+)", block)}
    name_of = {value: name for name, value in number.items()}

    def collect(flat):
        codes = flat["operator_codes"]
        names = []
        for op in flat["subgraphs"][0]["operators"]:
            code = codes[op.get("opcode_index", 0)]
            # The operator's code is the larger of the two fields (the
            # byte field stops at 127).
            names.append(name_of[max(code.get("deprecated_code", 0),
                                     number[code.get("code", "ADD")])])
        return names

    return _rewrite(model, None, flatc, schema, collect)


def cut_before_last(model, out, flatc, schema):
    """Write the cut model to OUT; return the name of the new output."""
    def cut(flat):
        graph = flat["subgraphs"][0]
        last = graph["operators"].pop()
        graph["outputs"] = [last["inputs"][0]]
        return graph["tensors"][graph["outputs"][0]]["name"]
    return _rewrite(model, out, flatc, schema, cut)


def cut_after(model, out, flatc, schema, index):
    """Write MODEL up to operator INDEX to OUT; return the output's name."""
    def cut(flat):
        graph = flat["subgraphs"][0]
        kept = graph["operators"][:index + 1]
        graph["operators"] = kept
        graph["outputs"] = [kept[-1]["outputs"][0]]
        return graph["tensors"][graph["outputs"][0]]["name"]
    return _rewrite(model, out, flatc, schema, cut)


def _exact_scales(blob):
    """Each tensor's quantization scales in subgraph 0 of the model BLOB,
    as the float32 values the file holds (None where there are none):
    flatc's JSON keeps only 6 decimals of a float, which changes small
    scales. Reads the FlatBuffer directly (field ids of tflite.fbs: Model
    subgraphs 2, SubGraph tensors 0, Tensor quantization 4, Quantization
    scale 2)."""
    def u32(at):
        return struct.unpack_from("<I", blob, at)[0]

    def field(table, fid):
        vtable = table - struct.unpack_from("<i", blob, table)[0]
        size = struct.unpack_from("<H", blob, vtable)[0]
        if 4 + 2 * fid + 2 > size:
            return None
        offset = struct.unpack_from("<H", blob, vtable + 4 + 2 * fid)[0]
        return table + offset if offset else None

    def ref(at):
        return at + u32(at)

    def vector(at):
        start = ref(at)
        return start + 4, u32(start)

    root = ref(0)
    subgraphs, _ = vector(field(root, 2))
    tensors, count = vector(field(ref(subgraphs), 0))
    scales = []
    for i in range(count):
        quant = field(ref(tensors + 4 * i), 4)
        scale = field(ref(quant), 2) if quant is not None else None
        if scale is None:
            scales.append(None)
            continue
        start, n = vector(scale)
        scales.append(list(struct.unpack_from("<%df" % n, blob, start)))
    return scales


def _rewrite(model, out, flatc, schema, edit):
    """Apply EDIT to MODEL's JSON form; write the result to OUT (if given);
    return what EDIT returns."""
    work = tempfile.mkdtemp(prefix="tflite-cut-")
    try:
        subprocess.run([flatc, "--json", "--strict-json", "--raw-binary",
                        "--defaults-json", "-o", work, schema, "--", model],
                       check=True, stdout=subprocess.DEVNULL)
        stem = os.path.splitext(os.path.basename(model))[0]
        json_path = os.path.join(work, stem + ".json")
        with open(json_path) as handle:
            flat = json.load(handle)
        with open(model, "rb") as handle:
            scales = _exact_scales(handle.read())
        for tensor, exact in zip(flat["subgraphs"][0]["tensors"], scales):
            if exact is not None and tensor.get("quantization"):
                # Python's repr of a float32 value reads back as that value.
                tensor["quantization"]["scale"] = exact
        result = edit(flat)
        if out is None:
            return result
        with open(json_path, "w") as handle:
            json.dump(flat, handle)
        subprocess.run([flatc, "--binary", "-o", work, schema, json_path],
                       check=True, stdout=subprocess.DEVNULL)
        shutil.copyfile(os.path.join(work, stem + ".bin"), out)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--flatc", default="flatc")
    parser.add_argument("--schema", required=True)
    parser.add_argument("--after", type=int)
    args = parser.parse_args()
    if args.after is None:
        print(cut_before_last(args.model, args.out, args.flatc, args.schema))
    else:
        print(cut_after(args.model, args.out, args.flatc, args.schema,
                        args.after))
    return 0


if __name__ == "__main__":
    sys.exit(main())

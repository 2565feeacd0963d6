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

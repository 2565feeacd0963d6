#!/usr/bin/env python3
"""Cut a .tflite model before its last operator.

    tflite_cut.py MODEL OUT --flatc FLATC --schema tflite.fbs

Writes OUT: MODEL with its main subgraph's last operator removed and that
operator's first input made the subgraph's only output (e.g. the logits
before a final SOFTMAX, whose saturated int8 output says little about the
error of the layers before it). Round-trips the FlatBuffer through flatc's
JSON form; nothing else of the model changes.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def cut_before_last(model, out, flatc, schema):
    """Write the cut model to OUT; return the name of the new output."""
    work = tempfile.mkdtemp(prefix="tflite-cut-")
    try:
        subprocess.run([flatc, "--json", "--strict-json", "--raw-binary",
                        "--defaults-json", "-o", work, schema, "--", model],
                       check=True, stdout=subprocess.DEVNULL)
        stem = os.path.splitext(os.path.basename(model))[0]
        json_path = os.path.join(work, stem + ".json")
        with open(json_path) as handle:
            flat = json.load(handle)
        graph = flat["subgraphs"][0]
        last = graph["operators"].pop()
        graph["outputs"] = [last["inputs"][0]]
        with open(json_path, "w") as handle:
            json.dump(flat, handle)
        subprocess.run([flatc, "--binary", "-o", work, schema, json_path],
                       check=True, stdout=subprocess.DEVNULL)
        shutil.copyfile(os.path.join(work, stem + ".bin"), out)
        return graph["tensors"][graph["outputs"][0]]["name"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--flatc", default="flatc")
    parser.add_argument("--schema", required=True)
    args = parser.parse_args()
    print(cut_before_last(args.model, args.out, args.flatc, args.schema))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Pins the cycles and DRAM bytes of every bundled model's schedule.

    schedule_pins.py BIN_DIR MODELS_DIR PINS.json WORK_DIR [--update]

Compiles each model of tests/models on npu-base and npu-tiny, simulates it
with npusim (tile array model) on its first sample input and compares the
report's `cycles` and `dram_bytes.total` with PINS.json. The simulator is
deterministic, so the numbers are exact: any change to a schedule (or to
the timing model) shows up here, and is accepted by rerunning with
--update and committing the new file with the change that caused it. The
pinned values are npusim's own figures: this is a regression guard, not a
check of their correctness (which the e2e tests and the array models'
agreement cover).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import model_cases  # noqa: E402
import npyio  # noqa: E402

# (model file, sample folder, input shape): the shared models, then the
# imported detectors (model_cases.REAL_NETWORKS).
MODELS = [
    ("hello_world/hello_world_int8.tflite", "hello_world", (1, 1)),
    ("micro_speech/micro_speech_quantized.tflite", "micro_speech", (1, 1960)),
    ("kws_ref_model/kws_ref_model.tflite", "kws_ref_model", (1, 49, 10, 1)),
    ("person_detect/person_detect.tflite", "person_detect", (1, 96, 96, 1)),
    ("resnet8_cifar10/pretrainedResnet_quant.tflite", "resnet8_cifar10",
     (1, 32, 32, 3)),
] + [(model, folder, shape)
     for _, model, folder, shape, _ in model_cases.REAL_NETWORKS]
PRESETS = ["npu-base", "npu-tiny"]


def measure(bindir, models, work, model, samples, shape, preset):
    tag = "%s-%s" % (samples, preset)
    prog = os.path.join(work, tag + ".bin")
    subprocess.run([os.path.join(bindir, "npuc"), os.path.join(models, model),
                    "--arch", preset, "-o", prog], check=True)
    folder = os.path.join(models, samples, "inputs")
    sample = os.path.join(folder, sorted(os.listdir(folder))[0])
    data = [b - 256 if b > 127 else b for b in open(sample, "rb").read()]
    npy = os.path.join(work, tag + ".npy")
    npyio.write_npy(npy, "i8", shape, data)
    proc = subprocess.run([os.path.join(bindir, "npusim"), prog, "--input",
                           "0=" + npy, "--json"], check=True,
                          capture_output=True, text=True)
    report = json.loads(proc.stdout)
    return {"cycles": report["cycles"],
            "dram_bytes": report["dram_bytes"]["total"]}


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv[1:]
    if len(args) != 4:
        sys.exit(__doc__)
    bindir, models, pins_path, work = args
    os.makedirs(work, exist_ok=True)
    got = {}
    for model, samples, shape in MODELS:
        for preset in PRESETS:
            got["%s/%s" % (samples, preset)] = measure(
                bindir, models, work, model, samples, shape, preset)
    if update:
        with open(pins_path, "w") as f:
            json.dump(got, f, indent=1, sort_keys=True)
            f.write("\n")
        print("schedule_pins: wrote %d entries to %s" % (len(got), pins_path))
        return
    pins = json.load(open(pins_path))
    bad = 0
    for key in sorted(set(pins) | set(got)):
        want, have = pins.get(key), got.get(key)
        status = "ok" if want == have else "CHANGED"
        bad += want != have
        print("%-28s %-8s pinned %s, now %s" % (key, status, want, have))
    if bad:
        sys.exit("schedule_pins: %d schedule(s) changed; if intended, rerun "
                 "with --update and commit %s" % (bad, pins_path))


if __name__ == "__main__":
    main()

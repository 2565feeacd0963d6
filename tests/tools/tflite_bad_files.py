#!/usr/bin/env python3
"""Tests that npuc's TFLite importer never crashes on damaged models.

For each small bundled .tflite (hello_world, micro_speech, the audio
preprocessor, kws): truncations at many lengths, single-byte corruptions
at seeded random offsets (and at the start of the FlatBuffer, where the
root offsets live) and a shuffled copy. `npuc --emit=tosa` must exit 0 (a
corruption that still verifies and imports is a valid model) or 1 with
exactly one line on stderr; a signal, another status or a multi-line
message fails the test. The number of files checked and rejected is
printed.

usage: tflite_bad_files.py BIN_DIR MODELS_DIR WORK_DIR
"""
import os
import random
import subprocess
import sys

bin_dir, models, work = sys.argv[1:]
os.makedirs(work, exist_ok=True)
npuc = os.path.join(bin_dir, "npuc")
sources = ["hello_world/hello_world_int8.tflite",
           "micro_speech/micro_speech_quantized.tflite",
           "micro_speech/audio_preprocessor_int8.tflite",
           "kws_ref_model/kws_ref_model.tflite"]
rng = random.Random(20261123)


def variants(data):
    size = len(data)
    for length in sorted(set([0, 1, 4, 7, 8, 12, 16, 64] +
                             [rng.randrange(size) for _ in range(24)])):
        yield "truncated to %d bytes" % length, data[:length]
    offsets = list(range(0, 32)) + [rng.randrange(size) for _ in range(48)]
    for offset in offsets:
        damaged = bytearray(data)
        damaged[offset] = rng.choice([0x00, 0xff, damaged[offset] ^ 0x80,
                                      rng.randrange(256)])
        yield "byte %d set to %d" % (offset, damaged[offset]), bytes(damaged)
    shuffled = bytearray(data)
    rng.shuffle(shuffled)
    yield "shuffled", bytes(shuffled)


checked = rejected = 0
failures = []
for source in sources:
    data = open(os.path.join(models, source), "rb").read()
    for what, damaged in variants(data):
        path = os.path.join(work, "damaged.tflite")
        with open(path, "wb") as f:
            f.write(damaged)
        proc = subprocess.run([npuc, path, "--emit=tosa", "-o", os.devnull],
                              capture_output=True, text=True, timeout=120)
        checked += 1
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 1 and len(lines) == 1:
            rejected += 1
        elif proc.returncode != 0:
            failures.append("%s, %s: exit %d, stderr %r" % (
                source, what, proc.returncode, proc.stderr[-400:]))
for failure in failures:
    print("FAIL " + failure)
print("tflite_bad_files: %d damaged models, %d rejected with one line, "
      "%d imported, %d failures" % (checked, rejected,
                                    checked - rejected - len(failures),
                                    len(failures)))
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""The bundled TFLite models on ArchConfigs no preset has, bit for bit.

    python3 arch_variants.py BIN_DIR MODELS_DIR WORK_DIR

A sweep hands the compiler any configuration; the schedules choose tile
sizes, channel groups, array or vector unit, weight or activation
stationary by the configuration's sizes, so each choice must stay exact
where the presets never take it. Every model below (MODELS_DIR/<model>/
<file>.tflite, inputs/, expected/) is compiled with
`npuc --arch npu-base --set ...` for each variant below, run on npusim
(tile model) with every sample input, and its output compared with
TensorFlow Lite Micro's reference output (expected/<input>.out.bin).
Exits 1 naming every mismatch or failure.
"""

import os
import subprocess
import sys
import tempfile

import npyio

# (model folder, model file, input shape)
MODELS = [
    ("micro_speech", "micro_speech_quantized.tflite", (1, 1960)),
    ("kws_ref_model", "kws_ref_model.tflite", (1, 49, 10, 1)),
    ("person_detect", "person_detect.tflite", (1, 96, 96, 1)),
    ("resnet8_cifar10", "pretrainedResnet_quant.tflite", (1, 32, 32, 3)),
]

VARIANTS = {
    # Small square array, small buffers and narrow units.
    "4x4_small_buffers": [
        "array.rows=4", "array.cols=4", "sram.ibuf_kib=8", "sram.wbuf_kib=8",
        "sram.abuf_kib=8", "sram.obuf_kib=4", "sram.pbuf_kib=4",
        "ppu.lanes=4", "vector.lanes=4"],
    # Wide array, two PPU lanes (pixel pairing never applies), wide vector.
    "8x32_ppu2": ["array.rows=8", "array.cols=32", "ppu.lanes=2",
                  "vector.lanes=32"],
    # Tall array, no double buffering (one slot per buffer; weights that
    # stay for a layer still take half of WBUF).
    "32x8_single_buffered": ["array.rows=32", "array.cols=8",
                             "sram.double_buffer=false", "ppu.lanes=32"],
    # One narrow bank, one lane: every access conflicts.
    "1bank_1lane": ["sram.banks=1", "sram.bank_width_bytes=4",
                    "ppu.lanes=1", "vector.lanes=1"],
    # A 2 KiB PBUF: the softmax table (1,032 bytes) no longer fits a half.
    "pbuf_2k": ["sram.pbuf_kib=2"],
    # Large array and buffers: whole layers in one tile.
    "64x64_large": ["array.rows=64", "array.cols=64", "sram.ibuf_kib=256",
                    "sram.wbuf_kib=256", "sram.abuf_kib=256",
                    "sram.obuf_kib=128", "sram.pbuf_kib=64"],
}


def as_int8(data):
    return [b - 256 if b > 127 else b for b in data]


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    bin_dir, models_dir, work = argv[1:]
    os.makedirs(work, exist_ok=True)
    failures = 0
    runs = 0
    for variant, sets in VARIANTS.items():
        for folder, model, shape in MODELS:
            case = tempfile.mkdtemp(prefix=variant + "-" + folder + "-",
                                    dir=work)
            prog = os.path.join(case, "prog.bin")
            cmd = [os.path.join(bin_dir, "npuc"),
                   os.path.join(models_dir, folder, model),
                   "--arch", "npu-base", "-o", prog]
            for s in sets:
                cmd += ["--set", s]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print("FAIL %s %s: npuc: %s" % (variant, folder,
                                                r.stderr.strip()))
                failures += 1
                continue
            inputs = os.path.join(models_dir, folder, "inputs")
            for name in sorted(os.listdir(inputs)):
                stem = name[:-len(".bin")]
                with open(os.path.join(inputs, name), "rb") as f:
                    data = as_int8(f.read())
                with open(os.path.join(models_dir, folder, "expected",
                                       stem + ".out.bin"), "rb") as f:
                    expected = as_int8(f.read())
                npy = os.path.join(case, stem + ".npy")
                npyio.write_npy(npy, "i8", shape, data)
                out = os.path.join(case, "out-" + stem)
                r = subprocess.run(
                    [os.path.join(bin_dir, "npusim"), prog, "--input",
                     "0=" + npy, "--output-dir", out],
                    capture_output=True, text=True)
                runs += 1
                if r.returncode != 0:
                    print("FAIL %s %s [%s]: npusim: %s" % (
                        variant, folder, stem, r.stderr.strip()))
                    failures += 1
                    continue
                result = [x for x in sorted(os.listdir(out))
                          if x.endswith(".npy")]
                _, _, got = npyio.read_npy(os.path.join(out, result[0]))
                if got != expected:
                    print("FAIL %s %s [%s]: got %s, TFLite Micro %s" % (
                        variant, folder, stem, got[:8], expected[:8]))
                    failures += 1
                else:
                    print("PASS %s %s [%s]" % (variant, folder, stem))
    print("arch_variants: %d runs, %d failures" % (runs, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

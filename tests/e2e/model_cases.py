"""Build run_e2e.py case directories for the bundled real networks.

    python3 model_cases.py MODELS_DIR OUT_DIR

MODELS_DIR is tests/models (copied byte for byte from the project's shared
model collection, with licenses; see its README). For each TOSA network a
case directory OUT_DIR/<name>/ is written with model.mlir and, per sample
input, inputs/<input>/in0.npy (the raw int8 bytes in the model's input
shape) and inputs/<input>/expected0.npy (TensorFlow Lite Micro's reference
output for that input), so run_e2e.py checks each output against both
MLIR's TOSA lowering and the upstream reference.
"""

import os
import shutil
import sys

import npyio

# (case name, model file, sample-input folder, input shape, output shape)
TOSA_NETWORKS = [
    ("hello_world_tosa", "heir_tosa/hello_world.tosa.mlir", "hello_world",
     (1, 1), (1, 1)),
    ("micro_speech_tosa", "heir_tosa/micro_speech.tosa.mlir", "micro_speech",
     (1, 1960), (1, 4)),
]


def int8_values(path):
    """Read raw int8 bytes."""
    with open(path, "rb") as handle:
        return [b - 256 if b > 127 else b for b in handle.read()]


def build(models, out):
    """Write the case directories."""
    for name, model, samples, in_shape, out_shape in TOSA_NETWORKS:
        case = os.path.join(out, name)
        shutil.rmtree(case, ignore_errors=True)
        os.makedirs(case)
        shutil.copyfile(os.path.join(models, model),
                        os.path.join(case, "model.mlir"))
        inputs = os.path.join(models, samples, "inputs")
        for entry in sorted(os.listdir(inputs)):
            stem = entry[:-len(".bin")]
            target = os.path.join(case, "inputs", stem)
            os.makedirs(target)
            npyio.write_npy(os.path.join(target, "in0.npy"), "i8", in_shape,
                            int8_values(os.path.join(inputs, entry)))
            npyio.write_npy(os.path.join(target, "expected0.npy"), "i8",
                            out_shape,
                            int8_values(os.path.join(models, samples,
                                                     "expected",
                                                     stem + ".out.bin")))


def main():
    """Command-line entry point."""
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()

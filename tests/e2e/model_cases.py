"""Build run_e2e.py case directories for the bundled real networks.

    python3 model_cases.py [--real | --layers] MODELS_DIR OUT_DIR

MODELS_DIR is tests/models (copied byte for byte from the project's shared
model collection, with licenses; see its README). For each TOSA network a
case directory OUT_DIR/<name>/ is written with model.mlir, for each TFLite
network one with model.tflite, and, per sample input,
inputs/<input>/in0.npy (the raw int8 bytes in the model's input shape) and
inputs/<input>/expected0.npy (TensorFlow Lite Micro's reference output for
that input), so run_e2e.py checks each output against both MLIR's TOSA
lowering (of the TOSA the importer makes, for .tflite) and the upstream
reference. With --real it writes the imported real networks of
REAL_NETWORKS instead (references made by tools/tflm-reference; several
outputs as expected<k>.npy). With --layers it writes one case per layer of
MODELS_DIR/LAYERS_DIR/layers.json: layers of real models cut by TensorFlow
Lite Micro's per-layer integration tests, with the inputs and expected
outputs TFLM checks its own kernels against (scripts/import-tflm-layer-
tests; int16 for SEANet's 16x8 layers).
"""

import json

import os
import shutil
import sys

import npyio

# Per-layer test folders of TFLM's integration tests (see --layers).
LAYERS_DIR = "seanet_16x8_layers"
NPY_TYPE = {"INT8": ("i8", 1), "INT16": ("i16", 2), "INT32": ("i32", 4)}

# (case name, model file, sample-input folder, input shape, output shape)
TOSA_NETWORKS = [
    ("hello_world_tosa", "heir_tosa/hello_world.tosa.mlir", "hello_world",
     (1, 1), (1, 1)),
    ("micro_speech_tosa", "heir_tosa/micro_speech.tosa.mlir", "micro_speech",
     (1, 1960), (1, 4)),
    ("hello_world_tflite", "hello_world/hello_world_int8.tflite",
     "hello_world", (1, 1), (1, 1)),
    ("micro_speech_tflite", "micro_speech/micro_speech_quantized.tflite",
     "micro_speech", (1, 1960), (1, 4)),
    ("kws_tflite", "kws_ref_model/kws_ref_model.tflite", "kws_ref_model",
     (1, 49, 10, 1), (1, 12)),
    ("person_detect_tflite", "person_detect/person_detect.tflite",
     "person_detect", (1, 96, 96, 1), (1, 2)),
    ("resnet8_tflite", "resnet8_cifar10/pretrainedResnet_quant.tflite",
     "resnet8_cifar10", (1, 32, 32, 3), (1, 10)),
]


# Imported real networks whose reference outputs this project made with
# TensorFlow Lite Micro's reference kernels (scripts/tflm-reference):
# (case name, model file, sample-input folder, input shape, output shapes);
# output k of input <stem> is <folder>/expected/<stem>.out<k>.bin.
REAL_NETWORKS = [
    ("fastestdet_shufflenetv2", "fastestdet_shufflenetv2/dperson_shufflenetv2"
     ".tflite", "fastestdet_shufflenetv2", (1, 220, 220, 3),
     [(1, 14, 14, 6)]),
    ("yolo_face_detect", "yolo_face_detect/yolo_face_detect.tflite",
     "yolo_face_detect", (1, 128, 160, 3),
     [(1, 4, 5, 18), (1, 8, 10, 18), (1, 16, 20, 18)]),
    ("yolov5_tiny_person", "yolov5_tiny_person/yolov5_tiny_coco_person_int8"
     ".tflite", "yolov5_tiny_person", (1, 192, 192, 3), [(1, 2268, 6)]),
    ("fomo_mobilenetv2_person", "fomo_mobilenetv2_person/fomo_mobilenetv2_0.35"
     "_coco_person_int8.tflite", "fomo_mobilenetv2_person", (1, 96, 96, 3),
     [(1, 12, 12, 2)]),
    ("mobilenetv2_pytorch_nchw", "mobilenetv2_pytorch_nchw/mobilenet_v2"
     "_quantized_1x3x224x224.tflite", "mobilenetv2_pytorch_nchw",
     (1, 3, 224, 224), [(1, 1000)]),
]


def int8_values(path):
    """Read raw int8 bytes."""
    with open(path, "rb") as handle:
        return [b - 256 if b > 127 else b for b in handle.read()]


def build(models, out, only=(), real=False):
    """Write the case directories of TOSA_NETWORKS (REAL_NETWORKS if REAL),
    those named in ONLY if given."""
    networks = REAL_NETWORKS if real else [
        (name, model, samples, in_shape, [out_shape])
        for name, model, samples, in_shape, out_shape in TOSA_NETWORKS]
    for name, model, samples, in_shape, out_shapes in networks:
        if only and name not in only:
            continue
        case = os.path.join(out, name)
        shutil.rmtree(case, ignore_errors=True)
        os.makedirs(case)
        target_name = "model.tflite" if model.endswith(".tflite") \
            else "model.mlir"
        shutil.copyfile(os.path.join(models, model),
                        os.path.join(case, target_name))
        inputs = os.path.join(models, samples, "inputs")
        for entry in sorted(os.listdir(inputs)):
            stem = entry[:-len(".bin")]
            target = os.path.join(case, "inputs", stem)
            os.makedirs(target)
            npyio.write_npy(os.path.join(target, "in0.npy"), "i8", in_shape,
                            int8_values(os.path.join(inputs, entry)))
            for k, shape in enumerate(out_shapes):
                # Shipped references: <stem>.out.bin; made here (several
                # outputs possible): <stem>.out<k>.bin.
                expected = "%s.out%d.bin" % (stem, k) if real \
                    else stem + ".out.bin"
                npyio.write_npy(
                    os.path.join(target, "expected%d.npy" % k), "i8", shape,
                    int8_values(os.path.join(models, samples, "expected",
                                             expected)))


def decode_raw(data, dtype):
    """The values of raw little-endian bytes of TFLite type DTYPE."""
    width = NPY_TYPE[dtype][1]
    return [int.from_bytes(data[i:i + width], "little", signed=True)
            for i in range(0, len(data), width)]


def encode_raw(values, dtype):
    """VALUES as raw little-endian bytes of TFLite type DTYPE."""
    width = NPY_TYPE[dtype][1]
    return b"".join((v & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
                    for v in values)


def raw_values(path, dtype):
    """Read a raw little-endian tensor of TFLite type DTYPE."""
    with open(path, "rb") as handle:
        return decode_raw(handle.read(), dtype)


def build_layers(models, out):
    """Write one case per layer of MODELS/LAYERS_DIR/layers.json."""
    folder = os.path.join(models, LAYERS_DIR)
    with open(os.path.join(folder, "layers.json")) as handle:
        layers = json.load(handle)
    for entry in layers:
        layer = entry["layer"]
        case = os.path.join(out, LAYERS_DIR + "." + layer)
        shutil.rmtree(case, ignore_errors=True)
        target = os.path.join(case, "inputs", "tflm")
        os.makedirs(target)
        shutil.copyfile(os.path.join(folder, layer + ".tflite"),
                        os.path.join(case, "model.tflite"))
        for k, t in enumerate(entry["inputs"]):
            npyio.write_npy(
                os.path.join(target, "in%d.npy" % k), NPY_TYPE[t["type"]][0],
                t["shape"], raw_values(os.path.join(
                    folder, "inputs", "%s.in%d.bin" % (layer, k)), t["type"]))
        for k, t in enumerate(entry["outputs"]):
            npyio.write_npy(
                os.path.join(target, "expected%d.npy" % k),
                NPY_TYPE[t["type"]][0], t["shape"],
                raw_values(os.path.join(folder, "expected", "%s.out%d.bin" % (
                    layer, k)), t["type"]))


def main():
    """Command-line entry point."""
    args = sys.argv[1:]
    mode = args[0] if args[:1] in (["--real"], ["--layers"]) else ""
    if mode:
        args = args[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    if mode == "--layers":
        build_layers(args[0], args[1])
        return
    only = [n for n in os.environ.get("NPU_E2E_MODELS", "").split(",") if n]
    build(args[0], args[1], only, mode == "--real")


if __name__ == "__main__":
    main()

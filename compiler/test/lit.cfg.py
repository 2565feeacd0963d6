# lit configuration for the compiler's FileCheck tests.
import os
import sys

import lit.formats

config.name = "npu-compiler"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.npu_obj_root, "compiler", "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]

# The TFLite importer's tests build their .tflite inputs from JSON with flatc
# and our schema; some also read the bundled real models.
config.substitutions.append(
    ("%tflite_schema", os.path.join(config.npu_src_root, "compiler", "lib",
                                    "Import", "Tflite", "tflite.fbs")))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(
    ("%models", os.path.join(config.npu_src_root, "tests", "models")))

# npu-opt, npuc and npu-objdump first, then FileCheck and not from LLVM 19.
config.environment["PATH"] = os.pathsep.join(
    [config.npu_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])

"""Reference executor for TOSA models: runs them through MLIR's own lowering.

The model's ``func.func @main`` is called from a generated entry function
``@npu_ref_entry`` that materializes the inputs as constants and prints every
result with ``printMemrefI32``.  The module is lowered with MLIR 19's upstream
TOSA -> scf/linalg/arith/tensor passes down to the LLVM dialect (no
canonicalize or constant folding pass, so the ops are really executed), run
with ``mlir-cpu-runner`` and the printed results are written back as .npy
files.  Notes: @main is lowered on its own, so its arguments are never
constants inside it; but MLIR's conversion framework still calls an op's
folder before lowering it, so an op whose operands are all tosa.const (e.g.
an add of two splats) is evaluated at compile time.  MLIR 19 cannot lower
tosa.transpose_conv2d directly; for models containing it the pipeline starts
with tosa-optional-decompositions (which also rewrites 1x1 convolutions of
that model into fully_connected / mul+add).

Usage:

    python3 tosa_ref.py MODEL.mlir --input 0=x.npy [--input 1=y.npy ...]
                        [--raw-input 0=x.bin] --output-dir DIR

    --input IDX=FILE.npy   input IDX of @main from a .npy file; its dtype and
                           shape must match the argument type exactly
    --raw-input IDX=FILE   input IDX as raw little-endian bytes, C order; the
                           shape comes from the argument type
    --output-dir DIR       receives out0.npy, out1.npy, ... (one per result)
    --keep-temps DIR       keep the generated and lowered MLIR in DIR
    --mlir-bin DIR         where mlir-opt and mlir-cpu-runner live
                           (default /usr/lib/llvm-19/bin, or $MLIR_BIN)

Supported element types: i8, ui8, i16, i32, f32 for inputs; i8, i16, i32,
f32 for results (f32 printed by printMemrefF32, six significant digits).  On error one line is printed on stderr and the exit status is 1.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npyio  # noqa: E402  pylint: disable=wrong-import-position

DEFAULT_MLIR_BIN = "/usr/lib/llvm-19/bin"
DEFAULT_LIB_DIR = "/usr/lib/llvm-19/lib"

PIPELINE = (
    "builtin.module("
    "func.func(tosa-to-scf,tosa-to-linalg-named,tosa-to-linalg,"
    "tosa-to-arith{include-apply-rescale=true},tosa-to-tensor),"
    "one-shot-bufferize{bufferize-function-boundaries},"
    "func.func(convert-linalg-to-loops),"
    "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
    "finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,"
    "convert-func-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)"
)

# MLIR 19 has no direct lowering of tosa.transpose_conv2d; for models that
# use it the pipeline starts with this pass, which rewrites it into
# conv2d (it also rewrites 1x1 conv2d/depthwise_conv2d in that model).
DECOMPOSE_PASS = "tosa-optional-decompositions"
DECOMPOSE_TRIGGERS = ("tosa.transpose_conv2d",)

ENTRY_NAME = "npu_ref_entry"
PRINT_NAME = "printMemrefI32"
PRINT_F32_NAME = "printMemrefF32"

# MLIR element type -> (npy dtype string, struct code, byte size)
ELEMENT_TYPES = {
    "i8": ("i8", "b", 1),
    "ui8": ("u8", "B", 1),
    "i16": ("i16", "h", 2),
    "i32": ("i32", "i", 4),
    "f32": ("f32", "f", 4),
}
RESULT_ELEMENT_TYPES = ("i8", "i16", "i32", "f32")

TIMEOUT_SECONDS = 600


class RefError(Exception):
    """Any error that should end the run with a one-line message."""


class TensorType:
    """A ranked, statically shaped MLIR tensor type."""

    def __init__(self, text, shape, elem):
        self.text = text
        self.shape = tuple(shape)
        self.elem = elem

    @property
    def dtype(self):
        """npy dtype string of the element type."""
        return ELEMENT_TYPES[self.elem][0]

    def with_elem(self, elem):
        """Return the MLIR text of the same shape with another element."""
        dims = "".join("%dx" % d for d in self.shape)
        return "tensor<%s%s>" % (dims, elem)

    def memref(self, elem):
        """Return the MLIR text of the matching memref type."""
        dims = "".join("%dx" % d for d in self.shape)
        return "memref<%s%s>" % (dims, elem)

    def __repr__(self):
        return self.text


# ---------------------------------------------------------------- parsing ---

def mask_text(text):
    """Return TEXT with comments blanked and string contents neutralized.

    The result has the same length as TEXT, so positions found in it apply
    to TEXT.  Comment characters become spaces (newlines kept) and characters
    inside string literals become '_' (quotes kept).
    """
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            out.append(c)
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    out.append("__")
                    i += 2
                    continue
                out.append("\n" if text[i] == "\n" else "_")
                i += 1
            if i < n:
                out.append('"')
                i += 1
        elif c == "/" and text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


OPENERS = {"(": ")", "[": "]", "{": "}", "<": ">"}
CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}


def match_bracket(masked, start):
    """Return the index of the bracket closing the one at START.

    Tracks (), [], {} and <> ('->' is not a closing angle bracket).
    """
    stack = []
    i = start
    while i < len(masked):
        c = masked[i]
        if c in OPENERS:
            stack.append(c)
        elif c in CLOSERS:
            if c == ">" and i > 0 and masked[i - 1] == "-":
                i += 1
                continue
            if not stack or stack[-1] != CLOSERS[c]:
                raise RefError("unbalanced '%s' at offset %d" % (c, i))
            stack.pop()
            if not stack:
                return i
        i += 1
    raise RefError("unbalanced '%s' at offset %d" % (masked[start], start))


def split_top_level(masked, start, end):
    """Split masked[start:end] at top-level commas; return (lo, hi) ranges."""
    parts = []
    depth = 0
    lo = start
    for i in range(start, end):
        c = masked[i]
        if c in OPENERS:
            depth += 1
        elif c in CLOSERS:
            if c == ">" and i > 0 and masked[i - 1] == "-":
                continue
            depth -= 1
        elif c == "," and depth == 0:
            parts.append((lo, i))
            lo = i + 1
    if masked[lo:end].strip():
        parts.append((lo, end))
    return parts


TYPE_RE = re.compile(r"tensor<")
TENSOR_BODY_RE = re.compile(r"^((?:\d+x)*)([a-z]+\d*)$")


def parse_tensor_type(masked, pos, text):
    """Parse a tensor type starting at POS; return (TensorType, end_pos)."""
    while pos < len(masked) and masked[pos].isspace():
        pos += 1
    if not masked.startswith("tensor<", pos):
        snippet = text[pos:pos + 40].split("\n")[0]
        raise RefError("expected a tensor type at '%s'" % snippet)
    close = match_bracket(masked, pos + len("tensor"))
    type_text = text[pos:close + 1]
    body = re.sub(r"\s+", "", text[pos + len("tensor<"):close])
    match = TENSOR_BODY_RE.match(body)
    if not match:
        raise RefError("unsupported tensor type %s (need a static shape "
                       "and an integer element type)" % type_text)
    dims = [int(d) for d in match.group(1).split("x") if d]
    return TensorType(type_text, dims, match.group(2)), close + 1


MAIN_RE = re.compile(
    r"\bfunc\.func\s+(?:(?:public|private|nested)\s+)?@main\s*\(")
ARG_RE = re.compile(r"^\s*%[\w$.\-]+\s*:")


def parse_main_signature(text, masked):
    """Return (arg_types, result_types) of func.func @main."""
    matches = list(MAIN_RE.finditer(masked))
    if not matches:
        raise RefError("no 'func.func @main(...)' found in the model")
    if len(matches) > 1:
        raise RefError("more than one 'func.func @main' in the model")
    open_paren = matches[0].end() - 1
    close_paren = match_bracket(masked, open_paren)
    arg_types = []
    for lo, hi in split_top_level(masked, open_paren + 1, close_paren):
        arg_match = ARG_RE.match(masked[lo:hi])
        if not arg_match:
            raise RefError("cannot parse @main argument '%s'"
                           % text[lo:hi].strip())
        ttype, _ = parse_tensor_type(masked, lo + arg_match.end(), text)
        arg_types.append(ttype)
    pos = close_paren + 1
    while pos < len(masked) and masked[pos].isspace():
        pos += 1
    if not masked.startswith("->", pos):
        raise RefError("@main has no results")
    pos += 2
    while pos < len(masked) and masked[pos].isspace():
        pos += 1
    result_types = []
    if masked[pos] == "(":
        close = match_bracket(masked, pos)
        for lo, _ in split_top_level(masked, pos + 1, close):
            ttype, _ = parse_tensor_type(masked, lo, text)
            result_types.append(ttype)
    else:
        ttype, _ = parse_tensor_type(masked, pos, text)
        result_types.append(ttype)
    if not result_types:
        raise RefError("@main has no results")
    return arg_types, result_types


# ------------------------------------------------------------------ inputs ---

def load_inputs(arg_types, npy_specs, raw_specs):
    """Return one (dtype, shape, values) per @main argument."""
    given = {}
    for kind, specs in (("npy", npy_specs), ("raw", raw_specs)):
        for spec in specs:
            match = re.match(r"^(\d+)=(.+)$", spec)
            if not match:
                raise RefError("bad input spec '%s' (expected IDX=FILE)"
                               % spec)
            index = int(match.group(1))
            if index in given:
                raise RefError("input %d given twice" % index)
            if index >= len(arg_types):
                raise RefError("input %d given, but @main has %d argument(s)"
                               % (index, len(arg_types)))
            given[index] = (kind, match.group(2))
    inputs = []
    for index, ttype in enumerate(arg_types):
        if index not in given:
            raise RefError("no value given for input %d (%s)"
                           % (index, ttype.text))
        if ttype.elem not in ELEMENT_TYPES:
            raise RefError("input %d: unsupported element type %s"
                           % (index, ttype.elem))
        kind, path = given[index]
        dtype, code, size = ELEMENT_TYPES[ttype.elem]
        if kind == "npy":
            try:
                got_dtype, shape, values = npyio.read_npy(path)
            except (OSError, npyio.NpyError) as exc:
                raise RefError("input %d: %s" % (index, exc))
            if got_dtype != dtype or tuple(shape) != ttype.shape:
                raise RefError(
                    "input %d: %s has dtype %s shape %s, but @main expects "
                    "%s (dtype %s shape %s)"
                    % (index, path, got_dtype, list(shape), ttype.text,
                       dtype, list(ttype.shape)))
        else:
            try:
                with open(path, "rb") as handle:
                    blob = handle.read()
            except OSError as exc:
                raise RefError("input %d: %s" % (index, exc))
            count = npyio.num_elements(ttype.shape)
            if len(blob) != count * size:
                raise RefError(
                    "input %d: %s has %d bytes, %s needs %d"
                    % (index, path, len(blob), ttype.text, count * size))
            values = list(struct.unpack("<%d%s" % (count, code), blob))
        inputs.append((dtype, ttype.shape, values))
    return inputs


# ------------------------------------------------------------ entry point ---

def dense_hex(ttype, values):
    """Return 'dense<"0x..."> : tensor<...>' holding VALUES."""
    code = ELEMENT_TYPES[ttype.elem][1]
    blob = struct.pack("<%d%s" % (len(values), code), *values)
    return 'dense<"0x%s"> : %s' % (blob.hex().upper(), ttype.text)


def build_entry(arg_types, result_types, inputs, declare_print):
    """Return the MLIR text of @npu_ref_entry (and the print declaration)."""
    lines = []
    if declare_print:
        lines.append("  func.func private @%s(memref<*xi32>) "
                     "attributes {llvm.emit_c_interface}" % PRINT_NAME)
    if any(t.elem == "f32" for t in result_types):
        lines.append("  func.func private @%s(memref<*xf32>) "
                     "attributes {llvm.emit_c_interface}" % PRINT_F32_NAME)
    lines.append("  func.func @%s() {" % ENTRY_NAME)
    operands = []
    for index, (ttype, (_, _, values)) in enumerate(zip(arg_types, inputs)):
        if npyio.num_elements(ttype.shape) == 0:
            raise RefError("input %d: empty tensors are not supported"
                           % index)
        name = "%%npu_in%d" % index
        lines.append("    %s = arith.constant %s"
                     % (name, dense_hex(ttype, values)))
        operands.append(name)
    arg_list = ", ".join(t.text for t in arg_types)
    res_list = ", ".join(t.text for t in result_types)
    if len(result_types) == 1:
        lines.append("    %%npu_res = func.call @main(%s) : (%s) -> %s"
                     % (", ".join(operands), arg_list, res_list))
        results = ["%npu_res"]
    else:
        lines.append("    %%npu_res:%d = func.call @main(%s) : (%s) -> (%s)"
                     % (len(result_types), ", ".join(operands), arg_list,
                        res_list))
        results = ["%%npu_res#%d" % i for i in range(len(result_types))]
    for index, (ttype, value) in enumerate(zip(result_types, results)):
        if ttype.elem not in RESULT_ELEMENT_TYPES:
            raise RefError("result %d: unsupported element type %s"
                           % (index, ttype.elem))
        # f32 results print as f32, integers widened to i32.
        printed = "f32" if ttype.elem == "f32" else "i32"
        if ttype.elem not in ("i32", "f32"):
            lines.append("    %%npu_c%d = tosa.cast %s : (%s) -> %s"
                         % (index, value, ttype.text,
                            ttype.with_elem("i32")))
            value = "%%npu_c%d" % index
        memref = ttype.memref(printed)
        lines.append("    %%npu_m%d = bufferization.to_memref %s : %s"
                     % (index, value, memref))
        lines.append("    %%npu_u%d = memref.cast %%npu_m%d : %s to "
                     "memref<*x%s>" % (index, index, memref, printed))
        lines.append("    func.call @%s(%%npu_u%d) : (memref<*x%s>) -> ()"
                     % (PRINT_F32_NAME if printed == "f32" else PRINT_NAME,
                        index, printed))
    lines.append("    return")
    lines.append("  }")
    return "\n".join(lines) + "\n"


MODULE_RE = re.compile(
    r"(?:^|\s)(?:builtin\.)?module\s*(?:@[\w$.\-]+\s*)?(?:attributes\s*)?\{")


def augment_module(text, masked, entry_text):
    """Insert ENTRY_TEXT before the module's closing brace (or wrap)."""
    if re.search(r"@%s\b" % ENTRY_NAME, masked):
        raise RefError("the model already defines @%s" % ENTRY_NAME)
    if MODULE_RE.search(masked):
        close = masked.rstrip().rfind("}")
        if close < 0 or masked[close + 1:].strip():
            raise RefError("cannot find the module's closing brace")
        return text[:close] + entry_text + text[close:]
    # no newline after the brace: line numbers stay those of the model
    return "module {" + text + "\n" + entry_text + "}\n"


# ---------------------------------------------------------------- running ---

def first_error_line(stderr):
    """Return the most useful single line of a tool's stderr."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for line in lines:
        if "error" in line.lower():
            return line
    return lines[0] if lines else "(no output)"


def run_tool(cmd, what):
    """Run CMD; return its stdout, raise RefError with one line on failure."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=TIMEOUT_SECONDS,
                              check=False)
    except FileNotFoundError:
        raise RefError("%s not found: %s" % (what, cmd[0]))
    except subprocess.TimeoutExpired:
        raise RefError("%s timed out after %d s" % (what, TIMEOUT_SECONDS))
    stderr = proc.stderr.decode("utf8", "replace")
    if proc.returncode != 0:
        raise RefError("%s failed (exit %d): %s"
                       % (what, proc.returncode, first_error_line(stderr)))
    return proc.stdout.decode("utf8", "replace")


HEADER_RE = re.compile(
    r"Unranked Memref base@ = \S+ rank = (\d+) offset = (\d+) "
    r"sizes = \[([^\]]*)\] strides = \[([^\]]*)\] data =")
INT_RE = re.compile(r"-?\d+")
FLOAT_RE = re.compile(r"-?(?:inf|nan|\d+(?:\.\d*)?(?:e[-+]?\d+)?)")


def parse_printed(stdout, result_types):
    """Parse printMemrefI32 output; return a list of value lists."""
    headers = list(HEADER_RE.finditer(stdout))
    if len(headers) != len(result_types):
        raise RefError("runner printed %d memref(s), expected %d"
                       % (len(headers), len(result_types)))
    outputs = []
    for index, (header, ttype) in enumerate(zip(headers, result_types)):
        sizes = tuple(int(s) for s in INT_RE.findall(header.group(3)))
        if sizes != ttype.shape:
            raise RefError("result %d: printed sizes %s, expected %s"
                           % (index, list(sizes), list(ttype.shape)))
        end = (headers[index + 1].start() if index + 1 < len(headers)
               else len(stdout))
        body = stdout[header.end():end]
        values = ([float(v) for v in FLOAT_RE.findall(body)]
                  if ttype.elem == "f32" else
                  [int(v) for v in INT_RE.findall(body)])
        count = npyio.num_elements(ttype.shape)
        if len(values) != count:
            raise RefError("result %d: printed %d values, expected %d"
                           % (index, len(values), count))
        lo, hi = npyio.DTYPES[ttype.dtype][2:4]
        for pos, value in enumerate(values):
            if value < lo or value > hi:
                raise RefError("result %d: value %s at flat index %d is out "
                               "of range for %s" % (index, value, pos,
                                                    ttype.elem))
        outputs.append(values)
    return outputs


def pipeline_for(text, masked):
    """Return the pass pipeline for a model (its text and masked text; an
    op in generic form is a string, which masking hides)."""
    if any(op in masked or '"%s"' % op in text for op in DECOMPOSE_TRIGGERS):
        return PIPELINE.replace("func.func(tosa-to-scf,",
                                "func.func(%s,tosa-to-scf," % DECOMPOSE_PASS,
                                1)
    return PIPELINE


def run_reference(model_path, npy_specs, raw_specs, mlir_bin, lib_dir,
                  temp_dir):
    """Execute the model; return a list of (dtype, shape, values)."""
    try:
        with open(model_path, "r", encoding="utf8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise RefError("cannot read model: %s" % exc)
    masked = mask_text(text)
    arg_types, result_types = parse_main_signature(text, masked)
    inputs = load_inputs(arg_types, npy_specs, raw_specs)
    declare_print = not re.search(r"@%s\b" % PRINT_NAME, masked)
    entry = build_entry(arg_types, result_types, inputs, declare_print)
    full = augment_module(text, masked, entry)

    src = os.path.join(temp_dir, "ref_input.mlir")
    lowered = os.path.join(temp_dir, "ref_lowered.mlir")
    with open(src, "w", encoding="utf8") as handle:
        handle.write(full)
    try:
        run_tool([os.path.join(mlir_bin, "mlir-opt"), src,
                  "--pass-pipeline=" + pipeline_for(text, masked), "-o", lowered],
                 "mlir-opt")
    except RefError as exc:
        # diagnostics inside the model keep the model's line numbers
        raise RefError(str(exc).replace(src, model_path))
    libs = ",".join(os.path.join(lib_dir, name) for name in
                    ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so"))
    stdout = run_tool([os.path.join(mlir_bin, "mlir-cpu-runner"), lowered,
                       "-e", ENTRY_NAME, "-entry-point-result=void",
                       "-shared-libs=" + libs], "mlir-cpu-runner")
    values = parse_printed(stdout, result_types)
    return [(t.dtype, t.shape, v) for t, v in zip(result_types, values)]


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Run a TOSA model through MLIR 19's reference lowering.")
    parser.add_argument("model", help="MLIR file with func.func @main")
    parser.add_argument("--input", action="append", default=[],
                        metavar="IDX=FILE.npy")
    parser.add_argument("--raw-input", action="append", default=[],
                        metavar="IDX=FILE.bin")
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--keep-temps", metavar="DIR")
    parser.add_argument("--mlir-bin",
                        default=os.environ.get("MLIR_BIN", DEFAULT_MLIR_BIN))
    parser.add_argument("--lib-dir",
                        default=os.environ.get("MLIR_LIB", DEFAULT_LIB_DIR))
    args = parser.parse_args(argv)

    prog = os.path.basename(sys.argv[0]) or "tosa_ref.py"
    temp_dir = None
    try:
        if args.keep_temps:
            os.makedirs(args.keep_temps, exist_ok=True)
            temp_dir = args.keep_temps
        else:
            temp_dir = tempfile.mkdtemp(prefix="tosa_ref_")
        outputs = run_reference(args.model, args.input, args.raw_input,
                                args.mlir_bin, args.lib_dir, temp_dir)
        os.makedirs(args.output_dir, exist_ok=True)
        for index, (dtype, shape, values) in enumerate(outputs):
            npyio.write_npy(os.path.join(args.output_dir, "out%d.npy" % index),
                            dtype, shape, values)
    except (RefError, npyio.NpyError, OSError) as exc:
        sys.stderr.write("%s: error: %s\n" % (prog, exc))
        return 1
    finally:
        if temp_dir and not args.keep_temps:
            shutil.rmtree(temp_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

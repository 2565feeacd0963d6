"""End-to-end comparison of npuc + npusim against the MLIR TOSA reference.

For every case directory (model.mlir or model.tflite, plus input sets) and
every input set, the reference outputs are computed with tosa_ref.py (MLIR
19's own TOSA lowering of model.mlir, or of the TOSA that
``npuc model.tflite --emit=tosa`` imports; cached in the work directory by a
hash of model, inputs and tosa_ref.py itself).  For every preset the model
is compiled with ``npuc MODEL -o prog.bin --arch PRESET`` and run with
``npusim prog.bin --input 0=in0.npy ... --output-dir OUT --json`` in each
mode of --modes: ``golden`` (--golden, the functional executor), ``tile``
and ``cycle`` (the two array models of the SystemC simulator) and ``rtl``
(the Verilated RTL array in the simulator).  In every
mode, every output listed in OUT/outputs.json (in index order, via its
"file" field) must equal the reference bit for bit: dtype, shape and
values.  Across modes the reports must agree: the simulator's
accumulator-overflow and saturation counts (total and per layer) equal the
golden executor's, the timed modes report the same cycles (total and per
layer), and the cycles respect the roofline
max(MACs / (rows x cols), DRAM bytes / bandwidth).

Usage:

    python3 run_e2e.py --bin BUILD/bin --work DIR
                       [--presets npu-tiny,npu-base,npu-large]
                       [--modes golden,tile,cycle]
                       [--filter SUBSTR] [--jobs 2] [--timeout SECONDS]
                       CASE_DIR [CASE_DIR ...]

Input sets of a case directory (both layouts may be combined):

    CASE_DIR/in0.npy [in1.npy ...]               input set "in"
    CASE_DIR/inputs/<name>/in0.npy [in1.npy ...]  input set <name>

A directory without a model whose subdirectories are cases (for example
the output directory of gen_tosa_ops.py) is expanded to those cases.
Prints one line per (case, input set, preset), then
``e2e: N passed, M failed``; the exit status is 1 if anything failed.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import npyio  # noqa: E402  pylint: disable=wrong-import-position

TOSA_REF = os.path.join(HERE, "tosa_ref.py")
DEFAULT_PRESETS = "npu-tiny,npu-base,npu-large"
INPUT_RE = re.compile(r"^in(\d+)\.npy$")
MAX_MESSAGE = 600


class CaseError(Exception):
    """A problem with a case directory itself."""


def one_line(text, limit=MAX_MESSAGE):
    """Collapse TEXT into a single line of at most LIMIT characters."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    joined = " | ".join(lines) if lines else "(no output)"
    if len(joined) > limit:
        joined = joined[:limit - 3] + "..."
    return joined


def list_inputs(directory):
    """Return [in0.npy, in1.npy, ...] paths of DIRECTORY (may be empty)."""
    found = {}
    for entry in os.listdir(directory):
        match = INPUT_RE.match(entry)
        if match and os.path.isfile(os.path.join(directory, entry)):
            found[int(match.group(1))] = os.path.join(directory, entry)
    if not found:
        return []
    if sorted(found) != list(range(len(found))):
        raise CaseError("%s: input files are not numbered in0..in%d"
                        % (directory, len(found) - 1))
    return [found[i] for i in range(len(found))]


def expected_outputs(directory, stem="expected"):
    """Return [<stem>0.npy, ...] paths of DIRECTORY (may be empty)."""
    paths = []
    while os.path.isfile(os.path.join(directory,
                                      "%s%d.npy" % (stem, len(paths)))):
        paths.append(os.path.join(directory, "%s%d.npy" % (stem, len(paths))))
    return paths


def input_sets(case_dir):
    """Return [(name, [paths])] for a case directory."""
    sets = []
    top = list_inputs(case_dir)
    if top:
        sets.append(("in", top))
    inputs_dir = os.path.join(case_dir, "inputs")
    if os.path.isdir(inputs_dir):
        for name in sorted(os.listdir(inputs_dir)):
            sub = os.path.join(inputs_dir, name)
            if os.path.isdir(sub):
                paths = list_inputs(sub)
                if paths:
                    sets.append((name, paths))
    if not sets:
        raise CaseError("%s: no in*.npy or inputs/<name>/in*.npy" % case_dir)
    return sets


def model_file(case_dir):
    """The case's model (model.tflite or model.mlir), or None."""
    for name in ("model.tflite", "model.mlir"):
        path = os.path.join(case_dir, name)
        if os.path.isfile(path):
            return path
    return None


def expand_case_dirs(paths):
    """Expand directories of cases; return sorted unique case dirs."""
    result = []
    for path in paths:
        path = os.path.abspath(path)
        if model_file(path):
            result.append(path)
        elif os.path.isdir(path):
            subs = sorted(os.path.join(path, e) for e in os.listdir(path)
                          if model_file(os.path.join(path, e)))
            if not subs:
                raise CaseError("%s: no model.mlir or model.tflite in it or "
                                "its subdirectories" % path)
            result.extend(subs)
        else:
            raise CaseError("%s: not a directory" % path)
    seen = set()
    unique = []
    for path in result:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique


def case_names(case_dirs):
    """Map case dir -> unique short name (basename, plus hash if needed)."""
    counts = {}
    for path in case_dirs:
        base = os.path.basename(path)
        counts[base] = counts.get(base, 0) + 1
    names = {}
    for path in case_dirs:
        base = os.path.basename(path)
        if counts[base] > 1:
            digest = hashlib.sha1(path.encode("utf8")).hexdigest()[:8]
            base = "%s-%s" % (base, digest)
        names[path] = base
    return names


def file_digest(hasher, label, path):
    """Feed a labelled file into HASHER."""
    with open(path, "rb") as handle:
        data = handle.read()
    hasher.update(b"%s\0%d\0" % (label.encode("utf8"), len(data)))
    hasher.update(data)


def run_cmd(cmd, timeout, stdout=None):
    """Run CMD; return (ok, combined message).  STDOUT, a list, receives
    the command's standard output on success."""
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout,
                              check=False)
    except FileNotFoundError:
        return False, "%s: not found" % cmd[0]
    except subprocess.TimeoutExpired:
        return False, "timed out after %d s" % timeout
    except OSError as exc:
        return False, "%s: %s" % (cmd[0], exc)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf8", "replace")
        if not err.strip():
            err = proc.stdout.decode("utf8", "replace")
        return False, "exit %d: %s" % (proc.returncode, one_line(err))
    if stdout is not None:
        stdout.append(proc.stdout.decode("utf8", "replace"))
    return True, ""


class Reference:
    """Computes and caches reference outputs with tosa_ref.py."""

    def __init__(self, cache_dir, timeout):
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.locks = {}
        self.guard = threading.Lock()
        hasher = hashlib.sha256()
        file_digest(hasher, "tosa_ref", TOSA_REF)
        self.tool_digest = hasher.hexdigest()

    def key(self, model, inputs):
        """Cache key of a model and its input files."""
        hasher = hashlib.sha256()
        hasher.update(self.tool_digest.encode("ascii"))
        file_digest(hasher, "model", model)
        for index, path in enumerate(inputs):
            file_digest(hasher, "in%d" % index, path)
        return hasher.hexdigest()

    def outputs(self, model, inputs):
        """Return (list of output .npy paths, None) or (None, error)."""
        key = self.key(model, inputs)
        final = os.path.join(self.cache_dir, key)
        with self.guard:
            lock = self.locks.setdefault(key, threading.Lock())
        with lock:
            if not os.path.isfile(os.path.join(final, "done")):
                os.makedirs(self.cache_dir, exist_ok=True)
                tmp = tempfile.mkdtemp(prefix="tmp-", dir=self.cache_dir)
                cmd = [sys.executable, TOSA_REF, model, "--output-dir", tmp]
                for index, path in enumerate(inputs):
                    cmd += ["--input", "%d=%s" % (index, path)]
                ok, message = run_cmd(cmd, self.timeout)
                if not ok:
                    shutil.rmtree(tmp, ignore_errors=True)
                    return None, "reference (tosa_ref.py) failed: " + message
                with open(os.path.join(tmp, "done"), "w") as handle:
                    handle.write("ok\n")
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
        paths = []
        index = 0
        while os.path.isfile(os.path.join(final, "out%d.npy" % index)):
            paths.append(os.path.join(final, "out%d.npy" % index))
            index += 1
        if not paths:
            return None, "reference produced no outputs"
        return paths, None


def unravel(index, shape):
    """Flat index -> multi-dimensional index."""
    coords = []
    for dim in reversed(shape):
        coords.append(index % dim if dim else 0)
        index = index // dim if dim else 0
    return tuple(reversed(coords))


def compare_outputs(ref_paths, out_dir):
    """Compare a run's outputs with the reference; return error or None."""
    manifest = os.path.join(out_dir, "outputs.json")
    try:
        with open(manifest, "r", encoding="utf8") as handle:
            listing = json.load(handle)
        entries = listing["outputs"]
        entries = sorted(entries, key=lambda e: int(e["index"]))
        files = [e["file"] for e in entries]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return "bad %s: %s" % (manifest, exc)
    if [int(e["index"]) for e in entries] != list(range(len(entries))):
        return "outputs.json indices are not 0..%d" % (len(entries) - 1)
    if len(files) != len(ref_paths):
        return "the run wrote %d output(s), reference has %d" % (
            len(files), len(ref_paths))
    for index, (ref_path, name) in enumerate(zip(ref_paths, files)):
        path = name if os.path.isabs(name) else os.path.join(out_dir, name)
        try:
            got_dtype, got_shape, got = npyio.read_npy(path)
        except (OSError, npyio.NpyError) as exc:
            return "output %d: %s" % (index, exc)
        ref_dtype, ref_shape, ref = npyio.read_npy(ref_path)
        if got_dtype != ref_dtype:
            return "output %d: dtype %s, expected %s" % (
                index, got_dtype, ref_dtype)
        if tuple(got_shape) != tuple(ref_shape):
            return "output %d: shape %s, expected %s" % (
                index, list(got_shape), list(ref_shape))
        diffs = [i for i, (a, b) in enumerate(zip(got, ref)) if a != b]
        if diffs:
            first = diffs[0]
            return ("output %d: %d of %d values differ; first at flat index "
                    "%d %s: got %d, expected %d"
                    % (index, len(diffs), len(ref), first,
                       list(unravel(first, ref_shape)), got[first],
                       ref[first]))
    return None


MODE_FLAGS = {
    "golden": ["--golden"],
    "tile": ["--array-model", "tile"],
    "cycle": ["--array-model", "cycle"],
    "rtl": ["--rtl"],
}
TIMED_MODES = ("tile", "cycle", "rtl")


def overflow_counts(report):
    """(total, [per layer]) accumulator-overflow and saturation counts."""
    def pair(obj):
        return (obj["overflow"]["accumulator"], obj["overflow"]["saturation"])
    return pair(report), [pair(layer) for layer in report["layers"]]


def check_reports(reports):
    """Cross-check the JSON reports of the modes; return error or None."""
    try:
        golden = reports.get("golden")
        timed = [(m, reports[m]) for m in TIMED_MODES if m in reports]
        for mode, report in timed:
            if golden is not None and \
                    overflow_counts(report) != overflow_counts(golden):
                return ("%s: overflow counts %s differ from the golden "
                        "executor's %s" % (mode, overflow_counts(report),
                                           overflow_counts(golden)))
            if golden is not None and report["macs"] != golden["macs"]:
                return "%s: %d MACs, golden executor %d" % (
                    mode, report["macs"], golden["macs"])
            machine = report["machine"]
            floor = max(report["macs"] / (machine["rows"] * machine["cols"]),
                        report["dram_bytes"]["total"] /
                        machine["dram_bandwidth"])
            if report["cycles"] < floor:
                return "%s: %d cycles is below the roofline bound %.1f" % (
                    mode, report["cycles"], floor)
        per_layer = lambda r: [layer["cycles"] for layer in r["layers"]]
        for (mode_a, a), (mode_b, b) in zip(timed, timed[1:]):
            if (a["cycles"], per_layer(a)) != (b["cycles"], per_layer(b)):
                return ("%s and %s array models disagree: %d vs %d cycles"
                        % (mode_a, mode_b, a["cycles"], b["cycles"]))
            if overflow_counts(a) != overflow_counts(b):
                return ("%s and %s array models disagree on overflow counts"
                        % (mode_a, mode_b))
    except (KeyError, TypeError, ZeroDivisionError) as exc:
        return "malformed npusim report: %r" % exc
    return None


class Runner:
    """Runs all (input set, preset) combinations of one case."""

    def __init__(self, args, reference):
        self.args = args
        self.reference = reference
        self.npuc = os.path.join(args.bin, "npuc")
        self.npusim = os.path.join(args.bin, "npusim")

    def run_case(self, case_dir, name):
        """Return a list of (label, ok, message)."""
        results = []
        model = model_file(case_dir)
        case_work = os.path.join(self.args.work, "cases", name)
        try:
            sets = input_sets(case_dir)
        except (CaseError, OSError) as exc:
            return [("%s" % name, False, str(exc))]
        reference_model = model
        if model.endswith(".tflite"):
            # The reference runs MLIR's lowering of the TOSA npuc imports.
            os.makedirs(case_work, exist_ok=True)
            reference_model = os.path.join(case_work, "imported.tosa.mlir")
            ok, message = run_cmd([self.npuc, model, "--emit=tosa", "-o",
                                   reference_model], self.args.timeout)
            if not ok:
                return [(name, False, "npuc --emit=tosa failed: " + message)]
        refs = {}
        for set_name, paths in sets:
            refs[set_name] = self.reference.outputs(reference_model, paths)
        for preset in self.presets():
            preset_dir = os.path.join(case_work, preset)
            shutil.rmtree(preset_dir, ignore_errors=True)
            os.makedirs(preset_dir)
            prog = os.path.join(preset_dir, "prog.bin")
            ok, message = run_cmd([self.npuc, model, "-o", prog, "--arch",
                                   preset], self.args.timeout)
            compile_error = None if ok else "npuc failed: " + message
            for set_name, paths in sets:
                label = "%s [%s] %s" % (name, set_name, preset)
                ref_paths, ref_error = refs[set_name]
                if ref_error:
                    results.append((label, False, ref_error))
                    continue
                if compile_error:
                    results.append((label, False, compile_error))
                    continue
                error = self.run_modes(prog, preset_dir, set_name, paths,
                                       ref_paths)
                results.append((label, error is None, error or ""))
        return results

    def run_modes(self, prog, preset_dir, set_name, paths, ref_paths):
        """Run PROG in every mode; return an error message or None."""
        reports = {}
        for mode in self.modes():
            out_dir = os.path.join(preset_dir, "out-%s-%s" % (set_name, mode))
            cmd = [self.npusim, prog, "--json", "--output-dir", out_dir]
            for index, path in enumerate(paths):
                cmd += ["--input", "%d=%s" % (index, path)]
            cmd += MODE_FLAGS[mode]
            stdout = []
            ok, message = run_cmd(cmd, self.args.timeout, stdout)
            if not ok:
                return "npusim (%s) failed: %s" % (mode, message)
            error = compare_outputs(ref_paths, out_dir)
            # More oracles beside the inputs: expected<k>.npy (e.g. TFLite
            # Micro's reference outputs shipped with a model, or TFLite's
            # own kernels) and micro<k>.npy (TFLite Micro's reference
            # kernels, tools/tflm-reference).
            for stem in ("expected", "micro"):
                expected = expected_outputs(os.path.dirname(paths[0]), stem)
                if error is None and expected:
                    error = compare_outputs(expected, out_dir)
                    if error:
                        error = "vs %s*.npy: %s" % (stem, error)
            if error:
                return "%s: %s" % (mode, error)
            try:
                reports[mode] = json.loads(stdout[0])
            except ValueError as exc:
                return "%s: npusim --json printed invalid JSON: %s" % (
                    mode, exc)
        return check_reports(reports)

    def modes(self):
        """Mode names from the command line."""
        return [m for m in self.args.modes.split(",") if m]

    def presets(self):
        """Preset names from the command line."""
        return [p for p in self.args.presets.split(",") if p]


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Compare npuc/npusim against the MLIR TOSA reference.")
    parser.add_argument("cases", nargs="+", metavar="CASE_DIR")
    parser.add_argument("--bin", required=True,
                        help="directory holding npuc and npusim")
    parser.add_argument("--work", required=True,
                        help="work directory (reference cache, programs)")
    parser.add_argument("--presets", default=DEFAULT_PRESETS)
    parser.add_argument("--modes", default="golden,tile,cycle",
                        help="npusim modes to run and cross-check")
    parser.add_argument("--filter", default="",
                        help="only cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds allowed per command")
    args = parser.parse_args(argv)
    args.bin = os.path.abspath(args.bin)
    args.work = os.path.abspath(args.work)

    try:
        case_dirs = expand_case_dirs(args.cases)
    except CaseError as exc:
        sys.stderr.write("run_e2e: error: %s\n" % exc)
        return 2
    names = case_names(case_dirs)
    case_dirs = [c for c in case_dirs if args.filter in names[c]]
    if not case_dirs:
        sys.stderr.write("run_e2e: error: no cases selected\n")
        return 2
    unknown = [m for m in args.modes.split(",") if m and m not in MODE_FLAGS]
    if unknown or not [m for m in args.modes.split(",") if m]:
        sys.stderr.write("run_e2e: error: --modes takes golden, tile, "
                         "cycle, rtl\n")
        return 2
    if not [p for p in args.presets.split(",") if p]:
        sys.stderr.write("run_e2e: error: no presets given\n")
        return 2
    os.makedirs(args.work, exist_ok=True)

    reference = Reference(os.path.join(args.work, "refcache"), args.timeout)
    runner = Runner(args, reference)
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(runner.run_case, c, names[c]): c
                   for c in case_dirs}
        for future in concurrent.futures.as_completed(futures):
            try:
                results = future.result()
            except Exception as exc:  # pylint: disable=broad-except
                results = [(names[futures[future]], False,
                            "internal error: %r" % exc)]
            for label, ok, message in results:
                if ok:
                    passed += 1
                    print("PASS %s" % label, flush=True)
                else:
                    failed += 1
                    print("FAIL %s: %s" % (label, message), flush=True)
    print("e2e: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

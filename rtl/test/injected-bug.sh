#!/usr/bin/env bash
# Tests that the lockstep checker fails when the RTL is wrong: the array
# built from the faulty variant rtl/dv/sv/npu_array_injected_bug.sv (PE
# (1, 0) adds one to products of odd activations) must be reported as a
# mismatch at PE (1, 0), with exit status 1 and the RTL's waves kept in a
# VCD file.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
set +e
"$bin/npu-cosim" --config r4c4w8a16wrapbug --random 20 > out 2> err
status=$?
set -e
cat out err
[ "$status" -eq 1 ] || { echo "FAIL: exit $status, expected 1"; exit 1; }
[ "$(wc -l < err)" -eq 1 ] || { echo "FAIL: not one line"; exit 1; }
grep -q "PE (1, 0)" err || { echo "FAIL: the report does not name PE (1, 0)"; exit 1; }
grep -q "expected .*, got " err || { echo "FAIL: no expected/actual values"; exit 1; }
vcd=npu-cosim-r4c4w8a16wrapbug.vcd
[ -s "$vcd" ] && grep -q enddefinitions "$vcd" ||
  { echo "FAIL: no VCD written"; exit 1; }
# The same stimuli on the correct array pass.
"$bin/npu-cosim" --config r4c4w8a16wrap --random 20
echo "ok: the injected bug was caught and its waves written"

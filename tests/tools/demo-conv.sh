#!/usr/bin/env bash
# Tests the hand-assembled demo convolution on every preset: the golden
# executor's output must equal, bit for bit, the convolution npu-mkdemo
# computes directly from the TOSA definitions with plain loops.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for arch in npu-tiny npu-base npu-large; do
  "$bin/npu-mkdemo" "$tmp/$arch" --arch "$arch" > /dev/null
  "$bin/npu-run" "$tmp/$arch/conv.bin" --quiet \
      --expect output="$tmp/$arch/expected.npy" --output-dir "$tmp/$arch/out"
  test -f "$tmp/$arch/out/output.npy"
  grep -q '"name": "output"' "$tmp/$arch/out/outputs.json"
done

# --set overrides a field (recorded in the program) and rejects unknown keys
# and out-of-range values with one line naming the key.
"$bin/npu-mkdemo" "$tmp/set" --arch npu-tiny --set array.acc_bits=20 > /dev/null
"$bin/npu-objdump" --no-code "$tmp/set/conv.bin" | grep -Eq "array.acc_bits +20"
"$bin/npu-run" "$tmp/set/conv.bin" -q --expect output="$tmp/set/expected.npy"
for bad in array.rowz=2 array.rows=0 array.overflow=clip; do
  if "$bin/npu-mkdemo" "$tmp/bad" --set "$bad" 2> "$tmp/err"; then
    echo "FAIL: --set $bad accepted"; exit 1
  fi
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL: not one line"; cat "$tmp/err"; exit 1; }
  grep -q "${bad%%=*}" "$tmp/err" || { echo "FAIL: key not named"; cat "$tmp/err"; exit 1; }
  echo "ok   $(cat "$tmp/err")"
done

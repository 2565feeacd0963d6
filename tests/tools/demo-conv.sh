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

#!/usr/bin/env bash
# Tests the timeline of a real network: micro_speech (TOSA, bundled) is
# compiled for every preset and simulated with --trace; each trace must be
# valid Chrome trace-event JSON with properly nested events on every track,
# and show a load-queue instruction running while a compute-queue
# instruction runs (the decoupled queues overlap).
set -euo pipefail
bin=$1 models=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$models" "$tmp" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + "/../e2e")
import npyio
raw = open(sys.argv[1] + "/micro_speech/inputs/yes_1000ms_features.bin", "rb").read()
npyio.write_npy(sys.argv[2] + "/input.npy", "i8", (1, 1960),
                [b - 256 if b > 127 else b for b in raw])
PY
for preset in npu-tiny npu-base npu-large; do
  "$bin/npuc" "$models/heir_tosa/micro_speech.tosa.mlir" --arch $preset \
    -o "$tmp/$preset.bin"
  "$bin/npusim" "$tmp/$preset.bin" --input 0="$tmp/input.npy" \
    --trace="$tmp/$preset.json" > /dev/null
  echo -n "$preset: "
  python3 "$here/check_trace.py" "$tmp/$preset.json" --require-overlap
done

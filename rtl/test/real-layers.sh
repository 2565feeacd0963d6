#!/usr/bin/env bash
# Co-simulates the gemms of the bundled real networks: the load.weights and
# gemm instructions of hello_world and micro_speech (TOSA) compiled for
# npu-tiny, and for npu-tiny with a 16-bit accumulator (where micro_speech's
# fully connected layer overflows), run on the RTL array and the register
# model in lockstep with their real data; every result and overflow count
# is also compared with the golden executor.
set -euo pipefail
bin=$1 models=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
python3 - "$models" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + "/../e2e")
import npyio
raw = open(sys.argv[1] + "/micro_speech/inputs/yes_1000ms_features.bin", "rb").read()
npyio.write_npy("ms.npy", "i8", (1, 1960), [b - 256 if b > 127 else b for b in raw])
npyio.write_npy("hw.npy", "i8", (1, 1), [-63])
PY
for acc in 32 16; do
  "$bin/npuc" "$models/heir_tosa/hello_world.tosa.mlir" --arch npu-tiny \
    --set array.acc_bits=$acc -o hw$acc.bin 2> /dev/null
  "$bin/npu-cosim" --program hw$acc.bin --input 0=hw.npy
  "$bin/npuc" "$models/heir_tosa/micro_speech.tosa.mlir" --arch npu-tiny \
    --set array.acc_bits=$acc -o ms$acc.bin 2> /dev/null
  "$bin/npu-cosim" --program ms$acc.bin --input 0=ms.npy | tee ms$acc.log
done
# The narrow accumulator must actually overflow for the test to mean
# something.
events=$(sed -n 's/.* and \([0-9]*\) overflow events.*/\1/p' ms16.log)
[ "${events:-0}" -gt 0 ] || { echo "FAIL: no overflow with a 16-bit accumulator"; exit 1; }
echo "ok: real layers agree, including $events overflow events"

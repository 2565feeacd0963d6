#!/usr/bin/env bash
# Lints the RTL with Verilator's -Wall for several parameter sets (the
# configurations built and the corner shapes 1x1, 1xN, Nx1); any warning
# fails.
set -euo pipefail
src=$(cd "$(dirname "$0")/../src" && pwd)
status=0
while read -r params; do
  if ! out=$(verilator --lint-only -Wall "$src"/npu_pe.sv "$src"/npu_acc.sv \
               "$src"/npu_array.sv --top-module npu_array $params 2>&1) ||
     [ -n "$out" ]; then
    echo "FAIL: verilator --lint-only -Wall $params"
    echo "$out"
    status=1
  else
    echo "ok   lint clean: ${params:-defaults}"
  fi
done <<'PARAMS'

-GROWS=1 -GCOLS=1
-GROWS=1 -GCOLS=7
-GROWS=5 -GCOLS=1
-GROWS=3 -GCOLS=5 -GWEIGHT_BITS=4 -GACC_BITS=16 -GSATURATE=1
-GROWS=16 -GCOLS=16 -GACC_BITS=24 -GSATURATE=1
-GROWS=32 -GCOLS=32 -GINJECT_BUG=1
PARAMS
exit $status

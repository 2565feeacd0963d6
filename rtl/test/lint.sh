#!/usr/bin/env bash
# Lints the RTL with Verilator's -Wall for several parameter sets (the
# configurations built and the corner shapes 1x1, 1xN, Nx1), and the
# checker's faulty variant (rtl/dv/sv) over it; any warning fails.
set -euo pipefail
rtl=$(cd "$(dirname "$0")/.." && pwd)
design=("$rtl"/src/npu_pe.sv "$rtl"/src/npu_acc.sv "$rtl"/src/npu_array.sv)
status=0
lint() { # top extra-file-or-empty params
  local top=$1 extra=$2 params=$3 out
  # shellcheck disable=SC2086 # params are several words
  if ! out=$(verilator --lint-only -Wall "${design[@]}" $extra \
               --top-module "$top" $params 2>&1) ||
     [ -n "$out" ]; then
    echo "FAIL: verilator --lint-only -Wall ($top) $params"
    echo "$out"
    status=1
  else
    echo "ok   lint clean: $top ${params:-defaults}"
  fi
}
while read -r params; do
  lint npu_array "" "$params"
done <<'PARAMS'

-GROWS=1 -GCOLS=1
-GROWS=1 -GCOLS=7
-GROWS=5 -GCOLS=1
-GROWS=3 -GCOLS=5 -GWEIGHT_BITS=4 -GACC_BITS=16 -GSATURATE=1
-GROWS=4 -GCOLS=3 -GWEIGHT_BITS=2 -GACC_BITS=20
-GROWS=16 -GCOLS=16 -GACC_BITS=24 -GSATURATE=1
-GROWS=32 -GCOLS=32
PARAMS
while read -r params; do
  lint npu_array_injected_bug "$rtl/dv/sv/npu_array_injected_bug.sv" "$params"
done <<'PARAMS'
-GROWS=4 -GCOLS=4 -GACC_BITS=16
-GROWS=2 -GCOLS=1 -GSATURATE=1
PARAMS
# The PPU's rescale parameters (area model only), every form.
for form in 0 1 2; do
  for lanes in 1 8 16; do
    if ! out=$(verilator --lint-only -Wall "$rtl/src/npu_ppu_rescale.sv" \
                 --top-module npu_ppu_rescale -GFORM=$form -GLANES=$lanes 2>&1) ||
       [ -n "$out" ]; then
      echo "FAIL: verilator --lint-only -Wall (npu_ppu_rescale) FORM=$form LANES=$lanes"
      echo "$out"
      status=1
    else
      echo "ok   lint clean: npu_ppu_rescale FORM=$form LANES=$lanes"
    fi
  done
done
exit $status

#!/usr/bin/env bash
# Tests that the e2e harness can fail: a model case whose expected output
# has one value changed must be reported as FAIL with exit status 1, and
# the cross-checks of npusim's reports reject tile/cycle cycle mismatches,
# overflow counts that differ from the golden executor's and cycles below
# the roofline.
set -euo pipefail
bin=$1 models=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
NPU_E2E_MODELS=hello_world_tosa python3 "$here/model_cases.py" "$models" "$work/cases"
case=$work/cases/hello_world_tosa/inputs/x_0p77_q-96
python3 -c "
import sys; sys.path.insert(0, '$here')
import npyio
d, s, v = npyio.read_npy('$case/expected0.npy')
v[0] = v[0] + 1
npyio.write_npy('$case/expected0.npy', d, s, v)"
set +e
python3 "$here/run_e2e.py" --bin "$bin" --presets npu-tiny --work "$work/run" "$work/cases" > "$work/log" 2>&1
status=$?
set -e
cat "$work/log"
[ $status -eq 1 ] || { echo "FAIL: harness exited $status on a corrupted expectation"; exit 1; }
grep -q "FAIL hello_world_tosa \[x_0p77_q-96\] npu-tiny: golden: vs expected" "$work/log"
grep -q "PASS hello_world_tosa \[x_1p57_q-63\] npu-tiny" "$work/log"
echo "ok: the corrupted expectation was detected"

python3 - "$here" <<'PY'
import copy, sys
sys.path.insert(0, sys.argv[1])
from run_e2e import check_reports
layer = {"cycles": 90, "overflow": {"accumulator": 1, "saturation": 2}}
tile = {"cycles": 100, "macs": 640, "overflow": {"accumulator": 1, "saturation": 2},
        "layers": [layer], "dram_bytes": {"total": 160},
        "machine": {"rows": 8, "cols": 8, "dram_bandwidth": 8}}
golden = {"macs": 640, "overflow": tile["overflow"], "layers": [layer]}
ok = {"golden": golden, "tile": tile, "cycle": copy.deepcopy(tile)}
assert check_reports(ok) is None, check_reports(ok)
bad = copy.deepcopy(ok); bad["cycle"]["cycles"] = 101
assert "disagree" in check_reports(bad)
bad = copy.deepcopy(ok); bad["tile"]["overflow"]["accumulator"] = 0
assert "golden" in check_reports(bad)
bad = copy.deepcopy(ok); bad["tile"]["cycles"] = bad["cycle"]["cycles"] = 10
assert "roofline" in check_reports(bad)
print("ok: report cross-checks reject mismatches")
PY

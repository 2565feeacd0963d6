#!/usr/bin/env bash
# Tests npusim's command line on the hand-built demo convolution (npu-mkdemo,
# whose expected output comes from plain loops over the TOSA definitions):
# outputs equal the expectation in the tile, cycle, rtl and --golden modes;
# an RTL array that is not built is a one-line error; --json
# carries the contract's keys; --csv has one row per layer; --trace writes a
# properly nested Chrome trace (and the checker rejects a broken one);
# --vcd writes waves; a wrong input shape, a corrupt or truncated binary, a
# configuration the program was not compiled for and a bad flag are one-line
# errors with a non-zero exit. With --no-rtl (an npusim built with
# NPU_ENABLE_RTL=OFF) the rtl mode is left out; npusim-without-rtl.sh tests
# that it is refused.
set -euo pipefail
bin=$1
rtl=yes
[ "${2:-}" = "--no-rtl" ] && rtl=no
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/npu-mkdemo" "$tmp" > /dev/null
prog=$tmp/conv.bin

compare() { # output-dir
  python3 -c "
import sys; sys.path.insert(0, '$here/../e2e')
import npyio
a = npyio.read_npy('$1/output.npy'); b = npyio.read_npy('$tmp/expected.npy')
sys.exit(0 if a == b else 'output differs from expected.npy')"
}

"$bin/npusim" "$prog" --output-dir "$tmp/tile" > "$tmp/report.txt"
compare "$tmp/tile"
grep -q "cycles" "$tmp/report.txt"
"$bin/npusim" "$prog" --array-model cycle --output-dir "$tmp/cycle" > /dev/null
compare "$tmp/cycle"
"$bin/npusim" "$prog" --golden --output-dir "$tmp/golden" > /dev/null
compare "$tmp/golden"
if [ $rtl = yes ]; then
  "$bin/npusim" "$prog" --rtl --output-dir "$tmp/rtl" > /dev/null
  compare "$tmp/rtl"
  echo "ok   tile, cycle, rtl and golden outputs equal expected.npy"
else
  echo "ok   tile, cycle and golden outputs equal expected.npy"
fi

"$bin/npusim" "$prog" --json > "$tmp/report.json"
python3 - "$tmp/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for key in ("cycles", "latency_us", "energy_pj", "overflow", "layers",
            "utilization", "dram_bytes"):
    assert key in r, key
assert r["energy_pj"]["total"] > 0 and "array" in r["energy_pj"]
assert set(r["overflow"]) >= {"accumulator", "saturation"}
assert r["layers"] and all(set(l) >= {"name", "cycles", "energy_pj", "overflow"}
                           for l in r["layers"])
assert r["cycles"] == sum(l["cycles"] for l in r["layers"]), "layer cycles"
assert abs(r["latency_us"] - r["cycles"] / r["clock_mhz"]) < 1e-9
# Top level: the whole run, the sums of the layers and the rest.
parts = r["layers"] + [r["unattributed"]]
for unit, stats in r["units"].items():
    for key in ("busy_cycles", "stall_cycles", "operations"):
        assert stats[key] == sum(p["units"][unit][key] for p in parts), (unit, key)
assert r["units"]["compute"]["busy_cycles"] > 0
buffers = ("ibuf", "wbuf", "abuf", "obuf", "pbuf")
for b in buffers:
    for rw in ("read", "write"):
        assert r["sram_bytes"][b][rw] == sum(p["sram_bytes"][b][rw] for p in parts), (b, rw)
for rw in ("read", "write"):
    assert r["sram_bytes"]["total"][rw] == sum(r["sram_bytes"][b][rw] for b in buffers)
assert r["sram_bytes"]["total"]["read"] > 0
assert set(r["fetch_stall_cycles"]) == {"load", "compute", "store"}
for q, n in r["fetch_stall_cycles"].items():
    assert n == sum(p["fetch_stall_cycles"][q] for p in parts), q
    assert n + r["units"][q]["busy_cycles"] + r["units"][q]["stall_cycles"] <= r["cycles"], q
places = {"dram", "-"} | set(buffers)
for l in r["layers"]:
    for data in ("input", "output", "weights", "tables"):
        where = l["placement"][data]["where"]
        assert set(where.split("+")) <= places, where
        assert set(l["placement"][data]["bytes"]) == set(buffers) | {"dram"}
# The demo convolution loads its input and weights and stores its output.
first = r["layers"][0]["placement"]
assert first["input"]["where"].startswith("dram"), first
assert r["layers"][-1]["placement"]["output"]["where"].startswith("dram")
PY
echo "ok   --json has the contract's keys"

"$bin/npusim" "$prog" --csv > "$tmp/report.csv"
python3 - "$tmp/report.csv" "$tmp/report.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
layers = json.load(open(sys.argv[2]))["layers"]
assert [r["layer"] for r in rows] == [l["name"] for l in layers] + ["(other)", "(total)"]
assert [int(r["cycles"]) for r in rows[:-2]] == [l["cycles"] for l in layers]
assert [r["input_at"] for r in rows[:-2]] == [l["placement"]["input"]["where"] for l in layers]
total = json.load(open(sys.argv[2]))
assert int(rows[-1]["compute_fetch_stall"]) == total["fetch_stall_cycles"]["compute"]
assert int(rows[-1]["ibuf_read_bytes"]) == total["sram_bytes"]["ibuf"]["read"]
PY
echo "ok   --csv has one row per layer"

"$bin/npusim" "$prog" --trace="$tmp/t.json" > /dev/null
python3 "$here/check_trace.py" "$tmp/t.json"
python3 - "$tmp/t.json" "$tmp/bad.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
x = [e for e in t["traceEvents"] if e["ph"] == "X" and e["cat"] == "instruction"][0]
t["traceEvents"].append(dict(x, ts=x["ts"] + x["dur"] / 2, dur=x["dur"] * 2 + 1))
json.dump(t, open(sys.argv[2], "w"))
PY
if python3 "$here/check_trace.py" "$tmp/bad.json" > /dev/null; then
  echo "FAIL: check_trace.py accepted overlapping events"; exit 1
fi
echo "ok   --trace is nested; a broken trace is rejected"

"$bin/npusim" "$prog" --vcd "$tmp/waves.vcd" > /dev/null
grep -q 'enddefinitions' "$tmp/waves.vcd"
grep -q 'compute_busy' "$tmp/waves.vcd"
echo "ok   --vcd writes waves"

fails() { # expected-substring args...
  local want=$1; shift
  set +e
  "$bin/npusim" "$@" > /dev/null 2> "$tmp/err"
  local status=$?
  set -e
  local err; err=$(cat "$tmp/err")
  [ "$status" -ne 0 ] || { echo "FAIL: exit 0 for $*"; exit 1; }
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL: not one line: $err"; exit 1; }
  case "$err" in *"$want"*) echo "ok   $err" ;; *) echo "FAIL: '$err' lacks '$want'"; exit 1 ;; esac
}
fails "expects shape [1,8,8,4], got [1,8,8,8]" "$prog" --input input="$tmp/expected.npy"
head -c 100 "$prog" > "$tmp/trunc.bin"
fails "trunc.bin" "$tmp/trunc.bin"
python3 -c "
d = bytearray(open('$prog', 'rb').read()); d[200] ^= 0x10
open('$tmp/flip.bin', 'wb').write(d)"
fails "CRC" "$tmp/flip.bin"
fails "array.rows" "$prog" --arch npu-base
fails "array.acc_bits" "$prog" --set array.acc_bits=24
fails "--array-model must be tile, cycle or rtl" "$prog" --array-model fast
"$bin/npu-mkdemo" "$tmp/base" --arch npu-base > /dev/null
if [ $rtl = yes ]; then
  fails "no RTL array r16c16w8a32wrap in this build" "$tmp/base/conv.bin" --rtl
fi
# Fields that only change timing are fine.
"$bin/npusim" "$prog" --set dram.bandwidth=2 --json > "$tmp/slow.json"
python3 -c "
import json
fast = json.load(open('$tmp/report.json'))['cycles']
slow = json.load(open('$tmp/slow.json'))['cycles']
assert slow > fast, (slow, fast)"
echo "ok   a slower DRAM takes more cycles"

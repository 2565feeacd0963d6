#!/usr/bin/env bash
# Tests npu-run's --input contract: by name and by index the result equals
# the embedded default; a wrong shape, an unknown name and a missing file
# are one-line errors with exit status 1.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/npu-mkdemo" "$tmp" > /dev/null
prog=$tmp/conv.bin
exp=output=$tmp/expected.npy
"$bin/npu-run" "$prog" -q --input input="$tmp/input.npy" --expect "$exp"
"$bin/npu-run" "$prog" -q --input 0="$tmp/input.npy" --expect "$exp"

fails() { # expected-substring args...
  local want=$1; shift
  set +e
  "$bin/npu-run" "$@" > /dev/null 2> "$tmp/err"
  local status=$?
  set -e
  local err; err=$(cat "$tmp/err")
  [ "$status" -eq 1 ] || { echo "FAIL: exit $status for $*"; exit 1; }
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL: not one line: $err"; exit 1; }
  case "$err" in *"$want"*) echo "ok   $err" ;; *) echo "FAIL: '$err' lacks '$want'"; exit 1 ;; esac
}
# expected.npy has 8 channels where the input has 4.
fails "expects shape [1,8,8,4], got [1,8,8,8]" "$prog" --input input="$tmp/expected.npy"
fails "no input of that name or index" "$prog" --input nope="$tmp/input.npy"
fails "no input of that name or index" "$prog" --input 3="$tmp/input.npy"
fails "cannot open" "$prog" --input input="$tmp/missing.npy"
fails "expects NAME=FILE.npy" "$prog" --input input
fails "output is i8[1,8,8,8]" "$prog" --expect output="$tmp/input.npy"
# An all-zero expectation of the right shape: a bit-level mismatch.
python3 - "$tmp/zeros.npy" <<'PY'
import sys
header = "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 8, 8, 8), }"
header += ' ' * ((64 - (10 + len(header) + 1) % 64) % 64) + '\n'
with open(sys.argv[1], 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + len(header).to_bytes(2, 'little') + header.encode() + bytes(512))
PY
fails "differs from" "$prog" --expect output="$tmp/zeros.npy"

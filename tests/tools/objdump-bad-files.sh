#!/usr/bin/env bash
# Tests that npu-objdump answers a truncated, a corrupted, a random and an
# empty file with exactly one line on stderr naming the problem and exit
# status 1, and that it prints a valid program.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/npu-mkdemo" "$tmp" --arch npu-tiny > /dev/null
good=$tmp/conv.bin
size=$(stat -c %s "$good")

head -c $((size / 2)) "$good" > "$tmp/truncated.bin"
cp "$good" "$tmp/corrupt.bin"
printf '\x55' | dd of="$tmp/corrupt.bin" bs=1 seek=$((size - 40)) conv=notrunc status=none
head -c 4096 /dev/urandom > "$tmp/random.bin"
: > "$tmp/empty.bin"

check() { # file expected-substring
  local out err status
  set +e
  "$bin/npu-objdump" "$1" > "$tmp/out" 2> "$tmp/err"
  status=$?
  set -e
  err=$(cat "$tmp/err")
  if [ "$status" -ne 1 ]; then echo "FAIL $1: exit $status"; exit 1; fi
  if [ "$(wc -l < "$tmp/err")" -ne 1 ]; then echo "FAIL $1: stderr is not one line: $err"; exit 1; fi
  if [ -s "$tmp/out" ]; then echo "FAIL $1: printed to stdout"; exit 1; fi
  case "$err" in *"$2"*) echo "ok   $err" ;; *) echo "FAIL $1: '$err' lacks '$2'"; exit 1 ;; esac
}
check "$tmp/truncated.bin" "truncated: header says $size bytes"
check "$tmp/corrupt.bin" "checksum mismatch"
check "$tmp/random.bin" "not an NPU program"
check "$tmp/empty.bin" "too short"
check "$tmp/missing.bin" "cannot open"

"$bin/npu-objdump" "$good" > "$tmp/dump"
grep -q "arch: npu-tiny" "$tmp/dump"
grep -q "input  0   input " "$tmp/dump"
grep -q "conv3x3 @ NpuMkDemo.cpp" "$tmp/dump"
grep -q "   24  halt" "$tmp/dump"
echo "ok   valid program dumped"

#!/usr/bin/env bash
# Tests an npusim built with NPU_ENABLE_RTL=OFF: --rtl and --array-model rtl
# are refused with exit status 1 and one line on stderr saying so (and
# nothing on stdout); the other array models still run.
set -euo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/npu-mkdemo" "$tmp" > /dev/null
for flag in "--rtl" "--array-model rtl"; do
  set +e
  # shellcheck disable=SC2086 # the flag may be two words
  "$bin/npusim" "$tmp/conv.bin" $flag > "$tmp/out" 2> "$tmp/err"
  status=$?
  set -e
  want="npusim: $flag: npusim was built without RTL support (NPU_ENABLE_RTL=OFF)"
  [ "$status" -eq 1 ] || { echo "FAIL: $flag: exit $status, expected 1"; exit 1; }
  [ ! -s "$tmp/out" ] || { echo "FAIL: $flag: output on stdout"; exit 1; }
  [ "$(cat "$tmp/err")" = "$want" ] ||
    { echo "FAIL: $flag: got '$(cat "$tmp/err")', expected '$want'"; exit 1; }
  echo "ok   $want"
done
"$bin/npusim" "$tmp/conv.bin" --array-model cycle > /dev/null
echo "ok   --array-model cycle still runs"

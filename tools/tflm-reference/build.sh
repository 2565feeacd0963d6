#!/usr/bin/env bash
# Build tflm_run: a host (x86-64 Linux) command-line runner of TensorFlow Lite
# Micro's reference kernels.
#
#   build.sh [TFLM_DIR] [GEMMLOWP_DIR] [FLATBUFFERS_DIR] [OUT_DIR] [RUY_DIR]
#
# TFLM_DIR         tensorflow/tflite-micro checkout (tested: 90b983c2b3f1)
# GEMMLOWP_DIR     google/gemmlowp (TFLM pins 719139ce755a0f31cbf1c37f7f98adcc7fc9f425);
#                  only fixedpoint/ and internal/detect_platform.h are used
# FLATBUFFERS_DIR  google/flatbuffers at the tag TFLM pins (v25.9.23; the
#                  generated schema headers static_assert on that version);
#                  only include/ is used, unpatched
# OUT_DIR          where obj/, libtflm_ref.a and tflm_run go
# RUY_DIR          optional google/ruy; only ruy/profiler/instrumentation.h is
#                  included (a no-op unless RUY_PROFILER is defined). If not
#                  given, an equivalent no-op stub is generated.
#
# Objects are rebuilt when missing or older than their .cc or this script
# (header edits are not tracked: delete OUT_DIR/obj to force a full rebuild).
# The TFLM "signal" custom ops (audio front end, need kissfft) are not built.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TFLM="$(cd "${1:-$HERE/tflm}" && pwd)"
GEMMLOWP="$(cd "${2:-$HERE/third_party/gemmlowp}" && pwd)"
FLATBUFFERS="$(cd "${3:-$HERE/third_party/flatbuffers}" && pwd)"
OUT="${4:-$HERE/build}"
RUY="${5:-}"
RUNNER_SRC="$HERE/tflm_run.cc"

CXX="${CXX:-g++}"
JOBS="${JOBS:-$(nproc)}"

mkdir -p "$OUT/obj"
OUT="$(cd "$OUT" && pwd)"

for f in "$TFLM/tensorflow/lite/micro/micro_interpreter.cc" \
         "$GEMMLOWP/fixedpoint/fixedpoint.h" \
         "$FLATBUFFERS/include/flatbuffers/flatbuffers.h" "$RUNNER_SRC"; do
  [ -f "$f" ] || { echo "build.sh: missing $f" >&2; exit 1; }
done

if [ -n "$RUY" ]; then
  RUY_INC="$(cd "$RUY" && pwd)"
else
  RUY_INC="$OUT/ruy_stub"
  mkdir -p "$RUY_INC/ruy/profiler"
  cat > "$RUY_INC/ruy/profiler/instrumentation.h" <<'EOF'
// No-op stand-in for ruy/profiler/instrumentation.h without RUY_PROFILER.
#ifndef RUY_RUY_PROFILER_INSTRUMENTATION_H_
#define RUY_RUY_PROFILER_INSTRUMENTATION_H_
namespace ruy {
namespace profiler {
class ScopeLabel {
 public:
  template <typename... Args>
  explicit ScopeLabel(Args...) {}
};
}  // namespace profiler
}  // namespace ruy
#endif
EOF
fi

# Same defines as TFLM's Makefile for a host (TARGET=linux) default build, plus
# -ffp-contract=off so float kernels never get fused multiply-adds.
CXXFLAGS=(
  -std=c++17 -O2 -ffp-contract=off
  -fno-rtti -fno-exceptions -fno-threadsafe-statics
  -DTF_LITE_STATIC_MEMORY -DTF_LITE_DISABLE_X86_NEON -DTF_LITE_USE_CTIME
  -DFLATBUFFERS_LOCALE_INDEPENDENT=0
  -I"$TFLM" -I"$GEMMLOWP" -I"$FLATBUFFERS/include" -I"$RUY_INC"
  -w
)

# ---- sources -------------------------------------------------------------
cd "$TFLM"
SRCS=()
# Framework (MicroInterpreter, allocator, planners, bridge). debug_log.cc is
# replaced by the runner's own DebugLog; test helpers are left out.
for f in tensorflow/lite/micro/*.cc \
         tensorflow/lite/micro/arena_allocator/*.cc \
         tensorflow/lite/micro/memory_planner/*.cc \
         tensorflow/lite/micro/tflite_bridge/*.cc; do
  case "$f" in
    *_test.cc|*/debug_log.cc|*/test_helpers.cc|*/test_helper_custom_ops.cc|\
    */fake_micro_context.cc|*/mock_micro_graph.cc) continue ;;
  esac
  SRCS+=("$f")
done
# Reference kernels (top-level kernels/ only: no cmsis_nn/xtensa/arc_mli/...).
for f in tensorflow/lite/micro/kernels/*.cc; do
  case "$f" in
    *_test.cc|*/conv_test_common.cc|*/kernel_runner.cc|\
    *_flexbuffers_generated_data.cc) continue ;;
  esac
  SRCS+=("$f")
done
# Code shared with TfLite (what TFLM's sources.inc calls TFL_CC_SRCS, minus
# array.cc which is excluded under TF_LITE_STATIC_MEMORY).
SRCS+=(
  tensorflow/lite/core/c/common.cc
  tensorflow/lite/core/api/flatbuffer_conversions.cc
  tensorflow/lite/core/api/tensor_utils.cc
  tensorflow/lite/kernels/kernel_util.cc
  tensorflow/lite/kernels/internal/common.cc
  tensorflow/lite/kernels/internal/quantization_util.cc
  tensorflow/lite/kernels/internal/runtime_shape.cc
  tensorflow/lite/kernels/internal/tensor_ctypes.cc
  tensorflow/lite/kernels/internal/tensor_utils.cc
  tensorflow/lite/kernels/internal/portable_tensor_utils.cc
  tensorflow/lite/kernels/internal/reference/portable_tensor_utils.cc
  tensorflow/compiler/mlir/lite/schema/schema_utils.cc
  tensorflow/compiler/mlir/lite/core/api/error_reporter.cc
)

# ---- compile (parallel, incremental by mtime) -----------------------------
SELF="$HERE/build.sh"
export CXX OUT SELF
export CXXFLAGS_STR="$(printf '%q ' "${CXXFLAGS[@]}")"
compile_one() {
  src="$1"
  obj="$OUT/obj/${src//\//__}"; obj="${obj%.cc}.o"
  if [ -f "$obj" ] && [ "$obj" -nt "$src" ] && [ "$obj" -nt "$SELF" ]; then
    echo "$obj"; return 0
  fi
  eval "\"\$CXX\" $CXXFLAGS_STR -c \"\$src\" -o \"\$obj.tmp\"" \
    || { echo "build.sh: compile failed: $src" >&2; return 1; }
  mv "$obj.tmp" "$obj"
  echo "$obj"
}
export -f compile_one
echo "build.sh: compiling ${#SRCS[@]} TFLM sources with $CXX (-j$JOBS)" >&2
printf '%s\n' "${SRCS[@]}" | xargs -P "$JOBS" -I{} bash -c 'compile_one "$@"' _ {} \
  > "$OUT/objs.txt"
[ "$(wc -l < "$OUT/objs.txt")" -eq "${#SRCS[@]}" ] \
  || { echo "build.sh: some sources failed to compile" >&2; exit 1; }

rm -f "$OUT/libtflm_ref.a"
ar rcs "$OUT/libtflm_ref.a" $(cat "$OUT/objs.txt")

"$CXX" "${CXXFLAGS[@]}" "$RUNNER_SRC" "$OUT/libtflm_ref.a" -o "$OUT/tflm_run"
echo "build.sh: built $OUT/tflm_run" >&2

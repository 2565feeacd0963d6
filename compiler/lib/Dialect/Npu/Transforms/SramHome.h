//===- SramHome.h - Where a tensor lives on chip ----------------*- C++ -*-===//
//
// Private to the npu transforms. npu-plan-sram keeps a tensor in a
// scratchpad for its whole life when it fits (its "home") and records it on
// the defining op; the lowering reads it back. A home is a dense NHWC block
// (lower ranks are read as N = H = 1 or N = 1) with an optional halo of
// padding rows and columns around every image, kept at the tensor's zero
// point for the convolutions that read it.
//
// The planner also records, per op, the scratchpad space the op may use as
// its working area (tile slots for operands in DRAM, staging for results
// going to DRAM).
//
//===----------------------------------------------------------------------===//
#ifndef NPU_LIB_DIALECT_NPU_TRANSFORMS_SRAMHOME_H
#define NPU_LIB_DIALECT_NPU_TRANSFORMS_SRAMHOME_H

#include "Common.h"

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Isa.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"

#include <array>
#include <optional>

namespace mlir::npu {

/// Attribute on an op whose result has an on-chip home.
inline constexpr llvm::StringLiteral kSramAttrName = "npu.sram";
/// Attribute on an op: its working areas in IBUF and OBUF.
inline constexpr llvm::StringLiteral kWorkAttrName = "npu.work";

/// Alignment of every on-chip tensor and working area (one bank line).
inline constexpr int64_t kSramAlignment = 16;

/// A tensor's logical shape as N, H, W, C: rank 1 is [C], rank 2 [W, C],
/// rank 3 [N, W, C], higher ranks fold their leading dimensions into N.
struct Nhwc {
  int64_t n = 1, h = 1, w = 1, c = 1;
  static Nhwc of(ShapedType type);
};

/// Padding rows/columns kept around each image of a home.
struct Halo {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
  bool empty() const { return !top && !bottom && !left && !right; }
  Halo max(const Halo &o) const;
};

/// An on-chip tensor.
struct SramHome {
  ::npu::isa::Buffer buf = ::npu::isa::Buffer::IBuf;
  int64_t base = 0;
  Halo halo;
  Nhwc shape;
  int64_t elem = 1;

  int64_t paddedH() const { return shape.h + halo.top + halo.bottom; }
  int64_t paddedW() const { return shape.w + halo.left + halo.right; }
  /// Bytes between consecutive pixels, rows and images.
  int64_t pixPitch() const { return shape.c * elem; }
  int64_t rowPitch() const { return paddedW() * pixPitch(); }
  int64_t imagePitch() const { return paddedH() * rowPitch(); }
  int64_t bytes() const { return shape.n * imagePitch(); }
  /// Byte address of element (n, y, x, c); y and x may reach into the halo
  /// (negative or past the edge).
  int64_t addr(int64_t n, int64_t y, int64_t x, int64_t c = 0) const {
    return base + n * imagePitch() + (y + halo.top) * rowPitch() +
           (x + halo.left) * pixPitch() + c * elem;
  }
  /// True when the tensor's bytes are dense row-major (no halo).
  bool dense() const { return halo.empty(); }

  static int64_t bytesFor(ShapedType type, const Halo &halo);
};

/// Working areas of one op (size 0: none).
struct WorkAreas {
  int64_t ibufBase = 0, ibufSize = 0;
  int64_t obufBase = 0, obufSize = 0;
};

/// The home of `v`, if it has one (function arguments and results of ops
/// without the attribute live in DRAM).
std::optional<SramHome> getSramHome(Value v);
void setSramHome(Operation *def, const SramHome &home);
WorkAreas getWorkAreas(Operation *op);
void setWorkAreas(Operation *op, const WorkAreas &work);

/// The tensors npu-plan-sram would keep on chip in `func` for `arch`, planned
/// without recording anything (for passes that reshape the graph first).
FailureOr<llvm::DenseSet<Value>>
planOnChipTensors(func::FuncOp func, const ::npu::ArchConfig &arch);

} // namespace mlir::npu

#endif // NPU_LIB_DIALECT_NPU_TRANSFORMS_SRAMHOME_H

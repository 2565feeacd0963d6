//===- MacLayer.h - MAC layers on the array (LowerMac*.cpp) -----*- C++ -*-===//
//
// The geometry of a MAC layer as the systolic array sees it, shared by the
// weight-stationary lowering (LowerMac.cpp) and the activation-stationary
// one for 1x1 convolutions on small maps (LowerMacTransposed.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef NPU_DIALECT_NPU_TRANSFORMS_MACLAYER_H
#define NPU_DIALECT_NPU_TRANSFORMS_MACLAYER_H

#include "Lowering.h"

#include "npu/Isa/Cost.h"

#include <functional>
#include <optional>

namespace mlir::npu::lowering {

/// One MAC layer as the array sees it: a batch of NHWC images convolved with
/// a KH x KW window (fully connected and matmul are 1 x 1 windows over a
/// 1 x W image).
struct GemmLayer {
  int64_t batches = 1;
  int64_t IH = 1, IW = 1, IC = 1, OH = 1, OW = 1, OC = 1;
  int64_t KH = 1, KW = 1, SH = 1, SW = 1, DH = 1, DW = 1;
  int64_t PT = 0, PB = 0, PL = 0, PR = 0;
  int32_t inZp = 0;
  std::function<int64_t(int64_t)> inAddr, outAddr;
  /// Weights: a constant OHWI tensor (re-laid out here), or a K x OC
  /// row-major matrix per batch already in DRAM (matmul's b).
  std::optional<std::vector<int64_t>> constWeights; // OHWI values
  std::function<int64_t(int64_t)> weightMatrixAddr;
  npuisa::PpuParams ppu;
  /// On-chip homes of the input and the output (else DRAM).
  std::optional<SramHome> inHome, outHome;
  /// IBUF bytes to request for an im2col buffer (im2colBytes).
  int64_t im2colBytes = 0;
  /// An int16 convolution split into high/low byte columns (conv2d's
  /// split_input): the even kernel columns' passes shift by 8.
  bool splitInput = false;
};

/// Cycles (cost model) of `passes` array passes over `pixels` pixels on
/// `cols` columns, each with its weight preload.
inline int64_t arrayPassCycles(const ::npu::ArchConfig &arch, int64_t passes,
                               int64_t pixels, int64_t cols) {
  const auto R = static_cast<unsigned>(arch.array.rows);
  const auto C = static_cast<unsigned>(std::min(cols, arch.array.cols));
  const uint64_t port =
      static_cast<uint64_t>(arch.sram.banks * arch.sram.bankWidthBytes);
  return passes *
         static_cast<int64_t>(
             npuisa::cost::gemmCycles(static_cast<uint64_t>(pixels), R, C) +
             npuisa::cost::preloadCycles(R, C, port));
}

/// True when `g` (a 1x1 convolution npu-plan-sram reserved
/// transposedWeightBytes for) can run activation stationary with the
/// operands' homes and the op's working areas.
bool activationStationaryFits(const ProgramEmitter &e, const GemmLayer &g);
/// Emits `g` (constant weights, PPU parameters with bias) activation
/// stationary, its weight chunks in the IBUF area at `weightArea`
/// (transposedWeightBytes long).
LogicalResult lowerActivationStationary(ProgramEmitter &e, Operation *src,
                                        GemmLayer &g, int64_t weightArea);

} // namespace mlir::npu::lowering

#endif // NPU_DIALECT_NPU_TRANSFORMS_MACLAYER_H

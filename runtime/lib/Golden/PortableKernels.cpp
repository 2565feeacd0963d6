//===- PortableKernels.cpp - Kernels for the baseline ISA -----------------===//
//
// The portable kernels (PortableKernels.h) compiled with the project's
// ordinary flags: the table every host can run.
//
//===----------------------------------------------------------------------===//
#include "PortableKernels.h"

namespace npu::golden::kernels {
namespace {

void gemmSums(const GemmArgs &a) { gemmSumsBody(a); }
uint64_t gemmOrdered(const GemmArgs &a) { return gemmOrderedBody(a); }
uint64_t storeResults(const StoreArgs &a) { return storeResultsBody(a); }
void dwSums(const DwArgs &a) { dwSumsBody(a); }
uint64_t dwOrdered(const DwArgs &a) { return dwOrderedBody(a); }
PpuEvents ppu(const PpuArgs &a) { return ppuBody(a); }

} // namespace

constexpr Kernels kPortableKernels{gemmSums, gemmOrdered, storeResults,
                                   dwSums,   dwOrdered,   ppu};

} // namespace npu::golden::kernels

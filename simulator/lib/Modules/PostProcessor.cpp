//===- PostProcessor.cpp - Requantization of accumulators -----------------===//
#include "npusim/Modules/PostProcessor.h"

#include "npusim/Modules/Lanes.h"

#include "npu/Isa/PpuTable.h"

#include <string>

namespace npu::sim {

PostProcessor::PostProcessor(sc_core::sc_module_name name,
                             const ArchConfig &config, Functional &functional,
                             Recorder &recorder)
    : sc_core::sc_module(name), busyOut("busy"), sram("sram"),
      functional(functional), recorder(recorder),
      lanes(static_cast<uint32_t>(config.ppu.lanes)) {}

void PostProcessor::configure(const isa::PpuConfig &c, uint32_t instr,
                              UnitClock &clock) {
  const uint64_t start = clock.now();
  if (!functional.execute(instr))
    return;
  registers = c;
  clock.advance(1);
  recorder.busy(Unit::Ppu, instr, start, clock.now(), "ppu.cfg");
}

void PostProcessor::run(const isa::Ppu &p, uint32_t instr, UnitClock &clock) {
  const uint64_t start = clock.now();
  if (clock.isCoupled())
    busyOut.write(true);
  if (!functional.execute(instr))
    return;
  const uint64_t elements = uint64_t(p.pixels) * p.channels;
  const uint32_t outBytes = elementBytes(registers.outType);
  // Transposed, a step's results go down a destination column, dst_stride
  // bytes apart.
  const int64_t dstLaneStride =
      p.transpose ? int64_t(p.dstStride) : int64_t(outBytes);
  if (elements) {
    const uint64_t steps = isa::cost::ppuSteps(p, lanes);
    const uint64_t step =
        laneStepCycles(sram,
                       {{isa::Buffer::ABuf, p.srcAddr, 4, 4},
                        {p.dstBuf, p.dstAddr, outBytes, dstLaneStride}},
                       p.channels, lanes);
    clock.advance(steps * step + kLatency);
  }

  ActivityStats &a = recorder.activity(instr);
  a.ppuElements += elements;
  sram[static_cast<int>(isa::Buffer::ABuf)]->read(elements * 4, instr);
  sram[static_cast<int>(p.dstBuf)]->write(elements * outBytes, instr);
  // Per-channel parameters: a lane's per column, read once when one step
  // covers every channel and per pixel otherwise; transposed, one channel's
  // per row, shared by its lanes.
  const uint64_t paramBytes = isa::ppuTableBytesPerChannel(registers);
  const uint64_t paramSets =
      p.transpose ? p.pixels
                  : uint64_t(p.channels) * (p.channels <= lanes ? 1 : p.pixels);
  sram[static_cast<int>(isa::Buffer::PBuf)]->read(
      paramBytes * paramSets + (registers.hasLut ? elements : 0), instr);
  recorder.busy(Unit::Ppu, instr, start, clock.now(), "ppu",
                recorder.tracing()
                    ? std::to_string(p.pixels) + " pixels x " +
                          std::to_string(p.channels) + " channels"
                    : std::string());
  if (clock.isCoupled())
    busyOut.write(false);
}

} // namespace npu::sim

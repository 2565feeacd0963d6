//===- TestPrograms.h - Small programs shared by the runtime tests --------===//
#ifndef NPU_UNITTESTS_TESTPROGRAMS_H
#define NPU_UNITTESTS_TESTPROGRAMS_H

#include "npu/Program/Builder.h"
#include "npu/Support/ByteIO.h"
#include "npu/Support/Checksum.h"

namespace npu::test {

/// A program using every section: constants, an input with embedded
/// default data, an output, two layers with debug ranges, tokens between
/// all three queues. It adds 1 to every byte of a 4x8 int8 tensor via
/// vec.rescale (x - (-1)) * 1.
inline Program sampleProgram() {
  ArchConfig config = *resolveArchConfig("npu-tiny");
  ProgramBuilder b(config);
  const uint64_t table = b.addConstant(std::vector<uint8_t>(256, 7));
  (void)table;
  TensorDesc in{"in:0", TensorRole::Input, ElementType::I8, {4, 8}, 0.5, -1,
                0};
  TensorDesc out{"out/0", TensorRole::Output, ElementType::I8, {4, 8}, 0.5, 0,
                 0};
  const size_t inIdx = b.addTensor(in);
  const size_t outIdx = b.addTensor(out);
  std::vector<uint8_t> data(32);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<uint8_t>(i * 9 - 100);
  b.setDefaultInput(inIdx, data);

  LayerInfo load;
  load.name = "load_in";
  load.kind = "dma";
  b.beginLayer(load, "sample.mlir:1:1");
  isa::DmaLoad dl;
  dl.buf = isa::Buffer::IBuf;
  dl.dramAddr = static_cast<uint32_t>(b.tensorAddr(inIdx));
  dl.dramRowStride = 8;
  dl.dramColStride = 1;
  dl.sramRowStride = 8;
  dl.rows = 4;
  dl.cols = 8;
  dl.elemBytes = 1;
  dl.deps.pushNext = true;
  b.emit(dl);
  LayerInfo add;
  add.name = "add_one";
  add.kind = "rescale";
  add.macs = 0;
  add.accBound = 255;
  add.accBitsNeeded = 9;
  b.beginLayer(add, "sample.mlir:2:3");
  isa::Rescale r;
  r.src = {isa::Buffer::IBuf, 0, isa::DType::I8, 8, 1};
  r.dst = {isa::Buffer::OBuf, 0, isa::DType::I8, 8, 1};
  r.nOuter = 4;
  r.nInner = 8;
  r.inZp = -1;
  r.mult = 1 << 30;
  r.shift = 30;
  r.deps.popPrev = true;
  r.deps.pushNext = true;
  b.emit(r);
  isa::DmaStore ds;
  ds.buf = isa::Buffer::OBuf;
  ds.dramAddr = static_cast<uint32_t>(b.tensorAddr(outIdx));
  ds.dramRowStride = 8;
  ds.dramColStride = 1;
  ds.sramRowStride = 8;
  ds.rows = 4;
  ds.cols = 8;
  ds.elemBytes = 1;
  ds.deps.popPrev = true;
  b.emit(ds);
  return b.finish();
}

/// Recomputes the CRC-32 field of a prog.bin image.
inline void fixCrc(std::vector<uint8_t> &bytes) {
  const uint8_t zeros[4] = {0, 0, 0, 0};
  storeLE<uint32_t>(bytes.data() + 20,
                    crc32({{bytes.data(), 20},
                           {zeros, 4},
                           {bytes.data() + 24, bytes.size() - 24}}));
}

/// Offset of the section-table entry of the first section of `type`.
inline size_t sectionEntry(const std::vector<uint8_t> &bytes, uint32_t type) {
  const uint64_t table = loadLE<uint64_t>(bytes.data() + 48);
  const uint32_t count = loadLE<uint32_t>(bytes.data() + 56);
  for (uint32_t i = 0; i < count; ++i) {
    size_t entry = table + 32 * i;
    if (loadLE<uint32_t>(bytes.data() + entry) == type)
      return entry;
  }
  return 0;
}

/// File offset of the data of the first section of `type`.
inline size_t sectionData(const std::vector<uint8_t> &bytes, uint32_t type) {
  return loadLE<uint64_t>(bytes.data() + sectionEntry(bytes, type) + 8);
}

} // namespace npu::test

#endif // NPU_UNITTESTS_TESTPROGRAMS_H

//===- Tensor.h - Host-side tensors and .npy files --------------*- C++ -*-===//
#ifndef NPU_TENSOR_TENSOR_H
#define NPU_TENSOR_TENSOR_H

#include "npu/Support/ElementType.h"
#include "npu/Support/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace npu {

/// A dense row-major tensor with little-endian elements.
struct Tensor {
  ElementType type = ElementType::I8;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  Tensor() = default;
  Tensor(ElementType type, std::vector<int64_t> shape);

  /// Product of the dimensions (1 for a scalar).
  int64_t numElements() const;
  /// Element i read as a signed/unsigned integer of the tensor's type
  /// (float32 tensors: truncated toward zero).
  int64_t getInt(int64_t index) const;
  /// Stores `value` truncated to the element type (float32: converted).
  void setInt(int64_t index, int64_t value);
};

/// "[1,49,10,1]".
std::string formatShape(const std::vector<int64_t> &shape);

/// Parses a NumPy .npy file (format versions 1.0, 2.0 and 3.0; dtypes int8,
/// uint8, int16, int32, float32, either byte order; C order only). Errors
/// name `source` and what is wrong.
Result<Tensor> parseNpy(const uint8_t *data, size_t size,
                        std::string_view source);
Result<Tensor> readNpy(const std::string &path);

/// Serializes as a version 1.0 .npy file with a 64-byte aligned header.
std::vector<uint8_t> serializeNpy(const Tensor &tensor);
Status writeNpy(const std::string &path, const Tensor &tensor);

} // namespace npu

#endif // NPU_TENSOR_TENSOR_H

//===- SetArch.cpp - Attach the target ArchConfig to a module -------------===//
#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::npu {
#define GEN_PASS_DEF_NPUSETARCH
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

void mlir::npu::setArchConfig(ModuleOp module,
                              const ::npu::ArchConfig &config) {
  Builder b(module.getContext());
  SmallVector<NamedAttribute> fields;
  for (const ::npu::ArchFieldInfo &info : ::npu::archFieldInfos())
    fields.push_back(b.getNamedAttr(
        info.key, b.getStringAttr(*::npu::getArchField(config, info.key))));
  module->setAttr(kArchAttrName, b.getDictionaryAttr(fields));
}

FailureOr<::npu::ArchConfig> mlir::npu::getArchConfig(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>(kArchAttrName);
  if (!dict)
    return module.emitError("module has no '")
           << kArchAttrName << "' attribute (run npu-set-arch first)";
  ::npu::ArchConfig config;
  for (NamedAttribute field : dict) {
    auto value = dyn_cast<StringAttr>(field.getValue());
    ::npu::Status status =
        value ? ::npu::setArchField(config, field.getName().str(),
                                    value.getValue().str())
              : ::npu::Status(::npu::makeError(field.getName().str(),
                                               ": expected a string value"));
    if (!status)
      return module.emitError(kArchAttrName)
             << ": " << status.error().getMessage();
  }
  ::npu::Status valid = ::npu::validateArchConfig(config);
  if (!valid)
    return module.emitError(kArchAttrName)
           << ": " << valid.error().getMessage();
  return config;
}

namespace {
struct SetArchPass : mlir::npu::impl::NpuSetArchBase<SetArchPass> {
  using NpuSetArchBase::NpuSetArchBase;
  void runOnOperation() override {
    ::npu::Result<::npu::ArchConfig> config = ::npu::resolveArchConfig(arch);
    if (!config) {
      getOperation().emitError(config.error().getMessage());
      return signalPassFailure();
    }
    for (const std::string &assignment : overrides) {
      ::npu::Status status = ::npu::applyArchOverride(*config, assignment);
      if (!status) {
        getOperation().emitError("--set ")
            << assignment << ": " << status.error().getMessage();
        return signalPassFailure();
      }
    }
    setArchConfig(getOperation(), *config);
  }
};
} // namespace

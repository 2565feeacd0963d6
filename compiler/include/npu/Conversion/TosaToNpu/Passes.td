//===- Passes.td - TOSA to npu conversion ------------------*- tablegen -*-===//
#ifndef NPU_CONVERSION_TOSATONPU_PASSES_TD
#define NPU_CONVERSION_TOSATONPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def TosaToNpu : Pass<"tosa-to-npu", "::mlir::func::FuncOp"> {
  let summary = "Fuse TOSA int8 graphs into npu graph operations";
  let description = [{
    Rewrites conv2d / depthwise_conv2d / fully_connected / matmul with the
    tosa.rescale (and tosa.clamp) that follow them into one npu op with
    fused requantization; element-wise add/sub/mul with their input and
    output rescales into npu.eltwise; pooling, table, reduction, layout and
    integer element-wise ops into their npu counterparts; tosa.const into
    arith.constant. Any operation left over is an error naming it.
  }];
  let dependentDialects = ["::mlir::npu::NpuDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif

//===- Passes.td - npu dialect passes ----------------------*- tablegen -*-===//
#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NpuSetArch : Pass<"npu-set-arch", "::mlir::ModuleOp"> {
  let summary = "Attach the target ArchConfig to the module";
  let description = [{
    Resolves `arch` (a preset name or a YAML file) and the `set` overrides
    and stores every field in the module attribute `npu.arch`, which the
    other passes read.
  }];
  let options = [
    Option<"arch", "arch", "std::string", "\"npu-base\"",
           "Preset name or YAML file">,
    ListOption<"overrides", "set", "std::string",
               "key=value ArchConfig overrides">
  ];
}

def NpuRequantizeWeights
    : Pass<"npu-requantize-weights", "::mlir::ModuleOp"> {
  let summary = "Re-quantize constant weights per layer or WESS-style";
  let description = [{
    For every convolution and fully connected layer with constant int8
    weights and an int32 bias, takes each channel's real scale (its
    multiplier times 2^-shift) and re-quantizes the dequantized weights and
    bias: `per-layer` with one symmetric scale for the whole layer (its
    largest |weight| maps to 127), `wess` with that scale divided by 2^k_c
    per output channel, k_c in 0..15 the largest shift that keeps the
    channel within 127 (and the channel's total shift within the PPU's
    range). The requantization then has one multiplier, with one shift
    (per-layer) or a shift per channel (which npu-fold-rescale folds into
    the shift-table form). `exact` changes nothing. Layers of TFLite's
    16x8 mode (int64 bias, split int16 input) keep their weights. `plan`,
    when given, sets the mode of every MAC layer with constant int8 weights
    (rescaleLayers: convolutions, depthwise convolutions and fully
    connected layers), in order (npuc --precision-plan with
    --rescale=auto); `mode` auto needs a plan.
  }];
  let options = [
    Option<"mode", "mode", "::mlir::npu::RescaleMode",
           "::mlir::npu::RescaleMode::Exact", "exact, per-layer or wess",
           [{::mlir::npu::rescaleModeValues()}]>,
    ListOption<"plan", "plan", "std::string",
               "The mode (exact, per-layer or wess) of each planned layer, "
               "in order">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def NpuWeightPoints : Pass<"npu-weight-points", "::mlir::ModuleOp"> {
  let summary = "Multi-point weights for a low-bit array";
  let description = [{
    On an array with `array.weight_bits` = 4 (2) every convolution and
    fully connected layer runs its int8 weights as points: the 2 (4)
    base-16 (base-4) digits of w, the leading one signed, each in a pass
    whose sums are shifted to its place (`gemm acc_shift`), the others
    unsigned (`load.weights low_point`). All points represent every int8
    weight exactly. `points` = n keeps the n leading digits, rounding each
    weight to a multiple of the n'th digit's place; `auto` starts at one
    point and gives the next point to groups of `array.cols` output
    channels (a group is what one pass computes) in the order that removes
    the most weight error, until the layer's weight SQNR (dB, against the
    model's real weights) reaches `budget`. `exact` and the maximum change
    nothing. The lowering reads the points from the weights: a pass whose
    digits are all zero is not emitted. Records per-channel point counts
    (`npu.weight_points`) and the weights' SQNR. Depthwise layers run on
    the vector unit with int8 weights and are left alone. `plan`, when
    given, sets the points of every layer the pass decomposes, in walk
    order (the precision planner's choice), or of every pass group of those
    layers in order (`--weight-points=auto` chosen by output error).
  }];
  let options = [
    Option<"points", "points", "::mlir::npu::WeightPoints",
           "::mlir::npu::WeightPoints::Exact", "exact, 1 to 4, or auto",
           [{::mlir::npu::weightPointsValues()}]>,
    Option<"budget", "budget", "double", "30.0",
           "auto: the weight SQNR (dB) each layer must reach">,
    ListOption<"plan", "plan", "int",
               "Points (1 to 8 / weight_bits) of each layer, or of each pass "
               "group, in "
               "order, overriding `points` (npuc --precision-plan)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def NpuQuantReport : Pass<"npu-quant-report", "::mlir::ModuleOp"> {
  let summary = "Write the per-layer quantization report (JSON)";
  let description = [{
    Writes `file` (nothing when empty): per MAC layer its name, the rescale
    mode npu-requantize-weights applied (or exact), weight bits, PPU form,
    the 4-bit channel shifts (min, mean, max), the weights' SQNR against
    the model's real weights and the static accumulator bound and bits.
    With `table` it also prints them as a text table on stderr. Runs after
    npu-fold-rescale and npu-acc-bound.
  }];
  let options = [
    Option<"file", "file", "std::string", "\"\"", "Report path">,
    Option<"table", "table", "bool", "false",
           "Also print the layers as a table on stderr">
  ];
}

def NpuFoldRescale : Pass<"npu-fold-rescale", "::mlir::func::FuncOp"> {
  let summary = "Choose the PPU form of each requantization, exactly";
  let description = [{
    Folds TOSA's per-channel (multiplier, shift) arrays into the cheapest
    PPU form that computes the same bits: "per_layer" when all channels
    agree, "shift_table" (one multiplier, a base shift and a 4-bit shift
    per channel) when only the shifts differ by at most 15, "per_channel"
    tables otherwise. A layer whose form is beyond the PPU's
    `ppu.rescale` is an error that suggests npuc's `--rescale`.
  }];
}

def NpuAccBound : Pass<"npu-acc-bound", "::mlir::ModuleOp"> {
  let summary = "Static worst-case accumulator bound per layer";
  let description = [{
    For every MAC layer computes max over output channels of
    sum |w| * max |x - zp|, with x's range narrowed by the producer's clamp,
    the bits that needs, records both on the op (`acc_bound`, `acc_bits`)
    and warns for each layer that may overflow the configured
    `array.acc_bits`.
  }];
}

def NpuCascade : Pass<"npu-cascade", "::mlir::ModuleOp"> {
  let summary = "Run chains of convolutions band by band (cascaded tiling)";
  let description = [{
    Finds chains of convolutions and depthwise convolutions whose
    intermediate tensors would not fit on chip (a trial of npu-plan-sram's
    plan), and rewrites each chain into horizontal bands of its last
    layer's output: per band, every layer of the chain computes just the
    rows the next one needs (overlapping rows are recomputed), so the
    intermediates are band-sized and stay on chip. The chain reads its input
    through row slices and writes its output through a concatenation along
    the rows; npu-plan-memory makes both views of one DRAM buffer, so no
    byte is copied. A chain is cascaded only when the activation bytes it
    keeps off DRAM exceed the extra weight and input bytes the bands load,
    the recomputed rows stay within `max-recompute` of the chain's MACs, and
    a trial plan keeps every band intermediate on chip.
  }];
  let options = [
    Option<"maxRecompute", "max-recompute", "double", /*default=*/"0.1",
           "Most MACs recomputed in overlapping rows, as a fraction of the "
           "chain's MACs">,
  ];
}

def NpuPlanSram : Pass<"npu-plan-sram", "::mlir::ModuleOp"> {
  let summary = "Keep activations on chip: scratchpad homes by liveness";
  let description = [{
    Gives every intermediate tensor that fits a home in IBUF or OBUF for its
    whole live range (`npu.sram` on the defining op: buffer, address and the
    halo of padding a convolution reading it needs), so layers pass
    activations on chip. Tensors read by the array, the depthwise or the
    pooling unit live in IBUF. Tensors share bytes when their live ranges
    do not overlap (first fit by start time). Ops that still read from or
    write to DRAM get working areas for their tiles (`npu.work`). What does
    not fit, function arguments and returned values stay in DRAM.
  }];
}

def NpuPlanMemory : Pass<"npu-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place the tensors that live in DRAM, reusing space by liveness";
  let description = [{
    Assigns every tensor produced in @main without an on-chip home (and
    every argument) a DRAM offset (`npu.dram` attributes). Intermediate
    tensors share space when their live ranges do not overlap (first fit);
    reshapes alias their input; inputs and outputs keep their space for the
    whole program. The arena size is recorded as `npu.arena_size` on the
    module.
  }];
}

def NpuLowerToInstructions
    : Pass<"npu-lower-to-instructions", "::mlir::ModuleOp"> {
  let summary = "Tile graph ops to scratchpads and emit instructions";
  let description = [{
    Replaces @main by an npu.program: weights re-laid out for the array
    and placed after the activation arena, each graph op tiled to the
    ArchConfig's scratchpads (halves when double buffered; convolutions as
    implicit im2col gemm sequences) and emitted as npu.instr ops in one
    npu.layer per op. No dependency tokens yet (npu-schedule adds them).
  }];
  let dependentDialects = ["::mlir::npu::NpuDialect"];
}

def NpuPrefetch : Pass<"npu-prefetch", "::mlir::ModuleOp"> {
  let summary = "Load each layer's constants while the previous layer computes";
  let description = [{
    Moves the loads a layer starts with (weights, PPU tables, halo fills:
    loads that read only DRAM constants) into the previous layer, after its
    first compute instruction and after every instruction touching the same
    scratchpad bytes, so the load queue fetches them early. The moved loads
    form an npu.layer piece with their layer's id. Run before npu-schedule.
  }];
}

def NpuSchedule : Pass<"npu-schedule", "::mlir::ModuleOp"> {
  let summary = "Insert load/compute/store dependency tokens";
  let description = [{
    Finds every hazard between instructions of different queues from their
    memory footprints (RAW, WAR, WAW on scratchpads and DRAM) and sets the
    fewest token flags that order them, relaying load<->store dependencies
    through compute-queue token instructions. Independent work (the next
    tile's loads into the other buffer half) stays free to overlap.
  }];
}

#endif

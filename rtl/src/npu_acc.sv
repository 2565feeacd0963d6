// npu_acc: the accumulator stage under one column of the MAC array.
//
// Combinational: when the bottom PE's partial sum is valid (and the column
// enabled), out = fit(psum << acc_shift), then, when accumulating,
// out = fit(acc_in + out), where acc_in is the old accumulator value the
// memory side supplies for the vector that leaves the column now. Each fit
// flags a result outside ACC_BITS (ovf_shift, ovf_add) and wraps or
// saturates it. The memory side writes out back on the rising edge.
module npu_acc #(
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0,
    localparam int WIDE_BITS = ACC_BITS + 32
) (
    input  logic                       enable,
    input  logic signed [ACC_BITS-1:0] psum,
    input  logic                       psum_valid,
    input  logic        [         4:0] acc_shift,
    input  logic                       accumulate,
    input  logic signed [ACC_BITS-1:0] acc_in,
    output logic                       out_valid,
    output logic signed [ACC_BITS-1:0] out,
    output logic                       ovf_shift,
    output logic                       ovf_add
);
  localparam logic signed [WIDE_BITS-1:0] Max = WIDE_BITS'((64'sd1 <<< (ACC_BITS - 1)) - 1);
  localparam logic signed [WIDE_BITS-1:0] Min = -Max - 1;

  logic signed [WIDE_BITS-1:0] shifted, added;
  logic signed [ ACC_BITS-1:0] shifted_fit, added_fit;
  logic shifted_oor, added_oor;

  always_comb begin
    shifted = WIDE_BITS'(psum) <<< acc_shift;
    shifted_oor = shifted > Max || shifted < Min;
    if (!shifted_oor || SATURATE == 0) shifted_fit = shifted[ACC_BITS-1:0];
    else if (shifted > Max) shifted_fit = Max[ACC_BITS-1:0];
    else shifted_fit = Min[ACC_BITS-1:0];

    added = WIDE_BITS'(acc_in) + WIDE_BITS'(shifted_fit);
    added_oor = added > Max || added < Min;
    if (!added_oor || SATURATE == 0) added_fit = added[ACC_BITS-1:0];
    else if (added > Max) added_fit = Max[ACC_BITS-1:0];
    else added_fit = Min[ACC_BITS-1:0];
  end

  assign out_valid = enable && psum_valid;
  assign out       = accumulate ? added_fit : shifted_fit;
  assign ovf_shift = out_valid && shifted_oor;
  assign ovf_add   = out_valid && accumulate && added_oor;
endmodule

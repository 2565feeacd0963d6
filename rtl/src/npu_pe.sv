// npu_pe: one processing element of the weight-stationary MAC array.
//
// Registers: the stationary weight, the activation passing right (with its
// valid bit) and the partial sum passing down (with its valid bit). On a
// rising edge, when the PE's column is enabled:
//   act   <= act_in,  act_valid <= act_valid_in
//   psum  <= fit(psum_in + (act_valid_in ? act_in * weight : 0))
//            (fit only when psum_valid_in; fit brings the sum back into
//             ACC_BITS by wrapping or saturating)
//   psum_valid <= psum_valid_in
// and, independently of the enable, weight <= weight_in when w_shift (the
// preload shifts weights down the column). ovf flags, for the coming edge,
// a partial sum outside the ACC_BITS range.
module npu_pe #(
    parameter int WEIGHT_BITS = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0,
    localparam int ACT_BITS = 9,
    localparam int SUM_BITS = ACC_BITS + 2
) (
    input  logic                          clk,
    input  logic                          rst,
    input  logic                          enable,
    input  logic                          w_shift,
    input  logic signed [WEIGHT_BITS-1:0] weight_in,
    output logic signed [WEIGHT_BITS-1:0] weight,
    input  logic signed [   ACT_BITS-1:0] act_in,
    input  logic                          act_valid_in,
    output logic signed [   ACT_BITS-1:0] act,
    output logic                          act_valid,
    input  logic signed [   ACC_BITS-1:0] psum_in,
    input  logic                          psum_valid_in,
    output logic signed [   ACC_BITS-1:0] psum,
    output logic                          psum_valid,
    output logic                          ovf
);
  localparam logic signed [SUM_BITS-1:0] Max = SUM_BITS'((64'sd1 <<< (ACC_BITS - 1)) - 1);
  localparam logic signed [SUM_BITS-1:0] Min = -Max - 1;

  logic signed [SUM_BITS-1:0] product, sum;
  logic signed [ACC_BITS-1:0] fitted;
  logic                       out_of_range;

  always_comb begin
    product = act_valid_in ? SUM_BITS'(act_in * weight) : '0;
    sum = SUM_BITS'(psum_in) + product;
    out_of_range = sum > Max || sum < Min;
    if (!out_of_range || SATURATE == 0) fitted = sum[ACC_BITS-1:0];
    else if (sum > Max) fitted = Max[ACC_BITS-1:0];
    else fitted = Min[ACC_BITS-1:0];
  end

  assign ovf = enable && psum_valid_in && out_of_range;

  always_ff @(posedge clk) begin
    if (rst) begin
      weight <= '0;
      act <= '0;
      act_valid <= 1'b0;
      psum <= '0;
      psum_valid <= 1'b0;
    end else begin
      if (w_shift) weight <= weight_in;
      if (enable) begin
        act <= act_in;
        act_valid <= act_valid_in;
        psum <= psum_valid_in ? fitted : sum[ACC_BITS-1:0];
        psum_valid <= psum_valid_in;
      end
    end
  end
endmodule

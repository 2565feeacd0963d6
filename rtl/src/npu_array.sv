// npu_array: the ROWS x COLS weight-stationary MAC array and its column
// accumulators, cycle for cycle the register model the simulator steps in
// its cycle array model (simulator/include/npusim/Modules/CycleArrayModel.h;
// docs/rtl.md describes the protocol).
//
// Weight preload: with w_shift high, w_row enters row 0 and every row moves
// down one; after ROWS such edges row r holds the ROWS-1-r'th row fed.
// w_row carries PE_WEIGHT_BITS per column (WEIGHT_BITS + 1 below 8 bits).
// Compute: act[r] (an int8 input minus its zero point, 9 bits) enters row r
// at column 0 with act_valid[r]; activations move right, partial sums move
// down. Feeding vector n's element r at edge n + r (the skew) makes column
// c's result for vector n leave at edge n + ROWS + c. Columns at or beyond
// active_cols are clock-gated (hold, no events).
// Per edge, combinationally: acc_valid/acc_out per column (the memory side
// supplies acc_in, the old value, when accumulate is set, and writes
// acc_out back on the edge), and overflow flags: pe_ovf for every PE whose
// new partial sum leaves ACC_BITS, acc_ovf_shift/acc_ovf_add per column.
// dbg_psum/dbg_psum_valid show every PE's partial-sum register, for the
// lockstep checker (synthesis keeps them only if something reads them).
module npu_array #(
    parameter int ROWS = 8,
    parameter int COLS = 8,
    parameter int WEIGHT_BITS = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0,
    localparam int ACT_BITS = 9,
    localparam int COL_BITS = $clog2(COLS + 1),
    // A 4-bit (2-bit) array's weights arrive as 5-bit (3-bit) signed
    // values: the WBUF read extends a packed weight by its sign, or by
    // zero for unsigned ones (load.weights low_point, the lower points of
    // multi-point weights).
    localparam int PE_WEIGHT_BITS = WEIGHT_BITS < 8 ? WEIGHT_BITS + 1 : WEIGHT_BITS
) (
    input  logic                            clk,
    input  logic                            rst,
    input  logic                            w_shift,
    input  logic [COLS*PE_WEIGHT_BITS-1:0]  w_row,
    input  logic [              ROWS-1:0]   act_valid,
    input  logic [      ROWS*ACT_BITS-1:0]  act,
    input  logic [          COL_BITS-1:0]   active_cols,
    input  logic [                   4:0]   acc_shift,
    input  logic                            accumulate,
    input  logic [      COLS*ACC_BITS-1:0]  acc_in,
    output logic [              COLS-1:0]   acc_valid,
    output logic [      COLS*ACC_BITS-1:0]  acc_out,
    output logic [              COLS-1:0]   acc_ovf_shift,
    output logic [              COLS-1:0]   acc_ovf_add,
    output logic [         ROWS*COLS-1:0]   pe_ovf,
    output logic [ROWS*COLS*ACC_BITS-1:0]   dbg_psum,
    output logic [         ROWS*COLS-1:0]   dbg_psum_valid
);
  // Inter-PE wiring, indexed [row][col]. The bottom row's weights and the
  // last column's activations feed nothing (the ends of the chains).
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [PE_WEIGHT_BITS-1:0] weight [ROWS][COLS];
  logic signed [   ACT_BITS-1:0] act_r    [ROWS][COLS];
  logic                          act_v    [ROWS][COLS];
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [   ACC_BITS-1:0] psum     [ROWS][COLS];
  logic                          psum_v   [ROWS][COLS];
  logic        [      COLS-1:0]  enable;

  for (genvar c = 0; c < COLS; c++) begin : g_enable
    assign enable[c] = COL_BITS'(c) < active_cols;
  end

  for (genvar r = 0; r < ROWS; r++) begin : g_row
    for (genvar c = 0; c < COLS; c++) begin : g_col
      logic signed [PE_WEIGHT_BITS-1:0] weight_in;
      logic signed [   ACT_BITS-1:0] act_in;
      logic                          act_valid_in;
      logic signed [   ACC_BITS-1:0] psum_in;
      logic                          psum_valid_in;

      if (r == 0) begin : g_top
        assign weight_in = w_row[c*PE_WEIGHT_BITS+:PE_WEIGHT_BITS];
        assign psum_in = '0;
        assign psum_valid_in = act_valid_in;
      end else begin : g_below
        assign weight_in = weight[r-1][c];
        assign psum_in = psum[r-1][c];
        assign psum_valid_in = psum_v[r-1][c];
      end
      if (c == 0) begin : g_left
        assign act_in = act[r*ACT_BITS+:ACT_BITS];
        assign act_valid_in = act_valid[r];
      end else begin : g_right
        assign act_in = act_r[r][c-1];
        assign act_valid_in = act_v[r][c-1];
      end

      npu_pe #(
          .WEIGHT_BITS(PE_WEIGHT_BITS),
          .ACC_BITS(ACC_BITS),
          .SATURATE(SATURATE)
      ) u_pe (
          .clk,
          .rst,
          .enable(enable[c]),
          .w_shift,
          .weight_in,
          .weight(weight[r][c]),
          .act_in,
          .act_valid_in,
          .act(act_r[r][c]),
          .act_valid(act_v[r][c]),
          .psum_in,
          .psum_valid_in,
          .psum(psum[r][c]),
          .psum_valid(psum_v[r][c]),
          .ovf(pe_ovf[r*COLS+c])
      );
      assign dbg_psum[(r*COLS+c)*ACC_BITS+:ACC_BITS] = psum[r][c];
      assign dbg_psum_valid[r*COLS+c] = psum_v[r][c];
    end
  end

  for (genvar c = 0; c < COLS; c++) begin : g_acc
    npu_acc #(
        .ACC_BITS(ACC_BITS),
        .SATURATE(SATURATE)
    ) u_acc (
        .enable(enable[c]),
        .psum(psum[ROWS-1][c]),
        .psum_valid(psum_v[ROWS-1][c]),
        .acc_shift,
        .accumulate,
        .acc_in(acc_in[c*ACC_BITS+:ACC_BITS]),
        .out_valid(acc_valid[c]),
        .out(acc_out[c*ACC_BITS+:ACC_BITS]),
        .ovf_shift(acc_ovf_shift[c]),
        .ovf_add(acc_ovf_add[c])
    );
  end
endmodule

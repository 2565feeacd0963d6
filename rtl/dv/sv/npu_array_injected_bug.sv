// npu_array_injected_bug: npu_array with a deliberately wrong PE, for the
// lockstep checker's self-test (rtl/test/injected-bug.sh). Verification
// only: never synthesized, never part of the design (rtl/src).
//
// PE (1, 0) adds one to the product of every odd activation: a force
// replaces the partial sum entering it with the one from PE (0, 0) plus the
// activation's low bit. The checker must report the first wrong partial
// sum at PE (1, 0).
//
// Same parameters and ports as npu_array (the checker drives it through
// the same VerilatedArray); needs ROWS >= 2.
module npu_array_injected_bug #(
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
  npu_array #(
      .ROWS(ROWS),
      .COLS(COLS),
      .WEIGHT_BITS(WEIGHT_BITS),
      .ACC_BITS(ACC_BITS),
      .SATURATE(SATURATE)
  ) u_array (
      .*
  );

  // The PE's own signals are shared by every PE (one module); the wires
  // into PE (1, 0) belong to this one instance of the array.
  always_comb
    force u_array.g_row[1].g_col[0].psum_in =
        u_array.psum[0][0] + ACC_BITS'(u_array.g_row[1].g_col[0].act_in[0]);
endmodule

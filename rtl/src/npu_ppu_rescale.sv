// npu_ppu_rescale: the requantization parameters of the PPU's lanes, in
// each form ArchConfig ppu.rescale can build (docs/quantization.md).
//
// The PPU requantizes LANES output channels per step; lane l needs its
// channel's multiplier M and shift S (apply_scale_32 in docs/isa.md). This
// module holds them and is the only part of the PPU whose size depends on
// the form; the multiply, round and clamp datapath behind it is the same
// for every form and is not part of it.
//
//   FORM 0, per-layer:   one M and one S, loaded by ppu.cfg, fed to every
//                        lane.
//   FORM 1, shift-table: one M and a base S from ppu.cfg, plus a 4-bit k_c
//                        per lane loaded from the PBUF table; S = base + k.
//   FORM 2, per-channel: an M and an S per lane, loaded from the PBUF
//                        tables.
//
// Table entries arrive one lane at a time (tbl_we, tbl_lane); the outputs
// are registered parameters, valid from the cycle after the write.
module npu_ppu_rescale #(
    parameter int LANES = 16,
    parameter int FORM = 2,
    localparam int LaneBits = LANES > 1 ? $clog2(LANES) : 1
) (
    input  logic                    clk,
    input  logic                    rst_n,
    // Each form uses some of the inputs below and leaves the others
    // (e.g. the per-channel form ignores cfg_*).
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic                    cfg_we,
    input  logic [            31:0] cfg_mult,
    input  logic [             5:0] cfg_shift,
    input  logic                    tbl_we,
    input  logic [    LaneBits-1:0] tbl_lane,
    input  logic [            31:0] tbl_mult,
    input  logic [             5:0] tbl_shift,
    input  logic [             3:0] tbl_k,
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [LANES*32-1:0] lane_mult,
    output logic [ LANES*6-1:0] lane_shift
);
  if (FORM == 2) begin : g_per_channel
    logic [31:0] mult_q[LANES];
    logic [ 5:0] shift_q[LANES];
    always_ff @(posedge clk or negedge rst_n) begin
      if (!rst_n) begin
        for (int l = 0; l < LANES; l++) begin
          mult_q[l]  <= '0;
          shift_q[l] <= '0;
        end
      end else if (tbl_we) begin
        mult_q[tbl_lane]  <= tbl_mult;
        shift_q[tbl_lane] <= tbl_shift;
      end
    end
    for (genvar l = 0; l < LANES; l++) begin : g_lane
      assign lane_mult[l*32+:32] = mult_q[l];
      assign lane_shift[l*6+:6]  = shift_q[l];
    end
  end else begin : g_shared
    logic [31:0] mult_q;
    logic [ 5:0] shift_q;
    always_ff @(posedge clk or negedge rst_n) begin
      if (!rst_n) begin
        mult_q  <= '0;
        shift_q <= '0;
      end else if (cfg_we) begin
        mult_q  <= cfg_mult;
        shift_q <= cfg_shift;
      end
    end
    if (FORM == 1) begin : g_shift_table
      logic [3:0] k_q[LANES];
      always_ff @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
          for (int l = 0; l < LANES; l++) k_q[l] <= '0;
        end else if (tbl_we) begin
          k_q[tbl_lane] <= tbl_k;
        end
      end
      for (genvar l = 0; l < LANES; l++) begin : g_lane
        assign lane_mult[l*32+:32] = mult_q;
        assign lane_shift[l*6+:6]  = shift_q + 6'(k_q[l]);
      end
    end else begin : g_per_layer
      for (genvar l = 0; l < LANES; l++) begin : g_lane
        assign lane_mult[l*32+:32] = mult_q;
        assign lane_shift[l*6+:6]  = shift_q;
      end
    end
  end
endmodule

// Raw entropy words for firmware, from a noise source outside the SoC core:
// on boards a ring-oscillator source with health tests, in simulation
// entropy_source_sim_model (named as such). A small FIFO decouples the
// source's rate from the CPU. A failed health test is sticky: the block then
// never hands out another word, and firmware reports TPM_RC_FAILURE.
`include "soc_map.vh"

module entropy #(
  parameter integer Depth = 16  // GetRandom takes 16 words at once
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        req_i,
  input  wire [11:0] addr_i,
  input  wire        we_i,
  input  wire [31:0] wdata_i,
  input  wire [3:0]  wstrb_i,
  output reg  [31:0] rdata_o,
  output reg         ack_o,
  // noise source side
  input  wire        src_valid_i,
  input  wire [31:0] src_word_i,
  input  wire        src_health_fail_i,
  output wire        src_ready_o
);
  localparam [31:0] Name0   = 32'h656E7472;  // "entr"
  localparam [31:0] Name1   = 32'h6F707920;  // "opy "
  localparam [31:0] Version = 32'h00010000;
  localparam integer PtrW   = $clog2(Depth);

  reg [31:0]   fifo_q [0:Depth-1];
  reg [PtrW:0] wr_q, rd_q;
  reg          failed_q;
  wire [PtrW:0] fill  = wr_q - rd_q;
  wire          empty = (fill == 0);
  wire          access = req_i & ~ack_o;
  wire [31:0]   addr   = {20'd0, addr_i};  // compared with 32-bit offsets from soc_map.vh
  wire          pop = access & ~we_i & (addr == `MCTPM_ENTROPY_DATA) & ~empty & ~failed_q;
  wire          push = src_valid_i & src_ready_o;

  assign src_ready_o = (fill != Depth[PtrW:0]) & ~failed_q;

  always @(posedge clk_i) begin
    if (push) fifo_q[wr_q[PtrW-1:0]] <= src_word_i;
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_q     <= 0;
      rd_q     <= 0;
      failed_q <= 1'b0;
      rdata_o  <= 32'd0;
      ack_o    <= 1'b0;
    end else begin
      ack_o <= access;
      if (src_health_fail_i) failed_q <= 1'b1;
      if (push) wr_q <= wr_q + 1'b1;
      if (pop)  rd_q <= rd_q + 1'b1;
      if (access && !we_i) begin
        case (addr)
          `MCTPM_REG_NAME0:      rdata_o <= Name0;
          `MCTPM_REG_NAME1:      rdata_o <= Name1;
          `MCTPM_REG_VERSION:    rdata_o <= Version;
          `MCTPM_ENTROPY_STATUS: rdata_o <= {30'd0, failed_q, ~empty & ~failed_q};
          `MCTPM_ENTROPY_DATA:   rdata_o <= (empty | failed_q) ? 32'd0 : fifo_q[rd_q[PtrW-1:0]];
          default:                     rdata_o <= 32'd0;
        endcase
      end
    end
  end

  // Writes are accepted and ignored; the block has no writable register.
  wire unused_ok = &{1'b0, wdata_i, wstrb_i};
endmodule

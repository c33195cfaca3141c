// System control: identity, the free-running cycle counter, the firmware's
// status word, its per-command cycle count and the simulation console.
//
// The cycle counter is what benchmarks and the TPM clock read. Reading
// CYCLE_LO latches CYCLE_HI so that a 64-bit read is consistent.
`include "soc_map.vh"

module sysctl (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        req_i,
  input  wire [11:0] addr_i,
  input  wire        we_i,
  input  wire [31:0] wdata_i,
  input  wire [3:0]  wstrb_i,
  output reg  [31:0] rdata_o,
  output reg         ack_o,
  output wire [63:0] cycles_o,       // for blocks that time stamp (benchmarks)
  output reg  [31:0] fw_status_o,    // bit0 booted, bit1 idle
  output reg  [31:0] fw_cmd_cycles_o,// firmware's own count for the last command (benchmarks)
  output reg  [7:0]  console_data_o, // simulation console: one byte per strobe
  output reg         console_valid_o
);
  localparam [31:0] Name0   = 32'h6D637470;  // "mctp"
  localparam [31:0] Name1   = 32'h73797363;  // "sysc"
  localparam [31:0] Version = 32'h00010000;

  reg [63:0] cycles_q;
  reg [31:0] cycle_hi_latch_q;
  wire       access = req_i & ~ack_o;
  wire [31:0] addr  = {20'd0, addr_i};  // compared with 32-bit offsets from soc_map.vh

  assign cycles_o = cycles_q;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      cycles_q         <= 64'd0;
      cycle_hi_latch_q <= 32'd0;
      fw_cmd_cycles_o        <= 32'd0;
      fw_status_o      <= 32'd0;
      console_data_o   <= 8'd0;
      console_valid_o  <= 1'b0;
      rdata_o          <= 32'd0;
      ack_o            <= 1'b0;
    end else begin
      cycles_q        <= cycles_q + 64'd1;
      console_valid_o <= 1'b0;
      ack_o           <= access;
      if (access && we_i) begin
        case (addr)
          `MCTPM_SYSCTL_FW_STATUS:   fw_status_o <= wdata_i;
          `MCTPM_SYSCTL_FW_CMD_CYCLES:     fw_cmd_cycles_o   <= wdata_i;
          `MCTPM_SYSCTL_SIM_CONSOLE: if (wstrb_i[0]) begin
            console_data_o  <= wdata_i[7:0];
            console_valid_o <= 1'b1;
          end
          default: ;
        endcase
      end
      if (access && !we_i) begin
        case (addr)
          `MCTPM_REG_NAME0:        rdata_o <= Name0;
          `MCTPM_REG_NAME1:        rdata_o <= Name1;
          `MCTPM_REG_VERSION:      rdata_o <= Version;
          `MCTPM_SYSCTL_CYCLE_LO: begin
            rdata_o          <= cycles_q[31:0];
            cycle_hi_latch_q <= cycles_q[63:32];
          end
          `MCTPM_SYSCTL_CYCLE_HI:  rdata_o <= cycle_hi_latch_q;
          `MCTPM_SYSCTL_FW_STATUS: rdata_o <= fw_status_o;
          `MCTPM_SYSCTL_FW_CMD_CYCLES:   rdata_o <= fw_cmd_cycles_o;
          default:                       rdata_o <= 32'd0;
        endcase
      end
    end
  end
  // Registers are written as whole words; only the console looks at a strobe.
  wire unused_ok = &{1'b0, wstrb_i[3:1]};
endmodule

// Ring control: bus wrapper (registers RING_* at RING_BASE) around
// ring_control_core. See rtl/ring/README.md for the registers and the rules.
//
// The access policy refuses every write here in ring 1 (ring_access_policy.v),
// so only ring 0 firmware reaches RING_ENTER and RING_SCRUB.
`include "soc_map.vh"

module ring_control (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        req_i,
  input  wire [11:0] addr_i,
  input  wire        we_i,
  input  wire [31:0] wdata_i,
  input  wire [3:0]  wstrb_i,
  output reg  [31:0] rdata_o,
  output reg         ack_o,

  // SPI TPM front end
  input  wire        cmd_pending_i,
  input  wire [31:0] cmd_cc_i,
  input  wire        rsp_done_i,
  input  wire        go_i,
  input  wire [31:0] go_cc_i,
  output wire        trap_o,
  // context RAM scrubber
  output wire        scrub_start_o,
  input  wire        scrub_busy_i,
  // access policy refusals
  input  wire        denied_i,
  input  wire [31:0] denied_addr_i,
  // state for the SoC (policy) and the front end (vendor registers)
  output wire        cr0_o,
  output wire [31:0] trap_cc_o,
  output wire [31:0] trap_count_o
);
  localparam [31:0] Name0     = "ring";
  localparam [31:0] Name1     = "_ctl";
  localparam [31:0] Version   = 32'h0001_0000;  // 1.0
  localparam [31:0] StCr0     = `MCTPM_RING_STATUS_CR0;
  localparam [31:0] StArmed   = `MCTPM_RING_STATUS_ARMED;
  localparam [31:0] StScrub   = `MCTPM_RING_STATUS_SCRUBBING;
  localparam [31:0] StResid   = `MCTPM_RING_STATUS_RESIDENT;

  wire        access = req_i & ~ack_o;
  wire [31:0] addr   = {20'd0, addr_i};  // compared with 32-bit offsets from soc_map.vh
  wire        set1   = we_i && wstrb_i[0] && wdata_i[0];  // "write 1"

  wire        armed, resident;
  wire [31:0] denied_count, denied_addr;

  ring_control_core u_core (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .enter_i        (access && set1 && addr == `MCTPM_RING_ENTER),
    .scrub_i        (access && set1 && addr == `MCTPM_RING_SCRUB),
    .cmd_pending_i  (cmd_pending_i),
    .cmd_cc_i       (cmd_cc_i),
    .rsp_done_i     (rsp_done_i),
    .go_i           (go_i),
    .go_cc_i        (go_cc_i),
    .trap_o         (trap_o),
    .scrub_start_o  (scrub_start_o),
    .scrub_busy_i   (scrub_busy_i),
    .denied_i       (denied_i),
    .denied_addr_i  (denied_addr_i),
    .cr0_o          (cr0_o),
    .armed_o        (armed),
    .resident_o     (resident),
    .trap_cc_o      (trap_cc_o),
    .trap_count_o   (trap_count_o),
    .denied_count_o (denied_count),
    .denied_addr_o  (denied_addr)
  );

  wire [31:0] status = (cr0_o ? StCr0 : 32'd0) | (armed ? StArmed : 32'd0) |
                       (scrub_busy_i ? StScrub : 32'd0) | (resident ? StResid : 32'd0);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rdata_o <= 32'd0;
      ack_o   <= 1'b0;
    end else begin
      ack_o <= access;
      if (access) begin
        rdata_o <= 32'd0;
        if (!we_i) begin
          case (addr)
            `MCTPM_REG_NAME0:         rdata_o <= Name0;
            `MCTPM_REG_NAME1:         rdata_o <= Name1;
            `MCTPM_REG_VERSION:       rdata_o <= Version;
            `MCTPM_RING_STATUS:       rdata_o <= status;
            `MCTPM_RING_TRAP_CC:      rdata_o <= trap_cc_o;
            `MCTPM_RING_TRAP_COUNT:   rdata_o <= trap_count_o;
            `MCTPM_RING_DENIED_COUNT: rdata_o <= denied_count;
            `MCTPM_RING_DENIED_ADDR:  rdata_o <= denied_addr;
            default: ;
          endcase
        end
      end
    end
  end

  // Commands are single bits: only byte 0 of a write matters.
  wire unused_ok = &{1'b0, wdata_i[31:1], wstrb_i[3:1]};
endmodule

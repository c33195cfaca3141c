// Ring control: CR0 and the rules that change it.
//
//  - After reset CR0 = 0 (ring 0: the chip is a plain TPM).
//  - Entry: firmware arms it (enter_i) while a LAUNCH or RESUME is the
//    pending command, CR0 = 0 and no scrub runs; CR0 := 1 when that
//    command's response is handed over (rsp_done_i, the TPMIF_RSP_LEN write).
//    Any response handed over disarms; so does a scrub request.
//  - Trap: at tpmGo (go_i) of a command whose code is in the management page
//    while CR0 = 1, trap_o tells the front end to answer it itself
//    (MGMT_RC_TRAPPED); CR0 := 0, the code and a count are recorded.
//  - RESIDENT: a context entered ring 1 since the last scrub.
//  - Denials: the SoC reports every access the policy refused.
//
// trap_o is combinational on purpose: the front end decides at the tpmGo
// commit whether the command goes to the firmware or is answered in
// hardware, and that decision has to use the CR0 of that very cycle.
`include "management.vh"

module ring_control_core (
  input  wire        clk_i,
  input  wire        rst_ni,
  // firmware requests (bus wrapper: a write of 1 to RING_ENTER / RING_SCRUB)
  input  wire        enter_i,
  input  wire        scrub_i,
  // from the SPI TPM front end
  input  wire        cmd_pending_i,   // a command is with the firmware
  input  wire [31:0] cmd_cc_i,        // its command code
  input  wire        rsp_done_i,      // pulse: the firmware handed its response over
  input  wire        go_i,            // pulse: tpmGo of a complete command
  input  wire [31:0] go_cc_i,         // that command's code
  output wire        trap_o,          // with go_i: do not execute, answer MGMT_RC_TRAPPED
  // the context RAM's scrubber
  output reg         scrub_start_o,   // pulse
  input  wire        scrub_busy_i,
  // refusals of the access policy (one pulse per refused access)
  input  wire        denied_i,
  input  wire [31:0] denied_addr_i,
  // state
  output reg         cr0_o,
  output reg         armed_o,
  output reg         resident_o,
  output reg  [31:0] trap_cc_o,
  output reg  [31:0] trap_count_o,
  output reg  [31:0] denied_count_o,
  output reg  [31:0] denied_addr_o
);
  localparam [31:0] CcPage     = `MCTPM_MGMT_CC_PAGE;
  localparam [31:0] CcPageMask = `MCTPM_MGMT_CC_PAGE_MASK;
  localparam [31:0] CcLaunch   = `MCTPM_MGMT_CC_LAUNCH;
  localparam [31:0] CcResume   = `MCTPM_MGMT_CC_RESUME;

  wire entry_command = cmd_pending_i && (cmd_cc_i == CcLaunch || cmd_cc_i == CcResume);
  wire enter_ok      = enter_i && !cr0_o && !scrub_busy_i && entry_command;
  wire scrub_ok      = scrub_i && !scrub_busy_i;

  assign trap_o = go_i && cr0_o && ((go_cc_i & CcPageMask) == CcPage);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cr0_o          <= 1'b0;
      armed_o        <= 1'b0;
      resident_o     <= 1'b0;
      scrub_start_o  <= 1'b0;
      trap_cc_o      <= 32'd0;
      trap_count_o   <= 32'd0;
      denied_count_o <= 32'd0;
      denied_addr_o  <= 32'd0;
    end else begin
      scrub_start_o <= scrub_ok;
      if (scrub_ok) begin
        armed_o    <= 1'b0;
        resident_o <= 1'b0;
      end else if (enter_ok) begin
        armed_o <= 1'b1;
      end
      if (rsp_done_i) begin
        armed_o <= 1'b0;
        if (armed_o && !scrub_ok) begin  // a scrub in the same cycle wins
          cr0_o      <= 1'b1;
          resident_o <= 1'b1;
        end
      end
      if (trap_o) begin
        cr0_o        <= 1'b0;
        trap_cc_o    <= go_cc_i;
        trap_count_o <= trap_count_o + 32'd1;
      end
      if (denied_i) begin
        denied_count_o <= denied_count_o + 32'd1;
        denied_addr_o  <= denied_addr_i;
      end
    end
  end
endmodule

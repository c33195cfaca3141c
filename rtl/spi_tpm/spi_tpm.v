// SPI TPM front end: bus wrapper (firmware side) around the SPI clock domain
// (spi_tpm_phy), the TPM interface registers (spi_tpm_core) and the command
// and response buffers (one dual-clock byte RAM each).
//
// Firmware registers (offsets from soc_map.def, window TPMIF_WINDOW):
//   NAME0/NAME1/VERSION, CMD_STATUS (RO), RSP_LEN (WO), FW_FLAGS (RW),
//   EXEC_CYCLES (RO), CMD_BUF (RO words), RSP_BUF (WO words, wstrb).
// Register accesses ack in the next cycle; a CMD_BUF word read takes 5
// cycles and an RSP_BUF word write 4, because the buffers are byte wide.
// MISO is driven 0 while CS is high (no tristate: a board top that shares
// MISO gates it with CS).
//
// Ring control (rtl/ring) sees every complete command at tpmGo (go_o,
// cmd_cc_o) and may trap it (trap_i); the trapped command's response is the
// fixed 10-byte MGMT_RC_TRAPPED answer served from here, not from the
// response buffer, so neither the firmware nor its buffer is involved.
`include "soc_map.vh"
`include "management.vh"

module spi_tpm (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        req_i,
  input  wire [13:0] addr_i,
  input  wire        we_i,
  input  wire [31:0] wdata_i,
  input  wire [3:0]  wstrb_i,
  output reg  [31:0] rdata_o,
  output reg         ack_o,

  input  wire        spi_sclk_i,
  input  wire        spi_cs_ni,
  input  wire        spi_mosi_i,
  output wire        spi_miso_o,
  output wire        pirq_no,

  // ring control (rtl/ring)
  output wire        go_o,              // pulse: tpmGo of a complete command
  output wire [31:0] cmd_cc_o,          // its code; the pending command's while cmd_pending_o
  input  wire        trap_i,            // with go_o: answer MGMT_RC_TRAPPED in hardware
  output wire        cmd_pending_o,     // the firmware owns a command (CMD_STATUS bit 0)
  output wire        rsp_done_o,        // pulse: RSP_LEN written for the pending command
  input  wire        ring_cr0_i,        // shown in MCTPM_RING_STATUS
  input  wire [15:0] ring_trap_count_i,
  input  wire [31:0] ring_trap_cc_i     // shown in MCTPM_TRAP_CC
);
  localparam integer AddrW = 12;  // log2(TPMIF_BUF_SIZE): the harness checks the buffer size
  localparam [31:0] Name0    = "spi_";
  localparam [31:0] Name1    = "tpm ";
  localparam [31:0] Version  = 32'h0001_0000;  // 1.0
  localparam [31:0] OffName0 = `MCTPM_REG_NAME0;
  localparam [31:0] OffName1 = `MCTPM_REG_NAME1;
  localparam [31:0] OffVer   = `MCTPM_REG_VERSION;
  localparam [31:0] OffCmdSt = `MCTPM_TPMIF_CMD_STATUS;
  localparam [31:0] OffRspLn = `MCTPM_TPMIF_RSP_LEN;
  localparam [31:0] OffFlags = `MCTPM_TPMIF_FW_FLAGS;
  localparam [31:0] OffExec  = `MCTPM_TPMIF_EXEC_CYCLES;
  localparam [31:0] OffCmdBf = `MCTPM_TPMIF_CMD_BUF;
  localparam [31:0] OffRspBf = `MCTPM_TPMIF_RSP_BUF;
  localparam [31:0] RcTrapped = `MCTPM_MGMT_RC_TRAPPED;
  // 80 01 | size 0000000A | MGMT_RC_TRAPPED, all big-endian
  localparam [79:0] TrapRsp   = {16'h8001, 32'd10, RcTrapped};

  // ---- SPI domain <-> system domain ----
  wire             req_tgl, ack_tgl, fifo_sel;
  wire [31:0]      hdr, rd_word, wr_word, cmd_size, cmd_cc_spi;
  wire [AddrW-1:0] base;
  wire [AddrW:0]   limit;
  wire [6:0]       count, prev_count;
  wire             cmd_we;
  wire [AddrW-1:0] cmd_waddr, rsp_raddr;
  wire [7:0]       cmd_wdata, rsp_rdata, rsp_buf_rdata;

  spi_tpm_phy #(.AddrW(AddrW)) u_phy (
    .rst_ni       (rst_ni),
    .spi_sclk_i   (spi_sclk_i),
    .spi_cs_ni    (spi_cs_ni),
    .spi_mosi_i   (spi_mosi_i),
    .spi_miso_o   (spi_miso_o),
    .req_tgl_o    (req_tgl),
    .hdr_o        (hdr),
    .ack_tgl_i    (ack_tgl),
    .rd_word_i    (rd_word),
    .fifo_sel_i   (fifo_sel),
    .base_i       (base),
    .limit_i      (limit),
    .count_o      (count),
    .prev_count_o (prev_count),
    .wr_word_o    (wr_word),
    .cmd_size_o   (cmd_size),
    .cmd_cc_o     (cmd_cc_spi),
    .cmd_we_o     (cmd_we),
    .cmd_waddr_o  (cmd_waddr),
    .cmd_wdata_o  (cmd_wdata),
    .rsp_raddr_o  (rsp_raddr),
    .rsp_rdata_i  (rsp_rdata)
  );

  // ---- firmware side ----
  reg              rsp_len_we;
  reg  [31:0]      rsp_len;
  reg              self_test_done_q;
  wire             cmd_pending, overflow, aborted;
  wire [2:0]       cmd_locality;
  wire [AddrW:0]   cmd_len;
  wire [31:0]      exec_cycles;
  wire             trap_rsp;

  spi_tpm_core #(.AddrW(AddrW)) u_core (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .spi_cs_ni        (spi_cs_ni),
    .req_tgl_i        (req_tgl),
    .hdr_i            (hdr),
    .ack_tgl_o        (ack_tgl),
    .rd_word_o        (rd_word),
    .fifo_sel_o       (fifo_sel),
    .base_o           (base),
    .limit_o          (limit),
    .count_i          (count),
    .prev_count_i     (prev_count),
    .wr_word_i        (wr_word),
    .cmd_size_i       (cmd_size),
    .cmd_cc_i         (cmd_cc_spi),
    .self_test_done_i (self_test_done_q),
    .rsp_len_we_i     (rsp_len_we),
    .rsp_len_i        (rsp_len),
    .cmd_pending_o    (cmd_pending),
    .overflow_o       (overflow),
    .aborted_o        (aborted),
    .cmd_locality_o   (cmd_locality),
    .cmd_len_o        (cmd_len),
    .exec_cycles_o    (exec_cycles),
    .go_o             (go_o),
    .cmd_cc_o         (cmd_cc_o),
    .trap_i           (trap_i),
    .trap_rsp_o       (trap_rsp),
    .ring_cr0_i       (ring_cr0_i),
    .ring_trap_count_i(ring_trap_count_i),
    .ring_trap_cc_i   (ring_trap_cc_i),
    .pirq_no          (pirq_no)
  );
  assign cmd_pending_o = cmd_pending;
  assign rsp_done_o    = rsp_len_we & cmd_pending;

  // ---- buffers ----
  reg  [2:0]       step_q;   // byte lane sequencing for buffer words
  reg              busy_q;
  reg  [23:0]      collect_q;
  wire [7:0]       cmd_rdata;
  wire [1:0]       lane     = busy_q ? step_q[1:0] : 2'd0;
  wire [AddrW-1:0] cpu_addr = {addr_i[AddrW-1:2], lane};
  wire             in_cmdbf = (addr_i[13:AddrW] == OffCmdBf[13:AddrW]);
  wire             in_rspbf = (addr_i[13:AddrW] == OffRspBf[13:AddrW]);
  wire             rsp_we   = busy_q && in_rspbf && we_i && wstrb_i[lane];
  reg  [7:0]       rsp_wdata;
  always @(*) begin
    case (lane)
      2'd0: rsp_wdata = wdata_i[7:0];
      2'd1: rsp_wdata = wdata_i[15:8];
      2'd2: rsp_wdata = wdata_i[23:16];
      default: rsp_wdata = wdata_i[31:24];
    endcase
  end

  dual_clock_ram #(.Depth(1 << AddrW), .AddrW(AddrW)) u_cmd_buf (
    .wclk_i  (spi_sclk_i),
    .we_i    (cmd_we),
    .waddr_i (cmd_waddr),
    .wdata_i (cmd_wdata),
    .rclk_i  (clk_i),
    .raddr_i (cpu_addr),
    .rdata_o (cmd_rdata)
  );

  dual_clock_ram #(.Depth(1 << AddrW), .AddrW(AddrW)) u_rsp_buf (
    .wclk_i  (clk_i),
    .we_i    (rsp_we),
    .waddr_i (cpu_addr),
    .wdata_i (rsp_wdata),
    .rclk_i  (spi_sclk_i),
    .raddr_i (rsp_raddr),
    .rdata_o (rsp_buf_rdata)
  );

  // The trap response, read like the buffer: registered on SCLK, one edge
  // after the address. trap_rsp changes only at a tpmGo commit, never while
  // a response is being read, so it is quasi-static for the SCLK domain.
  localparam [AddrW-1:0] TrapLen = 10;
  reg [7:0] trap_byte_q;
  always @(posedge spi_sclk_i or negedge rst_ni) begin
    if (!rst_ni)                 trap_byte_q <= 8'hFF;
    else if (rsp_raddr < TrapLen) trap_byte_q <= TrapRsp[8'd79 - {1'b0, rsp_raddr[3:0], 3'b000} -: 8];
    else                         trap_byte_q <= 8'hFF;
  end
  assign rsp_rdata = trap_rsp ? trap_byte_q : rsp_buf_rdata;

  // ---- bus ----
  wire [31:0] cmd_status = {{(15-AddrW){1'b0}}, cmd_len, 9'd0, cmd_locality,
                            1'b0, aborted, overflow, cmd_pending};
  wire [11:0] reg_off = addr_i[11:0];

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rdata_o          <= 32'd0;
      ack_o            <= 1'b0;
      busy_q           <= 1'b0;
      step_q           <= 3'd0;
      collect_q        <= 24'd0;
      rsp_len_we       <= 1'b0;
      rsp_len          <= 32'd0;
      self_test_done_q <= 1'b0;
    end else begin
      ack_o      <= 1'b0;
      rsp_len_we <= 1'b0;
      if (busy_q) begin
        if (in_cmdbf) begin
          // lane step_q is being read; the byte of lane step_q-1 is here
          case (step_q)
            3'd1: collect_q[7:0]   <= cmd_rdata;
            3'd2: collect_q[15:8]  <= cmd_rdata;
            3'd3: collect_q[23:16] <= cmd_rdata;
            default: ;
          endcase
          if (step_q == 3'd4) begin
            rdata_o <= {cmd_rdata, collect_q};
            ack_o   <= 1'b1;
            busy_q  <= 1'b0;
          end
          step_q <= step_q + 3'd1;
        end else begin
          // response buffer: one byte lane per cycle
          if (step_q == 3'd3) begin
            ack_o  <= 1'b1;
            busy_q <= 1'b0;
          end
          step_q <= step_q + 3'd1;
        end
      end else if (req_i && !ack_o) begin
        if (in_cmdbf && !we_i) begin
          busy_q <= 1'b1;   // lane 0 is read this cycle
          step_q <= 3'd1;
        end else if (in_rspbf && we_i) begin
          busy_q <= 1'b1;
          step_q <= 3'd0;
        end else begin
          ack_o   <= 1'b1;
          rdata_o <= 32'd0;
          if (addr_i[13:AddrW] == 2'd0) begin
            if (!we_i) begin
              if (reg_off == OffName0[11:0])      rdata_o <= Name0;
              else if (reg_off == OffName1[11:0]) rdata_o <= Name1;
              else if (reg_off == OffVer[11:0])   rdata_o <= Version;
              else if (reg_off == OffCmdSt[11:0]) rdata_o <= cmd_status;
              else if (reg_off == OffFlags[11:0]) rdata_o <= {31'd0, self_test_done_q};
              else if (reg_off == OffExec[11:0])  rdata_o <= exec_cycles;
            end else begin
              if (reg_off == OffRspLn[11:0]) begin
                rsp_len_we <= 1'b1;
                rsp_len    <= wdata_i;
              end
              if (reg_off == OffFlags[11:0] && wstrb_i[0]) self_test_done_q <= wdata_i[0];
            end
          end
        end
      end
    end
  end
endmodule

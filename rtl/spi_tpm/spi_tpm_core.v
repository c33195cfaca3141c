// System clock domain of the SPI TPM front end: the TPM interface registers
// (ACCESS, INT_*, STS, FIFO bookkeeping, identity) for localities 0-4, the
// command state machine, and the firmware-side status.
//
// The SPI clock domain (spi_tpm_phy) hands over one request per frame with a
// toggle; the header and results it holds are quasi-static multi-bit values,
// read here only while the synchronised toggle or synchronised CS says they
// are stable (see the phy's header comment).
//
// Per frame: request (decode, answer, toggle ack) then, once CS is seen high,
// commit (register write effects, FIFO pointer advances). If a CS-high pulse
// was too short to be seen, the next request commits the previous frame first
// with the phy's prev_count_i.
//
// Ring trap (rtl/ring): at the tpmGo commit the core offers the command's
// code to ring control (go_o, cmd_cc_o); if trap_i answers in that cycle the
// command never reaches the firmware: the core goes straight to Completion
// with the 10-byte MGMT_RC_TRAPPED response (trap_rsp_o selects it in the
// wrapper instead of the response buffer) and sets INT_STATUS.ringTrap.
`include "tpm_spi_regs.vh"

module spi_tpm_core #(
  parameter integer AddrW = 12  // buffer address width (buffer = 2**AddrW bytes)
) (
  input  wire             clk_i,
  input  wire             rst_ni,

  // from/to spi_tpm_phy
  input  wire             spi_cs_ni,     // raw pin, synchronised here
  input  wire             req_tgl_i,
  input  wire [31:0]      hdr_i,
  output reg              ack_tgl_o,
  output reg  [31:0]      rd_word_o,
  output reg              fifo_sel_o,
  output reg  [AddrW-1:0] base_o,
  output reg  [AddrW:0]   limit_o,
  input  wire [6:0]       count_i,
  input  wire [6:0]       prev_count_i,
  input  wire [31:0]      wr_word_i,
  input  wire [31:0]      cmd_size_i,
  input  wire [31:0]      cmd_cc_i,       // command bytes 6..9 (phy)

  // firmware side
  input  wire             self_test_done_i,
  input  wire             rsp_len_we_i,   // one-cycle pulse
  input  wire [31:0]      rsp_len_i,
  output wire             cmd_pending_o,
  output reg              overflow_o,
  output reg              aborted_o,
  output reg  [2:0]       cmd_locality_o,
  output wire [AddrW:0]   cmd_len_o,
  output reg  [31:0]      exec_cycles_o,

  // ring control (rtl/ring)
  output wire             go_o,           // pulse: tpmGo accepted for a complete command
  output wire [31:0]      cmd_cc_o,       // code of the command received last (pending one while cmd_pending_o)
  input  wire             trap_i,         // with go_o: answer MGMT_RC_TRAPPED, do not execute
  output reg              trap_rsp_o,     // the response is the trap response, not the buffer
  input  wire             ring_cr0_i,     // for MCTPM_RING_STATUS
  input  wire [15:0]      ring_trap_count_i,
  input  wire [31:0]      ring_trap_cc_i, // for MCTPM_TRAP_CC

  output reg              pirq_no
);
  localparam [AddrW:0] BufSize = 1 << AddrW;
  localparam [31:0] SpiBase    = `MCTPM_TPM_SPI_ADDR_BASE;
  localparam [31:0] Localities = `MCTPM_TPM_SPI_LOCALITIES;
  localparam [31:0] OffAccess  = `MCTPM_TPM_ACCESS;
  localparam [31:0] OffIntEn   = `MCTPM_TPM_INT_ENABLE;
  localparam [31:0] OffIntVec  = `MCTPM_TPM_INT_VECTOR;
  localparam [31:0] OffIntSts  = `MCTPM_TPM_INT_STATUS;
  localparam [31:0] OffIntfCap = `MCTPM_TPM_INTF_CAPABILITY;
  localparam [31:0] OffSts     = `MCTPM_TPM_STS;
  localparam [31:0] OffFifo    = `MCTPM_TPM_DATA_FIFO;
  localparam [31:0] OffIfId    = `MCTPM_TPM_INTERFACE_ID;
  localparam [31:0] OffXFifo   = `MCTPM_TPM_XDATA_FIFO;
  localparam [31:0] OffXFifoE  = `MCTPM_TPM_XDATA_FIFO_END;
  localparam [31:0] OffDidVid  = `MCTPM_TPM_DID_VID;
  localparam [31:0] OffRid     = `MCTPM_TPM_RID;
  localparam [31:0] OffRingSts = `MCTPM_MCTPM_RING_STATUS;
  localparam [31:0] OffTrapCc  = `MCTPM_MCTPM_TRAP_CC;
  localparam [31:0] AccValid   = `MCTPM_TPM_ACCESS_VALID;
  localparam [31:0] AccActive  = `MCTPM_TPM_ACCESS_ACTIVE;
  localparam [31:0] AccSeized  = `MCTPM_TPM_ACCESS_BEEN_SEIZED;
  localparam [31:0] AccSeize   = `MCTPM_TPM_ACCESS_SEIZE;
  localparam [31:0] AccPending = `MCTPM_TPM_ACCESS_PENDING;
  localparam [31:0] AccReqUse  = `MCTPM_TPM_ACCESS_REQUEST_USE;
  localparam [31:0] AccEstab   = `MCTPM_TPM_ACCESS_ESTABLISHMENT;
  localparam [31:0] StsRetry   = `MCTPM_TPM_STS_RESPONSE_RETRY;
  localparam [31:0] StsStDone  = `MCTPM_TPM_STS_SELFTEST_DONE;
  localparam [31:0] StsExpect  = `MCTPM_TPM_STS_EXPECT;
  localparam [31:0] StsAvail   = `MCTPM_TPM_STS_DATA_AVAIL;
  localparam [31:0] StsGo      = `MCTPM_TPM_STS_GO;
  localparam [31:0] StsCmdRdy  = `MCTPM_TPM_STS_COMMAND_READY;
  localparam [31:0] StsValid   = `MCTPM_TPM_STS_VALID;
  localparam [31:0] StsBurstSh = `MCTPM_TPM_STS_BURST_SHIFT;
  localparam [31:0] StsFamily  = `MCTPM_TPM_STS_FAMILY_TPM2;
  localparam [31:0] IntAvail   = `MCTPM_TPM_INT_DATA_AVAIL;
  localparam [31:0] IntLocChg  = `MCTPM_TPM_INT_LOCALITY_CHANGE;
  localparam [31:0] IntCmdRdy  = `MCTPM_TPM_INT_COMMAND_READY;
  localparam [31:0] IntGlobal  = `MCTPM_TPM_INT_GLOBAL_ENABLE;
  localparam [31:0] IntTrap    = `MCTPM_TPM_INT_RING_TRAP;
  // Only level-low interrupts exist (PIRQ#): INT_ENABLE.typePolarity (4:3)
  // reads 01 and is not writable.
  localparam [31:0] IntLowLevel = 32'h0000_0008;
  localparam [31:0] IntEnMask  = IntGlobal | IntCmdRdy | IntTrap | IntLocChg | IntAvail;
  localparam [31:0] IntStsMask = IntCmdRdy | IntTrap | IntLocChg | IntAvail;
  // The trap response: tag, size and code are the whole response.
  localparam [AddrW:0] TrapRspLen = 10;

  // Interface state machine (see README).
  localparam [2:0] StIdle       = 3'd0;  // commandReady=0 -> StReady (write commandReady)
  localparam [2:0] StReady      = 3'd1;  // commandReady=1 -> StReception (FIFO byte)
  localparam [2:0] StReception  = 3'd2;  // Expect tracks the size field -> StExecution (tpmGo, Expect=0), StReady (commandReady)
  localparam [2:0] StExecution  = 3'd3;  // firmware owns the command -> StCompletion / StReady (RSP_LEN; StReady if aborted)
  localparam [2:0] StCompletion = 3'd4;  // dataAvail while bytes remain -> StReady (commandReady)

  // ---- synchronisers ----
  reg [1:0] cs_s_q;
  reg [2:0] req_s_q;
  reg       req_pending_q, frame_open_q;

  // ---- state ----
  reg [2:0]     st_q;
  reg [AddrW:0] wr_ptr_q, rd_ptr_q, rsp_len_q;
  reg [31:0]    cmd_size_q;
  reg [31:0]    cmd_cc_q;
  reg [31:0]    exec_cnt_q;
  reg           fw_done_q;       // RSP_LEN written, not yet applied
  reg [AddrW:0] fw_len_q;
  reg           act_valid_q;
  reg [2:0]     act_loc_q;
  reg [4:0]     req_use_q;       // per locality: requestUse pending
  reg [4:0]     seized_q;        // per locality: beenSeized
  reg [31:0]    int_en_q;
  reg [7:0]     int_vec_q;
  reg [31:0]    int_sts_q;
  reg           avail_prev_q, cmd_rdy_prev_q, act_valid_prev_q;
  reg [2:0]     act_loc_prev_q;

  // ---- the frame being served (latched when its request is answered) ----
  reg           f_read_q, f_fifo_q, f_inrange_q, f_accept_q;
  reg [2:0]     f_loc_q;
  reg [11:0]    f_off_q;
  reg [AddrW:0] f_limit_q;

  // ---- derived status ----
  wire sts_expect = (st_q == StReception) && (wr_ptr_q < BufSize) &&
                ((wr_ptr_q < 6) || ({{(31-AddrW){1'b0}}, wr_ptr_q} < cmd_size_q));
  wire data_avail = (st_q == StCompletion) && (rd_ptr_q < rsp_len_q);
  wire [AddrW:0] wr_space  = BufSize - wr_ptr_q;
  wire [AddrW:0] rd_left   = rsp_len_q - rd_ptr_q;
  reg  [15:0] burst;
  always @(*) begin
    case (st_q)
      StReady, StReception: burst = {{(15-AddrW){1'b0}}, wr_space};
      StCompletion:         burst = {{(15-AddrW){1'b0}}, rd_left};
      default:              burst = 16'd0;
    endcase
  end
  wire [31:0] sts_word = StsValid | StsFamily | ({16'd0, burst} << StsBurstSh) |
                         ((st_q == StReady) ? StsCmdRdy : 32'd0) |
                         (data_avail ? StsAvail : 32'd0) |
                         (sts_expect ? StsExpect : 32'd0) |
                         (self_test_done_i ? StsStDone : 32'd0);

  // ---- request decode (hdr_i is stable once the toggle is seen) ----
  wire        h_read    = hdr_i[31];
  wire [23:0] h_addr    = hdr_i[23:0];
  wire [2:0]  h_loc     = h_addr[14:12];
  wire [11:0] h_off     = h_addr[11:0];
  wire        h_inrange = (h_addr[23:16] == SpiBase[23:16]) &&
                          ({28'd0, h_addr[15:12]} < Localities);
  wire        h_active  = act_valid_q && (act_loc_q == h_loc);
  wire        h_fifo    = h_inrange &&
                          ((h_off[11:2] == OffFifo[11:2]) ||
                           ({20'd0, h_off} >= OffXFifo && {20'd0, h_off} <= OffXFifoE));
  wire        h_wr_ok   = (st_q == StReady) || (st_q == StReception);
  wire        h_accept  = h_fifo && h_active &&
                          (h_read ? (st_q == StCompletion) : h_wr_ok);

  // Register word at an aligned offset as locality `loc` sees it. Offsets
  // outside the map read all ones.
  function [31:0] reg_word(input [2:0] loc, input [11:0] off_al);
    reg mine;
    begin
      mine = act_valid_q && (act_loc_q == loc);
      reg_word = 32'hFFFF_FFFF;
      if (off_al == OffAccess[11:0])
        reg_word = 32'hFFFF_FF00 | AccValid | AccEstab |
                   (mine ? AccActive : 32'd0) |
                   (seized_q[loc] ? AccSeized : 32'd0) |
                   (req_use_q[loc] ? AccReqUse : 32'd0) |
                   ((req_use_q & ~(5'd1 << loc)) != 5'd0 ? AccPending : 32'd0);
      else if (off_al == OffIntEn[11:0])   reg_word = (int_en_q & IntEnMask) | IntLowLevel;
      else if (off_al == OffIntVec[11:0])  reg_word = {24'd0, int_vec_q};
      else if (off_al == OffIntSts[11:0])  reg_word = int_sts_q & IntStsMask;
      else if (off_al == OffIntfCap[11:0]) reg_word = `MCTPM_TPM_INTF_CAPABILITY_VALUE;
      else if (off_al == OffSts[11:0])     reg_word = mine ? sts_word : 32'hFFFF_FFFF;
      else if (off_al == OffIfId[11:0])    reg_word = `MCTPM_TPM_INTERFACE_ID_VALUE;
      else if (off_al == OffDidVid[11:0])  reg_word = (`MCTPM_TPM_DID << 16) | `MCTPM_TPM_VID;
      else if (off_al == OffRid[11:0])     reg_word = 32'hFFFF_FF00 | `MCTPM_TPM_RID_VALUE;
      else if (off_al == OffRingSts[11:0]) reg_word = {ring_trap_count_i, 15'd0, ring_cr0_i};
      else if (off_al == OffTrapCc[11:0])  reg_word = ring_trap_cc_i;
    end
  endfunction

  wire [31:0] h_word    = reg_word(h_loc, {h_off[11:2], 2'b00});
  // Unaligned reads start inside the word; bytes past it read 0xFF.
  wire [31:0] h_rd_word = !h_inrange ? 32'hFFFF_FFFF :
                          (h_word >> {h_off[1:0], 3'b000}) |
                          ~(32'hFFFF_FFFF >> {h_off[1:0], 3'b000});

  // ---- frame commit ----
  wire       req_edge   = req_s_q[2] ^ req_s_q[1];
  wire       commit_now = frame_open_q && (req_pending_q || cs_s_q[1]);
  wire       answer_now = !frame_open_q && req_pending_q;
  wire [6:0] c_count    = req_pending_q ? prev_count_i : count_i;
  wire [AddrW:0] c_count_ext = {{(AddrW-6){1'b0}}, c_count};
  wire [AddrW:0] c_moved = (c_count_ext < f_limit_q) ? c_count_ext : f_limit_q;
  // Register writes land in the aligned word; bytes past it are dropped.
  wire [3:0]  c_nbytes  = (c_count >= 7'd4) ? 4'hF : ((4'h1 << c_count[1:0]) - 4'h1);
  wire [3:0]  c_strb    = c_nbytes << f_off_q[1:0];
  wire [31:0] c_data    = wr_word_i << {f_off_q[1:0], 3'b000};
  wire [11:0] c_off_al  = {f_off_q[11:2], 2'b00};
  wire        c_mine    = act_valid_q && (act_loc_q == f_loc_q);
  wire        c_regwr   = commit_now && !f_read_q && !f_fifo_q && f_inrange_q;
  wire        c_access  = c_regwr && (c_off_al == OffAccess[11:0]) && c_strb[0];
  wire        c_sts0    = c_regwr && (c_off_al == OffSts[11:0]) && c_strb[0] && c_mine;
  // tpmGo that hands a complete command on (to the firmware, or to the trap)
  wire        c_go      = c_sts0 && (c_data & StsCmdRdy) == 0 && (c_data & StsGo) != 0 &&
                          st_q == StReception && !sts_expect;
  wire [31:0] c_intsts_clr = (c_regwr && c_off_al == OffIntSts[11:0]) ?
                             (c_data & {{8{c_strb[3]}}, {8{c_strb[2]}}, {8{c_strb[1]}}, {8{c_strb[0]}}}) :
                             32'd0;

  // Highest locality with requestUse pending, excluding `except`; bit 3 says
  // whether there is one.
  function [3:0] highest_pending(input [4:0] req, input [2:0] except);
    begin
      if (req[4] && except != 3'd4)      highest_pending = 4'b1100;
      else if (req[3] && except != 3'd3) highest_pending = 4'b1011;
      else if (req[2] && except != 3'd2) highest_pending = 4'b1010;
      else if (req[1] && except != 3'd1) highest_pending = 4'b1001;
      else if (req[0] && except != 3'd0) highest_pending = 4'b1000;
      else                               highest_pending = 4'b0000;
    end
  endfunction
  wire [3:0] c_next_loc = highest_pending(req_use_q, f_loc_q);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cs_s_q         <= 2'b11;
      req_s_q        <= 3'b000;
      req_pending_q  <= 1'b0;
      frame_open_q   <= 1'b0;
      ack_tgl_o      <= 1'b0;
      rd_word_o      <= 32'hFFFF_FFFF;
      fifo_sel_o     <= 1'b0;
      base_o         <= {AddrW{1'b0}};
      limit_o        <= {(AddrW+1){1'b0}};
      f_read_q       <= 1'b0;
      f_fifo_q       <= 1'b0;
      f_inrange_q    <= 1'b0;
      f_accept_q     <= 1'b0;
      f_loc_q        <= 3'd0;
      f_off_q        <= 12'd0;
      f_limit_q      <= {(AddrW+1){1'b0}};
      st_q           <= StIdle;
      wr_ptr_q       <= {(AddrW+1){1'b0}};
      rd_ptr_q       <= {(AddrW+1){1'b0}};
      rsp_len_q      <= {(AddrW+1){1'b0}};
      cmd_size_q     <= 32'd0;
      cmd_cc_q       <= 32'd0;
      trap_rsp_o     <= 1'b0;
      overflow_o     <= 1'b0;
      aborted_o      <= 1'b0;
      cmd_locality_o <= 3'd0;
      exec_cnt_q     <= 32'd0;
      exec_cycles_o  <= 32'd0;
      fw_done_q      <= 1'b0;
      fw_len_q       <= {(AddrW+1){1'b0}};
      act_valid_q    <= 1'b0;
      act_loc_q      <= 3'd0;
      req_use_q      <= 5'd0;
      seized_q       <= 5'd0;
      int_en_q       <= 32'd0;
      int_vec_q      <= 8'd0;
    end else begin
      cs_s_q  <= {cs_s_q[0], spi_cs_ni};
      req_s_q <= {req_s_q[1:0], req_tgl_i};
      if (req_edge) req_pending_q <= 1'b1;

      if (st_q == StExecution) exec_cnt_q <= exec_cnt_q + 32'd1;
      if (rsp_len_we_i) begin
        fw_done_q <= 1'b1;
        fw_len_q  <= (rsp_len_i > {{(31-AddrW){1'b0}}, BufSize}) ? BufSize : rsp_len_i[AddrW:0];
        if (st_q == StExecution) exec_cycles_o <= exec_cnt_q;
      end

      if (commit_now) begin
        // ---- end of frame: apply what the frame did ----
        frame_open_q <= 1'b0;
        if (f_fifo_q && f_accept_q && !f_read_q) begin
          wr_ptr_q   <= wr_ptr_q + c_moved;
          cmd_size_q <= cmd_size_i;
          cmd_cc_q   <= cmd_cc_i;
          if (c_count_ext > f_limit_q) overflow_o <= 1'b1;
          if (c_moved != 0 && st_q == StReady) st_q <= StReception;
        end
        if (f_fifo_q && f_accept_q && f_read_q) rd_ptr_q <= rd_ptr_q + c_moved;
        if (c_access) begin
          // one ACCESS action per write: relinquish, else seize, else request
          if ((c_data & AccActive) != 0) begin
            if (c_mine) begin
              req_use_q[f_loc_q] <= 1'b0;
              act_valid_q        <= c_next_loc[3];
              act_loc_q          <= c_next_loc[2:0];
              if (c_next_loc[3]) req_use_q[c_next_loc[2:0]] <= 1'b0;
            end else begin
              req_use_q[f_loc_q] <= 1'b0;
            end
          end else if ((c_data & AccSeize) != 0) begin
            if (!act_valid_q || f_loc_q > act_loc_q) begin
              if (act_valid_q) seized_q[act_loc_q] <= 1'b1;
              act_valid_q        <= 1'b1;
              act_loc_q          <= f_loc_q;
              req_use_q[f_loc_q] <= 1'b0;
            end
          end else if ((c_data & AccReqUse) != 0) begin
            if (!act_valid_q) begin
              act_valid_q <= 1'b1;
              act_loc_q   <= f_loc_q;
            end else if (!c_mine) begin
              req_use_q[f_loc_q] <= 1'b1;
            end
          end
          if ((c_data & AccSeized) != 0) seized_q[f_loc_q] <= 1'b0;  // write 1 clears
        end
        if (c_regwr && c_off_al == OffIntEn[11:0]) begin
          if (c_strb[0]) int_en_q[7:0]   <= c_data[7:0];
          if (c_strb[1]) int_en_q[15:8]  <= c_data[15:8];
          if (c_strb[2]) int_en_q[23:16] <= c_data[23:16];
          if (c_strb[3]) int_en_q[31:24] <= c_data[31:24];
        end
        if (c_regwr && c_off_al == OffIntVec[11:0] && c_strb[0]) int_vec_q <= c_data[7:0];
        if (c_sts0) begin
          if ((c_data & StsCmdRdy) != 0) begin
            case (st_q)
              StIdle, StReady, StReception, StCompletion: begin
                st_q       <= StReady;
                wr_ptr_q   <= {(AddrW+1){1'b0}};
                overflow_o <= 1'b0;
              end
              default: aborted_o <= 1'b1;  // Execution: firmware finishes first
            endcase
          end else if ((c_data & StsGo) != 0) begin
            if (c_go && trap_i) begin
              // ring control trapped it: answer in hardware, skip the firmware
              st_q       <= StCompletion;
              rd_ptr_q   <= {(AddrW+1){1'b0}};
              rsp_len_q  <= TrapRspLen;
              trap_rsp_o <= 1'b1;
            end else if (c_go) begin
              st_q           <= StExecution;
              exec_cnt_q     <= 32'd0;
              aborted_o      <= 1'b0;
              cmd_locality_o <= act_loc_q;
              trap_rsp_o     <= 1'b0;
            end
          end else if ((c_data & StsRetry) != 0) begin
            if (st_q == StCompletion) rd_ptr_q <= {(AddrW+1){1'b0}};
          end
        end
      end else if (answer_now) begin
        // ---- header arrived: answer it, then release the wait state ----
        req_pending_q <= 1'b0;
        frame_open_q  <= 1'b1;
        f_read_q      <= h_read;
        f_fifo_q      <= h_fifo;
        f_inrange_q   <= h_inrange;
        f_accept_q    <= h_accept;
        f_loc_q       <= h_loc;
        f_off_q       <= h_off;
        rd_word_o     <= h_rd_word;
        fifo_sel_o    <= h_fifo;
        if (h_read) begin
          base_o    <= rd_ptr_q[AddrW-1:0];
          limit_o   <= h_accept ? rd_left : {(AddrW+1){1'b0}};
          f_limit_q <= h_accept ? rd_left : {(AddrW+1){1'b0}};
        end else begin
          base_o    <= wr_ptr_q[AddrW-1:0];
          limit_o   <= h_accept ? wr_space : {(AddrW+1){1'b0}};
          f_limit_q <= h_accept ? wr_space : {(AddrW+1){1'b0}};
        end
        ack_tgl_o <= ~ack_tgl_o;
      end else if (fw_done_q) begin
        // ---- firmware finished the command (kept off frame cycles) ----
        fw_done_q <= 1'b0;
        if (st_q == StExecution) begin
          rd_ptr_q  <= {(AddrW+1){1'b0}};
          aborted_o <= 1'b0;
          if (aborted_o) begin
            st_q       <= StReady;  // the host asked for this; drop the response
            wr_ptr_q   <= {(AddrW+1){1'b0}};
            overflow_o <= 1'b0;
            rsp_len_q  <= {(AddrW+1){1'b0}};
          end else begin
            st_q      <= StCompletion;
            rsp_len_q <= fw_len_q;
          end
        end
      end
    end
  end

  // ---- interrupts: INT_STATUS bits latch enabled events, write 1 clears ----
  wire [31:0] events =
      ((data_avail && !avail_prev_q) ? IntAvail : 32'd0) |
      ((c_go && trap_i) ? IntTrap : 32'd0) |
      (((st_q == StReady) && !cmd_rdy_prev_q) ? IntCmdRdy : 32'd0) |
      (((act_valid_q != act_valid_prev_q) || (act_loc_q != act_loc_prev_q)) ? IntLocChg : 32'd0);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      int_sts_q        <= 32'd0;
      avail_prev_q     <= 1'b0;
      cmd_rdy_prev_q   <= 1'b0;
      act_valid_prev_q <= 1'b0;
      act_loc_prev_q   <= 3'd0;
      pirq_no          <= 1'b1;
    end else begin
      avail_prev_q     <= data_avail;
      cmd_rdy_prev_q   <= (st_q == StReady);
      act_valid_prev_q <= act_valid_q;
      act_loc_prev_q   <= act_loc_q;
      // ringTrap latches whether or not it is enabled (a polling host reads
      // it too); the other bits only while enabled, as before.
      int_sts_q        <= ((int_sts_q & ~c_intsts_clr) | (events & (int_en_q | IntTrap))) & IntStsMask;
      pirq_no          <= ~(int_en_q[31] && ((int_sts_q & int_en_q & IntStsMask) != 0));
    end
  end

  assign cmd_pending_o = (st_q == StExecution);
  assign go_o          = c_go;
  assign cmd_cc_o      = cmd_cc_q;
  // The transfer size matters only to the phy.
  wire unused_ok = &{1'b0, hdr_i[30:24]};
  assign cmd_len_o     = wr_ptr_q;
endmodule

// SPI clock domain of the SPI TPM front end (TCG PC Client PTP, FIFO
// interface over SPI, mode 0).
//
// Clocked only by SCLK: at up to 33 MHz against a 50 MHz system clock the bus
// cannot be oversampled, so every bit-level decision is taken here and only
// one handshake per frame crosses to the system domain (spi_tpm_core):
//   - after the 4-byte header the header is held in hdr_o and req_tgl_o
//     toggles; the system domain answers by toggling ack_tgl_i after it has
//     set rd_word_i / fifo_sel_i / base_i / limit_i (stable until the next
//     request);
//   - every frame has a wait state: the last header bit on MISO is 0 and the
//     host polls single bytes until bit 0 is 1, which happens once ack_tgl_i
//     has passed a 2-flop synchroniser clocked by SCLK (the poll bytes supply
//     the edges);
//   - the data phase moves bytes between MISO/MOSI and either a 4-byte
//     holding word (registers) or the buffers (FIFO);
//   - count_o / wr_word_o / cmd_size_o / cmd_cc_o are stable from the moment
//     CS rises until the next header completes, so the system domain reads
//     them after its synchronised view of CS is high.
//
// Frame state (bit counter, phase, shift registers, MISO) is held in reset
// while CS is high; the handshake, header and results persist across frames
// and are reset by rst_ni only.
module spi_tpm_phy #(
  parameter integer AddrW = 12  // buffer address width
) (
  input  wire             rst_ni,
  input  wire             spi_sclk_i,
  input  wire             spi_cs_ni,
  input  wire             spi_mosi_i,
  output wire             spi_miso_o,   // 0 while CS is high

  // request to the system domain: held from one header to the next
  output reg              req_tgl_o,
  output reg  [31:0]      hdr_o,        // 31 read, 29:24 size-1, 23:0 address
  input  wire             ack_tgl_i,
  // answer from the system domain: stable from ack to the next request
  input  wire [31:0]      rd_word_i,    // register read bytes, byte 0 first
  input  wire             fifo_sel_i,   // data goes to/from a buffer
  input  wire [AddrW-1:0] base_i,       // buffer index of data byte 0
  input  wire [AddrW:0]   limit_i,      // buffer bytes available to this frame

  // frame results: stable after CS rises until the next header completes
  output reg  [6:0]       count_o,      // data bytes transferred (<= size)
  output reg  [6:0]       prev_count_o, // count_o of the frame before
  output reg  [31:0]      wr_word_o,    // register write bytes, byte 0 in 7:0
  output reg  [31:0]      cmd_size_o,   // command bytes 2..5 as written (big endian)
  output reg  [31:0]      cmd_cc_o,     // command bytes 6..9 as written (big endian); 0 from byte 0 on

  // command buffer write port (SCLK)
  output wire             cmd_we_o,
  output wire [AddrW-1:0] cmd_waddr_o,
  output wire [7:0]       cmd_wdata_o,
  // response buffer read port (SCLK, data one edge after the address)
  output wire [AddrW-1:0] rsp_raddr_o,
  input  wire [7:0]       rsp_rdata_i
);
  localparam [1:0] PhHeader = 2'd0;  // 4 header bytes -> PhWait
  localparam [1:0] PhWait   = 2'd1;  // poll bytes until one ends in 1 -> PhData
  localparam [1:0] PhData   = 2'd2;  // data bytes until CS rises

  wire frame_rst = spi_cs_ni | ~rst_ni;

  reg  [2:0]  bit_q;       // rising edges seen within the current byte
  reg  [1:0]  hdr_byte_q;
  reg  [1:0]  phase_q;
  reg  [30:0] shift_q;     // MOSI bits, newest in bit 0
  reg         ready_drv_q; // the poll-byte bit 0 this frame drove last
  reg         miso_q;
  reg  [6:0]  out_q;       // remaining MISO bits of the current byte
  reg         ack_s1_q, ack_s2_q;

  wire       last_bit   = (bit_q == 3'd7);
  wire       hdr_done   = (phase_q == PhHeader) && (hdr_byte_q == 2'd3) && last_bit;
  wire       rd_frame   = hdr_o[31];
  wire [6:0] size       = {1'b0, hdr_o[29:24]} + 7'd1;
  wire       in_size    = (count_o < size);
  wire       byte_done  = (phase_q == PhData) && last_bit && in_size;
  wire [7:0] byte_in    = {shift_q[6:0], spi_mosi_i};
  wire       in_limit   = ({{(AddrW-6){1'b0}}, count_o} < limit_i);
  wire       ready      = (ack_s2_q == req_tgl_o);
  wire [AddrW-1:0] count_ext = {{(AddrW-7){1'b0}}, count_o};

  // ---- rising edge: sample MOSI, frame sequencing ----
  always @(posedge spi_sclk_i or posedge frame_rst) begin
    if (frame_rst) begin
      bit_q      <= 3'd0;
      hdr_byte_q <= 2'd0;
      phase_q    <= PhHeader;
      shift_q    <= 31'd0;
    end else begin
      bit_q   <= bit_q + 3'd1;
      shift_q <= {shift_q[29:0], spi_mosi_i};
      case (phase_q)
        PhHeader: if (last_bit) begin
          hdr_byte_q <= hdr_byte_q + 2'd1;
          if (hdr_byte_q == 2'd3) phase_q <= PhWait;
        end
        PhWait: if (last_bit && ready_drv_q) phase_q <= PhData;
        default: ;
      endcase
    end
  end

  // ---- rising edge: state that outlives the frame ----
  always @(posedge spi_sclk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ack_s1_q     <= 1'b0;
      ack_s2_q     <= 1'b0;
      req_tgl_o    <= 1'b0;
      hdr_o        <= 32'd0;
      count_o      <= 7'd0;
      prev_count_o <= 7'd0;
      wr_word_o    <= 32'd0;
      cmd_size_o   <= 32'd0;
      cmd_cc_o     <= 32'd0;
    end else begin
      ack_s1_q <= ack_tgl_i;
      ack_s2_q <= ack_s1_q;
      if (hdr_done && !spi_cs_ni) begin
        hdr_o        <= {shift_q, spi_mosi_i};
        req_tgl_o    <= ~req_tgl_o;
        prev_count_o <= count_o;
        count_o      <= 7'd0;
      end
      if (byte_done && !spi_cs_ni) begin
        count_o <= count_o + 7'd1;
        if (!rd_frame && !fifo_sel_i) begin
          case (count_o)
            7'd0: wr_word_o[7:0]   <= byte_in;
            7'd1: wr_word_o[15:8]  <= byte_in;
            7'd2: wr_word_o[23:16] <= byte_in;
            7'd3: wr_word_o[31:24] <= byte_in;
            default: ;
          endcase
        end
        // The system domain needs the command's size field (bytes 2..5) for
        // Expect and its code (bytes 6..9) for the ring trap; capturing them
        // here saves a read port on the buffer. A new command (byte 0)
        // clears the code, so a command too short to carry one never shows
        // the code of the one before.
        if (cmd_we_o) begin
          case (cmd_waddr_o)
            0: cmd_cc_o          <= 32'd0;
            2: cmd_size_o[31:24] <= byte_in;
            3: cmd_size_o[23:16] <= byte_in;
            4: cmd_size_o[15:8]  <= byte_in;
            5: cmd_size_o[7:0]   <= byte_in;
            6: cmd_cc_o[31:24]   <= byte_in;
            7: cmd_cc_o[23:16]   <= byte_in;
            8: cmd_cc_o[15:8]    <= byte_in;
            9: cmd_cc_o[7:0]     <= byte_in;
            default: ;
          endcase
        end
      end
    end
  end

  assign cmd_we_o    = byte_done && !rd_frame && fifo_sel_i && in_limit;
  assign cmd_waddr_o = base_i + count_ext;
  assign cmd_wdata_o = byte_in;
  // Prefetch: the byte for data index i+1 is read at the last rising edge of
  // byte i (and index 0 at the last edge of the final poll byte), so it is
  // ready at the falling edge that shifts out its first bit.
  assign rsp_raddr_o = (phase_q == PhData) ? base_i + count_ext + 1'b1 : base_i;

  // Next MISO byte once the data phase has started: 0xFF past the data.
  reg [7:0] data_byte;
  always @(*) begin
    data_byte = 8'hFF;
    if (rd_frame && in_size) begin
      if (fifo_sel_i) begin
        if (in_limit) data_byte = rsp_rdata_i;
      end else begin
        case (count_o)
          7'd0: data_byte = rd_word_i[7:0];
          7'd1: data_byte = rd_word_i[15:8];
          7'd2: data_byte = rd_word_i[23:16];
          7'd3: data_byte = rd_word_i[31:24];
          default: ;
        endcase
      end
    end
  end

  // ---- falling edge: drive MISO (mode 0 changes data on the falling edge) ----
  always @(negedge spi_sclk_i or posedge frame_rst) begin
    if (frame_rst) begin
      miso_q      <= 1'b0;
      out_q       <= 7'd0;
      ready_drv_q <= 1'b0;
    end else if (bit_q == 3'd0) begin
      // first bit of a new byte: header and poll bytes start with 0
      {miso_q, out_q} <= (phase_q == PhData) ? data_byte : 8'h00;
    end else if (phase_q == PhWait && last_bit) begin
      // bit 0 of a poll byte: 1 once the system domain has answered
      miso_q      <= ready;
      ready_drv_q <= ready;
    end else begin
      miso_q <= out_q[6];
      out_q  <= {out_q[5:0], 1'b0};
    end
  end

  assign spi_miso_o = miso_q;
endmodule

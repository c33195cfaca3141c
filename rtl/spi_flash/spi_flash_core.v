// SPI NOR flash controller core: one SPI mode-0 frame per start_i.
//
// A frame is: CS low, the opcode, optionally the 3 address bytes (MSB first),
// then len_i data bytes, each either sent from the 256-byte buffer (write_i)
// or received into it; CS high. The buffer belongs to the bus while idle and
// to the shifter while busy (one write port, so it maps to LUT RAM).
//
// SPI timing (HalfPeriod clk_i cycles per SCK phase, default 1: SCK =
// clk_i/2): MOSI changes with SCK falling (or with CS falling for the first
// bit) and is stable across SCK rising, where the flash samples it. MISO is
// sampled on the clk_i edge that drives SCK low again, i.e. at the end of the
// high phase: the flash changes MISO only after SCK falling, so the sample
// sees the bit it launched a whole SCK period earlier, and no synchroniser is
// needed (the flash's MISO is launched by our own SCK).
`default_nettype none

module spi_flash_core #(
  parameter integer HalfPeriod   = 1,  // clk_i cycles per SCK phase (SCK = clk_i / (2*HalfPeriod))
  parameter integer CsHighCycles = 4   // minimum CS high time between frames, clk_i cycles
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  // frame
  input  wire        start_i,     // ignored while busy_o
  input  wire [7:0]  opcode_i,
  input  wire [23:0] addr_i,
  input  wire        with_addr_i,
  input  wire        write_i,     // data bytes come from the buffer
  input  wire [8:0]  len_i,       // data bytes, 0..256
  output wire        busy_o,
  // buffer, bus side (writes ignored while busy_o)
  input  wire        buf_we_i,
  input  wire [5:0]  buf_idx_i,   // word index
  input  wire [31:0] buf_wdata_i,
  input  wire [3:0]  buf_wstrb_i,
  output wire [31:0] buf_rdata_o, // asynchronous read of word buf_idx_i
  // flash pins
  output reg         sck_o,
  output reg         cs_no,
  output wire        mosi_o,     // bit 31 of the shift register
  input  wire        miso_i
);

  localparam integer DivW = (HalfPeriod > CsHighCycles) ? $clog2(HalfPeriod + 1)
                                                        : $clog2(CsHighCycles + 1);
  localparam integer HalfLoadInt = HalfPeriod - 1;
  localparam integer GapLoadInt  = CsHighCycles - 1;
  localparam [DivW-1:0] HalfLoad = HalfLoadInt[DivW-1:0];
  localparam [DivW-1:0] GapLoad  = GapLoadInt[DivW-1:0];

  // States. StIdle -> StLow on start_i. StLow (SCK low) -> StHigh.
  // StHigh (SCK high) -> StLow (next bit or byte) | StTail (last bit).
  // StTail (SCK low, CS still low) -> StGap. StGap (CS high) -> StIdle.
  localparam [2:0] StIdle = 3'd0;
  localparam [2:0] StLow  = 3'd1;
  localparam [2:0] StHigh = 3'd2;
  localparam [2:0] StTail = 3'd3;
  localparam [2:0] StGap  = 3'd4;

  reg [2:0]      state_q;
  reg [DivW-1:0] div_q;      // clk_i cycles left in the current phase
  reg [31:0]     shift_q;    // bits to send, MSB first (bit 31 drives MOSI): opcode + address, then each data byte
  reg [6:0]      rx_q;       // bits received so far in the current byte
  reg [2:0]      bit_q;      // bit of the current byte, 0 = MSB
  reg [1:0]      hdr_left_q; // header bytes still to send after the current one
  reg [8:0]      data_left_q;// data bytes still to send after the current one
  reg            in_data_q;  // the current byte is a data byte
  reg [7:0]      idx_q;      // buffer index of the current data byte
  reg            write_q;

  assign busy_o = (state_q != StIdle);
  assign mosi_o = shift_q[31];

  // ---- buffer: 64 words, byte write enables, one write port ----
  reg [31:0] mem [0:63];

  wire [7:0]  rx_byte   = {rx_q, miso_i};
  wire        last_bit  = (bit_q == 3'd7);
  wire        phase_end = (div_q == {DivW{1'b0}});
  wire        byte_done = (state_q == StHigh) && phase_end && last_bit;
  wire        store_rx  = byte_done && in_data_q && !write_q;

  // Next data byte to send: the first one sits at index 0.
  wire [7:0]  next_idx  = in_data_q ? idx_q + 8'd1 : 8'd0;
  wire [31:0] next_word = mem[next_idx[7:2]];
  wire [7:0]  next_byte = next_word[8 * next_idx[1:0] +: 8];

  wire        mem_we    = busy_o ? store_rx : buf_we_i;
  wire [5:0]  mem_idx   = busy_o ? idx_q[7:2] : buf_idx_i;
  wire [31:0] mem_wdata = busy_o ? {4{rx_byte}} : buf_wdata_i;
  wire [3:0]  mem_wstrb = busy_o ? (4'b0001 << idx_q[1:0]) : buf_wstrb_i;

  always @(posedge clk_i) begin
    if (mem_we) begin
      if (mem_wstrb[0]) mem[mem_idx][7:0]   <= mem_wdata[7:0];
      if (mem_wstrb[1]) mem[mem_idx][15:8]  <= mem_wdata[15:8];
      if (mem_wstrb[2]) mem[mem_idx][23:16] <= mem_wdata[23:16];
      if (mem_wstrb[3]) mem[mem_idx][31:24] <= mem_wdata[31:24];
    end
  end

  assign buf_rdata_o = mem[buf_idx_i];

  // ---- frame sequencer and shifter ----
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      div_q       <= {DivW{1'b0}};
      shift_q     <= 32'b0;
      rx_q        <= 7'b0;
      bit_q       <= 3'd0;
      hdr_left_q  <= 2'd0;
      data_left_q <= 9'd0;
      in_data_q   <= 1'b0;
      idx_q       <= 8'd0;
      write_q     <= 1'b0;
      sck_o       <= 1'b0;
      cs_no       <= 1'b1;
    end else begin
      case (state_q)
        StIdle: begin
          if (start_i) begin
            state_q     <= StLow;
            div_q       <= HalfLoad;
            shift_q     <= {opcode_i, addr_i};
            bit_q       <= 3'd0;
            hdr_left_q  <= with_addr_i ? 2'd3 : 2'd0;
            data_left_q <= len_i;
            in_data_q   <= 1'b0;
            idx_q       <= 8'd0;
            write_q     <= write_i;
            cs_no       <= 1'b0;
          end
        end

        StLow: begin
          if (phase_end) begin
            state_q <= StHigh;
            div_q   <= HalfLoad;
            sck_o   <= 1'b1;
          end else begin
            div_q <= div_q - 1'b1;
          end
        end

        StHigh: begin
          if (phase_end) begin
            sck_o <= 1'b0;
            div_q <= HalfLoad;
            rx_q  <= rx_byte[6:0];
            bit_q <= bit_q + 3'd1;
            if (!last_bit) begin
              state_q <= StLow;
              shift_q <= {shift_q[30:0], 1'b0};
            end else if (hdr_left_q != 2'd0) begin
              // Next header byte: already in place behind the current one.
              state_q    <= StLow;
              hdr_left_q <= hdr_left_q - 2'd1;
              shift_q    <= {shift_q[30:0], 1'b0};
            end else if (data_left_q != 9'd0) begin
              // Next data byte: from the buffer when writing, zeros when reading.
              state_q     <= StLow;
              data_left_q <= data_left_q - 9'd1;
              in_data_q   <= 1'b1;
              idx_q       <= next_idx;
              shift_q     <= {write_q ? next_byte : 8'h00, 24'b0};
            end else begin
              state_q <= StTail;
              shift_q <= 32'b0;
            end
          end else begin
            div_q <= div_q - 1'b1;
          end
        end

        StTail: begin
          // SCK low for a half period before CS rises (CS hold time).
          if (phase_end) begin
            state_q <= StGap;
            div_q   <= GapLoad;
            cs_no   <= 1'b1;
          end else begin
            div_q <= div_q - 1'b1;
          end
        end

        StGap: begin
          if (phase_end) state_q <= StIdle;
          else           div_q <= div_q - 1'b1;
        end

        default: state_q <= StIdle;
      endcase
    end
  end

endmodule

`default_nettype wire

// The CTX region: block RAM holding the active context's state, with a
// scrubber that zeroes every word.
//
// CPU ports as rtl/memory/bram_ram.v (zero wait states: reads start from the
// CPU's look-ahead interface, writes land at the end of the request cycle).
// The scrubber owns the write port from scrub_i (or reset) until every word
// is zero, one word per clock; CPU writes are dropped meanwhile. busy_o
// stays high one cycle after the last zero is written, so a look-ahead read
// that raced the final write (and saw the old word) is still covered by it:
// the SoC's access policy returns 0 for every CTX read while busy_o is high.
// The scrub after reset covers a warm reset: nothing of the context that was
// loaded before survives it.
module context_ram #(
  parameter integer Words = 2048
) (
  input  wire                     clk_i,
  input  wire                     rst_ni,
  input  wire                     rd_en_i,    // read rd_addr_i at this edge
  input  wire [$clog2(Words)-1:0] rd_addr_i,
  output reg  [31:0]              rdata_o,
  input  wire                     we_i,       // write wdata_i at this edge (dropped while busy)
  input  wire [$clog2(Words)-1:0] wr_addr_i,
  input  wire [31:0]              wdata_i,
  input  wire [3:0]               wstrb_i,
  input  wire                     scrub_i,    // pulse: zero the whole region (ignored while busy)
  output reg                      busy_o      // scrubbing (high after reset until the first scrub ends)
);
  localparam integer Aw = $clog2(Words);
  localparam [31:0] LastWord = Words - 1;

  reg [31:0]   mem [0:Words-1];
  reg [Aw-1:0] scrub_addr_q;
  reg          scrub_wr_q;    // the scrubber writes scrub_addr_q this cycle

  // One write port: the scrubber's zero, or the CPU's bytes when idle.
  wire          cpu_we  = we_i && !busy_o;
  wire [Aw-1:0] w_addr  = scrub_wr_q ? scrub_addr_q : wr_addr_i;
  wire [31:0]   w_data  = scrub_wr_q ? 32'd0 : wdata_i;
  wire [3:0]    w_strb  = scrub_wr_q ? 4'hF : (cpu_we ? wstrb_i : 4'h0);

  always @(posedge clk_i) begin
    if (w_strb[0]) mem[w_addr][ 7: 0] <= w_data[ 7: 0];
    if (w_strb[1]) mem[w_addr][15: 8] <= w_data[15: 8];
    if (w_strb[2]) mem[w_addr][23:16] <= w_data[23:16];
    if (w_strb[3]) mem[w_addr][31:24] <= w_data[31:24];
    if (rd_en_i) rdata_o <= mem[rd_addr_i];
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      scrub_addr_q <= {Aw{1'b0}};
      scrub_wr_q   <= 1'b1;
      busy_o       <= 1'b1;
    end else if (scrub_wr_q) begin
      scrub_addr_q <= scrub_addr_q + 1'b1;
      if (scrub_addr_q == LastWord[Aw-1:0]) scrub_wr_q <= 1'b0;  // busy_o drops one cycle later
    end else if (busy_o) begin
      busy_o <= 1'b0;
    end else if (scrub_i) begin
      scrub_addr_q <= {Aw{1'b0}};
      scrub_wr_q   <= 1'b1;
      busy_o       <= 1'b1;
    end
  end
endmodule

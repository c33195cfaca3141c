// Data RAM for firmware (data, bss, stack): block RAM with byte enables.
//
// Zero wait states: reads are started one cycle early from the CPU's
// look-ahead interface (rd_en_i/rd_addr_i), so rdata_o holds the word in the
// cycle the CPU's request appears; writes take the request itself
// (we_i/wr_addr_i) and land at the end of that cycle. One read port and one
// write port: a simple dual-port block RAM. The CPU never reads and writes in
// the same cycle (a look-ahead read only starts once no request is pending).
module bram_ram #(
  parameter integer Words = 8192
) (
  input  wire                     clk_i,
  input  wire                     rd_en_i,    // read rd_addr_i at this edge
  input  wire [$clog2(Words)-1:0] rd_addr_i,
  output reg  [31:0]              rdata_o,
  input  wire                     we_i,       // write wdata_i at this edge
  input  wire [$clog2(Words)-1:0] wr_addr_i,
  input  wire [31:0]              wdata_i,
  input  wire [3:0]               wstrb_i
);
  reg [31:0] mem [0:Words-1];

  always @(posedge clk_i) begin
    if (we_i && wstrb_i[0]) mem[wr_addr_i][ 7: 0] <= wdata_i[ 7: 0];
    if (we_i && wstrb_i[1]) mem[wr_addr_i][15: 8] <= wdata_i[15: 8];
    if (we_i && wstrb_i[2]) mem[wr_addr_i][23:16] <= wdata_i[23:16];
    if (we_i && wstrb_i[3]) mem[wr_addr_i][31:24] <= wdata_i[31:24];
    if (rd_en_i) rdata_o <= mem[rd_addr_i];
  end
endmodule

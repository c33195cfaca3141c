// Data RAM for firmware (data, bss, stack): block RAM with byte enables.
module bram_ram #(
  parameter integer Words = 8192
) (
  input  wire                     clk_i,
  input  wire                     req_i,
  input  wire [$clog2(Words)-1:0] word_addr_i,
  input  wire [31:0]              wdata_i,
  input  wire [3:0]               wstrb_i,
  output reg  [31:0]              rdata_o,
  output reg                      ack_o
);
  reg [31:0] mem [0:Words-1];
  wire do_write = req_i & ~ack_o;

  always @(posedge clk_i) begin
    if (do_write && wstrb_i[0]) mem[word_addr_i][ 7: 0] <= wdata_i[ 7: 0];
    if (do_write && wstrb_i[1]) mem[word_addr_i][15: 8] <= wdata_i[15: 8];
    if (do_write && wstrb_i[2]) mem[word_addr_i][23:16] <= wdata_i[23:16];
    if (do_write && wstrb_i[3]) mem[word_addr_i][31:24] <= wdata_i[31:24];
    rdata_o <= mem[word_addr_i];
    ack_o   <= req_i & ~ack_o;
  end
endmodule

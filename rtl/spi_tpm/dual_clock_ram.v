// Simple dual-port RAM with one write clock and one read clock.
//
// Written as the plain inferred pattern (one write process, one registered
// read process) so that Yosys maps it onto ECP5 DP16KD block RAM. The read
// data appears one read-clock edge after the address; there is no reset on
// the array (block RAM has none) and no read-during-write guarantee across
// the two clocks: users never read a byte the other side is writing.
module dual_clock_ram #(
  parameter integer Depth = 4096,
  parameter integer AddrW = 12
) (
  input  wire             wclk_i,
  input  wire             we_i,
  input  wire [AddrW-1:0] waddr_i,
  input  wire [7:0]       wdata_i,
  input  wire             rclk_i,
  input  wire [AddrW-1:0] raddr_i,
  output reg  [7:0]       rdata_o
);
  reg [7:0] mem [0:Depth-1];

  always @(posedge wclk_i) begin
    if (we_i) mem[waddr_i] <= wdata_i;
  end

  always @(posedge rclk_i) begin
    rdata_o <= mem[raddr_i];
  end
endmodule

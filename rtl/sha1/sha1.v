// SHA-1 engine: peripheral bus wrapper around sha1_core.
// Register map and programming sequence: README.md in this folder.
`default_nettype none
`include "soc_map.vh"

module sha1 #(
  parameter integer AW = 12  // byte address width of the 4 KiB window
) (
  input  wire          clk_i,
  input  wire          rst_ni,
  input  wire          req_i,
  input  wire [AW-1:0] addr_i,
  input  wire          we_i,
  input  wire [31:0]   wdata_i,
  input  wire [3:0]    wstrb_i,
  output reg  [31:0]   rdata_o,
  output reg           ack_o
);

  localparam [31:0] Name0   = "sha1";
  localparam [31:0] Name1   = "    ";
  localparam [31:0] Version = 32'h0001_0000;  // 1.0
  localparam integer StateWords = 5;
  localparam integer BlockWords = 16;

  wire [31:0] addr      = {{(32 - AW){1'b0}}, addr_i[AW-1:2], 2'b00};
  wire        access    = req_i & ~ack_o;
  wire [31:0] block_off = addr - `MCTPM_SHA_BLOCK;
  wire [31:0] state_off = addr - `MCTPM_SHA_STATE;
  wire        in_block  = (addr >= `MCTPM_SHA_BLOCK) && (block_off < 4 * BlockWords);
  wire        in_state  = (addr >= `MCTPM_SHA_STATE) && (state_off < 4 * StateWords);
  wire        is_ctrl   = (addr == `MCTPM_SHA_CTRL);
  wire        is_status = (addr == `MCTPM_SHA_STATUS);

  wire         ready;
  wire [159:0] state;

  sha1_core u_core (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (access & we_i & is_ctrl & wstrb_i[0] & wdata_i[0]),
    .block_we_i  (access & we_i & in_block),
    .block_idx_i (block_off[5:2]),
    .state_we_i  (access & we_i & in_state),
    .state_idx_i (state_off[4:2]),
    .wdata_i     (wdata_i),
    .wstrb_i     (wstrb_i),
    .ready_o     (ready),
    .state_o     (state)
  );

  reg [31:0] read_value;
  always @(*) begin
    read_value = 32'b0;
    if (addr == `MCTPM_REG_NAME0)        read_value = Name0;
    else if (addr == `MCTPM_REG_NAME1)   read_value = Name1;
    else if (addr == `MCTPM_REG_VERSION) read_value = Version;
    else if (is_status)                  read_value = {31'b0, ready};
    else if (in_state)                   read_value = state[32 * state_off[4:2] +: 32];
    // BLOCK and CTRL read as 0: the window is consumed by the compression.
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ack_o   <= 1'b0;
      rdata_o <= 32'b0;
    end else begin
      ack_o <= access;
      if (access) begin
        rdata_o <= we_i ? 32'b0 : read_value;
      end
    end
  end

  // Registers are whole words: the byte lane bits of the address are ignored.
  wire unused_byte_lane = ^addr_i[1:0];

endmodule

`default_nettype wire

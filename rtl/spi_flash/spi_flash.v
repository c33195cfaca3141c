// SPI NOR flash controller: peripheral bus wrapper around spi_flash_core.
// Register map and command sequences: README.md in this folder.
`default_nettype none
`include "soc_map.vh"

module spi_flash #(
  parameter integer AW           = 12,  // byte address width of the 4 KiB window
  parameter integer HalfPeriod   = 1,   // clk_i cycles per SCK phase: SCK = clk_i/2 by default
  parameter integer CsHighCycles = 4    // CS high time between frames (W25Q tSHSL: 50 ns)
) (
  input  wire          clk_i,
  input  wire          rst_ni,
  input  wire          req_i,
  input  wire [AW-1:0] addr_i,
  input  wire          we_i,
  input  wire [31:0]   wdata_i,
  input  wire [3:0]    wstrb_i,
  output reg  [31:0]   rdata_o,
  output reg           ack_o,
  // flash pins
  output wire          flash_sck_o,
  output wire          flash_cs_no,
  output wire          flash_mosi_o,
  input  wire          flash_miso_i
);

  localparam [31:0] Name0   = "spif";
  localparam [31:0] Name1   = "lash";
  localparam [31:0] Version = 32'h0001_0000;  // 1.0
  localparam [31:0] BufSize = `MCTPM_SPI_FLASH_BUF_SIZE;

  wire [31:0] addr    = {{(32 - AW){1'b0}}, addr_i[AW-1:2], 2'b00};
  wire        access  = req_i & ~ack_o;
  wire [31:0] buf_off = addr - `MCTPM_SPI_FLASH_BUF;
  wire        in_buf  = (addr >= `MCTPM_SPI_FLASH_BUF) && (buf_off < BufSize);
  wire        is_ctrl = (addr == `MCTPM_SPI_FLASH_CTRL);
  wire        is_stat = (addr == `MCTPM_SPI_FLASH_STATUS);
  wire        is_cmd  = (addr == `MCTPM_SPI_FLASH_CMD);
  wire        is_addr = (addr == `MCTPM_SPI_FLASH_ADDR);
  wire        is_len  = (addr == `MCTPM_SPI_FLASH_LEN);

  wire        busy;
  wire [31:0] buf_rdata;
  wire        write_ok = access & we_i & ~busy;  // every write is ignored while busy

  reg [7:0]  cmd_q;
  reg [23:0] faddr_q;
  reg [8:0]  len_q;

  // Registers written with byte enables, like memory.
  wire [31:0] strb_mask = {{8{wstrb_i[3]}}, {8{wstrb_i[2]}}, {8{wstrb_i[1]}}, {8{wstrb_i[0]}}};
  wire [31:0] faddr_new = ({8'b0, faddr_q} & ~strb_mask) | (wdata_i & strb_mask);
  wire [31:0] len_new   = ({23'b0, len_q} & ~strb_mask) | (wdata_i & strb_mask);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cmd_q   <= 8'h00;
      faddr_q <= 24'h0;
      len_q   <= 9'd0;
    end else if (write_ok) begin
      if (is_cmd && wstrb_i[0]) cmd_q <= wdata_i[7:0];
      if (is_addr)              faddr_q <= faddr_new[23:0];
      if (is_len)               len_q <= (len_new > BufSize) ? BufSize[8:0] : len_new[8:0];
    end
  end

  wire ctrl_go = write_ok & is_ctrl & wstrb_i[0] & |(wdata_i & `MCTPM_SPI_FLASH_CTRL_GO);

  spi_flash_core #(
    .HalfPeriod   (HalfPeriod),
    .CsHighCycles (CsHighCycles)
  ) u_core (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (ctrl_go),
    .opcode_i    (cmd_q),
    .addr_i      (faddr_q),
    .with_addr_i (|(wdata_i & `MCTPM_SPI_FLASH_CTRL_ADDR)),
    .write_i     (|(wdata_i & `MCTPM_SPI_FLASH_CTRL_WRITE)),
    .len_i       (len_q),
    .busy_o      (busy),
    .buf_we_i    (write_ok & in_buf),
    .buf_idx_i   (buf_off[7:2]),
    .buf_wdata_i (wdata_i),
    .buf_wstrb_i (wstrb_i),
    .buf_rdata_o (buf_rdata),
    .sck_o       (flash_sck_o),
    .cs_no       (flash_cs_no),
    .mosi_o      (flash_mosi_o),
    .miso_i      (flash_miso_i)
  );

  reg [31:0] read_value;
  always @(*) begin
    read_value = 32'b0;
    if (addr == `MCTPM_REG_NAME0)        read_value = Name0;
    else if (addr == `MCTPM_REG_NAME1)   read_value = Name1;
    else if (addr == `MCTPM_REG_VERSION) read_value = Version;
    else if (is_stat)                    read_value = busy ? `MCTPM_SPI_FLASH_STATUS_BUSY : 32'b0;
    else if (is_cmd)                     read_value = {24'b0, cmd_q};
    else if (is_addr)                    read_value = {8'b0, faddr_q};
    else if (is_len)                     read_value = {23'b0, len_q};
    else if (in_buf)                     read_value = buf_rdata;
    // CTRL reads as 0.
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
  wire unused_ok = &{1'b0, addr_i[1:0], faddr_new[31:24], len_new[31:9]};

endmodule

`default_nettype wire

// Sealing engine: peripheral bus wrapper around seal_engine_core.
// Register map and programming sequences: README.md in this folder.
//
// While STATUS.busy is 1 every write is ignored and only NAME0/1, VERSION
// and STATUS read their values (everything else reads 0). Undefined
// offsets read 0. The device secret enters on secret_i and has no bus path.
`default_nettype none
`include "soc_map.vh"

module seal_engine #(
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
  output reg           ack_o,
  input  wire [255:0]  secret_i
);

  localparam [31:0] Name0   = "seal";
  localparam [31:0] Name1   = "    ";
  localparam [31:0] Version = 32'h0001_0000;  // 1.0
  localparam [31:0] MsgSize = `MCTPM_SEAL_MSG_SIZE;
  localparam [31:0] CtrlDerive = `MCTPM_SEAL_CTRL_DERIVE;
  localparam [31:0] CtrlBlock  = `MCTPM_SEAL_CTRL_BLOCK;
  localparam [31:0] CtrlFinish = `MCTPM_SEAL_CTRL_FINISH;
  localparam [31:0] CtrlClear  = `MCTPM_SEAL_CTRL_CLEAR;
  localparam [31:0] StBusy   = `MCTPM_SEAL_STATUS_BUSY;
  localparam [31:0] StKeys   = `MCTPM_SEAL_STATUS_KEYS;
  localparam [31:0] StMatch  = `MCTPM_SEAL_STATUS_MATCH;
  localparam [31:0] StSecret = `MCTPM_SEAL_STATUS_SECRET;
  localparam [31:0] StId     = `MCTPM_SEAL_STATUS_ID;

  wire [31:0] addr   = {{(32 - AW){1'b0}}, addr_i[AW-1:2], 2'b00};
  wire        access = req_i & ~ack_o;
  wire        wr     = access & we_i;

  // Window offsets in AW bits: the decode needs no 32-bit subtractors.
  localparam [31:0] IvBase     = `MCTPM_SEAL_IV;
  localparam [31:0] DinBase    = `MCTPM_SEAL_DATA_IN;
  localparam [31:0] DoutBase   = `MCTPM_SEAL_DATA_OUT;
  localparam [31:0] TagBase    = `MCTPM_SEAL_TAG;
  localparam [31:0] ExpectBase = `MCTPM_SEAL_EXPECT;
  localparam [31:0] IdBase     = `MCTPM_SEAL_DEVICE_ID;
  localparam [31:0] MsgBase    = `MCTPM_SEAL_MSG;
  wire [AW-1:0] a          = {addr_i[AW-1:2], 2'b00};
  wire [AW-1:0] iv_off     = a - IvBase[AW-1:0];
  wire [AW-1:0] din_off    = a - DinBase[AW-1:0];
  wire [AW-1:0] dout_off   = a - DoutBase[AW-1:0];
  wire [AW-1:0] tag_off    = a - TagBase[AW-1:0];
  wire [AW-1:0] expect_off = a - ExpectBase[AW-1:0];
  wire [AW-1:0] id_off     = a - IdBase[AW-1:0];
  wire [AW-1:0] msg_off    = a - MsgBase[AW-1:0];
  wire in_iv     = (a >= IvBase[AW-1:0])     && (iv_off < 16);
  wire in_din    = (a >= DinBase[AW-1:0])    && (din_off < 16);
  wire in_dout   = (a >= DoutBase[AW-1:0])   && (dout_off < 16);
  wire in_tag    = (a >= TagBase[AW-1:0])    && (tag_off < 32);
  wire in_expect = (a >= ExpectBase[AW-1:0]) && (expect_off < 32);
  wire in_id     = (a >= IdBase[AW-1:0])     && (id_off < 8);
  wire in_msg    = (a >= MsgBase[AW-1:0])    && ({{(32 - AW){1'b0}}, msg_off} < MsgSize);
  wire is_ctrl    = (addr == `MCTPM_SEAL_CTRL);
  wire is_status  = (addr == `MCTPM_SEAL_STATUS);
  wire is_mode    = (addr == `MCTPM_SEAL_MODE);
  wire is_msg_len = (addr == `MCTPM_SEAL_MSG_LEN);

  wire [1:0] word_idx = in_iv ? iv_off[3:2] : din_off[3:2];
  wire [4:0] win_word = in_msg ? msg_off[6:2] : in_expect ? {2'b0, expect_off[4:2]} : {4'b0, id_off[2]};
  wire       ctrl_wr  = wr & is_ctrl & wstrb_i[0];

  wire         busy, keys_valid, tag_match, secret_present, id_valid;
  wire [1:0]   mode;
  wire [7:0]   msg_len;
  wire [127:0] iv, data;
  wire [255:0] tag;
  wire [31:0]  win_rdata;

  seal_engine_core u_core (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .secret_i         (secret_i),
    .derive_i         (ctrl_wr & |(wdata_i & CtrlDerive)),
    .block_i          (ctrl_wr & |(wdata_i & CtrlBlock)),
    .finish_i         (ctrl_wr & |(wdata_i & CtrlFinish)),
    .clear_i          (ctrl_wr & |(wdata_i & CtrlClear)),
    .mode_we_i        (wr & is_mode & wstrb_i[0]),
    .msg_len_we_i     (wr & is_msg_len & wstrb_i[0]),
    .iv_we_i          (wr & in_iv),
    .data_we_i        (wr & in_din),
    .word_i           (word_idx),
    .msg_sel_i        (in_msg),
    .expect_sel_i     (in_expect),
    .id_sel_i         (in_id),
    .msg_word_i       (win_word),
    .win_we_i         (wr & (in_msg | in_expect)),
    .wdata_i          (wdata_i),
    .wstrb_i          (wstrb_i),
    .busy_o           (busy),
    .keys_valid_o     (keys_valid),
    .tag_match_o      (tag_match),
    .secret_present_o (secret_present),
    .id_valid_o       (id_valid),
    .mode_o           (mode),
    .msg_len_o        (msg_len),
    .iv_o             (iv),
    .data_o           (data),
    .tag_o            (tag),
    .win_rdata_o      (win_rdata)
  );

  wire [31:0] status = (busy ? StBusy : 32'b0) | (keys_valid ? StKeys : 32'b0) |
                       (tag_match ? StMatch : 32'b0) | (secret_present ? StSecret : 32'b0) |
                       (id_valid ? StId : 32'b0);

  reg [31:0] read_value;
  always @(*) begin
    read_value = 32'b0;
    if (addr == `MCTPM_REG_NAME0)        read_value = Name0;
    else if (addr == `MCTPM_REG_NAME1)   read_value = Name1;
    else if (addr == `MCTPM_REG_VERSION) read_value = Version;
    else if (is_status)                  read_value = status;
    else if (!busy) begin
      if (is_mode)           read_value = {30'b0, mode};
      else if (is_msg_len)   read_value = {24'b0, msg_len};
      else if (in_iv)        read_value = iv[32 * iv_off[3:2] +: 32];
      else if (in_dout)      read_value = data[32 * dout_off[3:2] +: 32];
      else if (in_tag)       read_value = tag[32 * tag_off[4:2] +: 32];
      else if (in_id | in_msg) read_value = win_rdata;
      // CTRL, DATA_IN and EXPECT are write-only: they read 0.
    end
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

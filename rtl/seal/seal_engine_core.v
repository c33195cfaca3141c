// Sealing engine core: the key slot and the sequencer (rtl/seal/README.md).
//
// The device secret comes in on secret_i and is only ever fed into the
// SHA-256 core as an HMAC key. DERIVE turns it into Kmac || Kenc with the TPM
// KDFa construction (SP 800-108 counter mode, HMAC-SHA256):
//   Kmac = HMAC(secret, be32(1) || MSG), Kenc = HMAC(secret, be32(2) || MSG)[0..16)
// and opens an HMAC with Kmac. BLOCK runs AES-128-CTR (FIPS 197, SP 800-38A)
// on DATA and/or absorbs 16 bytes into the HMAC; FINISH closes the HMAC
// (FIPS 198-1) into TAG and compares it with EXPECT over all 32 bytes.
//
// Sharing, to stay small: one SHA-256 core does every hash (its block window
// doubles as the 64-byte MAC buffer), one 64-word LUT RAM holds MSG, EXPECT,
// Kmac, the inner digest between the HMAC passes and DEVICE_ID, one DATA
// register is both DATA_IN and DATA_OUT, and the TAG is the SHA core's
// state after FINISH (readable only while tag_valid_q says it is the tag).
//
// The sequencer is a small microprogram (microcode() below): every command
// starts a program at its entry, each micro-op runs for a few cycles counted
// by cnt_q. Kmac lives only in RAM words the bus cannot address, Kenc only in
// kenc_q and the AES core; no output of this module depends on them or on the
// secret except through SHA-256/HMAC outputs (TAG, DEVICE_ID) and AES-CTR
// output (DATA).
`default_nettype none
`include "soc_map.vh"

module seal_engine_core (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire [255:0] secret_i,     // device secret, byte 0 in bits 255:248

  // Commands: one-cycle pulses. Ignored while busy; if several are set in one
  // write, CLEAR wins, then DERIVE, FINISH, BLOCK.
  input  wire         derive_i,     // refused while the secret is 0
  input  wire         block_i,      // refused while keys are not valid
  input  wire         finish_i,     // refused while keys are not valid
  input  wire         clear_i,

  // Bus-side register writes (ignored while busy).
  input  wire         mode_we_i,
  input  wire         msg_len_we_i,
  input  wire         iv_we_i,
  input  wire         data_we_i,
  input  wire [1:0]   word_i,       // IV / DATA word
  input  wire         msg_sel_i,    // bus access to the MSG window, word msg_word_i
  input  wire         expect_sel_i, // bus access to EXPECT, word msg_word_i[2:0] (write only)
  input  wire         id_sel_i,     // bus access to DEVICE_ID, word msg_word_i[0] (read only)
  input  wire [4:0]   msg_word_i,
  input  wire         win_we_i,     // write the selected MSG / EXPECT word
  input  wire [31:0]  wdata_i,
  input  wire [3:0]   wstrb_i,

  output wire         busy_o,
  output wire         keys_valid_o,
  output wire         tag_match_o,
  output wire         secret_present_o,
  output wire         id_valid_o,
  output wire [1:0]   mode_o,
  output wire [7:0]   msg_len_o,
  // Bus packing: word i at bits 32i +: 32, byte 4i+j in bits 8j+7:8j of it.
  output wire [127:0] iv_o,
  output wire [127:0] data_o,
  output wire [255:0] tag_o,        // 0 unless the last FINISH left a valid tag
  output wire [31:0]  win_rdata_o   // selected MSG / DEVICE_ID word; 0 for EXPECT and while busy
);

  // Spec values are 32-bit macros: slice them through localparams.
  localparam [31:0] MsgBytes      = `MCTPM_SEAL_MSG_SIZE;
  localparam [31:0] ModeEncryptW  = `MCTPM_SEAL_MODE_ENCRYPT;
  localparam [31:0] ModeDecryptW  = `MCTPM_SEAL_MODE_DECRYPT;
  localparam [31:0] ModeMacOnlyW  = `MCTPM_SEAL_MODE_MAC_ONLY;
  localparam [31:0] ModeCryptOnlyW = `MCTPM_SEAL_MODE_CRYPT_ONLY;
  localparam [1:0]  ModeEncrypt   = ModeEncryptW[1:0];
  localparam [1:0]  ModeDecrypt   = ModeDecryptW[1:0];
  localparam [1:0]  ModeMacOnly   = ModeMacOnlyW[1:0];
  localparam [1:0]  ModeCryptOnly = ModeCryptOnlyW[1:0];

  // ---- RAM map (64 words) ----
  localparam [5:0] RamMsg     = 6'd0;   // 32 words: MSG, bus word order
  localparam [5:0] RamExpect  = 6'd32;  // 8 words: EXPECT, bus word order
  localparam [5:0] RamKmac    = 6'd40;  // 8 words: Kmac, big-endian words
  localparam [5:0] RamScratch = 6'd48;  // 8 words: inner HMAC digest, big-endian words
  localparam [5:0] RamId      = 6'd56;  // 2 words: DEVICE_ID, bus word order

  // ---- micro-ops ----
  localparam [3:0] OpEnd          = 4'd0;   // arg: bit0 id valid, bit1 keys valid, bit2 tag valid
  localparam [3:0] OpIv           = 4'd1;   // SHA state := FIPS 180-4 IV
  localparam [3:0] OpKey          = 4'd2;   // SHA block := key ^ pad; arg KeySecret*/KeyKmac*
  localparam [3:0] OpCompress     = 4'd3;   // arg bit0: only if the MAC block window is full
  localparam [3:0] OpMsg          = 4'd4;   // inner message with padding, all blocks; arg MsgId/MsgKdf1/MsgKdf2
  localparam [3:0] OpSave         = 4'd5;   // SHA state -> arg SaveScratch/SaveKmac/SaveKenc/SaveId
  localparam [3:0] OpOuter        = 4'd6;   // SHA block := inner digest || padding (outer HMAC hash)
  localparam [3:0] OpFinPad       = 4'd7;   // SHA block := padding of the MAC message
  localparam [3:0] OpCompare      = 4'd8;   // diff := TAG ^ EXPECT, ORed over all words
  localparam [3:0] OpClear        = 4'd9;   // zero everything; arg bit0: keep DEVICE_ID
  localparam [3:0] OpAes          = 4'd10;  // DATA ^= AES(Kenc, IV); IV++
  localparam [3:0] OpAbsorb       = 4'd11;  // MAC absorbs DATA (4 words into the block window)
  localparam [3:0] OpMacStart     = 4'd12;  // MAC open, byte count 0
  localparam [3:0] OpSkipIfOpen   = 4'd13;  // skip the 4-op MAC restart when the MAC is open
  localparam [3:0] OpEndIfNoSecret = 4'd14;

  localparam [3:0] KeySecretIpad = 4'd0, KeySecretOpad = 4'd1, KeyKmacIpad = 4'd2, KeyKmacOpad = 4'd3;
  localparam [3:0] MsgId = 4'd0, MsgKdf1 = 4'd1, MsgKdf2 = 4'd2;
  localparam [3:0] SaveScratch = 4'd0, SaveKmac = 4'd1, SaveKenc = 4'd2, SaveId = 4'd3;
  localparam [3:0] EndId = 4'd1, EndKeys = 4'd2, EndTag = 4'd4;

  // ---- program entries ----
  localparam [6:0] PReset     = 7'd0;
  localparam [6:0] PClear     = 7'd14;
  localparam [6:0] PDerive    = 7'd16;
  localparam [6:0] PFinish    = 7'd43;
  localparam [6:0] PEncrypt   = 7'd58;
  localparam [6:0] PDecrypt   = 7'd67;
  localparam [6:0] PMacOnly   = 7'd76;
  localparam [6:0] PCryptOnly = 7'd84;

  // {op, arg} at pc. HMAC(K, m) = IV, Key(K^ipad), C, m..., Save scratch,
  // IV, Key(K^opad), C, Outer, C.
  function [7:0] microcode(input [6:0] pc);
    case (pc)
      // reset: scrub, then DEVICE_ID = HMAC(secret, "MCTPM DEVICE ID")
      7'd0:  microcode = {OpClear, 4'd0};
      7'd1:  microcode = {OpEndIfNoSecret, 4'd0};
      7'd2:  microcode = {OpIv, 4'd0};
      7'd3:  microcode = {OpKey, KeySecretIpad};
      7'd4:  microcode = {OpCompress, 4'd0};
      7'd5:  microcode = {OpMsg, MsgId};
      7'd6:  microcode = {OpSave, SaveScratch};
      7'd7:  microcode = {OpIv, 4'd0};
      7'd8:  microcode = {OpKey, KeySecretOpad};
      7'd9:  microcode = {OpCompress, 4'd0};
      7'd10: microcode = {OpOuter, 4'd0};
      7'd11: microcode = {OpCompress, 4'd0};
      7'd12: microcode = {OpSave, SaveId};
      7'd13: microcode = {OpEnd, EndId};
      // CLEAR
      7'd14: microcode = {OpClear, 4'd1};
      7'd15: microcode = {OpEnd, 4'd0};
      // DERIVE: Kmac = HMAC(secret, 1 || MSG)
      7'd16: microcode = {OpIv, 4'd0};
      7'd17: microcode = {OpKey, KeySecretIpad};
      7'd18: microcode = {OpCompress, 4'd0};
      7'd19: microcode = {OpMsg, MsgKdf1};
      7'd20: microcode = {OpSave, SaveScratch};
      7'd21: microcode = {OpIv, 4'd0};
      7'd22: microcode = {OpKey, KeySecretOpad};
      7'd23: microcode = {OpCompress, 4'd0};
      7'd24: microcode = {OpOuter, 4'd0};
      7'd25: microcode = {OpCompress, 4'd0};
      7'd26: microcode = {OpSave, SaveKmac};
      //   Kenc = HMAC(secret, 2 || MSG)[0..16)
      7'd27: microcode = {OpIv, 4'd0};
      7'd28: microcode = {OpKey, KeySecretIpad};
      7'd29: microcode = {OpCompress, 4'd0};
      7'd30: microcode = {OpMsg, MsgKdf2};
      7'd31: microcode = {OpSave, SaveScratch};
      7'd32: microcode = {OpIv, 4'd0};
      7'd33: microcode = {OpKey, KeySecretOpad};
      7'd34: microcode = {OpCompress, 4'd0};
      7'd35: microcode = {OpOuter, 4'd0};
      7'd36: microcode = {OpCompress, 4'd0};
      7'd37: microcode = {OpSave, SaveKenc};
      //   open HMAC(Kmac, ...)
      7'd38: microcode = {OpIv, 4'd0};
      7'd39: microcode = {OpKey, KeyKmacIpad};
      7'd40: microcode = {OpCompress, 4'd0};
      7'd41: microcode = {OpMacStart, 4'd0};
      7'd42: microcode = {OpEnd, EndKeys};
      // FINISH (after a FINISH the MAC restarts: the tag of no bytes)
      7'd43: microcode = {OpSkipIfOpen, 4'd0};
      7'd44: microcode = {OpIv, 4'd0};
      7'd45: microcode = {OpKey, KeyKmacIpad};
      7'd46: microcode = {OpCompress, 4'd0};
      7'd47: microcode = {OpMacStart, 4'd0};
      7'd48: microcode = {OpFinPad, 4'd0};
      7'd49: microcode = {OpCompress, 4'd0};
      7'd50: microcode = {OpSave, SaveScratch};
      7'd51: microcode = {OpIv, 4'd0};
      7'd52: microcode = {OpKey, KeyKmacOpad};
      7'd53: microcode = {OpCompress, 4'd0};
      7'd54: microcode = {OpOuter, 4'd0};
      7'd55: microcode = {OpCompress, 4'd0};
      7'd56: microcode = {OpCompare, 4'd0};
      7'd57: microcode = {OpEnd, EndTag};
      // BLOCK, ENCRYPT: the MAC absorbs the output
      7'd58: microcode = {OpSkipIfOpen, 4'd0};
      7'd59: microcode = {OpIv, 4'd0};
      7'd60: microcode = {OpKey, KeyKmacIpad};
      7'd61: microcode = {OpCompress, 4'd0};
      7'd62: microcode = {OpMacStart, 4'd0};
      7'd63: microcode = {OpAes, 4'd0};
      7'd64: microcode = {OpAbsorb, 4'd0};
      7'd65: microcode = {OpCompress, 4'd1};
      7'd66: microcode = {OpEnd, 4'd0};
      // BLOCK, DECRYPT: the MAC absorbs the input
      7'd67: microcode = {OpSkipIfOpen, 4'd0};
      7'd68: microcode = {OpIv, 4'd0};
      7'd69: microcode = {OpKey, KeyKmacIpad};
      7'd70: microcode = {OpCompress, 4'd0};
      7'd71: microcode = {OpMacStart, 4'd0};
      7'd72: microcode = {OpAbsorb, 4'd0};
      7'd73: microcode = {OpAes, 4'd0};
      7'd74: microcode = {OpCompress, 4'd1};
      7'd75: microcode = {OpEnd, 4'd0};
      // BLOCK, MAC_ONLY
      7'd76: microcode = {OpSkipIfOpen, 4'd0};
      7'd77: microcode = {OpIv, 4'd0};
      7'd78: microcode = {OpKey, KeyKmacIpad};
      7'd79: microcode = {OpCompress, 4'd0};
      7'd80: microcode = {OpMacStart, 4'd0};
      7'd81: microcode = {OpAbsorb, 4'd0};
      7'd82: microcode = {OpCompress, 4'd1};
      7'd83: microcode = {OpEnd, 4'd0};
      // BLOCK, CRYPT_ONLY
      7'd84: microcode = {OpAes, 4'd0};
      default: microcode = {OpEnd, 4'd0};
    endcase
  endfunction

  function [31:0] bswap(input [31:0] w);
    bswap = {w[7:0], w[15:8], w[23:16], w[31:24]};
  endfunction

  // FIPS 180-4 5.3.3
  function [31:0] sha256_iv(input [2:0] i);
    case (i)
      3'd0: sha256_iv = 32'h6a09e667;  3'd1: sha256_iv = 32'hbb67ae85;
      3'd2: sha256_iv = 32'h3c6ef372;  3'd3: sha256_iv = 32'ha54ff53a;
      3'd4: sha256_iv = 32'h510e527f;  3'd5: sha256_iv = 32'h9b05688c;
      3'd6: sha256_iv = 32'h1f83d9ab;  default: sha256_iv = 32'h5be0cd19;
    endcase
  endfunction

  // "MCTPM DEVICE ID" (15 bytes), big-endian words; byte 15 is padding.
  function [31:0] device_id_label(input [5:0] m);
    case (m)
      6'd0: device_id_label = 32'h4d435450;  // "MCTP"
      6'd1: device_id_label = 32'h4d204445;  // "M DE"
      6'd2: device_id_label = 32'h56494345;  // "VICE"
      6'd3: device_id_label = 32'h20494400;  // " ID"
      default: device_id_label = 32'h0;
    endcase
  endfunction

  localparam [7:0] DeviceIdLabelLen = 8'd15;
  localparam [31:0] Ipad = 32'h36363636;
  localparam [31:0] Opad = 32'h5c5c5c5c;
  // Outer HMAC hash: 64 bytes of key block + 32 bytes of inner digest.
  localparam [31:0] OuterBits = 32'd768;

  // ---- state ----
  reg  [6:0]   pc_q;
  reg  [6:0]   cnt_q;          // cycle within the micro-op
  reg  [1:0]   blk_q;          // block of the inner message (OpMsg)
  reg          busy_q;
  reg          keys_valid_q;
  reg          mac_open_q;     // the SHA state holds HMAC(Kmac) inner state
  reg          tag_valid_q;    // the SHA state holds the tag of the last FINISH
  reg          match_q;
  reg          id_valid_q;
  reg  [23:0]  mac_blocks_q;   // 16-byte blocks absorbed since the MAC opened
  reg  [31:0]  diff_q;         // OR of TAG ^ EXPECT words
  reg  [127:0] kenc_q;         // big-endian: byte 0 in bits 127:120
  reg  [127:0] iv_q;           // big-endian
  reg  [127:0] data_q;         // big-endian
  reg  [1:0]   mode_q;
  reg  [7:0]   msg_len_q;

  wire [7:0] uop = microcode(pc_q);
  wire [3:0] op  = uop[7:4];
  wire [3:0] arg = uop[3:0];

  // ---- SHA-256 core ----
  reg          sha_start;
  reg          sha_block_we;
  reg  [3:0]   sha_block_idx;
  reg          sha_state_we;
  reg  [2:0]   sha_state_idx;
  reg  [31:0]  sha_wdata;
  wire         sha_ready;
  wire [255:0] sha_state;

  sha256_core u_sha256 (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (sha_start),
    .block_we_i  (sha_block_we),
    .block_idx_i (sha_block_idx),
    .state_we_i  (sha_state_we),
    .state_idx_i (sha_state_idx),
    .wdata_i     (sha_wdata),
    .wstrb_i     (4'hf),
    .ready_o     (sha_ready),
    .state_o     (sha_state)
  );

  // ---- AES-128 core ----
  reg          aes_start;
  reg          aes_clear;
  wire         aes_done;
  wire         aes_busy;
  wire [127:0] aes_out;

  aes128_core u_aes (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .clear_i (aes_clear),
    .start_i (aes_start),
    .key_i   (kenc_q),
    .block_i (iv_q),
    .busy_o  (aes_busy),
    .done_o  (aes_done),
    .block_o (aes_out)
  );

  // ---- RAM: one write port, asynchronous read (LUT RAM) ----
  reg  [31:0] ram [0:63];
  reg         seq_ram_we;
  reg  [5:0]  seq_ram_addr;
  reg  [31:0] seq_ram_wdata;

  wire [5:0]  bus_ram_addr = msg_sel_i    ? RamMsg + {1'b0, msg_word_i} :
                             expect_sel_i ? RamExpect + {3'b0, msg_word_i[2:0]} :
                                            RamId + {5'b0, msg_word_i[0]};
  wire        bus_ram_we   = ~busy_q & win_we_i & (msg_sel_i | expect_sel_i);
  wire [5:0]  ram_addr     = busy_q ? seq_ram_addr : bus_ram_addr;
  wire        ram_we       = busy_q ? seq_ram_we : bus_ram_we;
  wire [31:0] ram_wdata    = busy_q ? seq_ram_wdata : wdata_i;
  wire [3:0]  ram_wstrb    = busy_q ? 4'hf : wstrb_i;
  wire [31:0] ram_rdata    = ram[ram_addr];

  always @(posedge clk_i) begin
    if (ram_we) begin
      if (ram_wstrb[0]) ram[ram_addr][7:0]   <= ram_wdata[7:0];
      if (ram_wstrb[1]) ram[ram_addr][15:8]  <= ram_wdata[15:8];
      if (ram_wstrb[2]) ram[ram_addr][23:16] <= ram_wdata[23:16];
      if (ram_wstrb[3]) ram[ram_addr][31:24] <= ram_wdata[31:24];
    end
  end

  // ---- inner message of the KDF / device id hash (OpMsg) ----
  // Message m = be32(counter) || MSG[0..MSG_LEN) or the device id label;
  // L = its length in bytes, <= 4 + MsgBytes. FIPS 180-4 padding: 0x80 at
  // byte L, zeros, the bit length of (key block || m) in the last word.
  wire [5:0] msg_word   = {blk_q, cnt_q[3:0]};
  wire [7:0] msg_total  = (arg == MsgId) ? DeviceIdLabelLen : 8'd4 + msg_len_q;
  // L + 9 bytes (0x80 and the 64-bit length) rounded up to blocks; L <= 132.
  wire [1:0] msg_blocks = (msg_total >= 8'd120) ? 2'd3 : (msg_total >= 8'd56) ? 2'd2 : 2'd1;
  wire [5:0] msg_last   = {msg_blocks, 4'd0} - 6'd1;
  wire [4:0] msg_ram_word = msg_word[4:0] - 5'd1;  // MSG word after the counter word
  wire [31:0] msg_raw   = (arg == MsgId)     ? device_id_label(msg_word) :
                          (msg_word == 6'd0) ? {28'b0, arg} :
                                               bswap(ram_rdata);
  reg  [31:0] msg_padded;
  integer b;
  always @(*) begin
    for (b = 0; b < 4; b = b + 1) begin
      if ({msg_word, 2'b00} + b[7:0] < msg_total)
        msg_padded[31 - 8 * b -: 8] = msg_raw[31 - 8 * b -: 8];
      else if ({msg_word, 2'b00} + b[7:0] == msg_total)
        msg_padded[31 - 8 * b -: 8] = 8'h80;
      else
        msg_padded[31 - 8 * b -: 8] = 8'h00;
    end
    if (msg_word == msg_last) msg_padded = {21'b0, msg_total + 8'd64, 3'b000};
  end

  // ---- MAC padding (OpFinPad): the message is whole 16-byte blocks ----
  wire [3:0]  fin_first  = {mac_blocks_q[1:0], 2'b00};
  wire [24:0] fin_units  = {1'b0, mac_blocks_q} + 25'd4;  // key block = 4 units of 16 bytes
  wire [31:0] fin_bits   = {fin_units, 7'b0};
  wire [31:0] fin_word   = (cnt_q[3:0] == fin_first) ? 32'h80000000 :
                           (cnt_q[3:0] == 4'd15)      ? fin_bits : 32'h0;

  wire [2:0]  word8      = cnt_q[2:0];
  wire [31:0] state_word = sha_state[32 * word8 +: 32];
  wire [31:0] secret_word = secret_i[255 - 32 * word8 -: 32];
  wire [31:0] key_word   = arg[1] ? ram_rdata : secret_word;
  wire [31:0] pad_word   = arg[0] ? Opad : Ipad;
  wire [31:0] data_word  = data_q[127 - 32 * cnt_q[1:0] -: 32];
  wire        mac_full   = (mac_blocks_q == 24'hffffff);
  wire        secret_present = |secret_i;

  // ---- sequencer outputs (combinational from pc/cnt) ----
  reg step_done;  // last cycle of this micro-op
  reg end_now;    // leave the program
  always @(*) begin
    sha_start     = 1'b0;
    sha_block_we  = 1'b0;
    sha_block_idx = cnt_q[3:0];
    sha_state_we  = 1'b0;
    sha_state_idx = word8;
    sha_wdata     = 32'h0;
    seq_ram_we    = 1'b0;
    seq_ram_addr  = 6'd0;
    seq_ram_wdata = 32'h0;
    aes_start     = 1'b0;
    aes_clear     = 1'b0;
    step_done     = 1'b0;
    end_now       = 1'b0;
    if (busy_q) begin
      case (op)
        OpEnd: begin
          end_now = 1'b1;
        end
        OpEndIfNoSecret: begin
          end_now   = ~secret_present;
          step_done = 1'b1;
        end
        OpIv: begin
          sha_state_we = 1'b1;
          sha_wdata    = sha256_iv(word8);
          step_done    = (cnt_q == 7'd7);
        end
        OpKey: begin
          seq_ram_addr = RamKmac + {3'b0, word8};
          sha_block_we = 1'b1;
          sha_wdata    = (cnt_q[3] ? 32'h0 : key_word) ^ pad_word;
          step_done    = (cnt_q == 7'd15);
        end
        OpCompress: begin
          sha_start = (cnt_q == 7'd0) & ~(arg[0] & (mac_blocks_q[1:0] != 2'd0));
          step_done = (cnt_q == 7'd0) ? (arg[0] & (mac_blocks_q[1:0] != 2'd0)) : sha_ready;
        end
        OpMsg: begin
          seq_ram_addr = RamMsg + {1'b0, msg_ram_word};
          sha_block_we = (cnt_q < 7'd16);
          sha_wdata    = msg_padded;
          sha_start    = (cnt_q == 7'd16);
          step_done    = (cnt_q > 7'd16) & sha_ready & ({blk_q, 4'd15} == msg_last);
        end
        OpSave: begin
          case (arg)
            SaveScratch: seq_ram_addr = RamScratch + {3'b0, word8};
            SaveKmac:    seq_ram_addr = RamKmac + {3'b0, word8};
            default:     seq_ram_addr = RamId + {5'b0, cnt_q[0]};
          endcase
          seq_ram_we    = (arg == SaveScratch) | (arg == SaveKmac) | ((arg == SaveId) & (cnt_q < 7'd2));
          seq_ram_wdata = (arg == SaveId) ? bswap(state_word) : state_word;
          step_done     = (cnt_q == 7'd7);
        end
        OpOuter: begin
          seq_ram_addr = RamScratch + {3'b0, word8};
          sha_block_we = 1'b1;
          sha_wdata    = ~cnt_q[3]           ? ram_rdata :
                         (cnt_q == 7'd8)     ? 32'h80000000 :
                         (cnt_q == 7'd15)    ? OuterBits : 32'h0;
          step_done    = (cnt_q == 7'd15);
        end
        OpFinPad: begin
          sha_block_we = (cnt_q[3:0] >= fin_first);
          sha_wdata    = fin_word;
          step_done    = (cnt_q == 7'd15);
        end
        OpCompare: begin
          seq_ram_addr = RamExpect + {3'b0, word8};
          step_done    = (cnt_q == 7'd7);
        end
        OpClear: begin
          seq_ram_addr = cnt_q[5:0];
          seq_ram_we   = ~(arg[0] & (cnt_q[5:1] == RamId[5:1]));
          sha_block_we = (cnt_q < 7'd16);
          sha_state_we = (cnt_q < 7'd8);
          aes_clear    = 1'b1;
          step_done    = (cnt_q == 7'd63);
        end
        OpAes: begin
          aes_start = (cnt_q == 7'd0);
          step_done = aes_done;
        end
        OpAbsorb: begin
          sha_block_we  = 1'b1;
          sha_block_idx = {mac_blocks_q[1:0], cnt_q[1:0]};
          sha_wdata     = data_word;
          step_done     = (cnt_q == 7'd3);
        end
        OpMacStart: begin
          step_done = 1'b1;
        end
        OpSkipIfOpen: begin
          step_done = 1'b1;
        end
        default: begin
          end_now = 1'b1;
        end
      endcase
    end
  end

  // ---- command acceptance ----
  wire mode_macs  = (mode_q != ModeCryptOnly);
  wire go_clear   = ~busy_q & clear_i;
  wire go_derive  = ~busy_q & ~clear_i & derive_i & secret_present;
  wire go_finish  = ~busy_q & ~clear_i & ~derive_i & finish_i & keys_valid_q;
  wire go_block   = ~busy_q & ~clear_i & ~derive_i & ~finish_i & block_i & keys_valid_q &
                    ~(mode_macs & mac_open_q & mac_full);
  reg  [6:0] block_entry;
  always @(*) begin
    case (mode_q)
      ModeEncrypt: block_entry = PEncrypt;
      ModeDecrypt: block_entry = PDecrypt;
      ModeMacOnly: block_entry = PMacOnly;
      default:     block_entry = PCryptOnly;
    endcase
  end
  wire       go      = go_clear | go_derive | go_finish | go_block;
  wire [6:0] go_pc   = go_clear ? PClear : go_derive ? PDerive : go_finish ? PFinish : block_entry;

  integer i, j;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pc_q         <= PReset;
      cnt_q        <= 7'd0;
      blk_q        <= 2'd0;
      busy_q       <= 1'b1;  // the reset program scrubs and computes DEVICE_ID
      keys_valid_q <= 1'b0;
      mac_open_q   <= 1'b0;
      tag_valid_q  <= 1'b0;
      match_q      <= 1'b0;
      id_valid_q   <= 1'b0;
      mac_blocks_q <= 24'd0;
      diff_q       <= 32'd0;
      kenc_q       <= 128'd0;
      iv_q         <= 128'd0;
      data_q       <= 128'd0;
      mode_q       <= ModeEncrypt;
      msg_len_q    <= 8'd0;
    end else if (!busy_q) begin
      // ---- idle: bus register writes and command start ----
      if (mode_we_i) mode_q <= wdata_i[1:0];
      if (msg_len_we_i) msg_len_q <= (wdata_i > MsgBytes) ? MsgBytes[7:0] : wdata_i[7:0];
      for (i = 0; i < 4; i = i + 1) begin
        for (j = 0; j < 4; j = j + 1) begin
          if (word_i == i[1:0] && wstrb_i[j]) begin
            if (iv_we_i)   iv_q[127 - 8 * (4 * i + j) -: 8]   <= wdata_i[8 * j +: 8];
            if (data_we_i) data_q[127 - 8 * (4 * i + j) -: 8] <= wdata_i[8 * j +: 8];
          end
        end
      end
      if (go) begin
        pc_q   <= go_pc;
        cnt_q  <= 7'd0;
        blk_q  <= 2'd0;
        busy_q <= 1'b1;
        if (go_clear | go_derive) begin
          keys_valid_q <= 1'b0;
          mac_open_q   <= 1'b0;
        end
        // The TAG (SHA state) survives only a CRYPT_ONLY BLOCK.
        if (!(go_block && !mode_macs)) begin
          tag_valid_q <= 1'b0;
          match_q     <= 1'b0;
        end
      end
    end else begin
      // ---- running a program ----
      if (end_now) begin
        busy_q <= 1'b0;
        pc_q   <= PReset;
        cnt_q  <= 7'd0;
        if (op == OpEnd) begin
          if (arg[0]) id_valid_q <= 1'b1;
          if (arg[1]) keys_valid_q <= 1'b1;
          if (arg[2]) begin
            tag_valid_q <= 1'b1;
            match_q     <= (diff_q == 32'd0);
            mac_open_q  <= 1'b0;
          end
        end
      end else if (step_done) begin
        pc_q  <= (op == OpSkipIfOpen && mac_open_q) ? pc_q + 7'd5 : pc_q + 7'd1;
        cnt_q <= 7'd0;
        blk_q <= 2'd0;
      end else if (op == OpMsg && cnt_q > 7'd16 && sha_ready) begin
        blk_q <= blk_q + 2'd1;  // next block of the inner message
        cnt_q <= 7'd0;
      end else begin
        cnt_q <= cnt_q + 7'd1;
      end

      case (op)
        OpSave: begin
          if (arg == SaveKenc && cnt_q < 7'd4) begin
            for (i = 0; i < 4; i = i + 1) begin
              if (cnt_q[1:0] == i[1:0]) kenc_q[127 - 32 * i -: 32] <= state_word;
            end
          end
        end
        OpCompare: begin
          diff_q <= ((cnt_q == 7'd0) ? 32'd0 : diff_q) | (bswap(ram_rdata) ^ state_word);
        end
        OpClear: begin
          if (cnt_q == 7'd0) begin
            kenc_q       <= 128'd0;
            iv_q         <= 128'd0;
            data_q       <= 128'd0;
            diff_q       <= 32'd0;
            mac_blocks_q <= 24'd0;
          end
        end
        OpAes: begin
          if (aes_done) begin
            data_q <= data_q ^ aes_out;
            iv_q   <= iv_q + 128'd1;
          end
        end
        OpAbsorb: begin
          if (cnt_q == 7'd3) mac_blocks_q <= mac_blocks_q + 24'd1;
        end
        OpMacStart: begin
          mac_open_q   <= 1'b1;
          mac_blocks_q <= 24'd0;
        end
        default: ;
      endcase
    end
  end

  // ---- outputs ----
  reg [127:0] iv_bus, data_bus;
  reg [255:0] tag_bus;
  integer k;
  always @(*) begin
    for (k = 0; k < 4; k = k + 1) begin
      iv_bus[32 * k +: 32]   = bswap(iv_q[127 - 32 * k -: 32]);
      data_bus[32 * k +: 32] = bswap(data_q[127 - 32 * k -: 32]);
    end
    for (k = 0; k < 8; k = k + 1) begin
      tag_bus[32 * k +: 32] = bswap(sha_state[32 * k +: 32]);
    end
  end

  wire tag_readable = tag_valid_q & ~busy_q;

  assign busy_o           = busy_q;
  assign keys_valid_o     = keys_valid_q;
  assign tag_match_o      = match_q & tag_valid_q;
  assign secret_present_o = secret_present;
  assign id_valid_o       = id_valid_q;
  assign mode_o           = mode_q;
  assign msg_len_o        = msg_len_q;
  assign iv_o             = iv_bus;
  assign data_o           = data_bus;
  assign tag_o            = tag_readable ? tag_bus : 256'b0;
  // Only MSG and DEVICE_ID are readable windows; Kmac and the scratch digest
  // have no bus address at all.
  assign win_rdata_o      = (~busy_q & (msg_sel_i | id_sel_i)) ? ram_rdata : 32'b0;

  wire unused_aes_busy = aes_busy;

endmodule

`default_nettype wire

// AES-128 encryption (FIPS 197), one round per clock, key expansion on the fly.
//
// Only the forward cipher: the sealing engine uses AES in CTR mode (NIST SP
// 800-38A), which never needs the inverse cipher. Blocks are big-endian
// vectors: byte 0 of the 16-byte block (FIPS 197 in0 / state s[0][0]) is
// bits 127:120, byte 4c+r is state s[r][c].
//
// Timing: the start edge loads state = block ^ key (round 0 AddRoundKey) and
// the round-1 key; edges 1..10 run rounds 1..10 (round 10 without
// MixColumns). done_o is high for the one cycle after round 10; block_o
// then holds the ciphertext until the next start or clear. The round key
// register is zeroed by round 10, so no key material stays in the core
// between blocks (the AES key schedule is invertible). clear_i zeroes
// everything.
`default_nettype none

module aes128_core (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire         clear_i,   // zero state and key registers, abort a running block
  input  wire         start_i,   // encrypt block_i under key_i; ignored while busy
  input  wire [127:0] key_i,     // sampled at the start edge only
  input  wire [127:0] block_i,   // sampled at the start edge only
  output wire         busy_o,
  output wire         done_o,    // one cycle: block_o holds the result
  output wire [127:0] block_o
);

  localparam [3:0] LastRound = 4'd10;

  reg [127:0] state_q;
  reg [127:0] round_key_q;  // key of the round computed at the next edge
  reg [7:0]   rcon_q;       // round constant for the key after round_key_q
  reg [3:0]   round_q;      // round computed at the next edge (1..10); 0 when idle
  reg         busy_q;
  reg         done_q;

  // FIPS 197 S-box as a table. Yosys maps it to about 160 LUT4 per S-box with
  // the ECP5 wide-LUT muxes; a composite-field (GF((2^4)^2)) S-box maps to
  // more in that flow (about 200), so the table stays.
  function [7:0] sub_byte(input [7:0] x);
    case (x)
      8'h00: sub_byte = 8'h63;  8'h01: sub_byte = 8'h7c;  8'h02: sub_byte = 8'h77;  8'h03: sub_byte = 8'h7b;
      8'h04: sub_byte = 8'hf2;  8'h05: sub_byte = 8'h6b;  8'h06: sub_byte = 8'h6f;  8'h07: sub_byte = 8'hc5;
      8'h08: sub_byte = 8'h30;  8'h09: sub_byte = 8'h01;  8'h0a: sub_byte = 8'h67;  8'h0b: sub_byte = 8'h2b;
      8'h0c: sub_byte = 8'hfe;  8'h0d: sub_byte = 8'hd7;  8'h0e: sub_byte = 8'hab;  8'h0f: sub_byte = 8'h76;
      8'h10: sub_byte = 8'hca;  8'h11: sub_byte = 8'h82;  8'h12: sub_byte = 8'hc9;  8'h13: sub_byte = 8'h7d;
      8'h14: sub_byte = 8'hfa;  8'h15: sub_byte = 8'h59;  8'h16: sub_byte = 8'h47;  8'h17: sub_byte = 8'hf0;
      8'h18: sub_byte = 8'had;  8'h19: sub_byte = 8'hd4;  8'h1a: sub_byte = 8'ha2;  8'h1b: sub_byte = 8'haf;
      8'h1c: sub_byte = 8'h9c;  8'h1d: sub_byte = 8'ha4;  8'h1e: sub_byte = 8'h72;  8'h1f: sub_byte = 8'hc0;
      8'h20: sub_byte = 8'hb7;  8'h21: sub_byte = 8'hfd;  8'h22: sub_byte = 8'h93;  8'h23: sub_byte = 8'h26;
      8'h24: sub_byte = 8'h36;  8'h25: sub_byte = 8'h3f;  8'h26: sub_byte = 8'hf7;  8'h27: sub_byte = 8'hcc;
      8'h28: sub_byte = 8'h34;  8'h29: sub_byte = 8'ha5;  8'h2a: sub_byte = 8'he5;  8'h2b: sub_byte = 8'hf1;
      8'h2c: sub_byte = 8'h71;  8'h2d: sub_byte = 8'hd8;  8'h2e: sub_byte = 8'h31;  8'h2f: sub_byte = 8'h15;
      8'h30: sub_byte = 8'h04;  8'h31: sub_byte = 8'hc7;  8'h32: sub_byte = 8'h23;  8'h33: sub_byte = 8'hc3;
      8'h34: sub_byte = 8'h18;  8'h35: sub_byte = 8'h96;  8'h36: sub_byte = 8'h05;  8'h37: sub_byte = 8'h9a;
      8'h38: sub_byte = 8'h07;  8'h39: sub_byte = 8'h12;  8'h3a: sub_byte = 8'h80;  8'h3b: sub_byte = 8'he2;
      8'h3c: sub_byte = 8'heb;  8'h3d: sub_byte = 8'h27;  8'h3e: sub_byte = 8'hb2;  8'h3f: sub_byte = 8'h75;
      8'h40: sub_byte = 8'h09;  8'h41: sub_byte = 8'h83;  8'h42: sub_byte = 8'h2c;  8'h43: sub_byte = 8'h1a;
      8'h44: sub_byte = 8'h1b;  8'h45: sub_byte = 8'h6e;  8'h46: sub_byte = 8'h5a;  8'h47: sub_byte = 8'ha0;
      8'h48: sub_byte = 8'h52;  8'h49: sub_byte = 8'h3b;  8'h4a: sub_byte = 8'hd6;  8'h4b: sub_byte = 8'hb3;
      8'h4c: sub_byte = 8'h29;  8'h4d: sub_byte = 8'he3;  8'h4e: sub_byte = 8'h2f;  8'h4f: sub_byte = 8'h84;
      8'h50: sub_byte = 8'h53;  8'h51: sub_byte = 8'hd1;  8'h52: sub_byte = 8'h00;  8'h53: sub_byte = 8'hed;
      8'h54: sub_byte = 8'h20;  8'h55: sub_byte = 8'hfc;  8'h56: sub_byte = 8'hb1;  8'h57: sub_byte = 8'h5b;
      8'h58: sub_byte = 8'h6a;  8'h59: sub_byte = 8'hcb;  8'h5a: sub_byte = 8'hbe;  8'h5b: sub_byte = 8'h39;
      8'h5c: sub_byte = 8'h4a;  8'h5d: sub_byte = 8'h4c;  8'h5e: sub_byte = 8'h58;  8'h5f: sub_byte = 8'hcf;
      8'h60: sub_byte = 8'hd0;  8'h61: sub_byte = 8'hef;  8'h62: sub_byte = 8'haa;  8'h63: sub_byte = 8'hfb;
      8'h64: sub_byte = 8'h43;  8'h65: sub_byte = 8'h4d;  8'h66: sub_byte = 8'h33;  8'h67: sub_byte = 8'h85;
      8'h68: sub_byte = 8'h45;  8'h69: sub_byte = 8'hf9;  8'h6a: sub_byte = 8'h02;  8'h6b: sub_byte = 8'h7f;
      8'h6c: sub_byte = 8'h50;  8'h6d: sub_byte = 8'h3c;  8'h6e: sub_byte = 8'h9f;  8'h6f: sub_byte = 8'ha8;
      8'h70: sub_byte = 8'h51;  8'h71: sub_byte = 8'ha3;  8'h72: sub_byte = 8'h40;  8'h73: sub_byte = 8'h8f;
      8'h74: sub_byte = 8'h92;  8'h75: sub_byte = 8'h9d;  8'h76: sub_byte = 8'h38;  8'h77: sub_byte = 8'hf5;
      8'h78: sub_byte = 8'hbc;  8'h79: sub_byte = 8'hb6;  8'h7a: sub_byte = 8'hda;  8'h7b: sub_byte = 8'h21;
      8'h7c: sub_byte = 8'h10;  8'h7d: sub_byte = 8'hff;  8'h7e: sub_byte = 8'hf3;  8'h7f: sub_byte = 8'hd2;
      8'h80: sub_byte = 8'hcd;  8'h81: sub_byte = 8'h0c;  8'h82: sub_byte = 8'h13;  8'h83: sub_byte = 8'hec;
      8'h84: sub_byte = 8'h5f;  8'h85: sub_byte = 8'h97;  8'h86: sub_byte = 8'h44;  8'h87: sub_byte = 8'h17;
      8'h88: sub_byte = 8'hc4;  8'h89: sub_byte = 8'ha7;  8'h8a: sub_byte = 8'h7e;  8'h8b: sub_byte = 8'h3d;
      8'h8c: sub_byte = 8'h64;  8'h8d: sub_byte = 8'h5d;  8'h8e: sub_byte = 8'h19;  8'h8f: sub_byte = 8'h73;
      8'h90: sub_byte = 8'h60;  8'h91: sub_byte = 8'h81;  8'h92: sub_byte = 8'h4f;  8'h93: sub_byte = 8'hdc;
      8'h94: sub_byte = 8'h22;  8'h95: sub_byte = 8'h2a;  8'h96: sub_byte = 8'h90;  8'h97: sub_byte = 8'h88;
      8'h98: sub_byte = 8'h46;  8'h99: sub_byte = 8'hee;  8'h9a: sub_byte = 8'hb8;  8'h9b: sub_byte = 8'h14;
      8'h9c: sub_byte = 8'hde;  8'h9d: sub_byte = 8'h5e;  8'h9e: sub_byte = 8'h0b;  8'h9f: sub_byte = 8'hdb;
      8'ha0: sub_byte = 8'he0;  8'ha1: sub_byte = 8'h32;  8'ha2: sub_byte = 8'h3a;  8'ha3: sub_byte = 8'h0a;
      8'ha4: sub_byte = 8'h49;  8'ha5: sub_byte = 8'h06;  8'ha6: sub_byte = 8'h24;  8'ha7: sub_byte = 8'h5c;
      8'ha8: sub_byte = 8'hc2;  8'ha9: sub_byte = 8'hd3;  8'haa: sub_byte = 8'hac;  8'hab: sub_byte = 8'h62;
      8'hac: sub_byte = 8'h91;  8'had: sub_byte = 8'h95;  8'hae: sub_byte = 8'he4;  8'haf: sub_byte = 8'h79;
      8'hb0: sub_byte = 8'he7;  8'hb1: sub_byte = 8'hc8;  8'hb2: sub_byte = 8'h37;  8'hb3: sub_byte = 8'h6d;
      8'hb4: sub_byte = 8'h8d;  8'hb5: sub_byte = 8'hd5;  8'hb6: sub_byte = 8'h4e;  8'hb7: sub_byte = 8'ha9;
      8'hb8: sub_byte = 8'h6c;  8'hb9: sub_byte = 8'h56;  8'hba: sub_byte = 8'hf4;  8'hbb: sub_byte = 8'hea;
      8'hbc: sub_byte = 8'h65;  8'hbd: sub_byte = 8'h7a;  8'hbe: sub_byte = 8'hae;  8'hbf: sub_byte = 8'h08;
      8'hc0: sub_byte = 8'hba;  8'hc1: sub_byte = 8'h78;  8'hc2: sub_byte = 8'h25;  8'hc3: sub_byte = 8'h2e;
      8'hc4: sub_byte = 8'h1c;  8'hc5: sub_byte = 8'ha6;  8'hc6: sub_byte = 8'hb4;  8'hc7: sub_byte = 8'hc6;
      8'hc8: sub_byte = 8'he8;  8'hc9: sub_byte = 8'hdd;  8'hca: sub_byte = 8'h74;  8'hcb: sub_byte = 8'h1f;
      8'hcc: sub_byte = 8'h4b;  8'hcd: sub_byte = 8'hbd;  8'hce: sub_byte = 8'h8b;  8'hcf: sub_byte = 8'h8a;
      8'hd0: sub_byte = 8'h70;  8'hd1: sub_byte = 8'h3e;  8'hd2: sub_byte = 8'hb5;  8'hd3: sub_byte = 8'h66;
      8'hd4: sub_byte = 8'h48;  8'hd5: sub_byte = 8'h03;  8'hd6: sub_byte = 8'hf6;  8'hd7: sub_byte = 8'h0e;
      8'hd8: sub_byte = 8'h61;  8'hd9: sub_byte = 8'h35;  8'hda: sub_byte = 8'h57;  8'hdb: sub_byte = 8'hb9;
      8'hdc: sub_byte = 8'h86;  8'hdd: sub_byte = 8'hc1;  8'hde: sub_byte = 8'h1d;  8'hdf: sub_byte = 8'h9e;
      8'he0: sub_byte = 8'he1;  8'he1: sub_byte = 8'hf8;  8'he2: sub_byte = 8'h98;  8'he3: sub_byte = 8'h11;
      8'he4: sub_byte = 8'h69;  8'he5: sub_byte = 8'hd9;  8'he6: sub_byte = 8'h8e;  8'he7: sub_byte = 8'h94;
      8'he8: sub_byte = 8'h9b;  8'he9: sub_byte = 8'h1e;  8'hea: sub_byte = 8'h87;  8'heb: sub_byte = 8'he9;
      8'hec: sub_byte = 8'hce;  8'hed: sub_byte = 8'h55;  8'hee: sub_byte = 8'h28;  8'hef: sub_byte = 8'hdf;
      8'hf0: sub_byte = 8'h8c;  8'hf1: sub_byte = 8'ha1;  8'hf2: sub_byte = 8'h89;  8'hf3: sub_byte = 8'h0d;
      8'hf4: sub_byte = 8'hbf;  8'hf5: sub_byte = 8'he6;  8'hf6: sub_byte = 8'h42;  8'hf7: sub_byte = 8'h68;
      8'hf8: sub_byte = 8'h41;  8'hf9: sub_byte = 8'h99;  8'hfa: sub_byte = 8'h2d;  8'hfb: sub_byte = 8'h0f;
      8'hfc: sub_byte = 8'hb0;  8'hfd: sub_byte = 8'h54;  8'hfe: sub_byte = 8'hbb;  default: sub_byte = 8'h16;
    endcase
  endfunction

  // Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
  function [7:0] xtime(input [7:0] x);
    xtime = {x[6:0], 1'b0} ^ (x[7] ? 8'h1b : 8'h00);
  endfunction

  function [31:0] mix_column(input [31:0] col);  // a0 in bits 31:24
    reg [7:0] a0, a1, a2, a3;
    begin
      a0 = col[31:24]; a1 = col[23:16]; a2 = col[15:8]; a3 = col[7:0];
      mix_column = {xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3,
                    a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3,
                    a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3,
                    xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3)};
    end
  endfunction

  // SubBytes then ShiftRows: out s'[r][c] = S(s[r][(c + r) mod 4]).
  function [127:0] sub_shift(input [127:0] s);
    integer r, c;
    begin
      sub_shift = 128'b0;
      for (c = 0; c < 4; c = c + 1) begin
        for (r = 0; r < 4; r = r + 1) begin
          sub_shift[127 - 8 * (4 * c + r) -: 8] = sub_byte(s[127 - 8 * (4 * ((c + r) % 4) + r) -: 8]);
        end
      end
    end
  endfunction

  // FIPS 197 5.2: the next round key from the current one and its Rcon.
  function [127:0] next_round_key(input [127:0] k, input [7:0] rcon);
    reg [31:0] w0, w1, w2, w3, t;
    begin
      w0 = k[127:96]; w1 = k[95:64]; w2 = k[63:32]; w3 = k[31:0];
      // SubWord(RotWord(w3)) ^ Rcon
      t = {sub_byte(w3[23:16]) ^ rcon, sub_byte(w3[15:8]), sub_byte(w3[7:0]), sub_byte(w3[31:24])};
      next_round_key = {w0 ^ t, w0 ^ w1 ^ t, w0 ^ w1 ^ w2 ^ t, w0 ^ w1 ^ w2 ^ w3 ^ t};
    end
  endfunction

  wire [127:0] shifted = sub_shift(state_q);
  wire [127:0] mixed   = {mix_column(shifted[127:96]), mix_column(shifted[95:64]),
                          mix_column(shifted[63:32]), mix_column(shifted[31:0])};
  wire         last    = (round_q == LastRound);
  wire [127:0] round_out = (last ? shifted : mixed) ^ round_key_q;

  // One key expansion serves both the start edge (from key_i) and the rounds.
  wire         begin_block = start_i & ~busy_q;
  wire [127:0] key_from    = busy_q ? round_key_q : key_i;
  wire [7:0]   rcon_now    = busy_q ? rcon_q : 8'h01;
  wire [127:0] key_next    = next_round_key(key_from, rcon_now);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= 128'b0;
      round_key_q <= 128'b0;
      rcon_q      <= 8'b0;
      round_q     <= 4'd0;
      busy_q      <= 1'b0;
      done_q      <= 1'b0;
    end else if (clear_i) begin
      state_q     <= 128'b0;
      round_key_q <= 128'b0;
      rcon_q      <= 8'b0;
      round_q     <= 4'd0;
      busy_q      <= 1'b0;
      done_q      <= 1'b0;
    end else if (begin_block) begin
      state_q     <= block_i ^ key_i;
      round_key_q <= key_next;
      rcon_q      <= xtime(8'h01);
      round_q     <= 4'd1;
      busy_q      <= 1'b1;
      done_q      <= 1'b0;
    end else if (busy_q) begin
      state_q     <= round_out;
      round_key_q <= last ? 128'b0 : key_next;
      rcon_q      <= last ? 8'b0 : xtime(rcon_q);
      round_q     <= last ? 4'd0 : round_q + 4'd1;
      busy_q      <= ~last;
      done_q      <= last;
    end else begin
      done_q      <= 1'b0;
    end
  end

  assign busy_o  = busy_q;
  assign done_o  = done_q;
  assign block_o = state_q;

endmodule

`default_nettype wire

// SHA-1 compression function (FIPS 180-4), one round per clock.
//
// Same contract as sha256_core: the core holds the chaining state H and one
// 16-word message window, neither pads nor loads the IV, and keeps no
// per-hash context between blocks.
//
// Invariant: while idle the working variables a..e equal H, so round 0 runs
// in the same cycle as start_i. Timing: start edge = round 0, the next 79
// edges = rounds 1..79, one more edge adds the working variables into H.
// The message schedule is computed on the fly in a sliding window (w[0] is
// W_t of the current round).
`default_nettype none

module sha1_core (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire         start_i,      // compress the block into the state; ignored while busy
  input  wire         block_we_i,   // write one block word; ignored while busy
  input  wire [3:0]   block_idx_i,
  input  wire         state_we_i,   // write one state word; ignored while busy
  input  wire [2:0]   state_idx_i,  // 0..4; larger values are ignored
  input  wire [31:0]  wdata_i,
  input  wire [3:0]   wstrb_i,
  output wire         ready_o,      // idle in the next cycle: state holds the result
  output wire [159:0] state_o       // H0 in bits 31:0, H4 in bits 159:128
);

  localparam [6:0] LastRound = 7'd79;

  reg  [159:0] h_q;        // chaining state, word i at bits 32*i +: 32
  reg  [159:0] v_q;        // working variables a (word 0) .. e (word 4)
  reg  [511:0] w_q;        // message window, w[0] at bits 31:0
  reg          busy_q;
  reg  [6:0]   round_q;    // round being computed; 80 = final addition; 0 when idle

  function [31:0] merge_bytes(input [31:0] old_word, input [31:0] new_word, input [3:0] strb);
    merge_bytes = {strb[3] ? new_word[31:24] : old_word[31:24],
                   strb[2] ? new_word[23:16] : old_word[23:16],
                   strb[1] ? new_word[15:8]  : old_word[15:8],
                   strb[0] ? new_word[7:0]   : old_word[7:0]};
  endfunction

  wire [31:0] a = v_q[31:0];
  wire [31:0] b = v_q[63:32];
  wire [31:0] c = v_q[95:64];
  wire [31:0] d = v_q[127:96];
  wire [31:0] e = v_q[159:128];

  // f_t and K_t by round group (0-19 Ch, 20-39 Parity, 40-59 Maj, 60-79 Parity)
  reg [31:0] f_t;
  reg [31:0] k_t;
  always @(*) begin
    if (round_q < 7'd20) begin
      f_t = (b & c) ^ (~b & d);
      k_t = 32'h5a827999;
    end else if (round_q < 7'd40) begin
      f_t = b ^ c ^ d;
      k_t = 32'h6ed9eba1;
    end else if (round_q < 7'd60) begin
      f_t = (b & c) ^ (b & d) ^ (c & d);
      k_t = 32'h8f1bbcdc;
    end else begin
      f_t = b ^ c ^ d;
      k_t = 32'hca62c1d6;
    end
  end

  wire [31:0] temp = {a[26:0], a[31:27]} + f_t + e + k_t + w_q[31:0];

  // W_{t+16} = ROTL1(W_{t+13} ^ W_{t+8} ^ W_{t+2} ^ W_t)
  wire [31:0] w_mix  = w_q[32*13 +: 32] ^ w_q[32*8 +: 32] ^ w_q[32*2 +: 32] ^ w_q[31:0];
  wire [31:0] w_next = {w_mix[30:0], w_mix[31]};

  wire do_round = busy_q ? (round_q <= LastRound) : start_i;
  wire do_final = busy_q & (round_q > LastRound);

  // H + working variables, word by word (the final addition)
  reg [159:0] h_sum;
  integer i;  // clocked block
  integer k;  // combinational block (its own: one variable, one driver)
  always @(*) begin
    for (k = 0; k < 5; k = k + 1) begin
      h_sum[32*k +: 32] = h_q[32*k +: 32] + v_q[32*k +: 32];
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      h_q     <= 160'b0;
      v_q     <= 160'b0;
      w_q     <= 512'b0;
      busy_q  <= 1'b0;
      round_q <= 7'd0;
    end else if (do_round) begin
      v_q     <= {d, c, {b[1:0], b[31:2]}, a, temp};
      w_q     <= {w_next, w_q[511:32]};
      busy_q  <= 1'b1;
      round_q <= round_q + 7'd1;
    end else if (do_final) begin
      h_q     <= h_sum;
      v_q     <= h_sum;
      busy_q  <= 1'b0;
      round_q <= 7'd0;
    end else begin
      // Idle: register writes. A state write updates H and the matching
      // working variable together to keep the idle invariant.
      for (i = 0; i < 5; i = i + 1) begin
        if (state_we_i && state_idx_i == i[2:0]) begin
          h_q[32*i +: 32] <= merge_bytes(h_q[32*i +: 32], wdata_i, wstrb_i);
          v_q[32*i +: 32] <= merge_bytes(h_q[32*i +: 32], wdata_i, wstrb_i);
        end
      end
      for (i = 0; i < 16; i = i + 1) begin
        if (block_we_i && block_idx_i == i[3:0]) begin
          w_q[32*i +: 32] <= merge_bytes(w_q[32*i +: 32], wdata_i, wstrb_i);
        end
      end
    end
  end

  assign ready_o = ~busy_q | do_final;
  assign state_o = h_q;

endmodule

`default_nettype wire

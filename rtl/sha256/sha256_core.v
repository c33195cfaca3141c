// SHA-256 compression function (FIPS 180-4), one round per clock.
//
// The core holds the chaining state H and one 16-word message window. It
// neither pads nor loads the IV: the caller writes the state and the block,
// pulses start_i, and reads the state back when ready_o is high. That keeps
// the core free of per-hash context between blocks.
//
// Invariant: while idle the working variables a..h equal H, so round 0 runs
// in the same cycle as start_i without a mux in the round path. Timing:
// start edge = round 0, the next 63 edges = rounds 1..63, one more edge adds
// the working variables into H. The message schedule is computed on the fly
// in a sliding window (w[0] is W_t of the current round).
`default_nettype none

module sha256_core (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire         start_i,      // compress the block into the state; ignored while busy
  input  wire         block_we_i,   // write one block word; ignored while busy
  input  wire [3:0]   block_idx_i,
  input  wire         state_we_i,   // write one state word; ignored while busy
  input  wire [2:0]   state_idx_i,
  input  wire [31:0]  wdata_i,
  input  wire [3:0]   wstrb_i,
  output wire         ready_o,      // idle in the next cycle: state holds the result
  output wire [255:0] state_o       // H0 in bits 31:0, H7 in bits 255:224
);

  localparam [6:0] LastRound = 7'd63;

  reg  [255:0] h_q;        // chaining state, word i at bits 32*i +: 32
  reg  [255:0] v_q;        // working variables a (word 0) .. h (word 7)
  reg  [511:0] w_q;        // message window, w[0] at bits 31:0
  reg          busy_q;
  reg  [6:0]   round_q;    // round being computed; 64 = final addition; 0 when idle

  // ---- round function ----
  function [31:0] big_sigma0(input [31:0] x);
    big_sigma0 = {x[1:0], x[31:2]} ^ {x[12:0], x[31:13]} ^ {x[21:0], x[31:22]};
  endfunction
  function [31:0] big_sigma1(input [31:0] x);
    big_sigma1 = {x[5:0], x[31:6]} ^ {x[10:0], x[31:11]} ^ {x[24:0], x[31:25]};
  endfunction
  function [31:0] small_sigma0(input [31:0] x);
    small_sigma0 = {x[6:0], x[31:7]} ^ {x[17:0], x[31:18]} ^ {3'b000, x[31:3]};
  endfunction
  function [31:0] small_sigma1(input [31:0] x);
    small_sigma1 = {x[16:0], x[31:17]} ^ {x[18:0], x[31:19]} ^ {10'b0, x[31:10]};
  endfunction

  function [31:0] round_constant(input [5:0] t);
    case (t)
      6'd0:  round_constant = 32'h428a2f98;  6'd1:  round_constant = 32'h71374491;
      6'd2:  round_constant = 32'hb5c0fbcf;  6'd3:  round_constant = 32'he9b5dba5;
      6'd4:  round_constant = 32'h3956c25b;  6'd5:  round_constant = 32'h59f111f1;
      6'd6:  round_constant = 32'h923f82a4;  6'd7:  round_constant = 32'hab1c5ed5;
      6'd8:  round_constant = 32'hd807aa98;  6'd9:  round_constant = 32'h12835b01;
      6'd10: round_constant = 32'h243185be;  6'd11: round_constant = 32'h550c7dc3;
      6'd12: round_constant = 32'h72be5d74;  6'd13: round_constant = 32'h80deb1fe;
      6'd14: round_constant = 32'h9bdc06a7;  6'd15: round_constant = 32'hc19bf174;
      6'd16: round_constant = 32'he49b69c1;  6'd17: round_constant = 32'hefbe4786;
      6'd18: round_constant = 32'h0fc19dc6;  6'd19: round_constant = 32'h240ca1cc;
      6'd20: round_constant = 32'h2de92c6f;  6'd21: round_constant = 32'h4a7484aa;
      6'd22: round_constant = 32'h5cb0a9dc;  6'd23: round_constant = 32'h76f988da;
      6'd24: round_constant = 32'h983e5152;  6'd25: round_constant = 32'ha831c66d;
      6'd26: round_constant = 32'hb00327c8;  6'd27: round_constant = 32'hbf597fc7;
      6'd28: round_constant = 32'hc6e00bf3;  6'd29: round_constant = 32'hd5a79147;
      6'd30: round_constant = 32'h06ca6351;  6'd31: round_constant = 32'h14292967;
      6'd32: round_constant = 32'h27b70a85;  6'd33: round_constant = 32'h2e1b2138;
      6'd34: round_constant = 32'h4d2c6dfc;  6'd35: round_constant = 32'h53380d13;
      6'd36: round_constant = 32'h650a7354;  6'd37: round_constant = 32'h766a0abb;
      6'd38: round_constant = 32'h81c2c92e;  6'd39: round_constant = 32'h92722c85;
      6'd40: round_constant = 32'ha2bfe8a1;  6'd41: round_constant = 32'ha81a664b;
      6'd42: round_constant = 32'hc24b8b70;  6'd43: round_constant = 32'hc76c51a3;
      6'd44: round_constant = 32'hd192e819;  6'd45: round_constant = 32'hd6990624;
      6'd46: round_constant = 32'hf40e3585;  6'd47: round_constant = 32'h106aa070;
      6'd48: round_constant = 32'h19a4c116;  6'd49: round_constant = 32'h1e376c08;
      6'd50: round_constant = 32'h2748774c;  6'd51: round_constant = 32'h34b0bcb5;
      6'd52: round_constant = 32'h391c0cb3;  6'd53: round_constant = 32'h4ed8aa4a;
      6'd54: round_constant = 32'h5b9cca4f;  6'd55: round_constant = 32'h682e6ff3;
      6'd56: round_constant = 32'h748f82ee;  6'd57: round_constant = 32'h78a5636f;
      6'd58: round_constant = 32'h84c87814;  6'd59: round_constant = 32'h8cc70208;
      6'd60: round_constant = 32'h90befffa;  6'd61: round_constant = 32'ha4506ceb;
      6'd62: round_constant = 32'hbef9a3f7;  default: round_constant = 32'hc67178f2;
    endcase
  endfunction

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
  wire [31:0] f = v_q[191:160];
  wire [31:0] g = v_q[223:192];
  wire [31:0] h = v_q[255:224];

  wire [31:0] t1 = h + big_sigma1(e) + ((e & f) ^ (~e & g)) + round_constant(round_q[5:0])
                   + w_q[31:0];
  wire [31:0] t2 = big_sigma0(a) + ((a & b) ^ (a & c) ^ (b & c));

  // W_{t+16} = s1(W_{t+14}) + W_{t+9} + s0(W_{t+1}) + W_t
  wire [31:0] w_next = small_sigma1(w_q[32*14 +: 32]) + w_q[32*9 +: 32]
                       + small_sigma0(w_q[32*1 +: 32]) + w_q[31:0];

  wire do_round = busy_q ? (round_q <= LastRound) : start_i;
  wire do_final = busy_q & (round_q > LastRound);

  // H + working variables, word by word (the final addition)
  reg [255:0] h_sum;
  integer i;  // clocked block
  integer k;  // combinational block (its own: one variable, one driver)
  always @(*) begin
    for (k = 0; k < 8; k = k + 1) begin
      h_sum[32*k +: 32] = h_q[32*k +: 32] + v_q[32*k +: 32];
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      h_q     <= 256'b0;
      v_q     <= 256'b0;
      w_q     <= 512'b0;
      busy_q  <= 1'b0;
      round_q <= 7'd0;
    end else if (do_round) begin
      v_q     <= {g, f, e, d + t1, c, b, a, t1 + t2};
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
      for (i = 0; i < 8; i = i + 1) begin
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

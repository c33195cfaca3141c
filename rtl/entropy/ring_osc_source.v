// Board noise source: free-running ring oscillators, sampled in clk_i and
// XOR-combined into one raw bit per sample, checked by the two continuous
// health tests of NIST SP 800-90B (4.4.1 repetition count, 4.4.2 adaptive
// proportion) and packed 32 raw bits to a word. Same output interface as
// the simulation model (entropy_source_sim_model.v in the Verilator harness);
// no conditioning here (the firmware's DRBG conditions the raw words).
//
// Health test cutoffs, for an assessed min-entropy of H = 0.5 bit per raw
// sample and a false-alarm probability alpha = 2^-20 per test:
//   RCT: C = 1 + ceil(-log2(alpha) / H) = 1 + 40 = 41 identical samples in a row.
//   APT: window W = 1024 (binary source), C = 1 + CRITBINOM(W, 2^-H, 1 - alpha)
//        = 1 + 792 = 793 occurrences of the window's first sample.
// A failure is sticky until reset: health_fail_o stays high, valid_o stays
// low and the SoC's entropy FIFO hands out no more words. Until the first
// APT window (1024 samples) has passed, no word is output (start-up test).
//
// The ring oscillators are combinational loops of ECP5 LUT4 inverters; they
// cannot be simulated meaningfully (their noise is analogue jitter), so the
// test bench builds this module with Simulation = 1, where the raw bit stream
// comes from the test-only inputs test_bit_i/test_valid_i instead. Boards
// tie those inputs to 0.
module ring_osc_source #(
  parameter integer NumRings   = 8,     // rings of 3, 5, 7, ... inverters
  parameter integer SampleDiv  = 16,    // clk_i cycles per raw sample (decorrelation)
  parameter integer RctCutoff  = 41,
  parameter integer AptWindow  = 1024,
  parameter integer AptCutoff  = 793,
  parameter integer Simulation = 0      // 1: raw bits from test_bit_i, no rings
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        ready_i,
  output reg         valid_o,
  output reg  [31:0] word_o,
  output wire        health_fail_o,
  // test only (Simulation = 1): one raw bit per cycle with test_valid_i high
  input  wire        test_bit_i,
  input  wire        test_valid_i
);
  localparam integer DivW = (SampleDiv > 1) ? $clog2(SampleDiv) : 1;
  localparam integer RctW = $clog2(RctCutoff + 1);
  localparam integer AptW = $clog2(AptWindow + 1);
  // 32-bit constants, sliced to the counter widths where compared.
  localparam [31:0] DivLast    = SampleDiv - 1;
  localparam [31:0] RctLimit   = RctCutoff;
  localparam [31:0] AptLimit   = AptCutoff;
  localparam [31:0] AptLastIdx = AptWindow - 1;

  // ---- raw bit and its strobe ----
  wire raw_bit;
  wire raw_strobe;

  generate
    if (Simulation != 0) begin : g_test_input
      assign raw_bit    = test_bit_i;
      assign raw_strobe = test_valid_i;
    end else begin : g_rings
      wire [NumRings-1:0] ring_out;
      genvar r, s;
      for (r = 0; r < NumRings; r = r + 1) begin : g_ring
        localparam integer Len = 3 + 2 * r;  // odd: the loop oscillates
        // keep: Yosys must neither merge the inverters nor break the loop.
        (* keep *) wire [Len-1:0] stage;
        for (s = 0; s < Len; s = s + 1) begin : g_inv
          (* keep *) LUT4 #(.INIT(16'h5555)) u_inv (  // Z = ~A
            .A (stage[(s + Len - 1) % Len]),
            .B (1'b0),
            .C (1'b0),
            .D (1'b0),
            .Z (stage[s])
          );
        end
        assign ring_out[r] = stage[Len-1];
      end

      // First stage samples each ring asynchronously (may go metastable; it
      // has a full cycle to settle), the second holds their XOR.
      reg [NumRings-1:0] sample_q;
      reg                xor_q;
      reg [DivW-1:0]     div_q;
      reg                strobe_q;
      always @(posedge clk_i) begin
        sample_q <= ring_out;
        xor_q    <= ^sample_q;
        if (!rst_ni) begin
          div_q    <= 0;
          strobe_q <= 1'b0;
        end else begin
          strobe_q <= (div_q == 0);
          div_q    <= (div_q == DivLast[DivW-1:0]) ? {DivW{1'b0}} : div_q + 1'b1;
        end
      end
      assign raw_bit    = xor_q;
      assign raw_strobe = strobe_q;
      wire unused_test = &{1'b0, test_bit_i, test_valid_i};
    end
  endgenerate

  // ---- repetition count test ----
  reg            rct_last_q;
  reg [RctW-1:0] rct_run_q;
  wire           rct_same = (raw_bit == rct_last_q) && (rct_run_q != 0);
  wire           rct_fail = raw_strobe && rct_same && (rct_run_q + 1'b1 >= RctLimit[RctW-1:0]);

  // ---- adaptive proportion test ----
  reg            apt_ref_q;
  reg [AptW-1:0] apt_index_q;   // position of the next sample in the window
  reg [AptW-1:0] apt_count_q;   // occurrences of apt_ref_q so far
  reg            apt_passed_q;  // one whole window passed: start-up done
  wire           apt_first = (apt_index_q == 0);
  wire           apt_fail  = raw_strobe && !apt_first && (raw_bit == apt_ref_q)
                             && (apt_count_q + 1'b1 >= AptLimit[AptW-1:0]);
  wire           apt_last  = (apt_index_q == AptLastIdx[AptW-1:0]);

  reg fail_q;
  assign health_fail_o = fail_q;

  // ---- word packing (first raw bit ends up in bit 31) ----
  reg [30:0] shift_q;  // the 31 bits before the word's last
  reg [4:0]  nbits_q;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      rct_last_q   <= 1'b0;
      rct_run_q    <= 0;
      apt_ref_q    <= 1'b0;
      apt_index_q  <= 0;
      apt_count_q  <= 0;
      apt_passed_q <= 1'b0;
      fail_q       <= 1'b0;
      shift_q      <= 31'd0;
      nbits_q      <= 5'd0;
      valid_o      <= 1'b0;
      word_o       <= 32'd0;
    end else begin
      if (valid_o && ready_i) valid_o <= 1'b0;

      if (raw_strobe) begin
        // RCT
        if (rct_same) rct_run_q <= rct_run_q + 1'b1;
        else begin
          rct_last_q <= raw_bit;
          rct_run_q  <= 1;
        end
        // APT
        if (apt_first) begin
          apt_ref_q   <= raw_bit;
          apt_count_q <= 1;
        end else if (raw_bit == apt_ref_q) begin
          apt_count_q <= apt_count_q + 1'b1;
        end
        apt_index_q <= apt_last ? {AptW{1'b0}} : apt_index_q + 1'b1;
        if (apt_last && !apt_fail) apt_passed_q <= 1'b1;
        if (rct_fail || apt_fail) fail_q <= 1'b1;

        // Packing. A word completed while the previous one is still
        // waiting is dropped: the raw bits are only ever used once.
        shift_q <= {shift_q[29:0], raw_bit};
        nbits_q <= nbits_q + 1'b1;
        if (nbits_q == 5'd31 && !(valid_o && !ready_i) && apt_passed_q
            && !fail_q && !rct_fail && !apt_fail) begin
          word_o  <= {shift_q, raw_bit};
          valid_o <= 1'b1;
        end
      end

      if (fail_q) valid_o <= 1'b0;
    end
  end
endmodule

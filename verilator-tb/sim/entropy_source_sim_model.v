// SIMULATION MODEL of the noise source: not a noise source. It hands the SoC
// one 32-bit word every PeriodCycles cycles, taken from the host's random
// number generator through DPI (mctpm_sim_entropy_word in the harness). The
// board uses a ring-oscillator source with health tests in its place.
module entropy_source_sim_model #(
  parameter integer PeriodCycles = 32
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        ready_i,
  output reg         valid_o,
  output reg  [31:0] word_o,
  output wire        health_fail_o
);
  import "DPI-C" function int unsigned mctpm_sim_entropy_word();

  reg [$clog2(PeriodCycles):0] count_q;

  assign health_fail_o = 1'b0;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      count_q <= 0;
      valid_o <= 1'b0;
      word_o  <= 32'd0;
    end else if (valid_o) begin
      if (ready_i) valid_o <= 1'b0;
    end else if (count_q == PeriodCycles[$clog2(PeriodCycles):0]) begin
      count_q <= 0;
      word_o  <= mctpm_sim_entropy_word();
      valid_o <= 1'b1;
    end else begin
      count_q <= count_q + 1'b1;
    end
  end
endmodule

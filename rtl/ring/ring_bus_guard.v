// Applies the access policy (ring_access_policy) to the CPU bus: the SoC
// gates every select, every zero-wait write and every zero-wait read datum
// with allowed_o. An access the policy refuses still completes, because
// PicoRV32 has no bus error: a zero-wait memory access in its request cycle
// (read data gated to 0 by the SoC, write dropped), any other access one
// cycle later through none_ack_o, like an unmapped address. denied_o pulses
// once per refused access, in the cycle it completes, for ring control's
// RING_DENIED_COUNT/ADDR.
module ring_bus_guard (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        mem_valid_i,
  input  wire [31:0] mem_addr_i,
  input  wire        we_i,
  input  wire        zero_wait_i,  // mem_addr_i is a zero-wait memory (completes in its request cycle)
  input  wire        mapped_i,     // mem_addr_i selects a block
  input  wire        cr0_i,
  input  wire        scrubbing_i,
  output wire        allowed_o,
  output reg         none_ack_o,   // completes an unmapped or a refused peripheral access
  output wire        denied_o
);
  ring_access_policy u_policy (
    .addr_i      (mem_addr_i),
    .we_i        (we_i),
    .cr0_i       (cr0_i),
    .scrubbing_i (scrubbing_i),
    .allowed_o   (allowed_o)
  );

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) none_ack_o <= 1'b0;
    else         none_ack_o <= mem_valid_i & !zero_wait_i & (!mapped_i | !allowed_o) & ~none_ack_o;
  end

  assign denied_o = mem_valid_i & !allowed_o & (zero_wait_i | none_ack_o);
endmodule

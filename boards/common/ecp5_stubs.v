// LINT ONLY: empty stand-ins for the ECP5 primitives the board tops
// instantiate, so `verilator --lint-only -Wall` can check the tops without
// Yosys's cell library. Synthesis uses the real primitives; nothing here is
// ever built. (Several modules in one file on purpose: it is one list of stubs.)
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off DECLFILENAME */
/* verilator lint_off MULTITOP */

module EHXPLLL #(
  parameter integer CLKI_DIV      = 1,
  parameter integer CLKFB_DIV     = 1,
  parameter integer CLKOP_DIV     = 8,
  parameter integer CLKOP_CPHASE  = 0,
  parameter integer CLKOP_FPHASE  = 0,
  parameter         CLKOP_ENABLE  = "ENABLED",
  parameter         FEEDBK_PATH   = "CLKOP",
  parameter         OUTDIVIDER_MUXA = "DIVA",
  parameter         OUTDIVIDER_MUXB = "DIVB",
  parameter         OUTDIVIDER_MUXC = "DIVC",
  parameter         OUTDIVIDER_MUXD = "DIVD",
  parameter         STDBY_ENABLE  = "DISABLED",
  parameter         DPHASE_SOURCE = "DISABLED",
  parameter         PLLRST_ENA    = "DISABLED",
  parameter         INTFB_WAKE    = "DISABLED"
) (
  input  wire CLKI, CLKFB, PHASESEL1, PHASESEL0, PHASEDIR, PHASESTEP, PHASELOADREG,
  input  wire STDBY, PLLWAKESYNC, RST, ENCLKOP, ENCLKOS, ENCLKOS2, ENCLKOS3,
  output wire CLKOP, CLKOS, CLKOS2, CLKOS3, LOCK, INTLOCK, REFCLK, CLKINTFB
);
  // Lint only: pass the input clock through, always locked.
  assign CLKOP = CLKI;
  assign CLKOS = CLKI;
  assign CLKOS2 = CLKI;
  assign CLKOS3 = CLKI;
  assign LOCK = 1'b1;
  assign INTLOCK = 1'b1;
  assign REFCLK = CLKI;
  assign CLKINTFB = CLKI;
endmodule

module USRMCLK (
  input wire USRMCLKI,
  input wire USRMCLKTS
);
endmodule

module LUT4 #(
  parameter [15:0] INIT = 16'h0000
) (
  input  wire A, B, C, D,
  output wire Z
);
  // Lint only: a constant, so the ring oscillators' loops are not loops here.
  assign Z = 1'b0;
endmodule

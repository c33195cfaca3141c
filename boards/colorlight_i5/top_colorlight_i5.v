// Colorlight i5 v7.0 (LFE5U-25F) on its extension board: 25 MHz oscillator
// -> EHXPLLL -> 50 MHz system clock, button reset synchroniser, the mctpm
// SoC, the ring-oscillator noise source, the TPM SPI pins on the extension
// board's PMOD P3 and the configuration flash (NV storage) through USRMCLK.
// Pin names are the ones in colorlight_i5.lpf; wiring table in README.md.
module top_colorlight_i5 #(
  parameter RomInitFile = ""
) (
  input  wire       clk_25mhz_i,
  input  wire       btn_reset_ni,   // extension board button, low when pressed
  output wire       led_no,         // the module's LED, lit when low
  // TPM over SPI, extension board PMOD P3 (the host is the SPI controller)
  input  wire       tpm_sclk_i,
  input  wire       tpm_cs_ni,
  input  wire       tpm_mosi_i,
  output wire       tpm_miso_o,     // driven only while CS# is low
  output wire       tpm_pirq_no,    // open drain
  // configuration SPI flash; its clock pin is reached through USRMCLK
  output wire       flash_cs_no,
  output wire       flash_mosi_o,
  input  wire       flash_miso_i
);
  // ---- clock: 25 MHz * 2 / 1 = 50 MHz (VCO 600 MHz) ----
  wire clk;
  wire pll_locked;
  (* FREQUENCY_PIN_CLKI = "25" *)
  (* FREQUENCY_PIN_CLKOP = "50" *)
  (* ICP_CURRENT = "12" *) (* LPF_RESISTOR = "8" *) (* MFG_ENABLE_FILTEROPAMP = "1" *)
  (* MFG_GMCREF_SEL = "2" *)
  EHXPLLL #(
    .PLLRST_ENA      ("DISABLED"),
    .INTFB_WAKE      ("DISABLED"),
    .STDBY_ENABLE    ("DISABLED"),
    .DPHASE_SOURCE   ("DISABLED"),
    .OUTDIVIDER_MUXA ("DIVA"),
    .OUTDIVIDER_MUXB ("DIVB"),
    .OUTDIVIDER_MUXC ("DIVC"),
    .OUTDIVIDER_MUXD ("DIVD"),
    .CLKI_DIV        (1),
    .CLKOP_ENABLE    ("ENABLED"),
    .CLKOP_DIV       (12),
    .CLKOP_CPHASE    (5),
    .CLKOP_FPHASE    (0),
    .FEEDBK_PATH     ("CLKOP"),
    .CLKFB_DIV       (2)
  ) u_pll (
    .RST          (1'b0),
    .STDBY        (1'b0),
    .CLKI         (clk_25mhz_i),
    .CLKOP        (clk),
    .CLKOS        (),
    .CLKOS2       (),
    .CLKOS3       (),
    .CLKFB        (clk),
    .PHASESEL0    (1'b0),
    .PHASESEL1    (1'b0),
    .PHASEDIR     (1'b1),
    .PHASESTEP    (1'b1),
    .PHASELOADREG (1'b1),
    .PLLWAKESYNC  (1'b0),
    .ENCLKOP      (1'b0),
    .ENCLKOS      (1'b0),
    .ENCLKOS2     (1'b0),
    .ENCLKOS3     (1'b0),
    .LOCK         (pll_locked),
    .INTLOCK      (),
    .REFCLK       (),
    .CLKINTFB     ()
  );

  // ---- reset, noise source, SoC, flash clock: boards/common/mctpm_board_core.v ----
  wire miso, pirq_n, booted, idle, trap, ent_fail, heartbeat, fast_blink;
  mctpm_board_core #(.RomInitFile(RomInitFile)) u_core (
    .clk_i         (clk),
    .arst_ni       (btn_reset_ni & pll_locked),
    .tpm_sclk_i    (tpm_sclk_i),
    .tpm_cs_ni     (tpm_cs_ni),
    .tpm_mosi_i    (tpm_mosi_i),
    .tpm_miso_o    (miso),
    .tpm_pirq_no   (pirq_n),
    .flash_cs_no   (flash_cs_no),
    .flash_mosi_o  (flash_mosi_o),
    .flash_miso_i  (flash_miso_i),
    .booted_o      (booted),
    .idle_o        (idle),
    .trap_o        (trap),
    .health_fail_o (ent_fail),
    .heartbeat_o   (heartbeat),
    .fast_blink_o  (fast_blink)
  );

  // ---- pins ----
  assign tpm_miso_o    = tpm_cs_ni ? 1'bz : miso;
  assign tpm_pirq_no   = pirq_n ? 1'bz : 1'b0;

  // ---- the one LED: steady once booted, slow blink (~0.75 Hz) while
  // booting, fast blink (~6 Hz) after a CPU trap or a failed health test ----
  wire led = (trap | ent_fail) ? fast_blink : (booted ? 1'b1 : heartbeat);
  assign led_no = ~led;

  wire unused_ok = &{1'b0, idle};
endmodule

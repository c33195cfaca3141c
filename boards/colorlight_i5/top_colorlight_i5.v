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

  // ---- reset: asserted asynchronously (button, PLL not locked), released
  // synchronously to clk after 4 cycles ----
  wire       arst_n = btn_reset_ni & pll_locked;
  reg  [3:0] rst_sync_q;
  always @(posedge clk or negedge arst_n) begin
    if (!arst_n) rst_sync_q <= 4'd0;
    else         rst_sync_q <= {rst_sync_q[2:0], 1'b1};
  end
  wire rst_n = rst_sync_q[3];

  // ---- noise source ----
  wire        ent_valid, ent_ready, ent_fail;
  wire [31:0] ent_word;
  ring_osc_source u_noise (
    .clk_i         (clk),
    .rst_ni        (rst_n),
    .ready_i       (ent_ready),
    .valid_o       (ent_valid),
    .word_o        (ent_word),
    .health_fail_o (ent_fail),
    .test_bit_i    (1'b0),
    .test_valid_i  (1'b0)
  );

  // ---- the SoC ----
  wire        miso, pirq_n, trap;
  wire        flash_sck;
  wire [31:0] fw_status;
  mctpm_soc #(.RomInitFile(RomInitFile)) u_soc (
    .clk_i                 (clk),
    .rst_ni                (rst_n),
    .spi_sclk_i            (tpm_sclk_i),
    .spi_cs_ni             (tpm_cs_ni),
    .spi_mosi_i            (tpm_mosi_i),
    .spi_miso_o            (miso),
    .pirq_no               (pirq_n),
    .entropy_valid_i       (ent_valid),
    .entropy_word_i        (ent_word),
    .entropy_health_fail_i (ent_fail),
    .entropy_ready_o       (ent_ready),
    .flash_sck_o           (flash_sck),
    .flash_cs_no           (flash_cs_no),
    .flash_mosi_o          (flash_mosi_o),
    .flash_miso_i          (flash_miso_i),
    .trap_o                (trap),
    .fw_status_o           (fw_status),
    .fw_cmd_cycles_o       (),
    .console_data_o        (),
    .console_valid_o       ()
  );

  // ---- pins ----
  assign tpm_miso_o    = tpm_cs_ni ? 1'bz : miso;
  assign tpm_pirq_no   = pirq_n ? 1'bz : 1'b0;

  // After configuration the flash clock pin belongs to the configuration
  // logic; USRMCLK hands it to user logic.
  (* keep *) USRMCLK u_flash_clk (
    .USRMCLKI  (flash_sck),
    .USRMCLKTS (1'b0)
  );

  // ---- the one LED: steady once booted, slow blink (~0.75 Hz) while
  // booting, fast blink (~6 Hz) after a CPU trap or a failed health test ----
  reg [25:0] beat_q;
  always @(posedge clk) begin
    if (!rst_n) beat_q <= 26'd0;
    else        beat_q <= beat_q + 1'b1;
  end
  wire led = (trap | ent_fail) ? beat_q[22] : (fw_status[0] ? 1'b1 : beat_q[25]);
  assign led_no = ~led;

  wire unused_ok = &{1'b0, fw_status[31:1]};
endmodule

// Lattice ECP5-5G Evaluation Board (LFE5UM5G-85F) top: 12 MHz oscillator
// -> EHXPLLL -> 48 MHz system clock (50 MHz is out of the PLL's reach from
// 12 MHz with CLKOP feedback; see README.md), button reset synchroniser, the
// mctpm SoC, the ring-oscillator noise source, the TPM SPI pins on the
// Raspberry Pi header and the configuration flash (NV storage) through
// USRMCLK. Pin names are the ones in ecp5_evn.lpf; wiring table in README.md.
module top_ecp5_evn #(
  parameter RomInitFile = ""
) (
  input  wire       clk_12mhz_i,
  input  wire       btn_reset_ni,   // reset push button, low when pressed
  output wire [7:0] led_no,         // lit when low
  // TPM over SPI, Raspberry Pi header (the host is the SPI controller)
  input  wire       tpm_sclk_i,
  input  wire       tpm_cs_ni,
  input  wire       tpm_mosi_i,
  output wire       tpm_miso_o,     // driven only while CS# is low
  output wire       tpm_pirq_no,    // open drain
  // configuration SPI flash; its clock pin is reached through USRMCLK
  output wire       flash_cs_no,
  output wire       flash_mosi_o,
  input  wire       flash_miso_i,
  output wire       flash_wp_no,
  output wire       flash_hold_no
);
  // ---- clock: 12 MHz * 4 / 1 = 48 MHz (VCO 576 MHz) ----
  wire clk;
  wire pll_locked;
  (* FREQUENCY_PIN_CLKI = "12" *)
  (* FREQUENCY_PIN_CLKOP = "48" *)
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
    .CLKFB_DIV       (4)
  ) u_pll (
    .RST          (1'b0),
    .STDBY        (1'b0),
    .CLKI         (clk_12mhz_i),
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
  assign flash_wp_no   = 1'b1;
  assign flash_hold_no = 1'b1;

  // After configuration the flash clock pin belongs to the configuration
  // logic; USRMCLK hands it to user logic.
  (* keep *) USRMCLK u_flash_clk (
    .USRMCLKI  (flash_sck),
    .USRMCLKTS (1'b0)
  );

  // ---- LEDs: 0 booted, 1 idle, 2 trap, 3 entropy health failure,
  // 4 heartbeat (clock and reset alive, ~0.7 Hz at 48 MHz); lit when low ----
  reg [25:0] beat_q;
  always @(posedge clk) begin
    if (!rst_n) beat_q <= 26'd0;
    else        beat_q <= beat_q + 1'b1;
  end
  assign led_no = ~{3'b000, beat_q[25], ent_fail, trap, fw_status[1:0]};

  wire unused_ok = &{1'b0, fw_status[31:2]};
endmodule

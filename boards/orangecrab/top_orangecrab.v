// OrangeCrab r0.2 (LFE5U-25F or -85F, CSFBGA285) top: the 48 MHz oscillator
// clocks the SoC directly (no PLL setting lands on 50 MHz from 48 within the
// ECP5 PFD limits; see README.md), button reset synchroniser, the mctpm SoC,
// the ring-oscillator noise source, the TPM SPI pins on the Feather header
// and the configuration flash (NV storage) through USRMCLK. Pin names are
// the ones in orangecrab.lpf; wiring table in README.md.
module top_orangecrab #(
  parameter RomInitFile = ""
) (
  input  wire       clk48_i,
  input  wire       usr_btn_ni,     // user button, low when pressed: reset
  output wire       rst_no,         // low would reload the bootloader: held high
  output wire [2:0] rgb_led_no,     // red, green, blue; lit when low
  // TPM over SPI on the Feather header (the host is the SPI controller)
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
  wire clk = clk48_i;
  assign rst_no = 1'b1;

  // ---- reset, noise source, SoC, flash clock: boards/common/mctpm_board_core.v ----
  wire miso, pirq_n, booted, idle, trap, ent_fail, heartbeat, fast_blink;
  mctpm_board_core #(.RomInitFile(RomInitFile)) u_core (
    .clk_i         (clk),
    .arst_ni       (usr_btn_ni),
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
  assign flash_wp_no   = 1'b1;
  assign flash_hold_no = 1'b1;

  // ---- RGB LED: red = CPU trap or failed health test, green = booted,
  // blue = heartbeat (~0.7 Hz) until booted ----
  assign rgb_led_no = ~{heartbeat & ~booted, booted, trap | ent_fail};

  wire unused_ok = &{1'b0, fast_blink, idle};
endmodule

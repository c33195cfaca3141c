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

  // ---- reset: asserted asynchronously by the button, released
  // synchronously to clk after 4 cycles ----
  wire       arst_n = usr_btn_ni;
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

  // ---- RGB LED: red = CPU trap or failed health test, green = booted,
  // blue = heartbeat (~0.7 Hz) until booted ----
  reg [25:0] beat_q;
  always @(posedge clk) begin
    if (!rst_n) beat_q <= 26'd0;
    else        beat_q <= beat_q + 1'b1;
  end
  assign rgb_led_no = ~{beat_q[25] & ~fw_status[0], fw_status[0], trap | ent_fail};

  wire unused_ok = &{1'b0, fw_status[31:1]};
endmodule

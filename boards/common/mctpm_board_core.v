// What every board top shares: the reset synchroniser, the ring-oscillator
// noise source, the mctpm SoC, the configuration flash clock through
// USRMCLK, and a heartbeat counter for status LEDs. A board top adds only its
// clock (PLL or not), its pins and how its LEDs show the status.
module mctpm_board_core #(
  parameter RomInitFile = "",
  // The device secret of this board's bitstream (its "fuses"); 0 =
  // unprovisioned: no context can be sealed (XON answers MGMT_RC_NO_SECRET).
  parameter [255:0] DeviceSecret = 256'd0
) (
  input  wire clk_i,
  input  wire arst_ni,        // asynchronous: button, PLL not locked
  // TPM over SPI (raw; the top drives the pins: MISO tristate, PIRQ# open drain)
  input  wire tpm_sclk_i,
  input  wire tpm_cs_ni,
  input  wire tpm_mosi_i,
  output wire tpm_miso_o,
  output wire tpm_pirq_no,
  // configuration SPI flash (its clock goes out through USRMCLK here)
  output wire flash_cs_no,
  output wire flash_mosi_o,
  input  wire flash_miso_i,
  // status for LEDs
  output wire booted_o,
  output wire idle_o,
  output wire trap_o,
  output wire health_fail_o,
  output wire heartbeat_o,    // ~0.75 Hz at 50 MHz: clock and reset alive
  output wire fast_blink_o    // ~6 Hz, for error blinking
);
  // ---- reset: asserted asynchronously, released synchronously after 4 cycles ----
  reg  [3:0] rst_sync_q;
  always @(posedge clk_i or negedge arst_ni) begin
    if (!arst_ni) rst_sync_q <= 4'd0;
    else          rst_sync_q <= {rst_sync_q[2:0], 1'b1};
  end
  wire rst_n = rst_sync_q[3];

  // ---- noise source ----
  wire        ent_valid, ent_ready;
  wire [31:0] ent_word;
  ring_osc_source u_noise (
    .clk_i         (clk_i),
    .rst_ni        (rst_n),
    .ready_i       (ent_ready),
    .valid_o       (ent_valid),
    .word_o        (ent_word),
    .health_fail_o (health_fail_o),
    .test_bit_i    (1'b0),
    .test_valid_i  (1'b0)
  );

  // ---- the SoC ----
  wire        flash_sck;
  wire [31:0] fw_status;
  mctpm_soc #(.RomInitFile(RomInitFile), .DeviceSecret(DeviceSecret)) u_soc (
    .clk_i                 (clk_i),
    .rst_ni                (rst_n),
    .spi_sclk_i            (tpm_sclk_i),
    .spi_cs_ni             (tpm_cs_ni),
    .spi_mosi_i            (tpm_mosi_i),
    .spi_miso_o            (tpm_miso_o),
    .pirq_no               (tpm_pirq_no),
    .entropy_valid_i       (ent_valid),
    .entropy_word_i        (ent_word),
    .entropy_health_fail_i (health_fail_o),
    .entropy_ready_o       (ent_ready),
    .flash_sck_o           (flash_sck),
    .flash_cs_no           (flash_cs_no),
    .flash_mosi_o          (flash_mosi_o),
    .flash_miso_i          (flash_miso_i),
    .trap_o                (trap_o),
    .fw_status_o           (fw_status),
    .fw_cmd_cycles_o       (),
    .console_data_o        (),
    .console_valid_o       ()
  );
  assign booted_o = fw_status[0];
  assign idle_o   = fw_status[1];

  // After configuration the flash clock pin belongs to the configuration
  // logic; USRMCLK hands it to user logic.
  (* keep *) USRMCLK u_flash_clk (
    .USRMCLKI  (flash_sck),
    .USRMCLKTS (1'b0)
  );

  // ---- heartbeat ----
  reg [25:0] beat_q;
  always @(posedge clk_i) begin
    if (!rst_n) beat_q <= 26'd0;
    else        beat_q <= beat_q + 1'b1;
  end
  assign heartbeat_o  = beat_q[25];
  assign fast_blink_o = beat_q[22];

  wire unused_ok = &{1'b0, fw_status[31:2]};
endmodule

// Top of mctpm-sim: the SoC exactly as on a board, plus the simulation model
// of the noise source. Pins are driven by the C++ harness (sim_main.cpp),
// which also connects the flash pins to its file-backed flash model
// (verilator-tb/common/spi_flash_model.h).
//
// dbg_fetch_* feed the harness's PC profiler (mctpm-sim --profile). They
// look into the CPU by hierarchical reference so the SoC, and with it every
// board top, keeps its port list.
module mctpm_sim_top (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        spi_sclk_i,
  input  wire        spi_cs_ni,
  input  wire        spi_mosi_i,
  output wire        spi_miso_o,
  output wire        pirq_no,
  output wire        flash_sck_o,
  output wire        flash_cs_no,
  output wire        flash_mosi_o,
  input  wire        flash_miso_i,
  output wire        trap_o,
  output wire [31:0] fw_status_o,
  output wire [31:0] fw_cmd_cycles_o,
  output wire [7:0]  console_data_o,
  output wire        console_valid_o,
  output wire        dbg_fetch_valid_o,  // an instruction fetch is on the bus
  output wire [31:0] dbg_fetch_addr_o    // its address
);
  wire        ent_valid;
  wire [31:0] ent_word;
  wire        ent_fail;
  wire        ent_ready;

  entropy_source_sim_model u_noise (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .ready_i       (ent_ready),
    .valid_o       (ent_valid),
    .word_o        (ent_word),
    .health_fail_o (ent_fail)
  );

  mctpm_soc u_soc (
    .clk_i                 (clk_i),
    .rst_ni                (rst_ni),
    .spi_sclk_i            (spi_sclk_i),
    .spi_cs_ni             (spi_cs_ni),
    .spi_mosi_i            (spi_mosi_i),
    .spi_miso_o            (spi_miso_o),
    .pirq_no               (pirq_no),
    .entropy_valid_i       (ent_valid),
    .entropy_word_i        (ent_word),
    .entropy_health_fail_i (ent_fail),
    .entropy_ready_o       (ent_ready),
    .flash_sck_o           (flash_sck_o),
    .flash_cs_no           (flash_cs_no),
    .flash_mosi_o          (flash_mosi_o),
    .flash_miso_i          (flash_miso_i),
    .trap_o                (trap_o),
    .fw_status_o           (fw_status_o),
    .fw_cmd_cycles_o       (fw_cmd_cycles_o),
    .console_data_o        (console_data_o),
    .console_valid_o       (console_valid_o)
  );

  assign dbg_fetch_valid_o = u_soc.u_cpu.mem_valid & u_soc.u_cpu.mem_instr;
  assign dbg_fetch_addr_o  = u_soc.u_cpu.mem_addr;
endmodule

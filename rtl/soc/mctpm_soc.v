// The mctpm SoC: PicoRV32 (rv32im), firmware ROM and RAM in block RAM, the
// SHA-256 and SHA-1 engines, the entropy FIFO, system control, the SPI
// TPM front end and the SPI NOR flash controller (NV storage), on one simple
// bus. The same SoC goes on every board; board
// tops add clocks, pins and the noise source.
//
// Bus: PicoRV32's native memory interface. Each peripheral sees the common
// peripheral port set (req held until a one-cycle ack). ROM and RAM answer
// with zero wait states: their reads start one cycle early from the CPU's
// look-ahead interface (mem_la_read/mem_la_addr, as in PicoSoC), so a fetch or
// load completes in the cycle mem_valid rises, and a store in its first
// cycle. Addresses come from spec/soc_map.def through the generated
// soc_map.vh.
`include "soc_map.vh"

module mctpm_soc #(
  parameter RomInitFile = ""
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  // TPM over SPI (asynchronous to clk_i)
  input  wire        spi_sclk_i,
  input  wire        spi_cs_ni,
  input  wire        spi_mosi_i,
  output wire        spi_miso_o,
  output wire        pirq_no,
  // noise source (board: ring oscillators; simulation: a model)
  input  wire        entropy_valid_i,
  input  wire [31:0] entropy_word_i,
  input  wire        entropy_health_fail_i,
  output wire        entropy_ready_o,
  // SPI NOR flash for NV storage (board: a flash chip; simulation: a
  // file-backed model)
  output wire        flash_sck_o,
  output wire        flash_cs_no,
  output wire        flash_mosi_o,
  input  wire        flash_miso_i,
  // debug and simulation
  output wire        trap_o,
  output wire [31:0] fw_status_o,
  output wire [31:0] fw_cmd_cycles_o,
  output wire [7:0]  console_data_o,
  output wire        console_valid_o
);
  localparam integer RomWords = `MCTPM_ROM_SIZE / 4;
  localparam integer RamWords = `MCTPM_RAM_SIZE / 4;
  localparam integer RomAw    = $clog2(RomWords);
  localparam integer RamAw    = $clog2(RamWords);

  // ---- CPU ----
  wire        mem_valid;
  wire        mem_ready;
  wire [31:0] mem_addr;
  wire [31:0] mem_wdata;
  wire [3:0]  mem_wstrb;
  wire [31:0] mem_rdata;
  wire        mem_la_read;
  wire [31:0] mem_la_addr;

  picorv32 #(
    .ENABLE_COUNTERS      (1),
    .ENABLE_COUNTERS64    (1),
    .ENABLE_REGS_DUALPORT (1),
    .BARREL_SHIFTER       (1),
    .COMPRESSED_ISA       (0),
    .ENABLE_MUL           (0),
    .ENABLE_FAST_MUL      (1),
    .ENABLE_DIV           (1),
    .ENABLE_IRQ           (0),
    .CATCH_MISALIGN       (1),
    .CATCH_ILLINSN        (1),
    .PROGADDR_RESET       (`MCTPM_ROM_BASE),
    .STACKADDR            (`MCTPM_RAM_BASE + `MCTPM_RAM_SIZE)
  ) u_cpu (
    .clk          (clk_i),
    .resetn       (rst_ni),
    .trap         (trap_o),
    .mem_valid    (mem_valid),
    .mem_instr    (),
    .mem_ready    (mem_ready),
    .mem_addr     (mem_addr),
    .mem_wdata    (mem_wdata),
    .mem_wstrb    (mem_wstrb),
    .mem_rdata    (mem_rdata),
    .mem_la_read  (mem_la_read),
    .mem_la_write (),
    .mem_la_addr  (mem_la_addr),
    .mem_la_wdata (),
    .mem_la_wstrb (),
    .pcpi_valid   (),
    .pcpi_insn    (),
    .pcpi_rs1     (),
    .pcpi_rs2     (),
    .pcpi_wr      (1'b0),
    .pcpi_rd      (32'd0),
    .pcpi_wait    (1'b0),
    .pcpi_ready   (1'b0),
    .irq          (32'd0),
    .eoi          (),
    .trace_valid  (),
    .trace_data   ()
  );

  // ---- address decode ----
  // Verilog cannot slice a literal: give the bases names first.
  localparam [31:0] RomBase     = `MCTPM_ROM_BASE;
  localparam [31:0] RamBase     = `MCTPM_RAM_BASE;
  localparam [31:0] PeriphBase  = `MCTPM_PERIPH_BASE;
  localparam [31:0] SysctlBase  = `MCTPM_SYSCTL_BASE;
  localparam [31:0] Sha256Base  = `MCTPM_SHA256_BASE;
  localparam [31:0] Sha1Base    = `MCTPM_SHA1_BASE;
  localparam [31:0] EntropyBase = `MCTPM_ENTROPY_BASE;
  localparam [31:0] TpmifBase   = `MCTPM_TPMIF_BASE;
  localparam [31:0] FlashBase   = `MCTPM_SPI_FLASH_BASE;
  wire is_rom    = mem_addr[31:28] == RomBase[31:28];
  wire is_ram    = mem_addr[31:28] == RamBase[31:28];
  wire is_periph = mem_addr[31:28] == PeriphBase[31:28];
  wire [15:0] poff = mem_addr[15:0];
  wire sel_sysctl  = is_periph && poff[15:12] == SysctlBase[15:12];
  wire sel_sha256  = is_periph && poff[15:12] == Sha256Base[15:12];
  wire sel_sha1    = is_periph && poff[15:12] == Sha1Base[15:12];
  wire sel_entropy = is_periph && poff[15:12] == EntropyBase[15:12];
  wire sel_tpmif   = is_periph && poff[15:14] == TpmifBase[15:14];
  wire sel_flash   = is_periph && poff[15:12] == FlashBase[15:12];
  wire sel_none    = !(is_rom || is_ram || sel_sysctl || sel_sha256 || sel_sha1
                       || sel_entropy || sel_tpmif || sel_flash);
  wire we = |mem_wstrb;

  wire [31:0] rom_rdata, ram_rdata, sysctl_rdata, sha256_rdata, sha1_rdata, entropy_rdata, tpmif_rdata,
              flash_rdata;
  wire        sysctl_ack, sha256_ack, sha1_ack, entropy_ack, tpmif_ack, flash_ack;
  reg         none_ack_q;
  // Memory accesses complete in the cycle they are requested (zero wait).
  wire        mem_hit = mem_valid & (is_rom | is_ram);
  // The look-ahead address of the next read, decoded like mem_addr.
  wire        la_rom = mem_la_read && mem_la_addr[31:28] == RomBase[31:28];
  wire        la_ram = mem_la_read && mem_la_addr[31:28] == RamBase[31:28];

  // An access to an unmapped address completes (reads 0) so the CPU never
  // hangs on the bus.
  always @(posedge clk_i) begin
    if (!rst_ni) none_ack_q <= 1'b0;
    else         none_ack_q <= mem_valid & sel_none & ~none_ack_q;
  end

  assign mem_ready = mem_hit | sysctl_ack | sha256_ack | sha1_ack
                   | entropy_ack | tpmif_ack | flash_ack | none_ack_q;
  assign mem_rdata = is_rom      ? rom_rdata     :
                     is_ram      ? ram_rdata     :
                     sysctl_ack  ? sysctl_rdata  :
                     sha256_ack  ? sha256_rdata  :
                     sha1_ack    ? sha1_rdata    :
                     entropy_ack ? entropy_rdata :
                     tpmif_ack   ? tpmif_rdata   :
                     flash_ack   ? flash_rdata   : 32'd0;

  // ---- memories ----
  // A store to the ROM completes and is ignored, as before.
  bram_rom #(.Words(RomWords), .InitFile(RomInitFile)) u_rom (
    .clk_i     (clk_i),
    .rd_en_i   (la_rom),
    .rd_addr_i (mem_la_addr[RomAw+1:2]),
    .rdata_o   (rom_rdata)
  );

  bram_ram #(.Words(RamWords)) u_ram (
    .clk_i     (clk_i),
    .rd_en_i   (la_ram),
    .rd_addr_i (mem_la_addr[RamAw+1:2]),
    .rdata_o   (ram_rdata),
    .we_i      (mem_valid & is_ram & we),
    .wr_addr_i (mem_addr[RamAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb)
  );

  // ---- peripherals ----
  wire [63:0] cycles;

  sysctl u_sysctl (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .req_i           (mem_valid & sel_sysctl),
    .addr_i          (poff[11:0]),
    .we_i            (we),
    .wdata_i         (mem_wdata),
    .wstrb_i         (mem_wstrb),
    .rdata_o         (sysctl_rdata),
    .ack_o           (sysctl_ack),
    .cycles_o        (cycles),
    .fw_status_o     (fw_status_o),
    .fw_cmd_cycles_o (fw_cmd_cycles_o),
    .console_data_o  (console_data_o),
    .console_valid_o (console_valid_o)
  );

  sha256 u_sha256 (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .req_i   (mem_valid & sel_sha256),
    .addr_i  (poff[11:0]),
    .we_i    (we),
    .wdata_i (mem_wdata),
    .wstrb_i (mem_wstrb),
    .rdata_o (sha256_rdata),
    .ack_o   (sha256_ack)
  );

  sha1 u_sha1 (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .req_i   (mem_valid & sel_sha1),
    .addr_i  (poff[11:0]),
    .we_i    (we),
    .wdata_i (mem_wdata),
    .wstrb_i (mem_wstrb),
    .rdata_o (sha1_rdata),
    .ack_o   (sha1_ack)
  );

  entropy u_entropy (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .req_i             (mem_valid & sel_entropy),
    .addr_i            (poff[11:0]),
    .we_i              (we),
    .wdata_i           (mem_wdata),
    .wstrb_i           (mem_wstrb),
    .rdata_o           (entropy_rdata),
    .ack_o             (entropy_ack),
    .src_valid_i       (entropy_valid_i),
    .src_word_i        (entropy_word_i),
    .src_health_fail_i (entropy_health_fail_i),
    .src_ready_o       (entropy_ready_o)
  );

  spi_tpm u_tpmif (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .req_i      (mem_valid & sel_tpmif),
    .addr_i     (poff[13:0]),
    .we_i       (we),
    .wdata_i    (mem_wdata),
    .wstrb_i    (mem_wstrb),
    .rdata_o    (tpmif_rdata),
    .ack_o      (tpmif_ack),
    .spi_sclk_i (spi_sclk_i),
    .spi_cs_ni  (spi_cs_ni),
    .spi_mosi_i (spi_mosi_i),
    .spi_miso_o (spi_miso_o),
    .pirq_no    (pirq_no)
  );

  spi_flash u_flash (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .req_i        (mem_valid & sel_flash),
    .addr_i       (poff[11:0]),
    .we_i         (we),
    .wdata_i      (mem_wdata),
    .wstrb_i      (mem_wstrb),
    .rdata_o      (flash_rdata),
    .ack_o        (flash_ack),
    .flash_sck_o  (flash_sck_o),
    .flash_cs_no  (flash_cs_no),
    .flash_mosi_o (flash_mosi_o),
    .flash_miso_i (flash_miso_i)
  );

  // The cycle counter is exported for the benchmark through sysctl; the
  // upper address bits are decoded above.
  wire unused_ok = &{1'b0, cycles, mem_addr[27:16], mem_la_addr};
endmodule

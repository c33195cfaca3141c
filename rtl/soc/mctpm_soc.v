// The mctpm SoC: PicoRV32 (rv32im), firmware ROM and RAM in block RAM, the
// CTX region (the active context, scrubbed in hardware) and the ROOT region,
// the SHA-256 and SHA-1 engines, the entropy FIFO, system control, the SPI
// TPM front end, the SPI NOR flash controller (NV storage), ring control and
// the sealing engine with the device secret, on one simple bus. The same SoC
// goes on every board; board tops add clocks, pins and the noise source.
//
// Bus: PicoRV32's native memory interface. Each peripheral sees the common
// peripheral port set (req held until a one-cycle ack). ROM and RAM answer
// with zero wait states: their reads start one cycle early from the CPU's
// look-ahead interface (mem_la_read/mem_la_addr, as in PicoSoC), so a fetch or
// load completes in the cycle mem_valid rises, and a store in its first
// cycle. Addresses come from spec/soc_map.def through the generated
// soc_map.vh.
//
// Rings (rtl/ring/README.md): every select and every zero-wait read is gated
// by ring_access_policy, the one table of who may touch what. A refused read
// returns 0, a refused write is dropped, the access completes either way
// (PicoRV32 has no bus error) and ring control counts it.
`include "soc_map.vh"

module mctpm_soc #(
  parameter RomInitFile = "",
  // The device secret ("fuses"): 0 = unprovisioned. In simulation
  // device_secret.v reads +fuses=FILE instead (MCTPM_SIM_FUSES_PLUSARG).
  parameter [255:0] DeviceSecret = 256'd0
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
  localparam integer CtxWords  = `MCTPM_CTX_SIZE / 4;
  localparam integer RootWords = `MCTPM_ROOT_SIZE / 4;
  localparam integer CtxAw     = $clog2(CtxWords);
  localparam integer RootAw    = $clog2(RootWords);

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
  localparam [31:0] CtxBase     = `MCTPM_CTX_BASE;
  localparam [31:0] RootBase    = `MCTPM_ROOT_BASE;
  localparam [31:0] PeriphBase  = `MCTPM_PERIPH_BASE;
  localparam [31:0] SysctlBase  = `MCTPM_SYSCTL_BASE;
  localparam [31:0] Sha256Base  = `MCTPM_SHA256_BASE;
  localparam [31:0] Sha1Base    = `MCTPM_SHA1_BASE;
  localparam [31:0] EntropyBase = `MCTPM_ENTROPY_BASE;
  localparam [31:0] TpmifBase   = `MCTPM_TPMIF_BASE;
  localparam [31:0] FlashBase   = `MCTPM_SPI_FLASH_BASE;
  localparam [31:0] RingBase    = `MCTPM_RING_BASE;
  localparam [31:0] SealBase    = `MCTPM_SEAL_BASE;
  wire is_rom    = mem_addr[31:28] == RomBase[31:28];
  wire is_ram    = mem_addr[31:28] == RamBase[31:28];
  wire is_ctx    = mem_addr[31:28] == CtxBase[31:28];
  wire is_root   = mem_addr[31:28] == RootBase[31:28];
  wire is_periph = mem_addr[31:28] == PeriphBase[31:28];
  wire [15:0] poff = mem_addr[15:0];
  wire sel_sysctl  = is_periph && poff[15:12] == SysctlBase[15:12];
  wire sel_sha256  = is_periph && poff[15:12] == Sha256Base[15:12];
  wire sel_sha1    = is_periph && poff[15:12] == Sha1Base[15:12];
  wire sel_entropy = is_periph && poff[15:12] == EntropyBase[15:12];
  wire sel_tpmif   = is_periph && poff[15:14] == TpmifBase[15:14];
  wire sel_flash   = is_periph && poff[15:12] == FlashBase[15:12];
  wire sel_ring    = is_periph && poff[15:12] == RingBase[15:12];
  wire sel_seal    = is_periph && poff[15:12] == SealBase[15:12];
  wire is_mem      = is_rom || is_ram || is_ctx || is_root;
  wire sel_none    = !(is_mem || sel_sysctl || sel_sha256 || sel_sha1
                       || sel_entropy || sel_tpmif || sel_flash || sel_ring || sel_seal);
  wire we = |mem_wstrb;

  // ---- access policy: one table (rtl/ring/ring_access_policy.v) ----
  // An access to an unmapped address, or a peripheral access the policy
  // refused, completes through none_ack (reads 0) so the CPU never hangs.
  wire cr0, scrubbing;
  wire allowed, none_ack, denied;
  ring_bus_guard u_guard (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .mem_valid_i (mem_valid),
    .mem_addr_i  (mem_addr),
    .we_i        (we),
    .zero_wait_i (is_mem),
    .mapped_i    (!sel_none),
    .cr0_i       (cr0),
    .scrubbing_i (scrubbing),
    .allowed_o   (allowed),
    .none_ack_o  (none_ack),
    .denied_o    (denied)
  );
  wire ok = mem_valid & allowed;  // every select below is gated with it

  wire [31:0] rom_rdata, ram_rdata, ctx_rdata, root_rdata, sysctl_rdata, sha256_rdata, sha1_rdata,
              entropy_rdata, tpmif_rdata, flash_rdata, ring_rdata, seal_rdata;
  wire        sysctl_ack, sha256_ack, sha1_ack, entropy_ack, tpmif_ack, flash_ack, ring_ack, seal_ack;
  // Memory accesses complete in the cycle they are requested (zero wait),
  // refused or not.
  wire        mem_hit = mem_valid & is_mem;
  // The look-ahead address of the next read, decoded like mem_addr. The
  // read itself is harmless: its data reaches the CPU only through the
  // policy gate on mem_rdata below.
  wire        la_rom  = mem_la_read && mem_la_addr[31:28] == RomBase[31:28];
  wire        la_ram  = mem_la_read && mem_la_addr[31:28] == RamBase[31:28];
  wire        la_ctx  = mem_la_read && mem_la_addr[31:28] == CtxBase[31:28];
  wire        la_root = mem_la_read && mem_la_addr[31:28] == RootBase[31:28];

  assign mem_ready = mem_hit | sysctl_ack | sha256_ack | sha1_ack | entropy_ack
                   | tpmif_ack | flash_ack | ring_ack | seal_ack | none_ack;
  wire [31:0] mem_word = is_rom  ? rom_rdata  :
                         is_ram  ? ram_rdata  :
                         is_ctx  ? ctx_rdata  :
                         is_root ? root_rdata : 32'd0;
  assign mem_rdata = is_mem      ? (allowed ? mem_word : 32'd0) :
                     sysctl_ack  ? sysctl_rdata  :
                     sha256_ack  ? sha256_rdata  :
                     sha1_ack    ? sha1_rdata    :
                     entropy_ack ? entropy_rdata :
                     tpmif_ack   ? tpmif_rdata   :
                     flash_ack   ? flash_rdata   :
                     ring_ack    ? ring_rdata    :
                     seal_ack    ? seal_rdata    : 32'd0;

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
    .we_i      (ok & is_ram & we),
    .wr_addr_i (mem_addr[RamAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb)
  );

  // CTX: the active context; zeroed by the scrubber on RING_SCRUB and after
  // reset (reads 0 and ignores writes meanwhile, by the policy).
  wire scrub_start;
  context_ram #(.Words(CtxWords)) u_ctx (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .rd_en_i   (la_ctx),
    .rd_addr_i (mem_la_addr[CtxAw+1:2]),
    .rdata_o   (ctx_rdata),
    .we_i      (ok & is_ctx & we),
    .wr_addr_i (mem_addr[CtxAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb),
    .scrub_i   (scrub_start),
    .busy_o    (scrubbing)
  );

  // ROOT: the root TPM and the context table; ring 1 reads only its shared
  // window (platform PCRs).
  bram_ram #(.Words(RootWords)) u_root (
    .clk_i     (clk_i),
    .rd_en_i   (la_root),
    .rd_addr_i (mem_la_addr[RootAw+1:2]),
    .rdata_o   (root_rdata),
    .we_i      (ok & is_root & we),
    .wr_addr_i (mem_addr[RootAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb)
  );

  // ---- peripherals ----
  wire [63:0] cycles;

  sysctl u_sysctl (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .req_i           (ok & sel_sysctl),
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
    .req_i   (ok & sel_sha256),
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
    .req_i   (ok & sel_sha1),
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
    .req_i             (ok & sel_entropy),
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

  wire        tpm_go, tpm_trap, tpm_pending, tpm_rsp_done;
  wire [31:0] tpm_cc, trap_cc, trap_count;

  spi_tpm u_tpmif (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .req_i      (ok & sel_tpmif),
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
    .pirq_no    (pirq_no),
    .go_o              (tpm_go),
    .cmd_cc_o          (tpm_cc),
    .trap_i            (tpm_trap),
    .cmd_pending_o     (tpm_pending),
    .rsp_done_o        (tpm_rsp_done),
    .ring_cr0_i        (cr0),
    .ring_trap_count_i (trap_count[15:0]),
    .ring_trap_cc_i    (trap_cc)
  );

  spi_flash u_flash (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .req_i        (ok & sel_flash),
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

  ring_control u_ring (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .req_i         (ok & sel_ring),
    .addr_i        (poff[11:0]),
    .we_i          (we),
    .wdata_i       (mem_wdata),
    .wstrb_i       (mem_wstrb),
    .rdata_o       (ring_rdata),
    .ack_o         (ring_ack),
    .cmd_pending_i (tpm_pending),
    .cmd_cc_i      (tpm_cc),
    .rsp_done_i    (tpm_rsp_done),
    .go_i          (tpm_go),
    .go_cc_i       (tpm_cc),
    .trap_o        (tpm_trap),
    .scrub_start_o (scrub_start),
    .scrub_busy_i  (scrubbing),
    .denied_i      (denied),
    .denied_addr_i (mem_addr),
    .cr0_o         (cr0),
    .trap_cc_o     (trap_cc),
    .trap_count_o  (trap_count)
  );

  // The device secret reaches the sealing engine's key slot and nothing
  // else: no bus path reads it.
  wire [255:0] device_secret_w;
  device_secret #(.Secret(DeviceSecret)) u_secret (
    .secret_o (device_secret_w)
  );

  seal_engine u_seal (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .req_i    (ok & sel_seal),
    .addr_i   (poff[11:0]),
    .we_i     (we),
    .wdata_i  (mem_wdata),
    .wstrb_i  (mem_wstrb),
    .rdata_o  (seal_rdata),
    .ack_o    (seal_ack),
    .secret_i (device_secret_w)
  );

  // The cycle counter is exported for the benchmark through sysctl; the
  // upper address bits are decoded above (the policy sees all of mem_addr).
  wire unused_ok = &{1'b0, cycles, trap_count[31:16], mem_la_addr};
endmodule
